/* session.h: logging in with an ID token and the server-side sessions that
 * follow. The cookie holds 256 random bits; the database holds only their
 * SHA-256, and the SHA-256 of the CSRF token. */
#ifndef KP_SESSION_H
#define KP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "crypto.h"
#include "db.h"
#include "kp.h"
#include "token.h"

#define SESSION_COOKIE "kaptajn_session"
/* Staff have their own cookie, scoped to /admin/, so a caseworker who is
 * also logged in as a citizen in the same browser keeps both apart. */
#define SESSION_COOKIE_STAFF "kaptajn_staff_session"
#define SESSION_IDLE_CITIZEN (15 * 60)
#define SESSION_IDLE_STAFF (10 * 60)
#define SESSION_ABSOLUTE (8 * 3600)
#define SESSION_TOUCH_EVERY 60   /* last_seen is written at most once a minute */
#define SESSION_TOKEN_LEN 43     /* base64url of 32 bytes */
#define SESSION_KEEP (24 * 3600) /* a dead session's row is kept at least this long */
#define SESSION_PURGE_ROUNDS 4
#define SESSION_ATTEMPT_KEEP 3600 /* a login attempt's row is kept an hour */   /* statements per table in one session_purge() */

/* What a new session gives the client. */
struct session_new {
	char cookie[SESSION_TOKEN_LEN + 1];
	char csrf[SESSION_TOKEN_LEN + 1];
};

/* A live session found from its cookie. */
struct session {
	struct kp_actor who;
	/* A citizen's: what proves their plan answer current (plan.h). */
	long long plan_version;
	long long rev;
	/* A citizen's newest consent fact ("none", "given", "withdrawn") and
	 * whether their plan is frozen (a member withdrew): the route table's
	 * consent gate reads them (core/consent.c). */
	const char *consent;
	bool frozen;
	bool course_ended; /* the course has ended: the plan can only be read */
	uint8_t id_hash[KP_SHA256_LEN];
	uint8_t csrf_hash[KP_SHA256_LEN];
};

/* What a pool needs to log people in. */
struct login_ctx {
	struct db *db;
	struct rng *rng;
	const struct kp_keys *keys;
	const struct token_keyset *keyset;
	const struct token_policy *policy;
};

/*
 * Verifies a citizen's ID token (token_verify), uses its jti once, finds the
 * citizen by the keyed hash of the CPR claim and opens a session, all in one
 * transaction. Returns KP_OK with *out and *who (name in arena a), KP_EAUTH
 * for any bad, replayed or unknown token (the reason goes to the log only),
 * or a database error.
 */
enum kp_err session_login_citizen(const struct login_ctx *lc, struct arena *a, const char *token,
                                  size_t len, time_t now, struct session_new *out,
                                  struct kp_actor *who, struct kp_fail *f);

/*
 * Verifies a staff member's ID token (staff issuer and audience), uses its
 * jti once, finds the active staff member by the token's iss and sub (byte
 * for byte) and checks the
 * role claim against theirs, then opens a staff session. As
 * session_login_citizen otherwise; who->role is "caseworker" or "contact".
 */
enum kp_err session_login_staff(const struct login_ctx *lc, struct arena *a, const char *token,
                                size_t len, time_t now, struct session_new *out,
                                struct kp_actor *who, struct kp_fail *f);

/*
 * The code flow's login, after the front verified the ID token (token_verify
 * with the attempt's nonce) and merged what userinfo gave into *c: uses
 * the token once by SHA-256(iss "\n" nonce), finds the citizen by c->cpr or
 * the active staff member by (c->iss, c->sub) byte for byte (and, when
 * lc->policy->role_claim is set and not empty, whose role c->role names),
 * and opens a session of kind, keeping id_token (NULL: none) AES-GCM
 * sealed with it for the logout. Outcomes as session_login_citizen; f's
 * code tells unknown_citizen and unknown_staff from invalid_token (a
 * replay).
 */
enum kp_err session_login_claims(const struct login_ctx *lc, struct arena *a,
                                 enum kp_actor_kind kind, const struct token_claims *c,
                                 const char *nonce, const char *id_token, time_t now,
                                 struct session_new *out, struct kp_actor *who,
                                 struct kp_fail *f);

/* The ID token kept with session s (session_login_claims), opened, in
 * arena a; NULL when it has none, or it does not open under keys (another
 * row's, or changed). */
const char *session_id_token(struct db *db, struct arena *a, const struct kp_keys *keys,
                             const struct session *s);

/* Finds the live session of kind (KP_ACTOR_CITIZEN or KP_ACTOR_STAFF) for a
 * cookie value; ends it when idle or too old, and notes it seen (at most
 * once a minute). KP_OK with *s filled (strings in a; a citizen's also
 * with the plan's version and the citizen's rev), KP_EAUTH, or a database
 * error. One query of primary-key reads. */
enum kp_err session_find(struct db *db, struct arena *a, enum kp_actor_kind kind,
                         const char *cookie, size_t len, time_t now, struct session *s);

/* True when token is the session's CSRF token (constant time). */
bool session_csrf_ok(const struct session *s, const char *token, size_t len);

/* Ends a session server-side. */
enum kp_err session_end(struct db *db, const struct session *s, time_t now);

/*
 * Deletes what no login or session needs any more: used token ids whose
 * token expired (exp + TOKEN_SKEW) more than TOKEN_SKEW before now (the
 * second skew for the clocks of other hosts), and sessions created more
 * than SESSION_ABSOLUTE + SESSION_KEEP before now, which all ended or
 * expired at least SESSION_KEEP ago, and login attempts (login_attempts)
 * begun more than SESSION_ATTEMPT_KEEP before now (not counted). Bounded: at most SESSION_PURGE_ROUNDS
 * statements of DB_PURGE_LIMIT rows per table, each committed on its own.
 * Returns KP_OK with the rows deleted in *tokens and *sessions (also set
 * to what went before an error), or a database error.
 */
enum kp_err session_purge(struct db *db, time_t now, long long *tokens, long long *sessions);

/* The sessions live at now (not ended, not idle, not past their absolute
 * timeout), counted in the database: KP_OK with *citizens and *staff set,
 * or a database error. The result's memory is taken from a. */
enum kp_err session_count_live(struct db *db, struct arena *a, time_t now, long long *citizens,
                               long long *staff);

#endif
