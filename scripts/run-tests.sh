#!/usr/bin/env bash
# Runs every test of a build directory under ctest and ends with the line
# `N passed, N failed`. Exit status 1 when any test failed.
set -uo pipefail
build=${1:-build}
log=$(mktemp)
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" \
	--timeout 300 2>&1 | tee "$log"
total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$log")
failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' "$log")
rm -f "$log"
if [ -z "$total" ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
