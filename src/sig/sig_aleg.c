/*
 * sig_aleg.c: the agents' legs (struct aleg): one per device of an agent
 * rung for a call, then the one that answered, bridged to the caller; and
 * which agents asked for the auto-answer hint on their offers.
 *
 *   sig_call_ring ──INVITE──> ringing ──200──> up, bridged (the others
 *        │                                    are cancelled)
 *        └─ 486/603/408/failure, or the center withdraws ──> gone
 *            (the center is told when no device of the agent is left)
 *   up ──re-INVITE sendonly/inactive──> held (music to the caller)
 *      <──re-INVITE sendrecv──────────
 *   up ──REFER──> blind transfer (queue, agent or outside number)
 *   up ──BYE──> the agent hung up: the caller's side ends (or the survey)
 *   up ──BYE within SIG_DROPOUT_MS, RTP timeout, transport failure──>
 *        dropout: the caller hears an apology and waits again at the head
 *
 * A leg with agent 0 is an outside party (sig_outside.c); a consult leg
 * belongs to an attended transfer (sig_consult.c).
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

/* --- Agent legs ---------------------------------------------------------- */

void aleg_destructor(void *arg)
{
	struct aleg *a = arg;

	list_unlink(&a->le);
	if (a->up && a->leg) {
		struct med_leg_stats st;

		med_leg_stats_get(a->leg, &st);
		cc_info("sig", "call %lld: agent %u leg rx %llu tx %llu",
			(long long)a->call->ix, a->agent,
			(unsigned long long)st.rx_packets,
			(unsigned long long)st.tx_packets);
		a->call->ast.rx_packets += st.rx_packets;
		a->call->ast.tx_packets += st.tx_packets;
		a->call->ast.relayed += st.relayed;
	}
	mem_deref(a->sess); /* CANCEL when ringing, BYE when up */
	mem_deref(a->leg);
}

/* Cancels the devices of agent still ringing (all when agent is 0). */
void ringing_cancel(struct call *c, uint32_t agent)
{
	struct le *le = c->ringing.head;

	while (le) {
		struct aleg *a = le->data;

		le = le->next;
		if (!agent || a->agent == agent)
			mem_deref(a);
	}
}

static bool ringing_has(const struct call *c, uint32_t agent)
{
	for (struct le *le = c->ringing.head; le; le = le->next)
		if (((struct aleg *)le->data)->agent == agent)
			return true;
	return false;
}

static const char *miss_reason(int err, const struct sip_msg *msg)
{
	if (err || !msg)
		return "failed";
	switch (msg->scode) {
	case 486:
	case 600:
		return "busy";
	case 603:
	case 403:
		return "declined";
	case 408:
	case 480:
	case 487:
		return "no_answer";
	default:
		return "failed";
	}
}

/* The agent's bridged leg died: the caller goes back to the head of the
 * queue after a short apology; the agent is set away by the center. */
static void dropout(struct call *c, const char *why)
{
	struct aleg *a = c->agent;
	char detail[96];

	cc_warn("sig", "call %lld: agent %u dropped out (%s): requeued",
		(long long)c->ix, a->agent, why);
	(void)snprintf(detail, sizeof(detail), "{\"reason\": \"%s\"}", why);
	ix_event(c, "dropout", a->agent, detail);
	c->agent = NULL;
	mem_deref(a);
	c->state = CS_QUEUED;
	c->announcing = true; /* the apology, then music */
	play_text(c, "We are sorry, the connection to your agent was lost."
		     " Please hold, we are connecting you again.",
		  &c->play_id);
	(void)cc_task_requeue((uint64_t)c->ix, "connection lost");
}

/* Ends the caller's side after the agent left (normal hang-up). */
void agent_hangup(struct call *c)
{
	struct aleg *a = c->agent;

	c->agent = NULL;
	mem_deref(a);
	if (c->task) {
		c->task = false;
		(void)cc_task_end((uint64_t)c->ix, 0, "agent");
	}
	if (c->ivr && !c->survey) {
		/* The caller is still here: the flow's survey, if any. */
		c->survey = true;
		c->state = CS_MENU;
		if (sig_ivr_survey(c->ivr))
			return;
	}
	call_destroy(c);
}

/* The outside party bridged to the caller hung up: the call ends. */
void outside_party_left(struct call *c, struct aleg *a)
{
	c->agent = NULL;
	mem_deref(a);
	call_end_record(c, "agent");
	call_destroy(c);
}

void aleg_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct aleg *a = arg;
	struct call *c = a->call;

	if (err == ECONNRESET) /* libre's word for the peer's BYE */
		err = 0;
	if (!err && sig_stimer_refresh_failed(msg))
		err = EPIPE; /* our session refresh failed: the leg is gone */
	if (a->consult) {
		sig_consult_leg_closed(c, a, err ? miss_reason(err, msg) :
					 a->up ? "hung_up" :
						 miss_reason(err, msg));
		return;
	}
	if (a->up && c->agent == a && c->consult && sig_consult_agent_left(c))
		return;
	if (a->up && c->agent == a && c->external) {
		outside_party_left(c, a); /* after an attended transfer */
		return;
	}
	if (a->up && c->agent == a && c->kind != CK_INBOUND) {
		agent_hangup(c); /* nobody to requeue: the task ends */
		return;
	}
	if (a->up && c->agent == a) {
		if (err)
			dropout(c, err == ETIMEDOUT ? "no response" :
				   err == EPIPE	    ? "refresh failed" :
						      "transport failure");
		else if (cc_clock_ms() - c->bridged_at < SIG_DROPOUT_MS)
			dropout(c, "hung up at once");
		else
			agent_hangup(c);
		return;
	}
	/* A ringing device failed or refused. */
	{
		uint32_t agent = a->agent;
		const char *why = miss_reason(err, msg);

		mem_deref(a);
		if (sig_call_offered(c, agent) && !ringing_has(c, agent)) {
			sig_call_offered_del(c, agent);
			(void)cc_task_reject((uint64_t)c->ix, agent, why);
		}
	}
}

void aleg_estab_h(const struct sip_msg *msg, void *arg)
{
	struct aleg *a = arg;
	struct call *c = a->call;
	uint32_t agent = a->agent;
	int err;

	(void)msg;
	if (a->consult) {
		sig_consult_leg_answered(c, a);
		return;
	}
	if (c->agent || !sig_call_offered(c, agent)) {
		mem_deref(a); /* late answer (ring_all: another agent was
			       * first in the same instant): BYE */
		return;
	}
	list_unlink(&a->le);
	/* The other devices, the agent's and (ring_all) the other agents':
	 * CANCEL; the ACD withdraws their offers as not chosen. */
	ringing_cancel(c, 0);
	a->up = true;
	c->agent = a;
	c->offeredc = 0;
	err = cc_task_accept((uint64_t)c->ix, agent);
	if (err) {
		cc_warn("sig", "call %lld: agent %u answered a withdrawn"
			" offer: %s", (long long)c->ix, agent, strerror(err));
		c->agent = NULL;
		mem_deref(a);
		return;
	}
	if (c->kind == CK_VOICEMAIL) {
		voicemail_play(c, a);
		return;
	}
	if (c->kind == CK_CALLBACK) {
		callback_dial(c);
		return;
	}
	err = med_leg_bridge(c->leg, a->leg);
	if (err)
		cc_error("sig", "call %lld: bridge: %s", (long long)c->ix,
			 strerror(err));
	c->state = CS_BRIDGED;
	c->announcing = false;
	c->bridged_at = cc_clock_ms();
	cc_info("sig", "call %lld: bridged to agent %u", (long long)c->ix,
		agent);
}

int aleg_answer_h(const struct sip_msg *msg, void *arg)
{
	struct aleg *a = arg;

	/* the phone's 2xx: our INVITE's (it sets the timer up) or a
	 * refresh's */
	if (a->up)
		sig_stimer_refreshed(&a->stimer, cc_clock_ms());
	else
		sig_stimer_uac_answered(&a->stimer, msg, cc_clock_ms());
	return med_leg_apply_answer(a->leg, msg->mb);
}

void aleg_progr_h(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

/* Hold and resume by re-INVITE from the agent's phone. */
int aleg_offer_h(struct mbuf **descp, const struct sip_msg *msg,
		 void *arg)
{
	struct aleg *a = arg;
	struct call *c = a->call;
	bool held;
	int err;

	sig_stimer_refreshed(&a->stimer, cc_clock_ms());
	if (mbuf_get_left(msg->mb))
		err = med_leg_answer(a->leg, msg->mb, descp);
	else
		err = med_leg_offer(a->leg, descp);
	if (err || c->agent != a)
		return err;
	held = med_leg_rdir(a->leg) != MED_DIR_SENDRECV;
	if (held == a->held)
		return 0;
	a->held = held;
	if (held)
		play_moh(c);
	else
		med_leg_stop(c->leg);
	cc_task_held((uint64_t)c->ix, held);
	return 0;
}

void aleg_info_h(struct sip *sip, const struct sip_msg *msg,
		 void *arg)
{
	(void)arg;
	(void)sip_reply(sip, msg, 200, "OK");
}

/* Blind transfer: Refer-To names an agent's extension, a queue or a
 * public number that leads to a queue. */
void aleg_refer_h(struct sip *sip, const struct sip_msg *msg,
		  void *arg)
{
	struct aleg *a = arg;
	struct call *c = a->call;
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	const struct cc_agent_info *target = NULL;
	const struct number *num;
	struct sip_addr addr;
	char user[64] = "", queue[SIG_NAME_MAX] = "";
	uint32_t qid;

	if (!hdr || sip_addr_decode(&addr, &hdr->val) ||
	    pl_strcpy(&addr.uri.user, user, sizeof(user))) {
		sig_count(SIG_ERR_IN_DIALOG, 400);
		(void)sip_replyf(sip, msg, 400, "Bad Request",
				 "Warning: 399 switchboard \"Refer-To missing"
				 " or malformed\"\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	num = number_find(&addr.uri.user);
	if (num && !num->flow)
		str_ncpy(queue, num->queue, sizeof(queue));
	else if (!cc_queue_id(user, &qid))
		str_ncpy(queue, user, sizeof(queue));
	else
		target = cc_agent_by_ext(user);
	if ((!queue[0] && !target) || c->agent != a ||
	    (target && target->id == a->agent)) {
		sig_count(SIG_ERR_IN_DIALOG, 404);
		(void)sip_replyf(sip, msg, 404, "Not Found",
				 "Warning: 399 switchboard \"no agent or queue"
				 " '%s'\"\r\nContent-Length: 0\r\n\r\n", user);
		return;
	}
	(void)sip_reply(sip, msg, 202, "Accepted");
	cc_info("sig", "call %lld: agent %u transfers to %s",
		(long long)c->ix, a->agent, user);
	{
		char detail[128];

		(void)snprintf(detail, sizeof(detail), "{\"to\": \"%s\"}",
			       user);
		ix_event(c, "transfer_requested", a->agent, detail);
	}
	c->agent = NULL;
	mem_deref(a); /* BYE to the transferring agent */
	c->state = CS_QUEUED;
	play_moh(c);
	if (cc_task_transfer((uint64_t)c->ix, queue[0] ? queue : NULL,
			     target ? target->id : 0))
		cc_warn("sig", "call %lld: transfer to %s failed",
			(long long)c->ix, user);
}

void aleg_med_h(struct med_leg *leg, const struct med_event *ev,
		void *arg)
{
	struct aleg *a = arg;

	(void)leg;
	if ((ev->type == MED_EVENT_PLAY_DONE ||
	     ev->type == MED_EVENT_PLAY_FAILED) && a->play_id &&
	    ev->play_id == a->play_id && a->call->agent == a &&
	    a->call->kind == CK_VOICEMAIL) {
		struct med_prompt *p = NULL;

		a->play_id = 0;
		if (a->stage++ == 0 && !med_prompt_file(&p,
							a->call->recording))
			(void)med_leg_play(a->leg, p, false, &a->play_id);
		med_prompt_forget(p); /* played once: not kept in memory */
		mem_deref(p);
		if (!a->play_id) /* heard it (or it failed): the task ends */
			agent_hangup(a->call);
		return;
	}
	if (ev->type == MED_EVENT_RTP_TIMEOUT && a->consult) {
		sig_consult_leg_closed(a->call, a, "no_media");
		return;
	}
	if (ev->type != MED_EVENT_RTP_TIMEOUT || !a->up || a->call->agent != a)
		return;
	if (a->call->external) { /* the outside party went silent */
		struct call *c = a->call;

		cc_warn("sig", "call %lld: no media from the outside party:"
			" ending", (long long)c->ix);
		call_end_record(c, "system");
		call_destroy(c);
	}
	else if (a->call->kind != CK_INBOUND) /* nobody to requeue */
		agent_hangup(a->call);
	else
		dropout(a->call, "no media");
}

/* --- Auto-answer: agents who asked for the hint on their offers ------- */

enum { SIG_AUTO_ANSWER_MAX = 4096 };

static struct {
	uint32_t agentv[SIG_AUTO_ANSWER_MAX];
	size_t n;
} aa;

bool sig_agent_auto_answer(uint32_t agent)
{
	for (size_t i = 0; i < aa.n; i++)
		if (aa.agentv[i] == agent)
			return true;
	return false;
}

int sig_agent_auto_answer_set(uint32_t agent, bool on)
{
	for (size_t i = 0; i < aa.n; i++) {
		if (aa.agentv[i] != agent)
			continue;
		if (!on)
			aa.agentv[i] = aa.agentv[--aa.n];
		return 0;
	}
	if (!on)
		return 0;
	if (aa.n == SIG_AUTO_ANSWER_MAX)
		return ENOMEM;
	aa.agentv[aa.n++] = agent;
	return 0;
}

/* The headers that ask a phone to answer by itself (empty: none). */
static const char *auto_answer_hdrs(bool on)
{
	static char buf[256];

	if (!on)
		return "";
	(void)re_snprintf(buf, sizeof(buf),
			  "Call-Info: <sip:%s>;answer-after=0\r\n"
			  "Alert-Info: <http://127.0.0.1/>"
			  ";info=alert-autoanswer;delay=0\r\n"
			  "Answer-Mode: Auto\r\n", sig_laddr_str());
	return buf;
}

/* Rings every registered device of agent (asking them to answer by
 * themselves when auto is set). */
int ring_agent(struct call *c, uint32_t agent, bool autoans)
{
	return sig_call_ring(c, agent, autoans, &c->ringing, false);
}

int sig_call_ring(struct call *c, uint32_t agent, bool autoans,
		  struct list *into, bool consult)
{
	const struct cc_agent_info *info = cc_agent_by_id(agent);
	struct sig_binding bv[SIG_DEVICES_MAX];
	unsigned n = sig_reg_bindings(agent, bv, SIG_DEVICES_MAX);
	char from_uri[160];
	int started = 0;

	if (!info || !n)
		return ENOENT;
	for (unsigned i = 0; i < n; i++) {
		struct mbuf *sdp = NULL;
		struct aleg *a = mem_zalloc(sizeof(*a), aleg_destructor);
		struct sa la;
		int err;

		if (!a)
			continue;
		/* From, Contact and SDP name our address toward the phone. */
		(void)sig_laddr_for(&la, &bv[i].addr);
		(void)re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%J",
				  c->from[0] ? c->from : "anonymous", &la);
		a->call = c;
		a->agent = agent;
		a->consult = consult;
		list_append(into, &a->le, a);
		err = med_leg_alloc(&a->leg, &la, aleg_med_h, a);
		if (!err)
			err = med_leg_offer(a->leg, &sdp);
		if (!err)
			err = sipsess_connect(
				&a->sess, sig_sess_sock(), bv[i].uri,
				c->from, from_uri,
				sig_contact(&bv[i].addr, bv[i].tp), NULL, 0,
				"application/sdp", sdp, NULL, NULL, false,
				aleg_offer_h, aleg_answer_h, aleg_progr_h,
				aleg_estab_h, aleg_info_h, aleg_refer_h,
				aleg_close_h, a,
				"X-Switchboard-Interaction: %lld\r\n"
				"X-Switchboard-Queue: %s\r\n%s%s",
				(long long)c->ix, c->queue,
				auto_answer_hdrs(autoans),
				sig_stimer_offer_hdrs());
		mem_deref(sdp);
		if (err) {
			cc_warn("sig", "call %lld: cannot ring %s: %s",
				(long long)c->ix, bv[i].uri, strerror(err));
			mem_deref(a);
			continue;
		}
		started++;
	}
	return started ? 0 : EIO;
}
