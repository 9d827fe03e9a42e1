/*
 * The routing engine. Owns queues, agents, memberships and tasks, and
 * decides which agent gets which task.
 *
 * Agent presence (set by the driver) and derived state:
 *
 *   LOGGED_OUT --available--> AVAILABLE <--away/back--> AWAY
 *        ^                       |  offer
 *        +------logout-----------+--------> RESERVED --accept--> BUSY
 *                                 <--reject/timeout--+             |
 *   AVAILABLE <--wrap-up over-- WRAPUP <--------------task end-----+
 *
 * The reported state is derived: an offer out -> RESERVED, any task in
 * hand -> BUSY, wrap-up pending -> WRAPUP, else the presence.
 *
 * Task states: WAITING (in its queue's heap) -> OFFERED (to one agent, or
 * several for ring-all) -> HANDLING -> gone at task end. Reject, timeout
 * and logout bring an OFFERED task back to WAITING; abandon removes it.
 *
 * Indexes: per queue, a heap of waiting tasks (head boost, priority,
 * entry time) and a heap of its routable members keyed by the queue's
 * strategy; a decision visits heap entries best-first, so it costs
 * O(k log n) where k is the number of ineligible entries skipped (bounded).
 * Time-driven work (ring timeouts, wrap-up ends, escalations, maximum
 * waits, retries) lives in one heap of deadlines with generation numbers,
 * so cancelled deadlines are simply ignored when they come up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "acd_int.h"

enum { SEARCH_MAX = 256, EXCLUDE_MAX = 8, RETRY_MS = 5000,
       MEMBERS_MAX = 64, OFFERS_MAX = 512 };

enum task_state { T_WAITING, T_OFFERED, T_HANDLING };

enum deadline_kind { DL_RING, DL_WRAPUP, DL_ESCALATE, DL_MAXWAIT, DL_RETRY };

struct deadline {
	uint64_t at;
	enum deadline_kind kind;
	uint64_t id;
	uint32_t agent;
	uint32_t gen;
	size_t hidx;
};

struct queue;
struct agent;

struct member {
	struct agent *agent;
	struct queue *queue;
	uint8_t level;
	int weight;
	int position;
	int64_t key;
	uint64_t rr_stamp;
	size_t hidx;
};

struct queue {
	struct acd_queue_cfg cfg;
	struct heap tasks;   /* waiting */
	struct heap agents;  /* routable members */
	struct member **memberv;
	size_t memberc, membercap;
	uint64_t rr_counter;
	struct acd_counts today;
	uint64_t day_start;
	struct bucket buckets[BUCKETS];
	bool removed; /* deleted: handled tasks finish, nothing new enters */
};

struct agent {
	struct acd_agent_cfg cfg;
	uint8_t level[64]; /* level by skill for skills < 64, else scan */
	enum acd_agent_state presence; /* LOGGED_OUT, AVAILABLE or AWAY */
	enum acd_agent_state state;    /* derived, reported */
	char reason[ACD_REASON_MAX];
	uint64_t state_since;
	uint64_t state_ms[ACD_STATES];
	uint32_t load[ACD_CHANNELS];
	uint32_t loadsum;
	struct task *offer;
	uint64_t wrapup_until;
	uint32_t wrap_gen;
	uint64_t idle_since;
	uint32_t handled, missed, consec_miss;
	struct member *memberv[MEMBERS_MAX];
	size_t memberc;
	bool routable;
	bool removed; /* deleted while busy: freed when its last task ends */
};

struct task {
	struct acd_task_cfg cfg;
	enum task_state state;
	struct queue *queue;
	struct acd_skill_req req[ACD_SKILLS_MAX + 1];
	size_t reqc;
	struct acd_skill_req alt;
	int priority;
	int boost;
	uint64_t entered;     /* original entry: keeps its place */
	uint64_t queued;      /* entered the current queue */
	size_t hidx;
	struct agent **offerv;
	size_t offerc, offercap;
	uint32_t offer_gen, esc_gen;
	size_t esc_next;
	int esc_raise;        /* priority added by this queue's escalations */
	struct agent *agent;  /* handling */
	uint64_t answered;
	uint32_t exclude[EXCLUDE_MAX];
	size_t excludec;
};

struct acd {
	struct idmap queues, agents, tasks;
	struct heap deadlines;
	acd_decision_h *dh;
	void *arg;
	uint64_t rng;
	uint64_t now;
};

/* A queue or an agent that is configured (not removed), or NULL. */
static struct queue *queue_find(const struct acd *acd, uint32_t id)
{
	struct queue *q = acd ? idmap_get(&acd->queues, id) : NULL;

	return q && !q->removed ? q : NULL;
}

static struct agent *agent_find(const struct acd *acd, uint32_t id)
{
	struct agent *a = acd ? idmap_get(&acd->agents, id) : NULL;

	return a && !a->removed ? a : NULL;
}

static const char *statenames[ACD_STATES] = {
	"logged_out", "available", "reserved", "busy", "wrapup", "away",
};

static const char *strategynames[ACD_STRATEGIES] = {
	"longest_idle", "round_robin", "fewest_calls", "least_occupied",
	"highest_skill", "ring_all", "random", "top_down",
};

const char *acd_state_name(enum acd_agent_state state)
{
	return state < ACD_STATES ? statenames[state] : "?";
}

const char *acd_strategy_name(enum acd_strategy s)
{
	return s < ACD_STRATEGIES ? strategynames[s] : "?";
}

int acd_strategy_decode(enum acd_strategy *sp, const char *name)
{
	int i;

	for (i = 0; i < ACD_STRATEGIES; i++) {
		if (!strcmp(name, strategynames[i])) {
			*sp = (enum acd_strategy)i;
			return 0;
		}
	}
	return EINVAL;
}

static void decide(struct acd *acd, enum acd_decision_type type,
		   uint64_t task, uint32_t agent, uint32_t queue)
{
	struct acd_decision d = {type, task, agent, queue};

	if (acd->dh)
		acd->dh(&d, acd->arg);
}

/* --- heaps' orderings ------------------------------------------------ */

static int task_less(const void *a, const void *b)
{
	const struct task *x = a, *y = b;

	if (x->boost != y->boost)
		return x->boost > y->boost;
	if (x->priority != y->priority)
		return x->priority > y->priority;
	if (x->entered != y->entered)
		return x->entered < y->entered;
	return x->cfg.id < y->cfg.id;
}

static void task_setidx(void *item, size_t idx)
{
	((struct task *)item)->hidx = idx;
}

static int member_less(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key;
	if (x->position != y->position)
		return x->position < y->position;
	return x->agent->cfg.id < y->agent->cfg.id;
}

static void member_setidx(void *item, size_t idx)
{
	((struct member *)item)->hidx = idx;
}

static int deadline_less(const void *a, const void *b)
{
	const struct deadline *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at;
	return x->id < y->id;
}

static void deadline_setidx(void *item, size_t idx)
{
	((struct deadline *)item)->hidx = idx;
}

static void deadline_add(struct acd *acd, uint64_t at,
			 enum deadline_kind kind, uint64_t id, uint32_t agent,
			 uint32_t gen)
{
	struct deadline *d = calloc(1, sizeof(*d));

	if (!d)
		return;
	d->at = at;
	d->kind = kind;
	d->id = id;
	d->agent = agent;
	d->gen = gen;
	if (heap_push(&acd->deadlines, d))
		free(d);
}

/* --- statistics ------------------------------------------------------ */

static struct acd_counts *bucket_at(struct queue *q, uint64_t now)
{
	uint64_t start = now - now % ACD_INTERVAL_MS;
	struct bucket *b = &q->buckets[(start / ACD_INTERVAL_MS) % BUCKETS];
	uint64_t day = now - now % (24ULL * 3600 * 1000);

	if (q->day_start != day) {
		memset(&q->today, 0, sizeof(q->today));
		q->day_start = day;
	}
	if (!b->used || b->start != start) {
		memset(b, 0, sizeof(*b));
		b->used = true;
		b->start = start;
	}
	return &b->c;
}

#define COUNT(q, now, field, v)                                              \
	do {                                                                 \
		struct acd_counts *c_ = bucket_at((q), (now));               \
		c_->field += (v);                                            \
		(q)->today.field += (v);                                     \
	} while (0)

static double ratio(double num, double den, double scale)
{
	return den > 0 ? scale * num / den : -1;
}

void acd_figures_compute(struct acd_figures *f, const struct acd_counts *c)
{
	double settled = (double)c->answered + c->abandoned;

	f->sl_pct = ratio(c->answered_in_sl, settled, 100);
	f->asa_ms = ratio((double)c->wait_ms_sum, c->answered, 1);
	f->aht_ms = ratio((double)(c->talk_ms_sum + c->hold_ms_sum +
				   c->wrapup_ms_sum), c->handled, 1);
	f->abandon_pct = ratio(c->abandoned, settled, 100);
}

/* --- agent state ----------------------------------------------------- */

static enum acd_agent_state derive_state(const struct agent *a)
{
	if (a->presence == ACD_LOGGED_OUT)
		return ACD_LOGGED_OUT;
	if (a->offer)
		return ACD_RESERVED;
	if (a->loadsum)
		return ACD_BUSY;
	if (a->wrapup_until)
		return ACD_WRAPUP;
	return a->presence;
}

/* An agent whose capacities are all zero handles one voice task and no
 * other channel; otherwise the capacities are as configured. */
static uint32_t capacity(const struct agent *a, enum acd_channel ch)
{
	size_t i;

	for (i = 0; i < ACD_CHANNELS; i++) {
		if (a->cfg.capacity[i])
			return a->cfg.capacity[ch];
	}
	return ch == ACD_VOICE ? 1 : 0;
}

static bool channel_free(const struct agent *a, enum acd_channel ch);

static bool any_channel_free(const struct agent *a)
{
	int ch;

	for (ch = 0; ch < ACD_CHANNELS; ch++) {
		if (channel_free(a, (enum acd_channel)ch))
			return true;
	}
	return false;
}

static int64_t strategy_key(struct acd *acd, const struct member *m)
{
	const struct agent *a = m->agent;
	uint64_t on, work;

	switch (m->queue->cfg.strategy) {
	case ACD_LONGEST_IDLE:
		return (int64_t)a->idle_since;
	case ACD_ROUND_ROBIN:
		return (int64_t)m->rr_stamp;
	case ACD_FEWEST_CALLS:
		return a->handled;
	case ACD_LEAST_OCCUPIED:
		work = a->state_ms[ACD_BUSY] + a->state_ms[ACD_WRAPUP];
		on = work + a->state_ms[ACD_AVAILABLE] +
		     a->state_ms[ACD_RESERVED];
		return on ? (int64_t)(work * 1000000 / on) : 0;
	case ACD_HIGHEST_SKILL:
		return -(int64_t)m->level;
	case ACD_RANDOM:
		return (int64_t)(cc_rand_next(&acd->rng) >> 1);
	case ACD_RING_ALL:
	case ACD_TOP_DOWN:
	default:
		return 0;
	}
}

static void routable_update(struct acd *acd, struct agent *a)
{
	bool r = a->presence == ACD_AVAILABLE && !a->offer &&
		 !a->wrapup_until && !a->removed && any_channel_free(a);
	size_t i;

	if (r == a->routable)
		return;
	a->routable = r;
	for (i = 0; i < a->memberc; i++) {
		struct member *m = a->memberv[i];

		if (r) {
			m->key = strategy_key(acd, m);
			heap_push(&m->queue->agents, m);
		}
		else if (m->hidx != HEAP_NONE)
			heap_remove(&m->queue->agents, m->hidx);
	}
}

static void agent_refresh(struct acd *acd, struct agent *a)
{
	enum acd_agent_state s = derive_state(a);

	if (s != a->state) {
		if (a->state_since && acd->now > a->state_since)
			a->state_ms[a->state] += acd->now - a->state_since;
		if (a->state == ACD_BUSY || a->state == ACD_WRAPUP ||
		    a->state == ACD_RESERVED || s == ACD_AVAILABLE)
			a->idle_since = acd->now;
		a->state = s;
		a->state_since = acd->now;
	}
	routable_update(acd, a);
}

static uint8_t agent_level(const struct agent *a, uint16_t skill)
{
	size_t i;

	if (skill < 64)
		return a->level[skill];
	for (i = 0; i < a->cfg.skillc; i++) {
		if (a->cfg.skillv[i].skill == skill)
			return a->cfg.skillv[i].min_level;
	}
	return 0;
}

static bool channel_free(const struct agent *a, enum acd_channel ch)
{
	if (a->load[ch] >= capacity(a, ch))
		return false;
	if (a->cfg.voice_excludes_chat) {
		if (ch == ACD_VOICE && a->loadsum)
			return false;
		if (ch == ACD_CHAT && a->load[ACD_VOICE])
			return false;
	}
	/* Voice is exclusive of a second voice task whatever the capacity
	 * says about other channels. */
	return true;
}

static bool eligible(const struct agent *a, const struct task *t)
{
	bool skills = true;
	size_t i;

	if (!channel_free(a, t->cfg.channel))
		return false;
	for (i = 0; i < t->excludec; i++) {
		if (t->exclude[i] == a->cfg.id)
			return false;
	}
	for (i = 0; i < t->reqc && skills; i++) {
		if (agent_level(a, t->req[i].skill) < t->req[i].min_level)
			skills = false;
	}
	if (skills)
		return true;
	return t->alt.skill && agent_level(a, t->alt.skill) >= t->alt.min_level;
}

/* Visits heap entries best-first; returns the first index match accepts,
 * or HEAP_NONE after SEARCH_MAX visits. */
static size_t heap_search(const struct heap *h,
			  bool (*match)(const void *item, const void *ctx),
			  const void *ctx, size_t limit)
{
	/* The frontier is itself a small binary heap of indices into h. */
	size_t fr[2 * SEARCH_MAX + 2], n = 0, visits = 0;

	if (!h->n)
		return HEAP_NONE;
	fr[n++] = 0;
	while (n && visits < limit) {
		size_t idx = fr[0], c, i;

		/* pop the best */
		fr[0] = fr[--n];
		for (i = 0;;) {
			size_t l = 2 * i + 1, m = i, tmp;

			if (l < n && h->less(h->v[fr[l]], h->v[fr[m]]))
				m = l;
			if (l + 1 < n && h->less(h->v[fr[l + 1]], h->v[fr[m]]))
				m = l + 1;
			if (m == i)
				break;
			tmp = fr[i];
			fr[i] = fr[m];
			fr[m] = tmp;
			i = m;
		}
		visits++;
		if (match(h->v[idx], ctx))
			return idx;
		for (c = 2 * idx + 1; c <= 2 * idx + 2 && c < h->n; c++) {
			if (n == sizeof(fr) / sizeof(fr[0]))
				break;
			/* push the child */
			for (i = n++; i > 0; i = (i - 1) / 2) {
				size_t p = (i - 1) / 2;

				if (!h->less(h->v[c], h->v[fr[p]]))
					break;
				fr[i] = fr[p];
			}
			fr[i] = c;
		}
	}
	return HEAP_NONE;
}

static bool member_matches(const void *item, const void *ctx)
{
	return eligible(((const struct member *)item)->agent, ctx);
}

static bool task_matches(const void *item, const void *ctx)
{
	return eligible(ctx, item);
}

/* --- offers ---------------------------------------------------------- */

static void offer_to(struct acd *acd, struct task *t, struct agent *a)
{
	struct queue *q = t->queue;
	size_t i;

	if (t->offerc == t->offercap) {
		size_t cap = t->offercap ? t->offercap * 2 : 2;
		struct agent **v = realloc(t->offerv, cap * sizeof(*v));

		if (!v)
			return;
		t->offerv = v;
		t->offercap = cap;
	}
	t->offerv[t->offerc++] = a;
	a->offer = t;
	for (i = 0; i < a->memberc; i++) {
		if (a->memberv[i]->queue == q)
			a->memberv[i]->rr_stamp = ++q->rr_counter;
	}
	agent_refresh(acd, a);
}

static void offers_start(struct acd *acd, struct task *t)
{
	size_t i;

	if (t->hidx != HEAP_NONE)
		heap_remove(&t->queue->tasks, t->hidx);
	t->state = T_OFFERED;
	t->offer_gen++;
	if (t->queue->cfg.ring_timeout_ms)
		deadline_add(acd, acd->now + t->queue->cfg.ring_timeout_ms,
			     DL_RING, t->cfg.id, 0, t->offer_gen);
	for (i = 0; i < t->offerc; i++)
		decide(acd, ACD_DEC_OFFER, t->cfg.id, t->offerv[i]->cfg.id,
		       t->queue->cfg.id);
}

static bool preferred_wait(const struct acd *acd, const struct task *t)
{
	return t->cfg.preferred_agent && acd->now < t->cfg.preferred_until;
}

/* Finds agents for a waiting task; offers when found. */
static void try_task(struct acd *acd, struct task *t)
{
	struct queue *q = t->queue;
	size_t idx;

	if (t->state != T_WAITING || q->removed)
		return;
	if (preferred_wait(acd, t)) {
		struct agent *a = agent_find(acd, t->cfg.preferred_agent);
		size_t i;

		if (!a || !a->routable || !eligible(a, t))
			return;
		for (i = 0; i < a->memberc; i++) {
			if (a->memberv[i]->queue == q) {
				offer_to(acd, t, a);
				offers_start(acd, t);
				return;
			}
		}
		return;
	}
	if (q->cfg.strategy == ACD_RING_ALL) {
		struct member *found[OFFERS_MAX];
		size_t n = 0, i;

		for (i = 0; i < q->agents.n && n < OFFERS_MAX; i++) {
			if (member_matches(q->agents.v[i], t))
				found[n++] = q->agents.v[i];
		}
		if (!n)
			return;
		for (i = 0; i < n; i++)
			offer_to(acd, t, found[i]->agent);
		offers_start(acd, t);
		return;
	}
	idx = heap_search(&q->agents, member_matches, t, SEARCH_MAX);
	if (idx == HEAP_NONE)
		return;
	offer_to(acd, t, ((struct member *)q->agents.v[idx])->agent);
	offers_start(acd, t);
}

/* A routable agent looks for the most urgent task among all its queues:
 * priority, then queue weight, then the oldest. */
static void try_agent(struct acd *acd, struct agent *a)
{
	struct task *best = NULL;
	int best_weight = 0;
	size_t i;

	if (!a->routable)
		return;
	for (i = 0; i < a->memberc; i++) {
		struct member *m = a->memberv[i];
		struct queue *q = m->queue;
		struct task *t;
		size_t idx;

		idx = heap_search(&q->tasks, task_matches, a, SEARCH_MAX);
		if (idx == HEAP_NONE)
			continue;
		t = q->tasks.v[idx];
		if (preferred_wait(acd, t) &&
		    t->cfg.preferred_agent != a->cfg.id)
			continue;
		if (!best || t->boost > best->boost ||
		    (t->boost == best->boost &&
		     (t->priority > best->priority ||
		      (t->priority == best->priority &&
		       (m->weight > best_weight ||
			(m->weight == best_weight &&
			 t->entered < best->entered)))))) {
			best = t;
			best_weight = m->weight;
		}
	}
	if (!best)
		return;
	if (best->queue->cfg.strategy == ACD_RING_ALL) {
		try_task(acd, best);
		return;
	}
	offer_to(acd, best, a);
	offers_start(acd, best);
}

static int offer_remove(struct task *t, struct agent *a)
{
	size_t i;

	for (i = 0; i < t->offerc; i++) {
		if (t->offerv[i] == a) {
			t->offerv[i] = t->offerv[--t->offerc];
			a->offer = NULL;
			return 0;
		}
	}
	return EPROTO;
}

/* Puts a task (back) in its queue's waiting heap. */
static void task_wait(struct acd *acd, struct task *t)
{
	t->state = T_WAITING;
	if (t->hidx == HEAP_NONE)
		heap_push(&t->queue->tasks, t);
	(void)acd;
}

static void exclude_add(struct task *t, uint32_t agent)
{
	if (t->excludec == EXCLUDE_MAX)
		memmove(t->exclude, t->exclude + 1,
			(EXCLUDE_MAX - 1) * sizeof(t->exclude[0]));
	else
		t->excludec++;
	t->exclude[t->excludec - 1] = agent;
}

static void offers_cancel(struct acd *acd, struct task *t);
static void task_overflow(struct acd *acd, struct task *t);
static void task_reconfigure(struct acd *acd, struct task *t);
static void agent_reap(struct acd *acd, struct agent *a);
static int member_remove(struct acd *acd, struct agent *a, struct queue *q);

/* The offer out to agent a is withdrawn (logged out, away, removed from
 * the queue or the center): when nobody else rings with it, the task goes
 * back to the head of its queue and is tried again. */
static void offer_withdraw(struct acd *acd, struct agent *a)
{
	struct task *t = a->offer;

	offer_remove(t, a);
	if (!t->offerc) {
		t->offer_gen++;
		t->boost = 1;
		task_wait(acd, t);
	}
	agent_refresh(acd, a);
	decide(acd, ACD_DEC_CANCEL, t->cfg.id, a->cfg.id, t->queue->cfg.id);
	if (t->state == T_WAITING)
		try_task(acd, t);
}

/* --- queues, agents, members ----------------------------------------- */

static int queue_cfg_check(const struct acd_queue_cfg *cfg)
{
	size_t i;

	if (!cfg->id || cfg->strategy >= ACD_STRATEGIES ||
	    cfg->escc > ACD_ESCALATIONS_MAX || cfg->sl_target_pct > 100 ||
	    (cfg->skill.skill && (cfg->skill.min_level < 1 ||
				  cfg->skill.min_level > 10)))
		return EINVAL;
	for (i = 0; i < cfg->escc; i++) {
		if (cfg->escv[i].kind > ACD_ESC_MOVE_QUEUE)
			return EINVAL;
		if (i && cfg->escv[i].after_ms < cfg->escv[i - 1].after_ms)
			return EINVAL;
	}
	return 0;
}

int acd_queue_add(struct acd *acd, const struct acd_queue_cfg *cfg)
{
	struct queue *q;
	int err;

	if (!acd || !cfg || queue_cfg_check(cfg))
		return EINVAL;
	q = idmap_get(&acd->queues, cfg->id);
	if (q && q->removed) {
		/* Its id comes back (the store reuses the rowid of a
		 * deleted last row): a new queue keeping the old counts. */
		q->removed = false;
		return acd_queue_update(acd, cfg);
	}
	if (q)
		return EEXIST;
	q = calloc(1, sizeof(*q));
	if (!q)
		return ENOMEM;
	q->cfg = *cfg;
	q->tasks.less = task_less;
	q->tasks.setidx = task_setidx;
	q->agents.less = member_less;
	q->agents.setidx = member_setidx;
	err = idmap_put(&acd->queues, cfg->id, q);
	if (err)
		free(q);
	return err;
}

int acd_queue_update(struct acd *acd, const struct acd_queue_cfg *cfg)
{
	struct queue *q;
	struct task **waitv;
	bool skill_changed;
	size_t i, n;

	if (!acd || !cfg || queue_cfg_check(cfg))
		return EINVAL;
	q = queue_find(acd, cfg->id);
	if (!q)
		return ENOENT;
	skill_changed = memcmp(&q->cfg.skill, &cfg->skill,
			       sizeof(cfg->skill)) ||
			q->cfg.escc != cfg->escc ||
			memcmp(q->cfg.escv, cfg->escv,
			       cfg->escc * sizeof(cfg->escv[0])) ||
			q->cfg.max_wait_ms != cfg->max_wait_ms;
	q->cfg = *cfg;
	/* Strategy keys may have changed: re-key the routable members, so
	 * that the next decision follows the new strategy. */
	for (i = 0; i < q->agents.n; i++)
		((struct member *)q->agents.v[i])->key =
			strategy_key(acd, q->agents.v[i]);
	for (i = q->agents.n / 2 + 1; i-- > 0;) {
		if (i < q->agents.n)
			heap_fix(&q->agents, i);
	}
	if (!skill_changed)
		return 0;
	/* Waiting tasks take the new requirements, escalations and
	 * maximum wait, counted from when they entered the queue. Offers
	 * already out and tasks in hand go on. */
	n = q->tasks.n;
	if (!n)
		return 0;
	waitv = malloc(n * sizeof(*waitv));
	if (!waitv)
		return ENOMEM;
	memcpy(waitv, q->tasks.v, n * sizeof(*waitv));
	for (i = 0; i < n; i++)
		task_reconfigure(acd, waitv[i]);
	for (i = 0; i < n; i++) {
		if (idmap_get(&acd->tasks, waitv[i]->cfg.id) == waitv[i])
			try_task(acd, waitv[i]);
	}
	free(waitv);
	return 0;
}

int acd_queue_remove(struct acd *acd, uint32_t queue, uint64_t now)
{
	struct queue *q = queue_find(acd, queue);
	struct task **movev;
	size_t n, i;

	if (!q)
		return ENOENT;
	acd->now = now;
	/* Nothing is offered from it any more; then its members leave (the
	 * offers out are withdrawn, their tasks wait again). */
	q->removed = true;
	while (q->memberc)
		member_remove(acd, q->memberv[0]->agent, q);
	/* Tasks still in it (waiting: offers were withdrawn above) go to
	 * its overflow queue, or are given up (the driver ends them). */
	n = q->tasks.n;
	movev = n ? malloc(n * sizeof(*movev)) : NULL;
	if (n && !movev)
		return ENOMEM;
	if (n)
		memcpy(movev, q->tasks.v, n * sizeof(*movev));
	for (i = 0; i < n; i++)
		task_overflow(acd, movev[i]);
	free(movev);
	return 0;
}

static int agent_cfg_check(const struct acd_agent_cfg *cfg)
{
	size_t i;

	if (!cfg->id || cfg->skillc > 16)
		return EINVAL;
	for (i = 0; i < cfg->skillc; i++) {
		if (!cfg->skillv[i].skill || cfg->skillv[i].min_level < 1 ||
		    cfg->skillv[i].min_level > 10)
			return EINVAL;
	}
	for (i = 0; i < ACD_CHANNELS; i++) {
		if (cfg->capacity[i] > 100)
			return EINVAL;
	}
	return 0;
}

int acd_agent_add(struct acd *acd, const struct acd_agent_cfg *cfg)
{
	struct agent *a;
	size_t i;
	int err;

	if (!acd || !cfg || agent_cfg_check(cfg))
		return EINVAL;
	a = idmap_get(&acd->agents, cfg->id);
	if (a && a->removed) {
		/* Removed while busy and added again before the call
		 * ended: the same agent, configured anew. */
		a->removed = false;
		return acd_agent_update(acd, cfg, acd->now);
	}
	if (a)
		return EEXIST;
	a = calloc(1, sizeof(*a));
	if (!a)
		return ENOMEM;
	a->cfg = *cfg;
	for (i = 0; i < cfg->skillc; i++) {
		if (cfg->skillv[i].skill < 64)
			a->level[cfg->skillv[i].skill] =
				cfg->skillv[i].min_level;
	}
	a->presence = ACD_LOGGED_OUT;
	a->state = ACD_LOGGED_OUT;
	err = idmap_put(&acd->agents, cfg->id, a);
	if (err)
		free(a);
	return err;
}

int acd_member_add(struct acd *acd, uint32_t agent, uint32_t queue,
		   uint8_t level, int weight, int position)
{
	struct agent *a = agent_find(acd, agent);
	struct queue *q = queue_find(acd, queue);
	struct member *m;
	size_t i;

	if (!a || !q)
		return ENOENT;
	for (i = 0; i < a->memberc; i++) {
		if (a->memberv[i]->queue == q)
			return EEXIST;
	}
	if (a->memberc == MEMBERS_MAX || level > 10)
		return EINVAL;
	if (q->memberc == q->membercap) {
		size_t cap = q->membercap ? q->membercap * 2 : 8;
		struct member **v = realloc(q->memberv, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		q->memberv = v;
		q->membercap = cap;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return ENOMEM;
	m->agent = a;
	m->queue = q;
	m->level = level;
	m->weight = weight;
	m->position = position;
	m->hidx = HEAP_NONE;
	a->memberv[a->memberc++] = m;
	q->memberv[q->memberc++] = m;
	if (a->routable) {
		m->key = strategy_key(acd, m);
		heap_push(&q->agents, m);
		try_agent(acd, a);
	}
	return 0;
}

static int member_remove(struct acd *acd, struct agent *a, struct queue *q)
{
	size_t i;

	for (i = 0; i < a->memberc; i++) {
		struct member *m = a->memberv[i];
		size_t j;

		if (m->queue != q)
			continue;
		if (m->hidx != HEAP_NONE)
			heap_remove(&q->agents, m->hidx);
		a->memberv[i] = a->memberv[--a->memberc];
		for (j = 0; j < q->memberc; j++) {
			if (q->memberv[j] == m) {
				q->memberv[j] = q->memberv[--q->memberc];
				break;
			}
		}
		free(m);
		/* Ringing with a task of this queue: withdrawn (the task
		 * goes back to the head). A task in hand is finished. */
		if (a->offer && a->offer->queue == q) {
			offer_withdraw(acd, a);
			try_agent(acd, a);
		}
		return 0;
	}
	return ENOENT;
}

int acd_member_remove(struct acd *acd, uint32_t agent, uint32_t queue)
{
	struct agent *a = agent_find(acd, agent);
	struct queue *q = queue_find(acd, queue);

	if (!a || !q)
		return ENOENT;
	return member_remove(acd, a, q);
}

int acd_member_update(struct acd *acd, uint32_t agent, uint32_t queue,
		      uint8_t level, int weight, int position)
{
	struct agent *a = agent_find(acd, agent);
	struct queue *q = queue_find(acd, queue);
	size_t i;

	if (!a || !q)
		return ENOENT;
	if (level > 10)
		return EINVAL;
	for (i = 0; i < a->memberc; i++) {
		struct member *m = a->memberv[i];

		if (m->queue != q)
			continue;
		m->level = level;
		m->weight = weight;
		m->position = position;
		if (m->hidx != HEAP_NONE) {
			m->key = strategy_key(acd, m);
			heap_fix(&q->agents, m->hidx);
		}
		return 0;
	}
	return ENOENT;
}

/* --- tasks ----------------------------------------------------------- */

static void task_free(struct acd *acd, struct task *t)
{
	if (t->hidx != HEAP_NONE)
		heap_remove(&t->queue->tasks, t->hidx);
	idmap_del(&acd->tasks, t->cfg.id);
	free(t->offerv);
	free(t);
}

static void task_requirements(struct task *t)
{
	size_t i;

	t->reqc = 0;
	if (t->queue->cfg.skill.skill)
		t->req[t->reqc++] = t->queue->cfg.skill;
	for (i = 0; i < t->cfg.skillc; i++)
		t->req[t->reqc++] = t->cfg.skillv[i];
	t->alt.skill = 0;
	t->esc_next = 0;
	t->esc_raise = 0;
	t->esc_gen++;
}

static void escalation_schedule(struct acd *acd, struct task *t)
{
	const struct queue *q = t->queue;

	if (t->esc_next < q->cfg.escc)
		deadline_add(acd, t->queued + q->cfg.escv[t->esc_next].after_ms,
			     DL_ESCALATE, t->cfg.id, 0, t->esc_gen);
}

/* The task joins queue q (arrival, overflow, move, transfer). */
static void task_enter(struct acd *acd, struct task *t, struct queue *q,
		       bool count)
{
	t->queue = q;
	t->queued = acd->now;
	task_requirements(t);
	if (count)
		COUNT(q, acd->now, offered, 1);
	task_wait(acd, t);
	escalation_schedule(acd, t);
	if (q->cfg.max_wait_ms)
		deadline_add(acd, acd->now + q->cfg.max_wait_ms, DL_MAXWAIT,
			     t->cfg.id, 0, t->esc_gen);
	if (preferred_wait(acd, t))
		deadline_add(acd, t->cfg.preferred_until, DL_RETRY, t->cfg.id,
			     0, t->esc_gen);
	try_task(acd, t);
}

/* The task's queue changed its requirements, escalations or maximum wait
 * while the task waits: it is as if it had entered with the new ones at
 * the same time (escalations already due apply at the next tick). */
static void task_reconfigure(struct acd *acd, struct task *t)
{
	const struct queue *q = t->queue;
	uint64_t at;

	t->priority -= t->esc_raise;
	task_requirements(t);
	if (t->hidx != HEAP_NONE)
		heap_fix(&t->queue->tasks, t->hidx);
	escalation_schedule(acd, t);
	if (q->cfg.max_wait_ms) {
		at = t->queued + q->cfg.max_wait_ms;
		deadline_add(acd, at > acd->now ? at : acd->now, DL_MAXWAIT,
			     t->cfg.id, 0, t->esc_gen);
	}
	if (preferred_wait(acd, t))
		deadline_add(acd, t->cfg.preferred_until, DL_RETRY, t->cfg.id,
			     0, t->esc_gen);
}

/* Max wait or max length reached: overflow or give up. */
static void task_overflow(struct acd *acd, struct task *t)
{
	struct queue *from = t->queue;
	struct queue *to = from->cfg.overflow_queue
				   ? queue_find(acd, from->cfg.overflow_queue)
				   : NULL;

	if (t->hidx != HEAP_NONE)
		heap_remove(&from->tasks, t->hidx);
	if (to && to != from) {
		COUNT(from, acd->now, overflowed, 1);
		decide(acd, ACD_DEC_OVERFLOW, t->cfg.id, 0, to->cfg.id);
		task_enter(acd, t, to, true);
		return;
	}
	COUNT(from, acd->now, given_up, 1);
	decide(acd, ACD_DEC_GIVE_UP, t->cfg.id, 0, from->cfg.id);
	task_free(acd, t);
}

int acd_task_add(struct acd *acd, const struct acd_task_cfg *cfg,
		 uint64_t now)
{
	struct queue *q;
	struct task *t;
	size_t i;
	int err;

	if (!acd || !cfg || !cfg->id || cfg->channel >= ACD_CHANNELS ||
	    cfg->skillc > ACD_SKILLS_MAX)
		return EINVAL;
	for (i = 0; i < cfg->skillc; i++) {
		if (!cfg->skillv[i].skill || cfg->skillv[i].min_level > 10)
			return EINVAL;
	}
	q = queue_find(acd, cfg->queue);
	if (!q)
		return ENOENT;
	if (idmap_get(&acd->tasks, cfg->id))
		return EEXIST;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->cfg = *cfg;
	t->priority = cfg->priority;
	t->entered = cfg->entered ? cfg->entered : now;
	t->hidx = HEAP_NONE;
	err = idmap_put(&acd->tasks, cfg->id, t);
	if (err) {
		free(t);
		return err;
	}
	acd->now = now;
	if (q->cfg.max_len && q->tasks.n >= q->cfg.max_len) {
		t->queue = q;
		task_overflow(acd, t);
		return 0;
	}
	task_enter(acd, t, q, true);
	return 0;
}

static struct task *task_get(struct acd *acd, uint64_t id)
{
	return acd ? idmap_get(&acd->tasks, id) : NULL;
}

int acd_offer_accept(struct acd *acd, uint64_t task, uint32_t agent,
		     uint64_t now)
{
	struct task *t = task_get(acd, task);
	struct agent *a = acd ? idmap_get(&acd->agents, agent) : NULL;
	struct queue *q;
	uint64_t wait;

	if (!t || !a)
		return ENOENT;
	if (t->state != T_OFFERED || a->offer != t)
		return EPROTO;
	acd->now = now;
	q = t->queue;
	offer_remove(t, a);
	/* Ring-all: the others lose. */
	offers_cancel(acd, t);
	t->state = T_HANDLING;
	t->agent = a;
	t->answered = now;
	a->load[t->cfg.channel]++;
	a->loadsum++;
	a->consec_miss = 0;
	wait = now - t->entered;
	COUNT(q, now, answered, 1);
	COUNT(q, now, wait_ms_sum, wait);
	if (wait <= q->cfg.sl_threshold_ms)
		COUNT(q, now, answered_in_sl, 1);
	agent_refresh(acd, a);
	/* An agent with capacity left (chats) can take more. */
	try_agent(acd, a);
	return 0;
}

/* A reject or a timeout: the agent missed the offer. */
static int offer_missed(struct acd *acd, struct task *t, struct agent *a,
			uint64_t now)
{
	struct queue *q = t->queue;

	if (t->state != T_OFFERED || a->offer != t)
		return EPROTO;
	acd->now = now;
	offer_remove(t, a);
	a->missed++;
	a->consec_miss++;
	exclude_add(t, a->cfg.id);
	if (q->cfg.max_misses && a->consec_miss >= q->cfg.max_misses) {
		a->presence = ACD_AWAY;
		snprintf(a->reason, sizeof(a->reason), "missed");
		agent_refresh(acd, a);
		decide(acd, ACD_DEC_AGENT_AWAY, t->cfg.id, a->cfg.id,
		       q->cfg.id);
	}
	else
		agent_refresh(acd, a);
	if (!t->offerc) {
		t->offer_gen++;
		task_wait(acd, t);
		deadline_add(acd, now + RETRY_MS, DL_RETRY, t->cfg.id, 0,
			     t->esc_gen);
		try_task(acd, t);
	}
	try_agent(acd, a);
	return 0;
}

int acd_offer_reject(struct acd *acd, uint64_t task, uint32_t agent,
		     uint64_t now)
{
	struct task *t = task_get(acd, task);
	struct agent *a = acd ? idmap_get(&acd->agents, agent) : NULL;

	if (!t || !a)
		return ENOENT;
	return offer_missed(acd, t, a, now);
}

int acd_offer_timeout(struct acd *acd, uint64_t task, uint32_t agent,
		      uint64_t now)
{
	return acd_offer_reject(acd, task, agent, now);
}

/* Frees every agent an offer of t is out to and lets them work. */
static void offers_cancel(struct acd *acd, struct task *t)
{
	struct agent *freed[OFFERS_MAX];
	size_t n = 0, i;

	while (t->offerc) {
		struct agent *o = t->offerv[--t->offerc];

		o->offer = NULL;
		decide(acd, ACD_DEC_CANCEL, t->cfg.id, o->cfg.id,
		       t->queue->cfg.id);
		if (n < OFFERS_MAX)
			freed[n++] = o;
	}
	t->offer_gen++;
	for (i = 0; i < n; i++) {
		agent_refresh(acd, freed[i]);
		try_agent(acd, freed[i]);
	}
}

int acd_task_abandon(struct acd *acd, uint64_t task, uint64_t now)
{
	struct task *t = task_get(acd, task);
	struct queue *q;
	uint64_t wait;

	if (!t)
		return ENOENT;
	if (t->state == T_HANDLING)
		return EPROTO;
	acd->now = now;
	q = t->queue;
	wait = now - t->entered;
	if (wait < q->cfg.short_abandon_ms)
		COUNT(q, now, short_abandoned, 1);
	else {
		COUNT(q, now, abandoned, 1);
		COUNT(q, now, abandon_wait_ms_sum, wait);
	}
	if (t->hidx != HEAP_NONE)
		heap_remove(&q->tasks, t->hidx);
	offers_cancel(acd, t);
	task_free(acd, t);
	return 0;
}

static void wrapup_over(struct acd *acd, struct agent *a)
{
	a->wrapup_until = 0;
	a->wrap_gen++;
	agent_refresh(acd, a);
	if (a->presence == ACD_AVAILABLE)
		decide(acd, ACD_DEC_AGENT_READY, 0, a->cfg.id, 0);
	try_agent(acd, a);
}

int acd_task_end(struct acd *acd, uint64_t task, uint32_t hold_ms,
		 uint64_t now)
{
	struct task *t = task_get(acd, task);
	struct agent *a;
	struct queue *q;
	uint64_t talk;

	if (!t)
		return ENOENT;
	if (t->state != T_HANDLING)
		return EPROTO;
	acd->now = now;
	a = t->agent;
	q = t->queue;
	talk = now - t->answered;
	if (hold_ms > talk)
		hold_ms = (uint32_t)talk;
	a->load[t->cfg.channel]--;
	a->loadsum--;
	a->handled++;
	COUNT(q, now, handled, 1);
	COUNT(q, now, talk_ms_sum, talk - hold_ms);
	COUNT(q, now, hold_ms_sum, hold_ms);
	COUNT(q, now, wrapup_ms_sum, q->cfg.wrapup_ms);
	task_free(acd, t);
	if (a->removed) {
		/* Deleted while on the call: the call was finished, there is
		 * no wrap-up to give and the agent is gone. */
		agent_refresh(acd, a);
		agent_reap(acd, a);
		return 0;
	}
	if (q->cfg.wrapup_ms) {
		a->wrapup_until = now + q->cfg.wrapup_ms;
		a->wrap_gen++;
		deadline_add(acd, a->wrapup_until, DL_WRAPUP, 0, a->cfg.id,
			     a->wrap_gen);
		agent_refresh(acd, a);
		return 0;
	}
	agent_refresh(acd, a);
	try_agent(acd, a);
	return 0;
}

int acd_wrapup_end(struct acd *acd, uint32_t agent, uint64_t now)
{
	struct agent *a = acd ? idmap_get(&acd->agents, agent) : NULL;

	if (!a)
		return ENOENT;
	if (!a->wrapup_until)
		return EPROTO;
	acd->now = now;
	wrapup_over(acd, a);
	return 0;
}

int acd_task_requeue(struct acd *acd, uint64_t task, const char *reason,
		     uint64_t now)
{
	struct task *t = task_get(acd, task);
	struct agent *a;

	if (!t)
		return ENOENT;
	if (t->state != T_HANDLING)
		return EPROTO;
	acd->now = now;
	a = t->agent;
	a->load[t->cfg.channel]--;
	a->loadsum--;
	a->presence = ACD_AWAY;
	snprintf(a->reason, sizeof(a->reason), "%s",
		 reason ? reason : "connection lost");
	t->agent = NULL;
	t->boost = 1;
	exclude_add(t, a->cfg.id);
	agent_refresh(acd, a);
	agent_reap(acd, a);
	if (t->queue->removed) {
		t->state = T_WAITING;
		task_overflow(acd, t);
		return 0;
	}
	task_wait(acd, t);
	try_task(acd, t);
	return 0;
}

int acd_task_transfer(struct acd *acd, uint64_t task, uint32_t queue,
		      uint64_t now)
{
	return acd_task_transfer_to(acd, task, queue, 0, 0, now);
}

int acd_task_transfer_to(struct acd *acd, uint64_t task, uint32_t queue,
			 uint32_t agent, uint64_t until, uint64_t now)
{
	struct task *t = task_get(acd, task);
	struct queue *q = queue_find(acd, queue);

	if (!t || !q)
		return ENOENT;
	acd->now = now;
	t->cfg.preferred_agent = agent;
	t->cfg.preferred_until = agent ? until : 0;
	if (t->state == T_HANDLING) {
		struct agent *a = t->agent;

		a->load[t->cfg.channel]--;
		a->loadsum--;
		t->agent = NULL;
		agent_refresh(acd, a);
		try_agent(acd, a);
		agent_reap(acd, a);
	}
	else if (t->state == T_OFFERED)
		offers_cancel(acd, t);
	if (t->hidx != HEAP_NONE)
		heap_remove(&t->queue->tasks, t->hidx);
	t->boost = 0;
	t->excludec = 0;
	task_enter(acd, t, q, true);
	return 0;
}

/* --- agents' presence ------------------------------------------------ */

int acd_agent_state_set(struct acd *acd, uint32_t agent,
			enum acd_agent_state state, const char *reason,
			uint64_t now)
{
	struct agent *a = agent_find(acd, agent);

	if (!a)
		return ENOENT;
	if (state != ACD_AVAILABLE && state != ACD_AWAY &&
	    state != ACD_LOGGED_OUT)
		return EINVAL;
	acd->now = now;
	if (a->presence == ACD_LOGGED_OUT && state != ACD_LOGGED_OUT)
		a->idle_since = now;
	a->presence = state;
	snprintf(a->reason, sizeof(a->reason), "%s",
		 state == ACD_AWAY && reason ? reason : "");
	if (state == ACD_AVAILABLE)
		a->consec_miss = 0;
	if (a->offer && state != ACD_AVAILABLE) {
		offer_withdraw(acd, a);
		return 0;
	}
	if (state == ACD_LOGGED_OUT && a->wrapup_until) {
		a->wrapup_until = 0;
		a->wrap_gen++;
	}
	agent_refresh(acd, a);
	try_agent(acd, a);
	return 0;
}

/* Frees a removed agent once nothing refers to it (no task in hand). */
static void agent_reap(struct acd *acd, struct agent *a)
{
	if (!a->removed || a->loadsum || a->offer)
		return;
	idmap_del(&acd->agents, a->cfg.id);
	free(a);
}

int acd_agent_remove(struct acd *acd, uint32_t agent, uint64_t now)
{
	struct agent *a = agent_find(acd, agent);

	if (!a)
		return ENOENT;
	acd->now = now;
	while (a->memberc)
		member_remove(acd, a, a->memberv[0]->queue);
	if (a->offer)
		offer_withdraw(acd, a);
	a->wrapup_until = 0;
	a->wrap_gen++;
	a->removed = true;
	/* Busy: reported busy until the last task ends, then gone. */
	if (!a->loadsum) {
		a->presence = ACD_LOGGED_OUT;
		a->reason[0] = '\0';
	}
	agent_refresh(acd, a);
	agent_reap(acd, a);
	return 0;
}

int acd_agent_update(struct acd *acd, const struct acd_agent_cfg *cfg,
		     uint64_t now)
{
	struct agent *a;
	size_t i;

	if (!acd || !cfg || agent_cfg_check(cfg))
		return EINVAL;
	a = agent_find(acd, cfg->id);
	if (!a)
		return ENOENT;
	acd->now = now;
	a->cfg = *cfg;
	memset(a->level, 0, sizeof(a->level));
	for (i = 0; i < cfg->skillc; i++) {
		if (cfg->skillv[i].skill < 64)
			a->level[cfg->skillv[i].skill] =
				cfg->skillv[i].min_level;
	}
	/* A capacity lowered below the load makes the agent unroutable
	 * until enough tasks end; work in hand goes on. */
	agent_refresh(acd, a);
	try_agent(acd, a);
	return 0;
}

/* --- time ------------------------------------------------------------ */

static void escalate(struct acd *acd, struct task *t)
{
	const struct acd_escalation *e = &t->queue->cfg.escv[t->esc_next++];
	struct queue *to;
	size_t i;

	switch (e->kind) {
	case ACD_ESC_LOWER_LEVEL:
		for (i = 0; i < t->reqc; i++) {
			if (t->req[i].skill == e->skill)
				t->req[i].min_level = e->level;
		}
		break;
	case ACD_ESC_ADD_SKILL:
		t->alt.skill = e->skill;
		t->alt.min_level = e->level;
		break;
	case ACD_ESC_RAISE_PRIORITY:
		t->priority += e->delta;
		t->esc_raise += e->delta;
		if (t->hidx != HEAP_NONE)
			heap_fix(&t->queue->tasks, t->hidx);
		break;
	case ACD_ESC_MOVE_QUEUE:
		to = queue_find(acd, e->queue);
		if (!to || to == t->queue || t->state != T_WAITING)
			break;
		heap_remove(&t->queue->tasks, t->hidx);
		COUNT(t->queue, acd->now, overflowed, 1);
		decide(acd, ACD_DEC_OVERFLOW, t->cfg.id, 0, to->cfg.id);
		task_enter(acd, t, to, true);
		return;
	}
	escalation_schedule(acd, t);
	try_task(acd, t);
}

static void deadline_run(struct acd *acd, const struct deadline *d)
{
	struct task *t = d->id ? idmap_get(&acd->tasks, d->id) : NULL;
	struct agent *a;

	switch (d->kind) {
	case DL_RING:
		if (!t || t->state != T_OFFERED || t->offer_gen != d->gen)
			return;
		{
			/* Only the offers that rang out: a re-offer made
			 * while handling them has its own deadline. */
			struct agent *rang[OFFERS_MAX];
			size_t n = 0, i;

			for (i = 0; i < t->offerc && n < OFFERS_MAX; i++)
				rang[n++] = t->offerv[i];
			for (i = 0; i < n; i++) {
				if (rang[i]->offer != t)
					continue;
				decide(acd, ACD_DEC_TIMEOUT, t->cfg.id,
				       rang[i]->cfg.id, t->queue->cfg.id);
				offer_missed(acd, t, rang[i], acd->now);
			}
		}
		break;
	case DL_WRAPUP:
		a = idmap_get(&acd->agents, d->agent);
		if (a && a->wrapup_until && a->wrap_gen == d->gen)
			wrapup_over(acd, a);
		break;
	case DL_ESCALATE:
		if (t && t->esc_gen == d->gen && t->state != T_HANDLING &&
		    t->esc_next < t->queue->cfg.escc)
			escalate(acd, t);
		break;
	case DL_MAXWAIT:
		if (t && t->esc_gen == d->gen && t->state == T_WAITING)
			task_overflow(acd, t);
		break;
	case DL_RETRY:
		if (t && t->state == T_WAITING) {
			t->excludec = 0;
			try_task(acd, t);
		}
		break;
	}
}

void acd_tick(struct acd *acd, uint64_t now)
{
	if (!acd)
		return;
	if (now > acd->now)
		acd->now = now;
	while (acd->deadlines.n) {
		struct deadline *d = acd->deadlines.v[0];

		if (d->at > now)
			break;
		heap_remove(&acd->deadlines, 0);
		deadline_run(acd, d);
		free(d);
	}
}

uint64_t acd_next_deadline(const struct acd *acd)
{
	if (!acd || !acd->deadlines.n)
		return UINT64_MAX;
	return ((const struct deadline *)acd->deadlines.v[0])->at;
}

/* --- queries --------------------------------------------------------- */

int acd_queue_live(const struct acd *acd, uint32_t queue, uint64_t now,
		   struct acd_queue_live *out)
{
	struct queue *q = queue_find(acd, queue);
	struct acd_figures f;
	uint32_t staffed = 0;
	size_t i;
	uint64_t aht;

	if (!q || !out)
		return ENOENT;
	memset(out, 0, sizeof(*out));
	out->waiting = (uint32_t)q->tasks.n;
	for (i = 0; i < q->tasks.n; i++) {
		const struct task *t = q->tasks.v[i];

		if (now > t->entered && now - t->entered > out->longest_wait_ms)
			out->longest_wait_ms = now - t->entered;
	}
	for (i = 0; i < q->memberc; i++) {
		const struct agent *a = q->memberv[i]->agent;

		out->agents[a->state]++;
		if (a->state != ACD_LOGGED_OUT && a->state != ACD_AWAY)
			staffed++;
	}
	if (q->day_start == now - now % (24ULL * 3600 * 1000))
		out->today = q->today;
	out->interval_start = now - now % ACD_INTERVAL_MS;
	acd_queue_interval(acd, queue, out->interval_start, &out->interval);
	/* Expected wait for a newcomer: nobody waits when an agent is free;
	 * otherwise the queue ahead of it served at one AHT per staffed
	 * agent (180 s until today has an AHT). */
	acd_figures_compute(&f, &out->today);
	aht = f.aht_ms > 0 ? (uint64_t)f.aht_ms : 180000;
	if (q->agents.n && !q->tasks.n)
		out->expected_wait_ms = 0;
	else
		out->expected_wait_ms = (out->waiting + 1) * aht /
					(staffed ? staffed : 1);
	return 0;
}

int acd_queue_interval(const struct acd *acd, uint32_t queue,
		       uint64_t start, struct acd_counts *out)
{
	const struct queue *q = acd ? idmap_get(&acd->queues, queue) : NULL;
	const struct bucket *b;

	if (!q || !out)
		return ENOENT;
	b = &q->buckets[(start / ACD_INTERVAL_MS) % BUCKETS];
	memset(out, 0, sizeof(*out));
	if (!b->used || b->start != start)
		return ENOENT;
	*out = b->c;
	return 0;
}

int acd_agent_live(const struct acd *acd, uint32_t agent, uint64_t now,
		   struct acd_agent_live *out)
{
	const struct agent *a = acd ? idmap_get(&acd->agents, agent) : NULL;
	uint64_t work, on;

	if (!a || !out)
		return ENOENT;
	memset(out, 0, sizeof(*out));
	out->state = a->state;
	snprintf(out->reason, sizeof(out->reason), "%s", a->reason);
	out->state_since = a->state_since;
	out->handled = a->handled;
	out->missed = a->missed;
	memcpy(out->state_ms, a->state_ms, sizeof(out->state_ms));
	if (a->state_since && now > a->state_since)
		out->state_ms[a->state] += now - a->state_since;
	memcpy(out->load, a->load, sizeof(out->load));
	work = out->state_ms[ACD_BUSY] + out->state_ms[ACD_WRAPUP];
	on = work + out->state_ms[ACD_AVAILABLE] + out->state_ms[ACD_RESERVED];
	out->occupancy_pct = ratio((double)work, (double)on, 100);
	return 0;
}

int acd_task_find(const struct acd *acd, uint64_t task, uint32_t *queuep,
		  uint32_t *agentp, bool *waitingp)
{
	const struct task *t = acd ? idmap_get(&acd->tasks, task) : NULL;

	if (!t)
		return ENOENT;
	if (queuep)
		*queuep = t->queue->cfg.id;
	if (agentp)
		*agentp = t->agent ? t->agent->cfg.id
			  : t->offerc ? t->offerv[0]->cfg.id : 0;
	if (waitingp)
		*waitingp = t->state == T_WAITING;
	return 0;
}

bool acd_task_offered_to(const struct acd *acd, uint64_t task,
			 uint32_t agent)
{
	const struct task *t = acd ? idmap_get(&acd->tasks, task) : NULL;
	size_t i;

	for (i = 0; t && i < t->offerc; i++)
		if (t->offerv[i]->cfg.id == agent)
			return true;
	return false;
}

int acd_task_position(const struct acd *acd, uint64_t task, uint32_t *posp)
{
	const struct task *t = acd ? idmap_get(&acd->tasks, task) : NULL;
	uint32_t pos = 1;
	size_t i;

	if (!t)
		return ENOENT;
	if (t->state != T_WAITING)
		return EPROTO;
	for (i = 0; i < t->queue->tasks.n; i++) {
		if (task_less(t->queue->tasks.v[i], t))
			pos++;
	}
	*posp = pos;
	return 0;
}

int acd_queue_pick(const struct acd *acd, uint32_t queue,
		   enum acd_channel channel, uint32_t not, uint32_t *agentp)
{
	const struct queue *q = queue_find(acd, queue);
	struct task t;
	size_t idx;

	if (!q || !agentp || channel >= ACD_CHANNELS)
		return q ? EINVAL : ENOENT;
	/* A task that would enter now, never stored: the same eligibility
	 * (skills, capacity) and the same heap (strategy) as a real one. */
	memset(&t, 0, sizeof(t));
	t.cfg.channel = channel;
	t.queue = (struct queue *)q;
	task_requirements(&t);
	if (not)
		t.exclude[t.excludec++] = not;
	idx = heap_search(&q->agents, member_matches, &t, SEARCH_MAX);
	if (idx == HEAP_NONE)
		return EAGAIN;
	*agentp = ((const struct member *)q->agents.v[idx])->agent->cfg.id;
	return 0;
}

/* --- lifetime -------------------------------------------------------- */

static void acd_destructor(void *arg)
{
	struct acd *acd = arg;
	size_t i, j;

	for (i = 0; i < acd->tasks.cap; i++) {
		struct task *t = acd->tasks.vals[i];

		if (acd->tasks.keys[i]) {
			free(t->offerv);
			free(t);
		}
	}
	for (i = 0; i < acd->agents.cap; i++) {
		if (acd->agents.keys[i])
			free(acd->agents.vals[i]);
	}
	for (i = 0; i < acd->queues.cap; i++) {
		struct queue *q = acd->queues.vals[i];

		if (!acd->queues.keys[i])
			continue;
		for (j = 0; j < q->memberc; j++)
			free(q->memberv[j]);
		free(q->memberv);
		heap_free(&q->tasks);
		heap_free(&q->agents);
		free(q);
	}
	for (i = 0; i < acd->deadlines.n; i++)
		free(acd->deadlines.v[i]);
	heap_free(&acd->deadlines);
	idmap_free(&acd->tasks);
	idmap_free(&acd->agents);
	idmap_free(&acd->queues);
}

int acd_alloc(struct acd **acdp, acd_decision_h *dh, void *arg,
	      uint64_t seed)
{
	struct acd *acd;

	if (!acdp)
		return EINVAL;
	acd = mem_zalloc(sizeof(*acd), acd_destructor);
	if (!acd)
		return ENOMEM;
	acd->dh = dh;
	acd->arg = arg;
	acd->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	acd->deadlines.less = deadline_less;
	acd->deadlines.setidx = deadline_setidx;
	*acdp = acd;
	return 0;
}
