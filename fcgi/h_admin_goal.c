/* h_admin_goal.c: the caseworker's goals and sub-goals, the legal bases
 * they rest on, and the separable export of a plan's child-related parts. */
#include <string.h>

#include "goal.h"
#include "internal.h"
#include "plan.h"

static const char *opt_text(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The body (already validated) as a goal_in; absent and null members stay
 * absent, but for hours_per_week, where null clears. */
static struct goal_in goal_body(const json_t *body)
{
	struct goal_in in = GOAL_IN_NONE;
	const json_t *hours = json_object_get(body, "hours_per_week");
	const json_t *child = json_object_get(body, "child_related");
	const json_t *child_id = json_object_get(body, "child_id");

	in.title = opt_text(body, "title");
	in.description = opt_text(body, "description");
	in.area = opt_text(body, "area");
	in.legal_basis = opt_text(body, "legal_basis");
	in.status = opt_text(body, "status");
	in.parent_id = json_integer_value(json_object_get(body, "parent_goal_id"));
	if (hours != NULL) {
		in.has_hours = true;
		in.hours_null = json_is_null(hours);
		in.hours = json_number_value(hours);
	}
	if (json_is_boolean(child))
		in.child_related = json_is_true(child);
	/* child_id null names no child (a change: the goal no longer names one). */
	if (child_id != NULL)
		in.child_id = json_is_null(child_id) ? -1 : json_integer_value(child_id);
	return in;
}

enum kp_err h_admin_legal_basis_link(struct req *r, enum kp_err err)
{
	if (err != KP_OK && r->fail.code != NULL && r->fail.message != NULL &&
	    strcmp(r->fail.code, "unknown_legal_basis") == 0)
		r->fail.message = arena_printf(r->a, "%s (see /admin/api/v1/legal-bases)",
		                               r->fail.message);
	return err;
}

/* 201 or 200 {"goal", "plan_version"} with the new ETag; takes goal. */
static enum kp_err goal_answer(struct req *r, int status, json_t *goal, long long version)
{
	/* json_pack takes goal, on failure too. */
	json_t *out = json_pack("{s:o, s:I}", "goal", goal, "plan_version", (json_int_t)version);

	if (out == NULL)
		return KP_EINTERNAL;
	respond_etag(r, version);
	respond_json(r, status, out);
	return KP_OK;
}

enum kp_err h_admin_goal_create(struct req *r)
{
	struct goal_in in = goal_body(r->body);
	struct plan_want want;
	long long version;
	json_t *out;
	enum kp_err err;

	if ((err = request_if_match(r, &want)) != KP_OK ||
	    (err = goal_create(r->w->db, r->a, &r->sess.who, r->ids[0], &in, &want, &out, &version,
	                       &r->fail)) != KP_OK)
		return h_admin_legal_basis_link(r, err);
	return goal_answer(r, 201, out, version);
}

enum kp_err h_admin_goal_update(struct req *r)
{
	struct goal_in in = goal_body(r->body);
	struct plan_want want;
	long long version;
	json_t *out;
	enum kp_err err;

	if ((err = request_if_match(r, &want)) != KP_OK ||
	    (err = goal_update(r->w->db, r->a, &r->sess.who, r->ids[0], r->ids[1], &in, &want, &out,
	                       &version, &r->fail)) != KP_OK)
		return h_admin_legal_basis_link(r, err);
	return goal_answer(r, 200, out, version);
}

enum kp_err h_admin_legal_bases(struct req *r)
{
	json_t *out;
	enum kp_err err = goal_legal_bases(r->w->db, r->a, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_child_related(struct req *r)
{
	json_t *out;
	enum kp_err err = goal_child_related(r->w->db, r->a, &r->sess.who, r->ids[0], &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
