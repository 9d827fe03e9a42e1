#!/usr/bin/env bash
# ring_all on live calls (issue 12, defect 4): sales is set to ring_all
# through the API with three members; the three phones ring at once, the
# second answers and gets the call, the other two are cancelled (CANCEL)
# and stay available with no miss counted; the timeline shows one answer
# and two offers not chosen, and the figures are right.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
sb_check "1003 gets the sales skill (live)" api 200 PATCH /api/v1/agents/1003 "$ADMIN" \
	'{"skills":{"support":8,"english":10,"sales":5}}'
sb_check "sales: ring_all with 1001, 1002, 1003 (live)" \
	api 200 PATCH /api/v1/queues/1 "$ADMIN" \
	'{"strategy":"ring_all","members":[{"agent_id":1001,"level":8},{"agent_id":1002,"level":6},{"agent_id":1003,"level":5}]}'
voice_port; RING_MS=300 voice_agent 1001 "$PORT" noanswer 1
voice_port; RING_MS=1500 voice_agent 1002 "$PORT" answer 1
voice_port; RING_MS=300 voice_agent 1003 "$PORT" noanswer 1
for a in 1001 1002 1003; do
	sb_check "$a logged in" sb_wait_log "agent $a available" 10
done
voice_call_bg 5002 "" 4000
caller=$CALL_PID
sb_check "the call is offered to all three" sb_wait_log 'call 1: bridged' 15
sb_check "1002, who answered, gets the call" \
	grep -q 'call 1: bridged to agent 1002' "$SB_LOG"
wait "$AGENT_PID_1001"; r1=$?
wait "$AGENT_PID_1003"; r3=$?
sb_check "1001 and 1003 were rung and cancelled ($r1 $r3)" test "$r1$r3" = 00
sb_check "1001's phone got a CANCEL" grep -q '^CANCEL sip' "$SB_TMP/agent_1001.msg"
sb_check "1003's phone got a CANCEL" grep -q '^CANCEL sip' "$SB_TMP/agent_1003.msg"
AV='[.agents[] | select(.extension == "1001" or .extension == "1003") | "\(.state)/\(.missed)"] | join(",")'
sb_check "1001 and 1003 available, no miss counted" \
	api_wait_live "$ADMIN" "$AV" "available/0,available/0"
sb_check "1002 busy" \
	api_wait_live "$ADMIN" '.agents[] | select(.extension == "1002") | .state' busy
wait "$caller"; rc=$?
sb_check "the caller's scenario passed ($rc)" test "$rc" = 0
wait "$AGENT_PID_1002"; r2=$?
sb_check "1002's phone scenario passed ($r2)" test "$r2" = 0
sb_check "call 1 ended" sb_wait_log 'call 1: media' 10
sb_check "1002 handled one, missed none" api_wait_live "$ADMIN" \
	'.agents[] | select(.extension == "1002") | "\(.handled)/\(.missed)"' "1/0"
sb_check "1001 and 1003 handled none, missed none" api_wait_live "$ADMIN" \
	'[.agents[] | select(.extension == "1001" or .extension == "1003") | "\(.handled)/\(.missed)"] | join(",")' "0/0,0/0"
sb_check "timeline: three offers, one answer, two not chosen" sb_db_is \
	"SELECT group_concat(e, ' ') FROM (SELECT type || ':' || coalesce(agent_id, '') AS e FROM interaction_events WHERE interaction_id = 1 AND type IN ('offered', 'answered', 'not_chosen', 'cancelled', 'timeout', 'rejected') ORDER BY type, agent_id)" \
	"answered:1002 not_chosen:1001 not_chosen:1003 offered:1001 offered:1002 offered:1003"
sb_check "interaction answered by 1002" \
	sb_db_is "SELECT outcome, agent_id FROM interactions WHERE id = 1" "answered|1002"
sb_stop
sb_pass
