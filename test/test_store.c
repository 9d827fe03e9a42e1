/*
 * Tests of the store: migrations, refusal of a newer database, group
 * commit, unit isolation under savepoints, per-thread readers, the demo
 * seed, and durability of acknowledged writes across kill -9.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"
#include "store/store_mig.h"
#include "test.h"

static int count(sqlite3 *db, const char *sql, long long *np)
{
	sqlite3_stmt *stmt = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		err = EIO;
	else
		*np = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return err;
}

static void dbpath(char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/t.db", test_tmpdir());
}

static int migrations_applied_once(void)
{
	struct store *st = NULL;
	char path[512];
	long long n = 0;
	int err = 0, newest = store_migv[store_migc - 1].version;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_EQ(store_version(st), newest);
	TEST_ERR(count(store_reader(st), "PRAGMA user_version", &n));
	TEST_EQ(n, newest);
	st = mem_deref(st);
	/* Reopening applies nothing again (CREATE TABLE would fail). */
	TEST_ERR(store_open(&st, path, false));
	TEST_EQ(store_version(st), newest);
out:
	mem_deref(st);
	return err;
}

static int newer_database_refused(void)
{
	struct store *st = NULL;
	sqlite3 *db = NULL;
	char path[512], sql[64];
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_EQ(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_migv[store_migc - 1].version + 1);
	TEST_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	db = NULL;
	TEST_EQ(store_open(&st, path, false), ENOTSUP);
	TEST_ASSERT(st == NULL);
out:
	sqlite3_close(db);
	mem_deref(st);
	return err;
}

struct done_count {
	pthread_mutex_t mtx;
	int ok, failed;
};

static void on_done(int err, void *arg)
{
	struct done_count *dc = arg;

	pthread_mutex_lock(&dc->mtx);
	if (err)
		dc->failed++;
	else
		dc->ok++;
	pthread_mutex_unlock(&dc->mtx);
}

static int group_commit(void)
{
	struct done_count dc = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
	struct store *st = NULL;
	struct store_stats s;
	char path[512];
	long long n = 0;
	int i, err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	for (i = 0; i < 2000; i++) {
		TEST_ERR(store_write(st, on_done, &dc,
				     "INSERT INTO skills(name, description) "
				     "VALUES (?, ?)", "ss",
				     i % 2 ? "odd" : "even", "d"));
	}
	TEST_ERR(store_flush(st));
	/* 2 succeed, 1998 violate the primary key, each alone. */
	TEST_EQ(dc.ok, 2);
	TEST_EQ(dc.failed, 1998);
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM skills", &n));
	TEST_EQ(n, 2);
	store_stats_get(st, &s);
	TEST_EQ(s.units, 2001);
	TEST_ASSERT(s.commits < 200);
out:
	mem_deref(st);
	return err;
}

static int fail_after_insert(sqlite3 *db, void *arg)
{
	(void)arg;
	sqlite3_exec(db, "INSERT INTO skills(name) VALUES ('ghost')", NULL,
		     NULL, NULL);
	return EPROTO;
}

static int unit_rolls_back_alone(void)
{
	struct store *st = NULL;
	char path[512];
	long long n = -1;
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_write(st, NULL, NULL, "INSERT INTO skills(name) "
			     "VALUES ('a')", NULL));
	TEST_EQ(store_txn_wait(st, fail_after_insert, NULL), EPROTO);
	TEST_ERR(store_write_wait(st, "INSERT INTO skills(name) VALUES (?)",
				  "s", "b"));
	TEST_EQ(store_write_wait(st, "INSERT INTO nowhere VALUES (1)", NULL),
		EINVAL);
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM skills "
		       "WHERE name IN ('a', 'b')", &n));
	TEST_EQ(n, 2);
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM skills "
		       "WHERE name = 'ghost'", &n));
	TEST_EQ(n, 0);
out:
	mem_deref(st);
	return err;
}

struct reader_arg {
	struct store *st;
	sqlite3 *db;
	long long n;
};

static void *reader_thread(void *arg)
{
	struct reader_arg *ra = arg;

	ra->db = store_reader(ra->st);
	if (ra->db && count(ra->db, "SELECT count(*) FROM agents", &ra->n))
		ra->n = -1;
	return NULL;
}

static int readers_per_thread(void)
{
	struct reader_arg ra = {0};
	struct store *st = NULL;
	pthread_t t;
	char path[512];
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_demo_seed(st));
	ra.st = st;
	TEST_EQ(pthread_create(&t, NULL, reader_thread, &ra), 0);
	pthread_join(t, NULL);
	TEST_ASSERT(ra.db != NULL);
	TEST_ASSERT(ra.db != store_reader(st));
	TEST_ASSERT(store_reader(st) == store_reader(st));
	TEST_EQ(ra.n, 4);
	/* Read-only: a write through a reader fails. */
	TEST_ASSERT(sqlite3_exec(store_reader(st), "DELETE FROM agents",
				 NULL, NULL, NULL) != SQLITE_OK);
out:
	mem_deref(st);
	return err;
}

static int demo_seed_idempotent(void)
{
	struct store *st = NULL;
	char path[512];
	long long n = 0;
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_demo_seed(st));
	TEST_ERR(store_demo_seed(st));
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM agents", &n));
	TEST_EQ(n, 4);
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM queue_members "
		       "m JOIN queues q ON q.id = m.queue_id WHERE "
		       "q.name = 'support'", &n));
	TEST_EQ(n, 3);
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM numbers", &n));
	TEST_EQ(n, 3);
out:
	mem_deref(st);
	return err;
}

/* A child writes rows one by one and reports each acknowledged id on a
 * pipe; the parent kills it with SIGKILL mid-stream and checks that every
 * acknowledged row is in the database. */
static int acknowledged_survives_kill9(void)
{
	struct store *st = NULL;
	char path[512], sql[128];
	int fds[2] = {-1, -1}, status, err = 0;
	long long acked = 0, n = 0;
	pid_t pid;

	dbpath(path, sizeof(path));
	TEST_EQ(pipe(fds), 0);
	pid = fork();
	TEST_ASSERT(pid >= 0);
	if (pid == 0) {
		long long i;

		close(fds[0]);
		if (store_open(&st, path, false))
			_exit(3);
		for (i = 1; i < 1000000; i++) {
			if (store_write_wait(st, "INSERT INTO skills(name) "
					     "VALUES (printf('s%d', ?))", "i",
					     (int64_t)i))
				_exit(4);
			if (write(fds[1], &i, sizeof(i)) != sizeof(i))
				_exit(5);
		}
		_exit(0);
	}
	close(fds[1]);
	fds[1] = -1;
	while (acked < 300) {
		long long id;

		if (read(fds[0], &id, sizeof(id)) != sizeof(id))
			break;
		acked = id;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	TEST_ASSERT(WIFSIGNALED(status));
	TEST_EQ(acked, 300);
	TEST_ERR(store_open(&st, path, false));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM skills WHERE "
		 "CAST(substr(name, 2) AS INTEGER) <= %lld", acked);
	TEST_ERR(count(store_reader(st), sql, &n));
	TEST_EQ(n, acked);
out:
	if (fds[0] >= 0)
		close(fds[0]);
	mem_deref(st);
	return err;
}

static int write_after_bad_params_refused(void)
{
	struct store *st = NULL;
	char path[512];
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_EQ(store_write(st, NULL, NULL, "INSERT INTO skills(name) "
			    "VALUES (?)", "x", 1), EINVAL);
	TEST_EQ(store_write(NULL, NULL, NULL, "SELECT 1", NULL), EINVAL);
	TEST_EQ(store_open(&st, "/nonexistent/dir/x.db", false), EIO);
out:
	mem_deref(st);
	return err;
}


/* The writer is held by a first unit while 1,000 writes queue up behind
 * it: they must then commit together, in ONE transaction. */
struct gate {
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool entered, open;
};

static int gate_wait(sqlite3 *db, void *arg)
{
	struct gate *g = arg;

	(void)db;
	pthread_mutex_lock(&g->mtx);
	g->entered = true;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->mtx);
	pthread_mutex_unlock(&g->mtx);
	return 0;
}

static int group_commit_one_transaction(void)
{
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			 false, false};
	struct done_count dc = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
	struct store *st = NULL;
	struct store_stats s0, s;
	char path[512];
	long long n = 0;
	int i, err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	store_stats_get(st, &s0);
	TEST_ERR(store_txn(st, gate_wait, &g, NULL, NULL));
	pthread_mutex_lock(&g.mtx);
	while (!g.entered)
		pthread_cond_wait(&g.cond, &g.mtx);
	pthread_mutex_unlock(&g.mtx);
	for (i = 0; i < 1000; i++) {
		TEST_ERR(store_write(st, on_done, &dc, "INSERT INTO "
				     "agent_state_history(agent_id, state,"
				     " started_at) VALUES (?, ?, ?)", "isi",
				     (int64_t)(i % 4 + 1), "available",
				     (int64_t)i));
	}
	store_stats_get(st, &s);
	TEST_EQ(s.queued, 1000);
	pthread_mutex_lock(&g.mtx);
	g.open = true;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.mtx);
	/* Wait for the 1,000 done handlers (bounded: 10 s) rather than
	 * queueing a flush, which could race into a group of its own. */
	for (i = 0; i < 10000; i++) {
		int ok;

		pthread_mutex_lock(&dc.mtx);
		ok = dc.ok + dc.failed;
		pthread_mutex_unlock(&dc.mtx);
		if (ok == 1000)
			break;
		usleep(1000);
	}
	TEST_EQ(dc.ok, 1000);
	TEST_EQ(dc.failed, 0);
	store_stats_get(st, &s);
	/* the gate's group, then the 1,000 writes in one */
	TEST_EQ(s.commits - s0.commits, 2);
	TEST_EQ(s.units - s0.units, 1001);
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM "
		       "agent_state_history", &n));
	TEST_EQ(n, 1000);
out:
	if (err) {
		pthread_mutex_lock(&g.mtx);
		g.open = true;
		pthread_cond_broadcast(&g.cond);
		pthread_mutex_unlock(&g.mtx);
	}
	mem_deref(st);
	return err;
}

/* Done handlers run on the thread that runs the libre loop, never on the
 * writer, and they run from a real re_main. */
struct loop_done {
	pthread_t main;
	int calls, wrong_thread, failed, want;
};

static void on_loop_done(int err, void *arg)
{
	struct loop_done *ld = arg;

	if (!pthread_equal(pthread_self(), ld->main))
		ld->wrong_thread++;
	if (err)
		ld->failed++;
	if (++ld->calls == ld->want)
		re_cancel();
}

static void loop_timeout(void *arg)
{
	(void)arg;
	re_cancel();
}

static int done_handlers_on_main_loop(void)
{
	struct loop_done ld = {pthread_self(), 0, 0, 0, 600};
	struct store *st = NULL;
	struct tmr tmr;
	char path[512];
	bool inited = false;
	int i, err = 0;

	tmr_init(&tmr);
	TEST_ERR(libre_init());
	inited = true;
	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, true));
	for (i = 0; i < 500; i++)
		TEST_ERR(store_write(st, on_loop_done, &ld, "INSERT INTO "
				     "skills(name) VALUES (printf('k%d', ?))",
				     "i", (int64_t)i));
	/* store_flush waits for the commit, not for the handlers */
	TEST_ERR(store_flush(st));
	for (i = 500; i < 600; i++)
		TEST_ERR(store_write(st, on_loop_done, &ld, "INSERT INTO "
				     "skills(name) VALUES (printf('k%d', ?))",
				     "i", (int64_t)(i % 550)));
	tmr_start(&tmr, 10000, loop_timeout, NULL);
	TEST_ERR(re_main(NULL));
	TEST_EQ(ld.calls, 600);
	TEST_EQ(ld.wrong_thread, 0);
	TEST_EQ(ld.failed, 50); /* k500..k549 existed */
out:
	tmr_cancel(&tmr);
	mem_deref(st);
	if (inited)
		libre_close();
	return err;
}

/* Without running the loop, store_dispatch delivers; everything queued
 * before close is committed, and handlers left at close are dropped. */
static int close_drains_and_delivers(void)
{
	struct loop_done ld = {pthread_self(), 0, 0, 0, -1};
	struct store *st = NULL;
	char path[512];
	long long n = 0;
	bool inited = false;
	int i, err = 0;

	TEST_ERR(libre_init());
	inited = true;
	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, true));
	TEST_ERR(store_write(st, on_loop_done, &ld, "INSERT INTO skills(name)"
			     " VALUES ('first')", NULL));
	TEST_ERR(store_flush(st));
	TEST_EQ(ld.calls, 0);
	store_dispatch(st);
	TEST_EQ(ld.calls, 1);
	for (i = 0; i < 300; i++)
		TEST_ERR(store_write(st, on_loop_done, &ld, "INSERT INTO "
				     "skills(name) VALUES (printf('c%d', ?))",
				     "i", (int64_t)i));
	/* flush then dispatch: what a module's close does */
	TEST_ERR(store_flush(st));
	store_dispatch(st);
	TEST_EQ(ld.calls, 301);
	TEST_EQ(ld.wrong_thread, 0);
	/* queued at close: committed, handlers dropped (their owners are
	 * closed by then) */
	for (i = 300; i < 400; i++)
		TEST_ERR(store_write(st, on_loop_done, &ld, "INSERT INTO "
				     "skills(name) VALUES (printf('c%d', ?))",
				     "i", (int64_t)i));
	st = mem_deref(st);
	TEST_EQ(ld.calls, 301);
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM skills", &n));
	TEST_EQ(n, 401);
	TEST_EQ(store_write(NULL, NULL, NULL, "SELECT 1", NULL), EINVAL);
out:
	mem_deref(st);
	if (inited)
		libre_close();
	return err;
}

static int second_open_refused(void)
{
	struct store *st = NULL, *st2 = NULL;
	char path[512];
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_EQ(store_open(&st2, path, false), EBUSY);
	TEST_ASSERT(st2 == NULL);
	st = mem_deref(st);
	TEST_ERR(store_open(&st2, path, false));
out:
	mem_deref(st);
	mem_deref(st2);
	return err;
}

/* Migrations with gaps apply in order, each alone: a failing one leaves
 * the version at the one before and nothing of itself. */
static int migrations_gaps_and_failure(void)
{
	static const struct store_mig migv[] = {
		{1, "001_a", "CREATE TABLE a (x); INSERT INTO a VALUES (1);"},
		{5, "005_b", "CREATE TABLE b (x);"},
		{7, "007_bad", "CREATE TABLE c (x); INSERT INTO nowhere "
			       "VALUES (1);"},
	};
	static const struct store_mig disorder[] = {
		{5, "005_b", "SELECT 1;"},
		{3, "003_a", "SELECT 1;"},
	};
	sqlite3 *db = NULL;
	char path[512];
	long long n = 0;
	int v = -1, err = 0;

	dbpath(path, sizeof(path));
	TEST_EQ(sqlite3_open(path, &db), SQLITE_OK);
	TEST_ERR(store_migrate(db, path, migv, 2, &v));
	TEST_EQ(v, 5);
	TEST_ERR(store_migrate(db, path, migv, 2, &v)); /* nothing again */
	TEST_EQ(v, 5);
	TEST_EQ(store_migrate(db, path, migv, 3, &v), EIO);
	TEST_ERR(count(db, "PRAGMA user_version", &n));
	TEST_EQ(n, 5);
	TEST_ERR(count(db, "SELECT count(*) FROM sqlite_master WHERE "
		       "name = 'c'", &n));
	TEST_EQ(n, 0);
	TEST_ERR(count(db, "SELECT count(*) FROM a", &n));
	TEST_EQ(n, 1);
	TEST_EQ(store_migrate(db, path, migv, 1, &v), ENOTSUP);
	TEST_EQ(store_migrate(db, path, disorder, 2, &v), EINVAL);
out:
	sqlite3_close(db);
	return err;
}

struct names {
	char buf[256];
	int n;
};

static int agent_name(const struct store_agent *a, void *arg)
{
	struct names *nm = arg;

	nm->n++;
	strncat(nm->buf, a->extension, sizeof(nm->buf) - strlen(nm->buf) - 1);
	strncat(nm->buf, a->sip_password, sizeof(nm->buf) -
		strlen(nm->buf) - 1);
	strncat(nm->buf, ",", sizeof(nm->buf) - strlen(nm->buf) - 1);
	return 0;
}

static int queue_check(const struct store_queue *q, void *arg)
{
	struct names *nm = arg;

	nm->n++;
	if (q->ring_timeout_s != 15 || q->wrapup_s != 5)
		return EPROTO;
	strncat(nm->buf, q->name, sizeof(nm->buf) - strlen(nm->buf) - 1);
	strncat(nm->buf, ",", sizeof(nm->buf) - strlen(nm->buf) - 1);
	return 0;
}

static int member_name(const struct store_queue_member *m, void *arg)
{
	struct names *nm = arg;
	char line[64];

	nm->n++;
	snprintf(line, sizeof(line), "%s:%s:%d,", m->queue, m->extension,
		 m->level);
	strncat(nm->buf, line, sizeof(nm->buf) - strlen(nm->buf) - 1);
	return 0;
}

static int number_name(const struct store_number *n, void *arg)
{
	struct names *nm = arg;
	char line[64];

	nm->n++;
	snprintf(line, sizeof(line), "%s>%s,", n->number,
		 n->flow ? n->flow : n->queue);
	strncat(nm->buf, line, sizeof(nm->buf) - strlen(nm->buf) - 1);
	return 0;
}

static int stop_at_first(const struct store_agent *a, void *arg)
{
	(void)a;
	(void)arg;
	return ECANCELED;
}

static int demo_center_loaders(void)
{
	struct names nm;
	struct store *st = NULL;
	char path[512], *flow = NULL;
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_demo_seed(st));
	memset(&nm, 0, sizeof(nm));
	TEST_ERR(store_agents_load(st, agent_name, &nm));
	TEST_STREQ(nm.buf, "1001pw1001,1002pw1002,1003pw1003,1004pw1004,");
	memset(&nm, 0, sizeof(nm));
	TEST_ERR(store_queues_load(st, queue_check, &nm));
	TEST_STREQ(nm.buf, "sales,support,");
	memset(&nm, 0, sizeof(nm));
	TEST_ERR(store_queue_members_load(st, member_name, &nm));
	TEST_STREQ(nm.buf, "sales:1001:8,sales:1002:6,support:1003:8,"
			   "support:1004:6,support:1001:3,");
	memset(&nm, 0, sizeof(nm));
	TEST_ERR(store_numbers_load(st, number_name, &nm));
	TEST_STREQ(nm.buf, "5000>demo-5000,5001>support,5002>sales,");
	TEST_ERR(store_flow_get(st, &flow, STORE_DEMO_FLOW));
	TEST_ASSERT(strstr(flow, STORE_DEMO_GREETING) != NULL);
	/* the demo flow (data/flows/demo-5000.json): no input goes to support */
	TEST_ASSERT(strstr(flow, "\"fallback\": \"lookup_caller\""));
	TEST_EQ(store_flow_get(st, &flow, "nope"), ENOENT);
	TEST_EQ(store_agents_load(st, stop_at_first, NULL), ECANCELED);
out:
	mem_deref(flow);
	mem_deref(st);
	return err;
}

static int open_row(const struct store_open_interaction *ix, void *arg)
{
	int64_t *idp = arg;

	*idp = ix->id;
	return 0;
}

struct row_vals {
	char s[64];
	long long a, b, c;
};

static int interaction_row(sqlite3_stmt *stmt, void *arg)
{
	struct row_vals *rv = arg;
	const char *s = (const char *)sqlite3_column_text(stmt, 0);

	snprintf(rv->s, sizeof(rv->s), "%s", s ? s : "(null)");
	rv->a = sqlite3_column_int64(stmt, 1);
	rv->b = sqlite3_column_int64(stmt, 2);
	rv->c = sqlite3_column_int64(stmt, 3);
	return 0;
}

static int interaction_helpers(void)
{
	struct store_interval iv = {"sales", 4 * STORE_INTERVAL_MS, 2, 1, 1,
				    0, 1, 30000, 200000, 150000, 10000,
				    40000};
	struct done_count dc = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
	struct row_vals rv;
	struct store *st = NULL;
	char path[512];
	int64_t id = 0, id2 = 0, open_id = 0;
	long long n = 0;
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_demo_seed(st));
	TEST_ERR(store_interaction_add(&id, st, "voice", NULL, "sip:c@x",
				       "5001", 1000, on_done, &dc));
	TEST_ERR(store_interaction_add(&id2, st, "chat", "inbound", NULL,
				       NULL, 1100, on_done, &dc));
	TEST_ASSERT(id > 0 && id2 == id + 1);
	TEST_ERR(store_interaction_event_add(st, id, 1001, "entered_queue", 0,
					     "support", NULL, on_done, &dc));
	TEST_ERR(store_interaction_event_add(st, id, 1500, "answered", 1003,
					     "support", "{\"leg\": 2}",
					     on_done, &dc));
	TEST_ERR(store_interaction_update(st, id, on_done, &dc,
					  "state = ?, queue = ?, agent_id = ?,"
					  " answered_at = ?", "ssii", "ended",
					  "support", (int64_t)1003,
					  (int64_t)1500));
	/* an unknown channel is refused by the schema, alone */
	TEST_ERR(store_interaction_add(&open_id, st, "pigeon", NULL, NULL,
				       NULL, 1, on_done, &dc));
	TEST_ERR(store_agent_state_add(st, 1003, "busy", NULL, 1500, 4500,
				       on_done, &dc));
	TEST_ERR(store_agent_state_add(st, 1003, "wrapup", NULL, 4500, 0,
				       on_done, &dc));
	TEST_EQ(store_agent_state_add(st, 1003, "x", NULL, 10, 5, NULL, NULL),
		EINVAL);
	TEST_ERR(store_interval_add(st, &iv, on_done, &dc));
	TEST_ERR(store_interval_add(st, &iv, on_done, &dc));
	iv.interval_start += 1;
	TEST_EQ(store_interval_add(st, &iv, NULL, NULL), EINVAL);
	TEST_EQ(store_interaction_update(st, id, NULL, NULL, "", NULL),
		EINVAL);
	TEST_ERR(store_flush(st));
	TEST_EQ(dc.failed, 1);
	TEST_EQ(dc.ok, 9);

	memset(&rv, 0, sizeof(rv));
	TEST_ERR(store_query(store_reader(st), interaction_row, &rv,
			     "SELECT state || '/' || direction || '/' || queue,"
			     " agent_id, answered_at, created_at FROM "
			     "interactions WHERE id = ?", "i", id));
	TEST_STREQ(rv.s, "ended/inbound/support");
	TEST_EQ(rv.a, 1003);
	TEST_EQ(rv.b, 1500);
	TEST_EQ(rv.c, 1000);
	TEST_ERR(store_query(store_reader(st), interaction_row, &rv,
			     "SELECT group_concat(type, ','), count(*),"
			     " sum(agent_id IS NULL), max(at) FROM (SELECT *"
			     " FROM interaction_events WHERE"
			     " interaction_id = ? ORDER BY id)", "i", id));
	TEST_STREQ(rv.s, "entered_queue,answered");
	TEST_EQ(rv.a, 2);
	TEST_EQ(rv.b, 1);
	TEST_ERR(store_query(store_reader(st), interaction_row, &rv,
			     "SELECT state, duration_ms, ended_at IS NULL, 0"
			     " FROM agent_state_history WHERE agent_id = 1003"
			     " ORDER BY started_at LIMIT 1", NULL));
	TEST_STREQ(rv.s, "busy");
	TEST_EQ(rv.a, 3000);
	TEST_EQ(rv.b, 0);
	TEST_ERR(store_query(store_reader(st), interaction_row, &rv,
			     "SELECT queue, offered, wait_ms_sum,"
			     " wrapup_ms_sum FROM interval_stats", NULL));
	TEST_STREQ(rv.s, "sales");
	TEST_EQ(rv.a, 4);
	TEST_EQ(rv.b, 60000);
	TEST_EQ(rv.c, 80000);
	/* the chat never ended: it is what recovery finds */
	TEST_ERR(store_interactions_open_load(st, open_row, &open_id));
	TEST_EQ(open_id, id2);
	/* ids continue after a restart */
	st = mem_deref(st);
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_interaction_add(&id, st, "email", NULL, NULL, NULL, 5,
				       NULL, NULL));
	/* the refused "pigeon" id was never stored, so it is free again */
	TEST_EQ(id, id2 + 1);
	TEST_ERR(store_flush(st));
	TEST_ERR(count(store_reader(st), "SELECT count(*) FROM interactions",
		       &n));
	TEST_EQ(n, 3);
out:
	mem_deref(st);
	return err;
}

static int param_count_checked(void)
{
	struct store *st = NULL;
	char path[512];
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_EQ(store_write_wait(st, "INSERT INTO skills(name, description)"
				 " VALUES (?, ?)", "s", "only-one"), EINVAL);
	TEST_EQ(store_write_wait(st, "INSERT INTO skills(name) VALUES (?)",
				 "ss", "a", "b"), EINVAL);
	TEST_EQ(store_write_wait(st, "INSERT INTO skills(name) VALUES ('x');"
				 " DELETE FROM skills", NULL), EINVAL);
	TEST_EQ(store_write_wait(st, "INSERT INTO skills(name) VALUES (?)",
				 "s", "ok"), 0);
	TEST_EQ(store_write_wait(st, "INSERT INTO skills(name) VALUES (?)",
				 "s", "ok"), EEXIST);
	TEST_EQ(store_exec(store_reader(st), "DELETE FROM skills", NULL),
		EROFS);
out:
	mem_deref(st);
	return err;
}

/* The blocking write that tells what it did, and a prepared, bound
 * read (the API threads' way in). */
static int write_ex_and_prepare(void)
{
	struct store_wrote w = {-1, -1};
	struct store *st = NULL;
	sqlite3_stmt *stmt = NULL;
	char path[512];
	int err = 0;

	dbpath(path, sizeof(path));
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_write_wait_ex(st, &w, "INSERT INTO skills(name) VALUES "
				     "(?)", "s", "wx-a"));
	TEST_ASSERT(w.rowid > 0);
	TEST_EQ(w.changes, 1);
	TEST_EQ(store_write_wait_ex(st, &w, "INSERT INTO skills(name) VALUES "
				    "(?)", "s", "wx-a"), EEXIST);
	TEST_EQ(store_write_wait_ex(st, NULL, "INSERT INTO skills(name) "
				    "VALUES (?)", "ss", "a", "b"), EINVAL);
	TEST_ERR(store_write_wait_ex(st, &w, "UPDATE skills SET description "
				     "= ? WHERE name = ?", "ss", "d", "none"));
	TEST_EQ(w.changes, 0);
	TEST_ERR(store_prepare(&stmt, store_reader(st), "SELECT count(*) FROM "
			       "skills WHERE name = ?", "s", "wx-a"));
	TEST_EQ(sqlite3_step(stmt), SQLITE_ROW);
	TEST_EQ(sqlite3_column_int(stmt, 0), 1);
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* types NULL: the caller binds */
	TEST_ERR(store_prepare(&stmt, store_reader(st), "SELECT ?", NULL));
	sqlite3_finalize(stmt);
	stmt = NULL;
	TEST_EQ(store_prepare(&stmt, store_reader(st), "SELECT ?", "t", "x"),
		EINVAL);
	TEST_ASSERT(!stmt);
out:
	sqlite3_finalize(stmt);
	mem_deref(st);
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(migrations_applied_once),
	TEST_CASE(write_ex_and_prepare),
	TEST_CASE(newer_database_refused),
	TEST_CASE(group_commit),
	TEST_CASE(unit_rolls_back_alone),
	TEST_CASE(readers_per_thread),
	TEST_CASE(demo_seed_idempotent),
	TEST_CASE(acknowledged_survives_kill9),
	TEST_CASE(write_after_bad_params_refused),
	TEST_CASE(group_commit_one_transaction),
	TEST_CASE(done_handlers_on_main_loop),
	TEST_CASE(close_drains_and_delivers),
	TEST_CASE(second_open_refused),
	TEST_CASE(migrations_gaps_and_failure),
	TEST_CASE(demo_center_loaders),
	TEST_CASE(interaction_helpers),
	TEST_CASE(param_count_checked),
};
TEST_TABLE_END;
