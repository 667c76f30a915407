/**
 * Issue 18 #1: a job that BullMQ fails because it stalled too often (its worker killed three times) must
 * free its ticket, and a registration left behind by any path (a worker killed right after BullMQ recorded
 * the end, an API killed between registering and queuing) must not block the ticket.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { jobKeys, LOCAL_TENANT } from '../../runner/src/jobs/keys.js';
import { JobQueue } from '../../runner/src/jobs/queue.js';
import { api, cleanPrefix, REDIS_URL, testEnv, waitFor, withRunner } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';

const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

describe('ticket registrations of jobs that ended without their worker', () => {
  it('frees the ticket of a job failed for stalling (worker SIGKILLed three times)', async () => {
    const env = testEnv();
    prefixes.push(env.QUEUE_PREFIX);
    const apiRunner = await withRunner(env, { role: 'api' });
    const client = api(apiRunner);
    const redis = new Redis(REDIS_URL);
    const children: ChildRunner[] = [];
    try {
      const first = await client.post('/plan/tasks/create', { story_keys: ['STALL-1'], async_mode: true });
      expect(first.status).toBe(202);
      const id = first.body.job_id as string;
      const activeKey = jobKeys(env.QUEUE_PREFIX).active(LOCAL_TENANT, 'task_creation', 'STALL-1');
      let lastStart = 0;
      for (let kill = 1; kill <= 3; kill++) {
        const worker = await spawnRunner(env, { CHILD_ROLE: 'worker', CHILD_STUCK: '1' });
        children.push(worker);
        // Wait until this worker holds the job (a new start time), then kill it mid-job.
        lastStart = await waitFor(
          async () => {
            const j = (await client.get(`/jobs/${id}`)).body;
            const started = j.started_at ? Date.parse(j.started_at) : 0;
            return j.status === 'active' && j.progress.stage === 'stuck' && started > lastStart && started;
          },
          40_000,
          100,
        );
        await worker.kill('SIGKILL');
      }
      // A healthy worker finds the job stalled a third time: BullMQ fails it.
      const rescuer = await spawnRunner(env, { CHILD_ROLE: 'worker', CHILD_ECHO: '1' });
      children.push(rescuer);
      const failed = await waitFor(
        async () => {
          const j = (await client.get(`/jobs/${id}`)).body;
          return j.status === 'failed' && j;
        },
        40_000,
        200,
      );
      expect(failed.error).toMatch(/stalled/);
      // The registration goes with the job, and a new request for the ticket is accepted.
      await waitFor(async () => (await redis.exists(activeKey)) === 0, 5_000);
      const again = await client.post('/plan/tasks/create', { story_keys: ['STALL-1'], async_mode: true });
      expect(again.status).toBe(202);
    } finally {
      await Promise.all(children.map((c) => c.kill('SIGKILL')));
      await apiRunner.stop();
      redis.disconnect();
    }
  }, 180_000);

  it('takes over a registration whose job already ended or never reached the queue', async () => {
    const env = testEnv();
    prefixes.push(env.QUEUE_PREFIX);
    const redis = new Redis(REDIS_URL);
    const queue = new JobQueue(redis, env.QUEUE_PREFIX, redis);
    const keys = jobKeys(env.QUEUE_PREFIX);
    const opts = { requestedBy: 'test', tenant: LOCAL_TENANT };
    try {
      // A job that BullMQ recorded as completed, whose worker died before releasing the ticket.
      const done = await queue.enqueue('single', { ticket_key: 'GONE-1' }, opts);
      const job = (await queue.queue.getJob(done.job_id))!;
      const token = 'test-token';
      await redis.set(`${env.QUEUE_PREFIX}:jobs:${done.job_id}:lock`, token, 'PX', 10_000);
      await redis.lrem(`${env.QUEUE_PREFIX}:jobs:wait`, 0, done.job_id);
      await redis.lpush(`${env.QUEUE_PREFIX}:jobs:active`, done.job_id);
      await job.moveToCompleted({ ok: true }, token, false);
      expect(await redis.get(keys.active(LOCAL_TENANT, 'single', 'GONE-1'))).toBe(done.job_id);
      const next = await queue.enqueue('single', { ticket_key: 'GONE-1' }, opts);
      expect(next.job_id).not.toBe(done.job_id);

      // A registration whose job never reached the queue (the API died in between): free once it is old.
      const reg = keys.active(LOCAL_TENANT, 'single', 'LOST-1');
      const hist = keys.ticketHistory(LOCAL_TENANT, 'LOST-1');
      await redis.set(reg, 'never-queued', 'PX', 600_000);
      await redis.zadd(hist, Date.now(), 'never-queued');
      // Just registered: it may still be on its way into the queue, so it still counts.
      await expect(queue.enqueue('single', { ticket_key: 'LOST-1' }, opts)).rejects.toMatchObject({
        status: 409,
      });
      await redis.zadd(hist, Date.now() - 10 * 60_000, 'never-queued');
      const taken = await queue.enqueue('single', { ticket_key: 'LOST-1' }, opts);
      expect(await redis.get(reg)).toBe(taken.job_id);

      // A registered job that is still waiting keeps the ticket.
      await expect(queue.enqueue('single', { ticket_key: 'LOST-1' }, opts)).rejects.toMatchObject({
        status: 409,
      });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  }, 30_000);
});
