/* staff.h: the municipality's staff as the caseworker sees them: the list
 * to choose a contact person from, and assigning a citizen's one contact
 * person. */
#ifndef KP_STAFF_H
#define KP_STAFF_H

#include <jansson.h>

#include "db.h"
#include "kp.h"

struct plan_want; /* plan.h */

/* NULL-terminated: the roles a staff member can have. */
extern const char *const staff_role_names[];

/*
 * {"staff": [{"id","name","role","title"}]}: the active staff of role
 * ("caseworker" or "contact"; NULL for all, anything else KP_EINVAL
 * invalid_field), by name. Not citizen data: not audited. *out is a new
 * reference.
 */
enum kp_err staff_list(struct db *db, struct arena *a, const char *role, json_t **out,
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
