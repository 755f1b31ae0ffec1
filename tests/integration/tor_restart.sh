#!/usr/bin/env bash
# tor_restart.sh -- kill -9 of tor_node's own tor: tor_node logs it,
# restarts tor with backoff, re-adds the onion and republishes.
. "$(dirname "$0")/tor_lib.bash"
need_testnet

start_node n0 --torrc-append "$TORRC"
wait_for "$T/n0.out" "^published onion=" 60 ||
    { notok "first publish" "timeout"; exit 1; }
ok "first publish"
pid=$(pgrep -f -- "-f $T/n0/tor/torrc")
[ -n "$pid" ] || { notok "find the child tor" "none"; exit 1; }
kill -KILL "$pid"
wait_for "$T/n0.err" "killed by signal 9" 10 && ok "child exit logged" ||
    notok "child exit logged" "no log line"
grep -q 'error="tor (pid' "$T/n0.out" && ok "status.error set" ||
    notok "status.error set" "no error in status"
if wait_for "$T/n0.out" "published=1 restarts=1" 60 &&
    [ "$(count_lines "$T/n0.out" "^published onion=")" -eq 2 ]; then
	ok "restarted tor republishes (restarts=1)"
else
	notok "restarted tor republishes" "no second publish"
fi
newpid=$(pgrep -f -- "-f $T/n0/tor/torrc")
[ -n "$newpid" ] && [ "$newpid" != "$pid" ] && ok "a new tor runs" ||
    notok "a new tor runs" "pid $newpid"
kill -0 "$n0_PID" 2>/dev/null && ok "tor_node stayed up" ||
    notok "tor_node stayed up" "it exited"

start_client c1 || { notok "client tor bootstraps" "timeout"; exit 1; }
if out=$("$TOR_PROBE" "unix:$T/c1/socks.sock" "$(onion_of n0)" 9737 90 2>>"$T/probe.err"); then
	ok "reachable after the restart ($out)"
else
	notok "reachable after the restart" "$out"
fi
exit $FAILED
