/* meeting.c: network meetings and follow-ups of a plan (see meeting.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseload.h"
#include "ics.h"
#include "kpjson.h"
#include "meeting.h"
#include "outbox.h"
#include "validate.h"

const char *const meeting_kind_names[MEETING__MAX + 1] = {
	[MEETING_NETWORK] = "network", [MEETING_FOLLOW_UP] = "follow_up", [MEETING__MAX] = NULL};

static const struct vfield participant_fields[] = {
	{"name", V_TEXT, true, 1, MEETING_NAME_MAX, NULL},
	{"role", V_TEXT, true, 1, MEETING_ROLE_MAX, NULL},
	{"professional", V_BOOL, true, 0, 0, NULL},
};

/* The value of n ASCII digits, or -1. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil), so no time zone is ever consulted. */
static long long days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool meeting_time_parse(const char *s, time_t *out)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, len;

	if (s == NULL || strlen(s) != MEETING_TIME_LEN || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return false;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	se = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 59)
		return false;
	len = mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > len)
		return false;
	*out = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se);
	return true;
}

/* "YYYY-MM-DD HH:MM:SS" in UTC, as the database takes it. */
static void db_time(time_t t, char out[32])
{
	struct tm tm;

	strftime(out, 32, "%Y-%m-%d %H:%M:%S", gmtime_r(&t, &tm));
}

static enum kp_err bad(struct arena *a, struct kp_fail *f, const char *code, const char *field,
                       const char *what)
{
	return KP_FAIL(f, KP_EINVAL, code, arena_printf(a, "%s: %s", field, what));
}

/* The checks of the body validator for one text, for callers other than a
 * request. */
static enum kp_err text_check(struct arena *a, const char *name, const char *s, long long min,
                              long long max, struct kp_fail *f)
{
	size_t len, n;

	if (s == NULL)
		return min > 0 ? bad(a, f, "missing_field", name, "is required") : KP_OK;
	len = strlen(s);
	if (!text_chars_ok(s, len))
		return bad(a, f, "invalid_field", name, "holds control characters");
	n = utf8_count(s, len);
	if (min > 0 && (n == 0 || text_blank(s, len)))
		return bad(a, f, "invalid_field", name, "must not be empty");
	if ((long long)n < min || (long long)n > max)
		return bad(a, f, "invalid_field", name,
		           arena_printf(a, "must be %lld to %lld characters", min, max));
	return KP_OK;
}

enum kp_err meeting_check(struct arena *a, const struct meeting_in *in, struct kp_fail *f)
{
	enum kp_err err;
	time_t t;
	size_t i;

	if ((int)in->kind < 0 || in->kind >= MEETING__MAX)
		return bad(a, f, "invalid_field", "kind", "is not one of the allowed values");
	if (in->starts_at == NULL)
		return bad(a, f, "missing_field", "starts_at", "is required");
	if (!meeting_time_parse(in->starts_at, &t))
		return bad(a, f, "invalid_field", "starts_at",
		           "must be a real UTC time written as 2026-12-01T10:00:00Z");
	if ((err = text_check(a, "place", in->place, 1, MEETING_PLACE_MAX, f)) != KP_OK ||
	    (err = text_check(a, "agenda", in->agenda, 0, MEETING_AGENDA_MAX, f)) != KP_OK)
		return err;
	if (in->participants == NULL)
		return KP_OK;
	if (!json_is_array(in->participants))
		return bad(a, f, "invalid_field", "participants", "must be an array");
	if (json_array_size(in->participants) > MEETING_PARTICIPANTS_MAX)
		return bad(a, f, "invalid_field", "participants",
		           arena_printf(a, "must have 0 to %d entries", MEETING_PARTICIPANTS_MAX));
	for (i = 0; i < json_array_size(in->participants); i++) {
		const json_t *p = json_array_get(in->participants, i);

		if (!json_is_object(p))
			return bad(a, f, "invalid_field", arena_printf(a, "participants[%zu]", i),
			           "must be an object with name, role and professional");
		err = validate_body(a, p, participant_fields,
		                    sizeof(participant_fields) / sizeof(participant_fields[0]), f);
		if (err != KP_OK) {
			/* "role: must be ..." becomes "participants[2].role: must be ...". */
			if (f != NULL && f->message != NULL)
				f->message = arena_printf(a, "participants[%zu].%s", i, f->message);
			return err;
		}
	}
	return KP_OK;
}

/* The participants as stored (in may be NULL: none): only the three known
 * members, compact. The text is malloc'ed (free it); NULL when out of
 * memory. */
static char *participants_text(const json_t *in)
{
	json_t *list = json_array(), *p;
	char *text;
	size_t i;

	if (list == NULL)
		return NULL;
	json_array_foreach(in, i, p)
		if (kp_json_push(list, json_pack("{s:O, s:O, s:O}", "name",
		                                 json_object_get(p, "name"), "role",
		                                 json_object_get(p, "role"), "professional",
		                                 json_object_get(p, "professional"))) != 0) {
			json_decref(list);
			return NULL;
		}
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return text;
}

/* A row of DB_MEETING_GET, _LIST, _UPCOMING or _PAST. */
struct meeting_row {
	long long id, citizen_id;
	const char *kind, *starts_at, *place, *agenda, *participants;
	const char *held_at;     /* NULL: not yet held */
	const char *minutes, *minutes_at, *minutes_by; /* minutes: NULL: none yet */
	const char *answer, *comment, *answered_at;     /* answer: NULL: none yet */
};

static void meeting_row_fill(const struct db_res *r, size_t i, struct meeting_row *m)
{
	m->id = db_i64(r, i, MT_ID);
	m->kind = db_cell(r, i, MT_KIND);
	m->starts_at = db_cell(r, i, MT_STARTS_AT);
	m->place = db_cell(r, i, MT_PLACE);
	m->agenda = db_cell(r, i, MT_AGENDA);
	m->participants = db_cell(r, i, MT_PARTICIPANTS);
	m->held_at = db_cell(r, i, MT_HELD_AT);
	m->citizen_id = db_i64(r, i, MT_CITIZEN_ID);
	m->minutes = db_cell(r, i, MT_MINUTES);
	m->minutes_at = db_cell(r, i, MT_MINUTES_AT);
	m->minutes_by = db_cell(r, i, MT_MINUTES_BY);
	m->answer = db_cell(r, i, MT_ANSWER);
	m->comment = db_cell(r, i, MT_COMMENT);
	m->answered_at = db_cell(r, i, MT_ANSWERED_AT);
}

/* A row of DB_MEETING_POINTS. */
struct meeting_point {
	long long id, meeting_id;
	const char *text, *at, *by_name;
	bool by_staff;
};

static void meeting_point_fill(const struct db_res *r, size_t i, struct meeting_point *p)
{
	p->id = db_i64(r, i, MP_ID);
	p->meeting_id = db_i64(r, i, MP_MEETING_ID);
	p->text = db_cell(r, i, MP_TEXT);
	p->at = db_cell(r, i, MP_AT);
	p->by_staff = db_i64(r, i, MP_BY_STAFF) != 0;
	p->by_name = db_cell(r, i, MP_BY_NAME);
}

/* A point as JSON {"id", "text", "at", "by": {"role", "name"}}: a new
 * reference, NULL when out of memory. */
static json_t *meeting_point_json(const struct meeting_point *p)
{
	return json_pack("{s:I, s:s, s:s, s:{s:s, s:s?}}", "id", (json_int_t)p->id, "text", p->text,
	                 "at", p->at, "by", "role", p->by_staff ? "staff" : "citizen", "name",
	                 p->by_name);
}

/* The points of meeting id among the rows of points (any order of
 * meetings, each meeting's in order), as a new array; NULL when out of
 * memory. */
static json_t *meeting_points_json(const struct db_res *points, long long id)
{
	json_t *list = json_array();
	struct meeting_point p;
	size_t i;

	for (i = 0; list != NULL && i < points->nrows; i++) {
		meeting_point_fill(points, i, &p);
		if (p.meeting_id == id && kp_json_push(list, meeting_point_json(&p)) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static json_t *opt_string(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* A meeting as JSON with its points (rows of DB_MEETING_POINTS; those of
 * other meetings are passed over): a new reference; NULL when out of
 * memory or when the stored participants do not parse (logged). The column
 * holds only what participants_text wrote, and jansson does not tell a text
 * that does not parse from one it had no memory to parse: either way the
 * answer would lack the participants, so neither is shown as an empty
 * list. */
static json_t *meeting_json(const struct meeting_row *m, const struct db_res *points)
{
	json_t *parts = json_loads(m->participants, 0, NULL), *out;

	if (!json_is_array(parts)) {
		fprintf(stderr, "meeting_json: the participants of meeting %lld do not parse\n", m->id);
		json_decref(parts);
		return NULL;
	}
	out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)m->id, "kind",
	                m->kind, "starts_at", m->starts_at, "place", m->place, "agenda", m->agenda,
	                "participants", parts, "held_at", opt_string(m->held_at));
	/* Each set takes its value, on failure too. */
	if (out == NULL ||
	    json_object_set_new(out, "points", meeting_points_json(points, m->id)) != 0 ||
	    json_object_set_new(out, "response",
	                        m->answer == NULL
	                                ? json_null()
	                                : json_pack("{s:s, s:o, s:s}", "answer", m->answer, "comment",
	                                            opt_string(m->comment), "at",
	                                            m->answered_at)) != 0 ||
	    json_object_set_new(out, "minutes",
	                        m->minutes == NULL
	                                ? json_null()
	                                : json_pack("{s:s, s:s, s:o}", "text", m->minutes, "at",
	                                            m->minutes_at, "by",
	                                            opt_string(m->minutes_by))) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The meetings of r with their points as a new array; NULL when out of
 * memory. */
struct meetings_ctx {
	const struct db_res *r, *points;
};

static json_t *meeting_row_json(const void *ctx, size_t i)
{
	const struct meetings_ctx *c = ctx;
	struct meeting_row m;

	meeting_row_fill(c->r, i, &m);
	return meeting_json(&m, c->points);
}

static json_t *meetings_json(const struct db_res *r, const struct db_res *points)
{
	struct meetings_ctx c = {r, points};

	return kp_json_list(r->nrows, meeting_row_json, &c);
}

/* The points of citizen_id's meeting_id, or of all their meetings
 * (meeting_id 0), into *out. */
static enum kp_err meeting_points_read(struct db *db, struct arena *a, long long citizen_id,
                                       long long meeting_id, struct db_res *out)
{
	return db_query(db, a, DB_MEETING_POINTS,
	                DB_ARGS(DB_I64(citizen_id), DB_I64(meeting_id), DB_I64(meeting_id)), out);
}

/* Reads meeting id back in the transaction and ends it with err (db_tx_end);
 * on KP_OK *out is the meeting as written. */
static enum kp_err meeting_end(struct db *db, struct arena *a, enum kp_err err, long long id,
                               json_t **out)
{
	struct meeting_row m;
	struct db_res r, points;

	if (err == KP_OK && (err = db_query(db, a, DB_MEETING_GET, DB_ARGS(DB_I64(id)), &r)) == KP_OK &&
	    r.nrows != 1)
		err = KP_EINTERNAL;
	if (err == KP_OK)
		err = meeting_points_read(db, a, db_i64(&r, 0, MT_CITIZEN_ID), id, &points);
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	meeting_row_fill(&r, 0, &m);
	*out = meeting_json(&m, &points);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err meeting_create(struct db *db, struct arena *a, const struct kp_actor *who,
                           long long citizen_id, const struct meeting_in *in, json_t **out,
                           struct kp_fail *f)
{
	struct caseload_citizen c;
	unsigned long long id = 0;
	char starts[32], *parts = NULL;
	enum kp_err err;
	time_t t;

	*out = NULL;
	if ((err = meeting_check(a, in, f)) != KP_OK)
		return err;
	meeting_time_parse(in->starts_at, &t);
	db_time(t, starts);
	if ((parts = participants_text(in->participants)) == NULL)
		return KP_EINTERNAL;
	if ((err = db_tx_begin(db)) != KP_OK)
		goto out;
	err = caseload_open_change(db, a, who, citizen_id, "meeting_added", "meetings", &c, f);
	if (err == KP_OK)
		err = db_exec(db, DB_MEETING_INSERT,
		              DB_ARGS(DB_I64(c.plan_id), DB_I64(c.id),
		                      DB_STR(meeting_kind_names[in->kind]), DB_STR(starts),
		                      DB_STR(in->place), DB_STR(in->agenda != NULL ? in->agenda : ""),
		                      DB_STR(parts), DB_I64(who->id)),
		              NULL, &id);
	/* The citizen hears that a meeting is planned. */
	if (err == KP_OK)
		err = outbox_add(db, c.id, "meeting", (long long)id);
	err = meeting_end(db, a, err, (long long)id, out);
out:
	free(parts);
	return err;
}

/* A row of DB_MEETING_FOLLOW_UPS. */
struct follow_ups {
	long long due, done, outstanding;
};

static void follow_ups_fill(const struct db_res *r, size_t i, struct follow_ups *n)
{
	n->due = db_i64(r, i, FU_DUE);
	n->done = db_i64(r, i, FU_DONE);
	n->outstanding = db_i64(r, i, FU_OUTSTANDING);
}

enum kp_err meeting_list(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long citizen_id, time_t now, json_t **out)
{
	struct caseload_citizen c;
	struct db_res list, fu, points;
	struct follow_ups n;
	char at[32];
	enum kp_err err;

	*out = NULL;
	if ((err = caseload_read(db, a, who, citizen_id, "meetings", &c)) != KP_OK)
		return err;
	db_time(now, at);
	/* The citizen's own meetings: the read is audited for this member
	 * only, so it shows no other household member's. */
	if ((err = db_query(db, a, DB_MEETING_LIST, DB_ARGS(DB_I64(c.id)), &list)) != KP_OK ||
	    (err = meeting_points_read(db, a, c.id, 0, &points)) != KP_OK ||
	    (err = db_query(db, a, DB_MEETING_FOLLOW_UPS,
	                    DB_ARGS(DB_STR(at), DB_STR(at), DB_I64(c.id)), &fu)) != KP_OK)
		return err;
	if (fu.nrows != 1)
		return KP_EINTERNAL;
	follow_ups_fill(&fu, 0, &n);
	/* json_pack fails on a NULL list (out of memory). */
	*out = json_pack("{s:o, s:{s:I, s:I, s:I}}", "meetings", meetings_json(&list, &points), "follow_ups",
	                 "due", (json_int_t)n.due, "done", (json_int_t)n.done, "outstanding",
	                 (json_int_t)n.outstanding);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err meeting_held(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long meeting_id, time_t now, json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	struct meeting_row m;
	struct db_res r, lock;
	char at[32];
	enum kp_err err;

	*out = NULL;
	/* An unknown meeting answers as one of another caseload does. */
	if ((err = db_query(db, a, DB_MEETING_GET, DB_ARGS(DB_I64(meeting_id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	meeting_row_fill(&r, 0, &m);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open_change(db, a, who, m.citizen_id, "meeting_held",
	                           arena_printf(a, "meeting %lld", meeting_id), &c, f);
	if (err != KP_OK)
		goto out;
	err = db_query(db, a, DB_MEETING_LOCK, DB_ARGS(DB_I64(meeting_id), DB_I64(c.id)), &lock);
	if (err != KP_OK)
		goto out;
	if (lock.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	if (db_cell(&lock, 0, ML_HELD_AT) != NULL) {
		err = KP_FAIL(f, KP_ECONFLICT, "already_held", "this meeting is already marked as held");
		goto out;
	}
	db_time(now, at);
	err = db_exec(db, DB_MEETING_HELD, DB_ARGS(DB_STR(at), DB_I64(meeting_id)), NULL, NULL);
out:
	return meeting_end(db, a, err, meeting_id, out);
}

enum kp_err meeting_upcoming(struct db *db, struct arena *a, long long citizen_id, time_t now,
                             json_t **out)
{
	struct db_res up, past, points;
	char at[32];
	enum kp_err err;

	*out = NULL;
	db_time(now, at);
	if ((err = db_query(db, a, DB_MEETING_UPCOMING, DB_ARGS(DB_I64(citizen_id), DB_STR(at)),
	                    &up)) != KP_OK ||
	    (err = db_query(db, a, DB_MEETING_PAST, DB_ARGS(DB_I64(citizen_id), DB_STR(at)),
	                    &past)) != KP_OK ||
	    (err = meeting_points_read(db, a, citizen_id, 0, &points)) != KP_OK)
		return err;
	/* json_pack fails on a NULL list (out of memory). */
	*out = json_pack("{s:o, s:o}", "meetings", meetings_json(&up, &points), "past",
	                 meetings_json(&past, &points));
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* A row of DB_MEETING_STATE. */
struct meeting_state {
	long long citizen_id, points;
	bool held, begun;
};

/* Locks meeting_id in the open transaction and reads its state into *st:
 * KP_ENOTFOUND when there is no such meeting or (citizen_id > 0) it is not
 * that citizen's. */
static enum kp_err meeting_state_lock(struct db *db, struct arena *a, long long meeting_id,
                                      long long citizen_id, const char *now,
                                      struct meeting_state *st)
{
	struct db_res r;
	enum kp_err err;

	err = db_query(db, a, DB_MEETING_STATE, DB_ARGS(DB_STR(now), DB_I64(meeting_id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	st->citizen_id = db_i64(&r, 0, MS_CITIZEN_ID);
	st->held = db_i64(&r, 0, MS_HELD) != 0;
	st->begun = db_i64(&r, 0, MS_BEGUN) != 0;
	st->points = db_i64(&r, 0, MS_POINTS);
	return citizen_id > 0 && st->citizen_id != citizen_id ? KP_ENOTFOUND : KP_OK;
}

/* For staff: the caseload gate on the meeting's citizen, audited as action
 * on "meeting N" (the caller's transaction is open). An unknown meeting
 * answers as one of another caseload does. */
static enum kp_err meeting_staff_open(struct db *db, struct arena *a, const struct kp_actor *who,
                                      long long meeting_id, const char *action,
                                      struct kp_fail *f)
{
	struct caseload_citizen c;
	struct db_res r;
	enum kp_err err;

	if ((err = db_query(db, a, DB_MEETING_GET, DB_ARGS(DB_I64(meeting_id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	return caseload_open_change(db, a, who, db_i64(&r, 0, MT_CITIZEN_ID), action,
	                            arena_printf(a, "meeting %lld", meeting_id), &c, f);
}

static enum kp_err meeting_past(struct kp_fail *f)
{
	return KP_FAIL(f, KP_ECONFLICT, "meeting_past",
	               "this meeting has begun or was held: it can no longer be changed");
}

enum kp_err meeting_point_add(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long meeting_id, const char *text, time_t now, json_t **out,
                              struct kp_fail *f)
{
	struct meeting_state st;
	struct meeting_point p;
	unsigned long long id = 0;
	struct db_res r = {0};
	char at[32];
	enum kp_err err;
	bool staff = who->kind == KP_ACTOR_STAFF;

	*out = NULL;
	if ((err = text_check(a, "text", text, 1, MEETING_POINT_MAX, f)) != KP_OK)
		return err;
	db_time(now, at);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if (staff)
		err = meeting_staff_open(db, a, who, meeting_id, "agenda_point_added", f);
	if (err == KP_OK)
		err = meeting_state_lock(db, a, meeting_id, staff ? 0 : who->id, at, &st);
	if (err != KP_OK)
		goto out;
	if (st.held || st.begun) {
		err = meeting_past(f);
		goto out;
	}
	if (st.points >= MEETING_POINTS_MAX) {
		err = KP_FAIL(f, KP_ECONFLICT, "too_many_points",
		              arena_printf(a, "this agenda already has %d points",
		                           MEETING_POINTS_MAX));
		goto out;
	}
	err = db_exec(db, DB_MEETING_POINT_INSERT,
	              DB_ARGS(DB_I64(meeting_id), DB_I64(st.citizen_id),
	                      staff ? DB_I64(who->id) : DB_NULL, DB_STR(text), DB_STR(at)),
	              NULL, &id);
	/* When staff added it; the citizen's own point is no news to them. */
	if (err == KP_OK && staff)
		err = outbox_add(db, st.citizen_id, "meeting_changed", meeting_id);
	if (err == KP_OK)
		err = meeting_points_read(db, a, st.citizen_id, meeting_id, &r);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	for (size_t i = 0; i < r.nrows; i++) {
		meeting_point_fill(&r, i, &p);
		if (p.id == (long long)id)
			*out = meeting_point_json(&p);
	}
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

const char *const meeting_answer_names[MEETING_ANSWER__MAX + 1] = {
	[MEETING_COMING] = "coming", [MEETING_CANNOT_COME] = "cannot_come",
	[MEETING_ANSWER__MAX] = NULL};

enum kp_err meeting_respond(struct db *db, struct arena *a, long long citizen_id,
                            long long meeting_id, enum meeting_answer answer,
                            const char *comment, time_t now, json_t **out, struct kp_fail *f)
{
	struct meeting_state st;
	char at[32];
	enum kp_err err;

	*out = NULL;
	if ((int)answer < 0 || answer >= MEETING_ANSWER__MAX)
		return bad(a, f, "invalid_field", "answer", "is not one of the allowed values");
	if ((err = text_check(a, "comment", comment, 0, MEETING_COMMENT_MAX, f)) != KP_OK)
		return err;
	db_time(now, at);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = meeting_state_lock(db, a, meeting_id, citizen_id, at, &st);
	if (err == KP_OK && (st.held || st.begun))
		err = meeting_past(f);
	if (err == KP_OK)
		err = db_exec(db, DB_MEETING_RESPONSE_SET,
		              DB_ARGS(DB_I64(meeting_id), DB_I64(citizen_id),
		                      DB_STR(meeting_answer_names[answer]),
		                      comment != NULL && comment[0] != '\0' ? DB_STR(comment) : DB_NULL,
		                      DB_STR(at)),
		              NULL, NULL);
	return meeting_end(db, a, err, meeting_id, out);
}

enum kp_err meeting_minutes(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long meeting_id, const char *text, time_t now, json_t **out,
                            struct kp_fail *f)
{
	struct meeting_state st;
	char at[32];
	enum kp_err err;

	*out = NULL;
	if ((err = text_check(a, "text", text, 1, MEETING_MINUTES_MAX, f)) != KP_OK)
		return err;
	db_time(now, at);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = meeting_staff_open(db, a, who, meeting_id, "minutes_written", f);
	if (err == KP_OK)
		err = meeting_state_lock(db, a, meeting_id, 0, at, &st);
	if (err == KP_OK && !st.held && !st.begun)
		err = KP_FAIL(f, KP_ECONFLICT, "meeting_not_yet",
		              "minutes are written once the meeting has begun or was held");
	if (err == KP_OK)
		err = db_exec(db, DB_MEETING_MINUTES,
		              DB_ARGS(DB_STR(text), DB_STR(at), DB_I64(who->id), DB_I64(meeting_id)),
		              NULL, NULL);
	if (err == KP_OK)
		err = outbox_add(db, st.citizen_id, "meeting_changed", meeting_id);
	return meeting_end(db, a, err, meeting_id, out);
}

/* What the calendar calls a meeting: the citizen's own words for its kind,
 * no names. */
static const char *const meeting_kind_titles[MEETING__MAX] = {
	[MEETING_NETWORK] = "Netværksmøde", [MEETING_FOLLOW_UP] = "Opfølgningssamtale"};

enum kp_err meeting_calendar(struct db *db, struct arena *a, long long citizen_id,
                             long long meeting_id, time_t now, const char **out)
{
	struct ics_event ev = {.stamp = now};
	struct meeting_row m;
	struct db_res r;
	enum kp_err err;
	int k;

	*out = NULL;
	if ((err = db_query(db, a, DB_MEETING_GET, DB_ARGS(DB_I64(meeting_id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1 || db_i64(&r, 0, MT_CITIZEN_ID) != citizen_id)
		return KP_ENOTFOUND;
	meeting_row_fill(&r, 0, &m);
	if (!meeting_time_parse(m.starts_at, &ev.start))
		return KP_EINTERNAL;
	for (k = 0; k < MEETING__MAX && strcmp(m.kind, meeting_kind_names[k]) != 0; k++)
		;
	ev.uid = arena_printf(a, "meeting-%lld@kaptajn", m.id);
	ev.summary = k < MEETING__MAX ? meeting_kind_titles[k] : "Møde";
	ev.location = m.place;
	*out = ics_calendar(a, &ev);
	return KP_OK;
}
