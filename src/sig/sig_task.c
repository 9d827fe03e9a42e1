/*
 * sig_task.c: the center's side of a voice task (cc_task_ops, center.h),
 * and the tasks with no caller on the line.
 *
 *   center ──offer(agent)──> the agent's devices ring (sig_aleg.c)
 *          ──cancel(agent)──> they stop
 *          ──give_up──> the call ends
 *          ──control(op)──> hangup, hold, resume, transfer (to a queue,
 *            an agent or an outside number), accept / reject (the
 *            desktop's buttons on an offer), consult (sig_consult.c)
 *
 * Tasks without a caller (kind): a voicemail left in a flow (CK_VOICEMAIL)
 * and a callback (CK_CALLBACK) wait in the ACD like calls; the offer
 * rings the agent's devices.
 *
 *   voicemail: QUEUED ──answered──> an intro, then the message plays to
 *              the agent (it can also be fetched through the API) ──> gone
 *              (the agent wraps up)
 *   callback:  QUEUED ──answered──> DIALING the customer (sig_outside.c)
 *              ──200──> BRIDGED ──> gone; no answer ──> gone (no_answer)
 *
 * the order of a real center, whose agent is on the line before the
 * customer is called.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <sys/stat.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "sig/sig.h"
#include "sig/sig_int.h"
#include "sig/sig_call_int.h"
#include "store/store.h"
#include "crm/crm.h"

bool sig_call_offered(const struct call *c, uint32_t agent)
{
	for (size_t i = 0; agent && i < c->offeredc; i++)
		if (c->offeredv[i] == agent)
			return true;
	return false;
}

void sig_call_offered_add(struct call *c, uint32_t agent)
{
	if (!agent || sig_call_offered(c, agent) ||
	    c->offeredc == ARRAY_SIZE(c->offeredv))
		return;
	c->offeredv[c->offeredc++] = agent;
}

void sig_call_offered_del(struct call *c, uint32_t agent)
{
	for (size_t i = 0; i < c->offeredc; i++) {
		if (c->offeredv[i] == agent) {
			c->offeredv[i] = c->offeredv[--c->offeredc];
			return;
		}
	}
}

/* --- The center's side of a voice task ------------------------------------ */

static void task_offer(void *owner, uint32_t agent, uint32_t ring_ms)
{
	struct call *c = owner;

	(void)ring_ms; /* the center enforces the ring timeout */
	if (c->consult && sig_consult_offer(c, agent))
		return;
	/* ring_all: one offer per available member, all ringing at once */
	sig_call_offered_add(c, agent);
	if (ring_agent(c, agent, sig_agent_auto_answer(agent))) {
		sig_call_offered_del(c, agent);
		(void)cc_task_reject((uint64_t)c->ix, agent, "no_device");
	}
}

static void task_cancel(void *owner, uint32_t agent)
{
	struct call *c = owner;

	sig_call_offered_del(c, agent);
	ringing_cancel(c, agent);
}

static void task_give_up(void *owner)
{
	struct call *c = owner;

	c->task = false;
	cc_info("sig", "call %lld: the queue gave up", (long long)c->ix);
	call_destroy(c);
}

/* The desktop's Accept / Reject on the offer being rung. Reject: the
 * devices stop ringing (CANCEL) and the ACD tries the next agent at once.
 * Accept: SIP gives no way to make a ringing phone pick up, so its devices
 * are rung again with the auto-answer hint, which phones that support it
 * answer at once (the others ring on: the agent answers by hand). */
static int offer_button(struct call *c, bool accept, const char *target)
{
	/* The desktop's agent, or with none named the one offered last
	 * (the live view's) */
	uint32_t agent = c->offeredc ? c->offeredv[c->offeredc - 1] : 0;
	size_t i;

	if (!agent || c->agent)
		return EALREADY;
	if (target) {
		agent = (uint32_t)strtoul(target, NULL, 10);
		for (i = 0; i < c->offeredc && c->offeredv[i] != agent; i++)
			;
		if (i == c->offeredc)
			return EPERM;
	}
	ringing_cancel(c, agent);
	ix_event(c, accept ? "accept_requested" : "declined_on_desktop",
		 agent, NULL);
	if (accept && !ring_agent(c, agent, true)) {
		cc_info("sig", "call %lld: agent %u accepts on the desktop:"
			" rung with auto-answer", (long long)c->ix, agent);
		return 0;
	}
	sig_call_offered_del(c, agent);
	return cc_task_reject((uint64_t)c->ix, agent,
			      accept ? "no_device" : "declined");
}

/* The agent sends the caller to an outside number (the API's blind
 * transfer to a number): the agent's phone is released and the agent
 * wraps up, the caller hears music while the trunk dials, then is bridged
 * (transfer_out, as the flow's external transfer). ENOTCONN: no trunk
 * allows outbound calls. */
static int transfer_number(struct call *c, const char *number)
{
	struct aleg *al = c->agent;
	struct dial_decision d;
	char detail[96];
	int err;

	if (!al || c->consult)
		return EALREADY;
	/* decided before anything changes: a denied transfer leaves the
	 * agent talking to the caller */
	err = sig_trunk_dial_decide(&d, number, DIAL_AGENT_TRANSFER,
				    DIAL_ORIGIN_STAFF, NULL);
	if (err == ENOENT)
		return ENOTCONN;
	if (err)
		return EINVAL;
	if (!d.allowed) {
		dial_denied(c, al->agent, number, DIAL_AGENT_TRANSFER, &d);
		return EACCES;
	}
	(void)snprintf(detail, sizeof(detail), "{\"number\": \"%s\"}",
		       number);
	ix_event(c, "transfer_number", al->agent, detail);
	cc_info("sig", "call %lld: agent %u transfers to %s", (long long)c->ix,
		al->agent, number);
	c->agent = NULL;
	mem_deref(al); /* BYE to the agent */
	c->task = false;
	(void)cc_task_end((uint64_t)c->ix, 0, "agent");
	c->state = CS_MENU;
	transfer_out(c, number, DIAL_AGENT_TRANSFER);
	if (c->hangup) { /* could not dial: the caller is told, then gone */
		c->hangup = false;
		c->state = CS_FEATURE;
		play_text(c, "We are sorry, we could not connect your call."
			     " Goodbye.", &c->play_id);
	}
	return 0;
}

static int task_control(void *owner, enum cc_ctl ctl, const char *target)
{
	struct call *c = owner;
	struct mbuf *sdp = NULL;
	int err;

	switch (ctl) {
	case CC_CTL_HANGUP:
		if (c->agent) {
			agent_hangup(c);
			return 0;
		}
		c->task = false;
		(void)cc_task_abandon((uint64_t)c->ix);
		call_destroy(c);
		return 0;
	case CC_CTL_HOLD:
	case CC_CTL_RESUME:
		if (!c->agent)
			return EINVAL;
		if (c->consult)
			return EALREADY;
		med_leg_set_dir(c->agent->leg, ctl == CC_CTL_HOLD ?
					       MED_DIR_SENDONLY :
					       MED_DIR_SENDRECV);
		err = med_leg_offer(c->agent->leg, &sdp);
		if (!err)
			err = sipsess_modify(c->agent->sess, sdp);
		mem_deref(sdp);
		if (err)
			return err;
		c->agent->held = ctl == CC_CTL_HOLD;
		if (c->agent->held)
			play_moh(c);
		else
			med_leg_stop(c->leg);
		cc_task_held((uint64_t)c->ix, c->agent->held);
		return 0;
	case CC_CTL_MUTE:
	case CC_CTL_UNMUTE:
		/* the agent's audio stops reaching the caller (or comes back);
		 * the phone itself knows nothing of it */
		if (!c->agent || !c->agent->leg)
			return EINVAL;
		med_leg_mute(c->agent->leg, ctl == CC_CTL_MUTE);
		return 0;
	case CC_CTL_TRANSFER: {
		const struct cc_agent_info *a = cc_agent_by_ext(target);
		uint32_t qid;

		if (target && !a && cc_queue_id(target, &qid) &&
		    sig_out_number_ok(target))
			return transfer_number(c, target);
		if (!target || (!a && cc_queue_id(target, &qid)))
			return ENOENT;
		if (c->consult)
			return EALREADY;
		if (c->agent) {
			struct aleg *al = c->agent;

			c->agent = NULL;
			mem_deref(al);
		}
		c->state = CS_QUEUED;
		play_moh(c);
		return cc_task_transfer((uint64_t)c->ix, a ? NULL : target,
					a ? a->id : 0);
	}
	case CC_CTL_ACCEPT:
	case CC_CTL_REJECT:
		return offer_button(c, ctl == CC_CTL_ACCEPT, target);
	case CC_CTL_CONSULT:
		return sig_consult_start(c, target);
	case CC_CTL_CONSULT_COMPLETE:
		return sig_consult_complete(c);
	case CC_CTL_CONSULT_CANCEL:
		return sig_consult_cancel(c);
	}
	return EINVAL;
}

const struct cc_task_ops task_ops = {
	.offer = task_offer,
	.cancel = task_cancel,
	.give_up = task_give_up,
	.control = task_control,
};

/* A task of kind (voicemail, callback) with its own interaction (a new
 * one, or ix when it waited when the server stopped), queued in queue;
 * *cp (optional) is the new call, owned by the call list. */
int task_call_add(struct call **cp, enum call_kind kind, int64_t ix,
		  const char *from, const char *to, const char *queue,
		  uint64_t entered, const char *attrs,
		  const char *recording)
{
	struct cc_task_req req = {0};
	struct call *c;
	int err;

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c)
		return ENOMEM;
	list_init(&c->ringing);
	c->kind = kind;
	c->state = CS_QUEUED;
	c->started = (uint64_t)cc_wall_ms();
	c->entered = entered ? entered : c->started;
	str_ncpy(c->from, from, sizeof(c->from));
	str_ncpy(c->to, to, sizeof(c->to));
	str_ncpy(c->queue, queue, sizeof(c->queue));
	if (recording)
		str_ncpy(c->recording, recording, sizeof(c->recording));
	/* a callback's number: where it came from (we wrote the attrs) */
	if (kind == CK_CALLBACK && attrs &&
	    strstr(attrs, "\"number_origin\": \"confirmed\""))
		c->origin = DIAL_ORIGIN_CONFIRMED;
	else if (kind == CK_CALLBACK && attrs &&
		 strstr(attrs, "\"number_origin\": \"trusted\""))
		c->origin = DIAL_ORIGIN_TRUSTED;
	list_append(&sc.calls, &c->le, c);
	if (ix) {
		c->ix = ix;
		/* records "requeued_after_restart" */
		err = cc_ix_reopen(ix);
		if (err) {
			cc_error("sig", "interaction %lld: cannot reopen:"
				 " %s", (long long)ix, strerror(err));
			mem_deref(c);
			return err;
		}
		goto queue;
	}
	err = cc_ix_alloc(&c->ix, kind == CK_VOICEMAIL ? "voicemail" :
							 "callback",
			  kind == CK_VOICEMAIL ? "inbound" : "outbound", from,
			  to);
	if (err) {
		cc_error("sig", "%s for %s: cannot record it: %s",
			 kind == CK_VOICEMAIL ? "voicemail" : "callback",
			 from, strerror(err));
		mem_deref(c);
		return err;
	}
	if (recording)
		(void)cc_ix_recording_set(c->ix, recording);
	if (attrs)
		(void)cc_ix_attributes_set(c->ix, attrs);
	ix_event(c, kind == CK_VOICEMAIL ? "voicemail_left" :
					   "callback_requested", 0, attrs);
queue:
	if (sig_stopping()) { /* shutdown: kept for the record only */
		mem_deref(c);
		return ECANCELED;
	}
	req.interaction = c->ix;
	/* The agent takes both on their phone: the ACD's voice capacity (one
	 * at a time, never beside a call); the interaction keeps its own
	 * channel for the record and the reports. */
	req.channel = ACD_VOICE;
	req.queue = queue;
	req.entered = c->entered;
	req.from = from;
	req.to = to;
	req.attrs = attrs;
	err = cc_task_add(&req, &task_ops, c);
	if (err) {
		cc_error("sig", "interaction %lld: queue %s: %s",
			 (long long)c->ix, queue, strerror(err));
		c->outcome = "refused";
		call_end_record(c, "system");
		mem_deref(c);
		return err;
	}
	c->task = true;
	cc_info("sig", "interaction %lld: %s for %s queued in %s",
		(long long)c->ix, kind == CK_VOICEMAIL ? "voicemail" :
		"callback", from, queue);
	if (cp)
		*cp = c;
	return 0;
}

void sig_call_voicemail_add(int64_t ix, const char *from, const char *to,
			    const char *queue, const char *path, uint32_t ms)
{
	char attrs[700];

	if (ix)
		(void)cc_ix_recording_set(ix, path);
	if (ms < 500) {
		cc_info("sig", "call %lld: voicemail of %u ms: nothing said,"
			" no task", (long long)ix, ms);
		return;
	}
	(void)snprintf(attrs, sizeof(attrs), "{\"voicemail_for\": %lld,"
		       " \"duration_ms\": %u, \"recording\": \"%s\"}",
		       (long long)ix, ms, path);
	(void)task_call_add(NULL, CK_VOICEMAIL, 0, from, to,
			    queue && *queue ? queue : "support", 0, attrs,
			    path);
}

/* The agent took a voicemail: an intro, then the message; the task ends
 * when it has played (aleg_med_h) or the agent hangs up. */
void voicemail_play(struct call *c, struct aleg *a)
{
	struct med_prompt *p = NULL;
	char say[160];

	c->state = CS_BRIDGED;
	c->bridged_at = cc_clock_ms();
	a->stage = 0;
	a->play_id = 0;
	(void)snprintf(say, sizeof(say), "Voicemail from %s.", c->from);
	if (!med_prompt_text(&p, NULL, say))
		(void)med_leg_play(a->leg, p, false, &a->play_id);
	mem_deref(p);
	ix_event(c, "voicemail_played", a->agent, NULL);
	cc_info("sig", "call %lld: voicemail played to agent %u",
		(long long)c->ix, a->agent);
	if (!a->play_id) { /* no intro: straight to the message */
		a->stage = 1;
		if (!med_prompt_file(&p, c->recording))
			(void)med_leg_play(a->leg, p, false, &a->play_id);
		med_prompt_forget(p);
		mem_deref(p);
	}
}
