/* outbox_send.c: the outbox's sender and its channels (see outbox.h):
 * e-mail over SMTP and SMS through an HTTP gateway, both with libcurl
 * (time-outs, TLS verified, answers capped), the fixed message, and the
 * rule that decides between retrying, giving up and "unknown": whatever
 * may have reached the citizen is never sent again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "crypto.h"
#include "outbox.h"

const char *const outbox_result_names[OUTBOX_RESULT__MAX] = {
	[OUTBOX_SENT] = "sent", [OUTBOX_RETRY] = "retry", [OUTBOX_UNKNOWN] = "unknown",
	[OUTBOX_FAILED] = "failed", [OUTBOX_HELD] = "held"};

/* The status a result leaves the row in. */
static const char *const result_status[OUTBOX_RESULT__MAX] = {
	[OUTBOX_SENT] = "sent", [OUTBOX_RETRY] = "pending", [OUTBOX_UNKNOWN] = "unknown",
	[OUTBOX_FAILED] = "failed", [OUTBOX_HELD] = "held"};

/* A gateway's answer is read up to this, and dropped. */
#define OUTBOX_ANSWER_MAX 4096
/* The longest secret (SMTP password, SMS token). */
#define OUTBOX_SECRET_MAX 512
/* Done rows are kept this many days, then deleted (hourly). */
#define OUTBOX_KEEP_DAYS 90
/* The outbox's counts for the metrics, every this many rounds. */
#define OUTBOX_COUNT_EVERY 5

long outbox_retry_delay(int attempts, long first, long max)
{
	long d = first < 1 ? 1 : first;
	int i;

	if (max < 1)
		max = 1;
	for (i = 1; i < attempts && d < max; i++)
		d = d > max / 2 ? max : d * 2;
	return d < max ? d : max;
}

enum outbox_result outbox_smtp_result(int curl_code, long reply, bool body_started)
{
	if (curl_code == CURLE_OK)
		return OUTBOX_SENT;
	/* Nothing of the message went: refused connection, greeting, TLS,
	 * AUTH, MAIL FROM, RCPT TO or DATA answered with an error. */
	if (!body_started)
		return OUTBOX_RETRY;
	/* The server answered the end of the message with a refusal: it did
	 * not take it. */
	if (curl_code == CURLE_WEIRD_SERVER_REPLY && reply >= 400 && reply < 600)
		return OUTBOX_RETRY;
	/* The connection broke or timed out after the message went. */
	return OUTBOX_UNKNOWN;
}

enum outbox_result outbox_sms_result(int curl_code, long status, bool body_started)
{
	if (curl_code == CURLE_OK) {
		if (status >= 200 && status < 300)
			return OUTBOX_SENT;
		if (status >= 500 || status == 429 || status == 408)
			return OUTBOX_RETRY;
		/* The gateway refused this request as it is. */
		return OUTBOX_FAILED;
	}
	return body_started ? OUTBOX_UNKNOWN : OUTBOX_RETRY;
}

/* ---- the message ---- */

/* The text in UTF-8; %s is the link. */
static const char mail_text[] =
	"Der er nyt i Kaptajn.\n"
	"\n"
	"Log ind og se det her:\n"
	"%s/\n"
	"\n"
	"Beskeden er sendt automatisk, og du kan ikke svare p\xc3\xa5 den. Du kan sl\xc3\xa5 "
	"beskeder fra i Kaptajn under \"Besked til dig\".\n";

static const char sms_text[] = "Der er nyt i Kaptajn: %s/";

/* A growing text. */
struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void text_putn(struct text *t, const char *s, size_t n)
{
	char *np;

	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;

		if ((np = realloc(t->p, cap)) == NULL) {
			t->oom = true;
			return;
		}
		t->p = np;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void text_put(struct text *t, const char *s)
{
	text_putn(t, s, strlen(s));
}

/* s as quoted-printable (RFC 2045): lines end in CRLF, none longer than 76
 * characters (soft breaks "="), a space or tab at a line's end encoded. */
static void text_qp(struct text *t, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[4];
		size_t n;

		if (c == '\n') {
			text_put(t, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && s[1] != '\n' && s[1] != '\0')) {
			enc[0] = (char)c;
			n = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			n = 3;
		}
		if (col + n > 75) {
			text_put(t, "=\r\n");
			col = 0;
		}
		text_putn(t, enc, n);
		col += n;
	}
}

/* "Tue, 01 Dec 2026 10:00:00 +0000" (RFC 5322), without the locale. */
static void mail_date(time_t now, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	         months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool token_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 33 || *s > 126 || *s == '@' || *s == '<' || *s == '>')
			return false;
	return true;
}

char *outbox_mail_build(long long id, const char *from, const char *to, const char *public_url,
                        time_t now, const char *token)
{
	struct text t = {0};
	char date[40], line[512], *body = NULL;
	size_t blen;

	if (!outbox_email_ok(from) || !outbox_email_ok(to) || token == NULL || !token_ok(token) ||
	    public_url == NULL || strlen(public_url) > 400)
		return NULL;
	mail_date(now, date);
	blen = sizeof(mail_text) + strlen(public_url);
	if ((body = malloc(blen)) == NULL)
		return NULL;
	snprintf(body, blen, mail_text, public_url);
	snprintf(line, sizeof(line), "Date: %s\r\n", date);
	text_put(&t, line);
	snprintf(line, sizeof(line), "From: Kaptajn <%s>\r\nTo: <%s>\r\n", from, to);
	text_put(&t, line);
	text_put(&t, "Subject: " OUTBOX_SUBJECT "\r\n");
	snprintf(line, sizeof(line), "Message-ID: <kaptajn.%lld.%s@%s>\r\n", id, token,
	         strchr(from, '@') + 1);
	text_put(&t, line);
	text_put(&t, "MIME-Version: 1.0\r\n"
	             "Content-Type: text/plain; charset=utf-8\r\n"
	             "Content-Transfer-Encoding: quoted-printable\r\n"
	             "Auto-Submitted: auto-generated\r\n"
	             "\r\n");
	text_qp(&t, body);
	free(body);
	if (t.oom) {
		free(t.p);
		return NULL;
	}
	return t.p;
}

char *outbox_sms_build(const char *number, const char *public_url)
{
	json_t *doc;
	char *text, *out = NULL;
	size_t n;

	if (number == NULL || public_url == NULL)
		return NULL;
	n = sizeof(sms_text) + strlen(public_url);
	if ((text = malloc(n)) == NULL)
		return NULL;
	snprintf(text, n, sms_text, public_url);
	if ((doc = json_pack("{s:s, s:s}", "to", number, "text", text)) != NULL)
		out = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	free(text);
	return out;
}

/* ---- the sender ---- */

struct outbox_sender {
	const struct kp_config *cfg;
	struct outbox_avail av;
	struct db *db;
	struct arena *a;
	char *smtp_password; /* NULL: no AUTH */
	char *sms_token;     /* NULL: none */
	unsigned rounds;
	time_t cleanup_at;
};

/* A secret file's first line (malloc'ed; wipe and free it): a regular
 * file of mode 0600 or 0400 (config_load checked it too; checked again, as
 * it may have changed since). NULL with err set. */
static char *secret_read(const char *key, const char *path, char *err, size_t errlen)
{
	char buf[OUTBOX_SECRET_MAX + 2], *out = NULL;
	struct stat st;
	ssize_t n;
	size_t len;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		snprintf(err, errlen, "%s: %s: %s", key, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: %s must be a regular file of mode 0600 or 0400", key, path);
		close(fd);
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	len = n > 0 ? (size_t)n : 0;
	buf[len] = '\0';
	len = strcspn(buf, "\r\n");
	if (n <= 0 || len == 0 || len > OUTBOX_SECRET_MAX || strlen(buf) != (size_t)n)
		snprintf(err, errlen, "%s: %s must hold the secret on its first line", key, path);
	else if ((out = strndup(buf, len)) == NULL)
		snprintf(err, errlen, "%s: out of memory", key);
	kp_wipe(buf, sizeof(buf));
	return out;
}

static void secret_free(char *s)
{
	if (s != NULL) {
		kp_wipe(s, strlen(s));
		free(s);
	}
}

static bool set(const char *s)
{
	return s != NULL && *s != '\0';
}

struct outbox_sender *outbox_sender_new(const struct kp_config *cfg, char *err, size_t errlen)
{
	struct outbox_sender *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	outbox_avail_of(cfg, &s->av);
	if ((s->db = db_new(cfg, false)) == NULL || (s->a = arena_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (s->av.email && set(cfg->smtp_password_file) &&
	    (s->smtp_password = secret_read("smtp_password_file", cfg->smtp_password_file, err,
	                                    errlen)) == NULL)
		goto fail;
	if (s->av.sms && set(cfg->sms_token_file) &&
	    (s->sms_token = secret_read("sms_token_file", cfg->sms_token_file, err, errlen)) == NULL)
		goto fail;
	return s;
fail:
	outbox_sender_free(s);
	return NULL;
}

void outbox_sender_free(struct outbox_sender *s)
{
	if (s == NULL)
		return;
	db_free(s->db);
	arena_free(s->a);
	secret_free(s->smtp_password);
	secret_free(s->sms_token);
	free(s);
}

/* What a delivery sends, and whether it has begun to. */
struct upload {
	const char *p;
	size_t len, off;
	bool started;
};

static size_t upload_read(char *buf, size_t size, size_t nmemb, void *user)
{
	struct upload *u = user;
	size_t n = size * nmemb;

	u->started = true;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->p + u->off, n);
	u->off += n;
	return n;
}

/* The gateway's answer is counted and dropped, at most OUTBOX_ANSWER_MAX. */
static size_t answer_drop(char *data, size_t size, size_t nmemb, void *user)
{
	size_t *seen = user, n = size * nmemb;

	(void)data;
	if (*seen + n > OUTBOX_ANSWER_MAX)
		return 0;
	*seen += n;
	return n;
}

/* What one delivery says in its log line besides its result. */
struct attempt {
	int curl_code;
	long reply;
};

static void curl_common(CURL *c, const struct kp_config *cfg, struct upload *u)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cfg->outbox_timeout * 1000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->outbox_timeout * 1000L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (set(cfg->oidc_ca_file))
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->oidc_ca_file);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, u);
}

static enum outbox_result send_email(struct outbox_sender *s, long long id, const char *to,
                                     struct attempt *at)
{
	const struct kp_config *cfg = s->cfg;
	struct curl_slist *rcpt = NULL;
	struct upload u = {0};
	char token[17], from[300], rcpt_to[300];
	unsigned char rnd[8];
	char *msg = NULL;
	size_t i;
	CURL *c = NULL;
	enum outbox_result res = OUTBOX_RETRY;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	if ((msg = outbox_mail_build(id, cfg->smtp_from, to, cfg->public_url, time(NULL), token)) ==
	    NULL) {
		/* An address that no longer passes, or no memory. */
		res = OUTBOX_FAILED;
		goto out;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->smtp_from);
	snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", to);
	if ((c = curl_easy_init()) == NULL || (rcpt = curl_slist_append(NULL, rcpt_to)) == NULL)
		goto out;
	u.p = msg;
	u.len = strlen(msg);
	curl_common(c, cfg, &u);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
	if (strncmp(cfg->smtp_url, "smtp://", 7) == 0 &&
	    !(set(cfg->smtp_starttls) && strcmp(cfg->smtp_starttls, "off") == 0))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (set(cfg->smtp_user)) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->smtp_password != NULL ? s->smtp_password : "");
	}
	at->curl_code = (int)curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &at->reply);
	res = outbox_smtp_result(at->curl_code, at->reply, u.started);
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	if (msg != NULL) {
		kp_wipe(msg, strlen(msg));
		free(msg);
	}
	return res;
}

static enum outbox_result send_sms(struct outbox_sender *s, const char *number,
                                   struct attempt *at)
{
	const struct kp_config *cfg = s->cfg;
	struct curl_slist *hdrs = NULL, *h;
	struct upload u = {0};
	char *body = NULL, *auth = NULL;
	size_t seen = 0, n;
	CURL *c = NULL;
	enum outbox_result res = OUTBOX_RETRY;

	if ((body = outbox_sms_build(number, cfg->public_url)) == NULL ||
	    (c = curl_easy_init()) == NULL ||
	    (hdrs = curl_slist_append(NULL, "Content-Type: application/json")) == NULL)
		goto out;
	if (s->sms_token != NULL) {
		n = strlen(s->sms_token) + 32;
		if ((auth = malloc(n)) == NULL)
			goto out;
		snprintf(auth, n, "Authorization: Bearer %s", s->sms_token);
		if ((h = curl_slist_append(hdrs, auth)) == NULL)
			goto out;
		hdrs = h;
	}
	u.p = body;
	u.len = strlen(body);
	curl_common(c, cfg, &u);
	curl_easy_setopt(c, CURLOPT_URL, cfg->sms_url);
	/* config_load allowed http only to loopback. */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	                 strncmp(cfg->sms_url, "https://", 8) == 0 ? "https" : "http");
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u.len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Kaptajn");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_drop);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &seen);
	at->curl_code = (int)curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &at->reply);
	/* An answer over the cap is still an answer: its status counts. */
	if (at->curl_code == CURLE_WRITE_ERROR && at->reply > 0)
		at->curl_code = CURLE_OK;
	res = outbox_sms_result(at->curl_code, at->reply, u.started);
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	if (auth != NULL) {
		kp_wipe(auth, strlen(auth));
		free(auth);
	}
	if (body != NULL) {
		kp_wipe(body, strlen(body));
		free(body);
	}
	return res;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A row of DB_OUTBOX_CLAIMED. */
struct claimed {
	long long id, attempts, age;
	const char *channel, *email, *sms;
	bool email_on, sms_on;
};

static void claimed_fill(const struct db_res *r, size_t i, struct claimed *c)
{
	c->id = db_i64(r, i, OC_ID);
	c->channel = db_cell(r, i, OC_CHANNEL);
	c->attempts = db_i64(r, i, OC_ATTEMPTS);
	c->age = db_i64(r, i, OC_AGE);
	c->email = db_cell(r, i, OC_EMAIL);
	c->email_on = db_i64(r, i, OC_EMAIL_ON) != 0;
	c->sms = db_cell(r, i, OC_SMS);
	c->sms_on = db_i64(r, i, OC_SMS_ON) != 0;
}

/* Delivers one claimed row on its channel. */
static enum outbox_result deliver(struct outbox_sender *s, const struct claimed *c,
                                  struct attempt *at)
{
	if (strcmp(c->channel, "email") == 0)
		return s->av.email && c->email_on && c->email != NULL
		       ? send_email(s, c->id, c->email, at) : OUTBOX_HELD;
	if (strcmp(c->channel, "sms") == 0)
		return s->av.sms && c->sms_on && c->sms != NULL ? send_sms(s, c->sms, at) : OUTBOX_HELD;
	/* digital_post: no adapter here (README.md, "Notifications"). */
	return OUTBOX_HELD;
}

/* Claims one due row and delivers it. *done is false when none was due. */
static enum kp_err round_one(struct outbox_sender *s, struct outbox_round *out, bool *done)
{
	const struct kp_config *cfg = s->cfg;
	unsigned long long claim = 0, got = 0;
	struct attempt at = {0, 0};
	struct claimed c;
	struct db_res r;
	enum outbox_result res;
	long long started;
	long delay = 0;
	enum kp_err err;

	*done = false;
	while (claim == 0)
		if (getrandom(&claim, sizeof(claim), 0) != (ssize_t)sizeof(claim))
			return KP_EINTERNAL;
	claim >>= 1; /* a BIGINT's range, signed or not */
	err = db_exec(s->db, DB_OUTBOX_CLAIM,
	              DB_ARGS(DB_I64((long long)claim), DB_I64(cfg->outbox_timeout * 2 + 30)), &got,
	              NULL);
	if (err != KP_OK || got == 0)
		return err;
	*done = true;
	err = db_query(s->db, s->a, DB_OUTBOX_CLAIMED, DB_ARGS(DB_I64((long long)claim)), &r);
	if (err != KP_OK || r.nrows != 1)
		return err != KP_OK ? err : KP_EINTERNAL;
	claimed_fill(&r, 0, &c);
	started = mono_ms();
	res = deliver(s, &c, &at);
	if (res == OUTBOX_RETRY) {
		delay = outbox_retry_delay((int)c.attempts, cfg->outbox_retry_first,
		                           cfg->outbox_retry_max);
		if (c.age + delay > cfg->outbox_give_up)
			res = OUTBOX_FAILED;
	}
	out->results[res]++;
	/* One line per attempt: the row and the channel, never the address
	 * nor the text. */
	fprintf(stderr, "outbox id=%lld channel=%s attempt=%lld result=%s ms=%lld curl=%d reply=%ld%s",
	        c.id, c.channel, c.attempts, outbox_result_names[res], mono_ms() - started,
	        at.curl_code, at.reply, res == OUTBOX_RETRY ? "" : "\n");
	if (res == OUTBOX_RETRY)
		fprintf(stderr, " next_in=%ld\n", delay);
	return db_exec(s->db, DB_OUTBOX_FINISH,
	               DB_ARGS(DB_STR(result_status[res]), DB_I64(res == OUTBOX_RETRY),
	                       DB_I64(res == OUTBOX_RETRY ? delay : 0), DB_I64(c.id),
	                       DB_I64((long long)claim)),
	               NULL, NULL);
}

/* Queues the day-before notices that are due, each meeting once (the
 * first sender to mark it queues it). */
static enum kp_err round_tomorrow(struct outbox_sender *s, struct outbox_round *out)
{
	unsigned long long marked;
	struct db_res r;
	enum kp_err err;
	size_t i;

	if ((err = db_query(s->db, s->a, DB_OUTBOX_MEETINGS_DUE, DB_NOARGS, &r)) != KP_OK)
		return err;
	for (i = 0; i < r.nrows; i++) {
		long long id = db_i64(&r, i, OM_ID), citizen = db_i64(&r, i, OM_CITIZEN_ID);

		if ((err = db_tx_begin(s->db)) != KP_OK)
			return err;
		marked = 0;
		err = db_exec(s->db, DB_OUTBOX_MEETING_REMIND, DB_ARGS(DB_I64(id)), &marked, NULL);
		if (err == KP_OK && marked == 1)
			err = outbox_add(s->db, citizen, "meeting_tomorrow", id);
		if ((err = db_tx_end(s->db, err)) != KP_OK)
			return err;
		out->queued_tomorrow += marked == 1;
	}
	return KP_OK;
}

enum kp_err outbox_round(struct outbox_sender *s, volatile sig_atomic_t *stop,
                         struct outbox_round *out)
{
	unsigned long long expired = 0;
	enum kp_err err;
	bool done = true;
	time_t now = time(NULL);

	memset(out, 0, sizeof(*out));
	arena_reset(s->a);
	if ((err = db_connect(s->db)) != KP_OK)
		return err;
	if ((err = db_exec(s->db, DB_OUTBOX_EXPIRE, DB_NOARGS, &expired, NULL)) != KP_OK)
		return err;
	if (expired > 0)
		fprintf(stderr, "outbox lease_expired=%llu result=unknown\n", expired);
	out->results[OUTBOX_UNKNOWN] += (long long)expired;
	if ((err = round_tomorrow(s, out)) != KP_OK)
		return err;
	if (now >= s->cleanup_at) {
		s->cleanup_at = now + 3600;
		if ((err = db_exec(s->db, DB_OUTBOX_CLEANUP, DB_ARGS(DB_I64(OUTBOX_KEEP_DAYS)), NULL,
		                   NULL)) != KP_OK)
			return err;
	}
	while (done && !*stop) {
		arena_reset(s->a);
		if ((err = round_one(s, out, &done)) != KP_OK)
			return err;
	}
	if (s->rounds++ % OUTBOX_COUNT_EVERY == 0) {
		arena_reset(s->a);
		if ((err = outbox_counts(s->db, s->a, out->counts)) != KP_OK)
			return err;
		out->counted = true;
	}
	return KP_OK;
}

int outbox_config_check(const struct kp_config *cfg, char *err, size_t errlen)
{
	struct outbox_avail av;

	outbox_avail_of(cfg, &av);
	if (av.email) {
		if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 && strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
			snprintf(err, errlen, "smtp_url: must be smtp://host:port or smtps://host:port");
			return -1;
		}
		if (!outbox_email_ok(cfg->smtp_from)) {
			snprintf(err, errlen, "smtp_from: must be an e-mail address when smtp_url is set");
			return -1;
		}
	}
	if (set(cfg->smtp_starttls) && strcmp(cfg->smtp_starttls, "on") != 0 &&
	    strcmp(cfg->smtp_starttls, "off") != 0) {
		snprintf(err, errlen, "smtp_starttls: must be on or off");
		return -1;
	}
	if ((av.email || av.sms) && !set(cfg->public_url)) {
		snprintf(err, errlen, "public_url: is required when smtp_url or sms_url is set (the "
		                      "notifications link to it)");
		return -1;
	}
	if (cfg->outbox_retry_max < cfg->outbox_retry_first) {
		snprintf(err, errlen, "outbox_retry_max: must be at least outbox_retry_first");
		return -1;
	}
	return 0;
}
