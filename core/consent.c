/* consent.c: the citizen's consent, given, withdrawn and recorded (see
 * consent.h). */
#include <string.h>

#include "audit.h"
#include "caseload.h"
#include "consent.h"
#include "kpjson.h"

const char consent_text_da[] =
	"Jeg siger ja til, at kommunen laver én fælles plan sammen med mig (LAB § 30 b). "
	"Den fælles plan erstatter de planer, jeg ellers ville have hos jobcentret, "
	"socialforvaltningen, sundhedsområdet og andre dele af kommunen. "
	"Min koordinerende sagsbehandler og min kontaktperson kan se og ændre planen. "
	"De fagfolk, der arbejder med mig, kan se den, og jeg kan altid se, hvem der har "
	"set eller ændret mine oplysninger. "
	"Jeg kan altid trække mit ja tilbage. Så bliver planen låst: den kan læses, men "
	"ingen kan ændre den, før jeg siger ja igen. Min sag fortsætter så med hver sin "
	"plan, som før.";

const char consent_text_en[] =
	"I agree that the municipality makes one joint plan together with me (LAB § 30 b). "
	"The joint plan replaces the plans I would otherwise have with the job centre, "
	"social services, health services and other parts of the municipality. "
	"My coordinating caseworker and my contact person can see and change the plan. "
	"The professionals who work with me can see it, and I can always see who has "
	"seen or changed my information. "
	"I can always take back my yes. Then the plan is locked: it can be read, but "
	"nobody can change it until I say yes again. My case then goes on with separate "
	"plans, as before.";

const char *const consent_action_names[] = {"given", "withdrawn", NULL};
const char *const consent_citizen_action_names[] = {"give", "withdraw", NULL};

const char *consent_state_name(const char *stored)
{
	if (stored != NULL && strcmp(stored, "given") == 0)
		return "given";
	if (stored != NULL && strcmp(stored, "withdrawn") == 0)
		return "withdrawn";
	return "none";
}

enum kp_err consent_frozen(struct kp_fail *f)
{
	return KP_FAIL(f, KP_ECONFLICT, "plan_frozen",
	               "consent to the joint plan is withdrawn: the plan can be read but not "
	               "changed until consent is given again");
}

enum kp_err consent_gate(const char *consent, bool frozen, bool change, struct kp_fail *f)
{
	const char *state = consent_state_name(consent);

	if (strcmp(state, "none") == 0)
		return KP_FAIL(f, KP_EFORBIDDEN, "consent_required",
		               "give your consent to the joint plan first (POST /api/v1/consent)");
	if (change && (frozen || strcmp(state, "given") != 0))
		return consent_frozen(f);
	return KP_OK;
}

json_t *consent_fact_json(const struct db_res *r, size_t i, bool staff)
{
	json_t *by = json_null();

	if (db_cell(r, i, CN_STAFF_ID) != NULL)
		by = staff ? json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)db_i64(r, i, CN_STAFF_ID),
		                       "name", db_cell(r, i, CN_STAFF_NAME), "role",
		                       db_cell(r, i, CN_STAFF_ROLE))
		           : json_pack("{s:s?, s:s?}", "name", db_cell(r, i, CN_STAFF_NAME), "role",
		                       db_cell(r, i, CN_STAFF_ROLE));
	return json_pack("{s:I, s:s, s:s, s:s?, s:b, s:o}", "id", (json_int_t)db_i64(r, i, CN_ID),
	                 "action", db_cell(r, i, CN_ACTION), "at", db_cell(r, i, CN_AT),
	                 "text_version",
	                 *db_cell(r, i, CN_TEXT_VERSION) != '\0' ? db_cell(r, i, CN_TEXT_VERSION) : NULL,
	                 "paper", db_i64(r, i, CN_PAPER) != 0, "recorded_by", by);
}

static json_t *consent_fact_staff(const void *ctx, size_t i)
{
	return consent_fact_json(ctx, i, true);
}

/* The newest fact (r, possibly no row) and the plan's frozen state as the
 * citizen's answer. NULL when out of memory. */
static json_t *consent_citizen_json(const struct db_res *r, bool frozen)
{
	json_t *out, *fact = NULL;

	if (r->nrows == 1 && (fact = consent_fact_json(r, 0, false)) == NULL)
		return NULL;
	out = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:b}", "status",
	                consent_state_name(r->nrows == 1 ? db_cell(r, 0, CN_ACTION) : NULL), "at",
	                r->nrows == 1 ? db_cell(r, 0, CN_AT) : NULL, "text", consent_text_da,
	                "text_en", consent_text_en, "text_version", CONSENT_TEXT_VERSION,
	                "plan_frozen", frozen);
	if (out == NULL || json_object_set_new(out, "fact", fact != NULL ? fact : json_null()) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The newest fact of citizen_id into *r and whether the plan is frozen. */
static enum kp_err consent_read(struct db *db, struct arena *a, long long citizen_id,
                                struct db_res *r, bool *frozen)
{
	struct db_res head;
	enum kp_err err;

	if ((err = db_query(db, a, DB_CITIZEN_CONSENT, DB_ARGS(DB_I64(citizen_id)), r)) != KP_OK ||
	    (err = db_query(db, a, DB_CITIZEN_HEAD, DB_ARGS(DB_I64(citizen_id)), &head)) != KP_OK)
		return err;
	if (head.nrows != 1)
		return KP_ENOTFOUND;
	*frozen = db_i64(&head, 0, CH_FROZEN) != 0;
	return KP_OK;
}

enum kp_err consent_get(struct db *db, struct arena *a, long long citizen_id, json_t **out)
{
	struct db_res r;
	bool frozen = false;
	enum kp_err err;

	*out = NULL;
	if ((err = consent_read(db, a, citizen_id, &r, &frozen)) != KP_OK)
		return err;
	*out = consent_citizen_json(&r, frozen);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/*
 * Inside the caller's transaction: writes action for citizen_id of plan_id
 * unless it is the citizen's state already (*created false). The plan's
 * row is locked first, as every change of the plan locks it, then the
 * citizen's: two requests at once write one fact, and a change of the
 * plan runs wholly before or after the fact. The fact, the citizen's state
 * (and rev), the plan's frozen state and every other member's rev (their
 * answers show it) go together.
 */
static enum kp_err consent_write(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long citizen_id, long long plan_id, const char *action,
                                 bool paper, bool *created)
{
	unsigned long long fact = 0;
	struct db_res r, members;
	enum kp_err err;
	size_t i;

	*created = false;
	if ((err = db_query(db, a, DB_PLAN_LOCK, DB_ARGS(DB_I64(plan_id)), &r)) != KP_OK ||
	    (err = db_query(db, a, DB_CITIZEN_CONSENT_LOCK, DB_ARGS(DB_I64(citizen_id)), &r)) !=
	            KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	if (strcmp(consent_state_name(db_cell(&r, 0, CK_CONSENT)), action) == 0)
		return KP_OK;
	err = db_exec(db, DB_CONSENT_INSERT,
	              DB_ARGS(DB_I64(citizen_id), DB_I64(plan_id), DB_STR(action),
	                      who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                      DB_STR(who->request_id ? who->request_id : ""),
	                      DB_STR(CONSENT_TEXT_VERSION), DB_I64(paper ? 1 : 0)),
	              NULL, &fact);
	if (err == KP_OK)
		err = db_exec(db, DB_CITIZEN_CONSENT_SET,
		              DB_ARGS(DB_I64((long long)fact), DB_I64(citizen_id)), NULL, NULL);
	if (err == KP_OK)
		err = db_exec(db, DB_PLAN_FROZEN_SET, DB_ARGS(DB_I64(plan_id), DB_I64(plan_id)), NULL,
		              NULL);
	if (err == KP_OK)
		err = db_query(db, a, DB_HOUSEHOLD_MEMBERS,
		               DB_ARGS(DB_I64(plan_id), DB_I64(citizen_id)), &members);
	for (i = 0; err == KP_OK && i < members.nrows; i++)
		err = db_exec(db, DB_CITIZEN_REV_BUMP, DB_ARGS(DB_I64(db_i64(&members, i, HM_ID))),
		              NULL, NULL);
	*created = err == KP_OK;
	return err;
}

enum kp_err consent_citizen(struct db *db, struct arena *a, const struct kp_actor *who,
                            const char *action, json_t **out, bool *created,
                            struct kp_fail *f)
{
	const char *fact;
	enum kp_err err;

	*out = NULL;
	*created = false;
	if (action != NULL && strcmp(action, "give") == 0)
		fact = "given";
	else if (action != NULL && strcmp(action, "withdraw") == 0)
		fact = "withdrawn";
	else
		return KP_FAIL(f, KP_EINVAL, "invalid_field", "action: must be give or withdraw");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = consent_write(db, a, who, who->id, who->plan_id, fact, false, created);
	if (err == KP_OK && *created)
		err = audit_write(db, a, who, who->id,
		                  strcmp(fact, "given") == 0 ? "consent_given" : "consent_withdrawn",
		                  "consent");
	if ((err = db_tx_end(db, err)) != KP_OK) {
		*created = false;
		return err;
	}
	return consent_get(db, a, who->id, out);
}

enum kp_err consent_record(struct db *db, struct arena *a, const struct kp_actor *who,
                           long long citizen_id, const char *action, bool paper, json_t **out,
                           bool *created, struct kp_fail *f)
{
	struct caseload_citizen c;
	struct db_res r;
	json_t *fact;
	enum kp_err err;

	*out = NULL;
	*created = false;
	if (action == NULL ||
	    (strcmp(action, "given") != 0 && strcmp(action, "withdrawn") != 0))
		return KP_FAIL(f, KP_EINVAL, "invalid_field", "action: must be given or withdrawn");
	if (strcmp(action, "given") == 0 && !paper)
		return KP_FAIL(f, KP_EINVAL, "paper_required",
		               "staff record a consent given only from a signed paper (paper: true); "
		               "the citizen gives it online themselves");
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id,
	                    strcmp(action, "given") == 0 ? "consent_given" : "consent_withdrawn",
	                    "consent", &c);
	if (err == KP_OK)
		err = consent_write(db, a, who, c.id, c.plan_id, action, paper, created);
	/* The newest row: the one just written, or the one that holds. */
	if (err == KP_OK)
		err = db_query(db, a, DB_CITIZEN_CONSENT, DB_ARGS(DB_I64(c.id)), &r);
	if (err == KP_OK && r.nrows != 1)
		err = KP_EINTERNAL;
	if ((err = db_tx_end(db, err)) != KP_OK) {
		*created = false;
		return err;
	}
	if ((fact = consent_fact_json(&r, 0, true)) == NULL)
		return KP_EINTERNAL;
	*out = json_pack("{s:s, s:s, s:o}", "status", db_cell(&r, 0, CN_ACTION), "at",
	                 db_cell(&r, 0, CN_AT), "fact", fact);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err consent_history(struct db *db, struct arena *a, const struct kp_actor *who,
                            long long citizen_id, struct page *pg, json_t **out)
{
	struct caseload_citizen c;
	struct db_res r, newest;
	enum kp_err err;
	size_t n;

	*out = NULL;
	if ((err = caseload_read(db, a, who, citizen_id, "consent", &c)) != KP_OK ||
	    (err = db_query(db, a, DB_CITIZEN_CONSENT, DB_ARGS(DB_I64(c.id)), &newest)) != KP_OK ||
	    (err = db_query(db, a, DB_CONSENT_LIST,
	                    DB_ARGS(DB_I64(c.id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))),
	                    &r)) != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, CN_ID);
	*out = json_pack("{s:s, s:s?, s:b, s:s, s:o}", "status",
	                 consent_state_name(newest.nrows == 1 ? db_cell(&newest, 0, CN_ACTION) : NULL),
	                 "at", newest.nrows == 1 ? db_cell(&newest, 0, CN_AT) : NULL, "plan_frozen",
	                 c.frozen, "text_version", CONSENT_TEXT_VERSION, "history",
	                 kp_json_list(n, consent_fact_staff, &r));
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
