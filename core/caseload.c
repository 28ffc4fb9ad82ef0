/* caseload.c: the gate for staff access to citizens (see caseload.h). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "plan.h"

/* Whether an access reaches the whole shared plan (the household's dreams
 * and goals), and so every member of it, not one person's own records
 * (contact, consent, meetings, course, a proposal's comments). */
static bool shared_plan_access(const char *action, const char *object)
{
	static const char *const changes[] = {"goal_added", "goal_changed", "proposal_approved"};
	size_t i;

	if (strcmp(action, "read") == 0)
		return strcmp(object, "plan") == 0 || strcmp(object, "child-related") == 0;
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (strcmp(action, changes[i]) == 0)
			return true;
	return false;
}

/* The audit rows of an access: one for the citizen, and one for each other
 * member of a household plan when the access reaches the shared plan, so
 * every member's access log shows who saw or changed their data. */
static enum kp_err caseload_audit(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long citizen_id, long long plan_id, const char *action,
                                  const char *object)
{
	struct db_res m;
	enum kp_err err;
	size_t i;

	if ((err = audit_write(db, a, who, citizen_id, action, object)) != KP_OK ||
	    !shared_plan_access(action, object))
		return err;
	err = db_query(db, a, DB_HOUSEHOLD_MEMBERS, DB_ARGS(DB_I64(plan_id), DB_I64(citizen_id)),
	               &m);
	for (i = 0; err == KP_OK && i < m.nrows; i++)
		err = audit_write(db, a, who, db_i64(&m, i, 0), action, object);
	return err;
}

enum kp_err caseload_open(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, const char *action, const char *object,
                          struct caseload_citizen *out)
{
	struct db_res r;
	enum kp_err err;

	memset(out, 0, sizeof(*out));
	err = db_query(db, a, DB_CASELOAD_CITIZEN,
	               DB_ARGS(DB_I64(citizen_id), DB_I64(who->id), DB_I64(who->id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1) {
		/* The attempt is kept: who tried to reach whom, and how. */
		if ((err = audit_write(db, a, who, citizen_id, "denied", action)) != KP_OK)
			return err;
		db_tx_keep(db);
		return KP_ENOTFOUND;
	}
	out->id = db_i64(&r, 0, 0);
	out->plan_id = db_i64(&r, 0, 1);
	out->name = db_cell(&r, 0, 2);
	return caseload_audit(db, a, who, citizen_id, out->plan_id, action, object);
}

enum kp_err caseload_read(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, const char *object,
                          struct caseload_citizen *out)
{
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id, "read", object, out);
	return db_tx_end(db, err);
}

static json_t *person(const struct db_res *r, size_t row, size_t col)
{
	if (db_cell(r, row, col) == NULL)
		return json_null();
	return json_pack("{s:I, s:s}", "id", (json_int_t)db_i64(r, row, col), "name",
	                 db_cell(r, row, col + 1));
}

static json_t *opt_int(const struct db_res *r, size_t row, size_t col)
{
	return db_cell(r, row, col) != NULL ? json_integer(db_i64(r, row, col)) : json_null();
}

enum kp_err caseload_list(struct db *db, struct arena *a, const struct kp_actor *who,
                          struct page *pg, json_t **out)
{
	/* From the start: every name sorts after or equal to "", every id
	 * after 0. */
	const char *from = pg->after_key != NULL ? pg->after_key : "";
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i, n = 0;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_CASELOAD_LIST,
	               DB_ARGS(DB_I64(who->id), DB_I64(who->id), DB_STR(from), DB_STR(from),
	                       DB_I64(pg->after_id), DB_I64(page_fetch(pg))),
	               &r);
	if (err == KP_OK)
		n = page_rows(pg, r.nrows);
	/* Only the citizens shown are read: not the one fetched to learn
	 * that a page follows. */
	for (i = 0; err == KP_OK && i < n; i++)
		err = audit_write(db, a, who, db_i64(&r, i, 0), "read", "caseload");
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:o, s:I, s:I, s:o, s:I, s:o, s:o, s:o}",
			                "id", (json_int_t)db_i64(&r, i, 0), "name", db_cell(&r, i, 1),
			                "household_id", opt_int(&r, i, 2),
			                "plan_id", (json_int_t)db_i64(&r, i, 3),
			                "plan_version", (json_int_t)db_i64(&r, i, 4),
			                "accepted_version", opt_int(&r, i, 5),
			                "pending_proposals", (json_int_t)db_i64(&r, i, 6),
			                "contact", person(&r, i, 7), "caseworker", person(&r, i, 9),
			                "course_outcome", db_cell(&r, i, 11) ? json_string(db_cell(&r, i, 11))
			                                                      : json_null()));
	if (n > 0) {
		pg->next_id = db_i64(&r, n - 1, 0);
		pg->next_key = db_cell(&r, n - 1, 1);
	}
	*out = json_pack("{s:o}", "citizens", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* Whether who is the coordinating caseworker in row r of DB_CITIZEN_CPR: a
 * contact person is not, nor is a caseworker who is only the contact
 * person. */
static bool cpr_coordinates(const struct kp_actor *who, const struct db_res *r)
{
	return who->kind == KP_ACTOR_STAFF && who->role != NULL &&
	       strcmp(who->role, "caseworker") == 0 && db_cell(r, 0, 1) != NULL &&
	       db_i64(r, 0, 1) == who->id;
}

/* Opens the CPR number in row r of DB_CITIZEN_CPR (citizen id) into cpr:
 * KP_OK, KP_ENOTFOUND when none is stored, KP_EINTERNAL (logged) when it
 * does not open. */
static enum kp_err cpr_open(const struct kp_keys *keys, const struct db_res *r, long long id,
                            char cpr[KP_CPR_LEN + 1])
{
	char aad[32];

	cpr[0] = '\0';
	if (db_cell(r, 0, 0) == NULL)
		return KP_ENOTFOUND;
	snprintf(aad, sizeof(aad), "citizen:%lld", id);
	if (kp_cpr_open(keys, (const uint8_t *)db_cell(r, 0, 0), db_cell_len(r, 0, 0), aad,
	                strlen(aad), cpr) != 0) {
		fprintf(stderr, "caseload: the CPR number of citizen %lld does not open\n", id);
		return KP_EINTERNAL;
	}
	return KP_OK;
}

/* The plan read's CPR fields on citizen: "cpr_date", the date part DDMMYY
 * (null when the number cannot be opened), and "cpr_viewable", whether who
 * may ask for the whole number (caseload_cpr). Never the whole number. */
static void cpr_fields(struct db *db, struct arena *a, const struct kp_keys *keys,
                       const struct kp_actor *who, long long id, json_t *citizen)
{
	char cpr[KP_CPR_LEN + 1] = "";
	struct db_res r;
	bool open;

	open = db_query(db, a, DB_CITIZEN_CPR, DB_ARGS(DB_I64(id)), &r) == KP_OK && r.nrows == 1 &&
	       cpr_open(keys, &r, id, cpr) == KP_OK;
	json_object_set_new(citizen, "cpr_date", open ? json_stringn(cpr, 6) : json_null());
	json_object_set_new(citizen, "cpr_viewable", json_boolean(open && cpr_coordinates(who, &r)));
	kp_wipe(cpr, sizeof(cpr));
}

enum kp_err caseload_cpr(struct db *db, struct arena *a, const struct kp_keys *keys,
                         const struct kp_actor *who, long long citizen_id,
                         char out[CASELOAD_CPR_SHOWN_LEN + 1], struct kp_fail *f)
{
	char cpr[KP_CPR_LEN + 1] = "";
	struct caseload_citizen c;
	struct db_res r;
	enum kp_err err;

	out[0] = '\0';
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = caseload_open(db, a, who, citizen_id, "read_cpr", "cpr", &c)) == KP_OK)
		err = db_query(db, a, DB_CITIZEN_CPR, DB_ARGS(DB_I64(c.id)), &r);
	if (err == KP_OK && r.nrows != 1)
		err = KP_ENOTFOUND;
	else if (err == KP_OK && !cpr_coordinates(who, &r))
		err = KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		              "only the citizen's coordinating caseworker may see the CPR number");
	else if (err == KP_OK && (err = cpr_open(keys, &r, c.id, cpr)) == KP_ENOTFOUND)
		err = KP_FAIL(f, KP_ENOTFOUND, "cpr_missing", "no CPR number is stored for this citizen");
	/* Nothing is shown on a refusal, so no read_cpr row is kept; the audit
	 * row is committed before the number leaves. */
	if ((err = db_tx_end(db, err)) == KP_OK)
		snprintf(out, CASELOAD_CPR_SHOWN_LEN + 1, "%.6s-%.4s", cpr, cpr + 6);
	kp_wipe(cpr, sizeof(cpr));
	return err;
}

enum kp_err caseload_plan(struct db *db, struct arena *a, const struct kp_keys *keys,
                          const struct kp_actor *who, long long citizen_id, json_t **out,
                          long long *version)
{
	struct caseload_citizen c;
	struct db_res consent, since, members;
	json_t *plan = NULL, *changes, *household, *accepted, *citizen;
	long long from;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if ((err = caseload_read(db, a, who, citizen_id, "plan", &c)) != KP_OK)
		return err;
	if ((err = plan_get(db, a, c.id, &plan, version)) != KP_OK)
		return err;
	accepted = json_object_get(plan, "accepted_version");
	from = json_is_integer(accepted) ? json_integer_value(accepted) : 0;
	if ((err = db_query(db, a, DB_CITIZEN_CONSENT, DB_ARGS(DB_I64(c.id)), &consent)) != KP_OK ||
	    (err = db_query(db, a, DB_HISTORY_SINCE, DB_ARGS(DB_I64(c.plan_id), DB_I64(from)),
	                    &since)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_MEMBERS, DB_ARGS(DB_I64(c.plan_id), DB_I64(c.id)),
	                    &members)) != KP_OK) {
		json_decref(plan);
		return err;
	}
	changes = json_array();
	for (i = 0; i < since.nrows; i++)
		json_array_append_new(changes, json_pack("{s:I, s:s, s:s, s:s}", "version",
		                                         (json_int_t)db_i64(&since, i, 0), "at",
		                                         db_cell(&since, i, 1), "by",
		                                         db_cell(&since, i, 2), "summary",
		                                         db_cell(&since, i, 3)));
	household = json_array();
	for (i = 0; i < members.nrows; i++)
		json_array_append_new(household, json_pack("{s:I, s:s}", "id",
		                                           (json_int_t)db_i64(&members, i, 0), "name",
		                                           db_cell(&members, i, 1)));
	citizen = json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name);
	cpr_fields(db, a, keys, who, c.id, citizen);
	json_object_set_new(plan, "citizen", citizen);
	json_object_set_new(plan, "consent",
	                    consent.nrows == 1
	                            ? json_pack("{s:s, s:s}", "status", db_cell(&consent, 0, 0), "at",
	                                        db_cell(&consent, 0, 1))
	                            : json_pack("{s:s, s:n}", "status", "none", "at"));
	json_object_set_new(plan, "changes_since_accepted", changes);
	json_object_set_new(plan, "household", household);
	*out = plan;
	return KP_OK;
}
