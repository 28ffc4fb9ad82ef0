/* goal.c: the caseworker's goals and sub-goals (see goal.h). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "caseload.h"
#include "goal.h"
#include "outbox.h"
#include "kpjson.h"
#include "plan.h"

const char *const goal_area_names[] = {
	"job", "education", "health", "social", "family", "housing", "economy", NULL};
const char *const goal_status_names[] = {
	"proposed", "accepted", "active", "on-hold", "completed", "cancelled", "rejected", NULL};
const char *const goal_new_status_names[] = {"proposed", "accepted", "active", "on-hold", NULL};

/* The history line for a change of status alone, by the new status. */
static const char *status_summary(const char *status)
{
	static const struct {
		const char *status, *summary;
	} s[] = {
		{"proposed", "Mål foreslået"},   {"accepted", "Mål godkendt"},
		{"active", "Mål genoptaget"},    {"on-hold", "Mål sat på pause"},
		{"completed", "Mål nået"},       {"cancelled", "Mål afsluttet"},
		{"rejected", "Mål afvist"},
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (strcmp(s[i].status, status) == 0)
			return s[i].summary;
	return "Mål ændret";
}

/* Whether code is a known legal basis, and whether it is about a child. */
static enum kp_err legal_basis_child(struct db *db, struct arena *a, const char *code,
                                     bool *child, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	*child = false;
	err = db_query(db, a, DB_LEGAL_BASIS_GET, DB_ARGS(DB_STR(code)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_FAIL(f, KP_EINVAL, "unknown_legal_basis",
		               arena_printf(a, "legal_basis: \"%.40s\" is not a known legal basis",
		                            code));
	*child = db_i64(&r, 0, LBG_CHILD_RELATED) != 0;
	return KP_OK;
}

/* The child in->child_id names, checked against plan_id's household, as a
 * parameter of DB_GOAL_INSERT or DB_GOAL_UPDATE: NULL for none (absent
 * when kept is 0, or -1), else the child's id. */
static enum kp_err goal_child(struct db *db, struct arena *a, long long plan_id,
                              const struct goal_in *in, long long kept, long long *child,
                              struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	*child = in->child_id == 0 ? kept : in->child_id < 0 ? 0 : in->child_id;
	if (in->child_id <= 0)
		return KP_OK;
	err = db_query(db, a, DB_CHILD_IN_PLAN, DB_ARGS(DB_I64(in->child_id), DB_I64(plan_id)), &r);
	if (err == KP_OK && r.nrows != 1)
		err = KP_FAIL(f, KP_EINVAL, "invalid_child",
		              "child_id: not a child of this plan's household");
	return err;
}

/* hours_per_week as the DECIMAL(4,1) column takes it. */
static enum kp_err hours_text(struct arena *a, const struct goal_in *in, const char **out,
                              struct kp_fail *f)
{
	*out = NULL;
	if (!in->has_hours || in->hours_null)
		return KP_OK;
	if (!(in->hours >= 0 && in->hours <= GOAL_HOURS_MAX))
		return KP_FAIL(f, KP_EINVAL, "invalid_field", "hours_per_week: must be from 0 to 80");
	*out = arena_printf(a, "%.1f", in->hours);
	return KP_OK;
}

/* A goal's fields as the citizen reads them; NULL: none. */
struct goal_vals {
	const char *title, *description, *area, *legal_basis, *status, *hours;
};

/* Notes into d the fields of goal id that differ between before and after
 * (added: a new goal, before all NULL), named by the goal's title. */
static void goal_diff(struct arena *a, struct plan_diff *d, long long id, bool is_sub,
                      bool added, const struct goal_vals *before, const struct goal_vals *after)
{
	static const struct {
		const char *field, *label;
		size_t at;
	} fields[] = {
		{"title", "titel", offsetof(struct goal_vals, title)},
		{"description", "beskrivelse", offsetof(struct goal_vals, description)},
		{"area", "område", offsetof(struct goal_vals, area)},
		{"status", "status", offsetof(struct goal_vals, status)},
		{"legal_basis", "lovgrundlag", offsetof(struct goal_vals, legal_basis)},
		{"hours_per_week", "timer om ugen", offsetof(struct goal_vals, hours)},
	};
	const char *kind = added ? (is_sub ? "Nyt delmål" : "Nyt mål") : (is_sub ? "Delmål" : "Mål");
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *b = *(const char *const *)((const char *)before + fields[i].at);
		const char *x = *(const char *const *)((const char *)after + fields[i].at);

		if (added && x != NULL && x[0] == '\0')
			continue;
		plan_diff_add(d, is_sub ? "subgoal" : "goal", id, fields[i].field,
		              arena_printf(a, "%s: %s — %s", kind, after->title, fields[i].label), b,
		              x);
	}
}

enum kp_err goal_insert(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long plan_id, const struct goal_in *in, long long *id,
                        struct plan_diff *d, struct kp_fail *f)
{
	struct goal_vals none = {0}, vals;
	unsigned long long gid = 0;
	long long child_id = 0;
	const char *hours;
	struct db_res r;
	enum kp_err err;
	bool child;

	*id = 0;
	if (in->title == NULL || in->area == NULL || in->legal_basis == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field",
		               in->title == NULL  ? "title: a goal needs a title"
		               : in->area == NULL ? "area: a goal needs an area"
		                                  : "legal_basis: a goal needs a legal basis");
	if ((err = hours_text(a, in, &hours, f)) != KP_OK)
		return err;
	if ((err = legal_basis_child(db, a, in->legal_basis, &child, f)) != KP_OK ||
	    (err = goal_child(db, a, plan_id, in, 0, &child_id, f)) != KP_OK)
		return err;
	if (in->parent_id != 0) {
		err = db_query(db, a, DB_GOAL_LOCK, DB_ARGS(DB_I64(in->parent_id), DB_I64(plan_id)),
		               &r);
		if (err != KP_OK)
			return err;
		if (r.nrows != 1)
			return KP_FAIL(f, KP_ENOTFOUND, "not_found",
			               "parent_goal_id: there is no such goal in this plan");
		if (db_cell(&r, 0, GL_PARENT_ID) != NULL)
			return KP_FAIL(f, KP_EINVAL, "invalid_parent",
			               "parent_goal_id: that goal is itself a sub-goal; a sub-goal"
			               " belongs to a goal");
	}
	err = db_exec(db, DB_GOAL_INSERT,
	              DB_ARGS(DB_I64(plan_id), in->parent_id != 0 ? DB_I64(in->parent_id) : DB_NULL,
	                      DB_STR(in->title), DB_STR(in->description ? in->description : ""),
	                      DB_STR(in->area), DB_STR(in->legal_basis),
	                      DB_STR(in->status ? in->status : "active"), DB_OPTSTR(hours),
	                      DB_I64(child || in->child_related == 1 || child_id != 0),
	                      who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                      child_id != 0 ? DB_I64(child_id) : DB_NULL),
	              NULL, &gid);
	if (err != KP_OK)
		return err;
	*id = (long long)gid;
	vals = (struct goal_vals){in->title, in->description, in->area, in->legal_basis,
	                          in->status ? in->status : "active", hours};
	goal_diff(a, d, *id, in->parent_id != 0, true, &none, &vals);
	return KP_OK;
}

/* A row of DB_GOAL_LOCK: the goal as kept. */
struct goal_kept {
	bool is_sub;
	const char *title, *description, *area, *legal_basis, *hours, *status;
	bool child_related;
	long long child_id; /* 0: names no child */
};

static void goal_kept_fill(const struct db_res *r, size_t i, struct goal_kept *g)
{
	g->is_sub = db_cell(r, i, GL_PARENT_ID) != NULL;
	g->title = db_cell(r, i, GL_TITLE);
	g->description = db_cell(r, i, GL_DESCRIPTION);
	g->area = db_cell(r, i, GL_AREA);
	g->legal_basis = db_cell(r, i, GL_LEGAL_BASIS);
	g->hours = db_cell(r, i, GL_HOURS);
	g->child_related = db_i64(r, i, GL_CHILD_RELATED) != 0;
	g->status = db_cell(r, i, GL_STATUS);
	g->child_id = db_i64(r, i, GL_CHILD_ID);
}

enum kp_err goal_apply(struct db *db, struct arena *a, long long plan_id, long long goal_id,
                       const struct goal_in *in, const char **title, bool *is_sub,
                       struct plan_diff *d, struct kp_fail *f)
{
	struct goal_vals was, now;
	const char *hours, *basis;
	struct goal_kept kept;
	long long child_id = 0;
	struct db_res r;
	enum kp_err err;
	bool child, flag;

	*title = NULL;
	*is_sub = false;
	if ((err = hours_text(a, in, &hours, f)) != KP_OK)
		return err;
	err = db_query(db, a, DB_GOAL_LOCK, DB_ARGS(DB_I64(goal_id), DB_I64(plan_id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such goal in this plan");
	goal_kept_fill(&r, 0, &kept);
	/* The rule of goal_insert, with the kept values standing in for the
	 * absent ones: marked, or resting on a child-related basis. */
	basis = in->legal_basis != NULL ? in->legal_basis : kept.legal_basis;
	if ((err = legal_basis_child(db, a, basis, &child, f)) != KP_OK ||
	    (err = goal_child(db, a, plan_id, in, kept.child_id, &child_id, f)) != KP_OK)
		return err;
	/* A goal that names a child is about that child. */
	flag = (in->child_related >= 0 ? in->child_related != 0 : kept.child_related) ||
	       child_id != 0;
	if (!in->has_hours)
		hours = kept.hours;
	*title = in->title != NULL ? in->title : kept.title;
	*is_sub = kept.is_sub;
	was = (struct goal_vals){kept.title, kept.description, kept.area, kept.legal_basis,
	                         kept.status, kept.hours};
	now = (struct goal_vals){*title,
	                         in->description != NULL ? in->description : kept.description,
	                         in->area != NULL ? in->area : kept.area, basis,
	                         in->status != NULL ? in->status : kept.status, hours};
	goal_diff(a, d, goal_id, kept.is_sub, false, &was, &now);
	return db_exec(db, DB_GOAL_UPDATE,
	               DB_ARGS(DB_STR(*title),
	                       DB_STR(in->description != NULL ? in->description : kept.description),
	                       DB_STR(in->area != NULL ? in->area : kept.area), DB_STR(basis),
	                       DB_OPTSTR(hours), DB_I64(flag || child),
	                       DB_STR(in->status != NULL ? in->status : kept.status),
	                       child_id != 0 ? DB_I64(child_id) : DB_NULL, DB_I64(goal_id),
	                       DB_I64(plan_id)),
	               NULL, NULL);
}

/* goal_id of plan_id with its sub-goals, as the plan shows it. */
static enum kp_err goal_read(struct db *db, struct arena *a, long long plan_id, long long goal_id,
                             json_t **out)
{
	struct db_res r;
	json_t *g, *subs;
	enum kp_err err;
	size_t i;

	*out = NULL;
	err = db_query(db, a, DB_GOAL_WITH_SUBGOALS,
	               DB_ARGS(DB_I64(plan_id), DB_I64(goal_id), DB_I64(goal_id)), &r);
	if (err != KP_OK)
		return err;
	/* Ordered by id: the goal comes before its sub-goals. */
	if (r.nrows == 0 || db_i64(&r, 0, GR_ID) != goal_id)
		return KP_ENOTFOUND;
	if ((g = plan_goal_json(&r, 0)) == NULL)
		return KP_EINTERNAL;
	subs = json_object_get(g, "subgoals");
	for (i = 1; i < r.nrows; i++)
		if (kp_json_push(subs, plan_goal_json(&r, i)) != 0) {
			json_decref(g);
			return KP_EINTERNAL;
		}
	*out = g;
	return KP_OK;
}

/* A summary line of at most 500 characters: prefix and a title of at most
 * KP_TITLE_MAX (200) characters. */
static const char *summary(struct arena *a, const char *prefix, const char *title)
{
	return arena_printf(a, "%s: %s", prefix, title);
}

enum kp_err goal_create(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, const struct goal_in *in,
                        const struct plan_want *want, json_t **out, long long *version,
                        struct kp_fail *f)
{
	struct caseload_citizen c;
	long long current = 0, id = 0;
	struct plan_diff d = {0};
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = caseload_open_change(db, a, who, citizen_id, "goal_added", "goal", &c, f)) != KP_OK ||
	    (err = plan_lock(db, a, c.plan_id, want, &current, f)) != KP_OK ||
	    (err = goal_insert(db, a, who, c.plan_id, in, &id, &d, f)) != KP_OK ||
	    (err = plan_bump_diff(db, c.plan_id, current + 1, who,
	                          summary(a, in->parent_id != 0 ? "Delmål tilføjet" : "Mål tilføjet",
	                                  in->title),
	                          &d)) != KP_OK ||
	    (err = outbox_add_plan(db, c.plan_id, "plan_awaits_yes")) != KP_OK)
		goto out;
	err = goal_read(db, a, c.plan_id, id, out);
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
		return err;
	}
	*version = current + 1;
	return KP_OK;
}

enum kp_err goal_update(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, long long goal_id, const struct goal_in *in,
                        const struct plan_want *want, json_t **out, long long *version,
                        struct kp_fail *f)
{
	struct caseload_citizen c;
	const char *title, *line;
	struct plan_diff d = {0};
	long long current = 0;
	enum kp_err err;
	bool only_status, is_sub;

	*out = NULL;
	only_status = in->title == NULL && in->description == NULL && in->area == NULL &&
	              in->legal_basis == NULL && !in->has_hours && in->child_related < 0 &&
	              in->child_id == 0;
	if (only_status && in->status == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field",
		               "the body names nothing to change (title, description, area,"
		               " legal_basis, hours_per_week, child_related, child_id or status)");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open_change(db, a, who, citizen_id, "goal_changed",
	                           arena_printf(a, "goal %lld", goal_id), &c, f);
	if (err != KP_OK ||
	    (err = plan_lock(db, a, c.plan_id, want, &current, f)) != KP_OK ||
	    (err = goal_apply(db, a, c.plan_id, goal_id, in, &title, &is_sub, &d, f)) != KP_OK)
		goto out;
	line = only_status ? status_summary(in->status) : "Mål ændret";
	if (is_sub)
		line = arena_printf(a, "Delmål %s", line + strlen("Mål "));
	if ((err = plan_bump_diff(db, c.plan_id, current + 1, who, summary(a, line, title), &d)) ==
	        KP_OK &&
	    (err = outbox_add_plan(db, c.plan_id, "plan_awaits_yes")) == KP_OK)
		err = goal_read(db, a, c.plan_id, goal_id, out);
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
		return err;
	}
	*version = current + 1;
	return KP_OK;
}

/* A row of DB_LEGAL_BASIS_LIST. */
struct legal_basis {
	const char *code, *law, *title;
	bool child_related;
};

static void legal_basis_fill(const struct db_res *r, size_t i, struct legal_basis *b)
{
	b->code = db_cell(r, i, LB_CODE);
	b->law = db_cell(r, i, LB_LAW);
	b->title = db_cell(r, i, LB_TITLE);
	b->child_related = db_i64(r, i, LB_CHILD_RELATED) != 0;
}

/* Row i of DB_LEGAL_BASIS_LIST r as JSON; NULL when out of memory. */
static json_t *legal_basis_json(const void *r, size_t i)
{
	struct legal_basis b;

	legal_basis_fill(r, i, &b);
	return json_pack("{s:s, s:s, s:s, s:b}", "code", b.code, "law", b.law, "title", b.title,
	                 "child_related", b.child_related);
}

enum kp_err goal_legal_bases(struct db *db, struct arena *a, json_t **out)
{
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = db_query(db, a, DB_LEGAL_BASIS_LIST, DB_NOARGS, &r)) != KP_OK)
		return err;
	*out = kp_json_wrap("legal_bases", kp_json_list(r.nrows, legal_basis_json, &r));
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

json_t *goal_tree(struct arena *a, const struct db_res *r, bool child_related_only)
{
	json_t *list, **top;
	size_t i, j;

	/* top[i]: row i as a listed goal, for its sub-goals to find; rows
	 * come by id, so a parent comes before its sub-goals. */
	top = arena_alloc(a, sizeof(json_t *) * (r->nrows + 1));
	if ((list = json_array()) == NULL)
		return NULL;
	for (i = 0; i < r->nrows; i++) {
		long long parent = db_i64(r, i, GR_PARENT_ID);
		json_t *g, *into = list;

		if (child_related_only && db_i64(r, i, GR_CHILD_RELATED) == 0)
			continue;
		if ((g = plan_goal_json(r, i)) == NULL)
			goto fail;
		if (parent != 0) {
			into = NULL;
			for (j = i; j-- > 0;)
				if (db_i64(r, j, GR_ID) == parent) {
					if (top[j] != NULL && db_cell(r, j, GR_PARENT_ID) == NULL)
						into = json_object_get(top[j], "subgoals");
					break;
				}
			if (into == NULL) {
				/* Its goal is not listed: listed on its own. */
				if (json_object_set_new(g, "parent_goal_id", json_integer(parent)) != 0) {
					json_decref(g);
					goto fail;
				}
				into = list;
			}
		}
		if (into == list)
			top[i] = g;
		if (kp_json_push(into, g) != 0)
			goto fail;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

enum kp_err goal_child_related(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long citizen_id, json_t **out)
{
	struct caseload_citizen c;
	struct db_res r;
	json_t *list;
	enum kp_err err;

	*out = NULL;
	if ((err = caseload_read(db, a, who, citizen_id, "child-related", &c)) != KP_OK)
		return err;
	if ((err = db_query(db, a, DB_PLAN_GOALS, DB_ARGS(DB_I64(c.plan_id)), &r)) != KP_OK)
		return err;
	if ((list = goal_tree(a, &r, true)) == NULL)
		return KP_EINTERNAL;
	/* json_pack takes list, on failure too. */
	*out = json_pack("{s:{s:I, s:s}, s:o}", "citizen", "id", (json_int_t)c.id, "name", c.name,
	                 "goals", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
