#!/usr/bin/env bash
# chat_bot.sh -- the scripting surface against live daemons on the test
# network: the example echo bot answers a contact's message, and
# `warren chat` works interactively under tmux (send-keys / capture-pane).
. "$(dirname "$0")/lib.bash"
need_testnet
command -v tmux >/dev/null || { notok "tmux installed" "missing"; exit 1; }

node_start alice && node_start bot || exit 1
wait_published alice && wait_published bot || { notok "onions published" "timeout"; exit 1; }
check "alice and the bot become contacts" befriend alice bot

# The echo bot from contrib/examples, as a user would run it.
python3 "$SRC_DIR/contrib/examples/echo_bot.py" --data-dir "$T/bot" \
    --state "$T/bot.state" -v >"$T/echo_bot.log" 2>&1 &
echo $! >"$T/echo.pid"
# A bot with no saved position subscribes to live events only: send once
# it has (under load Python can take seconds to start).
wait_until 60 grep -q "subscribed: since [0-9]" "$T/echo_bot.log"
w alice send bot "ping from alice" >/dev/null
echoed() { json alice log bot | grep -q '"echo: ping from alice"'; }
check "the echo bot replies to a contact's message" wait_until 90 echoed
kill "$(cat "$T/echo.pid")" 2>/dev/null

# warren chat in tmux: type a line, see it delivered, see the reply.
sock=$T/tmux.sock
tmux -S "$sock" new-session -d -s chat -x 200 -y 50 \
    "NO_COLOR=1 '$WARREN' -d '$T/alice' chat bot; sleep 30"
screen() { tmux -S "$sock" capture-pane -p -t chat; }
shows() { screen | grep -q -- "$1"; }
check "chat starts and shows the conversation" wait_until 60 shows "chatting with bot"
shows "echo: ping from alice" && ok "chat shows the history" || notok "chat shows the history" "$(screen | tail -5)"
tmux -S "$sock" send-keys -t chat "hello from tmux" Enter
check "a typed line is queued" wait_until 60 shows "queued"
check "its delivery tick appears" wait_until 60 shows "delivered"
w bot send alice "reply to tmux" >/dev/null
check "the contact's reply appears live" wait_until 60 shows "bot: reply to tmux"
json bot log alice | grep -q "hello from tmux" && ok "the bot's side got the typed line" ||
    notok "the bot's side got the typed line" "missing"
tmux -S "$sock" send-keys -t chat C-d
tmux -S "$sock" kill-server 2>/dev/null
flowing
exit $FAILED
