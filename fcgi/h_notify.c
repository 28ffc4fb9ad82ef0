/* h_notify.c: the citizen's notification settings: which channels tell
 * them that there is news in Kaptajn, and the address and number. */
#include "internal.h"
#include "outbox.h"

enum kp_err h_notify_get(struct req *r)
{
	struct outbox_avail av;
	json_t *out;
	enum kp_err err;

	outbox_avail_of(r->w->cfg, &av);
	err = outbox_settings_get(r->w->db, r->a, r->sess.who.id, &av, &out);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_notify_put(struct req *r)
{
	struct outbox_avail av;
	json_t *out;
	enum kp_err err;

	outbox_avail_of(r->w->cfg, &av);
	err = outbox_settings_put(r->w->db, r->a, r->sess.who.id, r->body, &av, &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
