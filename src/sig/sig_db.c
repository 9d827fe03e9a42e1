/*
 * sig_db.c: the registrar's rows in the store (table sig_registrations,
 * migration 070_sig_reg.sql), so that agents' phone registrations survive
 * a restart or a crash. Writes are queued units on the store's writer
 * thread (the main loop never waits for them; their done handlers run on
 * the main loop); the load at start reads through the main thread's
 * read-only connection, before any call is up. Beside the bindings, the
 * agents' last presence (table sig_agent_presence), which auto-login
 * restores with them. The SQL of both tables lives here only.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

struct load {
	sig_db_binding_h *h;
	void *arg;
};

static int binding_row(sqlite3_stmt *stmt, void *arg)
{
	const struct load *l = arg;
	struct sig_db_binding b;

	b.agent = (uint32_t)sqlite3_column_int64(stmt, 0);
	b.contact = (const char *)sqlite3_column_text(stmt, 1);
	b.uri = (const char *)sqlite3_column_text(stmt, 2);
	b.addr = (const char *)sqlite3_column_text(stmt, 3);
	b.transport = (const char *)sqlite3_column_text(stmt, 4);
	b.expires_at = sqlite3_column_int64(stmt, 5);
	if (!b.contact || !b.uri || !b.addr || !b.transport)
		return 0;
	return l->h(&b, l->arg);
}

int sig_db_bindings_load(sig_db_binding_h *h, void *arg, int64_t now)
{
	struct store *st = store_main();
	struct load l = {h, arg};
	sqlite3 *db;

	if (!h)
		return EINVAL;
	if (!st)
		return ENOENT;
	db = store_reader(st);
	if (!db)
		return EIO;
	return store_query(db, binding_row, &l,
			   "SELECT agent_id, contact, uri, addr, transport,"
			   " expires_at FROM sig_registrations"
			   " WHERE expires_at > ? ORDER BY agent_id, contact",
			   "i", now);
}

int sig_db_binding_save(const struct sig_db_binding *b,
			void (*doneh)(int err, void *arg), void *arg)
{
	struct store *st = store_main();

	if (!b || !b->agent || !b->contact || !b->uri || !b->addr ||
	    !b->transport)
		return EINVAL;
	if (!st)
		return ENOENT;
	return store_write(st, doneh, arg,
			   "INSERT INTO sig_registrations(agent_id, contact,"
			   " uri, addr, transport, expires_at, updated_at)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
			   " ON CONFLICT (agent_id, contact) DO UPDATE SET"
			   " uri = ?3, addr = ?4, transport = ?5,"
			   " expires_at = ?6, updated_at = ?7",
			   "issssii", (int64_t)b->agent, b->contact, b->uri,
			   b->addr, b->transport, b->expires_at,
			   (int64_t)cc_wall_ms());
}

int sig_db_binding_delete(uint32_t agent, const char *contact,
			  void (*doneh)(int err, void *arg), void *arg)
{
	struct store *st = store_main();

	if (!agent)
		return EINVAL;
	if (!st)
		return ENOENT;
	if (!contact)
		return store_write(st, doneh, arg,
				   "DELETE FROM sig_registrations"
				   " WHERE agent_id = ?", "i", (int64_t)agent);
	return store_write(st, doneh, arg,
			   "DELETE FROM sig_registrations"
			   " WHERE agent_id = ? AND contact = ?", "is",
			   (int64_t)agent, contact);
}

int sig_db_bindings_expire(int64_t now)
{
	struct store *st = store_main();

	if (!st)
		return ENOENT;
	return store_write(st, NULL, NULL,
			   "DELETE FROM sig_registrations"
			   " WHERE expires_at <= ?", "i", now);
}

static int barrier_h(sqlite3 *db, void *arg)
{
	(void)db;
	(void)arg;
	return 0;
}

int sig_db_barrier(void (*doneh)(int err, void *arg), void *arg)
{
	struct store *st = store_main();

	if (!st)
		return ENOENT;
	return store_txn(st, barrier_h, NULL, doneh, arg);
}

int sig_db_presence_save(uint32_t agent, const char *state,
			 const char *reason)
{
	struct store *st = store_main();

	if (!agent || !state)
		return EINVAL;
	if (!st)
		return ENOENT;
	return store_write(st, NULL, NULL,
			   "INSERT INTO sig_agent_presence(agent_id, state,"
			   " reason, updated_at) VALUES (?1, ?2, ?3, ?4)"
			   " ON CONFLICT (agent_id) DO UPDATE SET state = ?2,"
			   " reason = ?3, updated_at = ?4",
			   "issi", (int64_t)agent, state, reason,
			   (int64_t)cc_wall_ms());
}

struct presence_load {
	sig_db_presence_h *h;
	void *arg;
};

static int presence_row(sqlite3_stmt *stmt, void *arg)
{
	const struct presence_load *l = arg;
	const char *state = (const char *)sqlite3_column_text(stmt, 1);

	if (!state)
		return 0;
	return l->h((uint32_t)sqlite3_column_int64(stmt, 0), state,
		    (const char *)sqlite3_column_text(stmt, 2), l->arg);
}

int sig_db_presence_load(sig_db_presence_h *h, void *arg)
{
	struct store *st = store_main();
	struct presence_load l = {h, arg};
	sqlite3 *db;

	if (!h)
		return EINVAL;
	if (!st)
		return ENOENT;
	db = store_reader(st);
	if (!db)
		return EIO;
	return store_query(db, presence_row, &l,
			   "SELECT agent_id, state, reason"
			   " FROM sig_agent_presence ORDER BY agent_id", NULL);
}
