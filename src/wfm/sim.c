/*
 * The simulator: arrivals (Poisson, rate per interval), handle times
 * (exponential, log-normal or empirical), exponential caller patience and
 * agents on shifts, with every routing decision made by the real ACD
 * engine. Statistics come from the engine's own counts (one definition of
 * each figure, see acd.h), summed over the intervals after the warm-up.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "sim.h"

enum ev_kind { EV_ARRIVAL, EV_END, EV_ABANDON, EV_SHIFT_ON, EV_SHIFT_OFF,
	       EV_TICK };

struct ev {
	double at;
	uint32_t kind;
	uint32_t who;    /* queue index, agent id */
	uint64_t task;
};

struct run {
	const struct sim_scenario *sc;
	struct acd *acd;
	struct ev *heap;
	size_t n, cap;
	uint64_t rng;
	double now;
	uint8_t *state;  /* per task: 0 waiting, 1 answered, 2 gone */
	uint32_t *tqueue;/* per task: scenario queue index */
	size_t taskcap;
	struct acd_decision pend[1024];
	size_t pendc;
	int err;
};

static double urand(struct run *r)
{
	return cc_rand_unit(&r->rng);
}

static double expo(struct run *r, double mean)
{
	return -mean * log(urand(r));
}

static double normal(struct run *r)
{
	return sqrt(-2 * log(urand(r))) * cos(2 * M_PI * urand(r));
}

static double sample(struct run *r, const struct sim_dist_cfg *d)
{
	double s2;

	switch (d->kind) {
	case SIM_LOGNORMAL:
		/* Parameters from the mean and sd of the distribution. */
		s2 = log(1 + (d->sd * d->sd) / (d->mean * d->mean));
		return exp(log(d->mean) - s2 / 2 + sqrt(s2) * normal(r));
	case SIM_EMPIRICAL:
		if (d->valuec)
			return d->values[(size_t)(urand(r) * d->valuec) %
					 d->valuec];
		return d->mean;
	case SIM_EXP:
	default:
		return expo(r, d->mean);
	}
}

static void push(struct run *r, double at, uint32_t kind, uint32_t who,
		 uint64_t task)
{
	size_t i;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		struct ev *h = realloc(r->heap, cap * sizeof(*h));

		if (!h) {
			r->err = ENOMEM;
			return;
		}
		r->heap = h;
		r->cap = cap;
	}
	i = r->n++;
	while (i && r->heap[(i - 1) / 2].at > at) {
		r->heap[i] = r->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->heap[i] = (struct ev){at, kind, who, task};
}

static struct ev pop(struct run *r)
{
	struct ev top = r->heap[0], last = r->heap[--r->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= r->n)
			break;
		if (c + 1 < r->n && r->heap[c + 1].at < r->heap[c].at)
			c++;
		if (r->heap[c].at >= last.at)
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	if (r->n)
		r->heap[i] = last;
	return top;
}

static void on_decision(const struct acd_decision *d, void *arg)
{
	struct run *r = arg;

	if (d->type == ACD_DEC_OFFER && r->pendc < 1024)
		r->pend[r->pendc++] = *d;
}

static uint64_t ms(double s)
{
	return (uint64_t)llround(s * 1000);
}

/* The simulated agents answer every offer at once. */
static void answer(struct run *r)
{
	while (r->pendc) {
		struct acd_decision d = r->pend[--r->pendc];
		const struct sim_queue *q = &r->sc->queuev[r->tqueue[d.task]];

		if (acd_offer_accept(r->acd, d.task, d.agent, ms(r->now)))
			continue;
		r->state[d.task] = 1;
		push(r, r->now + sample(r, &q->handle), EV_END, 0, d.task);
	}
}

static double rate_at(const struct sim_scenario *sc, const struct sim_queue *q,
		      double t)
{
	size_t i = (size_t)(t / sc->interval);

	return q->rate[i < SIM_INTERVALS_MAX ? i : SIM_INTERVALS_MAX - 1];
}

/* Next Poisson arrival under a rate piecewise constant by interval. */
static double next_arrival(struct run *r, const struct sim_queue *q, double t)
{
	const struct sim_scenario *sc = r->sc;

	while (t < sc->duration) {
		double rate = rate_at(sc, q, t), end;

		end = (floor(t / sc->interval) + 1) * sc->interval;
		if (rate > 0) {
			double dt = expo(r, 1 / rate);

			if (t + dt < end)
				return t + dt;
		}
		t = end; /* memoryless: start over in the next interval */
	}
	return INFINITY;
}

static int task_grow(struct run *r, uint64_t id)
{
	if (id < r->taskcap)
		return 0;
	while (r->taskcap <= id)
		r->taskcap = r->taskcap ? r->taskcap * 2 : 65536;
	r->state = realloc(r->state, r->taskcap);
	r->tqueue = realloc(r->tqueue, r->taskcap * sizeof(*r->tqueue));
	return r->state && r->tqueue ? 0 : ENOMEM;
}

int sim_run(const struct sim_scenario *sc, unsigned rep,
	    struct sim_result *res)
{
	struct run r = {.sc = sc};
	uint64_t next_task = 1;
	uint32_t agent = 1;
	size_t i, g, k;
	double last = 0;
	int err;

	memset(res, 0, sizeof(*res));
	r.rng = (sc->seed + 1) * 0x9e3779b97f4a7c15ULL + rep * 7919 + 1;
	err = acd_alloc(&r.acd, on_decision, &r, sc->seed + rep + 1);
	if (err)
		return err;
	for (i = 0; i < sc->queuec && !err; i++)
		err = acd_queue_add(r.acd, &sc->queuev[i].acd);
	for (g = 0; g < sc->groupc && !err; g++) {
		const struct sim_group *gr = &sc->groupv[g];
		unsigned c;

		for (c = 0; c < gr->count && !err; c++, agent++) {
			struct acd_agent_cfg a = {.id = agent};

			memcpy(a.skillv, gr->skillv, sizeof(a.skillv));
			a.skillc = gr->skillc;
			err = acd_agent_add(r.acd, &a);
			for (k = 0; k < gr->queuec && !err; k++)
				err = acd_member_add(r.acd, agent,
						     gr->queuev[k], 5, 1,
						     (int)agent);
			push(&r, gr->start, EV_SHIFT_ON, agent, 0);
			if (gr->end > gr->start)
				push(&r, gr->end, EV_SHIFT_OFF, agent, 0);
		}
	}
	for (i = 0; i < sc->queuec; i++)
		push(&r, next_arrival(&r, &sc->queuev[i], 0), EV_ARRIVAL,
		     (uint32_t)i, 0);
	push(&r, 1, EV_TICK, 0, 0);
	while (!err && !r.err && r.n) {
		struct ev e = pop(&r);
		const struct sim_queue *q;

		if (e.at > sc->duration)
			break;
		r.now = e.at;
		switch (e.kind) {
		case EV_ARRIVAL: {
			struct acd_task_cfg t = {.id = next_task};

			q = &sc->queuev[e.who];
			t.queue = q->acd.id;
			err = task_grow(&r, next_task);
			if (err)
				break;
			r.state[next_task] = 0;
			r.tqueue[next_task] = e.who;
			acd_task_add(r.acd, &t, ms(r.now));
			if (q->patience > 0)
				push(&r, r.now + expo(&r, q->patience),
				     EV_ABANDON, 0, next_task);
			next_task++;
			res->contacts++;
			push(&r, next_arrival(&r, q, r.now), EV_ARRIVAL, e.who,
			     0);
			break;
		}
		case EV_END:
			acd_task_end(r.acd, e.task, 0, ms(r.now));
			r.state[e.task] = 2;
			break;
		case EV_ABANDON:
			if (r.state[e.task] == 0 &&
			    !acd_task_abandon(r.acd, e.task, ms(r.now)))
				r.state[e.task] = 2;
			break;
		case EV_SHIFT_ON:
			acd_agent_state_set(r.acd, e.who, ACD_AVAILABLE, NULL,
					    ms(r.now));
			break;
		case EV_SHIFT_OFF:
			/* An agent on a call finishes it first (approx.:
			 * logs out; the engine keeps the task with them). */
			acd_agent_state_set(r.acd, e.who, ACD_LOGGED_OUT, NULL,
					    ms(r.now));
			break;
		case EV_TICK:
			acd_tick(r.acd, ms(r.now));
			push(&r, r.now + 1, EV_TICK, 0, 0);
			break;
		}
		answer(&r);
		last = r.now;
	}
	(void)last;
	/* Counts after the warm-up, by interval and in total. */
	for (i = 0; i < sc->queuec; i++) {
		uint64_t start;
		size_t iv;

		for (start = 0, iv = 0; start < ms(sc->duration);
		     start += ACD_INTERVAL_MS, iv++) {
			struct acd_counts c;
			size_t out = (size_t)(start / 1000 / sc->interval);

			if (acd_queue_interval(r.acd, sc->queuev[i].acd.id,
					       start, &c))
				continue;
			if (out < SIM_INTERVALS_MAX) {
				struct acd_counts *o = &res->interval[i][out];

				o->offered += c.offered;
				o->answered += c.answered;
				o->abandoned += c.abandoned;
				o->answered_in_sl += c.answered_in_sl;
				o->wait_ms_sum += c.wait_ms_sum;
			}
			if (start < ms(sc->warmup))
				continue;
			res->total[i].offered += c.offered;
			res->total[i].answered += c.answered;
			res->total[i].abandoned += c.abandoned;
			res->total[i].short_abandoned += c.short_abandoned;
			res->total[i].answered_in_sl += c.answered_in_sl;
			res->total[i].handled += c.handled;
			res->total[i].wait_ms_sum += c.wait_ms_sum;
			res->total[i].talk_ms_sum += c.talk_ms_sum;
		}
	}
	for (agent = 1; ; agent++) {
		struct acd_agent_live al;

		if (acd_agent_live(r.acd, agent, ms(sc->duration), &al))
			break;
		res->busy_s += (al.state_ms[ACD_BUSY] +
				al.state_ms[ACD_WRAPUP]) / 1000.0;
		res->staffed_s += (al.state_ms[ACD_BUSY] +
				   al.state_ms[ACD_WRAPUP] +
				   al.state_ms[ACD_AVAILABLE] +
				   al.state_ms[ACD_RESERVED]) / 1000.0;
	}
	mem_deref(r.acd);
	free(r.heap);
	free(r.state);
	free(r.tqueue);
	return err ? err : r.err;
}

struct worker {
	const struct sim_scenario *sc;
	struct sim_result *resv;
	unsigned next;
	pthread_mutex_t mtx;
	int err;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		unsigned rep;
		int err;

		pthread_mutex_lock(&w->mtx);
		rep = w->next++;
		pthread_mutex_unlock(&w->mtx);
		if (rep >= w->sc->replications)
			break;
		err = sim_run(w->sc, rep, &w->resv[rep]);
		if (err) {
			pthread_mutex_lock(&w->mtx);
			w->err = err;
			pthread_mutex_unlock(&w->mtx);
		}
	}
	return NULL;
}

int sim_run_all(const struct sim_scenario *sc, struct sim_result *resv,
		unsigned threads)
{
	struct worker w = {sc, resv, 0, PTHREAD_MUTEX_INITIALIZER, 0};
	pthread_t tv[16];
	unsigned i, started = 0;

	if (!threads)
		threads = 1;
	if (threads > 16)
		threads = 16;
	for (i = 1; i < threads; i++) {
		if (!pthread_create(&tv[started], NULL, worker_main, &w))
			started++;
	}
	worker_main(&w);
	for (i = 0; i < started; i++)
		pthread_join(tv[i], NULL);
	pthread_mutex_destroy(&w.mtx);
	return w.err;
}

void sim_ci(const double *xv, size_t n, double *meanp, double *halfp)
{
	/* Student t, 97.5 % quantile, by degrees of freedom. */
	static const double t975[] = {
		0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
		2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
		2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
		2.052, 2.048, 2.045, 2.042};
	double mean = 0, var = 0, t;
	size_t i;

	for (i = 0; i < n; i++)
		mean += xv[i];
	mean = n ? mean / n : 0;
	for (i = 0; i < n; i++)
		var += (xv[i] - mean) * (xv[i] - mean);
	var = n > 1 ? var / (n - 1) : 0;
	t = n - 1 < sizeof(t975) / sizeof(t975[0]) ? t975[n - 1] : 1.96;
	*meanp = mean;
	*halfp = n > 1 ? t * sqrt(var / n) : INFINITY;
}
