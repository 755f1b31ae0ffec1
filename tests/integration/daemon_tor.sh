#!/usr/bin/env bash
# daemon_tor.sh -- warrend and tor: `warren status` walks through bootstrap
# percentages and ends at published; killing the daemon's tor makes it
# restart tor and republish without losing data; --tor-control attaches to
# a tor started here; start-to-published time as a benchmark line.
. "$(dirname "$0")/lib.bash"
need_testnet

t0=$(date +%s.%N)
node_start alice || exit 1
: >"$T/status.lines"
end=$((SECONDS + 90))
while [ $SECONDS -lt $end ]; do
	w alice status 2>/dev/null | grep -E '^(tor|onion):' | paste -sd' ' >>"$T/status.lines"
	tail -n 1 "$T/status.lines" | grep -q "onion:   published" && break
	sleep 0.05
done
t1=$(date +%s.%N)
uniq "$T/status.lines" | sed 's/^/# /'
grep -qE 'tor: +[1-9][0-9]?% \(' "$T/status.lines" && ok "status shows bootstrap percentages" ||
    notok "status shows bootstrap percentages" "$(uniq "$T/status.lines" | head -5)"
tail -n 1 "$T/status.lines" | grep -q "tor:     ready onion:   published" &&
    ok "status ends at tor: ready, onion: published" ||
    notok "status ends at tor: ready, onion: published" "$(tail -n 1 "$T/status.lines")"
echo "bench=tor case=warrend-start-to-published seconds=$(python3 -c "print(round($t1 - $t0, 2))")"
json alice status | python3 -c 'import json,sys; t=json.load(sys.stdin)["tor"]; sys.exit(0 if t["progress"]==100 and t["state"]=="ready" else 1)' &&
    ok "the API status has the same fields" || notok "the API status has the same fields" "$(json alice status)"

# Data before tor dies.
node_start bob || exit 1
wait_published bob || { notok "bob publishes" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
w alice send bob "before tor died" >/dev/null
check "delivered" wait_until 60 outbox_empty alice

tpid=$(pgrep -f -- "-f $T/alice/tor/torrc" | head -n 1)
[ -n "$tpid" ] && kill -KILL "$tpid" && ok "alice's tor killed" || notok "alice's tor killed" "no tor process"
restarted() { json alice status | python3 -c 'import json,sys; t=json.load(sys.stdin)["tor"]; sys.exit(0 if t["restarts"]>=1 and t["published"] else 1)'; }
check "warrend restarts tor and republishes" wait_until 90 restarted
grep -qi "tor.*exit\|tor.*died\|tor.*lost\|restart" "$T/alice.log" && ok "the daemon says tor went away" ||
    notok "the daemon says tor went away" "no log line"
json alice log bob | grep -q "before tor died" && ok "history intact" || notok "history intact" "lost"
w bob send alice "after the restart" >/dev/null
check "messages flow again" wait_until 120 sh -c "'$WARREN' -d '$T/alice' --json log bob | grep -q 'after the restart'"

# --tor-control: attach to a tor this test starts (SAFECOOKIE on a unix socket).
mkdir -m 700 "$T/ext"
cat >"$T/ext/torrc" <<TORRC
DataDirectory $T/ext
SocksPort unix:$T/ext/socks.sock
ControlSocket $T/ext/control.sock
CookieAuthentication 1
Log notice file $T/ext/notice.log
TORRC
cat "$TORRC" >>"$T/ext/torrc"
tor --defaults-torrc /dev/null -f "$T/ext/torrc" --__OwningControllerProcess $$ >/dev/null 2>&1 &
echo $! >"$T/ext.pid"
wait_until 20 test -S "$T/ext/control.sock" || notok "external tor starts" "no control socket"
NODES="$NODES carol"
"$WARREND" -d "$T/carol" -f --tor-control "unix:$T/ext/control.sock" >>"$T/carol.log" 2>&1 &
echo $! >"$T/carol.pid"
wait_until 20 test -S "$T/carol/warren.sock"
check "attached to an existing tor, carol publishes" wait_published carol 90
check "carol and bob become contacts through the attached tor" befriend carol bob
flowing
kill "$(cat "$T/ext.pid")" 2>/dev/null
exit $FAILED
