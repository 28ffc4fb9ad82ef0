/* test_session_count_db.c: session_count_live (core/session.c), the live
 * sessions that GET /metrics shows, against a real MariaDB: a session
 * counts exactly while session_find would take it (not ended, not idle by
 * its kind's rule, not past the absolute timeout). Each test works inside
 * a transaction it rolls back, at a "now" in 2096, which no real session
 * reaches. Skipped when KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "dbtest.h"
#include "session.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

/* 2096: after every row a real login wrote, and after its live window. */
static const long long T1 = 4000000000LL;

static void setup(void)
{
	dbtest_open(&cfg, &db, &a);
	cr_assert_eq(db_tx_begin(db), KP_OK);
}

static void teardown(void)
{
	db_tx_end(db, KP_ECONFLICT); /* rolls back */
	dbtest_close(&cfg, db, a);
}

TestSuite(session_count_db, .init = setup, .fini = teardown);

/* Inserts a session of kind ("citizen" or "staff", with no person: the
 * count reads only the times and the kind), ended at ended when > 0. */
static void session_put(const char *kind, long n, long long created, long long last_seen,
                        long long ended)
{
	uint8_t h[KP_SHA256_LEN], csrf[KP_SHA256_LEN] = {0};
	char s[128];
	int len = snprintf(s, sizeof(s), "count-test %ld %lld %s %ld", (long)getpid(),
	                   (long long)time(NULL), kind, n);

	kp_sha256(s, (size_t)len, h);
	cr_assert_eq(db_exec(db, DB_SESSION_INSERT,
	                     DB_ARGS(DB_BLOB(h, sizeof(h)), DB_STR(kind), DB_NULL, DB_NULL,
	                             DB_BLOB(csrf, sizeof(csrf)), DB_I64(created),
	                             DB_I64(last_seen)),
	                     NULL, NULL),
	             KP_OK);
	if (ended > 0)
		cr_assert_eq(db_exec(db, DB_SESSION_END, DB_ARGS(DB_I64(ended), DB_BLOB(h, sizeof(h))),
		                     NULL, NULL),
		             KP_OK);
}

Test(session_count_db, no_session_at_all_counts_zero)
{
	long long citizens = -1, staff = -1;

	cr_assert_eq(session_count_live(db, a, (time_t)T1, &citizens, &staff), KP_OK);
	cr_assert_eq(citizens, 0);
	cr_assert_eq(staff, 0);
}

Test(session_count_db, only_sessions_that_session_find_would_take_are_counted)
{
	long long citizens = -1, staff = -1;

	/* Counted: live, and live at both edges. */
	session_put("citizen", 1, T1 - 60, T1 - 10, 0);
	session_put("citizen", 2, T1 - SESSION_ABSOLUTE, T1 - SESSION_IDLE_CITIZEN, 0);
	session_put("staff", 3, T1 - 60, T1 - SESSION_IDLE_STAFF, 0);
	/* Not counted: idle a second too long, a second too old, ended. */
	session_put("citizen", 4, T1 - 60, T1 - SESSION_IDLE_CITIZEN - 1, 0);
	session_put("citizen", 5, T1 - SESSION_ABSOLUTE - 1, T1 - 10, 0);
	session_put("citizen", 6, T1 - 60, T1 - 10, T1 - 5);
	/* Staff are idle sooner than citizens: this one is within a
	 * citizen's idle time but past a staff member's. */
	session_put("staff", 7, T1 - 60, T1 - SESSION_IDLE_STAFF - 1, 0);
	cr_assert_eq(session_count_live(db, a, (time_t)T1, &citizens, &staff), KP_OK);
	cr_assert_eq(citizens, 2);
	cr_assert_eq(staff, 1);
}
