/* proposal.h: a citizen's proposals to add, change or retire a goal.
 * Proposing does not change the plan; a caseworker's decision does. */
#ifndef KP_PROPOSAL_H
#define KP_PROPOSAL_H

#include <jansson.h>

#include "db.h"
#include "kp.h"

enum proposal_kind { PROPOSAL_ADD_GOAL, PROPOSAL_CHANGE_GOAL, PROPOSAL_RETIRE_GOAL, PROPOSAL__MAX };

extern const char *const proposal_kind_names[PROPOSAL__MAX + 1]; /* NULL-terminated */

/* A validated proposal; optional strings are NULL when absent. */
struct proposal_in {
	enum proposal_kind kind;
	long long goal_id;        /* 0 when absent */
	const char *title;
	const char *description;
	const char *reason;
};

/*
 * Files a proposal by who. add_goal needs a title and no goal_id;
 * change_goal and retire_goal need a goal_id of who's plan (KP_ENOTFOUND
 * otherwise); change_goal also a title or a description. *out is the new
 * proposal (new reference).
 */
enum kp_err proposal_create(struct db *db, struct arena *a, const struct kp_actor *who,
                            const struct proposal_in *in, json_t **out, struct kp_fail *f);
/* {"proposals": [...]} of who, newest first. */
enum kp_err proposal_list(struct db *db, struct arena *a, const struct kp_actor *who,
                          json_t **out);
/* Withdraws who's own pending proposal: KP_ENOTFOUND if it is not theirs,
 * KP_ECONFLICT (not_pending) once it is closed. */
enum kp_err proposal_withdraw(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long id, json_t **out, struct kp_fail *f);

#endif
