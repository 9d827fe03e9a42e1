#!/usr/bin/env bash
# Interaction history (filters, paging, CSV export), one interaction's
# details with its events timeline, and a day's intervals per queue and
# agent, for every role: an agent sees only their own (another agent's
# interaction is 403). Bad arguments are refused naming them; bodies on
# GET routes, oversized bodies, revoked and expired tokens are refused.
#
# The record is seeded with sqlite3 into the server's database between a
# first start (which creates the schema and the demo) and a second one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
sb_stop

DB=$SB_DATA/switchboard.db
D=$(date -u -d 2026-01-15 +%s)000 # the seeded day, 00:00 UTC
H9=$((D + 9 * 3600000))
Y=$((D - 86400000 + 10 * 3600000)) # the day before, 10:00
sqlite3 "$DB" <<EOF || sb_fail "seeding the database"
INSERT INTO interactions (id, channel, direction, state, from_addr, to_addr,
  queue, agent_id, created_at, answered_at, ended_at, wait_ms, talk_ms,
  hold_ms, wrapup_ms, outcome, hung_up_by, ivr_path)
VALUES
 (101, 'voice', 'inbound', 'ended', 'sip:+33611111111@10.0.0.1', '5001',
  'sales', 1001, $H9, $((H9 + 12000)), $((H9 + 72000)), 12000, 60000, 0,
  5000, 'answered', 'caller', '["menu:1"]'),
 (102, 'voice', 'inbound', 'ended', 'sip:+33622222222@10.0.0.1', '5002',
  'support', 1002, $((H9 + 60000)), $((H9 + 65000)), $((H9 + 125000)),
  5000, 60000, 3000, 4000, 'answered', 'agent', NULL),
 (103, 'chat', 'inbound', 'ended', 'web:visitor-7', NULL,
  'support', NULL, $((H9 + 120000)), NULL, $((H9 + 150000)), 30000, NULL,
  NULL, NULL, 'abandoned', 'caller', NULL),
 (104, 'voice', 'inbound', 'ended', 'sip:+33611111111@10.0.0.1', '5001',
  'sales', 1001, $Y, $((Y + 4000)), $((Y + 94000)), 4000, 90000, 0, 5000,
  'answered', 'caller', NULL),
 (105, 'voice', 'inbound', 'ended', '=HYPERLINK("x"),evil', '5001',
  'sales', 1003, $((H9 + 180000)), $((H9 + 181000)), $((H9 + 200000)),
  1000, 19000, 0, 0, 'answered', 'caller', NULL);
INSERT INTO interaction_events (interaction_id, at, type, agent_id, queue,
  detail) VALUES
 (101, $H9, 'call_started', NULL, NULL, NULL),
 (101, $((H9 + 1000)), 'entered_queue', NULL, 'sales', NULL),
 (101, $((H9 + 2000)), 'offered', 1002, 'sales', NULL),
 (101, $((H9 + 4000)), 'timeout', 1002, 'sales', NULL),
 (101, $((H9 + 5000)), 'offered', 1001, 'sales', NULL),
 (101, $((H9 + 12000)), 'answered', 1001, 'sales', '{"leg":"a"}'),
 (101, $((H9 + 72000)), 'ended', 1001, 'sales', NULL),
 (102, $((H9 + 61000)), 'entered_queue', NULL, 'support', NULL),
 (102, $((H9 + 65000)), 'answered', 1002, 'support', NULL),
 (104, $((Y + 4000)), 'answered', 1001, 'sales', NULL);
INSERT INTO interaction_notes (interaction_id, agent_id, notes, disposition,
  updated_at) VALUES (101, 1001, 'wants the blue one', 'sale', $H9);
INSERT INTO interval_stats (queue, interval_start, offered, answered,
  abandoned, short_abandoned, answered_in_sl, wait_ms_sum, handle_ms_sum,
  talk_ms_sum, hold_ms_sum, wrapup_ms_sum)
VALUES ('sales', $H9, 10, 8, 1, 1, 6, 80000, 800000, 700000, 20000, 80000),
       ('support', $((H9 + 900000)), 4, 4, 0, 0, 4, 8000, 400000, 380000, 0,
        20000);
INSERT INTO agent_state_history (agent_id, state, reason, started_at,
  ended_at, duration_ms) VALUES
 (1001, 'available', NULL, $H9, $((H9 + 600000)), 600000),
 (1001, 'busy', NULL, $((H9 + 600000)), $((H9 + 1200000)), 600000),
 (1001, 'away', 'lunch', $((H9 + 1200000)), $((H9 + 1500000)), 300000);
EOF

sb_start --demo
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
A1=$(api_login 1001 pw1001)
A2=$(api_login 1002 pw1002)
[ -n "$ADMIN" ] && [ -n "$SUPER" ] && [ -n "$A1" ] && [ -n "$A2" ] ||
	sb_fail "demo logins"
api 201 POST /api/v1/accounts "$ADMIN" \
	'{"username":"lead","password":"pwlead123","role":"team_leader"}' ||
	sb_fail "team leader account"
api 201 POST /api/v1/accounts "$ADMIN" \
	'{"username":"qa","password":"pwqa12345","role":"quality_analyst"}' ||
	sb_fail "quality analyst account"
LEAD=$(api_login lead pwlead123)
QA=$(api_login qa pwqa12345)

# --- History -------------------------------------------------------------
sb_check "history: no token 401" api 401 GET /api/v1/interactions
sb_check "history: supervisor lists all" api 200 GET /api/v1/interactions "$SUPER"
sb_check "history: five, newest first" \
	test "$(api_field '[.[].id] | join(",")')" = 105,103,102,101,104
sb_check "history: seconds beside ms" test "$(api_field '.[] | select(.id == 101) | .talk_s')" = 60
sb_check "history: disposition from the notes" \
	test "$(api_field '.[] | select(.id == 101) | .disposition')" = sale
for who in ADMIN LEAD QA; do
	sb_check "history: $who may list" api 200 GET /api/v1/interactions "${!who}"
done
sb_check "filter: from/to as dates" api 200 GET "/api/v1/interactions?from=2026-01-15&to=2026-01-16" "$SUPER"
sb_check "filter: the day's four" test "$(api_field length)" = 4
sb_check "filter: to as a UTC time" api 200 GET "/api/v1/interactions?from=2026-01-15T09:00Z&to=2026-01-15T09:01:30Z" "$SUPER"
sb_check "filter: 101 and 102" test "$(api_field '[.[].id] | join(",")')" = 102,101
sb_check "filter: from as ms" api 200 GET "/api/v1/interactions?from=$((H9 + 100000))" "$SUPER"
sb_check "filter: 105 and 103" test "$(api_field '[.[].id] | join(",")')" = 105,103
sb_check "filter: queue" api 200 GET "/api/v1/interactions?queue=sales" "$SUPER"
sb_check "filter: sales' three" test "$(api_field '[.[].id] | join(",")')" = 105,101,104
sb_check "filter: agent" api 200 GET "/api/v1/interactions?agent=1002" "$SUPER"
sb_check "filter: 1002 handled 102" test "$(api_field '[.[].id] | join(",")')" = 102
sb_check "filter: channel" api 200 GET "/api/v1/interactions?channel=chat" "$SUPER"
sb_check "filter: the chat" test "$(api_field '[.[].id] | join(",")')" = 103
sb_check "filter: outcome" api 200 GET "/api/v1/interactions?outcome=abandoned" "$SUPER"
sb_check "filter: the abandoned one" test "$(api_field '[.[].id] | join(",")')" = 103
sb_check "filter: customer number" api 200 GET "/api/v1/interactions?number=%2B33611111111" "$SUPER"
sb_check "filter: that caller's two" test "$(api_field '[.[].id] | join(",")')" = 101,104
sb_check "filter: combined" api 200 GET "/api/v1/interactions?queue=sales&agent=1001&from=2026-01-15" "$SUPER"
sb_check "filter: one left" test "$(api_field '[.[].id] | join(",")')" = 101
sb_check "paging: limit" api 200 GET "/api/v1/interactions?limit=2" "$SUPER"
sb_check "paging: first page" test "$(api_field '[.[].id] | join(",")')" = 105,103
sb_check "paging: before" api 200 GET "/api/v1/interactions?limit=2&before=103" "$SUPER"
sb_check "paging: second page" test "$(api_field '[.[].id] | join(",")')" = 102,101

bad() { # NAME QUERY FIELD
	api 400 GET "/api/v1/interactions?$2" "$SUPER" &&
		test "$(api_field .error.field)" = "$3"
}
sb_check "bad: from not a time" bad from "from=yesterday" from
sb_check "bad: 31 February" bad to "to=2026-02-31" to
sb_check "bad: unknown channel" bad channel "channel=fax" channel
sb_check "bad: queue with quotes" bad queue "queue=%27sales" queue
sb_check "bad: number with a wildcard" bad number "number=%25" number
sb_check "bad: agent not a number" bad agent "agent=abc" agent
sb_check "bad: limit 0" bad limit "limit=0" limit
sb_check "bad: limit too high" bad limit "limit=1001" limit
sb_check "bad: format" bad format "format=xml" format

# An agent sees only their own.
sb_check "agent: own history" api 200 GET /api/v1/interactions "$A1"
sb_check "agent: 1001's handled and offered" \
	test "$(api_field '[.[].id] | join(",")')" = 101,104
sb_check "agent 1002: offered 101, handled 102" api 200 GET /api/v1/interactions "$A2"
sb_check "agent 1002: two" test "$(api_field '[.[].id] | join(",")')" = 102,101
sb_check "agent: another agent's filter 403" api 403 GET "/api/v1/interactions?agent=1002" "$A1"
sb_check "agent: own filter" api 200 GET "/api/v1/interactions?agent=1001&queue=sales" "$A1"

# --- Details ---------------------------------------------------------------
sb_check "details: supervisor" api 200 GET /api/v1/interactions/101 "$SUPER"
sb_check "details: the timeline in order" \
	test "$(api_field '[.events[].type] | join(",")')" = call_started,entered_queue,offered,timeout,offered,answered,ended
sb_check "details: event detail parsed" test "$(api_field '.events[5].detail.leg')" = a
sb_check "details: notes" test "$(api_field .notes)" = "wants the blue one"
sb_check "details: IVR path parsed" test "$(api_field '.ivr_path[0]')" = menu:1
sb_check "details: the caller's previous contact" test "$(api_field '[.previous[].id] | join(",")')" = 104
sb_check "details: the agent's own" api 200 GET /api/v1/interactions/101 "$A1"
sb_check "details: offered to 1002 counts as theirs" api 200 GET /api/v1/interactions/101 "$A2"
sb_check "details: another agent's is 403" api 403 GET /api/v1/interactions/102 "$A1"
sb_check "details: 403 names it" test "$(api_field .error.code)" = forbidden
sb_check "details: unassigned chat is 403 to agents" api 403 GET /api/v1/interactions/103 "$A1"
sb_check "details: quality analyst" api 200 GET /api/v1/interactions/102 "$QA"
sb_check "details: unknown 404" api 404 GET /api/v1/interactions/999 "$SUPER"
sb_check "details: bad id 400" api 400 GET /api/v1/interactions/abc "$SUPER"
sb_check "details: bad id named" test "$(api_field .error.field)" = id

# --- CSV -------------------------------------------------------------------
csv() { # TOKEN QUERY [ACCEPT]
	curl -s --max-time 10 -D "$SB_TMP/hdr" -H "Authorization: Bearer $1" \
		${3:+-H "Accept: $3"} "$(api_url "/api/v1/interactions$2")"
}
out=$(csv "$SUPER" '?format=csv')
sb_check "csv: text/csv" grep -qi '^content-type: text/csv' "$SB_TMP/hdr"
sb_check "csv: an attachment" grep -qi '^content-disposition: attachment' "$SB_TMP/hdr"
sb_check "csv: header row" test "$(head -1 <<<"$out" | tr -d '\r')" = \
	"id,channel,direction,state,caller,dialled,customer_id,queue,agent_id,started_at,answered_at,ended_at,wait_ms,talk_ms,hold_ms,wrapup_ms,outcome,hung_up_by,disposition"
sb_check "csv: header and five rows" test "$(wc -l <<<"$out")" = 6
sb_check "csv: quoted, formula defused" grep -qF "105,voice,inbound,ended,\"'=HYPERLINK(\"\"x\"\"),evil\"" <<<"$out"
sb_check "csv: disposition column" grep -q '^101,.*,sale' <<<"$out"
out=$(csv "$SUPER" '?queue=support' 'text/csv')
sb_check "csv: by Accept, filtered" test "$(tail -n +2 <<<"$out" | cut -d, -f1 | tr '\n' ' ')" = "103 102 "
out=$(csv "$A1" '?format=csv')
sb_check "csv: an agent exports only their own" \
	test "$(tail -n +2 <<<"$out" | cut -d, -f1 | tr '\n' ' ')" = "101 104 "
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $A1" \
	"$(api_url '/api/v1/interactions?format=csv&agent=1003')")
sb_check "csv: another agent's is 403" test "$code" = 403

# --- Intervals -------------------------------------------------------------
sb_check "intervals: supervisor" api 200 GET "/api/v1/stats/intervals?date=2026-01-15" "$SUPER"
sb_check "intervals: two queue rows" test "$(api_field '.queues | length')" = 2
sb_check "intervals: sales at 09:00" test "$(api_field '.queues[0].queue'):$(api_field '.queues[0].start')" = "sales:$H9"
sb_check "intervals: SL = in SL / (answered + abandoned)" \
	test "$(api_field '.queues[0].sl_pct * 100 | round')" = 6667
sb_check "intervals: ASA" test "$(api_field '.queues[0].asa_s')" = 10
sb_check "intervals: abandonment" test "$(api_field '.queues[0].abandon_pct * 100 | round')" = 1111
sb_check "intervals: AHT = (talk+hold+wrap-up) / handled" test "$(api_field '.queues[0].aht_s')" = 100
sb_check "intervals: 1001's two intervals" \
	test "$(api_field '[.agents[] | select(.agent_id == 1001) | .start] | join(",")')" = \
	"$H9,$((H9 + 900000))"
sb_check "intervals: 09:00 split available/busy" \
	test "$(api_field '.agents[0] | "\(.available_ms),\(.busy_ms),\(.handled)"')" = 600000,300000,1
sb_check "intervals: 09:15 busy then away" \
	test "$(api_field '.agents[] | select(.agent_id == 1001 and .start == '$((H9 + 900000))') | "\(.busy_ms),\(.away_ms)"')" = 300000,300000
sb_check "intervals: occupancy" test "$(api_field '.agents[0].occupancy_pct * 100 | round')" = 3333
sb_check "intervals: 1002 missed an offer" \
	test "$(api_field '.agents[] | select(.agent_id == 1002) | .missed')" = 1
sb_check "intervals: queue filter" api 200 GET "/api/v1/stats/intervals?date=2026-01-15&queue=support" "$LEAD"
sb_check "intervals: only support" test "$(api_field '[.queues[].queue] | join(",")')" = support
sb_check "intervals: agent filter" api 200 GET "/api/v1/stats/intervals?date=2026-01-15&agent=1002" "$QA"
sb_check "intervals: only 1002" test "$(api_field '[.agents[].agent_id] | unique | join(",")')" = 1002
sb_check "intervals: admin" api 200 GET "/api/v1/stats/intervals?date=2026-01-16" "$ADMIN"
sb_check "intervals: an empty day" test "$(api_field '.queues | length')" = 0
sb_check "intervals: agents may not" api 403 GET "/api/v1/stats/intervals?date=2026-01-15" "$A1"
sb_check "intervals: date required" api 400 GET /api/v1/stats/intervals "$SUPER"
sb_check "intervals: date named" test "$(api_field .error.field)" = date
sb_check "intervals: not a day" api 400 GET "/api/v1/stats/intervals?date=2026-01-15T09:00Z" "$SUPER"
sb_check "intervals: bad queue" api 400 GET "/api/v1/stats/intervals?date=2026-01-15&queue=a%20b" "$SUPER"

# --- The framework around them ----------------------------------------------
sb_check "a GET with a body is refused" api 400 GET /api/v1/interactions "$SUPER" '{"x":1}'
sb_check "named unexpected_body" test "$(api_field .error.code)" = unexpected_body
head -c 70000 /dev/zero | tr '\0' a >"$SB_TMP/big"
code=$(curl -s -o "$SB_TMP/body" -w '%{http_code}' -H "Authorization: Bearer $SUPER" \
	-H 'Content-Type: application/json' --data-binary @"$SB_TMP/big" -X GET \
	"$(api_url /api/v1/interactions)")
sb_check "an oversized body: 413" test "$code" = 413
sb_check "POST on the history: 405" api 405 POST /api/v1/interactions "$SUPER" '{}'
sb_check "openapi: the three routes" api 200 GET /api/v1/openapi.json
sb_check "openapi: history documents CSV" \
	test "$(api_field '.paths["/api/v1/interactions"].get.responses["200"].content | has("text/csv")')" = true
sb_check "openapi: details and intervals" \
	test "$(api_field '[.paths["/api/v1/interactions/{id}"].get, .paths["/api/v1/stats/intervals"].get] | map(. != null) | all')" = true
sb_check "openapi: date is required" \
	test "$(api_field '.paths["/api/v1/stats/intervals"].get.parameters[] | select(.name == "date") | .required')" = true
sb_check "logout revokes" api 200 POST /api/v1/logout "$A2"
sb_check "a revoked token: 401" api 401 GET /api/v1/interactions "$A2"
sb_stop

# Expired tokens.
sb_start --demo --session-ttl 2
T=$(api_login super pwsuper)
sb_check "fresh token works" api 200 GET /api/v1/interactions/101 "$T"
expired=0
for ((i = 0; i < 40; i++)); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" \
		"$(api_url /api/v1/interactions)")
	[ "$code" = 401 ] && { expired=1; break; }
	sleep 0.25
done
sb_check "an expired token: 401 on the history" test $expired -eq 1
sb_check "and on the intervals" api 401 GET "/api/v1/stats/intervals?date=2026-01-15" "$T"
sb_stop
sb_pass
