/* h_plan.c: the plan, its history, the citizen's yes, the contact person
 * and the access log. */
#include "internal.h"
#include "plan.h"

enum kp_err h_plan_get(struct req *r)
{
	long long version;
	const char *json;
	enum kp_err err;

	if (r->plan_body != NULL) {
		respond_etag(r, r->plan_version);
		respond_text(r, 200, "application/json; charset=utf-8", r->plan_body);
		return KP_OK;
	}
	if ((err = plan_render(r->w->db, r->a, &r->head, SESSION_PLAN_COL, &json, &version)) != KP_OK)
		return err;
	plan_cache_put(r, json, version);
	respond_etag(r, version);
	respond_text(r, 200, "application/json; charset=utf-8", json);
	return KP_OK;
}

enum kp_err h_plan_history(struct req *r)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK ||
	    (err = plan_history(r->w->db, r->a, r->sess.who.plan_id, &pg, &out)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}

enum kp_err h_plan_accept(struct req *r)
{
	json_t *out;
	enum kp_err err = plan_accept(r->w->db, r->a, &r->sess.who,
	                              json_integer_value(json_object_get(r->body, "version")), &out,
	                              &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_contact_get(struct req *r)
{
	json_t *out;
	enum kp_err err = plan_contact(r->w->db, r->a, r->sess.who.id, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_access_log(struct req *r)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK ||
	    (err = plan_access_log(r->w->db, r->a, r->sess.who.id, &pg, &out)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}
