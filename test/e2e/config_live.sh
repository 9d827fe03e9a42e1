#!/usr/bin/env bash
# Configuration applied live (issue 12), SIPp phones and curl, no restart:
#  - an agent created through the API (1010, SIP password, skill) and
#    added to support registers at once and answers the next call to 5001;
#  - removed from support mid-call: the call goes on to its end, the next
#    support call goes to another agent (1010 is not offered it);
#  - a changed strategy (top_down, then highest_skill) decides the next
#    call of sales;
#  - the numbers API: a number added answers, one moved to another queue
#    follows, one deleted stops answering new calls (challenged as any
#    non-public number; 404 with credentials) while its call in progress
#    goes on;
#  - escalations set through the API reach a live call: support asks for
#    level 9 nobody has, and after 3 s accepts level 1;
#  - a queue still dialled cannot be deleted (409); one deleted while a
#    caller waits gives the caller up (no overflow queue);
#  - an agent deleted mid-call finishes the call (no wrap-up after it) and
#    can no longer register;
#  - a changed SIP password applies at the next REGISTER; a disabled
#    agent cannot register.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
AGENT=$(api_login 1001 pw1001)
[ -n "$ADMIN" ] && [ -n "$AGENT" ] || sb_fail "logins"
offered_sql() { # INTERACTION: the agents it was offered to
	echo "SELECT group_concat(agent_id, ',') FROM interaction_events WHERE interaction_id = $1 AND type = 'offered'"
}

# --- a new agent takes the next call -------------------------------------
sb_check "create agent 1010" api 201 POST /api/v1/agents "$ADMIN" \
	'{"extension":"1010","name":"Zoe 1010","sip_password":"pw1010","skills":{"support":5}}'
id=$(api_field .id)
sb_check "1010 joins support" api 200 PATCH /api/v1/queues/2 "$ADMIN" \
	"{\"members\":[{\"agent_id\":1003,\"level\":8},{\"agent_id\":1004,\"level\":6},{\"agent_id\":1001,\"level\":3},{\"agent_id\":$id,\"level\":5}]}"
sb_check "applied live" sb_wait_log 'queue support changed \(longest_idle, 4 members\)' 2
voice_port; RING_MS=200 voice_agent 1010 "$PORT" answer 2
sb_check "1010's phone registers and logs in" sb_wait_log 'agent 1010 available' 5
voice_call 5001 "" 2000; rc=$?
sb_check "a call to 5001 passes ($rc)" test "$rc" = 0
sb_check "1010 answered it" grep -q "call 1: bridged to agent $id" "$SB_LOG"

# --- a member removed mid-call finishes it and gets no more --------------
sb_check "1010 back from wrap-up" sb_wait_log 'agent 1010 available \(was wrapup\)' 10
voice_call_bg 5001 "" 6000
caller=$CALL_PID
sb_check "call 2 to 1010" sb_wait_log "call 2: bridged to agent $id" 10
sb_check "1010 leaves support mid-call" api 200 PATCH /api/v1/queues/2 "$ADMIN" \
	'{"members":[{"agent_id":1003,"level":8},{"agent_id":1004,"level":6},{"agent_id":1001,"level":3}]}'
wait "$caller"; rc=$?
sb_check "call 2 went on to the caller's hang-up ($rc)" test "$rc" = 0
sb_check "call 2 answered by 1010 and finished" sb_db_is \
	"SELECT outcome, hung_up_by, agent_id, talk_ms >= 5000 FROM interactions WHERE id = 2" \
	"answered|caller|$id|1"
sb_check "1010 available again" sb_wait_count 'agent 1010 available \(was wrapup\)' 2 10
voice_call_bg 5001 "" 8000
caller=$CALL_PID
sb_check "call 3 waits" sb_wait_log 'call 3: 5550100 -> 5001' 5
voice_port; RING_MS=200 voice_agent 1004 "$PORT" answer 3
sb_check "call 3 goes to 1004" sb_wait_log 'call 3: bridged to agent 1004' 10
sb_check "1010 was not offered call 3" sb_db_is "$(offered_sql 3)" 1004
wait "$caller"
wait "$AGENT_PID_1010"; rc=$?
sb_check "1010's phone took exactly its two calls ($rc)" test "$rc" = 0

# --- a changed strategy applies to the next decision ---------------------
voice_port; RING_MS=200 voice_agent 1002 "$PORT" answer 3
sb_check "1002 logs in first" sb_wait_log 'agent 1002 available' 5
voice_port; RING_MS=200 voice_agent 1001 "$PORT" answer 3
sb_check "1001 logs in second" sb_wait_log 'agent 1001 available' 5
sb_check "sales: top_down, 1001 first" api 200 PATCH /api/v1/queues/1 "$ADMIN" \
	'{"strategy":"top_down","members":[{"agent_id":1001,"level":2},{"agent_id":1002,"level":9}]}'
voice_call 5002 "" 1000
sb_check "top_down: 1001 (longest idle was 1002)" sb_wait_log 'call 4: bridged to agent 1001' 5
sb_check "1001 back from wrap-up" sb_wait_log 'agent 1001 available \(was wrapup\)' 10
sb_check "sales: highest_skill" api 200 PATCH /api/v1/queues/1 "$ADMIN" \
	'{"strategy":"highest_skill"}'
voice_call 5002 "" 1000
sb_check "highest_skill: 1002 (level 9; top_down gave 1001)" \
	sb_wait_log 'call 5: bridged to agent 1002' 5

# --- numbers --------------------------------------------------------------
sb_check "numbers: list" api 200 GET /api/v1/numbers "$ADMIN"
sb_check "numbers: the demo's three" \
	test "$(api_field '[.[] | "\(.number)=\(.flow // "")/\(.queue // "")"] | join(",")')" = \
	"5000=demo-5000/,5001=/support,5002=/sales"
sb_check "numbers: agents may not" api 403 GET /api/v1/numbers "$AGENT"
sb_check "numbers: add 5003 to sales" api 201 POST /api/v1/numbers "$ADMIN" \
	'{"number":"5003","queue":"sales"}'
sb_check "numbers: as asked" test "$(api_field '"\(.number) \(.queue) \(.flow)"')" = "5003 sales null"
sb_check "numbers: duplicate 409" api 409 POST /api/v1/numbers "$ADMIN" '{"number":"5003","queue":"sales"}'
sb_check "numbers: unknown queue 400" api 400 POST /api/v1/numbers "$ADMIN" '{"number":"5004","queue":"nosuch"}'
sb_check "numbers: names the queue" test "$(api_field .error.field)" = queue
sb_check "numbers: unknown flow 400" api 400 POST /api/v1/numbers "$ADMIN" '{"number":"5004","flow":"nosuch"}'
sb_check "numbers: names the flow" test "$(api_field .error.field)" = flow
sb_check "numbers: bad number 400" api 400 POST /api/v1/numbers "$ADMIN" '{"number":"50a4","queue":"sales"}'
sb_check "numbers: names the number" test "$(api_field .error.field)" = number
sb_check "numbers: not both 400" api 400 POST /api/v1/numbers "$ADMIN" '{"number":"5004","queue":"sales","flow":"demo-5000"}'
sb_check "numbers: supervisors may not add" api 403 POST /api/v1/numbers "$(api_login super pwsuper)" '{"number":"5004","queue":"sales"}'
voice_call 5003 "" 1000
sb_check "5003 answers at once, in sales" sb_wait_log 'call 6: bridged to agent 100[12]' 5
sb_check "numbers: 5003 to support" api 200 PATCH /api/v1/numbers/5003 "$ADMIN" '{"queue":"support"}'
sb_check "numbers: moved" test "$(api_field .queue)" = support
voice_call 5003 "" 1000
sb_check "5003 now leads to support" \
	sb_db_is "SELECT queue FROM interactions WHERE id = 7" support
sb_check "numbers: to a flow" api 200 PATCH /api/v1/numbers/5003 "$ADMIN" '{"flow":"demo-5000"}'
sb_check "numbers: flow set, queue cleared" test "$(api_field '"\(.flow) \(.queue)"')" = "demo-5000 null"
sb_check "numbers: unknown number 404" api 404 PATCH /api/v1/numbers/5999 "$ADMIN" '{"queue":"sales"}'
voice_call_bg 5002 "" 5000
caller=$CALL_PID
sb_check "call 8 to 5002 talking" sb_wait_log 'call 8: bridged' 10
sb_check "numbers: delete 5002 mid-call" api 204 DELETE /api/v1/numbers/5002 "$ADMIN"
sb_check "a new call to 5002 is not answered: challenged as a non-public number" \
	voice_invite_auth 5002 407
sb_check "and with credentials: 404" voice_invite_auth 5002 404 1001 pw1001
wait "$caller"; rc=$?
sb_check "the call in progress went on ($rc)" test "$rc" = 0
sb_check "numbers: gone" api 404 DELETE /api/v1/numbers/5002 "$ADMIN"
sb_check "numbers: listed without it" api 200 GET /api/v1/numbers "$ADMIN"
sb_check "numbers: 5000, 5001, 5003" test "$(api_field '[.[].number] | join(",")')" = 5000,5001,5003
sb_check "numbers: audited" sb_db_is \
	"SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log WHERE action LIKE 'number.%' ORDER BY id)" \
	"number.create,number.update,number.update,number.delete"

# --- escalations reach a live call ----------------------------------------
sb_check "escalations: a bad step refused" api 400 PATCH /api/v1/queues/2 "$ADMIN" \
	'{"escalations":[{"after_s":3,"action":"lower_level","level":11}]}'
sb_check "escalations: the field is named" test "$(api_field .error.field)" = escalations
sb_check "support: level 9, after 3 s level 1" api 200 PATCH /api/v1/queues/2 "$ADMIN" \
	'{"min_level":9,"escalations":[{"after_s":3,"action":"lower_level","level":1}]}'
sb_check "escalations: kept" test "$(api_field '.escalations[0].action')" = lower_level
voice_call 5001 "" 7000; rc=$?
sb_check "call 9 answered after the escalation ($rc)" test "$rc" = 0
sb_check "call 9 ended" sb_wait_log 'call 9: media' 5
sb_check "it waited for the 3 s step, not longer" sb_db_is \
	"SELECT outcome, wait_ms >= 3000, wait_ms < 6000 FROM interactions WHERE id = 9" "answered|1|1"

# --- a queue deleted with a caller waiting ---------------------------------
sb_check "queues: support is still dialled (5001): 409" api 409 DELETE /api/v1/queues/2 "$ADMIN"
sb_check "a queue nobody staffs" api 201 POST /api/v1/queues "$ADMIN" '{"name":"empty","members":[]}'
qid=$(api_field .id)
sb_check "dialled on 5004" api 201 POST /api/v1/numbers "$ADMIN" '{"number":"5004","queue":"empty"}'
voice_call_bg 5004 "" 30000
caller=$CALL_PID
sb_check "call 10 waits in it" sb_wait_log 'call 10: 5550100 -> 5004' 5
sb_check "5004 removed" api 204 DELETE /api/v1/numbers/5004 "$ADMIN"
sb_check "the queue deleted" api 200 DELETE "/api/v1/queues/$qid" "$ADMIN"
sb_check "its waiting caller is given up (no overflow queue)" \
	sb_wait_log 'call 10: the queue gave up' 5
wait "$caller"
sb_check "call 10's record: given up" \
	sb_db_is "SELECT outcome FROM interactions WHERE id = 10" gave_up

# --- an agent deleted mid-call finishes it ---------------------------------
sb_check "agent 1011" api 201 POST /api/v1/agents "$ADMIN" \
	'{"extension":"1011","name":"Yan 1011","sip_password":"pw1011"}'
id11=$(api_field .id)
sb_check "the only member of solo" api 201 POST /api/v1/queues "$ADMIN" \
	"{\"name\":\"solo\",\"wrapup_s\":30,\"members\":[{\"agent_id\":$id11}]}"
sb_check "dialled on 5005" api 201 POST /api/v1/numbers "$ADMIN" '{"number":"5005","queue":"solo"}'
voice_port; RING_MS=200 voice_agent 1011 "$PORT" answer 1
sb_check "1011 logs in" sb_wait_log 'agent 1011 available' 5
voice_call_bg 5005 "" 5000
caller=$CALL_PID
sb_check "call 11 to 1011" sb_wait_log "call 11: bridged to agent $id11" 10
sb_check "1011 deleted mid-call" api 200 DELETE "/api/v1/agents/$id11" "$ADMIN"
wait "$caller"; rc=$?
sb_check "the call went on to the caller's hang-up ($rc)" test "$rc" = 0
wait "$AGENT_PID_1011"; rc=$?
sb_check "1011's phone had its call to the end ($rc)" test "$rc" = 0
sb_check "the record is complete, without wrap-up" \
	sb_wait_count "call 11: media" 1 5
sb_check "call 11 ended, answered, no wrap-up" sb_db_is \
	"SELECT state, outcome, hung_up_by, agent_id, wrapup_ms FROM interactions WHERE id = 11" \
	"ended|answered|caller|$id11|0"
sb_check "1011 busy to the end of the call, then logged out" sb_db_is \
	"SELECT group_concat(state || ':' || (duration_ms >= 4000), ',') FROM (SELECT state, duration_ms FROM agent_state_history WHERE agent_id = $id11 ORDER BY id)" \
	"available:0,reserved:0,busy:1"
sb_check "and logged out only then" \
	grep -q "agent 1011 logged_out (was busy)" "$SB_LOG"
voice_port
sb_check "a deleted agent cannot register" voice_register 1011 "$PORT" 403 pw1011

# --- SIP password changed, agent disabled ---------------------------------
sb_check "1010's SIP password changed" api 200 PATCH "/api/v1/agents/$id" "$ADMIN" '{"sip_password":"newpw1010"}'
voice_port
sb_check "the old password no longer registers" voice_register 1010 "$PORT" 403 pw1010
sb_check "the new one does" voice_register 1010 "$PORT" 200 newpw1010
sb_check "1010 disabled" api 200 PATCH "/api/v1/agents/$id" "$ADMIN" '{"enabled":false}'
sb_check "a disabled agent cannot register" voice_register 1010 "$PORT" 403 newpw1010
sb_check "no restart happened" test "$(grep -c '^ready' "$SB_OUT")" = 1
sb_stop
sb_pass
