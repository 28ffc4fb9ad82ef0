/* outbox.h: notifications through an outbox. A change that the citizen
 * should hear of writes outbox rows in its own transaction (outbox_add);
 * a sender under the citizen pool's supervisor delivers them by e-mail
 * (SMTP) or SMS (an HTTP gateway), with retries and back-off, and never
 * twice. The message says only that there is news in Kaptajn and links
 * to public_url: no name, no content, no CPR number. The citizen chooses
 * the channels (outbox_settings_*). Digital Post is a channel name with no
 * adapter yet (OUTBOX_DIGITAL_POST; README.md says where one plugs in). */
#ifndef KP_OUTBOX_H
#define KP_OUTBOX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "config.h"
#include "db.h"
#include "kp.h"

/* The channels, as the outbox's channel column names them. */
enum outbox_channel { OUTBOX_EMAIL, OUTBOX_SMS, OUTBOX_DIGITAL_POST, OUTBOX_CHANNEL__MAX };
extern const char *const outbox_channel_names[OUTBOX_CHANNEL__MAX + 1]; /* NULL-terminated */

/* The kinds of event, NULL-terminated; "plan_awaits_yes" is coalesced. */
extern const char *const outbox_kind_names[];

/*
 * Queues the news of kind (one of outbox_kind_names) about ref_id (the
 * proposal, meeting or plan) for citizen_id: one row per channel the
 * citizen has turned on, none when none is. Call it inside the change's
 * transaction, so both commit or neither. A "plan_awaits_yes" while one
 * still waits to be sent to that citizen on that channel adds nothing.
 * KP_OK, KP_EINVAL for an unknown kind (a programming error, logged), or
 * the database's outcome.
 */
enum kp_err outbox_add(struct db *db, long long citizen_id, const char *kind, long long ref_id);

/* The same for every citizen of plan_id (a household's members): a staff
 * change of the plan's goals raised its version past every member's
 * yes. ref_id is the plan. */
enum kp_err outbox_add_plan(struct db *db, long long plan_id, const char *kind);

/* Limits of the settings. */
#define OUTBOX_EMAIL_MAX 254
#define OUTBOX_PHONE_MAX 16 /* "+45" and 8 digits, and room */

/* True when s is an e-mail address this sender will write to: ASCII,
 * local@domain, at most 254 bytes (local part at most 64) of letters,
 * digits and !#$%&'*+-/=?^_`{|}~. in the local part (no leading, trailing
 * or double dot), and a domain of at least two dot-separated labels of
 * letters, digits and inner hyphens. No space, quote, angle bracket or line
 * break can pass, so it goes into a header and an SMTP command as it is. */
bool outbox_email_ok(const char *s);

/* A Danish mobile number: 8 digits, optionally after +45 or 0045, spaces
 * allowed between digits. Writes "+45DDDDDDDD" to out (at least
 * OUTBOX_PHONE_MAX bytes) and returns true; false for anything else. */
bool outbox_phone_norm(const char *s, char *out);

/* Which channels this host can deliver (their configuration is set). */
struct outbox_avail {
	bool email, sms;
};
void outbox_avail_of(const struct kp_config *cfg, struct outbox_avail *av);

/*
 * The citizen's settings: {"email", "email_on", "email_available", "sms",
 * "sms_on", "sms_available"} (email and sms null when not given). *out is
 * a new reference.
 */
enum kp_err outbox_settings_get(struct db *db, struct arena *a, long long citizen_id,
                                const struct outbox_avail *av, json_t **out);

/*
 * Replaces the citizen's settings with body (checked by the route's
 * validator for types: email and sms text or absent, email_on and sms_on
 * booleans). An address or number that is not one (invalid_email,
 * invalid_phone), or a channel turned on without one (missing_field), is
 * KP_EINVAL; a channel this host cannot deliver turned on is KP_ECONFLICT
 * (channel_unavailable); either way nothing changes. On KP_OK *out is the
 * settings as outbox_settings_get gives them.
 */
enum kp_err outbox_settings_put(struct db *db, struct arena *a, long long citizen_id,
                                const json_t *body, const struct outbox_avail *av, json_t **out,
                                struct kp_fail *f);

/* ---- the sender ---- */

/* How one delivery went. */
enum outbox_result {
	OUTBOX_SENT,    /* the server took it */
	OUTBOX_RETRY,   /* a clear failure before it was taken: try again later */
	OUTBOX_UNKNOWN, /* it may have gone (the connection broke after the
	                 * message was sent): never tried again */
	OUTBOX_FAILED,  /* refused for good, or retried until outbox_give_up */
	OUTBOX_HELD,    /* the channel is not configured here, or the citizen
	                 * turned it off or gave no address since */
	OUTBOX_RESULT__MAX
};
extern const char *const outbox_result_names[OUTBOX_RESULT__MAX];

/* Seconds before retry number attempts (1: the first retry): first,
 * doubled after each failed attempt, at most max. Pure. */
long outbox_retry_delay(int attempts, long first, long max);

/* What an SMTP delivery's end means: curl_code is libcurl's CURLcode,
 * reply the last SMTP reply code (0: none), body_started whether the
 * server had accepted DATA and the message was being sent. Pure. */
enum outbox_result outbox_smtp_result(int curl_code, long reply, bool body_started);
/* The same for the SMS gateway: status is the HTTP status (0: none),
 * body_started whether the request's body was being sent. Pure. */
enum outbox_result outbox_sms_result(int curl_code, long status, bool body_started);

/* The fixed text, and its link: public_url and "/". */
#define OUTBOX_SUBJECT "Nyt i Kaptajn"

/*
 * The e-mail for outbox row id to address to, from from, at time now, with
 * the link to public_url; token makes the Message-ID unique (any
 * printable ASCII without '@', '<', '>'). Headers Date, From, To, Subject,
 * Message-ID, MIME-Version, Content-Type (text/plain; charset=utf-8),
 * Content-Transfer-Encoding (quoted-printable), Auto-Submitted; lines end
 * in CRLF and none is over 78 characters. Returns a malloc'ed text (free
 * it) or NULL when out of memory or an address is not outbox_email_ok.
 */
char *outbox_mail_build(long long id, const char *from, const char *to, const char *public_url,
                        time_t now, const char *token);

/* The SMS gateway's JSON body {"to": number, "text": the fixed text and
 * link}, malloc'ed (free it); NULL when out of memory. */
char *outbox_sms_build(const char *number, const char *public_url);

/* The sender's state: the configuration, its connection, the channels'
 * secrets. */
struct outbox_sender;

/* A sender for cfg (which must outlive it): reads the SMTP password and
 * the SMS token files. NULL with err set when one does not read. */
struct outbox_sender *outbox_sender_new(const struct kp_config *cfg, char *err, size_t errlen);
void outbox_sender_free(struct outbox_sender *s);

/* Counts of what one round did, by result. */
struct outbox_round {
	long long results[OUTBOX_RESULT__MAX];
	long long queued_tomorrow; /* day-before notices queued */
	bool counted;              /* counts holds the outbox's rows by status */
	long long counts[OX__MAX]; /* (every few rounds, for the metrics) */
};

/*
 * One round: marks claims whose lease ran out as unknown, queues the
 * day-before notices that are due, then claims and delivers due rows one
 * at a time until none is due or *stop is set, logging one logfmt line
 * per attempt (the row's id, channel, attempt, result; never an address or
 * text); every few rounds counts the rows by status. KP_OK, or the database's outcome (the round ends early).
 */
enum kp_err outbox_round(struct outbox_sender *s, volatile sig_atomic_t *stop,
                         struct outbox_round *out);

/* Rows by status for the metrics: pending, sending, sent, unknown, failed,
 * held, in the order of enum db_col_outbox_counts. */
enum kp_err outbox_counts(struct db *db, struct arena *a, long long counts[OX__MAX]);

/* The sender's configuration checked: smtp_url's scheme, smtp_from,
 * smtp_starttls, public_url when a channel is on. 0, or -1 with "key:
 * what" in err. */
int outbox_config_check(const struct kp_config *cfg, char *err, size_t errlen);

/* True when cfg turns on any channel (the citizen pool then runs a
 * sender). */
bool outbox_enabled(const struct kp_config *cfg);

#endif
