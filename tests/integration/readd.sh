#!/usr/bin/env bash
# readd.sh -- remove, then re-add (issue 18.3): the new request reaches the
# other side and the pair is back to contacts quickly; the side that kept
# its session gets exactly one reset note (not one per reconnect); what it
# queued meanwhile is held until it accepts the new session, then goes at
# once, without anything else being sent; and issue 11.5a: `verify
# --confirm` and `resend` release held messages, nothing before.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
A=$(onion alice) B=$(onion bob)
w alice send bob "before" >/dev/null
w bob send alice "before too" >/dev/null
flowing

notes() { texts "$1" "$2" | grep -c '^note security: the encrypted session was set up again'; }
got() { texts "$1" "$2" | grep -c "^in $3\$"; }
request_state() {
	json alice contacts | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["contacts"] if c["address"] == sys.argv[1]]
print(c[0].get("request", c[0]["state"]) if c else "none")' "$B"
}

# Alice removes bob; bob, who does not know, queues two messages.
w alice remove bob >/dev/null || notok "alice removes bob" "failed"
w bob send alice "while removed 1" >/dev/null
w bob send alice "while removed 2" >/dev/null
sleep 5
# Alice re-adds him and writes at once.
w alice add "$B" --name bob --message "me again" >/dev/null
w alice send bob "hi again" >/dev/null
t0=$SECONDS
wait_until 60 is_contact alice bob
[ "$(request_state)" = contact ] && ok "the re-add goes through ($((SECONDS - t0)) s)" ||
    notok "the re-add goes through" "still '$(request_state)' after $((SECONDS - t0)) s"
check "bob gets alice's message after the re-add" wait_until 60 sh -c "[ \"\$('$WARREN' -d '$T/bob' --json log $A | grep -c '\"hi again\"')\" = 1 ]"
check "bob is alerted" wait_until 30 sh -c "'$WARREN' -d '$T/bob' --json contacts | grep -q '\"alert\": true'"
[ "$(notes bob alice)" = 1 ] && ok "one reset note on bob's side" ||
    notok "one reset note on bob's side" "$(notes bob alice)"

# Bob's two are held: not sent to the new session before he accepts it.
sleep 10
[ "$(got alice bob 'while removed 1')" = 0 ] && [ "$(count_state bob alice queued)" -ge 2 ] &&
    ok "bob's queued messages are held until he accepts the new session" ||
    notok "bob's queued messages are held until he accepts the new session" \
    "alice has $(got alice bob 'while removed 1'); bob queued $(count_state bob alice queued)"

# Reconnects add no further note.
node_stop alice; node_stop bob
node_start alice && node_start bob || exit 1
w alice send bob "after restart" >/dev/null
check "a message after the restarts arrives" wait_until 120 sh -c "'$WARREN' -d '$T/bob' --json log $A | grep -q 'after restart'"
node_stop bob; node_start bob || exit 1
w alice send bob "after another" >/dev/null
check "and after another reconnect" wait_until 120 sh -c "'$WARREN' -d '$T/bob' --json log $A | grep -q 'after another'"
[ "$(notes bob alice)" = 1 ] && ok "still one reset note on bob's side after reconnects" ||
    notok "still one reset note on bob's side after reconnects" "$(notes bob alice)"
[ "$(notes alice bob)" = 0 ] && ok "no reset note on alice's side (she started afresh)" ||
    notok "no reset note on alice's side (she started afresh)" "$(notes alice bob)"
[ "$(got alice bob 'while removed 1')" = 0 ] && ok "still held across the restarts" ||
    notok "still held across the restarts" "delivered"

# Bob compares and confirms: the held messages go at once, nothing else sent.
w bob verify alice --confirm >/dev/null
t0=$SECONDS
flowing alice bob
[ "$(got alice bob 'while removed 1')" = 1 ] && [ "$(got alice bob 'while removed 2')" = 1 ] &&
    ok "after verify --confirm the held messages arrive, once ($((SECONDS - t0)) s)" ||
    notok "after verify --confirm the held messages arrive, once" "$(texts alice bob | tail -4 | paste -sd'|')"
texts alice bob | grep '^in ' | sed 's/^in //' >"$T/order"
printf 'while removed 1\nwhile removed 2\n' | diff -q - "$T/order" >/dev/null &&
    ok "in order" || notok "in order" "$(paste -sd'|' "$T/order")"

# resend: the same without comparing. Alice forgets bob again; bob queues.
w alice remove bob >/dev/null
w bob send alice "second round" >/dev/null
sleep 3
w alice add "$B" --name bob >/dev/null
check "bob is alerted again" wait_until 90 sh -c "'$WARREN' -d '$T/bob' --json contacts | grep -q '\"alert\": true'"
sleep 5
[ "$(got alice bob 'second round')" = 0 ] && ok "held again" || notok "held again" "delivered"
w bob resend alice >"$T/resend.out" && grep -q "on the way" "$T/resend.out" &&
    ok "warren resend accepts the new session" || notok "warren resend accepts the new session" "$(cat "$T/resend.out")"
flowing alice bob
[ "$(got alice bob 'second round')" = 1 ] && ok "after resend the held message arrives" ||
    notok "after resend the held message arrives" "$(got alice bob 'second round')"
w bob send alice "no question asked" >/dev/null </dev/null && ok "resend acknowledged the reset" ||
    notok "resend acknowledged the reset" "send still asks"
flowing

# Re-added while he is away; he comes back and dials first (she is in
# backoff): on his connection only he may ask, so she tells him to.
w alice remove bob >/dev/null
node_stop bob
w alice add "$B" --name bob >/dev/null
sleep 25
node_start bob || exit 1
t0=$SECONDS
wait_until 90 is_contact alice bob
[ "$(request_state)" = contact ] && ok "a re-add reached over his connection goes through ($((SECONDS - t0)) s)" ||
    notok "a re-add reached over his connection goes through" "still '$(request_state)' after $((SECONDS - t0)) s"
check "bob is alerted a third time" wait_until 60 sh -c "'$WARREN' -d '$T/bob' --json contacts | grep -q '\"alert\": true'"
[ "$(notes bob alice)" = 3 ] && ok "one note per reset, three in all" || notok "one note per reset, three in all" "$(notes bob alice)"
w bob resend alice >/dev/null
w alice send bob "third time" >/dev/null
flowing
check "and they talk" wait_until 30 sh -c "'$WARREN' -d '$T/bob' --json log $A | grep -q 'third time'"
exit $FAILED
