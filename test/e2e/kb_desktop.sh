#!/usr/bin/env bash
# Runs kb_desktop.mjs (Playwright + Debian chromium) against a fresh demo
# server: the knowledge base on the agent desktop.
. "$(dirname "$0")/lib.sh"
sb_browser kb_desktop.mjs
