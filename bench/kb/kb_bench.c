/*
 * bench/kb: knowledge search among 50,000 published articles, through the
 * very functions the /kb/search and /kb/suggest routes call (kb_search,
 * kb_suggest on a store reader), so the figures are the server's cost per
 * query without HTTP.
 *
 * The corpus is generated: a vocabulary of 20,000 made-up words plus a
 * few hundred contact-center words, drawn with a Zipf distribution (as
 * words in real text are), titles of 4-8 words, bodies of 80-200 words in
 * Markdown, 2-3 tags of 30. Queries, in classes that are timed apart:
 *   words:   1-3 whole words drawn the same way;
 *   typing:  every prefix of 2+ letters of a 1-2 word query, as an agent
 *            types it (the search box queries on each key);
 *   typo:    one word with one edit (typo tolerance at work);
 *   suggest: a queue, an IVR choice and a case subject.
 * Prints kb-search-p50/p99/max over all search queries, p99 per class and
 * the time to index the corpus.
 *
 * Usage: bench_kb [ARTICLES] [QUERIES_PER_CLASS]  (50000, 2000)
 * KB_BENCH_DB=FILE keeps the generated database in FILE, or reuses it when
 * it exists (to compare changes to the query side quickly).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"
#include "kb/kb.h"

enum { VOCAB = 20000, WORD_MAX = 16, TAGS = 30 };

static const char *const realv[] = {
        "password",    "reset",     "refund",    "charge",       "billing",
        "invoice",     "account",   "cancel",    "subscription", "upgrade",
        "plan",        "price",     "discount",  "verify",       "identity",
        "caller",      "customer",  "outage",    "escalate",     "delivery",
        "parcel",      "return",    "warranty",  "address",      "payment",
        "card",        "transfer",  "callback",  "complaint",    "survey",
        "contract",    "renewal",   "login",     "email",        "phone",
        "number",      "order",     "shipping",  "tracking",     "damaged",
        "replacement", "credit",    "debit",     "bank",         "direct",
        "statement",   "balance",   "overdue",   "reminder",     "holiday",
        "opening",     "hours",     "store",     "branch",       "manager",
        "policy",      "procedure", "script",    "greeting",     "closing",
        "hold",        "mute",      "queue",     "vip",          "loyalty",
        "points",      "voucher",   "promotion", "offer",        "quote",
};

static char vocab[VOCAB][WORD_MAX + 1];
static double zipf_cdf[VOCAB];
static uint64_t rng = 0x2545f4914f6cdd1dull;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this thread: what a query costs whatever else the machine
 * runs (the wall-clock figures include waiting for a core). */
static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned rnd(unsigned n)
{
	return (unsigned)(cc_rand_next(&rng) % n);
}

static void vocab_make(void)
{
	static const char *const cons = "bcdfghjklmnprstvwz";
	static const char *const vow = "aeiou";
	size_t i, nreal = sizeof(realv) / sizeof(realv[0]);
	double sum = 0;

	for (i = 0; i < VOCAB; i++) {
		/* the contact-center words at ranks 100, 140, ... 2,900:
		 * frequent, not the most frequent */
		if (i >= 100 && (i - 100) % 40 == 0 && (i - 100) / 40 < nreal) {
			snprintf(vocab[i], sizeof(vocab[i]), "%s",
			         realv[(i - 100) / 40]);
		} else {
			unsigned syl = 2 + rnd(3), k, n = 0;

			for (k = 0; k < syl; k++) {
				vocab[i][n++] = cons[rnd(18)];
				vocab[i][n++] = vow[rnd(5)];
				if (rnd(3) == 0)
					vocab[i][n++] = cons[rnd(18)];
			}
			vocab[i][n] = '\0';
		}
		sum += 1.0 / (double)(i + 1);
		zipf_cdf[i] = sum;
	}
	for (i = 0; i < VOCAB; i++)
		zipf_cdf[i] /= sum;
}

static const char *word(void)
{
	double u = cc_rand_unit(&rng);
	size_t lo = 0, hi = VOCAB - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return vocab[lo];
}

/* A word from the middle of the distribution (what agents look for is
 * rarely "the"): ranks 50-5,000. */
static const char *query_word(void)
{
	return vocab[50 + rnd(4950)];
}

struct corpus {
	unsigned from, to;
};

static int corpus_txn(sqlite3 *db, void *arg)
{
	const struct corpus *c = arg;
	char title[256], body[4096], tags[64];
	unsigned i;
	int err = 0;

	for (i = c->from; i < c->to && !err; i++) {
		unsigned k, n = 0, words = 80 + rnd(121), tw = 4 + rnd(5);

		title[0] = '\0';
		for (k = 0; k < tw; k++) {
			size_t l = strlen(title);

			snprintf(title + l, sizeof(title) - l, "%s%s",
			         k ? " " : "", word());
		}
		n = (unsigned)snprintf(body, sizeof(body), "# %s\n\n", title);
		for (k = 0; k < words && n < sizeof(body) - 64; k++) {
			const char *w = word();

			if (k % 25 == 24)
				n += (unsigned)snprintf(body + n,
				                        sizeof(body) - n,
				                        "\n\n- **%s** ", w);
			else
				n += (unsigned)snprintf(
				        body + n, sizeof(body) - n, "%s ", w);
		}
		snprintf(tags, sizeof(tags), "tag%u tag%u", rnd(TAGS),
		         rnd(TAGS));
		err = kb_index_put(db, (int64_t)i + 1, title, body, tags,
		                   rnd(5) ? "internal" : "customer");
	}
	return err;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_d);
	i = (size_t)ceil(p * (double)n) - 1;
	return v[i < n ? i : n - 1];
}

/* KB_BENCH_SLOW=MS prints the queries slower than that to stderr. */
static void slow(const char *q, double ms)
{
	static double lim = -1;

	if (lim < 0)
		lim = getenv("KB_BENCH_SLOW") ? atof(getenv("KB_BENCH_SLOW"))
		                              : 1e9;
	if (ms > lim)
		fprintf(stderr, "slow %.2f ms: %s\n", ms, q);
}

static unsigned hits;

static int hit_h(const struct kb_hit *h, void *arg)
{
	(void)h;
	(void)arg;
	hits++;
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned articles = argc > 1 ? (unsigned)atoi(argv[1]) : 50000;
	unsigned perclass = argc > 2 ? (unsigned)atoi(argv[2]) : 2000;
	static const char *const classv[] = {"words", "typing", "typo"};
	char dir[] = "/tmp/bench_kb.XXXXXX", path[64], q[128];
	struct kb_search_opts o = {NULL, NULL, 10};
	struct store *st = NULL;
	double *all, *cls, *cpu, t0, c0, build_ms, deadline;
	size_t na = 0, nc, c;
	sqlite3 *db;
	unsigned i;
	int err;

	const char *keep = getenv("KB_BENCH_DB");
	bool reuse = keep && !access(keep, F_OK);

	if (!articles || !perclass || !mkdtemp(dir))
		return 2;
	cc_log_level_set(CC_LOG_WARN);
	snprintf(path, sizeof(path), "%s/kb.db", dir);
	if (keep)
		snprintf(path, sizeof(path), "%.63s", keep);
	err = store_open(&st, path, false);
	if (err) {
		fprintf(stderr, "store_open: %s\n", strerror(err));
		return 1;
	}
	vocab_make();
	t0 = now_ms();
	for (i = 0; i < articles && !err && !reuse; i += 2000) {
		struct corpus cp = {i,
		                    i + 2000 < articles ? i + 2000 : articles};

		err = store_txn_wait(st, corpus_txn, &cp);
	}
	build_ms = now_ms() - t0;
	db = store_reader(st);
	if (err || !db) {
		fprintf(stderr, "index: %s\n", strerror(err ? err : EIO));
		goto out;
	}
	all = calloc(perclass * 4 + 64, sizeof(*all));
	cls = calloc(perclass * 4 + 64, sizeof(*cls));
	cpu = calloc(perclass * 4 + 64, sizeof(*cpu));
	if (!all || !cls || !cpu)
		goto out;
	/* warm the page cache the way a running server is */
	(void)kb_search(db, "password reset", &o, hit_h, NULL, NULL);
	printf("kb-articles: %u articles\n", articles);
	if (!reuse) {
		printf("kb-index-build: %.1f s\n", build_ms / 1000.0);
		printf("kb-index-rate: %.0f articles/s\n",
		       articles / (build_ms / 1000.0));
	}
	deadline = now_ms() + 120000;
	for (c = 0; c < 3; c++) {
		nc = 0;
		for (i = 0;
		     i < perclass && nc < perclass * 2 && now_ms() < deadline;
		     i++) {
			const char *w = query_word();
			size_t l = strlen(w), k;

			if (c == 0) {
				unsigned nw = 1 + rnd(3), k2;

				snprintf(q, sizeof(q), "%.16s", w);
				for (k2 = 1; k2 < nw; k2++) {
					size_t ql = strlen(q);

					snprintf(q + ql, sizeof(q) - ql,
					         " %.16s", query_word());
				}
			} else if (c == 1) {
				/* each key typed from the second letter;
				 * counts as several queries */
				for (k = 2; k <= l && nc < perclass * 2; k++) {
					snprintf(q, sizeof(q), "%.*s", (int)k,
					         w);
					t0 = now_ms();
					c0 = cpu_ms();
					err = kb_search(db, q, &o, hit_h, NULL,
					                NULL);
					cpu[na] = cpu_ms() - c0;
					cls[nc++] = all[na++] = now_ms() - t0;
					slow(q, all[na - 1]);
					if (err)
						goto out;
				}
				continue;
			} else {
				/* one edit: swap, drop or change a letter */
				snprintf(q, sizeof(q), "%.16s", w);
				k = 1 + rnd((unsigned)(l - 1));
				switch (rnd(3)) {
				case 0: {
					char t = q[k];

					q[k] = q[k - 1];
					q[k - 1] = t;
					break;
				}
				case 1:
					memmove(q + k, q + k + 1, l - k);
					break;
				default:
					q[k] = q[k] == 'x' ? 'y' : 'x';
					break;
				}
			}
			t0 = now_ms();
			c0 = cpu_ms();
			err = kb_search(db, q, &o, hit_h, NULL, NULL);
			cpu[na] = cpu_ms() - c0;
			cls[nc++] = all[na++] = now_ms() - t0;
			slow(q, all[na - 1]);
			if (err)
				goto out;
		}
		printf("kb-search-%s-queries: %zu\n", classv[c], nc);
		printf("kb-search-%s-p99: %.3f ms\n", classv[c],
		       pct(cls, nc, 0.99));
	}
	printf("kb-search-queries: %zu\n", na);
	printf("kb-search-p50: %.3f ms\n", pct(all, na, 0.50));
	printf("kb-search-p99: %.3f ms\n", pct(all, na, 0.99));
	printf("kb-search-max: %.3f ms\n", pct(all, na, 1.0));
	printf("kb-search-cpu-p50: %.3f ms\n", pct(cpu, na, 0.50));
	printf("kb-search-cpu-p99: %.3f ms\n", pct(cpu, na, 0.99));
	nc = 0;
	for (i = 0; i < perclass && now_ms() < deadline; i++) {
		struct kb_suggest_in in = {0};
		char subj[128];

		in.queue = i % 2 ? "sales" : "support";
		in.ivr = query_word();
		snprintf(subj, sizeof(subj), "%s %s %s", query_word(),
		         query_word(), query_word());
		in.subject = subj;
		t0 = now_ms();
		c0 = cpu_ms();
		err = kb_suggest(db, &in, 5, hit_h, NULL, NULL);
		cpu[nc] = cpu_ms() - c0;
		cls[nc++] = now_ms() - t0;
		if (err)
			goto out;
	}
	printf("kb-suggest-p50: %.3f ms\n", pct(cls, nc, 0.50));
	printf("kb-suggest-p99: %.3f ms\n", pct(cls, nc, 0.99));
	printf("kb-suggest-cpu-p99: %.3f ms\n", pct(cpu, nc, 0.99));
	printf("kb-hits-total: %u hits\n", hits);
	free(all);
	free(cls);
	free(cpu);
out:
	mem_deref(st);
	snprintf(q, sizeof(q), "%s/kb.db", dir);
	if (!keep)
		unlink(q);
	snprintf(q, sizeof(q), "%s/kb.db-wal", dir);
	unlink(q);
	snprintf(q, sizeof(q), "%s/kb.db-shm", dir);
	unlink(q);
	snprintf(q, sizeof(q), "%s/kb.db.lock", dir);
	unlink(q);
	rmdir(dir);
	return err ? 1 : 0;
}
