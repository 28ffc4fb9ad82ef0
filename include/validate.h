/* validate.h: declared validators for JSON request bodies and text. Every
 * body is checked against a field table before a handler sees it. */
#ifndef KP_VALIDATE_H
#define KP_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "kp.h"

/* Limits, in Unicode code points. */
#define KP_TEXT_MAX 2000   /* dreams, reasons */
#define KP_TITLE_MAX 200
#define KP_DESCRIPTION_MAX 4000

/* V_ARRAY checks only that the member is an array and how many elements it
 * has; the handler or core checks the elements themselves. */
enum vtype { V_TEXT, V_INT, V_BOOL, V_NUMBER, V_ENUM, V_ARRAY, V__MAX };

struct vfield {
	const char *name;
	enum vtype type;
	bool required;
	long long min, max;      /* V_TEXT: length in code points; V_INT/V_NUMBER: value;
	                          * V_ARRAY: number of elements */
	const char *const *enums; /* V_ENUM: NULL-terminated list of allowed strings */
};

/*
 * Checks that body is an object whose members are all in spec, each of the
 * right type and within bounds, and that required members are present.
 * An optional member whose value is null counts as absent. Text must be valid UTF-8
 * (jansson checks that), hold no control characters (C0 other than tab, CR
 * and LF, DEL, C1) nor U+2028/U+2029, and not be only white space when
 * min > 0.
 * Returns KP_OK or KP_EINVAL with f set (codes invalid_json, unknown_field,
 * missing_field, invalid_field; the message names the field).
 */
enum kp_err validate_body(struct arena *a, const json_t *body, const struct vfield *spec,
                          size_t n, struct kp_fail *f);

/* Code points in a valid UTF-8 string of len bytes. */
size_t utf8_count(const char *s, size_t len);
/* True when s (valid UTF-8) has no C0 control but tab, CR, LF, no DEL, no
 * C1 control (U+0080-U+009F) and no line or paragraph separator (U+2028,
 * U+2029). */
bool text_chars_ok(const char *s, size_t len);
/* True when s is only white space (ASCII and the common Unicode spaces). */
bool text_blank(const char *s, size_t len);

/* A copy of s (in arena a) fit for one log line: C0 controls, DEL and the
 * backslash are written as \xNN, so that text from a request (a decoded
 * path may hold a newline) cannot forge or break log lines. NULL stays
 * NULL. */
const char *text_log_safe(struct arena *a, const char *s);

/* Parses a decimal id of 1-18 digits, no sign, no leading zero; 0 on
 * anything else (ids start at 1). */
long long parse_id(const char *s, size_t len);

#endif
