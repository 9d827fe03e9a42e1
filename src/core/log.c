/*
 * Logging: one line per message on stderr with wall time, level and module.
 * Safe from any thread: each line is written under stdio's file lock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cc.h"

static enum cc_log_level log_level = CC_LOG_INFO;

static const char *levelname(enum cc_log_level level)
{
	switch (level) {
	case CC_LOG_DEBUG: return "debug";
	case CC_LOG_INFO:  return "info";
	case CC_LOG_WARN:  return "warn";
	case CC_LOG_ERROR: return "error";
	}
	return "?";
}

void cc_log_level_set(enum cc_log_level level)
{
	log_level = level;
}

int cc_log_level_decode(enum cc_log_level *levelp, const char *name)
{
	enum cc_log_level l;

	for (l = CC_LOG_DEBUG; l <= CC_LOG_ERROR; l++) {
		if (!strcasecmp(name, levelname(l))) {
			*levelp = l;
			return 0;
		}
	}
	return EINVAL;
}

void cc_log(enum cc_log_level level, const char *module, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level < log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	flockfile(stderr);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s: ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, levelname(level),
		module);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
