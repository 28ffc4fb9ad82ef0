/* course.c: ending a citizen's course (see course.h). */
#include <stdio.h>
#include <string.h>

#include "caseload.h"
#include "course.h"

const char *const course_outcome_names[COURSE__MAX + 1] = {
	[COURSE_JOB] = "job", [COURSE_EDUCATION] = "education",
	[COURSE_EARLY_PENSION] = "early_pension", [COURSE_OTHER] = "other",
	[COURSE_MOVED_AWAY] = "moved_away", [COURSE_CONSENT_WITHDRAWN] = "consent_withdrawn",
	[COURSE__MAX] = NULL};

/* DB_COURSE_LOCK's row: the citizen's coordinating caseworker, how and
 * when the course ended (NULL while it runs), whether that was within the
 * period asked about and whether the citizen's data is purged. */
struct course_row {
	long long caseworker_id;
	const char *outcome, *ended_at;
	bool recent, purged;
};

static void course_row(struct course_row *c, const struct db_res *r, size_t i)
{
	c->caseworker_id = db_i64(r, i, CO_CASEWORKER_ID);
	c->outcome = db_cell(r, i, CO_OUTCOME);
	c->ended_at = db_cell(r, i, CO_ENDED_AT);
	c->recent = db_cell(r, i, CO_RECENT) != NULL && db_i64(r, i, CO_RECENT) != 0;
	c->purged = db_i64(r, i, CO_PURGED) != 0;
}

/* Opens citizen_id in who's caseload for action and locks its course row,
 * as of now with a period of days (for CO_RECENT). Only the coordinating
 * caseworker goes on: a caseworker may be someone's contact person too. */
static enum kp_err course_lock(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long citizen_id, const char *action, const char *now,
                               int days, struct course_row *cr, struct caseload_citizen *c,
                               struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	if ((err = caseload_open(db, a, who, citizen_id, action, "course", c)) != KP_OK)
		return err;
	err = db_query(db, a, DB_COURSE_LOCK, DB_ARGS(DB_STR(now), DB_I64(days), DB_I64(c->id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	course_row(cr, &r, 0);
	if (who->kind != KP_ACTOR_STAFF || cr->caseworker_id != who->id)
		return KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		               "only the citizen's coordinating caseworker may end or reopen the course");
	return KP_OK;
}

enum kp_err course_end(struct db *db, struct arena *a, const struct kp_actor *who,
                       long long citizen_id, enum course_outcome outcome, time_t now,
                       json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	struct course_row cr;
	char stored[32], shown[32];
	struct tm tm;
	enum kp_err err;

	*out = NULL;
	if ((int)outcome < 0 || outcome >= COURSE__MAX)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "outcome: is not one of the allowed values");
	gmtime_r(&now, &tm);
	strftime(stored, sizeof(stored), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(shown, sizeof(shown), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = course_lock(db, a, who, citizen_id, "course_ended", stored, 0, &cr, &c, f);
	if (err != KP_OK)
		goto out;
	if (cr.outcome != NULL) {
		err = KP_FAIL(f, KP_ECONFLICT, "already_ended",
		              arena_printf(a, "the course already ended on %s (%s)", cr.ended_at,
		                           cr.outcome));
		goto out;
	}
	err = db_exec(db, DB_COURSE_END,
	              DB_ARGS(DB_STR(course_outcome_names[outcome]), DB_STR(stored), DB_I64(who->id),
	                      DB_I64(c.id)),
	              NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	if ((*out = json_pack("{s:s, s:s}", "outcome", course_outcome_names[outcome], "ended_at",
	                      shown)) == NULL)
		err = KP_EINTERNAL;
	return err;
}

enum kp_err course_reopen(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, int reopen_days, time_t now, json_t **out,
                          struct kp_fail *f)
{
	struct caseload_citizen c;
	struct course_row cr;
	char stored[32], shown[32];
	struct tm tm;
	enum kp_err err;

	*out = NULL;
	gmtime_r(&now, &tm);
	strftime(stored, sizeof(stored), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(shown, sizeof(shown), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	/* The audit row names how the course had ended. */
	err = course_lock(db, a, who, citizen_id, "course_reopened", stored, reopen_days, &cr, &c, f);
	if (err != KP_OK)
		goto out;
	if (cr.outcome == NULL) {
		err = KP_FAIL(f, KP_ECONFLICT, "not_ended", "the course has not ended");
		goto out;
	}
	if (!cr.recent || cr.purged) {
		err = KP_FAIL(f, KP_ECONFLICT, "reopen_period_over",
		              arena_printf(a, "the course ended on %s, more than %d days ago: it can"
		                              " no longer be reopened; enrol the citizen again",
		                           cr.ended_at, reopen_days));
		goto out;
	}
	err = db_exec(db, DB_COURSE_REOPEN, DB_ARGS(DB_I64(c.id)), NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	if ((*out = json_pack("{s:n, s:s}", "outcome", "reopened_at", shown)) == NULL)
		err = KP_EINTERNAL;
	return err;
}

enum kp_err course_state(struct db *db, struct arena *a, long long citizen_id, int reopen_days,
                         time_t now, json_t **out)
{
	const char *outcome, *ended, *until;
	char stored[32];
	struct db_res r;
	struct tm tm;
	enum kp_err err;

	*out = NULL;
	gmtime_r(&now, &tm);
	strftime(stored, sizeof(stored), "%Y-%m-%d %H:%M:%S", &tm);
	err = db_query(db, a, DB_COURSE_STATE,
	               DB_ARGS(DB_I64(reopen_days), DB_I64(reopen_days), DB_STR(stored),
	                       DB_I64(citizen_id)),
	               &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	outcome = db_cell(&r, 0, CS_OUTCOME);
	ended = db_cell(&r, 0, CS_ENDED_AT);
	until = db_cell(&r, 0, CS_REOPEN_UNTIL);
	*out = json_pack("{s:s?, s:s?, s:s?, s:b}", "outcome", outcome, "ended_at", ended,
	                 "reopen_until", until,
	                 "reopenable", outcome != NULL && db_cell(&r, 0, CS_REOPENABLE) != NULL &&
	                                       db_i64(&r, 0, CS_REOPENABLE) != 0);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
