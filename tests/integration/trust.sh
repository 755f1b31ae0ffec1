#!/usr/bin/env bash
# trust.sh -- the trust and privacy features between real daemons on the
# private tor network: session-reset alerts, disappearing messages, read
# receipts only when both opt in, refused requests leave nothing behind.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob && node_start carol || exit 1
for n in alice bob carol; do wait_published $n || { notok "$n publishes" "timeout"; exit 1; }; done
check "alice and bob become contacts" befriend alice bob
w alice send bob "hello" >/dev/null
check "first message delivered" wait_until 60 outbox_empty alice
w alice verify bob --confirm >/dev/null

# --- a forced session reset on bob's side (he loses alice and re-adds her)
w bob remove alice >/dev/null
w bob add "$(onion alice)" --name alice >/dev/null
alerted() { json alice contacts | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["contacts"] if c["name"] == "bob"][0]
sys.exit(0 if c["alert"] and not c["verified"] else 1)'; }
check "alice gets the alert and bob is unverified again" wait_until 90 alerted
texts alice bob | grep -q '^note security: the encrypted session was set up again' &&
    ok "a visible line in the conversation" || notok "a visible line in the conversation" "$(texts alice bob | tail -3)"
w alice send bob "after reset" </dev/null >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "send anyway with --force" "$T/err" &&
    ok "sending asks for confirmation until acknowledged" ||
    notok "sending asks for confirmation until acknowledged" "rc=$rc $(cat "$T/err")"
w alice send --force bob "after reset" >/dev/null && ok "--force sends (and acknowledges)" ||
    notok "--force sends (and acknowledges)" "failed"
check "bob gets it on the new session" wait_until 60 sh -c "'$WARREN' -d '$T/bob' --json log alice | grep -q 'after reset'"
w alice send bob "no more asking" >/dev/null && ok "after acknowledging, no confirmation" ||
    notok "after acknowledging, no confirmation" "still asks"
flowing

# --- disappearing messages: a 30 s timer set by alice applies to both
w alice timer bob 30s >/dev/null && ok "alice sets a 30 s timer" || notok "alice sets a 30 s timer" "failed"
timer_of() { json "$1" contacts | python3 -c '
import json, sys
print([c["timer"] for c in json.load(sys.stdin)["contacts"] if c["name"] == sys.argv[1]][0])' "$2"; }

bob_has_timer() { [ "$(timer_of bob alice)" = 30 ]; }
check "bob's side learns the timer" wait_until 60 bob_has_timer
texts bob alice | grep -q "^note alice set disappearing messages to 30 s" &&
    ok "the change shows in bob's history" || notok "the change shows in bob's history" "$(texts bob alice | tail -2)"
secret="vanishing-$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')"
w alice send bob "$secret" >/dev/null
w bob send alice "reply-$secret" >/dev/null
check "the secret arrives" wait_until 60 sh -c "'$WARREN' -d '$T/bob' --json log alice | grep -q '$secret'"
check "the reply arrives" wait_until 60 sh -c "'$WARREN' -d '$T/alice' --json log bob | grep -q 'reply-$secret'"
gone() { ! json alice log bob | grep -q "$secret" && ! json bob log alice | grep -q "$secret"; }
check "after 30 s both histories have lost both messages" wait_until 75 gone
trace=0
for n in alice bob; do
	for f in "$T/$n/warren.db" "$T/$n/warren.db-wal"; do
		[ -e "$f" ] || continue
		strings "$f" | grep -q "$secret" && trace=1
		grep -c "$secret" "$f" >/dev/null && trace=1
	done
done
[ $trace = 0 ] && ok "no trace of the text in either database or WAL" ||
    notok "no trace of the text in either database or WAL" "found"
w alice send --expire 30s bob "one-off-$secret" >/dev/null
w alice timer bob off >/dev/null && ok "the timer can be turned off" || notok "the timer can be turned off" "failed"

# --- read receipts: only when both opted in
w alice set read_receipts on >/dev/null
w alice send bob "read me 1" >/dev/null
check "delivered" wait_until 60 outbox_empty alice
w bob log alice >/dev/null	# bob reads; his receipts are off
sleep 5
[ "$(count_state alice bob read)" = 0 ] && ok "no read state while bob has receipts off" ||
    notok "no read state while bob has receipts off" "$(count_state alice bob read) read"
w bob set read_receipts on >/dev/null
sleep 3
w alice send bob "read me 2" >/dev/null
check "delivered again" wait_until 60 outbox_empty alice
sleep 2
w bob log alice >/dev/null
has_read() { [ "$(count_state alice bob read)" -ge 1 ]; }
check "read shows once both opted in" wait_until 60 has_read

# --- refusing requests: nothing about a new peer is stored
w alice set refuse_requests on >/dev/null
w alice status | grep -q "requests: refused" && ok "status shows requests refused" ||
    notok "status shows requests refused" "$(w alice status)"
before=$(sqlite3 "$T/alice/warren.db" 'SELECT COUNT(*) FROM contacts' 2>/dev/null || echo x)
w carol add "$(onion alice)" --message "knock knock" >/dev/null
sleep 20
after=$(sqlite3 "$T/alice/warren.db" 'SELECT COUNT(*) FROM contacts' 2>/dev/null || echo y)
[ "$before" = "$after" ] && ok "a refused request leaves no row" || notok "a refused request leaves no row" "$before -> $after"
json alice requests | grep -q "$(onion carol)" && notok "no request is listed" "listed" || ok "no request is listed"
json carol contacts | grep -q '"request": "delivered"' && notok "carol's request is not delivered" "it is" ||
    ok "carol's request is not delivered"
flowing
exit $FAILED
