/**
 * The real `opencode serve` binary in local-process mode, driven by a scripted OpenAI-compatible
 * stand-in: OpenCode reads a file of a real local git repository through its read tool and writes
 * result.json through its write tool.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createProcessDriver,
  type OpenCodeConfig,
  type OpenCodeProgress,
  type OpenCodeRuntime,
  openCodeConfigFromEnv,
  runOpenCode,
  type SandboxDriver,
  type SandboxHandle,
} from '../../runner/src/adapters/opencode/index.js';
import { parseEnv } from '../../runner/src/env.js';
import { createLogger } from '../../runner/src/logger.js';
import { makeRepo } from './git-fixture.js';
import { type ChatRequest, type Reply, type StandIn, startLlmStandIn, textOf } from './llm-stand-in.js';

const API_KEY = 'sk-standin-secret-key-4711';
const TaskBreakdown = z.object({
  tasks: z.array(z.object({ title: z.string(), team: z.string(), files: z.array(z.string()).min(1) })).min(1),
});

let root: string;
let repoDir: string;
const handles: SandboxHandle[] = [];
let standIn: StandIn | undefined;

/** Whether any process of the group still runs (zombies waiting for a reaper do not count). */
function isAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

/** Where the prompt says the result goes and where the repository was cloned. */
function promptFacts(req: ChatRequest) {
  const user = req.messages
    .filter((m) => m.role === 'user')
    .map((m) => textOf(m.content))
    .join('\n');
  const resultPath = user.match(/JSON document to (\S+) using/)?.[1];
  const clone = user.match(/^- (\/\S+) \(cloned from/m)?.[1];
  return { resultPath, clone };
}

const toolResults = (req: ChatRequest) => req.messages.filter((m) => m.role === 'tool');

/** read src/billing.ts, then write `content(fileText)` to result.json, then say done. */
function readThenWrite(content: (fileText: string) => string) {
  return (req: ChatRequest): Reply => {
    if (!req.tools?.length) return { kind: 'text', text: 'A title' };
    const { resultPath, clone } = promptFacts(req);
    const done = toolResults(req);
    if (done.length === 0)
      return { kind: 'tools', calls: [{ name: 'read', args: { filePath: `${clone}/src/billing.ts` } }] };
    if (done.length === 1) {
      return {
        kind: 'tools',
        calls: [
          { name: 'write', args: { filePath: resultPath, content: content(textOf(done[0]?.content)) } },
        ],
      };
    }
    return { kind: 'text', text: 'Done.' };
  };
}

async function setup(script: (req: ChatRequest, i: number) => Reply, tweak: Partial<OpenCodeConfig> = {}) {
  standIn = await startLlmStandIn(script);
  const env = parseEnv({
    OPENCODE_LLM_PROVIDER: 'openai',
    OPENCODE_OPENAI_API_KEY: API_KEY,
    OPENCODE_OPENAI_MODEL: 'stand-in-model',
    OPENCODE_OPENAI_BASE_URL: standIn.url,
    OPENCODE_TIMEOUT: '2',
    OPENCODE_DEBUG_LOGGING: 'true',
    OPENCODE_LOG_DIR: join(root, 'logs'),
  });
  const config = { ...openCodeConfigFromEnv(env), ...tweak };
  const base = createProcessDriver();
  const driver: SandboxDriver = {
    ...base,
    start: async (job) => {
      const h = await base.start(job);
      handles.push(h);
      return h;
    },
  };
  const rt: OpenCodeRuntime = {
    config,
    driver,
    log: createLogger('silent'),
    workRoot: join(root, 'work'),
    unsafeAllowLocalOrigins: true,
  };
  return rt;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'augment-opencode-e2e-'));
  repoDir = makeRepo(join(root, 'origin', 'billing-service'), {
    'README.md': '# Billing service\n',
    'src/billing.ts':
      'export function chargeCustomer(id: string, cents: number) {\n  return { id, cents };\n}\n',
  });
});

afterEach(async () => {
  for (const h of handles.splice(0)) await h.stop();
  await standIn?.close();
  standIn = undefined;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const workLeft = () => {
  try {
    return readdirSync(join(root, 'work'));
  } catch {
    return [];
  }
};

describe('runOpenCode with the real opencode binary (local process)', () => {
  it('produces a task breakdown from a real local git repository and cleans up', async () => {
    const rt = await setup(
      readThenWrite((fileText) =>
        JSON.stringify({
          tasks: [
            {
              title: fileText.includes('chargeCustomer')
                ? 'Add idempotency to chargeCustomer'
                : 'FILE NOT READ',
              team: 'backend',
              files: ['billing-service/src/billing.ts'],
            },
          ],
        }),
      ),
    );
    const progress: OpenCodeProgress[] = [];
    const out = await runOpenCode(
      {
        jobId: 'job-e2e-1',
        prompt: 'Break the story "Charge customers exactly once" into implementation tasks.',
        repos: [repoDir],
        resultSchema: TaskBreakdown,
        onProgress: (p) => {
          progress.push(p);
        },
      },
      rt,
    );

    expect(out.result.tasks[0]?.title).toBe('Add idempotency to chargeCustomer');
    expect(out.repos).toEqual([{ url: repoDir, dir: 'billing-service' }]);
    // OpenCode really read the cloned file and sent it back to the model.
    const second = standIn?.requests.find((r) => toolResults(r).length === 1);
    expect(textOf(toolResults(second as ChatRequest)[0]?.content)).toContain(
      'export function chargeCustomer',
    );
    // The OpenCode-specific key reached the provider; Agents.md reached the system prompt.
    expect(standIn?.authHeaders).toContain(`Bearer ${API_KEY}`);
    const system = textOf(standIn?.requests[0]?.messages.find((m) => m.role === 'system')?.content);
    expect(JSON.stringify(standIn?.requests[0]?.messages)).toContain(
      'OpenCode MCP integration (added by Augment)',
    );
    expect(system.length).toBeGreaterThan(0);

    const stages = progress.map((p) => p.stage);
    expect(stages).toEqual(
      expect.arrayContaining(['queued', 'cloning', 'starting', 'running', 'reading_result', 'done']),
    );
    expect(progress.some((p) => p.stage === 'running' && /read/.test(p.message))).toBe(true);

    const pid = handles[0]?.info.pid as number;
    expect(isAlive(pid)).toBe(false);
    expect(workLeft()).toEqual([]);

    const json = readFileSync(out.debugLog?.jsonPath as string, 'utf8');
    const text = readFileSync(out.debugLog?.logPath as string, 'utf8');
    expect(JSON.parse(json)).toMatchObject({ job_id: 'job-e2e-1', status: 'succeeded' });
    expect(text).toContain('OpenCode Conversation Log - Job: job-e2e-1');
    expect(json).not.toContain(API_KEY);
    expect(text).not.toContain(API_KEY);
  }, 120_000);

  it('kills OpenCode and removes the workspace when the run times out', async () => {
    let sawRequest = false;
    const rt = await setup(
      () => {
        sawRequest = true;
        return { kind: 'hang' };
      },
      { timeoutMs: 40_000 },
    );
    const err = await runOpenCode(
      { jobId: 'job-timeout', prompt: 'hang', repos: [repoDir], resultSchema: TaskBreakdown },
      rt,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'OpenCodeError', code: 'opencode_timeout' });
    expect(sawRequest).toBe(true);
    expect(isAlive(handles[0]?.info.pid as number)).toBe(false);
    expect(workLeft()).toEqual([]);
    // Debug logs are kept for failed runs.
    const log = JSON.parse(readFileSync(join(root, 'logs', 'job-timeout.json'), 'utf8'));
    expect(log.status).toBe('failed');
  }, 120_000);

  it('kills OpenCode and removes the workspace when the job is cancelled', async () => {
    const cancel = new AbortController();
    const rt = await setup(() => {
      setTimeout(() => cancel.abort(), 50);
      return { kind: 'hang' };
    });
    const err = await runOpenCode(
      {
        jobId: 'job-cancel',
        prompt: 'hang',
        repos: [repoDir],
        resultSchema: TaskBreakdown,
        signal: cancel.signal,
      },
      rt,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(isAlive(handles[0]?.info.pid as number)).toBe(false);
    expect(workLeft()).toEqual([]);
    expect(JSON.parse(readFileSync(join(root, 'logs', 'job-cancel.json'), 'utf8')).status).toBe('cancelled');
  }, 120_000);

  it('reports result.json that is not JSON as a clear job error', async () => {
    const rt = await setup(readThenWrite(() => '{"tasks": [ this is not json'));
    const err = await runOpenCode(
      { jobId: 'job-badjson', prompt: 'x', repos: [repoDir], resultSchema: TaskBreakdown },
      rt,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'result_invalid_json' });
    expect(String((err as Error).message)).toMatch(/result\.json is not valid JSON/);
    expect(workLeft()).toEqual([]);
  }, 120_000);

  it('reports result.json that breaks the schema with the offending field', async () => {
    const rt = await setup(
      readThenWrite(() => JSON.stringify({ tasks: [{ title: 'x', team: 'backend', files: [] }] })),
    );
    const err = await runOpenCode(
      { jobId: 'job-schema', prompt: 'x', repos: [repoDir], resultSchema: TaskBreakdown },
      rt,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'result_invalid' });
    expect(String((err as Error).message)).toContain('files');
  }, 120_000);

  it('refuses an oversized result.json', async () => {
    const rt = await setup(
      readThenWrite(() =>
        JSON.stringify({ tasks: [{ title: 'x'.repeat(5000), team: 'backend', files: ['a'] }] }),
      ),
      { maxResultBytes: 1024 },
    );
    const err = await runOpenCode(
      { jobId: 'job-big', prompt: 'x', repos: [repoDir], resultSchema: TaskBreakdown },
      rt,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'result_too_large' });
    expect(workLeft()).toEqual([]);
  }, 120_000);

  it('reports a sandbox that dies mid-run as a crash and still cleans up', async () => {
    const rt = await setup(() => {
      const pid = handles[0]?.info.pid;
      if (pid) setTimeout(() => process.kill(pid, 'SIGKILL'), 50);
      return { kind: 'hang' };
    });
    const err = await runOpenCode(
      { jobId: 'job-crash', prompt: 'x', repos: [repoDir], resultSchema: TaskBreakdown },
      rt,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'sandbox_crashed' });
    expect(String((err as Error).message)).toContain('SIGKILL');
    expect(isAlive(handles[0]?.info.pid as number)).toBe(false);
    expect(workLeft()).toEqual([]);
  }, 120_000);

  it('refuses invalid repositories before starting anything', async () => {
    const rt = await setup(() => ({ kind: 'text', text: 'unused' }));
    const err = await runOpenCode(
      {
        jobId: 'job-bad-repo',
        prompt: 'x',
        repos: ['https://169.254.169.254/latest'],
        resultSchema: TaskBreakdown,
      },
      { ...rt, unsafeAllowLocalOrigins: false },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_repos', status: 400 });
    expect(handles).toHaveLength(0);
    expect(standIn?.requests).toHaveLength(0);
  });
});
