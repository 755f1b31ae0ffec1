#!/usr/bin/env bash
# passphrase_bytes.sh -- a passphrase is bytes, without tor: one that is not
# UTF-8 is set by `warren passwd` (never dropped, so never "removed"), and
# one set with --passphrase-file in Latin-1 is accepted by `warren unlock`;
# daemon.passwd removes the passphrase only when asked to ("remove": true,
# `warren passwd --remove`); plain string params keep working.
. "$(dirname "$0")/lib.bash"
D=$T/d
printf 'old\n' >"$T/old"
printf 'p\xe9ss\n' >"$T/latin1"
chmod 600 "$T/old" "$T/latin1"

start_d() {
	case " $NODES " in *" d "*) ;; *) NODES="$NODES d" ;; esac
	"$WARREND" -d "$D" -f --no-tor "$@" >>"$T/d.log" 2>&1 &
	echo $! >"$T/d.pid"
	wait_until 30 test -S "$D/warren.sock" ||
	    { notok "warrend starts" "no socket: $(tail -3 "$T/d.log")"; return 1; }
}
stop_d() { node_stop d; wait "$(cat "$T/d.pid")" 2>/dev/null; rm -f "$D/warren.sock"; }
W() { "$WARREN" -d "$D" "$@"; }
has_pass() { W --json status | grep -q '"passphrase": true'; }
# rpc METHOD PARAMS-JSON: the reply's error code, or "ok".
rpc() {
	python3 - "$D/warren.sock" "$1" "$2" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[2],
    "params": json.loads(sys.argv[3])}).encode() + b"\n")
r = json.loads(s.makefile("rb").readline())
print(r["error"]["code"] if "error" in r else "ok")
EOF
}

# The issue's exact reproducer.
start_d --passphrase-file "$T/old" || exit 1
out=$(printf 'old\nnew p\xe9ss\nnew p\xe9ss\n' | W passwd 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "passphrase set" && has_pass &&
    ok "passwd to a Latin-1 passphrase: set, and status says so" ||
    notok "passwd to a Latin-1 passphrase: set, and status says so" "exit $rc: $out; $(W --json status | grep passphrase)"
W lock >/dev/null
out=$(printf 'old\n' | W unlock 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "wrong passphrase" && ok "the old passphrase no longer unlocks" ||
    notok "the old passphrase no longer unlocks" "exit $rc: $out"
out=$(printf 'new p\xe9ss\n' | W unlock 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q unlocked && ok "the Latin-1 one does (warren unlock)" ||
    notok "the Latin-1 one does (warren unlock)" "exit $rc: $out"
out=$(printf 'new pess\n' | W passwd 2>&1); rc=$?
has_pass && ok "a change with a wrong current one leaves a passphrase" ||
    notok "a change with a wrong current one leaves a passphrase" "$out"

# Removing is explicit.
[ "$(rpc daemon.passwd '{"old_b64": "bmV3IHDpc3M="}')" = -32602 ] && has_pass &&
    ok "daemon.passwd without new: -32602, the passphrase stays" ||
    notok "daemon.passwd without new: -32602, the passphrase stays" "$(W --json status | grep passphrase)"
[ "$(rpc daemon.passwd '{"old_b64": "bmV3IHDpc3M=", "new": "x", "remove": true}')" = -32602 ] && has_pass &&
    ok "new and remove together: -32602" || notok "new and remove together: -32602" "accepted"
[ "$(rpc daemon.passwd '{"old_b64": "bmV3IHDpc3M=", "new_b64": "no base64!"}')" = -32602 ] && has_pass &&
    ok "new_b64 that is not base64: -32602" || notok "new_b64 that is not base64: -32602" "accepted"
[ "$(rpc daemon.passwd '{"old_b64": "bmV3IHDpc3M=", "new_b64": "YQBi"}')" = -32602 ] && has_pass &&
    ok "new_b64 with a NUL byte: -32602" || notok "new_b64 with a NUL byte: -32602" "accepted"
out=$(printf 'new p\xe9ss\n' | W passwd --remove 2>&1); rc=$?
[ $rc -eq 0 ] && ! has_pass && ok "warren passwd --remove removes it" ||
    notok "warren passwd --remove removes it" "exit $rc: $out"
# Plain strings (old clients) still work for UTF-8 passphrases.
[ "$(rpc daemon.passwd '{"new": "caf\u00e9 au lait"}')" = ok ] && has_pass &&
    ok "daemon.passwd with a plain new string" || notok "daemon.passwd with a plain new string" "refused"
W lock >/dev/null
[ "$(rpc daemon.unlock '{"passphrase": "caf\u00e9 au lait"}')" = ok ] &&
    ok "daemon.unlock with a plain passphrase string" || notok "daemon.unlock with a plain passphrase string" "refused"
[ "$(rpc daemon.passwd '{"old": "caf\u00e9 au lait", "remove": true}')" = ok ] && ! has_pass &&
    ok "daemon.passwd remove: true" || notok "daemon.passwd remove: true" "refused"
stop_d

# A Latin-1 --passphrase-file, then warren unlock.
rm -rf "$D"
start_d --passphrase-file "$T/latin1" || exit 1
ADDR=$(W id)
stop_d
start_d || exit 1
W --json status | grep -q '"locked": true' || notok "restarted locked" "$(W status)"
out=$(W unlock <"$T/latin1" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "$ADDR" && ok "warren unlock takes a Latin-1 --passphrase-file passphrase" ||
    notok "warren unlock takes a Latin-1 --passphrase-file passphrase" "exit $rc: $out"
W lock >/dev/null
[ "$(rpc daemon.unlock '{"passphrase_b64": "cOlzcw=="}')" = ok ] &&
    ok "daemon.unlock with passphrase_b64" || notok "daemon.unlock with passphrase_b64" "refused"
W lock >/dev/null
[ "$(rpc daemon.unlock '{"passphrase": "p", "passphrase_b64": "cOlzcw=="}')" = -32602 ] &&
    ok "passphrase and passphrase_b64 together: -32602" || notok "passphrase and passphrase_b64 together: -32602" "accepted"
out=$(printf 'a\0b\n' | W unlock 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q NUL && ok "a NUL byte in a typed passphrase is refused, not cut" ||
    notok "a NUL byte in a typed passphrase is refused, not cut" "exit $rc: $out"
exit $FAILED
