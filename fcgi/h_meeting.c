/* h_meeting.c: the citizen's own upcoming meetings. */
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
