/* course.h: how a citizen's course ended (job, education, early pension,
 * other), recorded once by the coordinating caseworker. */
#ifndef KP_COURSE_H
#define KP_COURSE_H

#include <time.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

enum course_outcome {
	COURSE_JOB, COURSE_EDUCATION, COURSE_EARLY_PENSION, COURSE_OTHER, COURSE__MAX
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

#endif
