/* test_metrics.c: a pool's counters file (fcgi/metrics.c), shared by
 * processes forked after it was made and read by another through its
 * path, and its rendering in Prometheus's text format; the access log's
 * logfmt values (fcgi/respond.c). No database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static const struct route table[] = {
	{M_GET, "/api/v1/plan", NULL, 0, NULL, 0},
	{M_PUT, "/api/v1/plan/dreams/{id}", NULL, 0, NULL, 0},
	{M_GET, "/a\"b\\c", NULL, 0, NULL, 0},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

static char dir[64];
static char path[128];
static struct arena *a;
static struct metrics *m;

static void setup(void)
{
	char err[256] = "";

	snprintf(dir, sizeof(dir), "/tmp/kp-metrics-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/citizen.metrics", dir);
	cr_assert_not_null(a = arena_new());
	m = metrics_create(path, POOL_CITIZEN, table, NTABLE, err, sizeof(err));
	cr_assert_not_null(m, "%s", err);
}

static void teardown(void)
{
	metrics_close(m, path);
	arena_free(a);
	rmdir(dir);
}

TestSuite(metrics, .init = setup, .fini = teardown);

/* The value of the sample whose name and labels are key, or -1 when the
 * text has no such line. */
static double sample(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

static const char *render_one(const struct metrics *pm)
{
	const struct metrics *pools[1] = {pm};
	const char *names[1] = {"citizen"};
	bool up[1] = {true};

	return metrics_render(a, pools, names, up, 1, 1000);
}

Test(metrics, the_histogram_buckets_are_cumulative_and_inf_and_count_agree)
{
	const char *t;

	metrics_request(m, 0, M_GET, 200, 500);      /* <= 1 ms */
	metrics_request(m, 0, M_GET, 200, 1000);     /* <= 1 ms: the bound is in its bucket */
	metrics_request(m, 0, M_GET, 200, 1001);     /* <= 2.5 ms */
	metrics_request(m, 0, M_GET, 200, 300000);   /* <= 0.5 s */
	metrics_request(m, 0, M_GET, 200, 60000000); /* a minute: +Inf only */
	t = render_one(m);
	cr_assert(strstr(t, "# TYPE kaptajn_http_request_duration_seconds histogram\n") != NULL);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"0.001\"}"), 2);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"0.0025\"}"), 3);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"0.25\"}"), 3);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"0.5\"}"), 4);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"10\"}"), 4);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"+Inf\"}"), 5);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_count{pool=\"citizen\"}"), 5);
	cr_assert_float_eq(sample(t, "kaptajn_http_request_duration_seconds_sum{pool=\"citizen\"}"),
	                   (500 + 1000 + 1001 + 300000 + 60000000) / 1e6, 1e-9);
}

Test(metrics, an_empty_histogram_still_has_every_bucket_and_a_zero_count)
{
	const char *t = render_one(m);

	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"0.001\"}"), 0);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"+Inf\"}"), 0);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_count{pool=\"citizen\"}"), 0);
	cr_assert_eq(sample(t, "kaptajn_http_request_duration_seconds_sum{pool=\"citizen\"}"), 0);
}

Test(metrics, requests_are_counted_by_route_pattern_and_status_and_unmatched_ones_by_method)
{
	const char *t;

	metrics_request(m, 1, M_PUT, 200, 10);
	metrics_request(m, 1, M_PUT, 412, 10);
	metrics_request(m, 1, M_PUT, 412, 10);
	metrics_request(m, -1, M_GET, 404, 10);
	metrics_request(m, 99, M_POST, 404, 10); /* no such row: unmatched */
	metrics_request(m, 0, M_GET, 418, 10);   /* no listed code: other */
	t = render_one(m);
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"PUT\",route=\"/api/v1/plan/dreams/{id}\",code=\"200\"}"), 1);
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"PUT\",route=\"/api/v1/plan/dreams/{id}\",code=\"412\"}"), 2);
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"GET\",route=\"unmatched\",code=\"404\"}"), 1);
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"POST\",route=\"unmatched\",code=\"404\"}"), 1);
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"GET\",route=\"/api/v1/plan\",code=\"other\"}"), 1);
	/* A series that never moved is not listed. */
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"GET\",route=\"/api/v1/plan\",code=\"200\"}"), -1);
}

Test(metrics, label_values_are_escaped)
{
	const char *t;

	cr_assert_str_eq(metrics_label_escape(a, "a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
	cr_assert_str_eq(metrics_label_escape(a, "/api/v1/plan"), "/api/v1/plan");
	cr_assert_str_eq(metrics_label_escape(a, ""), "");
	metrics_request(m, 2, M_GET, 200, 10);
	t = render_one(m);
	cr_assert_eq(sample(t, "kaptajn_http_requests_total{pool=\"citizen\",method=\"GET\",route=\"/a\\\"b\\\\c\",code=\"200\"}"), 1, "%s", t);
}

Test(metrics, every_family_has_help_and_type_once_before_its_samples)
{
	const struct metrics *pools[2] = {m, m};
	const char *names[2] = {"citizen", "admin"};
	bool up[2] = {true, true};
	const char *t, *p;

	metrics_set(m, MTG_KEYS_AT, 900);
	metrics_set(m, MTG_SESSIONS_AT, 990);
	metrics_set(m, MTG_SESSIONS_CITIZEN, 7);
	metrics_request(m, 0, M_GET, 200, 10);
	t = metrics_render(a, pools, names, up, 2, 1000);
	for (p = t; (p = strstr(p, "# TYPE ")) != NULL; p++) {
		char name[128], again[160];

		cr_assert_eq(sscanf(p, "# TYPE %127s", name), 1);
		snprintf(again, sizeof(again), "# TYPE %s ", name);
		cr_assert_null(strstr(p + 1, again), "%s twice", name);
	}
	/* The two pools' samples of a family come together, after it. */
	p = strstr(t, "# TYPE kaptajn_db_errors_total counter\n");
	cr_assert_not_null(p);
	p += strlen("# TYPE kaptajn_db_errors_total counter\n");
	cr_assert(strncmp(p, "kaptajn_db_errors_total{pool=\"citizen\"} 0\n"
	                     "kaptajn_db_errors_total{pool=\"admin\"} 0\n# HELP ",
	                  strlen("kaptajn_db_errors_total{pool=\"citizen\"} 0\n"
	                         "kaptajn_db_errors_total{pool=\"admin\"} 0\n# HELP ")) == 0,
	          "%.200s", p);
	cr_assert_eq(sample(t, "kaptajn_broker_keys_age_seconds{pool=\"admin\"}"), 100);
	cr_assert_eq(sample(t, "kaptajn_sessions_live{kind=\"citizen\"}"), 7);
	cr_assert_eq(sample(t, "kaptajn_pool_up{pool=\"admin\"}"), 1);
	cr_assert_eq(t[strlen(t) - 1], '\n');
}

Test(metrics, a_pool_that_is_down_has_pool_up_0_and_no_other_sample)
{
	const struct metrics *pools[2] = {m, NULL};
	const char *names[2] = {"citizen", "admin"};
	bool up[2] = {true, false};
	const char *t = metrics_render(a, pools, names, up, 2, 1000), *p;

	cr_assert_eq(sample(t, "kaptajn_pool_up{pool=\"citizen\"}"), 1);
	cr_assert_eq(sample(t, "kaptajn_pool_up{pool=\"admin\"}"), 0);
	/* Its pool_up line is the only one that names it. */
	p = strstr(t, "pool=\"admin\"");
	cr_assert_not_null(p);
	cr_assert_null(strstr(p + 1, "pool=\"admin\""), "%s", t);
	/* No keys fetched, no sessions counted: those are left out, not 0. */
	cr_assert_null(strstr(t, "kaptajn_broker_keys_age_seconds"));
	cr_assert_null(strstr(t, "kaptajn_sessions_live"));
}

Test(metrics, two_processes_add_to_the_same_counters_without_losing_any)
{
	const int n = 200000;
	pid_t pid;
	int i, status;

	pid = fork();
	cr_assert(pid >= 0);
	for (i = 0; i < n; i++) {
		metrics_request(m, 0, M_GET, 200, 2000);
		metrics_add(m, MTR_DB_ERRORS, 1);
	}
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(metrics_counter(m, MTR_DB_ERRORS), 2ull * n);
	cr_assert_eq(sample(render_one(m), "kaptajn_http_requests_total{pool=\"citizen\",method=\"GET\",route=\"/api/v1/plan\",code=\"200\"}"), 2.0 * n);
	cr_assert_eq(sample(render_one(m), "kaptajn_http_request_duration_seconds_bucket{pool=\"citizen\",le=\"0.0025\"}"), 2.0 * n);
}

Test(metrics, another_process_reads_the_counters_through_the_file)
{
	const struct metrics *r;

	metrics_add(m, MTR_RESPAWNS, 3);
	metrics_set(m, MTG_WORKERS_ALIVE, 4);
	r = metrics_open(path);
	cr_assert_not_null(r);
	cr_assert_eq(metrics_counter(r, MTR_RESPAWNS), 3);
	cr_assert_eq(metrics_gauge(r, MTG_WORKERS_ALIVE), 4);
	/* Its maker (this process) runs. */
	cr_assert(metrics_alive(r));
	/* What is added later shows through the same mapping. */
	metrics_add(m, MTR_RESPAWNS, 1);
	cr_assert_eq(metrics_counter(r, MTR_RESPAWNS), 4);
	metrics_unmap(r);
}

Test(metrics, a_missing_or_foreign_file_is_not_read)
{
	char other[160];
	FILE *f;

	snprintf(other, sizeof(other), "%s/admin.metrics", dir);
	cr_assert_null(metrics_open(other), "a missing file");
	f = fopen(other, "w");
	cr_assert_not_null(f);
	fputs("not counters", f);
	fclose(f);
	cr_assert_null(metrics_open(other), "a file of another size");
	/* The right size, but not a counters file. */
	cr_assert_eq(truncate(other, 0), 0);
	cr_assert_eq(truncate(other, (off_t)metrics_file_size()), 0);
	cr_assert_null(metrics_open(other), "a file without the mark");
	unlink(other);
	cr_assert_null(metrics_open(dir), "a directory");
}

Test(metrics, a_table_with_a_pattern_too_long_for_the_file_is_refused)
{
	static char longer[200];
	struct route big[1] = {{M_GET, longer, NULL, 0, NULL, 0}};
	char other[160], err[256] = "";

	memset(longer, 'x', sizeof(longer) - 1);
	longer[0] = '/';
	snprintf(other, sizeof(other), "%s/admin.metrics", dir);
	cr_assert_null(metrics_create(other, POOL_ADMIN, big, 1, err, sizeof(err)));
	cr_assert(strstr(err, "too long") != NULL, "%s", err);
	cr_assert_eq(access(other, F_OK), -1, "a refused table left a file");
}

Test(metrics, closing_removes_the_file_so_the_pool_reads_as_down)
{
	char err[256] = "";
	char other[160];
	struct metrics *o;

	snprintf(other, sizeof(other), "%s/admin.metrics", dir);
	o = metrics_create(other, POOL_ADMIN, table, NTABLE, err, sizeof(err));
	cr_assert_not_null(o, "%s", err);
	cr_assert_eq(access(other, F_OK), 0);
	metrics_close(o, other);
	cr_assert_eq(access(other, F_OK), -1);
	cr_assert_null(metrics_open(other));
}

Test(metrics, only_one_caller_claims_a_due_count)
{
	cr_assert(metrics_claim(m, MTG_SESSIONS_TRIED, 1000, 15));
	cr_assert_not(metrics_claim(m, MTG_SESSIONS_TRIED, 1000, 15), "claimed twice");
	cr_assert_not(metrics_claim(m, MTG_SESSIONS_TRIED, 1014, 15), "claimed before 15 s");
	cr_assert(metrics_claim(m, MTG_SESSIONS_TRIED, 1015, 15));
}

Test(access_log, logfmt_values_are_bare_when_they_can_be_and_quoted_and_escaped_otherwise)
{
	struct arena *la = arena_new();

	cr_assert_not_null(la);
	cr_assert_str_eq(respond_logfmt(la, "/api/v1/plan/dreams/{id}"), "/api/v1/plan/dreams/{id}");
	cr_assert_str_eq(respond_logfmt(la, "3f2a9c"), "3f2a9c");
	cr_assert_str_eq(respond_logfmt(la, ""), "\"\"");
	cr_assert_str_eq(respond_logfmt(la, "a b"), "\"a b\"");
	cr_assert_str_eq(respond_logfmt(la, "a=b"), "\"a=b\"");
	cr_assert_str_eq(respond_logfmt(la, "say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
	/* A newline cannot start a forged line. */
	cr_assert_str_eq(respond_logfmt(la, "x\nts=1 msg=access"), "\"x\\nts=1 msg=access\"");
	cr_assert_str_eq(respond_logfmt(la, "\t\r\x01\x7f"), "\"\\t\\r\\u0001\\u007f\"");
	/* UTF-8 passes as it is. */
	cr_assert_str_eq(respond_logfmt(la, "æøå"), "æøå");
	arena_free(la);
}
