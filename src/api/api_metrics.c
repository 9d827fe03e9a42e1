/*
 * GET /metrics in the Prometheus text format: API request counters kept
 * here (atomics, any thread) and the live figures of the last snapshot
 * (calls by state, queue waiting and longest wait, agents by state,
 * service level).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"

static atomic_ullong countv[6]; /* by status class 0xx..5xx */

/* The error statuses the API gives, counted one by one (others: "other"). */
static const int codev[] = {400, 401, 403, 404, 405, 409, 413, 415, 422,
			    429, 500, 503, 504, 0};
static atomic_ullong codecountv[sizeof(codev) / sizeof(codev[0])];

void api_metrics_count(int status)
{
	int c = status / 100;
	size_t i;

	if (c >= 1 && c <= 5)
		atomic_fetch_add_explicit(&countv[c], 1, memory_order_relaxed);
	if (c < 4)
		return;
	for (i = 0; codev[i] && codev[i] != status; i++)
		;
	atomic_fetch_add_explicit(&codecountv[i], 1, memory_order_relaxed);
}

struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf ? o->buf + o->len : NULL,
			      o->buf ? o->cap - o->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (o->buf && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		o->cap = (o->cap ? o->cap * 2 : 8192) + (size_t)n;
		o->buf = realloc(o->buf, o->cap);
		if (!o->buf)
			return;
	}
}

/* Prints `name{label="v"} value` for each member of an object of
 * numbers, e.g. {"available": 2, "busy": 1}. */
static void put_map(struct out *o, const char *name, const char *label,
		    json_t *map)
{
	const char *k;
	json_t *v;

	json_object_foreach(map, k, v)
	{
		if (json_is_number(v))
			put(o, "%s{%s=\"%s\"} %g\n", name, label, k,
			    json_number_value(v));
	}
}

int api_metrics_get(struct api_req *req)
{
	json_t *s = api_ws_stats_json(), *q;
	struct out o = {0};
	size_t i;
	int c, err;

	put(&o, "# HELP sb_api_requests_total API requests by status class\n"
		"# TYPE sb_api_requests_total counter\n");
	for (c = 1; c <= 5; c++)
		put(&o, "sb_api_requests_total{class=\"%dxx\"} %llu\n", c,
		    (unsigned long long)atomic_load(&countv[c]));
	put(&o, "# HELP sb_api_errors_total API answers with 4xx or 5xx\n"
		"# TYPE sb_api_errors_total counter\n"
		"sb_api_errors_total %llu\n",
	    (unsigned long long)(atomic_load(&countv[4]) +
				 atomic_load(&countv[5])));
	put(&o, "# HELP sb_api_errors_by_status_total API error answers by"
		" status\n# TYPE sb_api_errors_by_status_total counter\n");
	for (i = 0; i < sizeof(codev) / sizeof(codev[0]); i++) {
		char code[8];

		if (codev[i])
			snprintf(code, sizeof(code), "%d", codev[i]);
		else
			snprintf(code, sizeof(code), "other");
		put(&o, "sb_api_errors_by_status_total{status=\"%s\"} %llu\n",
		    code, (unsigned long long)atomic_load(&codecountv[i]));
	}
	put(&o, "# HELP sb_event_clients open event channels\n"
		"# TYPE sb_event_clients gauge\nsb_event_clients %u\n",
	    api_event_clients());
	put(&o, "# HELP sb_uptime_seconds seconds since start\n"
		"# TYPE sb_uptime_seconds gauge\nsb_uptime_seconds %lld\n",
	    (long long)json_integer_value(json_object_get(s, "uptime_s")));
	put(&o, "# HELP sb_calls calls by state\n# TYPE sb_calls gauge\n");
	put_map(&o, "sb_calls", "state", json_object_get(s, "calls"));
	put(&o, "# HELP sb_agents agents by state\n# TYPE sb_agents gauge\n");
	put_map(&o, "sb_agents", "state", json_object_get(s, "agent_states"));
	put(&o, "# HELP sb_sip_errors_total SIP requests refused, by reason\n"
		"# TYPE sb_sip_errors_total counter\n");
	put_map(&o, "sb_sip_errors_total", "kind",
		json_object_get(json_object_get(s, "sip"), "errors"));
	put(&o, "# HELP sb_sip_rejected_total SIP error answers by status"
		" class\n# TYPE sb_sip_rejected_total counter\n");
	put_map(&o, "sb_sip_rejected_total", "class",
		json_object_get(json_object_get(s, "sip"), "rejected"));
	put(&o, "# HELP sb_queue_waiting tasks waiting per queue\n"
		"# TYPE sb_queue_waiting gauge\n"
		"# HELP sb_queue_longest_wait_seconds longest wait per queue\n"
		"# TYPE sb_queue_longest_wait_seconds gauge\n"
		"# HELP sb_queue_service_level service level today (0-1)\n"
		"# TYPE sb_queue_service_level gauge\n");
	json_array_foreach(json_object_get(s, "queues"), i, q)
	{
		const char *name =
			json_string_value(json_object_get(q, "name"));

		if (!name)
			continue;
		put(&o, "sb_queue_waiting{queue=\"%s\"} %g\n", name,
		    json_number_value(json_object_get(q, "waiting")));
		put(&o, "sb_queue_longest_wait_seconds{queue=\"%s\"} %g\n",
		    name, json_number_value(json_object_get(q,
							    "longest_wait_s")));
		put(&o, "sb_queue_service_level{queue=\"%s\"} %g\n", name,
		    json_number_value(json_object_get(q, "service_level")));
	}
	json_decref(s);
	if (!o.buf)
		return ENOMEM;
	err = api_reply_data(req, 200, "text/plain; version=0.0.4", o.buf,
			     o.len);
	free(o.buf);
	return err;
}
