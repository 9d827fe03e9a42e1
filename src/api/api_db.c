/*
 * The api module's door to the database: read-only queries on a
 * per-thread connection, and blocking writes (API threads only, never the
 * main loop). Everything else in the api module goes through these
 * functions so the store underneath can change without touching routes.
 *
 * Underneath is the server's store (src/store): its per-thread readers,
 * and its writer thread (group commit) for writes, which return once the
 * write is durable. Migrations are the store's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "core/cc.h"
#include "api_db.h"
#include "api_int.h"
#include "store/store.h"

/* The api module uses the server's store (src/store): its per-thread
 * readers, and its writer thread for writes (group commit, durable before
 * the call returns). */
static struct store *db_store(void)
{
	return store_main();
}

int api_db_init(const char *datadir)
{
	(void)datadir;
	if (!db_store()) {
		cc_error("api", "the store is not open");
		return EIO;
	}
	return 0;
}

void api_db_close(void)
{
}

sqlite3 *api_db_reader(void)
{
	return store_reader(db_store());
}

/* Binds args by a type string: 'i' int64, 't' text (NULL -> NULL),
 * 'd' double, 'n' NULL (no argument consumed). */
int api_db_bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	int i, rc = SQLITE_OK;

	for (i = 0; types && types[i] && rc == SQLITE_OK; i++) {
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 't': {
			const char *s = va_arg(ap, const char *);

			rc = s ? sqlite3_bind_text(st, i + 1, s, -1,
						   SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, i + 1);
			break;
		}
		case 'd':
			rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		case 'n':
			rc = sqlite3_bind_null(st, i + 1);
			break;
		default:
			return EINVAL;
		}
	}
	return rc == SQLITE_OK ? 0 : EINVAL;
}

int api_db_query(sqlite3_stmt **stp, const char *sql, const char *types,
		 ...)
{
	sqlite3 *h = api_db_reader();
	sqlite3_stmt *st = NULL;
	va_list ap;
	int err;

	if (!h)
		return EIO;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		cc_error("api", "query: %s: %s", sqlite3_errmsg(h), sql);
		return EIO;
	}
	va_start(ap, types);
	err = api_db_bindv(st, types, ap);
	va_end(ap);
	if (err) {
		sqlite3_finalize(st);
		return err;
	}
	*stp = st;
	return 0;
}

json_t *api_db_rows(sqlite3_stmt *st)
{
	return api_rows_json(st);
}

struct write_job {
	const char *sql;
	const char *types;
	va_list *ap;
	int64_t rowid;
	int changes;
};

/* Runs on the writer thread while the calling API thread waits, so the
 * caller's arguments are still live. */
static int write_run(sqlite3 *h, void *arg)
{
	struct write_job *job = arg;
	sqlite3_stmt *st = NULL;
	int err = 0, rc;

	if (sqlite3_prepare_v2(h, job->sql, -1, &st, NULL) != SQLITE_OK) {
		cc_error("api", "write: %s: %s", sqlite3_errmsg(h), job->sql);
		return EIO;
	}
	err = api_db_bindv(st, job->types, *job->ap);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT)
		err = EEXIST;
	else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = EIO;
	if (!err) {
		job->rowid = sqlite3_last_insert_rowid(h);
		job->changes = sqlite3_changes(h);
	}
out:
	sqlite3_finalize(st);
	return err;
}

int api_db_write(int64_t *rowidp, int *changesp, const char *sql,
		 const char *types, ...)
{
	struct write_job job = {sql, types, NULL, 0, 0};
	va_list ap;
	int err;

	va_start(ap, types);
	job.ap = &ap;
	err = store_txn_wait(db_store(), write_run, &job);
	va_end(ap);
	if (!err && rowidp)
		*rowidp = job.rowid;
	if (!err && changesp)
		*changesp = job.changes;
	return err;
}

int api_db_txn(api_db_txn_h *fn, void *arg)
{
	return store_txn_wait(db_store(), fn, arg);
}
