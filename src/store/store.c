/*
 * The store: opening and migrating the database, the writer thread with
 * group commit, and per-thread readers. See store.h for the contract.
 *
 * The writer's loop:
 *
 *   wait for units -> take all waiting -> BEGIN IMMEDIATE
 *     for each unit: SAVEPOINT u; run; ok ? RELEASE u : ROLLBACK TO u
 *   COMMIT (durable: synchronous=FULL) -> report each unit done
 *
 * A unit is reported only after COMMIT returned, so "done" means durable.
 * When COMMIT itself fails every unit of the group is reported failed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "store.h"
#include "store_mig.h"

enum { GROUP_MAX = 4096 };

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

struct store {
	char *path;
	sqlite3 *wdb;
	pthread_t thread;
	bool running, stopping;
	pthread_mutex_t mtx;
	pthread_cond_t cond;      /* writer waits for units */
	pthread_cond_t donecond;  /* blocking callers wait for results */
	struct unit *head, *tail;
	struct mqueue *mq;
	pthread_key_t rkey;
	struct list readers;
	int version;
	struct store_stats stats;
};

static struct store *main_store;

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
	return rc == SQLITE_OK ? 0 : EINVAL;
}

static int unit_run_sql(sqlite3 *db, struct unit *u)
{
	sqlite3_stmt *stmt = NULL;
	size_t i;
	int rc, err = 0;

	if (sqlite3_prepare_v2(db, u->sql, -1, &stmt, NULL) != SQLITE_OK) {
		cc_error("store", "prepare '%s': %s", u->sql,
			 sqlite3_errmsg(db));
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
	if (rc == SQLITE_CONSTRAINT)
		err = EEXIST;
	else if (rc != SQLITE_DONE)
		err = EIO;
	if (err)
		cc_warn("store", "'%s': %s", u->sql, sqlite3_errmsg(db));
out:
	sqlite3_finalize(stmt);
	return err;
}

static void unit_run(sqlite3 *db, struct unit *u)
{
	if (u->kind == UNIT_FLUSH)
		return;
	sqlite3_exec(db, "SAVEPOINT unit", NULL, NULL, NULL);
	u->err = u->kind == UNIT_SQL ? unit_run_sql(db, u) : u->fn(db, u->arg);
	if (u->err)
		sqlite3_exec(db, "ROLLBACK TO unit", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE unit", NULL, NULL, NULL);
}

/* Reports one unit done; the unit is freed here or by the main loop. */
static void unit_finish(struct store *st, struct unit *u)
{
	if (u->waiting) {
		pthread_mutex_lock(&st->mtx);
		u->finished = true;
		pthread_cond_broadcast(&st->donecond);
		pthread_mutex_unlock(&st->mtx);
		return;
	}
	if (u->doneh && st->mq && !mqueue_push(st->mq, 0, u))
		return;
	if (u->doneh)
		u->doneh(u->err, u->darg);
	unit_free(u);
}

static void mq_handler(int id, void *data, void *arg)
{
	struct unit *u = data;

	(void)id;
	(void)arg;
	u->doneh(u->err, u->darg);
	unit_free(u);
}

static void *writer_main(void *arg)
{
	struct store *st = arg;

	for (;;) {
		struct unit *group, *u, *next;
		size_t n = 0;
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
		pthread_mutex_unlock(&st->mtx);

		if (sqlite3_exec(st->wdb, "BEGIN IMMEDIATE", NULL, NULL,
				 NULL) != SQLITE_OK)
			err = EIO;
		for (u = group; u && !err; u = u->next)
			unit_run(st->wdb, u);
		if (!err && sqlite3_exec(st->wdb, "COMMIT", NULL, NULL,
					 NULL) != SQLITE_OK) {
			cc_error("store", "commit: %s",
				 sqlite3_errmsg(st->wdb));
			sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
			err = EIO;
		}
		pthread_mutex_lock(&st->mtx);
		st->stats.commits += err ? 0 : 1;
		for (u = group; u; u = u->next)
			st->stats.units++;
		pthread_mutex_unlock(&st->mtx);
		for (u = group; u; u = next) {
			next = u->next;
			if (err)
				u->err = err;
			unit_finish(st, u);
		}
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

static struct unit *sql_unit(const char *sql, const char *types, va_list ap)
{
	struct unit *u = calloc(1, sizeof(*u));
	size_t i, n = types ? strlen(types) : 0;

	if (!u)
		return NULL;
	u->kind = UNIT_SQL;
	u->sql = strdup(sql);
	u->paramv = calloc(n ? n : 1, sizeof(*u->paramv));
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
		default: goto fail;
		}
	}
	return u;
fail:
	unit_free(u);
	return NULL;
}

int store_write(struct store *st, store_done_h *doneh, void *arg,
		const char *sql, const char *types, ...)
{
	struct unit *u;
	va_list ap;
	int err;

	if (!st || !sql)
		return EINVAL;
	va_start(ap, types);
	u = sql_unit(sql, types, ap);
	va_end(ap);
	if (!u)
		return EINVAL;
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
	struct unit *u;
	va_list ap;

	if (!st || !sql)
		return EINVAL;
	va_start(ap, types);
	u = sql_unit(sql, types, ap);
	va_end(ap);
	if (!u)
		return EINVAL;
	return wait_unit(st, u);
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

static void reader_destroy(void *p)
{
	struct reader *r = p;

	pthread_mutex_lock(&r->st->mtx);
	list_unlink(&r->le);
	pthread_mutex_unlock(&r->st->mtx);
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

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static int migrate(struct store *st)
{
	int v = user_version(st->wdb), newest = 0;
	size_t i;

	if (v < 0)
		return EIO;
	for (i = 0; i < store_migc; i++) {
		if (store_migv[i].version > newest)
			newest = store_migv[i].version;
	}
	if (v > newest) {
		cc_error("store", "%s has schema version %d, newer than this "
			 "switchboard knows (%d): refusing to open it",
			 st->path, v, newest);
		return ENOTSUP;
	}
	for (i = 0; i < store_migc; i++) {
		const struct store_mig *m = &store_migv[i];
		char *errmsg = NULL, setv[64];

		if (m->version <= v)
			continue;
		snprintf(setv, sizeof(setv), "PRAGMA user_version = %d",
			 m->version);
		if (sqlite3_exec(st->wdb, "BEGIN IMMEDIATE", NULL, NULL,
				 &errmsg) ||
		    sqlite3_exec(st->wdb, m->sql, NULL, NULL, &errmsg) ||
		    sqlite3_exec(st->wdb, setv, NULL, NULL, &errmsg) ||
		    sqlite3_exec(st->wdb, "COMMIT", NULL, NULL, &errmsg)) {
			cc_error("store", "migration %s: %s", m->name,
				 errmsg ? errmsg : "?");
			sqlite3_free(errmsg);
			sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
			return EIO;
		}
		cc_info("store", "applied migration %s", m->name);
		v = m->version;
	}
	st->version = v;
	return 0;
}

static void store_destructor(void *arg)
{
	struct store *st = arg;
	struct le *le;

	if (st->running) {
		pthread_mutex_lock(&st->mtx);
		st->stopping = true;
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->mtx);
		pthread_join(st->thread, NULL);
	}
	/* Undelivered done handlers (main loop gone) are dropped with it. */
	st->mq = mem_deref(st->mq);
	pthread_setspecific(st->rkey, NULL);
	while ((le = list_head(&st->readers))) {
		struct reader *r = le->data;

		list_unlink(le);
		sqlite3_close(r->db);
		free(r);
	}
	pthread_key_delete(st->rkey);
	sqlite3_close(st->wdb);
	pthread_cond_destroy(&st->donecond);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->mtx);
	mem_deref(st->path);
	if (main_store == st)
		main_store = NULL;
}

int store_open(struct store **stp, const char *path, bool main_loop)
{
	struct store *st;
	int err;

	if (!stp || !path)
		return EINVAL;
	st = mem_zalloc(sizeof(*st), store_destructor);
	if (!st)
		return ENOMEM;
	pthread_mutex_init(&st->mtx, NULL);
	pthread_cond_init(&st->cond, NULL);
	pthread_cond_init(&st->donecond, NULL);
	pthread_key_create(&st->rkey, reader_destroy);
	list_init(&st->readers);
	err = str_dup(&st->path, path);
	if (err)
		goto out;
	if (sqlite3_open_v2(path, &st->wdb, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		cc_error("store", "open %s: %s", path,
			 sqlite3_errmsg(st->wdb));
		err = EIO;
		goto out;
	}
	sqlite3_busy_timeout(st->wdb, 5000);
	if (sqlite3_exec(st->wdb, "PRAGMA journal_mode=WAL;"
			 "PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON",
			 NULL, NULL, NULL) != SQLITE_OK) {
		cc_error("store", "%s: %s", path, sqlite3_errmsg(st->wdb));
		err = EIO;
		goto out;
	}
	err = migrate(st);
	if (err)
		goto out;
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

static int demo_seed_if_empty(sqlite3 *db, void *arg)
{
	bool yes = false;
	int err = has_agents(db, &yes);

	if (err || yes)
		return err;
	*(bool *)arg = true;
	return demo_seed(db, NULL);
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
