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
#include <stddef.h>
#include <stdint.h>
#include "api/api_req.h"

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

/* Forecast h intervals after y[0..n) (double-seasonal Holt-Winters; m1
 * intervals a day, m2 a week or 0); hol marks holidays (may be NULL).
 * Needs two seasonal cycles of history. */
int wfm_forecast(double *out, size_t h, const double *y, const bool *hol,
		 size_t n, size_t m1, size_t m2);
/* Mean absolute percentage error over non-skipped, non-zero actuals;
 * -1 when none. */
double wfm_mape(const double *actual, const double *pred, const bool *skip,
		size_t n);
/* Fits on all but the last h intervals and reports the MAPE on them. */
int wfm_forecast_holdout(double *mapep, const double *y, const bool *hol,
			 size_t n, size_t m1, size_t m2, size_t h);
/* Agents required per interval for a forecast of calls per interval. */
int wfm_staffing_curve(unsigned *reqv, const double *calls, size_t n,
		       double interval_s, double aht, double patience,
		       const struct wfm_target *target);

/* --- Schedules ------------------------------------------------------ */

enum { WFM_NO_PREF = (size_t)-1 };

enum { WFM_BREAKS_MAX = 3 };

/* A break (or lunch) of len intervals starting between earliest and latest
 * intervals after the shift's start. */
struct wfm_break_rule {
	size_t len, earliest, latest;
};

struct wfm_shift_rules {
	size_t length; /* intervals, breaks included */
	struct wfm_break_rule breakv[WFM_BREAKS_MAX];
	size_t breakc;
};

struct wfm_agent_avail {
	size_t from, to;       /* may work in intervals [from, to) */
	size_t pref_start;     /* preferred start or WFM_NO_PREF */
};

struct wfm_assignment {
	bool assigned;
	size_t start;
	size_t breakv[WFM_BREAKS_MAX]; /* each break's offset from start */
};

/* Assigns at most one shift per agent to cover req[0..n); cover gets the
 * resulting agents per interval. */
int wfm_schedule(struct wfm_assignment *outv, int *cover,
		 const unsigned *req, size_t n,
		 const struct wfm_shift_rules *r,
		 const struct wfm_agent_avail *avv, size_t agents);

/* --- Adherence ------------------------------------------------------ */

enum wfm_activity { WFM_OFF = 0, WFM_WORK, WFM_BREAK };

enum wfm_span_kind { WFM_SPAN_LOGGED_OUT, WFM_SPAN_WORKING, WFM_SPAN_AWAY };

/* One stretch of an agent's state history (times in ms). WORKING covers
 * available, reserved, busy and wrap-up. */
struct wfm_state_span {
	int64_t start, end;
	enum wfm_span_kind kind;
	bool planned; /* away for a planned reason */
};

struct wfm_adherence {
	int64_t scheduled_ms, adherent_ms, unplanned_ms;
	double pct; /* -1 when nothing was scheduled */
};

/* Away reasons that are planned: break, lunch, training, meeting. */
bool wfm_reason_planned(const char *reason);
int wfm_adherence(struct wfm_adherence *out, const uint8_t *plan, size_t n,
		  int64_t day_start, int64_t interval_ms,
		  const struct wfm_state_span *spanv, size_t spanc);

/* The staffing table as JSON {recommended_agents, [scheduled_agents],
 * rows}; NULL with *errp set when no staff meets the target. */
typedef struct json_t json_t;
json_t *wfm_staff_json(const struct wfm_load *load,
		       const struct wfm_target *target, double shrinkage,
		       int *errp);

/* The module's HTTP routes (wfm_api.c), ending with API_ROUTES_END; main
 * registers them with api_routes_register(). */
extern const struct api_route wfm_routev[];

/* `switchboard staff ...`: exit status 0, or 2 for bad arguments. */
int wfm_cmd_staff(int argc, char *argv[]);
/* `switchboard simulate --scenario FILE.json [--json] [--threads N]`. */
int wfm_cmd_simulate(int argc, char *argv[]);

#endif
