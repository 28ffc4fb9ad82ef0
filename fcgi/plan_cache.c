/* plan_cache.c: a citizen worker's answers to GET /api/v1/plan, kept in
 * memory for a short while.
 *
 * An answer is kept under the hash of the session id that read it, with
 * the host's change counter (stamp.h) as it was before the database was
 * asked. It is given again only while
 *   - the counter has not moved: no change of any plan, goal, dream,
 *     contact, yes or session was committed on this host since (a logout
 *     is such a change);
 *   - it is younger than PLAN_CACHE_MS: a change made elsewhere (by hand)
 *     is seen within that time;
 *   - the session row would not be written or refused: its last_seen is
 *     younger than SESSION_TOUCH_EVERY (so also younger than the idle
 *     limit) and it is within its absolute lifetime.
 * So a kept answer is the one the database would give, as of at most
 * PLAN_CACHE_MS ago. Without a change counter (config change_file unset)
 * nothing is kept. One slot per session hash, the newest answer wins a
 * slot; at most PLAN_CACHE_BUDGET bytes of answers in all. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "stamp.h"

#define PLAN_CACHE_SLOTS 4096
#define PLAN_CACHE_MS 1000
#define PLAN_CACHE_BODY_MAX (16 * 1024)
/* What the kept answers may hold in all, per worker: the worker's memory
 * stays bounded whatever the plans' size. */
#define PLAN_CACHE_BUDGET (8 * 1024 * 1024)

struct plan_cache_slot {
	uint8_t key[KP_SHA256_LEN]; /* the session id's hash */
	bool used;
	uint64_t stamp;             /* the change counter before the read */
	long long filled_ms;        /* CLOCK_MONOTONIC */
	time_t created, last_seen;  /* the session row, as it is now */
	long long version;
	char *body;
	size_t cap;
};

static struct plan_cache_slot slots[PLAN_CACHE_SLOTS];
static size_t held; /* the slots' body capacities, summed */

static long long plan_cache_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct plan_cache_slot *plan_cache_slot(const uint8_t key[KP_SHA256_LEN])
{
	uint32_t h;

	memcpy(&h, key, sizeof(h));
	return &slots[h % PLAN_CACHE_SLOTS];
}

void plan_cache_begin(struct req *r)
{
	r->plan_stamp = stamp_read();
	r->plan_body = NULL;
}

bool plan_cache_get(struct req *r, const char *cookie, size_t len)
{
	uint8_t key[KP_SHA256_LEN];
	struct plan_cache_slot *s;

	if (!stamp_on() || len != SESSION_TOKEN_LEN)
		return false;
	kp_sha256(cookie, len, key);
	s = plan_cache_slot(key);
	if (!s->used || !kp_ct_equal(s->key, key, sizeof(key)) || s->stamp != r->plan_stamp ||
	    plan_cache_now_ms() - s->filled_ms >= PLAN_CACHE_MS ||
	    r->now - s->last_seen >= SESSION_TOUCH_EVERY || r->now < s->last_seen ||
	    r->now - s->created > SESSION_ABSOLUTE)
		return false;
	r->plan_body = s->body;
	r->plan_version = s->version;
	return true;
}

void plan_cache_put(struct req *r, const char *body, long long version)
{
	struct plan_cache_slot *s;
	size_t len = strlen(body);
	time_t last_seen;

	if (!stamp_on() || len >= PLAN_CACHE_BODY_MAX || r->head.nrows != 1)
		return;
	s = plan_cache_slot(r->sess.id_hash);
	s->used = false;
	if (len + 1 > s->cap) {
		char *b;

		if (held - s->cap + len + 1 > PLAN_CACHE_BUDGET)
			return;
		if ((b = realloc(s->body, len + 1)) == NULL)
			return;
		held = held - s->cap + len + 1;
		s->body = b;
		s->cap = len + 1;
	}
	memcpy(s->body, body, len + 1);
	memcpy(s->key, r->sess.id_hash, sizeof(s->key));
	s->stamp = r->plan_stamp;
	s->filled_ms = plan_cache_now_ms();
	s->created = (time_t)db_i64(&r->head, 0, 2);
	/* The session lookup wrote last_seen = now when it was due. */
	last_seen = (time_t)db_i64(&r->head, 0, 3);
	s->last_seen = r->now - last_seen >= SESSION_TOUCH_EVERY ? r->now : last_seen;
	s->version = version;
	s->used = true;
}
