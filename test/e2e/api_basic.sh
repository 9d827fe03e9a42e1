#!/usr/bin/env bash
# The HTTP API's framework: login and sessions, JSON errors with the
# right 4xx for bad JSON, missing fields, wrong types, unknown fields,
# oversized bodies, unknown routes and methods; the OpenAPI document lists
# every route; /metrics is Prometheus text; static pages are served and
# nothing outside web/ is.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"

api 401 GET /api/v1/me
sb_check "no token: 401" test "$(api_field .error.code)" = unauthorized
api 401 GET /api/v1/me "$(printf 'a%.0s' {1..64})"
sb_check "unknown token: 401" test "$(api_field .error.code)" = unauthorized

api 401 POST /api/v1/login "" '{"username":"admin","password":"nope"}'
sb_check "wrong password: 401" test "$(api_field .error.code)" = invalid_credentials
api 200 POST /api/v1/login "" '{"username":"admin","password":"pwadmin"}'
ADMIN=$(api_field .token)
sb_check "login answers a 256-bit token" test ${#ADMIN} -eq 64
sb_check "login answers the role" test "$(api_field .role)" = admin
sb_check "login answers expires_at" test "$(api_field .expires_at)" -gt 0
hdrs=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"super","password":"pwsuper"}' "$(api_url /api/v1/login)")
sb_check "cookie is HttpOnly and SameSite=Strict" \
	grep -qi 'set-cookie: sb_token=.*HttpOnly.*SameSite=Strict' <<<"$hdrs"
cookie=$(sed -n 's/^set-cookie: \(sb_token=[0-9a-f]*\).*/\1/ip' <<<"$hdrs" | tr -d '\r')
out=$(curl -s -H "Cookie: $cookie" "$(api_url /api/v1/me)")
sb_check "the cookie authenticates" test "$(jq -r .username <<<"$out")" = super

api 200 GET /api/v1/me "$ADMIN"
sb_check "me names the account" test "$(api_field .username)" = admin

# Bad input: each answer names what is wrong.
api 400 POST /api/v1/login "" '{"username":"admin",'
sb_check "bad JSON: 400 bad_json" test "$(api_field .error.code)" = bad_json
api 400 POST /api/v1/login "" '{"username":"admin"}'
sb_check "missing field: 400 naming it" test "$(api_field .error.field)" = password
api 400 POST /api/v1/login "" '{"username":"admin","password":7}'
sb_check "wrong type: 400 naming it" test "$(api_field .error.code):$(api_field .error.field)" = wrong_type:password
api 400 POST /api/v1/login "" '{"username":"admin","password":"x","extra":1}'
sb_check "unknown field: 400 naming it" test "$(api_field .error.field)" = extra
api 400 POST /api/v1/login "" '[1,2]'
sb_check "array body: 400" test "$(api_field .error.code)" = wrong_type
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' \
	-d '{"username":"a","password":"b"}' "$(api_url /api/v1/login)")
sb_check "wrong content type: 415" test "$code" = 415
head -c 200000 /dev/zero | tr '\0' a >"$SB_TMP/big"
code=$(curl -s -o "$SB_TMP/out" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$SB_TMP/big" "$(api_url /api/v1/login)")
sb_check "oversized body: 413" test "$code" = 413
api 404 GET /api/v1/no-such-thing "$ADMIN"
sb_check "unknown route: 404 JSON" test "$(api_field .error.code)" = not_found
api 405 PUT /api/v1/login
sb_check "wrong method: 405" test "$(api_field .error.code)" = method_not_allowed

# The OpenAPI document covers the route table.
api 200 GET /api/v1/openapi.json
sb_check "openapi 3" test "$(api_field .openapi)" = 3.0.3
sb_check "login documented with required fields" \
	test "$(api_field '.paths["/api/v1/login"].post.requestBody.content["application/json"].schema.required | join(",")')" = username,password
n=$(api_field '[.paths[] | keys[]] | length')
sb_check "many operations documented ($n)" test "$n" -ge 15

code=$(curl -s -o "$SB_TMP/metrics" -w '%{http_code}' "$(api_url /metrics)")
sb_check "metrics served" test "$code" = 200
sb_check "metrics count API requests" grep -q '^sb_api_requests_total{class="4xx"} [1-9]' "$SB_TMP/metrics"

code=$(curl -s -o /dev/null -w '%{http_code}' "$(api_url /)")
sb_check "index page served" test "$code" = 200
code=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$(api_url /../CMakeLists.txt)")
sb_check "nothing outside web/" test "$code" = 404

sb_check "health answers through the core loop" api 200 GET /api/v1/health
sb_check "with the round trip measured" test "$(api_field .core_roundtrip_ms)" -ge 0

api 200 POST /api/v1/logout "$ADMIN"
api 401 GET /api/v1/me "$ADMIN"
sb_check "logout revokes the token" test "$(api_field .error.code)" = unauthorized

sb_stop
sb_pass
