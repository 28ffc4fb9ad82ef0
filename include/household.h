/* household.h: households formed by staff, the children in them, and a
 * member moving out. A household is adults on one shared plan (its dreams
 * and goals) and children who do not log in (a name and a birth date, no
 * CPR number). Each adult keeps their own records: consent, meetings,
 * proposals and their yes are never another member's. A goal may name a
 * child of the plan's household, and the goals naming one child are
 * exported on their own (Barnets lov). */
#ifndef KP_HOUSEHOLD_H
#define KP_HOUSEHOLD_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

/* Most adults a household is formed of at once: the form's transaction
 * raises two marks per member, and db.c keeps sixteen. */
#define HOUSEHOLD_MEMBERS_MAX 6
/* A child is under this age (years) on the day it is added. */
#define HOUSEHOLD_CHILD_AGE_MAX 18

/* How a birth date reads (household_birth_check). */
enum household_birth {
	HOUSEHOLD_BIRTH_OK,
	HOUSEHOLD_BIRTH_FORM,    /* not YYYY-MM-DD, or no such day */
	HOUSEHOLD_BIRTH_FUTURE,  /* after today (UTC) */
	HOUSEHOLD_BIRTH_ADULT,   /* HOUSEHOLD_CHILD_AGE_MAX years ago or earlier */
	HOUSEHOLD_BIRTH__MAX
};

/* Whether s (len bytes) is the birth date of a child on the UTC day of now. */
enum household_birth household_birth_check(const char *s, size_t len, time_t now);

/*
 * Forms a household named name of the n citizens in members (ids, 1 to
 * HOUSEHOLD_MEMBERS_MAX, no repeats), each coordinated by who, in one
 * transaction: a new household and a new plan (version 1, with its history
 * row) to which every member's dreams and goals move, and their own
 * proposals and meetings with them; each old plan is left empty, its
 * version raised with a history row saying where its content went, and
 * stays as history (no citizen points at it). Every member's rev rises; a
 * yes given to the old plan does not carry over. Audited per member
 * ("household_formed").
 *
 * *out is the household as household_get gives it (new reference).
 * KP_EINVAL invalid_field (name, members); KP_ENOTFOUND for a member who
 * is not a citizen who coordinates (audited "denied" against that id,
 * nothing else kept); KP_ECONFLICT already_in_household, plan_frozen or
 * course_ended; otherwise a database error. Nothing changes on an error.
 */
enum kp_err household_form(struct db *db, struct arena *a, const struct kp_actor *who,
                           const char *name, const long long *members, size_t n, json_t **out,
                           struct kp_fail *f);

/*
 * {"id", "name", "plan_id", "plan_version", "adults": [{"id", "name"}],
 * "children": [{"id", "name", "birth_date"}]} of household id, for a staff
 * member with an adult of it in their caseload (a leader: any), audited as
 * a read ("household") of each adult. KP_ENOTFOUND otherwise (audited
 * "denied").
 */
enum kp_err household_get(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long id, json_t **out);

/*
 * Adds a child (name; birth_date YYYY-MM-DD, household_birth_check on the
 * day of now) to household id, for who coordinating an adult of it;
 * audited for every adult ("child_added"). *out is the household after.
 * KP_EINVAL invalid_field / invalid_birth_date; KP_ENOTFOUND; KP_ECONFLICT
 * plan_frozen / course_ended.
 */
enum kp_err household_child_add(struct db *db, struct arena *a, const struct kp_actor *who,
                                long long id, const char *name, const char *birth_date,
                                time_t now, json_t **out, struct kp_fail *f);

/*
 * The separable export of one child: {"household": {"id", "name"},
 * "child": {"id", "name", "birth_date"}, "goals": [...]}, the goals of the
 * household's plan that name the child, with their sub-goals. Access and
 * audit (object "child-export") as household_get; a child of another
 * household is KP_ENOTFOUND.
 */
enum kp_err household_child_export(struct db *db, struct arena *a, const struct kp_actor *who,
                                   long long id, long long child_id, json_t **out);

/*
 * Moves citizen_id out of household id, for who coordinating that citizen,
 * in one transaction: a new plan of the citizen's own (version 1, history
 * row) with a copy of the citizen's own live dreams, which the household's
 * plan hides (its version raised, with a history row); the goals stay with
 * the household; the citizen's proposals and meetings follow the citizen.
 * Audited for every adult ("household_moved_out"). *out is the household
 * after, with "moved_out": {"id", "plan_id"}.
 *
 * KP_ENOTFOUND (no such household or member in who's caseload);
 * KP_ECONFLICT last_adult (the household keeps at least one adult),
 * pending_proposals (decide or withdraw them first: they may be about the
 * household's goals), plan_frozen, course_ended.
 */
enum kp_err household_move_out(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long id, long long citizen_id, json_t **out,
                               struct kp_fail *f);

#endif
