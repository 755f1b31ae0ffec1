#!/usr/bin/env bash
# verify.sh -- safety numbers: Alice and Bob, contacts over the private tor
# network, see the same 60 digits; a third party gets another number;
# 'warren verify --confirm' marks Bob verified and the mark survives a
# restart; the QR codes of 'warren verify' and 'warren id --qr' are drawn
# (and decode to their payloads when zbarimg is installed).
. "$(dirname "$0")/lib.bash"
need_testnet

# safety A B: A's safety number with contact B (60 digits).
safety() {
	json "$1" verify "$2" | python3 -c '
import json, sys
print(json.load(sys.stdin)["safety_number"])'
}

# verified A B: A's verified mark for B, from contacts.list ("yes"/"no").
verified() {
	json "$1" contacts | python3 -c '
import json, sys
for c in json.load(sys.stdin)["contacts"]:
    if c["address"] == sys.argv[1]:
        print("yes" if c["verified"] else "no")' "$(onion "$2")"
}

# qr_decode: the half-block QR code on stdin as text, via zbarimg (the
# drawing is read back into modules and written as a scaled PBM).
qr_decode() {
	python3 -c '
import sys
rows = []
for line in sys.stdin.read().splitlines():
    if not line or any(ch not in " \u2580\u2584\u2588" for ch in line):
        continue
    top = [ch in "\u2580\u2588" for ch in line]
    bot = [ch in "\u2584\u2588" for ch in line]
    rows += [top, bot]
s = 6
w = max(len(r) for r in rows)
out = ["P1", "%d %d" % (w * s, len(rows) * s)]
for r in rows:
    line = " ".join("0" if x < len(r) and r[x] else "1"
        for x in range(w) for _ in range(s))
    out += [line] * s
open(sys.argv[1], "w").write("\n".join(out) + "\n")' "$T/qr.pbm" &&
	zbarimg -q --raw "$T/qr.pbm" 2>/dev/null
}

# qr_lines FILE: how many lines of FILE are QR drawing.
qr_lines() { grep -c '[▀▄█]' "$1"; }

node_start alice && node_start bob || exit 1
node_start_notor carol || exit 1
check "alice publishes her onion" wait_published alice
check "bob publishes his onion" wait_published bob
check "alice and bob become contacts" befriend alice bob

# The same digits on both sides.
sa=$(safety alice bob)
sb=$(safety bob alice)
[[ $sa =~ ^[0-9]{60}$ ]] && ok "the safety number is 60 digits" ||
    notok "the safety number is 60 digits" "'$sa'"
[ -n "$sa" ] && [ "$sa" = "$sb" ] && ok "alice and bob see the same safety number" ||
    notok "alice and bob see the same safety number" "$sa vs $sb"

# A third party: carol (offline) and alice add each other's address.
w alice add "$(onion carol)" --name carol >/dev/null
w carol add "$(onion alice)" --name alice >/dev/null
sc=$(safety alice carol)
[[ $sc =~ ^[0-9]{60}$ ]] && [ "$sc" != "$sa" ] &&
    ok "the number with a third party differs" ||
    notok "the number with a third party differs" "$sc vs $sa"
[ "$(safety carol alice)" = "$sc" ] && ok "carol sees alice's number with her" ||
    notok "carol sees alice's number with her" "$(safety carol alice) vs $sc"

# What people see: twelve groups of five, a QR code, the state.
w alice verify bob >"$T/verify.out" 2>&1
groups=$(grep -E '^    [0-9]{5}( [0-9]{5}){3}$' "$T/verify.out" | tr -d ' \n')
[ "$groups" = "$sa" ] && ok "verify prints the number in 12 groups of 5" ||
    notok "verify prints the number in 12 groups of 5" "$(cat "$T/verify.out")"
[ "$(qr_lines "$T/verify.out")" -ge 15 ] && ok "verify draws a QR code" ||
    notok "verify draws a QR code" "$(qr_lines "$T/verify.out") lines"
grep -q "unverified" "$T/verify.out" && ok "bob is unverified at first" ||
    notok "bob is unverified at first" "$(tail -3 "$T/verify.out")"
[ "$(verified alice bob)" = no ] && ok "contacts lists bob as not verified" ||
    notok "contacts lists bob as not verified" "$(verified alice bob)"

# Mark bob verified: only on alice's side; an event records it.
w alice verify bob --confirm >"$T/confirm.out" 2>&1 &&
    grep -q verified "$T/confirm.out" && ok "verify --confirm succeeds" ||
    notok "verify --confirm succeeds" "$(cat "$T/confirm.out")"
[ "$(verified alice bob)" = yes ] && ok "contacts lists bob as verified" ||
    notok "contacts lists bob as verified" "$(verified alice bob)"
[ "$(verified bob alice)" = no ] && ok "bob's own list is unchanged" ||
    notok "bob's own list is unchanged" "$(verified bob alice)"
[ "$(verified alice carol)" = no ] && ok "carol is still unverified" ||
    notok "carol is still unverified" "$(verified alice carol)"
timeout 5 "$WARREN" -d "$T/alice" --json watch --since 0 >"$T/events" 2>/dev/null
grep -q '"contact.verified"' "$T/events" && ok "a contact.verified event is kept" ||
    notok "a contact.verified event is kept" "$(tail -3 "$T/events")"

# The history's header line says it (once messages.list carries "verified").
if json alice log bob | grep -q '"verified"'; then
	w alice log bob | head -n 1 | grep -q '^bob (.*): verified$' &&
	    ok "log's header says bob is verified" ||
	    notok "log's header says bob is verified" "$(w alice log bob | head -n 1)"
	w bob log alice | head -n 1 | grep -q "unverified .* 'warren verify alice'" &&
	    ok "bob's log says alice is unverified" ||
	    notok "bob's log says alice is unverified" "$(w bob log alice | head -n 1)"
fi

# The mark survives a restart; the number does not change.
node_stop alice
node_start alice || exit 1
flowing alice bob
[ "$(verified alice bob)" = yes ] && ok "bob is still verified after a restart" ||
    notok "bob is still verified after a restart" "$(verified alice bob)"
w alice verify bob >"$T/verify2.out" 2>&1
grep -q "^verified" "$T/verify2.out" && ok "verify says verified after a restart" ||
    notok "verify says verified after a restart" "$(tail -3 "$T/verify2.out")"
[ "$(safety alice bob)" = "$sa" ] && ok "the number is stable across restarts" ||
    notok "the number is stable across restarts" "$(safety alice bob)"

# Errors: an unknown contact, no contact at all.
w alice verify nobody >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "verify of an unknown contact fails" ||
    notok "verify of an unknown contact fails" "exit $rc"
w alice verify >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "verify without a contact is a usage error" ||
    notok "verify without a contact is a usage error" "exit $rc"

# warren id --qr: the address, then its QR code.
w alice id --qr >"$T/id.out" 2>&1
[ "$(head -n 1 "$T/id.out")" = "$(onion alice)" ] && ok "id --qr prints the address" ||
    notok "id --qr prints the address" "$(head -n 1 "$T/id.out")"
# 33 modules + 2 * 4 of quiet zone: 21 lines of 41 columns.
[ "$(qr_lines "$T/id.out")" = 21 ] && ok "id --qr draws a QR block" ||
    notok "id --qr draws a QR block" "$(qr_lines "$T/id.out") lines"

if command -v zbarimg >/dev/null 2>&1; then
	got=$(grep '[▀▄█ ]' "$T/id.out" | qr_decode)
	[ "$got" = "$(onion alice).onion" ] && ok "the id QR code decodes to the address" ||
	    notok "the id QR code decodes to the address" "'$got'"
	got=$(qr_decode <"$T/verify.out")
	[ "$got" = "warren-safety:1:$sa" ] && ok "the verify QR code decodes to the number" ||
	    notok "the verify QR code decodes to the number" "'$got'"
else
	echo "# skip QR decoding: zbarimg not installed (apt-get install zbar-tools)"
fi
flowing
exit $FAILED
