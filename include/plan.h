/* plan.h: the citizen's one plan: reading it whole, its dreams, its
 * versions and history, the citizen's yes to a version, the contact person.
 * Every change is one transaction that locks the plan row, checks the
 * expected version, raises the version by one and writes a history row. */
#ifndef KP_PLAN_H
#define KP_PLAN_H

#include <stdbool.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"
#include "page.h"

/*
 * The versions a change may apply to, as an If-Match header names them
 * (RFC 9110 §13.1.1): any version (no header, or "*"), or one of the n
 * listed. A list may be empty: its entity-tags were well-formed but none
 * is the ETag of a version ("0", "abc"), so it never matches.
 */
struct plan_want {
	bool any;
	size_t n;
	const long long *versions;
};

/* No If-Match given, or "*". */
extern const struct plan_want plan_want_any;
#define PLAN_ANY_VERSION (&plan_want_any)
/* Exactly version v (a compound literal: lives as long as the block). */
#define PLAN_VERSION(v) (&(const struct plan_want){false, 1, (const long long[]){(v)}})

/* True when version is one that want allows. */
bool plan_want_match(const struct plan_want *want, long long version);

/*
 * The plan as the citizen sees it (API.md's GET /api/v1/plan), read in four
 * queries whatever its size. *out is a new reference the caller decrefs;
 * *version is its version (for the ETag).
 */
enum kp_err plan_get(struct db *db, struct arena *a, long long citizen_id, json_t **out,
                     long long *version);

/*
 * A citizen's plan answer is made of two parts that are proven current
 * apart (fcgi/plan_cache.c keeps them): the plan's dreams and goals, which
 * change only with the plan's version, and what the citizen sees besides
 * (their last yes, their contact person), which changes only with the
 * citizen's rev (db.h).
 *
 * plan_doc: the "dreams" and "goals" members of plan plan_id at version,
 * as JSON text without the braces (in a). Read from the row kept in
 * plan_docs when it is of that version (one query), else built from the
 * tables (two queries) and kept there.
 */
enum kp_err plan_doc(struct db *db, struct arena *a, long long plan_id, long long version,
                     const char **doc);
/* plan_citizen_part: the "accepted_version", "contact", "consent"
 * ({"status", "at"}) and "frozen" members of the citizen's answer as JSON text without braces (in a), and the rev they
 * are as of. KP_ENOTFOUND when there is no such citizen. */
enum kp_err plan_citizen_part(struct db *db, struct arena *a, long long citizen_id,
                              const char **part, long long *rev);
/* The whole answer from its parts (in a; NULL when out of memory). */
const char *plan_answer(struct arena *a, long long plan_id, long long version, const char *part,
                        const char *doc);

/* One goal row (the columns of DB_PLAN_GOALS) as the plan shows it, with an
 * empty "subgoals" array. A new reference; NULL when out of memory. */
json_t *plan_goal_json(const struct db_res *r, size_t row);

/*
 * Inside a transaction: locks the plan row and checks want (or
 * PLAN_ANY_VERSION). KP_OK with *version the current one; KP_ECONFLICT
 * (plan_frozen) when a member of the plan has withdrawn consent; KP_ESTALE
 * (stale_version) when want does not allow it.
 */
enum kp_err plan_lock(struct db *db, struct arena *a, long long plan_id,
                      const struct plan_want *want, long long *version, struct kp_fail *f);
/* Inside a transaction: raises the version to new_version and writes its
 * history row, made by who with a short summary. plan_bump_diff with no
 * fields named. */
enum kp_err plan_bump(struct db *db, long long plan_id, long long new_version,
                      const struct kp_actor *who, const char *summary);

/*
 * What one change does to the plan, field by field, in words the citizen
 * can read (GET /api/v1/plan/changes): subject "dream", "goal" or
 * "subgoal" and its id; field "text", "title", "description", "area",
 * "status", "legal_basis", "hours_per_week", or "added" / "removed" for a
 * dream; what ("Mål: Få et fleksjob — titel"); before and after (NULL:
 * none). The strings are borrowed until plan_bump_diff has run.
 * own_dream: the change is the citizen's own edit of their own dream.
 */
#define PLAN_DIFF_MAX 8
struct plan_field {
	const char *subject;
	long long subject_id;
	const char *field, *what, *before, *after;
};
struct plan_diff {
	size_t n;
	bool overflow;  /* more than PLAN_DIFF_MAX fields: a bug, refused */
	bool own_dream;
	struct plan_field f[PLAN_DIFF_MAX];
};

/* Notes one field; nothing when before and after are the same text. d may
 * be NULL (nothing is noted). */
void plan_diff_add(struct plan_diff *d, const char *subject, long long subject_id,
                   const char *field, const char *what, const char *before, const char *after);

/*
 * The one writer of a plan's versions, inside the change's transaction:
 * raises the version to new_version, writes its history row (who, summary)
 * and a plan_changes row per field of d (NULL: none), and applies the rule
 * for a standing yes (plan_yes_state): a citizen's own edit of their own
 * dream carries that citizen's yes on to the new version when it covered
 * the version before; every other change leaves every yes behind.
 */
enum kp_err plan_bump_diff(struct db *db, long long plan_id, long long new_version,
                           const struct kp_actor *who, const char *summary,
                           const struct plan_diff *d);

/*
 * Whether a citizen's yes stands (API: "acceptance"."state"), from their
 * last yes (accepted false: none), how far it covers (accepted_through)
 * and the plan's version: "none", "current" (the yes is to this version),
 * "own_dreams_edited" (to an older version, and every change since was the
 * citizen's own edit of their own dreams: the yes stands) or "outdated"
 * (someone else changed the plan since: a new yes is asked for).
 */
enum plan_yes {
	PLAN_YES_NONE, PLAN_YES_CURRENT, PLAN_YES_OWN_DREAMS, PLAN_YES_OUTDATED, PLAN_YES__MAX
};
extern const char *const plan_yes_names[PLAN_YES__MAX + 1];
enum plan_yes plan_yes_state(bool accepted, long long accepted_version,
                             long long accepted_through, long long version);
/* True for the states in which the yes stands. */
bool plan_yes_stands(enum plan_yes y);

/* Dreams. Each returns the plan's new version in *version and, for create
 * and update, the dream as JSON in *out (new reference). A dream of another
 * plan is KP_ENOTFOUND; one written by another member of the household is
 * KP_EFORBIDDEN (not_author). text must have passed validation. */
enum kp_err dream_create(struct db *db, struct arena *a, const struct kp_actor *who,
                         const char *text, const struct plan_want *want, json_t **out,
                         long long *version, struct kp_fail *f);
enum kp_err dream_update(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long dream_id, const char *text, const struct plan_want *want,
                         json_t **out, long long *version, struct kp_fail *f);
enum kp_err dream_delete(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long dream_id, const struct plan_want *want, long long *version,
                         struct kp_fail *f);

/* The citizen says yes to version, which must be the current one
 * (KP_ECONFLICT version_conflict otherwise). The version does not change.
 * The yes is kept with its receipt and closes the citizen's open not_yet;
 * *out is the receipt {"version", "accepted_at", "goals", "dreams",
 * "answer": "yes"} (new reference). */
enum kp_err plan_accept(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long version, json_t **out, struct kp_fail *f);

/* The citizen answers not_yet to version, the current one (KP_ECONFLICT
 * version_conflict otherwise), with an optional comment (validated
 * text; NULL: none): recorded, shown to the contact person until a later
 * yes or a staff acknowledgement; accepted_version does not change.
 * *out {"version", "answer", "at", "comment"}. */
enum kp_err plan_not_yet(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long version, const char *comment, json_t **out,
                         struct kp_fail *f);

/* The citizen's answer as it stands (GET /api/v1/plan/acceptance):
 * {"version", "accepted_version", "accepted_through", "state", "receipt"
 * (the last yes: {"version", "accepted_at", "goals", "dreams"}; goals and
 * dreams null for a yes from before they were kept; null: no yes),
 * "not_yet" (the open one: {"version", "at", "comment"}; null: none)}. */
enum kp_err plan_acceptance(struct db *db, struct arena *a, const struct kp_actor *who,
                            json_t **out);
/* The same without the receipt, for the staff's view of citizen_id:
 * {"version", "accepted_version", "accepted_through", "state", "not_yet"}. */
enum kp_err plan_acceptance_staff(struct db *db, struct arena *a, long long citizen_id,
                                  json_t **out);

/* {"since", "version", "accepted_version", "state", "changes": [...]}: the
 * versions after since up to the current one, oldest first, one entry per
 * changed field ({"version", "at", "by": {"kind", "name", "role", "you"},
 * "what", "before", "after", "subject", "field", "own"}); a version that
 * names no field (made before 018, a new contact person) is one entry with
 * its history summary as "what" and before/after null. since < 0 means the
 * citizen's last yes (0 when none). KP_EINVAL (invalid_since) for a since
 * above the current version. */
enum kp_err plan_changes(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long since, json_t **out, struct kp_fail *f);

/* Staff: closes the citizen's open not_yet answers (KP_ECONFLICT
 * nothing_open when there is none); audited "not_yet_acknowledged".
 * *out {"acknowledged": n}. */
enum kp_err plan_not_yet_acknowledge(struct db *db, struct arena *a, const struct kp_actor *who,
                                     long long citizen_id, json_t **out, struct kp_fail *f);

/* {"versions": [...]}, one page (page.h) newest first: the versions below
 * pg->after_id; pg->next_id is the last version shown. */
enum kp_err plan_history(struct db *db, struct arena *a, long long plan_id, struct page *pg,
                         json_t **out);

/* The citizen's one contact person {"name","role","phone","email"};
 * KP_ENOTFOUND when none is assigned. */
enum kp_err plan_contact(struct db *db, struct arena *a, long long citizen_id, json_t **out);

/* {"entries": [...]}: which staff read or changed the citizen's data, one
 * page (page.h) newest first, by audit row id. */
enum kp_err plan_access_log(struct db *db, struct arena *a, long long citizen_id,
                            struct page *pg, json_t **out);

#endif
