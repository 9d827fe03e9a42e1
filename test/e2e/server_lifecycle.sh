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
sb_check "unknown flag named as a flag" \
	grep -q "unknown flag '--no-such-flag'" <<<"$out"
out=$("$SB_BIN" --sipp 127.0.0.1:5060 2>&1)
sb_check "a misspelt flag is refused" test $? -eq 2
sb_check "... naming it and the closest real one" \
	grep -qF "unknown flag '--sipp' (did you mean '--sip'?)" <<<"$out"
out=$("$SB_BIN" --rtp-timeout 0 2>&1)
sb_check "a bad value names the flag and the range" \
	grep -qF "invalid flag --rtp-timeout: '0' is not a whole number from 1" \
	<<<"$out"

# check-config reports every bad line in one run.
printf 'sipp = 1\nhttp = 127.0.0.1:1\nrtp-ports = 9-8\nlog-level = loud\n' \
	>"$SB_TMP/many.conf"
out=$("$SB_BIN" check-config "$SB_TMP/many.conf" 2>&1)
sb_check "check-config: status 2" test $? -eq 2
sb_check "check-config: every bad line named" \
	test "$(grep -c "$SB_TMP/many.conf:[134]: " <<<"$out")" -eq 3

# --help shows each setting's default.
out=$("$SB_BIN" --help)
sb_check "--help shows the SIP default" \
	grep -qF -- "--sip ADDR:PORT   SIP listen address, UDP and TCP (default: 0.0.0.0:5060)" <<<"$out"
sb_check "--help shows the RTP range default" \
	grep -qF "(default: 10000-20000)" <<<"$out"
sb_check "--help shows flags' defaults" grep -qF "(default: off)" <<<"$out"

sb_start
sb_check "ready line printed" grep -q '^ready' "$SB_OUT"
sb_stop
sb_check "stopped cleanly" grep -q 'stopped' "$SB_LOG"
sb_pass
