/* h_admin.c: the caseworker's and contact person's view of their caseload:
 * the list, a citizen's plan and its audit trail, and the coordinating
 * caseworker's request for the CPR number. Every read goes through the
 * caseload gate, which writes the audit row. */
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "course.h"
#include "internal.h"
#include "plan.h"

enum kp_err h_admin_citizens(struct req *r)
{
	struct page pg;
	json_t *out;
	enum kp_err err;

	if ((err = paging_read(r, PAGING_NAME, &pg)) != KP_OK ||
	    (err = caseload_list(r->w->db, r->a, &r->w->keys, &r->sess.who, r->now, &pg,
	                                &out)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_NAME, &pg);
}

enum kp_err h_admin_plan(struct req *r)
{
	long long version;
	json_t *out;
	json_t *course;
	enum kp_err err = caseload_plan(r->w->db, r->a, &r->w->keys, &r->sess.who, r->ids[0], &out,
	                                &version);

	if (err != KP_OK)
		return err;
	/* How the course stands, after the audited read's access check. */
	if ((err = course_state(r->w->db, r->a, r->ids[0], r->w->cfg->course_reopen_days, r->now,
	                        &course)) != KP_OK ||
	    json_object_set_new(out, "course", course) != 0) {
		json_decref(out);
		return err != KP_OK ? err : KP_EINTERNAL;
	}
	respond_etag(r, version);
	respond_json(r, 200, out);
	return KP_OK;
}

/* The contact person has seen the citizen's "not yet" and acted on it. */
enum kp_err h_admin_not_yet_ack(struct req *r)
{
	json_t *out;
	enum kp_err err = plan_not_yet_acknowledge(r->w->db, r->a, &r->sess.who, r->ids[0], &out,
	                                           &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_audit(struct req *r)
{
	struct caseload_citizen c;
	struct page pg;
	json_t *out;
	enum kp_err err;

	/* A bad page is refused before the read is audited. */
	if ((err = paging_read(r, PAGING_ID, &pg)) != KP_OK ||
	    (err = caseload_read(r->w->db, r->a, &r->sess.who, r->ids[0], "audit", &c)) != KP_OK ||
	    (err = audit_list(r->w->db, r->a, c.id, &pg, &out)) != KP_OK)
		return err;
	return paging_respond(r, out, PAGING_ID, &pg);
}

/* Why the caseworker looks at the number: optional, so a body is read
 * only when one is sent, and then as any JSON body. */
static const struct vfield cpr_body[] = {
	{"reason", V_TEXT, false, 1, CASELOAD_CPR_REASON_MAX, NULL},
};
static const struct route cpr_route = {M_POST, "/admin/api/v1/citizens/{id}/cpr", h_admin_cpr,
                                       R_JSON, cpr_body, 1};

/* POST, not GET: each answer is an audited read of its own (read_cpr). */
enum kp_err h_admin_cpr(struct req *r)
{
	const char *len = FCGX_GetParam("CONTENT_LENGTH", r->fcgx->envp);
	char cpr[CASELOAD_CPR_SHOWN_LEN + 1];
	enum kp_err err;
	json_t *out;

	if (len != NULL && *len != '\0' && strcmp(len, "0") != 0 &&
	    (err = request_body(r, &cpr_route)) != KP_OK)
		return err;
	err = caseload_cpr_why(r->w->db, r->a, &r->w->keys, &r->sess.who, r->ids[0],
	                       json_string_value(json_object_get(r->body, "reason")), cpr, &r->fail);
	if (err == KP_OK) {
		if ((out = json_pack("{s:s}", "cpr", cpr)) != NULL)
			respond_json(r, 200, out);
		else
			err = KP_EINTERNAL;
	}
	kp_wipe(cpr, sizeof(cpr));
	return err;
}
