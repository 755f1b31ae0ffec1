#!/usr/bin/env bash
# everyday.sh -- the everyday commands with messages between real nodes on
# the test network: `warren receive` (alias `unread`) prints what arrived
# from every contact and marks it read; `log --no-mark-read`; `--json log`
# never marks read (so never sends a read receipt); `timer CONTACT` shows
# the timer; durations like 1.5h and 90m; `log` shows the time left of a
# disappearing message; `watch` shows names and timestamps.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob && node_start carol || exit 1
check "alice publishes" wait_published alice
check "bob publishes" wait_published bob
check "carol publishes" wait_published carol
check "alice and bob are contacts" befriend alice bob
check "carol and bob are contacts" befriend carol bob

# unread_of A B: A's unread count for B.
unread_of() {
	json "$1" contacts | python3 -c '
import json, sys
for c in json.load(sys.stdin)["contacts"]:
    if c["address"] == sys.argv[1]: print(c["unread"])' "$(onion "$2")"
}
unread_is() { [ "$(unread_of "$1" "$2")" = "$3" ]; }
read_count_is() { [ "$(count_state "$1" "$2" read)" = "$3" ]; }
STAMP='[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'

w alice set read_receipts on >/dev/null && w bob set read_receipts on >/dev/null
w alice send bob "first from alice" >/dev/null
w carol send bob "hello from carol" >/dev/null
check "alice's message is delivered" wait_until 90 outbox_empty alice
check "carol's message is delivered" wait_until 90 outbox_empty carol
w alice send bob "second from alice" >/dev/null
check "alice's second message is delivered" wait_until 90 outbox_empty alice
check "bob has 2 unread from alice" unread_is bob alice 2

# --json log and --no-mark-read leave the conversation unread.
json bob log alice >/dev/null
check "--json log does not mark read" unread_is bob alice 2
w bob log alice --no-mark-read >"$T/log.out"
grep -q "first from alice" "$T/log.out" && ok "log --no-mark-read shows the messages" ||
    notok "log --no-mark-read shows the messages" "$(cat "$T/log.out")"
check "log --no-mark-read does not mark read" unread_is bob alice 2
w bob receive --no-mark-read >"$T/peek.out"
[ "$(grep -c "from alice\|from carol" "$T/peek.out")" = 3 ] &&
    ok "receive --no-mark-read shows all three" || notok "receive --no-mark-read shows all three" "$(cat "$T/peek.out")"
check "receive --no-mark-read does not mark read" unread_is bob alice 2
check "no read receipt went to alice" read_count_is alice bob 0

# receive: everything new from every contact, oldest first, then read.
w bob receive >"$T/recv.out"
grep -q "^$STAMP alice: first from alice$" "$T/recv.out" &&
    grep -q "^$STAMP carol: hello from carol$" "$T/recv.out" &&
    grep -q "^$STAMP alice: second from alice$" "$T/recv.out" &&
    ok "receive prints time, name and text of each" ||
    notok "receive prints time, name and text of each" "$(cat "$T/recv.out")"
[ "$(grep -n . "$T/recv.out" | sed -n 's/^\([0-9]*\):.*second from alice$/\1/p')" = 3 ] &&
    ok "receive prints them oldest first" || notok "receive prints them oldest first" "$(cat "$T/recv.out")"
check "receive marks alice's conversation read" unread_is bob alice 0
check "receive marks carol's conversation read" unread_is bob carol 0
check "alice gets her read receipts" wait_until 60 read_count_is alice bob 2
[ "$(w bob receive)" = "no new messages" ] && ok "a second receive has nothing new" ||
    notok "a second receive has nothing new" "$(w bob receive)"
w carol send bob "one more" >/dev/null
check "carol's new message is delivered" wait_until 90 outbox_empty carol
w bob unread >"$T/unread.out"
grep -q "^$STAMP carol: one more$" "$T/unread.out" && [ "$(wc -l <"$T/unread.out")" = 1 ] &&
    ok "unread is receive" || notok "unread is receive" "$(cat "$T/unread.out")"
json bob receive >"$T/recv.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["messages"] == [] and d["more"] is False else 1)' "$T/recv.json" &&
    ok "--json receive: an empty list" || notok "--json receive: an empty list" "$(cat "$T/recv.json")"

# --limit: the oldest first; the rest stays unread for the next call.
w alice send bob "page 1" >/dev/null && w alice send bob "page 2" >/dev/null
check "the pages are delivered" wait_until 90 outbox_empty alice
w bob receive --limit 1 >"$T/p1.out"
grep -q "^$STAMP alice: page 1$" "$T/p1.out" && ! grep -q "page 2" "$T/p1.out" &&
    grep -q "more are waiting" "$T/p1.out" &&
    ok "receive --limit 1 gives the oldest and says more wait" ||
    notok "receive --limit 1 gives the oldest and says more wait" "$(cat "$T/p1.out")"
check "one of them is still unread" unread_is bob alice 1
w bob receive >"$T/p2.out"
grep -q "^$STAMP alice: page 2$" "$T/p2.out" && [ "$(wc -l <"$T/p2.out")" = 1 ] &&
    ok "the next receive gives the rest" || notok "the next receive gives the rest" "$(cat "$T/p2.out")"

# timer: show, set with 1.5h and 90m, names in the output.
[ "$(w alice timer bob)" = "disappearing messages with bob: off" ] &&
    ok "timer CONTACT shows it (off)" || notok "timer CONTACT shows it (off)" "$(w alice timer bob 2>&1)"
w alice timer bob 1.5h >"$T/timer.out" 2>&1
grep -q "^messages with bob now disappear 1 h 30 min after" "$T/timer.out" &&
    ok "timer 1.5h works and names the contact" || notok "timer 1.5h works and names the contact" "$(cat "$T/timer.out")"
w alice timer bob | grep -q "^disappearing messages with bob: 1 h 30 min" &&
    ok "timer CONTACT shows 1 h 30 min" || notok "timer CONTACT shows 1 h 30 min" "$(w alice timer bob 2>&1)"
json alice timer bob | grep -q '"timer": 5400' && ok "--json timer CONTACT is the contact" ||
    notok "--json timer CONTACT is the contact" "$(json alice timer bob)"
w alice timer bob 90m >/dev/null && json alice timer bob | grep -q '"timer": 5400' &&
    ok "timer 90m" || notok "timer 90m" "$(json alice timer bob)"
w alice timer bob off >/dev/null
w alice send --expire 1h30m bob "this one disappears" >/dev/null ||
    notok "send --expire 1h30m" "refused"
w alice send --expire 2.5m bob "this one sooner" >/dev/null ||
    notok "send --expire 2.5m" "refused"
w alice log bob >"$T/alog.out"
grep -q "this one disappears .*(disappears in 1 h [23][0-9] min)$" "$T/alog.out" &&
    ok "log shows the time left (sender)" || notok "log shows the time left (sender)" "$(cat "$T/alog.out")"
grep -q "this one sooner .*(disappears in 2 min [0-9]* s)$" "$T/alog.out" &&
    ok "log shows minutes and seconds left" || notok "log shows minutes and seconds left" "$(cat "$T/alog.out")"
grep "first from alice" "$T/alog.out" | grep -q "disappears" &&
    notok "a kept message has no mark" "$(grep "first from alice" "$T/alog.out")" ||
    ok "a kept message has no mark"
check "the expiring messages are delivered" wait_until 90 outbox_empty alice
w bob log alice --no-mark-read | grep -q "this one disappears.*(disappears in 1 h [23][0-9] min)$" &&
    ok "log shows the time left (receiver)" || notok "log shows the time left (receiver)" "$(w bob log alice)"
w bob receive | grep -q "^$STAMP alice: this one sooner (disappears in 2 min" &&
    ok "receive shows the time left" || notok "receive shows the time left" "$(w bob log alice)"
w alice send --expire 1.5x bob "bad" >/dev/null 2>&1 && notok "a bad duration is refused" "sent" ||
    ok "a bad duration is refused"

# watch: local time first, names instead of addresses.
timeout 5 "$WARREN" -d "$T/alice" watch --since 0 >"$T/watch.out" 2>/dev/null
grep -q "^$STAMP \[[0-9]*\] message.delivered message [0-9]* to bob$" "$T/watch.out" &&
    ok "watch: delivered to bob, with the time" || notok "watch: delivered to bob, with the time" "$(tail -5 "$T/watch.out")"
grep -q "^$STAMP \[[0-9]*\] message.read message [0-9]* by bob$" "$T/watch.out" &&
    ok "watch: read by bob" || notok "watch: read by bob" "$(grep read "$T/watch.out")"
grep -q "^$STAMP \[[0-9]*\] conversation.timer with bob: 1 h 30 min (set by you)$" "$T/watch.out" &&
    ok "watch: timer changes in words" || notok "watch: timer changes in words" "$(grep timer "$T/watch.out")"
grep -q "$(onion bob)" "$T/watch.out" && notok "watch shows no address of a named contact" \
    "$(grep "$(onion bob)" "$T/watch.out" | head -3)" || ok "watch shows no address of a named contact"
exit $FAILED
