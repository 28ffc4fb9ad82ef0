/* stamp.h: the host's change counter.
 *
 * A 64-bit number in a small file that every pool on one host maps
 * (config key change_file). Every committed change that a citizen's plan
 * answer could show raises it (core/db.c does, for every statement that
 * writes, except those listed as quiet there). A worker may keep an answer
 * in memory only as long as the counter has not moved since before it read
 * that answer from the database. Changes made elsewhere (by hand, by
 * another host) do not move it: the file is for one application host. */
#ifndef KP_STAMP_H
#define KP_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Maps path (created 0600 if absent) as this process's counter; the
 * mapping is kept across fork(). Returns 0, or -1 with a message in err. */
int stamp_attach(const char *path, char *err, size_t errlen);
/* Unmaps the counter; reads then give 0 and bumps do nothing. */
void stamp_detach(void);
/* Whether a counter is mapped. */
bool stamp_on(void);
/* The counter now (0 when none is mapped). */
uint64_t stamp_read(void);
/* Raises the counter by one (a no-op when none is mapped). */
void stamp_bump(void);

#endif
