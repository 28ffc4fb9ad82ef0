/* ics.c: an iCalendar file of one event (see ics.h). */
#include <string.h>

#include "ics.h"

char *ics_escape(struct arena *a, const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = arena_alloc(a, 2 * n + 1); /* each octet at most doubles */

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
		case ';':
		case ',':
			out[o++] = '\\';
			out[o++] = s[i];
			break;
		case '\r':
			/* The LF of a CRLF writes the one \n; a lone CR is a break
			 * of its own. */
			if (s[i + 1] == '\n')
				break;
			/* fall through */
		case '\n':
			out[o++] = '\\';
			out[o++] = 'n';
			break;
		default:
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Whether octet c continues a UTF-8 sequence (10xxxxxx). */
static int utf8_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

char *ics_fold(struct arena *a, const char *line)
{
	size_t n = strlen(line), i = 0, o = 0, room = ICS_LINE_MAX;
	/* Each physical line carries at least 71 octets of line (a sequence
	 * is at most 4) and adds 3: twice the length is room enough. */
	char *out = arena_alloc(a, 2 * n + 8);

	while (n - i > room) {
		size_t cut = i + room;

		/* Back up to the first octet of the sequence cut would split. */
		while (cut > i && utf8_cont((unsigned char)line[cut]))
			cut--;
		if (cut == i)
			cut = i + room; /* not UTF-8 at all: octets are octets */
		memcpy(out + o, line + i, cut - i);
		o += cut - i;
		memcpy(out + o, "\r\n ", 3);
		o += 3;
		i = cut;
		room = ICS_LINE_MAX - 1; /* the leading space counts */
	}
	memcpy(out + o, line + i, n - i);
	o += n - i;
	memcpy(out + o, "\r\n", 3);
	return out;
}

/* "YYYYMMDDTHHMMSSZ" */
static const char *ics_time(struct arena *a, time_t t)
{
	struct tm tm;
	char *out = arena_alloc(a, 17);

	strftime(out, 17, "%Y%m%dT%H%M%SZ", gmtime_r(&t, &tm));
	return out;
}

/* Appends the folded line "name:value" (value escaped) to *text. */
static void ics_text_line(struct arena *a, char **text, const char *name, const char *value)
{
	*text = arena_printf(a, "%s%s", *text,
	                     ics_fold(a, arena_printf(a, "%s:%s", name, ics_escape(a, value))));
}

char *ics_calendar(struct arena *a, const struct ics_event *ev)
{
	char *text = arena_printf(a,
	                          "BEGIN:VCALENDAR\r\n"
	                          "VERSION:2.0\r\n"
	                          "PRODID:-//Kaptajn//Kaptajn//DA\r\n"
	                          "CALSCALE:GREGORIAN\r\n"
	                          "METHOD:PUBLISH\r\n"
	                          "BEGIN:VEVENT\r\n");

	text = arena_printf(a, "%s%s", text, ics_fold(a, arena_printf(a, "UID:%s", ev->uid)));
	text = arena_printf(a, "%sDTSTAMP:%s\r\nDTSTART:%s\r\n", text, ics_time(a, ev->stamp),
	                    ics_time(a, ev->start));
	ics_text_line(a, &text, "SUMMARY", ev->summary);
	if (ev->location != NULL && ev->location[0] != '\0')
		ics_text_line(a, &text, "LOCATION", ev->location);
	if (ev->description != NULL && ev->description[0] != '\0')
		ics_text_line(a, &text, "DESCRIPTION", ev->description);
	return arena_printf(a, "%sEND:VEVENT\r\nEND:VCALENDAR\r\n", text);
}
