/*
 * center: the live contact center, on the main loop (libre's re_main) only.
 *
 * It owns the ACD engine (src/acd, pure) loaded from the store, drives it
 * with real events and the clock, and turns its decisions into calls on
 * the channel that owns each task (voice today: src/sig). What the queue
 * does to an interaction (queued, offered, missed, answered, held,
 * transferred, requeued, abandoned, ended, wrap-up over) it hands to the
 * interaction's state machine (cc_ix.h), which records and publishes it;
 * the center writes agent state periods and per-queue 15-minute interval
 * counts, and publishes its own events to subscribers (the API's
 * WebSocket channel, logs, tests).
 *
 * Ids: a task's id is its interaction id; an agent's id is agents.id (the
 * demo's are 1001-1004, equal to their extensions); queues by name.
 *
 * Time: the ACD runs on wall-clock milliseconds (cc_wall_ms()), so that its
 * 15-minute intervals and days are the calendar's.
 */
#ifndef CORE_CENTER_H
#define CORE_CENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "acd/acd.h"

struct cc_config;

/* --- Module ------------------------------------------------------------ */

/* Loads agents, skills, queues and members from the store. After store. */
int cc_center_init(const struct cc_config *cfg);
/* Writes the current interval's counts and open agent state periods. */
void cc_center_stop(void);
void cc_center_close(void);
/* The engine, for read-only statistics (acd_queue_live, acd_agent_live). */
const struct acd *cc_center_acd(void);

/*
 * Configuration applied live (the API, after committing a change, on the
 * main loop through api_core_call). Rows as the store gives them; strings
 * are copied. What happens to calls in progress is the engine's (acd.h):
 * nothing is dropped; a member removed mid-call finishes it and gets no
 * more; a strategy change applies to the next decision.
 *
 * cc_center_queue_apply: adds or changes queue q; memberv are ALL its
 *   members now (others leave it). Escalations and overflow name queues
 *   by name, resolved now and again when queues come and go.
 * cc_center_queue_remove: its waiting calls go to its overflow queue or
 *   are given up (ended); calls in hand are finished. ENOENT: unknown.
 * cc_center_agent_apply: adds or changes agent a (a disabled one is
 *   removed); memberv are ALL its memberships now. A new agent's phone
 *   can register at once; a changed SIP password applies at the next
 *   REGISTER.
 * cc_center_agent_remove: unknown to the registrar at once; an offer
 *   ringing is withdrawn (the next agent is tried); a call in hand goes
 *   on to its end, without wrap-up. ENOENT: unknown.
 */
struct store_queue;
struct store_queue_member;
struct store_agent;
struct store_agent_skill;
int cc_center_queue_apply(const struct store_queue *q,
			  const struct store_queue_member *memberv,
			  size_t memberc);
int cc_center_queue_remove(uint32_t id);
int cc_center_agent_apply(const struct store_agent *a,
			  const struct store_agent_skill *skillv,
			  size_t skillc,
			  const struct store_queue_member *memberv,
			  size_t memberc);
int cc_center_agent_remove(uint32_t id);
/* The agent the queue's strategy would pick now for a voice contact,
 * other than agent `not` (a consult to a queue). ENOENT: no such queue;
 * EAGAIN: nobody available. */
int cc_queue_pick(const char *queue, uint32_t not, uint32_t *agentp);

/* --- Queues ------------------------------------------------------------- */

/* ENOENT when there is no such queue. */
int cc_queue_id(const char *name, uint32_t *idp);
/* The queue's name or NULL. */
const char *cc_queue_name(uint32_t id);
/* Calls h for every queue (id order). */
typedef void(cc_queue_h)(uint32_t id, const char *name, void *arg);
void cc_queue_foreach(cc_queue_h *h, void *arg);
/* The queue's announcement period in ms (0: none). */
uint32_t cc_queue_announce_ms(uint32_t id);

/* --- Agents ------------------------------------------------------------- */

struct cc_agent_info {
	uint32_t id;
	const char *extension;
	const char *name;
	const char *sip_password;
};
/* Borrowed, valid until the next reload; NULL when unknown or disabled. */
const struct cc_agent_info *cc_agent_by_ext(const char *ext);
const struct cc_agent_info *cc_agent_by_id(uint32_t id);
typedef void(cc_agent_h)(const struct cc_agent_info *a, void *arg);
void cc_agent_foreach(cc_agent_h *h, void *arg);

/*
 * Presence: ACD_AVAILABLE (log in / back), ACD_AWAY with a reason, or
 * ACD_LOGGED_OUT; by says who asked ("phone", "api", "system"). A reserved
 * agent's offer is withdrawn and the task keeps its place. Recorded in
 * agent_state_history and published. ENOENT: no such agent; EINVAL: not
 * one of those three states.
 */
int cc_agent_presence(uint32_t agent, enum acd_agent_state state,
		      const char *reason, const char *by);
/* Ends wrap-up now (the agent gave a disposition). EALREADY when the
 * agent is not in wrap-up. */
int cc_agent_wrapup_done(uint32_t agent);
/* The agent's device count changed (registrar): the first device logs a
 * logged-out agent in when auto-login is on (the demo), losing the last
 * one logs them out. */
void cc_agent_devices(uint32_t agent, unsigned count);

/* --- Tasks (interactions waiting for or handled by an agent) ----------- */

enum cc_ctl {
	CC_CTL_HANGUP,
	CC_CTL_HOLD,
	CC_CTL_RESUME,
	CC_CTL_TRANSFER, /* target: an agent extension or a queue name */
	/* The desktop's buttons on an offer (the agent being rung; target:
	 * that agent's id in decimal, which must be one of those being
	 * offered the task (ring_all offers it to several), or NULL for the
	 * one offered last): */
	CC_CTL_ACCEPT,   /* ring the agent's phone again, asking it to
			  * answer by itself (auto-answer hint) */
	CC_CTL_REJECT,   /* decline: stop ringing, the next agent is tried */
	/* Attended transfer (src/sig/sig_consult.c): */
	CC_CTL_CONSULT,  /* target: agent extension or queue; the caller
			  * holds while the agent talks to the target */
	CC_CTL_CONSULT_COMPLETE, /* caller to the target, the agent leaves */
	CC_CTL_CONSULT_CANCEL,   /* drop the target, caller back to agent */
	/* The agent's microphone for the caller (the phone cannot be told to
	 * mute: the server stops relaying the agent's audio): */
	CC_CTL_MUTE,
	CC_CTL_UNMUTE,
};

/* What the channel owning a task does for the center (main loop). */
struct cc_task_ops {
	/* Ring agent with the task for ring_ms (0: until cancelled). */
	void (*offer)(void *owner, uint32_t agent, uint32_t ring_ms);
	/* The offer to agent is withdrawn (ring timeout, agent away). */
	void (*cancel)(void *owner, uint32_t agent);
	/* The queue gave up (max wait or length, no overflow queue): the
	 * task is no longer the center's; the owner ends the contact. */
	void (*give_up)(void *owner);
	/* A command from the API (may be NULL: ENOTSUP). */
	int (*control)(void *owner, enum cc_ctl ctl, const char *target);
};

struct cc_task_req {
	int64_t interaction;   /* the task id */
	enum acd_channel channel;
	const char *queue;     /* name */
	int priority;
	uint32_t preferred_agent;
	uint64_t entered;      /* monotonic ms of first entry; 0: now */
	const char *from;      /* caller's address (for screen pops) */
	const char *to;        /* dialled number */
	const char *attrs;     /* JSON object for the pop (IVR path, customer)
				* or NULL; copied */
};

/*
 * Puts a task in its queue: req->interaction is a live interaction
 * (cc_ix_alloc) that enters the queue (cc_ix_queue). ENOENT: no such
 * queue or interaction; EPROTO: the interaction cannot enter a queue in
 * its state (talking: transfer it instead); EEXIST: already queued. The owner stays valid until the task ends (cc_task_end,
 * cc_task_abandon, give_up).
 */
int cc_task_add(const struct cc_task_req *req, const struct cc_task_ops *ops,
		void *owner);
/* agent's device answered the offer: the agent is busy with the task. */
int cc_task_accept(uint64_t task, uint32_t agent);
/* agent's devices declined, were busy or failed (why: "declined",
 * "busy", "failed", "no_answer"): the next agent is tried. */
int cc_task_reject(uint64_t task, uint32_t agent, const char *why);
/* The customer left while waiting or ringing. The task is gone. */
int cc_task_abandon(uint64_t task);
/* The handled contact ended (hung_up_by: caller, agent, system); the
 * agent enters wrap-up. The task is gone. hold_ms: hold time the channel
 * counted itself, added to the interaction's (cc_task_held); usually 0. */
int cc_task_end(uint64_t task, uint32_t hold_ms, const char *hung_up_by);
/* The agent's leg dropped: the task goes back to the head of its queue
 * and the agent is set away with reason. */
int cc_task_requeue(uint64_t task, const char *reason);
/* Moves the task to queue (blind transfer), keeping its entry time;
 * agent (0: none) is offered it first, for up to 30 s (a transfer to an
 * extension: queue is then one of the agent's queues, NULL: any). */
int cc_task_transfer(uint64_t task, const char *queue, uint32_t agent);
/* Where a waiting task is: position (1 = next) and expected wait
 * (UINT64_MAX when no agent of the queue is logged in: unknown). */
int cc_task_position(uint64_t task, uint32_t *posp, uint64_t *ewt_msp);
/* Hold / resume as seen by the channel (counted into hold time and
 * published). */
void cc_task_held(uint64_t task, bool held);
/* An API command for the task (through the owner's control op). */
int cc_task_control(uint64_t task, enum cc_ctl ctl, const char *target);
/* An attended transfer of task by agent to target moved to phase (see
 * CC_EV_TASK_CONSULT): recorded as a 'consult_PHASE' event and published.
 * The channel (src/sig/sig_consult.c) runs it. */
void cc_task_consult(uint64_t task, uint32_t agent, uint32_t target,
		     const char *phase);
/* The agent handling or being offered task, 0 when none. */
uint32_t cc_task_agent(uint64_t task);
/* Whether task is being offered to agent now (one of several with
 * ring_all). */
bool cc_task_offered_to(uint64_t task, uint32_t agent);

/* --- Events ------------------------------------------------------------- */

enum cc_event_type {
	CC_EV_AGENT_STATE,   /* agent, state, reason */
	CC_EV_TASK_QUEUED,   /* task, queue, from, to, attrs */
	CC_EV_TASK_OFFERED,  /* task, agent, queue, from, to, wait_ms, attrs */
	CC_EV_TASK_ANSWERED, /* task, agent, queue, wait_ms */
	CC_EV_TASK_MISSED,   /* task, agent, reason (declined, no_answer...) */
	CC_EV_TASK_ABANDONED,/* task, queue, wait_ms */
	CC_EV_TASK_HELD,     /* task, agent */
	CC_EV_TASK_RESUMED,  /* task, agent */
	CC_EV_TASK_TRANSFERRED, /* task, agent (from), queue (to) */
	CC_EV_TASK_REQUEUED, /* task, agent, reason */
	CC_EV_TASK_ENDED,    /* task, agent, queue, reason = hung_up_by */
	CC_EV_WRAPUP_STARTED,/* task, agent, queue, wait_ms = wrap-up length */
	CC_EV_WRAPUP_ENDED,  /* agent */
	CC_EV_TICK,          /* once a second: figures may have changed */
	CC_EV_TASK_CONSULT,  /* task, agent (transferring), target, reason =
			      * ringing, talking, completed, cancelled,
			      * failed */
};

struct cc_event {
	enum cc_event_type type;
	uint64_t task;      /* interaction id, 0 when none */
	uint32_t agent;     /* 0 when none */
	const char *queue;  /* NULL when none */
	const char *state;  /* agent state name (acd_state_name) */
	const char *reason; /* away reason, miss reason, hung up by */
	const char *from, *to, *attrs;
	uint64_t wait_ms;
	uint32_t target;    /* CC_EV_TASK_CONSULT: the agent consulted */
};

const char *cc_event_name(enum cc_event_type type);
typedef void(cc_event_h)(const struct cc_event *ev, void *arg);
/* Subscribers are called in order of subscription, on the main loop. */
int cc_event_subscribe(cc_event_h *h, void *arg);
void cc_event_unsubscribe(cc_event_h *h, void *arg);

#endif
