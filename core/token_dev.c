/* token_dev.c: the dev identity provider's signing keys (one P-256, one RSA
 * 2048) and its tokens, signed with libjwt as a broker would sign them.
 * Development, demos and tests only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "crypto.h"
#include "token.h"

#define PRIV_PEM_MAX 16000
#define RSA_BITS 2048
#define RSA_EXP 65537

static const char *const dev_file[TOKEN_ALG__MAX] = {
	[TOKEN_ALG_ES256] = "es256.pem",
	[TOKEN_ALG_RS256] = "rs256.pem",
};
static const char *const dev_kid[TOKEN_ALG__MAX] = {
	[TOKEN_ALG_ES256] = "dev-es256",
	[TOKEN_ALG_RS256] = "dev-rs256",
};

_Static_assert(sizeof(dev_file) / sizeof(dev_file[0]) == TOKEN_ALG__MAX, "dev_file");
_Static_assert(sizeof(dev_kid) / sizeof(dev_kid[0]) == TOKEN_ALG__MAX, "dev_kid");

static int dev_path(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* mbedTLS's f_rng over our per-process CTR-DRBG. */
static int dev_rng(void *r, unsigned char *buf, size_t n)
{
	return rng_bytes(r, buf, n) == 0 ? 0 : MBEDTLS_ERR_ECP_RANDOM_FAILED;
}

/* Writes len bytes to a new file next to path (mode), then moves it into
 * place. With noclobber, an existing path is kept (another process won the
 * race) and that is not an error. Returns 0 or -1 with errno set. */
static int write_file(const char *path, const void *data, size_t len, mode_t mode,
                      bool noclobber)
{
	char tmp[4096];
	int fd = -1, rc = -1, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) != 0)
		goto out;
	if (noclobber) {
		/* link() never replaces: the first key written stays. */
		if (link(tmp, path) != 0 && errno != EEXIST)
			goto out;
	} else if (rename(tmp, path) != 0) {
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
	return rc;
}

/* Generates the private key of alg and writes it to path, unless it exists. */
static int dev_gen(const char *path, enum token_alg alg, struct rng *r, char *err, size_t errlen)
{
	unsigned char *pem = NULL;
	mbedtls_pk_context pk;
	int rc = -1, ret;

	mbedtls_pk_init(&pk);
	ret = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(alg == TOKEN_ALG_ES256 ?
	                                                      MBEDTLS_PK_ECKEY : MBEDTLS_PK_RSA));
	if (ret == 0 && alg == TOKEN_ALG_ES256)
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk), dev_rng, r);
	else if (ret == 0)
		ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk), dev_rng, r, RSA_BITS, RSA_EXP);
	if (ret != 0) {
		snprintf(err, errlen, "dev keygen: %s: generation failed", dev_file[alg]);
		goto out;
	}
	if ((pem = malloc(PRIV_PEM_MAX)) == NULL ||
	    mbedtls_pk_write_key_pem(&pk, pem, PRIV_PEM_MAX) != 0) {
		snprintf(err, errlen, "dev keygen: %s: PEM failed", dev_file[alg]);
		goto out;
	}
	if (write_file(path, pem, strlen((char *)pem), 0600, true) != 0) {
		snprintf(err, errlen, "dev keygen: %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (pem != NULL) {
		kp_wipe(pem, PRIV_PEM_MAX);
		free(pem);
	}
	mbedtls_pk_free(&pk);
	return rc;
}

/* A base64url JSON string of n bytes, for json_pack "o*" to steal. */
static json_t *b64_json(const uint8_t *b, size_t n)
{
	char s[KP_B64URL_LEN(1024) + 1];

	if (kp_b64url_encode(b, n, s, sizeof(s)) == 0)
		return NULL;
	return json_string(s);
}

/* The public JWK of the private key in path, checked to be of alg. */
static json_t *dev_jwk(const char *path, enum token_alg alg, char *err, size_t errlen)
{
	mbedtls_pk_context pk;
	uint8_t buf[1024], e[8];
	size_t n = 0, el = sizeof(e);
	json_t *jwk = NULL;

	mbedtls_pk_init(&pk);
	if (mbedtls_pk_parse_keyfile(&pk, path, NULL) != 0) {
		snprintf(err, errlen, "dev keygen: %s: unreadable key", path);
		goto out;
	}
	if (alg == TOKEN_ALG_ES256) {
		mbedtls_ecp_keypair *ec;

		if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY ||
		    (ec = mbedtls_pk_ec(pk))->grp.id != MBEDTLS_ECP_DP_SECP256R1 ||
		    mbedtls_ecp_point_write_binary(&ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED,
		                                   &n, buf, sizeof(buf)) != 0 || n != 65) {
			snprintf(err, errlen, "dev keygen: %s: not a P-256 key", path);
			goto out;
		}
		jwk = json_pack("{s:s, s:s, s:o*, s:o*, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256",
		                "x", b64_json(buf + 1, 32), "y", b64_json(buf + 33, 32),
		                "kid", dev_kid[alg], "alg", "ES256", "use", "sig");
	} else {
		mbedtls_rsa_context *rsa;

		if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_RSA ||
		    mbedtls_pk_get_bitlen(&pk) < RSA_BITS ||
		    (n = mbedtls_rsa_get_len(rsa = mbedtls_pk_rsa(pk))) > sizeof(buf) ||
		    mbedtls_rsa_export_raw(rsa, buf, n, NULL, 0, NULL, 0, NULL, 0, e, el) != 0) {
			snprintf(err, errlen, "dev keygen: %s: not an RSA key of 2048 bits or more", path);
			goto out;
		}
		/* JWK integers are minimal big-endian: drop e's leading zeros. */
		while (el > 1 && e[sizeof(e) - el] == 0)
			el--;
		jwk = json_pack("{s:s, s:o*, s:o*, s:s, s:s, s:s}", "kty", "RSA",
		                "n", b64_json(buf, n), "e", b64_json(e + sizeof(e) - el, el),
		                "kid", dev_kid[alg], "alg", "RS256", "use", "sig");
	}
	if (jwk == NULL || json_object_size(jwk) != (alg == TOKEN_ALG_ES256 ? 7u : 6u)) {
		snprintf(err, errlen, "dev keygen: %s: JWK failed", path);
		json_decref(jwk);
		jwk = NULL;
	}
out:
	mbedtls_pk_free(&pk);
	return jwk;
}

/* The client secret the relying party shows the token endpoint:
 * dir/client-secret, 32 random bytes in base64url, mode 0600, made once. */
static int dev_secret(const char *dir, char *err, size_t errlen)
{
	char path[4096], secret[KP_B64URL_LEN(32) + 1];
	uint8_t raw[32];
	struct rng *r;
	int rc;

	if (dev_path(path, sizeof(path), dir, "client-secret") != 0) {
		snprintf(err, errlen, "dev keygen: %s: path too long", dir);
		return -1;
	}
	if (access(path, F_OK) == 0)
		return 0;
	if ((r = rng_new("kaptajn dev idp client secret")) == NULL || rng_bytes(r, raw, 32) != 0) {
		rng_free(r);
		snprintf(err, errlen, "dev keygen: no random generator");
		return -1;
	}
	rng_free(r);
	kp_b64url_encode(raw, sizeof(raw), secret, sizeof(secret));
	rc = write_file(path, secret, strlen(secret), 0600, true);
	if (rc != 0)
		snprintf(err, errlen, "dev keygen: %s: %s", path, strerror(errno));
	kp_wipe(raw, sizeof(raw));
	kp_wipe(secret, sizeof(secret));
	return rc;
}

int token_dev_keygen(const char *dir, char *err, size_t errlen)
{
	char path[TOKEN_ALG__MAX][4096], jwks_path[4096];
	json_t *keys = NULL, *root = NULL, *jwk;
	struct rng *r = NULL;
	char *text = NULL;
	int rc = -1, i;

	if (dev_path(path[TOKEN_ALG_ES256], sizeof(path[0]), dir, dev_file[TOKEN_ALG_ES256]) ||
	    dev_path(path[TOKEN_ALG_RS256], sizeof(path[0]), dir, dev_file[TOKEN_ALG_RS256]) ||
	    dev_path(jwks_path, sizeof(jwks_path), dir, "jwks.json")) {
		snprintf(err, errlen, "dev keygen: %s: path too long", dir);
		return -1;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "dev keygen: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (dev_secret(dir, err, errlen) != 0)
		return -1;
	if (access(path[TOKEN_ALG_ES256], F_OK) == 0 && access(path[TOKEN_ALG_RS256], F_OK) == 0 &&
	    access(jwks_path, F_OK) == 0)
		return 0;
	/* Make only the missing keys, then derive jwks.json from the keys on
	 * disk, so that it always matches them even after a race. */
	for (i = 0; i < TOKEN_ALG__MAX; i++) {
		if (access(path[i], F_OK) == 0)
			continue;
		if (r == NULL && (r = rng_new("kaptajn dev idp keygen")) == NULL) {
			snprintf(err, errlen, "dev keygen: no random generator");
			goto out;
		}
		if (dev_gen(path[i], (enum token_alg)i, r, err, errlen) != 0)
			goto out;
	}
	if ((keys = json_array()) == NULL) {
		snprintf(err, errlen, "dev keygen: out of memory");
		goto out;
	}
	for (i = 0; i < TOKEN_ALG__MAX; i++) {
		if ((jwk = dev_jwk(path[i], (enum token_alg)i, err, errlen)) == NULL)
			goto out;
		if (json_array_append_new(keys, jwk) != 0) {
			snprintf(err, errlen, "dev keygen: out of memory");
			goto out;
		}
	}
	if ((root = json_pack("{s:O}", "keys", keys)) == NULL ||
	    (text = json_dumps(root, JSON_INDENT(2))) == NULL) {
		snprintf(err, errlen, "dev keygen: out of memory");
		goto out;
	}
	if (write_file(jwks_path, text, strlen(text), 0644, false) != 0) {
		snprintf(err, errlen, "dev keygen: %s: %s", jwks_path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(text);
	json_decref(root);
	json_decref(keys);
	rng_free(r);
	return rc;
}

/* Reads the whole (small) file at path into a NUL-terminated buffer. */
static char *read_small(const char *path, size_t cap, size_t *len)
{
	char *buf = NULL;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if ((buf = malloc(cap + 1)) == NULL)
		goto out;
	*len = 0;
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) > 0)
		*len += (size_t)n;
	if (*len == 0 || *len == cap) {
		/* Empty or too big: no key. */
		kp_wipe(buf, cap + 1);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[*len] = '\0';
out:
	close(fd);
	return buf;
}

char *token_dev_sign(const char *dir, enum token_alg alg, const char *claims_json,
                     char *err, size_t errlen)
{
	char path[4096], *key = NULL, *s = NULL, *tok = NULL;
	size_t keylen = 0;
	jwt_t *jwt = NULL;
	int ret;

	if ((int)alg < 0 || alg >= TOKEN_ALG__MAX) {
		snprintf(err, errlen, "dev sign: unknown alg");
		return NULL;
	}
	if (dev_path(path, sizeof(path), dir, dev_file[alg]) != 0 ||
	    (key = read_small(path, PRIV_PEM_MAX, &keylen)) == NULL) {
		snprintf(err, errlen, "dev sign: %s/%s: no key", dir, dev_file[alg]);
		goto out;
	}
	if ((ret = jwt_new(&jwt)) != 0 ||
	    (ret = jwt_add_grants_json(jwt, claims_json)) != 0 ||
	    (ret = jwt_set_alg(jwt, alg == TOKEN_ALG_ES256 ? JWT_ALG_ES256 : JWT_ALG_RS256,
	                       (const unsigned char *)key, (int)keylen)) != 0 ||
	    (ret = jwt_add_header(jwt, "kid", dev_kid[alg])) != 0) {
		snprintf(err, errlen, "dev sign: %s", strerror(ret));
		goto out;
	}
	/* libjwt 1.10 has no allocator hooks: its strings come from malloc. */
	if ((s = jwt_encode_str(jwt)) == NULL) {
		snprintf(err, errlen, "dev sign: encoding failed: %s", strerror(errno));
		goto out;
	}
	if ((tok = strdup(s)) == NULL)
		snprintf(err, errlen, "dev sign: out of memory");
out:
	free(s);
	jwt_free(jwt);
	if (key != NULL) {
		kp_wipe(key, keylen);
		free(key);
	}
	return tok;
}
