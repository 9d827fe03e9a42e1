#!/usr/bin/env bash
# A call record is never lost: the server is killed (SIGKILL) in the middle
# of a bridged call; after a restart the interaction is there with who
# answered and when, marked interrupted, and its events up to the answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
db=$SB_DATA/switchboard.db
voice_port; voice_agent 1003 "$PORT" answer 1
sb_wait_log 'agent 1003 available' 5
voice_call_bg 5001 "" 20000
sb_check "call bridged" sb_wait_log 'call 1: bridged to agent 1003' 10
sleep 1
kill -KILL "$SB_PID"
wait "$SB_PID" 2>/dev/null
SB_PID=
kill "$CALL_PID" 2>/dev/null
mv "$SB_LOG" "$SB_LOG.1"
sb_start --demo
sb_check "restart marks the live call interrupted" \
	sb_wait_log 'interaction 1 \(voice, talking\) was live when the server stopped' 5
sb_stop
row=$(sqlite3 "$db" "SELECT outcome, state, agent_id, answered_at > 0, queue FROM interactions WHERE id = 1")
sb_check "record kept: interrupted, answered by 1003 in support ($row)" \
	test "$row" = "interrupted|ended|1003|1|support"
ev=$(sqlite3 "$db" "SELECT group_concat(type, ',') FROM (SELECT type FROM interaction_events WHERE interaction_id = 1 ORDER BY id)")
sb_check "events kept ($ev)" grep -q 'entered_queue,offered,answered,interrupted' <<<"$ev"
sb_pass
