#!/usr/bin/env bash
# GET /metrics counts what went wrong: SIP requests sig refused, by reason
# and by status class (a request with an unsupported Require: 420, one
# without a Call-ID: 400, an unknown URI scheme: 416, a phone with a wrong
# password: 403, a stranger's call to an extension: 407, a method sig does
# not take: 405), each counter rising by what was sent; API errors by
# status (401, 404, 400); beside calls, queues and agents.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
send=${SB_BUILD:-$SB_SRC/build}/sip_send
[ -x "$send" ] || sb_fail "missing $send (built with the server)"

sb_start --demo
metrics() { curl -s "$(api_url /metrics)"; }
# metric NAME{LABELS}: its value (0 when absent)
metric() { metrics | awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }'; }
# until NAME{LABELS} VALUE: the snapshot is refreshed every second
until_metric() {
	local i
	for ((i = 0; i < 40; i++)); do
		[ "$(metric "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "  $1 is $(metric "$1"), wanted $2" >&2
	return 1
}
sipmsg() { # NAME METHOD URI EXTRA_HEADER_LINES (no Call-ID when NOCALLID)
	local f=$SB_TMP/$1.sip callid="Call-ID: m-$1-$RANDOM@127.0.0.1"
	[ "$4" = NOCALLID ] && callid=
	{
		printf '%s %s SIP/2.0\r\n' "$2" "$3"
		printf 'Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-%s%s\r\n' "$1" "$RANDOM"
		printf 'Max-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=%s\r\n' "$RANDOM"
		printf 'To: <sip:5001@127.0.0.1>\r\n'
		[ -n "$callid" ] && printf '%s\r\n' "$callid"
		printf 'CSeq: 1 %s\r\n' "$2"
		[ -n "$4" ] && [ "$4" != NOCALLID ] && printf '%s\r\n' "$4"
		printf 'Content-Length: 0\r\n\r\n'
	} >"$f"
	echo "$f"
}
k() { echo "sb_sip_errors_total{kind=\"$1\"}"; }
c4='sb_sip_rejected_total{class="4xx"}'

sb_check "metrics: SIP error counters listed" bash -c "curl -s $(api_url /metrics) | grep -q '^sb_sip_errors_total{kind=\"malformed\"} 0'"
sb_check "metrics: SIP error classes listed" bash -c "curl -s $(api_url /metrics) | grep -q '^sb_sip_rejected_total{class=\"4xx\"} 0'"
base4=$(metric "$c4")

got=$("$send" tcp 127.0.0.1 "$SB_SIP_PORT" "$(sipmsg ext OPTIONS sip:5001@127.0.0.1 'Require: nosuchext')")
sb_check "SIP: unsupported Require is 420 ($got)" grep -q '^SIP/2.0 420' <<<"$got"
sb_check "metrics: extension counted" until_metric "$(k extension)" 1
for i in 1 2; do
	got=$("$send" tcp 127.0.0.1 "$SB_SIP_PORT" "$(sipmsg nocid$i OPTIONS sip:5001@127.0.0.1 NOCALLID)")
	sb_check "SIP: no Call-ID is 400 ($got)" grep -q '^SIP/2.0 400' <<<"$got"
done
sb_check "metrics: malformed counted twice" until_metric "$(k malformed)" 2
got=$("$send" tcp 127.0.0.1 "$SB_SIP_PORT" "$(sipmsg scheme OPTIONS 'tel:+15551234' '')")
sb_check "SIP: tel: Request-URI is 416 ($got)" grep -q '^SIP/2.0 416' <<<"$got"
sb_check "metrics: URI scheme counted" until_metric "$(k uri_scheme)" 1
got=$("$send" tcp 127.0.0.1 "$SB_SIP_PORT" "$(sipmsg meth SUBSCRIBE sip:5001@127.0.0.1 'Event: presence')")
sb_check "SIP: SUBSCRIBE is 405 ($got)" grep -q '^SIP/2.0 405' <<<"$got"
sb_check "metrics: method counted" until_metric "$(k method_not_allowed)" 1

voice_port
sb_check "SIP: wrong password refused (403)" voice_register 1001 "$PORT" 403 wrongpw
sb_check "metrics: auth failure counted" until_metric "$(k auth_failed)" 1
ch=$(metric "$(k auth_challenge)")
sb_check "SIP: a stranger calling 1002 is challenged" voice_invite_auth 1002 407
sb_check "metrics: challenge counted" until_metric "$(k auth_challenge)" $((ch + 1))
sb_check "metrics: 4xx class counts them all" until_metric "$c4" $((base4 + 7 + $(metric "$(k auth_challenge)") - ch))
sb_check "metrics: nothing internal" test "$(metric "$(k internal)")" = 0

# API errors by status.
e401=$(metric 'sb_api_errors_by_status_total{status="401"}')
e404=$(metric 'sb_api_errors_by_status_total{status="404"}')
sb_check "API: no token is 401" api 401 GET /api/v1/me
sb_check "API: no token again" api 401 GET /api/v1/calls
sb_check "API: unknown route is 404" api 404 GET /api/v1/nosuchthing
sb_check "metrics: 401s counted" test "$(metric 'sb_api_errors_by_status_total{status="401"}')" = $((e401 + 2))
sb_check "metrics: 404 counted" test "$(metric 'sb_api_errors_by_status_total{status="404"}')" = $((e404 + 1))
TOK=$(api_login super pwsuper)
e400=$(metric 'sb_api_errors_by_status_total{status="400"}')
sb_check "API: bad body is 400" api 400 POST /api/v1/agents/1001/state "$TOK" '{"state":1}'
sb_check "metrics: 400 counted" test "$(metric 'sb_api_errors_by_status_total{status="400"}')" = $((e400 + 1))
sb_check "metrics: API errors total" test "$(metric sb_api_errors_total)" -ge 4

# The live figures beside them.
m=$(metrics)
sb_check "metrics: agents by state" grep -q '^sb_agents{state="logged_out"} [0-9]' <<<"$m"
sb_check "metrics: queue waiting" grep -q '^sb_queue_waiting{queue="support"} 0' <<<"$m"
sb_check "metrics: longest wait" grep -q '^sb_queue_longest_wait_seconds{queue="support"} ' <<<"$m"
sb_check "metrics: service level" grep -q '^sb_queue_service_level{queue="support"} ' <<<"$m"
sb_check "metrics: server still answers SIP" voice_register 1001 "$PORT" 200
sb_stop
sb_pass
