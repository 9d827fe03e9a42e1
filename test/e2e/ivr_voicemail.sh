#!/usr/bin/env bash
# Voicemail on live calls: a flow's voicemail node records the caller
# (audio from a SIPp capture, '#' ends it) into DATA/recordings/ as a WAV;
# the message becomes an interaction of channel 'voicemail' queued in
# support; the support agent's phone rings, the agent answers and hears
# it (the server hangs up when it has played); the recording is served to
# that agent and to staff, refused to another agent. A digit pressed while
# queued (the queue node's options) leaves the queue for voicemail. A
# kill -9 in the middle of a recording leaves a valid WAV.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

AUDIO=/usr/share/sip-tester/g711a.pcap
# The store commits in groups: wait up to 5 s for a query to give want.
db_is() { # SQL WANT
	local i got
	for ((i = 0; i < 50; i++)); do
		got=$(sqlite3 "$SB_DATA/switchboard.db" "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	echo "  got: $got" >&2
	return 1
}
step_audio() { echo "<nop><action><exec play_pcap_audio=\"$AUDIO\"/></action></nop>"; }
wav_frames() { # FILE: frames of a valid WAV, else fails
	python3 -c 'import sys, wave; w = wave.open(sys.argv[1]); assert w.getframerate() == 8000 and w.getnchannels() == 1 and w.getsampwidth() == 2; print(w.getnframes())' "$1"
}

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
A4=$(api_login 1004 pw1004)
A3=$(api_login 1003 pw1003)
db=$SB_DATA/switchboard.db

flow='{"definition": {"name": "demo-5000", "start": "menu", "fallback_queue": "support",
 "nodes": {
  "menu": {"type": "menu", "prompt": "For a message press 1, to wait press 2.",
           "choices": {"1": "vm", "2": "wait"}, "fallback": "wait"},
  "vm": {"type": "voicemail", "prompt": "Leave a message after the tone, then press pound.",
         "max_s": 12, "queue": "support"},
  "wait": {"type": "queue", "queue": "support", "options": {"9": "vm"},
           "options_prompt": "To leave a message instead, press 9."}}}}'
sb_check "flow with voicemail saved" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" "$flow"

# 1 -> voicemail: 6 s of audio, then '#'; the flow hangs up.
sb_check "call 1: 1, a message, #" \
	voice_call 5000 "$(step_pause 1500; step_digit 1; step_pause 4000; step_audio; step_pause 6500; step_digit pound; step_wait_bye)" 15000 60000 5550111
sb_check "call 1: recording started" sb_wait_log 'call 1: recording a voicemail for support' 5
sb_check "call 1: recording saved" sb_wait_log 'recording .*/recordings/voicemail-1.wav: saved' 10
wav=$SB_DATA/recordings/voicemail-1.wav
frames=$(wav_frames "$wav")
sb_check "call 1: a valid 8 kHz WAV of 4-8 s ($frames frames)" \
	test "${frames:-0}" -ge 32000 -a "${frames:-0}" -le 64000
sb_check "call 1: outcome voicemail, recording kept" \
	db_is "SELECT channel, outcome, recording FROM interactions WHERE id = 1" "voice|voicemail|$wav"
sb_check "voicemail task: interaction 2 queued in support" \
	db_is "SELECT channel, from_addr, state, queue, recording FROM interactions WHERE id = 2" "voicemail|5550111|queued|support|$wav"
sb_check "nobody's yet: 403 to an agent" api 403 GET /api/v1/interactions/2/recording "$A4"

# The support agent answers: hears the message, the server hangs up.
voice_port; P1004=$PORT; voice_agent 1004 "$PORT" answer 1
sb_check "agent 1004 available" sb_wait_log 'agent 1004 available' 10
sb_check "voicemail offered and answered" sb_wait_log 'call 2: voicemail played to agent 1004' 15
sb_check "played to the end: the task ends" \
	sb_wait_log 'call 2: media caller rx 0 tx 0 relayed 0, agent rx [0-9]+ tx ([3-9][0-9][0-9]|[0-9]{4})' 30
sb_check "voicemail task: handled by 1004" db_is "SELECT agent_id, outcome FROM interactions WHERE id = 2" "1004|answered"
sb_check "agent gets the recording" api 200 GET /api/v1/interactions/2/recording "$A4"
curl -s -o "$SB_TMP/got.wav" -H "Authorization: Bearer $A4" "$(api_url /api/v1/interactions/2/recording)"
sb_check "the same bytes as the file" cmp -s "$SB_TMP/got.wav" "$wav"
sb_check "supervisor gets it" api 200 GET /api/v1/interactions/2/recording "$SUPER"
sb_check "another agent: 403" api 403 GET /api/v1/interactions/2/recording "$A3"
sb_check "no such interaction: 404" api 404 GET /api/v1/interactions/999/recording "$SUPER"
sb_check "history by channel voicemail" api 200 GET '/api/v1/interactions?channel=voicemail' "$SUPER"
sb_check "lists the message (and only it)" test "$(api_field '[.[] | .id | tostring] | join(",")')" = 2
sb_check "the call's own recording: not the agent's (403)" api 403 GET /api/v1/interactions/1/recording "$A4"
wait "$AGENT_PID_1004"

# 2 -> queued (nobody logged in now); 9 while waiting leaves for voicemail.
sb_check "call 3: 2, queued, 9, a message" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 2000; step_digit 9; step_pause 4000; step_audio; step_pause 3000; step_wait_bye)" 40000 60000 5550112
sb_check "call 3: left the queue" sb_wait_log 'call 3: digit 9 leaves the queue' 5
sb_check "call 3: max length (12 s) ends it" sb_wait_log 'call 3: voicemail: maximum length' 20
sb_check "call 3: saved" sb_wait_log 'recording .*/voicemail-3.wav: saved' 5
sb_check "call 3: outcome voicemail" db_is "SELECT outcome FROM interactions WHERE id = 3" voicemail
path=$(sqlite3 "$db" "SELECT ivr_path FROM interactions WHERE id = 3")
sb_check "call 3: the path shows it ($path)" grep -q '"left_queue": "9"' <<<"$path"
sb_check "call 3: the message queued" \
	db_is "SELECT channel, from_addr FROM interactions WHERE id = 4" "voicemail|5550112"

# kill -9 while recording: what was written is a valid WAV.
voice_call_bg 5000 "$(step_pause 1500; step_digit 1; step_pause 4000; step_audio; step_pause 6000)" 20000 60000 5550113
sb_check "call 5: recording" sb_wait_log 'call 5: recording a voicemail' 15
sleep 4
kill -KILL "$SB_PID"
wait "$SB_PID" 2>/dev/null
SB_PID=
frames=$(wav_frames "$SB_DATA/recordings/voicemail-5.wav")
sb_check "kill -9: a valid WAV of what came ($frames frames)" test "${frames:-0}" -ge 8000
kill "$CALL_PID" 2>/dev/null

# The restart: the message that was waiting (4) waits again; the one cut
# short by the kill becomes a task with what was said.
sb_start --demo
sb_check "restart: the waiting voicemail queued again" sb_wait_log '1 voicemails and callbacks waiting again' 5
sb_check "restart: the cut-short one kept" sb_wait_log 'call 5: its voicemail was cut short by a stop' 5
sb_check "restart: interaction 4 queued" db_is "SELECT state FROM interactions WHERE id = 4" queued
sb_check "restart: a voicemail task for call 5" \
	db_is "SELECT channel, from_addr, state FROM interactions WHERE recording LIKE '%/voicemail-5.wav' AND channel = 'voicemail'" "voicemail|5550113|queued"
# 1004's phone is at the address it registered from before the kill (a
# phone outlives a server crash): its registration is restored at start,
# so the waiting voicemail rings it at once, before it registers again.
sb_check "restart: 1004's registration restored" sb_wait_log 'agent 1004: registration .* restored' 5
voice_agent 1004 "$P1004" answer 2
sb_check "restart: voicemail 4 played to 1004" sb_wait_log 'call 4: voicemail played to agent 1004' 20
sb_check "restart: played to the end" sb_wait_log 'call 4: media caller rx 0 tx 0' 30
sb_check "restart: handled" db_is "SELECT agent_id, outcome FROM interactions WHERE id = 4" "1004|answered"
id=$(sqlite3 "$db" "SELECT id FROM interactions WHERE recording LIKE '%/voicemail-5.wav' AND channel = 'voicemail'")
sb_check "restart: voicemail $id played to 1004 too" sb_wait_log "call $id: voicemail played to agent 1004" 40
sb_stop
sb_pass
