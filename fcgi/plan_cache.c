/* plan_cache.c: the parts of citizens' plan answers that the citizen
 * workers of a host keep in memory (internal.h), each under the key that
 * proves it current.
 *
 * The dreams and goals of a plan change only with the plan's version, and
 * what one citizen sees besides (their yes, their contact person) only
 * with the citizen's rev: core/db.c refuses to commit a transaction that
 * changes either without raising its number. Every request reads both
 * numbers from the database with the session, so a part kept under the
 * numbers just read is the database's, through whichever host the change
 * came. Nothing here expires by time and nothing needs telling about a
 * change: a raised number simply finds nothing kept under it.
 *
 * The supervisor maps the cache before it forks, so all workers of the
 * pool share it and a part read by one is there for all. The texts live in
 * one ring of PLAN_CACHE_RING bytes, written in turn: each new text takes
 * the next free bytes, wrapping round over the oldest. Each table is a set
 * of PLAN_CACHE_WAYS slots per hash of the id, so that the citizens in use
 * (any ids, not only neighbours) rarely push each other out; a new text
 * takes its id's own slot in the set, else an empty one, else the one whose
 * text is oldest in the ring (the next the ring would come round over). A
 * slot names its id, its number and where its text lies in the ring. A slot is
 * guarded by a sequence number (a seqlock): a writer makes it odd, writes,
 * makes it even again, and a reader keeps what it read only if the number
 * was even and unchanged around the read. A text is kept only while the
 * ring has not come round over it: a reader checks that after copying it.
 * Two writers never share a slot (the second sees it odd and keeps
 * nothing). A worker killed while writing leaves its slot odd, and so
 * unused, until the pool restarts. */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* 8192 sets of 8: 65536 slots a table, about 3 MiB each, touched as used. */
#define PLAN_CACHE_SETS 8192
#define PLAN_CACHE_SET_BITS 13
#define PLAN_CACHE_WAYS 8
#define PLAN_CACHE_RING (64u * 1024 * 1024)
/* A longer text is not kept: it would push out too many others. */
#define PLAN_CACHE_TEXT_MAX (256u * 1024)

struct plan_cache_slot {
	atomic_uint seq;            /* even: settled; odd: being written */
	atomic_llong id;            /* plan or citizen; 0: empty */
	atomic_llong number;        /* the plan's version or the citizen's rev */
	atomic_ullong at;           /* where the text starts, counted from the ring's first byte ever */
	atomic_uint len;
};

enum plan_cache_table { PC_DOCS, PC_PARTS, PC__MAX };

struct plan_cache {
	struct plan_cache_slot slot[PC__MAX][PLAN_CACHE_SETS][PLAN_CACHE_WAYS];
	atomic_ullong head;         /* bytes ever taken from the ring */
	char ring[PLAN_CACHE_RING];
};

struct plan_cache *plan_cache_new(void)
{
	struct plan_cache *pc;

	/* Zero-filled: every slot empty, its number even. Pages are touched
	 * only as they are used. */
	pc = mmap(NULL, sizeof(*pc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return pc != MAP_FAILED ? pc : NULL;
}

void plan_cache_free(struct plan_cache *pc)
{
	if (pc != NULL)
		munmap(pc, sizeof(*pc));
}

/* The first slot of id's set: a multiplicative hash, so that ids a stride
 * apart spread over the sets as neighbours do. */
static struct plan_cache_slot *plan_cache_set(struct plan_cache *pc, enum plan_cache_table t,
                                              long long id)
{
	unsigned long long h = (unsigned long long)id * 0x9E3779B97F4A7C15ull;

	return pc->slot[t][h >> (64 - PLAN_CACHE_SET_BITS)];
}

/* The text of slot s if it holds id under number and the ring still has
 * it, copied into the arena; else NULL. */
static const char *plan_cache_read(struct plan_cache *pc, struct arena *a,
                                   struct plan_cache_slot *s, long long id, long long number)
{
	unsigned long long at;
	unsigned seq;
	size_t len;
	char *copy;

	seq = atomic_load_explicit(&s->seq, memory_order_acquire);
	if ((seq & 1) != 0 || atomic_load_explicit(&s->id, memory_order_relaxed) != id ||
	    atomic_load_explicit(&s->number, memory_order_relaxed) != number)
		return NULL;
	at = atomic_load_explicit(&s->at, memory_order_relaxed);
	len = atomic_load_explicit(&s->len, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&s->seq, memory_order_relaxed) != seq || len > PLAN_CACHE_TEXT_MAX)
		return NULL;
	copy = arena_strndup(a, pc->ring + at % PLAN_CACHE_RING, len);
	/* The copy counts only if the ring has not come round over it. */
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&pc->head, memory_order_relaxed) > at + PLAN_CACHE_RING)
		return NULL;
	return copy;
}

static const char *plan_cache_get(const struct plan_cache *cpc, struct arena *a,
                                  enum plan_cache_table t, long long id, long long number)
{
	/* The reader writes nothing: the cast only lets it use the atomics. */
	struct plan_cache *pc = (struct plan_cache *)(uintptr_t)cpc;
	struct plan_cache_slot *set;
	const char *text;
	int i;

	if (pc == NULL || id <= 0)
		return NULL;
	set = plan_cache_set(pc, t, id);
	for (i = 0; i < PLAN_CACHE_WAYS; i++)
		if ((text = plan_cache_read(pc, a, &set[i], id, number)) != NULL)
			return text;
	return NULL;
}

/* The slot of id's set a new text for id goes to: the one that holds id
 * already, else an empty one, else the one whose text is oldest in the
 * ring. Read without the slots' locks: a guess the writer's lock settles. */
static struct plan_cache_slot *plan_cache_victim(struct plan_cache_slot *set, long long id)
{
	struct plan_cache_slot *oldest = &set[0];
	int i;

	for (i = 0; i < PLAN_CACHE_WAYS; i++)
		if (atomic_load_explicit(&set[i].id, memory_order_relaxed) == id)
			return &set[i];
	for (i = 0; i < PLAN_CACHE_WAYS; i++) {
		if (atomic_load_explicit(&set[i].id, memory_order_relaxed) == 0)
			return &set[i];
		if (atomic_load_explicit(&set[i].at, memory_order_relaxed) <
		    atomic_load_explicit(&oldest->at, memory_order_relaxed))
			oldest = &set[i];
	}
	return oldest;
}

/* Takes len bytes of the ring, never split by its end: where they start,
 * counted from the ring's first byte ever. */
static unsigned long long plan_cache_take(struct plan_cache *pc, size_t len)
{
	unsigned long long head = atomic_load_explicit(&pc->head, memory_order_relaxed), at;

	do {
		size_t pos = head % PLAN_CACHE_RING;

		at = pos + len > PLAN_CACHE_RING ? head + (PLAN_CACHE_RING - pos) : head;
	} while (!atomic_compare_exchange_weak_explicit(&pc->head, &head, at + len,
	                                                memory_order_acq_rel,
	                                                memory_order_relaxed));
	return at;
}

static void plan_cache_put(struct plan_cache *pc, enum plan_cache_table t, long long id,
                           long long number, const char *text)
{
	struct plan_cache_slot *s;
	unsigned long long at;
	unsigned seq;
	size_t len;

	if (pc == NULL || id <= 0 || text == NULL || (len = strlen(text)) > PLAN_CACHE_TEXT_MAX)
		return;
	s = plan_cache_victim(plan_cache_set(pc, t, id), id);
	seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	if ((seq & 1) != 0 ||
	    !atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1, memory_order_acquire,
	                                             memory_order_relaxed))
		return;
	at = plan_cache_take(pc, len);
	memcpy(pc->ring + at % PLAN_CACHE_RING, text, len);
	atomic_store_explicit(&s->id, id, memory_order_relaxed);
	atomic_store_explicit(&s->number, number, memory_order_relaxed);
	atomic_store_explicit(&s->at, at, memory_order_relaxed);
	atomic_store_explicit(&s->len, (unsigned)len, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

const char *plan_cache_doc(const struct plan_cache *pc, struct arena *a, long long plan_id,
                           long long version)
{
	return plan_cache_get(pc, a, PC_DOCS, plan_id, version);
}

const char *plan_cache_part(const struct plan_cache *pc, struct arena *a, long long citizen_id,
                            long long rev)
{
	return plan_cache_get(pc, a, PC_PARTS, citizen_id, rev);
}

void plan_cache_put_doc(struct plan_cache *pc, long long plan_id, long long version,
                        const char *text)
{
	plan_cache_put(pc, PC_DOCS, plan_id, version, text);
}

void plan_cache_put_part(struct plan_cache *pc, long long citizen_id, long long rev,
                         const char *text)
{
	plan_cache_put(pc, PC_PARTS, citizen_id, rev, text);
}
