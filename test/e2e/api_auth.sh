#!/usr/bin/env bash
# Accounts and roles: every admin route refuses the other roles with 403;
# logins are created, changed, disabled and deleted with an audit trail;
# repeated failed logins slow down, then lock; a changed password ends the
# other sessions; tokens expire.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
AG1=$(api_login 1001 pw1001)
[ -n "$ADMIN" ] && [ -n "$SUPER" ] && [ -n "$AG1" ] || sb_fail "demo logins"

api 200 GET /api/v1/me "$AG1"
sb_check "agent login is linked to agent 1001" test "$(api_field .agent_id)" = 1001

# Admin-only routes refuse agent and supervisor.
for t in AG1 SUPER; do
	api 403 GET /api/v1/accounts "${!t}"
	sb_check "$t cannot list logins (403)" test "$(api_field .error.code)" = forbidden
	sb_check "$t cannot add a disposition code (403)" api 403 POST /api/v1/dispositions "${!t}" '{"code":"zz","label":"Z"}'
done
sb_check "agent cannot read the audit log" api 403 GET /api/v1/audit "$AG1"
sb_check "supervisor can read the audit log" api 200 GET /api/v1/audit "$SUPER"
api 200 GET /api/v1/dispositions "$AG1"
sb_check "agent can read disposition codes" test "$(api_field 'length')" -ge 1

# Logins: create, validate, use, disable, delete.
api 400 POST /api/v1/accounts "$ADMIN" '{"username":"tl1","password":"short","role":"team_leader"}'
sb_check "short password refused naming the field" test "$(api_field .error.field)" = password
api 400 POST /api/v1/accounts "$ADMIN" '{"username":"tl1","password":"secret99","role":"boss"}'
sb_check "unknown role refused" test "$(api_field .error.field)" = role
api 400 POST /api/v1/accounts "$ADMIN" '{"username":"a1","password":"secret99","role":"agent"}'
sb_check "agent login without agent_id refused" test "$(api_field .error.field)" = agent_id
api 201 POST /api/v1/accounts "$ADMIN" '{"username":"tl1","password":"secret99","role":"team_leader"}'
TLID=$(api_field .id)
api 409 POST /api/v1/accounts "$ADMIN" '{"username":"tl1","password":"secret99","role":"team_leader"}'
sb_check "duplicate username: 409" test "$(api_field .error.code)" = conflict
TL=$(api_login tl1 secret99)
sb_check "new login works" test -n "$TL"
api 200 GET /api/v1/me "$TL"
sb_check "it has its role" test "$(api_field .role)" = team_leader
api 200 PATCH "/api/v1/accounts/$TLID" "$ADMIN" '{"disabled":true}'
sb_check "disabling revokes its sessions" api 401 GET /api/v1/me "$TL"
sb_check "a disabled login cannot log in" test -z "$(api_login tl1 secret99)"
sb_check "deleting a missing login: 404" api 404 DELETE /api/v1/accounts/999 "$ADMIN"
api 200 DELETE "/api/v1/accounts/$TLID" "$ADMIN"
api 400 DELETE /api/v1/accounts/abc "$ADMIN"
sb_check "non-numeric id: 400 naming it" test "$(api_field .error.field)" = id
api 200 GET /api/v1/audit "$ADMIN"
sb_check "audit log records the changes" \
	test "$(api_field '[.[] | select(.action|startswith("account."))] | length')" -ge 3

# Own password: the old one is checked, other sessions end.
A2=$(api_login 1002 pw1002)
A2b=$(api_login 1002 pw1002)
sb_check "wrong old password refused" api 403 POST /api/v1/me/password "$A2" '{"old_password":"bad","new_password":"newpw1002"}'
api 200 POST /api/v1/me/password "$A2" '{"old_password":"pw1002","new_password":"newpw1002"}'
sb_check "password change ends the other sessions" api 401 GET /api/v1/me "$A2b"
sb_check "but keeps this one" api 200 GET /api/v1/me "$A2"

# Throttling: three failures slow down, six lock (even the right password).
for i in 1 2 3; do
	api 401 POST /api/v1/login "" '{"username":"1003","password":"wrong"}' ||
		sb_fail "failure $i"
done
api 429 POST /api/v1/login "" '{"username":"1003","password":"pw1003"}'
sb_check "after 3 failures the next try must wait (429 slow_down)" \
	test "$(api_field .error.code)" = slow_down
fails=3
for ((t = 0; t < 200 && fails < 6; t++)); do
	code=$(curl -s -o "$SB_TMP/body" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d '{"username":"1003","password":"wrong"}' "$(api_url /api/v1/login)")
	[ "$code" = 401 ] && fails=$((fails + 1))
	[ "$code" = 401 ] || sleep 0.1
done
sb_check "six failures reached" test $fails -eq 6
api 429 POST /api/v1/login "" '{"username":"1003","password":"pw1003"}'
sb_check "then the name is locked, right password or not" \
	test "$(api_field .error.code)" = locked
sb_check "other names are unaffected" test -n "$(api_login 1004 pw1004)"
sb_stop

# Expiry: the same data, tokens living 2 seconds.
sb_start --session-ttl 2
T=$(api_login admin pwadmin)
api 200 GET /api/v1/me "$T"
expired=0
for ((i = 0; i < 100; i++)); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" "$(api_url /api/v1/me)")
	[ "$code" = 401 ] && { expired=1; break; }
	sleep 0.1
done
sb_check "an expired token gets 401" test $expired -eq 1
sb_stop
sb_pass
