#!/usr/bin/env bash
# foundation.sh -- the daemon's and the CLI's basic promises, without tor:
# a stable, valid address; valid JSON status; one daemon per data dir;
# clean shutdown on SIGTERM and SIGINT; exit codes 3 (no daemon) and 2
# (usage); --help everywhere; a 0700 data dir and a too-open one refused;
# no secret in the clear in the database, its WAL or the key file; hostile
# bytes on the socket leave the daemon answering.
. "$(dirname "$0")/lib.bash"
SHOW=$BUILD_DIR/tests/integration/show_secret
D=$T/home/nested/d

# start_d [warrend args...]: the daemon on $D without tor.
start_d() {
	case " $NODES " in *" d "*) ;; *) NODES="$NODES d" ;; esac
	"$WARREND" -d "$D" -f --no-tor "$@" >>"$T/d.log" 2>&1 &
	echo $! >"$T/d.pid"
	wait_until 20 test -S "$D/warren.sock" ||
	    { notok "warrend starts" "no socket: $(tail -3 "$T/d.log")"; return 1; }
}
W() { "$WARREN" -d "$D" "$@"; }

# --- start-up, address, status
start_d || exit 1
PID=$(cat "$T/d.pid")
[ "$(stat -c %a "$D")" = 700 ] && ok "the data dir is created 0700 (parents too)" ||
    notok "the data dir is created 0700 (parents too)" "mode $(stat -c %a "$D")"
ADDR=$(W id)
[[ $ADDR =~ ^[a-z2-7]{55}d$ ]] && ok "warren id prints a 56-character v3 address" ||
    notok "warren id prints a 56-character v3 address" "got '$ADDR'"
out=$(W add "$ADDR" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "your own address" &&
    ok "warren add of it is recognised as our own address" ||
    notok "warren add of it is recognised as our own address" "exit $rc: $out"
out=$(W add "$(echo "$ADDR" | tr a-z A-Z).onion" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "your own address" &&
    ok "also in upper case with .onion" || notok "also in upper case with .onion" "exit $rc: $out"
W --json status >"$T/status.json" && python3 - "$T/status.json" "$ADDR" <<'EOF' &&
import json, sys
s = json.load(open(sys.argv[1]))
assert s["onion"] == sys.argv[2] and s["locked"] is False, s
assert s["tor"]["state"] == "disabled" and isinstance(s["api"], int), s
EOF
    ok "warren --json status is valid JSON with the address" ||
    notok "warren --json status is valid JSON with the address" "$(cat "$T/status.json")"
W status | grep -q "$ADDR" && ok "warren status shows the address" ||
    notok "warren status shows the address" "$(W status)"
W --json id | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d["address"] != sys.argv[1] + ".onion")' "$ADDR" &&
    ok "warren --json id gives the .onion form" || notok "warren --json id gives the .onion form" "no"

# --- one daemon per data dir
out=$("$WARREND" -d "$D" -f --no-tor 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "already running" && echo "$out" | grep -q "pid $PID" &&
    ok "a second daemon on the same dir refuses, naming pid $PID" ||
    notok "a second daemon on the same dir refuses, naming pid $PID" "exit $rc: $out"
kill -0 "$PID" && [ "$(W id)" = "$ADDR" ] && ok "the first one is unharmed" ||
    notok "the first one is unharmed" "no"

# --- hostile bytes on the socket
python3 - "$D/warren.sock" <<'EOF' && ok "garbage, a 2 MiB line and 1,000 bad requests: still answering" ||
import json, os, socket, sys
def conn():
    s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sys.argv[1]); return s
a = conn(); a.sendall(os.urandom(100000)); a.close()          # garbage, hang up
b = conn(); b.sendall(b"{" * (2 << 20) + b"\n")             # a 2 MiB line
c = conn(); c.sendall(b'{"jsonrpc":"2.0","id":1,"method":1}\n' * 1000)
def lines(s, n):
    buf = b""
    while buf.count(b"\n") < n:
        d = s.recv(1 << 16)
        if not d: raise SystemExit("closed early")
        buf += d
    return [json.loads(l) for l in buf.split(b"\n")[:n]]
assert [r["error"]["code"] for r in lines(b, 1)] == [-32600]
assert all(r["error"]["code"] == -32600 for r in lines(c, 1000))
d = conn(); d.sendall(b'{"jsonrpc":"2.0","id":2,"method":"status"}\n')
assert "result" in lines(d, 1)[0]
EOF
    notok "garbage, a 2 MiB line and 1,000 bad requests: still answering" "see above"

# --- secrets at rest: snapshot the files while the daemon runs (WAL live)
"$BUILD_DIR/tests/integration/rpc_peer" "$D" "$ADDR" 2 >"$T/knocks" ||
    notok "two contact requests arrive" "$(cat "$T/knocks")"
W rename "$(awk 'NR==1 {print $3}' "$T/knocks")" "Zebediah Quux" >/dev/null
mkdir -m 700 "$T/snap"
for f in warren.db warren.db-wal storage.key; do
	[ -e "$D/$f" ] && cp "$D/$f" "$T/snap/"
done
[ -s "$T/snap/warren.db-wal" ] && ok "the WAL is in the snapshot" ||
    notok "the WAL is in the snapshot" "$(ls -la "$D")"
mkdir -m 700 "$T/copy" && cp "$T/snap/"* "$T/copy/"
"$SHOW" "$T/copy" >"$T/secrets" 2>"$T/show.err" &&
    [ "$(awk '$1 == "onion" {print $2}' "$T/secrets")" = "$ADDR" ] &&
    ok "the seed unseals from the store (test helper)" ||
    notok "the seed unseals from the store (test helper)" "$(cat "$T/show.err")"
python3 - "$T/secrets" "$T/knocks" "$T/snap"/* <<'EOF'
import base64, binascii, sys
sec = dict(l.split(None, 1) for l in open(sys.argv[1]).read().splitlines())
seed = binascii.unhexlify(sec["seed"].strip())
blob = sec["blob"].strip()
expanded = base64.b64decode(blob)
knocks = [l.split() for l in open(sys.argv[2]).read().splitlines()]
needles = {
    "seed (raw bytes)": seed,
    "seed (hex)": seed.hex().encode(),
    "seed (HEX)": seed.hex().upper().encode(),
    "seed (base64)": base64.b64encode(seed).rstrip(b"="),
    "seed (base64url)": base64.urlsafe_b64encode(seed).rstrip(b"="),
    "seed (base32)": base64.b32encode(seed).rstrip(b"="),
    "tor key blob": blob.encode(),
    "tor key (raw bytes)": expanded,
    "tor key (hex)": expanded.hex().encode(),
    "half of the tor key (raw)": expanded[:32],
}
for k in knocks:
    needles["contact address " + k[2][:8]] = k[2].encode()
    needles["contact address " + k[2][:8] + " (raw key)"] = \
        base64.b32decode(k[2].upper())[:32]
needles["contact name"] = b"Zebediah Quux"
needles["request nick"] = b"knock2"
needles["request text"] = b"from rpc_peer"
bad = 0
for path in sys.argv[3:]:
    data = open(path, "rb").read()
    name = path.rsplit("/", 1)[1]
    for what, n in needles.items():
        # also at any bit alignment of hex digits: lower-case the file
        hit = n in data or (n.isalnum() and n.lower() in data.lower())
        if hit:
            bad = 1
            print("not ok - %s is not in %s: found at %d" %
                  (what, name, data.lower().find(n.lower())))
    print("ok - %d secrets searched in %s (%d bytes)" %
          (len(needles), name, len(data)) if not bad else "")
sys.exit(bad)
EOF
[ $? -eq 0 ] || FAILED=1
SEEDHEX=$(awk '$1 == "seed" {print $2}' "$T/secrets")
[ ${#SEEDHEX} -eq 64 ] && strings -n 6 "$T/snap/"* | grep -qiE "$(awk '$1 == "seed" {print $2}' "$T/secrets")|$(awk '$1 == "blob" {print $2}' "$T/secrets" | cut -c1-20)" &&
    notok "strings shows neither the seed nor the tor key" "found" ||
    { [ ${#SEEDHEX} -eq 64 ] && ok "strings shows neither the seed nor the tor key"; } ||
    notok "strings shows neither the seed nor the tor key" "no seed to look for"

# --- clean shutdown, restart, same address
kill -TERM "$PID"; wait "$PID"; rc=$?
[ $rc -eq 0 ] && [ ! -e "$D/warren.sock" ] && [ ! -e "$D/warrend.pid" ] &&
    ok "SIGTERM: exit 0, socket and pid file removed" ||
    notok "SIGTERM: exit 0, socket and pid file removed" "exit $rc; $(ls "$D")"
start_d || exit 1
[ "$(W id)" = "$ADDR" ] && ok "after a restart the address is the same" ||
    notok "after a restart the address is the same" "$(W id)"
PID=$(cat "$T/d.pid")
kill -INT "$PID"; wait "$PID"; rc=$?
[ $rc -eq 0 ] && [ ! -e "$D/warren.sock" ] && [ ! -e "$D/warrend.pid" ] &&
    ok "SIGINT: exit 0, socket and pid file removed" ||
    notok "SIGINT: exit 0, socket and pid file removed" "exit $rc; $(ls "$D")"
start_d || exit 1
PID=$(cat "$T/d.pid")
W stop >/dev/null; wait "$PID"; rc=$?
[ $rc -eq 0 ] && [ ! -e "$D/warren.sock" ] && ok "warren stop: exit 0, socket removed" ||
    notok "warren stop: exit 0, socket removed" "exit $rc"

# --- no daemon, usage, help
out=$(W id 2>&1); rc=$?
[ $rc -eq 3 ] && echo "$out" | grep -q "warrend -d" && ok "no daemon: exit 3 with a hint" ||
    notok "no daemon: exit 3 with a hint" "exit $rc: $out"
out=$(W --json status 2>&1); rc=$?
[ $rc -eq 3 ] && ok "no daemon, --json status: exit 3" || notok "no daemon, --json status: exit 3" "exit $rc"
usage() { # NAME CMD...: exit 2 with a usage line on stderr
	local n=$1 out rc; shift
	out=$("$@" 2>&1 >/dev/null); rc=$?
	[ $rc -eq 2 ] && [ -n "$out" ] && ok "usage error exits 2: $n" ||
	    notok "usage error exits 2: $n" "exit $rc: $out"
}
usage "warren" "$WARREN" -d "$D"
usage "warren nosuchcmd" "$WARREN" -d "$D" nosuchcmd
usage "warren --bogus" "$WARREN" --bogus id
usage "warren id extra" "$WARREN" -d "$D" id extra
usage "warren add" "$WARREN" -d "$D" add
usage "warren add a b" "$WARREN" -d "$D" add a b
usage "warren rename x" "$WARREN" -d "$D" rename x
usage "warren log --limit" "$WARREN" -d "$D" log x --limit
usage "warren watch --since x" "$WARREN" -d "$D" watch --since x
usage "warren log x --limit 5x" "$WARREN" -d "$D" log x --limit 5x
usage "warren help nosuchcmd" "$WARREN" help nosuchcmd
usage "warrend --bogus" "$WARREND" --bogus
usage "warrend extra" "$WARREND" -d "$D" extra
usage "warrend --log-level loud" "$WARREND" -d "$D" --log-level loud
"$WARREND" --help | grep -q "^usage: warrend" && ok "warrend --help" || notok "warrend --help" "no usage"
"$WARREN" --help | grep -q "^usage: warren" && ok "warren --help" || notok "warren --help" "no usage"
"$WARREND" --version | grep -q "^warrend " && ok "warrend --version" || notok "warrend --version" "no"
CMDS=$("$WARREN" --help | awk '/^Talk/ {on=1; next} on && /^  [a-z]/ {print $1} /^$/ && on > 0 && seen {exit} on {seen=1}')
n=0
for c in $CMDS; do
	out=$("$WARREN" -d "$D" "$c" --help 2>&1); rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -q "^usage: warren $c"; then
		n=$((n + 1))
	else
		notok "warren $c --help" "exit $rc: $out"
	fi
	"$WARREN" help "$c" | grep -q "^usage: warren $c" || notok "warren help $c" "no usage"
done
[ "$n" -ge 15 ] && ok "warren CMD --help and warren help CMD for all $n commands" ||
    notok "warren CMD --help for every command" "only $n: $CMDS"

# --- a too-open data dir
mkdir -p "$T/open" && chmod 755 "$T/open"
out=$("$WARREND" -d "$T/open" -f --no-tor 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "chmod 700" && [ ! -e "$T/open/warren.db" ] &&
    ok "a data dir others can read is refused (and left alone)" ||
    notok "a data dir others can read is refused (and left alone)" "exit $rc: $out"
chmod 700 "$D" && chmod 701 "$D"
out=$("$WARREND" -d "$D" -f --no-tor 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "mode 701" && ok "so is mode 701" ||
    notok "so is mode 701" "exit $rc: $out"
chmod 700 "$D"
exit $FAILED
