/* test_admin_db.c: the caseworker's changes against a real MariaDB: goals,
 * decisions on proposals (also two at once), superseding, comments, the
 * approval queue, the contact person, consent, and the audit rows each
 * writes in its own transaction. Each test makes its own staff, citizens
 * and plans. Skipped when KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "caseload.h"
#include "config.h"
#include "consent.h"
#include "course.h"
#include "db.h"
#include "dbtest.h"
#include "goal.h"
#include "meeting.h"
#include "plan.h"
#include "proposal.h"
#include "staff.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

/*
 * Plan p1 of citizen c1: caseworker cw, contact person ct, a goal with a
 * sub-goal. Plan p2 of citizen c2: caseworker other (not c1's), and a goal.
 * spare is a second contact person, idle a contact person no longer active.
 */
struct fixture {
	long long p1, p2, c1, c2, cw_id, other_id, ct_id, spare_id, goal, sub, goal2;
	struct kp_actor cw, other, ct, citizen;
};

static void setup(void)
{
	dbtest_open(&cfg, &db, &a);
}

static void teardown(void)
{
	dbtest_close(&cfg, db, a);
}

static long long insert(enum seed_stmt st, const struct db_arg *args, size_t n)
{
	unsigned long long id = 0;

	cr_assert_eq(seed_exec(db, st, args, n, NULL, &id), KP_OK, "insert (seed stmt %d)", (int)st);
	return (long long)id;
}

static long long staff(long long plan, const char *tag, const char *role, const char *title)
{
	/* The plan id makes the login subject unique across runs. */
	return insert(SEED_STAFF,
	              DB_ARGS(DB_STR(TEST_STAFF_ISSUER),
	                      DB_STR(arena_printf(a, "test-%s-%lld", tag, plan)),
	                      DB_STR(arena_printf(a, "Test %s", tag)), DB_STR(role), DB_STR(title),
	                      DB_STR("+45 00 00 00 00"), DB_STR("test@kommune.example")));
}

static long long goal(long long plan, long long parent, const char *title, const char *basis)
{
	return insert(SEED_GOAL,
	              DB_ARGS(DB_I64(plan), parent ? DB_I64(parent) : DB_NULL, DB_STR(title),
	                      DB_STR("Beskrivelse"), DB_STR("job"), DB_STR(basis), DB_STR("active"),
	                      DB_STR("4.5"), DB_I64(0), DB_NULL));
}

static void make(struct fixture *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->p1 = insert(SEED_PLAN, DB_ARGS(DB_NULL));
	f->p2 = insert(SEED_PLAN, DB_ARGS(DB_NULL));
	f->cw_id = staff(f->p1, "cw", "caseworker", "Koordinerende sagsbehandler");
	f->other_id = staff(f->p1, "other", "caseworker", "Koordinerende sagsbehandler");
	f->ct_id = staff(f->p1, "ct", "contact", "Mentor");
	f->spare_id = staff(f->p1, "spare", "contact", "Bostøtte");
	f->c1 = insert(SEED_CITIZEN, DB_ARGS(DB_I64(f->p1), DB_NULL, DB_STR("Test Borger"),
	                                        DB_I64(f->cw_id), DB_I64(f->ct_id)));
	f->c2 = insert(SEED_CITIZEN, DB_ARGS(DB_I64(f->p2), DB_NULL, DB_STR("Test Anden"),
	                                        DB_I64(f->other_id), DB_NULL));
	f->goal = goal(f->p1, 0, "Mål", "LAB §30 a");
	f->sub = goal(f->p1, f->goal, "Delmål", "LAB §175");
	f->goal2 = goal(f->p2, 0, "Andet mål", "LAB §30 a");
	for (i = 0; i < 2; i++)
		cr_assert_eq(db_exec(db, DB_HISTORY_INSERT,
		                     DB_ARGS(DB_I64(i == 0 ? f->p1 : f->p2), DB_I64(1), DB_STR("system"),
		                             DB_NULL, DB_NULL, DB_STR("Planen er oprettet"),
		                             DB_STR("test")),
		                     NULL, NULL),
		             KP_OK);
	f->cw = (struct kp_actor){KP_ACTOR_STAFF, f->cw_id, 0, "Test cw", "caseworker", "t-cw"};
	f->other = (struct kp_actor){KP_ACTOR_STAFF, f->other_id, 0, "Test other", "caseworker",
	                             "t-other"};
	f->ct = (struct kp_actor){KP_ACTOR_STAFF, f->ct_id, 0, "Test ct", "contact", "t-ct"};
	f->citizen = (struct kp_actor){KP_ACTOR_CITIZEN, f->c1, f->p1, "Test Borger", NULL, "t-c"};
}

static long long version_of(long long citizen)
{
	json_t *plan;
	long long v;

	cr_assert_eq(plan_get(db, a, citizen, &plan, &v), KP_OK);
	json_decref(plan);
	return v;
}

static size_t history_rows(long long plan)
{
	json_t *h;
	size_t n;

	cr_assert_eq(plan_history(db, a, plan, &PAGE_FIRST, &h), KP_OK);
	n = json_array_size(json_object_get(h, "versions"));
	json_decref(h);
	return n;
}

/* The newest history line of plan. */
static char *last_summary(long long plan)
{
	json_t *h;
	char *s;

	cr_assert_eq(plan_history(db, a, plan, &PAGE_FIRST, &h), KP_OK);
	s = arena_strdup(a, json_string_value(json_object_get(
	                            json_array_get(json_object_get(h, "versions"), 0), "summary")));
	json_decref(h);
	return s;
}

/* Audit rows of citizen with action (and actor id, if not 0). */
static size_t audit_rows(long long citizen, const char *action, long long actor)
{
	json_t *out, *e;
	size_t i, n = 0;

	cr_assert_eq(audit_list(db, a, citizen, &PAGE_FIRST, &out), KP_OK);
	json_array_foreach(json_object_get(out, "entries"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "action")), action) != 0)
			continue;
		if (actor != 0 &&
		    json_integer_value(json_object_get(json_object_get(e, "actor"), "id")) != actor)
			continue;
		n++;
	}
	json_decref(out);
	return n;
}

/* The goal with id in citizen's plan (top level or sub-goal), a borrowed
 * reference into *plan, which the caller decrefs. */
static json_t *find_goal(long long citizen, long long id, json_t **plan)
{
	json_t *g, *s;
	long long v;
	size_t i, j;

	cr_assert_eq(plan_get(db, a, citizen, plan, &v), KP_OK);
	json_array_foreach(json_object_get(*plan, "goals"), i, g) {
		if (json_integer_value(json_object_get(g, "id")) == id)
			return g;
		json_array_foreach(json_object_get(g, "subgoals"), j, s)
			if (json_integer_value(json_object_get(s, "id")) == id)
				return s;
	}
	return NULL;
}

static size_t goal_count(long long citizen)
{
	json_t *plan;
	long long v;
	size_t n;

	cr_assert_eq(plan_get(db, a, citizen, &plan, &v), KP_OK);
	n = json_array_size(json_object_get(plan, "goals"));
	json_decref(plan);
	return n;
}

static long long propose(struct fixture *f, enum proposal_kind kind, long long goal_id,
                         const char *title)
{
	struct proposal_in in = {kind, goal_id, title, NULL, "fordi"};
	struct kp_fail fail = {0};
	json_t *out;
	long long id;

	cr_assert_eq(proposal_create(db, a, &f->citizen, &in, &out, &fail), KP_OK);
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

/* The status of proposal id as the citizen sees it. */
static char *status_of(struct fixture *f, long long id)
{
	json_t *out, *p;
	char *s = NULL;
	size_t i;

	cr_assert_eq(proposal_list(db, a, &f->citizen, &PAGE_FIRST, &out), KP_OK);
	json_array_foreach(json_object_get(out, "proposals"), i, p)
		if (json_integer_value(json_object_get(p, "id")) == id)
			s = arena_strdup(a, json_string_value(json_object_get(p, "status")));
	json_decref(out);
	cr_assert_not_null(s, "proposal %lld not listed", id);
	return s;
}

static struct proposal_decision approve_new(const char *area, const char *basis)
{
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};

	d.goal.area = area;
	d.goal.legal_basis = basis;
	return d;
}

TestSuite(admin_db, .init = setup, .fini = teardown, .timeout = 60);

/* ------------------------------------------------------------- goals */

/* The rows DB_STAFF_LOGIN finds for (issuer, sub). */
static size_t staff_login_rows(const char *issuer, const char *sub)
{
	struct db_res r;

	cr_assert_eq(db_query(db, a, DB_STAFF_LOGIN, DB_ARGS(DB_STR(issuer), DB_STR(sub)), &r),
	             KP_OK);
	return r.nrows;
}

Test(admin_db, the_staff_login_finds_the_exact_issuer_and_subject_only)
{
	struct fixture f;
	const char *sub, *folded[6];
	size_t i;

	make(&f);
	sub = arena_printf(a, "test-cw-%lld", f.p1);
	cr_assert_eq(staff_login_rows(TEST_STAFF_ISSUER, sub), 1);
	/* Capitals, a trailing space, full-width letters, an accent, a
	 * zero-width space: each a different subject. */
	folded[0] = arena_printf(a, "TEST-CW-%lld", f.p1);
	folded[1] = arena_printf(a, "%s ", sub);
	folded[2] = arena_printf(a, "\xef\xbd\x94" "est-cw-%lld", f.p1);
	folded[3] = arena_printf(a, "t\xc3\xabst-cw-%lld", f.p1);
	folded[4] = arena_printf(a, "%s\xe2\x80\x8b", sub);
	folded[5] = arena_printf(a, "%s\xc2\xa0", sub);
	for (i = 0; i < 6; i++)
		cr_assert_eq(staff_login_rows(TEST_STAFF_ISSUER, folded[i]), 0, "%s", folded[i]);
	/* The same subject at another issuer is another person. */
	cr_assert_eq(staff_login_rows("https://test.kaptajn.invalid/other", sub), 0);
	cr_assert_eq(staff_login_rows("HTTPS://TEST.KAPTAJN.INVALID/STAFF", sub), 0);
	cr_assert_eq(staff_login_rows(TEST_STAFF_ISSUER "/", sub), 0);
}

Test(admin_db, goal_create_raises_the_version_by_one_with_a_history_row_and_an_audit_row)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.title = "Kørekort";
	in.area = "education";
	in.legal_basis = "LAB §30 a";
	in.has_hours = true;
	in.hours = 3;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	cr_assert_eq(v, 2);
	cr_assert_str_eq(json_string_value(json_object_get(out, "status")), "active");
	cr_assert_str_eq(json_string_value(json_object_get(out, "description")), "");
	cr_assert_float_eq(json_real_value(json_object_get(out, "hours_per_week")), 3.0, 1e-9);
	cr_assert(json_is_false(json_object_get(out, "child_related")));
	json_decref(out);
	cr_assert_eq(version_of(f.c1), 2);
	cr_assert_eq(history_rows(f.p1), 2);
	cr_assert_str_eq(last_summary(f.p1), "Mål tilføjet: Kørekort");
	cr_assert_eq(audit_rows(f.c1, "goal_added", f.cw_id), 1);
}

Test(admin_db, goal_create_with_an_unknown_legal_basis_changes_nothing_and_leaves_no_audit_row)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.title = "X";
	in.area = "job";
	in.legal_basis = "LAB §999";
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_EINVAL);
	cr_assert_str_eq(fail.code, "unknown_legal_basis");
	/* Core names no URL: the handler adds where the known ones are. */
	cr_assert_str_eq(fail.message, "legal_basis: \"LAB §999\" is not a known legal basis");
	cr_assert_null(out);
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(goal_count(f.c1), 1);
	cr_assert_eq(audit_rows(f.c1, "goal_added", 0), 0, "the audit row went with the rollback");
}

Test(admin_db, goal_create_is_child_related_by_its_legal_basis_or_by_the_flag)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.title = "Familiebehandling";
	in.area = "family";
	in.legal_basis = "BL §32";
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	cr_assert(json_is_true(json_object_get(out, "child_related")));
	json_decref(out);
	in.legal_basis = "SEL §85";
	in.child_related = 1;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	cr_assert(json_is_true(json_object_get(out, "child_related")));
	json_decref(out);
	in.child_related = 0;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	cr_assert(json_is_false(json_object_get(out, "child_related")));
	json_decref(out);
}

Test(admin_db, goal_create_under_a_sub_goal_is_invalid_parent)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.title = "Barnebarn";
	in.area = "job";
	in.legal_basis = "LAB §30 a";
	in.parent_id = f.sub;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_EINVAL);
	cr_assert_str_eq(fail.code, "invalid_parent");
	cr_assert_eq(version_of(f.c1), 1);
}

Test(admin_db, goal_create_under_another_plans_goal_is_not_found)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.title = "Fremmed";
	in.area = "job";
	in.legal_basis = "LAB §30 a";
	in.parent_id = f.goal2;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_ENOTFOUND);
	cr_assert_eq(version_of(f.c2), 1);
	cr_assert_eq(version_of(f.c1), 1);
}

Test(admin_db, goal_create_under_a_goal_adds_a_sub_goal)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out, *plan, *g;
	long long v;

	make(&f);
	in.title = "Nyt delmål";
	in.area = "job";
	in.legal_basis = "LAB §30 a";
	in.parent_id = f.goal;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	json_decref(out);
	g = find_goal(f.c1, f.goal, &plan);
	cr_assert_eq(json_array_size(json_object_get(g, "subgoals")), 2);
	json_decref(plan);
	cr_assert_str_eq(last_summary(f.p1), "Delmål tilføjet: Nyt delmål");
}

Test(admin_db, goal_in_another_caseload_is_not_found_and_a_denied_row_is_kept)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.title = "X";
	in.area = "job";
	in.legal_basis = "LAB §30 a";
	cr_assert_eq(goal_create(db, a, &f.other, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_ENOTFOUND);
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(audit_rows(f.c1, "denied", f.other_id), 1);
	cr_assert_eq(audit_rows(f.c1, "goal_added", 0), 0);
}

Test(admin_db, goal_update_with_a_stale_version_is_refused)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out, *plan;
	long long v;

	make(&f);
	in.status = "on-hold";
	cr_assert_eq(goal_update(db, a, &f.cw, f.c1, f.goal, &in, PLAN_VERSION(2), &out, &v, &fail),
	             KP_ESTALE);
	cr_assert_str_eq(fail.code, "stale_version");
	cr_assert_str_eq(json_string_value(json_object_get(find_goal(f.c1, f.goal, &plan),
	                                                   "status")), "active");
	json_decref(plan);
	cr_assert_eq(goal_update(db, a, &f.cw, f.c1, f.goal, &in, PLAN_VERSION(1), &out, &v, &fail),
	             KP_OK);
	cr_assert_eq(v, 2);
	cr_assert_str_eq(json_string_value(json_object_get(out, "status")), "on-hold");
	cr_assert_eq(json_array_size(json_object_get(out, "subgoals")), 1);
	json_decref(out);
	cr_assert_str_eq(last_summary(f.p1), "Mål sat på pause: Mål");
}

Test(admin_db, goal_update_of_another_plans_goal_is_not_found)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.status = "completed";
	cr_assert_eq(goal_update(db, a, &f.cw, f.c1, f.goal2, &in, PLAN_ANY_VERSION, &out, &v,
	                         &fail), KP_ENOTFOUND);
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(version_of(f.c2), 1);
}

Test(admin_db, goal_update_with_nothing_to_change_is_invalid)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	cr_assert_eq(goal_update(db, a, &f.cw, f.c1, f.goal, &in, PLAN_ANY_VERSION, &out, &v,
	                         &fail), KP_EINVAL);
	cr_assert_eq(version_of(f.c1), 1);
}

Test(admin_db, goal_update_keeps_absent_fields_and_null_hours_clears)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	in.has_hours = true;
	in.hours_null = true;
	in.title = "Nyt navn";
	cr_assert_eq(goal_update(db, a, &f.cw, f.c1, f.goal, &in, PLAN_ANY_VERSION, &out, &v,
	                         &fail), KP_OK);
	cr_assert(json_is_null(json_object_get(out, "hours_per_week")));
	cr_assert_str_eq(json_string_value(json_object_get(out, "title")), "Nyt navn");
	cr_assert_str_eq(json_string_value(json_object_get(out, "description")), "Beskrivelse");
	cr_assert_str_eq(json_string_value(json_object_get(out, "legal_basis")), "LAB §30 a");
	cr_assert_str_eq(json_string_value(json_object_get(out, "area")), "job");
	json_decref(out);
}

Test(admin_db, child_related_export_lists_only_child_related_goals)
{
	struct fixture f;
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out, *goals;
	long long v, child;

	make(&f);
	in.title = "Familie";
	in.area = "family";
	in.legal_basis = "BL §32";
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	child = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	in.title = "Samvær";
	in.legal_basis = "BL §19";
	in.parent_id = child;
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(goal_child_related(db, a, &f.ct, f.c1, &out), KP_OK);
	goals = json_object_get(out, "goals");
	cr_assert_eq(json_array_size(goals), 1, "the job goal is not child-related");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(goals, 0), "id")), child);
	cr_assert_eq(json_array_size(json_object_get(json_array_get(goals, 0), "subgoals")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "citizen"), "id")),
	             f.c1);
	json_decref(out);
	cr_assert_eq(audit_rows(f.c1, "read", f.ct_id), 1);
	cr_assert_eq(goal_child_related(db, a, &f.other, f.c1, &out), KP_ENOTFOUND);
}

/* --------------------------------------------------------- decisions */

Test(admin_db, approving_add_goal_makes_an_active_goal_and_raises_the_version_by_one)
{
	struct fixture f;
	struct proposal_decision d = approve_new("health", "SEL §85");
	struct kp_fail fail = {0};
	json_t *out, *p;
	long long id, v, gid;

	make(&f);
	id = propose(&f, PROPOSAL_ADD_GOAL, 0, "Svømning");
	cr_assert_eq(version_of(f.c1), 1, "proposing does not change the plan");
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_OK);
	cr_assert_eq(v, 2);
	cr_assert_eq(json_integer_value(json_object_get(out, "plan_version")), 2);
	p = json_object_get(out, "proposal");
	cr_assert_str_eq(json_string_value(json_object_get(p, "status")), "approved");
	cr_assert_eq(json_integer_value(json_object_get(
	                     json_object_get(json_object_get(p, "decision"), "by"), "id")), f.cw_id);
	gid = json_integer_value(json_object_get(json_object_get(p, "goal"), "id"));
	json_decref(out);
	cr_assert_eq(goal_count(f.c1), 2);
	{
		json_t *plan, *g = find_goal(f.c1, gid, &plan);

		cr_assert_not_null(g);
		cr_assert_str_eq(json_string_value(json_object_get(g, "title")), "Svømning");
		cr_assert_str_eq(json_string_value(json_object_get(g, "status")), "active");
		cr_assert_str_eq(json_string_value(json_object_get(g, "legal_basis")), "SEL §85");
		json_decref(plan);
	}
	cr_assert_eq(history_rows(f.p1), 2);
	cr_assert_str_eq(last_summary(f.p1), "Forslag godkendt: Svømning");
	cr_assert_eq(audit_rows(f.c1, "proposal_approved", f.cw_id), 1);
	cr_assert_str_eq(status_of(&f, id), "approved");
}

Test(admin_db, approving_add_goal_without_area_or_legal_basis_changes_nothing)
{
	struct fixture f;
	struct proposal_decision d = approve_new(NULL, "SEL §85");
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_ADD_GOAL, 0, "Svømning");
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_EINVAL);
	cr_assert_str_eq(fail.code, "missing_field");
	cr_assert_not_null(strstr(fail.message, "area"));
	d = approve_new("health", NULL);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_EINVAL);
	cr_assert_not_null(strstr(fail.message, "legal_basis"));
	d = approve_new("health", "SEL §0");
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_EINVAL);
	cr_assert_str_eq(fail.code, "unknown_legal_basis");
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_str_eq(status_of(&f, id), "pending");
	cr_assert_eq(audit_rows(f.c1, "proposal_approved", 0), 0);
}

Test(admin_db, approving_change_goal_writes_the_proposed_title_to_the_goal)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out, *plan, *g;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_CHANGE_GOAL, f.goal, "Bedre mål");
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_OK);
	cr_assert_eq(v, 2);
	json_decref(out);
	g = find_goal(f.c1, f.goal, &plan);
	cr_assert_str_eq(json_string_value(json_object_get(g, "title")), "Bedre mål");
	cr_assert_str_eq(json_string_value(json_object_get(g, "description")), "Beskrivelse",
	                 "a description the proposal left out is kept");
	json_decref(plan);
	cr_assert_str_eq(last_summary(f.p1), "Forslag godkendt: Bedre mål");
}

Test(admin_db, approving_retire_goal_cancels_the_goal)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out, *plan;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.sub, NULL);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_OK);
	cr_assert_eq(v, 2);
	json_decref(out);
	cr_assert_str_eq(json_string_value(json_object_get(find_goal(f.c1, f.sub, &plan),
	                                                   "status")), "cancelled");
	json_decref(plan);
	cr_assert_eq(history_rows(f.p1), 2);
}

Test(admin_db, rejecting_keeps_the_version_and_records_the_reason)
{
	struct fixture f;
	struct proposal_decision d = {.approve = false, .reason = "Ikke nu", .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out, *list, *p;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_OK);
	cr_assert_eq(v, 1);
	cr_assert_eq(json_integer_value(json_object_get(out, "plan_version")), 1);
	json_decref(out);
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(history_rows(f.p1), 1);
	/* The citizen sees the decision. */
	cr_assert_eq(proposal_list(db, a, &f.citizen, &PAGE_FIRST, &list), KP_OK);
	p = json_array_get(json_object_get(list, "proposals"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "status")), "rejected");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "decision"),
	                                                   "reason")), "Ikke nu");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "decision"), "by")),
	                 "Test cw");
	json_decref(list);
	cr_assert_eq(audit_rows(f.c1, "proposal_rejected", f.cw_id), 1);
}

Test(admin_db, rejecting_without_a_reason_is_refused)
{
	struct fixture f;
	struct proposal_decision d = {.approve = false, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_EINVAL);
	cr_assert_str_eq(fail.code, "missing_field");
	cr_assert_not_null(strstr(fail.message, "reason"));
	cr_assert_str_eq(status_of(&f, id), "pending");
}

Test(admin_db, deciding_twice_is_a_conflict)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct proposal_decision r = {.approve = false, .reason = "nej", .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &r, &out, &v, &fail), KP_ECONFLICT);
	cr_assert_str_eq(fail.code, "already_decided");
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_ECONFLICT);
	cr_assert_eq(version_of(f.c1), 2);
	cr_assert_str_eq(status_of(&f, id), "approved");
}

Test(admin_db, deciding_a_withdrawn_proposal_is_a_conflict)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_withdraw(db, a, &f.citizen, id, &out, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_ECONFLICT);
	cr_assert_str_eq(fail.code, "not_pending");
	cr_assert_eq(version_of(f.c1), 1);
}

Test(admin_db, deciding_outside_the_caseload_is_not_found_and_denied_is_logged)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_decide(db, a, &f.other, id, &d, &out, &v, &fail), KP_ENOTFOUND);
	cr_assert_eq(audit_rows(f.c1, "denied", f.other_id), 1);
	cr_assert_str_eq(status_of(&f, id), "pending");
	cr_assert_eq(version_of(f.c1), 1);
	/* An unknown proposal is as unknown. */
	cr_assert_eq(proposal_decide(db, a, &f.cw, id + 1000000, &d, &out, &v, &fail),
	             KP_ENOTFOUND);
}

Test(admin_db, a_contact_person_cannot_decide)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_decide(db, a, &f.ct, id, &d, &out, &v, &fail), KP_EFORBIDDEN);
	cr_assert_str_eq(status_of(&f, id), "pending");
}

/* Runs proposal_decide on a handle of its own in a child process, after a
 * byte arrives on go (if go >= 0); the result goes to out as an int. */
static pid_t decide_in_child(struct fixture *f, long long id, int go, int out)
{
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
		struct db *mine = db_new(&cfg, false);
		struct arena *am = arena_new();
		struct kp_fail fail = {0};
		json_t *res = NULL;
		long long v;
		char c;
		int err;

		if (go >= 0 && read(go, &c, 1) != 1)
			_exit(2);
		err = (int)proposal_decide(mine, am, &f->cw, id, &d, &res, &v, &fail);
		json_decref(res);
		/* Never touch the parent's connection; leave without atexit. */
		_exit(write(out, &err, sizeof(err)) == sizeof(err) ? 0 : 3);
	}
	return pid;
}

static int child_result(int fd, pid_t pid)
{
	int err = -1, status;

	cr_assert_eq(read(fd, &err, sizeof(err)), (ssize_t)sizeof(err));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return err;
}

Test(admin_db, a_decision_waits_for_the_row_lock_and_then_finds_it_decided)
{
	struct fixture f;
	struct db_res r;
	long long id;
	int fds[2], status;
	pid_t pid;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	/* Handle 1 is the first caseworker, half-way through a decision. */
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(db_query(db, a, DB_PROPOSAL_LOCK_DECIDE, DB_ARGS(DB_I64(id), DB_I64(f.c1)), &r),
	             KP_OK);
	cr_assert_eq(r.nrows, 1);
	cr_assert_eq(db_exec(db, DB_PROPOSAL_DECIDE,
	                     DB_ARGS(DB_STR("approved"), DB_I64(f.cw_id), DB_NULL, DB_NULL,
	                             DB_I64(id)), NULL, NULL), KP_OK);
	cr_assert_eq(pipe(fds), 0);
	pid = decide_in_child(&f, id, -1, fds[1]);
	usleep(700 * 1000);
	cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "the second decision must wait");
	cr_assert_eq(db_tx_end(db, KP_OK), KP_OK);
	cr_assert_eq(child_result(fds[0], pid), KP_ECONFLICT);
	cr_assert_eq(version_of(f.c1), 1, "the loser changed nothing");
	cr_assert_eq(audit_rows(f.c1, "proposal_approved", 0), 0,
	             "the loser's audit row went with its rollback");
}

Test(admin_db, two_decisions_at_once_approve_exactly_once)
{
	struct fixture f;
	int go[2], res[2], r1, r2;
	pid_t p1, p2;
	long long id;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(res), 0);
	p1 = decide_in_child(&f, id, go[0], res[1]);
	p2 = decide_in_child(&f, id, go[0], res[1]);
	cr_assert_eq(write(go[1], "gg", 2), 2);
	r1 = child_result(res[0], p1 > p2 ? p2 : p1);
	r2 = child_result(res[0], p1 > p2 ? p1 : p2);
	cr_assert((r1 == KP_OK && r2 == KP_ECONFLICT) || (r1 == KP_ECONFLICT && r2 == KP_OK),
	          "got %d and %d", r1, r2);
	cr_assert_eq(version_of(f.c1), 2);
	cr_assert_eq(history_rows(f.p1), 2);
	cr_assert_eq(audit_rows(f.c1, "proposal_approved", f.cw_id), 1);
}

/* -------------------------------------------- superseding, the queue */

Test(admin_db, a_newer_proposal_on_the_same_goal_supersedes_the_older_one)
{
	struct fixture f;
	struct kp_fail fail = {0};
	json_t *out, *p;
	long long old, other, add, newer;

	make(&f);
	old = propose(&f, PROPOSAL_CHANGE_GOAL, f.goal, "Første bud");
	other = propose(&f, PROPOSAL_RETIRE_GOAL, f.sub, NULL);
	add = propose(&f, PROPOSAL_ADD_GOAL, 0, "Nyt");
	newer = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_str_eq(status_of(&f, old), "superseded");
	cr_assert_str_eq(status_of(&f, other), "pending", "another goal's proposal stays");
	cr_assert_str_eq(status_of(&f, add), "pending");
	cr_assert_str_eq(status_of(&f, newer), "pending");
	cr_assert_eq(proposal_queue(db, a, &f.cw, "superseded", &PAGE_FIRST, &out, &fail), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(out, "proposals")), 1);
	p = json_array_get(json_object_get(out, "proposals"), 0);
	cr_assert_eq(json_integer_value(json_object_get(p, "id")), old);
	cr_assert_eq(json_integer_value(json_object_get(p, "superseded_by")), newer);
	cr_assert_str_eq(json_string_value(json_object_get(p, "title")), "Første bud",
	                 "the old row is kept as it was");
	cr_assert_not_null(json_object_get(p, "closed_at"));
	json_decref(out);
}

Test(admin_db, the_queue_holds_the_caseload_only_oldest_first_with_comments)
{
	struct fixture f;
	struct kp_fail fail = {0};
	json_t *out, *list, *c;
	long long first, second;
	size_t i;

	make(&f);
	first = propose(&f, PROPOSAL_ADD_GOAL, 0, "Første");
	second = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_comment(db, a, &f.ct, second, "Godt tænkt", &c, &fail), KP_OK);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "by"), "role")),
	                 "contact");
	json_decref(c);
	cr_assert_eq(proposal_comment(db, a, &f.cw, second, "Enig", &c, &fail), KP_OK);
	json_decref(c);
	cr_assert_eq(proposal_queue(db, a, &f.cw, "pending", &PAGE_FIRST, &out, &fail), KP_OK);
	list = json_object_get(out, "proposals");
	cr_assert_eq(json_array_size(list), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(list, 0), "id")), first);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(list, 1), "id")), second);
	cr_assert_eq(json_array_size(json_object_get(json_array_get(list, 0), "comments")), 0);
	cr_assert_eq(json_array_size(json_object_get(json_array_get(list, 1), "comments")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(
	                         json_array_get(list, 1), "comments"), 0), "text")), "Godt tænkt");
	json_decref(out);
	cr_assert_eq(audit_rows(f.c1, "read", f.cw_id), 1, "one read row per citizen listed");
	/* The other caseworker sees none of it, and reads nothing of c1. */
	cr_assert_eq(proposal_queue(db, a, &f.other, "pending", &PAGE_FIRST, &out, &fail), KP_OK);
	json_array_foreach(json_object_get(out, "proposals"), i, c)
		cr_assert_neq(json_integer_value(json_object_get(json_object_get(c, "citizen"), "id")),
		              f.c1);
	json_decref(out);
	cr_assert_eq(audit_rows(f.c1, "read", f.other_id), 0);
	cr_assert_eq(proposal_queue(db, a, &f.cw, "open", &PAGE_FIRST, &out, &fail), KP_EINVAL);
	cr_assert_str_eq(fail.code, "invalid_field");
}

Test(admin_db, comments_go_on_pending_proposals_of_the_caseload_only)
{
	struct fixture f;
	struct proposal_decision d = {.approve = true, .goal = GOAL_IN_NONE};
	struct kp_fail fail = {0};
	json_t *out;
	long long id, v;

	make(&f);
	id = propose(&f, PROPOSAL_RETIRE_GOAL, f.goal, NULL);
	cr_assert_eq(proposal_comment(db, a, &f.other, id, "x", &out, &fail), KP_ENOTFOUND);
	cr_assert_eq(proposal_decide(db, a, &f.cw, id, &d, &out, &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(proposal_comment(db, a, &f.ct, id, "for sent", &out, &fail), KP_ECONFLICT);
	cr_assert_str_eq(fail.code, "not_pending");
	cr_assert_null(out);
	cr_assert_eq(audit_rows(f.c1, "proposal_commented", 0), 0);
}

/* ---------------------------------------------- contact, consent, audit */

Test(admin_db, only_an_active_contact_person_can_be_assigned)
{
	struct fixture f;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	cr_assert_eq(staff_assign_contact(db, a, &f.cw, f.c1, f.other_id, PLAN_ANY_VERSION, &out, &v,
	                                  &fail), KP_EINVAL);
	cr_assert_str_eq(fail.code, "not_a_contact");
	cr_assert_eq(staff_assign_contact(db, a, &f.cw, f.c1, 999999999, PLAN_ANY_VERSION, &out, &v,
	                                  &fail), KP_EINVAL);
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(audit_rows(f.c1, "contact_assigned", 0), 0);
}

Test(admin_db, assigning_a_contact_raises_the_version_and_moves_the_caseload)
{
	struct fixture f;
	struct kp_actor spare;
	struct kp_fail fail = {0};
	json_t *out;
	long long v;

	make(&f);
	cr_assert_eq(staff_assign_contact(db, a, &f.cw, f.c1, f.spare_id, PLAN_VERSION(1), &out, &v,
	                                  &fail),
	             KP_OK);
	cr_assert_eq(v, 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(out, "contact"), "role")),
	                 "Bostøtte");
	json_decref(out);
	cr_assert_str_eq(last_summary(f.p1), "Ny kontaktperson: Test spare");
	/* The same again changes nothing. */
	cr_assert_eq(staff_assign_contact(db, a, &f.cw, f.c1, f.spare_id, PLAN_ANY_VERSION, &out, &v,
	                                  &fail), KP_OK);
	cr_assert_eq(v, 2);
	json_decref(out);
	cr_assert_eq(version_of(f.c1), 2);
	/* The old contact has lost the citizen, the new one has them. */
	spare = f.ct;
	spare.id = f.spare_id;
	cr_assert_eq(goal_child_related(db, a, &f.ct, f.c1, &out), KP_ENOTFOUND);
	cr_assert_eq(goal_child_related(db, a, &spare, f.c1, &out), KP_OK);
	json_decref(out);
}

Test(admin_db, consent_rows_are_only_added_and_the_version_stays)
{
	struct fixture f;
	struct kp_fail fail = {0};
	json_t *out, *plan;
	struct kp_keys keys = {.n = 1};
	bool created;
	long long v;

	make(&f);
	cr_assert_eq(consent_record(db, a, &f.cw, f.c1, "given", true, &out, &created, &fail),
	             KP_OK);
	cr_assert(created);
	cr_assert_str_eq(json_string_value(json_object_get(out, "status")), "given");
	json_decref(out);
	cr_assert_eq(consent_record(db, a, &f.cw, f.c1, "withdrawn", false, &out, &created, &fail),
	             KP_OK);
	cr_assert(created);
	json_decref(out);
	cr_assert_eq(consent_record(db, a, &f.cw, f.c1, "maybe", true, &out, &created, &fail),
	             KP_EINVAL);
	cr_assert_eq(consent_record(db, a, &f.other, f.c1, "given", true, &out, &created, &fail),
	             KP_ENOTFOUND);
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(caseload_plan(db, a, &keys, &f.cw, f.c1, &plan, &v), KP_OK);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(plan, "consent"),
	                                                   "status")), "withdrawn");
	cr_assert(json_is_true(json_object_get(plan, "plan_frozen")));
	json_decref(plan);
	cr_assert_eq(audit_rows(f.c1, "consent_given", f.cw_id), 1);
	cr_assert_eq(audit_rows(f.c1, "consent_withdrawn", f.cw_id), 1);
}

/* The consent rows of citizen c. */
static long long consent_facts(long long c)
{
	struct db_res r;

	cr_assert_eq(db_query(db, a, DB_CONSENT_LIST,
	                      DB_ARGS(DB_I64(c), DB_I64(LLONG_MAX), DB_I64(1000)), &r),
	             KP_OK);
	return (long long)r.nrows;
}

Test(admin_db, staff_record_a_consent_given_only_from_paper_and_nothing_is_written_without)
{
	struct fixture f;
	struct kp_fail fail = {0};
	json_t *out = NULL;
	bool created = true;

	make(&f);
	cr_assert_eq(consent_record(db, a, &f.cw, f.c1, "given", false, &out, &created, &fail),
	             KP_EINVAL);
	cr_assert_str_eq(fail.code, "paper_required");
	cr_assert_null(out);
	cr_assert_not(created);
	cr_assert_eq(consent_facts(f.c1), 0);
	cr_assert_eq(audit_rows(f.c1, "consent_given", f.cw_id), 0);
}

Test(admin_db, giving_consent_twice_writes_one_fact_and_answers_the_one_that_holds)
{
	struct fixture f;
	struct kp_fail fail = {0};
	json_t *out, *again;
	bool created;

	make(&f);
	cr_assert_eq(consent_citizen(db, a, &f.citizen, "give", &out, &created, &fail), KP_OK);
	cr_assert(created);
	cr_assert_eq(consent_citizen(db, a, &f.citizen, "give", &again, &created, &fail), KP_OK);
	cr_assert_not(created);
	cr_assert_eq(consent_facts(f.c1), 1);
	cr_assert_str_eq(json_string_value(json_object_get(again, "status")), "given");
	cr_assert(json_equal(json_object_get(out, "fact"), json_object_get(again, "fact")));
	cr_assert_str_eq(json_string_value(json_object_get(again, "text_version")),
	                 CONSENT_TEXT_VERSION);
	json_decref(out);
	json_decref(again);
	cr_assert_eq(consent_citizen(db, a, &f.citizen, "maybe", &out, &created, &fail), KP_EINVAL);
	cr_assert_eq(consent_facts(f.c1), 1);
	cr_assert_eq(audit_rows(f.c1, "consent_given", 0), 1);
}

Test(admin_db, a_withdrawal_freezes_the_plan_for_staff_changes_until_consent_is_given_again)
{
	struct fixture f;
	struct kp_fail fail = {0};
	struct goal_in in = GOAL_IN_NONE;
	json_t *out;
	bool created;
	long long v;

	make(&f);
	in.title = "Låst";
	in.area = "job";
	in.legal_basis = "LAB §30 a";
	cr_assert_eq(consent_citizen(db, a, &f.citizen, "give", &out, &created, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(consent_citizen(db, a, &f.citizen, "withdraw", &out, &created, &fail), KP_OK);
	cr_assert(json_is_true(json_object_get(out, "plan_frozen")));
	json_decref(out);
	memset(&fail, 0, sizeof(fail));
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_ECONFLICT);
	cr_assert_str_eq(fail.code, "plan_frozen");
	cr_assert_eq(version_of(f.c1), 1);
	cr_assert_eq(audit_rows(f.c1, "goal_added", 0), 0);
	cr_assert_eq(consent_citizen(db, a, &f.citizen, "give", &out, &created, &fail), KP_OK);
	cr_assert_not(json_is_true(json_object_get(out, "plan_frozen")));
	json_decref(out);
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(version_of(f.c1), 2);
	cr_assert_eq(consent_facts(f.c1), 3);
}

/* Seals cpr into citizen's row with keys (no look-up hash: the tests' numbers
 * repeat across runs, and the look-up is unique). */
static void seal_cpr(const struct kp_keys *keys, long long citizen, const char *cpr)
{
	uint8_t sealed[KP_CPR_SEALED_LEN];
	const char *aad = arena_printf(a, "citizen:%lld", citizen);
	struct rng *r = rng_new("test");

	cr_assert_not_null(r);
	cr_assert_eq(kp_cpr_seal(keys, r, cpr, aad, strlen(aad), sealed), 0);
	rng_free(r);
	cr_assert_eq(seed_exec(db, SEED_CITIZEN_CPR,
	                       DB_ARGS(DB_BLOB(sealed, sizeof(sealed)), DB_NULL,
	                               DB_STR(keys->key[0].id), DB_I64(citizen)),
	                       NULL, NULL),
	             KP_OK);
}

Test(admin_db, the_cpr_number_goes_to_the_coordinating_caseworker_with_one_read_cpr_row)
{
	struct fixture f;
	struct kp_fail fail = {0};
	struct kp_keys keys = {.n = 1};
	char cpr[CASELOAD_CPR_SHOWN_LEN + 1];

	make(&f);
	seal_cpr(&keys, f.c1, "0101901234");
	cr_assert_eq(caseload_cpr(db, a, &keys, &f.cw, f.c1, cpr, &fail), KP_OK);
	cr_assert_str_eq(cpr, "010190-1234");
	cr_assert_eq(audit_rows(f.c1, "read_cpr", f.cw_id), 1);
	cr_assert_eq(audit_rows(f.c1, "read", 0), 0, "a CPR read is its own action, not a read");
}

/* The caseload row of citizen in who's caseload at time now; the list is
 * kept in *list (release it). */
static json_t *caseload_row_at(const struct kp_keys *keys, const struct kp_actor *who,
                               long long citizen, time_t now, json_t **list)
{
	struct page pg = PAGE_FIRST;
	json_t *c;
	size_t i;

	cr_assert_eq(caseload_list(db, a, keys, who, now, &pg, list), KP_OK);
	json_array_foreach(json_object_get(*list, "citizens"), i, c)
		if (json_integer_value(json_object_get(c, "id")) == citizen)
			return c;
	cr_assert_fail("citizen %lld is not in the caseload", citizen);
	return NULL;
}

/* Whether the caseload row c has the needs_action code. */
static bool needs(const json_t *c, const char *code)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c, "needs_action"), i, v)
		if (strcmp(json_string_value(v), code) == 0)
			return true;
	return false;
}

Test(admin_db, the_caseload_birth_date_takes_the_century_from_the_seventh_digit_and_no_more)
{
	static const struct {
		const char *cpr, *birth;
	} cases[] = {
		{"0703921234", "1992-03-07"}, /* 0-3: 1900s */
		{"0703054123", "2005-03-07"}, /* 4, year 00-36: 2000s */
		{"0703584123", "1958-03-07"}, /* 4, year 37-99: 1900s */
		{"2902005123", "2000-02-29"}, /* 5-8, year 00-57: 2000s */
		{"0703588123", "1858-03-07"}, /* 5-8, year 58-99: 1800s */
		{"0703369123", "2036-03-07"}, /* 9, year 00-36: 2000s */
	};
	struct kp_keys keys = {.n = 1};
	struct fixture f;
	json_t *list, *c;
	char *text;
	size_t i;

	make(&f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		seal_cpr(&keys, f.c1, cases[i].cpr);
		c = caseload_row_at(&keys, &f.cw, f.c1, time(NULL), &list);
		cr_assert_str_eq(json_string_value(json_object_get(c, "birth_date")), cases[i].birth,
		                 "%s", cases[i].cpr);
		text = json_dumps(list, JSON_COMPACT);
		cr_assert_null(strstr(text, cases[i].cpr), "the number leaves: %s", text);
		free(text);
		json_decref(list);
	}
}

Test(admin_db, a_caseload_row_without_a_cpr_number_has_a_null_birth_date)
{
	struct kp_keys keys = {.n = 1};
	struct fixture f;
	json_t *list, *c;

	make(&f);
	c = caseload_row_at(&keys, &f.cw, f.c1, time(NULL), &list);
	cr_assert(json_is_null(json_object_get(c, "birth_date")));
	json_decref(list);
}

/* A meeting of kind for citizen at t, by who; its id. */
static long long meeting_at(const struct kp_actor *who, long long citizen, enum meeting_kind kind,
                            time_t t)
{
	char when[MEETING_TIME_LEN + 1];
	struct meeting_in in = {kind, when, "Jobcentret", NULL, NULL};
	struct kp_fail fail = {0};
	struct tm tm;
	json_t *out;
	long long id;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	cr_assert_eq(meeting_create(db, a, who, citizen, &in, &out, &fail), KP_OK, "%s",
	             fail.message ? fail.message : "");
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

Test(admin_db, the_caseload_names_the_next_meeting_not_held_and_one_this_week_needs_action)
{
	const time_t now = 1893456000; /* 2030-01-01T00:00:00Z */
	struct kp_keys keys = {.n = 1};
	struct kp_fail fail = {0};
	struct fixture f;
	json_t *list, *c, *out;

	make(&f);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert(json_is_null(json_object_get(c, "next_meeting_at")));
	cr_assert(!needs(c, "meeting_this_week"));
	json_decref(list);

	meeting_at(&f.cw, f.c1, MEETING_NETWORK, now + 8 * 86400);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert_str_eq(json_string_value(json_object_get(c, "next_meeting_at")),
	                 "2030-01-09T00:00:00Z");
	cr_assert(!needs(c, "meeting_this_week"), "eight days ahead is not this week");
	json_decref(list);

	/* One in the past not held is not the next one; a held one neither. */
	meeting_at(&f.cw, f.c1, MEETING_NETWORK, now - 3600);
	cr_assert_eq(meeting_held(db, a, &f.cw, meeting_at(&f.cw, f.c1, MEETING_NETWORK, now + 86400),
	                          now, &out, &fail),
	             KP_OK);
	json_decref(out);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert_str_eq(json_string_value(json_object_get(c, "next_meeting_at")),
	                 "2030-01-09T00:00:00Z");
	json_decref(list);

	meeting_at(&f.cw, f.c1, MEETING_NETWORK, now + 7 * 86400);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert_str_eq(json_string_value(json_object_get(c, "next_meeting_at")),
	                 "2030-01-08T00:00:00Z");
	cr_assert(needs(c, "meeting_this_week"), "seven days ahead is this week");
	cr_assert(!needs(c, "follow_up_due"), "a network meeting is no follow-up");
	json_decref(list);
}

Test(admin_db, a_follow_up_past_its_time_and_not_held_is_due_until_it_is_held)
{
	const time_t now = 1893456000; /* 2030-01-01T00:00:00Z */
	struct kp_keys keys = {.n = 1};
	struct kp_fail fail = {0};
	struct fixture f;
	json_t *list, *c, *out;
	long long past;

	make(&f);
	meeting_at(&f.cw, f.c1, MEETING_FOLLOW_UP, now + 60);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert(json_is_false(json_object_get(c, "follow_up_due")), "not before its time");
	cr_assert(!needs(c, "follow_up_due"));
	json_decref(list);

	past = meeting_at(&f.cw, f.c1, MEETING_FOLLOW_UP, now - 60);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert(json_is_true(json_object_get(c, "follow_up_due")));
	cr_assert(needs(c, "follow_up_due"));
	json_decref(list);

	cr_assert_eq(meeting_held(db, a, &f.cw, past, now, &out, &fail), KP_OK);
	json_decref(out);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert(json_is_false(json_object_get(c, "follow_up_due")), "held: no longer due");
	json_decref(list);
}

Test(admin_db, an_ended_course_needs_no_action_though_its_follow_up_is_past)
{
	const time_t now = time(NULL);
	struct kp_keys keys = {.n = 1};
	struct kp_fail fail = {0};
	struct fixture f;
	json_t *list, *c, *out;

	make(&f);
	meeting_at(&f.cw, f.c1, MEETING_FOLLOW_UP, now - 60);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert(needs(c, "follow_up_due") && needs(c, "plan_not_accepted"));
	json_decref(list);

	cr_assert_eq(course_end(db, a, &f.cw, f.c1, COURSE_JOB, now, &out, &fail), KP_OK, "%s",
	             fail.message ? fail.message : "");
	json_decref(out);
	c = caseload_row_at(&keys, &f.cw, f.c1, now, &list);
	cr_assert_eq(json_array_size(json_object_get(c, "needs_action")), 0, "%s",
	             json_dumps(c, JSON_COMPACT));
	cr_assert(json_is_true(json_object_get(c, "follow_up_due")), "the fact stays");
	json_decref(list);
}

/* Asserts that who's ask for citizen's CPR number is refused with err (and
 * code, unless NULL), shows nothing and keeps no read_cpr row. */
static void cpr_refused(const struct kp_keys *keys, const struct kp_actor *who, long long citizen,
                        enum kp_err err, const char *code)
{
	struct kp_fail fail = {0};
	char cpr[CASELOAD_CPR_SHOWN_LEN + 1];

	cr_assert_eq(caseload_cpr(db, a, keys, who, citizen, cpr, &fail), err);
	if (code != NULL)
		cr_assert_str_eq(fail.code, code);
	cr_assert_str_eq(cpr, "");
	cr_assert_eq(audit_rows(citizen, "read_cpr", 0), 0);
}

Test(admin_db, the_cpr_number_is_refused_to_a_contact_person_and_keeps_no_row)
{
	struct fixture f;
	struct kp_keys keys = {.n = 1};

	make(&f);
	seal_cpr(&keys, f.c1, "0101901234");
	cpr_refused(&keys, &f.ct, f.c1, KP_EFORBIDDEN, "caseworker_only");
}

Test(admin_db, the_cpr_number_is_refused_to_a_caseworker_who_is_only_the_contact_person)
{
	struct fixture f;
	struct kp_fail fail = {0};
	struct kp_keys keys = {.n = 1};
	char cpr[CASELOAD_CPR_SHOWN_LEN + 1];
	long long c3;

	make(&f);
	c3 = insert(SEED_CITIZEN, DB_ARGS(DB_I64(f.p2), DB_NULL, DB_STR("Test Tredje"),
	                                     DB_I64(f.cw_id), DB_I64(f.other_id)));
	seal_cpr(&keys, c3, "0202921235");
	cpr_refused(&keys, &f.other, c3, KP_EFORBIDDEN, "caseworker_only");
	cr_assert_eq(caseload_cpr(db, a, &keys, &f.cw, c3, cpr, &fail), KP_OK);
	cr_assert_str_eq(cpr, "020292-1235");
}

Test(admin_db, the_cpr_number_outside_the_caseload_is_not_found_and_denied_is_logged)
{
	struct fixture f;
	struct kp_keys keys = {.n = 1};

	make(&f);
	seal_cpr(&keys, f.c1, "0101901234");
	cpr_refused(&keys, &f.other, f.c1, KP_ENOTFOUND, NULL);
	cr_assert_eq(audit_rows(f.c1, "denied", f.other_id), 1);
}

Test(admin_db, no_stored_cpr_number_is_cpr_missing_and_keeps_no_row)
{
	struct fixture f;
	struct kp_keys keys = {.n = 1};

	make(&f);
	cpr_refused(&keys, &f.cw, f.c1, KP_ENOTFOUND, "cpr_missing");
}

Test(admin_db, a_cpr_number_that_does_not_open_is_an_error_and_keeps_no_row)
{
	struct fixture f;
	struct kp_keys keys = {.n = 1}, wrong = {.key = {{.cpr_enc = {1}}}, .n = 1};

	make(&f);
	seal_cpr(&wrong, f.c1, "0101901234");
	cpr_refused(&keys, &f.cw, f.c1, KP_EINTERNAL, NULL);
}

Test(admin_db, the_staff_plan_names_the_cpr_date_part_and_who_may_ask_never_the_number)
{
	struct fixture f;
	struct kp_keys keys = {.n = 1};
	json_t *plan, *citizen;
	char *text;
	long long v;

	make(&f);
	seal_cpr(&keys, f.c1, "0101901234");
	cr_assert_eq(caseload_plan(db, a, &keys, &f.cw, f.c1, &plan, &v), KP_OK);
	citizen = json_object_get(plan, "citizen");
	cr_assert_str_eq(json_string_value(json_object_get(citizen, "cpr_date")), "010190");
	cr_assert(json_is_true(json_object_get(citizen, "cpr_viewable")));
	cr_assert_null(json_object_get(citizen, "cpr"));
	text = json_dumps(plan, 0);
	cr_assert_null(strstr(text, "0101901234"), "the number in %s", text);
	cr_assert_null(strstr(text, "010190-1234"), "the number in %s", text);
	free(text);
	text = json_dumps(citizen, 0);
	cr_assert_null(strstr(text, "1234"), "the number's last four digits in %s", text);
	free(text);
	json_decref(plan);
	cr_assert_eq(caseload_plan(db, a, &keys, &f.ct, f.c1, &plan, &v), KP_OK);
	citizen = json_object_get(plan, "citizen");
	cr_assert_str_eq(json_string_value(json_object_get(citizen, "cpr_date")), "010190");
	cr_assert(json_is_false(json_object_get(citizen, "cpr_viewable")));
	json_decref(plan);
}

Test(admin_db, an_audit_row_is_rolled_back_with_its_change)
{
	struct fixture f;
	struct caseload_citizen c;

	make(&f);
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(caseload_open(db, a, &f.cw, f.c1, "goal_added", "goal", &c), KP_OK);
	cr_assert_eq(audit_rows(f.c1, "goal_added", f.cw_id), 1, "written in the transaction");
	cr_assert_eq(db_tx_end(db, KP_ECONFLICT), KP_ECONFLICT);
	cr_assert_eq(audit_rows(f.c1, "goal_added", f.cw_id), 0);
}

Test(admin_db, a_denied_attempt_is_kept_though_the_transaction_fails)
{
	struct fixture f;
	struct caseload_citizen c;

	make(&f);
	cr_assert_eq(db_tx_begin(db), KP_OK);
	cr_assert_eq(caseload_open(db, a, &f.other, f.c1, "goal_added", "goal", &c), KP_ENOTFOUND);
	cr_assert_eq(db_tx_end(db, KP_ENOTFOUND), KP_ENOTFOUND);
	cr_assert_eq(audit_rows(f.c1, "denied", f.other.id), 1, "the denied attempt was not kept");
}

Test(admin_db, the_audit_chain_holds_after_the_caseworkers_changes)
{
	struct fixture f;
	struct proposal_decision d = approve_new("job", "LAB §91");
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	bool created;
	long long v, broken;

	make(&f);
	in.title = "Kæde";
	in.area = "job";
	in.legal_basis = "LAB §30 a";
	cr_assert_eq(goal_create(db, a, &f.cw, f.c1, &in, PLAN_ANY_VERSION, &out, &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(proposal_decide(db, a, &f.cw, propose(&f, PROPOSAL_ADD_GOAL, 0, "Ny"), &d, &out,
	                             &v, &fail), KP_OK);
	json_decref(out);
	cr_assert_eq(proposal_decide(db, a, &f.other, propose(&f, PROPOSAL_ADD_GOAL, 0, "Nej"), &d,
	                             &out, &v, &fail), KP_ENOTFOUND);
	cr_assert_eq(consent_record(db, a, &f.cw, f.c1, "given", true, &out, &created, &fail),
	             KP_OK);
	json_decref(out);
	cr_assert_eq(audit_verify(db, stderr, &broken), 0, "broken at row %lld", broken);
}

/* A goal of c1 on a child-related legal basis, under parent (0: none). */
static long long child_goal(struct fixture *f, long long parent, const char *title)
{
	struct goal_in in = GOAL_IN_NONE;
	struct kp_fail fail = {0};
	json_t *out;
	long long v, id;

	in.title = title;
	in.area = "family";
	in.legal_basis = "BL §32";
	in.parent_id = parent;
	cr_assert_eq(goal_create(db, a, &f->cw, f->c1, &in, PLAN_ANY_VERSION, &out, &v, &fail),
	             KP_OK, "%s", fail.message ? fail.message : "");
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

/* The reads whose answers hold lists, for dbtest_json_oom. */
static enum kp_err legal_bases_answer(void *ctx, json_t **out)
{
	(void)ctx;
	return goal_legal_bases(db, a, out);
}

static enum kp_err caseload_answer(void *ctx, json_t **out)
{
	const struct fixture *f = ctx;
	struct kp_keys keys = {.n = 1};
	struct page pg = PAGE_FIRST;

	return caseload_list(db, a, &keys, &f->cw, time(NULL), &pg, out);
}

static enum kp_err audit_answer(void *ctx, json_t **out)
{
	const struct fixture *f = ctx;
	struct page pg = PAGE_FIRST;

	return audit_list(db, a, f->c1, &pg, out);
}

static enum kp_err child_related_answer(void *ctx, json_t **out)
{
	const struct fixture *f = ctx;

	return goal_child_related(db, a, &f->cw, f->c1, out);
}

Test(admin_db, out_of_memory_in_a_list_read_is_an_error_never_a_shorter_list)
{
	struct caseload_citizen c;
	struct fixture f;
	long long p3, child;
	json_t *out;

	make(&f);
	/* Two citizens in the caseload, audit rows, child-related goals with
	 * a sub-goal and one listed on its own. */
	p3 = insert(SEED_PLAN, DB_ARGS(DB_NULL));
	insert(SEED_CITIZEN, DB_ARGS(DB_I64(p3), DB_NULL, DB_STR("Test Tredje"),
	                                DB_I64(f.cw_id), DB_NULL));
	child = child_goal(&f, 0, "Barnets mål");
	child_goal(&f, child, "Barnets delmål");
	child_goal(&f, f.goal, "Delmål om barnet");
	cr_assert_eq(caseload_read(db, a, &f.cw, f.c1, "plan", &c), KP_OK);
	cr_assert_eq(caseload_read(db, a, &f.ct, f.c1, "plan", &c), KP_OK);
	cr_assert_eq(child_related_answer(&f, &out), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(out, "goals")), 2, "%s",
	             json_dumps(out, JSON_COMPACT));
	json_decref(out);

	dbtest_json_oom(legal_bases_answer, &f);
	dbtest_json_oom(caseload_answer, &f);
	dbtest_json_oom(audit_answer, &f);
	dbtest_json_oom(child_related_answer, &f);
}
