/* dbtest.h: opening and closing the real database for the Criterion tests
 * that need one. The tests are skipped when KAPTAJN_TEST_CONFIG is not set. */
#ifndef KP_DBTEST_H
#define KP_DBTEST_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "config.h"
#include "db.h"
#include "seed.h"

/* The issuer of the staff rows the tests insert: no real login's. */
#define TEST_STAFF_ISSUER "https://test.kaptajn.invalid/staff"

static inline void dbtest_open(struct kp_config *cfg, struct db **db, struct arena **a)
{
	const char *path = getenv("KAPTAJN_TEST_CONFIG");
	char err[256];

	if (path == NULL || *path == '\0')
		cr_skip_test("KAPTAJN_TEST_CONFIG is not set");
	cr_assert_eq(config_load(cfg, path, err, sizeof(err)), 0, "%s", err);
	*db = db_new(cfg, false);
	cr_assert_eq(db_connect(*db), KP_OK);
	*a = arena_new();
}

static inline void dbtest_close(struct kp_config *cfg, struct db *db, struct arena *a)
{
	db_free(db);
	arena_free(a);
	config_free(cfg);
}

#endif
