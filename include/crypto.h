/* crypto.h: random numbers, hashes, HMAC, base64url and the CPR cipher, all
 * on mbedTLS. */
#ifndef KP_CRYPTO_H
#define KP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_SHA256_LEN 32

/* A CTR-DRBG seeded from the system's entropy. Each process makes its own
 * after fork(): a generator seeded in a parent would give every child the
 * same bytes. */
struct rng;

/* A new generator, NULL on failure. Free with rng_free(). */
struct rng *rng_new(const char *personalization);
void rng_free(struct rng *r);
/* Fills buf with n random bytes; 0 or -1. */
int rng_bytes(struct rng *r, void *buf, size_t n);

void kp_sha256(const void *msg, size_t len, uint8_t out[KP_SHA256_LEN]);
void kp_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[KP_SHA256_LEN]);
/* Constant-time comparison; true when equal. */
bool kp_ct_equal(const void *a, const void *b, size_t n);
/* Wipes n bytes in a way the compiler keeps. */
void kp_wipe(void *p, size_t n);

/* base64url without padding. encode writes a NUL-terminated string and needs
 * outcap >= KP_B64URL_LEN(n) + 1; returns its length, or 0 if it does not fit. */
#define KP_B64URL_LEN(n) (((n) * 4 + 2) / 3)
size_t kp_b64url_encode(const void *in, size_t n, char *out, size_t outcap);
/* Decodes len characters; padding and characters outside the alphabet are
 * refused. Returns 0 and the length in *outlen, or -1. */
int kp_b64url_decode(const char *in, size_t len, uint8_t *out, size_t outcap,
                     size_t *outlen);
/* The value of a hex digit (either case), or -1. */
int kp_hex_value(char c);
/* Lowercase hex; out needs 2n+1 bytes. */
void kp_hex_encode(const void *in, size_t n, char *out);

/*
 * The keys for CPR numbers, derived with HKDF-SHA256 (distinct info per
 * purpose) from a 32-byte master key kept in a file outside the database.
 * Each master key has a key id: the first 8 hex digits of an HMAC under a
 * key derived for that alone, stable and telling nothing of the key. A
 * sealed CPR row keeps the id of the key it was sealed under.
 */
#define KP_KEY_ID_LEN 8
/* The current key and at most three old ones (keys_old_files). */
#define KP_KEYS_MAX 4

struct kp_key {
	char id[KP_KEY_ID_LEN + 1];
	uint8_t cpr_enc[32]; /* AES-256-GCM */
	uint8_t cpr_mac[32]; /* HMAC-SHA256 look-up hash */
	uint8_t session_enc[32]; /* AES-256-GCM: what a session keeps sealed (its ID token) */
};

/* key[0] is the current key, which seals; key[1..n-1] are old keys, used
 * only to open and to find what was sealed under them. */
struct kp_keys {
	struct kp_key key[KP_KEYS_MAX];
	size_t n;
};

/* Derives one key and its id from a 32-byte master key. 0 or -1. */
int kp_key_derive(struct kp_key *key, const uint8_t master[32]);
/* Reads the master key file path (64 hex digits) as the current key, and
 * each of old_paths (comma-separated, NULL or "": none) as an old one.
 * Refuses a missing, empty or malformed file, more than KP_KEYS_MAX - 1
 * old keys, and an old key that is the current one or given twice.
 * Returns 0, or -1 with err set (naming the file). */
int kp_keys_load(struct kp_keys *k, const char *path, const char *old_paths, char *err,
                 size_t errlen);
/* The configured key with id, or NULL. */
const struct kp_key *kp_keys_find(const struct kp_keys *k, const char *id);
/* Writes a new random master key file with mode 0600, unless it exists.
 * Returns 0 (also when it existed), or -1 with err set. */
int kp_keys_generate(const char *path, char *err, size_t errlen);
void kp_keys_wipe(struct kp_keys *k);

/* What kp_seal adds to a message: iv (12) and tag (16). */
#define KP_SEAL_OVERHEAD (12 + 16)
/* Seals len bytes of msg with AES-256-GCM under key and a fresh random IV,
 * aad bound as additional data; out gets len + KP_SEAL_OVERHEAD bytes
 * (iv, ciphertext, tag). Returns 0 or -1. */
int kp_seal(const uint8_t key[32], struct rng *r, const void *msg, size_t len, const void *aad,
            size_t aadlen, uint8_t *out);
/* Opens what kp_seal made (len bytes) into out (len - KP_SEAL_OVERHEAD
 * bytes), checking the tag and aad. Returns 0, or -1 (out wiped) when they
 * do not match or len is too short. */
int kp_open(const uint8_t key[32], const uint8_t *sealed, size_t len, const void *aad,
            size_t aadlen, uint8_t *out);

#define KP_CPR_LEN 10
/* iv (12) + ciphertext (10) + tag (16) */
#define KP_CPR_SEALED_LEN (12 + KP_CPR_LEN + 16)

/* Seals a 10-digit CPR number with AES-256-GCM under the current key
 * (k->key[0], whose id the row must keep) and a fresh random IV, with aad
 * (the row's identity) bound as additional data. out holds
 * KP_CPR_SEALED_LEN bytes. Returns 0 or -1. */
int kp_cpr_seal(const struct kp_keys *k, struct rng *r, const char *cpr,
                const void *aad, size_t aadlen, uint8_t out[KP_CPR_SEALED_LEN]);
/* What kp_cpr_open found. */
enum kp_cpr_open_rc {
	KP_CPR_OPEN_OK = 0,
	KP_CPR_OPEN_BAD = -1,   /* the tag or aad do not match, or len is wrong */
	KP_CPR_OPEN_NOKEY = -2, /* key_id names no configured key */
};
/* Opens what kp_cpr_seal made under the key whose id is key_id (NULL: a
 * row sealed before key ids, tried with each configured key), checking the
 * tag and aad; cpr gets 11 bytes (NUL-terminated, empty on failure). */
enum kp_cpr_open_rc kp_cpr_open(const struct kp_keys *k, const char *key_id,
                                const uint8_t *sealed, size_t len, const void *aad,
                                size_t aadlen, char cpr[KP_CPR_LEN + 1]);
/* The keyed look-up hash of a CPR number under the current key. */
void kp_cpr_lookup(const struct kp_keys *k, const char *cpr, uint8_t out[KP_SHA256_LEN]);
/* The look-up hash under each configured key into out[0..n-1] (out[0]:
 * the current key's); the slots past n repeat out[0], so that a statement
 * with KP_KEYS_MAX places can take all of them. */
void kp_cpr_lookups(const struct kp_keys *k, const char *cpr,
                    uint8_t out[KP_KEYS_MAX][KP_SHA256_LEN]);
/* Opens what a session sealed with kp_seal under its session key, trying
 * each configured key (a session may outlive a rotation). 0 or -1. */
int kp_session_open(const struct kp_keys *k, const uint8_t *sealed, size_t len,
                    const void *aad, size_t aadlen, uint8_t *out);
/* True when s is ten digits whose first six are a real date (DDMMYY). The
 * modulus-11 check is deliberately not made: numbers without it have been
 * issued since 2007. */
bool kp_cpr_valid(const char *s, size_t len);

#endif
