#!/usr/bin/env python3
"""file_mitm.py -- a scripted hostile sender for files_faults.sh.

  file_mitm.py LISTEN REAL MODEFILE

Listens on the unix socket LISTEN (put where the sender's tor expects its
peer.sock) and forwards every stream to REAL (the daemon's real
peer.sock). Peer connections pass untouched. A file stream (it starts
with "WRF\\x01") passes its open request and status byte, then the
records of chunks >= 3 are spoiled as MODEFILE says (read at each new
file stream; a missing file means "pass"):

  pass   forward as is
  flip   flip one byte of each record (it no longer verifies)
  long   claim a huge length for the record (then send nothing more)
  dup    send each record twice (a repeated chunk)
  extra  after the last record, one more copy of it (past the size)
  stall  forward nothing more, once (the mode then becomes pass)

Never contacts anything but the two unix sockets.
"""
import os
import socket
import struct
import sys
import threading

MAGIC = b"WRF\x01"
OPEN_LEN = 4 + 16 + 8 + 32
CHUNK = 65536
OVERHEAD = 40


def log(*a):
    print("file_mitm:", *a, file=sys.stderr, flush=True)


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


def pipe(src, dst):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            dst.sendall(d)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def mode(path):
    try:
        with open(path) as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


def serve_file(cli, real, first, m, modefile):
    log("file stream from chunk", first, "mode", m)
    if m == "stall":
        with open(modefile, "w") as f:
            f.write("pass\n")
    threading.Thread(target=pipe, args=(cli, real), daemon=True).start()
    cli.sendall(recv_exact(real, 1))        # status
    i = first
    last = None
    while True:
        try:
            hdr = recv_exact(real, 4)
        except EOFError:
            break
        n = struct.unpack(">I", hdr)[0]
        rec = recv_exact(real, n)
        if i >= 3 and m == "stall":
            threading.Event().wait(600)     # hold the stream, send nothing
            return
        if i >= 3 and m == "flip":
            rec = rec[:30] + bytes([rec[30] ^ 1]) + rec[31:]
        if i >= 3 and m == "long":
            cli.sendall(struct.pack(">I", 0x7FFFFFF0))
            threading.Event().wait(600)
            return
        cli.sendall(hdr + rec)
        if i >= 3 and m == "dup":
            cli.sendall(hdr + rec)
        last = hdr + rec
        i += 1
        if n < CHUNK + OVERHEAD and m == "extra" and last is not None:
            cli.sendall(last)               # one record past the size
    cli.close()


def serve(cli, realpath, modefile):
    real = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        real.connect(realpath)
        head = cli.recv(4, socket.MSG_WAITALL)
        if head != MAGIC:
            real.sendall(head)
            threading.Thread(target=pipe, args=(real, cli),
                             daemon=True).start()
            pipe(cli, real)
            return
        req = head + recv_exact(cli, OPEN_LEN - 4)
        real.sendall(req)
        first = struct.unpack(">Q", req[20:28])[0]
        serve_file(cli, real, first, mode(modefile), modefile)
    except (OSError, EOFError) as e:
        log("stream ended:", e)
    finally:
        for s in (cli, real):
            try:
                s.close()
            except OSError:
                pass


def main():
    listen, realpath, modefile = sys.argv[1:4]
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(listen)
    ls.listen(16)
    log("listening")
    while True:
        cli, _ = ls.accept()
        threading.Thread(target=serve, args=(cli, realpath, modefile),
                         daemon=True).start()


if __name__ == "__main__":
    main()
