/*
 * kb_search.c: searching the published articles (SQLite FTS5 table
 * kb_fts, see 050_kb.sql) and keeping that index. A query is split into
 * terms; each becomes a quoted FTS5 phrase (so nothing the agent types is
 * FTS5 syntax), a prefix query when long enough, and, when no indexed word
 * starts with it, an OR of the nearest known words from kb_terms: typo
 * tolerance by edit distance over the words that share the term's first
 * or second letter, which keeps the scan to a small slice of the word
 * list. Ranking is FTS5's bm25 with the weights set in the migration
 * (title 10, body 1, tags 4), bounded in cost (run_bounded): at most
 * RANK_CAP articles are scored per query. Snippets and titles come back
 * with the matches between 0x02 and 0x03, turned into <mark> after the
 * text around them is escaped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kb/kb.h"

enum {
	NEAR_MAX = 6,        /* alternatives per misspelt term */
	FUZZY_TERMS_MAX = 3, /* typo tolerance for queries this short */
	FUZZY_MIN = 4,       /* bytes: shorter terms are taken as typed */
	FUZZY_TWO = 8,       /* bytes: from here two edits are allowed */
	VOCAB_SCAN_MAX = 20000,
	RANK_CAP = 2000, /* matches BM25 ranks in full, see run_bounded */
};

/* --- Pure parts ---------------------------------------------------------- */

unsigned kb_edit_distance(const char *a, size_t alen, const char *b,
                          size_t blen, unsigned max, bool prefix)
{
	/* rows of the optimal string alignment matrix, a along the rows */
	unsigned rows[3][KB_TERM_MAX + 3], *pp, *p, *c, best;
	size_t i, j, bl = blen;

	if (alen > KB_TERM_MAX)
		return max + 1;
	if (prefix && bl > alen + max)
		bl = alen + max;
	if (bl > KB_TERM_MAX + 2)
		return max + 1;
	if (!prefix && (alen > bl ? alen - bl : bl - alen) > max)
		return max + 1;
	pp = rows[0], p = rows[1], c = rows[2];
	for (j = 0; j <= bl; j++)
		p[j] = (unsigned)j;
	/* column j = prefix of b of length j; with prefix set the answer is
	 * the best of the last row over the lengths allowed */
	for (i = 1; i <= alen; i++) {
		unsigned rowmin;

		c[0] = (unsigned)i;
		rowmin = c[0];
		for (j = 1; j <= bl; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = p[j - 1] + cost;

			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
		{
			unsigned *t = pp;

			pp = p, p = c, c = t;
		}
	}
	if (!prefix)
		return p[bl] > max ? max + 1 : p[bl];
	best = max + 1;
	for (j = alen > max ? alen - max : 0; j <= bl; j++)
		if (p[j] < best)
			best = p[j];
	return best;
}

unsigned kb_terms_split(const char *text, unsigned max, kb_term_h *termh,
                        void *arg)
{
	char term[KB_TERM_MAX + 1];
	unsigned count = 0;
	size_t n = 0;
	const char *s;

	if (!text)
		return 0;
	for (s = text;; s++) {
		unsigned char c = (unsigned char)*s;

		if (c && (isalnum(c) || c >= 0x80)) {
			if (n < KB_TERM_MAX)
				term[n++] = (char)tolower(c);
			continue;
		}
		if (n) {
			/* a term cut at KB_TERM_MAX loses its last, maybe
			 * partial, UTF-8 letter */
			if (n == KB_TERM_MAX &&
			    (unsigned char)term[n - 1] >= 0x80) {
				while (n && ((unsigned char)term[n - 1] &
				             0xc0) == 0x80)
					n--;
				if (n)
					n--;
			}
			term[n] = '\0';
			if (n && count < max) {
				termh(term, n, arg);
				count++;
			}
			n = 0;
		}
		if (!c)
			break;
	}
	return count;
}

/* --- Helpers ------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t n, sz;
	bool full;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->sz) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* A term as an FTS5 phrase: "term" (terms hold no quote: letters and
 * digits only), with * for a prefix query. */
static void sb_phrase(struct sbuf *b, const char *t, bool prefix)
{
	sb_str(b, "\"");
	sb_str(b, t);
	sb_str(b, prefix ? "\"*" : "\"");
}

/* Escaped text with 0x02/0x03 turned into <mark></mark>. */
static char *marked_html(const char *s)
{
	size_t n = s ? strlen(s) : 0, i, o = 0;
	char *out = malloc(n * 6 + 16);
	bool open = false;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case 0x02:
			rep = open ? "" : "<mark>";
			open = true;
			break;
		case 0x03:
			rep = open ? "</mark>" : "";
			open = false;
			break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				rep = "";
			break;
		}
		if (rep) {
			size_t l = strlen(rep);

			memcpy(out + o, rep, l);
			o += l;
		} else
			out[o++] = (char)c;
	}
	if (open) {
		memcpy(out + o, "</mark>", 7);
		o += 7;
	}
	out[o] = '\0';
	return out;
}

/* --- Typo tolerance ------------------------------------------------------ */

struct near {
	char term[KB_TERM_MAX + 1];
	unsigned dist, lendiff;
};

struct nearset {
	struct near v[NEAR_MAX];
	size_t n;
};

static void near_add(struct nearset *ns, const char *t, unsigned dist,
                     unsigned lendiff)
{
	size_t at;

	for (at = 0; at < ns->n; at++)
		if (dist < ns->v[at].dist ||
		    (dist == ns->v[at].dist && lendiff < ns->v[at].lendiff))
			break;
	if (at >= NEAR_MAX)
		return;
	if (ns->n == NEAR_MAX)
		ns->n--;
	memmove(&ns->v[at + 1], &ns->v[at], (ns->n - at) * sizeof(ns->v[0]));
	snprintf(ns->v[at].term, sizeof(ns->v[at].term), "%s", t);
	ns->v[at].dist = dist;
	ns->v[at].lendiff = lendiff;
	ns->n++;
}

/* Upper bound of the range of strings starting with prefix p (n bytes). */
static void range_end(char *out, const char *p, size_t n)
{
	memcpy(out, p, n);
	out[n] = '\0';
	while (n && (unsigned char)out[n - 1] == 0xff)
		out[--n] = '\0';
	if (n)
		out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
}

/* True when some indexed word is t (or starts with it, prefix set). */
static bool vocab_has(sqlite3 *db, const char *t, bool prefix)
{
	char hi[KB_TERM_MAX + 2];
	sqlite3_stmt *st = NULL;
	bool found = false;

	range_end(hi, t, strlen(t));
	if (sqlite3_prepare_v2(
	            db,
	            prefix ? "SELECT 1 FROM kb_terms WHERE term >= ?1"
	                     " AND term < ?2 LIMIT 1"
	                   : "SELECT 1 FROM kb_terms WHERE term = ?1",
	            -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
		if (prefix)
			sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* Known words within max edits of t, among those that start with t's
 * first or second byte (one range scan each of the word list). */
static void vocab_near(sqlite3 *db, const char *t, unsigned max, bool prefix,
                       struct nearset *ns)
{
	size_t tl = strlen(t), k;
	char lo[2], hi[3];
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db,
	                       "SELECT term FROM kb_terms WHERE term >= ?1"
	                       " AND term < ?2 LIMIT ?3",
	                       -1, &st, NULL) != SQLITE_OK)
		return;
	for (k = 0; k < 2 && k < tl; k++) {
		if (k && t[1] == t[0])
			break;
		if ((unsigned char)t[k] >= 0x80)
			continue; /* a byte inside a multi-byte letter */
		lo[0] = t[k], lo[1] = '\0';
		range_end(hi, lo, 1);
		sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, VOCAB_SCAN_MAX);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *w =
			        (const char *)sqlite3_column_text(st, 0);
			size_t wl = (size_t)sqlite3_column_bytes(st, 0);
			unsigned d;

			if (!w || wl > KB_TERM_MAX || wl + max < tl ||
			    (!prefix && wl > tl + max))
				continue;
			d = kb_edit_distance(t, tl, w, wl, max, prefix);
			if (d <= max)
				near_add(ns, w, d,
				         (unsigned)(wl > tl ? wl - tl
				                            : tl - wl));
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* --- Query building ------------------------------------------------------ */

struct terms {
	char v[KB_TERMS_MAX][KB_TERM_MAX + 1];
	unsigned n;
};

static void term_collect(const char *t, size_t len, void *arg)
{
	struct terms *ts = arg;
	unsigned i;

	for (i = 0; i < ts->n; i++)
		if (!strcmp(ts->v[i], t))
			return;
	if (ts->n < KB_TERMS_MAX) {
		memcpy(ts->v[ts->n], t, len + 1);
		ts->n++;
	}
}

/* The FTS5 expression for terms joined by op (" AND ", " OR ") into m,
 * and the same terms joined by OR into any (for the title-first stage). */
static void match_build(struct sbuf *m, struct sbuf *any, sqlite3 *db,
                        const struct terms *ts, const char *op, bool fuzzy,
                        struct kb_search_info *info, const char *tag)
{
	struct sbuf cor = {info->corrected, 0, sizeof(info->corrected), 0};
	unsigned i, used = 0;

	info->corrected[0] = '\0';
	sb_str(m, "(");
	for (i = 0; i < ts->n; i++) {
		const char *t = ts->v[i];
		size_t tl = strlen(t), from = m->n;
		bool last = i + 1 == ts->n;
		bool prefix = tl >= 3;
		struct nearset ns = {0};
		size_t k;

		/* a lone trailing letter is the start of a word not yet typed
		 */
		if (last && tl == 1 && ts->n > 1)
			continue;
		if (used++) {
			sb_str(m, op);
			sb_str(any, " OR ");
		}
		from = m->n;
		if (fuzzy && tl >= FUZZY_MIN && !vocab_has(db, t, prefix))
			vocab_near(db, t, tl >= FUZZY_TWO ? 2 : 1, prefix, &ns);
		if (!ns.n) {
			sb_phrase(m, t, prefix);
		} else {
			sb_str(m, "(");
			sb_phrase(m, t, prefix);
			for (k = 0; k < ns.n; k++) {
				sb_str(m, " OR ");
				sb_phrase(m, ns.v[k].term, false);
			}
			sb_str(m, ")");
			if (cor.n)
				sb_str(&cor, " ");
			sb_str(&cor, t);
			sb_str(&cor, ">");
			sb_str(&cor, ns.v[0].term);
		}
		if (!m->full)
			sb_add(any, m->p + from, m->n - from);
	}
	sb_str(m, ")");
	if (tag && *tag) {
		struct terms tt = {0};

		kb_terms_split(tag, 4, term_collect, &tt);
		for (i = 0; i < tt.n; i++) {
			sb_str(m, " AND tags : ");
			sb_phrase(m, tt.v[i], false);
		}
	}
}

/* --- A bounded BM25 ------------------------------------------------------ */

/*
 * kb_rank(w_title, w_body, w_tags): BM25 as FTS5's bm25() computes it
 * (k1 1.2, b 0.75, the weighted term frequency per phrase, the row's
 * length against the average) but without the inverse document
 * frequencies: bm25() finds those by reading every match of every phrase
 * in the whole table, whatever else limits the query, and that pass is
 * what makes a common word or a short prefix slow. For one-word queries
 * the order is the same; run_bounded uses it only when it ranks a
 * subset of a large match anyway.
 */
struct rank_avg {
	double avgdl;
};

static void kb_rank_fn(const Fts5ExtensionApi *x, Fts5Context *fts,
                       sqlite3_context *ctx, int nval, sqlite3_value **valv)
{
	struct rank_avg *ra = x->xGetAuxdata(fts, 0);
	double w[4] = {1, 1, 1, 0}, freq[KB_TERMS_MAX * (NEAR_MAX + 1) * 2];
	int nphrase = x->xPhraseCount(fts), ninst = 0, i, len = 0;
	double score = 0;

	for (i = 0; i < nval && i < 3; i++)
		w[i] = sqlite3_value_double(valv[i]);
	if (!ra) {
		sqlite3_int64 rows = 0, tokens = 0;

		ra = sqlite3_malloc(sizeof(*ra));
		if (!ra) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		x->xRowCount(fts, &rows);
		x->xColumnTotalSize(fts, -1, &tokens);
		ra->avgdl = rows ? (double)tokens / (double)rows : 1;
		if (ra->avgdl <= 0)
			ra->avgdl = 1;
		x->xSetAuxdata(fts, ra, sqlite3_free);
	}
	if (nphrase > (int)(sizeof(freq) / sizeof(freq[0])))
		nphrase = (int)(sizeof(freq) / sizeof(freq[0]));
	memset(freq, 0, sizeof(freq));
	x->xInstCount(fts, &ninst);
	for (i = 0; i < ninst; i++) {
		int ph, col, off;

		if (x->xInst(fts, i, &ph, &col, &off) == SQLITE_OK &&
		    ph < nphrase && col >= 0 && col < 4)
			freq[ph] += w[col];
	}
	x->xColumnSize(fts, -1, &len);
	for (i = 0; i < nphrase; i++)
		if (freq[i] > 0)
			score += freq[i] * 2.2 /
			         (freq[i] +
			          1.2 * (0.25 + 0.75 * len / ra->avgdl));
	sqlite3_result_double(ctx, -score);
}

/* Registers kb_rank on db once per connection (readers are per thread). */
static void rank_register(sqlite3 *db)
{
	static __thread sqlite3 *done;
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (done == db)
		return;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (api && api->xCreateFunction(api, "kb_rank", NULL, kb_rank_fn,
	                                NULL) == SQLITE_OK)
		done = db;
}

/* --- Running ------------------------------------------------------------- */

/* Hits handed on, each article once, at most limit. */
struct emit {
	kb_hit_h *h;
	void *arg;
	int64_t seen[KB_LIMIT_MAX];
	unsigned n, limit;
};

static int audience_bind(sqlite3_stmt *st, const struct kb_search_opts *o,
                         int i)
{
	if (o && o->audience)
		return sqlite3_bind_text(st, i, o->audience, -1, SQLITE_STATIC);
	return SQLITE_OK;
}

/* How many articles match, counting no further than cap (cheap: no
 * ranking, FTS5 stops at the limit). */
static unsigned count_upto(sqlite3 *db, const char *match,
                           const struct kb_search_opts *o, unsigned cap)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	unsigned n = 0;

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM (SELECT rowid FROM kb_fts WHERE kb_fts"
	         " MATCH ?1 %s LIMIT ?2)",
	         o && o->audience ? "AND audience = ?3" : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, (int)cap);
		audience_bind(st, o, 3);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = (unsigned)sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

/* The rowid of the nth newest matching article (0 when fewer match). */
static int64_t newest_rowid(sqlite3 *db, const char *match,
                            const struct kb_search_opts *o, unsigned nth)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	snprintf(sql, sizeof(sql),
	         "SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?1 %s ORDER BY"
	         " rowid DESC LIMIT 1 OFFSET ?2",
	         o && o->audience ? "AND audience = ?3" : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, (int)nth);
		audience_bind(st, o, 3);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return id;
}

/* Runs match ranked (rank: NULL for the table's bm25 weights), only on
 * rowids >= min_rowid when set, emitting what e has not seen. */
static int run(sqlite3 *db, const char *match, const char *rank,
               const struct kb_search_opts *o, int64_t min_rowid,
               struct emit *e)
{
	char sql[640];
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (e->n >= e->limit)
		return 0;
	snprintf(sql, sizeof(sql),
	         "SELECT rowid, title, highlight(kb_fts, 0, x'02', x'03'),"
	         " snippet(kb_fts, 1, x'02', x'03', '…', 16), tags, audience,"
	         " rank FROM kb_fts WHERE kb_fts MATCH ?1%s%s%s"
	         " ORDER BY rank LIMIT ?2",
	         o && o->audience ? " AND audience = ?3" : "",
	         rank ? " AND rank MATCH ?4" : "",
	         min_rowid ? " AND rowid >= ?5" : "");
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return EIO;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	/* room for the ones already seen */
	sqlite3_bind_int(st, 2, (int)(e->limit + e->n));
	audience_bind(st, o, 3);
	if (rank)
		sqlite3_bind_text(st, 4, rank, -1, SQLITE_STATIC);
	if (min_rowid)
		sqlite3_bind_int64(st, 5, min_rowid);
	while (e->n < e->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kb_hit h;
		char *th, *sh;
		unsigned i;

		h.id = sqlite3_column_int64(st, 0);
		for (i = 0; i < e->n && e->seen[i] != h.id; i++)
			;
		if (i < e->n)
			continue;
		th = marked_html((const char *)sqlite3_column_text(st, 2));
		sh = marked_html((const char *)sqlite3_column_text(st, 3));
		h.title = (const char *)sqlite3_column_text(st, 1);
		h.title_html = th;
		h.snippet_html = sh;
		h.tags = (const char *)sqlite3_column_text(st, 4);
		h.audience = (const char *)sqlite3_column_text(st, 5);
		h.score = sqlite3_column_double(st, 6);
		err = th && sh ? 0 : ENOMEM;
		if (!err)
			err = e->h ? e->h(&h, e->arg) : 0;
		free(th);
		free(sh);
		if (err)
			break;
		e->seen[e->n++] = h.id;
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = EIO;
	sqlite3_finalize(st);
	return err;
}

/*
 * Ranking without a bound in cost. BM25 must score every matching article
 * before the best can be picked; that is cheap up to RANK_CAP matches and
 * exact then. Beyond (a common word, a two-letter prefix), the articles
 * with a term in their title (or tags: restrict) are ranked first: with
 * the title weighing ten times the body they are the top of the BM25
 * order anyway. When even those are too many, the newest RANK_CAP of them
 * are ranked; when they are too few, the newest RANK_CAP matches fill up.
 */
static int run_bounded(sqlite3 *db, const char *match, const char *any,
                       const char *restrict_cols, const char *rank,
                       const struct kb_search_opts *o, struct emit *e)
{
	char mt[sizeof(((struct kb_search_info *)0)->match) * 2 + 64];
	int64_t thr;
	int err;

	if (count_upto(db, match, o, RANK_CAP + 1) <= RANK_CAP)
		return run(db, match, rank, o, 0, e);
	rank_register(db);
	rank = restrict_cols[1] == 't' && restrict_cols[6] == '}'
	               ? "kb_rank(10.0, 1.0, 4.0)"
	               : "kb_rank(6.0, 1.0, 12.0)";
	/* any NULL: match is an OR, restricting it to the columns is all */
	if (any)
		snprintf(mt, sizeof(mt), "%s AND %s : (%s)", match,
		         restrict_cols, any);
	else
		snprintf(mt, sizeof(mt), "%s : (%s)", restrict_cols, match);
	if (count_upto(db, mt, o, RANK_CAP + 1) > RANK_CAP) {
		thr = newest_rowid(db, mt, o, RANK_CAP - 1);
		return run(db, mt, rank, o, thr, e);
	}
	err = run(db, mt, rank, o, 0, e);
	if (err || e->n >= e->limit)
		return err;
	thr = newest_rowid(db, match, o, RANK_CAP - 1);
	return run(db, match, rank, o, thr, e);
}

int kb_search(sqlite3 *db, const char *q, const struct kb_search_opts *o,
              kb_hit_h *hith, void *arg, struct kb_search_info *info)
{
	char anybuf[sizeof(info->match)];
	struct kb_search_info tmp;
	struct terms ts = {0};
	struct emit *e;
	struct sbuf m, any;
	int err;

	if (!db)
		return EINVAL;
	if (!info)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	info->all_terms = true;
	kb_terms_split(q, KB_TERMS_MAX, term_collect, &ts);
	if (!ts.n)
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->h = hith;
	e->arg = arg;
	e->limit = o && o->limit ? o->limit : 10;
	if (e->limit > KB_LIMIT_MAX)
		e->limit = KB_LIMIT_MAX;
	m = (struct sbuf){info->match, 0, sizeof(info->match), 0};
	any = (struct sbuf){anybuf, 0, sizeof(anybuf), 0};
	match_build(&m, &any, db, &ts, " AND ", ts.n <= FUZZY_TERMS_MAX, info,
	            o ? o->tag : NULL);
	err = m.full || any.full ? EINVAL : 0;
	if (!err)
		err = run_bounded(db, info->match, anybuf, "{title}", NULL, o,
		                  e);
	if (err || e->n || ts.n < 2)
		goto out;
	/* nothing had every word: anything with some, best first */
	info->all_terms = false;
	m = (struct sbuf){info->match, 0, sizeof(info->match), 0};
	any = (struct sbuf){anybuf, 0, sizeof(anybuf), 0};
	match_build(&m, &any, db, &ts, " OR ", ts.n <= FUZZY_TERMS_MAX, info,
	            o ? o->tag : NULL);
	err = m.full || any.full ? EINVAL : 0;
	if (!err)
		err = run_bounded(db, info->match, anybuf, "{title}", NULL, o,
		                  e);
out:
	info->hits = e->n;
	free(e);
	return err;
}

/* --- Suggestions --------------------------------------------------------- */

static const char *const stopv[] = {
        "a",     "about", "all",    "also",   "am",   "an",   "and",
        "any",   "are",   "as",     "at",     "be",   "been", "but",
        "by",    "can",   "could",  "did",    "do",   "does", "for",
        "from",  "get",   "got",    "had",    "has",  "have", "hello",
        "hi",    "how",   "i",      "if",     "in",   "is",   "it",
        "its",   "just",  "me",     "my",     "no",   "not",  "of",
        "on",    "or",    "our",    "please", "so",   "that", "the",
        "their", "them",  "then",   "there",  "this", "to",   "up",
        "us",    "was",   "we",     "were",   "what", "when", "which",
        "why",   "will",  "with",   "would",  "you",  "your", "menu",
        "hours", "route", "lookup", "start",
};

static bool stopword(const char *t)
{
	size_t i;

	for (i = 0; i < sizeof(stopv) / sizeof(stopv[0]); i++)
		if (!strcmp(stopv[i], t))
			return true;
	return false;
}

struct sugg {
	struct sbuf m;
	struct terms seen;
	bool tagged; /* also match the tags column */
	unsigned used;
};

/* Length of t without a common English ending (charged, refunds,
 * billing match charge, refund, bill as prefixes). */
static size_t stem_len(const char *t, size_t len)
{
	static const char *const endv[] = {"ing", "ed", "es", "s"};
	size_t i, el;

	for (i = 0; i < sizeof(endv) / sizeof(endv[0]); i++) {
		el = strlen(endv[i]);
		if (len >= el + 4 && !strcmp(t + len - el, endv[i]))
			return len - el;
	}
	return len;
}

static void sugg_term(const char *t, size_t len, void *arg)
{
	struct sugg *s = arg;
	char stem[KB_TERM_MAX + 1];
	unsigned i;

	if (len < 2 || stopword(t) || s->used >= 24)
		return;
	for (i = 0; i < s->seen.n; i++)
		if (!strcmp(s->seen.v[i], t))
			return;
	term_collect(t, len, &s->seen);
	if (s->used++)
		sb_str(&s->m, " OR ");
	if (s->tagged) {
		sb_str(&s->m, "tags : ");
		sb_phrase(&s->m, t, false);
		sb_str(&s->m, " OR ");
	}
	/* a word as it is, or the stem of one with a common ending as a
	 * prefix (fewer phrases: each costs BM25 a pass over its matches) */
	i = (unsigned)stem_len(t, len);
	memcpy(stem, t, i);
	stem[i] = '\0';
	sb_phrase(&s->m, stem, i < len);
}

int kb_suggest(sqlite3 *db, const struct kb_suggest_in *in, unsigned limit,
               kb_hit_h *hith, void *arg, struct kb_search_info *info)
{
	struct kb_search_opts o = {NULL, NULL, limit ? limit : 5};
	struct kb_search_info tmp;
	struct sugg s;
	struct emit *e;
	int err;

	if (!db || !in)
		return EINVAL;
	if (!info)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	memset(&s, 0, sizeof(s));
	s.m = (struct sbuf){info->match, 0, sizeof(info->match), 0};
	/* the queue and the IVR choice say what the call is about: their
	 * words count in tags too; case subject and chat text in any column */
	s.tagged = true;
	kb_terms_split(in->queue, 4, sugg_term, &s);
	kb_terms_split(in->ivr, 8, sugg_term, &s);
	s.tagged = false;
	kb_terms_split(in->subject, 12, sugg_term, &s);
	kb_terms_split(in->text, 24, sugg_term, &s);
	if (!s.used)
		return 0;
	if (s.m.full)
		return EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->h = hith;
	e->arg = arg;
	e->limit = o.limit > KB_LIMIT_MAX ? KB_LIMIT_MAX : o.limit;
	info->all_terms = false;
	/* tags weigh most for suggestions: a queue's own procedures first;
	 * when too many match, those with a word in title or tags */
	err = run_bounded(db, info->match, NULL, "{title tags}",
	                  "bm25(6.0, 1.0, 12.0)", &o, e);
	info->hits = e->n;
	free(e);
	return err;
}

/* --- Index --------------------------------------------------------------- */

int kb_index_remove(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "DELETE FROM kb_fts WHERE rowid = ?1", -1,
	                        &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : EIO;
}

struct words {
	sqlite3_stmt *st;
	int rc;
};

static void word_h(const char *t, size_t len, void *arg)
{
	struct words *w = arg;

	if (w->rc != SQLITE_DONE)
		return;
	sqlite3_bind_text(w->st, 1, t, (int)len, SQLITE_STATIC);
	w->rc = sqlite3_step(w->st);
	sqlite3_reset(w->st);
}

/* Adds the words of text to kb_terms, the word list typo tolerance looks
 * in. It only grows: a word of an article withdrawn since costs nothing
 * but a useless alternative. */
static int words_add(sqlite3 *db, const char *const *textv, size_t n)
{
	struct words w = {NULL, SQLITE_DONE};
	size_t i;

	if (sqlite3_prepare_v2(db,
	                       "INSERT OR IGNORE INTO kb_terms (term) VALUES"
	                       " (?1)",
	                       -1, &w.st, NULL) != SQLITE_OK)
		return EIO;
	for (i = 0; i < n; i++)
		kb_terms_split(textv[i], UINT32_MAX, word_h, &w);
	sqlite3_finalize(w.st);
	return w.rc == SQLITE_DONE ? 0 : EIO;
}

int kb_index_put(sqlite3 *db, int64_t id, const char *title, const char *body,
                 const char *tags, const char *audience)
{
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	const char *wordv[3];
	int rc, err;

	err = kb_md_text(&text, body ? body : "", body ? strlen(body) : 0);
	if (err)
		return err;
	err = kb_index_remove(db, id);
	if (err)
		goto out;
	rc = sqlite3_prepare_v2(db,
	                        "INSERT INTO kb_fts (rowid, title, body, tags,"
	                        " audience) VALUES (?1, ?2, ?3, ?4, ?5)",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, tags ? tags : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, audience, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	err = rc == SQLITE_DONE ? 0 : EIO;
	sqlite3_finalize(st);
	wordv[0] = title, wordv[1] = text, wordv[2] = tags;
	if (!err)
		err = words_add(db, wordv, 3);
out:
	free(text);
	return err;
}
