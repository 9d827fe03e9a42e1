#!/usr/bin/env bash
# While waiting, the caller hears music and, every announce period of the
# queue (set to 3 s here), their position and the expected wait from the
# ACD's figures ("less than a minute" rather than false precision; when
# nobody is logged in the wait is unknown and is not invented).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
sb_stop
db=$SB_DATA/switchboard.db
sqlite3 "$db" "UPDATE queues SET announce_every_s = 3 WHERE name = 'sales'"
sb_start --demo
voice_call_bg 5002 "" 12500
c1=$CALL_PID
sleep 0.5
voice_call_bg 5002 "" 12000 5550102
c2=$CALL_PID
wait $c1 $c2
sb_wait_log 'call 2: media' 5
ann() { sqlite3 "$db" "SELECT group_concat(detail, ' ') FROM interaction_events WHERE interaction_id = $1 AND type = 'announced'"; }
a1=$(ann 1) a2=$(ann 2)
sb_check "caller 1 announced as number 1, wait unknown ($a1)" \
	grep -q '{"position": 1, "expected_wait_s": -1}' <<<"$a1"
sb_check "caller 2 announced as number 2 ($a2)" \
	grep -q '{"position": 2, "expected_wait_s": -1}' <<<"$a2"
sb_check "caller 1 heard two announcements in 12 s" \
	test "$(grep -o position <<<"$a1" | wc -l)" -ge 2
# With an agent logged in but busy, the wait comes from the ACD.
voice_port; voice_agent 1002 "$PORT" answer 1
sb_wait_log 'agent 1002 available' 5
voice_call_bg 5002 "" 6000 5550103
c3=$CALL_PID
sleep 0.5
voice_call 5002 "" 5000 5550104
wait $c3
sb_wait_log 'call 4: media' 5
a4=$(ann 4)
sb_check "caller 4 waits behind a busy agent: a wait in seconds ($a4)" \
	grep -qE '"position": 1, "expected_wait_s": [0-9]+' <<<"$a4"
sb_stop
sb_pass
