/* test_db_def.c: statements from outside core/db.c's table (db_exec_def,
 * db_query_def) against a real MariaDB: prepared once per connection,
 * refused without SQL or beyond the kept number, and held to their facts.
 * Skipped when KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "dbtest.h"

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

TestSuite(db_def, .init = setup, .fini = teardown);

static const struct db_stmt_def plus_one = {.sql = "SELECT ? + 1", .cols = 1};
static const struct db_stmt_def prepares = {
	.sql = "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'", .cols = 2};

/* How many statements this connection has prepared so far. */
static long long prepared(void)
{
	struct db_res r;

	cr_assert_eq(db_query_def(db, a, &prepares, DB_NOARGS, &r), KP_OK);
	cr_assert_eq(r.nrows, 1);
	return db_i64(&r, 0, 1);
}

Test(db_def, a_statement_outside_the_table_is_prepared_once_per_connection)
{
	struct db_res r;
	long long before;
	int i;

	prepared();
	before = prepared();
	for (i = 0; i < 3; i++) {
		cr_assert_eq(db_query_def(db, a, &plus_one, DB_ARGS(DB_I64(i)), &r), KP_OK);
		cr_assert_eq(r.nrows, 1);
		cr_assert_eq(db_i64(&r, 0, 0), i + 1);
	}
	cr_assert_eq(prepared() - before, 1, "three runs, one prepare");
}

Test(db_def, a_statement_outside_the_table_without_sql_is_an_internal_error)
{
	static const struct db_stmt_def none = {.sql = NULL};
	struct db_res r;

	cr_assert_eq(db_exec_def(db, &none, DB_NOARGS, NULL, NULL), KP_EINTERNAL);
	cr_assert_eq(db_query_def(db, a, NULL, DB_NOARGS, &r), KP_EINTERNAL);
	cr_assert_eq(r.nrows, 0);
}

Test(db_def, a_statement_outside_the_table_with_the_wrong_column_count_is_an_internal_error)
{
	static const struct db_stmt_def three = {.sql = "SELECT ? + 1", .cols = 3};
	struct db_res r;

	cr_assert_eq(db_query_def(db, a, &three, DB_ARGS(DB_I64(1)), &r), KP_EINTERNAL);
}

Test(db_def, a_statement_outside_the_table_with_missing_parameters_is_an_internal_error)
{
	struct db_res r;

	cr_assert_eq(db_query_def(db, a, &plus_one, DB_NOARGS, &r), KP_EINTERNAL);
}

#define DO1 {.sql = "DO 1"}
#define DO4 DO1, DO1, DO1, DO1
#define DO16 DO4, DO4, DO4, DO4
static const struct db_stmt_def many[] = {DO16, DO16, DO1};
_Static_assert(sizeof(many) / sizeof(many[0]) == DB_DEF_KEPT + 1, "one more than is kept");

Test(db_def, one_statement_more_than_a_handle_keeps_is_an_internal_error)
{
	size_t i;

	for (i = 0; i < DB_DEF_KEPT; i++)
		cr_assert_eq(db_exec_def(db, &many[i], DB_NOARGS, NULL, NULL), KP_OK, "%zu", i);
	cr_assert_eq(db_exec_def(db, &many[DB_DEF_KEPT], DB_NOARGS, NULL, NULL), KP_EINTERNAL);
	/* The kept ones still run. */
	cr_assert_eq(db_exec_def(db, &many[0], DB_NOARGS, NULL, NULL), KP_OK);
}

/* A statement that says it changes plan ?1 and raises nothing. */
static const struct db_stmt_def changes_plan = {
	.sql = "DO ?", .fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}};

Test(db_def, a_statement_outside_the_table_that_changes_a_plan_outside_a_transaction_is_refused)
{
	cr_assert_eq(db_exec_def(db, &changes_plan, DB_ARGS(DB_I64(1)), NULL, NULL), KP_EINTERNAL);
}

Test(db_def, a_transaction_whose_statement_outside_the_table_changes_a_plan_unraised_is_refused)
{
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(db_exec_def(db, &changes_plan, DB_ARGS(DB_I64(1)), NULL, NULL), KP_OK);
	cr_assert_eq(db_tx_end(db, KP_OK), KP_EINTERNAL);
}

Test(db_def, a_seed_statement_runs_with_its_own_table)
{
	unsigned long long id = 0;

	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(seed_exec(db, SEED_PLAN, DB_ARGS(DB_NULL), NULL, &id), KP_OK);
	cr_assert_gt(id, 0);
	cr_assert_eq(db_tx_end(db, KP_EINVAL), KP_EINVAL, "rolled back");
	cr_assert_eq(seed_exec(db, SEED_STMT__MAX, DB_NOARGS, NULL, NULL), KP_EINTERNAL);
}
