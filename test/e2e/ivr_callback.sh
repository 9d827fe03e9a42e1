#!/usr/bin/env bash
# Callbacks through a trunk, and the flow's transfer node. A SIPp "trunk"
# (a UAS on its own port, table trunks with outbound = 1) takes the calls
# the server places. Caller A (5550121) waits in support while nobody is
# logged in, then B (5550122) queues behind; A presses 1 (the queue's
# option) and leaves for a callback that keeps A's entry time: A's From
# is not believed (no trusted trunk asserted it), so A keys in the number
# (5430121), hears it read back and confirms. The support agent logs in:
# the callback is offered first (ahead of B), the agent's phone answers,
# the server calls 5430121 through the trunk, the trunk answers and talks
# (a capture), media flows through the server both ways. A flow whose
# callback takes a {variable} number is refused (the node asks the caller
# itself). The transfer node: to an outside number only when the flow says
# external (through the trunk, bridged), to an agent's extension, and a
# refused flow with a {variable} number. (dial_policy.sh: what the
# dial-out policy refuses.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

AUDIO=/usr/share/sip-tester/g711a.pcap
SB_DIR_SIPP=$(dirname "$0")/sipp
db_is() { sb_db_is "$@"; }
# The callback node asks for the number: keyed in, then 1 confirms it
# read back (no digit twice in a row: the RFC 4733 captures repeat their
# timestamps, the server takes a repeat as the same event).
step_number() { # DIGITS
	local d
	step_pause 800
	for d in $(grep -o . <<<"$1"); do step_digit "$d"; step_pause 200; done
	step_digit pound; step_pause 1500; step_digit 1
}
step_audio() { echo "<nop><action><exec play_pcap_audio=\"$AUDIO\"/></action></nop>"; }

# A trunk: answers CALLS calls on TPORT, talks (the capture), hangs up.
# No echo here (the agent's phone echoes: two echoes would ping-pong).
trunk_start() { # CALLS
	local f=$SB_TMP/trunk.xml
	voice_tmpl agent.xml "$f" USER=trunk RING_MS=300 ANSWER= \
		STEPS="$(step_audio; step_agent_bye 8000)" BYE_WAIT_MS=60000
	# the capture is PCMA: the trunk answers with it (the server then
	# transcodes to the agent's PCMU)
	sed -i 's|RTP/AVP 0 101|RTP/AVP 8 101|; s|rtpmap:0 PCMU|rtpmap:8 PCMA|' "$f"
	sipp -sf "$f" -t u1 -i 127.0.0.1 -p "$TPORT" -mp $((TPORT + 1000)) \
		-m "$1" -trace_msg -message_file "$SB_TMP/trunk.msg" \
		-trace_err -error_file "$SB_TMP/trunk.err" -nostdin \
		>"$SB_TMP/trunk.out" 2>&1 &
	TRUNK_PID=$!
}

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
sb_stop
voice_port; TPORT=$PORT
db=$SB_DATA/switchboard.db
sqlite3 "$db" "INSERT INTO trunks(name, outbound, outbound_addr)
	VALUES ('carrier', 1, '127.0.0.1:$TPORT')"
sb_start --demo
sb_check "outbound trunk loaded" sb_wait_log "outbound calls through trunk carrier \(127.0.0.1:$TPORT\)" 5
ADMIN=$(api_login admin pwadmin)

flow='{"definition": {"name": "demo-5000", "start": "menu", "fallback_queue": "support",
 "nodes": {
  "menu": {"type": "menu", "prompt": "Press 2 for support.",
           "choices": {"2": "wait", "4": "out", "5": "ext"}, "fallback": "wait"},
  "wait": {"type": "queue", "queue": "support", "options": {"1": "cb"},
           "options_prompt": "To be called back without losing your place, press 1."},
  "cb": {"type": "callback", "queue": "support",
         "prompt": "We will call you back. Goodbye."},
  "out": {"type": "transfer", "to": "5559999", "external": true},
  "ext": {"type": "transfer", "to": "1003"}}}}'
sb_check "flow with callbacks and transfers saved" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" "$flow"

# A queues and waits; B queues behind; A leaves for a callback.
voice_call_bg 5000 "$(step_pause 1500; step_digit 2; step_pause 5000; step_digit 1; step_number 5430121; step_wait_bye)" 20000 60000 5550121
A_PID=$CALL_PID
sb_check "A queued" sb_wait_log 'call 1: 5550121 -> 5000' 5
sleep 3
voice_call_bg 5000 "$(step_pause 1500; step_digit 2; step_pause 30000)" 500 60000 5550122
B_PID=$CALL_PID
sb_check "A leaves the queue" sb_wait_log 'call 1: digit 1 leaves the queue' 10
sb_check "the callback task is queued, for the number A confirmed" sb_wait_log 'interaction 3: callback for 5430121 queued in support' 15
wait "$A_PID"; sb_check "A heard the goodbye and was hung up" test $? = 0
sb_check "callback interaction" db_is "SELECT channel, direction, from_addr, to_addr, queue FROM interactions WHERE id = 3" "callback|outbound|5430121|5000|support"
sb_check "A's call: outcome callback" db_is "SELECT outcome FROM interactions WHERE id = 1" callback

# The agent logs in: the callback first (A entered before B).
trunk_start 2
voice_port; voice_agent 1004 "$PORT" answer 2 "$(step_pause 12000)"
sb_check "the agent answers: the server dials the confirmed number through the trunk" \
	sb_wait_log 'dialling 5430121 through trunk carrier \(callback, confirmed' 15
sb_check "the callback came first: B (queued before it, entered after A) not yet" \
	bash -c "! grep -q 'call 2: bridged' '$SB_LOG'"
sb_check "the customer answers: bridged" sb_wait_log 'call 3: the customer answered the callback: bridged to agent 1004' 10
sb_check "the trunk got the INVITE for 5430121" grep -q 'INVITE sip:5430121@127.0.0.1' "$SB_TMP/trunk.msg"
sb_check "the customer hangs up: media summed" sb_wait_log 'call 3: media caller rx' 25
media=$(grep 'call 3: media caller' "$SB_LOG")
rx=$(sed -n 's/.*caller rx \([0-9]*\) .*/\1/p' <<<"$media")
relayed=$(sed -n 's/.*caller rx [0-9]* tx [0-9]* relayed \([0-9]*\),.*/\1/p' <<<"$media")
sb_check "media from the customer ($rx packets) relayed to the agent and back ($relayed)" \
	test "${rx:-0}" -ge 200 -a "${relayed:-0}" -ge 200
sb_check "callback handled by 1004" db_is "SELECT agent_id, outcome, hung_up_by FROM interactions WHERE id = 3" "1004|answered|caller"
sb_check "then B's call is offered" sb_wait_log 'call 2: bridged to agent 1004' 30
wait "$B_PID"

# A callback to a number the flow took elsewhere: refused by the check.
other='{"definition": {"name": "demo-5000", "start": "c", "nodes": {
 "c": {"type": "collect", "prompt": "Number?", "var": "n", "next": "cb"},
 "cb": {"type": "callback", "queue": "support", "number": "{n}"}}}}'
sb_check "a callback to a collected number is refused (422)" api 422 PUT /api/v1/flows/demo-5000 "$ADMIN" "$other"
sb_check "the problem names the field" grep -q '"path":"\$.nodes.cb.number"' <<<"$API_BODY"
sb_check "still one callback interaction" db_is "SELECT count(*) FROM interactions WHERE channel = 'callback'" 1

# transfer node, external: the caller is bridged to 5559999 at the trunk.
sb_check "call: 4 -> 5559999 through the trunk" \
	voice_call 5000 "$(step_pause 1500; step_digit 4; step_pause 6000; step_audio; step_wait_bye)" 30000 60000 5550124
sb_check "transferred out: bridged" sb_wait_log 'bridged to the outside party' 5
sb_check "the trunk got the INVITE for 5559999" grep -q 'INVITE sip:5559999@127.0.0.1' "$SB_TMP/trunk.msg"
id=$(sqlite3 "$db" "SELECT max(id) FROM interactions")
sb_check "interaction $id: transferred, the outside party hung up" db_is "SELECT outcome, hung_up_by FROM interactions WHERE id = $id" "transferred|agent"
wait "$TRUNK_PID"

# transfer node, extension 1003: offered to that agent.
voice_port; voice_agent 1003 "$PORT" answer 1
sb_check "agent 1003 available" sb_wait_log 'agent 1003 available' 10
sb_check "call: 5 -> extension 1003" \
	voice_call 5000 "$(step_pause 1500; step_digit 5; step_pause 6000)" 500
id=$(sqlite3 "$db" "SELECT max(id) FROM interactions")
sb_check "answered by 1003" sb_wait_log "call $id: bridged to agent 1003" 5

# An outside number made of what the caller keyed: refused by the check.
bad='{"definition": {"name": "demo-5000", "start": "c", "nodes": {
 "c": {"type": "collect", "prompt": "Number?", "var": "n", "next": "t"},
 "t": {"type": "transfer", "to": "{n}", "external": true}}}}'
sb_check "a transfer to a keyed-in number is refused (422)" api 422 PUT /api/v1/flows/demo-5000 "$ADMIN" "$bad"
sb_check "the problem names the field" grep -q '"path":"\$.nodes.t.to"' <<<"$API_BODY"
sb_stop

# A trunk that challenges: the server answers with the trunk's username
# and password (read at start). The callback survives a restart.
sqlite3 "$db" "UPDATE trunks SET username = 'sb', password = 'secret' WHERE name = 'carrier'"
sb_start --demo
voice_tmpl trunk_auth.xml "$SB_TMP/trunk_auth.xml" USER=sb PASSWORD=secret TALK_MS=6000
sipp -sf "$SB_TMP/trunk_auth.xml" -t u1 -i 127.0.0.1 -p "$TPORT" -mp $((TPORT + 1000)) \
	-m 1 -trace_msg -message_file "$SB_TMP/trunk_auth.msg" -nostdin \
	>"$SB_TMP/trunk_auth.out" 2>&1 &
TRUNK_PID=$!
sb_check "call: 2, queued, 1 -> callback" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 3000; step_digit 1; step_number 5460125; step_wait_bye)" 20000 60000 5550125
sb_check "the callback waits" sb_wait_log 'callback for 5460125 queued in support' 5
id=$(sqlite3 "$db" "SELECT max(id) FROM interactions")
# A restart meanwhile: the callback waits again.
sb_stop
sb_start --demo
sb_check "restart: the callback waits again" sb_wait_log '1 voicemails and callbacks waiting again' 5
voice_port; voice_agent 1004 "$PORT" answer 1 "$(step_pause 12000)"
sb_check "the challenged callback is answered" \
	sb_wait_log "call $id: the customer answered the callback: bridged to agent 1004" 20
sb_check "the trunk checked the credentials" grep -q 'Authorization: Digest username="sb"' "$SB_TMP/trunk_auth.msg"
wait "$TRUNK_PID"; sb_check "the trunk's call succeeded (auth verified)" test $? = 0

# The customer is busy when called back: the agent is told and released,
# the callback's outcome says so.
sipp -sf "$SB_DIR_SIPP/trunk_busy.xml" -t u1 -i 127.0.0.1 -p "$TPORT" \
	-m 1 -nostdin >"$SB_TMP/trunk_busy.out" 2>&1 &
TRUNK_PID=$!
sb_check "call: 2, queued, 1 -> callback (busy later)" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 3000; step_digit 1; step_number 5470126; step_wait_bye)" 20000 60000 5550126
id=$(sqlite3 "$db" "SELECT max(id) FROM interactions")
voice_port; voice_agent 1004 "$PORT" answer 1
sb_check "the callback is dialled" sb_wait_log 'dialling 5470126 through trunk carrier' 20
wait "$TRUNK_PID"
sb_check "busy: the agent is released, outcome no_answer" \
	db_is "SELECT agent_id, outcome FROM interactions WHERE id = $id" "1004|no_answer"
sb_check "the agent's phone got the BYE" bash -c "wait_agent() { for i in \$(seq 100); do kill -0 $AGENT_PID_1004 2>/dev/null || return 0; sleep 0.1; done; return 1; }; wait_agent"
sb_stop
sb_pass
