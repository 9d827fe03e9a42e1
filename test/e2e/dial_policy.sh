#!/usr/bin/env bash
# Toll fraud: every outbound dial goes through the one dial-out policy,
# and a denied dial never reaches the trunk. A SIPp carrier (outbound
# trunk "carrier", deny prefixes 0090 and 1303 (+1303), made through the
# trunks API) counts
# what it receives; it must see exactly the three allowed INVITEs.
#  (e) agent 1003's blind transfer to 00900123456 and consults of a
#      premium (1900...) and an international (+44...) number: 403
#      dial_denied naming the rule, the call goes on with 1003, the
#      timeline says why; then a transfer to 5559999 still goes out.
#  (f) the flow's external transfer to an international number: denied,
#      the caller waits in the flow's fallback queue instead.
#  (a) a caller with a forged From 00900123456 asks for a callback: not
#      believed, asked to key in a number; keys none: no callback.
#  (c) callers key in and confirm a premium (1976...) and a denied
#      (1303...) number: refused with the rule, queued instead.
#  (b) a caller keys in a number, hears it read back, enters another and
#      confirms it: the callback dials exactly that number.
#  (d) a trusted trunk's asserted number is called back without asking;
#      once the trunk is no longer trusted (PATCH, live), it is not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

db() { sqlite3 "$SB_DATA/switchboard.db" "$1"; }
# the numbers the trunk was sent INVITEs for (retransmissions once)
invited() { grep -o 'INVITE sip:[^@ ]*' "$SB_TMP/trunk.msg" 2>/dev/null | sort -u | cut -d: -f2 | tr '\n' ' '; }
invites() { invited | wc -w; }
# digits D... as RFC 4733 events, 200 ms apart. The captures carry fixed
# RTP timestamps: the server takes a digit equal to the one before as its
# repetition (RFC 4733), so no number here repeats a digit in a row.
keys() { local d; for d in "$@"; do step_digit "$d"; step_pause 200; done; }

voice_port; TPORT=$PORT
sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
A3=$(api_login 1003 pw1003)

flow='{"definition": {"name": "demo-5000", "start": "route", "fallback_queue": "support",
 "nodes": {
  "route": {"type": "branch", "conditions": [
     {"if": {"var": "caller", "prefix": "+"}, "next": "cb"},
     {"if": {"var": "caller", "eq": "telco"}, "next": "cb"}], "else": "menu"},
  "menu": {"type": "menu", "prompt": "Press 2 for a callback, 3 for our partner.",
           "choices": {"2": "cb", "3": "partner"}, "fallback": "bye"},
  "cb": {"type": "callback", "queue": "support", "timeout_s": 2, "tries": 2,
         "prompt": "We will call you back. Goodbye.", "fallback": "bye"},
  "partner": {"type": "transfer", "to": "+442079460018", "external": true},
  "bye": {"type": "hangup", "prompt": "Goodbye."}}}}'
sb_check "flow saved" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" "$flow"
sb_check "outbound trunk carrier (deny 0090, 1303) through the API" api 201 POST /api/v1/trunks "$ADMIN" \
	"{\"name\":\"carrier\",\"outbound\":true,\"outbound_addr\":\"127.0.0.1:$TPORT\",\"deny\":[\"0090\",\"1303\"]}"
sb_check "inbound trunk telco, trusted" api 201 POST /api/v1/trunks "$ADMIN" \
	'{"name":"telco","username":"telco","password":"secret9","trusted":true}'
TELCO=$(api_field .id)
sb_check "both live" sb_wait_log "inbound trunk telco by credentials of 'telco' \(trusted\)" 2
voice_trunk_uas "$TPORT" 3
TRUNK=$TRUNK_PID

# (e) The agent's transfer and consults.
voice_port; voice_agent 1003 "$PORT" answer 1
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
play='<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'
voice_call_bg 5001 "$play$(step_pause 6800)$play$(step_pause 6800)$play$(step_pause 6800)" 500 60000 5550777
CALLER=$CALL_PID
sb_check "1003 answers" api_wait_talking "$A3"
U=/api/v1/interactions/$IID
sb_check "transfer to 00900123456: 403" api 403 POST "$U/transfer" "$A3" '{"number":"00900123456"}'
sb_check "  dial_denied, the rule named" test "$(api_field '.error.code + " " + .error.message')" = "dial_denied 00900123456: denied by prefix 0090 of trunk carrier"
sb_check "consult of 19005550100 (premium): 403" api 403 POST "$U/consult" "$A3" '{"number":"19005550100"}'
sb_check "  dial_denied, premium-rate" grep -q '"code":"dial_denied".*premium-rate prefix +1900' <<<"$API_BODY"
sb_check "consult of +442079460018 (international): 403" api 403 POST "$U/consult" "$A3" '{"number":"+442079460018"}'
sb_check "  dial_denied, international" grep -q '"code":"dial_denied".*denied: international' <<<"$API_BODY"
sb_check "the call goes on with 1003" api 200 GET "/api/v1/calls/$IID" "$A3"
sb_check "  talking" test "$(api_field .state):$(api_field .agent_id)" = talking:1003
sb_check "the timeline has the three, with reasons" sb_db_is \
	"SELECT group_concat(json_extract(detail, '$.purpose'), ',') FROM interaction_events WHERE interaction_id = $IID AND type = 'dial_denied'" \
	"agent_transfer,agent_consult,agent_consult"
sb_check "nothing reached the trunk" test "$(invites)" = 0
sb_check "an allowed number still goes out (200)" api 200 POST "$U/transfer" "$A3" '{"number":"5559999"}'
sb_check "  the trunk got the INVITE for 5559999" bash -c "for i in \$(seq 50); do grep -q 'INVITE sip:5559999@127.0.0.1' '$SB_TMP/trunk.msg' && exit 0; sleep 0.1; done; exit 1"
sb_check "  bridged" sb_wait_log "call $IID: bridged to the outside party" 10
wait $CALLER
sb_check "1003 logs out" api 200 POST /api/v1/agents/1003/state "$A3" '{"state":"logged_out"}'

# (f) The flow's external transfer to an international number.
sb_check "caller presses 3: the partner is international" \
	voice_call 5000 "$(step_pause 1500; step_digit 3; step_pause 3000)" 500 60000 5550180
F=$(db "SELECT id FROM interactions WHERE from_addr = '5550180'")
sb_check "  denied on the timeline" sb_db_is "SELECT json_extract(detail, '$.purpose') || ': ' || json_extract(detail, '$.reason') FROM interaction_events WHERE interaction_id = $F AND type = 'dial_denied'" \
	"ivr_transfer: denied: international, not allowed on trunk carrier (the default; an allow prefix permits it)"
sb_check "  the caller waited in support instead" sb_db_is "SELECT queue FROM interactions WHERE id = $F" support
sb_check "  nothing reached the trunk" test "$(invites)" = 1

# (a) A forged From asks for a callback: asked to key in; keys nothing.
sb_check "forged From 00900123456: 2, then no digits (the flow hangs up)" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_wait_bye)" 30000 60000 00900123456
A=$(db "SELECT id FROM interactions WHERE from_addr = '00900123456'")
sb_check "  asked for the number twice (no input), then goodbye" sb_db_is \
	"SELECT ivr_path LIKE '%\"node\": \"cb\", \"no_input\": true%\"node\": \"cb\", \"no_input\": true%\"callback\": false%' FROM interactions WHERE id = $A" 1
sb_check "  no callback" test "$(db "SELECT count(*) FROM interactions WHERE channel = 'callback'")" = 0

# (c) Keyed in and confirmed, but premium / a denied prefix: refused.
sb_check "keys 19765013579 (premium) and confirms" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 800; keys 1 9 7 6 5 0 1 3 5 7 9 pound; step_pause 1500; step_digit 1; step_pause 1500)" 500 60000 5550181
sb_check "  refused, queued instead" sb_wait_log 'ivr callback to 19765013579 refused: queued in support instead' 5
sb_check "keys 13035467890 (denied 1303) and confirms" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 800; keys 1 3 0 3 5 4 6 7 8 9 0 pound; step_pause 1500; step_digit 1; step_pause 1500)" 500 60000 5550182
sb_check "  refused, queued instead" sb_wait_log 'ivr callback to 13035467890 refused: queued in support instead' 5
sb_check "  the timeline names each rule" sb_db_is \
	"SELECT group_concat(json_extract(detail, '$.reason'), ' / ') FROM interaction_events WHERE type = 'dial_denied' AND json_extract(detail, '$.purpose') = 'callback'" \
	"denied by premium-rate prefix +1976 (the default of trunk carrier; an allow prefix permits it) / denied by prefix 1303 of trunk carrier"
sb_check "  no callback" test "$(db "SELECT count(*) FROM interactions WHERE channel = 'callback'")" = 0

# (b) Keyed in, read back, 2 (again), another number, confirmed.
sb_check "keys 5460192, presses 2, keys 5471382, confirms" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 800; keys 5 4 6 0 1 9 2 pound; step_pause 1500; step_digit 2; step_pause 800; keys 5 4 7 1 3 8 2 pound; step_pause 1500; step_digit 1; step_wait_bye)" 20000 60000 5550131
sb_check "  the callback waits, for the confirmed number" sb_wait_log 'callback for 5471382 queued in support' 5
sb_check "  its origin is recorded" sb_db_is "SELECT json_extract(attributes, '$.number_origin') FROM interactions WHERE channel = 'callback' AND from_addr = '5471382'" confirmed
sb_check "  the path: read back twice, confirmed once" sb_db_is "SELECT ivr_path LIKE '%\"digits\": \"5460192\"%\"digit\": \"2\"%\"digits\": \"5471382\"%\"digit\": \"1\"%\"callback\": \"5471382\", \"confirmed\": true%' FROM interactions WHERE from_addr = '5550131'" 1

# (d) A trusted trunk's asserted number: no question asked.
voice_port
sb_check "telco's call, PAI +15555550100" voice_trunk_call "$PORT" telco \
	'P-Asserted-Identity: <sip:+15555550100@telco.example>' 2 telco secret9 5000
sb_check "  called back at once" sb_wait_log 'callback for \+15555550100 queued in support' 5
sb_check "  origin trusted" sb_db_is "SELECT json_extract(attributes, '$.number_origin') FROM interactions WHERE channel = 'callback' AND from_addr = '+15555550100'" trusted
sb_check "telco no longer trusted (live)" api 200 PATCH /api/v1/trunks/$TELCO "$ADMIN" '{"trusted":false}'
voice_port
sb_check "telco's call, PAI +15555550177" voice_trunk_call "$PORT" telco \
	'P-Asserted-Identity: <sip:+15555550177@telco.example>' 2 telco secret9 5000
sb_check "  its PAI not believed: the caller is telco" sb_db_is "SELECT count(*) FROM interactions WHERE from_addr = 'telco'" 1
sb_check "  no callback for it" test "$(db "SELECT count(*) FROM interactions WHERE channel = 'callback'")" = 2
sb_check "nothing else reached the trunk" test "$(invites)" = 1

# The agent takes the two callbacks: exactly those numbers are dialled.
voice_port; voice_agent 1004 "$PORT" answer 2 "$(step_agent_bye 2500)"
sb_check "the confirmed number is dialled" sb_wait_log 'dialling 5471382 through trunk carrier \(callback, confirmed' 15
sb_check "the asserted number is dialled" sb_wait_log 'dialling \+15555550100 through trunk carrier \(callback, trusted' 30
wait $TRUNK
inv=$(invited)
sb_check "the trunk saw exactly three numbers ($inv)" test "$inv" = "+15555550100 5471382 5559999 "
sb_stop
sb_pass
