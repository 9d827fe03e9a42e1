/*
 * Schedules and adherence.
 *
 * The scheduler covers a required staffing curve with shifts: each agent
 * gets at most one shift of the rule's length, inside the agent's
 * availability, with a lunch placed within the rule's window. Cost of a
 * coverage, per interval = 2 x (agents short)^2 + (agents over): being
 * short hurts callers, and more so the deeper it is; being over only costs
 * money. A greedy pass
 * adds the shift that lowers the cost most (an agent's preferred start
 * breaks ties) until none does; a local search then moves shifts and
 * lunches while that lowers the cost.
 *
 * Adherence compares what an agent did with the plan: scheduled work is
 * kept by being logged in and not away; a scheduled break by being away
 * for a planned reason (break, lunch, training, meeting) or logged out.
 * Away for any other reason (technical problem, missed, connection lost)
 * never counts as adherent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "wfm.h"

enum { SHORT_WEIGHT = 2 };

/* Shortfall costs its square (twice): ten intervals one agent short are
 * better than one interval ten short, so lunches get staggered. */
static long interval_cost(int cover, int req)
{
	return cover < req ? SHORT_WEIGHT * (long)(req - cover) * (req - cover)
			   : cover - req;
}

static long cost_delta(const int *cover, const unsigned *req, size_t n,
		       const struct wfm_shift_rules *r, size_t start,
		       size_t lunch, int sign)
{
	long d = 0;
	size_t t;

	for (t = start; t < start + r->length && t < n; t++) {
		int c = cover[t], nc;
		long before, after;

		if (r->lunch_len && t >= start + lunch &&
		    t < start + lunch + r->lunch_len)
			continue;
		nc = c + sign;
		before = interval_cost(c, (int)req[t]);
		after = interval_cost(nc, (int)req[t]);
		d += after - before;
	}
	return d;
}

static void apply(int *cover, size_t n, const struct wfm_shift_rules *r,
		  size_t start, size_t lunch, int sign)
{
	size_t t;

	for (t = start; t < start + r->length && t < n; t++) {
		if (r->lunch_len && t >= start + lunch &&
		    t < start + lunch + r->lunch_len)
			continue;
		cover[t] += sign;
	}
}

/* Best (start, lunch) for agent a given the coverage; returns the cost
 * delta of adding it (LONG_MAX when no shift fits). */
static long best_place(const int *cover, const unsigned *req, size_t n,
		       const struct wfm_shift_rules *r,
		       const struct wfm_agent_avail *av, size_t *startp,
		       size_t *lunchp)
{
	long best = 0x7fffffffL;
	size_t s, l, lo = r->lunch_len ? r->lunch_earliest : 0;
	size_t hi = r->lunch_len ? r->lunch_latest : 0;
	size_t bestdist = (size_t)-1;

	for (s = av->from; s + r->length <= av->to && s + r->length <= n;
	     s++) {
		for (l = lo; l <= hi; l++) {
			long d = cost_delta(cover, req, n, r, s, l, +1);
			size_t dist = av->pref_start == WFM_NO_PREF ? 0
				      : s > av->pref_start
					      ? s - av->pref_start
					      : av->pref_start - s;

			if (d < best || (d == best && dist < bestdist)) {
				best = d;
				bestdist = dist;
				*startp = s;
				*lunchp = l;
			}
		}
	}
	return best;
}

int wfm_schedule(struct wfm_assignment *outv, int *cover,
		 const unsigned *req, size_t n,
		 const struct wfm_shift_rules *r,
		 const struct wfm_agent_avail *avv, size_t agents)
{
	size_t a, pass;
	bool improved;

	if (!outv || !cover || !req || !r || !avv || !r->length ||
	    (r->lunch_len && (r->lunch_latest < r->lunch_earliest ||
			      r->lunch_latest + r->lunch_len > r->length)))
		return EINVAL;
	memset(cover, 0, n * sizeof(*cover));
	for (a = 0; a < agents; a++)
		outv[a] = (struct wfm_assignment){false, 0, 0};
	/* Greedy: the single best addition each round. */
	for (;;) {
		long best = 0;
		size_t who = agents, bs = 0, bl = 0;

		for (a = 0; a < agents; a++) {
			size_t s = 0, l = 0;
			long d;

			if (outv[a].assigned)
				continue;
			d = best_place(cover, req, n, r, &avv[a], &s, &l);
			if (d < best) {
				best = d;
				who = a;
				bs = s;
				bl = l;
			}
		}
		if (who == agents)
			break;
		outv[who] = (struct wfm_assignment){true, bs, bl};
		apply(cover, n, r, bs, bl, +1);
	}
	/* Local search: move a shift or its lunch where it costs less. */
	for (pass = 0, improved = true; improved && pass < 50; pass++) {
		improved = false;
		for (a = 0; a < agents; a++) {
			size_t s = 0, l = 0;
			long now, moved;

			if (!outv[a].assigned)
				continue;
			apply(cover, n, r, outv[a].start, outv[a].lunch, -1);
			now = cost_delta(cover, req, n, r, outv[a].start,
					 outv[a].lunch, +1);
			moved = best_place(cover, req, n, r, &avv[a], &s, &l);
			if (moved < now) {
				outv[a].start = s;
				outv[a].lunch = l;
				improved = true;
			}
			apply(cover, n, r, outv[a].start, outv[a].lunch, +1);
		}
	}
	return 0;
}

bool wfm_reason_planned(const char *reason)
{
	static const char *planned[] = {"break", "lunch", "training",
					"meeting"};
	size_t i;

	for (i = 0; reason && i < sizeof(planned) / sizeof(planned[0]); i++) {
		if (!strcasecmp(reason, planned[i]))
			return true;
	}
	return false;
}

static bool span_adheres(const struct wfm_state_span *sp,
			 enum wfm_activity plan)
{
	switch (plan) {
	case WFM_WORK:
		return sp->kind == WFM_SPAN_WORKING;
	case WFM_BREAK:
		return sp->kind == WFM_SPAN_LOGGED_OUT ||
		       (sp->kind == WFM_SPAN_AWAY && sp->planned);
	case WFM_OFF:
	default:
		return false;
	}
}

int wfm_adherence(struct wfm_adherence *out, const uint8_t *plan, size_t n,
		  int64_t day_start, int64_t interval_ms,
		  const struct wfm_state_span *spanv, size_t spanc)
{
	size_t t, i;

	if (!out || !plan || interval_ms <= 0)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	for (t = 0; t < n; t++) {
		int64_t a = day_start + (int64_t)t * interval_ms;
		int64_t b = a + interval_ms;

		if (plan[t] == WFM_OFF)
			continue;
		out->scheduled_ms += interval_ms;
		for (i = 0; i < spanc; i++) {
			int64_t s = spanv[i].start > a ? spanv[i].start : a;
			int64_t e = spanv[i].end < b ? spanv[i].end : b;

			if (e <= s)
				continue;
			if (span_adheres(&spanv[i], plan[t]))
				out->adherent_ms += e - s;
			else if (spanv[i].kind == WFM_SPAN_AWAY &&
				 !spanv[i].planned)
				out->unplanned_ms += e - s;
		}
	}
	out->pct = out->scheduled_ms
			   ? 100.0 * (double)out->adherent_ms /
				     (double)out->scheduled_ms
			   : -1;
	return 0;
}
