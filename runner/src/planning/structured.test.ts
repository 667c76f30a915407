import type { Story } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import type { LlmResult } from '../adapters/llm/index.js';
import { LlmOutputError } from '../adapters/llm/index.js';
import type { JobContext } from '../jobs/types.js';
import { describeTicket, generateStoryTasks, type TaskOptions } from './generate.js';

const story: Story = {
  key: 'INV-7',
  title: 'Invoice list',
  description: 'As an accountant, I want to see invoices filtered by status.',
  acceptance_criteria: [
    'Filtering by status shows only invoices with that status',
    'The list loads within 2 seconds',
  ],
};
const opts: TaskOptions = { max_task_cycle_days: 3, include_tests: true, coverage_level: 'standard' };
const tc = (title: string) => ({
  title,
  type: 'unit',
  description: '',
  steps: ['run'],
  expected_result: 'ok',
  covers_criterion: null,
  priority: 'medium',
});
const task = (ref: string, team: string, depends_on: string[]) => ({
  ref,
  summary: `${team} work for the invoice list`,
  description: 'From the code.',
  team,
  estimate_days: 1,
  depends_on,
  covers_criteria: [],
  test_cases: [tc(`${ref} a`), tc(`${ref} b`), tc(`${ref} c`)],
});
const codePlan = {
  story_types: ['api', 'ui'],
  tasks: [task('T1', 'backend', []), task('T2', 'frontend', ['T1']), task('T3', 'qa', ['T2'])],
};
const noop = () => {};
const log = {
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  child: () => log,
} as unknown as JobContext['log'];

interface Fakes {
  openCodeEnabled?: boolean;
  llm?: (req: {
    schemaName: string;
    fallback?: (i: { reason: string }) => unknown;
  }) => Promise<LlmResult<unknown>>;
}

function fakeCtx(f: Fakes) {
  const seen = { opencode: [] as { prompt: string; repos: unknown }[], llm: [] as string[] };
  const ctx = {
    jobId: 'job-1',
    attempt: 1,
    signal: new AbortController().signal,
    progress: async () => {},
    log,
    usage: [],
    enqueue: async () => ({ job_id: 'x' }),
    llm: {
      isConfigured: () => true,
      generate: async (req: { schemaName: string; fallback?: (i: { reason: string }) => unknown }) => {
        seen.llm.push(req.schemaName);
        if (f.llm) return f.llm(req);
        return {
          data: await req.fallback!({ reason: 'test' }),
          engine: 'rules',
          fallback_reason: 'test',
          provider: 'none',
          model: null,
          usage: { input_tokens: 0, output_tokens: 0 },
          duration_ms: 0,
        };
      },
    },
    services: {
      openCode: {
        enabled: f.openCodeEnabled ?? false,
        run: async (o: { prompt: string; repos: unknown; resultSchema: { parse(v: unknown): unknown } }) => {
          seen.opencode.push({ prompt: o.prompt, repos: o.repos });
          const result = o.prompt.includes('Break story')
            ? codePlan
            : {
                summary: 'Invoice list',
                description_markdown: '## Context\nFrom the code.',
                acceptance_criteria: ['The list pages by 50'],
                technical_notes: [],
              };
          return { result: o.resultSchema.parse(result), sessionId: 's-1', repos: [], durationMs: 5 };
        },
      },
    },
  } as unknown as JobContext;
  return { ctx, seen };
}

describe('where a planning generation runs', () => {
  it('runs task generation in OpenCode against the repos when code-aware generation is on', async () => {
    const { ctx, seen } = fakeCtx({ openCodeEnabled: true });
    const out = await generateStoryTasks(ctx, story, opts, { repos: ['https://github.com/acme/billing'] });
    expect(out.engine).toBe('opencode');
    expect(seen.llm).toEqual([]);
    expect(seen.opencode).toHaveLength(1);
    expect(seen.opencode[0]!.repos).toEqual(['https://github.com/acme/billing']);
    // The story is fenced as data in the prompt.
    expect(seen.opencode[0]!.prompt).toContain('<story>');
    expect(out.tasks.map((t) => t.team)).toEqual(['backend', 'frontend', 'qa']);
  });

  it('runs a ticket description in OpenCode too, and keeps an acceptance criteria section', async () => {
    const { ctx } = fakeCtx({ openCodeEnabled: true });
    const out = await describeTicket(
      ctx,
      { key: 'INV-7', summary: 'Invoice list', description: '' },
      { repos: ['r'] },
    );
    expect(out.engine).toBe('opencode');
    expect(out.data.description_markdown).toContain('## Acceptance criteria\n\n- The list pages by 50');
  });

  it('uses the LLM facade when OpenCode is off, even with repos', async () => {
    const { ctx, seen } = fakeCtx({ openCodeEnabled: false });
    const out = await generateStoryTasks(ctx, story, opts, { repos: ['r'] });
    expect(seen.opencode).toEqual([]);
    expect(seen.llm).toEqual(['story_task_plan']);
    expect(out.engine).toBe('rules');
    expect(out.tasks.length).toBeGreaterThan(2);
    // Rule-based tasks carry the team dependencies themselves; nothing is proposed.
    expect(out.proposed).toEqual([]);
    expect(out.tasks.some((t) => t.depends_on_tasks.length > 0)).toBe(true);
  });

  it('falls back to the rules when the model answers twice with an unusable plan', async () => {
    const { ctx } = fakeCtx({
      llm: async () => {
        throw new LlmOutputError('story_task_plan', 'openai', 'gpt-5-mini', 'tasks: required');
      },
    });
    const out = await generateStoryTasks(ctx, story, opts, {});
    expect(out.engine).toBe('rules');
    expect(out.fallback_reason).toContain('did not match');
    expect(out.tasks.length).toBeGreaterThan(2);
  });
});
