/*
 * sig_ivr.c: the IVR host on a live call. Feeds the interpreter of
 * src/ivr (a pure state machine) with the call's events and carries out
 * its actions on the caller's media leg: prompts (med_leg_play, text
 * through espeak-ng in the flow's voice), stop on barge-in, deadlines
 * checked by sig_call.c's sweep (no timer per call), customer lookups
 * through the CRM (by caller or account), and the end of the flow handed back
 * to the call through sig_ivr_ops (queue, hang up).
 *
 * Voicemail: the caller's leg is recorded (med_leg_record_start) into
 * DATA/recordings/voicemail-IX.wav until '#', the node's max_s or the
 * caller hanging up; once the file is closed the message becomes a task
 * (sig_call_voicemail_add), also when the call is gone by then.
 * Callbacks, transfers and leaving a queue by a digit are the call's to
 * carry out (sig_ivr_ops); a callback's number is the caller's own only
 * when a trusted trunk asserted it, else the one the caller confirmed in
 * the flow, and the dial-out policy may still refuse it (the caller is
 * then queued). Named time zones: the flow's zone's TZif file
 * is read once and each instant's offset handed to the interpreter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "sig/sig_int.h"
#include "store/store.h"
#include "crm/crm.h"

struct sig_ivr {
	struct ivr_session *s;
	struct med_leg *leg;      /* borrowed: the call outlives us */
	int64_t ix;
	uint32_t med_play;        /* med's id of the prompt playing */
	uint32_t ivr_play;        /* the interpreter's id for it */
	bool over;                /* an end action went to the call */
	int64_t customer;         /* found by a lookup node (0: none) */
	bool queued;              /* over by queueing: options may follow */
	char options_prompt[IVR_TEXT_MAX];
	struct vmail *vm;         /* the voicemail being recorded */
	char from[64], to[64];
	const struct sig_ivr_ops *ops;
	void *arg;
	struct ivr_host host;
};

/* A voicemail being recorded; outlives the call when the caller hangs
 * up before the file is closed. */
struct vmail {
	struct sig_ivr *iv;       /* NULL once the call no longer waits */
	uint64_t until;           /* cc_clock_ms(): the node's max_s */
	int64_t ix;
	char from[64], to[64];
	char queue[IVR_NAME_MAX];
};

static void feed(struct sig_ivr *iv, struct ivr_event *ev);

static void vm_done_h(int err, const char *path, uint32_t ms, void *arg)
{
	struct vmail *vm = arg;
	struct sig_ivr *iv = vm->iv;

	if (iv) {
		struct ivr_event ev = {.type = IVR_EV_RECORD_DONE};

		iv->vm = NULL;
		vm->iv = NULL;
		feed(iv, &ev); /* max length reached: the flow goes on */
	}
	if (!err)
		sig_call_voicemail_add(vm->ix, vm->from, vm->to, vm->queue,
				       path, ms);
	mem_deref(vm);
}

/* '#' or the caller left: the recording ends; true when one was on. */
static bool vm_stop(struct sig_ivr *iv)
{
	if (!iv->vm)
		return false;
	iv->vm->iv = NULL;
	iv->vm = NULL;
	(void)med_leg_record_stop(iv->leg);
	return true;
}

static void destructor(void *arg)
{
	struct sig_ivr *iv = arg;

	(void)vm_stop(iv);
	ivr_session_free(iv->s);
}

static void record(struct sig_ivr *iv, const struct ivr_action *a)
{
	struct vmail *vm = mem_zalloc(sizeof(*vm), NULL);
	char path[600];
	int err;

	if (!vm) {
		struct ivr_event ev = {.type = IVR_EV_RECORD_DONE};

		feed(iv, &ev);
		return;
	}
	vm->iv = iv;
	vm->ix = iv->ix;
	str_ncpy(vm->from, iv->from, sizeof(vm->from));
	str_ncpy(vm->to, iv->to, sizeof(vm->to));
	str_ncpy(vm->queue, a->queue, sizeof(vm->queue));
	vm->until = cc_clock_ms() + a->max_ms;
	(void)snprintf(path, sizeof(path), "%s/recordings/voicemail-%lld.wav",
		       sig_call_data_dir(), (long long)iv->ix);
	err = med_leg_record_start(iv->leg, path, a->max_ms, vm_done_h, vm);
	if (err) {
		struct ivr_event ev = {.type = IVR_EV_RECORD_DONE};

		cc_error("sig", "call %lld: voicemail: %s", (long long)iv->ix,
			 strerror(err));
		mem_deref(vm);
		feed(iv, &ev);
		return;
	}
	iv->vm = vm;
	if (iv->ops->outcome)
		iv->ops->outcome("voicemail", iv->arg);
	/* on the record at once: after a crash the restart finds the file
	 * (valid up to its last write) and still makes it a task */
	if (iv->ix && store_main()) {
		char detail[IVR_NAME_MAX + 32];

		(void)snprintf(detail, sizeof(detail), "{\"queue\": \"%s\"}",
			       a->queue);
		(void)store_interaction_update(store_main(), iv->ix, NULL,
					       NULL, "recording = ?", "s",
					       path);
		(void)store_interaction_event_add(store_main(), iv->ix,
						  cc_wall_ms(),
						  "voicemail_started", 0, NULL,
						  detail, NULL, NULL);
	}
	cc_info("sig", "call %lld: recording a voicemail for %s (at most"
		" %u s)", (long long)iv->ix, a->queue, a->max_ms / 1000);
}

/* --- Named time zones (TZif files, read once, main loop only) ---------- */

struct tzfile {
	struct le le;
	char name[IVR_NAME_MAX];
	uint8_t *data;            /* NULL: no such zone */
	size_t n;
};

static struct list tzfiles;

static void tzfile_destructor(void *arg)
{
	struct tzfile *z = arg;

	list_unlink(&z->le);
	free(z->data);
}

static const struct tzfile *tz_load(const char *name)
{
	struct tzfile *z;
	char path[256];
	FILE *f;
	long len;

	for (struct le *le = tzfiles.head; le; le = le->next) {
		z = le->data;
		if (!strcmp(z->name, name))
			return z;
	}
	z = mem_zalloc(sizeof(*z), tzfile_destructor);
	if (!z)
		return NULL;
	str_ncpy(z->name, name, sizeof(z->name));
	list_append(&tzfiles, &z->le, z);
	if (!ivr_tz_name_ok(name))
		return z;
	(void)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	if (!f)
		return z;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) > 0 &&
	    len < 1 << 20 && !fseek(f, 0, SEEK_SET)) {
		z->data = malloc((size_t)len);
		if (z->data && fread(z->data, 1, (size_t)len, f) ==
				       (size_t)len)
			z->n = (size_t)len;
	}
	(void)fclose(f);
	if (z->data && !z->n) {
		free(z->data);
		z->data = NULL;
	}
	return z;
}

static int tz_offset_h(const char *zone, int64_t wall, int *minutes,
		       void *arg)
{
	const struct tzfile *z = tz_load(zone);

	(void)arg;
	if (!z || !z->data)
		return ENOENT;
	return ivr_tzif_offset(z->data, z->n, wall / 1000, minutes);
}

void sig_ivr_close(void)
{
	list_flush(&tzfiles);
}

static int figures_h(const char *queue, struct ivr_queue_figures *f,
		     void *arg)
{
	struct acd_queue_live q;
	uint32_t qid;
	int err;

	(void)arg;
	err = cc_queue_id(queue, &qid);
	if (err)
		return err;
	err = acd_queue_live(cc_center_acd(), qid, (uint64_t)cc_wall_ms(), &q);
	if (err)
		return err;
	f->waiting = q.waiting;
	f->expected_wait_ms = q.expected_wait_ms;
	f->agents_available = q.agents[ACD_AVAILABLE];
	return 0;
}

/* --- Customer lookup (the CRM: src/crm) ---------------------------------- */

struct lookup {
	char buf[1024];
	const char *fieldv[32];
	size_t pairs;
	bool found;
};

/* The customer whose phone (by caller: E.164-normalised) or account
 * number (an account identity or custom field) matches key, as the
 * flow's customer.* variables. */
static void lookup_customer(struct sig_ivr *iv, struct lookup *lk,
			    const char *by, const char *key)
{
	sqlite3 *db = store_main() ? store_reader(store_main()) : NULL;
	int64_t id = 0;

	memset(lk, 0, sizeof(*lk));
	lk->pairs = crm_ivr_fields(db, !strcmp(by, "caller") ? "caller"
							     : "account",
				   key, lk->buf, sizeof(lk->buf), lk->fieldv,
				   16, &id);
	lk->found = lk->pairs > 0;
	/* Who the caller said they are (an account number) outranks whose
	 * phone they call from: the interaction and the pop follow. */
	if (lk->found && id != iv->customer) {
		iv->customer = id;
		(void)store_interaction_update(store_main(), iv->ix, NULL, NULL,
					       "customer_id = ?", "i", id);
	}
}

int64_t sig_ivr_customer(const struct sig_ivr *iv)
{
	return iv ? iv->customer : 0;
}

/* --- Actions ------------------------------------------------------------ */

static void play(struct sig_ivr *iv, const struct ivr_action *a)
{
	struct med_prompt *p = NULL;
	int err;

	if (a->is_file)
		err = med_prompt_file(&p, a->text);
	else
		err = med_prompt_text(&p, a->value[0] ? a->value : NULL,
				      a->text);
	if (!err)
		err = med_leg_play(iv->leg, p, false, &iv->med_play);
	mem_deref(p);
	iv->ivr_play = a->play_id;
	if (err) {
		cc_warn("sig", "call %lld: ivr prompt '%s': %s",
			(long long)iv->ix, a->text, strerror(err));
		iv->med_play = 0; /* the sweep carries on without it */
	}
}

static void run(struct sig_ivr *iv, const struct ivr_action *a, size_t n)
{
	for (size_t i = 0; i < n && !iv->over; i++, a++) {
		switch (a->type) {
		case IVR_ACT_PLAY:
			play(iv, a);
			break;
		case IVR_ACT_STOP:
			med_leg_stop(iv->leg);
			iv->med_play = 0;
			break;
		case IVR_ACT_COLLECT:
		case IVR_ACT_SET:
			break;
		case IVR_ACT_LOOKUP: {
			struct lookup lk;
			struct ivr_event ev = {0};

			lookup_customer(iv, &lk, a->text, a->value);
			ev.type = IVR_EV_LOOKUP;
			ev.found = lk.found;
			ev.fields = lk.fieldv;
			ev.fieldc = lk.pairs;
			cc_info("sig", "call %lld: ivr lookup by %s: %s",
				(long long)iv->ix, a->text,
				lk.found ? "found" : "not found");
			feed(iv, &ev); /* the rest of this list is empty */
			return;
		}
		case IVR_ACT_ENQUEUE:
			iv->over = true;
			iv->queued = true;
			str_ncpy(iv->options_prompt, a->text,
				 sizeof(iv->options_prompt));
			iv->ops->queue(a->queue, a->priority,
				       a->preferred_agent, iv->arg);
			return;
		case IVR_ACT_HANGUP:
			iv->over = true;
			iv->ops->hangup(iv->arg);
			return;
		case IVR_ACT_RECORD:
			record(iv, a);
			return;
		case IVR_ACT_CALLBACK:
			if (iv->ops->callback && !iv->ops->callback(
				    a->queue, a->text, a->confirmed, iv->arg))
				break; /* the prompt that follows says so */
			cc_warn("sig", "call %lld: ivr callback to %s refused:"
				" queued in %s instead", (long long)iv->ix,
				a->text, a->queue);
			iv->over = true;
			iv->ops->queue(a->queue, 0, 0, iv->arg);
			return;
		case IVR_ACT_TRANSFER:
			iv->over = true;
			iv->ops->transfer(a->text, a->external, a->queue,
					  iv->arg);
			return;
		}
	}
}

static void feed(struct sig_ivr *iv, struct ivr_event *ev)
{
	const struct ivr_action *a;
	size_t n;

	if (iv->over)
		return;
	ev->now = cc_clock_ms();
	ev->wall = (int64_t)cc_wall_ms();
	if (ivr_session_event(iv->s, ev, &a, &n))
		return;
	run(iv, a, n);
}

/* --- Interface (sig_int.h) --------------------------------------------- */

int sig_ivr_alloc(struct sig_ivr **ivp, struct ivr_flow *flow,
		  struct med_leg *leg, int64_t ix, const char *from,
		  bool from_trusted, const char *to,
		  const struct sig_ivr_ops *ops, void *arg)
{
	struct sig_ivr *iv;
	int err;

	if (!ivp || !flow || !leg || !ops)
		return EINVAL;
	iv = mem_zalloc(sizeof(*iv), destructor);
	if (!iv)
		return ENOMEM;
	iv->leg = leg;
	iv->ix = ix;
	iv->ops = ops;
	iv->arg = arg;
	str_ncpy(iv->from, from, sizeof(iv->from));
	str_ncpy(iv->to, to, sizeof(iv->to));
	iv->host.queue_figures = figures_h;
	iv->host.tz_offset = tz_offset_h;
	iv->host.arg = iv;
	err = ivr_session_alloc(&iv->s, flow, &iv->host, from, to);
	if (err) {
		mem_deref(iv);
		return err;
	}
	ivr_session_caller_trusted(iv->s, from_trusted);
	*ivp = iv;
	return 0;
}

void sig_ivr_start(struct sig_ivr *iv)
{
	struct ivr_event ev = {.type = IVR_EV_START};

	feed(iv, &ev);
}

void sig_ivr_digit(struct sig_ivr *iv, char digit)
{
	struct ivr_event ev = {.type = IVR_EV_DIGIT, .digit = digit};

	if (digit == '#' && vm_stop(iv)) {
		struct ivr_event done = {.type = IVR_EV_RECORD_DONE};

		feed(iv, &done);
		return;
	}
	feed(iv, &ev);
}

bool sig_ivr_queued_digit(struct sig_ivr *iv, char digit)
{
	struct ivr_event ev = {.type = IVR_EV_DIGIT, .digit = digit};
	const struct ivr_action *a;
	size_t n;

	if (!iv->queued || !iv->over)
		return false;
	ev.now = cc_clock_ms();
	ev.wall = (int64_t)cc_wall_ms();
	if (ivr_session_event(iv->s, &ev, &a, &n) || !n)
		return false;
	cc_info("sig", "call %lld: digit %c leaves the queue",
		(long long)iv->ix, digit);
	iv->queued = false;
	iv->over = false;
	iv->options_prompt[0] = '\0';
	iv->ops->leave(iv->arg);
	run(iv, a, n);
	return true;
}

const char *sig_ivr_options_prompt(const struct sig_ivr *iv)
{
	return iv && iv->queued && iv->options_prompt[0] ?
		       iv->options_prompt : NULL;
}

bool sig_ivr_play_done(struct sig_ivr *iv, uint32_t med_play_id)
{
	struct ivr_event ev = {.type = IVR_EV_PLAY_DONE};

	if (!iv->med_play || med_play_id != iv->med_play)
		return false;
	iv->med_play = 0;
	ev.play_id = iv->ivr_play;
	feed(iv, &ev);
	return true;
}

bool sig_ivr_sweep(struct sig_ivr *iv, uint64_t now)
{
	uint64_t d;

	if (iv->over)
		return false;
	/* The recording's length is time on the line, silence included
	 * (med_rec counts only the audio received). */
	if (iv->vm && now >= iv->vm->until && vm_stop(iv)) {
		struct ivr_event ev = {.type = IVR_EV_RECORD_DONE};

		cc_info("sig", "call %lld: voicemail: maximum length",
			(long long)iv->ix);
		feed(iv, &ev);
		return false;
	}
	/* A prompt that could not be played counts as played. */
	if (!iv->med_play && iv->ivr_play && !med_leg_playing(iv->leg) &&
	    !ivr_session_deadline(iv->s)) {
		struct ivr_event ev = {.type = IVR_EV_PLAY_DONE,
				       .play_id = iv->ivr_play};

		iv->ivr_play = 0;
		feed(iv, &ev);
		return false;
	}
	d = ivr_session_deadline(iv->s);
	if (d && now >= d) {
		struct ivr_event ev = {.type = IVR_EV_TIMEOUT};

		feed(iv, &ev);
		return true;
	}
	return false;
}

bool sig_ivr_survey(struct sig_ivr *iv)
{
	const struct ivr_action *a;
	size_t n;

	if (ivr_session_survey(iv->s, cc_clock_ms(), (int64_t)cc_wall_ms(), &a,
			       &n))
		return false;
	iv->over = false;
	iv->med_play = iv->ivr_play = 0;
	cc_info("sig", "call %lld: post-call survey", (long long)iv->ix);
	run(iv, a, n);
	return true;
}

char *sig_ivr_survey_answers(const struct sig_ivr *iv)
{
	return iv ? ivr_session_survey_answers(iv->s) : NULL;
}

char *sig_ivr_path(const struct sig_ivr *iv, bool detail)
{
	return iv ? ivr_session_path(iv->s, detail) : NULL;
}

/* The queue names the center knows, for checking flows. */
struct qnames {
	char buf[4096];
	const char *v[128];
	size_t n, used;
};

static void qname_h(uint32_t id, const char *name, void *arg)
{
	struct qnames *q = arg;
	size_t len = strlen(name) + 1;

	(void)id;
	if (q->n == sizeof(q->v) / sizeof(q->v[0]) ||
	    q->used + len > sizeof(q->buf))
		return;
	memcpy(q->buf + q->used, name, len);
	q->v[q->n++] = q->buf + q->used;
	q->used += len;
}

static void problem_h(const char *path, const char *msg, void *arg)
{
	cc_error("sig", "flow %s: %s: %s", (const char *)arg, path, msg);
}

int sig_ivr_flow_load(struct ivr_flow **fp, const char *name,
		      const char *def)
{
	struct qnames *q = mem_zalloc(sizeof(*q), NULL);
	struct ivr_check_opts o = {0};
	const char *tz;
	int err;

	if (!q)
		return ENOMEM;
	*fp = NULL;
	cc_queue_foreach(qname_h, q);
	if (q->n) {
		o.queues = q->v;
		o.queuec = q->n;
	}
	err = ivr_flow_decode(fp, def, &o, problem_h, (void *)name);
	mem_deref(q);
	tz = err ? NULL : ivr_flow_timezone(*fp);
	if (tz && (!tz_load(tz) || !tz_load(tz)->data)) {
		problem_h("$.timezone", "no such time zone in"
			  " /usr/share/zoneinfo", (void *)name);
		*fp = ivr_flow_unref(*fp);
		err = EBADMSG;
	}
	return err;
}
