/* plan_cache.c: the parts of citizens' plan answers that a citizen worker
 * keeps in memory (internal.h), each under the key that proves it current.
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
 * Each table is direct-mapped by id (ids are dense, so neighbours do not
 * collide); the newest part wins its slot. All text kept is bounded by
 * the budget: what does not fit is not kept, and costs only a query. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PLAN_CACHE_SLOTS 16384
#define PLAN_CACHE_TEXT_MAX (64 * 1024)

struct plan_cache_slot {
	long long id;      /* plan or citizen; 0: empty */
	long long number;  /* the plan's version or the citizen's rev */
	char *text;
	size_t cap;
};

enum plan_cache_table { PC_DOCS, PC_PARTS, PC__MAX };

struct plan_cache {
	struct plan_cache_slot slot[PC__MAX][PLAN_CACHE_SLOTS];
	size_t held;       /* the slots' text capacities, summed */
	size_t budget;
};

struct plan_cache *plan_cache_new(size_t budget)
{
	struct plan_cache *pc = calloc(1, sizeof(*pc));

	if (pc != NULL)
		pc->budget = budget;
	return pc;
}

void plan_cache_free(struct plan_cache *pc)
{
	size_t t, i;

	if (pc == NULL)
		return;
	for (t = 0; t < PC__MAX; t++)
		for (i = 0; i < PLAN_CACHE_SLOTS; i++)
			free(pc->slot[t][i].text);
	free(pc);
}

static const char *plan_cache_get(const struct plan_cache *pc, enum plan_cache_table t,
                                  long long id, long long number)
{
	const struct plan_cache_slot *s;

	if (pc == NULL || id <= 0)
		return NULL;
	s = &pc->slot[t][(unsigned long long)id % PLAN_CACHE_SLOTS];
	return s->id == id && s->number == number ? s->text : NULL;
}

static void plan_cache_put(struct plan_cache *pc, enum plan_cache_table t, long long id,
                           long long number, const char *text)
{
	struct plan_cache_slot *s;
	size_t len;

	if (pc == NULL || id <= 0 || text == NULL || (len = strlen(text)) >= PLAN_CACHE_TEXT_MAX)
		return;
	s = &pc->slot[t][(unsigned long long)id % PLAN_CACHE_SLOTS];
	s->id = 0;
	if (len + 1 > s->cap) {
		char *grown;

		if (pc->held - s->cap + len + 1 > pc->budget)
			return;
		if ((grown = realloc(s->text, len + 1)) == NULL)
			return;
		pc->held = pc->held - s->cap + len + 1;
		s->text = grown;
		s->cap = len + 1;
	}
	memcpy(s->text, text, len + 1);
	s->number = number;
	s->id = id;
}

const char *plan_cache_doc(const struct plan_cache *pc, long long plan_id, long long version)
{
	return plan_cache_get(pc, PC_DOCS, plan_id, version);
}

const char *plan_cache_part(const struct plan_cache *pc, long long citizen_id, long long rev)
{
	return plan_cache_get(pc, PC_PARTS, citizen_id, rev);
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
