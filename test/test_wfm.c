/*
 * Tests of the staffing mathematics: Erlang C against reference values,
 * stability at thousands of agents, Erlang A against its identities
 * (infinite patience is Erlang C; every caller is answered or abandons),
 * the search for the smallest staff, and shrinkage.
 */
#include <stdint.h>
#include <stdlib.h>
#include "wfm/sim.h"
#include "wfm/wfm.h"
#include "test.h"

static int erlang_c_reference(void)
{
	struct wfm_load load = {100.0 / 1800, 180, 0};
	struct wfm_target target = {0.80, 20, 0, 0};
	struct wfm_figures f;
	unsigned n = 0;
	int err = 0;

	TEST_ERR(wfm_erlang_c(&f, &load, 13, 20));
	TEST_NEAR(f.p_wait, 0.2853, 5e-5);
	TEST_NEAR(f.occupancy, 10.0 / 13, 1e-12);
	TEST_NEAR(f.asa, 0.28527045 * 180 / 3, 1e-4);
	TEST_ERR(wfm_required(&n, &load, &target));
	TEST_EQ(n, 14);
	/* An ASA target of 5 s needs 15; an occupancy cap of 70 % too. */
	target.asa_s = 5;
	TEST_ERR(wfm_required(&n, &load, &target));
	TEST_EQ(n, 15);
	target.asa_s = 0;
	target.max_occupancy = 0.70;
	TEST_ERR(wfm_required(&n, &load, &target));
	TEST_EQ(n, 15);
	/* Unstable: as many agents as erlangs. */
	TEST_ERR(wfm_erlang_c(&f, &load, 10, 20));
	TEST_ASSERT(!f.stable);
	TEST_NEAR(f.p_wait, 1, 0);
	/* Erlang B by the recursion: B(2, 1) = 0.2. */
	TEST_NEAR(wfm_erlang_b(2, 1), 0.2, 1e-12);
out:
	return err;
}

static int erlang_c_large_center(void)
{
	/* 4,800 erlangs on 5,000 agents: no overflow, sensible figures. */
	struct wfm_load load = {4800.0 / 300, 300, 0};
	struct wfm_target target = {0.90, 10, 0, 0};
	struct wfm_figures f;
	unsigned n = 0;
	int err = 0;

	TEST_ERR(wfm_erlang_c(&f, &load, 5000, 20));
	TEST_ASSERT(isfinite(f.p_wait) && f.p_wait > 0 && f.p_wait < 0.01);
	TEST_ASSERT(f.sl > 0.99 && f.sl <= 1);
	TEST_ERR(wfm_required(&n, &load, &target));
	TEST_ASSERT(n > 4800 && n < 4900);
out:
	return err;
}

static int erlang_a_infinite_patience_is_erlang_c(void)
{
	struct wfm_load c = {100.0 / 1800, 180, 0};
	struct wfm_load a = {100.0 / 1800, 180, 1e9};
	struct wfm_figures fc, fa;
	int err = 0;

	TEST_ERR(wfm_erlang_c(&fc, &c, 13, 20));
	TEST_ERR(wfm_erlang_a(&fa, &a, 13, 20));
	TEST_NEAR(fa.p_wait, fc.p_wait, 1e-4);
	TEST_NEAR(fa.sl, fc.sl, 1e-3);
	TEST_NEAR(fa.asa, fc.asa, 0.05);
	TEST_NEAR(fa.p_abandon, 0, 1e-5);
out:
	return err;
}

static int erlang_a_identities(void)
{
	struct wfm_load load = {100.0 / 1800, 180, 60};
	struct wfm_figures f, g, far;
	int err = 0;

	TEST_ERR(wfm_erlang_a(&f, &load, 10, 20));
	/* Callers hanging up keep an under-staffed center stable and make
	 * waiting shorter than Erlang C would say. */
	TEST_ASSERT(f.p_abandon > 0.05 && f.p_abandon < 0.5);
	TEST_ASSERT(f.p_wait < 1);
	/* Little's law for abandonment: P(ab) = theta E[W] (exp patience). */
	TEST_NEAR(f.p_abandon, f.avg_wait / 60, 1e-6);
	/* Everyone waiting is answered or leaves: SL over an endless
	 * threshold is 1 - P(abandon). */
	TEST_ERR(wfm_erlang_a(&far, &load, 10, 1e4));
	TEST_NEAR(far.sl, 1 - far.p_abandon, 1e-4);
	/* More agents: less waiting, fewer abandons, better SL. */
	TEST_ERR(wfm_erlang_a(&g, &load, 12, 20));
	TEST_ASSERT(g.p_wait < f.p_wait && g.p_abandon < f.p_abandon &&
		    g.sl > f.sl);
out:
	return err;
}

static int shrinkage_and_bad_input(void)
{
	struct wfm_load load = {-1, 180, 0};
	struct wfm_target target = {0.8, 20, 0, 0};
	struct wfm_figures f;
	unsigned n;
	int err = 0;

	TEST_EQ(wfm_scheduled(14, 0.30), 20);
	TEST_EQ(wfm_scheduled(14, 0), 14);
	TEST_EQ(wfm_scheduled(7, 0.30), 10);
	TEST_EQ(wfm_required(&n, &load, &target), EINVAL);
	load.rate = 1;
	target.sl = 1.5;
	TEST_EQ(wfm_required(&n, &load, &target), EINVAL);
	TEST_EQ(wfm_erlang_c(&f, &load, 0, 20), EINVAL);
out:
	return err;
}

/* One queue, Poisson arrivals (100 per 30 min), exponential handling
 * (180 s), the real routing engine: 10 replications of 9 hours after a
 * 1-hour warm-up. */
static void single_queue(struct sim_scenario *sc, unsigned agents,
			 double patience)
{
	size_t i;

	memset(sc, 0, sizeof(*sc));
	sc->duration = 36000;
	sc->warmup = 3600;
	sc->interval = 1800;
	sc->replications = 10;
	sc->seed = 1;
	sc->queuec = 1;
	snprintf(sc->queuev[0].name, sizeof(sc->queuev[0].name), "q");
	sc->queuev[0].acd.id = 1;
	sc->queuev[0].acd.sl_threshold_ms = 20000;
	for (i = 0; i < SIM_INTERVALS_MAX; i++)
		sc->queuev[0].rate[i] = 100.0 / 1800;
	sc->queuev[0].handle.mean = 180;
	sc->queuev[0].patience = patience;
	sc->groupc = 1;
	sc->groupv[0].count = agents;
	sc->groupv[0].queuec = 1;
	sc->groupv[0].queuev[0] = 1;
}

/* Mean and CI of a figure (0 SL %, 1 ASA s, 2 abandonment %). */
static void figure_ci(const struct sim_result *resv, unsigned n, int which,
		      double *mean, double *half)
{
	double xs[SIM_REPS_MAX];
	struct acd_figures f;
	unsigned r;

	for (r = 0; r < n; r++) {
		acd_figures_compute(&f, &resv[r].total[0]);
		xs[r] = which == 0 ? f.sl_pct
			: which == 1 ? f.asa_ms / 1000 : f.abandon_pct;
	}
	sim_ci(xs, n, mean, half);
}

static int simulator_agrees_with_erlang_c(void)
{
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	struct sim_result *resv = calloc(10, sizeof(*resv));
	struct wfm_load load = {100.0 / 1800, 180, 0};
	struct wfm_figures f;
	double mean, half;
	int err = 0;

	TEST_ASSERT(sc && resv);
	single_queue(sc, 14, 0);
	TEST_ERR(sim_run_all(sc, resv, 2));
	TEST_ERR(wfm_erlang_c(&f, &load, 14, 20));
	figure_ci(resv, 10, 0, &mean, &half);
	TEST_ASSERT(fabs(mean - 100 * f.sl) <= half);
	figure_ci(resv, 10, 1, &mean, &half);
	TEST_ASSERT(fabs(mean - f.asa) <= half);
	TEST_ASSERT(resv[0].total[0].offered > 1500);
out:
	free(sc);
	free(resv);
	return err;
}

static int simulator_agrees_with_erlang_a(void)
{
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	struct sim_result *resv = calloc(10, sizeof(*resv));
	struct wfm_load load = {100.0 / 1800, 180, 60};
	struct wfm_figures f;
	double mean, half;
	int err = 0;

	TEST_ASSERT(sc && resv);
	single_queue(sc, 12, 60);
	TEST_ERR(sim_run_all(sc, resv, 2));
	TEST_ERR(wfm_erlang_a(&f, &load, 12, 20));
	figure_ci(resv, 10, 0, &mean, &half);
	TEST_ASSERT(fabs(mean - 100 * f.sl) <= half);
	figure_ci(resv, 10, 1, &mean, &half);
	TEST_ASSERT(fabs(mean - f.asa) <= half);
	figure_ci(resv, 10, 2, &mean, &half);
	TEST_ASSERT(fabs(mean - 100 * f.p_abandon) <= half);
	/* And not with Erlang C, which ignores those who hang up. */
	TEST_ERR(wfm_erlang_c(&f, &load, 12, 20));
	figure_ci(resv, 10, 0, &mean, &half);
	TEST_ASSERT(fabs(mean - 100 * f.sl) > half);
out:
	free(sc);
	free(resv);
	return err;
}

static double gauss(unsigned *seed)
{
	double u1 = (rand_r(seed) + 1.0) / (RAND_MAX + 2.0);
	double u2 = (rand_r(seed) + 1.0) / (RAND_MAX + 2.0);

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* Four weeks of 30-minute intervals: a daily curve, weekends at half
 * volume, noise with sd 3; one Wednesday a holiday with no calls. */
static void history(double *y, double *truth, bool *hol, size_t n)
{
	unsigned seed = 7;
	size_t i;

	for (i = 0; i < n; i++) {
		size_t slot = i % 48, day = i / 48;
		double base = 10 + 60 * sin(M_PI * slot / 48);

		if (day % 7 >= 5)
			base *= 0.5;
		truth[i] = base;
		y[i] = base + 3 * gauss(&seed);
		if (y[i] < 0)
			y[i] = 0;
		hol[i] = day == 9;
		if (hol[i])
			y[i] = 0;
	}
}

static int forecast_known_seasonality(void)
{
	enum { N = 48 * 28 };
	double y[N], truth[N], fc[48], mape = 0, mape_unmarked = 0, floor_;
	bool hol[N];
	unsigned req[48];
	struct wfm_target target = {0.8, 20, 0, 0};
	int err = 0;

	history(y, truth, hol, N);
	/* The error of knowing the true curve: the noise floor. */
	floor_ = wfm_mape(y + N - 336, truth + N - 336, NULL, 336);
	/* Held-out last week, daily and weekly seasonality: close to the
	 * floor, and far better than daily seasonality alone. */
	TEST_ERR(wfm_forecast_holdout(&mape, y, hol, N, 48, 336, 336));
	TEST_ASSERT(mape >= 0 && mape < 1.3 * floor_);
	TEST_ERR(wfm_forecast_holdout(&mape_unmarked, y, hol, N, 48, 0, 336));
	TEST_ASSERT(mape_unmarked > 2 * mape);
	/* Not telling the model about the holiday makes it worse. */
	TEST_ERR(wfm_forecast_holdout(&mape_unmarked, y, NULL, N, 48, 336,
				      336));
	TEST_ASSERT(mape_unmarked > mape);
	/* Saturday noon is about half of Wednesday noon's forecast. */
	TEST_ERR(wfm_forecast(fc, 48, y, hol, 48 * 26, 48, 336));
	TEST_NEAR(fc[24], 35, 6); /* day 26 is a Saturday: 0.5 x 70 */
	/* Forecast -> staffing curve: more agents at noon than at dawn. */
	TEST_ERR(wfm_staffing_curve(req, fc, 48, 1800, 180, 0, &target));
	TEST_ASSERT(req[24] > req[2]);
	TEST_EQ(wfm_forecast(fc, 48, y, hol, 400, 48, 336), EINVAL);
out:
	return err;
}

static int schedule_covers_known_curve(void)
{
	struct wfm_shift_rules r = {16, {{0}}, 0};
	struct wfm_agent_avail av[10];
	struct wfm_assignment as[10];
	unsigned req[48] = {0};
	int cover[48];
	size_t i, used = 0;
	int err = 0;

	for (i = 16; i < 32; i++)
		req[i] = 6;
	for (i = 0; i < 10; i++)
		av[i] = (struct wfm_agent_avail){0, 48, WFM_NO_PREF};
	TEST_ERR(wfm_schedule(as, cover, req, 48, &r, av, 10));
	for (i = 0; i < 48; i++)
		TEST_EQ(cover[i], (int)req[i]);
	for (i = 0; i < 10; i++)
		used += as[i].assigned;
	TEST_EQ(used, 6);
	/* With a lunch hour to place, staffing never falls short by more
	 * than the lunches can explain, and an agent only available in the
	 * evening is never given the day shift. */
	r = (struct wfm_shift_rules){18, {{2, 6, 10}}, 1};
	av[9] = (struct wfm_agent_avail){30, 48, WFM_NO_PREF};
	TEST_ERR(wfm_schedule(as, cover, req, 48, &r, av, 10));
	for (i = 16; i < 32; i++)
		TEST_ASSERT(cover[i] >= 5);
	TEST_ASSERT(!as[9].assigned || as[9].start >= 30);
	/* Two short breaks and a lunch: none overlap, each in its window. */
	r = (struct wfm_shift_rules){18, {{1, 2, 4}, {2, 6, 10}, {1, 12, 15}},
				     3};
	TEST_ERR(wfm_schedule(as, cover, req, 48, &r, av, 10));
	for (i = 0; i < 10; i++) {
		size_t b, c;

		if (!as[i].assigned)
			continue;
		for (b = 0; b < 3; b++) {
			TEST_ASSERT(as[i].breakv[b] >= r.breakv[b].earliest &&
				    as[i].breakv[b] <= r.breakv[b].latest);
			for (c = 0; c < b; c++)
				TEST_ASSERT(as[i].breakv[c] + r.breakv[c].len <=
					    as[i].breakv[b]);
		}
	}
	for (i = 16; i < 32; i++)
		TEST_ASSERT(cover[i] >= 4);
	r.breakv[1].latest = 17;
	TEST_EQ(wfm_schedule(as, cover, req, 48, &r, av, 10), EINVAL);
out:
	return err;
}

static int adherence_planned_and_unplanned(void)
{
	const uint8_t plan[8] = {WFM_WORK, WFM_WORK, WFM_WORK, WFM_WORK,
				 WFM_BREAK, WFM_WORK, WFM_WORK, WFM_WORK};
	struct wfm_state_span spans[] = {
		{0, 4000, WFM_SPAN_WORKING, false},
		{4000, 5000, WFM_SPAN_AWAY, true},
		{5000, 6000, WFM_SPAN_AWAY, false},
		{6000, 8000, WFM_SPAN_WORKING, false},
	};
	struct wfm_adherence ad;
	int err = 0;

	TEST_ASSERT(wfm_reason_planned("lunch"));
	TEST_ASSERT(!wfm_reason_planned("technical problem"));
	TEST_ERR(wfm_adherence(&ad, plan, 8, 0, 1000, spans, 4));
	TEST_EQ(ad.scheduled_ms, 8000);
	TEST_EQ(ad.adherent_ms, 7000);
	TEST_EQ(ad.unplanned_ms, 1000);
	TEST_NEAR(ad.pct, 87.5, 1e-9);
	/* Working through a scheduled break is out of adherence too. */
	spans[1].kind = WFM_SPAN_WORKING;
	TEST_ERR(wfm_adherence(&ad, plan, 8, 0, 1000, spans, 4));
	TEST_EQ(ad.adherent_ms, 6000);
out:
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(erlang_c_reference),
	TEST_CASE(erlang_c_large_center),
	TEST_CASE(erlang_a_infinite_patience_is_erlang_c),
	TEST_CASE(erlang_a_identities),
	TEST_CASE(shrinkage_and_bad_input),
	TEST_CASE(simulator_agrees_with_erlang_c),
	TEST_CASE(simulator_agrees_with_erlang_a),
	TEST_CASE(forecast_known_seasonality),
	TEST_CASE(schedule_covers_known_curve),
	TEST_CASE(adherence_planned_and_unplanned),
};
TEST_TABLE_END;
