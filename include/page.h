/* page.h: one page of a list that grows without bound (access log, audit,
 * history, proposals, the caseload). Lists are read by keyset, never by
 * offset: the rows that follow a position in the list's own order, one
 * more than shown, to learn whether another page follows. The front reads
 * the page from the request and makes the next cursor from what core
 * leaves in it; core sees plain numbers and keys. */
#ifndef KP_PAGE_H
#define KP_PAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PAGE_LIMIT_DEFAULT 100
#define PAGE_LIMIT_MAX 500

struct page {
	/* Given to core. */
	long long limit;        /* rows to show, 1..PAGE_LIMIT_MAX */
	long long after_id;     /* the last row shown before (its id or version);
	                         * 0: from the start of the list */
	const char *after_key;  /* for lists ordered by a key first (a time, a
	                         * name): its value at that row; NULL from the start */
	/* Set by core. */
	bool more;              /* another page follows: next_id (and next_key)
	                         * are the position of the last row shown */
	long long next_id;
	const char *next_key;
};

/* The first page of PAGE_LIMIT_DEFAULT rows. */
#define PAGE_FIRST ((struct page){.limit = PAGE_LIMIT_DEFAULT})

/* The LIMIT to bind: one row more than shown. */
static inline long long page_fetch(const struct page *pg)
{
	return pg->limit + 1;
}

/* For lists newest first by id: the bound of "id < ?" (no bound at the
 * start). */
static inline long long page_before(const struct page *pg)
{
	return pg->after_id > 0 ? pg->after_id : LLONG_MAX;
}

/* Of nrows fetched with page_fetch(), the number to show; sets pg->more
 * (next_id and next_key are left to the caller, who knows the columns). */
static inline size_t page_rows(struct page *pg, size_t nrows)
{
	pg->more = nrows > (size_t)pg->limit;
	return pg->more ? (size_t)pg->limit : nrows;
}

#endif
