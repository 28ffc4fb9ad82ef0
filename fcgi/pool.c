/* pool.c: the supervisor and its workers. The supervisor opens the unix
 * socket, forks single-threaded workers on it and respawns any that dies,
 * so a crash (or libfcgi's abort on a crafted record) costs one request,
 * not the pool. Each worker seeds its own random generator and opens its
 * own database connection after the fork. SIGTERM drains: the socket's
 * path goes, so no new connection comes; workers finish the request in
 * hand and those already queued on the socket, then exit. The citizen
 * pool's supervisor also forks a short-lived purge job every
 * purge_interval seconds, so that spent token ids and old sessions do not
 * pile up. The citizen and admin pools' supervisors fork a refresh job
 * at start and every oidc_refresh seconds that fetches their broker's
 * discovery document and keys into oidc_cache_dir (oidc.h). SIGHUP
 * reloads: the supervisor reads its configuration file again; one that
 * does not load or check is logged (file, line and key) and the pool goes
 * on with the old one; one that does gets fresh workers, and the old ones
 * finish the request in hand and exit while the new ones take the socket's
 * queue. The socket, its group and the worker count stay as at start. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "backoff.h"
#include "oidc.h"
#include "outbox.h"

#define POOL_MAX_WORKERS 64
#define POOL_DRAIN_SECONDS 20
#define POOL_REFRESH_RETRY_MIN 1   /* seconds before a failed key refresh is retried */
#define POOL_REFRESH_RETRY_MAX 300 /* ... doubling up to this */
#define POOL_SENDER_RETRY_MAX 60   /* seconds: a sender that keeps dying waits at most this */
/* Old workers still finishing their request after reloads, at most. */
#define POOL_RETIRING_MAX (4 * POOL_MAX_WORKERS)

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t child_flag;
/* SIGHUP: in the supervisor, reload; in a worker, finish and exit. */
static volatile sig_atomic_t hup_flag;

static const char *const pool_names[POOL__MAX] = {
	[POOL_CITIZEN] = "citizen", [POOL_ADMIN] = "admin", [POOL_DEVIDP] = "devidp"};

const char *pool_name(enum pool_kind p)
{
	return (unsigned)p < POOL__MAX ? pool_names[p] : "?";
}

/* Workers and supervisor take the signal only inside their wait (epoll_pwait
 * or pselect), so a request in hand is finished before the flag is seen. */
static void on_term(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child_flag = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	hup_flag = 1;
}

int pool_config_check(const struct kp_config *cfg, enum pool_kind p, char *err, size_t errlen)
{
	bool citizen = p == POOL_CITIZEN, dev = cfg->dev_idp_dir != NULL && *cfg->dev_idp_dir != '\0';
	const struct {
		const char *key, *value, *what;
	} want[] = {
		{citizen ? "citizen_issuer" : "staff_issuer",
		 citizen ? cfg->citizen_issuer : cfg->staff_issuer, "issuer"},
		{citizen ? "citizen_audience" : "staff_audience",
		 citizen ? cfg->citizen_audience : cfg->staff_audience, "audience"},
		{citizen ? "citizen_jwks" : "staff_jwks", citizen ? cfg->citizen_jwks : cfg->staff_jwks,
		 "JWKS file"},
	};
	const size_t jwks = 2;
	const struct kp_config_oidc *o = citizen ? &cfg->citizen_oidc : &cfg->staff_oidc;
	struct token_keyset ks;
	struct kp_keys keys;
	struct oidc_rp rp;
	char why[512];
	size_t i, n = sizeof(want) / sizeof(want[0]);
	int rc;

	if (p == POOL_CITIZEN && outbox_config_check(cfg, err, errlen) != 0) {
		config_locate(cfg, err, errlen);
		return -1;
	}
	if (p == POOL_DEVIDP) {
		if (dev)
			return 0;
		snprintf(err, errlen, "the dev identity provider is off (dev_idp_dir is empty)");
		return -1;
	}
	/* The master keys, which every worker loads: a wrong one stops the
	 * start, not each worker in turn. The current one alone first, so
	 * that the message names the key that is wrong. */
	if (cfg->keys_file == NULL || *cfg->keys_file == '\0') {
		snprintf(err, errlen, "keys_file: is required for the %s pool", pool_name(p));
		config_locate(cfg, err, errlen);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (kp_keys_load(&keys, cfg->keys_file, i == 0 ? NULL : cfg->keys_old_files, why,
		                 sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", i == 0 ? "keys_file" : "keys_old_files", why);
			config_locate(cfg, err, errlen);
			return -1;
		}
		kp_keys_wipe(&keys);
	}
	/* The code flow: the keys come from the broker's discovery, fetched
	 * by the refresh job; its configuration is checked here instead. */
	if (o->discovery != NULL && *o->discovery != '\0') {
		n = jwks;
		rc = oidc_rp_init(&rp, cfg, citizen ? OIDC_CITIZEN : OIDC_STAFF, why, sizeof(why));
		oidc_rp_free(&rp);
		if (rc != 0) {
			snprintf(err, errlen, "the %s pool: %s", pool_name(p), why);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		if (want[i].value == NULL || *want[i].value == '\0') {
			snprintf(err, errlen, "%s: the %s pool needs %s in the config, the identity "
			         "broker's %s%s", cfg->path != NULL ? cfg->path : "config", pool_name(p),
			         want[i].key, want[i].what,
			         dev ? "" : " (dev mode is off: no dev key stands in)");
			return -1;
		}
	if (n > jwks) {
		if (token_keyset_load(&ks, want[jwks].value, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", want[jwks].key, why);
			config_locate(cfg, err, errlen);
			return -1;
		}
		token_keyset_free(&ks);
	}
	return 0;
}

static long long now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* The policy of a side whose broker is configured: its client is the
 * audience, its claim names and level of assurance; min_loa none (staff)
 * needs no loa claim at all. */
static void worker_policy_rp(struct token_policy *pol, const struct oidc_rp *rp)
{
	pol->audience = rp->client_id;
	pol->min_loa = rp->min_loa;
	pol->loa_optional = rp->min_loa == TOKEN_LOA_NONE;
	pol->loa_claim = rp->loa_claim;
	pol->cpr_claim = rp->cpr_claim;
	pol->name_claim = rp->name_claim;
	pol->role_claim = rp->role_claim;
}

static int worker_init(struct worker *w, const struct kp_config *cfg, enum pool_kind pool,
                       struct plan_cache *plans, struct metrics *metrics, const char *run_dir)
{
	char err[256], pers[64];

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->pool = pool;
	snprintf(pers, sizeof(pers), "kaptajn worker %ld", (long)getpid());
	if ((w->rng = rng_new(pers)) == NULL) {
		fprintf(stderr, "worker_init: no random generator\n");
		return -1;
	}
	if ((w->arena = arena_new()) == NULL || (w->db = db_new(cfg, false)) == NULL) {
		fprintf(stderr, "worker_init: out of memory\n");
		return -1;
	}
	if (pool == POOL_CITIZEN || pool == POOL_ADMIN) {
		bool citizen = pool == POOL_CITIZEN;
		const char *jwks = citizen ? cfg->citizen_jwks : cfg->staff_jwks;

		if (kp_keys_load(&w->keys, cfg->keys_file, cfg->keys_old_files, err, sizeof(err)) != 0 ||
		    oidc_rp_init(&w->rp, cfg, citizen ? OIDC_CITIZEN : OIDC_STAFF, err,
		                 sizeof(err)) != 0) {
			fprintf(stderr, "worker_init: %s\n", err);
			return -1;
		}
		/* The code flow's keys come from the refresh job's cache, read
		 * before each verification (login_keyset; oidc_rp_init refused
		 * a static file beside it); without it, the static file, which
		 * must hold a usable key. */
		if (!w->rp.enabled && token_keyset_load(&w->keyset, jwks, err, sizeof(err)) != 0) {
			fprintf(stderr, "worker_init: %s\n", err);
			return -1;
		}
		/* Citizen and staff tokens have their own issuer and audience:
		 * a token for one pool is refused by the other. */
		w->policy.issuer = citizen ? cfg->citizen_issuer : cfg->staff_issuer;
		w->policy.audience = citizen ? cfg->citizen_audience : cfg->staff_audience;
		w->policy.min_loa = TOKEN_LOA_SUBSTANTIAL;
		w->policy.want_cpr = citizen;
		w->policy.max_lifetime = 3600;
		if (w->rp.enabled)
			worker_policy_rp(&w->policy, &w->rp);
	}
	/* The supervisor's: shared by the pool's workers, never freed here. */
	w->plans = plans;
	w->metrics = metrics;
	w->run_dir = run_dir;
	/* The connection is made now if it can be, else on first use. */
	if (pool != POOL_DEVIDP)
		db_connect(w->db);
	return 0;
}

static void worker_free(struct worker *w)
{
	db_free(w->db);
	rng_free(w->rng);
	arena_free(w->arena);
	kp_keys_wipe(&w->keys);
	token_keyset_free(&w->keyset);
	oidc_keys_free(&w->okeys);
	oidc_rp_free(&w->rp);
}

static void worker_serve(struct req *r, enum pool_kind pool)
{
	switch (pool) {
	case POOL_CITIZEN:
		route_dispatch(r, citizen_routes, citizen_nroutes);
		break;
	case POOL_ADMIN:
		route_dispatch(r, admin_routes, admin_nroutes);
		break;
	case POOL_DEVIDP:
		route_dispatch(r, devidp_routes, devidp_nroutes);
		break;
	default:
		respond_error(r, KP_ENOTFOUND);
		break;
	}
}

/* An epoll set holding the listening socket, with EPOLLEXCLUSIVE: a queued
 * connection wakes one waiting worker, not every idle one. -1 on error. */
static int worker_poller(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = fd};
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(ep);
		ep = -1;
	}
	return ep;
}

/* Waits until a connection is queued on the (non-blocking) listening
 * socket, with SIGTERM and SIGHUP taken only during the wait. Once
 * stopping, it does not wait: 1 while connections are queued, then 0.
 * Once retired (SIGHUP), 0 at once: the queue is the new workers'. A
 * wake-up that came with the signal is still served (1), so none is lost
 * to a worker that leaves. -1 on an error. */
static int worker_wait(int ep, const sigset_t *unblocked)
{
	struct epoll_event ev;
	int n;

	for (;;) {
		if (hup_flag)
			return 0;
		n = epoll_pwait(ep, &ev, 1, stop_flag ? 0 : -1, unblocked);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

static void worker_main(const struct kp_config *cfg, enum pool_kind pool, int fd,
                        struct plan_cache *plans, struct metrics *metrics, const char *run_dir)
{
	struct sigaction sa;
	sigset_t term, none;
	FCGX_Request fcgx;
	struct worker w;
	struct req r;
	int failures = 0, ep;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigaddset(&term, SIGHUP);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &term, NULL);
	hup_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Sent by the supervisor after a reload: this worker's configuration
	 * is the old one, so it ends after the request in hand. */
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (worker_init(&w, cfg, pool, plans, metrics, run_dir) != 0 ||
	    (ep = worker_poller(fd)) < 0)
		_exit(3);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fcgx, fd, 0) != 0)
		_exit(3);
	for (;;) {
		long long started;
		int rc = worker_wait(ep, &none);

		if (rc == 0)
			break;
		/* The socket is non-blocking: a connection another worker took
		 * first makes accept fail with EAGAIN, and we wait again. */
		if (rc > 0 && (rc = FCGX_Accept_r(&fcgx)) == -EAGAIN)
			continue;
		if (rc < 0) {
			/* A failing accept is not retried in a tight loop; the
			 * supervisor starts a fresh worker after a run of them. */
			if (++failures > 100)
				_exit(4);
			usleep(10000);
			continue;
		}
		failures = 0;
		started = now_us();
		request_read(&r, &w, &fcgx);
		worker_serve(&r, pool);
		respond_send(&r, started);
		/* The connection's errors of this request, into the pool's count. */
		metrics_add(w.metrics, MTR_DB_ERRORS, db_errors(w.db) - w.db_errors);
		w.db_errors = db_errors(w.db);
		json_decref(r.out);
		json_decref(r.body);
		FCGX_Finish_r(&fcgx);
		arena_reset(w.arena);
	}
	FCGX_Free(&fcgx, 1);
	close(ep);
	worker_free(&w);
	_exit(0);
}

/* One worker's place in the pool: its process (0 while it has none), when
 * it started, and when a fork that failed is tried again (0: none due). */
struct slot {
	pid_t pid;
	time_t started;
	long long retry_at_ms;
};

/* What the supervisor keeps. */
struct supervisor {
	const struct kp_config *cfg; /* the caller's, or own after a reload */
	struct kp_config *own;       /* the configuration of the last reload, else NULL */
	pid_t retiring[POOL_RETIRING_MAX]; /* old workers finishing after a reload */
	int nretiring;
	bool refresh_soon;           /* a reload came while the refresh job ran */
	enum pool_kind pool;
	int fd;
	int n;
	struct slot slots[POOL_MAX_WORKERS];
	long backoff_ms;      /* the wait after the last failed fork; 0 after one that worked */
	pid_t purge_pid;      /* the purge job while it runs, else 0 */
	long long purge_at_ms; /* when it is due next; 0: this pool runs none */
	struct plan_cache *plans; /* citizen pool: the workers' shared plan parts */
	struct oidc_rp rp;       /* citizen/admin pool: its side's broker */
	pid_t refresh_pid;       /* the key refresh job while it runs, else 0 */
	long long refresh_at_ms; /* when it is due next; 0: this pool runs none */
	int refresh_retry_s;     /* the wait after the last failed refresh; 0 after one that worked */
	struct metrics *metrics; /* citizen/admin pool: the counters its workers share */
	pid_t sender_pid;        /* citizen pool: the outbox's sender while it runs, else 0 */
	long long sender_at_ms;  /* when it is (re)started; 0: none (no channel configured) */
	long long sender_started_ms; /* when the running one started */
	int sender_retry_s;      /* the wait after the last sender that died young */
	bool sender_soon;        /* a reload came: start a new one once the old has ended */
	char run_dir[4096];      /* the socket's directory */
	char metrics_path[4096]; /* <run_dir>/<pool>.metrics */
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The workers running now, into the pool's counters. */
static void slots_count(struct supervisor *s)
{
	int i, alive = 0;

	for (i = 0; i < s->n; i++)
		alive += s->slots[i].pid > 0;
	metrics_set(s->metrics, MTG_WORKERS_ALIVE, alive);
}

/* Forks the worker of slot i. A failed fork (a process or memory limit)
 * keeps the slot: it is tried again after a back-off that grows while
 * forks keep failing and starts over once one works. */
static void slot_fill(struct supervisor *s, int i)
{
	struct slot *sl = &s->slots[i];
	pid_t pid = fork();

	if (pid == 0)
		worker_main(s->cfg, s->pool, s->fd, s->plans, s->metrics, s->run_dir);
	if (pid > 0) {
		sl->pid = pid;
		sl->started = time(NULL);
		sl->retry_at_ms = 0;
		s->backoff_ms = 0;
		slots_count(s);
		return;
	}
	s->backoff_ms = backoff_next(s->backoff_ms);
	sl->pid = 0;
	sl->retry_at_ms = mono_ms() + s->backoff_ms;
	fprintf(stderr, "pool %s: fork failed (%s); worker slot %d retried in %ld ms\n",
	        pool_name(s->pool), strerror(errno), i, s->backoff_ms);
}

/* Forks the workers whose retry is due. Returns the milliseconds until the
 * next retry still pending, or -1 when none is. */
static long long slots_retry(struct supervisor *s)
{
	long long now = mono_ms(), next = -1;
	int i;

	for (i = 0; i < s->n; i++) {
		struct slot *sl = &s->slots[i];

		if (sl->pid != 0 || sl->retry_at_ms == 0)
			continue;
		if (sl->retry_at_ms <= now)
			slot_fill(s, i);
		if (sl->pid == 0 && (next < 0 || sl->retry_at_ms - now < next))
			next = sl->retry_at_ms > now ? sl->retry_at_ms - now : 0;
	}
	return next;
}

/* A job's start in its child: the socket is the workers' only, and the
 * supervisor's signal handling goes (a SIGTERM ends the job at once; a
 * reload lets it finish). */
static void job_start(int fd)
{
	struct sigaction sa;
	sigset_t none;

	close(fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The purge job, in a child of the supervisor: deletes what no login or
 * session needs any more (session_purge), says what went, and exits. A
 * SIGTERM from the draining supervisor ends it at once. */
static void purge_main(const struct kp_config *cfg, enum pool_kind pool, int fd)
{
	long long tokens = 0, sessions = 0;
	enum kp_err err = KP_EUNAVAIL;
	struct db *db;

	job_start(fd);
	if ((db = db_new(cfg, false)) != NULL && (err = db_connect(db)) == KP_OK)
		err = session_purge(db, time(NULL), &tokens, &sessions);
	if (err != KP_OK)
		fprintf(stderr, "pool %s: purge failed: %s\n", pool_name(pool), kp_strerror(err));
	else if (tokens > 0 || sessions > 0)
		fprintf(stderr, "pool %s: purged %lld used token ids and %lld sessions\n",
		        pool_name(pool), tokens, sessions);
	db_free(db);
	_exit(err == KP_OK ? 0 : 1);
}

/* Starts the purge job when it is due, unless the last one still runs.
 * Returns the milliseconds until it is due next, or -1 when this pool
 * runs none. */
static long long purge_due(struct supervisor *s)
{
	long long now;
	pid_t pid;

	if (s->purge_at_ms == 0)
		return -1;
	now = mono_ms();
	if (now < s->purge_at_ms)
		return s->purge_at_ms - now;
	s->purge_at_ms = now + (long long)s->cfg->purge_interval * 1000;
	if (s->purge_pid == 0) {
		if ((pid = fork()) == 0)
			purge_main(s->cfg, s->pool, s->fd);
		if (pid > 0)
			s->purge_pid = pid;
		else
			fprintf(stderr, "pool %s: purge: fork failed (%s); next in %d s\n",
			        pool_name(s->pool), strerror(errno), s->cfg->purge_interval);
	}
	return s->purge_at_ms - now;
}

/* The refresh job, in a child of the supervisor: fetches the broker's
 * discovery document and keys into the cache (oidc_refresh), says how it
 * went in one line, and exits 0 when it worked. */
static void refresh_main(const struct supervisor *s)
{
	struct token_keyset ks;
	char err[512];
	int rc;

	job_start(s->fd);
	memset(&ks, 0, sizeof(ks));
	if ((rc = oidc_refresh(&s->rp, err, sizeof(err))) == 0 &&
	    (rc = token_keyset_load(&ks, s->rp.jwks_path, err, sizeof(err))) == 0)
		fprintf(stderr, "pool %s: broker keys refreshed (%zu keys)\n", pool_name(s->pool),
		        ks.n);
	else
		fprintf(stderr, "pool %s: broker keys not refreshed: %s\n", pool_name(s->pool), err);
	token_keyset_free(&ks);
	_exit(rc == 0 ? 0 : 1);
}

/* Starts the refresh job when it is due, unless it still runs (its end
 * sets the next time: refresh_done). Returns the milliseconds until it is
 * due, or -1 when this pool runs none or it is running. */
static long long refresh_due(struct supervisor *s)
{
	long long now;
	pid_t pid;

	if (s->refresh_at_ms == 0 || s->refresh_pid != 0)
		return -1;
	now = mono_ms();
	if (now < s->refresh_at_ms)
		return s->refresh_at_ms - now;
	if ((pid = fork()) == 0)
		refresh_main(s);
	if (pid > 0) {
		s->refresh_pid = pid;
		return -1;
	}
	fprintf(stderr, "pool %s: key refresh: fork failed (%s); next in %d s\n",
	        pool_name(s->pool), strerror(errno), POOL_REFRESH_RETRY_MIN);
	s->refresh_at_ms = now + POOL_REFRESH_RETRY_MIN * 1000LL;
	return POOL_REFRESH_RETRY_MIN * 1000LL;
}

/* The refresh job ended: the next one comes after oidc_refresh seconds
 * when it worked, else after 1 s, doubling while it fails, at most 300 s
 * (the first try at start may come before nginx or the broker answers). */
static void refresh_done(struct supervisor *s, int status)
{
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	s->refresh_pid = 0;
	metrics_add(s->metrics, ok ? MTR_REFRESH_OK : MTR_REFRESH_FAILED, 1);
	if (ok)
		metrics_set(s->metrics, MTG_KEYS_AT, (long long)time(NULL));
	if (WIFSIGNALED(status))
		fprintf(stderr, "pool %s: key refresh job died of signal %d\n", pool_name(s->pool),
		        WTERMSIG(status));
	/* A reload came meanwhile: fetch with the new configuration now,
	 * or not at all when its side has no broker. */
	if (s->refresh_soon || !s->rp.enabled) {
		s->refresh_soon = false;
		s->refresh_retry_s = 0;
		s->refresh_at_ms = s->rp.enabled ? mono_ms() : 0;
		return;
	}
	if (ok) {
		s->refresh_retry_s = 0;
		s->refresh_at_ms = mono_ms() + (long long)s->cfg->oidc_refresh * 1000;
		return;
	}
	s->refresh_retry_s = s->refresh_retry_s == 0 ? POOL_REFRESH_RETRY_MIN
	                                             : s->refresh_retry_s * 2;
	if (s->refresh_retry_s > POOL_REFRESH_RETRY_MAX)
		s->refresh_retry_s = POOL_REFRESH_RETRY_MAX;
	s->refresh_at_ms = mono_ms() + (long long)s->refresh_retry_s * 1000;
	fprintf(stderr, "pool %s: key refresh retried in %d s\n", pool_name(s->pool),
	        s->refresh_retry_s);
}

/* The outbox's sender, in a child of the citizen pool's supervisor: rounds
 * of outbox_round every outbox_poll seconds until SIGTERM, which it takes
 * between deliveries (one in hand is finished, within outbox_timeout),
 * so that no claim is left behind. Its results go to the pool's counters. */
static void sender_main(const struct supervisor *s)
{
	static const enum metrics_counter by_result[OUTBOX_RESULT__MAX] = {
		[OUTBOX_SENT] = MTR_OUTBOX_SENT, [OUTBOX_RETRY] = MTR_OUTBOX_RETRY,
		[OUTBOX_UNKNOWN] = MTR_OUTBOX_UNKNOWN, [OUTBOX_FAILED] = MTR_OUTBOX_FAILED,
		[OUTBOX_HELD] = MTR_OUTBOX_HELD};
	struct outbox_sender *out;
	struct outbox_round round;
	struct sigaction sa;
	char err[512];
	enum kp_err rc;
	int i;

	job_start(s->fd);
	stop_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((out = outbox_sender_new(s->cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pool %s: outbox sender: %s\n", pool_name(s->pool), err);
		_exit(1);
	}
	while (!stop_flag) {
		struct timespec ts = {s->cfg->outbox_poll, 0};

		if ((rc = outbox_round(out, &stop_flag, &round)) != KP_OK)
			fprintf(stderr, "pool %s: outbox round: %s\n", pool_name(s->pool),
			        kp_strerror(rc));
		for (i = 0; i < OUTBOX_RESULT__MAX; i++)
			metrics_add(s->metrics, by_result[i], (unsigned long long)round.results[i]);
		if (round.counted) {
			metrics_set(s->metrics, MTG_OUTBOX_PENDING, round.counts[OX_PENDING]);
			metrics_set(s->metrics, MTG_OUTBOX_SENDING, round.counts[OX_SENDING]);
			metrics_set(s->metrics, MTG_OUTBOX_SENT, round.counts[OX_SENT]);
			metrics_set(s->metrics, MTG_OUTBOX_UNKNOWN, round.counts[OX_UNKNOWN]);
			metrics_set(s->metrics, MTG_OUTBOX_FAILED, round.counts[OX_FAILED]);
			metrics_set(s->metrics, MTG_OUTBOX_HELD, round.counts[OX_HELD]);
			metrics_set(s->metrics, MTG_OUTBOX_AT, (long long)time(NULL));
		}
		/* A signal ends the wait early. */
		if (!stop_flag)
			nanosleep(&ts, NULL);
	}
	outbox_sender_free(out);
	_exit(0);
}

/* Starts the sender when it is due and none runs. Returns the
 * milliseconds until it is due, or -1 when none is (running, or none
 * configured). */
static long long sender_due(struct supervisor *s)
{
	long long now;
	pid_t pid;

	if (s->sender_at_ms == 0 || s->sender_pid != 0)
		return -1;
	now = mono_ms();
	if (now < s->sender_at_ms)
		return s->sender_at_ms - now;
	if ((pid = fork()) == 0)
		sender_main(s);
	if (pid > 0) {
		s->sender_pid = pid;
		s->sender_started_ms = now;
		return -1;
	}
	fprintf(stderr, "pool %s: outbox sender: fork failed (%s); next in 1 s\n",
	        pool_name(s->pool), strerror(errno));
	s->sender_at_ms = now + 1000;
	return 1000;
}

/* The sender ended: after a reload at once (with the new configuration,
 * or none when it turns every channel off); else it is started again, at
 * once when it had run a while, else after 1 s doubling up to 60 s. */
static void sender_done(struct supervisor *s, int status)
{
	long long now = mono_ms();

	s->sender_pid = 0;
	if (s->sender_soon || !outbox_enabled(s->cfg)) {
		s->sender_soon = false;
		s->sender_retry_s = 0;
		s->sender_at_ms = outbox_enabled(s->cfg) ? now : 0;
		return;
	}
	if (now - s->sender_started_ms > 60000)
		s->sender_retry_s = 0;
	s->sender_retry_s = s->sender_retry_s == 0 ? 1 : s->sender_retry_s * 2;
	if (s->sender_retry_s > POOL_SENDER_RETRY_MAX)
		s->sender_retry_s = POOL_SENDER_RETRY_MAX;
	s->sender_at_ms = now + (long long)s->sender_retry_s * 1000;
	if (WIFSIGNALED(status))
		fprintf(stderr, "pool %s: outbox sender died of signal %d; restarted in %d s\n",
		        pool_name(s->pool), WTERMSIG(status), s->sender_retry_s);
	else
		fprintf(stderr, "pool %s: outbox sender exited %d; restarted in %d s\n",
		        pool_name(s->pool), WEXITSTATUS(status), s->sender_retry_s);
}

/* The sooner of two waits in milliseconds, where -1 is none. */
static long long sooner(long long a, long long b)
{
	if (a < 0)
		return b;
	return b >= 0 && b < a ? b : a;
}

/* Waits for a signal, or at most ms milliseconds (none: ms < 0), with the
 * blocked signals let in only during the wait. */
static void supervisor_wait(long long ms, const sigset_t *unblocked)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	pselect(0, NULL, NULL, NULL, ms < 0 ? NULL : &ts, unblocked);
}

/* The pool's side of the login from cfg (citizen and admin pools; the
 * dev IdP's pool has none). 0, or -1 with err set. */
static int supervisor_rp(struct oidc_rp *rp, const struct kp_config *cfg, enum pool_kind pool,
                         char *err, size_t errlen)
{
	memset(rp, 0, sizeof(*rp));
	if (pool != POOL_CITIZEN && pool != POOL_ADMIN)
		return 0;
	if (oidc_rp_init(rp, cfg, pool == POOL_CITIZEN ? OIDC_CITIZEN : OIDC_STAFF, err, errlen) != 0)
		return -1;
	if (rp->enabled && oidc_global_init() != 0) {
		snprintf(err, errlen, "libcurl failed to start");
		return -1;
	}
	return 0;
}

/* SIGHUP: reads the configuration file again and checks it as a start
 * would (pool_config_check, the pool's side of the login). A file that
 * fails leaves everything as it was. One that passes replaces the
 * configuration; each worker is replaced by a fresh one first, then told
 * (SIGHUP) to finish the request in hand and exit. */
static void supervisor_reload(struct supervisor *s)
{
	const char *name = pool_name(s->pool);
	struct kp_config *cfg = NULL, *old = s->own;
	struct oidc_rp rp;
	char err[1024];
	int i, busy = 0;

	memset(&rp, 0, sizeof(rp));
	for (i = 0; i < s->n; i++)
		busy += s->slots[i].pid > 0;
	if (s->cfg->path == NULL)
		snprintf(err, sizeof(err), "the configuration was not read from a file");
	else if (s->nretiring + busy > POOL_RETIRING_MAX)
		snprintf(err, sizeof(err), "the workers of earlier reloads are still finishing");
	else if ((cfg = malloc(sizeof(*cfg))) == NULL)
		snprintf(err, sizeof(err), "out of memory");
	else if (config_load(cfg, s->cfg->path, err, sizeof(err)) != 0) {
		free(cfg);
		cfg = NULL;
	} else if (pool_config_check(cfg, s->pool, err, sizeof(err)) != 0 ||
	           supervisor_rp(&rp, cfg, s->pool, err, sizeof(err)) != 0) {
		oidc_rp_free(&rp);
		config_free(cfg);
		free(cfg);
		cfg = NULL;
	}
	if (cfg == NULL) {
		fprintf(stderr, "pool %s: reload refused, still on the old configuration: %s\n", name,
		        err);
		return;
	}
	/* The supervisor's side of the login points into its configuration:
	 * both go together. */
	oidc_rp_free(&s->rp);
	s->rp = rp;
	s->cfg = cfg;
	s->own = cfg;
	if (old != NULL) {
		config_free(old);
		free(old);
	}
	for (i = 0; i < s->n; i++) {
		pid_t was = s->slots[i].pid;

		s->slots[i].pid = 0;
		slot_fill(s, i);
		if (was > 0) {
			s->retiring[s->nretiring++] = was;
			kill(was, SIGHUP);
		}
	}
	if (s->pool == POOL_CITIZEN)
		s->purge_at_ms = cfg->purge_interval > 0
		                         ? mono_ms() + (long long)cfg->purge_interval * 1000 : 0;
	if (s->refresh_pid != 0)
		s->refresh_soon = true;
	else
		s->refresh_at_ms = s->rp.enabled ? mono_ms() : 0;
	s->refresh_retry_s = 0;
	/* The sender reads its configuration at start: a new one for it. */
	if (s->pool == POOL_CITIZEN) {
		if (s->sender_pid != 0) {
			s->sender_soon = true;
			kill(s->sender_pid, SIGTERM);
		} else {
			s->sender_at_ms = outbox_enabled(cfg) ? mono_ms() : 0;
		}
	}
	fprintf(stderr, "pool %s: configuration reloaded from %s; %d workers replaced\n", name,
	        cfg->path, s->n);
}

/* A retired worker (one that a reload replaced) ended: true when pid was
 * one, now forgotten. */
static bool retired_reap(struct supervisor *s, pid_t pid, int status)
{
	int i;

	for (i = 0; i < s->nretiring; i++)
		if (s->retiring[i] == pid)
			break;
	if (i == s->nretiring)
		return false;
	s->retiring[i] = s->retiring[--s->nretiring];
	if (WIFSIGNALED(status))
		fprintf(stderr, "pool %s: retired worker %ld died of signal %d\n", pool_name(s->pool),
		        (long)pid, WTERMSIG(status));
	return true;
}

static int write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "we")) == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* The run directory (the socket's) and, for the citizen and admin pools,
 * their counters' file in it: <run>/<pool>.metrics. 0, or -1 logged. */
static int pool_metrics_open(struct supervisor *s, const char *socket_path)
{
	const char *slash = strrchr(socket_path, '/');
	char err[512];
	int n;

	if (slash == NULL)
		n = snprintf(s->run_dir, sizeof(s->run_dir), ".");
	else if (slash == socket_path)
		n = snprintf(s->run_dir, sizeof(s->run_dir), "/");
	else
		n = snprintf(s->run_dir, sizeof(s->run_dir), "%.*s", (int)(slash - socket_path),
		             socket_path);
	if (s->pool != POOL_CITIZEN && s->pool != POOL_ADMIN)
		return 0;
	if (n < 0 || (size_t)snprintf(s->metrics_path, sizeof(s->metrics_path), "%s/%s.metrics",
	                              s->run_dir, pool_name(s->pool)) >= sizeof(s->metrics_path)) {
		fprintf(stderr, "pool %s: the run directory's path is too long\n", pool_name(s->pool));
		return -1;
	}
	s->metrics = s->pool == POOL_CITIZEN
	             ? metrics_create(s->metrics_path, s->pool, citizen_routes, citizen_nroutes, err,
	                              sizeof(err))
	             : metrics_create(s->metrics_path, s->pool, admin_routes, admin_nroutes, err,
	                              sizeof(err));
	if (s->metrics == NULL) {
		fprintf(stderr, "pool %s: %s\n", pool_name(s->pool), err);
		return -1;
	}
	metrics_set(s->metrics, MTG_WORKERS_CONFIGURED, s->n);
	return 0;
}

/* Tells systemd (Type=notify, $NOTIFY_SOCKET) that the pool listens: a
 * start or restart then returns only once nginx can reach the socket, so
 * an upgrade's "systemctl restart" ends with the service answering. The
 * protocol is one datagram; without $NOTIFY_SOCKET nothing is sent. */
static void notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	char msg[64];
	size_t len;
	int fd, n;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sa.sun_path))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* an abstract socket */
	n = snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%ld", (long)getpid());
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	           (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		fprintf(stderr, "pool: telling systemd we are ready failed: %s\n", strerror(errno));
	close(fd);
}

int pool_run(const struct kp_config *cfg, enum pool_kind pool, const char *socket_path,
             int workers, const char *pidfile)
{
	struct supervisor s;
	struct sigaction sa;
	sigset_t block, empty;
	pid_t all[POOL_MAX_WORKERS + POOL_RETIRING_MAX];
	char err[1024];
	int fd, i, alive, nall = 0;
	time_t deadline;

	if (workers < 1 || workers > POOL_MAX_WORKERS) {
		fprintf(stderr, "pool: workers must be 1..%d\n", POOL_MAX_WORKERS);
		return 2;
	}
	if (!respond_outcomes_check())
		return 1;
	/* The pool's side of the login: a wrong key refuses the start. */
	memset(&s, 0, sizeof(s));
	if (supervisor_rp(&s.rp, cfg, pool, err, sizeof(err)) != 0) {
		fprintf(stderr, "pool %s: %s\n", pool_name(pool), err);
		oidc_rp_free(&s.rp);
		return 1;
	}
	unlink(socket_path);
	/* Only nginx may reach the socket: libfcgi trusts what it reads. */
	{
		mode_t old = umask(0117);

		fd = FCGX_OpenSocket(socket_path, 128);
		umask(old);
	}
	if (fd < 0 || chmod(socket_path, 0660) != 0) {
		fprintf(stderr, "pool: cannot listen on %s\n", socket_path);
		oidc_rp_free(&s.rp);
		return 1;
	}
	/* nginx reaches the socket through its group (socket_group). */
	if (cfg->socket_group != NULL && *cfg->socket_group != '\0') {
		struct group *g = getgrnam(cfg->socket_group);

		if (g == NULL || chown(socket_path, (uid_t)-1, g->gr_gid) != 0) {
			snprintf(err, sizeof(err), "socket_group: cannot give %s to group %s: %s",
			         socket_path, cfg->socket_group, g == NULL ? "no such group" : strerror(errno));
			config_locate(cfg, err, sizeof(err));
			fprintf(stderr, "pool %s: %s\n", pool_name(pool), err);
			close(fd);
			unlink(socket_path);
			oidc_rp_free(&s.rp);
			return 1;
		}
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Workers wait in epoll_pwait() and accept without blocking (worker_wait). */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (pidfile != NULL && write_pidfile(pidfile) != 0) {
		fprintf(stderr, "pool: cannot write %s\n", pidfile);
		oidc_rp_free(&s.rp);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Signals are taken only inside supervisor_wait(), so none is lost
	 * between a check and the wait. */
	sigemptyset(&empty);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);

	fprintf(stderr, "pool %s: %d workers on %s\n", pool_name(pool), workers, socket_path);
	s.cfg = cfg;
	s.pool = pool;
	s.fd = fd;
	s.n = workers;
	/* Mapped before the first fork, so every worker shares it. */
	if (pool == POOL_CITIZEN && (s.plans = plan_cache_new()) == NULL) {
		fprintf(stderr, "pool: cannot map the plan cache\n");
		close(fd);
		oidc_rp_free(&s.rp);
		return 1;
	}
	/* The counters' file beside the socket, made before the first fork
	 * too; the citizen pool's GET /metrics reads both pools' files. */
	if (pool_metrics_open(&s, socket_path) != 0) {
		plan_cache_free(s.plans);
		close(fd);
		oidc_rp_free(&s.rp);
		return 1;
	}
	/* One pool per host purges: the citizen pool, which every host runs. */
	if (pool == POOL_CITIZEN && cfg->purge_interval > 0)
		s.purge_at_ms = mono_ms() + (long long)cfg->purge_interval * 1000;
	/* The broker's keys are fetched at once, then every oidc_refresh s. */
	if (s.rp.enabled)
		s.refresh_at_ms = mono_ms();
	/* One outbox sender per host, under the citizen pool, which every
	 * host runs; hosts share the outbox safely (outbox.h). */
	if (pool == POOL_CITIZEN && outbox_enabled(cfg))
		s.sender_at_ms = mono_ms();
	for (i = 0; i < workers; i++)
		slot_fill(&s, i);
	notify_ready();
	while (!stop_flag) {
		long long wait_ms;
		pid_t pid;
		int status;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == s.purge_pid) {
				s.purge_pid = 0;
				if (WIFSIGNALED(status))
					fprintf(stderr, "pool %s: purge job died of signal %d\n",
					        pool_name(pool), WTERMSIG(status));
				continue;
			}
			if (pid == s.refresh_pid) {
				refresh_done(&s, status);
				continue;
			}
			if (pid == s.sender_pid) {
				sender_done(&s, status);
				continue;
			}
			if (retired_reap(&s, pid, status))
				continue;
			for (i = 0; i < workers; i++)
				if (s.slots[i].pid == pid)
					break;
			if (i == workers)
				continue;
			if (WIFSIGNALED(status))
				fprintf(stderr, "pool %s: worker %ld died of signal %d; respawning\n",
				        pool_name(pool), (long)pid, WTERMSIG(status));
			else
				fprintf(stderr, "pool %s: worker %ld exited %d; respawning\n",
				        pool_name(pool), (long)pid, WEXITSTATUS(status));
			s.slots[i].pid = 0;
			slots_count(&s);
			if (stop_flag)
				break;
			metrics_add(s.metrics, MTR_RESPAWNS, 1);
			/* A worker that dies at once (bad keys, say) is not
			 * respawned in a tight loop. */
			if (time(NULL) - s.slots[i].started < 1)
				sleep(1);
			slot_fill(&s, i);
		}
		if (hup_flag && !stop_flag) {
			hup_flag = 0;
			supervisor_reload(&s);
		}
		wait_ms = sooner(sooner(slots_retry(&s), purge_due(&s)),
		                 sooner(refresh_due(&s), sender_due(&s)));
		child_flag = 0;
		if (!stop_flag)
			supervisor_wait(wait_ms, &empty);
	}

	fprintf(stderr, "pool %s: draining\n", pool_name(pool));
	/* No new connection can come; the queued ones stay for the workers,
	 * which hold the socket open until they have served them. */
	unlink(socket_path);
	close(fd);
	for (i = 0; i < workers; i++)
		if (s.slots[i].pid > 0)
			all[nall++] = s.slots[i].pid;
	for (i = 0; i < s.nretiring; i++)
		all[nall++] = s.retiring[i];
	for (i = 0; i < nall; i++)
		kill(all[i], SIGTERM);
	/* A purge cut short loses nothing: each statement commits alone. */
	if (s.purge_pid > 0) {
		kill(s.purge_pid, SIGTERM);
		waitpid(s.purge_pid, NULL, 0);
	}
	if (s.refresh_pid > 0) {
		kill(s.refresh_pid, SIGTERM);
		waitpid(s.refresh_pid, NULL, 0);
	}
	/* The sender ends after the delivery in hand (at most outbox_timeout). */
	if (s.sender_pid > 0) {
		kill(s.sender_pid, SIGTERM);
		waitpid(s.sender_pid, NULL, 0);
	}
	deadline = time(NULL) + POOL_DRAIN_SECONDS;
	do {
		alive = 0;
		for (i = 0; i < nall; i++) {
			if (all[i] <= 0)
				continue;
			if (waitpid(all[i], NULL, WNOHANG) == all[i])
				all[i] = 0;
			else
				alive++;
		}
		if (alive > 0)
			usleep(20000);
	} while (alive > 0 && time(NULL) < deadline);
	for (i = 0; i < nall; i++)
		if (all[i] > 0) {
			kill(all[i], SIGKILL);
			waitpid(all[i], NULL, 0);
		}
	if (pidfile != NULL)
		unlink(pidfile);
	plan_cache_free(s.plans);
	metrics_close(s.metrics, s.metrics_path);
	oidc_rp_free(&s.rp);
	if (s.own != NULL) {
		config_free(s.own);
		free(s.own);
	}
	fprintf(stderr, "pool %s: stopped\n", pool_name(pool));
	return 0;
}
