#!/usr/bin/env bash
# bench/sip: SIPp calls into the real server, SIPp agent phones answering.
#   A  call setup rate: callers into a queue of BENCH_AGENTS registered
#      agents (digest auth) at increasing rates, 1 s calls; the highest
#      rate with zero failed calls.
#   B  concurrent bridged calls with media both ways: bench_sip (the RTP
#      probe, rtpprobe.c) sends 50 PCMU packets/s for every call, the server
#      relays them to the agent phone (SIPp -rtp_echo), which echoes them
#      back through the server to the probe: 200 packets/s per call through
#      the server. Loss, round trip and its jitter per packet, CPU per
#      relayed packet, memory per call.
#   C  callers waiting in a queue with nobody logged in, hearing music:
#      late ticks (> 5 ms), lateness p99, memory per waiting caller.
# Every phase runs a fresh server. Prints `figure-name: value unit`.
# Sizes: BENCH_RATES, BENCH_BRIDGED, BENCH_WAITING, BENCH_HOLD_S.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=${SB_BIN:-$src/build/switchboard}
case $bin in /*) ;; *) bin=$src/$bin ;; esac
rates=${BENCH_RATES:-"100 200 300 400"}
agents=${BENCH_AGENTS:-1200}
bridged=${BENCH_BRIDGED:-1000}
waiting=${BENCH_WAITING:-2000}
hold_s=${BENCH_HOLD_S:-30}
phases=${BENCH_PHASES:-"a b c"}
tmp=$(mktemp -d /tmp/sbbench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; [ -n "${pid:-}" ] && kill -9 $pid 2>/dev/null; [ "${BENCH_KEEP:-0}" = 1 ] && echo "kept $tmp" >&2 || rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)"
# SIPp's -rtp_echo answers every call's RTP from one socket in one thread:
# at 1,000 calls that socket takes 50,000 packets/s, and the default 208 KiB
# receive buffer overflows whenever the thread waits for a core (the loss
# is then SIPp's, not the server's). Give new sockets a 4 MiB buffer while
# the benchmark runs (root only; restored on exit).
rmem0=$(cat /proc/sys/net/core/rmem_default 2>/dev/null)
if [ -w /proc/sys/net/core/rmem_default ]; then
	echo 4194304 >/proc/sys/net/core/rmem_default
	trap 'echo "$rmem0" >/proc/sys/net/core/rmem_default; kill $(jobs -p) 2>/dev/null; [ -n "${pid:-}" ] && kill -9 $pid 2>/dev/null; [ "${BENCH_KEEP:-0}" = 1 ] && echo "kept $tmp" >&2 || rm -rf "$tmp"' EXIT
fi
hz=$(getconf CLK_TCK)
probe=${SB_BUILD:-$src/build}/bench_sip
case $probe in /*) ;; *) probe=$src/$probe ;; esac
[ -x "$probe" ] || { echo "bench/sip: missing $probe (make)" >&2; exit 1; }

fail() { echo "bench/sip: $*" >&2; exit 1; }
command -v sipp >/dev/null || fail "sipp missing (scripts/deps.sh)"

tmpl() { # TEMPLATE OUT NAME=VALUE...
	local text
	text=$(cat "$1")
	local out=$2 kv
	shift 2
	for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
	printf '%s\n' "$text" >"$out"
}

# A database with the demo plus BENCH_AGENTS agents in queue "bench"
# (number 5100, no wrap-up) and an empty queue "hold" (number 5101).
prepare() {
	rm -rf "$tmp/data"
	mkdir -p "$tmp/data"
	"$bin" --data "$tmp/data" --demo --sip 127.0.0.1:0 --http 127.0.0.1:0 \
		>"$tmp/prep.out" 2>&1 &
	local p=$!
	for _ in $(seq 100); do grep -q '^ready' "$tmp/prep.out" && break; sleep 0.1; done
	kill $p; wait $p
	{
		echo "BEGIN;"
		echo "INSERT INTO queues(id, name, strategy, wrapup_s, ring_timeout_s, announce_every_s, created_at) VALUES (3, 'bench', 'longest_idle', 0, 15, 0, 0), (4, 'hold', 'longest_idle', 0, 15, 0, 0);"
		echo "INSERT INTO numbers(number, queue) VALUES ('5100', 'bench'), ('5101', 'hold');"
		for ((i = 0; i < agents; i++)); do
			echo "INSERT INTO agents(id, extension, name, sip_password, created_at) VALUES ($((20000 + i)), '$((20000 + i))', 'Bench $i', 'bp$i', 0);"
			echo "INSERT INTO queue_members(queue_id, agent_id) VALUES (3, $((20000 + i)));"
		done
		echo "COMMIT;"
	} | sqlite3 "$tmp/data/switchboard.db"
	{
		echo SEQUENTIAL
		for ((i = 0; i < agents; i++)); do
			echo "$((20000 + i));[authentication username=$((20000 + i)) password=bp$i]"
		done
	} >"$tmp/agents.csv"
}

start() { # PHASE
	log=$tmp/server_$1.log
	"$bin" --data "$tmp/data" --sip 127.0.0.1:0 --http 127.0.0.1:0 \
		--rtp-ports 10000-59999 --rtp-timeout 120 --log-level info --auto-login \
		>"$tmp/server.out" 2>"$log" &
	pid=$!
	for _ in $(seq 200); do grep -q '^ready' "$tmp/server.out" && break; sleep 0.1; done
	sip_port=$(sed -n 's/.* sip=[^ ]*:\([0-9]*\).*/\1/p' "$tmp/server.out")
	[ -n "$sip_port" ] || fail "server did not start: $(tail -3 "$log")"
}

stop() {
	kill -TERM "$pid"
	wait "$pid"
	pid=
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

# The agent phones: one SIPp answering for every agent, echoing RTP.
agents_up() { # PHASE
	tmpl "$src/test/e2e/sipp/agent.xml" "$tmp/agent.xml" USER=agent RING_MS=0 \
		ANSWER= STEPS= BYE_WAIT_MS=600000
	sipp -sf "$tmp/agent.xml" -t u1 -i 127.0.0.1 -p 15060 -mp 16000 \
		-rtp_echo -nostdin -trace_err -error_file "$tmp/agent.err" \
		-max_socket 65000 >"$tmp/agent_$1.out" 2>&1 &
	agent_pid=$!
	sleep 0.5
	kill -0 "$agent_pid" 2>/dev/null ||
		fail "agent phones did not start: $(grep -a -m2 -i 'error\|unable' "$tmp/agent_$1.out")"
	tmpl "$here/register.xml" "$tmp/register.xml" CONTACT_PORT=15060
	sipp -sf "$tmp/register.xml" -inf "$tmp/agents.csv" -t u1 \
		-i 127.0.0.1 -p 15070 -r 400 -m "$agents" -nostdin \
		-timeout 60s 127.0.0.1:"$sip_port" >"$tmp/register.out" 2>&1 ||
		fail "agents did not all register: $(grep -a 'Failed call' "$tmp/register.out" | tail -1)"
}

# caller scenario: MEDIA=yes plays g711a.pcap every 4.6 s while talking.
caller_xml() { # OUT TALK_MS MEDIA
	local steps=''
	if [ "$3" = yes ]; then
		local t
		for ((t = 4600; t < $2; t += 4600)); do
			steps+="<pause milliseconds=\"4600\"/><nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/g711a.pcap\"/></action></nop>"
		done
		tmpl "$src/test/e2e/sipp/caller.xml" "$1" FROM=5550000 STEPS="$steps" \
			TALK_MS=$(($2 - (($2 - 1) / 4600) * 4600)) BYE_WAIT_MS=1000
	else
		tmpl "$src/test/e2e/sipp/caller.xml" "$1" FROM=5550000 STEPS= \
			TALK_MS="$2" BYE_WAIT_MS=1000
		sed -i '/play_pcap_audio/d' "$1"
	fi
}

failed_of() { grep -a 'Failed call' "$1" | tail -1 | awk -F'|' '{gsub(/ /, "", $3); print $3}'; }
ok_of() { grep -a 'Successful call' "$1" | tail -1 | awk -F'|' '{gsub(/ /, "", $3); print $3}'; }

prepare

has() { [[ " $phases " == *" $1 "* ]]; }
res_p50=? res_p99=? res_max=?
talk=$((hold_s * 1000))
best=? bok=0 bf=? relayed=0 cpu_b=0 cb0=0 cb1=0 rss0=0 rss1=0 p99b=?
wok=0 wf=? late_c=? p99c=? cpu_c=0 rss0c=0 rss1c=0

# --- A: call setup rate -----------------------------------------------------
if has a; then
start a
agents_up a
caller_xml "$tmp/caller_a.xml" 1000 no
best=0
for rate in $rates; do
	n=$((rate * 5))
	sipp -sf "$tmp/caller_a.xml" -s 5100 -t u1 -i 127.0.0.1 -p 15080 \
		-mp 17000 -r "$rate" -m "$n" -l $((rate * 4)) -nostdin \
		-timeout 60s -max_socket 65000 127.0.0.1:"$sip_port" \
		>"$tmp/rate_$rate.out" 2>&1
	f=$(failed_of "$tmp/rate_$rate.out") ok=$(ok_of "$tmp/rate_$rate.out")
	echo "rate $rate cps: $ok ok, $f failed" >&2
	[ "${f:-1}" = 0 ] && [ "${ok:-0}" = "$n" ] && best=$rate
	sleep 2
done
kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null
stop
fi

# --- B0: the same RTP load without the server (SIPp echoes the probe) ----
# The jitter floor of this machine for the probe and SIPp's echo thread
# alone, measured in the same run: what the server adds is B minus B0.
if has b; then
	tmpl "$src/test/e2e/sipp/agent.xml" "$tmp/echo.xml" USER=agent RING_MS=0 \
		ANSWER= STEPS= BYE_WAIT_MS=600000
	sipp -sf "$tmp/echo.xml" -t u1 -i 127.0.0.1 -p 15062 -mp 16100 \
		-rtp_echo -nostdin -max_socket 65000 >"$tmp/echo.out" 2>&1 &
	echo_pid=$!
	sleep 0.5
	for ((i = 0; i < bridged; i++)); do echo 16100; done >"$tmp/ports0.log"
	"$probe" --ports "$tmp/ports0.log" --bind 127.0.0.1:18501 \
		--seconds 15 >"$tmp/probe0.out" 2>&1
	kill "$echo_pid" 2>/dev/null; wait "$echo_pid" 2>/dev/null
fi

# --- B: concurrent bridged calls with media -------------------------------
if has b; then
start b
agents_up b
rss0=$(rss_kb) cb0=$(cpu_ticks)
talk=$((hold_s * 1000))
ramp=$((bridged / 100 + 1))
tmpl "$here/caller_media.xml" "$tmp/caller_b.xml" PROBE_PORT=18500 TALK_MS="$talk"
: >"$tmp/ports.log"
"$probe" --ports "$tmp/ports.log" --bind 127.0.0.1:18500 \
	--seconds $((hold_s + ramp)) --talk-ms $((talk - 1000)) \
	>"$tmp/probe.out" 2>&1 &
probe_pid=$!
sipp -sf "$tmp/caller_b.xml" -s 5100 -t u1 -i 127.0.0.1 -p 15090 \
	-r 100 -m "$bridged" -l "$bridged" -nostdin -timeout $((hold_s + 60))s \
	-trace_logs -log_file "$tmp/ports.log" \
	-max_socket 65000 127.0.0.1:"$sip_port" >"$tmp/bridged.out" 2>&1 &
callers=$!
sleep $((ramp + 2))
c0=$(cpu_ticks) rss1=$(rss_kb) t0=$(date +%s.%N)
sleep 10
c1=$(cpu_ticks) t1=$(date +%s.%N)
wait "$probe_pid"
wait "$callers"
bf=$(failed_of "$tmp/bridged.out") bok=$(ok_of "$tmp/bridged.out")
kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null
cb1=$(cpu_ticks)
stop
medline=$(grep -a 'med: ticks' "$log" | tail -1)
resline=$(grep -a 'med: residence' "$log" | tail -1)
res_p50=$(sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p' <<<"$resline")
res_p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$resline")
res_max=$(sed -n 's/.*max \([0-9.]*\) ms.*/\1/p' <<<"$resline")
relayed=$(sed -n 's/.*relayed \([0-9]*\).*/\1/p' <<<"$medline")
p99b=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$medline")
cpu_b=$(echo "($c1 - $c0) / $hz / ($t1 - $t0)" | bc -l)
echo "bridged: $bok ok, $bf failed; $medline" >&2
cat "$tmp/probe.out" >&2
fi

# --- C: callers waiting with music ----------------------------------------
if has c; then
start c
rss0c=$(rss_kb)
caller_xml "$tmp/caller_c.xml" "$talk" no
sipp -sf "$tmp/caller_c.xml" -s 5101 -t u1 -i 127.0.0.1 -p 15100 -mp 19000 \
	-r 200 -m "$waiting" -l "$waiting" -nostdin -timeout $((hold_s + 60))s \
	-max_socket 65000 127.0.0.1:"$sip_port" >"$tmp/waiting.out" 2>&1 &
callers=$!
sleep $((waiting / 200 + 2))
c0=$(cpu_ticks) rss1c=$(rss_kb) t0=$(date +%s.%N)
sleep 10
c1=$(cpu_ticks) t1=$(date +%s.%N)
wait "$callers"
wf=$(failed_of "$tmp/waiting.out") wok=$(ok_of "$tmp/waiting.out")
stop
medc=$(grep -a 'med: ticks' "$log" | tail -1)
echo "waiting: $wok ok, $wf failed; $medc" >&2
late_c=$(sed -n 's/.*late (>5 ms) [0-9]* (\([0-9.]*\)%).*/\1/p' <<<"$medc")
p99c=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$medc")
cpu_c=$(echo "($c1 - $c0) / $hz / ($t1 - $t0)" | bc -l)
fi

echo "sip-setup-rate-zero-failures: $best calls/s"
echo "sip-bridged-calls: $bok calls"
echo "sip-bridged-failed: ${bf:-?} calls"
echo "sip-bridged-relayed-total: ${relayed:-0} packets"
printf 'sip-bridged-cpu: %.2f cores\n' "$cpu_b"
# All the server's CPU from the first call to the last hang-up (set-up
# and tear-down included) over the packets it relayed.
printf 'sip-cpu-per-relayed-packet: %.2f us\n' \
	"$(echo "($cb1 - $cb0) / $hz * 1000000 / (${relayed:-0} + 1)" | bc -l)"
printf 'sip-memory-per-call: %.1f KiB\n' "$(echo "($rss1 - $rss0) / $bridged" | bc -l)"
echo "sip-bridged-loop-lateness-p99: ${p99b:-?} ms"
# Time each packet spent in the server, from the kernel's receive
# timestamp to the end of its relay: what the server adds to jitter is at
# most p99 minus p50 of it.
echo "sip-bridged-server-residence-p50: ${res_p50:-?} ms"
echo "sip-bridged-server-residence-p99: ${res_p99:-?} ms"
echo "sip-bridged-server-residence-max: ${res_max:-?} ms"
sed -n 's/^probe-\(.*\)/sip-bridged-probe-\1/p' "$tmp/probe.out"
sed -n 's/^probe-\(jitter-p99\|rtt-p99\|loss\)/sip-baseline-probe-\1/p' "$tmp/probe0.out" 2>/dev/null
j1=$(sed -n 's/^probe-jitter-p99: \([0-9.]*\).*/\1/p' "$tmp/probe.out" 2>/dev/null)
j0=$(sed -n 's/^probe-jitter-p99: \([0-9.]*\).*/\1/p' "$tmp/probe0.out" 2>/dev/null)
[ -n "$j1" ] && [ -n "$j0" ] &&
	printf 'sip-bridged-jitter-added-p99: %.2f ms\n' "$(echo "$j1 - $j0" | bc -l)"
echo "sip-waiting-callers: $wok calls"
echo "sip-waiting-failed: ${wf:-?} calls"
echo "sip-waiting-late-ticks: ${late_c:-?} %"
echo "sip-waiting-loop-lateness-p99: ${p99c:-?} ms"
printf 'sip-waiting-cpu: %.2f cores\n' "$cpu_c"
printf 'sip-memory-per-waiting-caller: %.1f KiB\n' "$(echo "($rss1c - $rss0c) / $waiting" | bc -l)"
