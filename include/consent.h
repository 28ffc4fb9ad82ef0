/* consent.h: the citizen's consent to one joint plan (LAB §30 b), recorded
 * by the caseworker. Each giving or withdrawal is a new row with its time;
 * a row is never changed, so the record shows what held when. */
#ifndef KP_CONSENT_H
#define KP_CONSENT_H

#include <jansson.h>

#include "db.h"
#include "kp.h"

/* NULL-terminated: "given", "withdrawn". */
extern const char *const consent_action_names[];

/*
 * Records action ("given" or "withdrawn"; anything else KP_EINVAL) for
 * citizen_id by who, through the caseload gate ("consent_given" or
 * "consent_withdrawn"). The plan's version does not change. *out is
 * {"status","at"} (new reference).
 */
enum kp_err consent_record(struct db *db, struct arena *a, const struct kp_actor *who,
                           long long citizen_id, const char *action, json_t **out,
                           struct kp_fail *f);

#endif
