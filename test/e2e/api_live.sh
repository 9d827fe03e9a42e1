#!/usr/bin/env bash
# The live center through the API, with real calls (SIPp on both sides):
# an agent's state (available, away with a reason, logged out; only their
# own, supervisors anyone's, audited); the events an agent's channel gets
# for a call (offered, answered, held, resumed, ended, wrap-up started and
# finished); the live calls list; hold and resume (re-INVITEs to the
# agent's phone), notes, hang-up, wrap-up with a disposition that ends the
# wrap-up time; /stats/live per queue and agent; the record afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
WS=${SB_BUILD:-$SB_SRC/build}/bench_api
[ -x "$WS" ] || sb_fail "missing $WS (build the bench_api tool)"

# A long wrap-up, so that the disposition is what ends it.
sb_start --demo
sb_stop
sqlite3 "$SB_DATA/switchboard.db" "UPDATE queues SET wrapup_s = 120" ||
	sb_fail "setting the wrap-up time"
sb_start --demo --rtp-timeout 30
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
SUPER=$(api_login super pwsuper)
ADMIN=$(api_login admin pwadmin)
A3=$(api_login 1003 pw1003)
A1=$(api_login 1001 pw1001)
[ -n "$SUPER" ] && [ -n "$A3" ] && [ -n "$A1" ] || sb_fail "logins"

voice_port
voice_agent 1003 "$PORT" answer 1 "$(step_phone_reinvite)$(step_phone_reinvite)"
sb_check "agent 1003's phone registered" sb_wait_log 'agent 1003 available' 10

# --- State -----------------------------------------------------------------
sb_check "state: own" api 200 GET /api/v1/agents/1003/state "$A3"
sb_check "state: available after registering" test "$(api_field .state)" = available
sb_check "state: another agent's is 403" api 403 GET /api/v1/agents/1002/state "$A3"
sb_check "state: not set for another agent" api 403 POST /api/v1/agents/1002/state "$A3" '{"state":"available"}'
sb_check "state: unknown agent 404" api 404 GET /api/v1/agents/4242/state "$SUPER"
sb_check "state: away needs a reason" api 400 POST /api/v1/agents/1003/state "$A3" '{"state":"away"}'
sb_check "state: the reason is named" test "$(api_field .error.field)" = reason
sb_check "state: unknown reason" api 400 POST /api/v1/agents/1003/state "$A3" '{"state":"away","reason":"nap"}'
sb_check "state: busy is not for the API" api 400 POST /api/v1/agents/1003/state "$A3" '{"state":"busy"}'
sb_check "state: the state is named" test "$(api_field .error.field)" = state
sb_check "state: a reason only with away" api 400 POST /api/v1/agents/1003/state "$A3" '{"state":"available","reason":"lunch"}'
sb_check "state: wrong type" api 400 POST /api/v1/agents/1003/state "$A3" '{"state":1}'
sb_check "state: bad JSON" api 400 POST /api/v1/agents/1003/state "$A3" '{"state":'
sb_check "state: away for lunch" api 200 POST /api/v1/agents/1003/state "$A3" '{"state":"away","reason":"lunch"}'
sb_check "state: away (lunch)" test "$(api_field .state):$(api_field .reason)" = away:lunch
sb_check "state: the center logged it" sb_wait_log 'agent 1003 away: lunch' 5
sb_check "state: back" api 200 POST /api/v1/agents/1003/state "$A3" '{"state":"available"}'
sb_check "state: available" test "$(api_field .state)" = available

# --- A call ----------------------------------------------------------------
"$WS" listen "$SB_HTTP_PORT" "$A3" "" 100000 60 >"$SB_TMP/ev3" &
L3=$!
"$WS" listen "$SB_HTTP_PORT" "$A1" "" 100000 60 >"$SB_TMP/ev1" &
L1=$!
for ((i = 0; i < 100; i++)); do grep -q hello "$SB_TMP/ev3" && grep -q hello "$SB_TMP/ev1" && break; sleep 0.05; done
wait_ev() { # FILE TYPE [SECONDS]
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -q "\"type\":\"$2\"" "$1" && return 0
		sleep 0.05
	done
	return 1
}
voice_call_bg 5001 "$(step_wait_bye)" 60000 60000 5550123
CALLER=$CALL_PID
sb_check "event: offered to 1003" wait_ev "$SB_TMP/ev3" interaction.offered
pop=$(grep -m1 '"type":"interaction.offered"' "$SB_TMP/ev3")
IID=$(jq -r .data.interaction_id <<<"$pop")
sb_check "pop: the caller's number" grep -q 5550123 <<<"$(jq -r .data.caller <<<"$pop")"
sb_check "pop: the queue" test "$(jq -r .data.queue <<<"$pop")" = support
sb_check "pop: how long they waited" test "$(jq -r '.data.waited_s >= 0' <<<"$pop")" = true
sb_check "event: answered" wait_ev "$SB_TMP/ev3" interaction.answered
sb_check "calls: 1003 sees the call" api 200 GET /api/v1/calls "$A3"
sb_check "calls: talking" test "$(api_field "[.[] | select(.interaction_id == $IID) | .state] | join(\",\")")" = talking
sb_check "calls: 1001 sees none" api 200 GET /api/v1/calls "$A1"
sb_check "calls: empty" test "$(api_field length)" = 0
sb_check "calls: the supervisor sees it" api 200 GET /api/v1/calls "$SUPER"
sb_check "calls: with its agent" test "$(api_field ".[] | select(.interaction_id == $IID) | .agent_id")" = 1003
sb_check "call: one live interaction" api 200 GET "/api/v1/calls/$IID" "$A3"
sb_check "call: talking with 1003" test "$(api_field .state):$(api_field .agent_id)" = talking:1003
sb_check "call: another agent's is 403" api 403 GET "/api/v1/calls/$IID" "$A1"
sb_check "call: unknown is 404" api 404 GET /api/v1/calls/999999 "$SUPER"
sb_check "state: busy with the call" api 200 GET /api/v1/agents/1003/state "$A3"
sb_check "state: names the interaction" test "$(api_field .state):$(api_field .interaction_id)" = "busy:$IID"
sb_check "details: while live" api 200 GET "/api/v1/interactions/$IID" "$A3"
sb_check "details: another agent may not" api 403 GET "/api/v1/interactions/$IID" "$A1"

sb_check "hold: not by another agent" api 403 POST "/api/v1/interactions/$IID/hold" "$A1"
sb_check "hold" api 200 POST "/api/v1/interactions/$IID/hold" "$A3"
sb_check "event: held" wait_ev "$SB_TMP/ev3" interaction.held
sb_check "hold: twice is 409" api 409 POST "/api/v1/interactions/$IID/hold" "$A3"
sb_check "calls: held" api 200 GET /api/v1/calls "$A3"
sb_check "calls: state held" test "$(api_field '.[0].state')" = held
sb_check "resume" api 200 POST "/api/v1/interactions/$IID/resume" "$A3"
sb_check "event: resumed" wait_ev "$SB_TMP/ev3" interaction.resumed
sb_check "notes: saved" api 200 PUT "/api/v1/interactions/$IID/notes" "$A3" '{"notes":"first draft"}'
sb_check "notes: not by another agent" api 403 PUT "/api/v1/interactions/$IID/notes" "$A1" '{"notes":"x"}'
long=$(head -c 25000 /dev/zero | tr '\0' a)
sb_check "notes: too long" api 400 PUT "/api/v1/interactions/$IID/notes" "$A3" "{\"notes\":\"$long\"}"
sb_check "notes: too long is named" test "$(api_field .error.field)" = notes
sb_check "notes: missing field" api 400 PUT "/api/v1/interactions/$IID/notes" "$A3" '{}'
sb_check "notes: named" test "$(api_field .error.field)" = notes
sb_check "transfer: empty target" api 400 POST "/api/v1/interactions/$IID/transfer" "$A3" '{"target":""}'
sb_check "transfer: unknown target" api 404 POST "/api/v1/interactions/$IID/transfer" "$A3" '{"target":"nosuch"}'
sb_check "hangup: unknown interaction" api 404 POST /api/v1/interactions/999999/hangup "$A3"
# The figures are a snapshot of the last second: wait for one that has
# caught up (it may still show the call held).
stats_until() { # JQ WANT
	local i
	for ((i = 0; i < 40; i++)); do
		api 200 GET /api/v1/stats/live "$SUPER" &&
			[ "$(api_field "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "  stats: $1 is $(api_field "$1"), wanted $2" >&2
	return 1
}
sb_check "stats: 1003 busy with the call" \
	stats_until ".agents[] | select(.id == 1003) | \"\(.state):\(.call.interaction_id)\"" "busy:$IID"
sb_check "stats: support answered one" \
	stats_until '.queues[] | select(.name == "support") | .answered' 1
sb_check "stats: a call talking" stats_until .calls.talking 1
sb_check "hangup" api 200 POST "/api/v1/interactions/$IID/hangup" "$A3"
sb_check "event: ended" wait_ev "$SB_TMP/ev3" interaction.ended
sb_check "event: wrap-up started" wait_ev "$SB_TMP/ev3" wrapup.started
wait $CALLER
sb_check "the caller got the server's BYE" test $? -eq 0
sb_check "state: wrap-up" api 200 GET /api/v1/agents/1003/state "$A3"
sb_check "state: wrapup" test "$(api_field .state)" = wrapup
sb_check "wrap-up: unknown disposition" api 400 POST "/api/v1/interactions/$IID/wrapup" "$A3" '{"disposition":"nope"}'
sb_check "wrap-up: named" test "$(api_field .error.field)" = disposition
sb_check "wrap-up: disposition missing" api 400 POST "/api/v1/interactions/$IID/wrapup" "$A3" '{"notes":"x"}'
sb_check "wrap-up: not by another agent" api 403 POST "/api/v1/interactions/$IID/wrapup" "$A1" '{"disposition":"resolved"}'
sb_check "wrap-up" api 200 POST "/api/v1/interactions/$IID/wrapup" "$A3" '{"disposition":"resolved","notes":"final words"}'
sb_check "wrap-up: ended the wrap-up time" test "$(api_field .wrapup_ended)" = true
sb_check "event: wrap-up finished" wait_ev "$SB_TMP/ev3" wrapup.finished
sb_check "state: available again" api 200 GET /api/v1/agents/1003/state "$A3"
sb_check "state: available" test "$(api_field .state)" = available
sb_check "record: disposition and notes" api 200 GET "/api/v1/interactions/$IID" "$A3"
sb_check "record: resolved, final words" test "$(api_field .disposition):$(api_field .notes)" = "resolved:final words"
sb_check "record: the timeline" \
	test "$(api_field '[.events[].type] | map(select(. == "answered" or . == "held" or . == "resumed" or . == "ended")) | join(",")')" = answered,held,resumed,ended
sb_check "record: in 1003's history" api 200 GET "/api/v1/interactions?agent=1003" "$A3"
sb_check "record: listed" test "$(api_field '.[0].id')" = "$IID"

sb_check "intervals: today's, with the running one" api 200 GET "/api/v1/stats/intervals?date=$(date -u +%F)" "$SUPER"
sb_check "intervals: support answered one" \
	test "$(api_field '[.queues[] | select(.queue == "support") | .answered] | add')" = 1
sb_check "intervals: 1003 handled one" \
	test "$(api_field '[.agents[] | select(.agent_id == 1003) | .handled] | add')" = 1

# A supervisor logs the agent out: audited, published to the agent.
sb_check "supervisor: log 1003 out" api 200 POST /api/v1/agents/1003/state "$SUPER" '{"state":"logged_out"}'
sb_check "supervisor: logged out" test "$(api_field .state)" = logged_out
sb_check "supervisor: audited" api 200 GET /api/v1/audit "$ADMIN"
sb_check "supervisor: audit entry" test "$(api_field '.[0].action'):$(api_field '.[0].object')" = agent.state:agent/1003
for ((i = 0; i < 100; i++)); do grep -q '"state":"logged_out"' "$SB_TMP/ev3" && break; sleep 0.05; done
sb_check "event: the agent's page hears it" grep -q '"agent":1003,"state":"logged_out"' "$SB_TMP/ev3"
kill $L3 $L1 2>/dev/null
wait $L3 $L1 2>/dev/null
sb_check "events: 1001 got none of 1003's call" \
	test "$(grep -c '"type":"interaction\.' "$SB_TMP/ev1")" = 0
sb_check "events: no wallboard figures on an agent's desktop" \
	test "$(grep -c '"type":"stats"' "$SB_TMP/ev3")" = 0
"$WS" listen "$SB_HTTP_PORT" "$A3" "stats=1" 3 5 >"$SB_TMP/ev3s"
sb_check "events: unless asked (?stats=1)" grep -q '"type":"stats"' "$SB_TMP/ev3s"
seqs=$(jq -r 'select(.seq and .type != "hello") | .seq' "$SB_TMP/ev3" | tr '\n' ' ')
sb_check "events: sequence numbers increase" \
	awk '{ for (i = 2; i <= NF; i++) if ($i <= $(i-1)) exit 1 }' <<<"$seqs"
# A blind transfer to another agent's extension: 1004 answers a call,
# transfers it to 1002 (in sales), whose phone answers; 1002 hangs up.
A4=$(api_login 1004 pw1004)
A2=$(api_login 1002 pw1002)
voice_port
voice_agent 1004 "$PORT" answer 1
voice_port
voice_agent 1002 "$PORT" answer 1
sb_check "1004 and 1002 registered" sb_wait_log 'agent 1002 available' 10
"$WS" listen "$SB_HTTP_PORT" "$A4" "" 100000 40 >"$SB_TMP/ev4" &
L4=$!
"$WS" listen "$SB_HTTP_PORT" "$A2" "" 100000 40 >"$SB_TMP/ev2" &
L2=$!
for ((i = 0; i < 100; i++)); do grep -q hello "$SB_TMP/ev4" && grep -q hello "$SB_TMP/ev2" && break; sleep 0.05; done
voice_call_bg 5001 "$(step_wait_bye)" 60000 60000 5550124
CALLER=$CALL_PID
sb_check "transfer: 1004 answers" wait_ev "$SB_TMP/ev4" interaction.answered
IID2=$(jq -r 'select(.type == "interaction.answered") | .data.interaction_id' "$SB_TMP/ev4" | head -1)
sb_check "transfer: not by another agent" api 403 POST "/api/v1/interactions/$IID2/transfer" "$A2" '{"target":"1002"}'
sb_check "transfer: to 1002" api 200 POST "/api/v1/interactions/$IID2/transfer" "$A4" '{"target":"1002"}'
sb_check "transfer: 1004's desktop hears it" wait_ev "$SB_TMP/ev4" interaction.transferred
sb_check "transfer: offered to 1002" wait_ev "$SB_TMP/ev2" interaction.offered
sb_check "transfer: 1002's phone answers" wait_ev "$SB_TMP/ev2" interaction.answered
sb_check "transfer: the same interaction" \
	test "$(jq -r 'select(.type == "interaction.answered") | .data.interaction_id' "$SB_TMP/ev2" | head -1)" = "$IID2"
sb_check "transfer: now in sales" test "$(jq -r 'select(.type == "interaction.answered") | .data.queue' "$SB_TMP/ev2" | head -1)" = sales
sb_check "transfer: 1004 may no longer act on it" api 403 POST "/api/v1/interactions/$IID2/hangup" "$A4"
sb_check "transfer: 1002 hangs up" api 200 POST "/api/v1/interactions/$IID2/hangup" "$A2"
wait $CALLER
sb_check "transfer: the caller stayed on until the end" test $? -eq 0
kill $L4 $L2 2>/dev/null
wait $L4 $L2 2>/dev/null
sb_check "transfer: recorded" api 200 GET "/api/v1/interactions/$IID2" "$SUPER"
sb_check "transfer: the timeline" \
	test "$(api_field '[.events[] | select(.type == "answered" or .type == "transferred") | "\(.type):\(.agent_id)"] | join(",")')" = answered:1004,transferred:1004,answered:1002
sb_check "metrics: agents by state" bash -c "curl -s $(api_url /metrics) | grep -q 'sb_agents{state=\"logged_out\"} [1-9]'"
sb_stop
sb_pass
