#!/usr/bin/env bash
# lookup.sh -- how a CONTACT argument is resolved (no tor: strangers come
# from evil_peer straight to DIR/peer.sock). A stranger's request whose
# nick is one of your names does not break that name; pending requests and
# blocked peers take no part in name lookup; an ambiguity lists the
# candidates. Addresses are accepted pasted with white space, .onion, as a
# warren: link or a URL, and as a unique prefix; a v2 address is named as
# such; `accept N` takes the index from `warren requests`.
. "$(dirname "$0")/lib.bash"

[ -x "$EVIL" ] || { echo "not ok - evil_peer not built in $BUILD_DIR"; exit 1; }
node_start_notor v || exit 1
ADDR=$(onion v)
SOCK=$T/v/peer.sock

# seed NAME: a fixed identity per role; addr NAME: its onion.
seed() { printf "$1%.0s" $(seq 32); }
addr() { "$EVIL" -s "$(seed "$1")" id; }
# ask NAME NICK: NAME sends v a contact request carrying NICK.
ask() { timeout 60 "$EVIL" -s "$(seed "$1")" -w 3 -N "$2" "$SOCK" "$ADDR" request "hi from $1" >/dev/null 2>&1; }
# state_of ADDR: v's state for that address ("" if none).
state_of() {
	{ json v contacts; json v requests; } | python3 -c '
import json, sys
for d in json.loads("[" + sys.stdin.read().replace("}\n{", "},{") + "]"):
    for c in d.get("contacts", []) + d.get("requests", []):
        if c["address"] == sys.argv[1]: print(c.get("request") or c["state"])' "$1"
}
# log_has ADDR TEXT: v's conversation with ADDR holds TEXT.
log_has() { json v log "$1" | grep -q "\"text\": \"$2\""; }

BOB=$(addr b1); CAROL=$(addr c1); DAVE=$(addr d1)

# --- 18.4: a stranger calling itself "bob" does not break your bob.
w v add "$BOB" --name bob >"$T/add.out" 2>&1 || notok "add bob" "$(cat "$T/add.out")"
grep -q "^contact request to bob " "$T/add.out" && ok "add says the name, not only the address" ||
    notok "add says the name, not only the address" "$(cat "$T/add.out")"
ask c1 bob
check "carol's request (nick bob) is pending" wait_until 60 has_request v "$CAROL"
if w v send bob "for the real bob" >"$T/send.out" 2>&1; then
	ok "send bob works despite a pending request called bob"
else
	notok "send bob works despite a pending request called bob" "$(cat "$T/send.out")"
fi
check "the message went to the contact named bob" log_has "$BOB" "for the real bob"
json v log "$CAROL" 2>/dev/null | grep -q "for the real bob" &&
    notok "nothing went to the stranger" "it did" || ok "nothing went to the stranger"

# A second stranger calling itself bob: accept bob is ambiguous among the
# requests, and the error names both candidates.
ask d1 bob
check "dave's request (nick bob) is pending" wait_until 60 has_request v "$DAVE"
if w v accept bob >"$T/acc.out" 2>&1; then
	notok "accept bob is ambiguous" "it accepted: $(cat "$T/acc.out")"
else
	ok "accept bob is ambiguous"
fi
grep -q "${CAROL:0:8}" "$T/acc.out" && grep -q "${DAVE:0:8}" "$T/acc.out" &&
    ok "the ambiguity error lists the candidates" ||
    notok "the ambiguity error lists the candidates" "$(cat "$T/acc.out")"
json v accept bob >"$T/acc.json" 2>/dev/null
grep -q '"code": 1004' "$T/acc.json" && ok "--json: the ambiguity is 1004" ||
    notok "--json: the ambiguity is 1004" "$(cat "$T/acc.json")"

# --- accept N: the index of `warren requests`.
w v requests >"$T/req.out"
grep -q "^ *1[.)] .*$CAROL" "$T/req.out" && grep -q "^ *2[.)] .*$DAVE" "$T/req.out" &&
    ok "requests are numbered" || notok "requests are numbered" "$(cat "$T/req.out")"
w v accept 2 >"$T/acc2.out" 2>&1 && [ "$(state_of "$DAVE")" = contact ] &&
    [ "$(state_of "$CAROL")" = pending ] &&
    ok "accept 2 accepts the second request" ||
    notok "accept 2 accepts the second request" "$(cat "$T/acc2.out"); $(state_of "$DAVE")"
grep -q "bob" "$T/acc2.out" && ok "accept names the contact" ||
    notok "accept names the contact" "$(cat "$T/acc2.out")"
w v accept 5 >"$T/acc5.out" 2>&1 && notok "accept of a missing index fails" "it worked" ||
    ok "accept of a missing index fails"

# Dave (now a contact) keeps the nick bob: a real ambiguity among contacts.
w v send bob "which one" >"$T/amb.out" 2>&1 && notok "two contacts named bob are ambiguous" "sent" ||
    ok "two contacts named bob are ambiguous"
grep -q "${BOB:0:8}" "$T/amb.out" && grep -q "${DAVE:0:8}" "$T/amb.out" &&
    ! grep -q "${CAROL:0:8}" "$T/amb.out" &&
    ok "the candidates are the two contacts, not the request" ||
    notok "the candidates are the two contacts, not the request" "$(cat "$T/amb.out")"

# --- unique address prefixes wherever an address is taken.
w v rename "${DAVE:0:6}" dave >"$T/ren.out" 2>&1 && grep -q "dave" "$T/ren.out" &&
    ok "rename by a unique address prefix" || notok "rename by a unique address prefix" "$(cat "$T/ren.out")"
w v send bob "only one bob now" >/dev/null 2>&1 && log_has "$BOB" "only one bob now" &&
    ok "bob is unique again" || notok "bob is unique again" "failed"
w v send "${BOB:0:5}" "by prefix" >/dev/null 2>&1 && log_has "$BOB" "by prefix" &&
    ok "send by a unique address prefix" || notok "send by a unique address prefix" "failed"
w v send "$(tr a-z A-Z <<<"${BOB:0:7}")" "upper prefix" >/dev/null 2>&1 && log_has "$BOB" "upper prefix" &&
    ok "a prefix in upper case" || notok "a prefix in upper case" "failed"

# Blocked peers take no part in name lookup: carol (nick bob) blocked.
w v block "$CAROL" >"$T/blk.out" 2>&1 && [ "$(state_of "$CAROL")" = blocked ] ||
    notok "block carol" "$(cat "$T/blk.out")"
grep -q "^bob blocked" "$T/blk.out" && ok "block names the peer" ||
    notok "block names the peer" "$(cat "$T/blk.out")"
w v send bob "after the block" >"$T/s3.out" 2>&1 && log_has "$BOB" "after the block" &&
    ok "a blocked peer called bob does not break bob" ||
    notok "a blocked peer called bob does not break bob" "$(cat "$T/s3.out")"
w v unblock bob >"$T/unb.out" 2>&1 && [ "$(state_of "$CAROL")" = "" ] &&
    ok "unblock looks the name up among the blocked" ||
    notok "unblock looks the name up among the blocked" "$(cat "$T/unb.out")"

# A blocked contact's history is still found by name (nothing else is
# called that), but nothing can be sent to it.
w v block dave >/dev/null 2>&1 && [ "$(state_of "$DAVE")" = blocked ] || notok "block dave" "failed"
json v log dave >/dev/null 2>&1 && ok "log finds a blocked contact by name" ||
    notok "log finds a blocked contact by name" "$(w v log dave 2>&1)"
w v send dave "x" >"$T/sd.out" 2>&1 && notok "send to a blocked name fails" "sent" ||
    { grep -q "blocked" "$T/sd.out" && ok "send to a blocked name fails, saying so" ||
    notok "send to a blocked name fails, saying so" "$(cat "$T/sd.out")"; }

# A name that only a pending request has: not found, with a hint.
ask e1 erin
check "erin asks" wait_until 60 has_request v "$(addr e1)"
w v send erin "x" >"$T/erin.out" 2>&1 && notok "a request's nick is not a contact name" "sent" ||
    ok "a request's nick is not a contact name"
grep -q "request" "$T/erin.out" && ok "the error points at the pending request" ||
    notok "the error points at the pending request" "$(cat "$T/erin.out")"
E1=$(addr e1)
w v add "${E1:0:6}" --name erin >"$T/adde.out" 2>&1 && [ "$(state_of "$E1")" = contact ] &&
    ok "add with a unique prefix of a request accepts it" ||
    notok "add with a unique prefix of a request accepts it" "$(cat "$T/adde.out")"
grep -q "^erin is now a contact" "$T/adde.out" && ok "add says the name it was given" ||
    notok "add says the name it was given" "$(cat "$T/adde.out")"

# --- pasted addresses: white space, .onion, upper case, links, URLs.
F1=$(addr f1); G1=$(addr a2); H1=$(addr a3); I1=$(addr a4)
w v add "  $F1.onion
" >/dev/null 2>&1 && [ "$(state_of "$F1")" = sending ] &&
    ok "add trims white space and .onion" || notok "add trims white space and .onion" "$(state_of "$F1")"
w v add "warren:$G1" >/dev/null 2>&1 && [ "$(state_of "$G1")" = sending ] &&
    ok "add takes a warren: link" || notok "add takes a warren: link" "failed"
w v add "http://$(tr a-z A-Z <<<"$H1").onion/some/path?x=1" >/dev/null 2>&1 &&
    [ "$(state_of "$H1")" = sending ] &&
    ok "add takes a pasted URL" || notok "add takes a pasted URL" "failed"
w v add "https://$I1.onion:9737/" >/dev/null 2>&1 && [ "$(state_of "$I1")" = sending ] &&
    ok "add takes a URL with a port" || notok "add takes a URL with a port" "failed"
w v log " $F1.onion " >/dev/null 2>&1 && ok "log takes a pasted address" ||
    notok "log takes a pasted address" "failed"
w v add "http://$ADDR.onion/" >"$T/self.out" 2>&1 && notok "own address refused" "added" ||
    ok "own address refused"

# A v2-length address is named as such.
for a in expyuzz4wqqyqhjn expyuzz4wqqyqhjn.onion " http://expyuzz4wqqyqhjn.onion/ "; do
	w v add "$a" >"$T/v2.out" 2>&1 && notok "v2 address ($a) refused" "added" ||
	    { grep -qi "v2" "$T/v2.out" && ok "v2 address ($a) named as such" ||
	    notok "v2 address ($a) named as such" "$(cat "$T/v2.out")"; }
done
w v add "${BOB:0:55}" >"$T/short.out" 2>&1 && notok "a truncated address is refused" "added" ||
    { grep -q "56" "$T/short.out" && ok "a truncated address says the length" ||
    notok "a truncated address says the length" "$(cat "$T/short.out")"; }
exit $FAILED
