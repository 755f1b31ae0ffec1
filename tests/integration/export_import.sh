#!/usr/bin/env bash
# export_import.sh -- `warren export FILE` moves a node: identity, contacts,
# sessions and history go into one sealed file, the old data directory is
# retired (it refuses to start without --reclaim), and `warrend --import
# FILE` in a new data directory carries on talking to bob on the test
# network. Also: a wrong passphrase, a damaged or truncated file, and a
# directory that already holds a store are refused; a backup (`export
# --keep`) imported while the original runs is refused (its onion
# answers), and the same directory starts once the original is gone.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice && node_start bob || exit 1
check "alice publishes" wait_published alice
check "bob publishes" wait_published bob
w alice set nick "Alice Exportnick" >/dev/null
befriend alice bob || { notok "alice and bob become contacts" "no"; exit 1; }
for i in 1 2 3; do
	w alice send bob "before a->b $i" >/dev/null
	w bob send alice "before b->a $i" >/dev/null
done
check "everything is delivered before the move" wait_until 90 outbox_empty alice
check "bob's too" wait_until 90 outbox_empty bob
id_a=$(onion alice)
texts alice bob >"$T/before"

# a backup while alice runs: importing it is refused, nothing published
printf 'archive pass\narchive pass\n' | w alice export --keep "$T/keep.wrx" >"$T/keep.out" 2>&1 &&
    ok "warren export --keep writes a backup" || notok "warren export --keep writes a backup" "$(cat "$T/keep.out")"
printf 'archive pass\n' >"$T/pass"
checking() { w alice2 status 2>/dev/null | grep -q "checking that this identity is not running elsewhere"; }
node_start alice2 --import "$T/keep.wrx" --passphrase-file "$T/pass" || exit 1
check "the import says it checks for another copy" wait_until 60 checking
p2=$(node_pid alice2)
check "the import stops by itself" wait_until 240 sh -c "! kill -0 $p2 2>/dev/null"
if kill -0 "$p2" 2>/dev/null; then rc2=running; else wait "$p2"; rc2=$?; fi
[ "$rc2" != running ] && [ "$rc2" -ne 0 ] && grep -q "already running elsewhere" "$T/alice2.log" &&
    ok "an import of a running identity is refused with a clear error" ||
    notok "an import of a running identity is refused with a clear error" "rc $rc2: $(tail -5 "$T/alice2.log")"
[ "$rc2" = running ] && node_stop alice2
grep -q "onion service .* added\|published" "$T/alice2.log" &&
    notok "the refused copy published nothing" "$(grep -e added -e published "$T/alice2.log")" ||
    ok "the refused copy published nothing"
check "alice still runs" kill -0 "$(node_pid alice)"

# export (move)
printf 'archive pass\narchive pass\n' | w alice export "$T/alice.wrx" >"$T/export.out" 2>&1 &&
    ok "warren export writes the file" || notok "warren export writes the file" "$(cat "$T/export.out")"
[ "$(stat -c %a "$T/alice.wrx" 2>/dev/null)" = 600 ] && ok "the file is 0600" || notok "the file is 0600" "$(ls -l "$T/alice.wrx")"
check "the exporting daemon stops" wait_until 20 sh -c "! kill -0 $(node_pid alice) 2>/dev/null"
if grep -qa -e "Alice Exportnick" -e "before a->b" -e "$id_a" "$T/alice.wrx"; then
	notok "the file holds no nick, text or address in the clear" "found"
else
	ok "the file holds no nick, text or address in the clear"
fi
printf 'archive pass\narchive pass\n' | w bob export "$T/alice.wrx" >/dev/null 2>&1 &&
    notok "an existing file is not overwritten" "it was" || ok "an existing file is not overwritten"

# the old directory is retired
"$WARREND" -d "$T/alice" -f --no-tor >"$T/old.out" 2>&1 &
oldpid=$!
sleep 3
if kill -0 $oldpid 2>/dev/null; then
	notok "the exported data directory refuses to start" "it runs"; kill $oldpid
else
	grep -q "moved out with 'warren export'" "$T/old.out" && ok "the exported data directory refuses to start" ||
	    notok "the exported data directory refuses to start" "$(cat "$T/old.out")"
fi

# import: refusals first
printf 'wrong pass\n' >"$T/wrong"
"$WARREND" -d "$T/x1" -f --no-tor --import "$T/alice.wrx" --passphrase-file "$T/wrong" >"$T/x1.out" 2>&1 &&
    notok "a wrong passphrase is refused" "started" || {
	grep -q "wrong passphrase" "$T/x1.out" && [ ! -e "$T/x1/warren.db" ] &&
	    ok "a wrong passphrase is refused, nothing written" || notok "a wrong passphrase is refused, nothing written" "$(cat "$T/x1.out")"; }
# without --passphrase-file the passphrase is a line of standard input
printf 'wrong pass\n' | "$WARREND" -d "$T/x5" -f --no-tor --import "$T/alice.wrx" >"$T/x5.out" 2>&1 &&
    notok "a wrong passphrase on stdin is refused" "started" || {
	grep -q "wrong passphrase" "$T/x5.out" && [ ! -e "$T/x5/warren.db" ] &&
	    ok "a wrong passphrase on stdin is refused" || notok "a wrong passphrase on stdin is refused" "$(cat "$T/x5.out")"; }
"$WARREND" -d "$T/x6" -f --no-tor --import "$T/alice.wrx" </dev/null >"$T/x6.out" 2>&1 &&
    notok "no passphrase on stdin is refused" "started" || {
	grep -q "no passphrase" "$T/x6.out" && [ ! -e "$T/x6/warren.db" ] &&
	    ok "no passphrase on stdin is refused" || notok "no passphrase on stdin is refused" "$(cat "$T/x6.out")"; }
size=$(stat -c %s "$T/alice.wrx")
head -c $((size - 100)) "$T/alice.wrx" >"$T/cut.wrx"
"$WARREND" -d "$T/x2" -f --no-tor --import "$T/cut.wrx" --passphrase-file "$T/pass" >"$T/x2.out" 2>&1 &&
    notok "a truncated file is refused" "started" || {
	[ ! -e "$T/x2/warren.db" ] && ok "a truncated file is refused, nothing written" ||
	    notok "a truncated file is refused, nothing written" "$(cat "$T/x2.out")"; }
cp "$T/alice.wrx" "$T/flip.wrx"
printf '\x55' | dd of="$T/flip.wrx" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
"$WARREND" -d "$T/x3" -f --no-tor --import "$T/flip.wrx" --passphrase-file "$T/pass" >"$T/x3.out" 2>&1 &&
    notok "a damaged file is refused" "started" || ok "a damaged file is refused"
"$WARREND" -d "$T/alice" -f --no-tor --import "$T/alice.wrx" --passphrase-file "$T/pass" >"$T/x4.out" 2>&1 &&
    notok "importing over an existing store is refused" "started" || {
	grep -q "already holds a store" "$T/x4.out" && ok "importing over an existing store is refused" ||
	    notok "importing over an existing store is refused" "$(cat "$T/x4.out")"; }

# the refused import, once the original is gone: it checks again, finds
# no other copy and carries on talking
node_start alice2 --passphrase-file "$T/pass" || exit 1
[ "$(onion alice2)" = "$id_a" ] && ok "the imported node has the same address" ||
    notok "the imported node has the same address" "$(onion alice2)"
texts alice2 bob >"$T/after"
diff -q "$T/before" "$T/after" >/dev/null && ok "the history came along" ||
    notok "the history came along" "$(diff "$T/before" "$T/after" | head -5)"
w alice2 settings | grep -q "Alice Exportnick" && ok "so did the nick" || notok "so did the nick" "$(w alice2 settings)"
json alice2 status | grep -q '"passphrase": true' && ok "the store has the file's passphrase" ||
    notok "the store has the file's passphrase" "$(json alice2 status)"
cmp -s "$T/alice/storage.key" "$T/alice2/storage.key" && notok "the new copy has its own storage key" "same" ||
    ok "the new copy has its own storage key"
check "alice2 publishes" wait_published alice2
grep -q "no other copy of this identity answered" "$T/alice2.log" &&
    ok "the second start checked again and went on" ||
    notok "the second start checked again and went on" "$(grep -i -e check -e answered "$T/alice2.log")"
w alice2 send bob "after a->b" >/dev/null
w bob send alice "after b->a" >/dev/null
check "alice2's message is delivered" wait_until 120 outbox_empty alice2
check "bob's message is delivered" wait_until 120 outbox_empty bob
texts bob alice | grep -q "^in after a->b" && ok "bob receives from the moved node" || notok "bob receives from the moved node" "$(texts bob alice | tail -3)"
texts alice2 bob | grep -q "^in after b->a" && ok "the moved node receives from bob (the session carried on)" ||
    notok "the moved node receives from bob (the session carried on)" "$(texts alice2 bob | tail -3)"
json bob log alice | grep -q undecryptable && notok "nothing undecryptable" "found" || ok "nothing undecryptable"
exit $FAILED
