# Voice helpers for end-to-end tests (sourced after lib.sh). SIPp plays
# both the customers and the agents' phones; the scenarios are templates in
# sipp/ whose @NAME@ placeholders are filled here.
#
#   voice_agent EXT PORT ANSWER CALLS [STEPS]
#       starts an agent phone for extension EXT answering on 127.0.0.1:PORT
#       (media on PORT+1000, echoed back) for up to CALLS calls, and
#       registers it with digest credentials (password pwEXT). ANSWER:
#       answer | decline | noanswer | autoanswer (answers only INVITEs
#       with Call-Info answer-after=0, rings on otherwise). STEPS: XML run once answered (see the
#       step_* functions). Sets AGENT_PID_<EXT>.
#   voice_register EXT CONTACT_PORT EXPECT [PASSWORD] [EXPIRES]
#   voice_call NUMBER STEPS TALK_MS [BYE_WAIT_MS] [FROM]
#       one customer call from a free port; returns SIPp's status.
#   voice_port  sets PORT to a fresh port (call it directly, not in $(...))
#   VOICE_IP    the address the phones and callers use, and reach the
#               server at (default 127.0.0.1; ::1 for IPv6)
#   voice_call_bg ... (same, in the background; sets CALL_PID)
#   voice_trunk_call PORT FROM PAI ACK_CSEQ [USER PASS] [NUMBER]
#       a carrier's call from PORT (From user FROM, header line PAI or
#       ''; ACK_CSEQ 2 when challenged, with USER/PASS), talks TALK_MS
#       (1500) and hangs up; messages in $SB_TMP/trunk_PORT.msg.
#   step_* print XML snippets for STEPS.
VOICE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sipp
VOICE_PORT=${VOICE_PORT:-$((20000 + RANDOM % 20000))}
VOICE_IP=${VOICE_IP:-127.0.0.1}

voice_server() { # the server's SIP address as SIPp takes it
	case $VOICE_IP in
	*:*) echo "[$VOICE_IP]:$SB_SIP_PORT" ;;
	*) echo "$VOICE_IP:$SB_SIP_PORT" ;;
	esac
}

voice_tmpl() { # TEMPLATE OUT NAME=VALUE...
	local tmpl=$1 out=$2 text
	shift 2
	text=$(cat "$VOICE_DIR/$tmpl")
	local kv
	for kv in "$@"; do
		text=${text//@${kv%%=*}@/${kv#*=}}
	done
	printf '%s\n' "$text" >"$out"
}

voice_port() { # sets PORT to a fresh even port (not in a subshell!)
	VOICE_PORT=$((VOICE_PORT + 4))
	PORT=$VOICE_PORT
}

voice_register() { # EXT CONTACT_PORT EXPECT [PASSWORD] [EXPIRES]
	local ext=$1 cport=$2 expect=$3 pw=${4:-pw$1} exp=${5:-3600}
	local f=$SB_TMP/register_${ext}_$cport.xml
	voice_tmpl register.xml "$f" USER="$ext" CONTACT_PORT="$cport" \
		EXPECT="$expect" EXPIRES="$exp"
	voice_port
	timeout 20 sipp -sf "$f" -t u1 -i "$VOICE_IP" -p "$PORT" \
		-au "$ext" -ap "$pw" -m 1 -timeout 10s -timeout_error \
		-trace_err -error_file "$SB_TMP/register_$ext.err" \
		"$(voice_server)" >>"$SB_TMP/register_$ext.out" 2>&1
}

voice_agent() { # EXT PORT ANSWER CALLS [STEPS]
	local ext=$1 port=$2 answer=$3 calls=$4 steps=${5:-}
	local f=$SB_TMP/agent_$ext.xml jump
	case $answer in
	answer) jump='' ;;
	decline) jump='<nop next="decline"/>' ;;
	noanswer) jump='<nop next="noanswer"/>' ;;
	autoanswer) jump='<nop next="answer" test="autoans"/><nop next="noanswer"/>' ;;
	*) sb_fail "voice_agent: answer, decline, noanswer or autoanswer, not $answer" ;;
	esac
	voice_tmpl agent.xml "$f" USER="$ext" RING_MS="${RING_MS:-300}" \
		ANSWER="$jump" STEPS="$steps" BYE_WAIT_MS="${BYE_WAIT_MS:-60000}"
	sipp -sf "$f" -t u1 -i "$VOICE_IP" -p "$port" -mp $((port + 1000)) \
		-rtp_echo -m "$calls" -trace_err -trace_msg \
		-message_file "$SB_TMP/agent_$ext.msg" \
		-error_file "$SB_TMP/agent_$ext.err" -nostdin \
		>"$SB_TMP/agent_$ext.out" 2>&1 &
	eval "AGENT_PID_$ext=$!"
	voice_register "$ext" "$port" 200 ||
		sb_fail "agent $ext could not register (see $SB_TMP/register_$ext.out)"
}

voice_call_args() { # NUMBER STEPS TALK_MS [BYE_WAIT_MS] [FROM]
	local number=$1 steps=$2 talk=$3 byewait=${4:-60000} from=${5:-5550100}
	local port
	voice_port
	port=$PORT
	local f=$SB_TMP/caller_$port.xml
	voice_tmpl caller.xml "$f" FROM="$from" STEPS="$steps" TALK_MS="$talk" \
		BYE_WAIT_MS="$byewait"
	CALL_ARGS=(-sf "$f" -s "$number" -t u1 -i "$VOICE_IP" -p "$port"
		-mp $((port + 1000)) -m 1 -timeout 120s -timeout_error
		-trace_err -error_file "$SB_TMP/caller_$port.err" -nostdin
		"$(voice_server)")
	CALL_OUT=$SB_TMP/caller_$port.out
}

voice_call() {
	voice_call_args "$@"
	timeout 150 sipp "${CALL_ARGS[@]}" >"$CALL_OUT" 2>&1
}

voice_call_bg() {
	voice_call_args "$@"
	timeout 150 sipp "${CALL_ARGS[@]}" >"$CALL_OUT" 2>&1 &
	CALL_PID=$!
}

# --- steps ----------------------------------------------------------------
step_pause() { echo "<pause milliseconds=\"$1\"/>"; }
step_digit() { # DIGIT (0-9, star, pound): an RFC 4733 capture
	echo "<nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/dtmf_2833_$1.pcap\"/></action></nop>"
}
step_wait_bye() { echo '<nop next="wait_bye"/>'; }

# A SIP INFO digit from the caller (application/dtmf-relay).
step_info_digit() {
	cat <<XML
<send retrans="500"><![CDATA[
INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]caller[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 INFO
Max-Forwards: 70
Content-Type: application/dtmf-relay
Content-Length: [len]

Signal=$1
Duration=160
]]></send>
<recv response="200"/>
XML
}

# Agent side: an in-dialog request from the phone (after the answer).
agent_request() { # METHOD CSEQ EXTRA_HEADERS BODY_SDP_DIR
	local method=$1 cseq=$2 extra=$3 dir=${4:-}
	local ctype='' body=''
	if [ -n "$dir" ]; then
		ctype='Content-Type: application/sdp'
		body="v=0
o=agent 1 $cseq IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=$dir
"
	fi
	cat <<XML
<send retrans="500"><![CDATA[
$method [\$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:agent@[local_ip]:[local_port]>;tag=[pid]agent[call_number]
To: [\$from]
Call-ID: [call_id]
CSeq: $cseq $method
Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
Max-Forwards: 70${extra:+
$extra}${ctype:+
$ctype}
Content-Length: [len]

$body]]></send>
XML
}

agent_ack() { # CSEQ
	cat <<XML
<send><![CDATA[
ACK [\$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:agent@[local_ip]:[local_port]>;tag=[pid]agent[call_number]
To: [\$from]
Call-ID: [call_id]
CSeq: $1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
XML
}

# The agent hangs up after MS ms.
step_agent_bye() {
	step_pause "$1"
	agent_request BYE 10 ''
	echo '<recv response="200"/>'
	echo '<nop next="end"/>'
}

# The agent holds for MS ms, then resumes.
step_agent_hold() {
	agent_request INVITE 2 '' sendonly
	echo '<recv response="100" optional="true"/><recv response="200"/>'
	agent_ack 2
	step_pause "$1"
	agent_request INVITE 3 '' sendrecv
	echo '<recv response="100" optional="true"/><recv response="200"/>'
	agent_ack 3
}

# Blind transfer to TARGET (extension or queue): REFER, 202, then the
# server's BYE (handled by the scenario's end).
step_agent_refer() {
	agent_request REFER 4 "Refer-To: <sip:$1@[remote_ip]:[remote_port]>
Referred-By: <sip:agent@[local_ip]:[local_port]>"
	echo '<recv response="202"/>'
}

# voice_invite_auth NUMBER EXPECT [EXT PASSWORD]: a call to a number that
# is not public; without EXT only the 407 challenge is expected, with it
# the credentials are sent and EXPECT (403, 404, 200) is checked.
voice_invite_auth() {
	local number=$1 expect=$2 ext=${3:-} pw=${4:-} step='' after=''
	voice_port
	local f=$SB_TMP/invite_$PORT.xml
	if [ -n "$ext" ]; then
		[ "$expect" = 200 ] && after=$(cat "$VOICE_DIR/feature_bye.xml")
		step=$(cat "$VOICE_DIR/invite_auth_step.xml")
		step=${step//@EXPECT@/$expect}
		step=${step//@AFTER@/$after}
	fi
	voice_tmpl invite_auth.xml "$f" AUTH="$step" FROM="${ext:-stranger}"
	sed -i "s|@FROM@|${ext:-stranger}|g" "$f"
	timeout 30 sipp -sf "$f" -s "$number" -t u1 -i 127.0.0.1 -p "$PORT" \
		-mp $((PORT + 1000)) ${ext:+-au "$ext" -ap "$pw"} -m 1 \
		-timeout 20s -timeout_error -trace_err -nostdin \
		-error_file "$SB_TMP/invite_$PORT.err" \
		127.0.0.1:"$SB_SIP_PORT" >"$SB_TMP/invite_$PORT.out" 2>&1
}

# voice_trunk_uas PORT CALLS: a carrier's side of outbound calls (a SIPp
# UAS on PORT answering CALLS calls, echoing media), messages traced to
# $SB_TMP/trunk.msg; sets TRUNK_PID.
voice_trunk_uas() {
	voice_tmpl agent.xml "$SB_TMP/trunk.xml" USER=trunk RING_MS=300 \
		ANSWER= STEPS= BYE_WAIT_MS=60000
	sipp -sf "$SB_TMP/trunk.xml" -t u1 -i 127.0.0.1 -p "$1" \
		-mp $(($1 + 1000)) -rtp_echo -m "$2" -trace_msg \
		-message_file "$SB_TMP/trunk.msg" -trace_err \
		-error_file "$SB_TMP/trunk.err" -nostdin \
		>"$SB_TMP/trunk.out" 2>&1 &
	TRUNK_PID=$!
}

voice_trunk_call() { # PORT FROM PAI ACK_CSEQ [USER PASS] [NUMBER]
	local port=$1 from=$2 pai=$3 cseq=$4 user=${5:-} pass=${6:-}
	local number=${7:-5001} f=$SB_TMP/trunk_$1.xml
	voice_tmpl trunk_caller.xml "$f" FROM="$from" PAI="$pai" \
		ACK_CSEQ="$cseq" TALK_MS="${TALK_MS:-1500}"
	timeout 30 sipp -sf "$f" -s "$number" -t u1 -i 127.0.0.1 -p "$port" \
		-mp $((port + 1000)) ${user:+-au "$user" -ap "$pass"} -m 1 \
		-timeout 20s -timeout_error -trace_err -trace_msg -nostdin \
		-message_file "$SB_TMP/trunk_$port.msg" \
		-error_file "$SB_TMP/trunk_$port.err" \
		127.0.0.1:"$SB_SIP_PORT" >"$SB_TMP/trunk_$port.out" 2>&1
}
