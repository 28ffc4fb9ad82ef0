/* staff.c: the staff directory, assigning a contact person and moving a
 * citizen to another caseworker (see staff.h). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "kpjson.h"
#include "plan.h"
#include "staff.h"
#include "validate.h"

const char *const staff_role_names[] = {"caseworker", "contact", "leader", NULL};

/* DB_STAFF_LIST's and DB_STAFF_LOCK's row: a member of the directory. */
struct staff_list_row {
	long long id;
	const char *name, *role, *title, *issuer, *sub, *phone, *email, *hours;
	size_t issuer_len, sub_len;
	bool active;
};

static void staff_list_row(struct staff_list_row *s, const struct db_res *r, size_t i)
{
	s->id = db_i64(r, i, SL_ID);
	s->name = db_cell(r, i, SL_NAME);
	s->role = db_cell(r, i, SL_ROLE);
	s->title = db_cell(r, i, SL_TITLE);
	s->issuer = db_cell(r, i, SL_ISSUER);
	s->issuer_len = db_cell_len(r, i, SL_ISSUER);
	s->sub = db_cell(r, i, SL_SUB);
	s->sub_len = db_cell_len(r, i, SL_SUB);
	s->phone = db_cell(r, i, SL_PHONE);
	s->email = db_cell(r, i, SL_EMAIL);
	s->active = db_i64(r, i, SL_ACTIVE) != 0;
	s->hours = db_cell(r, i, SL_HOURS);
}

/* Bytes as a JSON string, or null when they are not UTF-8 (an identity
 * written before the directory checked its input). */
static json_t *bytes_json(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);

	return v != NULL ? v : json_null();
}

/* A member as the pickers see them; with the login identity, phone,
 * e-mail and hours too for a leader (full). A new reference, NULL when out of
 * memory. */
static json_t *staff_list_json(const struct staff_list_row *s, bool full)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)s->id, "name", s->name,
	                      "role", s->role, "title", s->title, "active", s->active);

	if (o != NULL && full &&
	    (json_object_set_new(o, "issuer", bytes_json(s->issuer, s->issuer_len)) != 0 ||
	     json_object_set_new(o, "subject", bytes_json(s->sub, s->sub_len)) != 0 ||
	     json_object_set_new(o, "phone", json_string(s->phone)) != 0 ||
	     json_object_set_new(o, "email", json_string(s->email)) != 0 ||
	     json_object_set_new(o, "hours", json_string(s->hours)) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
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

static bool staff_role_known(const char *role)
{
	size_t i;

	for (i = 0; staff_role_names[i] != NULL; i++)
		if (strcmp(staff_role_names[i], role) == 0)
			return true;
	return false;
}

enum kp_err staff_list(struct db *db, struct arena *a, const struct kp_actor *who,
                       const char *role, bool inactive, json_t **out, struct kp_fail *f)
{
	bool leader = caseload_leader(who);
	struct staff_list_row s;
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if (role != NULL && !staff_role_known(role))
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "role: must be caseworker, contact or leader");
	if (inactive && !leader)
		return KP_FAIL(f, KP_EFORBIDDEN, "leader_only",
		               "only a team leader may see members who left");
	err = db_query(db, a, DB_STAFF_LIST,
	               DB_ARGS(DB_I64(inactive), DB_OPTSTR(role), DB_OPTSTR(role)), &r);
	if (err != KP_OK)
		return err;
	list = json_array();
	for (i = 0; i < r.nrows; i++) {
		staff_list_row(&s, &r, i);
		if (kp_json_push(list, staff_list_json(&s, leader)) != 0) {
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

/* The directory's limits: the columns' sizes (migrations 001 and 004). */
#define STAFF_NAME_MAX 200      /* code points */
#define STAFF_TITLE_MAX 100
#define STAFF_PHONE_MAX 40
#define STAFF_EMAIL_MAX 200
#define STAFF_IDENTITY_MAX 255  /* bytes */

/* One field of a member as given: checked by staff_check. */
struct staff_field {
	const char *name;   /* the member's name in the body */
	const char *value;  /* NULL: not given */
	size_t max;         /* code points, or bytes when bytes */
	bool bytes, required_text;
};

/* A single line of text within its limit; f names the field. The body's
 * validator refused other controls already; a name, title or identity
 * takes no tab or line break either. */
static enum kp_err staff_field_check(struct arena *a, const struct staff_field *sf,
                                     struct kp_fail *f)
{
	size_t len, n;

	if (sf->value == NULL)
		return KP_OK;
	len = strlen(sf->value);
	n = sf->bytes ? len : utf8_count(sf->value, len);
	if (!text_chars_ok(sf->value, len) || strpbrk(sf->value, "\t\r\n") != NULL)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               arena_printf(a, "%s: holds a control character", sf->name));
	if (n > sf->max)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               arena_printf(a, "%s: at most %zu %s", sf->name, sf->max,
		                            sf->bytes ? "bytes" : "characters"));
	if (sf->required_text && (len == 0 || text_blank(sf->value, len)))
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               arena_printf(a, "%s: must not be empty", sf->name));
	return KP_OK;
}

/* Checks every field given in in: KP_OK or KP_EINVAL with f set. */
static enum kp_err staff_check(struct arena *a, const struct staff_input *in, struct kp_fail *f)
{
	const struct staff_field fields[] = {
		{"name", in->name, STAFF_NAME_MAX, false, true},
		{"title", in->title, STAFF_TITLE_MAX, false, false},
		{"issuer", in->issuer, STAFF_IDENTITY_MAX, true, true},
		{"subject", in->subject, STAFF_IDENTITY_MAX, true, true},
		{"phone", in->phone, STAFF_PHONE_MAX, false, false},
		{"email", in->email, STAFF_EMAIL_MAX, false, false},
		{"hours", in->hours, STAFF_HOURS_MAX, false, false},
	};
	enum kp_err err;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((err = staff_field_check(a, &fields[i], f)) != KP_OK)
			return err;
	if (in->role != NULL && !staff_role_known(in->role))
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "role: must be caseworker, contact or leader");
	if (in->email != NULL && *in->email != '\0' && strchr(in->email, '@') == NULL)
		return KP_FAIL(f, KP_EINVAL, "invalid_field", "email: is not an e-mail address");
	return KP_OK;
}

static enum kp_err staff_leader_only(struct kp_fail *f)
{
	return KP_FAIL(f, KP_EFORBIDDEN, "leader_only",
	               "only a team leader may change the staff directory");
}

/* Reads member id into *s inside the transaction, locked; KP_ENOTFOUND
 * when there is none. */
static enum kp_err staff_lock(struct db *db, struct arena *a, long long id,
                              struct staff_list_row *s, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err = db_query(db, a, DB_STAFF_LOCK, DB_ARGS(DB_I64(id)), &r);

	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such staff member");
	staff_list_row(s, &r, 0);
	return KP_OK;
}

static enum kp_err staff_duplicate(enum kp_err err, struct kp_fail *f)
{
	if (err != KP_ECONFLICT)
		return err;
	return KP_FAIL(f, KP_ECONFLICT, "duplicate_identity",
	               "another staff member has this issuer and subject");
}

enum kp_err staff_create(struct db *db, struct arena *a, const struct kp_actor *who,
                         const struct staff_input *in, json_t **out, struct kp_fail *f)
{
	unsigned long long id = 0;
	struct staff_list_row s;
	enum kp_err err;

	*out = NULL;
	if (!caseload_leader(who))
		return staff_leader_only(f);
	if (in->name == NULL || in->role == NULL || in->issuer == NULL || in->subject == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field",
		               "name, role, issuer and subject are required");
	if ((err = staff_check(a, in, f)) != KP_OK)
		return err;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = db_exec(db, DB_STAFF_INSERT,
	              DB_ARGS(DB_STR(in->issuer), DB_STR(in->subject), DB_STR(in->name),
	                      DB_STR(in->role), DB_STR(in->title != NULL ? in->title : ""),
	                      DB_STR(in->phone != NULL ? in->phone : ""),
	                      DB_STR(in->email != NULL ? in->email : ""),
	                      DB_I64(in->active != 0), DB_STR(in->hours != NULL ? in->hours : "")),
	              NULL, &id);
	err = staff_duplicate(err, f);
	if (err == KP_OK)
		err = audit_write(db, a, who, 0, "staff_create",
		                  arena_printf(a, "staff %llu: %s%s", id, in->role,
		                               in->active == 0 ? ", inactive" : ""));
	if (err == KP_OK)
		err = staff_lock(db, a, (long long)id, &s, f);
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	*out = staff_list_json(&s, true);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* Whether a string field changes: given and different from the stored
 * bytes. */
static bool staff_differs(const char *given, const char *stored, size_t stored_len)
{
	return given != NULL &&
	       (strlen(given) != stored_len || memcmp(given, stored, stored_len) != 0);
}

/* What a change changes, for the audit row: the names of the text fields,
 * the old and new role and activity. NULL when nothing changes. */
static const char *staff_changes(struct arena *a, const struct staff_list_row *s,
                                 const struct staff_input *in)
{
	const char *what = "";

	if (staff_differs(in->name, s->name, strlen(s->name)))
		what = arena_printf(a, "%s, name", what);
	if (staff_differs(in->role, s->role, strlen(s->role)))
		what = arena_printf(a, "%s, role %s->%s", what, s->role, in->role);
	if (staff_differs(in->title, s->title, strlen(s->title)))
		what = arena_printf(a, "%s, title", what);
	if (staff_differs(in->issuer, s->issuer, s->issuer_len))
		what = arena_printf(a, "%s, issuer", what);
	if (staff_differs(in->subject, s->sub, s->sub_len))
		what = arena_printf(a, "%s, subject", what);
	if (staff_differs(in->phone, s->phone, strlen(s->phone)))
		what = arena_printf(a, "%s, phone", what);
	if (staff_differs(in->email, s->email, strlen(s->email)))
		what = arena_printf(a, "%s, email", what);
	if (staff_differs(in->hours, s->hours, strlen(s->hours)))
		what = arena_printf(a, "%s, hours", what);
	if (in->active >= 0 && (in->active != 0) != s->active)
		what = arena_printf(a, "%s, active %s->%s", what, s->active ? "true" : "false",
		                    in->active ? "true" : "false");
	return *what != '\0' ? what + 2 : NULL;
}

enum kp_err staff_change(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long id, const struct staff_input *in, time_t now, json_t **out,
                         struct kp_fail *f)
{
	struct staff_list_row s = {0};
	struct db_res leaders;
	const char *what = NULL, *role;
	bool active, removes_leader;
	enum kp_err err;

	*out = NULL;
	if (!caseload_leader(who))
		return staff_leader_only(f);
	if (in->name == NULL && in->role == NULL && in->title == NULL && in->issuer == NULL &&
	    in->subject == NULL && in->phone == NULL && in->email == NULL && in->hours == NULL &&
	    in->active < 0)
		return KP_FAIL(f, KP_EINVAL, "missing_field", "give at least one field to change");
	if ((err = staff_check(a, in, f)) != KP_OK)
		return err;
	if (id == who->id && in->active == 0)
		return KP_FAIL(f, KP_ECONFLICT, "self_deactivation",
		               "a team leader cannot deactivate themself");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	/* The leaders first, every time, then the member: one lock order. */
	if ((err = db_query(db, a, DB_STAFF_LEADERS_LOCK, DB_NOARGS, &leaders)) != KP_OK ||
	    (err = staff_lock(db, a, id, &s, f)) != KP_OK)
		goto out;
	role = in->role != NULL ? in->role : s.role;
	active = in->active >= 0 ? in->active != 0 : s.active;
	removes_leader = s.active && strcmp(s.role, "leader") == 0 &&
	                 (!active || strcmp(role, "leader") != 0);
	if (removes_leader && leaders.nrows <= 1) {
		err = KP_FAIL(f, KP_ECONFLICT, "last_leader",
		              "the last active team leader cannot be removed or demoted");
		goto out;
	}
	if ((what = staff_changes(a, &s, in)) == NULL)
		goto out; /* nothing changes: no row, no audit */
	err = db_exec(db, DB_STAFF_UPDATE,
	              DB_ARGS(in->issuer != NULL ? DB_STR(in->issuer) : DB_STRN(s.issuer, s.issuer_len),
	                      in->subject != NULL ? DB_STR(in->subject) : DB_STRN(s.sub, s.sub_len),
	                      DB_STR(in->name != NULL ? in->name : s.name), DB_STR(role),
	                      DB_STR(in->title != NULL ? in->title : s.title),
	                      DB_STR(in->phone != NULL ? in->phone : s.phone),
	                      DB_STR(in->email != NULL ? in->email : s.email), DB_I64(active),
	                      DB_STR(in->hours != NULL ? in->hours : s.hours), DB_I64(id)),
	              NULL, NULL);
	err = staff_duplicate(err, f);
	/* A member who leaves is logged out at once: every session ends in
	 * the same commit. */
	if (err == KP_OK && s.active && !active)
		err = db_exec(db, DB_SESSION_END_STAFF, DB_ARGS(DB_I64(now), DB_I64(id)), NULL, NULL);
	/* The plan answers of the citizens this member is contact for show
	 * the member's name, title, phone, e-mail and hours. */
	if (err == KP_OK)
		err = db_exec(db, DB_STAFF_CITIZENS_REV, DB_ARGS(DB_I64(id)), NULL, NULL);
	if (err == KP_OK)
		err = audit_write(db, a, who, 0, "staff_change", arena_printf(a, "staff %lld: %s", id, what));
	if (err == KP_OK)
		err = staff_lock(db, a, id, &s, f);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	*out = staff_list_json(&s, true);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* DB_STAFF_GET's member as the move's target: an active caseworker or
 * leader. */
static bool staff_can_coordinate(const struct staff_row *s)
{
	return s->active && caseload_coordinator_role(s->role);
}

enum kp_err staff_move_citizen(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long citizen_id, long long staff_id, json_t **out,
                               struct kp_fail *f)
{
	struct caseload_citizen c;
	struct staff_row s = {0};
	struct db_res cur, st;
	long long current = 0;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	/* The gate first, as every change takes the audit chain's lock before
	 * the citizen's row. */
	err = caseload_open(db, a, who, citizen_id, "caseworker_change",
	                    arena_printf(a, "staff %lld", staff_id), &c);
	if (err == KP_OK)
		err = db_query(db, a, DB_CITIZEN_CASEWORKER_LOCK, DB_ARGS(DB_I64(c.id)), &cur);
	if (err == KP_OK && cur.nrows != 1)
		err = KP_ENOTFOUND;
	if (err != KP_OK)
		goto out;
	current = db_i64(&cur, 0, CWL_CASEWORKER_ID);
	/* A caseworker who is only this citizen's contact person does not
	 * coordinate the course. */
	if (!caseload_leader(who) && current != who->id) {
		err = KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		              "only the citizen's coordinating caseworker or a team leader may move "
		              "the citizen");
		goto out;
	}
	if ((err = db_query(db, a, DB_STAFF_GET, DB_ARGS(DB_I64(staff_id)), &st)) != KP_OK)
		goto out;
	if (st.nrows == 1)
		staff_row(&s, &st, 0);
	if (st.nrows != 1 || !staff_can_coordinate(&s)) {
		err = KP_FAIL(f, KP_EINVAL, "not_a_caseworker",
		              "staff_id: not an active staff member with the role caseworker or leader");
		goto out;
	}
	if (current != staff_id)
		err = db_exec(db, DB_CITIZEN_CASEWORKER_SET, DB_ARGS(DB_I64(staff_id), DB_I64(c.id)),
		              NULL, NULL);
out:
	if (err == KP_OK && current == staff_id) {
		/* The caseworker the citizen has already: nothing changes, no
		 * audit row; the answer says so. */
		if (db_tx_end(db, KP_ECONFLICT) != KP_ECONFLICT)
			return KP_EINTERNAL;
	} else if ((err = db_tx_end(db, err)) != KP_OK) {
		return err;
	}
	*out = json_pack("{s:I, s:{s:I, s:s}, s:b}", "citizen_id", (json_int_t)c.id, "caseworker",
	                 "id", (json_int_t)staff_id, "name", s.name, "changed", current != staff_id);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
