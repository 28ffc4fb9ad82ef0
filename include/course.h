/* course.h: how a citizen's course ended (job, education, early pension,
 * other clarification, moved away, consent withdrawn), recorded once by the
 * coordinating caseworker, who may reopen it within the configured period
 * (course_reopen_days). */
#ifndef KP_COURSE_H
#define KP_COURSE_H

#include <time.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

enum course_outcome {
	COURSE_JOB, COURSE_EDUCATION, COURSE_EARLY_PENSION, COURSE_OTHER, COURSE_MOVED_AWAY,
	COURSE_CONSENT_WITHDRAWN, COURSE__MAX
};

extern const char *const course_outcome_names[COURSE__MAX + 1]; /* NULL-terminated */

/*
 * Ends citizen_id's course at time now with outcome, audited as
 * "course_ended". KP_ENOTFOUND when the citizen is not in who's caseload;
 * KP_EFORBIDDEN (caseworker_only) unless who is the citizen's caseworker;
 * KP_ECONFLICT (already_ended) the second time, which changes nothing.
 * *out is {"outcome", "ended_at"} (new reference).
 */
enum kp_err course_end(struct db *db, struct arena *a, const struct kp_actor *who,
                       long long citizen_id, enum course_outcome outcome, time_t now,
                       json_t **out, struct kp_fail *f);

/*
 * Reopens citizen_id's ended course at time now, when it ended at most
 * reopen_days before and has not been purged; audited as "course_reopened".
 * KP_ENOTFOUND when the citizen is not in who's caseload; KP_EFORBIDDEN
 * (caseworker_only) unless who is the coordinating caseworker; KP_ECONFLICT:
 * not_ended while it runs, reopen_period_over after the period. *out is
 * {"outcome": null, "reopened_at"} (new reference).
 */
enum kp_err course_reopen(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, int reopen_days, time_t now, json_t **out,
                          struct kp_fail *f);

/* *out: {"outcome", "ended_at", "reopen_until", "reopenable"} of citizen_id's
 * course as of now (the first three null while it runs), for the staff plan
 * read after its access check. */
enum kp_err course_state(struct db *db, struct arena *a, long long citizen_id, int reopen_days,
                         time_t now, json_t **out);

#endif
