#!/usr/bin/env bash
# offline_outbox.sh -- Bob is offline while Alice sends 50 messages and
# restarts her daemon in between; Bob starts; all 50 arrive once, in order,
# and Alice sees them delivered.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob

node_stop bob
for i in $(seq 1 25); do w alice send bob "offline $i" >/dev/null; done
[ "$(count_state alice bob delivered)" = 0 ] && ok "nothing is delivered while bob is offline" ||
    notok "nothing is delivered while bob is offline" "$(count_state alice bob delivered) delivered"
node_stop alice
node_start alice || exit 1
for i in $(seq 26 50); do w alice send bob "offline $i" >/dev/null; done
q=$(( $(count_state alice bob queued) + $(count_state alice bob sent) ))
[ "$q" = 50 ] && ok "all 50 wait in alice's outbox across her restart" ||
    notok "all 50 wait in alice's outbox across her restart" "$q waiting"

node_start bob || exit 1
flowing
check "alice's outbox drains once bob is back" wait_until 180 outbox_empty alice
texts bob alice | grep '^in ' | sed 's/^in //' >"$T/got"
seq 1 50 | sed 's/^/offline /' >"$T/want"
diff -q "$T/got" "$T/want" >/dev/null && ok "bob has all 50 exactly once, in order" ||
    notok "bob has all 50 exactly once, in order" "$(diff "$T/got" "$T/want" | head -5)"
[ "$(count_state alice bob delivered)" = 50 ] && ok "alice sees all 50 delivered" ||
    notok "alice sees all 50 delivered" "$(count_state alice bob delivered)"
flowing
exit $FAILED
