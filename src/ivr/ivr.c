/*
 * ivr.c: flows and the per-call interpreter. Pure: events come in with
 * the time, actions go out; the host plays, collects, queues and hangs up.
 * Uses malloc/free rather than mem_zalloc because libre's <re.h> cannot
 * share a file with <jansson.h>.
 *
 * A session:
 *
 *   IDLE --START--> run nodes (set, branch, goto, subflow, return run at
 *                   once) until one waits:
 *     PROMPT   playing prompts of play/menu/collect/hangup/voicemail/
 *              callback; PLAY_DONE plays the next; a digit barges into a
 *              menu or collect (STOP, digit handled) or a barge-in play
 *              (STOP, digit kept as type-ahead, next node); otherwise
 *              digits are kept as type-ahead for the next input node
 *     INPUT    menu/collect waiting for digits until the deadline;
 *              TIMEOUT = no input (retry or fallback), digits as above
 *     LOOKUP   waiting for the host's IVR_EV_LOOKUP
 *     RECORD   voicemail recording, until IVR_EV_RECORD_DONE
 *     DONE     queued, hung up or transferred: no more events
 *
 * A callback node calls back the caller's own number only when a trusted
 * trunk asserted it (ivr_session_caller_trusted) and the node does not
 * say "confirm": "always"; otherwise it asks for the number (INPUT like
 * a collect: digits, '#' ends), reads it back digit by digit and waits
 * for 1 (confirmed: IVR_ACT_CALLBACK with confirmed set) or 2 (enter it
 * again). Tries used up: the node's fallback, else its queue.
 *
 * Runaway protection: more than max_steps nodes without caller input
 * sends the caller to the flow's fallback queue (or hangs up when it has
 * none). Every node taken is a step of the path (ivr_session_path).
 */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "ivr/ivr.h"
#include "ivr/ivr_int.h"

struct ivr_flow {
	int refs;
	json_t *root;
	json_t *nodes;
	const char *name;
	int tz_min;
	const char *tz_name;  /* a named zone ("Europe/Paris"), else NULL */
	unsigned max_steps;
};

enum phase {
	PH_IDLE,
	PH_PROMPT,
	PH_INPUT,
	PH_LOOKUP,
	PH_RECORD,
	PH_DONE,
};

/* What happens once a node's prompts have played. */
enum after {
	AF_NEXT,     /* play: go to next */
	AF_INPUT,    /* menu, collect: wait for digits */
	AF_HANGUP,
	AF_RECORD,
	AF_CALLBACK,
};

struct frame {
	struct ivr_flow *flow;
	json_t *ret;          /* target to continue at after "return" */
};

/* Where a callback node is (cb_ask: taking digits; cb_confirm: the
 * number read back, waiting for 1 or 2). */
enum cb_stage {
	CB_NONE,
	CB_ASK,
	CB_CONFIRM,
};

struct ivr_session {
	const struct ivr_host *host;
	bool caller_trusted;
	enum cb_stage cb;
	struct frame fv[IVR_DEPTH_MAX + 1];
	unsigned depth;
	struct ivr_flow *flow; /* fv[depth].flow */
	const char *node_id;
	json_t *node;
	const struct ivr_type *type;
	enum phase phase;
	enum after after;
	json_t *prompts;      /* array being played */
	size_t pi;
	bool barge;
	uint32_t play_seq, play_id;
	unsigned tries;
	char digits[IVR_NAME_MAX];
	char typeahead[16];
	uint64_t deadline;
	uint64_t now, t0;
	int64_t wall;
	bool started;
	bool surveyed;
	json_t *queued;       /* the queue node the caller waits in */
	unsigned steps;
	json_t *vars;
	json_t *steps_v;      /* path steps */
	json_t *ms_v;         /* time of each step since start */
	json_t *cur;          /* the current step (borrowed from steps_v) */
	struct ivr_action actv[IVR_ACTIONS_MAX];
	size_t actc;
};

/* --- Flows -------------------------------------------------------------- */

int ivr_flow_decode(struct ivr_flow **flowp, const char *json,
		    const struct ivr_check_opts *o, ivr_problem_h *h,
		    void *arg)
{
	struct ivr_check_opts opts = {0};
	struct ivr_flow *f;
	json_error_t jerr;
	json_t *root, *v;

	if (!flowp || !json)
		return EINVAL;
	root = json_loads(json, 0, &jerr);
	if (!root) {
		char msg[300];

		(void)snprintf(msg, sizeof(msg), "not JSON: %s (line %d)",
			       jerr.text, jerr.line);
		if (h)
			h("$", msg, arg);
		return EBADMSG;
	}
	if (o)
		opts = *o;
	opts.check_files = false;
	if (ivr_flow_check_json(root, &opts, h, arg)) {
		json_decref(root);
		return EBADMSG;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		json_decref(root);
		return ENOMEM;
	}
	f->refs = 1;
	f->root = root;
	f->nodes = json_object_get(root, "nodes");
	f->name = json_string_value(json_object_get(root, "name"));
	if (ivr_tz_parse(json_string_value(json_object_get(root, "timezone")),
			 &f->tz_min))
		f->tz_name = json_string_value(json_object_get(root,
							       "timezone"));
	v = json_object_get(root, "max_steps");
	f->max_steps = v ? (unsigned)json_integer_value(v) :
			   IVR_STEPS_DEFAULT;
	*flowp = f;
	return 0;
}

struct ivr_flow *ivr_flow_ref(struct ivr_flow *f)
{
	if (f)
		f->refs++;
	return f;
}

struct ivr_flow *ivr_flow_unref(struct ivr_flow *f)
{
	if (f && --f->refs == 0) {
		json_decref(f->root);
		free(f);
	}
	return NULL;
}

const char *ivr_flow_name(const struct ivr_flow *f)
{
	return f ? f->name : NULL;
}

const char *ivr_flow_timezone(const struct ivr_flow *f)
{
	return f ? f->tz_name : NULL;
}

/* --- Helpers ------------------------------------------------------------- */

static struct ivr_action *act_add(struct ivr_session *s,
				  enum ivr_action_type type)
{
	struct ivr_action *a;

	if (s->actc == IVR_ACTIONS_MAX) /* cannot happen: bounded by steps */
		return &s->actv[IVR_ACTIONS_MAX - 1];
	a = &s->actv[s->actc++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static const char *str(json_t *node, const char *key)
{
	return json_string_value(json_object_get(node, key));
}

static unsigned uint_or(json_t *node, const char *key, unsigned dflt)
{
	json_t *v = json_object_get(node, key);

	return json_is_integer(v) ? (unsigned)json_integer_value(v) : dflt;
}

static void var_set(struct ivr_session *s, const char *name,
		    const char *value)
{
	json_object_set_new(s->vars, name, json_string(value));
}

const char *ivr_session_var(const struct ivr_session *s, const char *name)
{
	return json_string_value(json_object_get(s->vars, name));
}

/* "{name}" replaced by the variable's value (empty when unset). */
static void interpolate(const struct ivr_session *s, char *dst, size_t sz,
			const char *src)
{
	size_t n = 0;

	while (*src && n + 1 < sz) {
		const char *close = *src == '{' ? strchr(src, '}') : NULL;

		if (close && close - src < IVR_NAME_MAX) {
			char name[IVR_NAME_MAX];
			const char *v;

			memcpy(name, src + 1, (size_t)(close - src - 1));
			name[close - src - 1] = '\0';
			v = ivr_session_var(s, name);
			for (; v && *v && n + 1 < sz; v++)
				dst[n++] = *v;
			src = close + 1;
			continue;
		}
		dst[n++] = *src++;
	}
	dst[n] = '\0';
}

/* A new step of the path: {"node": id}. */
static void step(struct ivr_session *s, const char *id)
{
	json_t *o = json_object();

	json_object_set_new(o, "node", json_string(id));
	json_array_append_new(s->steps_v, o);
	json_array_append_new(s->ms_v, json_integer(
					       (json_int_t)(s->now - s->t0)));
	s->cur = o;
}

/* The current step already records an input: the next gets its own. */
static bool cur_used(const struct ivr_session *s)
{
	return !s->cur || json_object_get(s->cur, "digit") ||
	       json_object_get(s->cur, "no_input") ||
	       json_object_get(s->cur, "digits");
}

static void step_set(struct ivr_session *s, const char *key, json_t *v)
{
	if (!s->cur)
		step(s, s->node_id ? s->node_id : "(start)");
	json_object_set_new(s->cur, key, v);
}

/* --- Running nodes ------------------------------------------------------ */

static void go(struct ivr_session *s, json_t *target);
static void enter(struct ivr_session *s, const char *id);

static void enqueue(struct ivr_session *s, const char *queue, int prio,
		    uint32_t agent, json_t *skills)
{
	struct ivr_action *a = act_add(s, IVR_ACT_ENQUEUE);

	snprintf(a->queue, sizeof(a->queue), "%s", queue);
	a->priority = prio;
	a->preferred_agent = agent;
	if (json_is_object(skills)) {
		char *t = json_dumps(skills, JSON_COMPACT | JSON_SORT_KEYS);

		if (t && strlen(t) < sizeof(a->skills))
			strcpy(a->skills, t);
		free(t);
	}
	s->phase = PH_DONE;
	s->deadline = 0;
}

static void hangup(struct ivr_session *s)
{
	(void)act_add(s, IVR_ACT_HANGUP);
	s->phase = PH_DONE;
	s->deadline = 0;
}

/* Runaway or a broken subflow: the flow's fallback queue. */
static void bail(struct ivr_session *s, const char *why)
{
	const char *q = str(s->fv[0].flow->root, "fallback_queue");

	step(s, s->node_id ? s->node_id : "(start)");
	step_set(s, "error", json_string(why));
	if (q) {
		step_set(s, "queue", json_string(q));
		enqueue(s, q, 0, 0, NULL);
	}
	else {
		hangup(s);
	}
}

static void play_next(struct ivr_session *s);

/* Plays prompt p (a prompt or an array of them), then does `after`. */
static void say(struct ivr_session *s, json_t *p, bool barge,
		enum after after)
{
	json_t *list = json_array();

	if (json_is_array(p))
		json_array_extend(list, p);
	else if (p)
		json_array_append(list, p);
	json_decref(s->prompts);
	s->prompts = list;
	s->pi = 0;
	s->barge = barge;
	s->after = after;
	s->deadline = 0;
	play_next(s);
}

/* Like say, with an extra prompt (invalid, no input) before the prompt. */
static void say2(struct ivr_session *s, json_t *first, json_t *p)
{
	json_t *list = json_array();

	if (json_is_array(first))
		json_array_extend(list, first);
	else if (first)
		json_array_append(list, first);
	if (json_is_array(p))
		json_array_extend(list, p);
	else if (p)
		json_array_append(list, p);
	say(s, list, true, AF_INPUT);
	json_decref(list);
}

static void after_prompts(struct ivr_session *s)
{
	json_t *node = s->node;

	switch (s->after) {
	case AF_NEXT:
		go(s, json_object_get(node, "next"));
		break;
	case AF_INPUT:
		s->phase = PH_INPUT;
		s->deadline = s->now + uint_or(node, "timeout_s", 5) * 1000ULL;
		act_add(s, IVR_ACT_COLLECT)->deadline = s->deadline;
		break;
	case AF_HANGUP:
		hangup(s);
		break;
	case AF_RECORD: {
		struct ivr_action *a = act_add(s, IVR_ACT_RECORD);
		const char *q = str(node, "queue");

		a->max_ms = uint_or(node, "max_s", 120) * 1000;
		snprintf(a->queue, sizeof(a->queue), "%s",
			 q ? q : str(s->fv[0].flow->root, "fallback_queue") ?
			 str(s->fv[0].flow->root, "fallback_queue") : "");
		s->phase = PH_RECORD;
		break;
	}
	case AF_CALLBACK:
		if (json_object_get(node, "next"))
			go(s, json_object_get(node, "next"));
		else
			hangup(s);
		break;
	}
}

static void play_next(struct ivr_session *s)
{
	json_t *p = json_array_get(s->prompts, s->pi);
	struct ivr_action *a;
	const char *text, *file;

	if (!p) {
		after_prompts(s);
		return;
	}
	s->pi++;
	text = json_is_string(p) ? json_string_value(p) : str(p, "text");
	file = str(p, "file");
	a = act_add(s, IVR_ACT_PLAY);
	a->play_id = s->play_id = ++s->play_seq;
	a->barge_in = s->barge;
	a->is_file = !text && file;
	interpolate(s, a->text, sizeof(a->text), text ? text : file);
	{
		const char *voice = str(s->fv[0].flow->root, "voice");

		snprintf(a->value, sizeof(a->value), "%s", voice ? voice : "");
	}
	s->phase = PH_PROMPT;
}

static bool typeahead_pop(struct ivr_session *s, char *d)
{
	size_t n = strlen(s->typeahead);

	if (!n)
		return false;
	*d = s->typeahead[0];
	memmove(s->typeahead, s->typeahead + 1, n);
	return true;
}

static void input_digit(struct ivr_session *s, char d);

/* Local time of the event in the flow's zone. */
static void local_tm(const struct ivr_session *s, struct tm *tm)
{
	const struct ivr_flow *f = s->fv[0].flow;
	int min = f->tz_min;
	time_t t;

	/* A named zone's offset at this instant comes from the host (DST
	 * rules live in tz files; the interpreter reads none). Unknown:
	 * UTC, as the validator and the host refuse such flows. */
	if (f->tz_name && (!s->host || !s->host->tz_offset ||
			   s->host->tz_offset(f->tz_name, s->wall, &min,
					      s->host->arg)))
		min = 0;
	t = (time_t)(s->wall / 1000) + min * 60;
	gmtime_r(&t, tm);
}

static bool is_holiday(const struct ivr_session *s)
{
	json_t *h;
	size_t i;
	struct tm tm;
	char today[48];

	local_tm(s, &tm);
	(void)snprintf(today, sizeof(today), "%04d-%02d-%02d",
		       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	json_array_foreach(json_object_get(s->fv[0].flow->root, "holidays"),
			   i, h) {
		const char *d = str(h, "date");
		json_t *on = json_object_get(h, "active");

		if (on && !json_is_true(on))
			continue;
		if (d && (!strcmp(d, "*") || !strcmp(d, today)))
			return true;
	}
	return false;
}

static bool cond_eval(struct ivr_session *s, json_t *c)
{
	json_t *v, *x;
	size_t i;

	if ((v = json_object_get(c, "all"))) {
		json_array_foreach(v, i, x)
			if (!cond_eval(s, x))
				return false;
		return true;
	}
	if ((v = json_object_get(c, "any"))) {
		json_array_foreach(v, i, x)
			if (cond_eval(s, x))
				return true;
		return false;
	}
	if ((v = json_object_get(c, "not")))
		return !cond_eval(s, v);
	if ((v = json_object_get(c, "var"))) {
		const char *val = ivr_session_var(s, json_string_value(v));
		double num = val ? strtod(val, NULL) : 0;

		if ((x = json_object_get(c, "exists")))
			return json_is_true(x) == (val != NULL);
		if ((x = json_object_get(c, "eq")))
			return val && !strcmp(val, json_string_value(x));
		if ((x = json_object_get(c, "ne")))
			return !val || strcmp(val, json_string_value(x));
		if ((x = json_object_get(c, "prefix")))
			return val && !strncmp(val, json_string_value(x),
					       strlen(json_string_value(x)));
		if ((x = json_object_get(c, "in"))) {
			json_t *e;

			json_array_foreach(x, i, e)
				if (val && json_string_value(e) &&
				    !strcmp(val, json_string_value(e)))
					return true;
			return false;
		}
		if ((x = json_object_get(c, "matches"))) {
			regex_t re;
			bool m;

			if (!val || regcomp(&re, json_string_value(x),
					    REG_EXTENDED | REG_NOSUB))
				return false;
			m = !regexec(&re, val, 0, NULL, 0);
			regfree(&re);
			return m;
		}
		if (!val)
			return false;
		if ((x = json_object_get(c, "gt")))
			return num > json_number_value(x);
		if ((x = json_object_get(c, "lt")))
			return num < json_number_value(x);
		if ((x = json_object_get(c, "ge")))
			return num >= json_number_value(x);
		if ((x = json_object_get(c, "le")))
			return num <= json_number_value(x);
		return false;
	}
	if ((v = json_object_get(c, "time"))) {
		struct tm tm;
		int now, from = ivr_hhmm_parse(str(v, "from")),
			 to = ivr_hhmm_parse(str(v, "to"));

		local_tm(s, &tm);
		now = tm.tm_hour * 60 + tm.tm_min;
		if (from <= to)
			return now >= from && now < to;
		return now >= from || now < to; /* over midnight */
	}
	if ((v = json_object_get(c, "weekday"))) {
		struct tm tm;
		json_int_t wd;

		local_tm(s, &tm);
		wd = tm.tm_wday ? tm.tm_wday : 7;
		json_array_foreach(v, i, x)
			if (json_integer_value(x) == wd)
				return true;
		return false;
	}
	if ((v = json_object_get(c, "holiday")))
		return json_is_true(v) == is_holiday(s);
	if ((v = json_object_get(c, "queue"))) {
		struct ivr_queue_figures f = {0, UINT64_MAX, 0};
		double ewt_s;

		if (!s->host || !s->host->queue_figures ||
		    s->host->queue_figures(json_string_value(v), &f,
					   s->host->arg))
			return false;
		ewt_s = f.expected_wait_ms == UINT64_MAX ?
				1e12 : f.expected_wait_ms / 1000.0;
		if ((x = json_object_get(c, "waiting_gt")))
			return f.waiting > json_number_value(x);
		if ((x = json_object_get(c, "waiting_lt")))
			return f.waiting < json_number_value(x);
		if ((x = json_object_get(c, "ewt_gt_s")))
			return ewt_s > json_number_value(x);
		if ((x = json_object_get(c, "ewt_lt_s")))
			return ewt_s < json_number_value(x);
		if ((x = json_object_get(c, "agents_gt")))
			return f.agents_available > json_number_value(x);
		if ((x = json_object_get(c, "agents_lt")))
			return f.agents_available < json_number_value(x);
	}
	return false;
}

static void node_queue(struct ivr_session *s, json_t *node)
{
	json_t *p = json_object_get(node, "priority");
	char buf[IVR_NAME_MAX];
	int prio = 0;
	uint32_t agent = 0;

	if (json_is_integer(p))
		prio = (int)json_integer_value(p);
	else if (json_is_string(p)) {
		interpolate(s, buf, sizeof(buf), json_string_value(p));
		prio = atoi(buf);
	}
	if (str(node, "preferred_agent")) {
		interpolate(s, buf, sizeof(buf), str(node, "preferred_agent"));
		agent = (uint32_t)strtoul(buf, NULL, 10);
	}
	step_set(s, "queue", json_string(str(node, "queue")));
	if (prio)
		step_set(s, "priority", json_integer(prio));
	if (agent)
		step_set(s, "preferred_agent", json_integer(agent));
	enqueue(s, str(node, "queue"), prio, agent,
		json_object_get(node, "skills"));
	if (json_object_size(json_object_get(node, "options"))) {
		/* digits that leave the queue; the host says how */
		s->queued = node;
		if (str(node, "options_prompt"))
			interpolate(s, s->actv[s->actc - 1].text,
				    sizeof(s->actv[0].text),
				    str(node, "options_prompt"));
	}
}

/* --- The callback node ----------------------------------------------- */

/* A number the caller may key in: 3 to 20 digits (a '+' is dialled as
 * the country's international prefix). */
static bool dial_digits(const char *n)
{
	size_t i = *n == '+';

	for (; n[i]; i++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	return i - (*n == '+') >= 3 && i <= 21;
}

static const char *callback_queue(struct ivr_session *s)
{
	const char *q = str(s->node, "queue");
	const char *fq = str(s->fv[0].flow->root, "fallback_queue");

	return q ? q : fq ? fq : "";
}

/* The number is known (trusted or confirmed): the host makes the task;
 * the node's prompt, then next or hang up. */
static void callback_made(struct ivr_session *s, const char *number,
			  bool confirmed)
{
	struct ivr_action *a = act_add(s, IVR_ACT_CALLBACK);

	snprintf(a->text, sizeof(a->text), "%s", number);
	snprintf(a->queue, sizeof(a->queue), "%s", callback_queue(s));
	a->confirmed = confirmed;
	s->cb = CB_NONE;
	step_set(s, "callback", json_string(a->text));
	if (confirmed)
		step_set(s, "confirmed", json_true());
	say(s, json_object_get(s->node, "prompt"), false, AF_CALLBACK);
}

/* The prompt of the stage the callback node is in (a default text when
 * the flow gives none). */
static json_t *callback_prompt(struct ivr_session *s)
{
	json_t *p = json_object_get(s->node, s->cb == CB_CONFIRM ?
					     "confirm_prompt" : "ask_prompt");

	if (p)
		return json_incref(p);
	return json_string(s->cb == CB_CONFIRM ?
		"You entered {callback.spoken}. Press 1 to confirm, 2 to "
		"enter it again." :
		"Please enter the number we should call you back on, "
		"followed by the pound key.");
}

/* Asks for the number (first: an extra prompt before, or NULL). */
static void callback_ask(struct ivr_session *s, json_t *first)
{
	json_t *p;

	s->cb = CB_ASK;
	s->digits[0] = '\0';
	p = callback_prompt(s);
	say2(s, first, p);
	json_decref(p);
}

/* The digits keyed in: read back for confirmation, or invalid. */
static bool callback_number_done(struct ivr_session *s)
{
	char spoken[3 * sizeof(s->digits)];
	size_t n = 0;

	if (!dial_digits(s->digits) ||
	    strlen(s->digits) < uint_or(s->node, "min_digits", 7))
		return false;
	for (const char *d = s->digits; *d && n + 3 < sizeof(spoken); d++) {
		if (n)
			spoken[n++] = ' ';
		spoken[n++] = *d;
	}
	spoken[n] = '\0';
	var_set(s, "callback.number", s->digits);
	var_set(s, "callback.spoken", spoken);
	s->cb = CB_CONFIRM;
	s->digits[0] = '\0';
	{
		json_t *p = callback_prompt(s);

		say(s, p, true, AF_INPUT);
		json_decref(p);
	}
	return true;
}

static void enter(struct ivr_session *s, const char *id)
{
	json_t *node = json_object_get(s->flow->nodes, id);
	const char *t;

	if (!node) { /* a validated flow cannot get here */
		bail(s, "missing node");
		return;
	}
	if (++s->steps > s->flow->max_steps) {
		s->node_id = id;
		bail(s, "runaway: too many steps without caller input");
		return;
	}
	s->node_id = json_object_iter_key(json_object_iter_at(s->flow->nodes,
							      id));
	s->node = node;
	s->tries = 0;
	s->digits[0] = '\0';
	s->cb = CB_NONE;
	t = str(node, "type");
	s->type = ivr_type_find(t);
	step(s, s->node_id);
	if (!strcmp(t, "play")) {
		json_t *b = json_object_get(node, "barge_in");

		say(s, json_object_get(node, "prompt"), json_is_true(b),
		    AF_NEXT);
	}
	else if (!strcmp(t, "menu") || !strcmp(t, "collect")) {
		char d;

		if (typeahead_pop(s, &d)) {
			s->phase = PH_INPUT;
			input_digit(s, d);
			return;
		}
		say(s, json_object_get(node, "prompt"), true, AF_INPUT);
	}
	else if (!strcmp(t, "set")) {
		const char *k;
		json_t *v, *done = json_object();

		json_object_foreach(json_object_get(node, "vars"), k, v) {
			char val[IVR_TEXT_MAX];
			struct ivr_action *a;

			if (json_is_string(v))
				interpolate(s, val, sizeof(val),
					    json_string_value(v));
			else if (json_is_boolean(v))
				strcpy(val, json_is_true(v) ? "true" : "false");
			else
				(void)snprintf(val, sizeof(val), "%g",
					       json_number_value(v));
			var_set(s, k, val);
			json_object_set_new(done, k, json_string(val));
			a = act_add(s, IVR_ACT_SET);
			snprintf(a->text, sizeof(a->text), "%s", k);
			snprintf(a->value, sizeof(a->value), "%s", val);
		}
		step_set(s, "set", done);
		go(s, json_object_get(node, "next"));
	}
	else if (!strcmp(t, "branch")) {
		json_t *c;
		size_t i;

		json_array_foreach(json_object_get(node, "conditions"), i, c) {
			if (cond_eval(s, json_object_get(c, "if"))) {
				step_set(s, "branch", json_integer(
						      (json_int_t)i));
				go(s, json_object_get(c, "next"));
				return;
			}
		}
		step_set(s, "branch", json_string("else"));
		go(s, json_object_get(node, "else"));
	}
	else if (!strcmp(t, "lookup")) {
		const char *by = str(node, "by");
		struct ivr_action *a = act_add(s, IVR_ACT_LOOKUP);

		by = by ? by : "caller";
		snprintf(a->text, sizeof(a->text), "%s", by);
		snprintf(a->value, sizeof(a->value), "%s",
			 ivr_session_var(s, by) ? ivr_session_var(s, by) : "");
		s->phase = PH_LOOKUP;
	}
	else if (!strcmp(t, "queue")) {
		node_queue(s, node);
	}
	else if (!strcmp(t, "hangup")) {
		say(s, json_object_get(node, "prompt"), false, AF_HANGUP);
	}
	else if (!strcmp(t, "goto")) {
		go(s, json_object_get(node, "next"));
	}
	else if (!strcmp(t, "subflow")) {
		struct ivr_flow *sub = NULL;

		if (s->host && s->host->flow_find)
			sub = s->host->flow_find(str(node, "flow"),
						 s->host->arg);
		if (!sub || s->depth >= IVR_DEPTH_MAX) {
			bail(s, sub ? "subflow depth limit" :
				      "subflow not found");
			return;
		}
		s->fv[s->depth].ret = json_object_get(node, "next");
		s->depth++;
		s->fv[s->depth].flow = ivr_flow_ref(sub);
		s->flow = sub;
		step_set(s, "flow", json_string(sub->name));
		enter(s, str(sub->root, "start"));
	}
	else if (!strcmp(t, "return")) {
		json_t *ret;

		if (!s->depth) {
			bail(s, "return outside a subflow");
			return;
		}
		ivr_flow_unref(s->fv[s->depth].flow);
		s->fv[s->depth].flow = NULL;
		s->depth--;
		s->flow = s->fv[s->depth].flow;
		ret = s->fv[s->depth].ret;
		go(s, ret);
	}
	else if (!strcmp(t, "voicemail")) {
		say(s, json_object_get(node, "prompt"), false, AF_RECORD);
	}
	else if (!strcmp(t, "callback")) {
		const char *caller = ivr_session_var(s, "caller");
		const char *confirm = str(node, "confirm");

		if (s->caller_trusted && caller && dial_digits(caller) &&
		    (!confirm || strcmp(confirm, "always")))
			callback_made(s, caller, false);
		else
			callback_ask(s, NULL);
	}
	else if (!strcmp(t, "transfer")) {
		struct ivr_action *a = act_add(s, IVR_ACT_TRANSFER);

		interpolate(s, a->text, sizeof(a->text), str(node, "to"));
		a->external = json_is_true(json_object_get(node, "external"));
		snprintf(a->queue, sizeof(a->queue), "%s",
			 str(s->fv[0].flow->root, "fallback_queue") ?
			 str(s->fv[0].flow->root, "fallback_queue") : "");
		step_set(s, "transfer", json_string(a->text));
		s->phase = PH_DONE;
		s->deadline = 0;
	}
	else {
		bail(s, "unknown node type");
	}
}

/* Follows a target: a node id or an inline {"queue": ...}. */
static void go(struct ivr_session *s, json_t *target)
{
	if (s->phase == PH_DONE)
		return;
	if (json_is_string(target)) {
		enter(s, json_string_value(target));
		return;
	}
	if (json_is_object(target) && str(target, "queue")) {
		json_t *p = json_object_get(target, "priority");

		enqueue(s, str(target, "queue"),
			json_is_integer(p) ? (int)json_integer_value(p) : 0, 0,
			json_object_get(target, "skills"));
		return;
	}
	bail(s, "no target");
}

/* Invalid input or no input at a menu or collect: retry or fall back. */
static void retry(struct ivr_session *s, bool no_input)
{
	json_t *node = s->node, *fb;
	bool collect = !strcmp(str(node, "type"), "collect");

	if (s->cb != CB_NONE) {
		json_t *p;

		if (++s->tries >= uint_or(node, "tries", 3)) {
			/* no confirmed number: the caller waits instead */
			s->cb = CB_NONE;
			step_set(s, "callback", json_false());
			fb = json_object_get(node, "fallback");
			if (fb)
				go(s, fb);
			else if (*callback_queue(s))
				enqueue(s, callback_queue(s), 0, 0, NULL);
			else
				hangup(s);
			return;
		}
		s->digits[0] = '\0';
		p = callback_prompt(s);
		say2(s, json_object_get(node, no_input ? "no_input_prompt" :
							 "invalid_prompt"),
		     p);
		json_decref(p);
		return;
	}
	if (++s->tries >= uint_or(node, "tries", 3)) {
		fb = json_object_get(node, "fallback");
		if (!fb)
			fb = json_object_get(node, collect ? "next" :
							     "no_input");
		go(s, fb);
		return;
	}
	s->digits[0] = '\0';
	say2(s, json_object_get(node, no_input ? "no_input_prompt" :
						 "invalid_prompt"),
	     json_object_get(node, "prompt"));
}

static void collect_done(struct ivr_session *s)
{
	json_t *node = s->node;
	const char *pat = str(node, "pattern");
	bool ok = strlen(s->digits) >= uint_or(node, "min_digits", 1);

	if (s->cb == CB_ASK) {
		if (cur_used(s))
			step(s, s->node_id);
		step_set(s, "digits", json_string(s->digits));
		if (!callback_number_done(s)) {
			step_set(s, "invalid", json_true());
			retry(s, false);
		}
		return;
	}

	if (ok && pat) {
		regex_t re;

		ok = !regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) &&
		     !regexec(&re, s->digits, 0, NULL, 0);
		regfree(&re);
	}
	if (cur_used(s))
		step(s, s->node_id);
	step_set(s, "digits", json_string(s->digits));
	if (!ok) {
		step_set(s, "invalid", json_true());
		retry(s, false);
		return;
	}
	var_set(s, str(node, "var"), s->digits);
	{
		struct ivr_action *a = act_add(s, IVR_ACT_SET);

		snprintf(a->text, sizeof(a->text), "%s", str(node, "var"));
		snprintf(a->value, sizeof(a->value), "%s", s->digits);
	}
	go(s, json_object_get(node, "next"));
}

/* A digit for the current menu or collect (prompt stopped by caller). */
static void input_digit(struct ivr_session *s, char d)
{
	json_t *node = s->node, *t, *op;
	char k[2] = {d, 0};
	bool collect = !strcmp(str(node, "type"), "collect") ||
		       s->cb == CB_ASK;

	if (s->cb == CB_CONFIRM) {
		if (cur_used(s))
			step(s, s->node_id);
		step_set(s, "digit", json_string(k));
		if (d == '1')
			callback_made(s, ivr_session_var(s, "callback.number"),
				      true);
		else if (d == '2' && ++s->tries < uint_or(node, "tries", 3))
			callback_ask(s, NULL);
		else if (d == '2') {
			s->tries--; /* retry counts it */
			retry(s, false);
		}
		else {
			step_set(s, "invalid", json_true());
			retry(s, false);
		}
		return;
	}
	op = json_object_get(s->fv[0].flow->root, "operator");
	if (!collect) {
		t = json_object_get(json_object_get(node, "choices"), k);
		if (!t && d == '0' && op)
			t = op;
		if (cur_used(s))
			step(s, s->node_id);
		step_set(s, "digit", json_string(k));
		if (!t) {
			step_set(s, "invalid", json_true());
			retry(s, false);
			return;
		}
		if (json_is_object(t) && str(t, "queue"))
			step_set(s, "queue", json_string(str(t, "queue")));
		go(s, t);
		return;
	}
	{
		const char *term = str(node, "terminator");
		size_t n = strlen(s->digits);

		if (!term)
			term = "#";
		if (*term && d == *term) {
			collect_done(s);
			return;
		}
		if (n + 1 < sizeof(s->digits)) {
			s->digits[n] = d;
			s->digits[n + 1] = '\0';
		}
		if (strlen(s->digits) >= uint_or(node, "max_digits", 20)) {
			collect_done(s);
			return;
		}
		s->phase = PH_INPUT;
		s->deadline = s->now + uint_or(node, "timeout_s", 5) * 1000ULL;
		act_add(s, IVR_ACT_COLLECT)->deadline = s->deadline;
	}
}

/* --- Sessions ---------------------------------------------------------- */

int ivr_session_alloc(struct ivr_session **sp, struct ivr_flow *flow,
		      const struct ivr_host *host, const char *caller,
		      const char *dialled)
{
	struct ivr_session *s;

	if (!sp || !flow)
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->host = host;
	s->fv[0].flow = ivr_flow_ref(flow);
	s->flow = flow;
	s->vars = json_object();
	s->steps_v = json_array();
	s->ms_v = json_array();
	s->prompts = json_array();
	if (!s->vars || !s->steps_v || !s->ms_v || !s->prompts) {
		ivr_session_free(s);
		return ENOMEM;
	}
	var_set(s, "caller", caller ? caller : "");
	var_set(s, "dialled", dialled ? dialled : "");
	*sp = s;
	return 0;
}

void ivr_session_free(struct ivr_session *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i <= s->depth; i++)
		ivr_flow_unref(s->fv[i].flow);
	json_decref(s->vars);
	json_decref(s->steps_v);
	json_decref(s->ms_v);
	json_decref(s->prompts);
	free(s);
}

void ivr_session_caller_trusted(struct ivr_session *s, bool trusted)
{
	if (s)
		s->caller_trusted = trusted;
}

uint64_t ivr_session_deadline(const struct ivr_session *s)
{
	return s && s->phase == PH_INPUT ? s->deadline : 0;
}

bool ivr_session_done(const struct ivr_session *s)
{
	return !s || s->phase == PH_DONE;
}

static int on_digit(struct ivr_session *s, char d)
{
	size_t n;

	if (!strchr("0123456789*#", d) || !d)
		return EINVAL;
	s->steps = 0; /* caller input: the runaway count starts over */
	switch (s->phase) {
	case PH_INPUT:
		input_digit(s, d);
		return 0;
	case PH_PROMPT:
		if (s->after == AF_INPUT) {
			(void)act_add(s, IVR_ACT_STOP);
			s->phase = PH_INPUT;
			input_digit(s, d);
			return 0;
		}
		if (s->barge && s->after == AF_NEXT) {
			(void)act_add(s, IVR_ACT_STOP);
			n = strlen(s->typeahead);
			if (n + 1 < sizeof(s->typeahead)) {
				s->typeahead[n] = d;
				s->typeahead[n + 1] = '\0';
			}
			step_set(s, "barge_in", json_string((char[]){d, 0}));
			go(s, json_object_get(s->node, "next"));
			return 0;
		}
		break;
	case PH_RECORD:
		if (d == '#')
			return 0; /* the host ends the recording on # */
		return 0;
	case PH_DONE: {
		json_t *t = json_object_get(json_object_get(s->queued,
							    "options"),
					    (char[]){d, 0});

		if (!t || s->surveyed)
			return EINVAL;
		/* a digit offered while waiting: the caller leaves the
		 * queue for a callback or voicemail (the host takes the
		 * task out of the queue on these actions) */
		s->queued = NULL;
		s->phase = PH_IDLE;
		step(s, s->node_id);
		step_set(s, "left_queue", json_string((char[]){d, 0}));
		go(s, t);
		return 0;
	}
	case PH_IDLE:
		return EINVAL;
	default:
		break;
	}
	n = strlen(s->typeahead);
	if (n + 1 < sizeof(s->typeahead)) {
		s->typeahead[n] = d;
		s->typeahead[n + 1] = '\0';
	}
	return 0;
}

int ivr_session_event(struct ivr_session *s, const struct ivr_event *ev,
		      const struct ivr_action **actp, size_t *actc)
{
	int err = 0;

	if (!s || !ev || !actp || !actc)
		return EINVAL;
	s->actc = 0;
	s->now = ev->now;
	s->wall = ev->wall;
	switch (ev->type) {
	case IVR_EV_START:
		if (s->phase != PH_IDLE || s->started) {
			err = EINVAL;
			break;
		}
		s->started = true;
		s->t0 = ev->now;
		enter(s, str(s->flow->root, "start"));
		break;
	case IVR_EV_DIGIT:
		err = on_digit(s, ev->digit);
		break;
	case IVR_EV_PLAY_DONE:
		if (s->phase != PH_PROMPT || ev->play_id != s->play_id) {
			err = EINVAL;
			break;
		}
		play_next(s);
		break;
	case IVR_EV_TIMEOUT:
		if (s->phase != PH_INPUT || !s->deadline ||
		    ev->now < s->deadline) {
			err = EINVAL;
			break;
		}
		s->deadline = 0;
		if ((!strcmp(str(s->node, "type"), "collect") ||
		     s->cb == CB_ASK) && s->digits[0]) {
			collect_done(s);
			break;
		}
		if (cur_used(s))
			step(s, s->node_id);
		step_set(s, "no_input", json_true());
		retry(s, true);
		break;
	case IVR_EV_LOOKUP:
		if (s->phase != PH_LOOKUP) {
			err = EINVAL;
			break;
		}
		step_set(s, "found", json_boolean(ev->found));
		for (size_t i = 0; ev->found && i < ev->fieldc; i++) {
			char name[IVR_NAME_MAX];

			if (!ev->fields[2 * i] || !ev->fields[2 * i + 1])
				continue;
			(void)snprintf(name, sizeof(name), "customer.%s",
				       ev->fields[2 * i]);
			var_set(s, name, ev->fields[2 * i + 1]);
		}
		if (!ev->found && json_object_get(s->node, "not_found"))
			go(s, json_object_get(s->node, "not_found"));
		else
			go(s, json_object_get(s->node, "next"));
		break;
	case IVR_EV_RECORD_DONE:
		if (s->phase != PH_RECORD) {
			err = EINVAL;
			break;
		}
		step_set(s, "recorded", json_true());
		if (json_object_get(s->node, "next"))
			go(s, json_object_get(s->node, "next"));
		else
			hangup(s);
		break;
	default:
		err = EINVAL;
	}
	*actp = s->actv;
	*actc = err ? 0 : s->actc;
	return err;
}

int ivr_session_survey(struct ivr_session *s, uint64_t now, int64_t wall,
		       const struct ivr_action **actp, size_t *actc)
{
	const char *start;

	if (!s || !actp || !actc)
		return EINVAL;
	start = str(s->fv[0].flow->root, "survey");
	if (!start)
		return ENOENT;
	if (s->phase != PH_DONE || s->surveyed)
		return EINVAL;
	while (s->depth) {
		ivr_flow_unref(s->fv[s->depth].flow);
		s->fv[s->depth].flow = NULL;
		s->depth--;
	}
	s->flow = s->fv[0].flow;
	s->surveyed = true;
	s->actc = 0;
	s->now = now;
	s->wall = wall;
	s->steps = 0;
	s->typeahead[0] = '\0';
	s->phase = PH_IDLE;
	enter(s, start);
	*actp = s->actv;
	*actc = s->actc;
	return 0;
}

char *ivr_session_survey_answers(const struct ivr_session *s)
{
	json_t *o = json_object();
	const char *k;
	json_t *v;
	char *txt = NULL;

	json_object_foreach(s->vars, k, v)
		if (!strncmp(k, "survey.", 7))
			json_object_set(o, k + 7, v);
	if (json_object_size(o))
		txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return txt;
}

char *ivr_session_path(const struct ivr_session *s, bool detail)
{
	json_t *o;
	char *txt, *out;
	size_t n = 2, i;
	json_t *st;

	if (!s)
		return NULL;
	if (detail) {
		o = json_pack("{sOsOsO}", "steps", s->steps_v, "ms", s->ms_v,
			      "vars", s->vars);
		txt = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		return txt;
	}
	/* Steps joined by "," with jansson's ", " inside (the format the
	 * interaction's ivr_path has had since the voice issue). */
	out = malloc(n + 1);
	if (!out)
		return NULL;
	strcpy(out, "[");
	json_array_foreach(s->steps_v, i, st) {
		char *t = json_dumps(st, JSON_PRESERVE_ORDER), *grown;

		if (!t) {
			free(out);
			return NULL;
		}
		n += strlen(t) + 1;
		grown = realloc(out, n + 1);
		if (!grown) {
			free(t);
			free(out);
			return NULL;
		}
		out = grown;
		if (i)
			strcat(out, ",");
		strcat(out, t);
		free(t);
	}
	strcat(out, "]");
	return out;
}
