/* h_session.c: logging in with an ID token and logging out. */
#include <string.h>

#include "internal.h"

enum kp_err h_session_create(struct req *r)
{
	json_t *tok = json_object_get(r->body, "id_token");
	struct login_ctx lc = {r->w->db, r->w->rng, &r->w->keys, login_keyset(r->w),
	                       &r->w->policy};
	struct session_new s;
	struct kp_actor who;
	json_t *body;
	enum kp_err err;

	if (lc.keyset == NULL)
		return KP_EUNAVAIL;
	err = session_login_citizen(&lc, r->a, json_string_value(tok), json_string_length(tok),
	                            r->now, &s, &who, &r->fail);
	if (err != KP_OK)
		return err;
	body = json_pack("{s:s, s:{s:I, s:s}}", "csrf_token", s.csrf, "citizen", "id",
	                 (json_int_t)who.id, "name", who.name);
	if (body != NULL) {
		respond_header(r, "Set-Cookie",
		               arena_printf(r->a, "%s=%s; HttpOnly; Secure; SameSite=Strict; Path=/",
		                            login_cookies(r->w)->session, s.cookie));
		respond_json(r, 201, body);
	}
	kp_wipe(&s, sizeof(s));
	return body != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err h_admin_session_create(struct req *r)
{
	json_t *tok = json_object_get(r->body, "id_token");
	struct login_ctx lc = {r->w->db, r->w->rng, &r->w->keys, login_keyset(r->w),
	                       &r->w->policy};
	struct session_new s;
	struct kp_actor who;
	json_t *body;
	enum kp_err err;

	if (lc.keyset == NULL)
		return KP_EUNAVAIL;
	err = session_login_staff(&lc, r->a, json_string_value(tok), json_string_length(tok),
	                          r->now, &s, &who, &r->fail);
	if (err != KP_OK)
		return err;
	body = json_pack("{s:s, s:{s:I, s:s, s:s}}", "csrf_token", s.csrf, "staff", "id",
	                 (json_int_t)who.id, "name", who.name, "role", who.role);
	if (body != NULL) {
		respond_header(r, "Set-Cookie",
		               arena_printf(r->a,
		                            "%s=%s; HttpOnly; Secure; SameSite=Strict; Path=/admin/",
		                            login_cookies(r->w)->session, s.cookie));
		respond_json(r, 201, body);
	}
	kp_wipe(&s, sizeof(s));
	return body != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err h_session_delete(struct req *r)
{
	enum kp_err err = session_end(r->w->db, &r->sess, r->now);

	if (err != KP_OK)
		return err;
	respond_header(r, "Set-Cookie",
	               arena_printf(r->a,
	                            "%s=; HttpOnly; Secure; SameSite=Strict; Path=%s; Max-Age=0",
	                            login_cookies(r->w)->session, login_cookies(r->w)->path));
	respond_json(r, 204, NULL);
	return KP_OK;
}

enum kp_err h_healthz(struct req *r)
{
	struct db_res res;
	json_t *out;
	enum kp_err err = db_query(r->w->db, r->a, DB_PING, DB_NOARGS, &res);

	if (err != KP_OK)
		return err == KP_ERETRY ? KP_EUNAVAIL : err;
	if ((out = json_pack("{s:s, s:s}", "status", "ok", "pool", pool_name(r->w->pool))) == NULL)
		return KP_EINTERNAL;
	respond_json(r, 200, out);
	return KP_OK;
}
