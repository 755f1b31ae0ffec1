#!/usr/bin/env bash
# pq_ratchet.sh -- the ratchet's KEM step over the test network: Alice and
# Bob exchange 130 messages each way (a KEM step is due every 50 sent), Bob
# restarts halfway (his stored ratchet state is reloaded, maybe mid-step);
# every message arrives once, in order, and both daemons received ratchet
# headers carrying an ML-KEM key and a ciphertext (logged at debug level).
. "$(dirname "$0")/lib.bash"
need_testnet

N=130
node_start alice --log-level debug && node_start bob --log-level debug || exit 1
check "alice publishes her onion" wait_published alice
check "bob publishes his onion" wait_published bob
check "alice and bob are contacts" befriend alice bob

send_both() {
	local i
	for i in $(seq "$1" "$2"); do
		w alice send bob "a->b $i" >/dev/null || notok "send a->b $i" "failed"
		w bob send alice "b->a $i" >/dev/null || notok "send b->a $i" "failed"
		# Let replies interleave: each turn of the talk is a DH step.
		[ $((i % 5)) = 0 ] && sleep 0.5
	done
}

send_both 1 65
check "alice's first half is delivered" wait_until 180 outbox_empty alice
check "bob's first half is delivered" wait_until 180 outbox_empty bob
node_stop bob
node_start bob --log-level debug || exit 1
send_both 66 $N
check "alice's messages are all delivered" wait_until 180 outbox_empty alice
check "bob's messages are all delivered" wait_until 180 outbox_empty bob

seq 1 $N | sed 's/^/a->b /' >"$T/want_a"
seq 1 $N | sed 's/^/b->a /' >"$T/want_b"
texts alice bob | grep '^in ' | sed 's/^in //' | diff -q - "$T/want_b" >/dev/null &&
    ok "alice received bob's $N exactly once, in order" ||
    notok "alice received bob's $N exactly once, in order" "$(texts alice bob | grep -c '^in ')"
texts bob alice | grep '^in ' | sed 's/^in //' | diff -q - "$T/want_a" >/dev/null &&
    ok "bob received alice's $N exactly once, in order" ||
    notok "bob received alice's $N exactly once, in order" "$(texts bob alice | grep -c '^in ')"
[ "$(count_state alice bob delivered)" = $N ] && ok "alice sees all $N delivered" ||
    notok "alice sees all $N delivered" "$(count_state alice bob delivered)"

# 1225 = 40 + 1 + 1184 (an ek), 1129 = + 1088 (a ct), 2313 both.
kem_seen() { grep -c "carries a KEM step ($2-byte" "$T/$1.log"; }
for n in alice bob; do
	ek=$(( $(kem_seen $n 1225) + $(kem_seen $n 2313) ))
	ct=$(( $(kem_seen $n 1129) + $(kem_seen $n 2313) ))
	[ "$ek" -gt 0 ] && [ "$ct" -gt 0 ] &&
	    ok "$n received ML-KEM keys and ciphertexts in ratchet headers" ||
	    notok "$n received ML-KEM keys and ciphertexts in ratchet headers" "ek $ek ct $ct"
done
total=$(cat "$T/alice.log" "$T/bob.log" | grep -c "carries a KEM step")
[ "$total" -lt $((2 * N)) ] && ok "only some messages carry KEM fields ($total of $((2 * N)))" ||
    notok "only some messages carry KEM fields" "$total of $((2 * N))"
flowing
exit $FAILED
