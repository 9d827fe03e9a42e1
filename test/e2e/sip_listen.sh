#!/usr/bin/env bash
# The documented default `--sip 0.0.0.0:5060` (what `make run` starts):
# the server binds every local address, an agent's SIPp phone registers
# and a customer's call reaches it with media both ways, and what the
# server writes toward each peer (Contact, From, SDP) is the address that
# routes to that peer (127.0.0.1 here), never 0.0.0.0. The same over IPv6
# with `--sip [::]:0` (::1). A second server started with the default
# while the first holds port 5060 fails with a non-zero status and prints
# no demo logins. The only test that binds port 5060 (ctest runs the e2e
# tests one at a time).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

# call_traced NUMBER: a customer call (3 s of talk) with SIPp's messages
# in $SB_TMP/caller_PORT.msg (CALL_MSG).
call_traced() {
	voice_call_args "$1" "" 3000
	CALL_MSG=${CALL_OUT%.out}.msg
	timeout 150 sipp "${CALL_ARGS[@]}" -trace_msg -message_file "$CALL_MSG" \
		>"$CALL_OUT" 2>&1
}

# received FILE METHOD_OR_STATUS: the first message of that kind SIPp
# received (its trace: "received [...] from ...", then the message).
received() {
	awk -v what="$2" '
		/^----------/ { if (grab) exit; inmsg = 0; next }
		/ message received / { inmsg = 1; first = 1; next }
		inmsg && first && NF { first = 0; grab = index($0, what) == 1 }
		grab { sub(/\r$/, ""); print }
' "$1"
}

# addresses_are IP TEXT: every address the server wrote in the Contact,
# From and the SDP's o=/c= lines of TEXT is IP (and there is one).
addresses_are() {
	local ip=$1 text=$2
	grep -qiE "^Contact: <sip:switchboard@\[?$ip\]?:[0-9]+" <<<"$text" &&
		grep -qE "^c=IN IP[46] $ip\s*$" <<<"$text" &&
		grep -qE "^o=.* IN IP[46] $ip\s*$" <<<"$text" &&
		! grep -q '0\.0\.0\.0' <<<"$text"
}

media_both_ways() {
	sb_wait_log 'call [0-9]+: media caller rx [1-9][0-9]* .*relayed [1-9][0-9]*, agent rx [1-9][0-9]* .*relayed [1-9][0-9]*' 10
}

# --- IPv4: the default --sip ----------------------------------------------
SB_SIP= sb_start --demo --rtp-timeout 10
sb_check "listening on the default 0.0.0.0:5060" \
	grep -q ' sip=0\.0\.0\.0:5060' "$SB_OUT"
sb_check "loopback bound among the addresses" \
	grep -q 'listening on 127.0.0.1 port 5060' "$SB_LOG"

# A second server with the default address cannot bind: it must fail
# before anything is printed as if it were up.
d2=$SB_TMP/second
mkdir -p "$d2/data"
"$SB_BIN" --data "$d2/data" --http 127.0.0.1:0 --demo >"$d2/out" 2>"$d2/log"
rc=$?
sb_check "a second server on 5060 exits with an error (status $rc)" \
	test "$rc" -ne 0
sb_check "it says why" grep -q 'module sig failed to start' "$d2/log"
sb_check "it prints no demo login" \
	bash -c "! grep -q 'demo login' '$d2/log' '$d2/out'"
sb_check "and no ready line" bash -c "! grep -q '^ready' '$d2/out'"

sb_check "the first server prints the demo logins" \
	sb_wait_log 'demo login admin' 20
voice_port
voice_agent 1003 "$PORT" answer 1
sb_check "agent 1003 registered over 0.0.0.0:5060 and available" \
	sb_wait_log 'agent 1003 available' 10
sb_check "a call to 5001 talks 3 s" call_traced 5001
sb_check "bridged to agent 1003" sb_wait_log 'bridged to agent 1003' 5
sb_check "media relayed both ways" media_both_ways
sb_wait_log 'agent 1003 .*available.*wrap' 15
ok=$(received "$CALL_MSG" "SIP/2.0 200")
sb_check "the caller's 200: Contact and SDP name 127.0.0.1" \
	addresses_are 127.0.0.1 "$ok"
inv=$(received "$SB_TMP/agent_1003.msg" "INVITE ")
sb_check "the agent's INVITE: Contact and SDP name 127.0.0.1" \
	addresses_are 127.0.0.1 "$inv"
sb_check "the agent's INVITE: From names 127.0.0.1" \
	grep -qE '^From: .*<sip:[^@>]*@127\.0\.0\.1:5060>' <<<"$inv"
sb_stop

# --- IPv6: [::] ---------------------------------------------------------------
SB_DATA=$SB_TMP/data6 SB_LOG=$SB_TMP/server6.log SB_OUT=$SB_TMP/server6.out
VOICE_IP=::1
SB_SIP='[::]:0' sb_start --demo --rtp-timeout 10
sb_check "listening on [::]" grep -q ' sip=\[::\]:[0-9]' "$SB_OUT"
sb_check "::1 bound among the addresses" \
	grep -q "listening on ::1 port $SB_SIP_PORT" "$SB_LOG"
voice_port
voice_agent 1004 "$PORT" answer 1
sb_check "agent 1004 registered over [::1] and available" \
	sb_wait_log 'agent 1004 available' 10
sb_check "a call to 5001 over [::1] talks 3 s" call_traced 5001
sb_check "bridged to agent 1004" sb_wait_log 'bridged to agent 1004' 5
sb_check "media relayed both ways over IPv6" media_both_ways
ok=$(received "$CALL_MSG" "SIP/2.0 200")
sb_check "the caller's 200: Contact and SDP name ::1" addresses_are ::1 "$ok"
inv=$(received "$SB_TMP/agent_1004.msg" "INVITE ")
sb_check "the agent's INVITE: Contact and SDP name ::1" \
	addresses_are ::1 "$inv"
sb_stop
sb_pass
