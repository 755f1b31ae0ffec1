#!/usr/bin/env bash
# ui_groups.sh -- groups and /file in `warren ui` (tmux, as ui.sh) with two
# real daemons on the private test network: a group is listed below the
# contacts with its unread count, selecting it shows its history, the
# input line sends to it, a member's message arrives live; contact-only
# commands refuse a group; /file resolves a relative path and shows the
# daemon's error for what it refuses.
. "$(dirname "$0")/lib.bash"
need_testnet
command -v tmux >/dev/null || { notok "tmux installed" "missing"; exit 1; }

# gstatus NODE NAME STATUS: the group NAME has that status.
gstatus() {
	json "$1" groups | python3 -c '
import json, sys
gs = [g for g in json.load(sys.stdin)["groups"] if g["name"] == sys.argv[1]]
sys.exit(0 if gs and gs[0]["status"] == sys.argv[2] else 1)' "$2" "$3"
}
# glog_has NODE GROUP TEXT: TEXT is in the group's history.
glog_has() { json "$1" group log "$2" --no-mark-read | grep -qF "\"$3\""; }

node_start alice && node_start bob || exit 1
wait_published alice 300 && wait_published bob 300 || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
check "alice creates a group" w alice group create club
check "alice invites bob" wait_until 60 w alice group invite club bob
check "bob is invited" wait_until 90 gstatus bob club invited
check "bob accepts" wait_until 60 w bob group accept club
check "bob is a member" wait_until 90 gstatus bob club member
check "alice sees bob join" wait_until 90 gstatus alice club member

sock=$T/tmux.sock
tm() { tmux -S "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT
mkdir -p "$T/cwd" && echo "some notes" >"$T/cwd/notes.txt"
tm new-session -d -s ui -x 100 -y 30 -c "$T/cwd" \
    "LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 TERM=screen '$WARREN' -d '$T/alice' ui --no-bell; echo UI-EXITED \$?; sleep 60"
screen() { tm capture-pane -p -t ui; }
shows() { screen | grep -qF -- "$1"; }
keys() { tm send-keys -t ui "$@"; }
why() { echo "$(screen | sed 's/^/    | /')"; }
expect() { # expect NAME TEXT: the screen shows TEXT
	if wait_until 120 shows "$2"; then ok "$1"; else notok "$1" "no \"$2\" on screen:"; why; fi
}
row() { screen | grep -qE -- "$1"; }

expect "the UI starts on bob" "bob online"
if wait_until 30 row '^# club '; then ok "the group is listed"; else notok "the group is listed" "list:"; why; fi
screen | awk '/^● bob/ { b = NR } /^# club/ { g = NR } END { exit !(b && g > b) }' &&
    ok "groups come below the contacts" || { notok "groups come below the contacts" "list:"; why; }

w bob group send club "hello club" >/dev/null
if wait_until 120 row '^# club +1 '; then ok "an unread count shows beside the group"; else
	notok "an unread count shows beside the group" "list:"; why; fi
shows "hello club" && notok "the group's text stays out of bob's chat" "shown" ||
    ok "the group's text stays out of bob's chat"

keys Tab
expect "Tab selects the group and shows its history" "bob: hello club"
expect "the header names the group" "club group #"
row '^# club +1 ' && { notok "selecting the group reads it" "still unread:"; why; } ||
    ok "selecting the group reads it"
unread0() { json alice groups | grep -q '"unread": 0'; }
check "groups.list says unread 0" wait_until 30 unread0

keys -l "hi all"
keys Enter
expect "the input line sends to the group" "me: hi all"
check "bob gets it in the group" wait_until 120 glog_has bob club "hi all"
json bob log alice --no-mark-read | grep -q "hi all" && notok "not sent to bob's chat" "it was" ||
    ok "not sent to bob's chat"

w bob group send club "live to the group" >/dev/null
expect "a member's message arrives live in the open group" "bob: live to the group"

keys -l "/verify"
keys Enter
expect "a contact command refuses a group" "a group is selected"

# /file on bob: a relative path is resolved; the daemon's refusals show.
keys BTab
expect "Shift-Tab goes back to bob" "bob online"
keys -l "/file notes.txt"
keys Enter
expect "/file resolves a relative path" "file offered: notes.txt (11 bytes)"
offered() { json alice files | grep -q '"notes.txt"'; }
check "alice's daemon has the transfer" wait_until 30 offered
keys -l "/file no-such-file"
keys Enter
expect "/file says a path does not exist" "/file no-such-file: No such file or directory"
keys -l "/file ."
keys Enter
expect "/file shows warrend's error" "cwd is not a regular file"
shows "/file not sent: " && ok "it says the file was not sent" || notok "it says the file was not sent" "no prefix"

# An invitation appears in the list as it arrives (group.invite).
w bob group create bobs >/dev/null
check "bob invites alice to a second group" wait_until 60 w bob group invite bobs alice
if wait_until 120 row '^# bobs +invited'; then ok "an invitation is listed as invited"; else
	notok "an invitation is listed as invited" "list:"; why; fi
keys M-3
expect "selecting it says how to join" "invited: 'warren group accept' joins"

keys -l "/quit"
keys Enter
expect "/quit leaves the UI" "UI-EXITED 0"
tm kill-server 2>/dev/null
exit $FAILED
