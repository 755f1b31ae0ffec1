#!/usr/bin/env bash
# stop_wait.sh -- `warren stop` returns once the daemon is gone, so that
# `warren stop && warrend ...` starts a new daemon at once (no "already
# running"): without tor, then with a tor on the test network (whose stop
# takes longer); --no-wait returns at once and the daemon still stops.
. "$(dirname "$0")/lib.bash"
D=$T/d
NODES="d"
W() { "$WARREN" -d "$D" "$@"; }
# running PID: the process exists and is not a zombie waiting for its reaper.
running() { [ -r "/proc/$1/stat" ] && ! awk '{ exit $3 == "Z" ? 0 : 1 }' "/proc/$1/stat"; }
# start_bg ARGS...: warrend daemonised (it returns once it is ready, or
# fails); lib.bash's cleanup stops it through d.pid.
start_bg() {
	"$WARREND" -d "$D" "$@" >>"$T/d.log" 2>&1 || return 1
	cp "$D/warrend.pid" "$T/d.pid"
}

start_bg --no-tor || { notok "warrend starts" "$(tail -3 "$T/d.log")"; exit 1; }
for i in 1 2 3; do
	out=$(W stop 2>&1 && "$WARREND" -d "$D" --no-tor 2>&1); rc=$?
	[ $rc -eq 0 ] && cp "$D/warrend.pid" "$T/d.pid"
	[ $rc -eq 0 ] && ! echo "$out" | grep -q "already running" &&
	    ok "warren stop && warrend (no tor, round $i)" ||
	    notok "warren stop && warrend (no tor, round $i)" "exit $rc: $out"
done
out=$(W --json stop 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q '"stopped": true' && ! running "$(cat "$T/d.pid")" &&
    ok "--json stop: stopped true, and the process is gone" ||
    notok "--json stop: stopped true, and the process is gone" "exit $rc: $out"

start_bg --no-tor || notok "restart" "$(tail -3 "$T/d.log")"
out=$(W stop --no-wait 2>&1); rc=$?
[ $rc -eq 0 ] && ok "stop --no-wait returns 0" || notok "stop --no-wait returns 0" "exit $rc: $out"
p=$(cat "$T/d.pid"); wait_until 10 eval '! running $p' && ok "and the daemon stops anyway" ||
    notok "and the daemon stops anyway" "still running"
out=$(W stop 2>&1); rc=$?
[ $rc -eq 3 ] && ok "stop without a daemon: exit 3" || notok "stop without a daemon: exit 3" "exit $rc: $out"

# With tor: its own tor must be gone too before the new one starts.
need_testnet
start_bg --torrc-append "$TORRC" || { notok "warrend with tor starts" "$(tail -3 "$T/d.log")"; exit 1; }
wait_until 60 sh -c "'$WARREN' -d '$D' --json status | grep -q '\"state\": \"ready\"\\|\"progress\": [1-9]'"
for i in 1 2; do
	out=$(W stop 2>&1 && "$WARREND" -d "$D" --torrc-append "$TORRC" 2>&1); rc=$?
	[ $rc -eq 0 ] && cp "$D/warrend.pid" "$T/d.pid"
	[ $rc -eq 0 ] && ! echo "$out" | grep -q "already running" &&
	    ok "warren stop && warrend (with tor, round $i)" ||
	    notok "warren stop && warrend (with tor, round $i)" "exit $rc: $out"
	wait_until 60 sh -c "'$WARREN' -d '$D' --json status | grep -q '\"progress\": [1-9]'"
done
W status >/dev/null 2>&1 && ok "the last one runs" || notok "the last one runs" "$(W status 2>&1)"
W stop >/dev/null 2>&1
pgrep -f -- "$D/tor/torrc" >/dev/null && notok "its tor is gone once stop returns" "still there" ||
    ok "its tor is gone once stop returns"
exit $FAILED
