/**
 * The API refuses code-aware requests it cannot serve before anything is enqueued or run: OpenCode off
 * or not configured (naming each missing variable), and repositories that may not be cloned.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AnyProcessor } from '../../runner/src/jobs/types.js';
import type { Runner } from '../../runner/src/server.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';

const runners: Runner[] = [];
const prefixes: string[] = [];

const CONFIGURED = {
  OPENCODE_ENABLED: 'true',
  OPENCODE_LLM_PROVIDER: 'openai',
  OPENCODE_OPENAI_API_KEY: 'sk-never-used-1234',
  OPENCODE_OPENAI_MODEL: 'gpt-5-mini',
};

const echo: AnyProcessor = async (input) => ({ echoed: input });

async function start(vars: Record<string, string>, role: 'api' | 'all' = 'api') {
  const env = testEnv(vars);
  prefixes.push(env.QUEUE_PREFIX);
  const r = await withRunner(env, { role, processorOverrides: { single: echo, task_generation: echo } });
  runners.push(r);
  return api(r);
}

/** Every endpoint that takes `repos`, with a minimal body. */
const REPO_ENDPOINTS = [
  { path: '/generate/single', body: { ticket_key: 'PROJ-1' } },
  { path: '/plan/tasks/generate', body: { story_keys: ['PROJ-2'] } },
  { path: '/analyze/story-coverage', body: { story_key: 'PROJ-3' } },
];

const GOOD_REPO = 'https://github.com/acme/billing.git';

async function nothingQueued(client: ReturnType<typeof api>) {
  const list = await client.get('/jobs');
  expect(list.status).toBe(200);
  expect(list.body.total).toBe(0);
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
});

describe('repos on a runner whose OpenCode configuration is incomplete', () => {
  it('answers 400 naming the missing key and model variables, in both modes, and queues nothing', async () => {
    const client = await start({ OPENCODE_ENABLED: 'true', OPENCODE_LLM_PROVIDER: 'openai' });
    for (const ep of REPO_ENDPOINTS) {
      for (const async_mode of [true, false]) {
        const r = await client.post(ep.path, { ...ep.body, async_mode, repos: [GOOD_REPO] });
        expect(r.status, `${ep.path} async=${async_mode}`).toBe(400);
        expect(r.body.error.code).toBe('opencode_not_configured');
        expect(r.body.error.message).toContain('OPENCODE_OPENAI_API_KEY');
        expect(r.body.error.message).toContain('OPENCODE_OPENAI_MODEL');
        expect(r.body.error.details.missing).toEqual(['OPENCODE_OPENAI_API_KEY', 'OPENCODE_OPENAI_MODEL']);
      }
    }
    await nothingQueued(client);
  });

  it('names the provider variable when no OpenCode provider is set, and never the main LLM settings', async () => {
    const client = await start({
      OPENCODE_ENABLED: 'true',
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-main-1234',
    });
    const r = await client.post('/generate/single', {
      ticket_key: 'PROJ-1',
      async_mode: true,
      repos: [GOOD_REPO],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toMatchObject({
      field: 'OPENCODE_LLM_PROVIDER',
      missing: ['OPENCODE_LLM_PROVIDER'],
    });
    await nothingQueued(client);
  });

  it('names the model variable of the chosen provider when only that one is missing', async () => {
    const client = await start({
      OPENCODE_ENABLED: 'true',
      OPENCODE_LLM_PROVIDER: 'claude',
      OPENCODE_ANTHROPIC_API_KEY: 'sk-ant-1234',
    });
    const r = await client.post('/plan/tasks/generate', {
      story_keys: ['PROJ-2'],
      async_mode: true,
      repos: [GOOD_REPO],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.missing).toEqual(['OPENCODE_ANTHROPIC_MODEL']);
    await nothingQueued(client);
  });

  it('still starts and serves requests without repos', async () => {
    const client = await start({ OPENCODE_ENABLED: 'true' }, 'all');
    const r = await client.post('/generate/single', { ticket_key: 'PROJ-1', async_mode: true });
    expect(r.status).toBe(202);
  });
});

describe('repos on a runner with OpenCode off', () => {
  it('answers 400 naming repos and OPENCODE_ENABLED instead of silently ignoring them', async () => {
    const client = await start({});
    const r = await client.post('/generate/single', {
      ticket_key: 'PROJ-1',
      async_mode: true,
      repos: [GOOD_REPO],
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'opencode_disabled',
      details: { field: 'repos', missing: ['OPENCODE_ENABLED'] },
    });
    await nothingQueued(client);
  });
});

describe('repository validation', () => {
  const refused: [string, unknown[]][] = [
    ['a file:// URL', ['file:///etc/passwd']],
    ['a local path', ['/srv/git/billing']],
    ['a loopback address', ['https://127.0.0.1/acme/billing.git']],
    ['localhost', ['ssh://git@localhost/acme/billing.git']],
    ['a link-local address', ['https://169.254.169.254/latest/meta-data']],
    ['plain http', ['http://github.com/acme/billing.git']],
    ['a host that is not configured', ['https://git.example.org/acme/billing.git']],
    ['credentials in the URL', ['https://bot:hunter22@github.com/acme/billing.git']],
    ['an option-like branch', [{ url: GOOD_REPO, branch: '--upload-pack=touch /tmp/x' }]],
    ['more repositories than OPENCODE_MAX_REPOS', Array.from({ length: 3 }, (_, i) => `${GOOD_REPO}${i}`)],
  ];

  it.each(refused)('answers 400 naming repos for %s and queues nothing', async (_what, repos) => {
    const client = await start({ ...CONFIGURED, OPENCODE_MAX_REPOS: '2' });
    for (const ep of REPO_ENDPOINTS) {
      const r = await client.post(ep.path, { ...ep.body, async_mode: true, repos });
      expect(r.status, ep.path).toBe(400);
      expect(r.body.error.code).toBe('invalid_repos');
      expect(r.body.error.details.field).toBe('repos');
      expect(r.body.error.message).toMatch(/repos|repositories/);
      expect(r.text).not.toContain('hunter22');
    }
    await nothingQueued(client);
  });

  it('queues a code-aware coverage analysis with async_mode and repos, as the spec documents it', async () => {
    const client = await start(CONFIGURED);
    const r = await client.post('/analyze/story-coverage', {
      story_key: 'PROJ-3',
      async_mode: true,
      repos: [GOOD_REPO],
      additional_context: 'Focus on the auth module',
    });
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', job_type: 'story_coverage', ticket_keys: ['PROJ-3'] });
    const job = await client.get(`/jobs/${r.body.job_id}`);
    expect(job.body.job_type).toBe('story_coverage');
    const again = await client.post('/analyze/story-coverage', {
      story_key: 'PROJ-3',
      async_mode: true,
      repos: [GOOD_REPO],
    });
    expect(again.status).toBe(409);
    expect(again.body.error.details.existing_job_id).toBe(r.body.job_id);
  });

  it('queues a request whose repositories are acceptable, in both spellings', async () => {
    const client = await start({ ...CONFIGURED, OPENCODE_ALLOWED_GIT_HOSTS: 'github.com,bitbucket.org' });
    const r = await client.post('/plan/tasks/generate', {
      story_keys: ['PROJ-2'],
      async_mode: true,
      repos: [GOOD_REPO, { url: 'git@bitbucket.org:acme/api.git', branch: 'develop' }],
    });
    expect(r.status).toBe(202);
    const list = await client.get('/jobs');
    expect(list.body.total).toBe(1);
  });
});
