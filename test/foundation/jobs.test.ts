import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GENERATION_ENDPOINTS } from '../../runner/src/api/routes/generation.js';
import { JobQueue } from '../../runner/src/jobs/queue.js';
import type { AnyProcessor } from '../../runner/src/jobs/types.js';
import type { Runner } from '../../runner/src/server.js';
import { JOB_SAMPLES } from '../helpers/bodies.js';
import { api, cleanPrefix, sleep, testEnv, waitFor, withRunner } from '../helpers/runner.js';

const runners: Runner[] = [];
const prefixes: string[] = [];
async function start(
  overrides: Record<string, AnyProcessor> = {},
  role: 'all' | 'api' | 'worker' = 'all',
  env = testEnv(),
) {
  const r = await withRunner(env, { processorOverrides: overrides, role });
  runners.push(r);
  prefixes.push(env.QUEUE_PREFIX);
  return { runner: r, env, client: api(r) };
}
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

const untilStatus = (client: ReturnType<typeof api>, id: string, statuses: string[]) =>
  waitFor(async () => {
    const r = await client.get(`/jobs/${id}`);
    return statuses.includes(r.body?.status) ? r.body : undefined;
  });

describe('background jobs', () => {
  it('runs every job type of the spec end to end through the queue', async () => {
    // The queue mechanics are under test here; each capability's suite runs its real processor end to end.
    const echo: AnyProcessor = async (input, ctx) => {
      await ctx.progress('echo', 100);
      return { echoed: input };
    };
    const { client } = await start(Object.fromEntries(GENERATION_ENDPOINTS.map((e) => [e.type, echo])));
    for (const { type } of GENERATION_ENDPOINTS) {
      const sample = JOB_SAMPLES[type];
      const res = await client.post(sample.path, { ...sample.body, async_mode: true });
      expect(res.status, `${type}: ${res.text}`).toBe(202);
      expect(res.body.job_type).toBe(type);
      const done = await untilStatus(client, res.body.job_id, ['completed', 'failed']);
      expect(done.status, `${type}: ${done.error}`).toBe('completed');
      expect(done.progress.percent).toBe(100);
    }
  });

  it('answers synchronously when async_mode is false', async () => {
    // Inline runs use the real processor; an epic preview needs no Jira site.
    const { client } = await start();
    const res = await client.post('/plan/epic/create', { project_key: 'SYNC', summary: 'Sync epic' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.job_type).toBe('epic_creation');
    expect(typeof res.body.execution_time_ms).toBe('number');
  });

  it('shows the stage and percent a processor reports while it runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { client } = await start({
      single: async (_input, ctx) => {
        await ctx.progress('fetching ticket', 40, { ticket: 'P-1' });
        await gate;
        return { ok: true };
      },
    });
    const { body } = await client.post('/generate/single', { ticket_key: 'PROG-1', async_mode: true });
    const mid = await waitFor(async () => {
      const r = await client.get(`/jobs/${body.job_id}`);
      return r.body.progress.stage === 'fetching ticket' ? r.body : undefined;
    });
    expect(mid.status).toBe('active');
    expect(mid.progress).toEqual({ stage: 'fetching ticket', percent: 40, detail: { ticket: 'P-1' } });
    release();
    const done = await untilStatus(client, body.job_id, ['completed']);
    // A dry run (the default) also leaves a preview that can be applied as shown.
    expect(done.result).toEqual({
      ok: true,
      preview: expect.objectContaining({ preview_id: expect.any(String) }),
    });
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
  });

  it('retries a failing job and completes it on a later attempt', async () => {
    const seen: number[] = [];
    const { client } = await start({
      single: async (_i, ctx) => {
        seen.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
        return { attempt: ctx.attempt };
      },
    });
    // The catalog's backoff is seconds long; this test accepts that wait for real retries.
    const { body } = await client.post('/generate/single', { ticket_key: 'RETRY-1', async_mode: true });
    const done = await waitFor(async () => {
      const r = await client.get(`/jobs/${body.job_id}`);
      return r.body.status === 'completed' ? r.body : undefined;
    }, 25_000);
    expect(seen).toEqual([1, 2, 3]);
    expect(done.attempts_made).toBe(3);
  }, 40_000);

  it('fails a job whose error is unrecoverable at once, reports the error and frees the ticket', async () => {
    const { client } = await start({
      single: async () => {
        throw Object.assign(new Error('ticket PROJ-9 does not exist'), { retryable: false });
      },
    });
    const first = await client.post('/generate/single', { ticket_key: 'FAIL-1', async_mode: true });
    const failed = await untilStatus(client, first.body.job_id, ['failed']);
    expect(failed.error).toContain('does not exist');
    expect(failed.attempts_made).toBe(1);
    const again = await client.post('/generate/single', { ticket_key: 'FAIL-1', async_mode: true });
    expect(again.status).toBe(202);
  });

  it('rejects a second request for a ticket with an active job with 409 and the existing job id', async () => {
    const { client } = await start({}, 'api');
    const a = await client.post('/plan/tasks/generate', { story_keys: ['DUP-1', 'DUP-2'], async_mode: true });
    expect(a.status).toBe(202);
    const b = await client.post('/plan/tasks/generate', { story_keys: ['DUP-2'], async_mode: true });
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('duplicate_job');
    expect(b.body.error.details.existing_job_id).toBe(a.body.job_id);
    // Another job type on the same ticket is not a duplicate.
    const c = await client.post('/plan/tasks/create', { story_keys: ['DUP-2'], async_mode: true });
    expect(c.status).toBe(202);
    const byTicket = await client.get('/jobs/ticket/DUP-2');
    expect(byTicket.body.jobs.map((j: { job_id: string }) => j.job_id).sort()).toEqual(
      [a.body.job_id, c.body.job_id].sort(),
    );
    expect(byTicket.body.active).not.toBeNull();
  });

  it('cancels a waiting job: it is removed, shown as cancelled, and its ticket is free again', async () => {
    const { client } = await start({}, 'api');
    const a = await client.post('/generate/single', { ticket_key: 'WAIT-1', async_mode: true });
    const del = await client.del(`/jobs/${a.body.job_id}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('cancelled');
    expect((await client.get(`/jobs/${a.body.job_id}`)).body.status).toBe('cancelled');
    expect((await client.post('/generate/single', { ticket_key: 'WAIT-1', async_mode: true })).status).toBe(
      202,
    );
  });

  it('cancels an active job through its AbortSignal on the worker that holds it', async () => {
    let aborted = false;
    const worker = await start(
      {
        single: async (_i, ctx) => {
          await ctx.progress('working', 10);
          await new Promise<void>((_, reject) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              reject(ctx.signal.reason);
            }),
          );
        },
      },
      'worker',
    );
    // The API runs in another runner: the cancel reaches the worker only through the broadcast.
    const { client } = await start({}, 'api', testEnv({ QUEUE_PREFIX: worker.env.QUEUE_PREFIX }));
    const a = await client.post('/generate/single', { ticket_key: 'ACT-1', async_mode: true });
    await untilStatus(client, a.body.job_id, ['active']);
    const del = await client.del(`/jobs/${a.body.job_id}`);
    expect(del.status).toBe(202);
    const done = await untilStatus(client, a.body.job_id, ['cancelled']);
    expect(done.error).toBe('cancelled by request');
    expect(aborted).toBe(true);
    const again = await client.post('/generate/single', { ticket_key: 'ACT-1', async_mode: true });
    expect(again.status).toBe(202);
    expect((await client.del(`/jobs/${a.body.job_id}`)).status).toBe(409);
    await untilStatus(client, again.body.job_id, ['active']);
    await client.del(`/jobs/${again.body.job_id}`);
    await untilStatus(client, again.body.job_id, ['cancelled']);
  });

  it('lists jobs filtered by status and type, paginated', async () => {
    const { client } = await start({}, 'api');
    for (const k of ['L-1', 'L-2', 'L-3'])
      await client.post('/generate/single', { ticket_key: k, async_mode: true });
    await client.post('/plan/stories/generate', { epic_key: 'L-9', async_mode: true });
    const all = await client.get('/jobs?status=waiting&job_type=single&limit=2');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.jobs).toHaveLength(2);
    const page2 = await client.get('/jobs?status=waiting&job_type=single&limit=2&offset=2');
    expect(page2.body.jobs).toHaveLength(1);
    expect((await client.get('/jobs?job_type=nope')).status).toBe(400);
  });

  it('counts every job of the filter in total, beyond the first 2,000 (real Redis)', async () => {
    const env = testEnv({ WORKER_CONCURRENCY: '64' });
    const echo: AnyProcessor = async () => ({ ok: true });
    const { client } = await start({ single: echo, story_generation: echo }, 'all', env);
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new JobQueue(redis, env.QUEUE_PREFIX, redis);
    try {
      const add = (type: string, input: Record<string, unknown>, tenant: string) =>
        queue.enqueue(type, input, { requestedBy: 'test', tenant });
      const N = 2_021;
      await Promise.all(
        Array.from({ length: N }, (_, i) => add('single', { ticket_key: `TOT-${i + 1}` }, 'local')),
      );
      await add('story_generation', { epic_key: 'TOT-9000' }, 'local');
      await add('story_generation', { epic_key: 'TOT-9001' }, 'local');
      for (const k of ['OTH-1', 'OTH-2', 'OTH-3']) await add('single', { ticket_key: k }, 'other-site');
      await waitFor(
        async () => ((await queue.counts()).completed === N + 5 ? true : undefined),
        120_000,
        200,
      );

      const one = await client.get('/jobs?status=completed&limit=1');
      expect(one.status).toBe(200);
      expect(one.body.total).toBe(N + 2);
      expect(one.body.jobs).toHaveLength(1);
      expect((await client.get('/jobs?status=completed&job_type=single&limit=1')).body.total).toBe(N);
      expect((await client.get('/jobs?job_type=story_generation')).body.total).toBe(2);
      expect((await client.get('/jobs?status=failed')).body.total).toBe(0);
      const last = await client.get('/jobs?status=completed&job_type=single&limit=200&offset=2000');
      expect(last.body.total).toBe(N);
      expect(last.body.jobs).toHaveLength(N - 2000);
      expect(last.body.jobs.every((j: { status: string }) => j.status === 'completed')).toBe(true);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('streams progress as Server-Sent Events until the job ends', async () => {
    const { client, runner } = await start({
      single: async (_i, ctx) => {
        for (const p of [25, 50, 75]) {
          await ctx.progress(`step ${p}`, p);
          await sleep(300);
        }
        return { done: true };
      },
    });
    const a = await client.post('/generate/single', { ticket_key: 'SSE-1', async_mode: true });
    const res = await fetch(`${runner.url}/jobs/${a.body.job_id}/events`, {
      headers: { authorization: 'Bearer test-key-0123456789' },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events.at(-1)).toBe('end');
    expect(events).toContain('progress');
    expect(text).toContain('"status":"completed"');
  });

  it('returns 404 for an unknown job id', async () => {
    const { client } = await start({}, 'api');
    const r = await client.get('/jobs/does-not-exist');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
