/**
 * Planning end to end with an LLM (the OpenAI stand-in answers the planning schemas): runner + queue +
 * real Redis + the emulator, for the eight-story invoicing epic. One model call per story returns its
 * tasks with their test cases; the model's links are validated (a cycle is dropped); a job whose link
 * writes fail is retried by the queue and creates nothing twice; a re-run reuses the stored plans.
 * Tests run in order and build on each other.
 */
import { generateStoriesForEpic } from '@augment/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INVOICING_EPIC_SUMMARY,
  INVOICING_PRD,
  INVOICING_RFC,
} from '../../shared/src/planning/fixtures/invoicing-prd.js';
import { cleanPrefix } from '../helpers/runner.js';
import { type StubServer, startOpenAiStub } from '../stubs/index.js';
import {
  adfText,
  blocksLinks,
  childrenIn,
  finished,
  type Harness,
  startHarness,
  typeName,
} from './helpers.js';
import { planningResponder, schemaOf } from './llm-stand-in.js';
import { planningSeed } from './seed.js';

const EPIC = 'LLM-1';
let h: Harness;
let stub: StubServer;
let storyKeys: string[] = [];
const stories = generateStoriesForEpic({
  epic_summary: INVOICING_EPIC_SUMMARY,
  prd_text: INVOICING_PRD,
  rfc_text: INVOICING_RFC,
});
const calls = (schema: string) => stub.requests.filter((r) => schemaOf(r) === schema);

beforeAll(async () => {
  stub = await startOpenAiStub({ responder: planningResponder(stories, 'none') });
  h = await startHarness(planningSeed('LLM'), {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: stub.baseUrl,
  });
});
afterAll(async () => {
  await h?.runner.stop();
  await h?.emu.close();
  await stub?.close();
  if (h) await cleanPrefix(h.prefix);
});

describe('planning with a model', () => {
  it('creates the stories the model wrote, from the epic, PRD and RFC sent as data', async () => {
    const res = await h.client.post('/plan/stories/generate', { epic_key: EPIC, dry_run: false });
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.engine).toBe('llm');
    expect(r.counts).toEqual({ created: 8 });
    expect(calls('epic_stories')).toHaveLength(1);
    const prompt = JSON.stringify(calls('epic_stories')[0]!.body.messages);
    expect(prompt).toContain('Overdue reminders');
    expect(prompt).toContain('POST /invoices/{id}/send');
    expect(prompt).toContain('<epic>');
    storyKeys = childrenIn(h, EPIC).map((s) => s.key);
    expect(storyKeys).toHaveLength(8);
    // The first story's plan proposes a link that would close a cycle.
    stub.setResponder(planningResponder(stories, storyKeys[0]!));
  });

  it('previews team tasks with one model call per story, dropping the cycle-closing link', async () => {
    const before = h.emu.state.issues.size;
    const res = await h.client.post('/plan/tasks/team-based', {
      story_keys: storyKeys,
      epic_key: EPIC,
      dry_run: true,
      llm_provider: 'openai',
      llm_model: 'gpt-5-mini',
    });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.engine).toBe('llm');
    expect(calls('story_task_plan')).toHaveLength(8);
    expect(calls('story_task_plan').every((c) => c.body.model === 'gpt-5-mini')).toBe(true);
    // 3 tasks per story, the 4-day screen split in two parts of 2 days that keep team and order.
    expect(r.task_details).toHaveLength(32);
    const first = r.task_details.filter((t: { story_key: string }) => t.story_key === storyKeys[0]);
    const parts = first.filter((t: { team: string }) => t.team === 'frontend');
    expect(parts.map((t: { estimate_days: number }) => t.estimate_days)).toEqual([2, 2]);
    expect(parts[0].blocked_by_teams).toEqual(['backend']);
    const qa = first.find((t: { team: string }) => t.team === 'qa');
    expect(qa.depends_on_tasks).toContain(parts[1].summary);
    // The team rules add the API task: QA waits for both implementation teams.
    expect([...qa.blocked_by_teams].sort()).toEqual(['backend', 'frontend']);
    expect(r.dropped_dependencies).toEqual([
      expect.objectContaining({ reason: 'cycle', from: qa.id, source: 'proposed' }),
    ]);
    // Standard coverage: 3-6 cases per task; the parts of a split task share its cases out.
    for (const t of r.task_details.filter((x: { part: unknown }) => !x.part))
      expect(t.test_cases.length).toBeGreaterThanOrEqual(3);
    expect(parts[0].test_cases.length + parts[1].test_cases.length).toBeGreaterThanOrEqual(3);
    expect(h.emu.state.issues.size).toBe(before);
    expect(r.relationships_created).toBeUndefined();
  });

  it('retries a job whose link writes fail and ends with each task and link once', async () => {
    const issues = h.emu.state.issues.size;
    const planCalls = calls('story_task_plan').length;
    // Enough failures to exhaust one link's find-then-create rounds: the first attempt fails.
    h.emu.setFaults([
      { method: 'POST', path: '/rest/api/3/issueLink', count: 20, fault: { type: 'status', status: 503 } },
    ]);
    const res = await h.client.post('/plan/tasks/create', {
      story_keys: storyKeys,
      dry_run: false,
      async_mode: true,
    });
    expect(res.status).toBe(202);
    const view = await finished(h, res.body.job_id, 120_000);
    h.emu.setFaults([]);
    expect(view.status, view.error).toBe('completed');
    expect(view.attempts_made).toBeGreaterThanOrEqual(2);
    // The retry reused the plans stored by the first attempt: no new model calls.
    expect(calls('story_task_plan').length).toBe(planCalls + 8);
    const r = view.result;
    expect(r.engine).toBe('stored');
    expect(h.emu.state.issues.size).toBe(issues + 32);
    for (const key of storyKeys) {
      const subs = childrenIn(h, key);
      expect(subs).toHaveLength(4);
      for (const s of subs) expect(typeName(h, s.issueTypeId)).toBe('Sub-task');
      expect(new Set(subs.map((s) => s.summary)).size).toBe(4);
    }
    const links = blocksLinks(h);
    const pairs = links.map((l) => `${l.inward}>${l.outward}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(links).toHaveLength(r.relationships.length);
    for (const rel of r.relationships_created) {
      expect(['created', 'exists']).toContain(rel.status);
      expect(links.some((l) => l.inward === rel.from && l.outward === rel.to)).toBe(true);
      const blocker = h.emu.state.issues.get(rel.from)!;
      const blocked = h.emu.state.issues.get(rel.to)!;
      expect(blocker.labels).toContain(`team:${rel.blocking_team}`);
      expect(blocked.labels).toContain(`team:${rel.dependent_team}`);
    }
    // The API task blocks the first part of the screen, whose last part blocks QA.
    const api = childrenIn(h, storyKeys[1]!).find((i) => i.summary.endsWith(' API'))!;
    const screen1 = childrenIn(h, storyKeys[1]!).find((i) => i.summary.includes('(part 1/2: main path)'))!;
    expect(links.some((l) => l.inward === api.key && l.outward === screen1.key)).toBe(true);
    expect(adfText(api.description)).toContain('Test cases');
  });

  it('re-running team-based planning reuses the stored plans and writes nothing new', async () => {
    const issues = h.emu.state.issues.size;
    const links = blocksLinks(h).length;
    const planCalls = calls('story_task_plan').length;
    const res = await h.client.post('/plan/tasks/team-based', { story_keys: storyKeys, dry_run: false });
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.engine).toBe('stored');
    expect(calls('story_task_plan').length).toBe(planCalls);
    expect(h.emu.state.issues.size).toBe(issues);
    expect(blocksLinks(h).length).toBe(links);
    expect(r.relationships_created.every((x: { status: string }) => x.status === 'exists')).toBe(true);
    expect(r.task_details.every((t: { jira_key: string | null }) => t.jira_key !== null)).toBe(true);
    // Each story says why its stored plan answered.
    for (const story of r.stories) {
      expect(story.stored_plan).toMatchObject({ used: true, changed: [] });
      expect(story.stored_plan.reason).toContain('same inputs');
      expect(story.stored_plan.reason).toContain('regenerate');
    }
  });

  it('makes a new plan when max_task_cycle_days or the model changes, and says what changed', async () => {
    const two = storyKeys.slice(0, 2);
    const planCalls = calls('story_task_plan').length;
    const shorter = await h.client.post('/plan/tasks/team-based', {
      story_keys: two,
      max_task_cycle_days: 1,
    });
    expect(shorter.status, shorter.text).toBe(200);
    expect(shorter.body.result.engine).toBe('llm');
    expect(calls('story_task_plan').length).toBe(planCalls + 2);
    expect(JSON.stringify(calls('story_task_plan').at(-1)!.body.messages)).toContain('longer than 1 days');
    for (const story of shorter.body.result.stories) {
      expect(story.stored_plan).toMatchObject({ used: false, changed: ['max_task_cycle_days'] });
      expect(story.stored_plan.reason).toContain('max_task_cycle_days 3 -> max_task_cycle_days 1');
    }
    expect(shorter.body.result.warnings.join('\n')).toContain('a new plan was made');

    const other = await h.client.post('/plan/tasks/team-based', { story_keys: two, llm_model: 'gpt-5' });
    expect(other.body.result.engine).toBe('llm');
    expect(calls('story_task_plan').length).toBe(planCalls + 4);
    expect(calls('story_task_plan').at(-1)!.body.model).toBe('gpt-5');
    expect(other.body.result.stories[0].stored_plan.changed).toEqual(['generator']);
  });

  it('makes a new plan with regenerate: true although nothing changed', async () => {
    const planCalls = calls('story_task_plan').length;
    const res = await h.client.post('/plan/tasks/team-based', {
      story_keys: [storyKeys[0]],
      regenerate: true,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.engine).toBe('llm');
    expect(calls('story_task_plan').length).toBe(planCalls + 1);
    expect(res.body.result.stories[0].stored_plan.reason).toContain('regenerate');
    const bad = await h.client.post('/plan/tasks/team-based', {
      story_keys: [storyKeys[0]],
      regenerate: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('regenerate');
  });

  it('queues team-based planning with async_mode and refuses a duplicate for the same stories', async () => {
    const body = { story_keys: storyKeys, async_mode: true };
    const both = await Promise.all([
      h.client.post('/plan/tasks/team-based', body),
      h.client.post('/plan/tasks/team-based', body),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([202, 409]);
    const queued = both.find((r) => r.status === 202)!;
    const refused = both.find((r) => r.status === 409)!;
    expect(queued.body.job_type).toBe('task_generation');
    expect(JSON.stringify(refused.body)).toContain(queued.body.job_id);
    const done = await finished(h, queued.body.job_id);
    expect(done.status).toBe('completed');
  });

  it('writes a model-written description with acceptance criteria', async () => {
    const res = await h.client.post('/generate/single', { ticket_key: 'LLM-90', dry_run: false });
    expect(res.status).toBe(200);
    expect(res.body.result.engine).toBe('llm');
    const text = adfText(h.emu.state.issues.get('LLM-90')!.description);
    expect(text).toContain('Acceptance criteria');
    expect(text).toContain('lists every line item');
  });
});
