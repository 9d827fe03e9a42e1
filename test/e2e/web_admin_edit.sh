#!/usr/bin/env bash
# Runs web_admin_edit.mjs (Playwright + Debian chromium) against a fresh
# demo server: the administration page edits agents (skills as rows),
# queues (strategy and overflow as selects, members as rows) and IVR flows
# (a JSON editor that lists the server's problems with their paths).
. "$(dirname "$0")/lib.sh"
sb_browser web_admin_edit.mjs
