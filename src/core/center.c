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
};

struct cagent {
	struct cc_agent_info info;
	unsigned devices;
	enum acd_agent_state state; /* last recorded */
	char reason[ACD_REASON_MAX];
	int64_t since;              /* wall ms */
	uint64_t wrap_task;         /* interaction in wrap-up, 0 none */
	uint32_t queuev[16];        /* queues it is a member of */
	size_t queuec;
	bool dirty;                 /* engine state may have changed */
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
	struct cqueue *qv;
	size_t qc;
	struct cagent *av;
	size_t ac;
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
	size_t dirtyc;
} cen;

static void timer_arm(void);

/* The engine runs on wall-clock time so that its 15-minute intervals and
 * days are the calendar's (interval_stats rows, reports). */
static uint64_t now_ms(void)
{
	return (uint64_t)cc_wall_ms();
}

/* --- Lookups ------------------------------------------------------------ */

static struct cqueue *queue_get(uint32_t id)
{
	for (size_t i = 0; i < cen.qc; i++)
		if (cen.qv[i].id == id)
			return &cen.qv[i];
	return NULL;
}

static struct cqueue *queue_by_name(const char *name)
{
	for (size_t i = 0; name && i < cen.qc; i++)
		if (!strcmp(cen.qv[i].name, name))
			return &cen.qv[i];
	return NULL;
}

static struct cagent *agent_get(uint32_t id)
{
	for (size_t i = 0; i < cen.ac; i++)
		if (cen.av[i].info.id == id)
			return &cen.av[i];
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
		if (acd_agent_live(cen.acd, a->info.id, now, &live))
			continue;
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
		struct cqueue *q = &cen.qv[i];

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
	case ACD_DEC_TIMEOUT:
		if (!t)
			break;
		(void)cc_ix_miss((int64_t)t->id, d->agent,
				 d->type == ACD_DEC_TIMEOUT ? "timeout" :
							      "cancelled");
		publish_task(CC_EV_TASK_MISSED, t,
			     d->type == ACD_DEC_TIMEOUT ? "no_answer" :
							  "cancelled", 0);
		if (t->agent == d->agent && !t->answered)
			t->agent = 0;
		t->ops->cancel(t->owner, d->agent);
		break;
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

/* --- Loading ------------------------------------------------------------ */

struct load {
	struct acd_agent_cfg *acfgv; /* parallel to cen.av */
	int err;
};

static int agent_count_h(const struct store_agent *a, void *arg)
{
	(void)a;
	++*(size_t *)arg;
	return 0;
}

static int agent_load_h(const struct store_agent *sa, void *arg)
{
	struct cagent *a;

	(void)arg;
	if (!sa->enabled)
		return 0;
	a = &cen.av[cen.ac];
	memset(a, 0, sizeof(*a));
	a->info.id = (uint32_t)sa->id;
	if (str_dup((char **)&a->info.extension, sa->extension) ||
	    str_dup((char **)&a->info.name, sa->name) ||
	    str_dup((char **)&a->info.sip_password, sa->sip_password))
		return ENOMEM;
	a->state = ACD_LOGGED_OUT;
	cen.ac++;
	return 0;
}

static int skill_load_h(const struct store_agent_skill *s, void *arg)
{
	struct load *l = arg;

	for (size_t i = 0; i < cen.ac; i++) {
		struct acd_agent_cfg *c = &l->acfgv[i];

		if (cen.av[i].info.id != (uint32_t)s->agent_id)
			continue;
		if (c->skillc == ARRAY_SIZE(c->skillv))
			return 0;
		c->skillv[c->skillc].skill = skill_num(s->skill);
		c->skillv[c->skillc].min_level = (uint8_t)s->level;
		c->skillc++;
	}
	return 0;
}

static int queue_count_h(const struct store_queue *q, void *arg)
{
	(void)q;
	++*(size_t *)arg;
	return 0;
}

static int queue_load_h(const struct store_queue *sq, void *arg)
{
	struct cqueue *q = &cen.qv[cen.qc];
	struct acd_queue_cfg *cfg = &q->cfg;
	int err;

	(void)arg;
	memset(q, 0, sizeof(*q));
	q->id = (uint32_t)sq->id;
	if (str_dup(&q->name, sq->name))
		return ENOMEM;
	q->announce_ms = (uint32_t)sq->announce_every_s * 1000;
	q->ring_ms = (uint32_t)sq->ring_timeout_s * 1000;
	q->wrapup_ms = (uint32_t)sq->wrapup_s * 1000;
	cen.qc++;
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
	err = acd_queue_add(cen.acd, cfg);
	if (err)
		cc_error("center", "queue %s: %s", sq->name, strerror(err));
	return err;
}

static int member_load_h(const struct store_queue_member *m, void *arg)
{
	int err;

	(void)arg;
	if (!agent_get((uint32_t)m->agent_id))
		return 0;
	err = acd_member_add(cen.acd, (uint32_t)m->agent_id,
			     (uint32_t)m->queue_id, (uint8_t)m->level,
			     m->weight, m->position);
	{
		struct cagent *a = agent_get((uint32_t)m->agent_id);

		if (!err && a->queuec < ARRAY_SIZE(a->queuev))
			a->queuev[a->queuec++] = (uint32_t)m->queue_id;
	}
	if (err)
		cc_error("center", "member %s of %s: %s", m->extension,
			 m->queue, strerror(err));
	return err;
}

/* Second pass: overflow targets name queues loaded after their source. */
static int overflow_h(const struct store_queue *sq, void *arg)
{
	struct cqueue *q = queue_by_name(sq->name);
	struct cqueue *o = queue_by_name(sq->overflow_queue);

	(void)arg;
	if (!q || !sq->overflow_queue)
		return 0;
	if (!o) {
		cc_warn("center", "queue %s: overflow queue %s does not exist",
			sq->name, sq->overflow_queue);
		return 0;
	}
	q->cfg.overflow_queue = o->id;
	return acd_queue_update(cen.acd, &q->cfg);
}

static void center_destructor(void)
{
	for (size_t i = 0; i < cen.ac; i++) {
		mem_deref((char *)cen.av[i].info.extension);
		mem_deref((char *)cen.av[i].info.name);
		mem_deref((char *)cen.av[i].info.sip_password);
	}
	for (size_t i = 0; i < cen.qc; i++)
		mem_deref(cen.qv[i].name);
	for (size_t i = 0; i < cen.skillc; i++)
		mem_deref(cen.skillv[i]);
	mem_deref(cen.av);
	mem_deref(cen.dirtyv);
	mem_deref(cen.qv);
}

int cc_center_init(const struct cc_config *cfg)
{
	struct store *st = store_main();
	struct load l = {0};
	size_t na = 0, nq = 0;
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
	err = store_agents_load(st, agent_count_h, &na);
	err |= store_queues_load(st, queue_count_h, &nq);
	if (err)
		goto out;
	cen.av = mem_zalloc((na + 1) * sizeof(*cen.av), NULL);
	cen.dirtyv = mem_zalloc((na + 1) * sizeof(*cen.dirtyv), NULL);
	cen.qv = mem_zalloc((nq + 1) * sizeof(*cen.qv), NULL);
	l.acfgv = mem_zalloc((na + 1) * sizeof(*l.acfgv), NULL);
	if (!cen.av || !cen.qv || !l.acfgv || !cen.dirtyv) {
		err = ENOMEM;
		goto out;
	}
	err = store_agents_load(st, agent_load_h, NULL);
	if (err)
		goto out;
	err = store_agent_skills_load(st, skill_load_h, &l);
	if (err)
		goto out;
	err = store_queues_load(st, queue_load_h, NULL);
	if (err)
		goto out;
	for (size_t i = 0; i < cen.ac; i++) {
		l.acfgv[i].id = cen.av[i].info.id;
		err = acd_agent_add(cen.acd, &l.acfgv[i]);
		if (err) {
			cc_error("center", "agent %s: %s",
				 cen.av[i].info.extension, strerror(err));
			goto out;
		}
	}
	err = store_queue_members_load(st, member_load_h, NULL);
	if (err)
		goto out;
	err = store_queues_load(st, overflow_h, NULL);
	if (err)
		goto out;
	/* Interactions live when the server last stopped (killed) are
	 * ended as interrupted, keeping all they had (notes included). */
	err = cc_ix_recover(NULL);
	if (err)
		goto out;
	cc_info("center", "%zu agents, %zu queues", cen.ac, cen.qc);
	intervals_flush(false);
	timer_arm();
out:
	mem_deref(l.acfgv);
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
		struct cagent *a = &cen.av[i];

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
		h(cen.qv[i].id, cen.qv[i].name, arg);
}

uint32_t cc_queue_announce_ms(uint32_t id)
{
	const struct cqueue *q = queue_get(id);

	return q ? q->announce_ms : 0;
}

const struct cc_agent_info *cc_agent_by_ext(const char *ext)
{
	for (size_t i = 0; ext && i < cen.ac; i++)
		if (!strcmp(cen.av[i].info.extension, ext))
			return &cen.av[i].info;
	return NULL;
}

const struct cc_agent_info *cc_agent_by_id(uint32_t id)
{
	struct cagent *a = agent_get(id);

	return a ? &a->info : NULL;
}

void cc_agent_foreach(cc_agent_h *h, void *arg)
{
	for (size_t i = 0; i < cen.ac; i++)
		h(&cen.av[i].info, arg);
}

int cc_agent_presence(uint32_t agent, enum acd_agent_state state,
		      const char *reason, const char *by)
{
	int err;

	if (!agent_get(agent))
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

	if (!a)
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
		if (ix && ix->state == CC_IX_WRAPUP && q && q->wrapup_ms)
			a->wrap_task = task;
		else if (ix && ix->state == CC_IX_WRAPUP) {
			wrapup_close(task); /* no wrap-up: the record is done */
		}
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
	if (agent && !agent_get(agent))
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
