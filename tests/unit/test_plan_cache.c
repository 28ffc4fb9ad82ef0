/* test_plan_cache.c: the parts of plan answers a citizen worker keeps
 * (fcgi/plan_cache.c): given only under the exact number they were kept
 * under, never past their budget. Pure: no database. */
#include <criterion/criterion.h>
#include <string.h>

#include "internal.h"

Test(plan_cache, a_doc_is_given_only_for_its_plan_and_version)
{
	struct plan_cache *pc = plan_cache_new(1024 * 1024);

	cr_assert_not_null(pc);
	cr_assert_null(plan_cache_doc(pc, 7, 3));
	plan_cache_put_doc(pc, 7, 3, "\"dreams\":[],\"goals\":[]");
	cr_assert_str_eq(plan_cache_doc(pc, 7, 3), "\"dreams\":[],\"goals\":[]");
	cr_assert_null(plan_cache_doc(pc, 7, 4), "a raised version found the old doc");
	cr_assert_null(plan_cache_doc(pc, 7, 2));
	cr_assert_null(plan_cache_doc(pc, 8, 3), "another plan found this one's doc");
	/* The parts are another table: a citizen with the same id finds nothing. */
	cr_assert_null(plan_cache_part(pc, 7, 3));
	plan_cache_free(pc);
}

Test(plan_cache, a_newer_part_replaces_the_older_and_the_older_is_gone)
{
	struct plan_cache *pc = plan_cache_new(1024 * 1024);

	plan_cache_put_part(pc, 42, 1, "\"accepted_version\":null,\"contact\":null");
	plan_cache_put_part(pc, 42, 2, "\"accepted_version\":5,\"contact\":null");
	cr_assert_null(plan_cache_part(pc, 42, 1));
	cr_assert_str_eq(plan_cache_part(pc, 42, 2), "\"accepted_version\":5,\"contact\":null");
	plan_cache_free(pc);
}

Test(plan_cache, two_plans_in_one_slot_never_answer_for_each_other)
{
	struct plan_cache *pc = plan_cache_new(1024 * 1024);
	long long far = 5 + 16384; /* the slot of plan 5 */

	plan_cache_put_doc(pc, 5, 1, "five");
	plan_cache_put_doc(pc, far, 1, "far");
	cr_assert_null(plan_cache_doc(pc, 5, 1));
	cr_assert_str_eq(plan_cache_doc(pc, far, 1), "far");
	plan_cache_free(pc);
}

Test(plan_cache, nothing_is_kept_past_the_budget)
{
	struct plan_cache *pc = plan_cache_new(100);
	char big[80];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	plan_cache_put_doc(pc, 1, 1, big);
	cr_assert_not_null(plan_cache_doc(pc, 1, 1));
	plan_cache_put_doc(pc, 2, 1, big);
	cr_assert_null(plan_cache_doc(pc, 2, 1), "kept past the budget");
	/* Its own slot is reused within the budget. */
	plan_cache_put_doc(pc, 1, 2, "small");
	cr_assert_str_eq(plan_cache_doc(pc, 1, 2), "small");
	plan_cache_free(pc);
}

Test(plan_cache, no_id_and_no_cache_keep_nothing)
{
	struct plan_cache *pc = plan_cache_new(1024);

	plan_cache_put_doc(pc, 0, 1, "zero");
	cr_assert_null(plan_cache_doc(pc, 0, 1));
	plan_cache_put_doc(NULL, 1, 1, "none");
	cr_assert_null(plan_cache_doc(NULL, 1, 1));
	plan_cache_free(NULL);
	plan_cache_free(pc);
}
