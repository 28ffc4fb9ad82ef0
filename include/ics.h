/* ics.h: an iCalendar file (RFC 5545) of one event, for the citizen's own
 * calendar. Pure: no database, no clock, no locale. */
#ifndef KP_ICS_H
#define KP_ICS_H

#include <stddef.h>
#include <time.h>

#include "kp.h"

/* Octets of a content line before it is folded (RFC 5545 §3.1), CRLF not
 * counted. */
#define ICS_LINE_MAX 75

/* One event. Texts are UTF-8 and may hold newlines; they are escaped here. */
struct ics_event {
	const char *uid;          /* stable across downloads of the same event */
	time_t start;             /* DTSTART, written in UTC */
	time_t stamp;             /* DTSTAMP: when the file was made */
	const char *summary;
	const char *location;     /* NULL or "": none */
	const char *description;  /* NULL or "": none */
};

/*
 * s as an iCalendar TEXT value (§3.3.11): backslash, semicolon and comma
 * get a backslash before them, a newline (LF or CRLF) becomes "\n". A new
 * string in a.
 */
char *ics_escape(struct arena *a, const char *s);

/*
 * The content line "line" (no CRLF in it) folded (§3.1): each physical line
 * holds at most ICS_LINE_MAX octets, continuation lines start with one
 * space (which counts), no UTF-8 sequence is split, and every line ends in
 * CRLF. A new string in a.
 */
char *ics_fold(struct arena *a, const char *line);

/*
 * A VCALENDAR with the one VEVENT ev (PRODID, VERSION, METHOD:PUBLISH; UID,
 * DTSTAMP, DTSTART in UTC, SUMMARY, LOCATION and DESCRIPTION when given),
 * CRLF line ends and folded lines. A new string in a.
 */
char *ics_calendar(struct arena *a, const struct ics_event *ev);

#endif
