#!/usr/bin/env bash
# The event channel /api/v1/events: the upgrade needs a valid token and a
# same-site Origin; events carry increasing sequence numbers; a client
# that reconnects with its last number gets exactly what it missed; one
# from another server life (epoch) is told to resync; the per-second
# figures arrive every second.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
WS=${SB_BUILD:-$SB_SRC/build}/bench_api
[ -x "$WS" ] || sb_fail "missing $WS (build the bench_api tool)"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
[ -n "$ADMIN" ] && [ -n "$SUPER" ] || sb_fail "login failed"

"$WS" listen "$SB_HTTP_PORT" nosuchtoken "" 1 3 >/dev/null
sb_check "bad token refused" test $? -eq 2
"$WS" origin "$SB_HTTP_PORT" "$SUPER" http://evil.example >/dev/null
sb_check "foreign Origin refused" test $? -eq 2
"$WS" origin "$SB_HTTP_PORT" "$SUPER" "http://127.0.0.1:$SB_HTTP_PORT" >/dev/null
sb_check "same Origin accepted" test $? -eq 0

# A listener sees hello, then the event, within its time limit.
"$WS" listen "$SB_HTTP_PORT" "$SUPER" "" 40 6 >"$SB_TMP/l1" &
lpid=$!
for ((i = 0; i < 100; i++)); do grep -q hello "$SB_TMP/l1" && break; sleep 0.05; done
api 201 POST /api/v1/away-reasons "$ADMIN" '{"code":"ev_one","label":"One"}' ||
	sb_fail "add away reason"
api 201 POST /api/v1/away-reasons "$ADMIN" '{"code":"ev_two","label":"Two"}' ||
	sb_fail "add away reason"
for ((i = 0; i < 100; i++)); do grep -q ev_two "$SB_TMP/l1" && break; sleep 0.05; done
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null
epoch=$(jq -r 'select(.type=="hello") | .epoch' "$SB_TMP/l1")
s1=$(jq -r 'select(.type=="list.changed" and .data.code=="ev_one") | .seq' "$SB_TMP/l1")
s2=$(jq -r 'select(.type=="list.changed" and .data.code=="ev_two") | .seq' "$SB_TMP/l1")
sb_check "events delivered with sequence numbers" test -n "$s1" -a -n "$s2"
sb_check "numbers increase by one" test "$s2" -eq $((s1 + 1))

# Missed while away: three more changes, then resume from s2.
for c in ev_three ev_four ev_five; do
	api 201 POST /api/v1/away-reasons "$ADMIN" "{\"code\":\"$c\",\"label\":\"x\"}" ||
		sb_fail "add $c"
done
"$WS" listen "$SB_HTTP_PORT" "$SUPER" "since=$s2&epoch=$epoch" 4 5 >"$SB_TMP/l2"
got=$(jq -r 'select(.seq and .type!="hello") | .data.code' "$SB_TMP/l2" | tr '\n' ' ')
sb_check "resume gets exactly the missed events in order ($got)" \
	test "$got" = "ev_three ev_four ev_five "
"$WS" listen "$SB_HTTP_PORT" "$SUPER" "since=$s2&epoch=12345" 2 5 >"$SB_TMP/l3"
sb_check "another epoch is told to resync" grep -q '"type":"resync"' "$SB_TMP/l3"

# Figures every second.
"$WS" listen "$SB_HTTP_PORT" "$SUPER" "" 4 6 >"$SB_TMP/l4"
n=$(grep -c '"type":"stats"' "$SB_TMP/l4")
sb_check "per-second figures arrive ($n in the window)" test "$n" -ge 2

# Logging out closes the channel of that session.
S2=$(api_login super pwsuper)
"$WS" listen "$SB_HTTP_PORT" "$S2" "" 1000 20 >"$SB_TMP/l5" &
lpid=$!
for ((i = 0; i < 100; i++)); do grep -q hello "$SB_TMP/l5" && break; sleep 0.05; done
api 200 POST /api/v1/logout "$S2" || sb_fail "logout"
closed=0
for ((i = 0; i < 100; i++)); do
	kill -0 $lpid 2>/dev/null || { closed=1; break; }
	sleep 0.05
done
sb_check "logout closes the session's event channel" test $closed -eq 1

sb_stop
sb_pass
