/*
 * crm_api.c: customers over the HTTP API (routes in src/api/api_routes.c,
 * block "Customers and cases"): list and search as the agent types,
 * create, read, update (identities, tags, custom fields, consent), delete
 * and merge (supervisors and administrators), the timeline of every
 * interaction, matching a contact by identity, linking an interaction to
 * its customer, custom field definitions (administrators), the saved
 * versions of an interaction's notes and an agent's interrupted
 * interactions left to finish.
 *
 * Runs on API worker threads: reads through store_reader, writes through
 * store_txn_wait (each change one unit: all or nothing), every change to
 * the audit log with who and when.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <jansson.h>
#include "api/api_req.h"
#include "core/cc.h"
#include "store/store.h"
#include "crm.h"
#include "crm_int.h"

enum { LIST_MAX = 200, SEARCH_MAX = 20 };

/* --- Small helpers ------------------------------------------------------- */

static int int_query(int64_t *vp, struct api_req *req, const char *name,
		     int64_t min, int64_t max)
{
	const char *s = api_req_query(req, name);
	char *end;
	long long v;

	if (!s)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || !*s || *end || v < min || v > max)
		return api_reply_error(req, 400, "invalid", name,
				       "%s must be a whole number from %lld "
				       "to %lld", name, (long long)min,
				       (long long)max);
	*vp = v;
	return 0;
}

static void audit(struct api_req *req, const char *action, const char *kind,
		  int64_t id, json_t *detail)
{
	char obj[48];

	snprintf(obj, sizeof(obj), "%s/%lld", kind, (long long)id);
	(void)api_audit(req, action, obj, detail);
}

static bool lang_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");

	if (n < 2 || n > 3)
		return false;
	for (s += n; *s;) {
		if (*s++ != '-')
			return false;
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (n < 2 || n > 8)
			return false;
		s += n;
	}
	return true;
}

static bool tz_ok(const char *s)
{
	char path[160];

	if (!*s || strlen(s) > 64 || strstr(s, "..") || s[0] == '/' ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789/_+-") != strlen(s))
		return false;
	if (!strcmp(s, "UTC"))
		return true;
	if (access("/usr/share/zoneinfo", F_OK))
		return strchr(s, '/') != NULL; /* no database to ask */
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
	return !access(path, R_OK);
}

static bool tag_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > CRM_TAG_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == ';' || *s == ',')
			return false;
	return true;
}

/* Checks one attribute of a customer (shared with the import); writes the
 * reason into why. The canonical value goes to out (tier: VIP). */
int crm_attr_check(const char *attr, const char *v, char *out, size_t sz,
		   char *why, size_t whysz);
int crm_attr_check(const char *attr, const char *v, char *out, size_t sz,
		   char *why, size_t whysz)
{
	size_t n = strlen(v);

	snprintf(out, sz, "%s", v);
	if (!strcmp(attr, "name") || !strcmp(attr, "company")) {
		if (n > CRM_NAME_MAX) {
			snprintf(why, whysz, "%s is limited to %d bytes", attr,
				 CRM_NAME_MAX);
			return EINVAL;
		}
		return 0;
	}
	if (!strcmp(attr, "tier")) {
		if (!strcasecmp(v, "vip"))
			snprintf(out, sz, "VIP");
		else if (!strcasecmp(v, "standard") || !*v)
			snprintf(out, sz, "standard");
		else {
			snprintf(why, whysz, "tier must be standard or VIP, "
				 "not '%.40s'", v);
			return EINVAL;
		}
		return 0;
	}
	if (!strcmp(attr, "language")) {
		if (*v && !lang_ok(v)) {
			snprintf(why, whysz, "language must be a language "
				 "tag such as en or fr-CA, not '%.40s'", v);
			return EINVAL;
		}
		return 0;
	}
	if (!strcmp(attr, "time_zone")) {
		if (*v && !tz_ok(v)) {
			snprintf(why, whysz, "time_zone must be an IANA zone "
				 "such as Europe/Paris, not '%.40s'", v);
			return EINVAL;
		}
		return 0;
	}
	snprintf(why, whysz, "unknown attribute %s", attr);
	return EINVAL;
}

/* --- Create and update -------------------------------------------------- */

/* A checked customer body, ready for the writer. */
struct cust {
	int64_t id; /* 0: create */
	int64_t now;
	const char *attrv[5]; /* name company language tier time_zone */
	char tier[12];
	bool has[5];
	json_t *custom;     /* object of checked values (null: remove) */
	json_t *idents;     /* array of {kind, value, label} normalised */
	json_t *tags;       /* array of strings, or NULL: keep */
	int consent_rec, consent_mkt; /* -1: keep */
	int provisional;    /* -1: keep */
	json_t *before;     /* update: the customer before (for audit) */
};

static const char *const attrn[] = {"name", "company", "language", "tier",
				    "time_zone"};

static void cust_release(struct cust *c)
{
	json_decref(c->custom);
	json_decref(c->idents);
	json_decref(c->tags);
	json_decref(c->before);
}

static int cust_parse(struct cust *c, struct api_req *req, bool create)
{
	json_t *b = api_req_body(req), *v;
	char why[160], out[CRM_IDENT_MAX + 8];
	struct crm_fields f;
	const char *k;
	size_t i;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->consent_rec = c->consent_mkt = c->provisional = -1;
	c->now = cc_wall_ms();
	for (i = 0; i < 5; i++) {
		v = json_object_get(b, attrn[i]);
		if (!v)
			continue;
		c->has[i] = true;
		c->attrv[i] = json_string_value(v);
		if (!c->attrv[i])
			c->attrv[i] = "";
		if (crm_attr_check(attrn[i], c->attrv[i], out, sizeof(out),
				   why, sizeof(why)))
			return api_reply_error(req, 400, "invalid", attrn[i],
					       "%s", why);
		if (i == 3) {
			snprintf(c->tier, sizeof(c->tier), "%.11s", out);
			c->attrv[i] = c->tier;
		}
	}
	if (create && (!c->has[0] || !*c->attrv[0]) &&
	    !json_array_size(json_object_get(b, "identities")))
		return api_reply_error(req, 400, "missing_field", "name",
				       "a customer needs a name or an "
				       "identity");
	if ((v = json_object_get(b, "consent"))) {
		json_object_foreach(v, k, b)
		{
			int *dst = !strcmp(k, "recording")   ? &c->consent_rec
				   : !strcmp(k, "marketing") ? &c->consent_mkt
							     : NULL;
			if (!dst)
				return api_reply_error(
					req, 400, "unknown_field", "consent",
					"consent has recording and marketing,"
					" not %s", k);
			if (!json_is_boolean(b))
				return api_reply_error(
					req, 400, "wrong_type", "consent",
					"consent.%s must be true or false", k);
			*dst = json_is_true(b);
		}
		b = api_req_body(req);
	}
	if ((v = json_object_get(b, "provisional")))
		c->provisional = json_is_true(v);
	if ((v = json_object_get(b, "tags"))) {
		json_t *t;

		if (json_array_size(v) > CRM_TAGS_MAX)
			return api_reply_error(req, 400, "invalid", "tags",
					       "at most %d tags", CRM_TAGS_MAX);
		c->tags = json_array();
		json_array_foreach(v, i, t)
		{
			if (!tag_ok(json_string_value(t))) {
				snprintf(why, sizeof(why), "tags[%zu]", i);
				return api_reply_error(
					req, 400, "invalid", why,
					"a tag is 1 to %d characters without "
					"; or ,", CRM_TAG_MAX);
			}
			json_array_append(c->tags, t);
		}
	}
	if ((v = json_object_get(b, "identities"))) {
		json_t *id;

		if (json_array_size(v) > CRM_IDENTS_MAX)
			return api_reply_error(req, 400, "invalid",
					       "identities",
					       "at most %d identities",
					       CRM_IDENTS_MAX);
		c->idents = json_array();
		json_array_foreach(v, i, id)
		{
			const char *kind = json_string_value(
				json_object_get(id, "kind"));
			const char *val = json_string_value(
				json_object_get(id, "value"));
			const char *label = json_string_value(
				json_object_get(id, "label"));
			char fld[48];

			snprintf(fld, sizeof(fld), "identities[%zu].kind", i);
			if (!json_is_object(id) || !crm_identity_kind_ok(kind))
				return api_reply_error(
					req, 400, "invalid", fld,
					"kind must be phone, email, chat, "
					"messaging or account");
			snprintf(fld, sizeof(fld), "identities[%zu].value", i);
			if (!val || crm_identity_normalise(out, sizeof(out),
							   kind, val))
				return api_reply_error(
					req, 400, "invalid", fld,
					"'%.60s' is not a valid %s",
					val ? val : "", kind);
			if (label && strlen(label) > 40) {
				snprintf(fld, sizeof(fld),
					 "identities[%zu].label", i);
				return api_reply_error(req, 400, "invalid",
						       fld, "a label is up "
						       "to 40 characters");
			}
			json_array_append_new(
				c->idents,
				json_pack("{s:s,s:s,s:s?}", "kind", kind,
					  "value", out, "label", label));
		}
	}
	if ((v = json_object_get(b, "custom"))) {
		json_t *val, *ok;

		err = crm_fields_load(crm_reader(), &f);
		if (err)
			return err;
		c->custom = json_object();
		json_object_foreach(v, k, val)
		{
			const struct crm_field *fd = crm_field_find(&f, k);
			char fld[80];

			snprintf(fld, sizeof(fld), "custom.%.60s", k);
			if (!fd) {
				crm_fields_release(&f);
				return api_reply_error(
					req, 400, "unknown_field", fld,
					"no custom field %.60s (define it "
					"first)", k);
			}
			if (crm_field_value_check(&ok, fd, val, why,
						  sizeof(why))) {
				crm_fields_release(&f);
				return api_reply_error(req, 400, "invalid",
						       fld, "%s", why);
			}
			json_object_set_new(c->custom, k, ok);
		}
		crm_fields_release(&f);
	}
	return 0;
}

static int cust_txn(sqlite3 *db, void *arg)
{
	struct cust *c = arg;
	json_t *v;
	size_t i;
	int err = 0;

	if (!c->id) {
		err = store_exec(db, "INSERT INTO customers (created_at, "
				 "updated_at) VALUES (?, ?)", "ii", c->now,
				 c->now);
		if (err)
			return err;
		c->id = sqlite3_last_insert_rowid(db);
	}
	else {
		sqlite3_stmt *st = crm_prepare(db, "SELECT merged_into FROM "
					       "customers WHERE id = ?", "i",
					       c->id);
		int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

		err = rc != SQLITE_ROW ? ENOENT
		      : sqlite3_column_type(st, 0) != SQLITE_NULL ? EALREADY
								   : 0;
		sqlite3_finalize(st);
		if (err)
			return err;
	}
	for (i = 0; i < 5 && !err; i++) {
		char sql[96];

		if (!c->has[i])
			continue;
		snprintf(sql, sizeof(sql), "UPDATE customers SET %s = ? WHERE"
			 " id = ?", attrn[i]);
		err = store_exec(db, sql, "si",
				 i >= 2 && !*c->attrv[i] && i != 3 ? NULL
								   : c->attrv[i],
				 c->id);
	}
	if (!err && c->consent_rec >= 0)
		err = store_exec(db, "UPDATE customers SET consent_recording ="
				 " ? WHERE id = ?", "ii",
				 (int64_t)c->consent_rec, c->id);
	if (!err && c->consent_mkt >= 0)
		err = store_exec(db, "UPDATE customers SET consent_marketing ="
				 " ? WHERE id = ?", "ii",
				 (int64_t)c->consent_mkt, c->id);
	if (!err && c->provisional >= 0)
		err = store_exec(db, "UPDATE customers SET provisional = ? "
				 "WHERE id = ?", "ii", (int64_t)c->provisional,
				 c->id);
	if (!err && c->custom) {
		/* json_patch: given keys replace, null removes. */
		char *text = json_dumps(c->custom, JSON_COMPACT);

		err = store_exec(db, "UPDATE customers SET custom = json_patch("
				 "custom, ?) WHERE id = ?", "si", text, c->id);
		free(text);
	}
	if (!err && c->idents) {
		err = store_exec(db, "DELETE FROM customer_identities WHERE "
				 "customer_id = ?", "i", c->id);
		json_array_foreach(c->idents, i, v)
		{
			if (err)
				break;
			err = crm_identity_insert(
				db, c->id,
				json_string_value(json_object_get(v, "kind")),
				json_string_value(json_object_get(v, "value")),
				json_string_value(json_object_get(v, "label")));
		}
	}
	if (!err && c->tags) {
		err = store_exec(db, "DELETE FROM customer_tags WHERE "
				 "customer_id = ?", "i", c->id);
		json_array_foreach(c->tags, i, v)
		{
			if (err)
				break;
			err = store_exec(db, "INSERT OR IGNORE INTO "
					 "customer_tags VALUES (?, ?)", "is",
					 c->id, json_string_value(v));
		}
	}
	if (!err && (c->has[0] || c->has[1]))
		err = crm_words_save(db, c->id);
	if (!err)
		err = store_exec(db, "UPDATE customers SET updated_at = ? "
				 "WHERE id = ?", "ii", c->now, c->id);
	return err;
}

int crm_api_customer_add(struct api_req *req)
{
	struct cust c;
	json_t *r;
	int err;

	err = cust_parse(&c, req, true);
	if (!err)
		err = store_txn_wait(store_main(), cust_txn, &c);
	if (!err) {
		r = crm_customer_json(crm_reader(), c.id);
		audit(req, "customer.create", "customer", c.id,
		      json_incref(api_req_body(req)));
		err = api_reply_json(req, 201, r);
	}
	cust_release(&c);
	return err;
}

static int customer_param(int64_t *idp, json_t **cp, struct api_req *req)
{
	int err = api_req_param_id(idp, req, "id");

	if (err)
		return err;
	*cp = crm_customer_json(crm_reader(), *idp);
	if (!*cp)
		return api_reply_error(req, 404, "not_found", "id",
				       "no customer %lld", (long long)*idp);
	return 0;
}

int crm_api_customer_get(struct api_req *req)
{
	json_t *c = NULL;
	int64_t id;
	int err = customer_param(&id, &c, req);

	if (err)
		return err;
	return api_reply_json(req, 200, c);
}

int crm_api_customer_update(struct api_req *req)
{
	struct cust c;
	json_t *before = NULL;
	int64_t id;
	int err;

	err = customer_param(&id, &before, req);
	if (err)
		return err;
	err = cust_parse(&c, req, false);
	c.id = id;
	c.before = before;
	if (!err)
		err = store_txn_wait(store_main(), cust_txn, &c);
	if (err == EALREADY)
		err = api_reply_error(req, 409, "merged", "id",
				      "customer %lld was merged into %lld",
				      (long long)id,
				      (long long)json_integer_value(
					      json_object_get(before,
							      "merged_into")));
	if (!err) {
		audit(req, "customer.update", "customer", id,
		      json_incref(api_req_body(req)));
		err = api_reply_json(req, 200,
				     crm_customer_json(crm_reader(), id));
	}
	cust_release(&c);
	return err;
}

/* --- Delete and merge ---------------------------------------------------- */

static int delete_txn(sqlite3 *db, void *arg)
{
	int64_t id = *(int64_t *)arg;
	int err;

	err = store_exec(db, "UPDATE interactions SET customer_id = NULL "
			 "WHERE customer_id = ?", "i", id);
	if (!err)
		err = store_exec(db, "UPDATE customers SET merged_into = NULL "
				 "WHERE merged_into = ?", "i", id);
	if (!err)
		err = store_exec(db, "DELETE FROM customers WHERE id = ?", "i",
				 id);
	return err;
}

int crm_api_customer_delete(struct api_req *req)
{
	json_t *c = NULL;
	int64_t id;
	int err = customer_param(&id, &c, req);

	if (err)
		return err;
	err = store_txn_wait(store_main(), delete_txn, &id);
	if (err) {
		json_decref(c);
		return err;
	}
	audit(req, "customer.delete", "customer", id, c);
	return api_reply_json(req, 200, json_pack("{s:I,s:b}", "id",
						  (json_int_t)id, "deleted",
						  1));
}

struct merge {
	int64_t into, from, now, account;
	const char *username;
	char *snapshot;
};

static int merge_txn(sqlite3 *db, void *arg)
{
	struct merge *m = arg;
	sqlite3_stmt *st;
	int n = 0, err;

	st = crm_prepare(db, "SELECT count(*) FROM customers WHERE id IN "
			 "(?, ?) AND merged_into IS NULL", "ii", m->into,
			 m->from);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (n != 2)
		return ENOENT;
	/* The survivor keeps what it has and gains what it lacks. */
	err = store_exec(
		db,
		"UPDATE customers AS c SET "
		"name = CASE WHEN c.name = '' THEN f.name ELSE c.name END, "
		"company = CASE WHEN c.company = '' THEN f.company ELSE "
		"c.company END, language = coalesce(c.language, f.language), "
		"time_zone = coalesce(c.time_zone, f.time_zone), "
		"tier = CASE WHEN 'VIP' IN (c.tier, f.tier) THEN 'VIP' ELSE "
		"'standard' END, custom = json_patch(f.custom, c.custom), "
		"consent_recording = CASE WHEN c.provisional THEN "
		"f.consent_recording ELSE c.consent_recording END, "
		"consent_marketing = CASE WHEN c.provisional THEN "
		"f.consent_marketing ELSE c.consent_marketing END, "
		"provisional = c.provisional AND f.provisional, updated_at = ?1"
		" FROM customers AS f WHERE c.id = ?2 AND f.id = ?3",
		"iii", m->now, m->into, m->from);
	if (!err)
		err = crm_words_save(db, m->into);
	if (!err)
		err = store_exec(db, "DELETE FROM customer_words WHERE "
				 "customer_id = ?", "i", m->from);
	if (!err)
		err = store_exec(db, "INSERT OR IGNORE INTO customer_identities"
				 " (customer_id, kind, value, label) SELECT ?, "
				 "kind, value, label FROM customer_identities "
				 "WHERE customer_id = ? ORDER BY id", "ii",
				 m->into, m->from);
	if (!err)
		err = store_exec(db, "DELETE FROM customer_identities WHERE "
				 "customer_id = ?", "i", m->from);
	if (!err)
		err = store_exec(db, "INSERT OR IGNORE INTO customer_tags "
				 "SELECT ?, tag FROM customer_tags WHERE "
				 "customer_id = ?", "ii", m->into, m->from);
	if (!err)
		err = store_exec(db, "DELETE FROM customer_tags WHERE "
				 "customer_id = ?", "i", m->from);
	if (!err)
		err = store_exec(db, "UPDATE interactions SET customer_id = ? "
				 "WHERE customer_id = ?", "ii", m->into,
				 m->from);
	if (!err)
		err = store_exec(db, "UPDATE cases SET customer_id = ? WHERE "
				 "customer_id = ?", "ii", m->into, m->from);
	if (!err)
		err = store_exec(db, "UPDATE customers SET merged_into = ?1, "
				 "updated_at = ?3 WHERE id = ?2 OR merged_into "
				 "= ?2", "iii", m->into, m->from, m->now);
	if (!err)
		err = store_exec(db, "INSERT INTO customer_merges (from_id, "
				 "into_id, at, account_id, username, snapshot)"
				 " VALUES (?, ?, ?, ?, ?, ?)", "iiiiss",
				 m->from, m->into, m->now, m->account,
				 m->username, m->snapshot);
	return err;
}

int crm_api_customer_merge(struct api_req *req)
{
	struct merge m = {0};
	json_t *into = NULL, *from;
	int err;

	err = customer_param(&m.into, &into, req);
	if (err)
		return err;
	m.from = json_integer_value(json_object_get(api_req_body(req),
						    "from"));
	from = crm_customer_json(crm_reader(), m.from);
	if (!from || m.from == m.into) {
		json_decref(into);
		json_decref(from);
		return api_reply_error(req, m.from == m.into ? 400 : 404,
				       m.from == m.into ? "invalid"
							: "not_found",
				       "from", "%s",
				       m.from == m.into ? "a customer cannot "
							  "be merged into "
							  "itself"
							: "no such customer");
	}
	if (!json_is_null(json_object_get(into, "merged_into")) ||
	    !json_is_null(json_object_get(from, "merged_into"))) {
		json_decref(into);
		json_decref(from);
		return api_reply_error(req, 409, "merged", "from",
				       "one of them was merged already");
	}
	m.now = cc_wall_ms();
	m.account = api_req_account(req);
	m.username = api_req_username(req);
	m.snapshot = json_dumps(from, JSON_COMPACT);
	err = store_txn_wait(store_main(), merge_txn, &m);
	free(m.snapshot);
	json_decref(into);
	if (err == ENOENT) {
		json_decref(from);
		return api_reply_error(req, 409, "merged", "from",
				       "one of them is gone or merged");
	}
	if (err) {
		json_decref(from);
		return err;
	}
	audit(req, "customer.merge", "customer", m.into,
	      json_pack("{s:I,s:o}", "from", (json_int_t)m.from, "merged",
			from));
	return api_reply_json(req, 200, crm_customer_json(crm_reader(),
							  m.into));
}

/* --- Lists, search, match ------------------------------------------------ */

static json_t *brief_rows(sqlite3_stmt *st)
{
	json_t *rows = crm_rows(st), *r;
	size_t i;

	json_array_foreach(rows, i, r)
		json_object_set_new(r, "provisional",
				    json_boolean(json_integer_value(
					    json_object_get(r, "provisional"))));
	return rows;
}

#define BRIEF                                                                \
	"c.id, c.name, c.company, c.tier, c.provisional, (SELECT value "   \
	"FROM customer_identities WHERE customer_id = c.id AND kind = "    \
	"'phone' ORDER BY id LIMIT 1) AS phone, (SELECT value FROM "       \
	"customer_identities WHERE customer_id = c.id AND kind = 'email' " \
	"ORDER BY id LIMIT 1) AS email"

/* The upper bound of strings starting with prefix (for range scans). */
static void prefix_end(char *out, size_t sz, const char *prefix)
{
	size_t n = strlen(prefix);

	snprintf(out, sz, "%s", prefix);
	if (n && n < sz)
		out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
}

static void like_escape(char *out, size_t sz, const char *in)
{
	size_t n = 0;

	for (; *in && n + 2 < sz; in++) {
		if (*in == '%' || *in == '_' || *in == '\\')
			out[n++] = '\\';
		out[n++] = *in;
	}
	out[n] = '\0';
}

static bool looks_like_number(const char *q)
{
	size_t digits = 0;

	for (const char *s = q; *s; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (!strchr(" +-.()/", *s))
			return false;
	}
	return digits >= 3;
}

/* Phone prefixes a partly typed number may stand for. */
static size_t phone_prefixes(char out[][CRM_PHONE_MAX + 8], const char *q)
{
	const struct crm_country *c = crm_country_default();
	char d[20];
	size_t n = 0, k = 0;
	bool plus = false;

	if (!crm_phone_normalise(out[0], sizeof(out[0]), q, NULL) &&
	    out[0][0] == '+')
		k = 1;
	for (const char *s = q; *s && n + 1 < sizeof(d); s++) {
		if (*s == '+' && !n)
			plus = true;
		if (isdigit((unsigned char)*s))
			d[n++] = *s;
	}
	d[n] = '\0';
	if (plus || !strncmp(d, c->intl, strlen(c->intl))) {
		snprintf(out[k++], sizeof(out[0]), "+%s",
			 plus ? d : d + strlen(c->intl));
		return k;
	}
	snprintf(out[k++], sizeof(out[0]), "+%s%s", c->cc,
		 *c->trunk && !strncmp(d, c->trunk, strlen(c->trunk))
			 ? d + strlen(c->trunk) : d);
	snprintf(out[k++], sizeof(out[0]), "%s", d);
	return k;
}

static json_t *customers_search(sqlite3 *db, const char *q, int64_t limit)
{
	json_t *all = json_array(), *rows, *r;
	char lo[CRM_IDENT_MAX + 8], hi[CRM_IDENT_MAX + 8];
	sqlite3_stmt *st;
	size_t i;

	if (looks_like_number(q)) {
		char pv[3][CRM_PHONE_MAX + 8];
		size_t n = phone_prefixes(pv, q);

		for (size_t k = 0; k < n; k++) {
			prefix_end(hi, sizeof(hi), pv[k]);
			st = crm_prepare(db, "SELECT DISTINCT " BRIEF ", "
					 "'phone' AS matched FROM "
					 "customer_identities ci JOIN customers"
					 " c ON c.id = ci.customer_id WHERE "
					 "ci.kind = 'phone' AND ci.value >= ? "
					 "AND ci.value < ? AND c.merged_into "
					 "IS NULL LIMIT ?", "ssi", pv[k], hi,
					 limit);
			rows = brief_rows(st);
			json_array_extend(all, rows);
			json_decref(rows);
		}
		goto dedupe;
	}
	if (strchr(q, '@')) {
		snprintf(lo, sizeof(lo), "%s", q);
		for (char *s = lo; *s; s++)
			*s = (char)tolower((unsigned char)*s);
		prefix_end(hi, sizeof(hi), lo);
		st = crm_prepare(db, "SELECT DISTINCT " BRIEF ", 'email' AS "
				 "matched FROM customer_identities ci JOIN "
				 "customers c ON c.id = ci.customer_id WHERE "
				 "ci.kind = 'email' AND ci.value >= ? AND "
				 "ci.value < ? AND c.merged_into IS NULL "
				 "LIMIT ?", "ssi", lo, hi, limit);
		rows = brief_rows(st);
		json_array_extend(all, rows);
		json_decref(rows);
		goto dedupe;
	}
	/* Every word typed as the start of a word of the name or company
	 * (up to three words: the first drives, the others must exist for
	 * the same customer), then identities (handles, accounts) equal to
	 * q. */
	{
		char wv[3][CRM_WORD_MAX + 1], we[3][CRM_WORD_MAX + 2];
		size_t nw = crm_words(wv, 3, q);

		for (size_t k = 0; k < nw; k++)
			prefix_end(we[k], sizeof(we[k]), wv[k]);
		for (size_t k = nw; k < 3; k++) {
			wv[k][0] = '\0'; /* matches every word */
			snprintf(we[k], sizeof(we[k]), "\xff\xff");
		}
		st = nw ? crm_prepare(
				  db,
				  "SELECT " BRIEF ", 'name' AS matched FROM "
				  "customers c WHERE c.id IN (SELECT DISTINCT "
				  "w.customer_id FROM customer_words w WHERE "
				  "w.word >= ?1 AND w.word < ?2 AND EXISTS "
				  "(SELECT 1 FROM customer_words x WHERE "
				  "x.customer_id = w.customer_id AND x.word >= "
				  "?3 AND x.word < ?4) AND EXISTS (SELECT 1 FROM"
				  " customer_words x WHERE x.customer_id = "
				  "w.customer_id AND x.word >= ?5 AND x.word < "
				  "?6) LIMIT ?7) AND c.merged_into IS NULL",
				  "ssssssi", wv[0], we[0], wv[1], we[1], wv[2],
				  we[2], limit)
			 : NULL;
		rows = st ? brief_rows(st) : json_array();
		json_array_extend(all, rows);
		json_decref(rows);
	}
	if ((int64_t)json_array_size(all) < limit) {
		st = crm_prepare(db, "SELECT " BRIEF ", ci.kind AS matched "
				 "FROM customer_identities ci JOIN customers "
				 "c ON c.id = ci.customer_id WHERE ci.kind IN"
				 " ('chat', 'messaging', 'account') AND "
				 "ci.value = ? AND c.merged_into IS NULL "
				 "LIMIT ?", "si", q, limit);
		rows = brief_rows(st);
		json_array_extend(all, rows);
		json_decref(rows);
	}
dedupe:
	rows = json_array();
	json_array_foreach(all, i, r)
	{
		json_int_t id = json_integer_value(json_object_get(r, "id"));
		bool seen = false;
		size_t j;
		json_t *s;

		json_array_foreach(rows, j, s)
			seen = seen || json_integer_value(
					       json_object_get(s, "id")) == id;
		if (!seen && (int64_t)json_array_size(rows) < limit)
			json_array_append(rows, r);
	}
	json_decref(all);
	return rows;
}

char *crm_search_json(sqlite3 *db, const char *q, int limit)
{
	json_t *r = customers_search(db, q, limit);
	char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;

	json_decref(r);
	return text;
}

int crm_api_customers_get(struct api_req *req)
{
	const char *q = api_req_query(req, "q");
	const char *tag = api_req_query(req, "tag");
	int64_t limit = 50, before = INT64_MAX;
	sqlite3_stmt *st;
	int err;

	err = int_query(&limit, req, "limit", 1, LIST_MAX);
	if (!err)
		err = int_query(&before, req, "before", 1, INT64_MAX);
	if (err)
		return err;
	if (q && *q) {
		if (strlen(q) > CRM_IDENT_MAX)
			return api_reply_error(req, 400, "invalid", "q",
					       "q is too long");
		return api_reply_json(req, 200,
				      customers_search(crm_reader(), q, limit));
	}
	if (tag)
		st = crm_prepare(crm_reader(), "SELECT " BRIEF " FROM "
				 "customer_tags t JOIN customers c ON c.id = "
				 "t.customer_id WHERE t.tag = ? AND c.id < ? "
				 "AND c.merged_into IS NULL ORDER BY c.id DESC"
				 " LIMIT ?", "sii", tag, before, limit);
	else
		st = crm_prepare(crm_reader(), "SELECT " BRIEF " FROM "
				 "customers c WHERE c.id < ? AND "
				 "c.merged_into IS NULL ORDER BY c.id DESC "
				 "LIMIT ?", "ii", before, limit);
	if (!st)
		return EIO;
	return api_reply_json(req, 200, brief_rows(st));
}

int crm_api_search(struct api_req *req)
{
	const char *q = api_req_query(req, "q");
	char esc[2 * CRM_SUBJECT_MAX + 8];
	sqlite3_stmt *st;
	int64_t limit = 10;
	int err;

	err = int_query(&limit, req, "limit", 1, SEARCH_MAX);
	if (err)
		return err;
	if (!q || !*q)
		return api_reply_error(req, 400, "missing_field", "q",
				       "q is required (what is typed)");
	if (strlen(q) > CRM_IDENT_MAX)
		return api_reply_error(req, 400, "invalid", "q",
				       "q is too long");
	like_escape(esc, sizeof(esc), q);
	st = crm_prepare(crm_reader(), "SELECT k.id, k.subject, k.status, "
			 "k.priority, k.customer_id, c.name AS customer_name "
			 "FROM cases k LEFT JOIN customers c ON c.id = "
			 "k.customer_id WHERE k.subject LIKE '%' || ? || '%' "
			 "ESCAPE '\\' ORDER BY k.updated_at DESC LIMIT ?",
			 "si", esc, limit);
	return api_reply_json(
		req, 200,
		json_pack("{s:o,s:o}", "customers",
			  customers_search(crm_reader(), q, limit), "cases",
			  crm_rows(st)));
}

int crm_api_customer_match(struct api_req *req)
{
	static const char *const kinds[] = {"phone", "email", "chat",
					    "messaging", "account"};
	json_t *arr = json_array();
	char v[CRM_IDENT_MAX + 8];
	bool any = false;

	for (size_t k = 0; k < 5; k++) {
		const char *s = api_req_query(req, kinds[k]);
		int64_t idv[CRM_MATCH_MAX];
		int n;

		if (!s)
			continue;
		any = true;
		if (crm_identity_normalise(v, sizeof(v), kinds[k], s)) {
			json_decref(arr);
			return api_reply_error(req, 400, "invalid", kinds[k],
					       "'%.60s' is not a valid %s", s,
					       kinds[k]);
		}
		n = crm_identity_find(crm_reader(), kinds[k], v, idv,
				      CRM_MATCH_MAX);
		for (int i = 0; i < n; i++) {
			json_t *c = crm_customer_json(crm_reader(), idv[i]);
			bool seen = false;
			size_t j;
			json_t *e;

			json_array_foreach(arr, j, e)
				seen = seen || json_integer_value(json_object_get(
						       e, "id")) == idv[i];
			if (c && !seen) {
				json_object_set_new(c, "matched",
						    json_string(kinds[k]));
				json_array_append_new(arr, c);
			}
			else
				json_decref(c);
		}
	}
	if (!any) {
		json_decref(arr);
		return api_reply_error(req, 400, "missing_field", "phone",
				       "give phone, email, chat, messaging "
				       "or account");
	}
	return api_reply_json(req, 200, json_pack("{s:I,s:o}", "count",
						  (json_int_t)json_array_size(
							  arr),
						  "customers", arr));
}

/* --- Timeline ------------------------------------------------------------ */

static void parse_member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	if (v)
		json_object_set_new(o, key, v);
}

int crm_api_customer_timeline(struct api_req *req)
{
	int64_t id, limit = 50, before = INT64_MAX;
	json_t *c = NULL, *rows, *r;
	sqlite3_stmt *st;
	size_t i;
	int err;

	err = customer_param(&id, &c, req);
	if (!err)
		err = int_query(&limit, req, "limit", 1, LIST_MAX);
	if (!err)
		err = int_query(&before, req, "before", 1, INT64_MAX);
	if (err) {
		json_decref(c);
		return err;
	}
	json_decref(c);
	st = crm_prepare(
		crm_reader(),
		"SELECT i.id, i.channel, i.direction, i.state, i.from_addr AS "
		"caller, i.to_addr AS dialled, i.created_at AS started_at, "
		"i.answered_at, i.ended_at, i.queue, i.agent_id, a.name AS "
		"agent_name, i.wait_ms, i.talk_ms, i.hold_ms, i.wrapup_ms, "
		"CASE WHEN i.ended_at IS NOT NULL THEN i.ended_at - "
		"i.created_at END AS duration_ms, i.outcome, coalesce("
		"n.disposition, i.disposition) AS disposition, coalesce("
		"n.notes, i.notes) AS notes, i.ivr_path, i.survey, "
		"i.recording, (SELECT group_concat(case_id) FROM "
		"case_interactions WHERE interaction_id = i.id) AS cases "
		"FROM interactions i LEFT JOIN interaction_notes n ON "
		"n.interaction_id = i.id LEFT JOIN agents a ON a.id = "
		"i.agent_id WHERE i.customer_id = ? AND i.id < ? ORDER BY "
		"i.created_at DESC, i.id DESC LIMIT ?",
		"iii", id, before, limit);
	if (!st)
		return EIO;
	rows = crm_rows(st);
	json_array_foreach(rows, i, r)
	{
		const char *cs = json_string_value(json_object_get(r,
								   "cases"));
		json_t *ids = json_array();

		parse_member(r, "ivr_path");
		parse_member(r, "survey");
		for (const char *s = cs; s && *s;) {
			json_array_append_new(ids, json_integer(atoll(s)));
			s = strchr(s, ',');
			s = s ? s + 1 : NULL;
		}
		json_object_set_new(r, "cases", ids);
	}
	return api_reply_json(req, 200, rows);
}

/* --- Interactions: the customer, note versions, unfinished --------------- */

/* Whether interaction id exists; replies 404 when not. Whether the
 * caller may touch it (an agent: one they handled) was decided before the
 * handler ran (the route's API_OWN_IX, src/api/api_perm.c). */
static int interaction_own(struct api_req *req, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	st = crm_prepare(crm_reader(), "SELECT 1 FROM interactions WHERE "
			 "id = ?1", "i", id);
	if (!st)
		return EIO;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return api_reply_error(req, 404, "not_found", "id",
				       "no interaction %lld", (long long)id);
	return 0;
}

int crm_api_interaction_customer(struct api_req *req)
{
	int64_t id, cust;
	json_t *c;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (!err)
		err = interaction_own(req, id);
	if (err)
		return err;
	cust = json_integer_value(json_object_get(api_req_body(req),
						  "customer_id"));
	c = crm_customer_json(crm_reader(), cust);
	if (!c)
		return api_reply_error(req, 404, "not_found", "customer_id",
				       "no customer %lld", (long long)cust);
	if (!json_is_null(json_object_get(c, "merged_into"))) {
		json_decref(c);
		return api_reply_error(req, 409, "merged", "customer_id",
				       "customer %lld was merged", (long long)
				       cust);
	}
	err = store_write_wait(store_main(), "UPDATE interactions SET "
			       "customer_id = ? WHERE id = ?", "ii", cust, id);
	if (err) {
		json_decref(c);
		return err;
	}
	audit(req, "interaction.customer", "interaction", id,
	      json_pack("{s:I}", "customer_id", (json_int_t)cust));
	return api_reply_json(req, 200, json_pack("{s:I,s:o}",
						  "interaction_id",
						  (json_int_t)id, "customer",
						  c));
}

int crm_api_notes_versions(struct api_req *req)
{
	sqlite3_stmt *st;
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (!err)
		err = interaction_own(req, id);
	if (err)
		return err;
	st = crm_prepare(crm_reader(), "SELECT version, saved_at, agent_id, "
			 "notes FROM interaction_note_versions WHERE "
			 "interaction_id = ? ORDER BY version DESC", "i", id);
	if (!st)
		return EIO;
	return api_reply_json(req, 200, crm_rows(st));
}

int crm_api_unfinished(struct api_req *req)
{
	sqlite3_stmt *st;

	if (!api_req_agent(req))
		return api_reply_json(req, 200, json_array());
	st = crm_prepare(crm_reader(), "SELECT i.id AS interaction_id, "
			 "i.channel, i.from_addr AS caller, i.queue, "
			 "i.created_at AS started_at, i.ended_at, i.outcome, "
			 "i.customer_id, c.name AS customer_name, n.notes, "
			 "n.updated_at AS notes_saved_at FROM interactions i "
			 "LEFT JOIN interaction_notes n ON n.interaction_id "
			 "= i.id LEFT JOIN customers c ON c.id = "
			 "i.customer_id WHERE i.agent_id = ? AND i.outcome "
			 "= 'interrupted' AND n.disposition IS NULL AND "
			 "i.disposition IS NULL ORDER BY i.created_at DESC "
			 "LIMIT 50", "i", api_req_agent(req));
	if (!st)
		return EIO;
	return api_reply_json(req, 200, crm_rows(st));
}

/* --- Custom field definitions ------------------------------------------- */

int crm_api_fields_get(struct api_req *req)
{
	sqlite3_stmt *st = crm_prepare(crm_reader(), "SELECT name, label, "
				       "type, choices, created_at FROM "
				       "customer_fields ORDER BY name", "");
	json_t *rows, *r;
	size_t i;

	if (!st)
		return EIO;
	rows = crm_rows(st);
	json_array_foreach(rows, i, r)
		parse_member(r, "choices");
	return api_reply_json(req, 200, rows);
}

int crm_api_field_put(struct api_req *req)
{
	const char *name = api_req_param(req, "name");
	json_t *b = api_req_body(req);
	const char *label = json_string_value(json_object_get(b, "label"));
	const char *type = json_string_value(json_object_get(b, "type"));
	json_t *choices = json_object_get(b, "choices"), *c;
	char *text = NULL;
	size_t i, n = name ? strlen(name) : 0;
	int err;

	if (!n || n >= 48 || !islower((unsigned char)name[0]) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return api_reply_error(req, 400, "invalid", "name",
				       "a field name is 1 to 47 of a-z, 0-9 "
				       "and _, starting with a letter");
	if (crm_attr_check("name", label, (char[8]){0}, 1, (char[80]){0}, 80)
	    || !*label)
		return api_reply_error(req, 400, "invalid", "label",
				       "a label is 1 to %d bytes",
				       CRM_NAME_MAX);
	if (strcmp(type, "text") && strcmp(type, "number") &&
	    strcmp(type, "date") && strcmp(type, "choice"))
		return api_reply_error(req, 400, "invalid", "type",
				       "type must be text, number, date or "
				       "choice");
	if (!strcmp(type, "choice")) {
		if (!json_array_size(choices) || json_array_size(choices) > 100)
			return api_reply_error(req, 400, "invalid", "choices",
					       "a choice field needs 1 to 100 "
					       "choices");
		json_array_foreach(choices, i, c)
			if (!json_is_string(c) || !json_string_length(c) ||
			    json_string_length(c) > 100)
				return api_reply_error(
					req, 400, "invalid", "choices",
					"choices[%zu] must be a string of 1 "
					"to 100 bytes", i);
		text = json_dumps(choices, JSON_COMPACT);
	}
	else if (choices)
		return api_reply_error(req, 400, "invalid", "choices",
				       "only choice fields have choices");
	err = store_write_wait(store_main(), "INSERT INTO customer_fields "
			       "(name, label, type, choices, created_at) "
			       "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO "
			       "UPDATE SET label = excluded.label, type = "
			       "excluded.type, choices = excluded.choices",
			       "ssssi", name, label, type, text,
			       (int64_t)cc_wall_ms());
	free(text);
	if (err)
		return err;
	{
		char obj[64];

		snprintf(obj, sizeof(obj), "customer_field/%s", name);
		(void)api_audit(req, "customer_field.put", obj,
				json_incref(b));
	}
	return api_reply_json(req, 200, json_pack("{s:s,s:s,s:s,s:O?}",
						  "name", name, "label", label,
						  "type", type, "choices",
						  choices));
}

struct field_del {
	const char *name;
	int found;
};

static int field_del_txn(sqlite3 *db, void *arg)
{
	struct field_del *d = arg;
	char path[64];
	int err;

	err = store_exec(db, "DELETE FROM customer_fields WHERE name = ?",
			 "s", d->name);
	d->found = sqlite3_changes(db);
	if (err || !d->found)
		return err;
	snprintf(path, sizeof(path), "$.%s", d->name);
	return store_exec(db, "UPDATE customers SET custom = json_remove("
			  "custom, ?) WHERE json_extract(custom, ?) IS NOT "
			  "NULL", "ss", path, path);
}

int crm_api_field_delete(struct api_req *req)
{
	struct field_del d = {api_req_param(req, "name"), 0};
	char obj[64];
	int err;

	if (!d.name || strlen(d.name) >= 48 ||
	    strspn(d.name, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(d.name))
		return api_reply_error(req, 404, "not_found", "name",
				       "no such field");
	err = store_txn_wait(store_main(), field_del_txn, &d);
	if (err)
		return err;
	if (!d.found)
		return api_reply_error(req, 404, "not_found", "name",
				       "no field %s", d.name);
	snprintf(obj, sizeof(obj), "customer_field/%s", d.name);
	(void)api_audit(req, "customer_field.delete", obj, NULL);
	return api_reply_json(req, 200, json_pack("{s:s,s:b}", "name", d.name,
						  "deleted", 1));
}

/* --- Routes ------------------------------------------------------------- */

/* The crm module's HTTP routes (customers, custom fields, cases and the interaction links): registered by main with
 * api_routes_register(), served and documented by the api module. */
const struct api_route crm_routev[] = {
	{"GET", API_V1 "/customers", API_PERM_CUSTOMERS_READ, 0,
	 crm_api_customers_get,
	 "Customers, newest first; ?q= searches name, company, number (any "
	 "format), e-mail or handle as the agent types; ?tag= filters",
	 NULL, "q, tag, limit:integer, before:integer"},
	{"POST", API_V1 "/customers", API_PERM_CUSTOMERS_WRITE, 0,
	 crm_api_customer_add,
	 "Create a customer (identities are normalised: phone to E.164, "
	 "e-mail lower-case)", "name:string, company:string, "
	 "language:string, tier:string, time_zone:string, custom:object, "
	 "tags:array, consent:object, identities:array, provisional:boolean",
	 NULL},
	{"GET", API_V1 "/customers/match", API_PERM_CUSTOMERS_READ, 0,
	 crm_api_customer_match,
	 "The customers an incoming contact's identity leads to (several: "
	 "the agent chooses)", NULL, "phone, email, chat, messaging, account"},
	{"GET", API_V1 "/customers/export", API_PERM_CUSTOMERS_EXPORT, API_CSV,
	 crm_api_customers_export,
	 "Every customer as CSV (the columns the import reads)", NULL, NULL},
	{"POST", API_V1 "/customers/import", API_PERM_CUSTOMERS_MANAGE,
	 API_UPLOAD,
	 crm_api_customers_import,
	 "Import customers from a CSV body: ?dry_run=1 reports every bad row"
	 " (line, column, reason); otherwise all rows or none (422 with the "
	 "report); ?mapping=Header:target,... maps columns", NULL,
	 "dry_run, mapping"},
	{"GET", API_V1 "/customers/{id}", API_PERM_CUSTOMERS_READ, 0,
	 crm_api_customer_get,
	 "One customer with identities, tags, custom fields and consent",
	 NULL, NULL},
	{"PATCH", API_V1 "/customers/{id}", API_PERM_CUSTOMERS_WRITE, 0,
	 crm_api_customer_update,
	 "Update a customer (complete a provisional one): identities and "
	 "tags given replace, custom keys given replace (null removes)",
	 "name:string, company:string, language:string, tier:string, "
	 "time_zone:string, custom:object, tags:array, consent:object, "
	 "identities:array, provisional:boolean", NULL},
	{"DELETE", API_V1 "/customers/{id}", API_PERM_CUSTOMERS_MANAGE, 0,
	 crm_api_customer_delete,
	 "Delete a customer (their interactions stay, unlinked)", NULL, NULL},
	{"POST", API_V1 "/customers/{id}/merge", API_PERM_CUSTOMERS_MANAGE, 0,
	 crm_api_customer_merge,
	 "Merge customer `from` into this one: identities, tags, custom "
	 "fields, interactions and cases all move", "from:integer!", NULL},
	{"GET", API_V1 "/customers/{id}/timeline", API_PERM_CUSTOMERS_READ, 0,
	 crm_api_customer_timeline,
	 "Every interaction of the customer, newest first: queue, agent, "
	 "duration, disposition, notes, IVR path, survey, cases", NULL,
	 "limit:integer, before:integer"},
	{"GET", API_V1 "/customer-fields", API_PERM_DIRECTORY_READ, 0,
	 crm_api_fields_get,
	 "Custom customer fields", NULL, NULL},
	{"PUT", API_V1 "/customer-fields/{name}", API_PERM_CONFIG_WRITE, 0,
	 crm_api_field_put, "Define a custom field (text, number, date, "
	 "choice)", "label:string!, type:string!, choices:array", NULL},
	{"DELETE", API_V1 "/customer-fields/{name}", API_PERM_CONFIG_WRITE, 0,
	 crm_api_field_delete, "Delete a custom field and its values", NULL,
	 NULL},
	{"GET", API_V1 "/search", API_PERM_CUSTOMERS_READ, 0, crm_api_search,
	 "Search as the agent types: customers (name, number, e-mail) and "
	 "cases (subject)", NULL, "q!, limit:integer"},
	{"PUT", API_V1 "/interactions/{id}/customer",
	 API_PERM_INTERACTION_WRITE,
	 API_OWN_IX,
	 crm_api_interaction_customer,
	 "Link an interaction to its customer (the agent's choice among "
	 "matches)", "customer_id:integer!", NULL},
	{"GET", API_V1 "/interactions/{id}/notes/versions",
	 API_PERM_HISTORY_READ,
	 API_OWN_IX,
	 crm_api_notes_versions, "Every saved version of the notes, newest "
	 "first", NULL, NULL},
	{"GET", API_V1 "/me/unfinished", API_PERM_SESSION, 0,
	 crm_api_unfinished,
	 "My interactions interrupted (server or connection lost) and not "
	 "wrapped up, with the notes saved", NULL, NULL},
	{"GET", API_V1 "/cases", API_PERM_CASES_READ, 0, crm_api_cases_get,
	 "Cases, last updated first", NULL,
	 "status, customer:integer, owner:integer, q, limit:integer"},
	{"POST", API_V1 "/cases", API_PERM_CASES_WRITE, 0, crm_api_case_add,
	 "Open a case (optionally linked to an interaction)",
	 "subject:string!, customer_id:integer, status:string, "
	 "priority:string, owner_agent_id:integer, due_at:integer, "
	 "interaction_id:integer", NULL},
	{"GET", API_V1 "/cases/{id}", API_PERM_CASES_READ, 0, crm_api_case_get,
	 "One case with its comments and interactions", NULL, NULL},
	{"PATCH", API_V1 "/cases/{id}", API_PERM_CASES_WRITE, 0,
	 crm_api_case_update,
	 "Update a case (status, priority, owner, due date, subject)",
	 "subject:string, status:string, priority:string, "
	 "owner_agent_id:integer, due_at:integer, customer_id:integer", NULL},
	{"DELETE", API_V1 "/cases/{id}", API_PERM_CASES_DELETE, 0,
	 crm_api_case_delete,
	 "Delete a case", NULL, NULL},
	{"POST", API_V1 "/cases/{id}/comments", API_PERM_CASES_WRITE, 0,
	 crm_api_case_comment, "Add an internal comment", "body:string!",
	 NULL},
	{"POST", API_V1 "/cases/{id}/interactions", API_PERM_CASES_WRITE, 0,
	 crm_api_case_link,
	 "Link an interaction; a solved or closed case is reopened by a new "
	 "contact of its customer", "interaction_id:integer!", NULL},
	API_ROUTES_END,
};
