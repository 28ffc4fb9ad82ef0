/* message.h: the thread of messages between a citizen and the staff around
 * them (the contact person, the caseworker). One thread per citizen, never
 * per plan: a household member never sees another member's thread. No
 * attachments. */
#ifndef KP_MESSAGE_H
#define KP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "kp.h"
#include "page.h"

/* The longest message, in code points. */
#define MESSAGE_TEXT_MAX 4000
/* The longest client key (the writer's own name for a message, so that a
 * retry stores it once), in bytes of [A-Za-z0-9_-]. */
#define MESSAGE_KEY_MAX 64

/* Whether key (len bytes) is a client key as MESSAGE_KEY_MAX says. Pure. */
bool message_key_ok(const char *key, size_t len);

/*
 * One page (page.h, by id) of citizen_id's thread, newest first:
 * {"messages": [{"id", "at", "from": {"name", "role", ...}, "text",
 * "read_at", "mine"}], "unread"}. who is the citizen (citizen_id is who's
 * own id) or a staff member, who passes caseload_open as a "read" of
 * "messages" (an audit row; KP_ENOTFOUND and a kept "denied" row outside
 * the caseload). Reading marks the other side's messages on the page read
 * at now (for staff: only the citizen's caseworker or contact person, not
 * a leader looking in). "unread" is how many of the other side's messages
 * stay unread after it. *out is a new reference.
 */
enum kp_err message_list(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long citizen_id, time_t now, struct page *pg, json_t **out);

/*
 * Writes text (validated: 1..MESSAGE_TEXT_MAX code points, newlines kept)
 * to citizen_id's thread as who: the citizen themself, or a staff member
 * whom caseload_open_change lets change the citizen's records (audited as
 * "message_sent"; KP_ENOTFOUND outside the caseload, KP_ECONFLICT
 * plan_frozen / course_ended). key (NULL: none) names the message for the
 * writer: a second send with the same key stores nothing and answers the
 * message stored the first time; a key another writer used in the thread
 * is KP_ECONFLICT key_used, a malformed one KP_EINVAL invalid_field. *out
 * is the message as message_list shows it (new reference).
 */
enum kp_err message_send(struct db *db, struct arena *a, const struct kp_actor *who,
                         long long citizen_id, const char *text, const char *key, json_t **out,
                         struct kp_fail *f);

/* {"unread": n}: the staff's messages citizen_id has not read yet. Reads
 * nothing as read. *out is a new reference. */
enum kp_err message_unread(struct db *db, struct arena *a, long long citizen_id, json_t **out);

#endif
