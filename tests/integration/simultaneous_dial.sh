#!/usr/bin/env bash
# simultaneous_dial.sh -- both have messages queued for the other and start
# at the same moment, so both dial: one connection survives (the same one on
# both sides) and no message is lost or doubled.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob

# Queue 10 each way while the other is offline, then stop both.
node_stop bob
for i in $(seq 1 10); do w alice send bob "a $i" >/dev/null; done
node_stop alice
node_start bob || exit 1
for i in $(seq 1 10); do w bob send alice "b $i" >/dev/null; done
node_stop bob

# Start both together: each dials the other as soon as its tor is ready.
node_start alice && node_start bob || exit 1
flowing
check "alice's outbox drains" wait_until 180 outbox_empty alice
check "bob's outbox drains" wait_until 180 outbox_empty bob
texts bob alice | grep '^in ' | sed 's/^in //' | diff -q - <(seq 1 10 | sed 's/^/a /') >/dev/null &&
    ok "bob has alice's 10 once, in order" || notok "bob has alice's 10 once, in order" "mismatch"
texts alice bob | grep '^in ' | sed 's/^in //' | diff -q - <(seq 1 10 | sed 's/^/b /') >/dev/null &&
    ok "alice has bob's 10 once, in order" || notok "alice has bob's 10 once, in order" "mismatch"
# Both sides settle on one connection: each shows the other online.
online() { json "$1" contacts | grep -q '"online": true'; }
check "alice sees bob online" wait_until 30 online alice
check "bob sees alice online" wait_until 30 online bob
dups=$(grep -c "duplicate connection closed\|connected (" "$T/alice.log" "$T/bob.log" | paste -sd' ')
echo "# connection log lines: $dups"
# A message after the dust settles still goes through once.
w alice send bob "after" >/dev/null
check "a message after the race is delivered" wait_until 60 outbox_empty alice
[ "$(texts bob alice | grep -c '^in after$')" = 1 ] && ok "it arrives exactly once" ||
    notok "it arrives exactly once" "$(texts bob alice | grep -c '^in after$') copies"
flowing
exit $FAILED
