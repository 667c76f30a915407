/**
 * Enqueue rate and latency of `POST /generate/single` with `async_mode` over loopback, next to raw BullMQ
 * `queue.add` in the same run. Targets: at least half of raw BullMQ's rate, p99 under 10 ms.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseEnv } from '../runner/src/env.js';
import { startRunner } from '../runner/src/server.js';

const N = Number(process.env.BENCH_N ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const KEY = 'bench-key-000000';

async function measure(label: string, op: (i: number) => Promise<void>) {
  for (let i = 0; i < 200; i++) await op(-1 - i); // warm-up
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
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const rate = N / seconds;
  console.log(
    `${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} req/s   p50 ${pct(50).toFixed(2)} ms   p99 ${pct(99).toFixed(2)} ms`,
  );
  return { rate, p99: pct(99) };
}

const prefix = `augbench:${randomUUID().slice(0, 8)}`;
const env = parseEnv({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', API_KEYS: KEY, QUEUE_PREFIX: prefix });
const runner = await startRunner(env, { role: 'api' });
const run = randomUUID().slice(0, 4).toUpperCase().replace(/[^A-Z]/g, 'B');
const http = await measure(`POST /generate/single (async)`, async (i) => {
  const res = await fetch(`${runner.url}/generate/single`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ticket_key: `B${run}-${i < 0 ? 900000 - i : i + 1}`, async_mode: true }),
  });
  if (res.status !== 202) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
});

const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
const raw = new Queue('raw', { connection, prefix: `${prefix}-raw` });
const bull = await measure('raw BullMQ queue.add', async (i) => {
  await raw.add('single', { input: { ticket_key: `R-${i}` } }, { jobId: randomUUID() });
});
console.log(
  `ratio ${(http.rate / bull.rate).toFixed(2)} of raw BullMQ (target >= 0.5); p99 ${http.p99.toFixed(2)} ms (target < 10 ms)`,
);
console.log(`N=${N} concurrency=${CONCURRENCY}`);

await raw.obliterate({ force: true });
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
