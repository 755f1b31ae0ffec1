#!/usr/bin/env bash
# cli_args.sh -- warren's command line, without tor: options count anywhere
# before "--" (`warren send bob --expire 30s secret` expires and sends
# "secret"), a word that looks like an option but is none is an error with
# a hint and sends nothing, "--" passes such words; input that is not UTF-8
# is named as such (not "missing parameter"); --json prints {"error":...}
# on standard output for every failing command, send included.
. "$(dirname "$0")/lib.bash"

node_start_notor a || exit 1
node_start_notor b || exit 1
B=$(onion b)
w a add "$B" --name bob >/dev/null || notok "add bob" "failed"

# last_msg: the newest message to bob as "text|timer".
last_msg() {
	json a log bob | python3 -c '
import json, sys
m = json.load(sys.stdin)["messages"][-1]
print("%s|%s" % (m["text"], m.get("timer", 0)))'
}
count() { json a log bob --limit 10000 | python3 -c '
import json, sys; print(len(json.load(sys.stdin)["messages"]))'; }

# --- options after CONTACT (issue 11.10)
w a send bob --expire 30s secret >/dev/null
[ "$(last_msg)" = "secret|30" ] && ok "send bob --expire 30s secret: text 'secret', expires in 30 s" ||
    notok "send bob --expire 30s secret: text 'secret', expires in 30 s" "got $(last_msg)"
w a send bob two words --expire 1m >/dev/null
[ "$(last_msg)" = "two words|60" ] && ok "an option after the text counts too" ||
    notok "an option after the text counts too" "got $(last_msg)"
POSIXLY_CORRECT=1 w a send bob --expire 2m posix >/dev/null
[ "$(last_msg)" = "posix|120" ] && ok "the same with POSIXLY_CORRECT set" ||
    notok "the same with POSIXLY_CORRECT set" "got $(last_msg)"
n=$(count)
out=$(w a send bob hello -x 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "unknown option -x" && echo "$out" | grep -q -- "-- -x" &&
    [ "$(count)" = "$n" ] && ok "send bob hello -x: usage error with a hint, nothing sent" ||
    notok "send bob hello -x: usage error with a hint, nothing sent" "exit $rc: $out; $(count) messages, was $n"
out=$(w a send bob -5 degrees 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(count)" = "$n" ] && ok "send bob -5 degrees: an error, nothing sent" ||
    notok "send bob -5 degrees: an error, nothing sent" "exit $rc: $out"
w a send bob -- -5 degrees --expire 30s >/dev/null
[ "$(last_msg)" = "-5 degrees --expire 30s|0" ] && ok "after --, words that start with '-' are text" ||
    notok "after --, words that start with '-' are text" "got $(last_msg)"
out=$(w a send bob hi --help 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "usage: warren send" && [ "$(count)" = "$((n + 1))" ] &&
    ok "send bob hi --help: help, nothing sent" ||
    notok "send bob hi --help: help, nothing sent" "exit $rc: $out"
[ "$(POSIXLY_CORRECT=1 json a log bob --limit 1 | python3 -c '
import json, sys; print(len(json.load(sys.stdin)["messages"]))')" = 1 ] &&
    ok "log bob --limit 1 (option after CONTACT, POSIXLY_CORRECT)" ||
    notok "log bob --limit 1 (option after CONTACT, POSIXLY_CORRECT)" "$(w a log bob --limit 1 2>&1)"
out=$(w a rename bob -x 2>&1); rc=$?
[ $rc -eq 2 ] && json a contacts | grep -q '"name": "bob"' &&
    ok "rename bob -x: an error, the name stays" ||
    notok "rename bob -x: an error, the name stays" "exit $rc: $out"
w a rename bob -- -bob- >/dev/null && w a rename -- -bob- bob >/dev/null &&
    json a contacts | grep -q '"name": "bob"' && ok "rename with -- takes a name that starts with '-'" ||
    notok "rename with -- takes a name that starts with '-'" "$(json a contacts)"
out=$(w a set nick -me 2>&1); rc=$?
[ $rc -eq 2 ] && ! json a settings | grep -q -- '-me' && ok "set nick -me: an error" ||
    notok "set nick -me: an error" "exit $rc: $out"
out=$(w a timer bob -1h 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "unknown option" && ok "timer bob -1h: unknown option" ||
    notok "timer bob -1h: unknown option" "exit $rc: $out"
out=$(w a status --verbose 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "unknown option --verbose" && ok "status --verbose: unknown option" ||
    notok "status --verbose: unknown option" "exit $rc: $out"
C=$(w b id)
w a add --name carol "$C" >/dev/null 2>&1 || true
out=$(w a add "$(onion a | tr a-z A-Z)" --message hi 2>&1); rc=$?
echo "$out" | grep -qi "own address" && ok "add ADDRESS --message: the option is taken" ||
    notok "add ADDRESS --message: the option is taken" "exit $rc: $out"
out=$(w a log bob --json 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "global option" && ok "log bob --json: says --json goes before the command" ||
    notok "log bob --json: says --json goes before the command" "exit $rc: $out"
out=$(w a send bob --expire 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q -- "--expire needs a value" && ok "a missing option value is named" ||
    notok "a missing option value is named" "exit $rc: $out"

# --- not UTF-8 (issue 18.2)
n=$(count)
out=$(printf 'caf\xe9' | w a send bob - 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "message text is not valid UTF-8" && ! echo "$out" | grep -q missing &&
    ok "send bob - with Latin-1 input: 'message text is not valid UTF-8'" ||
    notok "send bob - with Latin-1 input: 'message text is not valid UTF-8'" "exit $rc: $out"
out=$(w a send bob "$(printf 'caf\xe9')" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "message text is not valid UTF-8" &&
    ok "send bob TEXT in Latin-1: the same" || notok "send bob TEXT in Latin-1: the same" "exit $rc: $out"
out=$(printf 'a\0b' | w a send bob - 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "NUL" && ok "a NUL byte on stdin is refused, not cut" ||
    notok "a NUL byte on stdin is refused, not cut" "exit $rc: $out"
[ "$(count)" = "$n" ] && ok "none of these was sent" || notok "none of these was sent" "$(count) vs $n"
out=$(w a rename bob "$(printf 'caf\xe9')" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "name is not valid UTF-8" &&
    ok "rename: 'the name is not valid UTF-8'" || notok "rename: 'the name is not valid UTF-8'" "exit $rc: $out"
out=$(w a add "$C" --name "$(printf 'caf\xe9')" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "name is not valid UTF-8" &&
    ok "add --name: 'the name is not valid UTF-8'" || notok "add --name: 'the name is not valid UTF-8'" "exit $rc: $out"
out=$(w a add "$(printf '\xe9')$C" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "address is not valid UTF-8" &&
    ok "add: 'the address is not valid UTF-8'" || notok "add: 'the address is not valid UTF-8'" "exit $rc: $out"
out=$(w a log "$(printf 'b\xf6b')" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "contact is not valid UTF-8" &&
    ok "log: 'the contact is not valid UTF-8'" || notok "log: 'the contact is not valid UTF-8'" "exit $rc: $out"
out=$(json a send bob "$(printf 'caf\xe9')" 2>/dev/null)
[ "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["error"]["code"])' 2>/dev/null)" = 1011 ] &&
    ok "--json: {\"error\":{\"code\":1011}}" || notok "--json: {\"error\":{\"code\":1011}}" "$out"

# --- --json errors on stdout (issue 18.7)
for args in "send nobody hi" "send bob" "log nobody" "rename nobody x" "timer nobody 1h" "verify nobody" \
    "unlock" "passwd"; do
	# shellcheck disable=SC2086
	out=$(json a $args 2>/dev/null </dev/null); rc=$?
	code=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["error"]["code"])' 2>/dev/null)
	[ $rc -eq 1 ] && [ -n "$code" ] && ok "--json $args: {\"error\":...} on stdout ($code)" ||
	    notok "--json $args: {\"error\":...} on stdout" "exit $rc: '$out'"
done
exit $FAILED
