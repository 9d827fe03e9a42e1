/*
 * test_ivr: the flow validator and the interpreter, driven by a scripted
 * fake host with a fake clock. Each action the interpreter asks for is
 * written to a log line ("PLAY text|STOP|COLLECT 5000|ENQUEUE sales 0 0")
 * so a case reads as the conversation it scripts.
 */
#include <stdint.h>
#include <stdlib.h>
#include "test.h"
#include "ivr/ivr.h"

struct fake {
	struct ivr_flow *flow;
	struct ivr_flow *sub;
	struct ivr_session *s;
	struct ivr_host host;
	struct ivr_queue_figures fig;
	uint64_t now;
	int64_t wall;
	uint32_t play_id;
	char log[4096];
	char problems[4096];
};

static int figures_h(const char *queue, struct ivr_queue_figures *f,
		     void *arg)
{
	struct fake *fk = arg;

	if (strcmp(queue, "support") && strcmp(queue, "sales"))
		return ENOENT;
	*f = fk->fig;
	return 0;
}

static struct ivr_flow *flow_find_h(const char *name, void *arg)
{
	struct fake *fk = arg;

	if (!strcmp(name, "main"))
		return fk->flow;
	return fk->sub && !strcmp(name, ivr_flow_name(fk->sub)) ? fk->sub :
								  NULL;
}

static void problem_h(const char *path, const char *msg, void *arg)
{
	struct fake *fk = arg;
	size_t n = strlen(fk->problems);

	(void)snprintf(fk->problems + n, sizeof(fk->problems) - n, "%s: %s\n",
		       path, msg);
}

static const char *const queues[] = {"sales", "support"};
static const struct ivr_check_opts opts = {queues, 2, NULL, false};

static int fake_start(struct fake *fk, const char *json)
{
	int err;

	memset(fk, 0, sizeof(*fk));
	fk->host.queue_figures = figures_h;
	fk->host.flow_find = flow_find_h;
	fk->host.arg = fk;
	fk->now = 1000;
	fk->wall = 1795000000000LL; /* 2026-11-18 (Wednesday) 11:06:40 UTC */
	fk->fig.expected_wait_ms = 30000;
	fk->fig.agents_available = 1;
	err = ivr_flow_decode(&fk->flow, json, &opts, problem_h, fk);
	if (err) {
		fprintf(stderr, "flow refused:\n%s", fk->problems);
		return err;
	}
	return ivr_session_alloc(&fk->s, fk->flow, &fk->host, "+15550001",
				 "5000");
}

static void fake_end(struct fake *fk)
{
	ivr_session_free(fk->s);
	ivr_flow_unref(fk->flow);
	ivr_flow_unref(fk->sub);
}

static void log_actions(struct fake *fk, const struct ivr_action *a,
			size_t n)
{
	for (size_t i = 0; i < n; i++, a++) {
		size_t len = strlen(fk->log);
		char *p = fk->log + len;
		size_t sz = sizeof(fk->log) - len;

		switch (a->type) {
		case IVR_ACT_PLAY:
			fk->play_id = a->play_id;
			(void)snprintf(p, sz, "PLAY%s%s %s|",
				       a->is_file ? " file" : "",
				       a->barge_in ? " barge" : "", a->text);
			break;
		case IVR_ACT_STOP:
			(void)snprintf(p, sz, "STOP|");
			break;
		case IVR_ACT_COLLECT:
			(void)snprintf(p, sz, "COLLECT %llu|",
				       (unsigned long long)(a->deadline -
							    fk->now));
			break;
		case IVR_ACT_LOOKUP:
			(void)snprintf(p, sz, "LOOKUP %s=%s|", a->text,
				       a->value);
			break;
		case IVR_ACT_SET:
			(void)snprintf(p, sz, "SET %s=%s|", a->text, a->value);
			break;
		case IVR_ACT_ENQUEUE:
			(void)snprintf(p, sz, "ENQUEUE %s %d %u%s%s%s%s|",
				       a->queue, a->priority,
				       a->preferred_agent,
				       a->skills[0] ? " " : "", a->skills,
				       a->text[0] ? " say " : "", a->text);
			break;
		case IVR_ACT_HANGUP:
			(void)snprintf(p, sz, "HANGUP|");
			break;
		case IVR_ACT_RECORD:
			(void)snprintf(p, sz, "RECORD %u %s|", a->max_ms,
				       a->queue);
			break;
		case IVR_ACT_CALLBACK:
			(void)snprintf(p, sz, "CALLBACK %s %s%s|", a->queue,
				       a->text,
				       a->confirmed ? " confirmed" : "");
			break;
		case IVR_ACT_TRANSFER:
			(void)snprintf(p, sz, "TRANSFER %s%s%s%s|", a->text,
				       a->external ? " external" : "",
				       a->queue[0] ? " wait " : "", a->queue);
			break;
		}
	}
}

/* Feeds one event at the fake clock; returns the interpreter's result. */
static int feed(struct fake *fk, enum ivr_event_type type, char digit)
{
	struct ivr_event ev = {0};
	const struct ivr_action *a;
	size_t n;
	int err;

	ev.type = type;
	ev.now = fk->now;
	ev.wall = fk->wall;
	ev.digit = digit;
	ev.play_id = fk->play_id;
	err = ivr_session_event(fk->s, &ev, &a, &n);
	if (!err)
		log_actions(fk, a, n);
	return err;
}

static int start(struct fake *fk) { return feed(fk, IVR_EV_START, 0); }
static int done(struct fake *fk) { return feed(fk, IVR_EV_PLAY_DONE, 0); }
static int digit(struct fake *fk, char d)
{
	return feed(fk, IVR_EV_DIGIT, d);
}

static int digits(struct fake *fk, const char *ds)
{
	int err = 0;

	for (; *ds && !err; ds++)
		err = digit(fk, *ds);
	return err;
}

/* Advances the clock to the deadline and times out. */
static int timeout(struct fake *fk)
{
	uint64_t d = ivr_session_deadline(fk->s);

	if (!d)
		return EINVAL;
	fk->now = d;
	return feed(fk, IVR_EV_TIMEOUT, 0);
}

static int lookup(struct fake *fk, bool found, const char *const *fields,
		  size_t pairs)
{
	struct ivr_event ev = {0};
	const struct ivr_action *a;
	size_t n;
	int err;

	ev.type = IVR_EV_LOOKUP;
	ev.now = fk->now;
	ev.wall = fk->wall;
	ev.found = found;
	ev.fields = fields;
	ev.fieldc = pairs;
	err = ivr_session_event(fk->s, &ev, &a, &n);
	if (!err)
		log_actions(fk, a, n);
	return err;
}

static bool has(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		return true;
	fprintf(stderr, "missing \"%s\" in:\n%s\n", needle, hay);
	return false;
}

/* The minimal menu of the voice issue (what the demo database holds). */
static const char legacy_menu[] =
	"{\"name\": \"demo-5000\", \"start\": \"menu\","
	" \"nodes\": {\"menu\": {\"type\": \"menu\","
	" \"prompt\": \"For sales press 1, for support press 2.\","
	" \"timeout_s\": 5, \"tries\": 2,"
	" \"choices\": {\"1\": {\"queue\": \"sales\"},"
	" \"2\": {\"queue\": \"support\"}},"
	" \"no_input\": {\"queue\": \"support\"}}}}";

/* --- Validator ----------------------------------------------------------- */

static int check_lists_every_problem(void)
{
	static const char bad[] =
		"{\"name\": \"x\", \"start\": \"a\", \"timezone\": \"Mars\","
		" \"colour\": 1, \"nodes\": {"
		"\"a\": {\"type\": \"set\", \"vars\": {\"v\": 1},"
		" \"next\": \"b\"},"
		"\"b\": {\"type\": \"goto\", \"next\": \"a\"},"
		"\"c\": {\"type\": \"menu\", \"prompt\": {\"file\": \"n.wav\"},"
		" \"choices\": {\"1\": \"zz\", \"x\": {\"queue\": \"billing\"}},"
		" \"fallback\": \"a\", \"timeout_s\": 0},"
		"\"d\": {\"type\": \"bogus\"},"
		"\"e\": {\"type\": \"collect\", \"prompt\": \"p\", \"var\": \"v\","
		" \"pattern\": \"([0-9\", \"next\": \"a\", \"colour\": 2},"
		"\"f\": {\"type\": \"branch\", \"conditions\": [{\"if\":"
		" {\"time\": {\"from\": \"25:00\", \"to\": \"x\"}},"
		" \"next\": \"a\"}, {\"if\": {\"var\": \"v\"}, \"next\": \"a\"}],"
		" \"else\": \"a\"}}}";
	static const char *const expect[] = {
		"$.timezone: ",
		"$.colour: unknown field",
		"$.nodes.c.choices.1: target node 'zz' does not exist",
		"$.nodes.c.choices.x.queue: unknown queue 'billing'",
		"$.nodes.c.choices: choice 'x' is not one digit",
		"$.nodes.c.timeout_s: must be a whole number",
		"$.nodes.d.type: unknown node type 'bogus'",
		"$.nodes.e.pattern: bad pattern '([0-9'",
		"$.nodes.e.colour: unknown field for a collect node",
		"$.nodes.f.conditions[0].if.time: needs",
		"$.nodes.f.conditions[1].if: a variable condition needs",
		"$.nodes.c: unreachable from the start node",
		"$.nodes.e: unreachable",
		"loop that takes no input from the caller: a -> b -> a",
	};
	struct fake fk = {0};
	struct ivr_flow *f = NULL;
	unsigned n;
	int err = 0;

	n = ivr_flow_check(bad, &opts, problem_h, &fk);
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		TEST_ASSERT(has(fk.problems, expect[i]));
	TEST_ASSERT(n >= sizeof(expect) / sizeof(expect[0]));
	/* A flow with problems is never activated. */
	TEST_EQ(ivr_flow_decode(&f, bad, &opts, NULL, NULL), EBADMSG);
	TEST_ASSERT(f == NULL);
	/* Not JSON at all. */
	fk.problems[0] = '\0';
	TEST_EQ(ivr_flow_check("{\"name\": ", &opts, problem_h, &fk), 1);
	TEST_ASSERT(has(fk.problems, "$: not JSON"));
	/* Missing prompt files are found when files are checked. */
	{
		struct ivr_check_opts o = {NULL, 0, test_tmpdir(), true};

		fk.problems[0] = '\0';
		TEST_EQ(ivr_flow_check("{\"name\": \"f\", \"start\": \"p\","
				       " \"nodes\": {\"p\": {\"type\":"
				       " \"play\", \"prompt\": [\"hi\","
				       " {\"file\": \"gone.wav\"}],"
				       " \"next\": \"h\"}, \"h\": {\"type\":"
				       " \"hangup\"}}}", &o, problem_h, &fk),
			1);
		TEST_ASSERT(has(fk.problems, "$.nodes.p.prompt[1].file: prompt"
					     " file"));
		TEST_ASSERT(has(fk.problems, "gone.wav does not exist"));
	}
out:
	return err;
}

static int check_accepts_good_flow(void)
{
	struct fake fk = {0};
	int err = 0;

	TEST_EQ(ivr_flow_check(legacy_menu, &opts, problem_h, &fk), 0);
	TEST_STREQ(fk.problems, "");
	/* Unknown queues are only problems when the queues are known. */
	TEST_EQ(ivr_flow_check("{\"name\": \"q\", \"start\": \"q\","
			       " \"nodes\": {\"q\": {\"type\": \"queue\","
			       " \"queue\": \"billing\"}}}", NULL, NULL, NULL),
		0);
	TEST_EQ(ivr_flow_check("{\"name\": \"q\", \"start\": \"q\","
			       " \"nodes\": {\"q\": {\"type\": \"queue\","
			       " \"queue\": \"billing\"}}}", &opts, NULL, NULL),
		1);
out:
	return err;
}

/* --- Menu ---------------------------------------------------------------- */

static int menu_choice(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, legacy_menu);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "PLAY barge For sales press 1, for support press"
			   " 2.|");
	/* Barge-in during the prompt. */
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_STREQ(fk.log, "PLAY barge For sales press 1, for support press"
			   " 2.|STOP|ENQUEUE sales 0 0|");
	TEST_ASSERT(ivr_session_done(fk.s));
	path = ivr_session_path(fk.s, false);
	TEST_STREQ(path, "[{\"node\": \"menu\", \"digit\": \"1\","
			 " \"queue\": \"sales\"}]");
	/* Done: further events are errors. */
	TEST_EQ(digit(&fk, '2'), EINVAL);
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int menu_invalid_then_choice(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, legacy_menu);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "COLLECT 5000|"));
	fk.now += 800;
	TEST_EQ(digit(&fk, '7'), 0);
	TEST_ASSERT(has(fk.log, "COLLECT 5000|PLAY barge For sales"));
	TEST_EQ(digit(&fk, '2'), 0);
	TEST_ASSERT(has(fk.log, "STOP|ENQUEUE support 0 0|"));
	path = ivr_session_path(fk.s, false);
	TEST_STREQ(path, "[{\"node\": \"menu\", \"digit\": \"7\","
			 " \"invalid\": true},{\"node\": \"menu\","
			 " \"digit\": \"2\", \"queue\": \"support\"}]");
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int menu_no_input_fallback(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, legacy_menu);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	/* A timeout before the prompt ended, or before the deadline, is an
	 * error and changes nothing. */
	TEST_EQ(feed(&fk, IVR_EV_TIMEOUT, 0), EINVAL);
	TEST_EQ(done(&fk), 0);
	TEST_EQ(feed(&fk, IVR_EV_TIMEOUT, 0), EINVAL);
	TEST_EQ(timeout(&fk), 0);
	TEST_EQ(done(&fk), 0);
	TEST_EQ(timeout(&fk), 0);
	TEST_ASSERT(has(fk.log, "|ENQUEUE support 0 0|"));
	TEST_ASSERT(ivr_session_done(fk.s));
	path = ivr_session_path(fk.s, false);
	TEST_STREQ(path, "[{\"node\": \"menu\", \"no_input\": true},"
			 "{\"node\": \"menu\", \"no_input\": true}]");
	/* A stale play id is refused. */
	TEST_EQ(done(&fk), EINVAL);
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int menu_prompts_and_operator(void)
{
	struct fake fk;
	int err = fake_start(&fk,
		"{\"name\": \"m\", \"start\": \"m\", \"operator\": \"op\","
		" \"nodes\": {\"m\": {\"type\": \"menu\", \"prompt\": \"Menu.\","
		" \"invalid_prompt\": \"Wrong.\", \"no_input_prompt\":"
		" \"Still there?\", \"tries\": 3, \"timeout_s\": 2,"
		" \"choices\": {\"1\": \"bye\"}, \"fallback\": \"bye\"},"
		" \"op\": {\"type\": \"queue\", \"queue\": \"support\","
		" \"priority\": 5},"
		" \"bye\": {\"type\": \"hangup\", \"prompt\": \"Bye.\"}}}");

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(done(&fk), 0);
	TEST_EQ(timeout(&fk), 0);
	TEST_ASSERT(has(fk.log, "COLLECT 2000|PLAY barge Still there?|"));
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "PLAY barge Still there?|PLAY barge Menu.|"));
	TEST_EQ(digit(&fk, '9'), 0);
	TEST_ASSERT(has(fk.log, "Menu.|STOP|PLAY barge Wrong.|"));
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "STOP|PLAY barge Wrong.|PLAY barge Menu.|"));
	/* 0 reaches a person when the flow says so. */
	TEST_EQ(digit(&fk, '0'), 0);
	TEST_ASSERT(has(fk.log, "STOP|ENQUEUE support 5 0|"));
out:
	fake_end(&fk);
	return err;
}

/* --- Play, hangup, type-ahead ------------------------------------------- */

static int play_interpolates_and_barges(void)
{
	struct fake fk;
	int err = fake_start(&fk,
		"{\"name\": \"p\", \"start\": \"hi\", \"nodes\": {"
		"\"hi\": {\"type\": \"play\", \"barge_in\": true, \"prompt\":"
		" [\"Calling from {caller} to {dialled}{nothing}.\","
		" {\"file\": \"tone.wav\"}], \"next\": \"m\"},"
		"\"m\": {\"type\": \"menu\", \"prompt\": \"Menu.\","
		" \"choices\": {\"3\": {\"queue\": \"sales\"}},"
		" \"fallback\": {\"queue\": \"support\"}}}}");

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "PLAY barge Calling from +15550001 to 5000.|");
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "PLAY file barge tone.wav|"));
	/* The caller knows the menu: the digit stops the tone and is kept
	 * for the menu, which takes it at once without playing. */
	TEST_EQ(digit(&fk, '3'), 0);
	TEST_ASSERT(has(fk.log, "tone.wav|STOP|ENQUEUE sales 0 0|"));
	TEST_ASSERT(!strstr(fk.log, "Menu."));
out:
	fake_end(&fk);
	return err;
}

static int play_without_barge_keeps_typeahead(void)
{
	struct fake fk;
	int err = fake_start(&fk,
		"{\"name\": \"p\", \"start\": \"hi\", \"nodes\": {"
		"\"hi\": {\"type\": \"play\", \"prompt\": \"Welcome.\","
		" \"next\": \"m\"},"
		"\"m\": {\"type\": \"menu\", \"prompt\": \"Menu.\","
		" \"choices\": {\"2\": \"bye\"}, \"fallback\": \"bye\"},"
		"\"bye\": {\"type\": \"hangup\", \"prompt\": \"Goodbye.\"}}}");

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(digit(&fk, '2'), 0);
	TEST_STREQ(fk.log, "PLAY Welcome.|"); /* no barge-in: plays on */
	TEST_EQ(done(&fk), 0);
	TEST_STREQ(fk.log, "PLAY Welcome.|PLAY Goodbye.|");
	TEST_EQ(done(&fk), 0);
	TEST_STREQ(fk.log, "PLAY Welcome.|PLAY Goodbye.|HANGUP|");
	TEST_ASSERT(ivr_session_done(fk.s));
out:
	fake_end(&fk);
	return err;
}

/* --- Collect ---------------------------------------------------------- */

static const char collect_flow[] =
	"{\"name\": \"c\", \"start\": \"acct\", \"nodes\": {"
	"\"acct\": {\"type\": \"collect\", \"prompt\": \"Account?\","
	" \"var\": \"account\", \"max_digits\": 6, \"min_digits\": 4,"
	" \"pattern\": \"^[1-9][0-9]*$\", \"tries\": 2, \"timeout_s\": 3,"
	" \"invalid_prompt\": \"Not valid.\", \"next\": \"q\","
	" \"fallback\": \"none\"},"
	"\"q\": {\"type\": \"queue\", \"queue\": \"support\","
	" \"priority\": \"{account}\"},"
	"\"none\": {\"type\": \"queue\", \"queue\": \"sales\"}}}";

static int collect_until_terminator(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, collect_flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(digits(&fk, "12#"), 0);  /* too short: invalid, retried */
	TEST_ASSERT(has(fk.log, "PLAY barge Account?|STOP|COLLECT 3000|"
				"COLLECT 3000|PLAY barge Not valid.|"));
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "PLAY barge Not valid.|PLAY barge Account?|"));
	TEST_EQ(digits(&fk, "1234#"), 0);
	TEST_ASSERT(has(fk.log, "SET account=1234|ENQUEUE support 1234 0|"));
	TEST_STREQ(ivr_session_var(fk.s, "account"), "1234");
	path = ivr_session_path(fk.s, false);
	TEST_ASSERT(has(path, "{\"node\": \"acct\", \"digits\": \"12\","
			      " \"invalid\": true},{\"node\": \"acct\","
			      " \"digits\": \"1234\"},{\"node\": \"q\","
			      " \"queue\": \"support\""));
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int collect_max_digits_and_pattern(void)
{
	struct fake fk;
	int err = fake_start(&fk, collect_flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(done(&fk), 0);
	TEST_EQ(digits(&fk, "012345"), 0); /* 6 digits: ends, bad pattern */
	TEST_ASSERT(has(fk.log, "PLAY barge Not valid.|"));
	TEST_EQ(digits(&fk, "0999"), 0);
	TEST_EQ(timeout(&fk), 0);          /* timeout with digits: ends */
	/* Second invalid: tries used up, the fallback, variable unset. */
	TEST_ASSERT(has(fk.log, "ENQUEUE sales 0 0|"));
	TEST_ASSERT(ivr_session_var(fk.s, "account") == NULL);
out:
	fake_end(&fk);
	return err;
}

static int collect_timeout_carries_on(void)
{
	struct fake fk;
	int err = fake_start(&fk,
		"{\"name\": \"c\", \"start\": \"acct\", \"nodes\": {"
		"\"acct\": {\"type\": \"collect\", \"prompt\": \"Account?\","
		" \"var\": \"account\", \"tries\": 1, \"next\": \"q\"},"
		"\"q\": {\"type\": \"queue\", \"queue\": \"support\"}}}");

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(done(&fk), 0);
	fk.now += 4999;
	TEST_EQ(feed(&fk, IVR_EV_TIMEOUT, 0), EINVAL); /* not yet */
	TEST_EQ(timeout(&fk), 0);
	TEST_ASSERT(has(fk.log, "COLLECT 5000|ENQUEUE support 0 0|"));
	TEST_ASSERT(ivr_session_var(fk.s, "account") == NULL);
out:
	fake_end(&fk);
	return err;
}

/* --- Set, branch ------------------------------------------------------ */

static int set_and_branch_on_variables(void)
{
	static const char flow[] =
		"{\"name\": \"b\", \"start\": \"s\", \"nodes\": {"
		"\"s\": {\"type\": \"set\", \"vars\": {\"lang\": \"de\","
		" \"score\": 42, \"greet\": \"hi {caller}\"}, \"next\": \"b\"},"
		"\"b\": {\"type\": \"branch\", \"conditions\": ["
		" {\"if\": {\"var\": \"missing\", \"exists\": true},"
		"  \"next\": \"no\"},"
		" {\"if\": {\"all\": [{\"var\": \"score\", \"gt\": 40},"
		"  {\"var\": \"lang\", \"in\": [\"fr\", \"de\"]},"
		"  {\"var\": \"caller\", \"prefix\": \"+1555\"},"
		"  {\"var\": \"dialled\", \"matches\": \"^50[0-9]{2}$\"},"
		"  {\"not\": {\"var\": \"lang\", \"eq\": \"en\"}}]},"
		"  \"next\": \"yes\"}], \"else\": \"no\"},"
		"\"yes\": {\"type\": \"queue\", \"queue\": \"sales\"},"
		"\"no\": {\"type\": \"queue\", \"queue\": \"support\"}}}";
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "SET lang=de|SET score=42|SET greet=hi +15550001|"
			   "ENQUEUE sales 0 0|");
	path = ivr_session_path(fk.s, true);
	TEST_ASSERT(has(path, "\"branch\": 1"));
	TEST_ASSERT(has(path, "\"ms\": [0, 0, 0]"));
	TEST_ASSERT(has(path, "\"score\": \"42\""));
out:
	free(path);
	fake_end(&fk);
	return err;
}

static const char hours_flow[] =
	"{\"name\": \"h\", \"start\": \"b\", \"timezone\": \"+02:00\","
	" \"holidays\": [{\"date\": \"2026-12-25\", \"name\": \"Xmas\"},"
	" {\"date\": \"*\", \"active\": false}],"
	" \"nodes\": {\"b\": {\"type\": \"branch\", \"conditions\": ["
	" {\"if\": {\"holiday\": true}, \"next\": \"closed\"},"
	" {\"if\": {\"all\": [{\"weekday\": [1, 2, 3, 4, 5]},"
	"  {\"time\": {\"from\": \"08:00\", \"to\": \"18:00\"}}]},"
	"  \"next\": \"open\"}], \"else\": \"closed\"},"
	" \"open\": {\"type\": \"queue\", \"queue\": \"sales\"},"
	" \"closed\": {\"type\": \"hangup\"}}}";

static int branch_hours_weekday_holiday(void)
{
	static const struct {
		int64_t wall;
		const char *expect;
	} casev[] = {
		/* Wed 2026-11-18 11:06 UTC = 13:06 at +02:00: open */
		{1795000000000LL, "ENQUEUE sales 0 0|"},
		/* 16:00 UTC = 18:00 local: closed (to is exclusive) */
		{1795000000000LL + 4LL * 3600000 + 53 * 60000 + 20000,
		 "HANGUP|"},
		/* 05:59 UTC = 07:59 local: closed; 06:00 UTC = 08:00: open */
		{1795000000000LL - 5LL * 3600000 - 7 * 60000 - 40000,
		 "HANGUP|"},
		{1795000000000LL - 5LL * 3600000 - 6 * 60000 - 40000,
		 "ENQUEUE sales 0 0|"},
		/* Sat 2026-11-21 13:06 local: closed (weekday) */
		{1795000000000LL + 3LL * 86400000, "HANGUP|"},
		/* Fri 2026-12-25 13:06 local: a holiday */
		{1795000000000LL + 37LL * 86400000, "HANGUP|"},
	};
	int err = 0;

	for (size_t i = 0; i < sizeof(casev) / sizeof(casev[0]); i++) {
		struct fake fk;

		err = fake_start(&fk, hours_flow);
		if (!err) {
			fk.wall = casev[i].wall;
			err = start(&fk);
		}
		if (!err && strcmp(fk.log, casev[i].expect)) {
			fprintf(stderr, "case %zu: %s\n", i, fk.log);
			err = EINVAL;
		}
		fake_end(&fk);
		TEST_EQ(err, 0);
	}
out:
	return err;
}

static int branch_on_queue_figures(void)
{
	static const char flow[] =
		"{\"name\": \"q\", \"start\": \"b\", \"nodes\": {"
		"\"b\": {\"type\": \"branch\", \"conditions\": ["
		" {\"if\": {\"queue\": \"support\", \"agents_lt\": 1},"
		"  \"next\": \"nobody\"},"
		" {\"if\": {\"queue\": \"support\", \"ewt_gt_s\": 120},"
		"  \"next\": \"long\"},"
		" {\"if\": {\"queue\": \"support\", \"waiting_gt\": 3},"
		"  \"next\": \"busy\"}], \"else\": \"ok\"},"
		"\"nobody\": {\"type\": \"transfer\", \"to\": \"+15559999\","
		" \"external\": true},"
		"\"long\": {\"type\": \"callback\", \"queue\": \"support\","
		" \"prompt\": \"We will call you.\"},"
		"\"busy\": {\"type\": \"queue\", \"queue\": \"sales\"},"
		"\"ok\": {\"type\": \"queue\", \"queue\": \"support\"}}}";
	struct fake fk;
	int err = fake_start(&fk, flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "ENQUEUE support 0 0|");
	fake_end(&fk);

	TEST_EQ(fake_start(&fk, flow), 0);
	fk.fig.waiting = 4;
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "ENQUEUE sales 0 0|");
	fake_end(&fk);

	TEST_EQ(fake_start(&fk, flow), 0);
	fk.fig.expected_wait_ms = 121000;
	ivr_session_caller_trusted(fk.s, true); /* a trusted trunk's PAI */
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "CALLBACK support +15550001|PLAY We will call"
			   " you.|");
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "|HANGUP|"));
	fake_end(&fk);

	TEST_EQ(fake_start(&fk, flow), 0);
	fk.fig.agents_available = 0;
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "TRANSFER +15559999 external|");
	TEST_ASSERT(ivr_session_done(fk.s));
out:
	fake_end(&fk);
	return err;
}

/* --- Lookup, queue ---------------------------------------------------- */

static const char vip_flow[] =
	"{\"name\": \"v\", \"start\": \"l\", \"nodes\": {"
	"\"l\": {\"type\": \"lookup\", \"next\": \"b\", \"not_found\": \"u\"},"
	"\"b\": {\"type\": \"branch\", \"conditions\": [{\"if\":"
	" {\"var\": \"customer.tier\", \"eq\": \"VIP\"}, \"next\": \"vip\"}],"
	" \"else\": \"u\"},"
	"\"vip\": {\"type\": \"queue\", \"queue\": \"support\","
	" \"priority\": 10, \"preferred_agent\": \"{customer.last_agent}\","
	" \"skills\": {\"english\": 3}},"
	"\"u\": {\"type\": \"play\", \"prompt\": \"Hello {customer.name}.\","
	" \"next\": \"q\"},"
	"\"q\": {\"type\": \"queue\", \"queue\": \"support\"}}}";

static int lookup_vip_to_front(void)
{
	static const char *const fields[] = {"name", "Ada", "tier", "VIP",
					     "last_agent", "1003"};
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, vip_flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "LOOKUP caller=+15550001|");
	TEST_EQ(digit(&fk, '5'), 0); /* type-ahead while looking up */
	TEST_EQ(lookup(&fk, true, fields, 3), 0);
	TEST_STREQ(fk.log, "LOOKUP caller=+15550001|ENQUEUE support 10 1003"
			   " {\"english\":3}|");
	TEST_STREQ(ivr_session_var(fk.s, "customer.name"), "Ada");
	path = ivr_session_path(fk.s, false);
	TEST_ASSERT(has(path, "{\"node\": \"l\", \"found\": true}"));
	TEST_ASSERT(has(path, "\"priority\": 10, \"preferred_agent\": 1003"));
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int lookup_not_found(void)
{
	struct fake fk;
	int err = fake_start(&fk, vip_flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(feed(&fk, IVR_EV_RECORD_DONE, 0), EINVAL); /* wrong event */
	TEST_EQ(lookup(&fk, false, NULL, 0), 0);
	TEST_ASSERT(has(fk.log, "PLAY Hello .|"));
	TEST_EQ(lookup(&fk, false, NULL, 0), EINVAL); /* not looking up */
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "ENQUEUE support 0 0|"));
out:
	fake_end(&fk);
	return err;
}

/* --- Voicemail, subflow, runaway -------------------------------------- */

static int voicemail_records(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk,
		"{\"name\": \"vm\", \"start\": \"vm\", \"fallback_queue\":"
		" \"support\", \"nodes\": {\"vm\": {\"type\": \"voicemail\","
		" \"prompt\": \"Leave a message.\", \"max_s\": 60}}}");

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(feed(&fk, IVR_EV_RECORD_DONE, 0), EINVAL); /* still playing */
	TEST_EQ(done(&fk), 0);
	TEST_STREQ(fk.log, "PLAY Leave a message.|RECORD 60000 support|");
	TEST_EQ(digit(&fk, '#'), 0);
	TEST_EQ(feed(&fk, IVR_EV_RECORD_DONE, 0), 0);
	TEST_ASSERT(has(fk.log, "RECORD 60000 support|HANGUP|"));
	path = ivr_session_path(fk.s, false);
	TEST_STREQ(path, "[{\"node\": \"vm\", \"recorded\": true}]");
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int subflow_returns_and_depth_limit(void)
{
	struct fake fk;
	int err = fake_start(&fk,
		"{\"name\": \"main\", \"start\": \"s\", \"fallback_queue\":"
		" \"support\", \"nodes\": {"
		"\"s\": {\"type\": \"subflow\", \"flow\": \"greet\","
		" \"next\": \"q\"},"
		"\"q\": {\"type\": \"queue\", \"queue\": \"sales\"}}}");

	TEST_EQ(err, 0);
	TEST_EQ(ivr_flow_decode(&fk.sub,
				"{\"name\": \"greet\", \"start\": \"p\","
				" \"nodes\": {\"p\": {\"type\": \"play\","
				" \"prompt\": \"Hi.\", \"next\": \"r\"},"
				" \"r\": {\"type\": \"return\"}}}",
				NULL, NULL, NULL),
		0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "PLAY Hi.|");
	TEST_EQ(done(&fk), 0);
	TEST_STREQ(fk.log, "PLAY Hi.|ENQUEUE sales 0 0|");
	fake_end(&fk);

	/* A flow calling itself stops at the depth limit: fallback queue. */
	TEST_EQ(fake_start(&fk, "{\"name\": \"main\", \"start\": \"s\","
			   " \"fallback_queue\": \"support\", \"nodes\": {"
			   "\"s\": {\"type\": \"subflow\", \"flow\": \"main\","
			   " \"next\": \"q\"},"
			   "\"q\": {\"type\": \"queue\", \"queue\":"
			   " \"sales\"}}}"), 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "ENQUEUE support 0 0|");
	{
		char *path = ivr_session_path(fk.s, false);

		err = has(path, "subflow depth limit") ? 0 : EINVAL;
		free(path);
		TEST_EQ(err, 0);
	}
	fake_end(&fk);

	/* An unknown subflow: fallback queue too. */
	TEST_EQ(fake_start(&fk, "{\"name\": \"main\", \"start\": \"s\","
			   " \"fallback_queue\": \"support\", \"nodes\": {"
			   "\"s\": {\"type\": \"subflow\", \"flow\": \"nope\","
			   " \"next\": \"q\"},"
			   "\"q\": {\"type\": \"queue\", \"queue\":"
			   " \"sales\"}}}"), 0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "ENQUEUE support 0 0|");
out:
	fake_end(&fk);
	return err;
}

static int runaway_goes_to_fallback_queue(void)
{
	/* Up to nine nodes in a row without input, max_steps 6. */
	static const char flow[] =
		"{\"name\": \"r\", \"start\": \"a\", \"max_steps\": 6,"
		" \"fallback_queue\": \"support\", \"nodes\": {"
		"\"a\": {\"type\": \"goto\", \"next\": \"b\"},"
		"\"b\": {\"type\": \"goto\", \"next\": \"c\"},"
		"\"c\": {\"type\": \"goto\", \"next\": \"d\"},"
		"\"d\": {\"type\": \"menu\", \"prompt\": \"M.\", \"tries\": 2,"
		" \"choices\":"
		" {\"1\": \"e\"}, \"fallback\": \"e\"},"
		"\"e\": {\"type\": \"goto\", \"next\": \"f\"},"
		"\"f\": {\"type\": \"goto\", \"next\": \"g\"},"
		"\"g\": {\"type\": \"goto\", \"next\": \"h\"},"
		"\"h\": {\"type\": \"goto\", \"next\": \"i\"},"
		"\"i\": {\"type\": \"goto\", \"next\": \"j\"},"
		"\"j\": {\"type\": \"queue\", \"queue\": \"sales\"}}}";
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);   /* 4 steps to the menu: fine */
	TEST_STREQ(fk.log, "PLAY barge M.|");
	TEST_EQ(done(&fk), 0);
	TEST_EQ(timeout(&fk), 0); /* no input: the steps go on counting */
	TEST_EQ(done(&fk), 0);
	TEST_EQ(timeout(&fk), 0); /* fallback e..j: over 6 */
	TEST_ASSERT(has(fk.log, "ENQUEUE support 0 0|"));
	path = ivr_session_path(fk.s, false);
	TEST_ASSERT(has(path, "runaway"));
	fake_end(&fk);
	free(path);
	path = NULL;

	/* With a digit the count starts over and the flow gets through. */
	TEST_EQ(fake_start(&fk, flow), 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_ASSERT(has(fk.log, "ENQUEUE sales 0 0|"));
out:
	free(path);
	fake_end(&fk);
	return err;
}

static int survey_after_the_agent(void)
{
	static const char flow[] =
		"{\"name\": \"s\", \"start\": \"m\", \"survey\": \"csat\","
		" \"nodes\": {\"m\": {\"type\": \"menu\", \"prompt\": \"Menu.\","
		" \"choices\": {\"1\": {\"queue\": \"sales\"}},"
		" \"fallback\": {\"queue\": \"support\"}},"
		"\"csat\": {\"type\": \"collect\", \"prompt\": \"From 1 to 5?\","
		" \"var\": \"survey.csat\", \"max_digits\": 1, \"pattern\":"
		" \"^[1-5]$\", \"tries\": 2, \"next\": \"thanks\","
		" \"fallback\": \"thanks\"},"
		"\"thanks\": {\"type\": \"hangup\", \"prompt\": \"Thank you.\"}}}";
	struct fake fk;
	const struct ivr_action *a;
	size_t n;
	char *answers = NULL;
	int err = fake_start(&fk, flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	/* Not before the flow has ended. */
	TEST_EQ(ivr_session_survey(fk.s, fk.now, fk.wall, &a, &n), EINVAL);
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_ASSERT(has(fk.log, "ENQUEUE sales 0 0|"));
	TEST_ASSERT(ivr_session_survey_answers(fk.s) == NULL);
	fk.now += 60000;
	TEST_EQ(ivr_session_survey(fk.s, fk.now, fk.wall, &a, &n), 0);
	log_actions(&fk, a, n);
	TEST_ASSERT(has(fk.log, "ENQUEUE sales 0 0|PLAY barge From 1 to 5?|"));
	TEST_EQ(digit(&fk, '7'), 0); /* not 1-5: asked again */
	TEST_ASSERT(has(fk.log, "STOP|PLAY barge From 1 to 5?|"));
	TEST_EQ(digit(&fk, '4'), 0);
	TEST_ASSERT(has(fk.log, "SET survey.csat=4|PLAY Thank you.|"));
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "PLAY Thank you.|HANGUP|"));
	answers = ivr_session_survey_answers(fk.s);
	TEST_STREQ(answers, "{\"csat\":\"4\"}");
	/* Once only. */
	TEST_EQ(ivr_session_survey(fk.s, fk.now, fk.wall, &a, &n), EINVAL);
	fake_end(&fk);

	/* A flow without a survey. */
	TEST_EQ(fake_start(&fk, legacy_menu), 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_EQ(ivr_session_survey(fk.s, fk.now, fk.wall, &a, &n), ENOENT);
out:
	free(answers);
	fake_end(&fk);
	return err;
}

/* --- Named time zones ---------------------------------------------------- */

/* Reads a zone's TZif file as the host does. */
static uint8_t *tzif_read(const char *zone, size_t *np)
{
	char path[128];
	uint8_t *buf = malloc(1 << 16);
	FILE *f;

	(void)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	f = fopen(path, "rb");
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*np = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* Europe/Paris around 2026-03-29 01:00 UTC (CET +01:00 -> CEST +02:00)
 * and 2026-10-25 01:00 UTC (back), America/New_York around its own. */
static int tzif_offsets_across_dst(void)
{
	static const struct {
		const char *zone;
		int64_t t;
		int min;
	} v[] = {
		{"Europe/Paris", 1774745999, 60},   /* 00:59:59 UTC */
		{"Europe/Paris", 1774746000, 120},  /* 01:00:00 UTC */
		{"Europe/Paris", 1792889999, 120},  /* 10-25 00:59:59 */
		{"Europe/Paris", 1792890000, 60},
		{"Europe/Paris", -2000000000, 9},   /* 1906: LMT +00:09:21 */
		{"America/New_York", 1772953199, -300}, /* 03-08 06:59:59 */
		{"America/New_York", 1772953200, -240},
		{"UTC", 1774746000, 0},
	};
	uint8_t junk[64] = "TZif2";
	int err = 0, min;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = 0;
		uint8_t *d = tzif_read(v[i].zone, &n);

		TEST_ASSERT(d != NULL);
		min = 12345;
		err = ivr_tzif_offset(d, n, v[i].t, &min);
		free(d);
		TEST_EQ(err, 0);
		if (min != v[i].min)
			fprintf(stderr, "%s at %lld: %d\n", v[i].zone,
				(long long)v[i].t, min);
		TEST_EQ(min, v[i].min);
	}
	TEST_EQ(ivr_tzif_offset(junk, sizeof(junk), 0, &min), EBADMSG);
	TEST_EQ(ivr_tzif_offset(junk, 10, 0, &min), EBADMSG);
	TEST_ASSERT(ivr_tz_name_ok("Europe/Paris"));
	TEST_ASSERT(!ivr_tz_name_ok("../etc/passwd"));
	TEST_ASSERT(!ivr_tz_name_ok("/etc/passwd"));
	err = 0;
out:
	return err;
}

/* The fake host's zone: the real TZif file, as sig_ivr.c reads it. */
static int tz_offset_h(const char *zone, int64_t wall, int *minutes,
		       void *arg)
{
	size_t n = 0;
	uint8_t *d = tzif_read(zone, &n);
	int err;

	(void)arg;
	if (!d)
		return ENOENT;
	err = ivr_tzif_offset(d, n, wall / 1000, minutes);
	free(d);
	return err;
}

/* Business hours 08:00-18:00 in Paris: 07:30 UTC is 08:30 local after
 * the change to summer time (open) but 08:30 before it... the same UTC
 * instant of day falls on either side of opening across the change. */
static int hours_in_a_named_zone(void)
{
	static const char flow[] =
		"{\"name\": \"p\", \"start\": \"b\", \"timezone\":"
		" \"Europe/Paris\", \"nodes\": {\"b\": {\"type\": \"branch\","
		" \"conditions\": [{\"if\": {\"time\": {\"from\": \"08:00\","
		" \"to\": \"18:00\"}}, \"next\": \"open\"}],"
		" \"else\": \"closed\"},"
		" \"open\": {\"type\": \"queue\", \"queue\": \"sales\"},"
		" \"closed\": {\"type\": \"hangup\"}}}";
	static const struct {
		int64_t wall;
		const char *expect;
	} casev[] = {
		/* Fri 2026-03-27 06:30 UTC = 07:30 CET: closed */
		{1774593000000LL, "HANGUP|"},
		/* Mon 2026-03-30 06:30 UTC = 08:30 CEST: open */
		{1774852200000LL, "ENQUEUE sales 0 0|"},
		/* Mon 2026-03-30 16:30 UTC = 18:30 CEST: closed */
		{1774888200000LL, "HANGUP|"},
		/* Fri 2026-03-27 16:30 UTC = 17:30 CET: open */
		{1774629000000LL, "ENQUEUE sales 0 0|"},
	};
	int err = 0;

	for (size_t i = 0; i < sizeof(casev) / sizeof(casev[0]); i++) {
		struct fake fk;

		err = fake_start(&fk, flow);
		if (!err) {
			fk.host.tz_offset = tz_offset_h;
			fk.wall = casev[i].wall;
			err = start(&fk);
		}
		if (!err && strcmp(fk.log, casev[i].expect)) {
			fprintf(stderr, "case %zu: %s\n", i, fk.log);
			err = EINVAL;
		}
		fake_end(&fk);
		TEST_EQ(err, 0);
	}
	/* A zone the system does not have is a problem with its path. */
	{
		struct fake fk;

		memset(&fk, 0, sizeof(fk));
		TEST_EQ(ivr_flow_check("{\"name\": \"p\", \"start\": \"h\","
				       " \"timezone\": \"Europe/Atlantis\","
				       " \"nodes\": {\"h\": {\"type\":"
				       " \"hangup\"}}}", &opts, problem_h,
				       &fk), 1u);
		TEST_ASSERT(has(fk.problems, "$.timezone: "));
	}
out:
	return err;
}

/* --- Queue options, callbacks, transfers -------------------------------- */

static const char options_flow[] =
	"{\"name\": \"o\", \"start\": \"q\", \"fallback_queue\": \"support\","
	" \"nodes\": {\"q\": {\"type\": \"queue\", \"queue\": \"support\","
	" \"options\": {\"1\": \"cb\", \"2\": \"vm\"},"
	" \"options_prompt\": \"Press 1 to be called back, 2 to leave a"
	" message.\"},"
	" \"cb\": {\"type\": \"callback\", \"queue\": \"support\","
	" \"prompt\": \"We will call you back.\"},"
	" \"vm\": {\"type\": \"voicemail\", \"max_s\": 30}}}";

static int queue_options_leave_the_queue(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, options_flow);

	TEST_EQ(err, 0);
	ivr_session_caller_trusted(fk.s, true);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "ENQUEUE support 0 0 say Press 1 to be called"
			   " back, 2 to leave a message.|");
	TEST_ASSERT(ivr_session_done(fk.s));
	/* Not an option: refused, still queued. */
	fk.log[0] = '\0';
	TEST_EQ(digit(&fk, '5'), EINVAL);
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_STREQ(fk.log, "CALLBACK support +15550001|"
			   "PLAY We will call you back.|");
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "|HANGUP|"));
	/* Only once: the session is over again. */
	TEST_EQ(digit(&fk, '2'), EINVAL);
	path = ivr_session_path(fk.s, false);
	TEST_ASSERT(has(path, "\"left_queue\": \"1\""));
	fake_end(&fk);

	/* 2: voicemail. */
	TEST_EQ(fake_start(&fk, options_flow), 0);
	TEST_EQ(start(&fk), 0);
	fk.log[0] = '\0';
	TEST_EQ(digit(&fk, '2'), 0);
	TEST_STREQ(fk.log, "RECORD 30000 support|");
out:
	free(path);
	fake_end(&fk);
	return err;
}

/* An untrusted caller (a From anyone can forge) keys the number in and
 * confirms it; 2 enters it again; the read-back spells the digits. */
static int callback_confirmed(void)
{
	struct fake fk;
	char *path = NULL;
	int err = fake_start(&fk, options_flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	fk.log[0] = '\0';
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_STREQ(fk.log, "PLAY barge Please enter the number we should call"
			   " you back on, followed by the pound key.|");
	TEST_ASSERT(!has(fk.log, "CALLBACK"));
	fk.log[0] = '\0';
	TEST_EQ(digits(&fk, "5551234#"), 0);
	TEST_STREQ(fk.log, "STOP|COLLECT 5000|COLLECT 5000|COLLECT 5000|"
			   "COLLECT 5000|COLLECT 5000|COLLECT 5000|"
			   "COLLECT 5000|PLAY barge You entered 5 5 5 1 2 3 4."
			   " Press 1 to confirm, 2 to enter it again.|");
	/* 2: again, another number, confirmed this time */
	fk.log[0] = '\0';
	TEST_EQ(digit(&fk, '2'), 0);
	TEST_STREQ(fk.log, "STOP|PLAY barge Please enter the number we should"
			   " call you back on, followed by the pound key.|");
	TEST_EQ(done(&fk), 0);
	fk.log[0] = '\0';
	TEST_EQ(digits(&fk, "5559876"), 0);
	TEST_EQ(timeout(&fk), 0); /* no '#': the pause ends it */
	TEST_ASSERT(has(fk.log, "PLAY barge You entered 5 5 5 9 8 7 6."));
	TEST_EQ(done(&fk), 0);
	fk.log[0] = '\0';
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_STREQ(fk.log, "CALLBACK support 5559876 confirmed|"
			   "PLAY We will call you back.|");
	TEST_EQ(done(&fk), 0);
	TEST_ASSERT(has(fk.log, "|HANGUP|"));
	path = ivr_session_path(fk.s, false);
	TEST_ASSERT(has(path, "\"callback\": \"5559876\","
			      " \"confirmed\": true"));
out:
	free(path);
	fake_end(&fk);
	return err;
}

/* Too short, not confirmed, no input: the tries run out and the caller
 * waits in the node's queue (or its fallback); no callback is made. */
static int callback_tries_fall_back(void)
{
	struct fake fk;
	int err = fake_start(&fk, options_flow);

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(digit(&fk, '1'), 0);
	fk.log[0] = '\0';
	TEST_EQ(digits(&fk, "555#"), 0); /* under 7 digits */
	TEST_ASSERT(has(fk.log, "PLAY barge Please enter the number"));
	TEST_ASSERT(!has(fk.log, "You entered"));
	TEST_EQ(digits(&fk, "5551234#"), 0);
	TEST_ASSERT(has(fk.log, "You entered 5 5 5 1 2 3 4."));
	fk.log[0] = '\0';
	TEST_EQ(digit(&fk, '7'), 0); /* neither 1 nor 2: read back again */
	TEST_ASSERT(has(fk.log, "You entered 5 5 5 1 2 3 4."));
	fk.log[0] = '\0';
	TEST_EQ(done(&fk), 0);
	TEST_EQ(timeout(&fk), 0); /* third try: no input */
	TEST_STREQ(fk.log, "COLLECT 5000|ENQUEUE support 0 0|");
	TEST_ASSERT(ivr_session_done(fk.s));
	fake_end(&fk);

	/* with a fallback target, and confirm: always for a trusted caller */
	TEST_EQ(fake_start(&fk, "{\"name\": \"c\", \"start\": \"cb\","
			   " \"nodes\": {\"cb\": {\"type\": \"callback\","
			   " \"queue\": \"support\", \"confirm\": \"always\","
			   " \"tries\": 1, \"ask_prompt\": \"Number?\","
			   " \"fallback\": {\"queue\": \"sales\"}}}}"), 0);
	ivr_session_caller_trusted(fk.s, true);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "PLAY barge Number?|");
	TEST_EQ(done(&fk), 0);
	fk.log[0] = '\0';
	TEST_EQ(timeout(&fk), 0);
	TEST_STREQ(fk.log, "ENQUEUE sales 0 0|");
out:
	fake_end(&fk);
	return err;
}

/* The validator knows the callback node's fields. */
static int callback_check(void)
{
	struct fake bad;
	int err = 0;

	memset(&bad, 0, sizeof(bad));
	TEST_EQ(ivr_flow_check("{\"name\": \"c\", \"start\": \"cb\", \"nodes\":"
			       " {\"cb\": {\"type\": \"callback\", \"confirm\":"
			       " \"never\", \"number\": \"{n}\","
			       " \"ask_prompt\":"
			       " 3, \"confirm_prompt\": {\"text\": \"ok\"},"
			       " \"min_digits\": 7, \"max_digits\": 15,"
			       " \"tries\": 2, \"timeout_s\": 8,"
			       " \"fallback\": \"nowhere\"}}}", &opts,
			       problem_h, &bad), 4u);
	TEST_ASSERT(has(bad.problems, "$.nodes.cb.confirm: is \"untrusted\""));
	TEST_ASSERT(has(bad.problems, "$.nodes.cb.number: a callback goes"));
	TEST_ASSERT(has(bad.problems, "$.nodes.cb.ask_prompt: "));
	TEST_ASSERT(has(bad.problems, "$.nodes.cb.fallback"));
	bad.problems[0] = '\0';
	TEST_EQ(ivr_flow_check("{\"name\": \"c\", \"start\": \"cb\", \"nodes\":"
			       " {\"cb\": {\"type\": \"callback\", \"confirm\":"
			       " \"always\", \"number\": \"{caller}\","
			       " \"no_input_prompt\": \"Hello?\"}}}", &opts,
			       problem_h, &bad), 0u);
out:
	return err;
}

static int transfer_targets(void)
{
	struct fake fk;
	int err = fake_start(&fk,
		"{\"name\": \"t\", \"start\": \"m\", \"fallback_queue\":"
		" \"sales\", \"nodes\": {\"m\": {\"type\": \"menu\","
		" \"prompt\": \"1 2 3\", \"choices\": {\"1\": \"ext\","
		" \"2\": \"out\", \"3\": \"q\"}, \"fallback\": \"q\"},"
		" \"ext\": {\"type\": \"transfer\", \"to\": \"1003\"},"
		" \"out\": {\"type\": \"transfer\", \"to\": \"+15557654321\","
		" \"external\": true},"
		" \"q\": {\"type\": \"transfer\", \"to\": \"support\"}}}");
	struct fake bad;

	TEST_EQ(err, 0);
	TEST_EQ(start(&fk), 0);
	TEST_EQ(digit(&fk, '1'), 0);
	TEST_ASSERT(has(fk.log, "STOP|TRANSFER 1003 wait sales|"));
	TEST_ASSERT(ivr_session_done(fk.s));
	fake_end(&fk);
	TEST_EQ(fake_start(&fk, "{\"name\": \"t\", \"start\": \"o\","
			   " \"nodes\": {\"o\": {\"type\": \"transfer\","
			   " \"to\": \"+15557654321\", \"external\": true}}}"),
		0);
	TEST_EQ(start(&fk), 0);
	TEST_STREQ(fk.log, "TRANSFER +15557654321 external|");
	/* Callers never choose where the center calls: no variables in an
	 * outside number; options are single digits. */
	memset(&bad, 0, sizeof(bad));
	TEST_EQ(ivr_flow_check("{\"name\": \"t\", \"start\": \"c\", \"nodes\":"
			       " {\"c\": {\"type\": \"collect\", \"prompt\":"
			       " \"x\", \"var\": \"n\", \"next\": \"o\"},"
			       " \"o\": {\"type\": \"transfer\", \"to\": \"{n}\","
			       " \"external\": true}}}", &opts, problem_h,
			       &bad), 1u);
	TEST_ASSERT(has(bad.problems, "$.nodes.o.to: an outside number is"
				      " fixed"));
	bad.problems[0] = '\0';
	TEST_EQ(ivr_flow_check("{\"name\": \"t\", \"start\": \"q\", \"nodes\":"
			       " {\"q\": {\"type\": \"queue\", \"queue\":"
			       " \"sales\", \"options\": {\"12\": \"h\"}},"
			       " \"h\": {\"type\": \"hangup\"}}}", &opts,
			       problem_h, &bad), 1u);
	TEST_ASSERT(has(bad.problems, "$.nodes.q.options.12: "));
out:
	fake_end(&fk);
	return err;
}

/* The demo's built-in flow is the shipped file, and it passes the check. */
static int demo_flow_is_the_file(void)
{
	size_t n = 0;
	uint8_t *d = NULL;
	/* ctest runs in build/; by hand from the source tree */
	FILE *f = fopen("../data/flows/demo-5000.json", "rb");
	struct fake fk;
	int err = 0;

	memset(&fk, 0, sizeof(fk));
	if (!f)
		f = fopen("data/flows/demo-5000.json", "rb");
	TEST_ASSERT(f != NULL);
	d = calloc(1, 1 << 16);
	TEST_ASSERT(d != NULL);
	n = fread(d, 1, (1 << 16) - 1, f);
	TEST_ASSERT(n > 100);
	TEST_STREQ((const char *)d, ivr_demo_flow);
	TEST_EQ(ivr_flow_check(ivr_demo_flow, &opts, problem_h, &fk), 0u);
out:
	if (f)
		fclose(f);
	free(d);
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(check_lists_every_problem),
	TEST_CASE(check_accepts_good_flow),
	TEST_CASE(menu_choice),
	TEST_CASE(menu_invalid_then_choice),
	TEST_CASE(menu_no_input_fallback),
	TEST_CASE(menu_prompts_and_operator),
	TEST_CASE(play_interpolates_and_barges),
	TEST_CASE(play_without_barge_keeps_typeahead),
	TEST_CASE(collect_until_terminator),
	TEST_CASE(collect_max_digits_and_pattern),
	TEST_CASE(collect_timeout_carries_on),
	TEST_CASE(set_and_branch_on_variables),
	TEST_CASE(branch_hours_weekday_holiday),
	TEST_CASE(branch_on_queue_figures),
	TEST_CASE(lookup_vip_to_front),
	TEST_CASE(lookup_not_found),
	TEST_CASE(voicemail_records),
	TEST_CASE(subflow_returns_and_depth_limit),
	TEST_CASE(runaway_goes_to_fallback_queue),
	TEST_CASE(survey_after_the_agent),
	TEST_CASE(tzif_offsets_across_dst),
	TEST_CASE(hours_in_a_named_zone),
	TEST_CASE(queue_options_leave_the_queue),
	TEST_CASE(callback_confirmed),
	TEST_CASE(callback_tries_fall_back),
	TEST_CASE(callback_check),
	TEST_CASE(transfer_targets),
	TEST_CASE(demo_flow_is_the_file),
};
TEST_TABLE_END;
