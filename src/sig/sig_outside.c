/*
 * sig_outside.c: calls out through a trunk (sig_out.c) for a call.
 *
 *   callback:     the agent is on the line; the customer's number is
 *                 dialled: DIALING ──200──> BRIDGED (the customer's leg is
 *                 the call's caller leg) ──> gone; no answer ──> gone
 *   transfer out: (an agent's REFER or button, a flow's transfer node)
 *                 the caller hears music while the number is dialled:
 *                 DIALING ──200──> BRIDGED to the outside party (an aleg
 *                 with agent 0; the agent, if any, wraps up) ──BYE──> gone;
 *                 no answer ──> FEATURE: an apology, then gone
 *   consult:      an attended transfer's outside target (sig_consult.c)
 *
 * Every such dial goes through the dial-out policy (src/dial, through
 * sig_out.c); a denied one sends nothing to the trunk and puts
 * dial_denied with the reason on the interaction's timeline.
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

/* The agent answered a callback: the customer is called through the
 * trunk at their own number; the agent hears who is being called. */
void callback_dial(struct call *c)
{
	struct aleg *a = c->agent;
	struct med_prompt *p = NULL;
	struct mbuf *sdp = NULL;
	struct dial_decision d;
	char say[160], hdrs[96], detail[96];
	int64_t ix = c->ix;
	int err;

	(void)snprintf(say, sizeof(say), "Calling the customer back at %s.",
		       c->from);
	if (!med_prompt_text(&p, NULL, say))
		(void)med_leg_play(a->leg, p, false, NULL);
	mem_deref(p);
	(void)snprintf(hdrs, sizeof(hdrs), "X-Switchboard-Interaction: %lld"
		       "\r\n", (long long)c->ix);
	err = med_leg_alloc(&c->leg, NULL, call_med_h, c);
	if (!err)
		err = med_leg_offer(c->leg, &sdp);
	if (!err)
		err = sig_call_dial_out(&c->sess, &d, c->from, DIAL_CALLBACK,
					c->origin, c->to, sdp, &cust_h, c,
					hdrs);
	mem_deref(sdp);
	(void)snprintf(detail, sizeof(detail), "{\"number\": \"%s\"}",
		       c->from);
	if (err == EACCES)
		dial_denied(c, a->agent, c->from, DIAL_CALLBACK, &d);
	else
		ix_event(c, "callback_dialled", a->agent, detail);
	if (err) {
		cc_error("sig", "call %lld: callback to %s: %s",
			 (long long)c->ix, c->from, strerror(err));
		agent_hangup(c); /* frees c */
		(void)cc_ix_outcome_set(ix, "failed");
		return;
	}
	c->state = CS_DIALING;
}

static void ext_estab_h(const struct sip_msg *msg, void *arg)
{
	struct aleg *a = arg;
	struct call *c = a->call;
	int err;

	(void)msg;
	list_unlink(&a->le);
	a->up = true;
	c->agent = a;
	err = med_leg_bridge(c->leg, a->leg);
	if (err)
		cc_error("sig", "call %lld: bridge: %s", (long long)c->ix,
			 strerror(err));
	c->state = CS_BRIDGED;
	c->bridged_at = cc_clock_ms();
	c->outcome = "transferred";
	ix_event(c, "transferred", 0, NULL);
	cc_info("sig", "call %lld: bridged to the outside party",
		(long long)c->ix);
}

static void ext_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct aleg *a = arg;
	struct call *c = a->call;

	(void)msg;
	if (c->agent == a) {
		outside_party_left(c, a);
		return;
	}
	cc_warn("sig", "call %lld: the outside number did not answer (%s)",
		(long long)c->ix, err ? strerror(err) : msg ?
		"refused" : "?");
	mem_deref(a);
	c->external = false;
	c->outcome = "failed";
	call_end_record(c, "system");
	c->state = CS_FEATURE; /* say sorry, then hang up */
	play_text(c, "We are sorry, we could not connect your call."
		     " Goodbye.", &c->play_id);
}

static const struct sig_out_handlers ext_h = {
	.offer = aleg_offer_h,
	.answer = aleg_answer_h,
	.progr = aleg_progr_h,
	.estab = ext_estab_h,
	.info = aleg_info_h,
	.refer = call_refer_h,
	.close = ext_close_h,
};

/* An outside party consulted by the agent (attended transfer to a
 * number): the leg is a consult leg like an agent's device, so the
 * agent legs' handlers hand it to sig_consult.c. */
static const struct sig_out_handlers consult_h = {
	.offer = aleg_offer_h,
	.answer = aleg_answer_h,
	.progr = aleg_progr_h,
	.estab = aleg_estab_h,
	.info = aleg_info_h,
	.refer = aleg_refer_h,
	.close = aleg_close_h,
};

int sig_call_dial_consult(struct call *c, const char *number,
			  struct list *into)
{
	struct aleg *a = mem_zalloc(sizeof(*a), aleg_destructor);
	struct mbuf *sdp = NULL;
	struct dial_decision d;
	char hdrs[96];
	int err;

	if (!a)
		return ENOMEM;
	a->call = c;
	a->consult = true;
	list_append(into, &a->le, a);
	(void)snprintf(hdrs, sizeof(hdrs), "X-Switchboard-Interaction: %lld"
		       "\r\n", (long long)c->ix);
	err = med_leg_alloc(&a->leg, NULL, aleg_med_h, a);
	if (!err)
		err = med_leg_offer(a->leg, &sdp);
	if (!err)
		err = sig_call_dial_out(&a->sess, &d, number,
					DIAL_AGENT_CONSULT, DIAL_ORIGIN_STAFF,
					c->to, sdp, &consult_h, a, hdrs);
	mem_deref(sdp);
	if (err == EACCES)
		dial_denied(c, c->agent ? c->agent->agent : 0, number,
			    DIAL_AGENT_CONSULT, &d);
	if (err)
		mem_deref(a);
	return err;
}

/* The caller goes to an outside number: the flow's transfer (external:
 * true in the flow, the number fixed by its author) or the agent's. */
void transfer_out(struct call *c, const char *number,
		  enum dial_purpose purpose)
{
	struct aleg *a = mem_zalloc(sizeof(*a), aleg_destructor);
	struct mbuf *sdp = NULL;
	struct dial_decision d;
	char hdrs[96], detail[96];
	int err;

	if (!a) {
		c->hangup = true;
		return;
	}
	a->call = c;
	list_append(&c->ringing, &a->le, a);
	(void)snprintf(hdrs, sizeof(hdrs), "X-Switchboard-Interaction: %lld"
		       "\r\n", (long long)c->ix);
	err = med_leg_alloc(&a->leg, NULL, aleg_med_h, a);
	if (!err)
		err = med_leg_offer(a->leg, &sdp);
	if (!err)
		err = sig_call_dial_out(&a->sess, &d, number, purpose,
					DIAL_ORIGIN_STAFF, c->to, sdp, &ext_h,
					a, hdrs);
	mem_deref(sdp);
	(void)snprintf(detail, sizeof(detail), "{\"to\": \"%s\"}", number);
	if (err == EACCES)
		dial_denied(c, 0, number, purpose, &d);
	else
		ix_event(c, "transfer_requested", 0, detail);
	if (err) {
		cc_error("sig", "call %lld: transfer to %s: %s",
			 (long long)c->ix, number, strerror(err));
		mem_deref(a);
		c->outcome = "failed";
		c->hangup = true;
		return;
	}
	c->external = true;
	c->state = CS_DIALING;
	play_moh(c);
}
