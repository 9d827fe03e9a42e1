/*
 * The api module's side of the live center, on the libre main loop only.
 *
 * It subscribes to the center's events (src/core/center.h) and
 *  - republishes them on the event channel as the pages expect them
 *    (agent.state to everyone; interaction.offered, .answered, .held,
 *    .resumed, .muted, .transferred, .requeued, .missed, .abandoned,
 *    .ended, wrapup.started and wrapup.finished to the agent concerned);
 *  - shows the live interactions (queued, ringing, talking, held, in
 *    wrap-up) as the interaction module (src/core/cc_ix.h) has them: it
 *    keeps no copy and no state names of its own;
 *  - builds, once a second, the live figures per queue and agent
 *    (GET /api/v1/stats/live, the wallboard's "stats" message, /metrics)
 *    from the ACD's own statistics (acd_queue_live, acd_agent_live);
 *  - runs the commands of the live routes (agent state, hang up, hold,
 *    resume, transfer, end of wrap-up) for api_core_call().
 *
 * The interactions' states and their transitions are cc_ix.c's (the
 * table at its top); the center publishes its events after the
 * interaction made the transition, so a payload built here from cc_ix
 * already shows the new state.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* Not <re.h>: its JSON names clash with jansson. */
#include <re_types.h>
#include <re_list.h>
#include <re_mem.h>
#include "acd/acd.h"
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/center.h"
#include "sig/sig.h"
#include "api_int.h"
#include "api_live.h"

static struct {
	bool subscribed;
} live;

/* The interactions the live view shows: those waiting for or with an
 * agent (not those in a flow or being created). */
static bool shown(const struct cc_ix *ix)
{
	return ix && ix->state >= CC_IX_QUEUED && ix->state <= CC_IX_WRAPUP;
}

static const struct cc_ix *live_find(uint64_t id)
{
	const struct cc_ix *ix = cc_ix_find((int64_t)id);

	return shown(ix) ? ix : NULL;
}

static json_t *task_json(const struct cc_ix *t)
{
	int64_t now = cc_wall_ms();
	json_t *o = json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:I,s:I,s:f}",
			      "interaction_id", (json_int_t)t->id, "state",
			      cc_ix_state_name(t->state), "queue", t->queue,
			      "caller", t->from, "dialled", t->to,
			      "entered_at", (json_int_t)t->entered_at,
			      "since", (json_int_t)t->since, "waited_s",
			      (double)(now - t->entered_at) / 1000.0);
	json_t *attrs = t->attrs ? json_loads(t->attrs, 0, NULL) : NULL;

	if (o && t->agent) {
		json_object_set_new(o, "agent_id", json_integer(t->agent));
		json_object_set_new(o, "muted", json_boolean(t->muted));
	}
	if (o && json_is_object(attrs)) {
		const char *k;
		json_t *v;

		json_object_foreach(attrs, k, v)
		{
			if (!json_object_get(o, k))
				json_object_set(o, k, v);
		}
	}
	json_decref(attrs);
	return o;
}

/* The agent's registered phones, for the desktop's phone indicator. */
static json_t *devices_json(uint32_t agent)
{
	struct sig_device dv[4];
	unsigned n = sig_agent_devices(agent, dv, 4), i;
	json_t *a = json_array();

	for (i = 0; a && i < n && i < 4; i++) {
		json_int_t exp = (json_int_t)dv[i].expires_s;
		json_t *d = json_pack("{s:s,s:I}", "uri", dv[i].uri,
				      "expires_s", exp);

		json_array_append_new(a, d);
	}
	return a;
}

static void pub(const char *type, json_t *data, uint32_t agent)
{
	(void)api_event_publish(type, data, agent);
}

static json_t *ev_data(const struct cc_event *ev)
{
	json_t *o = json_pack("{s:I}", "interaction_id", (json_int_t)ev->task);

	if (o && ev->queue)
		json_object_set_new(o, "queue", json_string(ev->queue));
	if (o && ev->agent)
		json_object_set_new(o, "agent", json_integer(ev->agent));
	return o;
}

static void event_h(const struct cc_event *ev, void *arg)
{
	const struct cc_ix *t = ev->task ? live_find(ev->task) : NULL;
	json_t *d;

	(void)arg;
	switch (ev->type) {
	case CC_EV_AGENT_STATE:
		pub("agent.state",
		    json_pack("{s:I,s:s,s:s?,s:I,s:o}", "agent",
			      (json_int_t)ev->agent, "state", ev->state,
			      "reason", ev->reason, "since",
			      (json_int_t)cc_wall_ms(), "devices",
			      devices_json(ev->agent)),
		    0);
		break;
	case CC_EV_TASK_QUEUED:
		break;
	case CC_EV_TASK_OFFERED:
		d = t ? task_json(t) : ev_data(ev);
		if (d) {
			/* Accept rings the phone again with the auto-answer
			 * hint; Reject hands the call to the next agent. */
			json_object_set_new(d, "can_accept", json_true());
			json_object_set_new(d, "can_reject", json_true());
			json_object_set_new(d, "auto_answer",
					    json_boolean(sig_agent_auto_answer(
						    ev->agent)));
		}
		pub("interaction.offered", d, ev->agent);
		break;
	case CC_EV_TASK_ANSWERED:
		d = t ? task_json(t) : ev_data(ev);
		pub("interaction.answered", d, ev->agent);
		break;
	case CC_EV_TASK_MISSED:
		d = ev_data(ev);
		if (d && ev->reason)
			json_object_set_new(d, "reason",
					    json_string(ev->reason));
		pub("interaction.missed", d, ev->agent);
		break;
	case CC_EV_TASK_ABANDONED:
		if (ev->agent)
			pub("interaction.abandoned", ev_data(ev), ev->agent);
		break;
	case CC_EV_TASK_HELD:
	case CC_EV_TASK_RESUMED:
		pub(ev->type == CC_EV_TASK_HELD ? "interaction.held"
						 : "interaction.resumed",
		    ev_data(ev), ev->agent);
		break;
	case CC_EV_TASK_TRANSFERRED:
	case CC_EV_TASK_REQUEUED:
		d = ev_data(ev);
		if (d && ev->reason)
			json_object_set_new(d, "reason",
					    json_string(ev->reason));
		if (ev->agent)
			pub(ev->type == CC_EV_TASK_TRANSFERRED ?
				    "interaction.transferred" :
				    "interaction.requeued",
			    d, ev->agent);
		else
			json_decref(d);
		break;
	case CC_EV_TASK_ENDED:
		d = ev_data(ev);
		if (d && ev->reason)
			json_object_set_new(d, "hung_up_by",
					    json_string(ev->reason));
		pub("interaction.ended", d, ev->agent);
		break;
	case CC_EV_WRAPUP_STARTED:
		d = ev_data(ev);
		if (d)
			json_object_set_new(d, "seconds",
					    json_integer((json_int_t)(
						    ev->wait_ms / 1000)));
		pub("wrapup.started", d, ev->agent);
		break;
	case CC_EV_WRAPUP_ENDED:
		pub("wrapup.finished", ev_data(ev), ev->agent);
		break;
	case CC_EV_TICK:
		break;
	case CC_EV_TASK_CONSULT: {
		/* Both desktops: the transferring agent's and the target's. */
		const struct cc_agent_info *ta = cc_agent_by_id(ev->target);
		const struct cc_agent_info *fa = cc_agent_by_id(ev->agent);

		d = json_pack("{s:I,s:s,s:I,s:I,s:s?,s:s?}", "interaction_id",
			      (json_int_t)ev->task, "phase",
			      ev->reason ? ev->reason : "?", "agent",
			      (json_int_t)ev->agent, "target_agent",
			      (json_int_t)ev->target, "target",
			      ta ? ta->extension : NULL, "from",
			      fa ? fa->name : NULL);
		if (t && d && t->from)
			json_object_set_new(d, "caller", json_string(t->from));
		if (ev->target)
			pub("interaction.consult", json_incref(d), ev->target);
		pub("interaction.consult", d, ev->agent);
		break;
	}
	}
}

int api_live_init(void)
{
	int err;

	if (!cc_center_acd())
		return 0; /* no center (tests of the api alone) */
	err = cc_event_subscribe(event_h, NULL);
	live.subscribed = !err;
	return err;
}

void api_live_close(void)
{
	if (live.subscribed)
		cc_event_unsubscribe(event_h, NULL);
	live.subscribed = false;
}

/* --- The figures ---------------------------------------------------------- */

static json_t *ratio(double v, double scale)
{
	return v < 0 ? json_null() : json_real(v / scale);
}

struct build {
	json_t *queues, *agents;
	int64_t now;
};

static void queue_h(uint32_t id, const char *name, void *arg)
{
	struct build *b = arg;
	struct acd_queue_live q;
	struct acd_figures f, fi;
	json_t *o, *ag;

	if (acd_queue_live(cc_center_acd(), id, (uint64_t)b->now, &q))
		return;
	acd_figures_compute(&f, &q.today);
	acd_figures_compute(&fi, &q.interval);
	ag = json_object();
	for (int s = 0; s < ACD_STATES; s++)
		json_object_set_new(ag, acd_state_name((enum acd_agent_state)s),
				    json_integer(q.agents[s]));
	o = json_pack("{s:s,s:I,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
		      "name", name, "waiting", (json_int_t)q.waiting,
		      "longest_wait_s", (double)q.longest_wait_ms / 1000.0,
		      "expected_wait_s", (double)q.expected_wait_ms / 1000.0,
		      "offered", (json_int_t)q.today.offered, "answered",
		      (json_int_t)q.today.answered, "abandoned",
		      (json_int_t)q.today.abandoned, "answered_in_sl",
		      (json_int_t)q.today.answered_in_sl, "handled",
		      (json_int_t)q.today.handled, "interval_start",
		      (json_int_t)q.interval_start, "agents", ag);
	if (!o)
		return;
	json_object_set_new(o, "service_level", ratio(f.sl_pct, 100));
	json_object_set_new(o, "service_level_interval",
			    ratio(fi.sl_pct, 100));
	json_object_set_new(o, "asa_s", ratio(f.asa_ms, 1000));
	json_object_set_new(o, "aht_s", ratio(f.aht_ms, 1000));
	json_object_set_new(o, "abandon_rate", ratio(f.abandon_pct, 100));
	json_object_set_new(o, "offered_interval",
			    json_integer(q.interval.offered));
	json_object_set_new(o, "answered_interval",
			    json_integer(q.interval.answered));
	json_array_append_new(b->queues, o);
}

static void agent_h(const struct cc_agent_info *a, void *arg)
{
	struct build *b = arg;
	struct acd_agent_live l;
	const struct cc_ix *t;
	json_t *o;

	if (acd_agent_live(cc_center_acd(), a->id, (uint64_t)b->now, &l))
		return;
	o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I}", "id", (json_int_t)a->id,
		      "extension", a->extension, "name", a->name, "state",
		      acd_state_name(l.state), "since",
		      (json_int_t)l.state_since, "handled",
		      (json_int_t)l.handled, "missed", (json_int_t)l.missed);
	if (!o)
		return;
	json_object_set_new(o, "reason", l.reason[0] ? json_string(l.reason)
						     : json_null());
	json_object_set_new(o, "occupancy_pct", ratio(l.occupancy_pct, 1));
	t = cc_ix_of_agent(a->id);
	json_object_set_new(o, "call",
			    t ? json_pack("{s:I,s:s,s:s?,s:s,s:I}",
					  "interaction_id", (json_int_t)t->id,
					  "state", cc_ix_state_name(t->state),
					  "caller", t->from,
					  "queue", t->queue, "since",
					  (json_int_t)t->since)
			      : json_null());
	json_array_append_new(b->agents, o);
}

/* sig's error counters, read here on the main loop (sig.h): {"errors":
 * {kind: n}, "rejected": {"4xx": n, ...}}. */
static json_t *sip_json(void)
{
	struct sig_counters c;
	json_t *kinds = json_object(), *classes = json_object();
	char name[8];

	sig_counters_get(&c);
	for (int k = 0; k < SIG_ERR_KINDS; k++)
		json_object_set_new(kinds, sig_error_name((enum sig_error)k),
				    json_integer((json_int_t)c.kind[k]));
	for (int k = 4; k <= 6; k++) {
		snprintf(name, sizeof(name), "%dxx", k);
		json_object_set_new(classes, name,
				    json_integer((json_int_t)c.class[k]));
	}
	return json_pack("{s:o,s:o}", "errors", kinds, "rejected", classes);
}

/* calls: {state: n} of the interactions shown. */
static void count_h(const struct cc_ix *ix, void *arg)
{
	json_t *calls = arg;
	const char *state = cc_ix_state_name(ix->state);

	if (shown(ix))
		json_object_set_new(calls, state, json_integer(
			json_integer_value(json_object_get(calls, state)) + 1));
}

json_t *api_live_build(void)
{
	int64_t now = cc_wall_ms();
	struct build b = {json_array(), json_array(), now};
	json_t *calls = json_object(), *states = json_object(), *v;
	size_t i;

	if (cc_center_acd()) {
		cc_queue_foreach(queue_h, &b);
		cc_agent_foreach(agent_h, &b);
	}
	cc_ix_apply(count_h, calls);
	for (int s = 0; s < ACD_STATES; s++)
		json_object_set_new(states,
				    acd_state_name((enum acd_agent_state)s),
				    json_integer(0));
	json_array_foreach(b.agents, i, v)
	{
		const char *s = json_string_value(json_object_get(v, "state"));

		json_object_set_new(states, s,
				    json_integer(json_integer_value(
							 json_object_get(states,
									 s)) +
						 1));
	}
	return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:I,s:o}", "at",
			 (json_int_t)now, "uptime_s",
			 (json_int_t)((now - (int64_t)api_started_ms) / 1000),
			 "queues", b.queues, "agents", b.agents, "calls",
			 calls, "agent_states", states, "calls_in_progress",
			 (json_int_t)(cc_ix_count(CC_IX_QUEUED) +
				      cc_ix_count(CC_IX_RINGING) +
				      cc_ix_count(CC_IX_TALKING) +
				      cc_ix_count(CC_IX_HELD) +
				      cc_ix_count(CC_IX_WRAPUP)), "sip",
			 sip_json());
}

/* --- Commands (api_core_call) ------------------------------------------ */

static int agent_state_json(json_t **resultp, uint32_t agent)
{
	struct acd_agent_live l;
	const struct cc_ix *t;
	json_t *o;

	if (!cc_center_acd() || !cc_agent_by_id(agent))
		return ENOENT;
	if (acd_agent_live(cc_center_acd(), agent, (uint64_t)cc_wall_ms(), &l))
		return ENOENT;
	o = json_pack("{s:I,s:s,s:I}", "agent", (json_int_t)agent, "state",
		      acd_state_name(l.state), "since",
		      (json_int_t)l.state_since);
	if (!o)
		return ENOMEM;
	json_object_set_new(o, "reason", l.reason[0] ? json_string(l.reason)
						     : json_null());
	json_object_set_new(o, "auto_answer",
			    json_boolean(sig_agent_auto_answer(agent)));
	json_object_set_new(o, "devices", devices_json(agent));
	t = cc_ix_of_agent(agent);
	if (t) {
		json_object_set_new(o, "interaction_id", json_integer(t->id));
		json_object_set_new(o, "call", task_json(t));
		if (t->state == CC_IX_WRAPUP && t->wrap_until)
			json_object_set_new(
				o, "wrapup_left_s",
				json_real((double)(t->wrap_until -
						   cc_wall_ms()) / 1000.0));
	}
	*resultp = o;
	return 0;
}

int api_live_agent_state(json_t **resultp, const json_t *args)
{
	return agent_state_json(resultp, (uint32_t)json_integer_value(
						 json_object_get(args,
								 "agent")));
}

int api_live_agent_state_set(json_t **resultp, const json_t *args)
{
	uint32_t agent = (uint32_t)json_integer_value(json_object_get(args,
								      "agent"));
	const char *s = json_string_value(json_object_get(args, "state"));
	const char *reason = json_string_value(json_object_get(args,
							       "reason"));
	const char *by = json_string_value(json_object_get(args, "by"));
	enum acd_agent_state st;
	int err;

	if (!cc_center_acd() || !cc_agent_by_id(agent))
		return ENOENT;
	if (!s)
		return EINVAL;
	if (!strcmp(s, "available"))
		st = ACD_AVAILABLE;
	else if (!strcmp(s, "away"))
		st = ACD_AWAY;
	else if (!strcmp(s, "logged_out"))
		st = ACD_LOGGED_OUT;
	else
		return EINVAL;
	err = cc_agent_presence(agent, st, st == ACD_AWAY ? reason : NULL,
				by ? by : "api");
	if (err)
		return err;
	return agent_state_json(resultp, agent);
}

/* args {agent, enabled}: the agent's offers carry the auto-answer hint
 * (sig.h). Answers the agent's state. */
int api_live_auto_answer(json_t **resultp, const json_t *args)
{
	uint32_t agent = (uint32_t)json_integer_value(json_object_get(args,
								      "agent"));
	int err;

	if (!cc_center_acd() || !cc_agent_by_id(agent))
		return ENOENT;
	err = sig_agent_auto_answer_set(agent, json_is_true(json_object_get(
						       args, "enabled")));
	if (err)
		return err;
	return agent_state_json(resultp, agent);
}

struct calls {
	json_t *arr;
	uint32_t agent;
};

static void calls_h(const struct cc_ix *ix, void *arg)
{
	struct calls *c = arg;

	if (shown(ix) && (!c->agent || ix->agent == c->agent))
		json_array_append_new(c->arr, task_json(ix));
}

int api_live_calls(json_t **resultp, const json_t *args)
{
	struct calls c = {json_array(),
			  (uint32_t)json_integer_value(json_object_get(args,
								       "agent"))};

	if (c.arr)
		cc_ix_apply(calls_h, &c);
	*resultp = c.arr;
	return c.arr ? 0 : ENOMEM;
}

/* args {id, agent?}: the live interaction; with agent, also whether it
 * is that agent's (handling it, or being offered it: ring_all offers it
 * to several) as "mine". */
int api_live_call(json_t **resultp, const json_t *args)
{
	const struct cc_ix *t = live_find((uint64_t)json_integer_value(
		json_object_get(args, "id")));
	uint32_t agent = (uint32_t)json_integer_value(json_object_get(args,
								      "agent"));

	if (!t)
		return ENOENT;
	*resultp = task_json(t);
	if (*resultp && agent)
		json_object_set_new(*resultp, "mine",
				    json_boolean(t->agent == agent ||
						 cc_task_offered_to(
							 (uint64_t)t->id,
							 agent)));
	return *resultp ? 0 : ENOMEM;
}

/*
 * args {id, op: hangup|hold|resume|transfer|..., target?, agent?}: agent
 * set (a caller acting on their own calls only) means the interaction
 * must be that agent's, or for accept|reject offered to that agent (EPERM
 * otherwise). EALREADY: not in a state for op.
 */
int api_live_control(json_t **resultp, const json_t *args)
{
	uint64_t id = (uint64_t)json_integer_value(json_object_get(args, "id"));
	uint32_t agent = (uint32_t)json_integer_value(json_object_get(args,
								      "agent"));
	const char *op = json_string_value(json_object_get(args, "op"));
	const char *target = json_string_value(json_object_get(args,
							       "target"));
	const struct cc_ix *t = live_find(id);
	bool offer = op && (!strcmp(op, "accept") || !strcmp(op, "reject"));
	char self[16];
	enum cc_ctl ctl;
	int err;

	if (!t || !op)
		return ENOENT;
	/* an offer may be out to several agents (ring_all): the channel
	 * checks that the agent is one of them */
	if (agent && t->agent != agent && !offer)
		return EPERM;
	if (!strcmp(op, "hangup")) {
		ctl = CC_CTL_HANGUP;
		if (t->state == CC_IX_WRAPUP)
			return EALREADY;
	}
	else if (!strcmp(op, "hold")) {
		ctl = CC_CTL_HOLD;
		if (t->state != CC_IX_TALKING)
			return EALREADY;
	}
	else if (!strcmp(op, "resume")) {
		ctl = CC_CTL_RESUME;
		if (t->state != CC_IX_HELD)
			return EALREADY;
	}
	else if (!strcmp(op, "transfer")) {
		ctl = CC_CTL_TRANSFER;
		if (t->state != CC_IX_TALKING && t->state != CC_IX_HELD)
			return EALREADY;
	}
	else if (!strcmp(op, "consult")) {
		ctl = CC_CTL_CONSULT;
		if (t->state != CC_IX_TALKING)
			return EALREADY;
	}
	else if (!strcmp(op, "consult_complete") ||
		 !strcmp(op, "consult_cancel")) {
		ctl = op[8] == 'c' && op[9] == 'o' ? CC_CTL_CONSULT_COMPLETE
						   : CC_CTL_CONSULT_CANCEL;
		if (t->state != CC_IX_HELD)
			return EALREADY;
	}
	else if (!strcmp(op, "mute") || !strcmp(op, "unmute")) {
		ctl = op[0] == 'm' ? CC_CTL_MUTE : CC_CTL_UNMUTE;
		if (t->state != CC_IX_TALKING && t->state != CC_IX_HELD)
			return EALREADY;
	}
	else if (offer) {
		ctl = op[0] == 'a' ? CC_CTL_ACCEPT : CC_CTL_REJECT;
		if (t->state != CC_IX_RINGING)
			return EALREADY;
		if (agent) {
			(void)snprintf(self, sizeof(self), "%u", agent);
			target = self;
		}
	}
	else
		return EINVAL;
	err = cc_task_control(id, ctl, target);
	if (err)
		return err;
	/* a consult bridges the agent to the colleague: unmuted (med) */
	if (ctl == CC_CTL_CONSULT && t->muted)
		ctl = CC_CTL_UNMUTE;
	if (ctl == CC_CTL_MUTE || ctl == CC_CTL_UNMUTE) {
		(void)cc_ix_muted_set(t->id, ctl == CC_CTL_MUTE);
		pub("interaction.muted",
		    json_pack("{s:I,s:b}", "interaction_id", (json_int_t)id,
			      "muted", t->muted),
		    t->agent);
	}
	*resultp = json_pack("{s:I,s:s}", "interaction_id", (json_int_t)id,
			     "done", op);
	return *resultp ? 0 : ENOMEM;
}

/* args {agent, id}: ends agent's wrap-up when it is for interaction id
 * (or any, id 0). Answers {wrapup_ended: bool}. */
int api_live_wrapup_done(json_t **resultp, const json_t *args)
{
	uint32_t agent = (uint32_t)json_integer_value(json_object_get(args,
								      "agent"));
	uint64_t id = (uint64_t)json_integer_value(json_object_get(args, "id"));
	const struct cc_ix *t = cc_ix_of_agent(agent);
	bool ended = false;

	if (agent && t && t->state == CC_IX_WRAPUP &&
	    (!id || t->id == (int64_t)id))
		ended = !cc_agent_wrapup_done(agent);
	*resultp = json_pack("{s:b}", "wrapup_ended", ended);
	return *resultp ? 0 : ENOMEM;
}

static void interval_h(uint32_t id, const char *name, void *arg)
{
	json_t *arr = arg;
	struct acd_queue_live q;
	const struct acd_counts *c = &q.interval;

	if (acd_queue_live(cc_center_acd(), id, (uint64_t)cc_wall_ms(), &q))
		return;
	json_array_append_new(
		arr, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
			       "s:I,s:I}",
			       "queue", name, "start",
			       (json_int_t)q.interval_start, "offered",
			       (json_int_t)c->offered, "answered",
			       (json_int_t)c->answered, "abandoned",
			       (json_int_t)c->abandoned, "short_abandoned",
			       (json_int_t)c->short_abandoned,
			       "answered_in_sl",
			       (json_int_t)c->answered_in_sl, "overflowed",
			       (json_int_t)c->overflowed, "handled",
			       (json_int_t)c->handled, "wait_ms_sum",
			       (json_int_t)c->wait_ms_sum, "talk_ms_sum",
			       (json_int_t)c->talk_ms_sum, "hold_ms_sum",
			       (json_int_t)c->hold_ms_sum, "wrapup_ms_sum",
			       (json_int_t)c->wrapup_ms_sum));
}

int api_live_intervals(json_t **resultp, const json_t *args)
{
	json_t *arr = json_array();

	(void)args;
	if (arr && cc_center_acd())
		cc_queue_foreach(interval_h, arr);
	*resultp = arr;
	return arr ? 0 : ENOMEM;
}
