/*
 * crm_import.c: customers from CSV and back.
 *
 * POST /api/v1/customers/import takes the CSV file as the body (header
 * line first). Columns map to customer attributes by their header (name,
 * company, language, tier, time_zone, phone, email, chat, messaging,
 * account, tags, consent_recording, consent_marketing, a custom field's
 * name or custom.<name>), or by ?mapping=Header:target,Other:target
 * (target "ignore" skips a column). Several columns may map to phone (or
 * any identity) and one cell may hold several values separated by ';'.
 *
 * Every row is checked; a dry run (?dry_run=1) answers the report: rows,
 * valid rows, and every bad row with its line number, column and reason.
 * A real import checks and inserts in one pass inside ONE store unit (one
 * transaction, prepared statements reused); any bad row rolls the unit
 * back and the import is refused with the same report (422): all or
 * nothing, and fast (bench/crm: 100,000 rows). The writer is busy for
 * the length of the import (other writes wait, none is lost).
 *
 * GET /api/v1/customers/export answers every customer as CSV in the same
 * columns, so an export can be imported again.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "api/api_req.h"
#include "core/cc.h"
#include "store/store.h"
#include "crm.h"
#include "crm_int.h"

int crm_attr_check(const char *attr, const char *v, char *out, size_t sz,
		   char *why, size_t whysz);

enum {
	COLS_MAX = 64,
	ROW_IDENTS_MAX = 16,
	ERRORS_MAX = 10000, /* reported; counted beyond */
	ROWS_MAX = 2000000,
};

enum target {
	T_IGNORE,
	T_NAME, T_COMPANY, T_LANGUAGE, T_TIER, T_TIME_ZONE, /* = attr + 1 */
	T_PHONE, T_EMAIL, T_CHAT, T_MESSAGING, T_ACCOUNT,
	T_TAGS, T_CONSENT_REC, T_CONSENT_MKT, T_CUSTOM,
};

static const char *const targetn[] = {
	"ignore", "name", "company", "language", "tier", "time_zone",
	"phone", "email", "chat", "messaging", "account", "tags",
	"consent_recording", "consent_marketing", NULL};

struct col {
	enum target t;
	const struct crm_field *field; /* T_CUSTOM */
	char header[64];
};

struct imp {
	const char *data;
	size_t len;
	struct crm_fields fields;
	struct col colv[COLS_MAX];
	size_t colc;
	bool has_custom;
	bool refused; /* bad rows: rolled back */
	/* report */
	json_t *errors;
	size_t error_count, rows, valid;
	int64_t first_id, last_id, now;
	/* writer */
	sqlite3_stmt *ins_cust, *ins_ident, *ins_tag, *ins_word;
};

/* One checked row, pointing into the reader's buffer and its own. */
struct row {
	const char *attr[5];
	char tier[12];
	struct {
		const char *kind;
		char value[CRM_IDENT_MAX + 8];
	} idv[ROW_IDENTS_MAX];
	size_t idc;
	const char *tagv[CRM_TAGS_MAX];
	char tagbuf[CRM_TAGS_MAX * (CRM_TAG_MAX + 1)];
	size_t tagc;
	int consent_rec, consent_mkt;
	json_t *custom;
};

static int target_find(enum target *tp, const struct crm_field **fp,
		       const struct imp *im, const char *name)
{
	*fp = NULL;
	for (size_t i = 0; targetn[i]; i++)
		if (!strcasecmp(name, targetn[i])) {
			*tp = (enum target)i;
			return 0;
		}
	if (!strncasecmp(name, "custom.", 7))
		name += 7;
	for (size_t i = 0; i < im->fields.n; i++)
		if (!strcasecmp(name, im->fields.v[i].name)) {
			*tp = T_CUSTOM;
			*fp = &im->fields.v[i];
			return 0;
		}
	return ENOENT;
}

/* Header line and mapping into colv; replies 400 naming the column. */
static int header_map(struct imp *im, struct api_req *req,
		      struct crm_csv *csv, const char *mapping)
{
	static const char *const skipped[] = {"id", "provisional",
					      "created_at", "updated_at",
					      NULL};
	int err = crm_csv_next(csv);

	if (err == ENODATA)
		return api_reply_error(req, 400, "invalid", "body",
				       "the file is empty (a header line "
				       "naming the columns comes first)");
	if (err)
		return api_reply_error(req, 400, "invalid", "body",
				       "line %u: the header line is not valid"
				       " CSV", csv->line);
	if (csv->fieldc > COLS_MAX)
		return api_reply_error(req, 400, "invalid", "body",
				       "at most %d columns", COLS_MAX);
	im->colc = csv->fieldc;
	for (size_t i = 0; i < im->colc; i++) {
		struct col *c = &im->colv[i];
		const char *h = csv->fieldv[i];
		const char *m = mapping, *tgt = NULL;
		char want[64];
		bool skip = false;

		while (isspace((unsigned char)*h))
			h++;
		snprintf(c->header, sizeof(c->header), "%s", h);
		for (size_t n = strlen(c->header);
		     n && isspace((unsigned char)c->header[n - 1]); n--)
			c->header[n - 1] = '\0';
		/* mapping: "Header:target,Header:target" */
		for (; m && *m;) {
			const char *colon = strchr(m, ':');
			const char *comma = strchr(m, ',');

			if (!comma)
				comma = m + strlen(m);
			if (colon && colon < comma &&
			    (size_t)(colon - m) == strlen(c->header) &&
			    !strncasecmp(m, c->header, (size_t)(colon - m))) {
				snprintf(want, sizeof(want), "%.*s",
					 (int)(comma - colon - 1), colon + 1);
				tgt = want;
			}
			m = *comma ? comma + 1 : comma;
		}
		for (size_t k = 0; !tgt && skipped[k]; k++)
			skip = skip || !strcasecmp(c->header, skipped[k]);
		if (skip) {
			c->t = T_IGNORE;
			continue;
		}
		if (target_find(&c->t, &c->field, im, tgt ? tgt : c->header))
			return api_reply_error(
				req, 400, "invalid", "mapping",
				"column %zu '%s': %s '%s' is not a customer "
				"attribute or custom field (map it with "
				"?mapping=%s:name|phone|email|...|ignore)",
				i + 1, c->header, tgt ? "target" : "header",
				tgt ? tgt : c->header, c->header);
		if (c->t == T_CUSTOM)
			im->has_custom = true;
	}
	return 0;
}

static void error_add(struct imp *im, unsigned line, const struct col *c,
		      const char *why)
{
	im->error_count++;
	if (json_array_size(im->errors) < ERRORS_MAX)
		json_array_append_new(
			im->errors,
			json_pack("{s:i,s:s?,s:s}", "line", (int)line,
				  "column", c ? c->header : NULL, "reason",
				  why));
}

static int bool_cell(int *vp, const char *s)
{
	if (!*s)
		return 0;
	if (!strcasecmp(s, "1") || !strcasecmp(s, "yes") ||
	    !strcasecmp(s, "true") || !strcasecmp(s, "y"))
		*vp = 1;
	else if (!strcasecmp(s, "0") || !strcasecmp(s, "no") ||
		 !strcasecmp(s, "false") || !strcasecmp(s, "n"))
		*vp = 0;
	else
		return EINVAL;
	return 0;
}

/* Splits s on ';' into trimmed parts (in place in buf). */
static size_t split(char *buf, size_t sz, const char *s, const char **partv,
		    size_t max, bool *overflow)
{
	size_t n = 0;
	char *p, *save = NULL;

	*overflow = false;
	snprintf(buf, sz, "%s", s);
	if (strlen(s) >= sz)
		*overflow = true;
	for (p = strtok_r(buf, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		char *e;

		while (isspace((unsigned char)*p))
			p++;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*p)
			continue;
		if (n == max) {
			*overflow = true;
			break;
		}
		partv[n++] = p;
	}
	return n;
}

/* Checks the current record into r; the first problem is reported. */
static int row_check(struct imp *im, struct crm_csv *csv, struct row *r)
{
	char why[200], buf[CRM_IDENT_MAX + 8];
	char cell[4096];
	const char *partv[ROW_IDENTS_MAX];
	bool over;

	memset(r, 0, offsetof(struct row, idv));
	r->idc = r->tagc = 0;
	r->consent_rec = r->consent_mkt = 0;
	r->custom = NULL;
	for (size_t i = 0; i < 5; i++)
		r->attr[i] = "";
	snprintf(r->tier, sizeof(r->tier), "standard");
	r->attr[3] = r->tier;
	if (csv->fieldc != im->colc) {
		snprintf(why, sizeof(why), "%zu fields where the header has "
			 "%zu", csv->fieldc, im->colc);
		error_add(im, csv->line, NULL, why);
		return EINVAL;
	}
	for (size_t i = 0; i < im->colc; i++) {
		const struct col *c = &im->colv[i];
		const char *v = csv->fieldv[i];

		switch (c->t) {
		case T_IGNORE:
			break;
		case T_NAME: case T_COMPANY: case T_LANGUAGE: case T_TIER:
		case T_TIME_ZONE: {
			size_t a = (size_t)c->t - 1;

			while (isspace((unsigned char)*v))
				v++;
			if (crm_attr_check(targetn[c->t], v, buf, sizeof(buf),
					   why, sizeof(why))) {
				error_add(im, csv->line, c, why);
				return EINVAL;
			}
			if (c->t == T_TIER) {
				snprintf(r->tier, sizeof(r->tier), "%.11s", buf);
				v = r->tier;
			}
			r->attr[a] = v;
			break;
		}
		case T_PHONE: case T_EMAIL: case T_CHAT: case T_MESSAGING:
		case T_ACCOUNT: {
			size_t n = split(cell, sizeof(cell), v, partv,
					 ROW_IDENTS_MAX, &over);

			for (size_t k = 0; k < n; k++) {
				if (r->idc == ROW_IDENTS_MAX)
					over = true;
				if (over)
					break;
				r->idv[r->idc].kind = targetn[c->t];
				if (crm_identity_normalise(
					    r->idv[r->idc].value,
					    sizeof(r->idv[0].value),
					    targetn[c->t], partv[k])) {
					snprintf(why, sizeof(why),
						 "'%.60s' is not a valid %s",
						 partv[k], targetn[c->t]);
					error_add(im, csv->line, c, why);
					return EINVAL;
				}
				r->idc++;
			}
			if (over) {
				snprintf(why, sizeof(why), "at most %d "
					 "identities in a row", ROW_IDENTS_MAX);
				error_add(im, csv->line, c, why);
				return EINVAL;
			}
			break;
		}
		case T_TAGS: {
			size_t n = split(r->tagbuf, sizeof(r->tagbuf), v,
					 r->tagv, CRM_TAGS_MAX, &over);

			for (size_t k = 0; k < n && !over; k++)
				over = strlen(r->tagv[k]) > CRM_TAG_MAX ||
				       strchr(r->tagv[k], ',');
			if (over) {
				snprintf(why, sizeof(why), "tags are up to %d,"
					 " of 1 to %d characters, separated "
					 "by ;", CRM_TAGS_MAX, CRM_TAG_MAX);
				error_add(im, csv->line, c, why);
				return EINVAL;
			}
			r->tagc = n;
			break;
		}
		case T_CONSENT_REC: case T_CONSENT_MKT:
			if (bool_cell(c->t == T_CONSENT_REC ? &r->consent_rec
							    : &r->consent_mkt,
				      v)) {
				snprintf(why, sizeof(why), "%s must be yes or "
					 "no (1/0, true/false), not '%.40s'",
					 targetn[c->t], v);
				error_add(im, csv->line, c, why);
				return EINVAL;
			}
			break;
		case T_CUSTOM: {
			json_t *in, *out = NULL;

			if (!*v)
				break;
			in = json_string(v);
			if (!in || crm_field_value_check(&out, c->field, in,
							 why, sizeof(why))) {
				json_decref(in);
				if (!in)
					snprintf(why, sizeof(why), "%s is not "
						 "valid UTF-8",
						 c->field->name);
				error_add(im, csv->line, c, why);
				json_decref(r->custom);
				r->custom = NULL;
				return EINVAL;
			}
			json_decref(in);
			if (!r->custom)
				r->custom = json_object();
			json_object_set_new(r->custom, c->field->name, out);
			break;
		}
		}
	}
	if (!*r->attr[0] && !r->idc) {
		error_add(im, csv->line, NULL,
			  "a customer needs a name or an identity");
		json_decref(r->custom);
		r->custom = NULL;
		return EINVAL;
	}
	return 0;
}

static bool record_blank(const struct crm_csv *csv)
{
	for (size_t i = 0; i < csv->fieldc; i++)
		if (csv->fieldv[i][0])
			return false;
	return true;
}

static int row_insert(struct imp *im, sqlite3 *db, struct row *r)
{
	char *custom = r->custom ? json_dumps(r->custom, JSON_COMPACT) : NULL;
	sqlite3_stmt *st = im->ins_cust;
	int64_t id;
	int rc;

	for (int i = 0; i < 5; i++) {
		const char *v = r->attr[i];

		if ((i == 2 || i == 4) && !*v)
			sqlite3_bind_null(st, i + 1);
		else
			sqlite3_bind_text(st, i + 1, v, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 6, custom ? custom : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, r->consent_rec);
	sqlite3_bind_int(st, 8, r->consent_mkt);
	sqlite3_bind_int64(st, 9, im->now);
	sqlite3_bind_int64(st, 10, im->now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(custom);
	if (rc != SQLITE_DONE) {
		cc_error("crm", "import: %s", sqlite3_errmsg(db));
		return store_err(rc);
	}
	id = sqlite3_last_insert_rowid(db);
	if (!im->first_id)
		im->first_id = id;
	im->last_id = id;
	for (size_t k = 0; k < r->idc; k++) {
		st = im->ins_ident;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, r->idv[k].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->idv[k].value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_err(rc);
	}
	{
		char wv[2 * CRM_WORDS_MAX][CRM_WORD_MAX + 1];
		size_t n = crm_words(wv, CRM_WORDS_MAX, r->attr[0]);

		n += crm_words(wv + n, CRM_WORDS_MAX, r->attr[1]);
		for (size_t k = 0; k < n; k++) {
			st = im->ins_word;
			sqlite3_bind_text(st, 1, wv[k], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, id);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				return store_err(rc);
		}
	}
	for (size_t k = 0; k < r->tagc; k++) {
		st = im->ins_tag;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, r->tagv[k], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_err(rc);
	}
	return 0;
}

/* Walks every record after the header: checks (db NULL) or inserts. */
static int import_walk(struct imp *im, sqlite3 *db, struct api_req *req,
		       const char *mapping)
{
	struct crm_csv csv;
	struct row *r = malloc(sizeof(*r));
	int err;

	if (!r)
		return ENOMEM;
	crm_csv_init(&csv, im->data, im->len);
	err = header_map(im, req, &csv, mapping);
	if (err)
		goto out;
	im->rows = im->valid = 0;
	while (!(err = crm_csv_next(&csv))) {
		if (record_blank(&csv))
			continue;
		if (++im->rows > ROWS_MAX) {
			err = api_reply_error(req, 413, "too_many_rows", "body",
					      "at most %d rows in one import",
					      ROWS_MAX);
			goto out;
		}
		if (row_check(im, &csv, r))
			continue;
		im->valid++;
		/* After a bad row nothing will be kept: check the rest only. */
		if (db && !im->error_count) {
			err = row_insert(im, db, r);
			if (err) {
				json_decref(r->custom);
				goto out;
			}
		}
		json_decref(r->custom);
	}
	if (err == EBADMSG) {
		im->rows++;
		error_add(im, csv.line, NULL,
			  "broken quoting: a quoted field is not closed, or "
			  "a quote is followed by text (the rest of the file "
			  "was not read)");
		err = 0;
	}
	else if (err == ENODATA)
		err = 0;
out:
	crm_csv_reset(&csv);
	free(r);
	return err;
}

struct import_job {
	struct imp *im;
	struct api_req *req;
	const char *mapping;
};

static int import_txn(sqlite3 *db, void *arg)
{
	struct import_job *j = arg;
	struct imp *im = j->im;
	int err = EIO;

	im->error_count = 0;
	json_array_clear(im->errors);
	/* A big page cache for the index inserts of a large file (for this
	 * unit; the writer's usual size comes back after it). */
	(void)sqlite3_exec(db, "PRAGMA cache_size = -131072", NULL, NULL,
			   NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO customers (name, company, "
			       "language, tier, time_zone, custom, "
			       "consent_recording, consent_marketing, "
			       "created_at, updated_at) VALUES (?, ?, ?, ?, ?,"
			       " ?, ?, ?, ?, ?)", -1, &im->ins_cust, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO customer_identities "
			       "(customer_id, kind, value) VALUES (?, ?, ?)",
			       -1, &im->ins_ident, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO customer_tags "
			       "VALUES (?, ?)", -1, &im->ins_tag, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO customer_words "
			       "VALUES (?, ?)", -1, &im->ins_word, NULL))
		goto out;
	err = import_walk(im, db, j->req, j->mapping);
	/* Any bad row: the unit rolls back, nothing goes in. */
	if (!err && im->error_count) {
		im->refused = true;
		err = EINVAL;
	}
out:
	(void)sqlite3_exec(db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
	sqlite3_finalize(im->ins_cust);
	sqlite3_finalize(im->ins_ident);
	sqlite3_finalize(im->ins_tag);
	sqlite3_finalize(im->ins_word);
	im->ins_cust = im->ins_ident = im->ins_tag = im->ins_word = NULL;
	return err;
}

int crm_api_customers_import(struct api_req *req)
{
	const char *dry = api_req_query(req, "dry_run");
	const char *mapping = api_req_query(req, "mapping");
	bool dry_run = dry && (!strcmp(dry, "1") || !strcmp(dry, "true"));
	struct imp *im = calloc(1, sizeof(*im));
	struct import_job j = {im, req, mapping};
	json_t *report;
	uint64_t t0 = cc_clock_ms();
	int err;

	if (!im)
		return ENOMEM;
	im->data = api_req_data(req, &im->len);
	im->errors = json_array();
	im->now = cc_wall_ms();
	if (!im->data || !im->len) {
		err = api_reply_error(req, 400, "missing_body", "body",
				      "send the CSV file as the body");
		goto out;
	}
	err = crm_fields_load(crm_reader(), &im->fields);
	if (err)
		goto out;
	/* A dry run checks every row; an import checks and inserts in one
	 * pass inside one store unit, rolled back whole at the first bad row
	 * (the rest are still checked for the report). */
	if (dry_run)
		err = import_walk(im, NULL, req, mapping);
	else
		err = store_txn_wait(store_main(), import_txn, &j);
	if (err == EINVAL && im->refused)
		err = 0;
	if (err)
		goto out;
	if (dry_run || im->error_count) {
		report = json_pack("{s:b,s:I,s:I,s:I,s:O,s:i}", "dry_run",
				   dry_run, "rows", (json_int_t)im->rows,
				   "valid", (json_int_t)im->valid,
				   "error_count", (json_int_t)im->error_count,
				   "errors", im->errors, "imported", 0);
		err = api_reply_json(req, dry_run ? 200 : 422, report);
		goto out;
	}
	report = json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "dry_run", 0,
			   "rows", (json_int_t)im->rows, "valid",
			   (json_int_t)im->valid, "imported",
			   (json_int_t)im->valid, "error_count", (json_int_t)0,
			   "first_id", (json_int_t)im->first_id, "last_id",
			   (json_int_t)im->last_id, "ms",
			   (json_int_t)(cc_clock_ms() - t0));
	json_object_set_new(report, "errors", json_array());
	(void)api_audit(req, "customer.import", "customers",
			json_pack("{s:I,s:I,s:I}", "rows",
				  (json_int_t)im->valid, "first_id",
				  (json_int_t)im->first_id, "last_id",
				  (json_int_t)im->last_id));
	err = api_reply_json(req, 201, report);
out:
	crm_fields_release(&im->fields);
	json_decref(im->errors);
	free(im);
	return err;
}

/* --- Export --------------------------------------------------------------- */

int crm_api_customers_export(struct api_req *req)
{
	static const char *const head[] = {
		"id", "name", "company", "language", "tier", "time_zone",
		"phone", "email", "chat", "messaging", "account", "tags",
		"consent_recording", "consent_marketing", "provisional",
		"created_at"};
	struct crm_fields f;
	sqlite3_stmt *st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int err, nh = (int)(sizeof(head) / sizeof(*head));

	err = crm_fields_load(crm_reader(), &f);
	if (err)
		return err;
	st = crm_prepare(
		crm_reader(),
		"SELECT c.id, c.name, c.company, c.language, c.tier, "
		"c.time_zone, "
		"(SELECT group_concat(value, '; ') FROM customer_identities "
		"WHERE customer_id = c.id AND kind = 'phone'), "
		"(SELECT group_concat(value, '; ') FROM customer_identities "
		"WHERE customer_id = c.id AND kind = 'email'), "
		"(SELECT group_concat(value, '; ') FROM customer_identities "
		"WHERE customer_id = c.id AND kind = 'chat'), "
		"(SELECT group_concat(value, '; ') FROM customer_identities "
		"WHERE customer_id = c.id AND kind = 'messaging'), "
		"(SELECT group_concat(value, '; ') FROM customer_identities "
		"WHERE customer_id = c.id AND kind = 'account'), "
		"(SELECT group_concat(tag, '; ') FROM customer_tags WHERE "
		"customer_id = c.id), CASE c.consent_recording WHEN 1 THEN "
		"'yes' ELSE 'no' END, CASE c.consent_marketing WHEN 1 THEN "
		"'yes' ELSE 'no' END, CASE c.provisional WHEN 1 THEN 'yes' "
		"ELSE 'no' END, c.created_at, c.custom FROM customers c "
		"WHERE c.merged_into IS NULL ORDER BY c.id",
		"");
	if (!st) {
		crm_fields_release(&f);
		return EIO;
	}
	for (int i = 0; !err && i < nh; i++)
		err = crm_csv_put(&buf, &len, &cap, head[i],
				  i == nh - 1 && !f.n);
	for (size_t i = 0; !err && i < f.n; i++)
		err = crm_csv_put(&buf, &len, &cap, f.v[i].name, i == f.n - 1);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		json_t *custom = json_loads(
			(const char *)sqlite3_column_text(st, nh) ?: "{}", 0,
			NULL);

		for (int i = 0; !err && i < nh; i++)
			err = crm_csv_put(&buf, &len, &cap,
					  (const char *)sqlite3_column_text(st,
									    i),
					  i == nh - 1 && !f.n);
		for (size_t i = 0; !err && i < f.n; i++) {
			json_t *v = json_object_get(custom, f.v[i].name);
			char num[40];
			const char *s = json_string_value(v);

			if (json_is_number(v)) {
				if (json_is_integer(v))
					snprintf(num, sizeof(num), "%lld",
						 (long long)json_integer_value(
							 v));
				else
					snprintf(num, sizeof(num), "%.17g",
						 json_real_value(v));
				s = num;
			}
			err = crm_csv_put(&buf, &len, &cap, s, i == f.n - 1);
		}
		json_decref(custom);
	}
	sqlite3_finalize(st);
	crm_fields_release(&f);
	if (!err)
		err = api_reply_data(req, 200, "text/csv; charset=utf-8",
				     buf ? buf : "", len);
	free(buf);
	return err;
}
