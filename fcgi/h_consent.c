/* h_consent.c: the citizen reads, gives and withdraws consent to the joint
 * plan. */
#include "consent.h"
#include "internal.h"

enum kp_err h_consent_get(struct req *r)
{
	json_t *out;
	enum kp_err err = consent_get(r->w->db, r->a, r->sess.who.id, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

/* 200 both for a new fact and for the state already held (one fact). */
enum kp_err h_consent_post(struct req *r)
{
	json_t *out;
	bool created;
	enum kp_err err = consent_citizen(r->w->db, r->a, &r->sess.who,
	                                  json_string_value(json_object_get(r->body, "action")), &out,
	                                  &created, &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
