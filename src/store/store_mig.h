/*
 * Private to the store: the schema migrations embedded at build time from
 * src/store/migrations/NNN_name.sql (see CMakeLists.txt), in order of NNN.
 */
#ifndef SB_STORE_MIG_H
#define SB_STORE_MIG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_mig {
	int version;      /* NNN of the file name */
	const char *name; /* file name without .sql */
	const char *sql;  /* whole file, run in one transaction */
};

extern const struct store_mig store_migv[];
extern const size_t store_migc;

struct sqlite3;

/* Applies the migrations of migv newer than db's user_version, each in one
 * transaction, and sets *versionp (may be NULL) to the version reached.
 * ENOTSUP when db is newer than migv knows, EIO when one fails (nothing of
 * it is applied), EINVAL when migv is out of order. path is for logs. */
int store_migrate(struct sqlite3 *db, const char *path,
		  const struct store_mig *migv, size_t migc, int *versionp);

/* store_write with one more int64 parameter bound after the others (the
 * trailing "WHERE id = ?" of an UPDATE). */
int store_writev_id(struct store *st, void (*doneh)(int err, void *arg),
		    void *arg, const char *sql, const char *types, va_list ap,
		    int64_t id);

#endif
