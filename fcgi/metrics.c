/* metrics.c: a pool's counters, shared by its workers through a file in
 * the run directory (<run>/<pool>.metrics, beside the socket), and their
 * rendering in Prometheus's text format (0.0.4) for GET /metrics.
 *
 * The supervisor makes the file and maps it before it forks, so every
 * worker shares the mapping; workers add to it with C11 atomics, no lock
 * on the request path. The file starts with the pool's route table (method
 * and pattern of each row), so that the citizen pool's /metrics, which
 * maps the admin pool's file read-only, names the admin routes from the
 * file itself and not from its own program. Requests are counted by route
 * row and by a fixed set of status codes: the number of series is bounded
 * by the route tables, never by what a client sends. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the counters need lock-free 64-bit atomics");

#define METRICS_MAGIC "KPMETR1"
#define METRICS_ROUTES_MAX 96
#define METRICS_PATTERN_MAX 72
/* Rows: one per route of the table, then one per method for requests that
 * matched no route. */
#define METRICS_ROWS (METRICS_ROUTES_MAX + M__MAX)

/* The status codes counted one by one; any other is counted as "other". */
static const int metrics_codes[] = {200, 201, 204, 302, 400, 401, 403, 404, 405,
                                    409, 412, 413, 415, 429, 500, 503};
#define METRICS_CODES (sizeof(metrics_codes) / sizeof(metrics_codes[0]))

/* The latency histogram's upper bounds, in microseconds and as Prometheus
 * writes them (le), 1 ms to 10 s; the last bucket is +Inf. */
static const long long metrics_bounds_us[] = {1000,   2500,   5000,    10000,   25000,
                                              50000,  100000, 250000,  500000,  1000000,
                                              2500000, 5000000, 10000000};
static const char *const metrics_bounds_le[] = {"0.001", "0.0025", "0.005", "0.01", "0.025",
                                                "0.05",  "0.1",    "0.25",  "0.5",  "1",
                                                "2.5",   "5",      "10"};
#define METRICS_BUCKETS (sizeof(metrics_bounds_us) / sizeof(metrics_bounds_us[0]))
_Static_assert(sizeof(metrics_bounds_us) / sizeof(metrics_bounds_us[0]) ==
               sizeof(metrics_bounds_le) / sizeof(metrics_bounds_le[0]),
               "every bound has its le");

struct metrics_route {
	char method[8];
	char pattern[METRICS_PATTERN_MAX];
};

struct metrics {
	char magic[8];
	uint32_t layout;  /* sizeof(struct metrics): a file of another layout is not read */
	uint32_t nroutes;
	int64_t pid;      /* the supervisor's */
	char pool[16];
	struct metrics_route routes[METRICS_ROWS];
	atomic_ullong requests[METRICS_ROWS][METRICS_CODES + 1];
	atomic_ullong latency[METRICS_BUCKETS + 1]; /* per bucket, not cumulative */
	atomic_ullong latency_sum_us;
	atomic_ullong counters[MTR__MAX];
	atomic_llong gauges[MTG__MAX];
};

static const char *const metrics_methods[M__MAX] = {
	[M_GET] = "GET", [M_POST] = "POST", [M_PUT] = "PUT", [M_PATCH] = "PATCH",
	[M_DELETE] = "DELETE", [M_HEAD] = "HEAD", [M_OTHER] = "OTHER"};

struct metrics *metrics_create(const char *path, enum pool_kind pool, const struct route *table,
                               size_t n, char *err, size_t errlen)
{
	struct metrics *m = MAP_FAILED;
	char tmp[4096];
	size_t i;
	int fd = -1;

	if (n > METRICS_ROUTES_MAX) {
		snprintf(err, errlen, "metrics: %zu routes, at most %d", n, METRICS_ROUTES_MAX);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (strlen(table[i].pattern) >= METRICS_PATTERN_MAX ||
		    metrics_methods[table[i].method] == NULL) {
			snprintf(err, errlen, "metrics: route %s is too long", table[i].pattern);
			return NULL;
		}
	/* Made under another name and renamed, so that a reader never maps a
	 * file that is not filled in yet. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "metrics: the path %s is too long", path);
		return NULL;
	}
	unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || ftruncate(fd, (off_t)sizeof(*m)) != 0 ||
	    (m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		snprintf(err, errlen, "metrics: cannot make %s: %s", tmp, strerror(errno));
		goto out;
	}
	/* The file is zero-filled: every counter starts at 0. */
	memcpy(m->magic, METRICS_MAGIC, sizeof(METRICS_MAGIC));
	m->layout = (uint32_t)sizeof(*m);
	m->nroutes = (uint32_t)n;
	m->pid = (int64_t)getpid();
	snprintf(m->pool, sizeof(m->pool), "%s", pool_name(pool));
	for (i = 0; i < n; i++) {
		snprintf(m->routes[i].method, sizeof(m->routes[i].method), "%s",
		         metrics_methods[table[i].method]);
		snprintf(m->routes[i].pattern, sizeof(m->routes[i].pattern), "%s", table[i].pattern);
	}
	for (i = 0; i < M__MAX; i++) {
		snprintf(m->routes[METRICS_ROUTES_MAX + i].method, sizeof(m->routes[0].method), "%s",
		         metrics_methods[i]);
		snprintf(m->routes[METRICS_ROUTES_MAX + i].pattern, sizeof(m->routes[0].pattern),
		         "unmatched");
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "metrics: cannot rename %s: %s", tmp, strerror(errno));
		munmap(m, sizeof(*m));
		m = MAP_FAILED;
	}
out:
	if (fd >= 0)
		close(fd);
	if (m == MAP_FAILED)
		unlink(tmp);
	return m != MAP_FAILED ? m : NULL;
}

size_t metrics_file_size(void)
{
	return sizeof(struct metrics);
}

void metrics_close(struct metrics *m, const char *path)
{
	if (m == NULL)
		return;
	if (path != NULL)
		unlink(path);
	munmap(m, sizeof(*m));
}

const struct metrics *metrics_open(const char *path)
{
	struct metrics *m;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size != (off_t)sizeof(*m)) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, sizeof(*m), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	if (memcmp(m->magic, METRICS_MAGIC, sizeof(METRICS_MAGIC)) != 0 ||
	    m->layout != sizeof(*m) || m->nroutes > METRICS_ROUTES_MAX) {
		munmap(m, sizeof(*m));
		return NULL;
	}
	return m;
}

void metrics_unmap(const struct metrics *m)
{
	if (m != NULL)
		munmap((void *)(uintptr_t)m, sizeof(*m));
}

bool metrics_alive(const struct metrics *m)
{
	/* EPERM: a process of another user has the pid, and it is alive. */
	return m != NULL && m->pid > 0 && (kill((pid_t)m->pid, 0) == 0 || errno == EPERM);
}

static size_t metrics_code_index(int status)
{
	size_t i;

	for (i = 0; i < METRICS_CODES; i++)
		if (metrics_codes[i] == status)
			return i;
	return METRICS_CODES;
}

void metrics_request(struct metrics *m, int row, enum http_method method, int status,
                     long long dur_us)
{
	size_t b, r;

	if (m == NULL)
		return;
	r = row >= 0 && (uint32_t)row < m->nroutes ? (size_t)row
	    : METRICS_ROUTES_MAX + ((unsigned)method < M__MAX ? (size_t)method : M_OTHER);
	atomic_fetch_add_explicit(&m->requests[r][metrics_code_index(status)], 1,
	                          memory_order_relaxed);
	if (dur_us < 0)
		dur_us = 0;
	for (b = 0; b < METRICS_BUCKETS && dur_us > metrics_bounds_us[b]; b++)
		;
	atomic_fetch_add_explicit(&m->latency[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us, (unsigned long long)dur_us,
	                          memory_order_relaxed);
}

void metrics_add(struct metrics *m, enum metrics_counter c, unsigned long long n)
{
	if (m != NULL && (unsigned)c < MTR__MAX)
		atomic_fetch_add_explicit(&m->counters[c], n, memory_order_relaxed);
}

unsigned long long metrics_counter(const struct metrics *m, enum metrics_counter c)
{
	struct metrics *w = (struct metrics *)(uintptr_t)m; /* loads only */

	return m != NULL && (unsigned)c < MTR__MAX
	       ? atomic_load_explicit(&w->counters[c], memory_order_relaxed) : 0;
}

void metrics_set(struct metrics *m, enum metrics_gauge g, long long v)
{
	if (m != NULL && (unsigned)g < MTG__MAX)
		atomic_store_explicit(&m->gauges[g], v, memory_order_relaxed);
}

long long metrics_gauge(const struct metrics *m, enum metrics_gauge g)
{
	struct metrics *w = (struct metrics *)(uintptr_t)m; /* loads only */

	return m != NULL && (unsigned)g < MTG__MAX
	       ? atomic_load_explicit(&w->gauges[g], memory_order_relaxed) : 0;
}

bool metrics_claim(struct metrics *m, enum metrics_gauge g, long long now, long long every)
{
	long long was;

	if (m == NULL || (unsigned)g >= MTG__MAX)
		return false;
	was = atomic_load_explicit(&m->gauges[g], memory_order_relaxed);
	return now - was >= every &&
	       atomic_compare_exchange_strong_explicit(&m->gauges[g], &was, now,
	                                               memory_order_relaxed, memory_order_relaxed);
}

/* ------------------------------------------------------------ rendering */

const char *metrics_label_escape(struct arena *a, const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *o;

	for (p = s; *p != '\0'; p++)
		n += *p == '\\' || *p == '"' || *p == '\n' ? 2 : 1;
	o = out = arena_alloc(a, n + 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"') {
			*o++ = '\\';
			*o++ = *p;
		} else if (*p == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* The text grows in the arena: each append copies, which is fine for a
 * scrape now and then. */
struct metrics_text {
	struct arena *a;
	char *s;
	size_t len, cap;
};

static void mt_put(struct metrics_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mt_put(struct metrics_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= t->cap - t->len) {
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *s = arena_alloc(t->a, cap);

		memcpy(s, t->s, t->len + 1);
		t->s = s;
		t->cap = cap;
		va_start(ap, fmt);
		vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

static void mt_family(struct metrics_text *t, const char *name, const char *type,
                      const char *help)
{
	mt_put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The counters and gauges of the region, by family: a family's samples
 * come together, one per pool (and per label value). */
static const struct metrics_family {
	const char *name, *type, *help;
	bool gauge;        /* from gauges[], else counters[] */
	int index[2];      /* the counters or gauges, -1: none */
	const char *label; /* the label that tells index[0] from index[1] */
	const char *values[2];
	const char *only;  /* the one pool that has these, or NULL: all */
} metrics_families[] = {
	{"kaptajn_db_errors_total", "counter",
	 "Errors the database answered (not constraint conflicts) and failed connects.", false,
	 {MTR_DB_ERRORS, -1}, NULL, {NULL, NULL}, NULL},
	{"kaptajn_db_retries_total", "counter",
	 "Requests run again after a deadlock, a lock wait timeout or a lost connection.", false,
	 {MTR_DB_RETRIES, -1}, NULL, {NULL, NULL}, NULL},
	{"kaptajn_pool_workers_configured", "gauge", "Worker processes the pool is to run.", true,
	 {MTG_WORKERS_CONFIGURED, -1}, NULL, {NULL, NULL}, NULL},
	{"kaptajn_pool_workers_alive", "gauge", "Worker processes running now.", true,
	 {MTG_WORKERS_ALIVE, -1}, NULL, {NULL, NULL}, NULL},
	{"kaptajn_pool_worker_respawns_total", "counter",
	 "Workers started again after one died or exited.", false, {MTR_RESPAWNS, -1}, NULL,
	 {NULL, NULL}, NULL},
	{"kaptajn_plan_answers_total", "counter", "Plan answers given (GET /api/v1/plan, 200).",
	 false, {MTR_PLAN_ANSWERS, -1}, NULL, {NULL, NULL}, "citizen"},
	{"kaptajn_plan_answers_kept_total", "counter",
	 "Plan answers given wholly from the workers' shared memory.", false, {MTR_PLAN_KEPT, -1},
	 NULL, {NULL, NULL}, "citizen"},
	{"kaptajn_plan_cache_hits_total", "counter",
	 "Parts of plan answers found in memory (part: the plan's dreams and goals, or what "
	 "the citizen sees besides).",
	 false, {MTR_PLAN_DOC_HITS, MTR_PLAN_PART_HITS}, "part", {"plan", "citizen"}, "citizen"},
	{"kaptajn_plan_cache_misses_total", "counter",
	 "Parts of plan answers read from the database.", false,
	 {MTR_PLAN_DOC_MISSES, MTR_PLAN_PART_MISSES}, "part", {"plan", "citizen"}, "citizen"},
	{"kaptajn_broker_key_refreshes_total", "counter",
	 "Fetches of the identity broker's discovery document and keys, by result.", false,
	 {MTR_REFRESH_OK, MTR_REFRESH_FAILED}, "result", {"ok", "failed"}, NULL},
};

static void mt_requests(struct metrics_text *t, const struct metrics *const *pools,
                        const char *const *pnames, size_t n)
{
	size_t p, r, c;

	mt_family(t, "kaptajn_http_requests_total", "counter",
	          "Requests answered, by route pattern and status code (code other: none of "
	          "the listed ones).");
	for (p = 0; p < n; p++) {
		struct metrics *m = (struct metrics *)(uintptr_t)pools[p]; /* loads only */

		if (m == NULL)
			continue;
		for (r = 0; r < METRICS_ROWS; r++) {
			if (r >= m->nroutes && r < METRICS_ROUTES_MAX)
				continue;
			for (c = 0; c <= METRICS_CODES; c++) {
				unsigned long long v = atomic_load_explicit(&m->requests[r][c],
				                                            memory_order_relaxed);
				char code[16];

				if (v == 0)
					continue;
				if (c < METRICS_CODES)
					snprintf(code, sizeof(code), "%d", metrics_codes[c]);
				else
					snprintf(code, sizeof(code), "other");
				mt_put(t,
				       "kaptajn_http_requests_total{pool=\"%s\",method=\"%s\","
				       "route=\"%s\",code=\"%s\"} %llu\n",
				       metrics_label_escape(t->a, pnames[p]),
				       metrics_label_escape(t->a, m->routes[r].method),
				       metrics_label_escape(t->a, m->routes[r].pattern), code, v);
			}
		}
	}
}

static void mt_latency(struct metrics_text *t, const struct metrics *const *pools,
                       const char *const *pnames, size_t n)
{
	const char *name = "kaptajn_http_request_duration_seconds";
	size_t p, b;

	mt_family(t, name, "histogram",
	          "Time from a request's start in a worker to its answer written.");
	for (p = 0; p < n; p++) {
		struct metrics *m = (struct metrics *)(uintptr_t)pools[p]; /* loads only */
		const char *pool;
		unsigned long long cum = 0;

		if (m == NULL)
			continue;
		pool = metrics_label_escape(t->a, pnames[p]);
		/* Cumulative, and _count is the +Inf bucket, so that the two
		 * agree however the workers add meanwhile. */
		for (b = 0; b <= METRICS_BUCKETS; b++) {
			cum += atomic_load_explicit(&m->latency[b], memory_order_relaxed);
			mt_put(t, "%s_bucket{pool=\"%s\",le=\"%s\"} %llu\n", name, pool,
			       b < METRICS_BUCKETS ? metrics_bounds_le[b] : "+Inf", cum);
		}
		mt_put(t, "%s_sum{pool=\"%s\"} %.6f\n", name, pool,
		       (double)atomic_load_explicit(&m->latency_sum_us, memory_order_relaxed) / 1e6);
		mt_put(t, "%s_count{pool=\"%s\"} %llu\n", name, pool, cum);
	}
}

static void mt_region(struct metrics_text *t, const struct metrics *const *pools,
                      const char *const *pnames, size_t n)
{
	size_t f, p, k;

	for (f = 0; f < sizeof(metrics_families) / sizeof(metrics_families[0]); f++) {
		const struct metrics_family *fam = &metrics_families[f];

		mt_family(t, fam->name, fam->type, fam->help);
		for (p = 0; p < n; p++) {
			if (pools[p] == NULL || (fam->only != NULL && strcmp(fam->only, pnames[p]) != 0))
				continue;
			for (k = 0; k < 2 && fam->index[k] >= 0; k++) {
				long long v = fam->gauge
				              ? metrics_gauge(pools[p], (enum metrics_gauge)fam->index[k])
				              : (long long)metrics_counter(pools[p],
				                                           (enum metrics_counter)fam->index[k]);

				if (fam->label != NULL)
					mt_put(t, "%s{pool=\"%s\",%s=\"%s\"} %lld\n", fam->name,
					       metrics_label_escape(t->a, pnames[p]), fam->label,
					       fam->values[k], v);
				else
					mt_put(t, "%s{pool=\"%s\"} %lld\n", fam->name,
					       metrics_label_escape(t->a, pnames[p]), v);
			}
		}
	}
}

/* The outbox's rows by status (the sender's last count: the outbox's
 * length is pending + sending) and its deliveries by result. */
static void mt_outbox(struct metrics_text *t, const struct metrics *m)
{
	static const char *const status[] = {"pending", "sending", "sent", "unknown", "failed",
	                                     "held"};
	static const char *const result[] = {"sent", "retry", "unknown", "failed", "held"};
	size_t i;

	_Static_assert(MTG_OUTBOX_HELD - MTG_OUTBOX_PENDING + 1 == sizeof(status) / sizeof(status[0]),
	               "a gauge per status, in order");
	_Static_assert(MTR_OUTBOX_HELD - MTR_OUTBOX_SENT + 1 == sizeof(result) / sizeof(result[0]),
	               "a counter per result, in order");
	mt_family(t, "kaptajn_outbox_messages", "gauge",
	          "Notifications in the outbox by status (counted by the sender every few "
	          "rounds; pending and sending are the outbox's length).");
	for (i = 0; i < sizeof(status) / sizeof(status[0]); i++)
		mt_put(t, "kaptajn_outbox_messages{status=\"%s\"} %lld\n", status[i],
		       metrics_gauge(m, (enum metrics_gauge)(MTG_OUTBOX_PENDING + (int)i)));
	mt_family(t, "kaptajn_outbox_deliveries_total", "counter",
	          "Delivery attempts of this host's sender by result.");
	for (i = 0; i < sizeof(result) / sizeof(result[0]); i++)
		mt_put(t, "kaptajn_outbox_deliveries_total{result=\"%s\"} %llu\n", result[i],
		       metrics_counter(m, (enum metrics_counter)(MTR_OUTBOX_SENT + (int)i)));
}

const char *metrics_render(struct arena *a, const struct metrics *const *pools,
                           const char *const *pnames, const bool *up, size_t n, time_t now)
{
	struct metrics_text t = {a, NULL, 0, 4096};
	size_t p;
	bool any;

	t.s = arena_alloc(a, t.cap);
	t.s[0] = '\0';
	mt_family(&t, "kaptajn_pool_up", "gauge",
	          "1 when the pool's supervisor runs and its counters could be read.");
	for (p = 0; p < n; p++)
		mt_put(&t, "kaptajn_pool_up{pool=\"%s\"} %d\n", metrics_label_escape(a, pnames[p]),
		       up[p] ? 1 : 0);
	mt_requests(&t, pools, pnames, n);
	mt_latency(&t, pools, pnames, n);
	mt_region(&t, pools, pnames, n);
	/* The keys' age only where a refresh has worked. */
	for (any = false, p = 0; p < n; p++)
		any = any || metrics_gauge(pools[p], MTG_KEYS_AT) > 0;
	if (any) {
		mt_family(&t, "kaptajn_broker_keys_age_seconds", "gauge",
		          "Seconds since the pool last fetched its identity broker's keys.");
		for (p = 0; p < n; p++) {
			long long at = metrics_gauge(pools[p], MTG_KEYS_AT);

			if (at > 0)
				mt_put(&t, "kaptajn_broker_keys_age_seconds{pool=\"%s\"} %lld\n",
				       metrics_label_escape(a, pnames[p]),
				       (long long)now - at > 0 ? (long long)now - at : 0);
		}
	}
	/* Live sessions: the database's count, read at most every
	 * METRICS_SESSIONS_EVERY seconds and kept in the first region. */
	if (n > 0 && metrics_gauge(pools[0], MTG_SESSIONS_AT) > 0) {
		mt_family(&t, "kaptajn_sessions_live", "gauge",
		          "Sessions neither ended nor idle nor too old, by kind (counted in the "
		          "database at most every 15 s).");
		mt_put(&t, "kaptajn_sessions_live{kind=\"citizen\"} %lld\n",
		       metrics_gauge(pools[0], MTG_SESSIONS_CITIZEN));
		mt_put(&t, "kaptajn_sessions_live{kind=\"staff\"} %lld\n",
		       metrics_gauge(pools[0], MTG_SESSIONS_STAFF));
	}
	/* The outbox: the sender (citizen pool, when a channel is configured)
	 * counts its rows every few rounds and each delivery's result. */
	if (n > 0 && metrics_gauge(pools[0], MTG_OUTBOX_AT) > 0)
		mt_outbox(&t, pools[0]);
	return t.s;
}
