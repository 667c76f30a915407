/**
 * `GET /plan/epic/{epic_key}/analyze`: what an epic has in Jira and what it lacks. Its stories (with
 * readiness, estimate, criteria coverage), tasks per team, test cases, estimates, stories missing
 * acceptance criteria, dependencies the team rules expect but Jira does not link, and an overall
 * readiness. Read-only; the shared validators do the judging.
 */
import {
  estimateTicket,
  type PlanFinding,
  type ReadinessLevel,
  scoreReadiness,
  type Team,
  type TeamTask,
  validateEpicPlan,
} from '@augment/shared';
import type { AtlassianClients } from '../adapters/http/index.js';
import { type EpicContext, loadEpicContext } from '../planning/epic-context.js';
import { storyTestsOf, tasksFromIssues } from '../planning/jira-plan.js';
import { readinessInput } from './ticket-insights.js';

export interface StoryAnalysis {
  key: string;
  title: string;
  status: string;
  story_points: number | null;
  acceptance_criteria: number;
  missing_acceptance_criteria: boolean;
  readiness: { score: number; level: ReadinessLevel; reasons: ReturnType<typeof scoreReadiness>['reasons'] };
  /** The rules' estimate of the story (what task generation would plan). */
  estimate: {
    effort_days: number;
    cycle_time_days: number;
    complexity: string;
    per_team: Record<string, number>;
  };
  tasks: { keys: string[]; by_team: Partial<Record<Team, string[]>>; estimate_days: number };
  test_cases: { story: number; tasks: number };
  /** Share of criteria covered by a task and a test (0 when there are no tasks or criteria). */
  coverage_percent: number;
  uncovered_criteria: string[];
}

export interface EpicAnalysis {
  epic: { key: string; summary: string; status: string; prd_url: string | null; rfc_url: string | null };
  complete: boolean;
  counts: {
    stories: number;
    tasks: number;
    test_cases: number;
    stories_without_acceptance_criteria: number;
    stories_without_tasks: number;
    tasks_without_tests: number;
    uncovered_criteria: number;
    unlinked_dependencies: number;
    other_issues: number;
  };
  stories: StoryAnalysis[];
  tasks_by_team: Partial<Record<Team, { keys: string[]; estimate_days: number }>>;
  tests: { total: number; story_level: number; task_level: number; tasks_without_tests: string[] };
  estimates: {
    /** Sum of the task estimates in Jira. */
    planned_days: number;
    planned_by_team: Partial<Record<Team, number>>;
    /** What the rules estimate for all stories (effort, and the sum of the stories' cycle times). */
    rules_effort_days: number;
    rules_by_team: Record<string, number>;
  };
  missing_acceptance_criteria: { key: string; title: string }[];
  unlinked_dependencies: { task: string; message: string }[];
  /** Child issues that belong to no story (tasks directly under the epic). */
  tasks_without_story: string[];
  readiness: {
    score: number;
    level: ReadinessLevel;
    ready: number;
    needs_work: number;
    not_ready: number;
    /** Stories under 50, weakest first. */
    weakest: { key: string; score: number }[];
  };
  /** What POST /plan/epic/complete would fill. */
  missing: { stories: boolean; acceptance_criteria: string[]; tasks: string[]; tests: string[] };
  findings: PlanFinding[];
}

const round = (n: number) => Math.round(n * 100) / 100;
const levelOf = (score: number): ReadinessLevel =>
  score >= 75 ? 'ready' : score >= 50 ? 'needs_work' : 'not_ready';

/** The analysis of an epic already loaded (with its tasks). */
export function analyzeLoadedEpic(ctx: EpicContext): EpicAnalysis {
  const storyKeys = new Set(ctx.stories.map((s) => s.issue.key));
  const tasks: TeamTask[] = tasksFromIssues(ctx.tasks);
  const storyTests = ctx.stories.map((s) => ({ story_key: s.issue.key, test_cases: storyTestsOf(s.issue) }));
  const validation = validateEpicPlan(
    { key: ctx.epic.key, summary: ctx.epic.summary, description: ctx.description },
    ctx.stories.map((s) => s.story),
    tasks,
    storyTests,
  );
  const row = new Map(validation.stories.map((r) => [r.story, r] as const));

  const stories: StoryAnalysis[] = ctx.stories.map(({ issue, story }) => {
    const mine = tasks.filter((t) => t.story_key === issue.key);
    const readiness = scoreReadiness(readinessInput(issue), {
      siblings: ctx.stories.filter((x) => x.issue.key !== issue.key).map((x) => x.story),
    });
    const est = estimateTicket(story);
    const byTeam: Partial<Record<Team, string[]>> = {};
    for (const t of mine) byTeam[t.team] = [...(byTeam[t.team] ?? []), t.id];
    const uncovered = validation.findings
      .filter((f) => f.code === 'criterion_not_covered' && f.target === issue.key)
      .map((f) => /^Criterion "(.*)" has /s.exec(f.message)?.[1] ?? f.message);
    return {
      key: issue.key,
      title: story.title,
      status: issue.status,
      story_points: issue.storyPoints,
      acceptance_criteria: story.acceptance_criteria.length,
      missing_acceptance_criteria: story.acceptance_criteria.length === 0,
      readiness: { score: readiness.score, level: readiness.level, reasons: readiness.reasons },
      estimate: {
        effort_days: est.total_effort_days,
        cycle_time_days: est.cycle_time_days,
        complexity: est.complexity,
        per_team: Object.fromEntries(est.per_team.map((p) => [p.team, p.effort_days])),
      },
      tasks: {
        keys: mine.map((t) => t.id),
        by_team: byTeam,
        estimate_days: round(mine.reduce((n, t) => n + t.estimate_days, 0)),
      },
      test_cases: {
        story: storyTests.find((x) => x.story_key === issue.key)?.test_cases.length ?? 0,
        tasks: mine.reduce((n, t) => n + t.test_cases.length, 0),
      },
      coverage_percent: row.get(issue.key)?.coverage_percent ?? 0,
      uncovered_criteria: uncovered,
    };
  });

  const tasksByTeam: EpicAnalysis['tasks_by_team'] = {};
  for (const t of tasks) {
    const entry = tasksByTeam[t.team] ?? { keys: [], estimate_days: 0 };
    entry.keys.push(t.id);
    entry.estimate_days = round(entry.estimate_days + t.estimate_days);
    tasksByTeam[t.team] = entry;
  }
  const rulesByTeam: Record<string, number> = {};
  for (const s of stories) {
    for (const [team, days] of Object.entries(s.estimate.per_team))
      rulesByTeam[team] = round((rulesByTeam[team] ?? 0) + days);
  }
  const storyLevel = storyTests.reduce((n, s) => n + s.test_cases.length, 0);
  const taskLevel = tasks.reduce((n, t) => n + t.test_cases.length, 0);
  const tasksWithoutTests = tasks.filter((t) => t.test_cases.length === 0).map((t) => t.id);
  const unlinked = validation.findings
    .filter((f) => f.code === 'unlinked_dependency')
    .map((f) => ({ task: f.target, message: f.message }));
  const scores = stories.map((s) => s.readiness.score);
  const overall = scores.length === 0 ? 0 : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length);
  const withoutCriteria = stories.filter((s) => s.missing_acceptance_criteria);
  const withoutTasks = stories.filter((s) => s.tasks.keys.length === 0).map((s) => s.key);

  return {
    epic: {
      key: ctx.epic.key,
      summary: ctx.epic.summary,
      status: ctx.epic.status,
      prd_url: ctx.epic.prdUrl,
      rfc_url: ctx.epic.rfcUrl,
    },
    complete: validation.complete,
    counts: {
      stories: stories.length,
      tasks: tasks.length,
      test_cases: storyLevel + taskLevel,
      stories_without_acceptance_criteria: withoutCriteria.length,
      stories_without_tasks: withoutTasks.length,
      tasks_without_tests: tasksWithoutTests.length,
      uncovered_criteria: validation.counts.uncovered_criteria,
      unlinked_dependencies: unlinked.length,
      other_issues: validation.findings.filter((f) =>
        ['unknown_dependency', 'self_dependency', 'dependency_cycle', 'task_without_story'].includes(f.code),
      ).length,
    },
    stories,
    tasks_by_team: tasksByTeam,
    tests: {
      total: storyLevel + taskLevel,
      story_level: storyLevel,
      task_level: taskLevel,
      tasks_without_tests: tasksWithoutTests,
    },
    estimates: {
      planned_days: round(tasks.reduce((n, t) => n + t.estimate_days, 0)),
      planned_by_team: Object.fromEntries(Object.entries(tasksByTeam).map(([k, v]) => [k, v.estimate_days])),
      rules_effort_days: round(stories.reduce((n, s) => n + s.estimate.effort_days, 0)),
      rules_by_team: rulesByTeam,
    },
    missing_acceptance_criteria: withoutCriteria.map((s) => ({ key: s.key, title: s.title })),
    unlinked_dependencies: unlinked,
    tasks_without_story: tasks.filter((t) => !t.story_key || !storyKeys.has(t.story_key)).map((t) => t.id),
    readiness: {
      score: overall,
      level: levelOf(overall),
      ready: stories.filter((s) => s.readiness.level === 'ready').length,
      needs_work: stories.filter((s) => s.readiness.level === 'needs_work').length,
      not_ready: stories.filter((s) => s.readiness.level === 'not_ready').length,
      weakest: stories
        .filter((s) => s.readiness.score < 50)
        .sort((a, b) => a.readiness.score - b.readiness.score)
        .map((s) => ({ key: s.key, score: s.readiness.score })),
    },
    missing: {
      stories: stories.length === 0,
      acceptance_criteria: withoutCriteria.map((s) => s.key),
      tasks: withoutTasks,
      tests: tasksWithoutTests,
    },
    findings: validation.findings,
  };
}

/** Loads the epic with its stories and tasks (no pages) and analyses it; 404 naming `epic_key`. */
export async function analyzeEpic(clients: AtlassianClients, epicKey: string): Promise<EpicAnalysis> {
  return analyzeLoadedEpic(
    await loadEpicContext(clients, epicKey, { includeTasks: true, includePages: false }),
  );
}
