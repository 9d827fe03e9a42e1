#!/usr/bin/env bash
# The SIP port answers OPTIONS (phones' keep-alive pings) over UDP and TCP
# on the same port, with 200 and an Allow header.
. "$(dirname "$0")/lib.sh"
sipp_dir=$(dirname "$0")/sipp

sb_start
for t in u1 t1; do
	sb_check "OPTIONS answered over $t" timeout 20 sipp -sf "$sipp_dir/options.xml" \
		-t $t -i 127.0.0.1 -m 1 -timeout 10s -timeout_error \
		-trace_err -error_file "$SB_TMP/sipp_$t.err" \
		127.0.0.1:"$SB_SIP_PORT" >"$SB_TMP/sipp_$t.out" 2>&1
done
sb_stop
sb_check "stopped cleanly" grep -q 'stopped' "$SB_LOG"
sb_pass
