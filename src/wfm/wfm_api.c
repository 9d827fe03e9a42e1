/*
 * The workforce-planning routes: staffing tables, simulations and
 * forecasts through the API (rows in src/api/api_routes.c). Handlers run on
 * API worker threads; they only read the store.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sqlite3.h>
#include "api/api.h"
#include "core/cc.h"
#include "store/store.h"
#include "sim.h"
#include "wfm.h"

enum { SIM_API_REPS_MAX = 20, SIM_API_AGENTS_MAX = 5000 };

/* A number field in [lo, hi]; def when absent. Replies 400 naming the
 * field otherwise. */
static int field(double *vp, struct api_req *req, const json_t *body,
		 const char *name, double def, double lo, double hi)
{
	json_t *v = json_object_get(body, name);

	if (!v) {
		*vp = def;
		return 0;
	}
	*vp = json_number_value(v);
	if (!json_is_number(v) || *vp < lo || *vp > hi)
		return api_reply_error(req, 400, "out_of_range", name,
				       "%s must be from %g to %g", name, lo,
				       hi);
	return 0;
}

int wfm_api_staff(struct api_req *req)
{
	const json_t *b = api_req_body(req);
	struct wfm_load load = {0};
	struct wfm_target t = {0};
	double calls, interval, sl, shrink, occ;
	json_t *out;
	int err;

	if ((err = field(&calls, req, b, "calls", 0, 0, 1e7)) ||
	    (err = field(&interval, req, b, "interval_s", 0, 1, 86400)) ||
	    (err = field(&load.aht, req, b, "aht_s", 0, 0.001, 86400)) ||
	    (err = field(&sl, req, b, "sl_pct", 0, 0.001, 100)) ||
	    (err = field(&t.threshold_s, req, b, "threshold_s", 0, 0, 86400)) ||
	    (err = field(&load.patience, req, b, "patience_s", 0, 0, 86400)) ||
	    (err = field(&shrink, req, b, "shrinkage_pct", 0, 0, 99)) ||
	    (err = field(&t.asa_s, req, b, "asa_s", 0, 0, 86400)) ||
	    (err = field(&occ, req, b, "max_occupancy_pct", 0, 0, 100)))
		return err;
	load.rate = calls / interval;
	t.sl = sl / 100;
	t.max_occupancy = occ / 100;
	out = wfm_staff_json(&load, &t, shrink / 100, &err);
	if (!out)
		return api_reply_error(req, 422, "unreachable", "sl_pct",
				       "no staff up to 100000 agents meets "
				       "the targets");
	return api_reply_json(req, 200, out);
}

int wfm_api_simulate(struct api_req *req)
{
	const json_t *scen = json_object_get(api_req_body(req), "scenario");
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	json_t *problems = NULL, *out;
	unsigned agents = 0;
	size_t g;
	int err = 0;

	if (!sc)
		return ENOMEM;
	if (wfm_scenario_parse(sc, scen, &problems)) {
		json_t *first = json_array_get(problems, 0);

		out = json_pack("{s:{s:s, s:s, s:s}, s:O}", "error", "code",
				"invalid_scenario", "message",
				json_string_value(json_object_get(first,
								  "message")),
				"field",
				json_string_value(json_object_get(first,
								  "path")),
				"problems", problems);
		err = api_reply_json(req, 400, out);
		goto out;
	}
	for (g = 0; g < sc->groupc; g++)
		agents += sc->groupv[g].count;
	if (sc->replications > SIM_API_REPS_MAX ||
	    agents > SIM_API_AGENTS_MAX) {
		err = api_reply_error(req, 422, "too_large", "scenario",
				      "through the API at most %d "
				      "replications and %d agents (use "
				      "switchboard simulate for more)",
				      SIM_API_REPS_MAX, SIM_API_AGENTS_MAX);
		goto out;
	}
	out = wfm_simulate_json(sc, 2);
	err = out ? api_reply_json(req, 200, out) : EIO;
out:
	json_decref(problems);
	free(sc);
	return err;
}

/* Contacts of a queue per 30-minute interval over the last 28 days (up to
 * today's midnight UTC) from the interactions table, then a forecast of
 * tomorrow with its held-out error and the staffing curve. */
int wfm_api_forecast(struct api_req *req)
{
	enum { SLOT_MS = 1800000, SLOTS = 48 * 28 };
	const char *queue = api_req_query(req, "queue");
	sqlite3 *db = store_reader(store_main());
	sqlite3_stmt *st = NULL;
	double *y = NULL, fc[48], mape = -1, aht = 0;
	struct wfm_target target = {0.8, 20, 0, 0};
	unsigned req48[48];
	int64_t end, start;
	json_t *out, *jf, *jr;
	size_t i, n = 0;
	int err = 0;

	if (!queue || !*queue)
		return api_reply_error(req, 400, "missing", "queue",
				       "queue is required");
	if (!db)
		return EIO;
	end = cc_wall_ms() - cc_wall_ms() % (24LL * 3600 * 1000);
	start = end - (int64_t)SLOTS * SLOT_MS;
	y = calloc(SLOTS, sizeof(*y));
	if (!y)
		return ENOMEM;
	if (sqlite3_prepare_v2(db, "SELECT (created_at - ?1) / 1800000, "
			       "count(*), avg(coalesce(talk_ms, 0) + "
			       "coalesce(hold_ms, 0) + coalesce(wrapup_ms, "
			       "0)) FROM interactions WHERE queue = ?2 AND "
			       "created_at >= ?1 AND created_at < ?3 GROUP "
			       "BY 1", -1, &st, NULL) != SQLITE_OK) {
		err = EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, start);
	sqlite3_bind_text(st, 2, queue, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, end);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t slot = sqlite3_column_int64(st, 0);
		int c = sqlite3_column_int(st, 1);

		if (slot < 0 || slot >= SLOTS)
			continue;
		y[slot] = c;
		aht += sqlite3_column_double(st, 2) * c;
		n += (size_t)c;
	}
	sqlite3_finalize(st);
	if (n < 100) {
		err = api_reply_error(req, 422, "not_enough_history", "queue",
				      "queue %s has %zu contacts in the last "
				      "28 days; a forecast needs at least "
				      "100", queue, n);
		goto out;
	}
	aht = aht / (double)n / 1000;
	if (aht <= 0)
		aht = 180;
	wfm_forecast_holdout(&mape, y, NULL, SLOTS, 48, 336, 336);
	err = wfm_forecast(fc, 48, y, NULL, SLOTS, 48, 336);
	if (!err)
		err = wfm_staffing_curve(req48, fc, 48, 1800, aht, 0, &target);
	if (err)
		goto out;
	jf = json_array();
	jr = json_array();
	for (i = 0; i < 48; i++) {
		json_array_append_new(jf, json_real(fc[i]));
		json_array_append_new(jr, json_integer(req48[i]));
	}
	out = json_pack("{s:s, s:I, s:i, s:f, s:f, s:o, s:o}", "queue", queue,
			"day_start", (json_int_t)end, "interval_s", 1800,
			"aht_s", aht, "mape_pct", mape, "calls", jf,
			"required_agents", jr);
	err = api_reply_json(req, 200, out);
out:
	free(y);
	return err;
}
