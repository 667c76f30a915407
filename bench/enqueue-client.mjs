// HTTP load generator for enqueue.bench.ts, run in a worker thread (plain JS: workers get no TS loader).
import { parentPort, workerData } from 'node:worker_threads';

const { url, run, n, concurrency, key } = workerData;

async function post(i) {
  const res = await fetch(`${url}/generate/single`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ticket_key: `B${run}-${i < 0 ? 900000 - i : i + 1}`, async_mode: true }),
  });
  if (res.status !== 202) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

for (let i = 0; i < 300; i++) await post(-1 - i);
const latencies = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t = performance.now();
      await post(i);
      latencies.push(performance.now() - t);
    }
  }),
);
parentPort.postMessage({ seconds: (performance.now() - started) / 1000, latencies });
