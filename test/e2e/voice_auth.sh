#!/usr/bin/env bash
# Strangers get nothing: a phone with a wrong SIP password cannot register
# (403); an unauthenticated call to anything but a public number is
# challenged (407) and never placed; an agent's credentials cannot reach
# a number that is not the center's (404); the agent's feature codes work
# with credentials (*51 break, *50 available, *52 log out).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_voice.sh"

sb_start --demo
voice_port
sb_check "wrong password refused with 403" voice_register 1001 "$PORT" 403 wrongpw
sb_check "the refusal is logged" sb_wait_log 'REGISTER for 1001 .*wrong credentials' 5
sb_check "right password registers" voice_register 1001 "$PORT" 200
sb_check "registration logs agent 1001 in" sb_wait_log 'agent 1001 available' 5
sb_check "stranger calling extension 1002 is challenged (407)" \
	voice_invite_auth 1002 407
sb_check "stranger calling an outside number is challenged (407)" \
	voice_invite_auth 0044201234567 407
sb_check "wrong credentials on a call: 403" \
	voice_invite_auth 0044201234567 403 1001 nope
sb_check "agent credentials cannot dial out: 404" \
	voice_invite_auth 0044201234567 404 1001 pw1001
sb_check "no call was placed to anyone" \
	bash -c "! grep -q 'call [0-9]*: .* -> \(1002\|0044\)' '$SB_LOG'"
sb_check "*51 with credentials: answered, confirmation, hung up" \
	voice_invite_auth '*51' 200 1001 pw1001
sb_check "agent 1001 away: break" sb_wait_log 'agent 1001 away: break' 5
sb_check "*50: available again" voice_invite_auth '*50' 200 1001 pw1001
sb_check "agent 1001 available (was away)" sb_wait_log 'agent 1001 available \(was away' 5
sb_check "*52: logged out" voice_invite_auth '*52' 200 1001 pw1001
sb_check "agent 1001 logged out" sb_wait_log 'agent 1001 logged_out \(was' 5
hist=$(sqlite3 "$SB_DATA/switchboard.db" "SELECT group_concat(state || coalesce(':' || reason, ''), ',') FROM (SELECT state, reason FROM agent_state_history WHERE agent_id = 1001 ORDER BY id)")
sb_check "state history recorded ($hist)" \
	grep -q 'available,away:break,available' <<<"$hist"
sb_stop
sb_pass
