#!/usr/bin/env bash
# Browser test of a voicemail task (Playwright + Debian chromium, SIPp on
# both sides): a caller leaves a message in the flow's voicemail node; the
# support agent logs in on the desktop, their SIPp phone registers and
# answers the task; the current contact shows the message as audio the
# page can fetch (GET /interactions/{id}/recording, the session cookie).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
flow='{"definition": {"name": "demo-5000", "start": "vm", "nodes": {
 "vm": {"type": "voicemail", "prompt": "Leave a message, then press pound.",
        "max_s": 20, "queue": "support"}}}}'
sb_check "voicemail flow saved" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" "$flow"
sb_check "a caller leaves a message" \
	voice_call 5000 "$(step_pause 3000; echo '<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>'; step_pause 5000; step_digit pound; step_wait_bye)" 15000 60000 5550131
sb_check "the message is a task" sb_wait_log 'voicemail for 5550131 queued in support' 10
# The phone rings 2 s before it answers; the browser script starts it.
voice_port
f=$SB_TMP/agent_1004.xml
voice_tmpl agent.xml "$f" USER=1004 RING_MS=2000 ANSWER= STEPS= BYE_WAIT_MS=60000
r=$SB_TMP/register_1004.xml
voice_tmpl register.xml "$r" USER=1004 CONTACT_PORT="$PORT" EXPECT=200 EXPIRES=3600
cat >"$SB_TMP/phone.sh" <<SH
sipp -sf $f -t u1 -i 127.0.0.1 -p $PORT -mp $((PORT + 1000)) -rtp_echo -m 1 -nostdin >$SB_TMP/phone.out 2>&1 &
sleep 0.5
sipp -sf $r -t u1 -i 127.0.0.1 -p $((PORT + 2)) -au 1004 -ap pw1004 -m 1 -timeout 10s -nostdin 127.0.0.1:$SB_SIP_PORT >$SB_TMP/reg.out 2>&1
wait
SH
SB_HTTP_PORT=$SB_HTTP_PORT SB_PHONE="bash $SB_TMP/phone.sh" \
	timeout 120 node "$here/web_voicemail.mjs" || sb_fail "browser test web_voicemail.mjs"
sb_check "played to the agent" sb_wait_log 'voicemail played to agent 1004' 5
sb_stop
sb_pass
