/* test_purge_db.c: session_purge (core/session.c) against a real MariaDB:
 * spent token ids and sessions long dead go, everything else stays, and
 * one call deletes a bounded number of rows. Each test works inside a
 * transaction it rolls back, at a "now" in 2001: no other connection sees
 * its rows (the pools' own purge cannot take them), and its purge reaches
 * no row of anyone else. Skipped when KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "dbtest.h"
#include "session.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

/* Criterion runs tests in parallel processes: the tests of this suite take
 * turns, as each one's purge would reach the rows the others hold. */
static int turn = -1;

/* 9 September 2001, 01:46:40 UTC: before any row a real login wrote. */
static const long long T0 = 1000000000;
/* The last created_at and expires_at that a purge at T0 keeps. */
#define SESSION_CUTOFF (T0 - SESSION_ABSOLUTE - SESSION_KEEP)
#define TOKEN_CUTOFF (T0 - TOKEN_SKEW)

static void setup(void)
{
	turn = open("/tmp/kaptajn-purge-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(turn >= 0 && flock(turn, LOCK_EX) == 0, "the suite's lock file");
	dbtest_open(&cfg, &db, &a);
	cr_assert_eq(db_tx_begin(db), KP_OK);
}

static void teardown(void)
{
	db_tx_end(db, KP_ECONFLICT); /* rolls back */
	dbtest_close(&cfg, db, a);
	if (turn >= 0)
		close(turn);
}

TestSuite(purge_db, .init = setup, .fini = teardown);

/* A row key of its own for this run: SHA-256 of a label and n. */
static void key(const char *label, long n, uint8_t out[KP_SHA256_LEN])
{
	char s[128];
	int len = snprintf(s, sizeof(s), "purge-test %ld %lld %s %ld", (long)getpid(),
	                   (long long)time(NULL), label, n);

	kp_sha256(s, (size_t)len, out);
}

/* Inserts a staff session with this key; KP_ECONFLICT when it exists. */
static enum kp_err session_put(const uint8_t h[KP_SHA256_LEN], long long created,
                               long long last_seen, long long ended)
{
	uint8_t csrf[KP_SHA256_LEN] = {0};
	enum kp_err err;

	err = db_exec(db, DB_SESSION_INSERT,
	              DB_ARGS(DB_BLOB(h, KP_SHA256_LEN), DB_STR("staff"), DB_NULL, DB_NULL,
	                      DB_BLOB(csrf, sizeof(csrf)), DB_I64(created), DB_I64(last_seen)),
	              NULL, NULL);
	if (err == KP_OK && ended > 0)
		err = db_exec(db, DB_SESSION_END, DB_ARGS(DB_I64(ended), DB_BLOB(h, KP_SHA256_LEN)),
		              NULL, NULL);
	return err;
}

/* Inserts a used token id with this key; KP_ECONFLICT when it exists. */
static enum kp_err token_put(const uint8_t h[KP_SHA256_LEN], long long expires)
{
	return db_exec(db, DB_TOKEN_USE, DB_ARGS(DB_BLOB(h, KP_SHA256_LEN), DB_I64(expires)), NULL,
	               NULL);
}

/* Whether the row is still there: a second insert of its key conflicts. */
static bool session_there(const uint8_t h[KP_SHA256_LEN])
{
	enum kp_err err = session_put(h, T0, T0, 0);

	cr_assert(err == KP_OK || err == KP_ECONFLICT, "probe: %s", kp_strerror(err));
	return err == KP_ECONFLICT;
}

static bool token_there(const uint8_t h[KP_SHA256_LEN])
{
	enum kp_err err = token_put(h, T0);

	cr_assert(err == KP_OK || err == KP_ECONFLICT, "probe: %s", kp_strerror(err));
	return err == KP_ECONFLICT;
}

Test(purge_db, test_purge_takes_only_sessions_past_their_keep_and_tokens_past_their_expiry)
{
	uint8_t gone_s[3][KP_SHA256_LEN], kept_s[4][KP_SHA256_LEN];
	uint8_t gone_t[2][KP_SHA256_LEN], kept_t[3][KP_SHA256_LEN];
	long long tokens = -1, sessions = -1;
	size_t i;

	for (i = 0; i < 3; i++)
		key("gone session", (long)i, gone_s[i]);
	for (i = 0; i < 4; i++)
		key("kept session", (long)i, kept_s[i]);
	for (i = 0; i < 2; i++)
		key("gone token", (long)i, gone_t[i]);
	for (i = 0; i < 3; i++)
		key("kept token", (long)i, kept_t[i]);
	/* Gone: created before the cutoff, whether ended, idle or neither. */
	cr_assert_eq(session_put(gone_s[0], SESSION_CUTOFF - 1, SESSION_CUTOFF - 1, 0), KP_OK);
	cr_assert_eq(session_put(gone_s[1], SESSION_CUTOFF - 3600, SESSION_CUTOFF - 60,
	                         SESSION_CUTOFF - 30), KP_OK);
	cr_assert_eq(session_put(gone_s[2], 1, 1, 0), KP_OK);
	/* Kept: created at the cutoff (it may have lived until a day ago),
	 * ended an hour ago, live, or touched just now. */
	cr_assert_eq(session_put(kept_s[0], SESSION_CUTOFF, SESSION_CUTOFF, 0), KP_OK);
	cr_assert_eq(session_put(kept_s[1], T0 - 7200, T0 - 3600, T0 - 3600), KP_OK);
	cr_assert_eq(session_put(kept_s[2], T0 - 60, T0 - 5, 0), KP_OK);
	cr_assert_eq(session_put(kept_s[3], T0 - SESSION_ABSOLUTE, T0, 0), KP_OK);
	/* Tokens: gone once expired (exp + skew) by more than one more skew. */
	cr_assert_eq(token_put(gone_t[0], TOKEN_CUTOFF - 1), KP_OK);
	cr_assert_eq(token_put(gone_t[1], 0), KP_OK);
	cr_assert_eq(token_put(kept_t[0], TOKEN_CUTOFF), KP_OK);
	cr_assert_eq(token_put(kept_t[1], T0 - 1), KP_OK);
	cr_assert_eq(token_put(kept_t[2], T0 + 300), KP_OK);

	cr_assert_eq(session_purge(db, (time_t)T0, &tokens, &sessions), KP_OK);
	cr_assert_eq(sessions, 3);
	cr_assert_eq(tokens, 2);
	for (i = 0; i < 3; i++)
		cr_assert_not(session_there(gone_s[i]), "session %zu was kept", i);
	for (i = 0; i < 4; i++)
		cr_assert(session_there(kept_s[i]), "session %zu was purged", i);
	for (i = 0; i < 2; i++)
		cr_assert_not(token_there(gone_t[i]), "token %zu was kept", i);
	for (i = 0; i < 3; i++)
		cr_assert(token_there(kept_t[i]), "token %zu was purged", i);
}

Test(purge_db, test_purge_with_nothing_to_take_deletes_nothing)
{
	uint8_t s[KP_SHA256_LEN], t[KP_SHA256_LEN];
	long long tokens = -1, sessions = -1;

	key("live session", 0, s);
	key("live token", 0, t);
	cr_assert_eq(session_put(s, T0 - 10, T0 - 10, 0), KP_OK);
	cr_assert_eq(token_put(t, T0 + 10), KP_OK);
	cr_assert_eq(session_purge(db, (time_t)T0, &tokens, &sessions), KP_OK);
	cr_assert_eq(tokens, 0);
	cr_assert_eq(sessions, 0);
	cr_assert(session_there(s));
	cr_assert(token_there(t));
}

Test(purge_db, test_one_purge_takes_a_bounded_number_of_rows_and_the_next_the_rest)
{
	const long bound = (long)DB_PURGE_LIMIT * SESSION_PURGE_ROUNDS, extra = 7;
	long long tokens = -1, sessions = -1;
	uint8_t h[KP_SHA256_LEN], live[KP_SHA256_LEN];
	long n;

	for (n = 0; n < bound + extra; n++) {
		key("many sessions", n, h);
		cr_assert_eq(session_put(h, SESSION_CUTOFF - 1 - n, SESSION_CUTOFF - 1 - n, 0), KP_OK);
		key("many tokens", n, h);
		cr_assert_eq(token_put(h, TOKEN_CUTOFF - 1 - n), KP_OK);
	}
	key("live session among many", 0, live);
	cr_assert_eq(session_put(live, T0 - 10, T0 - 10, 0), KP_OK);

	cr_assert_eq(session_purge(db, (time_t)T0, &tokens, &sessions), KP_OK);
	cr_assert_eq(sessions, bound, "first purge: %lld sessions", sessions);
	cr_assert_eq(tokens, bound, "first purge: %lld tokens", tokens);
	cr_assert_eq(session_purge(db, (time_t)T0, &tokens, &sessions), KP_OK);
	cr_assert_eq(sessions, extra);
	cr_assert_eq(tokens, extra);
	cr_assert_eq(session_purge(db, (time_t)T0, &tokens, &sessions), KP_OK);
	cr_assert_eq(sessions + tokens, 0);
	cr_assert(session_there(live));
}

/* Inserts a login attempt begun at created; KP_ECONFLICT when it exists. */
static enum kp_err attempt_put(const uint8_t h[KP_SHA256_LEN], long long created)
{
	uint8_t binder[KP_SHA256_LEN] = {0};

	return db_exec(db, DB_LOGIN_ATTEMPT_INSERT,
	               DB_ARGS(DB_BLOB(h, KP_SHA256_LEN), DB_STR("citizen"),
	                       DB_BLOB(binder, sizeof(binder)), DB_STR("nonce"), DB_STR("verifier"),
	                       DB_STR("/"), DB_I64(created)),
	               NULL, NULL);
}

static bool attempt_there(const uint8_t h[KP_SHA256_LEN])
{
	struct db_res r;

	cr_assert_eq(db_query(db, a, DB_LOGIN_ATTEMPT_GET,
	                      DB_ARGS(DB_BLOB(h, KP_SHA256_LEN), DB_STR("citizen")), &r),
	             KP_OK);
	return r.nrows == 1;
}

Test(purge_db, login_attempts_older_than_an_hour_go_and_younger_ones_stay)
{
	uint8_t gone[2][KP_SHA256_LEN], kept[2][KP_SHA256_LEN];
	long long tokens = -1, sessions = -1;
	size_t i;

	for (i = 0; i < 2; i++) {
		key("gone attempt", (long)i, gone[i]);
		key("kept attempt", (long)i, kept[i]);
	}
	cr_assert_eq(attempt_put(gone[0], T0 - SESSION_ATTEMPT_KEEP - 1), KP_OK);
	cr_assert_eq(attempt_put(gone[1], 1), KP_OK);
	cr_assert_eq(attempt_put(kept[0], T0 - SESSION_ATTEMPT_KEEP), KP_OK);
	cr_assert_eq(attempt_put(kept[1], T0 - 10), KP_OK);
	cr_assert_eq(session_purge(db, (time_t)T0, &tokens, &sessions), KP_OK);
	for (i = 0; i < 2; i++) {
		cr_assert_not(attempt_there(gone[i]), "attempt %zu was kept", i);
		cr_assert(attempt_there(kept[i]), "attempt %zu was purged", i);
	}
}
