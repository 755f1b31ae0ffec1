#!/usr/bin/env bash
# docs.sh -- the documentation and contrib files match the code: every RPC
# method (asked from a live daemon, with its params) is in doc/rpc.md and
# warren-rpc(7); every event and error code of rpc.h is documented, and every
# declared event is emitted; every CLI command and option is in warren(1),
# and every command is completed by the bash completion (also without
# `warren help`); the man pages format without warnings; the scripts parse;
# the echo bot and the README's ten-line bot connect, subscribe and answer
# (the echo bot keeps a message's timer and never forces). Needs no tor.
. "$(dirname "$0")/lib.bash"

DOC=$SRC_DIR/doc
RPC_MD=$DOC/rpc.md
COMP=$SRC_DIR/contrib/completion/warren.bash
BOT=$SRC_DIR/contrib/examples/echo_bot.py
NOTIFY=$SRC_DIR/contrib/examples/notify.sh
RPC_H=$SRC_DIR/include/warren/rpc.h

# A daemon without tor; lib.bash's cleanup stops it.
NODES="d"
"$WARREND" -d "$T/d" -f --no-tor >"$T/d.log" 2>&1 &
echo $! >"$T/d.pid"
wait_until 20 test -S "$T/d/warren.sock" || { notok "daemon starts" "no socket"; exit 1; }

# rpc_call METHOD: one request, the reply line on stdout.
rpc_call() {
	python3 - "$T/d/warren.sock" "$1" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[2]}).encode() + b"\n")
print(s.makefile("rb").readline().decode().strip())
EOF
}

# Methods: from the live daemon.
methods=$(rpc_call rpc.methods | python3 -c '
import json, sys
print("\n".join(m["name"] for m in json.load(sys.stdin)["result"]["methods"]))')
[ -n "$methods" ] && ok "rpc.methods answers" || notok "rpc.methods answers" "no methods"
missing=""
for m in $methods; do
	grep -q "^### $m\$" "$RPC_MD" || missing="$missing $m"
done
[ -z "$missing" ] && ok "every method has a section in doc/rpc.md ($(echo $methods | wc -w))" ||
    notok "every method has a section in doc/rpc.md" "missing:$missing"
# The methods table gives each method's params exactly as rpc.methods does.
bad=$(rpc_call rpc.methods | python3 -c '
import json, sys
doc = open(sys.argv[1]).read()
for m in json.load(sys.stdin)["result"]["methods"]:
    if "| `%s` | `%s` |" % (m["name"], m["params"]) not in doc:
        print("%s %s" % (m["name"], m["params"]))' "$RPC_MD")
[ -z "$bad" ] && ok "doc/rpc.md's methods table has every method's live params" ||
    notok "doc/rpc.md's methods table has every method's live params" "$(echo $bad)"
missing=""
for m in $methods; do
	grep -q "^\\.BR* $m\\b" "$DOC/warren-rpc.7" || missing="$missing $m"
done
[ -z "$missing" ] && ok "every method is in warren-rpc(7)" ||
    notok "every method is in warren-rpc(7)" "missing:$missing"

# Error codes and events: from include/warren/rpc.h.
missing=""
for c in $(sed -n 's/^#define RPC_E_[A-Z_]*[[:space:]]*\(-\{0,1\}[0-9]*\).*/\1/p' "$RPC_H"); do
	grep -q -- "^| $c |" "$RPC_MD" || missing="$missing $c"
done
[ -z "$missing" ] && ok "every error code of rpc.h is in doc/rpc.md's table" ||
    notok "every error code of rpc.h is in doc/rpc.md's table" "missing:$missing"
missing=""
for e in $(sed -n 's/^#define RPC_EV_[A-Z_]*[[:space:]]*"\(.*\)".*/\1/p' "$RPC_H"); do
	grep -q -- "\`$e\`" "$RPC_MD" || missing="$missing $e"
done
[ -z "$missing" ] && ok "every event of rpc.h is in doc/rpc.md" ||
    notok "every event of rpc.h is in doc/rpc.md" "missing:$missing"
missing=""
for e in $(sed -n 's/^#define RPC_EV_[A-Z_]*[[:space:]]*"\(.*\)".*/\1/p' "$RPC_H"); do
	grep -q -- "^\\.BR* $e\\b" "$DOC/warren-rpc.7" || missing="$missing $e"
done
[ -z "$missing" ] && ok "every event of rpc.h is in warren-rpc(7)" ||
    notok "every event of rpc.h is in warren-rpc(7)" "missing:$missing"
# Events emitted by a literal name must be documented too, and every event
# rpc.h declares must really be emitted (through its RPC_EV_ name).
missing=""
for e in $(grep -ho 'event_emit\(_msg\)\{0,1\}(n, *"[a-z_.]*"' "$SRC_DIR"/src/*/*.c | sed 's/.*"\(.*\)"/\1/' | sort -u); do
	grep -q -- "\`$e\`" "$RPC_MD" || missing="$missing $e"
done
[ -z "$missing" ] && ok "every event emitted under its own name is in doc/rpc.md" ||
    notok "every event emitted under its own name is in doc/rpc.md" "missing:$missing"
unused=""
for m in $(sed -n 's/^#define \(RPC_EV_[A-Z_]*\).*/\1/p' "$RPC_H"); do
	grep -qw -- "$m" "$SRC_DIR"/src/*/*.c || unused="$unused $m"
done
[ -z "$unused" ] && ok "every event of rpc.h is emitted somewhere" ||
    notok "every event of rpc.h is emitted somewhere" "never used:$unused"
grep -q "WARREN_RPC_VERSION\` in" "$RPC_MD" &&
    grep -q "API version \*\*$(sed -n 's/^#define WARREN_RPC_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$RPC_H")\*\*" "$RPC_MD" &&
    ok "doc/rpc.md names the current API version" ||
    notok "doc/rpc.md names the current API version" "version differs"

# CLI commands: from `warren help`.
cmds=$("$WARREN" help | awk '/^  [a-z]/ { print $1 }')
[ -n "$cmds" ] && ok "warren help lists commands" || notok "warren help lists commands" "none"
missing=""
for c in $cmds; do
	grep -q "^\\.\\(B\\|BI\\|BR\\) $c\\b" "$DOC/warren.1" || missing="$missing $c"
done
[ -z "$missing" ] && ok "every command is in warren(1) ($(echo $cmds | wc -w))" ||
    notok "every command is in warren(1)" "missing:$missing"
# Every long option of every command's usage line is in warren(1).
missing=""
for c in $cmds; do
	for o in $("$WARREN" help "$c" | sed -n 1p | grep -o -- '--[a-z][a-z-]*'); do
		grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$DOC/warren.1" ||
		    missing="$missing $c:$o"
	done
done
[ -z "$missing" ] && ok "every command option is in warren(1)" ||
    notok "every command option is in warren(1)" "missing:$missing"
# The fallback list (used when `warren help` cannot run): a PATH whose
# warren fails.
mkdir -p "$T/nowarren"
printf '#!/bin/sh\nexit 3\n' >"$T/nowarren/warren"
chmod +x "$T/nowarren/warren"
got=$(PATH=$T/nowarren:$PATH bash -c '
	source "$1"
	COMP_WORDS=(warren ""); COMP_CWORD=1; _warren; echo "${COMPREPLY[*]}"' _ "$COMP")
missing=""
for c in $cmds; do
	case " $got " in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
[ -z "$missing" ] && ok "every command is in the completion's fallback list" ||
    notok "every command is in the completion's fallback list" "missing:$missing (got: $got)"
got=$(PATH=$BUILD_DIR:$PATH WARREN_HOME=$T/d bash -c '
	source "$1"
	COMP_WORDS=(warren ""); COMP_CWORD=1; _warren; echo "${COMPREPLY[*]}"' _ "$COMP")
missing=""
for c in $cmds; do
	case " $got " in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
[ -z "$missing" ] && ok "the completion offers every command" ||
    notok "the completion offers every command" "missing:$missing (got: $got)"
"$WARREN" -d "$T/d" add aoqqpp7tzyil4hlq3umoos6atft6jvrqtosq2xy53sdgiesvgg4bqead --name zed >/dev/null
got=$(PATH=$BUILD_DIR:$PATH bash -c '
	source "$1"
	COMP_WORDS=(warren -d "$2" send ""); COMP_CWORD=4; _warren; echo "${COMPREPLY[*]}"' _ "$COMP" "$T/d")
case " $got " in
*" zed "*) case " $got " in
	*" aoqqpp7tzyil4hlq3umoos6atft6jvrqtosq2xy53sdgiesvgg4bqead "*)
		ok "the completion offers contact names and addresses" ;;
	*) notok "the completion offers contact names and addresses" "got: $got" ;;
	esac ;;
*) notok "the completion offers contact names and addresses" "got: $got" ;;
esac
start=$SECONDS
PATH=$BUILD_DIR:$PATH WARREN_HOME=$T/nodaemon bash -c '
	source "$1"
	COMP_WORDS=(warren send ""); COMP_CWORD=2; _warren' _ "$COMP"
[ $((SECONDS - start)) -le 3 ] && ok "the completion does not hang without a daemon" ||
    notok "the completion does not hang without a daemon" "$((SECONDS - start)) s"

# Man pages.
for p in warren.1 warrend.8 warren-rpc.7; do
	out=$(groff -man -Tutf8 -ww -z "$DOC/$p" 2>&1)
	[ -z "$out" ] && ok "$p formats without groff warnings" ||
	    notok "$p formats without groff warnings" "$out"
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -Wwarning "$DOC/$p" 2>&1)
		[ -z "$out" ] && ok "$p passes mandoc -Tlint" ||
		    notok "$p passes mandoc -Tlint" "$out"
	fi
done

# Scripts parse.
check "bash -n warren.bash" bash -n "$COMP"
check "bash -n notify.sh" bash -n "$NOTIFY"
check "echo_bot.py compiles" python3 -c 'import py_compile, sys
py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' "$BOT" "$T/echo_bot.pyc"

# The echo bot connects and subscribes (it cannot receive without peers).
python3 "$BOT" -d "$T/d" --state "$T/bot.state" -v 2>"$T/bot.log" &
bot=$!
wait_until 60 grep -q "subscribed: since [0-9]" "$T/bot.log"
kill "$bot" 2>/dev/null
wait "$bot" 2>/dev/null
grep -q "subscribed: since [0-9]" "$T/bot.log" && ok "echo_bot.py connects and subscribes" ||
    notok "echo_bot.py connects and subscribes" "$(cat "$T/bot.log")"

# The echo bot answers a disappearing message with the same timer, and
# leaves a contact whose session was reset alone (1013), never forcing.
mkdir -m 700 "$T/fakebot"
got=$(timeout 15 python3 - "$T/fakebot" "$BOT" "$T/fakebot.state" <<'EOF'
import json, socket, subprocess, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1] + "/warren.sock")
srv.listen(1)
bot = subprocess.Popen([sys.executable, sys.argv[2], "-d", sys.argv[1],
                        "--state", sys.argv[3]], stderr=subprocess.DEVNULL)
c, _ = srv.accept()
f = c.makefile("rw")
def reply(req, **kw):
    f.write(json.dumps(dict(jsonrpc="2.0", id=req["id"], **kw)) + "\n"); f.flush()
def event(i, text, timer):
    f.write(json.dumps({"jsonrpc": "2.0", "method": "event", "params": {
        "id": i, "type": "message.received", "time": 1, "data": {
            "message": i, "contact": "a" * 56, "name": "bob", "text": text,
            "sent": 1, "seq": i, "timer": timer}}}) + "\n"); f.flush()
reply(json.loads(f.readline()), result={"since": 0, "last": 0})
event(1, "secret", 300)
req = json.loads(f.readline())
print(req["method"], json.dumps(req["params"], sort_keys=True))
reply(req, error={"code": 1013, "message": "session reset"})
event(2, "again", 0)
req = json.loads(f.readline())
print(req["method"], json.dumps(req["params"], sort_keys=True))
reply(req, result={"id": 7, "contact": "a" * 56, "state": "queued"})
bot.kill()
EOF
)
want='messages.send {"contact": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "expire": 300, "text": "echo: secret"}
messages.send {"contact": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "text": "echo: again"}'
[ "$got" = "$want" ] && ok "echo_bot.py keeps a message's timer and never forces after a reset" ||
    notok "echo_bot.py keeps a message's timer and never forces after a reset" "got: $got"

# The ten-line bot of doc/rpc.md, pointed at this daemon.
awk '/^## A bot in ten lines/ { f = 1 } f && /^```python/ { g = 1; next }
    g && /^```/ { exit } g' "$RPC_MD" >"$T/bot10.py"
[ "$(wc -l <"$T/bot10.py")" -le 10 ] && ok "the README bot has at most ten lines" ||
    notok "the README bot has at most ten lines" "$(wc -l <"$T/bot10.py") lines"
WARREN_HOME=$T/d timeout 2 python3 "$T/bot10.py" >"$T/bot10.out" 2>&1
[ $? -eq 124 ] && ok "the ten-line bot connects and waits for events" ||
    notok "the ten-line bot connects and waits for events" "$(cat "$T/bot10.out")"

# ... and answers a message.received with messages.send (a stand-in daemon
# plays the event: without peers the real one never receives a message).
mkdir -m 700 "$T/fake"
got=$(timeout 10 python3 - "$T/fake" "$T/bot10.py" <<'EOF'
import json, os, socket, subprocess, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1] + "/warren.sock")
srv.listen(1)
bot = subprocess.Popen([sys.executable, sys.argv[2]],
                       env=dict(os.environ, WARREN_HOME=sys.argv[1]))
c, _ = srv.accept()
f = c.makefile("rw")
req = json.loads(f.readline())
f.write(json.dumps({"jsonrpc": "2.0", "id": req.get("id"),
                    "result": {"since": 0, "last": 0}}) + "\n")
f.write(json.dumps({"jsonrpc": "2.0", "method": "event", "params": {
    "id": 1, "type": "message.received", "time": 1, "data": {
        "message": 1, "contact": "a" * 56, "name": None, "text": "hi\nyou",
        "sent": 1, "seq": 0}}}) + "\n")
f.flush()
print(req["method"], json.dumps(json.loads(f.readline()), sort_keys=True))
bot.kill()
EOF
)
want='events.subscribe {"jsonrpc": "2.0", "method": "messages.send", "params": {"contact": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "text": "echo: hi\nyou"}}'
[ "$got" = "$want" ] && ok "the ten-line bot subscribes and answers a message" ||
    notok "the ten-line bot subscribes and answers a message" "got: $got"

exit $FAILED
