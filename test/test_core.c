/*
 * Tests of the core: configuration parsing and validation, and the
 * interaction (cc_ix): its transition table, illegal transitions refused,
 * and a chat driven through the center's real ACD onto a real store,
 * recovered after a crash.
 */
#include <stdlib.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/center.h"
#include "store/store.h"
#include "test.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return errno;
	fputs(text, f);
	fclose(f);
	return 0;
}

static int config_defaults_and_file(void)
{
	struct cc_config cfg;
	char path[512], errbuf[256];
	int err = 0;

	cc_config_init(&cfg);
	TEST_STREQ(cfg.sip, "0.0.0.0:5060");
	TEST_EQ(cfg.rtp_timeout, 30);
	snprintf(path, sizeof(path), "%s/sb.conf", test_tmpdir());
	TEST_ERR(write_file(path, "# comment\n\nsip = 127.0.0.1:5070  # x\n"
				  "rtp-ports=20000-20100\nlog-level = debug\n"
				  "demo = yes\nhttp = [::1]:8081\n"));
	TEST_ERR(cc_config_load(&cfg, path, errbuf, sizeof(errbuf)));
	TEST_STREQ(cfg.sip, "127.0.0.1:5070");
	TEST_STREQ(cfg.http, "[::1]:8081");
	TEST_EQ(cfg.rtp_min, 20000);
	TEST_EQ(cfg.rtp_max, 20100);
	TEST_EQ(cfg.log_level, CC_LOG_DEBUG);
	TEST_ASSERT(cfg.demo);
out:
	return err;
}

static int config_broken_file_changes_nothing(void)
{
	static const struct {
		const char *text;
		const char *reason;
	} casev[] = {
		{"sip = 127.0.0.1:5070\nbogus = 1\n", ":2: unknown setting "
						      "'bogus'"},
		{"sip = 127.0.0.1\n", ":1: sip: '127.0.0.1' is not an address"},
		{"rtp-ports = 30000-20000\n", ":1: rtp-ports:"},
		{"rtp-timeout = -5\n", ":1: rtp-timeout: '-5' is not"},
		{"log-level = loud\n", ":1: log-level: 'loud'"},
		{"sip 127.0.0.1:5060\n", ":1: expected 'key = value'"},
		{"http = 300.1.1.1:80\n", ":1: http:"},
	};
	struct cc_config cfg;
	char path[512], errbuf[256];
	size_t i;
	int err = 0;

	snprintf(path, sizeof(path), "%s/bad.conf", test_tmpdir());
	for (i = 0; i < sizeof(casev) / sizeof(casev[0]); i++) {
		cc_config_init(&cfg);
		TEST_ERR(write_file(path, casev[i].text));
		errbuf[0] = '\0';
		TEST_EQ(cc_config_load(&cfg, path, errbuf, sizeof(errbuf)),
			EINVAL);
		if (!strstr(errbuf, casev[i].reason) ||
		    !strstr(errbuf, path)) {
			test_fail(__FILE__, __LINE__, "case %zu: '%s'", i,
				  errbuf);
			err = EINVAL;
			goto out;
		}
		TEST_STREQ(cfg.sip, "0.0.0.0:5060");
	}
	cc_config_init(&cfg);
	TEST_EQ(cc_config_load(&cfg, "/nonexistent/x.conf", errbuf,
			       sizeof(errbuf)), ENOENT);
out:
	return err;
}

/* check-config names every bad line, not only the first. */
static int config_every_error_reported(void)
{
	struct cc_config cfg;
	char path[512], errbuf[4096];
	int err = 0;

	snprintf(path, sizeof(path), "%s/many.conf", test_tmpdir());
	TEST_ERR(write_file(path, "sipp = 127.0.0.1:5070\n"
				  "http = 127.0.0.1:8081\n"
				  "rtp-ports = 5-1\n"
				  "# fine\n"
				  "log-level = loud\n"
				  "no equals sign\n"));
	cc_config_init(&cfg);
	TEST_EQ(cc_config_load(&cfg, path, errbuf, sizeof(errbuf)), EINVAL);
	TEST_ASSERT(strstr(errbuf, ":1: unknown setting 'sipp' (did you "
				   "mean 'sip'?)") != NULL);
	TEST_ASSERT(strstr(errbuf, ":3: rtp-ports:") != NULL);
	TEST_ASSERT(strstr(errbuf, ":5: log-level: 'loud'") != NULL);
	TEST_ASSERT(strstr(errbuf, ":6: expected 'key = value'") != NULL);
	TEST_ASSERT(strstr(errbuf, ":2:") == NULL);
	/* Nothing of it applied, not even the good line. */
	TEST_STREQ(cfg.http, "0.0.0.0:8080");
out:
	return err;
}

static int config_suggest_names_the_closest(void)
{
	int err = 0;

	TEST_STREQ(cc_config_suggest("sipp"), "sip");
	TEST_STREQ(cc_config_suggest("rtp-port"), "rtp-ports");
	TEST_STREQ(cc_config_suggest("loglevel"), "log-level");
	TEST_ASSERT(cc_config_suggest("completely-different") == NULL);
	TEST_ASSERT(cc_config_known("min-se"));
	TEST_ASSERT(!cc_config_known("sipp"));
out:
	return err;
}

static int listen_registry(void)
{
	int err = 0;

	cc_listen_reset();
	cc_listen_report("sip", "127.0.0.1:5060");
	cc_listen_report("http", "127.0.0.1:8080");
	cc_listen_report("sip", "127.0.0.1:5070");
	TEST_STREQ(cc_listen_find("sip"), "127.0.0.1:5070");
	TEST_STREQ(cc_listen_find("http"), "127.0.0.1:8080");
	TEST_ASSERT(cc_listen_find("rtp") == NULL);
out:
	cc_listen_reset();
	return err;
}

/* --- The interaction ----------------------------------------------------- */

/* The table as cc_ix.c's comment draws it, cell by cell. */
static int ix_transition_table(void)
{
	static const char *want[CC_IX_EVS] = {
		/* new ivr dial queued ringing talking held wrapup ended */
		[CC_IX_EV_IVR] = "I--------",
		[CC_IX_EV_DIAL] = "D--------",
		[CC_IX_EV_QUEUE] = "QQQQQ----",
		[CC_IX_EV_OFFER] = "---RR----",
		[CC_IX_EV_MISS] = "---QQTH--",
		[CC_IX_EV_ANSWER] = "T-T-T----",
		[CC_IX_EV_HOLD] = "-----H---",
		[CC_IX_EV_RESUME] = "------T--",
		[CC_IX_EV_TRANSFER] = "---QQQQ--",
		[CC_IX_EV_REQUEUE] = "----QQQ--",
		[CC_IX_EV_END] = "EEEEEWWW-",
		[CC_IX_EV_WRAPUP_END] = "-------E-",
		[CC_IX_EV_REOPEN] = "--------N",
	};
	static const char letters[] = "NIDQRTHWE";
	enum cc_ix_state st;
	int err = 0;

	for (int ev = 0; ev < CC_IX_EVS; ev++) {
		for (int s = 0; s < CC_IX_STATES; s++) {
			int next = cc_ix_next((enum cc_ix_state)s,
					      (enum cc_ix_ev)ev);
			char got = next < 0 ? '-' : letters[next];

			if (got != want[ev][s]) {
				test_fail(__FILE__, __LINE__, "%s in %s: %c,"
					  " want %c", cc_ix_ev_name(ev),
					  cc_ix_state_name(s), got,
					  want[ev][s]);
				err = EINVAL;
			}
		}
	}
	if (err)
		goto out;
	/* out of range is illegal, names round-trip */
	TEST_EQ(cc_ix_next((enum cc_ix_state)CC_IX_STATES, CC_IX_EV_END), -1);
	TEST_EQ(cc_ix_next(CC_IX_NEW, (enum cc_ix_ev)CC_IX_EVS), -1);
	for (int s = 0; s < CC_IX_STATES; s++) {
		TEST_ERR(cc_ix_state_decode(&st, cc_ix_state_name(s)));
		TEST_EQ(st, s);
	}
	TEST_STREQ(cc_ix_state_name(CC_IX_TALKING), "talking");
	TEST_EQ(cc_ix_state_decode(&st, "answered"), EINVAL);
out:
	return err;
}

struct seen {
	char log[512];
	int ended_freed; /* the ended interaction was gone afterwards */
};

static void seen_h(const struct cc_ix_change *ch, void *arg)
{
	struct seen *sn = arg;
	size_t n = strlen(sn->log);

	snprintf(sn->log + n, sizeof(sn->log) - n, "%s%s>%s",
		 n ? "," : "", ch->ev < 0 ? "alloc" : cc_ix_ev_name(ch->ev),
		 cc_ix_state_name(ch->ix->state));
}

/* Without a store: the machine refuses what its table forbids and
 * changes nothing then; subscribers see every change. */
static int ix_illegal_refused(void)
{
	struct seen sn = {"", 0};
	const struct cc_ix *ix;
	int64_t id = 0, id2 = 0;
	int err = 0;

	TEST_ERR(cc_ix_init(NULL));
	TEST_ERR(cc_ix_subscribe(seen_h, &sn));
	TEST_EQ(cc_ix_alloc(&id, "pigeon", "inbound", NULL, NULL), EINVAL);
	TEST_EQ(cc_ix_alloc(&id, "chat", "sideways", NULL, NULL), EINVAL);
	TEST_ERR(cc_ix_alloc(&id, "chat", "inbound", "web:visitor-1", NULL));
	ix = cc_ix_find(id);
	TEST_ASSERT(ix && ix->state == CC_IX_NEW);
	TEST_STREQ(ix->channel, "chat");
	/* nothing to hold, offer or wrap up yet */
	TEST_EQ(cc_ix_hold(id), EPROTO);
	TEST_EQ(cc_ix_offer(id, 1001), EPROTO);
	TEST_EQ(cc_ix_wrapup_end(id), EPROTO);
	TEST_EQ(cc_ix_resume(id), EPROTO);
	TEST_EQ(cc_ix_requeue(id, "x"), EPROTO);
	TEST_EQ(ix->state, CC_IX_NEW);
	TEST_EQ(cc_ix_hold(id + 1000), ENOENT);
	TEST_ERR(cc_ix_queue(id, "entered_queue", "sales", 0, 0, NULL));
	TEST_EQ(cc_ix_ivr(id), EPROTO); /* no flow once queued */
	TEST_ERR(cc_ix_offer(id, 1001));
	TEST_EQ(ix->agent, 1001);
	/* ring-all: another agent's offer ending leaves it ringing */
	TEST_ERR(cc_ix_miss(id, 1002, "cancelled"));
	TEST_EQ(ix->state, CC_IX_RINGING);
	TEST_ERR(cc_ix_miss(id, 1001, "timeout"));
	TEST_EQ(ix->state, CC_IX_QUEUED);
	TEST_EQ(ix->agent, 0);
	TEST_ERR(cc_ix_offer(id, 1002));
	TEST_ERR(cc_ix_answer(id, 1002));
	TEST_EQ(cc_ix_answer(id, 1002), EPROTO);
	TEST_EQ(cc_ix_resume(id), EPROTO);
	TEST_ERR(cc_ix_hold(id));
	TEST_EQ(cc_ix_hold(id), EPROTO);
	TEST_EQ(cc_ix_queue(id, "entered_queue", "x", 0, 0, NULL), EPROTO);
	TEST_ERR(cc_ix_resume(id));
	TEST_ASSERT(cc_ix_of_agent(1002) == ix);
	TEST_ERR(cc_ix_end(id, NULL, "caller", 30000));
	TEST_EQ(ix->state, CC_IX_WRAPUP);
	TEST_STREQ(ix->outcome, "answered");
	TEST_ASSERT(ix->hold_ms >= 0 && ix->talk_ms >= 0);
	TEST_ASSERT(ix->wrap_until >= ix->ended_at + 30000);
	TEST_EQ(cc_ix_hold(id), EPROTO);
	TEST_ERR(cc_ix_wrapup_end(id));
	TEST_ASSERT(cc_ix_find(id) == NULL); /* ended: no longer live */
	TEST_EQ(cc_ix_wrapup_end(id), ENOENT);
	TEST_STREQ(sn.log, "alloc>new,queue>queued,offer>ringing,"
		   "miss>ringing,miss>queued,offer>ringing,answer>talking,"
		   "hold>held,resume>talking,end>wrapup,wrapup_end>ended");
	/* an outbound attempt: dialled, answered by the customer with no
	 * agent on it yet, then over (straight to ended: nobody wraps up) */
	sn.log[0] = '\0';
	TEST_ERR(cc_ix_alloc(&id2, "outbound", "outbound", NULL, "+15550100"));
	TEST_ERR(cc_ix_dial(id2, 0, NULL));
	TEST_EQ(cc_ix_dial(id2, 0, NULL), EPROTO);
	TEST_ERR(cc_ix_answer(id2, 0));
	TEST_ERR(cc_ix_end(id2, "completed", "caller", 0));
	TEST_ASSERT(cc_ix_find(id2) == NULL);
	TEST_STREQ(sn.log, "alloc>new,dial>dialing,answer>talking,"
		   "end>ended");
	TEST_EQ(cc_ix_count(-1), 0);
out:
	cc_ix_close();
	return err;
}

/*
 * What a channel learns after the agent's part ended stays on the record
 * through the wrap-up: a callback's customer who never answered
 * (outcome), an outside party who hangs up after a transfer out (end
 * during wrap-up: outcome, who hung up and the end time change, the
 * wrap-up goes on). The row is written from these fields.
 */
static int ix_wrapup_keeps_late_outcome(void)
{
	const struct cc_ix *ix;
	int64_t id = 0;
	int64_t ended;
	int err = 0;

	TEST_ERR(cc_ix_init(NULL));
	TEST_ERR(cc_ix_alloc(&id, "callback", "outbound", "+15550100", NULL));
	TEST_ERR(cc_ix_queue(id, "entered_queue", "support", 0, 0, NULL));
	TEST_ERR(cc_ix_offer(id, 1003));
	TEST_ERR(cc_ix_answer(id, 1003));
	TEST_ERR(cc_ix_end(id, NULL, "agent", 5000));
	ix = cc_ix_find(id);
	TEST_ASSERT(ix && ix->state == CC_IX_WRAPUP);
	TEST_STREQ(ix->outcome, "answered");
	ended = ix->ended_at;
	TEST_ERR(cc_ix_outcome_set(id, "no_answer"));
	TEST_STREQ(ix->outcome, "no_answer");
	TEST_ERR(cc_ix_end(id, "transferred_out", "caller", 0));
	TEST_EQ(ix->state, CC_IX_WRAPUP);
	TEST_STREQ(ix->outcome, "transferred_out");
	TEST_STREQ(ix->hung_up_by, "caller");
	TEST_ASSERT(ix->ended_at >= ended);
	TEST_ERR(cc_ix_wrapup_end(id));
	TEST_ASSERT(cc_ix_find(id) == NULL);
	/* no longer live: only the record is touched, no error */
	TEST_ERR(cc_ix_end(id, "ended", "agent", 0));
	TEST_ERR(cc_ix_outcome_set(id, "interrupted"));
out:
	cc_ix_close();
	return err;
}

/* What the center's channel ops saw. */
struct chan {
	uint32_t offered;
	unsigned offers, cancels, give_ups;
};

static void chan_offer(void *owner, uint32_t agent, uint32_t ring_ms)
{
	struct chan *c = owner;

	(void)ring_ms;
	c->offered = agent;
	c->offers++;
}

static void chan_cancel(void *owner, uint32_t agent)
{
	struct chan *c = owner;

	(void)agent;
	c->cancels++;
}

static void chan_give_up(void *owner)
{
	((struct chan *)owner)->give_ups++;
}

static const struct cc_task_ops chan_ops = {
	.offer = chan_offer,
	.cancel = chan_cancel,
	.give_up = chan_give_up,
};

struct row {
	char s[256];
	long long a, b, c;
};

static int row_h(sqlite3_stmt *stmt, void *arg)
{
	struct row *r = arg;
	const char *s = (const char *)sqlite3_column_text(stmt, 0);

	snprintf(r->s, sizeof(r->s), "%s", s ? s : "(null)");
	r->a = sqlite3_column_int64(stmt, 1);
	r->b = sqlite3_column_int64(stmt, 2);
	r->c = sqlite3_column_int64(stmt, 3);
	return 0;
}

static int center_start(struct cc_config *cfg)
{
	int err;

	cc_config_init(cfg);
	snprintf(cfg->data, sizeof(cfg->data), "%s", test_tmpdir());
	cfg->demo = true;
	err = store_init(cfg);
	if (!err)
		err = cc_center_init(cfg);
	return err;
}

static void center_stop(void)
{
	cc_center_close();
	store_module_close();
}

/*
 * A chat, no SIP anywhere: created, queued in the demo's sales queue, the
 * center's ACD offers it to the one available agent through the task ops,
 * answered, held, ended, wrapped up; its record and event log are the
 * interaction's. Then another chat is left talking when the "server"
 * stops without a word (kill -9): the next start ends it as interrupted,
 * and it can be reopened and queued again.
 */
static int ix_chat_through_center(void)
{
	struct cc_config cfg;
	struct chan ch = {0, 0, 0, 0};
	struct cc_task_req req = {0};
	const struct cc_ix *ix;
	struct row r;
	int64_t id = 0, id2 = 0;
	int err = 0;

	TEST_ERR(libre_init());
	TEST_ERR(center_start(&cfg));
	TEST_ERR(cc_agent_presence(1001, ACD_AVAILABLE, NULL, "test"));
	TEST_ERR(cc_ix_alloc(&id, "chat", "inbound", "web:visitor-7", NULL));
	req.interaction = id;
	/* The center loads no per-channel capacity for agents yet (all
	 * zero: one voice task, nothing else), so the chat takes the
	 * agent's voice capacity, as voicemails and callbacks do; the
	 * interaction keeps its own channel. */
	req.channel = ACD_VOICE;
	req.queue = "sales";
	req.from = "web:visitor-7";
	req.attrs = "{\"page\": \"/pricing\"}";
	TEST_EQ(cc_task_add(&req, &chan_ops, &ch), 0);
	/* the one available agent is offered it at once */
	TEST_EQ(ch.offers, 1);
	TEST_EQ(ch.offered, 1001);
	ix = cc_ix_find(id);
	TEST_ASSERT(ix != NULL);
	TEST_EQ(ix->state, CC_IX_RINGING);
	TEST_STREQ(ix->queue, "sales");
	TEST_STREQ(ix->attrs, "{\"page\": \"/pricing\"}");
	/* a task that is no interaction, or one that cannot queue */
	req.interaction = id + 5000;
	TEST_EQ(cc_task_add(&req, &chan_ops, &ch), ENOENT);
	TEST_ERR(cc_task_accept((uint64_t)id, 1001));
	TEST_EQ(ix->state, CC_IX_TALKING);
	TEST_EQ(ix->handled_by, 1001);
	cc_task_held((uint64_t)id, true);
	TEST_EQ(ix->state, CC_IX_HELD);
	cc_task_held((uint64_t)id, true); /* twice: once */
	cc_task_held((uint64_t)id, false);
	TEST_EQ(ix->state, CC_IX_TALKING);
	TEST_ERR(cc_task_end((uint64_t)id, 0, "agent"));
	TEST_EQ(ix->state, CC_IX_WRAPUP); /* sales: 5 s of wrap-up */
	TEST_ASSERT(cc_ix_of_agent(1001) == ix);
	TEST_ERR(cc_agent_wrapup_done(1001));
	TEST_ASSERT(cc_ix_find(id) == NULL);
	TEST_ASSERT(cc_ix_of_agent(1001) == NULL);
	/* what the record says */
	TEST_ERR(store_flush(store_main()));
	memset(&r, 0, sizeof(r));
	TEST_ERR(store_query(store_reader(store_main()), row_h, &r,
			     "SELECT channel || '/' || state || '/' || outcome"
			     " || '/' || hung_up_by || '/' || queue,"
			     " agent_id, wait_ms >= 0 AND talk_ms >= 0 AND"
			     " hold_ms >= 0 AND wrapup_ms >= 0, answered_at >="
			     " offered_at FROM interactions WHERE id = ?", "i",
			     id));
	TEST_STREQ(r.s, "chat/ended/answered/agent/sales");
	TEST_EQ(r.a, 1001);
	TEST_EQ(r.b, 1);
	TEST_EQ(r.c, 1);
	TEST_ERR(store_query(store_reader(store_main()), row_h, &r,
			     "SELECT group_concat(type, ','), count(*) FROM"
			     " (SELECT type FROM interaction_events WHERE"
			     " interaction_id = ? ORDER BY id)", "i", id));
	TEST_STREQ(r.s, "entered_queue,offered,answered,held,resumed,ended,"
		   "wrapup_ended");

	/* another chat, answered, then the process dies */
	TEST_ERR(cc_ix_alloc(&id2, "chat", "inbound", "web:visitor-8", NULL));
	req.interaction = id2;
	TEST_ERR(cc_task_add(&req, &chan_ops, &ch));
	TEST_ERR(cc_task_accept((uint64_t)id2, 1001));
	TEST_ERR(cc_ix_customer_set(id2, 0));
	TEST_ERR(store_flush(store_main()));
	center_stop(); /* no cc_task_end: as if killed */
	TEST_ERR(center_start(&cfg));
	TEST_ASSERT(cc_ix_find(id2) == NULL);
	TEST_ERR(store_flush(store_main()));
	TEST_ERR(store_query(store_reader(store_main()), row_h, &r,
			     "SELECT state || '/' || outcome || '/' ||"
			     " hung_up_by, ended_at > 0, (SELECT count(*)"
			     " FROM interaction_events WHERE interaction_id ="
			     " i.id AND type = 'interrupted'), agent_id FROM"
			     " interactions i WHERE id = ?", "i", id2));
	TEST_STREQ(r.s, "ended/interrupted/system");
	TEST_EQ(r.a, 1);
	TEST_EQ(r.b, 1);
	TEST_EQ(r.c, 1001);
	/* the finished one was not touched by recovery */
	TEST_ERR(store_query(store_reader(store_main()), row_h, &r,
			     "SELECT outcome, count(*) FROM interaction_events"
			     " e JOIN interactions i ON i.id ="
			     " e.interaction_id WHERE i.id = ?", "i", id));
	TEST_STREQ(r.s, "answered");
	TEST_EQ(r.a, 7);
	/* reopened, it waits again like any other */
	TEST_ERR(cc_ix_reopen(id2));
	TEST_EQ(cc_ix_reopen(id2), EALREADY);
	ix = cc_ix_find(id2);
	TEST_ASSERT(ix && ix->state == CC_IX_NEW && !ix->outcome[0]);
	TEST_ERR(cc_agent_presence(1001, ACD_AVAILABLE, NULL, "test"));
	TEST_ERR(cc_task_add(&req, &chan_ops, &ch));
	TEST_EQ(ix->state, CC_IX_RINGING);
	TEST_ERR(cc_task_abandon((uint64_t)id2));
	TEST_ASSERT(cc_ix_find(id2) == NULL);
	TEST_ERR(store_flush(store_main()));
	TEST_ERR(store_query(store_reader(store_main()), row_h, &r,
			     "SELECT state || '/' || outcome || '/' ||"
			     " hung_up_by, (SELECT group_concat(type, ',')"
			     " IS NOT NULL FROM interaction_events WHERE"
			     " interaction_id = i.id AND type ="
			     " 'requeued_after_restart') FROM interactions i"
			     " WHERE id = ?", "i", id2));
	TEST_STREQ(r.s, "ended/abandoned/caller");
	TEST_EQ(r.a, 1);
out:
	center_stop();
	libre_close();
	return err;
}

/*
 * A queue full (max length, no overflow queue) gives up on the newcomer:
 * the interaction ends there, as gave_up (it used to keep state 'queued'
 * with an outcome until the next start called it interrupted).
 */
static int ix_gave_up_ends(void)
{
	struct cc_config cfg;
	struct chan ch = {0, 0, 0, 0};
	struct cc_task_req req = {0};
	struct row r;
	int64_t id = 0, id2 = 0;
	int err = 0;

	TEST_ERR(libre_init());
	cc_config_init(&cfg);
	snprintf(cfg.data, sizeof(cfg.data), "%s", test_tmpdir());
	cfg.demo = true;
	TEST_ERR(store_init(&cfg));
	TEST_ERR(store_write_wait(store_main(), "UPDATE queues SET max_len ="
				  " 1 WHERE name = 'sales'", NULL));
	TEST_ERR(cc_center_init(&cfg));
	req.channel = ACD_VOICE;
	req.queue = "sales";
	TEST_ERR(cc_ix_alloc(&id, "email", "inbound", "a@example.com", NULL));
	req.interaction = id;
	TEST_ERR(cc_task_add(&req, &chan_ops, &ch));
	TEST_ERR(cc_ix_alloc(&id2, "email", "inbound", "b@example.com", NULL));
	req.interaction = id2;
	TEST_ERR(cc_task_add(&req, &chan_ops, &ch));
	TEST_EQ(ch.give_ups, 1);
	TEST_ASSERT(cc_ix_find(id2) == NULL);
	TEST_EQ(cc_ix_find(id)->state, CC_IX_QUEUED);
	TEST_ERR(store_flush(store_main()));
	TEST_ERR(store_query(store_reader(store_main()), row_h, &r,
			     "SELECT state || '/' || outcome || '/' ||"
			     " hung_up_by, ended_at > 0, wait_ms >= 0 FROM"
			     " interactions WHERE id = ?", "i", id2));
	TEST_STREQ(r.s, "ended/gave_up/system");
	TEST_EQ(r.a, 1);
	TEST_EQ(r.b, 1);
out:
	center_stop();
	libre_close();
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(config_defaults_and_file),
	TEST_CASE(config_broken_file_changes_nothing),
	TEST_CASE(config_every_error_reported),
	TEST_CASE(config_suggest_names_the_closest),
	TEST_CASE(listen_registry),
	TEST_CASE(ix_transition_table),
	TEST_CASE(ix_illegal_refused),
	TEST_CASE(ix_wrapup_keeps_late_outcome),
	TEST_CASE(ix_chat_through_center),
	TEST_CASE(ix_gave_up_ends),
};
TEST_TABLE_END;
