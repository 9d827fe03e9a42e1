/*
 * Core: what every module shares. Logging, clocks, the server configuration
 * (built-in defaults < config file < command-line flags), the registry of
 * listening addresses that main prints in its `ready` line, and (later) the
 * interaction, the spine of every contact.
 */
#ifndef SB_CC_H
#define SB_CC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* --- Logging --------------------------------------------------------- */

enum cc_log_level {
	CC_LOG_DEBUG = 0,
	CC_LOG_INFO,
	CC_LOG_WARN,
	CC_LOG_ERROR,
};

void cc_log_level_set(enum cc_log_level level);
int cc_log_level_decode(enum cc_log_level *levelp, const char *name);
/* Thread-safe; one line per call on stderr, with time, level and module. */
void cc_log(enum cc_log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define cc_debug(mod, ...) cc_log(CC_LOG_DEBUG, mod, __VA_ARGS__)
#define cc_info(mod, ...) cc_log(CC_LOG_INFO, mod, __VA_ARGS__)
#define cc_warn(mod, ...) cc_log(CC_LOG_WARN, mod, __VA_ARGS__)
#define cc_error(mod, ...) cc_log(CC_LOG_ERROR, mod, __VA_ARGS__)

/* --- Clocks ---------------------------------------------------------- */

/* Monotonic milliseconds: for durations and the ACD's notion of now. */
uint64_t cc_clock_ms(void);
/* Wall clock, milliseconds since the Unix epoch: for records. */
int64_t cc_wall_ms(void);

/* --- Pseudo-random numbers (reproducible, not secret) ------------------ */

/* xorshift64: the next value from *state (a zero state is seeded). */
uint64_t cc_rand_next(uint64_t *state);
/* Uniform in (0, 1). */
double cc_rand_unit(uint64_t *state);

/* --- Configuration ----------------------------------------------------- */

/*
 * Every setting has one name, used both as the config-file key and as the
 * command-line flag (`sip = 0.0.0.0:5060` in a file, `--sip 0.0.0.0:5060`
 * on the command line). The config file holds `key = value` lines; `#`
 * starts a comment. Add a setting by adding a field here and a row to the
 * table in config.c.
 */
struct cc_config {
	char data[512];       /* data directory: database, recordings, cache */
	bool demo;            /* create the demo center if the store is empty */
	char sip[128];        /* SIP listen address, UDP and TCP */
	char http[128];       /* HTTP/WebSocket listen address */
	uint16_t rtp_min;     /* RTP port range (even ports used) */
	uint16_t rtp_max;
	enum cc_log_level log_level;
	uint32_t rtp_timeout; /* seconds without RTP before a leg is dead */
	uint32_t media_priority; /* SCHED_FIFO priority of the media thread */
	uint32_t session_expires; /* SIP session timer interval, 0 = off */
	uint32_t min_se;          /* shortest session interval accepted */
	char public_addr[64]; /* address put in SDP/Contact; "" = the SIP IP */
	uint32_t session_ttl; /* seconds an API login token lives */
	bool auto_login;      /* registering a phone logs its agent in */
	char phone_country[8]; /* CRM: country of numbers without a prefix */
};

/* Sets built-in defaults. */
void cc_config_init(struct cc_config *cfg);
/*
 * Sets one setting from its text. On error returns EINVAL and writes a
 * reason naming what is wrong into errbuf.
 */
int cc_config_set(struct cc_config *cfg, const char *key, const char *value,
		  char *errbuf, size_t errsz);
/* True when key names a setting that takes no value (a boolean flag). */
bool cc_config_is_flag(const char *key);
/* True when key names a setting. */
bool cc_config_known(const char *key);
/* The setting whose name is closest to key (a typo), or NULL. */
const char *cc_config_suggest(const char *key);
/*
 * Reads a config file over cfg. Nothing is applied unless the whole file is
 * valid. On error returns EINVAL (or the errno of opening the file) and
 * writes one "FILE:LINE: reason" line per bad line into errbuf (every line
 * is checked; lines are separated by newlines).
 */
int cc_config_load(struct cc_config *cfg, const char *path, char *errbuf,
		   size_t errsz);
/* Writes `--name VALUE  description (default: X)` lines for --help. */
void cc_config_usage(FILE *f);

/* --- Listening addresses ---------------------------------------------- */

/* A module tells main where it listens, e.g. ("sip", "127.0.0.1:5060"),
 * after binding (so port 0 shows the port chosen). */
void cc_listen_report(const char *what, const char *addr);
/* The address reported for what, or NULL. */
const char *cc_listen_find(const char *what);
/* Prints `ready what=addr ...` on stdout, the line tests wait for. */
void cc_listen_print_ready(void);
void cc_listen_reset(void);

#endif
