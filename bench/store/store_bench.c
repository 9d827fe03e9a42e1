/*
 * bench/store: durable writes per second through the store, with group
 * commit against one transaction (one fsync) per write, in one run on the
 * same disk so that the ratio means something on a noisy machine.
 *
 *   group-commit:   N asynchronous store_write calls (an interaction event
 *                   row each), then store_flush; rate = N / elapsed.
 *   threads-wait:   T threads each doing blocking store_write_wait in a
 *                   loop (how the HTTP thread writes): their units share
 *                   commits.
 *   per-write:      one thread doing store_write_wait in a loop: every
 *                   write is its own transaction and fsync.
 *
 * Usage: bench_store [N] [DIR]   (default 50000, the current directory;
 * DIR must be on a real disk, not tmpfs, or fsync costs nothing).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"

enum { THREADS = 8 };

static const char ins[] =
	"INSERT INTO interaction_events(interaction_id, at, type, agent_id,"
	" queue, detail) VALUES (?, ?, ?, ?, ?, ?)";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_done(int err, void *arg)
{
	if (err)
		++*(int *)arg;
}

struct waiter {
	struct store *st;
	double until;
	long n;
	int failed;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	while (now_s() < w->until) {
		if (store_write_wait(w->st, ins, "iisiss", (int64_t)1,
				     (int64_t)w->n, "offered", (int64_t)1001,
				     "sales", "{\"bench\": true}"))
			w->failed++;
		w->n++;
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	long i, n = argc > 1 ? atol(argv[1]) : 50000;
	const char *dir = argc > 2 ? argv[2] : ".";
	struct waiter wv[THREADS];
	pthread_t tv[THREADS];
	struct store *st = NULL;
	struct store_stats s0, s1;
	char path[600];
	double t0, t, group_rate, threads_rate, single_rate;
	long threads_n = 0, single_n = 0;
	int failed = 0, err;

	cc_log_level_set(CC_LOG_WARN);
	snprintf(path, sizeof(path), "%s/bench_store.%d.db", dir, getpid());
	err = store_open(&st, path, false);
	if (err) {
		fprintf(stderr, "store_open %s: %s\n", path, strerror(err));
		return 1;
	}
	/* the interaction the events belong to */
	err = store_write_wait(st, "INSERT INTO interactions(id, channel,"
			       " created_at) VALUES (1, 'voice', 0)", NULL);
	if (err)
		goto out;

	store_stats_get(st, &s0);
	t0 = now_s();
	for (i = 0; i < n && !err; i++)
		err = store_write(st, on_done, &failed, ins, "iisiss",
				  (int64_t)1, (int64_t)i, "offered",
				  (int64_t)1001, "sales", "{\"bench\": true}");
	if (!err)
		err = store_flush(st);
	t = now_s() - t0;
	store_stats_get(st, &s1);
	if (err || failed)
		goto out;
	group_rate = (double)n / t;
	printf("group-commit-writes-per-s: %.0f writes/s\n", group_rate);
	printf("group-commit-units-per-commit: %.0f units\n",
	       (double)(s1.units - s0.units) /
		       (double)(s1.commits - s0.commits));

	t0 = now_s();
	for (i = 0; i < THREADS; i++) {
		wv[i] = (struct waiter){st, t0 + 3.0, 0, 0};
		pthread_create(&tv[i], NULL, wait_thread, &wv[i]);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(tv[i], NULL);
		threads_n += wv[i].n;
		failed += wv[i].failed;
	}
	threads_rate = (double)threads_n / (now_s() - t0);
	printf("blocking-%d-threads-writes-per-s: %.0f writes/s\n", THREADS,
	       threads_rate);

	wv[0] = (struct waiter){st, now_s() + 3.0, 0, 0};
	t0 = now_s();
	wait_thread(&wv[0]);
	single_n = wv[0].n;
	failed += wv[0].failed;
	single_rate = (double)single_n / (now_s() - t0);
	printf("one-transaction-per-write-writes-per-s: %.0f writes/s\n",
	       single_rate);
	printf("group-commit-ratio: %.1f x\n", group_rate / single_rate);
	printf("blocking-threads-ratio: %.1f x\n", threads_rate / single_rate);
	if (failed)
		err = EIO;
out:
	if (err || failed)
		fprintf(stderr, "bench_store: %s (%d writes failed)\n",
			strerror(err ? err : EIO), failed);
	mem_deref(st);
	unlink(path);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, ".lock");
	unlink(path);
	return err || failed ? 1 : 0;
}
