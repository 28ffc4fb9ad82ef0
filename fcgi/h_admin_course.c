/* h_admin_course.c: the coordinating caseworker records how a citizen's
 * course ended, and reopens it within the configured period. */
#include <string.h>

#include "course.h"
#include "internal.h"

enum kp_err h_admin_course_end(struct req *r)
{
	const char *outcome = json_string_value(json_object_get(r->body, "outcome"));
	json_t *out;
	enum kp_err err;
	int k;

	for (k = 0; k < COURSE__MAX; k++)
		if (outcome != NULL && strcmp(outcome, course_outcome_names[k]) == 0)
			break;
	err = course_end(r->w->db, r->a, &r->sess.who, r->ids[0], (enum course_outcome)k, r->now,
	                 &out, &r->fail);
	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}

enum kp_err h_admin_course_reopen(struct req *r)
{
	json_t *out;
	enum kp_err err = course_reopen(r->w->db, r->a, &r->sess.who, r->ids[0],
	                                r->w->cfg->course_reopen_days, r->now, &out, &r->fail);

	if (err == KP_OK)
		respond_json(r, 200, out);
	return err;
}
