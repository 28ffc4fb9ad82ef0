/* test_token.c: ID token verification, JWKS loading and the dev identity
 * provider. Tokens are signed with the dev keys (made once per run) or forged
 * by hand with mbedTLS to play the attacks of SECURITY.md. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "crypto.h"
#include "token.h"

#define NOW ((time_t)1700000000)
#define ISS "https://broker.example/citizen"
#define AUD "kaptajn-citizen"
#define CPR "0101901234"
#define DIR_ENV "KP_TEST_TOKEN_KEYDIR"

static struct token_keyset ks;
static const struct token_policy citizen = {
	.issuer = ISS,
	.audience = AUD,
	.min_loa = TOKEN_LOA_SUBSTANTIAL,
	.want_cpr = true,
	.max_lifetime = 3600,
};

/* ---- the dev keys: made once, by the runner, before the test processes ---- */

static char made_dir[64];

static void rm_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Criterion re-executes the binary for each test; the environment carries
 * the directory the runner made to its children. */
static void __attribute__((constructor)) keys_make(void)
{
	char err[256];

	if (getenv(DIR_ENV) != NULL)
		return;
	strcpy(made_dir, "/tmp/kp-token-test-XXXXXX");
	if (mkdtemp(made_dir) == NULL || token_dev_keygen(made_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "test_token: dev keys: %s\n", err);
		made_dir[0] = '\0';
		return;
	}
	setenv(DIR_ENV, made_dir, 1);
}

static void __attribute__((destructor)) keys_remove(void)
{
	if (made_dir[0] != '\0')
		rm_dir(made_dir);
}

static const char *keydir(void)
{
	const char *d = getenv(DIR_ENV);

	cr_assert_not_null(d, "no dev key directory");
	return d;
}

static void load_keys(void)
{
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/jwks.json", keydir());
	cr_assert_eq(token_keyset_load(&ks, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ks.n, 2);
}

static void unload_keys(void)
{
	token_keyset_free(&ks);
}

TestSuite(token, .init = load_keys, .fini = unload_keys);
TestSuite(jwks);
TestSuite(dev);
TestSuite(loa);

/* ---- helpers ---- */

static const struct token_key *key_of(enum token_alg alg)
{
	size_t i;

	for (i = 0; i < ks.n; i++)
		if (ks.keys[i].alg == alg)
			return &ks.keys[i];
	cr_assert_fail("no key of alg %d", (int)alg);
	return NULL;
}

/* Claims a citizen pool accepts at NOW. */
static json_t *claims(void)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}",
	                      "iss", ISS, "aud", AUD, "sub", "citizen-1", "jti", "jti-1",
	                      "iat", (json_int_t)NOW - 10, "exp", (json_int_t)NOW + 300,
	                      "loa", "https://data.gov.dk/concept/core/nsis/Substantial",
	                      "dk.cpr", CPR, "name", "Karen Jensen");

	cr_assert_not_null(c);
	return c;
}

/* Signs c (stolen) with the dev key of alg. The caller frees the token. */
static char *sign(enum token_alg alg, json_t *c)
{
	char err[256], *json = json_dumps(c, JSON_COMPACT), *tok;

	cr_assert_not_null(json);
	tok = token_dev_sign(keydir(), alg, json, err, sizeof(err));
	cr_assert_not_null(tok, "%s", err);
	free(json);
	json_decref(c);
	return tok;
}

static enum kp_err verify_pol(const struct token_policy *pol, const char *tok,
                              struct token_claims *out, const char **why)
{
	return token_verify(&ks, pol, tok, strlen(tok), NOW, out, why);
}

/* Asserts that tok is refused with KP_EAUTH for reason, and a zeroed *out. */
static void assert_refused(const char *tok, const char *reason)
{
	static const struct token_claims zero;
	struct token_claims out;
	const char *why = NULL;

	memset(&out, 0xa5, sizeof(out));
	cr_assert_eq(verify_pol(&citizen, tok, &out, &why), KP_EAUTH, "accepted: %s", tok);
	cr_assert_not_null(why);
	cr_assert_str_eq(why, reason);
	cr_assert_eq(memcmp(&out, &zero, sizeof(out)), 0, "claims not zeroed on refusal");
}

static void assert_accepted(const char *tok)
{
	struct token_claims out;
	const char *why = NULL;

	cr_assert_eq(verify_pol(&citizen, tok, &out, &why), KP_OK, "refused: %s", why);
}

/* Signs claims c (stolen) and asserts it is refused for reason, or accepted
 * when reason is NULL. */
static void expect(json_t *c, const char *reason)
{
	char *tok = sign(TOKEN_ALG_ES256, c);

	if (reason == NULL)
		assert_accepted(tok);
	else
		assert_refused(tok, reason);
	free(tok);
}

static char *b64(const void *p, size_t n)
{
	char *s = malloc(KP_B64URL_LEN(n) + 1);

	cr_assert_not_null(s);
	cr_assert(kp_b64url_encode(p, n, s, KP_B64URL_LEN(n) + 1) > 0 || n == 0);
	return s;
}

/* "b64(header).b64(payload)", the JWS signing input. */
static char *signing_input(const char *header, const char *payload)
{
	char *h = b64(header, strlen(header)), *p = b64(payload, strlen(payload));
	char *s = malloc(strlen(h) + strlen(p) + 2);

	cr_assert_not_null(s);
	sprintf(s, "%s.%s", h, p);
	free(h);
	free(p);
	return s;
}

/* input "." b64(sig); input is freed. */
static char *with_sig(char *input, const uint8_t *sig, size_t n)
{
	char *s = b64(sig, n), *tok = malloc(strlen(input) + strlen(s) + 2);

	cr_assert_not_null(tok);
	sprintf(tok, "%s.%s", input, s);
	free(s);
	free(input);
	return tok;
}

static int test_rng(void *r, unsigned char *buf, size_t n)
{
	return rng_bytes(r, buf, n);
}

static void load_private(mbedtls_pk_context *pk, enum token_alg alg)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", keydir(),
	         alg == TOKEN_ALG_ES256 ? "es256.pem" : "rs256.pem");
	mbedtls_pk_init(pk);
	cr_assert_eq(mbedtls_pk_parse_keyfile(pk, path, NULL), 0);
}

/* A token over header and payload, signed as a broker outside libjwt would:
 * ES256 as raw R||S (64 bytes), RS256 as PKCS#1 v1.5. */
static char *forge(enum token_alg key, const char *header, const char *payload)
{
	char *input = signing_input(header, payload);
	uint8_t hash[32], sig[512];
	size_t n = 0;
	mbedtls_pk_context pk;
	struct rng *r = rng_new("test");

	cr_assert_not_null(r);
	load_private(&pk, key);
	mbedtls_sha256_ret((const unsigned char *)input, strlen(input), hash, 0);
	if (key == TOKEN_ALG_ES256) {
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
		mbedtls_mpi r_, s_;

		mbedtls_mpi_init(&r_);
		mbedtls_mpi_init(&s_);
		cr_assert_eq(mbedtls_ecdsa_sign(&ec->grp, &r_, &s_, &ec->d, hash, 32, test_rng, r), 0);
		cr_assert_eq(mbedtls_mpi_write_binary(&r_, sig, 32), 0);
		cr_assert_eq(mbedtls_mpi_write_binary(&s_, sig + 32, 32), 0);
		mbedtls_mpi_free(&r_);
		mbedtls_mpi_free(&s_);
		n = 64;
	} else {
		cr_assert_eq(mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, 32, sig, &n, test_rng, r), 0);
	}
	mbedtls_pk_free(&pk);
	rng_free(r);
	return with_sig(input, sig, n);
}

static char *payload(json_t *c)
{
	char *s = json_dumps(c, JSON_COMPACT);

	cr_assert_not_null(s);
	json_decref(c);
	return s;
}

/* Forges with the ES256 key under header, over the default claims. */
static char *forge_es256(const char *header)
{
	char *p = payload(claims()), *tok = forge(TOKEN_ALG_ES256, header, p);

	free(p);
	return tok;
}

/* ---- tokens that verify ---- */

Test(token, es256_dev_token_verifies_and_copies_claims)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	struct token_claims out;
	const char *why = NULL;

	cr_assert_eq(verify_pol(&citizen, tok, &out, &why), KP_OK, "%s", why);
	cr_assert_str_eq(out.sub, "citizen-1");
	cr_assert_str_eq(out.jti, "jti-1");
	cr_assert_str_eq(out.iss, ISS);
	cr_assert_str_eq(out.cpr, CPR);
	cr_assert_str_eq(out.name, "Karen Jensen");
	cr_assert_str_eq(out.role, "");
	cr_assert_eq(out.loa, TOKEN_LOA_SUBSTANTIAL);
	cr_assert_eq(out.exp, (long long)NOW + 300);
	cr_assert_eq(out.iat, (long long)NOW - 10);
	cr_assert_eq(out.nbf, 0);
	free(tok);
}

Test(token, rs256_dev_token_verifies)
{
	char *tok = sign(TOKEN_ALG_RS256, claims());

	assert_accepted(tok);
	free(tok);
}

Test(token, es256_token_signed_outside_libjwt_as_raw_r_s_verifies)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"dev-es256\"}");

	assert_accepted(tok);
	free(tok);
}

Test(token, rs256_token_signed_outside_libjwt_verifies)
{
	char *p = payload(claims());
	char *tok = forge(TOKEN_ALG_RS256, "{\"alg\":\"RS256\",\"kid\":\"dev-rs256\"}", p);

	assert_accepted(tok);
	free(tok);
	free(p);
}

Test(token, token_without_kid_is_tried_with_each_key_of_its_alg)
{
	char *tok = forge_es256("{\"alg\":\"ES256\"}");

	assert_accepted(tok);
	free(tok);
}

Test(token, not_wanting_cpr_leaves_cpr_empty)
{
	struct token_policy pol = citizen;
	struct token_claims out;
	const char *why = NULL;
	char *tok = sign(TOKEN_ALG_ES256, claims());

	pol.want_cpr = false;
	cr_assert_eq(verify_pol(&pol, tok, &out, &why), KP_OK, "%s", why);
	cr_assert_str_eq(out.cpr, "");
	free(tok);
}

Test(token, claim_names_come_from_the_policy)
{
	struct token_policy pol = citizen;
	struct token_claims out;
	const char *why = NULL;
	json_t *c = claims();
	char *tok;

	json_object_del(c, "loa");
	json_object_del(c, "dk.cpr");
	json_object_set_new(c, "acr", json_string("High"));
	json_object_set_new(c, "cpr", json_string(CPR));
	json_object_set_new(c, "roles", json_string("caseworker"));
	tok = sign(TOKEN_ALG_ES256, c);
	pol.loa_claim = "acr";
	pol.cpr_claim = "cpr";
	pol.role_claim = "roles";
	cr_assert_eq(verify_pol(&pol, tok, &out, &why), KP_OK, "%s", why);
	cr_assert_eq(out.loa, TOKEN_LOA_HIGH);
	cr_assert_str_eq(out.cpr, CPR);
	cr_assert_str_eq(out.role, "caseworker");
	free(tok);
}

/* ---- time ---- */

Test(token, expired_beyond_skew_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "exp", json_integer(NOW - TOKEN_SKEW - 1));
	json_object_set_new(c, "iat", json_integer(NOW - 600));
	expect(c, "expired");
}

Test(token, expired_within_skew_is_accepted)
{
	json_t *c = claims();

	json_object_set_new(c, "exp", json_integer(NOW - TOKEN_SKEW));
	json_object_set_new(c, "iat", json_integer(NOW - 600));
	expect(c, NULL);
}

Test(token, nbf_beyond_skew_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "nbf", json_integer(NOW + TOKEN_SKEW + 1));
	expect(c, "not yet valid");
}

Test(token, nbf_within_skew_is_accepted)
{
	json_t *c = claims();

	json_object_set_new(c, "nbf", json_integer(NOW + TOKEN_SKEW));
	expect(c, NULL);
}

Test(token, nbf_as_string_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "nbf", json_string("0"));
	expect(c, "exp/iat/nbf not integers");
}

Test(token, iat_in_the_future_beyond_skew_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "iat", json_integer(NOW + TOKEN_SKEW + 1));
	json_object_set_new(c, "exp", json_integer(NOW + 600));
	expect(c, "iat in the future");
}

Test(token, exp_as_string_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "exp", json_string("1700000300"));
	expect(c, "exp/iat/nbf not integers");
}

Test(token, exp_as_float_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "exp", json_real((double)NOW + 300));
	expect(c, "exp/iat/nbf not integers");
}

Test(token, missing_exp_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "exp");
	expect(c, "exp/iat/nbf not integers");
}

Test(token, missing_iat_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "iat");
	expect(c, "exp/iat/nbf not integers");
}

Test(token, lifetime_over_the_cap_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "iat", json_integer(NOW - 10));
	json_object_set_new(c, "exp", json_integer(NOW - 10 + citizen.max_lifetime + 1));
	expect(c, "lifetime over the cap");
}

Test(token, exp_not_after_iat_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "iat", json_integer(NOW));
	json_object_set_new(c, "exp", json_integer(NOW));
	expect(c, "exp not after iat");
}

Test(token, huge_exp_and_negative_iat_are_refused_without_overflow)
{
	json_t *c = claims();

	json_object_set_new(c, "exp", json_integer(INT64_MAX));
	json_object_set_new(c, "iat", json_integer(INT64_MIN));
	expect(c, "iat negative");
}

Test(token, huge_exp_is_refused_as_over_the_lifetime_cap)
{
	json_t *c = claims();

	json_object_set_new(c, "exp", json_integer(INT64_MAX));
	expect(c, "lifetime over the cap");
}

/* ---- subject, id, issuer, audience ---- */

Test(token, missing_jti_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "jti");
	expect(c, "jti missing or malformed");
}

Test(token, missing_sub_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "sub");
	expect(c, "sub missing or malformed");
}

Test(token, empty_sub_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "sub", json_string(""));
	expect(c, "sub missing or malformed");
}

Test(token, sub_as_number_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "sub", json_integer(42));
	expect(c, "sub missing or malformed");
}

Test(token, sub_over_255_bytes_is_refused)
{
	char s[257];
	json_t *c = claims();

	memset(s, 'a', 256);
	s[256] = '\0';
	json_object_set_new(c, "sub", json_string(s));
	expect(c, "sub missing or malformed");
}

Test(token, sub_with_a_control_character_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "sub", json_string("citizen\n1"));
	expect(c, "sub missing or malformed");
}

Test(token, name_too_long_is_refused)
{
	char s[300];
	json_t *c = claims();

	memset(s, 'n', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	json_object_set_new(c, "name", json_string(s));
	expect(c, "name malformed");
}

Test(token, wrong_iss_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "iss", json_string(ISS "/other"));
	expect(c, "iss wrong");
}

Test(token, iss_differing_in_case_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "iss", json_string("https://BROKER.example/citizen"));
	expect(c, "iss wrong");
}

Test(token, wrong_aud_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "aud", json_string("kaptajn-staff"));
	expect(c, "aud wrong");
}

Test(token, aud_array_without_ours_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "aud", json_pack("[s, s]", "kaptajn-staff", "other"));
	expect(c, "aud wrong");
}

Test(token, aud_array_with_ours_is_accepted)
{
	json_t *c = claims();

	json_object_set_new(c, "aud", json_pack("[s, s]", "other", AUD));
	expect(c, NULL);
}

Test(token, missing_aud_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "aud");
	expect(c, "aud wrong");
}

Test(token, claim_given_twice_is_refused)
{
	char *tok = forge(TOKEN_ALG_ES256, "{\"alg\":\"ES256\"}",
	                  "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"first\","
	                  "\"sub\":\"second\",\"jti\":\"j\",\"iat\":1699999990,"
	                  "\"exp\":1700000300,\"loa\":\"High\",\"dk.cpr\":\"" CPR "\"}");

	assert_refused(tok, "payload not a JSON object, or a claim twice");
	free(tok);
}

/* ---- level of assurance and CPR ---- */

Test(token, loa_low_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "loa", json_string("https://data.gov.dk/concept/core/nsis/Low"));
	expect(c, "loa too low or missing");
}

Test(token, loa_high_is_accepted)
{
	json_t *c = claims();

	json_object_set_new(c, "loa", json_string("https://data.gov.dk/concept/core/nsis/High"));
	expect(c, NULL);
}

Test(token, loa_missing_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "loa");
	expect(c, "loa too low or missing");
}

Test(token, loa_missing_is_refused_even_when_the_policy_asks_for_none)
{
	struct token_policy pol = citizen;
	struct token_claims out;
	const char *why = NULL;
	json_t *c = claims();
	char *tok;

	json_object_del(c, "loa");
	tok = sign(TOKEN_ALG_ES256, c);
	pol.min_loa = TOKEN_LOA_NONE;
	cr_assert_eq(verify_pol(&pol, tok, &out, &why), KP_EAUTH);
	free(tok);
}

Test(token, loa_in_other_case_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "loa", json_string("https://data.gov.dk/concept/core/nsis/substantial"));
	expect(c, "loa too low or missing");
}

Test(token, cpr_missing_when_wanted_is_refused)
{
	json_t *c = claims();

	json_object_del(c, "dk.cpr");
	expect(c, "cpr missing or malformed");
}

Test(token, cpr_malformed_when_wanted_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "dk.cpr", json_string("3213901234"));
	expect(c, "cpr missing or malformed");
}

Test(token, cpr_with_dash_when_wanted_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "dk.cpr", json_string("010190-1234"));
	expect(c, "cpr missing or malformed");
}

Test(token, cpr_as_number_when_wanted_is_refused)
{
	json_t *c = claims();

	json_object_set_new(c, "dk.cpr", json_integer(1010901234));
	expect(c, "cpr missing or malformed");
}

/* ---- headers and algorithms ---- */

Test(token, crit_header_is_refused)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1}");

	assert_refused(tok, "header has crit");
	free(tok);
}

Test(token, typ_other_than_jwt_is_refused)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}");

	assert_refused(tok, "header typ not JWT");
	free(tok);
}

Test(token, duplicate_alg_in_header_is_refused)
{
	char *tok = forge_es256("{\"alg\":\"HS256\",\"alg\":\"ES256\"}");

	assert_refused(tok, "header not a JSON object, or a member twice");
	free(tok);
}

Test(token, header_that_is_not_an_object_is_refused)
{
	char *tok = forge_es256("[\"ES256\"]");

	assert_refused(tok, "header not a JSON object, or a member twice");
	free(tok);
}

Test(token, lowercase_es256_alg_is_refused)
{
	char *tok = forge_es256("{\"alg\":\"es256\"}");

	assert_refused(tok, "header alg not allowed");
	free(tok);
}

Test(token, alg_none_with_empty_signature_is_refused)
{
	char *p = payload(claims());
	char *input = signing_input("{\"alg\":\"none\"}", p);
	char *tok = malloc(strlen(input) + 2);

	sprintf(tok, "%s.", input);
	assert_refused(tok, "token not three base64url segments");
	free(tok);
	free(input);
	free(p);
}

Test(token, alg_none_with_a_signature_is_refused)
{
	char *p = payload(claims());
	uint8_t sig[64] = {1};
	char *tok = with_sig(signing_input("{\"alg\":\"none\"}", p), sig, sizeof(sig));

	assert_refused(tok, "header alg not allowed");
	free(tok);
	free(p);
}

/* The HMAC key an attacker would use: the exact PEM our keyset hands libjwt. */
static char *hs256_with_public_pem(const struct token_key *k)
{
	char *p = payload(claims());
	char *input = signing_input("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", p);
	uint8_t mac[32];

	cr_assert_eq(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
	                             (const unsigned char *)k->pem, k->pem_len,
	                             (const unsigned char *)input, strlen(input), mac), 0);
	free(p);
	return with_sig(input, mac, sizeof(mac));
}

/* Why token_verify checks alg itself: libjwt alone accepts the forgery. */
Test(token, libjwt_alone_accepts_hs256_signed_with_the_public_pem)
{
	const struct token_key *k = key_of(TOKEN_ALG_ES256);
	char *tok = hs256_with_public_pem(k);
	jwt_t *jwt = NULL;

	cr_assert_eq(jwt_decode(&jwt, tok, (const unsigned char *)k->pem, (int)k->pem_len), 0);
	cr_assert_eq(jwt_get_alg(jwt), JWT_ALG_HS256);
	jwt_free(jwt);
	free(tok);
}

Test(token, hs256_signed_with_the_es256_public_pem_is_refused)
{
	char *tok = hs256_with_public_pem(key_of(TOKEN_ALG_ES256));

	assert_refused(tok, "header alg not allowed");
	free(tok);
}

Test(token, hs256_signed_with_the_rs256_public_pem_is_refused)
{
	char *tok = hs256_with_public_pem(key_of(TOKEN_ALG_RS256));

	assert_refused(tok, "header alg not allowed");
	free(tok);
}

Test(token, kid_that_looks_like_a_path_is_only_compared_as_a_string)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"kid\":\"../../etc/passwd\"}");

	/* No key has that kid, so each ES256 key is tried: the signature decides. */
	assert_accepted(tok);
	free(tok);
}

Test(token, kid_that_looks_like_a_path_with_a_bad_signature_is_refused)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"kid\":\"../../etc/passwd\"}");

	tok[strlen(tok) - 5] = tok[strlen(tok) - 5] == 'A' ? 'B' : 'A';
	/* No key has that kid: the reason says so, so that the caller may
	 * fetch the broker's keys again and try once more. */
	assert_refused(tok, token_why_unknown_kid);
	free(tok);
}

/* The reason for an ES256 token with header, its signature broken. */
static const char *broken_sig_why(const char *header)
{
	char *tok = forge_es256(header);
	struct token_claims out;
	const char *why = NULL;

	tok[strlen(tok) - 5] = tok[strlen(tok) - 5] == 'A' ? 'B' : 'A';
	cr_assert_eq(verify_pol(&citizen, tok, &out, &why), KP_EAUTH);
	free(tok);
	return why;
}

Test(token, unknown_kid_is_told_apart_by_the_reasons_pointer)
{
	cr_assert_eq(broken_sig_why("{\"alg\":\"ES256\",\"kid\":\"rolled-2031\"}"),
	             token_why_unknown_kid);
}

Test(token, known_kid_with_a_bad_signature_is_not_an_unknown_kid)
{
	const char *why = broken_sig_why("{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}");

	cr_assert_neq(why, token_why_unknown_kid);
	cr_assert_str_eq(why, "bad signature");
}

Test(token, kid_of_the_rs256_key_on_an_es256_token_still_needs_an_es256_signature)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"kid\":\"dev-rs256\"}");

	assert_accepted(tok);
	free(tok);
}

Test(token, kid_as_number_is_refused)
{
	char *tok = forge_es256("{\"alg\":\"ES256\",\"kid\":7}");

	assert_refused(tok, "header kid not a string");
	free(tok);
}

Test(token, tampered_payload_with_the_signature_kept_is_refused)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	char *d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');
	json_t *c = claims();
	char *p, *forged, *input;

	json_object_set_new(c, "sub", json_string("citizen-2"));
	p = payload(c);
	input = signing_input("{}", p);
	/* Our header and signature around the other payload. */
	forged = malloc(strlen(tok) + strlen(input) + 1);
	sprintf(forged, "%.*s%s%s", (int)(d1 - tok), tok, strchr(input, '.'), d2);
	assert_refused(forged, "bad signature");
	free(forged);
	free(input);
	free(p);
	free(tok);
}

Test(token, rs256_signature_on_an_es256_header_is_refused)
{
	char *p = payload(claims());
	char *tok = forge(TOKEN_ALG_RS256, "{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}", p);

	assert_refused(tok, "bad signature");
	free(tok);
	free(p);
}

Test(token, es256_signature_on_an_rs256_header_is_refused)
{
	char *p = payload(claims());
	char *tok = forge(TOKEN_ALG_ES256, "{\"alg\":\"RS256\",\"kid\":\"dev-rs256\"}", p);

	assert_refused(tok, "bad signature");
	free(tok);
	free(p);
}

Test(token, token_signed_by_a_key_not_in_the_keyset_is_refused)
{
	char *p = payload(claims());
	char *input = signing_input("{\"alg\":\"ES256\"}", p);
	mbedtls_ecp_keypair other;
	mbedtls_mpi r_, s_;
	uint8_t hash[32], sig[64];
	struct rng *r = rng_new("test");
	char *tok;

	mbedtls_ecp_keypair_init(&other);
	mbedtls_mpi_init(&r_);
	mbedtls_mpi_init(&s_);
	cr_assert_eq(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &other, test_rng, r), 0);
	mbedtls_sha256_ret((const unsigned char *)input, strlen(input), hash, 0);
	cr_assert_eq(mbedtls_ecdsa_sign(&other.grp, &r_, &s_, &other.d, hash, 32, test_rng, r), 0);
	mbedtls_mpi_write_binary(&r_, sig, 32);
	mbedtls_mpi_write_binary(&s_, sig + 32, 32);
	tok = with_sig(input, sig, sizeof(sig));
	assert_refused(tok, "bad signature");
	free(tok);
	free(p);
	mbedtls_mpi_free(&r_);
	mbedtls_mpi_free(&s_);
	mbedtls_ecp_keypair_free(&other);
	rng_free(r);
}

/* ---- shape, before any decoding ---- */

Test(token, token_over_the_length_cap_is_refused)
{
	char *tok = malloc(TOKEN_MAX_LEN + 2);
	struct token_claims out;
	const char *why = NULL;

	memset(tok, 'A', TOKEN_MAX_LEN + 1);
	tok[10] = '.';
	tok[20] = '.';
	tok[TOKEN_MAX_LEN + 1] = '\0';
	cr_assert_eq(token_verify(&ks, &citizen, tok, TOKEN_MAX_LEN + 1, NOW, &out, &why), KP_EAUTH);
	cr_assert_str_eq(why, "token empty or too long");
	free(tok);
}

Test(token, huge_token_is_refused_without_crashing)
{
	size_t n = 16u << 20;
	char *tok = malloc(n + 1);
	struct token_claims out;
	const char *why = NULL;

	/* The header is the part libjwt 1.10 decodes on the stack. */
	memset(tok, 'A', n);
	tok[n - 200] = '.';
	tok[n - 100] = '.';
	tok[n] = '\0';
	cr_assert_eq(token_verify(&ks, &citizen, tok, n, NOW, &out, &why), KP_EAUTH);
	free(tok);
}

Test(token, token_with_a_space_is_refused)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());

	tok[5] = ' ';
	assert_refused(tok, "token not three base64url segments");
	free(tok);
}

/* libjwt's base64 decoder skips what is not base64: one signed token has
 * many spellings unless the alphabet is checked first. */
static char *with_stray_char_in_signature(char c)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	size_t at = (size_t)(strrchr(tok, '.') - tok) + 5;
	char *t = malloc(strlen(tok) + 2);

	memcpy(t, tok, at);
	t[at] = c;
	strcpy(t + at + 1, tok + at);
	free(tok);
	return t;
}

Test(token, libjwt_alone_accepts_a_stray_character_in_the_signature)
{
	const struct token_key *k = key_of(TOKEN_ALG_ES256);
	char *tok = with_stray_char_in_signature('!');
	jwt_t *jwt = NULL;

	cr_assert_eq(jwt_decode(&jwt, tok, (const unsigned char *)k->pem, (int)k->pem_len), 0);
	jwt_free(jwt);
	free(tok);
}

Test(token, stray_character_in_the_signature_is_refused)
{
	char *tok = with_stray_char_in_signature('!');

	assert_refused(tok, "token not three base64url segments");
	free(tok);
}

Test(token, token_with_a_third_dot_is_refused)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	char *t = malloc(strlen(tok) + 3);

	sprintf(t, "%s.x", tok);
	assert_refused(t, "token not three base64url segments");
	free(t);
	free(tok);
}

Test(token, token_with_padding_is_refused)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	char *t = malloc(strlen(tok) + 3);

	sprintf(t, "%s==", tok);
	assert_refused(t, "token not three base64url segments");
	free(t);
	free(tok);
}

Test(token, token_with_an_empty_segment_is_refused)
{
	assert_refused("eyJhbGciOiJFUzI1NiJ9..AAAA", "token not three base64url segments");
	assert_refused(".eyJhbGciOiJFUzI1NiJ9.AAAA", "token not three base64url segments");
}

Test(token, empty_token_is_refused)
{
	assert_refused("", "token empty or too long");
}

Test(token, token_with_a_nul_inside_its_length_is_refused)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	size_t len = strlen(tok);
	struct token_claims out;
	const char *why = NULL;

	tok[len / 2] = '\0';
	cr_assert_eq(token_verify(&ks, &citizen, tok, len, NOW, &out, &why), KP_EAUTH);
	free(tok);
}

Test(token, only_len_bytes_of_the_token_are_read)
{
	char *tok = sign(TOKEN_ALG_ES256, claims());
	size_t len = strlen(tok);
	char *t = malloc(len + 8);
	struct token_claims out;
	const char *why = NULL;

	memcpy(t, tok, len);
	memcpy(t + len, "garbage", 8);
	cr_assert_eq(token_verify(&ks, &citizen, t, len, NOW, &out, &why), KP_OK, "%s", why);
	free(t);
	free(tok);
}

Test(token, incomplete_policy_is_an_internal_error)
{
	struct token_policy pol = citizen;
	struct token_claims out;
	const char *why = NULL;
	char *tok = sign(TOKEN_ALG_ES256, claims());

	pol.audience = NULL;
	cr_assert_eq(verify_pol(&pol, tok, &out, &why), KP_EINTERNAL);
	free(tok);
}

Test(token, empty_keyset_is_an_internal_error)
{
	static const struct token_keyset none;
	struct token_claims out;
	const char *why = NULL;
	char *tok = sign(TOKEN_ALG_ES256, claims());

	cr_assert_eq(token_verify(&none, &citizen, tok, strlen(tok), NOW, &out, &why), KP_EINTERNAL);
	free(tok);
}

/* ---- what libjwt signs ---- */

Test(token, libjwt_es256_signatures_are_raw_r_s_of_64_bytes)
{
	const struct token_key *k = key_of(TOKEN_ALG_ES256);
	mbedtls_pk_context pub;
	int i;

	mbedtls_pk_init(&pub);
	cr_assert_eq(mbedtls_pk_parse_public_key(&pub, (const unsigned char *)k->pem, k->pem_len + 1), 0);
	/* Many signatures, so that some r or s has a leading zero byte. */
	for (i = 0; i < 64; i++) {
		char *tok = sign(TOKEN_ALG_ES256, claims());
		char *dot = strrchr(tok, '.');
		uint8_t sig[128], hash[32];
		size_t n = 0;
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pub);
		mbedtls_mpi r_, s_;

		cr_assert_eq(kp_b64url_decode(dot + 1, strlen(dot + 1), sig, sizeof(sig), &n), 0);
		cr_assert_eq(n, 64, "signature of %zu bytes", n);
		mbedtls_sha256_ret((const unsigned char *)tok, (size_t)(dot - tok), hash, 0);
		mbedtls_mpi_init(&r_);
		mbedtls_mpi_init(&s_);
		mbedtls_mpi_read_binary(&r_, sig, 32);
		mbedtls_mpi_read_binary(&s_, sig + 32, 32);
		cr_assert_eq(mbedtls_ecdsa_verify(&ec->grp, hash, 32, &ec->Q, &r_, &s_), 0);
		mbedtls_mpi_free(&r_);
		mbedtls_mpi_free(&s_);
		free(tok);
	}
	mbedtls_pk_free(&pub);
}

Test(token, dev_tokens_carry_kid_and_typ_headers)
{
	char *tok = sign(TOKEN_ALG_RS256, claims());
	uint8_t h[256];
	size_t n = 0;
	json_t *hdr;

	cr_assert_eq(kp_b64url_decode(tok, (size_t)(strchr(tok, '.') - tok), h, sizeof(h), &n), 0);
	hdr = json_loadb((const char *)h, n, 0, NULL);
	cr_assert_not_null(hdr);
	cr_assert_str_eq(json_string_value(json_object_get(hdr, "kid")), "dev-rs256");
	cr_assert_str_eq(json_string_value(json_object_get(hdr, "alg")), "RS256");
	cr_assert_str_eq(json_string_value(json_object_get(hdr, "typ")), "JWT");
	json_decref(hdr);
	free(tok);
}

/* ---- JWKS files ---- */

static char jwks_dir[64];

static void jwks_dir_make(void)
{
	strcpy(jwks_dir, "/tmp/kp-jwks-test-XXXXXX");
	cr_assert_not_null(mkdtemp(jwks_dir));
}

/* Loads text as a JWKS file; returns token_keyset_load's result. */
static int load_text(const char *text, struct token_keyset *out, char *err, size_t errlen)
{
	char path[128];
	FILE *f;
	int rc;

	jwks_dir_make();
	snprintf(path, sizeof(path), "%s/jwks.json", jwks_dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	rc = token_keyset_load(out, path, err, errlen);
	rm_dir(jwks_dir);
	return rc;
}

/* Asserts that the JWKS text is refused with reason in the error. */
static void assert_jwks_refused(const char *text, const char *reason)
{
	struct token_keyset k;
	char err[256] = "";

	memset(&k, 0xa5, sizeof(k));
	cr_assert_eq(load_text(text, &k, err, sizeof(err)), -1, "loaded: %s", text);
	cr_assert_neq(err[0], '\0');
	cr_assert_not_null(strstr(err, reason), "error \"%s\" lacks \"%s\"", err, reason);
	cr_assert_eq(k.n, 0);
	token_keyset_free(&k);
}

/* The dev JWKS's EC key with one member replaced. */
static char *dev_ec_jwk_with(const char *member, json_t *value)
{
	char path[512];
	json_t *root, *key;
	char *s;

	snprintf(path, sizeof(path), "%s/jwks.json", keydir());
	root = json_load_file(path, 0, NULL);
	cr_assert_not_null(root);
	key = json_array_get(json_object_get(root, "keys"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(key, "kty")), "EC");
	json_array_remove(json_object_get(root, "keys"), 1);
	if (value != NULL)
		json_object_set_new(key, member, value);
	else
		json_object_del(key, member);
	s = json_dumps(root, 0);
	json_decref(root);
	return s;
}

Test(jwks, empty_file_is_refused)
{
	assert_jwks_refused("", "");
}

Test(jwks, empty_key_list_is_refused)
{
	assert_jwks_refused("{\"keys\":[]}", "no keys");
}

Test(jwks, missing_file_is_refused)
{
	struct token_keyset k;
	char err[256];

	cr_assert_eq(token_keyset_load(&k, "/nonexistent/jwks.json", err, sizeof(err)), -1);
	cr_assert_eq(k.n, 0);
}

Test(jwks, only_an_unsupported_key_is_refused)
{
	assert_jwks_refused("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"alg\":\"HS256\"}]}", "unsupported kty");
}

Test(jwks, only_an_ed25519_key_is_refused)
{
	assert_jwks_refused("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	                    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}", "unsupported kty");
}

Test(jwks, ec_point_not_on_the_curve_is_refused)
{
	char path[512];
	json_t *root, *key;
	uint8_t y[32];
	size_t n = 0;
	char yb[64], *text;

	snprintf(path, sizeof(path), "%s/jwks.json", keydir());
	root = json_load_file(path, 0, NULL);
	key = json_array_get(json_object_get(root, "keys"), 0);
	cr_assert_eq(kp_b64url_decode(json_string_value(json_object_get(key, "y")), 43, y, 32, &n), 0);
	y[31] ^= 1;
	kp_b64url_encode(y, 32, yb, sizeof(yb));
	json_decref(root);
	text = dev_ec_jwk_with("y", json_string(yb));
	assert_jwks_refused(text, "EC point not on the curve");
	free(text);
}

Test(jwks, ec_key_on_another_curve_is_refused)
{
	char *text = dev_ec_jwk_with("crv", json_string("P-384"));

	assert_jwks_refused(text, "EC key not on P-256");
	free(text);
}

Test(jwks, ec_key_with_short_x_is_refused)
{
	char *text = dev_ec_jwk_with("x", json_string("AAAA"));

	assert_jwks_refused(text, "EC key x/y not 32 bytes");
	free(text);
}

Test(jwks, ec_key_whose_alg_disagrees_is_refused)
{
	char *text = dev_ec_jwk_with("alg", json_string("RS256"));

	assert_jwks_refused(text, "key alg not ES256");
	free(text);
}

Test(jwks, ec_key_for_encryption_is_refused)
{
	char *text = dev_ec_jwk_with("use", json_string("enc"));

	assert_jwks_refused(text, "key use is not sig");
	free(text);
}

Test(jwks, ec_key_with_over_long_kid_is_refused)
{
	char kid[200], *text;

	memset(kid, 'k', sizeof(kid) - 1);
	kid[sizeof(kid) - 1] = '\0';
	text = dev_ec_jwk_with("kid", json_string(kid));
	assert_jwks_refused(text, "kid not a string of at most 127 bytes");
	free(text);
}

Test(jwks, ec_key_without_alg_use_or_kid_is_loaded)
{
	struct token_keyset k;
	char err[256], *text = dev_ec_jwk_with("alg", NULL);
	json_t *root = json_loads(text, 0, NULL);
	json_t *key = json_array_get(json_object_get(root, "keys"), 0);

	json_object_del(key, "use");
	json_object_del(key, "kid");
	free(text);
	text = json_dumps(root, 0);
	json_decref(root);
	cr_assert_eq(load_text(text, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.n, 1);
	cr_assert_eq(k.keys[0].alg, TOKEN_ALG_ES256);
	cr_assert_str_eq(k.keys[0].kid, "");
	token_keyset_free(&k);
	free(text);
}

Test(jwks, rsa_key_under_2048_bits_is_refused)
{
	/* A 1024-bit modulus (any odd 128-byte number will do for the size). */
	uint8_t n[128];
	char nb[200], text[600];

	memset(n, 0xc3, sizeof(n));
	kp_b64url_encode(n, sizeof(n), nb, sizeof(nb));
	snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"AQAB\"}]}", nb);
	assert_jwks_refused(text, "RSA key under 2048 bits");
}

Test(jwks, unsupported_key_next_to_a_good_one_is_skipped)
{
	struct token_keyset k;
	char err[256], *text = dev_ec_jwk_with("kid", json_string("good"));
	json_t *root = json_loads(text, 0, NULL);

	json_array_insert_new(json_object_get(root, "keys"), 0,
	                      json_pack("{s:s, s:s}", "kty", "oct", "k", "c2VjcmV0"));
	free(text);
	text = json_dumps(root, 0);
	json_decref(root);
	cr_assert_eq(load_text(text, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.n, 1);
	cr_assert_eq(k.skipped, 1);
	cr_assert_str_eq(k.keys[0].kid, "good");
	cr_assert_neq(err[0], '\0', "the skip is reported for the log");
	token_keyset_free(&k);
	free(text);
}

Test(jwks, more_usable_keys_than_the_keyset_holds_is_refused)
{
	char *text = dev_ec_jwk_with("kid", json_string("k"));
	json_t *root = json_loads(text, 0, NULL), *keys = json_object_get(root, "keys");
	int i;

	for (i = 0; i < TOKEN_MAX_KEYS; i++)
		json_array_append_new(keys, json_deep_copy(json_array_get(keys, 0)));
	free(text);
	text = json_dumps(root, 0);
	json_decref(root);
	assert_jwks_refused(text, "more than");
	free(text);
}

Test(jwks, duplicate_member_is_refused)
{
	assert_jwks_refused("{\"keys\":[],\"keys\":[]}", "duplicate");
}

Test(jwks, dev_jwks_pems_are_public_keys)
{
	struct token_keyset k;
	char path[512], err[256];
	size_t i;

	snprintf(path, sizeof(path), "%s/jwks.json", keydir());
	cr_assert_eq(token_keyset_load(&k, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.skipped, 0);
	for (i = 0; i < k.n; i++) {
		cr_assert_eq(strncmp(k.keys[i].pem, "-----BEGIN PUBLIC KEY-----", 26), 0);
		cr_assert_eq(k.keys[i].pem_len, strlen(k.keys[i].pem));
	}
	cr_assert_str_eq(k.keys[0].kid, "dev-es256");
	cr_assert_str_eq(k.keys[1].kid, "dev-rs256");
	token_keyset_free(&k);
}

/* ---- the dev identity provider ---- */

Test(dev, private_keys_are_mode_0600)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/es256.pem", keydir());
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/rs256.pem", keydir());
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
}

Test(dev, keygen_keeps_existing_keys)
{
	char path[512], err[256];
	struct stat before, after;

	snprintf(path, sizeof(path), "%s/es256.pem", keydir());
	cr_assert_eq(stat(path, &before), 0);
	cr_assert_eq(token_dev_keygen(keydir(), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(stat(path, &after), 0);
	cr_assert_eq(before.st_ino, after.st_ino);
	cr_assert_eq(before.st_mtime, after.st_mtime);
}

Test(dev, keygen_rebuilds_a_missing_jwks_from_the_keys)
{
	char src[512], dir[64], path[512], err[256], *a, *b;
	const char *names[] = {"es256.pem", "rs256.pem", "jwks.json"};
	FILE *f;
	long n;
	size_t i;

	strcpy(dir, "/tmp/kp-dev-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	/* Copy the keys and the JWKS, then drop the JWKS. */
	for (i = 0; i < 3; i++) {
		char buf[8192];
		size_t len;

		snprintf(src, sizeof(src), "%s/%s", keydir(), names[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(src, "r");
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		f = fopen(path, "w");
		fwrite(buf, 1, len, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/jwks.json", dir);
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	a = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(a, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	cr_assert_eq(token_dev_keygen(dir, err, sizeof(err)), 0, "%s", err);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	b = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	cr_assert_str_eq(a, b, "the JWKS matches the keys already there");
	free(a);
	free(b);
	rm_dir(dir);
}

Test(dev, sign_without_keys_fails)
{
	char err[256];

	cr_assert_null(token_dev_sign("/nonexistent", TOKEN_ALG_ES256, "{}", err, sizeof(err)));
	cr_assert_neq(err[0], '\0');
}

Test(dev, sign_with_claims_that_are_not_an_object_fails)
{
	char err[256];

	cr_assert_null(token_dev_sign(keydir(), TOKEN_ALG_ES256, "[1]", err, sizeof(err)));
	cr_assert_null(token_dev_sign(keydir(), TOKEN_ALG_ES256, "{", err, sizeof(err)));
}

/* ---- levels of assurance ---- */

Test(loa, uris_and_bare_words_parse)
{
	cr_assert_eq(token_loa_parse("https://data.gov.dk/concept/core/nsis/Low"), TOKEN_LOA_LOW);
	cr_assert_eq(token_loa_parse("https://data.gov.dk/concept/core/nsis/Substantial"),
	             TOKEN_LOA_SUBSTANTIAL);
	cr_assert_eq(token_loa_parse("https://data.gov.dk/concept/core/nsis/High"), TOKEN_LOA_HIGH);
	cr_assert_eq(token_loa_parse("Low"), TOKEN_LOA_LOW);
	cr_assert_eq(token_loa_parse("Substantial"), TOKEN_LOA_SUBSTANTIAL);
	cr_assert_eq(token_loa_parse("High"), TOKEN_LOA_HIGH);
}

Test(loa, unknown_values_are_none)
{
	cr_assert_eq(token_loa_parse(NULL), TOKEN_LOA_NONE);
	cr_assert_eq(token_loa_parse(""), TOKEN_LOA_NONE);
	cr_assert_eq(token_loa_parse("high"), TOKEN_LOA_NONE);
	cr_assert_eq(token_loa_parse("https://data.gov.dk/concept/core/nsis/"), TOKEN_LOA_NONE);
	cr_assert_eq(token_loa_parse("https://data.gov.dk/concept/core/nsis/Highest"), TOKEN_LOA_NONE);
	cr_assert_eq(token_loa_parse("http://data.gov.dk/concept/core/nsis/High"), TOKEN_LOA_NONE);
	cr_assert_eq(token_loa_parse("https://evil.example/High"), TOKEN_LOA_NONE);
}

Test(loa, uri_round_trips)
{
	int i;

	cr_assert_null(token_loa_uri(TOKEN_LOA_NONE));
	cr_assert_null(token_loa_uri(TOKEN_LOA__MAX));
	for (i = TOKEN_LOA_LOW; i < TOKEN_LOA__MAX; i++)
		cr_assert_eq((int)token_loa_parse(token_loa_uri((enum token_loa)i)), i);
}

/* ---- the code flow's checks (nonce, azp, at_hash, optional jti and loa) ---- */

#define NONCE "n-0S6_WzA2Mj"
#define ACCESS "SlAV32hkKG"

/* at_hash of an access token: the left half of its SHA-256, base64url. */
static void at_hash_of(const char *access, char out[23])
{
	uint8_t h[32];

	kp_sha256(access, strlen(access), h);
	cr_assert(kp_b64url_encode(h, 16, out, 23) > 0);
}

/* The claims of a code-flow ID token: nonce, azp, at_hash; no jti. */
static json_t *flow_claims(void)
{
	json_t *c = claims();
	char ah[23];

	at_hash_of(ACCESS, ah);
	json_object_del(c, "jti");
	json_object_set_new(c, "nonce", json_string(NONCE));
	json_object_set_new(c, "azp", json_string(AUD));
	json_object_set_new(c, "at_hash", json_string(ah));
	return c;
}

static const struct token_policy flow = {
	.issuer = ISS,
	.audience = AUD,
	.min_loa = TOKEN_LOA_SUBSTANTIAL,
	.want_cpr = true,
	.max_lifetime = 3600,
	.nonce = NONCE,
	.client_id = AUD,
	.access_token = ACCESS,
	.jti_optional = true,
};

/* Signs c (stolen) and verifies it under pol: the reason, or NULL when
 * accepted. */
static const char *flow_verdict(const struct token_policy *pol, json_t *c)
{
	char *tok = sign(TOKEN_ALG_ES256, c);
	struct token_claims out;
	const char *why = NULL;
	enum kp_err err = verify_pol(pol, tok, &out, &why);

	free(tok);
	return err == KP_OK ? NULL : why;
}

Test(token, code_flow_token_with_nonce_azp_and_at_hash_and_no_jti_is_accepted)
{
	cr_assert_null(flow_verdict(&flow, flow_claims()));
}

Test(token, code_flow_token_with_another_nonce_is_refused)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "nonce", json_string("n-another-attempt"));
	cr_assert_str_eq(flow_verdict(&flow, c), "nonce missing or wrong");
}

Test(token, code_flow_token_without_nonce_is_refused)
{
	json_t *c = flow_claims();

	json_object_del(c, "nonce");
	cr_assert_str_eq(flow_verdict(&flow, c), "nonce missing or wrong");
}

Test(token, code_flow_nonce_that_is_not_a_string_is_refused)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "nonce", json_pack("[s]", NONCE));
	cr_assert_str_eq(flow_verdict(&flow, c), "nonce missing or wrong");
}

Test(token, code_flow_nonce_with_a_trailing_byte_is_refused)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "nonce", json_string(NONCE "x"));
	cr_assert_str_eq(flow_verdict(&flow, c), "nonce missing or wrong");
}

Test(token, azp_of_another_client_is_refused)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "azp", json_string("someone-else"));
	cr_assert_str_eq(flow_verdict(&flow, c), "azp is another client");
}

Test(token, aud_array_of_several_without_azp_is_refused)
{
	json_t *c = flow_claims();

	json_object_del(c, "azp");
	json_object_set_new(c, "aud", json_pack("[s, s]", AUD, "someone-else"));
	cr_assert_str_eq(flow_verdict(&flow, c), "aud names several without azp");
}

Test(token, aud_array_of_several_with_our_azp_is_accepted)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "aud", json_pack("[s, s]", AUD, "someone-else"));
	cr_assert_null(flow_verdict(&flow, c));
}

Test(token, aud_array_of_ours_alone_needs_no_azp)
{
	json_t *c = flow_claims();

	json_object_del(c, "azp");
	json_object_set_new(c, "aud", json_pack("[s]", AUD));
	cr_assert_null(flow_verdict(&flow, c));
}

Test(token, at_hash_of_another_access_token_is_refused)
{
	json_t *c = flow_claims();
	char ah[23];

	at_hash_of("another-access-token", ah);
	json_object_set_new(c, "at_hash", json_string(ah));
	cr_assert_str_eq(flow_verdict(&flow, c), "at_hash does not match the access token");
}

Test(token, at_hash_that_is_not_a_string_is_refused)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "at_hash", json_integer(7));
	cr_assert_str_eq(flow_verdict(&flow, c), "at_hash does not match the access token");
}

Test(token, at_hash_absent_is_accepted)
{
	json_t *c = flow_claims();

	json_object_del(c, "at_hash");
	cr_assert_null(flow_verdict(&flow, c));
}

Test(token, missing_jti_is_refused_unless_jti_optional)
{
	struct token_policy pol = flow;

	pol.jti_optional = false;
	cr_assert_str_eq(flow_verdict(&pol, flow_claims()), "jti missing or malformed");
	cr_assert_null(flow_verdict(&flow, flow_claims()));
}

Test(token, malformed_jti_is_refused_also_when_jti_optional)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "jti", json_integer(5));
	cr_assert_str_eq(flow_verdict(&flow, c), "jti missing or malformed");
}

Test(token, no_loa_claim_is_accepted_only_with_loa_optional_and_min_loa_none)
{
	struct token_policy pol = flow;
	json_t *c = flow_claims();

	json_object_del(c, "loa");
	pol.want_cpr = false;
	pol.min_loa = TOKEN_LOA_NONE;
	pol.loa_optional = true;
	cr_assert_null(flow_verdict(&pol, json_deep_copy(c)));
	pol.loa_optional = false;
	cr_assert_str_eq(flow_verdict(&pol, json_deep_copy(c)), "loa too low or missing");
	pol.loa_optional = true;
	pol.min_loa = TOKEN_LOA_SUBSTANTIAL;
	cr_assert_str_eq(flow_verdict(&pol, c), "loa too low or missing");
}

Test(token, low_loa_is_refused_when_substantial_is_wanted_even_with_loa_optional)
{
	struct token_policy pol = flow;
	json_t *c = flow_claims();

	pol.loa_optional = true;
	json_object_set_new(c, "loa", json_string("https://data.gov.dk/concept/core/nsis/Low"));
	cr_assert_str_eq(flow_verdict(&pol, c), "loa too low or missing");
}

Test(token, absent_cpr_is_left_empty_with_cpr_optional_and_a_malformed_one_refused)
{
	struct token_policy pol = flow;
	struct token_claims out;
	const char *why = NULL;
	json_t *c = flow_claims();
	char *tok;

	pol.cpr_optional = true;
	json_object_del(c, "dk.cpr");
	tok = sign(TOKEN_ALG_ES256, json_deep_copy(c));
	cr_assert_eq(verify_pol(&pol, tok, &out, &why), KP_OK, "%s", why);
	cr_assert_str_eq(out.cpr, "");
	free(tok);
	cr_assert_str_eq(flow_verdict(&flow, json_deep_copy(c)), "cpr missing or malformed");
	json_object_set_new(c, "dk.cpr", json_string("3213901234"));
	cr_assert_str_eq(flow_verdict(&pol, c), "cpr missing or malformed");
}

Test(token, name_claim_names_the_claim_copied_as_name)
{
	struct token_policy pol = flow;
	struct token_claims out;
	const char *why = NULL;
	json_t *c = flow_claims();
	char *tok;

	pol.name_claim = "given_name";
	json_object_set_new(c, "given_name", json_string("Karen"));
	tok = sign(TOKEN_ALG_ES256, c);
	cr_assert_eq(verify_pol(&pol, tok, &out, &why), KP_OK, "%s", why);
	cr_assert_str_eq(out.name, "Karen");
	free(tok);
}

Test(token, policy_without_code_flow_fields_ignores_nonce_azp_and_at_hash)
{
	json_t *c = flow_claims();

	json_object_set_new(c, "jti", json_string("jti-9"));
	json_object_set_new(c, "azp", json_string("someone-else"));
	json_object_set_new(c, "nonce", json_string("whatever"));
	cr_assert_null(flow_verdict(&citizen, c));
}
