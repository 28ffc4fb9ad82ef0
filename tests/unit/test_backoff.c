/* test_backoff.c: the retry schedule of a failed fork (core/backoff.c). */
#include <criterion/criterion.h>
#include <limits.h>

#include "backoff.h"

TestSuite(backoff);

Test(backoff, test_backoff_first_failure_waits_100_ms)
{
	cr_assert_eq(backoff_next(0), 100);
}

Test(backoff, test_backoff_doubles_up_to_5_s_and_stays_there)
{
	static const long want[] = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
	long ms = 0;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ms = backoff_next(ms);
		cr_assert_eq(ms, want[i], "failure %zu: %ld ms, want %ld", i + 1, ms, want[i]);
	}
}

Test(backoff, test_backoff_starts_over_after_a_success)
{
	long ms = backoff_next(backoff_next(backoff_next(0)));

	cr_assert_eq(ms, 400);
	/* The caller keeps 0 after an attempt that worked. */
	cr_assert_eq(backoff_next(0), 100);
}

Test(backoff, test_backoff_never_exceeds_the_cap_nor_overflows)
{
	static const long odd[] = {2499, 2500, 2501, 4999, 5000, 5001, LONG_MAX / 2 + 1, LONG_MAX};
	size_t i;

	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		long ms = backoff_next(odd[i]);

		cr_assert(ms >= 100 && ms <= 5000, "after %ld: %ld", odd[i], ms);
	}
	cr_assert_eq(backoff_next(2499), 4998);
	cr_assert_eq(backoff_next(LONG_MAX), 5000);
}

Test(backoff, test_backoff_below_the_first_wait_or_negative_starts_at_100_ms)
{
	cr_assert_eq(backoff_next(-1), 100);
	cr_assert_eq(backoff_next(LONG_MIN), 100);
	cr_assert_eq(backoff_next(1), 100);
	cr_assert_eq(backoff_next(99), 100);
}
