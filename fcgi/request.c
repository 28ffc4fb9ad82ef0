/* request.c: reading a request from libfcgi: parameters, body, If-Match and
 * form fields. Nothing here trusts a length it has not checked. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "plan.h"

static const char *const method_names[M__MAX] = {
	[M_GET] = "GET", [M_POST] = "POST", [M_PUT] = "PUT", [M_PATCH] = "PATCH",
	[M_DELETE] = "DELETE", [M_HEAD] = "HEAD", [M_OTHER] = "OTHER",
};

const char *request_param(struct req *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fcgx->envp);

	/* Copied: envp is not ours after FCGX_Finish_r. */
	return v != NULL ? arena_strdup(r->a, v) : NULL;
}

enum http_method request_method(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < M_OTHER; i++)
		if (strcmp(name, method_names[i]) == 0)
			return (enum http_method)i;
	return M_OTHER;
}

void request_read(struct req *r, struct worker *w, FCGX_Request *fcgx)
{
	memset(r, 0, sizeof(*r));
	r->w = w;
	r->a = w->arena;
	r->fcgx = fcgx;
	r->route_row = -1;
	r->now = time(NULL);
	r->method = request_method(FCGX_GetParam("REQUEST_METHOD", fcgx->envp));
	r->method_name = method_names[r->method];
	/* DOCUMENT_URI is nginx's normalised path without the query. */
	r->path = request_param(r, "DOCUMENT_URI");
	if (r->path == NULL)
		r->path = "";
	r->query = request_param(r, "QUERY_STRING");
	r->request_id = request_param(r, "REQUEST_ID");
	if (r->request_id == NULL || strlen(r->request_id) > 64)
		r->request_id = "-";
}

static bool media_is_json(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	/* Parameters may follow; a charset must be UTF-8. */
	if (*ct == '\0')
		return true;
	if (*ct != ';')
		return false;
	ct++;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, "charset=utf-8", 13) == 0 && (ct[13] == '\0' || ct[13] == ';');
}

static bool media_is_form(const char *ct)
{
	size_t n = strlen("application/x-www-form-urlencoded");

	return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';');
}

enum kp_err request_media_check(const struct route *rt, const char *ct, struct kp_fail *f)
{
	if ((rt->flags & R_JSON) && !media_is_json(ct))
		return KP_FAIL(f, KP_EMEDIA, "unsupported_media_type",
		               "send the body as application/json; charset=utf-8");
	if ((rt->flags & R_FORM) && !media_is_form(ct))
		return KP_FAIL(f, KP_EMEDIA, "unsupported_media_type",
		               "send the body as application/x-www-form-urlencoded");
	return KP_OK;
}

enum kp_err request_content_length(const char *cl, long long *len, struct kp_fail *f)
{
	*len = 0;
	if (cl != NULL && *cl != '\0') {
		char *end;

		*len = strtoll(cl, &end, 10);
		if (*end != '\0' || *len < 0) {
			*len = 0;
			return KP_FAIL(f, KP_EINVAL, "bad_request", "bad Content-Length");
		}
	}
	if (*len > REQ_BODY_MAX)
		return KP_FAIL(f, KP_ETOOBIG, "payload_too_large", "the body is larger than 64 KiB");
	return KP_OK;
}

enum kp_err request_json(struct arena *a, const char *raw, size_t len, const struct route *rt,
                         json_t **body, struct kp_fail *f)
{
	json_error_t jerr;

	/* jansson refuses invalid UTF-8 and \u0000; depth is capped by it. */
	*body = json_loadb(raw, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*body == NULL)
		return KP_FAIL(f, KP_EINVAL, "invalid_json",
		               arena_printf(a, "the body is not valid JSON (at byte %d)",
		                            jerr.position));
	return validate_body(a, *body, rt->body, rt->nbody, f);
}

enum kp_err request_body(struct req *r, const struct route *rt)
{
	long long len = 0;
	enum kp_err err;
	char *buf;
	int got;

	if ((err = request_media_check(rt, FCGX_GetParam("CONTENT_TYPE", r->fcgx->envp),
	                               &r->fail)) != KP_OK)
		return err;
	/* The body is read once; a retried request parses it again. */
	if (r->raw_body == NULL) {
		if ((err = request_content_length(FCGX_GetParam("CONTENT_LENGTH", r->fcgx->envp), &len,
		                                  &r->fail)) != KP_OK)
			return err;
		buf = arena_alloc(r->a, (size_t)len + 1);
		got = len > 0 ? FCGX_GetStr(buf, (int)len, r->fcgx->in) : 0;
		if (got != (int)len)
			return KP_FAIL(&r->fail, KP_EINVAL, "bad_request", "the body ended early");
		buf[len] = '\0';
		r->raw_body = buf;
		r->raw_len = (size_t)len;
	}
	if (!(rt->flags & R_JSON))
		return KP_OK;
	return request_json(r->a, r->raw_body, r->raw_len, rt, &r->body, &r->fail);
}

/* OWS of RFC 9110: spaces and tabs. */
static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* etagc of RFC 9110 §8.8.3: any visible byte but the double quote, and
 * obs-text. */
static bool etagc(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80;
}

enum kp_err request_if_match_parse(struct arena *a, const char *h, struct plan_want *want,
                                   struct kp_fail *f)
{
	const char *p, *tag;
	long long *versions, v;
	size_t n = 0, tags = 0, max = 1;

	*want = plan_want_any;
	if (h == NULL)
		return KP_OK;
	p = skip_ows(h);
	if (*p == '*' && *skip_ows(p + 1) == '\0')
		return KP_OK;
	/* Each entity-tag is followed by a comma or the end. */
	for (tag = p; *tag != '\0'; tag++)
		max += *tag == ',';
	versions = arena_alloc(a, max * sizeof(*versions));
	for (;;) {
		p = skip_ows(p);
		if (*p == ',') { /* an empty list element, which a recipient ignores */
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		/* nginx marks an ETag weak when it compresses the answer; the
		 * version in it is the same. */
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			goto bad;
		for (tag = ++p; etagc((unsigned char)*p); p++)
			;
		if (*p != '"')
			goto bad;
		/* A well-formed tag that is no version's ETag ("0", "abc")
		 * stays in the list as one that never matches. */
		if ((v = parse_id(tag, (size_t)(p - tag))) > 0)
			versions[n++] = v;
		tags++;
		p = skip_ows(p + 1);
		if (*p != ',' && *p != '\0')
			goto bad;
	}
	if (tags == 0)
		goto bad;
	*want = (struct plan_want){false, n, versions};
	return KP_OK;
bad:
	*want = (struct plan_want){false, 0, NULL};
	return KP_FAIL(f, KP_EINVAL, "bad_if_match",
	               "If-Match must be \"*\" or a list of entity-tags such as \"7\"");
}

enum kp_err request_if_match(struct req *r, struct plan_want *want)
{
	return request_if_match_parse(r->a, FCGX_GetParam("HTTP_IF_MATCH", r->fcgx->envp), want,
	                              &r->fail);
}

/* A value holding an encoded NUL byte is no valid value: it comes back as
 * the empty string, which every caller refuses, and never as NULL, which
 * would read as absent ("role=caseworker%00" listing every role). */
const char *request_form_find(struct arena *a, const char *p, const char *name)
{
	size_t nlen = strlen(name);
	const char *end;

	if (p == NULL)
		return NULL;
	for (; *p != '\0'; p = *end ? end + 1 : end) {
		char *out, *o;
		const char *v;

		end = p + strcspn(p, "&");
		if ((size_t)(end - p) <= nlen || strncmp(p, name, nlen) != 0 || p[nlen] != '=')
			continue;
		o = out = arena_alloc(a, (size_t)(end - p));
		for (v = p + nlen + 1; v < end; v++) {
			if (*v == '+') {
				*o++ = ' ';
			} else if (*v == '%' && end - v >= 3 && kp_hex_value(v[1]) >= 0 &&
			           kp_hex_value(v[2]) >= 0) {
				char c = (char)(kp_hex_value(v[1]) << 4 | kp_hex_value(v[2]));

				if (c == '\0')
					return "";
				*o++ = c;
				v += 2;
			} else {
				*o++ = *v;
			}
		}
		*o = '\0';
		return out;
	}
	return NULL;
}

const char *request_form(struct req *r, const char *name)
{
	return request_form_find(r->a, r->raw_body, name);
}

const char *request_query(struct req *r, const char *name)
{
	return request_form_find(r->a, r->query, name);
}

const char *request_cookie_find(const char *header, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (header == NULL)
		return NULL;
	while (*p != '\0') {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			*len = (size_t)(end - p - (ptrdiff_t)nlen - 1);
			/* Trailing blanks are not part of the value. */
			while (*len > 0 && (p[nlen + *len] == ' ' || p[nlen + *len] == '\t'))
				(*len)--;
			return p + nlen + 1;
		}
		p = end;
	}
	return NULL;
}
