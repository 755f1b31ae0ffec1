#!/usr/bin/env bash
# presence.sh -- online/offline tell the truth (issue 18.6): a clean stop
# or a lock says GOODBYE, so the peer shows offline at once; a peer that
# vanishes without a word (its process frozen) is offline within 30 s by
# the keepalive; lock, block and restart end the live connection with a
# contact.offline event, so online and offline always alternate.
. "$(dirname "$0")/lib.bash"
need_testnet
PASS=$T/pass
echo "open sesame" >"$PASS"

node_start alice --passphrase-file "$PASS" && node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
A=$(onion alice) B=$(onion bob)

# online A B: A shows B online.
online() {
	json "$1" contacts | python3 -c '
import json, sys
sys.exit(0 if any(c["address"] == sys.argv[1] and c["online"]
    for c in json.load(sys.stdin)["contacts"]) else 1)' "$(onion_of "$2")"
}
offline() { ! online "$@"; }
onion_of() { case $1 in alice) echo "$A" ;; bob) echo "$B" ;; esac; }
# presence A B: A's contact.online/offline events about B, one word each.
presence() {
	python3 - "$T/$1/warren.sock" "$(onion_of "$2")" <<'PYEOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{"since":0}}\n')
s.settimeout(1.5)
buf = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
except socket.timeout:
    pass
for line in buf.split(b"\n"):
    if not line.strip():
        continue
    m = json.loads(line)
    p = m.get("params") or {}
    if p.get("type") in ("contact.online", "contact.offline") and \
            p["data"].get("contact") == sys.argv[2]:
        print(p["type"].split(".")[1])
PYEOF
}
# alternates A B: A's presence events about B never repeat a state.
alternates() { [ -z "$(presence "$1" "$2" | uniq -d)" ]; }
# seconds_until SECS CMD...: how long CMD took to succeed, in tenths of
# a second (or SECS+1 s).
seconds_until() {
	local t0 secs=$1; shift
	t0=$(date +%s%N)
	wait_until "$secs" "$@" && echo $((($(date +%s%N) - t0) / 100000000)) ||
	    echo $(((secs + 1) * 10))
}
connect() { w alice send bob "$1" >/dev/null; wait_until 90 online alice bob && wait_until 30 online bob alice; }

check "both online" connect "hello"

# 1. A clean stop says goodbye: bob shows alice offline at once.
node_stop alice
s=$(seconds_until 60 offline bob alice)
[ "$s" -le 20 ] && ok "a clean stop: bob sees alice offline at once ($s/10 s)" ||
    notok "a clean stop: bob sees alice offline at once" "$s/10 s"
node_start alice --passphrase-file "$PASS" || exit 1
check "online again after the restart" connect "after restart"
check "alice's events about bob alternate across her restart" alternates alice bob
check "bob's events about alice alternate" alternates bob alice

# 2. Lock says goodbye too, and records bob offline on alice's side.
w alice lock >/dev/null || notok "alice locks" "failed"
s=$(seconds_until 60 offline bob alice)
[ "$s" -le 20 ] && ok "a lock: bob sees alice offline at once ($s/10 s)" ||
    notok "a lock: bob sees alice offline at once" "$s/10 s"
w alice unlock <"$PASS" >/dev/null || notok "alice unlocks" "failed"
check "online again after the unlock" connect "after unlock"
check "alice's events about bob alternate across lock and unlock" alternates alice bob
[ "$(presence alice bob | tail -n 1)" = online ] && ok "alice's last word on bob: online" ||
    notok "alice's last word on bob: online" "$(presence alice bob | tail -n 1)"

# 3. Block ends the connection: contact.offline.
w alice block bob >/dev/null
[ "$(presence alice bob | tail -n 1)" = offline ] && ok "blocking records bob offline" ||
    notok "blocking records bob offline" "$(presence alice bob | tail -n 3 | paste -sd' ')"
w alice unblock bob >/dev/null
check "online again after the unblock" connect "after unblock"
check "alice's events about bob alternate across block and unblock" alternates alice bob

# 4. Alice vanishes without a word (her process frozen, her tor still up):
# the keepalive notices within 30 s.
flowing
kill -STOP "$(node_pid alice)"
s=$(seconds_until 60 offline bob alice)
kill -CONT "$(node_pid alice)"
[ "$s" -le 300 ] && ok "a vanished peer is offline within 30 s ($s/10 s)" ||
    notok "a vanished peer is offline within 30 s" "$s/10 s"
check "online again once she is back" connect "back again"
check "bob's events about alice alternate throughout" alternates bob alice
check "alice's events about bob alternate throughout" alternates alice bob
flowing
exit $FAILED
