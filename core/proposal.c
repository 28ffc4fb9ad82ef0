/* proposal.c: a citizen's proposals, and the staff's queue, comments and
 * decisions on them (see proposal.h). */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "plan.h"
#include "proposal.h"

const char *const proposal_kind_names[PROPOSAL__MAX + 1] = {
	[PROPOSAL_ADD_GOAL] = "add_goal",
	[PROPOSAL_CHANGE_GOAL] = "change_goal",
	[PROPOSAL_RETIRE_GOAL] = "retire_goal",
	[PROPOSAL__MAX] = NULL,
};

const char *const proposal_status_names[] = {
	"pending", "approved", "rejected", "withdrawn", "superseded", NULL};
const char *const proposal_decision_names[] = {"approve", "reject", NULL};

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
		break;
	case PROPOSAL__MAX:
		return KP_EINVAL;
	}
	if ((err = db_begin(db)) != KP_OK)
		return err;
	if (in->goal_id != 0) {
		err = db_query(db, a, DB_GOAL_IN_PLAN,
		               DB_ARGS(DB_I64(in->goal_id), DB_I64(who->plan_id)), &r);
		if (err != KP_OK)
			goto fail;
		if (r.nrows != 1) {
			err = KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such goal in your plan");
			goto fail;
		}
	}
	err = db_exec(db, DB_PROPOSAL_INSERT,
	              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id),
	                      DB_STR(proposal_kind_names[in->kind]),
	                      in->goal_id != 0 ? DB_I64(in->goal_id) : DB_NULL,
	                      DB_OPTSTR(in->title), DB_OPTSTR(in->description), DB_STR(in->reason)),
	              NULL, &id);
	if (err != KP_OK)
		goto fail;
	/* The newest word on a goal replaces an older pending one, which is
	 * kept, closed, and names its successor. */
	if (in->goal_id != 0 &&
	    (err = db_exec(db, DB_PROPOSAL_SUPERSEDE,
	                   DB_ARGS(DB_I64(id), DB_I64(in->goal_id), DB_I64(who->id), DB_I64(id)),
	                   NULL, NULL)) != KP_OK)
		goto fail;
	if ((err = db_commit(db)) != KP_OK)
		goto fail;
	return proposal_read(db, a, who, (long long)id, out);
fail:
	db_rollback(db);
	return err;
}

enum kp_err proposal_list(struct db *db, struct arena *a, const struct kp_actor *who,
                          struct page *pg, json_t **out)
{
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i, n;

	*out = NULL;
	err = db_query(db, a, DB_PROPOSAL_LIST,
	               DB_ARGS(DB_I64(who->id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))), &r);
	if (err != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, proposal_json(&r, i));
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, 0);
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

/* The staff's view. Columns as DB_PROPOSAL_QUEUE and DB_PROPOSAL_STAFF_GET
 * return them. */
enum {
	SP_ID, SP_CITIZEN_ID, SP_CITIZEN_NAME, SP_KIND, SP_GOAL_ID, SP_GOAL_TITLE, SP_TITLE,
	SP_DESCRIPTION, SP_REASON, SP_STATUS, SP_CREATED_AT, SP_CLOSED_AT, SP_DECIDED_BY,
	SP_DECIDER_NAME, SP_DECIDER_ROLE, SP_DECISION_REASON, SP_SUPERSEDED_BY, SP_CREATED_FULL
};

static json_t *opt_string(const struct db_res *r, size_t row, size_t col)
{
	return db_cell(r, row, col) != NULL ? json_string(db_cell(r, row, col)) : json_null();
}

static json_t *staff_proposal_json(const struct db_res *r, size_t i)
{
	json_t *p = json_pack(
		"{s:I, s:{s:I, s:s}, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:[]}", "id",
		(json_int_t)db_i64(r, i, SP_ID), "citizen", "id",
		(json_int_t)db_i64(r, i, SP_CITIZEN_ID), "name", db_cell(r, i, SP_CITIZEN_NAME),
		"kind", db_cell(r, i, SP_KIND), "goal",
		db_cell(r, i, SP_GOAL_ID) != NULL
			? json_pack("{s:I, s:s?}", "id", (json_int_t)db_i64(r, i, SP_GOAL_ID), "title",
			            db_cell(r, i, SP_GOAL_TITLE))
			: json_null(),
		"title", opt_string(r, i, SP_TITLE), "description", opt_string(r, i, SP_DESCRIPTION),
		"reason", db_cell(r, i, SP_REASON), "status", db_cell(r, i, SP_STATUS), "created_at",
		db_cell(r, i, SP_CREATED_AT), "comments");

	if (p == NULL)
		return NULL;
	if (db_cell(r, i, SP_CLOSED_AT) != NULL)
		json_object_set_new(p, "closed_at", json_string(db_cell(r, i, SP_CLOSED_AT)));
	if (db_cell(r, i, SP_DECIDED_BY) != NULL)
		json_object_set_new(p, "decision",
		                    json_pack("{s:{s:I, s:s, s:s}, s:s, s:o}", "by", "id",
		                              (json_int_t)db_i64(r, i, SP_DECIDED_BY), "name",
		                              db_cell(r, i, SP_DECIDER_NAME), "role",
		                              db_cell(r, i, SP_DECIDER_ROLE), "at",
		                              db_cell(r, i, SP_CLOSED_AT), "reason",
		                              opt_string(r, i, SP_DECISION_REASON)));
	if (db_cell(r, i, SP_SUPERSEDED_BY) != NULL)
		json_object_set_new(p, "superseded_by",
		                    json_integer(db_i64(r, i, SP_SUPERSEDED_BY)));
	return p;
}

/* A comment row (DB_PROPOSAL_COMMENTS' columns, proposal id first). */
static json_t *comment_json(const struct db_res *r, size_t i)
{
	return json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:s}", "id", (json_int_t)db_i64(r, i, 1),
	                 "by", "id", (json_int_t)db_i64(r, i, 2), "name", db_cell(r, i, 3), "role",
	                 db_cell(r, i, 4), "at", db_cell(r, i, 5), "text", db_cell(r, i, 6));
}

/* Proposal id with its comments, as the staff see it. */
static enum kp_err staff_proposal_read(struct db *db, struct arena *a, long long id,
                                       json_t **out)
{
	struct db_res r, c;
	json_t *comments;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if ((err = db_query(db, a, DB_PROPOSAL_STAFF_GET, DB_ARGS(DB_I64(id)), &r)) != KP_OK ||
	    (err = db_query(db, a, DB_PROPOSAL_COMMENTS, DB_ARGS(DB_I64(id)), &c)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	if ((*out = staff_proposal_json(&r, 0)) == NULL)
		return KP_EINTERNAL;
	comments = json_object_get(*out, "comments");
	for (i = 0; i < c.nrows; i++)
		json_array_append_new(comments, comment_json(&c, i));
	return KP_OK;
}

/* A listed proposal: its id and its place in the list. */
struct queue_row {
	long long id;
	size_t row;
};

static int queue_row_cmp(const void *x, const void *y)
{
	const struct queue_row *p = x, *q = y;

	return (p->id > q->id) - (p->id < q->id);
}

/* Before the oldest possible proposal: the queue's position at its start. */
#define QUEUE_START "1000-01-01 00:00:00.000000"

enum kp_err proposal_queue(struct db *db, struct arena *a, const struct kp_actor *who,
                           const char *status, struct page *pg, json_t **out, struct kp_fail *f)
{
	const char *from = pg->after_key != NULL ? pg->after_key : QUEUE_START;
	struct db_res r, c = {0};
	struct queue_row *byid;
	json_t *list, **items;
	enum kp_err err;
	size_t i, j, k, n = 0;

	*out = NULL;
	for (i = 0; proposal_status_names[i] != NULL; i++)
		if (strcmp(proposal_status_names[i], status) == 0)
			break;
	if (proposal_status_names[i] == NULL)
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "status: must be pending, approved, rejected, withdrawn or superseded");
	if ((err = db_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_PROPOSAL_QUEUE,
	               DB_ARGS(DB_I64(who->id), DB_I64(who->id), DB_STR(status), DB_STR(from),
	                       DB_STR(from), DB_I64(pg->after_id), DB_I64(page_fetch(pg))),
	               &r);
	if (err == KP_OK)
		n = page_rows(pg, r.nrows);
	/* The comments of exactly the proposals on the page: the same filter,
	 * from the page's start up to the last one shown. */
	if (err == KP_OK && n > 0) {
		const char *last = db_cell(&r, n - 1, SP_CREATED_FULL);

		pg->next_id = db_i64(&r, n - 1, SP_ID);
		pg->next_key = last;
		err = db_query(db, a, DB_PROPOSAL_QUEUE_COMMENTS,
		               DB_ARGS(DB_I64(who->id), DB_I64(who->id), DB_STR(status), DB_STR(from),
		                       DB_STR(from), DB_I64(pg->after_id), DB_STR(last), DB_STR(last),
		                       DB_I64(pg->next_id)),
		               &c);
	}
	for (i = 0; err == KP_OK && i < n; i++) {
		long long cid = db_i64(&r, i, SP_CITIZEN_ID);

		for (j = 0; j < i && db_i64(&r, j, SP_CITIZEN_ID) != cid; j++)
			;
		if (j == i)
			err = audit_write(db, a, who, cid, "read", "proposals");
	}
	if (err != KP_OK) {
		db_rollback(db);
		return err;
	}
	if ((err = db_commit(db)) != KP_OK)
		return err;
	list = json_array();
	items = arena_alloc(a, sizeof(json_t *) * (n + 1));
	byid = arena_alloc(a, sizeof(*byid) * (n + 1));
	for (i = 0; i < n; i++) {
		if ((items[i] = staff_proposal_json(&r, i)) == NULL) {
			json_decref(list);
			return KP_EINTERNAL;
		}
		json_array_append_new(list, items[i]);
		byid[i] = (struct queue_row){db_i64(&r, i, SP_ID), i};
	}
	/* The comments come by proposal id: one pass over the list sorted the
	 * same way joins them. */
	qsort(byid, n, sizeof(*byid), queue_row_cmp);
	for (i = 0, k = 0; i < n; i++) {
		while (k < c.nrows && db_i64(&c, k, 0) < byid[i].id)
			k++;
		for (; k < c.nrows && db_i64(&c, k, 0) == byid[i].id; k++)
			json_array_append_new(json_object_get(items[byid[i].row], "comments"),
			                      comment_json(&c, k));
	}
	*out = json_pack("{s:o}", "proposals", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* The citizen a proposal belongs to, found before the caseload gate. */
static enum kp_err proposal_citizen(struct db *db, struct arena *a, long long id,
                                    long long *citizen_id, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	*citizen_id = 0;
	if ((err = db_query(db, a, DB_PROPOSAL_CITIZEN, DB_ARGS(DB_I64(id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such proposal");
	*citizen_id = db_i64(&r, 0, 0);
	return KP_OK;
}

enum kp_err proposal_comment(struct db *db, struct arena *a, const struct kp_actor *who,
                             long long id, const char *text, json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	unsigned long long cid;
	long long citizen_id;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = proposal_citizen(db, a, id, &citizen_id, f)) != KP_OK)
		return err;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id, "proposal_commented",
	                    arena_printf(a, "proposal %lld", id), &c);
	if (err != KP_OK) {
		KP_FAIL(f, err, err == KP_ENOTFOUND ? "not_found" : NULL,
		        err == KP_ENOTFOUND ? "there is no such proposal" : NULL);
		goto out;
	}
	/* Locked, so that a decision cannot close it under the comment. */
	err = db_query(db, a, DB_PROPOSAL_LOCK, DB_ARGS(DB_I64(id), DB_I64(c.id)), &r);
	if (err != KP_OK)
		goto out;
	if (r.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	if (strcmp(db_cell(&r, 0, 0), "pending") != 0) {
		err = KP_FAIL(f, KP_ECONFLICT, "not_pending",
		              arena_printf(a, "the proposal is already %s", db_cell(&r, 0, 0)));
		goto out;
	}
	err = db_exec(db, DB_COMMENT_INSERT, DB_ARGS(DB_I64(id), DB_I64(who->id), DB_STR(text)),
	              NULL, &cid);
	if (err != KP_OK)
		goto out;
	if ((err = db_query(db, a, DB_COMMENT_GET, DB_ARGS(DB_I64(cid)), &r)) != KP_OK)
		goto out;
	if (r.nrows != 1 || (*out = comment_json(&r, 0)) == NULL)
		err = KP_EINTERNAL;
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

/* Applies an approved proposal (the row of DB_PROPOSAL_LOCK_DECIDE) to the
 * plan; *goal_id is the goal it made or changed, *title its title. */
static enum kp_err proposal_apply(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long plan_id, const struct db_res *p,
                                  const struct proposal_decision *d, long long *goal_id,
                                  const char **title, struct kp_fail *f)
{
	const char *kind = db_cell(p, 0, 1);
	struct goal_in g = d->goal;
	bool is_sub;

	*goal_id = db_i64(p, 0, 2);
	*title = NULL;
	g.title = db_cell(p, 0, 3);
	g.description = db_cell(p, 0, 4);
	g.parent_id = 0;
	g.child_related = -1;
	if (strcmp(kind, "add_goal") == 0) {
		if (d->goal.area == NULL || d->goal.legal_basis == NULL)
			return KP_FAIL(f, KP_EINVAL, "missing_field",
			               d->goal.area == NULL
			                       ? "area: approving a new goal needs its area"
			                       : "legal_basis: approving a new goal needs its legal basis");
		g.status = "active";
		*title = g.title;
		return goal_insert(db, a, who, plan_id, &g, goal_id, f);
	}
	if (strcmp(kind, "retire_goal") == 0) {
		g = GOAL_IN_NONE;
		g.status = "cancelled";
	} else {
		g.status = NULL;
	}
	return goal_apply(db, a, plan_id, *goal_id, &g, title, &is_sub, f);
}

enum kp_err proposal_decide(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long id, const struct proposal_decision *d, json_t **out,
                            long long *version, struct kp_fail *f)
{
	struct caseload_citizen c;
	long long citizen_id, current = 0, goal_id = 0;
	unsigned long long decided = 0;
	const char *status, *title = NULL;
	json_t *p = NULL;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if (who->kind != KP_ACTOR_STAFF || who->role == NULL || strcmp(who->role, "caseworker") != 0)
		return KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		               "only the coordinating caseworker may do this");
	if (!d->approve && d->reason == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field",
		               "reason: a rejection needs a reason the citizen can read");
	if ((err = proposal_citizen(db, a, id, &citizen_id, f)) != KP_OK)
		return err;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id, d->approve ? "proposal_approved"
	                                                       : "proposal_rejected",
	                    arena_printf(a, "proposal %lld", id), &c);
	if (err != KP_OK) {
		KP_FAIL(f, err, err == KP_ENOTFOUND ? "not_found" : NULL,
		        err == KP_ENOTFOUND ? "there is no such proposal" : NULL);
		goto out;
	}
	/* The plan first, in the order every plan change takes its locks (a
	 * citizen's new proposal holds the plan row shared while it closes the
	 * one it supersedes). Then the proposal row: of two deciding at once,
	 * the second waits here and then finds it decided. */
	if ((err = plan_lock(db, a, c.plan_id, PLAN_ANY_VERSION, &current, f)) != KP_OK)
		goto out;
	err = db_query(db, a, DB_PROPOSAL_LOCK_DECIDE, DB_ARGS(DB_I64(id), DB_I64(c.id)), &r);
	if (err != KP_OK)
		goto out;
	if (r.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	status = db_cell(&r, 0, 0);
	if (strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0) {
		err = KP_FAIL(f, KP_ECONFLICT, "already_decided",
		              arena_printf(a, "the proposal is already %s", status));
		goto out;
	}
	if (strcmp(status, "pending") != 0) {
		err = KP_FAIL(f, KP_ECONFLICT, "not_pending",
		              arena_printf(a, "the proposal is %s", status));
		goto out;
	}
	if (d->approve) {
		if ((err = proposal_apply(db, a, who, c.plan_id, &r, d, &goal_id, &title, f)) !=
		            KP_OK ||
		    (err = plan_bump(db, c.plan_id, current + 1, who,
		                     arena_printf(a, "Forslag godkendt: %s", title))) != KP_OK)
			goto out;
		current++;
	}
	err = db_exec(db, DB_PROPOSAL_DECIDE,
	              DB_ARGS(DB_STR(d->approve ? "approved" : "rejected"), DB_I64(who->id),
	                      DB_OPTSTR(d->reason), goal_id != 0 ? DB_I64(goal_id) : DB_NULL,
	                      DB_I64(id)),
	              &decided, NULL);
	if (err == KP_OK && decided != 1)
		err = KP_FAIL(f, KP_ECONFLICT, "already_decided", "the proposal is already decided");
	if (err == KP_OK)
		err = staff_proposal_read(db, a, id, &p);
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(p);
		return err;
	}
	*version = current;
	*out = json_pack("{s:I, s:o}", "plan_version", (json_int_t)current, "proposal", p);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
