#!/usr/bin/env bash
# The desktop's Accept and Reject on a ring_all offer (issue 12, defect 4):
# a call to sales rings 1001, 1002 and 1003 at once. Before, only the
# agent offered last could use the buttons (the live view's one agent):
# the others got 403. Now each agent being rung may act on their own
# offer: 1002 rejects (its phone alone stops ringing, the others ring on),
# an agent not rung (1004) is refused, 1001 accepts (its phone is rung
# again with the auto-answer hint and answers) and 1003 is cancelled.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
sb_check "1003 gets the sales skill (live)" api 200 PATCH /api/v1/agents/1003 "$ADMIN" \
	'{"skills":{"support":8,"english":10,"sales":5}}'
sb_check "sales: ring_all with 1001, 1002, 1003, ringing 30 s" \
	api 200 PATCH /api/v1/queues/1 "$ADMIN" \
	'{"strategy":"ring_all","ring_timeout_s":30,"members":[{"agent_id":1001,"level":8},{"agent_id":1002,"level":6},{"agent_id":1003,"level":5}]}'
voice_port; RING_MS=100 voice_agent 1001 "$PORT" autoanswer 2
voice_port; RING_MS=100 voice_agent 1002 "$PORT" noanswer 1
voice_port; RING_MS=100 voice_agent 1003 "$PORT" noanswer 1
for a in 1001 1002 1003; do
	sb_check "$a logged in" sb_wait_log "agent $a available" 10
done
A1=$(api_login 1001 pw1001)
A2=$(api_login 1002 pw1002)
A4=$(api_login 1004 pw1004)
[ -n "$A1" ] && [ -n "$A2" ] && [ -n "$A4" ] || sb_fail "agent logins"
voice_call_bg 5002 "" 3000
caller=$CALL_PID
sb_check "the call is offered to all three" sb_db_is \
	"SELECT group_concat(agent_id) FROM (SELECT agent_id FROM interaction_events WHERE interaction_id = 1 AND type = 'offered' ORDER BY agent_id)" \
	"1001,1002,1003" 15
sb_check "1002 sees the call as theirs" api 200 GET /api/v1/calls/1 "$A2"
sb_check "1004, not rung, may not accept it" api 403 POST /api/v1/interactions/1/accept "$A4"
sb_check "1002 rejects their offer" api 200 POST /api/v1/interactions/1/reject "$A2"
wait "$AGENT_PID_1002"; r2=$?
sb_check "1002's phone got a CANCEL and its scenario passed ($r2)" \
	test "$r2" = 0 -a -n "$(grep '^CANCEL sip' "$SB_TMP/agent_1002.msg")"
sb_check "1001 and 1003 still ring" sb_db_is \
	"SELECT count(*) FROM interaction_events WHERE interaction_id = 1 AND type IN ('cancelled', 'not_chosen', 'answered', 'timeout') AND agent_id IN (1001, 1003)" 0
sb_check "1002 may not reject twice" api 403 POST /api/v1/interactions/1/reject "$A2"
sb_check "1001 accepts their offer" api 200 POST /api/v1/interactions/1/accept "$A1"
sb_check "1001's phone answers the auto-answer INVITE" sb_wait_log 'call 1: bridged to agent 1001' 10
wait "$AGENT_PID_1003"; r3=$?
sb_check "1003's phone got a CANCEL and its scenario passed ($r3)" \
	test "$r3" = 0 -a -n "$(grep '^CANCEL sip' "$SB_TMP/agent_1003.msg")"
n=$(grep -c 'answer-after=0' "$SB_TMP/agent_1001.msg")
sb_check "1001's phone got the auto-answer hint ($n)" test "$n" -ge 1
wait "$caller"; rc=$?
sb_check "the caller's scenario passed ($rc)" test "$rc" = 0
wait "$AGENT_PID_1001"; r1=$?
sb_check "1001's phone scenario passed ($r1)" test "$r1" = 0
sb_check "timeline: offered to three, 1002 declined, 1001 accepted and answered" sb_db_is \
	"SELECT group_concat(e, ' ') FROM (SELECT type || ':' || agent_id AS e FROM interaction_events WHERE interaction_id = 1 AND type IN ('declined_on_desktop', 'accept_requested', 'answered') ORDER BY id)" \
	"declined_on_desktop:1002 accept_requested:1001 answered:1001"
sb_check "interaction answered by 1001" \
	sb_db_is "SELECT outcome, agent_id FROM interactions WHERE id = 1" "answered|1001" 10
sb_stop
sb_pass
