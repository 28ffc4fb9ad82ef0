/* token.h: verifying the identity broker's ID tokens (JWT, ES256 or RS256)
 * and, for the dev identity provider, signing them. libjwt 1.10 checks the
 * signature only; every other check is made here (see SECURITY.md). */
#ifndef KP_TOKEN_H
#define KP_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kp.h"

#define TOKEN_MAX_LEN 8192  /* longer tokens are refused before decoding */
#define TOKEN_MAX_KEYS 16
#define TOKEN_SKEW 60       /* seconds of clock skew allowed for exp/nbf/iat */

enum token_alg { TOKEN_ALG_ES256, TOKEN_ALG_RS256, TOKEN_ALG__MAX };

/* Levels of assurance, in order. */
enum token_loa { TOKEN_LOA_NONE, TOKEN_LOA_LOW, TOKEN_LOA_SUBSTANTIAL, TOKEN_LOA_HIGH, TOKEN_LOA__MAX };

struct token_key {
	enum token_alg alg;
	char kid[128];
	char *pem;      /* public key, PEM, as libjwt wants it */
	size_t pem_len;
};

/* The broker's public keys, read from a JWKS file. */
struct token_keyset {
	struct token_key keys[TOKEN_MAX_KEYS];
	size_t n;
	size_t skipped;  /* keys in the file that were not usable */
};

/* Reads a JWKS file: EC P-256 keys become ES256, RSA keys (>= 2048 bits)
 * RS256; other keys, keys whose "alg" disagrees, keys whose "use" is not
 * "sig", EC points off the curve and kids over 127 bytes are skipped and
 * counted in ks->skipped. A file with no usable key, or with more than
 * TOKEN_MAX_KEYS, is an error (libjwt turns verification off for an empty
 * key). Returns 0 with err holding the reason the last key was skipped
 * (empty when none was), for the log; or -1 with err set. Free with
 * token_keyset_free(), also after a failure. */
int token_keyset_load(struct token_keyset *ks, const char *path, char *err, size_t errlen);
/* Frees the PEMs and zeroes ks; NULL is a no-op. */
void token_keyset_free(struct token_keyset *ks);

/* What a pool accepts. */
struct token_policy {
	const char *issuer;       /* exact match */
	const char *audience;     /* aud is this string, or an array holding it */
	enum token_loa min_loa;   /* citizens: TOKEN_LOA_SUBSTANTIAL */
	bool want_cpr;            /* citizens: the dk.cpr claim must be a valid CPR */
	int max_lifetime;         /* exp - iat at most this many seconds (e.g. 3600) */
	/* Claim names differ between brokers; NULL means the default. */
	const char *loa_claim;    /* default "loa" */
	const char *cpr_claim;    /* default "dk.cpr" */
	const char *role_claim;   /* default "role" */
	const char *name_claim;   /* default "name" */
	/* The code flow's checks (OpenID Connect Core 3.1.3.7); NULL or false
	 * leaves each out, as the dev login by POST needs. */
	const char *nonce;        /* the "nonce" claim must be a string equal to it */
	const char *client_id;    /* "azp", when present, must equal it; an aud
	                           * array of more than one value needs azp */
	const char *access_token; /* "at_hash", when present, must match it */
	bool jti_optional;        /* the code flow: jti may be absent */
	bool cpr_optional;        /* with want_cpr: an absent CPR claim leaves cpr
	                           * empty (userinfo may give it); a malformed one
	                           * is still refused */
	bool loa_optional;        /* with min_loa TOKEN_LOA_NONE: no loa claim needed */
};

/* The reason token_verify gives when the token's header names a kid that
 * no key in the keyset has and no key verified it: the caller may fetch
 * the keys again early (oidc_refresh_early) and verify once more. Compare
 * the pointer: why == token_why_unknown_kid. */
extern const char token_why_unknown_kid[];

/* The claims Kaptajn uses, copied out of the token. */
struct token_claims {
	char sub[256];
	char jti[256];
	char iss[256];
	char cpr[11];    /* empty unless want_cpr */
	char name[256];  /* "name" claim, may be empty */
	char role[64];   /* "role" claim (staff), may be empty */
	enum token_loa loa;
	long long exp, iat, nbf;
};

/*
 * Verifies token (len bytes, not necessarily NUL-terminated) at time now:
 * length cap and base64url alphabet with exactly two dots before decoding;
 * header alg exactly "ES256" or "RS256" and no "crit"; signature by a key of
 * that algorithm in ks; jwt_get_alg() agrees; iss, aud, integer exp/iat (and
 * nbf if present) within TOKEN_SKEW, lifetime cap, loa >= min_loa, string
 * sub and jti (jti may be absent when pol->jti_optional), dk.cpr when
 * wanted, and the nonce, azp and at_hash checks when pol sets them.
 * One-time use of jti or nonce is the caller's (it needs the database).
 * The loa claim is required unless pol->loa_optional and min_loa is
 * TOKEN_LOA_NONE: otherwise min_loa TOKEN_LOA_NONE is taken as
 * TOKEN_LOA_LOW. Copied strings must fit their
 * field and hold no control characters, or the token is refused.
 * Returns KP_OK with *out filled, or KP_EAUTH with *out zeroed and *why set
 * to a short static reason for the log (never shown to the client);
 * KP_EINTERNAL when ks has no key or pol lacks issuer, audience or lifetime.
 */
enum kp_err token_verify(const struct token_keyset *ks, const struct token_policy *pol,
                         const char *token, size_t len, time_t now,
                         struct token_claims *out, const char **why);

/* Maps a loa claim value (the full URI or its last word, case-sensitive:
 * "https://data.gov.dk/concept/core/nsis/Substantial" or "Substantial")
 * to the enum; TOKEN_LOA_NONE when unknown. */
enum token_loa token_loa_parse(const char *s);
/* The full URI of a level, for signing; NULL for TOKEN_LOA_NONE. */
const char *token_loa_uri(enum token_loa loa);

/*
 * Dev identity provider only. Keys live in dir: es256.pem, rs256.pem (private,
 * mode 0600), jwks.json (public, with kid "dev-es256" / "dev-rs256") and
 * client-secret (the relying party's secret at the token endpoint, mode 0600).
 */
/* Makes the keys if they are missing. Returns 0, or -1 with err set. */
int token_dev_keygen(const char *dir, char *err, size_t errlen);
/* Signs claims_json (a JSON object of all claims) with the dev key of alg.
 * Returns a malloc'd token the caller frees, or NULL with err set. */
char *token_dev_sign(const char *dir, enum token_alg alg, const char *claims_json,
                     char *err, size_t errlen);

#endif
