/* fuzz_token.c: the ID token check (token_verify in core/token.c, around
 * libjwt) with a fixed key set, the dev keys in tests/fuzz/keys/ (test keys
 * of this harness, used nowhere else), at a fixed time, under the citizen
 * or the staff pool's policy; and the JWKS loader (token_keyset_load).
 *
 * Input: one byte, then the rest. Its low two bits choose what the rest is:
 *   0  a token as a client sends it;
 *   1  the claims (a JSON object), signed with the dev key as the dev IdP
 *      signs them (token_dev_sign), so that the checks after the signature
 *      are reached: ES256, or RS256 when bit 3 is set;
 *   2  a header, a payload and a signature, separated by 0xFF bytes (which
 *      UTF-8 never holds), each base64url-encoded and joined by dots;
 *   3  a JWKS file: loaded, then used to check two valid tokens.
 * Bit 2 picks the staff policy instead of the citizen one.
 *
 * Properties: a refused token leaves the claims zeroed and says why; an
 * accepted one has a header of alg ES256 or RS256 without crit, the
 * policy's issuer and audience, integer times around the fixed now within
 * the skew and the lifetime cap, a level of assurance of at least
 * Substantial, a sub and a jti, and for a citizen a CPR of ten digits; no
 * token over TOKEN_MAX_LEN is ever accepted. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "crypto.h"
#include "fuzz.h"
#include "token.h"

#define NOW ((time_t)1700000000)
#define CITIZEN_ISS "https://dev-idp.kaptajn.invalid/citizen"
#define STAFF_ISS "https://dev-idp.kaptajn.invalid/staff"

static const char *keys_dir;
static struct token_keyset keyset;
static char jwks_tmp[4096];
static char *valid_tokens[TOKEN_ALG__MAX];
static bool say_why; /* KAPTAJN_FUZZ_WHY set: print each answer's reason */

/* The pools' policies, as fcgi/pool.c sets them. */
static const struct token_policy policies[2] = {
	{.issuer = CITIZEN_ISS, .audience = "kaptajn-citizen", .min_loa = TOKEN_LOA_SUBSTANTIAL,
	 .want_cpr = true, .max_lifetime = 3600},
	{.issuer = STAFF_ISS, .audience = "kaptajn-admin", .min_loa = TOKEN_LOA_SUBSTANTIAL,
	 .want_cpr = false, .max_lifetime = 3600},
};

static void remove_jwks_tmp(void)
{
	unlink(jwks_tmp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[4096], err[256];
	const char *tmp = getenv("TMPDIR");
	int fd, i;

	(void)argc;
	(void)argv;
	say_why = getenv("KAPTAJN_FUZZ_WHY") != NULL;
	keys_dir = getenv("KAPTAJN_FUZZ_KEYS") != NULL ? getenv("KAPTAJN_FUZZ_KEYS") : KP_FUZZ_KEYS;
	snprintf(path, sizeof(path), "%s/jwks.json", keys_dir);
	if (token_keyset_load(&keyset, path, err, sizeof(err)) != 0 || keyset.skipped != 0) {
		fprintf(stderr, "fuzz_token: %s\n", err);
		abort();
	}
	/* Mode 3 writes each JWKS to this file. */
	snprintf(jwks_tmp, sizeof(jwks_tmp), "%s/kaptajn-fuzz-jwks-XXXXXX",
	         tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if ((fd = mkstemp(jwks_tmp)) < 0) {
		perror("fuzz_token: mkstemp");
		abort();
	}
	close(fd);
	atexit(remove_jwks_tmp);
	/* Mode 3 checks these with the fuzzed key set. */
	for (i = 0; i < TOKEN_ALG__MAX; i++) {
		valid_tokens[i] = token_dev_sign(
			keys_dir, (enum token_alg)i,
			"{\"iss\":\"" CITIZEN_ISS "\",\"aud\":\"kaptajn-citizen\",\"sub\":\"anna\","
			"\"jti\":\"fuzz-1\",\"iat\":1699999990,\"exp\":1700000290,"
			"\"loa\":\"https://data.gov.dk/concept/core/nsis/Substantial\","
			"\"dk.cpr\":\"0101901234\",\"name\":\"Anna Jensen\"}",
			err, sizeof(err));
		if (valid_tokens[i] == NULL) {
			fprintf(stderr, "fuzz_token: %s\n", err);
			abort();
		}
	}
	return 0;
}

/* The decoded header of an accepted token: alg ES256 or RS256, no crit
 * (read apart from token.c, with jansson). */
static void check_header(const char *token, size_t len)
{
	uint8_t buf[TOKEN_MAX_LEN];
	const char *dot = memchr(token, '.', len);
	size_t n = 0;
	json_t *h, *alg;

	FUZZ_CHECK(dot != NULL);
	FUZZ_CHECK(kp_b64url_decode(token, (size_t)(dot - token), buf, sizeof(buf), &n) == 0);
	FUZZ_CHECK((h = json_loadb((const char *)buf, n, 0, NULL)) != NULL);
	alg = json_object_get(h, "alg");
	FUZZ_CHECK(json_is_string(alg));
	FUZZ_CHECK(strcmp(json_string_value(alg), "ES256") == 0 ||
	           strcmp(json_string_value(alg), "RS256") == 0);
	FUZZ_CHECK(json_object_get(h, "crit") == NULL);
	json_decref(h);
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i] != 0)
			return false;
	return true;
}

/* Verifies token under pol and checks what the answer promises. */
static void verify(const struct token_keyset *ks, const struct token_policy *pol,
                   const char *token, size_t len)
{
	struct token_claims c;
	const char *why = NULL;
	enum kp_err err;
	size_t i;

	err = token_verify(ks, pol, token, len, NOW, &c, &why);
	FUZZ_CHECK(why != NULL);
	if (say_why)
		fprintf(stderr, "token_verify: %s: %s\n", kp_strerror(err), why);
	if (err != KP_OK) {
		FUZZ_CHECK(err == KP_EAUTH);
		FUZZ_CHECK(all_zero(&c, sizeof(c)));
		return;
	}
	FUZZ_CHECK(len <= TOKEN_MAX_LEN);
	check_header(token, len);
	FUZZ_CHECK(strcmp(c.iss, pol->issuer) == 0);
	FUZZ_CHECK(c.exp >= NOW - TOKEN_SKEW && c.iat <= NOW + TOKEN_SKEW && c.iat >= 0);
	FUZZ_CHECK(c.nbf <= NOW + TOKEN_SKEW);
	FUZZ_CHECK(c.exp > c.iat && c.exp - c.iat <= pol->max_lifetime);
	FUZZ_CHECK(c.loa >= TOKEN_LOA_SUBSTANTIAL && c.loa < TOKEN_LOA__MAX);
	FUZZ_CHECK(c.sub[0] != '\0' && c.jti[0] != '\0');
	FUZZ_CHECK(strlen(c.sub) < sizeof(c.sub) && strlen(c.jti) < sizeof(c.jti));
	for (i = 0; c.sub[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)c.sub[i] >= 0x20 && c.sub[i] != 0x7f);
	if (pol->want_cpr) {
		FUZZ_CHECK(strlen(c.cpr) == KP_CPR_LEN);
		for (i = 0; i < KP_CPR_LEN; i++)
			FUZZ_CHECK(c.cpr[i] >= '0' && c.cpr[i] <= '9');
	} else {
		FUZZ_CHECK(c.cpr[0] == '\0');
	}
}

/* Mode 2: base64url of each 0xFF-separated part, joined by dots. */
static char *assemble(const uint8_t *data, size_t size)
{
	size_t cap = KP_B64URL_LEN(size) + 8, o = 0, start = 0, i, parts = 0;
	char *out = malloc(cap + 1);

	if (out == NULL)
		abort();
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != 0xFF)
			continue;
		if (parts++ > 0)
			out[o++] = '.';
		o += kp_b64url_encode(data + start, i - start, out + o, cap - o + 1);
		start = i + 1;
	}
	out[o] = '\0';
	return out;
}

/* Mode 3: the JWKS in a file, loaded; the valid tokens checked with it. */
static void jwks(const uint8_t *data, size_t size)
{
	struct token_keyset ks;
	char err[256];
	FILE *f;
	int i;

	if ((f = fopen(jwks_tmp, "wb")) == NULL || fwrite(data, 1, size, f) != size ||
	    fclose(f) != 0) {
		perror("fuzz_token: jwks file");
		abort();
	}
	if (token_keyset_load(&ks, jwks_tmp, err, sizeof(err)) != 0) {
		FUZZ_CHECK(ks.n == 0 && err[0] != '\0');
		token_keyset_free(&ks);
		return;
	}
	FUZZ_CHECK(ks.n >= 1 && ks.n <= TOKEN_MAX_KEYS);
	for (i = 0; i < (int)ks.n; i++)
		FUZZ_CHECK(ks.keys[i].pem != NULL && ks.keys[i].pem_len > 0 &&
		           strlen(ks.keys[i].kid) < sizeof(ks.keys[i].kid));
	for (i = 0; i < TOKEN_ALG__MAX; i++)
		verify(&ks, &policies[0], valid_tokens[i], strlen(valid_tokens[i]));
	token_keyset_free(&ks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct token_policy *pol;
	char err[256], *s, *tok;

	if (size < 1)
		return 0;
	pol = &policies[(data[0] >> 2) & 1];
	switch (data[0] & 3) {
	case 0:
		verify(&keyset, pol, (const char *)data + 1, size - 1);
		break;
	case 1:
		s = fuzz_str(data + 1, size - 1);
		tok = token_dev_sign(keys_dir, (data[0] & 8) ? TOKEN_ALG_RS256 : TOKEN_ALG_ES256, s,
		                     err, sizeof(err));
		if (tok != NULL)
			verify(&keyset, pol, tok, strlen(tok));
		free(tok);
		free(s);
		break;
	case 2:
		tok = assemble(data + 1, size - 1);
		verify(&keyset, pol, tok, strlen(tok));
		free(tok);
		break;
	default:
		jwks(data + 1, size - 1);
		break;
	}
	return 0;
}
