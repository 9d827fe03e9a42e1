/*
 * Typed helpers over the core tables (001_core.sql, 010_store.sql): loaders
 * that hand configuration rows (agents, skills, queues, members, numbers,
 * trunks, flows) to a callback, and the writes the center makes many
 * times a second (agent state periods, interval counts), each one queued
 * unit on the writer. The SQL of the core tables lives here, so other
 * modules need not know column names; the interactions and their events
 * are src/core/cc_ix_db.c's.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "store.h"
#include "store_mig.h"

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

struct load {
	void *h;
	void *arg;
};

static int agent_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct store_agent a;

	a.id = sqlite3_column_int64(stmt, 0);
	a.extension = col_text(stmt, 1);
	a.name = col_text(stmt, 2);
	a.sip_password = col_text(stmt, 3);
	a.enabled = sqlite3_column_int(stmt, 4) != 0;
	return ((store_agent_h *)l->h)(&a, l->arg);
}

static sqlite3 *reader(struct store *st)
{
	return st ? store_reader(st) : NULL;
}

int store_agents_load(struct store *st, store_agent_h *h, void *arg)
{
	struct load l = {(void *)h, arg};

	if (!h || !reader(st))
		return EINVAL;
	return store_query(reader(st), agent_row, &l,
			   "SELECT id, extension, name, sip_password, enabled"
			   " FROM agents ORDER BY extension", NULL);
}

static int agent_skill_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct store_agent_skill s;

	s.agent_id = sqlite3_column_int64(stmt, 0);
	s.skill = col_text(stmt, 1);
	s.level = sqlite3_column_int(stmt, 2);
	return ((store_agent_skill_h *)l->h)(&s, l->arg);
}

int store_agent_skills_load(struct store *st, store_agent_skill_h *h,
			    void *arg)
{
	struct load l = {(void *)h, arg};

	if (!h || !reader(st))
		return EINVAL;
	return store_query(reader(st), agent_skill_row, &l,
			   "SELECT agent_id, skill, level FROM agent_skills"
			   " ORDER BY agent_id, skill", NULL);
}

static int queue_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct store_queue q;

	q.id = sqlite3_column_int64(stmt, 0);
	q.name = col_text(stmt, 1);
	q.strategy = col_text(stmt, 2);
	q.sl_target_pct = sqlite3_column_int(stmt, 3);
	q.sl_threshold_s = sqlite3_column_int(stmt, 4);
	q.max_wait_s = sqlite3_column_int(stmt, 5);
	q.max_len = sqlite3_column_int(stmt, 6);
	q.overflow_queue = col_text(stmt, 7);
	q.wrapup_s = sqlite3_column_int(stmt, 8);
	q.ring_timeout_s = sqlite3_column_int(stmt, 9);
	q.short_abandon_s = sqlite3_column_int(stmt, 10);
	q.announce_every_s = sqlite3_column_int(stmt, 11);
	q.skill = col_text(stmt, 12);
	q.min_level = sqlite3_column_int(stmt, 13);
	q.escalations = col_text(stmt, 14);
	return ((store_queue_h *)l->h)(&q, l->arg);
}

int store_queues_load(struct store *st, store_queue_h *h, void *arg)
{
	struct load l = {(void *)h, arg};

	if (!h || !reader(st))
		return EINVAL;
	return store_query(reader(st), queue_row, &l,
			   "SELECT id, name, strategy, sl_target_pct,"
			   " sl_threshold_s, max_wait_s, max_len,"
			   " overflow_queue, wrapup_s, ring_timeout_s,"
			   " short_abandon_s, announce_every_s, skill,"
			   " min_level, escalations FROM queues ORDER BY name",
			   NULL);
}

static int member_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct store_queue_member m;

	m.queue_id = sqlite3_column_int64(stmt, 0);
	m.queue = col_text(stmt, 1);
	m.agent_id = sqlite3_column_int64(stmt, 2);
	m.extension = col_text(stmt, 3);
	m.level = sqlite3_column_int(stmt, 4);
	m.weight = sqlite3_column_int(stmt, 5);
	m.position = sqlite3_column_int(stmt, 6);
	return ((store_queue_member_h *)l->h)(&m, l->arg);
}

int store_queue_members_load(struct store *st, store_queue_member_h *h,
			     void *arg)
{
	struct load l = {(void *)h, arg};

	if (!h || !reader(st))
		return EINVAL;
	return store_query(reader(st), member_row, &l,
			   "SELECT m.queue_id, q.name, m.agent_id, a.extension,"
			   " m.level, m.weight, m.position FROM queue_members m"
			   " JOIN queues q ON q.id = m.queue_id"
			   " JOIN agents a ON a.id = m.agent_id"
			   " ORDER BY q.name, m.position, a.extension", NULL);
}

static int number_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct store_number n;

	n.number = col_text(stmt, 0);
	n.flow = col_text(stmt, 1);
	n.queue = col_text(stmt, 2);
	return ((store_number_h *)l->h)(&n, l->arg);
}

int store_numbers_load(struct store *st, store_number_h *h, void *arg)
{
	struct load l = {(void *)h, arg};

	if (!h || !reader(st))
		return EINVAL;
	return store_query(reader(st), number_row, &l,
			   "SELECT number, flow, queue FROM numbers"
			   " ORDER BY number", NULL);
}

static int trunk_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct store_trunk t;

	t.id = sqlite3_column_int64(stmt, 0);
	t.name = col_text(stmt, 1);
	t.source_addr = col_text(stmt, 2);
	t.username = col_text(stmt, 3);
	t.password = col_text(stmt, 4);
	return ((store_trunk_h *)l->h)(&t, l->arg);
}

int store_trunks_load(struct store *st, store_trunk_h *h, void *arg)
{
	struct load l = {(void *)h, arg};

	if (!h || !reader(st))
		return EINVAL;
	return store_query(reader(st), trunk_row, &l,
			   "SELECT id, name, source_addr, username, password"
			   " FROM trunks ORDER BY name", NULL);
}

static int flow_row(sqlite3_stmt *stmt, void *arg)
{
	char **defp = arg;

	return str_dup(defp, col_text(stmt, 0));
}

int store_flow_get(struct store *st, char **defp, const char *name)
{
	char *def = NULL;
	int err;

	if (!defp || !name || !reader(st))
		return EINVAL;
	err = store_query(reader(st), flow_row, &def,
			  "SELECT definition FROM flows WHERE name = ?", "s",
			  name);
	if (!err && !def)
		err = ENOENT;
	if (err) {
		mem_deref(def);
		return err;
	}
	*defp = def;
	return 0;
}

int store_agent_state_add(struct store *st, int64_t agent_id,
			  const char *state, const char *reason,
			  int64_t started_at, int64_t ended_at,
			  store_done_h *doneh, void *arg)
{
	if (!st || agent_id <= 0 || !state || !*state ||
	    (ended_at && ended_at < started_at))
		return EINVAL;
	return store_write(st, doneh, arg,
			   "INSERT INTO agent_state_history(agent_id, state,"
			   " reason, started_at, ended_at, duration_ms) VALUES"
			   " (?1, ?2, ?3, ?4, nullif(?5, 0),"
			   " CASE WHEN ?5 = 0 THEN NULL ELSE ?5 - ?4 END)",
			   "issii", agent_id, state, reason, started_at,
			   ended_at);
}

int store_interval_add(struct store *st, const struct store_interval *iv,
		       store_done_h *doneh, void *arg)
{
	if (!st || !iv || !iv->queue || iv->interval_start < 0 ||
	    iv->interval_start % STORE_INTERVAL_MS)
		return EINVAL;
	return store_write(st, doneh, arg,
			   "INSERT INTO interval_stats(queue, interval_start,"
			   " offered, answered, abandoned, short_abandoned,"
			   " answered_in_sl, wait_ms_sum, handle_ms_sum,"
			   " talk_ms_sum, hold_ms_sum, wrapup_ms_sum) VALUES"
			   " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			   " ON CONFLICT (queue, interval_start) DO UPDATE SET"
			   " offered = offered + excluded.offered,"
			   " answered = answered + excluded.answered,"
			   " abandoned = abandoned + excluded.abandoned,"
			   " short_abandoned = short_abandoned"
			   " + excluded.short_abandoned,"
			   " answered_in_sl = answered_in_sl"
			   " + excluded.answered_in_sl,"
			   " wait_ms_sum = wait_ms_sum + excluded.wait_ms_sum,"
			   " handle_ms_sum = handle_ms_sum"
			   " + excluded.handle_ms_sum,"
			   " talk_ms_sum = talk_ms_sum + excluded.talk_ms_sum,"
			   " hold_ms_sum = hold_ms_sum + excluded.hold_ms_sum,"
			   " wrapup_ms_sum = wrapup_ms_sum"
			   " + excluded.wrapup_ms_sum",
			   "siiiiiiiiiii", iv->queue, iv->interval_start,
			   iv->offered, iv->answered, iv->abandoned,
			   iv->short_abandoned, iv->answered_in_sl,
			   iv->wait_ms_sum, iv->handle_ms_sum, iv->talk_ms_sum,
			   iv->hold_ms_sum, iv->wrapup_ms_sum);
}
