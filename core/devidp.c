/* devidp.c: claims for the dev identity provider's tokens (see devidp.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpr.h"
#include "devidp.h"
#include "seed.h"
#include "validate.h"

/* The demo person named sub, or NULL. A new reference. */
static json_t *devidp_user(const struct kp_config *cfg, const char *sub)
{
	json_t *file, *u, *found = NULL;
	char path[4096];
	size_t i;

	if (strncmp(sub, "bench-", 6) == 0) {
		char *end, cpr[KP_CPR_LEN + 1], name[64];
		long n = strtol(sub + 6, &end, 10);

		if (*end != '\0' || n < 1 || n > 999999)
			return NULL;
		seed_bench_cpr(n, cpr);
		snprintf(name, sizeof(name), "Bench Borger %ld", n);
		return json_pack("{s:s, s:s, s:s}", "name", name, "kind", "citizen", "cpr", cpr);
	}
	snprintf(path, sizeof(path), "%s/users.json", cfg->dev_idp_dir);
	file = json_load_file(path, 0, NULL);
	json_array_foreach(json_object_get(file, "users"), i, u) {
		const char *s = json_string_value(json_object_get(u, "sub"));

		if (s != NULL && strcmp(s, sub) == 0) {
			found = json_incref(u);
			break;
		}
	}
	json_decref(file);
	return found;
}

/* The claims for user (a person as users.json lists them: name, kind,
 * cpr or role) under sub. */
static json_t *devidp_claims_for(const struct kp_config *cfg, struct rng *rng, json_t *user,
                                 const char *sub, const char *aud, enum token_loa loa,
                                 long long ttl, time_t now, const char **why)
{
	json_t *claims, *extra;
	uint8_t raw[16];
	char jti[32];
	long long exp = (long long)now + ttl;
	/* An expired token still had a lifetime: it ended -ttl seconds ago. */
	long long iat = ttl > 0 ? (long long)now : exp - 300;
	bool citizen;

	if (rng_bytes(rng, raw, sizeof(raw)) != 0) {
		*why = "no random bytes";
		return NULL;
	}
	kp_b64url_encode(raw, sizeof(raw), jti, sizeof(jti));
	citizen = strcmp(json_string_value(json_object_get(user, "kind")), "citizen") == 0;
	claims = json_pack("{s:s, s:s, s:s, s:O, s:s, s:I, s:I, s:I, s:s}",
	                   "iss", citizen ? cfg->citizen_issuer : cfg->staff_issuer, "aud", aud,
	                   "sub", sub, "name", json_object_get(user, "name"),
	                   "loa", token_loa_uri(loa), "iat", (json_int_t)iat, "nbf", (json_int_t)iat,
	                   "exp", (json_int_t)exp, "jti", jti);
	/* A person without the member gets a token without it. */
	extra = json_object_get(user, citizen ? "cpr" : "role");
	if (claims != NULL && extra != NULL &&
	    json_object_set(claims, citizen ? "dk.cpr" : "role", extra) != 0) {
		json_decref(claims);
		claims = NULL;
	}
	if (claims == NULL)
		*why = "cannot build the claims";
	return claims;
}

json_t *devidp_claims(const struct kp_config *cfg, struct rng *rng, const char *sub,
                      const char *aud, enum token_loa loa, long long ttl, time_t now,
                      const char **why)
{
	json_t *user, *claims;

	if ((user = devidp_user(cfg, sub)) == NULL) {
		*why = "no demo person has that sub";
		return NULL;
	}
	claims = devidp_claims_for(cfg, rng, user, sub, aud, loa, ttl, now, why);
	json_decref(user);
	return claims;
}

json_t *devidp_claims_cpr(const struct kp_config *cfg, struct rng *rng, const char *cpr,
                          const char *name, const char *aud, enum token_loa loa, long long ttl,
                          time_t now, const char **why)
{
	char digits[KP_CPR_LEN + 1], sub[32];
	uint8_t raw[12];
	size_t nlen = name != NULL ? strlen(name) : 0;
	json_t *user, *claims;

	if (strcmp(aud, "kaptajn-citizen") != 0) {
		*why = "cpr and name: only for aud kaptajn-citizen";
		return NULL;
	}
	if (cpr_parse(cpr, strlen(cpr), digits) != CPR_PARSE_OK) {
		*why = "cpr: ten digits (or DDMMYY-SSSS) whose first six are a date";
		return NULL;
	}
	if (nlen == 0 || text_blank(name, nlen) || !text_chars_ok(name, nlen) ||
	    utf8_count(name, nlen) > 200) {
		kp_wipe(digits, sizeof(digits));
		*why = "name: 1 to 200 characters, no control characters";
		return NULL;
	}
	/* The subject is no function of the number: a token's sub may be
	 * logged, its number never. */
	if (rng_bytes(rng, raw, sizeof(raw)) != 0) {
		kp_wipe(digits, sizeof(digits));
		*why = "no random bytes";
		return NULL;
	}
	memcpy(sub, "dev-", 4);
	kp_b64url_encode(raw, sizeof(raw), sub + 4, sizeof(sub) - 4);
	user = json_pack("{s:s, s:s, s:s}", "name", name, "kind", "citizen", "cpr", digits);
	kp_wipe(digits, sizeof(digits));
	if (user == NULL) {
		*why = "cannot build the claims";
		return NULL;
	}
	claims = devidp_claims_for(cfg, rng, user, sub, aud, loa, ttl, now, why);
	json_decref(user);
	return claims;
}
