/* arena.c: the per-request bump allocator (see kp.h) and the error table. */
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

static const struct {
	const char *code;
	int status;
} errs[KP_ERR__MAX] = {
	[KP_OK] = {"ok", 200},
	[KP_EINVAL] = {"bad_request", 400},
	[KP_EAUTH] = {"unauthorized", 401},
	[KP_EFORBIDDEN] = {"forbidden", 403},
	[KP_ENOTFOUND] = {"not_found", 404},
	[KP_EMETHOD] = {"method_not_allowed", 405},
	[KP_ECONFLICT] = {"conflict", 409},
	[KP_ESTALE] = {"precondition_failed", 412},
	[KP_ETOOBIG] = {"payload_too_large", 413},
	[KP_EMEDIA] = {"unsupported_media_type", 415},
	[KP_ERATE] = {"rate_limited", 429},
	[KP_EINTERNAL] = {"internal_error", 500},
	[KP_EUNAVAIL] = {"service_unavailable", 503},
	[KP_ERETRY] = {"service_unavailable", 503},
};

const char *kp_strerror(enum kp_err err)
{
	if ((unsigned)err >= KP_ERR__MAX || errs[err].code == NULL)
		return "internal_error";
	return errs[err].code;
}

int kp_http_status(enum kp_err err)
{
	if ((unsigned)err >= KP_ERR__MAX || errs[err].status == 0)
		return 500;
	return errs[err].status;
}
