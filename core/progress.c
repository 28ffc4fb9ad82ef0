/* progress.c: how a goal goes, in the citizen's own words (see progress.h). */
#include <string.h>

#include "kpjson.h"
#include "progress.h"

const char *const progress_status_names[] = {
	"in-progress", "improving", "worsening", "no-change", "achieved", "not-achieved", NULL};

/* A row of DB_PROGRESS_LATEST or DB_PROGRESS_HISTORY. */
struct progress_row {
	long long goal_id, id;
	const char *status, *note, *at;
};

static void progress_row_fill(const struct db_res *r, size_t i, struct progress_row *p)
{
	p->goal_id = db_i64(r, i, GP_GOAL_ID);
	p->status = db_cell(r, i, GP_STATUS);
	p->note = db_cell(r, i, GP_NOTE);
	p->at = db_cell(r, i, GP_AT);
	p->id = db_i64(r, i, GP_ID);
}

/* Row i of r as JSON: a new reference, NULL when out of memory. */
static json_t *progress_json(const void *r, size_t i)
{
	struct progress_row p;

	progress_row_fill(r, i, &p);
	return json_pack("{s:I, s:s, s:s, s:s}", "goal_id", (json_int_t)p.goal_id, "status",
	                 p.status, "note", p.note, "at", p.at);
}

static bool progress_status_known(const char *status)
{
	size_t i;

	for (i = 0; status != NULL && progress_status_names[i] != NULL; i++)
		if (strcmp(status, progress_status_names[i]) == 0)
			return true;
	return false;
}

/* Whether goal_id is a goal or sub-goal of plan_id. */
static enum kp_err progress_goal_in_plan(struct db *db, struct arena *a, long long plan_id,
                                         long long goal_id)
{
	struct db_res r;
	enum kp_err err;

	err = db_query(db, a, DB_GOAL_IN_PLAN, DB_ARGS(DB_I64(goal_id), DB_I64(plan_id)), &r);
	if (err == KP_OK && r.nrows != 1)
		err = KP_ENOTFOUND;
	return err;
}

enum kp_err progress_add(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long goal_id, const char *status, const char *note,
                         json_t **out)
{
	struct db_res r = {0};
	enum kp_err err;

	*out = NULL;
	if (!progress_status_known(status))
		return KP_EINVAL;
	note = note != NULL ? note : "";
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	/* The goal itself is only read: its status stays the caseworker's. */
	if ((err = progress_goal_in_plan(db, a, who->plan_id, goal_id)) == KP_OK)
		err = db_exec(db, DB_PROGRESS_INSERT,
		              DB_ARGS(DB_I64(goal_id), DB_I64(who->id), DB_STR(status), DB_STR(note)),
		              NULL, NULL);
	if (err == KP_OK)
		err = db_exec(db, DB_CITIZEN_REV_BUMP, DB_ARGS(DB_I64(who->id)), NULL, NULL);
	if (err == KP_OK)
		err = db_query(db, a, DB_PROGRESS_HISTORY,
		               DB_ARGS(DB_I64(who->id), DB_I64(goal_id), DB_I64(LLONG_MAX), DB_I64(1)),
		               &r);
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	if (r.nrows != 1 || (*out = progress_json(&r, 0)) == NULL)
		return KP_EINTERNAL;
	return KP_OK;
}

enum kp_err progress_history(struct db *db, struct arena *a, long long citizen_id,
                             long long plan_id, long long goal_id, struct page *pg,
                             json_t **out)
{
	struct db_res r;
	enum kp_err err;
	size_t n;

	*out = NULL;
	if ((err = progress_goal_in_plan(db, a, plan_id, goal_id)) != KP_OK ||
	    (err = db_query(db, a, DB_PROGRESS_HISTORY,
	                    DB_ARGS(DB_I64(citizen_id), DB_I64(goal_id), DB_I64(page_before(pg)),
	                            DB_I64(page_fetch(pg))),
	                    &r)) != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	if ((*out = kp_json_wrap("progress", kp_json_list(n, progress_json, &r))) == NULL)
		return KP_EINTERNAL;
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, GP_ID);
	return KP_OK;
}

json_t *progress_latest(struct db *db, struct arena *a, long long citizen_id, enum kp_err *err)
{
	struct db_res r;
	json_t *list;

	if ((*err = db_query(db, a, DB_PROGRESS_LATEST, DB_ARGS(DB_I64(citizen_id)), &r)) != KP_OK)
		return NULL;
	if ((list = kp_json_list(r.nrows, progress_json, &r)) == NULL)
		*err = KP_EINTERNAL;
	return list;
}
