// ioredis 5.x (from the shared client cache, see tools/setup.sh) against keyshard, unchanged
// client code: a pattern subscriber and a channel subscriber on one connection, a publisher,
// and, when installed, two Socket.IO servers broadcasting through @socket.io/redis-adapter.
// usage: node ioredis_pubsub.js KEYSHARD_BINARY
const { spawn } = require("child_process");
const net = require("net");
const os = require("os");
const fs = require("fs");
const path = require("path");
const Redis = require("ioredis");

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function withTimeout(promise, ms, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout: " + what)), ms))]);
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
  throw new Error("keyshard did not start");
}

async function ioredisTest(port) {
  const sub = new Redis({ port });
  const pub = new Redis({ port });
  const got = [];
  sub.on("message", (channel, message) => got.push(["message", channel, message]));
  sub.on("pmessage", (pattern, channel, message) => got.push(["pmessage", pattern, channel, message]));
  await sub.subscribe("orders");
  await sub.psubscribe("user:*:events");
  if ((await pub.publish("orders", "o-1")) !== 1) throw new Error("publish orders");
  if ((await pub.publish("user:7:events", "login")) !== 1) throw new Error("publish user");
  await withTimeout((async () => { while (got.length < 2) await new Promise((r) => setTimeout(r, 10)); })(), 5000, "messages");
  const want = JSON.stringify([["message", "orders", "o-1"], ["pmessage", "user:*:events", "user:7:events", "login"]]);
  if (JSON.stringify(got) !== want) throw new Error("got " + JSON.stringify(got));
  sub.disconnect();
  pub.disconnect();
  console.log("ioredis pub/sub: ok");
}

async function socketIoTest(port) {
  let Server, createAdapter, ioc;
  try {
    ({ Server } = require("socket.io"));
    ({ createAdapter } = require("@socket.io/redis-adapter"));
    ioc = require("socket.io-client");
  } catch (e) {
    throw new Error("socket.io packages missing from the client cache (tools/setup.sh): " + e.message);
  }
  const servers = [];
  const ports = [];
  for (let i = 0; i < 2; i++) {
    const pubClient = new Redis({ port });
    const subClient = pubClient.duplicate();
    const io = new Server({ adapter: createAdapter(pubClient, subClient) });
    const p = await freePort();
    io.listen(p);
    servers.push({ io, pubClient, subClient });
    ports.push(p);
  }
  // A client on server 1 receives what server 0 broadcasts.
  const client = ioc.io(`http://127.0.0.1:${ports[1]}`, { transports: ["websocket"] });
  await withTimeout(new Promise((r) => client.on("connect", r)), 5000, "socket.io connect");
  const received = withTimeout(new Promise((r) => client.on("news", r)), 5000, "broadcast");
  // Give the adapters' subscriptions a moment to be in place before broadcasting.
  await new Promise((r) => setTimeout(r, 200));
  servers[0].io.emit("news", "across servers");
  if ((await received) !== "across servers") throw new Error("wrong broadcast");
  // The adapter's request/response path (PUBSUB NUMSUB + a request channel): fetchSockets.
  const sockets = await withTimeout(servers[0].io.fetchSockets(), 5000, "fetchSockets");
  if (sockets.length !== 1) throw new Error("fetchSockets saw " + sockets.length);
  client.close();
  for (const s of servers) {
    s.io.close();
    s.pubClient.disconnect();
    s.subClient.disconnect();
  }
  console.log("socket.io redis-adapter: ok");
}

(async () => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-ioredis-"));
  const server = spawn(process.argv[2], ["--port", String(port), "--dir", dir, "--save", "", "--threads", "2"], { stdio: "ignore" });
  let code = 0;
  try {
    await waitReady(port);
    await ioredisTest(port);
    await socketIoTest(port);
  } catch (e) {
    console.error(e);
    code = 1;
  } finally {
    server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(code);
})();
