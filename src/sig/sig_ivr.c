/*
 * sig_ivr.c: the IVR host on a live call. Feeds the interpreter of
 * src/ivr (a pure state machine) with the call's events and carries out
 * its actions on the caller's media leg: prompts (med_leg_play, text
 * through espeak-ng in the flow's voice), stop on barge-in, deadlines
 * checked by sig_call.c's sweep (no timer per call), customer lookups
 * through the CRM (by caller or account), and the end of the flow handed back
 * to the call through sig_ivr_ops (queue, hang up).
 *
 * Not carried out live yet: voicemail recording and callbacks (the caller
 * is queued in the node's queue instead, and the log says so), and
 * transfers to outside numbers (to a queue name only).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "sig/sig_int.h"
#include "store/store.h"
#include "crm/crm.h"

struct sig_ivr {
	struct ivr_session *s;
	struct med_leg *leg;      /* borrowed: the call outlives us */
	int64_t ix;
	uint32_t med_play;        /* med's id of the prompt playing */
	uint32_t ivr_play;        /* the interpreter's id for it */
	bool over;                /* an end action went to the call */
	int64_t customer;         /* found by a lookup node (0: none) */
	const struct sig_ivr_ops *ops;
	void *arg;
	struct ivr_host host;
};

static void destructor(void *arg)
{
	struct sig_ivr *iv = arg;

	ivr_session_free(iv->s);
}

static int figures_h(const char *queue, struct ivr_queue_figures *f,
		     void *arg)
{
	struct acd_queue_live q;
	uint32_t qid;
	int err;

	(void)arg;
	err = cc_queue_id(queue, &qid);
	if (err)
		return err;
	err = acd_queue_live(cc_center_acd(), qid, (uint64_t)cc_wall_ms(), &q);
	if (err)
		return err;
	f->waiting = q.waiting;
	f->expected_wait_ms = q.expected_wait_ms;
	f->agents_available = q.agents[ACD_AVAILABLE];
	return 0;
}

/* --- Customer lookup (the CRM: src/crm) ---------------------------------- */

struct lookup {
	char buf[1024];
	const char *fieldv[32];
	size_t pairs;
	bool found;
};

/* The customer whose phone (by caller: E.164-normalised) or account
 * number (an account identity or custom field) matches key, as the
 * flow's customer.* variables. */
static void lookup_customer(struct sig_ivr *iv, struct lookup *lk,
			    const char *by, const char *key)
{
	sqlite3 *db = store_main() ? store_reader(store_main()) : NULL;
	int64_t id = 0;

	memset(lk, 0, sizeof(*lk));
	lk->pairs = crm_ivr_fields(db, !strcmp(by, "caller") ? "caller"
							     : "account",
				   key, lk->buf, sizeof(lk->buf), lk->fieldv,
				   16, &id);
	lk->found = lk->pairs > 0;
	/* Who the caller said they are (an account number) outranks whose
	 * phone they call from: the interaction and the pop follow. */
	if (lk->found && id != iv->customer) {
		iv->customer = id;
		(void)store_interaction_update(store_main(), iv->ix, NULL, NULL,
					       "customer_id = ?", "i", id);
	}
}

int64_t sig_ivr_customer(const struct sig_ivr *iv)
{
	return iv ? iv->customer : 0;
}

/* --- Actions ------------------------------------------------------------ */

static void play(struct sig_ivr *iv, const struct ivr_action *a)
{
	struct med_prompt *p = NULL;
	int err;

	if (a->is_file)
		err = med_prompt_file(&p, a->text);
	else
		err = med_prompt_text(&p, a->value[0] ? a->value : NULL,
				      a->text);
	if (!err)
		err = med_leg_play(iv->leg, p, false, &iv->med_play);
	mem_deref(p);
	iv->ivr_play = a->play_id;
	if (err) {
		cc_warn("sig", "call %lld: ivr prompt '%s': %s",
			(long long)iv->ix, a->text, strerror(err));
		iv->med_play = 0; /* the sweep carries on without it */
	}
}

static void feed(struct sig_ivr *iv, struct ivr_event *ev);

static void run(struct sig_ivr *iv, const struct ivr_action *a, size_t n)
{
	for (size_t i = 0; i < n && !iv->over; i++, a++) {
		switch (a->type) {
		case IVR_ACT_PLAY:
			play(iv, a);
			break;
		case IVR_ACT_STOP:
			med_leg_stop(iv->leg);
			iv->med_play = 0;
			break;
		case IVR_ACT_COLLECT:
		case IVR_ACT_SET:
			break;
		case IVR_ACT_LOOKUP: {
			struct lookup lk;
			struct ivr_event ev = {0};

			lookup_customer(iv, &lk, a->text, a->value);
			ev.type = IVR_EV_LOOKUP;
			ev.found = lk.found;
			ev.fields = lk.fieldv;
			ev.fieldc = lk.pairs;
			cc_info("sig", "call %lld: ivr lookup by %s: %s",
				(long long)iv->ix, a->text,
				lk.found ? "found" : "not found");
			feed(iv, &ev); /* the rest of this list is empty */
			return;
		}
		case IVR_ACT_ENQUEUE:
			iv->over = true;
			iv->ops->queue(a->queue, a->priority,
				       a->preferred_agent, iv->arg);
			return;
		case IVR_ACT_HANGUP:
			iv->over = true;
			iv->ops->hangup(iv->arg);
			return;
		case IVR_ACT_RECORD:
		case IVR_ACT_CALLBACK:
			cc_warn("sig", "call %lld: ivr %s is not available on"
				" live calls yet: queued in %s instead",
				(long long)iv->ix,
				a->type == IVR_ACT_RECORD ? "voicemail" :
							    "callback",
				a->queue);
			iv->over = true;
			iv->ops->queue(a->queue, 0, 0, iv->arg);
			return;
		case IVR_ACT_TRANSFER: {
			uint32_t qid;

			iv->over = true;
			if (!cc_queue_id(a->text, &qid)) {
				iv->ops->queue(a->text, 0, 0, iv->arg);
				return;
			}
			cc_warn("sig", "call %lld: ivr transfer to %s is not"
				" possible (only to a queue yet): hanging up",
				(long long)iv->ix, a->text);
			iv->ops->hangup(iv->arg);
			return;
		}
		}
	}
}

static void feed(struct sig_ivr *iv, struct ivr_event *ev)
{
	const struct ivr_action *a;
	size_t n;

	if (iv->over)
		return;
	ev->now = cc_clock_ms();
	ev->wall = (int64_t)cc_wall_ms();
	if (ivr_session_event(iv->s, ev, &a, &n))
		return;
	run(iv, a, n);
}

/* --- Interface (sig_int.h) --------------------------------------------- */

int sig_ivr_alloc(struct sig_ivr **ivp, struct ivr_flow *flow,
		  struct med_leg *leg, int64_t ix, const char *from,
		  const char *to, const struct sig_ivr_ops *ops, void *arg)
{
	struct sig_ivr *iv;
	int err;

	if (!ivp || !flow || !leg || !ops)
		return EINVAL;
	iv = mem_zalloc(sizeof(*iv), destructor);
	if (!iv)
		return ENOMEM;
	iv->leg = leg;
	iv->ix = ix;
	iv->ops = ops;
	iv->arg = arg;
	iv->host.queue_figures = figures_h;
	iv->host.arg = iv;
	err = ivr_session_alloc(&iv->s, flow, &iv->host, from, to);
	if (err) {
		mem_deref(iv);
		return err;
	}
	*ivp = iv;
	return 0;
}

void sig_ivr_start(struct sig_ivr *iv)
{
	struct ivr_event ev = {.type = IVR_EV_START};

	feed(iv, &ev);
}

void sig_ivr_digit(struct sig_ivr *iv, char digit)
{
	struct ivr_event ev = {.type = IVR_EV_DIGIT, .digit = digit};

	feed(iv, &ev);
}

bool sig_ivr_play_done(struct sig_ivr *iv, uint32_t med_play_id)
{
	struct ivr_event ev = {.type = IVR_EV_PLAY_DONE};

	if (!iv->med_play || med_play_id != iv->med_play)
		return false;
	iv->med_play = 0;
	ev.play_id = iv->ivr_play;
	feed(iv, &ev);
	return true;
}

bool sig_ivr_sweep(struct sig_ivr *iv, uint64_t now)
{
	uint64_t d;

	if (iv->over)
		return false;
	/* A prompt that could not be played counts as played. */
	if (!iv->med_play && iv->ivr_play && !med_leg_playing(iv->leg) &&
	    !ivr_session_deadline(iv->s)) {
		struct ivr_event ev = {.type = IVR_EV_PLAY_DONE,
				       .play_id = iv->ivr_play};

		iv->ivr_play = 0;
		feed(iv, &ev);
		return false;
	}
	d = ivr_session_deadline(iv->s);
	if (d && now >= d) {
		struct ivr_event ev = {.type = IVR_EV_TIMEOUT};

		feed(iv, &ev);
		return true;
	}
	return false;
}

bool sig_ivr_survey(struct sig_ivr *iv)
{
	const struct ivr_action *a;
	size_t n;

	if (ivr_session_survey(iv->s, cc_clock_ms(), (int64_t)cc_wall_ms(), &a,
			       &n))
		return false;
	iv->over = false;
	iv->med_play = iv->ivr_play = 0;
	cc_info("sig", "call %lld: post-call survey", (long long)iv->ix);
	run(iv, a, n);
	return true;
}

char *sig_ivr_survey_answers(const struct sig_ivr *iv)
{
	return iv ? ivr_session_survey_answers(iv->s) : NULL;
}

char *sig_ivr_path(const struct sig_ivr *iv, bool detail)
{
	return iv ? ivr_session_path(iv->s, detail) : NULL;
}

/* The queue names the center knows, for checking flows. */
struct qnames {
	char buf[4096];
	const char *v[128];
	size_t n, used;
};

static void qname_h(uint32_t id, const char *name, void *arg)
{
	struct qnames *q = arg;
	size_t len = strlen(name) + 1;

	(void)id;
	if (q->n == sizeof(q->v) / sizeof(q->v[0]) ||
	    q->used + len > sizeof(q->buf))
		return;
	memcpy(q->buf + q->used, name, len);
	q->v[q->n++] = q->buf + q->used;
	q->used += len;
}

static void problem_h(const char *path, const char *msg, void *arg)
{
	cc_error("sig", "flow %s: %s: %s", (const char *)arg, path, msg);
}

int sig_ivr_flow_load(struct ivr_flow **fp, const char *name,
		      const char *def)
{
	struct qnames *q = mem_zalloc(sizeof(*q), NULL);
	struct ivr_check_opts o = {0};
	int err;

	if (!q)
		return ENOMEM;
	cc_queue_foreach(qname_h, q);
	if (q->n) {
		o.queues = q->v;
		o.queuec = q->n;
	}
	err = ivr_flow_decode(fp, def, &o, problem_h, (void *)name);
	mem_deref(q);
	return err;
}
