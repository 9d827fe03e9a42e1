#!/usr/bin/env bash
# Installs every Debian package Switchboard needs to build, run, test and
# benchmark, when one is missing. Runs `apt-get update` only when it must
# install. Not root: prints the exact command instead.
set -euo pipefail

packages=(
	build-essential cmake pkg-config
	libre-dev librem-dev libsqlite3-dev sqlite3 libwebsockets-dev
	libjansson-dev libsodium-dev libsndfile1-dev libespeak-ng-dev espeak-ng
	libsamplerate0-dev
	sip-tester baresip curl jq wrk chromium sox libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

# Node.js (with its npm) may come from elsewhere than Debian: only install
# Debian's when the commands are missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
	cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages: ${missing[*]}" >&2
		echo "deps: run as root: $cmd" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
fi

# Browser tests drive Debian's Chromium through playwright-core from npm
# (never a downloaded browser).
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$here/test/e2e/package.json" ] &&
	[ ! -d "$here/test/e2e/node_modules/playwright-core" ]; then
	(cd "$here/test/e2e" && npm install --no-audit --no-fund --silent)
fi
exit 0
