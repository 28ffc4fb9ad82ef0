/* proposal.c: a citizen's proposals (see proposal.h). */
#include <string.h>

#include "proposal.h"

const char *const proposal_kind_names[PROPOSAL__MAX + 1] = {
	[PROPOSAL_ADD_GOAL] = "add_goal",
	[PROPOSAL_CHANGE_GOAL] = "change_goal",
	[PROPOSAL_RETIRE_GOAL] = "retire_goal",
	[PROPOSAL__MAX] = NULL,
};

/* Columns as DB_PROPOSAL_GET and DB_PROPOSAL_LIST return them. */
static json_t *proposal_json(const struct db_res *r, size_t i)
{
	json_t *p = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_i64(r, i, 0),
	                      "kind", db_cell(r, i, 1), "reason", db_cell(r, i, 5), "status",
	                      db_cell(r, i, 6), "created_at", db_cell(r, i, 7));

	if (p == NULL)
		return NULL;
	if (db_cell(r, i, 2) != NULL)
		json_object_set_new(p, "goal_id", json_integer(db_i64(r, i, 2)));
	if (db_cell(r, i, 3) != NULL)
		json_object_set_new(p, "title", json_string(db_cell(r, i, 3)));
	if (db_cell(r, i, 4) != NULL)
		json_object_set_new(p, "description", json_string(db_cell(r, i, 4)));
	if (db_cell(r, i, 8) != NULL)
		json_object_set_new(p, "closed_at", json_string(db_cell(r, i, 8)));
	/* A decision exists once a caseworker approved or rejected it. */
	if (db_cell(r, i, 9) != NULL)
		json_object_set_new(p, "decision",
		                    json_pack("{s:s, s:s?, s:s?}", "by", db_cell(r, i, 9), "at",
		                              db_cell(r, i, 8), "reason", db_cell(r, i, 10)));
	return p;
}

static enum kp_err proposal_read(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long id, json_t **out)
{
	struct db_res r;
	enum kp_err err;

	err = db_query(db, a, DB_PROPOSAL_GET, DB_ARGS(DB_I64(id), DB_I64(who->id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	*out = proposal_json(&r, 0);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err proposal_create(struct db *db, struct arena *a, const struct kp_actor *who,
                            const struct proposal_in *in, json_t **out, struct kp_fail *f)
{
	unsigned long long id;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	switch (in->kind) {
	case PROPOSAL_ADD_GOAL:
		if (in->goal_id != 0)
			return KP_FAIL(f, KP_EINVAL, "invalid_field",
			               "goal_id: a new goal has no goal_id");
		if (in->title == NULL)
			return KP_FAIL(f, KP_EINVAL, "missing_field", "title: a new goal needs a title");
		break;
	case PROPOSAL_CHANGE_GOAL:
		if (in->title == NULL && in->description == NULL)
			return KP_FAIL(f, KP_EINVAL, "missing_field",
			               "title: say what the goal should become (title or description)");
		/* fall through */
	case PROPOSAL_RETIRE_GOAL:
		if (in->goal_id == 0)
			return KP_FAIL(f, KP_EINVAL, "missing_field", "goal_id: which goal?");
		err = db_query(db, a, DB_GOAL_IN_PLAN,
		               DB_ARGS(DB_I64(in->goal_id), DB_I64(who->plan_id)), &r);
		if (err != KP_OK)
			return err;
		if (r.nrows != 1)
			return KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such goal in your plan");
		break;
	case PROPOSAL__MAX:
		return KP_EINVAL;
	}
	err = db_exec(db, DB_PROPOSAL_INSERT,
	              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id),
	                      DB_STR(proposal_kind_names[in->kind]),
	                      in->goal_id != 0 ? DB_I64(in->goal_id) : DB_NULL,
	                      DB_OPTSTR(in->title), DB_OPTSTR(in->description), DB_STR(in->reason)),
	              NULL, &id);
	if (err != KP_OK)
		return err;
	return proposal_read(db, a, who, (long long)id, out);
}

enum kp_err proposal_list(struct db *db, struct arena *a, const struct kp_actor *who,
                          json_t **out)
{
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if ((err = db_query(db, a, DB_PROPOSAL_LIST, DB_ARGS(DB_I64(who->id)), &r)) != KP_OK)
		return err;
	list = json_array();
	for (i = 0; i < r.nrows; i++)
		json_array_append_new(list, proposal_json(&r, i));
	*out = json_pack("{s:o}", "proposals", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err proposal_withdraw(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long id, json_t **out, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = db_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_PROPOSAL_LOCK, DB_ARGS(DB_I64(id), DB_I64(who->id)), &r);
	if (err != KP_OK)
		goto fail;
	if (r.nrows != 1) {
		err = KP_ENOTFOUND;
		goto fail;
	}
	if (strcmp(db_cell(&r, 0, 0), "pending") != 0) {
		err = KP_FAIL(f, KP_ECONFLICT, "not_pending",
		              arena_printf(a, "the proposal is already %s", db_cell(&r, 0, 0)));
		goto fail;
	}
	if ((err = db_exec(db, DB_PROPOSAL_WITHDRAW, DB_ARGS(DB_I64(id)), NULL, NULL)) != KP_OK)
		goto fail;
	if ((err = db_commit(db)) != KP_OK)
		return err;
	return proposal_read(db, a, who, id, out);
fail:
	db_rollback(db);
	return err;
}
