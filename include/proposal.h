/* proposal.h: a citizen's proposals to add, change or retire a goal.
 * Proposing does not change the plan; a caseworker's decision does. */
#ifndef KP_PROPOSAL_H
#define KP_PROPOSAL_H

#include <jansson.h>

#include "db.h"
#include "goal.h"
#include "kp.h"
#include "page.h"

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

/* NULL-terminated: the statuses a proposal can have, and a decision. */
extern const char *const proposal_status_names[];   /* pending, approved, ... */
extern const char *const proposal_decision_names[]; /* approve, reject */

/* A caseworker's decision; optional strings are NULL when absent. */
struct proposal_decision {
	bool approve;
	const char *reason;    /* a rejection needs one */
	struct goal_in goal;   /* area, legal_basis, hours_per_week for the goal */
};

/*
 * Files a proposal by who. add_goal needs a title and no goal_id;
 * change_goal and retire_goal need a goal_id of who's plan (KP_ENOTFOUND
 * otherwise); change_goal also a title or a description. In the same
 * transaction, a pending change_goal or retire_goal proposal of who for the
 * same goal becomes superseded (superseded_by the new one). *out is the new
 * proposal (new reference).
 */
enum kp_err proposal_create(struct db *db, struct arena *a, const struct kp_actor *who,
                            const struct proposal_in *in, json_t **out, struct kp_fail *f);
/* {"proposals": [...]} of who, one page (page.h) newest first, by id. */
enum kp_err proposal_list(struct db *db, struct arena *a, const struct kp_actor *who,
                          struct page *pg, json_t **out);
/* Withdraws who's own pending proposal: KP_ENOTFOUND if it is not theirs,
 * KP_ECONFLICT (not_pending) once it is closed. */
enum kp_err proposal_withdraw(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long id, json_t **out, struct kp_fail *f);

/*
 * The staff's approval queue: {"proposals": [...]} with the given status
 * (proposal_status_names; anything else is KP_EINVAL invalid_field) of
 * who's caseload, one page (page.h) oldest first by (created_at, id), each
 * with its citizen, goal, comments and decision. The position's key is
 * created_at as "YYYY-MM-DD HH:MM:SS.ffffff". One "read" audit row (object
 * "proposals") per citizen on the page. Two queries whatever the length.
 * *out is a new reference.
 */
enum kp_err proposal_queue(struct db *db, struct arena *a, const struct kp_actor *who,
                           const char *status, struct page *pg, json_t **out,
                           struct kp_fail *f);

/*
 * A comment by who (caseworker or contact person of the proposal's
 * citizen) on a pending proposal: KP_ENOTFOUND outside the caseload,
 * KP_ECONFLICT not_pending once it is closed. text must have passed
 * validation. *out is the comment {"id","by","at","text"} (new reference).
 */
enum kp_err proposal_comment(struct db *db, struct arena *a, const struct kp_actor *who,
                             long long id, const char *text, json_t **out, struct kp_fail *f);

/*
 * The caseworker who decides on proposal id, all in one transaction that
 * locks the proposal row first: approving applies it to the plan (add_goal
 * makes an active goal from the proposal's title and description and
 * d->goal's area and legal_basis, both required; change_goal writes the
 * proposal's title and description, and d->goal's fields if present, to
 * its goal; retire_goal cancels its goal), raises the version by one with
 * a history row; rejecting needs d->reason and leaves the plan as it is.
 * Errors: KP_ENOTFOUND (unknown, or not in who's caseload: denied audit
 * row), KP_ECONFLICT already_decided / not_pending (withdrawn or
 * superseded), KP_EINVAL missing_field / unknown_legal_basis,
 * KP_EFORBIDDEN when who is not a caseworker. *out is {"plan_version",
 * "proposal"} (new reference) and *version the plan's version after it.
 */
enum kp_err proposal_decide(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long id, const struct proposal_decision *d, json_t **out,
                            long long *version, struct kp_fail *f);

#endif
