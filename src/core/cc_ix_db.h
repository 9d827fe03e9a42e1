/*
 * Private to cc_ix: the SQL of the interactions and interaction_events
 * tables (cc_ix_db.c). Writes are queued on the store's writer thread;
 * reads (start-up only) use the calling thread's reader.
 */
#ifndef CORE_CC_IX_DB_H
#define CORE_CC_IX_DB_H

#include <stdint.h>

struct store;
struct cc_ix;

/* The columns a channel fills (cc_ix_*_set). */
enum ixdb_col {
	IXDB_CALL_ID,
	IXDB_IVR_PATH,
	IXDB_SURVEY,
	IXDB_RECORDING,
	IXDB_ATTRIBUTES,
	IXDB_OUTCOME,
};

int ixdb_insert(struct store *st, const struct cc_ix *ix);
/* Writes the columns the state machine owns from ix (state, queue,
 * agent_id, priority, times, durations, outcome, hung_up_by). */
int ixdb_row(struct store *st, const struct cc_ix *ix);
int ixdb_event(struct store *st, int64_t id, int64_t at, const char *type,
	       uint32_t agent, const char *queue, const char *detail);
int ixdb_text(struct store *st, int64_t id, enum ixdb_col col,
	      const char *value);
int ixdb_customer(struct store *st, int64_t id, int64_t customer);
/* An interaction no longer live: its customer's side ended. */
int ixdb_end(struct store *st, int64_t id, const char *outcome,
	     const char *hung_up_by, int64_t at);
/* Recovery: ended now as interrupted, keeping outcome, hung_up_by and an
 * end time it had. */
int ixdb_interrupt(struct store *st, int64_t id, int64_t at);

/* An interaction row as recovery and reopening need it. */
struct ixdb_open {
	int64_t id;
	const char *channel, *direction, *state, *from, *to, *queue;
	int64_t agent_id, created_at, entered_at, priority, offered_at;
};
typedef int(ixdb_open_h)(const struct ixdb_open *row, void *arg);
/* Rows whose state is not 'ended' (recovery). */
int ixdb_open_load(struct store *st, ixdb_open_h *h, void *arg);
/* Row id (reopening); ENOENT when none. */
int ixdb_load(struct store *st, int64_t id, ixdb_open_h *h, void *arg);

#endif
