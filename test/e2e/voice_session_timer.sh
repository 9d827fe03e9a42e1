#!/usr/bin/env bash
# SIP session timers (RFC 4028): a dead leg is found even when no RTP
# timeout can tell. The server is the refresher: a caller asking for
# Session-Expires gets refresher=uas and Require: timer and is sent a
# re-INVITE every half interval; an interval below Min-SE gets 422 with
# Min-SE. A refresh that fails ends the leg: the caller's (481 to a
# refresh) ends the call, recorded; an agent phone's is a dropout: the
# caller goes back to the queue and the next agent answers. (--min-se 4
# lets the test use 6 s intervals; the default floor is RFC 4028's 90.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

db() { sqlite3 "$SB_DATA/switchboard.db" "$1"; }

refresh_ok() { # N: answer N refreshes with 200 (the same SDP)
	local i
	for ((i = 0; i < $1; i++)); do step_phone_reinvite; done
}
refresh_fail() {
	cat <<'XML'
<recv request="INVITE" timeout="15000"/>
<send><![CDATA[
SIP/2.0 481 Call/Transaction Does Not Exist
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
<recv request="ACK"/>
<nop next="done"/>
XML
}

timer_call() { # NUMBER SE EXPECT_SE REFRESHES TALK_MS
	voice_port
	local f=$SB_TMP/timer_$PORT.xml
	voice_tmpl caller_timer.xml "$f" SE="$2" EXPECT_SE="$3" \
		REFRESHES="$4" TALK_MS="$5"
	TIMER_MSG=$SB_TMP/timer_$PORT.msg
	timeout 60 sipp -sf "$f" -s "$1" -t u1 -i 127.0.0.1 -p "$PORT" \
		-mp $((PORT + 1000)) -m 1 -timeout 40s -timeout_error \
		-trace_err -trace_msg -message_file "$TIMER_MSG" -nostdin \
		-error_file "$SB_TMP/timer_$PORT.err" \
		127.0.0.1:"$SB_SIP_PORT" >"$SB_TMP/timer_$PORT.out" 2>&1
}

sb_start --demo --min-se 4

# 1. A caller asking for 6 s: refreshed by the server every 3 s.
t0=$(date +%s)
sb_check "timer negotiated (6;refresher=uas, Require: timer), two refreshes answered" \
	timer_call 5002 6 '6;refresher=uas' "$(refresh_ok 2)" 500
t1=$(date +%s)
sb_check "the refreshes came every half interval (took $((t1 - t0)) s)" \
	test $((t1 - t0)) -ge 5 -a $((t1 - t0)) -le 12
n=$(grep -c '^INVITE sip:' "$TIMER_MSG")
sb_check "the re-INVITEs reached the caller ($n)" test "$n" -ge 2

# 2. Below Min-SE: 422 naming ours.
voice_port
cat >"$SB_TMP/small.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="small">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:5550134@[local_ip]:[local_port]>;tag=[pid]sm
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:5550134@[local_ip]:[local_port]>
Supported: timer
Session-Expires: 2
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="100" optional="true"/>
  <recv response="422">
    <action><ereg regexp="4" search_in="hdr" header="Min-SE:" check_it="true" assign_to="m"/></action>
  </recv>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:5550134@[local_ip]:[local_port]>;tag=[pid]sm
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <Reference variables="m"/>
</scenario>
XML
small_call() {
	timeout 30 sipp -sf "$SB_TMP/small.xml" -s 5002 -t u1 -i 127.0.0.1 \
		-p "$PORT" -m 1 -timeout 10s -timeout_error -nostdin \
		127.0.0.1:"$SB_SIP_PORT" >"$SB_TMP/small.out" 2>&1
}
sb_check "Session-Expires: 2 refused with 422 and Min-SE: 4" small_call
sb_check "no interaction for the refused INVITE" \
	test "$(db "SELECT count(*) FROM interactions WHERE from_addr = '5550134'")" = 0

# 3. The caller's phone answers a refresh 481: the call is given up.
sb_check "after one good refresh the next is refused (481)" \
	timer_call 5002 6 '6;refresher=uas' \
	"$(refresh_ok 1)$(refresh_fail)" 30000
sb_check "logged: caller lost, session refresh failed" \
	sb_wait_log 'caller lost: session refresh failed' 5
row=$(db "SELECT state, outcome FROM interactions WHERE from_addr = '5550133' ORDER BY id DESC LIMIT 1")
sb_check "the interaction is ended as abandoned in the queue ($row)" \
	test "$row" = "ended|abandoned"

# 4. An agent's phone fails a refresh: dropout, the next agent answers.
voice_port
tmr_port=$PORT
voice_tmpl agent_timer.xml "$SB_TMP/agent_timer.xml" USER=1003 SE=6 \
	REFRESHES="$(refresh_ok 1)"
sipp -sf "$SB_TMP/agent_timer.xml" -t u1 -i 127.0.0.1 -p "$tmr_port" \
	-mp $((tmr_port + 1000)) -rtp_echo -m 1 -trace_err -trace_msg \
	-message_file "$SB_TMP/agent_timer.msg" -nostdin \
	-error_file "$SB_TMP/agent_timer.err" >"$SB_TMP/agent_timer.out" 2>&1 &
timer_agent=$!
voice_register 1003 "$tmr_port" 200 || sb_fail "1003 could not register"
sb_wait_log 'agent 1003 available' 5
sleep 1 # 1003 idle longest: offered first
voice_port; voice_agent 1004 "$PORT" answer 1
sb_wait_log 'agent 1004 available' 5
sb_check "the caller talks on through the dropout" voice_call 5001 "" 14000
sb_check "our INVITE offered the timer (the phone checked it)" wait "$timer_agent"
sb_check "dropout logged: refresh failed" \
	sb_wait_log 'agent 1003 dropped out \(refresh failed\): requeued' 5
sb_check "1003 away: connection lost" sb_wait_log 'agent 1003 away: connection lost' 5
ix=$(db "SELECT max(id) FROM interactions WHERE from_addr = '5550100'")
ev=$(db "SELECT group_concat(type || ':' || coalesce(agent_id, ''), ',') FROM (SELECT type, agent_id FROM interaction_events WHERE interaction_id = $ix ORDER BY id)")
sb_check "events: answered by 1003, dropout, requeued, answered by 1004 ($ev)" \
	grep -q 'answered:1003,dropout:1003,requeued:1003,offered:1004,answered:1004' <<<"$ev"
sb_stop
sb_pass
