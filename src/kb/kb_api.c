/*
 * kb_api.c: the knowledge base's articles over the HTTP API (rows in the
 * "Knowledge base (kb)" block of src/api/api_routes.c): search and
 * suggestions, articles with their versions, publishing, feedback and the
 * owners' review list. Every saved edit of title, body or tags is a new
 * version; publishing points the article at one version and puts that
 * version in the search index, in the same transaction. Agents see only
 * what is published; writers (API_PERM_KB_WRITE) see drafts and versions;
 * publishers (API_PERM_KB_PUBLISH) publish. Every change goes to the audit
 * log. Runs on API worker threads: reads through store_reader, writes in
 * one store_txn_wait unit each (nothing half-applied).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "core/cc.h"
#include "store/store.h"
#include "kb/kb.h"
#include "kb_int.h"

/* --- Shared helpers (declared in kb_int.h) -------------------------------- */

bool kb_writer(const struct api_req *req)
{
	return api_req_can(req, API_PERM_KB_WRITE);
}

sqlite3 *kb_reader(void)
{
	return store_reader(store_main());
}

const char *kb_col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

json_t *kb_json_col(sqlite3_stmt *st, int i)
{
	const char *t = kb_col(st, i);

	return t ? json_string(t) : json_null();
}

/* One row of a query into *v through h. */
struct one {
	json_t *v;
	int (*h)(sqlite3_stmt *st, json_t **vp);
};

static int one_h(sqlite3_stmt *st, void *arg)
{
	struct one *o = arg;

	o->h(st, &o->v);
	return 1;
}

/* --- Validation ----------------------------------------------------------- */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

bool kb_date_ok(const char *s)
{
	struct tm tm;
	int y, m, d;
	char tail;

	if (!s || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	if (y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d;
	tm.tm_hour = 12;
	(void)timegm(&tm);
	return tm.tm_mday == d && tm.tm_mon == m - 1;
}

void kb_today(char out[11])
{
	time_t now = (time_t)(cc_wall_ms() / 1000);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Checks and normalises tags (lower case, letters digits - _) into a JSON
 * array text (*jsonp) and a space-separated text (*spacep), both malloc'd.
 * Replies 400 naming the field on bad input. */
static int tags_take(struct api_req *req, const json_t *tags, char **jsonp,
                     char **spacep)
{
	json_t *out = json_array();
	size_t i, sn = 0;
	json_t *t;
	char *sp = malloc(KB_TAGS_MAX * (KB_TAG_MAX + 1) + 1);

	if (!out || !sp) {
		json_decref(out);
		free(sp);
		return ENOMEM;
	}
	sp[0] = '\0';
	if (json_array_size(tags) > KB_TAGS_MAX) {
		json_decref(out);
		free(sp);
		return api_reply_error(req, 400, "invalid", "tags",
		                       "at most %d tags", KB_TAGS_MAX);
	}
	json_array_foreach(tags, i, t)
	{
		char tag[KB_TAG_MAX + 1];
		const char *s = json_string_value(t);
		size_t k, n = s ? strlen(s) : 0;
		bool dup = false;
		size_t j;
		json_t *u;

		if (!json_is_string(t) || !n || n > KB_TAG_MAX)
			goto bad;
		for (k = 0; k < n; k++) {
			unsigned char c = (unsigned char)s[k];

			if (!isalnum(c) && c != '-' && c != '_')
				goto bad;
			tag[k] = (char)tolower(c);
		}
		tag[n] = '\0';
		json_array_foreach(out, j, u)
		{
			if (!strcmp(json_string_value(u), tag))
				dup = true;
		}
		if (dup)
			continue;
		json_array_append_new(out, json_string(tag));
		sn += (size_t)sprintf(sp + sn, "%s%s", sn ? " " : "", tag);
	}
	*jsonp = json_dumps(out, JSON_COMPACT);
	*spacep = sp;
	json_decref(out);
	return *jsonp ? 0 : ENOMEM;
bad:
	json_decref(out);
	free(sp);
	return api_reply_error(req, 400, "invalid", "tags",
	                       "tags are 1-%d letters, digits, - or _",
	                       KB_TAG_MAX);
}

/* Space-separated tags of a JSON array text (malloc'd). */
static char *tags_spaced(const char *jtext)
{
	json_t *a = json_loads(jtext ? jtext : "[]", 0, NULL), *t;
	size_t i, n = 0;
	char *sp = malloc(KB_TAGS_MAX * (KB_TAG_MAX + 1) + 1);

	if (!sp) {
		json_decref(a);
		return NULL;
	}
	sp[0] = '\0';
	json_array_foreach(a, i, t)
	{
		const char *s = json_string_value(t);

		if (s && i < KB_TAGS_MAX && strlen(s) <= KB_TAG_MAX)
			n += (size_t)sprintf(sp + n, "%s%s", n ? " " : "", s);
	}
	json_decref(a);
	return sp;
}

static json_t *tags_array(const char *spaced)
{
	json_t *a = json_array();
	const char *p = spaced ? spaced : "";

	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
		while (*p == ' ')
			p++;
	}
	return a;
}

/* --- Search and suggestions ---------------------------------------------- */

static int hit_h(const struct kb_hit *h, void *arg)
{
	return json_array_append_new(
	               arg,
	               json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:f}", "id",
	                         (json_int_t)h->id, "title", h->title,
	                         "title_html", h->title_html, "snippet_html",
	                         h->snippet_html, "tags", tags_array(h->tags),
	                         "audience", h->audience, "score", h->score))
	               ? ENOMEM
	               : 0;
}

static int limit_get(unsigned *limitp, struct api_req *req, unsigned dflt)
{
	const char *l = api_req_query(req, "limit");
	char *end;
	long v;

	*limitp = dflt;
	if (!l)
		return 0;
	v = strtol(l, &end, 10);
	if (*end || v < 1 || v > KB_LIMIT_MAX)
		return api_reply_error(req, 400, "invalid", "limit",
		                       "limit is 1-%d", KB_LIMIT_MAX);
	*limitp = (unsigned)v;
	return 0;
}

static bool audience_ok(const char *a)
{
	return a && (!strcmp(a, "internal") || !strcmp(a, "customer"));
}

int kb_api_search(struct api_req *req)
{
	const char *q = api_req_query(req, "q");
	struct kb_search_opts o = {0};
	struct kb_search_info info;
	int64_t t0 = kb_now_us();
	sqlite3 *db = kb_reader();
	json_t *res, *out;
	int err;

	if (!q)
		return api_reply_error(req, 400, "missing", "q",
		                       "q (the words to search for) is "
		                       "required");
	if (strlen(q) > 500)
		return api_reply_error(req, 400, "invalid", "q",
		                       "q is at most 500 bytes");
	err = limit_get(&o.limit, req, 10);
	if (err)
		return err;
	o.audience = api_req_query(req, "audience");
	if (o.audience && !audience_ok(o.audience))
		return api_reply_error(req, 400, "invalid", "audience",
		                       "audience is internal or customer");
	o.tag = api_req_query(req, "tag");
	if (!db)
		return EIO;
	res = json_array();
	err = kb_search(db, q, &o, hit_h, res, &info);
	if (err) {
		json_decref(res);
		return err;
	}
	out = json_pack("{s:s,s:o,s:b,s:f}", "query", q, "results", res,
	                "all_terms", info.all_terms, "took_ms",
	                (double)(kb_now_us() - t0) / 1000.0);
	if (out && info.corrected[0])
		json_object_set_new(out, "corrected",
		                    json_string(info.corrected));
	return api_reply_json(req, 200, out);
}

static int subject_h(sqlite3_stmt *st, void *arg)
{
	struct sbuf_s {
		char v[1024];
	} *b = arg;
	const char *s = kb_col(st, 0);
	size_t n = strlen(b->v);

	if (s && n + strlen(s) + 2 < sizeof(b->v))
		snprintf(b->v + n, sizeof(b->v) - n, "%s%s", n ? " " : "", s);
	return 0;
}

static int table_h(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(bool *)arg = true;
	return 1;
}

int kb_api_suggest(struct api_req *req)
{
	json_t *b = api_req_body(req);
	struct kb_suggest_in in = {0};
	struct kb_search_info info;
	struct {
		char v[1024];
	} subj = {{0}};
	sqlite3 *db = kb_reader();
	json_int_t limit = json_integer_value(json_object_get(b, "limit"));
	json_int_t customer =
	        json_integer_value(json_object_get(b, "customer_id"));
	const char *s;
	bool cases = false;
	json_t *res;
	int err;

	if (json_object_get(b, "limit") && (limit < 1 || limit > 20))
		return api_reply_error(req, 400, "invalid", "limit",
		                       "limit is 1-20");
	in.queue = json_string_value(json_object_get(b, "queue"));
	in.ivr = json_string_value(json_object_get(b, "ivr"));
	in.text = json_string_value(json_object_get(b, "text"));
	s = json_string_value(json_object_get(b, "case_subject"));
	if (in.text && strlen(in.text) > 4000)
		return api_reply_error(req, 400, "invalid", "text",
		                       "text is at most 4000 bytes");
	if (!db)
		return EIO;
	if (s)
		snprintf(subj.v, sizeof(subj.v), "%.500s", s);
	/* The customer's open cases, when the CRM's tables are there. */
	if (customer > 0) {
		(void)store_query(db, table_h, &cases,
		                  "SELECT 1 FROM sqlite_master WHERE type ="
		                  " 'table' AND name = 'cases'",
		                  "");
		if (cases)
			(void)store_query(db, subject_h, &subj,
			                  "SELECT subject FROM cases WHERE"
			                  " customer_id = ?1 AND status IN"
			                  " ('new', 'open', 'pending_customer')"
			                  " ORDER BY id DESC LIMIT 3",
			                  "i", (int64_t)customer);
	}
	in.subject = subj.v[0] ? subj.v : NULL;
	res = json_array();
	err = kb_suggest(db, &in, limit ? (unsigned)limit : 5, hit_h, res,
	                 &info);
	if (err) {
		json_decref(res);
		return err;
	}
	return api_reply_json(req, 200,
	                      json_pack("{s:o,s:s?}", "results", res,
	                                "case_subject", in.subject));
}

int kb_api_preview(struct api_req *req)
{
	const char *body =
	        json_string_value(json_object_get(api_req_body(req), "body"));
	char *html = NULL;
	int err;

	if (strlen(body) > KB_BODY_MAX)
		return api_reply_error(req, 400, "invalid", "body",
		                       "body is at most %d bytes", KB_BODY_MAX);
	err = kb_md_render(&html, body, strlen(body));
	if (err)
		return err;
	err = api_reply_json(req, 200, json_pack("{s:s}", "html", html));
	free(html);
	return err;
}

/* --- Reading articles ------------------------------------------------------
 */

#define ARTICLE_COLS                                                           \
	"a.id, v.version, v.title, v.body, v.tags, a.audience, a.owner_id,"    \
	" (SELECT username FROM accounts WHERE id = a.owner_id),"              \
	" a.review_date, a.version, a.published_version, a.published_at,"      \
	" a.published_by, a.created_at, a.created_by, a.updated_at,"           \
	" v.created_at, v.created_by,"                                         \
	" (SELECT count(*) FROM kb_feedback f WHERE f.article_id = a.id AND"   \
	" f.kind = 'helpful' AND f.resolved_at IS NULL),"                      \
	" (SELECT count(*) FROM kb_feedback f WHERE f.article_id = a.id AND"   \
	" f.kind = 'outdated' AND f.resolved_at IS NULL)"

static const char *status_of(sqlite3_stmt *st)
{
	if (sqlite3_column_type(st, 10) == SQLITE_NULL)
		return "draft";
	return sqlite3_column_int64(st, 10) == sqlite3_column_int64(st, 9)
	               ? "published"
	               : "changed";
}

/* An article row (ARTICLE_COLS) as JSON; with_body adds body and html. */
static int article_row(sqlite3_stmt *st, json_t **vp, bool with_body,
                       bool markdown)
{
	json_t *tags =
	        json_loads(kb_col(st, 4) ? kb_col(st, 4) : "[]", 0, NULL);
	json_t *o = json_pack(
	        "{s:I,s:I,s:s,s:o,s:s,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:s,s:I,"
	        "s:o,s:I,s:I,s:o,s:I,s:I}",
	        "id", (json_int_t)sqlite3_column_int64(st, 0), "version",
	        (json_int_t)sqlite3_column_int64(st, 1), "title", kb_col(st, 2),
	        "tags", tags ? tags : json_array(), "audience", kb_col(st, 5),
	        "owner_id",
	        sqlite3_column_type(st, 6) == SQLITE_NULL
	                ? json_null()
	                : json_integer(sqlite3_column_int64(st, 6)),
	        "owner", kb_json_col(st, 7), "review_date", kb_json_col(st, 8),
	        "latest_version", (json_int_t)sqlite3_column_int64(st, 9),
	        "published_version",
	        sqlite3_column_type(st, 10) == SQLITE_NULL
	                ? json_null()
	                : json_integer(sqlite3_column_int64(st, 10)),
	        "published_at",
	        sqlite3_column_type(st, 11) == SQLITE_NULL
	                ? json_null()
	                : json_integer(sqlite3_column_int64(st, 11)),
	        "published_by", kb_json_col(st, 12), "status", status_of(st),
	        "created_at", (json_int_t)sqlite3_column_int64(st, 13),
	        "created_by", kb_json_col(st, 14), "updated_at",
	        (json_int_t)sqlite3_column_int64(st, 15), "version_at",
	        (json_int_t)sqlite3_column_int64(st, 16), "version_by",
	        kb_json_col(st, 17), "helpful",
	        (json_int_t)sqlite3_column_int64(st, 18), "outdated",
	        (json_int_t)sqlite3_column_int64(st, 19));

	if (o && with_body) {
		const char *md = kb_col(st, 3) ? kb_col(st, 3) : "";
		char *html = NULL;

		if (!kb_md_render(&html, md, strlen(md)))
			json_object_set_new(o, "html", json_string(html));
		free(html);
		if (markdown)
			json_object_set_new(o, "body", json_string(md));
	}
	*vp = o;
	return o ? 0 : ENOMEM;
}

static int row_full_h(sqlite3_stmt *st, json_t **vp)
{
	return article_row(st, vp, true, true);
}

static int row_reader_h(sqlite3_stmt *st, json_t **vp)
{
	return article_row(st, vp, true, false);
}

/* Article id at version (0: the published one, -1: the latest) into *vp;
 * NULL when there is none. */
static int article_load(json_t **vp, int64_t id, int64_t version, bool markdown)
{
	struct one o = {NULL, markdown ? row_full_h : row_reader_h};
	sqlite3 *db = kb_reader();
	int err;

	if (!db)
		return EIO;
	err = store_query(db, one_h, &o,
	                  "SELECT " ARTICLE_COLS " FROM kb_articles a JOIN"
	                  " kb_versions v ON v.article_id = a.id AND"
	                  " v.version = CASE ?2 WHEN 0 THEN a.published_version"
	                  " WHEN -1 THEN a.version ELSE ?2 END WHERE a.id = ?1",
	                  "ii", id, version);
	*vp = o.v;
	return err == 1 ? 0 : err;
}

int kb_api_article_get(struct api_req *req)
{
	const char *vq = api_req_query(req, "version");
	int64_t id, version = 0;
	json_t *a = NULL;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (vq && !kb_writer(req))
		return api_reply_error(req, 403, "forbidden", "version",
		                       "only writers see drafts and versions");
	if (vq && !strcmp(vq, "latest"))
		version = -1;
	else if (vq) {
		char *end;

		version = strtoll(vq, &end, 10);
		if (*end || version < 1)
			return api_reply_error(req, 400, "invalid", "version",
			                       "version is latest or a number");
	}
	err = article_load(&a, id, version, kb_writer(req));
	/* a writer asking for an unpublished article gets its draft */
	if (!err && !a && !vq && kb_writer(req))
		err = article_load(&a, id, -1, true);
	if (err)
		return err;
	if (!a)
		return api_reply_error(req, 404, "not_found", "id",
		                       "no published article %lld",
		                       (long long)id);
	return api_reply_json(req, 200, a);
}

static int list_row_h(sqlite3_stmt *st, void *arg)
{
	json_t *o = NULL;

	if (!article_row(st, &o, false, false))
		json_array_append_new(arg, o);
	return 0;
}

int kb_api_articles_get(struct api_req *req)
{
	const char *status = api_req_query(req, "status");
	const char *tag = api_req_query(req, "tag");
	const char *owner = api_req_query(req, "owner");
	const char *audience = api_req_query(req, "audience");
	char where[128] = "", sql[1400];
	sqlite3 *db = kb_reader();
	int64_t owner_id = 0;
	unsigned limit;
	json_t *res;
	int err;

	err = limit_get(&limit, req, KB_LIMIT_MAX);
	if (err)
		return err;
	if (!status)
		status = kb_writer(req) ? "all" : "published";
	if (strcmp(status, "all") && strcmp(status, "published") &&
	    strcmp(status, "draft") && strcmp(status, "changed"))
		return api_reply_error(req, 400, "invalid", "status",
		                       "status is all, published, draft or "
		                       "changed");
	if (strcmp(status, "published") && !kb_writer(req))
		return api_reply_error(req, 403, "forbidden", "status",
		                       "only writers see drafts");
	if (audience && !audience_ok(audience))
		return api_reply_error(req, 400, "invalid", "audience",
		                       "audience is internal or customer");
	if (owner) {
		char *end;

		owner_id = !strcmp(owner, "me") ? api_req_account(req)
		                                : strtoll(owner, &end, 10);
		if (strcmp(owner, "me") && (*end || owner_id < 1))
			return api_reply_error(req, 400, "invalid", "owner",
			                       "owner is me or an account id");
	}
	if (!strcmp(status, "published"))
		strcat(where, " AND a.published_version IS NOT NULL");
	else if (!strcmp(status, "draft"))
		strcat(where, " AND a.published_version IS NULL");
	else if (!strcmp(status, "changed"))
		strcat(where, " AND a.published_version <> a.version");
	if (!db)
		return EIO;
	/* agents list the published version, writers the latest */
	snprintf(sql, sizeof(sql),
	         "SELECT " ARTICLE_COLS " FROM kb_articles a"
	         " JOIN kb_versions v ON v.article_id = a.id AND v.version ="
	         " CASE WHEN ?5 THEN a.version ELSE a.published_version END"
	         " WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM"
	         " json_each(v.tags) WHERE value = lower(?1)))"
	         " AND (?2 = 0 OR a.owner_id = ?2)"
	         " AND (?3 IS NULL OR a.audience = ?3)%s"
	         " ORDER BY a.updated_at DESC, a.id DESC LIMIT ?4",
	         where);
	res = json_array();
	err = store_query(db, list_row_h, res, sql, "sisii", tag, owner_id,
	                  audience, (int64_t)limit, (int64_t)kb_writer(req));
	if (err) {
		json_decref(res);
		return err;
	}
	return api_reply_json(req, 200, res);
}

/* --- Writing articles ------------------------------------------------------
 */

struct edit {
	int64_t id;               /* article (0: create); the new id after */
	const char *title, *body; /* NULL: keep */
	char *tags_json, *tags_space; /* NULL: keep */
	const char *audience;         /* NULL: keep */
	bool owner_set, review_set;
	int64_t owner_id; /* 0: none */
	const char *review_date;
	const char *by;
	int64_t now;
	int64_t version; /* out: the version saved, 0 if none */
	const char *bad; /* out: the field refused */
};

struct latest {
	int64_t version, published;
	char *title, *body, *tags;
	char *audience;
	bool found;
};

static int latest_h(sqlite3_stmt *st, void *arg)
{
	struct latest *l = arg;

	l->found = true;
	l->version = sqlite3_column_int64(st, 0);
	l->published = sqlite3_column_int64(st, 1);
	l->title = strdup(kb_col(st, 2) ? kb_col(st, 2) : "");
	l->body = strdup(kb_col(st, 3) ? kb_col(st, 3) : "");
	l->tags = strdup(kb_col(st, 4) ? kb_col(st, 4) : "[]");
	l->audience = strdup(kb_col(st, 5) ? kb_col(st, 5) : "internal");
	return 1;
}

static void latest_free(struct latest *l)
{
	free(l->title);
	free(l->body);
	free(l->tags);
	free(l->audience);
}

/* Article id at version (0: its latest) with the article's published
 * version and audience. */
static int latest_load(sqlite3 *db, struct latest *l, int64_t id,
                       int64_t version)
{
	int err;

	memset(l, 0, sizeof(*l));
	err = store_query(db, latest_h, l,
	                  "SELECT v.version, coalesce(a.published_version, 0),"
	                  " v.title, v.body, v.tags, a.audience FROM"
	                  " kb_articles a JOIN kb_versions v ON v.article_id ="
	                  " a.id AND v.version = CASE ?2 WHEN 0 THEN a.version"
	                  " ELSE ?2 END WHERE a.id = ?1",
	                  "ii", id, version);
	if (err == 1)
		err = 0;
	if (!err &&
	    (!l->found || !l->title || !l->body || !l->tags || !l->audience))
		err = l->found ? ENOMEM : ENOENT;
	return err;
}

static int exists_h(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(bool *)arg = true;
	return 1;
}

/* Puts the published version of article id in the index again (after its
 * audience changed), or takes it out when nothing is published. */
static int reindex(sqlite3 *db, int64_t id)
{
	struct latest l, p;
	char *sp;
	int err;

	err = latest_load(db, &l, id, 0);
	if (err)
		return err;
	if (!l.published) {
		latest_free(&l);
		return kb_index_remove(db, id);
	}
	err = latest_load(db, &p, id, l.published);
	if (!err) {
		sp = tags_spaced(p.tags);
		err = sp ? kb_index_put(db, id, p.title, p.body, sp, p.audience)
		         : ENOMEM;
		free(sp);
		latest_free(&p);
	}
	latest_free(&l);
	return err;
}

static int edit_txn(sqlite3 *db, void *arg)
{
	struct edit *e = arg;
	struct latest l = {0};
	bool content, ok = false;
	int err;

	if (e->owner_set && e->owner_id) {
		err = store_query(db, exists_h, &ok,
		                  "SELECT 1 FROM accounts WHERE id = ?1", "i",
		                  e->owner_id);
		if (err && err != 1)
			return err;
		if (!ok) {
			e->bad = "owner_id";
			return EINVAL;
		}
	}
	if (!e->id) {
		err = store_exec(
		        db,
		        "INSERT INTO kb_articles (audience, owner_id,"
		        " review_date, version, created_at, created_by,"
		        " updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?4)",
		        "sisis", e->audience ? e->audience : "internal",
		        e->owner_id, e->review_date, e->now, e->by);
		if (err)
			return err;
		e->id = sqlite3_last_insert_rowid(db);
		if (!e->owner_id)
			(void)store_exec(
			        db,
			        "UPDATE kb_articles SET owner_id = NULL"
			        " WHERE id = ?1",
			        "i", e->id);
		e->version = 1;
		return store_exec(
		        db,
		        "INSERT INTO kb_versions (article_id, version,"
		        " title, body, tags, created_at, created_by)"
		        " VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)",
		        "isssis", e->id, e->title, e->body,
		        e->tags_json ? e->tags_json : "[]", e->now, e->by);
	}
	err = latest_load(db, &l, e->id, 0);
	if (err)
		goto out;
	content = (e->title && strcmp(e->title, l.title)) ||
	          (e->body && strcmp(e->body, l.body)) ||
	          (e->tags_json && strcmp(e->tags_json, l.tags));
	if (content) {
		e->version = l.version + 1;
		err = store_exec(db,
		                 "INSERT INTO kb_versions (article_id, version,"
		                 " title, body, tags, created_at, created_by)"
		                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		                 "iisssis", e->id, e->version,
		                 e->title ? e->title : l.title,
		                 e->body ? e->body : l.body,
		                 e->tags_json ? e->tags_json : l.tags, e->now,
		                 e->by);
		if (!err)
			err = store_exec(db,
			                 "UPDATE kb_articles SET version = ?2"
			                 " WHERE id = ?1",
			                 "ii", e->id, e->version);
	}
	if (!err && e->audience)
		err = store_exec(db,
		                 "UPDATE kb_articles SET audience = ?2 WHERE"
		                 " id = ?1",
		                 "is", e->id, e->audience);
	if (!err && e->owner_set)
		err = e->owner_id
		              ? store_exec(db,
		                           "UPDATE kb_articles SET owner_id ="
		                           " ?2 WHERE id = ?1",
		                           "ii", e->id, e->owner_id)
		              : store_exec(db,
		                           "UPDATE kb_articles SET owner_id ="
		                           " NULL WHERE id = ?1",
		                           "i", e->id);
	if (!err && e->review_set)
		err = store_exec(db,
		                 "UPDATE kb_articles SET review_date = ?2"
		                 " WHERE id = ?1",
		                 "is", e->id, e->review_date);
	if (!err)
		err = store_exec(db,
		                 "UPDATE kb_articles SET updated_at = ?2 WHERE"
		                 " id = ?1",
		                 "ii", e->id, e->now);
	if (!err && e->audience && strcmp(e->audience, l.audience) &&
	    l.published)
		err = reindex(db, e->id);
out:
	latest_free(&l);
	return err;
}

/* Reads the body's fields into e; replies 400 naming a bad one. */
static int edit_take(struct edit *e, struct api_req *req)
{
	json_t *b = api_req_body(req), *v;
	const char *s;

	e->title = json_string_value(json_object_get(b, "title"));
	if (e->title) {
		size_t n = strlen(e->title);
		const char *p = e->title;

		while (*p == ' ')
			p++;
		if (!*p || n > KB_TITLE_MAX || has_control(e->title))
			return api_reply_error(req, 400, "invalid", "title",
			                       "title is 1-%d characters on "
			                       "one line",
			                       KB_TITLE_MAX);
	}
	e->body = json_string_value(json_object_get(b, "body"));
	if (e->body && strlen(e->body) > KB_BODY_MAX)
		return api_reply_error(req, 400, "invalid", "body",
		                       "body is at most %d bytes of Markdown",
		                       KB_BODY_MAX);
	if ((v = json_object_get(b, "tags")) && !json_is_null(v)) {
		int err = tags_take(req, v, &e->tags_json, &e->tags_space);

		if (err)
			return err;
	}
	e->audience = json_string_value(json_object_get(b, "audience"));
	if (e->audience && !audience_ok(e->audience))
		return api_reply_error(req, 400, "invalid", "audience",
		                       "audience is internal (procedures for "
		                       "agents) or customer");
	if ((v = json_object_get(b, "owner_id"))) {
		e->owner_set = true;
		e->owner_id = json_integer_value(v);
		if (!json_is_null(v) && e->owner_id < 1)
			return api_reply_error(req, 400, "invalid", "owner_id",
			                       "owner_id is an account id");
	}
	if ((v = json_object_get(b, "review_date"))) {
		s = json_string_value(v);
		e->review_set = true;
		e->review_date = s;
		if (!json_is_null(v) && !kb_date_ok(s))
			return api_reply_error(req, 400, "invalid",
			                       "review_date",
			                       "review_date is a date "
			                       "YYYY-MM-DD");
	}
	e->by = api_req_username(req);
	e->now = cc_wall_ms();
	return 0;
}

static int edit_reply(struct api_req *req, struct edit *e, int err, int status,
                      const char *action)
{
	char obj[48];
	json_t *a = NULL;

	free(e->tags_json);
	free(e->tags_space);
	if (err == EINVAL && e->bad)
		return api_reply_error(req, 400, "invalid", e->bad,
		                       "%s names no account", e->bad);
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found", "id",
		                       "no article %lld", (long long)e->id);
	if (err)
		return err;
	snprintf(obj, sizeof(obj), "kb_article/%lld", (long long)e->id);
	api_audit(req, action, obj,
	          json_pack("{s:I,s:O}", "version", (json_int_t)e->version,
	                    "fields", api_req_body(req)));
	err = article_load(&a, e->id, -1, true);
	if (err)
		return err;
	return api_reply_json(req, status, a);
}

int kb_api_article_add(struct api_req *req)
{
	struct edit e = {0};
	int err;

	err = edit_take(&e, req);
	if (err) {
		free(e.tags_json);
		free(e.tags_space);
		return err;
	}
	if (!e.owner_set)
		e.owner_id = api_req_account(req);
	err = store_txn_wait(store_main(), edit_txn, &e);
	return edit_reply(req, &e, err, 201, "kb.article.create");
}

int kb_api_article_update(struct api_req *req)
{
	struct edit e = {0};
	int err;

	err = api_req_param_id(&e.id, req, "id");
	if (err)
		return err;
	err = edit_take(&e, req);
	if (err) {
		free(e.tags_json);
		free(e.tags_space);
		return err;
	}
	err = store_txn_wait(store_main(), edit_txn, &e);
	return edit_reply(req, &e, err, 200, "kb.article.update");
}

/* --- Publishing ------------------------------------------------------------
 */

struct pub {
	int64_t id, version; /* version 0: the latest */
	bool remove;
	const char *by;
	int64_t now;
	int64_t resolved;
};

static int publish_txn(sqlite3 *db, void *arg)
{
	struct pub *p = arg;
	struct latest l;
	char *sp;
	int err;

	err = latest_load(db, &l, p->id, p->remove ? 0 : p->version);
	if (err)
		return err;
	if (p->remove) {
		latest_free(&l);
		if (!l.published)
			return EALREADY;
		err = store_exec(db,
		                 "UPDATE kb_articles SET published_version ="
		                 " NULL, published_at = NULL, published_by ="
		                 " NULL, updated_at = ?2 WHERE id = ?1",
		                 "ii", p->id, p->now);
		return err ? err : kb_index_remove(db, p->id);
	}
	p->version = l.version;
	sp = tags_spaced(l.tags);
	err = sp ? 0 : ENOMEM;
	if (!err)
		err = store_exec(
		        db,
		        "UPDATE kb_articles SET published_version = ?2,"
		        " published_at = ?3, published_by = ?4,"
		        " updated_at = ?3 WHERE id = ?1",
		        "iiis", p->id, p->version, p->now, p->by);
	if (!err)
		err = kb_index_put(db, p->id, l.title, l.body, sp, l.audience);
	/* what readers said was outdated is answered by a newer version */
	if (!err)
		err = store_exec(db,
		                 "UPDATE kb_feedback SET resolved_at = ?3 WHERE"
		                 " article_id = ?1 AND kind = 'outdated' AND"
		                 " resolved_at IS NULL AND version < ?2",
		                 "iii", p->id, p->version, p->now);
	if (!err)
		p->resolved = sqlite3_changes(db);
	free(sp);
	latest_free(&l);
	return err;
}

static int publish(struct api_req *req, bool remove)
{
	json_t *b = api_req_body(req), *a = NULL;
	struct pub p = {0};
	char obj[48];
	int err;

	err = api_req_param_id(&p.id, req, "id");
	if (err)
		return err;
	p.remove = remove;
	p.version = json_integer_value(json_object_get(b, "version"));
	if (json_object_get(b, "version") && p.version < 1)
		return api_reply_error(req, 400, "invalid", "version",
		                       "version is a positive number");
	p.by = api_req_username(req);
	p.now = cc_wall_ms();
	err = store_txn_wait(store_main(), publish_txn, &p);
	if (err == ENOENT)
		return p.version
		               ? api_reply_error(
		                         req, 404, "not_found", "version",
		                         "article %lld has no version "
		                         "%lld",
		                         (long long)p.id, (long long)p.version)
		               : api_reply_error(req, 404, "not_found", "id",
		                                 "no article %lld",
		                                 (long long)p.id);
	if (err == EALREADY)
		return api_reply_error(req, 409, "conflict", "id",
		                       "article %lld is not published",
		                       (long long)p.id);
	if (err)
		return err;
	snprintf(obj, sizeof(obj), "kb_article/%lld", (long long)p.id);
	api_audit(
	        req, remove ? "kb.article.unpublish" : "kb.article.publish",
	        obj,
	        remove ? NULL
	               : json_pack("{s:I}", "version", (json_int_t)p.version));
	err = article_load(&a, p.id, -1, true);
	if (err)
		return err;
	if (a && !remove)
		json_object_set_new(a, "outdated_resolved",
		                    json_integer(p.resolved));
	return api_reply_json(req, 200, a);
}

int kb_api_article_publish(struct api_req *req)
{
	return publish(req, false);
}

int kb_api_article_unpublish(struct api_req *req)
{
	return publish(req, true);
}

/* --- Versions --------------------------------------------------------------
 */

static int version_row_h(sqlite3_stmt *st, void *arg)
{
	json_array_append_new(
	        arg, json_pack("{s:I,s:s,s:I,s:o,s:b}", "version",
	                       (json_int_t)sqlite3_column_int64(st, 0), "title",
	                       kb_col(st, 1), "created_at",
	                       (json_int_t)sqlite3_column_int64(st, 2),
	                       "created_by", kb_json_col(st, 3), "published",
	                       sqlite3_column_int(st, 4)));
	return 0;
}

int kb_api_versions_get(struct api_req *req)
{
	sqlite3 *db = kb_reader();
	bool found = false;
	json_t *res;
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (!db)
		return EIO;
	(void)store_query(db, exists_h, &found,
	                  "SELECT 1 FROM kb_articles WHERE id = ?1", "i", id);
	if (!found)
		return api_reply_error(req, 404, "not_found", "id",
		                       "no article %lld", (long long)id);
	res = json_array();
	err = store_query(db, version_row_h, res,
	                  "SELECT v.version, v.title, v.created_at,"
	                  " v.created_by, v.version IS a.published_version"
	                  " FROM kb_versions v JOIN kb_articles a ON a.id ="
	                  " v.article_id WHERE v.article_id = ?1"
	                  " ORDER BY v.version DESC",
	                  "i", id);
	if (err) {
		json_decref(res);
		return err;
	}
	return api_reply_json(req, 200, res);
}

int kb_api_version_get(struct api_req *req)
{
	int64_t id, version;
	json_t *a = NULL;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (!err)
		err = api_req_param_id(&version, req, "version");
	if (err)
		return err;
	err = article_load(&a, id, version, true);
	if (err)
		return err;
	if (!a)
		return api_reply_error(req, 404, "not_found", "version",
		                       "article %lld has no version %lld",
		                       (long long)id, (long long)version);
	return api_reply_json(req, 200, a);
}

/* --- Feedback and review ---------------------------------------------------
 */

struct fb {
	int64_t id, account;
	const char *username, *kind, *comment;
	int64_t now;
};

static int feedback_txn(sqlite3 *db, void *arg)
{
	struct fb *f = arg;
	struct latest l;
	int err;

	err = latest_load(db, &l, f->id, 0);
	if (err)
		return err;
	latest_free(&l);
	if (!l.published)
		return ENOENT;
	return store_exec(db,
	                  "INSERT INTO kb_feedback (article_id, version,"
	                  " account_id, username, kind, comment, at) VALUES"
	                  " (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT"
	                  " (article_id, account_id, kind) WHERE resolved_at"
	                  " IS NULL DO UPDATE SET comment = excluded.comment,"
	                  " at = excluded.at, version = excluded.version",
	                  "iiisssi", f->id, l.published, f->account,
	                  f->username, f->kind, f->comment, f->now);
}

int kb_api_feedback_add(struct api_req *req)
{
	json_t *b = api_req_body(req), *a = NULL, *out;
	struct fb f = {0};
	char obj[48];
	int err;

	err = api_req_param_id(&f.id, req, "id");
	if (err)
		return err;
	f.kind = json_string_value(json_object_get(b, "kind"));
	f.comment = json_string_value(json_object_get(b, "comment"));
	if (!f.comment)
		f.comment = "";
	if (strcmp(f.kind, "helpful") && strcmp(f.kind, "outdated"))
		return api_reply_error(req, 400, "invalid", "kind",
		                       "kind is helpful or outdated");
	if (strlen(f.comment) > 2000)
		return api_reply_error(req, 400, "invalid", "comment",
		                       "comment is at most 2000 bytes");
	f.account = api_req_account(req);
	f.username = api_req_username(req);
	f.now = cc_wall_ms();
	err = store_txn_wait(store_main(), feedback_txn, &f);
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found", "id",
		                       "no published article %lld",
		                       (long long)f.id);
	if (err)
		return err;
	snprintf(obj, sizeof(obj), "kb_article/%lld", (long long)f.id);
	api_audit(req, "kb.feedback", obj,
	          json_pack("{s:s,s:s}", "kind", f.kind, "comment", f.comment));
	err = article_load(&a, f.id, 0, false);
	if (err)
		return err;
	out = json_pack("{s:I,s:s,s:O,s:O}", "article_id", (json_int_t)f.id,
	                "kind", f.kind, "helpful",
	                json_object_get(a, "helpful"), "outdated",
	                json_object_get(a, "outdated"));
	json_decref(a);
	return api_reply_json(req, 201, out);
}

static int flag_h(sqlite3_stmt *st, void *arg)
{
	json_array_append_new(
	        arg,
	        json_pack("{s:o,s:s,s:I,s:I}", "username", kb_json_col(st, 0),
	                  "comment", kb_col(st, 1), "at",
	                  (json_int_t)sqlite3_column_int64(st, 2), "version",
	                  (json_int_t)sqlite3_column_int64(st, 3)));
	return 0;
}

struct review {
	json_t *list;
	sqlite3 *db;
};

static int review_h(sqlite3_stmt *st, void *arg)
{
	struct review *r = arg;
	int64_t id = sqlite3_column_int64(st, 0);
	json_t *flags = json_array();

	(void)store_query(r->db, flag_h, flags,
	                  "SELECT username, comment, at, version FROM"
	                  " kb_feedback WHERE article_id = ?1 AND kind ="
	                  " 'outdated' AND resolved_at IS NULL ORDER BY at",
	                  "i", id);
	json_array_append_new(
	        r->list,
	        json_pack("{s:I,s:s,s:o,s:o,s:o,s:b,s:o,s:o}", "id",
	                  (json_int_t)id, "title", kb_col(st, 1), "owner_id",
	                  sqlite3_column_type(st, 2) == SQLITE_NULL
	                          ? json_null()
	                          : json_integer(sqlite3_column_int64(st, 2)),
	                  "owner", kb_json_col(st, 3), "review_date",
	                  kb_json_col(st, 4), "review_due",
	                  sqlite3_column_int(st, 5), "published_version",
	                  sqlite3_column_type(st, 6) == SQLITE_NULL
	                          ? json_null()
	                          : json_integer(sqlite3_column_int64(st, 6)),
	                  "outdated", flags));
	return 0;
}

int kb_api_review_get(struct api_req *req)
{
	const char *owner = api_req_query(req, "owner");
	struct review r = {json_array(), kb_reader()};
	int64_t owner_id = api_req_account(req);
	char today[11];
	int err;

	if (owner && !strcmp(owner, "all"))
		owner_id = 0;
	else if (owner && strcmp(owner, "me")) {
		char *end;

		owner_id = strtoll(owner, &end, 10);
		if (*end || owner_id < 1) {
			json_decref(r.list);
			return api_reply_error(req, 400, "invalid", "owner",
			                       "owner is me, all or an account "
			                       "id");
		}
	}
	if (!r.db) {
		json_decref(r.list);
		return EIO;
	}
	kb_today(today);
	err = store_query(r.db, review_h, &r,
	                  "SELECT a.id, v.title, a.owner_id, (SELECT username"
	                  " FROM accounts WHERE id = a.owner_id),"
	                  " a.review_date, coalesce(a.review_date <= ?2, 0),"
	                  " a.published_version FROM kb_articles a JOIN"
	                  " kb_versions v ON v.article_id = a.id AND v.version"
	                  " = a.version WHERE (?1 = 0 OR a.owner_id = ?1) AND"
	                  " (a.review_date <= ?2 OR EXISTS (SELECT 1 FROM"
	                  " kb_feedback f WHERE f.article_id = a.id AND"
	                  " f.kind = 'outdated' AND f.resolved_at IS NULL))"
	                  " ORDER BY a.review_date IS NULL, a.review_date,"
	                  " a.id",
	                  "is", owner_id, today);
	if (err) {
		json_decref(r.list);
		return err;
	}
	return api_reply_json(req, 200, r.list);
}

struct reviewed {
	int64_t id, now, resolved;
	const char *review_date;
};

static int reviewed_txn(sqlite3 *db, void *arg)
{
	struct reviewed *r = arg;
	bool found = false;
	int err;

	err = store_query(db, exists_h, &found,
	                  "SELECT 1 FROM kb_articles WHERE id = ?1", "i",
	                  r->id);
	if (err && err != 1)
		return err;
	if (!found)
		return ENOENT;
	err = store_exec(db,
	                 "UPDATE kb_feedback SET resolved_at = ?2 WHERE"
	                 " article_id = ?1 AND kind = 'outdated' AND"
	                 " resolved_at IS NULL",
	                 "ii", r->id, r->now);
	if (err)
		return err;
	r->resolved = sqlite3_changes(db);
	return store_exec(db,
	                  "UPDATE kb_articles SET review_date = ?2,"
	                  " updated_at = ?3 WHERE id = ?1",
	                  "isi", r->id, r->review_date, r->now);
}

int kb_api_article_reviewed(struct api_req *req)
{
	json_t *b = api_req_body(req);
	struct reviewed r = {0};
	char obj[48];
	int err;

	err = api_req_param_id(&r.id, req, "id");
	if (err)
		return err;
	r.review_date = json_string_value(json_object_get(b, "review_date"));
	if (!kb_date_ok(r.review_date))
		return api_reply_error(req, 400, "invalid", "review_date",
		                       "review_date (the next review) is a "
		                       "date YYYY-MM-DD");
	r.now = cc_wall_ms();
	err = store_txn_wait(store_main(), reviewed_txn, &r);
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found", "id",
		                       "no article %lld", (long long)r.id);
	if (err)
		return err;
	snprintf(obj, sizeof(obj), "kb_article/%lld", (long long)r.id);
	api_audit(req, "kb.article.reviewed", obj,
	          json_pack("{s:s,s:I}", "review_date", r.review_date,
	                    "outdated_resolved", (json_int_t)r.resolved));
	return api_reply_json(req, 200,
	                      json_pack("{s:I,s:s,s:I}", "id", (json_int_t)r.id,
	                                "review_date", r.review_date,
	                                "outdated_resolved",
	                                (json_int_t)r.resolved));
}

/* --- Routes ------------------------------------------------------------- */

/* The kb module's HTTP routes (search, suggestions, articles, versions, reviews, feedback and mail-outs): registered by main with
 * api_routes_register(), served and documented by the api module. */
const struct api_route kb_routev[] = {
	{"GET", API_V1 "/kb/search", API_PERM_KB_READ, 0, kb_api_search,
	 "Search the published articles (BM25, title over body; prefix "
	 "matching as one types; typo tolerance for short queries): titles "
	 "and snippets with the matches in <mark>", NULL,
	 "q:string!, limit:integer, audience, tag"},
	{"POST", API_V1 "/kb/suggest", API_PERM_KB_READ, 0, kb_api_suggest,
	 "Articles for a task: its queue, the caller's IVR choice, the "
	 "customer's open case (case_subject, or customer_id's open cases) "
	 "and chat text", "queue:string, ivr:string, case_subject:string, "
	 "customer_id:integer, text:string, limit:integer", NULL},
	{"POST", API_V1 "/kb/preview", API_PERM_KB_WRITE, 0, kb_api_preview,
	 "Render Markdown as an article would be shown (sanitised HTML)",
	 "body:string!", NULL},
	{"GET", API_V1 "/kb/articles", API_PERM_KB_READ, 0, kb_api_articles_get,
	 "Articles, newest change first (agents: published ones; writers "
	 "also drafts: status all, published, draft, changed)", NULL,
	 "status, tag, owner, audience, limit:integer"},
	{"POST", API_V1 "/kb/articles", API_PERM_KB_WRITE, 0,
	 kb_api_article_add,
	 "Create an article (version 1, a draft until published)",
	 "title:string!, body:string!, tags:array, audience:string, "
	 "owner_id:integer, review_date:string", NULL},
	{"GET", API_V1 "/kb/articles/{id}", API_PERM_KB_READ, 0,
	 kb_api_article_get,
	 "One article as published, body rendered to safe HTML (writers: "
	 "?version=latest or N, and the Markdown)", NULL, "version"},
	{"PATCH", API_V1 "/kb/articles/{id}", API_PERM_KB_WRITE, 0,
	 kb_api_article_update,
	 "Edit an article: a change of title, body or tags saves the next "
	 "version (the published one stays until published again)",
	 "title:string, body:string, tags:array, audience:string, "
	 "owner_id:integer, review_date:string", NULL},
	{"POST", API_V1 "/kb/articles/{id}/publish", API_PERM_KB_PUBLISH, 0,
	 kb_api_article_publish,
	 "Publish the latest version (or the one named): agents see and "
	 "find it; outdated marks on older versions are resolved",
	 "version:integer", NULL},
	{"POST", API_V1 "/kb/articles/{id}/unpublish", API_PERM_KB_PUBLISH, 0,
	 kb_api_article_unpublish,
	 "Withdraw an article from agents and search", NULL, NULL},
	{"GET", API_V1 "/kb/articles/{id}/versions", API_PERM_KB_WRITE, 0,
	 kb_api_versions_get, "An article's versions, newest first", NULL,
	 NULL},
	{"GET", API_V1 "/kb/articles/{id}/versions/{version}",
	 API_PERM_KB_WRITE, 0,
	 kb_api_version_get, "One version of an article", NULL, NULL},
	{"POST", API_V1 "/kb/articles/{id}/feedback", API_PERM_KB_READ, 0,
	 kb_api_feedback_add,
	 "Mark a published article helpful or outdated (outdated goes to "
	 "its owner's review list)", "kind:string!, comment:string", NULL},
	{"GET", API_V1 "/kb/review", API_PERM_KB_WRITE, 0, kb_api_review_get,
	 "Articles to review: marked outdated or past their review date "
	 "(owner me, all or an account id)", NULL, "owner"},
	{"POST", API_V1 "/kb/articles/{id}/reviewed", API_PERM_KB_WRITE, 0,
	 kb_api_article_reviewed,
	 "Record a review: resolves the outdated marks, sets the next "
	 "review date", "review_date:string!", NULL},
	{"POST", API_V1 "/kb/mailouts", API_PERM_KB_PUBLISH, 0,
	 kb_api_mailout_add,
	 "Push a published article to agents as a required read (one of "
	 "queue, agents or all)", "article_id:integer!, queue:string, "
	 "agents:array, all:boolean, note:string", NULL},
	{"GET", API_V1 "/kb/mailouts", API_PERM_KB_WRITE, 0,
	 kb_api_mailouts_get,
	 "Mail-outs with how many have read them", NULL, NULL},
	{"GET", API_V1 "/kb/mailouts/{id}", API_PERM_KB_WRITE, 0,
	 kb_api_mailout_get,
	 "One mail-out: who has and has not read it", NULL, NULL},
	{"GET", API_V1 "/kb/required", API_PERM_KB_READ, 0, kb_api_required_get,
	 "The logged-in agent's required reads not yet acknowledged", NULL,
	 NULL},
	{"POST", API_V1 "/kb/mailouts/{id}/ack", API_PERM_KB_READ, 0,
	 kb_api_mailout_ack,
	 "Acknowledge a required read (the agent it was sent to)", NULL,
	 NULL},
	API_ROUTES_END,
};
