#!/usr/bin/env python3
"""bench_files.py -- file transfer through real daemons on the private Tor
network, beside a raw byte stream of the same size over a bare tor
connection on the same network in the same run (the raw path of
bench_e2e.py: alice's tor, its UNIX SocksPort, an isolation username).
Prints one machine-readable line per case:

  bench=files impl=raw-tor size_mib=10 seconds=... mib_per_s=...
  bench=files impl=warren size_mib=10 seconds=... mib_per_s=... stream_seconds=...
  bench=files ratio=warren/raw-tor size_mib=10 mib_per_s=...
  bench=files impl=warren case=rss size_mib=100 sender_rss_kib=... receiver_rss_kib=...
  bench=files impl=warren case=latency n=20 idle_p50_ms=... during_p50_ms=... ratio=...

warren's seconds run from files.send (hashing the source, the offer in the
ratchet, auto-accept) to file.complete at the receiver (every chunk stored
and the whole content verified against the hash); stream_seconds from the
first file.progress event to file.complete. RSS is the peak VmRSS of each
warrend sampled every 0.1 s during the largest transfer. Latency: messages
sent one at a time (send call to bob's message.received), idle and then
during the largest transfer.

Usage: bench_files.py --build BUILD_DIR --testnet NET_DIR [--sizes 10,100]
Timings are measurements, never pass/fail.
"""
import argparse, os, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_e2e import Rpc, die, socks_connect, start_node, wait  # noqa: E402


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def latency(ra, B, bon, n, tag):
    sub = Rpc(B + "/warren.sock")
    sub.call("events.subscribe")
    lat = []
    for i in range(n):
        text = "%s %d" % (tag, i)
        t0 = time.time()
        ra.call("messages.send", contact=bon, text=text)
        while True:
            ev = sub.next()
            p = ev.get("params", {}) if ev else die("event stream closed")
            if p.get("type") == "message.received" and \
               p["data"].get("text") == text:
                break
        lat.append(time.time() - t0)
    sub.close()
    lat.sort()
    return lat[len(lat) // 2] * 1000


def raw_bulk(net, work, alice_dir, sizes):
    """A bare onion service that counts bytes; one stream per size."""
    d = work + "/rawtor"
    os.makedirs(d, mode=0o700)
    ctl = d + "/control.sock"
    with open(d + "/torrc", "w") as f:
        f.write("DataDirectory %s\nSocksPort unix:%s/socks.sock "
                "OnionTrafficOnly ExtendedErrors\nControlSocket %s\n"
                "CookieAuthentication 0\nAvoidDiskWrites 1\n"
                "Log notice file %s/notice.log\n" % (d, d, ctl, d))
        f.write(open(net + "/client.torrc").read())
    tor = subprocess.Popen(["tor", "--defaults-torrc", "/dev/null", "-f",
        d + "/torrc", "--__OwningControllerProcess", str(os.getpid())],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(lambda: os.path.exists(ctl), 20, "raw tor control socket")
        c = socket.socket(socket.AF_UNIX)
        c.connect(ctl)
        cf = c.makefile("rb")

        def cmd(line):
            c.sendall(line.encode() + b"\r\n")
            out = []
            while True:
                l = cf.readline().decode().rstrip("\r\n")
                if l.startswith("650"):
                    continue
                out.append(l)
                if l[3:4] == " ":
                    return out
        cmd("AUTHENTICATE")
        sink_path = d + "/sink.sock"
        srv = socket.socket(socket.AF_UNIX)
        srv.bind(sink_path)
        srv.listen(4)
        cmd("SETEVENTS HS_DESC")
        rep = cmd("ADD_ONION NEW:ED25519-V3 Flags=DiscardPK Port=9999,unix:"
                  + sink_path)
        onion = [l for l in rep if "ServiceID=" in l][0].split("=", 1)[1]
        c.settimeout(90)
        buf = b""
        while b"UPLOADED " + onion.encode() not in buf:
            buf += c.recv(4096)

        def serve():
            while True:
                conn, _ = srv.accept()
                hdr = conn.recv(8)
                if len(hdr) < 8:
                    conn.close()	# tor may hand over streams that close
                    continue
                want, got = int.from_bytes(hdr, "big"), 0
                while got < want:
                    b = conn.recv(1 << 20)
                    if not b:
                        break
                    got += len(b)
                conn.sendall(b"done")
                conn.close()
        threading.Thread(target=serve, daemon=True).start()
        out = {}
        chunk = os.urandom(1 << 20)
        for mib in sizes:
            s = socks_connect(alice_dir + "/tor/socks.sock", onion, 9999)
            n = mib << 20
            t0 = time.time()
            s.sendall(n.to_bytes(8, "big"))
            for _ in range(mib):
                s.sendall(chunk)
            s.settimeout(600)
            assert s.recv(4) == b"done"
            out[mib] = time.time() - t0
            s.close()
        return out
    finally:
        tor.terminate()
        tor.wait(10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--sizes", default="10,100")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    build = os.path.abspath(a.build)
    torrc = a.testnet + "/client.torrc"
    work = tempfile.mkdtemp(prefix="warren-bench-files.")
    procs = []
    try:
        A, B = work + "/alice", work + "/bob"
        procs += [start_node(build, A, torrc), start_node(build, B, torrc)]
        ra, rb = Rpc(A + "/warren.sock"), Rpc(B + "/warren.sock")
        for r, name in ((ra, "alice"), (rb, "bob")):
            wait(lambda: r.call("status")["tor"]["published"], 120,
                 name + " published")
        aon = ra.call("identity.get")["onion"]
        bon = rb.call("identity.get")["onion"]
        ra.call("contacts.add", address=bon, name="bob")
        wait(lambda: rb.call("requests.list")["requests"], 120, "request")
        rb.call("contacts.accept", contact=aon)
        ra.call("messages.send", contact=bon, text="warm-up")
        wait(lambda: ra.call("contacts.list")["contacts"][0]["outbox"] == 0,
             120, "warm-up delivered")
        rb.call("settings.set", key="auto_accept_files", value="2G")
        idle = latency(ra, B, bon, 20, "idle")

        raw = raw_bulk(a.testnet, work, A, sizes)
        for mib in sizes:
            print("bench=files impl=raw-tor size_mib=%d seconds=%.2f "
                  "mib_per_s=%.2f" % (mib, raw[mib], mib / raw[mib]),
                  flush=True)

        for mib in sizes:
            path = "%s/f%d.bin" % (work, mib)
            with open(path, "wb") as f:
                for _ in range(mib):
                    f.write(os.urandom(1 << 20))
            sub = Rpc(B + "/warren.sock")
            sub.call("events.subscribe")
            peak = [0, 0]
            done = threading.Event()

            def sample():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_kib(procs[0].pid))
                    peak[1] = max(peak[1], rss_kib(procs[1].pid))
                    time.sleep(0.1)
            th = threading.Thread(target=sample, daemon=True)
            th.start()
            t0 = time.time()
            ra.call("files.send", contact=bon, path=path)
            busy = []
            if mib == max(sizes):
                def measure():
                    busy.append(latency(Rpc(A + "/warren.sock"), B, bon, 20,
                                        "busy"))
                lt = threading.Thread(target=measure, daemon=True)
                lt.start()
            first = None
            while True:
                ev = sub.next()
                p = ev.get("params", {}) if ev else die("event stream closed")
                t = p.get("type", "")
                if t == "file.progress" and first is None:
                    first = time.time()
                if t in ("file.complete", "file.failed", "file.cancelled") \
                   and p["data"].get("dir") == "in":
                    if t != "file.complete":
                        die("transfer ended: %s %s" % (t, p["data"]))
                    break
            t1 = time.time()
            done.set()
            th.join(1)
            sub.close()
            dt = t1 - t0
            print("bench=files impl=warren size_mib=%d seconds=%.2f "
                  "mib_per_s=%.2f stream_seconds=%.2f" % (mib, dt, mib / dt,
                  t1 - (first or t0)), flush=True)
            print("bench=files ratio=warren/raw-tor size_mib=%d "
                  "mib_per_s=%.2f" % (mib, raw[mib] / dt), flush=True)
            if mib == max(sizes):
                lt.join(120)
                if busy:
                    print("bench=files impl=warren case=latency n=20 "
                          "idle_p50_ms=%.0f during_p50_ms=%.0f ratio=%.2f"
                          % (idle, busy[0], busy[0] / idle), flush=True)
                print("bench=files impl=warren case=rss size_mib=%d "
                      "sender_rss_kib=%d receiver_rss_kib=%d"
                      % (mib, peak[0], peak[1]), flush=True)
            os.unlink(path)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
