/* token.c: verifying the identity broker's ID tokens and loading its JWKS.
 * libjwt 1.10 checks only the signature, and only safely when we choose the
 * key and the algorithm; every other check is made here (SECURITY.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "crypto.h"
#include "oidc.h"
#include "token.h"

const char token_why_unknown_kid[] = "kid names no key we have";

#define LOA_PREFIX "https://data.gov.dk/concept/core/nsis/"

static const char *const loa_words[TOKEN_LOA__MAX] = {
	[TOKEN_LOA_NONE] = NULL,
	[TOKEN_LOA_LOW] = "Low",
	[TOKEN_LOA_SUBSTANTIAL] = "Substantial",
	[TOKEN_LOA_HIGH] = "High",
};

static const char *const loa_uris[TOKEN_LOA__MAX] = {
	[TOKEN_LOA_NONE] = NULL,
	[TOKEN_LOA_LOW] = LOA_PREFIX "Low",
	[TOKEN_LOA_SUBSTANTIAL] = LOA_PREFIX "Substantial",
	[TOKEN_LOA_HIGH] = LOA_PREFIX "High",
};

_Static_assert(sizeof(loa_words) / sizeof(loa_words[0]) == TOKEN_LOA__MAX, "loa_words");
_Static_assert(sizeof(loa_uris) / sizeof(loa_uris[0]) == TOKEN_LOA__MAX, "loa_uris");

/* Header "alg" strings and libjwt's enum, by our enum. */
static const char *const alg_names[TOKEN_ALG__MAX] = {
	[TOKEN_ALG_ES256] = "ES256",
	[TOKEN_ALG_RS256] = "RS256",
};
static const jwt_alg_t alg_jwt[TOKEN_ALG__MAX] = {
	[TOKEN_ALG_ES256] = JWT_ALG_ES256,
	[TOKEN_ALG_RS256] = JWT_ALG_RS256,
};

_Static_assert(sizeof(alg_names) / sizeof(alg_names[0]) == TOKEN_ALG__MAX, "alg_names");

/* Upper bounds for the JWKS members we decode. */
#define EC_COORD_LEN 32
#define RSA_N_MAX 1024  /* 8192 bits, mbedTLS's MPI limit */
#define RSA_E_MAX 8
#define RSA_MIN_BITS 2048
#define PEM_MAX 4096

enum token_loa token_loa_parse(const char *s)
{
	size_t plen = strlen(LOA_PREFIX);
	int i;

	if (s == NULL)
		return TOKEN_LOA_NONE;
	if (strncmp(s, LOA_PREFIX, plen) == 0)
		s += plen;
	for (i = TOKEN_LOA_LOW; i < TOKEN_LOA__MAX; i++)
		if (strcmp(s, loa_words[i]) == 0)
			return (enum token_loa)i;
	return TOKEN_LOA_NONE;
}

const char *token_loa_uri(enum token_loa loa)
{
	if ((int)loa < 0 || loa >= TOKEN_LOA__MAX)
		return NULL;
	return loa_uris[loa];
}

/* ---- JWKS ---- */

void token_keyset_free(struct token_keyset *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->n && i < TOKEN_MAX_KEYS; i++)
		free(ks->keys[i].pem);
	memset(ks, 0, sizeof(*ks));
}

/* A base64url member of a JWK, decoded into out (at most cap bytes). */
static int jwk_bytes(json_t *jwk, const char *name, uint8_t *out, size_t cap, size_t *outlen)
{
	json_t *v = json_object_get(jwk, name);

	if (!json_is_string(v) || json_string_length(v) == 0)
		return -1;
	return kp_b64url_decode(json_string_value(v), json_string_length(v), out, cap, outlen);
}

/* The public key in pk as PEM, in a new string. */
static char *pk_pem(mbedtls_pk_context *pk, size_t *len)
{
	unsigned char buf[PEM_MAX];
	char *pem;

	if (mbedtls_pk_write_pubkey_pem(pk, buf, sizeof(buf)) != 0)
		return NULL;
	*len = strlen((char *)buf);
	if (*len == 0 || (pem = malloc(*len + 1)) == NULL)
		return NULL;
	memcpy(pem, buf, *len + 1);
	return pem;
}

/* An EC P-256 JWK as PEM; NULL with *why set when it is not a valid point. */
static char *jwk_ec(json_t *jwk, size_t *len, const char **why)
{
	uint8_t pt[1 + 2 * EC_COORD_LEN];
	size_t xl = 0, yl = 0;
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *ec;
	char *pem = NULL;
	json_t *crv = json_object_get(jwk, "crv");

	mbedtls_pk_init(&pk);
	if (!json_is_string(crv) || strcmp(json_string_value(crv), "P-256") != 0) {
		*why = "EC key not on P-256";
		goto out;
	}
	pt[0] = 0x04;
	if (jwk_bytes(jwk, "x", pt + 1, EC_COORD_LEN, &xl) != 0 || xl != EC_COORD_LEN ||
	    jwk_bytes(jwk, "y", pt + 1 + EC_COORD_LEN, EC_COORD_LEN, &yl) != 0 ||
	    yl != EC_COORD_LEN) {
		*why = "EC key x/y not 32 bytes of base64url";
		goto out;
	}
	if (mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0) {
		*why = "EC key setup failed";
		goto out;
	}
	ec = mbedtls_pk_ec(pk);
	if (mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
	    mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, pt, sizeof(pt)) != 0 ||
	    mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q) != 0) {
		*why = "EC point not on the curve";
		goto out;
	}
	if ((pem = pk_pem(&pk, len)) == NULL)
		*why = "EC key: PEM failed";
out:
	mbedtls_pk_free(&pk);
	return pem;
}

/* An RSA JWK (>= 2048 bits) as PEM; NULL with *why set otherwise. */
static char *jwk_rsa(json_t *jwk, size_t *len, const char **why)
{
	uint8_t n[RSA_N_MAX], e[RSA_E_MAX];
	size_t nl = 0, el = 0;
	mbedtls_pk_context pk;
	mbedtls_rsa_context *rsa;
	char *pem = NULL;

	mbedtls_pk_init(&pk);
	if (jwk_bytes(jwk, "n", n, sizeof(n), &nl) != 0 ||
	    jwk_bytes(jwk, "e", e, sizeof(e), &el) != 0) {
		*why = "RSA key n/e missing or malformed";
		goto out;
	}
	if (mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0) {
		*why = "RSA key setup failed";
		goto out;
	}
	rsa = mbedtls_pk_rsa(pk);
	if (mbedtls_rsa_import_raw(rsa, n, nl, NULL, 0, NULL, 0, NULL, 0, e, el) != 0 ||
	    mbedtls_rsa_complete(rsa) != 0 || mbedtls_rsa_check_pubkey(rsa) != 0) {
		*why = "RSA key invalid";
		goto out;
	}
	if (mbedtls_pk_get_bitlen(&pk) < RSA_MIN_BITS) {
		*why = "RSA key under 2048 bits";
		goto out;
	}
	if ((pem = pk_pem(&pk, len)) == NULL)
		*why = "RSA key: PEM failed";
out:
	mbedtls_pk_free(&pk);
	return pem;
}

/* Fills k from one JWK. Returns 1 when used, 0 when skipped (*why set). */
static int jwk_load(json_t *jwk, struct token_key *k, const char **why)
{
	json_t *kty = json_object_get(jwk, "kty"), *alg = json_object_get(jwk, "alg");
	json_t *use = json_object_get(jwk, "use"), *kid = json_object_get(jwk, "kid");
	const char *kstr;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(jwk) || !json_is_string(kty)) {
		*why = "key without kty";
		return 0;
	}
	kstr = json_string_value(kty);
	if (strcmp(kstr, "EC") == 0)
		k->alg = TOKEN_ALG_ES256;
	else if (strcmp(kstr, "RSA") == 0)
		k->alg = TOKEN_ALG_RS256;
	else {
		*why = "unsupported kty";
		return 0;
	}
	if (alg != NULL && (!json_is_string(alg) ||
	                    strcmp(json_string_value(alg), alg_names[k->alg]) != 0)) {
		*why = "key alg not ES256 for EC or RS256 for RSA";
		return 0;
	}
	if (use != NULL && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0)) {
		*why = "key use is not sig";
		return 0;
	}
	if (kid != NULL) {
		if (!json_is_string(kid) || json_string_length(kid) >= sizeof(k->kid) ||
		    strlen(json_string_value(kid)) != json_string_length(kid)) {
			*why = "kid not a string of at most 127 bytes";
			return 0;
		}
		memcpy(k->kid, json_string_value(kid), json_string_length(kid) + 1);
	}
	k->pem = k->alg == TOKEN_ALG_ES256 ? jwk_ec(jwk, &k->pem_len, why)
	                                   : jwk_rsa(jwk, &k->pem_len, why);
	return k->pem != NULL;
}

int token_keyset_load(struct token_keyset *ks, const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = NULL, *keys;
	const char *why = NULL;
	size_t i;
	int rc = -1;

	memset(ks, 0, sizeof(*ks));
	if (errlen > 0)
		err[0] = '\0';
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		snprintf(err, errlen, "jwks: %s: %s", path, jerr.text);
		goto out;
	}
	keys = json_object_get(root, "keys");
	if (!json_is_array(keys)) {
		snprintf(err, errlen, "jwks: %s: no \"keys\" array", path);
		goto out;
	}
	for (i = 0; i < json_array_size(keys); i++) {
		struct token_key k;

		if (!jwk_load(json_array_get(keys, i), &k, &why)) {
			ks->skipped++;
			snprintf(err, errlen, "jwks: %s: key %zu skipped: %s", path, i, why);
			continue;
		}
		if (ks->n == TOKEN_MAX_KEYS) {
			free(k.pem);
			snprintf(err, errlen, "jwks: %s: more than %d usable keys", path,
			         TOKEN_MAX_KEYS);
			goto out;
		}
		ks->keys[ks->n++] = k;
	}
	if (ks->n == 0) {
		if (why != NULL)
			snprintf(err, errlen, "jwks: %s: no usable key (last: %s)", path, why);
		else
			snprintf(err, errlen, "jwks: %s: no keys", path);
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		token_keyset_free(ks);
	return rc;
}

/* ---- verification ---- */

/* Base64url alphabet, exactly two dots, three non-empty segments. Sets the
 * offsets of the dots. */
static int token_shape(const char *t, size_t len, size_t *dot1, size_t *dot2)
{
	size_t i, dots = 0;

	for (i = 0; i < len; i++) {
		char c = t[i];

		if (c == '.') {
			if (dots == 0)
				*dot1 = i;
			else if (dots == 1)
				*dot2 = i;
			if (++dots > 2)
				return -1;
		} else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		             (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			return -1;
		}
	}
	if (dots != 2 || *dot1 == 0 || *dot2 == *dot1 + 1 || *dot2 == len - 1)
		return -1;
	return 0;
}

/* A segment of the token decoded as a JSON object with no member twice (a
 * later reader must not pick another occurrence); NULL otherwise. */
static json_t *segment_json(const char *seg, size_t len)
{
	uint8_t buf[TOKEN_MAX_LEN];
	size_t n = 0;
	json_t *j = NULL;

	if (kp_b64url_decode(seg, len, buf, sizeof(buf), &n) == 0 &&
	    (j = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL)) != NULL &&
	    !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	/* Decoding writes at most len bytes, also when it fails. */
	kp_wipe(buf, len < sizeof(buf) ? len : sizeof(buf));
	return j;
}

/* The decoded header, an object with an allowed "alg", no "crit", "typ"
 * absent or "JWT", "kid" absent or a string. Returns the alg or -1. */
static int header_check(const char *seg, size_t len, char *kid, size_t kidcap,
                        const char **why)
{
	json_t *h = NULL, *alg, *typ, *k;
	int rc = -1, i;

	kid[0] = '\0';
	if ((h = segment_json(seg, len)) == NULL) {
		*why = "header not a JSON object, or a member twice";
		goto out;
	}
	alg = json_object_get(h, "alg");
	if (!json_is_string(alg)) {
		*why = "header alg missing";
		goto out;
	}
	for (i = 0; i < TOKEN_ALG__MAX; i++)
		if (strcmp(json_string_value(alg), alg_names[i]) == 0 &&
		    json_string_length(alg) == strlen(alg_names[i]))
			break;
	if (i == TOKEN_ALG__MAX) {
		*why = "header alg not allowed";
		goto out;
	}
	if (json_object_get(h, "crit") != NULL) {
		*why = "header has crit";
		goto out;
	}
	typ = json_object_get(h, "typ");
	if (typ != NULL && (!json_is_string(typ) || strcmp(json_string_value(typ), "JWT") != 0)) {
		*why = "header typ not JWT";
		goto out;
	}
	k = json_object_get(h, "kid");
	if (k != NULL) {
		if (!json_is_string(k)) {
			*why = "header kid not a string";
			goto out;
		}
		/* A kid that cannot match any key is simply not used. */
		if (json_string_length(k) < kidcap &&
		    strlen(json_string_value(k)) == json_string_length(k))
			memcpy(kid, json_string_value(k), json_string_length(k) + 1);
	}
	rc = i;
out:
	json_decref(h);
	return rc;
}

/* True when s holds no C0 control character or DEL. */
static bool printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Copies string claim v into dst. Returns 0, or -1 when v is not a string,
 * is empty and required, does not fit, or holds a NUL or control character.
 * An absent claim (v NULL) is fine unless required. */
static int claim_str(json_t *v, bool required, char *dst, size_t cap)
{
	size_t len;

	dst[0] = '\0';
	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_string(v))
		return -1;
	len = json_string_length(v);
	if ((required && len == 0) || len >= cap || strlen(json_string_value(v)) != len ||
	    !printable(json_string_value(v), len))
		return -1;
	memcpy(dst, json_string_value(v), len + 1);
	return 0;
}

static bool str_is(json_t *v, const char *s)
{
	return json_is_string(v) && json_string_length(v) == strlen(s) &&
	       memcmp(json_string_value(v), s, json_string_length(v)) == 0;
}

static bool aud_ok(json_t *aud, const char *want)
{
	size_t i;

	if (json_is_string(aud))
		return str_is(aud, want);
	if (!json_is_array(aud))
		return false;
	for (i = 0; i < json_array_size(aud); i++)
		if (str_is(json_array_get(aud, i), want))
			return true;
	return false;
}

/* The code flow's checks (OpenID Connect Core 3.1.3.7 and 3.2.2.9), each
 * only when pol asks for it: the nonce of the login attempt; azp, when
 * present, our client, and present when aud names others besides us; the
 * access token's at_hash, when present. */
static int code_flow_check(json_t *cl, const struct token_policy *pol, const char **why)
{
	json_t *azp = json_object_get(cl, "azp"), *aud = json_object_get(cl, "aud");
	json_t *at_hash = json_object_get(cl, "at_hash");

	if (pol->nonce != NULL && !str_is(json_object_get(cl, "nonce"), pol->nonce)) {
		*why = "nonce missing or wrong";
		return -1;
	}
	if (pol->client_id != NULL) {
		if (azp != NULL && !str_is(azp, pol->client_id)) {
			*why = "azp is another client";
			return -1;
		}
		if (azp == NULL && json_is_array(aud) && json_array_size(aud) > 1) {
			*why = "aud names several without azp";
			return -1;
		}
	}
	if (pol->access_token != NULL && at_hash != NULL &&
	    (!json_is_string(at_hash) ||
	     strlen(json_string_value(at_hash)) != json_string_length(at_hash) ||
	     !oidc_at_hash_ok(json_string_value(at_hash), pol->access_token))) {
		*why = "at_hash does not match the access token";
		return -1;
	}
	return 0;
}

/* The claim checks after the signature; fills c. */
static int claims_check(json_t *cl, const struct token_policy *pol, long long now,
                        struct token_claims *c, const char **why)
{
	json_t *exp = json_object_get(cl, "exp"), *iat = json_object_get(cl, "iat");
	json_t *nbf = json_object_get(cl, "nbf"), *v;
	/* No loa needed only when asked for in both ways: a policy left
	 * zeroed (min_loa NONE) still needs one. */
	bool loa_optional = pol->loa_optional && pol->min_loa == TOKEN_LOA_NONE;
	enum token_loa min = pol->min_loa < TOKEN_LOA_LOW ? TOKEN_LOA_LOW : pol->min_loa;

	if (!json_is_object(cl)) {
		*why = "claims not an object";
		return -1;
	}
	if (!str_is(json_object_get(cl, "iss"), pol->issuer) ||
	    claim_str(json_object_get(cl, "iss"), true, c->iss, sizeof(c->iss)) != 0) {
		*why = "iss wrong";
		return -1;
	}
	if (!aud_ok(json_object_get(cl, "aud"), pol->audience)) {
		*why = "aud wrong";
		return -1;
	}
	if (!json_is_integer(exp) || !json_is_integer(iat) || (nbf != NULL && !json_is_integer(nbf))) {
		*why = "exp/iat/nbf not integers";
		return -1;
	}
	c->exp = json_integer_value(exp);
	c->iat = json_integer_value(iat);
	c->nbf = nbf != NULL ? json_integer_value(nbf) : 0;
	/* Written so that no sum can overflow: now is a sane time. */
	if (c->exp < now - TOKEN_SKEW) {
		*why = "expired";
		return -1;
	}
	if (c->iat < 0) {
		*why = "iat negative";
		return -1;
	}
	if (c->iat > now + TOKEN_SKEW) {
		*why = "iat in the future";
		return -1;
	}
	if (c->nbf > now + TOKEN_SKEW) {
		*why = "not yet valid";
		return -1;
	}
	if (c->exp <= c->iat) {
		*why = "exp not after iat";
		return -1;
	}
	if (c->exp - c->iat > pol->max_lifetime) {
		*why = "lifetime over the cap";
		return -1;
	}
	if (claim_str(json_object_get(cl, "sub"), true, c->sub, sizeof(c->sub)) != 0) {
		*why = "sub missing or malformed";
		return -1;
	}
	/* The code flow's token is used once by its nonce; a jti is then
	 * optional, but one that is there must still be well-formed. */
	if (claim_str(json_object_get(cl, "jti"), !pol->jti_optional, c->jti, sizeof(c->jti)) != 0) {
		*why = "jti missing or malformed";
		return -1;
	}
	v = json_object_get(cl, pol->loa_claim != NULL ? pol->loa_claim : "loa");
	c->loa = json_is_string(v) ? token_loa_parse(json_string_value(v)) : TOKEN_LOA_NONE;
	if (c->loa < min && !(loa_optional && v == NULL)) {
		*why = "loa too low or missing";
		return -1;
	}
	if (code_flow_check(cl, pol, why) != 0)
		return -1;
	v = json_object_get(cl, pol->cpr_claim != NULL ? pol->cpr_claim : "dk.cpr");
	if (pol->want_cpr && !(pol->cpr_optional && v == NULL)) {
		if (!json_is_string(v) ||
		    !kp_cpr_valid(json_string_value(v), json_string_length(v))) {
			*why = "cpr missing or malformed";
			return -1;
		}
		memcpy(c->cpr, json_string_value(v), KP_CPR_LEN);
		c->cpr[KP_CPR_LEN] = '\0';
	}
	v = json_object_get(cl, pol->name_claim != NULL ? pol->name_claim : "name");
	if (claim_str(v, false, c->name, sizeof(c->name)) != 0) {
		*why = "name malformed";
		return -1;
	}
	v = json_object_get(cl, pol->role_claim != NULL ? pol->role_claim : "role");
	if (claim_str(v, false, c->role, sizeof(c->role)) != 0) {
		*why = "role malformed";
		return -1;
	}
	return 0;
}

/* jwt_decode with each candidate key of alg; the header's kid, when it names
 * such a key, narrows the candidates. Returns the decoded jwt or NULL. */
static jwt_t *decode_with_keys(const struct token_keyset *ks, enum token_alg alg,
                               const char *kid, const char *tok, const char **why)
{
	bool by_kid = false, known_kid = false;
	jwt_t *jwt = NULL;
	size_t i;

	for (i = 0; i < ks->n; i++) {
		if (kid[0] != '\0' && strcmp(ks->keys[i].kid, kid) == 0) {
			known_kid = true;
			if (ks->keys[i].alg == alg)
				by_kid = true;
		}
	}
	*why = "no key of the token's alg";
	for (i = 0; i < ks->n; i++) {
		const struct token_key *k = &ks->keys[i];

		if (k->alg != alg || (by_kid && strcmp(k->kid, kid) != 0))
			continue;
		/* libjwt skips verification for an empty key: never pass one. */
		if (k->pem == NULL || k->pem_len == 0 || k->pem_len > PEM_MAX)
			continue;
		*why = "bad signature";
		jwt = NULL;
		if (jwt_decode(&jwt, tok, (const unsigned char *)k->pem, (int)k->pem_len) == 0 &&
		    jwt != NULL) {
			if (jwt_get_alg(jwt) == alg_jwt[alg])
				return jwt;
			jwt_free(jwt);
			*why = "libjwt alg disagrees";
			return NULL;
		}
	}
	/* No key verified it and none has its kid: the broker may have
	 * rolled its keys since we fetched them. */
	if (kid[0] != '\0' && !known_kid)
		*why = token_why_unknown_kid;
	return NULL;
}

enum kp_err token_verify(const struct token_keyset *ks, const struct token_policy *pol,
                         const char *token, size_t len, time_t now,
                         struct token_claims *out, const char **why)
{
	struct token_claims c;
	char kid[sizeof(ks->keys[0].kid)];
	char *tok = NULL, *grants = NULL;
	json_t *cl = NULL;
	jwt_t *jwt = NULL;
	size_t dot1 = 0, dot2 = 0;
	enum kp_err rc = KP_EAUTH;
	int alg;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	*why = "bad token";
	if (ks == NULL || ks->n == 0 || pol == NULL || pol->issuer == NULL ||
	    pol->issuer[0] == '\0' || pol->audience == NULL || pol->audience[0] == '\0' ||
	    pol->max_lifetime <= 0) {
		*why = "no keys or incomplete policy";
		rc = KP_EINTERNAL;
		goto out;
	}
	if (token == NULL || len == 0 || len > TOKEN_MAX_LEN) {
		*why = "token empty or too long";
		goto out;
	}
	if (token_shape(token, len, &dot1, &dot2) != 0) {
		*why = "token not three base64url segments";
		goto out;
	}
	if ((alg = header_check(token, dot1, kid, sizeof(kid), why)) < 0)
		goto out;
	if ((tok = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		rc = KP_EINTERNAL;
		goto out;
	}
	memcpy(tok, token, len);
	tok[len] = '\0';
	if ((jwt = decode_with_keys(ks, (enum token_alg)alg, kid, tok, why)) == NULL)
		goto out;
	/* libjwt keeps the last of a claim given twice; refuse such a payload. */
	if ((cl = segment_json(token + dot1 + 1, dot2 - dot1 - 1)) == NULL) {
		*why = "payload not a JSON object, or a claim twice";
		goto out;
	}
	json_decref(cl);
	cl = NULL;
	if ((grants = jwt_get_grants_json(jwt, NULL)) == NULL ||
	    (cl = json_loads(grants, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		*why = "claims unreadable";
		goto out;
	}
	if (claims_check(cl, pol, (long long)now, &c, why) != 0)
		goto out;
	*out = c;
	*why = "ok";
	rc = KP_OK;
out:
	kp_wipe(&c, sizeof(c));
	json_decref(cl);
	if (grants != NULL) {
		kp_wipe(grants, strlen(grants));
		free(grants);
	}
	jwt_free(jwt);
	if (tok != NULL) {
		kp_wipe(tok, len);
		free(tok);
	}
	return rc;
}
