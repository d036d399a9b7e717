#!/usr/bin/python3
"""redis-py (Debian python3-redis 4.3.4) pub/sub against keyshard, unchanged client code:
a pubsub() listener with a channel and a pattern, a message handler thread, and an expiry
notification. usage: redis_py_pubsub.py KEYSHARD_BINARY"""
import socket
import subprocess
import sys
import tempfile
import time

import redis


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.argv[1], "--port", str(port), "--dir", tmp, "--save", "", "--threads", "2"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            r = redis.Redis(port=port, decode_responses=True)
            for _ in range(100):
                try:
                    r.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)

            p = r.pubsub()
            p.subscribe("chat")
            p.psubscribe("room:*")
            for _ in range(2):
                assert p.get_message(timeout=5)["type"] in ("subscribe", "psubscribe")
            assert r.publish("chat", "hello") == 1
            assert r.publish("room:1", "hi room") == 1
            m = p.get_message(timeout=5)
            assert m == {"type": "message", "pattern": None, "channel": "chat", "data": "hello"}, m
            m = p.get_message(timeout=5)
            assert m == {"type": "pmessage", "pattern": "room:*", "channel": "room:1", "data": "hi room"}, m
            assert r.pubsub_numsub("chat") == [("chat", 1)]
            assert r.pubsub_numpat() == 1

            # A handler thread, as applications run it.
            got = []
            p2 = r.pubsub()
            p2.subscribe(**{"events": lambda msg: got.append(msg["data"])})
            t = p2.run_in_thread(sleep_time=0.01)
            for _ in range(100):
                if r.pubsub_numsub("events") == [("events", 1)]:
                    break
                time.sleep(0.02)
            for i in range(100):
                r.publish("events", str(i))
            for _ in range(250):
                if len(got) == 100:
                    break
                time.sleep(0.02)
            t.stop()
            assert got == [str(i) for i in range(100)], got

            # Keyspace notifications: an expiry event for a key with a short TTL.
            r.config_set("notify-keyspace-events", "Ex")
            p3 = r.pubsub()
            p3.psubscribe("__keyevent@0__:expired")
            assert p3.get_message(timeout=5)["type"] == "psubscribe"
            r.set("session:42", "alice", px=50)
            m = None
            deadline = time.time() + 10
            while time.time() < deadline and m is None:
                m = p3.get_message(timeout=1)
            assert m and m["data"] == "session:42" and m["channel"] == "__keyevent@0__:expired", m
            p.close()
            p2.close()
            p3.close()
            print("redis-py pub/sub: ok")
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
