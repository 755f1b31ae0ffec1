#!/usr/bin/env bash
# endpoints_bench.sh -- the cost of N private endpoint onions (default 200),
# one per contact (doc/PROTOCOL.md section 9), on the private test network:
# time until all are published and all reachable through v3 client
# authorization, at first start and after restarting the service tor;
# the service tor's RSS and CPU time; the bench process's own RSS (the
# tor.c registry warrend keeps). Prints "bench ..." lines; not a test.
#   BUILD_DIR=build [WARREN_TESTNET=DIR] tests/bench/endpoints_bench.sh [N]
set -u
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(cd "${BUILD_DIR:-$SRC_DIR/build}" && pwd)
N=${1:-200}
T=$(mktemp -d /tmp/wb.XXXXXX)
OWN=""
cleanup() {
	[ -n "${BPID:-}" ] && kill -TERM "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	[ -n "$OWN" ] && "$SRC_DIR/scripts/testnet" stop "$OWN" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
if [ -n "${WARREN_TESTNET:-}" ]; then
	NET=$WARREN_TESTNET
else
	NET=$T/net OWN=$T/net
	TESTNET_OWNER_PID=$$ "$SRC_DIR/scripts/testnet" start "$NET" >/dev/null 2>&1 || exit 1
fi
# tor_stats: RSS (KiB) and CPU seconds of the service tor (its torrc path).
tor_stats() {
	local p
	p=$(pgrep -f -- "$T/svc/tor/torrc" | head -n 1)
	[ -n "$p" ] || { echo "bench service tor: not running"; return; }
	awk -v p="$p" '/^VmRSS:/ { printf "bench service tor (pid %s) rss %d KiB", p, $2 }' "/proc/$p/status"
	awk '{ printf ", cpu %.1f s\n", ($14 + $15) / 100 }' "/proc/$p/stat"
}
"$BUILD_DIR/tests/bench/bench_endpoints" "$T" "$N" "$NET/client.torrc" > "$T/out" 2>&1 &
BPID=$!
shown=0
while kill -0 "$BPID" 2>/dev/null; do
	n=$(wc -l < "$T/out")
	if [ "$n" -gt "$shown" ]; then
		sed -n "$((shown + 1)),${n}p" "$T/out" | grep -v '^pause'
		grep -q '^pause' <(sed -n "$((shown + 1)),${n}p" "$T/out") && tor_stats
		shown=$n
	fi
	sleep 1
done
sed -n "$((shown + 1)),\$p" "$T/out" | grep -v '^pause'
wait "$BPID"; rc=$?; BPID=""
exit $rc
