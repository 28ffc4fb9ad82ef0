/* plan.c: reading and changing the citizen's plan (see plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caseload.h"
#include "consent.h"
#include "kpjson.h"
#include "plan.h"
#include "progress.h"

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
	long long accepted_through;  /* how far the yes covers (plan_yes_state) */
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
	h->accepted_through = db_cell(r, i, PH_ACCEPTED_THROUGH) != NULL
	                              ? db_i64(r, i, PH_ACCEPTED_THROUGH)
	                              : h->accepted_version;
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
	json_t *jd, *jg, *progress;
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
	if ((progress = progress_latest(db, a, citizen_id, &err)) == NULL) {
		json_decref(jd);
		json_decref(jg);
		return err;
	}
	*version = h.version;
	*out = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:{s:s, s:s?}, s:b, s:b, s:o}", "id",
	                 (json_int_t)h.id, "version", (json_int_t)h.version, "accepted_version",
	                 h.accepted ? json_integer(h.accepted_version) : json_null(),
	                 "accepted_through",
	                 h.accepted ? json_integer(h.accepted_through) : json_null(), "dreams", jd,
	                 "goals", jg, "contact", contact_json(&h.contact), "consent", "status",
	                 h.consent, "at", h.consent_at, "frozen", h.frozen, "course_ended",
	                 h.course_ended, "progress", progress);
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
	const char *accepted, *through, *contact, *consent_at, *progress;
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
	through = db_cell(&r, 0, CH_ACCEPTED_THROUGH);
	if (through == NULL)
		through = accepted;
	contact_row(&c, &r, 0, CH_CONTACT_NAME);
	contact = json_text(a, contact_json(&c), false);
	if (contact == NULL)
		return KP_EINTERNAL;
	/* The citizen's own answers on how their goals go: read after rev, as
	 * the rest of the part, and raised with it (progress_add). */
	progress = json_text(a, progress_latest(db, a, citizen_id, &err), false);
	if (progress == NULL)
		return err != KP_OK ? err : KP_EINTERNAL;
	consent_at = db_cell(&r, 0, CH_CONSENT_AT);
	*part = arena_printf(a,
	                     "\"accepted_version\":%s,\"accepted_through\":%s,\"contact\":%s,"
	                     "\"consent\":{\"status\":\"%s\",\"at\":%s%s%s},\"frozen\":%s,"
	                     "\"course_ended\":%s,\"progress\":%s",
	                     accepted != NULL ? accepted : "null", through != NULL ? through : "null",
	                     contact,
	                     consent_state_name(db_cell(&r, 0, CH_CONSENT)),
	                     consent_at != NULL ? "\"" : "", consent_at != NULL ? consent_at : "null",
	                     consent_at != NULL ? "\"" : "",
	                     db_i64(&r, 0, CH_FROZEN) != 0 ? "true" : "false",
	                     db_i64(&r, 0, CH_COURSE_ENDED) != 0 ? "true" : "false", progress);
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
	return plan_bump_diff(db, plan_id, new_version, who, summary, NULL);
}

void plan_diff_add(struct plan_diff *d, const char *subject, long long subject_id,
                   const char *field, const char *what, const char *before, const char *after)
{
	if (d == NULL || (before == NULL && after == NULL) ||
	    (before != NULL && after != NULL && strcmp(before, after) == 0))
		return;
	if (d->n == PLAN_DIFF_MAX) {
		d->overflow = true;
		return;
	}
	d->f[d->n++] = (struct plan_field){subject, subject_id, field, what, before, after};
}

enum kp_err plan_bump_diff(struct db *db, long long plan_id, long long new_version,
                           const struct kp_actor *who, const char *summary,
                           const struct plan_diff *d)
{
	static const char *const kinds[KP_ACTOR__MAX] = {
		[KP_ACTOR_CITIZEN] = "citizen", [KP_ACTOR_STAFF] = "staff", [KP_ACTOR_SYSTEM] = "system"};
	enum kp_err err;
	size_t i;

	if (d != NULL && d->overflow) {
		fprintf(stderr, "plan %lld: a change names more than %d fields\n", plan_id,
		        PLAN_DIFF_MAX);
		return KP_EINTERNAL;
	}
	if ((err = db_exec(db, DB_PLAN_BUMP, DB_ARGS(DB_I64(plan_id)), NULL, NULL)) != KP_OK)
		return err;
	err = db_exec(db, DB_HISTORY_INSERT,
	              DB_ARGS(DB_I64(plan_id), DB_I64(new_version), DB_STR(kinds[who->kind]),
	                      who->kind == KP_ACTOR_CITIZEN ? DB_I64(who->id) : DB_NULL,
	                      who->kind == KP_ACTOR_STAFF ? DB_I64(who->id) : DB_NULL,
	                      DB_STR(summary), DB_STR(who->request_id ? who->request_id : "")),
	              NULL, NULL);
	for (i = 0; err == KP_OK && d != NULL && i < d->n; i++) {
		const struct plan_field *c = &d->f[i];

		err = db_exec(db, DB_PLAN_CHANGE_INSERT,
		              DB_ARGS(DB_I64(plan_id), DB_I64(new_version), DB_STR(c->subject),
		                      DB_I64(c->subject_id), DB_STR(c->field), DB_STR(c->what),
		                      DB_OPTSTR(c->before), DB_OPTSTR(c->after)),
		              NULL, NULL);
	}
	if (err != KP_OK)
		return err;
	/* The rule of plan_yes_state: only the citizen's own edit of their own
	 * dream keeps a yes standing, and only that citizen's. */
	if (d != NULL && d->own_dream && who->kind == KP_ACTOR_CITIZEN)
		return db_exec(db, DB_CITIZEN_YES_CARRY,
		               DB_ARGS(DB_I64(new_version), DB_I64(who->id), DB_I64(new_version - 1)),
		               NULL, NULL);
	/* A staff change that leaves the plan awaiting a yes tells the citizen
	 * through the outbox: goal_create and goal_update queue it. */
	return KP_OK;
}

const char *const plan_yes_names[PLAN_YES__MAX + 1] = {
	[PLAN_YES_NONE] = "none", [PLAN_YES_CURRENT] = "current",
	[PLAN_YES_OWN_DREAMS] = "own_dreams_edited", [PLAN_YES_OUTDATED] = "outdated",
	[PLAN_YES__MAX] = NULL};

enum plan_yes plan_yes_state(bool accepted, long long accepted_version,
                             long long accepted_through, long long version)
{
	if (!accepted)
		return PLAN_YES_NONE;
	if (accepted_version >= version)
		return PLAN_YES_CURRENT;
	return accepted_through >= version ? PLAN_YES_OWN_DREAMS : PLAN_YES_OUTDATED;
}

bool plan_yes_stands(enum plan_yes y)
{
	return y == PLAN_YES_CURRENT || y == PLAN_YES_OWN_DREAMS;
}

/* Finds a live dream of the actor's plan; checks authorship. *text: the
 * dream's text as kept. */
static enum kp_err dream_find(struct db *db, struct arena *a, const struct kp_actor *who,
                              long long dream_id, const char **text, struct kp_fail *f)
{
	struct db_res r;
	enum kp_err err;

	*text = NULL;
	err = db_query(db, a, DB_DREAM_GET, DB_ARGS(DB_I64(dream_id), DB_I64(who->plan_id)), &r);
	if (err != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_FAIL(f, KP_ENOTFOUND, "not_found", "there is no such dream in your plan");
	if (db_i64(&r, 0, DG_AUTHOR_ID) != who->id)
		return KP_FAIL(f, KP_EFORBIDDEN, "not_author",
		               "only the person who wrote a dream can change it");
	*text = db_cell(&r, 0, DG_TEXT);
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
	static const char *const field[] = {
		[DREAM_CREATE] = "added", [DREAM_UPDATE] = "text", [DREAM_DELETE] = "removed"};
	unsigned long long id = (unsigned long long)dream_id;
	struct plan_diff d = {.own_dream = true};
	const char *kept = NULL;
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
		if ((err = dream_find(db, a, who, dream_id, &kept, f)) == KP_OK)
			err = db_exec(db, DB_DREAM_UPDATE,
			              DB_ARGS(DB_STR(text), DB_I64(dream_id), DB_I64(who->plan_id)),
			              NULL, NULL);
		break;
	case DREAM_DELETE:
		if ((err = dream_find(db, a, who, dream_id, &kept, f)) == KP_OK)
			err = db_exec(db, DB_DREAM_DELETE, DB_ARGS(DB_I64(dream_id), DB_I64(who->plan_id)),
			              NULL, NULL);
		break;
	}
	/* The summary names the change; a dream has no title of its own. */
	plan_diff_add(&d, "dream", (long long)id, field[op], summary[op], kept, text);
	if (err == KP_OK)
		err = plan_bump_diff(db, who->plan_id, current + 1, who, summary[op], &d);
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

/* The goals of the plan as a receipt lists them: title, area and status,
 * sub-goals by title and status; the dreams' texts. Steals jd and jg. */
static json_t *receipt_content(json_t *jd, json_t *jg)
{
	json_t *goals = json_array(), *dreams = json_array(), *g, *sg, *subs, *x;
	size_t i, j;

	if (goals == NULL || dreams == NULL)
		goto fail;
	json_array_foreach(jd, i, x)
		if (kp_json_push(dreams, json_string(json_string_value(json_object_get(x, "text")))))
			goto fail;
	json_array_foreach(jg, i, g) {
		if ((subs = json_array()) == NULL)
			goto fail;
		json_array_foreach(json_object_get(g, "subgoals"), j, sg)
			if (kp_json_push(subs, json_pack("{s:O, s:O}", "title",
			                                 json_object_get(sg, "title"), "status",
			                                 json_object_get(sg, "status"))) != 0) {
				json_decref(subs);
				goto fail;
			}
		if (kp_json_push(goals, json_pack("{s:O, s:O, s:O, s:o}", "title",
		                                  json_object_get(g, "title"), "area",
		                                  json_object_get(g, "area"), "status",
		                                  json_object_get(g, "status"), "subgoals", subs)) != 0)
			goto fail;
	}
	json_decref(jd);
	json_decref(jg);
	return json_pack("{s:o, s:o}", "goals", goals, "dreams", dreams);
fail:
	json_decref(goals);
	json_decref(dreams);
	json_decref(jd);
	json_decref(jg);
	return NULL;
}

/* The time now as the API writes it, and as the database takes it. */
static void now_texts(char api[32], char sql[32])
{
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(api, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(sql, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Inside a transaction: locks the citizen's plan and checks that version is
 * its current one. */
static enum kp_err answer_lock(struct db *db, struct arena *a, const struct kp_actor *who,
                               long long version, struct kp_fail *f)
{
	long long current = 0;
	enum kp_err err;

	/* The lock keeps the version from moving between the check and the
	 * row that records the answer. */
	if ((err = plan_lock(db, a, who->plan_id, PLAN_ANY_VERSION, &current, f)) != KP_OK)
		return err;
	if (version != current)
		return KP_FAIL(f, KP_ECONFLICT, "version_conflict",
		               arena_printf(a, "version %lld is not the current version (%lld)",
		                            version, current));
	return KP_OK;
}

enum kp_err plan_accept(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long version, json_t **out, struct kp_fail *f)
{
	char at[32], sql_at[32];
	const char *text = NULL;
	json_t *jd, *jg, *receipt = NULL;
	enum kp_err err;

	*out = NULL;
	now_texts(at, sql_at);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = answer_lock(db, a, who, version, f)) != KP_OK ||
	    (err = plan_content(db, a, who->plan_id, &jd, &jg)) != KP_OK)
		goto out;
	/* What was agreed, kept with the yes: the plan as it is under the lock. */
	receipt = receipt_content(jd, jg);
	if (receipt == NULL || json_object_set_new(receipt, "version", json_integer(version)) != 0 ||
	    json_object_set_new(receipt, "accepted_at", json_string(at)) != 0 ||
	    (text = json_text(a, json_incref(receipt), false)) == NULL) {
		err = KP_EINTERNAL;
		goto out;
	}
	err = db_exec(db, DB_ACCEPTANCE_INSERT,
	              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id), DB_I64(version),
	                      DB_STR(who->request_id ? who->request_id : "")),
	              NULL, NULL);
	if (err == KP_OK)
		err = db_exec(db, DB_ANSWER_INSERT,
		              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id), DB_I64(version),
		                      DB_STR("yes"), DB_NULL, DB_STR(text), DB_STR(sql_at),
		                      DB_STR(who->request_id ? who->request_id : "")),
		              NULL, NULL);
	/* A yes answers the citizen's own "not yet". */
	if (err == KP_OK)
		err = db_exec(db, DB_ANSWER_CLOSE, DB_ARGS(DB_NULL, DB_I64(who->id)), NULL, NULL);
	if (err == KP_OK)
		err = db_exec(db, DB_CITIZEN_ACCEPTED_SET, DB_ARGS(DB_I64(version), DB_I64(who->id)),
		              NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK) {
		json_decref(receipt);
		return err;
	}
	if (json_object_set_new(receipt, "answer", json_string("yes")) != 0) {
		json_decref(receipt);
		return KP_EINTERNAL;
	}
	*out = receipt;
	return KP_OK;
}

enum kp_err plan_not_yet(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long version, const char *comment, json_t **out,
                         struct kp_fail *f)
{
	char at[32], sql_at[32];
	enum kp_err err;

	*out = NULL;
	now_texts(at, sql_at);
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = answer_lock(db, a, who, version, f)) != KP_OK)
		goto out;
	err = db_exec(db, DB_ANSWER_INSERT,
	              DB_ARGS(DB_I64(who->plan_id), DB_I64(who->id), DB_I64(version),
	                      DB_STR("not_yet"), DB_OPTSTR(comment), DB_NULL, DB_STR(sql_at),
	                      DB_STR(who->request_id ? who->request_id : "")),
	              NULL, NULL);
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	*out = json_pack("{s:I, s:s, s:s, s:s?}", "version", (json_int_t)version, "answer",
	                 "not_yet", "at", at, "comment", comment);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* DB_YES_STATE's row, and the state of the yes it gives. */
struct yes_row {
	bool accepted;
	long long accepted_version, through, version, plan_id;
	enum plan_yes state;
};

static enum kp_err yes_read(struct db *db, struct arena *a, long long citizen_id,
                            struct yes_row *y)
{
	struct db_res r;
	enum kp_err err;

	if ((err = db_query(db, a, DB_YES_STATE, DB_ARGS(DB_I64(citizen_id)), &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_ENOTFOUND;
	y->accepted = db_cell(&r, 0, YS_ACCEPTED) != NULL;
	y->accepted_version = db_i64(&r, 0, YS_ACCEPTED);
	y->through = db_cell(&r, 0, YS_THROUGH) != NULL ? db_i64(&r, 0, YS_THROUGH)
	                                                 : y->accepted_version;
	y->version = db_i64(&r, 0, YS_VERSION);
	y->plan_id = db_i64(&r, 0, YS_PLAN_ID);
	y->state = plan_yes_state(y->accepted, y->accepted_version, y->through, y->version);
	return KP_OK;
}

/* The open not_yet of citizen_id as JSON, or null; NULL on failure. */
static json_t *not_yet_json(struct db *db, struct arena *a, long long citizen_id)
{
	struct db_res r;

	if (db_query(db, a, DB_ANSWER_NOT_YET, DB_ARGS(DB_I64(citizen_id)), &r) != KP_OK)
		return NULL;
	if (r.nrows == 0)
		return json_null();
	return json_pack("{s:I, s:s, s:s?}", "version", (json_int_t)db_i64(&r, 0, AN_VERSION), "at",
	                 db_cell(&r, 0, AN_AT), "comment", db_cell(&r, 0, AN_COMMENT));
}

enum kp_err plan_acceptance_staff(struct db *db, struct arena *a, long long citizen_id,
                                  json_t **out)
{
	struct yes_row y;
	json_t *not_yet;
	enum kp_err err;

	*out = NULL;
	if ((err = yes_read(db, a, citizen_id, &y)) != KP_OK)
		return err;
	if ((not_yet = not_yet_json(db, a, citizen_id)) == NULL)
		return KP_EINTERNAL;
	*out = json_pack("{s:I, s:o, s:o, s:s, s:o}", "version", (json_int_t)y.version,
	                 "accepted_version", y.accepted ? json_integer(y.accepted_version) : json_null(),
	                 "accepted_through", y.accepted ? json_integer(y.through) : json_null(),
	                 "state", plan_yes_names[y.state], "not_yet", not_yet);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err plan_acceptance(struct db *db, struct arena *a, const struct kp_actor *who,
                            json_t **out)
{
	json_t *receipt = NULL;
	const char *kept;
	struct db_res r;
	enum kp_err err;
	bool accepted;

	if ((err = plan_acceptance_staff(db, a, who->id, out)) != KP_OK)
		return err;
	accepted = json_is_integer(json_object_get(*out, "accepted_version"));
	err = db_query(db, a, DB_ANSWER_LAST_YES, DB_ARGS(DB_I64(who->id), DB_I64(who->plan_id)), &r);
	/* A yes from before receipts were kept has its time and version only. */
	if (err == KP_OK && r.nrows == 0 && accepted)
		err = db_query(db, a, DB_ACCEPTANCE_LAST,
		               DB_ARGS(DB_I64(who->id), DB_I64(who->plan_id)), &r);
	if (err == KP_OK && r.nrows == 1) {
		kept = db_cell(&r, 0, AY_RECEIPT);
		receipt = kept != NULL ? json_loads(kept, 0, NULL)
		                       : json_pack("{s:I, s:s, s:n, s:n}", "version",
		                                   (json_int_t)db_i64(&r, 0, AY_VERSION), "accepted_at",
		                                   db_cell(&r, 0, AY_AT), "goals", "dreams");
		if (receipt == NULL)
			err = KP_EINTERNAL;
	}
	if (err == KP_OK &&
	    json_object_set_new(*out, "receipt", receipt != NULL ? receipt : json_null()) != 0)
		err = KP_EINTERNAL;
	if (err != KP_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

/* DB_PLAN_CHANGES_SINCE's row. */
struct change_row {
	long long version, actor_citizen, subject_id;
	const char *at, *actor_kind, *by_name, *by_title, *summary;
	const char *subject, *field, *what, *before, *after; /* subject NULL: no field */
};

static void change_row(struct change_row *c, const struct db_res *r, size_t i)
{
	c->version = db_i64(r, i, PCH_VERSION);
	c->at = db_cell(r, i, PCH_AT);
	c->actor_kind = db_cell(r, i, PCH_ACTOR_KIND);
	c->actor_citizen = db_i64(r, i, PCH_ACTOR_CITIZEN);
	c->by_name = db_cell(r, i, PCH_BY_NAME);
	c->by_title = db_cell(r, i, PCH_BY_TITLE);
	c->summary = db_cell(r, i, PCH_SUMMARY);
	c->subject = db_cell(r, i, PCH_SUBJECT);
	c->subject_id = db_i64(r, i, PCH_SUBJECT_ID);
	c->field = db_cell(r, i, PCH_FIELD);
	c->what = db_cell(r, i, PCH_WHAT);
	c->before = db_cell(r, i, PCH_BEFORE);
	c->after = db_cell(r, i, PCH_AFTER);
}

/* Row i of DB_PLAN_CHANGES_SINCE as seen by citizen me; NULL when out of
 * memory. */
static json_t *change_json(const struct db_res *r, size_t i, long long me)
{
	struct change_row c;
	bool you;

	change_row(&c, r, i);
	you = strcmp(c.actor_kind, "citizen") == 0 && c.actor_citizen == me;
	return json_pack("{s:I, s:s, s:{s:s, s:s, s:s?, s:b}, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b}",
	                 "version", (json_int_t)c.version, "at", c.at,
	                 "by", "kind", c.actor_kind, "name", c.by_name, "role", c.by_title, "you",
	                 you,
	                 "summary", c.summary, "what", c.subject != NULL ? c.what : c.summary,
	                 "before", c.before, "after", c.after, "subject", c.subject,
	                 "field", c.field,
	                 /* The citizen's own edit of their own dream: no new yes. */
	                 "own", you && c.subject != NULL && strcmp(c.subject, "dream") == 0);
}

enum kp_err plan_changes(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long since, json_t **out, struct kp_fail *f)
{
	struct yes_row y;
	struct db_res r;
	json_t *list;
	enum kp_err err;
	size_t i;

	*out = NULL;
	if ((err = yes_read(db, a, who->id, &y)) != KP_OK)
		return err;
	if (since < 0)
		since = y.accepted ? y.accepted_version : 0;
	else if (since > y.version)
		return KP_FAIL(f, KP_EINVAL, "invalid_since",
		               arena_printf(a, "since: %lld is above the current version (%lld)", since,
		                            y.version));
	err = db_query(db, a, DB_PLAN_CHANGES_SINCE,
	               DB_ARGS(DB_I64(y.plan_id), DB_I64(since), DB_I64(y.version)), &r);
	if (err != KP_OK)
		return err;
	if ((list = json_array()) == NULL)
		return KP_EINTERNAL;
	for (i = 0; i < r.nrows; i++)
		if (kp_json_push(list, change_json(&r, i, who->id)) != 0) {
			json_decref(list);
			return KP_EINTERNAL;
		}
	*out = json_pack("{s:I, s:I, s:o, s:o, s:s, s:o}", "since", (json_int_t)since, "version",
	                 (json_int_t)y.version, "accepted_version",
	                 y.accepted ? json_integer(y.accepted_version) : json_null(),
	                 "accepted_through", y.accepted ? json_integer(y.through) : json_null(),
	                 "state", plan_yes_names[y.state], "changes", list);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err plan_not_yet_acknowledge(struct db *db, struct arena *a, const struct kp_actor *who,
                                     long long citizen_id, json_t **out, struct kp_fail *f)
{
	struct caseload_citizen c;
	unsigned long long closed = 0;
	enum kp_err err;

	*out = NULL;
	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = caseload_open(db, a, who, citizen_id, "not_yet_acknowledged", "plan answer",
	                         &c)) != KP_OK)
		goto out;
	err = db_exec(db, DB_ANSWER_CLOSE, DB_ARGS(DB_I64(who->id), DB_I64(c.id)), &closed, NULL);
	if (err == KP_OK && closed == 0)
		err = KP_FAIL(f, KP_ECONFLICT, "nothing_open",
		              "the citizen has no open \"not yet\" to acknowledge");
out:
	if ((err = db_tx_end(db, err)) != KP_OK)
		return err;
	*out = json_pack("{s:I}", "acknowledged", (json_int_t)closed);
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

/* DB_ACCESS_LOG's row: a run of accesses of one kind to one thing. The
 * object may carry the access's reason after ": " ("cpr: <why>"). */
struct access_row {
	long long id, count;
	const char *at, *first_at, *name, *role, *action, *object;
	const char *reason;     /* NULL: none given */
	size_t object_len;
};

static void access_row(struct access_row *e, const struct db_res *r, size_t i)
{
	const char *sep;

	e->id = db_i64(r, i, AC_ID);
	e->count = db_i64(r, i, AC_COUNT);
	e->at = db_cell(r, i, AC_AT);
	e->first_at = db_cell(r, i, AC_FIRST_AT);
	e->name = db_cell(r, i, AC_NAME);
	e->role = db_cell(r, i, AC_ROLE);
	e->action = db_cell(r, i, AC_ACTION);
	e->object = db_cell(r, i, AC_OBJECT);
	sep = strstr(e->object, ": ");
	e->object_len = sep != NULL ? (size_t)(sep - e->object) : strlen(e->object);
	e->reason = sep != NULL ? sep + 2 : NULL;
}

/* Row i of DB_ACCESS_LOG r as JSON: a new reference, NULL when out of
 * memory. The portal words action and object. */
static json_t *access_json(const void *r, size_t i)
{
	struct access_row e;

	access_row(&e, r, i);
	return json_pack("{s:s, s:s, s:I, s:{s:s, s:s}, s:s, s:s#, s:o}", "at", e.at, "first_at",
	                 e.first_at, "count", (json_int_t)e.count, "actor", "name", e.name, "role",
	                 e.role, "action", e.action, "object", e.object, e.object_len, "reason",
	                 e.reason != NULL ? json_string(e.reason) : json_null());
}

/* The caseload list is left out: seeing a name among one's own caseload's
 * is not a read of the citizen's plan; its audit rows stay (the staff
 * audit view shows them). A leader's list of everyone has no citizen at
 * all (caseload_list). */
enum kp_err plan_access_log(struct db *db, struct arena *a, long long citizen_id,
                            struct page *pg, json_t **out)
{
	struct db_res r;
	enum kp_err err;
	size_t n;

	*out = NULL;
	err = db_query(db, a, DB_ACCESS_LOG,
	               DB_ARGS(DB_I64(citizen_id), DB_I64(page_before(pg)), DB_I64(page_fetch(pg))),
	               &r);
	if (err != KP_OK)
		return err;
	n = page_rows(pg, r.nrows);
	if ((*out = kp_json_wrap("entries", kp_json_list(n, access_json, &r))) == NULL)
		return KP_EINTERNAL;
	/* The next page starts below this run's first row. */
	if (n > 0)
		pg->next_id = db_i64(&r, n - 1, AC_ID);
	return KP_OK;
}
