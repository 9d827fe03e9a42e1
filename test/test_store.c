/*
 * Tests of the store: migrations, refusal of a newer database, group
 * commit, unit isolation under savepoints, per-thread readers, the demo
 * seed, and durability of acknowledged writes across kill -9.
 */
#include <pthread.h>
#include <signal.h>
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

const struct test_case test_cases[] = {
	TEST_CASE(migrations_applied_once),
	TEST_CASE(newer_database_refused),
	TEST_CASE(group_commit),
	TEST_CASE(unit_rolls_back_alone),
	TEST_CASE(readers_per_thread),
	TEST_CASE(demo_seed_idempotent),
	TEST_CASE(acknowledged_survives_kill9),
	TEST_CASE(write_after_bad_params_refused),
};
TEST_TABLE_END;
