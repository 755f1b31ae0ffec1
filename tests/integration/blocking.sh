#!/usr/bin/env bash
# blocking.sh -- a blocked peer's messages never reach the store; after
# unblocking they arrive. A non-contact's request can be rejected and then
# nothing about it is kept.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob && node_start mallory || exit 1
for n in alice bob mallory; do wait_published $n || { notok "$n publishes" "timeout"; exit 1; }; done
check "alice and bob become contacts" befriend alice bob

w alice block bob >/dev/null && ok "alice blocks bob" || notok "alice blocks bob" "failed"
for i in 1 2 3; do w bob send alice "blocked $i" >/dev/null; done
sleep 15	# bob retries meanwhile; each attempt is closed after the handshake
[ "$(texts alice bob | grep -c blocked)" = 0 ] && ok "no message from a blocked peer is stored" ||
    notok "no message from a blocked peer is stored" "$(texts alice bob | grep -c blocked) stored"
[ "$(count_state bob alice delivered)" = 0 ] && ok "bob's messages stay undelivered" ||
    notok "bob's messages stay undelivered" "some were delivered"
# Bob's endpoint for alice is revoked on block (doc/PROTOCOL.md section 9)
# and his connection closed: he is not online for alice, and bob does not
# see her online either (his dials fail at tor, or are closed at once).
online_for() { # A B: A sees B online
	json "$1" contacts | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(c["address"] == sys.argv[1] and c["online"]
    for c in d["contacts"]) else 1)' "$(onion "$2")"
}
! online_for alice bob && ! online_for bob alice &&
    ok "no connection between them while alice blocks bob" ||
    notok "no connection between them while alice blocks bob" "one sees the other online"

w alice unblock bob >/dev/null
check "after unblock bob's messages arrive" wait_until 180 outbox_empty bob
[ "$(texts alice bob | grep -c blocked)" = 3 ] && ok "all 3, once" ||
    notok "all 3, once" "$(texts alice bob | grep -c blocked)"

# A stranger may only ask; rejecting keeps nothing.
w mallory add "$(onion alice)" --message "let me in" >/dev/null
check "alice sees mallory's request" wait_until 90 has_request alice "$(onion mallory)"
w mallory send "$(onion alice)" "sneaky" >/dev/null
sleep 5
json alice contacts | grep -q "$(onion mallory)" && notok "a requester is not a contact" "it is" ||
    ok "a requester is not a contact"
w alice reject "$(onion mallory)" >/dev/null
json alice requests | grep -q "$(onion mallory)" && notok "rejecting forgets the request" "still there" ||
    ok "rejecting forgets the request"
flowing
exit $FAILED
