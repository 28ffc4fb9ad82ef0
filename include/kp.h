/* kp.h: what every part of Kaptajn shares: the one error enum and the
 * request arena. */
#ifndef KP_H
#define KP_H

#include <stddef.h>
#include <stdint.h>

/* One outcome enum for the project; KP_OK is 0. Core answers what
 * happened; the front alone turns that into what the client is told
 * (fcgi/respond.c). */
enum kp_err {
	KP_OK = 0,
	KP_EINVAL,     /* bad input */
	KP_EAUTH,      /* not logged in, or a bad token */
	KP_EFORBIDDEN, /* logged in but not allowed */
	KP_ENOTFOUND,  /* unknown, or not yours */
	KP_EMETHOD,    /* the resource does not take this method */
	KP_ECONFLICT,  /* conflicts with the current state */
	KP_ESTALE,     /* the caller's version is not the current one */
	KP_ETOOBIG,    /* more than is allowed */
	KP_EMEDIA,     /* a body in a form not taken */
	KP_ERATE,      /* too many attempts; wait */
	KP_EINTERNAL,  /* our fault: logged, no detail to the client */
	KP_EUNAVAIL,   /* the database is away; try again */
	KP_ERETRY,     /* a deadlock or a lost connection: run the transaction again */
	KP_ERR__MAX
};

/* The outcome's name for a log line ("conflict", ...); "unknown" for a
 * value that is no outcome. A static string. */
const char *kp_strerror(enum kp_err err);

/* What went wrong, for the client: a snake_case code and a sentence. Core
 * functions fill it next to the enum they return; both point to static
 * strings or into the request's arena. A NULL code or message means the
 * outcome's default one. */
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
