#!/usr/bin/env bash
# Queueing: a caller to sales waits with music while nobody is logged in,
# and is answered as soon as an agent's phone registers (the demo logs it
# in); a second caller who hangs up while waiting is an abandon with its
# wait time; the interval statistics count both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
db=$SB_DATA/switchboard.db
voice_call_bg 5002 "" 9000
first=$CALL_PID
sb_check "caller 1 queued in sales with nobody there" \
	sb_wait_log 'call 1: 5550100 -> 5002' 5
sleep 2
sb_check "nobody rung yet" bash -c "! grep -q 'reserved' '$SB_LOG'"
voice_port; voice_agent 1001 "$PORT" answer 1
sb_check "agent logs in and the waiting call is answered" \
	sb_wait_log 'call 1: bridged to agent 1001' 5
voice_call_bg 5002 "" 2500 5550111
second=$CALL_PID
sb_check "caller 2 hangs up while 1001 is busy: abandoned" \
	sb_wait_log 'call 2: caller hung up' 10
wait "$second"; rc2=$?
wait "$first"; rc1=$?
sb_check "both callers' SIPp scenarios passed ($rc1 $rc2)" test "$rc1$rc2" = 00
sb_check "call 1 ended" sb_wait_log 'call 1: media' 10
row=$(sqlite3 "$db" "SELECT outcome, hung_up_by, wait_ms >= 2000, agent_id FROM interactions WHERE id = 1")
sb_check "call 1 answered after waiting ($row)" test "$row" = "answered|caller|1|1001"
row=$(sqlite3 "$db" "SELECT outcome, hung_up_by, wait_ms BETWEEN 2000 AND 4000, agent_id IS NULL FROM interactions WHERE id = 2")
sb_check "call 2 abandoned with its wait ($row)" test "$row" = "abandoned|caller|1|1"
ev=$(sqlite3 "$db" "SELECT group_concat(type, ',') FROM (SELECT type FROM interaction_events WHERE interaction_id = 1 ORDER BY id)")
sb_check "call 1 events ($ev)" grep -q 'call_started,entered_queue,offered,answered,ended' <<<"$ev"
sb_stop
# The abandon came within the queue's short-abandon time (5 s): counted
# as short, excluded from service level and abandonment.
iv=$(sqlite3 "$db" "SELECT offered, answered, abandoned, short_abandoned FROM interval_stats WHERE queue = 'sales'")
sb_check "interval statistics: 2 offered, 1 answered, 1 short abandon ($iv)" test "$iv" = "2|1|0|1"
sb_pass
