// node-redis 5.x (the shared client cache, see tools/setup.sh) client-side caching against
// keyshard and, when installed, redis-server: unchanged client code with `clientSideCache`
// over RESP3. A second GET is served from the local cache (no round trip: the cache counts a
// hit), another client's SET invalidates it (the server's `invalidate` push), and the next
// GET fetches the new value.
// usage: node node_redis_csc.js KEYSHARD_BINARY
const { spawn, spawnSync } = require("child_process");
const net = require("net");
const os = require("os");
const fs = require("fs");
const path = require("path");
const { createClient, BasicClientSideCache } = require("redis");

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitReady(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => { c.end(); resolve(true); });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("server did not start on " + port);
}

function check(cond, what) {
  if (!cond) throw new Error("failed: " + what);
}

async function cacheTest(port, name) {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const reader = createClient({ socket: { port, host: "127.0.0.1" }, RESP: 3, clientSideCache: cache });
  const writer = createClient({ socket: { port, host: "127.0.0.1" } });
  await reader.connect();
  await writer.connect();
  try {
    await writer.set("csc:user", "alice");
    check((await reader.get("csc:user")) === "alice", "first read");
    check(cache.stats().missCount === 1 && cache.stats().hitCount === 0, "first read is a miss");
    check((await reader.get("csc:user")) === "alice", "cached read");
    check(cache.stats().hitCount === 1, "second read is a cache hit");
    check(cache.size() === 1, "one entry cached");
    await writer.set("csc:user", "bob");
    // The invalidation push arrives asynchronously: wait for the entry to go.
    for (let i = 0; i < 200 && cache.size() !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    check(cache.size() === 0, "invalidated after another client's write");
    check((await reader.get("csc:user")) === "bob", "read after invalidation sees the new value");
    check(cache.stats().missCount === 2, "read after invalidation goes to the server");
    // FLUSHALL invalidates everything (a null invalidation).
    check((await reader.get("csc:user")) === "bob", "cached again");
    await writer.flushAll();
    for (let i = 0; i < 200 && cache.size() !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    check(cache.size() === 0, "flushed");
    check((await reader.get("csc:user")) === null, "gone after FLUSHALL");
    console.log(`node-redis client-side cache (${name}): ok`);
  } finally {
    await reader.quit();
    await writer.quit();
  }
}

async function withServer(cmd, args, port, fn) {
  const server = spawn(cmd, args, { stdio: "ignore" });
  try {
    await waitReady(port);
    await fn();
  } finally {
    server.kill("SIGKILL");
  }
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-node-csc-"));
  let code = 0;
  try {
    const port = await freePort();
    await withServer(process.argv[2], ["--port", String(port), "--dir", dir, "--save", "", "--threads", "2"], port,
                     () => cacheTest(port, "keyshard"));
    if (spawnSync("redis-server", ["--version"]).status === 0) {
      const rport = await freePort();
      await withServer("redis-server", ["--port", String(rport), "--save", "", "--appendonly", "no", "--dir", dir], rport,
                       () => cacheTest(rport, "redis-server"));
    }
  } catch (e) {
    console.error(e);
    code = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(code);
})();
