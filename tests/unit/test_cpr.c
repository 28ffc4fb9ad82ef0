/* test_cpr.c: reading a CPR number as enrolment takes it (core/cpr.c):
 * its two shapes, its date with the century from the seventh digit, and
 * no modulus-11 check. Pure: no database. */
#include <string.h>

#include <criterion/criterion.h>

#include "cpr.h"

static enum cpr_result parse(const char *s, char out[KP_CPR_LEN + 1])
{
	return cpr_parse(s, strlen(s), out);
}

/* Each of n cases is refused with want, and gives no digits. */
static void refused_all(const char *const *cases, size_t n, enum cpr_result want)
{
	char out[KP_CPR_LEN + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		strcpy(out, "x");
		cr_assert_eq(parse(cases[i], out), want, "case %zu", i);
		cr_assert_str_eq(out, "", "case %zu gave digits", i);
	}
}

Test(cpr_parse, ten_digits_and_the_dashed_form_give_the_same_digits)
{
	char out[KP_CPR_LEN + 1];

	cr_assert_eq(parse("0703921234", out), CPR_PARSE_OK);
	cr_assert_str_eq(out, "0703921234");
	cr_assert_eq(parse("070392-1234", out), CPR_PARSE_OK);
	cr_assert_str_eq(out, "0703921234");
}

Test(cpr_parse, the_modulus_11_digit_is_never_checked)
{
	char out[KP_CPR_LEN + 1];

	/* 0703921234 fails modulus 11, 0703921230 too; both are taken. */
	cr_assert_eq(parse("0703921230", out), CPR_PARSE_OK);
	cr_assert_eq(parse("0101000000", out), CPR_PARSE_OK);
}

Test(cpr_parse, wrong_shapes_are_form_errors_with_no_digits_given)
{
	static const char *const bad[] = {
		"", "070392123", "07039212345", "070392-12345", "07039-21234", "0703921-234",
		"070392--1234", "07-0392-1234", "070392 1234", " 0703921234", "0703921234 ",
		"07039212a4", "O703921234", "070392_1234", "0703921234\n", "-0703921234",
		"070392\xe2\x80\x93" "1234", /* an en dash */
		"\xef\xbc\x90\xef\xbc\x97\xef\xbc\x90\xef\xbc\x93\xef\xbc\x99\xef\xbc\x92\xef\xbc\x91\xef"
		"\xbc\x92\xef\xbc\x93\xef\xbc\x94", /* full-width digits */
	};

	refused_all(bad, sizeof(bad) / sizeof(bad[0]), CPR_PARSE_EFORM);
}

Test(cpr_parse, a_nul_byte_inside_is_a_form_error)
{
	char out[KP_CPR_LEN + 1];

	cr_assert_eq(cpr_parse("07039\0" "1234", 10, out), CPR_PARSE_EFORM);
}

Test(cpr_parse, impossible_dates_are_date_errors)
{
	static const char *const bad[] = {
		"3002991234", /* 30 February */
		"3201991234", /* 32 January */
		"0012991234", /* day 0 */
		"3113991234", /* month 13 */
		"0100991234", /* month 0 */
		"3104991234", /* 31 April */
		"310699-1234", /* 31 June, dashed */
		"0000001234",
	};

	refused_all(bad, sizeof(bad) / sizeof(bad[0]), CPR_PARSE_EDATE);
}

Test(cpr_parse, month_ends_are_taken)
{
	static const char *const good[] = {
		"3101991234", "2802991234", "3103991234", "3004991234", "3105991234", "3006991234",
		"3107991234", "3108991234", "3009991234", "3110991234", "3011991234", "3112991234",
	};
	char out[KP_CPR_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert_eq(parse(good[i], out), CPR_PARSE_OK, "%s", good[i]);
}

Test(cpr_year, the_seventh_digit_gives_the_century)
{
	/* 0-3: the 1900s, whatever the year. */
	cr_assert_eq(cpr_year("0101000000"), 1900);
	cr_assert_eq(cpr_year("0101993999"), 1999);
	/* 4 and 9: 2000-2036, else the 1900s. */
	cr_assert_eq(cpr_year("0101364000"), 2036);
	cr_assert_eq(cpr_year("0101374000"), 1937);
	cr_assert_eq(cpr_year("0101009000"), 2000);
	cr_assert_eq(cpr_year("0101999999"), 1999);
	/* 5-8: 2000-2057, else the 1800s. */
	cr_assert_eq(cpr_year("0101575000"), 2057);
	cr_assert_eq(cpr_year("0101585000"), 1858);
	cr_assert_eq(cpr_year("0101998999"), 1899);
	cr_assert_eq(cpr_year("0101006000"), 2000);
}

Test(cpr_parse, 29_february_follows_the_century_from_the_seventh_digit)
{
	char out[KP_CPR_LEN + 1];

	/* 2000 is a leap year (divisible by 400), 1900 is not. */
	cr_assert_eq(parse("2902004000", out), CPR_PARSE_OK, "29.02.2000 (digit 4)");
	cr_assert_eq(parse("2902005000", out), CPR_PARSE_OK, "29.02.2000 (digit 5)");
	cr_assert_eq(parse("2902009000", out), CPR_PARSE_OK, "29.02.2000 (digit 9)");
	cr_assert_eq(parse("2902000000", out), CPR_PARSE_EDATE, "29.02.1900 (digit 0)");
	cr_assert_eq(parse("290200-3000", out), CPR_PARSE_EDATE, "29.02.1900 (digit 3)");
	/* 96 with digit 0-3, 4 or 9 is 1996: a leap year. */
	cr_assert_eq(parse("2902961000", out), CPR_PARSE_OK, "29.02.1996");
	cr_assert_eq(parse("2902964000", out), CPR_PARSE_OK, "29.02.1996 (digit 4)");
	/* 96 with digit 5-8 is 1896: a leap year; 58 with 5-8 is 1858: not. */
	cr_assert_eq(parse("2902966000", out), CPR_PARSE_OK, "29.02.1896");
	cr_assert_eq(parse("2902585000", out), CPR_PARSE_EDATE, "29.02.1858");
	/* 2036 (digit 4) is a leap year; 36 with digit 0 is 1936: also. */
	cr_assert_eq(parse("2902364000", out), CPR_PARSE_OK, "29.02.2036");
	/* 2001, 1999: never. */
	cr_assert_eq(parse("2902014000", out), CPR_PARSE_EDATE, "29.02.2001");
	cr_assert_eq(parse("2902990000", out), CPR_PARSE_EDATE, "29.02.1999");
	/* 1800 is no leap year: 00 with digit 5-8 is 2000, never 1800. */
	cr_assert_eq(parse("2902008000", out), CPR_PARSE_OK, "29.02.2000 (digit 8)");
}
