#!/usr/bin/env bash
# simulate.sh -- scripts/simulate's engine (tests/bench/simulate.py) with a
# small network: 8 daemons attached to 2 shared tors (--tor-control), a
# random contact graph, 160 messages while 3 daemons are stopped and
# started again. Every message must arrive exactly once and in order; the
# report lines (latency, per-daemon RSS/CPU, bytes per message) must be
# there. Timings are printed, never judged.
. "$(dirname "$0")/lib.bash"
need_testnet

out=$T/sim.out
python3 "$SRC_DIR/tests/bench/simulate.py" --build "$BUILD_DIR" \
    --testnet "$(dirname "$TORRC")" --nodes 8 --per-tor 4 --contacts 3 \
    --messages 160 --rate 20 --churn 3 --timeout 120 >"$out" 2>"$T/sim.err"
rc=$?
cat "$out"
[ $rc -eq 2 ] && { notok "simulation runs" "$(tail -n 3 "$T/sim.err")"; exit 1; }
ok "simulation runs (8 daemons, 2 tors)"
check "contacts set up through requests" grep -q '^sim=setup nodes=8 tors=2 ' "$out"
check "every message arrived exactly once and in order" \
    grep -q '^sim=result sent=160 received=160 duplicates=0 missing=0 out_of_order=0 churn=3 ok=1$' "$out"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/sim.err" | tail -n 20
check "latency percentiles reported" grep -q '^sim=latency class=all n=160 p50_ms=' "$out"
check "RSS and CPU of each daemon" test "$(grep -c '^sim=node i=[0-7] rss_kib=[1-9]' "$out")" -eq 8
check "bytes on the wire per message" grep -q '^sim=wire messages=160 client_bytes=[1-9]' "$out"
exit $FAILED
