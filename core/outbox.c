/* outbox.c: the outbox's rows and the citizen's notification settings (see
 * outbox.h); the sender and its channels are in outbox_send.c. */
#include <stdio.h>
#include <string.h>

#include "outbox.h"

const char *const outbox_channel_names[OUTBOX_CHANNEL__MAX + 1] = {
	[OUTBOX_EMAIL] = "email", [OUTBOX_SMS] = "sms", [OUTBOX_DIGITAL_POST] = "digital_post",
	[OUTBOX_CHANNEL__MAX] = NULL};

const char *const outbox_kind_names[] = {"decision",         "message",
                                         "meeting",          "meeting_changed",
                                         "meeting_tomorrow", "plan_awaits_yes",
                                         NULL};

/* The kind whose waiting rows are coalesced. */
#define OUTBOX_COALESCED "plan_awaits_yes"

/* Adds kind's rows by st (DB_OUTBOX_ADD or DB_OUTBOX_ADD_PLAN) for who. */
static enum kp_err outbox_add_by(struct db *db, enum db_stmt st, long long who, const char *kind,
                                 long long ref_id)
{
	size_t i;

	for (i = 0; kind != NULL && outbox_kind_names[i] != NULL; i++)
		if (strcmp(kind, outbox_kind_names[i]) == 0)
			break;
	if (kind == NULL || outbox_kind_names[i] == NULL) {
		fprintf(stderr, "outbox_add: unknown kind\n");
		return KP_EINVAL;
	}
	return db_exec(db, st,
	               DB_ARGS(DB_STR(kind), DB_I64(ref_id),
	                       strcmp(kind, OUTBOX_COALESCED) == 0 ? DB_STR(kind) : DB_NULL,
	                       DB_I64(who)),
	               NULL, NULL);
}

enum kp_err outbox_add(struct db *db, long long citizen_id, const char *kind, long long ref_id)
{
	return outbox_add_by(db, DB_OUTBOX_ADD, citizen_id, kind, ref_id);
}

enum kp_err outbox_add_plan(struct db *db, long long plan_id, const char *kind)
{
	return outbox_add_by(db, DB_OUTBOX_ADD_PLAN, plan_id, kind, plan_id);
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The domain part: labels of letters, digits and inner hyphens, 1-63
 * each, at least two. */
static bool domain_ok(const char *d)
{
	size_t label = 0, labels = 1;
	const char *p;

	if (*d == '\0')
		return false;
	for (p = d; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			labels++;
			continue;
		}
		if (!is_alnum(*p) && !(*p == '-' && label > 0))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && p[-1] != '-' && labels >= 2;
}

bool outbox_email_ok(const char *s)
{
	const char *at, *p;
	size_t len;

	if (s == NULL || (len = strlen(s)) == 0 || len > OUTBOX_EMAIL_MAX)
		return false;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL || at == s ||
	    at - s > 64)
		return false;
	if (s[0] == '.' || at[-1] == '.')
		return false;
	for (p = s; p < at; p++) {
		if (*p == '.' && p[1] == '.')
			return false;
		if (!is_alnum(*p) && strchr("!#$%&'*+-/=?^_`{|}~.", *p) == NULL)
			return false;
	}
	return domain_ok(at + 1);
}

bool outbox_phone_norm(const char *s, char *out)
{
	char digits[12];
	size_t n = 0;

	if (s == NULL)
		return false;
	while (*s == ' ')
		s++;
	if (strncmp(s, "+45", 3) == 0)
		s += 3;
	else if (strncmp(s, "0045", 4) == 0)
		s += 4;
	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (*s < '0' || *s > '9' || n == 8)
			return false;
		digits[n++] = *s;
	}
	if (n != 8)
		return false;
	digits[n] = '\0';
	snprintf(out, OUTBOX_PHONE_MAX, "+45%s", digits);
	return true;
}

void outbox_avail_of(const struct kp_config *cfg, struct outbox_avail *av)
{
	av->email = cfg->smtp_url != NULL && *cfg->smtp_url != '\0';
	av->sms = cfg->sms_url != NULL && *cfg->sms_url != '\0';
}

bool outbox_enabled(const struct kp_config *cfg)
{
	struct outbox_avail av;

	outbox_avail_of(cfg, &av);
	return av.email || av.sms;
}

/* A row of DB_NOTIFY_GET (all empty when the citizen has none). */
struct notify_row {
	const char *email, *sms;
	bool email_on, sms_on;
};

static void notify_row_fill(const struct db_res *r, struct notify_row *n)
{
	memset(n, 0, sizeof(*n));
	if (r->nrows != 1)
		return;
	n->email = db_cell(r, 0, NS_EMAIL);
	n->email_on = db_i64(r, 0, NS_EMAIL_ON) != 0;
	n->sms = db_cell(r, 0, NS_SMS);
	n->sms_on = db_i64(r, 0, NS_SMS_ON) != 0;
}

static json_t *opt_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *notify_json(const struct notify_row *n, const struct outbox_avail *av)
{
	return json_pack("{s:o, s:b, s:b, s:o, s:b, s:b}", "email", opt_str(n->email), "email_on",
	                 n->email_on, "email_available", av->email, "sms", opt_str(n->sms),
	                 "sms_on", n->sms_on, "sms_available", av->sms);
}

enum kp_err outbox_settings_get(struct db *db, struct arena *a, long long citizen_id,
                                const struct outbox_avail *av, json_t **out)
{
	struct notify_row n;
	struct db_res r;
	enum kp_err err;

	*out = NULL;
	if ((err = db_query(db, a, DB_NOTIFY_GET, DB_ARGS(DB_I64(citizen_id)), &r)) != KP_OK)
		return err;
	notify_row_fill(&r, &n);
	*out = notify_json(&n, av);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

/* A member of body as text; NULL when absent, null or empty. */
static const char *body_text(const json_t *body, const char *name)
{
	const char *s = json_string_value(json_object_get(body, name));

	return s != NULL && *s != '\0' ? s : NULL;
}

enum kp_err outbox_settings_put(struct db *db, struct arena *a, long long citizen_id,
                                const json_t *body, const struct outbox_avail *av, json_t **out,
                                struct kp_fail *f)
{
	struct notify_row n;
	char phone[OUTBOX_PHONE_MAX];
	enum kp_err err;

	*out = NULL;
	n.email = body_text(body, "email");
	n.sms = body_text(body, "sms");
	n.email_on = json_is_true(json_object_get(body, "email_on"));
	n.sms_on = json_is_true(json_object_get(body, "sms_on"));
	if (n.email != NULL && !outbox_email_ok(n.email))
		return KP_FAIL(f, KP_EINVAL, "invalid_email",
		               "email: is not an e-mail address (name@example.dk)");
	if (n.sms != NULL) {
		if (!outbox_phone_norm(n.sms, phone))
			return KP_FAIL(f, KP_EINVAL, "invalid_phone",
			               "sms: is not a Danish mobile number (8 digits, +45 allowed)");
		n.sms = arena_strdup(a, phone);
	}
	if (n.email_on && n.email == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field", "email: turning e-mail on needs an address");
	if (n.sms_on && n.sms == NULL)
		return KP_FAIL(f, KP_EINVAL, "missing_field", "sms: turning SMS on needs a number");
	if ((n.email_on && !av->email) || (n.sms_on && !av->sms))
		return KP_FAIL(f, KP_ECONFLICT, "channel_unavailable",
		               n.email_on && !av->email ? "e-mail notifications are not offered here"
		                                        : "SMS notifications are not offered here");
	err = db_exec(db, DB_NOTIFY_SET,
	              DB_ARGS(DB_I64(citizen_id), DB_OPTSTR(n.email), DB_I64(n.email_on),
	                      DB_OPTSTR(n.sms), DB_I64(n.sms_on)),
	              NULL, NULL);
	if (err != KP_OK)
		return err;
	*out = notify_json(&n, av);
	return *out != NULL ? KP_OK : KP_EINTERNAL;
}

enum kp_err outbox_counts(struct db *db, struct arena *a, long long counts[OX__MAX])
{
	struct db_res r;
	enum kp_err err;
	size_t i;

	if ((err = db_query(db, a, DB_OUTBOX_COUNTS, DB_NOARGS, &r)) != KP_OK)
		return err;
	if (r.nrows != 1)
		return KP_EINTERNAL;
	for (i = 0; i < OX__MAX; i++)
		counts[i] = db_i64(&r, 0, i);
	return KP_OK;
}
