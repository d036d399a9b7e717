// BullMQ (a job queue built on Lua scripts, MULTI and blocking commands) against the server on
// KS_PORT: normal jobs, priorities, delayed jobs, retries with backoff, failures and counts.
// Exits non-zero on the first mismatch. Run by run_client_test.py.
'use strict';
const { Queue, Worker } = require('bullmq');

const connection = { host: '127.0.0.1', port: Number(process.env.KS_PORT), maxRetriesPerRequest: null };
const DEADLINE_MS = 60000;
const opened = [];

function check(cond, what) {
  if (!cond) throw new Error('mismatch: ' + what);
  console.log('ok   ' + what);
}

// Resolves once `n` jobs completed or failed on `worker` (events local to the worker).
function settled(worker, n) {
  return new Promise((resolve) => {
    let seen = 0;
    const one = () => { if (++seen === n) resolve(); };
    worker.on('completed', one);
    worker.on('failed', (job) => { if (job && job.attemptsMade >= (job.opts.attempts || 1)) one(); });
  });
}

function newQueue(name) {
  const q = new Queue(name, { connection });
  opened.push(q);
  return q;
}

function newWorker(name, processor, opts = {}) {
  const w = new Worker(name, processor, { connection, concurrency: 1, ...opts });
  w.on('error', (err) => console.log('worker error: ' + err.message));
  opened.push(w);
  return w;
}

async function normalJobs() {
  const q = newQueue('plain');
  const jobs = await q.addBulk([1, 2, 3, 4, 5].map((i) => ({ name: 'add', data: { a: i, b: 10 * i } })));
  const w = newWorker('plain', async (job) => job.data.a + job.data.b);
  await settled(w, 5);
  for (const [i, job] of jobs.entries()) {
    const done = await q.getJob(job.id);
    check(await done.getState() === 'completed' && done.returnvalue === 11 * (i + 1),
          `plain job ${job.id} completed with ${11 * (i + 1)}`);
  }
  const counts = await q.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
  check(counts.completed === 5 && counts.failed === 0 && counts.wait === 0 && counts.active === 0,
        'plain counts ' + JSON.stringify(counts));
}

async function priorities() {
  const q = newQueue('prio');
  // Added before any worker runs, so only priority decides the order (1 is the highest).
  for (const [name, priority] of [['low', 9], ['high', 1], ['mid', 5], ['top', 1], ['mid2', 5]]) {
    await q.add(name, {}, { priority });
  }
  check((await q.getJobCounts('prioritized')).prioritized === 5, 'five prioritized jobs waiting');
  const order = [];
  const w = newWorker('prio', async (job) => { order.push(job.name); });
  await settled(w, 5);
  check(JSON.stringify(order) === JSON.stringify(['high', 'top', 'mid', 'mid2', 'low']),
        'processed by priority, FIFO within one: ' + order.join(','));
}

async function delayed() {
  const q = newQueue('delayed');
  const w = newWorker('delayed', async () => Date.now());
  const delay = 1000;
  const job = await q.add('later', {}, { delay });
  check(await job.getState() === 'delayed', 'job is delayed at first');
  await settled(w, 1);
  const done = await q.getJob(job.id);
  const ranAfter = done.processedOn - done.timestamp;
  check(await done.getState() === 'completed' && ranAfter >= delay && ranAfter < delay + 5000,
        `delayed job ran ${ranAfter} ms after it was added (delay ${delay})`);
}

async function retries() {
  const q = newQueue('retry');
  const calls = {};
  const w = newWorker('retry', async (job) => {
    calls[job.name] = (calls[job.name] || 0) + 1;
    if (job.name === 'never' || calls[job.name] <= 2) throw new Error(`fail ${calls[job.name]}`);
    return 'third time';
  });
  const flaky = await q.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 200 } });
  const never = await q.add('never', {}, { attempts: 2, backoff: { type: 'exponential', delay: 100 } });
  await settled(w, 2);
  const f = await q.getJob(flaky.id);
  check(await f.getState() === 'completed' && f.returnvalue === 'third time' && calls.flaky === 3 &&
        f.attemptsMade === 3, `flaky job completed on attempt ${calls.flaky} (attemptsMade ${f.attemptsMade})`);
  check(f.finishedOn - f.timestamp >= 400, 'two fixed backoffs of 200 ms elapsed before success');
  const n = await q.getJob(never.id);
  check(await n.getState() === 'failed' && n.failedReason === 'fail 2' && calls.never === 2 && n.attemptsMade === 2,
        `failing job failed after ${calls.never} attempts: ${n.failedReason}`);
  const counts = await q.getJobCounts('completed', 'failed', 'delayed', 'wait');
  check(counts.completed === 1 && counts.failed === 1 && counts.delayed === 0 && counts.wait === 0,
        'retry counts ' + JSON.stringify(counts));
}

async function main() {
  const timer = setTimeout(() => { console.log('FAIL: timed out'); process.exit(2); }, DEADLINE_MS);
  try {
    // run_client_test.py starts a fresh, empty server for each run.
    await normalJobs();
    await priorities();
    await delayed();
    await retries();
    console.log('PASS bullmq');
  } catch (err) {
    console.log('FAIL: ' + (err && err.stack || err));
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    await Promise.race([Promise.all(opened.map((o) => o.close().catch(() => {}))),
                        new Promise((r) => setTimeout(r, 5000))]);
    process.exit(process.exitCode || 0);
  }
}

main();
