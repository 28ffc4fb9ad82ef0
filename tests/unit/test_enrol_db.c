/* test_enrol_db.c: enrolment against a real MariaDB when another
 * enrolment of the same CPR number is under way: the one that finds the
 * number taken only at its insert (the other committed meanwhile) is
 * refused as already_enrolled, writes no row, and its attempt is audited
 * against the citizen that holds the number. Skipped when
 * KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "db.h"
#include "dbtest.h"
#include "enrol.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

static void setup(void)
{
	dbtest_open(&cfg, &db, &a);
}

static void teardown(void)
{
	dbtest_close(&cfg, db, a);
}

TestSuite(enrol_db, .init = setup, .fini = teardown);

static long long insert(enum seed_stmt st, const struct db_arg *args, size_t n)
{
	unsigned long long id = 0;

	cr_assert_eq(seed_exec(db, st, args, n, NULL, &id), KP_OK, "insert (seed stmt %d)", (int)st);
	return (long long)id;
}

Test(enrol_db, a_number_taken_while_the_insert_waits_is_409_and_audited_against_the_holder)
{
	struct kp_keys keys;
	uint8_t lookup[KP_SHA256_LEN];
	char cpr[32], rid[64];
	long long cw, plan, holder;
	struct db *other;
	struct db_res r;
	unsigned long long id = 0;
	pid_t pid;
	int status;

	memset(&keys, 7, sizeof(keys));
	keys.key[0].id[KP_KEY_ID_LEN] = '\0';
	keys.n = 1;
	/* A number of its own for this run: a real date, a serial from the clock. */
	snprintf(cpr, sizeof(cpr), "0101%02d%04d", (int)(getpid() % 100), (int)(time(NULL) % 10000));
	snprintf(rid, sizeof(rid), "t-enrol-race-%ld-%d", (long)time(NULL), (int)getpid());
	kp_cpr_lookup(&keys, cpr, lookup);
	plan = insert(SEED_PLAN, DB_ARGS(DB_NULL));
	cw = insert(SEED_STAFF, DB_ARGS(DB_STR(TEST_STAFF_ISSUER), DB_STR(arena_printf(a, "test-enrol-%lld", plan)),
	                                DB_STR("Test Enrol"), DB_STR("caseworker"), DB_STR("Sagsbehandler"),
	                                DB_STR(""), DB_STR("")));

	/* The other enrolment: its row is in, not yet committed. */
	other = db_new(&cfg, false);
	cr_assert_eq(db_tx_begin(other), KP_OK);
	cr_assert_eq(db_exec(other, DB_ENROL_CITIZEN_INSERT,
	                     DB_ARGS(DB_I64(plan), DB_NULL, DB_STR("Test Holder"),
	                             DB_BLOB(lookup, sizeof(lookup)), DB_I64(cw), DB_NULL),
	                     NULL, &id),
	             KP_OK);
	holder = (long long)id;

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		/* This one looks first (nothing is committed), then waits at its
		 * insert for the other to commit. */
		struct db *mine = db_new(&cfg, false);
		struct arena *ma = arena_new();
		struct rng *rng = rng_new("test-enrol");
		struct kp_actor who = {KP_ACTOR_STAFF, cw, 0, "Test Enrol", "caseworker", rid};
		struct enrol_in in = {cpr, strlen(cpr), "Test Second", 0, 0};
		struct kp_fail f = {0};
		json_t *out = NULL;
		enum kp_err err = enrol_citizen(mine, ma, &keys, rng, &who, &in, &out, &f);

		_exit(err == KP_ECONFLICT && f.code != NULL && strcmp(f.code, "already_enrolled") == 0
		              ? 0
		              : 10 + (int)err);
	}
	usleep(600 * 1000);
	cr_assert_eq(db_tx_end(other, KP_OK), KP_OK);
	db_free(other);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 0, "the second enrolment answered %d", WEXITSTATUS(status));

	cr_assert_eq(db_query(db, a, DB_ENROL_OPEN_COURSE,
	                      DB_ARGS(DB_BLOB(lookup, sizeof(lookup)), DB_BLOB(lookup, sizeof(lookup)),
	                              DB_BLOB(lookup, sizeof(lookup)), DB_BLOB(lookup, sizeof(lookup))),
	                      &r),
	             KP_OK);
	cr_assert_eq(r.nrows, 1, "one open course under the number");
	cr_assert_eq(db_i64(&r, 0, EO_CITIZEN_ID), holder);
	{
		size_t i, refused = 0, other_rows = 0;
		struct db_res all;
		long long after = 0;

		/* The chain may be long: walk it to the end. */
		do {
			cr_assert_eq(db_query(db, a, DB_AUDIT_SCAN, DB_ARGS(DB_I64(after)), &all), KP_OK);
			for (i = 0; i < all.nrows; i++) {
				if (strcmp(db_cell(&all, i, AS_REQUEST_ID), rid) != 0)
					continue;
				if (strcmp(db_cell(&all, i, AS_ACTION), "enrol_refused") == 0 &&
				    db_i64(&all, i, AS_CITIZEN_ID) == holder)
					refused++;
				else
					other_rows++;
			}
			if (all.nrows > 0)
				after = db_i64(&all, all.nrows - 1, AS_ID);
		} while (all.nrows == 1000);
		cr_assert_eq(refused, 1, "the refusal is audited once against the holder");
		cr_assert_eq(other_rows, 0, "the refused enrolment wrote other audit rows");
	}
}
