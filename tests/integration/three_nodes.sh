#!/usr/bin/env bash
# three_nodes.sh -- A talks to B and C at once; no cross-talk.
. "$(dirname "$0")/lib.bash"
need_testnet

node_start a && node_start b && node_start c || exit 1
for n in a b c; do wait_published $n || { notok "$n publishes" "timeout"; exit 1; }; done
check "a and b become contacts" befriend a b
check "a and c become contacts" befriend c a

for i in $(seq 1 20); do
	w a send b "to b $i" >/dev/null
	w a send c "to c $i" >/dev/null
	w b send a "from b $i" >/dev/null
	w c send a "from c $i" >/dev/null
done
check "a's outbox drains" wait_until 120 outbox_empty a
check "b's outbox drains" wait_until 120 outbox_empty b
check "c's outbox drains" wait_until 120 outbox_empty c
texts b a | grep '^in ' | sed 's/^in //' | diff -q - <(seq 1 20 | sed 's/^/to b /') >/dev/null &&
    ok "b got exactly a's messages for b" || notok "b got exactly a's messages for b" "mismatch"
texts c a | grep '^in ' | sed 's/^in //' | diff -q - <(seq 1 20 | sed 's/^/to c /') >/dev/null &&
    ok "c got exactly a's messages for c" || notok "c got exactly a's messages for c" "mismatch"
texts a b | grep '^in ' | sed 's/^in //' | diff -q - <(seq 1 20 | sed 's/^/from b /') >/dev/null &&
    ok "a's conversation with b holds only b's messages" || notok "a's conversation with b holds only b's messages" "mismatch"
texts a c | grep '^in ' | sed 's/^in //' | diff -q - <(seq 1 20 | sed 's/^/from c /') >/dev/null &&
    ok "a's conversation with c holds only c's messages" || notok "a's conversation with c holds only c's messages" "mismatch"
json b contacts | grep -q "$(onion c)" && notok "b does not know c" "it does" || ok "b does not know c"
flowing
exit $FAILED
