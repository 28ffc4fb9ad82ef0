/* route.c: the one place where every request is checked before a handler
 * runs: path, method, session, CSRF token and body. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "caseload.h"
#include "consent.h"
#include "internal.h"
#include "validate.h"

#define ROUTE_ATTEMPTS 3
/* A retry starts only this early in a request. A deadlock, or a connection
 * lost to a database restart, fails at once and is worth another go; an
 * attempt that took longer waited on a lock (3 s) or a read timeout
 * (db_timeout): the database is stalled, and another attempt would only
 * carry the answer past nginx's fastcgi_read_timeout. */
#define ROUTE_RETRY_WINDOW_MS 2000

/* Matches path against pattern; {id} takes a positive decimal id. */
static bool route_match(const char *pattern, const char *path, long long ids[2], size_t *nids)
{
	const char *p = pattern, *s = path;

	*nids = 0;
	while (*p != '\0') {
		if (strncmp(p, "{id}", 4) == 0) {
			size_t n = strcspn(s, "/");
			long long id = parse_id(s, n);

			if (id <= 0 || *nids >= 2)
				return false;
			ids[(*nids)++] = id;
			p += 4;
			s += n;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

static bool method_unsafe(enum http_method m)
{
	return m == M_POST || m == M_PUT || m == M_PATCH || m == M_DELETE;
}

static enum kp_err route_checks(struct req *r, const struct route *rt)
{
	const char *cookie, *csrf;
	size_t clen = 0;
	enum kp_err err;

	if (rt->flags & R_SESSION) {
		bool staff = r->w->pool == POOL_ADMIN;

		cookie = request_cookie_find(FCGX_GetParam("HTTP_COOKIE", r->fcgx->envp),
		                             login_cookies(r->w)->session, &clen);
		if (cookie == NULL)
			return KP_FAIL(&r->fail, KP_EAUTH, "unauthorized", "log in first");
		err = session_find(r->w->db, r->a, staff ? KP_ACTOR_STAFF : KP_ACTOR_CITIZEN, cookie,
		                   clen, r->now, &r->sess);
		if (err == KP_EAUTH)
			return KP_FAIL(&r->fail, KP_EAUTH, "unauthorized",
			               "your session has ended; log in again");
		if (err != KP_OK)
			return err;
		r->sess.who.request_id = r->request_id;
		if (method_unsafe(r->method) && !(rt->flags & R_NO_CSRF)) {
			csrf = FCGX_GetParam("HTTP_X_CSRF_TOKEN", r->fcgx->envp);
			if (csrf == NULL || *csrf == '\0')
				return KP_FAIL(&r->fail, KP_EFORBIDDEN, "csrf_missing",
				               "the X-CSRF-Token header is missing");
			if (!session_csrf_ok(&r->sess, csrf, strlen(csrf)))
				return KP_FAIL(&r->fail, KP_EFORBIDDEN, "csrf_invalid",
				               "the X-CSRF-Token header is wrong");
		}
		/* A leader coordinates citizens too; whether it is this
		 * citizen's coordinator, core checks. */
		if ((rt->flags & R_CASEWORKER) && !caseload_coordinator_role(r->sess.who.role))
			return KP_FAIL(&r->fail, KP_EFORBIDDEN, "caseworker_only",
			               "only the coordinating caseworker may do this");
		if ((rt->flags & R_LEADER) && !caseload_leader(&r->sess.who))
			return KP_FAIL(&r->fail, KP_EFORBIDDEN, "leader_only",
			               "only a team leader may do this");
		/* The session query read the consent state and the plan's
		 * frozen state; a change also finds the frozen state under the
		 * plan's row lock in its transaction (plan_lock). */
		if (rt->flags & R_CONSENT) {
			err = consent_gate(r->sess.consent, r->sess.frozen,
			                   (rt->flags & R_CHANGE) == R_CHANGE, &r->fail);
			if (err != KP_OK)
				return err;
			/* An ended course's plan is read only, until it is reopened. */
			if ((rt->flags & R_CHANGE) == R_CHANGE && r->sess.course_ended)
				return KP_FAIL(&r->fail, KP_ECONFLICT, "course_ended",
				               "your course has ended: the plan can only be read");
		}
	}
	if (rt->flags & (R_JSON | R_FORM))
		return request_body(r, rt);
	return KP_OK;
}

static long long route_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void route_reset_answer(struct req *r)
{
	json_decref(r->out);
	r->out = NULL;
	json_decref(r->body);
	r->body = NULL;
	r->text = NULL;
	r->nheaders = 0;
	memset(&r->fail, 0, sizeof(r->fail));
}

const struct route *route_find(const struct route *table, size_t n, enum http_method method,
                               const char *path, long long ids[2], size_t *nids, char *allow,
                               size_t allowcap)
{
	static const char *const names[M__MAX] = {
		[M_GET] = "GET", [M_POST] = "POST", [M_PUT] = "PUT",
		[M_PATCH] = "PATCH", [M_DELETE] = "DELETE"};
	size_t i;

	if (allowcap > 0)
		allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!route_match(table[i].pattern, path, ids, nids))
			continue;
		if (table[i].method == method || (method == M_HEAD && table[i].method == M_GET))
			return &table[i];
		if (allowcap > 0 && names[table[i].method] != NULL &&
		    strlen(allow) + 10 < allowcap) {
			if (*allow != '\0')
				strcat(allow, ", ");
			strcat(allow, names[table[i].method]);
		}
	}
	*nids = 0;
	return NULL;
}

void route_dispatch(struct req *r, const struct route *table, size_t n)
{
	const struct route *rt;
	char allow[64];
	enum kp_err err = KP_OK;
	long long started;
	int attempt;

	rt = route_find(table, n, r->method, r->path, r->ids, &r->nids, allow, sizeof(allow));
	/* The dev-only routes do not exist outside dev mode. */
	if (rt != NULL && (rt->flags & R_DEV) &&
	    (r->w->cfg->dev_idp_dir == NULL || r->w->cfg->dev_idp_dir[0] == '\0')) {
		rt = NULL;
		allow[0] = '\0';
	}
	r->route = rt;
	r->route_row = rt != NULL ? (int)(rt - table) : -1;
	if (rt == NULL) {
		if (*allow != '\0') {
			respond_header(r, "Allow", allow);
			respond_error(r, KP_EMETHOD);
		} else {
			respond_error(r, KP_ENOTFOUND);
		}
		return;
	}
	started = route_now_ms();
	for (attempt = 0; attempt < ROUTE_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			if (route_now_ms() - started >= ROUTE_RETRY_WINDOW_MS)
				break;
			metrics_add(r->w->metrics, MTR_DB_RETRIES, 1);
			route_reset_answer(r);
		}
		if ((err = route_checks(r, rt)) == KP_OK)
			err = rt->fn(r);
		if (err != KP_ERETRY)
			break;
	}
	if (err != KP_OK) {
		json_decref(r->out);
		r->out = NULL;
		respond_error(r, err);
	}
}
