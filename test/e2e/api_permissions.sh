#!/usr/bin/env bash
# Permissions (issue 12): every route of the OpenAPI document for every
# role, against the permission table the server publishes. A role lacking
# a route's permission gets 403 (before its body is looked at: every body
# sent here is invalid, so an allowed role gets a 4xx that is not 403);
# a role granted it on its own objects only gets 403 on another agent's;
# every non-public route is 401 without a token. Then a real call to
# agent 1001: a quality analyst and another agent may neither hang it up,
# hold it, transfer it nor set 1001's state (403, the call goes on), the
# owner holds and resumes it, a supervisor hangs it up; afterwards its
# notes and record follow the same table.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
[ -n "$ADMIN" ] || sb_fail "admin login"

# --- One login per role, created through the API -------------------------
# (the agent login is a new agent's: each agent has one login)
sb_check "a new agent" api 201 POST /api/v1/agents "$ADMIN" \
	'{"extension":"1099","name":"Perm Test","sip_password":"pw1099.sip"}'
AG=$(api_field .id)
declare -A TOK
for r in agent team_leader supervisor quality_analyst admin; do
	body="{\"username\":\"p_$r\",\"password\":\"pw_$r.123\",\"role\":\"$r\"}"
	[ $r = agent ] && body="{\"username\":\"p_$r\",\"password\":\"pw_$r.123\",\"role\":\"$r\",\"agent_id\":$AG}"
	sb_check "account for role $r" api 201 POST /api/v1/accounts "$ADMIN" "$body"
	TOK[$r]=$(api_login "p_$r" "pw_$r.123")
	sb_check "login as $r" test -n "${TOK[$r]}"
	sb_check "the login's role is $r" api 200 GET /api/v1/me "${TOK[$r]}"
	sb_check "  ... $r" test "$(api_field .role)" = $r
done
ROLES="agent team_leader supervisor quality_analyst admin"

# --- The table and the route list ----------------------------------------
sb_check "the permission table" api 200 GET /api/v1/permissions "${TOK[agent]}"
PERMS=$API_BODY
sb_check "table: the caller's role" test "$(jq -r .role <<<"$PERMS")" = agent
sb_check "table: what the caller holds" \
	test "$(jq -c .granted <<<"$PERMS")" = "$(jq -c .roles.agent <<<"$PERMS")"
sb_check "table: needs a login" api 401 GET /api/v1/permissions
sb_check "the OpenAPI document" api 200 GET /api/v1/openapi.json
DOC=$API_BODY
sb_check "document: carries the same table" \
	test "$(jq -cS '."x-permissions"' <<<"$DOC")" = "$(jq -cS '{permissions, roles}' <<<"$PERMS")"
sb_check "table: quality analysts may not control calls" \
	test "$(jq -r '.roles.quality_analyst.calls_control // "none"' <<<"$PERMS")" = none
sb_check "table: agents control their own calls" \
	test "$(jq -r .roles.agent.calls_control <<<"$PERMS")" = own

# The README's table is the server's.
readme=$(awk -F' *[|] *' '/^[|] `[a-z_]+` [|].*[|] (any|own|–) [|]$/ {
	gsub("`", "", $2); printf "%s %s %s %s %s %s\n", $2, $4, $5, $6, $7, $8 }' \
	"$SB_SRC/README.md" | sed 's/–/none/g')
served=$(jq -r '.permissions[].name as $p | [$p] + ([.roles.agent,
	.roles.team_leader, .roles.supervisor, .roles.quality_analyst,
	.roles.admin] | map(.[$p] // "none")) | join(" ")' <<<"$PERMS")
sb_check "README: the permission table is the one served" test "$readme" = "$served"

# method path permission own body(0/1), one line per route
jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] |
	[(.key | ascii_upcase), $p, (.value."x-permission" // "public"),
	 (.value."x-own" // "-"), (if .value.requestBody then 1 else 0 end)]
	| @tsv' <<<"$DOC" >"$SB_TMP/routes"
n=$(wc -l <"$SB_TMP/routes")
sb_check "document: $n routes (all of them)" test "$n" -ge 100
unknown=$(cut -f3 "$SB_TMP/routes" | sort -u | grep -vx public |
	grep -vxF -f <(jq -r '.permissions[].name' <<<"$PERMS") || true)
sb_check "document: every route names a permission of the table" test -z "$unknown"
sb_check "document: the public routes are the expected four" test \
	"$(awk -F'\t' '$3 == "public" {print $1, $2}' "$SB_TMP/routes" | sort | tr '\n' ,)" = \
	"GET /api/v1/health,GET /api/v1/openapi.json,GET /metrics,POST /api/v1/login,"

# --- Every route x every role --------------------------------------------
# Ids that do not exist and bodies with an unknown field: an allowed role
# gets 400/404/409 after the check, nothing is changed.
BAD='{"zz_not_a_field":1}'
declare -A GRANT # role.permission -> own | any, from the published table
while read -r k v; do GRANT[$k]=$v; done < <(jq -r '.roles | to_entries[] |
	.key as $r | .value | to_entries[] | "\($r).\(.key) \(.value)"' <<<"$PERMS")
bad=0
while IFS=$'\t' read -r method path perm own hasbody; do
	url=${path//\{id\}/999999}
	url=${url//\{name\}/no_such_name}
	url=${url//\{version\}/999}
	body=
	[ "$hasbody" = 1 ] && body=$BAD
	got=$(api_status "$method" "$url" "" "$body")
	if [ "$perm" = public ]; then
		sb_check "$method $path: public (no token: $got)" test "$got" != 401
		continue
	fi
	sb_check "$method $path: 401 without a token" test "$got" = 401
	for r in $ROLES; do
		tok=${TOK[$r]}
		if [ "$path" = /api/v1/logout ]; then
			tok=$(api_login "p_$r" "pw_$r.123") # spend a spare one
		fi
		grant=${GRANT[$r.$perm]:-none}
		want=allowed
		[ "$grant" = none ] && want=403
		[ "$grant" = own ] && [ "$own" = agent ] && want=403 # 999999 is not theirs
		got=$(api_status "$method" "$url" "$tok" "$body")
		if [ "$want" = 403 ]; then
			ok=$([ "$got" = 403 ] && echo y)
		else
			ok=$([ "$got" != 403 ] && [ "$got" != 401 ] && [ "$got" -lt 500 ] && echo y)
		fi
		if [ "$ok" = y ]; then
			SB_CHECKS=$((SB_CHECKS + 1))
		else
			echo "  $r $method $url ($perm: $grant) -> $got, wanted $want: $(cat "$SB_TMP/body")" >&2
			bad=$((bad + 1))
		fi
	done
done <"$SB_TMP/routes"
sb_check "every route x every role answers as the table says" test $bad = 0

# The same routes on the agent's own agent: allowed (not 403).
while IFS=$'\t' read -r method path perm own hasbody; do
	[ "$own" = agent ] || continue
	body=
	[ "$hasbody" = 1 ] && body=$BAD
	got=$(api_status "$method" "${path//\{id\}/$AG}" "${TOK[agent]}" "$body")
	sb_check "$method $path: the agent on their own agent ($got)" \
		test "$got" != 403 -a "$got" != 401 -a "$got" -lt 500
done <"$SB_TMP/routes"

# Forbidden comes before the body is read: no schema is revealed.
sb_check "a forbidden role with a bad body: 403" \
	api 403 POST /api/v1/agents "${TOK[supervisor]}" '{"nonsense":true}'
sb_check "  ... says which permission" test "$(api_field .error.message | grep -c config_write)" = 1
sb_check "an allowed role with the same body: 400" \
	api 400 POST /api/v1/agents "$ADMIN" '{"nonsense":true}'

# --- A live call: who may touch it ---------------------------------------
A1=$(api_login 1001 pw1001)
A2=${TOK[agent]} # the new agent
QA=${TOK[quality_analyst]}
TL=${TOK[team_leader]}
SUPER=${TOK[supervisor]}
[ -n "$A1" ] || sb_fail "agent 1001 login"
voice_port
voice_agent 1001 "$PORT" answer 1 "$(step_phone_reinvite)$(step_phone_reinvite)"
sb_check "agent 1001's phone registered" sb_wait_log 'agent 1001 available' 10
voice_call_bg 5001 "$(step_wait_bye)" 60000 60000 5550177
CALLER=$CALL_PID
sb_check "the call reaches 1001 and is talking" api_wait_talking "$A1"
sb_check "quality analyst sees the live call" api 200 GET "/api/v1/calls/$IID" "$QA"
sb_check "quality analyst sees 1001's state" api 200 GET /api/v1/agents/1001/state "$QA"
sb_check "quality analyst may not hang up" api 403 POST "/api/v1/interactions/$IID/hangup" "$QA"
sb_check "quality analyst may not hold" api 403 POST "/api/v1/interactions/$IID/hold" "$QA"
sb_check "quality analyst may not transfer" api 403 POST "/api/v1/interactions/$IID/transfer" "$QA" '{"target":"1003"}'
sb_check "quality analyst may not consult" api 403 POST "/api/v1/interactions/$IID/consult" "$QA" '{"agent":"1003"}'
sb_check "quality analyst may not set 1001's state" api 403 POST /api/v1/agents/1001/state "$QA" '{"state":"logged_out"}'
sb_check "quality analyst may not set auto-answer" api 403 POST /api/v1/agents/1001/auto-answer "$QA" '{"enabled":true}'
sb_check "another agent may not see it" api 403 GET "/api/v1/calls/$IID" "$A2"
sb_check "another agent may not hang up" api 403 POST "/api/v1/interactions/$IID/hangup" "$A2"
sb_check "another agent may not hold" api 403 POST "/api/v1/interactions/$IID/hold" "$A2"
sb_check "another agent may not set 1001's state" api 403 POST /api/v1/agents/1001/state "$A2" '{"state":"logged_out"}'
sb_check "another agent's list is empty" api 200 GET /api/v1/calls "$A2"
sb_check "  ... (none)" test "$(api_field length)" = 0
sb_check "the call goes on" api 200 GET "/api/v1/calls/$IID" "$SUPER"
sb_check "  ... still talking with 1001" test "$(api_field .state):$(api_field .agent_id)" = talking:1001
sb_check "the caller is still on" kill -0 "$CALLER"
sb_check "the owner holds" api 200 POST "/api/v1/interactions/$IID/hold" "$A1"
sb_check "a team leader resumes" api 200 POST "/api/v1/interactions/$IID/resume" "$TL"
sb_check "the owner may not set another agent's state" api 403 POST /api/v1/agents/1002/state "$A1" '{"state":"available"}'
sb_check "the owner reads their own state" api 200 GET /api/v1/agents/1001/state "$A1"
sb_check "  ... busy on the call" test "$(api_field .state):$(api_field .interaction_id)" = "busy:$IID"
sb_check "notes: the quality analyst may not write" api 403 PUT "/api/v1/interactions/$IID/notes" "$QA" '{"notes":"qa"}'
sb_check "notes: another agent may not write" api 403 PUT "/api/v1/interactions/$IID/notes" "$A2" '{"notes":"a2"}'
sb_check "notes: the owner writes" api 200 PUT "/api/v1/interactions/$IID/notes" "$A1" '{"notes":"mine"}'
sb_check "a supervisor hangs up" api 200 POST "/api/v1/interactions/$IID/hangup" "$SUPER"
sb_check "the caller got the BYE" wait "$CALLER"
sb_check "the hang-up was audited" api 200 GET '/api/v1/audit?limit=50' "$ADMIN"
sb_check "  ... interaction.hangup by the supervisor" \
	test "$(api_field "[.[] | select(.action == \"interaction.hangup\" and .object == \"interaction/$IID\")] | length")" = 1

# --- The record afterwards ------------------------------------------------
sb_check "record: the quality analyst reads it" api 200 GET "/api/v1/interactions/$IID" "$QA"
sb_check "record: the owner reads it" api 200 GET "/api/v1/interactions/$IID" "$A1"
sb_check "record: another agent may not" api 403 GET "/api/v1/interactions/$IID" "$A2"
sb_check "record: note versions, not another agent's" api 403 GET "/api/v1/interactions/$IID/notes/versions" "$A2"
sb_check "record: another agent's history filter is 403" api 403 GET "/api/v1/interactions?agent=1001" "$A2"
sb_check "record: the owner's list has it" api 200 GET /api/v1/interactions "$A1"
sb_check "  ... (it)" test "$(api_field "[.[] | select(.id == $IID)] | length")" = 1
sb_check "wrap-up: not by the quality analyst" api 403 POST "/api/v1/interactions/$IID/wrapup" "$QA" '{"disposition":"resolved"}'

sb_stop
sb_pass
