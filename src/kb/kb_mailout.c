/*
 * kb_mailout.c: policy updates ("mail-outs"). A publisher pushes a
 * published article to a group of agents (a queue's members, a list of
 * agents, or everyone) as a required read: the recipients are fixed when
 * it is sent, each gets a kb.required event at once, and the desktop
 * shows it (GET /kb/required) until the agent acknowledges it (or the
 * article is withdrawn: it is no longer shown then). Writers see
 * who has and has not read it. Routes in the "Knowledge base (kb)" block
 * of src/api/api_routes.c; API worker threads; every change audited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/cc.h"
#include "store/store.h"
#include "kb/kb.h"
#include "kb_int.h"

enum { RECIPIENTS_MAX = 10000 };

struct mailout {
	int64_t article, version, id;
	const char *queue, *note, *by, *title;
	json_t *agents; /* array of agent ids or NULL */
	bool all;
	char *target; /* JSON */
	int64_t now;
	int64_t *rv; /* out: recipients */
	size_t rn;
	int64_t missing; /* out: an agent id that does not exist */
	char *art_title; /* out */
};

static int title_h(sqlite3_stmt *st, void *arg)
{
	struct mailout *m = arg;
	const char *t = kb_col(st, 1);

	m->version = sqlite3_column_int64(st, 0);
	m->art_title = strdup(t ? t : "");
	return 1;
}

static int recipient_h(sqlite3_stmt *st, void *arg)
{
	struct mailout *m = arg;
	int64_t id = sqlite3_column_int64(st, 0);
	size_t i;

	for (i = 0; i < m->rn; i++)
		if (m->rv[i] == id)
			return 0;
	if (m->rn < RECIPIENTS_MAX)
		m->rv[m->rn++] = id;
	return 0;
}

static int exists_h(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(bool *)arg = true;
	return 1;
}

static bool recipient_known(const struct mailout *m, int64_t id)
{
	size_t i;

	for (i = 0; i < m->rn; i++)
		if (m->rv[i] == id)
			return true;
	return false;
}

static int mailout_txn(sqlite3 *db, void *arg)
{
	struct mailout *m = arg;
	size_t i;
	json_t *v;
	int err;

	m->rn = 0;
	err = store_query(db, title_h, m,
	                  "SELECT a.published_version, v.title FROM"
	                  " kb_articles a JOIN kb_versions v ON v.article_id ="
	                  " a.id AND v.version = a.published_version WHERE"
	                  " a.id = ?1",
	                  "i", m->article);
	if (err && err != 1)
		return err;
	if (!m->art_title)
		return ENOENT;
	if (m->queue) {
		bool q = false;

		err = store_query(db, exists_h, &q,
		                  "SELECT 1 FROM queues WHERE name = ?1", "s",
		                  m->queue);
		if (err && err != 1)
			return err;
		if (!q)
			return ESRCH;
		err = store_query(db, recipient_h, m,
		                  "SELECT m.agent_id FROM queue_members m JOIN"
		                  " queues q ON q.id = m.queue_id JOIN agents a"
		                  " ON a.id = m.agent_id WHERE q.name = ?1 AND"
		                  " a.enabled ORDER BY m.agent_id",
		                  "s", m->queue);
	} else if (m->all)
		err = store_query(db, recipient_h, m,
		                  "SELECT id FROM agents WHERE enabled ORDER BY"
		                  " id",
		                  "");
	else {
		json_array_foreach(m->agents, i, v)
		{
			int64_t id = json_integer_value(v);

			err = store_query(db, recipient_h, m,
			                  "SELECT id FROM agents WHERE id = ?1",
			                  "i", id);
			if (err)
				return err;
			if (!m->rn || !recipient_known(m, id)) {
				m->missing = id;
				return ESRCH;
			}
		}
	}
	if (err)
		return err;
	if (!m->rn)
		return ENODATA;
	err = store_exec(db,
	                 "INSERT INTO kb_mailouts (article_id, version, note,"
	                 " target, created_at, created_by) VALUES (?1, ?2, ?3,"
	                 " ?4, ?5, ?6)",
	                 "iissis", m->article, m->version, m->note, m->target,
	                 m->now, m->by);
	if (err)
		return err;
	m->id = sqlite3_last_insert_rowid(db);
	for (i = 0; i < m->rn && !err; i++)
		err = store_exec(
		        db,
		        "INSERT INTO kb_mailout_recipients (mailout_id,"
		        " agent_id) VALUES (?1, ?2)",
		        "ii", m->id, m->rv[i]);
	return err;
}

int kb_api_mailout_add(struct api_req *req)
{
	json_t *b = api_req_body(req), *v;
	struct mailout m = {0};
	char obj[48];
	size_t i;
	int err, ways;

	m.article = json_integer_value(json_object_get(b, "article_id"));
	m.queue = json_string_value(json_object_get(b, "queue"));
	m.agents = json_object_get(b, "agents");
	if (json_is_null(m.agents))
		m.agents = NULL;
	m.all = json_is_true(json_object_get(b, "all"));
	m.note = json_string_value(json_object_get(b, "note"));
	if (!m.note)
		m.note = "";
	ways = !!m.queue + !!m.agents + !!m.all;
	if (ways != 1)
		return api_reply_error(req, 400, "invalid", "queue",
		                       "name exactly one group: queue, agents "
		                       "or all");
	if (strlen(m.note) > 2000)
		return api_reply_error(req, 400, "invalid", "note",
		                       "note is at most 2000 bytes");
	if (m.agents) {
		if (!json_array_size(m.agents) ||
		    json_array_size(m.agents) > RECIPIENTS_MAX)
			return api_reply_error(req, 400, "invalid", "agents",
			                       "agents is a list of 1-%d agent "
			                       "ids",
			                       RECIPIENTS_MAX);
		json_array_foreach(m.agents, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return api_reply_error(req, 400, "invalid",
				                       "agents",
				                       "agents[%zu] is not an "
				                       "agent id",
				                       i);
		}
	}
	m.rv = calloc(RECIPIENTS_MAX, sizeof(*m.rv));
	if (!m.rv)
		return ENOMEM;
	v = m.queue ? json_pack("{s:s}", "queue", m.queue)
	    : m.all ? json_pack("{s:b}", "all", 1)
	            : json_pack("{s:O}", "agents", m.agents);
	m.target = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	m.by = api_req_username(req);
	m.now = cc_wall_ms();
	err = m.target ? store_txn_wait(store_main(), mailout_txn, &m) : ENOMEM;
	if (err == ENOENT)
		err = api_reply_error(req, 409, "not_published", "article_id",
		                      "article %lld is not published",
		                      (long long)m.article);
	else if (err == ESRCH)
		err = m.queue ? api_reply_error(req, 400, "invalid", "queue",
		                                "no queue named %s", m.queue)
		              : api_reply_error(req, 400, "invalid", "agents",
		                                "no agent %lld",
		                                (long long)m.missing);
	else if (err == ENODATA)
		err = api_reply_error(req, 400, "invalid",
		                      m.queue ? "queue" : "all",
		                      "the group has no agents");
	if (err)
		goto out;
	for (i = 0; i < m.rn; i++)
		(void)api_event_publish(
		        "kb.required",
		        json_pack("{s:I,s:I,s:I,s:s,s:s}", "mailout_id",
		                  (json_int_t)m.id, "article_id",
		                  (json_int_t)m.article, "version",
		                  (json_int_t)m.version, "title", m.art_title,
		                  "note", m.note),
		        m.rv[i]);
	snprintf(obj, sizeof(obj), "kb_mailout/%lld", (long long)m.id);
	api_audit(req, "kb.mailout.create", obj,
	          json_pack("{s:I,s:I,s:s,s:I}", "article_id",
	                    (json_int_t)m.article, "version",
	                    (json_int_t)m.version, "target", m.target,
	                    "recipients", (json_int_t)m.rn));
	err = api_reply_json(
	        req, 201,
	        json_pack("{s:I,s:I,s:I,s:s,s:I}", "id", (json_int_t)m.id,
	                  "article_id", (json_int_t)m.article, "version",
	                  (json_int_t)m.version, "title", m.art_title,
	                  "recipients", (json_int_t)m.rn));
out:
	free(m.rv);
	free(m.target);
	free(m.art_title);
	return err;
}

#define MAILOUT_COLS                                                           \
	"m.id, m.article_id, m.version, v.title, m.note, m.target,"            \
	" m.created_at, m.created_by,"                                         \
	" (SELECT count(*) FROM kb_mailout_recipients r WHERE r.mailout_id"    \
	" = m.id), (SELECT count(*) FROM kb_mailout_recipients r WHERE"        \
	" r.mailout_id = m.id AND r.acknowledged_at IS NOT NULL)"

static json_t *mailout_json(sqlite3_stmt *st)
{
	json_t *target =
	        json_loads(kb_col(st, 5) ? kb_col(st, 5) : "{}", 0, NULL);

	return json_pack(
	        "{s:I,s:I,s:I,s:o,s:s,s:o,s:I,s:o,s:I,s:I}", "id",
	        (json_int_t)sqlite3_column_int64(st, 0), "article_id",
	        (json_int_t)sqlite3_column_int64(st, 1), "version",
	        (json_int_t)sqlite3_column_int64(st, 2), "title",
	        kb_json_col(st, 3), "note", kb_col(st, 4) ? kb_col(st, 4) : "",
	        "target", target ? target : json_object(), "created_at",
	        (json_int_t)sqlite3_column_int64(st, 6), "created_by",
	        kb_json_col(st, 7), "recipients",
	        (json_int_t)sqlite3_column_int64(st, 8), "acknowledged",
	        (json_int_t)sqlite3_column_int64(st, 9));
}

static int mailout_row_h(sqlite3_stmt *st, void *arg)
{
	json_array_append_new(arg, mailout_json(st));
	return 0;
}

int kb_api_mailouts_get(struct api_req *req)
{
	sqlite3 *db = kb_reader();
	json_t *res;
	int err;

	if (!db)
		return EIO;
	res = json_array();
	err = store_query(db, mailout_row_h, res,
	                  "SELECT " MAILOUT_COLS " FROM kb_mailouts m JOIN"
	                  " kb_versions v ON v.article_id = m.article_id AND"
	                  " v.version = m.version ORDER BY m.id DESC LIMIT 200",
	                  "");
	if (err) {
		json_decref(res);
		return err;
	}
	return api_reply_json(req, 200, res);
}

static int one_mailout_h(sqlite3_stmt *st, void *arg)
{
	*(json_t **)arg = mailout_json(st);
	return 1;
}

static int reader_h(sqlite3_stmt *st, void *arg)
{
	json_array_append_new(
	        arg,
	        json_pack("{s:I,s:o,s:o,s:b,s:o}", "agent_id",
	                  (json_int_t)sqlite3_column_int64(st, 0), "name",
	                  kb_json_col(st, 1), "extension", kb_json_col(st, 2),
	                  "acknowledged",
	                  sqlite3_column_type(st, 3) != SQLITE_NULL,
	                  "acknowledged_at",
	                  sqlite3_column_type(st, 3) == SQLITE_NULL
	                          ? json_null()
	                          : json_integer(sqlite3_column_int64(st, 3))));
	return 0;
}

int kb_api_mailout_get(struct api_req *req)
{
	sqlite3 *db = kb_reader();
	json_t *m = NULL, *rec;
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (!db)
		return EIO;
	err = store_query(db, one_mailout_h, &m,
	                  "SELECT " MAILOUT_COLS " FROM kb_mailouts m JOIN"
	                  " kb_versions v ON v.article_id = m.article_id AND"
	                  " v.version = m.version WHERE m.id = ?1",
	                  "i", id);
	if (err && err != 1)
		return err;
	if (!m)
		return api_reply_error(req, 404, "not_found", "id",
		                       "no mail-out %lld", (long long)id);
	rec = json_array();
	(void)store_query(db, reader_h, rec,
	                  "SELECT r.agent_id, a.name, a.extension,"
	                  " r.acknowledged_at FROM kb_mailout_recipients r"
	                  " LEFT JOIN agents a ON a.id = r.agent_id WHERE"
	                  " r.mailout_id = ?1 ORDER BY r.acknowledged_at IS"
	                  " NOT NULL, r.agent_id",
	                  "i", id);
	json_object_set_new(m, "readers", rec);
	return api_reply_json(req, 200, m);
}

static int required_h(sqlite3_stmt *st, void *arg)
{
	json_array_append_new(
	        arg,
	        json_pack("{s:I,s:I,s:I,s:o,s:s,s:I,s:o}", "mailout_id",
	                  (json_int_t)sqlite3_column_int64(st, 0), "article_id",
	                  (json_int_t)sqlite3_column_int64(st, 1), "version",
	                  (json_int_t)sqlite3_column_int64(st, 2), "title",
	                  kb_json_col(st, 3), "note",
	                  kb_col(st, 4) ? kb_col(st, 4) : "", "created_at",
	                  (json_int_t)sqlite3_column_int64(st, 5), "created_by",
	                  kb_json_col(st, 6)));
	return 0;
}

int kb_api_required_get(struct api_req *req)
{
	int64_t agent = api_req_agent(req);
	sqlite3 *db = kb_reader();
	json_t *res = json_array();
	int err;

	if (!agent) /* a login with no agent has nothing to read */
		return api_reply_json(req, 200, res);
	if (!db) {
		json_decref(res);
		return EIO;
	}
	err = store_query(db, required_h, res,
	                  "SELECT m.id, m.article_id, m.version, v.title,"
	                  " m.note, m.created_at, m.created_by FROM"
	                  " kb_mailout_recipients r JOIN kb_mailouts m ON"
	                  " m.id = r.mailout_id JOIN kb_versions v ON"
	                  " v.article_id = m.article_id AND v.version ="
	                  " m.version JOIN kb_articles a ON a.id ="
	                  " m.article_id AND a.published_version IS NOT"
	                  " NULL WHERE r.agent_id = ?1 AND"
	                  " r.acknowledged_at IS NULL ORDER BY m.id",
	                  "i", agent);
	if (err) {
		json_decref(res);
		return err;
	}
	return api_reply_json(req, 200, res);
}

struct ack {
	int64_t id, agent, now, at;
	bool found;
};

static int ack_h(sqlite3_stmt *st, void *arg)
{
	struct ack *a = arg;

	a->found = true;
	a->at = sqlite3_column_type(st, 0) == SQLITE_NULL
	                ? 0
	                : sqlite3_column_int64(st, 0);
	return 1;
}

static int ack_txn(sqlite3 *db, void *arg)
{
	struct ack *a = arg;
	int err;

	err = store_query(db, ack_h, a,
	                  "SELECT acknowledged_at FROM kb_mailout_recipients"
	                  " WHERE mailout_id = ?1 AND agent_id = ?2",
	                  "ii", a->id, a->agent);
	if (err && err != 1)
		return err;
	if (!a->found)
		return ENOENT;
	if (a->at)
		return 0; /* acknowledged before: keep the first time */
	a->at = a->now;
	return store_exec(db,
	                  "UPDATE kb_mailout_recipients SET acknowledged_at ="
	                  " ?3 WHERE mailout_id = ?1 AND agent_id = ?2",
	                  "iii", a->id, a->agent, a->now);
}

int kb_api_mailout_ack(struct api_req *req)
{
	struct ack a = {0};
	char obj[48];
	int err;

	err = api_req_param_id(&a.id, req, "id");
	if (err)
		return err;
	a.agent = api_req_agent(req);
	if (!a.agent) /* a login without an agent gets no mail-outs */
		return api_reply_error(req, 404, "not_found", "id",
		                       "mail-out %lld was not sent to you "
		                       "(this login has no agent)",
		                       (long long)a.id);
	a.now = cc_wall_ms();
	err = store_txn_wait(store_main(), ack_txn, &a);
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found", "id",
		                       "mail-out %lld was not sent to you",
		                       (long long)a.id);
	if (err)
		return err;
	if (a.at == a.now) {
		snprintf(obj, sizeof(obj), "kb_mailout/%lld", (long long)a.id);
		api_audit(req, "kb.mailout.ack", obj,
		          json_pack("{s:I}", "agent_id", (json_int_t)a.agent));
		(void)api_event_publish(
		        "kb.acknowledged",
		        json_pack("{s:I,s:I}", "mailout_id", (json_int_t)a.id,
		                  "agent_id", (json_int_t)a.agent),
		        a.agent); /* the agent's other desktops */
	}
	return api_reply_json(req, 200,
	                      json_pack("{s:I,s:I,s:I}", "mailout_id",
	                                (json_int_t)a.id, "agent_id",
	                                (json_int_t)a.agent, "acknowledged_at",
	                                (json_int_t)a.at));
}
