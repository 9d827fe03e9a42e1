# Shared by the end-to-end tests (sourced, not a test itself: ctest runs
# only files named test/e2e/*.sh that do not start with "lib").
#
#   sb_start [flags...]   start build/switchboard on loopback with port 0
#                         everywhere and a fresh data dir; sets SB_PID,
#                         SB_DATA, SB_LOG, SB_SIP_PORT, SB_HTTP_PORT
#                         (SB_SIP: the --sip address, 127.0.0.1:0; set
#                         it empty to start with the default)
#   sb_stop               SIGTERM and wait; fails if the server crashed
#   sb_wait_log REGEX [SECONDS]   wait for a line in the server log
#   sb_wait_count REGEX N [SECONDS]   wait for N such lines in the log
#   sb_db_is SQL WANT [SECONDS]   wait (5 s) until a query of the store
#                         gives WANT (the store commits in groups)
#   sb_wait_until SECONDS COMMAND...   wait until COMMAND succeeds (e.g. a
#                         row the store's writer commits a moment later)
#   sb_fail MESSAGE       print, dump the log tail, exit 1
#   sb_pass               print the closing line and exit 0
#   sb_browser X.mjs      run a Playwright script against a demo server
set -uo pipefail

SB_BIN=${SB_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/switchboard}
SB_SRC=${SB_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SB_TMP=$(mktemp -d /tmp/sbe2e.XXXXXX)
SB_PID=
SB_DATA=$SB_TMP/data
SB_LOG=$SB_TMP/server.log
SB_OUT=$SB_TMP/server.out
SB_CHECKS=0

sb_cleanup() {
	if [ -n "$SB_PID" ] && kill -0 "$SB_PID" 2>/dev/null; then
		kill -KILL "$SB_PID" 2>/dev/null
	fi
	jobs -p | xargs -r kill 2>/dev/null
	if [ "${SB_KEEP:-0}" = 1 ]; then
		echo "kept $SB_TMP"
	else
		rm -rf "$SB_TMP"
	fi
}
trap sb_cleanup EXIT

sb_fail() {
	echo "FAIL: $*" >&2
	if [ -f "$SB_LOG" ]; then
		echo "--- server log (last 40 lines)" >&2
		tail -n 40 "$SB_LOG" >&2
	fi
	exit 1
}

sb_check() { # sb_check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		SB_CHECKS=$((SB_CHECKS + 1))
		echo "ok   $what"
	else
		sb_fail "$what"
	fi
}

sb_pass() {
	echo "$SB_CHECKS passed, 0 failed"
	exit 0
}

sb_wait_log() { # REGEX [SECONDS]
	local re=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eq -- "$re" "$SB_LOG" "$SB_OUT" 2>/dev/null && return 0
		if [ -n "$SB_PID" ] && ! kill -0 "$SB_PID" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
	done
	return 1
}

sb_wait_count() { # REGEX N [SECONDS]
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		[ "$(grep -Ec -- "$1" "$SB_LOG" 2>/dev/null)" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

sb_wait_until() { # SECONDS COMMAND...
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

sb_start() {
	local sip=${SB_SIP-127.0.0.1:0}
	mkdir -p "$SB_DATA"
	"$SB_BIN" --data "$SB_DATA" ${sip:+--sip "$sip"} --http 127.0.0.1:0 \
		--log-level "${SB_LOG_LEVEL:-info}" "$@" \
		>"$SB_OUT" 2>"$SB_LOG" &
	SB_PID=$!
	sb_wait_log '^ready' 20 || sb_fail "server did not become ready"
	local line
	line=$(grep -m1 '^ready' "$SB_OUT")
	SB_SIP_PORT=$(sed -n 's/.* sip=[^ ]*:\([0-9]*\).*/\1/p' <<<"$line")
	SB_HTTP_PORT=$(sed -n 's/.* http=[^ ]*:\([0-9]*\).*/\1/p' <<<"$line")
	export SB_SIP_PORT SB_HTTP_PORT
}

sb_stop() {
	[ -n "$SB_PID" ] || return 0
	kill -TERM "$SB_PID" 2>/dev/null
	local i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$SB_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$SB_PID" 2>/dev/null; then
		sb_fail "server did not stop within 10 s of SIGTERM"
	fi
	wait "$SB_PID"
	local rc=$?
	SB_PID=
	[ $rc -eq 0 ] || sb_fail "server exited with status $rc"
}

# sb_browser SCRIPT.mjs: runs a Playwright script (Debian chromium) against
# a fresh demo server and passes when it does.
sb_browser() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	[ -d "$here/node_modules/playwright-core" ] ||
		sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"
	sb_start --demo
	sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
	SB_HTTP_PORT=$SB_HTTP_PORT timeout 120 node "$here/$1" || sb_fail "browser test $1"
	sb_stop
	sb_pass
}

sb_db_is() { # SQL WANT [SECONDS]
	local i got secs=${3:-5}
	for ((i = 0; i < secs * 10; i++)); do
		got=$(sqlite3 "$SB_DATA/switchboard.db" "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	echo "  got: $got" >&2
	return 1
}
