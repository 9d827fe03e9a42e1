/*
 * cc_ix_db.c: the SQL of an interaction's record (001_core.sql, 010_store,
 * 031_ivr_out): the interactions row and its append-only event log. The
 * only code that writes those two tables. Main-loop writes are queued on
 * the store's writer (never waited for); the functions of cc_ix.h marked
 * "any thread" wait for it or run inside a caller's transaction.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/cc_ix_db.h"
#include "store/store.h"

int ixdb_insert(struct store *st, const struct cc_ix *ix)
{
	if (!st)
		return 0;
	return store_write(st, NULL, NULL,
			   "INSERT INTO interactions(id, channel, direction,"
			   " state, from_addr, to_addr, created_at, updated_at)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
			   "isssssi", ix->id, ix->channel, ix->direction,
			   cc_ix_state_name(ix->state), ix->from, ix->to,
			   ix->created_at);
}

/* The record's state: ringing is still queued and held still talking
 * there (as the record has always said; reports and tests read it), the
 * live view has the finer state. */
static const char *record_state(enum cc_ix_state state)
{
	return state == CC_IX_RINGING ? "queued" :
	       state == CC_IX_HELD    ? "talking" :
					cc_ix_state_name(state);
}

int ixdb_row(struct store *st, const struct cc_ix *ix)
{
	if (!st)
		return 0;
	return store_write(st, NULL, NULL,
			   "UPDATE interactions SET state = ?2,"
			   " queue = nullif(?3, ''), agent_id = nullif(?4, 0),"
			   " priority = ?5, entered_queue_at = nullif(?6, 0),"
			   " offered_at = nullif(?7, 0),"
			   " answered_at = nullif(?8, 0),"
			   " ended_at = nullif(?9, 0),"
			   " wrapup_end_at = nullif(?10, 0),"
			   " wait_ms = nullif(?11, -1),"
			   " talk_ms = nullif(?12, -1),"
			   " hold_ms = nullif(?13, -1),"
			   " wrapup_ms = nullif(?14, -1),"
			   " outcome = nullif(?15, ''),"
			   " hung_up_by = nullif(?16, ''), updated_at = ?17"
			   " WHERE id = ?1",
			   "issiiiiiiiiiiissi", ix->id,
			   record_state(ix->state), ix->queue,
			   (int64_t)ix->handled_by, (int64_t)ix->priority,
			   ix->entered_at, ix->offered_at, ix->answered_at,
			   ix->ended_at, ix->wrapup_end_at, ix->wait_ms,
			   ix->talk_ms, ix->hold_ms, ix->wrapup_ms,
			   ix->outcome, ix->hung_up_by, cc_wall_ms());
}

int ixdb_event(struct store *st, int64_t id, int64_t at, const char *type,
	       uint32_t agent, const char *queue, const char *detail)
{
	if (!st)
		return 0;
	return store_write(st, NULL, NULL,
			   "INSERT INTO interaction_events(interaction_id, at,"
			   " type, agent_id, queue, detail) VALUES"
			   " (?, ?, ?, nullif(?, 0), ?, ?)",
			   "iisiss", id, at, type, (int64_t)agent, queue,
			   detail);
}

int ixdb_text(struct store *st, int64_t id, enum ixdb_col col,
	      const char *value)
{
	static const char *sqlv[] = {
		[IXDB_CALL_ID] = "UPDATE interactions SET call_id = ?"
				 " WHERE id = ?",
		[IXDB_IVR_PATH] = "UPDATE interactions SET ivr_path = ?"
				  " WHERE id = ?",
		[IXDB_SURVEY] = "UPDATE interactions SET survey = ?"
				" WHERE id = ?",
		[IXDB_RECORDING] = "UPDATE interactions SET recording = ?"
				   " WHERE id = ?",
		[IXDB_ATTRIBUTES] = "UPDATE interactions SET attributes = ?"
				    " WHERE id = ?",
		[IXDB_OUTCOME] = "UPDATE interactions SET outcome = ?"
				 " WHERE id = ?",
	};

	if ((size_t)col >= ARRAY_SIZE(sqlv))
		return EINVAL;
	if (!st)
		return 0;
	return store_write(st, NULL, NULL, sqlv[col], "si", value, id);
}

int ixdb_customer(struct store *st, int64_t id, int64_t customer)
{
	if (!st)
		return 0;
	return store_write(st, NULL, NULL, "UPDATE interactions SET"
			   " customer_id = nullif(?, 0) WHERE id = ?", "ii",
			   customer, id);
}

int ixdb_end(struct store *st, int64_t id, const char *outcome,
	     const char *hung_up_by, int64_t at)
{
	if (!st)
		return 0;
	return store_write(st, NULL, NULL,
			   "UPDATE interactions SET state = 'ended',"
			   " outcome = ?, hung_up_by = ?, ended_at = ?,"
			   " updated_at = ?3 WHERE id = ?",
			   "ssii", outcome, hung_up_by, at, id);
}

int ixdb_interrupt(struct store *st, int64_t id, int64_t at)
{
	if (!st)
		return 0;
	return store_write(st, NULL, NULL,
			   "UPDATE interactions SET state = 'ended',"
			   " outcome = coalesce(outcome, 'interrupted'),"
			   " hung_up_by = coalesce(hung_up_by, 'system'),"
			   " ended_at = coalesce(ended_at, ?1),"
			   " updated_at = ?1 WHERE id = ?2", "ii", at, id);
}

struct load {
	ixdb_open_h *h;
	void *arg;
	bool found;
};

static int open_row(sqlite3_stmt *stmt, void *arg)
{
	struct load *l = arg;
	struct ixdb_open r;

	r.id = sqlite3_column_int64(stmt, 0);
	r.channel = (const char *)sqlite3_column_text(stmt, 1);
	r.direction = (const char *)sqlite3_column_text(stmt, 2);
	r.state = (const char *)sqlite3_column_text(stmt, 3);
	r.from = (const char *)sqlite3_column_text(stmt, 4);
	r.to = (const char *)sqlite3_column_text(stmt, 5);
	r.queue = (const char *)sqlite3_column_text(stmt, 6);
	r.agent_id = sqlite3_column_int64(stmt, 7);
	r.created_at = sqlite3_column_int64(stmt, 8);
	r.entered_at = sqlite3_column_int64(stmt, 9);
	r.priority = sqlite3_column_int64(stmt, 10);
	r.offered_at = sqlite3_column_int64(stmt, 11);
	l->found = true;
	return l->h(&r, l->arg);
}

#define OPEN_COLS                                                            \
	"SELECT id, channel, direction, state, from_addr, to_addr, queue,"   \
	" coalesce(agent_id, 0), created_at, coalesce(entered_queue_at, 0)," \
	" priority, coalesce(offered_at, 0) FROM interactions"

int ixdb_open_load(struct store *st, ixdb_open_h *h, void *arg)
{
	struct load l = {h, arg, false};

	if (!st || !h || !store_reader(st))
		return EINVAL;
	return store_query(store_reader(st), open_row, &l,
			   OPEN_COLS " WHERE state <> 'ended' ORDER BY id",
			   NULL);
}

int ixdb_load(struct store *st, int64_t id, ixdb_open_h *h, void *arg)
{
	struct load l = {h, arg, false};
	int err;

	if (!st || !h || !store_reader(st))
		return EINVAL;
	err = store_query(store_reader(st), open_row, &l,
			  OPEN_COLS " WHERE id = ?", "i", id);
	return err ? err : l.found ? 0 : ENOENT;
}

/* --- Any thread ----------------------------------------------------------- */

int cc_ix_customer_save(struct store *st, int64_t id, int64_t customer)
{
	if (!st || id <= 0)
		return EINVAL;
	return store_write_wait(st, "UPDATE interactions SET customer_id ="
				" nullif(?, 0) WHERE id = ?", "ii", customer,
				id);
}

int cc_ix_db_customer_fill(sqlite3 *db, int64_t id, int64_t customer)
{
	return store_exec(db, "UPDATE interactions SET customer_id = ? WHERE"
			  " id = ? AND customer_id IS NULL", "ii", customer,
			  id);
}

int cc_ix_db_customer_move(sqlite3 *db, int64_t from, int64_t into)
{
	return store_exec(db, "UPDATE interactions SET customer_id ="
			  " nullif(?, 0) WHERE customer_id = ?", "ii", into,
			  from);
}

int cc_ix_db_wrapup_save(sqlite3 *db, int64_t id, const char *disposition,
			 const char *notes)
{
	return store_exec(db, "UPDATE interactions SET disposition = ?,"
			  " notes = coalesce(?, notes) WHERE id = ?", "ssi",
			  disposition, notes, id);
}
