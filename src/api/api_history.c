/*
 * Routes over the center's durable record: interaction history with
 * filters (JSON or CSV), one interaction's details with its events
 * timeline, and the 15-minute intervals of a day per queue (interval_stats)
 * and per agent (derived from agent_state_history and the interaction
 * events, the same record the center writes as things happen).
 *
 * Who sees what: an agent sees only interactions they handled or were
 * offered (history_read granted on their own, api_perm.c); asking for
 * another agent's gets 403. The other roles see all.
 * Figures (service level, ASA, AHT, abandonment) are computed by the ACD's
 * acd_figures_compute(), the one definition of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "acd/acd.h"
#include "core/cc.h"
#include "store/store.h"
#include "api_handlers.h"
#include "api_int.h"
#include "api_live.h"

enum {
	LIST_MAX = 1000,      /* JSON page size limit */
	CSV_MAX = 100000,     /* rows in one CSV export */
	DAY_MS = 86400000,
	IV_MS = ACD_INTERVAL_MS,
	IV_PER_DAY = DAY_MS / IV_MS,
};

/* --- Parsing query arguments -------------------------------------------- */

/* A time: milliseconds since the epoch, a UTC date YYYY-MM-DD, or a UTC
 * time YYYY-MM-DDTHH:MM[:SS]Z. */
static bool time_parse(int64_t *msp, const char *s)
{
	struct tm tm;
	char *end;
	long long v;
	int n = 0;

	if (!s || !*s)
		return false;
	if (strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || *end || strlen(s) > 15)
			return false;
		*msp = v;
		return true;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &n) != 3 || n != 10)
		return false;
	if (s[10]) {
		int m = 0;

		tm.tm_sec = 0;
		if ((s[10] != 'T' && s[10] != ' ') ||
		    sscanf(s + 11, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min,
			   &m) != 2 || m != 5)
			return false;
		s += 16;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &tm.tm_sec, &m) != 1 ||
			    m != 2)
				return false;
			s += 3;
		}
		if (strcmp(s, "Z") || tm.tm_hour > 23 || tm.tm_min > 59 ||
		    tm.tm_sec > 59)
			return false;
	}
	if (tm.tm_year < 1970 || tm.tm_year > 9999 || tm.tm_mon < 1 ||
	    tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return false;
	{
		int d = tm.tm_mday, mo = tm.tm_mon, y = tm.tm_year;

		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		*msp = (int64_t)timegm(&tm) * 1000;
		/* timegm normalises 31 February into March: refuse it. */
		if (tm.tm_mday != d || tm.tm_mon != mo - 1 ||
		    tm.tm_year != y - 1900)
			return false;
	}
	return true;
}

static bool token_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n > max)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

static bool int_arg(int64_t *vp, const char *s, int64_t min, int64_t max)
{
	char *end;
	long long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*vp = v;
	return true;
}

static const char *const channelv[] = {
	"voice", "chat", "email", "message", "callback", "outbound",
	"voicemail", NULL, /* voicemail: a message left in an IVR flow */
};

static bool channel_ok(const char *s)
{
	for (size_t i = 0; channelv[i]; i++)
		if (!strcmp(channelv[i], s))
			return true;
	return false;
}

/* The caller wants CSV: ?format=csv or Accept: text/csv. */
static bool wants_csv(const struct api_req *req, int *errp)
{
	const char *f = api_req_query(req, "format");

	*errp = 0;
	if (f) {
		if (!strcmp(f, "csv"))
			return true;
		if (strcmp(f, "json"))
			*errp = EINVAL;
		return false;
	}
	return strstr(req->accept, "text/csv") != NULL;
}

/* --- The list ------------------------------------------------------------ */

/* A WHERE clause under construction; values bound in order. */
struct where {
	char sql[1024];
	size_t len;
	char types[16];
	size_t n;
	const char *tv[16];
	int64_t iv[16];
};

/* Adds cond, whose `uses` placeholders all take the same value. */
static void where_add(struct where *w, const char *cond, char type,
		      const char *t, int64_t i, unsigned uses)
{
	int r = snprintf(w->sql + w->len, sizeof(w->sql) - w->len, " AND %s",
			 cond);

	if (r > 0 && (size_t)r < sizeof(w->sql) - w->len)
		w->len += (size_t)r;
	while (uses-- && w->n < sizeof(w->types) - 1) {
		w->types[w->n] = type;
		w->tv[w->n] = t;
		w->iv[w->n] = i;
		w->n++;
		w->types[w->n] = '\0';
	}
}

static int where_bind(sqlite3_stmt *st, const struct where *w, int first)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < w->n && rc == SQLITE_OK; i++) {
		int k = first + (int)i;

		if (w->types[i] == 'i')
			rc = sqlite3_bind_int64(st, k, w->iv[i]);
		else
			rc = sqlite3_bind_text(st, k, w->tv[i], -1,
					       SQLITE_TRANSIENT);
	}
	return rc == SQLITE_OK ? 0 : EINVAL;
}

/* The columns a list row has, in CSV order. */
#define LIST_COLS                                                            \
	"i.id, i.channel, i.direction, i.state, i.from_addr AS caller, "      \
	"i.to_addr AS dialled, i.customer_id, i.queue, i.agent_id, "          \
	"i.created_at AS started_at, i.answered_at, i.ended_at, "             \
	"i.wait_ms, i.talk_ms, i.hold_ms, i.wrapup_ms, i.outcome, "           \
	"i.hung_up_by, coalesce(n.disposition, i.disposition) AS disposition"

static const char *const csv_head[] = {
	"id", "channel", "direction", "state", "caller", "dialled",
	"customer_id", "queue", "agent_id", "started_at", "answered_at",
	"ended_at", "wait_ms", "talk_ms", "hold_ms", "wrapup_ms", "outcome",
	"hung_up_by", "disposition",
};

/* The agent's own interactions: handled, or offered to them. */
#define OWN_COND                                                             \
	"(i.agent_id = ? OR EXISTS (SELECT 1 FROM interaction_events e "     \
	"WHERE e.interaction_id = i.id AND e.agent_id = ? AND e.type IN "    \
	"('offered', 'answered')))"

/* Adds seconds next to the ms figures (the pages show them). */
static void row_decorate(json_t *r)
{
	static const char *const ms[] = {"wait", "talk", "hold", "wrapup"};
	char k[16];

	for (size_t i = 0; i < sizeof(ms) / sizeof(*ms); i++) {
		json_t *v;

		snprintf(k, sizeof(k), "%s_ms", ms[i]);
		v = json_object_get(r, k);
		snprintf(k, sizeof(k), "%s_s", ms[i]);
		json_object_set_new(r, k, json_is_integer(v) ?
				    json_real((double)json_integer_value(v) /
					      1000.0) : json_null());
	}
}

static int list_csv(struct api_req *req, sqlite3_stmt *st)
{
	char *buf = NULL, num[32], *p;
	size_t len = 0, cap = 0, i;
	int ncol = sqlite3_column_count(st), err = 0, rc;

	for (i = 0; !err && i < sizeof(csv_head) / sizeof(*csv_head); i++)
		err = api_csv_field(&buf, &len, &cap, csv_head[i],
				    i + 1 == sizeof(csv_head) / sizeof(*csv_head));
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; !err && c < ncol; c++) {
			const char *v;

			if (sqlite3_column_type(st, c) == SQLITE_INTEGER) {
				snprintf(num, sizeof(num), "%lld",
					 (long long)sqlite3_column_int64(st,
									 c));
				v = num;
			}
			else
				v = (const char *)sqlite3_column_text(st, c);
			err = api_csv_field(&buf, &len, &cap, v, c + 1 == ncol);
		}
	}
	sqlite3_finalize(st);
	if (!err) {
		p = buf ? buf : (char *)"";
		api_reply_header(req, "Content-Disposition",
				 "attachment; filename=\"interactions.csv\"");
		err = api_reply_data(req, 200, "text/csv; charset=utf-8", p,
				     len);
	}
	free(buf);
	return err;
}

int api_route_interactions_get(struct api_req *req)
{
	struct where w;
	const char *s;
	int64_t v, limit = 100, agent = 0;
	sqlite3_stmt *st = NULL;
	char sql[2048];
	bool csv;
	json_t *rows;
	size_t i;
	json_t *r;
	int err;

	memset(&w, 0, sizeof(w));
	csv = wants_csv(req, &err);
	if (err)
		return api_reply_error(req, 400, "invalid", "format",
				       "format must be json or csv");
	if ((s = api_req_query(req, "from"))) {
		if (!time_parse(&v, s))
			return api_reply_error(req, 400, "invalid", "from",
					       "from must be ms since the "
					       "epoch, YYYY-MM-DD or "
					       "YYYY-MM-DDTHH:MM:SSZ");
		where_add(&w, "i.created_at >= ?", 'i', NULL, v, 1);
	}
	if ((s = api_req_query(req, "to"))) {
		if (!time_parse(&v, s))
			return api_reply_error(req, 400, "invalid", "to",
					       "to must be ms since the "
					       "epoch, YYYY-MM-DD or "
					       "YYYY-MM-DDTHH:MM:SSZ");
		where_add(&w, "i.created_at < ?", 'i', NULL, v, 1);
	}
	if ((s = api_req_query(req, "queue"))) {
		if (!token_ok(s, 40))
			return api_reply_error(req, 400, "invalid", "queue",
					       "queue must be a queue name");
		where_add(&w, "i.queue = ?", 's', s, 0, 1);
	}
	if ((s = api_req_query(req, "channel"))) {
		if (!channel_ok(s))
			return api_reply_error(req, 400, "invalid", "channel",
					       "channel must be voice, chat, "
					       "email, message, callback or "
					       "outbound");
		where_add(&w, "i.channel = ?", 's', s, 0, 1);
	}
	if ((s = api_req_query(req, "outcome"))) {
		if (!token_ok(s, 20))
			return api_reply_error(req, 400, "invalid", "outcome",
					       "outcome must be answered, "
					       "abandoned, overflowed, ...");
		where_add(&w, "i.outcome = ?", 's', s, 0, 1);
	}
	if ((s = api_req_query(req, "number"))) {
		size_t n = strlen(s);

		/* Digits and + * # only: no LIKE wildcards from outside. */
		if (!n || n > 32 || strspn(s, "0123456789+*#") != n)
			return api_reply_error(req, 400, "invalid", "number",
					       "number must be 1 to 32 of "
					       "0-9 + * #");
		where_add(&w,
		          "(i.from_addr LIKE '%' || ? || '%' OR "
		          "i.to_addr LIKE '%' || ? || '%')",
		          's', s, 0, 2);
	}
	if ((s = api_req_query(req, "agent"))) {
		if (!int_arg(&agent, s, 1, INT64_MAX))
			return api_reply_error(req, 400, "invalid", "agent",
					       "agent must be an agent id");
	}
	if ((s = api_req_query(req, "before"))) {
		if (!int_arg(&v, s, 1, INT64_MAX))
			return api_reply_error(req, 400, "invalid", "before",
					       "before must be an interaction "
					       "id");
		where_add(&w, "i.id < ?", 'i', NULL, v, 1);
	}
	if ((s = api_req_query(req, "limit"))) {
		if (!int_arg(&limit, s, 1, csv ? CSV_MAX : LIST_MAX))
			return api_reply_error(req, 400, "invalid", "limit",
					       "limit must be 1 to %d",
					       csv ? CSV_MAX : LIST_MAX);
	}
	else if (csv)
		limit = CSV_MAX;

	if (api_req_scope_agent(req)) {
		int64_t me = api_req_scope_agent(req);

		if (me < 0 || (agent && agent != me))
			return api_reply_error(req, 403, "forbidden", "agent",
					       "agents see only their own "
					       "interactions");
		where_add(&w, OWN_COND, 'i', NULL, me, 2);
	}
	else if (agent)
		where_add(&w, "i.agent_id = ?", 'i', NULL, agent, 1);

	snprintf(sql, sizeof(sql), "SELECT " LIST_COLS " FROM interactions i "
		 "LEFT JOIN interaction_notes n ON n.interaction_id = i.id "
		 "WHERE 1%s ORDER BY i.created_at DESC, i.id DESC LIMIT ?",
		 w.sql);
	err = store_prepare(&st, store_reader(store_main()), sql, NULL);
	if (err)
		return err;
	err = where_bind(st, &w, 1);
	if (!err && sqlite3_bind_int64(st, (int)w.n + 1, limit) != SQLITE_OK)
		err = EINVAL;
	if (err) {
		sqlite3_finalize(st);
		return err;
	}
	if (csv)
		return list_csv(req, st);
	rows = api_rows_json(st);
	json_array_foreach(rows, i, r)
		row_decorate(r);
	return api_reply_json(req, 200, rows);
}

/* --- One interaction ----------------------------------------------------- */

/* Replaces a member holding JSON text by the parsed value (kept as text
 * when it does not parse). */
static void json_member_parse(json_t *o, const char *key)
{
	const char *t = json_string_value(json_object_get(o, key));
	json_t *v;

	if (!t)
		return;
	v = json_loads(t, JSON_DECODE_ANY, NULL);
	if (v)
		json_object_set_new(o, key, v);
}

int api_route_interaction_get(struct api_req *req)
{
	sqlite3_stmt *st;
	json_t *rows, *ix, *ev;
	const char *caller;
	int64_t id, cust;
	size_t i;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT " LIST_COLS ", coalesce(n.notes, "
	                    "i.notes, '') AS notes, i.ivr_path, i.attributes, "
	                    "i.priority, i.offered_at, i.entered_queue_at, "
	                    "i.wrapup_end_at, i.call_id, i.recording "
	                    "FROM interactions i LEFT JOIN interaction_notes n "
	                    "ON n.interaction_id = i.id WHERE i.id = ?",
	                    "i", id);
	if (err)
		return err;
	rows = api_rows_json(st);
	ix = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!ix)
		return api_reply_error(req, 404, "not_found", "id",
				       "no interaction %lld", (long long)id);
	row_decorate(ix);
	json_member_parse(ix, "ivr_path");
	json_member_parse(ix, "attributes");

	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT at, type, agent_id, queue, detail "
	                    "FROM interaction_events WHERE interaction_id = ? "
	                    "ORDER BY id",
	                    "i", id);
	if (err) {
		json_decref(ix);
		return err;
	}
	rows = api_rows_json(st);
	json_array_foreach(rows, i, ev)
		json_member_parse(ev, "detail");
	json_object_set_new(ix, "events", rows);

	/* The customer's previous contacts (by customer, else by number). */
	cust = json_integer_value(json_object_get(ix, "customer_id"));
	caller = json_string_value(json_object_get(ix, "caller"));
	if (cust)
		err = store_prepare(
		        &st, store_reader(store_main()),
		        "SELECT i.id, i.channel, i.created_at"
		        " AS started_at, i.queue, i.agent_id, "
		        "i.outcome, coalesce(n.disposition, "
		        "i.disposition) AS disposition FROM "
		        "interactions i LEFT JOIN interaction_notes "
		        "n ON n.interaction_id = i.id WHERE "
		        "i.customer_id = ? AND i.id <> ? ORDER BY "
		        "i.created_at DESC LIMIT 10",
		        "ii", cust, id);
	else
		err = store_prepare(
		        &st, store_reader(store_main()),
		        "SELECT i.id, i.channel, i.created_at"
		        " AS started_at, i.queue, i.agent_id, "
		        "i.outcome, coalesce(n.disposition, "
		        "i.disposition) AS disposition FROM "
		        "interactions i LEFT JOIN interaction_notes "
		        "n ON n.interaction_id = i.id WHERE "
		        "i.from_addr = ? AND i.id <> ? ORDER BY "
		        "i.created_at DESC LIMIT 10",
		        "si", caller ? caller : "", id);
	json_object_set_new(ix, "previous",
	                    err ? json_array() : api_rows_json(st));
	return api_reply_json(req, 200, ix);
}

/* --- Intervals of a day -------------------------------------------------- */

/* A queue's interval: counts from interval_stats plus, for the running
 * interval, what the ACD counted so far (written when it ends). */
struct queue_iv {
	char queue[48];
	int64_t start;
	struct acd_counts c;
	int64_t handle_ms;
};

static json_t *queue_iv_json(const struct queue_iv *v)
{
	const struct acd_counts *c = &v->c;
	struct acd_figures f;
	json_t *o;

	acd_figures_compute(&f, c);
	o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
		      "s:I}",
		      "queue", v->queue, "start", (json_int_t)v->start,
		      "offered", (json_int_t)c->offered,
		      "answered", (json_int_t)c->answered,
		      "abandoned", (json_int_t)c->abandoned,
		      "short_abandoned", (json_int_t)c->short_abandoned,
		      "answered_in_sl", (json_int_t)c->answered_in_sl,
		      "overflowed", (json_int_t)c->overflowed,
		      "wait_ms_sum", (json_int_t)c->wait_ms_sum,
		      "handle_ms_sum", (json_int_t)v->handle_ms,
		      "talk_ms_sum", (json_int_t)c->talk_ms_sum,
		      "hold_ms_sum", (json_int_t)c->hold_ms_sum,
		      "wrapup_ms_sum", (json_int_t)c->wrapup_ms_sum);
	if (!o)
		return NULL;
	json_object_set_new(o, "sl_pct", f.sl_pct < 0 ? json_null()
						       : json_real(f.sl_pct));
	json_object_set_new(o, "asa_s", f.asa_ms < 0 ? json_null()
						     : json_real(f.asa_ms /
								 1000));
	json_object_set_new(o, "aht_s", f.aht_ms < 0 ? json_null()
						     : json_real(f.aht_ms /
								 1000));
	json_object_set_new(o, "abandon_pct",
			    f.abandon_pct < 0 ? json_null()
					      : json_real(f.abandon_pct));
	return o;
}

static void queue_iv_read(struct queue_iv *v, sqlite3_stmt *st)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->queue, sizeof(v->queue), "%s",
		 (const char *)sqlite3_column_text(st, 0));
	v->start = sqlite3_column_int64(st, 1);
	v->c.offered = (uint32_t)sqlite3_column_int64(st, 2);
	v->c.answered = (uint32_t)sqlite3_column_int64(st, 3);
	v->c.abandoned = (uint32_t)sqlite3_column_int64(st, 4);
	v->c.short_abandoned = (uint32_t)sqlite3_column_int64(st, 5);
	v->c.answered_in_sl = (uint32_t)sqlite3_column_int64(st, 6);
	v->c.wait_ms_sum = (uint64_t)sqlite3_column_int64(st, 7);
	v->handle_ms = sqlite3_column_int64(st, 8);
	v->c.talk_ms_sum = (uint64_t)sqlite3_column_int64(st, 9);
	v->c.hold_ms_sum = (uint64_t)sqlite3_column_int64(st, 10);
	v->c.wrapup_ms_sum = (uint64_t)sqlite3_column_int64(st, 11);
	v->c.overflowed = (uint32_t)sqlite3_column_int64(st, 12);
	/* interval_stats keeps no count of ended contacts: the answered
	 * ones stand for the handled ones of the interval. */
	v->c.handled = v->c.answered;
}

static uint32_t u32(const json_t *o, const char *k)
{
	return (uint32_t)json_integer_value(json_object_get(o, k));
}

static uint64_t u64(const json_t *o, const char *k)
{
	return (uint64_t)json_integer_value(json_object_get(o, k));
}

/* Adds the live counts of the running interval l to v. */
static void queue_iv_add(struct queue_iv *v, const json_t *l)
{
	v->c.offered += u32(l, "offered");
	v->c.answered += u32(l, "answered");
	v->c.abandoned += u32(l, "abandoned");
	v->c.short_abandoned += u32(l, "short_abandoned");
	v->c.answered_in_sl += u32(l, "answered_in_sl");
	v->c.overflowed += u32(l, "overflowed");
	v->c.handled += u32(l, "handled");
	v->c.wait_ms_sum += u64(l, "wait_ms_sum");
	v->c.talk_ms_sum += u64(l, "talk_ms_sum");
	v->c.hold_ms_sum += u64(l, "hold_ms_sum");
	v->c.wrapup_ms_sum += u64(l, "wrapup_ms_sum");
	v->handle_ms += (int64_t)(u64(l, "talk_ms_sum") +
				  u64(l, "hold_ms_sum") +
				  u64(l, "wrapup_ms_sum"));
}

/* Per agent and interval: time in each state and handled/missed offers. */
struct agent_iv {
	int64_t agent;
	int64_t ms[ACD_STATES];
	int64_t handled, missed;
	bool used;
};

static int state_index(const char *name)
{
	for (int s = 0; s < ACD_STATES; s++)
		if (!strcmp(acd_state_name((enum acd_agent_state)s), name))
			return s;
	return -1;
}

struct agent_day {
	struct agent_iv *v; /* agents * IV_PER_DAY */
	int64_t *ids;
	size_t n, cap;
};

static struct agent_iv *agent_day_get(struct agent_day *d, int64_t agent,
				      int64_t iv)
{
	size_t i;

	if (iv < 0 || iv >= IV_PER_DAY)
		return NULL;
	for (i = 0; i < d->n; i++)
		if (d->ids[i] == agent)
			break;
	if (i == d->n) {
		if (d->n == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 16;
			struct agent_iv *v = realloc(d->v, cap * IV_PER_DAY *
							   sizeof(*v));
			int64_t *ids;

			if (!v)
				return NULL;
			d->v = v;
			ids = realloc(d->ids, cap * sizeof(*ids));
			if (!ids)
				return NULL;
			d->ids = ids;
			memset(d->v + d->cap * IV_PER_DAY, 0,
			       (cap - d->cap) * IV_PER_DAY * sizeof(*v));
			d->cap = cap;
		}
		d->ids[d->n++] = agent;
	}
	d->v[i * IV_PER_DAY + (size_t)iv].agent = agent;
	d->v[i * IV_PER_DAY + (size_t)iv].used = true;
	return &d->v[i * IV_PER_DAY + (size_t)iv];
}

static int agent_intervals(json_t *out, int64_t day, int64_t agent)
{
	struct agent_day d = {0};
	sqlite3_stmt *st;
	int64_t now = cc_wall_ms();
	int err;

	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT agent_id, state, started_at, "
	                    "coalesce(ended_at, ?) FROM agent_state_history "
	                    "WHERE started_at < ? AND coalesce(ended_at, ?) > ?"
	                    " AND (? = 0 OR agent_id = ?)",
	                    "iiiiii", now, day + DAY_MS, now, day, agent,
	                    agent);
	if (err)
		return err;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t a = sqlite3_column_int64(st, 0);
		int s = state_index((const char *)sqlite3_column_text(st, 1));
		int64_t t0 = sqlite3_column_int64(st, 2);
		int64_t t1 = sqlite3_column_int64(st, 3);

		if (s < 0)
			continue;
		if (t0 < day)
			t0 = day;
		if (t1 > day + DAY_MS)
			t1 = day + DAY_MS;
		while (t0 < t1) {
			int64_t iv = (t0 - day) / IV_MS;
			int64_t end = day + (iv + 1) * IV_MS;
			struct agent_iv *x;

			if (end > t1)
				end = t1;
			x = agent_day_get(&d, a, iv);
			if (!x) {
				err = ENOMEM;
				break;
			}
			x->ms[s] += end - t0;
			t0 = end;
		}
	}
	sqlite3_finalize(st);
	if (err)
		goto out;
	err = store_prepare(
	        &st, store_reader(store_main()),
	        "SELECT agent_id, at, type FROM "
	        "interaction_events WHERE at >= ? AND at < ? AND "
	        "agent_id IS NOT NULL AND type IN ('answered', "
	        "'rejected', 'timeout') AND (? = 0 OR agent_id = ?)",
	        "iiii", day, day + DAY_MS, agent, agent);
	if (err)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct agent_iv *x = agent_day_get(
			&d, sqlite3_column_int64(st, 0),
			(sqlite3_column_int64(st, 1) - day) / IV_MS);
		const char *t = (const char *)sqlite3_column_text(st, 2);

		if (!x)
			continue;
		if (!strcmp(t, "answered"))
			x->handled++;
		else
			x->missed++;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < d.n; i++) {
		for (size_t k = 0; k < IV_PER_DAY; k++) {
			struct agent_iv *x = &d.v[i * IV_PER_DAY + k];
			int64_t staffed, working;
			json_t *o;

			if (!x->used)
				continue;
			working = x->ms[ACD_BUSY] + x->ms[ACD_WRAPUP];
			staffed = working + x->ms[ACD_AVAILABLE] +
				  x->ms[ACD_RESERVED];
			o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
				      "agent_id", (json_int_t)x->agent,
				      "start", (json_int_t)(day + (int64_t)k *
							     IV_MS),
				      "handled", (json_int_t)x->handled,
				      "missed", (json_int_t)x->missed,
				      "available_ms",
				      (json_int_t)x->ms[ACD_AVAILABLE],
				      "reserved_ms",
				      (json_int_t)x->ms[ACD_RESERVED],
				      "busy_ms", (json_int_t)x->ms[ACD_BUSY],
				      "wrapup_ms", (json_int_t)x->ms[ACD_WRAPUP],
				      "away_ms", (json_int_t)x->ms[ACD_AWAY]);
			if (!o)
				continue;
			json_object_set_new(o, "occupancy_pct",
					    staffed ? json_real(100.0 *
								(double)working /
								(double)staffed)
						    : json_null());
			json_array_append_new(out, o);
		}
	}
out:
	free(d.v);
	free(d.ids);
	return err;
}

static int cmp_start(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t sx = json_integer_value(json_object_get(x, "start"));
	json_int_t sy = json_integer_value(json_object_get(y, "start"));
	json_int_t ax = json_integer_value(json_object_get(x, "agent_id"));
	json_int_t ay = json_integer_value(json_object_get(y, "agent_id"));

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return ax < ay ? -1 : ax > ay;
}

static json_t *sorted(json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t **v = n ? malloc(n * sizeof(*v)) : NULL, *out = json_array();

	for (i = 0; v && i < n; i++)
		v[i] = json_array_get(arr, i);
	if (v)
		qsort(v, n, sizeof(*v), cmp_start);
	for (i = 0; v && i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

int api_route_intervals_get(struct api_req *req)
{
	const char *ds = api_req_query(req, "date");
	const char *qs = api_req_query(req, "queue");
	const char *as = api_req_query(req, "agent");
	json_t *queues, *agents, *live = NULL, *l;
	struct queue_iv *vv;
	size_t n = 0, cap, i;
	sqlite3_stmt *st;
	int64_t day, agent = 0, now = cc_wall_ms();
	int err;

	if (!ds || strlen(ds) != 10 || !time_parse(&day, ds))
		return api_reply_error(req, 400, "invalid", "date",
				       "date must be a day YYYY-MM-DD (UTC)");
	if (qs && !token_ok(qs, 40))
		return api_reply_error(req, 400, "invalid", "queue",
				       "queue must be a queue name");
	if (as && !int_arg(&agent, as, 1, INT64_MAX))
		return api_reply_error(req, 400, "invalid", "agent",
				       "agent must be an agent id");
	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT queue, interval_start, offered, "
	                    "answered, abandoned, short_abandoned, "
	                    "answered_in_sl, wait_ms_sum, handle_ms_sum, "
	                    "talk_ms_sum, hold_ms_sum, wrapup_ms_sum, "
	                    "overflowed FROM interval_stats WHERE "
	                    "interval_start >= ? AND interval_start < ? AND "
	                    "(? IS NULL OR queue = ?) ORDER BY interval_start, "
	                    "queue",
	                    "iiss", day, day + DAY_MS, qs, qs);
	if (err)
		return err;
	/* Room for every row and one running interval per queue. */
	cap = 64;
	vv = calloc(cap, sizeof(*vv));
	while (vv && sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			struct queue_iv *nv = realloc(vv, 2 * cap * sizeof(*vv));

			if (!nv) {
				free(vv);
				vv = NULL;
				break;
			}
			vv = nv;
			cap *= 2;
		}
		queue_iv_read(&vv[n++], st);
	}
	sqlite3_finalize(st);
	if (!vv)
		return ENOMEM;
	/* Today: the running interval is not written yet; the ACD has it. */
	if (now >= day && now < day + DAY_MS &&
	    !api_core_call(&live, api_live_intervals, NULL,
			   API_CORE_TIMEOUT_MS)) {
		json_array_foreach(live, i, l)
		{
			const char *q = json_string_value(json_object_get(l,
									  "queue"));
			int64_t start = json_integer_value(json_object_get(
				l, "start"));
			size_t k;

			if (!q || (qs && strcmp(q, qs)) ||
			    !u32(l, "offered") || start < day ||
			    start >= day + DAY_MS)
				continue;
			for (k = 0; k < n; k++)
				if (vv[k].start == start &&
				    !strcmp(vv[k].queue, q))
					break;
			if (k == n) {
				if (n == cap) {
					struct queue_iv *nv = realloc(
						vv, 2 * cap * sizeof(*vv));

					if (!nv)
						continue;
					vv = nv;
					cap *= 2;
				}
				memset(&vv[n], 0, sizeof(vv[n]));
				snprintf(vv[n].queue, sizeof(vv[n].queue),
					 "%s", q);
				vv[n].start = start;
				n++;
			}
			queue_iv_add(&vv[k], l);
		}
		json_decref(live);
	}
	queues = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(queues, queue_iv_json(&vv[i]));
	free(vv);
	agents = json_array();
	err = agent_intervals(agents, day, agent);
	if (err) {
		json_decref(queues);
		json_decref(agents);
		return err;
	}
	return api_reply_json(req, 200,
			      json_pack("{s:s,s:I,s:I,s:o,s:o}", "date", ds,
					"day_start", (json_int_t)day,
					"interval_s", (json_int_t)(IV_MS / 1000),
					"queues", queues, "agents",
					sorted(agents)));
}
