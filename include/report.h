/* report.h: the overview report for management: aggregate numbers over all
 * citizens and per coordinating caseworker, with no personal data (so it
 * writes no audit rows). */
#ifndef KP_REPORT_H
#define KP_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

/* The median of v[0..n) (sorted in place). False when n is 0. */
bool report_median(double *v, size_t n, double *out);

/*
 * {"total": R, "per_caseworker": [{"caseworker": {"id", "name"}, ...R}]}
 * where R is {"active_citizens", "pending_proposals",
 * "median_hours_to_decision", "citizens_per_contact", "staff_per_citizen":
 * {"mean", "max"}, "outcomes": {"job", "education", "early_pension",
 * "other"}}. A citizen counts for the caseworker who coordinates them; the
 * total counts every citizen. Read in six queries whatever the number of
 * citizens. *out is a new reference.
 */
enum kp_err report_overview(struct db *db, struct arena *a, json_t **out);

#endif
