#!/usr/bin/env bash
# files_faults.sh -- file transfer against a sender that misbehaves (issue
# 14): a stream that stalls gives file.stalled, a redial and a complete
# file; records that do not verify or claim a wrong length make the
# transfer fail with a clear error after FILE_BAD_MAX streams, with its
# partial data deleted; repeated records and records past the size are
# never stored; a source that changed after the offer fails on the hash.
# Alice is real; file_mitm.py sits between her tor and her peer.sock and
# spoils the file streams (a real sender cannot send bad records).
. "$(dirname "$0")/lib.bash"
need_testnet

node_start alice || exit 1
# The stall timeout is 60 s; the test knob makes it 4 s for bob.
WARREN_FILE_STALL_SECS=4 node_start bob || exit 1
wait_published alice && wait_published bob || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob

# Alice's tor connects to DIR/peer.sock for each stream: the proxy takes
# that name, the daemon keeps its socket under another.
mv "$T/alice/peer.sock" "$T/alice/peer.real"
python3 "$SRC_DIR/tests/integration/file_mitm.py" "$T/alice/peer.sock" \
    "$T/alice/peer.real" "$T/mitm.mode" 2>>"$T/mitm.log" &
mitm=$!
wait_until 10 test -S "$T/alice/peer.sock" || { notok "the proxy starts" "no socket"; exit 1; }

# Bob's events, as a client sees them.
rpc_py
PYTHONPATH=$T python3 - "$T/bob/warren.sock" >"$T/bob.events" 2>/dev/null <<'PYEOF' &
import json, sys
from rpc import Rpc
b = Rpc(sys.argv[1], timeout=3600)
b.call("events.subscribe")
while True:
    m = b.recv()
    p = m.get("params") or {}
    print(p.get("type"), (p.get("data") or {}).get("file"), flush=True)
PYEOF
evpid=$!
trap 'kill $mitm $evpid 2>/dev/null; cleanup' EXIT

file_field() {
	json "$1" files | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    if f["file"] == int(sys.argv[1]):
        print(f[sys.argv[2]] if f[sys.argv[2]] is not None else "")' "$2" "$3"
}
in_id() {
	json "$1" files | python3 -c '
import json, sys
ids = [f["file"] for f in json.load(sys.stdin)
       if f["dir"] == "in" and f["filename"] == sys.argv[1]]
print(max(ids) if ids else "")' "$2"
}
has_in() { [ -n "$(in_id "$1" "$2")" ]; }
state_is() { [ "$(file_field "$1" "$2" state)" = "$3" ]; }
ended() { case "$(file_field "$1" "$2" state)" in complete|failed|cancelled) return 0 ;; esac; return 1; }
sent_id() { json alice send-file bob "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["file"])'; }
stalled_event() { grep -qx "file.stalled $1" "$T/bob.events"; }

# offer MODE NAME BYTES: alice offers a new file NAME, bob accepts it with
# the proxy in MODE; sets A and B (the ids on each side).
offer() {
	echo "$1" >"$T/mitm.mode"
	head -c "$3" /dev/urandom >"$T/$2"
	A=$(sent_id "$T/$2")
	wait_until 60 has_in bob "$2" || { notok "$2: bob sees the offer" "timeout"; return 1; }
	B=$(in_id bob "$2")
	w bob accept-file "$B" >/dev/null
}
# arrives NAME: bob's copy completes, and saved it is identical.
arrives() {
	check "$1: the file completes" wait_until 180 state_is bob "$B" complete
	w bob save-file "$B" "$T/got.$1" >/dev/null
	cmp -s "$T/$1" "$T/got.$1" && ok "$1: the saved file is identical" ||
	    notok "$1: the saved file is identical" "differs"
}
# refused NAME: bob's copy fails with a clear error, its data deleted.
refused() {
	check "$1: the transfer fails" wait_until 180 ended bob "$B"
	local st err
	st=$(file_field bob "$B" state) err=$(file_field bob "$B" error)
	[ "$st" = failed ] && grep -q "does not verify" <<<"$err" &&
	    ok "$1: bob sees a clear error ($err)" ||
	    notok "$1: bob sees a clear error" "$st: $err"
	check "$1: the partial data is deleted" test ! -e "$T/bob/files/$B.part"
	check "$1: alice hears it" wait_until 60 state_is alice "$A" cancelled
	grep -q "does not verify" <<<"$(file_field alice "$A" error)" &&
	    ok "$1: alice sees why" || notok "$1: alice sees why" "$(file_field alice "$A" error)"
	alive bob && w bob status >/dev/null && ok "$1: bob carries on" ||
	    notok "$1: bob carries on" "daemon gone"
}

# --- a stalled stream: file.stalled, a redial, the file completes
offer stall stall.bin 700000 || exit 1
check "stall: bob gets file.stalled" wait_until 120 stalled_event "$B"
grep -q "file $B: the sender stalled (4 s without data)" "$T/bob.log" &&
    ok "stall: the log says so, with the test knob's 4 s" ||
    notok "stall: the log says so" "no line"
arrives stall.bin
grep -q "file $B: receiving from chunk [1-9]" "$T/bob.log" &&
    ok "stall: bob redialled and resumed where he was" ||
    notok "stall: bob redialled and resumed where he was" "no resume"

# --- hostile records
offer flip flip.bin 500000 && refused flip.bin
grep -q "file $B: chunk 3 does not verify" "$T/bob.log" &&
    ok "flip.bin: the bad chunk is named in the log" || notok "flip.bin: the bad chunk is named in the log" "no line"
offer long long.bin 500000 && refused long.bin
grep -q "file $B: bad record length from the sender" "$T/bob.log" &&
    ok "long.bin: the bad length is logged" || notok "long.bin: the bad length is logged" "no line"
offer dup dup.bin 500000 && arrives dup.bin
grep -q "file $B: chunk [3-7] does not verify" "$T/bob.log" &&
    ok "dup.bin: a repeated chunk is refused" || notok "dup.bin: a repeated chunk is refused" "no line"
offer extra extra.bin 500000 || exit 1
check "extra.bin: the file completes" wait_until 180 state_is bob "$B" complete
# 8 records: 7 full ones in their slots, the last 40 bytes over its size.
want=$(( 7 * (65536 + 40) + (500000 - 7 * 65536) + 40 ))
have=$(stat -c %s "$T/bob/files/$B.part")
[ "$have" = "$want" ] && ok "extra.bin: nothing stored past the size ($have bytes sealed)" ||
    notok "extra.bin: nothing stored past the size" "$have bytes, want $want"
w bob save-file "$B" "$T/got.extra.bin" >/dev/null
cmp -s "$T/extra.bin" "$T/got.extra.bin" && ok "extra.bin: the saved file is identical" ||
    notok "extra.bin: the saved file is identical" "differs"

# --- a real sender whose file changed (same size) after the offer
echo pass >"$T/mitm.mode"
head -c 300000 /dev/urandom >"$T/changed.bin"
A=$(sent_id "$T/changed.bin")
check "changed.bin: bob sees the offer" wait_until 60 has_in bob changed.bin
B=$(in_id bob changed.bin)
head -c 300000 /dev/urandom >"$T/changed.bin"
w bob accept-file "$B" >/dev/null
check "changed.bin: the transfer fails" wait_until 180 ended bob "$B"
grep -q "offered hash" <<<"$(file_field bob "$B" error)" &&
    ok "changed.bin: bob sees a hash mismatch ($(file_field bob "$B" error))" ||
    notok "changed.bin: bob sees a hash mismatch" "$(file_field bob "$B" state): $(file_field bob "$B" error)"
check "changed.bin: nothing of it is kept" test ! -e "$T/bob/files/$B.part"
check "changed.bin: alice hears of the mismatch" wait_until 60 state_is alice "$A" cancelled

kill $mitm $evpid 2>/dev/null
mv -f "$T/alice/peer.real" "$T/alice/peer.sock"
flowing
exit $FAILED
