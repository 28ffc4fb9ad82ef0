/* h_admin_enrol.c: a caseworker enrols a citizen (POST /citizens). The CPR
 * number comes in the body only, and no answer or log line holds it. */
#include <string.h>

#include "enrol.h"
#include "internal.h"

enum kp_err h_admin_enrol(struct req *r)
{
	json_t *cpr = json_object_get(r->body, "cpr");
	struct enrol_in in = {
		.cpr = json_string_value(cpr),
		.cpr_len = json_string_length(cpr),
		.name = json_string_value(json_object_get(r->body, "name")),
		.contact_id = json_integer_value(json_object_get(r->body, "contact_staff_id")),
		.household_id = json_integer_value(json_object_get(r->body, "household_id")),
	};
	json_t *out;
	enum kp_err err = enrol_citizen(r->w->db, r->a, &r->w->keys, r->w->rng, &r->sess.who, &in,
	                                &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}
