#!/usr/bin/env bash
# Hold and blind transfer from the agent's phone: 1003 answers, puts the
# caller on hold (re-INVITE sendonly: the caller hears music, not the
# agent), resumes, then transfers by REFER to extension 1004, whose phone
# rings and answers; the caller stays on throughout. Then 1004 transfers
# the next call to the queue "sales" by number (5002).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
db=$SB_DATA/switchboard.db
voice_port; voice_agent 1003 "$PORT" answer 1 \
	"$(step_pause 500; step_agent_hold 2000; step_pause 300; step_agent_refer 1004)"
sb_wait_log 'agent 1003 available' 5
voice_port; voice_agent 1004 "$PORT" answer 2 \
	"$(step_pause 1500; step_agent_refer 5002)"
sb_wait_log 'agent 1004 available' 5
voice_port; voice_agent 1002 "$PORT" answer 1
sb_wait_log 'agent 1002 available' 5
voice_call_bg 5001 "" 12000
caller=$CALL_PID
sb_check "1003 answers" sb_wait_log 'call 1: bridged to agent 1003' 10
sb_check "1003 holds, resumes and transfers to 1004" sb_wait_log 'agent 1003 transfers to 1004' 10
sb_check "1004 answers the transferred call" \
	sb_wait_log 'call 1: bridged to agent 1004' 10
sb_check "1004 transfers to 5002 (sales)" \
	sb_wait_log 'agent 1004 transfers to 5002' 10
sb_check "1002 answers from sales" sb_wait_log 'call 1: bridged to agent 1002' 10
wait "$caller"; rc=$?
sb_check "the caller's scenario passed ($rc)" test "$rc" = 0
sb_wait_log 'call 1: media' 5
# The call's last events are committed by the store's writer a moment
# after the log line: wait for the 'ended' row before reading them all.
events() {
	sqlite3 "$db" "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = 1 ORDER BY id)"
}
ended() { events | grep -q 'ended:'; }
sb_wait_until 5 ended
ev=$(events)
sb_check "events ($ev)" grep -q 'answered:1003,held:1003,resumed:1003,transfer_requested:1003,transferred:1003,offered:1004,answered:1004,transfer_requested:1004,transferred:1004,offered:1002,answered:1002,ended:1002' <<<"$ev"
row=$(sqlite3 "$db" "SELECT queue, agent_id, hold_ms BETWEEN 1500 AND 4000 FROM interactions WHERE id = 1")
sb_check "ends in sales with 1002, hold time counted ($row)" test "$row" = "sales|1002|1"
sb_stop
sb_pass
