#!/usr/bin/env bash
# Retransmissions are answered from the server transaction (RFC 3261
# 17.2): a REGISTER or INVITE sent twice over UDP with the same Via branch
# gets the identical response both times (same To tag, same challenge
# nonce), the server counts one challenge, not two; a retransmitted
# INVITE to a public number is one call, not two.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
send=${SB_BUILD:-$SB_SRC/build}/sip_send
[ -x "$send" ] || sb_fail "missing $send (built with the server)"

sb_start --demo
metric() {
	curl -s "$(api_url /metrics)" |
		awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }'
}
until_metric() { # NAME VALUE: the snapshot is refreshed every second
	local i
	for ((i = 0; i < 40; i++)); do
		[ "$(metric "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "  $1 is $(metric "$1"), wanted $2" >&2
	return 1
}
challenges='sb_sip_errors_total{kind="auth_challenge"}'

# sipmsg NAME METHOD RUSER [BODY]: one request in $SB_TMP/NAME.sip.
sipmsg() {
	local f=$SB_TMP/$1.sip body=${4:-}
	{
		printf '%s sip:%s@127.0.0.1:%s SIP/2.0\r\n' "$2" "$3" "$SB_SIP_PORT"
		printf 'Via: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bK-%s-%s\r\n' "$1" "$RANDOM"
		printf 'Max-Forwards: 70\r\n'
		printf 'From: <sip:%s@127.0.0.1>;tag=f%s\r\n' "${5:-5550100}" "$RANDOM"
		printf 'To: <sip:%s@127.0.0.1>\r\n' "$3"
		printf 'Call-ID: %s-%s@127.0.0.1\r\n' "$1" "$RANDOM"
		printf 'CSeq: 1 %s\r\n' "$2"
		printf 'Contact: <sip:%s@127.0.0.1:5999>\r\n' "${5:-5550100}"
		if [ -n "$body" ]; then
			printf 'Content-Type: application/sdp\r\n'
			printf 'Content-Length: %d\r\n\r\n%s' "${#body}" "$body"
		else
			printf 'Content-Length: 0\r\n\r\n'
		fi
	} >"$f"
	echo "$f"
}

# twice FILE: sends it twice from one socket; the two responses in
# $SB_TMP/r1 and $SB_TMP/r2.
twice() {
	"$send" -a -n 2 udp 127.0.0.1 "$SB_SIP_PORT" "$1" 2000 >"$SB_TMP/both"
	awk -v d="$SB_TMP" '/^--$/ { n++; next } { print > (d "/r" n + 1) }' \
		"$SB_TMP/both"
	[ -s "$SB_TMP/r1" ] && [ -s "$SB_TMP/r2" ]
}
field() { # FILE REGEX: the first match in FILE
	grep -oE "$2" "$1" | head -1
}

# --- REGISTER: 401 ------------------------------------------------------------
ch=$(metric "$challenges")
sb_check "REGISTER sent twice: two answers" twice "$(sipmsg reg REGISTER 1003 '' 1003)"
sb_check "the first is a 401" grep -q '^SIP/2.0 401' "$SB_TMP/r1"
tag1=$(field "$SB_TMP/r1" '^To: .*tag=[0-9a-f]+')
tag2=$(field "$SB_TMP/r2" '^To: .*tag=[0-9a-f]+')
sb_check "the same To tag ($tag1 / $tag2)" test -n "$tag1" -a "$tag1" = "$tag2"
n1=$(field "$SB_TMP/r1" 'nonce="[^"]*"')
n2=$(field "$SB_TMP/r2" 'nonce="[^"]*"')
sb_check "the same nonce ($n1 / $n2)" test -n "$n1" -a "$n1" = "$n2"
sb_check "the two 401s are byte-for-byte identical" cmp -s "$SB_TMP/r1" "$SB_TMP/r2"
sb_check "one challenge counted, not two" until_metric "$challenges" $((ch + 1))

# --- INVITE to an extension: 407 ------------------------------------------
sdp=$'v=0\r\no=c 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5998 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'
sb_check "INVITE to 1002 sent twice: two answers" twice "$(sipmsg inv INVITE 1002 "$sdp")"
sb_check "the first is a 407" grep -q '^SIP/2.0 407' "$SB_TMP/r1"
tag1=$(field "$SB_TMP/r1" '^To: .*tag=[0-9a-f]+')
tag2=$(field "$SB_TMP/r2" '^To: .*tag=[0-9a-f]+')
sb_check "the same To tag ($tag1 / $tag2)" test -n "$tag1" -a "$tag1" = "$tag2"
n1=$(field "$SB_TMP/r1" 'nonce="[^"]*"')
n2=$(field "$SB_TMP/r2" 'nonce="[^"]*"')
sb_check "the same nonce ($n1 / $n2)" test -n "$n1" -a "$n1" = "$n2"
sb_check "the two 407s are byte-for-byte identical" cmp -s "$SB_TMP/r1" "$SB_TMP/r2"
sb_check "one more challenge counted, not two" until_metric "$challenges" $((ch + 2))

# --- INVITE to a public number: one call ------------------------------------
sb_check "INVITE to 5001 sent twice: two answers" twice "$(sipmsg pub INVITE 5001 "$sdp")"
sb_check "the first is a 200" grep -q '^SIP/2.0 200' "$SB_TMP/r1"
sb_check "the second is the same 200" cmp -s "$SB_TMP/r1" "$SB_TMP/r2"
sb_wait_log 'call [0-9]+: 5550100 -> 5001' 5
n=$(grep -c 'call [0-9]*: 5550100 -> 5001' "$SB_LOG")
sb_check "one call, not two ($n)" test "$n" = 1
sb_stop
n=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT count(*) FROM interactions WHERE channel = 'voice'")
sb_check "one interaction recorded ($n)" test "$n" = 1
sb_pass
