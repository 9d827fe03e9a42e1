/*
 * sig_menu.c: reads the one-node menu the voice path understands until the
 * IVR interpreter (src/ivr) takes over numbers with flows: the flow's start
 * node must be a "menu" with a prompt, timeout_s, tries, choices (digit ->
 * {"queue": name}) and no_input ({"queue": name}). jansson lives here only
 * because <jansson.h> and <re.h> cannot share a file.
 */
#include <errno.h>
#include <string.h>
#include <jansson.h>
#include "core/cc.h"
#include "sig/sig_int.h"

static const char digits[] = "0123456789*#";

int sig_menu_digit_index(char digit)
{
	const char *p = digit ? strchr(digits, digit) : NULL;

	return p ? (int)(p - digits) : -1;
}

static int copy_queue(char *dst, json_t *target, const char *where)
{
	const char *q = json_string_value(json_object_get(target, "queue"));

	if (!q || strlen(q) >= SIG_NAME_MAX) {
		cc_error("sig", "flow menu: %s needs {\"queue\": name}", where);
		return EBADMSG;
	}
	strcpy(dst, q);
	return 0;
}

int sig_menu_parse(struct sig_menu *m, const char *def)
{
	json_error_t jerr;
	json_t *root, *node, *choices, *v;
	const char *start, *key, *prompt;
	int err = EBADMSG;

	memset(m, 0, sizeof(*m));
	root = json_loads(def, 0, &jerr);
	if (!root) {
		cc_error("sig", "flow: %s (line %d)", jerr.text, jerr.line);
		return EBADMSG;
	}
	start = json_string_value(json_object_get(root, "start"));
	node = start ? json_object_get(json_object_get(root, "nodes"), start) :
		       NULL;
	if (!node || strcmp(json_string_value(json_object_get(node, "type")) ?
				    json_string_value(json_object_get(node, "type")) :
				    "",
			    "menu")) {
		cc_error("sig", "flow: $.start must name a node of type menu");
		goto out;
	}
	prompt = json_string_value(json_object_get(node, "prompt"));
	if (!prompt || strlen(prompt) >= sizeof(m->prompt)) {
		cc_error("sig", "flow: $.nodes.%s.prompt missing or too long",
			 start);
		goto out;
	}
	strcpy(m->prompt, prompt);
	m->timeout_s = (unsigned)json_integer_value(
		json_object_get(node, "timeout_s"));
	m->tries = (unsigned)json_integer_value(json_object_get(node, "tries"));
	if (!m->timeout_s)
		m->timeout_s = 5;
	if (!m->tries)
		m->tries = 2;
	choices = json_object_get(node, "choices");
	json_object_foreach(choices, key, v) {
		int i = strlen(key) == 1 ? sig_menu_digit_index(key[0]) : -1;

		if (i < 0) {
			cc_error("sig", "flow: choice '%s' is not a digit", key);
			goto out;
		}
		if (copy_queue(m->queue[i], v, key))
			goto out;
	}
	if (copy_queue(m->no_input, json_object_get(node, "no_input"),
		       "no_input"))
		goto out;
	err = 0;
out:
	json_decref(root);
	return err;
}
