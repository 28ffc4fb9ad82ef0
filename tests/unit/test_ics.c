/* test_ics.c: the iCalendar writer (core/ics.c): escaping, folding on
 * octets without splitting a UTF-8 sequence, CRLF, UTC times. */
#include <criterion/criterion.h>
#include <string.h>

#include "ics.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new();
	cr_assert_not_null(a);
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(ics, .init = setup, .fini = teardown);

/* Every physical line of text: at most 75 octets, ends in CRLF, no bare
 * CR or LF, and no line starts inside a UTF-8 sequence. */
static void assert_lines_ok(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *end = strstr(p, "\r\n");

		cr_assert_not_null(end, "a line without CRLF: %s", p);
		cr_assert_leq((size_t)(end - p), (size_t)ICS_LINE_MAX, "line of %zu octets: %.*s",
		              (size_t)(end - p), (int)(end - p), p);
		cr_assert_null(memchr(p, '\n', (size_t)(end - p)), "bare LF in %.*s", (int)(end - p), p);
		cr_assert_null(memchr(p, '\r', (size_t)(end - p)), "bare CR in %.*s", (int)(end - p), p);
		cr_assert_neq((unsigned char)p[0] & 0xC0, 0x80, "a line starts mid-sequence");
		if (p != text && p[0] == ' ')
			cr_assert_neq((unsigned char)p[1] & 0xC0, 0x80, "a fold split a sequence");
		p = end + 2;
	}
}

/* The folded text unfolded (CRLF + space removed, last CRLF cut). */
static char *unfold(const char *folded)
{
	size_t n = strlen(folded), i, o = 0;
	char *out = arena_alloc(a, n + 1);

	for (i = 0; i < n; i++) {
		if (folded[i] == '\r' && folded[i + 1] == '\n' && folded[i + 2] == ' ') {
			i += 2;
			continue;
		}
		out[o++] = folded[i];
	}
	if (o >= 2 && out[o - 2] == '\r' && out[o - 1] == '\n')
		o -= 2;
	out[o] = '\0';
	return out;
}

Test(ics, test_ics_escape_backslash_semicolon_comma_and_newlines)
{
	cr_assert_str_eq(ics_escape(a, "a\\b;c,d"), "a\\\\b\\;c\\,d");
	cr_assert_str_eq(ics_escape(a, "1. Praktik\n2. Kørekort\r\n3. Bolig\r4"),
	                 "1. Praktik\\n2. Kørekort\\n3. Bolig\\n4");
	cr_assert_str_eq(ics_escape(a, ""), "");
	cr_assert_str_eq(ics_escape(a, "ÆØÅ æøå: \"ja\""), "ÆØÅ æøå: \"ja\"");
}

Test(ics, test_ics_fold_leaves_a_line_of_75_octets_whole)
{
	char line[ICS_LINE_MAX + 1];

	memset(line, 'x', ICS_LINE_MAX);
	line[ICS_LINE_MAX] = '\0';
	cr_assert_str_eq(ics_fold(a, line), arena_printf(a, "%s\r\n", line));
}

Test(ics, test_ics_fold_breaks_the_76th_octet_onto_a_continuation_line)
{
	char line[ICS_LINE_MAX + 2];
	const char *out;

	memset(line, 'x', ICS_LINE_MAX + 1);
	line[ICS_LINE_MAX + 1] = '\0';
	out = ics_fold(a, line);
	cr_assert_eq(strlen(out), ICS_LINE_MAX + 1 + 5);
	cr_assert_eq(memcmp(out + ICS_LINE_MAX, "\r\n x\r\n", 6), 0, "%s", out);
	assert_lines_ok(out);
}

Test(ics, test_ics_fold_never_splits_a_danish_letter_at_any_offset)
{
	size_t pad;

	/* "ø" is two octets: shift it across every position of the 75th. */
	for (pad = 60; pad < 80; pad++) {
		char *line = arena_alloc(a, pad + 400);
		const char *out;
		size_t i;

		memset(line, 'a', pad);
		for (i = 0; i < 100; i++)
			memcpy(line + pad + 2 * i, "ø", 2);
		out = ics_fold(a, line);
		assert_lines_ok(out);
		cr_assert_str_eq(unfold(out), line, "pad %zu", pad);
	}
}

Test(ics, test_ics_fold_keeps_four_octet_sequences_whole)
{
	char line[4 * 60 + 1] = "";
	size_t i;

	for (i = 0; i < 60; i++)
		strcat(line, "\xF0\x9F\x98\x80"); /* U+1F600 */
	assert_lines_ok(ics_fold(a, line));
	cr_assert_str_eq(unfold(ics_fold(a, line)), line);
}

Test(ics, test_ics_calendar_has_the_event_in_utc_with_crlf_and_escaped_text)
{
	struct ics_event ev = {
		.uid = "meeting-17@kaptajn",
		.start = 1796119200, /* 2026-12-01T10:00:00Z */
		.stamp = 1764583200, /* 2025-12-01T10:00:00Z */
		.summary = "Netværksmøde",
		.location = "Jobcentret, mødelokale 2; 1. sal",
	};
	const char *text = ics_calendar(a, &ev);

	assert_lines_ok(text);
	cr_assert(strncmp(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", 37) == 0, "%s", text);
	cr_assert_not_null(strstr(text, "\r\nBEGIN:VEVENT\r\nUID:meeting-17@kaptajn\r\n"), "%s", text);
	cr_assert_not_null(strstr(text, "\r\nDTSTAMP:20251201T100000Z\r\n"), "%s", text);
	cr_assert_not_null(strstr(text, "\r\nDTSTART:20261201T100000Z\r\n"), "%s", text);
	cr_assert_not_null(strstr(text, "\r\nSUMMARY:Netværksmøde\r\n"), "%s", text);
	cr_assert_not_null(strstr(text, "\r\nLOCATION:Jobcentret\\, mødelokale 2\\; 1. sal\r\n"), "%s",
	                   text);
	cr_assert_null(strstr(text, "DESCRIPTION"), "no description was given");
	static const char end[] = "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	cr_assert(strlen(text) > sizeof(end) &&
	                  strcmp(text + strlen(text) - (sizeof(end) - 1), end) == 0,
	          "%s", text);
}

Test(ics, test_ics_calendar_folds_a_long_location_and_keeps_its_lines)
{
	struct ics_event ev = {.uid = "u", .start = 0, .stamp = 0, .summary = "Møde",
	                       .location = "Åbyhøjgårdens fælleslokale, bagindgangen ved cykelskuret, "
	                                   "anden sal til højre\nRing på: Ørum"};
	const char *text = ics_calendar(a, &ev);
	const char *loc = strstr(text, "\r\nLOCATION:");

	assert_lines_ok(text);
	cr_assert_not_null(loc);
	cr_assert_not_null(strstr(unfold(text), "\\nRing på: Ørum"), "%s", text);
	cr_assert_not_null(strstr(text, "\r\n "), "the long line was not folded: %s", text);
}
