#!/usr/bin/env bash
# Agent dropout (the work-at-home case): the agent's leg dies right after
# answering (BYE within the first seconds) -> the caller is not dropped:
# they hear an apology and go back to the head of the queue, the next
# agent answers, the interaction records the dropout and the first agent
# is away with reason "connection lost". Then the same with a leg that
# goes silent (RTP timeout).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo --rtp-timeout 3
db=$SB_DATA/switchboard.db
voice_port; voice_agent 1003 "$PORT" answer 1 "$(step_agent_bye 1000)"
sb_wait_log 'agent 1003 available' 5
voice_port; voice_agent 1004 "$PORT" answer 1
sb_wait_log 'agent 1004 available' 5
sb_check "the caller stays on and hangs up after talking to 1004" \
	voice_call 5001 "" 5000
sb_check "dropout logged" sb_wait_log 'call 1: agent 1003 dropped out \(hung up at once\): requeued' 1
sb_check "1003 away: connection lost" sb_wait_log 'agent 1003 away: connection lost' 1
ev=$(sqlite3 "$db" "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = 1 ORDER BY id)")
sb_check "events: answered by 1003, dropout, requeued, answered by 1004 ($ev)" \
	grep -q 'answered:1003,dropout:1003,requeued:1003,offered:1004,answered:1004,ended:1004' <<<"$ev"
row=$(sqlite3 "$db" "SELECT outcome, agent_id, hung_up_by FROM interactions WHERE id = 1")
sb_check "final outcome ($row)" test "$row" = "answered|1004|caller"

# A silent agent leg: SIPp's phone answers without echoing media.
sb_wait_log 'agent 1004 available \(was wrapup' 10
voice_port
voice_tmpl agent.xml "$SB_TMP/mute.xml" USER=1004 RING_MS=100 ANSWER= \
	STEPS= BYE_WAIT_MS=30000
sipp -sf "$SB_TMP/mute.xml" -t u1 -i 127.0.0.1 -p "$PORT" -m 1 -nostdin \
	-trace_err -error_file "$SB_TMP/mute.err" >"$SB_TMP/mute.out" 2>&1 &
voice_register 1004 "$PORT" 200
voice_call 5001 "" 9000 &
caller=$!
sb_check "silent agent leg detected" \
	sb_wait_log 'call 2: agent 1004 dropped out \(no media\)' 15
wait "$caller"
sb_stop
sb_pass
