/*
 * Private to the api module: database access for API threads (see
 * api_db.c). Never called on the libre main loop.
 */
#ifndef SB_API_DB_H
#define SB_API_DB_H

#include <stdarg.h>
#include <stdint.h>
#include <jansson.h>
#include <sqlite3.h>

int api_db_init(const char *datadir);
void api_db_close(void);
/* This thread's read-only connection. */
sqlite3 *api_db_reader(void);
int api_db_bindv(sqlite3_stmt *st, const char *types, va_list ap);
/* Prepares and binds on the reader; types: 'i' int64, 't' text, 'd'
 * double, 'n' NULL. The caller steps and finalizes. */
int api_db_query(sqlite3_stmt **stp, const char *sql, const char *types,
		 ...);
/* Steps st to the end, each row as an object keyed by column name;
 * finalizes st. */
json_t *api_db_rows(sqlite3_stmt *st);
/* One write statement, blocking until committed. EEXIST on a constraint
 * violation. */
int api_db_write(int64_t *rowidp, int *changesp, const char *sql,
		 const char *types, ...);
typedef int(api_db_txn_h)(sqlite3 *db, void *arg);
/* Runs fn inside one write transaction; rolled back if fn fails. */
int api_db_txn(api_db_txn_h *fn, void *arg);

#endif
