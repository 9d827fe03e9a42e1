/*
 * ivr_check.c: the flow validator. Lists every problem of a flow with its
 * JSON path rather than stopping at the first: unknown node types and
 * fields, missing or wrong targets, unreachable nodes, loops through
 * nodes that never wait for the caller, missing prompt files, bad
 * patterns and times, unknown queues. The interpreter only runs flows
 * that pass (ivr_flow_decode calls this).
 */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "ivr/ivr.h"
#include "ivr/ivr_int.h"

struct ctx {
	const struct ivr_check_opts *o;
	ivr_problem_h *h;
	void *arg;
	unsigned n;
	json_t *nodes;
};

static void problem(struct ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct ctx *c, const char *path, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->n++;
	if (c->h)
		c->h(path, msg, c->arg);
}

static const struct ivr_type types[] = {
	{"play", false, "prompt,barge_in,next"},
	{"menu", true, "prompt,choices,timeout_s,tries,invalid_prompt,"
		       "no_input_prompt,fallback,no_input"},
	{"collect", true, "prompt,var,max_digits,min_digits,terminator,"
			  "pattern,timeout_s,tries,invalid_prompt,"
			  "no_input_prompt,next,fallback"},
	{"set", false, "vars,next"},
	{"branch", false, "conditions,else"},
	{"lookup", false, "by,next,not_found"},
	{"queue", true, "queue,priority,preferred_agent,skills,options,"
			"options_prompt"},
	{"hangup", true, "prompt"},
	{"goto", false, "next"},
	{"subflow", false, "flow,next"},
	{"return", false, ""},
	{"voicemail", true, "prompt,max_s,queue,next"},
	{"callback", true, "prompt,queue,number,next,confirm,ask_prompt,"
			   "confirm_prompt,invalid_prompt,no_input_prompt,"
			   "min_digits,max_digits,timeout_s,tries,fallback"},
	{"transfer", true, "to,external"},
};

const struct ivr_type *ivr_type_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	return NULL;
}

static bool field_allowed(const struct ivr_type *t, const char *key)
{
	size_t n = strlen(key);
	const char *p = t->fields;

	if (!strcmp(key, "type") || !strcmp(key, "comment"))
		return true;
	while ((p = strstr(p, key))) {
		if ((p == t->fields || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static bool queue_known(struct ctx *c, const char *q)
{
	if (!c->o || !c->o->queues)
		return true;
	for (size_t i = 0; i < c->o->queuec; i++)
		if (!strcmp(c->o->queues[i], q))
			return true;
	return false;
}

static void check_queue_name(struct ctx *c, const char *path, json_t *v)
{
	const char *q = json_string_value(v);

	if (!q || !*q || strlen(q) >= IVR_NAME_MAX)
		problem(c, path, "a queue name (string) is required");
	else if (!queue_known(c, q))
		problem(c, path, "unknown queue '%s'", q);
}

static void check_target(struct ctx *c, const char *path, json_t *t,
			 bool required)
{
	char p[300];

	if (!t) {
		if (required)
			problem(c, path, "a target (node id or {\"queue\":"
					 " name}) is required");
		return;
	}
	if (json_is_string(t)) {
		if (!json_object_get(c->nodes, json_string_value(t)))
			problem(c, path, "target node '%s' does not exist",
				json_string_value(t));
		return;
	}
	if (json_is_object(t) && json_object_get(t, "queue")) {
		(void)snprintf(p, sizeof(p), "%s.queue", path);
		check_queue_name(c, p, json_object_get(t, "queue"));
		return;
	}
	problem(c, path, "a target must be a node id or {\"queue\": name}");
}

static void check_prompt_one(struct ctx *c, const char *path, json_t *p)
{
	const char *file;
	char full[600], sub[300];
	struct stat st;

	if (json_is_string(p))
		return;
	if (json_is_object(p) && json_is_string(json_object_get(p, "text")))
		return;
	file = json_string_value(json_object_get(p, "file"));
	if (!json_is_object(p) || !file) {
		problem(c, path, "a prompt is a text, {\"text\": ...} or"
				 " {\"file\": ...}");
		return;
	}
	if (!c->o || !c->o->check_files)
		return;
	if (file[0] == '/')
		(void)snprintf(full, sizeof(full), "%s", file);
	else
		(void)snprintf(full, sizeof(full), "%s/%s",
			       c->o->prompt_dir ? c->o->prompt_dir : ".",
			       file);
	(void)snprintf(sub, sizeof(sub), "%s.file", path);
	if (stat(full, &st) || !S_ISREG(st.st_mode))
		problem(c, sub, "prompt file %s does not exist", full);
}

static void check_prompt(struct ctx *c, const char *path, json_t *p,
			 bool required)
{
	char sub[300];
	size_t i;
	json_t *v;

	if (!p) {
		if (required)
			problem(c, path, "a prompt is required");
		return;
	}
	if (!json_is_array(p)) {
		check_prompt_one(c, path, p);
		return;
	}
	if (!json_array_size(p) && required)
		problem(c, path, "a prompt is required");
	json_array_foreach(p, i, v) {
		(void)snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		check_prompt_one(c, sub, v);
	}
}

static void check_uint(struct ctx *c, const char *path, json_t *v,
		       long long min, long long max)
{
	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		problem(c, path, "must be a whole number from %lld to %lld",
			min, max);
}

int ivr_hhmm_parse(const char *s)
{
	unsigned h, m;
	char tail;

	if (!s || sscanf(s, "%2u:%2u%c", &h, &m, &tail) != 2 || h > 24 ||
	    m > 59 || (h == 24 && m))
		return -1;
	return (int)(h * 60 + m);
}

int ivr_tz_parse(const char *s, int *minp)
{
	unsigned h, m;
	char sign, tail;

	if (!s || !strcmp(s, "UTC") || !strcmp(s, "Z")) {
		*minp = 0;
		return 0;
	}
	if (sscanf(s, "%c%2u:%2u%c", &sign, &h, &m, &tail) != 3 ||
	    (sign != '+' && sign != '-') || h > 14 || m > 59)
		return EINVAL;
	*minp = (sign == '-' ? -1 : 1) * (int)(h * 60 + m);
	return 0;
}

/* A tz database zone installed on this system (the validator may stat
 * files; the interpreter never reads them). */
static bool tz_exists(const char *name)
{
	char path[256];
	struct stat st;

	if (!ivr_tz_name_ok(name))
		return false;
	(void)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static void check_pattern(struct ctx *c, const char *path, json_t *v)
{
	regex_t re;
	int e;

	if (!v)
		return;
	if (!json_is_string(v)) {
		problem(c, path, "a pattern is a string (POSIX extended"
				 " regular expression)");
		return;
	}
	e = regcomp(&re, json_string_value(v), REG_EXTENDED | REG_NOSUB);
	if (e) {
		char why[160];

		regerror(e, &re, why, sizeof(why));
		problem(c, path, "bad pattern '%s': %s",
			json_string_value(v), why);
		return;
	}
	regfree(&re);
}

static void check_cond(struct ctx *c, const char *path, json_t *cond,
		       unsigned depth)
{
	static const char *const ops[] = {"eq", "ne", "prefix", "matches",
					  "gt", "lt", "ge", "le", "in",
					  "exists"};
	static const char *const qops[] = {"waiting_gt", "waiting_lt",
					   "ewt_gt_s", "ewt_lt_s",
					   "agents_gt", "agents_lt"};
	char sub[300];
	json_t *v;
	size_t i;

	if (!json_is_object(cond) || depth > 8) {
		problem(c, path, "a condition is an object");
		return;
	}
	if ((v = json_object_get(cond, "all")) ||
	    (v = json_object_get(cond, "any"))) {
		const char *k = json_object_get(cond, "all") ? "all" : "any";

		if (!json_is_array(v) || !json_array_size(v)) {
			problem(c, path, "\"%s\" takes a list of conditions",
				k);
			return;
		}
		json_array_foreach(v, i, cond) {
			(void)snprintf(sub, sizeof(sub), "%s.%s[%zu]", path,
				       k, i);
			check_cond(c, sub, cond, depth + 1);
		}
		return;
	}
	if ((v = json_object_get(cond, "not"))) {
		(void)snprintf(sub, sizeof(sub), "%s.not", path);
		check_cond(c, sub, v, depth + 1);
		return;
	}
	if ((v = json_object_get(cond, "var"))) {
		unsigned nops = 0;

		if (!json_is_string(v))
			problem(c, path, "\"var\" names a variable");
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			json_t *a = json_object_get(cond, ops[i]);

			if (!a)
				continue;
			nops++;
			(void)snprintf(sub, sizeof(sub), "%s.%s", path,
				       ops[i]);
			if (i >= 4 && i < 8 && !json_is_number(a))
				problem(c, sub, "compares with a number");
			if (i < 4 && !json_is_string(a))
				problem(c, sub, "compares with a string");
			if (i == 3)
				check_pattern(c, sub, a);
			if (i == 8 && !json_is_array(a))
				problem(c, sub, "takes a list of strings");
			if (i == 9 && !json_is_boolean(a))
				problem(c, sub, "takes true or false");
		}
		if (nops != 1)
			problem(c, path, "a variable condition needs exactly"
					 " one of eq, ne, prefix, matches,"
					 " gt, lt, ge, le, in, exists");
		return;
	}
	if ((v = json_object_get(cond, "time"))) {
		(void)snprintf(sub, sizeof(sub), "%s.time", path);
		if (ivr_hhmm_parse(json_string_value(
			    json_object_get(v, "from"))) < 0 ||
		    ivr_hhmm_parse(json_string_value(
			    json_object_get(v, "to"))) < 0)
			problem(c, sub, "needs \"from\" and \"to\" as HH:MM");
		return;
	}
	if ((v = json_object_get(cond, "weekday"))) {
		json_t *d;

		(void)snprintf(sub, sizeof(sub), "%s.weekday", path);
		if (!json_is_array(v) || !json_array_size(v))
			problem(c, sub, "a list of days 1 (Monday) to 7");
		json_array_foreach(v, i, d)
			if (!json_is_integer(d) || json_integer_value(d) < 1 ||
			    json_integer_value(d) > 7)
				problem(c, sub, "days are 1 (Monday) to 7");
		return;
	}
	if ((v = json_object_get(cond, "holiday"))) {
		if (!json_is_boolean(v))
			problem(c, path, "\"holiday\" takes true or false");
		return;
	}
	if ((v = json_object_get(cond, "queue"))) {
		unsigned nops = 0;

		(void)snprintf(sub, sizeof(sub), "%s.queue", path);
		check_queue_name(c, sub, v);
		for (i = 0; i < sizeof(qops) / sizeof(qops[0]); i++) {
			json_t *a = json_object_get(cond, qops[i]);

			if (!a)
				continue;
			nops++;
			if (!json_is_number(a)) {
				(void)snprintf(sub, sizeof(sub), "%s.%s",
					       path, qops[i]);
				problem(c, sub, "compares with a number");
			}
		}
		if (nops != 1)
			problem(c, path, "a queue condition needs exactly one"
					 " of waiting_gt, waiting_lt,"
					 " ewt_gt_s, ewt_lt_s, agents_gt,"
					 " agents_lt");
		return;
	}
	problem(c, path, "unknown condition (var, time, weekday, holiday,"
			 " queue, all, any, not)");
}

void ivr_node_targets(json_t *node, ivr_target_h *h, void *arg)
{
	const char *type = json_string_value(json_object_get(node, "type"));
	static const char *const keys[] = {"next", "fallback", "no_input",
					   "not_found", "else"};
	char where[200];
	const char *k;
	json_t *v, *cond;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(node, keys[i]);
		if (!v)
			continue;
		if (!strcmp(keys[i], "no_input") && type &&
		    strcmp(type, "menu"))
			continue;
		(void)snprintf(where, sizeof(where), ".%s", keys[i]);
		h(where, v, arg);
	}
	json_object_foreach(json_object_get(node, "choices"), k, v) {
		(void)snprintf(where, sizeof(where), ".choices.%s", k);
		h(where, v, arg);
	}
	json_object_foreach(json_object_get(node, "options"), k, v) {
		(void)snprintf(where, sizeof(where), ".options.%s", k);
		h(where, v, arg);
	}
	json_array_foreach(json_object_get(node, "conditions"), i, cond) {
		v = json_object_get(cond, "next");
		(void)snprintf(where, sizeof(where), ".conditions[%zu].next",
			       i);
		h(where, v, arg);
	}
}

struct tgt_ctx {
	struct ctx *c;
	const char *base;
};

static void tgt_check_h(const char *where, json_t *t, void *arg)
{
	struct tgt_ctx *tc = arg;
	char path[300];

	(void)snprintf(path, sizeof(path), "%s%s", tc->base, where);
	check_target(tc->c, path, t, true);
}

static void check_node(struct ctx *c, const char *id, json_t *node)
{
	char base[200], p[300];
	const struct ivr_type *t;
	const char *key, *type;
	json_t *v;
	size_t i;

	(void)snprintf(base, sizeof(base), "$.nodes.%s", id);
	if (!json_is_object(node)) {
		problem(c, base, "a node is an object");
		return;
	}
	type = json_string_value(json_object_get(node, "type"));
	t = ivr_type_find(type);
	if (!t) {
		(void)snprintf(p, sizeof(p), "%s.type", base);
		problem(c, p, "unknown node type '%s'",
			type ? type : "(none)");
		return;
	}
	json_object_foreach(node, key, v) {
		if (field_allowed(t, key))
			continue;
		(void)snprintf(p, sizeof(p), "%s.%s", base, key);
		problem(c, p, "unknown field for a %s node", t->name);
	}
	{
		struct tgt_ctx tc = {c, base};

		ivr_node_targets(node, tgt_check_h, &tc);
	}
#define P(sfx) ((void)snprintf(p, sizeof(p), "%s.%s", base, sfx), p)
	if (json_object_get(node, "prompt") || !strcmp(type, "play") ||
	    !strcmp(type, "menu") || !strcmp(type, "collect"))
		check_prompt(c, P("prompt"), json_object_get(node, "prompt"),
			     true);
	check_prompt(c, P("invalid_prompt"),
		     json_object_get(node, "invalid_prompt"), false);
	check_prompt(c, P("no_input_prompt"),
		     json_object_get(node, "no_input_prompt"), false);
	check_uint(c, P("timeout_s"), json_object_get(node, "timeout_s"), 1,
		   120);
	check_uint(c, P("tries"), json_object_get(node, "tries"), 1, 10);
	check_uint(c, P("max_digits"), json_object_get(node, "max_digits"), 1,
		   IVR_NAME_MAX - 1);
	check_uint(c, P("min_digits"), json_object_get(node, "min_digits"), 0,
		   IVR_NAME_MAX - 1);
	check_uint(c, P("max_s"), json_object_get(node, "max_s"), 1, 600);
	if ((v = json_object_get(node, "barge_in")) && !json_is_boolean(v))
		problem(c, P("barge_in"), "takes true or false");

	if (!strcmp(type, "play") || !strcmp(type, "set") ||
	    !strcmp(type, "goto") || !strcmp(type, "lookup") ||
	    !strcmp(type, "subflow") || !strcmp(type, "collect"))
		check_target(c, P("next"), json_object_get(node, "next"),
			     true);
	if (!strcmp(type, "menu")) {
		json_t *ch = json_object_get(node, "choices");

		if (!json_is_object(ch) || !json_object_size(ch))
			problem(c, P("choices"), "a menu needs choices"
						 " {\"digit\": target}");
		json_object_foreach(ch, key, v)
			if (strlen(key) != 1 || !strchr("0123456789*#", *key))
				problem(c, P("choices"), "choice '%s' is not"
					" one digit 0-9, * or #", key);
		if (!json_object_get(node, "fallback") &&
		    !json_object_get(node, "no_input"))
			problem(c, base, "a menu needs a \"fallback\" for"
					 " when its tries are used up");
	}
	if (!strcmp(type, "collect")) {
		const char *term = json_string_value(
			json_object_get(node, "terminator"));

		v = json_object_get(node, "var");
		if (!json_is_string(v) || !*json_string_value(v))
			problem(c, P("var"), "the variable to collect into"
					     " is required");
		if (json_object_get(node, "terminator") &&
		    (!term || strlen(term) > 1 ||
		     (*term && !strchr("#*", *term))))
			problem(c, P("terminator"), "is \"#\", \"*\" or"
						    " \"\"");
		check_pattern(c, P("pattern"), json_object_get(node,
							       "pattern"));
	}
	if (!strcmp(type, "set")) {
		v = json_object_get(node, "vars");
		if (!json_is_object(v) || !json_object_size(v))
			problem(c, P("vars"), "set needs {\"name\": value}");
		json_object_foreach(v, key, node)
			if (!json_is_string(node) && !json_is_number(node) &&
			    !json_is_boolean(node))
				problem(c, P("vars"), "value of '%s' must be"
					" a string, number or boolean", key);
		return;
	}
	if (!strcmp(type, "branch")) {
		json_t *cond;

		v = json_object_get(node, "conditions");
		if (!json_is_array(v) || !json_array_size(v))
			problem(c, P("conditions"), "a branch needs a list of"
				" {\"if\": condition, \"next\": target}");
		json_array_foreach(v, i, cond) {
			(void)snprintf(p, sizeof(p), "%s.conditions[%zu].if",
				       base, i);
			check_cond(c, p, json_object_get(cond, "if"), 0);
		}
		check_target(c, P("else"), json_object_get(node, "else"),
			     true);
	}
	if (!strcmp(type, "lookup")) {
		v = json_object_get(node, "by");
		if (v && !json_is_string(v))
			problem(c, P("by"), "\"caller\" or a variable name");
	}
	if (!strcmp(type, "queue"))
		check_queue_name(c, P("queue"), json_object_get(node,
								"queue"));
	if ((!strcmp(type, "voicemail") || !strcmp(type, "callback")) &&
	    json_object_get(node, "queue"))
		check_queue_name(c, P("queue"), json_object_get(node,
								"queue"));
	if (!strcmp(type, "callback")) {
		const char *cf = json_string_value(json_object_get(node,
								   "confirm"));
		const char *num = json_string_value(json_object_get(node,
								    "number"));

		if (json_object_get(node, "confirm") &&
		    (!cf || (strcmp(cf, "untrusted") && strcmp(cf, "always"))))
			problem(c, P("confirm"), "is \"untrusted\" (ask for the"
				" number unless a trusted trunk asserted the"
				" caller's) or \"always\"");
		if (json_object_get(node, "number") &&
		    (!num || strcmp(num, "{caller}")))
			problem(c, P("number"), "a callback goes to the"
				" caller's own number when a trusted trunk"
				" asserted it, else to the number the caller"
				" keys in and confirms at this node: only"
				" \"{caller}\"");
		check_prompt(c, P("ask_prompt"),
			     json_object_get(node, "ask_prompt"), false);
		check_prompt(c, P("confirm_prompt"),
			     json_object_get(node, "confirm_prompt"), false);
	}
	if (!strcmp(type, "queue") && (v = json_object_get(node, "options"))) {
		const char *k;
		json_t *ot;

		if (!json_is_object(v))
			problem(c, P("options"), "an object {\"DIGIT\":"
						 " TARGET}");
		json_object_foreach(v, k, ot) {
			char sub[300];

			(void)ot;
			(void)snprintf(sub, sizeof(sub), "%s.options.%s",
				       base, k);
			if (strlen(k) != 1 || !strchr("0123456789*#", *k))
				problem(c, sub, "an option is one digit, 0-9"
						", * or #");
		}
	}
	if (!strcmp(type, "queue") &&
	    (v = json_object_get(node, "priority")) &&
	    !json_is_integer(v) && !json_is_string(v))
		problem(c, P("priority"), "a number or \"{variable}\"");
	if (!strcmp(type, "subflow") &&
	    !json_is_string(json_object_get(node, "flow")))
		problem(c, P("flow"), "the subflow's name is required");
	if (!strcmp(type, "transfer")) {
		const char *to = json_string_value(json_object_get(node,
								   "to"));

		if (!to || !*to)
			problem(c, P("to"), "an extension, queue or number"
					    " is required");
		else if (json_is_true(json_object_get(node, "external")) &&
			 strchr(to, '{'))
			problem(c, P("to"), "an outside number is fixed in the"
					    " flow: no {variables} (callers"
					    " never choose where the center"
					    " calls)");
	}
#undef P
}

/* --- Graph checks ------------------------------------------------------- */

struct graph {
	struct ctx *c;
	const char *from;
	json_t *seen;   /* id -> true */
	json_t *color;  /* id -> 1 visiting, 2 done (no-input subgraph) */
	char trail[600];
};

static void reach(struct graph *g, const char *id);

static void reach_h(const char *where, json_t *t, void *arg)
{
	(void)where;
	if (json_is_string(t))
		reach(arg, json_string_value(t));
}

static void reach(struct graph *g, const char *id)
{
	json_t *node = json_object_get(g->c->nodes, id);

	if (!node || json_object_get(g->seen, id))
		return;
	json_object_set_new(g->seen, id, json_true());
	ivr_node_targets(node, reach_h, g);
}

/* Cycles among nodes that never wait for the caller's input. */
static void noinput(struct graph *g, const char *id);

static void noinput_h(const char *where, json_t *t, void *arg)
{
	(void)where;
	if (json_is_string(t))
		noinput(arg, json_string_value(t));
}

static bool takes_input(json_t *node)
{
	const struct ivr_type *t = ivr_type_find(
		json_string_value(json_object_get(node, "type")));

	/* A barge-in play is still no input: nobody has to press. */
	return !t || t->input;
}

static void noinput(struct graph *g, const char *id)
{
	json_t *node = json_object_get(g->c->nodes, id);
	json_int_t col = json_integer_value(json_object_get(g->color, id));
	size_t n = strlen(g->trail);

	if (!node || takes_input(node) || col == 2)
		return;
	if (col == 1) {
		char path[200];

		(void)snprintf(path, sizeof(path), "$.nodes.%s", id);
		problem(g->c, path, "loop that takes no input from the"
				    " caller: %s -> %s", g->trail + 4, id);
		return;
	}
	json_object_set_new(g->color, id, json_integer(1));
	(void)snprintf(g->trail + n, sizeof(g->trail) - n, " -> %s", id);
	ivr_node_targets(node, noinput_h, g);
	g->trail[n] = '\0';
	json_object_set_new(g->color, id, json_integer(2));
}

unsigned ivr_flow_check_json(json_t *root, const struct ivr_check_opts *o,
			     ivr_problem_h *h, void *arg)
{
	struct ctx c = {o, h, arg, 0, NULL};
	struct graph g = {&c, NULL, json_object(), json_object(), ""};
	const char *key, *start;
	json_t *v;
	size_t i;
	int tz;

	if (!json_is_object(root)) {
		problem(&c, "$", "a flow is a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		static const char known[] =
			",name,start,timezone,voice,fallback_queue,max_steps,"
			"operator,holidays,nodes,comment,version,survey,";
		char k[80];

		(void)snprintf(k, sizeof(k), ",%s,", key);
		if (!strstr(known, k)) {
			char p[120];

			(void)snprintf(p, sizeof(p), "$.%s", key);
			problem(&c, p, "unknown field");
		}
	}
	v = json_object_get(root, "name");
	if (!json_is_string(v) || !*json_string_value(v) ||
	    strlen(json_string_value(v)) >= IVR_NAME_MAX)
		problem(&c, "$.name", "a name (string under %d characters) is"
				      " required", IVR_NAME_MAX);
	c.nodes = json_object_get(root, "nodes");
	if (!json_is_object(c.nodes) || !json_object_size(c.nodes)) {
		problem(&c, "$.nodes", "a flow needs nodes {\"id\": {...}}");
		goto out;
	}
	start = json_string_value(json_object_get(root, "start"));
	if (!start || !json_object_get(c.nodes, start))
		problem(&c, "$.start", "must name a node of this flow");
	if (json_object_get(root, "timezone") &&
	    ivr_tz_parse(json_string_value(json_object_get(root, "timezone")),
			 &tz) &&
	    !tz_exists(json_string_value(json_object_get(root,
							 "timezone"))))
		problem(&c, "$.timezone", "\"UTC\", an offset \"+HH:MM\" or a"
					  " zone name like \"Europe/Paris\"");
	if ((v = json_object_get(root, "fallback_queue")))
		check_queue_name(&c, "$.fallback_queue", v);
	check_uint(&c, "$.max_steps", json_object_get(root, "max_steps"), 5,
		   1000);
	check_target(&c, "$.operator", json_object_get(root, "operator"),
		     false);
	if ((v = json_object_get(root, "survey")) && !json_is_string(v))
		problem(&c, "$.survey", "names the node the post-call survey"
					" starts at");
	else
		check_target(&c, "$.survey", v, false);
	json_array_foreach(json_object_get(root, "holidays"), i, v) {
		const char *d = json_string_value(json_object_get(v, "date"));
		unsigned y, m, dd;
		char p[80];

		(void)snprintf(p, sizeof(p), "$.holidays[%zu].date", i);
		if (!d || (strcmp(d, "*") &&
			   (sscanf(d, "%4u-%2u-%2u", &y, &m, &dd) != 3 ||
			    m < 1 || m > 12 || dd < 1 || dd > 31)))
			problem(&c, p, "\"YYYY-MM-DD\" or \"*\" (every day)");
	}
	if (json_object_get(root, "holidays") &&
	    !json_is_array(json_object_get(root, "holidays")))
		problem(&c, "$.holidays", "a list of {\"date\": ...}");
	json_object_foreach(c.nodes, key, v)
		check_node(&c, key, v);
	if (start && json_object_get(c.nodes, start)) {
		reach(&g, start);
		if (json_is_string(json_object_get(root, "operator")))
			reach(&g, json_string_value(
				     json_object_get(root, "operator")));
		if (json_is_string(json_object_get(root, "survey")))
			reach(&g, json_string_value(
				     json_object_get(root, "survey")));
		json_object_foreach(c.nodes, key, v) {
			char p[200];

			if (json_object_get(g.seen, key))
				continue;
			(void)snprintf(p, sizeof(p), "$.nodes.%s", key);
			problem(&c, p, "unreachable from the start node");
		}
		json_object_foreach(c.nodes, key, v)
			noinput(&g, key);
	}
out:
	json_decref(g.seen);
	json_decref(g.color);
	return c.n;
}

unsigned ivr_flow_check(const char *json, const struct ivr_check_opts *o,
			ivr_problem_h *h, void *arg)
{
	json_error_t jerr;
	json_t *root = json_loads(json ? json : "", 0, &jerr);
	unsigned n;

	if (!root) {
		char msg[300];

		(void)snprintf(msg, sizeof(msg), "not JSON: %s (line %d,"
			       " column %d)", jerr.text, jerr.line,
			       jerr.column);
		if (h)
			h("$", msg, arg);
		return 1;
	}
	n = ivr_flow_check_json(root, o, h, arg);
	json_decref(root);
	return n;
}
