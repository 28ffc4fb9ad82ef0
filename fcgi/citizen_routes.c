/* citizen_routes.c: the citizen pool's route table and the bodies it takes.
 * It holds no admin route. */
#include "consent.h"
#include "internal.h"
#include "message.h"
#include "proposal.h"

/* The token's own limit (TOKEN_MAX_LEN) is checked by token_verify and
 * answers 401 like every other bad token; this cap only bounds the body. */
static const struct vfield login_body[] = {
	{"id_token", V_TEXT, true, 1, REQ_BODY_MAX, NULL},
};

static const struct vfield dream_body[] = {
	{"text", V_TEXT, true, 1, KP_TEXT_MAX, NULL},
};

static const struct vfield accept_body[] = {
	{"version", V_INT, true, 1, 2147483647LL, NULL},
};

static const struct vfield proposal_body[] = {
	{"kind", V_ENUM, true, 0, 0, proposal_kind_names},
	{"goal_id", V_INT, false, 1, 999999999999999999LL, NULL},
	{"title", V_TEXT, false, 1, KP_TITLE_MAX, NULL},
	{"description", V_TEXT, false, 0, KP_DESCRIPTION_MAX, NULL},
	{"reason", V_TEXT, true, 1, KP_TEXT_MAX, NULL},
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

#define BODY(b) b, sizeof(b) / sizeof((b)[0])

/* Consent first (LAB §30 b): the citizen's data answers only once consent
 * was given (R_CONSENT), and a change only while it holds (R_CHANGE). Open
 * without consent: the session, the consent itself, the access log (the
 * right to see who looked, which holds whatever the consent) and healthz. */
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
	{M_GET, "/api/v1/healthz", h_healthz, 0, NULL, 0},
	/* Both pools' counters; nginx lets only the host itself reach it. */
	{M_GET, "/metrics", h_metrics, 0, NULL, 0},
};

const size_t citizen_nroutes = sizeof(citizen_routes) / sizeof(citizen_routes[0]);
