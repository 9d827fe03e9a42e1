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
#include "api/api_req.h"
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

static int wfm_api_staff(struct api_req *req)
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

/* Fills calls_per_interval of every queue marked "calls_from_history":
 * true with its recorded contacts per time of day (30-minute slots,
 * averaged over the last 28 days). Returns 0 or an errno value. */
static int history_arrivals(json_t *scen)
{
	enum { SLOT_MS = 1800000, DAYS = 28 };
	sqlite3 *db = store_reader(store_main());
	json_t *q, *list;
	int64_t end = cc_wall_ms() - cc_wall_ms() % (24LL * 3600 * 1000);
	size_t i, s;

	json_array_foreach(json_object_get(scen, "queues"), i, q)
	{
		double per[48] = {0};
		sqlite3_stmt *st = NULL;

		if (!json_is_true(json_object_get(q, "calls_from_history")))
			continue;
		if (!db || sqlite3_prepare_v2(db, "SELECT ((created_at - ?1) "
					      "/ 1800000) % 48, count(*) FROM "
					      "interactions WHERE queue = ?2 "
					      "AND created_at >= ?1 AND "
					      "created_at < ?3 GROUP BY 1", -1,
					      &st, NULL) != SQLITE_OK)
			return EIO;
		sqlite3_bind_int64(st, 1, end - (int64_t)DAYS * 86400000);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(
						 q, "name")), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, end);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t slot = sqlite3_column_int64(st, 0);

			if (slot >= 0 && slot < 48)
				per[slot] = sqlite3_column_double(st, 1) / DAYS;
		}
		sqlite3_finalize(st);
		list = json_array();
		for (s = 0; s < 48; s++)
			json_array_append_new(list, json_real(per[s]));
		/* The scenario's intervals must be 30 minutes for this. */
		json_object_set_new(scen, "interval_s", json_integer(1800));
		json_object_set_new(q, "calls_per_interval", list);
		json_object_del(q, "calls_from_history");
	}
	return 0;
}

static int wfm_api_simulate(struct api_req *req)
{
	json_t *scen = json_deep_copy(json_object_get(api_req_body(req),
						      "scenario"));
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	json_t *problems = NULL, *out;
	unsigned agents = 0;
	size_t g;
	int err = 0;

	if (!sc || !scen) {
		free(sc);
		json_decref(scen);
		return ENOMEM;
	}
	err = history_arrivals(scen);
	if (err)
		goto out;
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
	json_decref(scen);
	free(sc);
	return err;
}

/* Contacts and handle time per 30-minute interval over the last 28 days
 * (up to today's midnight UTC) from the interactions table, for one queue
 * or (no queue given) the whole center; then tomorrow's forecast of both,
 * the held-out error of the volume forecast and the staffing curve. */
static int wfm_api_forecast(struct api_req *req)
{
	enum { SLOT_MS = 1800000, SLOTS = 48 * 28 };
	const char *queue = api_req_query(req, "queue");
	sqlite3 *db = store_reader(store_main());
	sqlite3_stmt *st = NULL;
	const char *hq = api_req_query(req, "holidays");
	double *y = NULL, *h = NULL, fc[48], fh[48], mape = -1, aht = 0;
	bool *hol = NULL;
	struct wfm_target target = {0.8, 20, 0, 0};
	unsigned req48[48];
	int64_t end, start;
	json_t *out, *jf, *jh, *jr;
	size_t i, n = 0;
	int err = 0;

	if (queue && !*queue)
		queue = NULL;
	if (!db)
		return EIO;
	end = cc_wall_ms() - cc_wall_ms() % (24LL * 3600 * 1000);
	start = end - (int64_t)SLOTS * SLOT_MS;
	y = calloc(SLOTS, sizeof(*y));
	h = calloc(SLOTS, sizeof(*h));
	hol = calloc(SLOTS, sizeof(*hol));
	if (!y || !h || !hol) {
		err = ENOMEM;
		goto out;
	}
	/* holidays=MS,MS,...: days (midnight UTC) left out of the model. */
	while (hq && *hq) {
		char *e;
		long long d = strtoll(hq, &e, 10);

		if (e == hq || (*e && *e != ',') || d % (24LL * 3600 * 1000)) {
			err = api_reply_error(req, 400, "invalid", "holidays",
					      "holidays must be days (midnight"
					      " UTC in ms) separated by "
					      "commas");
			goto out;
		}
		if (d >= start && d < end) {
			for (i = 0; i < 48; i++)
				hol[(size_t)((d - start) / SLOT_MS) + i] = true;
		}
		hq = *e ? e + 1 : e;
	}
	if (sqlite3_prepare_v2(db, "SELECT (created_at - ?1) / 1800000, "
			       "count(*), avg(coalesce(talk_ms, 0) + "
			       "coalesce(hold_ms, 0) + coalesce(wrapup_ms, "
			       "0)) FROM interactions WHERE (?2 IS NULL OR "
			       "queue = ?2) AND created_at >= ?1 AND "
			       "created_at < ?3 GROUP BY 1", -1, &st,
			       NULL) != SQLITE_OK) {
		err = EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, start);
	if (queue)
		sqlite3_bind_text(st, 2, queue, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, end);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t slot = sqlite3_column_int64(st, 0);
		int c = sqlite3_column_int(st, 1);

		if (slot < 0 || slot >= SLOTS)
			continue;
		y[slot] = c;
		h[slot] = sqlite3_column_double(st, 2) / 1000;
		aht += h[slot] * c;
		n += (size_t)c;
	}
	sqlite3_finalize(st);
	if (n < 100) {
		err = api_reply_error(req, 422, "not_enough_history", "queue",
				      "%s has %zu contacts in the last 28 "
				      "days; a forecast needs at least 100",
				      queue ? queue : "the center", n);
		goto out;
	}
	aht = aht / (double)n;
	if (aht <= 0)
		aht = 180;
	/* Intervals without contacts have no handle time: the mean. */
	for (i = 0; i < SLOTS; i++) {
		if (y[i] == 0 || h[i] <= 0)
			h[i] = aht;
	}
	wfm_forecast_holdout(&mape, y, hol, SLOTS, 48, 336, 336);
	err = wfm_forecast(fc, 48, y, hol, SLOTS, 48, 336);
	if (!err)
		err = wfm_forecast(fh, 48, h, hol, SLOTS, 48, 336);
	for (i = 0; !err && i < 48; i++) {
		err = wfm_staffing_curve(&req48[i], &fc[i], 1, 1800,
					 fh[i] > 0 ? fh[i] : aht, 0, &target);
	}
	if (err)
		goto out;
	jf = json_array();
	jh = json_array();
	jr = json_array();
	for (i = 0; i < 48; i++) {
		json_array_append_new(jf, json_real(fc[i]));
		json_array_append_new(jh, json_real(fh[i]));
		json_array_append_new(jr, json_integer(req48[i]));
	}
	out = json_pack("{s:s, s:I, s:i, s:f, s:f, s:o, s:o, s:o}", "queue",
			queue ? queue : "*", "day_start", (json_int_t)end,
			"interval_s", 1800, "aht_s", aht, "mape_pct", mape,
			"calls", jf, "handle_s", jh, "required_agents", jr);
	err = api_reply_json(req, 200, out);
out:
	free(y);
	free(h);
	free(hol);
	return err;
}

enum { DAY_MS = 86400000, MINUTES = 1440 };

struct schedule_job {
	int64_t day;
	size_t interval_s;
	const struct wfm_assignment *asv;
	const int64_t *agentv;
	size_t agents;
	const struct wfm_shift_rules *rules;
};

/* [[start_s, length_s], ...] of an assignment's breaks (from midnight). */
static json_t *breaks_json(const struct wfm_shift_rules *r,
			   const struct wfm_assignment *as, size_t iv)
{
	json_t *list = json_array();
	size_t b;

	for (b = 0; b < r->breakc; b++)
		json_array_append_new(list, json_pack(
			"[I, I]", (json_int_t)((as->start + as->breakv[b]) * iv),
			(json_int_t)(r->breakv[b].len * iv)));
	return list;
}

/* Replaces the day's shifts in one transaction: all or nothing. */
static int schedule_save(sqlite3 *db, void *arg)
{
	const struct schedule_job *j = arg;
	sqlite3_stmt *st = NULL;
	size_t a;
	int err = 0;

	if (sqlite3_prepare_v2(db, "DELETE FROM wfm_shifts WHERE day = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return EIO;
	sqlite3_bind_int64(st, 1, j->day);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = EIO;
	sqlite3_finalize(st);
	if (err || sqlite3_prepare_v2(db, "INSERT INTO wfm_shifts(agent_id, "
				      "day, start_s, length_s, breaks, "
				      "created_at) VALUES (?, ?, ?, ?, ?, ?)",
				      -1, &st, NULL) != SQLITE_OK)
		return EIO;
	for (a = 0; a < j->agents && !err; a++) {
		const struct wfm_assignment *as = &j->asv[a];
		size_t iv = j->interval_s;
		json_t *breaks;
		char *text;

		if (!as->assigned)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, j->agentv[a]);
		sqlite3_bind_int64(st, 2, j->day);
		sqlite3_bind_int64(st, 3, (int64_t)(as->start * iv));
		sqlite3_bind_int64(st, 4, (int64_t)(j->rules->length * iv));
		breaks = breaks_json(j->rules, as, iv);
		text = json_dumps(breaks, JSON_COMPACT);
		sqlite3_bind_text(st, 5, text ? text : "[]", -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 6, cc_wall_ms());
		if (sqlite3_step(st) != SQLITE_DONE)
			err = EIO;
		free(text);
		json_decref(breaks);
	}
	sqlite3_finalize(st);
	return err;
}

static int int_field(int64_t *vp, struct api_req *req, const json_t *o,
		     const char *name, int64_t def, int64_t lo, int64_t hi)
{
	json_t *v = json_object_get(o, name);

	if (!v) {
		*vp = def;
		return 0;
	}
	*vp = json_integer_value(v);
	if (!json_is_integer(v) || *vp < lo || *vp > hi)
		return api_reply_error(req, 400, "out_of_range", name,
				       "%s must be a whole number from %lld "
				       "to %lld", name, (long long)lo,
				       (long long)hi);
	return 0;
}

/*
 * POST /wfm/schedule {day, interval_s, required: [agents per interval],
 * shift_length_s, breaks: [{length_s, earliest_s, latest_s}] (offsets
 * from the shift's start; a lunch is a break),
 * agents: [{agent_id, from_s, to_s, pref_start_s}]}
 */
static int wfm_api_schedule(struct api_req *req)
{
	const json_t *b = api_req_body(req), *jreq, *jag, *v;
	struct wfm_shift_rules rules = {0};
	struct wfm_agent_avail *avv = NULL;
	struct wfm_assignment *asv = NULL;
	struct schedule_job job = {0};
	int64_t day, iv, len, *agentv = NULL;
	unsigned *reqv = NULL;
	int *cover = NULL;
	size_t n, na, i;
	json_t *out, *jas, *jcov;
	int err;

	if ((err = int_field(&day, req, b, "day", 0, 0, INT64_MAX)) ||
	    (err = int_field(&iv, req, b, "interval_s", 1800, 300, 3600)) ||
	    (err = int_field(&len, req, b, "shift_length_s", 0, 1, 86400)))
		return err;
	if (day % DAY_MS)
		return api_reply_error(req, 400, "invalid", "day", "day must "
				       "be a midnight UTC in ms");
	if (86400 % iv || len % iv)
		return api_reply_error(req, 400, "invalid", "interval_s",
				       "times must be whole intervals of "
				       "interval_s, which must divide a day");
	rules.length = (size_t)(len / iv);
	json_array_foreach(json_object_get(b, "breaks"), i, v)
	{
		int64_t bl, be, bt;

		if (i >= WFM_BREAKS_MAX)
			return api_reply_error(req, 400, "invalid", "breaks",
					       "at most %d breaks a shift",
					       WFM_BREAKS_MAX);
		if ((err = int_field(&bl, req, v, "length_s", 0, 1, 7200)) ||
		    (err = int_field(&be, req, v, "earliest_s", 0, 0, 86400)) ||
		    (err = int_field(&bt, req, v, "latest_s", be, 0, 86400)))
			return err;
		if (bl % iv || be % iv || bt % iv)
			return api_reply_error(req, 400, "invalid", "breaks",
					       "breaks[%zu] must be whole "
					       "intervals of interval_s", i);
		rules.breakv[i] = (struct wfm_break_rule){
			(size_t)(bl / iv), (size_t)(be / iv), (size_t)(bt / iv)};
		rules.breakc = i + 1;
	}
	jreq = json_object_get(b, "required");
	jag = json_object_get(b, "agents");
	n = (size_t)(86400 / iv);
	if (json_array_size(jreq) != n)
		return api_reply_error(req, 400, "invalid", "required",
				       "required must have %zu numbers (one "
				       "per interval of the day)", n);
	na = json_array_size(jag);
	if (!na || na > 5000)
		return api_reply_error(req, 400, "invalid", "agents",
				       "agents must list 1 to 5000 agents");
	reqv = calloc(n, sizeof(*reqv));
	cover = calloc(n, sizeof(*cover));
	avv = calloc(na, sizeof(*avv));
	asv = calloc(na, sizeof(*asv));
	agentv = calloc(na, sizeof(*agentv));
	if (!reqv || !cover || !avv || !asv || !agentv) {
		err = ENOMEM;
		goto out;
	}
	json_array_foreach(jreq, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 100000) {
			err = api_reply_error(req, 400, "invalid", "required",
					      "required[%zu] must be a whole "
					      "number of agents", i);
			goto out;
		}
		reqv[i] = (unsigned)json_integer_value(v);
	}
	json_array_foreach(jag, i, v)
	{
		int64_t id, from, to, pref;

		if ((err = int_field(&id, req, v, "agent_id", 0, 1,
				     INT64_MAX)) ||
		    (err = int_field(&from, req, v, "from_s", 0, 0, 86400)) ||
		    (err = int_field(&to, req, v, "to_s", 86400, 0, 86400)) ||
		    (err = int_field(&pref, req, v, "pref_start_s", -1, -1,
				     86400)))
			goto out;
		agentv[i] = id;
		avv[i].from = (size_t)((from + iv - 1) / iv);
		avv[i].to = (size_t)(to / iv);
		avv[i].pref_start = pref < 0 ? WFM_NO_PREF : (size_t)(pref / iv);
	}
	err = wfm_schedule(asv, cover, reqv, n, &rules, avv, na);
	if (err) {
		err = api_reply_error(req, 400, "invalid", "breaks",
				      "every break must fit inside the shift "
				      "(latest_s + length_s <= "
				      "shift_length_s)");
		goto out;
	}
	job = (struct schedule_job){day, (size_t)iv, asv, agentv, na, &rules};
	err = store_txn_wait(store_main(), schedule_save, &job);
	if (err)
		goto out;
	jas = json_array();
	jcov = json_array();
	for (i = 0; i < na; i++) {
		if (asv[i].assigned)
			json_array_append_new(jas, json_pack(
				"{s:I, s:I, s:I, s:o}", "agent_id",
				(json_int_t)agentv[i], "start_s",
				(json_int_t)(asv[i].start * (size_t)iv),
				"end_s", (json_int_t)((asv[i].start +
						       rules.length) *
						      (size_t)iv),
				"breaks", breaks_json(&rules, &asv[i],
						      (size_t)iv)));
	}
	for (i = 0; i < n; i++)
		json_array_append_new(jcov, json_integer(cover[i]));
	out = json_pack("{s:I, s:o, s:o, s:O}", "day", (json_int_t)day,
			"shifts", jas, "coverage", jcov, "required", jreq);
	err = api_reply_json(req, 200, out);
out:
	free(reqv);
	free(cover);
	free(avv);
	free(asv);
	free(agentv);
	return err;
}

static enum wfm_span_kind span_kind(const char *state)
{
	if (!strcmp(state, "away"))
		return WFM_SPAN_AWAY;
	if (!strcmp(state, "logged_out"))
		return WFM_SPAN_LOGGED_OUT;
	return WFM_SPAN_WORKING;
}

/* Adherence of one agent on one day against its stored shift. */
static json_t *agent_adherence(sqlite3 *db, int64_t agent, int64_t day,
			       int64_t start_s, int64_t len_s,
			       const char *breaks)
{
	json_t *bl = json_loads(breaks ? breaks : "[]", 0, NULL), *br;
	size_t bi;
	struct wfm_state_span spans[1024];
	uint8_t plan[MINUTES] = {0};
	struct wfm_adherence ad;
	sqlite3_stmt *st = NULL;
	size_t n = 0, m;

	for (m = 0; m < MINUTES; m++) {
		int64_t s = (int64_t)m * 60;

		if (s >= start_s && s < start_s + len_s)
			plan[m] = WFM_WORK;
		json_array_foreach(bl, bi, br)
		{
			int64_t b0 = json_integer_value(json_array_get(br, 0));
			int64_t bn = json_integer_value(json_array_get(br, 1));

			if (plan[m] && s >= b0 && s < b0 + bn)
				plan[m] = WFM_BREAK;
		}
	}
	json_decref(bl);
	if (sqlite3_prepare_v2(db, "SELECT started_at, coalesce(ended_at, ?3),"
			       " state, coalesce(reason, '') FROM "
			       "agent_state_history WHERE agent_id = ?1 AND "
			       "started_at < ?3 AND coalesce(ended_at, ?3) > "
			       "?2 ORDER BY started_at", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, agent);
		sqlite3_bind_int64(st, 2, day);
		sqlite3_bind_int64(st, 3, day + DAY_MS);
		while (n < 1024 && sqlite3_step(st) == SQLITE_ROW) {
			const char *state = (const char *)sqlite3_column_text(
				st, 2);
			const char *reason = (const char *)
				sqlite3_column_text(st, 3);

			spans[n].start = sqlite3_column_int64(st, 0);
			spans[n].end = sqlite3_column_int64(st, 1);
			spans[n].kind = span_kind(state ? state : "");
			spans[n].planned = wfm_reason_planned(reason);
			n++;
		}
	}
	sqlite3_finalize(st);
	if (wfm_adherence(&ad, plan, MINUTES, day, 60000, spans, n))
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I, s:f}", "agent_id",
			 (json_int_t)agent, "scheduled_s",
			 (json_int_t)(ad.scheduled_ms / 1000), "adherent_s",
			 (json_int_t)(ad.adherent_ms / 1000),
			 "unplanned_away_s",
			 (json_int_t)(ad.unplanned_ms / 1000),
			 "adherence_pct", ad.pct);
}

/* GET /wfm/adherence?day=MS: every scheduled agent of that day. */
static int wfm_api_adherence(struct api_req *req)
{
	const char *q = api_req_query(req, "day");
	sqlite3 *db = store_reader(store_main());
	sqlite3_stmt *st = NULL;
	json_t *list;
	char *end;
	int64_t day;

	day = q ? strtoll(q, &end, 10) : -1;
	if (!q || *end || day < 0 || day % DAY_MS)
		return api_reply_error(req, 400, "invalid", "day", "day must "
				       "be a midnight UTC in ms");
	if (!db || sqlite3_prepare_v2(db, "SELECT agent_id, start_s, "
				      "length_s, breaks FROM wfm_shifts WHERE "
				      "day = ? ORDER BY agent_id", -1, &st,
				      NULL) != SQLITE_OK)
		return EIO;
	sqlite3_bind_int64(st, 1, day);
	list = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *a = agent_adherence(db, sqlite3_column_int64(st, 0), day,
					    sqlite3_column_int64(st, 1),
					    sqlite3_column_int64(st, 2),
					    (const char *)sqlite3_column_text(
						    st, 3));

		if (a)
			json_array_append_new(list, a);
	}
	sqlite3_finalize(st);
	return api_reply_json(req, 200, json_pack("{s:I, s:o}", "day",
						  (json_int_t)day, "agents",
						  list));
}

/* --- Routes ------------------------------------------------------------- */

/* The wfm module's HTTP routes (staffing, simulation, forecast, schedules and adherence):
 * registered by main with api_routes_register(), served and documented
 * by the api module. */
const struct api_route wfm_routev[] = {
	{"POST", API_V1 "/wfm/staff", API_PERM_WFM, 0, wfm_api_staff,
	 "Staffing table (Erlang C, or Erlang A with patience_s)",
	 "calls:number!, interval_s:number!, aht_s:number!, sl_pct:number!, "
	 "threshold_s:number!, patience_s:number, shrinkage_pct:number, "
	 "asa_s:number, max_occupancy_pct:number", NULL},
	{"POST", API_V1 "/wfm/simulate", API_PERM_WFM, 0, wfm_api_simulate,
	 "Simulate a scenario with the real routing engine (figures with 95 %"
	 " confidence intervals); a queue with \"calls_from_history\": true"
	 " gets its recorded arrivals by time of day", "scenario:object!",
	 NULL},
	{"GET", API_V1 "/wfm/forecast", API_PERM_WFM, 0, wfm_api_forecast,
	 "Tomorrow's contacts, handle time and required agents per 30 "
	 "minutes for a queue (or the center), from the last 28 days; "
	 "holidays (days in ms) are left out of the model", NULL,
	 "queue,holidays"},
	{"POST", API_V1 "/wfm/schedule", API_PERM_WFM, 0, wfm_api_schedule,
	 "Assign shifts covering a day's required agents per interval (saved,"
	 " replacing that day's); answers the shifts and the coverage",
	 "day:integer!, interval_s:integer, required:array!, "
	 "shift_length_s:integer!, breaks:array, agents:array!", NULL},
	{"GET", API_V1 "/wfm/adherence", API_PERM_WFM, 0, wfm_api_adherence,
	 "Schedule adherence per agent for a day (planned and unplanned "
	 "away)", NULL, "day"},
	API_ROUTES_END,
};
