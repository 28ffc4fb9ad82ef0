/* test_stamp.c: the host's change counter (core/stamp.c) and which
 * statements raise it (core/db.c). The database tests are skipped when
 * KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dbtest.h"
#include "stamp.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/kaptajn-stamp.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/changes", dir);
}

static void teardown(void)
{
	stamp_detach();
	unlink(path);
	rmdir(dir);
}

static void attach(void)
{
	char err[256];

	cr_assert_eq(stamp_attach(path, err, sizeof(err)), 0, "%s", err);
}

TestSuite(stamp, .init = setup, .fini = teardown);

Test(stamp, off_until_attached)
{
	cr_assert_not(stamp_on());
	stamp_bump();
	cr_assert_eq(stamp_read(), 0);
}

Test(stamp, a_new_file_starts_at_zero_and_counts)
{
	struct stat st;

	attach();
	cr_assert(stamp_on());
	cr_assert_eq(stamp_read(), 0);
	stamp_bump();
	stamp_bump();
	cr_assert_eq(stamp_read(), 2);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
}

Test(stamp, kept_in_the_file_across_attachments)
{
	attach();
	stamp_bump();
	stamp_detach();
	cr_assert_eq(stamp_read(), 0);
	attach();
	cr_assert_eq(stamp_read(), 1);
}

/* The supervisor maps it before fork; a worker's bump is seen by all. */
Test(stamp, shared_with_children_and_other_processes)
{
	pid_t pid;
	int status;

	attach();
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		stamp_bump();
		_exit(stamp_read() == 1 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(stamp_read(), 1);
	/* Another pool maps the same file by its path. */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char err[256];

		stamp_detach();
		if (stamp_attach(path, err, sizeof(err)) != 0)
			_exit(2);
		stamp_bump();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(stamp_read(), 2);
}

Test(stamp, refuses_what_is_not_a_counter)
{
	char err[256] = "";
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs("db_password = secret\n", f);
	fclose(f);
	cr_assert_eq(stamp_attach(path, err, sizeof(err)), -1);
	cr_assert_not(stamp_on());
	cr_assert_not_null(strstr(err, "not a change counter"), "%s", err);
	unlink(path);
	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_eq(stamp_attach(path, err, sizeof(err)), -1);
	cr_assert_not(stamp_on());
	rmdir(path);
	{
		char missing[160];

		snprintf(missing, sizeof(missing), "%s/none/changes", dir);
		cr_assert_eq(stamp_attach(missing, err, sizeof(err)), -1);
	}
}

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

static void db_setup(void)
{
	setup();
	dbtest_open(&cfg, &db, &a);
	attach();
}

static void db_teardown(void)
{
	dbtest_close(&cfg, db, a);
	teardown();
}

TestSuite(stamp_db, .init = db_setup, .fini = db_teardown);

static const uint8_t nobody[32] = {0xde, 0xad};

/* A write that changes (ends a session) and one that is quiet (touches
 * it); both find no row, which is beside the point. */
static enum kp_err loud(long long t)
{
	return db_exec(db, DB_SESSION_END, DB_ARGS(DB_I64(t), DB_BLOB(nobody, 32)), NULL, NULL);
}

static enum kp_err quiet(long long t)
{
	return db_exec(db, DB_SESSION_TOUCH, DB_ARGS(DB_I64(t), DB_BLOB(nobody, 32)), NULL, NULL);
}

Test(stamp_db, reads_and_quiet_writes_leave_it)
{
	struct db_res r;

	cr_assert_eq(db_query(db, a, DB_PING, NULL, 0, &r), KP_OK);
	cr_assert_eq(quiet(1), KP_OK);
	cr_assert_eq(stamp_read(), 0);
}

Test(stamp_db, a_write_outside_a_transaction_raises_it_at_once)
{
	cr_assert_eq(loud(1), KP_OK);
	cr_assert_eq(stamp_read(), 1);
}

Test(stamp_db, a_transaction_raises_it_once_when_committed)
{
	cr_assert_eq(db_begin(db), KP_OK);
	cr_assert_eq(loud(1), KP_OK);
	cr_assert_eq(loud(2), KP_OK);
	cr_assert_eq(stamp_read(), 0, "raised before the commit");
	cr_assert_eq(db_commit(db), KP_OK);
	cr_assert_eq(stamp_read(), 1);
	/* The next statement outside a transaction counts on its own. */
	cr_assert_eq(loud(1), KP_OK);
	cr_assert_eq(stamp_read(), 2);
}

Test(stamp_db, a_rolled_back_or_quiet_transaction_leaves_it)
{
	cr_assert_eq(db_begin(db), KP_OK);
	cr_assert_eq(loud(1), KP_OK);
	db_rollback(db);
	cr_assert_eq(db_begin(db), KP_OK);
	cr_assert_eq(quiet(1), KP_OK);
	cr_assert_eq(db_commit(db), KP_OK);
	cr_assert_eq(stamp_read(), 0);
}

/* A write whose answer was lost may have been applied: any failed write
 * outside a transaction counts as a change. Here one that surely failed
 * (no such plan) stands in for it. */
Test(stamp_db, a_failed_write_outside_a_transaction_counts)
{
	cr_assert_neq(db_exec(db, DB_DREAM_INSERT, DB_ARGS(DB_I64(-1), DB_I64(-1), DB_STR("x")), NULL,
	                      NULL), KP_OK);
	cr_assert_eq(stamp_read(), 1);
}
