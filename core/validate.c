/* validate.c: the body validator and text checks (see validate.h). */
#include <stdio.h>
#include <string.h>

#include "validate.h"

size_t utf8_count(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

bool text_chars_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			return false;
		/* C1 controls U+0080-U+009F are C2 80-C2 9F: U+009B is an escape
		 * of its own to a terminal, U+0085 a line break to some readers. */
		if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] <= 0x9F)
			return false;
		/* U+2028 and U+2029 (E2 80 A8, E2 80 A9) break lines too, and end
		 * a string in older JavaScript. */
		if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
			return false;
	}
	return true;
}

bool text_blank(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
		} else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
			i += 2; /* no-break space */
		} else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		           (((unsigned char)s[i + 2] >= 0x80 && (unsigned char)s[i + 2] <= 0x8B) ||
		            (unsigned char)s[i + 2] == 0xAF)) {
			i += 3; /* en/em/thin/zero-width spaces, narrow no-break space */
		} else if (c == 0xE3 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		           (unsigned char)s[i + 2] == 0x80) {
			i += 3; /* ideographic space */
		} else {
			return false;
		}
	}
	return true;
}

const char *text_log_safe(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;
	char *out, *o;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		n += ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\') ? 4 : 1;
	if (n == i)
		return s;
	o = out = arena_alloc(a, n + 1);
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\') {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

long long parse_id(const char *s, size_t len)
{
	long long v = 0;
	size_t i;

	if (len == 0 || len > 18 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static enum kp_err bad(struct arena *a, struct kp_fail *f, const char *code, const char *field,
                       const char *what)
{
	size_t len = strlen(field);

	/* Echo at most 64 bytes of a field name, cut at a character boundary. */
	if (len > 64) {
		len = 64;
		while (len > 0 && ((unsigned char)field[len] & 0xC0) == 0x80)
			len--;
	}
	return KP_FAIL(f, KP_EINVAL, code, arena_printf(a, "%.*s: %s", (int)len, field, what));
}

static enum kp_err check_field(struct arena *a, const struct vfield *v, const json_t *val,
                               struct kp_fail *f)
{
	switch (v->type) {
	case V_TEXT: {
		const char *s;
		size_t len, n;

		if (!json_is_string(val))
			return bad(a, f, "invalid_field", v->name, "must be a string");
		s = json_string_value(val);
		len = json_string_length(val);
		if (!text_chars_ok(s, len))
			return bad(a, f, "invalid_field", v->name, "holds control characters");
		n = utf8_count(s, len);
		if (v->min > 0 && (n == 0 || text_blank(s, len)))
			return bad(a, f, "invalid_field", v->name, "must not be empty");
		if ((long long)n < v->min || (long long)n > v->max)
			return bad(a, f, "invalid_field", v->name,
			           arena_printf(a, "must be %lld to %lld characters", v->min, v->max));
		return KP_OK;
	}
	case V_INT:
		if (!json_is_integer(val))
			return bad(a, f, "invalid_field", v->name, "must be an integer");
		if (json_integer_value(val) < v->min || json_integer_value(val) > v->max)
			return bad(a, f, "invalid_field", v->name,
			           arena_printf(a, "must be from %lld to %lld", v->min, v->max));
		return KP_OK;
	case V_NUMBER:
		if (!json_is_number(val))
			return bad(a, f, "invalid_field", v->name, "must be a number");
		if (json_number_value(val) < (double)v->min || json_number_value(val) > (double)v->max)
			return bad(a, f, "invalid_field", v->name,
			           arena_printf(a, "must be from %lld to %lld", v->min, v->max));
		return KP_OK;
	case V_BOOL:
		if (!json_is_boolean(val))
			return bad(a, f, "invalid_field", v->name, "must be true or false");
		return KP_OK;
	case V_ENUM: {
		const char *const *e;

		if (json_is_string(val))
			for (e = v->enums; *e != NULL; e++)
				if (strcmp(*e, json_string_value(val)) == 0)
					return KP_OK;
		return bad(a, f, "invalid_field", v->name, "is not one of the allowed values");
	}
	case V_ARRAY:
		if (!json_is_array(val))
			return bad(a, f, "invalid_field", v->name, "must be an array");
		if ((long long)json_array_size(val) < v->min ||
		    (long long)json_array_size(val) > v->max)
			return bad(a, f, "invalid_field", v->name,
			           arena_printf(a, "must have %lld to %lld entries", v->min, v->max));
		return KP_OK;
	case V__MAX:
		break;
	}
	return bad(a, f, "invalid_field", v->name, "cannot be checked");
}

enum kp_err validate_body(struct arena *a, const json_t *body, const struct vfield *spec,
                          size_t n, struct kp_fail *f)
{
	const char *key;
	json_t *val;
	enum kp_err err;
	size_t i;

	if (!json_is_object(body))
		return KP_FAIL(f, KP_EINVAL, "invalid_json", "the body must be a JSON object");
	json_object_foreach((json_t *)body, key, val) {
		for (i = 0; i < n; i++)
			if (strcmp(spec[i].name, key) == 0)
				break;
		if (i == n)
			return bad(a, f, "unknown_field", key, "is not a field of this request");
		if (json_is_null(val)) {
			if (spec[i].required)
				return bad(a, f, "invalid_field", key, "must not be null");
			continue;
		}
		if ((err = check_field(a, &spec[i], val, f)) != KP_OK)
			return err;
	}
	for (i = 0; i < n; i++) {
		const json_t *v = json_object_get(body, spec[i].name);

		if (spec[i].required && (v == NULL || json_is_null(v)))
			return bad(a, f, "missing_field", spec[i].name, "is required");
	}
	return KP_OK;
}
