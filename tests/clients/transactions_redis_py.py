#!/usr/bin/python3
"""Transactions through redis-py (Debian's python3-redis 4.3.4), as an application uses them:
pipeline() (MULTI/EXEC by default), pipeline(transaction=False), transaction() with
WATCH retries under a concurrent writer, and register_script() (EVALSHA, loading the script
when the server does not know it, also inside a pipeline). Starts the server itself on a free port:

  transactions_redis_py.py keyshard PATH_TO_KEYSHARD
  transactions_redis_py.py redis-server            (the same checks against Redis 7.0)

Exits non-zero (with the failed check) if anything misbehaves."""
import shutil
import sys
import tempfile
import threading

import redis

import servers


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def test_pipeline_is_a_transaction(r):
    r.flushall()
    p = r.pipeline()  # transaction=True: MULTI ... EXEC
    p.set("a", 1).incr("a").rpush("list", "x", "y").hset("h", "f", "v").mget("a", "list:none")
    res = p.execute()
    check(res == [True, 2, 2, 1, [b"2", None]], "pipeline() results %r" % (res,))
    # A command failing at run time is reported in its place; the others still ran.
    p = r.pipeline()
    p.set("s", "text").incr("s").set("after", "1")
    try:
        p.execute()
        check(False, "pipeline with a failing INCR did not raise")
    except redis.ResponseError as e:
        check("not an integer" in str(e), "run-time error text %r" % (e,))
    check(r.get("after") == b"1", "commands after a run-time error did not run")
    # A command refused while queueing aborts the whole transaction (EXECABORT).
    p = r.pipeline()
    p.set("never", "1").execute_command("NOSUCHCOMMAND")
    try:
        p.execute()
        check(False, "EXECABORT not raised")
    except redis.ResponseError as e:
        check("unknown command" in str(e) or "EXECABORT" in str(e), "queue error %r" % (e,))
    check(r.exists("never") == 0, "an aborted transaction wrote")


def test_pipeline_without_transaction(r):
    r.flushall()
    p = r.pipeline(transaction=False)
    for i in range(100):
        p.set("k%d" % i, i)
    p.mget(["k%d" % i for i in range(100)])
    res = p.execute()
    check(res[:100] == [True] * 100, "non-transactional SETs")
    check(res[100] == [str(i).encode() for i in range(100)], "non-transactional MGET")


def test_transaction_with_watch_retries(r, port):
    r.flushall()
    r.mset({"counter:a": 0, "counter:b": 0})
    stop = threading.Event()
    writer_incrs = [0]

    def writer():
        w = redis.Redis(port=port)
        while not stop.is_set():
            w.incr("counter:a")
            writer_incrs[0] += 1

    t = threading.Thread(target=writer)
    t.start()
    retries = [0]
    attempts = [0]

    def move(pipe):
        attempts[0] += 1
        a = int(pipe.get("counter:a"))
        b = int(pipe.get("counter:b"))
        pipe.multi()
        pipe.set("counter:b", b + 1)
        pipe.set("counter:mirror", a)

    done = 0
    try:
        for _ in range(200):
            res = r.transaction(move, "counter:a", "counter:b")
            check(res == [True, True], "transaction() result %r" % (res,))
            done += 1
    finally:
        stop.set()
        t.join()
    retries[0] = attempts[0] - done
    check(int(r.get("counter:b")) == done, "each transaction applied exactly once")
    check(int(r.get("counter:a")) == writer_incrs[0], "the concurrent writer's INCRs all applied")
    check(retries[0] > 0, "the concurrent writer never made a WATCH fail (the test proves nothing)")
    # WatchError surfaces when the caller does not retry.
    p = r.pipeline()
    p.watch("counter:b")
    redis.Redis(port=port).set("counter:b", 0)
    p.multi()
    p.set("counter:b", 99)
    try:
        p.execute()
        check(False, "WatchError not raised")
    except redis.WatchError:
        pass
    check(r.get("counter:b") == b"0", "a dirty transaction wrote")
    return retries[0]


# Moves amount from KEYS[1] to KEYS[2] if the balance allows; returns the new balances.
TRANSFER = """
local from = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if from < amount then return redis.error_reply('ERR insufficient funds') end
redis.call('DECRBY', KEYS[1], amount)
local to = redis.call('INCRBY', KEYS[2], amount)
return {from - amount, to}
"""


def test_register_script(r):
    r.flushall()
    r.script_flush()
    transfer = r.register_script(TRANSFER)
    # The keys hash to different engines on keyshard (no hash tag).
    r.set("acct:alice", 100)
    r.set("acct:bob", 5)
    res = transfer(keys=["acct:alice", "acct:bob"], args=[30])  # EVALSHA -> NOSCRIPT -> EVAL
    check(res == [70, 35], "register_script result %r" % (res,))
    check(r.script_exists(transfer.sha) == [True], "script not cached after its first call")
    try:
        transfer(keys=["acct:alice", "acct:bob"], args=[1000])
        check(False, "a script error was not raised")
    except redis.ResponseError as e:
        check("insufficient funds" in str(e), "script error text %r" % (str(e),))
    # In a pipeline redis-py loads the script first (SCRIPT LOAD) and sends EVALSHA in MULTI.
    r.script_flush()
    p = r.pipeline()
    transfer(keys=["acct:alice", "acct:bob"], args=[10], client=p)
    p.get("acct:alice")
    res = p.execute()
    check(res == [[60, 45], b"60"], "register_script in a pipeline %r" % (res,))


def main():
    kind = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else None
    workdir = tempfile.mkdtemp(prefix="ks-redis-py-")
    proc, port = servers.start(binary if kind == "keyshard" else None, workdir, ["--shards", "8"])
    try:
        r = redis.Redis(port=port)
        test_pipeline_is_a_transaction(r)
        test_pipeline_without_transaction(r)
        retries = test_transaction_with_watch_retries(r, port)
        test_register_script(r)
        print("redis-py transactions against %s: all checks passed (%d WATCH retries)" % (kind, retries))
    finally:
        servers.stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
