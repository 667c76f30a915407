/**
 * What an epic's plan is missing: stories without acceptance criteria or tasks, tasks without tests,
 * acceptance criteria nobody covers, and dependencies that are broken or absent.
 */
import { analyzeStoryCoverage } from './analyze-story-coverage.js';
import { validateDependencies } from './dependencies.js';
import type { Story, TeamTask, TestCase } from './schemas.js';
import { scoreReadiness } from './score-readiness.js';

export interface EpicLike {
  key?: string;
  summary: string;
  description?: string;
}

/** Story-level tests (not attached to a task). */
export interface StoryTests {
  story_key: string;
  test_cases: TestCase[];
}

export type PlanFindingCode =
  | 'epic_without_description'
  | 'epic_without_stories'
  | 'story_without_acceptance_criteria'
  | 'story_without_tasks'
  | 'story_not_ready'
  | 'criterion_not_covered'
  | 'task_without_story'
  | 'task_without_tests'
  | 'unknown_dependency'
  | 'self_dependency'
  | 'dependency_cycle'
  | 'unlinked_dependency';

export interface PlanFinding {
  code: PlanFindingCode;
  severity: 'error' | 'warning' | 'info';
  /** Story key/title, task id or epic key the finding is about. */
  target: string;
  message: string;
}

export interface EpicPlanValidation {
  epic_key?: string;
  /** True when there is no error and no warning. */
  complete: boolean;
  counts: {
    stories: number;
    tasks: number;
    test_cases: number;
    stories_without_acceptance_criteria: number;
    stories_without_tasks: number;
    tasks_without_tests: number;
    uncovered_criteria: number;
    dependency_problems: number;
  };
  findings: PlanFinding[];
  stories: { story: string; readiness: number; coverage_percent: number; tasks: number }[];
}

/** Stories are matched to tasks by `key` (or by title when a story has no key yet). */
function storyId(s: Story): string {
  return s.key ?? s.title;
}

/**
 * Reviews an epic's plan and lists what it is missing. Errors block ticket creation (no stories, no
 * criteria, no tasks, broken dependencies); warnings are gaps a reviewer should close.
 */
export function validateEpicPlan(
  epic: EpicLike,
  stories: readonly Story[],
  tasks: readonly TeamTask[],
  tests: readonly StoryTests[] = [],
): EpicPlanValidation {
  const findings: PlanFinding[] = [];
  const epicTarget = epic.key ?? epic.summary;
  if ((epic.description ?? '').trim().length < 40) {
    findings.push({
      code: 'epic_without_description',
      severity: 'warning',
      target: epicTarget,
      message: 'The epic has little or no description: stories and tests will be generic',
    });
  }
  if (stories.length === 0) {
    findings.push({
      code: 'epic_without_stories',
      severity: 'error',
      target: epicTarget,
      message: 'The epic has no stories',
    });
  }

  const tasksByStory = new Map<string, TeamTask[]>();
  const ids = new Set(stories.map(storyId));
  for (const t of tasks) {
    const key = t.story_key ?? '';
    if (!ids.has(key)) {
      findings.push({
        code: 'task_without_story',
        severity: 'warning',
        target: t.id,
        message: `Task "${t.summary}" is not linked to a story of this epic`,
      });
    }
    const list = tasksByStory.get(key);
    if (list) list.push(t);
    else tasksByStory.set(key, [t]);
  }
  const testsByStory = new Map<string, TestCase[]>();
  for (const st of tests)
    testsByStory.set(st.story_key, [...(testsByStory.get(st.story_key) ?? []), ...st.test_cases]);

  const byId = new Map(tasks.map((t) => [t.id, t] as const));
  const storyRows: EpicPlanValidation['stories'] = [];
  let uncovered = 0;
  for (const s of stories) {
    const id = storyId(s);
    const mine = tasksByStory.get(id) ?? [];
    const readiness = scoreReadiness(s, { siblings: stories });
    if (s.acceptance_criteria.length === 0) {
      findings.push({
        code: 'story_without_acceptance_criteria',
        severity: 'error',
        target: id,
        message: `Story "${s.title}" has no acceptance criteria`,
      });
    }
    if (mine.length === 0) {
      findings.push({
        code: 'story_without_tasks',
        severity: 'error',
        target: id,
        message: `Story "${s.title}" has no tasks`,
      });
    }
    // The plan says what readiness says: a story that is not ready is a finding, whatever its score.
    if (readiness.level !== 'ready') {
      const weakest = readiness.reasons
        .filter((r) => r.points < r.max_points || r.max_points === 0)
        .map((r) => r.message);
      findings.push({
        code: 'story_not_ready',
        severity: 'warning',
        target: id,
        message: `Readiness ${readiness.score}/100 (${readiness.level.replace('_', ' ')}): ${weakest.slice(0, 2).join('; ')}`,
      });
    }
    let coveragePercent = 0;
    if (mine.length > 0 && s.acceptance_criteria.length > 0) {
      const cov = analyzeStoryCoverage(s, mine, testsByStory.get(id) ?? []);
      coveragePercent = cov.coverage_percent;
      for (const row of cov.criteria) {
        if (row.status === 'covered') continue;
        uncovered++;
        findings.push({
          code: 'criterion_not_covered',
          severity: 'warning',
          target: id,
          message: `Criterion "${row.criterion}" has ${row.status === 'missing' ? 'no task and no test' : row.tasks.length === 0 ? 'no implementing task' : 'no test'}`,
        });
      }
    }
    storyRows.push({
      story: id,
      readiness: readiness.score,
      coverage_percent: coveragePercent,
      tasks: mine.length,
    });

    // Team rules: frontend waits for backend, QA for the implementation.
    const teams = new Set(mine.map((t) => t.team));
    for (const t of mine) {
      const depTeams = new Set(t.depends_on_tasks.map((d) => byId.get(d)?.team).filter(Boolean));
      const needs =
        t.team === 'frontend' && teams.has('backend') && !depTeams.has('backend') && !t.part
          ? 'a backend task'
          : t.team === 'qa' && t.depends_on_tasks.length === 0 && [...teams].some((x) => x !== 'qa')
            ? 'the implementation tasks'
            : undefined;
      if (needs) {
        findings.push({
          code: 'unlinked_dependency',
          severity: 'warning',
          target: t.id,
          message: `"${t.summary}" (${t.team}) is not linked to ${needs} of its story`,
        });
      }
    }
  }

  let tasksWithoutTests = 0;
  for (const t of tasks) {
    if (t.test_cases.length > 0) continue;
    tasksWithoutTests++;
    findings.push({
      code: 'task_without_tests',
      severity: 'warning',
      target: t.id,
      message: `Task "${t.summary}" has no test cases`,
    });
  }

  const deps = validateDependencies(tasks);
  for (const issue of deps.issues) {
    if (issue.kind === 'unknown_task') {
      findings.push({
        code: 'unknown_dependency',
        severity: 'error',
        target: issue.task,
        message: `Depends on "${issue.ref}", which is not a task of this epic`,
      });
    } else if (issue.kind === 'self_link') {
      findings.push({
        code: 'self_dependency',
        severity: 'error',
        target: issue.task,
        message: 'Depends on itself',
      });
    } else {
      findings.push({
        code: 'dependency_cycle',
        severity: 'error',
        target: issue.task,
        message: 'Is part of a dependency cycle',
      });
    }
  }

  const count = (code: PlanFindingCode) => findings.filter((f) => f.code === code).length;
  const result: EpicPlanValidation = {
    complete: findings.every((f) => f.severity === 'info'),
    counts: {
      stories: stories.length,
      tasks: tasks.length,
      test_cases:
        tasks.reduce((n, t) => n + t.test_cases.length, 0) +
        tests.reduce((n, s) => n + s.test_cases.length, 0),
      stories_without_acceptance_criteria: count('story_without_acceptance_criteria'),
      stories_without_tasks: count('story_without_tasks'),
      tasks_without_tests: tasksWithoutTests,
      uncovered_criteria: uncovered,
      dependency_problems: deps.issues.length + count('unlinked_dependency'),
    },
    findings,
    stories: storyRows,
  };
  if (epic.key) result.epic_key = epic.key;
  return result;
}
