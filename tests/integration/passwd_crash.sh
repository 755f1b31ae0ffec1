#!/usr/bin/env bash
# passwd_crash.sh -- `warren passwd` and `warren passwd --rotate`
# interrupted at any point (the daemon is killed with SIGKILL during the
# change and the re-seal under the new storage key) leave a store that
# opens with either the old or the new passphrase, with the same identity
# and nick; afterwards an old key file with the old passphrase no longer
# opens the database.
. "$(dirname "$0")/lib.bash"

D=$T/p
start() { # passphrase
	printf '%s\n' "$1" >"$T/pass"
	"$WARREND" -d "$D" -f --no-tor --passphrase-file "$T/pass" >>"$T/p.log" 2>&1 &
	echo $! >"$T/p.pid"
	# Up (socket) or gone (refused the passphrase), whichever comes first.
	wait_until 60 up_or_gone
	test -S "$D/warren.sock" && "$WARREN" -d "$D" id >/dev/null 2>&1
}
up_or_gone() { test -S "$D/warren.sock" || ! alive p; }
stop() { kill -TERM "$(cat "$T/p.pid")" 2>/dev/null; wait "$(cat "$T/p.pid")" 2>/dev/null; }
NODES="p"

cur="first passphrase"
start "$cur" || { notok "daemon starts with a passphrase" "$(tail -3 "$T/p.log")"; exit 1; }
id0=$("$WARREN" -d "$D" id)
"$WARREN" -d "$D" set nick "Crashy Nick" >/dev/null
cp "$D/storage.key" "$T/storage.key.first"
old_ok=0 new_ok=0 bad=0 rot=0
for i in $(seq 1 12); do
	if [ $((i % 3)) = 0 ]; then
		# --rotate: the same passphrase, a new storage key
		new=$cur
		printf '%s\n' "$cur" | "$WARREN" -d "$D" passwd --rotate >/dev/null 2>&1 &
	else
		new="passphrase number $i"
		printf '%s\n%s\n%s\n' "$cur" "$new" "$new" | "$WARREN" -d "$D" passwd >/dev/null 2>&1 &
	fi
	cli=$!
	# Argon2id MODERATE takes ~1.2 s here, then the re-seal: kill somewhere
	# in or around the whole change.
	sleep "$(( RANDOM % 3 )).$(( RANDOM % 10 ))"
	kill -KILL "$(cat "$T/p.pid")"
	wait "$(cat "$T/p.pid")" 2>/dev/null
	wait $cli 2>/dev/null
	rm -f "$D/warren.sock"
	if start "$cur"; then
		old_ok=$((old_ok + 1))
	else
		stop
		if start "$new"; then
			new_ok=$((new_ok + 1)); cur=$new
		else
			bad=$((bad + 1)); stop
			start "$cur" || true
		fi
	fi
	[ "$("$WARREN" -d "$D" id 2>/dev/null)" = "$id0" ] || bad=$((bad + 1))
	"$WARREN" -d "$D" settings 2>/dev/null | grep -q "Crashy Nick" || bad=$((bad + 1))
	[ -e "$D/storage.key.next" ] && bad=$((bad + 1))
	cmp -s "$D/storage.key" "$T/storage.key.first" || rot=$((rot + 1))
done
echo "# opened with the old passphrase $old_ok times, the new one $new_ok times; key file changed $rot times"
[ $bad = 0 ] && ok "every interrupted change opens with the old or the new passphrase, same identity" ||
    notok "every interrupted change opens with the old or the new passphrase, same identity" "$bad failures"
# And an uninterrupted change, then removal, work.
printf '%s\nfinal\nfinal\n' "$cur" | "$WARREN" -d "$D" passwd >/dev/null && ok "passwd changes the passphrase" ||
    notok "passwd changes the passphrase" "failed"
stop; start final && ok "the new passphrase opens the store" || notok "the new passphrase opens the store" "no"
# The storage key rotated: the key file from before, with its passphrase,
# does not open today's database (and nothing is changed by trying).
cp "$D/storage.key" "$T/storage.key.final"
stop
cp "$T/storage.key.first" "$D/storage.key"
sum0=$(cat "$D/warren.db" "$D/storage.key" | sha256sum)
lines=$(wc -l <"$T/p.log")
if start "first passphrase"; then
	notok "an old key file with the old passphrase is refused" "it opened"
	stop
else
	stop
	tail -n +$((lines + 1)) "$T/p.log" | grep -q "does not belong" &&
	    [ "$(cat "$D/warren.db" "$D/storage.key" | sha256sum)" = "$sum0" ] &&
	    ok "an old key file with the old passphrase is refused (does not belong)" ||
	    notok "an old key file with the old passphrase is refused (does not belong)" "$(tail -3 "$T/p.log")"
fi
cp "$T/storage.key.final" "$D/storage.key"
start final || notok "the current key file still opens" "$(tail -3 "$T/p.log")"
printf 'final\n' | "$WARREN" -d "$D" passwd --rotate >/dev/null &&
    ! cmp -s "$D/storage.key" "$T/storage.key.final" && "$WARREN" -d "$D" settings | grep -q "Crashy Nick" &&
    ok "passwd --rotate writes a new key file; the nick survives" ||
    notok "passwd --rotate writes a new key file; the nick survives" "$(tail -3 "$T/p.log")"
stop
cp "$D/storage.key" "$T/storage.key.rotated"
cp "$T/storage.key.final" "$D/storage.key"
if start final; then notok "after --rotate the previous key file is refused" "it opened"; stop
else stop; ok "after --rotate the previous key file is refused"; fi
cp "$T/storage.key.rotated" "$D/storage.key"
start final || notok "the rotated key file opens" "$(tail -3 "$T/p.log")"
printf 'final\n' | "$WARREN" -d "$D" passwd --remove >/dev/null && ok "passwd --remove" || notok "passwd --remove" "failed"
stop
"$WARREND" -d "$D" -f --no-tor >>"$T/p.log" 2>&1 &
echo $! >"$T/p.pid"
wait_until 60 test -S "$D/warren.sock"
[ "$("$WARREN" -d "$D" id 2>/dev/null)" = "$id0" ] && ok "without a passphrase it starts unlocked" ||
    notok "without a passphrase it starts unlocked" "$("$WARREN" -d "$D" status 2>&1 | head -3)"
stop
exit $FAILED
