/* paging.c: the one reader of ?limit= and ?before= for every list that is
 * paged (page.h), and the maker of the "next" cursor. A cursor is opaque to
 * clients: the position of the last row shown, "ID" for lists ordered by
 * id (or version), "ID.KEY" with KEY in base64url for lists ordered by a
 * key first. Anything the server could not have made is bad_cursor. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "meeting.h"

/* A name is at most 200 characters of four bytes. */
#define PAGING_KEY_MAX 800
#define PAGING_CURSOR_MAX (19 + 1 + KP_B64URL_LEN(PAGING_KEY_MAX))

/* "YYYY-MM-DD HH:MM:SS.ffffff" naming a real moment: the date and time as
 * a meeting's time is checked, then six digits of the second. */
static bool time_key_ok(const char *k, size_t n)
{
	char moment[MEETING_TIME_LEN + 1];
	time_t t;
	size_t i;

	if (n != 26 || k[10] != ' ' || k[19] != '.')
		return false;
	for (i = 20; i < n; i++)
		if (k[i] < '0' || k[i] > '9')
			return false;
	snprintf(moment, sizeof(moment), "%.10sT%.8sZ", k, k + 11);
	return meeting_time_parse(moment, &t);
}

/* Text as a name can be: valid UTF-8 without control characters. */
static bool name_key_ok(const char *k, size_t n)
{
	json_t *s;

	if (!text_chars_ok(k, n) || (s = json_stringn(k, n)) == NULL)
		return false;
	json_decref(s);
	return true;
}

static enum kp_err bad_cursor(struct kp_fail *f)
{
	return KP_FAIL(f, KP_EINVAL, "bad_cursor",
	               "before: use the \"next\" value of the page before, as it was given");
}

enum kp_err paging_parse(struct arena *a, const char *limit, const char *before,
                         enum paging_key key, struct page *pg, struct kp_fail *f)
{
	const char *dot;
	uint8_t *raw;
	size_t len, n;

	*pg = PAGE_FIRST;
	if (limit != NULL) {
		pg->limit = parse_id(limit, strlen(limit));
		if (pg->limit < 1 || pg->limit > PAGE_LIMIT_MAX) {
			pg->limit = PAGE_LIMIT_DEFAULT;
			return KP_FAIL(f, KP_EINVAL, "bad_limit",
			               "limit: a whole number from 1 to 500 (default 100)");
		}
	}
	if (before == NULL)
		return KP_OK;
	len = strlen(before);
	dot = memchr(before, '.', len);
	if (len > PAGING_CURSOR_MAX || (key == PAGING_ID) != (dot == NULL))
		return bad_cursor(f);
	if ((pg->after_id = parse_id(before, dot != NULL ? (size_t)(dot - before) : len)) <= 0)
		return bad_cursor(f);
	if (key == PAGING_ID)
		return KP_OK;
	raw = arena_alloc(a, PAGING_KEY_MAX + 1);
	if (kp_b64url_decode(dot + 1, len - (size_t)(dot + 1 - before), raw, PAGING_KEY_MAX, &n) !=
	            0 ||
	    !(key == PAGING_TIME ? time_key_ok((const char *)raw, n)
	                         : name_key_ok((const char *)raw, n))) {
		pg->after_id = 0;
		return bad_cursor(f);
	}
	raw[n] = '\0';
	pg->after_key = (const char *)raw;
	return KP_OK;
}

const char *paging_cursor(struct arena *a, enum paging_key key, const struct page *pg)
{
	size_t n, cap;
	char *b64;

	if (!pg->more)
		return NULL;
	if (key == PAGING_ID)
		return arena_printf(a, "%lld", pg->next_id);
	if (pg->next_key == NULL || (n = strlen(pg->next_key)) > PAGING_KEY_MAX)
		return NULL;
	cap = KP_B64URL_LEN(n) + 1;
	b64 = arena_alloc(a, cap);
	if (kp_b64url_encode(pg->next_key, n, b64, cap) == 0 && n > 0)
		return NULL;
	return arena_printf(a, "%lld.%s", pg->next_id, b64);
}

enum kp_err paging_read(struct req *r, enum paging_key key, struct page *pg)
{
	return paging_parse(r->a, request_query(r, "limit"), request_query(r, "before"), key, pg,
	                    &r->fail);
}

enum kp_err paging_respond(struct req *r, json_t *out, enum paging_key key,
                           const struct page *pg)
{
	const char *next = paging_cursor(r->a, key, pg);

	if (pg->more && next == NULL) {
		json_decref(out);
		return KP_EINTERNAL;
	}
	if (json_object_set_new(out, "next", next != NULL ? json_string(next) : json_null()) != 0) {
		json_decref(out);
		return KP_EINTERNAL;
	}
	respond_json(r, 200, out);
	return KP_OK;
}
