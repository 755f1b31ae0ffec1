#!/usr/bin/env bash
# mailbox_faults.sh -- mailboxes under stress (issue 13): a full mailbox
# refuses with a clear error and the messages stay queued, then arrive; the
# mailbox is SIGKILLed during deposits and during fetches; Bob comes online
# while Alice is still depositing (direct and mailbox paths race). Every
# time: each message exactly once, in order.
. "$(dirname "$0")/lib.bash"
need_testnet

IV=2

mb_json() {
	json "$1" mailbox status | python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
print("" if v is None else json.dumps(v))' "$2"
}
mb_is() { [ "$(mb_json "$1" "$2")" = "$3" ]; }
n_state() { [ "$(count_state "$1" "$2" "$3")" = "$4" ]; }
n_state_ge() { [ "$(count_state "$1" "$2" "$3")" -ge "$4" ]; }
n_in() { [ "$(texts "$1" "$2" | grep -c '^in ')" = "$3" ]; }
n_in_ge() { [ "$(texts "$1" "$2" | grep -c '^in ')" -ge "$3" ]; }
blobs() { json mbx status | python3 -c 'import json,sys; print(json.load(sys.stdin)["mailbox"]["blobs"])'; }
blobs_ge() { [ "$(blobs)" -ge "$1" ]; }
# in_order B A FROM TO PREFIX: B's messages from A are "first", then
# PREFIX-FROM..TO of earlier rounds, each once and in order.
exactly_once() {
	texts bob alice | grep '^in ' | sed 's/^in //' >"$T/got"
	cat "$T/want" | diff -q "$T/got" - >/dev/null
}

node_start mbx --mailbox --mailbox-interval $IV --mailbox-quota 10 || exit 1
node_start alice --mailbox-interval $IV && node_start bob --mailbox-interval $IV || exit 1
code=$(w mbx mailbox pair-code 2>/dev/null)
wait_until 90 mb_is mbx published true && wait_published alice && wait_published bob ||
    { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
w alice send bob "first" >/dev/null
w bob send alice "hi" >/dev/null
check "both sessions carry messages" wait_until 90 n_state alice bob delivered 1
echo first >"$T/want"
w bob mailbox pair "$code" >/dev/null
check "alice learns bob's mailbox" wait_until 120 mb_is alice contact_mailboxes 1

# 1. Quota: 10 per credential; 15 sent.
node_stop bob
for i in $(seq 1 15); do w alice send bob "quota-$i" >/dev/null; echo "quota-$i" >>"$T/want"; done
check "10 fit in the mailbox" wait_until 90 n_state alice bob "in mailbox" 10
json alice watch --since 0 >"$T/ev" 2>/dev/null & p=$!; sleep 1; kill $p 2>/dev/null
grep -q '"error": *"mailbox full"' "$T/ev" && ok "a full mailbox is a clear error event" ||
    notok "a full mailbox is a clear error event" "$(grep mailbox "$T/ev" | tail -2)"
grep -q 'mailbox is full' "$T/alice.log" && ok "alice's log says the mailbox is full" ||
    notok "alice's log says the mailbox is full" "no line"
n_state alice bob queued 5 && ok "the other 5 stay queued in alice's outbox" ||
    notok "the other 5 stay queued in alice's outbox" "$(count_state alice bob queued) queued"
node_start bob --mailbox-interval $IV || exit 1
check "bob gets all 15: 10 from the mailbox, 5 directly" wait_until 180 n_in bob alice 16
check "quota round: exactly once, in order" exactly_once
check "alice sees all delivered" wait_until 120 n_state alice bob delivered 16

# 2. SIGKILL the mailbox during deposits, and during fetches (the quota
# goes up with the restart: it is the mailbox's option).
node_stop mbx
node_start mbx --mailbox --mailbox-interval $IV || exit 1
node_stop bob
for i in $(seq 1 150); do w alice send bob "kill-$i" >/dev/null; echo "kill-$i" >>"$T/want"; done
check "deposits start" wait_until 90 blobs_ge 1
node_kill mbx
ok "mailbox SIGKILLed during deposits ($(count_state alice bob 'in mailbox') of 150 in mailbox)"
node_start mbx --mailbox --mailbox-interval $IV || exit 1
check "after the restart all 150 end up in the mailbox" wait_until 180 n_state alice bob "in mailbox" 150
node_stop alice
node_start bob --mailbox-interval $IV || exit 1
check "bob starts fetching" wait_until 120 n_in_ge bob alice 17
node_kill mbx
ok "mailbox SIGKILLed during fetches ($(( $(texts bob alice | grep -c '^in ') - 16 )) of 150 at bob)"
node_start mbx --mailbox --mailbox-interval $IV || exit 1
check "bob gets the rest after the mailbox restarts" wait_until 240 n_in bob alice 166
check "kill round: exactly once, in order" exactly_once

# 3. Race: bob comes online while alice is depositing.
node_start alice --mailbox-interval $IV || exit 1
check "alice sees the kill round delivered" wait_until 180 n_state alice bob delivered 166
node_stop bob
for i in $(seq 1 40); do w alice send bob "race-$i" >/dev/null; echo "race-$i" >>"$T/want"; done
wait_until 60 blobs_ge 3
node_start bob --mailbox-interval $IV || exit 1
check "race: bob gets all 40" wait_until 180 n_in bob alice 206
check "race round: exactly once, in order" exactly_once
check "race: alice sees everything delivered" wait_until 120 n_state alice bob delivered 206
check "the mailbox ends up empty" wait_until 60 eval '[ "$(blobs)" = 0 ]'
flowing
exit $FAILED
