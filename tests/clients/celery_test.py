"""Celery (Debian python3-celery 5.2) with the server on KS_REDIS_URL as broker and result
backend: a worker (solo pool) in a subprocess, then a task, a group, a chord and a failing
task called from here, each result fetched with .get(timeout=...). Exits non-zero on the first
mismatch. Run by run_client_test.py."""
import os
import subprocess
import sys

from celery import chord, group

from celery_app import add, app, boom, total
import servers

TIMEOUT_S = 20


def check(cond, what):
    if not cond:
        raise AssertionError("mismatch: " + what)
    print("ok   " + what, flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "keyshard-test@%h"],
        cwd=here)
    rc = 0
    try:
        check(add.delay(2, 3).get(timeout=TIMEOUT_S) == 5, "add(2, 3) returned 5")
        check(group(add.s(i, i) for i in range(5))().get(timeout=TIMEOUT_S) == [0, 2, 4, 6, 8],
              "a group of five adds")
        check(chord(add.s(i, 1) for i in range(4))(total.s()).get(timeout=TIMEOUT_S) == 10,
              "a chord summing four adds")
        failing = boom.delay()
        try:
            failing.get(timeout=TIMEOUT_S)
            check(False, "the failing task raised")
        except ValueError as err:
            check(str(err) == "boom" and failing.state == "FAILURE", "the failing task raised ValueError('boom')")
        print("PASS celery", flush=True)
    except Exception as err:  # report and fail on anything: timeouts, connection errors
        print(f"FAIL: {type(err).__name__}: {err}", flush=True)
        rc = 1
    finally:
        app.close()
        servers.stop(worker, timeout_s=15)
    return rc


if __name__ == "__main__":
    sys.exit(main())
