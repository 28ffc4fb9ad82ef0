/* report.c: the overview report (see report.h). Each query groups by the
 * citizen's caseworker; the groups are added up here for the total. */
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "kpjson.h"
#include "report.h"

/* One column of numbers: a caseworker's citizens, or all of them. */
struct group {
	long long id;          /* the caseworker; 0 for the total */
	const char *name;
	long long active, pending, outcomes[COURSE__MAX];
	long long citizens, staff_sum, staff_max;
	double *secs;          /* seconds from proposal to decision */
	size_t nsecs;
	json_t *contacts;      /* [{"contact": {"id", "name"}, "citizens"}] */
};

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

bool report_median(double *v, size_t n, double *out)
{
	if (n == 0)
		return false;
	qsort(v, n, sizeof(*v), cmp_double);
	*out = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return true;
}

/* Two decimals, without libm. */
static double round2(double x)
{
	double s = x < 0 ? -1 : 1;

	return s * (double)(long long)(s * x * 100 + 0.5) / 100;
}

/* The group of a caseworker id cell; NULL for none or one not listed. */
static struct group *group_of(struct group *g, size_t n, const char *cell)
{
	long long id;
	size_t i;

	if (cell == NULL)
		return NULL;
	id = strtoll(cell, NULL, 10);
	for (i = 0; i < n; i++)
		if (g[i].id == id)
			return &g[i];
	return NULL;
}

/* A row of DB_REPORT_CITIZENS. */
struct report_citizens {
	const char *caseworker;  /* the id cell; NULL: none */
	long long active, outcomes[COURSE__MAX];
};

static void report_citizens_fill(const struct db_res *r, size_t i, struct report_citizens *c)
{
	static const enum db_col_report_citizens col[COURSE__MAX] = {
		[COURSE_JOB] = RC_JOB, [COURSE_EDUCATION] = RC_EDUCATION,
		[COURSE_EARLY_PENSION] = RC_EARLY_PENSION, [COURSE_OTHER] = RC_OTHER,
		[COURSE_MOVED_AWAY] = RC_MOVED_AWAY, [COURSE_CONSENT_WITHDRAWN] = RC_CONSENT_WITHDRAWN,
	};
	size_t k;

	c->caseworker = db_cell(r, i, RC_CASEWORKER_ID);
	c->active = db_i64(r, i, RC_ACTIVE);
	for (k = 0; k < COURSE__MAX; k++)
		c->outcomes[k] = db_i64(r, i, col[k]);
}

/* A row of DB_REPORT_CONTACTS. */
struct report_contact {
	long long id, citizens;
	const char *name, *caseworker;
};

static void report_contact_fill(const struct db_res *r, size_t i, struct report_contact *c)
{
	c->id = db_i64(r, i, RT_CONTACT_ID);
	c->name = db_cell(r, i, RT_CONTACT_NAME);
	c->caseworker = db_cell(r, i, RT_CASEWORKER_ID);
	c->citizens = db_i64(r, i, RT_CITIZENS);
}

/* A row of DB_REPORT_STAFF. */
struct report_staff {
	const char *caseworker;
	long long citizens, sum, max;
};

static void report_staff_fill(const struct db_res *r, size_t i, struct report_staff *st)
{
	st->caseworker = db_cell(r, i, RS_CASEWORKER_ID);
	st->citizens = db_i64(r, i, RS_CITIZENS);
	st->sum = db_i64(r, i, RS_STAFF_SUM);
	st->max = db_i64(r, i, RS_STAFF_MAX);
}

static json_t *contact_entry(const struct report_contact *c, long long n)
{
	return json_pack("{s:{s:I, s:s}, s:I}", "contact", "id", (json_int_t)c->id, "name", c->name,
	                 "citizens", (json_int_t)n);
}

/* Adds a group's count of staff per citizen. */
static void staff_add(struct group *x, const struct report_staff *st)
{
	x->citizens += st->citizens;
	x->staff_sum += st->sum;
	if (st->max > x->staff_max)
		x->staff_max = st->max;
}

/* R for one group; takes g->contacts. */
static json_t *group_json(struct group *g)
{
	double median;
	json_t *med, *mean, *outcomes, *j;
	size_t k;

	med = report_median(g->secs, g->nsecs, &median) ? json_real(round2(median / 3600))
	                                                : json_null();
	mean = g->citizens > 0 ? json_real(round2((double)g->staff_sum / (double)g->citizens))
	                       : json_null();
	outcomes = json_object();
	for (k = 0; outcomes != NULL && k < COURSE__MAX; k++)
		if (json_object_set_new(outcomes, course_outcome_names[k],
		                        json_integer((json_int_t)g->outcomes[k])) != 0) {
			json_decref(outcomes);
			outcomes = NULL;
		}
	j = json_pack("{s:I, s:I, s:o, s:o, s:{s:o, s:I}, s:o}",
	              "active_citizens", (json_int_t)g->active,
	              "pending_proposals", (json_int_t)g->pending,
	              "median_hours_to_decision", med,
	              "citizens_per_contact", g->contacts,
	              "staff_per_citizen", "mean", mean, "max", (json_int_t)g->staff_max,
	              "outcomes", outcomes);
	g->contacts = NULL;
	return j;
}

/* The six queries' rows, read in one snapshot so the numbers agree. */
struct report_rows {
	struct db_res cw, cit, pend, dec, con, st;
};

static enum kp_err report_read(struct db *db, struct arena *a, struct report_rows *q)
{
	enum kp_err err;

	if ((err = db_tx_begin(db)) != KP_OK)
		return err;
	if ((err = db_query(db, a, DB_REPORT_CASEWORKERS, DB_NOARGS, &q->cw)) != KP_OK ||
	    (err = db_query(db, a, DB_REPORT_CITIZENS, DB_NOARGS, &q->cit)) != KP_OK ||
	    (err = db_query(db, a, DB_REPORT_PENDING, DB_NOARGS, &q->pend)) != KP_OK ||
	    (err = db_query(db, a, DB_REPORT_DECISIONS, DB_NOARGS, &q->dec)) != KP_OK ||
	    (err = db_query(db, a, DB_REPORT_CONTACTS, DB_NOARGS, &q->con)) != KP_OK)
		goto out;
	err = db_query(db, a, DB_REPORT_STAFF, DB_NOARGS, &q->st);
out:
	return db_tx_end(db, err);
}

enum kp_err report_overview(struct db *db, struct arena *a, json_t **out)
{
	struct report_rows q;
	const struct db_res *cw = &q.cw, *cit = &q.cit, *pend = &q.pend, *dec = &q.dec,
	                    *con = &q.con, *st = &q.st;
	struct group total, *g = NULL, *x;
	struct report_citizens rc;
	struct report_contact ct, first;
	struct report_staff rs;
	json_t *list = NULL;
	double *runs;
	enum kp_err err;
	size_t n = 0, i, k;

	*out = NULL;
	memset(&total, 0, sizeof(total));
	if ((err = report_read(db, a, &q)) != KP_OK)
		return err;
	err = KP_EINTERNAL;
	n = cw->nrows;
	g = arena_alloc(a, sizeof(*g) * (n + 1));
	if ((total.contacts = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		g[i].id = db_i64(cw, i, RW_ID);
		g[i].name = db_cell(cw, i, RW_NAME);
		if ((g[i].contacts = json_array()) == NULL)
			goto out;
	}
	for (i = 0; i < cit->nrows; i++) {
		report_citizens_fill(cit, i, &rc);
		x = group_of(g, n, rc.caseworker);
		total.active += rc.active;
		if (x != NULL)
			x->active += rc.active;
		for (k = 0; k < COURSE__MAX; k++) {
			total.outcomes[k] += rc.outcomes[k];
			if (x != NULL)
				x->outcomes[k] += rc.outcomes[k];
		}
	}
	for (i = 0; i < pend->nrows; i++) {
		total.pending += db_i64(pend, i, RP_COUNT);
		if ((x = group_of(g, n, db_cell(pend, i, RP_CASEWORKER_ID))) != NULL)
			x->pending += db_i64(pend, i, RP_COUNT);
	}
	/* Rows come ordered by caseworker, so each group's times are one run:
	 * a group points at its run in a copy the total does not sort. */
	total.secs = arena_alloc(a, sizeof(double) * (dec->nrows + 1));
	runs = arena_alloc(a, sizeof(double) * (dec->nrows + 1));
	for (i = 0; i < dec->nrows; i++) {
		total.secs[i] = runs[i] = (double)db_i64(dec, i, RD_SECS);
		if ((x = group_of(g, n, db_cell(dec, i, RD_CASEWORKER_ID))) == NULL)
			continue;
		if (x->nsecs == 0)
			x->secs = &runs[i];
		x->nsecs++;
	}
	total.nsecs = dec->nrows;
	/* Rows come ordered by contact: the total sums each contact's run. */
	for (i = 0; i < con->nrows; i++) {
		long long sum = 0;

		report_contact_fill(con, i, &first);
		if ((x = group_of(g, n, first.caseworker)) != NULL &&
		    kp_json_push(x->contacts, contact_entry(&first, first.citizens)) != 0)
			goto out;
		if (i > 0 && db_i64(con, i - 1, RT_CONTACT_ID) == first.id)
			continue;
		for (k = i; k < con->nrows; k++) {
			report_contact_fill(con, k, &ct);
			if (ct.id != first.id)
				break;
			sum += ct.citizens;
		}
		if (kp_json_push(total.contacts, contact_entry(&first, sum)) != 0)
			goto out;
	}
	for (i = 0; i < st->nrows; i++) {
		report_staff_fill(st, i, &rs);
		staff_add(&total, &rs);
		if ((x = group_of(g, n, rs.caseworker)) != NULL)
			staff_add(x, &rs);
	}
	if ((list = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		json_t *e = json_pack("{s:{s:I, s:s}}", "caseworker", "id", (json_int_t)g[i].id,
		                      "name", g[i].name),
		       *r = group_json(&g[i]);
		int bad = e == NULL || r == NULL || json_object_update(e, r) != 0;

		json_decref(r);
		if (bad) {
			json_decref(e);
			goto out;
		}
		if (kp_json_push(list, e) != 0)
			goto out;
	}
	/* json_pack takes list and the total's group, on failure too. */
	*out = json_pack("{s:o, s:o}", "total", group_json(&total), "per_caseworker", list);
	list = NULL;
	if (*out != NULL)
		err = KP_OK;
out:
	/* Contacts not yet taken by group_json. */
	json_decref(total.contacts);
	for (i = 0; g != NULL && i < n; i++)
		json_decref(g[i].contacts);
	json_decref(list);
	return err;
}
