/*
 * Forecasts of contact volume (or handle time) per interval with daily and
 * weekly seasonality: double-seasonal additive Holt-Winters (Taylor 2003).
 *
 *   forecast  y^(t)  = l(t-1) + d(t-m1) + w(t-m2)
 *   level     l(t)   = a (y(t) - d(t-m1) - w(t-m2)) + (1 - a) l(t-1)
 *   daily     d(t)   = g (y(t) - l(t) - w(t-m2))   + (1 - g) d(t-m1)
 *   weekly    w(t)   = o (y(t) - l(t) - d(t-m1))   + (1 - o) w(t-m2)
 *
 * m1 intervals per day, m2 per week (0: daily seasonality only). Holidays
 * are treated as missing: the model carries on with its own forecast in
 * their place, and they are left out of the error. The smoothing constants
 * are chosen on the history by one-step-ahead squared error over a grid.
 * The error reported is MAPE on held-out history.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wfm.h"

struct hw {
	double a, g, o;
	double level;
	double *d, *w; /* seasonal indices, ring buffers of m1 and m2 */
	size_t m1, m2;
};

static double season_w(const struct hw *m, size_t t)
{
	return m->m2 ? m->w[t % m->m2] : 0;
}

/* Runs the model over y[0..n) (after initialisation on the first cycle);
 * returns the one-step squared error. */
static double hw_run(struct hw *m, const double *y, const bool *hol,
		     size_t n)
{
	size_t cycle = m->m2 ? m->m2 : m->m1, t, i, cnt = 0;
	double sse = 0, sum = 0;

	/* Initialise on the first cycle: level = its mean; daily = mean by
	 * time of day minus level; weekly = what is left. */
	for (t = 0; t < cycle && t < n; t++)
		sum += y[t];
	m->level = sum / (double)cycle;
	for (i = 0; i < m->m1; i++) {
		double s = 0;
		size_t k = 0;

		for (t = i; t < cycle && t < n; t += m->m1, k++)
			s += y[t];
		m->d[i] = k ? s / (double)k - m->level : 0;
	}
	for (i = 0; i < m->m2; i++)
		m->w[i] = (i < n ? y[i] : m->level) - m->level -
			  m->d[i % m->m1];
	for (t = cycle; t < n; t++) {
		double f = m->level + m->d[t % m->m1] + season_w(m, t);
		double obs = hol && hol[t] ? f : y[t], l;

		if (!(hol && hol[t])) {
			sse += (obs - f) * (obs - f);
			cnt++;
		}
		l = m->a * (obs - m->d[t % m->m1] - season_w(m, t)) +
		    (1 - m->a) * m->level;
		m->d[t % m->m1] = m->g * (obs - l - season_w(m, t)) +
				  (1 - m->g) * m->d[t % m->m1];
		if (m->m2)
			m->w[t % m->m2] = m->o * (obs - l - m->d[t % m->m1]) +
					  (1 - m->o) * m->w[t % m->m2];
		m->level = l;
	}
	return cnt ? sse / (double)cnt : 0;
}

int wfm_forecast(double *out, size_t h, const double *y, const bool *hol,
		 size_t n, size_t m1, size_t m2)
{
	static const double grid[] = {0.02, 0.05, 0.1, 0.2, 0.4};
	const size_t gn = sizeof(grid) / sizeof(grid[0]);
	struct hw m = {0};
	double best = INFINITY, ba = 0.1, bg = 0.1, bo = 0.1;
	size_t ia, ig, io, t, cycle = m2 ? m2 : m1;

	if (!out || !y || !m1 || (m2 && m2 % m1) || n < 2 * cycle)
		return EINVAL;
	m.m1 = m1;
	m.m2 = m2;
	m.d = calloc(m1, sizeof(double));
	m.w = calloc(m2 ? m2 : 1, sizeof(double));
	if (!m.d || !m.w) {
		free(m.d);
		free(m.w);
		return ENOMEM;
	}
	for (ia = 0; ia < gn; ia++) {
		for (ig = 0; ig < gn; ig++) {
			for (io = 0; io < (m2 ? gn : 1); io++) {
				double e;

				m.a = grid[ia];
				m.g = grid[ig];
				m.o = grid[io];
				e = hw_run(&m, y, hol, n);
				if (e < best) {
					best = e;
					ba = m.a;
					bg = m.g;
					bo = m.o;
				}
			}
		}
	}
	m.a = ba;
	m.g = bg;
	m.o = bo;
	hw_run(&m, y, hol, n);
	for (t = 0; t < h; t++) {
		double f = m.level + m.d[(n + t) % m1] + season_w(&m, n + t);

		out[t] = f > 0 ? f : 0;
	}
	free(m.d);
	free(m.w);
	return 0;
}

double wfm_mape(const double *actual, const double *pred, const bool *skip,
		size_t n)
{
	double sum = 0;
	size_t i, cnt = 0;

	for (i = 0; i < n; i++) {
		if ((skip && skip[i]) || actual[i] <= 0)
			continue;
		sum += fabs(actual[i] - pred[i]) / actual[i];
		cnt++;
	}
	return cnt ? 100 * sum / (double)cnt : -1;
}

int wfm_forecast_holdout(double *mapep, const double *y, const bool *hol,
			 size_t n, size_t m1, size_t m2, size_t h)
{
	double *pred;
	int err;

	if (!mapep || h >= n)
		return EINVAL;
	pred = calloc(h, sizeof(*pred));
	if (!pred)
		return ENOMEM;
	err = wfm_forecast(pred, h, y, hol, n - h, m1, m2);
	if (!err)
		*mapep = wfm_mape(y + n - h, pred, hol ? hol + n - h : NULL, h);
	free(pred);
	return err;
}

int wfm_staffing_curve(unsigned *reqv, const double *calls, size_t n,
		       double interval_s, double aht, double patience,
		       const struct wfm_target *target)
{
	size_t i;

	if (!reqv || !calls || !(interval_s > 0))
		return EINVAL;
	for (i = 0; i < n; i++) {
		struct wfm_load load = {calls[i] / interval_s, aht, patience};
		int err;

		if (calls[i] <= 0) {
			reqv[i] = 0;
			continue;
		}
		err = wfm_required(&reqv[i], &load, target);
		if (err)
			return err;
	}
	return 0;
}
