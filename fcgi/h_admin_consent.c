/* h_admin_consent.c: the caseworker records the citizen's consent. */
#include "consent.h"
#include "internal.h"

enum kp_err h_admin_consent(struct req *r)
{
	json_t *out;
	enum kp_err err = consent_record(r->w->db, r->a, &r->sess.who, r->ids[0],
	                                 json_string_value(json_object_get(r->body, "action")), &out,
	                                 &r->fail);

	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}
