#!/usr/bin/env bash
# ui.sh -- `warren ui` driven in a detached tmux session (send-keys,
# capture-pane, resize-window) against two real daemons on the private
# test network: the screen's rows are checked as a user would read them.
# Switching contacts, sending and receiving while typing (the typed text
# stays), a second UI at the same time, wide characters, scrolling back
# through lazily loaded history, a resize, a bracketed multi-line paste,
# '/' never sent as text, /verify with its pop-up, /timer's note, a
# daemon restart (reconnect), and /quit.
. "$(dirname "$0")/lib.bash"
need_testnet
command -v tmux >/dev/null || { notok "tmux installed" "missing"; exit 1; }

node_start alice && node_start bob || exit 1
# carol only lends an address: alice's request to her stays "requested".
node_start_notor carol || exit 1
wait_published alice 300 && wait_published bob 300 || { notok "onions published" "timeout"; exit 1; }
check "alice and bob become contacts" befriend alice bob
w alice add "$(onion carol)" --name carol >/dev/null

# History longer than one page of the UI (it loads 200 at a time).
for i in $(seq 1 230); do echo "old $i"; done | python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
for i, line in enumerate(sys.stdin):
    f.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": "messages.send",
        "params": {"contact": sys.argv[2], "text": line.strip()}}) + "\n"); f.flush()
    json.loads(f.readline())' "$T/bob/warren.sock" "$(onion alice)"
got_old() { json alice log bob --limit 1 --no-mark-read | grep -q '"old 230"'; }
check "bob's 230 old messages reach alice" wait_until 120 got_old

sock=$T/tmux.sock
tm() { tmux -S "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT
tm new-session -d -s ui -x 100 -y 30 \
    "LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 TERM=screen '$WARREN' -d '$T/alice' ui --no-bell; echo UI-EXITED \$?; sleep 60"
screen() { tm capture-pane -p -t ui; }
shows() { screen | grep -qF -- "$1"; }
lastrow() { screen | sed -n "$(tm display -p -t ui '#{pane_height}')p"; }
input_is() { [ "$(lastrow | sed 's/ *$//')" = "> $1" ]; }
keys() { tm send-keys -t ui "$@"; }
why() { echo "$(screen | sed 's/^/    | /')"; }
# The UI ended (crashed or quit): every later step would wait in vain.
gone() { ! tm has-session -t ui 2>/dev/null || shows "UI-EXITED"; }
shows_or_gone() { shows "$1" || gone; }
expect() { # expect NAME TEXT: the screen shows TEXT within 120 s
	if wait_until 120 shows_or_gone "$2" && shows "$2"; then ok "$1"; return; fi
	# The first and the last two rows (header, status bar, input) say
	# most in the one line that CI's summary keeps.
	notok "$1" "no \"$2\" on screen (rows: $(screen | sed -n '1p;$p' | tr -s ' ' | tr '\n' '|'); $(screen | grep -c .) lines):"; why
	if gone; then notok "the UI keeps running" "it ended"; exit 1; fi
}

expect "the UI starts with the contact list" "Contacts"
expect "the status bar shows tor and the onion" "tor ready · onion published"
expect "the newest message is shown" "bob: old 230"
shows "bob: old 1" && notok "only the newest page is shown at first" "old 1 visible" ||
    ok "only the newest page is shown at first"
screen | grep -q '^● bob' && ok "bob is listed with an online dot" ||
    { notok "bob is listed with an online dot" "row:"; why; }
shows "carol" && ok "carol (requested) is listed" || notok "carol (requested) is listed" "missing"

# Scroll back: PgUp past the first page loads the older messages lazily.
for _ in $(seq 1 12); do keys PPage; done
expect "PgUp scrolls back to the oldest message" "bob: old 1"
for _ in $(seq 1 20); do keys PPage; done
expect "the top says where the conversation begins" "the beginning of your conversation"
expect "a day separator heads the day" "── $(LC_ALL=C date +'%a %-d %b %Y') ──"
for _ in $(seq 1 40); do keys NPage; done
expect "PgDn comes back to the newest" "bob: old 230"

# A second UI on the same daemon, at the same time.
tm new-session -d -s ui2 -x 100 -y 30 \
    "LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 TERM=screen '$WARREN' -d '$T/alice' ui --no-bell; sleep 60"
shows2() { tm capture-pane -p -t ui2 | grep -qF -- "$1"; }
check "a second UI runs beside the first" wait_until 120 shows2 "bob: old 230"

# Typing while a message arrives: the typed text stays, the message shows.
keys -l "half typed"
wait_until 10 input_is "half typed"
w bob send alice "live from bob" >/dev/null
expect "a message arrives while typing" "bob: live from bob"
check "the second UI shows it too" wait_until 120 shows2 "bob: live from bob"
input_is "half typed" && ok "the typed text stays intact" ||
    { notok "the typed text stays intact" "input row: $(lastrow)"; }
keys -l " and done"
keys Enter
expect "the sent line appears" "me: half typed and done"
expect "its state updates in place to delivered" "half typed and done  ✓"$'\xc2\xa0'"delivered"
json bob log alice --no-mark-read | grep -q '"half typed and done"' &&
    ok "bob got the typed line" || notok "bob got the typed line" "missing"
check "the second UI shows what the first sent" wait_until 120 shows2 "me: half typed and done"
tm kill-session -t ui2

# Editing keys: Home, Ctrl-K, Ctrl-W, history.
keys -l "world hello"
keys Home
keys -l "x"
keys C-e C-w
wait_until 10 input_is "xworld"
input_is "xworld" && ok "Home, Ctrl-E and Ctrl-W edit the line" ||
    notok "Home, Ctrl-E and Ctrl-W edit the line" "input row: $(lastrow)"
keys C-u Up
wait_until 10 input_is "half typed and done" && ok "Up recalls the sent line" ||
    notok "Up recalls the sent line" "input row: $(lastrow)"
keys C-u

# Wide characters go out and come back as typed.
keys -l "日本語 façade ok"
keys Enter
expect "wide characters are shown" "me: 日本語 façade ok"
wide_got() { json bob log alice --no-mark-read | grep -qF '"日本語 façade ok"'; }
check "bob got the wide characters" wait_until 60 wide_got

# A line starting with / is a command, never text; // sends a leading /.
keys -l "/nonsense"
keys Enter
expect "an unknown command is refused" "no command /nonsense"
keys -l "//slash stays"
keys Enter
expect "// sends a leading slash" "me: /slash stays"
# In-order delivery: had /nonsense been sent, it would be there first.
slash_got() { json bob log alice --no-mark-read | grep -qF '"/slash stays"'; }
check "bob got /slash stays" wait_until 60 slash_got
json bob log alice --no-mark-read | grep -q '"/nonsense"' &&
    notok "a /command is never sent" "bob got /nonsense" || ok "a /command is never sent"

# Tab completion of commands.
keys -l "/ver"
keys Tab
wait_until 10 input_is "/verify" && ok "Tab completes a command" ||
    notok "Tab completes a command" "input row: $(lastrow)"
keys C-u

# Multi-line paste (bracketed): newlines stay in the message.
tm set-buffer -b p "$(printf 'line one\nline two')"
tm paste-buffer -p -b p -t ui
wait_until 10 input_is "line one↵line two" && ok "a pasted newline does not send" ||
    notok "a pasted newline does not send" "input row: $(lastrow)"
keys Enter
expect "the two lines show as one message" "me: line one"
pasted() { json bob log alice --no-mark-read | grep -q '"line one\\nline two"'; }
check "bob got one message with both lines" wait_until 60 pasted

# UI_CAPTURE=FILE keeps a capture of this screen (README's picture).
[ -n "${UI_CAPTURE:-}" ] && screen >"$UI_CAPTURE"

# Switching: Tab to carol, a message to bob meanwhile counts as unread.
keys Tab
expect "Tab switches to carol" "carol offline · request sent"
w bob send alice "while you look away" >/dev/null
unread_row() { screen | grep -q '^● bob *1 '; }
if wait_until 60 unread_row; then ok "an unread count shows beside bob"; else notok "an unread count shows beside bob" "list:"; why; fi
keys BTab
expect "Shift-Tab switches back to bob" "bob: while you look away"
keys M-2
expect "Alt-2 switches to carol" "carol offline"
keys M-1
expect "Alt-1 switches to bob" "bob online"

# A resize: the layout follows, the input line stays last.
keys -l "still here"
tm resize-window -t ui -x 70 -y 18
small() { [ "$(screen | wc -l)" -eq 18 ] && screen | sed -n 17p | grep -qF "tor ready" && input_is "still here"; }
if wait_until 20 small; then ok "after a resize the status bar and input fit"; else notok "after a resize the status bar and input fit" "screen:"; why; fi
expect "after a resize the newest message is still shown" "while you look away"
tm resize-window -t ui -x 110 -y 40
keys C-u

# /verify: the safety number (as warren verify shows it) and a QR code.
keys -l "/verify"
keys Enter
first=$(w alice verify bob | sed -n 3p | awk '{print $1, $2}')
expect "/verify opens the safety number pop-up" "Safety number with bob"
expect "the pop-up shows the same digits as warren verify" "$first"
screen | grep -q '▀\|▄\|█' && ok "the pop-up draws a QR code" || notok "the pop-up draws a QR code" "no blocks"
keys c
expect "c in the pop-up marks bob verified" "bob is verified"
json alice contacts | grep -A8 "$(onion bob)" | grep -q '"verified": true' &&
    ok "the daemon has bob verified" || notok "the daemon has bob verified" "not set"

# /timer: the note is written into the conversation, the header shows it.
keys -l "/timer 1h"
keys Enter
expect "/timer writes its note into the conversation" "*** you set disappearing messages to 1 h"
expect "the header shows the timer" "timer 1 h"
screen | grep -q '^● bob *✓⏱ ' && ok "the list marks bob verified with a timer" ||
    { notok "the list marks bob verified with a timer" "list:"; why; }
keys -l "/timer off"
keys Enter
expect "/timer off answers" "disappearing messages: off"

# /help pop-up, any key closes it.
keys -l "/help"
keys Enter
expect "/help lists the commands" "/timer [DURATION|off]"
keys q
closed() { ! shows "/timer [DURATION|off]"; }
check "any key closes the pop-up" wait_until 10 closed

# The daemon goes away and comes back: the UI says so, then reconnects.
node_stop alice
expect "the UI says the daemon is not running" "daemon not running"
keys -l "typed while down"
node_start alice || exit 1
expect "the UI reconnects after a restart" "tor ready"
input_is "typed while down" &&
    ok "the input survives the reconnect" || notok "the input survives the reconnect" "input row: $(lastrow)"
keys C-u
wait_published alice 300
w bob send alice "after the restart" >/dev/null
expect "a message after the restart arrives live" "bob: after the restart"

# /quit leaves with status 0 and restores the terminal.
keys -l "/quit"
keys Enter
expect "/quit leaves the UI" "UI-EXITED 0"
tm kill-server 2>/dev/null
flowing alice bob
exit $FAILED
