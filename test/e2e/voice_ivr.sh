#!/usr/bin/env bash
# IVR flows through the API and on live calls: a broken flow is refused
# (422, every problem with its JSON path) and the live version stays;
# the demo's default (version 1) is the shipped demo flow file
# (data/flows/demo-5000.json); saved again it is version 2 and runs on
# number 5000: the account number (3) keyed with # (collect), the lookup
# (no customers table: not found), the support queue; the interaction's
# ivr_path shows it all.
# Then sales (1), the agent hangs up first and the caller answers the
# post-call survey by digits: stored on the interaction.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)

sb_check "flow: the demo's version 1" api 200 GET /api/v1/flows/demo-5000 "$SUPER"
sb_check "flow: version 1, one version" \
	test "$(api_field '.version'),$(api_field '.versions|length')" = 1,1
sb_check "flow: no such flow 404" api 404 GET /api/v1/flows/nope "$SUPER"

bad='{"definition":{"start":"m","nodes":{"m":{"type":"menu","prompt":"x","choices":{"1":"gone","2":{"queue":"billing"}},"fallback":"m2"},"m2":{"type":"hang_up"}}}}'
sb_check "flow: broken flow refused 422" api 422 PUT /api/v1/flows/demo-5000 "$ADMIN" "$bad"
probs=$(api_field '.problems[] | .path + " " + .message')
for want in '$.nodes.m.choices.1 target node' '$.nodes.m.choices.2.queue unknown queue' \
	'$.nodes.m2.type unknown node type'; do
	sb_check "flow: problem listed: $want" grep -qF "$want" <<<"$probs"
done
sb_check "flow: supervisors may not save" api 403 PUT /api/v1/flows/demo-5000 "$SUPER" \
	"{\"definition\": $(cat "$SB_SRC/data/flows/demo-5000.json")}"
sb_check "flow: still version 1" api 200 GET /api/v1/flows/demo-5000 "$SUPER"
sb_check "flow: nothing stored" test "$(api_field '.versions|length')" = 1

sb_check "flow: demo file saved" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" \
	"{\"definition\": $(cat "$SB_SRC/data/flows/demo-5000.json")}"
sb_check "flow: version 2, live on one number" \
	test "$(api_field .version),$(api_field .live),$(api_field .numbers)" = 2,true,1
sb_check "flow: version 1 kept" api 200 GET /api/v1/flows/demo-5000/versions/1 "$SUPER"
sb_check "flow: version 1 is the demo file too" test "$(api_field .definition.start),$(api_field '.definition.nodes.menu.choices["3"]')" = hours,account
sb_check "flow: active is version 2" api 200 GET /api/v1/flows/demo-5000 "$SUPER"
sb_check "flow: active definition" test "$(api_field .definition.start),$(api_field .version)" = hours,2

voice_port; voice_agent 1004 "$PORT" answer 1    # support only
voice_port; voice_agent 1002 "$PORT" answer 1 "$(step_agent_bye 6000)"  # sales
sb_check "agents available" sb_wait_log 'agent 1004 available' 10
sb_check "agents available" sb_wait_log 'agent 1002 available' 10
db=$SB_DATA/switchboard.db
last() { sqlite3 "$db" "SELECT queue, agent_id, ivr_path FROM interactions ORDER BY id DESC LIMIT 1"; }

# 3 for the account number during the greeting, then the digits with #
# during the collect prompt.
sb_check "call: 3, then 123456# -> support" \
	voice_call 5000 "$(step_pause 1500; step_digit 3; step_pause 1500; for d in 1 2 3 4 5 6; do step_digit $d; step_pause 200; done; step_digit pound; step_pause 3000)" 500
sb_wait_log 'call 1: media' 10
path=$(last)
sb_check "call: answered by 1004 in support ($path)" grep -q '^support|1004|' <<<"$path"
sb_check "call: hours branch, menu digit 3" \
	grep -q '{"node": "hours", "branch": "else"},{"node": "menu", "digit": "3"}' <<<"$path"
sb_check "call: account collected" grep -q '{"node": "account", "digits": "123456"}' <<<"$path"
sb_check "call: lookup by account, not found" grep -q '{"node": "lookup_account", "found": false}' <<<"$path"
sb_check "call: queued in support" grep -q '{"node": "support", "queue": "support"}' <<<"$path"
sb_check "call: variables and timings recorded" \
	test "$(sqlite3 "$db" "SELECT count(*) FROM interaction_events WHERE type = 'ivr' AND detail LIKE '%\"account\": \"123456\"%' AND detail LIKE '%\"ms\": [%'")" = 1
sb_check "call: the lookup was logged" sb_wait_log 'ivr lookup by account: not found' 5

sb_check "survey call: 1 -> sales, agent hangs up, caller answers 4 and 1" \
	voice_call 5000 "$(step_pause 1500; step_digit 1; step_pause 9500; step_digit 4; step_pause 4000; step_digit 1; step_wait_bye)" 20000
sb_wait_log 'call 2: media' 10
sb_check "survey call: the survey ran" sb_wait_log 'call 2: post-call survey' 5
row=$(sqlite3 "$db" "SELECT queue, agent_id, outcome, survey FROM interactions WHERE id = (SELECT max(id) FROM interactions)")
sb_check "survey call: answers stored, outcome kept ($row)" \
	grep -q '^sales|1002|answered|{"satisfaction":"4","resolved":"1"}$' <<<"$row"
sb_stop

# A queue the active definition names disappears behind the server's back:
# at the next start the newest version that passes stays live (v1 here,
# the demo as seeded: v2 was broken the same way) and calls still get
# through.
sqlite3 "$db" "UPDATE flows SET definition = json_set(definition, '$.nodes.support.queue', 'gone') WHERE name = 'demo-5000';
	UPDATE flow_versions SET definition = json_set(definition, '$.nodes.support.queue', 'gone') WHERE name = 'demo-5000' AND version = 2"
sb_start --demo
sb_check "restart: the broken definition is named" sb_wait_log "flow demo-5000: .*unknown queue 'gone'" 5
sb_check "restart: version 1 stays live" sb_wait_log 'flow demo-5000: the active definition fails the check; version 1 stays live' 5
voice_port; voice_agent 1004 "$PORT" answer 1
sb_check "restart: agent available" sb_wait_log 'agent 1004 available' 10
sb_check "restart: version 1 answers (2 -> support)" \
	voice_call 5000 "$(step_pause 1500; step_digit 2; step_pause 2500)" 500
sb_wait_log 'call 3: media' 10
sb_check "restart: call 3 through version 1 ($(last))" \
	grep -q '^support|1004|.*{"node": "menu", "digit": "2"},.*{"node": "support", "queue": "support"}\]$' <<<"$(last)"

# A named time zone on a live call: open for the two hours from now in
# Etc/GMT-14 (UTC+14), a window UTC's clock is never in.
ADMIN=$(api_login admin pwadmin)
h=$((10#$(TZ=Etc/GMT-14 date +%H)))
from=$(printf '%02d:00' "$h") to=$(printf '%02d:00' $(((h + 2) % 24)))
[ "$to" = 00:00 ] && to=24:00
[ "$to" = 01:00 ] && to=24:00 # from 23:00: keep from < to
tzflow="{\"definition\": {\"name\": \"demo-5000\", \"start\": \"b\", \"timezone\": \"Etc/GMT-14\",
 \"nodes\": {\"b\": {\"type\": \"branch\", \"conditions\": [{\"if\": {\"time\": {\"from\": \"$from\", \"to\": \"$to\"}}, \"next\": \"open\"}], \"else\": \"closed\"},
  \"open\": {\"type\": \"queue\", \"queue\": \"support\"}, \"closed\": {\"type\": \"hangup\"}}}}"
sb_check "flow in Etc/GMT-14 ($from-$to there) saved" api 200 PUT /api/v1/flows/demo-5000 "$ADMIN" "$tzflow"
sb_check "call: open in that zone" voice_call 5000 "$(step_pause 2500)" 500
sb_check "call 4: the branch took the zone's time ($(last))" \
	grep -q '\[{"node": "b", "branch": 0},{"node": "open", "queue": "support"}\]$' <<<"$(last)"
sb_check "a zone the system lacks: 422 naming it" api 422 PUT /api/v1/flows/demo-5000 "$ADMIN" \
	"${tzflow/Etc\/GMT-14/Mars\/Olympus}"
sb_check "the problem's path" grep -q '"path":"\$.timezone"' <<<"$API_BODY"
sb_stop
sb_pass
