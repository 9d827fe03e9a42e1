/*
 * ivr: contact flows. A flow is a JSON document (format below); this
 * module validates flows (every problem with its JSON path) and interprets
 * them per call as a pure state machine: the host (src/sig/sig_ivr.c on
 * live calls, a scripted fake in test/test_ivr.c) feeds events with the
 * time passed in and carries out the actions it gets back. No sockets,
 * files or clock reads in the interpreter (the validator alone may stat
 * prompt files).
 *
 * This header is free of libre and jansson types: <re.h> and <jansson.h>
 * cannot be included by the same .c file, and both sides use it.
 *
 * Flow format:
 *   {"name": "demo-5000", "start": "NODE",
 *    "timezone": "UTC"|"+HH:MM"|"Europe/Paris" (a tz database name: its
 *                offset at each instant comes from the host),
 *    "voice": "en", "fallback_queue": "support", "max_steps": 50,
 *    "operator": TARGET (where 0 goes in any menu/collect),
 *    "holidays": [{"date": "YYYY-MM-DD"|"*", "name": "...",
 *                  "active": true}],
 *    "survey": "NODE" (where the caller goes when the agent hangs up
 *                first; variables survey.* are the answers),
 *    "nodes": {"ID": {"type": "...", ...}, ...}}
 * A TARGET is a node id ("menu") or an inline queue ({"queue": "sales",
 * "priority": 0}). A PROMPT is a text to speak, {"text": "..."} or
 * {"file": "x.wav"}, or an array of these; "{var}" is interpolated.
 * Nodes (keys other than these are problems):
 *   play     prompt, barge_in, next
 *   menu     prompt, choices {"1": TARGET...}, timeout_s (5), tries (3),
 *            invalid_prompt, no_input_prompt, fallback (or no_input)
 *   collect  prompt, var, max_digits (20), min_digits (1), terminator
 *            ("#"), pattern (POSIX ERE), timeout_s, tries, invalid_prompt,
 *            next, fallback (default next, var left unset)
 *   set      vars {"name": "value {interp}"}, next
 *   branch   conditions [{"if": COND, "next": TARGET}], else
 *   lookup   by ("caller" or a variable name), next, not_found
 *   queue    queue, priority (number or "{var}"), preferred_agent,
 *            skills {"name": level}, options {"DIGIT": TARGET} (a digit
 *            pressed while waiting leaves the queue for that target,
 *            e.g. a callback or voicemail node), options_prompt (said
 *            to the waiting caller with the announcements)
 *   hangup   prompt
 *   goto     next
 *   subflow  flow, next (the subflow's "return" node comes back here)
 *   return   (ends a subflow)
 *   voicemail prompt, max_s (120), queue, next
 *   callback prompt (said once the callback is made), queue, next;
 *            the caller's own number when a trusted trunk asserted it,
 *            else (or always with confirm: "always") the caller keys in
 *            the number: ask_prompt, then confirm_prompt reading it back
 *            ({callback.spoken}: its digits spaced; {callback.number}),
 *            1 confirms, 2 enters it again; min_digits (7), max_digits
 *            (20), timeout_s, tries (3), invalid_prompt,
 *            no_input_prompt, fallback (default: wait in queue).
 *            number: "{caller}" only (the default)
 *   transfer to (an agent's extension, a queue, or with external an
 *            outside number through a trunk), external (true to allow
 *            outside numbers)
 * COND: {"var": NAME, "eq"|"ne"|"prefix"|"matches": STR |
 *        "gt"|"lt"|"ge"|"le": NUM | "in": [STR] | "exists": BOOL},
 *       {"time": {"from": "08:00", "to": "18:00"}}, {"weekday": [1..7]}
 *       (1 Monday), {"holiday": BOOL}, {"queue": NAME, "waiting_gt"|
 *       "waiting_lt"|"ewt_gt_s"|"ewt_lt_s"|"agents_gt"|"agents_lt": NUM},
 *       {"all": [COND]}, {"any": [COND]}, {"not": COND}.
 * Variables: caller, dialled, customer.* (after lookup), those set.
 */
#ifndef IVR_IVR_H
#define IVR_IVR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/api_req.h"

enum {
	IVR_TEXT_MAX = 512,
	IVR_NAME_MAX = 64,
	IVR_ACTIONS_MAX = 16,
	IVR_DEPTH_MAX = 4,     /* subflow nesting */
	IVR_STEPS_DEFAULT = 100,
};

/* --- Validation ---------------------------------------------------------- */

struct ivr_check_opts {
	const char *const *queues; /* known queue names; NULL: not checked */
	size_t queuec;
	const char *prompt_dir;    /* relative prompt files; NULL: "." */
	bool check_files;          /* stat prompt files */
};

/* One problem: path like "$.nodes.menu.choices.3", msg a sentence. */
typedef void(ivr_problem_h)(const char *path, const char *msg, void *arg);

/* The offset (minutes east of UTC) at epoch second t from the contents
 * of a TZif file (RFC 8536, version 1 to 4; the 64-bit data of v2+),
 * pure: the caller reads the file. Past the last transition the last
 * type stays (the footer's rule is not applied). EBADMSG when the data
 * is not TZif. */
int ivr_tzif_offset(const uint8_t *data, size_t n, int64_t t, int *minutes);
/* True when name could be a tz database zone ("Europe/Paris"): letters,
 * digits, '/', '_', '-', '+', no "..", not absolute. */
bool ivr_tz_name_ok(const char *name);

/* Checks a flow's JSON text; calls h for every problem (h may be NULL).
 * Returns the number of problems (0: the flow may be activated). */
unsigned ivr_flow_check(const char *json, const struct ivr_check_opts *o,
			ivr_problem_h *h, void *arg);

/* --- Flows --------------------------------------------------------------- */

struct ivr_flow;

/* Parses and checks a flow (without stat-ing files); EBADMSG when it has
 * problems (reported through h). *flowp is a new reference. */
int ivr_flow_decode(struct ivr_flow **flowp, const char *json,
		    const struct ivr_check_opts *o, ivr_problem_h *h,
		    void *arg);
struct ivr_flow *ivr_flow_ref(struct ivr_flow *f);
/* Releases a reference; returns NULL. */
struct ivr_flow *ivr_flow_unref(struct ivr_flow *f);
const char *ivr_flow_name(const struct ivr_flow *f);
/* The flow's named time zone ("Europe/Paris"), NULL for UTC or an
 * offset: the host must know it (ivr_host.tz_offset). */
const char *ivr_flow_timezone(const struct ivr_flow *f);

/* --- Sessions (one per call) ------------------------------------------ */

enum ivr_action_type {
	IVR_ACT_PLAY,      /* text or file; play_id; barge_in */
	IVR_ACT_STOP,      /* stop the prompt playing */
	IVR_ACT_COLLECT,   /* waiting for digits until deadline (info) */
	IVR_ACT_LOOKUP,    /* text: "caller"/"account"..., value: the key;
			    * answer with IVR_EV_LOOKUP */
	IVR_ACT_SET,       /* text = value (variable set; for the record) */
	IVR_ACT_ENQUEUE,   /* queue, priority, preferred_agent, skills;
			    * text: the options prompt ("" none); the
			    * session then takes digits for its options */
	IVR_ACT_HANGUP,
	IVR_ACT_RECORD,    /* voicemail: max_ms, '#' ends; queue; answer
			    * with IVR_EV_RECORD_DONE */
	IVR_ACT_CALLBACK,  /* queue, text: number to call back; confirmed:
			    * keyed in and confirmed by the caller (else
			    * the caller's own, asserted by a trusted
			    * trunk) */
	IVR_ACT_TRANSFER,  /* text: extension, queue or number; external;
			    * queue: the flow's fallback queue (where an
			    * extension's caller waits for that agent) */
};

struct ivr_action {
	enum ivr_action_type type;
	uint32_t play_id;
	bool barge_in;
	bool is_file;
	bool external;
	bool confirmed;
	char text[IVR_TEXT_MAX];
	char value[IVR_TEXT_MAX];
	char queue[IVR_NAME_MAX];
	int priority;
	uint32_t preferred_agent;
	uint32_t max_ms;
	uint64_t deadline;
	char skills[IVR_NAME_MAX * 4]; /* JSON object text or "" */
};

enum ivr_event_type {
	IVR_EV_START,
	IVR_EV_DIGIT,       /* digit */
	IVR_EV_PLAY_DONE,   /* play_id (also when it failed) */
	IVR_EV_TIMEOUT,     /* now >= ivr_session_deadline() */
	IVR_EV_LOOKUP,      /* fields: name/value pairs, fieldc pairs;
			     * found false: no customer */
	IVR_EV_RECORD_DONE,
};

struct ivr_event {
	enum ivr_event_type type;
	uint64_t now;       /* monotonic ms: timeouts */
	int64_t wall;       /* epoch ms: time of day, weekday, holidays */
	char digit;
	uint32_t play_id;
	bool found;
	const char *const *fields;
	size_t fieldc;
};

struct ivr_queue_figures {
	unsigned waiting;
	uint64_t expected_wait_ms; /* UINT64_MAX: unknown */
	unsigned agents_available;
};

/* What the interpreter asks of its host (all optional). */
struct ivr_host {
	/* Live figures of a queue; ENOENT when there is no such queue. */
	int (*queue_figures)(const char *queue, struct ivr_queue_figures *f,
			     void *arg);
	/* Another flow by name for subflow (borrowed), NULL when none. */
	struct ivr_flow *(*flow_find)(const char *name, void *arg);
	/* The offset (minutes east of UTC) of a named time zone at wall
	 * (epoch ms), DST included; ENOENT for an unknown zone. */
	int (*tz_offset)(const char *zone, int64_t wall, int *minutes,
			 void *arg);
	void *arg;
};

struct ivr_session;

/* A session on flow (referenced) for a call from caller to dialled. The
 * host must outlive the session. ENOMEM. Free with ivr_session_free. */
int ivr_session_alloc(struct ivr_session **sp, struct ivr_flow *flow,
		      const struct ivr_host *host, const char *caller,
		      const char *dialled);
void ivr_session_free(struct ivr_session *s);
/* Whether the caller's number was asserted by a trusted trunk (before
 * IVR_EV_START; false by default): a callback node then uses it without
 * asking. */
void ivr_session_caller_trusted(struct ivr_session *s, bool trusted);

/* Feeds an event; *actp receives the actions to carry out in order
 * (valid until the next call), *actc their count. EINVAL for an event
 * that makes no sense now (it is then ignored, no actions). */
int ivr_session_event(struct ivr_session *s, const struct ivr_event *ev,
		      const struct ivr_action **actp, size_t *actc);
/* When to send IVR_EV_TIMEOUT (monotonic ms); 0: no deadline. */
uint64_t ivr_session_deadline(const struct ivr_session *s);
bool ivr_session_done(const struct ivr_session *s);
/* A variable's value, NULL when unset (borrowed until the next event). */
const char *ivr_session_var(const struct ivr_session *s, const char *name);

/* After the flow ended (queued) and the agent hung up: runs the flow's
 * post-call survey from its "survey" node. ENOENT when the flow has none,
 * EINVAL when the session is not done or was surveyed already. */
int ivr_session_survey(struct ivr_session *s, uint64_t now, int64_t wall,
		       const struct ivr_action **actp, size_t *actc);
/* The survey answers (variables survey.NAME) as a JSON object text
 * {"NAME": "digits"}, malloc'd (free()); NULL when none. */
char *ivr_session_survey_answers(const struct ivr_session *s);

/* The path so far: steps as a JSON array (nodes, digits, results),
 * "[{...},{...}]"; with detail, an object {"steps": [...], "ms": [time of
 * each step since start], "vars": {...}}. malloc'd string (free()), NULL
 * on ENOMEM. */
char *ivr_session_path(const struct ivr_session *s, bool detail);

/* The module's HTTP routes (ivr_api.c), ending with API_ROUTES_END; main
 * registers them with api_routes_register(). */
extern const struct api_route ivr_routev[];

/* The demo center's flow for number 5000 (data/flows/demo-5000.json). */
extern const char ivr_demo_flow[];

/* `switchboard flow check FILE...` (exit 2 when any problem). */
int ivr_cmd_flow(int argc, char *argv[]);

#endif
