/*
 * The store: opening and migrating the database, the writer thread with
 * group commit, and per-thread readers. See store.h for the contract.
 *
 * The writer's loop:
 *
 *   wait for units -> take all waiting (at most GROUP_MAX) -> BEGIN IMMEDIATE
 *     for each unit: SAVEPOINT u; run; ok ? RELEASE u : ROLLBACK TO u
 *   COMMIT (durable: synchronous=FULL, one fsync of the WAL) -> report
 *
 * A unit is reported only after COMMIT returned, so "done" means durable.
 * When BEGIN or COMMIT fails every unit of the group is reported failed.
 *
 * Reporting: a blocking caller (store_*_wait, store_flush) is woken through
 * donecond. An asynchronous unit with a done handler goes to the done list;
 * with a main loop the writer pushes ONE mqueue message when the list turns
 * non-empty, and the main loop runs every handler of the list (so a group
 * of 4,000 units costs one pipe write, and a busy main loop can never fill
 * the pipe and stall the writer). Without a main loop the handlers run on
 * the writer thread.
 *
 * Concurrency: st->mtx guards the queue, the done list, the reader list
 * and the counters. The writer connection and the statement cache belong
 * to the writer thread once it started (before that, to store_open).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <re.h>
#include "core/cc.h"
#include "store.h"
#include "store_mig.h"
#include "ivr/ivr.h"

enum { GROUP_MAX = 4096, STMT_CACHE = 64 };

enum unit_kind { UNIT_SQL, UNIT_FN, UNIT_FLUSH };

struct param {
	char type;
	int64_t i;
	double d;
	char *s;
};

struct unit {
	struct unit *next;
	enum unit_kind kind;
	char *sql;
	struct param *paramv;
	size_t paramc;
	store_txn_h *fn;
	void *arg;
	store_done_h *doneh;
	void *darg;
	int err;
	/* for the blocking variants */
	bool waiting, finished;
};

struct reader {
	struct le le;
	sqlite3 *db;
	struct store *st;
};

/* The writer keeps the statements of store_write prepared: the same few
 * INSERTs and UPDATEs recur, and preparing costs about as much as running
 * them. */
struct stmt_slot {
	char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	char *path;
	sqlite3 *wdb;
	pthread_t thread;
	bool running, stopping;
	pthread_mutex_t mtx;
	pthread_cond_t cond;      /* writer waits for units */
	pthread_cond_t donecond;  /* blocking callers wait for results */
	struct unit *head, *tail;
	struct unit *dhead, *dtail; /* done, handlers not yet run */
	bool wake_pending;          /* an mqueue message is in flight */
	struct mqueue *mq;
	int lockfd;                 /* flock on <path>.lock: one owner */
	pthread_key_t rkey;
	bool rkey_ok;
	struct list readers;
	int version;
	int64_t next_id;            /* store_id_alloc */
	struct store_stats stats;
	struct stmt_slot cache[STMT_CACHE];
};

static struct store *main_store;

int store_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_CONSTRAINT:
		switch (rc) {
		case SQLITE_CONSTRAINT_PRIMARYKEY:
		case SQLITE_CONSTRAINT_UNIQUE:
			return EEXIST;
		case SQLITE_CONSTRAINT_FOREIGNKEY:
			return ENOENT;
		default:
			return EINVAL;
		}
	case SQLITE_ERROR:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
	case SQLITE_TOOBIG:
		return EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_READONLY:
		return EROFS;
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return EBADMSG;
	case SQLITE_CANTOPEN:
		return EACCES;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return EPERM;
	default:
		return EIO;
	}
}

static void unit_free(struct unit *u)
{
	size_t i;

	for (i = 0; i < u->paramc; i++)
		free(u->paramv[i].s);
	free(u->paramv);
	free(u->sql);
	free(u);
}

int store_bindv(sqlite3_stmt *stmt, const char *types, va_list ap)
{
	int i, rc = SQLITE_OK;

	for (i = 0; types && types[i] && rc == SQLITE_OK; i++) {
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(stmt, i + 1,
						va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(stmt, i + 1,
						 va_arg(ap, double));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			rc = s ? sqlite3_bind_text(stmt, i + 1, s, -1,
						   SQLITE_TRANSIENT)
			       : sqlite3_bind_null(stmt, i + 1);
			break;
		}
		case 'n':
			rc = sqlite3_bind_null(stmt, i + 1);
			break;
		default:
			return EINVAL;
		}
	}
	if (rc != SQLITE_OK)
		return EINVAL;
	if (sqlite3_bind_parameter_count(stmt) != i)
		return EINVAL;
	return 0;
}

int store_exec(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	va_list ap;
	int rc, err;

	if (!db || !sql)
		return EINVAL;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, &tail);
	if (rc != SQLITE_OK) {
		cc_warn("store", "'%s': %s", sql, sqlite3_errmsg(db));
		return store_err(rc);
	}
	if (!stmt || (tail && *tail)) {
		cc_warn("store", "'%s': not exactly one statement", sql);
		sqlite3_finalize(stmt);
		return EINVAL;
	}
	va_start(ap, types);
	err = store_bindv(stmt, types, ap);
	va_end(ap);
	if (err) {
		cc_warn("store", "'%s': parameters do not match '%s'", sql,
			types ? types : "");
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	err = store_err(sqlite3_extended_errcode(db));
	if (rc != SQLITE_DONE && !err)
		err = EIO;
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_prepare(sqlite3_stmt **stmtp, sqlite3 *db, const char *sql,
                  const char *types, ...)
{
	sqlite3_stmt *stmt = NULL;
	va_list ap;
	int rc, err = 0;

	if (!stmtp || !db || !sql)
		return EINVAL;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		cc_warn("store", "'%s': %s", sql, sqlite3_errmsg(db));
		return store_err(rc);
	}
	if (types) {
		va_start(ap, types);
		err = store_bindv(stmt, types, ap);
		va_end(ap);
	}
	if (err) {
		cc_warn("store", "'%s': parameters do not match '%s'", sql,
		        types);
		sqlite3_finalize(stmt);
		return err;
	}
	*stmtp = stmt;
	return 0;
}

int store_query(sqlite3 *db, store_row_h *rowh, void *arg, const char *sql,
		const char *types, ...)
{
	sqlite3_stmt *stmt = NULL;
	va_list ap;
	int rc, err;

	if (!db || !sql || !rowh)
		return EINVAL;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		cc_warn("store", "'%s': %s", sql, sqlite3_errmsg(db));
		return store_err(rc);
	}
	va_start(ap, types);
	err = store_bindv(stmt, types, ap);
	va_end(ap);
	if (err) {
		cc_warn("store", "'%s': parameters do not match '%s'", sql,
			types ? types : "");
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		err = rowh(stmt, arg);
		if (err)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		cc_warn("store", "'%s': %s", sql, sqlite3_errmsg(db));
		err = store_err(sqlite3_extended_errcode(db));
		if (!err)
			err = EIO;
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

/* Writer thread: the cached statement for sql, prepared on first use. */
static int stmt_get(struct store *st, sqlite3_stmt **stmtp, const char *sql)
{
	struct stmt_slot *slot;
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	uint32_t h = hash_joaat_str(sql);
	int rc;

	slot = &st->cache[h % STMT_CACHE];
	if (slot->sql && !strcmp(slot->sql, sql)) {
		*stmtp = slot->stmt;
		return 0;
	}
	rc = sqlite3_prepare_v2(st->wdb, sql, -1, &stmt, &tail);
	if (rc != SQLITE_OK) {
		cc_warn("store", "'%s': %s", sql, sqlite3_errmsg(st->wdb));
		return store_err(rc);
	}
	if (!stmt || (tail && *tail)) {
		cc_warn("store", "'%s': not exactly one statement", sql);
		sqlite3_finalize(stmt);
		return EINVAL;
	}
	sqlite3_finalize(slot->stmt);
	free(slot->sql);
	slot->stmt = stmt;
	slot->sql = strdup(sql);
	if (!slot->sql) {
		sqlite3_finalize(stmt);
		slot->stmt = NULL;
		return ENOMEM;
	}
	*stmtp = stmt;
	return 0;
}

static int unit_run_sql(struct store *st, struct unit *u)
{
	sqlite3_stmt *stmt = NULL;
	size_t i;
	int rc, err;

	err = stmt_get(st, &stmt, u->sql);
	if (err)
		return err;
	if ((size_t)sqlite3_bind_parameter_count(stmt) != u->paramc) {
		cc_warn("store", "'%s': %d parameters, %zu given", u->sql,
			sqlite3_bind_parameter_count(stmt), u->paramc);
		return EINVAL;
	}
	for (i = 0; i < u->paramc; i++) {
		const struct param *p = &u->paramv[i];
		int n = (int)i + 1;

		switch (p->type) {
		case 'i': rc = sqlite3_bind_int64(stmt, n, p->i); break;
		case 'd': rc = sqlite3_bind_double(stmt, n, p->d); break;
		case 's':
			rc = p->s ? sqlite3_bind_text(stmt, n, p->s, -1,
						      SQLITE_STATIC)
				  : sqlite3_bind_null(stmt, n);
			break;
		default: rc = sqlite3_bind_null(stmt, n); break;
		}
		if (rc != SQLITE_OK) {
			err = EINVAL;
			goto out;
		}
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		err = store_err(sqlite3_extended_errcode(st->wdb));
		if (!err)
			err = EIO;
		cc_warn("store", "'%s': %s", u->sql,
			sqlite3_errmsg(st->wdb));
	}
out:
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return err;
}

static void unit_run(struct store *st, struct unit *u)
{
	sqlite3 *db = st->wdb;

	if (u->kind == UNIT_FLUSH)
		return;
	if (sqlite3_exec(db, "SAVEPOINT unit", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		u->err = store_err(sqlite3_extended_errcode(db));
		if (!u->err)
			u->err = EIO;
		return;
	}
	u->err = u->kind == UNIT_SQL ? unit_run_sql(st, u) : u->fn(db, u->arg);
	if (u->err)
		sqlite3_exec(db, "ROLLBACK TO unit", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE unit", NULL, NULL, NULL);
}

/* Runs the handlers of every done unit; on the main loop (or at close). */
static void done_dispatch(struct store *st)
{
	struct unit *u, *next;

	pthread_mutex_lock(&st->mtx);
	u = st->dhead;
	st->dhead = st->dtail = NULL;
	st->wake_pending = false;
	pthread_mutex_unlock(&st->mtx);
	for (; u; u = next) {
		next = u->next;
		u->doneh(u->err, u->darg);
		unit_free(u);
	}
}

static void done_drop(struct store *st)
{
	struct unit *u, *next;
	size_t n = 0;

	for (u = st->dhead; u; u = next) {
		next = u->next;
		unit_free(u);
		n++;
	}
	st->dhead = st->dtail = NULL;
	if (n)
		cc_debug("store", "closed with %zu done handlers not run", n);
}

static void mq_handler(int id, void *data, void *arg)
{
	(void)id;
	(void)arg;
	done_dispatch(data);
}

/* Reports a finished group: hands handlers to the main loop (or runs them
 * here without one), frees the units nobody waits for, then wakes the
 * blocking callers, so that store_flush returns after the handlers of
 * everything before it ran (without a main loop). */
static void group_finish(struct store *st, struct unit *group, int err)
{
	struct unit *u, *next, *local = NULL, **ltail = &local;
	struct unit *waited = NULL, **wtail = &waited;
	bool wake = false;

	pthread_mutex_lock(&st->mtx);
	if (!err)
		st->stats.commits++;
	for (u = group; u; u = next) {
		next = u->next;
		u->next = NULL;
		st->stats.units++;
		if (err)
			u->err = err;
		if (u->err && u->kind != UNIT_FLUSH)
			st->stats.failed++;
		if (u->waiting) {
			*wtail = u;
			wtail = &u->next;
		}
		else if (u->doneh && st->mq) {
			if (st->dtail)
				st->dtail->next = u;
			else
				st->dhead = u;
			st->dtail = u;
			if (!st->wake_pending)
				wake = st->wake_pending = true;
		}
		else {
			*ltail = u;
			ltail = &u->next;
		}
	}
	pthread_mutex_unlock(&st->mtx);

	if (wake && mqueue_push(st->mq, 0, st)) {
		/* Only with a closed pipe; the handlers then run at close
		 * rather than on the wrong thread. */
		cc_error("store", "cannot wake the main loop");
	}
	for (u = local; u; u = next) {
		next = u->next;
		if (u->doneh)
			u->doneh(u->err, u->darg);
		unit_free(u);
	}
	if (!waited)
		return;
	pthread_mutex_lock(&st->mtx);
	for (u = waited; u; u = next) {
		next = u->next; /* the waiter frees u once finished */
		u->finished = true;
	}
	pthread_cond_broadcast(&st->donecond);
	pthread_mutex_unlock(&st->mtx);
}

static void *writer_main(void *arg)
{
	struct store *st = arg;

	for (;;) {
		struct unit *group, *u;
		size_t n = 1;
		int err = 0;

		pthread_mutex_lock(&st->mtx);
		while (!st->head && !st->stopping)
			pthread_cond_wait(&st->cond, &st->mtx);
		if (!st->head) {
			pthread_mutex_unlock(&st->mtx);
			break;
		}
		group = st->head;
		for (u = group; u->next && n < GROUP_MAX; u = u->next)
			n++;
		st->head = u->next;
		if (!st->head)
			st->tail = NULL;
		u->next = NULL;
		st->stats.queued -= n;
		pthread_mutex_unlock(&st->mtx);

		if (sqlite3_exec(st->wdb, "BEGIN IMMEDIATE", NULL, NULL,
				 NULL) != SQLITE_OK) {
			cc_error("store", "begin: %s",
				 sqlite3_errmsg(st->wdb));
			err = store_err(sqlite3_extended_errcode(st->wdb));
			if (!err)
				err = EIO;
		}
		for (u = group; u && !err; u = u->next)
			unit_run(st, u);
		if (!err && sqlite3_exec(st->wdb, "COMMIT", NULL, NULL,
					 NULL) != SQLITE_OK) {
			cc_error("store", "commit of %zu units: %s", n,
				 sqlite3_errmsg(st->wdb));
			err = store_err(sqlite3_extended_errcode(st->wdb));
			if (!err)
				err = EIO;
			sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
		}
		group_finish(st, group, err);
	}
	return NULL;
}

static int enqueue(struct store *st, struct unit *u)
{
	pthread_mutex_lock(&st->mtx);
	if (!st->running || st->stopping) {
		pthread_mutex_unlock(&st->mtx);
		return ESHUTDOWN;
	}
	if (st->tail)
		st->tail->next = u;
	else
		st->head = u;
	st->tail = u;
	st->stats.queued++;
	pthread_cond_signal(&st->cond);
	pthread_mutex_unlock(&st->mtx);
	return 0;
}

static int wait_unit(struct store *st, struct unit *u)
{
	int err;

	u->waiting = true;
	err = enqueue(st, u);
	if (err) {
		unit_free(u);
		return err;
	}
	pthread_mutex_lock(&st->mtx);
	while (!u->finished)
		pthread_cond_wait(&st->donecond, &st->mtx);
	pthread_mutex_unlock(&st->mtx);
	err = u->err;
	unit_free(u);
	return err;
}

static int sql_unit(struct unit **up, const char *sql, const char *types,
		    va_list ap)
{
	struct unit *u = calloc(1, sizeof(*u));
	size_t i, n = types ? strlen(types) : 0;
	int err = ENOMEM;

	if (!u)
		return ENOMEM;
	u->kind = UNIT_SQL;
	u->sql = strdup(sql);
	u->paramv = calloc(n + 1, sizeof(*u->paramv)); /* +1: writev_id */
	if (!u->sql || !u->paramv)
		goto fail;
	for (i = 0; i < n; i++) {
		struct param *p = &u->paramv[i];

		p->type = types[i];
		u->paramc++;
		switch (types[i]) {
		case 'i': p->i = va_arg(ap, int64_t); break;
		case 'd': p->d = va_arg(ap, double); break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (s && !(p->s = strdup(s)))
				goto fail;
			break;
		}
		case 'n': break;
		default:
			cc_warn("store", "'%s': unknown parameter type '%c'",
				sql, types[i]);
			err = EINVAL;
			goto fail;
		}
	}
	*up = u;
	return 0;
fail:
	unit_free(u);
	return err;
}

int store_write(struct store *st, store_done_h *doneh, void *arg,
		const char *sql, const char *types, ...)
{
	struct unit *u = NULL;
	va_list ap;
	int err;

	if (!st || !sql)
		return EINVAL;
	va_start(ap, types);
	err = sql_unit(&u, sql, types, ap);
	va_end(ap);
	if (err)
		return err;
	u->doneh = doneh;
	u->darg = arg;
	err = enqueue(st, u);
	if (err)
		unit_free(u);
	return err;
}

int store_writev_id(struct store *st, store_done_h *doneh, void *arg,
		    const char *sql, const char *types, va_list ap,
		    int64_t id)
{
	struct unit *u = NULL;
	int err;

	if (!st || !sql)
		return EINVAL;
	err = sql_unit(&u, sql, types, ap);
	if (err)
		return err;
	u->paramv[u->paramc].type = 'i';
	u->paramv[u->paramc].i = id;
	u->paramc++;
	u->doneh = doneh;
	u->darg = arg;
	err = enqueue(st, u);
	if (err)
		unit_free(u);
	return err;
}

int store_txn(struct store *st, store_txn_h *fn, void *arg,
	      store_done_h *doneh, void *darg)
{
	struct unit *u;
	int err;

	if (!st || !fn)
		return EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->kind = UNIT_FN;
	u->fn = fn;
	u->arg = arg;
	u->doneh = doneh;
	u->darg = darg;
	err = enqueue(st, u);
	if (err)
		unit_free(u);
	return err;
}

int store_write_wait(struct store *st, const char *sql, const char *types,
		     ...)
{
	struct unit *u = NULL;
	va_list ap;
	int err;

	if (!st || !sql)
		return EINVAL;
	va_start(ap, types);
	err = sql_unit(&u, sql, types, ap);
	va_end(ap);
	if (err)
		return err;
	return wait_unit(st, u);
}

struct wrote_job {
	const char *sql;
	const char *types;
	va_list *ap;
	struct store_wrote w;
};

/* On the writer thread while the caller waits: its arguments are live. */
static int wrote_run(sqlite3 *db, void *arg)
{
	struct wrote_job *job = arg;
	sqlite3_stmt *stmt = NULL;
	int rc, err;

	rc = sqlite3_prepare_v2(db, job->sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		cc_warn("store", "'%s': %s", job->sql, sqlite3_errmsg(db));
		return store_err(rc);
	}
	err = store_bindv(stmt, job->types, *job->ap);
	if (err) {
		cc_warn("store", "'%s': parameters do not match '%s'", job->sql,
		        job->types ? job->types : "");
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	err = rc == SQLITE_DONE ? 0 : store_err(sqlite3_extended_errcode(db));
	if (rc != SQLITE_DONE && !err)
		err = EIO;
	if (!err) {
		job->w.rowid = sqlite3_last_insert_rowid(db);
		job->w.changes = sqlite3_changes(db);
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_write_wait_ex(struct store *st, struct store_wrote *w,
                        const char *sql, const char *types, ...)
{
	struct wrote_job job = {sql, types, NULL, {0, 0}};
	va_list ap;
	int err;

	if (!st || !sql)
		return EINVAL;
	va_start(ap, types);
	job.ap = &ap;
	err = store_txn_wait(st, wrote_run, &job);
	va_end(ap);
	if (!err && w)
		*w = job.w;
	return err;
}

int store_txn_wait(struct store *st, store_txn_h *fn, void *arg)
{
	struct unit *u;

	if (!st || !fn)
		return EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->kind = UNIT_FN;
	u->fn = fn;
	u->arg = arg;
	return wait_unit(st, u);
}

int store_flush(struct store *st)
{
	struct unit *u;

	if (!st)
		return EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->kind = UNIT_FLUSH;
	return wait_unit(st, u);
}

void store_dispatch(struct store *st)
{
	if (st)
		done_dispatch(st);
}

int64_t store_id_alloc(struct store *st)
{
	return st ? __atomic_add_fetch(&st->next_id, 1, __ATOMIC_RELAXED) : 0;
}

/* Runs at thread exit for a thread that opened a reader. */
static void reader_destroy(void *p)
{
	struct reader *r = p;
	struct store *st = r->st;

	pthread_mutex_lock(&st->mtx);
	list_unlink(&r->le);
	pthread_mutex_unlock(&st->mtx);
	sqlite3_close(r->db);
	free(r);
}

sqlite3 *store_reader(struct store *st)
{
	struct reader *r;

	if (!st)
		return NULL;
	r = pthread_getspecific(st->rkey);
	if (r)
		return r->db;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	if (sqlite3_open_v2(st->path, &r->db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		cc_error("store", "reader %s: %s", st->path,
			 sqlite3_errmsg(r->db));
		sqlite3_close(r->db);
		free(r);
		return NULL;
	}
	sqlite3_busy_timeout(r->db, 5000);
	r->st = st;
	pthread_mutex_lock(&st->mtx);
	list_append(&st->readers, &r->le, r);
	pthread_mutex_unlock(&st->mtx);
	pthread_setspecific(st->rkey, r);
	return r->db;
}

void store_stats_get(struct store *st, struct store_stats *s)
{
	pthread_mutex_lock(&st->mtx);
	*s = st->stats;
	pthread_mutex_unlock(&st->mtx);
}

int store_version(struct store *st)
{
	return st ? st->version : 0;
}

const char *store_path(const struct store *st)
{
	return st ? st->path : NULL;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *vp)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*vp = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : EIO;
}

/* Reads the schema version and refuses a database newer than migv. */
static int version_check(sqlite3 *db, const char *path,
			 const struct store_mig *migv, size_t migc, int *vp)
{
	int64_t v64 = -1;
	int newest = 0, err;
	size_t i;

	if (pragma_int(db, "PRAGMA user_version", &v64)) {
		cc_error("store", "%s: cannot read the schema version: %s",
			 path, sqlite3_errmsg(db));
		err = store_err(sqlite3_extended_errcode(db));
		return err ? err : EIO;
	}
	for (i = 0; i < migc; i++) {
		if (migv[i].version > newest)
			newest = migv[i].version;
		if (i && migv[i].version <= migv[i - 1].version) {
			cc_error("store", "migration %s is out of order",
				 migv[i].name);
			return EINVAL;
		}
	}
	if (v64 > newest) {
		cc_error("store", "%s has schema version %d, newer than this "
			 "switchboard knows (%d): refusing to open it; run "
			 "the newer switchboard or restore a backup",
			 path, (int)v64, newest);
		return ENOTSUP;
	}
	*vp = (int)v64;
	return 0;
}

int store_migrate(sqlite3 *db, const char *path,
		  const struct store_mig *migv, size_t migc, int *versionp)
{
	size_t i;
	int v, err;

	err = version_check(db, path, migv, migc, &v);
	if (err)
		return err;
	for (i = 0; i < migc; i++) {
		const struct store_mig *m = &migv[i];
		char *errmsg = NULL, setv[64];

		if (m->version <= v)
			continue;
		snprintf(setv, sizeof(setv), "PRAGMA user_version = %d",
			 m->version);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
				 &errmsg) ||
		    sqlite3_exec(db, m->sql, NULL, NULL, &errmsg) ||
		    sqlite3_exec(db, setv, NULL, NULL, &errmsg) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &errmsg)) {
			cc_error("store", "%s: migration %s failed, nothing "
				 "of it applied: %s", path, m->name,
				 errmsg ? errmsg : "?");
			sqlite3_free(errmsg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return EIO;
		}
		cc_info("store", "applied migration %s", m->name);
		v = m->version;
	}
	if (versionp)
		*versionp = v;
	return 0;
}

static void store_destructor(void *arg)
{
	struct store *st = arg;
	struct le *le;
	size_t i;

	if (st->running) {
		pthread_mutex_lock(&st->mtx);
		st->stopping = true;
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->mtx);
		pthread_join(st->thread, NULL);
	}
	/* Everything queued is committed now. Handlers the main loop did
	 * not get to are dropped, not run: the modules they belong to closed
	 * before the store (it is the first module), so their arguments may
	 * be gone. A module that needs them calls store_flush() and
	 * store_dispatch() in its own close. */
	done_drop(st);
	st->mq = mem_deref(st->mq);
	if (st->rkey_ok) {
		pthread_setspecific(st->rkey, NULL);
		pthread_key_delete(st->rkey);
	}
	while ((le = list_head(&st->readers))) {
		struct reader *r = le->data;

		list_unlink(le);
		sqlite3_close(r->db);
		free(r);
	}
	for (i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	/* The last connection checkpoints the WAL into the database. */
	sqlite3_close(st->wdb);
	if (st->lockfd >= 0)
		close(st->lockfd);
	pthread_cond_destroy(&st->donecond);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->mtx);
	mem_deref(st->path);
	if (main_store == st)
		main_store = NULL;
}

/* One process owns a database: a second server on the same data
 * directory would interleave ids and defeat the single writer. */
static int lock_take(struct store *st)
{
	char lpath[1024];

	if (snprintf(lpath, sizeof(lpath), "%s.lock", st->path) >=
	    (int)sizeof(lpath))
		return ENAMETOOLONG;
	st->lockfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (st->lockfd < 0) {
		cc_error("store", "%s: %m", lpath);
		return errno == ENOENT ? EIO : errno;
	}
	if (flock(st->lockfd, LOCK_EX | LOCK_NB)) {
		int err = errno == EWOULDBLOCK ? EBUSY : errno;

		cc_error("store", "%s is in use by another process (%s is "
			 "locked)", st->path, lpath);
		return err;
	}
	return 0;
}

int store_open(struct store **stp, const char *path, bool main_loop)
{
	struct store *st;
	int64_t maxid = 0;
	char *mode = NULL;
	sqlite3_stmt *stmt = NULL;
	int err;

	if (!stp || !path || !*path)
		return EINVAL;
	st = mem_zalloc(sizeof(*st), store_destructor);
	if (!st)
		return ENOMEM;
	st->lockfd = -1;
	pthread_mutex_init(&st->mtx, NULL);
	pthread_cond_init(&st->cond, NULL);
	pthread_cond_init(&st->donecond, NULL);
	list_init(&st->readers);
	err = pthread_key_create(&st->rkey, reader_destroy);
	if (err)
		goto out;
	st->rkey_ok = true;
	err = str_dup(&st->path, path);
	if (err)
		goto out;
	err = lock_take(st);
	if (err) {
		if (err != EBUSY)
			err = EIO;
		goto out;
	}
	if (sqlite3_open_v2(path, &st->wdb, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		cc_error("store", "open %s: %s", path,
			 sqlite3_errmsg(st->wdb));
		err = EIO;
		goto out;
	}
	sqlite3_busy_timeout(st->wdb, 5000);
	/* A newer database is refused before anything touches it. */
	err = version_check(st->wdb, path, store_migv, store_migc,
			    &st->version);
	if (err)
		goto out;
	if (sqlite3_prepare_v2(st->wdb, "PRAGMA journal_mode=WAL", -1, &stmt,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW ||
	    str_dup(&mode, (const char *)sqlite3_column_text(stmt, 0)) ||
	    str_casecmp(mode, "wal")) {
		cc_error("store", "%s: cannot use WAL mode (%s)", path,
			 mode ? mode : sqlite3_errmsg(st->wdb));
		err = EIO;
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (sqlite3_exec(st->wdb, "PRAGMA synchronous=FULL;"
			 "PRAGMA foreign_keys=ON", NULL, NULL,
			 NULL) != SQLITE_OK) {
		cc_error("store", "%s: %s", path, sqlite3_errmsg(st->wdb));
		err = EIO;
		goto out;
	}
	err = store_migrate(st->wdb, path, store_migv, store_migc,
			    &st->version);
	if (err)
		goto out;
	if (pragma_int(st->wdb, "SELECT coalesce(max(id), 0) FROM "
		       "interactions", &maxid))
		maxid = 0;
	st->next_id = maxid;
	if (main_loop) {
		err = mqueue_alloc(&st->mq, mq_handler, st);
		if (err)
			goto out;
	}
	err = pthread_create(&st->thread, NULL, writer_main, st);
	if (err)
		goto out;
	st->running = true;
out:
	sqlite3_finalize(stmt);
	mem_deref(mode);
	if (err)
		mem_deref(st);
	else
		*stp = st;
	return err;
}

static int demo_seed(sqlite3 *db, void *arg)
{
	static const char sql[] =
		"INSERT INTO skills(name, description) VALUES"
		" ('sales', 'Sales'), ('support', 'Technical support'),"
		" ('english', 'English'), ('spanish', 'Spanish');"
		"INSERT INTO agents(id, extension, name, sip_password,"
		" created_at) VALUES"
		" (1001, '1001', 'Alice 1001', 'pw1001', ?1),"
		" (1002, '1002', 'Bob 1002', 'pw1002', ?1),"
		" (1003, '1003', 'Carol 1003', 'pw1003', ?1),"
		" (1004, '1004', 'Dave 1004', 'pw1004', ?1);";
	static const char rest[] =
		"INSERT INTO agent_skills(agent_id, skill, level) VALUES"
		" (1001, 'sales', 8), (1001, 'support', 3),"
		" (1002, 'sales', 6), (1003, 'support', 8),"
		" (1004, 'support', 6), (1001, 'english', 10),"
		" (1002, 'english', 10), (1003, 'english', 10),"
		" (1004, 'spanish', 10), (1004, 'english', 7);"
		"INSERT INTO queues(id, name, strategy, ring_timeout_s,"
		" wrapup_s, skill, created_at) VALUES"
		" (1, 'sales', 'longest_idle', 15, 5, 'sales', 0),"
		" (2, 'support', 'longest_idle', 15, 5, 'support', 0);"
		"INSERT INTO queue_members(queue_id, agent_id, level, weight,"
		" position) VALUES"
		" (1, 1001, 8, 1, 1), (1, 1002, 6, 1, 2),"
		" (2, 1003, 8, 1, 1), (2, 1004, 6, 1, 2),"
		" (2, 1001, 3, 1, 3);"
		"INSERT INTO numbers(number, flow, queue) VALUES"
		" ('5000', 'demo-5000', NULL), ('5001', NULL, 'support'),"
		" ('5002', NULL, 'sales');";
	sqlite3_stmt *stmt = NULL;
	const char *tail = sql;
	int err = 0;

	(void)arg;
	while (*tail) {
		if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) !=
		    SQLITE_OK) {
			err = EIO;
			break;
		}
		if (!stmt)
			break;
		if (sqlite3_bind_parameter_count(stmt))
			sqlite3_bind_int64(stmt, 1, cc_wall_ms());
		if (sqlite3_step(stmt) != SQLITE_DONE)
			err = EIO;
		sqlite3_finalize(stmt);
		stmt = NULL;
		if (err)
			break;
	}
	if (!err && sqlite3_exec(db, rest, NULL, NULL, NULL) != SQLITE_OK)
		err = EIO;
	if (err)
		cc_error("store", "demo seed: %s", sqlite3_errmsg(db));
	return err;
}

static int has_agents(sqlite3 *db, bool *yes)
{
	sqlite3_stmt *stmt = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM agents)",
			       -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		err = EIO;
	else
		*yes = sqlite3_column_int(stmt, 0) != 0;
	sqlite3_finalize(stmt);
	return err;
}

/* The demo's flow, in the flow table: the IVR module owns the format of
 * flow definitions and the demo's (ivr_demo_flow, the document of
 * data/flows/demo-5000.json). */
#define demo_flow ivr_demo_flow

static int demo_seed_if_empty(sqlite3 *db, void *arg)
{
	bool yes = false;
	int err = has_agents(db, &yes);

	if (err)
		return err;
	if (!yes) {
		*(bool *)arg = true;
		err = demo_seed(db, NULL);
		if (err)
			return err;
	}
	/* Also for demo databases seeded before the flows table existed. */
	return store_exec(db, "INSERT OR IGNORE INTO flows(name, definition,"
			  " updated_at) SELECT ?1, ?2, ?3 WHERE EXISTS"
			  " (SELECT 1 FROM numbers WHERE flow = ?1)", "ssi",
			  STORE_DEMO_FLOW, demo_flow, (int64_t)cc_wall_ms());
}

int store_demo_seed(struct store *st)
{
	bool seeded = false;
	int err = store_txn_wait(st, demo_seed_if_empty, &seeded);

	if (!err && seeded)
		cc_info("store", "created the demo call center");
	return err;
}

int store_init(const struct cc_config *cfg)
{
	char path[600];
	int err;

	snprintf(path, sizeof(path), "%s/switchboard.db", cfg->data);
	err = store_open(&main_store, path, true);
	if (err)
		return err;
	if (cfg->demo)
		err = store_demo_seed(main_store);
	return err;
}

void store_module_close(void)
{
	main_store = mem_deref(main_store);
}

struct store *store_main(void)
{
	return main_store;
}
