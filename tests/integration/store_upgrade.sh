#!/usr/bin/env bash
# store_upgrade.sh -- data directories written before schema 4 (data/v3,
# made by data/make_v3_fixture.sh with warren at commit 9c0bc0e: sealing
# format 1, the nick in the clear) open after the upgrade, one at start and
# one at unlock; the nick is sealed (its bytes are gone from the files),
# history, verification and the session carry on. Then rows edited with
# sqlite3 behind warren's back are detected: a message moved to another
# conversation, verified/state/flags of a contact, the state of a message.
# Each is refused with a clear error; the daemon keeps running and nothing
# else is lost.
. "$(dirname "$0")/lib.bash"
need_testnet
FIX=$SRC_DIR/tests/integration/data/v3

for n in alice bob; do
	mkdir -m 700 "$T/$n" && cp "$FIX/$n/warren.db" "$FIX/$n/storage.key" "$T/$n/" &&
	    chmod 600 "$T/$n/"*
done
grep -q "Alice Fixturenick" "$T/alice/warren.db" &&
    [ "$(sqlite3 "$T/alice/warren.db" 'PRAGMA user_version')" = 3 ] ||
    { notok "the fixture is a schema 3 store with the nick in the clear" "no"; exit 1; }

node_start alice && node_start bob || exit 1
printf 'bob fixture pass\n' | w bob unlock >/dev/null &&
    ok "bob's old store unlocks (upgraded at unlock)" || notok "bob's old store unlocks" "$(tail -3 "$T/bob.log")"
check "alice publishes" wait_published alice
check "bob publishes" wait_published bob
w alice settings | grep -q "Alice Fixturenick" && w bob settings | grep -q "Bob Fixturenick" &&
    ok "both nicks survive the upgrade" || notok "both nicks survive the upgrade" "$(w alice settings)"
json alice contacts | python3 -c '
import json, sys
c = {x["name"]: x for x in json.load(sys.stdin)["contacts"]}
assert c["bob"]["state"] == "contact" and c["bob"]["verified"] is True
assert c["carol"]["state"] == "requested"' && ok "alice's contacts: bob (verified) and carol (requested)" ||
    notok "alice's contacts: bob (verified) and carol (requested)" "$(json alice contacts)"
texts alice bob >"$T/h1"
[ "$(grep -c '^out old a->b' "$T/h1")" = 3 ] && [ "$(grep -c '^in old b->a' "$T/h1")" = 3 ] &&
    ok "the old history opens" || notok "the old history opens" "$(cat "$T/h1")"
w alice send bob "new a->b" >/dev/null && w bob send alice "new b->a" >/dev/null
check "alice's new message is delivered" wait_until 90 outbox_empty alice
check "bob's new message is delivered" wait_until 90 outbox_empty bob
texts bob alice | grep -q '^in new a->b' && texts alice bob | grep -q '^in new b->a' &&
    ok "the session carries on after the upgrade" || notok "the session carries on after the upgrade" "$(texts bob alice)"
onion bob >"$T/bob.onion"
node_stop alice; node_stop bob
for n in alice bob; do
	nick=$([ $n = alice ] && echo "Alice Fixturenick" || echo "Bob Fixturenick")
	if cat "$T/$n/warren.db" "$T/$n/warren.db-wal" 2>/dev/null | grep -q "$nick"; then
		notok "$n's nick is not in warren.db or its WAL" "found"
	else
		ok "$n's nick is not in warren.db or its WAL"
	fi
done
[ "$(sqlite3 "$T/alice/warren.db" "SELECT typeof(value) FROM settings WHERE key = 'nick'")" = blob ] &&
    [ "$(sqlite3 "$T/alice/warren.db" "SELECT value FROM settings WHERE key = 'store.format'")" = 2 ] &&
    ok "the nick is a sealed blob; store.format 2" || notok "the nick is a sealed blob; store.format 2" "no"

# --- tampering, on alice's store, offline
A=$T/alice/warren.db
cp -p "$A" "$T/alice.db.good"
bob_id=$(sqlite3 "$A" "SELECT id FROM contacts ORDER BY id LIMIT 1")
carol_id=$(sqlite3 "$A" "SELECT id FROM contacts ORDER BY id DESC LIMIT 1")
moved=$(sqlite3 "$A" "SELECT id FROM messages WHERE contact = $bob_id AND dir = 0 ORDER BY id LIMIT 1")
restore() { cp -p "$T/alice.db.good" "$A"; rm -f "$A-wal" "$A-shm"; }
bob_listed() { json alice contacts | grep -q "$(cat "$T/bob.onion")"; }

# (1) a message moved to another conversation
sqlite3 "$A" "UPDATE messages SET contact = $carol_id WHERE id = $moved"
node_start_notor alice || exit 1
json alice log carol | grep -q '"damaged"' &&
    ok "a message moved to another conversation shows as damaged there" ||
    notok "a message moved to another conversation shows as damaged there" "$(json alice log carol)"
json alice log carol | grep -q "old a->b 1" && notok "the moved message's text is not shown" "shown" ||
    ok "the moved message's text is not shown"
texts alice bob >"$T/h2"
[ "$(grep -c '^out old a->b' "$T/h2")" = 2 ] && grep -q '^in new b->a' "$T/h2" &&
    ok "the rest of the conversation is intact" || notok "the rest of the conversation is intact" "$(cat "$T/h2")"
grep -q "message $moved is damaged" "$T/alice.log" && ok "the log names the damaged message" ||
    notok "the log names the damaged message" "$(tail -3 "$T/alice.log")"
node_stop alice; restore

# (2) a message's state flipped (delivered -> read)
sqlite3 "$A" "UPDATE messages SET state = 3 WHERE id = $moved"
node_start_notor alice || exit 1
json alice log bob | python3 -c '
import json, sys
m = {x["id"]: x for x in json.load(sys.stdin)["messages"]}
assert m[int(sys.argv[1])]["state"] == "damaged"
assert sum(1 for x in m.values() if x["state"] == "damaged") == 1' "$moved" &&
    ok "a message whose state was flipped shows as damaged (only it)" ||
    notok "a message whose state was flipped shows as damaged (only it)" "$(json alice log bob)"
node_stop alice; restore

# (3) a contact's verified, state, flags
for edit in "verified = 1 - verified" "state = 1" "flags = flags | 8" "send_seq = send_seq + 5"; do
	sqlite3 "$A" "UPDATE contacts SET $edit WHERE id = $bob_id"
	node_start_notor alice || exit 1
	if alive alice && ! bob_listed && json alice contacts | grep -q '"carol"' &&
	    json alice status | grep -q '"damaged_rows": 1' &&
	    grep -q "row $bob_id is damaged: changed outside warren" "$T/alice.log"; then
		ok "contacts.$edit is detected: the row is refused, carol stays"
	else
		notok "contacts.$edit is detected: the row is refused, carol stays" "$(json alice contacts)"
	fi
	node_stop alice; restore
done

# Nothing was lost: the restored store talks to bob again.
printf 'bob fixture pass\n' >"$T/bob.pass"
node_start alice && node_start bob --passphrase-file "$T/bob.pass" || exit 1
check "alice publishes again" wait_published alice
check "bob publishes again" wait_published bob
w alice send bob "after the tampering" >/dev/null
check "and delivers after the tampering tests" wait_until 90 outbox_empty alice
texts bob alice | grep -q "^in after the tampering" && ok "bob has it" || notok "bob has it" "$(texts bob alice | tail -3)"
exit $FAILED
