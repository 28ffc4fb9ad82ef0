/* dbtest.h: opening and closing the real database for the Criterion tests
 * that need one. The tests are skipped when KAPTAJN_TEST_CONFIG is not set. */
#ifndef KP_DBTEST_H
#define KP_DBTEST_H

#include <criterion/criterion.h>
#include <jansson.h>
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

/* jansson's allocations so far, and the one that fails (0: none). */
static long dbtest_json_made, dbtest_json_fail;

static inline void *dbtest_json_malloc(size_t n)
{
	if (++dbtest_json_made == dbtest_json_fail)
		return NULL;
	return malloc(n);
}

/* Makes an answer into *out (a new reference) from ctx. */
typedef enum kp_err (*dbtest_answer_fn)(void *ctx, json_t **out);

/* Runs answer with jansson's allocation fail failing (0: none); the
 * allocations it made into *made. */
static inline enum kp_err dbtest_json_run(dbtest_answer_fn answer, void *ctx, long fail,
                                          json_t **out, long *made)
{
	enum kp_err err;

	*out = NULL;
	dbtest_json_made = 0;
	dbtest_json_fail = fail;
	json_set_alloc_funcs(dbtest_json_malloc, free);
	err = answer(ctx, out);
	json_set_alloc_funcs(malloc, free);
	*made = dbtest_json_made;
	return err;
}

/*
 * Runs answer once with each of jansson's allocations in turn failing (at
 * most 100 of them, spread evenly over a larger answer): every run must
 * answer KP_EINTERNAL with *out NULL, or KP_OK with the whole answer (as a
 * run with no failure gives it). Out of memory is never a shorter list.
 */
static inline void dbtest_json_oom(dbtest_answer_fn answer, void *ctx)
{
	json_t *whole, *out;
	long k, n, made, step;
	enum kp_err err;

	cr_assert_eq(dbtest_json_run(answer, ctx, 0, &whole, &n), KP_OK);
	cr_assert_gt(n, 0);
	step = n / 100 + 1;
	for (k = 1; k <= n; k += step) {
		err = dbtest_json_run(answer, ctx, k, &out, &made);
		if (err == KP_OK)
			cr_assert(json_equal(out, whole),
			          "allocation %ld of %ld failed, and the answer is KP_OK but not whole: %s",
			          k, n, json_dumps(out, JSON_COMPACT));
		else
			cr_assert(err == KP_EINTERNAL && out == NULL,
			          "allocation %ld of %ld failed: error %d, and the answer is %s", k, n,
			          (int)err, out != NULL ? "not NULL" : "NULL");
		json_decref(out);
	}
	json_decref(whole);
}

#endif
