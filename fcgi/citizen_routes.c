/* citizen_routes.c: the citizen pool's route table and the bodies it takes.
 * It holds no admin route. */
#include "consent.h"
#include "internal.h"
#include "meeting.h"
#include "message.h"
#include "outbox.h"
#include "progress.h"
#include "proposal.h"

/* The token's own limit (TOKEN_MAX_LEN) is checked by token_verify and
 * answers 401 like every other bad token; this cap only bounds the body. */
static const struct vfield login_body[] = {
	{"id_token", V_TEXT, true, 1, REQ_BODY_MAX, NULL},
};

static const struct vfield dream_body[] = {
	{"text", V_TEXT, true, 1, KP_TEXT_MAX, NULL},
};

static const char *const accept_answer_names[] = {"yes", "not_yet", NULL};

static const struct vfield accept_body[] = {
	{"version", V_INT, true, 1, 2147483647LL, NULL},
	{"answer", V_ENUM, false, 0, 0, accept_answer_names},
	{"comment", V_TEXT, false, 1, KP_TEXT_MAX, NULL},
};

static const struct vfield proposal_body[] = {
	{"kind", V_ENUM, true, 0, 0, proposal_kind_names},
	{"goal_id", V_INT, false, 1, 999999999999999999LL, NULL},
	{"title", V_TEXT, false, 1, KP_TITLE_MAX, NULL},
	{"description", V_TEXT, false, 0, KP_DESCRIPTION_MAX, NULL},
	{"reason", V_TEXT, true, 1, KP_TEXT_MAX, NULL},
};

/* How a goal goes: a FHIR Goal achievementStatus code and a short note. */
static const struct vfield progress_body[] = {
	{"status", V_ENUM, true, 0, 0, progress_status_names},
	{"note", V_TEXT, false, 0, PROGRESS_NOTE_MAX, NULL},
};

/* key: the writer's own name for the message, so that a retry stores it
 * once (message_send checks its characters). */
static const struct vfield message_body[] = {
	{"text", V_TEXT, true, 1, MESSAGE_TEXT_MAX, NULL},
	{"key", V_TEXT, false, 1, MESSAGE_KEY_MAX, NULL},
};

static const struct vfield consent_body[] = {
	{"action", V_ENUM, true, 0, 0, consent_citizen_action_names},
};

/* Types only; outbox_settings_put checks the address and the number. */
static const struct vfield notify_body[] = {
	{"email", V_TEXT, false, 0, OUTBOX_EMAIL_MAX, NULL},
	{"email_on", V_BOOL, true, 0, 0, NULL},
	{"sms", V_TEXT, false, 0, 32, NULL},
	{"sms_on", V_BOOL, true, 0, 0, NULL},
};

static const struct vfield meeting_point_body[] = {
	{"text", V_TEXT, true, 1, MEETING_POINT_MAX, NULL},
};

static const struct vfield meeting_response_body[] = {
	{"answer", V_ENUM, true, 0, 0, meeting_answer_names},
	{"comment", V_TEXT, false, 0, MEETING_COMMENT_MAX, NULL},
};

#define BODY(b) b, sizeof(b) / sizeof((b)[0])

/* Consent first (LAB §30 b): the citizen's data answers only once consent
 * was given (R_CONSENT), and a change only while it holds (R_CHANGE). Open
 * without consent: the session, the consent itself, the access log (the
 * right to see who looked, which holds whatever the consent), the
 * notification settings and healthz. */
const struct route citizen_routes[] = {
	{M_POST, "/api/v1/session", h_session_create, R_DEV | R_JSON, BODY(login_body)},
	{M_GET, "/api/v1/login", h_login, 0, NULL, 0},
	{M_GET, "/api/v1/login/callback", h_login_callback, 0, NULL, 0},
	{M_GET, "/api/v1/logout", h_logout, 0, NULL, 0},
	{M_GET, "/api/v1/session", h_session_get, R_SESSION, NULL, 0},
	{M_DELETE, "/api/v1/session", h_session_delete, R_SESSION, NULL, 0},
	{M_GET, "/api/v1/consent", h_consent_get, R_SESSION, NULL, 0},
	{M_POST, "/api/v1/consent", h_consent_post, R_SESSION | R_JSON, BODY(consent_body)},
	{M_GET, "/api/v1/plan", h_plan_get, R_SESSION | R_CONSENT, NULL, 0},
	{M_POST, "/api/v1/plan/dreams", h_dream_create, R_SESSION | R_CHANGE | R_JSON,
	 BODY(dream_body)},
	{M_PUT, "/api/v1/plan/dreams/{id}", h_dream_update, R_SESSION | R_CHANGE | R_JSON,
	 BODY(dream_body)},
	{M_DELETE, "/api/v1/plan/dreams/{id}", h_dream_delete, R_SESSION | R_CHANGE, NULL, 0},
	{M_POST, "/api/v1/plan/acceptance", h_plan_accept, R_SESSION | R_CHANGE | R_JSON,
	 BODY(accept_body)},
	{M_GET, "/api/v1/plan/acceptance", h_plan_acceptance, R_SESSION | R_CONSENT, NULL, 0},
	{M_GET, "/api/v1/plan/changes", h_plan_changes, R_SESSION | R_CONSENT, NULL, 0},
	{M_GET, "/api/v1/plan/history", h_plan_history, R_SESSION | R_CONSENT, NULL, 0},
	{M_GET, "/api/v1/contact", h_contact_get, R_SESSION | R_CONSENT, NULL, 0},
	{M_GET, "/api/v1/access-log", h_access_log, R_SESSION, NULL, 0},
	{M_POST, "/api/v1/proposals", h_proposal_create, R_SESSION | R_CHANGE | R_JSON,
	 BODY(proposal_body)},
	{M_GET, "/api/v1/proposals", h_proposal_list, R_SESSION | R_CONSENT, NULL, 0},
	{M_POST, "/api/v1/proposals/{id}/withdrawal", h_proposal_withdraw, R_SESSION | R_CHANGE,
	 NULL, 0},
	{M_GET, "/api/v1/messages", h_message_list, R_SESSION | R_CONSENT, NULL, 0},
	{M_POST, "/api/v1/messages", h_message_create, R_SESSION | R_CHANGE | R_JSON,
	 BODY(message_body)},
	{M_GET, "/api/v1/messages/unread", h_message_unread, R_SESSION | R_CONSENT, NULL, 0},
	{M_GET, "/api/v1/meetings", h_meeting_list, R_SESSION | R_CONSENT, NULL, 0},
	{M_POST, "/api/v1/meetings/{id}/agenda", h_meeting_agenda, R_SESSION | R_CHANGE | R_JSON,
	 BODY(meeting_point_body)},
	{M_POST, "/api/v1/meetings/{id}/response", h_meeting_response,
	 R_SESSION | R_CHANGE | R_JSON, BODY(meeting_response_body)},
	{M_GET, "/api/v1/meetings/{id}/calendar", h_meeting_calendar, R_SESSION | R_CONSENT, NULL,
	 0},
	/* The citizen's own way to be told of news, not the plan: open
	 * without consent, so that one who withdrew it can still turn
	 * notifications off. */
	{M_GET, "/api/v1/notifications", h_notify_get, R_SESSION, NULL, 0},
	{M_PUT, "/api/v1/notifications", h_notify_put, R_SESSION | R_JSON, BODY(notify_body)},
	{M_POST, "/api/v1/goals/{id}/progress", h_progress_add, R_SESSION | R_CHANGE | R_JSON,
	 BODY(progress_body)},
	{M_GET, "/api/v1/goals/{id}/progress", h_progress_list, R_SESSION | R_CONSENT, NULL, 0},
	{M_GET, "/api/v1/healthz", h_healthz, 0, NULL, 0},
	/* Both pools' counters; nginx lets only the host itself reach it. */
	{M_GET, "/metrics", h_metrics, 0, NULL, 0},
};

const size_t citizen_nroutes = sizeof(citizen_routes) / sizeof(citizen_routes[0]);
