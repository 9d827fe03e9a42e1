#!/usr/bin/env bash
# Agents' registrations survive a crash: a SIPp phone registers for 1003
# (auto-login makes the agent available), the server is killed (SIGKILL)
# and started again on the same address; without the phone registering
# again, 1003 is available and a call to the queue rings that phone and
# is answered, media both ways. A binding unregistered (Expires: 0) before
# the crash is gone from the store; one that expired while the server was
# down is not restored and is deleted. Auto-login restores the agents as
# they were: 1001, registered and away for lunch, is away for lunch again;
# 1004, registered but logged out, stays logged out. A clean restart
# afterwards restores them the same way.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo --rtp-timeout 10
db=$SB_DATA/switchboard.db
rows() { sqlite3 "$db" "SELECT count(*) FROM sig_registrations WHERE agent_id = $1"; }
presence() { sqlite3 "$db" "SELECT state || ':' || coalesce(reason, '') FROM sig_agent_presence WHERE agent_id = $1"; }
presence_is() { # AGENT STATE:REASON (the write is queued: wait 5 s)
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(presence "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	echo "  presence of $1 is '$(presence "$1")', wanted $2" >&2
	return 1
}

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

# 1004 registers again and logs out; 1001 registers and goes to lunch.
voice_port
sb_check "1004 registers again" voice_register 1004 "$PORT" 200
sb_check "1001 registers" voice_register 1001 "$PORT" 200
sb_wait_log 'demo login admin' 20
TOK=$(api_login super pwsuper)
sb_check "1004 logs out, its phone registered" \
	api 200 POST /api/v1/agents/1004/state "$TOK" '{"state":"logged_out"}'
sb_check "1001 goes away for lunch" \
	api 200 POST /api/v1/agents/1001/state "$TOK" '{"state":"away","reason":"lunch"}'
sb_check "1004's presence kept: logged out" presence_is 1004 logged_out:
sb_check "1001's presence kept: away for lunch" presence_is 1001 away:lunch

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
sb_check "1001 away for lunch again" \
	sb_wait_log 'agent 1001 away: lunch \(was logged_out\)' 5
sb_check "1001 not made available" \
	bash -c "! grep -q 'agent 1001 available' '$SB_LOG'"
sb_check "1004 stays logged out" \
	grep -q 'agent 1004 stays logged out' "$SB_LOG"
sb_check "1004 not made available" \
	bash -c "! grep -q 'agent 1004 available' '$SB_LOG'"
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

# A clean restart (SIGTERM) keeps them the same way.
mv "$SB_LOG" "$SB_LOG.2"
SB_SIP=$sip sb_start --demo --rtp-timeout 10
sb_check "after a clean restart 1003 is restored and available" \
	sb_wait_log 'agent 1003 available' 5
sb_check "1001 is away for lunch" \
	sb_wait_log 'agent 1001 away: lunch \(was logged_out\)' 5
sb_check "1004 stays logged out" \
	grep -q 'agent 1004 stays logged out' "$SB_LOG"
sb_stop
sb_pass
