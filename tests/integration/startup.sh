#!/usr/bin/env bash
# startup.sh -- start-up problems reach the user: tor missing from PATH
# fails at once with a clear message and a non-zero exit; a tor that dies
# at start makes `status` point at a log file that exists; a data directory
# path too long for its sockets, or one that cannot be written, is named
# with the limit or the cause; --log-file, and the fallback to
# DIR/warrend.log when a daemon in the background has no /dev/log. Uses
# real tor only with a torrc it rejects (it exits before touching the
# network).
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

# --- a data directory path too long for a unix socket (18.9)
long=$T/$(printf 'd%.0s' $(seq 1 100))
for opt in --no-tor ""; do
	out=$(timeout 15 "$WARREND" -d "$long" -f $opt 2>&1 </dev/null)
	rc=$?
	[ $rc -ne 0 ] && grep -q "data directory path too long: $long/.*sock would be [0-9]* bytes, a unix socket path holds at most 107" <<<"$out" &&
	    ok "too long a data directory ${opt:-(with tor)}: path, length and limit named" ||
	    notok "too long a data directory ${opt:-(with tor)}: path, length and limit named" "rc=$rc out=$out"
done
[ ! -e "$long" ] && ok "nothing created for it" || notok "nothing created for it" "$(ls "$long")"

# --- a data directory that cannot be written (18.9): as another user when
# root (root writes anywhere), with a store made before it became read-only.
as=()
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
		as=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
		chmod 711 "$T"
		mkdir "$T/ro" && chown nobody "$T/ro"
	fi
else
	mkdir "$T/ro"
fi
if [ -d "$T/ro" ]; then
	"${as[@]}" "$WARREND" -d "$T/ro/d" -f --no-tor >"$T/ro.log" 2>&1 </dev/null &
	rp=$!
	wait_until 20 test -S "$T/ro/d/warren.sock"
	kill -TERM $rp; wait $rp
	chmod 500 "$T/ro/d"
	out=$(timeout 15 "${as[@]}" "$WARREND" -d "$T/ro/d" -f --no-tor 2>&1 </dev/null)
	rc=$?
	[ $rc -ne 0 ] && grep -q "cannot write in the data directory $T/ro/d: Permission denied" <<<"$out" &&
	    ok "a data directory that cannot be written: named, with the cause" ||
	    notok "a data directory that cannot be written: named, with the cause" "rc=$rc out=$out"
	chmod 700 "$T/ro/d"
else
	ok "# skip a data directory that cannot be written (no setpriv/nobody)"
fi

# --- --log-file (18.9)
"$WARREND" -d "$T/l" -f --no-tor --log-file "$T/l.file" >"$T/l.err" 2>&1 </dev/null &
echo $! >"$T/l.pid"; NODES="$NODES l"
wait_until 20 test -S "$T/l/warren.sock"
node_stop l
grep -q "warrend\[[0-9]*\]\[info\] warrend .* ready on $T/l" "$T/l.file" && grep -q "stopped" "$T/l.file" &&
    ok "--log-file -f: the lines go to the file" || notok "--log-file -f: the lines go to the file" "$(cat "$T/l.file")"
[ ! -s "$T/l.err" ] && ok "--log-file -f: nothing on stderr" || notok "--log-file -f: nothing on stderr" "$(cat "$T/l.err")"
[ "$(stat -c %a "$T/l.file")" = 600 ] && ok "the log file is 0600" || notok "the log file is 0600" "$(stat -c %a "$T/l.file")"
"$WARREND" -d "$T/l" --no-tor --log-file "$T/l.file" >"$T/l.err" 2>&1 </dev/null; rc=$?
cp "$T/l/warrend.pid" "$T/l.pid"
w l stop >/dev/null
wait_until 20 sh -c "[ \$(grep -c stopped '$T/l.file') = 2 ]"
[ $rc = 0 ] && [ "$(grep -c "ready on" "$T/l.file")" = 2 ] && [ "$(grep -c "stopped" "$T/l.file")" = 2 ] &&
    ok "--log-file in the background: the whole life is logged" ||
    notok "--log-file in the background: the whole life is logged" "rc=$rc $(cat "$T/l.file")"

# --- in the background without /dev/log: DIR/warrend.log, not lost
nolog=()
if [ -e /dev/log ]; then
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		nolog=(unshare -m sh -c 'mount --bind /dev/null /dev/log && exec "$@"' sh)
	else
		nolog=(skip)
	fi
fi
if [ "${nolog[0]:-}" = skip ]; then
	ok "# skip daemon without /dev/log (cannot hide /dev/log here)"
else
	"${nolog[@]}" "$WARREND" -d "$T/s" --no-tor >"$T/s.err" 2>&1 </dev/null; rc=$?
	cp "$T/s/warrend.pid" "$T/s.pid" 2>/dev/null; NODES="$NODES s"
	w s stop >/dev/null
	wait_until 20 grep -q stopped "$T/s/warrend.log"
	[ $rc = 0 ] && grep -q "no syslog (/dev/log) to log to; logging to $T/s/warrend.log" "$T/s/warrend.log" &&
	    grep -q "ready on" "$T/s/warrend.log" && grep -q "stopped" "$T/s/warrend.log" &&
	    ok "no /dev/log: the daemon logs to DIR/warrend.log and says so" ||
	    notok "no /dev/log: the daemon logs to DIR/warrend.log and says so" "rc=$rc $(cat "$T/s/warrend.log" 2>&1)"
fi
exit $FAILED
