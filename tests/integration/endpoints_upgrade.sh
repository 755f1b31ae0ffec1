#!/usr/bin/env bash
# endpoints_upgrade.sh -- issue 12, migration: alice and bob are contacts
# with history on a warren from before endpoints (main at 63b9285, built
# once into $BUILD_DIR/old-main; WARREN_OLD_BUILD to use another). Bob
# upgrades first: his endpoint goes to an alice who ignores it, and they
# keep talking; then alice upgrades: they swap endpoints (bob sends his
# again), every message of before is still there, and with both
# discoverable off they still talk both ways.
. "$(dirname "$0")/lib.bash"

OLD_COMMIT=63b9285
old_build "$OLD_COMMIT" "$BUILD_DIR/old-main"
ok "a warren from $OLD_COMMIT (before endpoints) is built"
need_testnet

NEW_WARREND=$WARREND NEW_WARREN=$WARREN
use_old() { WARREND=$OLD/build/warrend WARREN=$OLD/build/warren; }
use_new() { WARREND=$NEW_WARREND WARREN=$NEW_WARREN; }

use_old
node_start alice && node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "old alice and old bob become contacts" befriend alice bob
A=$(onion alice) B=$(onion bob)
for i in 1 2 3; do w alice send bob "old a$i" >/dev/null; w bob send alice "old b$i" >/dev/null; done
check "their old messages are delivered" wait_until 120 sh -c \
    "[ \"\$('$WARREN' -d '$T/bob' --json log $A | grep -c '\"old a')\" = 3 ] && [ \"\$('$WARREN' -d '$T/alice' --json log $B | grep -c '\"old b')\" = 3 ]"

# Bob upgrades; alice is still old.
node_stop bob
use_new
node_start bob || exit 1
ep() {
	json "$1" contacts | python3 -c '
import json, sys
for c in json.load(sys.stdin)["contacts"]:
    if c["address"] == sys.argv[1]:
        print(c.get("endpoint", {}).get(sys.argv[2], ""))' "$(onion "$2")" "$3"
}
check "upgraded bob sends alice his endpoint" wait_until 180 sh -c "grep -q 'our endpoint sent' '$T/bob.log'"
w bob send alice "new b to old a" >/dev/null
use_old
w alice send bob "old a to new b" >/dev/null
check "old alice gets new bob's message" wait_until 180 sh -c \
    "'$WARREN' -d '$T/alice' --json log $B | grep -q 'new b to old a'"
use_new
check "new bob gets old alice's message" wait_until 180 sh -c \
    "'$WARREN' -d '$T/bob' --json log $A | grep -q 'old a to new b'"
[ "$(ep bob alice theirs)" = False ] && ok "bob has no endpoint from old alice" ||
    notok "bob has no endpoint from old alice" "$(ep bob alice theirs)"

# Alice upgrades too.
node_stop alice
node_start alice || exit 1
swapped() { [ "$(ep "$1" "$2" theirs)" = True ] && [ "$(ep "$1" "$2" ours)" = published ]; }
check "after alice's upgrade she has bob's endpoint" wait_until 240 swapped alice bob
check "and bob has hers (he sent his again)" wait_until 240 swapped bob alice
for n in alice bob; do
	[ "$(texts $n "$([ $n = alice ] && echo "$B" || echo "$A")" | grep -c ' old [ab][0-9]$')" = 6 ] &&
	    ok "$n keeps every old message" ||
	    notok "$n keeps every old message" "$(texts $n "$([ $n = alice ] && echo "$B" || echo "$A")" | grep -c ' old [ab][0-9]$')"
done
w alice set discoverable off >/dev/null && w bob set discoverable off >/dev/null
node_stop alice; node_stop bob
node_start alice && node_start bob || exit 1
w alice send bob "both hidden a" >/dev/null
w bob send alice "both hidden b" >/dev/null
check "both discoverable off: bob gets alice's message" wait_until 240 sh -c \
    "'$WARREN' -d '$T/bob' --json log $A | grep -q 'both hidden a'"
check "both discoverable off: alice gets bob's message" wait_until 240 sh -c \
    "'$WARREN' -d '$T/alice' --json log $B | grep -q 'both hidden b'"
flowing alice bob
exit $FAILED
