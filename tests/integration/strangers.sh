#!/usr/bin/env bash
# strangers.sh -- strangers cannot lock contacts out (issue 11.2): 64
# peers that complete the handshake without being contacts hold their
# connections open with PINGs (and come back whenever closed); a
# non-contact may stay at most 30 s, PINGs or not, and only a few at a
# time; a contact still connects and delivers within 30 s.
. "$(dirname "$0")/lib.bash"
need_testnet
[ -x "$EVIL" ] || { echo "not ok - evil_peer not built in $BUILD_DIR"; exit 1; }

node_start alice && node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
B=$(onion bob)
node_stop alice

# One stranger alone: PINGing every 5 s does not keep it past 30 s.
"$EVIL" -w 50 "$T/bob/peer.sock" "$B" pinghold >"$T/one.out" 2>&1 &
one=$!
t0=$SECONDS
wait $one
held=$((SECONDS - t0))
grep -q '^closed' "$T/one.out" && [ $held -le 35 ] &&
    ok "a PINGing stranger is closed within 30 s ($held s)" ||
    notok "a PINGing stranger is closed within 30 s" "$(head -1 "$T/one.out") after $held s"

# The crowd: 64 strangers holding on, each back a second after a close.
pids=""
for i in $(seq 1 64); do
	"$EVIL" -n 1000 -w 120 "$T/bob/peer.sock" "$B" pinghold >"$T/s$i.out" 2>&1 &
	pids="$pids $!"
done
sleep 5
socks=$(ls -l "/proc/$(node_pid bob)/fd" 2>/dev/null | grep -c socket)
echo "# bob holds $socks sockets with 64 strangers knocking"

node_start alice || exit 1
wait_published alice || notok "alice publishes" "timeout"
t0=$SECONDS
w alice send bob "through the crowd" >/dev/null
wait_until 30 outbox_empty alice
took=$((SECONDS - t0))
[ "$(count_state alice bob delivered)" -ge 1 ] && texts bob alice | grep -q '^in through the crowd$' &&
    ok "a contact connects and delivers within 30 s among 64 strangers ($took s)" ||
    notok "a contact connects and delivers within 30 s among 64 strangers" "not after $took s"
check "bob is alive" alive bob
kill $pids 2>/dev/null
wait $pids 2>/dev/null
flowing
exit $FAILED
