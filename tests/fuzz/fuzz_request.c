/* fuzz_request.c: a request as a worker reads it, through fcgi/request.c's
 * own functions (request_read, request_body, request_if_match,
 * request_query, request_form) over a libfcgi request made in memory: the
 * parameters nginx passes and a body stream. Input: the values of
 * REQUEST_METHOD, DOCUMENT_URI, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH,
 * HTTP_IF_MATCH and REQUEST_ID, one a line, in that order (a line that is
 * missing is a parameter that is absent); what follows the seventh newline
 * is the body. The route, when the path has one, is found in the citizen,
 * admin or dev IdP table.
 *
 * Properties: the request id kept is at most 64 bytes, and it and the path
 * as the access log writes them hold no control byte; an accepted body is
 * exactly CONTENT_LENGTH bytes, at most 64 KiB, and for a JSON route an
 * object; every refusal carries a code and a message; an If-Match taken as
 * any version is absent or "*", one taken as a list holds the ETag "N" of
 * each version N it gives, and a refused one gives none; a decoded form or
 * query value is never longer than the input. */
#include <string.h>

#include <fcgiapp.h>

#include "fuzz.h"
#include "internal.h"
#include "plan.h"

#define NPARAMS 7

static const char *const param_names[NPARAMS] = {
	"REQUEST_METHOD", "DOCUMENT_URI", "QUERY_STRING", "CONTENT_TYPE",
	"CONTENT_LENGTH", "HTTP_IF_MATCH", "REQUEST_ID",
};

static struct worker worker;

/* True when h is "*" with only spaces and tabs around it. */
static bool only_star(const char *h)
{
	h += strspn(h, " \t");
	return *h == '*' && h[1 + strspn(h + 1, " \t")] == '\0';
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((worker.arena = arena_new()) == NULL)
		abort();
	worker.pool = POOL_CITIZEN;
	return 0;
}

/* libfcgi calls this when the stream's buffer is used up: the body held
 * nothing more. */
static void in_fill(FCGX_Stream *s)
{
	s->isClosed = 1;
}

/* The route of the request's method and path in one of the tables. */
static const struct route *find_route(const struct req *r, long long ids[2], size_t *nids)
{
	const struct route *rt;

	if ((rt = route_find(citizen_routes, citizen_nroutes, r->method, r->path, ids, nids, NULL,
	                     0)) != NULL ||
	    (rt = route_find(admin_routes, admin_nroutes, r->method, r->path, ids, nids, NULL,
	                     0)) != NULL)
		return rt;
	return route_find(devidp_routes, devidp_nroutes, r->method, r->path, ids, nids, NULL, 0);
}

/* A decoded form or query value is at most as long as the input. */
static void check_decoded(const char *v, const char *from)
{
	if (v != NULL)
		FUZZ_CHECK(from != NULL && strlen(v) <= strlen(from));
}

/* What goes into the access log holds no control byte (one line each). */
static void check_log_safe(const char *s)
{
	for (; *s != '\0'; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
}

static void check_fail(const struct req *r)
{
	FUZZ_CHECK(r->fail.code != NULL && r->fail.message != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *env[NPARAMS + 1], *copy = fuzz_str(data, size), *p = copy, *body = NULL;
	const char *val[NPARAMS] = {NULL};
	size_t nenv = 0, i, body_len = 0;
	FCGX_Stream in;
	FCGX_Request fcgx;
	struct req r;
	const struct route *rt;
	long long ids[2], cl;
	struct plan_want want;
	size_t nids;
	enum kp_err err;

	/* The parameters, one a line; the rest is the body (it may hold NUL
	 * bytes: it is taken from data, not from the string). */
	for (i = 0; i < NPARAMS && p != NULL; i++) {
		char *nl = memchr(p, '\n', size - (size_t)(p - copy));

		if (nl == NULL && i < NPARAMS - 1) {
			val[i] = p;
			p = NULL;
			break;
		}
		if (nl != NULL)
			*nl = '\0';
		val[i] = p;
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (p != NULL) {
		body = p;
		body_len = size - (size_t)(p - copy);
	}
	for (i = 0; i < NPARAMS; i++) {
		if (val[i] == NULL)
			continue;
		env[nenv] = arena_printf(worker.arena, "%s=%s", param_names[i], val[i]);
		nenv++;
	}
	env[nenv] = NULL;

	memset(&in, 0, sizeof(in));
	in.rdNext = in.stopUnget = (unsigned char *)(body != NULL ? body : copy);
	in.stop = in.rdNext + body_len;
	in.isReader = 1;
	in.fillBuffProc = in_fill;
	memset(&fcgx, 0, sizeof(fcgx));
	fcgx.in = &in;
	fcgx.envp = env;

	request_read(&r, &worker, &fcgx);
	FUZZ_CHECK(r.path != NULL && r.request_id != NULL);
	FUZZ_CHECK(strlen(r.request_id) <= 64);
	FUZZ_CHECK(r.method == request_method(val[0]));
	check_log_safe(text_log_safe(worker.arena, r.path));
	check_log_safe(text_log_safe(worker.arena, r.request_id));
	/* The access line's values: one logfmt value each, on one line. */
	check_log_safe(respond_logfmt(worker.arena, r.request_id));
	check_log_safe(respond_logfmt(worker.arena, r.method_name));

	rt = find_route(&r, ids, &nids);
	if (rt != NULL && (rt->flags & (R_JSON | R_FORM))) {
		err = request_body(&r, rt);
		if (err == KP_OK) {
			FUZZ_CHECK(request_content_length(val[4], &cl, NULL) == KP_OK);
			FUZZ_CHECK(r.raw_body != NULL && r.raw_len == (size_t)cl);
			FUZZ_CHECK(r.raw_len <= REQ_BODY_MAX && r.raw_len <= body_len);
			FUZZ_CHECK(memcmp(r.raw_body, body != NULL ? body : "", r.raw_len) == 0);
			if (rt->flags & R_JSON)
				FUZZ_CHECK(json_is_object(r.body));
			check_decoded(request_form(&r, "sub"), r.raw_body);
			check_decoded(request_form(&r, "aud"), r.raw_body);
		} else {
			check_fail(&r);
		}
	}

	err = request_if_match(&r, &want);
	if (err == KP_OK && want.any) {
		FUZZ_CHECK(val[5] == NULL || only_star(val[5]));
	} else if (err == KP_OK) {
		FUZZ_CHECK(val[5] != NULL && strchr(val[5], '"') != NULL);
		for (i = 0; i < want.n; i++) {
			FUZZ_CHECK(want.versions[i] > 0);
			FUZZ_CHECK(strstr(val[5], arena_printf(worker.arena, "\"%lld\"",
			                                       want.versions[i])) != NULL);
		}
	} else {
		FUZZ_CHECK(err == KP_EINVAL && !want.any && want.n == 0);
		check_fail(&r);
	}

	check_decoded(request_query(&r, "status"), r.query);
	check_decoded(request_query(&r, "role"), r.query);

	json_decref(r.body);
	json_decref(r.out);
	arena_reset(worker.arena);
	free(copy);
	return 0;
}
