/* purge.h: letting a citizen's data go when the law says. A course that
 * ended more than the configured retention period ago (retention_years,
 * default 5) loses its plan content (and a household's children),
 * proposals, meetings, consents, acceptances, sessions and sealed CPR; the citizen row stays as a
 * tombstone (id, outcome, dates), and the citizen's audit rows keep their
 * hashes and lose their personal fields (audit.h), so the chain holds. A
 * plan shared with someone whose course runs on keeps its goals; only the
 * citizen's own dreams go from it. */
#ifndef KP_PURGE_H
#define KP_PURGE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "db.h"

struct purge_opts {
	time_t as_of;       /* the day the period is counted to (now, or later for a dry run) */
	int years;          /* the retention period */
	long long citizen;  /* only this citizen (0: every one due) */
	bool dry_run;       /* list, change nothing */
};

/*
 * Lists to out what is due (one line per citizen: id, outcome, end date and
 * what goes; never a name or a CPR) and, unless a dry run, purges each in a
 * transaction of its own with an audit row ("purged"). A citizen named in
 * o->citizen who is not due is refused with the reason on err. Returns 0,
 * 1 when refused (nothing changed), -1 on a database error.
 */
int purge_run(struct db *db, const struct purge_opts *o, FILE *out, FILE *err);

#endif
