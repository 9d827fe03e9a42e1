/*
 * api_trunks.c: the trunks API (administrators only, every change
 * audited). A trunk is a carrier's peer: inbound (recognised by
 * source_addr, or by username and password), outbound (outbound = true
 * and outbound_addr: the center's calls out go there), trusted (its
 * P-Asserted-Identity is believed as the caller's number) and its dial-out
 * policy (allow and deny prefix lists: see src/dial/dial.h for how they
 * combine with the built-in defaults).
 *
 * Object: {id, name, source_addr, username, has_password, outbound,
 * outbound_addr, caller_id, trusted, allow: [...], deny: [...]}. The
 * password is write-only. A write is one statement, then the main loop
 * rereads the table (sig_trunk_reload) before the reply: the next call
 * and the next dial use it; calls in progress are unaffected. Prefix
 * lists are stored space-separated.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cc.h"
#include "dial/dial.h"
#include "sig/sig.h"
#include "api_db.h"
#include "api_handlers.h"
#include "api_int.h"

enum { LIST_TEXT_MAX = DIAL_PREFIXES_MAX * DIAL_PREFIX_MAX };

static json_t *prefixes_json(const char *text)
{
	json_t *a = json_array();

	while (text && *text) {
		size_t n = strcspn(text, " ");

		if (n)
			json_array_append_new(a, json_stringn(text, n));
		text += n;
		text += strspn(text, " ");
	}
	return a;
}

static json_t *trunk_row(sqlite3_stmt *st)
{
	const char *pw = (const char *)sqlite3_column_text(st, 4);
	json_t *t = json_pack(
		"{s:I,s:s,s:s?,s:s?,s:b,s:b,s:s?,s:s?,s:b}", "id",
		(json_int_t)sqlite3_column_int64(st, 0), "name",
		(const char *)sqlite3_column_text(st, 1), "source_addr",
		(const char *)sqlite3_column_text(st, 2), "username",
		(const char *)sqlite3_column_text(st, 3), "has_password",
		pw && *pw, "outbound", sqlite3_column_int(st, 5),
		"outbound_addr", (const char *)sqlite3_column_text(st, 6),
		"caller_id", (const char *)sqlite3_column_text(st, 7),
		"trusted", sqlite3_column_int(st, 8));

	if (!t)
		return NULL;
	json_object_set_new(t, "allow", prefixes_json(
		(const char *)sqlite3_column_text(st, 9)));
	json_object_set_new(t, "deny", prefixes_json(
		(const char *)sqlite3_column_text(st, 10)));
	return t;
}

#define TRUNK_COLS                                                           \
	"SELECT id, name, source_addr, username, password, outbound,"        \
	" outbound_addr, caller_id, trusted, allow, deny FROM trunks"

static json_t *trunk_json(int64_t id)
{
	sqlite3_stmt *st;
	json_t *t = NULL;

	if (api_db_query(&st, TRUNK_COLS " WHERE id = ?", "i", id))
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		t = trunk_row(st);
	sqlite3_finalize(st);
	return t;
}

/* The main loop rereads the table (api_core_call). */
static int reload_h(json_t **resultp, const json_t *args)
{
	(void)resultp;
	(void)args;
	return sig_trunk_reload();
}

static void reload(void)
{
	int err = api_core_call(NULL, reload_h, NULL, API_CORE_TIMEOUT_MS);

	if (err)
		cc_error("api", "trunks changed, reload: %s", strerror(err));
}

int api_route_trunks_get(struct api_req *req)
{
	sqlite3_stmt *st;
	json_t *out = json_array();
	int err;

	err = api_db_query(&st, TRUNK_COLS " ORDER BY id", NULL);
	if (err) {
		json_decref(out);
		return err;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(out, trunk_row(st));
	sqlite3_finalize(st);
	return api_reply_json(req, 200, out);
}

/* --- Checks ------------------------------------------------------------- */

static bool name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_-.", *s)))
			return false;
	return true;
}

static bool port_ok(const char *p)
{
	char *end;
	long v;

	if (!*p || strspn(p, "0123456789") != strlen(p))
		return false;
	v = strtol(p, &end, 10);
	return v >= 1 && v <= 65535;
}

/* "IP", "IP:PORT", "IPV6" or "[IPV6]:PORT". */
static bool source_ok(const char *s)
{
	unsigned char buf[16];
	char ip[64];
	const char *colon;

	if (!s || strlen(s) >= sizeof(ip))
		return false;
	if (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1)
		return true;
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':' ||
		    (size_t)(close - s - 1) >= sizeof(ip))
			return false;
		memcpy(ip, s + 1, (size_t)(close - s - 1));
		ip[close - s - 1] = '\0';
		return inet_pton(AF_INET6, ip, buf) == 1 &&
		       port_ok(close + 2);
	}
	colon = strrchr(s, ':');
	if (!colon)
		return false;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	return inet_pton(AF_INET, ip, buf) == 1 && port_ok(colon + 1);
}

/* "host:port" (a name or an address; the port is required). */
static bool outbound_addr_ok(const char *s)
{
	const char *colon = s ? strrchr(s, ':') : NULL;

	if (!colon || colon == s || strlen(s) > 127)
		return false;
	if (*s == '[')
		return source_ok(s);
	for (const char *p = s; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-.", *p)))
			return false;
	return port_ok(colon + 1);
}

static bool credential_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > max)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '\\' ||
		    *s == 0x7f)
			return false;
	return true;
}

/* A prefix list as stored ("+90 0044"), or a 400 naming the field. */
static int prefixes_check(struct api_req *req, const char *field,
			  char *out, size_t sz)
{
	json_t *a = json_object_get(req->json, field), *v;
	size_t i, n = 0;

	out[0] = '\0';
	if (json_array_size(a) > DIAL_PREFIXES_MAX)
		return api_reply_error(req, 400, "invalid", field,
				       "%s holds at most %d prefixes", field,
				       DIAL_PREFIXES_MAX);
	json_array_foreach(a, i, v) {
		const char *p = json_string_value(v);

		if (!dial_prefix_ok(p))
			return api_reply_error(req, 400, "invalid", field,
					       "%s[%zu] must be \"+\" or 1 to "
					       "15 digits, optionally after +",
					       field, i);
		n += (size_t)snprintf(out + n, sz - n, "%s%s", n ? " " : "",
				      p);
	}
	return 0;
}

/* A string field: absent (skip), null (clear) or checked by ok. */
static int str_field(struct api_req *req, const char *field,
		     bool (*ok)(const char *), const char *what)
{
	json_t *v = json_object_get(req->json, field);

	if (!v || json_is_null(v))
		return 0;
	if (!ok(json_string_value(v)))
		return api_reply_error(req, 400, "invalid", field, "%s must be "
				       "%s", field, what);
	return 0;
}

static bool username_ok(const char *s) { return credential_ok(s, 63); }
static bool password_ok(const char *s) { return credential_ok(s, 127); }

static bool caller_id_ok(const char *s)
{
	return dial_number_ok(s);
}

struct trunk_job {
	const json_t *body;
	int64_t id;
	bool create;
	char allow[LIST_TEXT_MAX], deny[LIST_TEXT_MAX];
};

/* Checks every field of the body, then (PATCH) against the stored row:
 * an outbound trunk needs its address. */
static int fields_check(struct api_req *req, struct trunk_job *j)
{
	static const struct {
		const char *field;
		bool (*ok)(const char *);
		const char *what;
	} strs[] = {
		{"source_addr", source_ok, "an IP address, IP:PORT or "
					   "[IPV6]:PORT"},
		{"username", username_ok, "1 to 63 characters, no spaces or "
					  "quotes"},
		{"password", password_ok, "1 to 127 characters, no spaces or "
					  "quotes"},
		{"outbound_addr", outbound_addr_ok, "HOST:PORT"},
		{"caller_id", caller_id_ok, "a number: 3 to 20 digits, "
					    "optionally after +"},
	};
	const json_t *b = req->json;
	json_t *ob = json_object_get(b, "outbound");
	bool outbound, has_addr;
	int err;

	if (json_object_get(b, "name") &&
	    !name_ok(json_string_value(json_object_get(b, "name"))))
		return api_reply_error(req, 400, "invalid", "name", "name must"
				       " be 1 to 63 of a-z A-Z 0-9 _ - .");
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++) {
		err = str_field(req, strs[i].field, strs[i].ok, strs[i].what);
		if (err)
			return err;
	}
	if (json_is_null(ob) || json_is_null(json_object_get(b, "trusted")))
		return api_reply_error(req, 400, "invalid",
				       json_is_null(ob) ? "outbound" :
				       "trusted", "takes true or false");
	err = prefixes_check(req, "allow", j->allow, sizeof(j->allow));
	if (!err)
		err = prefixes_check(req, "deny", j->deny, sizeof(j->deny));
	if (err)
		return err;
	/* outbound needs an address: from the body or the stored row */
	outbound = json_is_true(ob);
	has_addr = json_is_string(json_object_get(b, "outbound_addr"));
	if (!j->create && (!ob || (!has_addr &&
				   !json_object_get(b, "outbound_addr")))) {
		sqlite3_stmt *st;

		if (!api_db_query(&st, "SELECT outbound, outbound_addr FROM"
				  " trunks WHERE id = ?", "i", j->id)) {
			if (sqlite3_step(st) == SQLITE_ROW) {
				if (!ob)
					outbound = sqlite3_column_int(st, 0);
				if (!json_object_get(b, "outbound_addr"))
					has_addr = sqlite3_column_text(st, 1)
						   != NULL;
			}
			sqlite3_finalize(st);
		}
	}
	if (outbound && !has_addr)
		return api_reply_error(req, 400, "invalid", "outbound_addr",
				       "an outbound trunk needs outbound_addr"
				       " (HOST:PORT)");
	return 0;
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
		err = rc == SQLITE_DONE ? 0 : rc == SQLITE_CONSTRAINT ? EEXIST
								      : EIO;
	}
	sqlite3_finalize(st);
	return err;
}

static int trunk_save(sqlite3 *db, void *arg)
{
	static const char *const strs[] = {"name", "source_addr", "username",
					   "password", "outbound_addr",
					   "caller_id"};
	struct trunk_job *j = arg;
	const json_t *b = j->body, *v;
	char sql[96];
	int err = 0;

	if (j->create) {
		err = exec(db, "INSERT INTO trunks(name) VALUES (?)", "t",
			   json_string_value(json_object_get(b, "name")));
		if (err)
			return err;
		j->id = sqlite3_last_insert_rowid(db);
	}
	for (size_t i = 0; !err && i < sizeof(strs) / sizeof(*strs); i++) {
		if (!(v = json_object_get(b, strs[i])))
			continue;
		(void)snprintf(sql, sizeof(sql), "UPDATE trunks SET %s = ? "
			       "WHERE id = ?", strs[i]);
		err = json_is_null(v) ? exec(db, sql, "ni", j->id) :
		      exec(db, sql, "ti", json_string_value(v), j->id);
	}
	if (!err && (v = json_object_get(b, "outbound")))
		err = exec(db, "UPDATE trunks SET outbound = ? WHERE id = ?",
			   "ii", (int64_t)json_is_true(v), j->id);
	if (!err && (v = json_object_get(b, "trusted")))
		err = exec(db, "UPDATE trunks SET trusted = ? WHERE id = ?",
			   "ii", (int64_t)json_is_true(v), j->id);
	if (!err && json_object_get(b, "allow"))
		err = exec(db, "UPDATE trunks SET allow = ? WHERE id = ?",
			   "ti", j->allow, j->id);
	if (!err && json_object_get(b, "deny"))
		err = exec(db, "UPDATE trunks SET deny = ? WHERE id = ?",
			   "ti", j->deny, j->id);
	return err;
}

/* The body for the audit log: without the password. */
static json_t *audit_detail(const json_t *body)
{
	json_t *d = json_deep_copy(body);

	if (d && json_object_get(d, "password"))
		json_object_set_new(d, "password", json_string("(set)"));
	return d;
}

int api_route_trunks_add(struct api_req *req)
{
	struct trunk_job *j = calloc(1, sizeof(*j));
	const char *name = json_string_value(json_object_get(req->json,
							     "name"));
	char obj[48];
	int err;

	if (!j)
		return ENOMEM;
	j->body = req->json;
	j->create = true;
	err = fields_check(req, j);
	if (err)
		goto out;
	err = api_db_txn(trunk_save, j);
	if (err == EEXIST) {
		err = api_reply_error(req, 409, "conflict", "name",
				      "trunk %s exists already", name);
		goto out;
	}
	if (err)
		goto out;
	reload();
	snprintf(obj, sizeof(obj), "trunk/%lld", (long long)j->id);
	api_audit(req, "trunk.create", obj, audit_detail(req->json));
	err = api_reply_json(req, 201, trunk_json(j->id));
out:
	free(j);
	return err;
}

static bool exists(int64_t id)
{
	sqlite3_stmt *st;
	bool yes = false;

	if (!api_db_query(&st, "SELECT 1 FROM trunks WHERE id = ?", "i",
			  id)) {
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

int api_route_trunks_update(struct api_req *req)
{
	struct trunk_job *j = calloc(1, sizeof(*j));
	char obj[48];
	int err;

	if (!j)
		return ENOMEM;
	j->body = req->json;
	err = api_req_param_id(&j->id, req, "id");
	if (err)
		goto out;
	if (!exists(j->id)) {
		err = api_reply_error(req, 404, "not_found", "id",
				      "no trunk %lld", (long long)j->id);
		goto out;
	}
	if (json_is_null(json_object_get(req->json, "name"))) {
		err = api_reply_error(req, 400, "invalid", "name",
				      "a trunk keeps a name");
		goto out;
	}
	err = fields_check(req, j);
	if (err)
		goto out;
	err = api_db_txn(trunk_save, j);
	if (err == EEXIST) {
		err = api_reply_error(req, 409, "conflict", "name",
				      "another trunk is called %s",
				      json_string_value(json_object_get(
					      req->json, "name")));
		goto out;
	}
	if (err)
		goto out;
	reload();
	snprintf(obj, sizeof(obj), "trunk/%lld", (long long)j->id);
	api_audit(req, "trunk.update", obj, audit_detail(req->json));
	err = api_reply_json(req, 200, trunk_json(j->id));
out:
	free(j);
	return err;
}

int api_route_trunks_delete(struct api_req *req)
{
	char obj[48];
	int64_t id;
	int changes = 0, err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	err = api_db_write(NULL, &changes, "DELETE FROM trunks WHERE id = ?",
			   "i", id);
	if (err)
		return err;
	if (!changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no trunk %lld", (long long)id);
	reload();
	snprintf(obj, sizeof(obj), "trunk/%lld", (long long)id);
	api_audit(req, "trunk.delete", obj, NULL);
	return api_reply_json(req, 200, json_pack("{s:I}", "deleted",
						  (json_int_t)id));
}
