/*
 * cc_ix.c: the interaction's state machine (see cc_ix.h), its registry of
 * live interactions and its subscribers. Main loop only.
 *
 *   NEW --ivr--> IVR --queue--> QUEUED --offer--> RINGING --answer--> TALKING
 *    |                           ^  ^  ^              |                 | ^
 *    +--dial--> DIALING --queue--+  |  +----miss------+            hold | |
 *    |             |                |                                   v |
 *    |             +--answer--> TALKING          transfer, requeue    HELD
 *    +--answer--> TALKING           +------- (RINGING, TALKING, HELD)   resume
 *
 *   TALKING, HELD --end--> WRAPUP --wrapup_end--> ENDED
 *   NEW, IVR, DIALING, QUEUED, RINGING --end--> ENDED
 *   ENDED --reopen (start-up: an interrupted task waits again)--> NEW
 *
 * The table (event x state -> next state, '-' illegal; states shortened
 * to new ivr dial(ing) queu(ed) ring(ing) talk(ing) held wrap(up) end(ed)):
 *
 *   event \ state new  ivr  dial queu ring talk held wrap end
 *   ivr           ivr  -    -    -    -    -    -    -    -
 *   dial          dial -    -    -    -    -    -    -    -
 *   queue         queu queu queu queu queu -    -    -    -
 *   offer         -    -    -    ring ring -    -    -    -
 *   miss          -    -    -    queu queu*talk held -    -
 *   answer        talk -    talk -    talk -    -    -    -
 *   hold          -    -    -    -    -    held -    -    -
 *   resume        -    -    -    -    -    -    talk -    -
 *   transfer      -    -    -    queu queu queu queu -    -
 *   requeue       -    -    -    -    queu queu queu -    -
 *   end           end  end  end  end  end  wrap*wrap*wrap -
 *   wrapup_end    -    -    -    -    -    -    -    end  -
 *   reopen        -    -    -    -    -    -    -    -    new
 *
 *   * miss in ringing stays ringing when the missed offer was another
 *     agent's (ring-all); end from talking/held goes straight to ended
 *     when no agent is on the interaction (an outbound attempt).
 *
 * Invariants (asserted after every transition in debug builds): ringing
 * has an agent; queued has a queue, an entry time and no agent; talking
 * and held were answered; held has a hold start and nothing else has;
 * wrapup and ended have an end time; new and ivr have no agent.
 *
 * Recording: each transition appends its event row and rewrites the
 * columns the machine owns (cc_ix_db.c: ixdb_row) from the struct, so
 * the row always says what memory says (its state column says queued
 * while ringing and talking while held, as it always has); both are queued on the store's
 * writer in order. A change is published after it is recorded; an ended
 * interaction is freed after its subscribers ran.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/cc_ix_db.h"
#include "store/store.h"

struct ix {
	struct cc_ix pub;   /* first: the public view */
	uint32_t mute_agent; /* the agent pub.muted is about */
	struct le le;       /* ixs.list, creation order */
	struct le he;       /* ixs.hash */
};

struct sub {
	struct le le;
	cc_ix_change_h *h;
	void *arg;
};

static struct {
	struct store *st;
	struct hash *hash;
	struct list list;
	struct list subs;
} ixs;

enum { X = -1 };
#define N CC_IX_NEW
#define I CC_IX_IVR
#define D CC_IX_DIALING
#define Q CC_IX_QUEUED
#define R CC_IX_RINGING
#define T CC_IX_TALKING
#define H CC_IX_HELD
#define W CC_IX_WRAPUP
#define E CC_IX_ENDED

static const signed char nextv[CC_IX_EVS][CC_IX_STATES] = {
	/* columns: new ivr dialing queued ringing talking held wrapup ended */
	[CC_IX_EV_IVR]        = {I, X, X, X, X, X, X, X, X},
	[CC_IX_EV_DIAL]       = {D, X, X, X, X, X, X, X, X},
	[CC_IX_EV_QUEUE]      = {Q, Q, Q, Q, Q, X, X, X, X},
	[CC_IX_EV_OFFER]      = {X, X, X, R, R, X, X, X, X},
	[CC_IX_EV_MISS]       = {X, X, X, Q, Q, T, H, X, X},
	[CC_IX_EV_ANSWER]     = {T, X, T, X, T, X, X, X, X},
	[CC_IX_EV_HOLD]       = {X, X, X, X, X, H, X, X, X},
	[CC_IX_EV_RESUME]     = {X, X, X, X, X, X, T, X, X},
	[CC_IX_EV_TRANSFER]   = {X, X, X, Q, Q, Q, Q, X, X},
	[CC_IX_EV_REQUEUE]    = {X, X, X, X, Q, Q, Q, X, X},
	[CC_IX_EV_END]        = {E, E, E, E, E, W, W, W, X},
	[CC_IX_EV_WRAPUP_END] = {X, X, X, X, X, X, X, E, X},
	[CC_IX_EV_REOPEN]     = {X, X, X, X, X, X, X, X, N},
};

#undef N
#undef I
#undef D
#undef Q
#undef R
#undef T
#undef H
#undef W
#undef E

static const char *statev[CC_IX_STATES] = {
	"new", "ivr", "dialing", "queued", "ringing", "talking", "held",
	"wrapup", "ended",
};

static const char *evv[CC_IX_EVS] = {
	"ivr", "dial", "queue", "offer", "miss", "answer", "hold", "resume",
	"transfer", "requeue", "end", "wrapup_end", "reopen",
};

const char *cc_ix_state_name(enum cc_ix_state state)
{
	return (unsigned)state < CC_IX_STATES ? statev[state] : "?";
}

int cc_ix_state_decode(enum cc_ix_state *statep, const char *name)
{
	for (int s = 0; name && s < CC_IX_STATES; s++) {
		if (!strcmp(statev[s], name)) {
			*statep = (enum cc_ix_state)s;
			return 0;
		}
	}
	return EINVAL;
}

const char *cc_ix_ev_name(enum cc_ix_ev ev)
{
	return (unsigned)ev < CC_IX_EVS ? evv[ev] : "?";
}

int cc_ix_next(enum cc_ix_state state, enum cc_ix_ev ev)
{
	if ((unsigned)state >= CC_IX_STATES || (unsigned)ev >= CC_IX_EVS)
		return X;
	return nextv[ev][state];
}

/* --- Registry ------------------------------------------------------------- */

static bool id_cmp(struct le *le, void *arg)
{
	const struct ix *x = le->data;

	return x->pub.id == *(int64_t *)arg;
}

static uint32_t id_hash(int64_t id)
{
	return hash_fast((const char *)&id, sizeof(id));
}

static struct ix *ix_get(int64_t id)
{
	struct le *le;

	if (!ixs.hash)
		return NULL;
	le = hash_lookup(ixs.hash, id_hash(id), id_cmp, &id);
	return le ? le->data : NULL;
}

static void ix_destructor(void *arg)
{
	struct ix *x = arg;

	list_unlink(&x->le);
	hash_unlink(&x->he);
	mem_deref(x->pub.from);
	mem_deref(x->pub.to);
	mem_deref(x->pub.attrs);
}

const struct cc_ix *cc_ix_find(int64_t id)
{
	struct ix *x = ix_get(id);

	return x ? &x->pub : NULL;
}

const struct cc_ix *cc_ix_of_agent(uint32_t agent)
{
	for (struct le *le = ixs.list.head; agent && le; le = le->next) {
		const struct ix *x = le->data;

		if (x->pub.agent == agent && x->pub.state >= CC_IX_RINGING &&
		    x->pub.state <= CC_IX_WRAPUP)
			return &x->pub;
	}
	return NULL;
}

void cc_ix_apply(cc_ix_apply_h *h, void *arg)
{
	struct le *le = ixs.list.head;

	while (h && le) {
		const struct ix *x = le->data;

		le = le->next;
		h(&x->pub, arg);
	}
}

unsigned cc_ix_count(int state)
{
	unsigned n = 0;

	for (struct le *le = ixs.list.head; le; le = le->next) {
		const struct ix *x = le->data;

		if (state < 0 || (int)x->pub.state == state)
			n++;
	}
	return n;
}

/* --- Subscribers ---------------------------------------------------------- */

int cc_ix_subscribe(cc_ix_change_h *h, void *arg)
{
	struct sub *s;

	if (!h)
		return EINVAL;
	s = mem_zalloc(sizeof(*s), NULL);
	if (!s)
		return ENOMEM;
	s->h = h;
	s->arg = arg;
	list_append(&ixs.subs, &s->le, s);
	return 0;
}

void cc_ix_unsubscribe(cc_ix_change_h *h, void *arg)
{
	for (struct le *le = ixs.subs.head; le; le = le->next) {
		struct sub *s = le->data;

		if (s->h == h && s->arg == arg) {
			list_unlink(&s->le);
			mem_deref(s);
			return;
		}
	}
}

/* Publishes a change, then frees an ended interaction (its handlers may
 * not keep the pointer). */
static void publish(struct ix *x, int ev, enum cc_ix_state from,
		    uint32_t agent, const char *reason)
{
	struct cc_ix_change ch = {&x->pub, ev, from, agent, reason};
	struct le *le = ixs.subs.head;

	mem_ref(x);
	while (le) {
		struct sub *s = le->data;

		le = le->next; /* a handler may unsubscribe itself */
		s->h(&ch, s->arg);
	}
	if (x->pub.state == CC_IX_ENDED) {
		list_unlink(&x->le);
		hash_unlink(&x->he);
		mem_deref(x); /* the registry's reference */
	}
	mem_deref(x);
}

/* --- Transitions ---------------------------------------------------------- */

static void invariants(const struct cc_ix *ix)
{
	(void)ix;
	assert(ix->state != CC_IX_RINGING || ix->agent);
	assert(ix->state != CC_IX_QUEUED ||
	       (ix->queue[0] && !ix->agent && ix->entered_at));
	assert((ix->state != CC_IX_TALKING && ix->state != CC_IX_HELD) ||
	       ix->answered_at);
	assert((ix->state == CC_IX_HELD) == (ix->hold_since != 0));
	assert((ix->state != CC_IX_WRAPUP && ix->state != CC_IX_ENDED) ||
	       ix->ended_at);
	assert((ix->state != CC_IX_NEW && ix->state != CC_IX_IVR) ||
	       !ix->agent);
	assert(ix->hold_ms >= -1 && ix->wait_ms >= -1);
}

/* Finds id and checks ev is legal in its state: *xp and the next state
 * (>= 0), or a negative errno (logged). */
static int begin(struct ix **xp, int64_t id, enum cc_ix_ev ev)
{
	struct ix *x = ix_get(id);
	int next;

	if (!x) {
		cc_warn("ix", "interaction %lld: %s: not live", (long long)id,
			cc_ix_ev_name(ev));
		return -ENOENT;
	}
	next = cc_ix_next(x->pub.state, ev);
	if (next < 0) {
		cc_error("ix", "interaction %lld: illegal transition: %s in"
			 " state %s", (long long)id, cc_ix_ev_name(ev),
			 cc_ix_state_name(x->pub.state));
		return -EPROTO;
	}
	*xp = x;
	return next;
}

/* Applies the state, records the event (type NULL: none) and the row,
 * checks the invariants and publishes. */
static void commit(struct ix *x, enum cc_ix_ev ev, int next,
		   const char *type, uint32_t agent, const char *detail,
		   const char *reason)
{
	struct cc_ix *ix = &x->pub;
	enum cc_ix_state from = ix->state;
	int64_t now = cc_wall_ms();

	if ((int)from != next) {
		ix->state = (enum cc_ix_state)next;
		ix->since = now;
	}
	if (ix->agent != x->mute_agent) /* muting is the agent's leg's */
		ix->muted = false;
	if (type)
		(void)ixdb_event(ixs.st, ix->id, now, type, agent,
				 ix->queue[0] ? ix->queue : NULL, detail);
	(void)ixdb_row(ixs.st, ix);
	invariants(ix);
	cc_debug("ix", "interaction %lld: %s: %s -> %s", (long long)ix->id,
		 cc_ix_ev_name(ev), cc_ix_state_name(from),
		 cc_ix_state_name(ix->state));
	publish(x, (int)ev, from, agent, reason);
}

static int ret(int next)
{
	return next < 0 ? -next : 0;
}

static bool channel_ok(const char *s)
{
	static const char *v[] = {"voice", "chat", "email", "message",
				  "callback", "outbound", "voicemail"};

	for (size_t i = 0; s && i < ARRAY_SIZE(v); i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

static bool direction_ok(const char *s)
{
	return s && (!strcmp(s, "inbound") || !strcmp(s, "outbound") ||
		     !strcmp(s, "internal"));
}

static int ix_new(struct ix **xp, int64_t id, const char *channel,
		  const char *direction, const char *from, const char *to)
{
	struct ix *x = mem_zalloc(sizeof(*x), ix_destructor);

	if (!x)
		return ENOMEM;
	x->pub.id = id;
	x->pub.state = CC_IX_NEW;
	str_ncpy(x->pub.channel, channel, sizeof(x->pub.channel));
	str_ncpy(x->pub.direction, direction, sizeof(x->pub.direction));
	if ((from && str_dup(&x->pub.from, from)) ||
	    (to && str_dup(&x->pub.to, to))) {
		mem_deref(x);
		return ENOMEM;
	}
	x->pub.created_at = x->pub.since = cc_wall_ms();
	x->pub.wait_ms = x->pub.talk_ms = x->pub.hold_ms = -1;
	x->pub.wrapup_ms = -1;
	list_append(&ixs.list, &x->le, x);
	hash_append(ixs.hash, id_hash(id), &x->he, x);
	*xp = x;
	return 0;
}

int cc_ix_alloc(int64_t *idp, const char *channel, const char *direction,
		const char *from, const char *to)
{
	struct ix *x;
	int64_t id;
	int err;

	if (!idp || !channel_ok(channel) || !direction_ok(direction))
		return EINVAL;
	if (!ixs.hash)
		return ENOENT; /* not initialised */
	if (ixs.st)
		id = store_id_alloc(ixs.st);
	else {
		static int64_t next_id;

		id = ++next_id;
	}
	if (id <= 0)
		return EIO;
	err = ix_new(&x, id, channel, direction, from, to);
	if (err)
		return err;
	err = ixdb_insert(ixs.st, &x->pub);
	if (err) {
		cc_error("ix", "interaction %lld: cannot record it: %s",
			 (long long)id, strerror(err));
		mem_deref(x);
		return err;
	}
	*idp = id;
	publish(x, -1, CC_IX_NEW, 0, NULL);
	return 0;
}

struct reopen {
	int64_t id;
	int err;
};

static int reopen_h(const struct ixdb_open *r, void *arg)
{
	struct reopen *ro = arg;
	struct ix *x;
	int err;

	err = ix_new(&x, r->id, r->channel, r->direction ? r->direction :
			 "inbound", r->from, r->to);
	if (err)
		return err;
	x->pub.state = CC_IX_ENDED; /* recovery ended it at start-up */
	x->pub.created_at = r->created_at;
	x->pub.entered_at = r->entered_at;
	x->pub.offered_at = r->offered_at;
	x->pub.priority = (int)r->priority;
	x->pub.handled_by = (uint32_t)r->agent_id;
	str_ncpy(x->pub.queue, r->queue ? r->queue : "",
		 sizeof(x->pub.queue));
	ro->id = r->id;
	return 0;
}

int cc_ix_reopen(int64_t id)
{
	struct reopen ro = {0, 0};
	struct ix *x;
	int next, err;

	if (ix_get(id))
		return EALREADY;
	err = ixdb_load(ixs.st, id, reopen_h, &ro);
	if (err)
		return err;
	next = begin(&x, id, CC_IX_EV_REOPEN);
	if (next < 0)
		return -next;
	x->pub.ended_at = 0;
	x->pub.outcome[0] = '\0';
	x->pub.hung_up_by[0] = '\0';
	commit(x, CC_IX_EV_REOPEN, next, "requeued_after_restart", 0, NULL,
	       NULL);
	return 0;
}

int cc_ix_ivr(int64_t id)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_IVR);

	if (next >= 0)
		commit(x, CC_IX_EV_IVR, next, NULL, 0, NULL, NULL);
	return ret(next);
}

int cc_ix_dial(int64_t id, uint32_t agent, const char *detail)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_DIAL);

	if (next >= 0)
		commit(x, CC_IX_EV_DIAL, next, "dialing", agent, detail,
		       NULL);
	return ret(next);
}

int cc_ix_queue(int64_t id, const char *type, const char *queue,
		int priority, int64_t entered, const char *attrs)
{
	struct ix *x;
	int next;

	if (!queue || !*queue || !type)
		return EINVAL;
	next = begin(&x, id, CC_IX_EV_QUEUE);
	if (next < 0)
		return -next;
	if (attrs && !x->pub.attrs && str_dup(&x->pub.attrs, attrs))
		return ENOMEM;
	str_ncpy(x->pub.queue, queue, sizeof(x->pub.queue));
	x->pub.priority = priority;
	if (!x->pub.entered_at)
		x->pub.entered_at = entered ? entered : cc_wall_ms();
	x->pub.agent = 0;
	commit(x, CC_IX_EV_QUEUE, next, type, 0, NULL, NULL);
	return 0;
}

int cc_ix_offer(int64_t id, uint32_t agent)
{
	struct ix *x;
	int next;

	if (!agent)
		return EINVAL;
	next = begin(&x, id, CC_IX_EV_OFFER);
	if (next < 0)
		return -next;
	x->pub.agent = agent;
	x->pub.offered_at = cc_wall_ms();
	commit(x, CC_IX_EV_OFFER, next, "offered", agent, NULL, NULL);
	return 0;
}

int cc_ix_miss(int64_t id, uint32_t agent, const char *type)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_MISS);

	if (next < 0)
		return -next;
	if (x->pub.state == CC_IX_RINGING) {
		if (x->pub.agent == agent)
			x->pub.agent = 0;
		else
			next = CC_IX_RINGING; /* another agent's offer */
	}
	commit(x, CC_IX_EV_MISS, next, type ? type : "missed", agent, NULL,
	       type);
	return 0;
}

static int64_t since_entered(const struct cc_ix *ix, int64_t now)
{
	return ix->entered_at ? now - ix->entered_at : 0;
}

int cc_ix_answer(int64_t id, uint32_t agent)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_ANSWER);
	int64_t now = cc_wall_ms();

	if (next < 0)
		return -next;
	x->pub.agent = agent;
	if (agent)
		x->pub.handled_by = agent;
	x->pub.answered_at = now;
	x->pub.wait_ms = since_entered(&x->pub, now);
	commit(x, CC_IX_EV_ANSWER, next, "answered", agent, NULL, NULL);
	return 0;
}

/* Adds the running hold period to the hold time. */
static void hold_close(struct cc_ix *ix, int64_t now)
{
	if (!ix->hold_since)
		return;
	ix->hold_ms = (ix->hold_ms < 0 ? 0 : ix->hold_ms) +
		      (now - ix->hold_since);
	ix->hold_since = 0;
}

int cc_ix_hold(int64_t id)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_HOLD);

	if (next < 0)
		return -next;
	x->pub.hold_since = cc_wall_ms();
	commit(x, CC_IX_EV_HOLD, next, "held", x->pub.agent, NULL, NULL);
	return 0;
}

int cc_ix_resume(int64_t id)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_RESUME);

	if (next < 0)
		return -next;
	hold_close(&x->pub, cc_wall_ms());
	commit(x, CC_IX_EV_RESUME, next, "resumed", x->pub.agent, NULL,
	       NULL);
	return 0;
}

int cc_ix_transfer(int64_t id, uint32_t agent, const char *queue)
{
	struct ix *x;
	int next;

	if (!queue || !*queue)
		return EINVAL;
	next = begin(&x, id, CC_IX_EV_TRANSFER);
	if (next < 0)
		return -next;
	hold_close(&x->pub, cc_wall_ms());
	/* the event names the queue the interaction goes to */
	str_ncpy(x->pub.queue, queue, sizeof(x->pub.queue));
	x->pub.agent = 0;
	if (!x->pub.entered_at)
		x->pub.entered_at = cc_wall_ms();
	commit(x, CC_IX_EV_TRANSFER, next, "transferred", agent, NULL, NULL);
	return 0;
}

int cc_ix_requeue(int64_t id, const char *reason)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_REQUEUE);
	uint32_t agent;

	if (next < 0)
		return -next;
	agent = x->pub.agent;
	hold_close(&x->pub, cc_wall_ms());
	x->pub.agent = 0;
	if (!x->pub.entered_at)
		x->pub.entered_at = cc_wall_ms();
	commit(x, CC_IX_EV_REQUEUE, next, "requeued", agent, NULL, reason);
	return 0;
}

int cc_ix_end(int64_t id, const char *outcome, const char *hung_up_by,
	      uint32_t wrapup_ms)
{
	struct ix *x = ix_get(id);
	int64_t now = cc_wall_ms();
	struct cc_ix *ix;
	enum cc_ix_state from;
	int next;

	if (!hung_up_by)
		hung_up_by = "system";
	if (!x) /* the agent's part ended first (an outside party) */
		return id > 0 ? ixdb_end(ixs.st, id, outcome ? outcome :
					 "ended", hung_up_by, now) : EINVAL;
	next = begin(&x, id, CC_IX_EV_END);
	if (next < 0)
		return -next;
	ix = &x->pub;
	from = ix->state;
	hold_close(ix, now);
	ix->ended_at = now;
	str_ncpy(ix->hung_up_by, hung_up_by, sizeof(ix->hung_up_by));
	if (from == CC_IX_TALKING || from == CC_IX_HELD) {
		str_ncpy(ix->outcome, outcome ? outcome : "answered",
			 sizeof(ix->outcome));
		if (ix->hold_ms < 0)
			ix->hold_ms = 0;
		ix->talk_ms = now - ix->answered_at - ix->hold_ms;
		if (!ix->agent)
			next = CC_IX_ENDED;
		else
			ix->wrap_until = now + wrapup_ms;
	}
	else if (from != CC_IX_WRAPUP) {
		str_ncpy(ix->outcome, outcome ? outcome : "ended",
			 sizeof(ix->outcome));
		if (from == CC_IX_QUEUED || from == CC_IX_RINGING)
			ix->wait_ms = since_entered(ix, now);
		ix->agent = 0;
	}
	else if (outcome) {
		str_ncpy(ix->outcome, outcome, sizeof(ix->outcome));
	}
	/* The event row: "ended" when an agent was on it; the channel or
	 * the center records why the others ended (abandoned, gave_up). */
	commit(x, CC_IX_EV_END, next, from == CC_IX_TALKING ||
	       from == CC_IX_HELD ? "ended" : NULL, ix->agent, NULL,
	       hung_up_by);
	return 0;
}

int cc_ix_wrapup_end(int64_t id)
{
	struct ix *x;
	int next = begin(&x, id, CC_IX_EV_WRAPUP_END);
	int64_t now = cc_wall_ms();

	if (next < 0)
		return -next;
	x->pub.wrapup_end_at = now;
	x->pub.wrapup_ms = now - x->pub.ended_at;
	commit(x, CC_IX_EV_WRAPUP_END, next, "wrapup_ended", x->pub.agent,
	       NULL, NULL);
	return 0;
}

/* --- The record ----------------------------------------------------------- */

int cc_ix_event(int64_t id, const char *type, uint32_t agent,
		const char *queue, const char *detail)
{
	if (id <= 0 || !type || !*type)
		return EINVAL;
	return ixdb_event(ixs.st, id, cc_wall_ms(), type, agent, queue,
			  detail);
}

static int text_set(int64_t id, enum ixdb_col col, const char *value)
{
	return id > 0 ? ixdb_text(ixs.st, id, col, value) : EINVAL;
}

int cc_ix_outcome_set(int64_t id, const char *outcome)
{
	struct ix *x = ix_get(id);

	if (x)
		str_ncpy(x->pub.outcome, outcome ? outcome : "",
			 sizeof(x->pub.outcome));
	return text_set(id, IXDB_OUTCOME, outcome);
}

int cc_ix_call_id_set(int64_t id, const char *call_id)
{
	return text_set(id, IXDB_CALL_ID, call_id);
}

int cc_ix_ivr_path_set(int64_t id, const char *json)
{
	return text_set(id, IXDB_IVR_PATH, json);
}

int cc_ix_survey_set(int64_t id, const char *json)
{
	return text_set(id, IXDB_SURVEY, json);
}

int cc_ix_recording_set(int64_t id, const char *path)
{
	return text_set(id, IXDB_RECORDING, path);
}

int cc_ix_attributes_set(int64_t id, const char *json)
{
	return text_set(id, IXDB_ATTRIBUTES, json);
}

int cc_ix_muted_set(int64_t id, bool muted)
{
	struct ix *x = ix_get(id);

	if (!x)
		return ENOENT;
	x->pub.muted = muted;
	x->mute_agent = x->pub.agent;
	return 0;
}

int cc_ix_customer_set(int64_t id, int64_t customer)
{
	return id > 0 ? ixdb_customer(ixs.st, id, customer) : EINVAL;
}

/* --- Start-up ------------------------------------------------------------- */

static int recover_h(const struct ixdb_open *r, void *arg)
{
	int64_t now = cc_wall_ms();

	/* Every state may end (wrap-up included), whatever its name. */
	cc_warn("ix", "interaction %lld (%s, %s) was live when the server"
		" stopped: marked interrupted", (long long)r->id, r->channel,
		r->state);
	++*(unsigned *)arg;
	(void)ixdb_event(ixs.st, r->id, now, "interrupted",
			 (uint32_t)r->agent_id, r->queue, NULL);
	return ixdb_interrupt(ixs.st, r->id, now);
}

int cc_ix_recover(unsigned *np)
{
	unsigned n = 0;
	int err;

	if (!ixs.st)
		return EINVAL;
	err = ixdb_open_load(ixs.st, recover_h, &n);
	if (np)
		*np = n;
	return err;
}

/* --- Module --------------------------------------------------------------- */

int cc_ix_init(struct store *st)
{
	if (ixs.hash)
		return EALREADY;
	memset(&ixs, 0, sizeof(ixs));
	ixs.st = st;
	return hash_alloc(&ixs.hash, 256);
}

void cc_ix_close(void)
{
	struct le *le = ixs.list.head;

	while (le) {
		struct ix *x = le->data;

		le = le->next;
		list_unlink(&x->le);
		hash_unlink(&x->he);
		mem_deref(x);
	}
	list_flush(&ixs.subs);
	ixs.hash = mem_deref(ixs.hash);
	memset(&ixs, 0, sizeof(ixs));
}
