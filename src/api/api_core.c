/*
 * The bridge between the API threads and the core (libre main loop).
 *
 * API -> core: api_core_call() pushes a call onto a libre mqueue (read by
 * the main loop) and waits on a condition variable, up to a timeout. The
 * call object is shared by two owners (caller and main loop) and freed by
 * whichever lets go last, so a caller that timed out leaves no dangling
 * pointer behind.
 *
 * core -> API: a main-loop timer builds the live figures once a second
 * and hands them to the event channel (api_ws_stats_set), which wakes the
 * HTTP thread with lws_cancel_service.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
/* Not <re.h>: its JSON names clash with jansson. */
#include <re_types.h>
#include <re_list.h>
#include <re_mem.h>
#include <re_mqueue.h>
#include <re_tmr.h>
#include "core/cc.h"
#include "api_int.h"
#include "api_live.h"

struct core_call {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	bool done;
	bool abandoned;
	api_core_h *fn;
	json_t *args;
	json_t *result;
	int err;
};

static struct {
	struct mqueue *mq;
	struct tmr tick;
	bool inited;
} core;

static void call_unref(struct core_call *c)
{
	bool last;

	pthread_mutex_lock(&c->lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (!last)
		return;
	json_decref(c->args);
	json_decref(c->result);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void mq_handler(int id, void *data, void *arg)
{
	struct core_call *c = data;
	json_t *result = NULL;
	bool skip;
	int err;

	(void)id;
	(void)arg;
	pthread_mutex_lock(&c->lock);
	skip = c->abandoned;
	pthread_mutex_unlock(&c->lock);
	err = skip ? ETIMEDOUT : c->fn(&result, c->args);
	pthread_mutex_lock(&c->lock);
	c->result = result;
	c->err = err;
	c->done = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	call_unref(c);
}

int api_core_call(json_t **resultp, api_core_h *fn, json_t *args,
		  uint32_t timeout_ms)
{
	struct core_call *c;
	struct timespec ts;
	int err = 0;

	if (!core.inited) {
		json_decref(args);
		return ESHUTDOWN;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		json_decref(args);
		return ENOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->refs = 2;
	c->fn = fn;
	c->args = args ? args : json_object();
	err = mqueue_push(core.mq, 0, c);
	if (err) {
		c->refs = 1;
		call_unref(c);
		return err;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	while (!c->done) {
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) ==
		    ETIMEDOUT)
			break;
	}
	if (!c->done) {
		c->abandoned = true;
		err = ETIMEDOUT;
	}
	else {
		err = c->err;
		if (!err && resultp) {
			*resultp = c->result;
			c->result = NULL;
		}
	}
	pthread_mutex_unlock(&c->lock);
	call_unref(c);
	return err;
}

static void tick(void *arg)
{
	json_t *stats;

	(void)arg;
	tmr_start(&core.tick, 1000 - (uint64_t)(cc_wall_ms() % 1000), tick,
		  NULL);
	stats = api_live_build();
	if (stats)
		api_ws_stats_set(stats);
}

int api_core_init(void)
{
	int err = mqueue_alloc(&core.mq, mq_handler, NULL);

	if (err)
		return err;
	tmr_init(&core.tick);
	core.inited = true;
	err = api_live_init();
	if (err)
		return err;
	tick(NULL);
	return 0;
}

void api_core_close(void)
{
	if (!core.inited)
		return;
	core.inited = false;
	tmr_cancel(&core.tick);
	api_live_close();
	core.mq = mem_deref(core.mq);
}
