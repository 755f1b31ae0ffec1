#!/usr/bin/env bash
# ui_stall.sh -- `warren ui` against a daemon that stops answering while
# the UI handles an event (a scripted socket: the real warrend does not
# stall on demand). The call times out, the UI says the daemon went away,
# keeps running and reconnects. (It used to crash here: the event line was
# consumed after the failed call had emptied the read buffer.)
. "$(dirname "$0")/lib.bash"
command -v tmux >/dev/null || { notok "tmux installed" "missing"; exit 1; }

mkdir -p "$T/fake"
python3 "$(dirname "$0")/ui_stall.py" "$T/fake/warren.sock" &
fake=$!
sock=$T/tmux.sock
tm() { tmux -S "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; kill $fake 2>/dev/null; cleanup' EXIT
sockup() { [ -S "$T/fake/warren.sock" ]; }
check "the scripted daemon listens" wait_until 10 sockup

tm new-session -d -s ui -x 90 -y 24 \
    "LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 TERM=screen '$WARREN' -d '$T/fake' ui --no-bell; echo UI-EXITED \$?; sleep 60"
screen() { tm capture-pane -p -t ui 2>/dev/null; }
shows() { screen | grep -qF -- "$1"; }
why() { screen | sed 's/^/    | /'; }

check "the UI shows the conversation" wait_until 30 shows "bob: hello before the stall"
went() { shows "warrend went away" || shows "UI-EXITED"; }
if wait_until 40 went && ! shows "UI-EXITED"; then
	ok "a call that times out while handling an event: the UI says so"
else
	notok "a call that times out while handling an event: the UI says so" "screen:"; why
fi
back() { shows "tor ready" && ! shows "warrend went away"; }
if wait_until 40 back && ! shows "UI-EXITED"; then
	ok "the UI keeps running and reconnects"
else
	notok "the UI keeps running and reconnects" "screen:"; why
fi
exit $FAILED
