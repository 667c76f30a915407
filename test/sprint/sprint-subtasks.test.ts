/**
 * The plan Augment makes drives its own sprint plan: /plan/tasks/create writes each story's team tasks as
 * sub-tasks (team labels, original estimates, "Blocks" links), then /sprint/plan/epic schedules those
 * sub-tasks, not the stories. Runner (API + worker, real Redis) against the Jira emulator, which keeps
 * sub-tasks in their story's sprint as Jira does. Tests run in order and build on each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../runner/src/server.js';
import { clientsFor } from '../atlassian/helpers.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { api, cleanPrefix, testEnv, waitFor, withRunner } from '../helpers/runner.js';

const EPIC = 'SUB-1';
const BOARD = 1;
const CAPACITY = 8;
/** Stories planned by /plan/tasks/create; SUB-2 blocks SUB-3 (a link between stories). */
const PLANNED = ['SUB-2', 'SUB-3', 'SUB-4'];
/** A story nobody broke down (13 points: more than a team does in a sprint) and a task under the epic. */
const WHOLE_STORY = 'SUB-5';
const TASK = 'SUB-6';

const story = (key: string, summary: string, description: string, extra: Record<string, unknown> = {}) => ({
  key,
  projectKey: 'SUB',
  issueType: 'Story',
  parentKey: EPIC,
  summary,
  description,
  ...extra,
});

let emu: Emulator;
let runner: Runner;
let prefix: string;
let c: ReturnType<typeof api>;

beforeAll(async () => {
  emu = await startEmulator({
    seed: {
      projects: [{ key: 'SUB', name: 'Subscriptions' }],
      issues: [
        { key: EPIC, projectKey: 'SUB', issueType: 'Epic', summary: 'Subscriptions' },
        story(
          'SUB-2',
          'Subscription plans',
          'As an admin I can define monthly and yearly plans with a price, stored in the database and served by an API.\n\nAcceptance criteria:\n- A plan has a name, a period and a price\n- Plans are listed on the pricing page',
        ),
        story(
          'SUB-3',
          'Subscribe to a plan',
          'As a customer I can subscribe to a plan from the pricing page and pay by card.\n\nAcceptance criteria:\n- The subscribe button starts checkout\n- A paid subscription is active at once',
        ),
        story(
          'SUB-4',
          'Cancel a subscription',
          'As a customer I can cancel my subscription from my account page; the API stops renewals.\n\nAcceptance criteria:\n- Cancelling stops the next renewal\n- The account page shows the end date',
        ),
        story(WHOLE_STORY, 'Dunning emails', 'Retry failed renewals and email the customer.', {
          storyPoints: 13,
          labels: ['team:backend'],
        }),
        {
          key: TASK,
          projectKey: 'SUB',
          issueType: 'Task',
          parentKey: EPIC,
          summary: 'Billing dashboards',
          labels: ['team:data'],
          originalEstimate: '2d',
        },
      ],
      links: [{ blocker: 'SUB-2', blocked: 'SUB-3' }],
      boards: [{ id: BOARD, name: 'SUB board', projectKey: 'SUB', type: 'scrum' }],
    },
  });
  const { email, apiToken } = emu.credentials.admin;
  const env = testEnv({ JIRA_SERVER_URL: emu.url, JIRA_USERNAME: email, JIRA_API_TOKEN: apiToken });
  prefix = env.QUEUE_PREFIX;
  runner = await withRunner(env);
  c = api(runner);
});
afterAll(async () => {
  await runner?.stop();
  await emu?.close();
  await cleanPrefix(prefix);
});

interface Entry {
  key: string;
  team: string;
  sprint_number: number;
  start: string;
  end: string;
  start_offset: number;
  end_offset: number;
  days: number;
  part: number;
  parts: number;
}
interface Sprint {
  name: string;
  number: number;
  start_date: string;
  end_date: string;
  tasks: string[];
  capacity: Record<string, number>;
  used: Record<string, number>;
}

const issues = () => [...emu.state.issues.values()];
const subtasksOf = (key: string) => issues().filter((i) => i.parentKey === key);
const blocksLinks = () => {
  const type = emu.state.linkTypes.find((t) => t.name === 'Blocks')!;
  return emu.state.links
    .filter((l) => l.typeId === type.id)
    .map((l) => ({ blocker: l.inward, blocked: l.outward }));
};
const moveRequests = () =>
  emu.state.requests.filter(
    (r) => r.method === 'POST' && /\/rest\/agile\/1\.0\/sprint\/\d+\/issue$/.test(r.path),
  ).length;
const plan = (extra: Record<string, unknown> = {}) =>
  c.post('/sprint/plan/epic', {
    epic_key: EPIC,
    board_id: BOARD,
    start_date: '2027-01-04',
    sprint_capacity_days: CAPACITY,
    async_mode: true,
    ...extra,
  });
async function finished(jobId: string) {
  const job = await waitFor(async () => {
    const j = await c.get(`/jobs/${jobId}`);
    return ['completed', 'failed'].includes(j.body?.status) ? j.body : undefined;
  }, 60_000);
  expect(job.status, job.error).toBe('completed');
  return job.result;
}

describe('an epic planned by Augment, then planned into sprints', () => {
  let subtasks: string[] = [];

  it('creates the team tasks of the stories as sub-tasks with team labels, estimates and Blocks links', async () => {
    const res = await c.post('/plan/tasks/create', { story_keys: PLANNED, epic_key: EPIC, dry_run: false });
    expect(res.status, res.text).toBe(200);
    for (const key of PLANNED) {
      const subs = subtasksOf(key);
      expect(subs.length, key).toBeGreaterThan(1);
      for (const s of subs) {
        expect(s.labels.some((l) => l.startsWith('team:'))).toBe(true);
        expect(s.originalEstimateSeconds).toBeGreaterThan(0);
      }
    }
    subtasks = PLANNED.flatMap((k) => subtasksOf(k).map((s) => s.key));
    expect(blocksLinks().filter((l) => subtasks.includes(l.blocked)).length).toBeGreaterThan(0);
  });

  let result: any;
  let sprintIds: Map<string, number>;

  it('schedules every sub-task after its blockers, within capacity, with dates inside its sprint', async () => {
    // A link between two stories' sub-tasks too: SUB-4's first task waits for SUB-2's first one.
    const [early] = subtasksOf('SUB-2');
    const [later] = subtasksOf('SUB-4');
    await clientsFor(emu).jira.linkOnce(early!.key, later!.key);

    const queued = await plan({ dry_run: false });
    expect(queued.status, queued.text).toBe(202);
    result = await finished(queued.body.job_id);
    const p = result.plan;
    expect(p.unscheduled).toEqual([]);

    // The units: every sub-task, the story nobody broke down and the task under the epic; no story twice.
    const scheduled = new Set<string>(p.timeline.map((e: Entry) => e.key));
    expect([...scheduled].sort()).toEqual([...subtasks, WHOLE_STORY, TASK].sort());
    for (const key of PLANNED) expect(scheduled.has(key)).toBe(false);
    const units = new Map<string, { team: string; depends_on: string[] }>(
      result.tasks.map((t: { key: string; team: string; depends_on: string[] }) => [t.key, t]),
    );
    for (const key of subtasks) {
      const label = emu.state.issues.get(key)!.labels.find((l) => l.startsWith('team:'))!;
      expect(units.get(key)!.team).toBe(label.slice('team:'.length));
    }

    // Every Blocks link between units holds: the blocker's last part ends before the dependent's first starts.
    const first = new Map<string, Entry>();
    const last = new Map<string, Entry>();
    for (const e of p.timeline as Entry[]) {
      if (!first.has(e.key) || e.part < first.get(e.key)!.part) first.set(e.key, e);
      if (!last.has(e.key) || e.part > last.get(e.key)!.part) last.set(e.key, e);
    }
    const endsBefore = (a: string, b: string) => {
      const x = last.get(a)!;
      const y = first.get(b)!;
      return (
        x.sprint_number < y.sprint_number ||
        (x.sprint_number === y.sprint_number && x.end_offset <= y.start_offset)
      );
    };
    const linked = blocksLinks().filter((l) => scheduled.has(l.blocker) && scheduled.has(l.blocked));
    expect(linked.length).toBeGreaterThan(3);
    for (const l of linked) {
      expect(units.get(l.blocked)!.depends_on).toContain(l.blocker);
      expect(endsBefore(l.blocker, l.blocked), `${l.blocker} blocks ${l.blocked}`).toBe(true);
    }
    expect(endsBefore(early!.key, later!.key)).toBe(true);
    // "SUB-2 blocks SUB-3": all of SUB-3's work after all of SUB-2's.
    for (const a of subtasksOf('SUB-2'))
      for (const b of subtasksOf('SUB-3'))
        expect(endsBefore(a.key, b.key), `${a.key} before ${b.key}`).toBe(true);

    // Capacity per team, and every date inside its sprint.
    const sprints = new Map<number, Sprint>(p.sprints.map((s: Sprint) => [s.number, s]));
    for (const s of sprints.values()) {
      for (const [team, used] of Object.entries(s.used)) {
        const work = (p.timeline as Entry[])
          .filter((e) => e.sprint_number === s.number && e.team === team)
          .reduce((sum, e) => sum + e.days, 0);
        expect(used).toBeCloseTo(work, 6);
        expect(used, `${s.name} ${team}`).toBeLessThanOrEqual(CAPACITY);
      }
    }
    for (const e of p.timeline as Entry[]) {
      const s = sprints.get(e.sprint_number)!;
      expect(e.start >= s.start_date && e.end <= s.end_date, `${e.key} in ${s.name}`).toBe(true);
    }
    // The 13-point story runs over two sprints (8 + 5 days), flagged.
    const whole = (p.timeline as Entry[]).filter((e) => e.key === WHOLE_STORY);
    expect(whole.map((e) => e.days)).toEqual([8, 5]);
    expect(whole[1]!.sprint_number).toBe(whole[0]!.sprint_number + 1);
    expect(p.flags.map((f: { key: string }) => f.key)).toEqual([WHOLE_STORY]);
  });

  it('shows each story as the span of its sub-tasks', () => {
    const spans = new Map<string, any>(result.stories.map((s: { key: string }) => [s.key, s]));
    for (const key of PLANNED) {
      const span = spans.get(key);
      const mine = (result.plan.timeline as Entry[]).filter((e) =>
        subtasksOf(key).some((s) => s.key === e.key),
      );
      expect(span.tasks.sort()).toEqual(
        subtasksOf(key)
          .map((s) => s.key)
          .sort(),
      );
      expect(span.start).toBe(mine.map((e) => e.start).sort()[0]);
      expect(span.end).toBe(
        mine
          .map((e) => e.end)
          .sort()
          .at(-1),
      );
      expect(span.first_sprint).toBe(Math.min(...mine.map((e) => e.sprint_number)));
      expect(span.last_sprint).toBe(Math.max(...mine.map((e) => e.sprint_number)));
    }
    expect(spans.get(WHOLE_STORY).sprints).toHaveLength(2);
  });

  it("creates the plan's sprints and moves each story into the sprint its first task starts in, sub-tasks with it", () => {
    const p = result.plan;
    expect(result.jira.sprints_created.map((s: { name: string }) => s.name)).toEqual(
      p.sprints.map((s: Sprint) => s.name),
    );
    sprintIds = new Map(
      result.sprints.map((s: { name: string; sprint_id: number }) => [s.name, s.sprint_id]),
    );
    const moved = new Map<string, number>(
      result.jira.issues_moved.map((m: { key: string; sprint_id: number }) => [m.key, m.sprint_id]),
    );
    // The epic's children move; the sub-tasks follow their story (Jira does not move them on their own).
    expect([...moved.keys()].sort()).toEqual([...PLANNED, WHOLE_STORY, TASK].sort());
    for (const span of result.stories) {
      const id = sprintIds.get(span.sprints[0])!;
      expect(moved.get(span.key)).toBe(id);
      expect(emu.state.issues.get(span.key)!.sprintIds).toEqual([id]);
      for (const sub of subtasksOf(span.key)) expect(sub.sprintIds).toEqual([id]);
    }
  });

  it('re-running creates no sprint and moves nothing', async () => {
    const sprintsBefore = emu.state.sprints.size;
    const movesBefore = moveRequests();
    const again = await finished((await plan({ dry_run: false })).body.job_id);
    expect(again.jira.sprints_created).toEqual([]);
    expect(again.jira.sprints_reused.map((s: { sprint_id: number }) => s.sprint_id)).toEqual([
      ...sprintIds.values(),
    ]);
    expect(again.jira.issues_moved).toEqual([]);
    expect(again.jira.issues_in_place.sort()).toEqual([...PLANNED, WHOLE_STORY, TASK].sort());
    expect(emu.state.sprints.size).toBe(sprintsBefore);
    expect(moveRequests()).toBe(movesBefore);
  });
});
