/*
 * The dial plan over the API: the public numbers and where each leads (an
 * IVR flow or a queue). Admin only, every change audited. A change is
 * committed to the store, then applied live to sig's number table on the
 * main loop (sig_number_set / sig_number_remove through api_core_call):
 * a new number answers its next call, a deleted one refuses new calls
 * (404) at once, and calls already in progress go on.
 *
 *   GET    /api/v1/numbers            [{"number","flow","queue"}, ...]
 *   POST   /api/v1/numbers            {"number", "queue" | "flow"}  201
 *   PATCH  /api/v1/numbers/{number}   {"queue"} or {"flow"}         200
 *   DELETE /api/v1/numbers/{number}                                 204
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cc.h"
#include "sig/sig.h"
#include "api_db.h"
#include "api_handlers.h"
#include "api_int.h"

enum { NUMBER_MAX = 31, LIVE_TIMEOUT_MS = 2000 };

/* A dialled number: 2 to 31 digits, a leading + allowed. */
static bool number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n && s[0] == '+') {
		s++;
		n--;
	}
	if (n < 2 || n > NUMBER_MAX - 1)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

static bool row_exists(const char *sql, const char *key)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (key && !api_db_query(&st, sql, "t", key)) {
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

static json_t *number_json(const char *number)
{
	sqlite3_stmt *st;
	json_t *rows, *n;

	if (api_db_query(&st, "SELECT number, flow, queue FROM numbers WHERE "
			 "number = ?", "t", number))
		return NULL;
	rows = api_db_rows(st);
	n = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return n;
}

int api_route_numbers_get(struct api_req *req)
{
	sqlite3_stmt *st;
	int err;

	err = api_db_query(&st, "SELECT number, flow, queue FROM numbers "
			   "ORDER BY number", NULL);
	if (err)
		return err;
	return api_reply_json(req, 200, api_db_rows(st));
}

/* The body's target: exactly one of queue and flow, and it must exist.
 * Replies 400 (returns EINVAL) otherwise. */
static int target_check(struct api_req *req, const json_t *b,
			const char **queuep, const char **flowp)
{
	const json_t *qv = json_object_get(b, "queue");
	const json_t *fv = json_object_get(b, "flow");

	if (qv && json_is_null(qv))
		qv = NULL;
	if (fv && json_is_null(fv))
		fv = NULL;
	if (!qv == !fv)
		return api_reply_error(req, 400, "invalid", qv ? "flow" :
				       "queue", "give either queue or flow");
	*queuep = json_string_value(qv);
	*flowp = json_string_value(fv);
	if (qv && !row_exists("SELECT 1 FROM queues WHERE name = ?", *queuep))
		return api_reply_error(req, 400, "invalid", "queue",
				       "no queue %s", *queuep ? *queuep :
				       "(not a string)");
	if (fv && !row_exists("SELECT 1 FROM flows WHERE name = ?", *flowp))
		return api_reply_error(req, 400, "invalid", "flow",
				       "no flow %s", *flowp ? *flowp :
				       "(not a string)");
	return 0;
}

/* Main loop: the number's new target (or its removal) to sig. */
static int live_number_h(json_t **resultp, const json_t *args)
{
	const char *number = json_string_value(json_object_get(args,
								 "number"));
	const json_t *row = json_object_get(args, "row");

	(void)resultp;
	if (!json_is_object(row)) {
		int err = sig_number_remove(number);

		return err == ENOENT ? 0 : err;
	}
	return sig_number_set(number,
			      json_string_value(json_object_get(row, "flow")),
			      json_string_value(json_object_get(args, "def")),
			      json_string_value(json_object_get(row,
								"queue")));
}

/* Reads the committed row back (and the flow's definition) and applies
 * it live. Stored whatever happens: a failure is logged. */
static void number_apply(const char *number)
{
	json_t *row = number_json(number);
	const char *flow = json_string_value(json_object_get(row, "flow"));
	json_t *def = NULL;
	sqlite3_stmt *st;
	int err;

	if (flow && !api_db_query(&st, "SELECT definition FROM flows WHERE "
				  "name = ?", "t", flow)) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0))
			def = json_string((const char *)sqlite3_column_text(
				st, 0));
		sqlite3_finalize(st);
	}
	err = api_core_call(NULL, live_number_h,
			    json_pack("{s:s,s:o*,s:o*}", "number", number,
				      "row", row, "def", def),
			    LIVE_TIMEOUT_MS);
	if (err)
		cc_warn("api", "number %s stored, live apply failed: %s",
			number, strerror(err));
}

int api_route_numbers_add(struct api_req *req)
{
	const json_t *b = req->json;
	const char *number = json_string_value(json_object_get(b, "number"));
	const char *queue = NULL, *flow = NULL;
	char obj[64];
	int err;

	if (!number_ok(number))
		return api_reply_error(req, 400, "invalid", "number",
				       "number must be 2 to 30 digits, a "
				       "leading + allowed");
	err = target_check(req, b, &queue, &flow);
	if (err)
		return err;
	if (row_exists("SELECT 1 FROM numbers WHERE number = ?", number))
		return api_reply_error(req, 409, "conflict", "number",
				       "number %s exists already", number);
	if (row_exists("SELECT 1 FROM agents WHERE extension = ?", number))
		return api_reply_error(req, 409, "conflict", "number",
				       "%s is an agent's extension", number);
	err = api_db_write(NULL, NULL, "INSERT INTO numbers(number, flow, "
			   "queue) VALUES (?, ?, ?)", flow ? "ttn" : "tnt",
			   number, flow ? flow : queue);
	if (err == EEXIST)
		return api_reply_error(req, 409, "conflict", "number",
				       "number %s exists already", number);
	if (err)
		return err;
	number_apply(number);
	snprintf(obj, sizeof(obj), "number/%s", number);
	api_audit(req, "number.create", obj, json_incref(req->json));
	return api_reply_json(req, 201, number_json(number));
}

int api_route_numbers_update(struct api_req *req)
{
	const char *number = api_req_param(req, "number");
	const char *queue = NULL, *flow = NULL;
	char obj[64];
	int changes = 0, err;

	if (!number || !row_exists("SELECT 1 FROM numbers WHERE number = ?",
				   number))
		return api_reply_error(req, 404, "not_found", "number",
				       "no number %s", number ? number : "");
	err = target_check(req, req->json, &queue, &flow);
	if (err)
		return err;
	err = api_db_write(NULL, &changes, "UPDATE numbers SET flow = ?, "
			   "queue = ? WHERE number = ?",
			   flow ? "tnt" : "ntt", flow ? flow : queue, number);
	if (err)
		return err;
	if (!changes)
		return api_reply_error(req, 404, "not_found", "number",
				       "no number %s", number);
	number_apply(number);
	snprintf(obj, sizeof(obj), "number/%s", number);
	api_audit(req, "number.update", obj, json_incref(req->json));
	return api_reply_json(req, 200, number_json(number));
}

int api_route_numbers_delete(struct api_req *req)
{
	const char *number = api_req_param(req, "number");
	char obj[64];
	int changes = 0, err;

	if (!number)
		return EINVAL;
	err = api_db_write(NULL, &changes, "DELETE FROM numbers WHERE number "
			   "= ?", "t", number);
	if (err)
		return err;
	if (!changes)
		return api_reply_error(req, 404, "not_found", "number",
				       "no number %s", number);
	number_apply(number);
	snprintf(obj, sizeof(obj), "number/%s", number);
	api_audit(req, "number.delete", obj, NULL);
	return api_reply_data(req, 204, "application/json", "", 0);
}
