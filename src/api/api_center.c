/*
 * Routes over the call center's configuration in the store: agents with
 * their skills and SIP passwords, queues with their members and
 * escalation steps. Each change is one transaction (agent and skills
 * together, queue and members together) and goes to the audit log. Once
 * committed, the rows are read back and handed to the live center on the
 * main loop (api_core_call -> cc_center_*_apply/remove), so routing
 * follows within the request: no restart, no call dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acd/acd.h"
#include "core/cc.h"
#include "core/center.h"
#include "store/store.h"
#include "api_db.h"
#include "api_handlers.h"
#include "api_int.h"

static bool name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > max)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

static bool extension_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 2 || n > 10)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* skills {"sales": 8, ...}: names a-z0-9_- and levels 1-10. */
static int skills_check(struct api_req *req, const json_t *skills)
{
	const char *key;
	json_t *v;

	if (!skills)
		return 0;
	json_object_foreach((json_t *)skills, key, v)
	{
		if (!name_ok(key, 40))
			return api_reply_error(req, 400, "invalid", "skills",
					       "skill names are 1 to 40 of "
					       "a-z 0-9 _ -");
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 10)
			return api_reply_error(req, 400, "invalid", "skills",
					       "skill %s: level must be 1 to "
					       "10", key);
	}
	return 0;
}

/* --- applying to the live center ------------------------------------ */

enum { LIVE_TIMEOUT_MS = 2000 };

static json_t *rows_of(const char *sql, int64_t id)
{
	sqlite3_stmt *st;

	if (api_db_query(&st, sql, "i", id))
		return json_array();
	return api_db_rows(st);
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int jint(const json_t *o, const char *key)
{
	return (int)json_integer_value(json_object_get(o, key));
}

/* Member rows (JSON) as the store gives them; *vp is a new array. */
static int members_decode(struct store_queue_member **vp, size_t *np,
			  const json_t *rows)
{
	size_t n = json_array_size(rows), i;
	struct store_queue_member *v = calloc(n ? n : 1, sizeof(*v));
	const json_t *m;

	if (!v)
		return ENOMEM;
	json_array_foreach(rows, i, m)
	{
		v[i].queue_id = json_integer_value(json_object_get(m,
								   "queue_id"));
		v[i].agent_id = json_integer_value(json_object_get(m,
								   "agent_id"));
		v[i].level = jint(m, "level");
		v[i].weight = jint(m, "weight");
		v[i].position = jint(m, "position");
	}
	*vp = v;
	*np = n;
	return 0;
}

/* Main loop: the agent's rows to the center (deleted: removed). */
static int live_agent_h(json_t **resultp, const json_t *args)
{
	const json_t *row = json_object_get(args, "agent");
	const json_t *skills = json_object_get(args, "skills");
	struct store_agent a = {0};
	struct store_agent_skill *sv = NULL;
	struct store_queue_member *mv = NULL;
	size_t sn = json_array_size(skills), mn = 0, i;
	const json_t *x;
	int err;

	(void)resultp;
	if (!json_is_object(row)) {
		err = cc_center_agent_remove(
			(uint32_t)jint(args, "id"));
		return err == ENOENT ? 0 : err;
	}
	a.id = json_integer_value(json_object_get(row, "id"));
	a.extension = jstr(row, "extension");
	a.name = jstr(row, "name");
	a.sip_password = jstr(row, "sip_password");
	a.enabled = jint(row, "enabled") != 0;
	sv = calloc(sn ? sn : 1, sizeof(*sv));
	err = sv ? members_decode(&mv, &mn, json_object_get(args, "members"))
		 : ENOMEM;
	if (err)
		goto out;
	json_array_foreach(skills, i, x)
	{
		sv[i].agent_id = a.id;
		sv[i].skill = jstr(x, "skill");
		sv[i].level = jint(x, "level");
	}
	err = cc_center_agent_apply(&a, sv, sn, mv, mn);
 out:
	free(sv);
	free(mv);
	return err;
}

/* Main loop: the queue's row and members to the center. */
static int live_queue_h(json_t **resultp, const json_t *args)
{
	const json_t *row = json_object_get(args, "queue");
	struct store_queue q = {0};
	struct store_queue_member *mv = NULL;
	size_t mn = 0;
	int err;

	(void)resultp;
	if (!json_is_object(row)) {
		err = cc_center_queue_remove((uint32_t)jint(args, "id"));
		return err == ENOENT ? 0 : err;
	}
	q.id = json_integer_value(json_object_get(row, "id"));
	q.name = jstr(row, "name");
	q.strategy = jstr(row, "strategy");
	q.sl_target_pct = jint(row, "sl_target_pct");
	q.sl_threshold_s = jint(row, "sl_threshold_s");
	q.max_wait_s = jint(row, "max_wait_s");
	q.max_len = jint(row, "max_len");
	q.overflow_queue = jstr(row, "overflow_queue");
	q.wrapup_s = jint(row, "wrapup_s");
	q.ring_timeout_s = jint(row, "ring_timeout_s");
	q.short_abandon_s = jint(row, "short_abandon_s");
	q.announce_every_s = jint(row, "announce_every_s");
	q.skill = jstr(row, "skill");
	q.min_level = jint(row, "min_level");
	q.escalations = jstr(row, "escalations");
	err = members_decode(&mv, &mn, json_object_get(args, "members"));
	if (!err)
		err = cc_center_queue_apply(&q, mv, mn);
	free(mv);
	return err;
}

/* Reads the committed rows back and applies them live. The change is
 * stored whatever happens here: a failure is logged (the next start
 * loads it). */
static void live_apply(api_core_h *fn, json_t *args, const char *what)
{
	int err = api_core_call(NULL, fn, args, LIVE_TIMEOUT_MS);

	if (err)
		cc_warn("api", "%s stored, live apply failed: %s", what,
			strerror(err));
}

static void agent_apply(int64_t id)
{
	json_t *rows = rows_of("SELECT id, extension, name, sip_password, "
			       "enabled FROM agents WHERE id = ?", id);
	json_t *row = json_incref(json_array_get(rows, 0));
	char what[48];

	json_decref(rows);
	snprintf(what, sizeof(what), "agent %lld", (long long)id);
	live_apply(live_agent_h,
		   json_pack("{s:I,s:o*,s:o,s:o}", "id", (json_int_t)id,
			     "agent", row,
			     "skills", rows_of("SELECT skill, level FROM "
					       "agent_skills WHERE agent_id "
					       "= ?", id),
			     "members", rows_of("SELECT queue_id, agent_id, "
						"level, weight, position FROM "
						"queue_members WHERE agent_id"
						" = ?", id)),
		   what);
}

static void queue_apply(int64_t id)
{
	json_t *rows = rows_of("SELECT id, name, strategy, sl_target_pct, "
			       "sl_threshold_s, max_wait_s, max_len, "
			       "overflow_queue, wrapup_s, ring_timeout_s, "
			       "short_abandon_s, announce_every_s, skill, "
			       "min_level, escalations FROM queues WHERE id "
			       "= ?", id);
	json_t *row = json_incref(json_array_get(rows, 0));
	char what[48];

	json_decref(rows);
	snprintf(what, sizeof(what), "queue %lld", (long long)id);
	live_apply(live_queue_h,
		   json_pack("{s:I,s:o*,s:o}", "id", (json_int_t)id, "queue",
			     row, "members",
			     rows_of("SELECT queue_id, agent_id, level, "
				     "weight, position FROM queue_members "
				     "WHERE queue_id = ?", id)),
		   what);
}

static int exec(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int err = 0, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return EIO;
	va_start(ap, types);
	err = api_db_bindv(st, types, ap);
	va_end(ap);
	if (!err) {
		rc = sqlite3_step(st);
		err = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0
		      : rc == SQLITE_CONSTRAINT	    ? EEXIST
						    : EIO;
	}
	sqlite3_finalize(st);
	return err;
}

static int skills_write(sqlite3 *db, int64_t agent, const json_t *skills)
{
	const char *key;
	json_t *v;
	int err;

	if (!skills)
		return 0;
	err = exec(db, "DELETE FROM agent_skills WHERE agent_id = ?", "i",
		   agent);
	json_object_foreach((json_t *)skills, key, v)
	{
		if (!err)
			err = exec(db, "INSERT OR IGNORE INTO skills(name) "
				   "VALUES (?)", "t", key);
		if (!err)
			err = exec(db, "INSERT INTO agent_skills(agent_id, "
				   "skill, level) VALUES (?, ?, ?)", "iti",
				   agent, key, (int64_t)json_integer_value(v));
	}
	return err;
}

static json_t *agent_json(int64_t id)
{
	sqlite3_stmt *st;
	json_t *rows, *a, *skills;

	if (api_db_query(&st, "SELECT id, extension, name, enabled, "
			 "created_at FROM agents WHERE id = ?", "i", id))
		return NULL;
	rows = api_db_rows(st);
	a = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!a)
		return NULL;
	skills = json_object();
	if (!api_db_query(&st, "SELECT skill, level FROM agent_skills WHERE "
			  "agent_id = ? ORDER BY skill", "i", id)) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_object_set_new(skills,
					    (const char *)sqlite3_column_text(
						    st, 0),
					    json_integer(sqlite3_column_int(st,
									    1)));
		sqlite3_finalize(st);
	}
	json_object_set_new(a, "skills", skills);
	return a;
}

int api_route_agents_get(struct api_req *req)
{
	sqlite3_stmt *st;
	json_t *out = json_array();
	int err;

	err = api_db_query(&st, "SELECT id FROM agents ORDER BY extension",
			   NULL);
	if (err) {
		json_decref(out);
		return err;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *a = agent_json(sqlite3_column_int64(st, 0));

		if (a)
			json_array_append_new(out, a);
	}
	sqlite3_finalize(st);
	return api_reply_json(req, 200, out);
}

struct agent_job {
	const json_t *body;
	int64_t id;
	bool create;
};

static int agent_save(sqlite3 *db, void *arg)
{
	struct agent_job *j = arg;
	const json_t *b = j->body, *v;
	int err = 0;

	if (j->create) {
		err = exec(db, "INSERT INTO agents(extension, name, "
			   "sip_password, created_at) VALUES (?, ?, ?, ?)",
			   "ttti",
			   json_string_value(json_object_get(b, "extension")),
			   json_string_value(json_object_get(b, "name")),
			   json_string_value(json_object_get(b,
							     "sip_password")),
			   (int64_t)cc_wall_ms());
		j->id = sqlite3_last_insert_rowid(db);
	}
	else {
		if (!err && (v = json_object_get(b, "name")))
			err = exec(db, "UPDATE agents SET name = ? WHERE id "
				   "= ?", "ti", json_string_value(v), j->id);
		if (!err && (v = json_object_get(b, "sip_password")))
			err = exec(db, "UPDATE agents SET sip_password = ? "
				   "WHERE id = ?", "ti", json_string_value(v),
				   j->id);
		if (!err && (v = json_object_get(b, "enabled")))
			err = exec(db, "UPDATE agents SET enabled = ? WHERE "
				   "id = ?", "ii", (int64_t)json_is_true(v),
				   j->id);
	}
	if (!err)
		err = skills_write(db, j->id, json_object_get(b, "skills"));
	return err;
}

static int agent_fields_check(struct api_req *req, const json_t *b)
{
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *pw = json_string_value(json_object_get(b,
							   "sip_password"));

	if (json_object_get(b, "name") && (!name || !*name ||
					   strlen(name) > 100))
		return api_reply_error(req, 400, "invalid", "name",
				       "name must be 1 to 100 characters");
	if (json_object_get(b, "sip_password") &&
	    (!pw || strlen(pw) < 6 || strlen(pw) > 64))
		return api_reply_error(req, 400, "invalid", "sip_password",
				       "sip_password must be 6 to 64 "
				       "characters");
	return skills_check(req, json_object_get(b, "skills"));
}

int api_route_agents_add(struct api_req *req)
{
	struct agent_job job = {req->json, 0, true};
	const char *ext = json_string_value(json_object_get(req->json,
							    "extension"));
	char obj[48];
	int err;

	if (!extension_ok(ext))
		return api_reply_error(req, 400, "invalid", "extension",
				       "extension must be 2 to 10 digits");
	err = agent_fields_check(req, req->json);
	if (err)
		return err;
	err = api_db_txn(agent_save, &job);
	if (err == EEXIST)
		return api_reply_error(req, 409, "conflict", "extension",
				       "extension %s exists already", ext);
	if (err)
		return err;
	agent_apply(job.id);
	snprintf(obj, sizeof(obj), "agent/%lld", (long long)job.id);
	api_audit(req, "agent.create", obj,
		  json_pack("{s:s}", "extension", ext));
	return api_reply_json(req, 201, agent_json(job.id));
}

static bool exists_name(const char *sql, const char *name)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (name && !api_db_query(&st, sql, "t", name)) {
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

static bool exists(const char *sql, int64_t id)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (!api_db_query(&st, sql, "i", id)) {
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

int api_route_agents_update(struct api_req *req)
{
	struct agent_job job = {req->json, 0, false};
	char obj[48];
	int err;

	err = api_req_param_id(&job.id, req, "id");
	if (err)
		return err;
	if (!exists("SELECT 1 FROM agents WHERE id = ?", job.id))
		return api_reply_error(req, 404, "not_found", "id",
				       "no agent %lld", (long long)job.id);
	err = agent_fields_check(req, req->json);
	if (err)
		return err;
	err = api_db_txn(agent_save, &job);
	if (err)
		return err;
	agent_apply(job.id);
	snprintf(obj, sizeof(obj), "agent/%lld", (long long)job.id);
	api_audit(req, "agent.update", obj, json_incref(req->json));
	return api_reply_json(req, 200, agent_json(job.id));
}

int api_route_agents_delete(struct api_req *req)
{
	char obj[48];
	int64_t id;
	int changes = 0, err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	err = api_db_write(NULL, &changes, "DELETE FROM agents WHERE id = ?",
			   "i", id);
	if (err)
		return err;
	if (!changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no agent %lld", (long long)id);
	agent_apply(id);
	snprintf(obj, sizeof(obj), "agent/%lld", (long long)id);
	api_audit(req, "agent.delete", obj, NULL);
	return api_reply_json(req, 200, json_pack("{s:I}", "deleted",
						  (json_int_t)id));
}

/* --- queues ---------------------------------------------------------- */

static const char *const queue_ints[] = {
	"sl_target_pct", "sl_threshold_s", "max_wait_s", "max_len",
	"wrapup_s", "ring_timeout_s", "short_abandon_s", "announce_every_s",
	"min_level",
};

static json_t *queue_json(int64_t id)
{
	sqlite3_stmt *st;
	json_t *rows, *q;

	if (api_db_query(&st, "SELECT id, name, strategy, sl_target_pct, "
			 "sl_threshold_s, max_wait_s, max_len, "
			 "overflow_queue, wrapup_s, ring_timeout_s, "
			 "short_abandon_s, announce_every_s, skill, "
			 "min_level, escalations FROM queues WHERE id = ?",
			 "i", id))
		return NULL;
	rows = api_db_rows(st);
	q = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!q)
		return NULL;
	{
		json_t *esc = json_loads(jstr(q, "escalations") ?
						 jstr(q, "escalations") : "[]",
					 0, NULL);

		json_object_set_new(q, "escalations",
				    esc ? esc : json_array());
	}
	if (!api_db_query(&st, "SELECT agent_id, level, weight, position "
			  "FROM queue_members WHERE queue_id = ? ORDER BY "
			  "position, agent_id", "i", id))
		json_object_set_new(q, "members", api_db_rows(st));
	return q;
}

int api_route_queues_get(struct api_req *req)
{
	sqlite3_stmt *st;
	json_t *out = json_array();
	int err;

	err = api_db_query(&st, "SELECT id FROM queues ORDER BY name", NULL);
	if (err) {
		json_decref(out);
		return err;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *q = queue_json(sqlite3_column_int64(st, 0));

		if (q)
			json_array_append_new(out, q);
	}
	sqlite3_finalize(st);
	return api_reply_json(req, 200, out);
}

struct queue_job {
	const json_t *body;
	int64_t id;
	bool create;
};

static int queue_save(sqlite3 *db, void *arg)
{
	struct queue_job *j = arg;
	const json_t *b = j->body, *v, *m;
	size_t i;
	char sql[128];
	int err = 0;

	if (j->create) {
		err = exec(db, "INSERT INTO queues(name, created_at) VALUES "
			   "(?, ?)", "ti",
			   json_string_value(json_object_get(b, "name")),
			   (int64_t)cc_wall_ms());
		j->id = sqlite3_last_insert_rowid(db);
	}
	for (i = 0; !err && i < sizeof(queue_ints) / sizeof(*queue_ints);
	     i++) {
		if (!(v = json_object_get(b, queue_ints[i])))
			continue;
		snprintf(sql, sizeof(sql), "UPDATE queues SET %s = ? WHERE "
			 "id = ?", queue_ints[i]);
		err = exec(db, sql, "ii", (int64_t)json_integer_value(v),
			   j->id);
	}
	if (!err && (v = json_object_get(b, "strategy")))
		err = exec(db, "UPDATE queues SET strategy = ? WHERE id = ?",
			   "ti", json_string_value(v), j->id);
	if (!err && (v = json_object_get(b, "overflow_queue")))
		err = exec(db, "UPDATE queues SET overflow_queue = ? WHERE id "
			   "= ?", "ti", json_string_value(v), j->id);
	if (!err && (v = json_object_get(b, "skill"))) {
		/* null: no required skill (any member) */
		if (!json_is_null(v))
			err = exec(db, "INSERT OR IGNORE INTO skills(name) "
				   "VALUES (?)", "t", json_string_value(v));
		if (!err)
			err = exec(db, "UPDATE queues SET skill = ? WHERE id "
				   "= ?", "ti", json_string_value(v), j->id);
	}
	if (!err && (v = json_object_get(b, "escalations"))) {
		char *text = json_dumps(v, JSON_COMPACT);

		err = text ? exec(db, "UPDATE queues SET escalations = ? "
				  "WHERE id = ?", "ti", text, j->id)
			   : ENOMEM;
		free(text);
	}
	if (!err && (v = json_object_get(b, "members"))) {
		err = exec(db, "DELETE FROM queue_members WHERE queue_id = ?",
			   "i", j->id);
		json_array_foreach(v, i, m)
		{
			json_t *lv = json_object_get(m, "level");
			json_t *wv = json_object_get(m, "weight");

			if (err)
				break;
			err = exec(db, "INSERT INTO queue_members(queue_id, "
				   "agent_id, level, weight, position) VALUES "
				   "(?, ?, ?, ?, ?)", "iiiii", j->id,
				   (int64_t)json_integer_value(
					   json_object_get(m, "agent_id")),
				   (int64_t)(lv ? json_integer_value(lv) : 5),
				   (int64_t)(wv ? json_integer_value(wv) : 1),
				   (int64_t)i);
		}
	}
	return err;
}

/* escalations: [{"after_s", "action", ...}] in time order (see
 * escalations_decode in src/core/center.c for what each step does). */
static int escalations_check(struct api_req *req, const json_t *v)
{
	const json_t *e;
	json_int_t prev = 0;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > ACD_ESCALATIONS_MAX)
		return api_reply_error(req, 400, "invalid", "escalations",
				       "escalations must be a list of at most "
				       "%d steps", ACD_ESCALATIONS_MAX);
	json_array_foreach(v, i, e)
	{
		const char *action = jstr(e, "action");
		const json_t *after = json_object_get(e, "after_s");
		const json_t *lv = json_object_get(e, "level");
		const char *skill = jstr(e, "skill");
		const char *queue = jstr(e, "queue");

		if (!json_is_integer(after) || json_integer_value(after) < 0 ||
		    json_integer_value(after) > 86400 ||
		    json_integer_value(after) < prev)
			return api_reply_error(req, 400, "invalid",
					       "escalations", "escalations[%zu]"
					       ": after_s must be 0 to 86400, "
					       "not before the step above", i);
		prev = json_integer_value(after);
		if (!action || (strcmp(action, "lower_level") &&
				strcmp(action, "add_skill") &&
				strcmp(action, "raise_priority") &&
				strcmp(action, "move_queue")))
			return api_reply_error(req, 400, "invalid",
					       "escalations", "escalations[%zu]"
					       ": action must be lower_level, "
					       "add_skill, raise_priority or "
					       "move_queue", i);
		if ((!strcmp(action, "lower_level") ||
		     !strcmp(action, "add_skill")) &&
		    (!json_is_integer(lv) || json_integer_value(lv) < 1 ||
		     json_integer_value(lv) > 10))
			return api_reply_error(req, 400, "invalid",
					       "escalations", "escalations[%zu]"
					       ": level must be 1 to 10", i);
		if ((!strcmp(action, "add_skill") || skill) &&
		    !name_ok(skill, 40))
			return api_reply_error(req, 400, "invalid",
					       "escalations", "escalations[%zu]"
					       ": skill must name a skill", i);
		if (!strcmp(action, "raise_priority") &&
		    (!json_is_integer(json_object_get(e, "delta")) ||
		     llabs(json_integer_value(json_object_get(e, "delta"))) >
			     1000))
			return api_reply_error(req, 400, "invalid",
					       "escalations", "escalations[%zu]"
					       ": delta must be an integer",
					       i);
		if (!strcmp(action, "move_queue") &&
		    !exists_name("SELECT 1 FROM queues WHERE name = ?", queue))
			return api_reply_error(req, 400, "invalid",
					       "escalations", "escalations[%zu]"
					       ": no queue %s", i,
					       queue ? queue : "(none)");
	}
	return 0;
}

static int queue_fields_check(struct api_req *req, const json_t *b)
{
	enum acd_strategy s;
	const json_t *v, *m;
	size_t i;

	if ((v = json_object_get(b, "strategy")) &&
	    (!json_is_string(v) || acd_strategy_decode(&s,
						       json_string_value(v))))
		return api_reply_error(req, 400, "invalid", "strategy",
				       "strategy must be longest_idle, "
				       "round_robin, fewest_calls, "
				       "least_occupied, highest_skill, "
				       "ring_all, random or top_down");
	for (i = 0; i < sizeof(queue_ints) / sizeof(*queue_ints); i++) {
		json_int_t x;

		if (!(v = json_object_get(b, queue_ints[i])))
			continue;
		x = json_integer_value(v);
		if (x < 0 || x > 86400 ||
		    (!strcmp(queue_ints[i], "sl_target_pct") && x > 100) ||
		    (!strcmp(queue_ints[i], "min_level") && (x < 1 || x > 10)))
			return api_reply_error(req, 400, "out_of_range",
					       queue_ints[i], "%s is out of "
					       "range", queue_ints[i]);
	}
	/* skill and overflow_queue: null clears them */
	if ((v = json_object_get(b, "skill")) && !json_is_null(v) &&
	    !name_ok(json_string_value(v), 40))
		return api_reply_error(req, 400, "invalid", "skill",
				       "skill must be 1 to 40 of a-z 0-9 _ -");
	if ((v = json_object_get(b, "overflow_queue")) && !json_is_null(v) &&
	    !name_ok(json_string_value(v), 40))
		return api_reply_error(req, 400, "invalid", "overflow_queue",
				       "overflow_queue must name a queue");
	if (escalations_check(req, json_object_get(b, "escalations")))
		return EINVAL;
	json_array_foreach(json_object_get(b, "members"), i, m)
	{
		json_int_t a = json_integer_value(json_object_get(m,
								  "agent_id"));
		json_t *lv = json_object_get(m, "level");

		if (!exists("SELECT 1 FROM agents WHERE id = ?", a))
			return api_reply_error(req, 400, "invalid", "members",
					       "members[%zu]: no agent %lld", i,
					       (long long)a);
		if (lv && (json_integer_value(lv) < 1 ||
			   json_integer_value(lv) > 10))
			return api_reply_error(req, 400, "invalid", "members",
					       "members[%zu]: level must be 1 "
					       "to 10", i);
	}
	return 0;
}

int api_route_queues_add(struct api_req *req)
{
	struct queue_job job = {req->json, 0, true};
	const char *name = json_string_value(json_object_get(req->json,
							     "name"));
	char obj[64];
	int err;

	if (!name_ok(name, 40))
		return api_reply_error(req, 400, "invalid", "name",
				       "name must be 1 to 40 of a-z 0-9 _ -");
	err = queue_fields_check(req, req->json);
	if (err)
		return err;
	err = api_db_txn(queue_save, &job);
	if (err == EEXIST)
		return api_reply_error(req, 409, "conflict", "name",
				       "queue %s exists already", name);
	if (err)
		return err;
	queue_apply(job.id);
	snprintf(obj, sizeof(obj), "queue/%lld", (long long)job.id);
	api_audit(req, "queue.create", obj, json_incref(req->json));
	return api_reply_json(req, 201, queue_json(job.id));
}

int api_route_queues_update(struct api_req *req)
{
	struct queue_job job = {req->json, 0, false};
	char obj[64];
	int err;

	err = api_req_param_id(&job.id, req, "id");
	if (err)
		return err;
	if (!exists("SELECT 1 FROM queues WHERE id = ?", job.id))
		return api_reply_error(req, 404, "not_found", "id",
				       "no queue %lld", (long long)job.id);
	err = queue_fields_check(req, req->json);
	if (err)
		return err;
	err = api_db_txn(queue_save, &job);
	if (err)
		return err;
	queue_apply(job.id);
	snprintf(obj, sizeof(obj), "queue/%lld", (long long)job.id);
	api_audit(req, "queue.update", obj, json_incref(req->json));
	return api_reply_json(req, 200, queue_json(job.id));
}

int api_route_queues_delete(struct api_req *req)
{
	char obj[64];
	int64_t id;
	int changes = 0, err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	/* A public number leading to it would answer calls with "not
	 * available": the dial plan changes first. */
	{
		json_t *nums = rows_of("SELECT n.number FROM numbers n JOIN "
				       "queues q ON q.name = n.queue WHERE "
				       "q.id = ? ORDER BY n.number", id);
		const char *first = jstr(json_array_get(nums, 0), "number");

		if (first) {
			err = api_reply_error(req, 409, "conflict", "id",
					      "number %s leads to this queue: "
					      "change it first", first);
			json_decref(nums);
			return err;
		}
		json_decref(nums);
	}
	err = api_db_write(NULL, &changes, "DELETE FROM queues WHERE id = ?",
			   "i", id);
	if (err)
		return err;
	if (!changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no queue %lld", (long long)id);
	queue_apply(id);
	snprintf(obj, sizeof(obj), "queue/%lld", (long long)id);
	api_audit(req, "queue.delete", obj, NULL);
	return api_reply_json(req, 200, json_pack("{s:I}", "deleted",
						  (json_int_t)id));
}

/* --- IVR flows (read-only here; the editor is a later step) ------------ */

int api_route_flows_get(struct api_req *req)
{
	sqlite3_stmt *st;
	int err;

	err = api_db_query(&st, "SELECT f.name, f.updated_at, coalesce((SELECT"
			   " group_concat(n.number, ' ') FROM numbers n WHERE "
			   "n.flow = f.name), '') AS numbers FROM flows f "
			   "ORDER BY f.name", NULL);
	if (err)
		return err;
	return api_reply_json(req, 200, api_db_rows(st));
}
