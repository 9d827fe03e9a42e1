/*
 * crm_case.c: cases (tickets) for problems that outlive one contact, over
 * the HTTP API: subject, status (new, open, pending_customer, solved,
 * closed), priority (low, normal, high, urgent), owner (an agent), due
 * date (ms since the epoch), linked interactions and an internal comment
 * thread. Linking a new contact of the case's customer to a solved or
 * closed case reopens it (status open, a comment says by which contact).
 * Agents see and work cases; only supervisors and administrators delete
 * them. Every change goes to the audit log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "api/api_req.h"
#include "core/cc.h"
#include "store/store.h"
#include "crm.h"
#include "crm_int.h"

static const char *const statusv[] = {"new", "open", "pending_customer",
				      "solved", "closed", NULL};
static const char *const priov[] = {"low", "normal", "high", "urgent",
				    NULL};

static bool one_of(const char *s, const char *const *v)
{
	for (; s && *v; v++)
		if (!strcmp(s, *v))
			return true;
	return false;
}

static void audit(struct api_req *req, const char *action, int64_t id,
		  json_t *detail)
{
	char obj[48];

	snprintf(obj, sizeof(obj), "case/%lld", (long long)id);
	(void)api_audit(req, action, obj, detail);
}

static json_t *case_json(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	json_t *rows, *k;

	st = crm_prepare(db, "SELECT k.id, k.subject, k.status, k.priority, "
			 "k.customer_id, c.name AS customer_name, "
			 "k.owner_agent_id, a.name AS owner_name, k.due_at, "
			 "k.created_at, k.updated_at, k.created_by, "
			 "k.reopened FROM cases k LEFT JOIN customers c ON "
			 "c.id = k.customer_id LEFT JOIN agents a ON a.id = "
			 "k.owner_agent_id WHERE k.id = ?", "i", id);
	rows = crm_rows(st);
	k = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!k)
		return NULL;
	st = crm_prepare(db, "SELECT id, at, username, body FROM "
			 "case_comments WHERE case_id = ? ORDER BY id", "i",
			 id);
	json_object_set_new(k, "comments", crm_rows(st));
	st = crm_prepare(db, "SELECT i.id, i.channel, i.created_at AS "
			 "started_at, i.queue, i.agent_id, i.outcome, "
			 "coalesce(n.disposition, i.disposition) AS "
			 "disposition, ci.linked_at FROM case_interactions ci"
			 " JOIN interactions i ON i.id = ci.interaction_id "
			 "LEFT JOIN interaction_notes n ON n.interaction_id "
			 "= i.id WHERE ci.case_id = ? ORDER BY i.created_at "
			 "DESC", "i", id);
	json_object_set_new(k, "interactions", crm_rows(st));
	return k;
}

static int case_param(int64_t *idp, json_t **kp, struct api_req *req)
{
	int err = api_req_param_id(idp, req, "id");

	if (err)
		return err;
	*kp = case_json(crm_reader(), *idp);
	if (!*kp)
		return api_reply_error(req, 404, "not_found", "id",
				       "no case %lld", (long long)*idp);
	return 0;
}

/* Checks the fields a create or update may set; replies 400 naming the
 * field. */
static int case_check(struct api_req *req, json_t *b)
{
	const char *s;
	json_t *v;
	sqlite3_stmt *st;
	bool ok;

	s = json_string_value(json_object_get(b, "subject"));
	if (s && (!*s || strlen(s) > CRM_SUBJECT_MAX))
		return api_reply_error(req, 400, "invalid", "subject",
				       "a subject is 1 to %d bytes",
				       CRM_SUBJECT_MAX);
	s = json_string_value(json_object_get(b, "status"));
	if (s && !one_of(s, statusv))
		return api_reply_error(req, 400, "invalid", "status",
				       "status must be new, open, "
				       "pending_customer, solved or closed");
	s = json_string_value(json_object_get(b, "priority"));
	if (s && !one_of(s, priov))
		return api_reply_error(req, 400, "invalid", "priority",
				       "priority must be low, normal, high or"
				       " urgent");
	if ((v = json_object_get(b, "due_at")) && !json_is_null(v) &&
	    json_integer_value(v) <= 0)
		return api_reply_error(req, 400, "invalid", "due_at",
				       "due_at is ms since the epoch");
	if ((v = json_object_get(b, "owner_agent_id")) &&
	    json_integer_value(v)) {
		st = crm_prepare(crm_reader(), "SELECT 1 FROM agents WHERE id "
				 "= ?", "i", (int64_t)json_integer_value(v));
		ok = st && sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!ok)
			return api_reply_error(req, 400, "invalid",
					       "owner_agent_id",
					       "no agent %lld", (long long)
					       json_integer_value(v));
	}
	if ((v = json_object_get(b, "customer_id")) && !json_is_null(v)) {
		st = crm_prepare(crm_reader(), "SELECT 1 FROM customers WHERE "
				 "id = ? AND merged_into IS NULL", "i",
				 (int64_t)json_integer_value(v));
		ok = st && sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!ok)
			return api_reply_error(req, 400, "invalid",
					       "customer_id",
					       "no customer %lld", (long long)
					       json_integer_value(v));
	}
	return 0;
}

/* --- Linking an interaction (may reopen) ---------------------------------- */

struct link {
	int64_t case_id, interaction, now, customer;
	const char *username;
	int64_t account;
	bool reopened;
};

static int link_txn(sqlite3 *db, void *arg)
{
	struct link *l = arg;
	sqlite3_stmt *st;
	const char *status;
	int64_t kc = 0, ic = 0;
	bool closed = false;
	int err = ENOENT;
	char body[96];

	st = crm_prepare(db, "SELECT k.status, coalesce(k.customer_id, 0), "
			 "coalesce(i.customer_id, 0) FROM cases k, "
			 "interactions i WHERE k.id = ? AND i.id = ?", "ii",
			 l->case_id, l->interaction);
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, 0);
		closed = !strcmp(status, "solved") || !strcmp(status, "closed");
		kc = sqlite3_column_int64(st, 1);
		ic = sqlite3_column_int64(st, 2);
		err = 0;
	}
	sqlite3_finalize(st);
	if (err)
		return err;
	if (kc && ic && kc != ic)
		return EXDEV; /* another customer's contact */
	err = store_exec(db, "INSERT OR IGNORE INTO case_interactions VALUES "
			 "(?, ?, ?)", "iii", l->case_id, l->interaction,
			 l->now);
	if (err || !sqlite3_changes(db))
		return err;
	if (!kc && ic)
		err = store_exec(db, "UPDATE cases SET customer_id = ? WHERE "
				 "id = ?", "ii", ic, l->case_id);
	if (!err && closed) {
		l->reopened = true;
		snprintf(body, sizeof(body), "Reopened by interaction %lld.",
			 (long long)l->interaction);
		err = store_exec(db, "UPDATE cases SET status = 'open', "
				 "reopened = reopened + 1 WHERE id = ?", "i",
				 l->case_id);
		if (!err)
			err = store_exec(db, "INSERT INTO case_comments "
					 "(case_id, at, account_id, username, "
					 "body) VALUES (?, ?, ?, ?, ?)",
					 "iiiss", l->case_id, l->now,
					 l->account, l->username, body);
	}
	if (!err)
		err = store_exec(db, "UPDATE cases SET updated_at = ? WHERE id"
				 " = ?", "ii", l->now, l->case_id);
	return err;
}

static int link_reply_err(struct api_req *req, int err, int64_t ix)
{
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found",
				       "interaction_id", "no interaction %lld",
				       (long long)ix);
	if (err == EXDEV)
		return api_reply_error(req, 409, "other_customer",
				       "interaction_id",
				       "interaction %lld is another "
				       "customer's", (long long)ix);
	return err;
}

/* --- Routes --------------------------------------------------------------- */

int crm_api_cases_get(struct api_req *req)
{
	const char *status = api_req_query(req, "status");
	const char *q = api_req_query(req, "q");
	const char *s;
	int64_t customer = 0, owner = 0, limit = 50;
	sqlite3_stmt *st;

	if (status && !one_of(status, statusv))
		return api_reply_error(req, 400, "invalid", "status",
				       "status must be new, open, "
				       "pending_customer, solved or closed");
	if ((s = api_req_query(req, "customer")))
		customer = atoll(s);
	if ((s = api_req_query(req, "owner")))
		owner = atoll(s);
	if ((s = api_req_query(req, "limit"))) {
		limit = atoll(s);
		if (limit < 1 || limit > 200)
			return api_reply_error(req, 400, "invalid", "limit",
					       "limit must be 1 to 200");
	}
	st = crm_prepare(crm_reader(),
			 "SELECT k.id, k.subject, k.status, k.priority, "
			 "k.customer_id, c.name AS customer_name, "
			 "k.owner_agent_id, k.due_at, k.created_at, "
			 "k.updated_at FROM cases k LEFT JOIN customers c ON "
			 "c.id = k.customer_id WHERE (?1 IS NULL OR k.status "
			 "= ?1) AND (?2 = 0 OR k.customer_id = ?2) AND (?3 = "
			 "0 OR k.owner_agent_id = ?3) AND (?4 IS NULL OR "
			 "k.subject LIKE '%' || ?4 || '%') ORDER BY "
			 "k.updated_at DESC, k.id DESC LIMIT ?5", "siisi",
			 status, customer, owner, q, limit);
	if (!st)
		return EIO;
	return api_reply_json(req, 200, crm_rows(st));
}

struct case_new {
	json_t *b;
	int64_t id, now;
	const char *by;
};

static int case_add_txn(sqlite3 *db, void *arg)
{
	struct case_new *n = arg;
	json_t *b = n->b;
	json_t *cust = json_object_get(b, "customer_id");
	json_t *owner = json_object_get(b, "owner_agent_id");
	json_t *due = json_object_get(b, "due_at");

	int err = store_exec(
		db, "INSERT INTO cases (customer_id, subject, status, "
		"priority, owner_agent_id, due_at, created_at, updated_at, "
		"created_by) VALUES (nullif(?, 0), ?, ?, ?, nullif(?, 0), "
		"nullif(?, 0), ?, ?, ?)",
		"isssiiiis", (int64_t)json_integer_value(cust),
		json_string_value(json_object_get(b, "subject")),
		json_string_value(json_object_get(b, "status")) ?: "new",
		json_string_value(json_object_get(b, "priority")) ?: "normal",
		(int64_t)json_integer_value(owner),
		(int64_t)json_integer_value(due), n->now, n->now, n->by);

	if (!err)
		n->id = sqlite3_last_insert_rowid(db);
	return err;
}

int crm_api_case_add(struct api_req *req)
{
	json_t *b = api_req_body(req);
	struct case_new n = {b, 0, cc_wall_ms(), api_req_username(req)};
	json_int_t ix = json_integer_value(json_object_get(b,
							   "interaction_id"));
	int err = case_check(req, b);

	if (err)
		return err;
	if (!json_object_get(b, "owner_agent_id") && api_req_agent(req))
		json_object_set_new(b, "owner_agent_id",
				    json_integer(api_req_agent(req)));
	err = store_txn_wait(store_main(), case_add_txn, &n);
	if (err)
		return err;
	if (ix) {
		struct link l = {n.id, ix, n.now, 0, api_req_username(req),
				 api_req_account(req), false};

		err = store_txn_wait(store_main(), link_txn, &l);
		if (err) {
			/* The case stays: it was made; say why the link
			 * failed. */
			audit(req, "case.create", n.id, json_incref(b));
			return link_reply_err(req, err, ix);
		}
	}
	audit(req, "case.create", n.id, json_incref(b));
	return api_reply_json(req, 201, case_json(crm_reader(), n.id));
}

int crm_api_case_get(struct api_req *req)
{
	json_t *k = NULL;
	int64_t id;
	int err = case_param(&id, &k, req);

	if (err)
		return err;
	return api_reply_json(req, 200, k);
}

struct case_upd {
	int64_t id, now;
	json_t *b;
};

static int case_upd_txn(sqlite3 *db, void *arg)
{
	static const char *const cols[] = {"subject", "status", "priority",
					   "owner_agent_id", "due_at",
					   "customer_id", NULL};
	struct case_upd *u = arg;
	int err = 0;

	for (size_t i = 0; cols[i] && !err; i++) {
		json_t *v = json_object_get(u->b, cols[i]);
		char sql[80];

		if (!v)
			continue;
		snprintf(sql, sizeof(sql), "UPDATE cases SET %s = ? WHERE id ="
			 " ?", cols[i]);
		if (json_is_string(v))
			err = store_exec(db, sql, "si", json_string_value(v),
					 u->id);
		else if (json_integer_value(v))
			err = store_exec(db, sql, "ii",
					 (int64_t)json_integer_value(v), u->id);
		else
			err = store_exec(db, sql, "ni", u->id);
	}
	if (!err)
		err = store_exec(db, "UPDATE cases SET updated_at = ? WHERE id"
				 " = ?", "ii", u->now, u->id);
	return err;
}

int crm_api_case_update(struct api_req *req)
{
	struct case_upd u = {0, cc_wall_ms(), api_req_body(req)};
	json_t *k = NULL;
	const char *status = json_string_value(json_object_get(u.b, "status"));
	int err = case_param(&u.id, &k, req);

	if (!err)
		err = case_check(req, u.b);
	if (!err && status && !api_req_can(req, API_PERM_CASES_REOPEN) &&
	    !strcmp(json_string_value(json_object_get(k, "status")),
		    "closed") &&
	    strcmp(status, "closed"))
		err = api_reply_error(req, 403, "forbidden", "status",
				      "a closed case is reopened by a new "
				      "contact or a supervisor");
	json_decref(k);
	if (!err)
		err = store_txn_wait(store_main(), case_upd_txn, &u);
	if (err)
		return err;
	audit(req, "case.update", u.id, json_incref(u.b));
	return api_reply_json(req, 200, case_json(crm_reader(), u.id));
}

int crm_api_case_delete(struct api_req *req)
{
	json_t *k = NULL;
	int64_t id;
	int err = case_param(&id, &k, req);

	if (err)
		return err;
	err = store_write_wait(store_main(), "DELETE FROM cases WHERE id = ?",
			       "i", id);
	if (err) {
		json_decref(k);
		return err;
	}
	audit(req, "case.delete", id, k);
	return api_reply_json(req, 200, json_pack("{s:I,s:b}", "id",
						  (json_int_t)id, "deleted",
						  1));
}

int crm_api_case_comment(struct api_req *req)
{
	const char *body = json_string_value(json_object_get(
		api_req_body(req), "body"));
	json_t *k = NULL;
	int64_t id, now = cc_wall_ms();
	int err = case_param(&id, &k, req);

	if (err)
		return err;
	json_decref(k);
	if (!*body || strlen(body) > CRM_COMMENT_MAX)
		return api_reply_error(req, 400, "invalid", "body",
				       "a comment is 1 to %d bytes",
				       CRM_COMMENT_MAX);
	err = store_write_wait(store_main(), "INSERT INTO case_comments "
			       "(case_id, at, account_id, username, body) "
			       "VALUES (?, ?, ?, ?, ?)", "iiiss", id, now,
			       api_req_account(req), api_req_username(req),
			       body);
	if (!err)
		err = store_write_wait(store_main(), "UPDATE cases SET "
				       "updated_at = ? WHERE id = ?", "ii",
				       now, id);
	if (err)
		return err;
	audit(req, "case.comment", id, NULL);
	return api_reply_json(req, 201, case_json(crm_reader(), id));
}

int crm_api_case_link(struct api_req *req)
{
	json_t *k = NULL;
	struct link l = {0};
	int err = case_param(&l.case_id, &k, req);

	if (err)
		return err;
	json_decref(k);
	l.interaction = json_integer_value(json_object_get(api_req_body(req),
							   "interaction_id"));
	l.now = cc_wall_ms();
	l.username = api_req_username(req);
	l.account = api_req_account(req);
	err = store_txn_wait(store_main(), link_txn, &l);
	if (err)
		return link_reply_err(req, err, l.interaction);
	audit(req, "case.link", l.case_id,
	      json_pack("{s:I,s:b}", "interaction_id",
			(json_int_t)l.interaction, "reopened", l.reopened));
	k = case_json(crm_reader(), l.case_id);
	json_object_set_new(k, "reopened_now", json_boolean(l.reopened));
	return api_reply_json(req, 200, k);
}
