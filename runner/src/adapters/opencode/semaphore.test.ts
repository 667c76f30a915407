import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSemaphore, createRedisSemaphore } from './semaphore.js';

let redis: Redis;
const key = () => `test:${randomUUID()}:opencode:slots`;
const keys: string[] = [];
const newKey = () => {
  const k = key();
  keys.push(k);
  return k;
};

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setTimeout(r, 150));
  return done;
};

describe('Redis semaphore', () => {
  it('lets at most `limit` holders in across separate semaphore instances (workers)', async () => {
    const k = newKey();
    const workerA = createRedisSemaphore({ redis, key: k, limit: 2, pollMs: 20 });
    const workerB = createRedisSemaphore({ redis, key: k, limit: 2, pollMs: 20 });
    const first = await workerA.acquire('job-1');
    const second = await workerB.acquire('job-2');
    expect(await redis.zcard(k)).toBe(2);

    let waited = false;
    const third = workerB.acquire('job-3', { onWait: () => (waited = true) });
    expect(await settled(third)).toBe(false);
    expect(waited).toBe(true);

    await first.release();
    const lease3 = await third;
    expect(await redis.zcard(k)).toBe(2);
    await second.release();
    await lease3.release();
    expect(await redis.zcard(k)).toBe(0);
  });

  it('frees the slot of a holder that died without releasing once its lease runs out', async () => {
    const k = newKey();
    // A crashed worker: its member stays in the set with an expiry in the past.
    await redis.zadd(k, 1, 'dead-worker-job');
    const s = createRedisSemaphore({ redis, key: k, limit: 1, pollMs: 20 });
    const lease = await s.acquire('job-new', { timeoutMs: 2_000 });
    expect(await redis.zscore(k, 'dead-worker-job')).toBeNull();
    await lease.release();
  });

  it('keeps a live holder slot by renewing its lease', async () => {
    const k = newKey();
    const s = createRedisSemaphore({ redis, key: k, limit: 1, leaseMs: 300, pollMs: 20 });
    const lease = await s.acquire('long-job');
    await new Promise((r) => setTimeout(r, 900));
    const err = await s.acquire('other', { timeoutMs: 100 }).catch((e) => e);
    expect(err).toMatchObject({ code: 'concurrency_wait_timeout' });
    await lease.release();
  });

  it('stops waiting when the job is cancelled', async () => {
    const k = newKey();
    const s = createRedisSemaphore({ redis, key: k, limit: 1, pollMs: 20 });
    const lease = await s.acquire('busy');
    const cancel = new AbortController();
    const waiting = s.acquire('cancelled-job', { signal: cancel.signal }).catch((e) => e);
    cancel.abort();
    expect(await waiting).toMatchObject({ code: 'cancelled' });
    expect(await redis.zcard(k)).toBe(1);
    await lease.release();
  });
});

describe('local semaphore', () => {
  it('queues holders beyond the limit and admits them on release', async () => {
    const s = createLocalSemaphore(1);
    const a = await s.acquire('a');
    const b = s.acquire('b');
    expect(await settled(b)).toBe(false);
    await a.release();
    await (await b).release();
  });
});
