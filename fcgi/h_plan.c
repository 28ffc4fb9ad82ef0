/* h_plan.c: the plan, its history, the citizen's yes, the contact person
 * and the access log. */
#include <string.h>

#include "internal.h"
#include "plan.h"
#include "validate.h"

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

/* A yes answers the receipt; "not_yet" records the answer and its comment. */
enum kp_err h_plan_accept(struct req *r)
{
	long long version = json_integer_value(json_object_get(r->body, "version"));
	const char *answer = json_string_value(json_object_get(r->body, "answer"));
	const char *comment = json_string_value(json_object_get(r->body, "comment"));
	json_t *out;
	enum kp_err err;

	if (answer != NULL && strcmp(answer, "not_yet") == 0)
		err = plan_not_yet(r->w->db, r->a, &r->sess.who, version, comment, &out, &r->fail);
	else if (comment != NULL)
		err = KP_FAIL(&r->fail, KP_EINVAL, "invalid_field",
		              "comment: a comment goes with the answer \"not_yet\"");
	else
		err = plan_accept(r->w->db, r->a, &r->sess.who, version, &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_plan_acceptance(struct req *r)
{
	json_t *out;
	enum kp_err err = plan_acceptance(r->w->db, r->a, &r->sess.who, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

/* ?since=VERSION: 0 or a version; absent: the citizen's last yes. */
enum kp_err h_plan_changes(struct req *r)
{
	const char *since = request_query(r, "since");
	long long v = -1;
	json_t *out;
	enum kp_err err;

	if (since != NULL && strcmp(since, "0") == 0)
		v = 0;
	else if (since != NULL && (v = parse_id(since, strlen(since))) <= 0)
		return KP_FAIL(&r->fail, KP_EINVAL, "invalid_since",
		               "since: a plan version, a whole number from 0 up to the current one");
	err = plan_changes(r->w->db, r->a, &r->sess.who, v, &out, &r->fail);
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
