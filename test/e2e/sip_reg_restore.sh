#!/usr/bin/env bash
# Agents' registrations survive a crash: a SIPp phone registers for 1003
# (auto-login makes the agent available), the server is killed (SIGKILL)
# and started again on the same address; without the phone registering
# again, 1003 is available and a call to the queue rings that phone and
# is answered, media both ways. A binding unregistered (Expires: 0) before
# the crash is gone from the store; one that expired while the server was
# down is not restored and is deleted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo --rtp-timeout 10
db=$SB_DATA/switchboard.db
rows() { sqlite3 "$db" "SELECT count(*) FROM sig_registrations WHERE agent_id = $1"; }

voice_port
phone=$PORT
voice_agent 1003 "$phone" answer 1
sb_check "agent 1003 registered and available" \
	sb_wait_log 'agent 1003 available' 10
row=$(sqlite3 "$db" "SELECT contact, uri, transport, expires_at > $(date +%s)000 + 3500000 FROM sig_registrations WHERE agent_id = 1003")
sb_check "its binding is in the store once the 200 came ($row)" \
	test "$row" = "sip:1003@127.0.0.1:$phone|sip:1003@127.0.0.1:$phone|udp|1"

# 1004 registers and unregisters: the row goes.
voice_port
p4=$PORT
sb_check "1004 registers" voice_register 1004 "$p4" 200
sb_check "its row is there" test "$(rows 1004)" = 1
sb_check "1004 unregisters (Expires: 0)" voice_register 1004 "$p4" 200 pw1004 0
sb_check "its row is gone" test "$(rows 1004)" = 0

# 1002 registers; it will have expired by the restart.
voice_port
sb_check "1002 registers" voice_register 1002 "$PORT" 200
sb_check "its row is there" test "$(rows 1002)" = 1

sip=127.0.0.1:$SB_SIP_PORT
kill -KILL "$SB_PID"
wait "$SB_PID" 2>/dev/null
SB_PID=
# Time passes while the server is down: 1002's registration runs out.
sqlite3 "$db" "UPDATE sig_registrations SET expires_at = $(date +%s)000 - 1000 WHERE agent_id = 1002"
mv "$SB_LOG" "$SB_LOG.1"
SB_SIP=$sip sb_start --demo --rtp-timeout 10
sb_check "restarted on the same address ($sip)" \
	grep -q " sip=$sip" "$SB_OUT"
sb_check "1003's registration restored" \
	sb_wait_log 'agent 1003: registration sip:1003@127.0.0.1:[0-9]+ restored' 5
sb_check "1003 logged in again and available" \
	sb_wait_log 'agent 1003 available' 5
sb_check "1002's expired registration not restored" \
	bash -c "! grep -q 'agent 1002: registration .* restored' '$SB_LOG'"
sb_check "and 1002 stays logged out" \
	bash -c "! grep -q 'agent 1002 available' '$SB_LOG'"
sb_check "1003 did not register again" \
	bash -c "! grep -q 'agent 1003 registered' '$SB_LOG'"
sb_check "a call to 5001 talks 3 s" voice_call 5001 "" 3000
sb_check "it rang 1003's phone and was bridged" \
	sb_wait_log 'call [0-9]+: bridged to agent 1003' 5
sb_check "media relayed both ways" \
	sb_wait_log 'call [0-9]+: media caller rx [1-9][0-9]* .*relayed [1-9][0-9]*, agent rx [1-9][0-9]* .*relayed [1-9][0-9]*' 10
sb_check "1002's expired row deleted" test "$(rows 1002)" = 0
sb_check "1003's row kept" test "$(rows 1003)" = 1
sb_stop
sb_pass
