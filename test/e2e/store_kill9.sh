#!/usr/bin/env bash
# Nothing acknowledged is lost: four clients create agents over the API as
# fast as they can; the server is killed with SIGKILL in mid-stream; every
# agent whose creation was answered 201 must be in the database, the server
# must start again on the same data directory (the database lock died with
# the process) and list them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

command -v sqlite3 >/dev/null || sb_fail "sqlite3 missing: run scripts/deps.sh"
sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
[ -n "$ADMIN" ] || sb_fail "admin login failed"

acked=$SB_TMP/acked
: >"$acked"
writer() { # W: creates agents 3W00.. until the server dies
	local w=$1 i code
	for ((i = 0; i < 100; i++)); do
		code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' \
			-X POST -H "Authorization: Bearer $ADMIN" \
			-H 'Content-Type: application/json' \
			--data-binary "{\"extension\":\"3$w$(printf %02d $i)\",\"name\":\"K $w $i\",\"sip_password\":\"secret$i\"}" \
			"$(api_url /api/v1/agents)") || return 0
		[ "$code" = 201 ] || return 0
		echo "3$w$(printf %02d $i)" >>"$acked"
	done
}
for w in 1 2 3 4; do writer "$w" & done
writers=$(jobs -p)

# Kill once 60 creations were acknowledged (bounded: 30 s).
for ((t = 0; t < 600; t++)); do
	[ "$(wc -l <"$acked")" -ge 60 ] && break
	sleep 0.05
done
kill -KILL "$SB_PID"
wait "$SB_PID" 2>/dev/null
SB_PID=
for p in $writers; do wait "$p" 2>/dev/null; done
n=$(wc -l <"$acked")
sb_check "at least 60 creations acknowledged before the kill ($n)" test "$n" -ge 60

db=$SB_DATA/switchboard.db
missing=0
while read -r ext; do
	c=$(sqlite3 "$db" "SELECT count(*) FROM agents WHERE extension = '$ext'")
	[ "$c" = 1 ] || { echo "  agent $ext acknowledged but lost" >&2; missing=$((missing + 1)); }
done <"$acked"
sb_check "every acknowledged agent survived kill -9" test "$missing" -eq 0
sb_check "database intact" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok

: >"$SB_LOG"
sb_start --demo
ADMIN=$(api_login admin pwadmin)
sb_check "server restarts on the same data" api 200 GET /api/v1/agents "$ADMIN"
listed=$(api_field '[.[].extension] | join(" ")')
lost=0
while read -r ext; do
	grep -qw "$ext" <<<"$listed" || lost=$((lost + 1))
done <"$acked"
sb_check "the restarted server lists them" test "$lost" -eq 0
sb_check "demo not seeded twice" test "$(sqlite3 "$db" \
	"SELECT count(*) FROM agents WHERE extension BETWEEN '1001' AND '1004'")" = 4
sb_stop
sb_pass
