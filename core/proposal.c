/* proposal.c: a citizen's proposals, and the staff's queue, comments and
 * decisions on them (see proposal.h). */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "kpjson.h"
#include "plan.h"
#include "outbox.h"
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

/* The row of DB_PROPOSAL_GET and DB_PROPOSAL_LIST; absent columns are
 * NULL, and a goal_id 0. */
struct proposal_row {
	long long id, goal_id;
	const char *kind, *title, *description, *reason, *status, *created_at, *closed_at;
	const char *decider_name, *decision_reason;
};

static void proposal_row(struct proposal_row *p, const struct db_res *r, size_t i)
{
	p->id = db_i64(r, i, PR_ID);
	p->goal_id = db_i64(r, i, PR_GOAL_ID);
	p->kind = db_cell(r, i, PR_KIND);
	p->title = db_cell(r, i, PR_TITLE);
	p->description = db_cell(r, i, PR_DESCRIPTION);
	p->reason = db_cell(r, i, PR_REASON);
	p->status = db_cell(r, i, PR_STATUS);
	p->created_at = db_cell(r, i, PR_CREATED_AT);
	p->closed_at = db_cell(r, i, PR_CLOSED_AT);
	p->decider_name = db_cell(r, i, PR_DECIDER_NAME);
	p->decision_reason = db_cell(r, i, PR_DECISION_REASON);
}

/* The proposal as its citizen sees it; NULL when out of memory. */
static json_t *proposal_json(const struct proposal_row *p)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "kind",
	                      p->kind, "reason", p->reason, "status", p->status, "created_at",
	                      p->created_at);

	if (o == NULL)
		return NULL;
	if ((p->goal_id != 0 && json_object_set_new(o, "goal_id", json_integer(p->goal_id)) != 0) ||
	    (p->title != NULL && json_object_set_new(o, "title", json_string(p->title)) != 0) ||
	    (p->description != NULL &&
	     json_object_set_new(o, "description", json_string(p->description)) != 0) ||
	    (p->closed_at != NULL &&
	     json_object_set_new(o, "closed_at", json_string(p->closed_at)) != 0) ||
	    /* A decision exists once a caseworker approved or rejected it. */
	    (p->decider_name != NULL &&
	     json_object_set_new(o, "decision",
	                         json_pack("{s:s, s:s?, s:s?}", "by", p->decider_name, "at",
	                                   p->closed_at, "reason", p->decision_reason)) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static enum kp_err proposal_read(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long id, json_t **out)
{
	struct proposal_row p;
	struct db_res r;
	enum kp_err err;

	err = db_query(db, a, DB_PROPOSAL_GET, DB_ARGS(DB_I64(id), DB_I64(who->id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	proposal_row(&p, &r, 0);
	*out = proposal_json(&p);
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
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if (in->goal_id != 0) {
		err = db_query(db, a, DB_GOAL_IN_PLAN,
		               DB_ARGS(DB_I64(in->goal_id), DB_I64(who->plan_id)), &r);
		if (err != KP_OK)
			goto out;
		if (r.nrows != 1) {
			err = KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such goal in your plan");
			goto out;
		}
	}
	err = db_exec(db, DB_PROPOSAL_INSERT,
	              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id),
	                      DB_STR(proposal_kind_names[in->kind]),
	                      in->goal_id != 0 ? DB_I64(in->goal_id) : DB_NULL,
	                      DB_OPTSTR(in->title), DB_OPTSTR(in->description), DB_STR(in->reason)),
	              NULL, &id);
	/* The newest word on a goal replaces an older pending one, which is
	 * kept, closed, and names its successor. */
	if (err == KP_OK && in->goal_id != 0)
		err = db_exec(db, DB_PROPOSAL_SUPERSEDE,
		              DB_ARGS(DB_I64(id), DB_I64(in->goal_id), DB_I64(who->id), DB_I64(id)),
		              NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	return proposal_read(db, a, who, (long long)id, out);
}

enum kp_err proposal_list(struct db *db, struct arena *a, const struct kp_actor *who,
                          struct page *pg, json_t **out)
{
	struct proposal_row p;
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
	for (i = 0; i < n; i++) {
		proposal_row(&p, &r, i);
		if (kp_json_push(list, proposal_json(&p)) != 0) {
			json_decref(list);
			return KP_EINTERNAL;
		}
	}
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, PR_ID);
	*out = json_pack("{s:o}", "proposals", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* KP_OK when DB_PROPOSAL_LOCK's row r is pending, else KP_ECONFLICT
 * not_pending. */
static enum kp_err proposal_pending(struct arena *a, const struct db_res *r, struct kp_fail *f)
{
	const char *status = db_cell(r, 0, PK_STATUS);

	if (strcmp(status, "pending") == 0)
		return KP_OK;
	return KP_FAIL(f, KP_ECONFLICT, "not_pending",
	               arena_printf(a, "the proposal is already %s", status));
}

enum kp_err proposal_withdraw(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long id, json_t **out, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_PROPOSAL_LOCK, DB_ARGS(DB_I64(id), DB_I64(who->id)), &r);
	if (err != KP_OK)
		goto out;
	if (r.nrows != 1) {
		err = KP_ENOTFOUND;
		goto out;
	}
	if ((err = proposal_pending(a, &r, f)) != KP_OK)
		goto out;
	err = db_exec(db, DB_PROPOSAL_WITHDRAW, DB_ARGS(DB_I64(id)), NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	return proposal_read(db, a, who, id, out);
}

/* The row of DB_PROPOSAL_QUEUE and DB_PROPOSAL_STAFF_GET, the staff's
 * view; absent columns are NULL, and absent ids 0. */
struct staff_proposal_row {
	long long id, citizen_id, goal_id, decided_by, superseded_by;
	const char *citizen_name, *kind, *goal_title, *title, *description, *reason, *status;
	const char *created_at, *closed_at, *decider_name, *decider_role, *decision_reason;
	const char *created_full;   /* created_at in full: a page's position */
};

static void staff_proposal_row(struct staff_proposal_row *p, const struct db_res *r, size_t i)
{
	p->id = db_i64(r, i, SP_ID);
	p->citizen_id = db_i64(r, i, SP_CITIZEN_ID);
	p->goal_id = db_i64(r, i, SP_GOAL_ID);
	p->decided_by = db_i64(r, i, SP_DECIDED_BY);
	p->superseded_by = db_i64(r, i, SP_SUPERSEDED_BY);
	p->citizen_name = db_cell(r, i, SP_CITIZEN_NAME);
	p->kind = db_cell(r, i, SP_KIND);
	p->goal_title = db_cell(r, i, SP_GOAL_TITLE);
	p->title = db_cell(r, i, SP_TITLE);
	p->description = db_cell(r, i, SP_DESCRIPTION);
	p->reason = db_cell(r, i, SP_REASON);
	p->status = db_cell(r, i, SP_STATUS);
	p->created_at = db_cell(r, i, SP_CREATED_AT);
	p->closed_at = db_cell(r, i, SP_CLOSED_AT);
	p->decider_name = db_cell(r, i, SP_DECIDER_NAME);
	p->decider_role = db_cell(r, i, SP_DECIDER_ROLE);
	p->decision_reason = db_cell(r, i, SP_DECISION_REASON);
	p->created_full = db_cell(r, i, SP_CREATED_FULL);
}

static json_t *opt_string(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The proposal as the staff see it, with an empty "comments" array; NULL
 * when out of memory. */
static json_t *staff_proposal_json(const struct staff_proposal_row *p)
{
	json_t *o = json_pack(
		"{s:I, s:{s:I, s:s}, s:s, s:o, s:o, s:o, s:s, s:s, s:s, s:[]}", "id",
		(json_int_t)p->id, "citizen", "id", (json_int_t)p->citizen_id, "name",
		p->citizen_name, "kind", p->kind, "goal",
		p->goal_id != 0 ? json_pack("{s:I, s:s?}", "id", (json_int_t)p->goal_id, "title",
		                            p->goal_title)
		                : json_null(),
		"title", opt_string(p->title), "description", opt_string(p->description), "reason",
		p->reason, "status", p->status, "created_at", p->created_at, "comments");

	if (o == NULL)
		return NULL;
	if ((p->closed_at != NULL &&
	     json_object_set_new(o, "closed_at", json_string(p->closed_at)) != 0) ||
	    (p->decided_by != 0 &&
	     json_object_set_new(o, "decision",
	                         json_pack("{s:{s:I, s:s, s:s}, s:s, s:o}", "by", "id",
	                                   (json_int_t)p->decided_by, "name", p->decider_name,
	                                   "role", p->decider_role, "at", p->closed_at, "reason",
	                                   opt_string(p->decision_reason))) != 0) ||
	    (p->superseded_by != 0 &&
	     json_object_set_new(o, "superseded_by", json_integer(p->superseded_by)) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The row of DB_PROPOSAL_COMMENTS, DB_PROPOSAL_QUEUE_COMMENTS and
 * DB_COMMENT_GET. */
struct comment_row {
	long long proposal_id, id, staff_id;
	const char *staff_name, *staff_role, *at, *text;
};

static void comment_row(struct comment_row *c, const struct db_res *r, size_t i)
{
	c->proposal_id = db_i64(r, i, CM_PROPOSAL_ID);
	c->id = db_i64(r, i, CM_ID);
	c->staff_id = db_i64(r, i, CM_STAFF_ID);
	c->staff_name = db_cell(r, i, CM_STAFF_NAME);
	c->staff_role = db_cell(r, i, CM_STAFF_ROLE);
	c->at = db_cell(r, i, CM_AT);
	c->text = db_cell(r, i, CM_TEXT);
}

static json_t *comment_json(const struct comment_row *c)
{
	return json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:s}", "id", (json_int_t)c->id, "by",
	                 "id", (json_int_t)c->staff_id, "name", c->staff_name, "role",
	                 c->staff_role, "at", c->at, "text", c->text);
}

/* Appends comment row i of r to the proposal p's "comments": 0, or -1 when
 * out of memory. */
static int comment_push(json_t *p, const struct db_res *r, size_t i)
{
	struct comment_row c;

	comment_row(&c, r, i);
	return kp_json_push(json_object_get(p, "comments"), comment_json(&c));
}

/* Proposal id with its comments, as the staff see it. */
static enum kp_err staff_proposal_read(struct db *db, struct arena *a, long long id,
                                       json_t **out)
{
	struct staff_proposal_row p;
	struct db_res r, c;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if ((err = db_query(db, a, DB_PROPOSAL_STAFF_GET, DB_ARGS(DB_I64(id)), &r)) != KP_OK ||
	    (err = db_query(db, a, DB_PROPOSAL_COMMENTS, DB_ARGS(DB_I64(id)), &c)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	staff_proposal_row(&p, &r, 0);
	if ((*out = staff_proposal_json(&p)) == NULL)
		return KP_EINTERNAL;
	for (i = 0; i < c.nrows; i++)
		if (comment_push(*out, &c, i) != 0) {
			json_decref(*out);
			*out = NULL;
			return KP_EINTERNAL;
		}
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
	struct staff_proposal_row p;
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
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_PROPOSAL_QUEUE,
	               DB_ARGS(DB_I64(who->id), DB_I64(who->id), DB_STR(status), DB_STR(from),
	                       DB_STR(from), DB_I64(pg->after_id), DB_I64(page_fetch(pg))),
	               &r);
	if (err != KP_OK)
		goto out;
	n = page_rows(pg, r.nrows);
	/* The comments of exactly the proposals on the page: the same filter,
	 * from the page's start up to the last one shown. */
	if (n > 0) {
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
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	list = json_array();
	items = arena_alloc(a, sizeof(json_t *) * (n + 1));
	byid = arena_alloc(a, sizeof(*byid) * (n + 1));
	if (list == NULL || items == NULL || byid == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		staff_proposal_row(&p, &r, i);
		/* Borrowed: the list holds it. */
		if ((items[i] = staff_proposal_json(&p)) == NULL || kp_json_push(list, items[i]) != 0)
			goto fail;
		byid[i] = (struct queue_row){p.id, i};
	}
	/* The comments come by proposal id: one pass over the list sorted the
	 * same way joins them. */
	qsort(byid, n, sizeof(*byid), queue_row_cmp);
	for (i = 0, k = 0; i < n; i++) {
		while (k < c.nrows && db_i64(&c, k, CM_PROPOSAL_ID) < byid[i].id)
			k++;
		for (; k < c.nrows && db_i64(&c, k, CM_PROPOSAL_ID) == byid[i].id; k++)
			if (comment_push(items[byid[i].row], &c, k) != 0)
				goto fail;
	}
	*out = json_pack("{s:o}", "proposals", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
fail:
	json_decref(list);
	return KP_EINTERNAL;
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
	*citizen_id = db_i64(&r, 0, PZ_CITIZEN_ID);
	return KP_OK;
}

enum kp_err proposal_comment(struct db *db, struct arena *a, const struct kp_actor *who,
                             long long id, const char *text, json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	struct comment_row cm;
	unsigned long long cid;
	long long citizen_id;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = proposal_citizen(db, a, id, &citizen_id, f)) != KP_OK)
		return err;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open_change(db, a, who, citizen_id, "proposal_commented",
	                           arena_printf(a, "proposal %lld", id), &c, f);
	if (err != KP_OK) {
		if (err == KP_ENOTFOUND)
			KP_FAIL(f, err, "not_found", "there is no such proposal");
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
	if ((err = proposal_pending(a, &r, f)) != KP_OK)
		goto out;
	err = db_exec(db, DB_COMMENT_INSERT, DB_ARGS(DB_I64(id), DB_I64(who->id), DB_STR(text)),
	              NULL, &cid);
	if (err != KP_OK)
		goto out;
	if ((err = db_query(db, a, DB_COMMENT_GET, DB_ARGS(DB_I64(cid)), &r)) != KP_OK)
		goto out;
	if (r.nrows != 1) {
		err = KP_EINTERNAL;
		goto out;
	}
	comment_row(&cm, &r, 0);
	if ((*out = comment_json(&cm)) == NULL)
		err = KP_EINTERNAL;
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

/* The row of DB_PROPOSAL_LOCK_DECIDE: what deciding needs to know. */
struct proposal_decide_row {
	long long goal_id;          /* 0 for add_goal */
	const char *status, *kind, *title, *description;
};

static void proposal_decide_row(struct proposal_decide_row *p, const struct db_res *r,
                                size_t i)
{
	p->goal_id = db_i64(r, i, PX_GOAL_ID);
	p->status = db_cell(r, i, PX_STATUS);
	p->kind = db_cell(r, i, PX_KIND);
	p->title = db_cell(r, i, PX_TITLE);
	p->description = db_cell(r, i, PX_DESCRIPTION);
}

/* Applies an approved proposal p to the plan; *goal_id is the goal it made
 * or changed, *title its title. */
static enum kp_err proposal_apply(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long plan_id, const struct proposal_decide_row *p,
                                  const struct proposal_decision *d, long long *goal_id,
                                  const char **title, struct plan_diff *diff, struct kp_fail *f)
{
	const char *kind = p->kind;
	struct goal_in g = d->goal;
	bool is_sub;

	*goal_id = p->goal_id;
	*title = NULL;
	g.title = p->title;
	g.description = p->description;
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
		return goal_insert(db, a, who, plan_id, &g, goal_id, diff, f);
	}
	if (strcmp(kind, "retire_goal") == 0) {
		g = GOAL_IN_NONE;
		g.status = "cancelled";
	} else {
		g.status = NULL;
	}
	return goal_apply(db, a, plan_id, *goal_id, &g, title, &is_sub, diff, f);
}

enum kp_err proposal_decide(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long id, const struct proposal_decision *d, json_t **out,
                            long long *version, struct kp_fail *f)
{
	struct caseload_citizen c;
	long long citizen_id, current = 0, goal_id = 0;
	unsigned long long decided = 0;
	const char *status, *title = NULL;
	struct proposal_decide_row pr;
	struct plan_diff diff = {0};
	json_t *p = NULL;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if (who->kind != KP_ACTOR_STAFF || !caseload_coordinator_role(who->role))
		return KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		               "only the coordinating caseworker may do this");
	if (!d->approve && d->reason == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field",
		               "reason: a rejection needs a reason the citizen can read");
	if ((err = proposal_citizen(db, a, id, &citizen_id, f)) != KP_OK)
		return err;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open_change(db, a, who, citizen_id,
	                           d->approve ? "proposal_approved" : "proposal_rejected",
	                           arena_printf(a, "proposal %lld", id), &c, f);
	if (err != KP_OK) {
		if (err == KP_ENOTFOUND)
			KP_FAIL(f, err, "not_found", "there is no such proposal");
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
	proposal_decide_row(&pr, &r, 0);
	status = pr.status;
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
		if ((err = proposal_apply(db, a, who, c.plan_id, &pr, d, &goal_id, &title, &diff, f)) !=
		            KP_OK ||
		    (err = plan_bump_diff(db, c.plan_id, current + 1, who,
		                          arena_printf(a, "Forslag godkendt: %s", title), &diff)) !=
		            KP_OK)
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
	/* The citizen hears that there is news (an approval's new version
	 * awaits their yes too: this one notice says so). */
	if (err == KP_OK)
		err = outbox_add(db, c.id, "decision", id);
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
