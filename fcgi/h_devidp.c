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

const struct route devidp_routes[] = {
	{M_POST, "/dev-idp/token", h_devidp_token, R_FORM | R_NO_CSRF, NULL, 0},
	{M_GET, "/dev-idp/jwks.json", h_devidp_jwks, 0, NULL, 0},
	{M_GET, "/dev-idp/users", h_devidp_users, 0, NULL, 0},
};

const size_t devidp_nroutes = sizeof(devidp_routes) / sizeof(devidp_routes[0]);
