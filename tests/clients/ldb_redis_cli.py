#!/usr/bin/python3
"""The Lua debugger (SCRIPT DEBUG, redis-cli --ldb) against redis-server 7.0 and keyshard.

Each scenario runs `redis-cli --ldb` (a forked session, SCRIPT DEBUG YES) or
`redis-cli --ldb-sync-mode` (SCRIPT DEBUG SYNC) with a script file and debugger commands on
stdin, against both servers, and the transcripts must be identical. Then, on both servers,
a raw-socket session checks what the transcript cannot show: a forked session's writes are
rolled back while the server keeps serving other clients during it, a synchronous session's
writes are kept, and the connection closes after the final reply.

usage: ldb_redis_cli.py KEYSHARD_BINARY
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

import servers


# ---- a small RESP client --------------------------------------------------------------------

class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return line.decode()
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ValueError(line)

    def call(self, *args):
        self.send(*args)
        return self.read()

    def closed(self):
        """True when the server closed the connection (EOF), after what was buffered."""
        self.s.settimeout(10)
        try:
            return self.s.recv(1) == b""
        except OSError:
            return True


# ---- scenarios ------------------------------------------------------------------------------

TOUR = """local a = 1
local t = {1,2,'x', n = {k = 'v'}}
redis.call('set',KEYS[1],ARGV[1])
redis.debug('dbg', a, t, nil, true, 2.5)
redis.breakpoint()
local v = redis.call('get',KEYS[1])
return {a, v}
"""

ERRORS = """local r = redis.pcall('incr', KEYS[1])
redis.pcall('nosuchcommand')
redis.pcall('get')
local big = string.rep('x', 300)
redis.call('set', KEYS[1], big)
redis.call('get', KEYS[1])
redis.pcall('hget', KEYS[1], 'f')
local x = nil
return x.field
"""

RESP3 = """redis.call('hset', KEYS[1], 'a', '1')
redis.call('sadd', KEYS[2], 'm')
redis.setresp(3)
redis.call('hgetall', KEYS[1])
redis.call('smembers', KEYS[2])
redis.call('get', 'missing')
redis.call('exists', KEYS[1])
return redis.call('hgetall', KEYS[1])
"""

LOOPY = """local n = 0
for i = 1, 3 do
  n = n + i
end
local function f(v)
  return v * 2
end
n = f(n)
redis.call('set', KEYS[1], n)
return n
"""

SCENARIOS = [
    ("tour", TOUR, ["k1", ",", "val1"],
     ["h", "s", "s", "p", "p t", "p KEYS", "p ARGV", "p nosuch", "l", "l 3 1", "l 0 0", "w",
      "b 6", "b", "b 7", "b -6", "b -5", "b", "b 0", "b 99", "b x", "t", "e a+1", "e 1+1",
      "e foo(", "r ping", "r set k2 v", "r", "m", "m 10", "m 0", "m 100",
      "xyz", "c", "c"]),
    ("stepping", TOUR, ["k1", ",", "val1"], ["n", "next", "s", "step", "s", "s", "s", "s"]),
    ("abort", TOUR, ["k1", ",", "val1"], ["s", "s", "s", "a"]),
    ("errors", ERRORS, ["k1"], ["s"] * 10),
    ("resp3", RESP3, ["h", "s"], ["s"] * 8),
    ("eval-values", RESP3, ["h", "s"], ["e {1, 'a\\n\\0b', true, {x = {}}}", "e nil", "e 1/0", "e 0.1",
                                       "e 'unterminated", "e error('boom')", "e redis.pcall('nosuch')",
                                       "r hset h b 2", "r hgetall h", "r incr h", "c"]),
    ("errors-continue", ERRORS, ["k1"], ["c"]),
    ("maxlen", ERRORS, ["k1"], ["m 60", "b 6", "c", "s", "m 0", "r get k1", "c"]),
    ("loop-trace", LOOPY, ["k1"], ["b 6", "c", "t", "p", "p v", "p n", "c"]),
    ("loop-step", LOOPY, ["k1"], ["s"] * 14),
    ("compile-error", "return 1 +", [], ["c"]),
]


def run_cli(port, mode, script_path, keys_args, commands):
    argv = ["redis-cli", "-p", str(port), "--no-raw", mode, "--eval", script_path] + keys_args
    r = subprocess.run(argv, input="\n".join(commands) + "\n", capture_output=True, text=True, timeout=60)
    return r.stdout + r.stderr


def transcripts(port, workdir):
    out = {}
    for mode in ("--ldb", "--ldb-sync-mode"):
        for name, script, keys_args, commands in SCENARIOS:
            path = os.path.join(workdir, name + ".lua")
            with open(path, "w") as f:
                f.write(script)
            c = Conn(port)
            c.call("FLUSHALL")
            out[(mode, name)] = run_cli(port, mode, path, keys_args, commands)
    return out


def session_checks(kind, port, check):
    """Raw-protocol sessions: rollback and concurrency (YES), kept changes (SYNC)."""
    script = "redis.call('set', KEYS[1], 'debugged')\nreturn redis.call('get', KEYS[1])\n"
    # YES: the session forks; the server serves another client meanwhile.
    c = Conn(port)
    c.call("DEL", "dk")
    check(c.call("SCRIPT", "DEBUG", "YES") == "OK", "SCRIPT DEBUG YES")
    c.send("EVAL", script, "1", "dk")
    first = c.read()
    check(first[0] == "* Stopped at 1, stop reason = step over", "stopped at 1: %r" % first)
    other = Conn(port)
    check(other.call("SET", "other", "1") == "OK", "another client is served during a forked session")
    check(other.call("GET", "other") == "1", "and reads its write")
    check(other.call("SCRIPT", "KILL").startswith("-NOTBUSY"), "SCRIPT KILL: no script runs in the server")
    c.send("s")
    step = c.read()
    check(step[0] == "<redis> set dk debugged" and step[1] == '<reply> "+OK"', "step logs the call: %r" % step)
    c.send("c")
    check(c.read() == ["<endsession>"], "endsession")
    check(c.read() == "debugged", "the script's reply")
    check(c.closed(), "the connection closes after a forked session")
    check(other.call("EXISTS", "dk") == 0, "a forked session's write is rolled back")
    # A synchronous session keeps its changes. Pipelined behind the EVAL, the debugger command
    # is read by keyshard's session; Redis leaves it in the query buffer the session never
    # reads, so there it is sent after the first stop.
    c = Conn(port)
    c.call("SCRIPT", "DEBUG", "SYNC")
    pipelined = b"*1\r\n$1\r\nc\r\n" if kind == "keyshard" else b""
    c.s.sendall(b"*4\r\n$4\r\nEVAL\r\n$%d\r\n%s\r\n$1\r\n1\r\n$2\r\ndk\r\n%s"
                % (len(script), script.encode(), pipelined))
    check(c.read()[0] == "* Stopped at 1, stop reason = step over", "sync session started")
    if not pipelined:
        c.send("c")
    check(c.read() == ["<endsession>"], "the pipelined 'c' continued the script")
    check(c.read() == "debugged", "sync reply")
    check(c.closed(), "the connection closes after a sync session")
    check(other.call("GET", "dk") == "debugged", "a sync session's write is kept")
    # EVALSHA refuses to debug; the mode stays for the next EVAL.
    c = Conn(port)
    sha = c.call("SCRIPT", "LOAD", "return 1")
    c.call("SCRIPT", "DEBUG", "YES")
    check(c.call("EVALSHA", sha, "0").startswith("-ERR Please use EVAL instead of EVALSHA"), "EVALSHA refused")
    check(c.call("SCRIPT", "DEBUG", "NO") == "OK", "SCRIPT DEBUG NO")
    check(c.call("EVAL", "redis.debug('x'); return redis.breakpoint()", "0") is None,
          "redis.debug/breakpoint are no-ops outside a session")


def main():
    keyshard = sys.argv[1]
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what)

    workdir = tempfile.mkdtemp(prefix="ldb_test_")
    procs = []
    try:
        results = {}
        for kind in ("redis-server", "keyshard"):
            wd = os.path.join(workdir, kind)
            os.makedirs(wd)
            proc, port = servers.start(keyshard if kind == "keyshard" else None, wd, ["--shards", "8"])
            procs.append(proc)
            results[kind] = transcripts(port, wd)
            before = len(failures)
            session_checks(kind, port, lambda cond, what, k=kind: check(cond, k + ": " + what))
            print(kind, "sessions:", "ok" if len(failures) == before else "FAILED")
        for key, expected in results["redis-server"].items():
            got = results["keyshard"][key]
            if got != expected:
                check(False, "transcript %s %s differs" % key)
                print("--- redis-server\n" + expected + "--- keyshard\n" + got)
        print(len(results["redis-server"]), "transcripts compared")
        if os.environ.get("LDB_SHOW"):
            for key, text in results["keyshard"].items():
                print("===", key, "\n" + text)
    finally:
        for p in procs:
            servers.stop(p)
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
