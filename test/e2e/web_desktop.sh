#!/usr/bin/env bash
# Browser test of the agent desktop as a working tool (Playwright + Debian
# chromium, SIPp phones and callers), see web_desktop.mjs: the pages an
# agent may and may not open, the phone's registration, state words, the
# favicon, the wallboard's interval chart before any call; a call through
# the IVR (menu, digit 2) that waits in the queue: the card's IVR path in
# words and its wait counting on while the phone rings; the call bar
# (caller, queue, talk time, mute, unmute, hang up); a second call from
# the same number is not a "new caller".
#
# Mute, end to end: 1003's phone plays 7 s of audio (236 packets) twice
# after answering, 2.5 s and 14.5 s after the answer; the desktop mutes at
# once and unmutes 12 s after the answer, so the caller is sent only the
# second burst: the server's count of packets relayed to the caller is
# about 236 (472 without the mute, 0 if unmute did nothing).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
# The phone speaks PCMU only: SIPp's G.711 A-law capture relabelled as
# payload type 0 (the bytes do not matter, only the packets).
python3 - "$SB_TMP/agent_pcmu.pcap" <<'PY' || sb_fail "making the phone's capture"
import struct, sys
d = bytearray(open('/usr/share/sip-tester/g711a.pcap', 'rb').read())
o = 24
while o < len(d):
    incl = struct.unpack_from('<I', d, o + 8)[0]
    f = o + 16
    ihl = (d[f + 14] & 15) * 4
    udp = f + 14 + ihl
    d[udp + 6:udp + 8] = b'\0\0'               # no UDP checksum
    d[udp + 9] = (d[udp + 9] & 0x80) | 0         # RTP payload type 0
    o = f + incl
open(sys.argv[1], 'wb').write(d)
PY
play="<nop><action><exec play_pcap_audio=\"$SB_TMP/agent_pcmu.pcap\"/></action></nop>"
voice_port
RING_MS=3000 voice_agent 1003 "$PORT" answer 1 \
	"$(step_pause 2500)$play$(step_pause 12000)$play$(step_pause 8000)"
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
voice_port
voice_agent 1001 "$PORT" answer 1
sb_wait_log 'agent 1001 available' 10 || sb_fail "agent 1001's phone"
# Call 1: through the IVR (menu: 2 for support), then waits in the queue
# until the desktop makes 1003 available; hung up by the agent.
voice_call_args 5000 "$(step_pause 1500; step_digit 2; step_wait_bye)" 90000 90000 5550177
{ printf 'exec '; printf '%q ' timeout 150 sipp "${CALL_ARGS[@]}"; } >"$SB_TMP/call1.sh"
# Call 2: the same number again, straight to the support queue.
voice_call_args 5001 "" 4000 60000 5550177
{ printf 'exec '; printf '%q ' timeout 90 sipp "${CALL_ARGS[@]}"; } >"$SB_TMP/call2.sh"
SB_HTTP_PORT=$SB_HTTP_PORT SB_TMP=$SB_TMP \
	timeout 240 node "$here/web_desktop.mjs" || sb_fail "browser test web_desktop.mjs"

line=$(grep -m1 'call 1: media caller' "$SB_LOG")
relayed=$(sed -n 's/.*media caller rx [0-9]* tx [0-9]* relayed \([0-9]*\),.*/\1/p' <<<"$line")
sb_check "muted, the caller got none of the agent's first burst; unmuted, the second ($relayed packets relayed to the caller, ~236 expected)" \
	test -n "$relayed" -a "${relayed:-0}" -ge 180 -a "${relayed:-0}" -le 320
row=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT hung_up_by FROM interactions WHERE id = 1")
sb_check "call 1 was hung up by the agent from the call bar ($row)" test "$row" = agent
sb_stop
sb_pass
