#!/usr/bin/env bash
# bench/api: requests per second and latency of GET /api/v1/stats/live
# (wrk, 2 threads on this box, 64 connections, 10 s) while 200 WebSocket
# clients receive the per-second figures and CALLS calls are in progress
# (SIPp callers into a queue of CALLS agents whose SIPp phones answered
# and echo the media: talking through the server, 200 RTP packets/s each);
# then the time for one state change to reach 1,000 event channels.
# Env: SB_BIN, SB_BUILD; DURATION (s, default 10), CONNS (default 64),
# CALLS (default 100; 0: no calls), WS_CLIENTS (default 200).
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
SB_BUILD=${SB_BUILD:-$here/build}
SB_BIN=${SB_BIN:-$SB_BUILD/switchboard}
case $SB_BUILD in /*) ;; *) SB_BUILD=$here/$SB_BUILD ;; esac
case $SB_BIN in /*) ;; *) SB_BIN=$here/$SB_BIN ;; esac
WS=$SB_BUILD/bench_api
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
CALLS=${CALLS:-100}
WS_CLIENTS=${WS_CLIENTS:-200}
SIPP_PORT=${SIPP_PORT:-25060} # 25060 phones, 25070 registrations, 25080 callers
tmp=$(mktemp -d /tmp/sbbench.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ulimit -n "$(ulimit -Hn)"
tmpl() { # TEMPLATE OUT NAME=VALUE...
	local text out=$2 kv
	text=$(cat "$1")
	shift 2
	for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
	printf '%s\n' "$text" >"$out"
}
# The demo plus CALLS agents in queue "bench" (number 5100, no wrap-up).
mkdir -p "$tmp/data"
if [ "$CALLS" -gt 0 ]; then
	command -v sipp >/dev/null || { echo "sipp missing (scripts/deps.sh)" >&2; exit 1; }
	"$SB_BIN" --data "$tmp/data" --demo --sip 127.0.0.1:0 --http 127.0.0.1:0 \
		>"$tmp/prep.out" 2>&1 &
	p=$!
	for ((i = 0; i < 100; i++)); do grep -q '^ready' "$tmp/prep.out" && break; sleep 0.1; done
	kill $p; wait $p
	{
		echo "BEGIN;"
		echo "INSERT INTO queues(id, name, strategy, wrapup_s, ring_timeout_s, announce_every_s, created_at) VALUES (3, 'bench', 'longest_idle', 0, 15, 0, 0);"
		echo "INSERT INTO numbers(number, queue) VALUES ('5100', 'bench');"
		for ((i = 0; i < CALLS; i++)); do
			echo "INSERT INTO agents(id, extension, name, sip_password, created_at) VALUES ($((20000 + i)), '$((20000 + i))', 'Bench $i', 'bp$i', 0);"
			echo "INSERT INTO queue_members(queue_id, agent_id) VALUES (3, $((20000 + i)));"
		done
		echo "COMMIT;"
	} | sqlite3 "$tmp/data/switchboard.db"
	{
		echo SEQUENTIAL
		for ((i = 0; i < CALLS; i++)); do
			echo "$((20000 + i));[authentication username=$((20000 + i)) password=bp$i]"
		done
	} >"$tmp/agents.csv"
fi
"$SB_BIN" --data "$tmp/data" --sip 127.0.0.1:0 --http 127.0.0.1:0 --demo \
	--auto-login --rtp-ports 30000-59999 --rtp-timeout 120 \
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
AG=$(login 1001 pw1001)
[ -n "$T" ] && [ -n "$A" ] || { echo "login failed" >&2; exit 1; }

talking() {
	curl -s -H "Authorization: Bearer $T" "http://127.0.0.1:$port/api/v1/stats/live" |
		jq -r '.calls.talking // 0'
}
calls_during=0
if [ "$CALLS" -gt 0 ]; then
	sip_port=$(sed -n 's/.* sip=[^ ]*:\([0-9]*\).*/\1/p' "$tmp/out")
	src=$here
	# The agents' phones: one SIPp answering for all, echoing the media.
	tmpl "$src/test/e2e/sipp/agent.xml" "$tmp/agent.xml" USER=agent RING_MS=0 \
		ANSWER= STEPS= BYE_WAIT_MS=600000
	sipp -sf "$tmp/agent.xml" -t u1 -i 127.0.0.1 -p "$SIPP_PORT" \
		-mp $((SIPP_PORT + 1000)) -rtp_echo -nostdin -max_socket 65000 \
		>"$tmp/agent.out" 2>&1 &
	sleep 0.5
	tmpl "$src/bench/sip/register.xml" "$tmp/register.xml" CONTACT_PORT="$SIPP_PORT"
	sipp -sf "$tmp/register.xml" -inf "$tmp/agents.csv" -t u1 -i 127.0.0.1 \
		-p $((SIPP_PORT + 10)) -r 200 -m "$CALLS" -nostdin -timeout 60s \
		127.0.0.1:"$sip_port" >"$tmp/register.out" 2>&1 ||
		{ echo "agents did not all register" >&2; exit 1; }
	# The callers: talk (playing G.711 every 4.6 s) until well after wrk.
	talk=$(((DURATION + 20) * 1000))
	steps=''
	for ((t = 4600; t < talk; t += 4600)); do
		steps+="<pause milliseconds=\"4600\"/><nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/g711a.pcap\"/></action></nop>"
	done
	tmpl "$src/test/e2e/sipp/caller.xml" "$tmp/caller.xml" FROM=5550000 \
		STEPS="$steps" TALK_MS=1000 BYE_WAIT_MS=1000
	sipp -sf "$tmp/caller.xml" -s 5100 -t u1 -i 127.0.0.1 -p $((SIPP_PORT + 20)) \
		-mp $((SIPP_PORT + 2000)) -r 50 -m "$CALLS" -l "$CALLS" -nostdin \
		-timeout $((DURATION + 90))s -max_socket 65000 127.0.0.1:"$sip_port" \
		>"$tmp/callers.out" 2>&1 &
	callers=$!
	for ((i = 0; i < 300; i++)); do
		[ "$(talking)" -ge "$CALLS" ] && break
		sleep 0.1
	done
	echo "calls talking before wrk: $(talking)" >&2
fi

"$WS" hold "$port" "$T" "$WS_CLIENTS" $((DURATION + 3)) >"$tmp/hold" &
hold=$!
sleep 2
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $T" \
	"http://127.0.0.1:$port/api/v1/stats/live" >"$tmp/wrk" 2>&1
[ "$CALLS" -gt 0 ] && calls_during=$(talking)
wait $hold
cat "$tmp/wrk" >&2
if [ "$CALLS" -gt 0 ]; then
	kill "$callers" 2>/dev/null
	wait "$callers" 2>/dev/null
fi
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
echo "calls-in-progress-during-wrk: $calls_during calls"
echo "ws-clients-during-wrk: $WS_CLIENTS clients"
cat "$tmp/hold"
for run in 1 2 3; do
	"$WS" fanout "$port" "$A" 1000 "$AG" | sed "s/^fanout-all-ms/fanout-all-ms-run$run/" | grep run
done
