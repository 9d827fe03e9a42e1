#!/usr/bin/env bash
# Runs kb_writer.mjs (Playwright + Debian chromium) against a fresh demo
# server: the knowledge page for writers.
. "$(dirname "$0")/lib.sh"
sb_browser kb_writer.mjs
