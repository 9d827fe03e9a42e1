/*
 * The server configuration: defaults, the config file and the command-line
 * flags, all going through one table of settings so that a file key and a
 * flag with the same name are checked the same way. A file is parsed whole
 * into a copy and applied only when every line is valid, so a broken file
 * changes nothing.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cc.h"

enum setting_type {
	SET_STR,       /* free text up to the field's size */
	SET_ADDR,      /* IPv4:port or [IPv6]:port */
	SET_BOOL,      /* flag on the command line, true/false in a file */
	SET_UINT,      /* unsigned with bounds */
	SET_PORTRANGE, /* LOW-HIGH */
	SET_LOGLEVEL,
};

struct setting {
	const char *name;
	enum setting_type type;
	size_t offset;
	size_t size;
	unsigned long min, max;
	const char *help;
};

enum { SETTINGS_MAX_ERRORS = 20 };

#define F(field) offsetof(struct cc_config, field), sizeof(((struct cc_config *)0)->field)

static const struct setting settingv[] = {
	{"data", SET_STR, F(data), 0, 0,
	 "DIR   data directory: database, recordings, prompt cache"},
	{"demo", SET_BOOL, F(demo), 0, 0,
	 "      create the demo call center when the database is empty"},
	{"sip", SET_ADDR, F(sip), 0, 0,
	 "ADDR:PORT   SIP listen address, UDP and TCP"},
	{"http", SET_ADDR, F(http), 0, 0,
	 "ADDR:PORT   HTTP and WebSocket listen address"},
	{"rtp-ports", SET_PORTRANGE, 0, 0, 1024, 65535,
	 "LOW-HIGH   UDP port range for RTP"},
	{"log-level", SET_LOGLEVEL, F(log_level), 0, 0,
	 "LEVEL   debug, info, warn or error"},
	{"rtp-timeout", SET_UINT, F(rtp_timeout), 1, 3600,
	 "SECONDS   a call leg with no RTP for this long is dead"},
	{"session-expires", SET_UINT, F(session_expires), 0, 86400,
	 "SECONDS   SIP session timer interval (RFC 4028), 0 = off"},
	{"min-se", SET_UINT, F(min_se), 1, 86400,
	 "SECONDS   shortest session interval accepted (RFC 4028: 90)"},
	{"media-priority", SET_UINT, F(media_priority), 0, 99,
	 "N   real-time (SCHED_FIFO) priority of the media thread, 0 = none"},
	{"public-addr", SET_STR, F(public_addr), 0, 0,
	 "IP   address announced in SDP and Contact; none: the local\n"
	 "        address that routes to each peer"},
	{"session-ttl", SET_UINT, F(session_ttl), 1, 30 * 86400,
	 "SECONDS   how long an API login (token) lasts"},
	{"auto-login", SET_BOOL, F(auto_login), 0, 0,
	 "      log agents in when their phone registers (on with --demo)"},
	{"phone-country", SET_STR, F(phone_country), 0, 0,
	 "CC   ISO country of phone numbers written without +/00 (CRM)"},
};

#undef F

static const struct setting *setting_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(settingv) / sizeof(settingv[0]); i++) {
		if (!strcmp(settingv[i].name, name))
			return &settingv[i];
	}
	return NULL;
}

/* Levenshtein distance of two short names, capped at 9. */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[64], i, j, la = (unsigned)strlen(a),
				 lb = (unsigned)strlen(b);

	if (la >= 63 || lb >= 63)
		return 9;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0], up;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best;

			up = row[j];
			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > 9 ? 9 : row[lb];
}

bool cc_config_known(const char *key)
{
	return setting_find(key) != NULL;
}

const char *cc_config_suggest(const char *key)
{
	const char *best = NULL;
	unsigned bestd = 3, d;
	size_t i;

	for (i = 0; i < sizeof(settingv) / sizeof(settingv[0]); i++) {
		d = distance(key, settingv[i].name);
		if (d < bestd) {
			bestd = d;
			best = settingv[i].name;
		}
	}
	return best;
}

/* "unknown setting 'sipp' (did you mean 'sip'?)" */
static void unknown(char *errbuf, size_t errsz, const char *key)
{
	const char *near = cc_config_suggest(key);

	if (near)
		snprintf(errbuf, errsz, "unknown setting '%s' (did you mean "
			 "'%s'?)", key, near);
	else
		snprintf(errbuf, errsz, "unknown setting '%s' (see "
			 "switchboard --help)", key);
}

void cc_config_init(struct cc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->data, sizeof(cfg->data), "var");
	snprintf(cfg->sip, sizeof(cfg->sip), "0.0.0.0:5060");
	snprintf(cfg->http, sizeof(cfg->http), "0.0.0.0:8080");
	cfg->rtp_min = 10000;
	cfg->rtp_max = 20000;
	cfg->log_level = CC_LOG_INFO;
	cfg->rtp_timeout = 30;
	cfg->media_priority = 10;
	cfg->session_expires = 1800;
	cfg->min_se = 90;
	cfg->session_ttl = 12 * 3600;
	snprintf(cfg->phone_country, sizeof(cfg->phone_country), "US");
}

bool cc_config_is_flag(const char *key)
{
	const struct setting *s = setting_find(key);

	return s && s->type == SET_BOOL;
}

static int parse_ulong(unsigned long *vp, const char *s)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return EINVAL;
	errno = 0;
	*vp = strtoul(s, &end, 10);
	if (errno || *end)
		return EINVAL;
	return 0;
}

static int parse_addr(const char *s)
{
	char host[64];
	const char *colon;
	unsigned long port;
	unsigned char buf[16];
	size_t n;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return EINVAL;
		n = (size_t)(close - s - 1);
		if (n >= sizeof(host))
			return EINVAL;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, buf) != 1)
			return EINVAL;
		colon = close + 1;
	}
	else {
		colon = strrchr(s, ':');
		if (!colon)
			return EINVAL;
		n = (size_t)(colon - s);
		if (n >= sizeof(host))
			return EINVAL;
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, buf) != 1)
			return EINVAL;
	}
	if (parse_ulong(&port, colon + 1) || port > 65535)
		return EINVAL;
	return 0;
}

int cc_config_set(struct cc_config *cfg, const char *key, const char *value,
		  char *errbuf, size_t errsz)
{
	const struct setting *s = setting_find(key);
	char *field;
	unsigned long lo, hi, v;

	if (!s) {
		unknown(errbuf, errsz, key);
		return EINVAL;
	}
	field = (char *)cfg + s->offset;
	switch (s->type) {
	case SET_STR:
		if (!*value || strlen(value) >= s->size) {
			snprintf(errbuf, errsz, "%s: value must be 1 to %zu "
				 "characters", key, s->size - 1);
			return EINVAL;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case SET_ADDR:
		if (strlen(value) >= s->size || parse_addr(value)) {
			snprintf(errbuf, errsz, "%s: '%s' is not an address "
				 "IP:PORT or [IPv6]:PORT", key, value);
			return EINVAL;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case SET_BOOL:
		if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
		    !strcmp(value, "1"))
			*(bool *)field = true;
		else if (!strcasecmp(value, "false") ||
			 !strcasecmp(value, "no") || !strcmp(value, "0"))
			*(bool *)field = false;
		else {
			snprintf(errbuf, errsz, "%s: '%s' is not true or "
				 "false", key, value);
			return EINVAL;
		}
		return 0;
	case SET_UINT:
		if (parse_ulong(&v, value) || v < s->min || v > s->max) {
			snprintf(errbuf, errsz, "%s: '%s' is not a whole "
				 "number from %lu to %lu", key, value, s->min,
				 s->max);
			return EINVAL;
		}
		*(uint32_t *)field = (uint32_t)v;
		return 0;
	case SET_PORTRANGE: {
		char lo_s[16];
		const char *dash = strchr(value, '-');
		size_t n = dash ? (size_t)(dash - value) : 0;

		if (!dash || n == 0 || n >= sizeof(lo_s))
			goto badrange;
		memcpy(lo_s, value, n);
		lo_s[n] = '\0';
		if (parse_ulong(&lo, lo_s) || parse_ulong(&hi, dash + 1))
			goto badrange;
		if (lo < s->min || hi > s->max || lo + 2 > hi)
			goto badrange;
		cfg->rtp_min = (uint16_t)lo;
		cfg->rtp_max = (uint16_t)hi;
		return 0;
	badrange:
		snprintf(errbuf, errsz, "%s: '%s' is not a range LOW-HIGH "
			 "within %lu-%lu holding at least two ports", key,
			 value, s->min, s->max);
		return EINVAL;
	}
	case SET_LOGLEVEL:
		if (cc_log_level_decode((enum cc_log_level *)field, value)) {
			snprintf(errbuf, errsz, "%s: '%s' is not one of debug, "
				 "info, warn, error", key, value);
			return EINVAL;
		}
		return 0;
	}
	return EINVAL;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Appends "FILE:LINE: reason" as one line of errbuf. */
static void report(char *errbuf, size_t errsz, size_t *lenp, const char *path,
		   unsigned lineno, const char *reason)
{
	int n;

	if (*lenp >= errsz)
		return;
	n = snprintf(errbuf + *lenp, errsz - *lenp, "%s%s:%u: %s",
		     *lenp ? "\n" : "", path, lineno, reason);
	if (n > 0)
		*lenp += (size_t)n;
}

int cc_config_load(struct cc_config *cfg, const char *path, char *errbuf,
		   size_t errsz)
{
	struct cc_config tmp = *cfg;
	char line[1024], reason[256];
	unsigned lineno = 0, errors = 0;
	size_t len = 0;
	FILE *f;
	int err = 0;

	errbuf[0] = '\0';
	f = fopen(path, "r");
	if (!f) {
		err = errno;
		snprintf(errbuf, errsz, "%s: %s", path, strerror(err));
		return err;
	}
	/* Every line is checked, so that one run names every mistake. */
	while (fgets(line, sizeof(line), f)) {
		char *key, *value, *eq, *hash;

		lineno++;
		if (errors >= SETTINGS_MAX_ERRORS) {
			report(errbuf, errsz, &len, path, lineno,
			       "too many errors, stopped here");
			break;
		}
		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			snprintf(reason, sizeof(reason), "line longer than "
				 "%zu characters", sizeof(line) - 2);
			report(errbuf, errsz, &len, path, lineno, reason);
			errors++;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			snprintf(reason, sizeof(reason), "expected 'key = "
				 "value', got '%.200s'", key);
			report(errbuf, errsz, &len, path, lineno, reason);
			errors++;
			continue;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		if (cc_config_set(&tmp, key, value, reason, sizeof(reason))) {
			report(errbuf, errsz, &len, path, lineno, reason);
			errors++;
		}
	}
	if (ferror(f)) {
		err = EIO;
		snprintf(errbuf, errsz, "%s: read error", path);
		goto out;
	}
	if (errors) {
		err = EINVAL;
		goto out;
	}
	*cfg = tmp;
out:
	fclose(f);
	return err;
}

/* The value of setting s in cfg, as text (for --help). */
static void value_text(char *buf, size_t sz, const struct cc_config *cfg,
		       const struct setting *s)
{
	const char *field = (const char *)cfg + s->offset;

	switch (s->type) {
	case SET_STR:
	case SET_ADDR:
		snprintf(buf, sz, "%s", *field ? field : "none");
		break;
	case SET_BOOL:
		snprintf(buf, sz, "%s", *(const bool *)field ? "on" : "off");
		break;
	case SET_UINT:
		snprintf(buf, sz, "%u", *(const uint32_t *)field);
		break;
	case SET_PORTRANGE:
		snprintf(buf, sz, "%u-%u", cfg->rtp_min, cfg->rtp_max);
		break;
	case SET_LOGLEVEL: {
		static const char *names[] = {"debug", "info", "warn",
					      "error"};

		snprintf(buf, sz, "%s", names[cfg->log_level & 3]);
		break;
	}
	}
}

void cc_config_usage(FILE *f)
{
	struct cc_config def;
	char val[128];
	size_t i;

	cc_config_init(&def);
	for (i = 0; i < sizeof(settingv) / sizeof(settingv[0]); i++) {
		value_text(val, sizeof(val), &def, &settingv[i]);
		fprintf(f, "  --%s %s (default: %s)\n", settingv[i].name,
			settingv[i].help, val);
	}
}
