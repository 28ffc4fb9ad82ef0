/* h_admin_report.c: the overview report, for any staff member. It holds
 * aggregate numbers only, so it is not an access to anyone's data and
 * writes no audit row. */
#include "internal.h"
#include "report.h"

enum kp_err h_admin_report_overview(struct req *r)
{
	json_t *out;
	enum kp_err err = report_overview(r->w->db, r->a, &out);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
