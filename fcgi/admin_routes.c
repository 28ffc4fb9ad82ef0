/* admin_routes.c: the admin pool's route table and the bodies it takes. It
 * holds no citizen route. */
#include "internal.h"

static const struct vfield login_body[] = {
	{"id_token", V_TEXT, true, 1, REQ_BODY_MAX, NULL},
};

#define BODY(b) b, sizeof(b) / sizeof((b)[0])

const struct route admin_routes[] = {
	{M_POST, "/admin/api/v1/session", h_admin_session_create, R_JSON, BODY(login_body)},
	{M_DELETE, "/admin/api/v1/session", h_session_delete, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/citizens", h_admin_citizens, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/citizens/{id}/plan", h_admin_plan, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/citizens/{id}/audit", h_admin_audit, R_SESSION, NULL, 0},
	{M_GET, "/admin/api/v1/healthz", h_healthz, 0, NULL, 0},
};

const size_t admin_nroutes = sizeof(admin_routes) / sizeof(admin_routes[0]);
