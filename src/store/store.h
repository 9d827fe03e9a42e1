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
 * user_version holds the last applied number. A database written by a newer
 * Switchboard (user_version above every known migration) is refused.
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

/* Binds parameters by a type string as store_write does. */
int store_bindv(sqlite3_stmt *stmt, const char *types, va_list ap);

/* Counters for tests and benchmarks. */
struct store_stats {
	uint64_t units;   /* units committed or failed */
	uint64_t commits; /* transactions committed */
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

#endif
