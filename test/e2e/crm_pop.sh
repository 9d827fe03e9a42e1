#!/usr/bin/env bash
# Browser test of the screen pop (Playwright + Debian chromium, SIPp on
# both sides): the demo's VIP customer calls the demo number 5001 from a
# number written the national way (555 555 0100: +15555550100 in the CRM).
# The agent desktop's card shows her name, the VIP badge and "first
# contact"; the agent's SIPp phone answers, the customer panel shows her,
# the agent searches as they type and opens a case for the contact;
# wrap-up with a disposition; the case is solved. She calls again: the card
# now shows her last interaction (queue and disposition), and linking this
# contact to her solved case from the panel reopens it. A second customer
# gets her number: the third call's card offers both, the agent picks one
# and the interaction is linked to that one.
# Both interactions carry her customer id; an unknown number gets a
# provisional customer. Screenshots in artifacts/.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"
command -v sqlite3 >/dev/null || sb_fail "sqlite3 missing"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
db=$SB_DATA/switchboard.db
voice_port
RING_MS=3000 voice_agent 1003 "$PORT" answer 4
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
# The caller talks 8 s, then hangs up; the browser script places each call
# when the agent is ready.
voice_call_args 5001 "" 8000 60000 5555550100
printf '%q ' timeout 60 sipp "${CALL_ARGS[@]}" >"$SB_TMP/call1.sh"
voice_call_args 5001 "" 8000 60000 5555550100
printf '%q ' timeout 60 sipp "${CALL_ARGS[@]}" >"$SB_TMP/call2.sh"
voice_call_args 5001 "" 8000 60000 5555550100
printf '%q ' timeout 60 sipp "${CALL_ARGS[@]}" >"$SB_TMP/call3.sh"
SB_HTTP_PORT=$SB_HTTP_PORT SB_CALL1="bash $SB_TMP/call1.sh" SB_CALL2="bash $SB_TMP/call2.sh" \
	SB_CALL3="bash $SB_TMP/call3.sh" \
	timeout 200 node "$here/crm_pop.mjs" || sb_fail "browser test crm_pop.mjs"

ada=$(sqlite3 "$db" "SELECT id FROM customers WHERE name = 'Ada Lovelace'")
cb=$(sqlite3 "$db" "SELECT id FROM customers WHERE name = 'Charles Babbage'")
sb_check "the first two calls linked to the VIP ($ada), the third to the one the agent chose ($cb)" \
	test "$(sqlite3 "$db" "SELECT group_concat(coalesce(customer_id, 'none')) FROM interactions")" = "$ada,$ada,$cb"
sb_check "the first one with its disposition" \
	test "$(sqlite3 "$db" "SELECT n.disposition FROM interactions i JOIN interaction_notes n ON n.interaction_id = i.id ORDER BY i.id LIMIT 1")" = resolved

sb_check "her case: both calls linked, reopened once, open" \
	test "$(sqlite3 "$db" "SELECT (SELECT count(*) FROM case_interactions WHERE case_id = k.id) || '|' || k.reopened || '|' || k.status FROM cases k WHERE k.customer_id = $ada")" = "2|1|open"

# An unknown caller: a provisional customer with the number, linked.
voice_call 5001 "" 1000 60000 5550142 || sb_fail "the unknown caller's call"
sb_wait_log 'call 4: ' 10
for ((i = 0; i < 100; i++)); do
	row=$(sqlite3 "$db" "SELECT c.provisional || '|' || ci.value FROM interactions i JOIN customers c ON c.id = i.customer_id JOIN customer_identities ci ON ci.customer_id = c.id WHERE i.from_addr = '5550142'")
	[ -n "$row" ] && break
	sleep 0.1
done
sb_check "an unknown number makes a provisional customer ($row)" test "$row" = "1|5550142"
sb_stop
sb_pass
