#!/usr/bin/env bash
# Browser test of the desktop's Accept and Reject on an offer (Playwright
# + Debian chromium, SIPp phones for agents 1003 and 1001, SIPp callers):
#  - Reject: 1003's phone stops ringing (CANCEL) and 1001's phone rings and
#    answers at once (before 1003's ring timeout);
#  - Accept: 1003's phone, which only answers INVITEs asking for
#    auto-answer, is rung again with Call-Info answer-after=0 and answers;
#  - the Auto-answer switch: the next offer carries the hint from the
#    start and the phone answers without a click.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
# 1003 first: the longest idle agent gets the first offer.
voice_port
RING_MS=100 voice_agent 1003 "$PORT" autoanswer 4
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
sleep 1
voice_port
RING_MS=500 voice_agent 1001 "$PORT" answer 1
sb_wait_log 'agent 1001 available' 10 || sb_fail "agent 1001's phone"
for n in 1 2 3; do
	voice_call_args 5001 "" 8000 60000 555020$n
	{ printf 'exec '; printf '%q ' timeout 90 sipp "${CALL_ARGS[@]}"; } >"$SB_TMP/call$n.sh"
done
SB_HTTP_PORT=$SB_HTTP_PORT SB_TMP=$SB_TMP SB_PHONE_MSG="$SB_TMP/agent_1003.msg" \
	timeout 200 node "$here/web_offer.mjs" || sb_fail "browser test web_offer.mjs"
ev=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = (SELECT min(id) FROM interactions) AND type IN ('offered', 'declined_on_desktop', 'rejected', 'answered') ORDER BY id)")
sb_check "timeline of the rejected call ($ev)" \
	test "$ev" = "offered:1003,declined_on_desktop:1003,rejected:1003,offered:1001,answered:1001"
ev=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = (SELECT min(id) + 1 FROM interactions) AND type IN ('offered', 'accept_requested', 'answered') ORDER BY id)")
sb_check "timeline of the accepted call ($ev)" \
	test "$ev" = "offered:1003,accept_requested:1003,answered:1003"
n=$(grep -c 'answer-after=0' "$SB_TMP/agent_1003.msg")
sb_check "1003's phone got the hint twice: Accept and auto-answer ($n)" test "$n" -ge 2
sb_stop
sb_pass
