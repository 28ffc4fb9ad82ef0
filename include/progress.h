/* progress.h: how a goal or sub-goal goes, in the citizen's own words
 * (FHIR Goal achievementStatus), with a short note. An answer never
 * changes the goal nor anything a caseworker decided, and does not raise
 * the plan's version: it is the citizen's own, like their yes, and raises
 * their rev (the part of the plan answer that is theirs alone). Every
 * answer is a new row; the newest per goal is how it goes now. */
#ifndef KP_PROGRESS_H
#define KP_PROGRESS_H

#include <jansson.h>

#include "db.h"
#include "kp.h"
#include "page.h"

/* A note's longest length, in characters. */
#define PROGRESS_NOTE_MAX 500

/* The achievementStatus codes a citizen may give, NULL-terminated. */
extern const char *const progress_status_names[];

/*
 * Records who's answer status (one of progress_status_names) with note
 * (NULL or "": none) for goal_id, which must be a goal or sub-goal of
 * who's plan (else KP_ENOTFOUND). *out is a new reference to the answer
 * {"goal_id", "status", "note", "at"}.
 */
enum kp_err progress_add(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long goal_id, const char *status, const char *note,
                         json_t **out);

/*
 * A page of the citizen's answers for goal_id, newest first, as a new
 * {"progress": [...]}; KP_ENOTFOUND when the goal is not in plan_id.
 */
enum kp_err progress_history(struct db *db, struct arena *a, long long citizen_id,
                             long long plan_id, long long goal_id, struct page *pg,
                             json_t **out);

/*
 * The citizen's newest answer for each goal of their plan, a new array
 * [{"goal_id", "status", "note", "at"}] by goal id; NULL on failure (err
 * says which).
 */
json_t *progress_latest(struct db *db, struct arena *a, long long citizen_id, enum kp_err *err);

#endif
