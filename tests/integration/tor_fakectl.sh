#!/usr/bin/env bash
# tor_fakectl.sh -- a scripted hostile control port (fake_tor.py): dropped
# sockets, garbage codes, a wrong SAFECOOKIE hash, overlong lines, NULs,
# floods of 650s, a huge data block, unsolicited replies, bare LF. tor_node
# must log, reconnect with backoff, never crash, and publish every time the
# fake tor lets it.
. "$(dirname "$0")/tor_lib.bash"
command -v python3 >/dev/null || { echo "ok - skipped: no python3"; exit 77; }

# An onion for tor_node's seed: start once offline to learn the address.
mkdir -p "$T/n0" && chmod 700 "$T/n0"
head -c 32 /dev/urandom >"$T/n0/seed" && chmod 600 "$T/n0/seed"
start_node n0 --tor-control "unix:$T/none.sock"
wait_for "$T/n0.out" "^onion=" 5
onion=$(onion_of n0)
kill -TERM "$n0_PID"; wait "$n0_PID" 2>/dev/null
[ -n "$onion" ] || { notok "learn the onion" "no onion= line"; exit 1; }

python3 "$SRC_DIR/tests/integration/fake_tor.py" ctl "$T/ctl.sock" \
    "$T/cookie" "$onion" 2>"$T/fake.err" &
PIDS="$PIDS $!"
wait_for "$T/fake.err" "." 0 || true
for i in 1 2 3 4 5 6 7 8 9 10; do [ -S "$T/ctl.sock" ] && break; sleep 0.2; done

mv "$T/n0.out" "$T/n0.first"
start_node n0 --tor-control "unix:$T/ctl.sock"
# 3 pre-auth failures (backoff 1+2+4 s), then 8 hostile sessions that each
# publish first (backoff reset to 1 s), then a good one: about 20 s.
if wait_for "$T/fake.err" "scenario good" 90 &&
    wait_for "$T/n0.out" "published=1 restarts=11" 10; then
	ok "survives every hostile scenario and publishes at the end"
else
	notok "survives every hostile scenario" "$(tail -n 1 "$T/fake.err")"
fi
kill -0 "$n0_PID" 2>/dev/null && ok "tor_node is still running" ||
    notok "tor_node is still running" "it died"
n=$(count_lines "$T/n0.out" "^published onion=")
[ "$n" -eq 9 ] && ok "published after each good setup (9)" ||
    notok "published after each good setup" "$n times"
for what in "SAFECOOKIE server hash is wrong" "protocol error" "too large" \
    "connection closed" "reply 250 without a command"; do
	grep -q "$what" "$T/n0.err" && ok "logged: $what" ||
	    notok "logged: $what" "missing"
done
# The fake claims 0.4.9.3 but refuses PoWDefensesEnabled (a tor built
# without the pow module): the onion is added without, and status says so.
grep -q "tor refused PoWDefensesEnabled: 512" "$T/n0.err" && grep -q "published=1 .*pow=2 version=0.4.9.3" "$T/n0.out" &&
    ok "PoW refused by tor: onion added without, pow unavailable" ||
    notok "PoW refused by tor: onion added without, pow unavailable" "$(grep -i pow "$T/n0.err" | head -2)"
grep -q "socks=unix:/tmp/fake.socks" "$T/n0.out" &&
    ok "SOCKS address from GETINFO" || notok "SOCKS address from GETINFO" "-"
exit $FAILED
