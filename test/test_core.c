/*
 * Tests of the core helpers: configuration parsing and validation.
 */
#include <stdlib.h>
#include "core/cc.h"
#include "test.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return errno;
	fputs(text, f);
	fclose(f);
	return 0;
}

static int config_defaults_and_file(void)
{
	struct cc_config cfg;
	char path[512], errbuf[256];
	int err = 0;

	cc_config_init(&cfg);
	TEST_STREQ(cfg.sip, "0.0.0.0:5060");
	TEST_EQ(cfg.rtp_timeout, 30);
	snprintf(path, sizeof(path), "%s/sb.conf", test_tmpdir());
	TEST_ERR(write_file(path, "# comment\n\nsip = 127.0.0.1:5070  # x\n"
				  "rtp-ports=20000-20100\nlog-level = debug\n"
				  "demo = yes\nhttp = [::1]:8081\n"));
	TEST_ERR(cc_config_load(&cfg, path, errbuf, sizeof(errbuf)));
	TEST_STREQ(cfg.sip, "127.0.0.1:5070");
	TEST_STREQ(cfg.http, "[::1]:8081");
	TEST_EQ(cfg.rtp_min, 20000);
	TEST_EQ(cfg.rtp_max, 20100);
	TEST_EQ(cfg.log_level, CC_LOG_DEBUG);
	TEST_ASSERT(cfg.demo);
out:
	return err;
}

static int config_broken_file_changes_nothing(void)
{
	static const struct {
		const char *text;
		const char *reason;
	} casev[] = {
		{"sip = 127.0.0.1:5070\nbogus = 1\n", ":2: unknown setting "
						      "'bogus'"},
		{"sip = 127.0.0.1\n", ":1: sip: '127.0.0.1' is not an address"},
		{"rtp-ports = 30000-20000\n", ":1: rtp-ports:"},
		{"rtp-timeout = -5\n", ":1: rtp-timeout: '-5' is not"},
		{"log-level = loud\n", ":1: log-level: 'loud'"},
		{"sip 127.0.0.1:5060\n", ":1: expected 'key = value'"},
		{"http = 300.1.1.1:80\n", ":1: http:"},
	};
	struct cc_config cfg;
	char path[512], errbuf[256];
	size_t i;
	int err = 0;

	snprintf(path, sizeof(path), "%s/bad.conf", test_tmpdir());
	for (i = 0; i < sizeof(casev) / sizeof(casev[0]); i++) {
		cc_config_init(&cfg);
		TEST_ERR(write_file(path, casev[i].text));
		errbuf[0] = '\0';
		TEST_EQ(cc_config_load(&cfg, path, errbuf, sizeof(errbuf)),
			EINVAL);
		if (!strstr(errbuf, casev[i].reason) ||
		    !strstr(errbuf, path)) {
			test_fail(__FILE__, __LINE__, "case %zu: '%s'", i,
				  errbuf);
			err = EINVAL;
			goto out;
		}
		TEST_STREQ(cfg.sip, "0.0.0.0:5060");
	}
	cc_config_init(&cfg);
	TEST_EQ(cc_config_load(&cfg, "/nonexistent/x.conf", errbuf,
			       sizeof(errbuf)), ENOENT);
out:
	return err;
}

/* check-config names every bad line, not only the first. */
static int config_every_error_reported(void)
{
	struct cc_config cfg;
	char path[512], errbuf[4096];
	int err = 0;

	snprintf(path, sizeof(path), "%s/many.conf", test_tmpdir());
	TEST_ERR(write_file(path, "sipp = 127.0.0.1:5070\n"
				  "http = 127.0.0.1:8081\n"
				  "rtp-ports = 5-1\n"
				  "# fine\n"
				  "log-level = loud\n"
				  "no equals sign\n"));
	cc_config_init(&cfg);
	TEST_EQ(cc_config_load(&cfg, path, errbuf, sizeof(errbuf)), EINVAL);
	TEST_ASSERT(strstr(errbuf, ":1: unknown setting 'sipp' (did you "
				   "mean 'sip'?)") != NULL);
	TEST_ASSERT(strstr(errbuf, ":3: rtp-ports:") != NULL);
	TEST_ASSERT(strstr(errbuf, ":5: log-level: 'loud'") != NULL);
	TEST_ASSERT(strstr(errbuf, ":6: expected 'key = value'") != NULL);
	TEST_ASSERT(strstr(errbuf, ":2:") == NULL);
	/* Nothing of it applied, not even the good line. */
	TEST_STREQ(cfg.http, "0.0.0.0:8080");
out:
	return err;
}

static int config_suggest_names_the_closest(void)
{
	int err = 0;

	TEST_STREQ(cc_config_suggest("sipp"), "sip");
	TEST_STREQ(cc_config_suggest("rtp-port"), "rtp-ports");
	TEST_STREQ(cc_config_suggest("loglevel"), "log-level");
	TEST_ASSERT(cc_config_suggest("completely-different") == NULL);
	TEST_ASSERT(cc_config_known("min-se"));
	TEST_ASSERT(!cc_config_known("sipp"));
out:
	return err;
}

static int listen_registry(void)
{
	int err = 0;

	cc_listen_reset();
	cc_listen_report("sip", "127.0.0.1:5060");
	cc_listen_report("http", "127.0.0.1:8080");
	cc_listen_report("sip", "127.0.0.1:5070");
	TEST_STREQ(cc_listen_find("sip"), "127.0.0.1:5070");
	TEST_STREQ(cc_listen_find("http"), "127.0.0.1:8080");
	TEST_ASSERT(cc_listen_find("rtp") == NULL);
out:
	cc_listen_reset();
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(config_defaults_and_file),
	TEST_CASE(config_broken_file_changes_nothing),
	TEST_CASE(config_every_error_reported),
	TEST_CASE(config_suggest_names_the_closest),
	TEST_CASE(listen_registry),
};
TEST_TABLE_END;
