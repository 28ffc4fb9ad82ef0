/* h_plan.c: the plan, its history, the citizen's yes, the contact person
 * and the access log. */
#include "internal.h"
#include "plan.h"

/* The plan answer from its two parts, each from the pool's shared memory
 * when it is kept under the numbers the session query just read
 * (plan_cache.c), else from the database, and then kept. */
enum kp_err h_plan_get(struct req *r)
{
	struct plan_cache *pc = r->w->plans;
	const struct kp_actor *who = &r->sess.who;
	long long version = r->sess.plan_version, rev = r->sess.rev;
	const char *doc, *part, *json;
	enum kp_err err;

	r->plan_kept = true;
	doc = plan_cache_doc(pc, r->a, who->plan_id, version);
	metrics_add(r->w->metrics, doc != NULL ? MTR_PLAN_DOC_HITS : MTR_PLAN_DOC_MISSES, 1);
	if (doc == NULL) {
		r->plan_kept = false;
		if ((err = plan_doc(r->w->db, r->a, who->plan_id, version, &doc)) != KP_OK)
			return err;
		plan_cache_put_doc(pc, who->plan_id, version, doc);
	}
	part = plan_cache_part(pc, r->a, who->id, rev);
	metrics_add(r->w->metrics, part != NULL ? MTR_PLAN_PART_HITS : MTR_PLAN_PART_MISSES, 1);
	if (part == NULL) {
		r->plan_kept = false;
		/* rev may be read newer than the session's: the part is as of it. */
		if ((err = plan_citizen_part(r->w->db, r->a, who->id, &part, &rev)) != KP_OK)
			return err;
		plan_cache_put_part(pc, who->id, rev, part);
	}
	if ((json = plan_answer(r->a, who->plan_id, version, part, doc)) == NULL)
		return KP_EINTERNAL;
	metrics_add(r->w->metrics, MTR_PLAN_ANSWERS, 1);
	metrics_add(r->w->metrics, MTR_PLAN_KEPT, r->plan_kept ? 1 : 0);
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
