/* household.c: households formed by staff, their children, and a member
 * moving out (see household.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "enrol.h"
#include "goal.h"
#include "household.h"
#include "kpjson.h"
#include "plan.h"
#include "validate.h"

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The n digits at s as a number. */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

enum household_birth household_birth_check(const char *s, size_t len, time_t now)
{
	struct tm t;
	long birth, today;
	int y, m, d;
	size_t i;

	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return HOUSEHOLD_BIRTH_FORM;
	for (i = 0; i < len; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return HOUSEHOLD_BIRTH_FORM;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return HOUSEHOLD_BIRTH_FORM;
	if (gmtime_r(&now, &t) == NULL)
		return HOUSEHOLD_BIRTH_FORM;
	/* Dates compare as the numbers YYYYMMDD. */
	birth = (long)y * 10000 + m * 100 + d;
	today = (long)(t.tm_year + 1900) * 10000 + (t.tm_mon + 1) * 100 + t.tm_mday;
	if (birth > today)
		return HOUSEHOLD_BIRTH_FUTURE;
	/* Born on 29 February: the birthday is the same number a year later,
	 * which 1 March passes, as the law counts it. */
	if (birth + HOUSEHOLD_CHILD_AGE_MAX * 10000L <= today)
		return HOUSEHOLD_BIRTH_ADULT;
	return HOUSEHOLD_BIRTH_OK;
}

/* A household's or a child's name: the rules of a citizen's name. */
static enum kp_err name_check(const char *name, struct kp_fail *f)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || text_blank(name, n) || !text_chars_ok(name, n) ||
	    utf8_count(name, n) > ENROL_NAME_MAX)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "name: 1 to 200 characters, not only spaces, no control characters");
	return KP_OK;
}

/* A row of DB_HOUSEHOLD_GET. */
struct household_row {
	long long id, plan_id, version;
	const char *name;
};

static void household_fill(const struct db_res *r, size_t i, struct household_row *h)
{
	h->id = db_i64(r, i, HG_ID);
	h->name = db_cell(r, i, HG_NAME);
	h->plan_id = db_i64(r, i, HG_PLAN_ID);
	h->version = db_i64(r, i, HG_PLAN_VERSION);
}

/* Row i of DB_HOUSEHOLD_ADULTS as JSON; NULL when out of memory. */
static json_t *adult_json(const void *r, size_t i)
{
	return json_pack("{s:I, s:s}", "id", (json_int_t)db_i64(r, i, HA_ID), "name",
	                 db_cell(r, i, HA_NAME));
}

/* Row i of DB_HOUSEHOLD_CHILDREN or DB_CHILD_GET as JSON. */
static json_t *child_json(const void *r, size_t i)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_i64(r, i, KC_ID), "name",
	                 db_cell(r, i, KC_NAME), "birth_date", db_cell(r, i, KC_BIRTH_DATE));
}

/* Household id as household_get answers it, into *out (new reference). */
static enum kp_err household_json(struct db *db, struct arena *a, long long id, json_t **out)
{
	struct db_res h, adults, children;
	struct household_row row;
	enum kp_err err;

	*out = NULL;
	if ((err = db_query(db, a, DB_HOUSEHOLD_GET, DB_ARGS(DB_I64(id)), &h)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_ADULTS, DB_ARGS(DB_I64(id)), &adults)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_CHILDREN, DB_ARGS(DB_I64(id)), &children)) != KP_OK)
		return err;
	if (h.nrows != 1)
		return KP_ENOTFOUND;
	household_fill(&h, 0, &row);
	/* json_pack takes the lists, on failure too. */
	*out = json_pack("{s:I, s:s, s:I, s:I, s:o, s:o}", "id", (json_int_t)row.id, "name",
	                 row.name, "plan_id", (json_int_t)row.plan_id, "plan_version",
	                 (json_int_t)row.version, "adults",
	                 kp_json_list(adults.nrows, adult_json, &adults), "children",
	                 kp_json_list(children.nrows, child_json, &children));
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* A refusal that does not say whether household id exists: audited, kept. */
static enum kp_err household_deny(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long citizen_id, const char *action, long long id)
{
	enum kp_err err = audit_write(db, a, who, citizen_id, "denied",
	                              id != 0 ? arena_printf(a, "%s household %lld", action, id)
	                                      : action);

	if (err != KP_OK)
		return err;
	db_tx_keep(db);
	return KP_ENOTFOUND;
}

/*
 * Inside a transaction: household id into *h and its adults into *adults,
 * and in *mine an adult through whom who reaches it: for a change (change
 * true) one whom who coordinates; for a read one in who's caseload (a
 * leader: any adult). KP_ENOTFOUND (audited, kept) when there is none.
 */
static enum kp_err household_open(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long id, bool change, const char *action,
                                  struct household_row *h, struct db_res *adults,
                                  long long *mine)
{
	struct db_res r;
	enum kp_err err;
	size_t i;

	*mine = 0;
	if ((err = db_query(db, a, DB_HOUSEHOLD_GET, DB_ARGS(DB_I64(id)), &r)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_ADULTS, DB_ARGS(DB_I64(id)), adults)) != KP_OK)
		return err;
	if (r.nrows == 1)
		household_fill(&r, 0, h);
	for (i = 0; r.nrows == 1 && *mine == 0 && i < adults->nrows; i++) {
		bool coordinates = db_i64(adults, i, HA_CASEWORKER_ID) == who->id;
		bool contact = db_i64(adults, i, HA_CONTACT_ID) == who->id;

		if (change ? coordinates : coordinates || contact || caseload_leader(who))
			*mine = db_i64(adults, i, HA_ID);
	}
	if (*mine == 0)
		return household_deny(db, a, who, 0, action, id);
	return KP_OK;
}

/* A read of household id: its row, its adults, each adult audited as a
 * read of object. */
static enum kp_err household_read(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long id, const char *object, struct household_row *h)
{
	struct db_res adults;
	long long mine;
	enum kp_err err;
	size_t i;

	err = household_open(db, a, who, id, false, "read", h, &adults, &mine);
	for (i = 0; err == KP_OK && i < adults.nrows; i++)
		err = audit_write(db, a, who, db_i64(&adults, i, HA_ID), "read", object);
	return err;
}

enum kp_err household_get(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long id, json_t **out)
{
	struct household_row h;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = household_read(db, a, who, id, "household", &h)) == KP_OK)
		err = household_json(db, a, id, out);
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

enum kp_err household_child_add(struct db *db, struct arena *a, const struct kp_actor *who,
                                long long id, const char *name, const char *birth_date,
                                time_t now, json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	struct household_row h;
	struct db_res adults;
	long long mine;
	enum kp_err err;

	*out = NULL;
	if ((err = name_check(name, f)) != KP_OK)
		return err;
	switch (household_birth_check(birth_date, birth_date != NULL ? strlen(birth_date) : 0,
	                              now)) {
	case HOUSEHOLD_BIRTH_OK:
		break;
	case HOUSEHOLD_BIRTH_FUTURE:
		return KP_FAIL(f, KP_EINVAL, "invalid_birth_date",
		               "birth_date: a date that has not come yet");
	case HOUSEHOLD_BIRTH_ADULT:
		return KP_FAIL(f, KP_EINVAL, "invalid_birth_date",
		               "birth_date: a child is under 18; this person is an adult");
	default:
		return KP_FAIL(f, KP_EINVAL, "invalid_birth_date",
		               "birth_date: a real date as YYYY-MM-DD");
	}
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = household_open(db, a, who, id, true, "child_added", &h, &adults, &mine)) !=
	        KP_OK ||
	    (err = caseload_open_change(db, a, who, mine, "child_added",
	                                arena_printf(a, "household %lld", id), &c, f)) != KP_OK ||
	    (err = db_exec(db, DB_CHILD_INSERT,
	                   DB_ARGS(DB_I64(id), DB_STR(name), DB_STR(birth_date), DB_I64(who->id)),
	                   NULL, NULL)) != KP_OK)
		goto out;
	err = household_json(db, a, id, out);
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

enum kp_err household_child_export(struct db *db, struct arena *a, const struct kp_actor *who,
                                   long long id, long long child_id, json_t **out)
{
	struct household_row h;
	struct db_res child, goals;
	json_t *list;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = household_read(db, a, who, id, "child-export", &h)) != KP_OK ||
	    (err = db_query(db, a, DB_CHILD_GET, DB_ARGS(DB_I64(child_id), DB_I64(id)), &child)) !=
	        KP_OK)
		goto out;
	if (child.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	err = db_query(db, a, DB_CHILD_GOALS,
	               DB_ARGS(DB_I64(h.plan_id), DB_I64(child_id), DB_I64(child_id)), &goals);
	if (err != KP_OK)
		goto out;
	err = KP_EINTERNAL;
	if ((list = goal_tree(a, &goals, false)) == NULL)
		goto out;
	/* json_pack takes list and the child, on failure too. */
	*out = json_pack("{s:{s:I, s:s}, s:o, s:o}", "household", "id", (json_int_t)h.id, "name",
	                 h.name, "child", child_json(&child, 0), "goals", list);
	if (*out != NULL)
		err = KP_OK;
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

/* A member about to join or leave: a row of DB_HOUSEHOLD_CITIZEN_LOCK. */
struct member {
	long long id, plan_id, household_id;
	const char *name;
};

/*
 * Locks citizen id's row into *m. KP_ENOTFOUND (audited "denied" against
 * the id, kept) unless who coordinates the citizen and, with household
 * non-zero, the citizen is in that household.
 */
static enum kp_err member_lock(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long id, const char *action, long long household,
                               struct member *m)
{
	struct db_res r;
	enum kp_err err;

	memset(m, 0, sizeof(*m));
	err = db_query(db, a, DB_HOUSEHOLD_CITIZEN_LOCK, DB_ARGS(DB_I64(id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows == 1) {
		m->id = id;
		m->household_id = db_i64(&r, 0, HL_HOUSEHOLD_ID);
		m->plan_id = db_i64(&r, 0, HL_PLAN_ID);
		m->name = db_cell(&r, 0, HL_NAME);
	}
	if (r.nrows != 1 || db_i64(&r, 0, HL_CASEWORKER_ID) != who->id ||
	    (household != 0 && m->household_id != household))
		return household_deny(db, a, who, id, action, household);
	return KP_OK;
}

/* Moves member m's content from their own plan to plan_id of household
 * household_id: the old plan's version rises with a history row. */
static enum kp_err member_join(struct db *db, struct arena *a, const struct kp_actor *who,
                               const struct member *m, long long plan_id,
                               long long household_id, const char *name, struct kp_fail *f)
{
	long long current = 0;
	enum kp_err err;

	if ((err = plan_lock(db, a, m->plan_id, PLAN_ANY_VERSION, &current, f)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_MOVE_DREAMS, DB_ARGS(DB_I64(plan_id), DB_I64(m->plan_id)),
	                   NULL, NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_MOVE_GOALS, DB_ARGS(DB_I64(plan_id), DB_I64(m->plan_id)),
	                   NULL, NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_MOVE_PROPOSALS,
	                   DB_ARGS(DB_I64(plan_id), DB_I64(m->plan_id), DB_I64(m->id)), NULL,
	                   NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_MOVE_MEETINGS,
	                   DB_ARGS(DB_I64(plan_id), DB_I64(m->plan_id), DB_I64(m->id)), NULL,
	                   NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_CITIZEN_SET,
	                   DB_ARGS(DB_I64(plan_id), DB_I64(household_id), DB_I64(m->id)), NULL,
	                   NULL)) != KP_OK)
		return err;
	return plan_bump(db, m->plan_id, current + 1, who,
	                 arena_printf(a, "Indholdet er flyttet til husstandens fælles plan: %s",
	                              name));
}

/* A new plan at version 1 (of household_id; 0: of one citizen) with its
 * history row. */
static enum kp_err plan_new(struct db *db, const struct kp_actor *who, long long household_id,
                            const char *summary, long long *plan_id)
{
	unsigned long long id = 0;
	enum kp_err err;

	err = db_exec(db, DB_HOUSEHOLD_PLAN_INSERT,
	              DB_ARGS(household_id != 0 ? DB_I64(household_id) : DB_NULL), NULL, &id);
	if (err != KP_OK)
		return err;
	*plan_id = (long long)id;
	return db_exec(db, DB_HISTORY_INSERT,
	               DB_ARGS(DB_I64(*plan_id), DB_I64(1), DB_STR("staff"), DB_NULL, DB_I64(who->id),
	                       DB_STR(summary),
	                       DB_STR(who->request_id != NULL ? who->request_id : "")),
	               NULL, NULL);
}

static int id_order(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return (a > b) - (a < b);
}

/* The form's one transaction over the sorted ids. */
static enum kp_err form_tx(struct db *db, struct arena *a, const struct kp_actor *who,
                           const char *name, const long long *ids, size_t n, long long *hid,
                           struct kp_fail *f)
{
	struct member *m = arena_alloc(a, sizeof(*m) * n);
	struct caseload_citizen c;
	unsigned long long id = 0;
	long long plan_id = 0;
	enum kp_err err = KP_OK;
	size_t i;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	/* Every member reached first, so a refusal says nothing of the rest. */
	for (i = 0; err == KP_OK && i < n; i++)
		err = member_lock(db, a, who, ids[i], "household_formed", 0, &m[i]);
	for (i = 0; err == KP_OK && i < n; i++)
		if (m[i].household_id != 0)
			err = KP_FAIL(f, KP_ECONFLICT, "already_in_household",
			              arena_printf(a, "members: citizen %lld is already in a household",
			                           ids[i]));
	for (i = 0; err == KP_OK && i < n; i++)
		err = caseload_open_change(db, a, who, ids[i], "household_formed", "household", &c, f);
	if (err == KP_OK)
		err = db_exec(db, DB_HOUSEHOLD_INSERT, DB_ARGS(DB_STR(name)), NULL, &id);
	if (err == KP_OK)
		err = plan_new(db, who, (long long)id,
		               arena_printf(a, "Husstandens fælles plan er oprettet: %s", name),
		               &plan_id);
	for (i = 0; err == KP_OK && i < n; i++)
		err = member_join(db, a, who, &m[i], plan_id, (long long)id, name, f);
	*hid = (long long)id;
	return db_tx_end(db, err);
}

enum kp_err household_form(struct db *db, struct arena *a, const struct kp_actor *who,
                           const char *name, const long long *members, size_t n, json_t **out,
                           struct kp_fail *f)
{
	long long *ids, hid = 0;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if ((err = name_check(name, f)) != KP_OK)
		return err;
	if (n < 1 || n > HOUSEHOLD_MEMBERS_MAX)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "members: one to six adults (citizen ids)");
	ids = arena_alloc(a, sizeof(*ids) * n);
	memcpy(ids, members, sizeof(*ids) * n);
	/* Rows are locked in id order, so two forms cannot wait on each other. */
	qsort(ids, n, sizeof(*ids), id_order);
	for (i = 0; i < n; i++)
		if (ids[i] < 1 || (i > 0 && ids[i] == ids[i - 1]))
			return KP_FAIL(f, KP_EINVAL, "invalid_field",
			               "members: citizen ids, each once");
	if ((err = form_tx(db, a, who, name, ids, n, &hid, f)) != KP_OK)
		return err;
	/* A read after the commit: what the household holds now. */
	return household_json(db, a, hid, out);
}

/* The move's one transaction; *plan_id is the citizen's new plan. */
static enum kp_err move_out_tx(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long id, long long citizen_id, long long *plan_id,
                               struct kp_fail *f)
{
	struct caseload_citizen c;
	struct household_row h;
	struct db_res r, adults;
	struct member m;
	long long current = 0;
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = member_lock(db, a, who, citizen_id, "household_moved_out", id, &m)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_GET, DB_ARGS(DB_I64(id)), &r)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_ADULTS, DB_ARGS(DB_I64(id)), &adults)) != KP_OK)
		goto out;
	if (r.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	household_fill(&r, 0, &h);
	if (adults.nrows < 2) {
		err = KP_FAIL(f, KP_ECONFLICT, "last_adult",
		              "a household keeps at least one adult: this is its last");
		goto out;
	}
	if ((err = db_query(db, a, DB_HOUSEHOLD_PENDING, DB_ARGS(DB_I64(citizen_id)), &r)) != KP_OK)
		goto out;
	if (db_i64(&r, 0, CNT_N) != 0) {
		err = KP_FAIL(f, KP_ECONFLICT, "pending_proposals",
		              "the citizen has pending proposals about the household's plan:"
		              " decide them, or the citizen withdraws them, first");
		goto out;
	}
	if ((err = caseload_open_change(db, a, who, citizen_id, "household_moved_out",
	                                arena_printf(a, "household %lld", id), &c, f)) != KP_OK ||
	    (err = plan_lock(db, a, h.plan_id, PLAN_ANY_VERSION, &current, f)) != KP_OK ||
	    (err = plan_new(db, who, 0,
	                    arena_printf(a, "Egen plan oprettet ved fraflytning fra %s", h.name),
	                    plan_id)) != KP_OK)
		goto out;
	if ((err = db_exec(db, DB_HOUSEHOLD_DREAMS_COPY,
	                   DB_ARGS(DB_I64(*plan_id), DB_I64(h.plan_id), DB_I64(citizen_id)), NULL,
	                   NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_DREAMS_HIDE, DB_ARGS(DB_I64(h.plan_id), DB_I64(citizen_id)),
	                   NULL, NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_MOVE_PROPOSALS,
	                   DB_ARGS(DB_I64(*plan_id), DB_I64(h.plan_id), DB_I64(citizen_id)), NULL,
	                   NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_MOVE_MEETINGS,
	                   DB_ARGS(DB_I64(*plan_id), DB_I64(h.plan_id), DB_I64(citizen_id)), NULL,
	                   NULL)) != KP_OK ||
	    (err = db_exec(db, DB_HOUSEHOLD_CITIZEN_SET,
	                   DB_ARGS(DB_I64(*plan_id), DB_NULL, DB_I64(citizen_id)), NULL, NULL)) !=
	        KP_OK)
		goto out;
	err = plan_bump(db, h.plan_id, current + 1, who,
	                arena_printf(a, "%s er flyttet ud af husstanden", m.name));
out:
	return db_tx_end(db, err);
}

enum kp_err household_move_out(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long id, long long citizen_id, json_t **out,
                               struct kp_fail *f)
{
	long long plan_id = 0;
	enum kp_err err;

	*out = NULL;
	if ((err = move_out_tx(db, a, who, id, citizen_id, &plan_id, f)) != KP_OK ||
	    (err = household_json(db, a, id, out)) != KP_OK)
		return err;
	if (json_object_set_new(*out, "moved_out",
	                        json_pack("{s:I, s:I}", "id", (json_int_t)citizen_id, "plan_id",
	                                  (json_int_t)plan_id)) != 0) {
		json_decref(*out);
		*out = NULL;
		return KP_EINTERNAL;
	}
	return KP_OK;
}
