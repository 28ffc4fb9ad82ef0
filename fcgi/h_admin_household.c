/* h_admin_household.c: households formed by staff, their children, the
 * separable export of one child's goals, and a member moving out. */
#include "household.h"
#include "internal.h"

/* The members of the form's body (an array, its size checked already) as
 * ids: KP_EINVAL for an element that is not a positive integer. */
static enum kp_err member_ids(struct req *r, long long **ids, size_t *n)
{
	const json_t *list = json_object_get(r->body, "members");
	size_t i;

	*n = json_array_size(list);
	*ids = arena_alloc(r->a, sizeof(**ids) * (*n + 1));
	for (i = 0; i < *n; i++) {
		const json_t *v = json_array_get(list, i);

		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return KP_FAIL(&r->fail, KP_EINVAL, "invalid_field",
			               "members: citizen ids, each once");
		(*ids)[i] = json_integer_value(v);
	}
	return KP_OK;
}

enum kp_err h_admin_household_create(struct req *r)
{
	long long *ids;
	json_t *out;
	size_t n;
	enum kp_err err;

	if ((err = member_ids(r, &ids, &n)) != KP_OK ||
	    (err = household_form(r->w->db, r->a, &r->sess.who,
	                          json_string_value(json_object_get(r->body, "name")), ids, n, &out,
	                          &r->fail)) != KP_OK)
		return err;
	respond_json(r, 201, out);
	return KP_OK;
}

enum kp_err h_admin_household(struct req *r)
{
	json_t *out;
	enum kp_err err = household_get(r->w->db, r->a, &r->sess.who, r->ids[0], &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_household_child(struct req *r)
{
	json_t *out;
	enum kp_err err = household_child_add(
		r->w->db, r->a, &r->sess.who, r->ids[0],
		json_string_value(json_object_get(r->body, "name")),
		json_string_value(json_object_get(r->body, "birth_date")), r->now, &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}

enum kp_err h_admin_household_child_export(struct req *r)
{
	json_t *out;
	enum kp_err err = household_child_export(r->w->db, r->a, &r->sess.who, r->ids[0], r->ids[1],
	                                         &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_household_move_out(struct req *r)
{
	json_t *out;
	enum kp_err err = household_move_out(r->w->db, r->a, &r->sess.who, r->ids[0], r->ids[1],
	                                     &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
