/* admin_routes.c: the admin pool's route table and the bodies it takes. It
 * holds no citizen route. */
#include "consent.h"
#include "course.h"
#include "enrol.h"
#include "goal.h"
#include "household.h"
#include "internal.h"
#include "meeting.h"
#include "message.h"
#include "proposal.h"
#include "staff.h"

static const struct vfield login_body[] = {
	{"id_token", V_TEXT, true, 1, REQ_BODY_MAX, NULL},
};

static const struct vfield goal_body[] = {
	{"title", V_TEXT, true, 1, KP_TITLE_MAX, NULL},
	{"description", V_TEXT, false, 0, KP_DESCRIPTION_MAX, NULL},
	{"area", V_ENUM, true, 0, 0, goal_area_names},
	{"legal_basis", V_TEXT, true, 1, GOAL_LEGAL_BASIS_MAX, NULL},
	{"parent_goal_id", V_INT, false, 1, 999999999999999999LL, NULL},
	{"hours_per_week", V_NUMBER, false, 0, GOAL_HOURS_MAX, NULL},
	{"child_related", V_BOOL, false, 0, 0, NULL},
	{"child_id", V_INT, false, 1, 999999999999999999LL, NULL},
	{"status", V_ENUM, false, 0, 0, goal_new_status_names},
};

/* A change: every member optional; hours_per_week null clears it. */
static const struct vfield goal_patch_body[] = {
	{"title", V_TEXT, false, 1, KP_TITLE_MAX, NULL},
	{"description", V_TEXT, false, 0, KP_DESCRIPTION_MAX, NULL},
	{"area", V_ENUM, false, 0, 0, goal_area_names},
	{"legal_basis", V_TEXT, false, 1, GOAL_LEGAL_BASIS_MAX, NULL},
	{"hours_per_week", V_NUMBER, false, 0, GOAL_HOURS_MAX, NULL},
	{"child_related", V_BOOL, false, 0, 0, NULL},
	{"child_id", V_INT, false, 1, 999999999999999999LL, NULL},
	{"status", V_ENUM, false, 0, 0, goal_status_names},
};

static const struct vfield comment_body[] = {
	{"text", V_TEXT, true, 1, KP_TEXT_MAX, NULL},
};

static const struct vfield message_body[] = {
	{"text", V_TEXT, true, 1, MESSAGE_TEXT_MAX, NULL},
	{"key", V_TEXT, false, 1, MESSAGE_KEY_MAX, NULL},
};

static const struct vfield decision_body[] = {
	{"decision", V_ENUM, true, 0, 0, proposal_decision_names},
	{"reason", V_TEXT, false, 1, KP_TEXT_MAX, NULL},
	{"area", V_ENUM, false, 0, 0, goal_area_names},
	{"legal_basis", V_TEXT, false, 1, GOAL_LEGAL_BASIS_MAX, NULL},
	{"hours_per_week", V_NUMBER, false, 0, GOAL_HOURS_MAX, NULL},
};

static const struct vfield contact_body[] = {
	{"staff_id", V_INT, true, 1, 999999999999999999LL, NULL},
};

/* A member of the staff directory; staff.c checks the rest (one line,
 * identity bytes). */
static const struct vfield staff_body[] = {
	{"name", V_TEXT, true, 1, 200, NULL},
	{"role", V_ENUM, true, 0, 0, staff_role_names},
	{"title", V_TEXT, false, 0, 100, NULL},
	{"issuer", V_TEXT, true, 1, 255, NULL},
	{"subject", V_TEXT, true, 1, 255, NULL},
	{"active", V_BOOL, false, 0, 0, NULL},
	{"phone", V_TEXT, false, 0, 40, NULL},
	{"email", V_TEXT, false, 0, 200, NULL},
	{"hours", V_TEXT, false, 0, STAFF_HOURS_MAX, NULL},
};

/* A change: every member optional. */
static const struct vfield staff_patch_body[] = {
	{"name", V_TEXT, false, 1, 200, NULL},
	{"role", V_ENUM, false, 0, 0, staff_role_names},
	{"title", V_TEXT, false, 0, 100, NULL},
	{"issuer", V_TEXT, false, 1, 255, NULL},
	{"subject", V_TEXT, false, 1, 255, NULL},
	{"active", V_BOOL, false, 0, 0, NULL},
	{"phone", V_TEXT, false, 0, 40, NULL},
	{"email", V_TEXT, false, 0, 200, NULL},
	{"hours", V_TEXT, false, 0, STAFF_HOURS_MAX, NULL},
};

static const struct vfield consent_body[] = {
	{"action", V_ENUM, true, 0, 0, consent_action_names},
	{"paper", V_BOOL, false, 0, 0, NULL},
};

/* participants' elements are checked by meeting_check. */
static const struct vfield meeting_body[] = {
	{"kind", V_ENUM, true, 0, 0, meeting_kind_names},
	{"starts_at", V_TEXT, true, 1, 64, NULL}, /* its form: meeting_check */
	{"place", V_TEXT, true, 1, MEETING_PLACE_MAX, NULL},
	{"agenda", V_TEXT, false, 0, MEETING_AGENDA_MAX, NULL},
	{"participants", V_ARRAY, false, 0, MEETING_PARTICIPANTS_MAX, NULL},
};

static const struct vfield meeting_minutes_body[] = {
	{"text", V_TEXT, true, 1, MEETING_MINUTES_MAX, NULL},
};

static const struct vfield meeting_point_body[] = {
	{"text", V_TEXT, true, 1, MEETING_POINT_MAX, NULL},
};

static const struct vfield course_end_body[] = {
	{"outcome", V_ENUM, true, 0, 0, course_outcome_names},
};

/* The CPR number's shape and date are enrol_citizen's to check, with a
 * message that never holds it; 64 only bounds what is read. */
static const struct vfield enrol_body[] = {
	{"cpr", V_TEXT, true, 1, 64, NULL},
	{"name", V_TEXT, true, 1, ENROL_NAME_MAX, NULL},
	{"contact_staff_id", V_INT, false, 1, 999999999999999999LL, NULL},
	{"household_id", V_INT, false, 1, 999999999999999999LL, NULL},
};

/* A household: its name and its adults (ids; household_form checks each). */
static const struct vfield household_body[] = {
	{"name", V_TEXT, true, 1, ENROL_NAME_MAX, NULL},
	{"members", V_ARRAY, true, 1, HOUSEHOLD_MEMBERS_MAX, NULL},
};

/* A child: birth_date's form and range are household_child_add's to check. */
static const struct vfield child_body[] = {
	{"name", V_TEXT, true, 1, ENROL_NAME_MAX, NULL},
	{"birth_date", V_TEXT, true, 1, 32, NULL},
};

#define BODY(b) b, sizeof(b) / sizeof((b)[0])

const struct route admin_routes[] = {
	{M_POST, "/admin/api/v1/session", h_admin_session_create, R_DEV | R_JSON, BODY(login_body)},
	{M_GET, "/admin/api/v1/login", h_login, 0, NULL, 0},
	{M_GET, "/admin/api/v1/login/callback", h_login_callback, 0, NULL, 0},
	{M_GET, "/admin/api/v1/logout", h_logout, 0, NULL, 0},
	{M_GET, "/admin/api/v1/session", h_session_get, R_SESSION, NULL, 0},
	{M_DELETE, "/admin/api/v1/session", h_session_delete, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/citizens", h_admin_citizens, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/citizens", h_admin_enrol, R_SESSION | R_CASEWORKER | R_JSON,
	 BODY(enrol_body)},
	{M_GET, "/admin/api/v1/citizens/{id}/plan", h_admin_plan, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/citizens/{id}/audit", h_admin_audit, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/citizens/{id}/not-yet/acknowledgement", h_admin_not_yet_ack,
	 R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/citizens/{id}/cpr", h_admin_cpr, R_SESSION | R_CASEWORKER, NULL, 0},
	{M_POST, "/admin/api/v1/citizens/{id}/goals", h_admin_goal_create,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(goal_body)},
	{M_PATCH, "/admin/api/v1/citizens/{id}/goals/{id}", h_admin_goal_update,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(goal_patch_body)},
	{M_GET, "/admin/api/v1/citizens/{id}/child-related", h_admin_child_related, R_SESSION, NULL,
	 0},
	{M_PUT, "/admin/api/v1/citizens/{id}/contact", h_admin_contact_put,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(contact_body)},
	{M_POST, "/admin/api/v1/citizens/{id}/caseworker", h_admin_caseworker_post,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(contact_body)},
	{M_POST, "/admin/api/v1/citizens/{id}/consent", h_admin_consent,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(consent_body)},
	{M_GET, "/admin/api/v1/citizens/{id}/consent", h_admin_consent_get, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/legal-bases", h_admin_legal_bases, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/staff", h_admin_staff, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/staff", h_admin_staff_create, R_SESSION | R_LEADER | R_JSON,
	 BODY(staff_body)},
	{M_PATCH, "/admin/api/v1/staff/{id}", h_admin_staff_patch, R_SESSION | R_LEADER | R_JSON,
	 BODY(staff_patch_body)},
	{M_GET, "/admin/api/v1/proposals", h_admin_proposals, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/proposals/{id}/comments", h_admin_proposal_comment,
	 R_SESSION | R_JSON, BODY(comment_body)},
	{M_POST, "/admin/api/v1/proposals/{id}/decision", h_admin_proposal_decision,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(decision_body)},
	{M_POST, "/admin/api/v1/citizens/{id}/meetings", h_admin_meeting_create, R_SESSION | R_JSON,
	 BODY(meeting_body)},
	{M_GET, "/admin/api/v1/citizens/{id}/meetings", h_admin_meeting_list, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/citizens/{id}/messages", h_admin_message_list, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/citizens/{id}/messages", h_admin_message_create, R_SESSION | R_JSON,
	 BODY(message_body)},
	{M_POST, "/admin/api/v1/meetings/{id}/held", h_admin_meeting_held, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/meetings/{id}/minutes", h_admin_meeting_minutes, R_SESSION | R_JSON,
	 BODY(meeting_minutes_body)},
	{M_POST, "/admin/api/v1/meetings/{id}/agenda", h_meeting_agenda, R_SESSION | R_JSON,
	 BODY(meeting_point_body)},
	{M_POST, "/admin/api/v1/citizens/{id}/course-end", h_admin_course_end,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(course_end_body)},
	{M_POST, "/admin/api/v1/citizens/{id}/course-reopen", h_admin_course_reopen,
	 R_SESSION | R_CASEWORKER, NULL, 0},
	{M_POST, "/admin/api/v1/households", h_admin_household_create,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(household_body)},
	{M_GET, "/admin/api/v1/households/{id}", h_admin_household, R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/households/{id}/children", h_admin_household_child,
	 R_SESSION | R_CASEWORKER | R_JSON, BODY(child_body)},
	{M_GET, "/admin/api/v1/households/{id}/children/{id}/export", h_admin_household_child_export,
	 R_SESSION, NULL, 0},
	{M_POST, "/admin/api/v1/households/{id}/members/{id}/move-out", h_admin_household_move_out,
	 R_SESSION | R_CASEWORKER, NULL, 0},
	{M_GET, "/admin/api/v1/reports/overview", h_admin_report_overview, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/healthz", h_healthz, 0, NULL, 0},
};

const size_t admin_nroutes = sizeof(admin_routes) / sizeof(admin_routes[0]);
