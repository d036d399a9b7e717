#!/usr/bin/env python3
"""Runs one real client library's test program against a fresh server.

The server is a keyshard binary (--keyshard PATH) or, to prove the program itself right, a real
redis-server (--against-redis). Either listens on a free port in a new temporary directory and is
killed afterwards. The program gets the port in KS_PORT and a redis:// URL in KS_REDIS_URL.

    tests/clients/run_client_test.py bullmq --against-redis
    tests/clients/run_client_test.py rq --keyshard build/keyshard

Programs: bullmq (node, BullMQ from KEYSHARD_CLIENTS_DIR, default /var/cache/keyshard-clients,
installed by tools/setup.sh), rq and celery (Debian's python3-rq, python3-celery).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import servers

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS_DIR = os.environ.get("KEYSHARD_CLIENTS_DIR", "/var/cache/keyshard-clients")
PROGRAM_TIMEOUT_S = 90

PROGRAMS = {
    "bullmq": ["node", os.path.join(HERE, "bullmq_test.js")],
    "rq": [sys.executable, os.path.join(HERE, "rq_test.py")],
    "celery": [sys.executable, os.path.join(HERE, "celery_test.py")],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program", choices=sorted(PROGRAMS))
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--keyshard", metavar="BIN", help="the keyshard binary to test")
    where.add_argument("--against-redis", action="store_true", help="run against redis-server instead")
    args = parser.parse_args()
    if args.keyshard:
        args.keyshard = os.path.abspath(args.keyshard)  # the server runs in its temporary directory

    tmp = tempfile.mkdtemp(prefix=f"keyshard-clients-{args.program}-")
    proc, port = servers.start(None if args.against_redis else args.keyshard, tmp)
    env = dict(os.environ, KS_PORT=str(port), KS_REDIS_URL=f"redis://127.0.0.1:{port}/0",
               NODE_PATH=os.path.join(CLIENTS_DIR, "node", "node_modules"),
               PYTHONPATH=HERE + os.pathsep + os.environ.get("PYTHONPATH", ""))
    server = "redis-server" if args.against_redis else "keyshard"
    print(f"== {args.program} against {server} on port {port} (dir {tmp})", flush=True)
    try:
        rc = subprocess.run(PROGRAMS[args.program], env=env, cwd=HERE, timeout=PROGRAM_TIMEOUT_S).returncode
    except subprocess.TimeoutExpired:
        print(f"FAIL: {args.program} did not finish in {PROGRAM_TIMEOUT_S}s", flush=True)
        rc = 124
    finally:
        servers.stop(proc)
    if rc != 0:
        with open(os.path.join(tmp, "server.log"), errors="replace") as f:
            tail = f.read()[-3000:]
        print(f"== {server} log (last lines):\n{tail}", flush=True)
        print(f"== kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
