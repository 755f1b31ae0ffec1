#!/usr/bin/env bash
# mailbox.sh -- asynchronous delivery through a mailbox (issue 13). Bob pairs
# with his mailbox (warrend --mailbox); Alice learns of it inside the
# ratchet. Bob goes offline, Alice sends 50 and goes offline too; Bob comes
# back and fetches all 50 from his mailbox, in order, exactly once; when
# Alice returns she sees them delivered. The mailbox's files show no text,
# name or address of either.
. "$(dirname "$0")/lib.bash"
need_testnet

IV=3	# --mailbox-interval: fetch and deposit every 3 s in the test

# mb_json NODE KEY: a key of the node's mailbox status.
mb_json() {
	json "$1" mailbox status | python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
print("" if v is None else json.dumps(v))' "$2"
}
mb_is() { [ "$(mb_json "$1" "$2")" = "$3" ]; }
n_state() { [ "$(count_state "$1" "$2" "$3")" = "$4" ]; }
n_in() { [ "$(texts "$1" "$2" | grep -c '^in ')" = "$3" ]; }

node_start mbx --mailbox --mailbox-interval $IV || exit 1
node_start alice --mailbox-interval $IV && node_start bob --mailbox-interval $IV || exit 1
# Pairing: a one-time code from the mailbox, used by its owner. The
# mailbox's onion is published only for client keys (the code carries one).
code=$(w mbx mailbox pair-code 2>/dev/null)
case "$code" in wmb1-*) ok "the mailbox prints a pairing code" ;;
*) notok "the mailbox prints a pairing code" "got '$code'" ;; esac
wait_until 90 mb_is mbx published true && wait_published alice && wait_published bob ||
    { notok "onions published" "timeout"; exit 1; }
ok "the mailbox publishes its onion with client authorization"
check "alice and bob become contacts" befriend alice bob
w alice send bob "first from alice" >/dev/null
w bob send alice "first from bob" >/dev/null
check "both sessions carry messages" wait_until 90 n_state alice bob delivered 1

w alice mailbox pair "wmb1-nonsense" >/dev/null 2>&1 &&
    notok "a malformed code is refused" "accepted" || ok "a malformed code is refused"
check "bob pairs with his mailbox" eval 'w bob mailbox pair "$code" >/dev/null'
check "bob's mailbox is paired and reachable" wait_until 90 mb_is bob reachable true
mb_is bob paired true && ok "bob's status says paired" || notok "bob's status says paired" "$(json bob mailbox status)"
check "the mailbox knows its owner" wait_until 10 mb_is mbx paired true
w alice mailbox pair "$code" >/dev/null 2>&1
check "a used code no longer reaches the mailbox" wait_until 60 mb_is alice reachable false
mb_is alice paired false && ok "alice is not paired with bob's mailbox" ||
    notok "alice is not paired with bob's mailbox" "$(json alice mailbox status)"
w alice mailbox unpair >/dev/null
check "alice learns bob's mailbox inside the ratchet" wait_until 90 mb_is alice contact_mailboxes 1
w bob status | grep -q '^mailbox: reachable' && ok "warren status shows mailbox health" ||
    notok "warren status shows mailbox health" "$(w bob status | grep mailbox)"

# 50 while Bob is offline; then Alice leaves too.
AO=$(onion alice); BO=$(onion bob)
node_stop bob
for i in $(seq 1 50); do w alice send bob "mbtext-$i" >/dev/null; done
check "all 50 are deposited in bob's mailbox" wait_until 120 n_state alice bob "in mailbox" 50
w alice log bob --no-mark-read | grep -q 'in mailbox' && ok "warren log shows 'in mailbox'" ||
    notok "warren log shows 'in mailbox'" "$(w alice log bob --no-mark-read | tail -2)"
json alice watch --since 0 >"$T/alice.events" 2>/dev/null &
wpid=$!
sleep 1; kill $wpid 2>/dev/null
grep -q 'mailbox.deposited' "$T/alice.events" && ok "alice has mailbox.deposited events" ||
    notok "alice has mailbox.deposited events" "none"
[ "$(json mbx status | python3 -c 'import json,sys; print(json.load(sys.stdin)["mailbox"]["blobs"])')" = 50 ] &&
    ok "the mailbox holds 50 blobs" || notok "the mailbox holds 50 blobs" "$(json mbx status)"
node_stop alice

# The mailbox's files: no text, no names, no addresses.
leak=""
for f in "$T"/mbx/warren.db*; do
	strings -n 5 "$f" | grep -q 'mbtext-\|first from\|alice\|bob\|'"$AO"'\|'"$BO" &&
	    leak="$leak $f"
done
[ -z "$leak" ] && ok "strings over the mailbox's store: no text or names" ||
    notok "strings over the mailbox's store: no text or names" "$leak"

t0=$(date +%s%N)
node_start bob --mailbox-interval $IV || exit 1
check "bob gets all 50 from his mailbox while alice is offline" wait_until 180 n_in bob alice 51
t1=$(date +%s%N)
echo "# BENCH mailbox_fetch_50_ms=$(( (t1 - t0) / 1000000 )) (from bob's start to all 50 fetched)"
texts bob alice | grep '^in ' | sed 's/^in //' >"$T/got"
{ echo "first from alice"; seq 1 50 | sed 's/^/mbtext-/'; } >"$T/want"
diff -q "$T/got" "$T/want" >/dev/null && ok "bob has all 50 exactly once, in order" ||
    notok "bob has all 50 exactly once, in order" "$(diff "$T/got" "$T/want" | head -5)"
check "the fetched blobs are deleted from the mailbox" wait_until 30 mb_is bob queued 0
json mbx status | grep -q '"blobs": 0' && ok "the mailbox is empty" ||
    notok "the mailbox is empty" "$(json mbx status | grep blobs)"

node_start alice --mailbox-interval $IV || exit 1
check "alice sees all 50 delivered when she returns" wait_until 180 n_state alice bob delivered 51
texts bob alice | grep -c '^in ' | grep -qx 51 && ok "still exactly once after alice reconnects" ||
    notok "still exactly once after alice reconnects" "$(texts bob alice | grep -c '^in ')"

# Addresses: neither onion in the mailbox's files (checked after use).
for n in alice bob; do
	o=$(onion $n)
	if cat "$T"/mbx/warren.db* | grep -aq "$o"; then
		notok "the mailbox's store has no address of $n" "found"
	else
		ok "the mailbox's store has no address of $n"
	fi
done
MO=$(onion mbx)
leak=""
for n in alice bob mbx; do
	grep -q "mbtext-\|$AO\|$BO\|$MO" "$T/$n.log" && leak="$leak $n"
done
[ -z "$leak" ] && ok "no log names an address or a text" || notok "no log names an address or a text" "$leak"
w mbx add "$AO" >/dev/null 2>&1 && notok "a mailbox refuses contacts" "accepted" ||
    ok "a mailbox refuses contacts"
check "unpair tells contacts to stop depositing" eval 'w bob mailbox unpair >/dev/null'
check "alice forgets bob's mailbox" wait_until 60 mb_is alice contact_mailboxes 0
flowing
exit $FAILED
