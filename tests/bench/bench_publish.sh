#!/usr/bin/env bash
# bench_publish.sh -- time from starting tor_node (spawning its own tor) to
# "onion published" on the private testnet. One machine-readable line per
# run:  bench=tor case=start-to-published run=N seconds=S
# Env: WARREN_TESTNET (else a network is started), BUILD_DIR, RUNS (3).
. "$(dirname "$0")/../integration/tor_lib.bash"
need_testnet
runs=${RUNS:-3}
for ((r = 1; r <= runs; r++)); do
	t0=$(date +%s.%N)
	start_node b$r --torrc-append "$TORRC"
	if wait_for "$T/b$r.out" "^published onion=" 60; then
		t1=$(date +%s.%N)
		awk -v a="$t1" -v b="$t0" -v r=$r 'BEGIN { printf \
		    "bench=tor case=start-to-published run=%d seconds=%.2f\n", \
		    r, a - b }'
	else
		echo "bench=tor case=start-to-published run=$r seconds=timeout"
		FAILED=1
	fi
	eval "kill -TERM \$b${r}_PID; wait \$b${r}_PID 2>/dev/null"
done
exit $FAILED
