#!/usr/bin/env bash
# `switchboard staff`: the table, the JSON shape, and bad arguments refused
# with a message naming the argument and exit status 2.
. "$(dirname "$0")/lib.sh"

out=$("$SB_BIN" staff --calls 100 --interval 30m --aht 180 --target 80/20)
sb_check "exit 0" test $? -eq 0
sb_check "14 agents recommended" grep -q '14 agents on the phones' <<<"$out"
sb_check "13 agents wait with p 0.2853" grep -Eq '^ +13 +0\.2853 ' <<<"$out"

json=$("$SB_BIN" staff --calls 100 --interval 30m --aht 180 --target 80/20 \
	--patience 60 --shrinkage 30% --json)
sb_check "json exit 0" test $? -eq 0
sb_check "json recommendation" grep -q '"recommended_agents":12' <<<"$json"
sb_check "json rows with abandonment" \
	grep -q '"p_abandon":.*"avg_wait_s":' <<<"$json"
sb_check "json scheduled with shrinkage" \
	grep -q '"scheduled_agents":18' <<<"$json"
json=$("$SB_BIN" staff --calls 100 --interval 30m --aht 180 --target 80/20 \
	--json)
sb_check "no abandonment without patience" \
	bash -c '! grep -q p_abandon <<<"$0"' "$json"

bad() { # expected-message args...
	local want=$1 out rc
	shift
	out=$("$SB_BIN" staff "$@" 2>&1)
	rc=$?
	[ $rc -eq 2 ] && grep -q -- "$want" <<<"$out"
}
sb_check "target above 100 % refused" bad "--target '120/20'" \
	--calls 100 --interval 30m --aht 180 --target 120/20
sb_check "negative rate refused" bad "--calls '-5'" \
	--calls -5 --interval 30m --aht 180 --target 80/20
sb_check "unknown unit refused" bad "--interval '30x'" \
	--calls 100 --interval 30x --aht 180 --target 80/20
sb_check "missing argument named" bad "--aht" \
	--calls 100 --interval 30m --target 80/20
sb_check "unknown argument named" bad "--bogus" \
	--calls 100 --interval 30m --aht 180 --target 80/20 --bogus 1

# The simulator with the real routing engine, on a shipped scenario.
out=$("$SB_BIN" simulate --scenario "$SB_SRC/data/scenarios/erlang-c.json" --json)
sb_check "simulate exit 0" test $? -eq 0
sb_check "simulate reports SL with a CI" \
	grep -Eq '"service_level_pct":\{"mean":8[0-9.]+,"ci95":[0-9.]+' <<<"$out"
printf '{"queues": [{"name": "x", "strategy": "fastest"}], "agents": []}' \
	>"$SB_TMP/bad.json"
out=$("$SB_BIN" simulate --scenario "$SB_TMP/bad.json" 2>&1)
sb_check "bad scenario: status 2" test $? -eq 2
sb_check "bad scenario: JSON path named" \
	grep -q '\$.queues\[0\].strategy: unknown strategy' <<<"$out"
sb_check "bad scenario: every problem listed" grep -q '\$.agents:' <<<"$out"
printf '{"queues": [' >"$SB_TMP/broken.json"
out=$("$SB_BIN" simulate --scenario "$SB_TMP/broken.json" 2>&1)
sb_check "not JSON: status 2 with line" test $? -eq 2
sb_pass
