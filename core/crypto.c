/* crypto.c: the per-process random generator, hashes, base64url and the CPR
 * cipher (AES-256-GCM plus an HMAC look-up hash), on mbedTLS 2.28. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "crypto.h"

struct rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

struct rng *rng_new(const char *personalization)
{
	struct rng *r = calloc(1, sizeof(*r));
	const char *pers = personalization ? personalization : "kaptajn";

	if (r == NULL)
		return NULL;
	mbedtls_entropy_init(&r->entropy);
	mbedtls_ctr_drbg_init(&r->drbg);
	if (mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy,
	                          (const unsigned char *)pers, strlen(pers)) != 0) {
		rng_free(r);
		return NULL;
	}
	/* Reseed now and then from the system, not only at start. */
	mbedtls_ctr_drbg_set_reseed_interval(&r->drbg, 10000);
	return r;
}

void rng_free(struct rng *r)
{
	if (r == NULL)
		return;
	mbedtls_ctr_drbg_free(&r->drbg);
	mbedtls_entropy_free(&r->entropy);
	free(r);
}

int rng_bytes(struct rng *r, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		size_t k = n > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : n;

		if (mbedtls_ctr_drbg_random(&r->drbg, p, k) != 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

void kp_sha256(const void *msg, size_t len, uint8_t out[KP_SHA256_LEN])
{
	mbedtls_sha256_ret(msg, len, out, 0);
}

void kp_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[KP_SHA256_LEN])
{
	mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, keylen, msg, len, out);
}

bool kp_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

void kp_wipe(void *p, size_t n)
{
	mbedtls_platform_zeroize(p, n);
}

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t kp_b64url_encode(const void *in, size_t n, char *out, size_t outcap)
{
	const unsigned char *s = in;
	size_t i, o = 0;

	if (outcap < KP_B64URL_LEN(n) + 1)
		return 0;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];

		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;

		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;

		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

static int b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int kp_b64url_decode(const char *in, size_t len, uint8_t *out, size_t outcap, size_t *outlen)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		int v = b64url_value(in[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero (one canonical encoding per value). */
	if (acc != 0)
		return -1;
	*outlen = o;
	return 0;
}

void kp_hex_encode(const void *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = in;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[s[i] >> 4];
		out[2 * i + 1] = hex[s[i] & 15];
	}
	out[2 * n] = '\0';
}

int kp_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int derive(const uint8_t master[32], const char *info, uint8_t out[32])
{
	return mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
	                    (const unsigned char *)"kaptajn", 7, master, 32,
	                    (const unsigned char *)info, strlen(info), out, 32);
}

int kp_key_derive(struct kp_key *key, const uint8_t master[32])
{
	uint8_t idkey[32], mac[KP_SHA256_LEN];
	int rc = -1;

	memset(key, 0, sizeof(*key));
	if (derive(master, "kaptajn cpr aes-256-gcm v1", key->cpr_enc) == 0 &&
	    derive(master, "kaptajn cpr hmac-sha256 v1", key->cpr_mac) == 0 &&
	    derive(master, "kaptajn session id-token aes-256-gcm v1", key->session_enc) == 0 &&
	    derive(master, "kaptajn key id v1", idkey) == 0) {
		kp_hmac_sha256(idkey, sizeof(idkey), "", 0, mac);
		kp_hex_encode(mac, KP_KEY_ID_LEN / 2, key->id);
		rc = 0;
	}
	kp_wipe(idkey, sizeof(idkey));
	if (rc != 0)
		kp_wipe(key, sizeof(*key));
	return rc;
}

/* Reads one master key file into key. 0, or -1 with err set. */
static int key_file_load(struct kp_key *key, const char *path, char *err, size_t errlen)
{
	char buf[130];
	uint8_t master[32];
	ssize_t n;
	size_t len, i;
	int fd, rc = -1;

	memset(key, 0, sizeof(*key));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "keys: %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		snprintf(err, errlen, "keys: %s: empty or unreadable", path);
		goto out;
	}
	len = (size_t)n;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len != 64) {
		snprintf(err, errlen, "keys: %s: want 64 hex digits", path);
		goto out;
	}
	for (i = 0; i < 32; i++) {
		int hi = kp_hex_value(buf[2 * i]), lo = kp_hex_value(buf[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "keys: %s: not hex", path);
			goto out;
		}
		master[i] = (uint8_t)(hi << 4 | lo);
	}
	if (kp_key_derive(key, master) != 0) {
		snprintf(err, errlen, "keys: derivation failed");
		goto out;
	}
	rc = 0;
out:
	kp_wipe(buf, sizeof(buf));
	kp_wipe(master, sizeof(master));
	return rc;
}

int kp_keys_load(struct kp_keys *k, const char *path, const char *old_paths, char *err,
                 size_t errlen)
{
	char one[4096];
	const char *p = old_paths != NULL ? old_paths : "";
	int rc = -1;

	memset(k, 0, sizeof(*k));
	if (key_file_load(&k->key[0], path, err, errlen) != 0)
		goto out;
	k->n = 1;
	while (*p != '\0') {
		size_t len = strcspn(p, ","), b = 0, e = len;

		while (b < e && (p[b] == ' ' || p[b] == '\t'))
			b++;
		while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e > b) {
			if (k->n == KP_KEYS_MAX) {
				snprintf(err, errlen, "keys: at most %d old keys", KP_KEYS_MAX - 1);
				goto out;
			}
			if (e - b >= sizeof(one)) {
				snprintf(err, errlen, "keys: an old key's file name is too long");
				goto out;
			}
			memcpy(one, p + b, e - b);
			one[e - b] = '\0';
			if (key_file_load(&k->key[k->n], one, err, errlen) != 0)
				goto out;
			if (kp_keys_find(k, k->key[k->n].id) != NULL) {
				snprintf(err, errlen, "keys: %s: key id %s is configured already%s", one,
				         k->key[k->n].id,
				         strcmp(k->key[k->n].id, k->key[0].id) == 0 ? " (it is the current key)"
				                                                  : "");
				goto out;
			}
			k->n++;
		}
		p += len + (p[len] == ',');
	}
	rc = 0;
out:
	if (rc != 0)
		kp_keys_wipe(k);
	return rc;
}

const struct kp_key *kp_keys_find(const struct kp_keys *k, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < k->n; i++)
		if (strcmp(k->key[i].id, id) == 0)
			return &k->key[i];
	return NULL;
}

int kp_keys_generate(const char *path, char *err, size_t errlen)
{
	uint8_t master[32];
	char hex[65];
	struct rng *r = NULL;
	int fd = -1, rc = -1;

	if (access(path, F_OK) == 0)
		return 0;
	if ((r = rng_new("kaptajn keygen")) == NULL || rng_bytes(r, master, sizeof(master)) != 0) {
		snprintf(err, errlen, "keygen: no random bytes");
		goto out;
	}
	kp_hex_encode(master, sizeof(master), hex);
	hex[64] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, hex, 65) != 65 || fsync(fd) != 0) {
		snprintf(err, errlen, "keygen: %s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	kp_wipe(master, sizeof(master));
	kp_wipe(hex, sizeof(hex));
	rng_free(r);
	return rc;
}

void kp_keys_wipe(struct kp_keys *k)
{
	kp_wipe(k, sizeof(*k));
}

int kp_seal(const uint8_t key[32], struct rng *r, const void *msg, size_t len, const void *aad,
            size_t aadlen, uint8_t *out)
{
	mbedtls_gcm_context gcm;
	int rc = -1;

	if (rng_bytes(r, out, 12) != 0)
		return -1;
	mbedtls_gcm_init(&gcm);
	if (mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256) == 0 &&
	    mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, len, out, 12, aad, aadlen, msg,
	                              out + 12, 16, out + 12 + len) == 0)
		rc = 0;
	mbedtls_gcm_free(&gcm);
	return rc;
}

int kp_open(const uint8_t key[32], const uint8_t *sealed, size_t len, const void *aad,
            size_t aadlen, uint8_t *out)
{
	mbedtls_gcm_context gcm;
	size_t n;
	int rc = -1;

	if (len < KP_SEAL_OVERHEAD)
		return -1;
	n = len - KP_SEAL_OVERHEAD;
	mbedtls_gcm_init(&gcm);
	if (mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256) == 0 &&
	    mbedtls_gcm_auth_decrypt(&gcm, n, sealed, 12, aad, aadlen, sealed + 12 + n, 16,
	                             sealed + 12, out) == 0)
		rc = 0;
	mbedtls_gcm_free(&gcm);
	if (rc != 0)
		kp_wipe(out, n);
	return rc;
}

int kp_cpr_seal(const struct kp_keys *k, struct rng *r, const char *cpr,
                const void *aad, size_t aadlen, uint8_t out[KP_CPR_SEALED_LEN])
{
	if (strlen(cpr) != KP_CPR_LEN)
		return -1;
	return kp_seal(k->key[0].cpr_enc, r, cpr, KP_CPR_LEN, aad, aadlen, out);
}

enum kp_cpr_open_rc kp_cpr_open(const struct kp_keys *k, const char *key_id,
                                const uint8_t *sealed, size_t len, const void *aad,
                                size_t aadlen, char cpr[KP_CPR_LEN + 1])
{
	const struct kp_key *key = kp_keys_find(k, key_id);
	enum kp_cpr_open_rc rc = KP_CPR_OPEN_BAD;
	size_t i;

	cpr[0] = '\0';
	if (key_id != NULL && key == NULL)
		return KP_CPR_OPEN_NOKEY;
	if (len != KP_CPR_SEALED_LEN)
		return KP_CPR_OPEN_BAD;
	for (i = 0; rc != KP_CPR_OPEN_OK && i < k->n; i++)
		if ((key == NULL || key == &k->key[i]) &&
		    kp_open(k->key[i].cpr_enc, sealed, len, aad, aadlen, (uint8_t *)cpr) == 0)
			rc = KP_CPR_OPEN_OK;
	cpr[rc == KP_CPR_OPEN_OK ? KP_CPR_LEN : 0] = '\0';
	return rc;
}

void kp_cpr_lookup(const struct kp_keys *k, const char *cpr, uint8_t out[KP_SHA256_LEN])
{
	kp_hmac_sha256(k->key[0].cpr_mac, sizeof(k->key[0].cpr_mac), cpr, strlen(cpr), out);
}

void kp_cpr_lookups(const struct kp_keys *k, const char *cpr,
                    uint8_t out[KP_KEYS_MAX][KP_SHA256_LEN])
{
	size_t i;

	for (i = 0; i < KP_KEYS_MAX; i++)
		if (i < k->n)
			kp_hmac_sha256(k->key[i].cpr_mac, sizeof(k->key[i].cpr_mac), cpr, strlen(cpr),
			               out[i]);
		else
			memcpy(out[i], out[0], KP_SHA256_LEN);
}

int kp_session_open(const struct kp_keys *k, const uint8_t *sealed, size_t len,
                    const void *aad, size_t aadlen, uint8_t *out)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (kp_open(k->key[i].session_enc, sealed, len, aad, aadlen, out) == 0)
			return 0;
	return -1;
}

bool kp_cpr_valid(const char *s, size_t len)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int dd, mm;
	size_t i;

	if (len != KP_CPR_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	dd = (s[0] - '0') * 10 + (s[1] - '0');
	mm = (s[2] - '0') * 10 + (s[3] - '0');
	/* The century follows from digit 7 and the year; 29 February is
	 * allowed for every year rather than guessing the century here. */
	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= mdays[mm - 1];
}
