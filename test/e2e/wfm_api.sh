#!/usr/bin/env bash
# Workforce planning through the API: staffing table, a simulation with the
# real routing engine, a forecast from interactions in the store; roles and
# bad input.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
SUPER=$(api_login super pwsuper)
AGENT=$(api_login 1001 pw1001)

staff='{"calls":100,"interval_s":1800,"aht_s":180,"sl_pct":80,"threshold_s":20}'
sb_check "staff: 200" api 200 POST /api/v1/wfm/staff "$SUPER" "$staff"
sb_check "staff: 14 agents" test "$(api_field .recommended_agents)" = 14
sb_check "staff: P(wait) of 13 agents" \
	test "$(api_field '.rows[] | select(.agents == 13) | .p_wait * 10000 | round')" = 2853
sb_check "staff: agents may not plan" api 403 POST /api/v1/wfm/staff "$AGENT" "$staff"
sb_check "staff: SL above 100 refused" api 400 POST /api/v1/wfm/staff "$SUPER" \
	'{"calls":100,"interval_s":1800,"aht_s":180,"sl_pct":120,"threshold_s":20}'
sb_check "staff: the field is named" test "$(api_field .error.field)" = sl_pct
sb_check "staff: missing field refused" api 400 POST /api/v1/wfm/staff "$SUPER" \
	'{"calls":100,"interval_s":1800,"sl_pct":80,"threshold_s":20}'

scen=$(cat "$SB_SRC/data/scenarios/erlang-c.json")
sb_check "simulate: 200" api 200 POST /api/v1/wfm/simulate "$SUPER" "{\"scenario\":$scen}"
sb_check "simulate: SL with CI" \
	test "$(api_field '.queues[0].service_level_pct.ci95 > 0')" = true
sb_check "simulate: bad scenario 400" api 400 POST /api/v1/wfm/simulate "$SUPER" \
	'{"scenario":{"queues":[{"name":"x","strategy":"fastest"}],"agents":[]}}'
sb_check "simulate: problem path named" \
	test "$(api_field .error.field)" = '$.queues[0].strategy'
sb_check "simulate: every problem listed" \
	test "$(api_field '.problems | length')" -ge 3

# Four weeks of history for the forecast, written into the store.
sb_check "forecast: no history 422" api 422 GET "/api/v1/wfm/forecast?queue=sales" "$SUPER"
now=$(($(date +%s) * 1000))
midnight=$((now - now % 86400000))
sqlite3 "$SB_DATA/switchboard.db" "PRAGMA busy_timeout=5000;
WITH RECURSIVE d(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM d WHERE n < 28),
s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 47),
k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 3)
INSERT INTO interactions(channel, queue, created_at, talk_ms)
SELECT 'voice', 'sales', $midnight - d.n * 86400000 + s.n * 1800000 + k.n,
	170000 FROM d, s, k WHERE k.n = 1 OR (s.n >= 16 AND s.n < 36);" ||
	sb_fail "could not write history"
sb_check "forecast: 200" api 200 GET "/api/v1/wfm/forecast?queue=sales" "$SUPER"
sb_check "forecast: 48 intervals" test "$(api_field '.calls | length')" = 48
sb_check "forecast: busy hours forecast higher" \
	test "$(api_field '.calls[20] > .calls[4]')" = true
sb_check "forecast: required agents per interval" \
	test "$(api_field '.required_agents[20] >= .required_agents[4]')" = true
sb_check "forecast: handle time per interval" \
	test "$(api_field '.handle_s[20] | round')" = 170
sb_check "forecast: holidays accepted" \
	api 200 GET "/api/v1/wfm/forecast?queue=sales&holidays=$((midnight - 7 * 86400000))" "$SUPER"
sb_check "forecast: bad holidays refused" \
	api 400 GET "/api/v1/wfm/forecast?queue=sales&holidays=12" "$SUPER"
sb_check "forecast: the field is named" test "$(api_field .error.field)" = holidays
hist='{"scenario":{"duration_s":86400,"interval_s":1800,"replications":2,"queues":[{"name":"sales","calls_from_history":true}],"agents":[{"count":3,"queues":["sales"]}]}}'
sb_check "simulate: arrivals from history" api 200 POST /api/v1/wfm/simulate "$SUPER" "$hist"
sb_check "simulate: about 88 recorded contacts a day" \
	test "$(api_field '.queues[0].offered.mean > 60 and .queues[0].offered.mean < 120')" = true
sb_check "forecast: the whole center without a queue" \
	api 200 GET /api/v1/wfm/forecast "$SUPER"
sb_check "forecast: center is every queue" test "$(api_field .queue)" = '*'
sb_check "forecast: unknown queue has no history" \
	api 422 GET "/api/v1/wfm/forecast?queue=nope" "$SUPER"

# Shifts for tomorrow covering 2 agents from 08:00 to 16:00, then
# adherence against the state history.
day=$((midnight + 86400000))
req=$(for s in $(seq 0 47); do if [ $s -ge 16 ] && [ $s -lt 32 ]; then echo 2; else echo 0; fi; done | paste -sd, -)
body="{\"day\":$day,\"required\":[$req],\"shift_length_s\":28800,\"agents\":[{\"agent_id\":1001},{\"agent_id\":1002},{\"agent_id\":1003,\"from_s\":57600},{\"agent_id\":1004}]}"
sb_check "schedule: 200" api 200 POST /api/v1/wfm/schedule "$SUPER" "$body"
sb_check "schedule: two shifts" test "$(api_field '.shifts | length')" = 2
sb_check "schedule: coverage meets the requirement" \
	test "$(api_field '[.coverage, .required] | transpose | all(.[0] == .[1])')" = true
sb_check "schedule: 08:00 starts" test "$(api_field '.shifts[0].start_s')" = 28800
sb_check "schedule: the evening-only agent is not used" \
	test "$(api_field '[.shifts[].agent_id] | index(1003)')" = null
who=$(api_field '.shifts[0].agent_id')
brk="{\"day\":$((day + 86400000)),\"required\":[$req],\"shift_length_s\":28800,\"breaks\":[{\"length_s\":1800,\"earliest_s\":10800,\"latest_s\":18000}],\"agents\":[{\"agent_id\":1001},{\"agent_id\":1002},{\"agent_id\":1004}]}"
sb_check "schedule with a lunch: 200" api 200 POST /api/v1/wfm/schedule "$SUPER" "$brk"
sb_check "schedule: lunches staggered so someone covers" \
	test "$(api_field '[.shifts[].breaks[0][0]] | unique | length')" -ge 2
bad="{\"day\":$day,\"required\":[$req],\"shift_length_s\":28800,\"breaks\":[{\"length_s\":3600,\"earliest_s\":0,\"latest_s\":27000}],\"agents\":[{\"agent_id\":1001}]}"
sb_check "schedule: a break outside the shift refused" api 400 POST /api/v1/wfm/schedule "$SUPER" "$bad"
sb_check "schedule: breaks named" test "$(api_field .error.field)" = breaks
sb_check "schedule: agents may not" api 403 POST /api/v1/wfm/schedule "$AGENT" "$body"
sb_check "schedule: wrong number of intervals" api 400 POST /api/v1/wfm/schedule "$SUPER" \
	"{\"day\":$day,\"required\":[1,2],\"shift_length_s\":28800,\"agents\":[{\"agent_id\":1001}]}"
sb_check "schedule: the field is named" test "$(api_field .error.field)" = required
h=3600000
sqlite3 "$SB_DATA/switchboard.db" "PRAGMA busy_timeout=5000;
INSERT INTO agent_state_history(agent_id, state, reason, started_at, ended_at)
VALUES ($who, 'available', NULL, $((day + 8 * h)), $((day + 14 * h))),
       ($who, 'away', 'technical problem', $((day + 14 * h)), $((day + 15 * h))),
       ($who, 'busy', NULL, $((day + 15 * h)), $((day + 16 * h)));" ||
	sb_fail "could not write state history"
sb_check "adherence: 200" api 200 GET "/api/v1/wfm/adherence?day=$day" "$SUPER"
sb_check "adherence: 87.5 % for the agent" \
	test "$(api_field ".agents[] | select(.agent_id == $who) | .adherence_pct")" = 87.5
sb_check "adherence: an hour unplanned" \
	test "$(api_field ".agents[] | select(.agent_id == $who) | .unplanned_away_s")" = 3600
sb_check "adherence: bad day refused" api 400 GET "/api/v1/wfm/adherence?day=12" "$SUPER"
sb_stop
sb_pass
