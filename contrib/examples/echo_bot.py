#!/usr/bin/env python3
"""echo_bot.py -- a warren bot: answers every message with "echo: TEXT".

Talks JSON-RPC 2.0 to warrend over DIR/warren.sock (see doc/rpc.md), using
only the Python standard library.

  echo_bot.py [--data-dir DIR] [--state FILE] [--verbose]

It subscribes to events with the id of the last event it handled (kept in
the state file), so a restart neither loses nor repeats a message: the
daemon replays what happened while the bot was away. Without a state file
(the first run) it starts from now: messages that came before are not
answered. A reply that was being
sent when the bot died is looked up in the conversation before it is sent
again. If warrend stops or restarts, the bot reconnects (with backoff) and
carries on from the same place; while the daemon is locked it waits.

Messages that already start with "echo: " are not answered, so two echo
bots that are contacts of each other do not talk forever. A reply to a
disappearing message disappears as soon as the message (it quotes it). After
a contact's session was reset the bot does not answer them until you have
compared safety numbers (`warren verify CONTACT --confirm`): it never sends
with "force".
"""

import argparse
import json
import os
import socket
import sys
import time
from collections import deque

PREFIX = "echo: "
MAX_TEXT = 4096             # WARREN_MAX_TEXT: bytes of UTF-8
E_LOCKED = 1001             # RPC_E_LOCKED
E_NO_CONTACT = 1003         # RPC_E_NO_CONTACT
E_UNVERIFIED = 1013         # RPC_E_UNVERIFIED_CHANGE: session reset


def default_data_dir():
    """The daemon's data directory, resolved as warren(1) does."""
    if os.environ.get("WARREN_HOME"):
        return os.environ["WARREN_HOME"]
    if os.environ.get("XDG_DATA_HOME"):
        return os.path.join(os.environ["XDG_DATA_HOME"], "warren")
    return os.path.expanduser("~/.local/share/warren")


def default_state_file():
    """Where the bot remembers how far it got."""
    base = os.environ.get("XDG_STATE_HOME") or \
        os.path.expanduser("~/.local/state")
    return os.path.join(base, "warren", "echo_bot.state")


class RPCError(Exception):
    """An error reply from warrend: code and message."""

    def __init__(self, code, message):
        super().__init__("%s (%d)" % (message, code))
        self.code = code


class Connection:
    """One JSON-RPC connection: calls, and the event notifications that
    arrive on the same socket between replies."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.rfile = self.sock.makefile("rb")
        self.next_id = 1
        self.events = deque()

    def close(self):
        """Close the socket."""
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass

    def _read(self):
        """One JSON line from warrend; ConnectionError at EOF."""
        line = self.rfile.readline()
        if not line:
            raise ConnectionError("warrend closed the connection")
        return json.loads(line)

    def call(self, method, params=None):
        """Call a method and return its result (or raise RPCError)."""
        rid = self.next_id
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": rid, "method": method,
               "params": params or {}}
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = self._read()
            if msg.get("method") == "event":
                self.events.append(msg["params"])
            elif msg.get("id") == rid:
                if "error" in msg:
                    raise RPCError(msg["error"]["code"],
                                   msg["error"]["message"])
                return msg["result"]

    def next_event(self):
        """The next event (blocks until one arrives)."""
        while not self.events:
            msg = self._read()
            if msg.get("method") == "event":
                self.events.append(msg["params"])
        return self.events.popleft()


class State:
    """{"since": last handled event id, "pending": event being answered},
    written atomically (temp file, fsync, rename)."""

    def __init__(self, path):
        self.path = path
        self.since = None           # no state yet: start from now
        self.pending = None
        self.connected = False
        try:
            with open(path) as f:
                d = json.load(f)
            self.since = int(d.get("since", 0))
            self.pending = d.get("pending")
        except FileNotFoundError:
            pass

    def save(self):
        """Write the state to disk."""
        os.makedirs(os.path.dirname(self.path) or ".", mode=0o700,
                    exist_ok=True)
        tmp = self.path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"since": self.since or 0, "pending": self.pending},
                      f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def clip(text, limit):
    """Cut text to at most limit bytes of UTF-8, on a character boundary."""
    b = text.encode()
    if len(b) <= limit:
        return text
    return b[:limit].decode(errors="ignore")


def already_answered(conn, ev, reply):
    """Whether our reply to the message of event ev is in the history."""
    d = ev["data"]
    hist = conn.call("messages.list", {"contact": d["contact"],
                                       "limit": 100})
    return any(m["direction"] == "out" and m["id"] > d["message"] and
               m["text"] == reply for m in hist["messages"])


def handle(conn, state, ev, log):
    """Answer one message.received event, exactly once."""
    d = ev["data"]
    text = d.get("text", "")
    if text.startswith(PREFIX):
        return
    reply = PREFIX + clip(text, MAX_TEXT - len(PREFIX))
    if state.pending == ev["id"] and already_answered(conn, ev, reply):
        log("event %d: already answered" % ev["id"])
        return
    state.pending = ev["id"]
    state.save()
    params = {"contact": d["contact"], "text": reply}
    if d.get("timer"):
        # The reply quotes it: the same timer (the API's minimum is 30 s).
        params["expire"] = max(30, d["timer"])
    try:
        r = conn.call("messages.send", params)
        log("event %d: %s -> message %d" % (ev["id"], d.get("name") or
                                            d["contact"], r["id"]))
    except RPCError as e:
        if e.code == E_LOCKED:
            raise               # try again after the unlock
        if e.code == E_UNVERIFIED:
            print("echo_bot: not answering %s: %s" % (d.get("name") or
                  d["contact"], e), file=sys.stderr, flush=True)
            return
        # The contact was removed or blocked meanwhile: nothing to do.
        log("event %d: not answered: %s" % (ev["id"], e))


def run(sock_path, state, log):
    """Connect, subscribe from state.since, answer until the socket closes."""
    conn = Connection(sock_path)
    try:
        if state.since is None:
            # First run: from now on (the reply's since is the newest id),
            # remembered at once so a restart does not go back further.
            sub = conn.call("events.subscribe", {})
            state.since = sub["since"]
            state.save()
        else:
            sub = conn.call("events.subscribe", {"since": state.since})
        log("subscribed: since %d, newest event %d" %
            (sub["since"], sub["last"]))
        state.connected = True
        while True:
            ev = conn.next_event()
            if ev["type"] == "message.received":
                handle(conn, state, ev, log)
            state.since = ev["id"]
            state.pending = None
            state.save()
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description="Answer every warren message "
                                 "with \"echo: TEXT\".")
    ap.add_argument("-d", "--data-dir", default=default_data_dir(),
                    help="warrend's data directory (default: $WARREN_HOME, "
                    "else $XDG_DATA_HOME/warren)")
    ap.add_argument("--state", default=default_state_file(),
                    help="where to keep the last handled event id "
                    "(default: %(default)s)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    def log(msg):
        if args.verbose:
            print("echo_bot: " + msg, file=sys.stderr, flush=True)

    sock_path = os.path.join(args.data_dir, "warren.sock")
    state = State(args.state)
    delay = 1
    while True:
        state.connected = False
        try:
            run(sock_path, state, log)
        except RPCError as e:
            if e.code != E_LOCKED:
                print("echo_bot: %s" % e, file=sys.stderr)
                return 1
            log("the daemon is locked; waiting for 'warren unlock'")
        except (OSError, ValueError) as e:
            log("no connection to warrend (%s); retrying in %d s" %
                (e, delay))
        except KeyboardInterrupt:
            return 0
        try:
            time.sleep(delay)
        except KeyboardInterrupt:
            return 0
        delay = 1 if state.connected else min(delay * 2, 30)


if __name__ == "__main__":
    sys.exit(main())
