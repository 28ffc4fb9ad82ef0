/* seed_sql.c: the statements that write demo, benchmark and test rows. They
 * are no part of the running service, so they stay out of core/db.c's
 * table; db_exec_def() runs them with the same binds, errors and facts. */
#include <stdio.h>

#include "seed.h"

/* The seed writes a new plan whole, in the transaction that makes it:
 * nobody has read it, and nothing needs raising. So these statements carry
 * no facts, but for the acceptance, which the seed follows with
 * DB_CITIZEN_ACCEPTED_SET. Times are hours before now. */
static const struct db_stmt_def seed_stmts[SEED_STMT__MAX] = {
	[SEED_STAFF] = {.sql =
		"INSERT INTO staff (issuer, sub, name, role, title, phone, email)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)"},
	[SEED_HOUSEHOLD] = {.sql = "INSERT INTO households (name) VALUES (?)"},
	[SEED_PLAN] = {.sql = "INSERT INTO plans (household_id, version) VALUES (?, 1)"},
	[SEED_CITIZEN] = {.sql =
		"INSERT INTO citizens (plan_id, household_id, name, caseworker_id, contact_id)"
		" VALUES (?, ?, ?, ?, ?)"},
	[SEED_CITIZEN_CPR] = {.sql = "UPDATE citizens SET cpr_sealed = ?, cpr_lookup = ?, cpr_key_id = ? WHERE id = ?"},
	/* Not in any plan answer: the caseload shows it. */
	[SEED_CITIZEN_LOGIN] = {.sql =
		"UPDATE citizens SET first_login_at = NOW(6) - INTERVAL ? HOUR WHERE id = ?"},
	[SEED_COURSE_END] = {.sql =
		"UPDATE citizens SET course_outcome = ?, course_ended_at = NOW(6) - INTERVAL ? DAY,"
		" course_ended_by = ? WHERE id = ?"},
	[SEED_DREAM] = {.sql = "INSERT INTO dreams (plan_id, citizen_id, text) VALUES (?, ?, ?)"},
	[SEED_GOAL] = {.sql =
		"INSERT INTO goals (plan_id, parent_id, title, description, area, legal_basis,"
		" status, hours_per_week, child_related, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	[SEED_CONSENT] = {.sql =
		"INSERT INTO consents (citizen_id, plan_id, action, recorded_by, text_version, paper,"
		" request_id) VALUES (?, ?, ?, ?, ?, ?, 'seed')"},
	/* The newest fact kept with the citizen, as consent.c keeps it. */
	[SEED_CITIZEN_CONSENT] = {.sql =
		"UPDATE citizens c JOIN consents k ON k.id = ? AND k.citizen_id = c.id"
		" SET c.consent = k.action, c.consent_at = k.at WHERE c.id = ?"},
	[SEED_PLAN_FROZEN] = {.sql = "UPDATE plans SET frozen = 1 WHERE id = ?"},
	[SEED_PROPOSAL] = {.sql =
		"INSERT INTO proposals (plan_id, citizen_id, kind, goal_id, title, description, reason,"
		" status, created_at, closed_at, decided_by, decision_reason)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(6) - INTERVAL ? HOUR, NOW(6) - INTERVAL ? HOUR,"
		" ?, ?)"},
	[SEED_COMMENT] = {.sql =
		"INSERT INTO proposal_comments (proposal_id, staff_id, text, at)"
		" VALUES (?, ?, ?, NOW(6) - INTERVAL ? HOUR)"},
	[SEED_HISTORY] = {.sql =
		"INSERT INTO plan_history (plan_id, version, at, actor_kind, actor_citizen_id,"
		" actor_staff_id, summary, request_id)"
		" VALUES (?, ?, NOW(6) - INTERVAL ? HOUR, ?, ?, ?, ?, 'seed')"},
	[SEED_HISTORY_AT] = {.sql =
		"UPDATE plan_history SET at = NOW(6) - INTERVAL ? HOUR WHERE plan_id = ? AND version = ?"},
	[SEED_PLAN_VERSION] = {.sql = "UPDATE plans SET version = ? WHERE id = ?"},
	[SEED_ACCEPTANCE] = {.sql =
		"INSERT INTO plan_acceptances (plan_id, citizen_id, version, at, request_id)"
		" VALUES (?, ?, ?, NOW(6) - INTERVAL ? HOUR, 'seed')",
		.fact = {DB_MARK_CITIZEN, 1, DB_MARK_NONE, 0}},
	[SEED_CHILD] = {.sql = "INSERT INTO children (household_id, name, birth_date) VALUES (?, ?, ?)"},
	/* ? = the child, the plan: its child-related goals name the child. */
	[SEED_GOAL_CHILD] = {.sql =
		"UPDATE goals SET child_id = ? WHERE plan_id = ? AND child_related AND parent_id IS NULL"},
};

enum kp_err seed_exec(struct db *db, enum seed_stmt st, const struct db_arg *args, size_t nargs,
                      unsigned long long *affected, unsigned long long *insert_id)
{
	if ((unsigned)st >= SEED_STMT__MAX) {
		fprintf(stderr, "seed: no statement %d\n", (int)st);
		return KP_EINTERNAL;
	}
	/* An entry left out has no SQL: db_exec_def() refuses it. */
	return db_exec_def(db, &seed_stmts[st], args, nargs, affected, insert_id);
}
