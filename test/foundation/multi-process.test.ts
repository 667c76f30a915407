import { afterAll, describe, expect, it } from 'vitest';
import { api, cleanPrefix, testEnv, waitFor, withRunner } from '../helpers/runner.js';
import { spawnRunner } from '../helpers/spawn.js';

const prefixes: string[] = [];
// The queue mechanics are under test here (the real processors need Jira; their own suites run them).
const echo = async (input: unknown) => ({ echoed: input });
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

describe('runner processes sharing one Redis', () => {
  it('creates exactly one job from 50 simultaneous identical requests across two runner processes', async () => {
    const env = testEnv();
    prefixes.push(env.QUEUE_PREFIX);
    const [a, b] = await Promise.all([
      spawnRunner(env, { CHILD_ROLE: 'api' }),
      spawnRunner(env, { CHILD_ROLE: 'api' }),
    ]);
    try {
      const clients = [api(a), api(b)];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          clients[i % 2]!.post('/generate/single', { ticket_key: 'RACE-1', async_mode: true }),
        ),
      );
      const accepted = results.filter((r) => r.status === 202);
      const conflicts = results.filter((r) => r.status === 409);
      expect(accepted).toHaveLength(1);
      expect(conflicts).toHaveLength(49);
      const id = accepted[0]!.body.job_id;
      expect(new Set(conflicts.map((r) => r.body.error.details.existing_job_id))).toEqual(new Set([id]));
      const listed = await clients[0]!.get('/jobs?job_type=single');
      expect(listed.body.total).toBe(1);
    } finally {
      await Promise.all([a.kill(), b.kill()]);
    }
  }, 60_000);

  it('keeps queued jobs across a runner restart and runs them when a worker comes back', async () => {
    const env = testEnv();
    prefixes.push(env.QUEUE_PREFIX);
    const first = await withRunner(env, { role: 'api' });
    const { body } = await api(first).post('/plan/stories/generate', { epic_key: 'RST-1', async_mode: true });
    await first.stop();
    const second = await withRunner(env, { role: 'all', processorOverrides: { story_generation: echo } });
    try {
      const done = await waitFor(async () => {
        const r = await api(second).get(`/jobs/${body.job_id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      });
      expect(done.job_type).toBe('story_generation');
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('hands the job of a worker killed with SIGKILL mid-job to another worker', async () => {
    const env = testEnv();
    prefixes.push(env.QUEUE_PREFIX);
    const doomed = await spawnRunner(env, { CHILD_ROLE: 'worker', CHILD_STUCK: '1' });
    const apiRunner = await withRunner(env, { role: 'api' });
    const client = api(apiRunner);
    try {
      const { body } = await client.post('/generate/single', { ticket_key: 'KILL-1', async_mode: true });
      await waitFor(async () => (await client.get(`/jobs/${body.job_id}`)).body.progress.stage === 'stuck');
      await doomed.kill('SIGKILL');
      const rescuer = await withRunner(env, {
        role: 'worker',
        lockDurationMs: 1_000,
        stalledIntervalMs: 500,
        processorOverrides: { single: async () => ({ job_type: 'single' }) },
      });
      try {
        const done = await waitFor(
          async () => {
            const r = await client.get(`/jobs/${body.job_id}`);
            if (process.env.DEBUG_TEST) console.log(r.body.status, r.body.error, r.body.progress);
            return r.body.status === 'completed' ? r.body : undefined;
          },
          30_000,
          1000,
        );
        expect(done.result.job_type).toBe('single');
        // The ticket is free again once the rescued job completed.
        expect(
          (await client.post('/generate/single', { ticket_key: 'KILL-1', async_mode: true })).status,
        ).toBe(202);
      } finally {
        await rescuer.stop();
      }
    } finally {
      await doomed.kill('SIGKILL');
      await apiRunner.stop();
    }
  }, 60_000);

  it('drains the active job before a worker stops on SIGTERM', async () => {
    const env = testEnv();
    prefixes.push(env.QUEUE_PREFIX);
    const worker = await spawnRunner(env, { CHILD_ROLE: 'worker', CHILD_ECHO: '1' });
    const apiRunner = await withRunner(env, { role: 'api' });
    try {
      const { body } = await api(apiRunner).post('/generate/single', {
        ticket_key: 'TERM-1',
        async_mode: true,
      });
      await worker.kill('SIGTERM');
      expect(worker.proc.exitCode).toBe(0);
      const r = await api(apiRunner).get(`/jobs/${body.job_id}`);
      expect(['completed', 'waiting']).toContain(r.body.status);
    } finally {
      await apiRunner.stop();
    }
  }, 60_000);
});
