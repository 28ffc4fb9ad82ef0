/* test_household.c: a child's birth date as household_child_add takes it
 * (core/household.c): YYYY-MM-DD of a real day, not after today (UTC), and
 * under 18 years before it. Pure: no database. */
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "household.h"

/* 2026-03-15 12:00:00 UTC */
#define NOW ((time_t)1773576000)

static enum household_birth check(const char *s)
{
	return household_birth_check(s, strlen(s), NOW);
}

Test(household_birth, a_child_born_years_ago_is_ok)
{
	cr_assert_eq(check("2015-05-04"), HOUSEHOLD_BIRTH_OK);
	cr_assert_eq(check("2020-02-29"), HOUSEHOLD_BIRTH_OK, "a leap day of a leap year");
}

Test(household_birth, born_today_is_ok_and_tomorrow_is_the_future)
{
	cr_assert_eq(check("2026-03-15"), HOUSEHOLD_BIRTH_OK);
	cr_assert_eq(check("2026-03-16"), HOUSEHOLD_BIRTH_FUTURE);
	cr_assert_eq(check("2027-01-01"), HOUSEHOLD_BIRTH_FUTURE);
	cr_assert_eq(check("9999-12-31"), HOUSEHOLD_BIRTH_FUTURE);
}

Test(household_birth, eighteen_years_ago_today_is_an_adult_and_a_day_later_a_child)
{
	cr_assert_eq(check("2008-03-15"), HOUSEHOLD_BIRTH_ADULT);
	cr_assert_eq(check("2008-03-16"), HOUSEHOLD_BIRTH_OK);
	cr_assert_eq(check("1990-01-01"), HOUSEHOLD_BIRTH_ADULT);
}

Test(household_birth, a_leap_day_birth_turns_eighteen_on_the_first_of_march)
{
	/* Born 2008-02-29; on 2026-02-28 still 17, from 2026-03-01 an adult. */
	cr_assert_eq(household_birth_check("2008-02-29", 10, (time_t)1772280000), /* 2026-02-28 */
	             HOUSEHOLD_BIRTH_OK);
	cr_assert_eq(household_birth_check("2008-02-29", 10, (time_t)1772366400), /* 2026-03-01 */
	             HOUSEHOLD_BIRTH_ADULT);
}

Test(household_birth, no_such_day_is_refused)
{
	static const char *const bad[] = {"2021-02-29", "2020-02-30", "2020-04-31", "2020-13-01",
	                                  "2020-00-10", "2020-01-00", "2020-01-32", "0000-01-01",
	                                  "1900-02-29"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(check(bad[i]), HOUSEHOLD_BIRTH_FORM, "%s", bad[i]);
}

Test(household_birth, another_form_is_refused)
{
	static const char *const bad[] = {"",           "2015-5-4",    "04-05-2015", "2015/05/04",
	                                  "20150504",   "2015-05-04 ", " 2015-05-04", "2015-05-0a",
	                                  "+015-05-04", "2015-05-04T00:00:00Z"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(check(bad[i]), HOUSEHOLD_BIRTH_FORM, "\"%s\"", bad[i]);
	cr_assert_eq(household_birth_check(NULL, 0, NOW), HOUSEHOLD_BIRTH_FORM);
	cr_assert_eq(household_birth_check("2015-05-04\0x", 12, NOW), HOUSEHOLD_BIRTH_FORM,
	             "a NUL inside");
}
