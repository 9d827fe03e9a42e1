/*
 * Tests of the routing core: every strategy, escalation step, multi-queue
 * agents, capacity across channels, preferred agents, reject/timeout and
 * auto-away, abandon and logout during an offer, overflow, and the
 * statistics formulas on a hand-computed scenario.
 */
#include <re.h>
#include "acd/acd.h"
#include "test.h"

enum { DEC_MAX = 256 };

struct rec {
	struct acd_decision v[DEC_MAX];
	size_t n;
};

static void on_decision(const struct acd_decision *d, void *arg)
{
	struct rec *r = arg;

	if (r->n < DEC_MAX)
		r->v[r->n++] = *d;
}

/* The last decision of a type, or NULL. */
static const struct acd_decision *last(const struct rec *r,
				       enum acd_decision_type type)
{
	size_t i = r->n;

	while (i--) {
		if (r->v[i].type == type)
			return &r->v[i];
	}
	return NULL;
}

static size_t count(const struct rec *r, enum acd_decision_type type)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].type == type;
	return n;
}

static int setup(struct acd **acdp, struct rec *r, enum acd_strategy s,
		 int nagents)
{
	struct acd_queue_cfg q = {.id = 1, .strategy = s,
				  .sl_threshold_ms = 20000,
				  .ring_timeout_ms = 15000,
				  .wrapup_ms = 5000};
	int i, err;

	memset(r, 0, sizeof(*r));
	err = acd_alloc(acdp, on_decision, r, 42);
	if (err)
		return err;
	err = acd_queue_add(*acdp, &q);
	for (i = 1; i <= nagents && !err; i++) {
		struct acd_agent_cfg a = {.id = (uint32_t)i};

		err = acd_agent_add(*acdp, &a);
		if (!err)
			err = acd_member_add(*acdp, (uint32_t)i, 1,
					     (uint8_t)i, 1, nagents - i);
	}
	return err;
}

static int task(struct acd *acd, uint64_t id, uint32_t queue, uint64_t now)
{
	struct acd_task_cfg t = {.id = id, .queue = queue};

	return acd_task_add(acd, &t, now);
}

/* Logs agents in at the given times, in order. */
static int login(struct acd *acd, uint32_t agent, uint64_t now)
{
	return acd_agent_state_set(acd, agent, ACD_AVAILABLE, NULL, now);
}

/* Offers a task, accepts, ends it and ends wrap-up: one contact. */
static int handle(struct acd *acd, struct rec *r, uint64_t id, uint64_t now,
		  uint32_t *agentp)
{
	const struct acd_decision *d;
	int err;

	r->n = 0;
	err = task(acd, id, 1, now);
	if (err)
		return err;
	d = last(r, ACD_DEC_OFFER);
	if (!d)
		return ENOENT;
	*agentp = d->agent;
	err = acd_offer_accept(acd, id, d->agent, now + 1);
	if (!err)
		err = acd_task_end(acd, id, 0, now + 2);
	if (!err)
		err = acd_wrapup_end(acd, *agentp, now + 3);
	return err;
}

static int strategy_longest_idle(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 3));
	TEST_ERR(login(acd, 2, 100));
	TEST_ERR(login(acd, 1, 200));
	TEST_ERR(login(acd, 3, 300));
	TEST_ERR(handle(acd, &r, 10, 1000, &a));
	TEST_EQ(a, 2);
	TEST_ERR(handle(acd, &r, 11, 2000, &a));
	TEST_EQ(a, 1);
	TEST_ERR(handle(acd, &r, 12, 3000, &a));
	TEST_EQ(a, 3);
	TEST_ERR(handle(acd, &r, 13, 4000, &a));
	TEST_EQ(a, 2);
out:
	mem_deref(acd);
	return err;
}

static int strategy_round_robin(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0, seen[6];
	int err = 0, i;

	TEST_ERR(setup(&acd, &r, ACD_ROUND_ROBIN, 3));
	for (i = 1; i <= 3; i++)
		TEST_ERR(login(acd, (uint32_t)i, 100));
	for (i = 0; i < 6; i++) {
		TEST_ERR(handle(acd, &r, (uint64_t)(10 + i),
				(uint64_t)(1000 * (i + 1)), &a));
		seen[i] = a;
	}
	/* Positions: agent 3 is 0, agent 2 is 1, agent 1 is 2. */
	TEST_EQ(seen[0], 3);
	TEST_EQ(seen[1], 2);
	TEST_EQ(seen[2], 1);
	TEST_EQ(seen[3], 3);
	TEST_EQ(seen[4], 2);
	TEST_EQ(seen[5], 1);
out:
	mem_deref(acd);
	return err;
}

static int strategy_fewest_calls(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_FEWEST_CALLS, 2));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(handle(acd, &r, 10, 1000, &a));
	TEST_ERR(handle(acd, &r, 11, 2000, &a));
	TEST_EQ(a, 1);
	TEST_ERR(login(acd, 2, 2500));
	/* Agent 1 has handled 2, agent 2 none. */
	TEST_ERR(handle(acd, &r, 12, 3000, &a));
	TEST_EQ(a, 2);
	TEST_ERR(handle(acd, &r, 13, 4000, &a));
	TEST_EQ(a, 2);
	TEST_ERR(handle(acd, &r, 14, 5000, &a));
	TEST_EQ(a, 2); /* 2 each: tie broken by position (agent 2 is 0) */
out:
	mem_deref(acd);
	return err;
}

static int strategy_least_occupied(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LEAST_OCCUPIED, 2));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(login(acd, 2, 0));
	/* Agent 2 (position 0) works 9 s of 10. */
	r.n = 0;
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
	TEST_ERR(acd_offer_accept(acd, 10, 2, 1000));
	TEST_ERR(acd_task_end(acd, 10, 0, 10000));
	TEST_ERR(acd_wrapup_end(acd, 2, 10000));
	TEST_ERR(handle(acd, &r, 11, 20000, &a));
	TEST_EQ(a, 1);
	/* Now agent 1 is barely occupied; agent 2 still is the most. */
	TEST_ERR(handle(acd, &r, 12, 30000, &a));
	TEST_EQ(a, 1);
out:
	mem_deref(acd);
	return err;
}

static int strategy_highest_skill(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_HIGHEST_SKILL, 3));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 3, 100));
	TEST_ERR(login(acd, 2, 100));
	/* Member level = agent id. */
	TEST_ERR(handle(acd, &r, 10, 1000, &a));
	TEST_EQ(a, 3);
	TEST_ERR(handle(acd, &r, 11, 2000, &a));
	TEST_EQ(a, 3);
out:
	mem_deref(acd);
	return err;
}

static int strategy_ring_all(void)
{
	struct acd *acd = NULL;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_RING_ALL, 3));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 2, 100));
	TEST_ERR(login(acd, 3, 100));
	r.n = 0;
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 3);
	TEST_ERR(acd_offer_accept(acd, 10, 2, 2000));
	TEST_EQ(count(&r, ACD_DEC_CANCEL), 2);
	/* The losers are free again: a second task rings them both. */
	r.n = 0;
	TEST_ERR(task(acd, 11, 1, 3000));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 2);
	TEST_EQ(acd_offer_accept(acd, 11, 2, 3000), EPROTO);
out:
	mem_deref(acd);
	return err;
}

static int strategy_random_reproducible(void)
{
	uint32_t first[2][20];
	int run, err = 0, i;
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int distinct[4] = {0};

	for (run = 0; run < 2; run++) {
		TEST_ERR(setup(&acd, &r, ACD_RANDOM, 3));
		for (i = 1; i <= 3; i++)
			TEST_ERR(login(acd, (uint32_t)i, 100));
		for (i = 0; i < 20; i++) {
			TEST_ERR(handle(acd, &r, (uint64_t)(10 + i),
					(uint64_t)(1000 * (i + 1)), &a));
			first[run][i] = a;
			distinct[a] = 1;
		}
		acd = mem_deref(acd);
	}
	TEST_ASSERT(!memcmp(first[0], first[1], sizeof(first[0])));
	TEST_EQ(distinct[1] + distinct[2] + distinct[3], 3);
out:
	mem_deref(acd);
	return err;
}

static int strategy_top_down(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_TOP_DOWN, 3));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 2, 200));
	TEST_ERR(login(acd, 3, 300));
	/* Position: agent 3 first (0), then 2, then 1. */
	TEST_ERR(handle(acd, &r, 10, 1000, &a));
	TEST_EQ(a, 3);
	TEST_ERR(handle(acd, &r, 11, 2000, &a));
	TEST_EQ(a, 3);
	TEST_ERR(acd_agent_state_set(acd, 3, ACD_AWAY, "lunch", 2500));
	TEST_ERR(handle(acd, &r, 12, 3000, &a));
	TEST_EQ(a, 2);
out:
	mem_deref(acd);
	return err;
}

static int waiting_task_goes_to_agent_who_logs_in(void)
{
	struct acd *acd = NULL;
	struct acd_queue_live live;
	struct rec r;
	uint32_t pos = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(task(acd, 11, 1, 2000));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	TEST_ERR(acd_task_position(acd, 11, &pos));
	TEST_EQ(pos, 2);
	TEST_ERR(acd_queue_live(acd, 1, 5000, &live));
	TEST_EQ(live.waiting, 2);
	TEST_EQ(live.longest_wait_ms, 4000);
	TEST_ERR(login(acd, 1, 6000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
out:
	mem_deref(acd);
	return err;
}

static int priority_then_age(void)
{
	struct acd *acd = NULL;
	struct acd_task_cfg vip = {.id = 12, .queue = 1, .priority = 5};
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(task(acd, 11, 1, 2000));
	TEST_ERR(acd_task_add(acd, &vip, 3000));
	TEST_ERR(login(acd, 1, 4000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 12);
	TEST_ERR(acd_offer_accept(acd, 12, 1, 4000));
	TEST_ERR(acd_task_end(acd, 12, 0, 5000));
	TEST_ERR(acd_wrapup_end(acd, 1, 5000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
out:
	mem_deref(acd);
	return err;
}

static int multi_queue_most_urgent_first(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q2 = {.id = 2, .strategy = ACD_LONGEST_IDLE};
	struct acd_queue_cfg q3 = {.id = 3, .strategy = ACD_LONGEST_IDLE};
	struct acd_task_cfg hi = {.id = 30, .queue = 3, .priority = 1};
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(acd_queue_add(acd, &q2));
	TEST_ERR(acd_queue_add(acd, &q3));
	TEST_ERR(acd_member_add(acd, 1, 2, 5, 5, 0)); /* heavier weight */
	TEST_ERR(acd_member_add(acd, 1, 3, 5, 1, 0));
	TEST_ERR(task(acd, 10, 1, 1000)); /* oldest, weight 1 */
	TEST_ERR(task(acd, 20, 2, 2000)); /* weight 5 */
	TEST_ERR(acd_task_add(acd, &hi, 3000)); /* priority 1 */
	TEST_ERR(login(acd, 1, 4000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 30);
	TEST_ERR(acd_offer_accept(acd, 30, 1, 4000));
	TEST_ERR(acd_task_end(acd, 30, 0, 5000)); /* no wrap-up there */
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 20); /* weight before age */
	TEST_ERR(acd_offer_accept(acd, 20, 1, 5000));
	TEST_ERR(acd_task_end(acd, 20, 0, 6000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
out:
	mem_deref(acd);
	return err;
}

static int capacity_across_channels(void)
{
	struct acd *acd = NULL;
	struct acd_agent_cfg a = {.id = 7, .voice_excludes_chat = true};
	struct acd_task_cfg chat = {.queue = 1, .channel = ACD_CHAT};
	struct acd_task_cfg voice = {.id = 50, .queue = 1,
				     .channel = ACD_VOICE};
	struct rec r;
	int err = 0, i;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 0));
	a.capacity[ACD_CHAT] = 3;
	TEST_ERR(acd_agent_add(acd, &a));
	TEST_ERR(acd_member_add(acd, 7, 1, 5, 1, 0));
	TEST_ERR(login(acd, 7, 100));
	for (i = 0; i < 4; i++) {
		chat.id = (uint64_t)(10 + i);
		r.n = 0;
		TEST_ERR(acd_task_add(acd, &chat, (uint64_t)(1000 + i)));
		if (i < 3) {
			TEST_EQ(count(&r, ACD_DEC_OFFER), 1);
			TEST_ERR(acd_offer_accept(acd, chat.id, 7,
						  (uint64_t)(1000 + i)));
		}
		else
			TEST_EQ(count(&r, ACD_DEC_OFFER), 0); /* full */
	}
	/* Voice waits while any chat is open (voice excludes chat). */
	r.n = 0;
	TEST_ERR(acd_task_add(acd, &voice, 2000));
	TEST_ERR(acd_task_end(acd, 10, 0, 3000)); /* frees one chat slot */
	TEST_ERR(acd_wrapup_end(acd, 7, 3000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 13); /* the 4th chat */
out:
	mem_deref(acd);
	return err;
}

static int skills_and_levels(void)
{
	struct acd *acd = NULL;
	struct acd_agent_cfg lo = {.id = 1, .skillc = 1,
				   .skillv = {{3, 4}}};
	struct acd_agent_cfg hi = {.id = 2, .skillc = 1,
				   .skillv = {{3, 8}}};
	struct acd_task_cfg t = {.id = 10, .queue = 1, .skillc = 1,
				 .skillv = {{3, 6}}};
	struct acd_task_cfg u = {.id = 11, .queue = 1, .skillc = 1,
				 .skillv = {{9, 1}}};
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 0));
	TEST_ERR(acd_agent_add(acd, &lo));
	TEST_ERR(acd_agent_add(acd, &hi));
	TEST_ERR(acd_member_add(acd, 1, 1, 5, 1, 0));
	TEST_ERR(acd_member_add(acd, 2, 1, 5, 1, 1));
	TEST_ERR(login(acd, 1, 100)); /* longest idle, but level 4 < 6 */
	TEST_ERR(login(acd, 2, 200));
	TEST_ERR(acd_task_add(acd, &t, 1000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
	r.n = 0;
	TEST_ERR(acd_task_add(acd, &u, 1000)); /* nobody has skill 9 */
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
out:
	mem_deref(acd);
	return err;
}

static int escalation_steps(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q = {
		.id = 5, .strategy = ACD_LONGEST_IDLE,
		.skill = {3, 8},
		.escc = 3,
		.escv = {{10000, ACD_ESC_LOWER_LEVEL, 3, 5, 0, 0},
			 {20000, ACD_ESC_ADD_SKILL, 4, 2, 0, 0},
			 {30000, ACD_ESC_RAISE_PRIORITY, 0, 0, 10, 0}},
	};
	struct acd_queue_cfg q6 = {.id = 6, .strategy = ACD_LONGEST_IDLE,
				   .escc = 1,
				   .escv = {{5000, ACD_ESC_MOVE_QUEUE, 0, 0,
					     0, 5}}};
	struct acd_agent_cfg mid = {.id = 1, .skillc = 1, .skillv = {{3, 6}}};
	struct acd_agent_cfg other = {.id = 2, .skillc = 1,
				      .skillv = {{4, 3}}};
	struct acd_task_cfg t = {.id = 10, .queue = 5};
	struct acd_task_cfg t2 = {.id = 11, .queue = 5};
	struct acd_task_cfg old = {.id = 12, .queue = 5};
	struct acd_task_cfg moved = {.id = 20, .queue = 6};
	struct rec r;
	uint32_t qid = 0;
	int err = 0;

	memset(&r, 0, sizeof(r));
	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	TEST_ERR(acd_queue_add(acd, &q));
	TEST_ERR(acd_queue_add(acd, &q6));
	TEST_ERR(acd_agent_add(acd, &mid));
	TEST_ERR(acd_agent_add(acd, &other));
	TEST_ERR(acd_member_add(acd, 1, 5, 5, 1, 0));
	TEST_ERR(acd_member_add(acd, 2, 5, 5, 1, 1));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(acd_task_add(acd, &t, 1000));
	acd_tick(acd, 10999);
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	/* Step 1: level 8 lowered to 5: agent 1 (level 6) qualifies. */
	acd_tick(acd, 11000);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	TEST_ERR(acd_offer_accept(acd, 10, 1, 11000));
	/* Step 2: skill 4 at level 2 as an alternative: agent 2. */
	TEST_ERR(login(acd, 2, 11000));
	r.n = 0;
	TEST_ERR(acd_task_add(acd, &t2, 12000));
	TEST_ERR(acd_task_add(acd, &old, 12500));
	acd_tick(acd, 31999);
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	acd_tick(acd, 32000);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 11);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
	/* Step 4 elsewhere: moved to queue 5 after 5 s, keeping its entry
	 * time, and counted as an overflow. */
	r.n = 0;
	TEST_ERR(acd_task_add(acd, &moved, 40000));
	acd_tick(acd, 45000);
	TEST_EQ(last(&r, ACD_DEC_OVERFLOW)->queue, 5);
	TEST_ERR(acd_task_find(acd, 20, &qid, NULL, NULL));
	TEST_EQ(qid, 5);
out:
	mem_deref(acd);
	return err;
}

static int raise_priority_reorders(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q = {
		.id = 1, .strategy = ACD_LONGEST_IDLE, .escc = 1,
		.escv = {{10000, ACD_ESC_RAISE_PRIORITY, 0, 0, 5, 0}}};
	struct acd_queue_cfg q2 = {.id = 2, .strategy = ACD_LONGEST_IDLE};
	struct acd_agent_cfg a = {.id = 1};
	struct acd_task_cfg t1 = {.id = 10, .queue = 1};
	struct acd_task_cfg t2 = {.id = 20, .queue = 2, .priority = 3};
	struct rec r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	TEST_ERR(acd_queue_add(acd, &q));
	TEST_ERR(acd_queue_add(acd, &q2));
	TEST_ERR(acd_agent_add(acd, &a));
	TEST_ERR(acd_member_add(acd, 1, 1, 5, 1, 0));
	TEST_ERR(acd_member_add(acd, 1, 2, 5, 1, 0));
	TEST_ERR(acd_task_add(acd, &t1, 1000));
	TEST_ERR(acd_task_add(acd, &t2, 2000));
	acd_tick(acd, 11000); /* t1: priority 0 -> 5, above t2's 3 */
	TEST_ERR(login(acd, 1, 12000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
out:
	mem_deref(acd);
	return err;
}

static int preferred_agent_waits_then_anyone(void)
{
	struct acd *acd = NULL;
	struct acd_task_cfg t = {.id = 10, .queue = 1, .preferred_agent = 2,
				 .preferred_until = 31000};
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 2));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(acd_task_add(acd, &t, 1000));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0); /* waits for agent 2 */
	acd_tick(acd, 31000);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	TEST_ERR(acd_offer_reject(acd, 10, 1, 31500));
	TEST_ERR(acd_task_abandon(acd, 10, 31600));
	/* Preferred agent while the preference holds: straight to them,
	 * though agent 1 has been idle longer. */
	t.id = 11;
	t.preferred_until = 100000;
	TEST_ERR(login(acd, 2, 32000));
	r.n = 0;
	TEST_ERR(acd_task_add(acd, &t, 33000));
	TEST_ASSERT(last(&r, ACD_DEC_OFFER) != NULL);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
out:
	mem_deref(acd);
	return err;
}

static int reject_timeout_and_auto_away(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q = {.id = 1, .strategy = ACD_TOP_DOWN,
				  .ring_timeout_ms = 15000,
				  .max_misses = 2};
	struct acd_agent_cfg a1 = {.id = 1}, a2 = {.id = 2};
	struct acd_agent_live live;
	struct rec r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	TEST_ERR(acd_queue_add(acd, &q));
	TEST_ERR(acd_agent_add(acd, &a1));
	TEST_ERR(acd_agent_add(acd, &a2));
	TEST_ERR(acd_member_add(acd, 1, 1, 5, 1, 0));
	TEST_ERR(acd_member_add(acd, 2, 1, 5, 1, 1));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(login(acd, 2, 0));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	TEST_ERR(acd_agent_live(acd, 1, 1000, &live));
	TEST_EQ(live.state, ACD_RESERVED);
	/* Reject: the next agent rings. */
	TEST_ERR(acd_offer_reject(acd, 10, 1, 2000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
	/* Ring timeout enforced by the engine: back to agent 1 after the
	 * retry delay, since agent 2 also missed it. */
	acd_tick(acd, 17000);
	TEST_EQ(last(&r, ACD_DEC_TIMEOUT)->agent, 2);
	acd_tick(acd, 22000);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	/* Second consecutive miss of agent 1: away "missed". */
	TEST_ERR(acd_offer_timeout(acd, 10, 1, 23000));
	TEST_EQ(last(&r, ACD_DEC_AGENT_AWAY)->agent, 1);
	TEST_ERR(acd_agent_live(acd, 1, 23000, &live));
	TEST_EQ(live.state, ACD_AWAY);
	TEST_STREQ(live.reason, "missed");
	TEST_EQ(live.missed, 2);
	TEST_EQ(acd_offer_accept(acd, 10, 1, 23000), EPROTO);
out:
	mem_deref(acd);
	return err;
}

static int abandon_during_offer(void)
{
	struct acd *acd = NULL;
	struct acd_agent_live live;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(acd_task_abandon(acd, 10, 9000));
	TEST_EQ(last(&r, ACD_DEC_CANCEL)->agent, 1);
	TEST_ERR(acd_agent_live(acd, 1, 9000, &live));
	TEST_EQ(live.state, ACD_AVAILABLE);
	TEST_EQ(acd_offer_accept(acd, 10, 1, 9000), ENOENT);
out:
	mem_deref(acd);
	return err;
}

static int logout_during_offer_returns_to_head(void)
{
	struct acd *acd = NULL;
	struct rec r;
	uint32_t pos = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(task(acd, 10, 1, 5000));
	TEST_ERR(acd_task_add(acd, &(struct acd_task_cfg){
		.id = 11, .queue = 1, .priority = 9, .entered = 1000}, 6000));
	TEST_ERR(acd_agent_state_set(acd, 1, ACD_LOGGED_OUT, NULL, 7000));
	TEST_EQ(last(&r, ACD_DEC_CANCEL)->task, 10);
	TEST_ERR(acd_task_position(acd, 10, &pos));
	TEST_EQ(pos, 1); /* ahead even of the priority-9 task */
	TEST_ERR(login(acd, 1, 8000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
out:
	mem_deref(acd);
	return err;
}

static int dropout_requeues_to_another_agent(void)
{
	struct acd *acd = NULL;
	struct acd_agent_live live;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 2));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(acd_offer_accept(acd, 10, 1, 2000));
	TEST_ERR(acd_task_requeue(acd, 10, "connection lost", 3000));
	TEST_ERR(acd_agent_live(acd, 1, 3000, &live));
	TEST_EQ(live.state, ACD_AWAY);
	TEST_STREQ(live.reason, "connection lost");
	r.n = 0;
	TEST_ERR(login(acd, 2, 4000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
out:
	mem_deref(acd);
	return err;
}

static int max_wait_and_length_overflow(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q1 = {.id = 1, .max_wait_ms = 60000,
				   .max_len = 2, .overflow_queue = 2};
	struct acd_queue_cfg q2 = {.id = 2, .max_wait_ms = 1000};
	struct acd_queue_live live;
	struct rec r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	TEST_ERR(acd_queue_add(acd, &q1));
	TEST_ERR(acd_queue_add(acd, &q2));
	TEST_ERR(task(acd, 10, 1, 0));
	TEST_ERR(task(acd, 11, 1, 0));
	TEST_ERR(task(acd, 12, 1, 0)); /* queue full */
	TEST_EQ(last(&r, ACD_DEC_OVERFLOW)->task, 12);
	acd_tick(acd, 1000); /* 12 waited 1 s in queue 2: given up */
	TEST_EQ(last(&r, ACD_DEC_GIVE_UP)->task, 12);
	acd_tick(acd, 60000);
	TEST_EQ(count(&r, ACD_DEC_OVERFLOW), 3);
	TEST_ERR(acd_queue_live(acd, 1, 60000, &live));
	TEST_EQ(live.waiting, 0);
	TEST_EQ(live.today.overflowed, 3);
out:
	mem_deref(acd);
	return err;
}

/*
 * By hand: SL threshold 20 s, short abandon 5 s, wrap-up 5 s.
 *   t1 waits 10 s, answered, talks 100 s with 20 s hold   (in SL)
 *   t2 waits 30 s, answered, talks 60 s                   (not in SL)
 *   t3 abandons after 40 s; t4 abandons after 3 s (short)
 * answered 2, abandoned 1, short 1, in SL 1:
 *   SL = 1 / (2 + 1) = 33.33 %, ASA = (10 + 30) / 2 = 20 s,
 *   AHT = ((80 + 20 + 5) + (60 + 0 + 5)) / 2 = 85 s, abandonment 33.33 %
 */
static int statistics_by_hand(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q = {.id = 1, .sl_threshold_ms = 20000,
				  .short_abandon_ms = 5000,
				  .wrapup_ms = 5000};
	struct acd_agent_cfg a1 = {.id = 1}, a2 = {.id = 2};
	struct acd_queue_live live;
	struct acd_agent_live al;
	struct acd_figures f;
	struct rec r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	TEST_ERR(acd_queue_add(acd, &q));
	TEST_ERR(acd_agent_add(acd, &a1));
	TEST_ERR(acd_agent_add(acd, &a2));
	TEST_ERR(acd_member_add(acd, 1, 1, 5, 1, 0));
	TEST_ERR(acd_member_add(acd, 2, 1, 5, 1, 1));
	TEST_ERR(task(acd, 1, 1, 0));
	TEST_ERR(task(acd, 3, 1, 0));
	TEST_ERR(task(acd, 4, 1, 0));
	TEST_ERR(acd_task_abandon(acd, 4, 3000));
	TEST_ERR(login(acd, 1, 10000)); /* t1 offered at 10 s */
	TEST_ERR(acd_offer_accept(acd, 1, 1, 10000));
	TEST_ERR(task(acd, 2, 1, 10000));
	TEST_ERR(acd_task_abandon(acd, 3, 40000));
	TEST_ERR(login(acd, 2, 40000)); /* t2 offered, waited 30 s */
	TEST_ERR(acd_offer_accept(acd, 2, 2, 40000));
	TEST_ERR(acd_task_end(acd, 1, 20000, 110000));
	TEST_ERR(acd_task_end(acd, 2, 0, 100000));
	acd_tick(acd, 115000); /* wrap-ups over */
	TEST_ERR(acd_queue_live(acd, 1, 120000, &live));
	TEST_EQ(live.today.offered, 4);
	TEST_EQ(live.today.answered, 2);
	TEST_EQ(live.today.abandoned, 1);
	TEST_EQ(live.today.short_abandoned, 1);
	TEST_EQ(live.today.answered_in_sl, 1);
	acd_figures_compute(&f, &live.today);
	TEST_NEAR(f.sl_pct, 100.0 / 3, 1e-9);
	TEST_NEAR(f.asa_ms, 20000, 1e-9);
	TEST_NEAR(f.aht_ms, 85000, 1e-9);
	TEST_NEAR(f.abandon_pct, 100.0 / 3, 1e-9);
	/* Agent 1: available 0 (logged in at 10 s, offered at once), busy
	 * 100 s, wrap-up 5 s, then available 5 s: occupancy 105/110. */
	TEST_ERR(acd_agent_live(acd, 1, 120000, &al));
	TEST_EQ(al.handled, 1);
	TEST_EQ(al.state_ms[ACD_BUSY], 100000);
	TEST_EQ(al.state_ms[ACD_WRAPUP], 5000);
	TEST_NEAR(al.occupancy_pct, 100.0 * 105 / 110, 1e-9);
	/* No data is -1, not 0. */
	memset(&live.today, 0, sizeof(live.today));
	acd_figures_compute(&f, &live.today);
	TEST_NEAR(f.sl_pct, -1, 0);
out:
	mem_deref(acd);
	return err;
}

static int bad_input_refused(void)
{
	struct acd *acd = NULL;
	struct acd_queue_cfg q = {.id = 1, .strategy = ACD_STRATEGIES};
	struct acd_agent_cfg a = {.id = 1, .skillc = 1, .skillv = {{1, 11}}};
	struct rec r;
	enum acd_strategy s;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_EQ(acd_queue_add(acd, &q), EINVAL);
	q.strategy = ACD_TOP_DOWN;
	TEST_EQ(acd_queue_add(acd, &q), EEXIST);
	TEST_EQ(acd_agent_add(acd, &a), EINVAL);
	TEST_EQ(task(acd, 10, 99, 0), ENOENT);
	TEST_ERR(task(acd, 10, 1, 0));
	TEST_EQ(task(acd, 10, 1, 0), EEXIST);
	TEST_EQ(acd_offer_accept(acd, 10, 1, 0), EPROTO);
	TEST_EQ(acd_task_end(acd, 10, 0, 0), EPROTO);
	TEST_EQ(acd_agent_state_set(acd, 1, ACD_BUSY, NULL, 0), EINVAL);
	TEST_EQ(acd_wrapup_end(acd, 1, 0), EPROTO);
	TEST_ERR(acd_strategy_decode(&s, "ring_all"));
	TEST_EQ(s, ACD_RING_ALL);
	TEST_EQ(acd_strategy_decode(&s, "fastest"), EINVAL);
out:
	mem_deref(acd);
	return err;
}

static int wrapup_then_ready(void)
{
	struct acd *acd = NULL;
	struct acd_agent_live live;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(acd_offer_accept(acd, 10, 1, 1000));
	TEST_ERR(task(acd, 11, 1, 1500));
	TEST_ERR(acd_task_end(acd, 10, 0, 2000));
	TEST_ERR(acd_agent_live(acd, 1, 2000, &live));
	TEST_EQ(live.state, ACD_WRAPUP);
	r.n = 0;
	acd_tick(acd, 6999);
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	acd_tick(acd, 7000);
	TEST_EQ(last(&r, ACD_DEC_AGENT_READY)->agent, 1);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 11);
out:
	mem_deref(acd);
	return err;
}

/* --- configuration changed live ----------------------------------- */

/* An agent added at run time and given the skill takes the next task. */
static int config_agent_added_takes_next(void)
{
	struct acd_queue_cfg q = {.id = 1, .ring_timeout_ms = 15000,
				  .skill = {7, 3}};
	struct acd_agent_cfg a = {.id = 5};
	struct acd *acd = NULL;
	struct rec r = {0};
	int err = 0;

	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	TEST_ERR(acd_queue_add(acd, &q));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(acd_agent_add(acd, &a));
	TEST_ERR(acd_member_add(acd, 5, 1, 5, 1, 0));
	TEST_ERR(login(acd, 5, 1100));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0); /* no skill 7 yet */
	a.skillv[0].skill = 7;
	a.skillv[0].min_level = 4;
	a.skillc = 1;
	TEST_ERR(acd_agent_update(acd, &a, 1200));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 1);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 5);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
	TEST_EQ(acd_agent_update(acd, &(struct acd_agent_cfg){.id = 9}, 0),
		ENOENT);
out:
	mem_deref(acd);
	return err;
}

/* A member removed mid-call finishes the call and gets no more; the
 * offer of another queue's task still reaches them. */
static int config_member_removed_mid_call(void)
{
	struct acd_queue_cfg q2 = {.id = 2, .ring_timeout_ms = 15000};
	struct acd_agent_live live;
	struct acd *acd = NULL;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 2));
	TEST_ERR(acd_queue_add(acd, &q2));
	TEST_ERR(acd_member_add(acd, 1, 2, 5, 1, 0));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	TEST_ERR(acd_offer_accept(acd, 10, 1, 1100));
	TEST_ERR(acd_member_remove(acd, 1, 1));
	TEST_ERR(acd_agent_live(acd, 1, 1200, &live));
	TEST_EQ(live.state, ACD_BUSY);
	TEST_ERR(acd_task_end(acd, 10, 0, 2000));
	TEST_ERR(acd_wrapup_end(acd, 1, 2100));
	r.n = 0;
	TEST_ERR(task(acd, 11, 1, 3000));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	TEST_ERR(task(acd, 12, 2, 3100));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 12);
	TEST_EQ(acd_member_remove(acd, 1, 1), ENOENT);
out:
	mem_deref(acd);
	return err;
}

/* A member removed while ringing: the offer is withdrawn and the task
 * goes to the next member at once. */
static int config_member_removed_while_ringing(void)
{
	struct acd *acd = NULL;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 2));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 2, 200));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	r.n = 0;
	TEST_ERR(acd_member_remove(acd, 1, 1));
	TEST_EQ(last(&r, ACD_DEC_CANCEL)->agent, 1);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->task, 10);
out:
	mem_deref(acd);
	return err;
}

/* A changed strategy applies to the next decision; a member's level
 * changed applies too (highest_skill). */
static int config_strategy_changed(void)
{
	struct acd_queue_cfg q = {.id = 1, .strategy = ACD_LONGEST_IDLE,
				  .sl_threshold_ms = 20000,
				  .ring_timeout_ms = 15000,
				  .wrapup_ms = 5000};
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	/* levels 1, 2, 3; positions 2, 1, 0 */
	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 3));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 2, 200));
	TEST_ERR(login(acd, 3, 300));
	TEST_ERR(handle(acd, &r, 10, 1000, &a));
	TEST_EQ(a, 1);
	q.strategy = ACD_TOP_DOWN;
	TEST_ERR(acd_queue_update(acd, &q));
	TEST_ERR(handle(acd, &r, 11, 2000, &a));
	TEST_EQ(a, 3);
	q.strategy = ACD_HIGHEST_SKILL;
	TEST_ERR(acd_queue_update(acd, &q));
	TEST_ERR(handle(acd, &r, 12, 3000, &a));
	TEST_EQ(a, 3);
	TEST_ERR(acd_member_update(acd, 2, 1, 9, 1, 1));
	TEST_ERR(handle(acd, &r, 13, 4000, &a));
	TEST_EQ(a, 2);
	TEST_EQ(acd_member_update(acd, 2, 1, 11, 1, 1), EINVAL);
	TEST_EQ(acd_member_update(acd, 2, 7, 1, 1, 1), ENOENT);
out:
	mem_deref(acd);
	return err;
}

/* A required skill and escalations set while a task waits: the task
 * takes them from its entry time. */
static int config_escalation_added_while_waiting(void)
{
	struct acd_queue_cfg q = {.id = 1, .ring_timeout_ms = 15000,
				  .skill = {3, 8}, .escc = 1,
				  .escv = {{.after_ms = 5000,
					    .kind = ACD_ESC_LOWER_LEVEL,
					    .skill = 3, .level = 4}}};
	struct acd_agent_cfg a = {.id = 1, .skillv = {{3, 5}}, .skillc = 1};
	struct acd *acd = NULL;
	struct rec r = {0};
	int err = 0;

	TEST_ERR(acd_alloc(&acd, on_decision, &r, 1));
	q.escc = 0;
	q.skill.min_level = 9;
	TEST_ERR(acd_queue_add(acd, &q));
	TEST_ERR(acd_agent_add(acd, &a));
	TEST_ERR(acd_member_add(acd, 1, 1, 5, 1, 0));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(task(acd, 10, 1, 1000));
	acd_tick(acd, 7000);
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	q.escc = 1;
	q.skill.min_level = 8;
	TEST_ERR(acd_queue_update(acd, &q));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0);
	/* entered at 1000: the 5 s step is due, it runs at the next tick */
	acd_tick(acd, 7001);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
out:
	mem_deref(acd);
	return err;
}

/* A removed queue: waiting tasks go to its overflow queue, or are given
 * up; the task in hand is finished. */
static int config_queue_removed(void)
{
	struct acd_queue_cfg q2 = {.id = 2, .ring_timeout_ms = 15000};
	struct acd_queue_cfg q3 = {.id = 3, .ring_timeout_ms = 15000,
				   .overflow_queue = 2};
	struct acd_queue_live live;
	struct acd *acd = NULL;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 1));
	TEST_ERR(acd_queue_add(acd, &q2));
	TEST_ERR(acd_queue_add(acd, &q3));
	TEST_ERR(acd_member_add(acd, 1, 3, 5, 1, 0));
	TEST_ERR(login(acd, 1, 0));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_ERR(acd_offer_accept(acd, 10, 1, 1000));
	TEST_ERR(task(acd, 11, 1, 1100));
	TEST_ERR(task(acd, 12, 3, 1200));
	r.n = 0;
	TEST_ERR(acd_queue_remove(acd, 1, 2000));
	TEST_EQ(last(&r, ACD_DEC_GIVE_UP)->task, 11);
	TEST_EQ(task(acd, 13, 1, 2100), ENOENT);
	TEST_EQ(acd_queue_live(acd, 1, 2100, &live), ENOENT);
	r.n = 0;
	TEST_ERR(acd_queue_remove(acd, 3, 2200));
	TEST_EQ(last(&r, ACD_DEC_OVERFLOW)->task, 12);
	TEST_EQ(last(&r, ACD_DEC_OVERFLOW)->queue, 2);
	TEST_ERR(acd_queue_live(acd, 2, 2200, &live));
	TEST_EQ(live.waiting, 1);
	/* the call of the removed queue goes on and ends normally */
	TEST_ERR(acd_task_end(acd, 10, 0, 3000));
	TEST_EQ(acd_queue_remove(acd, 1, 3000), ENOENT);
	/* the id comes back: a new queue */
	TEST_ERR(acd_queue_add(acd, &(struct acd_queue_cfg){.id = 1}));
	TEST_ERR(task(acd, 14, 1, 4000));
out:
	mem_deref(acd);
	return err;
}

/* A deleted agent who is busy finishes the call, gets no more, and is
 * gone after it; ringing, the offer goes to the next agent. */
static int config_agent_removed(void)
{
	struct acd_agent_live live;
	struct acd *acd = NULL;
	struct rec r;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_LONGEST_IDLE, 3));
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 2, 200));
	TEST_ERR(login(acd, 3, 300));
	TEST_ERR(task(acd, 10, 1, 1000));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 1);
	TEST_ERR(acd_offer_accept(acd, 10, 1, 1000));
	TEST_ERR(task(acd, 11, 1, 1100));
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 2);
	r.n = 0;
	TEST_ERR(acd_agent_remove(acd, 2, 1200));
	TEST_EQ(last(&r, ACD_DEC_CANCEL)->agent, 2);
	TEST_EQ(last(&r, ACD_DEC_OFFER)->agent, 3);
	TEST_EQ(acd_agent_live(acd, 2, 1200, &live), ENOENT);
	TEST_ERR(acd_agent_remove(acd, 1, 1300));
	TEST_ERR(acd_agent_live(acd, 1, 1300, &live));
	TEST_EQ(live.state, ACD_BUSY); /* until the call ends */
	TEST_EQ(acd_agent_state_set(acd, 1, ACD_AVAILABLE, NULL, 1300),
		ENOENT);
	TEST_ERR(acd_task_end(acd, 10, 0, 2000));
	TEST_EQ(acd_agent_live(acd, 1, 2000, &live), ENOENT);
	r.n = 0;
	TEST_ERR(task(acd, 12, 1, 3000));
	TEST_EQ(count(&r, ACD_DEC_OFFER), 0); /* 3 is ringing with 11 */
	/* removed while busy and added back before the call ended */
	TEST_ERR(acd_offer_accept(acd, 11, 3, 3100));
	TEST_ERR(acd_agent_remove(acd, 3, 3200));
	TEST_ERR(acd_agent_add(acd, &(struct acd_agent_cfg){.id = 3}));
	TEST_ERR(acd_agent_live(acd, 3, 3300, &live));
	TEST_EQ(live.load[ACD_VOICE], 1);
	TEST_ERR(acd_task_end(acd, 11, 0, 4000));
out:
	mem_deref(acd);
	return err;
}

/* The consult's question: whom would the strategy pick now, without a
 * task; skills count, the asking agent is left out. */
static int queue_pick_follows_strategy(void)
{
	struct acd_queue_cfg q = {.id = 1, .strategy = ACD_TOP_DOWN};
	struct acd *acd = NULL;
	struct rec r;
	uint32_t a = 0;
	int err = 0;

	TEST_ERR(setup(&acd, &r, ACD_TOP_DOWN, 3));
	TEST_EQ(acd_queue_pick(acd, 1, ACD_VOICE, 0, &a), EAGAIN);
	TEST_ERR(login(acd, 1, 100));
	TEST_ERR(login(acd, 2, 200));
	TEST_ERR(login(acd, 3, 300));
	TEST_ERR(acd_queue_pick(acd, 1, ACD_VOICE, 0, &a));
	TEST_EQ(a, 3); /* position 0 */
	TEST_ERR(acd_queue_pick(acd, 1, ACD_VOICE, 3, &a));
	TEST_EQ(a, 2);
	TEST_EQ(r.n, 0); /* nothing decided */
	q.strategy = ACD_HIGHEST_SKILL;
	TEST_ERR(acd_queue_update(acd, &q));
	TEST_ERR(acd_member_update(acd, 1, 1, 10, 1, 2));
	TEST_ERR(acd_queue_pick(acd, 1, ACD_VOICE, 0, &a));
	TEST_EQ(a, 1);
	q.strategy = ACD_LONGEST_IDLE;
	q.skill.skill = 4;
	q.skill.min_level = 2;
	TEST_ERR(acd_queue_update(acd, &q));
	TEST_EQ(acd_queue_pick(acd, 1, ACD_VOICE, 0, &a), EAGAIN);
	TEST_ERR(acd_agent_update(acd, &(struct acd_agent_cfg){
		.id = 2, .skillv = {{4, 2}}, .skillc = 1}, 400));
	TEST_ERR(acd_queue_pick(acd, 1, ACD_VOICE, 0, &a));
	TEST_EQ(a, 2);
	TEST_EQ(acd_queue_pick(acd, 9, ACD_VOICE, 0, &a), ENOENT);
out:
	mem_deref(acd);
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(strategy_longest_idle),
	TEST_CASE(strategy_round_robin),
	TEST_CASE(strategy_fewest_calls),
	TEST_CASE(strategy_least_occupied),
	TEST_CASE(strategy_highest_skill),
	TEST_CASE(strategy_ring_all),
	TEST_CASE(strategy_random_reproducible),
	TEST_CASE(strategy_top_down),
	TEST_CASE(waiting_task_goes_to_agent_who_logs_in),
	TEST_CASE(priority_then_age),
	TEST_CASE(multi_queue_most_urgent_first),
	TEST_CASE(capacity_across_channels),
	TEST_CASE(skills_and_levels),
	TEST_CASE(escalation_steps),
	TEST_CASE(raise_priority_reorders),
	TEST_CASE(preferred_agent_waits_then_anyone),
	TEST_CASE(reject_timeout_and_auto_away),
	TEST_CASE(abandon_during_offer),
	TEST_CASE(logout_during_offer_returns_to_head),
	TEST_CASE(dropout_requeues_to_another_agent),
	TEST_CASE(max_wait_and_length_overflow),
	TEST_CASE(statistics_by_hand),
	TEST_CASE(bad_input_refused),
	TEST_CASE(wrapup_then_ready),
	TEST_CASE(config_agent_added_takes_next),
	TEST_CASE(config_member_removed_mid_call),
	TEST_CASE(config_member_removed_while_ringing),
	TEST_CASE(config_strategy_changed),
	TEST_CASE(config_escalation_added_while_waiting),
	TEST_CASE(config_queue_removed),
	TEST_CASE(config_agent_removed),
	TEST_CASE(queue_pick_follows_strategy),
};
TEST_TABLE_END;
