#!/usr/bin/env bash
# Runs every benchmark: bench/<name>/run.sh when present, else the compiled
# bench_<name>. Each prints its figures as `figure-name: value unit`.
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for dir in "$here"/bench/*/; do
	name=$(basename "$dir")
	echo "== bench/$name"
	if [ -x "$dir/run.sh" ]; then
		SB_BUILD="$build" SB_BIN="$build/switchboard" "$dir/run.sh" || status=1
	elif [ -x "$build/bench_$name" ]; then
		"$build/bench_$name" || status=1
	fi
done
exit $status
