/**
 * The stored task plan of a story meets a request with new `repos`: the code-aware generation runs (the
 * real `opencode serve` in local-process mode, answered by the scripted model stand-in) instead of the
 * plan stored by the earlier rule-based run, and the result says why. A later request with the same
 * repositories reuses the plan that run stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { api, cleanPrefix, testEnv, withRunner } from '../helpers/runner.js';
import { makeRepo } from '../opencode/git-fixture.js';
import {
  type ChatRequest,
  type Reply,
  type StandIn,
  startLlmStandIn,
  textOf,
} from '../opencode/llm-stand-in.js';
import { finished, type Harness } from './helpers.js';

const STORY = 'REP-2';
const CODE_TASK = 'Make chargeCustomer idempotent in billing.ts';

let root: string;
let repoDir: string;
let standIn: StandIn;
let emu: Emulator;
let runner: Runner;
let h: Harness;

/** OpenCode's model: writes a one-task plan naming the function it was asked about into the result file. */
function script(req: ChatRequest): Reply {
  if (!req.tools?.length) return { kind: 'text', text: 'A title' };
  const user = req.messages
    .filter((m) => m.role === 'user')
    .map((m) => textOf(m.content))
    .join('\n');
  const resultPath = user.match(/JSON document to (\S+) using/)?.[1];
  if (req.messages.some((m) => m.role === 'tool')) return { kind: 'text', text: 'Done.' };
  const plan = {
    story_types: ['api'],
    tasks: [
      {
        ref: 'T1',
        summary: CODE_TASK,
        description: 'Charge once per idempotency key in src/billing.ts.',
        team: 'backend',
        estimate_days: 2,
        depends_on: [],
        covers_criteria: [],
        test_cases: [],
      },
    ],
  };
  return {
    kind: 'tools',
    calls: [{ name: 'write', args: { filePath: resultPath, content: JSON.stringify(plan) } }],
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'augment-stored-repos-'));
  repoDir = makeRepo(join(root, 'origin', 'billing-service'), {
    'src/billing.ts':
      'export function chargeCustomer(id: string, cents: number) {\n  return { id, cents };\n}\n',
  });
  standIn = await startLlmStandIn(script);
  emu = await startEmulator({
    seed: {
      projects: [{ key: 'REP', name: 'Billing' }],
      issues: [
        { key: 'REP-1', projectKey: 'REP', issueType: 'Epic', summary: 'Billing' },
        {
          key: STORY,
          projectKey: 'REP',
          issueType: 'Story',
          parentKey: 'REP-1',
          summary: 'Charge a customer once per order',
          description: 'As a shop I charge a customer once per order, even when the request is retried.',
        },
      ],
    },
  });
  const { email, apiToken } = emu.credentials.admin;
  const env = testEnv({
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    OPENCODE_ENABLED: 'true',
    OPENCODE_DRIVER: 'process',
    OPENCODE_LLM_PROVIDER: 'openai',
    OPENCODE_OPENAI_API_KEY: 'sk-stored-repos-0815',
    OPENCODE_OPENAI_MODEL: 'stand-in-model',
    OPENCODE_OPENAI_BASE_URL: standIn.url,
    OPENCODE_TIMEOUT: '2',
  });
  runner = await withRunner(env, {
    openCodeHooks: { unsafeAllowLocalOrigins: true, workRoot: join(root, 'work') },
  });
  h = { emu, runner, client: api(runner), prefix: env.QUEUE_PREFIX };
});

afterAll(async () => {
  await runner?.stop();
  await emu?.close();
  await standIn?.close();
  if (h) await cleanPrefix(h.prefix);
  rmSync(root, { recursive: true, force: true });
});

describe('a stored plan and a request with new repos', () => {
  it('stores the rule-based plan of a real run and reuses it for the same request', async () => {
    const first = await h.client.post('/plan/tasks/create', { story_keys: [STORY], dry_run: false });
    expect(first.status, first.text).toBe(200);
    expect(first.body.result.engine).toBe('rules');
    expect(first.body.result.stories[0].stored_plan.used).toBe(false);
    const again = await h.client.post('/plan/tasks/create', { story_keys: [STORY], dry_run: false });
    expect(again.body.result.engine).toBe('stored');
    expect(again.body.result.stories[0].stored_plan).toMatchObject({ used: true });
  });

  it('runs the code-aware generation for new repos instead of answering from the stored plan', async () => {
    const queued = await h.client.post('/plan/tasks/generate', {
      story_keys: [STORY],
      repos: [repoDir],
      dry_run: false,
      async_mode: true,
    });
    expect(queued.status, queued.text).toBe(202);
    const job = await finished(h, queued.body.job_id, 120_000);
    expect(job.status, job.error).toBe('completed');
    const r = job.result;
    expect(r.engine).toBe('opencode');
    expect(standIn.requests.length).toBeGreaterThan(0);
    expect(r.task_details.map((t: { summary: string }) => t.summary)).toContain(CODE_TASK);
    const use = r.stories[0].stored_plan;
    expect(use.used).toBe(false);
    expect(use.changed).toEqual(['repos', 'generator']);
    expect(use.reason).toContain(`no repos -> repos ${repoDir}`);
    expect(r.warnings.join('\n')).toContain('a new plan was made');

    // The same request again answers from the plan that run stored: OpenCode is not asked twice.
    const asked = standIn.requests.length;
    const same = await h.client.post('/plan/tasks/generate', { story_keys: [STORY], repos: [repoDir] });
    expect(same.status, same.text).toBe(200);
    expect(same.body.result.engine).toBe('stored');
    expect(same.body.result.stories[0].stored_plan.used).toBe(true);
    expect(standIn.requests.length).toBe(asked);
  }, 150_000);
});
