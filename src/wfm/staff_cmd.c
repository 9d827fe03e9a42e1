/*
 * `switchboard staff`: the staffing table for one interval's load, from
 * Erlang C, or Erlang A when --patience is given.
 *
 *   switchboard staff --calls 100 --interval 30m --aht 180 --target 80/20
 *                     [--patience 60] [--shrinkage 30%] [--asa 30]
 *                     [--max-occupancy 90%] [--json]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "wfm.h"

static int bad(const char *arg, const char *value, const char *why)
{
	fprintf(stderr, "staff: %s '%s': %s\n", arg, value ? value : "", why);
	return 2;
}

static int parse_num(double *vp, const char *s)
{
	char *end;

	if (!s || !*s)
		return EINVAL;
	errno = 0;
	*vp = strtod(s, &end);
	if (errno || !isfinite(*vp))
		return EINVAL;
	return *end ? EINVAL : 0;
}

/* "30m", "1h", "900s", "900" (seconds). */
static int parse_duration(double *sp, const char *s)
{
	char buf[32], unit = 's';
	size_t n = s ? strlen(s) : 0;

	if (!n || n >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] < '0' || buf[n - 1] > '9') {
		unit = buf[n - 1];
		buf[n - 1] = '\0';
	}
	if (parse_num(sp, buf) || *sp <= 0)
		return EINVAL;
	switch (unit) {
	case 's': return 0;
	case 'm': *sp *= 60; return 0;
	case 'h': *sp *= 3600; return 0;
	default: return EINVAL;
	}
}

/* "30%" or "0.3" → 0.3 */
static int parse_fraction(double *fp, const char *s)
{
	char buf[32];
	size_t n = s ? strlen(s) : 0;

	if (!n || n >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == '%') {
		buf[n - 1] = '\0';
		if (parse_num(fp, buf))
			return EINVAL;
		*fp /= 100;
	}
	else if (parse_num(fp, buf))
		return EINVAL;
	return *fp >= 0 && *fp <= 1 ? 0 : ERANGE;
}

static void row_json(json_t *rows, const struct wfm_figures *f, bool patience)
{
	json_t *o = json_pack("{s:i, s:f, s:f, s:f, s:f}", "agents",
			      (json_int_t)f->agents, "p_wait", f->p_wait,
			      "asa_s", isfinite(f->asa) ? f->asa : -1.0,
			      "service_level", f->sl, "occupancy",
			      f->occupancy);

	if (patience) {
		json_object_set_new(o, "p_abandon", json_real(f->p_abandon));
		json_object_set_new(o, "avg_wait_s", json_real(f->avg_wait));
	}
	json_array_append_new(rows, o);
}

json_t *wfm_staff_json(const struct wfm_load *load,
		       const struct wfm_target *target, double shrinkage,
		       int *errp)
{
	unsigned n, lo, hi, i;
	json_t *rows, *out;
	int err;

	err = wfm_required(&n, load, target);
	if (err) {
		*errp = err;
		return NULL;
	}
	lo = n > 3 ? n - 3 : 1;
	if (load->patience <= 0 && lo <= floor(load->rate * load->aht))
		lo = (unsigned)floor(load->rate * load->aht) + 1;
	hi = n + 3;
	rows = json_array();
	for (i = lo; i <= hi; i++) {
		struct wfm_figures f;

		if (!wfm_figures(&f, load, i, target->threshold_s))
			row_json(rows, &f, load->patience > 0);
	}
	out = json_pack("{s:i, s:o}", "recommended_agents", (json_int_t)n,
			"rows", rows);
	if (shrinkage > 0)
		json_object_set_new(out, "scheduled_agents",
				    json_integer(wfm_scheduled(n, shrinkage)));
	*errp = 0;
	return out;
}

int wfm_cmd_staff(int argc, char *argv[])
{
	struct wfm_load load = {0};
	struct wfm_target target = {0};
	double calls = -1, interval = 0, shrink = 0, v;
	bool json = false, have_target = false;
	unsigned n, lo, hi, i;
	json_t *rows;
	int a, err;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a], *val = a + 1 < argc ? argv[a + 1]
							       : NULL;

		if (!strcmp(arg, "--json")) {
			json = true;
			continue;
		}
		if (!strcmp(arg, "--help")) {
			printf("usage: switchboard staff --calls N --interval "
			       "30m --aht SECONDS --target SL/SECONDS\n"
			       "  [--patience SECONDS] [--shrinkage 30%%] "
			       "[--asa SECONDS] [--max-occupancy 90%%] "
			       "[--json]\n");
			return 0;
		}
		if (!val)
			return bad(arg, "", "needs a value");
		a++;
		if (!strcmp(arg, "--calls")) {
			if (parse_num(&calls, val) || calls < 0)
				return bad(arg, val, "must be a number of "
					   "calls, 0 or more");
		}
		else if (!strcmp(arg, "--interval")) {
			if (parse_duration(&interval, val))
				return bad(arg, val, "must be a duration "
					   "such as 30m, 1h or 900s");
		}
		else if (!strcmp(arg, "--aht")) {
			if (parse_duration(&load.aht, val))
				return bad(arg, val, "must be a positive "
					   "handle time in seconds");
		}
		else if (!strcmp(arg, "--patience")) {
			if (parse_duration(&load.patience, val))
				return bad(arg, val, "must be a positive "
					   "mean patience in seconds");
		}
		else if (!strcmp(arg, "--target")) {
			char pct[32];
			const char *slash = strchr(val, '/');
			size_t len = slash ? (size_t)(slash - val) : 0;

			if (!slash || !len || len >= sizeof(pct))
				return bad(arg, val, "must be SL%/SECONDS, "
					   "such as 80/20");
			memcpy(pct, val, len);
			pct[len] = '\0';
			if (pct[len - 1] == '%')
				pct[len - 1] = '\0';
			if (parse_num(&v, pct) || v <= 0 || v > 100)
				return bad(arg, val, "service level must be "
					   "above 0 and at most 100 %");
			target.sl = v / 100;
			if (parse_duration(&target.threshold_s, slash + 1))
				return bad(arg, val, "threshold must be a "
					   "positive number of seconds");
			have_target = true;
		}
		else if (!strcmp(arg, "--shrinkage")) {
			if (parse_fraction(&shrink, val) || shrink >= 1)
				return bad(arg, val, "must be a percentage "
					   "from 0 to below 100");
		}
		else if (!strcmp(arg, "--asa")) {
			if (parse_duration(&target.asa_s, val))
				return bad(arg, val, "must be a positive "
					   "number of seconds");
		}
		else if (!strcmp(arg, "--max-occupancy")) {
			if (parse_fraction(&target.max_occupancy, val) ||
			    target.max_occupancy <= 0)
				return bad(arg, val, "must be a percentage "
					   "above 0 and at most 100");
		}
		else
			return bad(arg, val, "unknown argument (see --help)");
	}
	if (calls < 0)
		return bad("--calls", "", "is required");
	if (!interval)
		return bad("--interval", "", "is required");
	if (!load.aht)
		return bad("--aht", "", "is required");
	if (!have_target)
		return bad("--target", "", "is required");
	load.rate = calls / interval;
	err = wfm_required(&n, &load, &target);
	if (err)
		return bad("--target", "", "cannot be met by up to 100000 "
			   "agents");
	lo = n > 3 ? n - 3 : 1;
	if (load.patience <= 0 && lo <= floor(load.rate * load.aht))
		lo = (unsigned)floor(load.rate * load.aht) + 1;
	hi = n + 3;
	rows = json_array();
	if (!json) {
		printf("traffic %.2f erlangs (%g calls in %gs, AHT %gs)%s\n",
		       load.rate * load.aht, calls, interval, load.aht,
		       load.patience > 0 ? ", Erlang A" : ", Erlang C");
		printf("%6s %8s %9s %8s %9s%s\n", "agents", "P(wait)", "ASA s",
		       "SL", "occupancy",
		       load.patience > 0 ? "  P(aband) avg wait s" : "");
	}
	for (i = lo; i <= hi; i++) {
		struct wfm_figures f;

		if (wfm_figures(&f, &load, i, target.threshold_s))
			continue;
		if (json)
			continue;
		printf("%6u %8.4f %9.1f %7.1f%% %8.1f%%", i, f.p_wait, f.asa,
		       100 * f.sl, 100 * f.occupancy);
		if (load.patience > 0)
			printf("  %7.2f%% %10.1f", 100 * f.p_abandon,
			       f.avg_wait);
		printf("%s\n", i == n ? "  <- recommended" : "");
	}
	if (json) {
		json_t *out = wfm_staff_json(&load, &target, shrink, &err);

		json_dumpf(out, stdout, JSON_COMPACT);
		printf("\n");
		json_decref(out);
		json_decref(rows);
		return 0;
	}
	json_decref(rows);
	printf("recommended: %u agents on the phones", n);
	if (shrink > 0)
		printf(", %u scheduled with %.0f%% shrinkage",
		       wfm_scheduled(n, shrink), 100 * shrink);
	printf("\n");
	return 0;
}
