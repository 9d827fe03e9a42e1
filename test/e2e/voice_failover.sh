#!/usr/bin/env bash
# Ring failover: the agent idle longest (1003, registered first) never
# answers: after the 15 s ring timeout the server cancels it and rings
# 1004, who answers. Then 1003 comes back on a phone that declines: the
# next call goes from its 603 straight to 1004. The caller hears nothing
# of either.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
db=$SB_DATA/switchboard.db
voice_port; p1003=$PORT; RING_MS=100 voice_agent 1003 "$p1003" noanswer 1
sb_wait_log 'agent 1003 available' 5
voice_port; voice_agent 1004 "$PORT" answer 2
sb_wait_log 'agent 1004 available' 5
sb_check "call 1 talks and hangs up" voice_call 5001 "" 22000
ev=$(sqlite3 "$db" "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = 1 ORDER BY id)")
sb_check "1003 rang out, 1004 answered ($ev)" \
	grep -q 'offered:1003,timeout:1003,offered:1004,answered:1004' <<<"$ev"
wait_ms=$(sqlite3 "$db" "SELECT wait_ms FROM interactions WHERE id = 1")
sb_check "the wait includes the ring timeout ($wait_ms ms)" test "$wait_ms" -ge 15000
timeout 10 tail --pid="$AGENT_PID_1003" -f /dev/null
wait "$AGENT_PID_1003"
rc=$?
sb_check "1003's phone saw the CANCEL, its scenario passed (status $rc)" test "$rc" = 0
# 1003 comes back on a phone that declines (the old binding removed).
voice_register 1003 "$p1003" 200 pw1003 0
sb_wait_log 'agent 1003 logged_out' 5
voice_port; voice_agent 1003 "$PORT" decline 1
sb_wait_log 'agent 1003 available \(was logged_out' 5
sb_wait_log 'agent 1004 available \(was wrapup' 10
sb_check "call 2 talks and hangs up" voice_call 5001 "" 3000
ev=$(sqlite3 "$db" "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = 2 ORDER BY id)")
sb_check "1003 declined, 1004 answered ($ev)" \
	grep -q 'offered:1003,rejected:1003,offered:1004,answered:1004' <<<"$ev"
sb_stop
sb_pass
