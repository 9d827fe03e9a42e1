/*
 * The ACD: the pure routing core. No I/O, no timers, no clock reads: every
 * call carries the current time in milliseconds (any epoch, monotonic), and
 * decisions come back through the handler given to acd_alloc. The live
 * server and the simulator (src/wfm) drive this very code.
 *
 * A driver's sequence, for one call:
 *
 *   acd_alloc(&acd, decide, arg, seed);
 *   acd_queue_add(acd, &qcfg);                 -- from configuration
 *   acd_agent_add(acd, &acfg); acd_member_add(acd, agent, queue, ...);
 *   acd_agent_state_set(acd, agent, ACD_AVAILABLE, 0, now);
 *   acd_task_add(acd, &tcfg, now);   -> decide(ACD_DEC_OFFER, task, agent)
 *   (ring the agent)
 *   acd_offer_accept(acd, task, agent, now)    -- or _reject / _timeout
 *   (talk)
 *   acd_task_end(acd, task, hold_ms, now)      -- agent enters wrap-up
 *   acd_tick(acd, now)  -- call at least every second: ring timeouts,
 *                          wrap-up ends, escalations, maximum waits
 *
 * Ids are the caller's (integers it maps to its own objects). Functions
 * return 0 or an errno value: ENOENT for an unknown id, EEXIST for a
 * duplicate, EINVAL for bad configuration, EPROTO for an event illegal in
 * the current state (an offer accepted that was never made, ...).
 * Handlers run synchronously inside the call that caused the decision; a
 * handler must not call back into the engine (queue the reaction).
 */
#ifndef SB_ACD_H
#define SB_ACD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum acd_channel {
	ACD_VOICE = 0,
	ACD_CHAT,
	ACD_EMAIL,
	ACD_MESSAGE,
	ACD_CALLBACK,
	ACD_OUTBOUND,
	ACD_CHANNELS
};

enum acd_strategy {
	ACD_LONGEST_IDLE = 0, /* agent idle the longest */
	ACD_ROUND_ROBIN,      /* next in order after the last one offered */
	ACD_FEWEST_CALLS,     /* fewest contacts handled today */
	ACD_LEAST_OCCUPIED,   /* lowest occupancy today */
	ACD_HIGHEST_SKILL,    /* highest member level in the queue */
	ACD_RING_ALL,         /* offer to every eligible agent at once */
	ACD_RANDOM,           /* uniformly at random (seeded: reproducible) */
	ACD_TOP_DOWN,         /* fixed order: member position */
	ACD_STRATEGIES
};

enum acd_agent_state {
	ACD_LOGGED_OUT = 0,
	ACD_AVAILABLE,
	ACD_RESERVED, /* an offer is out, waiting for the answer */
	ACD_BUSY,
	ACD_WRAPUP,
	ACD_AWAY,
	ACD_STATES
};

enum { ACD_SKILLS_MAX = 4, ACD_ESCALATIONS_MAX = 4, ACD_REASON_MAX = 32 };

struct acd_skill_req {
	uint16_t skill;    /* caller's skill number, 1..65535 (0 = none) */
	uint8_t min_level; /* 1..10 */
};

enum acd_escalation_kind {
	ACD_ESC_LOWER_LEVEL,   /* required level of skill becomes level */
	ACD_ESC_ADD_SKILL,     /* agents with skill >= level also qualify */
	ACD_ESC_RAISE_PRIORITY,/* priority += delta */
	ACD_ESC_MOVE_QUEUE,    /* move to queue, keeping the entry time */
};

struct acd_escalation {
	uint32_t after_ms; /* waiting time since entry */
	enum acd_escalation_kind kind;
	uint16_t skill;
	uint8_t level;
	int delta;
	uint32_t queue;
};

struct acd_queue_cfg {
	uint32_t id;
	enum acd_strategy strategy;
	uint32_t sl_threshold_ms;  /* answered within this counts for SL */
	uint32_t sl_target_pct;
	uint32_t max_wait_ms;      /* 0: no limit */
	uint32_t max_len;          /* 0: no limit */
	uint32_t overflow_queue;   /* 0: give up (the driver decides) */
	uint32_t wrapup_ms;
	uint32_t ring_timeout_ms;  /* 0: the driver reports timeouts */
	uint32_t short_abandon_ms; /* abandons sooner are not counted */
	uint32_t max_misses;       /* consecutive misses -> away; 0 never */
	struct acd_skill_req skill; /* required of every task; skill 0: none */
	struct acd_escalation escv[ACD_ESCALATIONS_MAX];
	size_t escc;
};

struct acd_agent_cfg {
	uint32_t id;
	struct acd_skill_req skillv[16]; /* skill and the agent's level */
	size_t skillc;
	uint8_t capacity[ACD_CHANNELS];  /* 0 means the default: voice 1,
					    chat 3, others 1 */
	bool voice_excludes_chat;
};

struct acd_task_cfg {
	uint64_t id;
	enum acd_channel channel;
	int priority;                 /* higher is served first */
	uint32_t queue;
	struct acd_skill_req skillv[ACD_SKILLS_MAX]; /* besides the queue's */
	size_t skillc;
	uint32_t preferred_agent;     /* 0: none */
	uint64_t preferred_until;     /* time after which anyone will do */
	uint64_t entered;             /* original entry time (callbacks keep
					 their place); 0: now */
};

enum acd_decision_type {
	ACD_DEC_OFFER,        /* ring agent with task */
	ACD_DEC_CANCEL,       /* withdraw the offer of task to agent */
	ACD_DEC_OVERFLOW,     /* task moved to queue (max wait / length) */
	ACD_DEC_GIVE_UP,      /* max wait or length, no overflow queue:
				 the task left the engine */
	ACD_DEC_AGENT_AWAY,   /* agent set away ("missed") after misses */
	ACD_DEC_AGENT_READY,  /* wrap-up over, agent available again */
	ACD_DEC_TIMEOUT,      /* ring timeout expired (engine-enforced) */
};

struct acd_decision {
	enum acd_decision_type type;
	uint64_t task;
	uint32_t agent;
	uint32_t queue;
};

typedef void(acd_decision_h)(const struct acd_decision *d, void *arg);

struct acd;

/* Allocates an engine (a mem object). seed makes RANDOM reproducible. */
int acd_alloc(struct acd **acdp, acd_decision_h *dh, void *arg,
	      uint64_t seed);

/*
 * Configuration changes, applied to a running engine (the live server
 * applies what the API changed). What happens to work in progress:
 *
 *   queue update   the next decision follows the new strategy (members
 *                  re-keyed); waiting tasks take the new required skill,
 *                  escalations and maximum wait as if they had entered
 *                  with them (same entry time; steps already due run at
 *                  the next tick); offers out and tasks in hand go on;
 *                  wrap-up and ring timeout apply to the next ones.
 *   queue remove   its members leave it (offers out are withdrawn); its
 *                  waiting tasks go to its overflow queue
 *                  (ACD_DEC_OVERFLOW) or are given up (ACD_DEC_GIVE_UP:
 *                  the driver ends them); tasks in hand are finished and
 *                  counted in it; a task requeued later goes the same
 *                  way. The id may be added again (a new queue).
 *   agent update   skills and capacities apply to the next decision; a
 *                  task in hand or an offer out goes on.
 *   agent remove   leaves every queue; an offer out is withdrawn (the
 *                  task back to the head of its queue: ACD_DEC_CANCEL);
 *                  a task in hand is finished (no wrap-up after it), then
 *                  the agent is gone. Adding the id again before that
 *                  revives the same agent (its load kept).
 *   member remove  no more offers from that queue: an offer out of it is
 *                  withdrawn, a task in hand is finished.
 *   member update  level (HIGHEST_SKILL), weight and position (TOP_DOWN,
 *                  ROUND_ROBIN ties) apply to the next decision.
 */
int acd_queue_add(struct acd *acd, const struct acd_queue_cfg *cfg);
int acd_queue_update(struct acd *acd, const struct acd_queue_cfg *cfg);
int acd_queue_remove(struct acd *acd, uint32_t queue, uint64_t now);
int acd_agent_add(struct acd *acd, const struct acd_agent_cfg *cfg);
int acd_agent_update(struct acd *acd, const struct acd_agent_cfg *cfg,
		     uint64_t now);
int acd_agent_remove(struct acd *acd, uint32_t agent, uint64_t now);
/* Makes agent a member of queue. level: the member level used by
 * HIGHEST_SKILL; weight: preference among the agent's queues (higher
 * first, after priority); position: order for TOP_DOWN and ROUND_ROBIN. */
int acd_member_add(struct acd *acd, uint32_t agent, uint32_t queue,
		   uint8_t level, int weight, int position);
int acd_member_remove(struct acd *acd, uint32_t agent, uint32_t queue);
int acd_member_update(struct acd *acd, uint32_t agent, uint32_t queue,
		      uint8_t level, int weight, int position);

/* Agent presence: ACD_AVAILABLE (log in / back from away), ACD_AWAY with
 * a reason, ACD_LOGGED_OUT. Logging out or going away while reserved
 * returns the task to the head of its queue. Others: EINVAL. */
int acd_agent_state_set(struct acd *acd, uint32_t agent,
			enum acd_agent_state state, const char *reason,
			uint64_t now);

int acd_task_add(struct acd *acd, const struct acd_task_cfg *cfg,
		 uint64_t now);
int acd_offer_accept(struct acd *acd, uint64_t task, uint32_t agent,
		     uint64_t now);
int acd_offer_reject(struct acd *acd, uint64_t task, uint32_t agent,
		     uint64_t now);
int acd_offer_timeout(struct acd *acd, uint64_t task, uint32_t agent,
		      uint64_t now);
/* The task left while waiting or ringing (caller hung up). */
int acd_task_abandon(struct acd *acd, uint64_t task, uint64_t now);
/* The handled task ended after hold_ms on hold; the agent enters wrap-up
 * (the queue's wrap-up time) on that channel. */
int acd_task_end(struct acd *acd, uint64_t task, uint32_t hold_ms,
		 uint64_t now);
/* The agent ended wrap-up early (disposition given). */
int acd_wrapup_end(struct acd *acd, uint32_t agent, uint64_t now);
/* Returns a task being handled to the head of its queue (the agent's
 * leg dropped): the agent goes away with reason. */
int acd_task_requeue(struct acd *acd, uint64_t task, const char *reason,
		     uint64_t now);
/* Moves a waiting or handled task to another queue (blind transfer),
 * keeping its entry time. */
int acd_task_transfer(struct acd *acd, uint64_t task, uint32_t queue,
		      uint64_t now);
/* The same, offered to agent only until `until` (then to anyone): a
 * transfer to an agent's extension. agent 0: no preference. */
int acd_task_transfer_to(struct acd *acd, uint64_t task, uint32_t queue,
			 uint32_t agent, uint64_t until, uint64_t now);
/* Time passes: ring timeouts, wrap-up ends, escalations, maximum waits. */
void acd_tick(struct acd *acd, uint64_t now);
/* The earliest time acd_tick has work, or UINT64_MAX. */
uint64_t acd_next_deadline(const struct acd *acd);

/*
 * Statistics, defined once here and used by the live server, the API, the
 * wallboard and the simulator alike. Counted per queue per 15-minute
 * interval (by the time the contact left the queue) and summed for the day:
 *
 *   offered        tasks that entered the queue (overflows in count in the
 *                  target queue, not again in the source)
 *   answered       offers accepted
 *   abandoned      left while waiting after short_abandon_ms or longer
 *   short_abandoned left sooner: excluded from SL and abandonment
 *   answered_in_sl answered with wait <= sl_threshold_ms
 *   SL %           = 100 * answered_in_sl / (answered + abandoned)
 *   ASA            = wait_ms_sum (answered) / answered
 *   AHT            = (talk + hold + wrap-up)_sum / handled (ended tasks)
 *   abandonment %  = 100 * abandoned / (answered + abandoned)
 *   occupancy %    = 100 * (busy + wrap-up time) /
 *                    (available + reserved + busy + wrap-up time)
 * A figure whose denominator is zero is reported as -1 (no data).
 */
struct acd_counts {
	uint32_t offered, answered, abandoned, short_abandoned;
	uint32_t answered_in_sl, handled, overflowed, given_up;
	uint64_t wait_ms_sum;   /* of answered tasks */
	uint64_t abandon_wait_ms_sum;
	uint64_t talk_ms_sum, hold_ms_sum, wrapup_ms_sum;
};

struct acd_figures {
	double sl_pct, asa_ms, aht_ms, abandon_pct;
};

void acd_figures_compute(struct acd_figures *f, const struct acd_counts *c);

struct acd_queue_live {
	uint32_t waiting;
	uint64_t longest_wait_ms;
	uint32_t agents[ACD_STATES]; /* members by state */
	uint64_t expected_wait_ms;   /* for a task entering now */
	struct acd_counts today;
	struct acd_counts interval; /* the current 15-minute interval */
	uint64_t interval_start;
};

int acd_queue_live(const struct acd *acd, uint32_t queue, uint64_t now,
		   struct acd_queue_live *out);
/* Counts of a past interval of today, by its start (a multiple of
 * ACD_INTERVAL_MS). ENOENT when nothing was counted. */
enum { ACD_INTERVAL_MS = 15 * 60 * 1000 };
int acd_queue_interval(const struct acd *acd, uint32_t queue,
		       uint64_t start, struct acd_counts *out);

struct acd_agent_live {
	enum acd_agent_state state;
	char reason[ACD_REASON_MAX];
	uint64_t state_since;
	uint32_t handled, missed;
	uint64_t state_ms[ACD_STATES]; /* time in each state so far */
	double occupancy_pct;          /* -1 when never logged in */
	uint32_t load[ACD_CHANNELS];
};

int acd_agent_live(const struct acd *acd, uint32_t agent, uint64_t now,
		   struct acd_agent_live *out);
const char *acd_state_name(enum acd_agent_state state);
const char *acd_strategy_name(enum acd_strategy s);
int acd_strategy_decode(enum acd_strategy *sp, const char *name);

/* Where a task is: its queue and, when offered or handled, its agent. */
int acd_task_find(const struct acd *acd, uint64_t task, uint32_t *queuep,
		  uint32_t *agentp, bool *waitingp);
/* Whether an offer of task is out to agent now (ring_all offers a task to
 * several agents at once). */
bool acd_task_offered_to(const struct acd *acd, uint64_t task,
			 uint32_t agent);
/* Waiting position (1 = next) of a waiting task in its queue. */
int acd_task_position(const struct acd *acd, uint64_t task, uint32_t *posp);
/* The agent the queue's strategy and required skill would pick now for a
 * task on channel, other than agent `not` (0: anyone), without creating
 * a task (a consult to a queue). ENOENT: no such queue; EAGAIN: nobody
 * available and eligible. RING_ALL: the first member in position order;
 * RANDOM: the draw made when the agents became available. */
int acd_queue_pick(const struct acd *acd, uint32_t queue,
		   enum acd_channel channel, uint32_t not, uint32_t *agentp);

#endif
