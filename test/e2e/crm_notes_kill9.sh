#!/usr/bin/env bash
# Notes are never lost: during a live call (SIPp caller on 5001, SIPp
# phone for agent 1003) the agent's notes are saved as they type, one
# character more each save (the desktop's PUT .../notes); the server is
# killed with SIGKILL mid-typing. After a restart the interaction holds
# the last acknowledged text (or the one save that was in flight), every
# acknowledged save is a version, the interaction is marked interrupted and
# shows in the agent's list to finish, with its notes, on the agent desktop
# too (Chromium): the agent opens it, completes the notes and wraps it up
# with a disposition, which takes it off the list.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"
command -v sqlite3 >/dev/null || sb_fail "sqlite3 missing"

sb_start --demo --rtp-timeout 60
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
db=$SB_DATA/switchboard.db
AGENT=$(api_login 1003 pw1003)
[ -n "$AGENT" ] || sb_fail "agent login"
voice_port
RING_MS=300 voice_agent 1003 "$PORT" answer 1
sb_wait_log 'agent 1003 available' 10 || sb_fail "agent 1003's phone"
voice_call_bg 5001 "" 60000 60000 5555550100
iid=
for ((i = 0; i < 200; i++)); do
	api 200 GET /api/v1/agents/1003/state "$AGENT" 2>/dev/null &&
		[ "$(api_field .state)" = busy ] && iid=$(api_field '.interaction_id // empty') && [ -n "$iid" ] && break
	sleep 0.1
done
[ -n "$iid" ] || sb_fail "the call did not reach agent 1003"
sb_check "the call is up with agent 1003 (interaction $iid)" true

text="The customer reports that the invoice of March was charged twice; refund promised within five days, confirm by e-mail."
acked=$SB_TMP/acked
: >"$acked"
typist() { # one character more per save, as the desktop does
	local n code
	for ((n = 1; n <= ${#text}; n++)); do
		code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X PUT \
			-H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' \
			--data-binary "{\"notes\":\"${text:0:n}\"}" \
			"$(api_url "/api/v1/interactions/$iid/notes")") || return 0
		[ "$code" = 200 ] || return 0
		echo "$n" >>"$acked"
	done
}
typist &
tpid=$!
for ((t = 0; t < 600; t++)); do
	[ "$(wc -l <"$acked")" -ge 40 ] && break
	sleep 0.02
done
kill -KILL "$SB_PID"
wait "$SB_PID" 2>/dev/null
SB_PID=
wait "$tpid" 2>/dev/null
last=$(tail -n 1 "$acked")
sb_check "saves acknowledged before the kill ($last of ${#text} characters)" test "${last:-0}" -ge 40 -a "${last:-0}" -lt "${#text}"

saved=$(sqlite3 "$db" "SELECT length(notes) FROM interaction_notes WHERE interaction_id = $iid")
sb_check "the last acknowledged save is there (or the one in flight): $saved" \
	test "$saved" -eq "$last" -o "$saved" -eq $((last + 1))
sb_check "and its text is what was typed" \
	test "$(sqlite3 "$db" "SELECT notes FROM interaction_notes WHERE interaction_id = $iid")" = "${text:0:saved}"
sb_check "every acknowledged save is a version" \
	test "$(sqlite3 "$db" "SELECT count(*) FROM interaction_note_versions WHERE interaction_id = $iid AND length(notes) <= $last")" = "$(wc -l <"$acked")"
sb_check "database intact" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok

: >"$SB_LOG"
sb_start --demo --rtp-timeout 60
AGENT=$(api_login 1003 pw1003)
sb_check "after the restart: marked interrupted" \
	test "$(sqlite3 "$db" "SELECT outcome FROM interactions WHERE id = $iid")" = interrupted
sb_check "the agent's list to finish" api 200 GET /api/v1/me/unfinished "$AGENT"
sb_check "lists it with the notes and the customer" \
	test "$(api_field "[.[] | select(.interaction_id == $iid) | (.notes | length), .customer_name] | @csv")" = "$saved,\"Ada Lovelace\""
sb_check "the interaction shows the notes" api 200 GET "/api/v1/interactions/$iid" "$AGENT"
sb_check "notes on the interaction" test "$(api_field '.notes | length')" = "$saved"
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/node_modules/playwright-core" ] ||
	sb_fail "playwright-core missing: run scripts/deps.sh (npm install in test/e2e)"
SB_HTTP_PORT=$SB_HTTP_PORT SB_IID=$iid SB_NOTES="${text:0:saved}" \
	timeout 120 node "$here/crm_unfinished.mjs" || sb_fail "browser test crm_unfinished.mjs"
sb_check "finished from the desktop: disposition and the notes typed after" \
	test "$(sqlite3 "$db" "SELECT disposition || '|' || notes FROM interaction_notes WHERE interaction_id = $iid")" = "follow_up|${text:0:saved} Done."
sb_check "off the list" api 200 GET /api/v1/me/unfinished "$AGENT"
sb_check "list empty" test "$(api_field length)" = 0
sb_check "the final text is the newest version" api 200 GET "/api/v1/interactions/$iid/notes/versions" "$AGENT"
sb_check "newest version" test "$(api_field '.[0].notes')" = "${text:0:saved} Done."
sb_stop
sb_pass
