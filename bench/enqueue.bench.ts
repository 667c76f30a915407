/**
 * Enqueue rate and latency of `POST /generate/single` with `async_mode` over loopback, next to raw BullMQ
 * `queue.add` in the same run. Targets: at least half of raw BullMQ's rate, p99 under 10 ms.
 * The HTTP load runs in a worker thread so that the client and the server do not share one core.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { type ServerType, serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { parseEnv } from '../runner/src/env.js';
import { startRunner } from '../runner/src/server.js';

const N = Number(process.env.BENCH_N ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const KEY = 'bench-key-000000';

interface Figures {
  rate: number;
  p50: number;
  p99: number;
}

async function measure(op: (i: number) => Promise<void>): Promise<Figures> {
  for (let i = 0; i < 300; i++) await op(-1 - i); // warm-up
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= N) return;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return figures((performance.now() - started) / 1000, latencies);
}

function figures(seconds: number, latencies: number[]): Figures {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { rate: N / seconds, p50: pct(50), p99: pct(99) };
}

const show = (label: string, f: Figures) =>
  console.log(
    `${label.padEnd(34)} ${f.rate.toFixed(0).padStart(6)} req/s   p50 ${f.p50.toFixed(2)} ms   p99 ${f.p99.toFixed(2)} ms`,
  );

{
  const prefix = `augbench:${randomUUID().slice(0, 8)}`;
  const env = parseEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    API_KEYS: KEY,
    QUEUE_PREFIX: prefix,
    DATABASE_PATH: ':memory:',
  });
  const runner = await startRunner(env, { role: 'api' });
  const run = 'ABCDEFGHIJ'[Math.floor(Math.random() * 10)]!.repeat(3);
  const load = (url: string) =>
    new Promise<Figures>((resolve, reject) => {
      const w = new Worker(new URL('./enqueue-client.mjs', import.meta.url), {
        workerData: { url, run, n: N, concurrency: CONCURRENCY, key: KEY },
      });
      w.once('message', (m: { seconds: number; latencies: number[] }) =>
        resolve(figures(m.seconds, m.latencies)),
      );
      w.once('error', reject);
    });
  const http = await load(runner.url);
  show('POST /generate/single (async)', http);

  // The ceiling of HTTP on this machine: a bare Hono app answering 202 without any work, same client.
  const bare = new Hono().post('/generate/single', async (c) =>
    c.json({ job_id: 'x', seen: await c.req.json() }, 202),
  );
  const bareServer = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
  });
  const ceiling = await load(`http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`);
  show('bare Hono 202 (HTTP ceiling)', ceiling);
  bareServer.close();

  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const raw = new Queue('raw', { connection, prefix: `${prefix}-raw` });
  const bull = await measure(async (i) => {
    await raw.add('single', { input: { ticket_key: `R-${i}` } }, { jobId: randomUUID() });
  });
  show('raw BullMQ queue.add', bull);
  console.log(
    `ratio ${(http.rate / bull.rate).toFixed(2)} of raw BullMQ (target >= 0.5), ${(http.rate / ceiling.rate).toFixed(2)} of the bare-HTTP ceiling; p99 ${http.p99.toFixed(2)} ms (target < 10 ms); N=${N} concurrency=${CONCURRENCY}`,
  );

  await raw.close();
  await runner.stop();
  const redis = new Redis(env.REDIS_URL);
  let cursor = '0';
  do {
    const [c, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = c;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  await connection.quit();
}
