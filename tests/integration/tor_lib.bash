# tor_lib.bash -- shared helpers for the src/tor integration tests (sourced).
# Uses the network in $WARREN_TESTNET if set, else starts its own; every
# process it starts is stopped by the EXIT trap.
set -u
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-.}
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
TOR_NODE=$BUILD_DIR/tests/integration/tor_node
TOR_PROBE=$BUILD_DIR/tests/integration/tor_probe
T=$(mktemp -d /tmp/wt.XXXXXX)
OWN_NET=""
PIDS=""
FAILED=0

# ok NAME / notok NAME WHY: TAP-ish result lines.
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1: $2"; FAILED=1; }

# cleanup: stop what we started, show logs on failure, remove the temp dir.
cleanup() {
	local p f
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for f in "$T"/*/tor.pid; do
		[ -s "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	for p in $PIDS; do
		for i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.3
		done
		kill -0 "$p" 2>/dev/null &&
		    { echo "# pid $p ignored SIGTERM"; kill -KILL "$p"; }
	done
	[ -n "$OWN_NET" ] && "$SRC_DIR/scripts/testnet" stop "$OWN_NET"
	if [ $FAILED -ne 0 ]; then
		for f in "$T"/*.out "$T"/*.err; do
			[ -s "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
		done
	fi
	[ -n "${KEEP_TMP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x "$TOR_NODE" ] || { echo "not ok - $TOR_NODE not built"; exit 1; }

# need_testnet: set NET and TORRC (starting a network if none is given).
need_testnet() {
	if [ -n "${WARREN_TESTNET:-}" ] && [ -s "$WARREN_TESTNET/client.torrc" ]; then
		NET=$WARREN_TESTNET
	else
		command -v tor >/dev/null || { echo "ok - skipped: no tor"; exit 77; }
		NET=$T/net
		OWN_NET=$NET
		TESTNET_OWNER_PID=$$ "$SRC_DIR/scripts/testnet" start "$NET" \
		    >/dev/null 2>"$T/testnet.err" || {
			notok testnet "could not start"; cat "$T/testnet.err"; exit 1; }
	fi
	TORRC=$NET/client.torrc
}

# wait_for FILE REGEX SECS: until a line of FILE matches.
wait_for() {
	local deadline=$((SECONDS + $3))
	while [ $SECONDS -lt $deadline ]; do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# count_lines FILE REGEX
count_lines() {
	grep -cE -- "$2" "$1" 2>/dev/null || true
}

# start_node NAME ARGS...: tor_node on $T/NAME, output in $T/NAME.out.
start_node() {
	local name=$1
	shift
	"$TOR_NODE" "$T/$name" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	PIDS="$PIDS $!"
	eval "${name}_PID=$!"
}

# start_client NAME [EXTRA TORRC LINES]: a plain client tor on the testnet
# with a unix SocksPort at $T/NAME/socks.sock; waits for bootstrap 100%.
start_client() {
	local name=$1 d=$T/$1
	shift
	mkdir -p "$d" && chmod 700 "$d"
	{
		echo "DataDirectory $d"
		echo "SocksPort unix:$d/socks.sock ExtendedErrors"
		echo "Log notice file $d/notice.log"
		echo "RunAsDaemon 1"
		echo "PidFile $d/tor.pid"
		echo "ShutdownWaitLength 0"
		for l in "$@"; do echo "$l"; done
		cat "$TORRC"
	} >"$d/torrc"
	tor -f "$d/torrc" --__OwningControllerProcess $$ >"$T/$name.err" 2>&1 ||
	    return 1
	wait_for "$d/notice.log" "Bootstrapped 100%" 60
}

# onion_of NAME: the address tor_node printed.
onion_of() {
	sed -n 's/^onion=//p' "$T/$1.out" | head -n 1
}
