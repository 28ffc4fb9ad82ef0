/* respond.c: writing answers (JSON, text, errors) and the access log. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* What the client is told of each outcome of core: the one place that maps
 * them to HTTP. A core function's kp_fail may name a finer code and message. */
static const struct respond_outcome outcomes[KP_ERR__MAX] = {
	[KP_OK] = {200, "ok", "ok"},
	[KP_EINVAL] = {400, "bad_request", "the request is not valid"},
	[KP_EAUTH] = {401, "unauthorized", "log in first"},
	[KP_EFORBIDDEN] = {403, "forbidden", "you may not do this"},
	[KP_ENOTFOUND] = {404, "not_found", "there is nothing here"},
	[KP_EMETHOD] = {405, "method_not_allowed", "this method is not allowed here"},
	[KP_ECONFLICT] = {409, "conflict", "this conflicts with the current state"},
	[KP_ESTALE] = {412, "precondition_failed", "the plan has changed since you read it"},
	[KP_ETOOBIG] = {413, "payload_too_large", "the body is too large"},
	[KP_EMEDIA] = {415, "unsupported_media_type", "send the body as application/json"},
	[KP_ERATE] = {429, "rate_limited", "too many requests; wait a moment"},
	[KP_EINTERNAL] = {500, "internal_error", "something went wrong on our side"},
	[KP_EUNAVAIL] = {503, "service_unavailable", "the service is busy; try again in a moment"},
	/* A retry that ran out: the database is as busy as when it is away. */
	[KP_ERETRY] = {503, "service_unavailable", "the service is busy; try again in a moment"},
};

const struct respond_outcome *respond_outcome(enum kp_err err)
{
	if ((unsigned)err >= KP_ERR__MAX || outcomes[err].status == 0)
		return &outcomes[KP_EINTERNAL];
	return &outcomes[err];
}

bool respond_outcomes_check(void)
{
	size_t i;

	for (i = 0; i < KP_ERR__MAX; i++)
		if (outcomes[i].status == 0 || outcomes[i].code == NULL || outcomes[i].message == NULL) {
			fprintf(stderr, "respond: outcome %zu (%s) has no answer\n", i,
			        kp_strerror((enum kp_err)i));
			return false;
		}
	return true;
}

void respond_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders < REQ_MAX_HEADERS)
		r->headers[r->nheaders++] = arena_printf(r->a, "%s: %s", name, value);
}

void respond_etag(struct req *r, long long version)
{
	respond_header(r, "ETag", arena_printf(r->a, "\"%lld\"", version));
}

void respond_json(struct req *r, int status, json_t *out)
{
	json_decref(r->out);
	r->status = status;
	r->out = out;
	r->text = NULL;
}

void respond_text(struct req *r, int status, const char *type, const char *text)
{
	json_decref(r->out);
	r->out = NULL;
	r->status = status;
	r->text = text;
	r->text_type = type;
}

void respond_error(struct req *r, enum kp_err err)
{
	const struct respond_outcome *o = respond_outcome(err);
	const char *code = r->fail.code, *msg = r->fail.message;
	json_t *out;

	/* The client never sees internal detail. */
	if (err == KP_EINTERNAL || err == KP_EUNAVAIL || err == KP_ERETRY || code == NULL)
		code = o->code;
	if (err == KP_EINTERNAL || err == KP_EUNAVAIL || err == KP_ERETRY || msg == NULL)
		msg = o->message;
	if (err == KP_EUNAVAIL || err == KP_ERETRY)
		respond_header(r, "Retry-After", "5");
	out = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg);
	/* A message that is not valid UTF-8 must not cost the error its body. */
	if (out == NULL)
		out = json_pack("{s:{s:s, s:s}}", "error", "code", o->code, "message", o->message);
	respond_json(r, o->status, out);
}

void respond_send(struct req *r, long long started_us)
{
	FCGX_Stream *out = r->fcgx->out;
	char *body = NULL, *head;
	size_t len = 0, i;
	struct timespec ts;
	struct tm tm;
	char when[32];
	long long dur_us;
	int status = r->status ? r->status : 500;

	if (r->out != NULL) {
		body = json_dumps(r->out, JSON_COMPACT | JSON_REAL_PRECISION(15));
		if (body == NULL) {
			/* The table's 500, its code and message plain ASCII. */
			const struct respond_outcome *o = respond_outcome(KP_EINTERNAL);

			status = o->status;
			r->text = arena_printf(r->a, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
			                       o->code, o->message);
		}
		len = strlen(body != NULL ? body : r->text);
	} else if (r->text != NULL) {
		len = strlen(r->text);
	}
	/* libfcgi's own printf knows few conversions: build the head here. */
	head = arena_printf(r->a, "Status: %d %s\r\n", status, reason(status));
	if (status != 204)
		head = arena_printf(r->a, "%sContent-Type: %s\r\nContent-Length: %zu\r\n", head,
		                    r->out != NULL || r->text == NULL ? "application/json; charset=utf-8"
		                                                      : r->text_type,
		                    len);
	for (i = 0; i < r->nheaders; i++)
		head = arena_printf(r->a, "%s%s\r\n", head, r->headers[i]);
	FCGX_PutS(head, out);
	FCGX_PutS("\r\n", out);
	if (status != 204 && r->method != M_HEAD && len > 0)
		FCGX_PutStr(body != NULL ? body : r->text, (int)len, out);
	free(body);
	clock_gettime(CLOCK_REALTIME, &ts);
	dur_us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - started_us;
	metrics_request(r->w->metrics, r->route_row, r->method, status, dur_us);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One logfmt line per request. The route is the table's pattern:
	 * no path (ids), no query string, no personal data. "kept": the plan
	 * answer came from the workers' memory (plan_cache.c). */
	fprintf(stderr,
	        "ts=%s.%03ldZ level=info msg=access pool=%s rid=%s method=%s route=%s status=%d "
	        "dur_us=%lld%s\n",
	        when, ts.tv_nsec / 1000000, respond_logfmt(r->a, pool_name(r->w->pool)),
	        respond_logfmt(r->a, r->request_id), respond_logfmt(r->a, r->method_name),
	        respond_logfmt(r->a, r->route != NULL ? r->route->pattern : "unmatched"), status,
	        dur_us, r->plan_kept ? " kept=true" : "");
}

const char *respond_logfmt(struct arena *a, const char *s)
{
	const unsigned char *p;
	bool quote = *s == '\0';
	char *out, *o;

	for (p = (const unsigned char *)s; *p != '\0' && !quote; p++)
		quote = *p <= ' ' || *p == '=' || *p == '"' || *p == '\\' || *p == 0x7f;
	if (!quote)
		return s;
	/* At most 6 bytes (\u00XX) for each, and the quotes. */
	o = out = arena_alloc(a, strlen(s) * 6 + 3);
	*o++ = '"';
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p == '\n') {
			o += sprintf(o, "\\n");
		} else if (*p == '\t') {
			o += sprintf(o, "\\t");
		} else if (*p == '\r') {
			o += sprintf(o, "\\r");
		} else if (*p < ' ' || *p == 0x7f) {
			o += sprintf(o, "\\u%04x", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}
