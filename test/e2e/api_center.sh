#!/usr/bin/env bash
# Agents and queues through the API: list, create, update skills and
# members, delete; roles; bad input refused naming the field, with nothing
# half-applied.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
AGENT=$(api_login 1001 pw1001)

sb_check "agents: list" api 200 GET /api/v1/agents "$SUPER"
sb_check "agents: the demo's four" test "$(api_field length)" = 4
sb_check "agents: 1001's skills" \
	test "$(api_field '.[] | select(.extension == "1001") | .skills.sales')" = 8
sb_check "agents: agents may not list them" api 403 GET /api/v1/agents "$AGENT"
sb_check "agents: create" api 201 POST /api/v1/agents "$ADMIN" \
	'{"extension":"1005","name":"Eve 1005","sip_password":"pw1005x","skills":{"support":7,"french":9}}'
id=$(api_field .id)
sb_check "agents: created with skills" test "$(api_field .skills.french)" = 9
sb_check "agents: supervisors may not create" api 403 POST /api/v1/agents "$SUPER" \
	'{"extension":"1006","name":"x","sip_password":"secret1"}'
sb_check "agents: duplicate extension 409" api 409 POST /api/v1/agents "$ADMIN" \
	'{"extension":"1005","name":"Eve","sip_password":"pw1005x"}'
sb_check "agents: bad level refused" api 400 PATCH "/api/v1/agents/$id" "$ADMIN" \
	'{"name":"Eve Renamed","skills":{"support":11}}'
sb_check "agents: the field is named" test "$(api_field .error.field)" = skills
sb_check "agents: nothing half-applied" api 200 GET /api/v1/agents "$SUPER"
sb_check "agents: name unchanged" \
	test "$(api_field ".[] | select(.id == $id) | .name")" = "Eve 1005"
sb_check "agents: update skills" api 200 PATCH "/api/v1/agents/$id" "$ADMIN" \
	'{"skills":{"sales":4}}'
sb_check "agents: skills replaced" test "$(api_field '.skills | keys | join(",")')" = sales
sb_check "agents: bad extension" api 400 POST /api/v1/agents "$ADMIN" \
	'{"extension":"12ab","name":"x","sip_password":"secret1"}'
sb_check "agents: extension named" test "$(api_field .error.field)" = extension

sb_check "queues: list (agents may)" api 200 GET /api/v1/queues "$AGENT"
sb_check "queues: sales and support" test "$(api_field '[.[].name] | join(",")')" = sales,support
sb_check "queues: create" api 201 POST /api/v1/queues "$ADMIN" \
	"{\"name\":\"french\",\"strategy\":\"ring_all\",\"skill\":\"french\",\"sl_threshold_s\":30,\"members\":[{\"agent_id\":$id,\"level\":9}]}"
qid=$(api_field .id)
sb_check "queues: members kept" test "$(api_field '.members[0].agent_id')" = "$id"
sb_check "queues: strategy kept" test "$(api_field .strategy)" = ring_all
sb_check "queues: unknown strategy refused" api 400 PATCH "/api/v1/queues/$qid" "$ADMIN" \
	'{"strategy":"fastest"}'
sb_check "queues: strategy named" test "$(api_field .error.field)" = strategy
sb_check "queues: unknown member refused" api 400 PATCH "/api/v1/queues/$qid" "$ADMIN" \
	'{"members":[{"agent_id":99999}]}'
sb_check "queues: members unchanged" api 200 GET /api/v1/queues "$ADMIN"
sb_check "queues: still one member" \
	test "$(api_field ".[] | select(.id == $qid) | .members | length")" = 1
sb_check "queues: SL target over 100 refused" api 400 PATCH "/api/v1/queues/$qid" "$ADMIN" \
	'{"sl_target_pct":101}'
sb_check "queues: delete" api 200 DELETE "/api/v1/queues/$qid" "$ADMIN"
sb_check "queues: gone" api 404 DELETE "/api/v1/queues/$qid" "$ADMIN"
sb_check "flows: listed for staff" api 200 GET /api/v1/flows "$SUPER"
sb_check "flows: the demo flow with its number" \
	test "$(api_field '.[] | select(.name == "demo-5000") | .numbers')" = 5000
sb_check "flows: not for agents" api 403 GET /api/v1/flows "$AGENT"
sb_check "agents: delete" api 200 DELETE "/api/v1/agents/$id" "$ADMIN"
sb_check "agents: audit log records it" api 200 GET /api/v1/audit "$ADMIN"
sb_check "agents: audit entry" grep -q 'agent.delete' <<<"$API_BODY"
sb_stop
sb_pass
