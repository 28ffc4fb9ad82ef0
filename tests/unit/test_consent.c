/* test_consent.c: the consent gate of the citizen routes, pure: what a
 * citizen may read and change by the consent state the session query read
 * and whether the plan is frozen. */
#include <criterion/criterion.h>
#include <string.h>

#include "consent.h"

static enum kp_err gate(const char *consent, bool frozen, bool change, struct kp_fail *f)
{
	memset(f, 0, sizeof(*f));
	return consent_gate(consent, frozen, change, f);
}

Test(consent, a_citizen_without_consent_may_neither_read_nor_change)
{
	struct kp_fail f;

	cr_assert_eq(gate("none", false, false, &f), KP_EFORBIDDEN);
	cr_assert_str_eq(f.code, "consent_required");
	cr_assert_eq(gate("none", false, true, &f), KP_EFORBIDDEN);
	cr_assert_str_eq(f.code, "consent_required");
}

Test(consent, an_unknown_or_missing_state_counts_as_no_consent)
{
	struct kp_fail f;

	cr_assert_eq(gate(NULL, false, false, &f), KP_EFORBIDDEN);
	cr_assert_eq(gate("", false, false, &f), KP_EFORBIDDEN);
	cr_assert_eq(gate("Given", false, false, &f), KP_EFORBIDDEN);
	cr_assert_str_eq(consent_state_name("yes"), "none");
}

Test(consent, a_citizen_with_consent_reads_and_changes_an_unfrozen_plan)
{
	struct kp_fail f;

	cr_assert_eq(gate("given", false, false, &f), KP_OK);
	cr_assert_eq(gate("given", false, true, &f), KP_OK);
}

Test(consent, a_withdrawal_keeps_the_plan_readable_and_refuses_every_change)
{
	struct kp_fail f;

	cr_assert_eq(gate("withdrawn", true, false, &f), KP_OK);
	cr_assert_eq(gate("withdrawn", true, true, &f), KP_ECONFLICT);
	cr_assert_str_eq(f.code, "plan_frozen");
	/* Even if the plan's flag were not yet seen, the citizen's own state
	 * refuses the change. */
	cr_assert_eq(gate("withdrawn", false, true, &f), KP_ECONFLICT);
}

Test(consent, another_household_members_withdrawal_freezes_the_shared_plan)
{
	struct kp_fail f;

	cr_assert_eq(gate("given", true, false, &f), KP_OK);
	cr_assert_eq(gate("given", true, true, &f), KP_ECONFLICT);
	cr_assert_str_eq(f.code, "plan_frozen");
}

Test(consent, the_texts_are_there_in_danish_and_english_with_a_version)
{
	cr_assert(strstr(consent_text_da, "LAB § 30 b") != NULL);
	cr_assert(strstr(consent_text_en, "LAB § 30 b") != NULL);
	cr_assert_gt(strlen(CONSENT_TEXT_VERSION), 0);
}
