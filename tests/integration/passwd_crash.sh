#!/usr/bin/env bash
# passwd_crash.sh -- `warren passwd` interrupted at any point (the daemon is
# killed with SIGKILL during the change) leaves a store that opens with
# either the old or the new passphrase, with the same identity.
. "$(dirname "$0")/lib.bash"

D=$T/p
start() { # passphrase
	printf '%s\n' "$1" >"$T/pass"
	"$WARREND" -d "$D" -f --no-tor --passphrase-file "$T/pass" >>"$T/p.log" 2>&1 &
	echo $! >"$T/p.pid"
	wait_until 10 test -S "$D/warren.sock" && "$WARREN" -d "$D" id >/dev/null 2>&1
}
stop() { kill -TERM "$(cat "$T/p.pid")" 2>/dev/null; wait "$(cat "$T/p.pid")" 2>/dev/null; }
NODES="p"

cur="first passphrase"
start "$cur" || { notok "daemon starts with a passphrase" "$(tail -3 "$T/p.log")"; exit 1; }
id0=$("$WARREN" -d "$D" id)
old_ok=0 new_ok=0 bad=0
for i in $(seq 1 12); do
	new="passphrase number $i"
	printf '%s\n%s\n%s\n' "$cur" "$new" "$new" | "$WARREN" -d "$D" passwd >/dev/null 2>&1 &
	cli=$!
	# Argon2id takes ~0.1-0.3 s: kill somewhere in or around the change.
	sleep "0.$(( (RANDOM % 35) ))"
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
done
echo "# opened with the old passphrase $old_ok times, the new one $new_ok times"
[ $bad = 0 ] && ok "every interrupted change opens with the old or the new passphrase, same identity" ||
    notok "every interrupted change opens with the old or the new passphrase, same identity" "$bad failures"
# And an uninterrupted change, then removal, work.
printf '%s\nfinal\nfinal\n' "$cur" | "$WARREN" -d "$D" passwd >/dev/null && ok "passwd changes the passphrase" ||
    notok "passwd changes the passphrase" "failed"
stop; start final && ok "the new passphrase opens the store" || notok "the new passphrase opens the store" "no"
printf 'final\n' | "$WARREN" -d "$D" passwd --remove >/dev/null && ok "passwd --remove" || notok "passwd --remove" "failed"
stop
"$WARREND" -d "$D" -f --no-tor >>"$T/p.log" 2>&1 &
echo $! >"$T/p.pid"
wait_until 10 test -S "$D/warren.sock"
[ "$("$WARREN" -d "$D" id 2>/dev/null)" = "$id0" ] && ok "without a passphrase it starts unlocked" ||
    notok "without a passphrase it starts unlocked" "$("$WARREN" -d "$D" status 2>&1 | head -3)"
stop
exit $FAILED
