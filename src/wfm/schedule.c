/*
 * Schedules and adherence.
 *
 * The scheduler covers a required staffing curve with shifts: each agent
 * gets at most one shift of the rule's length, inside the agent's
 * availability, with its breaks (lunch included) placed within their
 * windows. Cost of a
 * coverage, per interval = 2 x (agents short)^2 + (agents over): being
 * short hurts callers, and more so the deeper it is; being over only costs
 * money. A greedy pass
 * adds the shift that lowers the cost most (an agent's preferred start
 * breaks ties) until none does; a local search then moves shifts and
 * breaks while that lowers the cost.
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
 * better than one interval ten short, so breaks get staggered. */
static long interval_cost(int cover, int req)
{
	return cover < req ? SHORT_WEIGHT * (long)(req - cover) * (req - cover)
			   : cover - req;
}

static bool in_break(const struct wfm_shift_rules *r, const size_t *offv,
		     size_t start, size_t t)
{
	size_t b;

	for (b = 0; b < r->breakc; b++) {
		if (t >= start + offv[b] && t < start + offv[b] + r->breakv[b].len)
			return true;
	}
	return false;
}

static long cost_delta(const int *cover, const unsigned *req, size_t n,
		       const struct wfm_shift_rules *r, size_t start,
		       const size_t *offv, int sign)
{
	long d = 0;
	size_t t;

	for (t = start; t < start + r->length && t < n; t++) {
		if (in_break(r, offv, start, t))
			continue;
		d += interval_cost(cover[t] + sign, (int)req[t]) -
		     interval_cost(cover[t], (int)req[t]);
	}
	return d;
}

static void apply(int *cover, size_t n, const struct wfm_shift_rules *r,
		  size_t start, const size_t *offv, int sign)
{
	size_t t;

	for (t = start; t < start + r->length && t < n; t++) {
		if (!in_break(r, offv, start, t))
			cover[t] += sign;
	}
}

/* Whether break b at offset p overlaps another break. */
static bool overlaps(const struct wfm_shift_rules *r, const size_t *offv,
		     size_t b, size_t p)
{
	size_t o;

	for (o = 0; o < r->breakc; o++) {
		if (o != b && p < offv[o] + r->breakv[o].len &&
		    offv[o] < p + r->breakv[b].len)
			return true;
	}
	return false;
}

/* Best breaks for a shift at start: each break moved in turn to its best
 * place in its window, the others held (two rounds). */
static long place_breaks(const int *cover, const unsigned *req, size_t n,
			 const struct wfm_shift_rules *r, size_t start,
			 size_t *offv)
{
	long best;
	size_t b, p, round;

	for (b = 0; b < r->breakc; b++)
		offv[b] = r->breakv[b].earliest;
	best = cost_delta(cover, req, n, r, start, offv, +1);
	for (round = 0; round < 2; round++) {
		for (b = 0; b < r->breakc; b++) {
			size_t keep = offv[b];

			for (p = r->breakv[b].earliest;
			     p <= r->breakv[b].latest; p++) {
				long d;

				if (overlaps(r, offv, b, p))
					continue;
				offv[b] = p;
				d = cost_delta(cover, req, n, r, start, offv,
					       +1);
				if (d < best || overlaps(r, offv, b, keep)) {
					best = d;
					keep = p;
				}
			}
			offv[b] = keep;
		}
	}
	return best;
}

/* Best shift for an agent given the coverage: its cost delta (LONG_MAX
 * when no shift fits), start and break offsets. */
static long best_place(const int *cover, const unsigned *req, size_t n,
		       const struct wfm_shift_rules *r,
		       const struct wfm_agent_avail *av,
		       struct wfm_assignment *outp)
{
	long best = 0x7fffffffL;
	size_t s, bestdist = (size_t)-1, offv[WFM_BREAKS_MAX];

	for (s = av->from; s + r->length <= av->to && s + r->length <= n;
	     s++) {
		long d = place_breaks(cover, req, n, r, s, offv);
		size_t dist = av->pref_start == WFM_NO_PREF ? 0
			      : s > av->pref_start ? s - av->pref_start
						   : av->pref_start - s;

		if (d < best || (d == best && dist < bestdist)) {
			best = d;
			bestdist = dist;
			outp->start = s;
			memcpy(outp->breakv, offv, sizeof(offv));
		}
	}
	return best;
}

static int rules_check(const struct wfm_shift_rules *r)
{
	size_t b, need = 0;

	if (!r->length || r->breakc > WFM_BREAKS_MAX)
		return EINVAL;
	for (b = 0; b < r->breakc; b++) {
		const struct wfm_break_rule *br = &r->breakv[b];

		if (!br->len || br->latest < br->earliest ||
		    br->latest + br->len > r->length)
			return EINVAL;
		need += br->len;
	}
	return need < r->length ? 0 : EINVAL;
}

int wfm_schedule(struct wfm_assignment *outv, int *cover,
		 const unsigned *req, size_t n,
		 const struct wfm_shift_rules *r,
		 const struct wfm_agent_avail *avv, size_t agents)
{
	size_t a, pass;
	bool improved;

	if (!outv || !cover || !req || !r || !avv || rules_check(r))
		return EINVAL;
	memset(cover, 0, n * sizeof(*cover));
	memset(outv, 0, agents * sizeof(*outv));
	/* Greedy: the single best addition each round. */
	for (;;) {
		struct wfm_assignment best_as = {0}, as;
		long best = 0;
		size_t who = agents;

		for (a = 0; a < agents; a++) {
			long d;

			if (outv[a].assigned)
				continue;
			memset(&as, 0, sizeof(as));
			d = best_place(cover, req, n, r, &avv[a], &as);
			if (d < best) {
				best = d;
				who = a;
				best_as = as;
			}
		}
		if (who == agents)
			break;
		best_as.assigned = true;
		outv[who] = best_as;
		apply(cover, n, r, best_as.start, best_as.breakv, +1);
	}
	/* Local search: move a shift or its breaks where it costs less. */
	for (pass = 0, improved = true; improved && pass < 50; pass++) {
		improved = false;
		for (a = 0; a < agents; a++) {
			struct wfm_assignment as = {0};
			long now, moved;

			if (!outv[a].assigned)
				continue;
			apply(cover, n, r, outv[a].start, outv[a].breakv, -1);
			now = cost_delta(cover, req, n, r, outv[a].start,
					 outv[a].breakv, +1);
			moved = best_place(cover, req, n, r, &avv[a], &as);
			if (moved < now) {
				as.assigned = true;
				outv[a] = as;
				improved = true;
			}
			apply(cover, n, r, outv[a].start, outv[a].breakv, +1);
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
