#!/usr/bin/env bash
# tor_attach.sh -- tor_node attaches to a tor started here (ControlPort on
# 127.0.0.1, CookieAuthentication 1: the SAFECOOKIE path), publishes, learns
# the SOCKS listener, is reachable; reconnects when the control link drops.
. "$(dirname "$0")/tor_lib.bash"
need_testnet

start_client c0 "ControlPort 127.0.0.1:auto" \
    "ControlPortWriteToFile $T/c0/ctlport" "CookieAuthentication 1" \
    "SocksPort 127.0.0.1:auto ExtendedErrors" ||
    { notok "attached tor bootstraps" "timeout"; exit 1; }
port=$(sed -n 's/^PORT=127.0.0.1://p' "$T/c0/ctlport")
[ -n "$port" ] || { notok "control port" "no port file"; exit 1; }

start_node n0 --tor-control "$port"
if wait_for "$T/n0.out" "^published onion=" 60; then
	ok "attached tor publishes the onion"
else
	notok "attached tor publishes the onion" "no HS_DESC UPLOADED in 60 s"
	exit 1
fi
grep -q "authenticated to $port" "$T/n0.err" &&
    ok "SAFECOOKIE authentication" || notok "SAFECOOKIE authentication" "no log line"
grep -qE "socks=(127\.0\.0\.1:[0-9]+|unix:/)" "$T/n0.out" &&
    ok "SOCKS listener learnt from GETINFO" ||
    notok "SOCKS listener learnt from GETINFO" "socks unknown"
[ ! -e "$T/n0/tor" ] && ok "no tor spawned" || notok "no tor spawned" "$T/n0/tor exists"

start_client c1 || { notok "client tor bootstraps" "timeout"; exit 1; }
onion=$(onion_of n0)
if out=$("$TOR_PROBE" "unix:$T/c1/socks.sock" "$onion" 9737 60 2>>"$T/probe.err"); then
	ok "client reaches the attached onion ($out)"
else
	notok "client reaches the attached onion" "$out"
fi
wait_for "$T/n0.out" "^inbound" 5 && ok "inbound stream" ||
    notok "inbound stream" "no 'inbound' line"

# Restart the attached tor: tor_node must reconnect and republish.
kill -TERM "$(cat "$T/c0/tor.pid")"
wait_for "$T/n0.out" "running=0" 10 && ok "control loss noticed" ||
    notok "control loss noticed" "no running=0"
sleep 1
rm -f "$T/c0/ctlport"
tor -f "$T/c0/torrc" --ControlPort "127.0.0.1:$port" \
    --__OwningControllerProcess $$ >>"$T/c0.err" 2>&1
if wait_for "$T/n0.out" "restarts=[1-9].*" 30 &&
    [ "$(count_lines "$T/n0.out" "^published onion=")" -ge 1 ] &&
    wait_for "$T/n0.out" "published=1 restarts=[1-9]" 60; then
	ok "reconnects and republishes after tor restarts"
else
	notok "reconnects and republishes after tor restarts" "no"
fi
exit $FAILED
