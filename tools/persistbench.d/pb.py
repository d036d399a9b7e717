#!/usr/bin/env python3
"""Helper for tools/persistbench (Python standard library only).

  pb.py gen N                      RESP for N SETs of key:%012d -> 100-byte value, to stdout
  pb.py mem PID                    "rss_kb pss_kb" of PID and its descendants (each summed)
  pb.py bgsave PORT PID            one BGSAVE, timed by polling INFO persistence; samples the
                                   memory of PID and its descendants every ~10 ms meanwhile
  pb.py bgsave-loop PORT PID STOP READY  BGSAVE after BGSAVE until the file STOP exists;
                                   touches READY once the first one is under way; peak memory
                                   of PID and its descendants meanwhile
  pb.py waitload PORT N T0_NS      ms from T0_NS (epoch ns) until PING answers and DBSIZE == N

Results go to stdout as key=value lines; errors to stderr with exit status 3.
"""
import glob
import os
import random
import socket
import sys
import time


class Conn:
    def __init__(self, port, timeout=300.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.s.sendall(b"".join(out))

    def _fill(self):
        chunk = self.s.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        """A reply; an error reply comes back as ServerError (a value, not raised)."""
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v
        if t == b"-":
            return ServerError(rest.decode(errors="replace"))
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if t == b":":
            return int(rest)
        return rest

    def call(self, *args):
        self.send(*args)
        return self.read()


class ServerError(str):
    pass


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(3)


def info_fields(conn, section):
    r = conn.call("INFO", section)
    if isinstance(r, ServerError) or r is None:
        fail(f"INFO {section} failed: {r}")
    out = {}
    for line in r.decode(errors="replace").split("\r\n"):
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out


# ---- memory of a process tree ----

def descendants(pid):
    out = []
    for f in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(f) as fh:
                kids = [int(x) for x in fh.read().split()]
        except OSError:
            continue
        for k in kids:
            out.append(k)
            out.extend(descendants(k))
    return out


def field_kb(path, name):
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass  # a child that has just exited
    return 0


def tree_mem(pid):
    """(VmRSS sum, Pss sum, number of descendants). VmRSS counts pages a forked child shares
    copy-on-write with its parent in both; Pss splits them, so its sum is physical memory."""
    pids = [pid] + descendants(pid)
    rss = sum(field_kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
    pss = sum(field_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
    return rss, pss, len(pids) - 1


# ---- commands ----

def cmd_gen(n):
    rnd = random.Random(1)
    out = sys.stdout.buffer
    batch = []
    for i in range(n):
        # Hex of random bytes: ~100-byte values LZF cannot shrink much, as real data.
        v = rnd.randbytes(50).hex().encode()
        batch.append(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$100\r\n%s\r\n" % (i, v))
        if len(batch) == 10000:
            out.write(b"".join(batch))
            batch = []
    out.write(b"".join(batch))


def cmd_mem(pid):
    rss, pss, _ = tree_mem(pid)
    print(f"{rss} {pss}")


def start_bgsave(conn):
    r = conn.call("BGSAVE")
    if isinstance(r, ServerError):
        return str(r)
    if r != b"Background saving started":
        return f"unexpected reply {r!r}"
    return None


def in_progress(conn):
    f = info_fields(conn, "persistence")
    if "rdb_bgsave_in_progress" not in f:
        fail("INFO persistence has no rdb_bgsave_in_progress field")
    return f["rdb_bgsave_in_progress"] == "1", f


def cmd_bgsave(port, pid):
    conn = Conn(port)
    idle_rss, idle_pss, _ = tree_mem(pid)
    peak_rss, peak_pss, max_kids, samples, max_cow = idle_rss, idle_pss, 0, 0, 0
    t0 = time.monotonic()
    err = start_bgsave(conn)
    if err:
        fail(f"BGSAVE failed: {err}")
    while True:
        rss, pss, kids = tree_mem(pid)
        samples += 1
        peak_rss, peak_pss, max_kids = max(peak_rss, rss), max(peak_pss, pss), max(max_kids, kids)
        busy, f = in_progress(conn)
        max_cow = max(max_cow, int(f.get("current_cow_size", "0") or 0))
        if not busy:
            break
        time.sleep(0.01)
    ms = (time.monotonic() - t0) * 1000
    print(f"bgsave_ms={ms:.0f}")
    print(f"status={f.get('rdb_last_bgsave_status', 'n/a')}")
    print(f"server_time_sec={f.get('rdb_last_bgsave_time_sec', 'n/a')}")
    print(f"cow_bytes={f.get('rdb_last_cow_size', 'n/a')}")
    print(f"max_current_cow_bytes={max_cow}")
    print(f"idle_rss_kb={idle_rss} peak_rss_kb={peak_rss}")
    print(f"idle_pss_kb={idle_pss} peak_pss_kb={peak_pss}")
    print(f"children={max_kids} samples={samples}")


def cmd_bgsave_loop(port, pid, stop, ready):
    conn = Conn(port)
    saves, busy_s, first = 0, 0.0, True
    peak_rss, peak_pss = 0, 0
    start = time.monotonic()
    while not os.path.exists(stop):
        t0 = time.monotonic()
        err = start_bgsave(conn)
        if err:
            fail(f"BGSAVE failed: {err}")
        if first:
            open(ready, "w").close()
            first = False
        while True:
            rss, pss, _ = tree_mem(pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            if not in_progress(conn)[0]:
                break
            time.sleep(0.01)
        busy_s += time.monotonic() - t0
        saves += 1
    window = time.monotonic() - start
    print(f"saves={saves} covered_pct={100 * busy_s / window:.0f} peak_rss_kb={peak_rss} peak_pss_kb={peak_pss}")


def cmd_waitload(port, n, t0_ns):
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            c = Conn(port, timeout=5)
            while time.monotonic() < deadline:
                if c.call("PING") == b"PONG" and c.call("DBSIZE") == n:
                    print(f"load_ms={(time.time_ns() - t0_ns) / 1e6:.0f}")
                    return
                time.sleep(0.005)  # -LOADING, or keys still arriving
        except OSError:
            time.sleep(0.005)  # not listening yet
    fail(f"server on port {port} did not answer with DBSIZE {n}")


def main():
    a = sys.argv[1:]
    if not a:
        fail(__doc__)
    cmd = a[0]
    if cmd == "gen":
        cmd_gen(int(a[1]))
    elif cmd == "mem":
        cmd_mem(int(a[1]))
    elif cmd == "bgsave":
        cmd_bgsave(int(a[1]), int(a[2]))
    elif cmd == "bgsave-loop":
        cmd_bgsave_loop(int(a[1]), int(a[2]), a[3], a[4])
    elif cmd == "waitload":
        cmd_waitload(int(a[1]), int(a[2]), int(a[3]))
    else:
        fail(__doc__)


if __name__ == "__main__":
    main()
