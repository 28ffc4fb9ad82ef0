/* staff.c: the staff list and assigning a contact person (see staff.h). */
#include <string.h>

#include "caseload.h"
#include "plan.h"
#include "staff.h"

const char *const staff_role_names[] = {"caseworker", "contact", NULL};

enum kp_err staff_list(struct db *db, struct arena *a, const char *role, json_t **out,
                       struct kp_fail *f)
{
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if (role != NULL) {
		for (i = 0; staff_role_names[i] != NULL; i++)
			if (strcmp(staff_role_names[i], role) == 0)
				break;
		if (staff_role_names[i] == NULL)
			return KP_FAIL(f, KP_EINVAL, "invalid_field",
			               "role: must be caseworker or contact");
	}
	err = db_query(db, a, DB_STAFF_LIST, DB_ARGS(DB_OPTSTR(role), DB_OPTSTR(role)), &r);
	if (err != KP_OK)
		return err;
	list = json_array();
	for (i = 0; i < r.nrows; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id",
		                                      (json_int_t)db_i64(&r, i, 0), "name",
		                                      db_cell(&r, i, 1), "role", db_cell(&r, i, 2),
		                                      "title", db_cell(&r, i, 3)));
	*out = json_pack("{s:o}", "staff", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err staff_assign_contact(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long citizen_id, long long staff_id,
                                 const struct plan_want *want, json_t **out, long long *version,
                                 struct kp_fail *f)
{
	struct caseload_citizen c;
	unsigned long long changed = 0;
	long long current = 0;
	struct db_res st;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id, "contact_assigned",
	                    arena_printf(a, "staff %lld", staff_id), &c);
	if (err == KP_OK)
		err = db_query(db, a, DB_STAFF_GET, DB_ARGS(DB_I64(staff_id)), &st);
	if (err != KP_OK)
		goto out;
	/* Columns: id, name, role, title, phone, email, active. */
	if (st.nrows != 1 || strcmp(db_cell(&st, 0, 2), "contact") != 0 || db_i64(&st, 0, 6) == 0) {
		err = KP_FAIL(f, KP_EINVAL, "not_a_contact",
		              "staff_id: not an active staff member with the role contact");
		goto out;
	}
	if ((err = plan_lock(db, a, c.plan_id, want, &current, f)) != KP_OK)
		goto out;
	err = db_exec(db, DB_CITIZEN_CONTACT_SET,
	              DB_ARGS(DB_I64(staff_id), DB_I64(c.id), DB_I64(staff_id)), &changed, NULL);
	if (err == KP_OK && changed != 0) {
		current++;
		err = plan_bump(db, c.plan_id, current, who,
		                arena_printf(a, "Ny kontaktperson: %s", db_cell(&st, 0, 1)));
	}
out:
	if (err == KP_OK && changed == 0) {
		/* The contact the citizen has already: no change, no version, no
		 * audit row; the transaction is rolled back and the answer is
		 * the contact as it stands. */
		if (db_tx_end(db, KP_ECONFLICT) != KP_ECONFLICT)
			return KP_EINTERNAL;
	} else if ((err = db_tx_end(db, err)) != KP_OK) {
		return err;
	}
	*version = current;
	*out = json_pack("{s:{s:I, s:s, s:s, s:s, s:s}, s:I}", "contact", "id",
	                 (json_int_t)staff_id, "name", db_cell(&st, 0, 1), "role",
	                 db_cell(&st, 0, 3), "phone", db_cell(&st, 0, 4), "email",
	                 db_cell(&st, 0, 5), "plan_version", (json_int_t)current);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
