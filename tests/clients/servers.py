"""Servers for the client programs in this folder: keyshard or redis-server on a free loopback
port in a given directory, up once it answers PING, stopped with SIGTERM (then SIGKILL)."""
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def start(keyshard, workdir, keyshard_args=(), timeout_s=20):
    """keyshard: its binary, or None for redis-server. Returns (process, port); its output goes
    to workdir/server.log."""
    port = free_port()
    if keyshard is None:
        argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", workdir, "--daemonize", "no"]
    else:
        argv = [keyshard, "--port", str(port), "--dir", workdir, "--save", "", *keyshard_args]
    log = open(os.path.join(workdir, "server.log"), "wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        if answers_ping(port):
            return proc, port
        time.sleep(0.02)
    stop(proc)
    raise SystemExit(f"server {argv[0]} did not start; log: {os.path.join(workdir, 'server.log')}")


def stop(proc, timeout_s=10):
    """SIGTERM, and SIGKILL if it has not ended after timeout_s (any child process)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
