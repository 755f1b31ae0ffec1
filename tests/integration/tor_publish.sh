#!/usr/bin/env bash
# tor_publish.sh -- tor_node spawns its own tor, publishes its onion; an
# independent client tor reaches ONION:9737 and tor_node sees it inbound.
. "$(dirname "$0")/tor_lib.bash"
need_testnet

t0=$SECONDS
start_node n0 --torrc-append "$TORRC"
if wait_for "$T/n0.out" "^published onion=" 60; then
	ok "spawned tor publishes the onion ($((SECONDS - t0)) s)"
else
	notok "spawned tor publishes the onion" "no HS_DESC UPLOADED in 60 s"
	exit 1
fi
grep -q "^status running=1 progress=100 tag=done" "$T/n0.out" &&
    ok "bootstrap reaches 100%" || notok "bootstrap reaches 100%" "never"
[ -S "$T/n0/tor/socks.sock" ] && ok "unix SocksPort exists" ||
    notok "unix SocksPort exists" "no $T/n0/tor/socks.sock"
[ "$(stat -c %a "$T/n0/tor")" = 700 ] && ok "tor dir is 0700" ||
    notok "tor dir is 0700" "$(stat -c %a "$T/n0/tor")"
grep -q ED25519-V3 "$T"/n0/tor/notice.log "$T"/n0.err 2>/dev/null &&
    notok "key blob never logged" "found in a log" || ok "key blob never logged"

start_client c1 || { notok "client tor bootstraps" "timeout"; exit 1; }
ok "client tor bootstraps"
onion=$(onion_of n0)
if out=$("$TOR_PROBE" "unix:$T/c1/socks.sock" "$onion" 9737 60 2>>"$T/probe.err"); then
	ok "client reaches the onion through SOCKS ($out)"
else
	notok "client reaches the onion through SOCKS" "$out"
fi
wait_for "$T/n0.out" "^inbound" 5 && ok "tor_node saw the inbound stream" ||
    notok "tor_node saw the inbound stream" "no 'inbound' line"

kill -TERM "$n0_PID"
wait "$n0_PID" 2>/dev/null
sleep 0.5
if pgrep -f -- "-f $T/n0/tor/torrc" >/dev/null; then
	notok "tor exits with tor_node" "still running"
else
	ok "tor exits with tor_node"
fi
exit $FAILED
