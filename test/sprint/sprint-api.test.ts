/**
 * Sprint planning end to end: the runner (API + worker, real Redis) against the Jira emulator.
 * Tests in this file run in order and share one emulator: later ones build on the sprints earlier ones made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { api, cleanPrefix, testEnv, waitFor, withRunner } from '../helpers/runner.js';
import {
  ACTIVE_SPRINT,
  CYCLE_EPIC,
  EPIC,
  EXPECTED,
  MANUAL_BOARD,
  MEMBERS,
  PLAN_BOARD,
  sprintSeed,
} from './seed.js';

let emu: Emulator;
let runner: Runner;
let prefix: string;
let c: ReturnType<typeof api>;

beforeAll(async () => {
  emu = await startEmulator({ seed: sprintSeed() });
  const { email, apiToken } = emu.credentials.admin;
  const env = testEnv({
    JIRA_SERVER_URL: emu.url,
    JIRA_USERNAME: email,
    JIRA_API_TOKEN: apiToken,
    CONFLUENCE_SERVER_URL: `${emu.url}/wiki`,
  });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env);
  c = api(runner);
});
afterAll(async () => {
  await runner?.stop();
  await emu?.close();
  await cleanPrefix(prefix);
});

interface TimelineEntry {
  key: string;
  team: string;
  sprint: string;
  sprint_number: number;
  start_offset: number;
  end_offset: number;
}
interface PlannedSprint {
  name: string;
  tasks: string[];
  capacity: Record<string, number>;
  used: Record<string, number>;
}

const sprintIdsOf = (key: string) => emu.state.issues.get(key)!.sprintIds;
const moveRequests = () =>
  emu.state.requests.filter(
    (r) => r.method === 'POST' && /\/rest\/agile\/1\.0\/sprint\/\d+\/issue$/.test(r.path),
  ).length;
const planBody = (extra: Record<string, unknown> = {}) => ({
  epic_key: EPIC,
  board_id: PLAN_BOARD,
  start_date: '2027-01-04',
  team_id: 1,
  ...extra,
});

describe('sprint planning of an epic', () => {
  it('refuses to plan without capacity, naming sprint_capacity_days, before members exist', async () => {
    const res = await c.post('/sprint/plan/epic', planBody());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('no_capacity');
    expect(res.body.error.details.field).toBe('sprint_capacity_days');
    for (const m of MEMBERS) expect((await c.post('/team-members', m)).status).toBe(201);
  });

  it('previews a plan (dry run by default) that respects Blocks links and the capacity of team 1', async () => {
    const sprintsBefore = emu.state.sprints.size;
    const res = await c.post('/sprint/plan/epic', planBody());
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.dry_run).toBe(true);
    expect(r.capacity).toMatchObject({
      source: 'team_members',
      team_id: 1,
      teams: { backend: 16, frontend: 6, qa: 4 },
    });

    // What was read from Jira: teams, estimates and their sources; done and active-sprint children skipped.
    const tasks = Object.fromEntries(
      r.tasks.map((t: { key: string; team: string; estimate_days: number; estimate_source: string }) => [
        t.key,
        { team: t.team, days: t.estimate_days, source: t.estimate_source },
      ]),
    );
    expect(tasks).toEqual(EXPECTED);
    expect(r.skipped.map((s: { key: string }) => s.key).sort()).toEqual(['PLAN-11', 'PLAN-12']);
    expect(r.warnings.join('\n')).toContain('PLAN-9');
    const deps = Object.fromEntries(
      r.tasks.map((t: { key: string; depends_on: string[] }) => [t.key, t.depends_on]),
    );
    expect(deps['PLAN-10']).toEqual([]); // its blocker is in the active sprint
    expect(deps['PLAN-2']).toEqual([]); // its blocker is done
    expect(deps['PLAN-7']).toEqual(['PLAN-4']);

    const plan = r.plan;
    expect(plan.unscheduled).toEqual([]);
    expect(plan.timeline).toHaveLength(Object.keys(EXPECTED).length);
    const at = new Map<string, TimelineEntry>(plan.timeline.map((e: TimelineEntry) => [e.key, e]));
    for (const [key, blockers] of Object.entries(deps) as [string, string[]][]) {
      const t = at.get(key)!;
      for (const b of blockers) {
        const e = at.get(b)!;
        const before =
          e.sprint_number < t.sprint_number ||
          (e.sprint_number === t.sprint_number && e.end_offset <= t.start_offset);
        expect(before, `${b} must end before ${key} starts`).toBe(true);
      }
    }
    for (const s of plan.sprints as PlannedSprint[]) {
      for (const [team, used] of Object.entries(s.used)) {
        expect(used, `${s.name} ${team}`).toBeLessThanOrEqual(s.capacity[team]!);
      }
      expect(s.capacity.backend).toBe(16);
    }
    // Frontend has 6 days a sprint for 12 days of work: at least two sprints.
    expect(plan.sprints.length).toBeGreaterThanOrEqual(2);

    expect(r.jira.sprints_to_create).toEqual(plan.sprints.map((s: PlannedSprint) => s.name));
    expect(r.jira.issues_to_move).toHaveLength(Object.keys(EXPECTED).length);
    expect(emu.state.sprints.size).toBe(sprintsBefore);
    expect(sprintIdsOf('PLAN-2')).toEqual([]);
  });

  it('uses every active member without team_id, and the override when given', async () => {
    const all = await c.post('/sprint/plan/epic', planBody({ team_id: undefined }));
    expect(all.body.result.capacity.teams.backend).toBe(26);
    const override = await c.post('/sprint/plan/epic', planBody({ sprint_capacity_days: 30 }));
    expect(override.body.result.capacity).toMatchObject({ source: 'override', override_days: 30 });
    expect(override.body.result.plan.sprints[0].capacity.frontend).toBe(30);
  });

  let planned: { name: string; sprint_id: number; tasks: string[] }[] = [];

  it('creates the sprints on the board and moves each issue into its sprint', async () => {
    const res = await c.post('/sprint/plan/epic', planBody({ dry_run: false }));
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.dry_run).toBe(false);
    planned = r.sprints;
    expect(r.jira.sprints_created.map((s: { name: string }) => s.name)).toEqual(planned.map((s) => s.name));
    expect(r.jira.sprints_reused).toEqual([]);
    expect(r.jira.issues_moved).toHaveLength(Object.keys(EXPECTED).length);
    for (const s of planned) {
      const sprint = emu.state.sprints.get(s.sprint_id)!;
      expect(sprint).toMatchObject({ name: s.name, boardId: PLAN_BOARD, state: 'future' });
      expect(sprint.startDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      for (const key of s.tasks) expect(sprintIdsOf(key)).toEqual([s.sprint_id]);
    }
    expect(planned[0]!.name).toBe(`${EPIC} Sprint 1`);
    expect(emu.state.sprints.get(planned[0]!.sprint_id)!.startDate).toBe('2027-01-04T09:00:00.000Z');
    // The active sprint keeps its work.
    expect(sprintIdsOf('PLAN-12')).toEqual([ACTIVE_SPRINT]);
  });

  it('re-running creates no sprint and moves nothing, starting from the sprints it made', async () => {
    const sprintsBefore = emu.state.sprints.size;
    const movesBefore = moveRequests();
    const res = await c.post('/sprint/plan/epic', planBody({ dry_run: false, start_date: undefined }));
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.start_date).toBe('2027-01-04');
    expect(r.start_date_source).toBe('future_sprint');
    expect(r.jira.sprints_created).toEqual([]);
    expect(r.jira.sprints_reused.map((s: { sprint_id: number }) => s.sprint_id)).toEqual(
      planned.map((s) => s.sprint_id),
    );
    expect(r.jira.issues_moved).toEqual([]);
    expect(r.jira.issues_in_place.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(emu.state.sprints.size).toBe(sprintsBefore);
    expect(moveRequests()).toBe(movesBefore);
  });

  it('moves back only what is out of place after someone moved an issue by hand', async () => {
    const first = planned[0]!;
    const key = first.tasks[0]!;
    const moved = await c.post(`/sprint/${first.sprint_id}/remove`, { issue_keys: [key], dry_run: false });
    expect(moved.body.moved).toEqual([key]);
    expect(sprintIdsOf(key)).toEqual([]);
    const res = await c.post('/sprint/plan/epic', planBody({ dry_run: false }));
    expect(res.body.result.jira.issues_moved).toEqual([
      { key, sprint: first.name, sprint_id: first.sprint_id },
    ]);
    expect(sprintIdsOf(key)).toEqual([first.sprint_id]);
  });

  it('names the invalid field of a plan request', async () => {
    const noBoard = await c.post('/sprint/plan/epic', { epic_key: EPIC });
    expect(noBoard.status).toBe(400);
    expect(noBoard.body.error.details.field).toBe('board_id');
    const badDate = await c.post('/sprint/plan/epic', planBody({ start_date: '2027-02-30' }));
    expect(badDate.body.error.details.field).toBe('start_date');
    const unknownEpic = await c.post('/sprint/plan/epic', planBody({ epic_key: 'PLAN-999' }));
    expect(unknownEpic.status).toBe(404);
  });

  it('fails on a cycle of Blocks links with an error naming the tasks, inline and as a job', async () => {
    const inline = await c.post('/sprint/plan/epic', planBody({ epic_key: CYCLE_EPIC }));
    expect(inline.status).toBe(422);
    expect(inline.body.error.code).toBe('dependency_cycle');
    for (const key of ['PLAN-21', 'PLAN-22', 'PLAN-23']) expect(inline.body.error.message).toContain(key);
    expect(inline.body.error.details.cycle).toHaveLength(3);

    const queued = await c.post('/sprint/plan/epic', planBody({ epic_key: CYCLE_EPIC, async_mode: true }));
    expect(queued.status).toBe(202);
    const job = await waitFor(async () => {
      const j = await c.get(`/jobs/${queued.body.job_id}`);
      return j.body.status === 'failed' ? j.body : undefined;
    });
    expect(job.error).toMatch(/cycle/);
    for (const key of ['PLAN-21', 'PLAN-22', 'PLAN-23']) expect(job.error).toContain(key);
    expect(job.attempts_made).toBe(1);
  });

  it('runs as a background job and reports the plan as its result', async () => {
    const queued = await c.post('/sprint/plan/epic', planBody({ async_mode: true }));
    expect(queued.status).toBe(202);
    const job = await waitFor(async () => {
      const j = await c.get(`/jobs/${queued.body.job_id}`);
      return j.body.status === 'completed' ? j.body : undefined;
    });
    expect(job.progress).toMatchObject({ stage: 'done', percent: 100 });
    expect(job.result.plan.timeline).toHaveLength(Object.keys(EXPECTED).length);
  });
});

describe('timelines', () => {
  it('returns a timeline without storing it on a dry run', async () => {
    const res = await c.post('/sprint/timeline', { epic_key: EPIC, start_date: '2027-03-01', team_id: 1 });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ dry_run: true, stored: false, timeline_id: null });
    expect(res.body.result.gantt_text).toContain(`${EPIC} Sprint 1`);
    const get = await c.get(`/sprint/timeline/${EPIC}`);
    expect(get.status).toBe(404);
    expect(get.body.error.details.field).toBe('epic_key');
  });

  it('stores the timeline with dry_run false and serves the newest as JSON, HTML and text', async () => {
    const first = await c.post('/sprint/timeline', {
      epic_key: EPIC,
      start_date: '2027-03-01',
      team_capacity_days: 10,
      dry_run: false,
    });
    expect(first.body.result.stored).toBe(true);
    const second = await c.post('/sprint/timeline', {
      epic_key: EPIC,
      board_id: PLAN_BOARD,
      start_date: '2027-04-05',
      team_id: 1,
      dry_run: false,
    });
    expect(second.body.result.timeline_id).toBeGreaterThan(first.body.result.timeline_id);

    const json = await c.get(`/sprint/timeline/${EPIC}`);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      epic_key: EPIC,
      timeline_id: second.body.result.timeline_id,
      versions: 2,
      start_date: '2027-04-05',
    });
    expect(json.body.plan.timeline).toHaveLength(Object.keys(EXPECTED).length);

    const html = await c.get(`/sprint/timeline/${EPIC}?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toMatch(/<html/i);
    expect(html.text).toContain('PLAN-6');

    const text = await c.get(`/sprint/timeline/${EPIC}?format=text`);
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(text.text).toContain('2027-04-05');

    const bad = await c.get(`/sprint/timeline/${EPIC}?format=pdf`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('format');
    expect((await c.get('/sprint/timeline/not-a-key')).body.error.details.field).toBe('epic_key');
  });
});

describe('sprints by hand', () => {
  let sprintId = 0;

  it('previews, creates and then reuses a sprint by name', async () => {
    const body = {
      board_id: MANUAL_BOARD,
      name: 'Hardening',
      start_date: '2027-05-03',
      end_date: '2027-05-14',
      goal: 'Fix what the launch found',
    };
    const before = emu.state.sprints.size;
    const preview = await c.post('/sprint/create', body);
    expect(preview.status).toBe(200);
    expect(preview.body.action).toBe('would_create');
    expect(emu.state.sprints.size).toBe(before);

    const created = await c.post('/sprint/create', { ...body, dry_run: false });
    expect(created.status).toBe(201);
    expect(created.body.action).toBe('created');
    sprintId = created.body.sprint.id;
    expect(emu.state.sprints.get(sprintId)).toMatchObject({
      name: 'Hardening',
      boardId: MANUAL_BOARD,
      startDate: '2027-05-03T09:00:00.000Z',
      endDate: '2027-05-14T17:00:00.000Z',
    });

    const again = await c.post('/sprint/create', { ...body, dry_run: false });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ action: 'reused', sprint: { id: sprintId } });
    expect(emu.state.sprints.size).toBe(before + 1);
  });

  it('names the invalid field of a create', async () => {
    const long = await c.post('/sprint/create', { board_id: MANUAL_BOARD, name: 'x'.repeat(31) });
    expect(long.body.error.details.field).toBe('name');
    const backwards = await c.post('/sprint/create', {
      board_id: MANUAL_BOARD,
      name: 'Backwards',
      start_date: '2027-05-10',
      end_date: '2027-05-03',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details.field).toBe('end_date');
    const unknown = await c.post('/sprint/create', { board_id: MANUAL_BOARD, name: 'X', colour: 'red' });
    expect(unknown.status).toBe(400);
  });

  it('assigns issues in a dry run without moving them, then for real, then finds nothing to do', async () => {
    const keys = ['PLAN-21', 'PLAN-22'];
    const preview = await c.post(`/sprint/${sprintId}/assign`, { issue_keys: keys });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dry_run: true, would_move: keys, unchanged: [] });
    expect(preview.body).not.toHaveProperty('moved');
    expect(sprintIdsOf('PLAN-21')).toEqual([]);

    const real = await c.post(`/sprint/${sprintId}/assign`, { issue_keys: keys, dry_run: false });
    expect(real.body).toMatchObject({ dry_run: false, moved: keys, sprint_name: 'Hardening' });
    expect(real.body).not.toHaveProperty('would_move');
    expect(sprintIdsOf('PLAN-21')).toEqual([sprintId]);
    expect(sprintIdsOf('PLAN-22')).toEqual([sprintId]);

    const again = await c.post(`/sprint/${sprintId}/assign`, { issue_keys: keys, dry_run: false });
    expect(again.body).toMatchObject({ moved: [], unchanged: keys });

    const issues = await c.get(`/sprint/${sprintId}/issues`);
    expect(issues.status).toBe(200);
    expect(issues.body.issues.map((i: { key: string }) => i.key)).toEqual(keys);
    expect(issues.body.issues[0]).toMatchObject({ team: 'backend', estimate_days: 1 });
    expect(issues.body.estimate_days).toBe(2);
  });

  it('removes to the backlog only issues of this sprint, dry run first', async () => {
    const preview = await c.post(`/sprint/${sprintId}/remove`, { issue_keys: ['PLAN-21', 'PLAN-23'] });
    expect(preview.body).toMatchObject({ dry_run: true, would_move: ['PLAN-21'], unchanged: ['PLAN-23'] });
    expect(preview.body).not.toHaveProperty('moved');
    expect(sprintIdsOf('PLAN-21')).toEqual([sprintId]);
    const real = await c.post(`/sprint/${sprintId}/remove`, {
      issue_keys: ['PLAN-21', 'PLAN-23'],
      dry_run: false,
    });
    expect(real.body.moved).toEqual(['PLAN-21']);
    expect(sprintIdsOf('PLAN-21')).toEqual([]);
    expect(sprintIdsOf('PLAN-22')).toEqual([sprintId]);
  });

  it('answers 404 for unknown sprints and issues and 400 naming the field', async () => {
    const unknownIssue = await c.post(`/sprint/${sprintId}/assign`, { issue_keys: ['PLAN-21', 'PLAN-404'] });
    expect(unknownIssue.status).toBe(404);
    expect(unknownIssue.body.error.message).toContain('PLAN-404');
    expect(unknownIssue.body.error.details).toMatchObject({ field: 'issue_keys', missing: ['PLAN-404'] });
    expect((await c.post('/sprint/9999/assign', { issue_keys: ['PLAN-21'] })).status).toBe(404);
    expect((await c.get('/sprint/9999')).status).toBe(404);
    expect((await c.get('/sprint/9999/issues')).status).toBe(404);
    expect((await c.get('/sprint/board/99/sprints')).status).toBe(404);

    const badKey = await c.post(`/sprint/${sprintId}/assign`, { issue_keys: ['plan 21'] });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details.field).toBe('issue_keys.0');
    const empty = await c.post(`/sprint/${sprintId}/assign`, { issue_keys: [] });
    expect(empty.body.error.details.field).toBe('issue_keys');
    const notNumber = await c.get('/sprint/abc');
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.error.details.field).toBe('sprint_id');
  });

  it('lists board sprints with a state filter and reads one sprint', async () => {
    const all = await c.get(`/sprint/board/${PLAN_BOARD}/sprints`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(all.body.sprints.length);
    expect(all.body.sprints.map((s: { state: string }) => s.state)).toContain('active');
    const future = await c.get(`/sprint/board/${PLAN_BOARD}/sprints?state=future`);
    expect(future.body.sprints.length).toBe(all.body.total - 1);
    expect(future.body.sprints.every((s: { state: string }) => s.state === 'future')).toBe(true);
    const both = await c.get(`/sprint/board/${PLAN_BOARD}/sprints?state=active,future`);
    expect(both.body.total).toBe(all.body.total);
    const bad = await c.get(`/sprint/board/${PLAN_BOARD}/sprints?state=open`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('state');

    const one = await c.get(`/sprint/${sprintId}`);
    expect(one.body).toMatchObject({
      id: sprintId,
      name: 'Hardening',
      state: 'future',
      board_id: MANUAL_BOARD,
    });
  });

  it('updates only the fields given and names invalid ones', async () => {
    const res = await c.call('PUT', `/sprint/${sprintId}`, {
      goal: 'Stabilise checkout',
      end_date: '2027-05-21',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      goal: 'Stabilise checkout',
      name: 'Hardening',
      end_date: '2027-05-21T17:00:00.000Z',
    });
    expect(emu.state.sprints.get(sprintId)!.goal).toBe('Stabilise checkout');

    const empty = await c.call('PUT', `/sprint/${sprintId}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.field).toBe('body');
    const badState = await c.call('PUT', `/sprint/${sprintId}`, { state: 'done' });
    expect(badState.body.error.details.field).toBe('state');
    const missing = await c.call('PUT', '/sprint/9999', { goal: 'x' });
    expect(missing.status).toBe(404);
  });

  it('keeps the static sprint paths apart from sprint ids in the OpenAPI document', async () => {
    const doc = await c.get('/openapi.json');
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/sprint/board/{board_id}/sprints',
      '/sprint/timeline/{epic_key}',
      '/sprint/create',
      '/sprint/{sprint_id}',
      '/sprint/{sprint_id}/issues',
      '/sprint/{sprint_id}/assign',
      '/sprint/{sprint_id}/remove',
      '/sprint/plan/epic',
      '/sprint/timeline',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
