#!/usr/bin/env bash
# Browser test of a call (Playwright + Debian chromium, SIPp on both
# sides): the agent logs in and becomes available, a SIPp caller dials
# 5001, the call card pops, the agent's SIPp phone answers, the agent
# holds and resumes (re-INVITEs to the phone), types notes, the tab is reloaded and the notes are still there, the
# caller hangs up, the agent picks a disposition; the wallboard shows the
# call answered and the service level. Screenshots in artifacts/.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"

# A long wrap-up time, so that the disposition is what ends it.
sb_start --demo
sb_stop
sqlite3 "$SB_DATA/switchboard.db" "UPDATE queues SET wrapup_s = 120" ||
	sb_fail "setting the wrap-up time"
sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
# The phone rings 3 s before it answers, so that the card can be seen.
voice_port
RING_MS=3000 voice_agent 1003 "$PORT" answer 1 "$(step_phone_reinvite)$(step_phone_reinvite)"
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
# The caller talks 20 s, then hangs up; the browser script places it
# when the agent is ready.
voice_call_args 5001 "" 20000 60000 5550177
printf '%q ' timeout 60 sipp "${CALL_ARGS[@]}" >"$SB_TMP/call.sh"
SB_HTTP_PORT=$SB_HTTP_PORT SB_CALL="bash $SB_TMP/call.sh" \
	timeout 150 node "$here/web_call.mjs" || sb_fail "browser test web_call.mjs"
row=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT i.outcome, i.agent_id, n.disposition, n.notes FROM interactions i JOIN interaction_notes n ON n.interaction_id = i.id")
sb_check "the record: answered by 1003, disposition and notes ($row)" \
	test "$row" = "answered|1003|sale|Wants the premium plan; call back Friday."
sb_stop
sb_pass
