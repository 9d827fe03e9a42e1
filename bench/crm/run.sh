#!/usr/bin/env bash
# bench/crm: the lookup figures of bench_crm (1,000,000 customers), then a
# CSV import of 100,000 customers through the real server: generated file
# (name, company, phone in national format, e-mail, tier, tags, a custom
# date field), POST /api/v1/customers/import with ?dry_run=1 (every row
# checked) and then for real (one transaction); wall time as curl sees it,
# upload included.
#   bench/crm/run.sh [ROWS] [CUSTOMERS]   (100000 1000000)
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${SB_BUILD:-$here/build}
bin=${SB_BIN:-$build/switchboard}
rows=${1:-100000}
customers=${2:-1000000}
tmp=$(mktemp -d /tmp/sbbench_crm.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$build/bench_crm" "$customers" 20000 "$tmp" || exit 1

awk -v n="$rows" 'BEGIN {
	split("ka lo mi ra te no sa vi du be ho li ma ne pa ro si ta ul ve wi zo", y, " ");
	print "name,company,phone,email,tier,tags,customer_since";
	for (i = 1; i <= n; i++) {
		f = (i * 7919) % 484; l = (i * 40503) % 10648;
		printf "%s%s %s%s%s,Company %d,(212) %03d-%04d,c%d@example.com,%s,bench;import,20%02d-%02d-%02d\n",
			toupper(substr(y[int(f / 22) + 1], 1, 1)) substr(y[int(f / 22) + 1], 2), y[f % 22 + 1],
			toupper(substr(y[int(l / 484) + 1], 1, 1)) substr(y[int(l / 484) + 1], 2),
			y[int(l / 22) % 22 + 1], y[l % 22 + 1], i % 997,
			int(i / 10000) % 1000, i % 10000, i,
			(i % 50 ? "standard" : "VIP"), i % 25, 1 + i % 12, 1 + i % 28
	}
}' >"$tmp/customers.csv"
mkdir -p "$tmp/data"
"$bin" --data "$tmp/data" --demo --sip 127.0.0.1:0 --http 127.0.0.1:0 \
	--log-level warn >"$tmp/out" 2>"$tmp/log" &
pid=$!
for ((i = 0; i < 200; i++)); do grep -q '^ready' "$tmp/out" && break; sleep 0.05; done
port=$(sed -n 's/.* http=[^ ]*:\([0-9]*\).*/\1/p' "$tmp/out")
[ -n "$port" ] || { echo "server did not start" >&2; exit 1; }
tok=
for ((i = 0; i < 100; i++)); do
	[ -n "$tok" ] && break
	tok=$(curl -s -X POST -H 'Content-Type: application/json' \
		-d '{"username":"super","password":"pwsuper"}' \
		"http://127.0.0.1:$port/api/v1/login" | jq -r '.token // empty')
	[ -n "$tok" ] || sleep 0.1
done
post() { # QUERY -> prints "seconds http_code", body in $tmp/body
	curl -s -o "$tmp/body" -w '%{time_total} %{http_code}' --max-time 120 \
		-X POST -H "Authorization: Bearer $tok" -H 'Content-Type: text/csv' \
		--data-binary "@$tmp/customers.csv" \
		"http://127.0.0.1:$port/api/v1/customers/import?$1"
}
echo "import-file: $(wc -c <"$tmp/customers.csv") bytes"
read -r t code < <(post "dry_run=1")
[ "$code" = 200 ] || { echo "dry run: $code $(head -c 300 "$tmp/body")" >&2; exit 1; }
echo "import-dry-run-$rows: $t s"
read -r t code < <(post "")
[ "$code" = 201 ] || { echo "import: $code $(head -c 300 "$tmp/body")" >&2; exit 1; }
echo "import-$rows: $t s"
echo "import-rows-imported: $(jq .imported "$tmp/body") rows"
echo "import-server-ms: $(jq .ms "$tmp/body") ms"
n=$(curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/customers/match?phone=212-000-0001" | jq .count)
echo "import-lookup-check: $n match"
t0=$(date +%s.%N)
curl -s -o "$tmp/export.csv" -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/customers/export"
echo "export-$rows: $(echo "$(date +%s.%N) - $t0" | bc) s ($(($(wc -l <"$tmp/export.csv") - 1)) rows)"
kill -TERM "$pid"; wait "$pid"; pid=
