/* internal.h: what the files of the FastCGI front share: the worker, the
 * request, the route table and the response writers. */
#ifndef KP_FCGI_INTERNAL_H
#define KP_FCGI_INTERNAL_H

#include <stdbool.h>
#include <time.h>

#include <fcgiapp.h>
#include <jansson.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "kp.h"
#include "oidc.h"
#include "page.h"
#include "session.h"
#include "token.h"
#include "validate.h"

struct plan_want; /* plan.h */

#define REQ_BODY_MAX (64 * 1024)

enum pool_kind { POOL_CITIZEN, POOL_ADMIN, POOL_DEVIDP, POOL__MAX };

/* One worker process: its connection, its random generator, its keys. */
struct worker {
	const struct kp_config *cfg;
	enum pool_kind pool;
	struct db *db;
	struct rng *rng;
	struct kp_keys keys;
	struct token_keyset keyset;  /* the static *_jwks, when the code flow is off */
	struct token_policy policy;
	struct oidc_rp rp;           /* the pool's side as a relying party */
	struct oidc_keys okeys;      /* code flow: the cached JWKS (login_keyset) */
	struct arena *arena;
	struct plan_cache *plans;  /* citizen pool: kept parts of plan answers, shared */
	struct metrics *metrics;   /* the pool's counters, shared (NULL: none, dev IdP) */
	const char *run_dir;       /* the socket's directory, where the counters' files are */
	unsigned long long db_errors; /* db_errors() of the connection, as counted so far */
};

enum http_method { M_GET, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD, M_OTHER, M__MAX };

#define REQ_MAX_HEADERS 6

/* One request; everything in it lives in the worker's arena and is
 * released after the response. */
struct req {
	struct worker *w;
	struct arena *a;
	FCGX_Request *fcgx;
	time_t now;
	enum http_method method;
	const char *method_name;
	const char *path;
	const char *query;
	const char *request_id;
	long long ids[2];          /* {id} path parameters, in order */
	size_t nids;
	json_t *body;              /* parsed JSON body, for routes that take one */
	const char *raw_body;      /* the bytes, for form bodies */
	size_t raw_len;
	struct session sess;       /* for routes that need a session */
	bool plan_kept;            /* the plan answer came from memory (the access line) */
	const struct route *route; /* the route found, or NULL */
	int route_row;             /* its row in the pool's table; -1: none */
	/* The answer. */
	int status;
	json_t *out;               /* JSON body, or NULL */
	const char *text;          /* or a text body with text_type */
	const char *text_type;
	const char *headers[REQ_MAX_HEADERS];
	size_t nheaders;
	struct kp_fail fail;
};

typedef enum kp_err (*handler_fn)(struct req *r);

/* Route flags. */
#define R_SESSION 0x1  /* needs a live session of the pool's kind */
#define R_NO_CSRF 0x2  /* an unsafe method that needs no CSRF token (login) */
#define R_JSON 0x4     /* takes a JSON body checked against body[] */
#define R_FORM 0x8     /* takes a form body (dev IdP) */
#define R_CASEWORKER 0x10 /* staff: only a coordinating caseworker or leader (403 otherwise) */
/* citizen: the citizen's data, only once consent was given (403
 * consent_required before); R_CHANGE also refuses while the plan is frozen
 * (409 plan_frozen), see consent.h */
#define R_CONSENT 0x20
#define R_CHANGE (0x40 | R_CONSENT)
#define R_LEADER 0x80     /* staff: only a team leader (403 leader_only otherwise) */
#define R_DEV 0x100       /* dev mode only (dev_idp_dir set): 404 otherwise, as an unknown path */

struct route {
	enum http_method method;
	const char *pattern;       /* "/api/v1/plan/dreams/{id}" */
	handler_fn fn;
	unsigned flags;
	const struct vfield *body;
	size_t nbody;
};

/* Route tables: each pool has its own and none other. */
extern const struct route citizen_routes[];
extern const size_t citizen_nroutes;
extern const struct route admin_routes[];
extern const size_t admin_nroutes;
extern const struct route devidp_routes[];
extern const size_t devidp_nroutes;

/* request.c */
/* Reads the request from libfcgi into r (all copied into the arena). */
void request_read(struct req *r, struct worker *w, FCGX_Request *fcgx);
/* A parameter of the request (copied), or NULL. */
const char *request_param(struct req *r, const char *name);
/* Reads and checks the body for a route: media type (415), size (413),
 * JSON (400) and its validator. */
enum kp_err request_body(struct req *r, const struct route *rt);
/* The versions an If-Match header allows (RFC 9110 §13.1.1), its list in
 * the request's arena: any when absent or "*"; the "N" of a list of
 * entity-tags (weak ones too), none when no tag names a version, so that
 * "0" or "abc" is stale; KP_EINVAL (bad_if_match) when it is no entity-tag
 * list at all. */
enum kp_err request_if_match(struct req *r, struct plan_want *want);
/* A form field of an x-www-form-urlencoded body, decoded; NULL if absent,
 * "" if it holds an encoded NUL byte. */
const char *request_form(struct req *r, const char *name);

/* The pure parts of reading a request: no libfcgi, no database; the
 * functions above call them, and so do the fuzz harnesses (tests/fuzz/). */
/* The method named by REQUEST_METHOD (M_OTHER for NULL or any other). */
enum http_method request_method(const char *name);
/* The media type check of a route that takes a body: KP_OK, or KP_EMEDIA
 * with f set when ct (CONTENT_TYPE, may be NULL) is not its type. */
enum kp_err request_media_check(const struct route *rt, const char *ct, struct kp_fail *f);
/* CONTENT_LENGTH (NULL or empty: 0) into *len: KP_OK when it is a number
 * from 0 to REQ_BODY_MAX; KP_EINVAL or KP_ETOOBIG with f set otherwise. */
enum kp_err request_content_length(const char *cl, long long *len, struct kp_fail *f);
/* Parses len bytes of raw as JSON into *body (a new reference the caller
 * frees, also when the validator refuses it; NULL when it is not JSON) and
 * checks it against rt's body fields. KP_OK or KP_EINVAL with f set (its
 * message in arena a). */
enum kp_err request_json(struct arena *a, const char *raw, size_t len, const struct route *rt,
                         json_t **body, struct kp_fail *f);
/* An If-Match value (NULL when absent), as request_if_match; the list is
 * in arena a. On KP_EINVAL *want is the empty list. */
enum kp_err request_if_match_parse(struct arena *a, const char *h, struct plan_want *want,
                                   struct kp_fail *f);
/* Finds name=value in an x-www-form-urlencoded string s (may be NULL),
 * decoded into arena a; NULL if absent, "" if it holds an encoded NUL byte. */
const char *request_form_find(struct arena *a, const char *s, const char *name);

/* plan_cache.c: the two parts of citizens' plan answers (plan.h), kept in
 * memory that all citizen workers of a host share, under what proves them
 * current: a plan's dreams and goals under (plan, version), what a citizen
 * sees besides under (citizen, rev). The session query reads both keys
 * from the database on every request, so a kept part is given only while
 * it is what the database holds, whichever host changed it. */
struct plan_cache;
/* Maps the tables, shared with the processes forked after; NULL when that
 * fails. Free with plan_cache_free() (NULL is a no-op). */
struct plan_cache *plan_cache_new(void);
void plan_cache_free(struct plan_cache *pc);
/* A copy (in a) of the kept dreams and goals of plan_id at version, or
 * NULL. */
const char *plan_cache_doc(const struct plan_cache *pc, struct arena *a, long long plan_id,
                           long long version);
/* A copy (in a) of the kept citizen part of citizen_id at rev, or NULL. */
const char *plan_cache_part(const struct plan_cache *pc, struct arena *a, long long citizen_id,
                            long long rev);
/* Keep a copy of text under its key; keeps nothing when it is too long for
 * a slot or another worker is writing that slot (the next read asks the
 * database). */
void plan_cache_put_doc(struct plan_cache *pc, long long plan_id, long long version,
                        const char *text);
void plan_cache_put_part(struct plan_cache *pc, long long citizen_id, long long rev,
                         const char *text);

/* metrics.c: a pool's counters in a file of the run directory
 * (<run>/<pool>.metrics) that its workers share, and GET /metrics. */
struct metrics;
enum metrics_counter {
	MTR_DB_ERRORS, MTR_DB_RETRIES, MTR_RESPAWNS, MTR_PLAN_ANSWERS, MTR_PLAN_KEPT,
	MTR_PLAN_DOC_HITS, MTR_PLAN_DOC_MISSES, MTR_PLAN_PART_HITS, MTR_PLAN_PART_MISSES,
	MTR_REFRESH_OK, MTR_REFRESH_FAILED,
	MTR_OUTBOX_SENT, MTR_OUTBOX_RETRY, MTR_OUTBOX_UNKNOWN, MTR_OUTBOX_FAILED, MTR_OUTBOX_HELD,
	MTR__MAX
};
enum metrics_gauge {
	MTG_WORKERS_CONFIGURED, MTG_WORKERS_ALIVE,
	MTG_KEYS_AT,          /* unix time of the broker keys last fetched; 0: never */
	MTG_SESSIONS_TRIED,   /* unix time the live sessions were last counted (or tried) */
	MTG_SESSIONS_AT,      /* ... last counted; 0: never */
	MTG_SESSIONS_CITIZEN, MTG_SESSIONS_STAFF,
	MTG_OUTBOX_AT,        /* unix time the sender last counted the outbox; 0: never */
	MTG_OUTBOX_PENDING, MTG_OUTBOX_SENDING, MTG_OUTBOX_SENT, MTG_OUTBOX_UNKNOWN,
	MTG_OUTBOX_FAILED, MTG_OUTBOX_HELD, MTG__MAX
};
/* Seconds between two counts of the live sessions in the database. */
#define METRICS_SESSIONS_EVERY 15
/* Makes the pool's counters file at path (zeroed, with table's routes) and
 * maps it shared, before the workers are forked; NULL with err set when
 * that fails. metrics_close() unmaps it and removes path (NULL: keeps it). */
struct metrics *metrics_create(const char *path, enum pool_kind pool, const struct route *table,
                               size_t n, char *err, size_t errlen);
void metrics_close(struct metrics *m, const char *path);
/* The size of a counters file. */
size_t metrics_file_size(void);
/* Maps another pool's file read-only; NULL when it is absent or not a
 * counters file of this layout. Unmap with metrics_unmap (NULL: no-op). */
const struct metrics *metrics_open(const char *path);
void metrics_unmap(const struct metrics *m);
/* Whether the supervisor that made m runs. */
bool metrics_alive(const struct metrics *m);
/* Counts one answered request: its route row (-1: none matched; counted
 * under "unmatched" and its method), status and duration. m NULL: no-op,
 * as for all below. Atomic, no lock. */
void metrics_request(struct metrics *m, int row, enum http_method method, int status,
                     long long dur_us);
void metrics_add(struct metrics *m, enum metrics_counter c, unsigned long long n);
unsigned long long metrics_counter(const struct metrics *m, enum metrics_counter c);
void metrics_set(struct metrics *m, enum metrics_gauge g, long long v);
long long metrics_gauge(const struct metrics *m, enum metrics_gauge g);
/* True for one caller at a time when gauge g (a unix time) is at least
 * every seconds before now: g becomes now. */
bool metrics_claim(struct metrics *m, enum metrics_gauge g, long long now, long long every);
/* s as a Prometheus label value (\\, \" and \n escaped), in a. */
const char *metrics_label_escape(struct arena *a, const char *s);
/* The text format (0.0.4) of n pools' counters, in a: pools[i] may be NULL
 * (only its kaptajn_pool_up, from up[i], is given); the live sessions come
 * from pools[0]. */
const char *metrics_render(struct arena *a, const struct metrics *const *pools,
                           const char *const *pnames, const bool *up, size_t n, time_t now);
enum kp_err h_metrics(struct req *r);

/* route.c */
/* Finds the route of method and path in table: the route, with its {id}
 * parameters in ids and *nids; or NULL with allow (allowcap bytes) holding
 * the methods the path takes ("GET, POST"), empty when none. Pure. */
const struct route *route_find(const struct route *table, size_t n, enum http_method method,
                               const char *path, long long ids[2], size_t *nids, char *allow,
                               size_t allowcap);
/* Finds the route, checks method, session, CSRF and body, runs the
 * handler (again on KP_ERETRY) and fills r's answer. */
void route_dispatch(struct req *r, const struct route *table, size_t n);

/* respond.c */
/* What the client is told of an outcome of core: the HTTP status, the
 * default code and the default message (static strings). */
struct respond_outcome {
	int status;
	const char *code;
	const char *message;
};
/* The answer to err; KP_EINTERNAL's for a value that is no outcome. */
const struct respond_outcome *respond_outcome(enum kp_err err);
/* Whether every outcome up to KP_ERR__MAX has its answer; logs the first
 * that has none. pool_run() refuses to start without. */
bool respond_outcomes_check(void);
/* Sets a JSON answer; steals out. */
void respond_json(struct req *r, int status, json_t *out);
/* Sets a text answer of the given media type; text must outlive the
 * request (the arena). */
void respond_text(struct req *r, int status, const char *type, const char *text);
/* Sets the error answer for err (using r->fail when set). */
void respond_error(struct req *r, enum kp_err err);
/* Adds a header line "Name: value" (copied into the arena). */
void respond_header(struct req *r, const char *name, const char *value);
/* Writes the answer to libfcgi, counts it (metrics.c) and writes one
 * access-log line. */
void respond_send(struct req *r, long long started_us);
/* s as a logfmt value, in a: as it is, or quoted with \\, \" and control
 * bytes escaped when it is empty or holds a space, '=', a quote, a
 * backslash or a control byte. */
const char *respond_logfmt(struct arena *a, const char *s);
/* ETag "N" */
void respond_etag(struct req *r, long long version);

/* pool.c */
/* Runs the supervisor: forks workers on sock and respawns them. */
int pool_run(const struct kp_config *cfg, enum pool_kind pool, const char *socket_path,
             int workers, const char *pidfile);
const char *pool_name(enum pool_kind p);
/* What pool p needs from cfg before any worker is forked (at start and on
 * a reload): the dev IdP's pool needs dev mode; the citizen and admin
 * pools a master key that loads (keys_file), their identity broker's
 * issuer, audience and a JWKS that loads,
 * or with a discovery URL (the code flow) a side oidc_rp_init() accepts.
 * 0, or -1 with err naming the file, the line (when set) and the key. */
int pool_config_check(const struct kp_config *cfg, enum pool_kind p, char *err, size_t errlen);

/* A parameter of the query string, decoded; NULL if absent, "" if it holds
 * an encoded NUL byte. */
const char *request_query(struct req *r, const char *name);
/* Finds cookie name's value in a Cookie header (may be NULL); NULL when
 * absent. The value points into header; *len is its length. Pure. */
const char *request_cookie_find(const char *header, const char *name, size_t *len);

/* paging.c: ?limit= and ?before= of the paged lists, and their "next". */
/* What a list is ordered by, and so what its cursor holds. */
enum paging_key {
	PAGING_ID,   /* an id or version alone */
	PAGING_TIME, /* a time ("YYYY-MM-DD HH:MM:SS.ffffff"), then the id */
	PAGING_NAME, /* a name, then the id */
	PAGING__MAX
};
/* Reads the page asked for into *pg (PAGE_FIRST when neither is given):
 * KP_OK, or KP_EINVAL with r->fail bad_limit (not 1..500) or bad_cursor
 * (not a cursor this server makes for such a list). */
enum kp_err paging_read(struct req *r, enum paging_key key, struct page *pg);
/* Sets "next" on out (the cursor after pg, or null on the last page) and
 * answers 200 with it; steals out. */
enum kp_err paging_respond(struct req *r, json_t *out, enum paging_key key,
                           const struct page *pg);
/* The pure parts, for paging_read and paging_respond: limit and before as
 * the query gave them (NULL when absent), decoded into arena a; and the
 * next cursor in a, NULL when there is no next page. */
enum kp_err paging_parse(struct arena *a, const char *limit, const char *before,
                         enum paging_key key, struct page *pg, struct kp_fail *f);
const char *paging_cursor(struct arena *a, enum paging_key key, const struct page *pg);

/* h_login.c: the OpenID Connect login. */
/* A pool's cookie names and paths: plain, or with the __Host-/__Secure-
 * prefixes when public_url is https. */
struct login_cookies {
	const char *session;      /* the session cookie (HttpOnly, Strict) */
	const char *csrf;         /* the CSRF handoff cookie (Strict, 120 s) */
	const char *login_prefix; /* + the attempt's tag: the pre-login cookie (Lax) */
	const char *path;         /* the session's and the handoff's Path */
	const char *login_path;   /* the pre-login cookie's Path */
};
/* The names of w's pool (static). */
const struct login_cookies *login_cookies(const struct worker *w);
/* The keys ID tokens are verified with: in code-flow mode the cached JWKS
 * (read again when the refresh job replaced it), else the static file read
 * at start. NULL (logged) when the cache has none yet. */
const struct token_keyset *login_keyset(struct worker *w);
/* True when s is a portal path a login may return to: starts with one "/"
 * (staff: with "/admin/"), no "\\", no control character, at most 512
 * bytes. Pure. */
bool login_return_to_ok(const char *s, bool staff);
enum kp_err h_login(struct req *r);
enum kp_err h_login_callback(struct req *r);
enum kp_err h_logout(struct req *r);

/* Handlers. */
enum kp_err h_session_create(struct req *r);
enum kp_err h_session_delete(struct req *r);
/* GET .../session: who the session is ({"citizen": {id, name}} or
 * {"staff": {id, name, role}}); a page that came back from the code flow
 * has only the CSRF token and asks this. */
enum kp_err h_session_get(struct req *r);
enum kp_err h_plan_get(struct req *r);
enum kp_err h_plan_history(struct req *r);
enum kp_err h_plan_accept(struct req *r);
enum kp_err h_plan_acceptance(struct req *r);
enum kp_err h_plan_changes(struct req *r);
enum kp_err h_dream_create(struct req *r);
enum kp_err h_dream_update(struct req *r);
enum kp_err h_dream_delete(struct req *r);
enum kp_err h_contact_get(struct req *r);
enum kp_err h_access_log(struct req *r);
enum kp_err h_progress_add(struct req *r);
enum kp_err h_progress_list(struct req *r);
enum kp_err h_proposal_create(struct req *r);
enum kp_err h_proposal_list(struct req *r);
enum kp_err h_proposal_withdraw(struct req *r);
enum kp_err h_message_list(struct req *r);
enum kp_err h_message_create(struct req *r);
/* GET /api/v1/messages/unread: {"unread"}, reading nothing as read. */
enum kp_err h_message_unread(struct req *r);
enum kp_err h_admin_message_list(struct req *r);
enum kp_err h_admin_message_create(struct req *r);
enum kp_err h_healthz(struct req *r);
enum kp_err h_consent_get(struct req *r);
enum kp_err h_consent_post(struct req *r);
enum kp_err h_notify_get(struct req *r);
enum kp_err h_notify_put(struct req *r);
enum kp_err h_admin_consent_get(struct req *r);
enum kp_err h_admin_session_create(struct req *r);
enum kp_err h_admin_citizens(struct req *r);
enum kp_err h_admin_enrol(struct req *r);
enum kp_err h_admin_plan(struct req *r);
enum kp_err h_admin_audit(struct req *r);
enum kp_err h_admin_not_yet_ack(struct req *r);
enum kp_err h_admin_cpr(struct req *r);
enum kp_err h_admin_goal_create(struct req *r);
enum kp_err h_admin_goal_update(struct req *r);
enum kp_err h_admin_legal_bases(struct req *r);
enum kp_err h_admin_child_related(struct req *r);
enum kp_err h_admin_proposals(struct req *r);
enum kp_err h_admin_proposal_comment(struct req *r);
enum kp_err h_admin_proposal_decision(struct req *r);
enum kp_err h_admin_staff(struct req *r);
enum kp_err h_admin_contact_put(struct req *r);
enum kp_err h_admin_staff_create(struct req *r);
enum kp_err h_admin_staff_patch(struct req *r);
enum kp_err h_admin_caseworker_post(struct req *r);
enum kp_err h_admin_consent(struct req *r);
enum kp_err h_admin_meeting_create(struct req *r);
/* The meeting in a validated body; its strings point into body. Pure. */
struct meeting_in;
void h_admin_meeting_body(const json_t *body, struct meeting_in *in);
enum kp_err h_admin_meeting_list(struct req *r);
/* err as given; an unknown legal basis's message gains where the known
 * ones are listed. */
enum kp_err h_admin_legal_basis_link(struct req *r, enum kp_err err);
enum kp_err h_admin_meeting_held(struct req *r);
enum kp_err h_admin_meeting_minutes(struct req *r);
enum kp_err h_admin_course_end(struct req *r);
enum kp_err h_admin_course_reopen(struct req *r);
enum kp_err h_admin_report_overview(struct req *r);
enum kp_err h_admin_household_create(struct req *r);
enum kp_err h_admin_household(struct req *r);
enum kp_err h_admin_household_child(struct req *r);
enum kp_err h_admin_household_child_export(struct req *r);
enum kp_err h_admin_household_move_out(struct req *r);
enum kp_err h_meeting_list(struct req *r);
/* A point on a meeting's agenda by the session's citizen or staff member
 * (both pools: meeting_point_add tells them apart). */
enum kp_err h_meeting_agenda(struct req *r);
enum kp_err h_meeting_response(struct req *r);
enum kp_err h_meeting_calendar(struct req *r);
enum kp_err h_devidp_token(struct req *r);
enum kp_err h_devidp_jwks(struct req *r);
enum kp_err h_devidp_users(struct req *r);
enum kp_err h_devidp_discovery(struct req *r);
enum kp_err h_devidp_discovery_staff(struct req *r);
enum kp_err h_devidp_authorize(struct req *r);
enum kp_err h_devidp_oauth_token(struct req *r);
enum kp_err h_devidp_logout(struct req *r);

#endif
