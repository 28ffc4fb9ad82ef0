/* cpr.h: reading a CPR number as a person types it. Pure: no database, no
 * keys. The number is ten digits, or six and four with one dash between
 * ("DDMMYY-SSSS"); its first six digits are a date whose century follows
 * from the seventh digit. The modulus-11 check is never made: numbers
 * without it have been issued since 2007. */
#ifndef KP_CPR_H
#define KP_CPR_H

#include <stddef.h>

#include "crypto.h"

enum cpr_result {
	CPR_PARSE_OK,
	CPR_PARSE_EFORM, /* not ten digits, nor six and four with one dash between */
	CPR_PARSE_EDATE, /* the date part is not a date */
	CPR_PARSE__MAX
};

/*
 * Reads len bytes of s as a CPR number. CPR_PARSE_OK with the ten digits in out
 * (NUL-terminated); otherwise out is empty. Nothing else is taken: no
 * space, no second dash, no other character.
 */
enum cpr_result cpr_parse(const char *s, size_t len, char out[KP_CPR_LEN + 1]);

/* The full year of ten digits whose date part is DDMMYY, by the seventh
 * digit: 0-3 1900-1999; 4 and 9 2000-2036 and 1937-1999; 5-8 2000-2057
 * and 1858-1899. */
int cpr_year(const char digits[KP_CPR_LEN]);

#endif
