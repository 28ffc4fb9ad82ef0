/* h_admin_staff.c: the staff list and a citizen's contact person. */
#include "internal.h"
#include "plan.h"
#include "staff.h"

enum kp_err h_admin_staff(struct req *r)
{
	json_t *out;
	enum kp_err err = staff_list(r->w->db, r->a, request_query(r, "role"), &out, &r->fail);

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
