#!/usr/bin/env bash
# `switchboard flow check`: the shipped demo flow passes (prompt files,
# queues of the demo center); a broken flow is refused with exit status 2
# and every problem named by its JSON path; an unreadable file is exit 1.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$SB_BIN" flow check --queues sales,support "$SB_SRC/data/flows/demo-5000.json")
sb_check "demo flow passes ($out)" test $? -eq 0
sb_check "demo flow ok line" grep -q 'demo-5000.json: ok' <<<"$out"

cat >"$tmp/bad.json" <<'JSON'
{"name": "bad", "start": "a", "nodes": {
  "a": {"type": "set", "vars": {"v": "1"}, "next": "b"},
  "b": {"type": "goto", "next": "a"},
  "c": {"type": "menu", "prompt": {"file": "nope.wav"},
        "choices": {"1": "zz", "2": {"queue": "billing"}}, "fallback": "a"},
  "d": {"type": "bogus"},
  "e": {"type": "collect", "prompt": "p", "var": "v", "pattern": "([0-9",
        "next": "a"}}}
JSON
out=$("$SB_BIN" flow check --queues sales,support "$tmp/bad.json" "$SB_SRC/data/flows/demo-5000.json")
rc=$?
sb_check "broken flow: exit 2 (got $rc)" test $rc -eq 2
for want in '\$.nodes.c.choices.1: target node .zz. does not exist' \
	'\$.nodes.c.choices.2.queue: unknown queue .billing.' \
	'\$.nodes.c.prompt.file: prompt file .*nope.wav does not exist' \
	'\$.nodes.d.type: unknown node type .bogus.' \
	'\$.nodes.e.pattern: bad pattern' \
	'\$.nodes.c: unreachable from the start node' \
	'loop that takes no input from the caller: a -> b -> a' \
	'demo-5000.json: ok'; do
	sb_check "lists: $want" grep -q "$want" <<<"$out"
done
touch "$tmp/nope.wav"
out=$("$SB_BIN" flow check "$tmp/bad.json")
sb_check "prompt file found once it exists" \
	bash -c '! grep -q "nope.wav does not exist" <<<"$0"' "$out"
"$SB_BIN" flow check "$tmp/missing.json" 2>/dev/null
sb_check "unreadable file: exit 1" test $? -eq 1
"$SB_BIN" flow 2>/dev/null
sb_check "usage: exit 2" test $? -eq 2
# Named time zones: those of the system's tz database only.
for tz in Europe/Paris America/New_York UTC +05:30; do
	printf '{"name": "t", "start": "h", "timezone": "%s", "nodes": {"h": {"type": "hangup"}}}' "$tz" >"$tmp/tz.json"
	"$SB_BIN" flow check "$tmp/tz.json" >/dev/null
	sb_check "timezone $tz: ok" test $? -eq 0
done
for tz in Europe/Atlantis ../../etc/passwd 'Mars'; do
	printf '{"name": "t", "start": "h", "timezone": "%s", "nodes": {"h": {"type": "hangup"}}}' "$tz" >"$tmp/tz.json"
	out=$("$SB_BIN" flow check "$tmp/tz.json")
	sb_check "timezone $tz: refused with its path" grep -q '\$.timezone: ' <<<"$out"
done
sb_pass
