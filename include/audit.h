/* audit.h: the append-only audit log of staff reads and changes of a
 * citizen's data. Each row carries the SHA-256 of the previous row and its
 * own; a single head row, locked by every insert, keeps the chain in one
 * order. A row that was edited or deleted breaks the chain. */
#ifndef KP_AUDIT_H
#define KP_AUDIT_H

#include <stdio.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"
#include "page.h"

/*
 * Inside the caller's transaction: appends a row saying who did action
 * ("read", "denied", "goal_added", ...) to object ("plan", "goal 7", ...)
 * of citizen_id. If it cannot be written the caller must roll back: no
 * change is applied unaudited.
 */
enum kp_err audit_write(struct db *db, struct arena *a, const struct kp_actor *who,
                        long long citizen_id, const char *action, const char *object);

/* {"entries": [...]} of citizen_id, with actor ids (staff view): one page
 * (page.h) newest first, by audit row id. */
enum kp_err audit_list(struct db *db, struct arena *a, long long citizen_id, struct page *pg,
                       json_t **out);

/*
 * Walks the whole chain. Returns 0 when every row's hashes hold and the head
 * names the last row; otherwise 1 and the first broken row's id is printed
 * to log (and stored in *broken_id). -1 when the database cannot be read.
 */
int audit_verify(struct db *db, FILE *log, long long *broken_id);

#endif
