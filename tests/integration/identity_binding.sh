#!/usr/bin/env bash
# identity_binding.sh -- the handshake binds the exact Ed25519 key (issue
# 11.5c) and the protocol version (11.5d), against a real daemon (no tor:
# evil_peer goes straight to DIR/peer.sock).
#
# A key A and its negation -A share one X25519 key, and the holder of A
# also holds -A's secret scalar. Before protocol 2 the holder of A could log
# in as onion(-A) with A's Noise key alone, and so evade a block or a
# pending decision. Now HELLO carries a signature by the exact key it
# claims, and an address whose negation we know (blocked, pending, a
# contact, or ourselves) is refused at the handshake.
. "$(dirname "$0")/lib.bash"

[ -x "$EVIL" ] || { echo "not ok - evil_peer not built in $BUILD_DIR"; exit 1; }
node_start_notor v || exit 1
ADDR=$(onion v)
SOCK=$T/v/peer.sock

seed() { printf "$1%.0s" $(seq 32); }
addr() { "$EVIL" -s "$(seed "$1")" id; }
twin() { "$EVIL" -s "$(seed "$1")" -k twin id; }
# evil_as NAME [OPTS...] ACTION [ARG]
evil_as() { local s; s=$(seed "$1"); shift; timeout 60 "$EVIL" -s "$s" -w 5 "$@" 2>&1; }
at() { echo "$SOCK" "$ADDR"; }
requests_has() { json v requests | grep -q "$1"; }
contacts_has() { json v contacts | grep -q "$1"; }

[ "$(twin a1)" != "$(addr a1)" ] && ok "onion(-A) is another address" ||
    notok "onion(-A) is another address" "same"

# The honest signed handshake works.
[ "$(evil_as a1 $(at) request "hi, signed")" = "response 0" ] &&
    ok "a signed HELLO gets in (request answered)" ||
    notok "a signed HELLO gets in (request answered)" "no response"

# Block A; the holder of A comes back as onion(-A) with a valid signature.
w v block "$(addr b1)" >/dev/null || notok "block b1" "failed"
out=$(evil_as b1 -k twin $(at) request "it is me again" | head -n 1)
[ "$out" = closed ] && ok "a blocked key's negation (onion(-A)) is refused" ||
    notok "a blocked key's negation (onion(-A)) is refused" "$out"
requests_has "$(twin b1)" && notok "onion(-A) of a blocked peer makes no request" "listed" ||
    ok "onion(-A) of a blocked peer makes no request"
contacts_has "$(twin b1)" && notok "onion(-A) of a blocked peer is not stored" "listed" ||
    ok "onion(-A) of a blocked peer is not stored"

# The same for a pending requester (a decision not to be side-stepped).
[ "$(evil_as c1 $(at) request "first")" = "response 0" ] || notok "c1 asks" "no response"
out=$(evil_as c1 -k twin $(at) request "second face" | head -n 1)
[ "$out" = closed ] && ok "a pending requester's negated key is refused" ||
    notok "a pending requester's negated key is refused" "$out"
requests_has "$(twin c1)" && notok "no second request from onion(-A)" "listed" ||
    ok "no second request from onion(-A)"

# Claiming -A without -A's signature (A's own, or none): refused at the
# handshake, whoever A is.
for k in twinbad nosig; do
	out=$(evil_as d1 -k "$k" $(at) request "unsigned" | head -n 1)
	[ "$out" = closed ] && ok "HELLO signed wrongly ($k) is refused" ||
	    notok "HELLO signed wrongly ($k) is refused" "$out"
done
requests_has "$(twin d1)" && notok "no request from a wrongly signed HELLO" "listed" ||
    ok "no request from a wrongly signed HELLO"
requests_has "$(addr d1)" && notok "no request from a wrongly signed HELLO (A)" "listed" ||
    ok "no request from a wrongly signed HELLO (A)"

# An honest stranger with a fresh key still gets in afterwards.
[ "$(evil_as e1 $(at) request "fresh")" = "response 0" ] &&
    ok "an unrelated stranger still gets in" ||
    notok "an unrelated stranger still gets in" "no response"

# Protocol 1 (today's main before this change): the daemon says which
# version it speaks and closes; its log says why, in words.
out=$(evil_as f1 -V 1 $(at) request "old")
echo "$out" | grep -qx "version 2" && echo "$out" | grep -qx closed &&
    ok "a protocol-1 peer is told 'version 2' and closed" ||
    notok "a protocol-1 peer is told 'version 2' and closed" "$out"
requests_has "$(addr f1)" && notok "a protocol-1 peer makes no request" "listed" ||
    ok "a protocol-1 peer makes no request"
grep -q "inbound peer runs an older warren protocol (1, we speak 2)" "$T/v.log" &&
    ok "the log says an older protocol was refused" ||
    notok "the log says an older protocol was refused" "$(tail -n 5 "$T/v.log")"
grep -q "$(addr f1)" "$T/v.log" && notok "that log line names no address" "it does" ||
    ok "that log line names no address"

# No downgrade: a peer speaking the classical handshake (plain Noise XK,
# as protocol 2 did before the hybrid X25519 + ML-KEM-768 XKhfs) with the
# right version byte gets no session at all.
out=$(evil_as 9a -c $(at) request "classical")
echo "$out" | grep -qx closed && ! echo "$out" | grep -q '^response' &&
    ok "a classical (non-hybrid) handshake is refused" ||
    notok "a classical (non-hybrid) handshake is refused" "$out"
requests_has "$(addr 9a)" && notok "a classical peer makes no request" "listed" ||
    ok "a classical peer makes no request"
[ "$(evil_as 9a $(at) request "hybrid")" = "response 0" ] &&
    ok "the same identity gets in with the hybrid handshake" ||
    notok "the same identity gets in with the hybrid handshake" "no response"

check "the daemon is alive" alive v
exit $FAILED
