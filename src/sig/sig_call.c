/*
 * sig_call.c: calls. A back-to-back user agent with anchored media: the
 * caller's session (libre sipsess, answered by us) has a media leg; each
 * device of an agent we ring gets its own session and leg; the first
 * device to answer is bridged to the caller and the others are cancelled.
 *
 * A caller's call:
 *
 *   INVITE to a public number ──> answered ──> MENU (IVR flow) ─┐
 *                    └──────────── straight to a queue ─────────┴─> QUEUED
 *   MENU: the flow's interpreter (src/ivr, hosted by sig_ivr.c) plays,
 *           collects digits, records a voicemail and ends by queueing
 *           (-> QUEUED), hanging up (-> gone at the next sweep) or an
 *           external transfer (-> DIALING -> BRIDGED to the outside)
 *   QUEUED: music on hold, an announcement of position and expected wait
 *           every announce period; the center offers it to agents: their
 *           devices ring (the caller hears nothing of it) ──> BRIDGED;
 *           a digit among the queue node's options ──> MENU again
 *   BRIDGED: hold/resume (re-INVITE from the agent: music to the caller),
 *           blind transfer (REFER: back to QUEUED for an agent or queue);
 *           caller or agent hangs up ──> gone (the agent wraps up);
 *           the agent's leg dies (BYE within SIG_DROPOUT_MS of answering,
 *           RTP timeout, transport failure) ──> apology, QUEUED at the head
 *
 * Tasks without a caller on the line (kind): a voicemail left in a flow
 * (CK_VOICEMAIL) and a callback (CK_CALLBACK) wait in the ACD like calls;
 * the offer rings the agent's devices. When the agent answers, a
 * voicemail is played to them (and can be fetched through the API); a
 * callback dials the customer's number through a trunk (sig_out.c) and
 * bridges them once they answer (DIALING -> BRIDGED): the order of a
 * real center, whose agent is on the line before the customer is called.
 * A flow's transfer to an outside number dials the same way, the caller
 * hearing music meanwhile, then bridged to the outside party. Every such
 * dial (callback, the agent's transfer or consult to a number, the flow's
 * external transfer) goes through the dial-out policy in sig_out.c; a
 * denied one sends nothing to the trunk and puts dial_denied with the
 * reason on the interaction's timeline.
 *
 * Feature calls from an agent's phone (*50 available, *51 away, *52 log
 * out) need the agent's digest credentials (407); they are answered, a
 * confirmation is spoken and the call ends.
 *
 * Timers: one sweep every SIG_SWEEP_MS serves IVR deadlines and queue
 * announcements of every call (libre's timers are one sorted list; a
 * timer per call would make each insertion slow under load).
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
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "sig/sig.h"
#include "sig/sig_int.h"
#include "sig/sig_call_int.h"
#include "store/store.h"
#include "crm/crm.h"

enum {
	SIG_SWEEP_MS = 200,
	SIG_DROPOUT_MS = 5000,   /* agent BYE this soon after answer: dropout */
	SIG_DEVICES_MAX = 8,
	SIG_NUMBERS_MAX = 256,
};

struct number {
	char number[32];
	char queue[SIG_NAME_MAX]; /* or */
	struct ivr_flow *flow;
	char flow_name[SIG_NAME_MAX];
};

static struct {
	struct list calls;
	struct tmr sweep;
	struct number numberv[SIG_NUMBERS_MAX];
	size_t numberc;
	struct med_prompt *moh;
	char data[512];
} sc;

static void call_destroy(struct call *c);
static void call_queue(struct call *c, const char *queue,
		       uint32_t prefer_agent, int priority);
static void callback_dial(struct call *c);
static void voicemail_play(struct call *c, struct aleg *a);
static void call_end_record(struct call *c, const char *hung_up_by);
static void call_close_h(int err, const struct sip_msg *msg, void *arg);
static void transfer_out(struct call *c, const char *number,
			 enum dial_purpose purpose);

/* --- Helpers ------------------------------------------------------------- */

static void ix_event(const struct call *c, const char *type,
		     uint32_t agent, const char *detail)
{
	if (c->ix && store_main())
		(void)store_interaction_event_add(store_main(), c->ix,
						  cc_wall_ms(), type, agent,
						  c->queue[0] ? c->queue : NULL,
						  detail, NULL, NULL);
}

static void play_text(struct call *c, const char *text, uint32_t *idp)
{
	struct med_prompt *p = NULL;
	int err;

	if (!c->leg)
		return;
	err = med_prompt_text(&p, NULL, text);
	if (!err)
		err = med_leg_play(c->leg, p, false, idp);
	mem_deref(p);
	if (err)
		cc_warn("sig", "call %lld: cannot play '%s': %s",
			(long long)c->ix, text, strerror(err));
}

static void play_moh(struct call *c)
{
	if (sc.moh && c->leg)
		(void)med_leg_play(c->leg, sc.moh, true, NULL);
}

void sig_call_moh(struct call *c)
{
	play_moh(c);
}

void sig_call_event(const struct call *c, const char *type, uint32_t agent,
		    const char *detail)
{
	ix_event(c, type, agent, detail);
}

/* A dial the policy refused: on the timeline, with the rule. */
static void dial_denied(const struct call *c, uint32_t agent,
			const char *number, enum dial_purpose purpose,
			const struct dial_decision *d)
{
	char detail[DIAL_REASON_MAX + 128];

	(void)re_snprintf(detail, sizeof(detail), "{\"number\": \"%s\","
			  " \"purpose\": \"%s\", \"reason\": \"%s\"}",
			  number, dial_purpose_name(purpose), d->reason);
	ix_event(c, "dial_denied", agent, detail);
	cc_warn("sig", "call %lld: dial %s (%s) denied: %s", (long long)c->ix,
		number, dial_purpose_name(purpose), d->reason);
}

static const struct number *number_find(const struct pl *user)
{
	for (size_t i = 0; i < sc.numberc; i++)
		if (!pl_strcmp(user, sc.numberv[i].number))
			return &sc.numberv[i];
	return NULL;
}

/* --- Agent legs ---------------------------------------------------------- */

static void aleg_destructor(void *arg)
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

/* Cancels the devices of agent still ringing (all when agent is 0). */
static void ringing_cancel(struct call *c, uint32_t agent)
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
static void agent_hangup(struct call *c)
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

/* Stores what the caller answered in the survey (also when they hung up
 * half-way). */
static void survey_save(struct call *c)
{
	char *answers = sig_ivr_survey_answers(c->ivr);

	if (answers && c->ix)
		(void)store_interaction_update(store_main(), c->ix, NULL, NULL,
					       "survey = ?", "s", answers);
	free(answers);
}

/* The outside party bridged to the caller hung up: the call ends. */
static void outside_party_left(struct call *c, struct aleg *a)
{
	c->agent = NULL;
	mem_deref(a);
	call_end_record(c, "agent");
	call_destroy(c);
}

static void aleg_close_h(int err, const struct sip_msg *msg, void *arg)
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

static void aleg_estab_h(const struct sip_msg *msg, void *arg)
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

static int aleg_answer_h(const struct sip_msg *msg, void *arg)
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

static void aleg_progr_h(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

/* Hold and resume by re-INVITE from the agent's phone. */
static int aleg_offer_h(struct mbuf **descp, const struct sip_msg *msg,
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

static void aleg_info_h(struct sip *sip, const struct sip_msg *msg,
			void *arg)
{
	(void)arg;
	(void)sip_reply(sip, msg, 200, "OK");
}

/* Blind transfer: Refer-To names an agent's extension, a queue or a
 * public number that leads to a queue. */
static void aleg_refer_h(struct sip *sip, const struct sip_msg *msg,
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

static void aleg_med_h(struct med_leg *leg, const struct med_event *ev,
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
static int ring_agent(struct call *c, uint32_t agent, bool autoans)
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
static int offer_button(struct call *c, bool accept)
{
	/* The desktop's agent: the one offered last (the live view's) */
	uint32_t agent = c->offeredc ? c->offeredv[c->offeredc - 1] : 0;

	if (!agent || c->agent)
		return EALREADY;
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
		return offer_button(c, ctl == CC_CTL_ACCEPT);
	case CC_CTL_CONSULT:
		return sig_consult_start(c, target);
	case CC_CTL_CONSULT_COMPLETE:
		return sig_consult_complete(c);
	case CC_CTL_CONSULT_CANCEL:
		return sig_consult_cancel(c);
	}
	return EINVAL;
}

static const struct cc_task_ops task_ops = {
	.offer = task_offer,
	.cancel = task_cancel,
	.give_up = task_give_up,
	.control = task_control,
};

/* --- The caller's leg --------------------------------------------------- */

static void call_destructor(void *arg)
{
	struct call *c = arg;
	struct med_leg_stats st = {0};

	list_unlink(&c->le);
	c->consult = mem_deref(c->consult); /* the target's legs */
	list_flush(&c->ringing);
	c->agent = mem_deref(c->agent); /* adds its media to c->ast */
	if (c->leg)
		med_leg_stats_get(c->leg, &st);
	if (c->ix)
		cc_info("sig", "call %lld: media caller rx %llu tx %llu"
			" relayed %llu, agent rx %llu tx %llu relayed %llu",
			(long long)c->ix, (unsigned long long)st.rx_packets,
			(unsigned long long)st.tx_packets,
			(unsigned long long)st.relayed,
			(unsigned long long)c->ast.rx_packets,
			(unsigned long long)c->ast.tx_packets,
			(unsigned long long)c->ast.relayed);
	c->ivr = mem_deref(c->ivr); /* borrows the leg */
	mem_deref(c->sess);
	mem_deref(c->leg);
}

/* Releases the call: BYE (or a final response) to the caller. Records an
 * end when the center did not (menu, feature calls). */
static void call_destroy(struct call *c)
{
	if (c->task) {
		c->task = false;
		if (c->agent)
			(void)cc_task_end((uint64_t)c->ix, 0, "system");
		else
			(void)cc_task_abandon((uint64_t)c->ix);
	}
	mem_deref(c);
}

/* The next announcement is one period from now (none when the queue's
 * period is 0). */
static void announce_schedule(struct call *c)
{
	uint32_t qid = 0, ms;

	ms = cc_queue_id(c->queue, &qid) ? 0 : cc_queue_announce_ms(qid);
	c->next_announce = ms ? cc_clock_ms() + ms : 0;
}

static void call_digit(struct call *c, char digit, const char *how)
{
	if (c->state == CS_FEATURE)
		return;
	{
		char detail[64];

		(void)snprintf(detail, sizeof(detail),
			       "{\"digit\": \"%c\", \"via\": \"%s\"}", digit,
			       how);
		ix_event(c, "digit", c->agent ? c->agent->agent : 0, detail);
	}
	if (c->state == CS_MENU && c->ivr)
		sig_ivr_digit(c->ivr, digit);
	else if (c->state == CS_QUEUED && c->ivr && c->task)
		(void)sig_ivr_queued_digit(c->ivr, digit);
}

static void call_med_h(struct med_leg *leg, const struct med_event *ev,
		       void *arg)
{
	struct call *c = arg;

	(void)leg;
	switch (ev->type) {
	case MED_EVENT_DTMF:
		call_digit(c, ev->digit,
			   ev->dtmf_source == MED_DTMF_RFC4733 ? "rfc4733" :
			   ev->dtmf_source == MED_DTMF_INBAND  ? "inband" :
								  "info");
		break;
	case MED_EVENT_PLAY_DONE:
	case MED_EVENT_PLAY_FAILED:
		if (c->state == CS_MENU && c->ivr &&
		    sig_ivr_play_done(c->ivr, ev->play_id))
			break;
		if (ev->play_id != c->play_id)
			break;
		if (c->state == CS_FEATURE)
			call_destroy(c);
		else if (c->state == CS_QUEUED && c->announcing) {
			c->announcing = false;
			announce_schedule(c);
			play_moh(c);
		}
		break;
	case MED_EVENT_RTP_TIMEOUT:
		cc_warn("sig", "call %lld: no media from the caller: ending",
			(long long)c->ix);
		ix_event(c, "media_timeout", 0, NULL);
		if (c->agent) {
			agent_hangup(c);
			return;
		}
		if (c->survey)
			survey_save(c);
		else if (!c->task && c->ix)
			(void)store_interaction_update(
				store_main(), c->ix, NULL, NULL,
				"state = 'ended', outcome = ?,"
				" hung_up_by = 'system', ended_at = ?",
				"si", c->outcome ? c->outcome : "abandoned",
				cc_wall_ms());
		call_destroy(c);
		break;
	default:
		break;
	}
}

static void call_queue(struct call *c, const char *queue,
		       uint32_t prefer_agent, int priority)
{
	struct cc_task_req req = {0};
	char *path = sig_ivr_path(c->ivr, false);
	char *detail = sig_ivr_path(c->ivr, true);
	char *attrs = NULL, *pop;
	struct pl popl;
	int err;

	str_ncpy(c->queue, queue, sizeof(c->queue));
	if (!c->entered)
		c->entered = (uint64_t)cc_wall_ms();
	(void)store_interaction_update(store_main(), c->ix, NULL, NULL,
				       "ivr_path = ?", "s", path ? path : "[]");
	if (detail)
		ix_event(c, "ivr", 0, detail);
	/* The screen pop: the customer the IVR identified, else the CRM's
	 * customer for the caller's number. */
	pop = sig_ivr_customer(c->ivr)
		      ? crm_pop_customer_json(store_reader(store_main()),
					      sig_ivr_customer(c->ivr), c->ix)
		      : crm_pop_json(store_reader(store_main()), c->from,
				     c->ix, NULL);
	popl.p = pop ? pop + 1 : "";
	popl.l = pop ? strlen(pop) - 2 : 0;
	(void)re_sdprintf(&attrs, "{\"ivr_path\": %s, \"ivr\": %s%s%r}",
			  path ? path : "[]", detail ? detail : "null",
			  pop ? ", " : "", &popl);
	free(pop);
	free(path);
	free(detail);
	req.interaction = c->ix;
	req.priority = priority;
	req.channel = ACD_VOICE;
	req.queue = queue;
	req.preferred_agent = prefer_agent;
	req.from = c->from;
	req.to = c->to;
	req.attrs = attrs;
	req.entered = c->entered;
	c->state = CS_QUEUED;
	c->announcing = false;
	announce_schedule(c);
	play_moh(c);
	err = cc_task_add(&req, &task_ops, c);
	mem_deref(attrs);
	if (err) {
		cc_error("sig", "call %lld: queue %s: %s", (long long)c->ix,
			 queue, strerror(err));
		c->state = CS_FEATURE; /* say sorry, then hang up */
		play_text(c, "We are sorry, this service is not available.",
			  &c->play_id);
		return;
	}
	c->task = true;
}

/* Position and expected wait, said without false precision. */
static void call_announce(struct call *c)
{
	uint32_t pos = 0;
	uint64_t ewt = 0;
	char text[800], detail[96];
	int n;

	if (cc_task_position((uint64_t)c->ix, &pos, &ewt))
		return;
	n = snprintf(text, sizeof(text), "You are number %u in line.", pos);
	if (ewt == UINT64_MAX)
		(void)snprintf(text + n, sizeof(text) - (size_t)n,
			       " All our agents are busy. Please hold.");
	else if (ewt < 60000)
		(void)snprintf(text + n, sizeof(text) - (size_t)n,
			       " Your expected wait is less than a minute.");
	else
		(void)snprintf(text + n, sizeof(text) - (size_t)n,
			       " Your expected wait is about %u minutes.",
			       (unsigned)((ewt + 59999) / 60000));
	if (sig_ivr_options_prompt(c->ivr)) {
		size_t used = strlen(text);

		(void)snprintf(text + used, sizeof(text) - used, " %s",
			       sig_ivr_options_prompt(c->ivr));
	}
	(void)snprintf(detail, sizeof(detail),
		       "{\"position\": %u, \"expected_wait_s\": %lld}", pos,
		       ewt == UINT64_MAX ? -1LL : (long long)(ewt / 1000));
	ix_event(c, "announced", 0, detail);
	c->announcing = true;
	play_text(c, text, &c->play_id);
}

/* Sends a session refresh: a re-INVITE with the leg's SDP as it is. */
static void stimer_refresh(struct sipsess *sess, struct med_leg *leg,
			   int64_t ix)
{
	struct mbuf *sdp = NULL;
	int err = med_leg_offer(leg, &sdp);

	if (!err)
		err = sipsess_modify(sess, sdp);
	mem_deref(sdp);
	if (err)
		cc_warn("sig", "call %lld: session refresh: %s",
			(long long)ix, strerror(err));
}

/* Session timers of the call's legs; true when the call is gone. */
static bool stimer_sweep(struct call *c, uint64_t now)
{
	struct aleg *a = c->agent;

	if (a && a->up && a->sess) {
		switch (sig_stimer_due(&a->stimer, now)) {
		case SIG_STIMER_REFRESH:
			stimer_refresh(a->sess, a->leg, c->ix);
			break;
		case SIG_STIMER_EXPIRED:
			cc_warn("sig", "call %lld: agent %u's phone did not"
				" refresh the session", (long long)c->ix,
				a->agent);
			aleg_close_h(ETIMEDOUT, NULL, a);
			break;
		default:
			break;
		}
	}
	if (!c->sess || !c->answered)
		return false;
	switch (sig_stimer_due(&c->stimer, now)) {
	case SIG_STIMER_REFRESH:
		stimer_refresh(c->sess, c->leg, c->ix);
		return false;
	case SIG_STIMER_EXPIRED:
		call_close_h(ETIMEDOUT, NULL, c);
		return true;
	default:
		return false;
	}
}

static void sweep_h(void *arg)
{
	uint64_t now = cc_clock_ms();
	struct le *le = sc.calls.head;

	(void)arg;
	while (le) {
		struct call *c = le->data;

		le = le->next;
		if (stimer_sweep(c, now))
			continue;
		if (c->state == CS_MENU && c->hangup && c->survey) {
			survey_save(c);
			call_destroy(c);
		}
		else if (c->state == CS_MENU && c->hangup) {
			char *path = sig_ivr_path(c->ivr, false);

			if (c->ix)
				(void)store_interaction_update(
					store_main(), c->ix, NULL, NULL,
					"state = 'ended', outcome = ?,"
					" hung_up_by = 'system', ended_at = ?,"
					" ivr_path = coalesce(?, ivr_path)",
					"sis", c->outcome ? c->outcome :
					"self_service", cc_wall_ms(), path);
			free(path);
			call_destroy(c);
		}
		else if (c->state == CS_MENU && c->ivr) {
			if (sig_ivr_sweep(c->ivr, now))
				ix_event(c, "no_input", 0, NULL);
		}
		else if (c->state == CS_QUEUED && !c->announcing &&
			 !c->offeredc && c->next_announce &&
			 now >= c->next_announce) {
			call_announce(c);
		}
	}
	tmr_start(&sc.sweep, SIG_SWEEP_MS, sweep_h, NULL);
}

static void call_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct call *c = arg;

	if (err == ECONNRESET) /* libre's word for the peer's BYE */
		err = 0;
	if (!err && sig_stimer_refresh_failed(msg))
		err = EPIPE;
	cc_info("sig", "call %lld: caller %s%s", (long long)c->ix,
		err ? "lost: " : "hung up",
		err == EPIPE ? "session refresh failed" :
		err	     ? strerror(err) : "");
	if (c->agent) {
		struct aleg *a = c->agent;

		c->agent = NULL;
		mem_deref(a);
		if (c->task) {
			c->task = false;
			(void)cc_task_end((uint64_t)c->ix, 0, "caller");
		}
		else {
			call_end_record(c, "caller");
		}
		if (c->kind == CK_CALLBACK && !c->answered)
			(void)store_interaction_update(
				store_main(), c->ix, NULL, NULL,
				"outcome = 'no_answer'", "");
	}
	else if (c->task) {
		c->task = false;
		ringing_cancel(c, 0);
		(void)cc_task_abandon((uint64_t)c->ix);
	}
	else if (c->survey) {
		survey_save(c);
	}
	else if (c->ix) {
		char *path = sig_ivr_path(c->ivr, false);

		(void)store_interaction_update(
			store_main(), c->ix, NULL, NULL,
			"state = 'ended', outcome = ?,"
			" hung_up_by = 'caller', ended_at = ?, ivr_path = ?",
			"sis", c->outcome ? c->outcome : "abandoned",
			cc_wall_ms(), path ? path : "[]");
		free(path);
	}
	mem_deref(c);
}

/* The digit of a SIP INFO body: "Signal=5" (application/dtmf-relay) or
 * just "5" (application/dtmf); 0 when there is none. */
static char info_digit(const struct sip_msg *msg)
{
	const char *p = (const char *)mbuf_buf(msg->mb);
	size_t n = mbuf_get_left(msg->mb), i = 0;

	if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay")) {
		for (; i + 7 <= n; i++)
			if (!strncasecmp(p + i, "signal", 6))
				break;
		if (i + 7 > n)
			return 0;
		for (i += 6; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (i >= n || p[i] != '=')
			return 0;
		i++;
	}
	else if (!msg_ctype_cmp(&msg->ctyp, "application", "dtmf")) {
		return 0;
	}
	for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i < n && strchr("0123456789*#ABCDabcd", p[i]))
		return (char)toupper((unsigned char)p[i]);
	return 0;
}

static void call_info_h(struct sip *sip, const struct sip_msg *msg,
			void *arg)
{
	struct call *c = arg;
	char digit = info_digit(msg);

	if (!digit) {
		sig_count(SIG_ERR_IN_DIALOG, 415);
		(void)sip_replyf(sip, msg, 415, "Unsupported Media Type",
				 "Accept: application/dtmf-relay,"
				 " application/dtmf\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	(void)sip_reply(sip, msg, 200, "OK");
	(void)med_leg_dtmf_inject(c->leg, digit);
}

static int call_offer_h(struct mbuf **descp, const struct sip_msg *msg,
			void *arg)
{
	struct call *c = arg;

	sig_stimer_refreshed(&c->stimer, cc_clock_ms());
	if (mbuf_get_left(msg->mb))
		return med_leg_answer(c->leg, msg->mb, descp);
	return med_leg_offer(c->leg, descp);
}

static int call_answer_h(const struct sip_msg *msg, void *arg)
{
	struct call *c = arg;

	sig_stimer_refreshed(&c->stimer, cc_clock_ms());
	return med_leg_apply_answer(c->leg, msg->mb);
}

/* Our 200 was ACKed (inbound) or the customer answered a callback. */
static void call_estab_h(const struct sip_msg *msg, void *arg)
{
	struct call *c = arg;
	int err;

	(void)msg;
	if (c->kind != CK_CALLBACK || c->state != CS_DIALING || !c->agent)
		return;
	c->answered = true;
	err = med_leg_bridge(c->leg, c->agent->leg);
	if (err)
		cc_error("sig", "call %lld: bridge: %s", (long long)c->ix,
			 strerror(err));
	c->state = CS_BRIDGED;
	c->bridged_at = cc_clock_ms();
	ix_event(c, "callback_answered", c->agent->agent, NULL);
	cc_info("sig", "call %lld: the customer answered the callback:"
		" bridged to agent %u", (long long)c->ix, c->agent->agent);
}

static void call_progr_h(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

static void call_refer_h(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	(void)arg;
	sig_count(SIG_ERR_IN_DIALOG, 403);
	(void)sip_replyf(sip, msg, 403, "Forbidden",
			 "Warning: 399 switchboard \"callers cannot"
			 " transfer\"\r\nContent-Length: 0\r\n\r\n");
}

/* Answers the INVITE and starts the call; *cp is the new call. */
static int call_answer(struct call **cp, const struct sip_msg *msg,
		       const char *trunk)
{
	struct call *c;
	struct mbuf *sdp = NULL;
	char st_hdrs[96];
	struct sa la;
	int err;

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c)
		return ENOMEM;
	list_init(&c->ringing);
	/* Who called: a trusted trunk asserts it; anyone else's word is the
	 * From, which anyone may forge. */
	if (trunk[0] && sig_trunk_trusted(trunk) &&
	    !sig_trunk_asserted(msg, c->from, sizeof(c->from)))
		c->origin = DIAL_ORIGIN_TRUSTED;
	else
		(void)pl_strcpy(&msg->from.uri.user, c->from,
				sizeof(c->from));
	(void)pl_strcpy(&msg->uri.user, c->to, sizeof(c->to));
	c->started = (uint64_t)cc_wall_ms();
	if (sig_stimer_uas(&c->stimer, msg, cc_clock_ms(), st_hdrs,
			   sizeof(st_hdrs))) {
		err = EPROTO;
		sig_count(SIG_ERR_MALFORMED, 422);
		(void)sip_replyf(sig_sip(), msg, 422,
				 "Session Interval Too Small",
				 "Min-SE: %u\r\n"
				 "Content-Length: 0\r\n\r\n",
				 sig_stimer_min_se());
		goto out;
	}
	(void)sig_laddr_for(&la, &msg->src);
	err = med_leg_alloc(&c->leg, &la, call_med_h, c);
	if (err)
		goto out;
	if (mbuf_get_left(msg->mb))
		err = med_leg_answer(c->leg, msg->mb, &sdp);
	else
		err = med_leg_offer(c->leg, &sdp);
	if (err) {
		sig_count(SIG_ERR_SDP, err == ENOTSUP ? 488 : 400);
		(void)sip_replyf(sig_sip(), msg, err == ENOTSUP ? 488 : 400,
				 err == ENOTSUP ? "Not Acceptable Here" :
						  "Bad Request",
				 "Warning: 399 switchboard \"%s\"\r\n"
				 "Content-Length: 0\r\n\r\n",
				 err == ENOTSUP ? "no PCMU or PCMA audio" :
						  "malformed SDP");
		goto out;
	}
	err = sipsess_accept(&c->sess, sig_sess_sock(), msg, 200, "OK",
			     sig_contact(&msg->src, msg->tp),
			     "application/sdp", sdp, NULL,
			     NULL, false, call_offer_h, call_answer_h,
			     call_estab_h, call_info_h, call_refer_h,
			     call_close_h, c, "Allow: %s\r\n%s", sig_allow,
			     st_hdrs);
	if (err) {
		sig_count(SIG_ERR_INTERNAL, 500);
		(void)sip_reply(sig_sip(), msg, 500, "Server Internal Error");
		goto out;
	}
	c->answered = true;
	list_append(&sc.calls, &c->le, c);
out:
	mem_deref(sdp);
	if (err)
		mem_deref(c);
	else
		*cp = c;
	return err;
}

static void record_start(struct call *c, const struct sip_msg *msg)
{
	char callid[128];

	if (store_interaction_add(&c->ix, store_main(), "voice", "inbound",
				  c->from, c->to, cc_wall_ms(), NULL, NULL))
		return;
	(void)pl_strcpy(&msg->callid, callid, sizeof(callid));
	(void)store_interaction_update(store_main(), c->ix, NULL, NULL,
				       "call_id = ?, state = 'ivr'", "s",
				       callid);
	ix_event(c, "call_started", 0, NULL);
	/* Who is calling: links the interaction to its customer (or a
	 * provisional one) before the IVR and the agent see it. */
	crm_call_arrived(store_main(), c->ix, c->from, NULL);
}

/* *50 / *51 / *52 from an agent's phone (digest-authenticated). */
static void feature_call(const struct sip_msg *msg, const char *ext)
{
	const struct cc_agent_info *a = cc_agent_by_ext(ext);
	enum acd_agent_state st;
	const char *say, *reason = NULL;
	struct call *c = NULL;
	char code[8];

	(void)pl_strcpy(&msg->uri.user, code, sizeof(code));
	if (!strcmp(code, "*50")) {
		st = ACD_AVAILABLE;
		say = "You are logged in and available.";
	}
	else if (!strcmp(code, "*51")) {
		st = ACD_AWAY;
		reason = "break";
		say = "You are on a break.";
	}
	else {
		st = ACD_LOGGED_OUT;
		say = "You are logged out. Goodbye.";
	}
	if (!a || cc_agent_presence(a->id, st, reason, "phone")) {
		sig_count(SIG_ERR_UNAVAILABLE, 480);
		(void)sip_reply(sig_sip(), msg, 480, "Temporarily Unavailable");
		return;
	}
	if (call_answer(&c, msg, ""))
		return;
	c->state = CS_FEATURE;
	play_text(c, say, &c->play_id);
}

/* Where the caller's flow ends. Called from within sig_ivr: the call
 * must stay alive until it returns, so a hang-up waits for the sweep. */
static void ivr_queue_h(const char *queue, int priority, uint32_t agent,
			void *arg)
{
	struct call *c = arg;

	if (c->survey) { /* a survey has nobody to queue for: it ends */
		c->hangup = true;
		return;
	}
	med_leg_stop(c->leg);
	call_queue(c, queue, agent, priority);
}

static void ivr_hangup_h(void *arg)
{
	struct call *c = arg;

	c->hangup = true;
}

/* --- Calls without a caller on the line, calls out ---------------------- */

/* Records the end of an interaction the center does not own (no task). */
static void call_end_record(struct call *c, const char *hung_up_by)
{
	if (c->ix)
		(void)store_interaction_update(
			store_main(), c->ix, NULL, NULL,
			"state = 'ended', outcome = ?, hung_up_by = ?,"
			" ended_at = ?", "ssi",
			c->outcome ? c->outcome : "ended", hung_up_by,
			cc_wall_ms());
}

/* A task of kind (voicemail, callback) with its own interaction (a new
 * one, or ix when it waited when the server stopped), queued in queue;
 * *cp (optional) is the new call, owned by the call list. */
static int task_call_add(struct call **cp, enum call_kind kind, int64_t ix,
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
		(void)store_interaction_update(
			store_main(), ix, NULL, NULL,
			"state = 'queued', outcome = NULL, hung_up_by = NULL,"
			" ended_at = NULL", "");
		ix_event(c, "requeued_after_restart", 0, NULL);
		goto queue;
	}
	err = store_interaction_add(&c->ix, store_main(),
				    kind == CK_VOICEMAIL ? "voicemail" :
							   "callback",
				    kind == CK_VOICEMAIL ? "inbound" :
							   "outbound",
				    from, to, cc_wall_ms(), NULL, NULL);
	if (err) {
		cc_error("sig", "%s for %s: cannot record it: %s",
			 kind == CK_VOICEMAIL ? "voicemail" : "callback",
			 from, strerror(err));
		mem_deref(c);
		return err;
	}
	(void)store_interaction_update(store_main(), c->ix, NULL, NULL,
				       "recording = ?, attributes = ?", "ss",
				       recording, attrs);
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
		(void)store_interaction_update(store_main(), ix, NULL, NULL,
					       "recording = ?", "s", path);
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
static void voicemail_play(struct call *c, struct aleg *a)
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

static const struct sig_out_handlers cust_h = {
	.offer = call_offer_h,
	.answer = call_answer_h,
	.progr = call_progr_h,
	.estab = call_estab_h,
	.info = call_info_h,
	.refer = call_refer_h,
	.close = call_close_h,
};

/* The agent answered a callback: the customer is called through the
 * trunk at their own number; the agent hears who is being called. */
static void callback_dial(struct call *c)
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
		(void)store_interaction_update(store_main(), ix, NULL, NULL,
					       "outcome = 'failed'", "");
		return;
	}
	c->state = CS_DIALING;
}

/* A flow's callback node: the number the caller confirmed in the flow,
 * or the caller's own when a trusted trunk asserted it; and one the
 * dial-out policy allows, or the caller is queued instead. The task keeps
 * where its number came from (number_origin) for the dial. */
static int ivr_callback_h(const char *queue, const char *number,
			  bool confirmed, void *arg)
{
	struct call *c = arg;
	enum dial_origin origin = DIAL_ORIGIN_UNTRUSTED;
	struct dial_decision d;
	char attrs[200];
	int err;

	if (c->survey)
		return EINVAL;
	if (confirmed)
		origin = DIAL_ORIGIN_CONFIRMED;
	else if (!strcmp(number, c->from))
		origin = c->origin;
	err = sig_trunk_dial_decide(&d, number, DIAL_CALLBACK, origin, NULL);
	if (err)
		return err;
	if (!d.allowed) {
		dial_denied(c, 0, number, DIAL_CALLBACK, &d);
		return EACCES;
	}
	(void)snprintf(attrs, sizeof(attrs), "{\"callback_for\": %lld,"
		       " \"number\": \"%s\", \"number_origin\": \"%s\"}",
		       (long long)c->ix, number, dial_origin_name(origin));
	err = task_call_add(NULL, CK_CALLBACK, 0, number, c->to, queue,
			    c->entered ? c->entered : c->started, attrs, NULL);
	if (err)
		return err;
	c->outcome = "callback";
	return 0;
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
static void transfer_out(struct call *c, const char *number,
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

static void ivr_transfer_h(const char *to, bool external, const char *queue,
			   void *arg)
{
	struct call *c = arg;
	const struct cc_agent_info *ag = cc_agent_by_ext(to);
	uint32_t qid;

	if (c->survey) {
		c->hangup = true;
		return;
	}
	med_leg_stop(c->leg);
	if (!cc_queue_id(to, &qid)) {
		call_queue(c, to, 0, 0);
		return;
	}
	if (ag && queue && *queue) {
		/* waits for that agent in one of the agent's queues */
		call_queue(c, queue, ag->id, 0);
		if (c->task && cc_task_agent((uint64_t)c->ix) != ag->id &&
		    cc_task_transfer((uint64_t)c->ix, NULL, ag->id))
			cc_warn("sig", "call %lld: agent %s is in no queue:"
				" waiting in %s", (long long)c->ix, to, queue);
		return;
	}
	if (external && sig_out_number_ok(to) && sig_out_available()) {
		struct dial_decision d;

		if (!sig_trunk_dial_decide(&d, to, DIAL_IVR_TRANSFER,
					   DIAL_ORIGIN_STAFF, NULL) &&
		    d.allowed) {
			transfer_out(c, to, DIAL_IVR_TRANSFER);
			return;
		}
		/* denied: the caller waits for an agent instead */
		dial_denied(c, 0, to, DIAL_IVR_TRANSFER, &d);
		if (queue && *queue && !cc_queue_id(queue, &qid)) {
			call_queue(c, queue, 0, 0);
			return;
		}
	}
	cc_warn("sig", "call %lld: ivr transfer to %s is not possible (%s):"
		" hanging up", (long long)c->ix, to,
		!external ? "no such agent or queue, and not external" :
		!sig_out_available() ? "no trunk allows outbound calls" :
		"not a number");
	c->outcome = "failed";
	c->hangup = true;
}

/* One of the queue node's options: out of the queue, back to the flow. */
static void ivr_leave_h(void *arg)
{
	struct call *c = arg;

	ringing_cancel(c, 0);
	c->offeredc = 0;
	if (c->task) {
		c->task = false;
		(void)cc_task_abandon((uint64_t)c->ix);
	}
	ix_event(c, "left_queue", 0, NULL);
	c->state = CS_MENU;
	c->announcing = false;
	c->next_announce = 0;
	med_leg_stop(c->leg);
}

static void ivr_outcome_h(const char *outcome, void *arg)
{
	struct call *c = arg;

	c->outcome = outcome;
}

static const struct sig_ivr_ops ivr_ops = {
	.queue = ivr_queue_h,
	.hangup = ivr_hangup_h,
	.callback = ivr_callback_h,
	.transfer = ivr_transfer_h,
	.leave = ivr_leave_h,
	.outcome = ivr_outcome_h,
};

void sig_call_incoming(const struct sip_msg *msg, void *arg)
{
	const struct number *num;
	struct call *c = NULL;
	char user[64], trunk[64];
	int err;

	(void)arg;
	if (sig_stopping()) {
		sig_count(SIG_ERR_UNAVAILABLE, 503);
		(void)sig_reply(msg, 503, "Service Unavailable");
		return;
	}
	num = number_find(&msg->uri.user);
	if (!num) {
		/* Not a public number: only agents, with credentials. */
		err = sig_auth_check(msg, true, user, sizeof(user),
				     sig_reg_password);
		if (err == ENOENT || err == ETIMEDOUT) {
			sig_auth_challenge(msg, true, err == ETIMEDOUT);
			return;
		}
		if (err) {
			sig_count(SIG_ERR_AUTH_FAILED, 403);
			(void)sig_replyf(msg, 403, "Forbidden",
					 "Warning: 399 switchboard \"wrong"
					 " username or password\"\r\n"
					 "Content-Length: 0\r\n\r\n");
			return;
		}
		if (!pl_strcmp(&msg->uri.user, "*50") ||
		    !pl_strcmp(&msg->uri.user, "*51") ||
		    !pl_strcmp(&msg->uri.user, "*52")) {
			feature_call(msg, user);
			return;
		}
		sig_count(SIG_ERR_NOT_FOUND, 404);
		(void)sig_replyf(msg, 404, "Not Found",
				 "Warning: 399 switchboard \"%r is not a"
				 " number of this center\"\r\n"
				 "Content-Length: 0\r\n\r\n", &msg->uri.user);
		return;
	}
	err = sig_trunk_identify(msg, trunk, sizeof(trunk));
	if (err == EAGAIN || err == EACCES)
		return; /* challenged or refused: answered */
	if (call_answer(&c, msg, trunk))
		return;
	record_start(c, msg);
	if (trunk[0]) {
		char detail[128];

		(void)re_snprintf(detail, sizeof(detail), "{\"trunk\": \"%s\"}",
				  trunk);
		ix_event(c, "trunk", 0, detail);
		cc_info("sig", "call %lld: from trunk %s", (long long)c->ix,
			trunk);
	}
	cc_info("sig", "call %lld: %s -> %s", (long long)c->ix, c->from,
		c->to);
	if (num->flow) {
		c->state = CS_MENU;
		if (sig_ivr_alloc(&c->ivr, num->flow, c->leg, c->ix, c->from,
				  c->origin == DIAL_ORIGIN_TRUSTED, c->to,
				  &ivr_ops, c)) {
			call_queue(c, "support", 0, 0); /* out of memory */
			return;
		}
		sig_ivr_start(c->ivr);
	}
	else {
		call_queue(c, num->queue, 0, 0);
	}
}

/* --- Module ------------------------------------------------------------- */

struct good_version {
	const char *name;
	struct ivr_flow **fp;
	int64_t version;
};

static int good_version_h(sqlite3_stmt *st, void *arg)
{
	struct good_version *gv = arg;
	const char *def = (const char *)sqlite3_column_text(st, 1);

	if (!def || sig_ivr_flow_load(gv->fp, gv->name, def))
		return 0; /* older still */
	gv->version = sqlite3_column_int64(st, 0);
	return 1;
}

/* The active definition of a flow fails the check (a queue it names was
 * removed, say): the newest stored version that passes stays live. */
static int flow_last_good(struct ivr_flow **fp, const char *name)
{
	struct good_version gv = {name, fp, 0};
	sqlite3 *db = store_reader(store_main());

	if (!db)
		return EIO;
	(void)store_query(db, good_version_h, &gv,
			  "SELECT version, definition FROM flow_versions"
			  " WHERE name = ?1 ORDER BY version DESC", "s", name);
	if (!gv.version)
		return ENOENT;
	cc_warn("sig", "flow %s: the active definition fails the check;"
		" version %lld stays live", name, (long long)gv.version);
	return 0;
}

static int number_h(const struct store_number *n, void *arg)
{
	struct number *num;
	char *def = NULL;
	int err;

	(void)arg;
	if (sc.numberc == SIG_NUMBERS_MAX)
		return 0;
	num = &sc.numberv[sc.numberc];
	memset(num, 0, sizeof(*num));
	str_ncpy(num->number, n->number, sizeof(num->number));
	if (n->queue) {
		str_ncpy(num->queue, n->queue, sizeof(num->queue));
		sc.numberc++;
		return 0;
	}
	str_ncpy(num->flow_name, n->flow, sizeof(num->flow_name));
	err = store_flow_get(store_main(), &def, n->flow);
	if (!err)
		err = sig_ivr_flow_load(&num->flow, n->flow, def);
	mem_deref(def);
	if (err == EBADMSG)
		err = flow_last_good(&num->flow, n->flow);
	if (err) {
		cc_error("sig", "number %s: flow %s cannot be used (%s):"
			 " calls to it are refused", n->number, n->flow,
			 strerror(err));
		return 0;
	}
	sc.numberc++;
	return 0;
}

static struct number *number_get(const char *number)
{
	for (size_t i = 0; number && i < sc.numberc; i++)
		if (!strcmp(number, sc.numberv[i].number))
			return &sc.numberv[i];
	return NULL;
}

int sig_number_set(const char *number, const char *flow, const char *def,
		   const char *queue)
{
	struct ivr_flow *f = NULL;
	struct number *num;
	int err;

	if (!number || !*number || strlen(number) >= sizeof(num->number) ||
	    (!flow == !queue) || (flow && !def))
		return EINVAL;
	if (flow) {
		err = sig_ivr_flow_load(&f, flow, def);
		if (err == EBADMSG)
			err = flow_last_good(&f, flow);
		if (err)
			return err;
	}
	num = number_get(number);
	if (!num) {
		if (sc.numberc == SIG_NUMBERS_MAX) {
			ivr_flow_unref(f);
			return ENOSPC;
		}
		num = &sc.numberv[sc.numberc++];
		memset(num, 0, sizeof(*num));
		str_ncpy(num->number, number, sizeof(num->number));
	}
	/* Calls already in the old flow or queue go on as they are. */
	num->flow = ivr_flow_unref(num->flow);
	num->flow = f;
	num->queue[0] = num->flow_name[0] = '\0';
	if (flow)
		str_ncpy(num->flow_name, flow, sizeof(num->flow_name));
	else
		str_ncpy(num->queue, queue, sizeof(num->queue));
	cc_info("sig", "number %s leads to %s %s", number,
		flow ? "flow" : "queue", flow ? flow : queue);
	return 0;
}

int sig_number_remove(const char *number)
{
	struct number *num = number_get(number);

	if (!num)
		return ENOENT;
	ivr_flow_unref(num->flow);
	*num = sc.numberv[--sc.numberc];
	cc_info("sig", "number %s removed: new calls to it are refused",
		number);
	return 0;
}

int sig_flow_activate(const char *name, const char *def,
		      unsigned *numbersp)
{
	struct ivr_flow *flow = NULL;
	unsigned n = 0;
	int err;

	if (!name || !def)
		return EINVAL;
	err = sig_ivr_flow_load(&flow, name, def);
	if (err)
		return err;
	for (size_t i = 0; i < sc.numberc; i++) {
		struct number *num = &sc.numberv[i];

		if (num->queue[0] || strcmp(num->flow_name, name))
			continue;
		ivr_flow_unref(num->flow);
		num->flow = ivr_flow_ref(flow);
		n++;
	}
	ivr_flow_unref(flow);
	cc_info("sig", "flow %s activated on %u number%s", name, n,
		n == 1 ? "" : "s");
	if (numbersp)
		*numbersp = n;
	return 0;
}

/* Voicemails and callbacks still waiting for an agent when the server
 * stopped (killed: still open, or marked interrupted by the center's
 * recovery; stopped: marked interrupted by sig_call_stop) wait again,
 * with their first entry time. */
static int revive_h(sqlite3_stmt *st, void *arg)
{
	const char *ch = (const char *)sqlite3_column_text(st, 1);
	const char *from = (const char *)sqlite3_column_text(st, 2);
	const char *to = (const char *)sqlite3_column_text(st, 3);
	const char *queue = (const char *)sqlite3_column_text(st, 4);
	const char *rec = (const char *)sqlite3_column_text(st, 5);
	const char *attrs = (const char *)sqlite3_column_text(st, 6);
	int64_t ix = sqlite3_column_int64(st, 0);
	unsigned *n = arg;

	if (!ch || !queue || !from)
		return 0;
	if (!task_call_add(NULL, strcmp(ch, "voicemail") ? CK_CALLBACK :
			   CK_VOICEMAIL, ix, from, to ? to : "", queue,
			   (uint64_t)sqlite3_column_int64(st, 7), attrs,
			   rec))
		(*n)++;
	return 0;
}

/* A voicemail being recorded when the server was killed: the file holds
 * what was said up to its last write (the header is kept valid). */
static int orphan_h(sqlite3_stmt *st, void *arg)
{
	const char *from = (const char *)sqlite3_column_text(st, 1);
	const char *to = (const char *)sqlite3_column_text(st, 2);
	const char *path = (const char *)sqlite3_column_text(st, 3);
	const char *queue = (const char *)sqlite3_column_text(st, 4);
	struct stat sb;

	(void)arg;
	if (!path || stat(path, &sb) || sb.st_size < 44 + 500 * 16)
		return 0; /* nothing said (as sig_call_voicemail_add) */
	cc_info("sig", "call %lld: its voicemail was cut short by a stop:"
		" %s kept", (long long)sqlite3_column_int64(st, 0), path);
	sig_call_voicemail_add(sqlite3_column_int64(st, 0), from ? from : "",
			       to ? to : "", queue, path,
			       (uint32_t)((sb.st_size - 44) / 16));
	return 0;
}

static void tasks_revive(void)
{
	sqlite3 *db = store_reader(store_main());
	unsigned n = 0;

	if (!db)
		return;
	(void)store_query(db, revive_h, &n,
			  "SELECT id, channel, from_addr, to_addr, queue,"
			  " recording, attributes,"
			  " coalesce(entered_queue_at, created_at)"
			  " FROM interactions WHERE channel IN ('voicemail',"
			  " 'callback') AND agent_id IS NULL AND answered_at"
			  " IS NULL AND (state <> 'ended' OR outcome ="
			  " 'interrupted') ORDER BY id", "");
	if (n)
		cc_info("sig", "%u voicemails and callbacks waiting again",
			n);
	/* after: the tasks these make must not be revived a second time */
	(void)store_query(db, orphan_h, NULL,
			  "SELECT i.id, i.from_addr, i.to_addr, i.recording,"
			  " (SELECT json_extract(e.detail, '$.queue') FROM"
			  " interaction_events e WHERE e.interaction_id = i.id"
			  " AND e.type = 'voicemail_started' ORDER BY e.id DESC"
			  " LIMIT 1) FROM interactions i WHERE i.channel ="
			  " 'voice' AND i.recording IS NOT NULL AND NOT EXISTS"
			  " (SELECT 1 FROM interactions v WHERE v.channel ="
			  " 'voicemail' AND v.recording = i.recording)"
			  " AND i.created_at > ?1 ORDER BY i.id",
			  "i", cc_wall_ms() - 7LL * 86400000);
}

const char *sig_call_data_dir(void)
{
	return sc.data[0] ? sc.data : ".";
}

int sig_call_init(const struct cc_config *cfg)
{
	int err;

	str_ncpy(sc.data, cfg->data, sizeof(sc.data));
	list_init(&sc.calls);
	tmr_init(&sc.sweep);
	sc.numberc = 0;
	err = store_numbers_load(store_main(), number_h, NULL);
	if (err)
		return err;
	err = sig_trunk_init(cfg->phone_country);
	sig_stimer_init(cfg);
	if (err)
		return err;
	err = med_prompt_moh(&sc.moh);
	if (err)
		cc_warn("sig", "no music on hold: %s", strerror(err));
	tmr_start(&sc.sweep, SIG_SWEEP_MS, sweep_h, NULL);
	tasks_revive();
	return 0;
}

void sig_call_stop(void)
{
	struct le *le = sc.calls.head;

	while (le) {
		struct call *c = le->data;
		int64_t ix = c->ix;
		bool waiting = c->kind != CK_INBOUND && c->task && !c->agent;

		le = le->next;
		call_destroy(c);
		/* after the abandon the center records: waits again at the
		 * next start (tasks_revive) */
		if (waiting)
			(void)store_interaction_update(
				store_main(), ix, NULL, NULL,
				"outcome = 'interrupted'", "");
	}
}

void sig_call_close(void)
{
	sig_call_stop();
	med_rec_close(); /* voicemails still being written: on the record */
	sig_call_stop();
	sig_ivr_close();
	sig_trunk_close();
	tmr_cancel(&sc.sweep);
	sc.moh = mem_deref(sc.moh);
	for (size_t i = 0; i < sc.numberc; i++)
		sc.numberv[i].flow = ivr_flow_unref(sc.numberv[i].flow);
	sc.numberc = 0;
}
