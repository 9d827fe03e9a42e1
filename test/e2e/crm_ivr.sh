#!/usr/bin/env bash
# The IVR reads the CRM on a live call: with the demo flow file active on
# 5000, the demo VIP first calls 5001 from her phone and is answered by
# some agent A. Then she calls 5000 from a number the CRM does not know,
# presses 3 and keys her account number 701234#: the lookup node finds
# her by account (customer.tier VIP, customer.last_agent A), the flow
# queues her with priority and A as the preferred agent (although the other
# agent has been idle longer), and the interaction is hers: customer_id
# follows the account, not the unknown number.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
command -v sqlite3 >/dev/null || sb_fail "sqlite3 missing"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
db=$SB_DATA/switchboard.db
sb_check "the demo flow file is saved and live on 5000" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" \
	"{\"definition\": $(cat "$SB_SRC/data/flows/demo-5000.json")}"
voice_port; voice_agent 1003 "$PORT" answer 2
voice_port; voice_agent 1004 "$PORT" answer 2
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
sb_wait_log 'agent 1004 available' 10 || sb_fail "agent 1004's phone"

sb_check "call 1: Ada calls 5001 from her phone" voice_call 5001 "" 2000 60000 5555550100
a=$(sqlite3 "$db" "SELECT agent_id FROM interactions WHERE id = (SELECT min(id) FROM interactions)")
sb_check "call 1: answered by $a" test -n "$a"
other=$((a == 1003 ? 1004 : 1003))
for ((i = 0; i < 200; i++)); do
	api 200 GET /api/v1/agents/$a/state "$SUPER" 2>/dev/null && [ "$(api_field .state)" = available ] && break
	sleep 0.1
done
sb_check "agent $a available again after wrap-up ($other idle longer)" test "$(api_field .state)" = available

sb_check "call 2: from an unknown number, 3, then 701234#" \
	voice_call 5000 "$(step_pause 1500; step_digit 3; step_pause 1500; for d in 7 0 1 2 3 4; do step_digit $d; step_pause 200; done; step_digit pound; step_pause 4000)" 2000 60000 5550199
row=$(sqlite3 "$db" "SELECT agent_id || '|' || customer_id || '|' || ivr_path FROM interactions WHERE id = (SELECT max(id) FROM interactions)")
ada=$(sqlite3 "$db" "SELECT customer_id FROM customer_identities WHERE kind = 'account' AND value = '701234'")
sb_check "call 2: the lookup by account found her" grep -q '{"node": "lookup_account", "found": true}' <<<"$row"
sb_check "call 2: the VIP branch queued her with priority" grep -q '"node": "support_vip"' <<<"$row"
sb_check "call 2: her last agent preferred" grep -q "\"preferred_agent\": $a" <<<"$row"
sb_check "call 2: answered by agent $a, not the longer idle $other ($row)" grep -q "^$a|" <<<"$row"
sb_check "call 2: the interaction is hers (customer $ada), not the unknown number's" grep -q "^$a|$ada|" <<<"$row"
sb_check "the lookup was logged" sb_wait_log 'ivr lookup by account: found' 5
sb_stop
sb_pass
