/*
 * crm.c: the module (default country, demo customers), and who is calling:
 * identity lookups, the screen pop's customer, the link from a new call to
 * its customer (or a provisional one), the IVR lookup node's fields, and
 * the customer record as JSON shared by the routes.
 *
 * Lookups read through the calling thread's reader: an identity is found
 * through customer_identities(kind, value), the last interaction through
 * interactions(customer_id, created_at); both are B-tree probes, so the
 * main loop can afford them when a call arrives (bench/crm measures it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/cc.h"
#include "store/store.h"
#include "api/api_req.h"
#include "crm.h"
#include "crm_int.h"

/* --- Helpers ------------------------------------------------------------- */

sqlite3 *crm_reader(void)
{
	return store_main() ? store_reader(store_main()) : NULL;
}

sqlite3_stmt *crm_prepare(sqlite3 *db, const char *sql, const char *types,
			  ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int err;

	if (!db)
		return NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		cc_error("crm", "%s: %s", sqlite3_errmsg(db), sql);
		return NULL;
	}
	va_start(ap, types);
	err = store_bindv(st, types, ap);
	va_end(ap);
	if (err) {
		cc_error("crm", "parameters '%s' do not fit: %s", types, sql);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static json_t *col_json(sqlite3_stmt *st, int i)
{
	const char *s;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return json_null();
	default:
		s = (const char *)sqlite3_column_text(st, i);
		return s ? json_string(s) : json_null();
	}
}

json_t *crm_rows(sqlite3_stmt *st)
{
	json_t *arr = json_array();

	while (st && arr && sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();
		int n = sqlite3_column_count(st);

		for (int i = 0; o && i < n; i++) {
			json_t *v = col_json(st, i);

			json_object_set_new(o, sqlite3_column_name(st, i),
					    v ? v : json_null());
		}
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	return arr;
}

/* --- Lookup -------------------------------------------------------------- */

int crm_identity_find(sqlite3 *db, const char *kind, const char *value,
		      int64_t *idv, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	st = crm_prepare(db, "SELECT c.id FROM customer_identities ci JOIN "
			 "customers c ON c.id = ci.customer_id WHERE "
			 "ci.kind = ? AND ci.value = ? AND c.merged_into IS "
			 "NULL ORDER BY (SELECT max(created_at) FROM "
			 "interactions i WHERE i.customer_id = c.id) DESC, "
			 "c.provisional, c.id LIMIT ?", "ssi", kind, value,
			 (int64_t)max);
	if (!st)
		return -EIO;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		idv[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int crm_caller_find(sqlite3 *db, const char *number, int64_t *idv, int max)
{
	char e164[CRM_PHONE_MAX + 8];

	if (!number || crm_phone_normalise(e164, sizeof(e164), number, NULL))
		return -EINVAL;
	return crm_identity_find(db, "phone", e164, idv, max);
}

int64_t crm_account_find(sqlite3 *db, const char *key)
{
	char v[CRM_IDENT_MAX + 1];
	sqlite3_stmt *st;
	int64_t id = 0;
	int n;

	if (!key || crm_identity_normalise(v, sizeof(v), "account", key))
		return 0;
	n = crm_identity_find(db, "account", v, &id, 1);
	if (n)
		return n < 0 ? n : id;
	/* A custom field holding the account number (no index: the
	 * identity above is the fast path). */
	st = crm_prepare(db, "SELECT id FROM customers WHERE merged_into IS "
			 "NULL AND (json_extract(custom, '$.account') = ?1 OR "
			 "json_extract(custom, '$.account_number') = ?1) "
			 "ORDER BY id LIMIT 1", "s", v);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static json_t *last_interaction(sqlite3 *db, int64_t customer, int64_t skip)
{
	sqlite3_stmt *st;
	json_t *rows, *r;

	st = crm_prepare(db, "SELECT i.id, i.created_at AS at, i.channel, "
			 "i.queue, i.agent_id, i.outcome, coalesce("
			 "n.disposition, i.disposition) AS disposition, "
			 "i.talk_ms FROM interactions i LEFT JOIN "
			 "interaction_notes n ON n.interaction_id = i.id "
			 "WHERE i.customer_id = ? AND i.id <> ? ORDER BY "
			 "i.created_at DESC, i.id DESC LIMIT 1", "ii",
			 customer, skip);
	rows = crm_rows(st);
	r = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return r;
}

static json_t *pop_customer(sqlite3 *db, int64_t id, int64_t skip)
{
	sqlite3_stmt *st;
	json_t *rows, *c, *last;

	st = crm_prepare(db, "SELECT id, name, company, tier, language, "
			 "time_zone, provisional FROM customers WHERE id = ?",
			 "i", id);
	rows = crm_rows(st);
	c = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!c)
		return NULL;
	json_object_set_new(c, "provisional",
			    json_boolean(json_integer_value(json_object_get(
				    c, "provisional"))));
	last = last_interaction(db, id, skip);
	json_object_set_new(c, "last_interaction", last ? last : json_null());
	return c;
}

static char *pop_one(sqlite3 *db, int64_t id, int64_t skip)
{
	json_t *c = pop_customer(db, id, skip), *o;
	char *text;

	if (!c)
		return NULL;
	o = json_pack("{s:o,s:b}", "customer", c, "vip",
		      !strcmp(json_string_value(json_object_get(c, "tier"))
				      ?: "", "VIP"));
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

char *crm_pop_customer_json(sqlite3 *db, int64_t customer, int64_t skip)
{
	return customer > 0 ? pop_one(db, customer, skip) : NULL;
}

char *crm_pop_json(sqlite3 *db, const char *from, int64_t skip,
		   int64_t *customerp)
{
	int64_t idv[CRM_MATCH_MAX];
	json_t *o, *arr, *c;
	char *text;
	int n;

	if (customerp)
		*customerp = 0;
	n = crm_caller_find(db, from, idv, CRM_MATCH_MAX);
	if (n <= 0)
		return NULL;
	if (n == 1) {
		text = pop_one(db, idv[0], skip);
		if (text && customerp)
			*customerp = idv[0];
		return text;
	}
	/* Several customers share the number: the agent chooses. */
	arr = json_array();
	for (int i = 0; i < n; i++) {
		c = pop_customer(db, idv[i], skip);
		if (c)
			json_array_append_new(arr, c);
	}
	o = json_pack("{s:o}", "customer_matches", arr);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

/* --- Search words ------------------------------------------------------- */

int crm_words_save(sqlite3 *db, int64_t id)
{
	char wordv[2 * CRM_WORDS_MAX][CRM_WORD_MAX + 1];
	const char *name = "", *company = "";
	sqlite3_stmt *st;
	size_t n;
	int err;

	err = store_exec(db, "DELETE FROM customer_words WHERE customer_id = "
			 "?", "i", id);
	if (err)
		return err;
	st = crm_prepare(db, "SELECT name, company FROM customers WHERE id = "
			 "?", "i", id);
	if (!st)
		return EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		company = (const char *)sqlite3_column_text(st, 1);
	}
	n = crm_words(wordv, CRM_WORDS_MAX, name);
	n += crm_words(wordv + n, CRM_WORDS_MAX, company);
	sqlite3_finalize(st);
	for (size_t i = 0; !err && i < n; i++)
		err = store_exec(db, "INSERT OR IGNORE INTO customer_words "
				 "VALUES (?, ?)", "si", wordv[i], id);
	return err;
}

/* --- A call arrives ------------------------------------------------------ */

struct prov_job {
	int64_t interaction;
	int64_t now;
	char phone[CRM_PHONE_MAX + 8];
};

int crm_identity_insert(sqlite3 *db, int64_t customer, const char *kind,
			const char *value, const char *label)
{
	return store_exec(db, "INSERT OR IGNORE INTO customer_identities "
			  "(customer_id, kind, value, label) VALUES (?, ?, ?,"
			  " ?)", "isss", customer, kind, value, label);
}

/* Writer thread: a provisional customer for an unknown number (unless one
 * appeared since the lookup: two calls from one new number at once). */
static int prov_txn(sqlite3 *db, void *arg)
{
	struct prov_job *j = arg;
	int64_t id = 0;
	int n, err;

	n = crm_identity_find(db, "phone", j->phone, &id, 1);
	if (n < 0)
		return -n;
	if (!n) {
		err = store_exec(db, "INSERT INTO customers (provisional, "
				 "consent_recording, created_at, updated_at) "
				 "VALUES (1, 0, ?, ?)", "ii", j->now, j->now);
		if (err)
			return err;
		id = sqlite3_last_insert_rowid(db);
		err = crm_identity_insert(db, id, "phone", j->phone, NULL);
		if (err)
			return err;
	}
	return store_exec(db, "UPDATE interactions SET customer_id = ? WHERE "
			  "id = ? AND customer_id IS NULL", "ii", id,
			  j->interaction);
}

static void prov_done(int err, void *arg)
{
	struct prov_job *j = arg;

	if (err)
		cc_warn("crm", "interaction %lld: provisional customer for %s:"
			" %s", (long long)j->interaction, j->phone,
			strerror(err));
	free(j);
}

void crm_call_arrived(struct store *st, int64_t interaction,
		      const char *from, int64_t *customerp)
{
	int64_t idv[CRM_MATCH_MAX];
	struct prov_job *j;
	int n;

	if (customerp)
		*customerp = 0;
	if (!st || !interaction || !from || !*from)
		return;
	n = crm_caller_find(store_reader(st), from, idv, CRM_MATCH_MAX);
	if (n < 0)
		return; /* anonymous or not a number: nobody to find */
	if (n == 1) {
		if (customerp)
			*customerp = idv[0];
		(void)store_interaction_update(st, interaction, NULL, NULL,
					       "customer_id = ?", "i", idv[0]);
		return;
	}
	if (n > 1)
		return; /* the agent chooses (the pop lists them) */
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->interaction = interaction;
	j->now = cc_wall_ms();
	(void)crm_phone_normalise(j->phone, sizeof(j->phone), from, NULL);
	if (store_txn(st, prov_txn, j, prov_done, j))
		free(j);
}

/* --- IVR ----------------------------------------------------------------- */

struct pairs {
	char *buf;
	size_t sz, used;
	const char **fieldv;
	size_t n, max;
};

static void pair_add(struct pairs *p, const char *name, const char *val)
{
	size_t a, b;

	if (!name || !val || p->n >= p->max)
		return;
	a = strlen(name) + 1;
	b = strlen(val) + 1;
	if (p->used + a + b > p->sz)
		return;
	memcpy(p->buf + p->used, name, a);
	p->fieldv[2 * p->n] = p->buf + p->used;
	p->used += a;
	memcpy(p->buf + p->used, val, b);
	p->fieldv[2 * p->n + 1] = p->buf + p->used;
	p->used += b;
	p->n++;
}

size_t crm_ivr_fields(sqlite3 *db, const char *by, const char *key,
		      char *buf, size_t bufsz, const char **fieldv,
		      size_t pairs_max, int64_t *customerp)
{
	struct pairs p = {buf, bufsz, 0, fieldv, 0, pairs_max};
	int64_t id = 0;
	sqlite3_stmt *st;
	json_t *custom;
	const char *k;
	json_t *v;

	if (customerp)
		*customerp = 0;
	if (!db || !by || !key || !*key)
		return 0;
	if (!strcmp(by, "caller")) {
		if (crm_caller_find(db, key, &id, 1) != 1)
			return 0;
	}
	else {
		id = crm_account_find(db, key);
		if (id <= 0)
			return 0;
	}
	st = crm_prepare(db, "SELECT id, name, company, tier, language, "
			 "time_zone, custom, (SELECT value FROM "
			 "customer_identities WHERE customer_id = c.id AND "
			 "kind = 'phone' ORDER BY id LIMIT 1), (SELECT value "
			 "FROM customer_identities WHERE customer_id = c.id "
			 "AND kind = 'account' ORDER BY id LIMIT 1), (SELECT "
			 "agent_id FROM interactions WHERE customer_id = c.id"
			 " AND agent_id IS NOT NULL ORDER BY created_at DESC "
			 "LIMIT 1) FROM customers c WHERE id = ?", "i", id);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return 0;
	}
	for (int i = 0; i < 6; i++)
		pair_add(&p, sqlite3_column_name(st, i),
			 (const char *)sqlite3_column_text(st, i));
	pair_add(&p, "phone", (const char *)sqlite3_column_text(st, 7));
	pair_add(&p, "account", (const char *)sqlite3_column_text(st, 8));
	pair_add(&p, "last_agent", (const char *)sqlite3_column_text(st, 9));
	custom = json_loads((const char *)sqlite3_column_text(st, 6) ?: "{}",
			    0, NULL);
	json_object_foreach(custom, k, v)
	{
		char num[32];

		if (json_is_string(v))
			pair_add(&p, k, json_string_value(v));
		else if (json_is_number(v)) {
			snprintf(num, sizeof(num), "%g", json_number_value(v));
			pair_add(&p, k, num);
		}
	}
	json_decref(custom);
	sqlite3_finalize(st);
	if (customerp)
		*customerp = id;
	return p.n;
}

/* --- The customer record ------------------------------------------------- */

json_t *crm_customer_json(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	json_t *rows, *c, *tags, *custom;

	st = crm_prepare(db, "SELECT id, name, company, language, tier, "
			 "time_zone, custom, consent_recording, "
			 "consent_marketing, provisional, merged_into, "
			 "created_at, updated_at FROM customers WHERE id = ?",
			 "i", id);
	rows = crm_rows(st);
	c = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!c)
		return NULL;
	custom = json_loads(json_string_value(json_object_get(c, "custom"))
				    ?: "{}", 0, NULL);
	json_object_set_new(c, "custom", custom ? custom : json_object());
	json_object_set_new(
		c, "consent",
		json_pack("{s:b,s:b}", "recording",
			  (int)json_integer_value(
				  json_object_get(c, "consent_recording")),
			  "marketing",
			  (int)json_integer_value(
				  json_object_get(c, "consent_marketing"))));
	json_object_del(c, "consent_recording");
	json_object_del(c, "consent_marketing");
	json_object_set_new(c, "provisional",
			    json_boolean(json_integer_value(
				    json_object_get(c, "provisional"))));
	st = crm_prepare(db, "SELECT id, kind, value, label FROM "
			 "customer_identities WHERE customer_id = ? ORDER BY "
			 "id", "i", id);
	json_object_set_new(c, "identities", crm_rows(st));
	st = crm_prepare(db, "SELECT tag FROM customer_tags WHERE "
			 "customer_id = ? ORDER BY tag", "i", id);
	tags = json_array();
	while (st && sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(tags, json_string((const char *)
					    sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	json_object_set_new(c, "tags", tags);
	return c;
}

/* --- Custom field definitions ------------------------------------------- */

int crm_fields_load(sqlite3 *db, struct crm_fields *f)
{
	sqlite3_stmt *st = crm_prepare(db, "SELECT name, type, choices FROM "
				       "customer_fields ORDER BY name", "");

	memset(f, 0, sizeof(*f));
	if (!st)
		return EIO;
	while (f->n < CRM_FIELDS_MAX && sqlite3_step(st) == SQLITE_ROW) {
		struct crm_field *fd = &f->v[f->n++];
		const char *ch = (const char *)sqlite3_column_text(st, 2);

		snprintf(fd->name, sizeof(fd->name), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		snprintf(fd->type, sizeof(fd->type), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		fd->choices = ch ? json_loads(ch, 0, NULL) : NULL;
	}
	sqlite3_finalize(st);
	return 0;
}

void crm_fields_release(struct crm_fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		json_decref(f->v[i].choices);
	f->n = 0;
}

const struct crm_field *crm_field_find(const struct crm_fields *f,
				       const char *name)
{
	for (size_t i = 0; name && i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

bool crm_date_ok(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, m, d, n = 0;

	if (!s || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-')
		return false;
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 ||
	       ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

int crm_field_value_check(json_t **outp, const struct crm_field *fd,
			  json_t *v, char *why, size_t whysz)
{
	const char *s = json_string_value(v);

	*outp = NULL;
	if (json_is_null(v)) {
		*outp = json_null();
		return 0;
	}
	if (!strcmp(fd->type, "number")) {
		char *end;
		double x;

		if (json_is_number(v)) {
			*outp = json_incref(v);
			return 0;
		}
		if (s && *s) {
			x = strtod(s, &end);
			if (!*end) {
				*outp = json_real(x);
				if (x == (double)(json_int_t)x &&
				    x < 9e15 && x > -9e15) {
					json_decref(*outp);
					*outp = json_integer((json_int_t)x);
				}
				return 0;
			}
		}
		snprintf(why, whysz, "%s must be a number", fd->name);
		return EINVAL;
	}
	if (!s) {
		snprintf(why, whysz, "%s must be a string", fd->name);
		return EINVAL;
	}
	if (!strcmp(fd->type, "date") && !crm_date_ok(s)) {
		snprintf(why, whysz, "%s must be a date YYYY-MM-DD, not '%.40s'",
			 fd->name, s);
		return EINVAL;
	}
	if (!strcmp(fd->type, "choice")) {
		size_t i;
		json_t *c;
		bool ok = false;

		json_array_foreach(fd->choices, i, c)
			ok = ok || !strcmp(json_string_value(c) ?: "", s);
		if (!ok) {
			snprintf(why, whysz, "%s must be one of its choices, "
				 "not '%.40s'", fd->name, s);
			return EINVAL;
		}
	}
	if (strlen(s) > CRM_TEXT_MAX) {
		snprintf(why, whysz, "%s is limited to %d bytes", fd->name,
			 CRM_TEXT_MAX);
		return EINVAL;
	}
	*outp = json_incref(v);
	return 0;
}

/* --- Demo ---------------------------------------------------------------- */

struct demo_customer {
	const char *name, *company, *lang, *tier, *tz, *phone, *email;
	const char *account, *tags, *custom;
};

static const struct demo_customer demov[] = {
	{CRM_DEMO_VIP_NAME, "Analytical Engines Ltd", "en", "VIP",
	 "Europe/London", CRM_DEMO_VIP_PHONE, "ada@example.com", "701234",
	 "early-adopter", "{\"contract\": \"premium\", \"customer_since\": "
	 "\"2019-05-14\"}"},
	{"Grace Hopper", "Compilers Inc", "en", "standard", "America/New_York",
	 "+14155550123", "grace@example.org", "702345", "",
	 "{\"contract\": \"basic\"}"},
	{"Jean Dupont", "", "fr", "standard", "Europe/Paris", "+33612345678",
	 "jean.dupont@example.fr", "", "newsletter", "{}"},
};

int crm_demo_seed(sqlite3 *db, void *arg)
{
	sqlite3_stmt *st;
	int64_t now = cc_wall_ms(), id;
	bool done;
	int err;

	(void)arg;
	st = crm_prepare(db, "SELECT (SELECT count(*) FROM crm_settings WHERE "
			 "key = 'demo_seeded') + (SELECT count(*) FROM "
			 "(SELECT 1 FROM customers LIMIT 1))", "");
	done = !st || sqlite3_step(st) != SQLITE_ROW ||
	       sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (done)
		return 0;
	err = store_exec(db, "INSERT OR IGNORE INTO customer_fields (name, "
			 "label, type, choices, created_at) VALUES ('contract',"
			 " 'Contract', 'choice', '[\"basic\", \"premium\"]', "
			 "?), ('customer_since', 'Customer since', 'date', "
			 "NULL, ?)", "ii", now, now);
	for (size_t i = 0; !err && i < sizeof(demov) / sizeof(*demov); i++) {
		const struct demo_customer *d = &demov[i];

		err = store_exec(db, "INSERT INTO customers (name, company, "
				 "language, tier, time_zone, custom, "
				 "consent_recording, consent_marketing, "
				 "created_at, updated_at) VALUES (?, ?, ?, ?, "
				 "?, ?, 1, ?, ?, ?)", "ssssssiii", d->name,
				 d->company, d->lang, d->tier, d->tz,
				 d->custom, (int64_t)(d->tags[0] != '\0'),
				 now, now);
		if (err)
			break;
		id = sqlite3_last_insert_rowid(db);
		err = crm_words_save(db, id);
		if (!err)
			err = crm_identity_insert(db, id, "phone", d->phone,
						  "mobile");
		if (!err)
			err = crm_identity_insert(db, id, "email", d->email,
						  NULL);
		if (!err && d->account[0])
			err = crm_identity_insert(db, id, "account",
						  d->account, NULL);
		if (!err && d->tags[0])
			err = store_exec(db, "INSERT INTO customer_tags VALUES"
					 " (?, ?)", "is", id, d->tags);
	}
	if (!err)
		err = store_exec(db, "INSERT INTO crm_settings VALUES "
				 "('demo_seeded', ?)", "i", now);
	return err;
}

/* --- Module -------------------------------------------------------------- */

int crm_init(const struct cc_config *cfg)
{
	const struct crm_country *c = crm_country_find(cfg->phone_country);
	int err;

	if (!c) {
		cc_error("crm", "phone-country: unknown country '%s' (an ISO "
			 "code such as US, GB, FR, DE)", cfg->phone_country);
		return EINVAL;
	}
	crm_country_default_set(c);
	if (!cfg->demo || !store_main())
		return 0;
	err = store_txn_wait(store_main(), crm_demo_seed, NULL);
	if (err)
		cc_error("crm", "demo customers: %s", strerror(err));
	return err;
}

void crm_close(void)
{
}
