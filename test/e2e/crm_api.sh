#!/usr/bin/env bash
# The CRM over the API, every route and role: customers with identities
# normalised (E.164 with the default country, e-mail lower-case), custom
# fields, tags and consent; search as typed (name, number in any format,
# e-mail, case subject); matching by identity (several matches listed);
# the timeline; merge (identities, tags, custom fields, interactions and
# cases all move; the one merged away points at the survivor); delete;
# cases with comments, linked interactions and reopening; CSV import of a
# file of deliberately bad rows (dry run reports each with its line, the
# import refuses it whole), a good import, export and re-import; roles
# (agents see and edit, only supervisors and admins delete, merge and
# import, only admins define fields); every change in the audit log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_api.sh"

command -v sqlite3 >/dev/null || sb_fail "sqlite3 missing"
sb_start --demo
sb_wait_log 'demo login admin' 20 || sb_fail "demo accounts not printed"
ADMIN=$(api_login admin pwadmin)
SUPER=$(api_login super pwsuper)
AGENT=$(api_login 1001 pw1001)
[ -n "$ADMIN" ] && [ -n "$SUPER" ] && [ -n "$AGENT" ] || sb_fail "logins"
db=$SB_DATA/switchboard.db
V1=/api/v1

# --- demo customers, reading, roles --------------------------------------
sb_check "anonymous may not list customers" api 401 GET $V1/customers
sb_check "agent lists customers" api 200 GET $V1/customers "$AGENT"
sb_check "three demo customers" test "$(api_field length)" = 3
sb_check "demo VIP found by national number" \
	api 200 GET "$V1/customers/match?phone=%28555%29%20555-0100" "$AGENT"
sb_check "demo VIP: Ada, VIP" \
	test "$(api_field '.count,.customers[0].name,.customers[0].tier' | tr '\n' ,)" = "1,Ada Lovelace,VIP,"
ADA=$(api_field '.customers[0].id')
sb_check "match needs an identity" api 400 GET "$V1/customers/match" "$AGENT"
sb_check "match: a bad e-mail named" api 400 GET "$V1/customers/match?email=nope" "$AGENT"
sb_check "match: field named" test "$(api_field .error.field)" = email

# --- custom fields (admins) ------------------------------------------------
sb_check "agent may not define fields" api 403 PUT $V1/customer-fields/segment "$AGENT" \
	'{"label":"Segment","type":"choice","choices":["smb","enterprise"]}'
sb_check "field: choice needs choices" api 400 PUT $V1/customer-fields/segment "$ADMIN" \
	'{"label":"Segment","type":"choice"}'
sb_check "field: bad type named" api 400 PUT $V1/customer-fields/segment "$ADMIN" \
	'{"label":"Segment","type":"colour"}'
sb_check "field: bad name" api 400 PUT "$V1/customer-fields/Bad-Name" "$ADMIN" \
	'{"label":"x","type":"text"}'
sb_check "admin defines a choice field" api 200 PUT $V1/customer-fields/segment "$ADMIN" \
	'{"label":"Segment","type":"choice","choices":["smb","enterprise"]}'
sb_check "admin defines a number field" api 200 PUT $V1/customer-fields/seats "$ADMIN" \
	'{"label":"Seats","type":"number"}'
sb_check "admin defines a text field" api 200 PUT $V1/customer-fields/note "$ADMIN" \
	'{"label":"Note","type":"text"}'
sb_check "fields listed (demo's two + three)" api 200 GET $V1/customer-fields "$AGENT"
sb_check "five fields" test "$(api_field length)" = 5

# --- create, validate, update ----------------------------------------------
sb_check "create: name or identity required" api 400 POST $V1/customers "$AGENT" '{"company":"X"}'
sb_check "create: bad phone named" api 400 POST $V1/customers "$AGENT" \
	'{"name":"Bob","identities":[{"kind":"phone","value":"call me"}]}'
sb_check "create: field is identities[0].value" test "$(api_field .error.field)" = 'identities[0].value'
sb_check "create: bad tier" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","tier":"gold"}'
sb_check "create: bad time zone" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","time_zone":"Mars/Olympus"}'
sb_check "create: bad language" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","language":"english!"}'
sb_check "create: unknown custom field" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","custom":{"shoe":"42"}}'
sb_check "create: field custom.shoe" test "$(api_field .error.field)" = custom.shoe
sb_check "create: bad choice" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","custom":{"segment":"huge"}}'
sb_check "create: bad date" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","custom":{"customer_since":"2023-02-30"}}'
sb_check "create: bad number" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","custom":{"seats":"many"}}'
sb_check "create: unknown consent" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","consent":{"spam":true}}'
sb_check "create: bad tag" api 400 POST $V1/customers "$AGENT" '{"name":"Bob","tags":["a;b"]}'
sb_check "nothing half-made" test "$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE name = 'Bob'")" = 0

body='{"name":"Bob Marley","company":"Tuff Gong","language":"en-JM","tier":"vip","time_zone":"America/Jamaica",
 "identities":[{"kind":"phone","value":"+1 (876) 555-0199","label":"mobile"},{"kind":"email","value":"Bob@Example.COM"},
 {"kind":"messaging","value":"whatsapp:+18765550199"}],"tags":["music","reggae"],
 "custom":{"segment":"enterprise","seats":12,"customer_since":"1977-06-03"},"consent":{"recording":true,"marketing":false}}'
sb_check "agent creates a customer" api 201 POST $V1/customers "$AGENT" "$body"
BOB=$(api_field .id)
sb_check "phone in E.164" test "$(api_field '.identities[0].value')" = +18765550199
sb_check "e-mail lower-cased" test "$(api_field '.identities[1].value')" = bob@example.com
sb_check "tier VIP, custom typed, consent" \
	test "$(api_field '[.tier,.custom.seats,.custom.segment,.consent.recording,.consent.marketing]|@csv')" = '"VIP",12,"enterprise",true,false'
sb_check "tags" test "$(api_field '.tags|join(",")')" = music,reggae
sb_check "get one" api 200 GET "$V1/customers/$BOB" "$AGENT"
sb_check "get: no such customer 404" api 404 GET "$V1/customers/999999" "$AGENT"
sb_check "get: bad id 400" api 400 GET "$V1/customers/abc" "$AGENT"
sb_check "update: custom key replaced and removed" api 200 PATCH "$V1/customers/$BOB" "$AGENT" \
	'{"custom":{"seats":15,"segment":null},"company":"Tuff Gong Records"}'
sb_check "update applied" \
	test "$(api_field '[.company,.custom.seats,(.custom.segment // "gone"),.custom.customer_since]|@csv')" = '"Tuff Gong Records",15,"gone","1977-06-03"'
sb_check "update: unknown field refused" api 400 PATCH "$V1/customers/$BOB" "$AGENT" '{"colour":"red"}'
sb_check "update: no such customer" api 404 PATCH "$V1/customers/999999" "$AGENT" '{"name":"x"}'

# --- search as the agent types ----------------------------------------------
sb_check "search: name prefix" api 200 GET "$V1/customers?q=bo" "$AGENT"
sb_check "search: Bob by name" test "$(api_field '[.[].id]|index('"$BOB"')')" != null
sb_check "search: a word of the name" api 200 GET "$V1/customers?q=marl" "$AGENT"
sb_check "search: Bob by last name" test "$(api_field '.[0].id')" = "$BOB"
sb_check "search: number as typed, partly" api 200 GET "$V1/customers?q=876-555-01" "$AGENT"
sb_check "search: Bob by number" test "$(api_field '.[0].id,.[0].matched' | tr '\n' ,)" = "$BOB,phone,"
sb_check "search: number international form" api 200 GET "$V1/customers?q=%2B1%20876%20555%200199" "$AGENT"
sb_check "search: Bob by +1 876" test "$(api_field '.[0].id')" = "$BOB"
sb_check "search: e-mail prefix any case" api 200 GET "$V1/customers?q=BOB%40exa" "$AGENT"
sb_check "search: Bob by e-mail" test "$(api_field '.[0].id,.[0].matched' | tr '\n' ,)" = "$BOB,email,"
sb_check "search: company" api 200 GET "$V1/customers?q=tuff" "$AGENT"
sb_check "search: Bob by company" test "$(api_field '.[0].id')" = "$BOB"
sb_check "search: nothing" api 200 GET "$V1/customers?q=zzzz" "$AGENT"
sb_check "search: empty list" test "$(api_field length)" = 0
sb_check "list by tag" api 200 GET "$V1/customers?tag=reggae" "$AGENT"
sb_check "tag lists Bob" test "$(api_field '.[0].id')" = "$BOB"
sb_check "bad limit" api 400 GET "$V1/customers?limit=0" "$AGENT"

# --- several matches; a second customer on the same number --------------------
sb_check "a second customer sharing Bob's number" api 201 POST $V1/customers "$AGENT" \
	'{"name":"Rita Marley","identities":[{"kind":"phone","value":"18765550199"}]}'
RITA=$(api_field .id)
sb_check "match: both offered" api 200 GET "$V1/customers/match?phone=876.555.0199" "$AGENT"
sb_check "two matches" test "$(api_field .count)" = 2

# --- cases ------------------------------------------------------------------
sb_check "case: subject required" api 400 POST $V1/cases "$AGENT" '{"customer_id":1}'
sb_check "case: bad status" api 400 POST $V1/cases "$AGENT" '{"subject":"x","status":"done"}'
sb_check "case: bad priority" api 400 POST $V1/cases "$AGENT" '{"subject":"x","priority":"asap"}'
sb_check "case: unknown customer" api 400 POST $V1/cases "$AGENT" '{"subject":"x","customer_id":999999}'
sb_check "case: unknown owner" api 400 POST $V1/cases "$AGENT" '{"subject":"x","owner_agent_id":999}'
sb_check "agent opens a case" api 201 POST $V1/cases "$AGENT" \
	"{\"subject\":\"Studio invoice wrong\",\"customer_id\":$BOB,\"priority\":\"high\",\"due_at\":$(( $(date +%s) * 1000 + 86400000 ))}"
CASE=$(api_field .id)
sb_check "case: new, high, owned by the agent" \
	test "$(api_field '[.status,.priority,.owner_agent_id,.customer_name]|@csv')" = '"new","high",1001,"Bob Marley"'
sb_check "case: comment" api 201 POST "$V1/cases/$CASE/comments" "$AGENT" '{"body":"Called the bank."}'
sb_check "case: comment thread" test "$(api_field '.comments[0].body,.comments[0].username' | tr '\n' ,)" = "Called the bank.,1001,"
sb_check "case: empty comment refused" api 400 POST "$V1/cases/$CASE/comments" "$AGENT" '{"body":""}'
sb_check "case: pending customer" api 200 PATCH "$V1/cases/$CASE" "$AGENT" '{"status":"pending_customer"}'
sb_check "case: bad status on update" api 400 PATCH "$V1/cases/$CASE" "$AGENT" '{"status":"gone"}'
sb_check "case: due date and owner cleared" api 200 PATCH "$V1/cases/$CASE" "$AGENT" '{"due_at":null,"owner_agent_id":null}'
sb_check "case: cleared" test "$(api_field '[.due_at,.owner_agent_id]|@csv')" = ","
sb_check "case: owner given back" api 200 PATCH "$V1/cases/$CASE" "$AGENT" '{"owner_agent_id":1001,"priority":"urgent"}'
sb_check "case: owner and priority" test "$(api_field '[.owner_agent_id,.priority,.owner_name]|@csv')" = '1001,"urgent","Alice 1001"'
sb_check "case: list open ones of Bob" api 200 GET "$V1/cases?customer=$BOB" "$AGENT"
sb_check "case: listed" test "$(api_field '.[0].id')" = "$CASE"
sb_check "case: list by status" api 200 GET "$V1/cases?status=pending_customer" "$AGENT"
sb_check "case: listed by status" test "$(api_field length)" = 1
sb_check "search: case subject" api 200 GET "$V1/search?q=invoice" "$AGENT"
sb_check "search finds the case" test "$(api_field '.cases[0].id')" = "$CASE"
sb_check "search needs q" api 400 GET "$V1/search" "$AGENT"
sb_check "case: closed" api 200 PATCH "$V1/cases/$CASE" "$AGENT" '{"status":"closed"}'
sb_check "case: an agent may not reopen a closed case by hand" \
	api 403 PATCH "$V1/cases/$CASE" "$AGENT" '{"status":"open"}'
sb_check "case: no such case" api 404 GET "$V1/cases/999999" "$AGENT"

# Interactions of the customers (the record the calls write; here made
# directly, as the voice tests make them through SIPp).
now=$(($(date +%s) * 1000))
sqlite3 "$db" >/dev/null "PRAGMA busy_timeout=5000;
 INSERT INTO interactions (id, channel, state, from_addr, to_addr, customer_id, queue, agent_id, created_at, answered_at, ended_at, talk_ms, outcome, ivr_path)
 VALUES (900001, 'voice', 'ended', '+18765550199', '5001', $BOB, 'support', 1001, $((now - 7200000)), $((now - 7190000)), $((now - 7000000)), 190000, 'answered', '[\"menu\",\"support\"]'),
        (900002, 'voice', 'ended', '+18765550199', '5001', $RITA, 'sales', 1002, $((now - 3600000)), $((now - 3590000)), $((now - 3500000)), 90000, 'answered', '[]'),
        (900003, 'chat', 'ended', 'bob@example.com', NULL, $BOB, 'support', 1001, $((now - 600000)), $((now - 590000)), $((now - 500000)), 90000, 'answered', NULL);
 INSERT INTO interaction_notes (interaction_id, agent_id, notes, disposition, updated_at) VALUES (900001, 1001, 'Wants a refund', 'follow_up', $now);" ||
	sb_fail "could not write the test interactions"
sb_check "case: link a contact of another customer refused" \
	api 409 POST "$V1/cases/$CASE/interactions" "$AGENT" '{"interaction_id":900002}'
sb_check "case: no such interaction" api 404 POST "$V1/cases/$CASE/interactions" "$AGENT" '{"interaction_id":12345678}'
sb_check "case: a new contact of Bob reopens it" \
	api 200 POST "$V1/cases/$CASE/interactions" "$AGENT" '{"interaction_id":900003}'
sb_check "case: open again, reopened once, comment says so" \
	test "$(api_field '[.status,.reopened,.reopened_now,(.interactions|length),.comments[-1].body]|@csv')" = '"open",1,true,1,"Reopened by interaction 900003."'

# --- timeline -----------------------------------------------------------------
sb_check "timeline of Bob" api 200 GET "$V1/customers/$BOB/timeline" "$AGENT"
sb_check "timeline: newest first, every channel" test "$(api_field '[.[].id]|@csv')" = 900003,900001
sb_check "timeline: queue, agent, duration, disposition, notes, IVR path, case" \
	test "$(api_field '.[1]|[.queue,.agent_name,.duration_ms,.disposition,.notes,(.ivr_path|join(">")),(.cases|length)]|@csv')" = '"support","Alice 1001",200000,"follow_up","Wants a refund","menu>support",0'
sb_check "timeline: the linked case" test "$(api_field '.[0].cases[0]')" = "$CASE"

# --- merge (supervisors) --------------------------------------------------------
sb_check "agent may not merge" api 403 POST "$V1/customers/$BOB/merge" "$AGENT" "{\"from\":$RITA}"
sb_check "merge into itself refused" api 400 POST "$V1/customers/$BOB/merge" "$SUPER" "{\"from\":$BOB}"
sb_check "merge from nobody" api 404 POST "$V1/customers/$BOB/merge" "$SUPER" '{"from":999999}'
sb_check "give Rita an e-mail, a tag and a custom field" api 200 PATCH "$V1/customers/$RITA" "$AGENT" \
	'{"identities":[{"kind":"phone","value":"18765550199"},{"kind":"email","value":"rita@example.com"}],"tags":["family"],"custom":{"note":"Prefers mornings","seats":3}}'
sb_check "supervisor merges Rita into Bob" api 200 POST "$V1/customers/$BOB/merge" "$SUPER" "{\"from\":$RITA}"
sb_check "merge: identities joined without duplicates" \
	test "$(api_field '[.identities[]|.value]|sort|join(",")')" = "+18765550199,bob@example.com,rita@example.com,whatsapp:+18765550199"
sb_check "merge: tags joined" test "$(api_field '.tags|join(",")')" = family,music,reggae
sb_check "merge: survivor's custom values win, others added" \
	test "$(api_field '[.custom.seats,.custom.note]|@csv')" = '15,"Prefers mornings"'
sb_check "merge: every interaction moved" test "$(sqlite3 "$db" "SELECT group_concat(id) FROM (SELECT id FROM interactions WHERE customer_id = $BOB ORDER BY id)")" = 900001,900002,900003
sb_check "merge: none left on Rita" test "$(sqlite3 "$db" "SELECT count(*) FROM interactions WHERE customer_id = $RITA")" = 0
sb_check "merge: timeline has all three" api 200 GET "$V1/customers/$BOB/timeline" "$AGENT"
sb_check "merge: three in the timeline" test "$(api_field length)" = 3
sb_check "merge: Rita points at Bob" api 200 GET "$V1/customers/$RITA" "$AGENT"
sb_check "merge: merged_into" test "$(api_field .merged_into)" = "$BOB"
sb_check "merge: the number now matches one customer" api 200 GET "$V1/customers/match?phone=%2B18765550199" "$AGENT"
sb_check "merge: one match" test "$(api_field .count)" = 1
sb_check "merge: snapshot kept" test "$(sqlite3 "$db" "SELECT json_extract(snapshot, '\$.name') FROM customer_merges WHERE from_id = $RITA")" = "Rita Marley"
sb_check "merge: again refused" api 409 POST "$V1/customers/$BOB/merge" "$SUPER" "{\"from\":$RITA}"
sb_check "merge: the merged one cannot be edited" api 409 PATCH "$V1/customers/$RITA" "$AGENT" '{"name":"x"}'

# --- linking an interaction, note versions -------------------------------------------
sb_check "interaction linked to a customer" api 200 PUT "$V1/interactions/900002/customer" "$SUPER" "{\"customer_id\":$ADA}"
sb_check "linked" test "$(sqlite3 "$db" "SELECT customer_id FROM interactions WHERE id = 900002")" = "$ADA"
sb_check "agent may not link another agent's interaction" \
	api 403 PUT "$V1/interactions/900002/customer" "$AGENT" "{\"customer_id\":$BOB}"
sb_check "link: no such customer" api 404 PUT "$V1/interactions/900001/customer" "$AGENT" '{"customer_id":999999}'
for t in "Wants a refund" "Wants a refund of 30" "Wants a refund of 30 EUR"; do
	api 200 PUT "$V1/interactions/900001/notes" "$AGENT" "{\"notes\":\"$t\"}" || sb_fail "notes save"
done
sb_check "note versions" api 200 GET "$V1/interactions/900001/notes/versions" "$AGENT"
sb_check "every save versioned, newest first" \
	test "$(api_field '[.[].version]|@csv'),$(api_field '.[0].notes')" = "3,2,1,Wants a refund of 30 EUR"
sb_check "note versions of another agent's interaction" api 403 GET "$V1/interactions/900002/notes/versions" "$AGENT"
sb_check "unfinished list (none yet)" api 200 GET "$V1/me/unfinished" "$AGENT"
sb_check "unfinished: empty" test "$(api_field length)" = 0

# --- CSV import: a file of deliberately bad rows -------------------------------------
bad=$SB_TMP/bad.csv
cat >"$bad" <<'CSV'
Full Name,Company,Phone,E-mail,tier,language,time_zone,tags,segment,seats,customer_since,consent_recording,Notes
Good One,Acme,+44 20 7946 0018,good@example.com,standard,en-GB,Europe/London,a;b,smb,5,2020-01-31,yes,ignored
Bad Phone,Acme,call me maybe,bp@example.com,standard,en,,,,,,,
Bad Mail,Acme,,not-an-email,standard,en,,,,,,,
Bad Tier,Acme,,bt@example.com,platinum,en,,,,,,,
Too,Few,Fields
Bad Choice,Acme,,bc@example.com,standard,en,,,huge,,,,
Bad Date,Acme,,bd@example.com,standard,en,,,,,2021-13-01,,
Bad Zone,Acme,,bz@example.com,standard,en,Mars/Olympus,,,,,,
Bad Number,Acme,,bn@example.com,standard,en,,,,lots,,,
Bad Consent,Acme,,bcs@example.com,standard,en,,,,,,maybe,
,,,,,,,,,,,,
"Quoted, Fine","Big ""Q"" Ltd","(212) 555-0143",q@example.com,VIP,en-US,America/New_York,,enterprise,1000,1999-12-31,no,"multi
line"
Nameless,Acme,,,standard,en,,,,,,,
,Acme,,,standard,en,,,,,,,
Bad Quote,"Acme "x",,,standard,en,,,,,,,
CSV
map='Full%20Name:name,E-mail:email,Notes:ignore'
up() { # CODE QUERY FILE TOKEN
	local code
	code=$(curl -s --max-time 30 -o "$SB_TMP/body" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $4" -H 'Content-Type: text/csv' \
		--data-binary "@$3" "$(api_url "$V1/customers/import?$2")")
	API_BODY=$(cat "$SB_TMP/body")
	[ "$code" = "$1" ] || { echo "  import -> $code (wanted $1): ${API_BODY:0:400}" >&2; return 1; }
}
before=$(sqlite3 "$db" "SELECT count(*) FROM customers")
sb_check "import: agents may not import" up 403 "dry_run=1&mapping=$map" "$bad" "$AGENT"
sb_check "import: unknown column named" up 400 "dry_run=1" "$bad" "$SUPER"
sb_check "import: the column is Full Name" grep -q "Full Name" <<<"$API_BODY"
sb_check "import: dry run reports" up 200 "dry_run=1&mapping=$map" "$bad" "$SUPER"
sb_check "dry run: 14 rows, 3 valid, 11 bad" \
	test "$(api_field '[.rows,.valid,.error_count]|@csv')" = 14,3,11
for want in "3|Phone|phone" "4|E-mail|email" "5|tier|tier must be" "6||3 fields where the header has 13" \
	"7|segment|one of its choices" "8|customer_since|date" "9|time_zone|IANA" "10|seats|number" \
	"11|consent_recording|yes or no" "16||name or an identity" "17||broken quoting"; do
	IFS='|' read -r line col text <<<"$want"
	sb_check "dry run: line $line ${col:-(row)}: $text" \
		test "$(api_field ".errors[] | select(.line == $line) | select((.column // \"\") == \"$col\") | .reason" | grep -c "$text")" = 1
done
sb_check "dry run: blank line 12 skipped, line 13 (quoted, multi-line) fine" \
	test "$(api_field '[.errors[].line]|map(select(. == 12 or . == 13))|length')" = 0
sb_check "dry run: nothing written" test "$(sqlite3 "$db" "SELECT count(*) FROM customers")" = "$before"
sb_check "import with bad rows refused whole (422)" up 422 "mapping=$map" "$bad" "$SUPER"
sb_check "422 carries the report" test "$(api_field .error_count)" = 11
sb_check "import refused: nothing written" test "$(sqlite3 "$db" "SELECT count(*) FROM customers")" = "$before"

good=$SB_TMP/good.csv
{ head -n 1 "$bad"; sed -n '2p;13,15p' "$bad"; } >"$good"
sb_check "good rows import (201)" up 201 "mapping=$map" "$good" "$SUPER"
sb_check "three imported" test "$(api_field .imported)" = 3
sb_check "imported: phone E.164 (GB), tags, custom typed" \
	test "$(sqlite3 "$db" "SELECT c.name || '|' || i.value || '|' || c.custom || '|' || c.consent_recording FROM customers c JOIN customer_identities i ON i.customer_id = c.id AND i.kind = 'phone' WHERE c.name = 'Good One'")" = \
	'Good One|+442079460018|{"segment":"smb","seats":5,"customer_since":"2020-01-31"}|1'
sb_check "imported: quoted name with comma, US number" \
	test "$(sqlite3 "$db" "SELECT c.company || '|' || c.tier || '|' || i.value FROM customers c JOIN customer_identities i ON i.customer_id = c.id WHERE c.name = 'Quoted, Fine' AND i.kind = 'phone'")" = 'Big "Q" Ltd|VIP|+12125550143'
sb_check "imported: found by a GB number typed in part" api 200 GET "$V1/customers?q=%2B44%2020%207946" "$AGENT"
sb_check "imported: Good One by number" test "$(api_field '.[0].name')" = "Good One"
sb_check "import audited" test "$(sqlite3 "$db" "SELECT count(*) FROM audit_log WHERE action = 'customer.import' AND username = 'super'")" = 1

# --- export and re-import -------------------------------------------------------------
code=$(curl -s --max-time 30 -o "$SB_TMP/export.csv" -w '%{http_code}' -H "Authorization: Bearer $SUPER" "$(api_url "$V1/customers/export")")
sb_check "export (CSV)" test "$code" = 200
sb_check "agents may not export" api 403 GET "$V1/customers/export" "$AGENT"
n=$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE merged_into IS NULL")
sb_check "export: one record per customer" test "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1])))-1)' "$SB_TMP/export.csv")" = "$n"
sb_check "export: header" test "$(head -n 1 "$SB_TMP/export.csv")" = \
	"id,name,company,language,tier,time_zone,phone,email,chat,messaging,account,tags,consent_recording,consent_marketing,provisional,created_at,contract,customer_since,note,seats,segment"
sb_check "export re-imports (dry run: every row valid)" up 200 "dry_run=1" "$SB_TMP/export.csv" "$SUPER"
sb_check "re-import: no errors" test "$(api_field '[.rows,.error_count]|@csv')" = "$n,0"

# --- the other roles: team leaders and quality analysts --------------------------------------
sb_check "a team leader login" api 201 POST $V1/accounts "$ADMIN" '{"username":"tl1","password":"secret99","role":"team_leader"}'
sb_check "a quality analyst login" api 201 POST $V1/accounts "$ADMIN" '{"username":"qa1","password":"secret99","role":"quality_analyst"}'
TL=$(api_login tl1 secret99)
QA=$(api_login qa1 secret99)
sb_check "team leader reads customers" api 200 GET "$V1/customers/$BOB" "$TL"
sb_check "team leader may not delete" api 403 DELETE "$V1/customers/$BOB" "$TL"
sb_check "team leader may not merge" api 403 POST "$V1/customers/$BOB/merge" "$TL" "{\"from\":$ADA}"
sb_check "team leader may not import" up 403 "dry_run=1" "$good" "$TL"
sb_check "quality analyst reads the timeline" api 200 GET "$V1/customers/$BOB/timeline" "$QA"
sb_check "quality analyst exports" api 200 GET "$V1/customers/export" "$QA"
sb_check "quality analyst may not define fields" api 403 PUT $V1/customer-fields/x "$QA" '{"label":"X","type":"text"}'
sb_check "supervisor may not define fields" api 403 PUT $V1/customer-fields/x "$SUPER" '{"label":"X","type":"text"}'
sb_check "admin may import (dry run)" up 200 "dry_run=1&mapping=$map" "$good" "$ADMIN"
sb_check "an import of an empty body" up 400 "dry_run=1" /dev/null "$SUPER"

# --- delete (supervisors), field delete, audit --------------------------------------------
sb_check "agent may not delete" api 403 DELETE "$V1/customers/$ADA" "$AGENT"
sb_check "agent may not delete a case" api 403 DELETE "$V1/cases/$CASE" "$AGENT"
sb_check "supervisor deletes a case" api 200 DELETE "$V1/cases/$CASE" "$SUPER"
sb_check "case gone" api 404 GET "$V1/cases/$CASE" "$AGENT"
sb_check "supervisor deletes a customer" api 200 DELETE "$V1/customers/$ADA" "$SUPER"
sb_check "customer gone" api 404 GET "$V1/customers/$ADA" "$AGENT"
sb_check "their interaction stays, unlinked" test "$(sqlite3 "$db" "SELECT coalesce(customer_id, 'none') FROM interactions WHERE id = 900002")" = none
sb_check "admin deletes a field" api 200 DELETE "$V1/customer-fields/seats" "$ADMIN"
sb_check "field values removed" test "$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE json_extract(custom, '\$.seats') IS NOT NULL")" = 0
sb_check "field delete: no such field" api 404 DELETE "$V1/customer-fields/seats" "$ADMIN"
sb_check "agent may not read the audit log" api 403 GET "$V1/audit?limit=200" "$AGENT"
sb_check "audit log" api 200 GET "$V1/audit?limit=200" "$ADMIN"
for a in customer.create customer.update customer.merge customer.delete customer.import \
	case.create case.update case.comment case.link case.delete interaction.customer \
	customer_field.put customer_field.delete; do
	sb_check "audited: $a" test "$(api_field "[.[] | select(.action == \"$a\")] | length")" -ge 1
done
sb_check "audit: who (the agent created Bob)" \
	test "$(sqlite3 "$db" "SELECT username FROM audit_log WHERE action = 'customer.create' AND object = 'customer/$BOB'")" = 1001
sb_check "routes in the OpenAPI document" api 200 GET "$V1/openapi.json"
sb_check "OpenAPI lists the import" test "$(api_field '.paths["/api/v1/customers/import"].post | length > 0')" = true

sb_stop

# --- the default country is a setting ---------------------------------------------------
bad_out=$("$SB_BIN" --data "$SB_TMP/x" --sip 127.0.0.1:0 --http 127.0.0.1:0 --phone-country XX 2>&1)
sb_check "an unknown phone-country stops the start, named" \
	grep -q "phone-country: unknown country 'XX'" <<<"$bad_out"
: >"$SB_LOG"
sb_start --demo --phone-country GB
SUPER=$(api_login super pwsuper)
sb_check "GB default: a national number written the British way" \
	api 200 GET "$V1/customers/match?phone=020%207946%200018" "$SUPER"
sb_check "GB default: Good One (imported as +44)" test "$(api_field '.customers[0].name')" = "Good One"
sb_check "GB default: a US number needs its +1 now" \
	api 200 GET "$V1/customers/match?phone=%2B1%20212%20555%200143" "$SUPER"
sb_check "GB default: found with +1" test "$(api_field '.count')" = 1
sb_stop
sb_pass
