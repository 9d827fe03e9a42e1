/*
 * sig_caller.c: the caller's leg of a call (struct call, owned by the call
 * list of sig_call.c): its session and media, the IVR flow it is in, its
 * wait in a queue, its end. The states (enum call_state):
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
 *   FEATURE: an agent's feature code, or an apology: spoken, then gone
 *
 * The interaction follows (src/core/cc_ix.h): IVR while in MENU, the
 * center's task while QUEUED and BRIDGED, ended here when the caller
 * leaves before an agent had it.
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
static void call_close_h(int err, const struct sip_msg *msg, void *arg);

/* Stores what the caller answered in the survey (also when they hung up
 * half-way). */
static void survey_save(struct call *c)
{
	char *answers = sig_ivr_survey_answers(c->ivr);

	if (answers && c->ix)
		(void)cc_ix_survey_set(c->ix, answers);
	free(answers);
}

/* --- The caller's leg --------------------------------------------------- */

void call_destructor(void *arg)
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
void call_destroy(struct call *c)
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

void call_med_h(struct med_leg *leg, const struct med_event *ev,
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
			(void)cc_ix_end(c->ix, c->outcome ? c->outcome :
					"abandoned", "system", 0);
		call_destroy(c);
		break;
	default:
		break;
	}
}

void call_queue(struct call *c, const char *queue,
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
	(void)cc_ix_ivr_path_set(c->ix, path ? path : "[]");
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

void sweep_h(void *arg)
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

			if (c->ix && path)
				(void)cc_ix_ivr_path_set(c->ix, path);
			if (c->ix)
				(void)cc_ix_end(c->ix, c->outcome ? c->outcome :
						"self_service", "system", 0);
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
			(void)cc_ix_outcome_set(c->ix, "no_answer");
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

		(void)cc_ix_ivr_path_set(c->ix, path ? path : "[]");
		(void)cc_ix_end(c->ix, c->outcome ? c->outcome : "abandoned",
				"caller", 0);
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

void call_refer_h(struct sip *sip, const struct sip_msg *msg,
		  void *arg)
{
	(void)arg;
	sig_count(SIG_ERR_IN_DIALOG, 403);
	(void)sip_replyf(sip, msg, 403, "Forbidden",
			 "Warning: 399 switchboard \"callers cannot"
			 " transfer\"\r\nContent-Length: 0\r\n\r\n");
}

/* Answers the INVITE and starts the call; *cp is the new call. */
int call_answer(struct call **cp, const struct sip_msg *msg,
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
void call_end_record(struct call *c, const char *hung_up_by)
{
	if (c->ix)
		(void)cc_ix_end(c->ix, c->outcome ? c->outcome : "ended",
				hung_up_by, 0);
}

const struct sig_out_handlers cust_h = {
	.offer = call_offer_h,
	.answer = call_answer_h,
	.progr = call_progr_h,
	.estab = call_estab_h,
	.info = call_info_h,
	.refer = call_refer_h,
	.close = call_close_h,
};

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

const struct sig_ivr_ops ivr_ops = {
	.queue = ivr_queue_h,
	.hangup = ivr_hangup_h,
	.callback = ivr_callback_h,
	.transfer = ivr_transfer_h,
	.leave = ivr_leave_h,
	.outcome = ivr_outcome_h,
};
