/*
 * test_sig: the pure parts of signalling: when a session timer (RFC 4028)
 * asks for a refresh and when a peer that should refresh has not (times
 * passed in, no SIP stack).
 */
#include <stdint.h>
#include <re.h>
#include "test.h"
#include "core/cc.h"
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

const struct test_case test_cases[] = {
	TEST_CASE(stimer_refresher),
	TEST_CASE(stimer_refreshee),
};
TEST_TABLE_END;
