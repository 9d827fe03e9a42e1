#!/usr/bin/env bash
# Runs web_planning.mjs (Playwright + Debian chromium) against a fresh server.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"
sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
SB_HTTP_PORT=$SB_HTTP_PORT timeout 120 node "$here/web_planning.mjs" || sb_fail "browser test"
sb_stop
sb_pass
