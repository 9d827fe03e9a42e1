#!/usr/bin/env bash
# A consult to a queue asks the ACD which member its strategy and skills
# would pick now (issue 12, defect 5), not "the longest idle" of its own:
# 1003 has a support call; 1004 logged in before 1001 (so 1004 is the
# longest idle). With support set to top_down (1003, 1001, 1004) the
# consult rings 1001; cancelled, then highest_skill with 1001 at level 9
# and 1004 at 2: 1001 again, though 1004 is still the longest idle; with
# 1001 leaving the queue: 1004.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
A3=$(api_login 1003 pw1003)
[ -n "$ADMIN" ] && [ -n "$A3" ] || sb_fail "logins"
voice_port; RING_MS=200 voice_agent 1003 "$PORT" answer 1
sb_wait_log 'agent 1003 available' 10 || sb_fail "1003's phone"
voice_port; RING_MS=200 voice_agent 1004 "$PORT" noanswer 1
sb_wait_log 'agent 1004 available' 10 || sb_fail "1004's phone"
voice_port; RING_MS=200 voice_agent 1001 "$PORT" noanswer 2
sb_wait_log 'agent 1001 available' 10 || sb_fail "1001's phone"
voice_call_bg 5001 "" 60000
caller=$CALL_PID
sb_check "1003 (the longest idle) has the call" api_wait_talking "$A3"
U=/api/v1/interactions/$IID
sb_check "support: top_down 1003, 1001, 1004" api 200 PATCH /api/v1/queues/2 "$ADMIN" \
	'{"strategy":"top_down","members":[{"agent_id":1003,"level":8},{"agent_id":1001,"level":3},{"agent_id":1004,"level":6}]}'
sb_check "consult the queue" api 200 POST "$U/consult" "$A3" '{"queue":"support"}'
sb_check "top_down rings 1001, not the longest idle 1004" \
	sb_wait_log "call $IID: agent 1003 consults agent 1001 \\(support\\)" 5
sb_check "cancel" api 200 POST "$U/transfer/cancel" "$A3"
sb_check "1001 available again" sb_wait_log 'agent 1001 available \(was away\)' 5
sb_check "support: highest_skill, 1001 at 9, 1004 at 2" api 200 PATCH /api/v1/queues/2 "$ADMIN" \
	'{"strategy":"highest_skill","members":[{"agent_id":1003,"level":8},{"agent_id":1001,"level":9},{"agent_id":1004,"level":2}]}'
sb_check "consult the queue again" api 200 POST "$U/consult" "$A3" '{"queue":"support"}'
sb_check "highest_skill rings 1001 again" \
	test "$(grep -c "call $IID: agent 1003 consults agent 1001 (support)" "$SB_LOG")" = 2
sb_check "cancel" api 200 POST "$U/transfer/cancel" "$A3"
sb_check "1001 leaves support" api 200 PATCH /api/v1/queues/2 "$ADMIN" \
	'{"members":[{"agent_id":1003,"level":8},{"agent_id":1004,"level":2}]}'
sb_check "1001's phone is free" sb_wait_count 'agent 1001 available \(was away\)' 2 5
sb_check "consult the queue a third time" api 200 POST "$U/consult" "$A3" '{"queue":"support"}'
sb_check "now 1004" sb_wait_log "call $IID: agent 1003 consults agent 1004 \\(support\\)" 5
sb_check "cancel" api 200 POST "$U/transfer/cancel" "$A3"
sb_check "hang up" api 200 POST "$U/hangup" "$A3"
wait "$caller"
sb_stop
sb_pass
