# lib.bash -- helpers for warren's integration tests (sourced by *.sh).
# Real warrend and warren processes, each node with its own tor joined to
# the private test network ($WARREN_TESTNET, else one started here).
# Every process started is stopped by the EXIT trap.
set -u
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRC_DIR/build}
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
WARREND=$BUILD_DIR/warrend
WARREN=$BUILD_DIR/warren
T=$(mktemp -d /tmp/wi.XXXXXX)
OWN_NET=""
NODES=""
FAILED=0

# ok NAME / notok NAME WHY: the result lines scripts/test counts.
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1: $2"; FAILED=1; }
# check NAME CMD...: ok if CMD succeeds.
check() { local n=$1; shift; if "$@"; then ok "$n"; else notok "$n" "failed: $*"; fi; }

cleanup() {
	local n p
	for n in $NODES; do
		p=$(cat "$T/$n.pid" 2>/dev/null) || continue
		kill -TERM "$p" 2>/dev/null
	done
	for n in $NODES; do
		p=$(cat "$T/$n.pid" 2>/dev/null) || continue
		for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null
		pkill -KILL -f -- "$T/$n/tor/torrc" 2>/dev/null
	done
	[ -n "$OWN_NET" ] && "$SRC_DIR/scripts/testnet" stop "$OWN_NET" >/dev/null 2>&1
	if [ $FAILED -ne 0 ]; then
		for n in $NODES; do
			echo "--- $n.log (last 40 lines)"
			tail -n 40 "$T/$n.log" 2>/dev/null
		done
	fi
	[ -n "${KEEP_TMP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x "$WARREND" ] && [ -x "$WARREN" ] || { echo "not ok - warrend/warren not built in $BUILD_DIR"; exit 1; }

# need_testnet: set TORRC to the client lines of a private tor network.
need_testnet() {
	local net
	if [ -n "${WARREN_TESTNET:-}" ] && [ -s "$WARREN_TESTNET/client.torrc" ]; then
		net=$WARREN_TESTNET
	else
		net=$T/net
		OWN_NET=$net
		TESTNET_OWNER_PID=$$ "$SRC_DIR/scripts/testnet" start "$net" \
		    >"$T/testnet.out" 2>&1 || { notok testnet "could not start"; cat "$T/testnet.out"; exit 1; }
	fi
	TORRC=$net/client.torrc
}

# w NAME ARGS...: run the CLI against node NAME.
w() { local n=$1; shift; "$WARREN" -d "$T/$n" "$@"; }

# wait_until SECS CMD...: poll CMD every 0.2 s until it succeeds.
wait_until() {
	local secs=$1 end; shift
	end=$((SECONDS + secs))
	while [ $SECONDS -lt $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@" >/dev/null 2>&1
}

# old_build COMMIT DIR: warrend and warren of an earlier COMMIT (from git
# history), built once into DIR/build (WARREN_OLD_BUILD: another DIR);
# sets OLD to DIR. A tree without COMMIT in its history skips the test.
old_build() {
	OLD=${WARREN_OLD_BUILD:-$2}
	[ -x "$OLD/build/warrend" ] && [ -x "$OLD/build/warren" ] && return 0
	if ! git -C "$SRC_DIR" cat-file -e "$1^{commit}" 2>/dev/null; then
		echo "ok - skipped: commit $1 is not in this tree's history"
		exit 0
	fi
	rm -rf "$OLD"
	mkdir -p "$OLD/src" "$OLD/build"
	git -C "$SRC_DIR" archive "$1" | tar -x -C "$OLD/src" &&
	(cd "$OLD/src" && autoreconf -fi && cd "$OLD/build" &&
	    ../src/configure -q && make -j2 warrend warren) \
	    >"$OLD/build.log" 2>&1 ||
	    { notok "build $1" "$(tail -n 5 "$OLD/build.log")"; exit 1; }
}

# node_start NAME [warrend args...]: start a daemon on the test network.
node_start() {
	local n=$1; shift
	case " $NODES " in *" $n "*) ;; *) NODES="$NODES $n" ;; esac
	"$WARREND" -d "$T/$n" -f --torrc-append "$TORRC" "$@" >>"$T/$n.log" 2>&1 &
	echo $! >"$T/$n.pid"
	wait_until 60 test -S "$T/$n/warren.sock" ||
	    { notok "$n starts" "no socket"; return 1; }
}

# node_stop NAME: clean shutdown.
node_stop() {
	local p
	p=$(cat "$T/$1.pid")
	kill -TERM "$p" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.2; done
	kill -KILL "$p"
}

# node_kill NAME: SIGKILL the daemon (its tor follows: owning controller).
node_kill() {
	kill -KILL "$(cat "$T/$1.pid")" 2>/dev/null
	wait "$(cat "$T/$1.pid")" 2>/dev/null
	pkill -KILL -f -- "$T/$1/tor/torrc" 2>/dev/null
	return 0
}

# published NAME: tor is ready and the onion is published.
published() { w "$1" --json status | grep -q '"published": true'; }

# wait_published NAME [SECS]
wait_published() { wait_until "${2:-90}" published "$1"; }

# onion NAME: the node's address.
onion() { w "$1" id; }

# json NAME ARGS...: the CLI's --json output.
json() { local n=$1; shift; "$WARREN" -d "$T/$n" --json "$@"; }

# is_contact A B: A lists B as a contact with a session.
is_contact() {
	json "$1" contacts | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(c["address"] == sys.argv[1] and c["state"] == "contact"
    for c in d["contacts"]) else 1)' "$(onion "$2")"
}

# outbox_empty A: nothing of A waits to be delivered.
outbox_empty() {
	json "$1" contacts | python3 -c '
import json, sys
sys.exit(0 if all(c["outbox"] == 0 for c in json.load(sys.stdin)["contacts"]) else 1)'
}

# befriend A B: A asks, B accepts; both are contacts (with names).
befriend() {
	w "$1" add "$(onion "$2")" --name "$2" --message "hello from $1" >/dev/null &&
	wait_until 90 has_request "$2" "$(onion "$1")" &&
	w "$2" accept "$(onion "$1")" >/dev/null &&
	w "$2" rename "$(onion "$1")" "$1" >/dev/null &&
	wait_until 60 is_contact "$1" "$2" && wait_until 60 is_contact "$2" "$1"
}

# has_request B ADDR: B has a pending request from ADDR.
has_request() { w "$1" --json requests | grep -q "$2"; }

# texts A B [dir]: A's history with B as "dir text" lines.
texts() {
	json "$1" log "$2" --limit 10000 | python3 -c '
import json, sys
for m in json.load(sys.stdin)["messages"]:
    print(m["direction"], m["text"])'
}

# count_state A B STATE: how many of A's messages to B are in STATE.
count_state() {
	json "$1" log "$2" --limit 10000 | python3 -c '
import json, sys
print(sum(1 for m in json.load(sys.stdin)["messages"] if m["state"] == sys.argv[1]))' "$3"
}

# --- helpers for the hardening tests (bounds, hostile_frames, crash_consistency, no_network)
EVIL=$BUILD_DIR/tests/integration/evil_peer

# node_start_notor NAME [warrend args...]: a daemon without tor (offline;
# peers reach it only through DIR/peer.sock, as tor would deliver them).
node_start_notor() {
	local n=$1; shift
	case " $NODES " in *" $n "*) ;; *) NODES="$NODES $n" ;; esac
	"$WARREND" -d "$T/$n" -f --no-tor "$@" >>"$T/$n.log" 2>&1 &
	echo $! >"$T/$n.pid"
	wait_until 20 test -S "$T/$n/peer.sock" ||
	    { notok "$n starts" "no socket"; return 1; }
}

# node_pid NAME: the daemon's pid.
node_pid() { cat "$T/$1.pid"; }

# rss_kb NAME: the daemon's resident set size in KiB.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(node_pid "$1")/status"; }

# alive NAME: the daemon process still runs.
# alive NAME: the daemon runs. A daemon that exited stays a zombie child
# of this shell until waited for, and kill -0 still reaches a zombie: read
# its state instead, so that a crash shows at once.
alive() {
	case "$(ps -o stat= -p "$(node_pid "$1")" 2>/dev/null)" in
	""|Z*) return 1 ;;
	esac
}

# rpc_py: write $T/rpc.py, a small JSON-RPC client module for python3
# tests: Rpc(path).call(method, params) and .send/.recv for pipelining.
rpc_py() {
	cat >"$T/rpc.py" <<'PYEOF'
import json, socket, time

class Rpc:
    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        self.next_id = 1

    def send(self, method, params=None):
        i = self.next_id
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": i, "method": method}
        if params is not None:
            req["params"] = params
        self.s.sendall((json.dumps(req) + "\n").encode())
        return i

    def recv(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("daemon closed the connection")
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def reply(self, i):
        while True:
            r = self.recv()
            if r.get("id") == i:
                return r

    def call(self, method, params=None):
        r = self.reply(self.send(method, params))
        if "error" in r:
            raise RuntimeError("%s: %s" % (method, r["error"]))
        return r["result"]
PYEOF
}

# --- the delivery invariant (every test with two or more real nodes)
# flowing [NODES...]: after a test step, between every two running nodes
# (default: all of $NODES) that are contacts: no message stays queued or
# sent for more than 15 s while both see each other online; a pair where
# an accept is still on its way (one side "requested") waits for it. A pair with
# something to deliver gets up to ${FLOW_CONNECT:-120} s to connect first
# (a pair that never connects is a stall too). A side whose session reset
# is not yet acknowledged ("alert") holds its messages by design and is
# skipped. Prints one ok/not ok line; cheap: one contacts.list per node and
# poll.
flowing() {
	local nodes="${*:-$NODES}" n args=""
	for n in $nodes; do
		alive "$n" && [ -S "$T/$n/warren.sock" ] && args="$args $n=$T/$n/warren.sock"
	done
	# shellcheck disable=SC2086
	python3 - "${FLOW_CONNECT:-120}" $args <<'PYEOF'
import json, socket, sys, time

def call(path, method, params=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        req = {"jsonrpc": "2.0", "id": 1, "method": method}
        if params is not None:
            req["params"] = params
        s.sendall((json.dumps(req) + "\n").encode())
        buf = b""
        while b"\n" not in buf:
            d = s.recv(65536)
            if not d:
                return None
            buf += d
        r = json.loads(buf.split(b"\n", 1)[0])
        return r.get("result")
    except (OSError, ValueError):
        return None
    finally:
        s.close()

connect_for = float(sys.argv[1])
nodes = dict(a.split("=", 1) for a in sys.argv[2:])
onion = {}
for n, p in nodes.items():
    st = call(p, "status")
    if st and not st.get("locked") and st.get("onion"):
        onion[n] = st["onion"]
names = sorted(onion)
by_onion = {onion[n]: n for n in names}

def snapshot():
    # view[a][b] = b's contact object in a's list (contacts only)
    view = {}
    for a in names:
        res = call(nodes[a], "contacts.list") or {"contacts": []}
        view[a] = {by_onion[c["address"]]: c for c in res["contacts"]
                   if c["address"] in by_onion
                   and c["state"] in ("contact", "requested")}
    return view

start = time.time()
online_time = {}            # (a, b) -> seconds seen both online with a's mail waiting
last = time.time()
bad = []
while True:
    view = snapshot()
    now = time.time()
    dt, last = now - last, now
    waiting, stalled = [], []
    for a in names:
        for b, c in view[a].items():
            if c.get("alert") or c["outbox"] == 0:
                online_time.pop((a, b), None)
                continue
            back = view.get(b, {}).get(a)
            if back is None:
                continue    # b has not accepted (or blocked): nothing to flow
            # An accept or a mutual add still on its way ("requested" on
            # one side) is waiting, not yet a stall.
            waiting.append((a, b))
            both = c["state"] == "contact" and back["state"] == "contact"
            if both and c["online"] and back["online"]:
                online_time[(a, b)] = online_time.get((a, b), 0) + dt
                if online_time[(a, b)] > 15:
                    stalled.append((a, b, c["outbox"]))
    if not waiting:
        print("ok - delivery invariant: nothing waits between %s" % " ".join(names))
        sys.exit(0)
    if stalled:
        for a, b, k in stalled:
            msgs = (call(nodes[a], "messages.list", {"contact": onion[b], "limit": 500})
                    or {"messages": []})["messages"]
            st = ["%s:%s" % (m["id"], m["state"]) for m in msgs
                  if m["direction"] == "out" and m["state"] in ("queued", "sent")]
            print("not ok - delivery invariant: %s's %d message(s) to %s stay "
                  "undelivered > 15 s while both are online: %s"
                  % (a, k, b, " ".join(st[:10])))
        sys.exit(1)
    if now - start > connect_for + 15:
        print("not ok - delivery invariant: %s never delivered (not online: %s)"
              % (", ".join("%s->%s" % w for w in waiting),
                 ", ".join("%s->%s" % w for w in waiting
                           if not view[w[0]][w[1]]["online"])))
        sys.exit(1)
    time.sleep(0.5)
PYEOF
	[ $? -eq 0 ] || FAILED=1
}
