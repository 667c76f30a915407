/**
 * A public GitHub repository on a runner without GITHUB_TOKEN: validating it, planning (a preview of the
 * change), applying and verifying need no token, because reading a public repository needs none. Only
 * pushing the branch and opening the draft PR do, and the job says so instead of trying.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToAdf } from '../../runner/src/adapters/jira/adf.js';
import type { Runner } from '../../runner/src/server.js';
import { createOrigin, type Origin } from '../draft-pr/git-fixtures.js';
import { type GitHttpServer, startGitHttpServer } from '../draft-pr/git-http-server.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';
import { type ScmStub, startScmStub } from '../stubs/scm-stub.js';
import { untilStatus } from './setup.js';

const REPO_URL = 'https://github.com/acme/invoices';
let emu: Emulator;
let origin: Origin;
let git: GitHttpServer;
let scm: ScmStub;
let runner: Runner;
let prefix: string;
let c: ReturnType<typeof api>;

beforeAll(async () => {
  emu = await startEmulator({
    seed: {
      projects: [{ key: 'PUB', name: 'Public' }],
      issues: [
        {
          key: 'PUB-1',
          projectKey: 'PUB',
          issueType: 'Story',
          summary: 'Export invoices as CSV',
          description: markdownToAdf(
            'Finance needs a CSV export.\n\n## Acceptance criteria\n\n- Given invoices, when exported, then a CSV file is downloaded',
          ),
        },
      ],
    },
  });
  origin = createOrigin({ 'README.md': '# Invoices\n', 'package.json': '{"name":"invoices"}\n' }, 'invoices');
  git = await startGitHttpServer(origin.root, 'Basic nobody-has-this', { publicRead: true });
  scm = await startScmStub();
  const { email, apiToken } = emu.credentials.admin;
  const base = testEnv();
  const env = testEnv({
    QUEUE_PREFIX: base.QUEUE_PREFIX,
    DATA_DIR: base.DATA_DIR,
    DATABASE_PATH: join(base.DATA_DIR, 'augment.db'),
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    // No GITHUB_TOKEN; the PR API stand-in is there to show nobody calls it.
    GITHUB_API_URL: scm.url,
    DRAFT_PR_GIT_URL_REWRITES: JSON.stringify({ 'https://github.com/acme/': `${git.url}/` }),
    DRAFT_PR_TEST_COMMAND: 'test -f package.json',
  });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env);
  c = api(runner);
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await Promise.all([emu?.close(), git?.close(), scm?.close()]);
  origin?.cleanup();
  await cleanPrefix(prefix);
});

describe('a public repository without GITHUB_TOKEN', () => {
  it('validates the repository and previews the plan of a change without a token', async () => {
    const valid = await c.post('/validate/repo', { url: REPO_URL });
    expect(valid.body).toMatchObject({ valid: true, default_branch: 'main' });

    const created = await c.post('/draft-pr/create', { story_key: 'PUB-1', repos: [{ url: REPO_URL }] });
    expect(created.status, created.text).toBe(202);
    const waiting = await untilStatus(c, created.body.job_id, 'awaiting_approval');
    const plan = (await c.get(`/draft-pr/jobs/${waiting.job_id}/plan`)).body;
    expect(plan.plan_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.plan.scope.added).toEqual(['docs/changes/pub-1.md']);
    expect(git.requests.every((r) => !('authorization' in r.headers))).toBe(true);

    // Applying and verifying read the repository too; pushing and opening the PR need the token.
    await c.post(`/draft-pr/jobs/${waiting.job_id}/approve`, { plan_hash: plan.plan_hash });
    const failed = await untilStatus(c, waiting.job_id, 'failed');
    expect(failed).toMatchObject({ stage: 'DRAFT_PR', error: { code: 'scm_auth' } });
    expect(failed.error.message).toContain('GITHUB_TOKEN');
    expect(failed.error.message).toContain('public repository needs none');
    expect(failed.result.verification).toMatchObject({ passed: true });
    expect(git.requests.some((r) => r.url.includes('git-receive-pack'))).toBe(false);
    expect(scm.requests).toEqual([]);
  }, 120_000);
});
