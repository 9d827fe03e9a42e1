/*
 * Routes over the api module's own tables: the managed lists (disposition
 * codes, away reasons), the audit log, and the live figures snapshot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cc.h"
#include "store/store.h"
#include "api_handlers.h"
#include "api_int.h"

int api_route_stats_live(struct api_req *req)
{
	/* Serialised once a second (api_ws_stats_set); every request shares
	 * that buffer. */
	struct api_buf *b = api_ws_stats_buf();
	int err;

	if (!b)
		return api_reply_error(req, 503, "unavailable", NULL,
				       "no figures yet");
	err = api_reply_buf(req, 200, "application/json", b);
	api_buf_unref(b);
	return err;
}

/* The list a route is about, from its path. */
static const char *list_table(const struct api_req *req)
{
	return strstr(req->path, "/dispositions") ? "disposition_codes"
						  : "away_reasons";
}

static bool code_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 40)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

int api_route_list_get(struct api_req *req)
{
	const char *all = api_req_query(req, "all");
	char sql[200];
	sqlite3_stmt *st;
	int err;

	snprintf(sql, sizeof(sql), "SELECT id, code, label, active FROM %s "
		 "%s ORDER BY id", list_table(req),
		 all && !strcmp(all, "true") ? "" : "WHERE active = 1");
	err = store_prepare(&st, store_reader(store_main()), sql, NULL);
	if (err)
		return err;
	return api_reply_json(req, 200, api_rows_json(st));
}

int api_route_list_add(struct api_req *req)
{
	const char *code, *label;
	char sql[160], obj[64];
	int64_t id;
	struct store_wrote wr = {0, 0};
	int err;

	code = json_string_value(json_object_get(req->json, "code"));
	label = json_string_value(json_object_get(req->json, "label"));
	if (!code_valid(code))
		return api_reply_error(req, 400, "invalid", "code",
				       "code must be 1 to 40 of a-z 0-9 _ -");
	if (!*label || strlen(label) > 100)
		return api_reply_error(req, 400, "invalid", "label",
				       "label must be 1 to 100 characters");
	snprintf(sql, sizeof(sql), "INSERT INTO %s (code, label) VALUES "
		 "(?, ?)", list_table(req));
	err = store_write_wait_ex(store_main(), &wr, sql, "ss", code, label);
	if (err == EEXIST)
		return api_reply_error(req, 409, "conflict", "code",
				       "code %s exists already", code);
	if (err)
		return err;
	id = wr.rowid;
	snprintf(obj, sizeof(obj), "%s/%lld", list_table(req), (long long)id);
	api_audit(req, "list.add", obj, json_incref(req->json));
	api_event_publish("list.changed",
			  json_pack("{s:s,s:I,s:s}", "list", list_table(req),
				    "id", (json_int_t)id, "code", code),
			  0);
	return api_reply_json(req, 201,
			      json_pack("{s:I,s:s,s:s,s:i}", "id",
					(json_int_t)id, "code", code, "label",
					label, "active", 1));
}

int api_route_list_update(struct api_req *req)
{
	json_t *label = json_object_get(req->json, "label");
	json_t *active = json_object_get(req->json, "active");
	char sql[200], obj[64];
	int64_t id;
	struct store_wrote wr = {0, 0};
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (label && (!*json_string_value(label) ||
		      strlen(json_string_value(label)) > 100))
		return api_reply_error(req, 400, "invalid", "label",
				       "label must be 1 to 100 characters");
	snprintf(sql, sizeof(sql), "UPDATE %s SET label = coalesce(?, "
		 "label), active = coalesce(?, active) WHERE id = ?",
		 list_table(req));
	if (active)
		err = store_write_wait_ex(store_main(), &wr, sql, "sii",
		                          json_string_value(label),
		                          (int64_t)json_is_true(active), id);
	else
		err = store_write_wait_ex(store_main(), &wr, sql, "sni",
		                          json_string_value(label), id);
	if (err)
		return err;
	if (!wr.changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no entry %lld", (long long)id);
	snprintf(obj, sizeof(obj), "%s/%lld", list_table(req), (long long)id);
	api_audit(req, "list.update", obj, json_incref(req->json));
	api_event_publish("list.changed",
			  json_pack("{s:s,s:I}", "list", list_table(req),
				    "id", (json_int_t)id),
			  0);
	return api_reply_json(req, 200, json_pack("{s:I}", "id",
						  (json_int_t)id));
}

int api_route_list_delete(struct api_req *req)
{
	char sql[100], obj[64];
	int64_t id;
	struct store_wrote wr = {0, 0};
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?",
		 list_table(req));
	err = store_write_wait_ex(store_main(), &wr, sql, "i", id);
	if (err)
		return err;
	if (!wr.changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no entry %lld", (long long)id);
	snprintf(obj, sizeof(obj), "%s/%lld", list_table(req), (long long)id);
	api_audit(req, "list.delete", obj, NULL);
	api_event_publish("list.changed",
			  json_pack("{s:s,s:I,s:b}", "list", list_table(req),
				    "id", (json_int_t)id, "deleted", 1),
			  0);
	return api_reply_json(req, 200, json_pack("{s:b}", "deleted", 1));
}

int api_route_audit_get(struct api_req *req)
{
	const char *ls = api_req_query(req, "limit");
	const char *bs = api_req_query(req, "before");
	long long limit = ls ? atoll(ls) : 100, before;
	sqlite3_stmt *st;
	int err;

	if (limit < 1 || limit > 1000)
		return api_reply_error(req, 400, "invalid", "limit",
				       "limit must be 1 to 1000");
	before = bs ? atoll(bs) : INT64_MAX;
	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT id, at, username, action, object, "
	                    "detail FROM audit_log WHERE id < ? "
	                    "ORDER BY id DESC LIMIT ?",
	                    "ii", (int64_t)before, (int64_t)limit);
	if (err)
		return err;
	return api_reply_json(req, 200, api_rows_json(st));
}

/* Main thread: proves the loop answers, and how fast. */
static int core_ping(json_t **resultp, const json_t *args)
{
	(void)args;
	*resultp = json_pack("{s:I}", "core_ms", (json_int_t)cc_clock_ms());
	return *resultp ? 0 : ENOMEM;
}

int api_route_health(struct api_req *req)
{
	uint64_t t0 = cc_clock_ms();
	json_t *r = NULL;
	int err;

	err = api_core_call(&r, core_ping, NULL, API_CORE_TIMEOUT_MS);
	if (err == ETIMEDOUT)
		return api_reply_error(req, 503, "core_unresponsive", NULL,
				       "the core loop did not answer within "
				       "%d ms", API_CORE_TIMEOUT_MS);
	if (err)
		return err;
	json_decref(r);
	return api_reply_json(req, 200,
			      json_pack("{s:s,s:I,s:I,s:I}", "status", "ok",
					"core_roundtrip_ms",
					(json_int_t)(cc_clock_ms() - t0),
					"event_seq", (json_int_t)api_ws_seq(),
					"event_clients",
					(json_int_t)api_event_clients()));
}
