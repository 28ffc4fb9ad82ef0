/* h_admin_meeting.c: staff add network meetings and follow-ups to a
 * citizen's plan, list them and mark them held. The core goes through the
 * caseload gate, which writes the audit row. */
#include <string.h>

#include "internal.h"
#include "meeting.h"

static const char *opt_text(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

enum kp_err h_admin_meeting_create(struct req *r)
{
	struct meeting_in in = {0};
	const char *kind = opt_text(r->body, "kind");
	const json_t *parts = json_object_get(r->body, "participants");
	json_t *out;
	enum kp_err err;
	int k;

	for (k = 0; k < MEETING__MAX; k++)
		if (kind != NULL && strcmp(kind, meeting_kind_names[k]) == 0)
			break;
	in.kind = (enum meeting_kind)k;
	in.starts_at = opt_text(r->body, "starts_at");
	in.place = opt_text(r->body, "place");
	in.agenda = opt_text(r->body, "agenda");
	in.participants = json_is_null(parts) ? NULL : parts;
	err = meeting_create(r->w->db, r->a, &r->sess.who, r->ids[0], &in, &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}

enum kp_err h_admin_meeting_list(struct req *r)
{
	json_t *out;
	enum kp_err err = meeting_list(r->w->db, r->a, &r->sess.who, r->ids[0], r->now, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_meeting_held(struct req *r)
{
	json_t *out;
	enum kp_err err = meeting_held(r->w->db, r->a, &r->sess.who, r->ids[0], r->now, &out,
	                               &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
