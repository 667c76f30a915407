/**
 * `sprint_planning` (POST /sprint/plan/epic): plans an epic's open work into sprints of a board.
 *
 * The plan schedules units of work (the stories' sub-tasks, and children without sub-tasks, see
 * shared/src/sprint/epic-tasks.ts). Jira keeps a sub-task in its story's sprint, so what moves on the board is the
 * epic's children: each into the sprint where its first unit starts (a story whose sub-tasks run over
 * several sprints carries over, as the result's `stories` and a warning show).
 *
 * dry_run (default): the plan and what would change on the board. Otherwise the plan's sprints are found by
 * name on the board or created (with their dates), and each issue not already in its planned sprint is
 * moved there, 50 per request. Re-running (or a retried job) creates no sprint twice and moves nothing that
 * is already in place.
 */
import type { SprintPlanRequest } from '@augment/shared';
import type { JiraClient, JiraIssue, JiraSprint } from '../../adapters/jira/index.js';
import { finalError } from '../../errors.js';
import type { Processor } from '../types.js';
import { describeEpicPlan, type EpicPlan, planEpic } from './sprint-epic-plan.js';

/** Jira refuses sprint names over 30 characters. */
export const SPRINT_NAME_MAX = 30;

/** The board sprint name of plan sprint `number`; the planner's name unless Jira would refuse it. */
export function jiraSprintName(planName: string, epicKey: string, number: number): string {
  if (planName.length <= SPRINT_NAME_MAX) return planName;
  const suffix = ` S${number}`;
  return `${epicKey.slice(0, SPRINT_NAME_MAX - suffix.length)}${suffix}`;
}

/** Sprint dates sent to Jira: the working day's usual hours, in UTC. */
export const sprintStart = (date: string) => `${date}T09:00:00.000Z`;
export const sprintEnd = (date: string) => `${date}T17:00:00.000Z`;

interface SprintTarget {
  name: string;
  number: number;
  start_date: string;
  end_date: string;
  /** Units of work planned in this sprint (sub-tasks and children without sub-tasks). */
  tasks: string[];
  /** Children of the epic that go into this sprint on the board: those whose first unit starts here. */
  issues: string[];
  sprint_id: number | null;
  state: JiraSprint['state'] | null;
  action: 'create' | 'reuse';
}

function targetsOf(p: EpicPlan, epicKey: string): SprintTarget[] {
  return p.plan.sprints.map((s) => {
    const name = jiraSprintName(s.name, epicKey, s.number);
    const existing = p.boardSprints.find((b) => b.name === name);
    return {
      name,
      number: s.number,
      start_date: s.start_date,
      end_date: s.end_date,
      tasks: s.tasks,
      issues: p.stories.filter((st) => st.first_sprint === s.number).map((st) => st.key),
      sprint_id: existing?.id ?? null,
      state: existing?.state ?? null,
      action: existing ? 'reuse' : 'create',
    };
  });
}

const inSprint = (issue: JiraIssue | undefined, sprintId: number | null) =>
  sprintId !== null && issue?.sprintIds.includes(sprintId) === true;

export const sprintPlanningProcessor: Processor<SprintPlanRequest, unknown> = async (input, ctx) => {
  const { jira } = ctx.services.atlassian(ctx.credentials);
  const members = ctx.services.teamMembers.list(ctx.tenant, { active: true });
  const p = await planEpic(
    jira,
    members,
    {
      epicKey: input.epic_key,
      boardId: input.board_id,
      startDate: input.start_date,
      sprintDurationDays: input.sprint_duration_days,
      capacityOverride: input.sprint_capacity_days,
      capacityField: 'sprint_capacity_days',
      teamId: input.team_id,
      maxSprints: input.max_sprints,
      splitLongTasks: input.split_long_tasks,
    },
    ctx,
  );
  const targets = targetsOf(p, input.epic_key);
  const closed = targets.find((t) => t.state === 'closed');
  if (closed) {
    throw finalError(
      409,
      'sprint_closed',
      `sprint "${closed.name}" (${closed.sprint_id}) on board ${input.board_id} is closed, so issues cannot move into it; rename it or plan from a later start_date`,
      { field: 'start_date', sprint_id: closed.sprint_id },
    );
  }
  const base = {
    epic_key: input.epic_key,
    board_id: input.board_id,
    dry_run: input.dry_run,
    engine: 'rules' as const,
    ...describeEpicPlan(p),
    plan: p.plan,
  };

  if (input.dry_run) {
    const toMove: { key: string; sprint: string; sprint_id: number | null }[] = [];
    const inPlace: string[] = [];
    for (const t of targets) {
      for (const key of t.issues) {
        if (inSprint(p.issues.get(key), t.sprint_id)) inPlace.push(key);
        else toMove.push({ key, sprint: t.name, sprint_id: t.sprint_id });
      }
    }
    await ctx.progress('done', 100, { sprints: targets.length });
    return {
      ...base,
      sprints: targets.map(({ state: _s, ...t }) => t),
      jira: {
        sprints_to_create: targets.filter((t) => t.action === 'create').map((t) => t.name),
        sprints_to_reuse: targets
          .filter((t) => t.action === 'reuse')
          .map((t) => ({ name: t.name, sprint_id: t.sprint_id })),
        issues_to_move: toMove,
        issues_in_place: inPlace,
      },
    };
  }

  const applied = await applyPlan(jira, input.board_id, input.epic_key, targets, p, ctx);
  await ctx.progress('done', 100, {
    sprints_created: applied.sprints_created.length,
    issues_moved: applied.issues_moved.length,
  });
  return { ...base, sprints: applied.sprints, jira: applied.jira };
};

async function applyPlan(
  jira: JiraClient,
  boardId: number,
  epicKey: string,
  targets: SprintTarget[],
  p: EpicPlan,
  ctx: Parameters<typeof sprintPlanningProcessor>[1],
) {
  const created: { name: string; sprint_id: number }[] = [];
  const reused: { name: string; sprint_id: number }[] = [];
  const sprints: (Omit<SprintTarget, 'state' | 'action'> & { sprint_id: number; action: string })[] = [];
  await ctx.progress('creating_sprints', 55, { sprints: targets.length });
  for (const t of targets) {
    ctx.signal.throwIfAborted();
    const sprint =
      t.sprint_id !== null
        ? { id: t.sprint_id, created: false }
        : await jira.createSprintOnce({
            boardId,
            name: t.name,
            startDate: sprintStart(t.start_date),
            endDate: sprintEnd(t.end_date),
            goal: `Planned by Augment for ${epicKey}`,
          });
    (sprint.created ? created : reused).push({ name: t.name, sprint_id: sprint.id });
    const { state: _s, action: _a, ...rest } = t;
    sprints.push({ ...rest, sprint_id: sprint.id, action: sprint.created ? 'created' : 'reused' });
  }

  const moved: { key: string; sprint: string; sprint_id: number }[] = [];
  const inPlace: string[] = [];
  for (const [i, s] of sprints.entries()) {
    ctx.signal.throwIfAborted();
    const keys = s.issues.filter((key) => {
      if (inSprint(p.issues.get(key), s.sprint_id)) {
        inPlace.push(key);
        return false;
      }
      return true;
    });
    if (keys.length > 0) {
      await jira.moveIssuesToSprint(s.sprint_id, keys);
      for (const key of keys) moved.push({ key, sprint: s.name, sprint_id: s.sprint_id });
    }
    await ctx.progress('moving_issues', 60 + Math.round((35 * (i + 1)) / sprints.length), {
      sprint: s.name,
      moved: keys.length,
    });
  }
  return {
    sprints,
    sprints_created: created,
    issues_moved: moved,
    jira: {
      sprints_created: created,
      sprints_reused: reused,
      issues_moved: moved,
      issues_in_place: inPlace,
    },
  };
}
