/* h_meeting.c: the citizen's own meetings: upcoming and past, their points
 * on an agenda, their answer, and a meeting for their calendar. */
#include <string.h>

#include "internal.h"
#include "meeting.h"

enum kp_err h_meeting_list(struct req *r)
{
	json_t *out;
	enum kp_err err = meeting_upcoming(r->w->db, r->a, r->sess.who.id, r->now, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

static const char *opt_text(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* POST /api/v1/meetings/{id}/agenda: the citizen's own point; also
 * POST /admin/api/v1/meetings/{id}/agenda, staff's. */
enum kp_err h_meeting_agenda(struct req *r)
{
	json_t *out;
	enum kp_err err = meeting_point_add(r->w->db, r->a, &r->sess.who, r->ids[0],
	                                    opt_text(r->body, "text"), r->now, &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}

/* POST /api/v1/meetings/{id}/response: coming or not, with a comment. */
enum kp_err h_meeting_response(struct req *r)
{
	const char *answer = opt_text(r->body, "answer");
	json_t *out;
	enum kp_err err;
	int k;

	for (k = 0; k < MEETING_ANSWER__MAX; k++)
		if (answer != NULL && strcmp(answer, meeting_answer_names[k]) == 0)
			break;
	err = meeting_respond(r->w->db, r->a, r->sess.who.id, r->ids[0], (enum meeting_answer)k,
	                      opt_text(r->body, "comment"), r->now, &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

/* GET /api/v1/meetings/{id}/calendar: the meeting as an .ics file. */
enum kp_err h_meeting_calendar(struct req *r)
{
	const char *ics;
	enum kp_err err = meeting_calendar(r->w->db, r->a, r->sess.who.id, r->ids[0], r->now, &ics);

	if (err != KP_OK)
		return err;
	respond_text(r, 200, "text/calendar; charset=utf-8", ics);
	respond_header(r, "Content-Disposition",
	               arena_printf(r->a, "attachment; filename=\"moede-%lld.ics\"", r->ids[0]));
	return KP_OK;
}
