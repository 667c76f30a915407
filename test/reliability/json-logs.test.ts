/**
 * Issue 18 #8: logs stay JSON while Redis is away: every Redis connection and every BullMQ object of the
 * runner reports its errors through the JSON logger, never as `[ioredis] Unhandled error event` or a bare
 * stack trace on stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, sleep, testEnv, waitFor } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';
import { nonJsonLines } from './logs.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe('logs during a Redis outage', () => {
  it('stay JSON in every role, through the outage, the restart and the shutdown', async () => {
    const env = testEnv({ REDIS_URL: redis.url });
    const extra = { LOG_LEVEL: 'info', CHILD_ECHO: '1', WORKER_DRAIN_SECONDS: '2' };
    const children: ChildRunner[] = await Promise.all(
      (['all', 'api', 'worker'] as const).map((role) =>
        spawnRunner(env, { ...extra, CHILD_ROLE: role }, { captureStderr: true }),
      ),
    );
    try {
      const client = api(children[1]!);
      expect((await client.post('/generate/single', { ticket_key: 'LOG-1', async_mode: true })).status).toBe(
        202,
      );
      await redis.stop();
      // Requests and background work meet the outage (the request is not awaited: it may wait for Redis).
      void client.get('/jobs').catch(() => undefined);
      await sleep(4_000);
      await redis.start();
      await waitFor(
        async () =>
          (await client.post('/generate/single', { ticket_key: 'LOG-2', async_mode: true })).status === 202,
        30_000,
        500,
      );
      // Every process saw Redis come back (and said so, in JSON).
      for (const c of children) {
        await waitFor(async () => c.lines.some((l) => l.includes('redis reachable again')), 20_000, 200);
      }
      await sleep(1_000);
    } finally {
      await Promise.all(children.map((c) => c.kill('SIGTERM')));
    }
    const lines = children.flatMap((c) => c.lines);
    // The outage was seen and logged (as JSON).
    expect(lines.some((l) => /ECONNREFUSED|Connection is closed|connect/i.test(l))).toBe(true);
    expect(nonJsonLines(lines)).toEqual([]);
  }, 120_000);
});
