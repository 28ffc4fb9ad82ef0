/* purge.c: letting a citizen's data go after the retention period (see
 * purge.h). */
#include <string.h>

#include "audit.h"
#include "plan.h"
#include "purge.h"

/* A row of DB_PURGE_DUE. */
struct purge_due {
	long long id, plan_id, others;
	const char *outcome, *ended;
	long long proposals, meetings, dreams, goals, consents, audit, audit_v1;
};

static void purge_due_row(struct purge_due *d, const struct db_res *r, size_t i)
{
	d->id = db_i64(r, i, PG_ID);
	d->plan_id = db_i64(r, i, PG_PLAN_ID);
	d->outcome = db_cell(r, i, PG_OUTCOME);
	d->ended = db_cell(r, i, PG_ENDED);
	d->others = db_i64(r, i, PG_OTHERS);
	d->proposals = db_i64(r, i, PG_PROPOSALS);
	d->meetings = db_i64(r, i, PG_MEETINGS);
	d->dreams = db_i64(r, i, PG_DREAMS);
	d->goals = db_i64(r, i, PG_GOALS);
	d->consents = db_i64(r, i, PG_CONSENTS);
	d->audit = db_i64(r, i, PG_AUDIT);
	d->audit_v1 = db_i64(r, i, PG_AUDIT_V1);
}

/* The statements that take the citizen's own rows, each with the citizen
 * as its one argument; comments before their proposals. */
static const enum db_stmt purge_own[] = {
	DB_PURGE_COMMENTS, DB_PURGE_PROPOSALS, DB_PURGE_MEETING_POINTS, DB_PURGE_MEETING_RESPONSES,
	DB_PURGE_MEETINGS, DB_PURGE_MESSAGES,
	DB_PURGE_CONSENTS, DB_PURGE_ACCEPTANCES, DB_PURGE_ANSWERS, DB_PURGE_SESSIONS,
	DB_PURGE_OUTBOX, DB_PURGE_NOTIFY, DB_PURGE_PROGRESS,
};

/* The statements that empty a plan nobody else still needs, each with the
 * plan as its one argument; the history goes before the purge's own
 * version is written. */
static const enum db_stmt purge_plan[] = {
	DB_PURGE_CHANGES, DB_PURGE_DREAMS, DB_PURGE_GOALS, DB_PURGE_CHILDREN, DB_PURGE_HISTORY,
	DB_PURGE_DOCS,
};

/* One citizen, in one transaction: due is checked again under the row's
 * lock, so a course reopened since the list was read is left alone (*done
 * false). */
static enum kp_err purge_one(struct db *db, struct arena *a, const struct purge_opts *o,
                             const char *as_of, const struct purge_due *d, bool *done)
{
	static const struct kp_actor sys = {.kind = KP_ACTOR_SYSTEM, .name = "kaptajn purge",
	                                    .role = "system"};
	const bool shared = d->others > 0;
	unsigned long long redacted = 0;
	struct kp_fail fail;
	long long version;
	struct db_res r;
	enum kp_err err;
	size_t i;

	*done = false;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_PURGE_LOCK, DB_ARGS(DB_I64(d->id), DB_STR(as_of), DB_I64(o->years)),
	               &r);
	if (err != KP_OK || r.nrows != 1)
		goto out;
	for (i = 0; err == KP_OK && i < sizeof(purge_own) / sizeof(purge_own[0]); i++)
		err = db_exec(db, purge_own[i], DB_ARGS(DB_I64(d->id)), NULL, NULL);
	if (err == KP_OK)
		err = plan_lock(db, a, d->plan_id, &plan_want_any, &version, &fail);
	if (err != KP_OK)
		goto out;
	if (shared) {
		/* The others keep the plan; only what is this citizen's goes. */
		err = db_exec(db, DB_PURGE_OWN_DREAM_CHANGES,
		              DB_ARGS(DB_I64(d->plan_id), DB_I64(d->id)), NULL, NULL);
		if (err == KP_OK)
			err = db_exec(db, DB_PURGE_OWN_DREAMS,
			              DB_ARGS(DB_I64(d->plan_id), DB_I64(d->id)), NULL, NULL);
		if (err == KP_OK)
			err = db_exec(db, DB_PURGE_HISTORY_ACTOR,
			              DB_ARGS(DB_I64(d->plan_id), DB_I64(d->id)), NULL, NULL);
	} else {
		for (i = 0; err == KP_OK && i < sizeof(purge_plan) / sizeof(purge_plan[0]); i++)
			err = db_exec(db, purge_plan[i], DB_ARGS(DB_I64(d->plan_id)), NULL, NULL);
	}
	if (err == KP_OK)
		err = plan_bump(db, d->plan_id, version + 1, &sys,
		                "Data slettet efter opbevaringsperioden");
	if (err == KP_OK)
		err = db_exec(db, DB_PURGE_TOMBSTONE, DB_ARGS(DB_I64(d->id)), NULL, NULL);
	if (err == KP_OK)
		err = audit_redact(db, d->id, &redacted);
	if (err == KP_OK)
		err = audit_write(db, a, &sys, d->id, "purged",
		                  arena_printf(a, "retention %d years", o->years));
	*done = err == KP_OK;
out:
	return db_tx_end(db, err);
}

/* Says why the one citizen asked for is not due. */
static int purge_refuse(struct db *db, struct arena *a, const struct purge_opts *o, FILE *err)
{
	struct db_res r;

	if (db_query(db, a, DB_PURGE_STATE, DB_ARGS(DB_I64(o->years), DB_I64(o->citizen)), &r) !=
	    KP_OK)
		return -1;
	if (r.nrows != 1)
		fprintf(err, "purge: there is no citizen %lld\n", o->citizen);
	else if (db_i64(&r, 0, PS_PURGED) != 0)
		fprintf(err, "purge: citizen %lld was purged already\n", o->citizen);
	else if (db_i64(&r, 0, PS_OPEN) != 0)
		fprintf(err, "purge: refused: the course of citizen %lld has not ended\n", o->citizen);
	else
		fprintf(err, "purge: refused: citizen %lld is within the retention period of %d years"
		             " (due after %s)\n", o->citizen, o->years, db_cell(&r, 0, PS_DUE_ON));
	return 1;
}

int purge_run(struct db *db, const struct purge_opts *o, FILE *out, FILE *err)
{
	struct arena *a = arena_new(), *each = arena_new();
	char as_of[32];
	struct purge_due d;
	struct db_res r;
	struct tm tm;
	long long purged = 0;
	int rc = -1;
	size_t i;

	if (a == NULL || each == NULL)
		goto out;
	gmtime_r(&o->as_of, &tm);
	strftime(as_of, sizeof(as_of), "%Y-%m-%d %H:%M:%S", &tm);
	if (db_query(db, a, DB_PURGE_DUE,
	             DB_ARGS(DB_STR(as_of), DB_I64(o->years), DB_STR(as_of), DB_I64(o->years),
	                     DB_I64(o->citizen), DB_I64(o->citizen)),
	             &r) != KP_OK)
		goto out;
	if (o->citizen != 0 && r.nrows == 0) {
		rc = purge_refuse(db, a, o, err);
		goto out;
	}
	fprintf(out, "purge: %zu citizens due as of %.10s (courses ended more than %d years"
	             " before)%s\n", r.nrows, as_of, o->years, o->dry_run ? "; dry run, nothing changed" : "");
	for (i = 0; i < r.nrows; i++) {
		bool done = false;

		purge_due_row(&d, &r, i);
		fprintf(out, "citizen %lld: course ended %s (%s); goes: %lld proposals, %lld meetings,"
		             " %lld consents, %s; %lld audit rows emptied%s\n",
		        d.id, d.ended, d.outcome != NULL ? d.outcome : "-", d.proposals, d.meetings,
		        d.consents,
		        d.others > 0 ? "own dreams (the plan is shared with someone whose course runs on)"
		                     : arena_printf(a, "the plan's %lld dreams and %lld goals", d.dreams,
		                                    d.goals),
		        d.audit,
		        d.audit_v1 > 0 ? arena_printf(a, ", %lld written before hash version 2 kept"
		                                          " whole (the chain did not hold when"
		                                          " kaptajn migrate sealed it again)",
		                                       d.audit_v1)
		                       : "");
		if (o->dry_run)
			continue;
		if (purge_one(db, each, o, as_of, &d, &done) != KP_OK) {
			fprintf(err, "purge: citizen %lld: failed; nothing of it changed\n", d.id);
			goto out;
		}
		fprintf(out, "citizen %lld: %s\n", d.id, done ? "purged" : "no longer due (reopened?)");
		purged += done;
		arena_reset(each);
	}
	if (!o->dry_run)
		fprintf(out, "purge: %lld purged\n", purged);
	rc = 0;
out:
	arena_free(each);
	arena_free(a);
	return rc;
}
