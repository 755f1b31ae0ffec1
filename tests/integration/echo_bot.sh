#!/usr/bin/env bash
# echo_bot.sh -- contrib/examples/echo_bot.py without a state file starts
# from now: it answers no message that came before its first run (it used
# to replay and answer the whole history), remembers the newest event at
# once, and with a state file still catches up on what it missed. No tor:
# the history is served by a fake warrend that replays like the real one;
# the real one checks the first subscription's cursor.
. "$(dirname "$0")/lib.bash"
BOT=$SRC_DIR/contrib/examples/echo_bot.py

# fake DIR STATE: a warrend that has message events 1 ("old") and 2
# ("older still"), replays them when subscribed with since < 2, then sends
# live event 3 ("new"); prints each messages.send text the bot makes.
fake() {
	timeout 20 python3 - "$1" "$BOT" "$2" <<'PYEOF'
import json, socket, subprocess, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1] + "/warren.sock")
srv.listen(1)
bot = subprocess.Popen([sys.executable, sys.argv[2], "-d", sys.argv[1],
                        "--state", sys.argv[3]], stderr=subprocess.DEVNULL)
c, _ = srv.accept()
c.settimeout(3)
f = c.makefile("rw")
def event(i, text):
    f.write(json.dumps({"jsonrpc": "2.0", "method": "event", "params": {
        "id": i, "type": "message.received", "time": 1, "data": {
            "message": i, "contact": "a" * 56, "name": "bob", "text": text,
            "sent": 1, "seq": i, "timer": 0}}}) + "\n"); f.flush()
req = json.loads(f.readline())
since = req.get("params", {}).get("since")
f.write(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {
    "since": 2 if since is None else since, "last": 2}}) + "\n"); f.flush()
if since is not None:
    for i, t in ((1, "old"), (2, "older still")):
        if i > since:
            event(i, t)
event(3, "new")
try:
    while True:
        req = json.loads(f.readline())
        if req["method"] == "messages.send":
            print(req["params"]["text"], flush=True)
            f.write(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {
                "id": 9, "contact": "a" * 56, "state": "queued"}}) + "\n")
            f.flush()
except (socket.timeout, ValueError):
    pass
bot.kill()
PYEOF
}

mkdir -m 700 "$T/f1"
got=$(fake "$T/f1" "$T/f1.state" | tr '\n' '|')
[ "$got" = "echo: new|" ] && ok "first run (no state file): only the new message is answered" ||
    notok "first run (no state file): only the new message is answered" "sent: $got"
s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["since"])' "$T/f1.state" 2>&1)
[ "$s" = 3 ] && ok "the state file then holds the last handled event" ||
    notok "the state file then holds the last handled event" "$s"
mkdir -m 700 "$T/f2"
printf '{"since": 0, "pending": null}\n' >"$T/f2.state"
got=$(fake "$T/f2" "$T/f2.state" | tr '\n' '|')
[ "$got" = "echo: old|echo: older still|echo: new|" ] &&
    ok "with a state file it catches up on what it missed" ||
    notok "with a state file it catches up on what it missed" "sent: $got"

# The real daemon: the first subscription's cursor is the newest event.
node_start_notor d || exit 1
node_start_notor x || exit 1
w d add "$(w x id)" --name x >/dev/null && w d rename x y >/dev/null && w d rename y x >/dev/null
"$BOT" -d "$T/d" --state "$T/d.state" -v 2>"$T/bot.log" &
bot=$!
wait_until 60 test -s "$T/d.state"
kill "$bot" 2>/dev/null; wait "$bot" 2>/dev/null
last=$(python3 - "$T/d/warren.sock" <<'PYEOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe"}\n')
print(json.loads(s.makefile("rb").readline())["result"]["last"])
PYEOF
)
s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["since"])' "$T/d.state" 2>&1)
[ -n "$last" ] && [ "$last" -gt 0 ] && [ "$s" = "$last" ] && ok "against warrend, the first run starts at the newest event ($s)" ||
    notok "against warrend, the first run starts at the newest event" "state $s, newest $last; $(cat "$T/bot.log")"
exit $FAILED
