/**
 * Issue 18 #2, #5 and "Also": stopping for real.
 * - A worker whose job outlives the drain time stops that job's work and hands it back to the queue (not
 *   counted as a failed attempt), then exits with "runner stopped"; another worker picks the job up at once.
 * - A second SIGTERM hands the active jobs back at once instead of killing the process.
 * - An open event stream does not hold up the API's shutdown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, cleanPrefix, sleep, TEST_API_KEY, testEnv, waitFor } from '../helpers/runner.js';
import { type ChildRunner, spawnRunner } from '../helpers/spawn.js';
import { nonJsonLines } from './logs.js';

/** Stands in for Jira: counts the calls a busy job makes. */
let jira: Server;
let jiraUrl: string;
let hits: number[] = [];
beforeAll(async () => {
  jira = createServer((_req, res) => {
    hits.push(Date.now());
    res.end('{}');
  });
  await new Promise<void>((r) => jira.listen(0, '127.0.0.1', r));
  jiraUrl = `http://127.0.0.1:${(jira.address() as AddressInfo).port}/rest/api/3/myself`;
});
afterAll(async () => {
  await new Promise((r) => jira.close(r));
});

const prefixes: string[] = [];
const children: ChildRunner[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
});
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

async function start(extra: Record<string, string>, role: 'api' | 'worker') {
  const env = testEnv();
  prefixes.push(env.QUEUE_PREFIX);
  const child = await spawnRunner(
    env,
    { CHILD_ROLE: role, LOG_LEVEL: 'info', ...extra },
    { captureStderr: true },
  );
  children.push(child);
  return { env, child };
}

/** Queues a busy job through an API process and waits until the worker is calling out. */
async function busyJob(env: ReturnType<typeof testEnv>, ticket: string) {
  const apiChild = await spawnRunner(env, { CHILD_ROLE: 'api' });
  children.push(apiChild);
  const client = api(apiChild);
  const res = await client.post('/generate/single', { ticket_key: ticket, async_mode: true });
  expect(res.status).toBe(202);
  hits = [];
  await waitFor(async () => hits.length >= 3, 30_000, 50);
  return { client, id: res.body.job_id as string };
}

const elapsedSince = (t: number) => Date.now() - t;

describe('a worker stopping with a job that outlives the drain time', () => {
  it('stops the work, hands the job back and exits; another worker takes it at once', async () => {
    const { env, child: worker } = await start(
      { CHILD_BUSY_URL: jiraUrl, WORKER_DRAIN_SECONDS: '2' },
      'worker',
    );
    const { client, id } = await busyJob(env, 'DRAIN-1');

    const t0 = Date.now();
    worker.proc.kill('SIGTERM');
    const exit = await Promise.race([worker.exited, sleep(20_000).then(() => null)]);
    expect(exit, 'the worker is still running 20 s after SIGTERM').not.toBeNull();
    expect(exit).toEqual({ code: 0, signal: null });
    // It waited for the drain time, then stopped without waiting for the forced exit.
    expect(elapsedSince(t0)).toBeGreaterThanOrEqual(2_000);
    const lastHit = Math.max(...hits);
    expect(lastHit - t0).toBeLessThan(2_000 + 1_500);
    expect(worker.lines.some((l) => l.includes('"msg":"runner stopped"'))).toBe(true);
    expect(worker.lines.some((l) => l.includes('handed back'))).toBe(true);
    expect(nonJsonLines(worker.lines)).toEqual([]);

    // Back in the queue, its attempt not counted as a failure.
    const view = (await client.get(`/jobs/${id}`)).body;
    expect(view.status).toBe('waiting');
    expect(view.attempts_made).toBe(0);
    // No call once the process is gone.
    const count = hits.length;
    await sleep(500);
    expect(hits.length).toBe(count);

    // A new worker runs it right away (no wait for stalled-job detection).
    const rescuer = await spawnRunner(env, { CHILD_ROLE: 'worker', CHILD_ECHO: '1' });
    children.push(rescuer);
    const t1 = Date.now();
    const done = await waitFor(
      async () => {
        const j = (await client.get(`/jobs/${id}`)).body;
        return j.status === 'completed' && j;
      },
      20_000,
      100,
    );
    expect(done.result.job_type).toBe('single');
    expect(elapsedSince(t1)).toBeLessThan(10_000);
  }, 120_000);

  it('hands the job back at once on a second SIGTERM, and exits cleanly', async () => {
    const { env, child: worker } = await start(
      { CHILD_BUSY_URL: jiraUrl, WORKER_DRAIN_SECONDS: '120' },
      'worker',
    );
    const { client, id } = await busyJob(env, 'TWICE-1');

    worker.proc.kill('SIGTERM');
    await sleep(1_000);
    // Still draining: the job still runs.
    expect(worker.proc.exitCode).toBeNull();
    const t0 = Date.now();
    worker.proc.kill('SIGTERM');
    const exit = await Promise.race([worker.exited, sleep(15_000).then(() => null)]);
    expect(exit, 'the worker is still running 15 s after the second SIGTERM').not.toBeNull();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(elapsedSince(t0)).toBeLessThan(10_000);
    expect(worker.lines.some((l) => l.includes('"msg":"runner stopped"'))).toBe(true);
    const view = (await client.get(`/jobs/${id}`)).body;
    expect(view.status).toBe('waiting');
    expect(view.attempts_made).toBe(0);
  }, 120_000);
});

describe('an API stopping with an open event stream', () => {
  it('ends the stream and exits without waiting for the job', async () => {
    const { child: apiChild } = await start({}, 'api');
    const client = api(apiChild);
    // No worker: the job stays queued, its stream stays open.
    const res = await client.post('/generate/single', { ticket_key: 'SSE-1', async_mode: true });
    const stream = await fetch(`${apiChild.url}/jobs/${res.body.job_id}/events`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return 'ended';
        text += new TextDecoder().decode(value);
      }
    })();
    await waitFor(async () => text.includes('event: status'), 10_000, 50);

    const t0 = Date.now();
    apiChild.proc.kill('SIGTERM');
    const exit = await Promise.race([apiChild.exited, sleep(20_000).then(() => null)]);
    expect(exit, 'the API is still running 20 s after SIGTERM').not.toBeNull();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(elapsedSince(t0)).toBeLessThan(10_000);
    expect(await reading).toBe('ended');
    // The client is told why the stream ends (it may follow the job on another API process).
    expect(text).toContain('event: closing');
    expect(apiChild.lines.some((l) => l.includes('"msg":"runner stopped"'))).toBe(true);
  }, 120_000);
});
