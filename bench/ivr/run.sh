#!/usr/bin/env bash
# bench/ivr: the flow engine (build/bench_ivr: 2,000 sessions driven
# through the demo flow, and what a spoken prompt costs at call time), then
# the media of callers in the IVR through the real server: BENCH_IVR_CALLERS
# (2,000) SIPp callers dial a flow whose menu prompt is being played to
# them (the 20 ms tick sending to every leg) or that waits for their digits
# (in-band DTMF detection runs on what they send when BENCH_IVR_MEDIA=yes),
# all at once for BENCH_HOLD_S. Figures: the server's late ticks (> 5 ms)
# and lateness p99 (its own measurement, as bench/sip phase C), CPU,
# memory per caller, how many callers were in the menu, and how many
# syntheses the 2,000 callers cost (tts-*.wav files written).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=${SB_BIN:-$src/build/switchboard}
case $bin in /*) ;; *) bin=$src/$bin ;; esac
build=${SB_BUILD:-$src/build}
case $build in /*) ;; *) build=$src/$build ;; esac
callers=${BENCH_IVR_CALLERS:-2000}
hold_s=${BENCH_HOLD_S:-30}
media=${BENCH_IVR_MEDIA:-no}
tmp=$(mktemp -d /tmp/sbbenchivr.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; [ -n "${pid:-}" ] && kill -9 $pid 2>/dev/null; [ "${BENCH_KEEP:-0}" = 1 ] && echo "kept $tmp" >&2 || rm -rf "$tmp"' EXIT
ulimit -n "$(ulimit -Hn)"
hz=$(getconf CLK_TCK)
fail() { echo "bench/ivr: $*" >&2; exit 1; }
command -v sipp >/dev/null || fail "sipp missing (scripts/deps.sh)"

"$build/bench_ivr" "$src/data/flows/demo-5000.json" 2>/dev/null ||
	fail "bench_ivr failed"

# The demo center, number 5000 on a menu whose prompt lasts ~25 s and
# which then waits 30 s for a digit (nobody presses one).
rm -rf "$tmp/data"; mkdir -p "$tmp/data"
"$bin" --data "$tmp/data" --demo --sip 127.0.0.1:0 --http 127.0.0.1:0 \
	>"$tmp/prep.out" 2>&1 &
p=$!
for _ in $(seq 100); do grep -q '^ready' "$tmp/prep.out" && break; sleep 0.1; done
kill $p; wait $p
prompt="Thank you for calling the bench center. Your call matters to us.\
 For sales press 1. For support press 2. For billing questions, account\
 changes and anything about your last invoice, please hold and an agent\
 will be with you shortly. Calls may be recorded for quality and training."
flow="{\"name\": \"demo-5000\", \"start\": \"menu\", \"fallback_queue\": \"support\",
 \"nodes\": {\"menu\": {\"type\": \"menu\", \"prompt\": \"$prompt\",
  \"timeout_s\": 30, \"tries\": 3, \"choices\": {\"1\": {\"queue\": \"sales\"},
  \"2\": {\"queue\": \"support\"}}, \"fallback\": {\"queue\": \"support\"}}}}"
sqlite3 "$tmp/data/switchboard.db" "UPDATE flows SET definition = json('$(sed "s/'/''/g" <<<"$flow")') WHERE name = 'demo-5000'" ||
	fail "cannot set the bench flow"

log=$tmp/server.log
"$bin" --data "$tmp/data" --sip 127.0.0.1:0 --http 127.0.0.1:0 \
	--rtp-ports 10000-59999 --rtp-timeout 120 --log-level info \
	>"$tmp/server.out" 2>"$log" &
pid=$!
for _ in $(seq 200); do grep -q '^ready' "$tmp/server.out" && break; sleep 0.1; done
sip_port=$(sed -n 's/.* sip=[^ ]*:\([0-9]*\).*/\1/p' "$tmp/server.out")
[ -n "$sip_port" ] || fail "server did not start: $(tail -3 "$log")"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

talk=$((hold_s * 1000))
steps=
if [ "$media" = yes ]; then
	for ((t = 4600; t < talk; t += 4600)); do
		steps+="<pause milliseconds=\"4600\"/><nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/g711a.pcap\"/></action></nop>"
	done
	talk=$((talk - ((talk - 1) / 4600) * 4600))
fi
text=$(cat "$src/test/e2e/sipp/caller.xml")
text=${text//@FROM@/5550000}
text=${text//@STEPS@/$steps}
text=${text//@TALK_MS@/$talk}
text=${text//@BYE_WAIT_MS@/1000}
printf '%s\n' "$text" >"$tmp/caller.xml"
[ "$media" = yes ] || sed -i '/play_pcap_audio/d' "$tmp/caller.xml"

rss0=$(rss_kb)
sipp -sf "$tmp/caller.xml" -s 5000 -t u1 -i 127.0.0.1 -p 15200 -mp 19000 \
	-r 200 -m "$callers" -l "$callers" -nostdin -timeout $((hold_s + 60))s \
	-max_socket 65000 127.0.0.1:"$sip_port" >"$tmp/callers.out" 2>&1 &
sp=$!
sleep $((callers / 200 + 2))
c0=$(cpu_ticks) rss1=$(rss_kb) t0=$(date +%s.%N)
sleep 10
c1=$(cpu_ticks) t1=$(date +%s.%N)
wait "$sp"
ok=$(grep -a 'Successful call' "$tmp/callers.out" | tail -1 | awk -F'|' '{gsub(/ /, "", $3); print $3}')
failed=$(grep -a 'Failed call' "$tmp/callers.out" | tail -1 | awk -F'|' '{gsub(/ /, "", $3); print $3}')
kill -TERM "$pid"; wait "$pid"; pid=
med=$(grep -a 'med: ticks' "$log" | tail -1)
echo "ivr callers: $ok ok, $failed failed; $med" >&2
late=$(sed -n 's/.*late (>5 ms) [0-9]* (\([0-9.]*\)%).*/\1/p' <<<"$med")
p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' <<<"$med")
played=$(sed -n 's/.*packets played \([0-9]*\).*/\1/p' <<<"$med")
inmenu=$(sqlite3 "$tmp/data/switchboard.db" "SELECT count(*) FROM interactions WHERE ivr_path LIKE '[{\"node\": \"menu\"%'")
tts=$(ls "$tmp/data/prompts" | grep -c '^tts-')

echo "ivr-media-callers: ${ok:-0} calls"
echo "ivr-media-failed: ${failed:-?} calls"
echo "ivr-media-in-menu-at-hang-up: $inmenu calls"
echo "ivr-media-late-ticks: ${late:-?} %"
echo "ivr-media-loop-lateness-p99: ${p99:-?} ms"
echo "ivr-media-packets-played: ${played:-0} packets"
printf 'ivr-media-cpu: %.2f cores\n' "$(echo "($c1 - $c0) / $hz / ($t1 - $t0)" | bc -l)"
printf 'ivr-media-memory-per-caller: %.1f KiB\n' "$(echo "($rss1 - $rss0) / $callers" | bc -l)"
echo "ivr-media-syntheses: $tts for $callers callers"
