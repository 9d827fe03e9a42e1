#!/usr/bin/env bash
# The basic call: an agent's SIPp phone registers with digest credentials
# (the demo logs it in), a SIPp caller dials 5001 (straight to support),
# the agent's phone rings and answers, media flows both ways through the
# server (the agent echoes what it hears), the caller hangs up, the agent
# wraps up and becomes available again; the interaction records it all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo --rtp-timeout 10
voice_port
voice_agent 1003 "$PORT" answer 1
sb_check "agent 1003 registered and available" \
	sb_wait_log 'agent 1003 available' 10
sb_check "caller to 5001 talks 3 s and hangs up" \
	voice_call 5001 "" 3000
sb_check "call bridged to agent 1003" sb_wait_log 'bridged to agent 1003' 5
sb_check "media relayed both ways" \
	sb_wait_log 'call [0-9]+: media caller rx [1-9][0-9]* .*relayed [1-9][0-9]*, agent rx [1-9][0-9]* .*relayed [1-9][0-9]*' 10
sb_check "agent wraps up, then is available" \
	sb_wait_log 'agent 1003 .*available.*wrap' 15
db=$SB_DATA/switchboard.db
row=$(sqlite3 "$db" "SELECT outcome, hung_up_by, queue, agent_id, answered_at > 0, talk_ms > 2000 FROM interactions WHERE channel = 'voice'")
sb_check "interaction: answered by 1003 in support, caller hung up ($row)" \
	test "$row" = "answered|caller|support|1003|1|1"
sb_stop
sb_pass
