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

void h_admin_meeting_body(const json_t *body, struct meeting_in *in)
{
	const char *kind = opt_text(body, "kind");
	const json_t *parts = json_object_get(body, "participants");
	int k;

	memset(in, 0, sizeof(*in));
	for (k = 0; k < MEETING__MAX; k++)
		if (kind != NULL && strcmp(kind, meeting_kind_names[k]) == 0)
			break;
	in->kind = (enum meeting_kind)k;
	in->starts_at = opt_text(body, "starts_at");
	in->place = opt_text(body, "place");
	in->agenda = opt_text(body, "agenda");
	in->participants = json_is_null(parts) ? NULL : parts;
}

enum kp_err h_admin_meeting_create(struct req *r)
{
	struct meeting_in in;
	json_t *out;
	enum kp_err err;

	h_admin_meeting_body(r->body, &in);
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

/* POST /admin/api/v1/meetings/{id}/minutes: written after the meeting. */
enum kp_err h_admin_meeting_minutes(struct req *r)
{
	json_t *out;
	enum kp_err err = meeting_minutes(r->w->db, r->a, &r->sess.who, r->ids[0],
	                                  opt_text(r->body, "text"), r->now, &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
