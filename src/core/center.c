/*
 * center.c: the live center (see center.h). Main loop only.
 *
 * Decisions of the ACD are not acted on inside the engine's callback: they
 * are queued and run after the engine call returns (decisions_run), so a
 * channel's offer() may fail at once and call cc_task_reject() without
 * re-entering the engine. After each batch, every agent's engine state is
 * compared with the last one recorded (agents_sync): a change closes the
 * previous period in agent_state_history and is published.
 *
 * One timer drives the engine: it fires at the engine's next deadline or
 * at the next whole second (CC_EV_TICK), whichever is first, and writes
 * a queue's 15-minute interval counts when the interval is over.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/center.h"
#include "store/store.h"

enum { SKILLS_MAX = 64, DECISIONS_MAX = 256 };

struct cqueue {
	uint32_t id;
	char *name;
	uint32_t announce_ms;
	uint32_t ring_ms;
	uint32_t wrapup_ms;
	uint64_t interval_start; /* wall ms of the interval being counted */
	struct acd_queue_cfg cfg;
	char *overflow;          /* overflow queue's name, NULL none */
	char *escalations;       /* JSON text as stored */
	bool removed;            /* deleted: its name stays for the tasks
				  * it still has in hand */
};

struct cagent {
	struct cc_agent_info info;
	unsigned devices;
	enum acd_agent_state state; /* last recorded */
	char reason[ACD_REASON_MAX];
	int64_t since;              /* wall ms */
	uint64_t wrap_task;         /* interaction in wrap-up, 0 none */
	uint32_t queuev[64];        /* queues it is a member of */
	size_t queuec;
	bool dirty;                 /* engine state may have changed */
	bool removed;               /* deleted or disabled: unknown to the
				     * registrar, finishes a call in hand */
};

struct task {
	struct le he;
	uint64_t id;
	const struct cc_task_ops *ops;
	void *owner;
	uint32_t queue;
	uint32_t agent;     /* offered or handling */
	bool answered;
	char *from, *to, *attrs;
	uint64_t entered;   /* wall ms (the engine's clock) */
};

struct sub {
	struct le le;
	cc_event_h *h;
	void *arg;
};

static struct {
	struct acd *acd;
	struct cqueue **qv;         /* by id order of arrival; never shrinks */
	size_t qc, qcap;
	struct cagent **av;
	size_t ac, acap;
	char *skillv[SKILLS_MAX];
	size_t skillc;
	struct hash *tasks;
	struct list subs;
	struct tmr tmr;
	bool auto_login;
	struct acd_decision decv[DECISIONS_MAX];
	size_t dec_head, dec_tail;
	bool running;
	uint64_t next_second;
	struct cagent **dirtyv;     /* agents to sync after this batch */
	size_t dirtyc, dirtycap;
	bool acd_loaded;            /* start-up load done */
} cen;

static void timer_arm(void);

/* The engine runs on wall-clock time so that its 15-minute intervals and
 * days are the calendar's (interval_stats rows, reports). */
static uint64_t now_ms(void)
{
	return (uint64_t)cc_wall_ms();
}

/* --- Lookups ------------------------------------------------------------ */

/* A queue or agent by id, removed ones included (their tasks in hand
 * still name them). */
static struct cqueue *queue_get(uint32_t id)
{
	for (size_t i = 0; i < cen.qc; i++)
		if (cen.qv[i]->id == id)
			return cen.qv[i];
	return NULL;
}

static struct cqueue *queue_by_name(const char *name)
{
	for (size_t i = 0; name && i < cen.qc; i++)
		if (!cen.qv[i]->removed && !strcmp(cen.qv[i]->name, name))
			return cen.qv[i];
	return NULL;
}

static struct cagent *agent_get(uint32_t id)
{
	for (size_t i = 0; i < cen.ac; i++)
		if (cen.av[i]->info.id == id)
			return cen.av[i];
	return NULL;
}

static bool task_cmp(struct le *le, void *arg)
{
	const struct task *t = le->data;

	return t->id == *(uint64_t *)arg;
}

static struct task *task_get(uint64_t id)
{
	struct le *le = hash_lookup(cen.tasks, (uint32_t)hash_fast((char *)&id, sizeof(id)),
				    task_cmp, &id);

	return le ? le->data : NULL;
}

static const char *qname(uint32_t id)
{
	const struct cqueue *q = queue_get(id);

	return q ? q->name : NULL;
}

static uint16_t skill_num(const char *name)
{
	if (!name || !*name)
		return 0;
	for (size_t i = 0; i < cen.skillc; i++)
		if (!strcmp(cen.skillv[i], name))
			return (uint16_t)(i + 1);
	if (cen.skillc == SKILLS_MAX)
		return 0;
	if (str_dup(&cen.skillv[cen.skillc], name))
		return 0;
	return (uint16_t)(++cen.skillc);
}

/* --- Events ------------------------------------------------------------- */

const char *cc_event_name(enum cc_event_type type)
{
	static const char *namev[] = {
		"agent.state", "task.queued", "task.offered",
		"task.answered", "task.missed", "task.abandoned",
		"task.held", "task.resumed", "task.transferred",
		"task.requeued", "task.ended", "wrapup.started",
		"wrapup.ended", "tick", "task.consult",
	};

	return (size_t)type < ARRAY_SIZE(namev) ? namev[type] : "?";
}

int cc_event_subscribe(cc_event_h *h, void *arg)
{
	struct sub *s;

	if (!h)
		return EINVAL;
	s = mem_zalloc(sizeof(*s), NULL);
	if (!s)
		return ENOMEM;
	s->h = h;
	s->arg = arg;
	list_append(&cen.subs, &s->le, s);
	return 0;
}

void cc_event_unsubscribe(cc_event_h *h, void *arg)
{
	for (struct le *le = cen.subs.head; le; le = le->next) {
		struct sub *s = le->data;

		if (s->h == h && s->arg == arg) {
			list_unlink(&s->le);
			mem_deref(s);
			return;
		}
	}
}

static void publish(const struct cc_event *ev)
{
	struct le *le = cen.subs.head;

	while (le) {
		struct sub *s = le->data;

		le = le->next; /* a subscriber may unsubscribe itself */
		s->h(ev, s->arg);
	}
}

static void publish_task(enum cc_event_type type, const struct task *t,
			 const char *reason, uint64_t wait_ms)
{
	struct cc_event ev = {
		.type = type, .task = t->id, .agent = t->agent,
		.queue = qname(t->queue), .reason = reason,
		.from = t->from, .to = t->to, .attrs = t->attrs,
		.wait_ms = wait_ms,
	};

	publish(&ev);
}

/* --- Records ------------------------------------------------------------ */

static void agent_record(struct cagent *a, enum acd_agent_state state,
			 const char *reason, int64_t now)
{
	struct store *st = store_main();
	struct cc_event ev = {.type = CC_EV_AGENT_STATE};

	cc_info("center", "agent %s %s%s%s (was %s)", a->info.extension,
		acd_state_name(state), reason && *reason ? ": " : "",
		reason ? reason : "", acd_state_name(a->state));
	if (st && a->since)
		(void)store_agent_state_add(st, a->info.id,
					    acd_state_name(a->state),
					    a->reason[0] ? a->reason : NULL,
					    a->since, now, NULL, NULL);
	a->state = state;
	str_ncpy(a->reason, reason ? reason : "", sizeof(a->reason));
	a->since = now;
	ev.agent = a->info.id;
	ev.state = acd_state_name(state);
	ev.reason = a->reason[0] ? a->reason : NULL;
	publish(&ev);
}

/* Marks an agent whose engine state an engine call may have changed. */
static void dirty(uint32_t id)
{
	struct cagent *a = id ? agent_get(id) : NULL;

	if (!a || a->dirty)
		return;
	a->dirty = true;
	cen.dirtyv[cen.dirtyc++] = a;
}

/* Records and publishes the marked agents whose engine state changed. */
static void agents_sync(void)
{
	uint64_t now = now_ms();
	int64_t wall = cc_wall_ms();

	for (size_t i = 0; i < cen.dirtyc; i++) {
		struct cagent *a = cen.dirtyv[i];
		struct acd_agent_live live;

		a->dirty = false;
		if (acd_agent_live(cen.acd, a->info.id, now, &live)) {
			/* Removed from the engine (deleted, its last call
			 * over): logged out for good. */
			if (a->removed && a->state != ACD_LOGGED_OUT)
				agent_record(a, ACD_LOGGED_OUT, NULL, wall);
			continue;
		}
		if (live.state == a->state && !strcmp(live.reason, a->reason))
			continue;
		agent_record(a, live.state, live.reason, wall);
	}
	cen.dirtyc = 0;
}

static void interval_write(struct cqueue *q, uint64_t start)
{
	struct acd_counts c;
	struct store_interval iv = {0};

	if (acd_queue_interval(cen.acd, q->id, start, &c) || !store_main())
		return;
	iv.queue = q->name;
	iv.interval_start = (int64_t)start;
	iv.offered = c.offered;
	iv.answered = c.answered;
	iv.abandoned = c.abandoned;
	iv.short_abandoned = c.short_abandoned;
	iv.answered_in_sl = c.answered_in_sl;
	iv.wait_ms_sum = (int64_t)c.wait_ms_sum;
	iv.handle_ms_sum = (int64_t)(c.talk_ms_sum + c.hold_ms_sum +
				     c.wrapup_ms_sum);
	iv.talk_ms_sum = (int64_t)c.talk_ms_sum;
	iv.hold_ms_sum = (int64_t)c.hold_ms_sum;
	iv.wrapup_ms_sum = (int64_t)c.wrapup_ms_sum;
	(void)store_interval_add(store_main(), &iv, NULL, NULL);
}

/* Writes the intervals that ended (or all, at stop). The engine counts
 * by its own clock: interval starts are in engine time. */
static void intervals_flush(bool all)
{
	uint64_t now = now_ms();
	uint64_t cur = now - now % ACD_INTERVAL_MS;

	for (size_t i = 0; i < cen.qc; i++) {
		struct cqueue *q = cen.qv[i];

		if (q->removed)
			continue;
		if (!q->interval_start)
			q->interval_start = cur;
		if (q->interval_start != cur || all) {
			interval_write(q, q->interval_start);
			q->interval_start = cur;
		}
	}
}

/* --- Decisions ---------------------------------------------------------- */

static void decision_h(const struct acd_decision *d, void *arg)
{
	(void)arg;
	if (cen.dec_tail - cen.dec_head == DECISIONS_MAX) {
		cc_error("center", "decision queue full: dropping %d", d->type);
		return;
	}
	cen.decv[cen.dec_tail++ % DECISIONS_MAX] = *d;
}

/* The interaction's wrap-up is over: its record is complete. */
static void wrapup_close(uint64_t task)
{
	(void)cc_ix_wrapup_end((int64_t)task);
}

static void task_free(struct task *t)
{
	hash_unlink(&t->he);
	mem_deref(t);
}

static void decision_run(const struct acd_decision *d)
{
	struct task *t = d->task ? task_get(d->task) : NULL;
	uint64_t now = now_ms();

	dirty(d->agent);
	if (t)
		dirty(t->agent);
	switch (d->type) {
	case ACD_DEC_OFFER:
		if (!t)
			break;
		t->agent = d->agent;
		(void)cc_ix_offer((int64_t)t->id, d->agent);
		publish_task(CC_EV_TASK_OFFERED, t, NULL, now - t->entered);
		t->ops->offer(t->owner, d->agent,
			      queue_get(t->queue) ?
				      queue_get(t->queue)->ring_ms : 0);
		break;
	case ACD_DEC_CANCEL:
	case ACD_DEC_TIMEOUT: {
		/* A cancel after another agent answered is ring_all's "not
		 * chosen": on the timeline, not a miss (the engine counts
		 * no miss for it either). */
		const char *why = d->type == ACD_DEC_TIMEOUT ? "no_answer" :
				  t && t->answered ? "answered_elsewhere" :
						     "cancelled";
		struct cc_event ev = {.type = CC_EV_TASK_MISSED};

		if (!t)
			break;
		(void)cc_ix_miss((int64_t)t->id, d->agent,
				 d->type == ACD_DEC_TIMEOUT ? "timeout" :
				 t->answered ? "not_chosen" : "cancelled");
		ev.task = t->id;
		ev.agent = d->agent;
		ev.queue = qname(t->queue);
		ev.reason = why;
		ev.from = t->from;
		ev.to = t->to;
		ev.attrs = t->attrs;
		publish(&ev);
		if (t->agent == d->agent && !t->answered)
			t->agent = 0;
		t->ops->cancel(t->owner, d->agent);
		break;
	}
	case ACD_DEC_OVERFLOW: {
		const struct cc_ix *ix = t ? cc_ix_find((int64_t)t->id) : NULL;

		if (!t)
			break;
		t->queue = d->queue;
		(void)cc_ix_queue((int64_t)t->id, "overflowed",
				  qname(d->queue), ix ? ix->priority : 0,
				  (int64_t)t->entered, NULL);
		break;
	}
	case ACD_DEC_GIVE_UP:
		if (!t)
			break;
		(void)cc_ix_event((int64_t)t->id, "gave_up", 0,
				  qname(t->queue), NULL);
		(void)cc_ix_end((int64_t)t->id, "gave_up", "system", 0);
		t->ops->give_up(t->owner);
		task_free(t);
		break;
	case ACD_DEC_AGENT_AWAY:
		cc_info("center", "agent %u set away after missed offers",
			d->agent);
		break;
	case ACD_DEC_AGENT_READY: {
		struct cagent *a = agent_get(d->agent);
		struct cc_event ev = {.type = CC_EV_WRAPUP_ENDED,
				      .agent = d->agent};

		if (a && a->wrap_task) {
			wrapup_close(a->wrap_task);
			ev.task = a->wrap_task;
			a->wrap_task = 0;
		}
		publish(&ev);
		break;
	}
	}
}

/* Runs queued decisions until none is left (also those that acting on
 * one causes), then syncs agents' recorded states and the timer. */
static void decisions_run(void)
{
	if (cen.running)
		return;
	cen.running = true;
	while (cen.dec_head != cen.dec_tail) {
		struct acd_decision d = cen.decv[cen.dec_head++ % DECISIONS_MAX];

		decision_run(&d);
	}
	cen.running = false;
	agents_sync();
	timer_arm();
}

static void timer_h(void *arg)
{
	uint64_t now = now_ms();

	(void)arg;
	acd_tick(cen.acd, now);
	decisions_run();
	if (now >= cen.next_second) {
		struct cc_event ev = {.type = CC_EV_TICK};

		cen.next_second = now - now % 1000 + 1000;
		intervals_flush(false);
		publish(&ev);
	}
	timer_arm();
}

static void timer_arm(void)
{
	uint64_t now = now_ms();
	uint64_t at = acd_next_deadline(cen.acd);

	if (!cen.next_second)
		cen.next_second = now - now % 1000 + 1000;
	if (at > cen.next_second)
		at = cen.next_second;
	tmr_start(&cen.tmr, at > now ? at - now : 0, timer_h, NULL);
}

/* --- Configuration -------------------------------------------------------- */

/*
 * Agents and queues come from the store at start and from the API after
 * each change it committed (cc_center_*_apply, on the main loop): both
 * paths run the same code, which turns the rows into the engine's
 * configuration and feeds it the add / change / remove events (see acd.h
 * for what each does to work in progress). A removed agent or queue keeps
 * its entry here, flagged, so that the calls it still has in hand are
 * recorded under its name; lookups for new work skip it.
 */

static int table_grow(void *vp, size_t *capp, size_t n, size_t size)
{
	void **v = vp;
	void *nv;
	size_t cap;

	if (n < *capp)
		return 0;
	cap = *capp ? *capp * 2 : 16;
	nv = *v ? mem_realloc(*v, cap * size)
		: mem_zalloc(cap * size, NULL);
	if (!nv)
		return ENOMEM;
	*v = nv;
	*capp = cap;
	return 0;
}

static void cagent_destructor(void *arg)
{
	struct cagent *a = arg;

	mem_deref((char *)a->info.extension);
	mem_deref((char *)a->info.name);
	mem_deref((char *)a->info.sip_password);
}

static void cqueue_destructor(void *arg)
{
	struct cqueue *q = arg;

	mem_deref(q->name);
	mem_deref(q->overflow);
	mem_deref(q->escalations);
}

static int str_set(char **dst, const char *src)
{
	char *s = NULL;

	if (src && str_dup(&s, src))
		return ENOMEM;
	mem_deref(*dst);
	*dst = s;
	return 0;
}

/* Escalation steps, as stored in queues.escalations (checked by the API):
 *   [{"after_s": 30, "action": "lower_level", "skill": "billing",
 *     "level": 3},                  -- skill defaults to the queue's
 *    {"after_s": 60, "action": "add_skill", "skill": "general",
 *     "level": 5},
 *    {"after_s": 90, "action": "raise_priority", "delta": 10},
 *    {"after_s": 120, "action": "move_queue", "queue": "sales"}]
 * A step naming a queue that does not exist (yet) is left out. */
static void escalations_decode(struct acd_queue_cfg *cfg, const char *qn,
			       const char *json)
{
	struct odict *o = NULL;
	struct le *le;

	cfg->escc = 0;
	if (!json || !*json || !strcmp(json, "[]"))
		return;
	if (json_decode_odict(&o, 8, json, strlen(json), 4)) {
		cc_warn("center", "queue %s: escalations are not JSON", qn);
		return;
	}
	for (le = o->lst.head; le && cfg->escc < ACD_ESCALATIONS_MAX;
	     le = le->next) {
		const struct odict_entry *e = le->data;
		struct acd_escalation *x = &cfg->escv[cfg->escc];
		const struct cqueue *to;
		const char *action, *skill;
		uint64_t n = 0;

		if (e->type != ODICT_OBJECT)
			continue;
		memset(x, 0, sizeof(*x));
		action = odict_string(e->u.odict, "action");
		skill = odict_string(e->u.odict, "skill");
		if (!action || !odict_get_number(e->u.odict, &n, "after_s"))
			continue;
		x->after_ms = (uint32_t)n * 1000;
		n = 0;
		(void)odict_get_number(e->u.odict, &n, "level");
		x->level = (uint8_t)n;
		if (!strcmp(action, "lower_level")) {
			x->kind = ACD_ESC_LOWER_LEVEL;
			x->skill = skill ? skill_num(skill) : cfg->skill.skill;
		}
		else if (!strcmp(action, "add_skill") && skill) {
			x->kind = ACD_ESC_ADD_SKILL;
			x->skill = skill_num(skill);
		}
		else if (!strcmp(action, "raise_priority")) {
			const struct odict_entry *d =
				odict_lookup(e->u.odict, "delta");

			x->kind = ACD_ESC_RAISE_PRIORITY;
			x->delta = d && d->type == ODICT_INT ?
					   (int)d->u.integer : 0;
		}
		else if (!strcmp(action, "move_queue")) {
			to = queue_by_name(odict_string(e->u.odict, "queue"));
			if (!to)
				continue;
			x->kind = ACD_ESC_MOVE_QUEUE;
			x->queue = to->id;
		}
		else
			continue;
		/* the engine wants them in time order */
		if (cfg->escc &&
		    x->after_ms < cfg->escv[cfg->escc - 1].after_ms)
			continue;
		cfg->escc++;
	}
	mem_deref(o);
}

/* The engine's configuration of q from its row (names resolved now). */
static void queue_cfg_make(struct cqueue *q)
{
	struct acd_queue_cfg *cfg = &q->cfg;
	const struct cqueue *o = queue_by_name(q->overflow);

	cfg->overflow_queue = o && o != q ? o->id : 0;
	escalations_decode(cfg, q->name, q->escalations);
}

static int queue_row_apply(struct cqueue *q, const struct store_queue *sq)
{
	struct acd_queue_cfg *cfg = &q->cfg;

	if (str_set(&q->name, sq->name) ||
	    str_set(&q->overflow, sq->overflow_queue) ||
	    str_set(&q->escalations, sq->escalations))
		return ENOMEM;
	q->announce_ms = (uint32_t)sq->announce_every_s * 1000;
	q->ring_ms = (uint32_t)sq->ring_timeout_s * 1000;
	q->wrapup_ms = (uint32_t)sq->wrapup_s * 1000;
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = q->id;
	if (acd_strategy_decode(&cfg->strategy, sq->strategy))
		cfg->strategy = ACD_LONGEST_IDLE;
	cfg->sl_threshold_ms = (uint32_t)sq->sl_threshold_s * 1000;
	cfg->sl_target_pct = (uint32_t)sq->sl_target_pct;
	cfg->max_wait_ms = (uint32_t)sq->max_wait_s * 1000;
	cfg->max_len = (uint32_t)sq->max_len;
	cfg->wrapup_ms = q->wrapup_ms;
	cfg->ring_timeout_ms = q->ring_ms;
	cfg->short_abandon_ms = (uint32_t)sq->short_abandon_s * 1000;
	cfg->max_misses = 3;
	cfg->skill.skill = skill_num(sq->skill);
	cfg->skill.min_level = (uint8_t)(sq->min_level ? sq->min_level : 1);
	queue_cfg_make(q);
	return 0;
}

/* Overflow and move-to-queue steps name other queues: resolved again for
 * every queue when one is added or removed. */
static void queue_links_resolve(void)
{
	for (size_t i = 0; i < cen.qc; i++) {
		struct cqueue *q = cen.qv[i];
		struct acd_queue_cfg before = q->cfg;

		if (q->removed)
			continue;
		queue_cfg_make(q);
		if (memcmp(&before, &q->cfg, sizeof(before)))
			(void)acd_queue_update(cen.acd, &q->cfg);
	}
}

static bool member_has(const struct cagent *a, uint32_t queue)
{
	for (size_t i = 0; i < a->queuec; i++)
		if (a->queuev[i] == queue)
			return true;
	return false;
}

/* Makes a a member of queue with these settings (add or change). */
static int member_set(struct cagent *a, const struct store_queue_member *m)
{
	uint32_t qid = (uint32_t)m->queue_id;
	int err;

	if (member_has(a, qid))
		return acd_member_update(cen.acd, a->info.id, qid,
					 (uint8_t)m->level, m->weight,
					 m->position);
	if (a->queuec == ARRAY_SIZE(a->queuev))
		return EOVERFLOW;
	err = acd_member_add(cen.acd, a->info.id, qid, (uint8_t)m->level,
			     m->weight, m->position);
	if (!err)
		a->queuev[a->queuec++] = qid;
	return err;
}

static void member_unset(struct cagent *a, uint32_t queue)
{
	for (size_t i = 0; i < a->queuec; i++) {
		if (a->queuev[i] != queue)
			continue;
		(void)acd_member_remove(cen.acd, a->info.id, queue);
		a->queuev[i] = a->queuev[--a->queuec];
		return;
	}
}

static const struct store_queue_member *
member_find(const struct store_queue_member *v, size_t n, uint32_t agent,
	    uint32_t queue)
{
	for (size_t i = 0; i < n; i++)
		if ((uint32_t)v[i].agent_id == agent &&
		    (uint32_t)v[i].queue_id == queue)
			return &v[i];
	return NULL;
}

int cc_center_queue_apply(const struct store_queue *sq,
			  const struct store_queue_member *memberv,
			  size_t memberc)
{
	struct cqueue *q;
	bool fresh = false;
	int err;

	if (!cen.acd || !sq || sq->id <= 0 || !sq->name)
		return EINVAL;
	q = queue_get((uint32_t)sq->id);
	if (!q) {
		err = table_grow(&cen.qv, &cen.qcap, cen.qc, sizeof(*cen.qv));
		if (err)
			return err;
		q = mem_zalloc(sizeof(*q), cqueue_destructor);
		if (!q)
			return ENOMEM;
		q->id = (uint32_t)sq->id;
		cen.qv[cen.qc++] = q;
		fresh = true;
	}
	else if (q->removed) {
		fresh = true;
		q->removed = false;
		q->interval_start = 0;
	}
	err = queue_row_apply(q, sq);
	if (err)
		goto out;
	err = fresh ? acd_queue_add(cen.acd, &q->cfg) :
		      acd_queue_update(cen.acd, &q->cfg);
	if (err) {
		cc_error("center", "queue %s: %s", q->name, strerror(err));
		goto out;
	}
	if (fresh)
		queue_links_resolve();
	/* Membership: the rows given are the queue's members now. */
	for (size_t i = 0; i < cen.ac; i++) {
		struct cagent *a = cen.av[i];
		const struct store_queue_member *m;

		if (a->removed)
			continue;
		m = member_find(memberv, memberc, a->info.id, q->id);
		if (m)
			err = member_set(a, m);
		else if (member_has(a, q->id))
			member_unset(a, q->id);
		if (err) {
			cc_error("center", "member %s of %s: %s",
				 a->info.extension, q->name, strerror(err));
			err = 0;
		}
		dirty(a->info.id);
	}
	cc_info("center", "queue %s %s (%s, %zu members)", q->name,
		fresh ? "added" : "changed",
		acd_strategy_name(q->cfg.strategy), memberc);
 out:
	if (err && fresh) {
		q->removed = true; /* kept for its name; not routed to */
		(void)acd_queue_remove(cen.acd, q->id, now_ms());
	}
	decisions_run();
	return err;
}

int cc_center_queue_remove(uint32_t id)
{
	struct cqueue *q = queue_get(id);
	int err;

	if (!q || q->removed)
		return ENOENT;
	interval_write(q, q->interval_start); /* the counts so far */
	for (size_t i = 0; i < cen.ac; i++) {
		if (member_has(cen.av[i], id)) {
			dirty(cen.av[i]->info.id);
			member_unset(cen.av[i], id);
		}
	}
	/* Waiting calls overflow or are given up (decisions). */
	err = acd_queue_remove(cen.acd, id, now_ms());
	q->removed = true;
	queue_links_resolve();
	cc_info("center", "queue %s removed", q->name);
	decisions_run();
	return err;
}

static void agent_cfg_make(struct acd_agent_cfg *cfg, uint32_t id,
			   const struct store_agent_skill *skillv,
			   size_t skillc)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = id;
	for (size_t i = 0; i < skillc; i++) {
		uint16_t n = skill_num(skillv[i].skill);

		if (!n || cfg->skillc == ARRAY_SIZE(cfg->skillv) ||
		    skillv[i].level < 1 || skillv[i].level > 10)
			continue;
		cfg->skillv[cfg->skillc].skill = n;
		cfg->skillv[cfg->skillc].min_level = (uint8_t)skillv[i].level;
		cfg->skillc++;
	}
}

int cc_center_agent_apply(const struct store_agent *sa,
			  const struct store_agent_skill *skillv,
			  size_t skillc,
			  const struct store_queue_member *memberv,
			  size_t memberc)
{
	struct acd_agent_cfg cfg;
	struct cagent *a;
	bool fresh = false;
	int err;

	if (!cen.acd || !sa || sa->id <= 0 || !sa->extension)
		return EINVAL;
	if (!sa->enabled) {
		err = cc_center_agent_remove((uint32_t)sa->id);
		return err == ENOENT ? 0 : err;
	}
	a = agent_get((uint32_t)sa->id);
	if (!a) {
		err = table_grow(&cen.av, &cen.acap, cen.ac, sizeof(*cen.av));
		if (err)
			return err;
		if (cen.acap > cen.dirtycap) {
			struct cagent **v =
				cen.dirtyv ? mem_realloc(cen.dirtyv,
							 cen.acap * sizeof(*v))
					   : mem_zalloc(cen.acap * sizeof(*v),
							NULL);

			if (!v)
				return ENOMEM;
			cen.dirtyv = v;
			cen.dirtycap = cen.acap;
		}
		a = mem_zalloc(sizeof(*a), cagent_destructor);
		if (!a)
			return ENOMEM;
		a->info.id = (uint32_t)sa->id;
		a->state = ACD_LOGGED_OUT;
		cen.av[cen.ac++] = a;
		fresh = true;
	}
	else if (a->removed)
		fresh = true;
	/* A new SIP password is the registrar's at the next REGISTER. */
	if (str_set((char **)&a->info.extension, sa->extension) ||
	    str_set((char **)&a->info.name, sa->name) ||
	    str_set((char **)&a->info.sip_password, sa->sip_password))
		return ENOMEM;
	agent_cfg_make(&cfg, a->info.id, skillv, skillc);
	dirty(a->info.id);
	err = fresh ? acd_agent_add(cen.acd, &cfg) :
		      acd_agent_update(cen.acd, &cfg, now_ms());
	if (err) {
		cc_error("center", "agent %s: %s", sa->extension,
			 strerror(err));
		a->removed = true;
		decisions_run();
		return err;
	}
	a->removed = false;
	/* Membership: the rows given are the agent's queues now. */
	for (size_t i = 0; i < a->queuec;) {
		if (!member_find(memberv, memberc, a->info.id,
				 a->queuev[i])) {
			member_unset(a, a->queuev[i]);
			continue;
		}
		i++;
	}
	for (size_t i = 0; i < memberc; i++) {
		const struct cqueue *q =
			queue_get((uint32_t)memberv[i].queue_id);

		if ((uint32_t)memberv[i].agent_id != a->info.id || !q ||
		    q->removed)
			continue;
		err = member_set(a, &memberv[i]);
		if (err)
			cc_error("center", "member %s of %s: %s",
				 a->info.extension, q->name, strerror(err));
	}
	if (!fresh)
		cc_info("center", "agent %s changed (%zu skills, %zu queues)",
			a->info.extension, cfg.skillc, a->queuec);
	else if (cen.acd_loaded)
		cc_info("center", "agent %s added (%zu skills, %zu queues)",
			a->info.extension, cfg.skillc, a->queuec);
	decisions_run();
	return 0;
}

int cc_center_agent_remove(uint32_t id)
{
	struct cagent *a = agent_get(id);
	int err;

	if (!a || a->removed)
		return ENOENT;
	dirty(id);
	/* Leaves every queue; an offer ringing is withdrawn; a call in
	 * hand goes on to its end (then no wrap-up: cc_task_end). */
	err = acd_agent_remove(cen.acd, id, now_ms());
	a->queuec = 0;
	a->removed = true;
	if (a->wrap_task) {
		wrapup_close(a->wrap_task);
		a->wrap_task = 0;
	}
	cc_info("center", "agent %s removed", a->info.extension);
	decisions_run();
	return err;
}

/* Loading at start: the rows gathered, then applied as changes are. */
struct load {
	struct store_agent *av;
	size_t ac;
	struct store_agent_skill *sv;
	size_t sc;
	struct store_queue *qv;
	size_t qc;
	struct store_queue_member *mv;
	size_t mc;
	size_t acap, scap, qcap, mcap;
};

static int load_str(const char **dst, const char *src)
{
	char *s = NULL;

	if (src && str_dup(&s, src))
		return ENOMEM;
	*dst = s;
	return 0;
}

static int agent_load_h(const struct store_agent *sa, void *arg)
{
	struct load *l = arg;
	struct store_agent *a;

	if (table_grow(&l->av, &l->acap, l->ac, sizeof(*l->av)))
		return ENOMEM;
	a = &l->av[l->ac++];
	*a = *sa;
	a->extension = a->name = a->sip_password = NULL;
	if (load_str(&a->extension, sa->extension) ||
	    load_str(&a->name, sa->name) ||
	    load_str(&a->sip_password, sa->sip_password))
		return ENOMEM;
	return 0;
}

static int skill_load_h(const struct store_agent_skill *s, void *arg)
{
	struct load *l = arg;
	struct store_agent_skill *d;

	if (table_grow(&l->sv, &l->scap, l->sc, sizeof(*l->sv)))
		return ENOMEM;
	d = &l->sv[l->sc++];
	*d = *s;
	d->skill = NULL;
	return load_str(&d->skill, s->skill);
}

static int queue_load_h(const struct store_queue *sq, void *arg)
{
	struct load *l = arg;
	struct store_queue *d;

	if (table_grow(&l->qv, &l->qcap, l->qc, sizeof(*l->qv)))
		return ENOMEM;
	d = &l->qv[l->qc++];
	*d = *sq;
	d->name = d->strategy = d->overflow_queue = d->skill = NULL;
	d->escalations = NULL;
	if (load_str(&d->name, sq->name) ||
	    load_str(&d->strategy, sq->strategy) ||
	    load_str(&d->overflow_queue, sq->overflow_queue) ||
	    load_str(&d->skill, sq->skill) ||
	    load_str(&d->escalations, sq->escalations))
		return ENOMEM;
	return 0;
}

static int member_load_h(const struct store_queue_member *m, void *arg)
{
	struct load *l = arg;
	struct store_queue_member *d;

	if (table_grow(&l->mv, &l->mcap, l->mc, sizeof(*l->mv)))
		return ENOMEM;
	d = &l->mv[l->mc++];
	*d = *m;
	d->queue = d->extension = NULL;
	return 0;
}

static void load_free(struct load *l)
{
	for (size_t i = 0; i < l->ac; i++) {
		mem_deref((char *)l->av[i].extension);
		mem_deref((char *)l->av[i].name);
		mem_deref((char *)l->av[i].sip_password);
	}
	for (size_t i = 0; i < l->sc; i++)
		mem_deref((char *)l->sv[i].skill);
	for (size_t i = 0; i < l->qc; i++) {
		mem_deref((char *)l->qv[i].name);
		mem_deref((char *)l->qv[i].strategy);
		mem_deref((char *)l->qv[i].overflow_queue);
		mem_deref((char *)l->qv[i].skill);
		mem_deref((char *)l->qv[i].escalations);
	}
	mem_deref(l->av);
	mem_deref(l->sv);
	mem_deref(l->qv);
	mem_deref(l->mv);
}

/* The skills of agent among the loaded rows (ordered by agent or not). */
static size_t skills_of(const struct load *l, int64_t agent,
			struct store_agent_skill *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < l->sc && n < max; i++)
		if (l->sv[i].agent_id == agent)
			out[n++] = l->sv[i];
	return n;
}

static int center_load(struct store *st)
{
	struct load l;
	struct store_agent_skill skillv[16];
	int err;

	memset(&l, 0, sizeof(l));
	err = store_agents_load(st, agent_load_h, &l);
	if (!err)
		err = store_agent_skills_load(st, skill_load_h, &l);
	if (!err)
		err = store_queues_load(st, queue_load_h, &l);
	if (!err)
		err = store_queue_members_load(st, member_load_h, &l);
	if (err)
		goto out;
	/* Queues first (members come with the agents), twice: escalation
	 * steps and overflows may name a queue loaded after them. */
	for (size_t i = 0; i < l.qc && !err; i++)
		err = cc_center_queue_apply(&l.qv[i], NULL, 0);
	if (err)
		goto out;
	queue_links_resolve();
	for (size_t i = 0; i < l.ac && !err; i++) {
		size_t n;

		if (!l.av[i].enabled)
			continue;
		n = skills_of(&l, l.av[i].id, skillv, ARRAY_SIZE(skillv));
		err = cc_center_agent_apply(&l.av[i], skillv, n, l.mv, l.mc);
	}
 out:
	load_free(&l);
	return err;
}

static void center_destructor(void)
{
	for (size_t i = 0; i < cen.ac; i++)
		mem_deref(cen.av[i]);
	for (size_t i = 0; i < cen.qc; i++)
		mem_deref(cen.qv[i]);
	for (size_t i = 0; i < cen.skillc; i++)
		mem_deref(cen.skillv[i]);
	mem_deref(cen.av);
	mem_deref(cen.dirtyv);
	mem_deref(cen.qv);
}

int cc_center_init(const struct cc_config *cfg)
{
	struct store *st = store_main();
	int err;

	if (!st)
		return EINVAL;
	memset(&cen, 0, sizeof(cen));
	err = cc_ix_init(st);
	if (err)
		return err;
	cen.auto_login = cfg->auto_login || cfg->demo;
	tmr_init(&cen.tmr);
	err = hash_alloc(&cen.tasks, 1024);
	if (err)
		return err;
	err = acd_alloc(&cen.acd, decision_h, NULL, (uint64_t)cc_wall_ms());
	if (err)
		goto out;
	err = center_load(st);
	if (err)
		goto out;
	cen.acd_loaded = true;
	/* Interactions live when the server last stopped (killed) are
	 * ended as interrupted, keeping all they had (notes included). */
	err = cc_ix_recover(NULL);
	if (err)
		goto out;
	cc_info("center", "%zu agents, %zu queues", cen.ac, cen.qc);
	intervals_flush(false);
	timer_arm();
out:
	if (err)
		cc_center_close();
	return err;
}

void cc_center_stop(void)
{
	int64_t now = cc_wall_ms();

	if (!cen.acd)
		return;
	intervals_flush(true);
	for (size_t i = 0; i < cen.ac; i++) {
		struct cagent *a = cen.av[i];

		if (a->wrap_task) { /* shutdown cuts wrap-up short */
			wrapup_close(a->wrap_task);
			a->wrap_task = 0;
		}
		if (a->since && store_main())
			(void)store_agent_state_add(store_main(), a->info.id,
						    acd_state_name(a->state),
						    a->reason[0] ? a->reason :
								   NULL,
						    a->since, now, NULL, NULL);
		a->since = 0;
	}
}

void cc_center_close(void)
{
	tmr_cancel(&cen.tmr);
	if (cen.tasks)
		hash_flush(cen.tasks);
	cen.tasks = mem_deref(cen.tasks);
	cen.acd = mem_deref(cen.acd);
	list_flush(&cen.subs);
	center_destructor();
	memset(&cen, 0, sizeof(cen));
	cc_ix_close();
}

const struct acd *cc_center_acd(void)
{
	return cen.acd;
}

/* --- Queues and agents -------------------------------------------------- */

int cc_queue_id(const char *name, uint32_t *idp)
{
	const struct cqueue *q = queue_by_name(name);

	if (!q)
		return ENOENT;
	*idp = q->id;
	return 0;
}

const char *cc_queue_name(uint32_t id)
{
	return qname(id);
}

void cc_queue_foreach(cc_queue_h *h, void *arg)
{
	for (size_t i = 0; i < cen.qc; i++)
		if (!cen.qv[i]->removed)
			h(cen.qv[i]->id, cen.qv[i]->name, arg);
}

uint32_t cc_queue_announce_ms(uint32_t id)
{
	const struct cqueue *q = queue_get(id);

	return q ? q->announce_ms : 0;
}

const struct cc_agent_info *cc_agent_by_ext(const char *ext)
{
	for (size_t i = 0; ext && i < cen.ac; i++)
		if (!cen.av[i]->removed &&
		    !strcmp(cen.av[i]->info.extension, ext))
			return &cen.av[i]->info;
	return NULL;
}

const struct cc_agent_info *cc_agent_by_id(uint32_t id)
{
	struct cagent *a = agent_get(id);

	return a && !a->removed ? &a->info : NULL;
}

void cc_agent_foreach(cc_agent_h *h, void *arg)
{
	for (size_t i = 0; i < cen.ac; i++)
		if (!cen.av[i]->removed)
			h(&cen.av[i]->info, arg);
}

int cc_agent_presence(uint32_t agent, enum acd_agent_state state,
		      const char *reason, const char *by)
{
	int err;

	if (!cc_agent_by_id(agent))
		return ENOENT;
	if (state != ACD_AVAILABLE && state != ACD_AWAY &&
	    state != ACD_LOGGED_OUT)
		return EINVAL;
	dirty(agent);
	err = acd_agent_state_set(cen.acd, agent, state, reason,
				  now_ms());
	if (!err)
		cc_info("center", "agent %u %s%s%s (by %s)", agent,
			acd_state_name(state), reason ? ": " : "",
			reason ? reason : "", by ? by : "?");
	decisions_run();
	return err;
}

int cc_agent_wrapup_done(uint32_t agent)
{
	struct acd_agent_live live;
	int err;

	if (!agent_get(agent))
		return ENOENT;
	if (acd_agent_live(cen.acd, agent, now_ms(), &live) ||
	    live.state != ACD_WRAPUP)
		return EALREADY;
	dirty(agent);
	err = acd_wrapup_end(cen.acd, agent, now_ms());
	decisions_run();
	return err;
}

void cc_agent_devices(uint32_t agent, unsigned count)
{
	struct cagent *a = agent_get(agent);
	unsigned before;

	if (!a || a->removed)
		return;
	before = a->devices;
	a->devices = count;
	if (!cen.auto_login)
		return;
	if (!before && count && a->state == ACD_LOGGED_OUT)
		(void)cc_agent_presence(agent, ACD_AVAILABLE, NULL, "phone");
	else if (before && !count && a->state != ACD_LOGGED_OUT)
		(void)cc_agent_presence(agent, ACD_LOGGED_OUT, NULL, "phone");
}

/* --- Tasks -------------------------------------------------------------- */

static void task_destructor(void *arg)
{
	struct task *t = arg;

	mem_deref(t->from);
	mem_deref(t->to);
	mem_deref(t->attrs);
}

int cc_task_add(const struct cc_task_req *req, const struct cc_task_ops *ops,
		void *owner)
{
	struct acd_task_cfg cfg = {0};
	struct cqueue *q = queue_by_name(req->queue);
	uint64_t now = now_ms();
	const struct cc_ix *ix;
	struct task *t;
	int err;

	if (!q)
		return ENOENT;
	if (!ops || !ops->offer || !ops->cancel || !ops->give_up ||
	    req->interaction <= 0)
		return EINVAL;
	if (task_get((uint64_t)req->interaction))
		return EEXIST;
	/* A task is a live interaction that may enter a queue now. */
	ix = cc_ix_find(req->interaction);
	if (!ix)
		return ENOENT;
	if (cc_ix_next(ix->state, CC_IX_EV_QUEUE) < 0)
		return EPROTO;
	t = mem_zalloc(sizeof(*t), task_destructor);
	if (!t)
		return ENOMEM;
	t->id = (uint64_t)req->interaction;
	t->ops = ops;
	t->owner = owner;
	t->queue = q->id;
	t->entered = req->entered ? req->entered : now;
	if ((req->from && str_dup(&t->from, req->from)) ||
	    (req->to && str_dup(&t->to, req->to)) ||
	    (req->attrs && str_dup(&t->attrs, req->attrs))) {
		mem_deref(t);
		return ENOMEM;
	}
	cfg.id = t->id;
	cfg.channel = req->channel;
	cfg.priority = req->priority;
	cfg.queue = q->id;
	cfg.preferred_agent = req->preferred_agent;
	cfg.preferred_until = req->preferred_agent ? now + 30000 : 0;
	cfg.entered = t->entered;
	hash_append(cen.tasks, (uint32_t)hash_fast((char *)&t->id, sizeof(t->id)),
		    &t->he, t);
	err = acd_task_add(cen.acd, &cfg, now);
	if (err) {
		task_free(t);
		return err;
	}
	(void)cc_ix_queue(req->interaction, "entered_queue", q->name,
			  req->priority, (int64_t)t->entered, req->attrs);
	publish_task(CC_EV_TASK_QUEUED, t, NULL, 0);
	decisions_run();
	return 0;
}

int cc_task_accept(uint64_t task, uint32_t agent)
{
	struct task *t = task_get(task);
	uint64_t now = now_ms();
	int err;

	if (!t)
		return ENOENT;
	dirty(agent);
	dirty(t->agent);
	err = acd_offer_accept(cen.acd, task, agent, now);
	if (err)
		return err;
	t->agent = agent;
	t->answered = true;
	(void)cc_ix_answer((int64_t)task, agent);
	publish_task(CC_EV_TASK_ANSWERED, t, NULL, now - t->entered);
	decisions_run();
	return 0;
}

int cc_task_reject(uint64_t task, uint32_t agent, const char *why)
{
	struct task *t = task_get(task);
	int err;

	if (!t)
		return ENOENT;
	dirty(agent);
	err = acd_offer_reject(cen.acd, task, agent, now_ms());
	if (err)
		return err;
	(void)cc_ix_miss((int64_t)task, agent, "rejected");
	t->agent = 0;
	{
		struct cc_event ev = {.type = CC_EV_TASK_MISSED, .task = task,
				      .agent = agent, .queue = qname(t->queue),
				      .reason = why};

		publish(&ev);
	}
	decisions_run();
	return 0;
}

int cc_task_abandon(uint64_t task)
{
	struct task *t = task_get(task);
	uint64_t now = now_ms();
	int err;

	if (!t)
		return ENOENT;
	dirty(t->agent);
	err = acd_task_abandon(cen.acd, task, now);
	if (err)
		return err;
	(void)cc_ix_event((int64_t)task, "abandoned", 0, qname(t->queue),
			  NULL);
	(void)cc_ix_end((int64_t)task, "abandoned", "caller", 0);
	publish_task(CC_EV_TASK_ABANDONED, t, NULL, now - t->entered);
	task_free(t);
	decisions_run();
	return 0;
}

int cc_task_end(uint64_t task, uint32_t hold_ms, const char *hung_up_by)
{
	struct task *t = task_get(task);
	uint64_t now = now_ms();
	const struct cc_ix *ix = cc_ix_find((int64_t)task);
	struct cqueue *q;
	struct cagent *a;
	int err;

	if (!t)
		return ENOENT;
	if (ix && ix->state == CC_IX_HELD)
		cc_task_held(task, false);
	if (ix && ix->hold_ms > 0)
		hold_ms += (uint32_t)ix->hold_ms;
	dirty(t->agent);
	err = acd_task_end(cen.acd, task, hold_ms, now);
	if (err)
		return err;
	q = queue_get(t->queue);
	(void)cc_ix_end((int64_t)task, NULL, hung_up_by,
			q ? q->wrapup_ms : 0);
	publish_task(CC_EV_TASK_ENDED, t, hung_up_by, 0);
	a = agent_get(t->agent);
	ix = cc_ix_find((int64_t)task);
	if (a) {
		/* no wrap-up (none in the queue, or the agent was deleted
		 * during the call): the record is done */
		if (ix && ix->state == CC_IX_WRAPUP && q && q->wrapup_ms &&
		    !a->removed)
			a->wrap_task = task;
		else if (ix && ix->state == CC_IX_WRAPUP)
			wrapup_close(task);
		publish_task(CC_EV_WRAPUP_STARTED, t, NULL,
			     q ? q->wrapup_ms : 0);
	}
	else if (ix && ix->state == CC_IX_WRAPUP) {
		wrapup_close(task); /* nobody to wrap up */
	}
	task_free(t);
	decisions_run();
	return 0;
}

int cc_task_requeue(uint64_t task, const char *reason)
{
	struct task *t = task_get(task);
	uint32_t agent;
	int err;

	if (!t)
		return ENOENT;
	agent = t->agent;
	dirty(agent);
	err = acd_task_requeue(cen.acd, task, reason, now_ms());
	if (err)
		return err;
	(void)cc_ix_requeue((int64_t)task, reason);
	publish_task(CC_EV_TASK_REQUEUED, t, reason, 0);
	t->agent = 0;
	t->answered = false;
	decisions_run();
	return 0;
}

/* A queue agent is a member of (the task's own when it is one). */
static struct cqueue *queue_of_agent(uint32_t agent, uint32_t prefer)
{
	struct cagent *a = agent_get(agent);

	if (!a || !a->queuec)
		return NULL;
	for (size_t i = 0; i < a->queuec; i++)
		if (a->queuev[i] == prefer)
			return queue_get(prefer);
	return queue_get(a->queuev[0]);
}

int cc_task_transfer(uint64_t task, const char *queue, uint32_t agent)
{
	struct task *t = task_get(task);
	struct cqueue *q;
	uint32_t from;
	int err;

	if (!t)
		return ENOENT;
	if (agent && !cc_agent_by_id(agent))
		return ENOENT;
	q = queue ? queue_by_name(queue) : queue_of_agent(agent, t->queue);
	if (!q)
		return ENOENT;
	from = t->agent;
	dirty(from);
	dirty(agent);
	err = acd_task_transfer_to(cen.acd, task, q->id, agent,
				   now_ms() + 30000, now_ms());
	if (err)
		return err;
	(void)cc_ix_transfer((int64_t)task, from, q->name);
	t->queue = q->id;
	t->agent = 0;
	t->answered = false;
	{
		struct cc_event ev = {.type = CC_EV_TASK_TRANSFERRED,
				      .task = task, .agent = from,
				      .queue = q->name};

		publish(&ev);
	}
	decisions_run();
	return 0;
}

int cc_task_position(uint64_t task, uint32_t *posp, uint64_t *ewt_msp)
{
	struct task *t = task_get(task);
	struct acd_queue_live live;
	int err;

	if (!t)
		return ENOENT;
	err = acd_task_position(cen.acd, task, posp);
	if (err)
		return err;
	if (ewt_msp) {
		err = acd_queue_live(cen.acd, t->queue, now_ms(), &live);
		if (err)
			return err;
		/* The queue's figure is for a task entering now, behind all
		 * that wait; this one waits behind pos - 1 of them. */
		*ewt_msp = live.waiting ? live.expected_wait_ms * *posp /
						  (live.waiting + 1) :
					  live.expected_wait_ms;
		if (!live.agents[ACD_AVAILABLE] && !live.agents[ACD_RESERVED] &&
		    !live.agents[ACD_BUSY] && !live.agents[ACD_WRAPUP])
			*ewt_msp = UINT64_MAX; /* nobody staffed: unknown */
	}
	return 0;
}

void cc_task_held(uint64_t task, bool held)
{
	struct task *t = task_get(task);
	const struct cc_ix *ix = cc_ix_find((int64_t)task);

	if (!t || !ix || held == (ix->state == CC_IX_HELD))
		return;
	if (held ? cc_ix_hold((int64_t)task) : cc_ix_resume((int64_t)task))
		return;
	publish_task(held ? CC_EV_TASK_HELD : CC_EV_TASK_RESUMED, t, NULL, 0);
}

void cc_task_consult(uint64_t task, uint32_t agent, uint32_t target,
		     const char *phase)
{
	struct task *t = task_get(task);
	const struct cc_agent_info *ti = cc_agent_by_id(target);
	struct cc_event ev = {.type = CC_EV_TASK_CONSULT, .task = task,
			      .agent = agent, .target = target,
			      .reason = phase};
	char type[40], detail[96];

	if (!t)
		return;
	(void)snprintf(type, sizeof(type), "consult_%s", phase);
	(void)snprintf(detail, sizeof(detail),
		       "{\"target_agent\": %u, \"target\": \"%s\"}", target,
		       ti ? ti->extension : "");
	(void)cc_ix_event((int64_t)task, type, agent, qname(t->queue),
			  detail);
	ev.queue = qname(t->queue);
	publish(&ev);
}

int cc_task_control(uint64_t task, enum cc_ctl ctl, const char *target)
{
	struct task *t = task_get(task);

	if (!t)
		return ENOENT;
	if (!t->ops->control)
		return ENOTSUP;
	return t->ops->control(t->owner, ctl, target);
}

uint32_t cc_task_agent(uint64_t task)
{
	struct task *t = task_get(task);

	return t ? t->agent : 0;
}

bool cc_task_offered_to(uint64_t task, uint32_t agent)
{
	return acd_task_offered_to(cen.acd, task, agent);
}

int cc_queue_pick(const char *queue, uint32_t not, uint32_t *agentp)
{
	const struct cqueue *q = queue_by_name(queue);

	if (!q)
		return ENOENT;
	return acd_queue_pick(cen.acd, q->id, ACD_VOICE, not, agentp);
}
