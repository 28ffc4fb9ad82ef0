/* test_plan_cache.c: the parts of plan answers the citizen workers of a
 * host keep (fcgi/plan_cache.c): given only under the exact number they
 * were kept under, shared with processes forked after the tables were
 * made, and only while the ring that holds their texts has not come round
 * over them. No database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static struct plan_cache *pc;
static struct arena *a;

static void setup(void)
{
	cr_assert_not_null(pc = plan_cache_new());
	cr_assert_not_null(a = arena_new());
}

static void teardown(void)
{
	plan_cache_free(pc);
	arena_free(a);
}

TestSuite(plan_cache, .init = setup, .fini = teardown);

Test(plan_cache, a_doc_is_given_only_for_its_plan_and_version)
{
	cr_assert_null(plan_cache_doc(pc, a, 7, 3));
	plan_cache_put_doc(pc, 7, 3, "\"dreams\":[],\"goals\":[]");
	cr_assert_str_eq(plan_cache_doc(pc, a, 7, 3), "\"dreams\":[],\"goals\":[]");
	cr_assert_null(plan_cache_doc(pc, a, 7, 4), "a raised version found the old doc");
	cr_assert_null(plan_cache_doc(pc, a, 7, 2));
	cr_assert_null(plan_cache_doc(pc, a, 8, 3), "another plan found this one's doc");
	/* The parts are another table: a citizen with the same id finds nothing. */
	cr_assert_null(plan_cache_part(pc, a, 7, 3));
}

Test(plan_cache, a_newer_part_replaces_the_older_and_the_older_is_gone)
{
	plan_cache_put_part(pc, 42, 1, "\"accepted_version\":null,\"contact\":null");
	plan_cache_put_part(pc, 42, 2, "\"accepted_version\":5,\"contact\":null");
	cr_assert_null(plan_cache_part(pc, a, 42, 1));
	cr_assert_str_eq(plan_cache_part(pc, a, 42, 2), "\"accepted_version\":5,\"contact\":null");
}

Test(plan_cache, more_plans_than_slots_never_answer_for_each_other)
{
	char want[32];
	const char *got;
	long long id, kept = 0;

	/* Three times as many plans as the table has slots: the sets
	 * overflow, and whatever is still kept is each plan's own. */
	for (id = 1; id <= 3 * 65536; id++) {
		snprintf(want, sizeof(want), "plan %lld", id);
		plan_cache_put_doc(pc, id, 1, want);
	}
	for (id = 1; id <= 3 * 65536; id++) {
		snprintf(want, sizeof(want), "plan %lld", id);
		if ((got = plan_cache_doc(pc, a, id, 1)) != NULL) {
			cr_assert_str_eq(got, want, "plan %lld answered with another's doc", id);
			kept++;
		}
		arena_reset(a);
	}
	cr_assert_leq(kept, 65536);
	cr_assert_geq(kept, 65536 * 9 / 10, "only %lld of 65536 slots were used", kept);
	/* The newest is kept, whatever it pushed out. */
	cr_assert_str_eq(plan_cache_doc(pc, a, 3 * 65536, 1), "plan 196608");
}

Test(plan_cache, ten_thousand_citizens_drawn_at_random_are_all_kept)
{
	static long long ids[10000];
	char want[32];
	unsigned x = 12345;
	int i, j;

	/* Distinct ids drawn from 1..100000, as sessions of any citizens are. */
	for (i = 0; i < 10000; i++) {
		for (;;) {
			x = x * 1103515245u + 12345u;
			ids[i] = (long long)(x >> 8) % 100000 + 1;
			for (j = 0; j < i && ids[j] != ids[i]; j++)
				;
			if (j == i)
				break;
		}
		snprintf(want, sizeof(want), "part %lld", ids[i]);
		plan_cache_put_part(pc, ids[i], 3, want);
	}
	for (i = 0; i < 10000; i++) {
		snprintf(want, sizeof(want), "part %lld", ids[i]);
		cr_assert_str_eq(plan_cache_part(pc, a, ids[i], 3), want, "citizen %lld was pushed out",
		                 ids[i]);
		arena_reset(a);
	}
}

Test(plan_cache, a_long_doc_is_kept_whole)
{
	static char big[64 * 1024];

	memset(big, 'x', sizeof(big) - 1);
	plan_cache_put_doc(pc, 1, 2, big);
	cr_assert_str_eq(plan_cache_doc(pc, a, 1, 2), big);
}

Test(plan_cache, a_doc_the_ring_has_come_round_over_is_gone)
{
	static char big[200 * 1024];
	long long id;

	memset(big, 'y', sizeof(big) - 1);
	plan_cache_put_doc(pc, 1, 1, "the first");
	/* More than the ring holds, in other slots. */
	for (id = 2; id < 2 + 400; id++)
		plan_cache_put_doc(pc, id, 1, big);
	cr_assert_null(plan_cache_doc(pc, a, 1, 1), "a text the ring came round over was given");
	cr_assert_str_eq(plan_cache_doc(pc, a, 401, 1), big, "the newest text was lost");
}

Test(plan_cache, no_id_and_no_cache_keep_nothing)
{
	plan_cache_put_doc(pc, 0, 1, "zero");
	cr_assert_null(plan_cache_doc(pc, a, 0, 1));
	plan_cache_put_doc(NULL, 1, 1, "none");
	cr_assert_null(plan_cache_doc(NULL, a, 1, 1));
	plan_cache_free(NULL);
}

Test(plan_cache, what_one_worker_keeps_the_others_find)
{
	pid_t kid = fork();
	int status;

	cr_assert_neq(kid, -1);
	if (kid == 0) {
		plan_cache_put_doc(pc, 11, 4, "kept by a sibling");
		_exit(0);
	}
	cr_assert_eq(waitpid(kid, &status, 0), kid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_str_eq(plan_cache_doc(pc, a, 11, 4), "kept by a sibling");
}
