#!/usr/bin/env bash
# old_protocol.sh -- a node of this version (protocol 2) and a node built
# from commit 9c0bc0e (protocol 1, before the signed HELLO) over the test
# network. They cannot talk, and the new side says so clearly (log, event,
# a note in the conversation) instead of retrying in silence; the old one
# gets nothing in. The old build is made once from git history, in
# $BUILD_DIR/old-proto1 (WARREN_OLD_BUILD to use another).
. "$(dirname "$0")/lib.bash"

OLD_COMMIT=9c0bc0e
old_build "$OLD_COMMIT" "$BUILD_DIR/old-proto1"
ok "a protocol-1 warrend from $OLD_COMMIT is built"
need_testnet

# ob ARGS...: the old CLI against the old node b.
ob() { "$OLD/build/warren" -d "$T/b" "$@"; }
node_start a || exit 1
NEW_WARREND=$WARREND
WARREND=$OLD/build/warrend
node_start b || exit 1
WARREND=$NEW_WARREND
wait_published a 120 || notok "a publishes" "not published"
wait_until 120 sh -c "'$OLD/build/warren' -d '$T/b' --json status | grep -q '\"published\": true'" ||
    notok "b publishes" "not published"
A=$(onion a)
B=$(ob id)

# The new node dials the old one.
w a add "$B" --name oldbob --message "hi from the new side" >/dev/null ||
    notok "a adds b" "failed"
logged_a() { grep -q "contact 1: peer runs an older warren protocol (1, we speak 2): they must upgrade warren before you can talk" "$T/a.log"; }
wait_until 120 logged_a && ok "dialling an old peer: a's log says it runs an older protocol" ||
    notok "dialling an old peer: a's log says it runs an older protocol" "$(tail -n 5 "$T/a.log")"
note_a() { json a log "$B" | grep -q "peer runs an older warren protocol (1, we speak 2)"; }
check "the conversation shows it as a note" note_a
event_a() { timeout 3 "$WARREN" -d "$T/a" --json watch --since 0 2>/dev/null |
    grep '"contact.incompatible"' | grep -q '"version": *1'; }
check "a contact.incompatible event names their version" event_a
grep -c "peer runs an older warren protocol" "$T/a.log" | grep -qx 1 &&
    ok "said once, not at every redial" ||
    notok "said once, not at every redial" "$(grep -c "older warren protocol" "$T/a.log")"
has_request b "$A" && notok "the old node got no request" "it did" ||
    ok "the old node got no request"

# The old node dials the new one: refused after the preamble, and a's log
# says an older peer tried (it cannot know who: no address in that line).
ob add "$A" --message "hi from the old side" >/dev/null || notok "b adds a" "failed"
logged_in() { grep -q "an inbound peer runs an older warren protocol (1, we speak 2)" "$T/a.log"; }
wait_until 120 logged_in && ok "an old peer dialling in: a's log says so" ||
    notok "an old peer dialling in: a's log says so" "$(tail -n 5 "$T/a.log")"
has_request a "$B" && notok "no request from the old node reaches a" "it did" ||
    ok "no request from the old node reaches a"
grep "inbound peer runs an older" "$T/a.log" | grep -q "$B" &&
    notok "the inbound line names no address" "it does" ||
    ok "the inbound line names no address"
check "a is alive" alive a
check "b is alive" alive b
exit $FAILED
