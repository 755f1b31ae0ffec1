#!/usr/bin/env python3
# ui_stall.py SOCKET -- a scripted warrend socket for ui_stall.sh: answers
# what `warren ui` asks, then sends an event and leaves the call that the
# event makes (contacts.list) unanswered (a daemon too busy to answer in time), then
# answers again on the connections the UI opens next.
import json, os, socket, sys, threading, time

path = sys.argv[1]
BOB = "b" * 56
state = {"stalled": False, "armed": threading.Event()}

def answer(method):
    if method == "status":
        return {"locked": False, "requests": 0,
                "tor": {"state": "ready", "progress": 100, "published": True}}
    if method == "rpc.methods":
        return {"methods": []}
    if method == "contacts.list":
        return {"contacts": [{"address": BOB, "name": "bob", "state": "contact",
                              "online": True, "verified": False, "alert": False,
                              "unread": 0, "timer": 0}]}
    if method == "messages.list":
        return {"messages": [{"id": 1, "direction": "in", "state": "read",
                              "text": "hello before the stall", "time": int(time.time() * 1000),
                              "timer": 0}]}
    return {}

def serve(conn):
    try:
        talk(conn)
    except OSError:
        pass		# the UI closed the link

def talk(conn):
    f = conn.makefile("rwb")
    for line in f:
        req = json.loads(line)
        m = req.get("method")
        if m == "events.subscribe":
            f.write(json.dumps({"jsonrpc": "2.0", "id": req["id"],
                                "result": {"last": 0}}).encode() + b"\n")
            f.flush()
            if not state["stalled"]:
                state["events"] = f
                state["armed"].set()
            continue
        if state["stalled"] == "now" and m == "contacts.list":
            state["stalled"] = True
            time.sleep(15)		# longer than the UI's call timeout
            return
        f.write(json.dumps({"jsonrpc": "2.0", "id": req["id"],
                            "result": answer(m)}).encode() + b"\n")
        f.flush()
        if m == "status" and state["armed"].is_set() and not state["stalled"]:
            time.sleep(0.3)
            state["stalled"] = "now"
            ev = {"jsonrpc": "2.0", "method": "event", "params": {
                  "id": 2, "type": "contact.online", "data": {"contact": BOB}}}
            state["events"].write(json.dumps(ev).encode() + b"\n")
            state["events"].flush()

try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
