#!/usr/bin/env bash
# Attended transfer to an outside number through the API: refused without
# an outbound trunk (409 no_trunk) and for a malformed number (400 naming
# it); with a trunk (a SIPp UAS as the carrier, echoing media) agent 1003
# consults 5559999 while the caller hears music, cancels (the caller is
# back with 1003), consults again and completes: 1003's phone is released
# and 1003 wraps up, the caller talks to the outside party (audio both
# ways), and the timeline records each step.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
sb_stop
voice_port; TPORT=$PORT
db=$SB_DATA/switchboard.db
start_call() { # the caller plays audio for ~27 s
	local play='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
	voice_call_bg 5001 "$play$(step_pause 6800)$play$(step_pause 6800)$play$(step_pause 6800)$play$(step_pause 6800)" 500 60000 5550778
	CALLER=$CALL_PID
}
trunk_invites() { # N: wait until the trunk got N INVITEs for 5559999
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c 'INVITE sip:5559999@127.0.0.1' "$SB_TMP/trunk.msg" 2>/dev/null)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# No trunk: refused, nothing changes.
sb_start --demo --rtp-timeout 60
A3=$(api_login 1003 pw1003)
voice_port; PHONE=$PORT
voice_agent 1003 "$PHONE" answer 2
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
start_call
sb_check "1003 answers" api_wait_talking "$A3"
U=/api/v1/interactions/$IID
sb_check "consult: one target only" api 400 POST "$U/consult" "$A3" '{"agent":"1004","number":"5559999"}'
sb_check "consult: not a number" api 400 POST "$U/consult" "$A3" '{"number":"555-9999"}'
sb_check "consult: the field is named" test "$(api_field .error.field)" = number
sb_check "consult: no outbound trunk is 409" api 409 POST "$U/consult" "$A3" '{"number":"5559999"}'
sb_check "consult: says so" test "$(api_field .error.code)" = no_trunk
sb_check "the call goes on with 1003" api 200 GET "/api/v1/calls/$IID" "$A3"
sb_check "talking" test "$(api_field .state):$(api_field .agent_id)" = talking:1003
sb_check "hang up" api 200 POST "$U/hangup" "$A3"
wait $CALLER
sb_stop

# A trunk that answers twice (the cancelled consult, then the completed).
sqlite3 "$db" "INSERT INTO trunks(name, outbound, outbound_addr) VALUES ('carrier', 1, '127.0.0.1:$TPORT')"
voice_trunk_uas "$TPORT" 2
TRUNK=$TRUNK_PID
sb_start --demo --rtp-timeout 60
sb_check "outbound trunk loaded" sb_wait_log "outbound calls through trunk carrier" 5
A3=$(api_login 1003 pw1003)
voice_register 1003 "$PHONE" 200 || sb_fail "agent 1003's phone"
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003 available"
start_call
sb_check "1003 answers the second call" api_wait_talking "$A3"
U=/api/v1/interactions/$IID
sb_check "consult 5559999" api 200 POST "$U/consult" "$A3" '{"number":"5559999"}'
sb_check "the trunk got the consult's INVITE" trunk_invites 1
sb_check "the outside party answers: 1003 talks to it" sb_wait_log "call $IID: agent 1003 talks to agent 0 \(consult\)" 10
sb_check "a second consult meanwhile is refused (409)" api 409 POST "$U/consult" "$A3" '{"number":"5558888"}'
sb_check "cancel" api 200 POST "$U/transfer/cancel" "$A3"
sb_check "the caller is back with 1003" sb_wait_log "call $IID: consult of agent 1003 with 0 cancelled" 5
sb_check "still talking with 1003" api 200 GET "/api/v1/calls/$IID" "$A3"
sb_check "state talking, agent 1003" test "$(api_field .state):$(api_field .agent_id)" = talking:1003
sb_check "consult 5559999 again" api 200 POST "$U/consult" "$A3" '{"number":"5559999"}'
sb_check "the trunk got the second INVITE" trunk_invites 2
sb_check "the outside party answers again" bash -c "for i in \$(seq 100); do [ \$(grep -c 'call $IID: agent 1003 talks to agent 0 (consult)' '$SB_LOG') -ge 2 ] && exit 0; sleep 0.1; done; exit 1"
sb_check "complete" api 200 POST "$U/transfer/complete" "$A3"
sb_check "done" sb_wait_log "call $IID: attended transfer of agent 1003 to the outside party done" 5
sb_check "1003 wraps up" bash -c "for i in \$(seq 40); do curl -s -H 'Authorization: Bearer $A3' http://127.0.0.1:$SB_HTTP_PORT/api/v1/agents/1003/state | grep -q '\"state\":\"wrapup\"' && exit 0; sleep 0.1; done; exit 1"
wait $CALLER
sb_check "the caller stayed on to the end of the audio" test $? -eq 0
wait $TRUNK
sb_check "the trunk's calls ended cleanly" test $? -eq 0
line=$(grep "call $IID: media caller" "$SB_LOG" | tail -1)
sb_check "audio both ways through the call ($line)" \
	bash -c "[[ '$line' =~ caller\ rx\ ([0-9]+)\ tx\ ([0-9]+)\ relayed\ ([0-9]+) ]] && [ \${BASH_REMATCH[1]} -gt 300 ] && [ \${BASH_REMATCH[3]} -gt 300 ]"
tl=$(sqlite3 "$db" "SELECT group_concat(type, ',') FROM (SELECT type FROM interaction_events WHERE interaction_id = $IID AND type IN ('answered', 'consult_number', 'consult_ringing', 'consult_cancelled', 'consult_completed', 'ended', 'transferred') ORDER BY id)")
sb_check "the timeline ($tl)" test "$tl" = "answered,consult_number,consult_ringing,consult_cancelled,consult_number,consult_ringing,consult_completed,ended,transferred"
row=$(sqlite3 "$db" "SELECT outcome FROM interactions WHERE id = $IID")
sb_check "outcome recorded ($row)" test -n "$row"
sb_stop
sb_pass
