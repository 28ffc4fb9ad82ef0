/* devidp.h: the claims the dev identity provider signs for a demo person
 * (dev mode only). */
#ifndef KP_DEVIDP_H
#define KP_DEVIDP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "config.h"
#include "crypto.h"
#include "kp.h"
#include "token.h"

/*
 * The claims of an ID token for sub (a demo person from dev_idp_dir's
 * users.json, or a benchmark citizen "bench-N") with audience aud, level
 * loa, valid for ttl seconds from now (a negative ttl makes a token that
 * expired -ttl seconds ago). Returns a new object, or NULL with *why set
 * when sub is unknown.
 */
json_t *devidp_claims(const struct kp_config *cfg, struct rng *rng, const char *sub,
                      const char *aud, enum token_loa loa, long long ttl, time_t now,
                      const char **why);

/*
 * The same for a citizen who is not a demo person (one just enrolled): cpr
 * ("DDMMYYSSSS" or "DDMMYY-SSSS", a real date) and name (1 to 200
 * characters, no control characters) go into the token as a broker would
 * put them, with a random sub; aud must be kaptajn-citizen. Whether the
 * number is enrolled is the citizen login's to find. NULL with *why set
 * (never holding the number) when one is not valid.
 */
json_t *devidp_claims_cpr(const struct kp_config *cfg, struct rng *rng, const char *cpr,
                          const char *name, const char *aud, enum token_loa loa, long long ttl,
                          time_t now, const char **why);

/*
 * The dev identity provider as a small OpenID provider (authorization code
 * flow with PKCE S256; see API.md "Login the production way").
 */
#define DEVIDP_CODE_TTL 60          /* seconds a code lives */
#define DEVIDP_CODE_LEN 43          /* base64url of 32 random bytes */
#define DEVIDP_NONCE_MAX 255        /* state and nonce: printable ASCII, this long at most */
#define DEVIDP_ID_TOKEN_TTL 300

enum devidp_client { DEVIDP_CLIENT_NONE = -1, DEVIDP_CLIENT_CITIZEN, DEVIDP_CLIENT_STAFF };

/* The client of client_id: kaptajn-citizen or kaptajn-admin (NULL: none). */
enum devidp_client devidp_client_of(const char *client_id);

/* The only redirect URI of client: the origin of base (the dev_idp_url,
 * "scheme://host[:port]/...") + "/api/v1/login/callback" or
 * "/admin/api/v1/login/callback". 0, or -1 when base has no origin or out
 * is too small. Pure. */
int devidp_redirect_uri(const char *base, enum devidp_client client, char *out, size_t cap);

/* True when uri is exactly base's origin + "/" or + "/admin/" (where the
 * logout may send the browser). Pure. */
bool devidp_post_logout_ok(const char *base, const char *uri);

/* True when s (may be NULL) is 1..max printable ASCII characters (state,
 * nonce, login_hint). Pure. */
bool devidp_param_ok(const char *s, size_t max);

/* True when verifier is an RFC 7636 code verifier (43..128 characters of
 * A-Z a-z 0-9 - . _ ~) whose BASE64URL(SHA256()) is challenge, compared in
 * constant time. Pure. */
bool devidp_pkce_ok(const char *verifier, const char *challenge);

/* What a code stands for, kept server side until it is used. */
struct devidp_grant {
	enum devidp_client client;
	char redirect_uri[1024];
	char nonce[DEVIDP_NONCE_MAX + 1];
	char challenge[DEVIDP_CODE_LEN + 1];
	long long exp;                   /* the code's end (seconds) */
	char sub[128];
	json_t *user;                    /* name, kind, cpr or role (users.json's form) */
};
void devidp_grant_free(struct devidp_grant *g);

/* Whether a grant may be exchanged by client_id with redirect_uri and
 * verifier at now: NULL when it may, else the reason (for the log). Pure. */
const char *devidp_grant_check(const struct devidp_grant *g, const char *client_id,
                               const char *redirect_uri, const char *verifier, time_t now);

/* The demo person of sub (users.json or "bench-N") of the client's kind, or
 * NULL. A new reference. */
json_t *devidp_person(const struct kp_config *cfg, const char *sub, enum devidp_client client);
/* The demo people of the client's kind, in users.json's order (a new
 * array; empty when there are none). */
json_t *devidp_people(const struct kp_config *cfg, enum devidp_client client);
/* A citizen by CPR number and name (as devidp_claims_cpr checks them):
 * the person, with a random sub into sub (sublen >= 32); NULL with *why. */
json_t *devidp_person_cpr(struct rng *rng, const char *cpr, const char *name, char *sub,
                          size_t sublen, const char **why);

/* Keeps g (its exp set here, now + DEVIDP_CODE_TTL) under a new random code
 * in dev_idp_dir/codes/ (mode 0600, named by the code's SHA-256), and
 * removes codes long expired. 0, or -1 with *why. */
int devidp_code_issue(const struct kp_config *cfg, struct rng *rng, struct devidp_grant *g,
                      time_t now, char code[DEVIDP_CODE_LEN + 1], const char **why);
/* Takes the grant of code out of the store (once: a second take of the
 * same code fails). 0 with *g filled (free with devidp_grant_free), or -1
 * when the code is malformed, unknown or already used. */
int devidp_code_take(const struct kp_config *cfg, const char *code, struct devidp_grant *g);

/* True when secret (len bytes) is the client secret in dev_idp_dir/client-secret. */
bool devidp_client_secret_ok(const struct kp_config *cfg, const char *secret, size_t len);

/* The ID token's claims for g, as the token endpoint signs them: iss by
 * client, aud = azp = client_id, sub, nonce, at_hash of access_token, iat,
 * exp (+DEVIDP_ID_TOKEN_TTL), jti, loa (substantial), name, and dk.cpr
 * (citizen) or role (staff). NULL with *why. */
json_t *devidp_code_claims(const struct kp_config *cfg, struct rng *rng,
                           const struct devidp_grant *g, const char *access_token, time_t now,
                           const char **why);

/* Reads an Authorization header's "Basic" credentials (RFC 7617; RFC 6749
 * 2.3.1) into id and secret. 0, or -1 when header is not Basic, not
 * base64, has no ':' or a part does not fit. Pure. */
int devidp_basic_auth(const char *header, char *id, size_t idcap, char *secret, size_t secretcap);

#endif
