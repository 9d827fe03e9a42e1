/*
 * Unit tests of the dial-out policy (src/dial): which numbers a trunk may
 * dial for which purpose, and that every reason names its rule.
 */
#include <string.h>
#include "crm/crm.h"
#include "dial/dial.h"
#include "test.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__})
#define N(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

static const struct dial_trunk bare = {"carrier", NULL, 0, NULL, 0};

static int names(void)
{
	int err = 0;

	TEST_STREQ(dial_purpose_name(DIAL_CALLBACK), "callback");
	TEST_STREQ(dial_purpose_name(DIAL_AGENT_TRANSFER), "agent_transfer");
	TEST_STREQ(dial_purpose_name(DIAL_AGENT_CONSULT), "agent_consult");
	TEST_STREQ(dial_purpose_name(DIAL_IVR_TRANSFER), "ivr_transfer");
	TEST_STREQ(dial_purpose_name(DIAL_CAMPAIGN), "campaign");
	TEST_STREQ(dial_purpose_name((enum dial_purpose)99), "?");
	TEST_STREQ(dial_origin_name(DIAL_ORIGIN_CONFIRMED), "confirmed");
	TEST_STREQ(dial_origin_name((enum dial_origin)-1), "?");
out:
	return err;
}

static int number_ok(void)
{
	int err = 0;

	TEST_ASSERT(dial_number_ok("5550121"));
	TEST_ASSERT(dial_number_ok("+14155550100"));
	TEST_ASSERT(dial_number_ok("911"));
	TEST_ASSERT(dial_number_ok("12345678901234567890"));
	TEST_ASSERT(!dial_number_ok("123456789012345678901"));
	TEST_ASSERT(!dial_number_ok("12"));
	TEST_ASSERT(!dial_number_ok("+"));
	TEST_ASSERT(!dial_number_ok("++123"));
	TEST_ASSERT(!dial_number_ok("555 0121"));
	TEST_ASSERT(!dial_number_ok("555@evil"));
	TEST_ASSERT(!dial_number_ok(""));
	TEST_ASSERT(!dial_number_ok(NULL));
out:
	return err;
}

static int prefix_ok(void)
{
	int err = 0;

	TEST_ASSERT(dial_prefix_ok("+"));
	TEST_ASSERT(dial_prefix_ok("+90"));
	TEST_ASSERT(dial_prefix_ok("0090"));
	TEST_ASSERT(dial_prefix_ok("1"));
	TEST_ASSERT(dial_prefix_ok("123456789012345"));
	TEST_ASSERT(!dial_prefix_ok("1234567890123456"));
	TEST_ASSERT(!dial_prefix_ok(""));
	TEST_ASSERT(!dial_prefix_ok("++1"));
	TEST_ASSERT(!dial_prefix_ok("+1 900"));
	TEST_ASSERT(!dial_prefix_ok("9*"));
	TEST_ASSERT(!dial_prefix_ok(NULL));
out:
	return err;
}

/* The defaults of a trunk with no lists, from a US center. */
static int check_defaults(void)
{
	const struct crm_country *us = crm_country_find("US");
	struct dial_decision d;
	int err = 0;

	TEST_EQ(dial_check(&d, "4155550100", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_STREQ(d.number, "+14155550100");
	TEST_STREQ(d.reason, "allowed: a national number (+1) on trunk "
			     "carrier");
	/* short numbers as dialled */
	TEST_EQ(dial_check(&d, "5550121", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_STREQ(d.number, "5550121");
	/* international: +, 011 (the US access code), 00 (anyone's) */
	TEST_EQ(dial_check(&d, "+442079460018", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied: international, not allowed on trunk "
			     "carrier (the default; an allow prefix permits "
			     "it)");
	TEST_EQ(dial_check(&d, "011442079460018", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.number, "+442079460018");
	TEST_EQ(dial_check(&d, "00900123456", DIAL_IVR_TRANSFER,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied: international access code 00, not "
			     "allowed on trunk carrier (the default; an "
			     "allow prefix permits it)");
	/* premium and high-cost inside +1 */
	TEST_EQ(dial_check(&d, "19005550100", DIAL_AGENT_CONSULT,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.number, "+19005550100");
	TEST_STREQ(d.reason, "denied by premium-rate prefix +1900 (the "
			     "default of trunk carrier; an allow prefix "
			     "permits it)");
	TEST_EQ(dial_check(&d, "+18765550100", DIAL_AGENT_CONSULT,
			   DIAL_ORIGIN_STAFF, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_ASSERT(strstr(d.reason, "+1876"));
	/* not a number */
	TEST_EQ(dial_check(&d, "55501x", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &bare, us), EINVAL);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied: '55501x' is not a phone number");
out:
	return err;
}

/* A trunk's lists: longest prefix wins, deny first at equal length, and
 * prefixes match written in E.164 or with access/trunk codes. */
static int check_lists(void)
{
	const struct crm_country *gb = crm_country_find("GB");
	const struct crm_country *us = crm_country_find("US");
	const struct dial_trunk t = {
		"carrier", LIST("+90", "+4491", "07"), 3,
		LIST("0090", "+905", "+4420"), 3};
	struct dial_decision d;
	int err = 0;

	/* GB center: 0090 is +90, denied; equal length deny beats allow */
	TEST_EQ(dial_check(&d, "00900123456", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, gb), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.number, "+900123456");
	TEST_STREQ(d.reason, "denied by prefix 0090 of trunk carrier");
	/* a national number denied by its E.164 prefix, written 020 */
	TEST_EQ(dial_check(&d, "02079460018", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, gb), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied by prefix +4420 of trunk carrier");
	/* the allow of 07 (mobiles, +447) against the built-in +4470 */
	TEST_EQ(dial_check(&d, "07012345678", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, gb), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied by premium-rate prefix +4470 (the "
			     "default of trunk carrier; an allow prefix "
			     "permits it)");
	TEST_EQ(dial_check(&d, "07911123456", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, gb), 0);
	TEST_ASSERT(d.allowed);
	TEST_STREQ(d.reason, "allowed by prefix 07 of trunk carrier");
	/* +4491 allowed: longer than the built-in +449 */
	TEST_EQ(dial_check(&d, "09123456789", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, gb), 0);
	TEST_ASSERT(d.allowed);
	TEST_STREQ(d.reason, "allowed by prefix +4491 of trunk carrier");
	TEST_EQ(dial_check(&d, "09812345678", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, gb), 0);
	TEST_ASSERT(!d.allowed);
	/* US center: +90 allowed, +905 (longer) denied */
	TEST_EQ(dial_check(&d, "011902125550100", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_STREQ(d.reason, "allowed by prefix +90 of trunk carrier");
	TEST_EQ(dial_check(&d, "+905321234567", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied by prefix +905 of trunk carrier");
	/* US center: the bare 0090 matches as written */
	TEST_EQ(dial_check(&d, "00900123456", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, &t, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied by prefix 0090 of trunk carrier");
	/* allow "+" opens every international number */
	{
		const struct dial_trunk all = {"world", LIST("+"), 1,
					       LIST("+1900"), 1};

		TEST_EQ(dial_check(&d, "+442079460018", DIAL_AGENT_TRANSFER,
				   DIAL_ORIGIN_STAFF, &all, us), 0);
		TEST_ASSERT(d.allowed);
		TEST_STREQ(d.reason, "allowed by prefix + of trunk world");
		/* but not the premium ranges, shorter than them */
		TEST_EQ(dial_check(&d, "+19005550100", DIAL_AGENT_TRANSFER,
				   DIAL_ORIGIN_STAFF, &all, us), 0);
		TEST_ASSERT(!d.allowed);
		TEST_STREQ(d.reason, "denied by prefix +1900 of trunk world");
		TEST_EQ(dial_check(&d, "+882123456789", DIAL_AGENT_TRANSFER,
				   DIAL_ORIGIN_STAFF, &all, us), 0);
		TEST_ASSERT(!d.allowed);
	}
out:
	return err;
}

/* A callback only to a trusted or confirmed number; other purposes take
 * the staff's numbers. */
static int check_callback_origin(void)
{
	const struct crm_country *us = crm_country_find("US");
	struct dial_decision d;
	int err = 0;

	TEST_EQ(dial_check(&d, "5550121", DIAL_CALLBACK,
			   DIAL_ORIGIN_UNTRUSTED, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied: a callback goes only to a number "
			     "asserted by a trusted trunk or confirmed by the "
			     "caller (this one is untrusted)");
	TEST_EQ(dial_check(&d, "5550121", DIAL_CALLBACK, DIAL_ORIGIN_STAFF,
			   &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_EQ(dial_check(&d, "5550121", DIAL_CALLBACK, DIAL_ORIGIN_TRUSTED,
			   &bare, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_EQ(dial_check(&d, "5550121", DIAL_CALLBACK,
			   DIAL_ORIGIN_CONFIRMED, &bare, us), 0);
	TEST_ASSERT(d.allowed);
	/* confirmed, but premium: the prefixes still apply */
	TEST_EQ(dial_check(&d, "19005550100", DIAL_CALLBACK,
			   DIAL_ORIGIN_CONFIRMED, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_EQ(dial_check(&d, "0119001234567", DIAL_CALLBACK,
			   DIAL_ORIGIN_TRUSTED, &bare, us), 0);
	TEST_ASSERT(!d.allowed);
out:
	return err;
}

/* The first trunk that allows is chosen; none: the first one's reason. */
static int route(void)
{
	const struct crm_country *us = crm_country_find("US");
	const struct dial_trunk tv[] = {
		{"local", NULL, 0, LIST("555"), 1},
		{"intl", LIST("+44"), 1, NULL, 0},
	};
	struct dial_decision d;
	int err = 0;

	TEST_EQ(dial_route(&d, "4155550100", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, tv, 2, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_EQ(d.trunk, 0);
	TEST_EQ(dial_route(&d, "+442079460018", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, tv, 2, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_EQ(d.trunk, 1);
	TEST_STREQ(d.reason, "allowed by prefix +44 of trunk intl");
	TEST_EQ(dial_route(&d, "5550121", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, tv, 2, us), 0);
	TEST_ASSERT(d.allowed);
	TEST_EQ(d.trunk, 1); /* local denies 555, intl has no rule for it */
	TEST_EQ(dial_route(&d, "+33144556677", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, tv, 2, us), 0);
	TEST_ASSERT(!d.allowed);
	TEST_ASSERT(strstr(d.reason, "trunk local"));
	TEST_EQ(dial_route(&d, "5550121", DIAL_AGENT_TRANSFER,
			   DIAL_ORIGIN_STAFF, tv, 0, us), ENOENT);
	TEST_ASSERT(!d.allowed);
	TEST_STREQ(d.reason, "denied: no trunk allows outbound calls");
	TEST_EQ(dial_route(&d, "x", DIAL_AGENT_TRANSFER, DIAL_ORIGIN_STAFF,
			   tv, 2, us), EINVAL);
	TEST_ASSERT(!d.allowed);
out:
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(names),
	TEST_CASE(number_ok),
	TEST_CASE(prefix_ok),
	TEST_CASE(check_defaults),
	TEST_CASE(check_lists),
	TEST_CASE(check_callback_origin),
	TEST_CASE(route),
};
TEST_TABLE_END;
