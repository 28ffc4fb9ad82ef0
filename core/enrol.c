/* enrol.c: enrolling a citizen into a course (see enrol.h). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cpr.h"
#include "enrol.h"
#include "validate.h"

/* What a new course is given, and what its answer shows. */
struct enrol_course {
	char cpr[KP_CPR_LEN + 1];
	/* The number's look-up hash under each configured key, [0] the
	 * current one's, which a new row gets (kp_cpr_lookups). */
	uint8_t lookup[KP_KEYS_MAX][KP_SHA256_LEN];
	long long id, plan_id, plan_version;
	long long contact_id;
	const char *contact_name, *contact_title;
	bool taken;              /* the insert found the number's course open */
};

/* The refusal of a number with an open course: audited against that
 * course's citizen, and kept whatever the transaction's outcome. */
static enum kp_err enrol_refuse(struct db *db, struct arena *a, const struct kp_actor *who,
                                long long holder, struct kp_fail *f)
{
	enum kp_err err = audit_write(db, a, who, holder, "enrol_refused", "course");

	if (err != KP_OK)
		return err;
	db_tx_keep(db);
	return KP_FAIL(f, KP_ECONFLICT, "already_enrolled",
	               "this CPR number already has an open course");
}

/* DB_ENROL_OPEN_COURSE takes one look-up hash a key. */
_Static_assert(KP_KEYS_MAX == 4, "DB_ENROL_OPEN_COURSE has four places for look-up hashes");

/* The citizen whose course under c's number is open into *holder (0:
 * none), under any configured key: a course sealed under an old key holds
 * the number until it is sealed again. */
static enum kp_err enrol_holder(struct db *db, struct arena *a, const struct enrol_course *c,
                                long long *holder)
{
	struct db_res r;
	enum kp_err err;

	*holder = 0;
	err = db_query(db, a, DB_ENROL_OPEN_COURSE,
	               DB_ARGS(DB_BLOB(c->lookup[0], KP_SHA256_LEN),
	                       DB_BLOB(c->lookup[1], KP_SHA256_LEN),
	                       DB_BLOB(c->lookup[2], KP_SHA256_LEN),
	                       DB_BLOB(c->lookup[3], KP_SHA256_LEN)),
	               &r);
	if (err == KP_OK && r.nrows >= 1)
		*holder = db_i64(&r, 0, EO_CITIZEN_ID);
	return err;
}

/* The contact person named by id: an active staff member with the role
 * contact, or KP_EINVAL not_a_contact. */
static enum kp_err enrol_contact(struct db *db, struct arena *a, long long id,
                                 struct enrol_course *c, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	if ((err = db_query(db, a, DB_STAFF_GET, DB_ARGS(DB_I64(id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1 || strcmp(db_cell(&r, 0, ST_ROLE), "contact") != 0 ||
	    db_i64(&r, 0, ST_ACTIVE) == 0)
		return KP_FAIL(f, KP_EINVAL, "not_a_contact",
		               "contact_staff_id: not an active staff member with the role contact");
	c->contact_id = id;
	c->contact_name = db_cell(&r, 0, ST_NAME);
	c->contact_title = db_cell(&r, 0, ST_TITLE);
	return KP_OK;
}

/* The plan the citizen gets: the household's, if a member of it is in
 * who's caseload (KP_ENOTFOUND otherwise, the same for any other
 * household), or a new one at version 1 with its history row. */
static enum kp_err enrol_plan(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long household_id, struct enrol_course *c,
                              struct kp_fail *f)
{
	unsigned long long id;
	struct db_res r;
	enum kp_err err;

	if (household_id != 0) {
		err = db_query(db, a, DB_ENROL_HOUSEHOLD_PLAN,
		               DB_ARGS(DB_I64(household_id), DB_I64(who->id), DB_I64(who->id)), &r);
		if (err != KP_OK)
			return err;
		if (r.nrows != 1)
			return KP_FAIL(f, KP_ENOTFOUND, "household_not_found",
			               "household_id: no such household in your caseload");
		c->plan_id = db_i64(&r, 0, EH_PLAN_ID);
		c->plan_version = db_i64(&r, 0, EH_VERSION);
		return KP_OK;
	}
	if ((err = db_exec(db, DB_ENROL_PLAN_INSERT, DB_NOARGS, NULL, &id)) != KP_OK)
		return err;
	c->plan_id = (long long)id;
	c->plan_version = 1;
	return db_exec(db, DB_HISTORY_INSERT,
	               DB_ARGS(DB_I64(c->plan_id), DB_I64(1), DB_STR("staff"), DB_NULL,
	                       DB_I64(who->id), DB_STR("Planen er oprettet"),
	                       DB_STR(who->request_id != NULL ? who->request_id : "")),
	               NULL, NULL);
}

/* The citizen's row, then its number sealed with the row's id bound,
 * under the current key, whose id the row keeps. A
 * duplicate of cpr_open (an open course made since this transaction
 * looked) sets c->taken. */
static enum kp_err enrol_insert(struct db *db, const struct kp_keys *keys, struct rng *rng,
                                const struct kp_actor *who, const struct enrol_in *in,
                                struct enrol_course *c)
{
	uint8_t sealed[KP_CPR_SEALED_LEN];
	unsigned long long id;
	char aad[32];
	enum kp_err err;

	err = db_exec(db, DB_ENROL_CITIZEN_INSERT,
	              DB_ARGS(DB_I64(c->plan_id),
	                      in->household_id != 0 ? DB_I64(in->household_id) : DB_NULL,
	                      DB_STR(in->name), DB_BLOB(c->lookup[0], KP_SHA256_LEN),
	                      DB_I64(who->id), c->contact_id != 0 ? DB_I64(c->contact_id) : DB_NULL),
	              NULL, &id);
	if (err == KP_ECONFLICT)
		c->taken = true;
	if (err != KP_OK)
		return err;
	c->id = (long long)id;
	snprintf(aad, sizeof(aad), "citizen:%llu", id);
	if (kp_cpr_seal(keys, rng, c->cpr, aad, strlen(aad), sealed) != 0)
		return KP_EINTERNAL;
	return db_exec(db, DB_ENROL_CITIZEN_SEAL,
	               DB_ARGS(DB_BLOB(sealed, sizeof(sealed)), DB_STR(keys->key[0].id),
	                       DB_I64(c->id)),
	               NULL, NULL);
}

/* The enrolment's one transaction. */
static enum kp_err enrol_tx(struct db *db, struct arena *a, const struct kp_keys *keys,
                            struct rng *rng, const struct kp_actor *who,
                            const struct enrol_in *in, struct enrol_course *c,
                            struct kp_fail *f)
{
	long long holder = 0;
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = enrol_holder(db, a, c, &holder)) == KP_OK && holder != 0) {
		err = enrol_refuse(db, a, who, holder, f);
		goto out;
	}
	if (err == KP_OK && in->contact_id != 0)
		err = enrol_contact(db, a, in->contact_id, c, f);
	if (err == KP_OK)
		err = enrol_plan(db, a, who, in->household_id, c, f);
	if (err == KP_OK)
		err = enrol_insert(db, keys, rng, who, in, c);
	if (err == KP_OK)
		err = audit_write(db, a, who, c->id, "enrol", "course");
out:
	return db_tx_end(db, err);
}

/* After the insert found the number taken (and its transaction rolled
 * back): the refusal, audited against the course that holds it now. */
static enum kp_err enrol_taken(struct db *db, struct arena *a, const struct kp_actor *who,
                               const struct enrol_course *c, struct kp_fail *f)
{
	long long holder = 0;
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = enrol_holder(db, a, c, &holder)) == KP_OK)
		err = holder != 0 ? enrol_refuse(db, a, who, holder, f)
		                  : KP_ERETRY; /* it ended or rolled back since: try again */
	return db_tx_end(db, err);
}

static json_t *enrol_json(const struct enrol_course *c, const struct kp_actor *who,
                          const struct enrol_in *in)
{
	json_t *contact = c->contact_id != 0
	                          ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->contact_id,
	                                      "name", c->contact_name, "title", c->contact_title)
	                          : json_null();

	return json_pack("{s:I, s:s, s:s#, s:I, s:I, s:o, s:{s:I, s:s}, s:o, s:b, s:n}",
	                 "id", (json_int_t)c->id, "name", in->name, "cpr_date", c->cpr, 6,
	                 "plan_id", (json_int_t)c->plan_id,
	                 "plan_version", (json_int_t)c->plan_version,
	                 "household_id", in->household_id != 0 ? json_integer(in->household_id)
	                                                        : json_null(),
	                 "caseworker", "id", (json_int_t)who->id, "name", who->name,
	                 "contact", contact, "logged_in", 0, "first_login_at");
}

enum kp_err enrol_citizen(struct db *db, struct arena *a, const struct kp_keys *keys,
                          struct rng *rng, const struct kp_actor *who, const struct enrol_in *in,
                          json_t **out, struct kp_fail *f)
{
	struct enrol_course c;
	size_t nlen;
	enum kp_err err;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	switch (cpr_parse(in->cpr != NULL ? in->cpr : "", in->cpr != NULL ? in->cpr_len : 0,
	                  c.cpr)) {
	case CPR_PARSE_OK:
		break;
	case CPR_PARSE_EDATE:
		return KP_FAIL(f, KP_EINVAL, "invalid_cpr",
		               "cpr: the first six digits are not a real date (DDMMYY)");
	default:
		return KP_FAIL(f, KP_EINVAL, "invalid_cpr",
		               "cpr: must be ten digits, or six digits, a dash and four digits");
	}
	nlen = in->name != NULL ? strlen(in->name) : 0;
	if (nlen == 0 || text_blank(in->name, nlen) || !text_chars_ok(in->name, nlen) ||
	    utf8_count(in->name, nlen) > ENROL_NAME_MAX) {
		kp_wipe(&c, sizeof(c));
		return KP_FAIL(f, KP_EINVAL, "invalid_field",
		               "name: 1 to 200 characters, no control characters");
	}
	kp_cpr_lookups(keys, c.cpr, c.lookup);
	err = enrol_tx(db, a, keys, rng, who, in, &c, f);
	if (err == KP_ECONFLICT && c.taken)
		err = enrol_taken(db, a, who, &c, f);
	if (err == KP_OK && (*out = enrol_json(&c, who, in)) == NULL)
		err = KP_EINTERNAL;
	kp_wipe(c.cpr, sizeof(c.cpr));
	kp_wipe(c.lookup, sizeof(c.lookup));
	return err;
}
