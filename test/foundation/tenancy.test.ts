/**
 * Two Atlassian sites on one runner: each Forge site (and the API-key callers) is its own tenant for jobs,
 * duplicate detection, job reads and cancels, team members and timelines. Every Forge call carries an
 * invocation token signed by a test JWKS, as Forge Remote sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyProcessor } from '../../runner/src/jobs/types.js';
import type { Runner } from '../../runner/src/server.js';
import { DEMO_EPIC_KEY, demoSeed, type Emulator, startEmulator } from '../emulator/index.js';
import { startForgeJwks, TEST_APP_UUID } from '../helpers/forge-jwks.js';
import { api, cleanPrefix, testEnv, waitFor, withRunner } from '../helpers/runner.js';

let emu: Emulator;
let runner: Runner;
let jwks: Awaited<ReturnType<typeof startForgeJwks>>;
let prefix: string;

// `single` jobs wait until cancelled, so a job stays active while the other site starts its own.
const hold: AnyProcessor = async (input, ctx) => {
  await ctx.progress('holding', 10);
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  ctx.signal.throwIfAborted();
  return { held: input };
};

const echo: AnyProcessor = async (input) => ({ echoed: input });

beforeAll(async () => {
  emu = await startEmulator({ seed: demoSeed() });
  jwks = await startForgeJwks();
  const env = testEnv({
    FORGE_APP_ID: TEST_APP_UUID,
    FORGE_JWKS_URL: jwks.url,
    // The environment's own site (the API-key callers'), which no Forge call may act on.
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: emu.credentials.admin.email,
    JIRA_API_TOKEN: emu.credentials.admin.apiToken,
  });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env, { processorOverrides: { single: hold, story_generation: echo } });
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await emu?.close();
  await jwks?.close();
  await cleanPrefix(prefix);
});

/** A client of one site: a fresh invocation token per call, and the site's app system token. */
function site(cloudId: string, accountId: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const token = await jwks.sign({
      apiBaseUrl: `${emu.url}/ex/jira/${cloudId}`,
      installationId: `ari:cloud:ecosystem::installation/${cloudId}`,
      accountId,
    });
    return api(runner, token).call(method, path, body, {
      'x-forge-oauth-system': emu.credentials.admin.bearerToken,
    });
  };
  return {
    call,
    get: (p: string) => call('GET', p),
    post: (p: string, b: unknown) => call('POST', p, b),
    put: (p: string, b: unknown) => call('PUT', p, b),
    del: (p: string) => call('DELETE', p),
  };
}

const siteA = () => site('cloud-aaaa', '5b10:alice');
const siteB = () => site('cloud-bbbb', '5b10:bob');
const start = { ticket_key: 'PROJ-1', async_mode: true };

describe('jobs of two sites on one runner', () => {
  it('gives each site its own job for the same ticket key, and a 409 only within a site', async () => {
    const a = await siteA().post('/generate/single', start);
    expect(a.status, a.text).toBe(202);
    const b = await siteB().post('/generate/single', start);
    expect(b.status, b.text).toBe(202);
    expect(b.body.job_id).not.toBe(a.body.job_id);

    const againA = await siteA().post('/generate/single', start);
    expect(againA.status).toBe(409);
    expect(againA.body.error.details.existing_job_id).toBe(a.body.job_id);
    const againB = await siteB().post('/generate/single', start);
    expect(againB.body.error.details.existing_job_id).toBe(b.body.job_id);

    // API-key callers are a tenant of their own.
    const local = await api(runner).post('/generate/single', start);
    expect(local.status).toBe(202);

    for (const id of [a.body.job_id, b.body.job_id, local.body.job_id]) {
      await api(runner).del(`/jobs/${id}`);
      await siteA().del(`/jobs/${id}`);
      await siteB().del(`/jobs/${id}`);
    }
  });

  it('answers 404 when a site reads, follows, lists or cancels another site’s job', async () => {
    const a = await siteA().post('/generate/single', { ...start, ticket_key: 'SECRET-9' });
    expect(a.status).toBe(202);
    const id = a.body.job_id as string;
    await waitFor(async () => (await siteA().get(`/jobs/${id}`)).body?.status === 'active');

    const mine = await siteA().get(`/jobs/${id}`);
    expect(mine.body).toMatchObject({
      job_id: id,
      ticket_keys: ['SECRET-9'],
      requested_by: 'forge:5b10:alice',
    });

    for (const other of [siteB(), { get: api(runner).get, del: api(runner).del }]) {
      expect((await other.get(`/jobs/${id}`)).status).toBe(404);
      expect((await other.get(`/jobs/${id}/events`)).status).toBe(404);
      expect((await other.del(`/jobs/${id}`)).status).toBe(404);
      const listed = await other.get('/jobs');
      expect(listed.body.jobs.map((j: { job_id: string }) => j.job_id)).not.toContain(id);
      expect((await other.get('/jobs/ticket/SECRET-9')).body).toMatchObject({ active: null, jobs: [] });
    }
    // Still running: the other site's cancel did not reach it.
    expect((await siteA().get(`/jobs/${id}`)).body.status).toBe('active');
    expect((await siteA().get('/jobs/ticket/SECRET-9')).body.active.job_id).toBe(id);

    expect((await siteA().del(`/jobs/${id}`)).status).toBe(202);
    await waitFor(async () => (await siteA().get(`/jobs/${id}`)).body?.status === 'cancelled');
    // A cancelled (removed) job stays the owner's.
    expect((await siteB().get(`/jobs/${id}`)).status).toBe(404);
  });
});

describe('Atlassian access of a Forge call', () => {
  it('never falls back to the environment’s site when the call brings no app system token', async () => {
    const token = await jwks.sign({ apiBaseUrl: `${emu.url}/ex/jira/cloud-cccc` });
    const noSystemToken = await api(runner, token).get('/plan/readiness/DEMO-2');
    expect(noSystemToken.status).toBe(400);
    expect(noSystemToken.body.error).toMatchObject({
      code: 'forge_system_token_missing',
      details: { field: 'x-forge-oauth-system' },
    });
    // The same read with the app system token reaches the site the token names.
    expect((await siteA().get('/plan/readiness/DEMO-2')).status).toBe(200);
  });
});

describe('operator views', () => {
  it('keeps the queue dashboard, which shows every site’s jobs, to API-key callers', async () => {
    expect((await siteA().get('/admin/queues')).status).toBe(403);
    expect((await siteA().get('/admin/queues/api/queues')).status).toBe(403);
    expect((await api(runner).get('/admin/queues')).status).toBe(200);
  });
});

describe('team members and timelines of two sites', () => {
  it('keeps each site’s team apart, the same e-mail included', async () => {
    const ada = { name: 'Ada', email: 'ada@example.com', role: 'backend', capacity_days_per_sprint: 8 };
    const created = await siteA().post('/team-members', ada);
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as number;

    expect((await siteB().get('/team-members')).body).toMatchObject({ members: [], total: 0 });
    expect((await siteB().get(`/team-members/${id}`)).status).toBe(404);
    expect((await siteB().put(`/team-members/${id}`, { capacity_days_per_sprint: 1 })).status).toBe(404);
    expect((await siteB().del(`/team-members/${id}`)).status).toBe(404);
    expect((await siteB().post('/team-members', { ...ada, role: 'qa' })).status).toBe(201);
    expect((await siteA().post('/team-members', ada)).status).toBe(409);

    const a = (await siteA().get('/team-members')).body.members;
    expect(a).toMatchObject([{ id, role: 'backend', capacity_days_per_sprint: 8 }]);
    expect((await siteB().get('/team-members/roles')).body.roles).toContainEqual({
      role: 'backend',
      members: 0,
      capacity_days_per_sprint: 0,
    });
  });

  it('serves a stored timeline only to the site that stored it', async () => {
    const body = {
      epic_key: DEMO_EPIC_KEY,
      start_date: '2027-01-04',
      team_capacity_days: 10,
      dry_run: false,
    };
    const stored = await siteA().post('/sprint/timeline', body);
    expect(stored.status, stored.text).toBe(200);
    expect((await siteA().get(`/sprint/timeline/${DEMO_EPIC_KEY}`)).status).toBe(200);
    expect((await siteB().get(`/sprint/timeline/${DEMO_EPIC_KEY}`)).status).toBe(404);
    expect((await api(runner).get(`/sprint/timeline/${DEMO_EPIC_KEY}`)).status).toBe(404);
  });
});

describe('settings of two sites', () => {
  it('applies a site’s saved LLM choice to its own requests that name none, and to no other site', async () => {
    const saved = await siteA().put('/settings', { llm_provider: 'claude', llm_model: 'claude-sonnet-4-5' });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ llm_provider: 'claude', updated_by: 'forge:5b10:alice' });
    expect((await siteB().get('/settings')).body).toMatchObject({ llm_provider: null, llm_model: null });
    expect((await siteB().put('/settings', { llm_provider: 'skynet' })).body.error.details.field).toBe(
      'llm_provider',
    );

    const inputOf = async (client: ReturnType<typeof site>, body: Record<string, unknown>) => {
      const res = await client.post('/plan/stories/generate', { async_mode: true, ...body });
      expect(res.status, res.text).toBe(202);
      const done = await waitFor(async () => {
        const job = (await client.get(`/jobs/${res.body.job_id}`)).body;
        return job?.status === 'completed' ? job : undefined;
      });
      return done.result.echoed as Record<string, unknown>;
    };
    expect(await inputOf(siteA(), { epic_key: 'SET-1' })).toMatchObject({
      llm_provider: 'claude',
      llm_model: 'claude-sonnet-4-5',
    });
    expect(await inputOf(siteA(), { epic_key: 'SET-2', llm_provider: 'openai' })).toMatchObject({
      llm_provider: 'openai',
    });
    expect((await inputOf(siteB(), { epic_key: 'SET-1' })).llm_provider).toBeUndefined();
  });
});
