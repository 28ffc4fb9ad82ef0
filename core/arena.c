/* arena.c: the per-request bump allocator (see kp.h) and the outcomes' names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kp.h"

#define ARENA_CHUNK 16384

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk *head; /* newest first; the last one is kept on reset */
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = malloc(sizeof(*c) + size);

	if (c == NULL) {
		fputs("arena: out of memory\n", stderr);
		abort();
	}
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *arena_new(void)
{
	struct arena *a = malloc(sizeof(*a));

	if (a == NULL)
		return NULL;
	a->head = chunk_new(ARENA_CHUNK);
	return a;
}

void arena_reset(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c->next != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = c;
	c->used = 0;
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->head);
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	struct chunk *c = a->head;
	size_t off = (c->used + align - 1) & ~(align - 1);
	void *p;

	if (n == 0)
		n = 1;
	if (off > c->size || c->size - off < n) {
		c = chunk_new(n > ARENA_CHUNK ? n : ARENA_CHUNK);
		c->next = a->head;
		a->head = c;
		off = 0;
	}
	p = c->data + off;
	c->used = off + n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Each outcome's name in a log line. What the client is told of it is the
 * front's business (fcgi/respond.c). */
static const char *const names[KP_ERR__MAX] = {
	[KP_OK] = "ok",
	[KP_EINVAL] = "invalid",
	[KP_EAUTH] = "unauthenticated",
	[KP_EFORBIDDEN] = "forbidden",
	[KP_ENOTFOUND] = "not_found",
	[KP_EMETHOD] = "method",
	[KP_ECONFLICT] = "conflict",
	[KP_ESTALE] = "stale",
	[KP_ETOOBIG] = "too_big",
	[KP_EMEDIA] = "media_type",
	[KP_ERATE] = "rate_limited",
	[KP_EINTERNAL] = "internal",
	[KP_EUNAVAIL] = "unavailable",
	[KP_ERETRY] = "retry",
};

const char *kp_strerror(enum kp_err err)
{
	if ((unsigned)err >= KP_ERR__MAX || names[err] == NULL)
		return "unknown";
	return names[err];
}
