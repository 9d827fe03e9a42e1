#!/usr/bin/env bash
# The server starts, reports where it listens, refuses broken configuration
# with a message naming the file, line and key, and stops cleanly on SIGTERM.
. "$(dirname "$0")/lib.sh"

conf=$SB_TMP/bad.conf
printf 'sip = 127.0.0.1:5060\nrtp-ports = 9-8\n' >"$conf"
out=$("$SB_BIN" --config "$conf" 2>&1)
rc=$?
sb_check "broken config refused with status 2" test $rc -eq 2
sb_check "message names file and line" grep -q "$conf:2: rtp-ports" <<<"$out"
out=$("$SB_BIN" check-config "$conf" 2>&1)
sb_check "check-config refuses it too" test $? -eq 2
out=$("$SB_BIN" --no-such-flag 2>&1)
sb_check "unknown flag refused" test $? -eq 2

sb_start
sb_check "ready line printed" grep -q '^ready' "$SB_OUT"
sb_stop
sb_check "stopped cleanly" grep -q 'stopped' "$SB_LOG"
sb_pass
