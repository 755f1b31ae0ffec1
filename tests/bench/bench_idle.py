#!/usr/bin/env python3
"""bench_idle.py -- a hub warrend with --contacts mutual contacts, all
online, on the private Tor network: what it costs to sit idle, and how long
it takes to come back up. Prints machine-readable lines:

  bench=idle contacts=K online=K seconds=S cpu_s=.. cpu_pct=..
      wakeups_per_s=.. ctxsw_per_s=.. warren_bytes_per_min_per_contact=..
      tor_bytes_per_min_per_contact=..
  bench=startup case=warrend contacts=K to_published_s=.. to_all_online_s=..
  bench=startup case=bare-tor to_published_s=..

The contacts are warrend daemons attached (--tor-control) to shared tors,
--per-tor each; the hub gets a tor of its own, also attached, so that its
tor's traffic/written is the hub's alone. Idle: nothing is sent for
--idle seconds, measured from --settle seconds after every contact is
online (the sessions' first messages are done by then). cpu_s is the hub's user +
system time (/proc/PID/stat), wakeups_per_s its voluntary context switches
per second (each return from epoll_wait that found work, or a timer), and
warren_bytes the bytes the hub wrote to sockets and files (/proc/PID/io
wchar: the keepalive frames, as the hub writes no log at --log-level warn
and commits nothing while idle); tor_bytes is traffic/written of its tor
(cells, TLS, Tor's own circuit upkeep) over the same period.
Start-up: the hub is stopped and started again, this time spawning its own
tor (--torrc-append, as a user's warrend does); to_all_online_s is the time
until contacts.list shows every contact online. bare-tor: a tor started
alone with the same options, from spawn to its first ADD_ONION descriptor
UPLOADED. Timings are measurements, never pass/fail.
"""
import argparse, os, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simulate import Node, Tor, die, note, proc_stats, wait  # noqa: E402

def io_wchar(pid):
    with open("/proc/%d/io" % pid) as f:
        for l in f:
            if l.startswith("wchar:"):
                return int(l.split()[1])
    return 0

def ctxsw(pid):
    v = nv = 0
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("voluntary_ctxt_switches:"):
                v = int(l.split()[1])
            elif l.startswith("nonvoluntary_ctxt_switches:"):
                nv = int(l.split()[1])
    return v, nv

def online_count(nd):
    return sum(1 for c in nd.call("contacts.list")["contacts"]
               if c["state"] == "contact" and c["online"])

def bare_tor(work, net):
    """Spawn-to-UPLOADED of a bare tor with the options warrend uses."""
    t0 = time.time()
    t = Tor(99, work, net)
    wait(t.ready, 60, "bare tor control socket")
    c = socket.socket(socket.AF_UNIX)
    c.connect(t.ctl)
    c.settimeout(180)
    cookie = open(t.d + "/control_auth_cookie", "rb").read().hex()
    c.sendall(("AUTHENTICATE %s\r\nSETEVENTS HS_DESC\r\nADD_ONION "
               "NEW:ED25519-V3 Flags=DiscardPK Port=9737,127.0.0.1:9\r\n"
               % cookie).encode())
    buf = b""
    while b"650 HS_DESC UPLOADED" not in buf:
        d = c.recv(4096)
        if not d:
            die("bare tor closed its control connection")
        buf += d
    dt = time.time() - t0
    c.close()
    t.p.terminate()
    t.p.wait(10)
    return dt

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--testnet", required=True)
    ap.add_argument("--contacts", type=int, default=100)
    ap.add_argument("--per-tor", type=int, default=10)
    ap.add_argument("--idle", type=int, default=600)
    ap.add_argument("--settle", type=int, default=30,
                    help="seconds after all are online before measuring")
    ap.add_argument("--timeout", type=int, default=900)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    work = tempfile.mkdtemp(prefix="warren-idle.")
    k = a.contacts
    tors, peers, hub = [], [], None
    try:
        ntor = (k + a.per_tor - 1) // a.per_tor
        tors = [Tor(i, work, a.testnet) for i in range(ntor + 1)]
        wait(lambda: all(t.ready() for t in tors), 60, "tor control sockets")
        hub = Node(0, work, build, tors[0])
        hub.extra = ["--log-level", "warn"]
        peers = [Node(i + 1, work, build, tors[1 + i // a.per_tor])
                 for i in range(k)]
        for nd in [hub] + peers:
            nd.start()
        for nd in [hub] + peers:
            wait(lambda: nd.call("status")["tor"]["published"], a.timeout,
                 "n%d published" % nd.i)
            nd.onion = nd.call("identity.get")["onion"]
        for nd in peers:
            hub.call("contacts.add", address=nd.onion, name="p%d" % nd.i)
        waiting = set(peers)
        end = time.time() + a.timeout
        while waiting and time.time() < end:
            for nd in list(waiting):
                for r in nd.call("requests.list")["requests"]:
                    if r["address"] == hub.onion:
                        nd.call("contacts.accept", contact=hub.onion)
                        waiting.discard(nd)
            time.sleep(0.5)
        if waiting:
            die("%d requests not received" % len(waiting))
        wait(lambda: online_count(hub) == k, a.timeout, "all contacts online")
        note("%d contacts online; idle for %d s after %d s" % (k, a.idle,
             a.settle))
        # Session set-up (INIT, preferences) is still finishing: let it.
        time.sleep(a.settle)

        # Idle.
        tc = tors[0].control()
        pid = hub.p.pid
        _, c0 = proc_stats(pid)
        v0, nv0 = ctxsw(pid)
        w0, tb0, t0 = io_wchar(pid), tc.getint("traffic/written"), time.time()
        time.sleep(a.idle)
        _, c1 = proc_stats(pid)
        v1, nv1 = ctxsw(pid)
        w1, tb1, t1 = io_wchar(pid), tc.getint("traffic/written"), time.time()
        tc.close()
        on = online_count(hub)
        dt = t1 - t0
        mins = dt / 60
        print("bench=idle contacts=%d online=%d seconds=%.0f cpu_s=%.2f "
              "cpu_pct=%.3f wakeups_per_s=%.2f ctxsw_per_s=%.2f "
              "warren_bytes_per_min_per_contact=%.0f "
              "tor_bytes_per_min_per_contact=%.0f" % (k, on, dt, c1 - c0,
              100 * (c1 - c0) / dt, (v1 - v0) / dt,
              (v1 - v0 + nv1 - nv0) / dt, (w1 - w0) / mins / k,
              (tb1 - tb0) / mins / k), flush=True)

        # Start-up with its own tor.
        hub.stop()
        hub.extra = ["--torrc-append", a.testnet + "/client.torrc"]
        hub.tor = None
        t0 = time.time()
        hub.start()
        wait(lambda: hub.call("status")["tor"]["published"], a.timeout,
             "hub published again")
        t_pub = time.time() - t0
        wait(lambda: online_count(hub) == k, a.timeout,
             "all contacts online again")
        t_all = time.time() - t0
        print("bench=startup case=warrend contacts=%d to_published_s=%.1f "
              "to_all_online_s=%.1f" % (k, t_pub, t_all), flush=True)
        print("bench=startup case=bare-tor to_published_s=%.1f"
              % bare_tor(work, a.testnet), flush=True)
    finally:
        for nd in ([hub] if hub else []) + peers:
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
        subprocess.run(["rm", "-rf", work])

if __name__ == "__main__":
    main()
