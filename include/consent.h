/* consent.h: the citizen's consent to one joint plan (LAB §30 b), given or
 * withdrawn by the citizen, or recorded by the caseworker from a signed
 * paper or a withdrawal the citizen stated. Each change is a new row with
 * its time and the wording's version; a row is never changed, so the
 * record shows what held when. The newest fact is kept with the citizen
 * and whether any member withdrew with the plan, in the same transaction,
 * so the session query tells every request (consent first: no citizen
 * data before consent; a withdrawal freezes the plan).
 *
 * A household's shared plan is frozen when any one member has withdrawn:
 * the plan holds that member's data too, and nobody may go on changing it
 * against their will. Each member still reads it. */
#ifndef KP_CONSENT_H
#define KP_CONSENT_H

#include <stdbool.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"
#include "page.h"

/* The wording the citizen agrees to, and its version, stored with every
 * fact: a new wording gets a new version, so each fact names the words it
 * was given to. */
#define CONSENT_TEXT_VERSION "samtykke-1"
extern const char consent_text_da[];
extern const char consent_text_en[];

/* NULL-terminated: "given", "withdrawn" (staff record facts). */
extern const char *const consent_action_names[];
/* NULL-terminated: "give", "withdraw" (the citizen acts). */
extern const char *const consent_citizen_action_names[];

/* The consent state as stored ("none", "given", "withdrawn"); any other
 * value, NULL included, is "none". A static string. Pure. */
const char *consent_state_name(const char *stored);

/* KP_ECONFLICT with f set to plan_frozen. */
enum kp_err consent_frozen(struct kp_fail *f);

/*
 * The gate of a citizen route, from what the session query read: the
 * citizen's consent state and whether the plan is frozen. KP_OK;
 * KP_EFORBIDDEN consent_required before consent was ever given;
 * KP_ECONFLICT plan_frozen for a change (change true) while the plan is
 * frozen or the citizen's own consent is not given. f set. Pure.
 */
enum kp_err consent_gate(const char *consent, bool frozen, bool change, struct kp_fail *f);

/* A fact (row i of DB_CITIZEN_CONSENT or DB_CONSENT_LIST) as JSON:
 * {"id", "action", "at", "text_version", "paper", "recorded_by"}, the
 * recording staff member's id only for staff. New reference; NULL when
 * out of memory. */
json_t *consent_fact_json(const struct db_res *r, size_t i, bool staff);

/* The citizen's consent: {"status", "at", "text", "text_en",
 * "text_version", "given_text_version", "paper", "recorded_by",
 * "plan_frozen"} (new reference in *out). */
enum kp_err consent_get(struct db *db, struct arena *a, long long citizen_id, json_t **out);

/*
 * The citizen who (a citizen actor) gives ("give") or withdraws
 * ("withdraw"; anything else KP_EINVAL) consent. A new fact only when the
 * state changes; the same answer otherwise (*created false). Audited as
 * consent_given or consent_withdrawn when a fact is written. *out as
 * consent_get.
 */
enum kp_err consent_citizen(struct db *db, struct arena *a, const struct kp_actor *who,
                            const char *action, json_t **out, bool *created,
                            struct kp_fail *f);

/*
 * Staff who record action ("given" or "withdrawn"; anything else
 * KP_EINVAL) for citizen_id, through the caseload gate ("consent_given" or
 * "consent_withdrawn"). Staff may record "given" only from a signed paper
 * (paper true; else KP_EINVAL paper_required): the citizen gives consent
 * online themselves. A withdrawal the citizen stated may be recorded with
 * or without paper. A new fact only when the state changes (*created).
 * The plan's version does not change. *out is {"status", "at", "fact"}
 * (new reference).
 */
enum kp_err consent_record(struct db *db, struct arena *a, const struct kp_actor *who,
                           long long citizen_id, const char *action, bool paper, json_t **out,
                           bool *created, struct kp_fail *f);

/* The state and one page of the facts, newest first, for staff who
 * (caseload gate, audited as a read of "consent"): {"status", "at",
 * "plan_frozen", "text_version", "history": [fact]}; pg->next_id set. */
enum kp_err consent_history(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long citizen_id, struct page *pg, json_t **out);

#endif
