/* course.c: ending a citizen's course (see course.h). */
#include <stdio.h>
#include <string.h>

#include "caseload.h"
#include "course.h"

const char *const course_outcome_names[COURSE__MAX + 1] = {
	[COURSE_JOB] = "job", [COURSE_EDUCATION] = "education",
	[COURSE_EARLY_PENSION] = "early_pension", [COURSE_OTHER] = "other", [COURSE__MAX] = NULL};

/* DB_COURSE_LOCK's row: the citizen's coordinating caseworker, and how and
 * when the course ended (NULL while it runs). */
struct course_row {
	long long caseworker_id;
	const char *outcome, *ended_at;
};

static void course_row(struct course_row *c, const struct db_res *r, size_t i)
{
	c->caseworker_id = db_i64(r, i, CO_CASEWORKER_ID);
	c->outcome = db_cell(r, i, CO_OUTCOME);
	c->ended_at = db_cell(r, i, CO_ENDED_AT);
}

enum kp_err course_end(struct db *db, struct arena *a, const struct kp_actor *who,
                       long long citizen_id, enum course_outcome outcome, time_t now,
                       json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	struct course_row cr;
	struct db_res r;
	char stored[32], shown[32];
	struct tm tm;
	enum kp_err err;

	*out = NULL;
	if ((int)outcome < 0 || outcome >= COURSE__MAX)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "outcome: is not one of the allowed values");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = caseload_open(db, a, who, citizen_id, "course_ended", "course", &c)) != KP_OK)
		goto out;
	if ((err = db_query(db, a, DB_COURSE_LOCK, DB_ARGS(DB_I64(c.id)), &r)) != KP_OK)
		goto out;
	if (r.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	course_row(&cr, &r, 0);
	/* A caseworker may be someone's contact person too: only the
	 * coordinating one ends the course. */
	if (who->kind != KP_ACTOR_STAFF || cr.caseworker_id != who->id) {
		err = KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		              "only the citizen's coordinating caseworker may end the course");
		goto out;
	}
	if (cr.outcome != NULL) {
		err = KP_FAIL(f, KP_ECONFLICT, "already_ended",
		              arena_printf(a, "the course already ended on %s (%s)", cr.ended_at,
		                           cr.outcome));
		goto out;
	}
	gmtime_r(&now, &tm);
	strftime(stored, sizeof(stored), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(shown, sizeof(shown), "%Y-%m-%dT%H:%M:%SZ", &tm);
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
