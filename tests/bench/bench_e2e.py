#!/usr/bin/env python3
"""bench_e2e.py -- end-to-end benchmarks through real daemons on the private
Tor network, beside a raw byte stream over a bare tor connection on the same
network in the same run. Prints one machine-readable line per case:

  bench=e2e impl=warren case=latency n=200 p50_ms=... p99_ms=...
  bench=e2e impl=raw-tor case=latency n=200 p50_ms=... p99_ms=...
  bench=e2e impl=raw-tor case=burst n=10000 msgs_per_s=... seconds=...
  bench=e2e impl=warren case=burst n=10000 msgs_per_s=... seconds=...
  bench=e2e impl=warren case=burst-cpu n=10000 sender_cpu_ms_per_msg=...
      receiver_cpu_ms_per_msg=...
  bench=e2e ratio=warren/raw-tor case=latency p50=... p99=...
  bench=e2e ratio=warren/raw-tor case=burst msgs_per_s=...
  bench=e2e impl=warren case=rss contacts=1000 rss_kib=...

The raw baseline takes the path warrend takes (src/tor/socks.c and
src/tor/launch.c): the client goes through alice's own tor, over its UNIX
SocksPort (OnionTrafficOnly ExtendedErrors), with RFC 1929 stream isolation
(username BLAKE2b-128 of the onion, in hex, empty password) and the name
resolved by tor; the service is an ED25519-V3 onion added with ADD_ONION
(Flags=DiscardPK) whose target is a UNIX socket, on a tor configured like
the one warrend starts (AvoidDiskWrites 1). Every socket on both paths is
AF_UNIX, so Nagle does not apply to either; the tor-to-tor links are the
same relays. Runs right after warren's latency case, before its burst.

Usage: bench_e2e.py --build BUILD_DIR --testnet NET_DIR [--n 10000]
Timings are measurements, never pass/fail.
"""
import argparse, hashlib, json, os, socket, statistics, subprocess, sys
import tempfile
import threading, time

def die(msg):
    print("bench_e2e: " + msg, file=sys.stderr)
    sys.exit(1)

class Rpc:
    """A JSON-RPC line client on a warren socket."""
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.id = 0
    def call(self, method, **params):
        self.id += 1
        self.s.sendall((json.dumps({"jsonrpc": "2.0", "id": self.id,
            "method": method, "params": params}) + "\n").encode())
        while True:
            r = json.loads(self.f.readline())
            if r.get("id") == self.id:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r["result"]
    def next(self):
        line = self.f.readline()
        return json.loads(line) if line else None
    def close(self):
        self.s.shutdown(socket.SHUT_RDWR)
        self.s.close()

def wait(cond, secs, what):
    end = time.time() + secs
    while time.time() < end:
        try:
            if cond():
                return
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.2)
    die("timed out waiting for " + what)

def start_node(build, d, torrc, extra=()):
    log = open(d + ".log", "w")
    args = [os.path.join(build, "warrend"), "-d", d, "-f"]
    args += ["--torrc-append", torrc] if torrc else ["--no-tor"]
    p = subprocess.Popen(args + list(extra), stdout=log, stderr=log)
    wait(lambda: os.path.exists(d + "/warren.sock"), 20, d + " socket")
    return p

def socks_connect(socks_path, onion, port, secs=90):
    """SOCKS5 through tor's unix SocksPort, retrying while the onion is new,
    exactly as warrend dials (src/tor/socks.c): offer only username/password,
    the per-destination isolation username, an empty password."""
    user = hashlib.blake2b(onion.encode(), digest_size=16).hexdigest().encode()
    end = time.time() + secs
    while True:
        s = socket.socket(socket.AF_UNIX)
        s.connect(socks_path)
        s.sendall(b"\x05\x01\x02")
        assert s.recv(2) == b"\x05\x02"
        s.sendall(b"\x01" + bytes([len(user)]) + user + b"\x00")
        assert s.recv(2) == b"\x01\x00"
        host = (onion + ".onion").encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(host)]) + host +
                  port.to_bytes(2, "big"))
        rep = s.recv(4)
        if rep[1] == 0:
            atyp = rep[3]
            s.recv({1: 6, 4: 18}.get(atyp, 0) or (s.recv(1)[0] + 2))
            return s
        s.close()
        if time.time() > end:
            die("SOCKS connect failed: 0x%02x" % rep[1])
        time.sleep(1)

def raw_tor(build, net, work, alice_dir, n, nlat):
    """A bare onion service on its own tor; a client through alice's tor."""
    d = work + "/rawtor"
    os.makedirs(d, mode=0o700)
    ctl = d + "/control.sock"
    with open(d + "/torrc", "w") as f:
        # The lines warrend's own tor gets (src/tor/launch.c), but a
        # control socket instead of the owning control connection.
        f.write("DataDirectory %s\nSocksPort unix:%s/socks.sock "
                "OnionTrafficOnly ExtendedErrors\nControlSocket %s\n"
                "CookieAuthentication 0\nAvoidDiskWrites 1\n"
                "Log notice file %s/notice.log\n" % (d, d, ctl, d))
        f.write(open(net + "/client.torrc").read())
    tor = subprocess.Popen(["tor", "--defaults-torrc", "/dev/null", "-f",
        d + "/torrc", "--__OwningControllerProcess", str(os.getpid())],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    echo_path = d + "/echo.sock"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(echo_path)
    srv.listen(4)
    cmd("SETEVENTS HS_DESC")
    rep = cmd("ADD_ONION NEW:ED25519-V3 Flags=DiscardPK Port=9999,unix:" +
              echo_path)
    onion = [l for l in rep if "ServiceID=" in l][0].split("=", 1)[1]
    # Wait for the first upload.
    c.settimeout(90)
    buf = b""
    while b"UPLOADED " + onion.encode() not in buf:
        buf += c.recv(4096)
    results = {}
    def serve():
        while True:
            conn, _ = srv.accept()
            rf = conn.makefile("rb")
            line = rf.readline()
            if line:
                break	# tor may hand over streams that close at once
            conn.close()
        lat = []
        for i in range(nlat):
            if i > 0:
                line = rf.readline()
            lat.append(time.time() - float(line.split()[1]))
            conn.sendall(b"k")
        got = 0
        while got < n:
            line = rf.readline()
            if not line:
                break
            got += 1
        conn.sendall(b"done")
        results["lat"] = lat
        results["got"] = got
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    s = socks_connect(alice_dir + "/tor/socks.sock", onion, 9999)
    pad = "x" * 60
    for i in range(nlat):
        s.sendall(("%d %.6f %s\n" % (i, time.time(), pad)).encode())
        s.recv(1)
    msg = ("m %s\n" % ("y" * 96)).encode()
    t0 = time.time()
    s.sendall(msg * n)
    assert s.recv(4) == b"done"
    t1 = time.time()
    th.join(5)
    tor.terminate()
    tor.wait(10)
    return results["lat"], n / (t1 - t0), t1 - t0

def cpu_s(pid):
    """User + system CPU seconds of a live process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--latency-n", type=int, default=200)
    ap.add_argument("--contacts", type=int, default=1000)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    torrc = a.testnet + "/client.torrc"
    work = tempfile.mkdtemp(prefix="warren-bench.")
    procs = []
    try:
        A, B = work + "/alice", work + "/bob"
        procs += [start_node(build, A, torrc), start_node(build, B, torrc)]
        ra, rb = Rpc(A + "/warren.sock"), Rpc(B + "/warren.sock")
        for r, name in ((ra, "alice"), (rb, "bob")):
            wait(lambda: r.call("status")["tor"]["published"], 120,
                 name + " published")
        aon, bon = ra.call("identity.get")["onion"], rb.call("identity.get")["onion"]
        ra.call("contacts.add", address=bon, name="bob")
        wait(lambda: rb.call("requests.list")["requests"], 120, "request")
        rb.call("contacts.accept", contact=aon)
        ra.call("messages.send", contact=bon, text="warm-up")
        wait(lambda: ra.call("contacts.list")["contacts"][0]["outbox"] == 0,
             120, "warm-up delivered")

        # Latency: one at a time, send call -> receive event at bob.
        sub = Rpc(B + "/warren.sock")
        sub.call("events.subscribe")
        lat = []
        for i in range(a.latency_n):
            tag = "lat %d" % i
            t0 = time.time()
            ra.call("messages.send", contact=bon, text=tag)
            while True:
                ev = sub.next()
                p = ev.get("params", {}) if ev else die("event stream closed")
                if p.get("type") == "message.received" and \
                   p["data"].get("text") == tag:
                    break
            lat.append(time.time() - t0)
        sub.close()
        print("bench=e2e impl=warren case=latency n=%d p50_ms=%.1f p99_ms=%.1f"
              % (len(lat), pct(lat, 50) * 1000, pct(lat, 99) * 1000), flush=True)

        rlat, rrate, rdt = raw_tor(build, a.testnet, work, A, a.n, a.latency_n)
        print("bench=e2e impl=raw-tor case=latency n=%d p50_ms=%.1f "
              "p99_ms=%.1f" % (len(rlat), pct(rlat, 50) * 1000,
              pct(rlat, 99) * 1000), flush=True)
        print("bench=e2e impl=raw-tor case=burst n=%d msgs_per_s=%.0f "
              "seconds=%.2f" % (a.n, rrate, rdt), flush=True)

        # Burst: N messages pipelined on one connection; until all ACKed.
        evs = Rpc(A + "/warren.sock")
        evs.call("events.subscribe")
        text = "b" * 100
        s = socket.socket(socket.AF_UNIX)
        s.connect(A + "/warren.sock")
        blob = b"".join((json.dumps({"jsonrpc": "2.0", "id": i,
            "method": "messages.send", "params": {"contact": bon,
            "text": text}}) + "\n").encode() for i in range(a.n))
        ids = set()
        cpu0 = [cpu_s(p.pid) for p in procs[:2]]
        def reader():
            f = s.makefile("rb")
            for _ in range(a.n):
                ids.add(json.loads(f.readline())["result"]["id"])
        th = threading.Thread(target=reader, daemon=True)
        t0 = time.time()
        th.start()
        s.sendall(blob)
        th.join(600)
        t_queued = time.time() - t0
        delivered = 0
        while delivered < a.n:
            ev = evs.next()
            if ev is None:
                die("event stream closed")
            p = ev.get("params", {})
            if p.get("type") == "message.delivered" and \
               p["data"]["message"] in ids:
                delivered += 1
        dt = time.time() - t0
        cpu1 = [cpu_s(p.pid) for p in procs[:2]]
        print("bench=e2e impl=warren case=burst n=%d msgs_per_s=%.0f "
              "seconds=%.2f queued_s=%.2f" % (a.n, a.n / dt, dt, t_queued),
              flush=True)
        # CPU per message: what the daemons spend, whatever the machine's
        # load does to the wall-clock rate.
        print("bench=e2e impl=warren case=burst-cpu n=%d sender_cpu_ms_per_msg"
              "=%.3f receiver_cpu_ms_per_msg=%.3f" % (a.n, 1000 *
              (cpu1[0] - cpu0[0]) / a.n, 1000 * (cpu1[1] - cpu0[1]) / a.n),
              flush=True)
        s.close()
        evs.close()
        # Above 1: warren is slower (latency) or faster (burst) than tor.
        print("bench=e2e ratio=warren/raw-tor case=latency p50=%.2f p99=%.2f"
              % (pct(lat, 50) / pct(rlat, 50), pct(lat, 99) / pct(rlat, 99)),
              flush=True)
        print("bench=e2e ratio=warren/raw-tor case=burst msgs_per_s=%.2f"
              % ((a.n / dt) / rrate), flush=True)

        # RSS with many contacts (no tor: the daemon's own memory).
        C = work + "/many"
        p = start_node(build, C, None)
        procs.append(p)
        rc = Rpc(C + "/warren.sock")
        onions = subprocess.run([os.path.join(build, "tests/bench/gen_onions"),
            str(a.contacts)], capture_output=True, text=True,
            check=True).stdout.split()
        for i, o in enumerate(onions):
            rc.call("contacts.add", address=o, name="c%d" % i)
        rc.call("contacts.list")
        rss = [l for l in open("/proc/%d/status" % p.pid)
               if l.startswith("VmRSS")][0].split()[1]
        print("bench=e2e impl=warren case=rss contacts=%d rss_kib=%s"
              % (len(onions), rss), flush=True)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["rm", "-rf", work])

if __name__ == "__main__":
    main()
