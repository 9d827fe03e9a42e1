#!/usr/bin/env bash
# Runs web_admin_dial.mjs (Playwright + Debian chromium) against a fresh
# demo server: the administration page's numbers and trunks tabs (list,
# add, edit, delete) over GET/POST/PATCH/DELETE /api/v1/numbers and
# /api/v1/trunks. Fails, never skips, on a server without those routes.
. "$(dirname "$0")/lib.sh"
sb_browser web_admin_dial.mjs
