#!/usr/bin/env bash
# passphrase.sh -- a storage passphrase, without tor: set on first start
# with --passphrase-file; without it the daemon starts locked (status says
# so, identity needs `warren unlock`); a wrong passphrase is refused with
# RPC_E_PASSPHRASE and changes nothing on disk; the right one unlocks to the
# same address; `warren lock` locks again; a wrong --passphrase-file stops
# start-up with a clear message and changes nothing on disk.
. "$(dirname "$0")/lib.bash"
D=$T/d
PASS=$T/pass
BAD=$T/bad
printf 'correct horse battery staple\n' >"$PASS"
printf 'wrong horse\n' >"$BAD"
chmod 600 "$PASS" "$BAD"

# start_d [warrend args...]: the daemon on $D without tor.
start_d() {
	case " $NODES " in *" d "*) ;; *) NODES="$NODES d" ;; esac
	"$WARREND" -d "$D" -f --no-tor "$@" >>"$T/d.log" 2>&1 &
	echo $! >"$T/d.pid"
	wait_until 30 test -S "$D/warren.sock" ||
	    { notok "warrend starts" "no socket: $(tail -3 "$T/d.log")"; return 1; }
}
W() { "$WARREN" -d "$D" "$@"; }
sums() { (cd "$D" && sha256sum storage.key warren.db); }
code() { python3 -c 'import json,sys; print(json.load(sys.stdin)["error"]["code"])'; }

start_d --passphrase-file "$PASS" || exit 1
ADDR=$(W id)
[ ${#ADDR} -eq 56 ] && ok "first start with --passphrase-file is unlocked" ||
    notok "first start with --passphrase-file is unlocked" "id: $ADDR"
W --json status | grep -q '"passphrase": true' && ok "status says a passphrase is set" ||
    notok "status says a passphrase is set" "$(W --json status)"
python3 - "$D/storage.key" <<'EOF' && ok "the passphrase is not in the key file" ||
import sys
sys.exit(b"correct horse" in open(sys.argv[1], "rb").read())
EOF
    notok "the passphrase is not in the key file" "found"
node_stop d; wait "$(cat "$T/d.pid")" 2>/dev/null

# Restart without it: locked.
start_d || exit 1
W status >"$T/st" 2>&1; grep -q "locked" "$T/st" && ! grep -q "$ADDR" "$T/st" &&
    ok "warren status says locked (and shows no address)" ||
    notok "warren status says locked (and shows no address)" "$(cat "$T/st")"
W --json status | grep -q '"locked": true' && ok "--json status: locked true" ||
    notok "--json status: locked true" "$(W --json status)"
out=$(W id 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "locked: run 'warren unlock'" &&
    ok "warren id fails: locked, run warren unlock" ||
    notok "warren id fails: locked, run warren unlock" "exit $rc: $out"
[ "$(W --json id 2>/dev/null | code)" = 1001 ] && ok "its code is RPC_E_LOCKED (1001)" ||
    notok "its code is RPC_E_LOCKED (1001)" "$(W --json id 2>&1)"
[ "$(W --json contacts 2>/dev/null | code)" = 1001 ] && ok "contacts too" ||
    notok "contacts too" "$(W --json contacts 2>&1)"
W --json lock >"$T/lk" 2>/dev/null; [ "$(code <"$T/lk")" = 1015 ] &&
    ok "lock while locked: RPC_E_STATE (1015)" ||
    notok "lock while locked: RPC_E_STATE (1015)" "$(cat "$T/lk")"

# A wrong passphrase: refused, nothing on disk changes.
before=$(sums)
out=$(W unlock <"$BAD" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "wrong passphrase" &&
    ok "warren unlock with a wrong passphrase is refused (exit 1)" ||
    notok "warren unlock with a wrong passphrase is refused (exit 1)" "exit $rc: $out"
[ "$(W --json unlock <"$BAD" 2>/dev/null | code)" = 1002 ] &&
    ok "its code is RPC_E_PASSPHRASE (1002)" ||
    notok "its code is RPC_E_PASSPHRASE (1002)" "$(W --json unlock <"$BAD" 2>&1)"
out=$(W unlock </dev/null 2>&1); rc=$?
[ $rc -eq 1 ] && ok "warren unlock with no input fails (exit 1)" ||
    notok "warren unlock with no input fails (exit 1)" "exit $rc: $out"
[ "$(sums)" = "$before" ] && ok "nothing on disk changed (storage.key, warren.db)" ||
    notok "nothing on disk changed (storage.key, warren.db)" "checksums differ"
W --json status | grep -q '"locked": true' && ok "still locked" || notok "still locked" "no"

# The right one.
out=$(W unlock <"$PASS" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "$ADDR" && ok "the right passphrase unlocks" ||
    notok "the right passphrase unlocks" "exit $rc: $out"
[ "$(W id)" = "$ADDR" ] && ok "warren id prints the same address" ||
    notok "warren id prints the same address" "$(W id 2>&1)"
[ "$(W --json unlock <"$PASS" 2>/dev/null | code)" = 1010 ] &&
    ok "unlock when unlocked: RPC_E_NOT_LOCKED (1010)" ||
    notok "unlock when unlocked: RPC_E_NOT_LOCKED (1010)" "$(W --json unlock <"$PASS" 2>&1)"

# Lock again.
W lock >/dev/null && ok "warren lock" || notok "warren lock" "failed"
out=$(W id 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "locked" && ok "after lock, warren id fails again" ||
    notok "after lock, warren id fails again" "exit $rc: $out"
W unlock <"$PASS" >/dev/null && [ "$(W id)" = "$ADDR" ] &&
    ok "and unlock brings the same address back" ||
    notok "and unlock brings the same address back" "$(W id 2>&1)"
node_stop d; wait "$(cat "$T/d.pid")" 2>/dev/null

# A wrong --passphrase-file: start-up fails, clearly, and changes nothing.
before=$(sums); ls -a "$D" >"$T/ls.before"
out=$("$WARREND" -d "$D" -f --no-tor --passphrase-file "$BAD" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -qi "wrong passphrase" &&
    ! echo "$out" | grep -qE "Sanitizer|runtime error" &&
    ok "warrend with a wrong --passphrase-file exits 1: wrong passphrase" ||
    notok "warrend with a wrong --passphrase-file exits 1: wrong passphrase" \
    "exit $rc (139 = SIGSEGV): $out"
ls -a "$D" >"$T/ls.after"
[ "$(sums)" = "$before" ] && cmp -s "$T/ls.before" "$T/ls.after" &&
    ok "nothing on disk changed (no socket or pid file left)" ||
    notok "nothing on disk changed (no socket or pid file left)" \
    "$(diff "$T/ls.before" "$T/ls.after")"
: >"$T/empty"
out=$("$WARREND" -d "$D" -f --no-tor --passphrase-file "$T/empty" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "empty passphrase" &&
    ok "an empty passphrase file is refused" ||
    notok "an empty passphrase file is refused" "exit $rc: $out"
out=$("$WARREND" -d "$D" -f --no-tor --passphrase-file "$T/nope" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "nope" &&
    ok "a missing passphrase file is refused, naming it" ||
    notok "a missing passphrase file is refused, naming it" "exit $rc: $out"
[ "$(sums)" = "$before" ] && ok "still nothing changed on disk" ||
    notok "still nothing changed on disk" "checksums differ"

# The right file: unlocked at once.
start_d --passphrase-file "$PASS" || exit 1
[ "$(W id)" = "$ADDR" ] && ok "the right --passphrase-file starts unlocked, same address" ||
    notok "the right --passphrase-file starts unlocked, same address" "$(W id 2>&1)"
exit $FAILED
