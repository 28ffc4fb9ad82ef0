/* h_login.c: the OpenID Connect login's HTTP side (authorization code flow
 * with PKCE, state and nonce): GET login sends the browser to the broker,
 * GET login/callback takes it back, exchanges the code, verifies the ID
 * token and opens the session, GET logout ends it at the broker too. The
 * answers are small Danish HTML pages, never JSON errors: people land on
 * them. Both pools run these handlers, each for its own side. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "oidc.h"

#define LOGIN_RETURN_TO_MAX 512
#define LOGIN_HINT_MAX 255
#define LOGIN_CSRF_MAX_AGE 120

/* The cookie names of each pool, plain (http, the dev stack) and with the
 * prefixes browsers enforce when the portal is served over https. */
static const struct login_cookies cookies[POOL__MAX][2] = {
	[POOL_CITIZEN] = {
		{SESSION_COOKIE, "kaptajn_csrf", "kaptajn_login_", "/", "/api/v1/login/"},
		{"__Host-" SESSION_COOKIE, "__Host-kaptajn_csrf", "__Secure-kaptajn_login_", "/",
		 "/api/v1/login/"},
	},
	[POOL_ADMIN] = {
		{SESSION_COOKIE_STAFF, "kaptajn_staff_csrf", "kaptajn_login_", "/admin/",
		 "/admin/api/v1/login/"},
		{"__Secure-" SESSION_COOKIE_STAFF, "__Secure-kaptajn_staff_csrf",
		 "__Secure-kaptajn_login_", "/admin/", "/admin/api/v1/login/"},
	},
	[POOL_DEVIDP] = {
		{SESSION_COOKIE, "kaptajn_csrf", "kaptajn_login_", "/", "/api/v1/login/"},
		{SESSION_COOKIE, "kaptajn_csrf", "kaptajn_login_", "/", "/api/v1/login/"},
	},
};

const struct login_cookies *login_cookies(const struct worker *w)
{
	const char *u = w->cfg != NULL ? w->cfg->public_url : NULL;
	bool secure = u != NULL && strncmp(u, "https://", 8) == 0;

	return &cookies[(unsigned)w->pool < POOL__MAX ? w->pool : POOL_CITIZEN][secure];
}

const struct token_keyset *login_keyset(struct worker *w)
{
	char err[256];

	if (!w->rp.enabled)
		return &w->keyset;
	if (oidc_keys_current(&w->okeys, w->rp.jwks_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "login: keys: %s\n", err);
		if (!w->okeys.loaded)
			return NULL;
	}
	return &w->okeys.ks;
}

/* ---- pages ---- */

/* s with &, <, >, " and ' as character references, in the arena. */
static const char *html_escape(struct arena *a, const char *s)
{
	size_t n = 0, i;
	char *out, *p;

	for (i = 0; s[i] != '\0'; i++)
		n += strchr("&<>\"'", s[i]) != NULL ? 6 : 1;
	p = out = arena_alloc(a, n + 1);
	for (i = 0; s[i] != '\0'; i++) {
		switch (s[i]) {
		case '&': memcpy(p, "&amp;", 5); p += 5; break;
		case '<': memcpy(p, "&lt;", 4); p += 4; break;
		case '>': memcpy(p, "&gt;", 4); p += 4; break;
		case '"': memcpy(p, "&quot;", 6); p += 6; break;
		case '\'': memcpy(p, "&#39;", 5); p += 5; break;
		default: *p++ = s[i]; break;
		}
	}
	*p = '\0';
	return out;
}

/* What a page says: its heading, one paragraph, one link onwards. */
struct login_text {
	const char *title;
	const char *text;
	const char *link_text;
};

static const struct login_text text_again = {
	"Log ind blev ikke gennemført",
	"Det tog for lang tid, eller siden blev åbnet igen. Start forfra.", "Start forfra"};
static const struct login_text text_cancelled = {
	"Du afbrød log ind", "Du blev ikke logget ind. Du kan starte forfra, når du er klar.",
	"Start forfra"};
static const struct login_text text_failed = {
	"Log ind mislykkedes", "Vi kunne ikke bekræfte, hvem du er. Start forfra.",
	"Start forfra"};
static const struct login_text text_broker_down = {
	"MitID svarer ikke lige nu", "MitID svarer ikke lige nu. Prøv igen om lidt.",
	"Prøv igen"};
static const struct login_text text_staff_broker_down = {
	"Log ind svarer ikke lige nu",
	"Kommunens log ind svarer ikke lige nu. Prøv igen om lidt.", "Prøv igen"};
static const struct login_text text_off = {
	"Log ind er ikke muligt lige nu", "Log ind er ikke muligt lige nu. Prøv igen om lidt.",
	"Prøv igen"};
static const struct login_text text_no_plan = {
	"Vi har ingen plan til dig i Kaptajn",
	"Du er logget ind med MitID, men vi har ingen plan til dig. Kontakt din kommune, hvis du "
	"mener, at det er en fejl.",
	"Start forfra"};
static const struct login_text text_no_access = {
	"Du har ikke adgang",
	"Du er ikke oprettet som medarbejder i Kaptajn, eller din adgang er lukket. Kontakt din "
	"leder.",
	"Start forfra"};
static const struct login_text text_error = {
	"Noget gik galt", "Noget gik galt hos os. Prøv igen om lidt.", "Prøv igen"};
static const struct login_text text_done = {
	"Du er logget ind", "Du bliver sendt videre.", "Fortsæt"};

static const char *login_path(const struct req *r)
{
	return r->w->pool == POOL_ADMIN ? "/admin/api/v1/login" : "/api/v1/login";
}

static const char *portal_home(const struct req *r)
{
	return r->w->pool == POOL_ADMIN ? "/admin/" : "/";
}

/* Answers a page: status, t's words, a link to href (escaped) and, when
 * refresh is set, a meta refresh there. No script and no style of its own:
 * the page CSP forbids both. */
static enum kp_err login_page(struct req *r, int status, const struct login_text *t,
                              const char *href, bool refresh)
{
	const char *h = html_escape(r->a, href);

	respond_header(r, "Cache-Control", "no-store");
	if (status == 503)
		respond_header(r, "Retry-After", "5");
	respond_text(r, status, "text/html; charset=utf-8",
	             arena_printf(r->a,
	                          "<!doctype html>\n<html lang=\"da\">\n<head>\n"
	                          "<meta charset=\"utf-8\">\n"
	                          "<meta name=\"viewport\" content=\"width=device-width, "
	                          "initial-scale=1\">\n"
	                          "<meta name=\"referrer\" content=\"no-referrer\">\n"
	                          "<meta name=\"robots\" content=\"noindex\">\n%s%s%s"
	                          "<title>%s – Kaptajn</title>\n"
	                          "<link rel=\"stylesheet\" "
	                          "href=\"/assets/dkfds/css/dkfds-borgerdk.used.min.css\">\n"
	                          "<link rel=\"stylesheet\" href=\"/css/app.css\">\n"
	                          "</head>\n<body>\n<main class=\"container\" id=\"main\">\n"
	                          "<h1>%s</h1>\n<p>%s</p>\n<p><a href=\"%s\">%s</a></p>\n"
	                          "</main>\n</body>\n</html>\n",
	                          refresh ? "<meta http-equiv=\"refresh\" content=\"0;url=" : "",
	                          refresh ? h : "", refresh ? "\">\n" : "", t->title, t->title,
	                          t->text, h, t->link_text));
	return KP_OK;
}

/* The page that offers to start again, with the reason in the log. */
static enum kp_err login_again(struct req *r, const char *why)
{
	fprintf(stderr, "login %s: start again: %s\n", pool_name(r->w->pool), why);
	return login_page(r, 200, &text_again, login_path(r), false);
}

static enum kp_err login_failed(struct req *r, const char *why)
{
	fprintf(stderr, "login %s: refused: %s\n", pool_name(r->w->pool), why);
	return login_page(r, 401, &text_failed, login_path(r), false);
}

static enum kp_err login_down(struct req *r, const char *why)
{
	fprintf(stderr, "login %s: broker unavailable: %s\n", pool_name(r->w->pool), why);
	return login_page(r, 503, r->w->pool == POOL_ADMIN ? &text_staff_broker_down
	                                                   : &text_broker_down,
	                  login_path(r), false);
}

static enum kp_err login_off(struct req *r, const char *why)
{
	fprintf(stderr, "login %s: not possible: %s\n", pool_name(r->w->pool), why);
	return login_page(r, 503, &text_off, login_path(r), false);
}

static enum kp_err login_error(struct req *r, enum kp_err err)
{
	fprintf(stderr, "login %s: %s\n", pool_name(r->w->pool), kp_strerror(err));
	return login_page(r, err == KP_EINTERNAL ? 500 : 503,
	                  err == KP_EINTERNAL ? &text_error : &text_off, login_path(r), false);
}

/* ---- checks ---- */

bool login_return_to_ok(const char *s, bool staff)
{
	size_t i, n;

	if (s == NULL || s[0] != '/' || s[1] == '/' || (n = strlen(s)) > LOGIN_RETURN_TO_MAX)
		return false;
	if (staff && strncmp(s, "/admin/", 7) != 0)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\')
			return false;
	return true;
}

/* A state as oidc_attempt_new makes them: OIDC_RAND_LEN characters of
 * base64url. Anything else is not looked up. */
static bool state_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != OIDC_RAND_LEN)
		return false;
	for (i = 0; i < OIDC_RAND_LEN; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

static bool printable_text(const char *s, size_t max)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static bool dev_mode(const struct req *r)
{
	return r->w->cfg->dev_idp_dir != NULL && r->w->cfg->dev_idp_dir[0] != '\0';
}

static const char *side_name(const struct req *r)
{
	return r->w->pool == POOL_ADMIN ? "staff" : "citizen";
}

/* ---- GET login ---- */

enum kp_err h_login(struct req *r)
{
	struct worker *w = r->w;
	const struct login_cookies *ck = login_cookies(w);
	const char *return_to = request_query(r, "return_to");
	const char *hint = dev_mode(r) ? request_query(r, "login_hint") : NULL;
	uint8_t state_hash[KP_SHA256_LEN], binder_hash[KP_SHA256_LEN];
	struct oidc_attempt at;
	struct oidc_meta m;
	char err[256];
	const char *url;
	enum kp_err e;

	if (!w->rp.enabled)
		return login_off(r, "no broker configured (discovery unset)");
	if (oidc_meta_load(&m, &w->rp, err, sizeof(err)) != 0)
		return login_off(r, err);
	/* Only the portal's own paths: anything else is no error, just
	 * ignored, so a crafted link cannot send anyone elsewhere. */
	if (!login_return_to_ok(return_to, w->pool == POOL_ADMIN))
		return_to = portal_home(r);
	if (hint != NULL && !printable_text(hint, LOGIN_HINT_MAX))
		hint = NULL;
	if (oidc_attempt_new(&at, w->rng) != 0)
		return login_error(r, KP_EINTERNAL);
	kp_sha256(at.state, strlen(at.state), state_hash);
	kp_sha256(at.binder, strlen(at.binder), binder_hash);
	e = db_exec(w->db, DB_LOGIN_ATTEMPT_INSERT,
	            DB_ARGS(DB_BLOB(state_hash, sizeof(state_hash)), DB_STR(side_name(r)),
	                    DB_BLOB(binder_hash, sizeof(binder_hash)), DB_STR(at.nonce),
	                    DB_STR(at.verifier), DB_STR(return_to), DB_I64(r->now)),
	            NULL, NULL);
	if (e != KP_OK) {
		kp_wipe(&at, sizeof(at));
		return e == KP_ERETRY ? e : login_error(r, e);
	}
	if ((url = oidc_authorize_url(r->a, &w->rp, &m, &at, hint)) == NULL) {
		kp_wipe(&at, sizeof(at));
		return login_error(r, KP_EINTERNAL);
	}
	/* Lax, so that it comes along on the broker's top-level redirect
	 * back; one per attempt (named by the state's tag), so that two tabs
	 * can log in at once. */
	respond_header(r, "Set-Cookie",
	               arena_printf(r->a,
	                            "%s%s=%s; HttpOnly; Secure; SameSite=Lax; Path=%s; Max-Age=%d",
	                            ck->login_prefix, at.tag, at.binder, ck->login_path,
	                            OIDC_ATTEMPT_TTL));
	respond_header(r, "Location", url);
	respond_header(r, "Cache-Control", "no-store");
	respond_text(r, 302, "text/plain; charset=utf-8", "");
	kp_wipe(&at, sizeof(at));
	return KP_OK;
}

/* ---- GET login/callback ---- */

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the callback found of its attempt. */
struct login_attempt {
	const char *nonce;
	const char *verifier;
	const char *return_to;
};

/*
 * Uses the attempt of state once: within OIDC_ATTEMPT_TTL, not used
 * before, of this side, and begun by this browser (binder, the pre-login
 * cookie's value, hashes to what the attempt keeps). A wrong binder uses
 * nothing: a stolen callback URL cannot spend the rightful browser's
 * attempt. KP_OK with *at filled, KP_EAUTH when there is no such attempt,
 * or a database error.
 */
static enum kp_err login_attempt_use(struct req *r, const char *state, const char *binder,
                                     size_t blen, struct login_attempt *at)
{
	uint8_t state_hash[KP_SHA256_LEN], binder_hash[KP_SHA256_LEN];
	unsigned long long n = 0;
	struct db_res res;
	enum kp_err e;

	kp_sha256(state, strlen(state), state_hash);
	kp_sha256(binder, blen, binder_hash);
	e = db_exec(r->w->db, DB_LOGIN_ATTEMPT_USE,
	            DB_ARGS(DB_I64(r->now), DB_BLOB(state_hash, sizeof(state_hash)),
	                    DB_STR(side_name(r)), DB_BLOB(binder_hash, sizeof(binder_hash)),
	                    DB_I64((long long)r->now - OIDC_ATTEMPT_TTL)),
	            &n, NULL);
	if (e != KP_OK)
		return e;
	if (n != 1)
		return KP_EAUTH;
	e = db_query(r->w->db, r->a, DB_LOGIN_ATTEMPT_GET,
	             DB_ARGS(DB_BLOB(state_hash, sizeof(state_hash)), DB_STR(side_name(r))), &res);
	if (e != KP_OK)
		return e;
	if (res.nrows != 1)
		return KP_EAUTH;
	at->nonce = db_cell(&res, 0, LA_NONCE);
	at->verifier = db_cell(&res, 0, LA_VERIFIER);
	at->return_to = db_cell(&res, 0, LA_RETURN_TO);
	if (!login_return_to_ok(at->return_to, r->w->pool == POOL_ADMIN))
		at->return_to = portal_home(r);
	return KP_OK;
}

/* The milliseconds left of the callback's OIDC_DEADLINE_MS. */
static long login_left(long long started)
{
	long long left = OIDC_DEADLINE_MS - (mono_ms() - started);

	return left > 0 ? (long)left : 0;
}

/* Verifies the ID token with the attempt's nonce and the access token's
 * at_hash; a kid no cached key has makes one early fetch of the keys and
 * one more try. KP_OK with *c, KP_EAUTH (why set), or KP_EUNAVAIL when
 * there are no keys. */
static enum kp_err login_verify_token(struct req *r, const struct oidc_tokens *t,
                                      const char *nonce, long long started,
                                      struct token_claims *c, const char **why)
{
	struct worker *w = r->w;
	struct token_policy pol = w->policy;
	const struct token_keyset *ks = login_keyset(w);
	char err[256];
	enum kp_err e;
	int rc;

	if (ks == NULL) {
		*why = "no keys cached yet";
		return KP_EUNAVAIL;
	}
	pol.nonce = nonce;
	pol.client_id = w->rp.client_id;
	pol.access_token = t->access_token;
	pol.jti_optional = true;
	/* The CPR number may come from userinfo instead (login_userinfo). */
	pol.cpr_optional = w->rp.userinfo != OIDC_USERINFO_NEVER;
	e = token_verify(ks, &pol, t->id_token, strlen(t->id_token), r->now, c, why);
	if (e != KP_EAUTH || *why != token_why_unknown_kid)
		return e;
	if (login_left(started) < (long)w->rp.timeout * 1000)
		return e;
	rc = oidc_refresh_early(&w->rp, r->now, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "login %s: early key refresh: %s\n", pool_name(w->pool), err);
	if (rc != 1 || (ks = login_keyset(w)) == NULL)
		return e;
	return token_verify(ks, &pol, t->id_token, strlen(t->id_token), r->now, c, why);
}

/* A string claim of userinfo copied into dst when dst is empty; -1 when it
 * is there but not a printable string that fits. */
static int userinfo_claim(json_t *ui, const char *name, char *dst, size_t cap)
{
	json_t *v = json_object_get(ui, name);
	const char *s;

	if (dst[0] != '\0' || v == NULL)
		return 0;
	s = json_string_value(v);
	if (!json_is_string(v) || strlen(s) != json_string_length(v) ||
	    !printable_text(s, cap - 1))
		return -1;
	memcpy(dst, s, json_string_length(v) + 1);
	return 0;
}

/* Reads userinfo when the configuration says always, or (auto) when the ID
 * token lacks a claim we want; its sub must be the token's. Fills what c
 * lacks. KP_OK, KP_EAUTH (*why set), or KP_EUNAVAIL when the broker did
 * not answer. */
static enum kp_err login_userinfo(struct req *r, const struct oidc_meta *m,
                                  const struct oidc_tokens *t, long long started,
                                  struct token_claims *c, const char **why)
{
	const struct oidc_rp *rp = &r->w->rp;
	bool citizen = r->w->pool != POOL_ADMIN;
	bool want = rp->userinfo == OIDC_USERINFO_ALWAYS ||
	            (rp->userinfo == OIDC_USERINFO_AUTO &&
	             ((citizen && c->cpr[0] == '\0') || c->name[0] == '\0'));
	json_t *ui = NULL;
	char err[256];
	enum oidc_result res;
	enum kp_err e = KP_EAUTH;

	if (!want || rp->userinfo == OIDC_USERINFO_NEVER)
		return KP_OK;
	if (m->userinfo_endpoint[0] == '\0' || t->access_token == NULL) {
		/* Nothing to ask: what the ID token gave must do. */
		if (rp->userinfo == OIDC_USERINFO_ALWAYS) {
			*why = "userinfo wanted but the broker gives no endpoint or access token";
			return KP_EAUTH;
		}
		return KP_OK;
	}
	/* 0 would mean the library's own time-out: past the deadline, stop. */
	if (login_left(started) <= 0) {
		*why = "the callback's deadline passed before userinfo";
		return KP_EUNAVAIL;
	}
	res = oidc_userinfo(rp, m, t->access_token, login_left(started), &ui, err, sizeof(err));
	if (res != OIDC_OK) {
		fprintf(stderr, "login %s: userinfo: %s\n", pool_name(r->w->pool), err);
		*why = "userinfo failed";
		return res == OIDC_UNAVAILABLE ? KP_EUNAVAIL : KP_EAUTH;
	}
	if (!json_is_object(ui) || json_object_get(ui, "sub") == NULL ||
	    !json_is_string(json_object_get(ui, "sub")) ||
	    json_string_length(json_object_get(ui, "sub")) != strlen(c->sub) ||
	    memcmp(json_string_value(json_object_get(ui, "sub")), c->sub, strlen(c->sub)) != 0) {
		*why = "userinfo sub is not the ID token's";
		goto out;
	}
	if (citizen && c->cpr[0] == '\0') {
		json_t *v = json_object_get(ui, rp->cpr_claim);

		if (json_is_string(v) && kp_cpr_valid(json_string_value(v), json_string_length(v)))
			memcpy(c->cpr, json_string_value(v), KP_CPR_LEN + 1);
	}
	if (userinfo_claim(ui, rp->name_claim, c->name, sizeof(c->name)) != 0 ||
	    (rp->role_claim[0] != '\0' &&
	     userinfo_claim(ui, rp->role_claim, c->role, sizeof(c->role)) != 0)) {
		*why = "userinfo claim malformed";
		goto out;
	}
	e = KP_OK;
out:
	json_decref(ui);
	return e;
}

/* The page after a session was opened: sets the session cookie (Strict) and
 * the CSRF handoff cookie, clears the pre-login cookie, and moves on to
 * return_to same-site, so that the Strict cookie comes along. */
static enum kp_err login_done(struct req *r, const struct session_new *s, const char *clear,
                              const char *return_to)
{
	const struct login_cookies *ck = login_cookies(r->w);

	respond_header(r, "Set-Cookie",
	               arena_printf(r->a, "%s=%s; HttpOnly; Secure; SameSite=Strict; Path=%s",
	                            ck->session, s->cookie, ck->path));
	/* Not HttpOnly: the portal's script moves it to its sessionStorage
	 * and deletes it. */
	respond_header(r, "Set-Cookie",
	               arena_printf(r->a, "%s=%s; Secure; SameSite=Strict; Path=%s; Max-Age=%d",
	                            ck->csrf, s->csrf, ck->path, LOGIN_CSRF_MAX_AGE));
	respond_header(r, "Set-Cookie", clear);
	return login_page(r, 200, &text_done, return_to, true);
}

enum kp_err h_login_callback(struct req *r)
{
	struct worker *w = r->w;
	const struct login_cookies *ck = login_cookies(w);
	const char *state = request_query(r, "state"), *code = request_query(r, "code");
	const char *error = request_query(r, "error"), *binder, *why = "", *clear, *id_token;
	struct login_ctx lc = {w->db, w->rng, &w->keys, NULL, &w->policy};
	struct oidc_tokens t = {NULL, NULL};
	struct login_attempt at;
	struct token_claims c;
	struct session_new s;
	struct kp_actor who;
	struct oidc_meta m;
	char tag[OIDC_TAG_LEN + 1], err[256];
	long long started = mono_ms();
	enum oidc_result res;
	size_t blen = 0;
	enum kp_err e;

	memset(&c, 0, sizeof(c));
	if (!w->rp.enabled)
		return login_off(r, "no broker configured (discovery unset)");
	if (!state_ok(state))
		return login_again(r, state == NULL ? "no state" : "malformed state");
	oidc_state_tag(state, tag);
	binder = request_cookie_find(FCGX_GetParam("HTTP_COOKIE", r->fcgx->envp),
	                             arena_printf(r->a, "%s%s", ck->login_prefix, tag), &blen);
	if (binder == NULL)
		return login_again(r, "no pre-login cookie for this state");
	/* From here on the pre-login cookie is spent, whatever the outcome. */
	clear = arena_printf(r->a, "%s%s=; HttpOnly; Secure; SameSite=Lax; Path=%s; Max-Age=0",
	                     ck->login_prefix, tag, ck->login_path);
	respond_header(r, "Set-Cookie", clear);
	e = login_attempt_use(r, state, binder, blen, &at);
	if (e == KP_EAUTH)
		return login_again(r, "attempt unknown, used, expired, or another browser's");
	if (e != KP_OK)
		return login_error(r, e);
	if (error != NULL) {
		fprintf(stderr, "login %s: the broker answered error=%s\n", pool_name(w->pool),
		        text_log_safe(r->a, error));
		return login_page(r, 200, &text_cancelled, login_path(r), false);
	}
	if (code == NULL || *code == '\0')
		return login_failed(r, "callback without code");
	if (oidc_meta_load(&m, &w->rp, err, sizeof(err)) != 0)
		return login_off(r, err);
	res = oidc_exchange(&w->rp, &m, code, at.verifier, login_left(started), &t, err,
	                    sizeof(err));
	if (res == OIDC_UNAVAILABLE)
		return login_down(r, err);
	if (res != OIDC_OK)
		return login_failed(r, err);
	e = login_verify_token(r, &t, at.nonce, started, &c, &why);
	if (e == KP_OK)
		e = login_userinfo(r, &m, &t, started, &c, &why);
	if (e == KP_EUNAVAIL) {
		e = login_down(r, why);
		goto out;
	}
	if (e != KP_OK) {
		e = login_failed(r, why);
		goto out;
	}
	r->nheaders = 0; /* login_done sets the cookies again, the clearing one last */
	id_token = t.id_token;
	e = session_login_claims(&lc, r->a, w->pool == POOL_ADMIN ? KP_ACTOR_STAFF : KP_ACTOR_CITIZEN,
	                         &c, at.nonce, id_token, r->now, &s, &who, &r->fail);
	if (e == KP_OK) {
		e = login_done(r, &s, clear, at.return_to);
	} else {
		respond_header(r, "Set-Cookie", clear);
		if (e != KP_EAUTH)
			e = login_error(r, e);
		else if (r->fail.code != NULL && strcmp(r->fail.code, "unknown_citizen") == 0)
			e = login_page(r, 403, &text_no_plan, login_path(r), false);
		else if (r->fail.code != NULL && strcmp(r->fail.code, "unknown_staff") == 0)
			e = login_page(r, 403, &text_no_access, login_path(r), false);
		else
			e = login_failed(r, "token replayed or refused");
	}
	kp_wipe(&s, sizeof(s));
out:
	kp_wipe(&c, sizeof(c));
	oidc_tokens_free(&t);
	return e;
}

/* ---- GET logout ---- */

enum kp_err h_logout(struct req *r)
{
	struct worker *w = r->w;
	const struct login_cookies *ck = login_cookies(w);
	const char *cookie, *id_token = NULL, *url = NULL;
	struct oidc_meta m;
	struct session s;
	uint8_t raw[16];
	char state[KP_B64URL_LEN(sizeof(raw)) + 1], err[256];
	size_t clen = 0;

	cookie = request_cookie_find(FCGX_GetParam("HTTP_COOKIE", r->fcgx->envp), ck->session,
	                             &clen);
	if (cookie != NULL &&
	    session_find(w->db, r->a, w->pool == POOL_ADMIN ? KP_ACTOR_STAFF : KP_ACTOR_CITIZEN,
	                 cookie, clen, r->now, &s) == KP_OK) {
		id_token = session_id_token(w->db, r->a, &w->keys, &s);
		if (session_end(w->db, &s, r->now) != KP_OK)
			return login_error(r, KP_EUNAVAIL);
	}
	if (w->rp.enabled && oidc_meta_load(&m, &w->rp, err, sizeof(err)) == 0 &&
	    rng_bytes(w->rng, raw, sizeof(raw)) == 0) {
		kp_b64url_encode(raw, sizeof(raw), state, sizeof(state));
		url = oidc_end_session_url(r->a, &w->rp, &m, id_token, state);
	}
	respond_header(r, "Set-Cookie",
	               arena_printf(r->a,
	                            "%s=; HttpOnly; Secure; SameSite=Strict; Path=%s; Max-Age=0",
	                            ck->session, ck->path));
	respond_header(r, "Set-Cookie",
	               arena_printf(r->a, "%s=; Secure; SameSite=Strict; Path=%s; Max-Age=0",
	                            ck->csrf, ck->path));
	respond_header(r, "Location", url != NULL ? url : portal_home(r));
	respond_header(r, "Cache-Control", "no-store");
	respond_text(r, 302, "text/plain; charset=utf-8", "");
	return KP_OK;
}
