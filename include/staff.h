/* staff.h: the municipality's staff directory (read by every member for
 * the pickers, kept by the team leaders), assigning a citizen's one contact
 * person, and moving a citizen to another coordinating caseworker. */
#ifndef KP_STAFF_H
#define KP_STAFF_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"

struct plan_want; /* plan.h */

/* NULL-terminated: the roles a staff member can have. */
extern const char *const staff_role_names[];

/*
 * {"staff": [{"id","name","role","title","active"}]}: the active staff of
 * role ("caseworker", "contact" or "leader"; NULL for all, anything else
 * KP_EINVAL invalid_field), by name; with inactive, the members who left
 * too (a leader only: KP_EFORBIDDEN leader_only otherwise). A leader's
 * list also has each member's "issuer", "subject", "phone", "email" and
 * "hours".
 * Not citizen data: not audited. *out is a new reference.
 */
enum kp_err staff_list(struct db *db, struct arena *a, const struct kp_actor *who,
                       const char *role, bool inactive, json_t **out, struct kp_fail *f);

/* The longest "hours" (when a contact person usually answers), in
 * characters. */
#define STAFF_HOURS_MAX 200

/* A member as a leader gives it: NULL (active: -1) for a field not given. */
struct staff_input {
	const char *name, *role, *title, *issuer, *subject, *phone, *email;
	const char *hours;   /* when a contact person usually answers, one line */
	int active;
};

/*
 * Adds a member to the directory, for a leader only (KP_EFORBIDDEN
 * leader_only). name, role, issuer and subject are required (KP_EINVAL
 * missing_field); each text is one line without control characters within
 * its column's size, issuer and subject at most 255 bytes, compared byte
 * for byte as the login does ("mette " is not "mette"); KP_EINVAL
 * invalid_field otherwise, KP_ECONFLICT duplicate_identity when another
 * member has the pair. Audited as "staff_create" (no citizen). *out is the
 * member as a leader's list shows it, a new reference.
 */
enum kp_err staff_create(struct db *db, struct arena *a, const struct kp_actor *who,
                         const struct staff_input *in, json_t **out, struct kp_fail *f);

/*
 * Changes the fields given of member id, for a leader only, with the checks
 * of staff_create (KP_EINVAL missing_field when none is given); KP_ENOTFOUND
 * for no such member. A leader cannot deactivate themself (KP_ECONFLICT
 * self_deactivation), and the last active leader is neither deactivated nor
 * given another role (KP_ECONFLICT last_leader). A member deactivated has
 * every session ended at now in the same commit. Audited as "staff_change"
 * with the fields that changed; a change that changes nothing writes
 * nothing. *out as staff_create's.
 */
enum kp_err staff_change(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long id, const struct staff_input *in, time_t now, json_t **out,
                         struct kp_fail *f);

/*
 * Makes staff_id the coordinating caseworker of citizen_id: for the
 * citizen's coordinating caseworker or a leader (any citizen), through the
 * caseload gate ("caseworker_change", object "staff <id>"): KP_ENOTFOUND
 * outside who's caseload, KP_EFORBIDDEN caseworker_only for a caseworker
 * who is only the citizen's contact person. staff_id must be an active
 * member with role caseworker or leader (KP_EINVAL not_a_caseworker). The
 * caseworker the citizen has already is a no-op: 200 with "changed": false
 * and no audit row. *out is {"citizen_id", "caseworker": {"id","name"},
 * "changed"}, a new reference.
 */
enum kp_err staff_move_citizen(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long citizen_id, long long staff_id, json_t **out,
                               struct kp_fail *f);

/*
 * Makes staff_id the contact person of citizen_id, through the caseload
 * gate ("contact_assigned"), raising the plan's version with a history row
 * (want: If-Match, or PLAN_ANY_VERSION). staff_id must be an active staff
 * member with role contact (KP_EINVAL not_a_contact otherwise). Assigning
 * the contact the citizen already has changes nothing and answers the
 * current version. *out is {"contact": {"id","name","role","phone","email"},
 * "plan_version"} ("role" is the title the citizen sees, as in the plan);
 * a new reference.
 */
enum kp_err staff_assign_contact(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long citizen_id, long long staff_id,
                                 const struct plan_want *want, json_t **out, long long *version,
                                 struct kp_fail *f);

#endif
