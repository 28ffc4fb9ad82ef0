/* kp.h: what every part of Kaptajn shares: the one error enum and the
 * request arena. */
#ifndef KP_H
#define KP_H

#include <stddef.h>
#include <stdint.h>

/* One error enum for the project; KP_OK is 0. Each maps to one HTTP status
 * (kp_http_status) and a default snake_case code (kp_strerror). */
enum kp_err {
	KP_OK = 0,
	KP_EINVAL,     /* 400 bad input */
	KP_EAUTH,      /* 401 not logged in, or a bad token */
	KP_EFORBIDDEN, /* 403 logged in but not allowed */
	KP_ENOTFOUND,  /* 404 unknown, or not yours */
	KP_EMETHOD,    /* 405 */
	KP_ECONFLICT,  /* 409 conflict with the current state */
	KP_ESTALE,     /* 412 stale If-Match */
	KP_ETOOBIG,    /* 413 */
	KP_EMEDIA,     /* 415 */
	KP_ERATE,      /* 429 */
	KP_EINTERNAL,  /* 500, logged, no detail to the client */
	KP_EUNAVAIL,   /* 503 the database is away; try again */
	KP_ERETRY,     /* internal: deadlock or lost connection, retry the transaction */
	KP_ERR__MAX
};

/* The default machine-readable code of an error ("bad_request", ...). */
const char *kp_strerror(enum kp_err err);
/* The HTTP status of an error (200 for KP_OK). */
int kp_http_status(enum kp_err err);

/* What went wrong, for the client: a snake_case code and a sentence. Core
 * functions fill it next to the enum they return; both point to static
 * strings or into the request's arena. A NULL code means kp_strerror(). */
struct kp_fail {
	const char *code;
	const char *message;
};

/* Sets *f (if f is not NULL) and evaluates to err. */
#define KP_FAIL(f, err, c, m) \
	((f) != NULL ? ((f)->code = (c), (f)->message = (m), (err)) : (err))

/* Who acts, for history rows, audit rows and access checks. */
enum kp_actor_kind { KP_ACTOR_CITIZEN, KP_ACTOR_STAFF, KP_ACTOR_SYSTEM, KP_ACTOR__MAX };

struct kp_actor {
	enum kp_actor_kind kind;
	long long id;            /* citizens.id or staff.id */
	long long plan_id;       /* a citizen's plan */
	const char *name;
	const char *role;        /* staff: caseworker or contact */
	const char *request_id;  /* nginx's $request_id, for history and audit */
};

/*
 * A bump allocator that owns everything parsed or built for one request.
 * Allocations are never freed one by one; arena_reset() releases them all at
 * once between requests and keeps the first chunk for the next one.
 */
struct arena;

/* A new arena; NULL when out of memory. Free with arena_free(). */
struct arena *arena_new(void);
/* Frees the arena and all it holds; NULL is a no-op. */
void arena_free(struct arena *a);
/* Releases everything allocated so far; the arena stays usable. */
void arena_reset(struct arena *a);
/* n zeroed bytes aligned for any type; aborts when out of memory (as Redis
 * does: a worker that cannot allocate is respawned). */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of n bytes of s. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
