/**
 * Issue 18 #6: while Redis is down the API answers at once, 503 `redis_unavailable`, instead of holding
 * requests for the whole outage; after the restart (its append-only file reloaded) everything is back.
 * A job-creating request that registered its tickets but could not confirm the job reached the queue
 * answers with the job id it meant, and sending the same request again queues that job, once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TENANT } from '../../runner/src/jobs/keys.js';
import { JobQueue } from '../../runner/src/jobs/queue.js';
import { cleanPrefix, REDIS_URL, sleep, TEST_API_KEY, testEnv, waitFor } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis?.close();
});

/** A request with a deadline: a hanging answer counts as `hung`. */
async function timed(url: string, method: string, body?: unknown) {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(8_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      ms: Date.now() - started,
      body: text ? JSON.parse(text) : undefined,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch {
    return { status: 0, ms: Date.now() - started, body: 'hung', retryAfter: null };
  }
}

describe('the API while Redis is down', () => {
  it('answers 503 redis_unavailable within seconds, and serves again after the restart', async () => {
    const env = testEnv({ REDIS_URL: redis.url });
    const apiChild: ChildRunner = await spawnRunner(
      env,
      { CHILD_ROLE: 'api', LOG_LEVEL: 'info' },
      { captureStderr: true },
    );
    try {
      const before = await timed(`${apiChild.url}/generate/single`, 'POST', {
        ticket_key: 'OUT-1',
        async_mode: true,
      });
      expect(before.status).toBe(202);
      const id = before.body.job_id as string;

      await redis.stop();
      const requests: [string, string, unknown?][] = [
        ['POST', '/generate/single', { ticket_key: 'OUT-2', async_mode: true }],
        ['POST', '/plan/tasks/create', { story_keys: ['OUT-3'], async_mode: true }],
        ['GET', `/jobs/${id}`],
        ['GET', '/jobs'],
        ['GET', '/jobs/ticket/OUT-1'],
        ['DELETE', `/jobs/${id}`],
      ];
      // Right after the loss and again a few seconds into the outage (ioredis reconnecting meanwhile).
      for (const round of [0, 1]) {
        if (round) await sleep(3_000);
        for (const [method, path, body] of requests) {
          const r = await timed(apiChild.url + path, method, body);
          expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(503);
          expect(r.ms, `${method} ${path} took ${r.ms} ms`).toBeLessThan(4_000);
          expect(r.body.error.code).toBe('redis_unavailable');
          expect(r.retryAfter).toBeTruthy();
        }
        const health = await timed(`${apiChild.url}/health`, 'GET');
        expect(health.status).toBe(503);
        expect(health.ms).toBeLessThan(4_000);
      }

      await redis.start();
      const after = await waitFor(
        async () => {
          const r = await timed(`${apiChild.url}/jobs/${id}`, 'GET');
          return r.status === 200 && r;
        },
        20_000,
        200,
      );
      // The job queued before the outage survived the restart.
      expect(after.body.status).toBe('waiting');
      const again = await timed(`${apiChild.url}/generate/single`, 'POST', {
        ticket_key: 'OUT-2',
        async_mode: true,
      });
      expect(again.status).toBe(202);
    } finally {
      await apiChild.kill('SIGTERM');
    }
  }, 120_000);

  it('a request that registered but could not queue its job names the job; the same request again queues it once', async () => {
    const env = testEnv();
    // Registrations on a reachable Redis, the queue itself on a Redis that is gone (fail-fast, as in the API):
    // the request gets past registering and then cannot confirm the job.
    const reachable = new Redis(REDIS_URL);
    const gone = new Redis(redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    gone.on('error', () => undefined);
    await redis.stop();
    const broken = new JobQueue(reachable, env.QUEUE_PREFIX, gone);
    broken.queue.on('error', () => undefined);
    const healthy = new JobQueue(reachable, env.QUEUE_PREFIX, reachable);
    const opts = { requestedBy: 'test', tenant: LOCAL_TENANT };
    try {
      const failed = await broken.enqueue('single', { ticket_key: 'LOST-9' }, opts).then(
        () => null,
        (err) => err,
      );
      expect(failed).toMatchObject({ status: 503, code: 'redis_unavailable' });
      const intended = failed.details.job_id as string;
      expect(intended).toMatch(/^[0-9a-f-]{36}$/);
      expect(failed.message).toContain(intended);

      // Right away the registration still counts as a request under way...
      await expect(healthy.enqueue('single', { ticket_key: 'LOST-9' }, opts)).rejects.toMatchObject({
        status: 409,
        details: { existing_job_id: intended },
      });
      // ...and when the client retries (after Retry-After) the same request queues the job it meant, under
      // that id, and only once.
      await sleep(5_500);
      const queued = await healthy.enqueue('single', { ticket_key: 'LOST-9' }, opts);
      expect(queued.job_id).toBe(intended);
      await expect(healthy.enqueue('single', { ticket_key: 'LOST-9' }, opts)).rejects.toMatchObject({
        status: 409,
        details: { existing_job_id: intended },
      });
      expect((await healthy.get(intended, LOCAL_TENANT)).status).toBe('waiting');
      expect(await healthy.queue.getJobCountByTypes('waiting')).toBe(1);
    } finally {
      await redis.start();
      await broken.close().catch(() => undefined);
      await healthy.close();
      gone.disconnect();
      reachable.disconnect();
      await cleanPrefix(env.QUEUE_PREFIX);
    }
  }, 60_000);
});
