/* audit.h: the append-only audit log of staff reads and changes of a
 * citizen's data. Each row carries the SHA-256 of the previous row and its
 * own; a single head row, locked by every insert, keeps the chain in one
 * order. A row that was edited or deleted breaks the chain. A row's own
 * hash covers a digest of its personal fields (who acted, on what), kept
 * in the row, so that a purge after the retention period can empty those
 * fields and the chain still holds. */
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

/*
 * Seals the rows written before hash version 2 (migration 011) again as
 * version 2, so that a purge can empty them, after checking that the whole
 * chain holds; the old chain's last hash is kept in a new row
 * ("audit_resealed"). 0 when done or nothing was left to seal; 1 when the
 * chain does not hold (nothing changed, said to log); -1 on a database
 * error. Run by kaptajn migrate.
 */
int audit_reseal(struct db *db, FILE *log);

/*
 * Inside the caller's transaction: empties the personal fields (actor name,
 * object) of citizen_id's version 2 rows and marks them redacted; their
 * row hashes hold with the digest each row kept. *rows: how many.
 */
enum kp_err audit_redact(struct db *db, long long citizen_id, unsigned long long *rows);

#endif
