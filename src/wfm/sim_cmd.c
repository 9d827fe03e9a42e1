/*
 * `switchboard simulate --scenario FILE.json [--json] [--threads N]`:
 * reads a scenario, runs its replications in parallel and prints per queue
 * the same figures the live server reports, each with its 95 % confidence
 * interval. Problems in the scenario are listed with their JSON path and
 * exit status 2.
 *
 * {
 *   "duration_s": 28800, "warmup_s": 3600, "interval_s": 1800,
 *   "replications": 10, "seed": 1,
 *   "queues": [{"name": "support", "strategy": "longest_idle",
 *               "sl_threshold_s": 20, "skill": "support", "min_level": 1,
 *               "calls_per_interval": 100,      (or a list by interval)
 *               "handle": {"dist": "exponential", "mean_s": 180},
 *                          (or lognormal with sd_s, or empirical with
 *                           "values_s": [...] sampled at random)
 *               "patience_s": 60, "wrapup_s": 0}],
 *   "agents": [{"count": 14, "skills": {"support": 5},
 *               "queues": ["support"], "start_s": 0, "end_s": 0}]
 * }
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "sim.h"
#include "wfm.h"

struct parse {
	int problems;
	json_t *list; /* [{path, message}] */
	char skills[64][32];
	size_t skillc;
};

static void problem(struct parse *p, const char *path, const char *what)
{
	json_array_append_new(p->list, json_pack("{s:s, s:s}", "path", path,
						 "message", what));
	p->problems++;
}

static double num(struct parse *p, const json_t *o, const char *key,
		  const char *path, double def, double lo, double hi)
{
	json_t *v = json_object_get(o, key);
	char at[256];
	double x;

	if (!v)
		return def;
	snprintf(at, sizeof(at), "%s.%s", path, key);
	if (!json_is_number(v)) {
		problem(p, at, "must be a number");
		return def;
	}
	x = json_number_value(v);
	if (x < lo || x > hi) {
		char why[128];

		snprintf(why, sizeof(why), "must be from %g to %g", lo, hi);
		problem(p, at, why);
		return def;
	}
	return x;
}

static uint16_t skill_id(struct parse *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->skillc; i++) {
		if (!strcmp(p->skills[i], name))
			return (uint16_t)(i + 1);
	}
	if (p->skillc == 64)
		return 0;
	snprintf(p->skills[p->skillc], sizeof(p->skills[0]), "%s", name);
	return (uint16_t)++p->skillc;
}

static void parse_queue(struct parse *p, struct sim_scenario *sc, json_t *jq,
			size_t idx)
{
	struct sim_queue *q = &sc->queuev[idx];
	char path[64];
	json_t *v, *h;
	size_t i, nint = (size_t)ceil(sc->duration / sc->interval);

	snprintf(path, sizeof(path), "$.queues[%zu]", idx);
	v = json_object_get(jq, "name");
	if (!json_is_string(v) || !*json_string_value(v))
		problem(p, path, "needs a \"name\"");
	else
		snprintf(q->name, sizeof(q->name), "%s", json_string_value(v));
	q->acd.id = (uint32_t)idx + 1;
	v = json_object_get(jq, "strategy");
	if (v && (!json_is_string(v) ||
		  acd_strategy_decode(&q->acd.strategy,
				      json_string_value(v)))) {
		char at[96];

		snprintf(at, sizeof(at), "%s.strategy", path);
		problem(p, at, "unknown strategy");
	}
	q->acd.sl_threshold_ms = (uint32_t)(1000 * num(p, jq, "sl_threshold_s",
						       path, 20, 0, 86400));
	q->acd.wrapup_ms = (uint32_t)(1000 * num(p, jq, "wrapup_s", path, 0, 0,
						 3600));
	q->patience = num(p, jq, "patience_s", path, 0, 0, 86400);
	v = json_object_get(jq, "skill");
	if (json_is_string(v)) {
		q->acd.skill.skill = skill_id(p, json_string_value(v));
		q->acd.skill.min_level = (uint8_t)num(p, jq, "min_level", path,
						      1, 1, 10);
	}
	v = json_object_get(jq, "calls_per_interval");
	if (json_is_number(v)) {
		for (i = 0; i < SIM_INTERVALS_MAX; i++)
			q->rate[i] = json_number_value(v) / sc->interval;
	}
	else if (json_is_array(v) && json_array_size(v) >= nint) {
		for (i = 0; i < SIM_INTERVALS_MAX; i++) {
			json_t *x = json_array_get(v, i < json_array_size(v)
						     ? i : json_array_size(v) - 1);

			if (!json_is_number(x) || json_number_value(x) < 0) {
				char at[96];

				snprintf(at, sizeof(at),
					 "%s.calls_per_interval[%zu]", path, i);
				problem(p, at, "must be a number >= 0");
				break;
			}
			q->rate[i] = json_number_value(x) / sc->interval;
		}
	}
	else {
		char at[96];

		snprintf(at, sizeof(at), "%s.calls_per_interval", path);
		problem(p, at, "must be a number or a list with one number "
			"per interval");
	}
	h = json_object_get(jq, "handle");
	q->handle.kind = SIM_EXP;
	q->handle.mean = 180;
	if (json_is_object(h)) {
		char hp[96];
		const char *dist = json_string_value(json_object_get(h,
								      "dist"));

		snprintf(hp, sizeof(hp), "%s.handle", path);
		q->handle.mean = num(p, h, "mean_s", hp, 180, 0.001, 86400);
		q->handle.sd = num(p, h, "sd_s", hp, q->handle.mean, 0,
				   86400);
		if (!dist || !strcmp(dist, "exponential"))
			q->handle.kind = SIM_EXP;
		else if (!strcmp(dist, "lognormal"))
			q->handle.kind = SIM_LOGNORMAL;
		else if (!strcmp(dist, "empirical")) {
			json_t *vals = json_object_get(h, "values_s"), *x;
			char at[128];

			q->handle.kind = SIM_EMPIRICAL;
			q->handle.values = q->samples;
			snprintf(at, sizeof(at), "%s.values_s", hp);
			if (!json_is_array(vals) || !json_array_size(vals) ||
			    json_array_size(vals) > SIM_SAMPLES_MAX)
				problem(p, at, "must list 1 to 1024 handle "
					"times");
			json_array_foreach(vals, i, x)
			{
				if (i >= SIM_SAMPLES_MAX)
					break;
				if (!json_is_number(x) ||
				    json_number_value(x) <= 0) {
					problem(p, at, "handle times must be "
						"positive numbers");
					break;
				}
				q->samples[q->handle.valuec++] =
					json_number_value(x);
			}
		}
		else {
			char at[128];

			snprintf(at, sizeof(at), "%s.dist", hp);
			problem(p, at, "must be exponential, lognormal or "
				"empirical");
		}
	}
}

static uint32_t queue_by_name(const struct sim_scenario *sc, const char *n)
{
	size_t i;

	for (i = 0; i < sc->queuec; i++) {
		if (!strcmp(sc->queuev[i].name, n))
			return sc->queuev[i].acd.id;
	}
	return 0;
}

static void parse_group(struct parse *p, struct sim_scenario *sc, json_t *ja,
			size_t idx)
{
	struct sim_group *g = &sc->groupv[idx];
	char path[64], at[128];
	const char *key;
	json_t *v, *x;
	size_t i;

	snprintf(path, sizeof(path), "$.agents[%zu]", idx);
	g->count = (unsigned)num(p, ja, "count", path, 1, 0, 100000);
	g->start = num(p, ja, "start_s", path, 0, 0, 86400);
	g->end = num(p, ja, "end_s", path, 0, 0, 86400);
	v = json_object_get(ja, "skills");
	json_object_foreach(v, key, x)
	{
		if (g->skillc == 16 || !json_is_integer(x) ||
		    json_integer_value(x) < 1 || json_integer_value(x) > 10) {
			snprintf(at, sizeof(at), "%s.skills.%s", path, key);
			problem(p, at, "must be a level from 1 to 10 (at most "
				"16 skills)");
			continue;
		}
		g->skillv[g->skillc].skill = skill_id(p, key);
		g->skillv[g->skillc++].min_level =
			(uint8_t)json_integer_value(x);
	}
	v = json_object_get(ja, "queues");
	if (!json_is_array(v) || !json_array_size(v)) {
		snprintf(at, sizeof(at), "%s.queues", path);
		problem(p, at, "must list the queues these agents serve");
		return;
	}
	json_array_foreach(v, i, x)
	{
		uint32_t id = json_is_string(x)
				      ? queue_by_name(sc, json_string_value(x))
				      : 0;

		snprintf(at, sizeof(at), "%s.queues[%zu]", path, i);
		if (!id)
			problem(p, at, "no such queue");
		else if (g->queuec < SIM_QUEUES_MAX)
			g->queuev[g->queuec++] = id;
	}
}

int wfm_scenario_parse(struct sim_scenario *sc, const json_t *root,
		       json_t **problemsp)
{
	struct parse p = {0};
	json_t *v, *x;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	p.list = json_array();
	if (!json_is_object(root)) {
		problem(&p, "$", "a scenario is a JSON object");
		goto out;
	}
	sc->duration = num(&p, root, "duration_s", "$", 28800, 900, 86400);
	sc->warmup = num(&p, root, "warmup_s", "$", 0, 0, 86400);
	sc->interval = num(&p, root, "interval_s", "$", 1800, 900, 86400);
	if (fmod(sc->interval, 900) != 0)
		problem(&p, "$.interval_s", "must be a multiple of 900 (the "
			"15-minute statistics interval)");
	if (sc->warmup >= sc->duration)
		problem(&p, "$.warmup_s", "must be shorter than duration_s");
	sc->replications = (unsigned)num(&p, root, "replications", "$", 10, 1,
					 SIM_REPS_MAX);
	sc->seed = (uint64_t)num(&p, root, "seed", "$", 1, 0, 1e15);
	v = json_object_get(root, "queues");
	if (!json_is_array(v) || !json_array_size(v) ||
	    json_array_size(v) > SIM_QUEUES_MAX)
		problem(&p, "$.queues", "must be a list of 1 to 64 queues");
	else {
		json_array_foreach(v, i, x)
			parse_queue(&p, sc, x, i);
		sc->queuec = json_array_size(v);
	}
	v = json_object_get(root, "agents");
	if (!json_is_array(v) || !json_array_size(v) ||
	    json_array_size(v) > SIM_GROUPS_MAX)
		problem(&p, "$.agents", "must be a list of 1 to 64 groups");
	else {
		json_array_foreach(v, i, x)
			parse_group(&p, sc, x, i);
		sc->groupc = json_array_size(v);
	}
out:
	if (problemsp)
		*problemsp = p.list;
	else
		json_decref(p.list);
	return p.problems;
}

static double fig(const struct acd_counts *c, int which)
{
	struct acd_figures f;

	acd_figures_compute(&f, c);
	switch (which) {
	case 0: return f.sl_pct;
	case 1: return f.asa_ms / 1000;
	case 2: return f.abandon_pct;
	default: return c->offered;
	}
}

json_t *wfm_simulate_json(const struct sim_scenario *sc, unsigned threads)
{
	static const char *names[] = {"service_level_pct", "asa_s",
				      "abandon_pct", "offered"};
	struct sim_result *resv = calloc(sc->replications, sizeof(*resv));
	double xs[SIM_REPS_MAX], mean, half;
	json_t *out = NULL;
	size_t q, r;
	int w;

	if (!resv || sim_run_all(sc, resv, threads))
		goto out;
	out = json_pack("{s:i, s:[]}", "replications",
			(json_int_t)sc->replications, "queues");
	for (q = 0; q < sc->queuec; q++) {
		json_t *jq = json_pack("{s:s}", "name", sc->queuev[q].name);

		for (w = 0; w < 4; w++) {
			for (r = 0; r < sc->replications; r++)
				xs[r] = fig(&resv[r].total[q], w);
			sim_ci(xs, sc->replications, &mean, &half);
			json_object_set_new(jq, names[w],
					    json_pack("{s:f, s:f}", "mean",
						      mean, "ci95",
						      isfinite(half) ? half
								     : 0.0));
		}
		json_array_append_new(json_object_get(out, "queues"), jq);
	}
	for (r = 0; r < sc->replications; r++)
		xs[r] = resv[r].staffed_s > 0
				? 100 * resv[r].busy_s / resv[r].staffed_s
				: 0;
	sim_ci(xs, sc->replications, &mean, &half);
	json_object_set_new(out, "occupancy_pct",
			    json_pack("{s:f, s:f}", "mean", mean, "ci95",
				      isfinite(half) ? half : 0.0));
out:
	free(resv);
	return out;
}

static void print_ci(const char *name, json_t *o)
{
	printf("  %-18s %10.2f +- %.2f\n", name,
	       json_real_value(json_object_get(o, "mean")),
	       json_real_value(json_object_get(o, "ci95")));
}

int wfm_cmd_simulate(int argc, char *argv[])
{
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	const char *file = NULL;
	unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	bool json = false;
	json_t *root = NULL, *problems = NULL, *out = NULL, *jq, *v;
	json_error_t jerr;
	const char *key;
	size_t i;
	int status = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--scenario") && i + 1 < (size_t)argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--threads") && i + 1 < (size_t)argc)
			threads = (unsigned)atoi(argv[++i]);
		else {
			fprintf(stderr, "simulate: unknown argument '%s'; "
				"usage: switchboard simulate --scenario "
				"FILE.json [--json] [--threads N]\n", argv[i]);
			status = 2;
			goto out;
		}
	}
	if (!file) {
		fprintf(stderr, "simulate: --scenario FILE.json is required\n");
		status = 2;
		goto out;
	}
	root = json_load_file(file, 0, &jerr);
	if (!root) {
		fprintf(stderr, "simulate: %s:%d:%d: %s\n", file, jerr.line,
			jerr.column, jerr.text);
		status = 2;
		goto out;
	}
	if (!sc || wfm_scenario_parse(sc, root, &problems)) {
		json_array_foreach(problems, i, v)
			fprintf(stderr, "simulate: %s: %s\n",
				json_string_value(json_object_get(v, "path")),
				json_string_value(json_object_get(v,
								  "message")));
		status = 2;
		goto out;
	}
	out = wfm_simulate_json(sc, threads);
	if (!out) {
		fprintf(stderr, "simulate: the simulation failed\n");
		status = 1;
		goto out;
	}
	if (json) {
		json_dumpf(out, stdout, JSON_COMPACT);
		printf("\n");
		goto out;
	}
	printf("%u replications, 95 %% confidence intervals\n",
	       sc->replications);
	json_array_foreach(json_object_get(out, "queues"), i, jq)
	{
		printf("queue %s\n",
		       json_string_value(json_object_get(jq, "name")));
		json_object_foreach(jq, key, v)
		{
			if (json_is_object(v))
				print_ci(key, v);
		}
	}
	print_ci("occupancy_pct", json_object_get(out, "occupancy_pct"));
out:
	json_decref(root);
	json_decref(problems);
	json_decref(out);
	free(sc);
	return status;
}
