/* h_metrics.c: GET /metrics, the counters of both pools of this host in
 * Prometheus's text format, served by the citizen pool (nginx lets only
 * the host itself reach it). */
#include <stdio.h>

#include "internal.h"

/* Counts the live sessions in the database when the last count is
 * METRICS_SESSIONS_EVERY seconds old: one worker at a time, so that
 * however often the pool is scraped the database sees one count query per
 * interval. A failed count leaves the last one and is tried again after
 * the interval. */
static void h_metrics_sessions(struct req *r)
{
	struct metrics *m = r->w->metrics;
	long long citizens, staff;

	if (!metrics_claim(m, MTG_SESSIONS_TRIED, (long long)r->now, METRICS_SESSIONS_EVERY))
		return;
	if (session_count_live(r->w->db, r->a, r->now, &citizens, &staff) != KP_OK)
		return;
	metrics_set(m, MTG_SESSIONS_CITIZEN, citizens);
	metrics_set(m, MTG_SESSIONS_STAFF, staff);
	metrics_set(m, MTG_SESSIONS_AT, (long long)r->now);
}

enum kp_err h_metrics(struct req *r)
{
	static const char *const names[2] = {"citizen", "admin"};
	const struct metrics *pools[2] = {r->w->metrics, NULL};
	const struct metrics *admin;
	bool up[2];
	const char *text;
	char path[4096];

	h_metrics_sessions(r);
	/* The admin pool's file, read-only; a file its supervisor left
	 * behind when it was killed counts as down. */
	snprintf(path, sizeof(path), "%s/admin.metrics", r->w->run_dir ? r->w->run_dir : ".");
	admin = metrics_open(path);
	up[0] = pools[0] != NULL;
	up[1] = metrics_alive(admin);
	pools[1] = up[1] ? admin : NULL;
	text = metrics_render(r->a, pools, names, up, 2, r->now);
	metrics_unmap(admin);
	respond_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", text);
	return KP_OK;
}
