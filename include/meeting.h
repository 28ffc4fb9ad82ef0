/* meeting.h: network meetings (professionals with the citizen's own
 * network, agenda made with the citizen) and follow-up conversations of a
 * plan. Staff reach them through the caseload gate; the citizen sees the
 * upcoming ones of their own plan. */
#ifndef KP_MEETING_H
#define KP_MEETING_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

enum meeting_kind { MEETING_NETWORK, MEETING_FOLLOW_UP, MEETING__MAX };

extern const char *const meeting_kind_names[MEETING__MAX + 1]; /* NULL-terminated */

/* The citizen's answer to a meeting. */
enum meeting_answer { MEETING_COMING, MEETING_CANNOT_COME, MEETING_ANSWER__MAX };

extern const char *const meeting_answer_names[MEETING_ANSWER__MAX + 1]; /* NULL-terminated */

/* Limits, in code points and entries. */
#define MEETING_PLACE_MAX 200
#define MEETING_AGENDA_MAX 4000
#define MEETING_PARTICIPANTS_MAX 30
#define MEETING_NAME_MAX 200
#define MEETING_ROLE_MAX 100
#define MEETING_POINT_MAX 1000    /* a point on the agenda */
#define MEETING_POINTS_MAX 50     /* points on one agenda */
#define MEETING_COMMENT_MAX 1000  /* with an answer */
#define MEETING_MINUTES_MAX 8000
/* "2026-12-01T10:00:00Z" */
#define MEETING_TIME_LEN 20

/* A meeting as the handler got it; the body validator has checked the
 * types of the top-level members, meeting_create checks the rest. */
struct meeting_in {
	enum meeting_kind kind;
	const char *starts_at;         /* "YYYY-MM-DDTHH:MM:SSZ", UTC */
	const char *place;
	const char *agenda;            /* NULL: empty */
	const json_t *participants;    /* NULL: none; else an array of
	                                * {"name", "role", "professional"} */
};

/*
 * Parses a UTC time of exactly the form "YYYY-MM-DDTHH:MM:SSZ" that names a
 * real moment (month lengths and leap years checked, years 1970-9999).
 * True with *out set; false for anything else.
 */
bool meeting_time_parse(const char *s, time_t *out);

/*
 * Checks in (time, place, agenda, participants: at most 30 objects of
 * exactly name 1-200, role 1-100, professional true/false). KP_OK, or
 * KP_EINVAL with f set (invalid_field, missing_field or unknown_field; the
 * message names the member, as in "participants[2].role: ...").
 */
enum kp_err meeting_check(struct arena *a, const struct meeting_in *in, struct kp_fail *f);

/*
 * Adds a meeting to the plan of citizen_id, by who (their caseworker or
 * contact person; anyone else gets KP_ENOTFOUND and a "denied" audit row),
 * audited as "meeting_added". *out is the meeting (new reference):
 * {"id", "kind", "starts_at", "place", "agenda", "participants", "held_at",
 * "points": [{"id", "text", "at", "by": {"role": "citizen" | "staff",
 * "name"}}], "response": null | {"answer", "comment", "at"}, "minutes":
 * null | {"text", "at", "by"}}; every meeting answer has this shape.
 */
enum kp_err meeting_create(struct db *db, struct arena *a, const struct kp_actor *who,
                           long long citizen_id, const struct meeting_in *in, json_t **out,
                           struct kp_fail *f);

/*
 * The meetings of citizen_id's plan, newest first, and the plan's
 * follow-ups at time now: {"meetings": [...], "follow_ups": {"due", "done",
 * "outstanding"}} where due counts follow-ups whose time has come, done
 * those held and outstanding those due and not held. Audited as a read of
 * "meetings". *out is a new reference.
 */
enum kp_err meeting_list(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long citizen_id, time_t now, json_t **out);

/*
 * Records at time now that meeting_id was held, audited as "meeting_held".
 * KP_ENOTFOUND when the meeting is unknown or its citizen is not in who's
 * caseload; KP_ECONFLICT (already_held) the second time. *out is the
 * meeting with held_at set (new reference).
 */
enum kp_err meeting_held(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long meeting_id, time_t now, json_t **out, struct kp_fail *f);

/*
 * For the citizen: {"meetings": [...], "past": [...]} of citizen_id's own
 * meetings at time now: "meetings" those not yet held that start at now or
 * later, soonest first; "past" those held or begun, newest first. Never
 * another household member's (a meeting is one person's record, not the
 * shared plan's). *out is a new reference.
 */
enum kp_err meeting_upcoming(struct db *db, struct arena *a, long long citizen_id, time_t now,
                             json_t **out);

/*
 * Adds the point text (1-MEETING_POINT_MAX code points, newlines kept) to
 * the agenda of meeting_id at time now. who is the meeting's citizen, or
 * staff through the caseload gate (audited "agenda_point_added"). *out is
 * the point {"id", "text", "at", "by"} (new reference). KP_ENOTFOUND for
 * an unknown meeting or one not who's (not in who's caseload); KP_EINVAL
 * (f set) for a bad text; KP_ECONFLICT meeting_past once the meeting has
 * begun or was held, too_many_points past MEETING_POINTS_MAX.
 */
enum kp_err meeting_point_add(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long meeting_id, const char *text, time_t now, json_t **out,
                              struct kp_fail *f);

/*
 * Records citizen_id's answer to their meeting_id at time now, with an
 * optional comment (NULL or "": none; at most MEETING_COMMENT_MAX); a later
 * answer replaces the earlier one. *out is the meeting (new reference).
 * KP_ENOTFOUND when the meeting is not the citizen's; KP_EINVAL (f set);
 * KP_ECONFLICT meeting_past once it has begun or was held.
 */
enum kp_err meeting_respond(struct db *db, struct arena *a, long long citizen_id,
                            long long meeting_id, enum meeting_answer answer,
                            const char *comment, time_t now, json_t **out, struct kp_fail *f);

/*
 * Writes the minutes of meeting_id (1-MEETING_MINUTES_MAX code points,
 * replacing earlier ones) by staff who at time now, audited as
 * "minutes_written". *out is the meeting (new reference). KP_ENOTFOUND as
 * meeting_held; KP_EINVAL (f set); KP_ECONFLICT meeting_not_yet before the
 * meeting has begun and while it is not held.
 */
enum kp_err meeting_minutes(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long meeting_id, const char *text, time_t now, json_t **out,
                            struct kp_fail *f);

/*
 * citizen_id's meeting_id as an iCalendar file made at time now (ics.h): UID
 * "meeting-ID@kaptajn", its start, its kind as SUMMARY, its place as
 * LOCATION; no names, no agenda. *out is in a. KP_ENOTFOUND when the
 * meeting is not the citizen's.
 */
enum kp_err meeting_calendar(struct db *db, struct arena *a, long long citizen_id,
                             long long meeting_id, time_t now, const char **out);

#endif
