/**
 * The part sprint planning and timeline planning share: read an epic from Jira, work out the start date and
 * the capacity, and run the pure scheduler. Writing to Jira or the store is left to each processor.
 */
import {
  buildEpicTasks,
  capacityByRole,
  DependencyCycleError,
  type EpicStory,
  type EpicTask,
  outsideBlockerKeys,
  planSprints,
  type SkippedIssue,
  type SprintPlan,
  SprintPlanInput,
  type TeamMember,
} from '@augment/shared';
import type { JiraClient, JiraIssue, JiraSprint } from '../../adapters/jira/index.js';
import { finalError } from '../../errors.js';
import { childrenOf } from '../../planning/epic-context.js';
import type { JobContext } from '../types.js';

export type StartDateSource = 'request' | 'future_sprint' | 'active_sprint_end' | 'today';

const DAY_MS = 86_400_000;
const dateOf = (iso: string) => iso.slice(0, 10);
const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/**
 * Where the plan starts: the requested date; else the earliest start of the board's future sprints (so a
 * re-run lands on the sprints the first run created); else the day after the active sprint ends, unless
 * that is already past; else today (UTC).
 */
export function resolveStartDate(
  requested: string | undefined,
  boardSprints: readonly JiraSprint[],
  today: string,
): { date: string; source: StartDateSource } {
  if (requested) return { date: requested, source: 'request' };
  const futureStarts = boardSprints
    .filter((s) => s.state === 'future' && s.startDate)
    .map((s) => dateOf(s.startDate!))
    .sort();
  if (futureStarts[0]) return { date: futureStarts[0], source: 'future_sprint' };
  const activeEnds = boardSprints
    .filter((s) => s.state === 'active' && s.endDate)
    .map((s) => dateOf(s.endDate!))
    .sort();
  const lastActiveEnd = activeEnds[activeEnds.length - 1];
  if (lastActiveEnd && nextDay(lastActiveEnd) >= today) {
    return { date: nextDay(lastActiveEnd), source: 'active_sprint_end' };
  }
  return { date: today, source: 'today' };
}

export interface CapacityChoice {
  source: 'override' | 'team_members';
  team_id: number | null;
  /** Capacity per team per sprint, in person-days (for an override: the figure every team gets). */
  teams: Record<string, number>;
  override_days: number | null;
}

/**
 * Capacity per team: the request's override for every team, else the active members' capacity per role
 * (of one team when `teamId` is given). No override and no members is an error naming `overrideField`:
 * a plan with every task unscheduled helps no one.
 */
export function resolveCapacity(
  override: number | undefined,
  overrideField: string,
  members: readonly TeamMember[],
  teamId: number | undefined,
): CapacityChoice {
  if (override !== undefined) {
    return { source: 'override', team_id: teamId ?? null, teams: {}, override_days: override };
  }
  const teams = capacityByRole(members, teamId);
  if (Object.values(teams).every((d) => d <= 0)) {
    const scope = teamId !== undefined ? ` in team ${teamId}` : '';
    throw finalError(
      400,
      'no_capacity',
      `no active team members${scope} with capacity, so no sprint has room: add members with POST /team-members or pass ${overrideField}`,
      { field: overrideField },
    );
  }
  return { source: 'team_members', team_id: teamId ?? null, teams, override_days: null };
}

export interface EpicPlanRequest {
  epicKey: string;
  boardId?: number;
  startDate?: string;
  sprintDurationDays: number;
  capacityOverride?: number;
  /** Request field that carries the override, named in errors. */
  capacityField: string;
  teamId?: number;
  maxSprints?: number;
  /** Split a task longer than its team can do in a sprint over sprints (default), or refuse it. */
  splitLongTasks?: boolean;
}

/** A planned child of the epic as the span of its units on the timeline. */
export interface StorySpan extends EpicStory {
  /** Plan sprints its work runs in, first to last; empty when none of it is scheduled. */
  sprints: string[];
  first_sprint: number | null;
  last_sprint: number | null;
  start: string | null;
  end: string | null;
  estimate_days: number;
  /** Its units the plan could not schedule (the plan's `unscheduled` says why). */
  unscheduled: string[];
}

/** Each planned child of the epic as the span of its units on the plan's timeline. */
export function storySpans(
  stories: readonly EpicStory[],
  tasks: readonly EpicTask[],
  plan: SprintPlan,
): StorySpan[] {
  const days = new Map(tasks.map((t) => [t.key, t.estimate_days]));
  const unscheduled = new Set(plan.unscheduled.map((u) => u.key));
  return stories.map((story) => {
    const mine = new Set(story.tasks);
    const entries = plan.timeline.filter((e) => mine.has(e.key));
    const numbers = [...new Set(entries.map((e) => e.sprint_number))].sort((a, b) => a - b);
    const names = new Map(entries.map((e) => [e.sprint_number, e.sprint]));
    const starts = entries.map((e) => e.start).sort();
    const ends = entries.map((e) => e.end).sort();
    return {
      ...story,
      sprints: numbers.map((n) => names.get(n)!),
      first_sprint: numbers[0] ?? null,
      last_sprint: numbers[numbers.length - 1] ?? null,
      start: starts[0] ?? null,
      end: ends[ends.length - 1] ?? null,
      estimate_days: Math.round(story.tasks.reduce((sum, k) => sum + (days.get(k) ?? 0), 0) * 100) / 100,
      unscheduled: story.tasks.filter((k) => unscheduled.has(k)),
    };
  });
}

export interface EpicPlan {
  input: SprintPlanInput;
  plan: SprintPlan;
  /** The open children, by key (for sprint membership when moving). */
  issues: Map<string, JiraIssue>;
  tasks: EpicTask[];
  /** The epic's planned children, each as the span of its units. */
  stories: StorySpan[];
  skipped: SkippedIssue[];
  warnings: string[];
  start_date_source: StartDateSource;
  capacity: CapacityChoice;
  /** The board's sprints (all states) when a board was given, else empty. */
  boardSprints: JiraSprint[];
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Reads the epic and its board, builds the planner input and plans. Progress 10-50. */
export async function planEpic(
  jira: JiraClient,
  members: readonly TeamMember[],
  req: EpicPlanRequest,
  ctx: Pick<JobContext, 'progress' | 'signal'>,
): Promise<EpicPlan> {
  // Capacity first: a missing configuration should fail before any Jira call.
  const capacity = resolveCapacity(req.capacityOverride, req.capacityField, members, req.teamId);

  await ctx.progress('reading_epic', 10, { epic_key: req.epicKey });
  await jira.getIssue(req.epicKey, { fields: ['summary'] });
  const children = await jira.getEpicChildren(req.epicKey, { fields: ['components'] });
  ctx.signal.throwIfAborted();
  // The tasks /plan/tasks/create makes are sub-tasks of the stories: they are what gets scheduled.
  const parents = children.filter((c) => c.issueType.toLowerCase() !== 'epic').map((c) => c.key);
  const subtasks = await childrenOf(jira, parents, { fields: ['components'] });
  ctx.signal.throwIfAborted();

  let boardSprints: JiraSprint[] = [];
  if (req.boardId !== undefined) {
    await ctx.progress('reading_board', 25, { board_id: req.boardId });
    boardSprints = await jira.getBoardSprints(req.boardId);
  }
  const activeSprints = new Map(
    boardSprints.filter((s) => s.state === 'active').map((s) => [s.id, s.name] as const),
  );

  const warnings: string[] = [];
  const outside = outsideBlockerKeys([...children, ...subtasks]);
  const doneOutside = new Set<string>();
  if (outside.length > 0) {
    for (let i = 0; i < outside.length; i += 100) {
      const part = outside.slice(i, i + 100);
      try {
        const found = await jira.searchJql(`key in (${part.join(', ')})`, { fields: ['status'] });
        for (const issue of found) if (issue.statusCategory === 'done') doneOutside.add(issue.key);
      } catch {
        // A blocker we cannot see stays a dependency; the plan then reports what it holds up.
        warnings.push(`could not read the status of blockers outside the epic: ${part.join(', ')}`);
      }
    }
  }

  const built = buildEpicTasks(children, { subtasks, activeSprints, doneOutside });
  warnings.push(...built.warnings);
  const start = resolveStartDate(req.startDate, boardSprints, todayUtc());

  await ctx.progress('planning', 40, { tasks: built.tasks.length });
  const input = SprintPlanInput.parse({
    epic_key: req.epicKey,
    start_date: start.date,
    sprint_duration_days: req.sprintDurationDays,
    teams: Object.fromEntries(
      Object.entries(capacity.teams).map(([team, days]) => [team, { capacity_days_per_sprint: days }]),
    ),
    ...(capacity.override_days !== null ? { sprint_capacity_days: capacity.override_days } : {}),
    ...(req.maxSprints !== undefined ? { max_sprints: req.maxSprints } : {}),
    split_long_tasks: req.splitLongTasks ?? true,
    tasks: built.tasks.map((t) => ({
      key: t.key,
      summary: t.summary,
      team: t.team,
      estimate_days: t.estimate_days,
      depends_on: t.depends_on,
    })),
  });
  const plan = runPlanner(input);

  if (capacity.source === 'team_members') {
    const scope = capacity.team_id !== null ? ` in team ${capacity.team_id}` : '';
    const byTeam = new Map<string, string[]>();
    for (const u of plan.unscheduled) {
      if (u.code !== 'unknown_team' && u.code !== 'no_capacity') continue;
      const team = built.tasks.find((t) => t.key === u.key)?.team ?? '?';
      byTeam.set(team, [...(byTeam.get(team) ?? []), u.key]);
    }
    for (const [team, keys] of byTeam) {
      warnings.push(
        `no active member with the role "${team}"${scope} has capacity, so ${keys.join(', ')} cannot be planned: add one or pass ${req.capacityField}`,
      );
    }
  }
  const openOutside = outside.filter((k) => !doneOutside.has(k));
  if (openOutside.length > 0) {
    warnings.push(`blocked by open issues outside the epic (not planned): ${openOutside.join(', ')}`);
  }

  const stories = storySpans(built.stories, built.tasks, plan);
  const spanning = stories.filter((st) => st.sprints.length > 1 && st.tasks.some((k) => k !== st.key));
  if (spanning.length > 0) {
    warnings.push(
      `${spanning.length} stor${spanning.length === 1 ? 'y runs' : 'ies run'} over more than one sprint; Jira keeps ` +
        "sub-tasks in their story's sprint, so each story goes into the sprint its first task starts in and " +
        `carries over: ${spanning.map((st) => `${st.key} (${st.sprints[0]} to ${st.sprints[st.sprints.length - 1]})`).join(', ')}`,
    );
  }

  return {
    input,
    plan,
    issues: new Map(children.map((c) => [c.key, c])),
    tasks: built.tasks,
    stories,
    skipped: built.skipped,
    warnings,
    start_date_source: start.source,
    capacity,
    boardSprints,
  };
}

/** planSprints, with its errors turned into job errors that name the offending issues. */
export function runPlanner(input: SprintPlanInput): SprintPlan {
  try {
    return planSprints(input);
  } catch (err) {
    if (err instanceof DependencyCycleError) {
      const loop = [...err.cycle, err.cycle[0]].join(' -> ');
      throw finalError(
        422,
        'dependency_cycle',
        `the Blocks links of ${input.epic_key} form a cycle, so no order can satisfy them: ${loop}. Remove one of these links.`,
        { field: 'issuelinks', cycle: [...err.cycle] },
        err,
      );
    }
    throw err;
  }
}

/** The planner's view of the epic, for results (what each task became and why). */
export function describeEpicPlan(p: EpicPlan) {
  return {
    start_date: p.input.start_date,
    start_date_source: p.start_date_source,
    sprint_duration_days: p.input.sprint_duration_days,
    capacity: p.capacity,
    tasks: p.tasks,
    stories: p.stories,
    skipped: p.skipped,
    warnings: p.warnings,
  };
}
