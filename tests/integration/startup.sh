#!/usr/bin/env bash
# startup.sh -- start-up problems reach the user: tor missing from PATH
# fails at once with a clear message and a non-zero exit; a tor that dies
# at start makes `status` point at a log file that exists. Uses real tor
# only with a torrc it rejects (it exits before touching the network).
. "$(dirname "$0")/lib.bash"

# --- tor missing from PATH (18.5)
mkdir -p "$T/empty"
for mode in "-f" ""; do
	out=$(timeout 15 env PATH="$T/empty" "$WARREND" -d "$T/a" $mode 2>&1 </dev/null)
	rc=$?
	# A daemon that started anyway is stopped by the EXIT trap.
	[ -s "$T/a/warrend.pid" ] && cp "$T/a/warrend.pid" "$T/a.pid" && NODES="$NODES a"
	[ $rc -ne 0 ] && grep -qx 'warrend: tor not found (install tor or use --tor PATH)' <<<"$out" &&
	    ok "tor not in PATH: warrend ${mode:-(daemon)} fails and says so" ||
	    notok "tor not in PATH: warrend ${mode:-(daemon)} fails and says so" "rc=$rc out=$out"
done
[ ! -S "$T/a/warren.sock" ] && ok "no daemon left running" || notok "no daemon left running" "socket exists"
out=$(timeout 15 "$WARREND" -d "$T/a" -f --tor "$T/empty/tor" 2>&1 </dev/null)
rc=$?
[ $rc -ne 0 ] && grep -q "tor not found at $T/empty/tor (install tor or use --tor PATH)" <<<"$out" &&
    ok "--tor PATH that does not exist: named, non-zero exit" ||
    notok "--tor PATH that does not exist: named, non-zero exit" "rc=$rc out=$out"

# --- tor dies at start: status names a log file that exists
echo "NoSuchTorOption 1" >"$T/bad.torrc"
NODES="$NODES b"
"$WARREND" -d "$T/b" -f --tor "$(command -v tor)" --torrc-append "$T/bad.torrc" >>"$T/b.log" 2>&1 </dev/null &
echo $! >"$T/b.pid"
wait_until 20 test -S "$T/b/warren.sock" || { notok "b starts" "no socket"; exit 1; }
tor_err() { json b status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tor"]["error"])'; }
wait_until 30 sh -c "'$WARREN' -d '$T/b' --json status | grep -q 'see /'"
err=$(tor_err)
f=$(sed -n 's/.*; see \(\/[^ ]*\).*/\1/p' <<<"$err")
[ -n "$f" ] && [ -s "$f" ] && ok "status points at a log file that exists ($f)" ||
    notok "status points at a log file that exists" "error: $err"
grep -q NoSuchTorOption "$f" 2>/dev/null && ok "that file holds tor's complaint" ||
    notok "that file holds tor's complaint" "$(cat "$f" 2>&1 | tail -3)"
exit $FAILED
