/**
 * Issue 18 #7: Redis away longer than a job's lock. Once Redis is back another worker may take the job over
 * (its lock lapsed); the worker that ran it before must stop its work instead of running it to the end a
 * second time, and the ticket stays registered until BullMQ has recorded the job's completion (a second
 * request for the ticket is refused the whole time).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, sleep, testEnv, waitFor } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

let redis: PrivateRedis;
/** What the job's runs report: run id -> start, tick and done times. */
const runs = new Map<string, { start: number; ticks: number[]; done?: number }>();
let recorder: Server;
let recordUrl: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  recorder = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const run = url.searchParams.get('run') ?? '?';
    const now = Date.now();
    if (url.pathname === '/start') runs.set(run, { start: now, ticks: [] });
    else if (url.pathname === '/tick') runs.get(run)?.ticks.push(now);
    else if (url.pathname === '/done') {
      const r = runs.get(run);
      if (r) r.done = now;
    }
    res.end('ok');
  });
  await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
  recordUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await redis?.close();
  await new Promise((r) => recorder.close(r));
});

describe('a Redis outage longer than the lock of an active job', () => {
  it('runs the job to its end once, and keeps its ticket until BullMQ recorded the completion', async () => {
    const env = testEnv({ REDIS_URL: redis.url });
    const extra = { CHILD_RECORD_URL: recordUrl, CHILD_RECORD_STEPS: '30', LOG_LEVEL: 'info' };
    const children: ChildRunner[] = await Promise.all([
      spawnRunner(env, { CHILD_ROLE: 'api' }),
      spawnRunner(env, { ...extra, CHILD_ROLE: 'worker' }, { captureStderr: true }),
      spawnRunner(env, { ...extra, CHILD_ROLE: 'worker' }, { captureStderr: true }),
    ]);
    const client = api(children[0]!);
    try {
      const res = await client.post('/generate/single', { ticket_key: 'LAPSE-1', async_mode: true });
      expect(res.status).toBe(202);
      const id = res.body.job_id as string;
      await waitFor(async () => [...runs.values()].some((r) => r.ticks.length >= 5), 30_000, 50);

      // Away for three lock durations (the workers' locks last 1 s).
      await redis.stop();
      await sleep(3_000);
      await redis.start();
      const back = Date.now();

      // Until the job is recorded as completed, its ticket stays taken.
      const accepted: number[] = [];
      let view: { status: string; result?: { run?: string } } | undefined;
      await waitFor(
        async () => {
          const second = await client.post('/generate/single', { ticket_key: 'LAPSE-1', async_mode: true });
          view = (await client.get(`/jobs/${id}`)).body;
          if (second.status === 202 && view?.status !== 'completed') accepted.push(Date.now());
          return view?.status === 'completed';
        },
        60_000,
        100,
      );
      expect(accepted, 'a second job was accepted while the first was still running').toEqual([]);

      // Exactly one run reached its end: the one whose result BullMQ recorded.
      await sleep(1_500);
      const finished = [...runs.entries()].filter(([, r]) => r.done);
      expect(finished.map(([run]) => run)).toEqual([view!.result!.run]);
      // After Redis came back, no two runs did work at the same time (a stopped run may finish the step it was in).
      const after = [...runs.entries()]
        .map(([run, r]) => ({ run, ticks: r.ticks.filter((t) => t > back) }))
        .filter((r) => r.ticks.length > 0)
        .map((r) => ({ run: r.run, from: r.ticks[0]!, to: r.ticks.at(-1)! }))
        .sort((a, b) => a.from - b.from);
      for (let i = 1; i < after.length; i++) {
        expect(after[i]!.from, `runs ${after[i - 1]!.run} and ${after[i]!.run} overlapped`).toBeGreaterThan(
          after[i - 1]!.to - 300,
        );
      }
    } finally {
      await Promise.all(children.map((c) => c.kill('SIGKILL')));
    }
  }, 120_000);
});
