#!/usr/bin/env bash
# Attended (consultative) transfer through the API, with SIPp phones on
# agents 1003 and 1001 and a SIPp caller sending audio: 1003 answers the
# call, consults 1001 (the caller on music, 1001's phone rings and is
# bridged to 1003's), cancels (the caller is back with 1003, 1001's phone
# released and available again), consults the queue support (its longest
# idle available agent: 1001 again) and completes: the caller is bridged
# to 1001, 1003's phone gets a BYE; audio flows both ways between the
# caller and 1001 afterwards. Events on both desktops, the timeline, bad
# requests refused naming the field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
WS=${SB_BUILD:-$SB_SRC/build}/bench_api
[ -x "$WS" ] || sb_fail "missing $WS (build the bench_api tool)"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
SUPER=$(api_login super pwsuper)
A3=$(api_login 1003 pw1003)
A1=$(api_login 1001 pw1001)
[ -n "$SUPER" ] && [ -n "$A3" ] && [ -n "$A1" ] || sb_fail "logins"
voice_port
RING_MS=200 voice_agent 1003 "$PORT" answer 1
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
sleep 1 # 1003 the longest idle: the call goes there
voice_port
RING_MS=600 voice_agent 1001 "$PORT" answer 2
sb_wait_log 'agent 1001 available' 10 || sb_fail "agent 1001's phone"

"$WS" listen "$SB_HTTP_PORT" "$A3" "" 100000 90 >"$SB_TMP/ev3" &
L3=$!
"$WS" listen "$SB_HTTP_PORT" "$A1" "" 100000 90 >"$SB_TMP/ev1" &
L1=$!
for ((i = 0; i < 100; i++)); do grep -q hello "$SB_TMP/ev3" && grep -q hello "$SB_TMP/ev1" && break; sleep 0.05; done
wait_ev() { # FILE JQ-SELECT [SECONDS]
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		[ -n "$(jq -c "select($2)" "$1" 2>/dev/null)" ] && return 0
		sleep 0.05
	done
	return 1
}
consult_ev() { echo ".type == \"interaction.consult\" and .data.phase == \"$1\"${2:-}"; }
state_is() { # TOKEN AGENT STATE
	local i
	for ((i = 0; i < 40; i++)); do
		api 200 GET "/api/v1/agents/$2/state" "$1" &&
			[ "$(api_field .state)" = "$3" ] && return 0
		sleep 0.1
	done
	echo "  agent $2 is $(api_field .state), wanted $3" >&2
	return 1
}

# The caller sends audio for about 27 s (the pcap four times), then hangs up.
play='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
voice_call_bg 5001 "$(step_pause 6800)$play$(step_pause 6800)$play$(step_pause 6800)$play$(step_pause 6800)" 500 60000 5550333
CALLER=$CALL_PID
sb_check "1003 answers the call" wait_ev "$SB_TMP/ev3" '.type == "interaction.answered"'
IID=$(jq -r 'select(.type == "interaction.answered") | .data.interaction_id' "$SB_TMP/ev3" | head -1)

U=/api/v1/interactions/$IID
sb_check "consult: agent or queue, not both" api 400 POST "$U/consult" "$A3" '{"agent":"1001","queue":"support"}'
sb_check "consult: the field is named" test "$(api_field .error.field)" = queue
sb_check "consult: one of them" api 400 POST "$U/consult" "$A3" '{}'
sb_check "consult: named" test "$(api_field .error.field)" = agent
sb_check "consult: a string" api 400 POST "$U/consult" "$A3" '{"agent":1001}'
sb_check "consult: unknown agent 404" api 404 POST "$U/consult" "$A3" '{"agent":"4242"}'
sb_check "consult: unknown queue 404" api 404 POST "$U/consult" "$A3" '{"queue":"nosuch"}'
sb_check "consult: oneself is 409" api 409 POST "$U/consult" "$A3" '{"agent":"1003"}'
sb_check "consult: a logged-out agent is 409" api 409 POST "$U/consult" "$A3" '{"agent":"1002"}'
sb_check "consult: names the agent" test "$(api_field .error.field)" = agent
sb_check "consult: not another agent's call" api 403 POST "$U/consult" "$A1" '{"agent":"1001"}'
sb_check "complete: nothing to complete" api 409 POST "$U/transfer/complete" "$A3"
sb_check "cancel: nothing to cancel" api 409 POST "$U/transfer/cancel" "$A3"

# Consult 1001, then cancel.
sb_check "consult 1001" api 200 POST "$U/consult" "$A3" '{"agent":"1001"}'
sb_check "1003's desktop: ringing" wait_ev "$SB_TMP/ev3" "$(consult_ev ringing ' and .data.target == "1001"')"
sb_check "1001's desktop: a consult from 1003 about the caller" wait_ev "$SB_TMP/ev1" "$(consult_ev ringing ' and .data.agent == 1003 and (.data.caller | test("5550333"))')"
sb_check "1003's desktop: the caller is on hold" wait_ev "$SB_TMP/ev3" '.type == "interaction.held"'
sb_check "1001 is kept for the consult" state_is "$SUPER" 1001 away
sb_check "1001's phone answers: they talk" wait_ev "$SB_TMP/ev3" "$(consult_ev talking)"
sb_check "1001's desktop too" wait_ev "$SB_TMP/ev1" "$(consult_ev talking)"
sb_check "hold during a consult is 409" api 409 POST "$U/hold" "$A3"
sb_check "a second consult is 409" api 409 POST "$U/consult" "$A3" '{"agent":"1004"}'
sb_check "cancel" api 200 POST "$U/transfer/cancel" "$A3"
sb_check "1003's desktop: cancelled" wait_ev "$SB_TMP/ev3" "$(consult_ev cancelled)"
sb_check "1001's desktop: cancelled" wait_ev "$SB_TMP/ev1" "$(consult_ev cancelled)"
sb_check "the caller is back with 1003" wait_ev "$SB_TMP/ev3" '.type == "interaction.resumed"'
sb_check "1001 available again" state_is "$SUPER" 1001 available
sb_check "the call is 1003's" api 200 GET "/api/v1/calls/$IID" "$A3"
sb_check "talking with 1003" test "$(api_field .state):$(api_field .agent_id)" = talking:1003

# Consult the queue (its longest idle available agent, 1001), complete.
sb_check "consult the queue support" api 200 POST "$U/consult" "$A3" '{"queue":"support"}'
sb_check "it rings 1001" wait_ev "$SB_TMP/ev3" "$(consult_ev ringing ' and .data.target == "1001" and (.seq > 0)')"
n=$(jq -c "select($(consult_ev talking))" "$SB_TMP/ev3" | wc -l)
for ((i = 0; i < 200; i++)); do [ "$(jq -c "select($(consult_ev talking))" "$SB_TMP/ev3" | wc -l)" -gt "$n" ] && break; sleep 0.05; done
sb_check "1001's phone answers the second consult" test "$(jq -c "select($(consult_ev talking))" "$SB_TMP/ev3" | wc -l)" -gt "$n"
sb_check "complete: not by the consulted agent" api 403 POST "$U/transfer/complete" "$A1"
sb_check "complete" api 200 POST "$U/transfer/complete" "$A3"
sb_check "1003's desktop: transferred" wait_ev "$SB_TMP/ev3" '.type == "interaction.transferred"'
sb_check "1001's desktop: the call is answered" wait_ev "$SB_TMP/ev1" ".type == \"interaction.answered\" and .data.interaction_id == $IID"
sb_check "both desktops: completed" wait_ev "$SB_TMP/ev1" "$(consult_ev completed)"
sb_check "both desktops: completed (1003)" wait_ev "$SB_TMP/ev3" "$(consult_ev completed)"
sb_check "the call is 1001's now" api 200 GET "/api/v1/calls/$IID" "$SUPER"
sb_check "talking with 1001" test "$(api_field .state):$(api_field .agent_id)" = talking:1001
sb_check "1003 may no longer act on it" api 403 POST "$U/hangup" "$A3"
sb_check "1003's phone was released (BYE)" sb_wait_log "call $IID: agent 1003 leg rx" 5
sb_check "1003 is free" bash -c "! grep -q '\"state\":\"busy\"' <<<\"\$(curl -s -H 'Authorization: Bearer $SUPER' http://127.0.0.1:$SB_HTTP_PORT/api/v1/agents/1003/state)\""
wait $CALLER
sb_check "the caller stayed on to the end of the audio" test $? -eq 0
sb_check "the call ended" sb_wait_log "call $IID: agent 1001 leg rx" 10
line=$(grep "call $IID: agent 1001 leg rx" "$SB_LOG" | tail -1)
rx=$(sed 's/.* rx \([0-9]*\) tx.*/\1/' <<<"$line")
tx=$(sed 's/.* tx \([0-9]*\).*/\1/' <<<"$line")
sb_check "audio from the caller reached 1001 after the transfer (tx $tx)" test "$tx" -gt 300
sb_check "and 1001's audio came back (rx $rx)" test "$rx" -gt 300
kill $L3 $L1 2>/dev/null
wait $L3 $L1 2>/dev/null

sb_check "the record" api 200 GET "$U" "$SUPER"
tl=$(api_field '[.events[] | select(.type | test("^consult_|^answered$|^transferred$")) | "\(.type):\(.agent_id)"] | join(",")')
sb_check "the timeline ($tl)" test "$tl" = "answered:1003,consult_ringing:1003,consult_talking:1003,consult_cancelled:1003,consult_ringing:1003,consult_talking:1003,transferred:1003,answered:1001,consult_completed:1003"
sb_check "handled by 1001 in the end" test "$(api_field .agent_id)" = 1001
sb_stop
sb_pass
