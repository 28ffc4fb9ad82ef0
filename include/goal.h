/* goal.h: the caseworker's goals and sub-goals. Each rests on a legal basis
 * from the legal_bases table; a goal about a child (by its basis, or marked
 * so) stays separable for an access-to-files request. Every change goes
 * through the caseload gate and raises the plan's version. */
#ifndef KP_GOAL_H
#define KP_GOAL_H

#include <stdbool.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

struct plan_diff;

struct plan_want; /* plan.h */

#define GOAL_LEGAL_BASIS_MAX 40
#define GOAL_HOURS_MAX 80

/* NULL-terminated lists of allowed values, for the validators. */
extern const char *const goal_area_names[];       /* job, education, ... */
extern const char *const goal_status_names[];     /* FHIR Goal: all seven */
extern const char *const goal_new_status_names[]; /* a new goal: proposed..on-hold */

/*
 * A validated goal, or the fields of a change. A NULL string, has_hours
 * false and child_related -1 mean "absent" (in a change: keep the value).
 */
struct goal_in {
	const char *title;
	const char *description;
	const char *area;
	const char *legal_basis;
	const char *status;
	long long parent_id;  /* 0: a goal, not a sub-goal */
	bool has_hours;       /* hours_per_week given ... */
	bool hours_null;      /* ... as null (a change: clear it) */
	double hours;
	int child_related;    /* -1 absent, 0 or 1 */
	long long child_id;   /* the child of the plan's household the goal is
	                       * about (the goal is then child-related); 0
	                       * absent, -1 (a change: null) names none */
};

/* An empty goal_in: every field absent. */
#define GOAL_IN_NONE ((struct goal_in){.child_related = -1})

/*
 * Adds a goal (or a sub-goal, with parent_id) to citizen_id's plan for the
 * caseworker who, through the caseload gate ("goal_added"). title, area and
 * legal_basis are required; status defaults to active. Errors:
 * KP_ENOTFOUND (not in the caseload, or a parent not in this plan),
 * KP_EINVAL unknown_legal_basis / invalid_parent / invalid_child (child_id
 * is not a child of the plan's household), KP_ESTALE when want
 * (or PLAN_ANY_VERSION) is not the plan's version. *out is the goal as the
 * plan shows it (new reference), *version the plan's new version.
 */
enum kp_err goal_create(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, const struct goal_in *in,
                        const struct plan_want *want, json_t **out, long long *version,
                        struct kp_fail *f);

/*
 * Changes the fields of in that are present on goal_id of citizen_id's plan
 * ("goal_changed"); nothing present is KP_EINVAL. A goal of another plan is
 * KP_ENOTFOUND. As goal_create otherwise; *out holds its sub-goals.
 */
enum kp_err goal_update(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, long long goal_id, const struct goal_in *in,
                        const struct plan_want *want, json_t **out, long long *version,
                        struct kp_fail *f);

/*
 * Inside the caller's transaction (the plan locked), for decisions too:
 * goal_insert adds in to plan_id as created by who and gives its id;
 * goal_apply changes goal_id of plan_id with the present fields of in and
 * gives its title after the change (in a) and whether it is a sub-goal.
 * Both check the legal basis and the child-related rule, and note the
 * fields they set or change into d (plan.h; NULL: not noted) for the
 * version's change rows.
 */
enum kp_err goal_insert(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long plan_id, const struct goal_in *in, long long *id,
                        struct plan_diff *d, struct kp_fail *f);
enum kp_err goal_apply(struct db *db, struct arena *a, long long plan_id, long long goal_id,
                       const struct goal_in *in, const char **title, bool *is_sub,
                       struct plan_diff *d, struct kp_fail *f);

/* {"legal_bases": [{"code","law","title","child_related"}]} (new reference). */
enum kp_err goal_legal_bases(struct db *db, struct arena *a, json_t **out);

/*
 * The separable export of citizen_id's child-related goals, read through
 * the caseload gate (object "child-related"): {"citizen": {"id","name"},
 * "goals": [...]}, each child-related goal with its child-related
 * sub-goals; a child-related sub-goal of another goal is listed on its own
 * with its "parent_goal_id". *out is a new reference.
 */
enum kp_err goal_child_related(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long citizen_id, json_t **out);

/*
 * Rows of the columns of DB_PLAN_GOALS, by id, as a list of goals with
 * their sub-goals (only the child-related ones when child_related_only); a
 * listed sub-goal whose goal is not listed stands on its own with its
 * "parent_goal_id". A new reference; NULL when out of memory.
 */
json_t *goal_tree(struct arena *a, const struct db_res *r, bool child_related_only);

#endif
