#!/usr/bin/env bash
# rpc_hostile.sh -- a table of malformed and hostile requests on the local
# API socket (python3 standard library client, no tor): each gets its
# documented error code (JSON-RPC codes for protocol errors, warren codes
# of include/warren/rpc.h for semantic ones) or, where the protocol says
# so, no reply; after every row the same connection still answers, and
# after the whole table another connection's status answers.
. "$(dirname "$0")/lib.bash"

node_start_notor h && wait_until 20 test -S "$T/h/warren.sock" || exit 1
ME=$(onion h)
# Two strangers ask to be contacts; both are then renamed "twin" (names of
# requests: ambiguous for accept, unknown to send).
"$BUILD_DIR/tests/integration/rpc_peer" "$T/h" "$ME" 2 >"$T/knocks" ||
    notok "two contact requests arrive" "$(cat "$T/knocks")"
K1=$(awk 'NR==1 {print $3}' "$T/knocks")
K2=$(awk 'NR==2 {print $3}' "$T/knocks")
w h rename "$K1" twin >/dev/null && w h rename "$K2" twin >/dev/null ||
    notok "rename the requests" "failed"

cat >"$T/hostile.py" <<'EOF'
import json, os, socket, sys, time

sock_path, me, k1 = sys.argv[1], sys.argv[2], sys.argv[3]
failed = 0

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(sock_path)
    return s

class Conn:
    def __init__(self):
        self.s = connect()
        self.buf = b""
    def send(self, data):
        self.s.sendall(data)
    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return json.loads(l)

def req(method, params=None, id=1, **extra):
    o = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        o["params"] = params
    o.update(extra)
    return (json.dumps(o) + "\n").encode()

PROBE = b'{"jsonrpc":"2.0","id":"probe","method":"status"}\n'

def report(name, ok, why=""):
    global failed
    if ok:
        print("ok - " + name)
    else:
        failed = 1
        print("not ok - %s: %s" % (name, why))
    sys.stdout.flush()

def run(c, name, payload, want, want_id="any", chunks=None):
    """Send payload, then a probe; replies before the probe's must be
    exactly `want` (a list of error codes, or "result"/"none")."""
    try:
        if chunks:
            for i in range(0, len(payload), chunks):
                c.send(payload[i:i + chunks])
                time.sleep(0.001)
        else:
            c.send(payload)
        c.send(PROBE)
        got, ids = [], []
        while True:
            r = c.line()
            if r.get("id") == "probe" and "result" in r:
                break
            if "error" in r:
                got.append(r["error"]["code"])
                msg = r["error"].get("message")
                if not isinstance(msg, str) or not msg:
                    raise ValueError("error without a message: %r" % r)
            elif "result" in r:
                got.append("result")
            ids.append(r.get("id"))
            if r.get("jsonrpc") != "2.0":
                raise ValueError("reply without jsonrpc 2.0: %r" % r)
        if got != want:
            report(name, False, "got %r, want %r" % (got[:5], want))
        elif want_id != "any" and ids and ids[0] != want_id:
            report(name, False, "reply id %r, want %r" % (ids[0], want_id))
        else:
            report(name, True)
    except Exception as e:
        report(name, False, "%s: %s" % (type(e).__name__, e))
        return Conn()
    return c

P, IR, M, PA = -32700, -32600, -32601, -32602
LOCKED, PASS, NOCONTACT, AMBIG, BADADDR, TOOLONG, EXISTS, SELF = \
    1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008
BLOCKED, NOTLOCKED, BADTEXT, BUSY, UNVER, NOREQ, STATE = \
    1009, 1010, 1011, 1012, 1013, 1014, 1015
MAX = 1024 * 1024

def padded_status(total):
    """A status request padded with an unknown param to `total` bytes."""
    head = b'{"jsonrpc":"2.0","id":7,"method":"status","params":{"pad":"'
    tail = b'"}}'
    return head + b"a" * (total - len(head) - len(tail)) + tail + b"\n"

ok_status = req("status")
table = [
    # name, payload, want, want_id
    ("plain status", ok_status, ["result"], 1),
    ("not JSON", b"hello\n", [P], None),
    ("truncated JSON", b'{"jsonrpc":"2.0","id":1,"meth\n', [P], None),
    ("two objects on a line", ok_status[:-1] + ok_status, [P], None),
    ("whitespace only", b"   \t \n", [P], None),
    ("duplicate keys", b'{"jsonrpc":"2.0","id":1,"method":"status",'
        b'"method":"x"}\n', [P], None),
    ("invalid UTF-8", b'{"jsonrpc":"2.0","id":1,"method":"st\xffatus"}\n',
        [P], None),
    ("overlong UTF-8 slash", b'{"jsonrpc":"2.0","id":1,"method":"\xc0\xaf"}\n',
        [P], None),
    ("lone surrogate escape", b'{"jsonrpc":"2.0","id":1,"method":"\\ud800"}\n',
        [P], None),
    ("raw NUL byte", b'{"jsonrpc":"2.0","id":1,\x00"method":"status"}\n',
        [P], None),
    ("escaped NUL in a param", req("contacts.add",
        {"address": me[:10] + "\u0000" + me[10:]}), [PA], 1),
    ("escaped NUL in a text", req("messages.send",
        {"contact": me, "text": "a\u0000b"}), [PA], 1),
    ("escaped NUL in the nick", req("settings.set",
        {"key": "nick", "value": "bob\u0000evil"}), [PA], 1),
    ("NUL bytes only", b"\x00" * 100 + b"\n", [P], None),
    ("escape codes", b'\x1b[2J\x1b[H\n', [P], None),
    ("batch of one", b"[" + ok_status[:-1] + b"]\n", [IR], None),
    ("empty batch", b"[]\n", [IR], None),
    ("nested arrays", b"[[[[[]]]]]\n", [IR], None),
    ("batch of 10,000", b"[" + b",".join([ok_status[:-1]] * 10000) + b"]\n",
        [IR], None),
    ("deep nesting, 100,000 [", b"[" * 100000 + b"\n", [P], None),
    ("deep nesting in params", b'{"jsonrpc":"2.0","id":1,"method":"status",'
        b'"params":{"a":' + b"[" * 5000 + b"]" * 5000 + b"}}\n", [P], None),
    ("a string, not an object", b'"status"\n', [IR], None),
    ("a number, not an object", b"42\n", [IR], None),
    ("null, not an object", b"null\n", [IR], None),
    ("jsonrpc 1.0", req("status", jsonrpc="1.0"), [IR], 1),
    ("jsonrpc missing", b'{"id":3,"method":"status"}\n', [IR], 3),
    ("jsonrpc as a number", b'{"jsonrpc":2.0,"id":3,"method":"status"}\n',
        [IR], 3),
    ("id an object", req("status", id={"a": 1}), [IR], None),
    ("id an array", req("status", id=[1]), [IR], None),
    ("id a float", req("status", id=1.5), [IR], None),
    ("id true", req("status", id=True), [IR], None),
    ("id beyond int64", b'{"jsonrpc":"2.0","id":18446744073709551616,'
        b'"method":"status"}\n', [P], None),
    ("id null answered", req("status", id=None), ["result"], None),
    ("id a string", req("status", id="abc"), ["result"], "abc"),
    ("method missing", b'{"jsonrpc":"2.0","id":4}\n', [IR], 4),
    ("method a number", req(5, id=4), [IR], 4),
    ("method an array", req(["status"], id=4), [IR], 4),
    ("unknown method", req("no.such.method"), [M], 1),
    ("method with a NUL escape", b'{"jsonrpc":"2.0","id":1,'
        b'"method":"status\\u0000x"}\n', [IR], 1),
    ("params an array", req("status", [1, 2]), [PA], 1),
    ("params a string", req("status", "x"), [PA], 1),
    ("params a number", req("status", 5), [PA], 1),
    ("params null is none", req("status", None), ["result"], 1),
    ("unknown param", req("status", {"x": 1}), [PA], 1),
    ("unknown param with good ones", req("messages.list",
        {"contact": k1, "limit": 5, "colour": "red"}), [PA], 1),
    ("missing string param", req("contacts.add", {}), [PA], 1),
    ("missing second param", req("contacts.rename", {"contact": k1}), [PA], 1),
    ("missing text", req("messages.send", {"contact": k1}), [PA], 1),
    ("string param as number", req("contacts.add", {"address": 5}), [PA], 1),
    ("string param as object", req("contacts.add", {"address": {}}), [PA], 1),
    ("string param as array", req("messages.send",
        {"contact": [k1], "text": "x"}), [PA], 1),
    ("string param as bool", req("messages.send",
        {"contact": k1, "text": True}), [PA], 1),
    ("integer param as string", req("messages.list",
        {"contact": k1, "limit": "10"}), [PA], 1),
    ("integer param as float", req("messages.list",
        {"contact": k1, "limit": 1.5}), [PA], 1),
    ("integer param as 1e2", req("messages.list",
        {"contact": k1, "limit": 1e2}), [PA], 1),
    ("integer param 1e400", b'{"jsonrpc":"2.0","id":1,"method":'
        b'"messages.list","params":{"contact":"x","limit":1e400}}\n',
        [P], None),
    ("integer param beyond int64", b'{"jsonrpc":"2.0","id":1,"method":'
        b'"events.subscribe","params":{"since":9223372036854775808}}\n',
        [P], None),
    ("integer param -1e400", b'{"jsonrpc":"2.0","id":1,"method":'
        b'"messages.list","params":{"contact":"x","limit":-1e400}}\n',
        [P], None),
    ("integer below its range", req("messages.list",
        {"contact": k1, "limit": 0}), [PA], 1),
    ("integer above its range", req("messages.list",
        {"contact": k1, "limit": 10001}), [PA], 1),
    ("negative integer", req("messages.list",
        {"contact": k1, "before": -1}), [PA], 1),
    ("int64 min", req("messages.list",
        {"contact": k1, "before": -2**63}), [PA], 1),
    ("int64 max accepted", req("messages.list",
        {"contact": k1, "before": 2**63 - 1}), ["result"], 1),
    ("integer max of its range", req("messages.list",
        {"contact": k1, "limit": 10000}), ["result"], 1),
    ("bool param as string", req("messages.list",
        {"contact": k1, "mark_read": "yes"}), [PA], 1),
    ("bool param as number", req("messages.list",
        {"contact": k1, "mark_read": 1}), [PA], 1),
    ("passphrase as number", req("daemon.unlock", {"passphrase": 1}), [PA], 1),
    ("bad address", req("contacts.add", {"address": "abc"}), [BADADDR], 1),
    ("bad address checksum", req("contacts.add",
        {"address": me[:50] + ("a" if me[50] != "a" else "b") + me[51:]}),
        [BADADDR], 1),
    ("address over 128 bytes", req("contacts.add", {"address": "a" * 129}),
        [TOOLONG], 1),
    ("own address", req("contacts.add", {"address": me}), [SELF], 1),
    ("own address, .onion, upper case", req("contacts.add",
        {"address": me.upper() + ".onion"}), [SELF], 1),
    ("block own address", req("contacts.block", {"contact": me}), [SELF], 1),
    ("name of 65 bytes", req("contacts.add",
        {"address": k1, "name": "n" * 65}), [TOOLONG], 1),
    ("name with a control character", req("contacts.rename",
        {"contact": k1, "name": "a\u0007b"}), [BADTEXT], 1),
    ("empty name", req("contacts.rename", {"contact": k1, "name": ""}),
        [PA], 1),
    ("request greeting of 2049 bytes", req("contacts.add",
        {"address": me, "message": "m" * 2049}), [TOOLONG], 1),
    ("text of 4097 bytes", req("messages.send",
        {"contact": k1, "text": "t" * 4097}), [TOOLONG], 1),
    ("unknown contact", req("messages.send",
        {"contact": "nobody", "text": "hi"}), [NOCONTACT], 1),
    ("ambiguous name", req("contacts.accept",
        {"contact": "twin"}), [AMBIG], 1),
    ("a request's name is no contact's", req("messages.send",
        {"contact": "twin", "text": "hi"}), [NOCONTACT], 1),
    ("send before accepting", req("messages.send",
        {"contact": k1, "text": "hi"}), [STATE], 1),
    ("empty text", req("messages.send", {"contact": k1, "text": ""}),
        [PA, ], 1),
    ("accept an unknown contact", req("contacts.accept",
        {"contact": "nobody"}), [NOCONTACT], 1),
    ("unblock one not blocked", req("contacts.unblock", {"contact": k1}),
        [STATE], 1),
    ("unlock when not locked", req("daemon.unlock", {"passphrase": "x"}),
        [NOTLOCKED], 1),
    ("lock without a passphrase", req("daemon.lock"), [STATE], 1),
    ("notification: no reply", b'{"jsonrpc":"2.0","method":"status"}\n',
        [], None),
    ("notification of an unknown method: no reply",
        b'{"jsonrpc":"2.0","method":"nope"}\n', [], None),
    ("notification with bad params: no reply",
        b'{"jsonrpc":"2.0","method":"status","params":{"x":1}}\n', [], None),
    ("invalid notification is answered",
        b'{"jsonrpc":"1.0","method":"status"}\n', [IR], None),
    ("empty line: no reply", b"\n", [], None),
    ("empty lines: no reply", b"\n\n\r\n\n", [], None),
    ("CRLF line ending", ok_status[:-1] + b"\r\n", ["result"], 1),
    ("bare CR inside", b'{"jsonrpc":"2.0",\r"id":1,"method":"status"}\n',
        [P], None),
    ("two requests in one write", ok_status + req("status", id=2),
        ["result", "result"], 1),
    ("split into 1-byte writes", req("status", {}, id=9), ["result"], 9),
    ("a line of exactly 1 MiB", padded_status(MAX), [PA], 7),
    ("a line of 1 MiB + 1", padded_status(MAX + 1), [IR], None),
    ("a line of 2 MiB", padded_status(2 * MAX), [IR], None),
    ("1,000 bad requests", b"x\n" * 1000, [P] * 1000, None),
]

c = Conn()
for row in table:
    name, payload, want, want_id = row
    chunks = 1 if name == "split into 1-byte writes" else None
    c = run(c, name, payload, want, want_id, chunks)

# A request dribbled in over many writes, with a pause in the middle.
try:
    c.send(b'{"jsonrpc":"2.0","id":"slow",')
    time.sleep(0.3)
    c.send(b'"method":"status"}')
    time.sleep(0.3)
    c.send(b"\n")
    r = c.line()
    report("a request split across writes with pauses",
        r.get("id") == "slow" and "result" in r, repr(r)[:200])
except Exception as e:
    report("a request split across writes with pauses", False, str(e))

# A 2 MiB line sent in pieces, then a good request on the same line's
# heels: one error, then the answer.
try:
    c.send(b'{"jsonrpc":"2.0","id":1,"method":"status","params":{"p":"')
    for _ in range(32):
        c.send(b"b" * 65536)
    c.send(b'"}}\n' + req("status", id="after"))
    r1, r2 = c.line(), c.line()
    report("a 2 MiB line in pieces, then a request",
        r1.get("error", {}).get("code") == IR and r2.get("id") == "after"
        and "result" in r2, "%r %r" % (str(r1)[:100], str(r2)[:100]))
except Exception as e:
    report("a 2 MiB line in pieces, then a request", False, str(e))

# Garbage without any newline, 3 MiB of it, then a newline and a request.
try:
    for _ in range(48):
        c.send(os.urandom(65536).replace(b"\n", b"x"))
    c.send(b"\n" + req("status", id="garbage-after"))
    codes = []
    while True:
        r = c.line()
        if r.get("id") == "garbage-after":
            break
        codes.append(r.get("error", {}).get("code"))
    report("3 MiB of random bytes without a newline", codes == [IR],
        repr(codes))
except Exception as e:
    report("3 MiB of random bytes without a newline", False, str(e))

# Half-close: replies to what was sent still arrive.
try:
    h = connect()
    h.sendall(req("status", id="half"))
    h.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = h.recv(65536)
        if not d:
            break
        data += d
    r = json.loads(data.split(b"\n")[0])
    report("a half-closed client still gets its reply",
        r.get("id") == "half" and "result" in r, repr(data[:200]))
    h.close()
except Exception as e:
    report("a half-closed client still gets its reply", False, str(e))

# A client that hangs up mid-request, and one that never sends anything.
try:
    x = connect()
    x.sendall(b'{"jsonrpc":"2.0","id":1,"me')
    x.close()
    idle = connect()
    c2 = Conn()
    c2.send(ok_status)
    r = c2.line()
    report("another connection's status answers after the table",
        "result" in r and r["result"].get("onion") == me, repr(r)[:200])
    c.send(req("status", id="last"))
    r = c.line()
    report("the first connection still answers", r.get("id") == "last" and
        "result" in r, repr(r)[:200])
    idle.close()
except Exception as e:
    report("another connection's status answers after the table", False,
        str(e))
sys.exit(failed)
EOF

python3 "$T/hostile.py" "$T/h/warren.sock" "$ME" "$K1" || FAILED=1
kill -0 "$(cat "$T/h.pid")" 2>/dev/null && ok "warrend is still running" ||
    notok "warrend is still running" "it died"
[ "$(w h id)" = "$ME" ] && ok "warren id still answers" ||
    notok "warren id still answers" "no"
node_stop h
wait "$(cat "$T/h.pid")"; rc=$?
[ $rc -eq 0 ] && ok "warrend exits 0 after the table" ||
    notok "warrend exits 0 after the table" "exit $rc"
exit $FAILED
