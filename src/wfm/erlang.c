/*
 * Erlang C and Erlang A (see wfm.h for the formulas and why they are
 * computed this way). Pure: no I/O.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wfm.h"

enum { TAIL_MAX = 200000, AGENTS_MAX = 100000 };

double wfm_erlang_b(unsigned n, double a)
{
	double b = 1;
	unsigned k;

	for (k = 1; k <= n; k++)
		b = a * b / (k + a * b);
	return b;
}

static int load_check(const struct wfm_load *load, unsigned n)
{
	if (!load || !(load->rate >= 0) || !(load->aht > 0) ||
	    !(load->patience >= 0) || !isfinite(load->rate) || n == 0)
		return EINVAL;
	return 0;
}

int wfm_erlang_c(struct wfm_figures *f, const struct wfm_load *load,
		 unsigned n, double threshold_s)
{
	double a, b, c;

	if (!f || load_check(load, n) || threshold_s < 0)
		return EINVAL;
	memset(f, 0, sizeof(*f));
	a = load->rate * load->aht;
	f->agents = n;
	f->occupancy = a / n;
	if (a >= n) {
		f->p_wait = 1;
		f->asa = INFINITY;
		f->avg_wait = INFINITY;
		f->sl = 0;
		f->occupancy = 1;
		return 0;
	}
	b = wfm_erlang_b(n, a);
	c = n * b / (n - a * (1 - b));
	f->stable = true;
	f->p_wait = c;
	f->asa = c * load->aht / (n - a);
	f->avg_wait = f->asa;
	f->sl = 1 - c * exp(-(n - a) * threshold_s / load->aht);
	return 0;
}

/*
 * The tagged caller: state m >= 1 means m - 1 callers ahead of it. From m
 * the queue ahead shrinks at n mu + (m - 1) theta (a server frees or one
 * ahead leaves); from m = 1 it is answered at n mu; it leaves itself at
 * theta in every state. p[m] is the probability of being in m at time s;
 * integrated with RK4 until the mass left is negligible. Returns the
 * probability of being answered within t and the mean wait of those
 * answered.
 */
static void tagged_wait(const double *p0, size_t k, double nmu,
			double theta, double t, double *slp, double *asap)
{
	double *p = malloc(k * sizeof(*p)), *k1 = malloc(4 * k * sizeof(*p));
	double *k2 = k1 + k, *k3 = k2 + k, *k4 = k3 + k, *tmp;
	double s = 0, served = 0, served_t = 0, waited = 0, mass, dt;
	size_t m, i;

	tmp = malloc(k * sizeof(*tmp));
	memcpy(p, p0, k * sizeof(*p));
	/* RK4 is stable and accurate well inside dt x rate < 1. */
	dt = 0.25 / (nmu + (double)k * theta + theta);
	if (t > 0 && dt > t / 50)
		dt = t / 50;
#define DERIV(out, in)                                                       \
	for (m = 0; m < k; m++) {                                            \
		double out_rate = nmu + (double)m * theta + theta;           \
		double in_rate = m + 1 < k ? nmu + (double)(m + 1) * theta  \
					   : 0;                              \
		out[m] = -out_rate * in[m] +                                 \
			 (m + 1 < k ? in_rate * in[m + 1] : 0);              \
	}
	for (i = 0; i < 2000000; i++) {
		double flux0 = nmu * p[0], flux1;

		DERIV(k1, p);
		for (m = 0; m < k; m++)
			tmp[m] = p[m] + dt / 2 * k1[m];
		DERIV(k2, tmp);
		for (m = 0; m < k; m++)
			tmp[m] = p[m] + dt / 2 * k2[m];
		DERIV(k3, tmp);
		for (m = 0; m < k; m++)
			tmp[m] = p[m] + dt * k3[m];
		DERIV(k4, tmp);
		mass = 0;
		for (m = 0; m < k; m++) {
			p[m] += dt / 6 * (k1[m] + 2 * k2[m] + 2 * k3[m] +
					  k4[m]);
			mass += p[m];
		}
		flux1 = nmu * p[0];
		/* trapezoid on the answered flux */
		served += dt * (flux0 + flux1) / 2;
		waited += dt * (s * flux0 + (s + dt) * flux1) / 2;
		s += dt;
		if (s <= t + 1e-12)
			served_t = served;
		if (s > t && mass < 1e-10)
			break;
	}
#undef DERIV
	*slp = served_t;
	*asap = served > 0 ? waited / served : 0;
	free(p);
	free(k1);
	free(tmp);
}

int wfm_erlang_a(struct wfm_figures *f, const struct wfm_load *load,
		 unsigned n, double threshold_s)
{
	double a, b, theta, nmu, lambda, term = 1, tail = 0, q = 0, ab = 0;
	double below, total, *p0 = NULL, sl_wait, asa_wait;
	size_t k, kmax;

	if (!f || load_check(load, n) || !(load->patience > 0) ||
	    threshold_s < 0)
		return EINVAL;
	memset(f, 0, sizeof(*f));
	lambda = load->rate;
	a = lambda * load->aht;
	nmu = n / load->aht;
	theta = 1 / load->patience;
	b = wfm_erlang_b(n, a);
	/* Probabilities relative to pi_n: states below n sum to 1/B. */
	below = 1 / b;
	p0 = malloc(TAIL_MAX * sizeof(*p0));
	if (!p0)
		return ENOMEM;
	p0[0] = 1; /* pi_n: arrives to find nobody waiting, all busy */
	for (k = 1; k < TAIL_MAX; k++) {
		term *= lambda / (nmu + (double)k * theta);
		p0[k] = term;
		tail += term;
		q += (double)k * term;
		if (term < 1e-16 * (below + tail) &&
		    nmu + (double)k * theta > lambda)
			break;
	}
	kmax = k < TAIL_MAX ? k + 1 : TAIL_MAX;
	total = below + tail; /* pi_n counted in below (j = n) */
	f->agents = n;
	f->stable = true;
	f->p_wait = (1 + tail) / total;
	ab = theta * q / total;         /* abandonment rate / pi-normaliser */
	f->p_abandon = lambda > 0 ? ab / lambda : 0;
	f->avg_wait = lambda > 0 ? (q / total) / lambda : 0;
	/* Busy servers: all n whenever someone waits or n are busy. */
	f->occupancy = a * (1 - f->p_abandon) / n;
	/* Arriving callers see the stationary state (PASTA): those finding
	 * n + k - 1 in the system wait with k - 1 ahead. */
	for (k = 0; k < kmax; k++)
		p0[k] /= total;
	tagged_wait(p0, kmax, nmu, theta, threshold_s, &sl_wait, &asa_wait);
	/* Answered within t: those who did not wait, plus the waiters
	 * answered by t. ASA over answered callers. */
	f->sl = (1 - f->p_wait) + sl_wait;
	f->asa = f->p_abandon < 1 ? asa_wait * (f->p_wait - f->p_abandon) /
					    (1 - f->p_abandon)
				  : 0;
	free(p0);
	return 0;
}

int wfm_figures(struct wfm_figures *f, const struct wfm_load *load,
		unsigned n, double threshold_s)
{
	if (load && load->patience > 0)
		return wfm_erlang_a(f, load, n, threshold_s);
	return wfm_erlang_c(f, load, n, threshold_s);
}

static bool meets(const struct wfm_figures *f, const struct wfm_target *t)
{
	if (!f->stable || f->sl + 1e-12 < t->sl)
		return false;
	if (t->asa_s > 0 && f->asa > t->asa_s)
		return false;
	if (t->max_occupancy > 0 && f->occupancy > t->max_occupancy)
		return false;
	return true;
}

int wfm_required(unsigned *np, const struct wfm_load *load,
		 const struct wfm_target *target)
{
	struct wfm_figures f;
	unsigned n;
	int err;

	if (!np || !target || load_check(load, 1) || !(target->sl >= 0) ||
	    target->sl > 1 || target->threshold_s < 0 ||
	    target->max_occupancy < 0 || target->max_occupancy > 1)
		return EINVAL;
	/* Erlang C needs n > A; start just above the traffic. */
	n = load->patience > 0 ? 1 : (unsigned)floor(load->rate * load->aht) + 1;
	for (; n <= AGENTS_MAX; n++) {
		err = wfm_figures(&f, load, n, target->threshold_s);
		if (err)
			return err;
		if (meets(&f, target)) {
			*np = n;
			return 0;
		}
	}
	return ERANGE;
}

unsigned wfm_scheduled(unsigned n, double shrinkage)
{
	if (shrinkage <= 0 || shrinkage >= 1)
		return n;
	return (unsigned)ceil(n / (1 - shrinkage) - 1e-9);
}
