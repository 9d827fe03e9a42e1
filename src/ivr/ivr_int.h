/*
 * ivr private interface, shared by ivr.c (flows and the interpreter) and
 * ivr_check.c (the validator). Both use jansson; none of these files may
 * include <re.h>.
 */
#ifndef IVR_IVR_INT_H
#define IVR_IVR_INT_H

#include <jansson.h>

struct ivr_type {
	const char *name;
	bool input;          /* waits for the caller (or ends the flow) */
	const char *fields;  /* allowed keys besides type, comma separated */
};
const struct ivr_type *ivr_type_find(const char *name);

/* Calls h for each target of node: where is the path suffix (".next",
 * ".choices.1", ".conditions[0].next"). */
typedef void(ivr_target_h)(const char *where, json_t *t, void *arg);
void ivr_node_targets(json_t *node, ivr_target_h *h, void *arg);

unsigned ivr_flow_check_json(json_t *root, const struct ivr_check_opts *o,
			     ivr_problem_h *h, void *arg);
/* "HH:MM" -> minutes of the day, -1 when malformed. */
int ivr_hhmm_parse(const char *s);
/* "UTC", "Z", "+HH:MM", "-HH:MM" -> minutes east of UTC. EINVAL. */
int ivr_tz_parse(const char *s, int *minp);

#endif
