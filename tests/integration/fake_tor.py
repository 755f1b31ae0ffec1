#!/usr/bin/env python3
"""fake_tor.py -- scripted hostile tor control port / SOCKS server for the
src/tor integration tests. Never contacts anything; listens on a unix socket.

  fake_tor.py ctl PATH COOKIEFILE ONION   one scenario per connection
  fake_tor.py socks PATH SCENARIO         one scripted SOCKS reply
"""
import hashlib
import hmac
import os
import socket
import sys
import time

SERVER_KEY = b"Tor safe cookie authentication server-to-controller hash"
CLIENT_KEY = b"Tor safe cookie authentication controller-to-server hash"

# Before auth: each breaks the handshake. After setup: each breaks the
# stream once the onion is "published" (so tor_node's backoff resets).
PRE = ["drop", "badcode", "badhash"]
POST = ["overlong", "nul", "flood", "hugedata", "unsolicited", "barelf",
        "midreply", "dropmid"]


def log(*a):
    print("fake_tor:", *a, file=sys.stderr, flush=True)


class Conn:
    def __init__(self, s):
        self.s = s
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(4096)
            if not d:
                raise EOFError
            self.buf += d
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l.decode()

    def send(self, b):
        self.s.sendall(b if isinstance(b, bytes) else b.encode())


def serve_ctl(path, cookiefile, onion):
    cookie = os.urandom(32)
    with open(cookiefile, "wb") as f:
        f.write(cookie)
    ls = socket.socket(socket.AF_UNIX)
    ls.bind(path)
    ls.listen(1)
    scenarios = PRE + POST + ["good"]
    n = 0
    while True:
        s, _ = ls.accept()
        sc = scenarios[min(n, len(scenarios) - 1)]
        n += 1
        log("connection", n, "scenario", sc)
        c = Conn(s)
        try:
            ctl_session(c, sc, cookie, cookiefile, onion)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            pass
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def ctl_session(c, sc, cookie, cookiefile, onion):
    if sc == "drop":
        return
    l = c.line()
    assert l == "PROTOCOLINFO 1", l
    if sc == "badcode":
        c.send("abc OK\r\n")
        c.line()
        return
    c.send('250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE '
           'COOKIEFILE="%s"\r\n250-VERSION Tor="0.4.9.11"\r\n250 OK\r\n'
           % cookiefile)
    l = c.line()
    assert l.startswith("AUTHCHALLENGE SAFECOOKIE "), l
    cn = bytes.fromhex(l.split()[2])
    sn = os.urandom(32)
    sh = hmac.new(SERVER_KEY, cookie + cn + sn, hashlib.sha256).digest()
    if sc == "badhash":
        sh = bytes(32)
    c.send("250 AUTHCHALLENGE SERVERHASH=%s SERVERNONCE=%s\r\n"
           % (sh.hex(), sn.hex()))
    l = c.line()
    want = hmac.new(CLIENT_KEY, cookie + cn + sn, hashlib.sha256).hexdigest()
    if l != "AUTHENTICATE " + want:
        c.send("515 Authentication failed\r\n")
        return
    c.send("250 OK\r\n")
    # SETEVENTS, GETINFO bootstrap, GETINFO version, ADD_ONION (twice if
    # refused with PoW, as a tor built without the pow module does),
    # GETINFO listeners.
    for _ in range(6):
        l = c.line()
        if l == "GETINFO version":
            c.send("250-version=0.4.9.3 (git-fake)\r\n250 OK\r\n")
        elif "PoWDefensesEnabled" in l:
            c.send('512 Unrecognized argument "PoWDefensesEnabled"\r\n')
        elif l.startswith("SETEVENTS"):
            c.send("250 OK\r\n")
        elif l == "GETINFO status/bootstrap-phase":
            c.send('250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 '
                   'TAG=done SUMMARY="Done"\r\n250 OK\r\n')
        elif l.startswith("ADD_ONION ED25519-V3:"):
            if sc == "midreply":
                # An event in the middle of the reply, as tor may do.
                c.send("250-ServiceID=%s\r\n650 STATUS_CLIENT NOTICE "
                       "CIRCUIT_ESTABLISHED\r\n250 OK\r\n" % onion)
            else:
                c.send("250-ServiceID=%s\r\n250 OK\r\n" % onion)
        elif l == "GETINFO net/listeners/socks":
            c.send('250-net/listeners/socks="unix:/tmp/fake.socks"\r\n'
                   '250 OK\r\n')
            break
        else:
            c.send("510 Unrecognized command\r\n")
    c.send("650 HS_DESC UPLOADED %s UNKNOWN $AAAA~relay\r\n" % onion)
    time.sleep(0.2)
    if sc == "good":
        while True:
            c.line()
            c.send("250 OK\r\n")
    if sc == "overlong":
        c.send("650 " + "A" * 20000)
    elif sc == "nul":
        c.send(b"650 HS_DESC\x00UPLOADED x\r\n")
    elif sc == "flood":
        ev = ("650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=100 TAG=done "
              'SUMMARY="Done"\r\n').encode()
        end = time.time() + 2
        while time.time() < end:
            c.send(ev * 500)
    elif sc == "hugedata":
        c.send(b"650+NS\r\n" + (b"r " + b"x" * 998 + b"\r\n") * 400)
    elif sc == "unsolicited":
        c.send("250 OK\r\n")
    elif sc == "barelf":
        c.send("650 STATUS_CLIENT NOTICE X\n")
    elif sc == "midreply":
        pass
    elif sc == "dropmid":
        c.send("650-HS_DESC UPLOADED")
        return
    time.sleep(0.5)


SOCKS = {
    "garbage": b"HTTP/1.0 400 Bad Request\r\n\r\n",
    "f0": b"\x05\xf0\x00\x01\x00\x00\x00\x00\x00\x00",
    "f6": b"\x05\xf6\x00\x04" + bytes(18),
    "badatyp": b"\x05\x00\x00\x09\x00\x00",
    "truncated": b"\x05\x00\x00\x04\x00\x00",
}


def serve_socks(path, sc):
    ls = socket.socket(socket.AF_UNIX)
    ls.bind(path)
    ls.listen(1)
    while True:
        s, _ = ls.accept()
        c = Conn(s)
        try:
            g = s.recv(3)
            s.sendall(b"\x05\x02")
            a = s.recv(2)
            s.recv(a[1] + 1)
            s.sendall(b"\x01\x00")
            s.recv(600)
            s.sendall(SOCKS[sc])
            time.sleep(0.2)
        except OSError:
            pass
        s.close()
        del c


if __name__ == "__main__":
    if sys.argv[1] == "ctl":
        serve_ctl(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        serve_socks(sys.argv[2], sys.argv[3])
