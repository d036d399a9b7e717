#!/usr/bin/env python3
"""Browser test of the admin page: headless Chromium driven over the DevTools protocol (a
minimal websocket client below, standard library only) opens the page, fills the move form,
clicks Move, waits for the move's bar to reach 100%, saves a screenshot, then removes an
engine left without slots with its Remove button.

usage: admin_page_test.py KEYSHARD_BINARY [SCREENSHOT.png]
"""
import base64, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, client masking."""

    def __init__(self, url):
        host_port, path = url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        resp = b""
        while b"\r\n\r\n" not in resp:
            resp += self.sock.recv(1)
        assert b" 101 " in resp.split(b"\r\n")[0], resp
        self.next_id = 0

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def send(self, text):
        data = text.encode()
        head = bytes([0x81])
        n = len(data)
        if n < 126: head += bytes([0x80 | n])
        elif n < 65536: head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else: head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126: n = int.from_bytes(self._recv_exact(2), "big")
            elif n == 127: n = int.from_bytes(self._recv_exact(8), "big")
            payload = self._recv_exact(n)
            msg += payload
            if b0 & 0x80:
                return msg.decode()

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            m = json.loads(self.recv())
            if m.get("id") == my:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")


def wait_for(what, pred, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    binary = sys.argv[1]
    shot = sys.argv[2] if len(sys.argv) > 2 else None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium is not installed (tools/setup.sh installs it)"); return 1
    tmp = tempfile.mkdtemp(prefix="ks-browser-")
    port, admin, devtools = free_port(), free_port(), free_port()
    ks = subprocess.Popen([binary, "--port", str(port), "--shards", "4", "--max-shards", "6", "--dir", tmp, "--save", "",
                           "--admin-port", str(admin)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = None
    try:
        base = f"http://127.0.0.1:{admin}"
        wait_for("the admin server", lambda: _get(base + "/api/engines"))
        # Some keys, so the move has something to carry (through the RESP port).
        with socket.create_connection(("127.0.0.1", port)) as s:
            cmds = b"".join(f"*3\r\n$3\r\nSET\r\n${len(k)}\r\n{k}\r\n$1\r\nv\r\n".encode()
                            for k in (f"key:{i}" for i in range(20000)))
            s.sendall(cmds)
            got = b""
            while got.count(b"+OK\r\n") < 20000:
                got += s.recv(65536)
        browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                                    f"--remote-debugging-port={devtools}", f"--user-data-dir={tmp}/chrome", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        targets = wait_for("DevTools", lambda: _get(f"http://127.0.0.1:{devtools}/json"))
        page = next(t for t in json.loads(targets) if t["type"] == "page")
        ws = WebSocket(page["webSocketDebuggerUrl"])
        ws.call("Page.enable")
        ws.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False)
        ws.call("Page.navigate", url=base + "/")
        wait_for("the engines table", lambda: ws.eval("document.querySelectorAll('#engines tbody tr').length") == 4)
        # Fill the form as a user would, then click Move.
        ws.eval("document.getElementById('slots').value = '0-8191'")
        ws.eval("document.getElementById('to').value = '3'")
        ws.eval("document.getElementById('move-btn').click()")
        # The move shows as running and then among past moves, its bar at 100%.
        done = wait_for("the move's bar at 100%", lambda: ws.eval(
            "(() => { const r = document.querySelector('#past tr.past-move');"
            " return r && r.querySelector('.state').textContent.startsWith('done') && r.querySelector('.bar i').style.width === '100%'"
            " ? r.textContent : null })()"), timeout=60)
        print("past move:", done)
        slots = json.loads(_get(base + "/api/slots"))
        assert slots[0] == {"from": 0, "to": 8191, "engine": 3}, slots
        if shot:
            png = ws.call("Page.captureScreenshot", format="png")["data"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
            print("screenshot:", shot)
        # Engine 1 owns no slots now (0-8191 went to 3): its Remove button takes it off the list.
        wait_for("engine 1's Remove button", lambda: ws.eval(
            "[...document.querySelectorAll('#engines tbody tr')].some(r => r.cells[0].textContent.trim() === '1'"
            " && r.querySelector('button.remove'))"))
        ws.eval("[...document.querySelectorAll('#engines tbody tr')].find(r => r.cells[0].textContent.trim() === '1')"
                ".querySelector('button.remove').click()")
        wait_for("three engines listed", lambda: ws.eval("document.querySelectorAll('#engines tbody tr').length") == 3)
        ids = [e["id"] for e in json.loads(_get(base + "/api/engines"))]
        assert ids == [0, 2, 3], ids
        print("PASS")
        return 0
    finally:
        if browser:
            browser.kill(); browser.wait()
        ks.terminate(); ks.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode()
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
