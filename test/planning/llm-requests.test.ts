/**
 * What each planning call carries to the model, through the real routes (runner + queue + real Redis +
 * the emulator) and the real SDKs, against the scripted stand-in model (test/stubs/model-stand-in.ts)
 * that answers in each provider's wire format, refuses what the real service would refuse, and cuts an
 * answer longer than its cap.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER_TOKENS,
  taskPlanAnswerTokens,
  testsAnswerTokens,
} from '../../runner/src/planning/answer-size.js';
import { cleanPrefix } from '../helpers/runner.js';
import {
  ignoredByGemini,
  type ModelStandIn,
  type StandInCall,
  startModelStandIn,
} from '../stubs/model-stand-in.js';
import { finished, type Harness, startHarness } from './helpers.js';
import { LEDGER_TASK_DESCRIPTION, LOYALTY_ROWS, llmSeed, WAREHOUSE_ROWS } from './llm-seed.js';
import { fullSizeScript } from './plan-script.js';

let h: Harness;
let model: ModelStandIn;

const LOYALTY = LOYALTY_ROWS.map((_, i) => `LOY-${i + 2}`);
const planCalls = () => model.calls.filter((c) => c.schemaName?.startsWith('story_task'));

beforeAll(async () => {
  model = await startModelStandIn(fullSizeScript);
  h = await startHarness(llmSeed(), {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test-openai',
    OPENAI_BASE_URL: model.baseUrls.openai,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: model.baseUrls.claude,
    GEMINI_API_KEY: 'AIza-test',
    GEMINI_BASE_URL: model.baseUrls.gemini,
    KIMI_API_KEY: 'sk-test-kimi',
    KIMI_BASE_URL: model.baseUrls.kimi,
  });
});
afterAll(async () => {
  await h?.runner.stop();
  await h?.emu.close();
  await model?.close();
  if (h) await cleanPrefix(h.prefix);
});
afterEach(() => model.reset());

async function plan(body: Record<string, unknown>) {
  const res = await h.client.post('/plan/tasks/team-based', { epic_key: 'LOY-1', dry_run: true, ...body });
  expect(res.status, res.text).toBe(200);
  return res.body.result;
}

describe('the loyalty case on a large-context model', () => {
  it('sends each story its PRD row, the money rule, the epic goal and its four siblings, with the whole PRD', async () => {
    const r = await plan({ story_keys: LOYALTY, llm_model: 'gpt-4o' });
    expect(r.engine).toBe('llm');
    const calls = planCalls();
    expect(calls).toHaveLength(5);
    for (const call of calls) {
      expect(call.refused).toBeUndefined();
      expect(call.truncated).toBe(false);
      expect(call.user).toContain('All amounts are integer cents');
      expect(call.user).toContain('## Epic goal');
      expect(call.user).toContain('## The PRD as written');
    }
    for (const [i, row] of LOYALTY_ROWS.entries()) {
      const call = calls.find((c) => c.user.includes(`Break story LOY-${i + 2} `))!;
      expect(call.user).toContain(`Row ${i + 1} of the PRD's story table: ${row.title}`);
      const others = call.user.split('## Other stories of this epic')[1]!.split('\n## ')[0]!;
      for (const other of LOYALTY_ROWS.filter((o) => o !== row)) expect(others).toContain(other.title);
      expect(others).not.toContain(`LOY-${i + 2} ${row.title}`);
    }
    for (const s of r.stories) {
      expect(s.llm).toMatchObject({ calls: 1, split: false, provider: 'openai', model: 'gpt-4o' });
      expect(s.llm.context.builder).toMatchObject({ prd: 'whole' });
    }
  });
});

describe('a thirty-row PRD', () => {
  const story = 'WH-17';
  const row = WAREHOUSE_ROWS[15]!;

  it('reaches a 128k-context model whole', async () => {
    const res = await h.client.post('/plan/tasks/team-based', {
      story_keys: [story],
      epic_key: 'WH-1',
      llm_model: 'gpt-4o',
    });
    expect(res.status, res.text).toBe(200);
    const [call] = planCalls();
    expect(call!.user).toContain('## The PRD as written');
    for (const r of WAREHOUSE_ROWS) expect(call!.user).toContain(r.description);
    expect(res.body.result.stories[0].llm.context.builder).toMatchObject({ prd: 'whole', prd_row: 16 });
    expect(call!.truncated).toBe(false);
  });

  it("gives a small-context model the story's own row and the lines that concern it, within its window", async () => {
    const res = await h.client.post('/plan/tasks/team-based', {
      story_keys: [story],
      epic_key: 'WH-1',
      llm_provider: 'kimi',
      llm_model: 'moonshot-v1-8k',
    });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.engine).toBe('llm');
    const calls = planCalls();
    for (const call of calls) {
      expect(call.refused, call.refused).toBeUndefined();
      expect(call.promptTokens + call.maxOutputTokens).toBeLessThanOrEqual(8_192);
      expect(call.truncated).toBe(false);
      // What the story needs is always there: its row, the constraints, the goal.
      expect(call.user).toContain(`Row 16 of the PRD's story table: ${row.title}`);
      expect(call.user).toContain('Every pallet move is stored within 2 seconds');
      expect(call.user).not.toContain('## The PRD as written');
    }
    const first = calls[0]!;
    expect(first.user).toContain('PRD sections that concern this story (excerpt');
    // Its own row is in the excerpt; most other rows are not.
    const sent = WAREHOUSE_ROWS.filter((x) => first.user.includes(x.description));
    expect(sent).toContain(row);
    expect(sent.length).toBeLessThan(WAREHOUSE_ROWS.length);
    const report = r.stories[0].llm.context.builder;
    expect(report.prd).toBe('excerpt');
    expect(report.prd_lines.sent).toBeLessThan(report.prd_lines.total);
  });
});

describe('requests sized to their answer', () => {
  it('makes one call per story when its tasks and tests fit one answer, with a cap sized to that answer', async () => {
    const r = await plan({ story_keys: ['LOY-3'], llm_model: 'gpt-4o', coverage_level: 'standard' });
    const [call] = planCalls();
    expect(planCalls()).toHaveLength(1);
    const s = r.stories[0];
    expect(s.llm).toMatchObject({ calls: 1, split: false });
    const [req] = s.llm.requests;
    // The cap follows the expected answer (20% headroom), far below gpt-4o's 16,384.
    expect(call!.maxOutputTokens).toBe(Math.ceil(req.expected_output_tokens * 1.2));
    expect(call!.maxOutputTokens).toBeLessThan(16_384);
    // The full-size answer fits it.
    expect(call!.answerTokens).toBeGreaterThan(req.expected_output_tokens / 2);
    expect(call!.truncated).toBe(false);
    expect(call!.temperature).toBe(0.2);
  });

  it('splits a story whose tasks and tests do not fit one answer: tasks, then their tests per group, no call wasted', async () => {
    const r = await plan({ story_keys: ['LOY-3'], llm_model: 'gpt-3.5-turbo', coverage_level: 'standard' });
    const s = r.stories[0];
    expect(s.engine).toBe('llm');
    expect(s.llm.split).toBe(true);
    const calls = model.calls;
    expect(calls.map((c) => c.schemaName)).toEqual([
      'story_task_outline',
      ...Array(calls.length - 1).fill('story_task_tests'),
    ]);
    expect(s.llm.calls).toBe(calls.length);
    for (const c of calls) {
      expect(c.refused, c.refused).toBeUndefined();
      expect(c.truncated).toBe(false);
      expect(c.maxOutputTokens).toBeLessThanOrEqual(4_096);
    }
    // Every task's tests were asked for exactly once, in groups as large as one answer holds.
    const tests = s.llm.requests.filter((q: { purpose: string }) => q.purpose === 'tests');
    const asked = tests.flatMap((q: { tasks: string[] }) => q.tasks);
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked.length).toBeGreaterThanOrEqual(2);
    const sizes = tests.map((q: { tasks: string[] }) => q.tasks.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // The fewest calls that can hold them: as many tasks per call as one answer of this model holds.
    const perTask = testsAnswerTokens(1, 6) - ANSWER_TOKENS.envelope;
    const fitsPerCall = Math.floor((tests[0].answer_room_tokens - ANSWER_TOKENS.envelope) / perTask);
    expect(fitsPerCall).toBeGreaterThanOrEqual(1);
    expect(tests.length).toBe(Math.ceil(asked.length / fitsPerCall));
    // And one call could not have held tasks and tests together.
    expect(s.llm.requests[0].answer_room_tokens).toBeLessThan(taskPlanAnswerTokens(asked.length, 6));
    // The tests prompts carry each task's description and the criteria it covers.
    for (const c of calls.slice(1)) {
      expect(c.user).toContain('The service validates the request');
      expect(c.user).toMatch(/Covers:\n- /);
    }
    expect(s.tests_added_by_rules).toEqual([]);
  });

  it('reports calls, input and output tokens per story in the job result and in /metrics', async () => {
    const res = await h.client.post('/plan/tasks/team-based', {
      story_keys: ['LOY-2', 'LOY-4'],
      epic_key: 'LOY-1',
      llm_model: 'gpt-4.1',
      async_mode: true,
    });
    expect(res.status, res.text).toBe(202);
    const view = await finished(h, res.body.job_id);
    expect(view.status, view.error).toBe('completed');
    const byStory = view.result.llm_usage.by_story;
    for (const key of ['LOY-2', 'LOY-4']) {
      const mine = model.calls.filter((c) => c.user.includes(`story ${key} `));
      expect(byStory[key]).toEqual({
        calls: mine.length,
        input_tokens: mine.reduce((n, c) => n + c.promptTokens, 0),
        output_tokens: mine.reduce((n, c) => n + c.answerTokens, 0),
      });
      const summary = view.result.stories.find((s: { story_key: string }) => s.story_key === key);
      expect(summary.llm).toMatchObject({ calls: mine.length, input_tokens: byStory[key].input_tokens });
    }
    const metrics = await h.client.get('/metrics');
    const labels = 'provider="openai",model="gpt-4.1",kind="tasks"';
    expect(metrics.text).toContain(`augment_llm_story_plans_total{${labels}} 2`);
    expect(metrics.text).toContain(`augment_llm_story_calls_total{${labels}} 2`);
    const output = byStory['LOY-2'].output_tokens + byStory['LOY-4'].output_tokens;
    expect(metrics.text).toContain(`augment_llm_story_tokens_total{${labels},direction="output"} ${output}`);
  });
});

describe('tests the model leaves short', () => {
  it('says which tests the rules added instead of padding silently', async () => {
    model.script((call) => {
      const full = fullSizeScript(call) as { json: { tasks: { test_cases?: unknown[] }[] } };
      if (call.schemaName === 'story_task_plan')
        for (const t of full.json.tasks) t.test_cases = t.test_cases!.slice(0, 1);
      return full;
    });
    const r = await plan({ story_keys: ['LOY-3'], llm_model: 'gpt-4o', coverage_level: 'standard' });
    const s = r.stories[0];
    // The epic-wide audit trail under this story is the rules' own task, not one the model wrote.
    const epicWide = new Set(
      r.task_details
        .filter((t: { serves_stories: string[] | null }) => t.serves_stories)
        .map((t: { id: string }) => t.id),
    );
    expect(epicWide.size).toBe(1);
    expect(s.tests_added_by_rules.length).toBe(s.task_ids.filter((id: string) => !epicWide.has(id)).length);
    for (const a of s.tests_added_by_rules) {
      expect(a).toMatchObject({ model_cases: 1, range: { min: 3, max: 6 } });
      expect(a.added).toHaveLength(2);
    }
    expect(r.warnings.join('\n')).toMatch(
      /LOY-3: the model wrote 1 test case for ".+" \(3 to 6 wanted\); the rules added 2/,
    );
  });
});

describe('the tests prompt', () => {
  it("carries each task's description and the criteria it covers, with the coverage and domain rules", async () => {
    const res = await h.client.post('/plan/tests/comprehensive', {
      epic_key: 'LOY-1',
      coverage_level: 'basic',
      llm_model: 'gpt-4o',
    });
    expect(res.status, res.text).toBe(200);
    const call = model.calls.find((c) => c.schemaName === 'test_suite' && c.user.includes('story LOY-6 '))!;
    expect(call.user).toContain(LEDGER_TASK_DESCRIPTION);
    expect(call.user).toContain('Covers:\n- The CSV reconciles with the order totals');
    expect(call.user).toContain('Coverage rules:');
    expect(call.user).toMatch(/Domain rules \([^)]*financial/);
    expect(call.user).toContain('All amounts are integer cents');
  });
});

describe('each provider', () => {
  const cases: [string, string][] = [
    ['openai', 'gpt-4o'],
    ['openai', 'o3-pro'],
    ['claude', 'claude-sonnet-4-6'],
    ['claude', 'claude-sonnet-5-5'],
    ['claude', 'claude-opus-4-1'],
    ['gemini', 'gemini-2.5-flash'],
    ['kimi', 'moonshot-v1-128k'],
  ];
  it.each(cases)('plans through %s %s inside what that model accepts', async (provider, modelId) => {
    const r = await plan({ story_keys: ['LOY-2'], llm_provider: provider, llm_model: modelId });
    expect(r.engine, JSON.stringify(r.stories[0].fallback_reason)).toBe('llm');
    const calls: StandInCall[] = model.calls;
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.refused, c.refused).toBeUndefined();
      expect(c.truncated).toBe(false);
      expect(c.model).toBe(modelId);
      if (provider === 'gemini') expect(ignoredByGemini(c)).toEqual([]);
      if (provider === 'kimi') expect(c.system).toContain('"story_types"');
      else expect(c.schema).toBeDefined();
    }
    const wire = calls[0]!.wire;
    expect(wire).toBe(
      modelId === 'o3-pro'
        ? 'openai-responses'
        : provider === 'openai'
          ? 'openai-chat'
          : provider === 'claude'
            ? 'anthropic'
            : provider,
    );
    if (modelId === 'claude-opus-4-1') expect(calls[0]!.mode).toBe('tool');
    else if (provider === 'claude') expect(calls[0]!.mode).toBe('output_config');
  });
});

describe('provider and temperature choices', () => {
  it('shows on GET /models what the runner assumes for each configured model', async () => {
    const res = await h.client.get('/models');
    expect(res.status).toBe(200);
    const kimi = res.body.providers.find((p: { provider: string }) => p.provider === 'kimi');
    expect(kimi).toMatchObject({
      model: 'moonshot-v1-8k',
      configured: true,
      context_window: 8_192,
      structured_output: 'json_object',
      known: 'catalog',
      temperature: 0.2,
      warnings: [],
    });
    const openai = res.body.providers.find((p: { provider: string }) => p.provider === 'openai');
    expect(openai).toMatchObject({ model: 'gpt-5-mini', context_window: 400_000, temperature: null });
  });

  it('accepts llm_provider "rules" and makes no model call', async () => {
    const r = await plan({ story_keys: ['LOY-2'], llm_provider: 'rules' });
    expect(r.engine).toBe('rules');
    expect(model.calls).toHaveLength(0);
    const tests = await h.client.post('/plan/tests/story', { story_key: 'LOY-2', llm_provider: 'rules' });
    expect(tests.status, tests.text).toBe(200);
    expect(tests.body.engine).toBe('rules');
    expect(model.calls).toHaveLength(0);
  });

  it('plans at temperature 0.2 by default and takes llm_temperature per request', async () => {
    await plan({ story_keys: ['LOY-2'], llm_model: 'gpt-4o', llm_temperature: 0 });
    expect(model.calls.map((c) => c.temperature)).toEqual([0]);
    const bad = await h.client.post('/plan/tasks/team-based', { story_keys: ['LOY-2'], llm_temperature: 3 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('llm_temperature');
  });
});
