/*
 * Private to sig_call.c and sig_consult.c: a caller's call and the legs of
 * the agents it rings or talks to (sig_call.c owns them; sig_consult.c
 * runs an attended transfer on a bridged call through the hooks below).
 */
#ifndef SIG_SIG_CALL_INT_H
#define SIG_SIG_CALL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "dial/dial.h"

struct sig_consult;

enum call_state {
	CS_MENU,
	CS_QUEUED,
	CS_BRIDGED,
	CS_FEATURE,
	CS_DIALING,   /* callback: the agent is on, the customer rings;
		       * transfer out: the caller waits for the outside */
};

enum call_kind {
	CK_INBOUND,   /* a caller on the line */
	CK_VOICEMAIL, /* a message for an agent: no caller leg */
	CK_CALLBACK,  /* the customer is called once an agent answers */
};

enum { SIG_OFFERED_MAX = 64 };

struct call;

/* One device of an agent being rung, or the agent's bridged leg. */
struct aleg {
	struct le le;
	struct call *call;
	struct sipsess *sess;
	struct med_leg *leg;
	uint32_t agent;          /* 0: an outside party (transfer out) */
	bool up;
	bool held;
	bool consult;            /* a leg of an attended transfer's target */
	uint32_t play_id;        /* voicemail played to the agent */
	int stage;               /* 0 the intro, 1 the message */
	struct sig_stimer stimer; /* session timer of the phone's leg */
};

struct call {
	struct le le;
	struct sipsess *sess;
	struct med_leg *leg;
	enum call_state state;
	enum call_kind kind;
	uint64_t entered;        /* monotonic ms the caller first queued */
	uint64_t started;        /* monotonic ms the call came in */
	const char *outcome;     /* static: how a call ended in the flow */
	char recording[512];     /* voicemail: the WAV */
	uint32_t vm_ms;
	bool external;           /* the agent leg is an outside party */
	int64_t ix;              /* interaction id */
	struct sig_stimer stimer; /* session timer of the caller's leg */
	char from[64], to[64];
	/* whose word from is: trusted (a trusted trunk's PAI) or not; a
	 * callback task: where its number came from */
	enum dial_origin origin;
	bool answered;           /* our 200 went out */
	bool task;               /* the center has it */
	/* IVR */
	struct sig_ivr *ivr;
	bool hangup;             /* the flow hung up: gone at the sweep */
	bool survey;             /* in the post-call survey */
	/* queue */
	char queue[SIG_NAME_MAX];
	uint64_t next_announce;
	bool announcing;
	uint32_t play_id;
	/* agents */
	struct list ringing;     /* struct aleg */
	uint32_t offeredv[SIG_OFFERED_MAX]; /* agents being rung: one, or
				  * every available member (ring_all) */
	size_t offeredc;
	struct aleg *agent;      /* bridged */
	uint64_t bridged_at;
	struct med_leg_stats ast; /* agent legs' media, summed */
	struct sig_consult *consult; /* attended transfer under way */
};

/* --- sig_call.c, for sig_consult.c --------------------------------- */

/* The agents the call is offered to (the ACD's offers being rung). */
bool sig_call_offered(const struct call *c, uint32_t agent);
void sig_call_offered_add(struct call *c, uint32_t agent);
void sig_call_offered_del(struct call *c, uint32_t agent);

/* Rings every registered device of agent, appending a leg per device to
 * into (consult legs when consult). ENOENT: no device; EIO: none rang. */
int sig_call_ring(struct call *c, uint32_t agent, bool autoans,
		  struct list *into, bool consult);
/* Dials number through the outbound trunk as a consult leg of c,
 * appended to into (the agent's consult: the dial-out policy applies).
 * EACCES: denied (the interaction's timeline says why); ENOENT: no
 * trunk allows outbound calls. */
int sig_call_dial_consult(struct call *c, const char *number,
			  struct list *into);
/* Records an event on the call's interaction timeline. */
void sig_call_event(const struct call *c, const char *type, uint32_t agent,
		    const char *detail);
/* Music on hold to the caller. */
void sig_call_moh(struct call *c);

/* --- sig_consult.c ----------------------------------------------------- */

/* The API's commands (task_control): target an agent's extension, a
 * queue name, or "tel:NUMBER" (an outside number, through the trunk). EALREADY: not in a state for it; ENOENT: no such target;
 * EBUSY: the target agent is not available; ENODEV: no device to ring. */
int sig_consult_start(struct call *c, const char *target);
int sig_consult_complete(struct call *c);
int sig_consult_cancel(struct call *c);
/* Hooks from the agent legs' handlers (a->consult). */
void sig_consult_leg_answered(struct call *c, struct aleg *a);
void sig_consult_leg_closed(struct call *c, struct aleg *a,
			    const char *why);
/* The center offers the call to agent: true when that is the completion
 * of the consult (the target's leg is taken over, no ringing). */
bool sig_consult_offer(struct call *c, uint32_t agent);
/* The transferring agent's leg ended during the consult: true when that
 * completed the transfer (the target talking), false when the consult
 * was dropped and the caller's call goes on as without it. */
bool sig_consult_agent_left(struct call *c);

#endif
