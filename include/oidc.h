/* oidc.h: Kaptajn as an OpenID Connect relying party (the authorization code
 * flow with PKCE, state and nonce; RFC 9700). The broker's discovery
 * document and signing keys are fetched with libcurl by the pool's refresh
 * job, outside the request path, and kept in files under oidc_cache_dir;
 * a worker reads those files when they change. The code is exchanged and
 * userinfo read server to server, with certificate verification always on
 * and time-outs below nginx's. */
#ifndef KP_OIDC_H
#define KP_OIDC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "config.h"
#include "crypto.h"
#include "kp.h"
#include "token.h"

#define OIDC_URL_MAX 1024
#define OIDC_PATH_MAX 1024
#define OIDC_RAND_LEN 43            /* base64url of 32 random bytes */
#define OIDC_TAG_LEN 16             /* the attempt's cookie-name tag */
#define OIDC_ATTEMPT_TTL 600        /* a login attempt lives 10 minutes */
#define OIDC_EARLY_REFRESH_EVERY 60 /* unknown kid: one JWKS fetch a minute per host */
#define OIDC_BODY_MAX (256 * 1024)  /* the most a broker's answer may be */
#define OIDC_DEADLINE_MS 12000      /* one whole callback's calls to the broker;
                                     * nginx gives the pool 15 s */

enum oidc_side { OIDC_CITIZEN, OIDC_STAFF };
enum oidc_auth { OIDC_AUTH_BASIC, OIDC_AUTH_POST, OIDC_AUTH_PRIVATE_KEY_JWT };
enum oidc_userinfo { OIDC_USERINFO_AUTO, OIDC_USERINFO_ALWAYS, OIDC_USERINFO_NEVER };

/* One side's broker, checked from the configuration (kp_config_oidc). */
struct oidc_rp {
	enum oidc_side side;
	bool enabled;              /* the side's discovery is set: the code flow is on */
	const char *issuer;        /* exact "iss" (cfg's citizen_issuer / staff_issuer) */
	const char *discovery_url;
	const char *client_id;     /* also the audience the ID token must hold */
	enum oidc_auth auth;
	char *client_secret;       /* from client_secret_file; malloc'd, wiped by free */
	char *client_key_pem;      /* private_key_jwt: from client_key_file; malloc'd */
	size_t client_key_len;
	enum token_alg client_key_alg;
	const char *scopes;        /* holds "openid" */
	const char *auth_params;   /* checked form-encoded pairs, or "" */
	const char *cpr_claim, *name_claim, *loa_claim, *role_claim; /* role_claim may be "" */
	enum token_loa min_loa;    /* TOKEN_LOA_NONE: no loa claim needed (staff only) */
	enum oidc_userinfo userinfo;
	const char *ca_file;       /* NULL: the system's CAs */
	int timeout;               /* seconds per call */
	bool secure_cookies;       /* public_url is https: __Host-/__Secure- names */
	char redirect_uri[OIDC_URL_MAX];    /* public_url + /api/v1/login/callback, or
	                                     * + /admin/api/v1/login/callback */
	char post_logout_uri[OIDC_URL_MAX]; /* public_url + "/" or + "/admin/" */
	char discovery_path[OIDC_PATH_MAX]; /* oidc_cache_dir/<side>.discovery.json */
	char jwks_path[OIDC_PATH_MAX];      /* oidc_cache_dir/<side>.jwks.json */
	char stamp_path[OIDC_PATH_MAX];     /* oidc_cache_dir/<side>.early-refresh */
};

/*
 * Fills rp for side from cfg. A side whose discovery is unset is not an
 * error: rp->enabled is false and nothing else is checked. Otherwise every
 * key is checked, and a wrong one is an error naming the key: the issuer,
 * discovery and public_url must be URLs oidc_url_ok() allows; a secret or
 * key file must be a regular file, not empty, readable by its owner only
 * (mode & 077 == 0); scopes must hold "openid"; enumerations must be one of
 * their words; oidc_cache_dir must be set. Returns 0, or -1 with err set,
 * prefixed with the file and line of the key (config_locate).
 * Free with oidc_rp_free(), also after a failure.
 */
int oidc_rp_init(struct oidc_rp *rp, const struct kp_config *cfg, enum oidc_side side, char *err,
                 size_t errlen);
void oidc_rp_free(struct oidc_rp *rp);

/* True for an absolute https:// URL, or an http:// one whose host is
 * 127.0.0.1, [::1] or localhost (the dev stack and tests on loopback);
 * no user info, no fragment, no control characters or spaces. */
bool oidc_url_ok(const char *url);

/* What Kaptajn uses of a discovery document. Endpoints it lacks are "". */
struct oidc_meta {
	char issuer[OIDC_URL_MAX];
	char authorization_endpoint[OIDC_URL_MAX];
	char token_endpoint[OIDC_URL_MAX];
	char jwks_uri[OIDC_URL_MAX];
	char userinfo_endpoint[OIDC_URL_MAX];
	char end_session_endpoint[OIDC_URL_MAX];
};

/* Parses and checks a discovery document: "issuer" equals want_issuer byte
 * for byte; authorization_endpoint, token_endpoint and jwks_uri are present
 * and every endpoint given passes oidc_url_ok(); code_challenge_methods_
 * supported, when present, holds "S256". Returns 0, or -1 with err set. */
int oidc_meta_parse(struct oidc_meta *m, const char *json, size_t len, const char *want_issuer,
                    char *err, size_t errlen);
/* Reads and checks the cached discovery document of rp (rp->discovery_path).
 * -1 with err set when there is none yet or it does not parse. */
int oidc_meta_load(struct oidc_meta *m, const struct oidc_rp *rp, char *err, size_t errlen);

/*
 * The refresh job's work for one side (run in a child of the supervisor,
 * never in a request): fetches the discovery document, checks it, fetches
 * its jwks_uri, checks that token_keyset_load() accepts it, and only then
 * replaces both cache files (write to a temporary file in the same
 * directory, fsync, rename). Returns 0, or -1 with err set and the old
 * files left as they were.
 */
int oidc_refresh(const struct oidc_rp *rp, char *err, size_t errlen);

/*
 * A token named a kid that the cached keys lack: fetches the JWKS again
 * (from the cached discovery's jwks_uri, never from anything the token
 * names), at most once per OIDC_EARLY_REFRESH_EVERY seconds for all the
 * host's workers (an flock'd stamp file). Returns 1 when it fetched and
 * replaced the keys, 0 when rate-limited (nothing fetched), -1 on failure
 * with err set.
 */
int oidc_refresh_early(const struct oidc_rp *rp, time_t now, char *err, size_t errlen);

/* A worker's copy of a keyset file, read again when the file changed. */
struct oidc_keys {
	struct token_keyset ks;
	bool loaded;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
};
/* Makes k current with the file at path (stat; reload when changed).
 * Returns 0 (k->loaded), or -1 with err set (k keeps what it had, or stays
 * unloaded). */
int oidc_keys_current(struct oidc_keys *k, const char *path, char *err, size_t errlen);
void oidc_keys_free(struct oidc_keys *k);

/* One login attempt's secrets: state (in the URL), nonce (in the token),
 * the PKCE verifier (server side only) and its S256 challenge, the binder
 * (the pre-login cookie's value, binding the attempt to this browser) and
 * the tag that names that cookie (OIDC_TAG_LEN characters of base64url of
 * SHA-256 of state). */
struct oidc_attempt {
	char state[OIDC_RAND_LEN + 1];
	char nonce[OIDC_RAND_LEN + 1];
	char verifier[OIDC_RAND_LEN + 1];
	char challenge[OIDC_RAND_LEN + 1];
	char binder[OIDC_RAND_LEN + 1];
	char tag[OIDC_TAG_LEN + 1];
};
/* Fills at with fresh random values. Returns 0 or -1. */
int oidc_attempt_new(struct oidc_attempt *at, struct rng *rng);
/* The tag of a state (for the callback, which has only the state). */
void oidc_state_tag(const char *state, char tag[OIDC_TAG_LEN + 1]);
/* BASE64URL(SHA256(verifier)) (RFC 7636 S256). */
void oidc_pkce_challenge(const char *verifier, char out[OIDC_RAND_LEN + 1]);

/* The authorization request URL: m's authorization_endpoint with
 * response_type=code, client_id, redirect_uri, scope, state, nonce,
 * code_challenge, code_challenge_method=S256, the configured auth_params
 * and, when not NULL, login_hint; all percent-encoded. In arena a. */
char *oidc_authorize_url(struct arena *a, const struct oidc_rp *rp, const struct oidc_meta *m,
                         const struct oidc_attempt *at, const char *login_hint);

/* The RP-initiated logout URL: m's end_session_endpoint with id_token_hint
 * (when not NULL), client_id, post_logout_redirect_uri and state; NULL
 * when the broker offers no end_session_endpoint. In arena a. */
char *oidc_end_session_url(struct arena *a, const struct oidc_rp *rp, const struct oidc_meta *m,
                           const char *id_token_hint, const char *state);

/* True when at_hash is the left half of the SHA-256 of access_token,
 * base64url (for ES256 and RS256), compared in constant time. */
bool oidc_at_hash_ok(const char *at_hash, const char *access_token);

/* How a call to the broker went. */
enum oidc_result {
	OIDC_OK,
	OIDC_REFUSED,     /* the broker answered with an OAuth error (invalid_grant, ...) */
	OIDC_UNAVAILABLE, /* time-out, no connection, TLS failure, 5xx */
	OIDC_BAD_ANSWER   /* not JSON, missing id_token, over OIDC_BODY_MAX, ... */
};

/* What the token endpoint gave; malloc'd strings, wiped and freed by
 * oidc_tokens_free(). access_token may be NULL. */
struct oidc_tokens {
	char *id_token;
	char *access_token;
};
void oidc_tokens_free(struct oidc_tokens *t);

/*
 * POSTs grant_type=authorization_code with code, redirect_uri and the PKCE
 * code_verifier to m's token endpoint, authenticated as rp->auth says
 * (client_secret_basic, client_secret_post, or private_key_jwt with a fresh
 * client_assertion signed by the client key). libcurl with certificate and
 * host verification on, rp->ca_file when set, no redirects followed, only
 * https (or loopback http), a total time-out of min(rp->timeout s,
 * timeout_ms). err (for the log only) says what went wrong, with the
 * broker's "error" code when it gave one.
 */
enum oidc_result oidc_exchange(const struct oidc_rp *rp, const struct oidc_meta *m,
                               const char *code, const char *verifier, long timeout_ms,
                               struct oidc_tokens *out, char *err, size_t errlen);

/* GETs m's userinfo endpoint with the access token (Bearer); *out is the
 * JSON object (caller decrefs). The caller checks that its "sub" equals
 * the ID token's. */
enum oidc_result oidc_userinfo(const struct oidc_rp *rp, const struct oidc_meta *m,
                               const char *access_token, long timeout_ms, json_t **out, char *err,
                               size_t errlen);

/* curl_global_init, once in the supervisor before forking. 0 or -1. */
int oidc_global_init(void);

#endif
