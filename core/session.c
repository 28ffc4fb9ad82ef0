/* session.c: login with an ID token, and server-side sessions (session.h). */
#include <stdio.h>
#include <string.h>

#include "session.h"

/* Keeps id_token (the login's, for the logout's id_token_hint) sealed in
 * the session's row: AES-256-GCM under the session key, the row's id hash
 * as additional data, so that it opens only with its own row. */
static enum kp_err session_keep_id_token(const struct login_ctx *lc, const char *id_token,
                                         const uint8_t id_hash[KP_SHA256_LEN])
{
	size_t len = strlen(id_token);
	uint8_t sealed[TOKEN_MAX_LEN + KP_SEAL_OVERHEAD];
	enum kp_err err;

	if (len == 0 || len > TOKEN_MAX_LEN)
		return KP_EINTERNAL;
	if (kp_seal(lc->keys->key[0].session_enc, lc->rng, id_token, len, id_hash, KP_SHA256_LEN,
	            sealed) != 0)
		return KP_EINTERNAL;
	err = db_exec(lc->db, DB_SESSION_ID_TOKEN_SET,
	              DB_ARGS(DB_BLOB(sealed, len + KP_SEAL_OVERHEAD),
	                      DB_BLOB(id_hash, KP_SHA256_LEN)),
	              NULL, NULL);
	kp_wipe(sealed, sizeof(sealed));
	return err;
}

/* Opens a session; id_token (NULL: none) is kept sealed with it. */
static enum kp_err session_open(const struct login_ctx *lc, const char *kind,
                                long long citizen_id, long long staff_id, const char *id_token,
                                time_t now, struct session_new *out)
{
	uint8_t raw[32], csrf[32], id_hash[KP_SHA256_LEN], csrf_hash[KP_SHA256_LEN];
	struct db *db = lc->db;
	struct rng *rng = lc->rng;
	enum kp_err err;

	if (rng_bytes(rng, raw, sizeof(raw)) != 0 || rng_bytes(rng, csrf, sizeof(csrf)) != 0)
		return KP_EINTERNAL;
	kp_b64url_encode(raw, sizeof(raw), out->cookie, sizeof(out->cookie));
	kp_b64url_encode(csrf, sizeof(csrf), out->csrf, sizeof(out->csrf));
	kp_sha256(out->cookie, SESSION_TOKEN_LEN, id_hash);
	kp_sha256(out->csrf, SESSION_TOKEN_LEN, csrf_hash);
	err = db_exec(db, DB_SESSION_INSERT,
	              DB_ARGS(DB_BLOB(id_hash, sizeof(id_hash)), DB_STR(kind),
	                      citizen_id > 0 ? DB_I64(citizen_id) : DB_NULL,
	                      staff_id > 0 ? DB_I64(staff_id) : DB_NULL,
	                      DB_BLOB(csrf_hash, sizeof(csrf_hash)), DB_I64(now), DB_I64(now)),
	              NULL, NULL);
	if (err == KP_OK && id_token != NULL)
		err = session_keep_id_token(lc, id_token, id_hash);
	kp_wipe(raw, sizeof(raw));
	kp_wipe(csrf, sizeof(csrf));
	return err;
}

/* What using a token once records: the hash of its issuer and jti, and
 * until when a replay must be refused. */
struct login_once {
	uint8_t jti_hash[KP_SHA256_LEN];
	long long expires;
};

/*
 * What both logins do first: verifies the token into *c and notes what
 * using it once needs in *once. Reasons go to the log, never to the
 * client.
 */
static enum kp_err login_verify(const struct login_ctx *lc, const char *token, size_t len,
                                time_t now, struct token_claims *c, struct login_once *once,
                                struct kp_fail *f)
{
	char buf[sizeof(c->iss) + sizeof(c->jti) + 2];
	const char *why = "";
	int n;

	if (token_verify(lc->keyset, lc->policy, token, len, now, c, &why) != KP_OK) {
		fprintf(stderr, "login refused: %s\n", why);
		return KP_FAIL(f, KP_EAUTH, "invalid_token", "the ID token is not valid");
	}
	n = snprintf(buf, sizeof(buf), "%s\n%s", c->iss, c->jti);
	kp_sha256(buf, (size_t)n, once->jti_hash);
	once->expires = c->exp + TOKEN_SKEW;
	return KP_OK;
}

/* Inside the login's transaction, so that the jti is used in the same
 * commit that opens the session: records the token as used; KP_EAUTH
 * (invalid_token) when it was used before. */
static enum kp_err login_use_once(struct db *db, const struct login_once *once,
                                  struct kp_fail *f)
{
	enum kp_err err = db_exec(db, DB_TOKEN_USE,
	                          DB_ARGS(DB_BLOB(once->jti_hash, sizeof(once->jti_hash)),
	                                  DB_I64(once->expires)),
	                          NULL, NULL);

	if (err != KP_ECONFLICT)
		return err;
	fprintf(stderr, "login refused: token replayed\n");
	return KP_FAIL(f, KP_EAUTH, "invalid_token", "the ID token is not valid");
}

/* DB_CITIZEN_BY_CPR's row: who logs in as a citizen. */
static void login_citizen_row(struct kp_actor *who, const struct db_res *r, size_t i)
{
	who->kind = KP_ACTOR_CITIZEN;
	who->id = db_i64(r, i, LCZ_ID);
	who->name = db_cell(r, i, LCZ_NAME);
}

/* DB_STAFF_LOGIN's row: who logs in as staff. */
static void login_staff_row(struct kp_actor *who, const struct db_res *r, size_t i)
{
	who->kind = KP_ACTOR_STAFF;
	who->id = db_i64(r, i, LST_ID);
	who->name = db_cell(r, i, LST_NAME);
	who->role = db_cell(r, i, LST_ROLE);
}

/* Records now as citizen_id's first login, unless one is recorded. */
static enum kp_err login_first(struct db *db, long long citizen_id, time_t now)
{
	char at[32];
	struct tm tm;

	strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
	return db_exec(db, DB_CITIZEN_FIRST_LOGIN, DB_ARGS(DB_STR(at), DB_I64(citizen_id)), NULL,
	               NULL);
}

/* DB_CITIZEN_BY_CPR takes one look-up hash a key. */
_Static_assert(KP_KEYS_MAX == 4, "DB_CITIZEN_BY_CPR has four places for look-up hashes");

/* The citizen's half of a login, once the token is verified: in one
 * transaction, so that the token is used in the same commit that opens
 * the session, uses it once, finds the citizen by the keyed hash of the
 * CPR number and opens the session (keeping id_token when not NULL). The
 * hash under every configured key is asked for at once: a row sealed
 * under an old key is found until it is sealed again, and the open course
 * comes first whatever key its row is under. */
static enum kp_err login_open_citizen(const struct login_ctx *lc, struct arena *a,
                                      const struct token_claims *c,
                                      const struct login_once *once, const char *id_token,
                                      time_t now, struct session_new *out, struct kp_actor *who,
                                      struct kp_fail *f)
{
	struct db_res r;
	uint8_t lookup[KP_KEYS_MAX][KP_SHA256_LEN];
	enum kp_err err;

	if (!kp_cpr_valid(c->cpr, strlen(c->cpr))) {
		fprintf(stderr, "login refused: no valid CPR number\n");
		return KP_FAIL(f, KP_EAUTH, "invalid_token", "the ID token is not valid");
	}
	kp_cpr_lookups(lc->keys, c->cpr, lookup);
	if ((err = db_tx_begin(lc->db)) != KP_OK)
		return err;
	if ((err = login_use_once(lc->db, once, f)) != KP_OK)
		goto out;
	err = db_query(lc->db, a, DB_CITIZEN_BY_CPR,
	               DB_ARGS(DB_BLOB(lookup[0], KP_SHA256_LEN), DB_BLOB(lookup[1], KP_SHA256_LEN),
	                       DB_BLOB(lookup[2], KP_SHA256_LEN), DB_BLOB(lookup[3], KP_SHA256_LEN)),
	               &r);
	if (err != KP_OK)
		goto out;
	if (r.nrows != 1) {
		fprintf(stderr, "login refused: no citizen with that CPR number\n");
		err = KP_FAIL(f, KP_EAUTH, "unknown_citizen", "there is no plan for this person");
		goto out;
	}
	login_citizen_row(who, &r, 0);
	/* The caseload shows who never logged in: the first login says when,
	 * once. */
	if (db_i64(&r, 0, LCZ_NEVER_LOGGED_IN) != 0 &&
	    (err = login_first(lc->db, who->id, now)) != KP_OK)
		goto out;
	err = session_open(lc, "citizen", who->id, 0, id_token, now, out);
out:
	kp_wipe(lookup, sizeof(lookup));
	return db_tx_end(lc->db, err);
}

/* The staff half, as login_open_citizen: the active staff member of the
 * token's (iss, sub), and, when check_role, whose role the token's role
 * claim names. A refusal is logged with the issuer and a short hash of the
 * subject, never the subject itself. */
static enum kp_err login_open_staff(const struct login_ctx *lc, struct arena *a,
                                    const struct token_claims *c, const struct login_once *once,
                                    bool check_role, const char *id_token, time_t now,
                                    struct session_new *out, struct kp_actor *who,
                                    struct kp_fail *f)
{
	uint8_t h[KP_SHA256_LEN];
	char hex[2 * KP_SHA256_LEN + 1];
	struct db_res r;
	enum kp_err err;

	if ((err = db_tx_begin(lc->db)) != KP_OK)
		return err;
	if ((err = login_use_once(lc->db, once, f)) != KP_OK)
		goto out;
	/* A person is the pair (issuer, subject), byte for byte: the issuer
	 * is the configured one (token_verify checked it), the subject exactly
	 * as the login wrote it. */
	err = db_query(lc->db, a, DB_STAFF_LOGIN, DB_ARGS(DB_STR(c->iss), DB_STR(c->sub)), &r);
	if (err != KP_OK)
		goto out;
	/* The municipality's login says what the person is; a role taken away
	 * there takes effect here at the next login. */
	if (r.nrows != 1 || (check_role && strcmp(c->role, db_cell(&r, 0, LST_ROLE)) != 0)) {
		kp_sha256(c->sub, strlen(c->sub), h);
		kp_hex_encode(h, 6, hex);
		fprintf(stderr,
		        "staff login refused: %s (iss=%s sub-sha256=%s)\n",
		        r.nrows != 1 ? "unknown or inactive staff member" : "role differs",
		        c->iss, hex);
		err = KP_FAIL(f, KP_EAUTH, "unknown_staff", "you have no access to Kaptajn");
		goto out;
	}
	login_staff_row(who, &r, 0);
	err = session_open(lc, "staff", 0, who->id, id_token, now, out);
out:
	return db_tx_end(lc->db, err);
}

/* The dev login by POST: verifies the token and uses it once by its jti. */
static enum kp_err login_token(const struct login_ctx *lc, struct arena *a,
                               enum kp_actor_kind kind, const char *token, size_t len,
                               time_t now, struct session_new *out, struct kp_actor *who,
                               struct kp_fail *f)
{
	struct token_claims c;
	struct login_once once;
	enum kp_err err;

	memset(who, 0, sizeof(*who));
	err = login_verify(lc, token, len, now, &c, &once, f);
	if (err == KP_OK)
		err = kind == KP_ACTOR_STAFF
		              ? login_open_staff(lc, a, &c, &once, true, NULL, now, out, who, f)
		              : login_open_citizen(lc, a, &c, &once, NULL, now, out, who, f);
	kp_wipe(&c, sizeof(c));
	return err;
}

enum kp_err session_login_citizen(const struct login_ctx *lc, struct arena *a, const char *token,
                                  size_t len, time_t now, struct session_new *out,
                                  struct kp_actor *who, struct kp_fail *f)
{
	return login_token(lc, a, KP_ACTOR_CITIZEN, token, len, now, out, who, f);
}

enum kp_err session_login_staff(const struct login_ctx *lc, struct arena *a, const char *token,
                                size_t len, time_t now, struct session_new *out,
                                struct kp_actor *who, struct kp_fail *f)
{
	return login_token(lc, a, KP_ACTOR_STAFF, token, len, now, out, who, f);
}

/*
 * The code flow's token is used once by its issuer and nonce, not by its
 * jti: the nonce is always there (token_verify required it to be this
 * attempt's), fresh and random for each attempt, whereas a broker need not
 * send a jti at all. Recording it refuses a second ID token of the same
 * attempt (a second code redeemed, or the token endpoint's answer played
 * again), on top of the attempt's own single use.
 */
enum kp_err session_login_claims(const struct login_ctx *lc, struct arena *a,
                                 enum kp_actor_kind kind, const struct token_claims *c,
                                 const char *nonce, const char *id_token, time_t now,
                                 struct session_new *out, struct kp_actor *who,
                                 struct kp_fail *f)
{
	struct login_once once;
	const char *role_claim = lc->policy != NULL ? lc->policy->role_claim : NULL;
	char *buf;
	size_t n;

	memset(who, 0, sizeof(*who));
	if (nonce == NULL || *nonce == '\0' || c->iss[0] == '\0')
		return KP_EINTERNAL;
	n = strlen(c->iss) + 1 + strlen(nonce);
	buf = arena_alloc(a, n + 1);
	snprintf(buf, n + 1, "%s\n%s", c->iss, nonce);
	kp_sha256(buf, n, once.jti_hash);
	once.expires = c->exp + TOKEN_SKEW;
	if (kind == KP_ACTOR_STAFF)
		return login_open_staff(lc, a, c, &once, role_claim != NULL && *role_claim != '\0',
		                        id_token, now, out, who, f);
	return login_open_citizen(lc, a, c, &once, id_token, now, out, who, f);
}

const char *session_id_token(struct db *db, struct arena *a, const struct kp_keys *keys,
                             const struct session *s)
{
	struct db_res r;
	const uint8_t *sealed;
	size_t len;
	char *tok;

	if (db_query(db, a, DB_SESSION_ID_TOKEN,
	             DB_ARGS(DB_BLOB(s->id_hash, sizeof(s->id_hash))), &r) != KP_OK ||
	    r.nrows != 1 || db_cell(&r, 0, SIT_ID_TOKEN) == NULL)
		return NULL;
	sealed = (const uint8_t *)db_cell(&r, 0, SIT_ID_TOKEN);
	len = db_cell_len(&r, 0, SIT_ID_TOKEN);
	if (len <= KP_SEAL_OVERHEAD || len > TOKEN_MAX_LEN + KP_SEAL_OVERHEAD)
		return NULL;
	tok = arena_alloc(a, len - KP_SEAL_OVERHEAD + 1);
	if (kp_session_open(keys, sealed, len, s->id_hash, sizeof(s->id_hash), (uint8_t *)tok) !=
	    0)
		return NULL;
	tok[len - KP_SEAL_OVERHEAD] = '\0';
	return tok;
}

/* Where each session statement has the row's common part: the actor's
 * id, the CSRF hash, when the session began and was last seen. */
static const struct session_cols {
	enum db_stmt stmt;
	int id, csrf, created, last_seen;
} session_cols[2] = {
	{DB_SESSION_GET_CITIZEN, SC_CITIZEN_ID, SC_CSRF_HASH, SC_CREATED, SC_LAST_SEEN},
	{DB_SESSION_GET_STAFF, SS_STAFF_ID, SS_CSRF_HASH, SS_CREATED, SS_LAST_SEEN},
};

enum kp_err session_find(struct db *db, struct arena *a, enum kp_actor_kind kind,
                         const char *cookie, size_t len, time_t now, struct session *s)
{
	bool staff = kind == KP_ACTOR_STAFF;
	const struct session_cols *c = &session_cols[staff];
	long long idle = staff ? SESSION_IDLE_STAFF : SESSION_IDLE_CITIZEN;
	long long created, last_seen;
	struct db_res r;
	enum kp_err err;

	memset(s, 0, sizeof(*s));
	if (len != SESSION_TOKEN_LEN)
		return KP_EAUTH;
	kp_sha256(cookie, len, s->id_hash);
	err = db_query(db, a, c->stmt, DB_ARGS(DB_BLOB(s->id_hash, sizeof(s->id_hash))), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1 || db_cell_len(&r, 0, c->csrf) != KP_SHA256_LEN)
		return KP_EAUTH;
	created = db_i64(&r, 0, c->created);
	last_seen = db_i64(&r, 0, c->last_seen);
	if (now - last_seen > idle || now - created > SESSION_ABSOLUTE) {
		session_end(db, s, now);
		return KP_EAUTH;
	}
	s->who.kind = kind;
	s->who.id = db_i64(&r, 0, c->id);
	memcpy(s->csrf_hash, db_cell(&r, 0, c->csrf), KP_SHA256_LEN);
	if (staff) {
		s->who.name = db_cell(&r, 0, SS_NAME);
		s->who.role = db_cell(&r, 0, SS_ROLE);
	} else {
		s->who.plan_id = db_i64(&r, 0, SC_PLAN_ID);
		s->who.name = db_cell(&r, 0, SC_NAME);
		s->plan_version = db_i64(&r, 0, SC_PLAN_VERSION);
		s->rev = db_i64(&r, 0, SC_REV);
		s->consent = db_cell(&r, 0, SC_CONSENT);
		s->frozen = db_i64(&r, 0, SC_FROZEN) != 0;
		s->course_ended = db_i64(&r, 0, SC_COURSE_ENDED) != 0;
	}
	if (now - last_seen >= SESSION_TOUCH_EVERY)
		return db_exec(db, DB_SESSION_TOUCH,
		               DB_ARGS(DB_I64(now), DB_BLOB(s->id_hash, sizeof(s->id_hash))), NULL,
		               NULL);
	return KP_OK;
}

bool session_csrf_ok(const struct session *s, const char *token, size_t len)
{
	uint8_t h[KP_SHA256_LEN];

	if (token == NULL || len != SESSION_TOKEN_LEN)
		return false;
	kp_sha256(token, len, h);
	return kp_ct_equal(h, s->csrf_hash, sizeof(h));
}

enum kp_err session_end(struct db *db, const struct session *s, time_t now)
{
	return db_exec(db, DB_SESSION_END,
	               DB_ARGS(DB_I64(now), DB_BLOB(s->id_hash, sizeof(s->id_hash))), NULL, NULL);
}

enum kp_err session_purge(struct db *db, time_t now, long long *tokens, long long *sessions)
{
	long long attempts = 0;
	const struct {
		enum db_stmt st;
		long long before;
		long long *n;
	} purge[] = {
		{DB_TOKEN_PURGE, (long long)now - TOKEN_SKEW, tokens},
		{DB_SESSION_PURGE, (long long)now - SESSION_ABSOLUTE - SESSION_KEEP, sessions},
		{DB_LOGIN_ATTEMPT_PURGE, (long long)now - SESSION_ATTEMPT_KEEP, &attempts},
	};
	size_t i;
	int round;

	*tokens = *sessions = 0;
	for (i = 0; i < sizeof(purge) / sizeof(purge[0]); i++)
		for (round = 0; round < SESSION_PURGE_ROUNDS; round++) {
			unsigned long long n = 0;
			enum kp_err err = db_exec(db, purge[i].st, DB_ARGS(DB_I64(purge[i].before)),
			                          &n, NULL);

			if (err != KP_OK)
				return err;
			*purge[i].n += (long long)n;
			if (n < DB_PURGE_LIMIT)
				break;
		}
	return KP_OK;
}

enum kp_err session_count_live(struct db *db, struct arena *a, time_t now, long long *citizens,
                               long long *staff)
{
	struct db_res r;
	enum kp_err err;

	*citizens = *staff = 0;
	err = db_query(db, a, DB_SESSION_COUNT_LIVE,
	               DB_ARGS(DB_I64((long long)now - SESSION_ABSOLUTE),
	                       DB_I64((long long)now - SESSION_IDLE_CITIZEN),
	                       DB_I64((long long)now - SESSION_IDLE_STAFF)),
	               &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_EINTERNAL;
	*citizens = db_i64(&r, 0, SCL_CITIZEN);
	*staff = db_i64(&r, 0, SCL_STAFF);
	return KP_OK;
}
