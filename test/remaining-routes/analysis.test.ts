/**
 * Readiness, estimates, epic analysis, coverage follow-ups and context-aware task tests, end to end
 * against the emulator (and the LLM stand-in where a model writes).
 */
import { estimateTicket, generateTeamTasks } from '@augment/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { storyFromIssue } from '../../runner/src/planning/epic-context.js';
import { clientsFor } from '../atlassian/helpers.js';
import { DEMO_EPIC_KEY } from '../emulator/index.js';
import {
  adfText,
  issuePosts,
  issuePuts,
  READY_BACKEND_TASK,
  READY_CRITERIA,
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

describe('GET /plan/readiness/{ticket_key}', () => {
  it('scores a well-written story as ready and a weak one as not ready, with the reasons', async () => {
    s = await start();
    const good = await s.client.get(`/plan/readiness/${READY_STORY}`);
    expect(good.status, good.text).toBe(200);
    expect(good.body).toMatchObject({ ticket_key: READY_STORY, level: 'ready' });
    expect(good.body.score).toBeGreaterThanOrEqual(75);
    expect(good.body.acceptance_criteria).toHaveLength(3);

    const weak = await s.client.get(`/plan/readiness/${WEAK_STORY}`);
    expect(weak.body).toMatchObject({ ticket_key: WEAK_STORY, level: 'not_ready' });
    expect(weak.body.score).toBeLessThan(50);
    const signals = Object.fromEntries(weak.body.reasons.map((r: any) => [r.signal, r]));
    expect(signals.acceptance_criteria.points).toBe(0);
    expect(signals.links_only.points).toBe(0);
    expect(signals.open_questions.message).toMatch(/TBD/i);
    // Suggestions put the biggest losses first.
    expect(weak.body.suggestions[0]).toMatch(/acceptance criteria/i);
  });

  it('answers 404 and 400 naming ticket_key', async () => {
    s = await start();
    const missing = await s.client.get('/plan/readiness/DEMO-404');
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.field).toBe('ticket_key');
    const bad = await s.client.get('/plan/readiness/not-a-key');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('ticket_key');
  });
});

describe('GET /plan/estimate/{ticket_key}', () => {
  it('gives per-team days with reasons, equal to the tasks team-based generation plans', async () => {
    s = await start();
    const res = await s.client.get(`/plan/estimate/${READY_STORY}`);
    expect(res.status, res.text).toBe(200);
    const est = res.body;
    expect(est.per_team.map((p: any) => p.team)).toEqual(
      expect.arrayContaining(['backend', 'frontend', 'qa']),
    );
    expect(est.reasons.length).toBeGreaterThan(0);
    const sum = est.per_team.reduce((n: number, p: any) => n + p.effort_days, 0);
    expect(est.total_effort_days).toBeCloseTo(sum, 5);
    expect(est.cycle_time_days).toBeLessThanOrEqual(est.total_effort_days);
    // The same story read the same way, split into team tasks by the rules: the days agree per team.
    const story = storyFromIssue(await clientsFor(s.emu).jira.getIssue(READY_STORY));
    const plan = generateTeamTasks(story, { max_task_cycle_days: 3 });
    for (const p of est.per_team) {
      const days = plan.tasks.filter((t) => t.team === p.team).reduce((n, t) => n + t.estimate_days, 0);
      expect(days).toBeCloseTo(p.effort_days, 5);
    }
    expect(est.total_effort_days).toBe(estimateTicket(story).total_effort_days);
    // What Jira holds: 5 story points and the two sub-tasks (their descriptions say 2 days and 1 day).
    expect(est.jira.story_points).toBe(5);
    expect(est.planned).toEqual({ tasks: 2, effort_days: 3, per_team: { backend: 2, qa: 1 } });
  });

  it('estimates a richer story higher than a plain one', async () => {
    s = await start();
    const rich = await s.client.get(`/plan/estimate/${READY_STORY}`);
    const plain = await s.client.get('/plan/estimate/DEMO-2');
    expect(plain.status).toBe(200);
    expect(rich.body.total_effort_days).toBeGreaterThan(plain.body.total_effort_days);
    expect((await s.client.get('/plan/estimate/DEMO-404')).body.error.details.field).toBe('ticket_key');
  });
});

describe('GET /plan/epic/{epic_key}/analyze', () => {
  it('reports stories, tasks per team, tests, missing criteria, unlinked dependencies and readiness', async () => {
    s = await start();
    const res = await s.client.get(`/plan/epic/${DEMO_EPIC_KEY}/analyze`);
    expect(res.status, res.text).toBe(200);
    const a = res.body;
    expect(a.epic).toMatchObject({ key: DEMO_EPIC_KEY, summary: 'Checkout revamp' });
    expect(a.stories.map((x: any) => x.key).sort()).toEqual(
      ['DEMO-2', 'DEMO-3', READY_STORY, WEAK_STORY].sort(),
    );
    expect(a.missing_acceptance_criteria.map((x: any) => x.key).sort()).toEqual([
      'DEMO-2',
      'DEMO-3',
      WEAK_STORY,
    ]);
    const ready = a.stories.find((x: any) => x.key === READY_STORY);
    expect(ready).toMatchObject({
      acceptance_criteria: 3,
      missing_acceptance_criteria: false,
      tasks: {
        keys: [READY_BACKEND_TASK, READY_QA_TASK],
        by_team: { backend: [READY_BACKEND_TASK], qa: [READY_QA_TASK] },
      },
      test_cases: { tasks: 1 },
    });
    expect(ready.readiness.level).toBe('ready');
    expect(ready.estimate.effort_days).toBeGreaterThan(0);
    expect(ready.uncovered_criteria).toEqual(expect.arrayContaining([READY_CRITERIA[1], READY_CRITERIA[2]]));
    expect(a.stories.find((x: any) => x.key === WEAK_STORY).readiness.level).toBe('not_ready');
    expect(a.tasks_by_team.qa.keys).toEqual([READY_QA_TASK]);
    expect(a.tasks_by_team.backend.keys).toEqual(expect.arrayContaining([READY_BACKEND_TASK, 'DEMO-4']));
    expect(a.tasks_without_story).toEqual(['DEMO-4']);
    expect(a.tests.tasks_without_tests).toEqual(expect.arrayContaining([READY_QA_TASK, 'DEMO-4']));
    expect(a.unlinked_dependencies.map((u: any) => u.task)).toContain(READY_QA_TASK);
    expect(a.estimates.planned_by_team).toMatchObject({ backend: 4, qa: 1 });
    expect(a.readiness.not_ready).toBeGreaterThanOrEqual(1);
    expect(a.readiness.weakest[0].key).toBe(WEAK_STORY);
    expect(a.missing.tasks.sort()).toEqual(['DEMO-2', 'DEMO-3', WEAK_STORY]);
    expect(a.complete).toBe(false);
  });

  it('sees a dependency once it is linked in Jira', async () => {
    s = await start();
    const { jira } = clientsFor(s.emu);
    await jira.linkOnce(READY_BACKEND_TASK, READY_QA_TASK);
    const a = (await s.client.get(`/plan/epic/${DEMO_EPIC_KEY}/analyze`)).body;
    expect(a.unlinked_dependencies.map((u: any) => u.task)).not.toContain(READY_QA_TASK);
    expect((await s.client.get('/plan/epic/DEMO-404/analyze')).body.error.details.field).toBe('epic_key');
  });
});

describe('coverage follow-ups', () => {
  it('create-task previews, creates a task under the story that closes the gap, and does it once', async () => {
    s = await start();
    const body = { story_key: READY_STORY, criterion: READY_CRITERIA[2] };
    const preview = await s.client.post('/analyze/story-coverage/create-task', body);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({
      dry_run: true,
      action: 'would_create',
      gap: { missing: ['task', 'test'] },
      coverage_before: { criterion_status: 'missing' },
      coverage_after: { criterion_status: 'covered' },
    });
    expect(preview.body.test_cases.length).toBeGreaterThanOrEqual(2);
    expect(issuePosts(s.emu)).toHaveLength(0);

    const res = await s.client.post('/analyze/story-coverage/create-task', { ...body, dry_run: false });
    expect(res.status, res.text).toBe(201);
    const task = s.emu.state.issues.get(res.body.task.key)!;
    expect(task.parentKey).toBe(READY_STORY);
    expect(adfText(task.description)).toContain(READY_CRITERIA[2]);
    expect(task.labels).toContain(`team:${res.body.task.team}`);

    // The story's coverage in Jira now counts the criterion as covered.
    const coverage = await s.client.post('/analyze/story-coverage', { story_key: READY_STORY });
    expect(coverage.status, coverage.text).toBe(200);
    expect(coverage.body.criteria.find((r: any) => r.criterion === READY_CRITERIA[2]).status).toBe('covered');
    const again = await s.client.post('/analyze/story-coverage/create-task', { ...body, dry_run: false });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'criterion_covered', details: { field: 'criterion' } });
  });

  it('update-task appends the criterion and its tests to the suggested task, once', async () => {
    s = await start();
    // Criterion 2 has a task (the backend one) but no test: the suggestion extends the QA task.
    const body = { story_key: READY_STORY, criterion: READY_CRITERIA[1] };
    const preview = await s.client.post('/analyze/story-coverage/update-task', body);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({
      action: 'would_update',
      task: { key: READY_QA_TASK },
      gap: { missing: ['test'] },
      coverage_after: { criterion_status: 'covered' },
    });
    expect(issuePuts(s.emu)).toHaveLength(0);

    const res = await s.client.post('/analyze/story-coverage/update-task', { ...body, dry_run: false });
    expect(res.body).toMatchObject({ action: 'updated', task: { key: READY_QA_TASK } });
    const text = adfText(s.emu.state.issues.get(READY_QA_TASK)!.description);
    expect(text).toContain('Test the PDF download end to end.');
    expect(text).toContain(READY_CRITERIA[1]);
    for (const tc of res.body.test_cases) expect(text).toContain(tc.title);
    const again = await s.client.post('/analyze/story-coverage/update-task', { ...body, dry_run: false });
    expect(again.status).toBe(409);
  });

  it('update-task with a task_key extends that task; unknown criteria and keys are named', async () => {
    s = await start();
    const res = await s.client.post('/analyze/story-coverage/update-task', {
      story_key: READY_STORY,
      criterion: READY_CRITERIA[2],
      task_key: READY_BACKEND_TASK,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ action: 'would_update', task: { key: READY_BACKEND_TASK } });
    expect(res.body.description_markdown).toContain(READY_CRITERIA[2]);

    const unknown = await s.client.post('/analyze/story-coverage/create-task', {
      story_key: READY_STORY,
      criterion: 'Invoices are printed on paper',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details.field).toBe('criterion');
    expect(unknown.body.error.details.criteria).toEqual(READY_CRITERIA);
    const noStory = await s.client.post('/analyze/story-coverage/create-task', {
      story_key: 'DEMO-404',
      criterion: 'x',
    });
    expect(noStory.status).toBe(404);
    expect(noStory.body.error.details.field).toBe('story_key');
    const noTask = await s.client.post('/analyze/story-coverage/update-task', {
      story_key: READY_STORY,
      criterion: READY_CRITERIA[2],
      task_key: 'DEMO-404',
    });
    expect(noTask.status).toBe(404);
    expect(noTask.body.error.details.field).toBe('task_key');
  });
});

describe('POST /plan/tests/task/context-aware', () => {
  it('without a model: rule-based cases for the task, its siblings and PRD named as context', async () => {
    s = await start();
    const res = await s.client.post('/plan/tests/task/context-aware', { task_key: READY_BACKEND_TASK });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      dry_run: true,
      task_key: READY_BACKEND_TASK,
      story_key: READY_STORY,
      epic_key: DEMO_EPIC_KEY,
      engine: 'rules',
      written: null,
      context: { siblings: [{ key: READY_QA_TASK }], prd: { title: 'Checkout revamp PRD' } },
    });
    expect(res.body.test_cases.length).toBeGreaterThanOrEqual(res.body.tests_per_item.min);
    expect(issuePuts(s.emu)).toHaveLength(0);
  });

  it("with the LLM stand-in: sends story, siblings and PRD, drops a sibling's duplicate, writes the section", async () => {
    const modelCase = (title: string, steps: string[], expected: string, covers: string | null) => ({
      title,
      type: 'integration',
      description: '',
      steps,
      expected_result: expected,
      covers_criterion: covers,
      priority: 'high',
    });
    s = await start({
      llm: () => ({
        json: {
          story_test_cases: [],
          tasks: [
            {
              key: READY_QA_TASK,
              test_cases: [
                // The backend sibling already has this one.
                modelCase(
                  'PDF file name carries the invoice number',
                  ['Issue an invoice', 'GET /invoices/{id}/pdf'],
                  'the file name contains the invoice number',
                  READY_CRITERIA[0],
                ),
                modelCase(
                  'Draft invoice PDF request answers 409',
                  ['Create a draft invoice', 'Request its PDF'],
                  'The API answers 409 and no file is produced',
                  READY_CRITERIA[2],
                ),
                modelCase(
                  'PDF lists each line item with totals',
                  ['Issue an invoice with three lines', 'Open its PDF'],
                  'Every line shows quantity, unit price and line total',
                  READY_CRITERIA[1],
                ),
              ],
            },
          ],
        },
      }),
    });
    const res = await s.client.post('/plan/tests/task/context-aware', {
      task_key: READY_QA_TASK,
      coverage_level: 'basic',
      dry_run: false,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.engine).toBe('llm');
    const titles = res.body.test_cases.map((t: any) => t.title);
    expect(titles).toEqual(['Draft invoice PDF request answers 409', 'PDF lists each line item with totals']);
    expect(res.body.duplicates_of_siblings).toEqual([
      { title: 'PDF file name carries the invoice number', sibling: READY_BACKEND_TASK },
    ]);
    expect(res.body.llm_usage.calls).toHaveLength(1);
    const prompt = JSON.stringify(s.llm!.requests[0]!.body);
    expect(prompt).toContain(READY_BACKEND_TASK);
    expect(prompt).toContain('Checkout revamp');
    expect(prompt).toContain(READY_CRITERIA[1].slice(0, 40));
    expect(res.body.written).toBe('updated');
    const text = adfText(s.emu.state.issues.get(READY_QA_TASK)!.description);
    expect(text).toContain('Draft invoice PDF request answers 409');
    expect(text).toContain('Test the PDF download end to end.');
    // A repeat with the same answer changes nothing.
    const again = await s.client.post('/plan/tests/task/context-aware', {
      task_key: READY_QA_TASK,
      coverage_level: 'basic',
      dry_run: false,
    });
    expect(again.body.written).toBe('unchanged');
  });

  it('answers 400 for a task directly under the epic and 404 naming task_key', async () => {
    s = await start();
    const noStory = await s.client.post('/plan/tests/task/context-aware', { task_key: 'DEMO-4' });
    expect(noStory.status, noStory.text).toBe(400);
    expect(noStory.body.error.details.field).toBe('story_key');
    const missing = await s.client.post('/plan/tests/task/context-aware', { task_key: 'DEMO-404' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.field).toBe('task_key');
  });
});

describe('OpenAPI document', () => {
  it('lists every remaining route', async () => {
    s = await start({ role: 'api' });
    const doc = (await s.client.get('/openapi.json')).body;
    const paths = Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /jira/create-ticket',
        'POST /jira/update-ticket',
        'POST /jira/create-story-ticket',
        'POST /jira/update-story-ticket',
        'POST /jira/bulk-create-stories',
        'POST /jira/bulk-update-stories',
        'POST /jira/bulk-create-tasks',
        'GET /plan/epic/{epic_key}/analyze',
        'POST /plan/epic/complete',
        'GET /plan/estimate/{ticket_key}',
        'GET /plan/readiness/{ticket_key}',
        'POST /analyze/story-coverage/create-task',
        'POST /analyze/story-coverage/update-task',
        'POST /plan/tests/task/context-aware',
      ]),
    );
  });
});
