/* caseload.h: which citizens a staff member may see, and every staff access
 * to a citizen's data going through one gate that writes the audit row. A
 * caseworker sees the citizens they coordinate, a contact person those they
 * are contact for; anything else is not found, and the attempt is logged.
 * A leader (teamleder) sees every citizen, audited as any read, and moves
 * citizens between caseworkers; a leader writes goals, decisions, consent
 * and the rest only for the citizens they coordinate themselves, as a
 * caseworker does. */
#ifndef KP_CASELOAD_H
#define KP_CASELOAD_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "crypto.h"
#include "db.h"
#include "kp.h"
#include "page.h"

struct caseload_citizen {
	long long id;
	long long plan_id;
	const char *name;
	bool frozen;     /* a member of the plan has withdrawn consent */
	bool ended;      /* the citizen's course has ended: staff only read */
};

/* Whether who is a staff member with the role leader. */
bool caseload_leader(const struct kp_actor *who);
/* Whether a staff role may coordinate citizens: caseworker or leader. */
bool caseload_coordinator_role(const char *role);

/*
 * The gate, inside the caller's transaction (db_tx_begin ... db_tx_end):
 * finds citizen_id in who's caseload (for a leader's "read" or
 * "caseworker_change": among every citizen). If it is not there, writes a
 * "denied" audit row that the transaction keeps (db_tx_keep) and returns
 * KP_ENOTFOUND. Otherwise writes the audit row (action, object), and the
 * same row for each other member of a household plan when the access
 * reaches the shared plan (its reads, goals and approved proposals), and
 * returns KP_OK: the caller makes its change, and db_tx_end() commits it
 * with the audit row, or rolls both back.
 */
enum kp_err caseload_open(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, const char *action, const char *object,
                          struct caseload_citizen *out);
/* caseload_open for a change of the citizen's plan or records (goals,
 * decisions, comments, meetings, the contact person): KP_ECONFLICT
 * plan_frozen (f set) while a member of the plan has withdrawn consent, and
 * KP_ECONFLICT course_ended once the citizen's course has ended (until it is
 * reopened). Recording consent and ending the course are not refused. */
enum kp_err caseload_open_change(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long citizen_id, const char *action, const char *object,
                                 struct caseload_citizen *out, struct kp_fail *f);
/* caseload_open in a transaction of its own: for reads. */
enum kp_err caseload_read(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, const char *object,
                          struct caseload_citizen *out);

/* {"citizens": [...]} of who's caseload at time now, one page (page.h) by
 * (name, id); the position's key is the name. A "read" audit row for each
 * citizen on the page. A leader's list is every citizen of the
 * municipality, audited as one "list_all" row that names no citizen. Each
 * citizen carries, besides the plan's state: "birth_date" (YYYY-MM-DD from
 * the CPR number sealed with keys; null when none opens; never more of the
 * number), "next_meeting_at" (the plan's soonest meeting not yet held that
 * starts at now or later; null: none), "follow_up_due" (a follow-up
 * meeting of the plan whose time is before now and that is not marked
 * held) and "needs_action", the codes of what asks for the staff's action,
 * most urgent first: "not_yet" (the citizen's open "not yet", with
 * "not_yet" {"at", "comment"} on the row), "unread_messages" (the citizen
 * wrote and nobody read it yet; the count is "unread_messages"),
 * "cannot_come" (the citizen answered "I can't come" to a meeting not yet
 * held that starts at now or later), "pending_proposals", "follow_up_due", "consent_missing" (none or
 * withdrawn), "plan_not_accepted" (no standing yes: plan_yes_state, which
 * the row gives as "acceptance_state") and "meeting_this_week" (the
 * next meeting within seven days); none once the course has ended. *out
 * is a new reference. */
enum kp_err caseload_list(struct db *db, struct arena *a, const struct kp_keys *keys,
                          const struct kp_actor *who, time_t now, struct page *pg, json_t **out);

/*
 * The plan as the citizen sees it plus staff-only fields: the citizen (with
 * the date part of the CPR number, opened with keys, and whether who may ask
 * for the whole number with caseload_cpr; never the whole number), consent,
 * the version the citizen last said yes to and the changes since, household
 * members and the household's id (null: none), and "unread_messages": the
 * citizen's messages nobody has read yet (reading them is its own audited
 * read, message_list). Audited as a read.
 */
enum kp_err caseload_plan(struct db *db, struct arena *a, const struct kp_keys *keys,
                          const struct kp_actor *who, long long citizen_id, json_t **out,
                          long long *version);

/* "DDMMYY-SSSS" */
#define CASELOAD_CPR_SHOWN_LEN (KP_CPR_LEN + 1)

/*
 * The citizen's whole CPR number, as "DDMMYY-SSSS", into out, for the
 * citizen's coordinating caseworker only, audited as its own action
 * "read_cpr" (object "cpr") for this citizen alone; the audit row is
 * committed before KP_OK is returned. The caller sends out once and wipes
 * it. KP_ENOTFOUND outside who's caseload (a "denied" row is kept, as
 * caseload_open does); KP_EFORBIDDEN caseworker_only for anyone but the
 * coordinating caseworker, KP_ENOTFOUND cpr_missing when no number is
 * stored, KP_EINTERNAL when it does not open: each with f set where named,
 * and with no read_cpr row.
 */
enum kp_err caseload_cpr(struct db *db, struct arena *a, const struct kp_keys *keys,
                         const struct kp_actor *who, long long citizen_id,
                         char out[CASELOAD_CPR_SHOWN_LEN + 1], struct kp_fail *f);

/* A reason for looking at the number is at most this many characters. */
#define CASELOAD_CPR_REASON_MAX 190
/*
 * caseload_cpr with the caseworker's reason (NULL: none given), kept in
 * the audit row's object as "cpr: <reason>", so the citizen's access log
 * can say why.
 */
enum kp_err caseload_cpr_why(struct db *db, struct arena *a, const struct kp_keys *keys,
                             const struct kp_actor *who, long long citizen_id,
                             const char *reason, char out[CASELOAD_CPR_SHOWN_LEN + 1],
                             struct kp_fail *f);

#endif
