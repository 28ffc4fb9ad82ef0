/* caseload.c: the gate for staff access to citizens (see caseload.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "caseload.h"
#include "consent.h"
#include "cpr.h"
#include "kpjson.h"
#include "meeting.h"
#include "plan.h"

/* Whether an access reaches the whole shared plan (the household's dreams
 * and goals), and so every member of it, not one person's own records
 * (contact, consent, meetings, course, a proposal's comments). */
static bool shared_plan_access(const char *action, const char *object)
{
	static const char *const changes[] = {"goal_added", "goal_changed", "proposal_approved",
	                                      "child_added", "household_moved_out"};
	size_t i;

	if (strcmp(action, "read") == 0)
		return strcmp(object, "plan") == 0 || strcmp(object, "child-related") == 0;
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (strcmp(action, changes[i]) == 0)
			return true;
	return false;
}

/* The audit rows of an access: one for the citizen, and one for each other
 * member of a household plan when the access reaches the shared plan, so
 * every member's access log shows who saw or changed their data. */
static enum kp_err caseload_audit(struct db *db, struct arena *a, const struct kp_actor *who,
                                  long long citizen_id, long long plan_id, const char *action,
                                  const char *object)
{
	struct db_res m;
	enum kp_err err;
	size_t i;

	if ((err = audit_write(db, a, who, citizen_id, action, object)) != KP_OK ||
	    !shared_plan_access(action, object))
		return err;
	err = db_query(db, a, DB_HOUSEHOLD_MEMBERS, DB_ARGS(DB_I64(plan_id), DB_I64(citizen_id)),
	               &m);
	for (i = 0; err == KP_OK && i < m.nrows; i++)
		err = audit_write(db, a, who, db_i64(&m, i, HM_ID), action, object);
	return err;
}

bool caseload_leader(const struct kp_actor *who)
{
	return who->kind == KP_ACTOR_STAFF && who->role != NULL && strcmp(who->role, "leader") == 0;
}

bool caseload_coordinator_role(const char *role)
{
	return role != NULL && (strcmp(role, "caseworker") == 0 || strcmp(role, "leader") == 0);
}

/* What a leader may do to any citizen of the municipality: look, and move
 * the citizen to another caseworker. Everything else (goals, decisions,
 * consent, the CPR number, ...) only in the leader's own caseload, as a
 * caseworker. */
static bool caseload_leader_any(const struct kp_actor *who, const char *action)
{
	return caseload_leader(who) &&
	       (strcmp(action, "read") == 0 || strcmp(action, "caseworker_change") == 0);
}

enum kp_err caseload_open(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, const char *action, const char *object,
                          struct caseload_citizen *out)
{
	struct db_res r;
	enum kp_err err;

	memset(out, 0, sizeof(*out));
	if (caseload_leader_any(who, action))
		err = db_query(db, a, DB_CASELOAD_CITIZEN_ANY, DB_ARGS(DB_I64(citizen_id)), &r);
	else
		err = db_query(db, a, DB_CASELOAD_CITIZEN,
		               DB_ARGS(DB_I64(citizen_id), DB_I64(who->id), DB_I64(who->id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1) {
		/* The attempt is kept: who tried to reach whom, and how. */
		if ((err = audit_write(db, a, who, citizen_id, "denied", action)) != KP_OK)
			return err;
		db_tx_keep(db);
		return KP_ENOTFOUND;
	}
	out->id = db_i64(&r, 0, CC_ID);
	out->plan_id = db_i64(&r, 0, CC_PLAN_ID);
	out->name = db_cell(&r, 0, CC_NAME);
	out->frozen = db_i64(&r, 0, CC_FROZEN) != 0;
	out->ended = db_i64(&r, 0, CC_ENDED) != 0;
	return caseload_audit(db, a, who, citizen_id, out->plan_id, action, object);
}

enum kp_err caseload_open_change(struct db *db, struct arena *a, const struct kp_actor *who,
                                 long long citizen_id, const char *action, const char *object,
                                 struct caseload_citizen *out, struct kp_fail *f)
{
	enum kp_err err = caseload_open(db, a, who, citizen_id, action, object, out);

	if (err == KP_OK && out->frozen)
		return consent_frozen(f);
	if (err == KP_OK && out->ended)
		return KP_FAIL(f, KP_ECONFLICT, "course_ended",
		               "the citizen's course has ended: the plan can only be read; reopen the"
		               " course to change it");
	return err;
}

enum kp_err caseload_read(struct db *db, struct arena *a, const struct kp_actor *who,
                          long long citizen_id, const char *object,
                          struct caseload_citizen *out)
{
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	err = caseload_open(db, a, who, citizen_id, "read", object, out);
	return db_tx_end(db, err);
}

/* A staff member or NULL cells (none). */
struct caseload_person {
	long long id;
	const char *name;      /* NULL: none */
};

/* A row of DB_CASELOAD_LIST. */
struct caseload_row {
	long long id, plan_id, plan_version, pending;
	const char *name, *course_outcome;             /* course_outcome NULL: none */
	const char *first_login_at;                    /* NULL: never logged in */
	const char *consent;                           /* "none", "given", "withdrawn" */
	bool frozen;
	long long household_id, accepted_version;
	bool has_household, has_accepted;
	struct caseload_person contact, caseworker;
	const uint8_t *cpr_sealed;                     /* NULL: no number stored */
	size_t cpr_sealed_len;
	const char *cpr_key_id;                        /* NULL: sealed before 015 */
	const char *next_meeting_at;                   /* NULL: none */
	bool follow_up_due;
	enum plan_yes yes;                             /* how the citizen's yes stands */
	const char *not_yet_at, *not_yet_comment;      /* an open "not yet"; at NULL: none */
	long long unread_messages;                     /* the citizen's, not yet read */
	bool cannot_come;                              /* to a meeting not yet held, to come */
};

static void caseload_row_fill(const struct db_res *r, size_t i, struct caseload_row *row)
{
	row->id = db_i64(r, i, CL_ID);
	row->name = db_cell(r, i, CL_NAME);
	row->has_household = db_cell(r, i, CL_HOUSEHOLD_ID) != NULL;
	row->household_id = db_i64(r, i, CL_HOUSEHOLD_ID);
	row->plan_id = db_i64(r, i, CL_PLAN_ID);
	row->plan_version = db_i64(r, i, CL_PLAN_VERSION);
	row->has_accepted = db_cell(r, i, CL_ACCEPTED_VERSION) != NULL;
	row->accepted_version = db_i64(r, i, CL_ACCEPTED_VERSION);
	row->pending = db_i64(r, i, CL_PENDING);
	row->contact.id = db_i64(r, i, CL_CONTACT_ID);
	row->contact.name = db_cell(r, i, CL_CONTACT_ID) != NULL ? db_cell(r, i, CL_CONTACT_NAME)
	                                                          : NULL;
	row->caseworker.id = db_i64(r, i, CL_CASEWORKER_ID);
	row->caseworker.name = db_cell(r, i, CL_CASEWORKER_ID) != NULL
	                               ? db_cell(r, i, CL_CASEWORKER_NAME)
	                               : NULL;
	row->course_outcome = db_cell(r, i, CL_COURSE_OUTCOME);
	row->first_login_at = db_cell(r, i, CL_FIRST_LOGIN);
	row->consent = consent_state_name(db_cell(r, i, CL_CONSENT));
	row->frozen = db_i64(r, i, CL_FROZEN) != 0;
	row->cpr_sealed = (const uint8_t *)db_cell(r, i, CL_CPR_SEALED);
	row->cpr_sealed_len = db_cell_len(r, i, CL_CPR_SEALED);
	row->cpr_key_id = db_cell(r, i, CL_CPR_KEY_ID);
	row->next_meeting_at = db_cell(r, i, CL_NEXT_MEETING);
	row->follow_up_due = db_i64(r, i, CL_FOLLOW_UP_DUE) != 0;
	row->yes = plan_yes_state(row->has_accepted, row->accepted_version,
	                          db_cell(r, i, CL_ACCEPTED_THROUGH) != NULL
	                                  ? db_i64(r, i, CL_ACCEPTED_THROUGH)
	                                  : row->accepted_version,
	                          row->plan_version);
	row->not_yet_at = db_cell(r, i, CL_NOT_YET_AT);
	row->not_yet_comment = db_cell(r, i, CL_NOT_YET_COMMENT);
	row->unread_messages = db_i64(r, i, CL_UNREAD_MESSAGES);
	row->cannot_come = db_i64(r, i, CL_CANNOT_COME) != 0;
}

static json_t *person_json(const struct caseload_person *p)
{
	if (p->name == NULL)
		return json_null();
	return json_pack("{s:I, s:s}", "id", (json_int_t)p->id, "name", p->name);
}

static json_t *opt_int(bool has, long long v)
{
	return has ? json_integer(v) : json_null();
}

/* Opens the sealed CPR number (sealed_len bytes; NULL: none) of citizen id,
 * sealed under key_id (NULL: before key ids), into cpr: KP_OK, KP_ENOTFOUND
 * when none is stored, KP_EINTERNAL (logged, naming a key id that is not
 * configured) when it does not open. */
static enum kp_err cpr_open(const struct kp_keys *keys, const uint8_t *sealed, size_t sealed_len,
                            const char *key_id, long long id, char cpr[KP_CPR_LEN + 1])
{
	char aad[32];

	cpr[0] = '\0';
	if (sealed == NULL)
		return KP_ENOTFOUND;
	snprintf(aad, sizeof(aad), "citizen:%lld", id);
	switch (kp_cpr_open(keys, key_id, sealed, sealed_len, aad, strlen(aad), cpr)) {
	case KP_CPR_OPEN_OK:
		return KP_OK;
	case KP_CPR_OPEN_NOKEY:
		fprintf(stderr, "caseload: the CPR number of citizen %lld is sealed under key id %s,"
		        " which is not configured (keys_file, keys_old_files)\n", id, key_id);
		return KP_EINTERNAL;
	default:
		fprintf(stderr, "caseload: the CPR number of citizen %lld does not open\n", id);
		return KP_EINTERNAL;
	}
}

/* What caseload_row_json needs besides the row. */
struct caseload_page {
	const struct db_res *r;
	const struct kp_keys *keys;
	time_t now;
};

/* The birth date "YYYY-MM-DD" of row's sealed CPR number into out: the
 * date part with the century of the seventh digit, never the rest of the
 * number. False when no number is stored or it does not open. */
static bool caseload_birth_date(const struct kp_keys *keys, const struct caseload_row *row,
                                char out[11])
{
	char cpr[KP_CPR_LEN + 1] = "";
	bool ok = cpr_open(keys, row->cpr_sealed, row->cpr_sealed_len, row->cpr_key_id, row->id,
	                   cpr) == KP_OK;

	if (ok)
		snprintf(out, 11, "%04d-%.2s-%.2s", cpr_year(cpr), cpr + 2, cpr);
	kp_wipe(cpr, sizeof(cpr));
	return ok;
}

/* What needs the staff's action on row at time now, most urgent first
 * (the page sorts by it): a new reference, NULL when out of memory.
 * "meeting_this_week" is a next meeting within seven days of now. An ended
 * course needs none: its plan is read only until it is reopened. */
static json_t *caseload_needs_action(const struct caseload_row *row, time_t now)
{
	json_t *codes = json_array();
	time_t next;
	int rc = 0;

	if (codes == NULL || row->course_outcome != NULL)
		return codes;
	if (row->not_yet_at != NULL)
		rc |= json_array_append_new(codes, json_string("not_yet"));
	if (row->unread_messages > 0)
		rc |= json_array_append_new(codes, json_string("unread_messages"));
	if (row->cannot_come)
		rc |= json_array_append_new(codes, json_string("cannot_come"));
	if (row->pending > 0)
		rc |= json_array_append_new(codes, json_string("pending_proposals"));
	if (row->follow_up_due)
		rc |= json_array_append_new(codes, json_string("follow_up_due"));
	if (strcmp(row->consent, "given") != 0)
		rc |= json_array_append_new(codes, json_string("consent_missing"));
	if (!plan_yes_stands(row->yes))
		rc |= json_array_append_new(codes, json_string("plan_not_accepted"));
	if (row->next_meeting_at != NULL && meeting_time_parse(row->next_meeting_at, &next) &&
	    next - now <= 7 * 24 * 3600)
		rc |= json_array_append_new(codes, json_string("meeting_this_week"));
	if (rc != 0) {
		json_decref(codes);
		return NULL;
	}
	return codes;
}

/* Row i of the caseload page ctx (struct caseload_page) as JSON: a new
 * reference, NULL when out of memory. */
static json_t *caseload_row_json(const void *ctx, size_t i)
{
	const struct caseload_page *pg = ctx;
	struct caseload_row row_, *row = &row_;
	char birth[11];
	json_t *out;

	caseload_row_fill(pg->r, i, row);
	out = json_pack("{s:I, s:s, s:o, s:I, s:I, s:o, s:I, s:o, s:o, s:o, s:b, s:o, s:s, s:b}",
	                "id", (json_int_t)row->id, "name", row->name,
	                "household_id", opt_int(row->has_household, row->household_id),
	                "plan_id", (json_int_t)row->plan_id,
	                "plan_version", (json_int_t)row->plan_version,
	                "accepted_version", opt_int(row->has_accepted, row->accepted_version),
	                "pending_proposals", (json_int_t)row->pending,
	                "contact", person_json(&row->contact),
	                "caseworker", person_json(&row->caseworker),
	                "course_outcome", row->course_outcome != NULL
	                                          ? json_string(row->course_outcome)
	                                          : json_null(),
	                "logged_in", row->first_login_at != NULL,
	                "first_login_at", row->first_login_at != NULL
	                                          ? json_string(row->first_login_at)
	                                          : json_null(),
	                "consent", row->consent, "plan_frozen", row->frozen);
	/* Each set takes its value, on failure too. */
	if (out == NULL ||
	    json_object_set_new(out, "birth_date",
	                        caseload_birth_date(pg->keys, row, birth) ? json_string(birth)
	                                                                  : json_null()) != 0 ||
	    json_object_set_new(out, "next_meeting_at",
	                        row->next_meeting_at != NULL ? json_string(row->next_meeting_at)
	                                                     : json_null()) != 0 ||
	    json_object_set_new(out, "follow_up_due", json_boolean(row->follow_up_due)) != 0 ||
	    json_object_set_new(out, "acceptance_state", json_string(plan_yes_names[row->yes])) != 0 ||
	    json_object_set_new(out, "not_yet",
	                        row->not_yet_at != NULL
	                                ? json_pack("{s:s, s:s?}", "at", row->not_yet_at, "comment",
	                                            row->not_yet_comment)
	                                : json_null()) != 0 ||
	    json_object_set_new(out, "unread_messages", json_integer(row->unread_messages)) != 0 ||
	    json_object_set_new(out, "needs_action", caseload_needs_action(row, pg->now)) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

enum kp_err caseload_list(struct db *db, struct arena *a, const struct kp_keys *keys,
                          const struct kp_actor *who, time_t now, struct page *pg, json_t **out)
{
	/* From the start: every name sorts after or equal to "", every id
	 * after 0. */
	const char *from = pg->after_key != NULL ? pg->after_key : "";
	struct caseload_row last;
	struct caseload_page page;
	struct db_res r;
	struct tm tm;
	char at[32];
	enum kp_err err;
	size_t i, n = 0;

	*out = NULL;
	strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if (caseload_leader(who))
		err = db_query(db, a, DB_CASELOAD_LIST_ALL,
		               DB_ARGS(DB_STR(at), DB_STR(at), DB_STR(at), DB_STR(from), DB_STR(from),
		                       DB_I64(pg->after_id), DB_I64(page_fetch(pg))),
		               &r);
	else
		err = db_query(db, a, DB_CASELOAD_LIST,
		               DB_ARGS(DB_STR(at), DB_STR(at), DB_STR(at), DB_I64(who->id), DB_I64(who->id),
		                       DB_STR(from), DB_STR(from), DB_I64(pg->after_id),
		                       DB_I64(page_fetch(pg))),
		               &r);
	if (err == KP_OK)
		n = page_rows(pg, r.nrows);
	/* A leader's list of the whole municipality is one look at a list,
	 * not a read of each citizen: one row without a citizen, so that no
	 * citizen's access log fills with the team's overview; opening a
	 * citizen is audited as any read. A caseload's list is a read of
	 * each citizen shown, not of the one fetched to learn that a page
	 * follows. */
	if (err == KP_OK && caseload_leader(who))
		err = audit_write(db, a, who, 0, "list_all",
		                  arena_printf(a, "citizens page of %zu", n));
	for (i = 0; err == KP_OK && !caseload_leader(who) && i < n; i++)
		err = audit_write(db, a, who, db_i64(&r, i, CL_ID), "read", "caseload");
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	page.r = &r;
	page.keys = keys;
	page.now = now;
	if ((*out = kp_json_wrap("citizens", kp_json_list(n, caseload_row_json, &page))) == NULL)
		return KP_EINTERNAL;
	if (n > 0) {
		caseload_row_fill(&r, n - 1, &last);
		pg->next_id = last.id;
		pg->next_key = last.name;
	}
	return KP_OK;
}

/* A row of DB_CITIZEN_CPR. */
struct citizen_cpr {
	const uint8_t *sealed;   /* NULL: no number is stored */
	size_t sealed_len;
	long long caseworker_id; /* 0: none */
	const char *key_id;      /* NULL: sealed before 015 */
};

static void citizen_cpr_fill(const struct db_res *r, size_t i, struct citizen_cpr *c)
{
	c->sealed = (const uint8_t *)db_cell(r, i, CPR_SEALED);
	c->sealed_len = db_cell_len(r, i, CPR_SEALED);
	c->caseworker_id = db_cell(r, i, CPR_CASEWORKER_ID) != NULL
	                           ? db_i64(r, i, CPR_CASEWORKER_ID)
	                           : 0;
	c->key_id = db_cell(r, i, CPR_KEY_ID);
}

/* Whether who is the citizen's coordinating caseworker: a contact person
 * is not, nor is a caseworker who is only the contact person. */
static bool cpr_coordinates(const struct kp_actor *who, const struct citizen_cpr *c)
{
	return who->kind == KP_ACTOR_STAFF && caseload_coordinator_role(who->role) &&
	       c->caseworker_id != 0 && c->caseworker_id == who->id;
}

/* The plan read's CPR fields on citizen: "cpr_date", the date part DDMMYY
 * (null when the number cannot be opened), and "cpr_viewable", whether who
 * may ask for the whole number (caseload_cpr). Never the whole number.
 * -1 when out of memory. */
static int cpr_fields(struct db *db, struct arena *a, const struct kp_keys *keys,
                      const struct kp_actor *who, long long id, json_t *citizen)
{
	char cpr[KP_CPR_LEN + 1] = "";
	struct citizen_cpr c = {0};
	struct db_res r;
	bool open = false;
	int rc;

	if (db_query(db, a, DB_CITIZEN_CPR, DB_ARGS(DB_I64(id)), &r) == KP_OK && r.nrows == 1) {
		citizen_cpr_fill(&r, 0, &c);
		open = cpr_open(keys, c.sealed, c.sealed_len, c.key_id, id, cpr) == KP_OK;
	}
	rc = json_object_set_new(citizen, "cpr_date", open ? json_stringn(cpr, 6) : json_null());
	if (json_object_set_new(citizen, "cpr_viewable",
	                        json_boolean(open && cpr_coordinates(who, &c))) != 0)
		rc = -1;
	kp_wipe(cpr, sizeof(cpr));
	return rc;
}

enum kp_err caseload_cpr(struct db *db, struct arena *a, const struct kp_keys *keys,
                         const struct kp_actor *who, long long citizen_id,
                         char out[CASELOAD_CPR_SHOWN_LEN + 1], struct kp_fail *f)
{
	return caseload_cpr_why(db, a, keys, who, citizen_id, NULL, out, f);
}

enum kp_err caseload_cpr_why(struct db *db, struct arena *a, const struct kp_keys *keys,
                             const struct kp_actor *who, long long citizen_id,
                             const char *reason, char out[CASELOAD_CPR_SHOWN_LEN + 1],
                             struct kp_fail *f)
{
	const char *object = reason != NULL && *reason != '\0'
	                             ? arena_printf(a, "cpr: %s", reason)
	                             : "cpr";
	char cpr[KP_CPR_LEN + 1] = "";
	struct caseload_citizen c;
	struct citizen_cpr row;
	struct db_res r;
	enum kp_err err;

	out[0] = '\0';
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = caseload_open(db, a, who, citizen_id, "read_cpr", object, &c)) == KP_OK)
		err = db_query(db, a, DB_CITIZEN_CPR, DB_ARGS(DB_I64(c.id)), &r);
	if (err == KP_OK && r.nrows != 1)
		err = KP_ENOTFOUND;
	if (err == KP_OK)
		citizen_cpr_fill(&r, 0, &row);
	if (err == KP_OK && !cpr_coordinates(who, &row))
		err = KP_FAIL(f, KP_EFORBIDDEN, "caseworker_only",
		              "only the citizen's coordinating caseworker may see the CPR number");
	else if (err == KP_OK &&
	         (err = cpr_open(keys, row.sealed, row.sealed_len, row.key_id, c.id, cpr)) == KP_ENOTFOUND)
		err = KP_FAIL(f, KP_ENOTFOUND, "cpr_missing", "no CPR number is stored for this citizen");
	/* Nothing is shown on a refusal, so no read_cpr row is kept; the audit
	 * row is committed before the number leaves. */
	if ((err = db_tx_end(db, err)) == KP_OK)
		snprintf(out, CASELOAD_CPR_SHOWN_LEN + 1, "%.6s-%.4s", cpr, cpr + 6);
	kp_wipe(cpr, sizeof(cpr));
	return err;
}

/* A row of DB_HISTORY_SINCE. */
struct history_change {
	long long version;
	const char *at, *by, *summary;
};

static void history_change_fill(const struct db_res *r, size_t i, struct history_change *h)
{
	h->version = db_i64(r, i, HS_VERSION);
	h->at = db_cell(r, i, HS_AT);
	h->by = db_cell(r, i, HS_BY);
	h->summary = db_cell(r, i, HS_SUMMARY);
}

/* A row of DB_HOUSEHOLD_MEMBERS. */
struct household_member {
	long long id;
	const char *name;
};

static void household_member_fill(const struct db_res *r, size_t i, struct household_member *m)
{
	m->id = db_i64(r, i, HM_ID);
	m->name = db_cell(r, i, HM_NAME);
}

/* Row i of DB_HISTORY_SINCE r as JSON; NULL when out of memory. */
static json_t *change_json(const void *r, size_t i)
{
	struct history_change h;

	history_change_fill(r, i, &h);
	return json_pack("{s:I, s:s, s:s, s:s}", "version", (json_int_t)h.version, "at", h.at,
	                 "by", h.by, "summary", h.summary);
}

/* Row i of DB_HOUSEHOLD_MEMBERS r as JSON; NULL when out of memory. */
static json_t *member_json(const void *r, size_t i)
{
	struct household_member m;

	household_member_fill(r, i, &m);
	return json_pack("{s:I, s:s}", "id", (json_int_t)m.id, "name", m.name);
}

enum kp_err caseload_plan(struct db *db, struct arena *a, const struct kp_keys *keys,
                          const struct kp_actor *who, long long citizen_id, json_t **out,
                          long long *version)
{
	struct caseload_citizen c;
	struct db_res consent, since, members, hh, unread;
	json_t *plan = NULL, *accepted, *citizen, *acceptance;
	long long from;
	enum kp_err err;

	*out = NULL;
	if ((err = caseload_read(db, a, who, citizen_id, "plan", &c)) != KP_OK)
		return err;
	if ((err = plan_get(db, a, c.id, &plan, version)) != KP_OK)
		return err;
	accepted = json_object_get(plan, "accepted_version");
	from = json_is_integer(accepted) ? json_integer_value(accepted) : 0;
	if ((err = db_query(db, a, DB_CITIZEN_CONSENT, DB_ARGS(DB_I64(c.id)), &consent)) != KP_OK ||
	    (err = db_query(db, a, DB_HISTORY_SINCE, DB_ARGS(DB_I64(c.plan_id), DB_I64(from)),
	                    &since)) != KP_OK ||
	    (err = db_query(db, a, DB_HOUSEHOLD_MEMBERS, DB_ARGS(DB_I64(c.plan_id), DB_I64(c.id)),
	                    &members)) != KP_OK ||
	    (err = db_query(db, a, DB_PLAN_HOUSEHOLD, DB_ARGS(DB_I64(c.plan_id)), &hh)) != KP_OK ||
	    (err = db_query(db, a, DB_MESSAGE_UNREAD, DB_ARGS(DB_I64(c.id), DB_STR("citizen")),
	                    &unread)) != KP_OK ||
	    (err = plan_acceptance_staff(db, a, c.id, &acceptance)) != KP_OK)
		goto out;
	/* Taken by the plan, on failure too. */
	if (json_object_set_new(plan, "acceptance", acceptance) != 0) {
		err = KP_EINTERNAL;
		goto out;
	}
	/* Each set takes its value, on failure too. */
	err = KP_EINTERNAL;
	citizen = json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name);
	if (citizen == NULL || cpr_fields(db, a, keys, who, c.id, citizen) != 0) {
		json_decref(citizen);
		goto out;
	}
	if (json_object_set_new(plan, "citizen", citizen) != 0 ||
	    json_object_set_new(plan, "plan_frozen", json_boolean(c.frozen)) != 0 ||
	    json_object_set_new(plan, "consent",
	                        consent.nrows == 1
	                                ? json_pack("{s:s, s:s, s:o}", "status",
	                                            db_cell(&consent, 0, CN_ACTION), "at",
	                                            db_cell(&consent, 0, CN_AT), "fact",
	                                            consent_fact_json(&consent, 0, true))
	                                : json_pack("{s:s, s:n, s:n}", "status", "none", "at", "fact")) !=
	            0 ||
	    json_object_set_new(plan, "changes_since_accepted",
	                        kp_json_list(since.nrows, change_json, &since)) != 0 ||
	    json_object_set_new(plan, "household",
	                        kp_json_list(members.nrows, member_json, &members)) != 0 ||
	    json_object_set_new(plan, "household_id",
	                        hh.nrows == 1 && db_cell(&hh, 0, PHH_ID) != NULL
	                                ? json_integer(db_i64(&hh, 0, PHH_ID))
	                                : json_null()) != 0 ||
	    json_object_set_new(plan, "unread_messages",
	                        json_integer(db_i64(&unread, 0, CNT_N))) != 0)
		goto out;
	*out = plan;
	plan = NULL;
	err = KP_OK;
out:
	json_decref(plan);
	return err;
}
