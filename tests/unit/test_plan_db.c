/* test_plan_db.c: the plan rules of core/ against a real MariaDB: versions,
 * history, If-Match, authorship, acceptance, proposals, sessions. Each test
 * makes its own plan. Skipped when KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "dbtest.h"
#include "plan.h"
#include "proposal.h"
#include "session.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

/* A household plan with two members, a goal with a sub-goal. */
struct fixture {
	long long plan, household, c1, c2, goal, sub;
	struct kp_actor p1, p2;
};

static void setup(void)
{
	dbtest_open(&cfg, &db, &a);
}

static void teardown(void)
{
	dbtest_close(&cfg, db, a);
}

static void make(struct fixture *f)
{
	unsigned long long id;

	memset(f, 0, sizeof(*f));
	cr_assert_eq(seed_exec(db, SEED_HOUSEHOLD, DB_ARGS(DB_STR("Test")), NULL, &id), KP_OK);
	f->household = (long long)id;
	cr_assert_eq(seed_exec(db, SEED_PLAN, DB_ARGS(DB_I64(f->household)), NULL, &id), KP_OK);
	f->plan = (long long)id;
	cr_assert_eq(seed_exec(db, SEED_CITIZEN,
	                       DB_ARGS(DB_I64(f->plan), DB_I64(f->household), DB_STR("Test Én"), DB_NULL,
	                               DB_NULL), NULL, &id), KP_OK);
	f->c1 = (long long)id;
	cr_assert_eq(seed_exec(db, SEED_CITIZEN,
	                       DB_ARGS(DB_I64(f->plan), DB_I64(f->household), DB_STR("Test To"), DB_NULL,
	                               DB_NULL), NULL, &id), KP_OK);
	f->c2 = (long long)id;
	cr_assert_eq(seed_exec(db, SEED_GOAL,
	                       DB_ARGS(DB_I64(f->plan), DB_NULL, DB_STR("Mål"), DB_STR(""), DB_STR("job"),
	                               DB_STR("LAB §30 a"), DB_STR("active"), DB_STR("4.5"), DB_I64(0),
	                               DB_NULL), NULL, &id), KP_OK);
	f->goal = (long long)id;
	cr_assert_eq(seed_exec(db, SEED_GOAL,
	                       DB_ARGS(DB_I64(f->plan), DB_I64(f->goal), DB_STR("Delmål"), DB_STR(""),
	                               DB_STR("job"), DB_STR("LAB §175"), DB_STR("active"), DB_NULL,
	                               DB_I64(0), DB_NULL), NULL, &id), KP_OK);
	f->sub = (long long)id;
	cr_assert_eq(db_exec(db, DB_HISTORY_INSERT,
	                     DB_ARGS(DB_I64(f->plan), DB_I64(1), DB_STR("system"), DB_NULL, DB_NULL,
	                             DB_STR("Planen er oprettet"), DB_STR("test")), NULL, NULL), KP_OK);
	f->p1 = (struct kp_actor){KP_ACTOR_CITIZEN, f->c1, f->plan, "Test Én", NULL, "t1"};
	f->p2 = (struct kp_actor){KP_ACTOR_CITIZEN, f->c2, f->plan, "Test To", NULL, "t2"};
}

static long long version_of(long long citizen)
{
	json_t *plan;
	long long v;

	cr_assert_eq(plan_get(db, a, citizen, &plan, &v), KP_OK);
	json_decref(plan);
	return v;
}

TestSuite(plan_db, .init = setup, .fini = teardown);

Test(plan_db, plan_get_puts_subgoals_under_their_goal)
{
	struct fixture f;
	json_t *plan, *goals, *subs;
	long long v;

	make(&f);
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(v, 1);
	goals = json_object_get(plan, "goals");
	cr_assert_eq(json_array_size(goals), 1);
	subs = json_object_get(json_array_get(goals, 0), "subgoals");
	cr_assert_eq(json_array_size(subs), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(subs, 0), "id")), f.sub);
	cr_assert_float_eq(json_real_value(json_object_get(json_array_get(goals, 0),
	                                                   "hours_per_week")), 4.5, 1e-9);
	cr_assert(json_is_null(json_object_get(plan, "contact")));
	json_decref(plan);
}

Test(plan_db, a_dream_change_raises_the_version_by_one_with_a_history_row)
{
	struct fixture f;
	json_t *out, *hist;
	long long v;
	struct kp_fail fail = {0};

	make(&f);
	cr_assert_eq(dream_create(db, a, &f.p1, "Jeg vil være smed", PLAN_ANY_VERSION, &out, &v,
	                          &fail), KP_OK);
	cr_assert_eq(v, 2);
	json_decref(out);
	cr_assert_eq(version_of(f.c1), 2);
	cr_assert_eq(plan_history(db, a, f.plan, &PAGE_FIRST, &hist), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(hist, "versions")), 2);
	cr_assert_eq(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(hist, "versions"), 0), "version")), 2);
	json_decref(hist);
}

Test(plan_db, a_stale_if_match_is_refused_and_changes_nothing)
{
	struct fixture f;
	json_t *out, *plan;
	long long v, id;
	struct kp_fail fail = {0};

	make(&f);
	cr_assert_eq(dream_create(db, a, &f.p1, "før", PLAN_VERSION(1), &out, &v, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	cr_assert_eq(dream_update(db, a, &f.p1, id, "efter", PLAN_VERSION(1), &out, &v, &fail),
	             KP_ESTALE);
	cr_assert_str_eq(fail.code, "stale_version");
	cr_assert_null(out);
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(v, 2);
	cr_assert_str_eq(json_string_value(json_object_get(
	                         json_array_get(json_object_get(plan, "dreams"), 0), "text")), "før");
	json_decref(plan);
}

/* A new dream of who's, made with no If-Match; its id. */
static long long dream_of(const struct kp_actor *who, const char *text)
{
	struct kp_fail fail = {0};
	json_t *out;
	long long v, id;

	cr_assert_eq(dream_create(db, a, who, text, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

Test(plan_db, an_if_match_list_holding_the_version_matches_and_an_empty_one_never_does)
{
	static const long long old_and_current[] = {1, 2, 99};
	const struct plan_want list = {false, 3, old_and_current};
	const struct plan_want none = {false, 0, NULL};
	struct fixture f;
	json_t *out;
	long long v, id;
	struct kp_fail fail = {0};

	make(&f);
	id = dream_of(&f.p1, "før");
	cr_assert_eq(version_of(f.c1), 2);
	/* "0" or "abc": well-formed, no version's ETag, never current. */
	cr_assert_eq(dream_update(db, a, &f.p1, id, "aldrig", &none, &out, &v, &fail), KP_ESTALE);
	cr_assert_str_eq(fail.code, "stale_version");
	cr_assert_null(out);
	cr_assert_eq(dream_delete(db, a, &f.p1, id, &none, &v, &fail), KP_ESTALE);
	cr_assert_eq(version_of(f.c1), 2);
	cr_assert_eq(dream_update(db, a, &f.p1, id, "efter", &list, &out, &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(v, 3);
	/* The list no longer holds the current version 3. */
	cr_assert_eq(dream_delete(db, a, &f.p1, id, &list, &v, &fail), KP_ESTALE);
	cr_assert_eq(version_of(f.c1), 3);
}

Test(plan_db, a_household_member_cannot_change_the_others_dream)
{
	struct fixture f;
	json_t *out;
	long long v, id;
	struct kp_fail fail = {0};

	make(&f);
	cr_assert_eq(dream_create(db, a, &f.p1, "min", PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	cr_assert_eq(dream_update(db, a, &f.p2, id, "din", PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_EFORBIDDEN);
	cr_assert_eq(dream_delete(db, a, &f.p2, id, PLAN_ANY_VERSION, &v, &fail), KP_EFORBIDDEN);
	cr_assert_eq(version_of(f.c1), 2);
}

Test(plan_db, another_plans_dream_is_not_found)
{
	struct fixture f, g;
	json_t *out;
	long long v, id;
	struct kp_fail fail = {0};

	make(&f);
	make(&g);
	cr_assert_eq(dream_create(db, a, &f.p1, "min", PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	cr_assert_eq(dream_update(db, a, &g.p1, id, "x", PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_ENOTFOUND);
	cr_assert_eq(dream_delete(db, a, &g.p1, id, PLAN_ANY_VERSION, &v, &fail), KP_ENOTFOUND);
	cr_assert_eq(version_of(g.c1), 1);
}

Test(plan_db, a_deleted_dream_leaves_the_plan_but_not_the_database)
{
	struct fixture f;
	json_t *out, *plan;
	long long v, id;
	struct kp_fail fail = {0};

	make(&f);
	cr_assert_eq(dream_create(db, a, &f.p1, "væk", PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	cr_assert_eq(dream_delete(db, a, &f.p1, id, PLAN_VERSION(2), &v, &fail), KP_OK);
	cr_assert_eq(v, 3);
	cr_assert_eq(dream_delete(db, a, &f.p1, id, PLAN_ANY_VERSION, &v, &fail), KP_ENOTFOUND);
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(plan, "dreams")), 0);
	json_decref(plan);
}

Test(plan_db, acceptance_takes_only_the_current_version_and_keeps_it)
{
	struct fixture f;
	json_t *out, *plan;
	long long v;
	struct kp_fail fail = {0};

	make(&f);
	cr_assert_eq(plan_accept(db, a, &f.p1, 2, &out, &fail), KP_ECONFLICT);
	cr_assert_str_eq(fail.code, "version_conflict");
	cr_assert_eq(plan_accept(db, a, &f.p1, 1, &out, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(v, 1, "saying yes does not change the version");
	cr_assert_eq(json_integer_value(json_object_get(plan, "accepted_version")), 1);
	json_decref(plan);
	/* The other member has not said yes. */
	cr_assert_eq(plan_get(db, a, f.c2, &plan, &v), KP_OK);
	cr_assert(json_is_null(json_object_get(plan, "accepted_version")));
	json_decref(plan);
}

Test(plan_db, a_proposal_for_another_plans_goal_is_not_found)
{
	struct fixture f, g;
	struct proposal_in in = {PROPOSAL_RETIRE_GOAL, 0, NULL, NULL, "fordi"};
	struct kp_fail fail = {0};
	json_t *out;

	make(&f);
	make(&g);
	in.goal_id = f.goal;
	cr_assert_eq(proposal_create(db, a, &g.p1, &in, &out, &fail), KP_ENOTFOUND);
	cr_assert_eq(proposal_create(db, a, &f.p1, &in, &out, &fail), KP_OK);
	cr_assert_str_eq(json_string_value(json_object_get(out, "status")), "pending");
	json_decref(out);
}

Test(plan_db, a_proposal_is_withdrawn_once_and_only_by_its_author)
{
	struct fixture f;
	struct proposal_in in = {PROPOSAL_ADD_GOAL, 0, "Nyt mål", NULL, "fordi"};
	struct kp_fail fail = {0};
	json_t *out;
	long long id;

	make(&f);
	cr_assert_eq(proposal_create(db, a, &f.p1, &in, &out, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	cr_assert_eq(proposal_withdraw(db, a, &f.p2, id, &out, &fail), KP_ENOTFOUND);
	cr_assert_eq(proposal_withdraw(db, a, &f.p1, id, &out, &fail), KP_OK);
	cr_assert_str_eq(json_string_value(json_object_get(out, "status")), "withdrawn");
	json_decref(out);
	cr_assert_eq(proposal_withdraw(db, a, &f.p1, id, &out, &fail), KP_ECONFLICT);
	cr_assert_str_eq(fail.code, "not_pending");
	cr_assert_eq(version_of(f.c1), 1, "proposing does not change the plan");
}

Test(plan_db, an_add_goal_proposal_needs_a_title_and_no_goal_id)
{
	struct fixture f;
	struct proposal_in in = {PROPOSAL_ADD_GOAL, 0, NULL, NULL, "fordi"};
	struct kp_fail fail = {0};
	json_t *out;

	make(&f);
	cr_assert_eq(proposal_create(db, a, &f.p1, &in, &out, &fail), KP_EINVAL);
	in.title = "x";
	in.goal_id = f.goal;
	cr_assert_eq(proposal_create(db, a, &f.p1, &in, &out, &fail), KP_EINVAL);
}

static void session_row(const char *cookie, long long citizen, long long created, long long seen)
{
	uint8_t h[KP_SHA256_LEN], c[KP_SHA256_LEN] = {0};

	kp_sha256(cookie, strlen(cookie), h);
	cr_assert_eq(db_exec(db, DB_SESSION_INSERT,
	                     DB_ARGS(DB_BLOB(h, sizeof(h)), DB_STR("citizen"), DB_I64(citizen),
	                             DB_NULL, DB_BLOB(c, sizeof(c)), DB_I64(created), DB_I64(seen)),
	                     NULL, NULL), KP_OK);
}

Test(plan_db, an_idle_or_too_old_session_is_refused_and_a_live_one_found)
{
	struct fixture f;
	struct session s;
	char live[SESSION_TOKEN_LEN + 1], idle[SESSION_TOKEN_LEN + 1], old[SESSION_TOKEN_LEN + 1];
	time_t now = time(NULL);

	make(&f);
	/* Unique per plan, so the rows of earlier runs never collide. */
	snprintf(live, sizeof(live), "LIVE%039lld", f.plan);
	snprintf(idle, sizeof(idle), "IDLE%039lld", f.plan);
	snprintf(old, sizeof(old), "OLDX%039lld", f.plan);
	session_row(live, f.c1, now - 100, now - 10);
	session_row(idle, f.c1, now - 2000, now - SESSION_IDLE_CITIZEN - 1);
	session_row(old, f.c1, now - SESSION_ABSOLUTE - 1, now - 5);
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, live, strlen(live), now, &s), KP_OK);
	cr_assert_eq(s.who.id, f.c1);
	cr_assert_eq(s.who.plan_id, f.plan);
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, idle, strlen(idle), now, &s), KP_EAUTH);
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, old, strlen(old), now, &s), KP_EAUTH);
	/* Once ended, an idle session stays dead. */
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, idle, strlen(idle), now - 1000, &s), KP_EAUTH);
}

/* The citizen's plan read through the session, as the plan handler makes
 * it from its two parts, as JSON. */
static json_t *plan_via_session(const char *cookie, long long *version)
{
	struct session s;
	const char *doc, *part, *text;
	long long rev;
	json_t *plan;

	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, cookie, strlen(cookie), time(NULL), &s),
	             KP_OK);
	cr_assert_eq(plan_doc(db, a, s.who.plan_id, s.plan_version, &doc), KP_OK);
	cr_assert_eq(plan_citizen_part(db, a, s.who.id, &part, &rev), KP_OK);
	cr_assert_eq(rev, s.rev);
	*version = s.plan_version;
	text = plan_answer(a, s.who.plan_id, s.plan_version, part, doc);
	plan = json_loads(text, 0, NULL);
	cr_assert_not_null(plan, "not JSON: %s", text);
	return plan;
}

Test(plan_db, the_kept_plan_document_equals_the_plan_and_follows_every_change)
{
	struct fixture f;
	struct kp_fail fail = {0};
	char c1[SESSION_TOKEN_LEN + 1], c2[SESSION_TOKEN_LEN + 1];
	long long v, v2, vg;
	json_t *fast, *slow, *dream;
	time_t now = time(NULL);

	make(&f);
	snprintf(c1, sizeof(c1), "DOC1%039lld", f.plan);
	snprintf(c2, sizeof(c2), "DOC2%039lld", f.plan);
	session_row(c1, f.c1, now - 10, now - 5);
	session_row(c2, f.c2, now - 10, now - 5);

	/* First read builds the document; the second reads it back: both equal
	 * what plan_get builds from the tables. */
	fast = plan_via_session(c1, &v);
	cr_assert_eq(plan_get(db, a, f.c1, &slow, &vg), KP_OK);
	cr_assert_eq(v, vg);
	cr_assert(json_equal(fast, slow), "the read through the session differs from plan_get");
	json_decref(fast);
	fast = plan_via_session(c1, &v2);
	cr_assert_eq(v2, v);
	cr_assert(json_equal(fast, slow), "the kept document differs from plan_get");
	json_decref(fast);
	json_decref(slow);

	/* A change raises the version: the next read shows it, for both
	 * members of the household, each with their own accepted version. */
	cr_assert_eq(dream_create(db, a, &f.p2, "Et nyt drømmehus", PLAN_ANY_VERSION, &dream, &v2,
	                          &fail), KP_OK);
	json_decref(dream);
	cr_assert_eq(v2, v + 1);
	cr_assert_eq(plan_accept(db, a, &f.p1, v2, &dream, &fail), KP_OK);
	json_decref(dream);
	fast = plan_via_session(c1, &v);
	cr_assert_eq(v, v2);
	cr_assert_eq(json_array_size(json_object_get(fast, "dreams")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(fast, "dreams"), 0), "text")),
	                 "Et nyt drømmehus");
	cr_assert_eq(json_integer_value(json_object_get(fast, "accepted_version")), v2);
	cr_assert_eq(plan_get(db, a, f.c1, &slow, &vg), KP_OK);
	cr_assert(json_equal(fast, slow));
	json_decref(fast);
	json_decref(slow);
	fast = plan_via_session(c2, &v);
	cr_assert(json_is_null(json_object_get(fast, "accepted_version")));
	cr_assert_eq(plan_get(db, a, f.c2, &slow, &vg), KP_OK);
	cr_assert(json_equal(fast, slow));
	json_decref(fast);
	json_decref(slow);
}

Test(plan_db, an_older_plan_document_never_replaces_a_newer_one)
{
	struct fixture f;
	char c1[SESSION_TOKEN_LEN + 1];
	struct db_res r;
	long long v;
	json_t *plan;
	time_t now = time(NULL);

	make(&f);
	snprintf(c1, sizeof(c1), "DOC3%039lld", f.plan);
	session_row(c1, f.c1, now - 10, now - 5);
	/* A document kept for a later version (as a reader that saw it would
	 * keep it) stays; the reader of the current version builds its own
	 * and does not overwrite it. */
	cr_assert_eq(db_exec(db, DB_PLAN_DOC_STORE,
	                     DB_ARGS(DB_I64(f.plan), DB_I64(99), DB_STR("\"dreams\":[],\"goals\":[]")),
	                     NULL, NULL), KP_OK);
	plan = plan_via_session(c1, &v);
	cr_assert_eq(v, 1);
	cr_assert_eq(json_array_size(json_object_get(plan, "goals")), 1, "built from the tables");
	json_decref(plan);
	cr_assert_eq(db_query(db, a, DB_PLAN_DOC_GET, DB_ARGS(DB_I64(f.plan)), &r), KP_OK);
	cr_assert_eq(db_i64(&r, 0, PD_VERSION), 99, "the newer document was replaced");
}

/* The statement table's facts: a change to what a plan answer shows must
 * raise the number that proves the answer current, in its transaction. */
Test(plan_db, a_dream_written_without_raising_the_version_is_not_committed)
{
	struct fixture f;
	json_t *plan;
	long long v;

	make(&f);
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(db_exec(db, DB_DREAM_INSERT,
	                     DB_ARGS(DB_I64(f.plan), DB_I64(f.c1), DB_STR("Ingen version")), NULL,
	                     NULL), KP_OK);
	cr_assert_eq(db_tx_end(db, KP_OK), KP_EINTERNAL, "committed without a raised version");
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(plan, "dreams")), 0, "the dream was kept");
	cr_assert_eq(v, 1);
	json_decref(plan);
}

Test(plan_db, raising_another_plans_version_does_not_pay_for_this_one)
{
	struct fixture f, g;
	json_t *plan;
	long long v;

	make(&f);
	make(&g);
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(db_exec(db, DB_DREAM_INSERT,
	                     DB_ARGS(DB_I64(f.plan), DB_I64(f.c1), DB_STR("Forkert plan")), NULL,
	                     NULL), KP_OK);
	cr_assert_eq(db_exec(db, DB_PLAN_BUMP, DB_ARGS(DB_I64(g.plan)), NULL, NULL), KP_OK);
	cr_assert_eq(db_tx_end(db, KP_OK), KP_EINTERNAL);
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(plan, "dreams")), 0);
	json_decref(plan);
	cr_assert_eq(version_of(g.c1), 1, "the other plan's raise was committed");
}

Test(plan_db, a_dream_written_outside_a_transaction_is_refused)
{
	struct fixture f;
	json_t *plan;
	long long v;

	make(&f);
	cr_assert_eq(db_exec(db, DB_DREAM_INSERT,
	                     DB_ARGS(DB_I64(f.plan), DB_I64(f.c1), DB_STR("Uden transaktion")), NULL,
	                     NULL), KP_EINTERNAL);
	cr_assert_eq(plan_get(db, a, f.c1, &plan, &v), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(plan, "dreams")), 0);
	json_decref(plan);
}

Test(plan_db, a_yes_recorded_without_raising_the_citizens_rev_is_not_committed)
{
	struct fixture f;

	make(&f);
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(db_exec(db, DB_ACCEPTANCE_INSERT,
	                     DB_ARGS(DB_I64(f.plan), DB_I64(f.c1), DB_I64(1), DB_STR("t")), NULL,
	                     NULL), KP_OK);
	cr_assert_eq(db_tx_end(db, KP_OK), KP_EINTERNAL);
}

Test(plan_db, a_yes_and_a_dream_raise_what_the_session_reads)
{
	struct fixture f;
	struct kp_fail fail = {0};
	char c1[SESSION_TOKEN_LEN + 1];
	struct session s;
	long long v, rev;
	json_t *out;
	time_t now = time(NULL);

	make(&f);
	snprintf(c1, sizeof(c1), "REV1%039lld", f.plan);
	session_row(c1, f.c1, now - 10, now - 5);
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, c1, strlen(c1), now, &s), KP_OK);
	rev = s.rev;
	cr_assert_eq(s.plan_version, 1);
	cr_assert_eq(plan_accept(db, a, &f.p1, 1, &out, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, c1, strlen(c1), now, &s), KP_OK);
	cr_assert_gt(s.rev, rev, "the yes left the rev");
	cr_assert_eq(s.plan_version, 1, "a yes changes no version");
	/* The other member's yes is theirs: this citizen's rev stands. */
	rev = s.rev;
	cr_assert_eq(plan_accept(db, a, &f.p2, 1, &out, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(dream_create(db, a, &f.p2, "Fælles drøm", PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_OK);
	json_decref(out);
	cr_assert_eq(session_find(db, a, KP_ACTOR_CITIZEN, c1, strlen(c1), now, &s), KP_OK);
	cr_assert_eq(s.rev, rev);
	cr_assert_eq(s.plan_version, v, "the household's dream left the version");
}

Test(plan_db, a_plan_change_that_names_no_plan_is_refused)
{
	struct fixture f;

	make(&f);
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(db_exec(db, DB_DREAM_INSERT,
	                     DB_ARGS(DB_NULL, DB_I64(f.c1), DB_STR("Hvilken plan?")), NULL, NULL),
	             KP_EINTERNAL);
	cr_assert_eq(db_tx_end(db, KP_EINTERNAL), KP_EINTERNAL);
}
