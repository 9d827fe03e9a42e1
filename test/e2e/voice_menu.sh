#!/usr/bin/env bash
# The demo menu on 5000 (the demo flow, data/flows/demo-5000.json): a digit
# sent as RFC 4733 events picks sales, a SIP INFO digit picks support, an
# in-band... (see voice_dtmf for in-band), no input after two tries goes to
# support; an invalid digit is retried.
# Each call is answered by the agent of the chosen queue and the
# interaction records the IVR path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
voice_port; voice_agent 1002 "$PORT" answer 1    # sales only
voice_port; voice_agent 1004 "$PORT" answer 3    # support only
sb_check "agents available" sb_wait_log 'agent 1004 available' 10

db=$SB_DATA/switchboard.db
last() { sqlite3 "$db" "SELECT queue, agent_id, ivr_path FROM interactions ORDER BY id DESC LIMIT 1"; }

sb_check "RFC 4733 digit 1 -> sales" \
	voice_call 5000 "$(step_pause 1500; step_digit 1; step_pause 2500)" 500
sb_wait_log 'call 1: media' 10
sb_check "call 1 went to sales and 1002 ($(last))" \
	grep -q '^sales|1002|.*{"node": "menu", "digit": "1"},.*{"node": "sales", "queue": "sales"}\]$' <<<"$(last)"

sb_check "SIP INFO digit 2 -> support" \
	voice_call 5000 "$(step_pause 1000; step_info_digit 2; step_pause 2500)" 500
sb_wait_log 'call 2: media' 10
sb_check "call 2 went to support and 1004 ($(last))" \
	grep -q '^support|1004|.*{"node": "menu", "digit": "2"},.*{"node": "support", "queue": "support"}\]$' <<<"$(last)"

sb_check "invalid 7, then 2 -> support" \
	voice_call 5000 "$(step_pause 800; step_digit 7; step_pause 1500; step_digit 2; step_pause 2500)" 500
sb_wait_log 'call 3: media' 10
sb_check "call 3 path shows the invalid digit ($(last))" \
	grep -q '"digit": "7", "invalid": true},{"node": "menu", "digit": "2"},.*{"node": "support", "queue": "support"}' <<<"$(last)"

sb_check "no input twice -> support (the greeting plays, 5 s timeouts)" \
	voice_call 5000 "$(step_pause 22000)" 3000
sb_wait_log 'call 4: media' 10
sb_check "call 4 went to support after two no-inputs ($(last))" \
	grep -q '^support|1004|.*"no_input": true},{.*"no_input": true}' <<<"$(last)"
sb_stop
sb_pass
