/*
 * Private to the crm module: limits, the customer record as the API and
 * the import write it, and helpers shared by crm_api.c, crm_case.c and
 * crm_csv.c.
 */
#ifndef SB_CRM_INT_H
#define SB_CRM_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <sqlite3.h>

struct api_req;

enum {
	CRM_IDENT_MAX = 200,   /* bytes of an identity's value */
	CRM_NAME_MAX = 200,    /* name, company */
	CRM_TEXT_MAX = 2000,   /* a custom text field */
	CRM_TAG_MAX = 40,
	CRM_TAGS_MAX = 50,
	CRM_IDENTS_MAX = 50,
	CRM_FIELDS_MAX = 100,
	CRM_SUBJECT_MAX = 300,
	CRM_COMMENT_MAX = 20000,
};

void crm_country_default_set(const struct crm_country *c);
bool crm_identity_kind_ok(const char *kind);

/* A custom field definition. */
struct crm_field {
	char name[48];
	char type[8]; /* text, number, date, choice */
	json_t *choices; /* array of strings for choice, else NULL */
};

struct crm_fields {
	struct crm_field v[CRM_FIELDS_MAX];
	size_t n;
};
/* Loads the definitions through db (choices: new references). */
int crm_fields_load(sqlite3 *db, struct crm_fields *f);
void crm_fields_release(struct crm_fields *f);
const struct crm_field *crm_field_find(const struct crm_fields *f,
				       const char *name);
/* Checks a value for its field; writes a reason into why on failure. A
 * CSV text value is converted (number, date) into *outp (new ref). */
int crm_field_value_check(json_t **outp, const struct crm_field *fd,
			  json_t *v, char *why, size_t whysz);
/* YYYY-MM-DD, a real calendar day. */
bool crm_date_ok(const char *s);

/* Writer-thread helpers (store_txn functions). */
int crm_identity_insert(sqlite3 *db, int64_t customer, const char *kind,
			const char *value, const char *label);

/* Rewrites the search words of customer id from its name and company
 * (writer thread). */
int crm_words_save(sqlite3 *db, int64_t id);

/* The full customer as JSON (identities, tags, custom, consent), or NULL
 * when there is none. */
json_t *crm_customer_json(sqlite3 *db, int64_t id);

/* Rows of a statement as an array of objects keyed by column; finalises. */
json_t *crm_rows(sqlite3_stmt *st);
/* Prepares and binds (store_bindv types) on db; NULL on failure. */
sqlite3_stmt *crm_prepare(sqlite3 *db, const char *sql, const char *types,
			  ...);
sqlite3 *crm_reader(void);

/* --- Route handlers (API worker threads; the table is crm_routev[]) ----- */

int crm_api_customers_get(struct api_req *req);
int crm_api_customer_add(struct api_req *req);
int crm_api_customer_get(struct api_req *req);
int crm_api_customer_update(struct api_req *req);
int crm_api_customer_delete(struct api_req *req);
int crm_api_customer_merge(struct api_req *req);
int crm_api_customer_timeline(struct api_req *req);
int crm_api_customer_match(struct api_req *req);
int crm_api_customers_import(struct api_req *req);
int crm_api_customers_export(struct api_req *req);
int crm_api_search(struct api_req *req);
int crm_api_fields_get(struct api_req *req);
int crm_api_field_put(struct api_req *req);
int crm_api_field_delete(struct api_req *req);
int crm_api_interaction_customer(struct api_req *req);
int crm_api_notes_versions(struct api_req *req);
int crm_api_unfinished(struct api_req *req);
int crm_api_cases_get(struct api_req *req);
int crm_api_case_add(struct api_req *req);
int crm_api_case_get(struct api_req *req);
int crm_api_case_update(struct api_req *req);
int crm_api_case_delete(struct api_req *req);
int crm_api_case_comment(struct api_req *req);
int crm_api_case_link(struct api_req *req);

#endif
