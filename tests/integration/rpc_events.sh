#!/usr/bin/env bash
# rpc_events.sh -- the event log through the local API, without tor. Events
# come from rpc_peer (contact requests and visits on peer.sock) and from
# accepting a request. A subscriber killed mid-stream resumes with `since`
# and gets every event exactly once (ids strictly increasing, no gaps), also
# after a daemon restart; a live subscriber sees the same events as the
# replay; 128 clients at once all get answers (the 129th is told "busy");
# a subscriber that never reads is cut off while another subscriber and
# the daemon stay responsive.
. "$(dirname "$0")/lib.bash"
PEER=$BUILD_DIR/tests/integration/rpc_peer

cat >"$T/ev.py" <<'EOF'
import json, os, socket, sys, threading, time

def connect(path, rcvbuf=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(30)
    end = time.time() + 30
    while True:     # a full listen backlog says EAGAIN: knock again
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            if time.time() > end:
                raise
            time.sleep(0.01)

class Conn:
    def __init__(self, path, rcvbuf=None):
        self.s = connect(path, rcvbuf)
        self.buf = b""
    def send(self, o):
        self.s.sendall((json.dumps(o) + "\n").encode())
    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(1 << 16)
            if not d:
                raise EOFError
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return json.loads(l)

def subscribe(c, since):
    p = {} if since < 0 else {"since": since}
    c.send({"jsonrpc": "2.0", "id": "sub", "method": "events.subscribe",
            "params": p})
    while True:
        r = c.line()
        if r.get("id") == "sub":
            if "result" not in r:
                sys.exit("subscribe failed: %r" % r)
            return r["result"]

def next_event(c):
    while True:
        r = c.line()
        if r.get("method") == "event":
            return r["params"]

def dump(path, evs):
    with open(path, "w") as f:
        for e in evs:
            f.write(json.dumps(e, sort_keys=True) + "\n")

cmd, path = sys.argv[1], sys.argv[2]
if cmd == "take":            # take SOCK SINCE N OUT: read N, hang up
    since, n, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    c = Conn(path)
    subscribe(c, since)
    dump(out, [next_event(c) for _ in range(n)])
    c.s.close()              # mid-stream, without a word
elif cmd == "until":         # until SOCK SINCE LAST OUT: read through LAST
    since, last, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    c = Conn(path)
    subscribe(c, since)
    evs = []
    while not evs or evs[-1]["id"] < last:
        evs.append(next_event(c))
    dump(out, evs)
elif cmd == "follow":        # follow SOCK OUT STOPFILE: live events only
    out, stop = sys.argv[3], sys.argv[4]
    c = Conn(path)
    subscribe(c, -1)
    open(out + ".ready", "w").close()
    c.s.settimeout(1)
    evs, end = [], time.time() + 600
    while True:
        try:
            evs.append(next_event(c))
        except socket.timeout:
            if os.path.exists(stop) or time.time() > end:
                break
    dump(out, evs)
elif cmd == "rename":        # rename SOCK CONTACT N [STOPFILE]: N renames
    who, n = sys.argv[3], int(sys.argv[4])
    stop = sys.argv[5] if len(sys.argv) > 5 else None
    c = Conn(path)
    pad = "x" * 50
    for i in range(n):
        if stop and os.path.exists(stop):
            break
        c.send({"jsonrpc": "2.0", "id": i, "method": "contacts.rename",
                "params": {"contact": who, "name": "n%d-%s" % (i, pad)}})
        if i % 100 == 99 or i == n - 1:
            for _ in range(i % 100 + 1):
                c.line()
elif cmd == "last":          # last SOCK: the newest event id
    c = Conn(path)
    print(subscribe(c, -1)["last"])
elif cmd == "clients":       # clients SOCK N: N at once, then one too many
    n = int(sys.argv[3])
    cs = [Conn(path) for _ in range(n)]
    for i, c in enumerate(cs):
        c.send({"jsonrpc": "2.0", "id": i, "method": "status"})
    got = sum(1 for i, c in enumerate(cs)
              if (lambda r: r.get("id") == i and "result" in r)(c.line()))
    print("answered", got)
    extra = Conn(path)
    try:
        r = extra.line()
        code = r.get("error", {}).get("code")
    except Exception:
        code = None
    try:
        closed = extra.s.recv(1) == b""
    except Exception:
        closed = False
    print("extra", code, "closed" if closed else "open")
    for c in cs:
        c.s.close()
elif cmd == "deaf":          # deaf SOCK READYFILE GOFILE: subscribe, never read
    ready, go = sys.argv[3], sys.argv[4]
    c = Conn(path, rcvbuf=4096)
    subscribe(c, -1)
    open(ready, "w").close()
    end = time.time() + 600
    while not os.path.exists(go) and time.time() < end:
        time.sleep(0.2)
    # Now read what is left: the daemon must have hung up on us.
    c.s.settimeout(5)
    n, eof = 0, False
    try:
        while True:
            next_event(c)
            n += 1
    except EOFError:
        eof = True
    except socket.timeout:
        pass
    print("deaf", n, "cut" if eof else "open")
elif cmd == "ping":          # ping SOCK STOPFILE: status latency while loaded
    stop = sys.argv[3]
    c = Conn(path)
    worst, k, end = 0.0, 0, time.time() + 600
    while not os.path.exists(stop) and time.time() < end:
        t = time.time()
        c.send({"jsonrpc": "2.0", "id": k, "method": "status"})
        r = c.line()
        assert r.get("id") == k and "result" in r
        worst = max(worst, time.time() - t)
        k += 1
        time.sleep(0.05)
    print("pings", k, "worst %.3f" % worst)
EOF

# check_ids FILE FIRST LAST: ids are exactly FIRST..LAST, in order.
check_ids() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1])]
first, last = int(sys.argv[2]), int(sys.argv[3])
want = list(range(first, last + 1))
if ids != want:
    dup = len(ids) - len(set(ids))
    sys.exit("got %d ids (%d duplicates), first %r last %r; want %d..%d" %
             (len(ids), dup, ids[:1], ids[-1:], first, last))
EOF
}

EV="python3 $T/ev.py"
S=$T/d/warren.sock
node_start_notor d && wait_until 20 test -S "$T/d/warren.sock" || exit 1
ME=$(onion d)

# Events 1..5: five requests. (A stranger's comings and goings make no
# events: only contacts' do, so strangers cannot flood the log.)
"$PEER" "$T/d" "$ME" 5 >"$T/knocks1" && ok "five contact requests arrive" ||
    notok "five contact requests arrive" "$(cat "$T/knocks1")"
[ "$($EV last "$S")" = 5 ] && ok "they are events 1..5" ||
    notok "they are events 1..5" "last is $($EV last "$S")"

# A live subscriber from now on.
$EV follow "$S" "$T/live" "$T/stop" &
LIVE=$!
wait_until 60 test -e "$T/live.ready"

# A subscriber replays from 0 and hangs up after 10 events while ten more
# strangers knock (10 more events).
"$PEER" "$T/d" "$ME" 10 >"$T/knocks2" &
KNOCK=$!
$EV take "$S" 0 10 "$T/a" && ok "a subscriber reads 10 events, then hangs up" ||
    notok "a subscriber reads 10 events, then hangs up" "failed"
wait $KNOCK && ok "ten more requests arrive meanwhile" ||
    notok "ten more requests arrive meanwhile" "$(cat "$T/knocks2")"
A_LAST=$(tail -n 1 "$T/a" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check_ids "$T/a" 1 10 && ok "its events are 1..10 in order" ||
    notok "its events are 1..10 in order" "see above"

# More events after it left: accepting a request, renaming it 20 times.
K=$(awk 'NR==1 {print $3}' "$T/knocks1")
w d accept "$K" >/dev/null && ok "accept a request" || notok "accept a request" "failed"
$EV rename "$S" "$K" 20 && ok "rename the contact 20 times" ||
    notok "rename the contact 20 times" "failed"
"$PEER" "$T/d" "$ME" 20 again >/dev/null && ok "a stranger visits 20 times" ||
    notok "a stranger visits 20 times" "failed"
LAST=$($EV last "$S")
WANT=$((5 + 10 + 1 + 20 + 1))	# the visiting stranger asks once
[ "$LAST" = "$WANT" ] && ok "every operation left its events ($LAST)" ||
    notok "every operation left its events ($LAST)" "want $WANT"
touch "$T/stop"
wait $LIVE

# Resume where it stopped: every later event exactly once.
$EV until "$S" "$A_LAST" "$LAST" "$T/r" &&
    check_ids "$T/r" $((A_LAST + 1)) "$LAST" &&
    ok "resuming with since=$A_LAST gets $((LAST - A_LAST)) events exactly once" ||
    notok "resuming with since gets every event exactly once" "see above"
$EV until "$S" 0 "$LAST" "$T/full"
cat "$T/a" "$T/r" | cmp -s - "$T/full" &&
    ok "what it read plus the resume is the whole log, byte for byte" ||
    notok "what it read plus the resume is the whole log, byte for byte" "differs"
check_ids "$T/live" 6 "$LAST" && tail -n +6 "$T/full" | cmp -s - "$T/live" &&
    ok "the live subscriber got events 6..$LAST once, as replayed" ||
    notok "the live subscriber got events 6..$LAST once, as replayed" \
    "$(wc -l <"$T/live") lines"
python3 - "$T/full" <<'EOF' && ok "requests, added and changed are there; no online/offline for strangers" ||
import json, sys
types = {json.loads(l)["type"] for l in open(sys.argv[1])}
want = {"contact.request", "contact.added", "contact.changed"}
bad = {"contact.online", "contact.offline"} & types
sys.exit(0 if want <= types and not bad else "missing %r, unwanted %r" % (want - types, bad))
EOF
    notok "requests, added and changed are there; no online/offline for strangers" "see above"

# The log survives a restart: the same resume gives the same events.
node_stop d
node_start_notor d && wait_until 20 test -S "$T/d/warren.sock" || exit 1
$EV until "$S" "$A_LAST" "$LAST" "$T/r2" && cmp -s "$T/r" "$T/r2" &&
    ok "after a restart the resume gives the same events" ||
    notok "after a restart the resume gives the same events" "differs"
NEXT=$($EV last "$S")
"$PEER" "$T/d" "$ME" 1 >/dev/null
[ "$($EV last "$S")" = $((NEXT + 1)) ] &&
    ok "ids keep increasing after a restart" ||
    notok "ids keep increasing after a restart" "last $($EV last "$S"), was $NEXT"

# 128 clients at once; the 129th is told the daemon is busy.
out=$($EV clients "$S" 128)
echo "$out" | grep -q '^answered 128$' && ok "128 clients at once all get answers" ||
    notok "128 clients at once all get answers" "$out"
echo "$out" | grep -q '^extra 1012 closed$' && ok "the 129th gets 1012 (too busy) and is closed" ||
    notok "the 129th gets 1012 (too busy) and is closed" "$out"
out=$($EV clients "$S" 64)
echo "$out" | grep -q '^answered 64$' && ok "64 clients at once all get answers" ||
    notok "64 clients at once all get answers" "$out"

# A subscriber that never reads, while a stranger visits over and over
# (two events of ~400 bytes a visit, until over the 4 MiB bound): it is cut
# off; a reading subscriber gets every event; status keeps answering.
rm -f "$T/stop" "$T/live.ready"
$EV deaf "$S" "$T/deaf.ready" "$T/deaf.go" >"$T/deaf.out" &
DEAF=$!
$EV follow "$S" "$T/live2" "$T/stop" &
LIVE=$!
wait_until 60 test -e "$T/deaf.ready" && wait_until 60 test -e "$T/live2.ready"
FROM=$(( $($EV last "$S") + 1 ))
$EV ping "$S" "$T/stop" >"$T/ping.out" &
PING=$!
"$PEER" "$T/d" "$ME" 9000 again >/dev/null &
VISITS=$!
$EV rename "$S" "$K" 30000 "$T/deaf.go" &
RENAMES=$!
wait_until 150 grep -q 'not reading; cutting it off' "$T/d.log" &&
    ok "the daemon cuts off the subscriber that never reads, and says why" ||
    notok "the daemon cuts off the subscriber that never reads, and says why" \
    "no log line"
sleep 1
kill "$VISITS" 2>/dev/null
wait "$VISITS" 2>/dev/null
touch "$T/deaf.go"
wait "$RENAMES" 2>/dev/null
sleep 2
touch "$T/stop"
wait $DEAF $LIVE $PING
TO=$($EV last "$S")
grep -q ' cut$' "$T/deaf.out" && ok "the subscriber that never reads is cut off" ||
    notok "the subscriber that never reads is cut off" "$(cat "$T/deaf.out")"
check_ids "$T/live2" "$FROM" "$TO" &&
    ok "a reading subscriber got all $((TO - FROM + 1)) events meanwhile" ||
    notok "a reading subscriber got all events meanwhile" "see above"
python3 - "$T/ping.out" <<'EOF' && ok "status answered within 2 s throughout ($(cat "$T/ping.out"))" ||
import sys
w = open(sys.argv[1]).read().split()
sys.exit(0 if len(w) == 4 and int(w[1]) > 10 and float(w[3]) < 2 else 1)
EOF
    notok "status answered within 2 s throughout" "$(cat "$T/ping.out")"
[ "$(w d id)" = "$ME" ] && ok "the daemon still answers" ||
    notok "the daemon still answers" "no"
exit $FAILED
