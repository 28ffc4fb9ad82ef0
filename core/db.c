/* db.c: the MariaDB connection, the statement table, typed binds and
 * results. One connection per process; statements are prepared on first use
 * and kept; a lost connection is remade on the next call and every
 * statement prepared again (auto-reconnect stays off, as it would lose
 * prepared statements and transactions silently). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
/* The columns and joins of a caseload page (DB_CASELOAD_LIST and
 * DB_CASELOAD_LIST_ALL). Its two ? are now, twice: the next meeting of the
 * plan not yet held from now on, and whether a follow-up of the plan is
 * due (its time before now, not held); both by meetings_plan_open (013). */
#define CASELOAD_LIST_SELECT \
	"SELECT c.id, c.name, c.household_id, p.id, p.version," \
	" (SELECT MAX(a.version) FROM plan_acceptances a" \
	"   WHERE a.plan_id = p.id AND a.citizen_id = c.id)," \
	" (SELECT COUNT(*) FROM proposals q WHERE q.citizen_id = c.id AND q.status = 'pending')," \
	" ct.id, ct.name, cw.id, cw.name, c.course_outcome," \
	" DATE_FORMAT(c.first_login_at, '%Y-%m-%dT%H:%i:%sZ'), c.consent, p.frozen," \
	" c.cpr_sealed, c.cpr_key_id," \
	" (SELECT DATE_FORMAT(MIN(m.starts_at), '%Y-%m-%dT%H:%i:%sZ') FROM meetings m" \
	"   WHERE m.plan_id = p.id AND m.held_at IS NULL AND m.starts_at >= ?)," \
	" EXISTS (SELECT 1 FROM meetings m WHERE m.plan_id = p.id AND m.held_at IS NULL" \
	"   AND m.starts_at < ? AND m.kind = 'follow_up')," \
	" c.accepted_through," \
	" (SELECT DATE_FORMAT(MAX(n.at), '%Y-%m-%dT%H:%i:%sZ') FROM plan_answers n" \
	"   WHERE n.citizen_id = c.id AND n.answer = 'not_yet' AND n.closed_at IS NULL)," \
	" (SELECT n.comment FROM plan_answers n WHERE n.citizen_id = c.id" \
	"   AND n.answer = 'not_yet' AND n.closed_at IS NULL ORDER BY n.id DESC LIMIT 1)," \
	" (SELECT COUNT(*) FROM messages ms WHERE ms.citizen_id = c.id" \
	"   AND ms.author_kind = 'citizen' AND ms.read_at IS NULL)," \
	" EXISTS (SELECT 1 FROM meeting_responses mr JOIN meetings m ON m.id = mr.meeting_id" \
	"   WHERE mr.citizen_id = c.id AND mr.answer = 'cannot_come' AND m.held_at IS NULL" \
	"   AND m.starts_at >= ?)" \
	" FROM citizens c JOIN plans p ON p.id = c.plan_id" \
	" LEFT JOIN staff ct ON ct.id = c.contact_id" \
	" LEFT JOIN staff cw ON cw.id = c.caseworker_id"

/* The outbox rows of an event, one per channel a citizen has turned on
 * (DB_OUTBOX_ADD, DB_OUTBOX_ADD_PLAN add which citizens). */
#define OUTBOX_ADD_SELECT \
	"INSERT INTO outbox (citizen_id, kind, ref_id, channel, waiting, next_at, created_at)" \
	" SELECT s.citizen_id, ?, ?, ch.channel, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)" \
	" FROM notification_settings s JOIN (SELECT 'email' AS channel UNION ALL" \
	" SELECT 'sms') ch ON (ch.channel = 'email' AND s.email_on = 1)" \
	" OR (ch.channel = 'sms' AND s.sms_on = 1)"

/* The columns and joins of a meeting (enum db_col_meeting): DB_MEETING_GET,
 * _LIST, _UPCOMING and _PAST add their WHERE. */
#define MEETING_SELECT \
	"SELECT m.id, m.kind, DATE_FORMAT(m.starts_at, '%Y-%m-%dT%H:%i:%sZ'), m.place, m.agenda," \
	" m.participants, DATE_FORMAT(m.held_at, '%Y-%m-%dT%H:%i:%sZ'), m.citizen_id, m.minutes," \
	" DATE_FORMAT(m.minutes_at, '%Y-%m-%dT%H:%i:%sZ'), s.name, r.answer, r.comment," \
	" DATE_FORMAT(r.answered_at, '%Y-%m-%dT%H:%i:%sZ')" \
	" FROM meetings m LEFT JOIN staff s ON s.id = m.minutes_by" \
	" LEFT JOIN meeting_responses r ON r.meeting_id = m.id"

/* The columns and joins of a message (enum db_col_message). */
#define MESSAGE_SELECT \
	"SELECT m.id, DATE_FORMAT(m.created_at, '%Y-%m-%dT%H:%i:%sZ'), m.author_kind," \
	" s.id, s.name, s.role, s.title, c.name, m.text," \
	" DATE_FORMAT(m.read_at, '%Y-%m-%dT%H:%i:%sZ')" \
	" FROM messages m JOIN citizens c ON c.id = m.citizen_id" \
	" LEFT JOIN staff s ON s.id = m.author_staff_id"

/* kaptajn restore's count of one table's rows (a constant, by name). */
#define BACKUP_COUNT(table) {.sql = "SELECT COUNT(*) FROM " #table, .cols = CNT__MAX}

/* A number macro as SQL text. */
#define SQL_NUM(n) SQL_NUM_(n)
#define SQL_NUM_(n) #n

/* The running service's statements, by enum db_stmt (struct db_stmt_def
 * in db.h). */
static const struct db_stmt_def stmts[DB_STMT__MAX] = {
	[DB_PING] = {.sql = "SELECT 1"},
	[DB_MIGRATION_LIST] = {.sql = "SELECT name, checksum FROM schema_migrations ORDER BY name",
		.cols = MG__MAX},
	[DB_MIGRATION_RECORD] = {.sql = "INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)"},
	/* Rows from before 004_staff_identity.sql: the configured staff issuer's. */
	[DB_MIGRATION_STAFF_ISSUER] = {.sql = "UPDATE staff SET issuer = ? WHERE issuer = ''"},
	/* The server's named lock around a migration run (one host at a
	 * time); 1 got, 0 held elsewhere. Never waits on the server. */
	[DB_MIGRATION_LOCK] = {.sql = "SELECT GET_LOCK('kaptajn.migrate', 0)", .cols = MGL__MAX},
	[DB_MIGRATION_UNLOCK] = {.sql = "SELECT RELEASE_LOCK('kaptajn.migrate')", .cols = MGL__MAX},
	[DB_SESSION_INSERT] = {.sql =
		"INSERT INTO sessions (id_hash, kind, citizen_id, staff_id, csrf_hash,"
		" created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)"},
	/* Three primary-key reads: every citizen request pays this, and the
	 * plan read needs nothing more while its parts are kept. */
	[DB_SESSION_GET_CITIZEN] = {.sql =
		"SELECT s.citizen_id, s.csrf_hash, s.created_at, s.last_seen, c.plan_id, c.name,"
		" p.version, c.rev, c.consent, p.frozen, c.course_outcome IS NOT NULL"
		" FROM sessions s JOIN citizens c ON c.id = s.citizen_id JOIN plans p ON p.id = c.plan_id"
		" WHERE s.id_hash = ? AND s.kind = 'citizen' AND s.ended_at IS NULL",
		.cols = SC__MAX},
	[DB_CITIZEN_HEAD] = {.sql =
		"SELECT c.rev, c.accepted_version, st.name, st.title, st.phone, st.email, st.hours,"
		" c.consent, DATE_FORMAT(c.consent_at, '%Y-%m-%dT%H:%i:%sZ'), p.frozen,"
		" c.course_outcome IS NOT NULL, c.accepted_through"
		" FROM citizens c JOIN plans p ON p.id = c.plan_id"
		" LEFT JOIN staff st ON st.id = c.contact_id WHERE c.id = ?",
		.cols = CH__MAX},
	/* The yes is monotonic: a citizen says yes to the current version only,
	 * so the yes covers the versions up to it (accepted_through, 018). */
	[DB_CITIZEN_ACCEPTED_SET] = {.sql =
		"UPDATE citizens SET accepted_version = GREATEST(COALESCE(accepted_version, 0), ?),"
		" accepted_through = accepted_version, rev = rev + 1 WHERE id = ?",
		.fact = {DB_MARK_NONE, 0, DB_MARK_CITIZEN, 1}},
	[DB_SESSION_TOUCH] = {.sql = "UPDATE sessions SET last_seen = ? WHERE id_hash = ?"},
	[DB_SESSION_END] = {.sql =
		"UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL"},
	[DB_TOKEN_USE] = {.sql = "INSERT INTO used_tokens (jti_hash, expires_at) VALUES (?, ?)"},
	[DB_TOKEN_PURGE] = {.sql =
		"DELETE FROM used_tokens WHERE expires_at < ? LIMIT " SQL_NUM(DB_PURGE_LIMIT)},
	/* By the sessions_created index: a session created before the cutoff
	 * is past its absolute timeout, so none that is live can go. */
	[DB_SESSION_PURGE] = {.sql =
		"DELETE FROM sessions WHERE created_at < ? LIMIT " SQL_NUM(DB_PURGE_LIMIT)},
	/* The open course under the number (at most one: cpr_open is
	 * unique), else the one that ended last; ?: the number's look-up hash
	 * under each configured key (kp_cpr_lookups). */
	[DB_CITIZEN_BY_CPR] = {.sql =
		"SELECT id, name, first_login_at IS NULL FROM citizens"
		" WHERE cpr_lookup IN (?, ?, ?, ?)"
		" ORDER BY course_ended_at IS NOT NULL, course_ended_at DESC, id DESC LIMIT 1",
		.cols = LCZ__MAX},
	/* The login's attempts (014): one use, bound to the browser's binder,
	 * within its time; the caller reads it only after using it. */
	[DB_LOGIN_ATTEMPT_INSERT] = {.sql =
		"INSERT INTO login_attempts (state_hash, side, binder_hash, nonce, verifier,"
		" return_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"},
	[DB_LOGIN_ATTEMPT_USE] = {.sql =
		"UPDATE login_attempts SET used_at = ? WHERE state_hash = ? AND side = ?"
		" AND binder_hash = ? AND used_at IS NULL AND created_at > ?"},
	[DB_LOGIN_ATTEMPT_GET] = {.sql =
		"SELECT nonce, verifier, return_to FROM login_attempts"
		" WHERE state_hash = ? AND side = ?",
		.cols = LA__MAX},
	[DB_LOGIN_ATTEMPT_PURGE] = {.sql =
		"DELETE FROM login_attempts WHERE created_at < ? LIMIT " SQL_NUM(DB_PURGE_LIMIT)},
	[DB_SESSION_ID_TOKEN_SET] = {.sql = "UPDATE sessions SET id_token = ? WHERE id_hash = ?"},
	[DB_SESSION_ID_TOKEN] = {.sql = "SELECT id_token FROM sessions WHERE id_hash = ?",
		.cols = SIT__MAX},
	/* Sessions not ended, not idle, not too old (session_find's rules);
	 * ?: the oldest created_at, then the oldest last_seen of a citizen's
	 * and of a staff member's. By the sessions_created index. */
	[DB_SESSION_COUNT_LIVE] = {.sql =
		"SELECT COALESCE(SUM(kind = 'citizen'), 0), COALESCE(SUM(kind = 'staff'), 0)"
		" FROM sessions WHERE created_at >= ? AND ended_at IS NULL"
		" AND last_seen >= IF(kind = 'citizen', ?, ?)",
		.cols = SCL__MAX},
	/* A plan's head as the citizen c sees it: id, version, c's last yes,
	 * the contact person. */
	[DB_PLAN_HEAD] = {.sql =
		"SELECT p.id, p.version, c.accepted_version, st.name, st.title, st.phone, st.email,"
		" st.hours, c.consent, DATE_FORMAT(c.consent_at, '%Y-%m-%dT%H:%i:%sZ'), p.frozen,"
		" c.course_outcome IS NOT NULL, c.accepted_through"
		" FROM citizens c JOIN plans p ON p.id = c.plan_id"
		" LEFT JOIN staff st ON st.id = c.contact_id WHERE c.id = ?",
		.cols = PH__MAX},
	[DB_PLAN_DREAMS] = {.sql =
		"SELECT id, citizen_id, text FROM dreams"
		" WHERE plan_id = ? AND deleted_at IS NULL ORDER BY id",
		.cols = DR__MAX},
	[DB_PLAN_GOALS] = {.sql =
		"SELECT id, parent_id, title, description, area, status, legal_basis,"
		" hours_per_week, child_related, child_id FROM goals WHERE plan_id = ? ORDER BY id",
		.cols = GR__MAX},
	[DB_PLAN_DOC_GET] = {.sql = "SELECT version, doc FROM plan_docs WHERE plan_id = ?",
		.cols = PD__MAX},
	/* Keeps the newer of two documents: doc is set before version, so
	 * both compare against the stored version. */
	[DB_PLAN_DOC_STORE] = {.sql =
		"INSERT INTO plan_docs (plan_id, version, doc) VALUES (?, ?, ?)"
		" ON DUPLICATE KEY UPDATE"
		" doc = IF(VALUES(version) > version, VALUES(doc), doc),"
		" built_at = IF(VALUES(version) > version, NOW(6), built_at),"
		" version = GREATEST(version, VALUES(version))"},
	[DB_PLAN_LOCK] = {.sql = "SELECT version, frozen FROM plans WHERE id = ? FOR UPDATE",
		.cols = PL__MAX},
	[DB_PLAN_BUMP] = {.sql =
		"UPDATE plans SET version = version + 1, updated_at = NOW(6) WHERE id = ?",
		.fact = {DB_MARK_NONE, 0, DB_MARK_PLAN, 0}},
	[DB_HISTORY_INSERT] = {.sql =
		"INSERT INTO plan_history (plan_id, version, actor_kind, actor_citizen_id,"
		" actor_staff_id, summary, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)"},
	/* One changed field of a version (018), next to its history row. */
	[DB_PLAN_CHANGE_INSERT] = {.sql =
		"INSERT INTO plan_changes (plan_id, version, subject, subject_id, field, what,"
		" before_text, after_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"},
	/* The citizen's own edit of their own dream carries their yes on to
	 * the new version, when it covered the version before: ? = new
	 * version, citizen, the version before. */
	[DB_CITIZEN_YES_CARRY] = {.sql =
		"UPDATE citizens SET accepted_through = ?, rev = rev + 1"
		" WHERE id = ? AND accepted_through = ?",
		.fact = {DB_MARK_CITIZEN, 1, DB_MARK_CITIZEN, 1}},
	/* The versions of a plan after one and up to another, oldest first,
	 * each with its changed fields (none: one row of NULLs). */
	[DB_PLAN_CHANGES_SINCE] = {.sql =
		"SELECT h.version, DATE_FORMAT(h.at, '%Y-%m-%dT%H:%i:%sZ'), h.actor_kind,"
		" h.actor_citizen_id, COALESCE(c.name, s.name, 'Kaptajn'), s.title, h.summary,"
		" x.subject, x.subject_id, x.field, x.what, x.before_text, x.after_text"
		" FROM plan_history h"
		" LEFT JOIN plan_changes x ON x.plan_id = h.plan_id AND x.version = h.version"
		" LEFT JOIN citizens c ON c.id = h.actor_citizen_id"
		" LEFT JOIN staff s ON s.id = h.actor_staff_id"
		" WHERE h.plan_id = ? AND h.version > ? AND h.version <= ? ORDER BY h.version, x.id",
		.cols = PCH__MAX},
	/* A citizen's yes, version and current version of their plan. */
	[DB_YES_STATE] = {.sql =
		"SELECT c.accepted_version, c.accepted_through, p.version, c.plan_id"
		" FROM citizens c JOIN plans p ON p.id = c.plan_id WHERE c.id = ?",
		.cols = YS__MAX},
	[DB_ANSWER_INSERT] = {.sql =
		"INSERT INTO plan_answers (plan_id, citizen_id, version, answer, comment, receipt, at,"
		" request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"},
	/* Closes the citizen's open not_yet answers: by a yes (? = NULL) or
	 * acknowledged by staff member ?. */
	[DB_ANSWER_CLOSE] = {.sql =
		"UPDATE plan_answers SET closed_at = NOW(6), closed_by = ?"
		" WHERE citizen_id = ? AND answer = 'not_yet' AND closed_at IS NULL"},
	/* The citizen's last yes with its receipt (018 on). */
	[DB_ANSWER_LAST_YES] = {.sql =
		"SELECT version, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), receipt FROM plan_answers"
		" WHERE citizen_id = ? AND plan_id = ? AND answer = 'yes' ORDER BY id DESC LIMIT 1",
		.cols = AY__MAX},
	/* The citizen's last yes of any time (before 018 it has no receipt). */
	[DB_ACCEPTANCE_LAST] = {.sql =
		"SELECT version, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), NULL FROM plan_acceptances"
		" WHERE citizen_id = ? AND plan_id = ? ORDER BY id DESC LIMIT 1",
		.cols = AY__MAX},
	/* The citizen's newest open not_yet. */
	[DB_ANSWER_NOT_YET] = {.sql =
		"SELECT version, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), comment FROM plan_answers"
		" WHERE citizen_id = ? AND answer = 'not_yet' AND closed_at IS NULL"
		" ORDER BY id DESC LIMIT 1",
		.cols = AN__MAX},
	[DB_HISTORY_LIST] = {.sql =
		"SELECT h.version, DATE_FORMAT(h.at, '%Y-%m-%dT%H:%i:%sZ'),"
		" COALESCE(c.name, s.name, 'Kaptajn'), h.summary"
		" FROM plan_history h LEFT JOIN citizens c ON c.id = h.actor_citizen_id"
		" LEFT JOIN staff s ON s.id = h.actor_staff_id"
		" WHERE h.plan_id = ? AND h.version < ? ORDER BY h.version DESC LIMIT ?",
		.cols = HI__MAX},
	[DB_DREAM_INSERT] = {.sql = "INSERT INTO dreams (plan_id, citizen_id, text) VALUES (?, ?, ?)",
		.fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}},
	[DB_DREAM_GET] = {.sql =
		"SELECT citizen_id, text FROM dreams"
		" WHERE id = ? AND plan_id = ? AND deleted_at IS NULL",
		.cols = DG__MAX},
	[DB_DREAM_UPDATE] = {.sql =
		"UPDATE dreams SET text = ?, updated_at = NOW(6) WHERE id = ? AND plan_id = ?",
		.fact = {DB_MARK_PLAN, 2, DB_MARK_NONE, 0}},
	[DB_DREAM_DELETE] = {.sql = "UPDATE dreams SET deleted_at = NOW(6) WHERE id = ? AND plan_id = ?",
		.fact = {DB_MARK_PLAN, 1, DB_MARK_NONE, 0}},
	[DB_ACCEPTANCE_INSERT] = {.sql =
		"INSERT INTO plan_acceptances (plan_id, citizen_id, version, request_id)"
		" VALUES (?, ?, ?, ?)",
		.fact = {DB_MARK_CITIZEN, 1, DB_MARK_NONE, 0}},
	[DB_CONTACT_GET] = {.sql =
		"SELECT st.name, st.title, st.phone, st.email, st.hours"
		" FROM citizens c JOIN staff st ON st.id = c.contact_id WHERE c.id = ?",
		.cols = CT__MAX},
	/* Runs of rows (gaps and islands): a row starts a new run unless the
	 * row before it in the citizen's log is by the same staff member in the
	 * same role, of the same action and object, on the same (UTC) day. Runs
	 * are whole ranges of ids, so a page below a run's first row has the
	 * same runs as the whole log. A refused attempt and the caseload list
	 * are not reads of the citizen's data (see plan_access_log). */
	[DB_ACCESS_LOG] = {.sql =
		"SELECT DATE_FORMAT(MAX(at), '%Y-%m-%dT%H:%i:%sZ'),"
		" DATE_FORMAT(MIN(at), '%Y-%m-%dT%H:%i:%sZ'), MAX(actor_name), MAX(actor_role),"
		" MAX(action), MAX(object), COUNT(*), MIN(id) FROM ("
		"SELECT id, at, actor_name, actor_role, action, object, SUM(brk) OVER (ORDER BY id) AS run"
		" FROM (SELECT id, at, actor_name, actor_role, action, object,"
		" CASE WHEN LAG(actor_staff_id) OVER w <=> actor_staff_id"
		" AND LAG(BINARY actor_role) OVER w <=> BINARY actor_role"
		" AND LAG(BINARY action) OVER w <=> BINARY action"
		" AND LAG(BINARY object) OVER w <=> BINARY object"
		" AND LAG(DATE(at)) OVER w <=> DATE(at) THEN 0 ELSE 1 END AS brk"
		" FROM audit_log WHERE citizen_id = ? AND actor_kind = 'staff'"
		" AND action <> 'denied' AND NOT (action = 'read' AND object = 'caseload') AND id < ?"
		" WINDOW w AS (ORDER BY id)) marked) runs"
		" GROUP BY run ORDER BY MIN(id) DESC LIMIT ?",
		.cols = AC__MAX},
	[DB_GOAL_IN_PLAN] = {.sql = "SELECT id FROM goals WHERE id = ? AND plan_id = ?"},
	/* A citizen's own answer changes their plan answer: their rev rises. */
	[DB_PROGRESS_INSERT] = {.sql =
		"INSERT INTO goal_progress (goal_id, citizen_id, status, note) VALUES (?, ?, ?, ?)",
		.fact = {DB_MARK_CITIZEN, 1, DB_MARK_NONE, 0}},
	/* The newest answer of a citizen for each goal of the citizen's plan. */
	[DB_PROGRESS_LATEST] = {.sql =
		"SELECT p.goal_id, p.status, p.note, DATE_FORMAT(p.at, '%Y-%m-%dT%H:%i:%sZ'), p.id"
		" FROM goal_progress p JOIN (SELECT goal_id, MAX(id) AS id FROM goal_progress"
		" WHERE citizen_id = ? GROUP BY goal_id) m ON m.id = p.id"
		" JOIN goals g ON g.id = p.goal_id"
		" JOIN citizens c ON c.id = p.citizen_id AND c.plan_id = g.plan_id ORDER BY p.goal_id",
		.cols = GP__MAX},
	[DB_PROGRESS_HISTORY] = {.sql =
		"SELECT goal_id, status, note, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), id"
		" FROM goal_progress WHERE citizen_id = ? AND goal_id = ? AND id < ?"
		" ORDER BY id DESC LIMIT ?",
		.cols = GP__MAX},
	[DB_PROPOSAL_INSERT] = {.sql =
		"INSERT INTO proposals (plan_id, citizen_id, kind, goal_id, title,"
		" description, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"},
	[DB_PROPOSAL_GET] = {.sql =
		"SELECT p.id, p.kind, p.goal_id, p.title, p.description, p.reason, p.status,"
		" DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" DATE_FORMAT(p.closed_at, '%Y-%m-%dT%H:%i:%sZ'), s.name, p.decision_reason"
		" FROM proposals p LEFT JOIN staff s ON s.id = p.decided_by"
		" WHERE p.id = ? AND p.citizen_id = ?",
		.cols = PR__MAX},
	[DB_PROPOSAL_LIST] = {.sql =
		"SELECT p.id, p.kind, p.goal_id, p.title, p.description, p.reason, p.status,"
		" DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" DATE_FORMAT(p.closed_at, '%Y-%m-%dT%H:%i:%sZ'), s.name, p.decision_reason"
		" FROM proposals p LEFT JOIN staff s ON s.id = p.decided_by"
		" WHERE p.citizen_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?",
		.cols = PR__MAX},
	[DB_PROPOSAL_LOCK] = {.sql =
		"SELECT status FROM proposals WHERE id = ? AND citizen_id = ? FOR UPDATE",
		.cols = PK__MAX},
	[DB_PROPOSAL_WITHDRAW] = {.sql =
		"UPDATE proposals SET status = 'withdrawn', closed_at = NOW(6)"
		" WHERE id = ? AND status = 'pending'"},
	/* A staff member is (issuer, sub), both binary: byte for byte. */
	/* Columns as DB_STAFF_LOGIN. */
	[DB_STAFF_BY_SUB] = {.sql = "SELECT id, name, role FROM staff WHERE issuer = ? AND sub = ?",
		.cols = LST__MAX},
	/* admin: sessions, caseloads, audit */
	[DB_SESSION_GET_STAFF] = {.sql =
		"SELECT s.staff_id, s.csrf_hash, s.created_at, s.last_seen, st.name, st.role"
		" FROM sessions s JOIN staff st ON st.id = s.staff_id"
		" WHERE s.id_hash = ? AND s.kind = 'staff' AND s.ended_at IS NULL AND st.active",
		.cols = SS__MAX},
	[DB_STAFF_LOGIN] = {.sql =
		"SELECT id, name, role FROM staff WHERE issuer = ? AND sub = ? AND active",
		.cols = LST__MAX},
	[DB_CASELOAD_CITIZEN] = {.sql =
		"SELECT c.id, c.plan_id, c.name, p.frozen, c.course_outcome IS NOT NULL"
		" FROM citizens c JOIN plans p ON p.id = c.plan_id"
		" WHERE c.id = ? AND (c.caseworker_id = ? OR c.contact_id = ?) AND c.purged_at IS NULL",
		.cols = CC__MAX},
	[DB_CASELOAD_LIST] = {.sql =
		CASELOAD_LIST_SELECT
		" WHERE (c.caseworker_id = ? OR c.contact_id = ?) AND c.purged_at IS NULL"
		" AND (c.name > ? OR (c.name = ? AND c.id > ?)) ORDER BY c.name, c.id LIMIT ?",
		.cols = CL__MAX},
	/* A leader sees every citizen (migration 010). */
	[DB_CASELOAD_CITIZEN_ANY] = {.sql =
		"SELECT c.id, c.plan_id, c.name, p.frozen, c.course_outcome IS NOT NULL"
		" FROM citizens c JOIN plans p ON p.id = c.plan_id WHERE c.id = ? AND c.purged_at IS NULL",
		.cols = CC__MAX},
	[DB_CASELOAD_LIST_ALL] = {.sql =
		CASELOAD_LIST_SELECT
		" WHERE c.purged_at IS NULL AND (c.name > ? OR (c.name = ? AND c.id > ?))"
		" ORDER BY c.name, c.id LIMIT ?",
		.cols = CL__MAX},
	[DB_AUDIT_HEAD_LOCK] = {.sql = "SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
		.cols = AHL__MAX},
	[DB_AUDIT_INSERT] = {.sql =
		"INSERT INTO audit_log (at, actor_kind, actor_staff_id, actor_name, actor_role,"
		" citizen_id, action, object, request_id, prev_hash, row_hash, hash_version,"
		" personal_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?)"},
	[DB_AUDIT_HEAD_SET] = {.sql = "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1"},
	[DB_AUDIT_HEAD_GET] = {.sql = "SELECT last_id, last_hash FROM audit_head WHERE id = 1",
		.cols = AH__MAX},
	[DB_AUDIT_LIST] = {.sql =
		"SELECT DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), actor_staff_id, actor_name, actor_role,"
		" action, object, id FROM audit_log WHERE citizen_id = ? AND id < ?"
		" ORDER BY id DESC LIMIT ?",
		.cols = AL__MAX},
	[DB_AUDIT_SCAN] = {.sql =
		"SELECT id, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), actor_kind, actor_staff_id,"
		" actor_name, actor_role, citizen_id, action, object, request_id, prev_hash, row_hash,"
		" hash_version, personal_digest, redacted_at IS NOT NULL"
		" FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000",
		.cols = AS__MAX},
	/* A version 1 row sealed again as version 2 (kaptajn migrate). */
	[DB_AUDIT_RESEAL] = {.sql =
		"UPDATE audit_log SET prev_hash = ?, row_hash = ?, hash_version = 2, personal_digest = ?"
		" WHERE id = ? AND hash_version = 1"},
	[DB_AUDIT_RELINK] = {.sql =
		"UPDATE audit_log SET prev_hash = ?, row_hash = ? WHERE id = ? AND hash_version = 2"},
	[DB_AUDIT_V1_COUNT] = {.sql = "SELECT COUNT(*) FROM audit_log WHERE hash_version = 1",
		.cols = CNT__MAX},
	/* The personal fields of a citizen's rows go; the digest that the row
	 * hash covers stays (purge). */
	[DB_AUDIT_REDACT] = {.sql =
		"UPDATE audit_log SET actor_name = '', object = '', redacted_at = NOW(6)"
		" WHERE citizen_id = ? AND hash_version = 2 AND redacted_at IS NULL"},
	/* purge: what the retention period lets go (core/purge.c). ? = as of,
	 * years, as of, years, a citizen (0: any), the same citizen. */
	[DB_PURGE_DUE] = {.sql =
		"SELECT c.id, c.plan_id, c.course_outcome, DATE_FORMAT(c.course_ended_at, '%Y-%m-%d'),"
		" (SELECT COUNT(*) FROM citizens o WHERE o.plan_id = c.plan_id AND o.id <> c.id"
		"   AND o.purged_at IS NULL AND (o.course_ended_at IS NULL"
		"   OR o.course_ended_at >= DATE_SUB(?, INTERVAL ? YEAR))),"
		" (SELECT COUNT(*) FROM proposals p WHERE p.citizen_id = c.id),"
		" (SELECT COUNT(*) FROM meetings m WHERE m.citizen_id = c.id),"
		" (SELECT COUNT(*) FROM dreams d WHERE d.plan_id = c.plan_id),"
		" (SELECT COUNT(*) FROM goals g WHERE g.plan_id = c.plan_id),"
		" (SELECT COUNT(*) FROM consents k WHERE k.citizen_id = c.id),"
		" (SELECT COUNT(*) FROM audit_log a WHERE a.citizen_id = c.id AND a.hash_version = 2"
		"   AND a.redacted_at IS NULL),"
		" (SELECT COUNT(*) FROM audit_log a WHERE a.citizen_id = c.id AND a.hash_version = 1)"
		" FROM citizens c WHERE c.purged_at IS NULL AND c.course_ended_at IS NOT NULL"
		" AND c.course_ended_at < DATE_SUB(?, INTERVAL ? YEAR) AND (? = 0 OR c.id = ?)"
		" ORDER BY c.id",
		.cols = PG__MAX},
	/* Why one citizen is not due: ? = years, the citizen. */
	[DB_PURGE_STATE] = {.sql =
		"SELECT course_ended_at IS NULL, purged_at IS NOT NULL,"
		" DATE_FORMAT(DATE_ADD(course_ended_at, INTERVAL ? YEAR), '%Y-%m-%d')"
		" FROM citizens WHERE id = ?",
		.cols = PS__MAX},
	/* The same test as DB_PURGE_DUE, under the row's lock: a course
	 * reopened meanwhile is not purged. ? = citizen, as of, years. */
	[DB_PURGE_LOCK] = {.sql =
		"SELECT plan_id FROM citizens WHERE id = ? AND purged_at IS NULL"
		" AND course_ended_at < DATE_SUB(?, INTERVAL ? YEAR) FOR UPDATE",
		.cols = PU__MAX},
	[DB_PURGE_COMMENTS] = {.sql =
		"DELETE pc FROM proposal_comments pc JOIN proposals p ON p.id = pc.proposal_id"
		" WHERE p.citizen_id = ?"},
	[DB_PURGE_PROPOSALS] = {.sql = "DELETE FROM proposals WHERE citizen_id = ?"},
	[DB_PURGE_MEETING_POINTS] = {.sql = "DELETE FROM meeting_points WHERE citizen_id = ?"},
	[DB_PURGE_MEETING_RESPONSES] = {.sql = "DELETE FROM meeting_responses WHERE citizen_id = ?"},
	[DB_PURGE_MEETINGS] = {.sql = "DELETE FROM meetings WHERE citizen_id = ?"},
	/* The thread is the citizen's: the staff's messages in it go too. */
	[DB_PURGE_MESSAGES] = {.sql = "DELETE FROM messages WHERE citizen_id = ?"},
	[DB_PURGE_CONSENTS] = {.sql = "DELETE FROM consents WHERE citizen_id = ?"},
	[DB_PURGE_ACCEPTANCES] = {.sql = "DELETE FROM plan_acceptances WHERE citizen_id = ?"},
	[DB_PURGE_ANSWERS] = {.sql = "DELETE FROM plan_answers WHERE citizen_id = ?"},
	[DB_PURGE_SESSIONS] = {.sql = "DELETE FROM sessions WHERE citizen_id = ?"},
	/* The changes that quote the citizen's own dreams: before those go. */
	[DB_PURGE_OWN_DREAM_CHANGES] = {.sql =
		"DELETE x FROM plan_changes x JOIN dreams d ON d.id = x.subject_id"
		" WHERE x.plan_id = ? AND x.subject = 'dream' AND d.citizen_id = ?"},
	[DB_PURGE_OWN_DREAMS] = {.sql = "DELETE FROM dreams WHERE plan_id = ? AND citizen_id = ?",
		.fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}},
	[DB_PURGE_DREAMS] = {.sql = "DELETE FROM dreams WHERE plan_id = ?",
		.fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}},
	/* Subgoals before their goals. */
	[DB_PURGE_GOALS] = {.sql =
		"DELETE FROM goals WHERE plan_id = ? ORDER BY parent_id IS NULL, id DESC",
		.fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}},
	/* A household's children, once nobody's course on its plan runs: after
	 * the goals that name them. */
	[DB_PURGE_CHILDREN] = {.sql =
		"DELETE ch FROM children ch JOIN plans p ON p.household_id = ch.household_id"
		" WHERE p.id = ?"},
	[DB_PURGE_HISTORY] = {.sql = "DELETE FROM plan_history WHERE plan_id = ?"},
	[DB_PURGE_CHANGES] = {.sql = "DELETE FROM plan_changes WHERE plan_id = ?"},
	[DB_PURGE_HISTORY_ACTOR] = {.sql =
		"UPDATE plan_history SET actor_citizen_id = NULL WHERE plan_id = ? AND actor_citizen_id = ?"},
	[DB_PURGE_DOCS] = {.sql = "DELETE FROM plan_docs WHERE plan_id = ?"},
	/* The row stays as a tombstone: its id, how and when the course ended. */
	[DB_PURGE_TOMBSTONE] = {.sql =
		"UPDATE citizens SET name = '', cpr_sealed = NULL, cpr_lookup = NULL, cpr_key_id = NULL,"
		" contact_id = NULL, purged_at = NOW(6), rev = rev + 1 WHERE id = ?",
		.fact = {DB_MARK_CITIZEN, 0, DB_MARK_CITIZEN, 0}},
	[DB_PURGE_PROGRESS] = {.sql = "DELETE FROM goal_progress WHERE citizen_id = ?",
		.fact = {DB_MARK_CITIZEN, 0, DB_MARK_NONE, 0}},
	[DB_CITIZEN_CPR] = {.sql =
		"SELECT cpr_sealed, caseworker_id, cpr_key_id FROM citizens WHERE id = ?",
		.cols = CPR__MAX},
	[DB_CITIZEN_CONSENT] = {.sql =
		"SELECT k.action, DATE_FORMAT(k.at, '%Y-%m-%dT%H:%i:%sZ'), k.id, k.text_version,"
		" k.paper, s.id, s.name, s.role FROM consents k LEFT JOIN staff s ON s.id = k.recorded_by"
		" WHERE k.citizen_id = ? ORDER BY k.id DESC LIMIT 1",
		.cols = CN__MAX},
	/* Columns as DB_CITIZEN_CONSENT: a page of the facts, newest first. */
	[DB_CONSENT_LIST] = {.sql =
		"SELECT k.action, DATE_FORMAT(k.at, '%Y-%m-%dT%H:%i:%sZ'), k.id, k.text_version,"
		" k.paper, s.id, s.name, s.role FROM consents k LEFT JOIN staff s ON s.id = k.recorded_by"
		" WHERE k.citizen_id = ? AND k.id < ? ORDER BY k.id DESC LIMIT ?",
		.cols = CN__MAX},
	[DB_HISTORY_SINCE] = {.sql =
		"SELECT h.version, DATE_FORMAT(h.at, '%Y-%m-%dT%H:%i:%sZ'),"
		" COALESCE(c.name, s.name, 'Kaptajn'), h.summary"
		" FROM plan_history h LEFT JOIN citizens c ON c.id = h.actor_citizen_id"
		" LEFT JOIN staff s ON s.id = h.actor_staff_id"
		" WHERE h.plan_id = ? AND h.version > ? ORDER BY h.version",
		.cols = HS__MAX},
	[DB_HOUSEHOLD_MEMBERS] = {.sql =
		"SELECT id, name FROM citizens WHERE plan_id = ? AND id <> ? ORDER BY id",
		.cols = HM__MAX},
	/* admin: households and their children. A household's plan is new in
	 * the transaction that forms it (or a member's, in the one that moves
	 * the member out): nobody has read it, so what moves into it raises
	 * nothing there; the plan it leaves is marked and raised. */
	[DB_HOUSEHOLD_CITIZEN_LOCK] = {.sql =
		"SELECT caseworker_id, household_id, plan_id, name FROM citizens"
		" WHERE id = ? AND purged_at IS NULL FOR UPDATE",
		.cols = HL__MAX},
	[DB_HOUSEHOLD_INSERT] = {.sql = "INSERT INTO households (name) VALUES (?)"},
	[DB_HOUSEHOLD_PLAN_INSERT] = {.sql = "INSERT INTO plans (household_id, version) VALUES (?, 1)"},
	/* ? = the new plan, the plan left. */
	[DB_HOUSEHOLD_MOVE_DREAMS] = {.sql = "UPDATE dreams SET plan_id = ? WHERE plan_id = ?",
		.fact = {DB_MARK_PLAN, 1, DB_MARK_NONE, 0}},
	[DB_HOUSEHOLD_MOVE_GOALS] = {.sql = "UPDATE goals SET plan_id = ? WHERE plan_id = ?",
		.fact = {DB_MARK_PLAN, 1, DB_MARK_NONE, 0}},
	/* A citizen's own records follow the citizen; no plan answer shows
	 * them. ? = the new plan, the plan left, the citizen. */
	[DB_HOUSEHOLD_MOVE_PROPOSALS] = {.sql =
		"UPDATE proposals SET plan_id = ? WHERE plan_id = ? AND citizen_id = ?"},
	[DB_HOUSEHOLD_MOVE_MEETINGS] = {.sql =
		"UPDATE meetings SET plan_id = ? WHERE plan_id = ? AND citizen_id = ?"},
	/* The yes was to a version of the plan left: it does not carry over. */
	[DB_HOUSEHOLD_CITIZEN_SET] = {.sql =
		"UPDATE citizens SET plan_id = ?, household_id = ?, accepted_version = NULL,"
		" accepted_through = NULL, rev = rev + 1 WHERE id = ?",
		.fact = {DB_MARK_CITIZEN, 2, DB_MARK_CITIZEN, 2}},
	[DB_HOUSEHOLD_GET] = {.sql =
		"SELECT h.id, h.name, p.id, p.version FROM households h"
		" JOIN plans p ON p.household_id = h.id WHERE h.id = ?",
		.cols = HG__MAX},
	[DB_HOUSEHOLD_ADULTS] = {.sql =
		"SELECT id, name, caseworker_id, contact_id FROM citizens"
		" WHERE household_id = ? AND purged_at IS NULL ORDER BY id",
		.cols = HA__MAX},
	[DB_HOUSEHOLD_CHILDREN] = {.sql =
		"SELECT id, name, DATE_FORMAT(birth_date, '%Y-%m-%d') FROM children"
		" WHERE household_id = ? ORDER BY birth_date, id",
		.cols = KC__MAX},
	[DB_HOUSEHOLD_PENDING] = {.sql =
		"SELECT COUNT(*) FROM proposals WHERE citizen_id = ? AND status = 'pending'",
		.cols = CNT__MAX},
	/* A member moving out takes a copy of their own live dreams to the new
	 * plan (? = new plan, plan left, citizen); the household's plan hides
	 * them (? = plan left, citizen), its history keeps them. */
	[DB_HOUSEHOLD_DREAMS_COPY] = {.sql =
		"INSERT INTO dreams (plan_id, citizen_id, text, created_at, updated_at)"
		" SELECT ?, citizen_id, text, created_at, updated_at FROM dreams"
		" WHERE plan_id = ? AND citizen_id = ? AND deleted_at IS NULL ORDER BY id"},
	[DB_HOUSEHOLD_DREAMS_HIDE] = {.sql =
		"UPDATE dreams SET deleted_at = NOW(6)"
		" WHERE plan_id = ? AND citizen_id = ? AND deleted_at IS NULL",
		.fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}},
	/* No plan answer shows the children; a goal names one by id. */
	[DB_CHILD_INSERT] = {.sql =
		"INSERT INTO children (household_id, name, birth_date, created_by) VALUES (?, ?, ?, ?)"},
	[DB_CHILD_GET] = {.sql =
		"SELECT id, name, DATE_FORMAT(birth_date, '%Y-%m-%d') FROM children"
		" WHERE id = ? AND household_id = ?",
		.cols = KC__MAX},
	[DB_CHILD_IN_PLAN] = {.sql =
		"SELECT k.id FROM children k JOIN plans p ON p.household_id = k.household_id"
		" WHERE k.id = ? AND p.id = ?",
		.cols = CI__MAX},
	/* Columns as DB_PLAN_GOALS: the goals naming a child, with their
	 * sub-goals. ? = the plan, the child, the child. */
	[DB_CHILD_GOALS] = {.sql =
		"SELECT g.id, g.parent_id, g.title, g.description, g.area, g.status, g.legal_basis,"
		" g.hours_per_week, g.child_related, g.child_id FROM goals g"
		" WHERE g.plan_id = ? AND (g.child_id = ?"
		" OR g.parent_id IN (SELECT n.id FROM goals n WHERE n.child_id = ?)) ORDER BY g.id",
		.cols = GR__MAX},
	[DB_PLAN_HOUSEHOLD] = {.sql = "SELECT household_id FROM plans WHERE id = ?",
		.cols = PHH__MAX},
	/* admin: goals, decisions, comments, contact, consent */
	[DB_LEGAL_BASIS_GET] = {.sql = "SELECT child_related FROM legal_bases WHERE code = ?",
		.cols = LBG__MAX},
	[DB_LEGAL_BASIS_LIST] = {.sql =
		"SELECT code, law, title, child_related FROM legal_bases ORDER BY law, code",
		.cols = LB__MAX},
	[DB_GOAL_LOCK] = {.sql =
		"SELECT parent_id, title, description, area, legal_basis, hours_per_week,"
		" child_related, status, child_id FROM goals WHERE id = ? AND plan_id = ? FOR UPDATE",
		.cols = GL__MAX},
	[DB_GOAL_INSERT] = {.sql =
		"INSERT INTO goals (plan_id, parent_id, title, description, area, legal_basis,"
		" status, hours_per_week, child_related, created_by, child_id)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		.fact = {DB_MARK_PLAN, 0, DB_MARK_NONE, 0}},
	[DB_GOAL_UPDATE] = {.sql =
		"UPDATE goals SET title = ?, description = ?, area = ?, legal_basis = ?,"
		" hours_per_week = ?, child_related = ?, status = ?, child_id = ?, updated_at = NOW(6)"
		" WHERE id = ? AND plan_id = ?",
		.fact = {DB_MARK_PLAN, 9, DB_MARK_NONE, 0}},
	/* Columns as DB_PLAN_GOALS. */
	[DB_GOAL_WITH_SUBGOALS] = {.sql =
		"SELECT id, parent_id, title, description, area, status, legal_basis,"
		" hours_per_week, child_related, child_id FROM goals"
		" WHERE plan_id = ? AND (id = ? OR parent_id = ?) ORDER BY id",
		.cols = GR__MAX},
	[DB_PROPOSAL_CITIZEN] = {.sql = "SELECT citizen_id FROM proposals WHERE id = ?",
		.cols = PZ__MAX},
	[DB_PROPOSAL_LOCK_DECIDE] = {.sql =
		"SELECT status, kind, goal_id, title, description FROM proposals"
		" WHERE id = ? AND citizen_id = ? FOR UPDATE",
		.cols = PX__MAX},
	[DB_PROPOSAL_DECIDE] = {.sql =
		"UPDATE proposals SET status = ?, closed_at = NOW(6), decided_by = ?,"
		" decision_reason = ?, goal_id = COALESCE(goal_id, ?)"
		" WHERE id = ? AND status = 'pending'"},
	[DB_PROPOSAL_SUPERSEDE] = {.sql =
		"UPDATE proposals SET status = 'superseded', superseded_by = ?, closed_at = NOW(6)"
		" WHERE goal_id = ? AND citizen_id = ? AND status = 'pending' AND id <> ?"},
	/* The staff's view of proposals, oldest first; DB_PROPOSAL_STAFF_GET
	 * has the same columns (the last is created_at in full: the position
	 * of a page, and where its comments begin and end), and comments come
	 * with the proposal id first. */
	[DB_PROPOSAL_QUEUE] = {.sql =
		"SELECT p.id, p.citizen_id, c.name, p.kind, p.goal_id, g.title, p.title,"
		" p.description, p.reason, p.status,"
		" DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" DATE_FORMAT(p.closed_at, '%Y-%m-%dT%H:%i:%sZ'), p.decided_by, ds.name, ds.role,"
		" p.decision_reason, p.superseded_by,"
		" DATE_FORMAT(p.created_at, '%Y-%m-%d %H:%i:%s.%f')"
		" FROM proposals p JOIN citizens c ON c.id = p.citizen_id"
		" LEFT JOIN goals g ON g.id = p.goal_id LEFT JOIN staff ds ON ds.id = p.decided_by"
		" WHERE (c.caseworker_id = ? OR c.contact_id = ?) AND p.status = ?"
		" AND (p.created_at > ? OR (p.created_at = ? AND p.id > ?))"
		" ORDER BY p.created_at, p.id LIMIT ?",
		.cols = SP__MAX},
	[DB_PROPOSAL_QUEUE_COMMENTS] = {.sql =
		"SELECT pc.proposal_id, pc.id, st.id, st.name, st.role,"
		" DATE_FORMAT(pc.at, '%Y-%m-%dT%H:%i:%sZ'), pc.text"
		" FROM proposal_comments pc JOIN proposals p ON p.id = pc.proposal_id"
		" JOIN citizens c ON c.id = p.citizen_id JOIN staff st ON st.id = pc.staff_id"
		" WHERE (c.caseworker_id = ? OR c.contact_id = ?) AND p.status = ?"
		" AND (p.created_at > ? OR (p.created_at = ? AND p.id > ?))"
		" AND (p.created_at < ? OR (p.created_at = ? AND p.id <= ?))"
		" ORDER BY pc.proposal_id, pc.id",
		.cols = CM__MAX},
	[DB_PROPOSAL_STAFF_GET] = {.sql =
		"SELECT p.id, p.citizen_id, c.name, p.kind, p.goal_id, g.title, p.title,"
		" p.description, p.reason, p.status,"
		" DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" DATE_FORMAT(p.closed_at, '%Y-%m-%dT%H:%i:%sZ'), p.decided_by, ds.name, ds.role,"
		" p.decision_reason, p.superseded_by,"
		" DATE_FORMAT(p.created_at, '%Y-%m-%d %H:%i:%s.%f')"
		" FROM proposals p JOIN citizens c ON c.id = p.citizen_id"
		" LEFT JOIN goals g ON g.id = p.goal_id LEFT JOIN staff ds ON ds.id = p.decided_by"
		" WHERE p.id = ?",
		.cols = SP__MAX},
	[DB_PROPOSAL_COMMENTS] = {.sql =
		"SELECT pc.proposal_id, pc.id, st.id, st.name, st.role,"
		" DATE_FORMAT(pc.at, '%Y-%m-%dT%H:%i:%sZ'), pc.text"
		" FROM proposal_comments pc JOIN staff st ON st.id = pc.staff_id"
		" WHERE pc.proposal_id = ? ORDER BY pc.id",
		.cols = CM__MAX},
	[DB_COMMENT_INSERT] = {.sql =
		"INSERT INTO proposal_comments (proposal_id, staff_id, text) VALUES (?, ?, ?)"},
	[DB_COMMENT_GET] = {.sql =
		"SELECT pc.proposal_id, pc.id, st.id, st.name, st.role,"
		" DATE_FORMAT(pc.at, '%Y-%m-%dT%H:%i:%sZ'), pc.text"
		" FROM proposal_comments pc JOIN staff st ON st.id = pc.staff_id WHERE pc.id = ?",
		.cols = CM__MAX},
	[DB_STAFF_GET] = {.sql = "SELECT id, name, role, title, phone, email, active FROM staff WHERE id = ?",
		.cols = ST__MAX},
	/* The second parameter is 1 to list inactive members too. */
	[DB_STAFF_LIST] = {.sql =
		"SELECT id, name, role, title, issuer, sub, phone, email, active, hours FROM staff"
		" WHERE (active OR ?) AND (? IS NULL OR role = ?) ORDER BY name, id",
		.cols = SL__MAX},
	[DB_STAFF_LOCK] = {.sql =
		"SELECT id, name, role, title, issuer, sub, phone, email, active, hours FROM staff"
		" WHERE id = ? FOR UPDATE",
		.cols = SL__MAX},
	/* Locks the active leaders, so that two changes cannot each remove
	 * one of the last two. */
	[DB_STAFF_LEADERS_LOCK] = {.sql =
		"SELECT id FROM staff WHERE role = 'leader' AND active ORDER BY id FOR UPDATE",
		.cols = SLD__MAX},
	[DB_STAFF_INSERT] = {.sql =
		"INSERT INTO staff (issuer, sub, name, role, title, phone, email, active, hours)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"},
	/* A contact person's name, title, phone and e-mail are in their
	 * citizens' plan answers: the caller raises each such citizen's rev
	 * (DB_STAFF_CITIZENS_REV) in the same transaction. */
	[DB_STAFF_UPDATE] = {.sql =
		"UPDATE staff SET issuer = ?, sub = ?, name = ?, role = ?, title = ?, phone = ?,"
		" email = ?, active = ?, hours = ? WHERE id = ?"},
	/* Raises the rev of every citizen whose contact person staff ? is:
	 * their plan answers show that person. */
	[DB_STAFF_CITIZENS_REV] = {.sql = "UPDATE citizens SET rev = rev + 1 WHERE contact_id = ?"},
	[DB_SESSION_END_STAFF] = {.sql =
		"UPDATE sessions SET ended_at = ? WHERE staff_id = ? AND ended_at IS NULL"},
	[DB_CITIZEN_CASEWORKER_LOCK] = {.sql =
		"SELECT caseworker_id FROM citizens WHERE id = ? FOR UPDATE",
		.cols = CWL__MAX},
	/* The coordinating caseworker is in no plan answer. */
	[DB_CITIZEN_CASEWORKER_SET] = {.sql =
		"UPDATE citizens SET caseworker_id = ? WHERE id = ?"},
	[DB_CITIZEN_CONTACT_SET] = {.sql =
		"UPDATE citizens SET contact_id = ?, rev = rev + 1 WHERE id = ? AND NOT contact_id <=> ?",
		.fact = {DB_MARK_CITIZEN, 1, DB_MARK_CITIZEN, 1}},
	[DB_CONSENT_INSERT] = {.sql =
		"INSERT INTO consents (citizen_id, plan_id, action, recorded_by, request_id,"
		" text_version, paper) VALUES (?, ?, ?, ?, ?, ?, ?)"},
	/* The newest fact, kept with the citizen (the session query reads it),
	 * in the transaction that wrote the fact (k.id). */
	[DB_CITIZEN_CONSENT_LOCK] = {.sql = "SELECT consent FROM citizens WHERE id = ? FOR UPDATE",
		.cols = CK__MAX},
	[DB_CITIZEN_CONSENT_SET] = {.sql =
		"UPDATE citizens c JOIN consents k ON k.id = ? AND k.citizen_id = c.id"
		" SET c.consent = k.action, c.consent_at = k.at, c.rev = c.rev + 1 WHERE c.id = ?",
		.fact = {DB_MARK_CITIZEN, 1, DB_MARK_CITIZEN, 1}},
	/* Whether any member of the plan has withdrawn. It changes what every
	 * member's plan answer shows ("frozen"), which names no one citizen:
	 * consent.c raises each member's rev (DB_CITIZEN_REV_BUMP) with it. */
	[DB_PLAN_FROZEN_SET] = {.sql =
		"UPDATE plans SET frozen = EXISTS (SELECT 1 FROM citizens c"
		" WHERE c.plan_id = ? AND c.consent = 'withdrawn') WHERE id = ?"},
	[DB_CITIZEN_REV_BUMP] = {.sql = "UPDATE citizens SET rev = rev + 1 WHERE id = ?",
		.fact = {DB_MARK_NONE, 0, DB_MARK_CITIZEN, 0}},
	/* admin: meetings, follow-ups, course end, reports */
	/* The meeting statements that return a meeting share MEETING_SELECT. */
	[DB_MEETING_INSERT] = {.sql =
		"INSERT INTO meetings (plan_id, citizen_id, kind, starts_at, place, agenda,"
		" participants, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"},
	[DB_MEETING_GET] = {.sql = MEETING_SELECT " WHERE m.id = ?", .cols = MT__MAX},
	[DB_MEETING_LOCK] = {.sql =
		"SELECT held_at FROM meetings WHERE id = ? AND citizen_id = ? FOR UPDATE",
		.cols = ML__MAX},
	[DB_MEETING_HELD] = {.sql = "UPDATE meetings SET held_at = ? WHERE id = ? AND held_at IS NULL"},
	[DB_MEETING_LIST] = {.sql =
		MEETING_SELECT " WHERE m.citizen_id = ? ORDER BY m.starts_at DESC, m.id DESC LIMIT 1000",
		.cols = MT__MAX},
	[DB_MEETING_FOLLOW_UPS] = {.sql =
		"SELECT COALESCE(SUM(starts_at <= ?), 0), COALESCE(SUM(held_at IS NOT NULL), 0),"
		" COALESCE(SUM(starts_at <= ? AND held_at IS NULL), 0)"
		" FROM meetings WHERE citizen_id = ? AND kind = 'follow_up'",
		.cols = FU__MAX},
	[DB_MEETING_UPCOMING] = {.sql =
		MEETING_SELECT " WHERE m.citizen_id = ? AND m.held_at IS NULL AND m.starts_at >= ?"
		" ORDER BY m.starts_at, m.id LIMIT 1000",
		.cols = MT__MAX},
	/* Held, or begun before ? = now: the past ones, newest first. */
	[DB_MEETING_PAST] = {.sql =
		MEETING_SELECT " WHERE m.citizen_id = ? AND (m.held_at IS NOT NULL OR m.starts_at < ?)"
		" ORDER BY m.starts_at DESC, m.id DESC LIMIT 1000",
		.cols = MT__MAX},
	/* ? = now, the meeting; locks it for a point, an answer or minutes. */
	[DB_MEETING_STATE] = {.sql =
		"SELECT m.citizen_id, m.held_at IS NOT NULL, m.starts_at < ?,"
		" (SELECT COUNT(*) FROM meeting_points p WHERE p.meeting_id = m.id)"
		" FROM meetings m WHERE m.id = ? FOR UPDATE",
		.cols = MS__MAX},
	/* ? = the citizen, then a meeting twice (0: all of the citizen's). */
	[DB_MEETING_POINTS] = {.sql =
		"SELECT p.id, p.meeting_id, p.text, DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" p.staff_id IS NOT NULL, COALESCE(s.name, c.name)"
		" FROM meeting_points p JOIN citizens c ON c.id = p.citizen_id"
		" LEFT JOIN staff s ON s.id = p.staff_id"
		" WHERE p.citizen_id = ? AND (? = 0 OR p.meeting_id = ?)"
		" ORDER BY p.meeting_id, p.id LIMIT 100000",
		.cols = MP__MAX},
	[DB_MEETING_POINT_INSERT] = {.sql =
		"INSERT INTO meeting_points (meeting_id, citizen_id, staff_id, text, created_at)"
		" VALUES (?, ?, ?, ?, ?)"},
	/* One answer per meeting: the latest counts. */
	[DB_MEETING_RESPONSE_SET] = {.sql =
		"INSERT INTO meeting_responses (meeting_id, citizen_id, answer, comment, answered_at)"
		" VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE answer = VALUES(answer),"
		" comment = VALUES(comment), answered_at = VALUES(answered_at)"},
	[DB_MEETING_MINUTES] = {.sql =
		"UPDATE meetings SET minutes = ?, minutes_at = ?, minutes_by = ? WHERE id = ?"},
	/* ? = now, a period in days (for "ended within it"), the citizen. */
	[DB_COURSE_LOCK] = {.sql =
		"SELECT caseworker_id, course_outcome,"
		" DATE_FORMAT(course_ended_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" course_ended_at >= DATE_SUB(?, INTERVAL ? DAY), purged_at IS NOT NULL"
		" FROM citizens WHERE id = ? FOR UPDATE",
		.cols = CO__MAX},
	/* The citizen's part of the plan answer says whether the course ran. */
	[DB_COURSE_END] = {.sql =
		"UPDATE citizens SET course_outcome = ?, course_ended_at = ?, course_ended_by = ?,"
		" rev = rev + 1 WHERE id = ? AND course_outcome IS NULL",
		.fact = {DB_MARK_CITIZEN, 3, DB_MARK_CITIZEN, 3}},
	/* ? = a period in days, now, the citizen. */
	[DB_COURSE_STATE] = {.sql =
		"SELECT course_outcome, DATE_FORMAT(course_ended_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" DATE_FORMAT(course_ended_at + INTERVAL ? DAY, '%Y-%m-%dT%H:%i:%sZ'),"
		" course_ended_at + INTERVAL ? DAY >= ? FROM citizens WHERE id = ?",
		.cols = CS__MAX},
	[DB_COURSE_REOPEN] = {.sql =
		"UPDATE citizens SET course_outcome = NULL, course_ended_at = NULL,"
		" course_ended_by = NULL, rev = rev + 1 WHERE id = ? AND course_outcome IS NOT NULL"
		" AND purged_at IS NULL",
		.fact = {DB_MARK_CITIZEN, 0, DB_MARK_CITIZEN, 0}},
	/* A new citizen and a new plan are written whole in the transaction
	 * that makes them: nobody has read either, so these statements raise
	 * nothing. Joining a household's plan changes none of its dreams and
	 * goals, nor what its members' answers show. */
	/* ?: the number's look-up hash under each configured key. */
	[DB_ENROL_OPEN_COURSE] = {.sql =
		"SELECT id FROM citizens WHERE cpr_open IN (?, ?, ?, ?) ORDER BY id LIMIT 1",
		.cols = EO__MAX},
	/* A household some member of which is in the staff member's caseload. */
	[DB_ENROL_HOUSEHOLD_PLAN] = {.sql =
		"SELECT p.id, p.version FROM plans p WHERE p.household_id = ? AND EXISTS (SELECT 1 FROM citizens c"
		" WHERE c.household_id = p.household_id AND (c.caseworker_id = ? OR c.contact_id = ?))",
		.cols = EH__MAX},
	[DB_ENROL_PLAN_INSERT] = {.sql = "INSERT INTO plans (household_id, version) VALUES (NULL, 1)"},
	/* A second open course under the number is a duplicate of cpr_open. */
	[DB_ENROL_CITIZEN_INSERT] = {.sql =
		"INSERT INTO citizens (plan_id, household_id, name, cpr_lookup, caseworker_id, contact_id)"
		" VALUES (?, ?, ?, ?, ?, ?)"},
	/* Sealed with the row's id bound, so it follows the insert. */
	[DB_ENROL_CITIZEN_SEAL] = {.sql =
		"UPDATE citizens SET cpr_sealed = ?, cpr_key_id = ? WHERE id = ? AND cpr_sealed IS NULL"},
	/* Not in any plan answer (the caseload shows it): raises nothing. */
	[DB_CITIZEN_FIRST_LOGIN] = {.sql =
		"UPDATE citizens SET first_login_at = ? WHERE id = ? AND first_login_at IS NULL"},
	/* The report's queries group by the citizen's caseworker (NULL: none);
	 * report.c adds the groups up for the total. */
	[DB_REPORT_CASEWORKERS] = {.sql =
		"SELECT s.id, s.name FROM staff s WHERE s.role = 'caseworker' AND (s.active"
		" OR EXISTS (SELECT 1 FROM citizens c WHERE c.caseworker_id = s.id))"
		" ORDER BY s.name, s.id",
		.cols = RW__MAX},
	[DB_REPORT_CITIZENS] = {.sql =
		"SELECT caseworker_id, SUM(course_outcome IS NULL), SUM(course_outcome = 'job'),"
		" SUM(course_outcome = 'education'), SUM(course_outcome = 'early_pension'),"
		" SUM(course_outcome = 'other'), SUM(course_outcome = 'moved_away'),"
		" SUM(course_outcome = 'consent_withdrawn') FROM citizens GROUP BY caseworker_id",
		.cols = RC__MAX},
	[DB_REPORT_PENDING] = {.sql =
		"SELECT c.caseworker_id, COUNT(*) FROM proposals p JOIN citizens c ON c.id = p.citizen_id"
		" WHERE p.status = 'pending' GROUP BY c.caseworker_id",
		.cols = RP__MAX},
	/* One row per decided proposal: the median is taken in C. */
	[DB_REPORT_DECISIONS] = {.sql =
		"SELECT c.caseworker_id, TIMESTAMPDIFF(SECOND, p.created_at, p.closed_at) AS secs"
		" FROM proposals p JOIN citizens c ON c.id = p.citizen_id"
		" WHERE p.status IN ('approved', 'rejected') AND p.closed_at IS NOT NULL"
		" ORDER BY c.caseworker_id, secs",
		.cols = RD__MAX},
	[DB_REPORT_CONTACTS] = {.sql =
		"SELECT c.contact_id, s.name, c.caseworker_id, COUNT(*)"
		" FROM citizens c JOIN staff s ON s.id = c.contact_id WHERE c.course_outcome IS NULL"
		" GROUP BY c.contact_id, s.name, c.caseworker_id"
		" ORDER BY s.name, c.contact_id, c.caseworker_id",
		.cols = RT__MAX},
	/* Distinct staff per citizen: caseworker, contact, who decided or
	 * commented on their proposals, who created their plan's goals. */
	[DB_REPORT_STAFF] = {.sql =
		"SELECT c.caseworker_id, COUNT(*), SUM(n.staff), MAX(n.staff)"
		" FROM citizens c JOIN ("
		"  SELECT x.citizen_id, COUNT(DISTINCT x.staff_id) AS staff FROM ("
		"   SELECT id AS citizen_id, caseworker_id AS staff_id FROM citizens"
		"   UNION ALL SELECT id, contact_id FROM citizens"
		"   UNION ALL SELECT citizen_id, decided_by FROM proposals"
		"   UNION ALL SELECT p.citizen_id, pc.staff_id FROM proposal_comments pc"
		"    JOIN proposals p ON p.id = pc.proposal_id"
		"   UNION ALL SELECT gc.id, g.created_by FROM goals g"
		"    JOIN citizens gc ON gc.plan_id = g.plan_id"
		"  ) x GROUP BY x.citizen_id"
		" ) n ON n.citizen_id = c.id GROUP BY c.caseworker_id",
		.cols = RS__MAX},
	/* notifications (core/outbox.c). Times are the database's UTC clock,
	 * one clock for every host's sender. ? = kind, ref_id, waiting (the
	 * kind when it is coalesced, else NULL), the citizen: one row per
	 * channel the citizen has turned on; a second waiting row of the
	 * same kind is not made (outbox_waiting). */
	[DB_OUTBOX_ADD] = {.sql = OUTBOX_ADD_SELECT
		" WHERE s.citizen_id = ? ON DUPLICATE KEY UPDATE outbox.id = outbox.id"},
	/* The same for every citizen of the plan ? (a household's members). */
	[DB_OUTBOX_ADD_PLAN] = {.sql = OUTBOX_ADD_SELECT
		" JOIN citizens c ON c.id = s.citizen_id"
		" WHERE c.plan_id = ? ON DUPLICATE KEY UPDATE outbox.id = outbox.id"},
	/* ? = the claim, the lease in seconds: one due row, taken by one
	 * statement, so two senders never take the same row. */
	[DB_OUTBOX_CLAIM] = {.sql =
		"UPDATE outbox SET status = 'sending', claim = ?,"
		" lease_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND, attempts = attempts + 1,"
		" waiting = NULL WHERE status = 'pending' AND next_at <= UTC_TIMESTAMP(3)"
		" ORDER BY next_at, id LIMIT 1"},
	[DB_OUTBOX_CLAIMED] = {.sql =
		"SELECT o.id, o.channel, o.attempts,"
		" TIMESTAMPDIFF(SECOND, o.created_at, UTC_TIMESTAMP(3)),"
		" s.email, COALESCE(s.email_on, 0), s.sms, COALESCE(s.sms_on, 0)"
		" FROM outbox o LEFT JOIN notification_settings s ON s.citizen_id = o.citizen_id"
		" WHERE o.claim = ? AND o.status = 'sending'",
		.cols = OC__MAX},
	/* ? = the new status, 1 when it is pending again (else 0), seconds
	 * until next_at, id, claim. */
	[DB_OUTBOX_FINISH] = {.sql =
		"UPDATE outbox SET status = ?, claim = NULL, lease_until = NULL,"
		" done_at = IF(? = 1, NULL, UTC_TIMESTAMP(3)),"
		" next_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
		" WHERE id = ? AND claim = ? AND status = 'sending'"},
	/* A claim whose lease ran out: its sender died or hung mid-delivery,
	 * so whether it went is not known, and it is never sent again. */
	[DB_OUTBOX_EXPIRE] = {.sql =
		"UPDATE outbox SET status = 'unknown', claim = NULL, done_at = UTC_TIMESTAMP(3)"
		" WHERE status = 'sending' AND lease_until < UTC_TIMESTAMP(3)"},
	[DB_OUTBOX_COUNTS] = {.sql =
		"SELECT COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'sending'), 0),"
		" COALESCE(SUM(status = 'sent'), 0), COALESCE(SUM(status = 'unknown'), 0),"
		" COALESCE(SUM(status = 'failed'), 0), COALESCE(SUM(status = 'held'), 0)"
		" FROM outbox",
		.cols = OX__MAX},
	/* Rows done for ? days go, a bounded number at a time. */
	[DB_OUTBOX_CLEANUP] = {.sql =
		"DELETE FROM outbox WHERE status IN ('sent', 'unknown', 'failed', 'held')"
		" AND done_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY LIMIT " SQL_NUM(DB_PURGE_LIMIT)},
	/* Meetings not held that start within a day and were planned more
	 * than a day before (a later one had its own notice), whose notice
	 * for this start is not queued yet; read without locks
	 * (meetings_reminder), each then taken by DB_OUTBOX_MEETING_REMIND. */
	[DB_OUTBOX_MEETINGS_DUE] = {.sql =
		"SELECT id, citizen_id FROM meetings WHERE held_at IS NULL"
		" AND starts_at > UTC_TIMESTAMP() AND starts_at <= UTC_TIMESTAMP() + INTERVAL 1 DAY"
		" AND created_at < starts_at - INTERVAL 1 DAY"
		" AND (reminded_for IS NULL OR reminded_for <> starts_at) ORDER BY starts_at LIMIT 100",
		.cols = OM__MAX},
	/* 1 row: this sender queues the notice; 0: another did first. */
	[DB_OUTBOX_MEETING_REMIND] = {.sql =
		"UPDATE meetings SET reminded_for = starts_at WHERE id = ? AND held_at IS NULL"
		" AND (reminded_for IS NULL OR reminded_for <> starts_at)"},
	[DB_NOTIFY_GET] = {.sql =
		"SELECT email, email_on, sms, sms_on FROM notification_settings WHERE citizen_id = ?",
		.cols = NS__MAX},
	/* ? = citizen, email, email_on, sms, sms_on. */
	[DB_NOTIFY_SET] = {.sql =
		"INSERT INTO notification_settings (citizen_id, email, email_on, sms, sms_on)"
		" VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE email = VALUES(email),"
		" email_on = VALUES(email_on), sms = VALUES(sms), sms_on = VALUES(sms_on),"
		" updated_at = NOW(6)"},
	[DB_PURGE_OUTBOX] = {.sql = "DELETE FROM outbox WHERE citizen_id = ?"},
	[DB_PURGE_NOTIFY] = {.sql = "DELETE FROM notification_settings WHERE citizen_id = ?"},
	/* messages (core/message.c): no plan answer shows them. A message's
	 * writer is the citizen (staff columns NULL) or a staff member. */
	[DB_MESSAGE_INSERT] = {.sql =
		"INSERT INTO messages (citizen_id, author_kind, author_staff_id, text, client_key)"
		" VALUES (?, ?, ?, ?, ?)"},
	[DB_MESSAGE_GET] = {.sql =
		MESSAGE_SELECT " WHERE m.id = ?",
		.cols = MSG__MAX},
	/* A retried message: ? = the citizen, the writer's key. */
	[DB_MESSAGE_BY_KEY] = {.sql =
		MESSAGE_SELECT " WHERE m.citizen_id = ? AND m.client_key = ?",
		.cols = MSG__MAX},
	[DB_MESSAGE_LIST] = {.sql =
		MESSAGE_SELECT " WHERE m.citizen_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?",
		.cols = MSG__MAX},
	/* The citizen read the staff's messages of a page: ? = at, the
	 * citizen, the page's lowest and highest id. */
	[DB_MESSAGE_READ_CITIZEN] = {.sql =
		"UPDATE messages SET read_at = ? WHERE citizen_id = ? AND author_kind = 'staff'"
		" AND read_at IS NULL AND id BETWEEN ? AND ?"},
	/* The citizen's caseworker or contact person (? twice: the reader;
	 * anyone else, a leader looking, leaves them unread) read the
	 * citizen's messages of a page: ? = at, the citizen, reader, reader,
	 * the page's lowest and highest id. */
	[DB_MESSAGE_READ_STAFF] = {.sql =
		"UPDATE messages m JOIN citizens c ON c.id = m.citizen_id SET m.read_at = ?"
		" WHERE m.citizen_id = ? AND (c.caseworker_id = ? OR c.contact_id = ?)"
		" AND m.author_kind = 'citizen' AND m.read_at IS NULL AND m.id BETWEEN ? AND ?"},
	/* ? = the citizen, whose messages ('citizen' or 'staff'). */
	[DB_MESSAGE_UNREAD] = {.sql =
		"SELECT COUNT(*) FROM messages WHERE citizen_id = ? AND author_kind = ?"
		" AND read_at IS NULL",
		.cols = CNT__MAX},
	/* Tables, views, routines and events of the connection's database:
	 * a restore goes only into a database that has none. */
	[DB_BACKUP_OBJECTS] = {.sql =
		"SELECT (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE())"
		" + (SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = DATABASE())"
		" + (SELECT COUNT(*) FROM information_schema.events WHERE event_schema = DATABASE())",
		.cols = CNT__MAX},
	/* The rows of one main table each: a restore counts those its
	 * manifest lists. */
	[DB_BACKUP_COUNT_STAFF] = BACKUP_COUNT(staff),
	[DB_BACKUP_COUNT_HOUSEHOLDS] = BACKUP_COUNT(households),
	[DB_BACKUP_COUNT_PLANS] = BACKUP_COUNT(plans),
	[DB_BACKUP_COUNT_PLAN_HISTORY] = BACKUP_COUNT(plan_history),
	[DB_BACKUP_COUNT_CITIZENS] = BACKUP_COUNT(citizens),
	[DB_BACKUP_COUNT_CHILDREN] = BACKUP_COUNT(children),
	[DB_BACKUP_COUNT_DREAMS] = BACKUP_COUNT(dreams),
	[DB_BACKUP_COUNT_GOALS] = BACKUP_COUNT(goals),
	[DB_BACKUP_COUNT_PROPOSALS] = BACKUP_COUNT(proposals),
	[DB_BACKUP_COUNT_PROPOSAL_COMMENTS] = BACKUP_COUNT(proposal_comments),
	[DB_BACKUP_COUNT_PLAN_ACCEPTANCES] = BACKUP_COUNT(plan_acceptances),
	[DB_BACKUP_COUNT_PLAN_ANSWERS] = BACKUP_COUNT(plan_answers),
	[DB_BACKUP_COUNT_PLAN_CHANGES] = BACKUP_COUNT(plan_changes),
	[DB_BACKUP_COUNT_CONSENTS] = BACKUP_COUNT(consents),
	[DB_BACKUP_COUNT_MEETINGS] = BACKUP_COUNT(meetings),
	[DB_BACKUP_COUNT_GOAL_PROGRESS] = BACKUP_COUNT(goal_progress),
	[DB_BACKUP_COUNT_AUDIT_LOG] = BACKUP_COUNT(audit_log),
	[DB_BACKUP_COUNT_MESSAGES] = BACKUP_COUNT(messages),
	/* kaptajn reseal (core/reseal.c): rows sealed under a key not the
	 * current one (?, then the last id done), a batch at a time. */
	[DB_RESEAL_DUE] = {.sql =
		"SELECT id, cpr_sealed, cpr_key_id FROM citizens WHERE cpr_sealed IS NOT NULL"
		" AND (cpr_key_id IS NULL OR cpr_key_id <> ?) AND id > ? ORDER BY id LIMIT "
		SQL_NUM(DB_RESEAL_BATCH),
		.cols = RS_DUE__MAX},
	/* One row, sealed again, only if nobody did it since it was read:
	 * the same sealed bytes under the same key id. Not in any answer. */
	[DB_RESEAL_SET] = {.sql =
		"UPDATE citizens SET cpr_sealed = ?, cpr_lookup = ?, cpr_key_id = ?"
		" WHERE id = ? AND cpr_sealed = ? AND cpr_key_id <=> ?"},
	/* Sealed rows by key id ('': sealed before 015, no id kept). */
	[DB_RESEAL_KEYS] = {.sql =
		"SELECT COALESCE(cpr_key_id, ''), COUNT(*) FROM citizens WHERE cpr_sealed IS NOT NULL"
		" GROUP BY cpr_key_id ORDER BY 1",
		.cols = RS_KEYS__MAX},
};



/* A plan or citizen a transaction changed or raised. */
struct db_mark_key {
	enum db_mark mark;
	long long id;
};

#define DB_TX_MARKS 16

struct db {
	const struct kp_config *cfg;
	MYSQL *conn;             /* NULL while disconnected */
	MYSQL_STMT *stmt[DB_STMT__MAX];
	/* Statements from outside the table (db_exec_def), by their address. */
	struct {
		const struct db_stmt_def *def;
		MYSQL_STMT *stmt;      /* NULL until prepared on this connection */
	} kept[DB_DEF_KEPT];
	size_t nkept;
	bool multi;
	bool in_tx;              /* between db_tx_begin and db_tx_end */
	/* What the transaction changed (owes) and raised (paid), see facts. */
	struct db_mark_key owed[DB_TX_MARKS], paid[DB_TX_MARKS];
	size_t nowed, npaid;
	bool overflow;           /* more marks than fit: the commit is refused */
	bool keep;               /* commit even on a refusal (db_tx_keep) */
	unsigned long long nerrors; /* errors (not conflicts) and failed connects, ever */
};

/* A statement to run: its definition, where the handle keeps it prepared,
 * and its number in stmts[] (-1 for one from another table). */
struct db_use {
	const struct db_stmt_def *def;
	MYSQL_STMT **slot;
	int st;
};

/* Names u in a log line, in buf: its number in the table, or the start of
 * its SQL; "connection" for NULL. */
static const char *db_use_name(const struct db_use *u, char *buf, size_t len)
{
	if (u == NULL)
		return "connection";
	if (u->st >= 0)
		snprintf(buf, len, "stmt %d", u->st);
	else
		snprintf(buf, len, "stmt \"%.40s\"", u->def->sql);
	return buf;
}

/* Statement st of the table: KP_OK, or KP_EINTERNAL for no such statement. */
static enum kp_err db_use_table(struct db *db, enum db_stmt st, struct db_use *u)
{
	if ((unsigned)st >= DB_STMT__MAX) {
		fprintf(stderr, "db: no statement %d\n", (int)st);
		return KP_EINTERNAL;
	}
	*u = (struct db_use){&stmts[st], &db->stmt[st], (int)st};
	return KP_OK;
}

/* Statement def from outside the table, kept under its address. */
static enum kp_err db_use_def(struct db *db, const struct db_stmt_def *def, struct db_use *u)
{
	size_t i;

	if (def == NULL || def->sql == NULL) {
		fprintf(stderr, "db: a statement without SQL\n");
		return KP_EINTERNAL;
	}
	for (i = 0; i < db->nkept && db->kept[i].def != def; i++)
		;
	if (i == db->nkept) {
		if (db->nkept == DB_DEF_KEPT) {
			fprintf(stderr, "db: more than %d statements outside the table\n",
			        DB_DEF_KEPT);
			return KP_EINTERNAL;
		}
		db->kept[db->nkept++].def = def;
	}
	*u = (struct db_use){def, &db->kept[i].stmt, -1};
	return KP_OK;
}

static void db_marks_clear(struct db *db)
{
	db->nowed = db->npaid = 0;
	db->overflow = db->keep = false;
}

static void db_mark_add(struct db *db, struct db_mark_key *list, size_t *n, enum db_mark m,
                        long long id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (list[i].mark == m && list[i].id == id)
			return;
	if (*n == DB_TX_MARKS) {
		db->overflow = true;
		return;
	}
	list[*n].mark = m;
	list[(*n)++].id = id;
}

/* Notes what statement u with args changes and raises. KP_EINTERNAL for
 * a change outside a transaction that the statement does not raise itself. */
static enum kp_err db_mark_note(struct db *db, const struct db_use *u, const struct db_arg *args,
                                size_t nargs)
{
	const struct db_fact *f = &u->def->fact;
	char name[64];

	if (f->changes == DB_MARK_NONE && f->raises == DB_MARK_NONE)
		return KP_OK;
	if ((f->changes != DB_MARK_NONE &&
	     (f->changes_arg >= nargs || args[f->changes_arg].type != DB_T_I64)) ||
	    (f->raises != DB_MARK_NONE &&
	     (f->raises_arg >= nargs || args[f->raises_arg].type != DB_T_I64))) {
		fprintf(stderr, "db: %s: the marked parameter is missing or not an id\n",
		        db_use_name(u, name, sizeof(name)));
		return KP_EINTERNAL;
	}
	if (!db->in_tx) {
		if (f->changes == DB_MARK_NONE ||
		    (f->changes == f->raises && f->changes_arg == f->raises_arg))
			return KP_OK;
		fprintf(stderr, "db: %s changes a plan answer outside a transaction\n",
		        db_use_name(u, name, sizeof(name)));
		return KP_EINTERNAL;
	}
	if (f->changes != DB_MARK_NONE)
		db_mark_add(db, db->owed, &db->nowed, f->changes, args[f->changes_arg].i);
	if (f->raises != DB_MARK_NONE)
		db_mark_add(db, db->paid, &db->npaid, f->raises, args[f->raises_arg].i);
	return KP_OK;
}

/* Whether the transaction raised every plan version and citizen rev whose
 * answer it changed. */
static bool db_marks_paid(const struct db *db)
{
	size_t i, j;

	if (db->overflow)
		return false;
	for (i = 0; i < db->nowed; i++) {
		for (j = 0; j < db->npaid; j++)
			if (db->paid[j].mark == db->owed[i].mark && db->paid[j].id == db->owed[i].id)
				break;
		if (j == db->npaid) {
			fprintf(stderr, "db: a transaction changed %s %lld without raising its %s\n",
			        db->owed[i].mark == DB_MARK_PLAN ? "plan" : "citizen", db->owed[i].id,
			        db->owed[i].mark == DB_MARK_PLAN ? "version" : "rev");
			return false;
		}
	}
	return true;
}

/* Every entry of the table is filled; checked by each db_new(), once per
 * process or command in practice, at the cost of a glance at the table. */
static void db_table_check(void)
{
	size_t i;

	for (i = 0; i < DB_STMT__MAX; i++)
		if (stmts[i].sql == NULL) {
			fprintf(stderr, "db: statement %zu has no SQL\n", i);
			abort();
		}
}

struct db *db_new(const struct kp_config *cfg, bool multi_statements)
{
	struct db *db;

	db_table_check();
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = cfg;
	db->multi = multi_statements;
	return db;
}

static void db_disconnect(struct db *db)
{
	size_t i;

	for (i = 0; i < DB_STMT__MAX; i++)
		if (db->stmt[i] != NULL) {
			mysql_stmt_close(db->stmt[i]);
			db->stmt[i] = NULL;
		}
	for (i = 0; i < db->nkept; i++)
		if (db->kept[i].stmt != NULL) {
			mysql_stmt_close(db->kept[i].stmt);
			db->kept[i].stmt = NULL;
		}
	if (db->conn != NULL) {
		mysql_close(db->conn);
		db->conn = NULL;
	}
	/* The server rolls back what a lost connection had not committed. */
	db->in_tx = false;
	db_marks_clear(db);
}

unsigned long long db_errors(const struct db *db)
{
	return db != NULL ? db->nerrors : 0;
}

void db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

enum kp_err db_connect(struct db *db)
{
	const struct kp_config *c = db->cfg;
	unsigned int timeout = (unsigned int)c->db_timeout;
	unsigned int zero = 0;
	my_bool off = 0;
	MYSQL *m;

	if (db->conn != NULL)
		return KP_OK;
	if ((m = mysql_init(NULL)) == NULL)
		return KP_EUNAVAIL;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &zero);
	mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	mysql_options(m, MYSQL_INIT_COMMAND, "SET collation_connection = 'utf8mb4_danish_ci'");
	/* A lock held elsewhere answers within seconds, not after InnoDB's 50. */
	mysql_options(m, MYSQL_INIT_COMMAND, "SET innodb_lock_wait_timeout = 3");
	/* So does a table or metadata lock (LOCK TABLES, DDL), not after a day. */
	mysql_options(m, MYSQL_INIT_COMMAND, "SET lock_wait_timeout = 3");
	if (mysql_real_connect(m, NULL, c->db_user, c->db_password, c->db_name, 0,
	                       c->db_socket, db->multi ? CLIENT_MULTI_STATEMENTS : 0) == NULL) {
		fprintf(stderr, "db_connect: %s\n", mysql_error(m));
		db->nerrors++;
		mysql_close(m);
		return KP_EUNAVAIL;
	}
	db->conn = m;
	return KP_OK;
}

static bool errno_is_gone(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	       e == CR_CONN_HOST_ERROR || e == CR_SERVER_LOST_EXTENDED ||
	       e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN;
}

/* Maps the last error of the connection or statement s (of u; both NULL
 * for the connection's own) to ours and logs it. */
static enum kp_err db_error(struct db *db, MYSQL_STMT *s, const struct db_use *u,
                            const char *what)
{
	unsigned int e = s != NULL ? mysql_stmt_errno(s) : mysql_errno(db->conn);
	const char *msg = s != NULL ? mysql_stmt_error(s) : mysql_error(db->conn);
	char name[64];

	switch (e) {
	case ER_DUP_ENTRY:
	case ER_NO_REFERENCED_ROW_2:
	case ER_ROW_IS_REFERENCED_2:
		return KP_ECONFLICT;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		db->nerrors++;
		fprintf(stderr, "db %s (%s): %u %s\n", what, db_use_name(u, name, sizeof(name)), e,
		        msg);
		return KP_ERETRY;
	default:
		break;
	}
	db->nerrors++;
	fprintf(stderr, "db %s (%s): %u %s\n", what, db_use_name(u, name, sizeof(name)), e, msg);
	if (errno_is_gone(e)) {
		db_disconnect(db);
		return KP_ERETRY;
	}
	return KP_EINTERNAL;
}

static enum kp_err db_prepared(struct db *db, const struct db_use *u, MYSQL_STMT **out)
{
	const struct db_stmt_def *def = u->def;
	MYSQL_STMT *s = NULL;
	my_bool on = 1;
	enum kp_err err;
	char name[64];

	if ((err = db_connect(db)) != KP_OK)
		return err;
	if (*u->slot != NULL) {
		*out = *u->slot;
		return KP_OK;
	}
	if ((s = mysql_stmt_init(db->conn)) == NULL)
		return db_error(db, NULL, u, "stmt_init");
	if (mysql_stmt_prepare(s, def->sql, strlen(def->sql)) != 0) {
		err = db_error(db, s, u, "prepare");
		mysql_stmt_close(s);
		return err;
	}
	if (def->cols != 0 && mysql_stmt_field_count(s) != def->cols) {
		fprintf(stderr, "db: %s returns %u columns, its enum names %u\n",
		        db_use_name(u, name, sizeof(name)), mysql_stmt_field_count(s),
		        (unsigned)def->cols);
		mysql_stmt_close(s);
		return KP_EINTERNAL;
	}
	mysql_stmt_attr_set(s, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	*u->slot = s;
	*out = s;
	return KP_OK;
}

static enum kp_err db_run(struct db *db, const struct db_use *u, const struct db_arg *args,
                          size_t nargs, MYSQL_STMT **out)
{
	MYSQL_BIND bind[24];
	MYSQL_STMT *s = NULL;
	enum kp_err err;
	char name[64];
	size_t i;

	if ((err = db_prepared(db, u, &s)) != KP_OK)
		return err;
	if (nargs != mysql_stmt_param_count(s) || nargs > sizeof(bind) / sizeof(bind[0])) {
		fprintf(stderr, "db_run: %s wants %lu parameters, got %zu\n",
		        db_use_name(u, name, sizeof(name)), mysql_stmt_param_count(s), nargs);
		return KP_EINTERNAL;
	}
	memset(bind, 0, sizeof(bind));
	for (i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case DB_T_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_T_I64:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&args[i].i;
			break;
		case DB_T_STR:
		case DB_T_BLOB:
			bind[i].buffer_type = args[i].type == DB_T_STR ? MYSQL_TYPE_STRING
			                                               : MYSQL_TYPE_BLOB;
			bind[i].buffer = (void *)args[i].p;
			bind[i].buffer_length = args[i].len;
			bind[i].length_value = args[i].len;
			break;
		}
	}
	if (nargs > 0 && mysql_stmt_bind_param(s, bind) != 0)
		return db_error(db, s, u, "bind");
	if ((err = db_mark_note(db, u, args, nargs)) != KP_OK)
		return err;
	if (mysql_stmt_execute(s) != 0)
		return db_error(db, s, u, "execute");
	*out = s;
	return KP_OK;
}

/* db_query() of u; *res is zeroed already. */
static enum kp_err db_query_use(struct db *db, struct arena *a, const struct db_use *u,
                                const struct db_arg *args, size_t nargs, struct db_res *res)
{
	MYSQL_STMT *s = NULL;
	MYSQL_RES *meta = NULL;
	MYSQL_FIELD *fields;
	MYSQL_BIND *bind = NULL;
	my_bool *isnull = NULL;
	enum kp_err err;
	size_t ncols, row, col;
	char name[64];
	int rc;

	if ((err = db_run(db, u, args, nargs, &s)) != KP_OK)
		return err;
	if ((meta = mysql_stmt_result_metadata(s)) == NULL) {
		fprintf(stderr, "db_query: %s returns no rows\n", db_use_name(u, name, sizeof(name)));
		err = KP_EINTERNAL;
		goto out;
	}
	if (mysql_stmt_store_result(s) != 0) {
		err = db_error(db, s, u, "store_result");
		goto out;
	}
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	res->ncols = ncols;
	res->nrows = (size_t)mysql_stmt_num_rows(s);
	res->cell = arena_alloc(a, sizeof(char *) * (res->nrows * ncols + 1));
	res->len = arena_alloc(a, sizeof(unsigned long) * (res->nrows * ncols + 1));
	bind = arena_alloc(a, sizeof(MYSQL_BIND) * ncols);
	isnull = arena_alloc(a, sizeof(my_bool) * ncols);
	for (row = 0; row < res->nrows; row++) {
		for (col = 0; col < ncols; col++) {
			/* max_length is the longest value in this result;
			 * numbers and times fit in 64 bytes as text. */
			size_t cap = fields[col].max_length > 64 ? fields[col].max_length : 64;
			size_t k = row * ncols + col;

			res->cell[k] = arena_alloc(a, cap + 1);
			memset(&bind[col], 0, sizeof(bind[col]));
			bind[col].buffer_type = MYSQL_TYPE_STRING;
			bind[col].buffer = res->cell[k];
			bind[col].buffer_length = cap;
			bind[col].length = &res->len[k];
			bind[col].is_null = &isnull[col];
		}
		if (mysql_stmt_bind_result(s, bind) != 0) {
			err = db_error(db, s, u, "bind_result");
			goto out;
		}
		rc = mysql_stmt_fetch(s);
		if (rc == MYSQL_DATA_TRUNCATED) {
			fprintf(stderr, "db_query: %s: truncated\n", db_use_name(u, name, sizeof(name)));
			err = KP_EINTERNAL;
			goto out;
		}
		if (rc != 0) {
			err = rc == MYSQL_NO_DATA ? KP_EINTERNAL : db_error(db, s, u, "fetch");
			goto out;
		}
		for (col = 0; col < ncols; col++) {
			size_t k = row * ncols + col;

			if (isnull[col])
				res->cell[k] = NULL;
			else
				res->cell[k][res->len[k]] = '\0';
		}
	}
	err = KP_OK;
out:
	if (meta != NULL)
		mysql_free_result(meta);
	if (db->conn != NULL && *u->slot == s)
		mysql_stmt_free_result(s);
	if (err != KP_OK)
		memset(res, 0, sizeof(*res));
	return err;
}

/* db_exec() of u. */
static enum kp_err db_exec_use(struct db *db, const struct db_use *u, const struct db_arg *args,
                               size_t nargs, unsigned long long *affected,
                               unsigned long long *insert_id)
{
	MYSQL_STMT *s = NULL;
	enum kp_err err;

	if ((err = db_run(db, u, args, nargs, &s)) != KP_OK)
		return err;
	if (affected != NULL)
		*affected = (unsigned long long)mysql_stmt_affected_rows(s);
	if (insert_id != NULL)
		*insert_id = (unsigned long long)mysql_stmt_insert_id(s);
	return KP_OK;
}

enum kp_err db_query(struct db *db, struct arena *a, enum db_stmt st,
                     const struct db_arg *args, size_t nargs, struct db_res *res)
{
	struct db_use u;
	enum kp_err err;

	memset(res, 0, sizeof(*res));
	if ((err = db_use_table(db, st, &u)) != KP_OK)
		return err;
	return db_query_use(db, a, &u, args, nargs, res);
}

enum kp_err db_query_def(struct db *db, struct arena *a, const struct db_stmt_def *def,
                         const struct db_arg *args, size_t nargs, struct db_res *res)
{
	struct db_use u;
	enum kp_err err;

	memset(res, 0, sizeof(*res));
	if ((err = db_use_def(db, def, &u)) != KP_OK)
		return err;
	return db_query_use(db, a, &u, args, nargs, res);
}

enum kp_err db_exec(struct db *db, enum db_stmt st, const struct db_arg *args, size_t nargs,
                    unsigned long long *affected, unsigned long long *insert_id)
{
	struct db_use u;
	enum kp_err err;

	if ((err = db_use_table(db, st, &u)) != KP_OK)
		return err;
	return db_exec_use(db, &u, args, nargs, affected, insert_id);
}

enum kp_err db_exec_def(struct db *db, const struct db_stmt_def *def, const struct db_arg *args,
                        size_t nargs, unsigned long long *affected,
                        unsigned long long *insert_id)
{
	struct db_use u;
	enum kp_err err;

	if ((err = db_use_def(db, def, &u)) != KP_OK)
		return err;
	return db_exec_use(db, &u, args, nargs, affected, insert_id);
}

long long db_i64(const struct db_res *r, size_t row, size_t col)
{
	const char *c = db_cell(r, row, col);

	return c != NULL ? strtoll(c, NULL, 10) : 0;
}

static enum kp_err db_simple(struct db *db, const char *q, const char *what)
{
	enum kp_err err;

	if ((err = db_connect(db)) != KP_OK)
		return err;
	if (mysql_real_query(db->conn, q, strlen(q)) != 0)
		return db_error(db, NULL, NULL, what);
	return KP_OK;
}

enum kp_err db_tx_begin(struct db *db)
{
	enum kp_err err = db_simple(db, "START TRANSACTION", "begin");

	db->in_tx = err == KP_OK;
	db_marks_clear(db);
	return err;
}

/* Rolls back; harmless outside a transaction or on a lost connection. */
static void db_tx_rollback(struct db *db)
{
	db->in_tx = false;
	db_marks_clear(db);
	if (db->conn != NULL && mysql_rollback(db->conn) != 0)
		db_error(db, NULL, NULL, "rollback");
}

void db_tx_keep(struct db *db)
{
	db->keep = db->in_tx;
}

/* Commits what the transaction wrote: KP_OK, KP_ERETRY, KP_EUNAVAIL or
 * KP_EINTERNAL (db_tx_end). */
static enum kp_err db_tx_commit(struct db *db)
{
	enum kp_err err;

	db->in_tx = false;
	db_marks_clear(db);
	if (db->conn == NULL)
		return KP_ERETRY;
	if (mysql_commit(db->conn) == 0)
		return KP_OK;
	err = db_error(db, NULL, NULL, "commit");
	/* A commit cut off may have been applied: never run it again. */
	return err == KP_ERETRY && db->conn == NULL ? KP_EUNAVAIL : err;
}

enum kp_err db_tx_end(struct db *db, enum kp_err err)
{
	enum kp_err done;

	if (err != KP_OK && db->in_tx && db->keep && err != KP_ERETRY && err != KP_EUNAVAIL &&
	    db_marks_paid(db)) {
		done = db_tx_commit(db);
		return done == KP_OK ? err : done;
	}
	if (err == KP_OK && !db->in_tx) {
		/* A lost connection ended it, and the server rolled it back. */
		if (db->conn == NULL)
			return KP_ERETRY;
		fprintf(stderr, "db_tx_end: no transaction is open\n");
		err = KP_EINTERNAL;
	}
	if (err == KP_OK && !db_marks_paid(db))
		err = KP_EINTERNAL;
	if (err != KP_OK) {
		db_tx_rollback(db);
		return err;
	}
	return db_tx_commit(db);
}

enum kp_err db_run_script(struct db *db, const char *text, size_t len, char *err, size_t errlen)
{
	enum kp_err e;
	int status;

	if ((e = db_connect(db)) != KP_OK) {
		snprintf(err, errlen, "cannot connect to the database");
		return e;
	}
	if (mysql_real_query(db->conn, text, len) != 0)
		goto fail;
	do {
		MYSQL_RES *r = mysql_store_result(db->conn);

		if (r != NULL)
			mysql_free_result(r);
		else if (mysql_errno(db->conn) != 0)
			goto fail;
		status = mysql_next_result(db->conn);
		if (status > 0)
			goto fail;
	} while (status == 0);
	return KP_OK;
fail:
	snprintf(err, errlen, "%u %s", mysql_errno(db->conn), mysql_error(db->conn));
	return KP_EINTERNAL;
}
