/* staff.c: the staff list and assigning a contact person (see staff.h). */
#include <string.h>

#include "caseload.h"
#include "kpjson.h"
#include "plan.h"
#include "staff.h"

const char *const staff_role_names[] = {"caseworker", "contact", NULL};

/* DB_STAFF_LIST's row. */
struct staff_list_row {
	long long id;
	const char *name, *role, *title;
};

static void staff_list_row(struct staff_list_row *s, const struct db_res *r, size_t i)
{
	s->id = db_i64(r, i, SL_ID);
	s->name = db_cell(r, i, SL_NAME);
	s->role = db_cell(r, i, SL_ROLE);
	s->title = db_cell(r, i, SL_TITLE);
}

static json_t *staff_list_json(const struct staff_list_row *s)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)s->id, "name", s->name, "role",
	                 s->role, "title", s->title);
}

/* DB_STAFF_GET's row. */
struct staff_row {
	long long id;
	const char *name, *role, *title, *phone, *email;
	bool active;
};

static void staff_row(struct staff_row *s, const struct db_res *r, size_t i)
{
	s->id = db_i64(r, i, ST_ID);
	s->name = db_cell(r, i, ST_NAME);
	s->role = db_cell(r, i, ST_ROLE);
	s->title = db_cell(r, i, ST_TITLE);
	s->phone = db_cell(r, i, ST_PHONE);
	s->email = db_cell(r, i, ST_EMAIL);
	s->active = db_i64(r, i, ST_ACTIVE) != 0;
}

enum kp_err staff_list(struct db *db, struct arena *a, const char *role, json_t **out,
                       struct kp_fail *f)
{
	struct staff_list_row s;
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
	for (i = 0; i < r.nrows; i++) {
		staff_list_row(&s, &r, i);
		if (kp_json_push(list, staff_list_json(&s)) != 0) {
			json_decref(list);
			return KP_EINTERNAL;
		}
	}
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
	struct staff_row s = {0};
	struct db_res st;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open_change(db, a, who, citizen_id, "contact_assigned",
	                           arena_printf(a, "staff %lld", staff_id), &c, f);
	if (err == KP_OK)
		err = db_query(db, a, DB_STAFF_GET, DB_ARGS(DB_I64(staff_id)), &st);
	if (err != KP_OK)
		goto out;
	if (st.nrows == 1)
		staff_row(&s, &st, 0);
	if (st.nrows != 1 || strcmp(s.role, "contact") != 0 || !s.active) {
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
		                arena_printf(a, "Ny kontaktperson: %s", s.name));
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
	                 (json_int_t)staff_id, "name", s.name, "role", s.title, "phone", s.phone,
	                 "email", s.email, "plan_version", (json_int_t)current);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
