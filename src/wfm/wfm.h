/*
 * Workforce planning: staffing mathematics (pure: numbers in, numbers out).
 *
 * Erlang C (M/M/n, callers never hang up) and Erlang A (M/M/n+M, callers
 * hang up after an exponentially distributed patience; Garnett, Mandelbaum
 * and Reiman 2002). Traffic A = arrival rate x AHT, in erlangs.
 *
 * Erlang C, with B the Erlang B blocking probability computed by the
 * recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)) (no factorials, no
 * overflow at thousands of agents):
 *   P(wait) = n B / (n - A (1 - B))           (n > A, else 1)
 *   ASA     = P(wait) AHT / (n - A)
 *   SL(t)   = 1 - P(wait) exp(-(n - A) t / AHT)
 *   occupancy = A / n
 * Erlang A solves the birth-death chain exactly (state probabilities
 * relative to the state "all n busy, nobody waiting", the part below n
 * from Erlang B, the part above summed until its terms vanish), and the
 * waiting time of a tagged caller (served when the callers ahead of it
 * have been served or have left, unless it leaves first) by integrating
 * its transient equations.
 */
#ifndef SB_WFM_H
#define SB_WFM_H

#include <stdbool.h>

struct wfm_load {
	double rate;      /* arrivals per second */
	double aht;       /* average handle time, seconds */
	double patience;  /* mean patience, seconds; 0: infinite (Erlang C) */
};

struct wfm_figures {
	unsigned agents;
	double p_wait;       /* probability an arriving caller waits */
	double asa;          /* mean wait of answered callers, seconds */
	double sl;           /* fraction answered within the threshold, of
				all callers */
	double occupancy;    /* fraction of agents' time busy */
	double p_abandon;    /* Erlang A only; 0 for Erlang C */
	double avg_wait;     /* mean wait of all callers, seconds */
	bool stable;         /* Erlang C: agents > traffic */
};

double wfm_erlang_b(unsigned n, double a);
/* Figures for n agents; threshold_s is the service-level threshold. */
int wfm_erlang_c(struct wfm_figures *f, const struct wfm_load *load,
		 unsigned n, double threshold_s);
int wfm_erlang_a(struct wfm_figures *f, const struct wfm_load *load,
		 unsigned n, double threshold_s);
/* Erlang A when load->patience > 0, else Erlang C. */
int wfm_figures(struct wfm_figures *f, const struct wfm_load *load,
		unsigned n, double threshold_s);

struct wfm_target {
	double sl;           /* e.g. 0.80 */
	double threshold_s;  /* e.g. 20 */
	double asa_s;        /* 0: none */
	double max_occupancy;/* 0: none; e.g. 0.85 */
};

/* Smallest number of agents meeting every target at once. EINVAL for
 * bad input, ERANGE when none up to 100,000 agents does. */
int wfm_required(unsigned *np, const struct wfm_load *load,
		 const struct wfm_target *target);
/* Staff to schedule so that n are on the phones after shrinkage (a
 * fraction in [0, 1)). */
unsigned wfm_scheduled(unsigned n, double shrinkage);

/* `switchboard staff ...`: exit status 0, or 2 for bad arguments. */
int wfm_cmd_staff(int argc, char *argv[]);
/* `switchboard simulate --scenario FILE.json [--json] [--threads N]`. */
int wfm_cmd_simulate(int argc, char *argv[]);

#endif
