/* test_plan_yes.c: the rule for a standing yes (plan_yes_state) and the
 * field notes of a change (plan_diff_add): pure logic, no database. */
#include <criterion/criterion.h>
#include <string.h>

#include "plan.h"

Test(plan_yes, no_yes_is_none)
{
	cr_assert_eq(plan_yes_state(false, 0, 0, 5), PLAN_YES_NONE);
	cr_assert_not(plan_yes_stands(PLAN_YES_NONE));
}

Test(plan_yes, a_yes_to_the_current_version_is_current)
{
	cr_assert_eq(plan_yes_state(true, 5, 5, 5), PLAN_YES_CURRENT);
	cr_assert(plan_yes_stands(PLAN_YES_CURRENT));
}

Test(plan_yes, own_dream_edits_since_keep_the_yes_standing)
{
	cr_assert_eq(plan_yes_state(true, 5, 7, 7), PLAN_YES_OWN_DREAMS);
	cr_assert(plan_yes_stands(PLAN_YES_OWN_DREAMS));
	cr_assert_str_eq(plan_yes_names[PLAN_YES_OWN_DREAMS], "own_dreams_edited");
}

Test(plan_yes, any_other_change_since_leaves_the_yes_outdated)
{
	/* Covered through 6, the plan is at 7: someone else made 7. */
	cr_assert_eq(plan_yes_state(true, 5, 6, 7), PLAN_YES_OUTDATED);
	cr_assert_eq(plan_yes_state(true, 5, 5, 6), PLAN_YES_OUTDATED);
	cr_assert_not(plan_yes_stands(PLAN_YES_OUTDATED));
}

Test(plan_diff, the_same_text_before_and_after_is_no_change)
{
	struct plan_diff d = {0};

	plan_diff_add(&d, "goal", 1, "title", "Mål: A — titel", "A", "A");
	plan_diff_add(&d, "goal", 1, "hours_per_week", "Mål: A — timer om ugen", NULL, NULL);
	cr_assert_eq(d.n, 0);
	plan_diff_add(&d, "goal", 1, "title", "Mål: B — titel", "A", "B");
	plan_diff_add(&d, "dream", 2, "added", "Drøm tilføjet", NULL, "Et hus");
	cr_assert_eq(d.n, 2);
	cr_assert_str_eq(d.f[0].before, "A");
	cr_assert_null(d.f[1].before);
}

Test(plan_diff, more_fields_than_kept_are_refused_not_cut)
{
	struct plan_diff d = {0};
	size_t i;

	for (i = 0; i <= PLAN_DIFF_MAX; i++)
		plan_diff_add(&d, "goal", 1, "title", "x", "a", "b");
	cr_assert_eq(d.n, PLAN_DIFF_MAX);
	cr_assert(d.overflow);
	plan_diff_add(NULL, "goal", 1, "title", "x", "a", "b"); /* no notes: nothing */
}
