/* h_dream.c: the citizen's dreams. Each change answers the plan's new
 * version as ETag. */
#include "internal.h"
#include "plan.h"

enum kp_err h_dream_create(struct req *r)
{
	struct plan_want want;
	long long version;
	json_t *out;
	enum kp_err err;

	if ((err = request_if_match(r, &want)) != KP_OK)
		return err;
	err = dream_create(r->w->db, r->a, &r->sess.who,
	                   json_string_value(json_object_get(r->body, "text")), &want, &out, &version,
	                   &r->fail);
	if (err != KP_OK)
		return err;
	respond_etag(r, version);
	respond_json(r, 201, out);
	return KP_OK;
}

enum kp_err h_dream_update(struct req *r)
{
	struct plan_want want;
	long long version;
	json_t *out;
	enum kp_err err;

	if ((err = request_if_match(r, &want)) != KP_OK)
		return err;
	err = dream_update(r->w->db, r->a, &r->sess.who, r->ids[0],
	                   json_string_value(json_object_get(r->body, "text")), &want, &out, &version,
	                   &r->fail);
	if (err != KP_OK)
		return err;
	respond_etag(r, version);
	respond_json(r, 200, out);
	return KP_OK;
}

enum kp_err h_dream_delete(struct req *r)
{
	struct plan_want want;
	long long version;
	enum kp_err err;

	if ((err = request_if_match(r, &want)) != KP_OK)
		return err;
	err = dream_delete(r->w->db, r->a, &r->sess.who, r->ids[0], &want, &version, &r->fail);
	if (err != KP_OK)
		return err;
	respond_etag(r, version);
	respond_json(r, 204, NULL);
	return KP_OK;
}
