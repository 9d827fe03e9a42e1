/*
 * sig_consult.c: attended (consultative) transfer of a bridged call. The
 * agent who has the caller (A) asks for a consult with another agent or a
 * queue (T: the available member the queue's strategy and required skill
 * pick, asked of the ACD without a task); the caller hears
 * music while A talks to T; then A completes (the caller is bridged to T
 * and A's phone gets a BYE) or cancels (T's phone is released and the
 * caller is back with A). Owns the consult object of a call and the legs
 * to T's devices (struct aleg with consult set, made by sig_call.c).
 *
 *   start ──> RINGING ──T answers──> TALKING ──complete──> COMPLETING
 *               │  (A's leg bridged to T's, the caller on music)  │
 *               │                                    the center offers
 *               │ no answer (30 s), declined, failed    the call to T:
 *               v                                    T's leg becomes the
 *   cancelled: the caller bridged to A again         call's agent leg
 *
 * While the consult runs, T is kept away (reason "consult") so that the
 * ACD offers T nothing else; the caller's task is on hold. Completion goes
 * through the ACD like a blind transfer to T (cc_task_transfer with T
 * preferred, then T available): the center's offer to T is taken over here
 * without ringing, so the record, the figures and the desktops see T
 * answer the call. A hangs up while T talks: that completes; A hangs up
 * while T rings: the consult is dropped and the call ends as without it.
 *
 * T may also be an outside number ("tel:NUMBER"), dialled through the
 * outbound trunk. Completion then needs no ACD: A's phone is released and
 * A wraps up (the task ends for A, as in a blind transfer to a number),
 * and the outside leg becomes the caller's bridged party (the call is
 * external from then on: when either side hangs up, it ends).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/center.h"
#include "med/med.h"
#include "sig/sig.h"
#include "sig/sig_int.h"
#include "sig/sig_call_int.h"
#include "store/store.h"

enum {
	CONSULT_RING_MS = 30000,
};

enum consult_state {
	CO_RINGING,
	CO_TALKING,
	CO_COMPLETING,
};

struct sig_consult {
	struct call *c;
	enum consult_state state;
	uint32_t agent;          /* A */
	uint32_t target;         /* T */
	struct list ringing;     /* struct aleg, consult */
	struct aleg *leg;        /* T's answered leg */
	struct tmr tmr;          /* ring timeout; the takeover */
	bool adopted;            /* T took the call: T's presence is the ACD's */
	bool external;           /* T is an outside number */
	char number[32];         /* external: the number */
};

static const char *statename(enum consult_state st)
{
	switch (st) {
	case CO_RINGING:
		return "ringing";
	case CO_TALKING:
		return "talking";
	case CO_COMPLETING:
		return "completing";
	}
	return "?";
}

static void consult_destructor(void *arg)
{
	struct sig_consult *co = arg;

	tmr_cancel(&co->tmr);
	list_flush(&co->ringing); /* CANCEL */
	co->leg = mem_deref(co->leg); /* BYE */
	if (!co->adopted)
		(void)cc_agent_presence(co->target, ACD_AVAILABLE, NULL,
					"system");
}

/* The member the queue's strategy and required skill pick now (the ACD's
 * own decision, without a task), 0 when nobody is available. */
static uint32_t queue_pick(const char *queue, uint32_t not)
{
	uint32_t agent = 0;

	return cc_queue_pick(queue, not, &agent) ? 0 : agent;
}

/* Ends the consult without a transfer: the caller is A's again. */
static void consult_drop(struct call *c, const char *phase)
{
	struct sig_consult *co = c->consult;
	uint32_t agent = co->agent, target = co->target;

	cc_info("sig", "call %lld: consult of agent %u with %u %s (%s)",
		(long long)c->ix, agent, target, phase, statename(co->state));
	c->consult = NULL;
	mem_deref(co); /* T's legs released, T available again */
	if (c->agent) {
		int err = med_leg_bridge(c->leg, c->agent->leg);

		if (err)
			cc_error("sig", "call %lld: bridge back: %s",
				 (long long)c->ix, strerror(err));
	}
	cc_task_held((uint64_t)c->ix, false);
	cc_task_consult((uint64_t)c->ix, agent, target, phase);
}

static void ring_timeout_h(void *arg)
{
	struct sig_consult *co = arg;

	consult_drop(co->c, "failed");
}

/* The consult's first step for an outside number (see the top). */
static int start_external(struct call *c, const char *number)
{
	struct sig_consult *co;
	char detail[64];
	int err;

	if (!sig_out_number_ok(number))
		return EINVAL;
	if (!sig_out_available())
		return ENOTCONN;
	co = mem_zalloc(sizeof(*co), consult_destructor);
	if (!co)
		return ENOMEM;
	co->c = c;
	co->agent = c->agent->agent;
	co->external = true;
	co->adopted = true; /* no agent's presence to give back */
	str_ncpy(co->number, number, sizeof(co->number));
	list_init(&co->ringing);
	tmr_init(&co->tmr);
	err = sig_call_dial_consult(c, number, &co->ringing);
	if (err) {
		mem_deref(co);
		return err;
	}
	c->consult = co;
	med_leg_unbridge(c->leg);
	sig_call_moh(c);
	cc_task_held((uint64_t)c->ix, true);
	tmr_start(&co->tmr, CONSULT_RING_MS, ring_timeout_h, co);
	(void)snprintf(detail, sizeof(detail), "{\"number\": \"%s\"}",
		       number);
	sig_call_event(c, "consult_number", co->agent, detail);
	cc_info("sig", "call %lld: agent %u consults %s (outside)",
		(long long)c->ix, co->agent, number);
	cc_task_consult((uint64_t)c->ix, co->agent, 0, "ringing");
	return 0;
}

int sig_consult_start(struct call *c, const char *target)
{
	const struct cc_agent_info *t = NULL;
	struct acd_agent_live l;
	struct sig_consult *co;
	uint32_t qid, tid = 0;
	int err;

	if (c->state != CS_BRIDGED || !c->agent || c->consult || !target)
		return c->consult ? EALREADY : target ? EALREADY : EINVAL;
	if (!strncmp(target, "tel:", 4))
		return start_external(c, target + 4);
	t = cc_agent_by_ext(target);
	if (t)
		tid = t->id;
	else if (!cc_queue_id(target, &qid))
		tid = queue_pick(target, c->agent->agent);
	else
		return ENOENT;
	if (!tid)
		return EBUSY; /* nobody of the queue is available */
	if (tid == c->agent->agent)
		return EINVAL;
	if (acd_agent_live(cc_center_acd(), tid, (uint64_t)cc_wall_ms(), &l))
		return ENOENT;
	if (l.state != ACD_AVAILABLE)
		return EBUSY;
	co = mem_zalloc(sizeof(*co), consult_destructor);
	if (!co)
		return ENOMEM;
	co->c = c;
	co->agent = c->agent->agent;
	co->target = tid;
	co->adopted = true; /* nothing to give back until reserved */
	list_init(&co->ringing);
	tmr_init(&co->tmr);
	err = sig_call_ring(c, tid, false, &co->ringing, true);
	if (err) {
		mem_deref(co);
		return err == ENOENT || err == EIO ? ENODEV : err;
	}
	/* T takes nothing else meanwhile. */
	err = cc_agent_presence(tid, ACD_AWAY, "consult", "system");
	if (err) {
		mem_deref(co);
		return err;
	}
	co->adopted = false;
	c->consult = co;
	med_leg_unbridge(c->leg);
	sig_call_moh(c);
	cc_task_held((uint64_t)c->ix, true);
	tmr_start(&co->tmr, CONSULT_RING_MS, ring_timeout_h, co);
	cc_info("sig", "call %lld: agent %u consults agent %u (%s)",
		(long long)c->ix, co->agent, tid, target);
	cc_task_consult((uint64_t)c->ix, co->agent, tid, "ringing");
	return 0;
}

void sig_consult_leg_answered(struct call *c, struct aleg *a)
{
	struct sig_consult *co = c->consult;
	int err;

	if (!co || co->state != CO_RINGING || co->leg || !c->agent) {
		mem_deref(a); /* late answer: BYE */
		return;
	}
	list_unlink(&a->le);
	list_flush(&co->ringing); /* the target's other devices */
	a->up = true;
	co->leg = a;
	co->state = CO_TALKING;
	tmr_cancel(&co->tmr);
	err = med_leg_bridge(c->agent->leg, a->leg);
	if (err)
		cc_error("sig", "call %lld: consult bridge: %s",
			 (long long)c->ix, strerror(err));
	cc_info("sig", "call %lld: agent %u talks to agent %u (consult)",
		(long long)c->ix, co->agent, co->target);
	cc_task_consult((uint64_t)c->ix, co->agent, co->target, "talking");
}

void sig_consult_leg_closed(struct call *c, struct aleg *a, const char *why)
{
	struct sig_consult *co = c->consult;

	if (!co || (a != co->leg && a->le.list != &co->ringing)) {
		mem_deref(a);
		return;
	}
	if (a == co->leg) {
		/* T hung up (or was lost) before the completion's takeover. */
		co->leg = NULL;
		mem_deref(a);
		cc_info("sig", "call %lld: consulted agent %u left: %s",
			(long long)c->ix, co->target, why);
		consult_drop(c, co->state == CO_COMPLETING ? "failed" :
							     "cancelled");
		return;
	}
	mem_deref(a);
	if (!co->leg && !co->ringing.head) {
		cc_info("sig", "call %lld: consult with agent %u: %s",
			(long long)c->ix, co->target, why);
		consult_drop(c, "failed");
	}
}

/* T's leg becomes the call's agent leg: outside the center's decision
 * loop (the offer came from within it). */
static void takeover_h(void *arg)
{
	struct sig_consult *co = arg;
	struct call *c = co->c;
	struct aleg *a = co->leg;
	uint32_t agent = co->agent, target = co->target;
	int err;

	co->leg = NULL;
	co->adopted = true;
	c->consult = NULL;
	mem_deref(co);
	a->consult = false;
	c->agent = a;
	c->offeredc = 0;
	err = cc_task_accept((uint64_t)c->ix, target);
	if (err) {
		cc_warn("sig", "call %lld: the consulted agent %u cannot take"
			" the call: %s", (long long)c->ix, target,
			strerror(err));
		c->agent = NULL;
		mem_deref(a);
		return;
	}
	err = med_leg_bridge(c->leg, a->leg);
	if (err)
		cc_error("sig", "call %lld: bridge: %s", (long long)c->ix,
			 strerror(err));
	c->state = CS_BRIDGED;
	c->announcing = false;
	c->bridged_at = cc_clock_ms();
	cc_info("sig", "call %lld: transferred by agent %u to agent %u"
		" (attended)", (long long)c->ix, agent, target);
	cc_task_consult((uint64_t)c->ix, agent, target, "completed");
}

bool sig_consult_offer(struct call *c, uint32_t agent)
{
	struct sig_consult *co = c->consult;

	if (!co || co->state != CO_COMPLETING || agent != co->target ||
	    !co->leg)
		return false;
	sig_call_offered_add(c, agent);
	tmr_start(&co->tmr, 0, takeover_h, co);
	return true;
}

/* An outside T: A leaves and wraps up, T is the caller's party. */
static int complete_external(struct call *c)
{
	struct sig_consult *co = c->consult;
	struct aleg *a = c->agent, *o = co->leg;
	uint32_t agent = co->agent;
	char detail[64];
	int err;

	(void)snprintf(detail, sizeof(detail), "{\"to\": \"%s\"}",
		       co->number);
	cc_task_consult((uint64_t)c->ix, agent, 0, "completed");
	co->leg = NULL;
	c->consult = NULL;
	mem_deref(co);
	c->agent = NULL;
	mem_deref(a); /* BYE to A (or A already gone) */
	c->task = false;
	(void)cc_task_end((uint64_t)c->ix, 0, "agent"); /* A wraps up */
	o->consult = false;
	c->agent = o;
	c->external = true;
	c->state = CS_BRIDGED;
	c->bridged_at = cc_clock_ms();
	c->outcome = "transferred";
	err = med_leg_bridge(c->leg, o->leg);
	if (err)
		cc_error("sig", "call %lld: bridge to the outside party: %s",
			 (long long)c->ix, strerror(err));
	sig_call_event(c, "transferred", 0, detail);
	cc_info("sig", "call %lld: attended transfer of agent %u to %s done",
		(long long)c->ix, agent, o ? "the outside party" : "?");
	return 0;
}

/* A leaves; the task goes to T through the ACD (see the top). */
static int complete(struct call *c)
{
	struct sig_consult *co = c->consult;
	struct aleg *a = c->agent;
	int err;

	if (co->external)
		return complete_external(c);
	c->agent = NULL;
	mem_deref(a); /* BYE to A (or A already gone) */
	co->state = CO_COMPLETING;
	c->state = CS_QUEUED;
	med_leg_unbridge(co->leg->leg);
	cc_task_held((uint64_t)c->ix, false);
	err = cc_task_transfer((uint64_t)c->ix, NULL, co->target);
	if (!err) {
		/* Presence, not ours any more: the offer comes back to us
		 * (sig_consult_offer). */
		co->adopted = true;
		err = cc_agent_presence(co->target, ACD_AVAILABLE, NULL,
					"system");
	}
	if (err) {
		cc_warn("sig", "call %lld: attended transfer to agent %u: %s",
			(long long)c->ix, co->target, strerror(err));
		co->adopted = false;
	}
	return err;
}

int sig_consult_complete(struct call *c)
{
	struct sig_consult *co = c->consult;

	if (!co || co->state != CO_TALKING || !c->agent)
		return EALREADY;
	return complete(c);
}

int sig_consult_cancel(struct call *c)
{
	struct sig_consult *co = c->consult;

	if (!co || co->state == CO_COMPLETING)
		return EALREADY;
	consult_drop(c, "cancelled");
	return 0;
}

bool sig_consult_agent_left(struct call *c)
{
	struct sig_consult *co = c->consult;

	if (co->state == CO_TALKING) {
		(void)complete(c);
		return true;
	}
	if (co->state == CO_COMPLETING)
		return false;
	{
		uint32_t agent = co->agent, target = co->target;

		c->consult = NULL;
		mem_deref(co); /* T's phone stops ringing */
		cc_task_held((uint64_t)c->ix, false);
		cc_task_consult((uint64_t)c->ix, agent, target, "cancelled");
	}
	return false;
}
