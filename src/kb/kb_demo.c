/*
 * kb_demo.c: the kb module's start-up hook and the demo articles, a
 * handful of sales and support procedures created (published, owned by no
 * one) when the server runs with --demo and the knowledge base is empty.
 * Their tags name the demo queues (sales, support) so that a call popping
 * in either queue gets them suggested.
 */
#include <errno.h>
#include <string.h>
#include "core/cc.h"
#include "store/store.h"
#include "kb/kb.h"

static const struct {
	const char *title, *tags_json, *tags, *audience, *body;
} demov[] = {
        {"Reset a customer's password",
         "[\"support\",\"account\",\"password\"]", "support account password",
         "internal",
         "# Reset a customer's password\n\n"
         "Use this when a caller cannot log in to their account.\n\n"
         "1. **Verify the caller** first (see *Verify the caller's "
         "identity*).\n"
         "2. Open the customer in the CRM and choose **Send reset link**.\n"
         "3. Tell the caller the link is valid for `30 minutes`.\n"
         "4. If the e-mail address is wrong, update it only after a second "
         "check.\n\n"
         "> Never read a password aloud and never ask for the old one.\n"},
        {"Verify the caller's identity", "[\"support\",\"sales\",\"security\"]",
         "support sales security", "internal",
         "# Verify the caller's identity\n\n"
         "Before you change anything on an account, ask for **two** of:\n\n"
         "- the postcode of the billing address\n"
         "- the last four digits of the card on file\n"
         "- the date of the last invoice\n\n"
         "If the caller fails twice, offer a call back to the number on "
         "file.\n"},
        {"Refund a duplicate charge", "[\"support\",\"billing\",\"refund\"]",
         "support billing refund", "internal",
         "# Refund a duplicate charge\n\n"
         "1. Find both charges in the billing history; they must have the "
         "same amount and date.\n"
         "2. Refund the **second** one with reason `duplicate`.\n"
         "3. Refunds reach the card in 5-10 working days: say so.\n\n"
         "Amounts over 500 need a supervisor's approval.\n"},
        {"Report an outage", "[\"support\",\"outage\",\"escalation\"]",
         "support outage escalation", "internal",
         "# Report an outage\n\n"
         "When three or more callers report the same service down within "
         "15 minutes:\n\n"
         "1. Open a case with priority **urgent**.\n"
         "2. Tell your team leader.\n"
         "3. Check https://status.example.com before promising a time.\n"},
        {"Upgrade to the annual plan", "[\"sales\",\"upgrade\",\"pricing\"]",
         "sales upgrade pricing", "internal",
         "# Upgrade to the annual plan\n\n"
         "The annual plan costs ten monthly payments for twelve months.\n\n"
         "- Offer it to callers asking about *price* or *discounts*.\n"
         "- The upgrade starts at the next billing date.\n"
         "- Confirm by e-mail with the **Annual plan** template.\n"},
        {"Look after a VIP caller", "[\"sales\",\"vip\"]", "sales vip",
         "internal",
         "# Look after a VIP caller\n\n"
         "VIP customers reach the sales queue first. Greet them by name, "
         "check their last contact in the history and **own the request** "
         "until it is done: no transfers without a warm introduction.\n"},
        {"Quote prices and discounts", "[\"sales\",\"pricing\",\"discount\"]",
         "sales pricing discount", "internal",
         "# Quote prices and discounts\n\n"
         "- Basic: 10 a month\n- Pro: 25 a month\n- Business: 60 a month\n\n"
         "You may give up to **10 %** off on a first year; more needs a "
         "supervisor.\n"},
        {"How to cancel your subscription",
         "[\"support\",\"cancel\",\"subscription\"]",
         "support cancel subscription", "customer",
         "# How to cancel your subscription\n\n"
         "You can cancel at any time from *Account > Subscription*. Your "
         "plan runs to the end of the period you paid for. Questions? Write "
         "to mailto:help@example.com or call us.\n"},
};

static int seed_txn(sqlite3 *db, void *arg)
{
	int64_t now = cc_wall_ms(), id;
	sqlite3_stmt *st = NULL;
	bool empty = false;
	size_t i;
	int err = 0;

	(void)arg;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM kb_articles", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		empty = sqlite3_column_int64(st, 0) == 0;
	sqlite3_finalize(st);
	if (!empty)
		return 0;
	for (i = 0; i < sizeof(demov) / sizeof(demov[0]) && !err; i++) {
		err = store_exec(db,
		                 "INSERT INTO kb_articles (audience, version,"
		                 " published_version, published_at,"
		                 " published_by, review_date, created_at,"
		                 " created_by, updated_at) VALUES (?1, 1, 1,"
		                 " ?2, 'demo', date(?2 / 1000, 'unixepoch',"
		                 " '+90 days'), ?2, 'demo', ?2)",
		                 "si", demov[i].audience, now);
		if (err)
			break;
		id = sqlite3_last_insert_rowid(db);
		err = store_exec(db,
		                 "INSERT INTO kb_versions (article_id, version,"
		                 " title, body, tags, created_at, created_by)"
		                 " VALUES (?1, 1, ?2, ?3, ?4, ?5, 'demo')",
		                 "isssi", id, demov[i].title, demov[i].body,
		                 demov[i].tags_json, now);
		if (!err)
			err = kb_index_put(db, id, demov[i].title,
			                   demov[i].body, demov[i].tags,
			                   demov[i].audience);
	}
	return err;
}

int kb_demo_seed(sqlite3 *db)
{
	return seed_txn(db, NULL);
}

int kb_init(const struct cc_config *cfg)
{
	struct store *st = store_main();
	int err;

	if (!cfg->demo || !st)
		return 0;
	err = store_txn_wait(st, seed_txn, NULL);
	if (err)
		cc_error("kb", "demo articles: %s", strerror(err));
	return err;
}

void kb_close(void)
{
}
