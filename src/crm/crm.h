/*
 * crm: customers behind every contact. A customer has identities (phone
 * numbers normalised to E.164 with a configured default country, e-mail
 * addresses, chat and messaging handles, account numbers), a name,
 * company, language, tier (standard or VIP), time zone, custom fields
 * the administrator defines (text, number, date, choice), tags and consent
 * flags. An incoming contact finds its customer by identity (several
 * matches are offered to the agent, none makes a provisional customer);
 * the customer's timeline is every interaction on every channel; cases
 * (tickets) outlive one contact. Everything is in the store (040_crm.sql).
 *
 * Threads: crm_phone_normalise and crm_csv_* are pure. The lookups take a
 * database connection (store_reader() of the calling thread: on the main
 * loop they are indexed reads of a few microseconds). crm_call_arrived
 * queues its writes (never blocks). The route handlers run on API worker
 * threads (the table crm_routev[] at the end of crm_api.c).
 */
#ifndef SB_CRM_H
#define SB_CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "api/api_req.h"

struct cc_config;
struct store;

/* --- Module -------------------------------------------------------------- */

/* Reads the default country (phone-country); with --demo seeds the demo
 * customers once. After store. EINVAL on an unknown country. */
int crm_init(const struct cc_config *cfg);
void crm_close(void);

/* --- Phone numbers (pure) ------------------------------------------------ */

/* A country's numbering: calling code, trunk and international prefixes
 * and the length range of national significant numbers. */
struct crm_country {
	const char *iso;   /* "US" */
	const char *cc;    /* "1" */
	const char *trunk; /* "1" (NANP), "0", "" */
	const char *intl;  /* "011", "00" */
	unsigned nsn_min, nsn_max;
};

/* The country by ISO code (case-insensitive), or NULL. */
const struct crm_country *crm_country_find(const char *iso);
/* The configured default (US before crm_init). */
const struct crm_country *crm_country_default(void);

enum { CRM_PHONE_MAX = 20 };

/*
 * Normalises a phone number written any way ("+44 20 7946 0018",
 * "0044 20...", "(415) 555-0100", "sip:+1415...@host", "tel:...") into
 * out: E.164 ("+442079460018") when it is one, else the bare digits of a
 * short number (3 to 15 digits that make no valid national number:
 * extensions, service codes). country applies to numbers written without
 * +/international prefix (NULL: the default). Returns 0, or EINVAL when
 * the text is not a phone number (letters, too few or too many digits).
 */
int crm_phone_normalise(char *out, size_t sz, const char *in,
			const struct crm_country *country);

/*
 * Normalises an identity's value for its kind: phone as above, email
 * lower-cased and checked (one @, a dot in the domain), chat, messaging
 * and account trimmed (1 to 200 printable characters). EINVAL when kind
 * is unknown or the value is not valid for it.
 */
int crm_identity_normalise(char *out, size_t sz, const char *kind,
			   const char *in);

/* --- Search words (pure) ----------------------------------------------- */

enum { CRM_WORD_MAX = 40, CRM_WORDS_MAX = 12 };

/* The words of text for search: runs of letters and digits (bytes of
 * UTF-8 sequences count as letters), ASCII lower-cased, cut at
 * CRM_WORD_MAX bytes, duplicates dropped. Returns how many (up to max). */
size_t crm_words(char wordv[][CRM_WORD_MAX + 1], size_t max,
		 const char *text);

/* --- CSV (pure) ---------------------------------------------------------- */

/*
 * A CSV reader over a buffer (RFC 4180: quoted fields, "" inside quotes,
 * CR LF or LF line ends, fields spanning lines inside quotes). Fields are
 * decoded in place into the reader's scratch buffer.
 */
struct crm_csv {
	const char *p, *end;
	unsigned line;      /* line number where the current record began */
	unsigned next_line; /* line number after it */
	char *buf;          /* scratch: the decoded fields of one record */
	size_t cap;
	const char **fieldv;
	size_t fieldc, fieldcap;
};
void crm_csv_init(struct crm_csv *c, const char *data, size_t len);
void crm_csv_reset(struct crm_csv *c);
/* Reads the next record into fieldv/fieldc. Returns 0, ENODATA at the
 * end, EBADMSG on an unterminated quote or a character after a closing
 * quote (c->line names the record), ENOMEM. */
int crm_csv_next(struct crm_csv *c);
/* Appends s as one CSV field (quoted when needed) to a growing buffer. */
int crm_csv_put(char **bufp, size_t *lenp, size_t *capp, const char *s,
		bool last);

/* --- Lookup -------------------------------------------------------------- */

enum { CRM_MATCH_MAX = 5 };

/*
 * Customers with the identity (kind, value already normalised), not
 * merged away, the most recently contacted first: up to max ids into
 * idv. Returns the number found (0..max) or -errno.
 */
int crm_identity_find(sqlite3 *db, const char *kind, const char *value,
		      int64_t *idv, int max);

/*
 * The customers a caller's number leads to: normalises number and looks
 * it up. Returns the number found (0..max) or -errno (-EINVAL: not a
 * phone number).
 */
int crm_caller_find(sqlite3 *db, const char *number, int64_t *idv, int max);

/*
 * The customer with account number key: an 'account' identity, else a
 * custom field named account or account_number. 0 when none, else the
 * id, or -errno.
 */
int64_t crm_account_find(sqlite3 *db, const char *key);

/*
 * The screen pop for a contact from `from` (a caller's number): JSON
 * object text (malloc'd, free() it) with "customer": {id, name, company,
 * tier, language, provisional, last_interaction: {id, at, channel, queue,
 * agent_id, outcome, disposition}} and "vip": true for a VIP, or
 * "customer_matches": [{id, name, tier}...] when several customers match.
 * *customerp gets the customer id (0 when none or several). Returns NULL
 * when nobody matches (or on error). skip is an interaction id to leave
 * out of last_interaction (the current one).
 */
char *crm_pop_json(sqlite3 *db, const char *from, int64_t skip,
		   int64_t *customerp);

/* The screen pop (as crm_pop_json) for a known customer, e.g. the one the
 * IVR identified by account number. NULL when there is no such customer. */
char *crm_pop_customer_json(sqlite3 *db, int64_t customer, int64_t skip);

/*
 * A voice call arrived (main loop): finds the caller's customer; one match
 * sets interactions.customer_id, none queues a provisional customer with
 * the number as its phone identity (linked to the interaction), several
 * leave it for the agent to choose. Writes are queued, never waited for.
 * *customerp (may be NULL) gets the single match's id, else 0.
 */
void crm_call_arrived(struct store *st, int64_t interaction,
		      const char *from, int64_t *customerp);

/*
 * Fields for the IVR lookup node: the customer's id, name, company, tier,
 * language, time_zone, phone, account, last_agent (who handled their last
 * answered contact: the flow's preferred agent) and custom fields as
 * name/value pairs into buf (NUL-separated) with pointers in fieldv (2 per
 * pair). by is "caller" (key: a number) or "account". Returns the number
 * of pairs, 0 when not found; *customerp (may be NULL) gets the id.
 */
size_t crm_ivr_fields(sqlite3 *db, const char *by, const char *key,
		      char *buf, size_t bufsz, const char **fieldv,
		      size_t pairs_max, int64_t *customerp);

/* Customers matching what the agent typed (a word prefix of the name or
 * company, a number in any format or part of it, an e-mail prefix, a
 * handle): JSON array text (malloc'd), up to limit, or NULL on error. */
char *crm_search_json(sqlite3 *db, const char *q, int limit);

/* Creates the demo customers (one VIP calling from CRM_DEMO_VIP_PHONE)
 * when the customers table is empty and they were never seeded. For the
 * writer thread (store_txn). */
int crm_demo_seed(sqlite3 *db, void *arg);

#define CRM_DEMO_VIP_PHONE "+15555550100"
#define CRM_DEMO_VIP_NAME "Ada Lovelace"

/* --- Routes -------------------------------------------------------------- */

/* The module's HTTP routes (crm_api.c), ending with API_ROUTES_END; main
 * registers them with api_routes_register(). Handlers run on API worker
 * threads. */
extern const struct api_route crm_routev[];

#endif
