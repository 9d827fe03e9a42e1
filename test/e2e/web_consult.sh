#!/usr/bin/env bash
# Browser test of an attended transfer from the agent desktop (Playwright
# + chromium, SIPp phones for 1003 and 1001, a SIPp caller): 1003 answers,
# types 1001 in Consult; 1001's desktop shows who consults about which
# caller; 1001's phone answers; 1003's desktop offers Complete; after it
# the call is on 1001's desktop and 1003's desktop moves on to wrap-up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
voice_port
RING_MS=300 voice_agent 1003 "$PORT" answer 1
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
sleep 1
voice_port
RING_MS=1500 voice_agent 1001 "$PORT" answer 1
sb_wait_log 'agent 1001 available' 10 || sb_fail "agent 1001's phone"
voice_call_args 5001 "" 25000 60000 5550444
{ printf 'exec '; printf '%q ' timeout 90 sipp "${CALL_ARGS[@]}"; } >"$SB_TMP/call.sh"
SB_HTTP_PORT=$SB_HTTP_PORT SB_CALL="bash $SB_TMP/call.sh" \
	timeout 150 node "$here/web_consult.mjs" || sb_fail "browser test web_consult.mjs"
row=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT agent_id FROM interactions")
sb_check "the record: handled by 1001 in the end ($row)" test "$row" = 1001
sb_stop
sb_pass
