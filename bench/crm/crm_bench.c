/*
 * bench/crm: who is calling, among 1,000,000 customers. Fills a fresh
 * store with N customers (one phone identity each, E.164 +1415xxxxxxx,
 * every fifth with an interaction) in one store unit, then times on the
 * reader connection, as the main loop does when a call arrives:
 *
 *   lookup:   crm_caller_find for a random known customer's number
 *             written the national way ("(415) 5xx-xxxx": normalised on
 *             every call), the identity index probe;
 *   pop:      crm_pop_json, the whole screen pop (lookup, the customer,
 *             the last interaction, JSON text);
 *   miss:     crm_caller_find for numbers nobody has;
 *   search-prefix, search-name: crm_search_json (what the desktop's
 *             search box asks as the agent types) for the first four
 *             letters of a last name, and for a whole "First Last".
 *
 * Each figure: p50 and p99 over the samples, in microseconds.
 * Usage: bench_crm [CUSTOMERS] [SAMPLES] [DIR]  (1000000 20000 /tmp)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/cc.h"
#include "store/store.h"
#include "crm/crm.h"

void *mem_deref(void *data);

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long customers = 1000000;

/* Names from syllables: 484 first names, 10,648 last names. */
static const char *const syl[] = {
	"ka", "lo", "mi", "ra", "te", "no", "sa", "vi", "du", "be", "ho",
	"li", "ma", "ne", "pa", "ro", "si", "ta", "ul", "ve", "wi", "zo"};
enum { SYL = sizeof(syl) / sizeof(*syl) };

static void person(char *out, size_t sz, long n)
{
	unsigned long f = (unsigned long)n * 2654435761u % (SYL * SYL);
	unsigned long l = (unsigned long)n * 40503u % (SYL * SYL * SYL);

	snprintf(out, sz, "%s%s %s%s%s", syl[f / SYL], syl[f % SYL],
		 syl[l / (SYL * SYL)], syl[l / SYL % SYL], syl[l % SYL]);
	out[0] = (char)(out[0] - 32);
	out[strcspn(out, " ") + 1] = (char)(out[strcspn(out, " ") + 1] - 32);
}

static int fill(sqlite3 *db, void *arg)
{
	sqlite3_stmt *c = NULL, *i = NULL, *x = NULL, *w = NULL;
	char wv[CRM_WORDS_MAX][CRM_WORD_MAX + 1];
	char name[32], phone[32];
	int err = EIO;

	(void)arg;
	if (sqlite3_prepare_v2(db, "INSERT INTO customers (id, name, tier, "
			       "created_at, updated_at) VALUES (?, ?, ?, 0, "
			       "0)", -1, &c, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO customer_identities "
			       "(customer_id, kind, value) VALUES (?, 'phone',"
			       " ?)", -1, &i, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO interactions (id, channel, "
			       "customer_id, queue, created_at, outcome) "
			       "VALUES (?, 'voice', ?, 'support', ?, "
			       "'answered')", -1, &x, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO customer_words "
			       "VALUES (?, ?)", -1, &w, NULL))
		goto out;
	for (long n = 1; n <= customers; n++) {
		person(name, sizeof(name), n);
		snprintf(phone, sizeof(phone), "+1415%07ld", n);
		sqlite3_bind_int64(c, 1, n);
		sqlite3_bind_text(c, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(c, 3, n % 50 ? "standard" : "VIP", -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(i, 1, n);
		sqlite3_bind_text(i, 2, phone, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(c) != SQLITE_DONE ||
		    sqlite3_step(i) != SQLITE_DONE)
			goto out;
		sqlite3_reset(c);
		sqlite3_reset(i);
		/* The search words, as every write path of src/crm adds. */
		for (size_t k = 0, nw = crm_words(wv, CRM_WORDS_MAX, name);
		     k < nw; k++) {
			sqlite3_bind_text(w, 1, wv[k], -1, SQLITE_STATIC);
			sqlite3_bind_int64(w, 2, n);
			if (sqlite3_step(w) != SQLITE_DONE)
				goto out;
			sqlite3_reset(w);
		}
		if (n % 5)
			continue;
		sqlite3_bind_int64(x, 1, n);
		sqlite3_bind_int64(x, 2, n);
		sqlite3_bind_int64(x, 3, 1700000000000 + n);
		if (sqlite3_step(x) != SQLITE_DONE)
			goto out;
		sqlite3_reset(x);
	}
	err = 0;
out:
	if (err)
		fprintf(stderr, "fill: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(c);
	sqlite3_finalize(i);
	sqlite3_finalize(x);
	sqlite3_finalize(w);
	return err;
}

static void report(const char *name, double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	printf("%s-p50: %.1f us\n", name, v[n / 2]);
	printf("%s-p99: %.1f us\n", name, v[n * 99 / 100]);
	printf("%s-max: %.1f us\n", name, v[n - 1]);
}

int main(int argc, char *argv[])
{
	long samples = argc > 2 ? atol(argv[2]) : 20000;
	const char *dir = argc > 3 ? argv[3] : "/tmp";
	char path[512], num[32], wal[540];
	struct store *st = NULL;
	double *lat, t0;
	uint64_t rnd = 42;
	int64_t idv[CRM_MATCH_MAX], cust;
	sqlite3 *db;
	int err, bad = 0;

	if (argc > 1)
		customers = atol(argv[1]);
	if (customers < 1 || samples < 100)
		return 2;
	cc_log_level_set(CC_LOG_WARN);
	snprintf(path, sizeof(path), "%s/bench_crm_%d.db", dir, (int)getpid());
	err = store_open(&st, path, false);
	if (err) {
		fprintf(stderr, "store_open %s: %d\n", path, err);
		return 1;
	}
	t0 = now_us();
	err = store_txn_wait(st, fill, NULL);
	if (err)
		goto out;
	printf("customers: %ld\n", customers);
	printf("fill: %.2f s\n", (now_us() - t0) / 1e6);
	/* One more commit: SQLite checkpoints the WAL after it, as a
	 * running server's steady trickle of writes does. */
	err = store_write_wait(st, "INSERT INTO crm_settings VALUES "
			       "('bench', '1')", "");
	if (err)
		goto out;
	db = store_reader(st);
	lat = calloc((size_t)samples, sizeof(*lat));
	if (!db || !lat) {
		err = ENOMEM;
		goto out;
	}
	/* Warm the reader (first statement compiles the schema). */
	(void)crm_caller_find(db, "(415) 000-0001", idv, CRM_MATCH_MAX);

	for (long s = 0; s < samples; s++) {
		long n = 1 + (long)(cc_rand_next(&rnd) % (uint64_t)customers);

		snprintf(num, sizeof(num), "(415) %03ld-%04ld", n / 10000,
			 n % 10000);
		t0 = now_us();
		if (crm_caller_find(db, num, idv, CRM_MATCH_MAX) != 1 ||
		    idv[0] != n)
			bad++;
		lat[s] = now_us() - t0;
	}
	report("lookup", lat, samples);
	for (long s = 0; s < samples; s++) {
		long n = 1 + (long)(cc_rand_next(&rnd) % (uint64_t)customers);
		char *pop;

		snprintf(num, sizeof(num), "+1415%07ld", n);
		t0 = now_us();
		pop = crm_pop_json(db, num, 0, &cust);
		lat[s] = now_us() - t0;
		if (!pop || cust != n || (n % 5 == 0 && !strstr(pop, "\"at\"")))
			bad++;
		free(pop);
	}
	report("pop", lat, samples);
	for (long s = 0; s < samples; s++) {
		snprintf(num, sizeof(num), "+1212%07ld",
			 (long)(cc_rand_next(&rnd) % 10000000));
		t0 = now_us();
		if (crm_caller_find(db, num, idv, CRM_MATCH_MAX) != 0)
			bad++;
		lat[s] = now_us() - t0;
	}
	report("miss", lat, samples);
	/* Search as typed: four letters of a last name, a whole name. */
	for (long s = 0; s < samples / 10; s++) {
		long n = 1 + (long)(cc_rand_next(&rnd) % (uint64_t)customers);
		char name[32], q[8];
		char *res;

		person(name, sizeof(name), n);
		snprintf(q, sizeof(q), "%.4s", strchr(name, ' ') + 1);
		t0 = now_us();
		res = crm_search_json(db, q, 10);
		lat[s] = now_us() - t0;
		if (!res || !strstr(res, "\"id\""))
			bad++;
		free(res);
	}
	report("search-prefix", lat, samples / 10);
	for (long s = 0; s < samples / 10; s++) {
		long n = 1 + (long)(cc_rand_next(&rnd) % (uint64_t)customers);
		char name[32];
		char *res;

		person(name, sizeof(name), n);
		t0 = now_us();
		res = crm_search_json(db, name, 10);
		lat[s] = now_us() - t0;
		if (!res || !strstr(res, name))
			bad++;
		free(res);
	}
	report("search-name", lat, samples / 10);
	printf("wrong-answers: %d\n", bad);
	free(lat);
out:
	mem_deref(st);
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s.lock", path);
	unlink(wal);
	if (err)
		fprintf(stderr, "bench_crm: error %d\n", err);
	return err || bad ? 1 : 0;
}
