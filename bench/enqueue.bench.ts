/**
 * Enqueue rate and latency of `POST /generate/single` with `async_mode` over loopback, next to raw BullMQ
 * `queue.add` in the same run. Targets: at least half of raw BullMQ's rate, p99 under 10 ms.
 *
 * The HTTP load comes from bench/http-load.mjs in a separate process (raw keep-alive sockets; a fetch client
 * costs more per request than the endpoint). Three more HTTP servers run against the same client, so the figures
 * say where the time goes on this machine:
 *  - "Hono + queue.add": a Hono app that does nothing but parse the body and call BullMQ's queue.add, the
 *    floor of any endpoint built on Hono and BullMQ;
 *  - "node:http + queue.add": the same without any framework, the floor of any Node HTTP endpoint that enqueues
 *    (no authentication, validation or duplicate check);
 *  - "bare Hono 202": a Hono app answering without any work, the ceiling of HTTP itself.
 * BENCH_N (default 20000) requests per measurement, BENCH_CONCURRENCY (default 8) connections / in-flight adds,
 * BENCH_ROUNDS (default 3) rounds; the figures are the medians of the rounds.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ServerType, serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { parseEnv } from '../runner/src/env.js';
import { startRunner } from '../runner/src/server.js';

const N = Number(process.env.BENCH_N ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = 500;
const KEY = 'bench-key-000000';
const CLIENT = fileURLToPath(new URL('./http-load.mjs', import.meta.url));

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  /** CPU time of this process (the server, or BullMQ's client for the raw figure) per request, µs. */
  cpu: number;
}

function figures(seconds: number, latencies: number[], cpu: NodeJS.CpuUsage, requests: number): Figures {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return {
    rate: latencies.length / seconds,
    p50: pct(50),
    p99: pct(99),
    cpu: (cpu.user + cpu.system) / requests,
  };
}

const show = (label: string, f: Figures) =>
  console.log(
    `${label.padEnd(36)} ${f.rate.toFixed(0).padStart(6)} req/s   p50 ${f.p50.toFixed(2)} ms   p99 ${f.p99.toFixed(2)} ms   ${f.cpu.toFixed(0).padStart(4)} µs CPU/req`,
  );

/** Runs the load generator against url and returns its figures; every answer must be a 202. */
async function load(url: string, run: string): Promise<Figures> {
  const cfg = {
    url,
    path: '/generate/single',
    n: N,
    concurrency: CONCURRENCY,
    key: KEY,
    run,
    status: 202,
    warmup: WARMUP,
  };
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, [CLIENT, JSON.stringify(cfg)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const used = process.cpuUsage(cpu); // the server's work for the warm-up and the measured requests
  const m = JSON.parse(stdout) as { seconds: number; latencies: number[] };
  return figures(m.seconds, m.latencies, used, N + WARMUP);
}

async function listen(app: Hono): Promise<{ url: string; close: () => void }> {
  const server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

const prefix = `augbench:${randomUUID().slice(0, 8)}`;
const env = parseEnv({
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  API_KEYS: KEY,
  QUEUE_PREFIX: prefix,
  DATABASE_PATH: ':memory:',
});
// Ticket keys are unique per run (project key B<run>) so that no request meets an active job: all are 202s.
const run = Array.from(
  { length: 3 },
  () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(Math.random() * 26)],
).join('');

const runner = await startRunner(env, { role: 'api' });
const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
const floorQueue = new Queue('floor', { connection, prefix: `${prefix}-floor` });
const floorApp = await listen(
  new Hono().post('/generate/single', async (c) => {
    const job = await floorQueue.add('single', { input: await c.req.json() }, { jobId: randomUUID() });
    return c.json({ job_id: job.id }, 202);
  }),
);
const nodeQueue = new Queue('node', { connection, prefix: `${prefix}-node` });
const nodeServer = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', async () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const job = await nodeQueue.add('single', { input }, { jobId: randomUUID() });
    const out = JSON.stringify({ job_id: job.id });
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
await new Promise<void>((resolve) => nodeServer.listen(0, '127.0.0.1', resolve));
const nodeUrl = `http://127.0.0.1:${(nodeServer.address() as AddressInfo).port}`;
const bareApp = await listen(
  new Hono().post('/generate/single', async (c) => c.json({ job_id: 'x', seen: await c.req.json() }, 202)),
);
const raw = new Queue('raw', { connection, prefix: `${prefix}-raw` });
let rawIndex = 0;
const rawAdd = () => raw.add('single', { input: { ticket_key: `R-${rawIndex++}` } }, { jobId: randomUUID() });

async function rawBullMQ(): Promise<Figures> {
  for (let i = 0; i < WARMUP; i++) await rawAdd();
  const latencies: number[] = [];
  let left = N;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) {
        const t = performance.now();
        await rawAdd();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return figures((performance.now() - started) / 1000, latencies, process.cpuUsage(cpu), N);
}

// The measurements take turns, round after round, so that a busy moment of the machine does not land on
// one of them only; each figure reported is the median of its rounds.
const measurements = {
  endpoint: (r: number) => load(runner.url, `${run}E${r}`),
  floor: (r: number) => load(floorApp.url, `${run}F${r}`),
  nodeFloor: (r: number) => load(nodeUrl, `${run}N${r}`),
  ceiling: (r: number) => load(bareApp.url, `${run}C${r}`),
  raw: () => rawBullMQ(),
};
const rounds: Record<keyof typeof measurements, Figures[]> = {
  endpoint: [],
  floor: [],
  nodeFloor: [],
  ceiling: [],
  raw: [],
};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, measure] of Object.entries(measurements) as [
    keyof typeof measurements,
    (r: number) => Promise<Figures>,
  ][]) {
    rounds[name].push(await measure(r));
  }
}
const median = (xs: Figures[]): Figures => {
  const mid = (pick: (f: Figures) => number) =>
    xs.map(pick).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { rate: mid((f) => f.rate), p50: mid((f) => f.p50), p99: mid((f) => f.p99), cpu: mid((f) => f.cpu) };
};
const http = median(rounds.endpoint);
const floor = median(rounds.floor);
const nodeFloor = median(rounds.nodeFloor);
const ceiling = median(rounds.ceiling);
const bull = median(rounds.raw);
show('POST /generate/single (async)', http);
show('Hono + queue.add (framework floor)', floor);
show('node:http + queue.add (no framework)', nodeFloor);
show('bare Hono 202 (HTTP ceiling)', ceiling);
show('raw BullMQ queue.add', bull);
console.log(
  `endpoint per round: ${rounds.endpoint.map((f) => f.rate.toFixed(0)).join(', ')} req/s; ` +
    `raw BullMQ per round: ${rounds.raw.map((f) => f.rate.toFixed(0)).join(', ')} req/s`,
);
console.log(
  `ratio ${(http.rate / bull.rate).toFixed(2)} of raw BullMQ (target >= 0.5); ` +
    `${(http.rate / floor.rate).toFixed(2)} of Hono + queue.add; of raw BullMQ, Hono + queue.add reaches ` +
    `${(floor.rate / bull.rate).toFixed(2)} and node:http + queue.add ${(nodeFloor.rate / bull.rate).toFixed(2)}; ` +
    `p99 ${http.p99.toFixed(2)} ms (target < 10 ms); median of ${ROUNDS} rounds, N=${N} concurrency=${CONCURRENCY}`,
);

await runner.stop();
floorApp.close();
bareApp.close();
nodeServer.close();
await Promise.all([floorQueue.close(), nodeQueue.close(), raw.close()]);
let cursor = '0';
do {
  const [c, keys] = await connection.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  cursor = c;
  if (keys.length) await connection.del(...keys);
} while (cursor !== '0');
await connection.quit();
