/**
 * POST /plan/epic/complete end to end: one job (inline or through the queue) that fills an epic's
 * missing criteria, tasks and tests, or generates stories for an empty epic; dry run first, then real,
 * then a repeat that finds nothing missing; 409 for a second completion of the same epic.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clientsFor } from '../atlassian/helpers.js';
import { DEMO_EPIC_KEY } from '../emulator/index.js';
import { waitFor } from '../helpers/runner.js';
import {
  adfText,
  EMPTY_EPIC,
  issuePosts,
  issuePuts,
  READY_QA_TASK,
  READY_STORY,
  type Started,
  start,
  WEAK_STORY,
} from './setup.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const PATH = '/plan/epic/complete';
const children = (e: Started['emu'], parent: string) =>
  [...e.state.issues.values()].filter((i) => i.parentKey === parent);
const propertyWrites = (e: Started['emu']) =>
  e.state.requests.filter((r) => r.method === 'PUT' && r.path.includes('/properties/'));

describe('POST /plan/epic/complete', () => {
  it('previews by default: criteria, tasks and tests it would add, with nothing written', async () => {
    s = await start();
    const res = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(res.body.job_type).toBe('epic_completion');
    expect(r.dry_run).toBe(true);
    expect(r.before).toMatchObject({
      stories: 4,
      stories_without_acceptance_criteria: 3,
      stories_without_tasks: 3,
    });
    expect(r.stories.status).toBe('previewed');
    expect(r.stories.generated).toEqual([]);
    expect(r.stories.criteria_added.map((c: any) => c.key).sort()).toEqual(['DEMO-2', 'DEMO-3', WEAK_STORY]);
    for (const c of r.stories.criteria_added) {
      expect(c.outcome).toBe('previewed');
      expect(c.acceptance_criteria.length).toBeGreaterThan(0);
    }
    expect(r.tasks).toMatchObject({ status: 'previewed', for_stories: ['DEMO-2', 'DEMO-3', WEAK_STORY] });
    const storiesWithTasks = new Set(r.tasks.task_details.map((t: any) => t.story_key));
    expect([...storiesWithTasks].sort()).toEqual(['DEMO-2', 'DEMO-3', WEAK_STORY]);
    expect(r.tasks.task_details.every((t: any) => t.test_cases.length > 0)).toBe(true);
    expect(r.tests.status).toBe('previewed');
    expect(r.tests.items.map((i: any) => i.key).sort()).toEqual(['DEMO-4', READY_QA_TASK]);
    expect(r.after).toBeNull();
    // One row per story with the tasks and tests it has or would get (the Forge epic action shows these).
    expect(r.story_details.map((d: any) => d.key).sort()).toEqual(
      ['DEMO-2', 'DEMO-3', READY_STORY, WEAK_STORY].sort(),
    );
    for (const d of r.story_details) {
      expect(d.task_ids.length).toBeGreaterThan(0);
      expect(d.test_cases.length).toBeGreaterThan(0);
    }
    expect(r.created_keys).toEqual([]);
    expect(issuePosts(s.emu)).toHaveLength(0);
    expect(issuePuts(s.emu)).toHaveLength(0);
    expect(propertyWrites(s.emu)).toHaveLength(0);
  });

  it('fills the epic as one queued job with a stage per step; a repeat finds nothing missing', async () => {
    s = await start();
    const before = s.emu.state.issues.size;
    const queued = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false, async_mode: true });
    expect(queued.status, queued.text).toBe(202);
    const stages = new Set<string>();
    const done = await waitFor(
      async () => {
        const job = (await s!.client.get(`/jobs/${queued.body.job_id}`)).body;
        stages.add(String(job.progress?.stage).split(':')[0]!);
        return ['completed', 'failed'].includes(job.status) ? job : undefined;
      },
      60_000,
      20,
    );
    expect(done.status, done.error).toBe('completed');
    const r = done.result;
    expect(r.stories.status).toBe('done');
    expect(r.tasks.status).toBe('done');
    expect(r.tests.status).toBe('done');
    expect([...stages].some((x) => ['stories', 'tasks', 'tests'].includes(x))).toBe(true);

    for (const key of ['DEMO-2', 'DEMO-3', WEAK_STORY]) {
      const text = adfText(s.emu.state.issues.get(key)!.description);
      expect(text).toContain('Acceptance criteria');
      const subs = children(s.emu, key);
      expect(subs.length).toBeGreaterThan(0);
      expect(subs.some((t) => t.labels.includes('team:qa'))).toBe(true);
    }
    // The story that had tasks keeps exactly them.
    expect(children(s.emu, READY_STORY)).toHaveLength(2);
    expect(adfText(s.emu.state.issues.get(READY_QA_TASK)!.description)).toContain('Test cases');
    expect(adfText(s.emu.state.issues.get('DEMO-4')!.description)).toContain('Test cases');
    expect(r.after).toMatchObject({
      stories_without_acceptance_criteria: 0,
      stories_without_tasks: 0,
      tasks_without_tests: 0,
    });
    expect(r.created_keys.length).toBe(s.emu.state.issues.size - before);
    expect(r.story_details.every((d: any) => d.task_ids.length > 0 && d.test_cases.length > 0)).toBe(true);

    const size = s.emu.state.issues.size;
    expect(size).toBeGreaterThan(before);
    const again = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY, dry_run: false });
    expect(again.status, again.text).toBe(200);
    expect(again.body.result).toMatchObject({
      stories: { status: 'nothing_missing' },
      tasks: { status: 'nothing_missing' },
      tests: { status: 'nothing_missing' },
    });
    expect(s.emu.state.issues.size).toBe(size);
  });

  it('generates stories for an empty epic, then their tasks, once', async () => {
    s = await start();
    const preview = await s.client.post(PATH, { epic_key: EMPTY_EPIC, max_stories: 4 });
    expect(preview.status, preview.text).toBe(200);
    const p = preview.body.result;
    expect(p.stories.generated.length).toBeGreaterThan(0);
    expect(p.stories.generated.length).toBeLessThanOrEqual(4);
    expect(p.tasks.for_stories.every((x: string) => x.startsWith('new story'))).toBe(true);
    expect(p.tasks.task_details.length).toBeGreaterThan(p.stories.generated.length);
    expect(p.story_details.map((d: any) => d.key)).toEqual(
      p.stories.generated.map((_: unknown, i: number) => `NEW-${i + 1}`),
    );
    expect(p.story_details.every((d: any) => d.task_ids.length > 0)).toBe(true);
    expect(children(s.emu, EMPTY_EPIC)).toHaveLength(0);

    const res = await s.client.post(PATH, { epic_key: EMPTY_EPIC, max_stories: 4, dry_run: false });
    expect(res.status, res.text).toBe(200);
    const stories = children(s.emu, EMPTY_EPIC);
    expect(stories.map((x) => x.summary).sort()).toEqual(p.stories.generated.map((g: any) => g.title).sort());
    for (const story of stories) expect(children(s.emu, story.key).length).toBeGreaterThan(0);

    const size = s.emu.state.issues.size;
    const again = await s.client.post(PATH, { epic_key: EMPTY_EPIC, max_stories: 4, dry_run: false });
    expect(again.body.result.tasks.status).toBe('nothing_missing');
    expect(s.emu.state.issues.size).toBe(size);
  });

  it('a retry creates the stories an interrupted run generated, not new ones', async () => {
    s = await start();
    // An earlier run generated two stories, kept them on the epic, and created the first before it died.
    const kept = [
      {
        title: 'Create an invoice',
        description: 'Finance creates invoices.',
        acceptance_criteria: ['An invoice has a number'],
      },
      {
        title: 'Record a payment',
        description: 'Finance records payments.',
        acceptance_criteria: ['A payment reduces the balance'],
      },
    ];
    s.emu.state.issues.get(EMPTY_EPIC)!.properties['augment.epic-completion-stories'] = {
      version: 1,
      stories: kept,
    };
    const { jira } = clientsFor(s.emu);
    const first = await jira.createIssue({
      projectKey: 'DEMO',
      issueType: 'Story',
      summary: 'Create an invoice',
      parentKey: EMPTY_EPIC,
    });
    const res = await s.client.post(PATH, { epic_key: EMPTY_EPIC, dry_run: false, steps: ['stories'] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result.stories.engine).toBe('stored');
    const stories = children(s.emu, EMPTY_EPIC);
    expect(stories.map((x) => x.summary).sort()).toEqual(['Create an invoice', 'Record a payment']);
    expect(stories.find((x) => x.summary === 'Create an invoice')!.key).toBe(first.key);
    // Done: the kept list is cleared, so a later run does not recreate them.
    expect(
      s.emu.state.issues.get(EMPTY_EPIC)!.properties['augment.epic-completion-stories'] ?? null,
    ).toBeNull();
  });

  it('answers 409 with the running job for a second completion of the same epic, and 404/400 naming fields', async () => {
    s = await start({ role: 'api' });
    const first = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY, async_mode: true });
    expect(first.status).toBe(202);
    const second = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY, async_mode: true, dry_run: false });
    expect(second.status).toBe(409);
    expect(JSON.stringify(second.body)).toContain(first.body.job_id);
    const other = await s.client.post(PATH, { epic_key: EMPTY_EPIC, async_mode: true });
    expect(other.status).toBe(202);
    const bad = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY, steps: ['docs'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toMatch(/^steps/);
  });

  it('answers 404 naming epic_key for an unknown epic', async () => {
    s = await start();
    const res = await s.client.post(PATH, { epic_key: 'DEMO-404' });
    expect(res.status).toBe(404);
    expect(res.body.error.details.field).toBe('epic_key');
  });

  it('uses the model for the criteria it adds, with the rules for what the model does not answer', async () => {
    s = await start({
      llm: (req) =>
        JSON.stringify(req.body).includes('ticket_description')
          ? {
              json: {
                summary: 'Guest checkout',
                description_markdown: 'Shoppers pay without an account.',
                acceptance_criteria: ['A guest reaches the payment step in at most two clicks'],
                technical_notes: [],
              },
            }
          : { text: 'not json' },
    });
    const res = await s.client.post(PATH, { epic_key: DEMO_EPIC_KEY, steps: ['stories'], dry_run: false });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.tasks.status).toBe('skipped');
    expect(r.stories.criteria_added.find((c: any) => c.key === 'DEMO-2')).toMatchObject({
      outcome: 'updated',
      acceptance_criteria: ['A guest reaches the payment step in at most two clicks'],
    });
    expect(adfText(s.emu.state.issues.get('DEMO-2')!.description)).toContain('in at most two clicks');
    expect(res.body.result.llm_usage.calls.length).toBeGreaterThanOrEqual(3);
    expect(s.llm!.requests.length).toBeGreaterThanOrEqual(3);
  });
});
