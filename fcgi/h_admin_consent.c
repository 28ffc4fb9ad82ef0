/* h_admin_consent.c: the caseworker records the citizen's consent (from a
 * signed paper, or a withdrawal the citizen stated), and staff read its
 * state and history. */
#include "consent.h"
#include "internal.h"

enum kp_err h_admin_consent(struct req *r)
{
	json_t *out;
	bool created;
	enum kp_err err = consent_record(r->w->db, r->a, &r->sess.who, r->ids[0],
	                                 json_string_value(json_object_get(r->body, "action")),
	                                 json_is_true(json_object_get(r->body, "paper")), &out,
	                                 &created, &r->fail);

	/* 201 for a new fact; 200 with the fact that holds when the state is
	 * already the one asked for. */
	if (err == KP_OK)
		respond_json(r, created ? 201 : 200, out);
	return err;
}

enum kp_err h_admin_consent_get(struct req *r)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK ||
	    (err = consent_history(r->w->db, r->a, &r->sess.who, r->ids[0], &pg, &out)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}
