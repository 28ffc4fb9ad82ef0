/* consent.c: recording the citizen's consent (see consent.h). */
#include <string.h>

#include "caseload.h"
#include "consent.h"

const char *const consent_action_names[] = {"given", "withdrawn", NULL};

enum kp_err consent_record(struct db *db, struct arena *a, const struct kp_actor *who,
                           long long citizen_id, const char *action, json_t **out,
                           struct kp_fail *f)
{
	struct caseload_citizen c;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if (strcmp(action, "given") != 0 && strcmp(action, "withdrawn") != 0)
		return KP_FAIL(f, KP_EINVAL, "invalid_field", "action: must be given or withdrawn");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id,
	                    strcmp(action, "given") == 0 ? "consent_given" : "consent_withdrawn",
	                    "consent", &c);
	if (err != KP_OK)
		goto out;
	err = db_exec(db, DB_CONSENT_INSERT,
	              DB_ARGS(DB_I64(c.id), DB_I64(c.plan_id), DB_STR(action),
	                      who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                      DB_STR(who->request_id ? who->request_id : "")),
	              NULL, NULL);
	/* The newest row is the one just written: its time as the database
	 * recorded it. */
	if (err == KP_OK)
		err = db_query(db, a, DB_CITIZEN_CONSENT, DB_ARGS(DB_I64(c.id)), &r);
	if (err == KP_OK && r.nrows != 1)
		err = KP_EINTERNAL;
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	*out = json_pack("{s:s, s:s}", "status", db_cell(&r, 0, CN_ACTION), "at",
	                 db_cell(&r, 0, CN_AT));
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
