/*
 * cc_ix: the interaction, one per contact of any channel (a voice call, a
 * chat, an e-mail, a voicemail, a callback or outbound attempt), from its
 * arrival to the end of the agent's wrap-up. Main loop only, except the
 * functions marked "any thread".
 *
 * It owns the interaction's state machine (the transition table is at the
 * top of cc_ix.c), is the only writer of the `interactions` and
 * `interaction_events` tables (cc_ix_db.c, through the store's writer: the
 * main loop never waits on disk) and publishes every change to its
 * subscribers (the API's live view).
 *
 * Who drives it: a channel creates the interaction (cc_ix_alloc) and ends
 * what the center never saw (cc_ix_ivr, cc_ix_dial, cc_ix_end). While the
 * interaction is a task of the center (center.h: cc_task_add .. cc_task_end)
 * the center makes the routing transitions as the ACD decides: queue,
 * offer, miss, answer, hold/resume, transfer, requeue, end and the end of
 * wrap-up. So a chat does cc_ix_alloc("chat") -> cc_task_add -> (the center
 * offers through the task ops) -> cc_task_accept -> cc_task_end -> wrap-up
 * -> ended, without knowing SQL or SIP; a channel that routes by itself
 * may call the transitions directly.
 *
 * Ids: int64_t, the interactions row id (a task's id is its interaction's).
 * An interaction is live (cc_ix_find) from cc_ix_alloc until it reaches
 * CC_IX_ENDED; its record stays and can still be annotated by id
 * (recording, survey, customer, disposition, notes, outcome).
 */
#ifndef CORE_CC_IX_H
#define CORE_CC_IX_H

#include <stdbool.h>
#include <stdint.h>

struct store;
typedef struct sqlite3 sqlite3;

enum cc_ix_state {
	CC_IX_NEW,     /* created, nothing happened yet */
	CC_IX_IVR,     /* in a self-service flow (voice) */
	CC_IX_DIALING, /* an outbound attempt or callback being dialled */
	CC_IX_QUEUED,  /* waiting for an agent */
	CC_IX_RINGING, /* offered to an agent (agent set) */
	CC_IX_TALKING, /* connected with an agent (or an outside party) */
	CC_IX_HELD,    /* connected, the customer on hold */
	CC_IX_WRAPUP,  /* the contact is over, the agent wraps up */
	CC_IX_ENDED,   /* final: the record is complete */
};
enum { CC_IX_STATES = CC_IX_ENDED + 1 };

/* "new", "ivr", "dialing", "queued", "ringing", "talking", "held",
 * "wrapup", "ended": the live view's names (the record's state column
 * says queued while ringing and talking while held). */
const char *cc_ix_state_name(enum cc_ix_state state);
int cc_ix_state_decode(enum cc_ix_state *statep, const char *name);

/* What happens to an interaction; each transition below is one of these
 * and is checked against the table in cc_ix.c. */
enum cc_ix_ev {
	CC_IX_EV_IVR,        /* enters a flow */
	CC_IX_EV_DIAL,       /* dialling the customer */
	CC_IX_EV_QUEUE,      /* enters a queue (or overflows to another) */
	CC_IX_EV_OFFER,      /* offered to an agent */
	CC_IX_EV_MISS,       /* an offer ended unanswered */
	CC_IX_EV_ANSWER,     /* an agent (or the dialled customer) answered */
	CC_IX_EV_HOLD,
	CC_IX_EV_RESUME,
	CC_IX_EV_TRANSFER,   /* to a queue or agent: waits again */
	CC_IX_EV_REQUEUE,    /* the agent's side dropped: waits again */
	CC_IX_EV_END,        /* the contact is over */
	CC_IX_EV_WRAPUP_END, /* the agent's wrap-up is over */
	CC_IX_EV_REOPEN,     /* start-up: an interrupted task waits again */
};
enum { CC_IX_EVS = CC_IX_EV_REOPEN + 1 };

const char *cc_ix_ev_name(enum cc_ix_ev ev);
/* The state ev leads to from state, or -1 when ev is illegal there. Pure:
 * the table itself (the tests walk it). */
int cc_ix_next(enum cc_ix_state state, enum cc_ix_ev ev);

/*
 * A live interaction. Read-only outside cc_ix.c (change it through the
 * functions below). Times are wall-clock ms (cc_wall_ms), 0 when not yet;
 * durations are ms, -1 when not known yet.
 */
struct cc_ix {
	int64_t id;
	enum cc_ix_state state;
	char channel[12];    /* voice chat email message callback outbound
			      * voicemail */
	char direction[12];  /* inbound outbound internal */
	char *from, *to;     /* customer's address, dialled number */
	char queue[64];      /* "" before any queue */
	uint32_t agent;      /* offered to or handling now; 0: none */
	uint32_t handled_by; /* the agent who answered last (agent_id) */
	int priority;
	char *attrs;         /* JSON object the desktop pops (IVR path,
			      * customer) or NULL; live only */
	int64_t created_at, entered_at, offered_at, answered_at, ended_at,
		wrapup_end_at;
	int64_t since;       /* the last state change */
	int64_t wrap_until;  /* when the wrap-up time runs out (WRAPUP) */
	int64_t hold_since;  /* HELD: since when */
	int64_t wait_ms, talk_ms, hold_ms, wrapup_ms;
	char outcome[24];    /* answered abandoned gave_up voicemail ... */
	char hung_up_by[12]; /* caller agent system */
	bool muted;          /* the agent's audio does not reach the
			      * customer (live only; false when the agent
			      * changes) */
};

/* --- Module ------------------------------------------------------------- */

/* Starts the registry on the main loop, writing to st (may be NULL:
 * nothing is recorded, for tests of the state machine alone). The
 * center calls it (cc_center_init) and cc_ix_close (cc_center_close). */
int cc_ix_init(struct store *st);
/* Frees every live interaction (their records stay as they are). */
void cc_ix_close(void);

/* --- Life --------------------------------------------------------------- */

/*
 * Creates a live interaction in CC_IX_NEW and records it (an INSERT and a
 * state published). channel and direction as in struct cc_ix (EINVAL
 * otherwise); from/to may be NULL. *idp: its id, usable at once (later
 * writes queue behind the INSERT).
 */
int cc_ix_alloc(int64_t *idp, const char *channel, const char *direction,
		const char *from, const char *to);
/* Start-up only (reads the store synchronously): makes interaction id,
 * ended as interrupted when the server stopped, live again in CC_IX_NEW
 * (outcome, hung-up-by and end cleared), ready for cc_task_add.
 * EALREADY: it is live; ENOENT: no such record. */
int cc_ix_reopen(int64_t id);
/* Borrowed pointer to a live interaction, NULL when none. */
const struct cc_ix *cc_ix_find(int64_t id);
/* The live interaction agent is on (ringing, talking, held, wrap-up). */
const struct cc_ix *cc_ix_of_agent(uint32_t agent);
typedef void(cc_ix_apply_h)(const struct cc_ix *ix, void *arg);
/* Calls h for every live interaction, oldest first. */
void cc_ix_apply(cc_ix_apply_h *h, void *arg);
/* How many live interactions are in state (an enum cc_ix_state; -1:
 * all). */
unsigned cc_ix_count(int state);

/*
 * Transitions. Each checks its event against the table (EPROTO, logged
 * with the interaction's id and states, when illegal; nothing changes),
 * applies it, records an event row and the interaction's row, asserts the
 * invariants (debug builds) and publishes. ENOENT: no live interaction id.
 * agent 0 / queue NULL / detail NULL: not applicable. detail is JSON.
 */
/* NEW -> IVR (voice: a flow answers). */
int cc_ix_ivr(int64_t id);
/* NEW -> DIALING: the customer's number is being dialled. */
int cc_ix_dial(int64_t id, uint32_t agent, const char *detail);
/* -> QUEUED in queue. type is the event recorded: "entered_queue" (the
 * first queue keeps entered_at as entered, 0: now), or "overflowed". */
int cc_ix_queue(int64_t id, const char *type, const char *queue,
		int priority, int64_t entered, const char *attrs);
/* QUEUED|RINGING -> RINGING: offered to agent. */
int cc_ix_offer(int64_t id, uint32_t agent);
/* An offer to agent ended: type "timeout", "cancelled" or "rejected".
 * RINGING -> QUEUED when agent was the one offered; otherwise (another
 * agent's offer, ring-all) only recorded. */
int cc_ix_miss(int64_t id, uint32_t agent, const char *type);
/* RINGING|DIALING|NEW -> TALKING with agent (0: a dialled customer
 * answered an attempt no agent is on yet). */
int cc_ix_answer(int64_t id, uint32_t agent);
/* TALKING <-> HELD; hold time is counted here. */
int cc_ix_hold(int64_t id);
int cc_ix_resume(int64_t id);
/* RINGING|TALKING|HELD -> QUEUED in queue (blind transfer by agent). */
int cc_ix_transfer(int64_t id, uint32_t agent, const char *queue);
/* RINGING|TALKING|HELD -> QUEUED: the agent's side dropped (reason). */
int cc_ix_requeue(int64_t id, const char *reason);
/*
 * The contact is over. With an agent on it (TALKING, HELD): -> WRAPUP,
 * outcome "answered" unless outcome says otherwise, talk and hold times,
 * wrap_until now + wrapup_ms (the center ends it: cc_ix_wrapup_end).
 * Without (NEW .. RINGING): -> ENDED with outcome (NULL: "ended"); from
 * QUEUED/RINGING the wait is recorded. In WRAPUP: the customer's side
 * ended after the agent's (an outside party): outcome, hung_up_by and
 * the end time are updated, the wrap-up goes on. hung_up_by: caller,
 * agent, system (NULL: system). Of an interaction no longer live: only
 * its record's outcome, hung_up_by, end time and state are set.
 */
int cc_ix_end(int64_t id, const char *outcome, const char *hung_up_by,
	      uint32_t wrapup_ms);
/* WRAPUP -> ENDED: the agent finished (disposition, timer, shutdown). */
int cc_ix_wrapup_end(int64_t id);

/* --- The record --------------------------------------------------------- */

/*
 * A channel's event on the interaction's log without a state change
 * (call_started, digit, announced, dropout, consult_ringing, ...): type,
 * agent 0 / queue NULL / detail (JSON) NULL when not applicable. Also for
 * interactions no longer live.
 */
int cc_ix_event(int64_t id, const char *type, uint32_t agent,
		const char *queue, const char *detail);
/* Columns of the record a channel fills (any state, live or not). */
int cc_ix_outcome_set(int64_t id, const char *outcome);
int cc_ix_call_id_set(int64_t id, const char *call_id);
int cc_ix_ivr_path_set(int64_t id, const char *json);
int cc_ix_survey_set(int64_t id, const char *json);
int cc_ix_recording_set(int64_t id, const char *path);
/* The record's attributes column (JSON object: tier, voicemail_for...). */
int cc_ix_attributes_set(int64_t id, const char *json);
/* The agent on the interaction muted or unmuted (live only, not
 * recorded; ENOENT when not live). */
int cc_ix_muted_set(int64_t id, bool muted);
/* Links the customer (main loop; queued). */
int cc_ix_customer_set(int64_t id, int64_t customer);

/*
 * Any thread. For the API's handlers and the CRM, which reply "saved"
 * only once durable: these wait for the store's writer (never call them
 * on the main loop). The _db variants run inside a caller's transaction
 * on the writer thread (store_txn), with its connection db.
 */
/* Links interaction id to customer, waiting until durable. */
int cc_ix_customer_save(struct store *st, int64_t id, int64_t customer);
/* Sets the customer of id when it has none yet (provisional customers). */
int cc_ix_db_customer_fill(sqlite3 *db, int64_t id, int64_t customer);
/* Moves every interaction of customer from to into (0: none; deleted). */
int cc_ix_db_customer_move(sqlite3 *db, int64_t from, int64_t into);
/* The wrap-up form: disposition, and the notes unless notes is NULL. */
int cc_ix_db_wrapup_save(sqlite3 *db, int64_t id, const char *disposition,
			 const char *notes);

/* --- Start-up ----------------------------------------------------------- */

/* Interactions that had not ended when the server last stopped (killed)
 * are ended as interrupted: each gets an 'interrupted' event, keeps what
 * it had (notes, outcome) and is marked ended now. Reads synchronously:
 * start-up only. *np: how many. */
int cc_ix_recover(unsigned *np);

/* --- Subscribers -------------------------------------------------------- */

/* A change: ix after the transition ev from state from (ev -1: the
 * interaction was created; after CC_IX_ENDED, ix is freed once the
 * handlers return). Main loop. */
struct cc_ix_change {
	const struct cc_ix *ix;
	int ev;                 /* enum cc_ix_ev, -1 at creation */
	enum cc_ix_state from;
	uint32_t agent;         /* the agent the event is about */
	const char *reason;     /* miss type, requeue reason, hung up by */
};
typedef void(cc_ix_change_h)(const struct cc_ix_change *ch, void *arg);
/* Handlers run in subscription order, after the change is recorded. */
int cc_ix_subscribe(cc_ix_change_h *h, void *arg);
void cc_ix_unsubscribe(cc_ix_change_h *h, void *arg);

#endif
