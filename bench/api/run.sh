#!/usr/bin/env bash
# bench/api: requests per second and latency of GET /api/v1/stats/live
# (wrk, 4 threads... 2 on this box, 64 connections, 10 s) while 200
# WebSocket clients receive the per-second figures; then the time for one
# state change to reach 1,000 event channels.
# Env: SB_BIN, SB_BUILD; DURATION (s, default 10), CONNS (default 64).
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
SB_BUILD=${SB_BUILD:-$here/build}
SB_BIN=${SB_BIN:-$SB_BUILD/switchboard}
case $SB_BUILD in /*) ;; *) SB_BUILD=$here/$SB_BUILD ;; esac
case $SB_BIN in /*) ;; *) SB_BIN=$here/$SB_BIN ;; esac
WS=$SB_BUILD/bench_api
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
tmp=$(mktemp -d /tmp/sbbench.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

"$SB_BIN" --data "$tmp/data" --sip 127.0.0.1:0 --http 127.0.0.1:0 --demo \
	--log-level warn >"$tmp/out" 2>"$tmp/log" &
pid=$!
for ((i = 0; i < 200; i++)); do grep -q '^ready' "$tmp/out" && break; sleep 0.05; done
port=$(sed -n 's/.* http=[^ ]*:\([0-9]*\).*/\1/p' "$tmp/out")
[ -n "$port" ] || { echo "server did not start" >&2; exit 1; }
login() {
	curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" \
		"http://127.0.0.1:$port/api/v1/login" | jq -r '.token // empty'
}
T=""
for ((i = 0; i < 100; i++)); do T=$(login super pwsuper); [ -n "$T" ] && break; sleep 0.1; done
A=$(login admin pwadmin)
[ -n "$T" ] && [ -n "$A" ] || { echo "login failed" >&2; exit 1; }

"$WS" hold "$port" "$T" 200 $((DURATION + 3)) >"$tmp/hold" &
hold=$!
sleep 2
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $T" \
	"http://127.0.0.1:$port/api/v1/stats/live" >"$tmp/wrk" 2>&1
wait $hold
cat "$tmp/wrk" >&2
rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk")
p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk")
p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk")
to_ms() { # wrk prints 1.23ms, 950.00us or 1.2s
	awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
		else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } }'
}
echo "stats-live-rps: $rps req/s"
echo "stats-live-p50: $(to_ms "$p50") ms"
echo "stats-live-p99: $(to_ms "$p99") ms"
echo "stats-live-non2xx: ${non2xx:-0} responses"
cat "$tmp/hold"
for run in 1 2 3; do
	"$WS" fanout "$port" "$A" 1000 | sed "s/^fanout-all-ms/fanout-all-ms-run$run/" | grep run
done
