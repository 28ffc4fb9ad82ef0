/* h_admin_proposal.c: the staff's approval queue, comments on proposals
 * and the caseworker's decisions. */
#include <string.h>

#include "internal.h"
#include "proposal.h"

static const char *opt_text(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

enum kp_err h_admin_proposals(struct req *r)
{
	const char *status = request_query(r, "status");
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_TIME, &pg)) != KP_OK ||
	    (err = proposal_queue(r->w->db, r->a, &r->sess.who, status != NULL ? status : "pending",
	                          &pg, &out, &r->fail)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_TIME, &pg);
}

enum kp_err h_admin_proposal_comment(struct req *r)
{
	json_t *out;
	enum kp_err err = proposal_comment(r->w->db, r->a, &r->sess.who, r->ids[0],
	                                   opt_text(r->body, "text"), &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}

enum kp_err h_admin_proposal_decision(struct req *r)
{
	struct proposal_decision d = {.goal = GOAL_IN_NONE};
	const json_t *hours = json_object_get(r->body, "hours_per_week");
	long long version;
	json_t *out;
	enum kp_err err;

	d.approve = strcmp(opt_text(r->body, "decision"), "approve") == 0;
	d.reason = opt_text(r->body, "reason");
	d.goal.area = opt_text(r->body, "area");
	d.goal.legal_basis = opt_text(r->body, "legal_basis");
	if (json_is_number(hours)) {
		d.goal.has_hours = true;
		d.goal.hours = json_number_value(hours);
	}
	err = proposal_decide(r->w->db, r->a, &r->sess.who, r->ids[0], &d, &out, &version,
	                      &r->fail);
	if (err != KP_OK)
		return h_admin_legal_basis_link(r, err);
	respond_etag(r, version);
	respond_json(r, 200, out);
	return KP_OK;
}
