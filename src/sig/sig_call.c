/*
 * sig_call.c: calls, the module. A back-to-back user agent with anchored
 * media: the caller's session (libre sipsess, answered by us) has a media
 * leg; each device of an agent we ring gets its own session and leg; the
 * first device to answer is bridged to the caller and the others are
 * cancelled. A call's parts are state machines in their own files,
 * sharing sig_call_int.h:
 *
 *   sig_dialplan.c  where an INVITE goes: public numbers, feature codes
 *   sig_caller.c    the caller's leg: MENU, QUEUED, BRIDGED, DIALING
 *   sig_aleg.c      the agents' legs: ringing, up, held, gone
 *   sig_task.c      the center's side of a voice task (cc_task_ops), and
 *                   the tasks without a caller (voicemail, callback)
 *   sig_outside.c   calls out: a callback's customer, a transfer to an
 *                   outside number, a consult's outside target
 *   sig_consult.c   the attended transfer
 *
 *   INVITE ──> sig_dialplan ──> sig_caller: MENU ─> QUEUED ─> BRIDGED ─> gone
 *                                               │        ^    │
 *                      sig_task: offer ──> sig_aleg: ring ──┘ └─> DIALING
 *                                                           (sig_outside)
 *
 * This file keeps what they share (the call list, prompts, music, the
 * interaction's event log) and the module:
 * start, the tasks revived after a restart, stop.
 *
 * Timers: one sweep every SIG_SWEEP_MS serves IVR deadlines and queue
 * announcements of every call (libre's timers are one sorted list; a
 * timer per call would make each insertion slow under load).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <sys/stat.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "sig/sig.h"
#include "sig/sig_int.h"
#include "sig/sig_call_int.h"
#include "store/store.h"
#include "crm/crm.h"

struct sig_calls sc;

/* --- Helpers ------------------------------------------------------------- */

void ix_event(const struct call *c, const char *type,
	      uint32_t agent, const char *detail)
{
	if (c->ix)
		(void)cc_ix_event(c->ix, type, agent,
				  c->queue[0] ? c->queue : NULL, detail);
}

void play_text(struct call *c, const char *text, uint32_t *idp)
{
	struct med_prompt *p = NULL;
	int err;

	if (!c->leg)
		return;
	err = med_prompt_text(&p, NULL, text);
	if (!err)
		err = med_leg_play(c->leg, p, false, idp);
	mem_deref(p);
	if (err)
		cc_warn("sig", "call %lld: cannot play '%s': %s",
			(long long)c->ix, text, strerror(err));
}

void play_moh(struct call *c)
{
	if (sc.moh && c->leg)
		(void)med_leg_play(c->leg, sc.moh, true, NULL);
}

void sig_call_moh(struct call *c)
{
	play_moh(c);
}

void sig_call_event(const struct call *c, const char *type, uint32_t agent,
		    const char *detail)
{
	ix_event(c, type, agent, detail);
}

/* A dial the policy refused: on the timeline, with the rule. */
void dial_denied(const struct call *c, uint32_t agent,
		 const char *number, enum dial_purpose purpose,
		 const struct dial_decision *d)
{
	char detail[DIAL_REASON_MAX + 128];

	(void)re_snprintf(detail, sizeof(detail), "{\"number\": \"%s\","
			  " \"purpose\": \"%s\", \"reason\": \"%s\"}",
			  number, dial_purpose_name(purpose), d->reason);
	ix_event(c, "dial_denied", agent, detail);
	cc_warn("sig", "call %lld: dial %s (%s) denied: %s", (long long)c->ix,
		number, dial_purpose_name(purpose), d->reason);
}

/* Voicemails and callbacks still waiting for an agent when the server
 * stopped (killed: still open, or marked interrupted by the center's
 * recovery; stopped: marked interrupted by sig_call_stop) wait again,
 * with their first entry time. */
static int revive_h(sqlite3_stmt *st, void *arg)
{
	const char *ch = (const char *)sqlite3_column_text(st, 1);
	const char *from = (const char *)sqlite3_column_text(st, 2);
	const char *to = (const char *)sqlite3_column_text(st, 3);
	const char *queue = (const char *)sqlite3_column_text(st, 4);
	const char *rec = (const char *)sqlite3_column_text(st, 5);
	const char *attrs = (const char *)sqlite3_column_text(st, 6);
	int64_t ix = sqlite3_column_int64(st, 0);
	unsigned *n = arg;

	if (!ch || !queue || !from)
		return 0;
	if (!task_call_add(NULL, strcmp(ch, "voicemail") ? CK_CALLBACK :
			   CK_VOICEMAIL, ix, from, to ? to : "", queue,
			   (uint64_t)sqlite3_column_int64(st, 7), attrs,
			   rec))
		(*n)++;
	return 0;
}

/* A voicemail being recorded when the server was killed: the file holds
 * what was said up to its last write (the header is kept valid). */
static int orphan_h(sqlite3_stmt *st, void *arg)
{
	const char *from = (const char *)sqlite3_column_text(st, 1);
	const char *to = (const char *)sqlite3_column_text(st, 2);
	const char *path = (const char *)sqlite3_column_text(st, 3);
	const char *queue = (const char *)sqlite3_column_text(st, 4);
	struct stat sb;

	(void)arg;
	if (!path || stat(path, &sb) || sb.st_size < 44 + 500 * 16)
		return 0; /* nothing said (as sig_call_voicemail_add) */
	cc_info("sig", "call %lld: its voicemail was cut short by a stop:"
		" %s kept", (long long)sqlite3_column_int64(st, 0), path);
	sig_call_voicemail_add(sqlite3_column_int64(st, 0), from ? from : "",
			       to ? to : "", queue, path,
			       (uint32_t)((sb.st_size - 44) / 16));
	return 0;
}

static void tasks_revive(void)
{
	sqlite3 *db = store_reader(store_main());
	unsigned n = 0;

	if (!db)
		return;
	(void)store_query(db, revive_h, &n,
			  "SELECT id, channel, from_addr, to_addr, queue,"
			  " recording, attributes,"
			  " coalesce(entered_queue_at, created_at)"
			  " FROM interactions WHERE channel IN ('voicemail',"
			  " 'callback') AND agent_id IS NULL AND answered_at"
			  " IS NULL AND (state <> 'ended' OR outcome ="
			  " 'interrupted') ORDER BY id", "");
	if (n)
		cc_info("sig", "%u voicemails and callbacks waiting again",
			n);
	/* after: the tasks these make must not be revived a second time */
	(void)store_query(db, orphan_h, NULL,
			  "SELECT i.id, i.from_addr, i.to_addr, i.recording,"
			  " (SELECT json_extract(e.detail, '$.queue') FROM"
			  " interaction_events e WHERE e.interaction_id = i.id"
			  " AND e.type = 'voicemail_started' ORDER BY e.id DESC"
			  " LIMIT 1) FROM interactions i WHERE i.channel ="
			  " 'voice' AND i.recording IS NOT NULL AND NOT EXISTS"
			  " (SELECT 1 FROM interactions v WHERE v.channel ="
			  " 'voicemail' AND v.recording = i.recording)"
			  " AND i.created_at > ?1 ORDER BY i.id",
			  "i", cc_wall_ms() - 7LL * 86400000);
}

const char *sig_call_data_dir(void)
{
	return sc.data[0] ? sc.data : ".";
}

int sig_call_init(const struct cc_config *cfg)
{
	int err;

	str_ncpy(sc.data, cfg->data, sizeof(sc.data));
	list_init(&sc.calls);
	tmr_init(&sc.sweep);
	sc.numberc = 0;
	err = store_numbers_load(store_main(), number_h, NULL);
	if (err)
		return err;
	err = sig_trunk_init(cfg->phone_country);
	sig_stimer_init(cfg);
	if (err)
		return err;
	err = med_prompt_moh(&sc.moh);
	if (err)
		cc_warn("sig", "no music on hold: %s", strerror(err));
	tmr_start(&sc.sweep, SIG_SWEEP_MS, sweep_h, NULL);
	tasks_revive();
	return 0;
}

void sig_call_stop(void)
{
	struct le *le = sc.calls.head;

	while (le) {
		struct call *c = le->data;
		int64_t ix = c->ix;
		bool waiting = c->kind != CK_INBOUND && c->task && !c->agent;

		le = le->next;
		call_destroy(c);
		/* after the abandon the center records: waits again at the
		 * next start (tasks_revive) */
		if (waiting)
			(void)cc_ix_outcome_set(ix, "interrupted");
	}
}

void sig_call_close(void)
{
	sig_call_stop();
	med_rec_close(); /* voicemails still being written: on the record */
	sig_call_stop();
	sig_ivr_close();
	sig_trunk_close();
	tmr_cancel(&sc.sweep);
	sc.moh = mem_deref(sc.moh);
	for (size_t i = 0; i < sc.numberc; i++)
		sc.numberv[i].flow = ivr_flow_unref(sc.numberv[i].flow);
	sc.numberc = 0;
}
