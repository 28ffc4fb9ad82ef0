/* token_seeds.c: writes the seed corpus of fuzz_token (see fuzz_token.c for
 * the input's form) into a directory: valid tokens signed with the dev keys
 * of tests/fuzz/keys/ by token_dev_sign, the attacks of SECURITY.md (alg
 * none, HS256 keyed with the public key, crit, kid and jku, huge tokens,
 * broken base64url), claims to be signed by the harness, assembled headers
 * and JWKS files. Run it again when the keys or the token format change:
 *
 *   build-fuzz/fuzz_token_seeds tests/fuzz/corpus/token
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>

#include "crypto.h"
#include "token.h"

#define CIT "\"iss\":\"https://dev-idp.kaptajn.invalid/citizen\",\"aud\":\"kaptajn-citizen\""
#define STAFF "\"iss\":\"https://dev-idp.kaptajn.invalid/staff\",\"aud\":\"kaptajn-admin\""
#define TIMES "\"iat\":1699999990,\"exp\":1700000290"
#define SUBST "\"loa\":\"https://data.gov.dk/concept/core/nsis/Substantial\""
#define WHO "\"sub\":\"anna\",\"jti\":\"seed-1\",\"dk.cpr\":\"0101901234\",\"name\":\"Anna Jensen\""

/* Claims of a valid citizen token and a valid staff token. */
static const char citizen[] = "{" CIT "," TIMES "," SUBST "," WHO "}";
static const char staff[] = "{" STAFF "," TIMES "," SUBST ",\"sub\":\"mette\",\"jti\":\"seed-2\","
                            "\"name\":\"Mette Madsen\",\"role\":\"caseworker\"}";

/* Claims the harness signs (mode 1), by name. */
static const struct {
	const char *name, *claims;
} claim_seeds[] = {
	{"valid", "{" CIT "," TIMES "," SUBST "," WHO "}"},
	{"loa-short-high", "{" CIT "," TIMES ",\"loa\":\"High\"," WHO "}"},
	{"loa-low", "{" CIT "," TIMES ",\"loa\":\"https://data.gov.dk/concept/core/nsis/Low\"," WHO "}"},
	{"loa-missing", "{" CIT "," TIMES "," WHO "}"},
	{"loa-number", "{" CIT "," TIMES ",\"loa\":3," WHO "}"},
	{"exp-float", "{" CIT ",\"iat\":1699999990,\"exp\":1700000290.5," SUBST "," WHO "}"},
	{"exp-string", "{" CIT ",\"iat\":1699999990,\"exp\":\"1700000290\"," SUBST "," WHO "}"},
	{"exp-max", "{" CIT ",\"iat\":1699999990,\"exp\":9223372036854775807," SUBST "," WHO "}"},
	{"exp-min", "{" CIT ",\"iat\":0,\"exp\":-9223372036854775808," SUBST "," WHO "}"},
	{"expired", "{" CIT ",\"iat\":1699990000,\"exp\":1699990300," SUBST "," WHO "}"},
	{"iat-future", "{" CIT ",\"iat\":1700000100,\"exp\":1700000400," SUBST "," WHO "}"},
	{"iat-negative", "{" CIT ",\"iat\":-5,\"exp\":1700000290," SUBST "," WHO "}"},
	{"lifetime-long", "{" CIT ",\"iat\":1699999990,\"exp\":1700007200," SUBST "," WHO "}"},
	{"exp-before-iat", "{" CIT ",\"iat\":1700000000,\"exp\":1699999999," SUBST "," WHO "}"},
	{"nbf-future", "{" CIT "," TIMES ",\"nbf\":1700000500," SUBST "," WHO "}"},
	{"nbf-float", "{" CIT "," TIMES ",\"nbf\":1.5," SUBST "," WHO "}"},
	{"aud-array", "{\"iss\":\"https://dev-idp.kaptajn.invalid/citizen\",\"aud\":[\"x\","
	              "\"kaptajn-citizen\"]," TIMES "," SUBST "," WHO "}"},
	{"aud-array-other", "{\"iss\":\"https://dev-idp.kaptajn.invalid/citizen\",\"aud\":[\"x\","
	                    "[\"kaptajn-citizen\"]]," TIMES "," SUBST "," WHO "}"},
	{"aud-admin", "{\"iss\":\"https://dev-idp.kaptajn.invalid/citizen\",\"aud\":\"kaptajn-admin\","
	              TIMES "," SUBST "," WHO "}"},
	{"iss-slash", "{\"iss\":\"https://dev-idp.kaptajn.invalid/citizen/\",\"aud\":\"kaptajn-citizen\","
	              TIMES "," SUBST "," WHO "}"},
	{"cpr-missing", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\"}"},
	{"cpr-bad-date", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\",\"dk.cpr\":"
	                 "\"3213901234\"}"},
	{"cpr-number", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\",\"dk.cpr\":"
	               "101901234}"},
	{"cpr-dash", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\",\"dk.cpr\":"
	             "\"010190-1234\"}"},
	{"sub-empty", "{" CIT "," TIMES "," SUBST ",\"sub\":\"\",\"jti\":\"j\",\"dk.cpr\":\"0101901234\"}"},
	{"sub-control", "{" CIT "," TIMES "," SUBST ",\"sub\":\"a\\u0001b\",\"jti\":\"j\",\"dk.cpr\":"
	                "\"0101901234\"}"},
	{"sub-number", "{" CIT "," TIMES "," SUBST ",\"sub\":7,\"jti\":\"j\",\"dk.cpr\":\"0101901234\"}"},
	{"jti-missing", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"dk.cpr\":\"0101901234\"}"},
	{"name-unicode", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\",\"dk.cpr\":"
	                 "\"0101901234\",\"name\":\"\xc3\x86r\xc3\xb8 \xc3\x85se \xe2\x80\xae\"}"},
	{"name-control", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\",\"dk.cpr\":"
	                 "\"0101901234\",\"name\":\"Anna\\u001b[31m\"}"},
	{"name-invalid-utf8", "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\",\"jti\":\"j\",\"dk.cpr\":"
	                      "\"0101901234\",\"name\":\"\xc3\x28\xff\"}"},
	{"not-object", "[\"iss\"]"},
};

/* Assembled parts (mode 2): header, payload, raw signature. */
static const struct {
	const char *name, *header, *payload;
} part_seeds[] = {
	{"alg-none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", citizen},
	{"alg-lower", "{\"alg\":\"es256\"}", citizen},
	{"alg-space", "{\"alg\":\"ES256 \"}", citizen},
	{"alg-nul", "{\"alg\":\"ES256\\u0000\"}", citizen},
	{"alg-array", "{\"alg\":[\"ES256\"]}", citizen},
	{"alg-hs256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", citizen},
	{"alg-twice", "{\"alg\":\"ES256\",\"alg\":\"none\"}", citizen},
	{"crit", "{\"alg\":\"ES256\",\"crit\":[\"exp\"]}", citizen},
	{"typ-jws", "{\"alg\":\"RS256\",\"typ\":\"JWS\"}", citizen},
	{"kid-number", "{\"alg\":\"ES256\",\"kid\":5}", citizen},
	{"kid-long", "{\"alg\":\"ES256\",\"kid\":\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	             "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	             "kkkkkkkkkkkkkkkkkkkkk\"}", citizen},
	{"header-array", "[]", citizen},
	{"header-broken", "{\"alg\":", citizen},
	{"payload-twice", "{\"alg\":\"ES256\"}", "{\"sub\":\"a\",\"sub\":\"b\"}"},
	{"payload-array", "{\"alg\":\"ES256\"}", "[1,2]"},
	{"empty", "", ""},
};

static int write_seed(const char *dir, const char *name, char mode, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fputc(mode, f) == EOF ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* Reads a small file into a new NUL-terminated string. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL || (buf = malloc(65536)) == NULL) {
		perror(path);
		exit(1);
	}
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* A token signed by libjwt with key (alg chosen here), with extra headers. */
static char *sign_with(jwt_alg_t alg, const char *key, size_t keylen, const char *headers,
                       const char *claims)
{
	jwt_t *jwt = NULL;
	char *s, *tok = NULL;

	if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, claims) != 0 ||
	    jwt_set_alg(jwt, alg, (const unsigned char *)key, (int)keylen) != 0 ||
	    (headers != NULL && jwt_add_headers_json(jwt, headers) != 0) ||
	    (s = jwt_encode_str(jwt)) == NULL) {
		fprintf(stderr, "token_seeds: signing failed\n");
		exit(1);
	}
	tok = strdup(s);
	free(s);
	jwt_free(jwt);
	return tok;
}

static char *dev_sign(const char *keys, enum token_alg alg, const char *claims)
{
	char err[256], *tok = token_dev_sign(keys, alg, claims, err, sizeof(err));

	if (tok == NULL) {
		fprintf(stderr, "token_seeds: %s\n", err);
		exit(1);
	}
	return tok;
}

/* A JWKS seed: the dev JWKS changed by edit (a JSON object merged into key
 * i, or NULL), or replaced by text. */
static void jwks_seed(const char *dir, const char *name, const char *jwks, int i,
                      const char *edit)
{
	json_t *root = json_loads(jwks, 0, NULL), *patch;
	char *out;

	if (root == NULL) {
		fprintf(stderr, "token_seeds: jwks.json unreadable\n");
		exit(1);
	}
	if (edit != NULL) {
		patch = json_loads(edit, 0, NULL);
		json_object_update(json_array_get(json_object_get(root, "keys"), (size_t)i), patch);
		json_decref(patch);
	}
	out = json_dumps(root, JSON_COMPACT);
	write_seed(dir, name, '3', out, strlen(out));
	free(out);
	json_decref(root);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	const char *keys = getenv("KAPTAJN_FUZZ_KEYS") ? getenv("KAPTAJN_FUZZ_KEYS") : KP_FUZZ_KEYS;
	char path[4096], name[128], *tok, *big, *jwks, *es_priv, *pem;
	struct token_keyset ks;
	size_t len, i;
	json_t *many;
	char err[256];

	if (dir == NULL) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/jwks.json", keys);
	if (token_keyset_load(&ks, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "token_seeds: %s\n", err);
		return 1;
	}
	jwks = slurp(path, &len);
	snprintf(path, sizeof(path), "%s/es256.pem", keys);
	es_priv = slurp(path, &len);

	/* Mode 0: tokens as clients send them ('0' citizen, '4' staff). */
	tok = dev_sign(keys, TOKEN_ALG_ES256, citizen);
	write_seed(dir, "raw-valid-es256", '0', tok, strlen(tok));
	free(tok);
	tok = dev_sign(keys, TOKEN_ALG_RS256, citizen);
	write_seed(dir, "raw-valid-rs256", '0', tok, strlen(tok));
	/* The same token with one signature byte changed. */
	tok[strlen(tok) - 3] = tok[strlen(tok) - 3] == 'A' ? 'B' : 'A';
	write_seed(dir, "raw-bad-signature", '0', tok, strlen(tok));
	free(tok);
	tok = dev_sign(keys, TOKEN_ALG_ES256, staff);
	write_seed(dir, "raw-staff-valid", '4', tok, strlen(tok));
	write_seed(dir, "raw-staff-token-to-citizen-pool", '0', tok, strlen(tok));
	free(tok);
	/* HS256 keyed with each public key's PEM: the confusion attack. */
	for (i = 0; i < ks.n; i++) {
		pem = ks.keys[i].pem;
		tok = sign_with(JWT_ALG_HS256, pem, ks.keys[i].pem_len, NULL, citizen);
		snprintf(name, sizeof(name), "raw-hs256-keyed-with-%s", ks.keys[i].kid);
		write_seed(dir, name, '0', tok, strlen(tok));
		free(tok);
	}
	/* Headers signed right, that must be refused or ignored. */
	tok = sign_with(JWT_ALG_ES256, es_priv, strlen(es_priv), "{\"crit\":[\"exp\"]}", citizen);
	write_seed(dir, "raw-crit", '0', tok, strlen(tok));
	free(tok);
	tok = sign_with(JWT_ALG_ES256, es_priv, strlen(es_priv),
	                "{\"kid\":\"../../../../etc/passwd\",\"jku\":\"https://evil.example/jwks\","
	                "\"x5u\":\"https://evil.example/x5u\"}", citizen);
	write_seed(dir, "raw-kid-path-jku", '0', tok, strlen(tok));
	free(tok);
	tok = sign_with(JWT_ALG_ES256, es_priv, strlen(es_priv), "{\"kid\":\"dev-rs256\"}", citizen);
	write_seed(dir, "raw-kid-of-other-key", '0', tok, strlen(tok));
	free(tok);
	/* alg none, signature empty or not. */
	tok = sign_with(JWT_ALG_NONE, NULL, 0, NULL, citizen);
	write_seed(dir, "raw-alg-none", '0', tok, strlen(tok));
	big = malloc(strlen(tok) + 8);
	sprintf(big, "%sAAAA", tok);
	write_seed(dir, "raw-alg-none-signed", '0', big, strlen(big));
	free(big);
	free(tok);
	/* Huge: one byte over the cap, and far over it. */
	big = malloc(20001);
	memset(big, 'A', 20000);
	big[20] = '.';
	big[TOKEN_MAX_LEN - 20] = '.';
	write_seed(dir, "raw-huge-over-cap", '0', big, TOKEN_MAX_LEN + 1);
	write_seed(dir, "raw-huge-20k", '0', big, 20000);
	write_seed(dir, "raw-at-cap", '0', big, TOKEN_MAX_LEN);
	free(big);
	/* Not base64url, or not three parts. */
	write_seed(dir, "raw-plus-slash", '0', "eyJ+.eyJ/.AAAA", 14);
	write_seed(dir, "raw-padding", '0', "eyJhbGciOiJFUzI1NiJ9.e30=.AAAA", 30);
	write_seed(dir, "raw-four-parts", '0', "a.b.c.d", 7);
	write_seed(dir, "raw-empty-parts", '0', "..", 2);
	write_seed(dir, "raw-nul", '0', "eyJ\0.e30.AAAA", 13);
	write_seed(dir, "raw-empty", '0', "", 0);

	/* Mode 1: claims the harness signs ('1' ES256, '9' RS256, '5' staff). */
	for (i = 0; i < sizeof(claim_seeds) / sizeof(claim_seeds[0]); i++) {
		snprintf(name, sizeof(name), "claims-%s", claim_seeds[i].name);
		write_seed(dir, name, '1', claim_seeds[i].claims, strlen(claim_seeds[i].claims));
	}
	{
		/* A claim nested 200 deep (jansson's limit is 2048). */
		char deep[1024];
		int n = snprintf(deep, sizeof(deep), "{" CIT "," TIMES "," SUBST "," WHO ",\"x\":");

		memset(deep + n, '[', 200);
		memset(deep + n + 200, ']', 200);
		strcpy(deep + n + 400, "}");
		write_seed(dir, "claims-deep", '1', deep, strlen(deep));
	}
	{
		/* A name one byte over its field (255 bytes and the NUL). */
		char longname[1024];

		snprintf(longname, sizeof(longname), "{" CIT "," TIMES "," SUBST ",\"sub\":\"anna\","
		         "\"jti\":\"j\",\"dk.cpr\":\"0101901234\",\"name\":\"%0256d\"}", 7);
		write_seed(dir, "claims-name-256", '1', longname, strlen(longname));
	}
	write_seed(dir, "claims-valid-rs256", '9', citizen, strlen(citizen));
	write_seed(dir, "claims-staff-valid", '5', staff, strlen(staff));
	write_seed(dir, "claims-staff-role-number", '5', "{" STAFF "," TIMES "," SUBST
	           ",\"sub\":\"mette\",\"jti\":\"j\",\"role\":7}", strlen("{" STAFF "," TIMES ","
	           SUBST ",\"sub\":\"mette\",\"jti\":\"j\",\"role\":7}"));

	/* Mode 2: header, payload and signature assembled by the harness. */
	for (i = 0; i < sizeof(part_seeds) / sizeof(part_seeds[0]); i++) {
		char buf[2048];
		int n = snprintf(buf, sizeof(buf), "%s\xff%s\xff", part_seeds[i].header,
		                 part_seeds[i].payload);

		/* 64 bytes of "signature", as long as an ES256 one. */
		memset(buf + n, 0x5a, 64);
		snprintf(name, sizeof(name), "parts-%s", part_seeds[i].name);
		write_seed(dir, name, '2', buf, (size_t)n + 64);
	}

	/* Mode 3: JWKS files. */
	jwks_seed(dir, "jwks-dev", jwks, 0, NULL);
	jwks_seed(dir, "jwks-ec-p384", jwks, 0, "{\"crv\":\"P-384\"}");
	jwks_seed(dir, "jwks-ec-short-x", jwks, 0, "{\"x\":\"AAAA\"}");
	jwks_seed(dir, "jwks-ec-off-curve", jwks, 0,
	          "{\"y\":\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\"}");
	jwks_seed(dir, "jwks-ec-alg-rs256", jwks, 0, "{\"alg\":\"RS256\"}");
	jwks_seed(dir, "jwks-ec-use-enc", jwks, 0, "{\"use\":\"enc\"}");
	{
		/* jansson refuses \u0000 unless asked: a file holding one is
		 * no key set at all. */
		char *nul = malloc(strlen(jwks) + 16), *at = strstr(jwks, "\"dev-es256\"");

		memcpy(nul, jwks, (size_t)(at - jwks));
		sprintf(nul + (at - jwks), "\"dev\\u0000es256\"%s", at + strlen("\"dev-es256\""));
		write_seed(dir, "jwks-kid-nul", '3', nul, strlen(nul));
		free(nul);
	}
	jwks_seed(dir, "jwks-kid-number", jwks, 0, "{\"kid\":1}");
	jwks_seed(dir, "jwks-rsa-short", jwks, 1, "{\"n\":\"wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}");
	jwks_seed(dir, "jwks-rsa-e-huge", jwks, 1, "{\"e\":\"AQAB_____________w\"}");
	jwks_seed(dir, "jwks-rsa-e-even", jwks, 1, "{\"e\":\"AQAA\"}");
	jwks_seed(dir, "jwks-kty-oct", jwks, 1, "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}");
	{
		/* One key more than a key set holds. */
		json_t *dev = json_loads(jwks, 0, NULL), *root;
		char *out;

		many = json_array();
		for (i = 0; i < TOKEN_MAX_KEYS + 1; i++)
			json_array_append(many, json_array_get(json_object_get(dev, "keys"), 0));
		root = json_pack("{s:o}", "keys", many);
		out = json_dumps(root, JSON_COMPACT);
		write_seed(dir, "jwks-too-many", '3', out, strlen(out));
		free(out);
		json_decref(root);
		json_decref(dev);
	}
	write_seed(dir, "jwks-keys-object", '3', "{\"keys\":{}}", 11);
	write_seed(dir, "jwks-keys-empty", '3', "{\"keys\":[]}", 11);
	write_seed(dir, "jwks-keys-twice", '3', "{\"keys\":[],\"keys\":[]}", 21);
	write_seed(dir, "jwks-broken", '3', "{\"keys\":[{\"kty\":", 16);

	free(es_priv);
	free(jwks);
	token_keyset_free(&ks);
	return 0;
}
