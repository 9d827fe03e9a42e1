#!/usr/bin/env bash
# Inbound trunks: a carrier's peer recognised by its source address (IP
# and port) or by digest credentials (a trunk with a username and no
# address: calls whose From user is that username are challenged). A
# trunk's P-Asserted-Identity becomes the caller's number; anyone else's
# is ignored (a stranger cannot claim to be a customer). Wrong trunk
# credentials get 403 and no call. A trunk reaches only what anyone
# reaches: a trunk's call to a number that is not public is still
# challenged as an agent's would be.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

db() { sqlite3 "$SB_DATA/switchboard.db" "$1"; }

trunk_call() { voice_trunk_call "$@"; }

# Three trunks: one by address and port, one by credentials, and one whose
# address is not ours (never matches).
sb_start --demo
sb_stop
voice_port
TPORT=$PORT
db "INSERT INTO trunks(name, source_addr, trusted) VALUES ('carrier', '127.0.0.1:$TPORT', 1);
    INSERT INTO trunks(name, username, password, trusted) VALUES ('carrier2', 'carrier2', 'secret2', 1);
    INSERT INTO trunks(name, username, password) VALUES ('carrier3', 'carrier3', 'secret3');
    INSERT INTO trunks(name, source_addr) VALUES ('elsewhere', '192.0.2.7');
    INSERT INTO trunks(name, source_addr) VALUES ('broken', 'not an address');"
sb_start --demo
sb_check "trunk by address loaded" sb_wait_log "inbound trunk carrier from 127.0.0.1:$TPORT" 5
sb_check "trunk by credentials loaded" sb_wait_log "inbound trunk carrier2 by credentials of 'carrier2'" 5
sb_check "a bad source_addr is named and skipped" sb_wait_log "trunk broken: source_addr 'not an address' is not an IP" 5

# 1. The carrier's call: PAI taken.
sb_check "carrier's call to 5001 answered" \
	trunk_call "$TPORT" 0099 'P-Asserted-Identity: "Ada" <sip:+15555550100@carrier.example;user=phone>' 1
sb_check "logged as from trunk carrier" sb_wait_log 'call [0-9]*: from trunk carrier$' 5
ix=$(db "SELECT id FROM interactions WHERE from_addr = '+15555550100' ORDER BY id DESC LIMIT 1")
sb_check "the caller's number is the asserted one (+15555550100)" test -n "$ix"
sb_check "the interaction records the trunk" \
	test "$(db "SELECT detail FROM interaction_events WHERE interaction_id = $ix AND type = 'trunk'")" = '{"trunk": "carrier"}'

# 2. A stranger (another port) with the same header: ignored.
voice_port
sb_check "stranger's call answered" \
	trunk_call "$PORT" 5550177 'P-Asserted-Identity: <sip:+15555550100@carrier.example>' 1
sb_check "the stranger's asserted identity is ignored (From kept)" \
	test -n "$(db "SELECT id FROM interactions WHERE from_addr = '5550177'")"
sid=$(db "SELECT id FROM interactions WHERE from_addr = '5550177'")
sb_check "and no trunk is recorded for it" \
	test "$(db "SELECT count(*) FROM interaction_events WHERE interaction_id = $sid AND type = 'trunk'")" = 0

# 3. The trunk by credentials: challenged, then answered; PAI as tel: URI.
voice_port
sb_check "carrier2 challenged, then answered with its password" \
	trunk_call "$PORT" carrier2 'P-Asserted-Identity: <tel:+442071234567>' 2 carrier2 secret2
sb_check "the 407 came first" grep -q 'SIP/2.0 407' "$SB_TMP/trunk_$PORT.msg"
sb_check "logged as from trunk carrier2" sb_wait_log 'call [0-9]*: from trunk carrier2$' 5
sb_check "tel: asserted number taken" \
	test -n "$(db "SELECT id FROM interactions WHERE from_addr = '+442071234567'")"

# 3b. A trunk not marked trusted: recognised, its PAI not believed.
voice_port
sb_check "carrier3 (not trusted) answered" \
	trunk_call "$PORT" carrier3 'P-Asserted-Identity: <sip:+15555550133@carrier.example>' 2 carrier3 secret3
sb_check "logged as from trunk carrier3" sb_wait_log 'call [0-9]*: from trunk carrier3$' 5
sb_check "its asserted number is not taken (From kept)" \
	test "$(db "SELECT count(*) FROM interactions WHERE from_addr = '+15555550133'"):$(db "SELECT count(*) FROM interactions WHERE from_addr = 'carrier3'")" = 0:1

# 4. Wrong trunk password: 403, no call.
n0=$(db "SELECT count(*) FROM interactions")
voice_port
trunk_call "$PORT" carrier2 '' 2 carrier2 wrong
sb_check "wrong trunk password: 403" grep -q 'SIP/2.0 403' "$SB_TMP/trunk_$PORT.msg"
sb_check "the 403 names the trunk credentials" grep -q 'wrong trunk username or password' "$SB_TMP/trunk_$PORT.msg"
sb_check "no interaction for the refused call" test "$(db "SELECT count(*) FROM interactions")" = "$n0"

# 5. A trunk reaches nothing a stranger cannot: a non-public number is
#    challenged as for anyone (the trunk's address does not open it).
voice_port
trunk_call "$TPORT" 0099 '' 1 '' '' 0044201234567
sb_check "the carrier calling an outside number is challenged (407)" \
	grep -q 'SIP/2.0 407' "$SB_TMP/trunk_$TPORT.msg"
sb_check "no call was placed to it" bash -c "! grep -q -- '-> 0044201234567' '$SB_LOG'"

sb_stop
sb_pass
