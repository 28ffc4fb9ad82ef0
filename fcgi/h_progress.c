/* h_progress.c: how a goal goes, in the citizen's own words. Each answer
 * is a new row (POST, 201); the plan's version and ETag stay as they are. */
#include "internal.h"
#include "progress.h"

enum kp_err h_progress_add(struct req *r)
{
	json_t *out;
	enum kp_err err = progress_add(r->w->db, r->a, &r->sess.who, r->ids[0],
	                               json_string_value(json_object_get(r->body, "status")),
	                               json_string_value(json_object_get(r->body, "note")), &out);

	if (err == KP_ENOTFOUND)
		return KP_FAIL(&r->fail, KP_ENOTFOUND, "not_found",
		               "there is no such goal in your plan");
	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}

enum kp_err h_progress_list(struct req *r)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK)
		return err;
	err = progress_history(r->w->db, r->a, r->sess.who.id, r->sess.who.plan_id, r->ids[0], &pg,
	                       &out);
	if (err == KP_ENOTFOUND)
		return KP_FAIL(&r->fail, KP_ENOTFOUND, "not_found",
		               "there is no such goal in your plan");
	if (err != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}
