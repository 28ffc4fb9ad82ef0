/* cpr.c: reading a CPR number (see cpr.h). */
#include <stdbool.h>
#include <string.h>

#include "cpr.h"

int cpr_year(const char d[KP_CPR_LEN])
{
	int yy = (d[4] - '0') * 10 + (d[5] - '0');
	int c7 = d[6] - '0';

	if (c7 <= 3)
		return 1900 + yy;
	if (c7 == 4 || c7 == 9)
		return yy <= 36 ? 2000 + yy : 1900 + yy;
	return yy <= 57 ? 2000 + yy : 1800 + yy;
}

static bool cpr_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

enum cpr_result cpr_parse(const char *s, size_t len, char out[KP_CPR_LEN + 1])
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t i, n = 0;
	int dd, mm, max;

	out[0] = '\0';
	if (len != KP_CPR_LEN && len != KP_CPR_LEN + 1)
		return CPR_PARSE_EFORM;
	for (i = 0; i < len; i++) {
		bool dash = len == KP_CPR_LEN + 1 && i == 6;

		if (dash ? s[i] != '-' : s[i] < '0' || s[i] > '9') {
			out[0] = '\0';
			return CPR_PARSE_EFORM;
		}
		if (!dash)
			out[n++] = s[i];
	}
	out[n] = '\0';
	dd = (out[0] - '0') * 10 + (out[1] - '0');
	mm = (out[2] - '0') * 10 + (out[3] - '0');
	if (mm < 1 || mm > 12) {
		out[0] = '\0';
		return CPR_PARSE_EDATE;
	}
	max = mdays[mm - 1] + (mm == 2 && cpr_leap(cpr_year(out)));
	if (dd < 1 || dd > max) {
		out[0] = '\0';
		return CPR_PARSE_EDATE;
	}
	return CPR_PARSE_OK;
}
