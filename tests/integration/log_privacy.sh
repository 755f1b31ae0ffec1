#!/usr/bin/env bash
# log_privacy.sh -- the logs never name who you talk to: after a full
# two-node and trust flow (nicks, request with a greeting, accept, rename,
# messages both ways, verify, timer, receipts, a session reset, a
# stranger's request, block, a restart), no log -- stderr at debug level, --log-file, the fallback file
# of a daemon without syslog, tor's own logs -- holds an onion address, a
# contact name, a nick or a message text. --log-sensitive lets addresses in
# and says so at start.
. "$(dirname "$0")/lib.bash"
need_testnet

# A daemon in the background with --log-file (the pid file gives its pid).
bg_start() {
	local n=$1; shift
	case " $NODES " in *" $n "*) ;; *) NODES="$NODES $n" ;; esac
	"$WARREND" -d "$T/$n" --torrc-append "$TORRC" "$@" >>"$T/$n.log" 2>&1 ||
	    { notok "$n starts in the background" "$(tail -3 "$T/$n.log")"; return 1; }
	cp "$T/$n/warrend.pid" "$T/$n.pid"
}

node_start alice --log-level debug || exit 1
bg_start bob --log-level debug --log-file "$T/bob-file.log" || exit 1
node_start carol --log-level debug || exit 1
for n in alice bob carol; do wait_published $n || { notok "$n publishes" "timeout"; exit 1; }; done
A=$(onion alice) B=$(onion bob) C=$(onion carol)
sn() { od -An -tx4 -N4 /dev/urandom | tr -d ' '; }
NICK_A="Nickalice$(sn)" NICK_B="Nickbob$(sn)" NICK_C="Nickcarol$(sn)"
NAME_B="Namebob$(sn)" NAME_A="Namealice$(sn)" NAME_C="Namecarol$(sn)"
HELLO="greeting$(sn)" M1="msgone$(sn)" M2="msgtwo$(sn)" M3="msgthree$(sn)" KNOCK="knock$(sn)"
w alice set nick "$NICK_A" >/dev/null
w bob set nick "$NICK_B" >/dev/null
w carol set nick "$NICK_C" >/dev/null

w alice add "$B" --name "$NAME_B" --message "$HELLO" >/dev/null
check "bob gets the request" wait_until 90 has_request bob "$A"
w bob accept "$A" >/dev/null
w bob rename "$A" "$NAME_A" >/dev/null
check "alice and bob are contacts" wait_until 60 is_contact alice bob
w alice set read_receipts on >/dev/null
w bob set read_receipts on >/dev/null
w alice send "$NAME_B" "$M1" >/dev/null
w bob send "$NAME_A" "$M2" >/dev/null
check "alice's message is delivered" wait_until 60 outbox_empty alice
check "bob's message is delivered" wait_until 60 outbox_empty bob
w bob log "$NAME_A" >/dev/null
w alice verify "$NAME_B" --confirm >/dev/null
w alice timer "$NAME_B" 1h >/dev/null
# A session reset: bob forgets alice and adds her again.
w bob remove "$NAME_A" >/dev/null
w bob add "$A" --name "$NAME_A" --message "$HELLO" >/dev/null
alerted() { json alice contacts | grep -q '"alert": true'; }
check "alice sees the session reset" wait_until 90 alerted
w alice send --force "$NAME_B" "$M1" >/dev/null
check "delivered on the new session" wait_until 60 outbox_empty alice
w carol add "$A" --name "$NAME_A" --message "$KNOCK" >/dev/null
check "alice gets carol's request" wait_until 90 has_request alice "$C"
w alice block "$C" >/dev/null
w carol send "$NAME_A" "$M3" >/dev/null 2>&1
# bob restarts: both see the connection go and come back.
w bob stop >/dev/null
wait_until 20 sh -c "! kill -0 $(cat "$T/bob.pid") 2>/dev/null"
bg_start bob --log-level debug --log-file "$T/bob-file.log" || exit 1
wait_published bob
w alice send "$NAME_B" "$M3" >/dev/null
check "delivered after bob's restart" wait_until 90 outbox_empty alice
sleep 2
for n in alice bob carol; do node_stop $n; done

# Every log file under $T: daemons' stderr, --log-file, tor's logs.
logs=$(find "$T" -name '*.log' -type f | sort)
nlogs=$(echo "$logs" | wc -l)
grep -q "contact request from" "$T/alice.log" && grep -q "connected" "$T/bob-file.log" &&
    ok "the logs are there ($nlogs files) and tell what happened" ||
    notok "the logs are there and tell what happened" "$(echo $logs)"
leaks=""
for s in "$A" "$B" "$C" "${A:0:16}" "${B:0:16}" "${C:0:16}" "$NICK_A" "$NICK_B" "$NICK_C" \
    "$NAME_A" "$NAME_B" "$NAME_C" "$HELLO" "$M1" "$M2" "$M3" "$KNOCK"; do
	f=$(grep -lF -- "$s" $logs 2>/dev/null)
	[ -n "$f" ] && leaks="$leaks $s in $(echo $f | sed "s|$T/||g");"
done
[ -z "$leaks" ] && ok "no address, name, nick or text in any log" ||
    notok "no address, name, nick or text in any log" "$leaks"
grep -qE "contact [0-9]+: connected" "$T/alice.log" && ok "contacts are named by row id" ||
    notok "contacts are named by row id" "$(grep -m3 contact "$T/alice.log")"

# --log-sensitive: addresses may appear, and the daemon says so first.
"$WARREND" -d "$T/dave" -f --no-tor --log-sensitive >"$T/dave.out" 2>&1 &
echo $! >"$T/dave.pid"; NODES="$NODES dave"
wait_until 20 test -S "$T/dave/warren.sock"
D=$(w dave id)
node_stop dave
head -n 1 "$T/dave.out" | grep -q -- "--log-sensitive: onion addresses will be logged" &&
    ok "--log-sensitive says so at start" || notok "--log-sensitive says so at start" "$(head -2 "$T/dave.out")"
grep -qF "$D" "$T/dave.out" && ok "--log-sensitive shows addresses" ||
    notok "--log-sensitive shows addresses" "$(cat "$T/dave.out")"
exit $FAILED
