/*
 * The store: the SQLite database (WAL) behind every durable record.
 *
 * Writes go to ONE writer thread through a queue; the writer takes every
 * unit waiting, runs them in one transaction (each under its own SAVEPOINT,
 * so a failing unit rolls back alone) and commits once: group commit, one
 * fsync for many writes. A unit is reported done only after its commit is
 * durable (synchronous=FULL), so what the server acknowledged survives
 * `kill -9` and power loss alike.
 *
 * Reads use a read-only connection per thread (store_reader); in WAL mode
 * they never wait for the writer, so the event loop never blocks on it.
 *
 * Schema: src/store/migrations/NNN_name.sql, embedded at build time and
 * applied at open in order of NNN, each in one transaction; PRAGMA
 * user_version holds the last applied number (gaps in numbering are fine).
 * A database written by a newer Switchboard (user_version above every known
 * migration) is refused before anything in it is touched.
 *
 * Ownership of the schema: 001_core.sql and 010-019 belong to the store
 * (agents, skills, queues, members, numbers, trunks, flows, interactions,
 * interaction_events, agent_state_history, interval_stats); 002 api,
 * 003 ivr, 004 crm, 005 kb, 006 wfm, 007 voice and their blocks belong to
 * those modules. Never edit a migration that has landed: add a new one.
 *
 * Threads: store_write/store_txn/store_flush and the typed helpers below
 * may be called from any thread. Done handlers run on the libre main loop
 * of the thread that opened the store (main_loop true), else on the
 * writer thread. A blocking call (*_wait, store_flush, store_demo_seed) on
 * the main loop stalls it for one commit (a few ms): fine at start-up,
 * avoid it while calls are up.
 */
#ifndef SB_STORE_H
#define SB_STORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

struct store;
struct cc_config;

/* Called when a unit is durable (err 0) or failed (errno value). */
typedef void(store_done_h)(int err, void *arg);
/* A unit of work run on the writer thread inside the group transaction.
 * Nonzero return rolls back this unit only. */
typedef int(store_txn_h)(sqlite3 *db, void *arg);

/*
 * Opens or creates the database at path, applies migrations and starts the
 * writer thread. With main_loop set, done handlers run on the libre main
 * loop of the calling thread (through an mqueue); otherwise on the writer
 * thread. Returns 0, EIO (cannot open / a migration failed) or ENOTSUP
 * (database from a newer version; the log names both versions).
 * The store is a mem object: mem_deref drains the queue and closes.
 */
int store_open(struct store **stp, const char *path, bool main_loop);

/* Queues one statement. types has one letter per parameter: 'i' int64_t,
 * 'd' double, 's' const char * (copied; NULL binds NULL), 'n' NULL (no
 * argument). doneh may be NULL. */
int store_write(struct store *st, store_done_h *doneh, void *arg,
		const char *sql, const char *types, ...);
/* Queues a function unit; fn and arg must stay valid until done. */
int store_txn(struct store *st, store_txn_h *fn, void *arg,
	      store_done_h *doneh, void *darg);
/* Blocking variants for threads other than the main loop (the HTTP
 * thread, command-line tools, tests): return once the unit is durable,
 * with its result. */
int store_write_wait(struct store *st, const char *sql, const char *types,
		     ...);
int store_txn_wait(struct store *st, store_txn_h *fn, void *arg);
/* Waits until everything queued so far is committed. */
int store_flush(struct store *st);

/* This thread's read-only connection, opened on first use and closed when
 * the thread exits or the store closes. NULL on failure. */
sqlite3 *store_reader(struct store *st);

/* Runs the done handlers waiting for the main loop now, on the calling
 * thread (the main thread). For tests that open the store with main_loop
 * but run no loop, and for a module's close: after store_flush() and
 * store_dispatch() no handler of its writes is pending. Handlers still
 * pending when the store closes are dropped, not run. */
void store_dispatch(struct store *st);

/* Binds parameters by a type string as store_write does; EINVAL when a
 * letter is unknown or the count differs from the statement's. */
int store_bindv(sqlite3_stmt *stmt, const char *types, va_list ap);
/* Runs ONE statement on db with parameters (store_write's types), rows
 * ignored. For store_txn_h functions on the writer's connection. Returns 0
 * or store_err() of the failure (logged with the SQL). */
int store_exec(sqlite3 *db, const char *sql, const char *types, ...);
/* Prepares one statement on db (a reader, usually) and binds types as
 * store_write does; the caller steps and finalizes *stmtp. With types
 * NULL nothing is bound (the caller binds). Returns 0 or an errno value
 * (the failure is logged with the SQL). */
int store_prepare(sqlite3_stmt **stmtp, sqlite3 *db, const char *sql,
                  const char *types, ...);
/* What one write did: the row id it inserted, the rows it changed. */
struct store_wrote {
	int64_t rowid;
	int changes;
};
/* store_write_wait that also tells what the write did (w may be NULL).
 * EEXIST on a unique or primary key violation (store_err). */
int store_write_wait_ex(struct store *st, struct store_wrote *w,
                        const char *sql, const char *types, ...);
/* Called per result row; nonzero stops the query and is returned. */
typedef int(store_row_h)(sqlite3_stmt *stmt, void *arg);
/* Runs one query on db (a reader, usually) calling rowh for each row. */
int store_query(sqlite3 *db, store_row_h *rowh, void *arg, const char *sql,
		const char *types, ...);
/* Maps an SQLite result code (extended or primary) to an errno value:
 * unique/primary key -> EEXIST, foreign key -> ENOENT, other constraint
 * or SQL error -> EINVAL, busy -> EBUSY, full -> ENOSPC, corrupt ->
 * EBADMSG, read-only -> EROFS, else EIO. */
int store_err(int sqlite_rc);

/* A fresh interaction id, unique for the life of the database (one
 * process owns it: store_open takes a lock). Thread-safe. */
int64_t store_id_alloc(struct store *st);
/* The database file's path. */
const char *store_path(const struct store *st);

/* Counters for tests and benchmarks. */
struct store_stats {
	uint64_t units;   /* units committed or failed */
	uint64_t commits; /* transactions committed */
	uint64_t failed;  /* units that failed (rolled back) */
	uint64_t queued;  /* units waiting for the writer now */
};
void store_stats_get(struct store *st, struct store_stats *s);

/* The schema version of an open store (last migration applied). */
int store_version(struct store *st);

/* Creates the demo call center (agents 1001-1004, queues sales and support,
 * numbers 5000-5002) when the database has no agents. Blocking. */
int store_demo_seed(struct store *st);

/* Module hooks: opens <data>/switchboard.db, seeds the demo with --demo. */
int store_init(const struct cc_config *cfg);
void store_module_close(void);
/* The server's store; NULL before store_init. Borrowed. */
struct store *store_main(void);

/* --- Typed helpers for the core tables (store_cc.c) ------------------- */

/*
 * Loaders read through the calling thread's reader and call the handler
 * once per row; strings are valid during the call only. A nonzero return
 * from the handler stops and is returned. Rows come in a stable order
 * (by id, name or extension).
 */
struct store_agent {
	int64_t id;
	const char *extension;
	const char *name;
	const char *sip_password;
	bool enabled;
};
typedef int(store_agent_h)(const struct store_agent *a, void *arg);
int store_agents_load(struct store *st, store_agent_h *h, void *arg);

struct store_agent_skill {
	int64_t agent_id;
	const char *skill;
	int level; /* 1-10 */
};
typedef int(store_agent_skill_h)(const struct store_agent_skill *s,
				 void *arg);
int store_agent_skills_load(struct store *st, store_agent_skill_h *h,
			    void *arg);

struct store_queue {
	int64_t id;
	const char *name;
	const char *strategy;    /* longest_idle, round_robin, ... */
	int sl_target_pct;       /* e.g. 80 (% answered within threshold) */
	int sl_threshold_s;      /* e.g. 20 */
	int max_wait_s;          /* 0: no limit */
	int max_len;             /* 0: no limit */
	const char *overflow_queue; /* NULL: none */
	int wrapup_s;
	int ring_timeout_s;
	int short_abandon_s;
	int announce_every_s;
	const char *skill;       /* required skill or NULL */
	int min_level;
	const char *escalations; /* JSON array */
};
typedef int(store_queue_h)(const struct store_queue *q, void *arg);
int store_queues_load(struct store *st, store_queue_h *h, void *arg);

struct store_queue_member {
	int64_t queue_id;
	const char *queue;
	int64_t agent_id;
	const char *extension;
	int level;    /* 1-10: the agent's level in this queue */
	int weight;   /* queue weight for an agent serving several */
	int position; /* order for top_down */
};
typedef int(store_queue_member_h)(const struct store_queue_member *m,
				  void *arg);
int store_queue_members_load(struct store *st, store_queue_member_h *h,
			     void *arg);

/* The dial plan: a public number leads to a flow or a queue. */
struct store_number {
	const char *number;
	const char *flow;  /* NULL when queue is set */
	const char *queue; /* NULL when flow is set */
};
typedef int(store_number_h)(const struct store_number *n, void *arg);
int store_numbers_load(struct store *st, store_number_h *h, void *arg);

struct store_trunk {
	int64_t id;
	const char *name;
	const char *source_addr; /* NULL: identified by credentials only */
	const char *username;
	const char *password;
};
typedef int(store_trunk_h)(const struct store_trunk *t, void *arg);
int store_trunks_load(struct store *st, store_trunk_h *h, void *arg);

/* An IVR flow's JSON definition by name into *defp (mem string, the
 * caller derefs it). ENOENT when there is none. */
int store_flow_get(struct store *st, char **defp, const char *name);

/*
 * Interactions (one per contact of any channel) and their event log. All
 * asynchronous: doneh (may be NULL) runs when durable, see store_write.
 * Times are wall-clock milliseconds (cc_wall_ms()).
 */
/* Allocates the id (*idp, usable at once: later updates and events queue
 * behind the INSERT) and queues the row. channel: voice, chat, email,
 * message, callback, outbound; direction: inbound, outbound, internal. */
int store_interaction_add(int64_t *idp, struct store *st,
			  const char *channel, const char *direction,
			  const char *from, const char *to, int64_t created_at,
			  store_done_h *doneh, void *arg);
/* Sets columns of interaction id: assignments is SQL of the form
 * "state = ?, answered_at = ?" with its parameters as in store_write, e.g.
 * store_interaction_update(st, id, NULL, NULL, "state = ?, agent_id = ?",
 * "si", "answered", (int64_t)1001). Column names come from code, never
 * from input. */
int store_interaction_update(struct store *st, int64_t id,
			     store_done_h *doneh, void *arg,
			     const char *assignments, const char *types, ...);
/* Appends an event: type entered_queue, offered, rejected, timeout,
 * answered, held, resumed, transferred, abandoned, ended, dropout, ...;
 * agent_id 0 and queue/detail NULL when not applicable; detail is JSON. */
int store_interaction_event_add(struct store *st, int64_t interaction_id,
				int64_t at, const char *type,
				int64_t agent_id, const char *queue,
				const char *detail, store_done_h *doneh,
				void *arg);
/* An interaction that had not ended when the server last stopped. */
struct store_open_interaction {
	int64_t id;
	const char *channel;
	const char *state;
	const char *from;
	const char *to;
	const char *queue;
	int64_t agent_id; /* 0: none */
	int64_t created_at;
};
typedef int(store_open_interaction_h)(const struct store_open_interaction
				      *ix, void *arg);
/* Interactions whose state is not 'ended' (for recovery at start). */
int store_interactions_open_load(struct store *st,
				 store_open_interaction_h *h, void *arg);

/* Appends one agent state period; ended_at 0 while it lasts (then
 * duration_ms is NULL). */
int store_agent_state_add(struct store *st, int64_t agent_id,
			  const char *state, const char *reason,
			  int64_t started_at, int64_t ended_at,
			  store_done_h *doneh, void *arg);

enum { STORE_INTERVAL_MS = 15 * 60 * 1000 };
/* Counts to ADD to a queue's 15-minute interval (created when missing). */
struct store_interval {
	const char *queue;
	int64_t interval_start; /* a multiple of STORE_INTERVAL_MS */
	int64_t offered, answered, abandoned, short_abandoned, answered_in_sl;
	int64_t wait_ms_sum, handle_ms_sum, talk_ms_sum, hold_ms_sum;
	int64_t wrapup_ms_sum;
};
/* EINVAL when interval_start is not on a 15-minute boundary. */
int store_interval_add(struct store *st, const struct store_interval *iv,
		       store_done_h *doneh, void *arg);

/* Demo center constants (tests and docs use them). */
#define STORE_DEMO_FLOW "demo-5000"
#define STORE_DEMO_GREETING                                                  \
	"Thank you for calling. For sales press 1, for support press 2."

#endif
