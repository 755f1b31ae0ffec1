#!/usr/bin/env bash
# requests_cap.sh -- contact-request spam: pending requests are capped
# (--max-requests; the oldest is dropped, with a contact.request_dropped
# event), the counts show in `status` (pending, cap, dropped, over the rate
# limit); tor's onion-service proof-of-work is asked for where tor has it
# (>= 0.4.9.2) and its state shows in `status`. Requests come from real
# protocol peers (evil_peer) through DIR/peer.sock; the PoW part runs a
# daemon on the private tor network.
. "$(dirname "$0")/lib.bash"
[ -x "$EVIL" ] || { echo "not ok - evil_peer not built in $BUILD_DIR"; exit 1; }
rpc_py

out=$("$WARREND" -d "$T/bad" -f --no-tor --max-requests 0 2>&1); rc=$?
[ $rc = 2 ] && grep -q "max-requests" <<<"$out" && ok "--max-requests 0 is a usage error" ||
    notok "--max-requests 0 is a usage error" "rc=$rc $out"

node_start_notor v --max-requests 5 || exit 1
ADDR=$(onion v)
SOCK=$T/v/peer.sock
seed() { printf '%064x' "$1"; }
for i in 1 2 3 4 5 6 7 8; do
	"$EVIL" -s "$(seed $i)" -w 5 "$SOCK" "$ADDR" request "req-$i" >"$T/r$i.out" 2>&1
done
grep -l "response 0" "$T"/r?.out | wc -l | grep -qx 8 && ok "8 requests answered (pending)" ||
    notok "8 requests answered (pending)" "$(cat "$T"/r?.out | sort | uniq -c)"
texts=$(json v requests | python3 -c '
import json, sys
print(" ".join(sorted(r["text"] for r in json.load(sys.stdin)["requests"])))')
[ "$texts" = "req-4 req-5 req-6 req-7 req-8" ] && ok "only the 5 newest are kept" ||
    notok "only the 5 newest are kept" "kept: $texts"
dropped=$(python3 - "$T/v/warren.sock" "$T" <<'PYEOF'
import json, os, sys
sys.path.insert(0, sys.argv[2])
from rpc import Rpc
r = Rpc(sys.argv[1])
i = r.send("events.subscribe", {"since": 0})
last = None
out = []
while True:
    m = r.recv()
    if m.get("id") == i:
        last = m["result"]["last"]
        if last == 0:
            break
        continue
    ev = m.get("params", {})
    if ev.get("type") == "contact.request_dropped":
        out.append(ev["data"]["contact"] + ":" + ev["data"]["reason"])
    if last is not None and ev.get("id", 0) >= last:
        break
print("\n".join(out))
PYEOF
)
want=$(for i in 1 2 3; do echo "$("$EVIL" -s "$(seed $i)" id):too many pending requests"; done)
[ "$dropped" = "$want" ] && ok "a contact.request_dropped event for each of the 3 oldest, in order" ||
    notok "a contact.request_dropped event for each of the 3 oldest" "got: $dropped"
fields() { json v status | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["requests"], s["requests_max"], s["requests_dropped"], s["requests_rate_limited"])'; }
[ "$(fields)" = "5 5 3 0" ] && ok "status: 5 pending of at most 5, 3 dropped, 0 rate-limited" ||
    notok "status: 5 pending of at most 5, 3 dropped, 0 rate-limited" "$(fields)"
# 15 more at once: 12 tokens are left in the burst of 20, so 3 are refused.
"$EVIL" -n 15 -w 5 "$SOCK" "$ADDR" request "flood" >"$T/flood.out" 2>&1
[ "$(fields)" = "5 5 15 3" ] && ok "status after a flood: 15 dropped, 3 over the rate limit" ||
    notok "status after a flood: 15 dropped, 3 over the rate limit" "$(fields) $(sort "$T/flood.out" | uniq -c)"
w v status | grep -qx "          5 of at most 5 pending; since start 15 dropped (oldest first), 3 over the rate limit" &&
    ok "warren status shows the counts" || notok "warren status shows the counts" "$(w v status)"
# Still only 5 rows in the database.
rows=$(w v --json requests | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
[ "$rows" = 5 ] && ok "5 requests stored" || notok "5 requests stored" "$rows"

# --- proof-of-work on the onion, where tor has it
need_testnet
node_start p || exit 1
wait_published p || { notok "p publishes" "timeout"; exit 1; }
tv=$(tor --version | sed -n 's/^Tor version \([0-9]*\.[0-9]*\.[0-9]*\.[0-9]*\).*/\1/p' | head -n 1)
want=$(python3 -c 'import sys; v = [int(x) for x in sys.argv[1].split(".")]; print("enabled" if v >= [0, 4, 9, 2] else "unavailable")' "$tv")
pow=$(json p status | python3 -c '
import json, sys
t = json.load(sys.stdin)["tor"]
print(t["pow"], t["version"], t["pow_note"])')
case "$want" in
enabled) [ "$pow" = "enabled $tv " ] ;;
*) grep -q "^unavailable $tv tor $tv is older than 0.4.9.2$" <<<"$pow" ;;
esac && ok "status: PoW $want with tor $tv" || notok "status: PoW $want with tor $tv" "$pow"
w p status | grep -q "^pow:     $want" && ok "warren status shows PoW $want" ||
    notok "warren status shows PoW $want" "$(w p status)"
exit $FAILED
