/* db.h: the database handle and every SQL statement Kaptajn runs. The
 * statements live in one table in core/db.c, are prepared once per
 * connection and executed with typed binds; no SQL is built from strings. */
#ifndef KP_DB_H
#define KP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "kp.h"

struct db;

/* The statement table; the SQL is in core/db.c, in the same order. */
enum db_stmt {
	DB_PING,
	DB_MIGRATION_LIST,
	DB_MIGRATION_RECORD,
	DB_MIGRATION_STAFF_ISSUER,
	DB_MIGRATION_LOCK,
	DB_MIGRATION_UNLOCK,
	DB_SESSION_INSERT,
	DB_SESSION_GET_CITIZEN,
	DB_CITIZEN_HEAD,
	DB_CITIZEN_ACCEPTED_SET,
	DB_SESSION_TOUCH,
	DB_SESSION_END,
	DB_TOKEN_USE,
	DB_TOKEN_PURGE,
	DB_SESSION_PURGE,
	DB_CITIZEN_BY_CPR,
	DB_LOGIN_ATTEMPT_INSERT,
	DB_LOGIN_ATTEMPT_USE,
	DB_LOGIN_ATTEMPT_GET,
	DB_LOGIN_ATTEMPT_PURGE,
	DB_SESSION_ID_TOKEN_SET,
	DB_SESSION_ID_TOKEN,
	DB_SESSION_COUNT_LIVE,
	DB_PLAN_HEAD,
	DB_PLAN_DREAMS,
	DB_PLAN_GOALS,
	DB_PLAN_DOC_GET,
	DB_PLAN_DOC_STORE,
	DB_PLAN_LOCK,
	DB_PLAN_BUMP,
	DB_HISTORY_INSERT,
	DB_PLAN_CHANGE_INSERT,
	DB_CITIZEN_YES_CARRY,
	DB_PLAN_CHANGES_SINCE,
	DB_YES_STATE,
	DB_ANSWER_INSERT,
	DB_ANSWER_CLOSE,
	DB_ANSWER_LAST_YES,
	DB_ACCEPTANCE_LAST,
	DB_ANSWER_NOT_YET,
	DB_HISTORY_LIST,
	DB_DREAM_INSERT,
	DB_DREAM_GET,
	DB_DREAM_UPDATE,
	DB_DREAM_DELETE,
	DB_ACCEPTANCE_INSERT,
	DB_CONTACT_GET,
	DB_ACCESS_LOG,
	DB_GOAL_IN_PLAN,
	DB_PROGRESS_INSERT,
	DB_PROGRESS_LATEST,
	DB_PROGRESS_HISTORY,
	DB_PROPOSAL_INSERT,
	DB_PROPOSAL_GET,
	DB_PROPOSAL_LIST,
	DB_PROPOSAL_LOCK,
	DB_PROPOSAL_WITHDRAW,
	DB_STAFF_BY_SUB,
	/* admin: sessions, caseloads, audit */
	DB_SESSION_GET_STAFF,
	DB_STAFF_LOGIN,
	DB_CASELOAD_CITIZEN,
	DB_CASELOAD_LIST,
	DB_CASELOAD_CITIZEN_ANY,
	DB_CASELOAD_LIST_ALL,
	DB_AUDIT_HEAD_LOCK,
	DB_AUDIT_INSERT,
	DB_AUDIT_HEAD_SET,
	DB_AUDIT_HEAD_GET,
	DB_AUDIT_LIST,
	DB_AUDIT_SCAN,
	DB_AUDIT_RESEAL,
	DB_AUDIT_RELINK,
	DB_AUDIT_V1_COUNT,
	DB_AUDIT_REDACT,
	DB_PURGE_DUE,
	DB_PURGE_STATE,
	DB_PURGE_LOCK,
	DB_PURGE_COMMENTS,
	DB_PURGE_PROPOSALS,
	DB_PURGE_MEETING_POINTS,
	DB_PURGE_MEETING_RESPONSES,
	DB_PURGE_MEETINGS,
	DB_PURGE_CONSENTS,
	DB_PURGE_ACCEPTANCES,
	DB_PURGE_ANSWERS,
	DB_PURGE_SESSIONS,
	DB_PURGE_OWN_DREAM_CHANGES,
	DB_PURGE_OWN_DREAMS,
	DB_PURGE_DREAMS,
	DB_PURGE_GOALS,
	DB_PURGE_CHILDREN,
	DB_PURGE_HISTORY,
	DB_PURGE_CHANGES,
	DB_PURGE_HISTORY_ACTOR,
	DB_PURGE_DOCS,
	DB_PURGE_TOMBSTONE,
	DB_PURGE_PROGRESS,
	DB_CITIZEN_CPR,
	DB_CITIZEN_CONSENT,
	DB_CONSENT_LIST,
	DB_HISTORY_SINCE,
	DB_HOUSEHOLD_MEMBERS,
	/* admin: households and their children (core/household.c) */
	DB_HOUSEHOLD_CITIZEN_LOCK,
	DB_HOUSEHOLD_INSERT,
	DB_HOUSEHOLD_PLAN_INSERT,
	DB_HOUSEHOLD_MOVE_DREAMS,
	DB_HOUSEHOLD_MOVE_GOALS,
	DB_HOUSEHOLD_MOVE_PROPOSALS,
	DB_HOUSEHOLD_MOVE_MEETINGS,
	DB_HOUSEHOLD_CITIZEN_SET,
	DB_HOUSEHOLD_GET,
	DB_HOUSEHOLD_ADULTS,
	DB_HOUSEHOLD_CHILDREN,
	DB_HOUSEHOLD_PENDING,
	DB_HOUSEHOLD_DREAMS_COPY,
	DB_HOUSEHOLD_DREAMS_HIDE,
	DB_CHILD_INSERT,
	DB_CHILD_GET,
	DB_CHILD_IN_PLAN,
	DB_CHILD_GOALS,
	DB_PLAN_HOUSEHOLD,
	/* admin: goals, decisions, comments, contact, consent */
	DB_LEGAL_BASIS_GET,
	DB_LEGAL_BASIS_LIST,
	DB_GOAL_LOCK,
	DB_GOAL_INSERT,
	DB_GOAL_UPDATE,
	DB_GOAL_WITH_SUBGOALS,
	DB_PROPOSAL_CITIZEN,
	DB_PROPOSAL_LOCK_DECIDE,
	DB_PROPOSAL_DECIDE,
	DB_PROPOSAL_SUPERSEDE,
	DB_PROPOSAL_QUEUE,
	DB_PROPOSAL_QUEUE_COMMENTS,
	DB_PROPOSAL_STAFF_GET,
	DB_PROPOSAL_COMMENTS,
	DB_COMMENT_INSERT,
	DB_COMMENT_GET,
	DB_STAFF_GET,
	DB_STAFF_LIST,
	DB_STAFF_LOCK,
	DB_STAFF_LEADERS_LOCK,
	DB_STAFF_INSERT,
	DB_STAFF_UPDATE,
	DB_STAFF_CITIZENS_REV,
	DB_SESSION_END_STAFF,
	DB_CITIZEN_CASEWORKER_LOCK,
	DB_CITIZEN_CASEWORKER_SET,
	DB_CITIZEN_CONTACT_SET,
	DB_CONSENT_INSERT,
	DB_CITIZEN_CONSENT_LOCK,
	DB_CITIZEN_CONSENT_SET,
	DB_PLAN_FROZEN_SET,
	DB_CITIZEN_REV_BUMP,
	/* admin: meetings, follow-ups, course end, reports */
	DB_MEETING_INSERT,
	DB_MEETING_GET,
	DB_MEETING_LOCK,
	DB_MEETING_HELD,
	DB_MEETING_LIST,
	DB_MEETING_FOLLOW_UPS,
	DB_MEETING_UPCOMING,
	DB_MEETING_PAST,
	DB_MEETING_STATE,
	DB_MEETING_POINTS,
	DB_MEETING_POINT_INSERT,
	DB_MEETING_RESPONSE_SET,
	DB_MEETING_MINUTES,
	DB_COURSE_LOCK,
	DB_COURSE_END,
	DB_COURSE_REOPEN,
	DB_COURSE_STATE,
	/* admin: enrolment; the citizen's first login */
	DB_ENROL_OPEN_COURSE,
	DB_ENROL_HOUSEHOLD_PLAN,
	DB_ENROL_PLAN_INSERT,
	DB_ENROL_CITIZEN_INSERT,
	DB_ENROL_CITIZEN_SEAL,
	DB_CITIZEN_FIRST_LOGIN,
	DB_REPORT_CASEWORKERS,
	DB_REPORT_CITIZENS,
	DB_REPORT_PENDING,
	DB_REPORT_DECISIONS,
	DB_REPORT_CONTACTS,
	DB_REPORT_STAFF,
	/* notifications: the outbox and the citizen's settings (core/outbox.c) */
	DB_OUTBOX_ADD,
	DB_OUTBOX_ADD_PLAN,
	DB_OUTBOX_CLAIM,
	DB_OUTBOX_CLAIMED,
	DB_OUTBOX_FINISH,
	DB_OUTBOX_EXPIRE,
	DB_OUTBOX_COUNTS,
	DB_OUTBOX_CLEANUP,
	DB_OUTBOX_MEETINGS_DUE,
	DB_OUTBOX_MEETING_REMIND,
	DB_NOTIFY_GET,
	DB_NOTIFY_SET,
	DB_PURGE_OUTBOX,
	DB_PURGE_NOTIFY,
	/* messages between a citizen and the staff (core/message.c) */
	DB_MESSAGE_INSERT,
	DB_MESSAGE_GET,
	DB_MESSAGE_BY_KEY,
	DB_MESSAGE_LIST,
	DB_MESSAGE_READ_CITIZEN,
	DB_MESSAGE_READ_STAFF,
	DB_MESSAGE_UNREAD,
	DB_PURGE_MESSAGES,
	/* kaptajn backup and restore (core/backup.c) */
	DB_BACKUP_OBJECTS,
	/* one per main table (enum backup_table): a restore counts only the
	 * tables its manifest lists, which an older dump may not all have */
	DB_BACKUP_COUNT_STAFF,
	DB_BACKUP_COUNT_HOUSEHOLDS,
	DB_BACKUP_COUNT_PLANS,
	DB_BACKUP_COUNT_PLAN_HISTORY,
	DB_BACKUP_COUNT_CITIZENS,
	DB_BACKUP_COUNT_CHILDREN,
	DB_BACKUP_COUNT_DREAMS,
	DB_BACKUP_COUNT_GOALS,
	DB_BACKUP_COUNT_PROPOSALS,
	DB_BACKUP_COUNT_PROPOSAL_COMMENTS,
	DB_BACKUP_COUNT_PLAN_ACCEPTANCES,
	DB_BACKUP_COUNT_PLAN_ANSWERS,
	DB_BACKUP_COUNT_PLAN_CHANGES,
	DB_BACKUP_COUNT_CONSENTS,
	DB_BACKUP_COUNT_MEETINGS,
	DB_BACKUP_COUNT_GOAL_PROGRESS,
	DB_BACKUP_COUNT_AUDIT_LOG,
	DB_BACKUP_COUNT_MESSAGES,
	/* kaptajn reseal (core/reseal.c) */
	DB_RESEAL_DUE,
	DB_RESEAL_SET,
	DB_RESEAL_KEYS,
	DB_STMT__MAX
};

/* The columns of the rows some statements return, in order: a row is read
 * by these names, never by a bare number. db.c checks each count against
 * the prepared statement the first time it runs. */

/* DB_SESSION_GET_CITIZEN: a citizen's live session, the citizen, and what
 * proves the citizen's plan answer current (the plan's version, the
 * citizen's rev). */
enum db_col_session_citizen {
	SC_CITIZEN_ID, SC_CSRF_HASH, SC_CREATED, SC_LAST_SEEN, SC_PLAN_ID, SC_NAME,
	SC_PLAN_VERSION, SC_REV, SC_CONSENT, SC_FROZEN, SC_COURSE_ENDED, SC__MAX
};
/* DB_SESSION_COUNT_LIVE: live sessions by kind. */
enum db_col_session_count { SCL_CITIZEN, SCL_STAFF, SCL__MAX };
/* DB_SESSION_GET_STAFF */
enum db_col_session_staff {
	SS_STAFF_ID, SS_CSRF_HASH, SS_CREATED, SS_LAST_SEEN, SS_NAME, SS_ROLE, SS__MAX
};
/* DB_CITIZEN_HEAD: what a citizen's plan answer shows besides the plan's
 * dreams and goals, with the rev it belongs to. */
enum db_col_citizen_head {
	CH_REV, CH_ACCEPTED, CH_CONTACT_NAME, CH_CONTACT_ROLE, CH_CONTACT_PHONE,
	CH_CONTACT_EMAIL, CH_CONTACT_HOURS, CH_CONSENT, CH_CONSENT_AT, CH_FROZEN, CH_COURSE_ENDED,
	CH_ACCEPTED_THROUGH, CH__MAX
};
/* DB_PLAN_DOC_GET: the kept dreams and goals of a plan and their version. */
enum db_col_plan_doc { PD_VERSION, PD_DOC, PD__MAX };

/* The rows of plans, dreams, history, proposals (the citizen's), consent,
 * course, staff and sessions. */

/* DB_PLAN_HEAD: a plan's head as its citizen sees it, with the contact
 * person's columns in the order of enum db_col_contact. */
enum db_col_plan_head {
	PH_ID, PH_VERSION, PH_ACCEPTED, PH_CONTACT_NAME, PH_CONTACT_ROLE, PH_CONTACT_PHONE,
	PH_CONTACT_EMAIL, PH_CONTACT_HOURS, PH_CONSENT, PH_CONSENT_AT, PH_FROZEN, PH_COURSE_ENDED,
	PH_ACCEPTED_THROUGH, PH__MAX
};
/* DB_CONTACT_GET: the contact person; DB_PLAN_HEAD and DB_CITIZEN_HEAD have
 * the same columns in this order from their *_CONTACT_NAME on. */
enum db_col_contact { CT_NAME, CT_ROLE, CT_PHONE, CT_EMAIL, CT_HOURS, CT__MAX };
/* DB_PLAN_DREAMS: a live dream. */
enum db_col_dream { DR_ID, DR_AUTHOR_ID, DR_TEXT, DR__MAX };
/* DB_DREAM_GET: who wrote a live dream. */
enum db_col_dream_get { DG_AUTHOR_ID, DG_TEXT, DG__MAX };
/* DB_PLAN_GOALS and DB_GOAL_WITH_SUBGOALS: a goal as the plan shows it. */
enum db_col_goal {
	GR_ID, GR_PARENT_ID, GR_TITLE, GR_DESCRIPTION, GR_AREA, GR_STATUS, GR_LEGAL_BASIS,
	GR_HOURS_PER_WEEK, GR_CHILD_RELATED, GR_CHILD_ID, GR__MAX
};
/* DB_PLAN_LOCK */
enum db_col_plan_lock { PL_VERSION, PL_FROZEN, PL__MAX };
/* DB_HISTORY_LIST (DB_HISTORY_SINCE has the same columns): a version of a
 * plan, when, by whom, what changed. */
enum db_col_history { HI_VERSION, HI_AT, HI_BY, HI_SUMMARY, HI__MAX };
/* DB_PLAN_CHANGES_SINCE: a version (who made it: kind, the citizen's id or
 * NULL, the name, a staff member's title or NULL) and one changed field of
 * it (subject NULL: the version names none; its summary stands for it). */
enum db_col_plan_change {
	PCH_VERSION, PCH_AT, PCH_ACTOR_KIND, PCH_ACTOR_CITIZEN, PCH_BY_NAME, PCH_BY_TITLE,
	PCH_SUMMARY, PCH_SUBJECT, PCH_SUBJECT_ID, PCH_FIELD, PCH_WHAT, PCH_BEFORE, PCH_AFTER,
	PCH__MAX
};
/* DB_YES_STATE: the citizen's last yes (NULL: none), how far it covers,
 * and the plan's version. */
enum db_col_yes_state { YS_ACCEPTED, YS_THROUGH, YS_VERSION, YS_PLAN_ID, YS__MAX };
/* DB_ANSWER_LAST_YES and DB_ACCEPTANCE_LAST: a yes and its receipt (JSON
 * text; NULL: none kept). */
enum db_col_answer_yes { AY_VERSION, AY_AT, AY_RECEIPT, AY__MAX };
/* DB_ANSWER_NOT_YET: an open not_yet and its comment (NULL: none). */
enum db_col_answer_not_yet { AN_VERSION, AN_AT, AN_COMMENT, AN__MAX };
/* DB_ACCESS_LOG: a run of one staff member's accesses of one kind to one
 * thing of a citizen's on one day: the last and first time, how many, and
 * the run's first row (the cursor of the page after it). */
enum db_col_access {
	AC_AT, AC_FIRST_AT, AC_NAME, AC_ROLE, AC_ACTION, AC_OBJECT, AC_COUNT, AC_ID, AC__MAX
};
/* DB_PROGRESS_LATEST and DB_PROGRESS_HISTORY: how a goal goes, in the
 * citizen's words. */
enum db_col_progress { GP_GOAL_ID, GP_STATUS, GP_NOTE, GP_AT, GP_ID, GP__MAX };
/* DB_PROPOSAL_GET and DB_PROPOSAL_LIST: a proposal as its citizen sees it. */
enum db_col_proposal {
	PR_ID, PR_KIND, PR_GOAL_ID, PR_TITLE, PR_DESCRIPTION, PR_REASON, PR_STATUS,
	PR_CREATED_AT, PR_CLOSED_AT, PR_DECIDER_NAME, PR_DECISION_REASON, PR__MAX
};
/* DB_PROPOSAL_LOCK */
enum db_col_proposal_lock { PK_STATUS, PK__MAX };
/* DB_PROPOSAL_CITIZEN */
enum db_col_proposal_citizen { PZ_CITIZEN_ID, PZ__MAX };
/* DB_PROPOSAL_LOCK_DECIDE: what deciding on a proposal needs. */
enum db_col_proposal_decide { PX_STATUS, PX_KIND, PX_GOAL_ID, PX_TITLE, PX_DESCRIPTION, PX__MAX };
/* DB_PROPOSAL_QUEUE and DB_PROPOSAL_STAFF_GET: a proposal as the staff see
 * it; the last column is created_at in full, a page's position. */
enum db_col_staff_proposal {
	SP_ID, SP_CITIZEN_ID, SP_CITIZEN_NAME, SP_KIND, SP_GOAL_ID, SP_GOAL_TITLE, SP_TITLE,
	SP_DESCRIPTION, SP_REASON, SP_STATUS, SP_CREATED_AT, SP_CLOSED_AT, SP_DECIDED_BY,
	SP_DECIDER_NAME, SP_DECIDER_ROLE, SP_DECISION_REASON, SP_SUPERSEDED_BY, SP_CREATED_FULL,
	SP__MAX
};
/* DB_PROPOSAL_COMMENTS, DB_PROPOSAL_QUEUE_COMMENTS and DB_COMMENT_GET: a
 * comment on a proposal, the proposal's id first. */
enum db_col_comment {
	CM_PROPOSAL_ID, CM_ID, CM_STAFF_ID, CM_STAFF_NAME, CM_STAFF_ROLE, CM_AT, CM_TEXT, CM__MAX
};
/* DB_CITIZEN_CONSENT and DB_CONSENT_LIST: a consent fact, and the staff
 * member who recorded it (NULL: the citizen). */
enum db_col_consent {
	CN_ACTION, CN_AT, CN_ID, CN_TEXT_VERSION, CN_PAPER, CN_STAFF_ID, CN_STAFF_NAME,
	CN_STAFF_ROLE, CN__MAX
};
/* DB_CITIZEN_CONSENT_LOCK: the newest fact's action, or none. */
enum db_col_consent_lock { CK_CONSENT, CK__MAX };
/* DB_COURSE_LOCK: the citizen's caseworker and how the course ended. */
enum db_col_course {
	CO_CASEWORKER_ID, CO_OUTCOME, CO_ENDED_AT, CO_RECENT, CO_PURGED, CO__MAX
};
/* DB_COURSE_STATE: how the course stands (all NULL while it runs). */
enum db_col_course_state { CS_OUTCOME, CS_ENDED_AT, CS_REOPEN_UNTIL, CS_REOPENABLE, CS__MAX };
/* DB_ENROL_OPEN_COURSE: the citizen whose course under a CPR number is
 * open. */
enum db_col_enrol_open { EO_CITIZEN_ID, EO__MAX };
/* DB_ENROL_HOUSEHOLD_PLAN: a household's shared plan. */
enum db_col_enrol_household { EH_PLAN_ID, EH_VERSION, EH__MAX };
/* DB_STAFF_LIST and DB_STAFF_LOCK: a member of the staff directory. */
enum db_col_staff_list {
	SL_ID, SL_NAME, SL_ROLE, SL_TITLE, SL_ISSUER, SL_SUB, SL_PHONE, SL_EMAIL, SL_ACTIVE, SL_HOURS,
	SL__MAX
};
/* DB_STAFF_LEADERS_LOCK: an active leader. */
enum db_col_staff_leader { SLD_ID, SLD__MAX };
/* DB_CITIZEN_CASEWORKER_LOCK: the citizen's coordinating caseworker (NULL:
 * none). */
enum db_col_citizen_caseworker { CWL_CASEWORKER_ID, CWL__MAX };
/* DB_STAFF_GET: a staff member. */
enum db_col_staff {
	ST_ID, ST_NAME, ST_ROLE, ST_TITLE, ST_PHONE, ST_EMAIL, ST_ACTIVE, ST__MAX
};
/* DB_CITIZEN_BY_CPR: who logs in as a citizen, and whether they never
 * logged in before (1) or did (0). */
enum db_col_citizen_login { LCZ_ID, LCZ_NAME, LCZ_NEVER_LOGGED_IN, LCZ__MAX };
/* DB_STAFF_LOGIN: who logs in as staff. */
enum db_col_staff_login { LST_ID, LST_NAME, LST_ROLE, LST__MAX };
/* DB_LOGIN_ATTEMPT_GET: what the callback needs of its attempt. */
enum db_col_login_attempt { LA_NONCE, LA_VERIFIER, LA_RETURN_TO, LA__MAX };
/* DB_SESSION_ID_TOKEN: the sealed ID token of a session (NULL: none). */
enum db_col_session_id_token { SIT_ID_TOKEN, SIT__MAX };

/* The rows of the caseload, audit, goals, meetings, reports and migrations. */

/* DB_CASELOAD_CITIZEN (and DB_CASELOAD_CITIZEN_ANY, a leader's look at
 * any citizen): a citizen in a staff member's caseload. */
enum db_col_caseload_citizen { CC_ID, CC_PLAN_ID, CC_NAME, CC_FROZEN, CC_ENDED, CC__MAX };
/* DB_CASELOAD_LIST (and DB_CASELOAD_LIST_ALL, every citizen, for a
 * leader): one citizen of a caseload page; the contact person and the
 * caseworker as id and name (both NULL: none); the sealed CPR number (NULL:
 * none) and its key id, the next meeting (NULL: none) and whether a follow-up is due. */
enum db_col_caseload_list {
	CL_ID, CL_NAME, CL_HOUSEHOLD_ID, CL_PLAN_ID, CL_PLAN_VERSION, CL_ACCEPTED_VERSION,
	CL_PENDING, CL_CONTACT_ID, CL_CONTACT_NAME, CL_CASEWORKER_ID, CL_CASEWORKER_NAME,
	CL_COURSE_OUTCOME, CL_FIRST_LOGIN, CL_CONSENT, CL_FROZEN, CL_CPR_SEALED, CL_CPR_KEY_ID,
	CL_NEXT_MEETING, CL_FOLLOW_UP_DUE, CL_ACCEPTED_THROUGH, CL_NOT_YET_AT, CL_NOT_YET_COMMENT,
	CL_UNREAD_MESSAGES, CL_CANNOT_COME, CL__MAX
};
/* DB_CITIZEN_CPR: the sealed CPR number, the coordinating caseworker, the
 * id of the key the number is sealed under (NULL: sealed before 015). */
enum db_col_citizen_cpr { CPR_SEALED, CPR_CASEWORKER_ID, CPR_KEY_ID, CPR__MAX };
/* DB_RESEAL_DUE: a row to seal again; DB_RESEAL_KEYS: sealed rows by key
 * id. */
enum db_col_reseal_due { RS_DUE_ID, RS_DUE_SEALED, RS_DUE_KEY_ID, RS_DUE__MAX };
enum db_col_reseal_keys { RS_KEYS_ID, RS_KEYS_ROWS, RS_KEYS__MAX };
/* Rows DB_RESEAL_DUE reads at a time. */
#define DB_RESEAL_BATCH 100
/* DB_HISTORY_SINCE: a change to a plan after a version. */
enum db_col_history_since { HS_VERSION, HS_AT, HS_BY, HS_SUMMARY, HS__MAX };
/* DB_HOUSEHOLD_MEMBERS */
enum db_col_household_member { HM_ID, HM_NAME, HM__MAX };
/* DB_HOUSEHOLD_CITIZEN_LOCK: a citizen about to join or leave a household. */
enum db_col_household_lock { HL_CASEWORKER_ID, HL_HOUSEHOLD_ID, HL_PLAN_ID, HL_NAME, HL__MAX };
/* DB_HOUSEHOLD_GET: a household and its shared plan. */
enum db_col_household { HG_ID, HG_NAME, HG_PLAN_ID, HG_PLAN_VERSION, HG__MAX };
/* DB_HOUSEHOLD_ADULTS: an adult member, with who coordinates and who is
 * contact (NULL: none). */
enum db_col_household_adult { HA_ID, HA_NAME, HA_CASEWORKER_ID, HA_CONTACT_ID, HA__MAX };
/* DB_HOUSEHOLD_CHILDREN and DB_CHILD_GET: a child (birth_date YYYY-MM-DD). */
enum db_col_child { KC_ID, KC_NAME, KC_BIRTH_DATE, KC__MAX };
/* DB_CHILD_IN_PLAN: a child of a plan's household. */
enum db_col_child_in_plan { CI_ID, CI__MAX };
/* DB_PLAN_HOUSEHOLD: the household whose plan it is (NULL: one citizen's). */
enum db_col_plan_household { PHH_ID, PHH__MAX };
/* DB_AUDIT_HEAD_LOCK */
enum db_col_audit_head_lock { AHL_LAST_HASH, AHL__MAX };
/* DB_AUDIT_HEAD_GET */
enum db_col_audit_head { AH_LAST_ID, AH_LAST_HASH, AH__MAX };
/* DB_AUDIT_LIST: an entry of a citizen's audit trail, page position last. */
enum db_col_audit_list {
	AL_AT, AL_ACTOR_ID, AL_ACTOR_NAME, AL_ACTOR_ROLE, AL_ACTION, AL_OBJECT, AL_ID, AL__MAX
};
/* DB_AUDIT_SCAN: a whole audit row, as the chain check reads it. */
enum db_col_audit_scan {
	AS_ID, AS_AT, AS_ACTOR_KIND, AS_ACTOR_ID, AS_ACTOR_NAME, AS_ACTOR_ROLE, AS_CITIZEN_ID,
	AS_ACTION, AS_OBJECT, AS_REQUEST_ID, AS_PREV_HASH, AS_ROW_HASH, AS_HASH_VERSION,
	AS_DIGEST, AS_REDACTED, AS__MAX
};
/* A single count. */
enum db_col_count { CNT_N, CNT__MAX };

/* DB_PURGE_DUE: a citizen whose data the retention period lets go, with
 * how many of the others on the plan stay, and what would go. */
enum db_col_purge_due {
	PG_ID, PG_PLAN_ID, PG_OUTCOME, PG_ENDED, PG_OTHERS, PG_PROPOSALS, PG_MEETINGS, PG_DREAMS,
	PG_GOALS, PG_CONSENTS, PG_AUDIT, PG_AUDIT_V1, PG__MAX
};

/* DB_PURGE_STATE: why a citizen is not due. */
enum db_col_purge_state { PS_OPEN, PS_PURGED, PS_DUE_ON, PS__MAX };

/* DB_PURGE_LOCK: the plan of a citizen still due. */
enum db_col_purge_lock { PU_PLAN_ID, PU__MAX };
/* DB_LEGAL_BASIS_GET */
enum db_col_legal_basis_get { LBG_CHILD_RELATED, LBG__MAX };
/* DB_LEGAL_BASIS_LIST */
enum db_col_legal_basis { LB_CODE, LB_LAW, LB_TITLE, LB_CHILD_RELATED, LB__MAX };
/* DB_GOAL_LOCK: a goal's kept values, standing in for those a change
 * leaves out. */
enum db_col_goal_lock {
	GL_PARENT_ID, GL_TITLE, GL_DESCRIPTION, GL_AREA, GL_LEGAL_BASIS, GL_HOURS,
	GL_CHILD_RELATED, GL_STATUS, GL_CHILD_ID, GL__MAX
};
/* DB_MEETING_GET, _LIST, _UPCOMING and _PAST: a meeting, its minutes (text,
 * time, writer's name) and the citizen's answer (answer, comment, time). */
enum db_col_meeting {
	MT_ID, MT_KIND, MT_STARTS_AT, MT_PLACE, MT_AGENDA, MT_PARTICIPANTS, MT_HELD_AT,
	MT_CITIZEN_ID, MT_MINUTES, MT_MINUTES_AT, MT_MINUTES_BY, MT_ANSWER, MT_COMMENT,
	MT_ANSWERED_AT, MT__MAX
};
/* DB_MEETING_STATE: whose meeting, held, begun, its number of points. */
enum db_col_meeting_state { MS_CITIZEN_ID, MS_HELD, MS_BEGUN, MS_POINTS, MS__MAX };
/* DB_MEETING_POINTS: a point on an agenda, by staff (1) or the citizen. */
enum db_col_meeting_point {
	MP_ID, MP_MEETING_ID, MP_TEXT, MP_AT, MP_BY_STAFF, MP_BY_NAME, MP__MAX
};
/* DB_MEETING_LOCK */
enum db_col_meeting_lock { ML_HELD_AT, ML__MAX };
/* DB_MEETING_FOLLOW_UPS: a plan's follow-up meetings counted. */
enum db_col_follow_ups { FU_DUE, FU_DONE, FU_OUTSTANDING, FU__MAX };
/* The report's rows, each by the citizen's caseworker (NULL: none).
 * DB_REPORT_CASEWORKERS: */
enum db_col_report_caseworker { RW_ID, RW_NAME, RW__MAX };
/* DB_REPORT_CITIZENS: citizens in a course, and those whose course ended
 * by each outcome. */
enum db_col_report_citizens {
	RC_CASEWORKER_ID, RC_ACTIVE, RC_JOB, RC_EDUCATION, RC_EARLY_PENSION, RC_OTHER,
	RC_MOVED_AWAY, RC_CONSENT_WITHDRAWN, RC__MAX
};
/* DB_REPORT_PENDING */
enum db_col_report_pending { RP_CASEWORKER_ID, RP_COUNT, RP__MAX };
/* DB_REPORT_DECISIONS: seconds from a proposal to its decision. */
enum db_col_report_decision { RD_CASEWORKER_ID, RD_SECS, RD__MAX };
/* DB_REPORT_CONTACTS: a contact person's citizens of one caseworker. */
enum db_col_report_contact {
	RT_CONTACT_ID, RT_CONTACT_NAME, RT_CASEWORKER_ID, RT_CITIZENS, RT__MAX
};
/* DB_REPORT_STAFF: distinct staff per citizen, summed and at most. */
enum db_col_report_staff { RS_CASEWORKER_ID, RS_CITIZENS, RS_STAFF_SUM, RS_STAFF_MAX, RS__MAX };
/* DB_OUTBOX_CLAIMED: a row this sender claimed, with where it goes. */
enum db_col_outbox_claimed {
	OC_ID, OC_CHANNEL, OC_ATTEMPTS, OC_AGE, OC_EMAIL, OC_EMAIL_ON, OC_SMS, OC_SMS_ON, OC__MAX
};
/* DB_OUTBOX_COUNTS: the outbox's rows by status. */
enum db_col_outbox_counts {
	OX_PENDING, OX_SENDING, OX_SENT, OX_UNKNOWN, OX_FAILED, OX_HELD, OX__MAX
};
/* DB_OUTBOX_MEETINGS_DUE: a meeting whose day-before notice is due. */
enum db_col_outbox_meeting { OM_ID, OM_CITIZEN_ID, OM__MAX };
/* DB_NOTIFY_GET: a citizen's notification settings. */
enum db_col_notify { NS_EMAIL, NS_EMAIL_ON, NS_SMS, NS_SMS_ON, NS__MAX };
/* DB_MESSAGE_GET, DB_MESSAGE_BY_KEY and DB_MESSAGE_LIST: a message of a
 * citizen's thread; the staff columns are NULL for the citizen's own. */
enum db_col_message {
	MSG_ID, MSG_AT, MSG_AUTHOR_KIND, MSG_STAFF_ID, MSG_STAFF_NAME, MSG_STAFF_ROLE, MSG_STAFF_TITLE,
	MSG_CITIZEN_NAME, MSG_TEXT, MSG_READ_AT, MSG__MAX
};
/* DB_MIGRATION_LIST */
enum db_col_migration { MG_NAME, MG_CHECKSUM, MG__MAX };
/* The main tables a backup's manifest counts (their names and
 * DB_BACKUP_COUNT_* statements are backup.c's). */
enum backup_table {
	BC_STAFF, BC_HOUSEHOLDS, BC_PLANS, BC_PLAN_HISTORY, BC_CITIZENS, BC_CHILDREN, BC_DREAMS,
	BC_GOALS, BC_PROPOSALS, BC_PROPOSAL_COMMENTS, BC_PLAN_ACCEPTANCES, BC_PLAN_ANSWERS,
	BC_PLAN_CHANGES, BC_CONSENTS, BC_MEETINGS, BC_GOAL_PROGRESS,
	BC_AUDIT_LOG, BC_MESSAGES, BC__MAX
};
/* DB_MIGRATION_LOCK, DB_MIGRATION_UNLOCK */
enum db_col_migration_lock { MGL_GOT, MGL__MAX };

/* Rows one purge statement (DB_TOKEN_PURGE, DB_SESSION_PURGE) deletes at
 * most, so that none holds its locks for long. */
#define DB_PURGE_LIMIT 500

enum db_type { DB_T_NULL, DB_T_I64, DB_T_STR, DB_T_BLOB };

/* One parameter; make them with the macros below. */
struct db_arg {
	enum db_type type;
	long long i;
	const void *p;
	size_t len;
};

#define DB_NULL ((struct db_arg){.type = DB_T_NULL})
#define DB_I64(v) ((struct db_arg){.type = DB_T_I64, .i = (long long)(v)})
#define DB_STR(s) ((struct db_arg){.type = DB_T_STR, .p = (s), .len = strlen(s)})
#define DB_STRN(s, n) ((struct db_arg){.type = DB_T_STR, .p = (s), .len = (n)})
#define DB_BLOB(b, n) ((struct db_arg){.type = DB_T_BLOB, .p = (b), .len = (n)})
/* An optional string: NULL becomes SQL NULL. */
#define DB_OPTSTR(s) ((s) != NULL ? DB_STR(s) : DB_NULL)
/* Expands to "array, count" for db_query() and db_exec(). */
#define DB_ARGS(...) (const struct db_arg[]){__VA_ARGS__}, \
	(sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

/* A fetched result: every cell as bytes (NUL-terminated for convenience),
 * NULL for SQL NULL. It lives in the arena given to db_query(). */
struct db_res {
	size_t nrows, ncols;
	char **cell;           /* nrows * ncols */
	unsigned long *len;
};

static inline const char *db_cell(const struct db_res *r, size_t row, size_t col)
{
	return r->cell[row * r->ncols + col];
}
static inline size_t db_cell_len(const struct db_res *r, size_t row, size_t col)
{
	return r->len[row * r->ncols + col];
}
/* The cell as an integer; 0 for NULL. */
long long db_i64(const struct db_res *r, size_t row, size_t col);

/*
 * Opens a handle; the connection itself is made on first use and remade
 * after the server went away, with every statement prepared again. Returns
 * NULL only when out of memory. The config must outlive the handle.
 * multi_statements is for the migrate command only.
 */
struct db *db_new(const struct kp_config *cfg, bool multi_statements);
/* Closes the connection and frees the handle; NULL is a no-op. */
void db_free(struct db *db);
/* How many errors the database answered on db's connections (constraint
 * conflicts not counted) and connects that failed, since db_new. */
unsigned long long db_errors(const struct db *db);
/* Connects if not connected: KP_OK or KP_EUNAVAIL. Statements are prepared
 * on first use and kept for the life of the connection. */
enum kp_err db_connect(struct db *db);

/* What a statement does to what the plan answers show (at the
 * transactions below): it changes a plan's dreams or goals, or what a
 * citizen's answer shows besides; or it raises a plan's version or a
 * citizen's rev. arg is the index of the statement's parameter that names
 * that plan or citizen. A statement that names none does neither. */
enum db_mark { DB_MARK_NONE, DB_MARK_PLAN, DB_MARK_CITIZEN };

struct db_fact {
	enum db_mark changes;
	unsigned char changes_arg;
	enum db_mark raises;
	unsigned char raises_arg;
};

/* One statement: its SQL, the number of columns its rows have when they
 * are read by name (its enum's __MAX; 0 while they are not), and what it
 * does to what the plan answers show (db_fact). core/db.c's table holds
 * the running service's statements, by enum db_stmt; a tool's own
 * statements (the seed's) live in a table of their own, run with
 * db_query_def() and db_exec_def(). */
struct db_stmt_def {
	const char *sql;
	unsigned char cols;
	struct db_fact fact;
};

/*
 * Runs a statement that returns rows into *res (allocated in a).
 * Errors: KP_ECONFLICT for a duplicate key or a failed foreign key,
 * KP_ERETRY for a deadlock, a lock wait timeout or a lost connection
 * (outside a commit: the whole transaction may be run again), KP_EUNAVAIL
 * when the server cannot be reached, KP_EINTERNAL otherwise (logged).
 */
enum kp_err db_query(struct db *db, struct arena *a, enum db_stmt st,
                     const struct db_arg *args, size_t nargs, struct db_res *res);
/* Runs a statement without rows; *affected and *insert_id may be NULL. */
enum kp_err db_exec(struct db *db, enum db_stmt st, const struct db_arg *args, size_t nargs,
                    unsigned long long *affected, unsigned long long *insert_id);
/* The same for a statement outside the table: def must outlive the handle
 * (a static table), as it is prepared once per connection and kept under
 * its address, with the same binds, errors and facts. A handle keeps at
 * most DB_DEF_KEPT such statements; one more, or a def without SQL, is
 * KP_EINTERNAL (logged). */
#define DB_DEF_KEPT 32
enum kp_err db_query_def(struct db *db, struct arena *a, const struct db_stmt_def *def,
                         const struct db_arg *args, size_t nargs, struct db_res *res);
enum kp_err db_exec_def(struct db *db, const struct db_stmt_def *def, const struct db_arg *args,
                        size_t nargs, unsigned long long *affected,
                        unsigned long long *insert_id);

/*
 * Transactions, one way: db_tx_begin(), the work (goto out on failure),
 * then err = db_tx_end(db, err) on every path. db_tx_end() commits when
 * err is KP_OK and rolls back otherwise, and answers the transaction's
 * outcome: err as given after a rollback; after a commit KP_OK, KP_ERETRY
 * (a deadlock: run the whole transaction again), KP_EUNAVAIL (the
 * connection was lost during the commit, which may have been applied:
 * never run it again) or KP_EINTERNAL.
 *
 * What a plan answer shows is proven current by the plan's version and the
 * citizen's rev (fcgi/plan_cache.c). So a transaction that runs a
 * statement changing a plan's dreams or goals must also raise that plan's
 * version (DB_PLAN_BUMP), and one that changes what a citizen's answer
 * shows besides must raise that citizen's rev; db_tx_end() refuses to
 * commit one that does not (KP_EINTERNAL, logged), and such a statement
 * outside a transaction is refused. The statement table says which
 * statements change and which raise what.
 */
enum kp_err db_tx_begin(struct db *db);
enum kp_err db_tx_end(struct db *db, enum kp_err err);
/* A refusal that is itself a fact to keep (an attempt audited as denied):
 * the transaction's writes so far are committed by db_tx_end() whatever
 * its outcome, which it then answers unless the commit failed. */
void db_tx_keep(struct db *db);

/* Runs SQL text from a trusted file (migrations): KP_OK or KP_EINTERNAL with
 * the server's message in err. */
enum kp_err db_run_script(struct db *db, const char *sql, size_t len, char *err, size_t errlen);

#endif
