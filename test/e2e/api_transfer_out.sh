#!/usr/bin/env bash
# Blind transfer to an outside number through the API: without a trunk
# that allows outbound calls it is refused (409, nothing changes); with one
# (a SIPp UAS as the carrier) agent 1003's phone gets a BYE, 1003 wraps
# up, the trunk gets the INVITE for the number, answers, and the caller
# (still on the line) is bridged to it, audio both ways; the timeline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
sb_stop
voice_port; TPORT=$PORT
db=$SB_DATA/switchboard.db
start_call() { # the caller plays audio for ~20 s
	local play='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
	voice_call_bg 5001 "$(step_pause 6800)$play$(step_pause 6800)$play$(step_pause 6800)" 500 60000 5550777
	CALLER=$CALL_PID
}

# No trunk: refused.
sb_start --demo --rtp-timeout 60
A3=$(api_login 1003 pw1003)
voice_port; PHONE=$PORT
voice_agent 1003 "$PHONE" answer 2
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
start_call
sb_check "1003 answers" api_wait_talking "$A3"
U=/api/v1/interactions/$IID
sb_check "transfer: target or number, not both" api 400 POST "$U/transfer" "$A3" '{"target":"support","number":"5559999"}'
sb_check "transfer: not a number" api 400 POST "$U/transfer" "$A3" '{"number":"55-59"}'
sb_check "transfer: the field is named" test "$(api_field .error.field)" = number
sb_check "transfer: no outbound trunk is 409" api 409 POST "$U/transfer" "$A3" '{"number":"5559999"}'
sb_check "transfer: says so" test "$(api_field .error.code)" = no_trunk
sb_check "the call goes on with 1003" api 200 GET "/api/v1/calls/$IID" "$A3"
sb_check "talking" test "$(api_field .state):$(api_field .agent_id)" = talking:1003
sb_check "hang up" api 200 POST "$U/hangup" "$A3"
wait $CALLER
sb_stop

# A trunk.
sqlite3 "$db" "INSERT INTO trunks(name, outbound, outbound_addr) VALUES ('carrier', 1, '127.0.0.1:$TPORT')"
voice_trunk_uas "$TPORT" 1
TRUNK=$TRUNK_PID
sb_start --demo --rtp-timeout 60
sb_check "outbound trunk loaded" sb_wait_log "outbound calls through trunk carrier" 5
A3=$(api_login 1003 pw1003)
# Registrations do not outlive the server: the phone registers again.
voice_register 1003 "$PHONE" 200 || sb_fail "agent 1003's phone"
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003 available"
start_call
sb_check "1003 answers the second call" api_wait_talking "$A3"
U=/api/v1/interactions/$IID
sb_check "transfer to 5559999" api 200 POST "$U/transfer" "$A3" '{"number":"5559999"}'
sb_check "1003's phone released" sb_wait_log "call $IID: agent 1003 leg rx" 5
sb_check "1003 wraps up" bash -c "for i in \$(seq 40); do curl -s -H 'Authorization: Bearer $A3' http://127.0.0.1:$SB_HTTP_PORT/api/v1/agents/1003/state | grep -q '\"state\":\"wrapup\"' && exit 0; sleep 0.1; done; exit 1"
sb_check "the trunk got the INVITE for 5559999" bash -c "for i in \$(seq 50); do grep -q 'INVITE sip:5559999@127.0.0.1' '$SB_TMP/trunk.msg' && exit 0; sleep 0.1; done; exit 1"
sb_check "the caller is bridged to the outside party" sb_wait_log "call $IID: bridged to the outside party" 10
wait $CALLER
sb_check "the caller stayed on to the end of the audio" test $? -eq 0
wait $TRUNK
sb_check "the trunk's call ended cleanly" test $? -eq 0
line=$(grep "call $IID: media caller" "$SB_LOG" | tail -1)
sb_check "audio both ways with the outside party ($line)" \
	bash -c "[[ '$line' =~ caller\ rx\ ([0-9]+)\ tx\ ([0-9]+) ]] && [ \${BASH_REMATCH[1]} -gt 300 ] && [ \${BASH_REMATCH[2]} -gt 300 ]"
tl=$(sqlite3 "$db" "SELECT group_concat(type, ',') FROM (SELECT type FROM interaction_events WHERE interaction_id = $IID AND type IN ('answered', 'transfer_number', 'ended', 'transfer_requested', 'transferred') ORDER BY id)")
sb_check "the timeline ($tl)" test "$tl" = "answered,transfer_number,ended,transfer_requested,transferred"
sb_stop
sb_pass
