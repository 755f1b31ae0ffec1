#!/usr/bin/env bash
# two_nodes.sh -- Alice adds Bob with a greeting, Bob accepts, they exchange
# 100 messages each way; both histories are complete, in order, identical.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob || exit 1
check "alice publishes her onion" wait_published alice
check "bob publishes his onion" wait_published bob

w alice add "$(onion bob)" --name bob --message "hi bob, it's alice" >/dev/null
check "bob sees the request" wait_until 90 has_request bob "$(onion alice)"
json bob requests | grep -q "hi bob, it's alice" && ok "the greeting arrives" ||
    notok "the greeting arrives" "$(json bob requests)"
w bob accept "$(onion alice)" >/dev/null && w bob rename "$(onion alice)" alice >/dev/null
check "alice and bob are contacts" wait_until 60 is_contact alice bob
check "bob lists alice" wait_until 60 is_contact bob alice

for i in $(seq 1 100); do
	w alice send bob "a->b $i" >/dev/null || notok "send a->b $i" "failed"
	w bob send alice "b->a $i" >/dev/null || notok "send b->a $i" "failed"
done
check "alice's messages are all delivered" wait_until 120 outbox_empty alice
check "bob's messages are all delivered" wait_until 120 outbox_empty bob

texts alice bob >"$T/alice.txt"
texts bob alice | sed 's/^in /X /; s/^out /in /; s/^X /out /' >"$T/bob.txt"
grep '^out' "$T/alice.txt" | sed 's/^out //' >"$T/a_sent"
grep '^in' "$T/bob.txt" | sed 's/^in //' >"$T/b_sent"
seq 1 100 | sed 's/^/a->b /' >"$T/want_a"
seq 1 100 | sed 's/^/b->a /' >"$T/want_b"
diff -q "$T/a_sent" "$T/want_a" >/dev/null && ok "alice's history has her 100, in order" ||
    notok "alice's history has her 100, in order" "$(diff "$T/a_sent" "$T/want_a" | head -5)"
grep '^in' "$T/alice.txt" | sed 's/^in //' | diff -q - "$T/want_b" >/dev/null &&
    ok "alice received bob's 100 exactly once, in order" ||
    notok "alice received bob's 100 exactly once, in order" "mismatch"
grep '^out' "$T/bob.txt" | sed 's/^out //' | diff -q - "$T/want_a" >/dev/null &&
    ok "bob received alice's 100 exactly once, in order" ||
    notok "bob received alice's 100 exactly once, in order" "mismatch"
[ "$(count_state alice bob delivered)" = 100 ] && ok "alice sees all 100 delivered" ||
    notok "alice sees all 100 delivered" "$(count_state alice bob delivered)"
flowing
exit $FAILED
