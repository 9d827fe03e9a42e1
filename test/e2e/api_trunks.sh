#!/usr/bin/env bash
# The trunks API: administrators only; GET/POST/PATCH/DELETE with every
# field (the password write-only: has_password), a 400 naming each bad
# field, 409 on a name taken, the audit log (without the password), and
# each change applied at once: the server reloads its trunks (log lines
# name them) with no restart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

db() { sqlite3 "$SB_DATA/switchboard.db" "$1"; }

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
A3=$(api_login 1003 pw1003)
T=/api/v1/trunks

sb_check "an agent may not list trunks (403)" api 403 GET $T "$A3"
sb_check "nor a supervisor" api 403 GET $T "$SUPER"
sb_check "nor create one" api 403 POST $T "$SUPER" '{"name":"x"}'
sb_check "the admin lists none" api 200 GET $T "$ADMIN"
sb_check "  empty" test "$(api_field length)" = 0

# Bad fields: each named.
bad() { # FIELD BODY
	api 400 POST $T "$ADMIN" "$2" && test "$(api_field .error.field)" = "$1"
}
sb_check "name required" bad name '{"outbound":false}'
sb_check "name charset" bad name '{"name":"a b"}'
sb_check "source_addr not an IP" bad source_addr '{"name":"t","source_addr":"carrier.example"}'
sb_check "source_addr bad port" bad source_addr '{"name":"t","source_addr":"192.0.2.1:99999"}'
sb_check "outbound without outbound_addr" bad outbound_addr '{"name":"t","outbound":true}'
sb_check "outbound_addr without port" bad outbound_addr '{"name":"t","outbound":true,"outbound_addr":"sbc.example"}'
sb_check "caller_id not a number" bad caller_id '{"name":"t","caller_id":"ACME"}'
sb_check "password with a space" bad password '{"name":"t","password":"a b"}'
sb_check "allow not an array" bad allow '{"name":"t","allow":"+44"}'
sb_check "deny with a bad prefix" bad deny '{"name":"t","deny":["+1","09x"]}'
sb_check "  the message names the entry" grep -q 'deny\[1\]' <<<"$API_BODY"
sb_check "trusted not a boolean" bad trusted '{"name":"t","trusted":"yes"}'
sb_check "unknown field" bad secret '{"name":"t","secret":1}'
sb_check "nothing was created" test "$(db 'SELECT count(*) FROM trunks')" = 0

# Create: applied at once.
body='{"name":"carrier","outbound":true,"outbound_addr":"127.0.0.1:5099","username":"sb","password":"s3cret","caller_id":"+15550100","allow":["+44"],"deny":["0090","+1876"]}'
sb_check "create carrier (201)" api 201 POST $T "$ADMIN" "$body"
id=$(api_field .id)
sb_check "  fields back" test "$(api_field '[.name,.outbound,.outbound_addr,.username,.has_password,.caller_id,.trusted,(.allow|join(" ")),(.deny|join(" "))]|join("|")')" = "carrier|true|127.0.0.1:5099|sb|true|+15550100|false|+44|0090 +1876"
sb_check "  no password in the answer" bash -c "! grep -q s3cret <<<'$API_BODY'"
sb_check "  loaded live, no restart" sb_wait_log 'outbound calls through trunk carrier \(127.0.0.1:5099\): 1 allow, 2 deny prefixes' 1
sb_check "  a trunk by credentials too, not trusted" sb_wait_log "inbound trunk carrier by credentials of 'sb'$" 1
sb_check "  audited without the password" test "$(db "SELECT action || ' ' || object || ' ' || json_extract(detail, '$.password') FROM audit_log WHERE action LIKE 'trunk.%'")" = "trunk.create trunk/$id (set)"
sb_check "  stored space-separated" test "$(db "SELECT deny FROM trunks WHERE id = $id")" = "0090 +1876"
sb_check "the name is taken (409)" api 409 POST $T "$ADMIN" '{"name":"carrier"}'
sb_check "  names the field" test "$(api_field .error.field)" = name

# Patch: partial; null clears; the outbound check looks at the stored row.
sb_check "patch trusted and deny" api 200 PATCH $T/$id "$ADMIN" '{"trusted":true,"deny":["+90"]}'
sb_check "  changed, the rest kept" test "$(api_field '[.trusted,(.deny|join(" ")),(.allow|join(" ")),.outbound_addr]|join("|")')" = "true|+90|+44|127.0.0.1:5099"
sb_check "  reloaded" sb_wait_log 'inbound trunk carrier by credentials of .sb. \(trusted\)' 1
sb_check "clearing outbound_addr of an outbound trunk: 400" api 400 PATCH $T/$id "$ADMIN" '{"outbound_addr":null}'
sb_check "  names outbound_addr" test "$(api_field .error.field)" = outbound_addr
sb_check "a name cannot be cleared" api 400 PATCH $T/$id "$ADMIN" '{"name":null}'
sb_check "clear caller_id" api 200 PATCH $T/$id "$ADMIN" '{"caller_id":null}'
sb_check "  null" test "$(api_field .caller_id)" = null
sb_check "patch an unknown trunk: 404" api 404 PATCH $T/999 "$ADMIN" '{"trusted":false}'
sb_check "an agent may not patch" api 403 PATCH $T/$id "$A3" '{"trusted":false}'
sb_check "GET lists it" api 200 GET $T "$ADMIN"
sb_check "  one, has_password, no password" test "$(api_field '[length, .[0].has_password, (.[0]|has("password"))]|join("|")')" = "1|true|false"

# (dial_policy.sh drives the policy's lists on real calls.)
sb_check "patch the lists again" api 200 PATCH $T/$id "$ADMIN" '{"deny":["0044"],"allow":[]}'
sb_check "  reloaded with 0 allow, 1 deny" sb_wait_log 'carrier \(127.0.0.1:5099\): 0 allow, 1 deny prefixes' 1

sb_check "delete" api 200 DELETE $T/$id "$ADMIN"
sb_check "  gone" test "$(db 'SELECT count(*) FROM trunks')" = 0
sb_check "delete again: 404" api 404 DELETE $T/$id "$ADMIN"
sb_check "audit: create, 3 updates, delete" test "$(db "SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log WHERE action LIKE 'trunk.%' ORDER BY id)")" = "trunk.create,trunk.update,trunk.update,trunk.update,trunk.delete"
sb_stop
sb_pass
