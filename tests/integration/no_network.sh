#!/usr/bin/env bash
# no_network.sh -- warrend opens no TCP or UDP socket of its own: everything
# goes through tor, over UNIX sockets (the control connection, the SOCKS
# port, the onion service target) and the local API socket. A daemon on
# the private tor network runs under strace -f while it does real work
# (publishes its onion, sends a contact request, is accepted, exchanges
# messages); every socket(), socketpair(), connect() and bind() made by
# warrend's own processes must be AF_UNIX. Tor, which warrend starts as a
# child, is told apart by its execve: that process and its threads are
# tor's, and tor's TCP sockets to the test network are expected.
. "$(dirname "$0")/lib.bash"
need_testnet
command -v strace >/dev/null || { echo "not ok - strace is not installed"; exit 1; }

node_start x || exit 1

# y: warrend under strace (with the CI's timeout as a backstop).
NODES="$NODES y"
timeout 600 strace -f -qq -o "$T/strace.out" \
    -e trace=socket,socketpair,connect,bind,execve,clone,clone3,fork,vfork \
    "$WARREND" -d "$T/y" -f --torrc-append "$TORRC" >>"$T/y.log" 2>&1 &
echo $! >"$T/y.pid"
wait_until 30 test -S "$T/y/warren.sock" || { notok "y starts under strace" "no socket"; exit 1; }

check "x publishes" wait_published x
check "y publishes under strace" wait_published y 120
w y add "$(onion x)" --name x --message "from y, traced" >/dev/null
check "x gets y's request" wait_until 120 has_request x "$(onion y)"
w x accept "$(onion y)" >/dev/null
check "y and x are contacts" wait_until 90 is_contact y x
w y send x "traced hello" >/dev/null
w x send "$(onion y)" "hello back" >/dev/null
check "y's message is delivered" wait_until 90 outbox_empty y
check "x's message reaches y" wait_until 90 sh -c "'$WARREN' -d '$T/y' --json log x | grep -q 'hello back'"
flowing

ypid=$(cat "$T/y/warrend.pid" 2>/dev/null)
w y stop >/dev/null 2>&1
for _ in $(seq 1 50); do kill -0 "$(cat "$T/y.pid")" 2>/dev/null || break; sleep 0.2; done
kill -TERM "$(cat "$T/y.pid")" 2>/dev/null
wait "$(cat "$T/y.pid")" 2>/dev/null
pkill -KILL -f -- "$T/y/tor/torrc" 2>/dev/null

python3 - "$T/strace.out" "${ypid:-0}" <<'EOF'
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
line_re = re.compile(r"^(\d+)\s+(.*)$")
# Join "<unfinished ...>" with "<... resumed>" per pid.
pending, calls = {}, []
for l in lines:
    m = line_re.match(l)
    if not m:
        continue
    pid, rest = int(m.group(1)), m.group(2)
    if rest.endswith("<unfinished ...>"):
        pending[pid] = rest[: -len("<unfinished ...>")]
        continue
    r = re.match(r"<\.\.\. (\w+) resumed>(.*)", rest)
    if r:
        rest = pending.pop(pid, r.group(1) + "(") + r.group(2)
    calls.append((pid, rest))
first = calls[0][0] if calls else 0
parent, tor = {}, {}        # tor: pid -> index of its execve
for i, (pid, c) in enumerate(calls):
    m = re.match(r"(clone3?|fork|vfork)\(.*= (\d+)$", c)
    if m:
        parent[int(m.group(2))] = pid
    if c.startswith("execve(") and c.rstrip().endswith("= 0") and pid != first:
        tor.setdefault(pid, i)
def is_tor(pid, i=None):
    # A forked child is warrend's until it execs tor; its threads are tor's.
    if pid in tor and i is not None and i < tor[pid]:
        return False
    while pid:
        if pid in tor:
            return True
        pid = parent.get(pid)
    return False
bad, n = [], {"socket": 0, "socketpair": 0, "connect": 0, "bind": 0}
pids = set()
for i, (pid, c) in enumerate(calls):
    name = c.split("(", 1)[0]
    if name not in n or is_tor(pid, i):
        continue
    pids.add(pid)
    n[name] += 1
    if name in ("socket", "socketpair"):
        if not c.startswith(name + "(AF_UNIX"):
            bad.append(c)
    elif "sa_family=AF_UNIX" not in c and "sa_family=AF_LOCAL" not in c:
        bad.append(c)
res = 0
def say(ok, what, why=""):
    global res
    print(("ok - " if ok else "not ok - ") + what + ("" if ok else ": " + why))
    res |= not ok
say(first != 0 and len(calls) > 0, "strace saw warrend", "empty trace")
say(len(tor) > 0, "tor was started as warrend's child (exec seen)", "no execve")
say(n["socket"] > 0 and n["connect"] > 0, "warrend's own sockets were traced (%s)" % n, str(n))
say(not bad, "every socket warrend made is AF_UNIX (%d calls from %d process(es))" %
    (sum(n.values()), len(pids)), "; ".join(bad[:5]))
tor_inet = sum(1 for pid, c in calls if is_tor(pid) and c.startswith("socket(AF_INET"))
print("# tor's own AF_INET sockets (to the test network): %d" % tor_inet)
sys.exit(res)
EOF
[ $? -eq 0 ] || FAILED=1
exit $FAILED
