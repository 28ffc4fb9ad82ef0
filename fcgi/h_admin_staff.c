/* h_admin_staff.c: the staff directory, a citizen's contact person and a
 * citizen's move to another caseworker. */
#include <string.h>

#include "internal.h"
#include "plan.h"
#include "staff.h"

enum kp_err h_admin_staff(struct req *r)
{
	const char *inactive = request_query(r, "inactive");
	json_t *out;
	enum kp_err err;

	if (inactive != NULL && strcmp(inactive, "true") != 0 && strcmp(inactive, "false") != 0)
		return KP_FAIL(&r->fail, KP_EINVAL, "invalid_query", "inactive: must be true or false");
	err = staff_list(r->w->db, r->a, &r->sess.who, request_query(r, "role"),
	                 inactive != NULL && strcmp(inactive, "true") == 0, &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

/* A text member of the checked body, or NULL. */
static const char *body_text(const struct req *r, const char *name)
{
	return json_string_value(json_object_get(r->body, name));
}

/* The member as the checked body gives it. */
static void staff_input_of(const struct req *r, struct staff_input *in)
{
	const json_t *active = json_object_get(r->body, "active");

	in->name = body_text(r, "name");
	in->role = body_text(r, "role");
	in->title = body_text(r, "title");
	in->issuer = body_text(r, "issuer");
	in->subject = body_text(r, "subject");
	in->phone = body_text(r, "phone");
	in->email = body_text(r, "email");
	in->hours = body_text(r, "hours");
	in->active = json_is_boolean(active) ? json_is_true(active) : -1;
}

enum kp_err h_admin_staff_create(struct req *r)
{
	struct staff_input in;
	json_t *out;
	enum kp_err err;

	staff_input_of(r, &in);
	if ((err = staff_create(r->w->db, r->a, &r->sess.who, &in, &out, &r->fail)) == KP_OK)
		respond_json(r, 201, out);
	return err;
}

enum kp_err h_admin_staff_patch(struct req *r)
{
	struct staff_input in;
	json_t *out;
	enum kp_err err;

	staff_input_of(r, &in);
	err = staff_change(r->w->db, r->a, &r->sess.who, r->ids[0], &in, r->now, &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_caseworker_post(struct req *r)
{
	json_t *out;
	enum kp_err err = staff_move_citizen(
		r->w->db, r->a, &r->sess.who, r->ids[0],
		json_integer_value(json_object_get(r->body, "staff_id")), &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_contact_put(struct req *r)
{
	struct plan_want want;
	long long version;
	json_t *out;
	enum kp_err err;

	if ((err = request_if_match(r, &want)) != KP_OK)
		return err;
	err = staff_assign_contact(r->w->db, r->a, &r->sess.who, r->ids[0],
	                           json_integer_value(json_object_get(r->body, "staff_id")), &want,
	                           &out, &version, &r->fail);
	if (err != KP_OK)
		return err;
	respond_etag(r, version);
	respond_json(r, 200, out);
	return KP_OK;
}
