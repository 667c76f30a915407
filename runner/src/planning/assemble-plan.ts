/**
 * The epic-wide dependency pass over the tasks of several stories, in the order the shared engine
 * expects: team rules -> merge of the model's proposed links (a link that would close a cycle, point at
 * an unknown task or at itself is dropped and reported) -> splitting of long tasks -> "Blocks" links.
 */
import {
  applyTeamDependencies,
  buildRelationships,
  type DroppedDependency,
  mergeDependencies,
  type ProposedDependency,
  type Relationship,
  splitLongTasks,
  type Team,
  type TeamTask,
  type TestCase,
} from '@augment/shared';
import type { StoryTaskResult } from './generate.js';

export interface AssembledPlan {
  tasks: TeamTask[];
  /** `from` (the blocker) blocks `to`; task ids. */
  relationships: Relationship[];
  /** Proposed links that were refused, with the reason. */
  dropped: DroppedDependency[];
  /** Proposed links that were accepted. */
  added: { from: string; to: string; reason?: string }[];
}

export function assembleTaskPlan(
  results: readonly StoryTaskResult[],
  maxTaskCycleDays: number,
  /** Links between stories (the cross-story pass), merged after every story's own links. */
  crossStory: readonly ProposedDependency[] = [],
): AssembledPlan {
  const withRules = applyTeamDependencies(results.flatMap((r) => r.tasks));
  const merged = mergeDependencies(withRules, [...results.flatMap((r) => r.proposed), ...crossStory]);
  const tasks = splitLongTasks(merged.tasks, maxTaskCycleDays);
  return {
    tasks,
    relationships: buildRelationships(tasks),
    // A proposal the team rules already made is agreement, not a problem to report.
    dropped: merged.dropped.filter((d) => d.reason !== 'duplicate'),
    added: merged.added,
  };
}

/** One task as the API shows it (FEATURES.md "API Response": dependencies by summary and by team). */
export interface TaskDetail {
  id: string;
  story_key: string | null;
  summary: string;
  description: string;
  team: Team;
  estimate_days: number;
  /** Summaries of the tasks that block this one. */
  depends_on_tasks: string[];
  /** Ids of the same tasks. */
  depends_on_ids: string[];
  blocked_by_teams: Team[];
  covers_criteria: string[];
  test_cases: TestCase[];
  part: { index: number; of: number } | null;
  /** Epic-wide work (an audit trail, a security review): the stories it serves. Null for a story's own task. */
  serves_stories: string[] | null;
  /** The Jira issue, once created. */
  jira_key: string | null;
}

export function taskDetails(tasks: readonly TeamTask[], keyOf?: ReadonlyMap<string, string>): TaskDetail[] {
  const summaryOf = new Map(tasks.map((t) => [t.id, t.summary] as const));
  return tasks.map((t) => ({
    id: t.id,
    story_key: t.story_key ?? null,
    summary: t.summary,
    description: t.description,
    team: t.team,
    estimate_days: t.estimate_days,
    depends_on_tasks: t.depends_on_tasks.map((d) => summaryOf.get(d) ?? d),
    depends_on_ids: [...t.depends_on_tasks],
    blocked_by_teams: [...t.blocked_by_teams],
    covers_criteria: [...(t.covers_criteria ?? [])],
    test_cases: t.test_cases,
    part: t.part ? { ...t.part } : null,
    serves_stories: t.serves_stories ? [...t.serves_stories] : null,
    jira_key: keyOf?.get(t.id) ?? null,
  }));
}

/** Days per team over a list of tasks, rounded to hundredths. */
export function daysByTeam(tasks: readonly TeamTask[]): Partial<Record<Team, number>> {
  const out: Partial<Record<Team, number>> = {};
  for (const t of tasks) out[t.team] = Math.round(((out[t.team] ?? 0) + t.estimate_days) * 100) / 100;
  return out;
}
