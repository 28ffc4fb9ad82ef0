/* test_meeting_db.c: meetings, follow-ups, the end of a course and the
 * overview report against a real MariaDB; the time parser and the median
 * as pure functions. Each test makes its own staff (unique subs) and
 * citizens, so the demo data never enters its numbers. The database tests
 * are skipped when KAPTAJN_TEST_CONFIG is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "course.h"
#include "db.h"
#include "dbtest.h"
#include "meeting.h"
#include "report.h"
#include "validate.h"

static struct kp_config cfg;
static struct db *db;
static struct arena *a;

static void setup(void)
{
	dbtest_open(&cfg, &db, &a);
}

static void teardown(void)
{
	dbtest_close(&cfg, db, a);
}

/* A staff member whose sub no earlier run has used. */
static struct kp_actor staff(const char *role)
{
	static int n;
	unsigned long long id;
	char *sub = arena_printf(a, "test-%s-%ld-%d-%d", role, (long)time(NULL), (int)getpid(), ++n);

	cr_assert_eq(seed_exec(db, SEED_STAFF,
	                       DB_ARGS(DB_STR(TEST_STAFF_ISSUER), DB_STR(sub), DB_STR("Test Ansat"),
	                               DB_STR(role), DB_STR("Test"),
	                               DB_STR(""), DB_STR("")), NULL, &id), KP_OK);
	return (struct kp_actor){KP_ACTOR_STAFF, (long long)id, 0, "Test Ansat", role, "test"};
}

struct citizen {
	long long id, plan;
};

/* A citizen with a plan of their own; contact may be 0. */
static struct citizen citizen(const struct kp_actor *cw, long long contact)
{
	unsigned long long id;
	struct citizen c;

	cr_assert_eq(seed_exec(db, SEED_PLAN, DB_ARGS(DB_NULL), NULL, &id), KP_OK);
	c.plan = (long long)id;
	cr_assert_eq(seed_exec(db, SEED_CITIZEN,
	                       DB_ARGS(DB_I64(c.plan), DB_NULL, DB_STR("Test Borger"), DB_I64(cw->id),
	                               contact ? DB_I64(contact) : DB_NULL), NULL, &id), KP_OK);
	c.id = (long long)id;
	cr_assert_eq(db_exec(db, DB_HISTORY_INSERT,
	                     DB_ARGS(DB_I64(c.plan), DB_I64(1), DB_STR("system"), DB_NULL, DB_NULL,
	                             DB_STR("Planen er oprettet"), DB_STR("test")), NULL, NULL), KP_OK);
	return c;
}

static struct meeting_in meeting(enum meeting_kind kind, const char *starts_at)
{
	return (struct meeting_in){kind, starts_at, "Jobcentret", "Dagsorden", NULL};
}

/* Adds a meeting that must succeed; its id. */
static long long add(const struct kp_actor *who, const struct citizen *c,
                     const struct meeting_in *in)
{
	struct kp_fail f = {0};
	json_t *out;
	long long id;

	cr_assert_eq(meeting_create(db, a, who, c->id, in, &out, &f), KP_OK, "%s",
	             f.message ? f.message : "");
	id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

static size_t meeting_count(const struct kp_actor *who, const struct citizen *c)
{
	json_t *out;
	size_t n;

	cr_assert_eq(meeting_list(db, a, who, c->id, time(NULL), &out), KP_OK);
	n = json_array_size(json_object_get(out, "meetings"));
	json_decref(out);
	return n;
}

/* Pure functions. */

Test(meeting_time, takes_only_real_utc_times_of_the_one_form)
{
	static const char *const bad[] = {
		"2025-02-29T10:00:00Z", "2100-02-29T10:00:00Z", "2026-04-31T10:00:00Z",
		"2026-00-10T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-00T10:00:00Z",
		"2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z", "2026-12-01T10:00:60Z",
		"2026-12-01T10:00:00", "2026-12-01T10:00:00z", "2026-12-01 10:00:00Z",
		"2026-12-01T10:00:00+01:00", "2026-12-01T10:00:00.000Z", "2026-12-1T10:00:00Z",
		"+026-12-01T10:00:00Z", "2026-12-01T1a:00:00Z", "1969-12-31T23:59:59Z", "", "Z"};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not(meeting_time_parse(bad[i], &t), "%s was taken", bad[i]);
	cr_assert(meeting_time_parse("2026-12-01T10:00:00Z", &t));
	cr_assert_eq(t, (time_t)1796119200);
	cr_assert(meeting_time_parse("2024-02-29T23:59:59Z", &t));
	cr_assert(meeting_time_parse("2000-02-29T00:00:00Z", &t));
	cr_assert(meeting_time_parse("1970-01-01T00:00:00Z", &t));
	cr_assert_eq(t, 0);
}

Test(report_median, of_an_odd_count_is_the_middle_value)
{
	double v[] = {30, 10, 20}, m;

	cr_assert(report_median(v, 3, &m));
	cr_assert_float_eq(m, 20, 1e-9);
}

Test(report_median, of_an_even_count_is_the_mean_of_the_middle_two)
{
	double v[] = {40, 10, 30, 20}, m;

	cr_assert(report_median(v, 4, &m));
	cr_assert_float_eq(m, 25, 1e-9);
}

Test(report_median, of_one_value_is_that_value_and_of_none_there_is_none)
{
	double v[] = {7.5}, m = -1;

	cr_assert(report_median(v, 1, &m));
	cr_assert_float_eq(m, 7.5, 1e-9);
	m = -1;
	cr_assert_not(report_median(v, 0, &m));
	cr_assert_float_eq(m, -1, 1e-9, "no median leaves the answer alone");
}

Test(validate_array, checks_only_that_it_is_an_array_of_at_most_max)
{
	static const struct vfield spec[] = {{"list", V_ARRAY, false, 0, 2, NULL}};
	static const struct {
		const char *json;
		enum kp_err err;
	} cases[] = {
		{"{\"list\":[]}", KP_OK},
		{"{\"list\":[1,\"x\"]}", KP_OK},
		{"{\"list\":null}", KP_OK},
		{"{}", KP_OK},
		{"{\"list\":[1,2,3]}", KP_EINVAL},
		{"{\"list\":{}}", KP_EINVAL},
		{"{\"list\":\"[]\"}", KP_EINVAL},
	};
	struct arena *va = arena_new();
	struct kp_fail f = {0};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *body = json_loads(cases[i].json, 0, NULL);

		cr_expect_eq(validate_body(va, body, spec, 1, &f), cases[i].err, "%s", cases[i].json);
		if (cases[i].err != KP_OK)
			cr_expect_str_eq(f.code, "invalid_field", "%s", cases[i].json);
		json_decref(body);
	}
	arena_free(va);
}

/* Meetings against the database. */

TestSuite(meeting_db, .init = setup, .fini = teardown);

Test(meeting_db, bad_dates_are_invalid_field_and_add_nothing)
{
	static const char *const bad[] = {"2025-02-29T10:00:00Z", "2026-12-01T10:00:00",
	                                  "2026-12-01T25:00:00Z", "2026-12-01 10:00:00Z",
	                                  "01-12-2026T10:00:00Z", "i morgen"};
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct kp_fail f = {0};
	struct meeting_in in;
	json_t *out;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in = meeting(MEETING_NETWORK, bad[i]);
		cr_assert_eq(meeting_create(db, a, &cw, c.id, &in, &out, &f), KP_EINVAL, "%s", bad[i]);
		cr_assert_str_eq(f.code, "invalid_field");
		cr_assert(strncmp(f.message, "starts_at:", 10) == 0, "%s", f.message);
		cr_assert_null(out);
	}
	in = meeting(MEETING_NETWORK, NULL);
	cr_assert_eq(meeting_create(db, a, &cw, c.id, &in, &out, &f), KP_EINVAL);
	cr_assert_str_eq(f.code, "missing_field");
	cr_assert_eq(meeting_count(&cw, &c), 0);
}

Test(meeting_db, more_than_thirty_participants_are_refused)
{
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct meeting_in in = meeting(MEETING_NETWORK, "2026-12-01T10:00:00Z");
	struct kp_fail f = {0};
	json_t *list = json_array(), *out;
	int i;

	for (i = 0; i < MEETING_PARTICIPANTS_MAX; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name", "Deltager", "role",
		                                      "Netværk", "professional", 0));
	in.participants = list;
	add(&cw, &c, &in);
	json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name", "Én for meget", "role",
	                                      "Netværk", "professional", 0));
	cr_assert_eq(meeting_create(db, a, &cw, c.id, &in, &out, &f), KP_EINVAL);
	cr_assert_str_eq(f.code, "invalid_field");
	cr_assert(strncmp(f.message, "participants:", 13) == 0, "%s", f.message);
	cr_assert_eq(meeting_count(&cw, &c), 1);
	json_decref(list);
}

Test(meeting_db, participants_of_the_wrong_shape_name_the_entry_and_member)
{
	static const struct {
		const char *json, *code, *message_start;
	} cases[] = {
		{"{\"name\":\"Inge\"}", "invalid_field", "participants:"},
		{"[\"Inge\"]", "invalid_field", "participants[0]:"},
		{"[{\"name\":\"Inge\",\"role\":\"Farmor\",\"professional\":\"nej\"}]", "invalid_field",
		 "participants[0].professional:"},
		{"[{\"name\":\"Inge\",\"role\":\"Farmor\",\"professional\":false},"
		 "{\"name\":5,\"role\":\"Farmor\",\"professional\":false}]", "invalid_field",
		 "participants[1].name:"},
		{"[{\"name\":\"Inge\",\"professional\":false}]", "missing_field",
		 "participants[0].role:"},
		{"[{\"name\":\"Inge\",\"role\":\" \",\"professional\":false}]", "invalid_field",
		 "participants[0].role:"},
		{"[{\"name\":\"Inge\",\"role\":\"Farmor\",\"professional\":false,\"cpr\":\"x\"}]",
		 "unknown_field", "participants[0].cpr:"},
	};
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct kp_fail f = {0};
	json_t *out;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct meeting_in in = meeting(MEETING_NETWORK, "2026-12-01T10:00:00Z");
		json_t *parts = json_loads(cases[i].json, 0, NULL);

		cr_assert_not_null(parts, "%s", cases[i].json);
		in.participants = parts;
		cr_assert_eq(meeting_create(db, a, &cw, c.id, &in, &out, &f), KP_EINVAL, "%s",
		             cases[i].json);
		cr_expect_str_eq(f.code, cases[i].code, "%s", cases[i].json);
		cr_expect(strncmp(f.message, cases[i].message_start, strlen(cases[i].message_start)) == 0,
		          "%s gave %s", cases[i].json, f.message);
		json_decref(parts);
	}
	cr_assert_eq(meeting_count(&cw, &c), 0);
}

Test(meeting_db, a_meeting_comes_back_as_it_was_given_with_only_the_known_members)
{
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct meeting_in in = meeting(MEETING_NETWORK, "2026-12-01T10:00:00Z");
	struct kp_fail f = {0};
	json_t *parts = json_loads("[{\"professional\":false,\"name\":\"Inge Hansen\","
	                           "\"role\":\"Farmor – æøå\"}]", 0, NULL), *out, *p;

	in.participants = parts;
	in.agenda = "1. Lejligheden\n2. Børnene";
	cr_assert_eq(meeting_create(db, a, &cw, c.id, &in, &out, &f), KP_OK);
	cr_assert_str_eq(json_string_value(json_object_get(out, "kind")), "network");
	cr_assert_str_eq(json_string_value(json_object_get(out, "starts_at")), "2026-12-01T10:00:00Z");
	cr_assert_str_eq(json_string_value(json_object_get(out, "agenda")), in.agenda);
	cr_assert(json_is_null(json_object_get(out, "held_at")));
	p = json_array_get(json_object_get(out, "participants"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "role")), "Farmor – æøå");
	cr_assert(json_is_false(json_object_get(p, "professional")));
	cr_assert_eq(json_object_size(p), 3);
	json_decref(out);
	json_decref(parts);
}

Test(meeting_db, the_contact_may_add_and_another_caseworker_gets_not_found_and_is_logged)
{
	struct kp_actor cw = staff("caseworker"), ct = staff("contact"), other = staff("caseworker");
	struct citizen c = citizen(&cw, ct.id);
	struct meeting_in in = meeting(MEETING_FOLLOW_UP, "2026-12-01T10:00:00Z");
	struct kp_fail f = {0};
	json_t *out, *log;

	add(&ct, &c, &in);
	cr_assert_eq(meeting_create(db, a, &other, c.id, &in, &out, &f), KP_ENOTFOUND);
	cr_assert_eq(meeting_list(db, a, &other, c.id, time(NULL), &out), KP_ENOTFOUND);
	cr_assert_eq(audit_list(db, a, c.id, &PAGE_FIRST, &log), KP_OK);
	/* Newest first: the denied list, the denied add, the contact's add. */
	cr_assert_str_eq(json_string_value(json_object_get(
	                         json_array_get(json_object_get(log, "entries"), 1), "action")),
	                 "denied");
	cr_assert_str_eq(json_string_value(json_object_get(
	                         json_array_get(json_object_get(log, "entries"), 2), "action")),
	                 "meeting_added");
	json_decref(log);
	cr_assert_eq(meeting_count(&cw, &c), 1);
}

Test(meeting_db, follow_ups_count_those_due_and_those_held)
{
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct meeting_in past = meeting(MEETING_FOLLOW_UP, "2020-01-01T10:00:00Z"),
	                  future = meeting(MEETING_FOLLOW_UP, "2999-01-01T10:00:00Z"),
	                  network = meeting(MEETING_NETWORK, "2020-01-01T10:00:00Z");
	struct kp_fail f = {0};
	json_t *out, *fu;
	long long held;

	add(&cw, &c, &past);
	add(&cw, &c, &past);
	held = add(&cw, &c, &past);
	add(&cw, &c, &future);
	add(&cw, &c, &network);
	cr_assert_eq(meeting_held(db, a, &cw, held, time(NULL), &out, &f), KP_OK);
	json_decref(out);
	cr_assert_eq(meeting_list(db, a, &cw, c.id, time(NULL), &out), KP_OK);
	cr_assert_eq(json_array_size(json_object_get(out, "meetings")), 5);
	cr_assert_str_eq(json_string_value(json_object_get(
	                         json_array_get(json_object_get(out, "meetings"), 0), "starts_at")),
	                 "2999-01-01T10:00:00Z", "newest first");
	fu = json_object_get(out, "follow_ups");
	cr_assert_eq(json_integer_value(json_object_get(fu, "due")), 3);
	cr_assert_eq(json_integer_value(json_object_get(fu, "done")), 1);
	cr_assert_eq(json_integer_value(json_object_get(fu, "outstanding")), 2);
	json_decref(out);
}

Test(meeting_db, a_meeting_is_held_once_and_only_within_the_caseload)
{
	struct kp_actor cw = staff("caseworker"), other = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct meeting_in in = meeting(MEETING_NETWORK, "2026-12-01T10:00:00Z");
	struct kp_fail f = {0};
	long long id = add(&cw, &c, &in);
	json_t *out;

	cr_assert_eq(meeting_held(db, a, &other, id, time(NULL), &out, &f), KP_ENOTFOUND);
	cr_assert_eq(meeting_held(db, a, &cw, 999999999999LL, time(NULL), &out, &f), KP_ENOTFOUND);
	cr_assert_eq(meeting_held(db, a, &cw, id, time(NULL), &out, &f), KP_OK);
	cr_assert(json_is_string(json_object_get(out, "held_at")));
	json_decref(out);
	cr_assert_eq(meeting_held(db, a, &cw, id, time(NULL), &out, &f), KP_ECONFLICT);
	cr_assert_str_eq(f.code, "already_held");
	cr_assert_null(out);
}

Test(meeting_db, the_citizen_sees_upcoming_unheld_meetings_soonest_first)
{
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0), d = citizen(&cw, 0);
	struct meeting_in later = meeting(MEETING_NETWORK, "2999-06-01T10:00:00Z"),
	                  sooner = meeting(MEETING_FOLLOW_UP, "2999-01-01T10:00:00Z"),
	                  past = meeting(MEETING_FOLLOW_UP, "2020-01-01T10:00:00Z");
	struct kp_fail f = {0};
	json_t *out, *list;
	long long held;

	add(&cw, &c, &later);
	add(&cw, &c, &sooner);
	add(&cw, &c, &past);
	held = add(&cw, &c, &later);
	add(&cw, &d, &sooner);
	cr_assert_eq(meeting_held(db, a, &cw, held, time(NULL), &out, &f), KP_OK);
	json_decref(out);
	cr_assert_eq(meeting_upcoming(db, a, c.id, time(NULL), &out), KP_OK);
	list = json_object_get(out, "meetings");
	cr_assert_eq(json_array_size(list), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "kind")),
	                 "follow_up");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "starts_at")),
	                 "2999-06-01T10:00:00Z");
	json_decref(out);
}

/* The end of a course. */

Test(meeting_db, a_course_ends_once)
{
	struct kp_actor cw = staff("caseworker");
	struct citizen c = citizen(&cw, 0);
	struct kp_fail f = {0};
	json_t *out;

	cr_assert_eq(course_end(db, a, &cw, c.id, COURSE_EDUCATION, time(NULL), &out, &f), KP_OK);
	cr_assert_str_eq(json_string_value(json_object_get(out, "outcome")), "education");
	cr_assert(json_is_string(json_object_get(out, "ended_at")));
	json_decref(out);
	cr_assert_eq(course_end(db, a, &cw, c.id, COURSE_JOB, time(NULL), &out, &f), KP_ECONFLICT);
	cr_assert_str_eq(f.code, "already_ended");
	cr_assert_null(out);
}

Test(meeting_db, only_the_citizens_own_caseworker_ends_the_course)
{
	struct kp_actor cw = staff("caseworker"), ct = staff("contact"), other = staff("caseworker");
	struct citizen c = citizen(&cw, ct.id);
	struct kp_fail f = {0};
	json_t *out;

	cr_assert_eq(course_end(db, a, &other, c.id, COURSE_JOB, time(NULL), &out, &f),
	             KP_ENOTFOUND);
	cr_assert_eq(course_end(db, a, &ct, c.id, COURSE_JOB, time(NULL), &out, &f), KP_EFORBIDDEN);
	cr_assert_str_eq(f.code, "caseworker_only");
	cr_assert_eq(course_end(db, a, &cw, c.id, COURSE__MAX, time(NULL), &out, &f), KP_EINVAL);
	cr_assert_eq(course_end(db, a, &cw, c.id, COURSE_OTHER, time(NULL), &out, &f), KP_OK);
	json_decref(out);
}

/* The overview report. */

static long long proposal(const struct citizen *c, const char *status, int created_hours_ago,
                          int closed_hours_ago, const struct kp_actor *decider)
{
	bool closed = decider != NULL;
	unsigned long long id;

	cr_assert_eq(seed_exec(db, SEED_PROPOSAL,
	                       DB_ARGS(DB_I64(c->plan), DB_I64(c->id), DB_STR("add_goal"), DB_NULL,
	                               DB_STR("Mål"), DB_NULL, DB_STR("fordi"), DB_STR(status),
	                               DB_I64(created_hours_ago),
	                               closed ? DB_I64(closed_hours_ago) : DB_NULL,
	                               closed ? DB_I64(decider->id) : DB_NULL,
	                               closed ? DB_STR("sådan") : DB_NULL), NULL, &id), KP_OK);
	return (long long)id;
}

static json_t *entry_of(json_t *report, long long caseworker)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(report, "per_caseworker"), i, e)
		if (json_integer_value(json_object_get(json_object_get(e, "caseworker"), "id")) ==
		    caseworker)
			return e;
	return NULL;
}

Test(meeting_db, the_report_counts_a_caseworkers_citizens)
{
	struct kp_actor cw = staff("caseworker"), ct = staff("contact"), decider = staff("caseworker"),
	                commenter = staff("contact"), idle = staff("caseworker");
	struct citizen c1 = citizen(&cw, ct.id), c2 = citizen(&cw, ct.id), c3 = citizen(&cw, 0);
	struct kp_fail f = {0};
	json_t *report, *e, *contacts, *total;
	long long p;

	/* Two pending; decisions after 30, 10 and 20 hours: median 20. */
	p = proposal(&c1, "pending", 5, 0, NULL);
	proposal(&c1, "pending", 3, 0, NULL);
	proposal(&c1, "rejected", 50, 20, &decider);
	proposal(&c2, "approved", 40, 30, &decider);
	proposal(&c3, "approved", 25, 5, &decider);
	proposal(&c2, "withdrawn", 25, 24, NULL);
	cr_assert_eq(seed_exec(db, SEED_COMMENT,
	                       DB_ARGS(DB_I64(p), DB_I64(commenter.id), DB_STR("enig"), DB_I64(1)), NULL,
	                       NULL), KP_OK);
	cr_assert_eq(seed_exec(db, SEED_GOAL,
	                       DB_ARGS(DB_I64(c1.plan), DB_NULL, DB_STR("Mål"), DB_STR(""),
	                               DB_STR("job"), DB_STR("LAB §30 a"), DB_STR("active"), DB_NULL,
	                               DB_I64(0), DB_I64(cw.id)), NULL, NULL), KP_OK);
	cr_assert_eq(course_end(db, a, &cw, c3.id, COURSE_JOB, time(NULL), &e, &f), KP_OK);
	json_decref(e);

	cr_assert_eq(report_overview(db, a, &report), KP_OK);
	e = entry_of(report, cw.id);
	cr_assert_not_null(e);
	cr_assert_eq(json_integer_value(json_object_get(e, "active_citizens")), 2);
	cr_assert_eq(json_integer_value(json_object_get(e, "pending_proposals")), 2);
	cr_assert_float_eq(json_real_value(json_object_get(e, "median_hours_to_decision")), 20,
	                   1e-9);
	contacts = json_object_get(e, "citizens_per_contact");
	cr_assert_eq(json_array_size(contacts), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(json_array_get(contacts, 0),
	                                                                "contact"), "id")), ct.id);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(contacts, 0), "citizens")), 2);
	/* c1: caseworker, contact, decider, commenter; c2: caseworker, contact,
	 * decider; c3: caseworker, decider. */
	cr_assert_float_eq(json_real_value(json_object_get(json_object_get(e, "staff_per_citizen"),
	                                                   "mean")), 3, 1e-9);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(e, "staff_per_citizen"),
	                                                "max")), 4);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(e, "outcomes"), "job")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(e, "outcomes"), "other")), 0);

	/* A caseworker with no citizens is listed with nothing to show. */
	e = entry_of(report, idle.id);
	cr_assert_not_null(e);
	cr_assert_eq(json_integer_value(json_object_get(e, "active_citizens")), 0);
	cr_assert(json_is_null(json_object_get(e, "median_hours_to_decision")));
	cr_assert(json_is_null(json_object_get(json_object_get(e, "staff_per_citizen"), "mean")));

	total = json_object_get(report, "total");
	cr_assert_geq(json_integer_value(json_object_get(total, "active_citizens")), 2);
	cr_assert_geq(json_integer_value(json_object_get(json_object_get(total, "outcomes"), "job")),
	              1);
	json_decref(report);
}

struct list_ctx {
	const struct kp_actor *who;
	const struct citizen *c;
};

static enum kp_err meeting_list_answer(void *ctx, json_t **out)
{
	const struct list_ctx *l = ctx;

	return meeting_list(db, a, l->who, l->c->id, time(NULL), out);
}

static enum kp_err report_answer(void *ctx, json_t **out)
{
	(void)ctx;
	return report_overview(db, a, out);
}

Test(meeting_db, out_of_memory_in_the_meetings_or_the_report_is_an_error_never_a_shorter_list)
{
	struct kp_actor cw = staff("caseworker"), ct = staff("contact");
	struct citizen c = citizen(&cw, ct.id);
	struct meeting_in in = meeting(MEETING_FOLLOW_UP, "2030-01-02T10:00:00Z");
	struct list_ctx l = {&cw, &c};
	json_t *parts = json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}]", "name", "Borger", "role",
	                          "borger", "professional", 0, "name", "Mentor", "role", "mentor",
	                          "professional", 1);

	in.participants = parts;
	add(&cw, &c, &in);
	in.starts_at = "2030-02-02T10:00:00Z";
	add(&cw, &c, &in);
	json_decref(parts);
	dbtest_json_oom(meeting_list_answer, &l);
	dbtest_json_oom(report_answer, NULL);
}
