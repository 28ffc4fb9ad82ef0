/* report.c: the overview report (see report.h). Each query groups by the
 * citizen's caseworker; the groups are added up here for the total. */
#include <stdlib.h>
#include <string.h>

#include "course.h"
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

static json_t *contact_entry(const struct db_res *r, size_t i, long long n)
{
	return json_pack("{s:{s:I, s:s}, s:I}", "contact", "id", (json_int_t)db_i64(r, i, 0),
	                 "name", db_cell(r, i, 1), "citizens", (json_int_t)n);
}

/* R for one group; takes g->contacts. */
static json_t *group_json(struct group *g)
{
	double median;
	json_t *med, *mean, *j;

	med = report_median(g->secs, g->nsecs, &median) ? json_real(round2(median / 3600))
	                                                : json_null();
	mean = g->citizens > 0 ? json_real(round2((double)g->staff_sum / (double)g->citizens))
	                       : json_null();
	j = json_pack("{s:I, s:I, s:o, s:o, s:{s:o, s:I}, s:{s:I, s:I, s:I, s:I}}",
	              "active_citizens", (json_int_t)g->active,
	              "pending_proposals", (json_int_t)g->pending,
	              "median_hours_to_decision", med,
	              "citizens_per_contact", g->contacts,
	              "staff_per_citizen", "mean", mean, "max", (json_int_t)g->staff_max,
	              "outcomes", course_outcome_names[COURSE_JOB],
	              (json_int_t)g->outcomes[COURSE_JOB], course_outcome_names[COURSE_EDUCATION],
	              (json_int_t)g->outcomes[COURSE_EDUCATION],
	              course_outcome_names[COURSE_EARLY_PENSION],
	              (json_int_t)g->outcomes[COURSE_EARLY_PENSION],
	              course_outcome_names[COURSE_OTHER], (json_int_t)g->outcomes[COURSE_OTHER]);
	g->contacts = NULL;
	return j;
}

enum kp_err report_overview(struct db *db, struct arena *a, json_t **out)
{
	struct db_res cw, cit, pend, dec, con, st;
	struct group total, *g = NULL, *x;
	json_t *list = NULL;
	enum kp_err err;
	size_t n = 0, i, k;

	*out = NULL;
	memset(&total, 0, sizeof(total));
	/* One snapshot for all six queries, so the numbers agree. */
	if ((err = db_begin(db)) != KP_OK)
		return err;
	err = db_query(db, a, DB_REPORT_CASEWORKERS, DB_NOARGS, &cw);
	if (err == KP_OK)
		err = db_query(db, a, DB_REPORT_CITIZENS, DB_NOARGS, &cit);
	if (err == KP_OK)
		err = db_query(db, a, DB_REPORT_PENDING, DB_NOARGS, &pend);
	if (err == KP_OK)
		err = db_query(db, a, DB_REPORT_DECISIONS, DB_NOARGS, &dec);
	if (err == KP_OK)
		err = db_query(db, a, DB_REPORT_CONTACTS, DB_NOARGS, &con);
	if (err == KP_OK)
		err = db_query(db, a, DB_REPORT_STAFF, DB_NOARGS, &st);
	db_rollback(db);
	if (err != KP_OK)
		goto out;
	n = cw.nrows;
	g = arena_alloc(a, sizeof(*g) * (n + 1));
	total.contacts = json_array();
	for (i = 0; i < n; i++) {
		g[i].id = db_i64(&cw, i, 0);
		g[i].name = db_cell(&cw, i, 1);
		g[i].contacts = json_array();
	}
	for (i = 0; i < cit.nrows; i++) {
		x = group_of(g, n, db_cell(&cit, i, 0));
		total.active += db_i64(&cit, i, 1);
		if (x != NULL)
			x->active += db_i64(&cit, i, 1);
		for (k = 0; k < COURSE__MAX; k++) {
			total.outcomes[k] += db_i64(&cit, i, 2 + k);
			if (x != NULL)
				x->outcomes[k] += db_i64(&cit, i, 2 + k);
		}
	}
	for (i = 0; i < pend.nrows; i++) {
		total.pending += db_i64(&pend, i, 1);
		if ((x = group_of(g, n, db_cell(&pend, i, 0))) != NULL)
			x->pending += db_i64(&pend, i, 1);
	}
	/* Rows come ordered by caseworker, so each group's times are one run:
	 * a group points at its run in a copy the total does not sort. */
	total.secs = arena_alloc(a, sizeof(double) * (dec.nrows + 1));
	{
		double *runs = arena_alloc(a, sizeof(double) * (dec.nrows + 1));

		for (i = 0; i < dec.nrows; i++) {
			total.secs[i] = runs[i] = (double)db_i64(&dec, i, 1);
			if ((x = group_of(g, n, db_cell(&dec, i, 0))) == NULL)
				continue;
			if (x->nsecs == 0)
				x->secs = &runs[i];
			x->nsecs++;
		}
		total.nsecs = dec.nrows;
	}
	/* Rows come ordered by contact: the total sums each contact's run. */
	for (i = 0; i < con.nrows; i++) {
		long long sum = 0;

		if ((x = group_of(g, n, db_cell(&con, i, 2))) != NULL)
			json_array_append_new(x->contacts, contact_entry(&con, i, db_i64(&con, i, 3)));
		for (k = i; k < con.nrows && db_i64(&con, k, 0) == db_i64(&con, i, 0); k++)
			sum += db_i64(&con, k, 3);
		if (i == 0 || db_i64(&con, i - 1, 0) != db_i64(&con, i, 0))
			json_array_append_new(total.contacts, contact_entry(&con, i, sum));
	}
	for (i = 0; i < st.nrows; i++) {
		long long count = db_i64(&st, i, 1), sum = db_i64(&st, i, 2), max = db_i64(&st, i, 3);

		total.citizens += count;
		total.staff_sum += sum;
		if (max > total.staff_max)
			total.staff_max = max;
		if ((x = group_of(g, n, db_cell(&st, i, 0))) != NULL) {
			x->citizens += count;
			x->staff_sum += sum;
			if (max > x->staff_max)
				x->staff_max = max;
		}
	}
	list = json_array();
	for (i = 0; i < n; i++) {
		json_t *e = json_pack("{s:{s:I, s:s}}", "caseworker", "id", (json_int_t)g[i].id,
		                      "name", g[i].name),
		       *r = group_json(&g[i]);

		json_object_update(e, r);
		json_decref(r);
		json_array_append_new(list, e);
	}
	*out = json_pack("{s:o, s:o}", "total", group_json(&total), "per_caseworker", list);
	list = NULL;
	if (*out == NULL)
		err = KP_EINTERNAL;
out:
	/* Contacts not yet taken by group_json, when a query failed. */
	json_decref(total.contacts);
	for (i = 0; g != NULL && i < n; i++)
		json_decref(g[i].contacts);
	json_decref(list);
	return err;
}
