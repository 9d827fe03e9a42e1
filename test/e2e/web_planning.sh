#!/usr/bin/env bash
# Runs web_planning.mjs (Playwright + Debian chromium) against a fresh server.
. "$(dirname "$0")/lib.sh"
sb_browser web_planning.mjs
