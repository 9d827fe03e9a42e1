/*
 * bench/sim: the simulator's speed. A day of a 1,000-agent center: 10
 * queues with 15,000 contacts each (150,000 in all, Poisson, a daily
 * curve), log-normal handle times (mean 240 s), patience 90 s, 10 agent
 * groups each serving two queues, the real routing engine deciding.
 * Prints the wall time of one replication on one core and of ten on all
 * cores, and contacts simulated per second.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "wfm/sim.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	struct sim_result *resv = calloc(10, sizeof(*resv));
	unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	double t0, one, ten, total = 0, w = 0;
	size_t q, i;

	sc->duration = 86400;
	sc->interval = 1800;
	sc->replications = 10;
	sc->seed = 3;
	sc->queuec = 10;
	for (i = 0; i < 48; i++) /* a daily curve peaking mid-day */
		w += 0.2 + sin(M_PI * i / 48);
	for (q = 0; q < 10; q++) {
		struct sim_queue *sq = &sc->queuev[q];

		snprintf(sq->name, sizeof(sq->name), "q%zu", q);
		sq->acd.id = (uint32_t)q + 1;
		sq->acd.sl_threshold_ms = 20000;
		sq->handle.kind = SIM_LOGNORMAL;
		sq->handle.mean = 240;
		sq->handle.sd = 180;
		sq->patience = 90;
		for (i = 0; i < SIM_INTERVALS_MAX; i++)
			sq->rate[i] = 15000 * (0.2 + sin(M_PI * (i % 48) / 48)) /
				      w / 1800;
	}
	sc->groupc = 10;
	for (i = 0; i < 10; i++) {
		sc->groupv[i].count = 100;
		sc->groupv[i].queuec = 2;
		sc->groupv[i].queuev[0] = (uint32_t)i + 1;
		sc->groupv[i].queuev[1] = (uint32_t)(i + 1) % 10 + 1;
	}
	t0 = now_s();
	if (sim_run(sc, 0, &resv[0]))
		return 1;
	one = now_s() - t0;
	t0 = now_s();
	if (sim_run_all(sc, resv, threads))
		return 1;
	ten = now_s() - t0;
	for (i = 0; i < 10; i++)
		total += (double)resv[i].contacts;
	printf("sim-day-1000-agents-contacts: %llu contacts\n",
	       (unsigned long long)resv[0].contacts);
	printf("sim-day-1000-agents-one-core: %.3f s\n", one);
	printf("sim-contacts-per-s-one-core: %.0f contacts/s\n",
	       resv[0].contacts / one);
	printf("sim-ten-replications-%u-threads: %.3f s\n", threads, ten);
	printf("sim-parallel-speedup: %.2f x\n", 10 * one / ten);
	(void)total;
	free(sc);
	free(resv);
	return 0;
}
