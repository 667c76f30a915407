/**
 * Code-aware generation through the real runner: a queued job whose processor calls `runCodeAware`, the
 * real `opencode serve` binary in local-process mode, and the scripted OpenAI-compatible stand-in.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepoSpec } from '@augment/shared';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createProcessDriver,
  type SandboxDriver,
  type SandboxHandle,
} from '../../runner/src/adapters/opencode/index.js';
import { codeAwareEnabled, runCodeAware } from '../../runner/src/code-aware/code-aware.js';
import type { AnyProcessor } from '../../runner/src/jobs/types.js';
import type { Runner } from '../../runner/src/server.js';
import { api, cleanPrefix, REDIS_URL, testEnv, waitFor, withRunner } from '../helpers/runner.js';
import { makeRepo } from '../opencode/git-fixture.js';
import {
  type ChatRequest,
  type Reply,
  type StandIn,
  startLlmStandIn,
  textOf,
} from '../opencode/llm-stand-in.js';

const API_KEY = 'sk-code-aware-secret-0815';
const TicketDescription = z.object({
  summary: z.string(),
  files: z.array(z.string()).min(1),
});

let root: string;
let repoDir: string;
let standIn: StandIn | undefined;
let runner: Runner | undefined;
const prefixes: string[] = [];
const redis = new Redis(REDIS_URL);

/** The processor of `single` in these tests: OpenCode when enabled with repos, else a marker. */
const codeAwareSingle: AnyProcessor = async (input: { ticket_key: string; repos?: RepoSpec[] }, ctx) => {
  if (!codeAwareEnabled(ctx, input.repos)) return { engine: 'rules' };
  return runCodeAware(ctx, {
    prompt: `Write the description of ${input.ticket_key}, naming the files to change.`,
    repos: input.repos ?? [],
    schema: TicketDescription,
    schemaName: 'TicketDescription',
  });
};

function promptFacts(req: ChatRequest) {
  const user = req.messages
    .filter((m) => m.role === 'user')
    .map((m) => textOf(m.content))
    .join('\n');
  return {
    resultPath: user.match(/JSON document to (\S+) using/)?.[1],
    clone: user.match(/^- (\/\S+) \(cloned from/m)?.[1],
  };
}

/** Whether any process of the group still runs (zombies do not count). */
function isAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // ended while we looked
    }
  }
  return false;
}

async function start(script: (req: ChatRequest) => Reply, driver?: SandboxDriver) {
  standIn = await startLlmStandIn(script);
  const env = testEnv({
    OPENCODE_ENABLED: 'true',
    OPENCODE_DRIVER: 'process',
    OPENCODE_LLM_PROVIDER: 'openai',
    OPENCODE_OPENAI_API_KEY: API_KEY,
    OPENCODE_OPENAI_MODEL: 'stand-in-model',
    OPENCODE_OPENAI_BASE_URL: standIn.url,
    OPENCODE_TIMEOUT: '2',
  });
  prefixes.push(env.QUEUE_PREFIX);
  runner = await withRunner(env, {
    processorOverrides: { single: codeAwareSingle },
    openCodeHooks: {
      unsafeAllowLocalOrigins: true,
      workRoot: join(root, 'work'),
      ...(driver ? { driver } : {}),
    },
  });
  return { client: api(runner), prefix: env.QUEUE_PREFIX };
}

const workLeft = () => {
  try {
    return readdirSync(join(root, 'work'));
  } catch {
    return [];
  }
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'augment-code-aware-'));
  repoDir = makeRepo(join(root, 'origin', 'billing-service'), {
    'src/billing.ts':
      'export function chargeCustomer(id: string, cents: number) {\n  return { id, cents };\n}\n',
  });
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await standIn?.close();
  standIn = undefined;
});

afterAll(async () => {
  await Promise.all(prefixes.map(cleanPrefix));
  await redis.quit();
  rmSync(root, { recursive: true, force: true });
});

describe('code-aware generation in a worker job', () => {
  it('runs OpenCode over the job repositories and stores the checked answer as the job result', async () => {
    const slotsDuringRun: number[] = [];
    let slotKey = '';
    const { client, prefix } = await start((req) => {
      if (!req.tools?.length) return { kind: 'text', text: 'A title' };
      const { resultPath, clone } = promptFacts(req);
      const results = req.messages.filter((m) => m.role === 'tool');
      if (results.length === 0) {
        void redis.zcard(slotKey).then((n) => slotsDuringRun.push(n));
        return { kind: 'tools', calls: [{ name: 'read', args: { filePath: `${clone}/src/billing.ts` } }] };
      }
      if (results.length === 1) {
        const read = textOf(results[0]?.content);
        const summary = read.includes('chargeCustomer') ? 'Make chargeCustomer idempotent' : 'NOT READ';
        const content = JSON.stringify({ summary, files: ['billing-service/src/billing.ts'] });
        return { kind: 'tools', calls: [{ name: 'write', args: { filePath: resultPath, content } }] };
      }
      return { kind: 'text', text: 'Done.' };
    });
    slotKey = `${prefix}:opencode:slots`;

    const queued = await client.post('/generate/single', {
      ticket_key: 'BILL-7',
      async_mode: true,
      repos: [repoDir],
    });
    expect(queued.status).toBe(202);
    const job = await waitFor(async () => {
      const r = await client.get(`/jobs/${queued.body.job_id}`);
      return ['completed', 'failed'].includes(r.body?.status) ? r.body : undefined;
    }, 90_000);

    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({
      data: { summary: 'Make chargeCustomer idempotent', files: ['billing-service/src/billing.ts'] },
      engine: 'opencode',
      repos: [{ url: repoDir }],
    });
    expect(typeof job.result.session_id).toBe('string');
    expect(job.result.duration_ms).toBeGreaterThan(0);
    expect(job.progress).toMatchObject({ stage: 'opencode done', percent: 100 });
    // The slot came from the Redis semaphore shared by all workers, and was given back.
    expect(slotsDuringRun).toEqual([1]);
    expect(await redis.zcard(slotKey)).toBe(0);
    expect(standIn?.authHeaders).toContain(`Bearer ${API_KEY}`);
    expect(JSON.stringify(job)).not.toContain(API_KEY);
    expect(workLeft()).toEqual([]);
  }, 120_000);

  it('kills OpenCode and leaves no workspace when the job is cancelled with DELETE /jobs/{id}', async () => {
    const handles: SandboxHandle[] = [];
    const base = createProcessDriver();
    const recording: SandboxDriver = {
      ...base,
      start: async (job) => {
        const h = await base.start(job);
        handles.push(h);
        return h;
      },
    };
    let modelCalled!: () => void;
    const called = new Promise<void>((r) => {
      modelCalled = r;
    });
    const { client } = await start(() => {
      modelCalled();
      return { kind: 'hang' };
    }, recording);

    const queued = await client.post('/generate/single', {
      ticket_key: 'BILL-8',
      async_mode: true,
      repos: [repoDir],
    });
    expect(queued.status).toBe(202);
    await called;
    expect(workLeft()).toHaveLength(1);
    const pid = handles[0]?.info.pid as number;
    expect(isAlive(pid)).toBe(true);

    const del = await client.del(`/jobs/${queued.body.job_id}`);
    expect([200, 202]).toContain(del.status);
    const job = await waitFor(async () => {
      const r = await client.get(`/jobs/${queued.body.job_id}`);
      return ['cancelled', 'failed', 'completed'].includes(r.body?.status) ? r.body : undefined;
    }, 60_000);

    expect(job.status).toBe('cancelled');
    expect(job.attempts_made).toBeLessThanOrEqual(1);
    expect(isAlive(pid)).toBe(false);
    expect(workLeft()).toEqual([]);
  }, 120_000);
});
