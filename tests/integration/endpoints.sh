#!/usr/bin/env bash
# endpoints.sh -- issue 12: private per-contact endpoint onions (v3 client
# authorization). Alice and Bob become contacts and swap endpoints inside
# the ratchet; with discoverable off, a stranger who knows Alice's public
# address cannot reach it (SOCKS: descriptor not found) nor her endpoint
# for Bob (SOCKS: needs client authorization), while Alice and Bob, both
# restarted, keep talking both ways. Alice removes Bob: her endpoint for
# him goes, his messages stay undelivered; re-added, he gets a fresh one
# and they talk again.
. "$(dirname "$0")/lib.bash"
need_testnet
PROBE=$BUILD_DIR/tests/integration/tor_probe

node_start alice && node_start bob && node_start carol || exit 1
for n in alice bob; do
	wait_published $n || { notok "$n published" "timeout"; exit 1; }
done
check "alice and bob become contacts" befriend alice bob
A=$(onion alice) B=$(onion bob)

# ep NODE PEER FIELD: the "endpoint" member of NODE's contact PEER.
ep() {
	json "$1" contacts | python3 -c '
import json, sys
for c in json.load(sys.stdin)["contacts"]:
    if c["address"] == sys.argv[1]:
        print(c.get("endpoint", {}).get(sys.argv[2], ""))' "$(onion "$2")" "$3"
}
swapped() { [ "$(ep "$1" "$2" theirs)" = True ] && [ "$(ep "$1" "$2" ours)" = published ]; }
check "alice has bob's endpoint and hers for him is published" wait_until 120 swapped alice bob
check "bob has alice's endpoint and his for her is published" wait_until 120 swapped bob alice
EP=$(ep alice bob address)
[ ${#EP} = 56 ] && [ "$EP" != "$A" ] && ok "alice's endpoint for bob is its own onion" ||
    notok "alice's endpoint for bob is its own onion" "'$EP'"

# Discoverable off: the public onion is withdrawn.
w alice set discoverable off >/dev/null || notok "set discoverable off" "failed"
check "status says the public onion is withdrawn" wait_until 10 sh -c \
    "'$WARREN' -d '$T/alice' --json status | grep -q '\"public\": \"withdrawn\"'"
w alice status | grep -q "discoverable off" && ok "warren status shows discoverable off" ||
    notok "warren status shows discoverable off" "$(w alice status)"

# Both restart: every connection from now on goes through the endpoints.
node_stop alice; node_stop bob
node_start alice && node_start bob || exit 1
check "alice's endpoint for bob is published again after the restart" \
    wait_until 120 sh -c "[ \"\$('$WARREN' -d '$T/alice' --json contacts | grep -c '\"ours\": \"published\"')\" = 1 ]"
w alice send bob "a to b, hidden" >/dev/null
w bob send alice "b to a, hidden" >/dev/null
check "bob gets alice's message (discoverable off)" wait_until 180 sh -c \
    "'$WARREN' -d '$T/bob' --json log $A | grep -q 'a to b, hidden'"
check "alice gets bob's message (discoverable off)" wait_until 180 sh -c \
    "'$WARREN' -d '$T/alice' --json log $B | grep -q 'b to a, hidden'"
out=$("$PROBE" "unix:$T/bob/tor/socks.sock" "$EP" 9737 60 30000 2>/dev/null | tail -n 1)
case $out in
*"stream closed"*|*"echo=wrong"*) ok "bob's tor reaches alice's endpoint with his key ($out)" ;;
*) notok "bob's tor reaches alice's endpoint with his key" "$out" ;;
esac
! grep -q "needs client authorization" "$T/alice.log" "$T/bob.log" &&
    ok "no dial of alice or bob was refused for want of a key" ||
    notok "no dial of alice or bob was refused for want of a key" \
    "$(grep -h "needs client authorization" "$T/alice.log" "$T/bob.log" | head -n 2)"
flowing alice bob
grep -q "their endpoint" "$T/bob.log" && grep -q "endpoint .* created" "$T/alice.log" &&
    ok "the logs name endpoints by hash only" || notok "the logs name endpoints" "missing lines"
! grep -q -e "$EP" -e "$B" "$T/alice.log" && ok "no endpoint or contact address in alice's log" ||
    notok "no endpoint or contact address in alice's log" "found"

# A stranger with alice's addresses (only carol's tor matters here).
ready() { w "$1" --json status | grep -q '"state": "ready"'; }
wait_until 180 ready carol || notok "carol's tor is ready" "timeout"
out=$("$PROBE" "unix:$T/carol/tor/socks.sock" "$A" 9737 40 30000 2>&1)
# Not found (0xf0), or, while the descriptor uploaded before the withdrawal
# lingers on the HSDirs, introduction failed / timed out (0xf2 / 0xf7): the
# same answers as when alice is offline.
out=$(echo "$out" | tail -n 1)
case $out in
error*rep=0xf[027]*) ok "a stranger cannot reach alice's public onion ($out)" ;;
*) notok "a stranger cannot reach alice's public onion" "$out" ;;
esac
out=$("$PROBE" "unix:$T/carol/tor/socks.sock" "$EP" 9737 40 30000 2>&1)
out=$(echo "$out" | tail -n 1)
case $out in
error*"client authorization"*) ok "nor her endpoint for bob ($out)" ;;
*) notok "nor her endpoint for bob" "$out" ;;
esac
w carol add "$A" --message "hi alice" >/dev/null
sleep 30
has_request alice "$(onion carol)" && notok "carol's request does not reach alice" "it did" ||
    ok "carol's request does not reach alice"

# Alice removes bob: her endpoint for him goes.
w alice remove bob >/dev/null || notok "alice removes bob" "failed"
check "alice has no endpoint left" wait_until 10 sh -c \
    "'$WARREN' -d '$T/alice' --json status | grep -q '\"endpoints\": 0'"
w bob send alice "after removal" >/dev/null
out=$("$PROBE" "unix:$T/bob/tor/socks.sock" "$EP" 9737 60 30000 2>&1)
out=$(echo "$out" | tail -n 1)
case $out in
error*rep=0xf[027]*) ok "bob, removed, cannot connect to alice's endpoint ($out)" ;;
*) notok "bob, removed, cannot connect to alice's endpoint" "$out" ;;
esac
sleep 20
! w alice --json log "$B" 2>/dev/null | grep -q 'after removal' &&
    [ "$(count_state bob alice delivered)" -le 1 ] &&
    ok "bob's message after the removal does not reach alice" ||
    notok "bob's message after the removal does not reach alice" "it did"

# Re-added (alice asks bob at his public address), bob gets a fresh endpoint.
w alice add "$B" --name bob --message "me again" >/dev/null
check "the re-add goes through" wait_until 120 is_contact alice bob
check "alice swaps endpoints with bob again" wait_until 120 swapped alice bob
EP2=$(ep alice bob address)
[ ${#EP2} = 56 ] && [ "$EP2" != "$EP" ] && ok "the re-added bob gets a fresh endpoint" ||
    notok "the re-added bob gets a fresh endpoint" "'$EP2' vs '$EP'"
check "bob learns the fresh endpoint" wait_until 120 sh -c \
    "'$WARREN' -d '$T/bob' --json log $A >/dev/null && grep -q 'their endpoint .* received' '$T/bob.log'"
w alice send bob "again a to b" >/dev/null
check "bob gets alice's message after the re-add" wait_until 180 sh -c \
    "'$WARREN' -d '$T/bob' --json log $A | grep -q 'again a to b'"
exit $FAILED
