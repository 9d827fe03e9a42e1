#!/usr/bin/env bash
# RFC 4475 torture messages (../shared/testdata/rfc4475) over UDP and TCP:
# the server stays up, valid messages are answered sensibly (never 400),
# invalid ones get 400 (or the status the RFC names) or are dropped, and a
# normal call works afterwards. Over UDP the answers go to the addresses in
# the messages' Via headers (192.0.2.x), so what is checked there is that
# the server survives; over TCP the answer comes back on the connection and
# is compared with the table below.
#
# Many of the messages share one Via branch (z9hG4bKkdjuw) and some a
# sent-by too: sent in one session they would be retransmissions of one
# another (RFC 3261 17.2.3), answered from the first one's transaction.
# Each is sent with the message's name appended to its branch, nothing
# else changed.
#
# "drop" = no answer or the connection closed. Three valid messages are
# dropped by libre's parser before the server sees them (longreq: a header
# longer than libre accepts, unksm2: an unknown URI scheme in To, inv2543:
# RFC 2543 syntax); see README "Voice" for this known limit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

dir=${SB_RFC4475:-$SB_SRC/../shared/testdata/rfc4475}
[ -d "$dir" ] || dir=/work/shared/testdata/rfc4475
send=${SB_BUILD:-$SB_SRC/build}/sip_send
[ -x "$send" ] || sb_fail "missing $send (built with the server)"

declare -A want=(
	# 3.1.1 valid
	[wsinv]='481' [intmeth]='405' [esc01]='407' [escnull]='401'
	[esc02]='405' [lwsdisp]='200' [longreq]='drop' [dblreq]='401'
	[semiuri]='200' [transports]='200' [mpart01]='405'
	[unreason]='drop' [noreason]='drop' # responses: nothing to answer
	# 3.1.2 invalid
	[badinv01]='drop|400' [clerr]='drop|400' [ncl]='400' [scalar02]='400'
	[scalarlg]='drop' [quotbal]='400' [ltgtruri]='drop|400'
	[lwsruri]='drop|400' [lwsstart]='drop|400' [trws]='drop|400'
	[escruri]='400' [baddate]='400' [regbadct]='400' [badaspec]='400'
	[baddn]='400' [badvers]='drop|400|505' [mismatch01]='400'
	[mismatch02]='400' [bigcode]='drop'
	# 3.2, 3.3 semantics, 3.4 RFC 2543
	[badbranch]='200' [insuf]='400' [unkscm]='416' [novelsc]='416'
	[unksm2]='drop' [bext01]='420' [invut]='415' [regaut01]='401'
	[multi01]='400' [mcl01]='400' [bcast]='drop' [zeromf]='200|483'
	[cparam01]='401' [cparam02]='401' [regescrt]='401' [sdp01]='406'
	[inv2543]='drop' [test]='drop|400'
)

sb_start --demo
n=0
for f in "$dir"/*.dat; do
	name=$(basename "$f" .dat)
	[ -n "${want[$name]:-}" ] || sb_fail "no expectation for $name.dat"
	sed "s/branch=z9hG4bK\([0-9A-Za-z.]*\)/branch=z9hG4bK\1-$name/" \
		"$f" >"$SB_TMP/$name.dat"
	f=$SB_TMP/$name.dat
	# TCP first: the same message again over UDP is a retransmission.
	got=$("$send" tcp 127.0.0.1 "$SB_SIP_PORT" "$f" 1000)
	kill -0 "$SB_PID" 2>/dev/null || sb_fail "server died on $name.dat over TCP"
	"$send" udp 127.0.0.1 "$SB_SIP_PORT" "$f" 200 >/dev/null
	kill -0 "$SB_PID" 2>/dev/null || sb_fail "server died on $name.dat over UDP"
	case $got in
	"no response" | closed) code=drop ;;
	SIP/2.0\ *) code=$(cut -d' ' -f2 <<<"$got") ;;
	*) code="?$got" ;;
	esac
	if ! grep -qxE "${want[$name]}" <<<"$code"; then
		sb_fail "$name.dat over TCP: got '$got', want ${want[$name]}"
	fi
	n=$((n + 1))
done
sb_check "$n torture messages: every answer as expected, server up" test "$n" -ge 50
voice_port; voice_agent 1004 "$PORT" answer 1
sb_check "a normal call works afterwards" voice_call 5001 "" 2000
sb_check "it was bridged" sb_wait_log 'call [0-9]+: bridged to agent 1004' 5
sb_stop
sb_pass
