/*
 * Private to the store: the schema migrations embedded at build time from
 * src/store/migrations/NNN_name.sql (see CMakeLists.txt), in order of NNN.
 */
#ifndef SB_STORE_MIG_H
#define SB_STORE_MIG_H

#include <stddef.h>

struct store_mig {
	int version;      /* NNN of the file name */
	const char *name; /* file name without .sql */
	const char *sql;  /* whole file, run in one transaction */
};

extern const struct store_mig store_migv[];
extern const size_t store_migc;

#endif
