#!/usr/bin/env bash
# crash_consistency.sh -- exactly once, in order, across crashes. A streams
# COUNT (2,000) messages to B over the private tor network through the
# JSON-RPC socket (one connection, pipelined messages.send lines) while
# one side's daemon is killed with SIGKILL at KILLS (10) random moments and
# started again each time. First B is the victim, then (a fresh pair) A.
# At the end B's history holds every message exactly once and in order,
# A's outbox is empty and every message is delivered, and nothing is
# undecryptable on either side.
. "$(dirname "$0")/lib.bash"
need_testnet
rpc_py

COUNT=${CRASH_COUNT:-2000}
KILLS=${CRASH_KILLS:-10}
DEADLINE=${CRASH_DEADLINE:-420}	# seconds per run, after befriending
RATE=${CRASH_RATE:-30}		# messages a second: the stream lasts ~70 s

# The sender: messages.send "m N" for N = 1..COUNT. A reply means the
# message is committed; if A dies, reconnect, ask A's history how far it
# got (committed messages are a prefix) and go on from there.
cat >"$T/sender.py" <<'EOF'
import os, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from rpc import Rpc
api, peer, count, prog = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rate = float(sys.argv[5])          # messages a second, so the crashes hit mid-stream
start = time.monotonic()
end = start + float(sys.argv[6])
nxt, reconnects = 1, 0

def connect():
    while time.monotonic() < end:
        try:
            r = Rpc(api, timeout=20)
            r.call("status")
            return r
        except Exception:
            time.sleep(0.3)
    sys.exit("sender: the daemon did not come back")

r = connect()
while nxt <= count and time.monotonic() < end:
    try:
        k = min(50, count - nxt + 1)
        ids = [r.send("messages.send", {"contact": peer, "text": "m %d" % (nxt + j)})
               for j in range(k)]
        for i in ids:
            m = r.reply(i)
            if "error" in m:
                sys.exit("sender: %s" % m["error"])
            nxt += 1
        open(prog, "w").write("%d\n" % (nxt - 1))
        time.sleep(max(0.0, start + (nxt - 1) / rate - time.monotonic()))
    except (OSError, EOFError, ValueError):
        reconnects += 1
        r = connect()
        hist = r.call("messages.list", {"contact": peer, "limit": 10000})["messages"]
        out = [m["text"] for m in hist if m["direction"] == "out"]
        if out != ["m %d" % i for i in range(1, len(out) + 1)]:
            sys.exit("sender: A's outgoing history is not a prefix 1..n")
        nxt = len(out) + 1
print("sent %d, %d reconnects" % (nxt - 1, reconnects))
EOF

# received B A: how many messages from A B holds (A's address cached:
# A may be down).
received() {
	json "$1" log "$(cat "$T/$2.onion")" --limit 10000 2>/dev/null | python3 -c '
import json, sys
print(sum(1 for m in json.load(sys.stdin)["messages"] if m["direction"] == "in"))' 2>/dev/null || echo 0
}

# verify A B: B has "m 1".."m COUNT" exactly once, in order; A's are all
# delivered; nothing undecryptable either side.
verify() {
	local a=$1 b=$2 run=$3
	json "$b" log "$(onion "$a")" --limit 10000 >"$T/$run.b.json"
	json "$a" log "$(onion "$b")" --limit 10000 >"$T/$run.a.json"
	python3 - "$T/$run.b.json" "$T/$run.a.json" "$COUNT" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))["messages"]
a = json.load(open(sys.argv[2]))["messages"]
n = int(sys.argv[3])
want = ["m %d" % i for i in range(1, n + 1)]
got = [m["text"] for m in b if m["direction"] == "in"]
bad = 0
def say(ok, what, why=""):
    global bad
    print(("ok - " if ok else "not ok - ") + what + ("" if ok else ": " + why))
    bad |= not ok
dups = len(got) - len(set(got))
missing = sorted(set(want) - set(got), key=lambda s: int(s.split()[1]))
say(got == want, "%s: B holds all %d messages exactly once, in order" % (sys.argv[1].split("/")[-1].split(".")[0], n),
    "%d held, %d duplicates, %d missing (first %s), in order: %s" %
    (len(got), dups, len(missing), missing[:3], got == sorted(got, key=lambda s: int(s.split()[1]))))
sent = [m["text"] for m in a if m["direction"] == "out"]
say(sent == want, "A's history holds the %d it sent, once each" % n, "%d" % len(sent))
states = {}
for m in a:
    if m["direction"] == "out":
        states[m["state"]] = states.get(m["state"], 0) + 1
say(states.get("delivered", 0) + states.get("read", 0) == n, "A sees all %d delivered" % n, str(states))
und = [m for m in a + b if "undecrypt" in m["state"]]
say(not und, "nothing is undecryptable", "%d undecryptable" % len(und))
sys.exit(bad)
EOF
}

# run VICTIM: one pair, one victim ("a" or "b").
run() {
	local victim=$1 a=a_$1 b=b_$1 vn i t0 got before n
	vn=$([ "$victim" = a ] && echo "$a" || echo "$b")
	node_start "$a" && node_start "$b" || return 1
	wait_published "$a" && wait_published "$b" || { notok "$victim run: publish" "timed out"; return 1; }
	befriend "$a" "$b" || { notok "$victim run: befriend" "timed out"; return 1; }
	onion "$a" >"$T/$a.onion"
	onion "$b" >"$T/$b.onion"
	t0=$SECONDS
	python3 "$T/sender.py" "$T/$a/warren.sock" "$(cat "$T/$b.onion")" "$COUNT" \
	    "$T/$victim.progress" "$RATE" "$DEADLINE" >"$T/$victim.sender" 2>&1 &
	local sender=$!
	for i in $(seq 1 "$KILLS"); do
		# A random moment while messages flow: 0.2 .. 3 s from now.
		sleep "$((RANDOM % 3)).$((RANDOM % 10))"
		node_kill "$vn"
		sleep "0.$((RANDOM % 10))"
		if ! node_start "$vn"; then
			notok "$victim run: restart $i" "failed"
			kill "$sender" 2>/dev/null
			wait "$sender" 2>/dev/null
			return 1
		fi
		before=$(received "$b" "$a")
		# Let delivery resume before the next crash (bounded).
		wait_until 90 sh -c "[ \$(cat '$T/$victim.progress' 2>/dev/null || echo 0) -gt 0 ]" >/dev/null
		end=$((SECONDS + 90))
		while [ $SECONDS -lt $end ]; do
			n=$(received "$b" "$a")
			[ "$n" -gt "$before" ] || [ "$n" -ge "$COUNT" ] && break
			sleep 0.5
		done
		echo "# $victim run: crash $i at $((SECONDS - t0)) s, B holds $n"
	done
	wait "$sender"
	cat "$T/$victim.sender" | sed 's/^/# /'
	end=$((SECONDS + DEADLINE))
	while [ $SECONDS -lt $end ] && [ "$(received "$b" "$a")" -lt "$COUNT" ]; do
		sleep 1
	done
	wait_until 120 outbox_empty "$a" && ok "$victim run: A's outbox is empty" ||
	    notok "$victim run: A's outbox is empty" "$(json "$a" contacts | grep outbox)"
	verify "$a" "$b" "$victim" || FAILED=1
	echo "# $victim run: $((SECONDS - t0)) s with $KILLS crashes"
	flowing "$a" "$b"
	node_stop "$a"
	node_stop "$b"
}

run b || FAILED=1
run a || FAILED=1
exit $FAILED
