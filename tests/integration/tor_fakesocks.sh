#!/usr/bin/env bash
# tor_fakesocks.sh -- bad SOCKS replies from a fake server give a clean,
# readable error from src/tor/socks.c (via tor_probe), never a crash.
. "$(dirname "$0")/tor_lib.bash"
command -v python3 >/dev/null || { echo "ok - skipped: no python3"; exit 77; }
ONION=aoqqpp7tzyil4hlq3umoos6atft6jvrqtosq2xy53sdgiesvgg4bqead

check() {
	local sc=$1 want=$2 out rc
	python3 "$SRC_DIR/tests/integration/fake_tor.py" socks \
	    "$T/$sc.sock" "$sc" 2>/dev/null &
	PIDS="$PIDS $!"
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -S "$T/$sc.sock" ] && break; sleep 0.2; done
	out=$("$TOR_PROBE" "unix:$T/$sc.sock" "$ONION" 9737 0 2000 2>/dev/null)
	rc=$?
	if [ $rc -eq 1 ] && echo "$out" | grep -q "$want"; then
		ok "socks $sc: $out"
	else
		notok "socks $sc" "rc=$rc out=$out"
	fi
}
check garbage 'reason="malformed SOCKS reply"'
check f0 'rep=0xf0 reason="onion service descriptor not found'
check f6 'rep=0xf6 reason="invalid onion address"'
check badatyp 'reason="malformed SOCKS reply"'
check truncated 'reason="tor closed the SOCKS connection"'
out=$("$TOR_PROBE" "unix:$T/nothing.sock" "$ONION" 9737 0 2000 2>/dev/null)
echo "$out" | grep -q 'cannot connect' && ok "no SOCKS server: $out" ||
    notok "no SOCKS server" "$out"
exit $FAILED
