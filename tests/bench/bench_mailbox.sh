#!/usr/bin/env bash
# bench_mailbox.sh -- a mailbox's memory with COUNT (default 100)
# depositor credentials and one blob each: a mailbox without tor
# (--no-tor: nothing leaves the machine) filled through its peer.sock by
# bench_mailbox. Prints one line:
#   bench=mailbox_rss credentials=N blobs=N rss_kb=N rss_idle_kb=N
# Env: BUILD_DIR (./build).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD_DIR:-$top/build}
N=${1:-100}
T=$(mktemp -d /tmp/warren-mbbench.XXXXXX)
"$B/warrend" -d "$T/m" -f --no-tor --mailbox >"$T/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do [ -S "$T/m/peer.sock" ] && [ -S "$T/m/warren.sock" ] && break; sleep 0.1; done
idle=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status)
code=$("$B/warren" -d "$T/m" mailbox pair-code 2>/dev/null)
"$B/tests/bench/bench_mailbox" "$T/m" "$code" "$N" || { echo "bench_mailbox: could not fill the mailbox" >&2; cat "$T/log" >&2; exit 1; }
blobs=$("$B/warren" -d "$T/m" --json mailbox status | python3 -c 'import json,sys; print(json.load(sys.stdin)["blobs"])')
rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status)
echo "bench=mailbox_rss credentials=$N blobs=$blobs rss_kb=$rss rss_idle_kb=$idle"
