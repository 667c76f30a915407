/**
 * Planning end to end with no AI key (the rule-based engine): runner + queue + real Redis + the Jira /
 * Confluence emulator, for an invoicing epic whose PRD page has eight requirements. Tests run in order
 * and build on each other: stories first, then tasks, then tests, validation and coverage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanPrefix } from '../helpers/runner.js';
import {
  adfText,
  blocksLinks,
  childrenIn,
  finished,
  type Harness,
  issuesOf,
  runJob,
  startHarness,
  typeName,
} from './helpers.js';
import { PRD_PAGE, planningSeed } from './seed.js';

const EPIC = 'INV-1';
let h: Harness;
let storyKeys: string[] = [];

beforeAll(async () => {
  h = await startHarness(planningSeed('INV'));
});
afterAll(async () => {
  await h?.runner.stop();
  await h?.emu.close();
  if (h) await cleanPrefix(h.prefix);
});

describe('stories for an epic (rules)', () => {
  it('previews eight stories from the epic and its PRD, each with acceptance criteria, writing nothing', async () => {
    const before = h.emu.state.issues.size;
    const res = await h.client.post('/plan/stories/generate', { epic_key: EPIC });
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.dry_run).toBe(true);
    expect(r.engine).toBe('rules');
    expect(r.sources.prd.title).toBe('Invoicing PRD');
    expect(r.sources.rfc.title).toBe('Invoicing RFC');
    expect(r.stories).toHaveLength(8);
    for (const s of r.stories) {
      expect(s.acceptance_criteria.length).toBeGreaterThanOrEqual(2);
      expect(s.jira.action).toBe('create');
      expect(s.readiness.score).toBeGreaterThan(0);
    }
    expect(r.stories.map((s: { title: string }) => s.title)).toContain('Send invoices');
    expect(h.emu.state.issues.size).toBe(before);
  });

  it('creates the stories under the epic through the queue, and a second run creates none', async () => {
    const before = h.emu.state.issues.size;
    const first = await runJob(h, '/plan/stories/generate', { epic_key: EPIC, dry_run: false });
    expect(first.result.counts).toEqual({ created: 8 });
    const stories = childrenIn(h, EPIC);
    expect(stories).toHaveLength(8);
    for (const s of stories) {
      expect(typeName(h, s.issueTypeId)).toBe('Story');
      expect(adfText(s.description)).toContain('Acceptance criteria');
    }
    expect(h.emu.state.issues.size).toBe(before + 8);
    storyKeys = stories.map((s) => s.key);

    const again = await runJob(h, '/plan/stories/create', { epic_key: EPIC, dry_run: false });
    expect(again.result.counts).toEqual({ existing: 8 });
    expect(h.emu.state.issues.size).toBe(before + 8);
  });
});

describe('team-based tasks (rules)', () => {
  it('previews tasks per team with dependencies, estimates and tests, writing nothing', async () => {
    const before = h.emu.state.issues.size;
    const res = await h.client.post('/plan/tasks/generate', {
      story_keys: storyKeys,
      coverage_level: 'basic',
    });
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.engine).toBe('rules');
    expect(r.epic_key).toBe(EPIC);
    expect(r.relationships_created).toBeUndefined();
    expect(r.stories).toHaveLength(8);
    const teams = new Set(r.task_details.map((t: { team: string }) => t.team));
    for (const t of ['backend', 'frontend', 'qa']) expect(teams.has(t)).toBe(true);
    for (const t of r.task_details) {
      expect(t.estimate_days).toBeLessThanOrEqual(3);
      expect(t.test_cases.length).toBeGreaterThanOrEqual(1);
      expect(t.test_cases.length).toBeLessThanOrEqual(4);
      expect(storyKeys).toContain(t.story_key);
    }
    const fe = r.task_details.find(
      (t: { team: string; blocked_by_teams: string[] }) => t.team === 'frontend',
    );
    expect(fe.blocked_by_teams).toContain('backend');
    expect(fe.depends_on_tasks.length).toBeGreaterThan(0);
    // Dependencies are shown by summary, as in the spec's response.
    const summaries = new Set(r.task_details.map((t: { summary: string }) => t.summary));
    for (const d of fe.depends_on_tasks) expect(summaries.has(d)).toBe(true);
    const story = r.stories.find((s: { title: string }) => s.title === 'Invoice list');
    expect(story.story_types).toEqual(expect.arrayContaining(['api', 'ui']));
    expect(r.dropped_dependencies).toEqual([]);
    expect(h.emu.state.issues.size).toBe(before);
  });

  it('creates sub-tasks under each story and Blocks links with the blocker as inwardIssue', async () => {
    const before = h.emu.state.issues.size;
    const view = await runJob(h, '/plan/tasks/create', { story_keys: storyKeys, dry_run: false });
    const r = view.result;
    const created = r.created_tasks.filter((t: { outcome: string }) => t.outcome === 'created');
    expect(created.length).toBe(r.task_details.length);
    expect(h.emu.state.issues.size).toBe(before + created.length);
    for (const t of r.task_details) {
      const issue = h.emu.state.issues.get(t.jira_key)!;
      expect(issue.parentKey).toBe(t.story_key);
      expect(typeName(h, issue.issueTypeId)).toBe('Sub-task');
      expect(issue.labels).toContain(`team:${t.team}`);
    }
    const links = blocksLinks(h);
    expect(r.relationships_created.length).toBe(r.relationships.length);
    expect(links.length).toBe(r.relationships.length);
    const teamOf = (key: string) =>
      h.emu.state.issues
        .get(key)!
        .labels.find((l) => l.startsWith('team:'))!
        .slice(5);
    for (const rel of r.relationships_created) {
      expect(rel.status).toBe('created');
      const link = links.find((l) => l.inward === rel.from && l.outward === rel.to);
      expect(link, `${rel.from} blocks ${rel.to}`).toBeDefined();
      expect(teamOf(rel.from)).toBe(rel.blocking_team);
      expect(teamOf(rel.to)).toBe(rel.dependent_team);
    }
    // Backend work blocks frontend work, never the other way round.
    const backToFront = r.relationships_created.filter(
      (x: { blocking_team: string; dependent_team: string }) =>
        x.blocking_team === 'backend' && x.dependent_team === 'frontend',
    );
    expect(backToFront.length).toBeGreaterThan(0);
    expect(
      r.relationships_created.some(
        (x: { blocking_team: string; dependent_team: string }) =>
          x.blocking_team === 'frontend' && x.dependent_team === 'backend',
      ),
    ).toBe(false);
  });

  it('re-running the job creates no issue and no link twice', async () => {
    const issues = h.emu.state.issues.size;
    const links = blocksLinks(h).length;
    const view = await runJob(h, '/plan/tasks/create', { story_keys: storyKeys, dry_run: false });
    expect(h.emu.state.issues.size).toBe(issues);
    expect(blocksLinks(h).length).toBe(links);
    const outcomes = new Set(view.result.created_tasks.map((t: { outcome: string }) => t.outcome));
    expect(outcomes.has('created')).toBe(false);
    expect(view.result.relationships_created.every((x: { status: string }) => x.status === 'exists')).toBe(
      true,
    );
    const pairs = blocksLinks(h).map((l) => `${l.inward}>${l.outward}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});

describe('tests, validation and coverage (rules)', () => {
  it.each([
    ['minimal', 1, 2],
    ['basic', 2, 4],
    ['standard', 3, 6],
    ['comprehensive', 5, 10],
  ])(
    'generates %s coverage within the spec counts per item, de-duplicated across the epic',
    async (level, min, max) => {
      const res = await h.client.post('/plan/tests/comprehensive', { epic_key: EPIC, coverage_level: level });
      expect(res.status).toBe(200);
      const r = res.body.result;
      expect(r.tests_per_item).toEqual({ min, max });
      expect(r.stories).toHaveLength(8);
      expect(r.totals.tasks).toBeGreaterThan(8);
      expect(r.domains).toContain('financial');
      expect(typeof r.execution_time_ms).toBe('number');
      for (const s of r.stories) {
        for (const item of [s, ...s.tasks]) {
          expect(item.generated, item.key).toBeGreaterThanOrEqual(min);
          expect(item.generated, item.key).toBeLessThanOrEqual(max);
          expect(item.test_cases.length).toBeGreaterThanOrEqual(1);
          expect(item.test_cases.length).toBeLessThanOrEqual(item.generated);
        }
      }
      expect(r.dedupe.after).toBe(r.totals.test_cases);
      expect(r.dedupe.before).toBe(r.dedupe.after + r.dedupe.removed);
    },
  );

  it('writes the test cases into the descriptions on a real run', async () => {
    const res = await h.client.post('/plan/tests/comprehensive', {
      epic_key: EPIC,
      coverage_level: 'minimal',
      include_tasks: false,
      dry_run: false,
    });
    expect(res.status).toBe(200);
    const s = res.body.result.stories[0];
    expect(s.written).toBe('updated');
    const text = adfText(h.emu.state.issues.get(s.key)!.description);
    expect(text).toContain('Test cases');
    expect(text).toContain(s.test_cases[0].title);
    // The story keeps its acceptance criteria.
    expect(text).toContain('Acceptance criteria');
  });

  it('validates the plan in Jira: stories, tasks and tests are there', async () => {
    const res = await h.client.get(`/plan/validate/${EPIC}`);
    expect(res.status).toBe(200);
    expect(res.body.counts.stories).toBe(8);
    expect(res.body.counts.tasks).toBeGreaterThan(8);
    expect(res.body.counts.stories_without_tasks).toBe(0);
    expect(res.body.counts.dependency_problems).toBe(0);
    expect(res.body.findings.some((f: { code: string }) => f.code === 'dependency_cycle')).toBe(false);
  });

  it('reports what an epic with no stories is missing', async () => {
    const res = await h.client.get('/plan/validate/INV-90');
    expect(res.status).toBe(200);
    expect(res.body.complete).toBe(false);
    expect(res.body.findings.map((f: { code: string }) => f.code)).toContain('epic_without_stories');
  });

  it("traces a story's acceptance criteria to its tasks and tests", async () => {
    const res = await h.client.post('/analyze/story-coverage', { story_key: storyKeys[0] });
    expect(res.status).toBe(200);
    expect(res.body.criteria.length).toBeGreaterThanOrEqual(2);
    expect(res.body.coverage_percent).toBeGreaterThan(0);
    expect(res.body.tasks.length).toBeGreaterThan(0);
    for (const c of res.body.criteria) expect(['covered', 'partial', 'missing']).toContain(c.status);
  });

  it('runs the coverage analysis as a story_coverage job with async_mode, as documented', async () => {
    const sync = await h.client.post('/analyze/story-coverage', { story_key: storyKeys[0] });
    const job = await runJob(h, '/analyze/story-coverage', { story_key: storyKeys[0], async_mode: true });
    expect(job.job_type).toBe('story_coverage');
    expect(job.result).toMatchObject({ story_key: storyKeys[0], engine: 'rules' });
    expect(job.result.criteria).toEqual(sync.body.criteria);
    expect(job.result.coverage_percent).toBe(sync.body.coverage_percent);
  });

  it('answers targeted story and task tests synchronously', async () => {
    const story = await h.client.post('/plan/tests/story', {
      story_key: storyKeys[1],
      coverage_level: 'basic',
    });
    expect(story.status).toBe(200);
    expect(story.body.test_cases.length).toBeGreaterThanOrEqual(2);
    expect(story.body.test_cases.length).toBeLessThanOrEqual(4);
    expect(story.body.engine).toBe('rules');
    const taskKey = childrenIn(h, storyKeys[1]!)[0]!.key;
    const task = await h.client.post('/plan/tests/task', {
      task_key: taskKey,
      coverage_level: 'comprehensive',
    });
    expect(task.status).toBe(200);
    expect(task.body.story_key).toBe(storyKeys[1]);
    expect(task.body.test_cases.length).toBeGreaterThanOrEqual(5);
    expect(task.body.test_cases.length).toBeLessThanOrEqual(10);
  });
});

describe('ticket descriptions (rules)', () => {
  it('previews a description with acceptance criteria, then writes it as ADF', async () => {
    const preview = await h.client.post('/generate/single', { ticket_key: 'INV-90' });
    expect(preview.status).toBe(200);
    expect(preview.body.result.status).toBe('previewed');
    expect(preview.body.result.description_markdown).toContain('## Acceptance criteria');
    expect(adfText(h.emu.state.issues.get('INV-90')!.description)).not.toContain('Acceptance criteria');

    const real = await h.client.post('/generate/single', { ticket_key: 'INV-90', dry_run: false });
    expect(real.body.result.status).toBe('updated');
    const doc = h.emu.state.issues.get('INV-90')!.description as { type: string };
    expect(doc.type).toBe('doc');
    expect(adfText(doc)).toContain('Acceptance criteria');
  });

  it('reports a batch with one unknown key per ticket, without failing the job', async () => {
    const res = await h.client.post('/generate/batch', { ticket_keys: [storyKeys[0], 'INV-999', 'INV-90'] });
    expect(res.status).toBe(202);
    const view = await finished(h, res.body.job_id);
    expect(view.status).toBe('completed');
    const r = view.result;
    expect(r.status).toBe('partial');
    expect(r.counts).toEqual({ total: 3, succeeded: 2, failed: 1 });
    const bad = r.tickets.find((t: { ticket_key: string }) => t.ticket_key === 'INV-999');
    expect(bad).toMatchObject({ ok: false, status: 'failed', error: { code: 'not_found' } });
    expect(r.tickets.filter((t: { status: string }) => t.status === 'previewed')).toHaveLength(2);
  });
});

describe('epic creation (rules)', () => {
  const body = {
    project_key: 'INV',
    summary: 'Invoicing v2',
    description: 'A second invoicing epic planned from the same PRD.',
    create_tasks: true,
  };
  const withUrl = () => ({
    ...body,
    prd_url: `${h.emu.url}/wiki/spaces/INV/pages/${PRD_PAGE}/Invoicing+PRD`,
  });

  it('previews the epic, its stories and their tasks without writing', async () => {
    const before = h.emu.state.issues.size;
    const res = await h.client.post('/plan/epic/create', withUrl());
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.epic).toMatchObject({ outcome: 'previewed', key: null });
    expect(r.stories).toHaveLength(8);
    expect(r.task_details.length).toBeGreaterThan(16);
    expect(r.relationships.length).toBeGreaterThan(0);
    expect(h.emu.state.issues.size).toBe(before);
  });

  it('creates the epic, stories, tasks and links once, however often it runs', async () => {
    const before = h.emu.state.issues.size;
    const linksBefore = blocksLinks(h).length;
    const first = await runJob(h, '/plan/epic/create', { ...withUrl(), dry_run: false });
    const r = first.result;
    expect(r.epic.outcome).toBe('created');
    const epic = h.emu.state.issues.get(r.epic.key)!;
    expect(typeName(h, epic.issueTypeId)).toBe('Epic');
    const stories = childrenIn(h, r.epic.key);
    expect(stories).toHaveLength(8);
    const tasks = stories.flatMap((s) => childrenIn(h, s.key));
    expect(tasks.length).toBe(r.task_details.length);
    expect(h.emu.state.issues.size).toBe(before + 1 + 8 + tasks.length);
    expect(blocksLinks(h).length).toBe(linksBefore + r.relationships.length);
    for (const t of r.task_details) expect(h.emu.state.issues.get(t.jira_key)!.parentKey).toBe(t.story_key);

    const again = await runJob(h, '/plan/epic/create', { ...withUrl(), dry_run: false });
    expect(again.result.epic).toMatchObject({ outcome: 'already_existed', key: r.epic.key });
    expect(h.emu.state.issues.size).toBe(before + 1 + 8 + tasks.length);
    expect(blocksLinks(h).length).toBe(linksBefore + r.relationships.length);
  });
});

describe('request errors', () => {
  it.each([
    ['/plan/tasks/team-based', {}, 'story_keys'],
    ['/plan/tasks/generate', { story_keys: ['nope'] }, 'story_keys.0'],
    ['/plan/tests/story', { story_key: 'INV-2', coverage_level: 'everything' }, 'coverage_level'],
    ['/plan/tests/story', { story_key: 'INV-2', async_mode: true }, 'async_mode'],
    ['/plan/tests/task', { task_key: 'INV-2', extra: 1 }, 'body'],
    ['/generate/single', { ticket_key: 'INV-90', llm_provider: 'claude' }, 'llm_provider'],
    ['/analyze/story-coverage', { story_key: 'INV-2', repos: ['https://github.com/acme/app'] }, 'repos'],
    ['/plan/tests/comprehensive', { epic_key: 'INV-1', coverage_level: 'full' }, 'coverage_level'],
  ])('POST %s %j answers 400 naming %s', async (path, body, field) => {
    const res = await h.client.post(path, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.details.field).toBe(field);
  });

  it('answers 404 naming the field for an unknown story', async () => {
    const res = await h.client.post('/plan/tasks/team-based', { story_keys: ['INV-999'] });
    expect(res.status).toBe(404);
    expect(res.body.error.details.field).toBe('story_keys');
  });

  it('lists the planning routes in the OpenAPI document', async () => {
    const doc = (await h.client.get('/openapi.json')).body;
    for (const p of [
      '/plan/tasks/team-based',
      '/plan/tests/story',
      '/plan/tests/task',
      '/plan/validate/{epic_key}',
      '/analyze/story-coverage',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(issuesOf(h).length).toBeGreaterThan(0);
  });
});
