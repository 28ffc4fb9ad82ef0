/* plan.c: reading and changing the citizen's plan (see plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consent.h"
#include "kpjson.h"
#include "plan.h"

/* Every row that shows the contact person has its columns in the order of
 * DB_CONTACT_GET, from the name on. */
_Static_assert(PH_CONTACT_ROLE - PH_CONTACT_NAME == CT_ROLE &&
                       PH_CONTACT_PHONE - PH_CONTACT_NAME == CT_PHONE &&
                       PH_CONTACT_EMAIL - PH_CONTACT_NAME == CT_EMAIL &&
                       PH_CONTACT_HOURS - PH_CONTACT_NAME == CT_HOURS,
               "DB_PLAN_HEAD's contact columns are in DB_CONTACT_GET's order");
_Static_assert(CH_CONTACT_ROLE - CH_CONTACT_NAME == CT_ROLE &&
                       CH_CONTACT_PHONE - CH_CONTACT_NAME == CT_PHONE &&
                       CH_CONTACT_EMAIL - CH_CONTACT_NAME == CT_EMAIL &&
                       CH_CONTACT_HOURS - CH_CONTACT_NAME == CT_HOURS,
               "DB_CITIZEN_HEAD's contact columns are in DB_CONTACT_GET's order");

/* The contact person; name is NULL when the citizen has none. */
struct contact_row {
	const char *name, *role, *phone, *email;
	const char *hours;   /* when they usually answer; "" when not said */
};

/* The contact columns of row i that begin at col: CT_NAME in
 * DB_CONTACT_GET, PH_CONTACT_NAME in DB_PLAN_HEAD, CH_CONTACT_NAME in
 * DB_CITIZEN_HEAD. */
static void contact_row(struct contact_row *c, const struct db_res *r, size_t i, size_t col)
{
	c->name = db_cell(r, i, col + CT_NAME);
	c->role = db_cell(r, i, col + CT_ROLE);
	c->phone = db_cell(r, i, col + CT_PHONE);
	c->email = db_cell(r, i, col + CT_EMAIL);
	c->hours = db_cell(r, i, col + CT_HOURS);
}

/* null without a contact person; NULL when out of memory. */
static json_t *contact_json(const struct contact_row *c)
{
	if (c->name == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", c->name, "role", c->role, "phone",
	                 c->phone, "email", c->email, "hours", c->hours);
}

/* DB_PLAN_HEAD's row. */
struct plan_head_row {
	long long id, version;
	bool accepted;               /* false: the citizen has said yes to none */
	long long accepted_version;
	struct contact_row contact;
	const char *consent, *consent_at; /* consent_at NULL: none */
	bool frozen, course_ended;
};

static void plan_head_row(struct plan_head_row *h, const struct db_res *r, size_t i)
{
	h->id = db_i64(r, i, PH_ID);
	h->version = db_i64(r, i, PH_VERSION);
	h->accepted = db_cell(r, i, PH_ACCEPTED) != NULL;
	h->accepted_version = db_i64(r, i, PH_ACCEPTED);
	contact_row(&h->contact, r, i, PH_CONTACT_NAME);
	h->consent = consent_state_name(db_cell(r, i, PH_CONSENT));
	h->consent_at = db_cell(r, i, PH_CONSENT_AT);
	h->frozen = db_i64(r, i, PH_FROZEN) != 0;
	h->course_ended = db_i64(r, i, PH_COURSE_ENDED) != 0;
}

/* DB_PLAN_DREAMS' row. */
struct dream_row {
	long long id, author_id;
	const char *text;
};

static void dream_row(struct dream_row *d, const struct db_res *r, size_t i)
{
	d->id = db_i64(r, i, DR_ID);
	d->author_id = db_i64(r, i, DR_AUTHOR_ID);
	d->text = db_cell(r, i, DR_TEXT);
}

static json_t *dream_json(const struct dream_row *d)
{
	return json_pack("{s:I, s:s, s:I}", "id", (json_int_t)d->id, "text", d->text, "author_id",
	                 (json_int_t)d->author_id);
}

/* The row of DB_PLAN_GOALS and DB_GOAL_WITH_SUBGOALS. */
struct goal_row {
	long long id, parent_id;     /* parent_id 0: a goal, not a sub-goal */
	const char *title, *description, *area, *status, *legal_basis;
	const char *hours_per_week;  /* decimal text; NULL when not set */
	bool child_related;
	long long child_id;          /* the child the goal names; 0: none */
};

static void goal_row(struct goal_row *g, const struct db_res *r, size_t i)
{
	g->id = db_i64(r, i, GR_ID);
	g->parent_id = db_i64(r, i, GR_PARENT_ID);
	g->title = db_cell(r, i, GR_TITLE);
	g->description = db_cell(r, i, GR_DESCRIPTION);
	g->area = db_cell(r, i, GR_AREA);
	g->status = db_cell(r, i, GR_STATUS);
	g->legal_basis = db_cell(r, i, GR_LEGAL_BASIS);
	g->hours_per_week = db_cell(r, i, GR_HOURS_PER_WEEK);
	g->child_related = db_i64(r, i, GR_CHILD_RELATED) != 0;
	g->child_id = db_i64(r, i, GR_CHILD_ID);
}

static json_t *goal_json(const struct goal_row *g)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:[]}",
	                 "id", (json_int_t)g->id, "title", g->title,
	                 "description", g->description, "area", g->area,
	                 "status", g->status, "legal_basis", g->legal_basis,
	                 "hours_per_week", g->hours_per_week != NULL
	                                           ? json_real(strtod(g->hours_per_week, NULL))
	                                           : json_null(),
	                 "child_related", g->child_related,
	                 "child_id", g->child_id != 0 ? json_integer(g->child_id) : json_null(),
	                 "subgoals");
}

json_t *plan_goal_json(const struct db_res *r, size_t i)
{
	struct goal_row g;

	goal_row(&g, r, i);
	return goal_json(&g);
}

/* The plan's dreams and goals, sub-goals under their goal, as two new
 * arrays in *dreams_out and *goals_out (two queries). */
static enum kp_err plan_content(struct db *db, struct arena *a, long long plan_id,
                                json_t **dreams_out, json_t **goals_out)
{
	struct db_res dreams, goals;
	json_t *jd, *jg, **byrow;
	enum kp_err err;
	size_t i, j;

	*dreams_out = *goals_out = NULL;
	if ((err = db_query(db, a, DB_PLAN_DREAMS, DB_ARGS(DB_I64(plan_id)), &dreams)) != KP_OK ||
	    (err = db_query(db, a, DB_PLAN_GOALS, DB_ARGS(DB_I64(plan_id)), &goals)) != KP_OK)
		return err;
	jd = json_array();
	jg = json_array();
	byrow = arena_alloc(a, sizeof(json_t *) * (goals.nrows + 1));
	if (jd == NULL || jg == NULL || byrow == NULL)
		goto fail;
	for (i = 0; i < dreams.nrows; i++) {
		struct dream_row d;

		dream_row(&d, &dreams, i);
		if (kp_json_push(jd, dream_json(&d)) != 0)
			goto fail;
	}
	/* Goals come ordered by id, and a sub-goal is made after its parent:
	 * one pass puts each under its parent, found among the rows before it. */
	for (i = 0; i < goals.nrows; i++) {
		struct goal_row g;
		json_t *into = jg;

		goal_row(&g, &goals, i);
		if (g.parent_id != 0)
			for (j = i; j-- > 0;)
				if (db_i64(&goals, j, GR_ID) == g.parent_id) {
					into = json_object_get(byrow[j], "subgoals");
					break;
				}
		/* Borrowed: the list it went into holds it. */
		if ((byrow[i] = goal_json(&g)) == NULL || kp_json_push(into, byrow[i]) != 0)
			goto fail;
	}
	*dreams_out = jd;
	*goals_out = jg;
	return KP_OK;
fail:
	json_decref(jd);
	json_decref(jg);
	return KP_EINTERNAL;
}

enum kp_err plan_get(struct db *db, struct arena *a, long long citizen_id, json_t **out,
                     long long *version)
{
	struct plan_head_row h;
	struct db_res head;
	json_t *jd, *jg;
	enum kp_err err;

	*out = NULL;
	/* The version is read before the content, so an ETag is never newer
	 * than what it is sent with. */
	err = db_query(db, a, DB_PLAN_HEAD, DB_ARGS(DB_I64(citizen_id)), &head);
	if (err != KP_OK)
		return err;
	if (head.nrows != 1)
		return KP_ENOTFOUND;
	plan_head_row(&h, &head, 0);
	if ((err = plan_content(db, a, h.id, &jd, &jg)) != KP_OK)
		return err;
	*version = h.version;
	*out = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:{s:s, s:s?}, s:b, s:b}", "id",
	                 (json_int_t)h.id, "version", (json_int_t)h.version, "accepted_version",
	                 h.accepted ? json_integer(h.accepted_version) : json_null(), "dreams", jd,
	                 "goals", jg, "contact", contact_json(&h.contact), "consent", "status",
	                 h.consent, "at", h.consent_at, "frozen", h.frozen, "course_ended",
	                 h.course_ended);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* Dumps obj compactly into the arena (no outer braces when inner); steals
 * obj. NULL when out of memory. */
static char *json_text(struct arena *a, json_t *obj, bool inner)
{
	char *text = NULL, *copy = NULL;
	size_t n;

	if (obj != NULL)
		text = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	json_decref(obj);
	if (text == NULL)
		return NULL;
	n = strlen(text);
	if (!inner)
		copy = arena_strndup(a, text, n);
	else if (n >= 2)
		copy = arena_strndup(a, text + 1, n - 2);
	free(text);
	return copy;
}

/* The "dreams" and "goals" members of the plan, as JSON text without the
 * braces, built from the tables and kept in plan_docs for its version. */
static enum kp_err plan_doc_build(struct db *db, struct arena *a, long long plan_id,
                                  long long version, const char **doc)
{
	json_t *jd, *jg;
	enum kp_err err;
	char *text;

	if ((err = plan_content(db, a, plan_id, &jd, &jg)) != KP_OK)
		return err;
	text = json_text(a, json_pack("{s:o, s:o}", "dreams", jd, "goals", jg), true);
	if (text == NULL)
		return KP_EINTERNAL;
	/* Content read after the version may be newer than it; kept under that
	 * version it is harmless, since the version has then moved on and the
	 * row is never valid. A failed store costs only the next read's time. */
	err = db_exec(db, DB_PLAN_DOC_STORE, DB_ARGS(DB_I64(plan_id), DB_I64(version), DB_STR(text)),
	              NULL, NULL);
	if (err != KP_OK)
		fprintf(stderr, "plan %lld: keeping its document failed: %s\n", plan_id,
		        kp_strerror(err));
	*doc = text;
	return KP_OK;
}

enum kp_err plan_doc(struct db *db, struct arena *a, long long plan_id, long long version,
                     const char **doc)
{
	struct db_res r;
	enum kp_err err;

	*doc = NULL;
	err = db_query(db, a, DB_PLAN_DOC_GET, DB_ARGS(DB_I64(plan_id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows == 1 && db_cell(&r, 0, PD_VERSION) != NULL &&
	    db_i64(&r, 0, PD_VERSION) == version) {
		*doc = db_cell(&r, 0, PD_DOC);
		return KP_OK;
	}
	return plan_doc_build(db, a, plan_id, version, doc);
}

enum kp_err plan_citizen_part(struct db *db, struct arena *a, long long citizen_id,
                              const char **part, long long *rev)
{
	const char *accepted, *contact, *consent_at;
	struct contact_row c;
	struct db_res r;
	enum kp_err err;

	*part = NULL;
	err = db_query(db, a, DB_CITIZEN_HEAD, DB_ARGS(DB_I64(citizen_id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	*rev = db_i64(&r, 0, CH_REV);
	accepted = db_cell(&r, 0, CH_ACCEPTED);
	contact_row(&c, &r, 0, CH_CONTACT_NAME);
	contact = json_text(a, contact_json(&c), false);
	if (contact == NULL)
		return KP_EINTERNAL;
	consent_at = db_cell(&r, 0, CH_CONSENT_AT);
	*part = arena_printf(a,
	                     "\"accepted_version\":%s,\"contact\":%s,"
	                     "\"consent\":{\"status\":\"%s\",\"at\":%s%s%s},\"frozen\":%s,"
	                     "\"course_ended\":%s",
	                     accepted != NULL ? accepted : "null", contact,
	                     consent_state_name(db_cell(&r, 0, CH_CONSENT)),
	                     consent_at != NULL ? "\"" : "", consent_at != NULL ? consent_at : "null",
	                     consent_at != NULL ? "\"" : "",
	                     db_i64(&r, 0, CH_FROZEN) != 0 ? "true" : "false",
	                     db_i64(&r, 0, CH_COURSE_ENDED) != 0 ? "true" : "false");
	return KP_OK;
}

const char *plan_answer(struct arena *a, long long plan_id, long long version, const char *part,
                        const char *doc)
{
	/* The every-read path: the numbers printed, the parts copied. */
	char head[64];
	int n = snprintf(head, sizeof(head), "{\"id\":%lld,\"version\":%lld,", plan_id, version);
	size_t plen = strlen(part), dlen = strlen(doc);
	char *out, *p;

	if (n < 0 || (size_t)n >= sizeof(head))
		return NULL;
	p = out = arena_alloc(a, (size_t)n + plen + 1 + dlen + 2);
	memcpy(p, head, (size_t)n);
	p += n;
	memcpy(p, part, plen);
	p += plen;
	*p++ = ',';
	memcpy(p, doc, dlen);
	p += dlen;
	*p++ = '}';
	*p = '\0';
	return out;
}

const struct plan_want plan_want_any = {true, 0, NULL};

bool plan_want_match(const struct plan_want *want, long long version)
{
	size_t i;

	if (want->any)
		return true;
	for (i = 0; i < want->n; i++)
		if (want->versions[i] == version)
			return true;
	return false;
}

enum kp_err plan_lock(struct db *db, struct arena *a, long long plan_id,
                      const struct plan_want *want, long long *version, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	if ((err = db_query(db, a, DB_PLAN_LOCK, DB_ARGS(DB_I64(plan_id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	*version = db_i64(&r, 0, PL_VERSION);
	/* The row lock orders this change after any consent fact of the
	 * plan's members (core/consent.c locks the same row). */
	if (db_i64(&r, 0, PL_FROZEN) != 0)
		return consent_frozen(f);
	if (!plan_want_match(want, *version))
		return KP_FAIL(f, KP_ESTALE, "stale_version",
		               "the plan has changed since you read it; read it again");
	return KP_OK;
}

enum kp_err plan_bump(struct db *db, long long plan_id, long long new_version,
                      const struct kp_actor *who, const char *summary)
{
	static const char *const kinds[KP_ACTOR__MAX] = {
		[KP_ACTOR_CITIZEN] = "citizen", [KP_ACTOR_STAFF] = "staff", [KP_ACTOR_SYSTEM] = "system"};
	enum kp_err err;

	if ((err = db_exec(db, DB_PLAN_BUMP, DB_ARGS(DB_I64(plan_id)), NULL, NULL)) != KP_OK)
		return err;
	return db_exec(db, DB_HISTORY_INSERT,
	               DB_ARGS(DB_I64(plan_id), DB_I64(new_version), DB_STR(kinds[who->kind]),
	                       who->kind == KP_ACTOR_CITIZEN ? DB_I64(who->id) : DB_NULL,
	                       who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                       DB_STR(summary), DB_STR(who->request_id ? who->request_id : "")),
	               NULL, NULL);
}

/* Finds a live dream of the actor's plan; checks authorship. */
static enum kp_err dream_find(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long dream_id, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	err = db_query(db, a, DB_DREAM_GET, DB_ARGS(DB_I64(dream_id), DB_I64(who->plan_id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such dream in your plan");
	if (db_i64(&r, 0, DG_AUTHOR_ID) != who->id)
		return KP_FAIL(f, KP_EFORBIDDEN, "not_author",
		               "only the person who wrote a dream can change it");
	return KP_OK;
}

enum dream_op { DREAM_CREATE, DREAM_UPDATE, DREAM_DELETE };

static enum kp_err dream_change(struct db *db, struct arena *a, const struct kp_actor *who,
                                enum dream_op op, long long dream_id, const char *text,
                                const struct plan_want *want, json_t **out, long long *version,
                                struct kp_fail *f)
{
	static const char *const summary[] = {
		[DREAM_CREATE] = "Drøm tilføjet", [DREAM_UPDATE] = "Drøm ændret",
		[DREAM_DELETE] = "Drøm fjernet"};
	unsigned long long id = (unsigned long long)dream_id;
	long long current = 0;
	enum kp_err err;

	if (out != NULL)
		*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = plan_lock(db, a, who->plan_id, want, &current, f)) != KP_OK)
		goto out;
	switch (op) {
	case DREAM_CREATE:
		err = db_exec(db, DB_DREAM_INSERT,
		              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id), DB_STR(text)), NULL, &id);
		break;
	case DREAM_UPDATE:
		if ((err = dream_find(db, a, who, dream_id, f)) == KP_OK)
			err = db_exec(db, DB_DREAM_UPDATE,
			              DB_ARGS(DB_STR(text), DB_I64(dream_id), DB_I64(who->plan_id)),
			              NULL, NULL);
		break;
	case DREAM_DELETE:
		if ((err = dream_find(db, a, who, dream_id, f)) == KP_OK)
			err = db_exec(db, DB_DREAM_DELETE, DB_ARGS(DB_I64(dream_id), DB_I64(who->plan_id)),
			              NULL, NULL);
		break;
	}
	if (err == KP_OK)
		err = plan_bump(db, who->plan_id, current + 1, who, summary[op]);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	*version = current + 1;
	if (out != NULL && (*out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "text", text,
	                                     "author_id", (json_int_t)who->id)) == NULL)
		return KP_EINTERNAL;
	return KP_OK;
}

enum kp_err dream_create(struct db *db, struct arena *a, const struct kp_actor *who,
                         const char *text, const struct plan_want *want, json_t **out,
                         long long *version, struct kp_fail *f)
{
	return dream_change(db, a, who, DREAM_CREATE, 0, text, want, out, version, f);
}

enum kp_err dream_update(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long dream_id, const char *text, const struct plan_want *want,
                         json_t **out, long long *version, struct kp_fail *f)
{
	return dream_change(db, a, who, DREAM_UPDATE, dream_id, text, want, out, version, f);
}

enum kp_err dream_delete(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long dream_id, const struct plan_want *want, long long *version,
                         struct kp_fail *f)
{
	return dream_change(db, a, who, DREAM_DELETE, dream_id, NULL, want, NULL, version, f);
}

enum kp_err plan_accept(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long version, json_t **out, struct kp_fail *f)
{
	char at[32];
	struct tm tm;
	time_t now;
	long long current = 0;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	/* The lock keeps the version from moving between the check and the
	 * row that records the yes. */
	if ((err = plan_lock(db, a, who->plan_id, PLAN_ANY_VERSION, &current, f)) != KP_OK)
		goto out;
	if (version != current) {
		err = KP_FAIL(f, KP_ECONFLICT, "version_conflict",
		              arena_printf(a, "version %lld is not the current version (%lld)",
		                           version, current));
		goto out;
	}
	err = db_exec(db, DB_ACCEPTANCE_INSERT,
	              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id), DB_I64(version),
	                      DB_STR(who->request_id ? who->request_id : "")),
	              NULL, NULL);
	if (err == KP_OK)
		err = db_exec(db, DB_CITIZEN_ACCEPTED_SET, DB_ARGS(DB_I64(version), DB_I64(who->id)),
		              NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	now = time(NULL);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	*out = json_pack("{s:I, s:s}", "version", (json_int_t)version, "accepted_at", at);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* DB_HISTORY_LIST's row. */
struct history_row {
	long long version;
	const char *at, *by, *summary;
};

static void history_row(struct history_row *h, const struct db_res *r, size_t i)
{
	h->version = db_i64(r, i, HI_VERSION);
	h->at = db_cell(r, i, HI_AT);
	h->by = db_cell(r, i, HI_BY);
	h->summary = db_cell(r, i, HI_SUMMARY);
}

static json_t *history_json(const struct history_row *h)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "version", (json_int_t)h->version, "at", h->at,
	                 "by", h->by, "summary", h->summary);
}

enum kp_err plan_history(struct db *db, struct arena *a, long long plan_id, struct page *pg,
                         json_t **out)
{
	struct history_row h;
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i, n;

	*out = NULL;
	err = db_query(db, a, DB_HISTORY_LIST,
	               DB_ARGS(DB_I64(plan_id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))), &r);
	if (err != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	list = json_array();
	for (i = 0; i < n; i++) {
		history_row(&h, &r, i);
		if (kp_json_push(list, history_json(&h)) != 0) {
			json_decref(list);
			return KP_EINTERNAL;
		}
	}
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, HI_VERSION);
	*out = json_pack("{s:o}", "versions", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err plan_contact(struct db *db, struct arena *a, long long citizen_id, json_t **out)
{
	struct contact_row c;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = db_query(db, a, DB_CONTACT_GET, DB_ARGS(DB_I64(citizen_id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	contact_row(&c, &r, 0, CT_NAME);
	*out = contact_json(&c);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* DB_ACCESS_LOG's row. */
struct access_row {
	long long id;
	const char *at, *name, *role, *action;
};

static void access_row(struct access_row *e, const struct db_res *r, size_t i)
{
	e->id = db_i64(r, i, AC_ID);
	e->at = db_cell(r, i, AC_AT);
	e->name = db_cell(r, i, AC_NAME);
	e->role = db_cell(r, i, AC_ROLE);
	e->action = db_cell(r, i, AC_ACTION);
}

static json_t *access_json(const struct access_row *e)
{
	return json_pack("{s:s, s:{s:s, s:s}, s:s}", "at", e->at, "actor", "name", e->name, "role",
	                 e->role, "action", e->action);
}

enum kp_err plan_access_log(struct db *db, struct arena *a, long long citizen_id,
                            struct page *pg, json_t **out)
{
	struct access_row e;
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i, n;

	*out = NULL;
	err = db_query(db, a, DB_ACCESS_LOG,
	               DB_ARGS(DB_I64(citizen_id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))),
	               &r);
	if (err != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	list = json_array();
	for (i = 0; i < n; i++) {
		access_row(&e, &r, i);
		if (kp_json_push(list, access_json(&e)) != 0) {
			json_decref(list);
			return KP_EINTERNAL;
		}
	}
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, AC_ID);
	*out = json_pack("{s:o}", "entries", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}
