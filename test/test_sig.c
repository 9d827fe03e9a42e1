/*
 * test_sig: the pure parts of signalling: when a session timer (RFC 4028)
 * asks for a refresh and when a peer that should refresh has not (times
 * passed in, no SIP stack); and the registrar's rows in the store
 * (sig_db.c) on a scratch database.
 */
#include <stdint.h>
#include <stdio.h>
#include <re.h>
#include "test.h"
#include "core/cc.h"
#include "store/store.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

static int stimer_refresher(void)
{
	struct sig_stimer t = {.se_ms = 90000, .refresher = true,
			       .last = 1000};
	int err = 0;

	TEST_EQ(sig_stimer_due(&t, 1000 + 44999), SIG_STIMER_NONE);
	TEST_EQ(sig_stimer_due(&t, 1000 + 45000), SIG_STIMER_REFRESH);
	/* reported once: the next one half an interval later */
	TEST_EQ(sig_stimer_due(&t, 1000 + 45200), SIG_STIMER_NONE);
	TEST_EQ(sig_stimer_due(&t, 1000 + 90000), SIG_STIMER_REFRESH);
	/* a refresh from the peer moves it too */
	sig_stimer_refreshed(&t, 200000);
	TEST_EQ(sig_stimer_due(&t, 200000 + 44000), SIG_STIMER_NONE);
	/* the server never declares its own refreshes expired */
	TEST_EQ(sig_stimer_due(&t, 200000 + 1000000), SIG_STIMER_REFRESH);
out:
	return err;
}

static int stimer_refreshee(void)
{
	/* 90 s: the peer has until 90 - min(32, 30) = 60 s */
	struct sig_stimer t = {.se_ms = 90000, .refresher = false,
			       .last = 0};
	struct sig_stimer big = {.se_ms = 1800000, .refresher = false,
				 .last = 0};
	struct sig_stimer off = {0};
	int err = 0;

	TEST_EQ(sig_stimer_due(&t, 59999), SIG_STIMER_NONE);
	sig_stimer_refreshed(&t, 50000);
	TEST_EQ(sig_stimer_due(&t, 50000 + 59999), SIG_STIMER_NONE);
	TEST_EQ(sig_stimer_due(&t, 50000 + 60000), SIG_STIMER_EXPIRED);
	TEST_EQ(sig_stimer_due(&t, 50000 + 90000), SIG_STIMER_NONE); /* once */
	/* 1800 s: min(32, 600) = 32 s before the end */
	TEST_EQ(sig_stimer_due(&big, 1800000 - 32001), SIG_STIMER_NONE);
	TEST_EQ(sig_stimer_due(&big, 1800000 - 32000), SIG_STIMER_EXPIRED);
	/* no timer on the leg: nothing, ever */
	TEST_EQ(sig_stimer_due(&off, 1u << 30), SIG_STIMER_NONE);
	/* a clock before the last refresh (never negative) */
	t.se_ms = 90000, t.last = 5000;
	TEST_EQ(sig_stimer_due(&t, 4000), SIG_STIMER_NONE);
out:
	return err;
}

/* What sig_db_bindings_load returned, as "agent contact uri addr tp
 * expires_at;" lines. */
static int rows_h(const struct sig_db_binding *b, void *arg)
{
	char *buf = arg;
	size_t used = strlen(buf);

	snprintf(buf + used, 1024 - used, "%u %s %s %s %s %lld;", b->agent,
		 b->contact, b->uri, b->addr, b->transport,
		 (long long)b->expires_at);
	return 0;
}

static int presence_h(uint32_t agent, const char *state, const char *reason,
		      void *arg)
{
	char *buf = arg;
	size_t used = strlen(buf);

	snprintf(buf + used, 256 - used, "%u %s %s;", agent, state,
		 reason ? reason : "-");
	return 0;
}

static int reg_db_rows(void)
{
	struct cc_config cfg;
	struct sig_db_binding a = {1001, "sip:1001@10.0.0.5:5062",
				   "sip:1001@192.0.2.9:40000",
				   "192.0.2.9:40000", "udp", 5000000};
	struct sig_db_binding gone = {1001, "sip:1001@10.0.0.6:5062",
				      "sip:1001@10.0.0.6:5062",
				      "10.0.0.6:5062", "udp", 1000};
	struct sig_db_binding c = {1002, "sip:1002@[::1]:5070",
				   "sip:1002@[::1]:5070;transport=tcp",
				   "[::1]:5070", "tcp", 6000000};
	char buf[1024], pbuf[256];
	int err = 0;

	TEST_ERR(libre_init());
	cc_config_init(&cfg);
	snprintf(cfg.data, sizeof(cfg.data), "%s", test_tmpdir());
	cfg.demo = false;
	TEST_ERR(store_init(&cfg));
	TEST_ERR(sig_db_binding_save(&a, NULL, NULL));
	TEST_ERR(sig_db_binding_save(&gone, NULL, NULL));
	TEST_ERR(sig_db_binding_save(&c, NULL, NULL));
	TEST_ERR(store_flush(store_main()));
	buf[0] = '\0';
	TEST_ERR(sig_db_bindings_load(rows_h, buf, 2000));
	TEST_STREQ(buf, "1001 sip:1001@10.0.0.5:5062 sip:1001@192.0.2.9:40000"
		      " 192.0.2.9:40000 udp 5000000;"
		      "1002 sip:1002@[::1]:5070 sip:1002@[::1]:5070;"
		      "transport=tcp [::1]:5070 tcp 6000000;");
	/* A refresh from another address updates the row in place. */
	a.uri = "sip:1001@192.0.2.9:40002";
	a.addr = "192.0.2.9:40002";
	a.expires_at = 7000000;
	TEST_ERR(sig_db_binding_save(&a, NULL, NULL));
	/* An unregister deletes one binding; expiry deletes the old ones. */
	TEST_ERR(sig_db_binding_delete(1002, c.contact, NULL, NULL));
	TEST_ERR(sig_db_bindings_expire(2000));
	TEST_ERR(store_flush(store_main()));
	buf[0] = '\0';
	TEST_ERR(sig_db_bindings_load(rows_h, buf, 0));
	TEST_STREQ(buf, "1001 sip:1001@10.0.0.5:5062 sip:1001@192.0.2.9:40002"
		      " 192.0.2.9:40002 udp 7000000;");
	TEST_ERR(sig_db_binding_delete(1001, NULL, NULL, NULL));
	TEST_EQ(sig_db_binding_save(&(struct sig_db_binding){0}, NULL, NULL),
		EINVAL);
	/* The last presence per agent. */
	TEST_ERR(sig_db_presence_save(1001, "away", "lunch"));
	TEST_ERR(sig_db_presence_save(1002, "available", NULL));
	TEST_ERR(sig_db_presence_save(1002, "logged_out", NULL));
	TEST_ERR(store_flush(store_main()));
	buf[0] = '\0';
	TEST_ERR(sig_db_bindings_load(rows_h, buf, 0));
	TEST_STREQ(buf, "");
	pbuf[0] = '\0';
	TEST_ERR(sig_db_presence_load(presence_h, pbuf));
	TEST_STREQ(pbuf, "1001 away lunch;1002 logged_out -;");
out:
	store_module_close();
	libre_close();
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(stimer_refresher),
	TEST_CASE(stimer_refreshee),
	TEST_CASE(reg_db_rows),
};
TEST_TABLE_END;
