/*
 * test_crm: the pure parts of the CRM (phone numbers to E.164 with a
 * default country, identity normalisation, the CSV reader and writer,
 * calendar dates) and the lookups over a real store (identity match with
 * several customers, the screen pop with the last interaction, the IVR
 * lookup by caller and by account, the demo seed run once).
 */
#include <stdint.h>
#include <stdlib.h>
#include <jansson.h>
#include "core/cc.h"
#include "store/store.h"
#include "crm/crm.h"
#include "crm/crm_int.h"
#include "test.h"

void *mem_deref(void *data); /* <re.h> clashes with <jansson.h> */

static int norm(char *out, size_t sz, const char *in, const char *country)
{
	return crm_phone_normalise(out, sz, in, crm_country_find(country));
}

static int phone_e164(void)
{
	static const struct {
		const char *in, *country, *out;
	} v[] = {
		{"+1 (415) 555-0100", "US", "+14155550100"},
		{"(415) 555-0100", "US", "+14155550100"},
		{"1-415-555-0100", "US", "+14155550100"},
		{"011 44 20 7946 0018", "US", "+442079460018"},
		{"sip:+14155550100@trunk.example.com;user=phone", "US",
		 "+14155550100"},
		{"tel:+33-6-12-34-56-78", "US", "+33612345678"},
		{"020 7946 0018", "GB", "+442079460018"},
		{"0044 20 7946 0018", "GB", "+442079460018"},
		{"06 12 34 56 78", "FR", "+33612345678"},
		{"06.12.34.56.78", "fr", "+33612345678"},
		{"0612345678", "FR", "+33612345678"},
		{"030 1234567", "DE", "+49301234567"},
		{"5550100", "US", "5550100"},           /* short: digits */
		{"1001", "US", "1001"},
	};
	char out[CRM_PHONE_MAX + 8];
	int err = 0;

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		TEST_ERR(norm(out, sizeof(out), v[i].in, v[i].country));
		TEST_STREQ(out, v[i].out);
	}
	TEST_ERR(norm(out, sizeof(out), "06 1234 5678", "IT"));
	TEST_STREQ(out, "+390612345678"); /* Italy keeps its 0 */
	TEST_ERR(norm(out, sizeof(out), "+39 06 1234 5678", "US"));
	TEST_STREQ(out, "+390612345678");
out:
	return err;
}

static int phone_refused(void)
{
	static const char *const bad[] = {
		"", "12", "call me", "+0 123 4567", "+1 234", "555-0100 ext 5",
		"+1234567890123456", "1234567890123456789", "++1 415 555 0100",
		"anonymous", "sip:anonymous@host",
	};
	char out[CRM_PHONE_MAX + 8];
	int err = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int rc = norm(out, sizeof(out), bad[i], "US");

		if (rc != EINVAL)
			test_fail(__FILE__, __LINE__, "'%s' -> %s (rc %d)",
				  bad[i], rc ? "?" : out, rc);
		TEST_EQ(rc, EINVAL);
	}
	TEST_ASSERT(crm_country_find("XX") == NULL);
	TEST_STREQ(crm_country_find("gb")->cc, "44");
out:
	return err;
}

static int identities(void)
{
	char out[256];
	int err = 0;

	TEST_ERR(crm_identity_normalise(out, sizeof(out), "email",
					"  Ada.Lovelace@Example.COM "));
	TEST_STREQ(out, "ada.lovelace@example.com");
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "email", "ada@"),
		EINVAL);
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "email", "a@b@c.d"),
		EINVAL);
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "email", "a@b"),
		EINVAL);
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "email",
				       "a b@c.de"), EINVAL);
	TEST_ERR(crm_identity_normalise(out, sizeof(out), "messaging",
					" whatsapp:+14155550100 "));
	TEST_STREQ(out, "whatsapp:+14155550100");
	TEST_ERR(crm_identity_normalise(out, sizeof(out), "chat", "Ada#42"));
	TEST_STREQ(out, "Ada#42"); /* handles keep their case */
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "chat", "a\tb"),
		EINVAL);
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "fax", "1"), EINVAL);
	TEST_EQ(crm_identity_normalise(out, sizeof(out), "account", "   "),
		EINVAL);
out:
	return err;
}

static int words(void)
{
	char wv[CRM_WORDS_MAX][CRM_WORD_MAX + 1];
	char longw[100];
	size_t n;
	int err = 0;

	n = crm_words(wv, CRM_WORDS_MAX, "  Bob Marley-Smith, Ltd. bob 42");
	TEST_EQ(n, 5);
	TEST_STREQ(wv[0], "bob");
	TEST_STREQ(wv[1], "marley");
	TEST_STREQ(wv[2], "smith");
	TEST_STREQ(wv[3], "ltd");
	TEST_STREQ(wv[4], "42"); /* the second bob is dropped */
	n = crm_words(wv, CRM_WORDS_MAX, "\xc3\x85ngstr\xc3\xb6m ZO\xc3\x8b");
	TEST_EQ(n, 2);
	TEST_STREQ(wv[0], "\xc3\xa5ngstr\xc3\xb6m"); /* ångström */
	TEST_STREQ(wv[1], "zo\xc3\xab");
	TEST_EQ(crm_words(wv, CRM_WORDS_MAX, " -- , "), 0);
	TEST_EQ(crm_words(wv, 2, "a b c d"), 2);
	/* A long word is cut on a character boundary. */
	memset(longw, 'a', 39);
	memcpy(longw + 39, "\xc3\xa9xyz", 6);
	TEST_EQ(crm_words(wv, 1, longw), 1);
	TEST_EQ(strlen(wv[0]), 39);
out:
	return err;
}

static int csv_reader(void)
{
	static const char data[] =
		"\xef\xbb\xbfname,note\r\n"
		"plain,\"a, b\"\r\n"
		"\"quo\"\"te\",\"two\nlines\"\n"
		"\n"
		"last,\n"
		"bad,\"open\n";
	struct crm_csv c;
	int err = 0;

	crm_csv_init(&c, data, sizeof(data) - 1);
	TEST_ERR(crm_csv_next(&c));
	TEST_EQ(c.fieldc, 2);
	TEST_STREQ(c.fieldv[0], "name");
	TEST_EQ(c.line, 1);
	TEST_ERR(crm_csv_next(&c));
	TEST_STREQ(c.fieldv[1], "a, b");
	TEST_EQ(c.line, 2);
	TEST_ERR(crm_csv_next(&c));
	TEST_STREQ(c.fieldv[0], "quo\"te");
	TEST_STREQ(c.fieldv[1], "two\nlines");
	TEST_EQ(c.line, 3);
	TEST_ERR(crm_csv_next(&c)); /* the blank line: one empty field */
	TEST_EQ(c.fieldc, 1);
	TEST_EQ(c.line, 5);
	TEST_ERR(crm_csv_next(&c));
	TEST_STREQ(c.fieldv[0], "last");
	TEST_STREQ(c.fieldv[1], "");
	TEST_EQ(c.line, 6);
	TEST_EQ(crm_csv_next(&c), EBADMSG);
	TEST_EQ(c.line, 7);
	crm_csv_reset(&c);

	crm_csv_init(&c, "a,\"b\"c\n", 7);
	TEST_EQ(crm_csv_next(&c), EBADMSG); /* text after a closing quote */
	crm_csv_reset(&c);
	crm_csv_init(&c, "x", 1);
	TEST_ERR(crm_csv_next(&c));
	TEST_STREQ(c.fieldv[0], "x");
	TEST_EQ(crm_csv_next(&c), ENODATA);
out:
	crm_csv_reset(&c);
	return err;
}

static int csv_writer_round_trip(void)
{
	static const char *const v[] = {"plain", "a, b", "say \"hi\"",
					"two\nlines", "", " padded"};
	char *buf = NULL;
	size_t len = 0, cap = 0, n = sizeof(v) / sizeof(*v);
	struct crm_csv c;
	int err = 0;

	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < n; i++)
		TEST_ERR(crm_csv_put(&buf, &len, &cap, v[i], i == n - 1));
	crm_csv_init(&c, buf, len);
	TEST_ERR(crm_csv_next(&c));
	TEST_EQ(c.fieldc, n);
	for (size_t i = 0; i < n; i++)
		TEST_STREQ(c.fieldv[i], v[i]);
	TEST_EQ(crm_csv_next(&c), ENODATA);
out:
	crm_csv_reset(&c);
	free(buf);
	return err;
}

/* --- Over a store ---------------------------------------------------------- */

static int exec(struct store *st, const char *sql)
{
	return store_write_wait(st, sql, "");
}

static int lookups(void)
{
	char path[512], buf[1024];
	const char *fieldv[32];
	struct store *st = NULL;
	int64_t idv[CRM_MATCH_MAX], cust = -1;
	json_t *pop = NULL;
	char *text = NULL;
	sqlite3 *db;
	size_t n;
	int err = 0, k;

	snprintf(path, sizeof(path), "%s/crm.db", test_tmpdir());
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_txn_wait(st, crm_demo_seed, NULL));
	TEST_ERR(store_txn_wait(st, crm_demo_seed, NULL)); /* once only */
	db = store_reader(st);
	TEST_ASSERT(db != NULL);
	k = crm_caller_find(db, "(555) 555-0100", idv, CRM_MATCH_MAX);
	TEST_EQ(k, 1);
	TEST_EQ(idv[0], 1);

	/* The pop: the VIP, no interaction yet, then one. */
	text = crm_pop_json(db, "5555550100", 0, &cust);
	TEST_ASSERT(text != NULL);
	pop = json_loads(text, 0, NULL);
	TEST_EQ(cust, 1);
	TEST_ASSERT(json_is_true(json_object_get(pop, "vip")));
	TEST_STREQ(json_string_value(json_object_get(
			   json_object_get(pop, "customer"), "name")),
		   CRM_DEMO_VIP_NAME);
	TEST_ASSERT(json_is_null(json_object_get(
		json_object_get(pop, "customer"), "last_interaction")));
	json_decref(pop);
	pop = NULL;
	free(text);
	TEST_ERR(exec(st, "INSERT INTO interactions (id, channel, customer_id,"
		      " queue, agent_id, created_at, outcome) VALUES (7, "
		      "'voice', 1, 'support', 1003, 1000, 'answered'), (8, "
		      "'voice', 1, 'sales', NULL, 2000, 'abandoned')"));
	text = crm_pop_json(db, "+15555550100", 8, &cust);
	pop = json_loads(text, 0, NULL);
	TEST_EQ(json_integer_value(json_object_get(json_object_get(
			json_object_get(pop, "customer"), "last_interaction"),
			"id")), 7); /* 8 is the current one */
	json_decref(pop);
	pop = NULL;
	free(text);

	/* Two customers on one number: both offered, the recent first. */
	TEST_ERR(exec(st, "INSERT INTO customers (id, name, created_at, "
		      "updated_at) VALUES (50, 'Family', 0, 0)"));
	TEST_ERR(exec(st, "INSERT INTO customer_identities (customer_id, "
		      "kind, value) VALUES (50, 'phone', '+15555550100')"));
	text = crm_pop_json(db, "5555550100", 0, &cust);
	pop = json_loads(text, 0, NULL);
	TEST_EQ(cust, 0);
	TEST_EQ(json_array_size(json_object_get(pop, "customer_matches")), 2);
	TEST_EQ(json_integer_value(json_object_get(json_array_get(
			json_object_get(pop, "customer_matches"), 0), "id")),
		1);
	json_decref(pop);
	pop = NULL;
	free(text);
	text = NULL;
	/* Merged away: no longer matched. */
	TEST_ERR(exec(st, "UPDATE customers SET merged_into = 1 WHERE id = "
		      "50"));
	TEST_EQ(crm_caller_find(db, "5555550100", idv, CRM_MATCH_MAX), 1);
	TEST_EQ(crm_caller_find(db, "555 0199", idv, CRM_MATCH_MAX), 0);
	TEST_EQ(crm_caller_find(db, "anonymous", idv, CRM_MATCH_MAX),
		-EINVAL);
	TEST_ASSERT(crm_pop_json(db, "+19995550000", 0, &cust) == NULL);

	/* The IVR: by caller and by account (identity, then custom). */
	n = crm_ivr_fields(db, "caller", "+15555550100", buf, sizeof(buf),
			   fieldv, 16, &cust);
	TEST_EQ(cust, 1);
	TEST_ASSERT(n >= 8);
	TEST_STREQ(fieldv[2], "name");
	TEST_STREQ(fieldv[3], CRM_DEMO_VIP_NAME);
	TEST_STREQ(fieldv[6], "tier");
	TEST_STREQ(fieldv[7], "VIP");
	{
		bool last = false;

		for (size_t i = 0; i < n; i++)
			last = last || (!strcmp(fieldv[2 * i], "last_agent") &&
					!strcmp(fieldv[2 * i + 1], "1003"));
		TEST_ASSERT(last); /* the flow's preferred agent */
	}
	n = crm_ivr_fields(db, "account", "702345", buf, sizeof(buf), fieldv,
			   16, NULL);
	TEST_ASSERT(n > 0);
	TEST_STREQ(fieldv[3], "Grace Hopper");
	TEST_ERR(exec(st, "UPDATE customers SET custom = "
		      "'{\"account_number\": \"A-9\"}' WHERE id = 3"));
	TEST_EQ(crm_account_find(db, "A-9"), 3);
	TEST_EQ(crm_ivr_fields(db, "account", "nope", buf, sizeof(buf),
			       fieldv, 16, NULL), 0);
out:
	json_decref(pop);
	free(text);
	mem_deref(st);
	return err;
}

static int dates(void)
{
	int err = 0;

	TEST_ASSERT(crm_date_ok("2024-02-29"));
	TEST_ASSERT(!crm_date_ok("2023-02-29"));
	TEST_ASSERT(!crm_date_ok("2023-13-01"));
	TEST_ASSERT(!crm_date_ok("2023-1-01"));
	TEST_ASSERT(!crm_date_ok("1900-02-29"));
	TEST_ASSERT(crm_date_ok("2000-02-29"));
out:
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(phone_e164),
	TEST_CASE(phone_refused),
	TEST_CASE(identities),
	TEST_CASE(words),
	TEST_CASE(csv_reader),
	TEST_CASE(csv_writer_round_trip),
	TEST_CASE(lookups),
	TEST_CASE(dates),
};
TEST_TABLE_END;
