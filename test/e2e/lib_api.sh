# Helpers for the API end-to-end tests (sourced after lib.sh).
#   api_login USER PASS        prints the token (empty on failure)
#   api CODE METHOD PATH [TOKEN] [BODY]   request; checks the status is
#                              CODE; body in $API_BODY
#   api_field JQ               value of a jq expression over $API_BODY
#   api_status METHOD PATH [TOKEN] [BODY]  prints the status only
#   step_phone_reinvite        SIPp agent-phone step (lib_voice.sh): answer
#                              the server's re-INVITE (hold or resume)
#   api_wait_live TOKEN JQ WANT  polls /api/v1/stats/live (refreshed each
#                              second) up to 5 s until JQ gives WANT;
#                              the last value in $LIVE_GOT
API_BODY=
api_url() { echo "http://127.0.0.1:$SB_HTTP_PORT$1"; }

api_login() {
	curl -s --max-time 10 -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" \
		"$(api_url /api/v1/login)" | jq -r '.token // empty'
}

api() { # CODE METHOD PATH [TOKEN] [BODY]
	local want=$1 method=$2 path=$3 token=${4:-} body=${5:-} code
	local args=(-s --max-time 15 -X "$method" -o "$SB_TMP/body" -w '%{http_code}')
	[ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	code=$(curl "${args[@]}" "$(api_url "$path")")
	API_BODY=$(cat "$SB_TMP/body")
	if [ "$code" != "$want" ]; then
		echo "  $method $path -> $code (wanted $want): $API_BODY" >&2
		return 1
	fi
	return 0
}

api_field() { jq -r "$1" <<<"$API_BODY"; }

# The agent's phone answers the server's re-INVITE (hold or resume).
step_phone_reinvite() {
	cat <<'XML'
<recv request="INVITE"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=agent 1 2 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
]]></send>
<recv request="ACK"/>
XML
}

# api_wait_talking TOKEN: waits (10 s) until the token's first live call
# is talking; sets IID to its interaction id.
api_wait_talking() {
	local i
	for ((i = 0; i < 100; i++)); do
		api 200 GET /api/v1/calls "$1" &&
			[ "$(api_field '.[0].state')" = talking ] &&
			{ IID=$(api_field '.[0].interaction_id'); return 0; }
		sleep 0.1
	done
	return 1
}

api_wait_live() { # TOKEN JQ WANT
	local i
	LIVE_GOT=
	for ((i = 0; i < 50; i++)); do
		if api 200 GET /api/v1/stats/live "$1"; then
			LIVE_GOT=$(api_field "$2")
			[ "$LIVE_GOT" = "$3" ] && return 0
		fi
		sleep 0.1
	done
	echo "  $2: $LIVE_GOT (wanted $3)" >&2
	return 1
}

# api_status METHOD PATH [TOKEN] [BODY]: prints only the HTTP status (the
# body is in $SB_TMP/body), for tests that compare statuses in bulk.
api_status() {
	local args=(-s --max-time 15 -X "$1" -o "$SB_TMP/body" -w '%{http_code}')
	[ -n "${3:-}" ] && args+=(-H "Authorization: Bearer $3")
	[ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
	curl "${args[@]}" "$(api_url "$2")"
}
