/*
 * bench/route: drives the routing engine with a realistic synthetic load
 * and measures the cost of its decisions.
 *
 * 200 queues, each requiring one of 50 skills; N agents with 1-5 skills
 * (levels 1-10) and members of every queue of their skills; Poisson
 * arrivals at 105 % of the agents' capacity, exponential handle times
 * (mean 180 s), callers abandoning after exponential patience (mean 60 s),
 * so the center sits in a steady state with tasks waiting. Every engine
 * call is timed; a decision is an offer the engine makes.
 *
 * Each size runs in a child process so that its peak RSS is its own.
 * Prints `figure-name: value unit` lines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include "acd/acd.h"
#include "core/cc.h"

enum { QUEUES = 200, SKILLS = 50, CALLS_MAX = 3000000 };

enum ev_kind { EV_ARRIVAL, EV_END, EV_ABANDON };

struct ev {
	double at;
	enum ev_kind kind;
	uint64_t task;
};

struct sim {
	struct acd *acd;
	struct ev *heap;
	size_t n, cap;
	uint64_t rng;
	double now;
	uint64_t decisions;
	/* offers made inside the current engine call, answered after it */
	struct acd_decision pend[64];
	size_t pendc;
	uint8_t *state; /* per task: 0 waiting, 1 handling, 2 gone */
	uint64_t *samples;
	size_t samplec;
	double busy_ns;
};

static double urand(struct sim *s)
{
	return cc_rand_unit(&s->rng);
}

static double expo(struct sim *s, double mean)
{
	return -mean * log(urand(s));
}

static void push(struct sim *s, double at, enum ev_kind kind, uint64_t task)
{
	size_t i;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->heap = realloc(s->heap, s->cap * sizeof(*s->heap));
	}
	i = s->n++;
	while (i && s->heap[(i - 1) / 2].at > at) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = (struct ev){at, kind, task};
}

static struct ev pop(struct sim *s)
{
	struct ev top = s->heap[0], last = s->heap[--s->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= s->n)
			break;
		if (c + 1 < s->n && s->heap[c + 1].at < s->heap[c].at)
			c++;
		if (s->heap[c].at >= last.at)
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->n)
		s->heap[i] = last;
	return top;
}

static void on_decision(const struct acd_decision *d, void *arg)
{
	struct sim *s = arg;

	if (d->type != ACD_DEC_OFFER)
		return;
	s->decisions++;
	if (s->pendc < 64)
		s->pend[s->pendc++] = *d;
}

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void timed_end(struct sim *s, uint64_t t0)
{
	uint64_t dt = ns_now() - t0;

	s->busy_ns += (double)dt;
	if (s->pendc && s->samplec < CALLS_MAX)
		s->samples[s->samplec++] = dt;
}

/* Offers are answered at once (the agent's phone picks up). */
static void answer_pending(struct sim *s)
{
	while (s->pendc) {
		struct acd_decision d = s->pend[--s->pendc];
		uint64_t t0 = ns_now();

		acd_offer_accept(s->acd, d.task, d.agent,
				 (uint64_t)(s->now * 1000));
		s->busy_ns += (double)(ns_now() - t0);
		s->state[d.task] = 1;
		push(s, s->now + expo(s, 180), EV_END, d.task);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run(unsigned agents, unsigned ncalls)
{
	struct sim s = {.rng = 0x1234567 + agents};
	double rate = 1.05 * agents / 180.0, t_end;
	uint64_t next_task = 1, t0;
	unsigned i, j, waiting = 0;
	struct rusage ru;
	struct acd_queue_live live;

	s.state = calloc(ncalls + 2, 1);
	s.samples = malloc(CALLS_MAX * sizeof(*s.samples));
	acd_alloc(&s.acd, on_decision, &s, 7);
	for (i = 1; i <= QUEUES; i++) {
		struct acd_queue_cfg q = {
			.id = i, .strategy = (enum acd_strategy)(i % 5 == 0
				? ACD_ROUND_ROBIN : ACD_LONGEST_IDLE),
			.sl_threshold_ms = 20000,
			.skill = {(uint16_t)(1 + (i - 1) % SKILLS), 1}};
		acd_queue_add(s.acd, &q);
	}
	for (i = 1; i <= agents; i++) {
		struct acd_agent_cfg a = {.id = i};
		unsigned n = 1 + (unsigned)(urand(&s) * 5), k;

		for (j = 0; j < n; j++) {
			uint16_t sk = (uint16_t)(1 + urand(&s) * SKILLS);

			for (k = 0; k < a.skillc; k++) {
				if (a.skillv[k].skill == sk)
					break;
			}
			if (k < a.skillc)
				continue;
			a.skillv[a.skillc].skill = sk;
			a.skillv[a.skillc++].min_level =
				(uint8_t)(1 + urand(&s) * 10);
		}
		acd_agent_add(s.acd, &a);
		for (k = 0; k < a.skillc; k++) {
			unsigned q;

			for (q = a.skillv[k].skill; q <= QUEUES; q += SKILLS)
				acd_member_add(s.acd, i, q, 5, 1, (int)i);
		}
		acd_agent_state_set(s.acd, i, ACD_AVAILABLE, NULL, 0);
	}
	push(&s, expo(&s, 1 / rate), EV_ARRIVAL, 0);
	/* Warm up for 30 simulated minutes, then measure. */
	t_end = 1e18;
	while (s.n && next_task <= ncalls) {
		struct ev e = pop(&s);

		s.now = e.at;
		if (next_task == ncalls / 5 && !s.samplec) {
			s.busy_ns = 0;
			s.decisions = 0;
		}
		switch (e.kind) {
		case EV_ARRIVAL: {
			struct acd_task_cfg t = {
				.id = next_task,
				.queue = 1 + (uint32_t)(urand(&s) * QUEUES)};

			t0 = ns_now();
			acd_task_add(s.acd, &t, (uint64_t)(s.now * 1000));
			timed_end(&s, t0);
			push(&s, s.now + expo(&s, 60), EV_ABANDON, next_task);
			next_task++;
			push(&s, s.now + expo(&s, 1 / rate), EV_ARRIVAL, 0);
			break;
		}
		case EV_END:
			t0 = ns_now();
			acd_task_end(s.acd, e.task, 0, (uint64_t)(s.now * 1000));
			timed_end(&s, t0);
			s.state[e.task] = 2;
			break;
		case EV_ABANDON:
			if (s.state[e.task] == 0) {
				t0 = ns_now();
				acd_task_abandon(s.acd, e.task,
						 (uint64_t)(s.now * 1000));
				s.busy_ns += (double)(ns_now() - t0);
				s.state[e.task] = 2;
			}
			break;
		}
		answer_pending(&s);
		(void)t_end;
	}
	for (i = 1; i <= QUEUES; i++) {
		if (!acd_queue_live(s.acd, i, (uint64_t)(s.now * 1000), &live))
			waiting += live.waiting;
	}
	qsort(s.samples, s.samplec, sizeof(*s.samples), cmp_u64);
	getrusage(RUSAGE_SELF, &ru);
	printf("route-%uk-decisions-per-s: %.0f decisions/s\n", agents / 1000,
	       s.decisions / (s.busy_ns / 1e9));
	printf("route-%uk-decision-p50: %llu ns\n", agents / 1000,
	       (unsigned long long)s.samples[s.samplec / 2]);
	printf("route-%uk-decision-p99: %llu ns\n", agents / 1000,
	       (unsigned long long)s.samples[s.samplec * 99 / 100]);
	printf("route-%uk-waiting-at-end: %u tasks\n", agents / 1000, waiting);
	printf("route-%uk-peak-rss: %ld KiB\n", agents / 1000, ru.ru_maxrss);
	fflush(stdout);
	mem_deref(s.acd);
	free(s.heap);
	free(s.state);
	free(s.samples);
}

int main(int argc, char *argv[])
{
	static const unsigned sizes[] = {1000, 10000, 100000};
	unsigned ncalls = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			run(sizes[i], ncalls);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	return 0;
}
