/* h_devidp.c: the dev identity provider (dev mode only): signs ID tokens
 * with broker-like claims for the demo people, with the dev keys. It is a
 * pool of its own, started only in dev mode; production nginx answers 404
 * under /dev-idp/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "devidp.h"
#include "kpjson.h"


static enum kp_err bad_form(struct req *r, const char *msg)
{
	return KP_FAIL(&r->fail, KP_EINVAL, "invalid_field", msg);
}

enum kp_err h_devidp_token(struct req *r)
{
	const struct kp_config *cfg = r->w->cfg;
	const char *sub = request_form(r, "sub"), *aud = request_form(r, "aud");
	const char *loa_s = request_form(r, "loa"), *ttl_s = request_form(r, "ttl");
	const char *alg_s = request_form(r, "alg");
	const char *cpr = request_form(r, "cpr"), *name = request_form(r, "name");
	enum token_loa loa = TOKEN_LOA_SUBSTANTIAL;
	enum token_alg alg = TOKEN_ALG_ES256;
	long long ttl = 300;
	const char *why = "";
	char err[256], *claims_s, *token;
	json_t *claims;

	/* A demo person by sub, or a citizen by CPR number and name. */
	if (aud == NULL || (sub == NULL) == (cpr == NULL) || (cpr == NULL) != (name == NULL))
		return bad_form(r, "aud, and either sub or cpr and name, are required");
	if (strcmp(aud, "kaptajn-citizen") != 0 && strcmp(aud, "kaptajn-admin") != 0)
		return bad_form(r, "aud: kaptajn-citizen or kaptajn-admin");
	if (loa_s != NULL) {
		if (strcmp(loa_s, "low") == 0)
			loa = TOKEN_LOA_LOW;
		else if (strcmp(loa_s, "substantial") == 0)
			loa = TOKEN_LOA_SUBSTANTIAL;
		else if (strcmp(loa_s, "high") == 0)
			loa = TOKEN_LOA_HIGH;
		else
			return bad_form(r, "loa: low, substantial or high");
	}
	if (ttl_s != NULL) {
		char *end;

		ttl = strtoll(ttl_s, &end, 10);
		if (*ttl_s == '\0' || *end != '\0' || ttl < -86400 || ttl > 3600 || ttl == 0)
			return bad_form(r, "ttl: seconds, -86400..3600, not 0");
	}
	if (alg_s != NULL) {
		if (strcmp(alg_s, "RS256") == 0)
			alg = TOKEN_ALG_RS256;
		else if (strcmp(alg_s, "ES256") != 0)
			return bad_form(r, "alg: ES256 or RS256");
	}
	claims = sub != NULL
	                 ? devidp_claims(cfg, r->w->rng, sub, aud, loa, ttl, r->now, &why)
	                 : devidp_claims_cpr(cfg, r->w->rng, cpr, name, aud, loa, ttl, r->now, &why);
	if (claims == NULL)
		return KP_FAIL(&r->fail, KP_EINVAL, "unknown_user", why);
	claims_s = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	token = claims_s != NULL ? token_dev_sign(cfg->dev_idp_dir, alg, claims_s, err, sizeof(err))
	                         : NULL;
	free(claims_s);
	if (token == NULL) {
		fprintf(stderr, "devidp: %s\n", err);
		return KP_EINTERNAL;
	}
	respond_text(r, 200, "text/plain; charset=utf-8", arena_strdup(r->a, token));
	free(token);
	return KP_OK;
}

enum kp_err h_devidp_jwks(struct req *r)
{
	json_t *jwks = json_load_file(arena_printf(r->a, "%s/jwks.json", r->w->cfg->dev_idp_dir), 0,
	                              NULL);

	if (jwks == NULL)
		return KP_EINTERNAL;
	respond_json(r, 200, jwks);
	return KP_OK;
}

enum kp_err h_devidp_users(struct req *r)
{
	json_t *file = json_load_file(arena_printf(r->a, "%s/users.json", r->w->cfg->dev_idp_dir), 0,
	                              NULL);
	json_t *users = json_object_get(file, "users"), *list = json_array(), *out, *u;
	enum kp_err err = KP_EINTERNAL;
	size_t i;

	if (list == NULL)
		goto out;
	/* The list shows people, not their CPR numbers. */
	json_array_foreach(users, i, u) {
		json_t *v = json_deep_copy(u);

		json_object_del(v, "cpr");
		if (kp_json_push(list, v) != 0)
			goto out;
	}
	/* json_pack takes list, on failure too. */
	out = json_pack("{s:o}", "users", list);
	list = NULL;
	if (out != NULL) {
		respond_json(r, 200, out);
		err = KP_OK;
	}
out:
	json_decref(list);
	json_decref(file);
	return err;
}

/* The OpenID provider (API.md "Login the production way"): discovery,
 * authorize (a picker page rendered here), token and logout. Its base URL
 * is dev_idp_url, never the Host header. */

/* The configured base, or NULL (logged) when dev_idp_url is not set. */
static const char *op_base(struct req *r)
{
	const char *b = r->w->cfg->dev_idp_url;

	if (b == NULL || *b == '\0') {
		fprintf(stderr, "devidp: dev_idp_url is not set\n");
		return NULL;
	}
	return b;
}

/* s with & < > " ' as character references, in the arena. */
static const char *html(struct req *r, const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *o;

	for (p = s; *p != '\0'; p++)
		n += strchr("&<>\"'", *p) != NULL ? 6 : 1;
	o = out = arena_alloc(r->a, n + 1);
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': o += sprintf(o, "&amp;"); break;
		case '<': o += sprintf(o, "&lt;"); break;
		case '>': o += sprintf(o, "&gt;"); break;
		case '"': o += sprintf(o, "&quot;"); break;
		case '\'': o += sprintf(o, "&#39;"); break;
		default: *o++ = *p; break;
		}
	}
	*o = '\0';
	return out;
}

/* s percent-encoded for a query (all but the unreserved), in the arena. */
static const char *pct(struct req *r, const char *s)
{
	char *out = arena_alloc(r->a, 3 * strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	*o = '\0';
	return out;
}

/* An HTML page in the portal's look (no inline script or style: the page
 * CSP forbids them); body is HTML already escaped. */
static enum kp_err op_page(struct req *r, int status, const char *title, const char *body)
{
	respond_text(r, status, "text/html; charset=utf-8",
	             arena_printf(r->a,
	                          "<!doctype html>\n<html lang=\"da\">\n<head>\n"
	                          "<meta charset=\"utf-8\">\n"
	                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                          "<meta name=\"robots\" content=\"noindex\">\n"
	                          "<title>%s — Kaptajn</title>\n"
	                          "<link rel=\"icon\" href=\"data:,\">\n"
	                          "<link rel=\"stylesheet\" href=\"/assets/dkfds/css/dkfds-borgerdk.used.min.css\">\n"
	                          "<link rel=\"stylesheet\" href=\"/css/app.css\">\n"
	                          "</head>\n<body>\n<main class=\"container\">\n<h1>%s</h1>\n%s</main>\n"
	                          "</body>\n</html>\n",
	                          html(r, title), html(r, title), body));
	return KP_OK;
}

/* A refused authorization request: a 400 page, never a redirect (the
 * redirect URI may be anyone's). */
static enum kp_err op_refuse(struct req *r, const char *why)
{
	fprintf(stderr, "devidp: authorize refused: %s\n", why);
	return op_page(r, 400, "Forkert login-forespørgsel",
	               arena_printf(r->a,
	                            "<p>Udviklingslogin kan ikke gennemføre denne forespørgsel.</p>\n"
	                            "<p lang=\"en\"><em>%s</em></p>\n"
	                            "<p><a href=\"/\">Tilbage til forsiden</a></p>\n",
	                            html(r, why)));
}

static enum kp_err op_discovery(struct req *r, enum devidp_client client)
{
	const struct kp_config *cfg = r->w->cfg;
	const char *b = op_base(r);
	json_t *doc;

	if (b == NULL)
		return KP_EINTERNAL;
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:[s], s:[s, s], s:[s, s],"
	                " s:[s], s:[s], s:[s, s, s, s, s, s, s, s, s, s, s, s]}",
	                "issuer", client == DEVIDP_CLIENT_STAFF ? cfg->staff_issuer : cfg->citizen_issuer,
	                "authorization_endpoint", arena_printf(r->a, "%s/authorize", b),
	                "token_endpoint", arena_printf(r->a, "%s/oauth/token", b),
	                "jwks_uri", arena_printf(r->a, "%s/jwks.json", b),
	                "end_session_endpoint", arena_printf(r->a, "%s/logout", b),
	                "response_types_supported", "code",
	                "grant_types_supported", "authorization_code",
	                "code_challenge_methods_supported", "S256",
	                "id_token_signing_alg_values_supported", "ES256", "RS256",
	                "token_endpoint_auth_methods_supported", "client_secret_basic",
	                "client_secret_post", "subject_types_supported", "public",
	                "scopes_supported", "openid", "claims_supported", "iss", "aud", "azp",
	                "sub", "exp", "iat", "jti", "nonce", "at_hash", "loa", "name",
	                client == DEVIDP_CLIENT_STAFF ? "role" : "dk.cpr");
	if (doc == NULL)
		return KP_EINTERNAL;
	respond_json(r, 200, doc);
	return KP_OK;
}

enum kp_err h_devidp_discovery(struct req *r)
{
	return op_discovery(r, DEVIDP_CLIENT_CITIZEN);
}

enum kp_err h_devidp_discovery_staff(struct req *r)
{
	return op_discovery(r, DEVIDP_CLIENT_STAFF);
}

/* The checked parameters of an authorization request. */
struct op_authz {
	enum devidp_client client;
	const char *client_id, *redirect_uri, *scope, *state, *nonce, *challenge;
};

/* A parameter of the authorization request: the query, or the form of a
 * POST (the picker's CPR form posts, so the number stays out of URLs). */
static const char *op_param(struct req *r, const char *name)
{
	return r->method == M_POST ? request_form(r, name) : request_query(r, name);
}

/* True when the space-separated list holds word. */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/* Checks the request into *az: NULL, or why it is refused. */
static const char *op_authz_read(struct req *r, const char *base, struct op_authz *az)
{
	const char *rt = op_param(r, "response_type"), *method;
	char want[1024];

	az->client_id = op_param(r, "client_id");
	if ((az->client = devidp_client_of(az->client_id)) == DEVIDP_CLIENT_NONE)
		return "client_id: unknown client (kaptajn-citizen or kaptajn-admin)";
	az->redirect_uri = op_param(r, "redirect_uri");
	if (devidp_redirect_uri(base, az->client, want, sizeof(want)) != 0)
		return "dev_idp_url has no origin";
	if (az->redirect_uri == NULL || strcmp(az->redirect_uri, want) != 0)
		return "redirect_uri is not the client's registered redirect URI";
	if (rt == NULL || strcmp(rt, "code") != 0)
		return "response_type: only code";
	az->scope = op_param(r, "scope");
	if (az->scope == NULL || strlen(az->scope) > 512 || !has_word(az->scope, "openid") ||
	    !text_chars_ok(az->scope, strlen(az->scope)))
		return "scope must hold openid";
	az->challenge = op_param(r, "code_challenge");
	method = op_param(r, "code_challenge_method");
	if (az->challenge == NULL || strlen(az->challenge) != DEVIDP_CODE_LEN ||
	    strspn(az->challenge, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
	            DEVIDP_CODE_LEN)
		return "code_challenge: PKCE is required (43 characters of base64url)";
	if (method == NULL || strcmp(method, "S256") != 0)
		return "code_challenge_method: only S256";
	az->nonce = op_param(r, "nonce");
	if (!devidp_param_ok(az->nonce, DEVIDP_NONCE_MAX))
		return "nonce: required, 1 to 255 printable ASCII characters";
	az->state = op_param(r, "state");
	if (az->state != NULL && !devidp_param_ok(az->state, DEVIDP_NONCE_MAX))
		return "state: 1 to 255 printable ASCII characters";
	return NULL;
}

/* The request's own parameters as a query string (no login_hint). */
static const char *op_authz_query(struct req *r, const struct op_authz *az)
{
	const char *q = arena_printf(
		r->a,
		"response_type=code&client_id=%s&redirect_uri=%s&scope=%s&nonce=%s"
		"&code_challenge=%s&code_challenge_method=S256",
		pct(r, az->client_id), pct(r, az->redirect_uri), pct(r, az->scope), pct(r, az->nonce),
		pct(r, az->challenge));

	return az->state != NULL ? arena_printf(r->a, "%s&state=%s", q, pct(r, az->state)) : q;
}

/* A hidden field of the CPR form. */
static const char *hidden(struct req *r, const char *name, const char *value)
{
	if (value == NULL)
		return "";
	return arena_printf(r->a, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", name,
	                    html(r, value));
}

static const char *role_name(const char *role)
{
	if (role != NULL && strcmp(role, "caseworker") == 0)
		return "koordinerende sagsbehandler";
	if (role != NULL && strcmp(role, "contact") == 0)
		return "borgerkonsulent";
	return role;
}

/* The picker: the people of the client's kind as links to this request
 * with their login_hint; for citizens also the CPR and name form. */
static enum kp_err op_picker(struct req *r, const struct op_authz *az, const char *msg)
{
	bool staff = az->client == DEVIDP_CLIENT_STAFF;
	const char *q = op_authz_query(r, az), *list = "", *form = "";
	json_t *people = devidp_people(r->w->cfg, az->client), *u;
	size_t i;

	if (people == NULL)
		return KP_EINTERNAL;
	json_array_foreach(people, i, u) {
		const char *sub = json_string_value(json_object_get(u, "sub"));
		const char *label = json_string_value(json_object_get(u, "name"));
		const char *title = json_string_value(json_object_get(u, "title"));

		if (staff && (title != NULL || role_name(json_string_value(json_object_get(u, "role")))))
			label = arena_printf(r->a, "%s (%s)", label,
			                     title != NULL ? title
			                                   : role_name(json_string_value(
			                                             json_object_get(u, "role"))));
		list = arena_printf(r->a,
		                    "%s<li><a class=\"button button-secondary\" data-sub=\"%s\" "
		                    "href=\"%s\">%s</a></li>\n",
		                    list, html(r, sub),
		                    html(r, arena_printf(r->a, "?%s&login_hint=%s", q, pct(r, sub))),
		                    html(r, label));
	}
	json_decref(people);
	if (!staff)
		form = arena_printf(
			r->a,
			"<section aria-labelledby=\"by-cpr-heading\">\n"
			"<h2 id=\"by-cpr-heading\">Anden borger</h2>\n"
			"<p>En borger, som en sagsbehandler har indskrevet, og som ikke er demoperson. "
			"Et CPR-nummer, der ikke er indskrevet, bliver afvist ved login.</p>\n"
			"<form id=\"by-cpr\" method=\"post\" action=\"authorize\">\n%s%s%s%s%s%s%s%s"
			"<div class=\"form-group\">\n"
			"<label class=\"form-label\" for=\"cpr\">CPR-nummer</label>\n"
			"<span class=\"form-hint\" id=\"cpr-hint\">10 cifre, evt. DDMMÅÅ-XXXX.</span>\n"
			"<input class=\"form-input\" id=\"cpr\" name=\"cpr\" type=\"text\" "
			"inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"11\" required "
			"aria-describedby=\"cpr-hint\">\n</div>\n"
			"<div class=\"form-group\">\n"
			"<label class=\"form-label\" for=\"name\">Navn</label>\n"
			"<input class=\"form-input\" id=\"name\" name=\"name\" type=\"text\" "
			"autocomplete=\"off\" maxlength=\"200\" required>\n</div>\n"
			"<button type=\"submit\" class=\"button button-secondary\">Log ind som borger</button>\n"
			"</form>\n</section>\n",
			hidden(r, "response_type", "code"), hidden(r, "client_id", az->client_id),
			hidden(r, "redirect_uri", az->redirect_uri), hidden(r, "scope", az->scope),
			hidden(r, "state", az->state), hidden(r, "nonce", az->nonce),
			hidden(r, "code_challenge", az->challenge),
			hidden(r, "code_challenge_method", "S256"));
	return op_page(
		r, 200, "Udviklingslogin",
		arena_printf(r->a,
		             "<p><strong>Kun til udvikling og demonstration.</strong> Dette login findes "
		             "ikke i drift: der logger borgere ind med MitID og medarbejdere med "
		             "kommunens eget login. Vælg en demoperson for at blive logget ind som "
		             "vedkommende.</p>\n"
		             "<p lang=\"en\"><em>Development login only — it does not exist in "
		             "production. Pick a demo person to log in as them.</em></p>\n"
		             "%s"
		             "<section aria-labelledby=\"people-heading\">\n"
		             "<h2 id=\"people-heading\">%s</h2>\n"
		             "<ul id=\"%s\" class=\"nobullet-list\">\n%s</ul>\n</section>\n%s"
		             "<p><a href=\"%s\">Tilbage til forsiden</a></p>\n",
		             msg != NULL ? arena_printf(r->a,
		                                        "<p id=\"error\" class=\"alert alert-error\" "
		                                        "role=\"alert\">%s</p>\n",
		                                        html(r, msg))
		                         : "",
		             staff ? "Medarbejdere" : "Borgere", staff ? "staff" : "citizens",
		             *list != '\0' ? list : "<li>Der er ingen demopersoner (er databasen seedet?).</li>\n",
		             form, staff ? "/admin/" : "/"));
}

enum kp_err h_devidp_authorize(struct req *r)
{
	const struct kp_config *cfg = r->w->cfg;
	const char *base = op_base(r), *why, *hint, *cpr, *name;
	struct devidp_grant g;
	struct op_authz az;
	char code[DEVIDP_CODE_LEN + 1];
	json_t *user = NULL;
	enum kp_err err = KP_EINTERNAL;

	if (base == NULL)
		return KP_EINTERNAL;
	if ((why = op_authz_read(r, base, &az)) != NULL)
		return op_refuse(r, why);
	memset(&g, 0, sizeof(g));
	hint = op_param(r, "login_hint");
	cpr = op_param(r, "cpr");
	name = op_param(r, "name");
	if (cpr != NULL || name != NULL) {
		if (az.client != DEVIDP_CLIENT_CITIZEN)
			return op_refuse(r, "cpr and name: only for the citizen client");
		user = devidp_person_cpr(r->w->rng, cpr, name, g.sub, sizeof(g.sub), &why);
		if (user == NULL)
			return op_picker(r, &az, why);
	} else if (hint != NULL) {
		if (!devidp_param_ok(hint, 100) ||
		    (user = devidp_person(cfg, hint, az.client)) == NULL)
			return op_picker(r, &az, "Der er ingen demoperson af den slags med det navn. "
			                         "Vælg en af listen.");
		snprintf(g.sub, sizeof(g.sub), "%s", hint);
	} else {
		return op_picker(r, &az, NULL);
	}
	g.client = az.client;
	g.user = user;
	snprintf(g.redirect_uri, sizeof(g.redirect_uri), "%s", az.redirect_uri);
	snprintf(g.nonce, sizeof(g.nonce), "%s", az.nonce);
	snprintf(g.challenge, sizeof(g.challenge), "%s", az.challenge);
	if (devidp_code_issue(cfg, r->w->rng, &g, r->now, code, &why) != 0) {
		fprintf(stderr, "devidp: %s\n", why);
		goto out;
	}
	respond_header(r, "Location",
	               az.state != NULL
	                       ? arena_printf(r->a, "%s?code=%s&state=%s", az.redirect_uri, code,
	                                      pct(r, az.state))
	                       : arena_printf(r->a, "%s?code=%s", az.redirect_uri, code));
	respond_text(r, 302, "text/plain; charset=utf-8", "");
	err = KP_OK;
out:
	kp_wipe(code, sizeof(code));
	devidp_grant_free(&g);
	return err;
}

/* An OAuth error of the token endpoint (RFC 6749 5.2). */
static enum kp_err oauth_error(struct req *r, int status, const char *code, const char *why)
{
	fprintf(stderr, "devidp: token refused: %s: %s\n", code, why);
	respond_json(r, status, json_pack("{s:s, s:s}", "error", code, "error_description", why));
	return KP_OK;
}

enum kp_err h_devidp_oauth_token(struct req *r)
{
	const struct kp_config *cfg = r->w->cfg;
	const char *authz = FCGX_GetParam("HTTP_AUTHORIZATION", r->fcgx->envp);
	const char *client_id = request_form(r, "client_id"), *secret = request_form(r, "client_secret");
	const char *grant_type = request_form(r, "grant_type"), *code = request_form(r, "code");
	const char *redirect_uri = request_form(r, "redirect_uri");
	const char *verifier = request_form(r, "code_verifier"), *why = "";
	char id[128], sec[256], raw[32], access[KP_B64URL_LEN(32) + 1], err[256];
	char *claims_s = NULL, *token = NULL;
	struct devidp_grant g;
	json_t *claims;
	enum kp_err rc = KP_EINTERNAL;

	memset(&g, 0, sizeof(g));
	if (authz != NULL && *authz != '\0') {
		/* One way of authenticating at a time (RFC 6749 2.3). */
		if (secret != NULL)
			return oauth_error(r, 400, "invalid_request",
			                   "client_secret_basic and client_secret_post both given");
		if (devidp_basic_auth(authz, id, sizeof(id), sec, sizeof(sec)) != 0 ||
		    (client_id != NULL && strcmp(client_id, id) != 0)) {
			respond_header(r, "WWW-Authenticate", "Basic realm=\"dev-idp\"");
			return oauth_error(r, 401, "invalid_client", "malformed Basic credentials");
		}
		client_id = arena_strdup(r->a, id);
		secret = arena_strdup(r->a, sec);
		kp_wipe(sec, sizeof(sec));
	}
	if (client_id == NULL || secret == NULL || devidp_client_of(client_id) == DEVIDP_CLIENT_NONE ||
	    !devidp_client_secret_ok(cfg, secret, strlen(secret))) {
		if (authz != NULL && *authz != '\0')
			respond_header(r, "WWW-Authenticate", "Basic realm=\"dev-idp\"");
		return oauth_error(r, 401, "invalid_client", "unknown client or wrong secret");
	}
	if (grant_type == NULL)
		return oauth_error(r, 400, "invalid_request", "grant_type is required");
	if (strcmp(grant_type, "authorization_code") != 0)
		return oauth_error(r, 400, "unsupported_grant_type", "only authorization_code");
	if (code == NULL || redirect_uri == NULL || verifier == NULL)
		return oauth_error(r, 400, "invalid_request",
		                   "code, redirect_uri and code_verifier are required");
	if (devidp_code_take(cfg, code, &g) != 0)
		return oauth_error(r, 400, "invalid_grant", "unknown, expired or used code");
	if ((why = devidp_grant_check(&g, client_id, redirect_uri, verifier, r->now)) != NULL) {
		rc = oauth_error(r, 400, "invalid_grant", why);
		goto out;
	}
	if (rng_bytes(r->w->rng, raw, sizeof(raw)) != 0)
		goto out;
	kp_b64url_encode(raw, sizeof(raw), access, sizeof(access));
	if ((claims = devidp_code_claims(cfg, r->w->rng, &g, access, r->now, &why)) == NULL) {
		fprintf(stderr, "devidp: %s\n", why);
		goto out;
	}
	claims_s = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	if (claims_s == NULL ||
	    (token = token_dev_sign(cfg->dev_idp_dir, TOKEN_ALG_ES256, claims_s, err, sizeof(err))) ==
	            NULL) {
		fprintf(stderr, "devidp: %s\n", claims_s == NULL ? "cannot encode the claims" : err);
		goto out;
	}
	respond_json(r, 200, json_pack("{s:s, s:s, s:i, s:s}", "access_token", access,
	                               "token_type", "Bearer", "expires_in", DEVIDP_ID_TOKEN_TTL,
	                               "id_token", token));
	rc = r->out != NULL ? KP_OK : KP_EINTERNAL;
out:
	free(claims_s);
	free(token);
	kp_wipe(raw, sizeof(raw));
	devidp_grant_free(&g);
	return rc;
}

enum kp_err h_devidp_logout(struct req *r)
{
	const char *base = op_base(r), *to = request_query(r, "post_logout_redirect_uri");
	const char *state = request_query(r, "state");

	if (base == NULL)
		return KP_EINTERNAL;
	if (to != NULL && devidp_post_logout_ok(base, to)) {
		respond_header(r, "Location",
		               devidp_param_ok(state, DEVIDP_NONCE_MAX)
		                       ? arena_printf(r->a, "%s?state=%s", to, pct(r, state))
		                       : to);
		respond_text(r, 302, "text/plain; charset=utf-8", "");
		return KP_OK;
	}
	return op_page(r, 200, "Du er logget ud",
	               "<p>Du er logget ud af udviklingslogin.</p>\n"
	               "<p><a href=\"/\">Til forsiden</a></p>\n");
}

const struct route devidp_routes[] = {
	{M_POST, "/dev-idp/token", h_devidp_token, R_FORM | R_NO_CSRF, NULL, 0},
	{M_GET, "/dev-idp/jwks.json", h_devidp_jwks, 0, NULL, 0},
	{M_GET, "/dev-idp/users", h_devidp_users, 0, NULL, 0},
	{M_GET, "/dev-idp/.well-known/openid-configuration", h_devidp_discovery, 0, NULL, 0},
	{M_GET, "/dev-idp/staff/.well-known/openid-configuration", h_devidp_discovery_staff, 0,
	 NULL, 0},
	{M_GET, "/dev-idp/authorize", h_devidp_authorize, 0, NULL, 0},
	{M_POST, "/dev-idp/authorize", h_devidp_authorize, R_FORM | R_NO_CSRF, NULL, 0},
	{M_POST, "/dev-idp/oauth/token", h_devidp_oauth_token, R_FORM | R_NO_CSRF, NULL, 0},
	{M_GET, "/dev-idp/logout", h_devidp_logout, 0, NULL, 0},
};

const size_t devidp_nroutes = sizeof(devidp_routes) / sizeof(devidp_routes[0]);
