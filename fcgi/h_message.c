/* h_message.c: the thread between a citizen and the staff, from both
 * sides: the citizen's own (/api/v1/messages) and the staff's look at a
 * citizen's (/admin/api/v1/citizens/{id}/messages). */
#include "internal.h"
#include "message.h"

static const char *opt_text(const json_t *body, const char *name)
{
	const json_t *v = json_object_get(body, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The thread of citizen_id, one page, as the session's person sees it. */
static enum kp_err message_page(struct req *r, long long citizen_id)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK ||
	    (err = message_list(r->w->db, r->a, &r->sess.who, citizen_id, r->now, &pg, &out)) !=
	            KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}

static enum kp_err message_post(struct req *r, long long citizen_id)
{
	json_t *out;
	enum kp_err err = message_send(r->w->db, r->a, &r->sess.who, citizen_id,
	                               opt_text(r->body, "text"), opt_text(r->body, "key"), &out,
	                               &r->fail);

	if (err == KP_OK)
		respond_json(r, 201, out);
	return err;
}

enum kp_err h_message_list(struct req *r)
{
	return message_page(r, r->sess.who.id);
}

enum kp_err h_message_create(struct req *r)
{
	return message_post(r, r->sess.who.id);
}

enum kp_err h_message_unread(struct req *r)
{
	json_t *out;
	enum kp_err err = message_unread(r->w->db, r->a, r->sess.who.id, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_message_list(struct req *r)
{
	return message_page(r, r->ids[0]);
}

enum kp_err h_admin_message_create(struct req *r)
{
	return message_post(r, r->ids[0]);
}
