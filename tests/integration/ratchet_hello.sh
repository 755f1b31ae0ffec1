#!/usr/bin/env bash
# ratchet_hello.sh -- a RATCHET_HELLO is accepted only as the answer to our
# own CONTACT_REQUEST on that connection (issue 11.5b). A contact that
# sends one unasked, on a later connection we dialled, must not replace the
# session: that connection is closed, no "session reset" happens, and the
# contact is not marked for re-verification. The contact is tor_node
# --peer ratchet (real peer.c, published on the test network): it accepts
# our request like a real peer, then sends RATCHET_HELLO at once on every
# later connection.
. "$(dirname "$0")/lib.bash"

TOR_NODE=$BUILD_DIR/tests/integration/tor_node
[ -x "$TOR_NODE" ] || { echo "not ok - tor_node not built in $BUILD_DIR"; exit 1; }
need_testnet
EPID=""
trap '[ -n "$EPID" ] && { kill -TERM "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; }; cleanup' EXIT

node_start a || exit 1
"$TOR_NODE" "$T/evil" --torrc-append "$TORRC" --peer ratchet \
    >"$T/evil.out" 2>"$T/evil.err" &
EPID=$!
evil_published() { grep -q '^published onion=' "$T/evil.out"; }
wait_until 120 evil_published || { notok "the evil contact publishes" "$(tail -n 3 "$T/evil.err")"; exit 1; }
E=$(sed -n 's/^onion=//p' "$T/evil.out" | head -n 1)
wait_published a 120 || notok "a publishes" "not published"

# A asks; the evil contact accepts like a real peer: a session exists.
w a add "$E" --name eve --message "hi" >/dev/null || notok "a adds eve" "failed"
session() { grep -q '^session$' "$T/evil.out"; }
wait_until 120 session && ok "eve accepted our request (first session)" ||
    notok "eve accepted our request (first session)" "$(tail -n 3 "$T/evil.out")"
contact_ok() {
	json a contacts | python3 -c '
import json, sys
sys.exit(0 if any(c["address"] == sys.argv[1] and c["state"] == "contact"
    for c in json.load(sys.stdin)["contacts"]) else 1)' "$E"
}
wait_until 30 contact_ok && ok "eve is a contact" || notok "eve is a contact" "not mutual"

# Eve closes; a message makes a dial again (no request this time: there
# is a session), and eve sends RATCHET_HELLO unasked.
lost1() { grep -q '^lost ' "$T/evil.out"; }
wait_until 30 lost1 || notok "eve closes the first connection" "still up"
w a send "$E" "are you there" >/dev/null || notok "a sends" "failed"
unasked() { grep -q '^sent ratchet_hello$' "$T/evil.out"; }
wait_until 120 unasked && ok "a redialled; eve sent an unasked RATCHET_HELLO" ||
    notok "a redialled; eve sent an unasked RATCHET_HELLO" "$(tail -n 5 "$T/evil.out")"
lost2() { [ "$(grep -c '^lost ' "$T/evil.out")" -ge 2 ]; }
wait_until 30 lost2 && ok "that connection ends" || notok "that connection ends" "still up"
sleep 1
reset_note() { json a log "$E" | grep -q "set up again"; }
reset_note && notok "no session reset from an unasked RATCHET_HELLO" "the session was replaced" ||
    ok "no session reset from an unasked RATCHET_HELLO"
grep -q "session re-established" "$T/a.log" &&
    notok "no 'session re-established' in the log" "found" ||
    ok "no 'session re-established' in the log"
alert_ev() { timeout 3 "$WARREN" -d "$T/a" --json watch --since 0 2>/dev/null | grep -q '"session reset"'; }
alert_ev && notok "no security.alert (session reset) event" "emitted" ||
    ok "no security.alert (session reset) event"
check "a is alive" alive a
exit $FAILED
