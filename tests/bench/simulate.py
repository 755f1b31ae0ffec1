#!/usr/bin/env python3
"""simulate.py -- a network of warren daemons on the private Tor network
(scripts/simulate runs it; tests/integration/simulate.sh with a small N).

N warrend daemons attach (--tor-control) to T shared tors, one tor per
--per-tor daemons (default 5: 30 daemons on 6 tors fit this 2-core
machine; --per-tor 1 gives each daemon its own tor). A random contact
graph (--contacts each, fewer when N is small) is built through real
requests and accepts; then --messages messages go over random edges in
random directions at --rate per second while daemons are stopped
(SIGTERM) and started again at random (--churn stops in all, each down
for 3..10 s). At the end every stopped daemon is started again and the
outboxes must drain. Checks, from each receiver's history (messages.list):
every message arrived exactly once and in the order sent, per ordered
pair. Prints machine-readable lines:

  sim=setup nodes=N tors=T per_tor=P edges=E setup_s=...
  sim=latency class=all|online|offline n=... p50_ms=... p90_ms=... p99_ms=... max_ms=...
  sim=node i=.. rss_kib=.. cpu_s=.. starts=..     (one per daemon)
  sim=tor i=.. rss_kib=.. cpu_s=..                (one per shared tor)
  sim=resources warrend_rss_kib_median=.. warrend_rss_kib_max=.. ...
  sim=wire messages=M client_bytes=.. client_bytes_per_msg=.. net_bytes=..
      net_bytes_per_msg=.. send_s=.. drain_s=..
  sim=result sent=M received=M duplicates=0 missing=0 out_of_order=0 ok=1

Latency is the receiver's arrival time minus the sender's compose time
(one clock: one machine). "online": the receiver was up when the message
was sent; "offline": it was down, so the figure includes its downtime.
Bytes on the wire: traffic/written of the shared tors (client_bytes) and
of every tor including the network's relays (net_bytes) over the messaging
phase and the drain, divided by the messages; it includes Tor's own
traffic (circuits, descriptors after restarts, keepalives).
Exit status: 0 all delivered exactly once in order; 1 not; 2 could not run.
Nothing leaves 127.0.0.1.
"""
import argparse, json, os, random, signal, socket, subprocess, sys
import tempfile, time

def die(msg):
    print("simulate: " + msg, file=sys.stderr, flush=True)
    sys.exit(2)

def note(msg):
    print("simulate: " + msg, file=sys.stderr, flush=True)

class Rpc:
    """A JSON-RPC line client on a warren socket."""
    def __init__(self, path, timeout=60):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.id = 0
    def call(self, method, **params):
        self.id += 1
        self.s.sendall((json.dumps({"jsonrpc": "2.0", "id": self.id,
            "method": method, "params": params}) + "\n").encode())
        while True:
            line = self.f.readline()
            if not line:
                raise OSError("connection closed")
            r = json.loads(line)
            if r.get("id") == self.id:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r["result"]
    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

def wait(cond, secs, what):
    end = time.time() + secs
    while time.time() < end:
        try:
            if cond():
                return
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.25)
    die("timed out after %d s waiting for %s" % (secs, what))

class TorCtl:
    """GETINFO on a tor control port or socket (cookie authentication)."""
    def __init__(self, addr, cookie):
        if addr.startswith("unix:"):
            self.s = socket.socket(socket.AF_UNIX)
            self.s.connect(addr[5:])
        else:
            self.s = socket.create_connection(("127.0.0.1", int(addr)))
        self.s.settimeout(10)
        self.f = self.s.makefile("rb")
        self.cmd("AUTHENTICATE " + open(cookie, "rb").read().hex())
    def cmd(self, line):
        self.s.sendall(line.encode() + b"\r\n")
        out = []
        while True:
            l = self.f.readline().decode().rstrip("\r\n")
            if not l:
                raise OSError("control connection closed")
            out.append(l)
            if l[3:4] == " ":
                if not l.startswith("250"):
                    raise RuntimeError(l)
                return out
    def getint(self, key):
        for l in self.cmd("GETINFO " + key):
            if "=" in l and key in l:
                return int(l.split("=", 1)[1])
        raise RuntimeError("no " + key)
    def close(self):
        self.s.close()

def proc_stats(pid):
    """(rss_kib, cpu_s) of a live process."""
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                rss = int(l.split()[1])
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return rss, (int(fields[11]) + int(fields[12])) / hz

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] if xs else 0

class Tor:
    def __init__(self, i, work, net):
        self.i = i
        self.d = d = "%s/tor%d" % (work, i)
        os.makedirs(d, mode=0o700)
        self.ctl = d + "/control.sock"
        with open(d + "/torrc", "w") as f:
            # What warrend gives its own tor (src/tor/launch.c), with a
            # control socket the daemons attach to.
            f.write("DataDirectory %s\nSocksPort unix:%s/socks.sock "
                    "OnionTrafficOnly ExtendedErrors\nControlSocket %s\n"
                    "CookieAuthentication 1\nAvoidDiskWrites 1\n"
                    "Log notice file %s/notice.log\n" % (d, d, self.ctl, d))
            f.write(open(net + "/client.torrc").read())
        self.p = subprocess.Popen(["tor", "--defaults-torrc", "/dev/null",
            "-f", d + "/torrc", "--__OwningControllerProcess",
            str(os.getpid())], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
    def ready(self):
        return os.path.exists(self.ctl) and \
            os.path.exists(self.d + "/control_auth_cookie")
    def control(self):
        return TorCtl("unix:" + self.ctl, self.d + "/control_auth_cookie")

class Node:
    def __init__(self, i, work, build, tor):
        self.i = i
        self.d = "%s/n%d" % (work, i)
        self.build = build
        self.tor = tor
        self.p = None
        self.rpc = None
        self.starts = 0
        self.onion = None
        self.extra = []		# more warrend arguments
    def start(self):
        log = open(self.d + ".log", "a")
        args = [os.path.join(self.build, "warrend"), "-d", self.d, "-f"]
        if self.tor is not None:
            args += ["--tor-control", "unix:" + self.tor.ctl]
        self.p = subprocess.Popen(args + self.extra, stdout=log, stderr=log)
        self.starts += 1
        sock = self.d + "/warren.sock"
        wait(lambda: os.path.exists(sock) and self.connect(), 30,
             "n%d socket" % self.i)
    def connect(self):
        self.rpc = Rpc(self.d + "/warren.sock")
        return True
    def up(self):
        return self.p is not None and self.p.poll() is None
    def stop(self):
        if self.rpc:
            self.rpc.close()
            self.rpc = None
        if self.p is None:
            return
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        if os.path.exists(self.d + "/warren.sock"):
            os.unlink(self.d + "/warren.sock")
        self.p = None
    def call(self, method, **params):
        return self.rpc.call(method, **params)

def random_graph(n, k, rng):
    """Undirected edges, each node with up to k neighbours."""
    k = min(k, n - 1)
    adj = {i: set() for i in range(n)}
    order = list(range(n))
    for _ in range(2):	# a second pass fills what the first left short
        rng.shuffle(order)
        for i in order:
            cand = [j for j in range(n) if j != i and j not in adj[i]
                    and len(adj[j]) < k]
            rng.shuffle(cand)
            while len(adj[i]) < k and cand:
                j = cand.pop()
                adj[i].add(j)
                adj[j].add(i)
    return sorted({(min(i, j), max(i, j)) for i in adj for j in adj[i]})

def build_contacts(nodes, edges, secs):
    """a asks b, b accepts; until every edge is mutual on both sides."""
    for a, b in edges:
        nodes[a].call("contacts.add", address=nodes[b].onion,
                      name="n%d" % b)
    want = {}
    for a, b in edges:
        want.setdefault(b, set()).add(nodes[a].onion)
    end = time.time() + secs
    while want and time.time() < end:
        for b in list(want):
            for r in nodes[b].call("requests.list")["requests"]:
                if r["address"] in want[b]:
                    nodes[b].call("contacts.accept", contact=r["address"])
                    want[b].discard(r["address"])
            if not want[b]:
                del want[b]
        time.sleep(0.5)
    if want:
        die("contact requests not received in %d s: %s" % (secs,
            ", ".join("n%d<-%d" % (b, len(s)) for b, s in want.items())))

def all_mutual(nodes, degree):
    for nd in nodes:
        cs = nd.call("contacts.list")["contacts"]
        if sum(1 for c in cs if c["state"] == "contact") < degree[nd.i]:
            return False
    return True

def outboxes_empty(nodes):
    for nd in nodes:
        for c in nd.call("contacts.list")["contacts"]:
            if c["outbox"] != 0:
                return False
    return True

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--nodes", type=int, default=30)
    ap.add_argument("--per-tor", type=int, default=5)
    ap.add_argument("--contacts", type=int, default=10)
    ap.add_argument("--messages", type=int, default=3000)
    ap.add_argument("--rate", type=float, default=30.0)
    ap.add_argument("--churn", type=int, default=-1,
                    help="stops in all (default: nodes / 2)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds for each waiting phase")
    a = ap.parse_args()
    if a.nodes < 2 or a.per_tor < 1 or a.messages < 1 or a.rate <= 0:
        die("need --nodes >= 2, --per-tor >= 1, --messages >= 1, --rate > 0")
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    churn = a.churn if a.churn >= 0 else a.nodes // 2
    build = os.path.abspath(a.build)
    work = tempfile.mkdtemp(prefix="warren-sim.")
    tors, nodes = [], []
    ok = False
    try:
        t0 = time.time()
        ntor = (a.nodes + a.per_tor - 1) // a.per_tor
        tors = [Tor(i, work, a.testnet) for i in range(ntor)]
        wait(lambda: all(t.ready() for t in tors), 60, "tor control sockets")
        nodes = [Node(i, work, build, tors[i // a.per_tor])
                 for i in range(a.nodes)]
        for nd in nodes:
            nd.start()
        for nd in nodes:
            wait(lambda: nd.call("status")["tor"]["published"], a.timeout,
                 "n%d published" % nd.i)
            nd.onion = nd.call("identity.get")["onion"]
        edges = random_graph(a.nodes, a.contacts, rng)
        degree = {i: 0 for i in range(a.nodes)}
        for x, y in edges:
            degree[x] += 1
            degree[y] += 1
        # Random direction for each request.
        edges = [(x, y) if rng.random() < 0.5 else (y, x) for x, y in edges]
        build_contacts(nodes, edges, a.timeout)
        wait(lambda: all_mutual(nodes, degree), a.timeout, "mutual contacts")
        print("sim=setup nodes=%d tors=%d per_tor=%d edges=%d seed=%d "
              "setup_s=%.1f" % (a.nodes, ntor, a.per_tor, len(edges), seed,
              time.time() - t0), flush=True)

        ctls = [t.control() for t in tors]
        relays = []
        for r in sorted(os.listdir(a.testnet)):
            rd = os.path.join(a.testnet, r)
            if os.path.exists(rd + "/ctlport") and \
               os.path.exists(rd + "/control_auth_cookie"):
                relays.append(TorCtl(open(rd + "/ctlport").read().strip(),
                                     rd + "/control_auth_cookie"))
        def bytes_written(cs):
            return sum(c.getint("traffic/written") for c in cs)
        cb0, rb0 = bytes_written(ctls), bytes_written(relays)

        # Messages with churn.
        pairs = [(x, y) for x, y in edges] + [(y, x) for x, y in edges]
        counter = {}
        sent = []	# (sender, receiver, k, t_send, receiver_up)
        churn_at = sorted(rng.sample(range(a.messages), min(churn,
                                                            a.messages)))
        down = {}	# node -> time to start again
        interval = 1.0 / a.rate
        t_send0 = t_next = time.time()
        for m in range(a.messages):
            now = time.time()
            for i, t_up in list(down.items()):
                if now >= t_up:
                    nodes[i].start()
                    del down[i]
            while churn_at and churn_at[0] == m:
                churn_at.pop(0)
                cand = [nd.i for nd in nodes if nd.i not in down]
                if len(cand) > 1:
                    v = rng.choice(cand)
                    nodes[v].stop()
                    down[v] = time.time() + rng.uniform(3, 10)
            while True:
                s, r = rng.choice(pairs)
                if s not in down:
                    break
            k = counter.get((s, r), 0)
            counter[(s, r)] = k + 1
            text = "sim %d %d %d" % (s, r, k)
            ts = time.time()
            nodes[s].call("messages.send", contact=nodes[r].onion, text=text)
            sent.append((s, r, k, ts, r not in down))
            t_next += interval
            d = t_next - time.time()
            if d > 0:
                time.sleep(d)
        for i in list(down):
            nodes[i].start()
        down.clear()
        t_sent = time.time()
        send_s = t_sent - t_send0
        note("sent %d messages; waiting for the outboxes to drain" % len(sent))
        wait(lambda: outboxes_empty(nodes), a.timeout, "outboxes to drain")
        cb1, rb1 = bytes_written(ctls), bytes_written(relays)
        drain_s = time.time() - t_sent

        # Exactly once, in order: each receiver's history per sender.
        online = {(s, r, k): up for s, r, k, _, up in sent}
        lat = {"all": [], "online": [], "offline": []}
        dup = missing = disorder = received = 0
        for nd in nodes:
            for c in nd.call("contacts.list")["contacts"]:
                hist = nd.call("messages.list", contact=c["address"],
                               limit=10000)["messages"]
                got = {}
                for msg in hist:
                    if msg["direction"] != "in":
                        continue
                    f = msg["text"].split()
                    if len(f) != 4 or f[0] != "sim":
                        continue
                    s, r, k = int(f[1]), int(f[2]), int(f[3])
                    if r != nd.i or nodes[s].onion != c["address"]:
                        note("n%d: %r arrived from the wrong contact" %
                             (nd.i, msg["text"]))
                        disorder += 1
                        continue
                    got.setdefault(s, []).append(k)
                    received += 1
                    ms = msg["time"] - msg["sent"]
                    lat["all"].append(ms)
                    lat["online" if online.get((s, r, k)) else
                        "offline"].append(ms)
                for s, ks in got.items():
                    n_exp = counter.get((s, nd.i), 0)
                    if len(ks) != len(set(ks)):
                        dup += len(ks) - len(set(ks))
                        note("n%d: duplicates from n%d" % (nd.i, s))
                    if ks != sorted(ks):
                        disorder += 1
                        note("n%d: out of order from n%d" % (nd.i, s))
                    miss = set(range(n_exp)) - set(ks)
                    missing += len(miss)
                for (s, r), n_exp in counter.items():
                    if r == nd.i and s not in got and n_exp > 0 and \
                       nodes[s].onion == c["address"]:
                        missing += n_exp
        for cls in ("all", "online", "offline"):
            xs = lat[cls]
            print("sim=latency class=%s n=%d p50_ms=%d p90_ms=%d p99_ms=%d "
                  "max_ms=%d" % (cls, len(xs), pct(xs, 50), pct(xs, 90),
                  pct(xs, 99), max(xs) if xs else 0), flush=True)
        rss, cpu = [], []
        for nd in nodes:
            r_kib, c_s = proc_stats(nd.p.pid)
            rss.append(r_kib)
            cpu.append(c_s)
            print("sim=node i=%d rss_kib=%d cpu_s=%.2f starts=%d contacts=%d"
                  % (nd.i, r_kib, c_s, nd.starts, degree[nd.i]), flush=True)
        for t in tors:
            r_kib, c_s = proc_stats(t.p.pid)
            print("sim=tor i=%d rss_kib=%d cpu_s=%.2f daemons=%d" % (t.i,
                  r_kib, c_s, sum(1 for nd in nodes if nd.tor is t)),
                  flush=True)
        print("sim=resources warrend_rss_kib_median=%d warrend_rss_kib_max=%d "
              "warrend_cpu_s_median=%.2f warrend_cpu_s_max=%.2f"
              % (pct(rss, 50), max(rss), pct(cpu, 50), max(cpu)), flush=True)
        nm = len(sent)
        print("sim=wire messages=%d client_bytes=%d client_bytes_per_msg=%d "
              "net_bytes=%d net_bytes_per_msg=%d send_s=%.1f drain_s=%.1f"
              % (nm, cb1 - cb0, (cb1 - cb0) // nm, (cb1 - cb0) + (rb1 - rb0),
              ((cb1 - cb0) + (rb1 - rb0)) // nm, send_s, drain_s),
              flush=True)
        ok = received == nm and dup == 0 and missing == 0 and disorder == 0
        print("sim=result sent=%d received=%d duplicates=%d missing=%d "
              "out_of_order=%d churn=%d ok=%d" % (nm, received, dup, missing,
              disorder, sum(nd.starts - 1 for nd in nodes), int(ok)),
              flush=True)
        for c in ctls + relays:
            c.close()
    finally:
        for nd in nodes:
            try:
                nd.stop()
            except Exception:
                pass
        for t in tors:
            t.p.terminate()
        for t in tors:
            try:
                t.p.wait(10)
            except subprocess.TimeoutExpired:
                t.p.kill()
        if os.environ.get("KEEP_TMP"):
            note("kept " + work)
        else:
            subprocess.run(["rm", "-rf", work])
    sys.exit(0 if ok else 1)

if __name__ == "__main__":
    main()
