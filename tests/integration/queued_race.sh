#!/usr/bin/env bash
# queued_race.sh -- messages queued before a session can send them leave
# as soon as it can (issue 11.1): both sides send right after an accept
# (20 each, alternating, the requester first), right after a mutual add,
# and across restarts between the request, the accept and the sends.
# The delivery invariant (lib.bash: flowing) runs after every step.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob && node_start carol || exit 1
for n in alice bob carol; do wait_published $n || { notok "$n publishes" "timeout"; exit 1; }; done
A=$(onion alice) B=$(onion bob) C=$(onion carol)

# got X FROM PREFIX: X's received texts from FROM that start with PREFIX.
got() { texts "$1" "$2" | grep "^in $3" | sed 's/^in //'; }
# same NAME WANT-FILE X FROM PREFIX
same() {
	if got "$3" "$4" "$5" | diff -q - "$2" >/dev/null; then ok "$1"
	else notok "$1" "$(got "$3" "$4" "$5" | diff - "$2" | head -5 | paste -sd' ')"; fi
}

# 1. Bob accepts; at once they alternate 20 sends each, Alice first.
w alice add "$B" --name bob >/dev/null
check "bob sees alice's request" wait_until 90 has_request bob "$A"
w bob accept "$A" >/dev/null
for i in $(seq 1 20); do
	w alice send "$B" "a->b $i" >/dev/null || notok "alice sends $i" "failed"
	w bob send "$A" "b->a $i" >/dev/null || notok "bob sends $i" "failed"
done
check "alice sees the accept" wait_until 120 is_contact alice bob
flowing alice bob
seq 1 20 | sed 's/^/a->b /' >"$T/want_ab"
seq 1 20 | sed 's/^/b->a /' >"$T/want_ba"
same "bob has alice's 20 once, in order" "$T/want_ab" bob "$A" "a->b"
same "alice has bob's 20 once, in order" "$T/want_ba" alice "$B" "b->a"

# 2. A mutual add (both ask at once), then both send at once.
w alice add "$C" --name carol >/dev/null & w carol add "$A" --name alice >/dev/null; wait $!
for i in 1 2 3 4 5; do
	w carol send "$A" "c->a $i" >/dev/null || notok "carol sends $i" "failed"
	w alice send "$C" "a->c $i" >/dev/null || notok "alice sends $i" "failed"
done
check "alice and carol become contacts" wait_until 120 is_contact alice carol
check "carol lists alice" wait_until 60 is_contact carol alice
flowing alice carol
seq 1 5 | sed 's/^/a->c /' >"$T/want_ac"
seq 1 5 | sed 's/^/c->a /' >"$T/want_ca"
same "carol has alice's 5 after the mutual add" "$T/want_ac" carol "$A" "a->c"
same "alice has carol's 5 after the mutual add" "$T/want_ca" alice "$C" "c->a"

# 3. Restarts in between: the request arrives, bob restarts, accepts,
# both send at once, carol restarts with her messages queued, bob sends
# while she is down, and she sends again once back.
w carol add "$B" --name bob >/dev/null
check "bob sees carol's request" wait_until 90 has_request bob "$C"
node_stop bob && node_start bob || exit 1
w bob accept "$C" >/dev/null
for i in 1 2 3; do
	w carol send "$B" "c->b $i" >/dev/null
	w bob send "$C" "b->c $i" >/dev/null
done
node_stop carol
for i in 4 5 6; do w bob send "$C" "b->c $i" >/dev/null; done
node_start carol || exit 1
for i in 4 5 6; do w carol send "$B" "c->b $i" >/dev/null; done
check "carol and bob become contacts" wait_until 120 is_contact carol bob
flowing bob carol
seq 1 6 | sed 's/^/c->b /' >"$T/want_cb"
seq 1 6 | sed 's/^/b->c /' >"$T/want_bc"
same "bob has carol's 6 across the restarts" "$T/want_cb" bob "$C" "c->b"
same "carol has bob's 6 across the restarts" "$T/want_bc" carol "$B" "b->c"

# Everyone restarts at once with nothing queued; then one more each way.
for n in alice bob carol; do node_stop $n; done
for n in alice bob carol; do node_start $n || exit 1; done
w alice send "$B" "after restart" >/dev/null
w bob send "$A" "after restart" >/dev/null
w carol send "$A" "after restart" >/dev/null
flowing
exit $FAILED
