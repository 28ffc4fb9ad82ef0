/* h_proposal.c: the citizen's proposals. */
#include <string.h>

#include "internal.h"
#include "proposal.h"

static const char *opt_text(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

enum kp_err h_proposal_create(struct req *r)
{
	struct proposal_in in = {0};
	const char *kind = opt_text(r->body, "kind");
	json_t *out;
	enum kp_err err;
	int k;

	for (k = 0; k < PROPOSAL__MAX; k++)
		if (strcmp(kind, proposal_kind_names[k]) == 0)
			break;
	in.kind = (enum proposal_kind)k;
	in.goal_id = json_integer_value(json_object_get(r->body, "goal_id"));
	in.title = opt_text(r->body, "title");
	in.description = opt_text(r->body, "description");
	in.reason = opt_text(r->body, "reason");
	if ((err = proposal_create(r->w->db, r->a, &r->sess.who, &in, &out, &r->fail)) != KP_OK)
		return err;
	respond_json(r, 201, out);
	return KP_OK;
}

enum kp_err h_proposal_list(struct req *r)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK ||
	    (err = proposal_list(r->w->db, r->a, &r->sess.who, &pg, &out)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}

enum kp_err h_proposal_withdraw(struct req *r)
{
	json_t *out;
	enum kp_err err = proposal_withdraw(r->w->db, r->a, &r->sess.who, r->ids[0], &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
