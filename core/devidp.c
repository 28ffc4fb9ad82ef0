/* devidp.c: claims for the dev identity provider's tokens (see devidp.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devidp.h"
#include "seed.h"

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

json_t *devidp_claims(const struct kp_config *cfg, struct rng *rng, const char *sub,
                      const char *aud, enum token_loa loa, long long ttl, time_t now,
                      const char **why)
{
	json_t *user, *claims, *extra;
	uint8_t raw[16];
	char jti[32];
	long long exp = (long long)now + ttl;
	/* An expired token still had a lifetime: it ended -ttl seconds ago. */
	long long iat = ttl > 0 ? (long long)now : exp - 300;
	bool citizen;

	if ((user = devidp_user(cfg, sub)) == NULL) {
		*why = "no demo person has that sub";
		return NULL;
	}
	if (rng_bytes(rng, raw, sizeof(raw)) != 0) {
		json_decref(user);
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
	json_decref(user);
	if (claims == NULL)
		*why = "cannot build the claims";
	return claims;
}
