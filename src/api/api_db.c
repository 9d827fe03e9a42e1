/*
 * The api module's door to the database: read-only queries on a
 * per-thread connection, and blocking writes (API threads only, never the
 * main loop). Everything else in the api module goes through these
 * functions so the store underneath can change without touching routes.
 *
 * Until the store module's writer thread is on main this opens the
 * database itself (WAL, one writer mutex, migrations applied here).
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
#include "store_mig.h"

static struct {
	char path[600];
	pthread_key_t key;
	pthread_mutex_t wlock;
	sqlite3 *writer;
	bool inited;
} db;

static void reader_free(void *p)
{
	sqlite3_close(p);
}

static int db_open(sqlite3 **dbp, bool ro)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(db.path, &h,
				 (ro ? SQLITE_OPEN_READONLY
				     : SQLITE_OPEN_READWRITE |
					       SQLITE_OPEN_CREATE) |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc != SQLITE_OK) {
		cc_error("api", "open %s: %s", db.path, sqlite3_errmsg(h));
		sqlite3_close(h);
		return EIO;
	}
	sqlite3_busy_timeout(h, 5000);
	sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	*dbp = h;
	return 0;
}

int api_db_init(const char *datadir)
{
	sqlite3_stmt *st = NULL;
	int version = 0, err;
	size_t i;

	snprintf(db.path, sizeof(db.path), "%s/switchboard.db", datadir);
	pthread_key_create(&db.key, reader_free);
	pthread_mutex_init(&db.wlock, NULL);
	db.inited = true;
	err = db_open(&db.writer, false);
	if (err)
		return err;
	sqlite3_exec(db.writer, "PRAGMA journal_mode=WAL;"
		     "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	sqlite3_exec(db.writer, "CREATE TABLE IF NOT EXISTS api_schema "
		     "(version INTEGER NOT NULL)", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db.writer, "SELECT max(version) FROM "
			       "api_schema", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	for (i = 0; i < store_migc; i++) {
		char *errmsg = NULL, ins[64];

		if (store_migv[i].version <= version)
			continue;
		snprintf(ins, sizeof(ins), "INSERT INTO api_schema VALUES "
			 "(%d)", store_migv[i].version);
		if (sqlite3_exec(db.writer, "BEGIN", NULL, NULL, NULL) ||
		    sqlite3_exec(db.writer, store_migv[i].sql, NULL, NULL,
				 &errmsg) ||
		    sqlite3_exec(db.writer, ins, NULL, NULL, &errmsg) ||
		    sqlite3_exec(db.writer, "COMMIT", NULL, NULL, &errmsg)) {
			cc_error("api", "migration %s: %s", store_migv[i].name,
				 errmsg ? errmsg : "?");
			sqlite3_free(errmsg);
			sqlite3_exec(db.writer, "ROLLBACK", NULL, NULL, NULL);
			return EIO;
		}
	}
	return 0;
}

void api_db_close(void)
{
	sqlite3 *r;

	if (!db.inited)
		return;
	r = pthread_getspecific(db.key);
	if (r) {
		sqlite3_close(r);
		pthread_setspecific(db.key, NULL);
	}
	sqlite3_close(db.writer);
	db.writer = NULL;
	pthread_key_delete(db.key);
	pthread_mutex_destroy(&db.wlock);
	db.inited = false;
}

sqlite3 *api_db_reader(void)
{
	sqlite3 *r = pthread_getspecific(db.key);

	if (!r && !db_open(&r, true))
		pthread_setspecific(db.key, r);
	return r;
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
	json_t *arr = json_array();
	int rc, i, n;

	while (arr && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		n = sqlite3_column_count(st);
		for (i = 0; o && i < n; i++) {
			const char *name = sqlite3_column_name(st, i);
			json_t *v;

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(st, i));
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = json_string((const char *)
						sqlite3_column_text(st, i));
				if (!v)
					v = json_null();
				break;
			}
			json_object_set_new(o, name, v);
		}
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	return arr;
}

int api_db_write(int64_t *rowidp, int *changesp, const char *sql,
		 const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int err = 0, rc;

	pthread_mutex_lock(&db.wlock);
	if (sqlite3_prepare_v2(db.writer, sql, -1, &st, NULL) != SQLITE_OK) {
		cc_error("api", "write: %s: %s", sqlite3_errmsg(db.writer),
			 sql);
		err = EIO;
		goto out;
	}
	va_start(ap, types);
	err = api_db_bindv(st, types, ap);
	va_end(ap);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT)
		err = EEXIST;
	else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = EIO;
	if (!err && rowidp)
		*rowidp = sqlite3_last_insert_rowid(db.writer);
	if (!err && changesp)
		*changesp = sqlite3_changes(db.writer);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&db.wlock);
	return err;
}

int api_db_txn(api_db_txn_h *fn, void *arg)
{
	int err;

	pthread_mutex_lock(&db.wlock);
	sqlite3_exec(db.writer, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	err = fn(db.writer, arg);
	sqlite3_exec(db.writer, err ? "ROLLBACK" : "COMMIT", NULL, NULL,
		     NULL);
	pthread_mutex_unlock(&db.wlock);
	return err;
}
