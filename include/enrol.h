/* enrol.h: a caseworker enrols a citizen into a course: the CPR number,
 * sealed and hashed for look-up, a name, the caller as coordinating
 * caseworker, an optional contact person, and a plan of its own (version 1,
 * empty: the plan starts from the citizen's own dreams) or the shared plan
 * of a household in the caller's caseload. One CPR number has at most one
 * open course; the database keeps that (migrations/008_enrolment.sql). */
#ifndef KP_ENROL_H
#define KP_ENROL_H

#include <jansson.h>

#include "crypto.h"
#include "db.h"
#include "kp.h"

/* Longest name, in code points (citizens.name). */
#define ENROL_NAME_MAX 200

/* What the caseworker gave; strings as the request holds them. */
struct enrol_in {
	const char *cpr;          /* "DDMMYYSSSS" or "DDMMYY-SSSS" */
	size_t cpr_len;
	const char *name;
	long long contact_id;     /* 0: none */
	long long household_id;   /* 0: a plan of the citizen's own */
};

/*
 * Enrols in->cpr with who (a caseworker) as coordinating caseworker, in one
 * transaction with its audit row ("enrol", object "course"). *out is the
 * citizen {"id", "name", "cpr_date" (DDMMYY), "plan_id", "plan_version",
 * "household_id", "caseworker", "contact", "logged_in", "first_login_at"}
 * (a new reference); never the whole number.
 *
 * KP_EINVAL with f: invalid_cpr (not a CPR number's shape, or its date
 * part no date; the message never holds the number), invalid_field (the
 * name), not_a_contact (contact_id is not an active contact person).
 * KP_ENOTFOUND household_not_found: no such household with a member in
 * who's caseload (the same for one of another caseload). KP_ECONFLICT
 * already_enrolled: the number has an open course; the attempt is audited
 * ("enrol_refused") against that course's citizen, whom the answer never
 * names. KP_ERETRY when the holder of a number found taken is gone by the
 * time it is looked up (run it again). Otherwise a database error.
 */
enum kp_err enrol_citizen(struct db *db, struct arena *a, const struct kp_keys *keys,
                          struct rng *rng, const struct kp_actor *who, const struct enrol_in *in,
                          json_t **out, struct kp_fail *f);

#endif
