/*
 * Private to wfm: the discrete-event simulator of a center, driving the
 * real routing engine (src/acd). Pure apart from the threads that run
 * replications side by side: no clock reads, no I/O.
 */
#ifndef SB_WFM_SIM_H
#define SB_WFM_SIM_H

#include <stdint.h>
#include "acd/acd.h"

enum { SIM_QUEUES_MAX = 64, SIM_GROUPS_MAX = 64, SIM_INTERVALS_MAX = 96,
       SIM_REPS_MAX = 100 };

enum sim_dist { SIM_EXP = 0, SIM_LOGNORMAL, SIM_EMPIRICAL };

struct sim_dist_cfg {
	enum sim_dist kind;
	double mean, sd;
	double *values; /* empirical samples (borrowed) */
	size_t valuec;
};

enum { SIM_SAMPLES_MAX = 1024 };

struct sim_queue {
	char name[32];
	double samples[SIM_SAMPLES_MAX]; /* empirical handle times */
	struct acd_queue_cfg acd;
	double rate[SIM_INTERVALS_MAX]; /* arrivals per second by interval */
	struct sim_dist_cfg handle;
	double patience;                /* mean, seconds; 0: never leave */
};

struct sim_group {
	unsigned count;
	struct acd_skill_req skillv[16];
	size_t skillc;
	uint32_t queuev[SIM_QUEUES_MAX]; /* acd queue ids */
	size_t queuec;
	double start, end;               /* shift, seconds; end 0: all day */
};

struct sim_scenario {
	double duration, warmup, interval; /* seconds */
	unsigned replications;
	uint64_t seed;
	struct sim_queue queuev[SIM_QUEUES_MAX];
	size_t queuec;
	struct sim_group groupv[SIM_GROUPS_MAX];
	size_t groupc;
};

struct sim_result {
	struct acd_counts total[SIM_QUEUES_MAX];
	struct acd_counts interval[SIM_QUEUES_MAX][SIM_INTERVALS_MAX];
	double busy_s, staffed_s;  /* agent time for occupancy */
	uint64_t contacts;
};

/* Runs replication rep (seeded from the scenario seed) into res. */
int sim_run(const struct sim_scenario *sc, unsigned rep,
	    struct sim_result *res);
/* Runs every replication on `threads` threads; resv has replications
 * entries. */
int sim_run_all(const struct sim_scenario *sc, struct sim_result *resv,
		unsigned threads);

/* Mean and half-width of the 95 % confidence interval (Student t). */
void sim_ci(const double *xv, size_t n, double *meanp, double *halfp);

/* Parses a scenario (see sim_cmd.c); returns the number of problems and
 * sets *problemsp (new reference) to [{path, message}]. */
typedef struct json_t json_t;
int wfm_scenario_parse(struct sim_scenario *sc, const json_t *root,
		       json_t **problemsp);
/* Runs the replications; the figures per queue with 95 % CIs, or NULL. */
json_t *wfm_simulate_json(const struct sim_scenario *sc, unsigned threads);

#endif
