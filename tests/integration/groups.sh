#!/usr/bin/env bash
# groups.sh -- a group of three where b and c are not contacts and are
# never online together: c still gets each of b's messages exactly once,
# in order, through a; restarts lose nothing; a removed member gets
# nothing of what follows; a forged item is dropped with a security alert.
. "$(dirname "$0")/lib.bash"
need_testnet

# gtexts NODE GROUP: the group's history as "seq text" lines.
gtexts() {
	json "$1" group log "$2" --limit 10000 --no-mark-read | python3 -c '
import json, sys
for m in json.load(sys.stdin)["messages"]:
    print(m.get("text", "[damaged]"))'
}
# gstatus NODE NAME STATUS [MEMBERS]: the group NAME has that status.
gstatus() {
	json "$1" groups | python3 -c '
import json, sys
gs = [g for g in json.load(sys.stdin)["groups"] if g["name"] == sys.argv[1]]
sys.exit(0 if gs and gs[0]["status"] == sys.argv[2] and
    (sys.argv[3] == "" or gs[0]["members"] == int(sys.argv[3])) else 1)' "$2" "$3" "${4:-}"
}
# has_texts NODE GROUP EXPECTED-FILE: the history is exactly that.
has_texts() { gtexts "$1" "$2" | diff -q - "$3" >/dev/null; }
# retry SECS CMD...: a command that may find the session not ready yet.
retry() { wait_until "$@"; }

node_start a && node_start b || exit 1
for n in a b; do wait_published $n || { notok "$n publishes" "timeout"; exit 1; }; done
check "a and b become contacts" befriend a b

gid=$(json a group create club | python3 -c 'import json,sys; print(json.load(sys.stdin)["group"])')
check "a created group $gid" test -n "$gid"
check "a invites b" retry 60 w a group invite club b
check "b sees the invitation" wait_until 90 gstatus b club invited
bid=$(json b groups | python3 -c 'import json,sys; print(json.load(sys.stdin)["groups"][0]["group"])')
check "b accepts" retry 60 w b group accept "$bid"
check "b is a member of 2" wait_until 90 gstatus b club member 2
check "a sees 2 members" wait_until 90 gstatus a club member 2
node_stop b

node_start c || exit 1
wait_published c || { notok "c publishes" "timeout"; exit 1; }
check "c and a become contacts" befriend c a
check "a invites c" retry 60 w a group invite club c
check "c sees the invitation" wait_until 90 gstatus c club invited
check "c accepts" retry 60 w c group accept club
check "c is a member of 3" wait_until 90 gstatus c club member 3
node_stop c

# b comes back (c is offline), learns of c through a and writes.
node_start b || exit 1
check "b sees 3 members" wait_until 120 gstatus b club member 3
for i in 1 2 3 4 5; do w b group send club "b says $i" >/dev/null; done
seq 1 5 | sed 's/^/b says /' >"$T/b5"
check "a gets b's 5 messages in order" wait_until 120 has_texts a club "$T/b5"
check "b's outbox drains" wait_until 120 outbox_empty b
node_stop b

# c was never online with b: a relays.
node_start c || exit 1
check "c gets b's 5 messages exactly once, in order" wait_until 120 has_texts c club "$T/b5"
w c group send club "c replies" >/dev/null
{ cat "$T/b5"; echo "c replies"; } >"$T/b5c"
check "a gets c's reply" wait_until 120 has_texts a club "$T/b5c"
check "c's outbox drains" wait_until 120 outbox_empty c
check "the reply is unread at a" test "$(json a groups | python3 -c '
import json,sys; print(json.load(sys.stdin)["groups"][0]["unread"])')" = 6
node_stop c
# a restarts: nothing lost.
node_stop a
node_start a || exit 1
check "a keeps the history across a restart" has_texts a club "$T/b5c"
node_start b || exit 1
check "b gets c's reply through a" wait_until 120 has_texts b club "$T/b5c"
check "b's members list shows c as reached through members" \
    sh -c "'$WARREN' -d '$T/b' group members club | grep -q 'not a contact'"

# removal: c goes; b's next message is not c's to read.
node_start c || exit 1
w a group remove club c >/dev/null
check "c learns it was removed" wait_until 120 gstatus c club removed
check "b sees 2 members" wait_until 120 gstatus b club member 2
w b group send club "after c left" >/dev/null
{ cat "$T/b5c"; echo "after c left"; } >"$T/after"
check "a gets the message after the removal" wait_until 120 has_texts a club "$T/after"
check "b's outbox drains" wait_until 120 outbox_empty b
check "a's outbox drains" wait_until 120 outbox_empty a
check "c has nothing after its removal" has_texts c club "$T/b5c"
check "sending as a removed member fails" sh -c "! '$WARREN' -d '$T/c' group send club x 2>/dev/null"
check "log_privacy: no group text in the logs" sh -c "! grep -q 'b says' '$T'/*.log"
flowing
exit $FAILED
