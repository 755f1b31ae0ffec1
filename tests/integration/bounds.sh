#!/usr/bin/env bash
# bounds.sh -- resource bounds under abuse. One daemon without tor (peers
# come in through DIR/peer.sock, as tor delivers onion streams) is hit with
# hundreds of unauthenticated connections (silent, or a byte a second), a
# flood of contact requests from fresh identities, authenticated strangers
# that hold their connections, 10,000 local API requests, 64 API clients
# at once (and more than the cap), a client that never reads its replies
# and an event subscriber that never reads. Throughout, a `status` call on
# its own connection must answer within STATUS_BOUND_MS; the daemon's peak
# RSS (VmHWM) must stay within RSS_BOUND_MB of where it started.
. "$(dirname "$0")/lib.bash"

STATUS_BOUND_MS=${STATUS_BOUND_MS:-1000}
RSS_BOUND_MB=${RSS_BOUND_MB:-64}
[ -x "$EVIL" ] || { echo "not ok - evil_peer not built in $BUILD_DIR"; exit 1; }
if grep -q __asan_init "$WARREND" 2>/dev/null; then
	# ASan keeps freed memory in a quarantine (256 MiB by default), which
	# would be counted as ours: keep it small and allow for shadow memory.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
	RSS_BOUND_MB=${RSS_BOUND_MB_ASAN:-128}
fi
rpc_py
node_start_notor v || exit 1
ADDR=$(onion v)
SOCK=$T/v/peer.sock
API=$T/v/warren.sock

# Warm up (first queries, statement cache), then the baseline.
for _ in 1 2 3; do w v --json status >/dev/null; w v --json contacts >/dev/null; done
base_kb=$(rss_kb v)
echo "# baseline VmRSS ${base_kb} kB"

# The prober: one connection, a status call every 100 ms, latencies noted.
cat >"$T/probe.py" <<'EOF'
import os, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from rpc import Rpc
api, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
r = Rpc(api, timeout=30)
worst, calls, fails = 0.0, 0, 0
while not os.path.exists(stop):
    t = time.monotonic()
    try:
        r.call("status")
    except Exception as e:
        fails += 1
        print("probe error:", e, file=sys.stderr)
        r = Rpc(api, timeout=30)
    ms = (time.monotonic() - t) * 1000
    worst = max(worst, ms)
    calls += 1
    time.sleep(0.1)
open(out, "w").write("%d %d %d\n" % (worst, calls, fails))
EOF
python3 "$T/probe.py" "$API" "$T/probe.stop" "$T/probe.out" 2>"$T/probe.err" &
probe_pid=$!

# 1. Unauthenticated connections: 300 at once, half silent, half trickling
# a byte a second. Past WARREN_MAX_UNAUTH (32) they are refused at once;
# the rest are cut at the handshake deadline (30 s).
cat >"$T/unauth.py" <<'EOF'
import select, socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
socks, closed_at = [], {}
t0 = time.monotonic()
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError:
        closed_at[i] = 0.0
    socks.append(s)
def poll_closed():
    live = [s for i, s in enumerate(socks) if i not in closed_at]
    if not live:
        return
    r, _, _ = select.select(live, [], [], 0)
    for s in r:
        try:
            d = s.recv(4096)
        except OSError:
            d = b""
        if not d:
            closed_at[socks.index(s)] = time.monotonic() - t0
early = None
tick = 0
while time.monotonic() - t0 < 45 and len(closed_at) < n:
    poll_closed()
    if early is None and time.monotonic() - t0 > 3:
        early = len(closed_at)
    if tick % 10 == 0:
        for i, s in enumerate(socks):
            if i % 2 == 1 and i not in closed_at:
                try:
                    s.send(b"W" if tick == 0 else b"\0")
                except OSError:
                    closed_at[i] = time.monotonic() - t0
    tick += 1
    time.sleep(0.1)
print(n, early, len(closed_at), int(max(closed_at.values() or [0])))
EOF
python3 "$T/unauth.py" "$SOCK" 300 >"$T/unauth.out" 2>&1 &
unauth_pid=$!

# 2. The local API, meanwhile: 10,000 requests on one connection
# (pipelined, with malformed lines mixed in), every one answered.
cat >"$T/many.py" <<'EOF'
import os, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from rpc import Rpc
r = Rpc(sys.argv[1], timeout=30)
n, got, bad = 10000, 0, 0
methods = ["status", "contacts.list", "requests.list", "rpc.methods", "identity.get"]
t = time.monotonic()
i = 0
while i < n:
    k = min(200, n - i)
    for j in range(k):
        if (i + j) % 500 == 7:
            r.s.sendall(b'{"jsonrpc":"2.0","id":1,"method":\n')   # malformed
        elif (i + j) % 500 == 9:
            r.s.sendall(b'\xff\xfe garbage\n')
        else:
            r.send(methods[(i + j) % len(methods)])
    for j in range(k):
        m = r.recv()
        got += 1
        if "error" in m and (i + j) % 500 not in (7, 9):
            bad += 1
    i += k
print(got, bad, int((time.monotonic() - t) * 1000))
EOF
if out=$(timeout 120 python3 "$T/many.py" "$API" 2>&1); then
	set -- $out
	[ "$1" = 10000 ] && [ "$2" = 0 ] &&
	    ok "10000 API requests on one connection all answered (${3} ms)" ||
	    notok "10000 API requests on one connection all answered" "$out"
else
	notok "10000 API requests on one connection all answered" "$out"
fi

# 3. 64 API clients at once, 50 calls each; then 200 at once: those past
# the cap are told "too many clients" and the daemon carries on.
cat >"$T/clients.py" <<'EOF'
import os, sys, threading, time
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from rpc import Rpc
api, n, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conns, busy, errors = [], 0, []
for i in range(n):
    for attempt in range(200):     # the listen backlog (64) may be full
        try:
            conns.append(Rpc(api, timeout=30))
            break
        except BlockingIOError:
            time.sleep(0.01)
        except OSError as e:
            errors.append(str(e))
            break
ok = [0]
lock = threading.Lock()
def work(c):
    global busy
    try:
        for _ in range(calls):
            c.call("status")
        with lock:
            ok[0] += 1
    except Exception as e:
        try:
            e = c.recv()        # the daemon may have said why, then closed
        except Exception:
            pass
        with lock:
            if "too many clients" in str(e) or "1012" in str(e):
                busy += 1
            else:
                errors.append(str(e))
ts = [threading.Thread(target=work, args=(c,)) for c in conns]
for t in ts: t.start()
for t in ts: t.join()
print(ok[0], busy, len(errors), errors[:1])
EOF
out=$(timeout 120 python3 "$T/clients.py" "$API" 64 50 2>&1)
set -- $out
[ "${1:-}" = 64 ] && [ "${3:-}" = 0 ] && ok "64 API clients at once, 50 calls each" ||
    notok "64 API clients at once, 50 calls each" "$out"
out=$(timeout 120 python3 "$T/clients.py" "$API" 200 5 2>&1)
set -- $out
[ "${1:-0}" -ge 100 ] && [ $((${1:-0} + ${2:-0})) = 200 ] &&
    ok "200 API clients: $1 served, $2 told the daemon is busy" ||
    notok "200 API clients: served or told busy" "$out"

# 4. A client that pipelines requests and never reads the replies is cut
# off (its output buffer is bounded); a subscriber that never reads
# either. Both only cost bounded memory.
cat >"$T/noread.py" <<'EOF'
import json, socket, sys, time
api = sys.argv[1]
sub = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sub.connect(api)
sub.sendall(b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{"since":0}}\n')
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(api)
s.settimeout(20)
line = b'{"jsonrpc":"2.0","id":1,"method":"rpc.methods"}\n' * 100
sent, cut = 0, "no"
t = time.monotonic()
try:
    while sent < 40000 and time.monotonic() - t < 60:
        s.sendall(line)
        sent += 100
except (BrokenPipeError, ConnectionResetError):
    cut = "yes"
except socket.timeout:
    cut = "stalled"
print(sent, cut)
open(sys.argv[2], "w").write("subscribed\n")
time.sleep(float(sys.argv[3]))      # the subscriber stays, never reading
EOF
timeout 200 python3 "$T/noread.py" "$API" "$T/noread.ready" 40 >"$T/noread.out" 2>&1 &
noread_pid=$!
wait_until 90 test -e "$T/noread.ready"
out=$(cat "$T/noread.out")
case "$out" in
*" yes"|*" stalled") ok "a client that never reads its replies is cut off ($out)" ;;
*) notok "a client that never reads its replies is cut off" "$out" ;;
esac

# 5. The unauthenticated connections from step 1.
wait "$unauth_pid"
set -- $(cat "$T/unauth.out")
echo "# unauth: $1 opened, $2 closed within 3 s, $3 closed in all, last after $4 s"
[ "${2:-0}" -ge $((300 - 32)) ] && ok "connections past the unauthenticated cap are refused at once ($2 of 300)" ||
    notok "connections past the unauthenticated cap are refused at once" "$(cat "$T/unauth.out")"
[ "${3:-0}" = 300 ] && [ "${4:-99}" -le 40 ] &&
    ok "silent and trickling connections are cut at the handshake deadline (${4} s)" ||
    notok "silent and trickling connections are cut at the handshake deadline" "$(cat "$T/unauth.out")"
check "a peer gets in once they are gone" \
    sh -c "'$EVIL' -w 5 '$SOCK' $ADDR ping 2 | grep -q 'pongs 2'"

# 6. Contact requests: one from a known identity (it will make events
# below), then 200 from fresh identities, each on its own connection.
SEED=$(printf '5e%.0s' $(seq 32))
"$EVIL" -s "$SEED" -w 5 "$SOCK" "$ADDR" request "I will be back" | grep -q 'response 0' &&
    ok "a stranger's contact request is answered (pending)" ||
    notok "a stranger's contact request is answered (pending)" "no response"
t0=$SECONDS
timeout 300 "$EVIL" -n 200 -w 5 "$SOCK" "$ADDR" request "flood" >"$T/flood.out" 2>&1
acc=$(grep -c '^response 0' "$T/flood.out")
ref=$(grep -c '^closed' "$T/flood.out")
reqs=$(json v requests | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
echo "# flood: $acc answered, $ref refused, $reqs requests stored, $((SECONDS - t0)) s"
[ $((acc + ref)) = 200 ] && [ "$acc" -le 25 ] && [ "$reqs" = $((acc + 1)) ] &&
    ok "a flood of 200 contact requests is rate-limited ($acc stored)" ||
    notok "a flood of 200 contact requests is rate-limited" "$acc answered, $ref refused, $reqs stored"

# 7. Authenticated strangers holding connections open (answering PINGs).
hold_pids=""
for _ in $(seq 1 100); do
	"$EVIL" -w 15 "$SOCK" "$ADDR" hold >>"$T/hold.out" 2>&1 &
	hold_pids="$hold_pids $!"
done
sleep 5
held=$(ls -l /proc/"$(node_pid v)"/fd 2>/dev/null | grep -c socket)
echo "# 100 authenticated strangers connecting: daemon holds $held sockets, VmRSS $(rss_kb v) kB"
# Past the handshake strangers have their own cap (8, each for at most
# 30 s; strangers.sh): the daemon holds few sockets.
[ "$held" -le 60 ] && ok "100 lingering strangers hold at most the cap ($held sockets)" ||
    notok "100 lingering strangers hold at most the cap" "$held sockets"
wait $hold_pids 2>/dev/null

# 8. The known stranger reconnects 300 times once the others left (each
# visit is served; no event is written for a stranger).
timeout 300 "$EVIL" -s "$SEED" -n 300 -w 5 "$SOCK" "$ADDR" ping 1 >"$T/pings.out" 2>&1
[ "$(grep -c '^pongs 1' "$T/pings.out")" = 300 ] &&
    ok "300 reconnections by a stranger are served" ||
    notok "300 reconnections by a stranger are served" "$(sort "$T/pings.out" | uniq -c)"
wait $hold_pids "$noread_pid" 2>/dev/null
: >"$T/probe.stop"
wait "$probe_pid" 2>/dev/null
set -- $(cat "$T/probe.out" 2>/dev/null)
echo "# status: worst ${1:-?} ms over ${2:-?} calls, ${3:-?} failures"
[ "${3:-1}" = 0 ] && [ "${1:-99999}" -lt "$STATUS_BOUND_MS" ] &&
    ok "status answered within ${STATUS_BOUND_MS} ms throughout (worst ${1} ms, ${2} calls)" ||
    notok "status answered within ${STATUS_BOUND_MS} ms throughout" "worst ${1:-?} ms, ${3:-?} failures: $(head -3 "$T/probe.err")"

check "the daemon is alive" alive v
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$(node_pid v)/status")
now=$(rss_kb v)
echo "# VmRSS: ${base_kb} kB at start, ${now} kB at the end, peak ${hwm} kB"
[ $((hwm - base_kb)) -lt $((RSS_BOUND_MB * 1024)) ] &&
    ok "peak memory stays within ${RSS_BOUND_MB} MiB of the start (+$(((hwm - base_kb) / 1024)) MiB)" ||
    notok "peak memory stays within ${RSS_BOUND_MB} MiB of the start" "${base_kb} -> peak ${hwm} kB"
check "status still answers" w v status
exit $FAILED
