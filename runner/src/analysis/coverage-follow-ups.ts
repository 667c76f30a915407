/**
 * Coverage follow-ups: a gap the coverage analysis finds in a story (an acceptance criterion without an
 * implementing task or without a test) turned into a new task under the story, or appended to one of its
 * tasks (the criterion into its covered criteria, the gap's test cases into its "Test cases"). Dry run by
 * default; both are idempotent: a repeat finds the task it created, or sees the criterion already there.
 */
import {
  analyzeStoryCoverage,
  type CoverageCreateTaskRequest,
  type CoverageGap,
  type CoverageUpdateTaskRequest,
  estimateTicket,
  type Story,
  type StoryCoverage,
  type TeamTask,
  type TestCase,
} from '@augment/shared';
import type { AtlassianClients } from '../adapters/http/index.js';
import type { JiraIssue } from '../adapters/jira/index.js';
import { AppError } from '../errors.js';
import { mergeDescription } from '../jira-ops/description.js';
import { toTestCase } from '../jira-ops/ticket-markdown.js';
import { adfToMarkdown } from '../planning/adf-markdown.js';
import { childrenOf, normaliseTitle, readIssue, storyFromIssue } from '../planning/epic-context.js';
import { fitTestCases } from '../planning/generate.js';
import { storyTestsOf, taskFromIssue, tasksFromIssues } from '../planning/jira-plan.js';
import { writeTasks } from '../planning/jira-writer.js';
import { TASK_TITLES, taskMarkdown } from '../planning/markdown.js';

export interface StoryCoverageState {
  issue: JiraIssue;
  story: Story;
  subtasks: JiraIssue[];
  tasks: TeamTask[];
  tests: TestCase[];
  coverage: StoryCoverage;
}

/** The story, its tasks (sub-tasks) and story-level tests as Jira holds them, and their coverage. */
export async function loadStoryCoverage(
  clients: AtlassianClients,
  storyKey: string,
): Promise<StoryCoverageState> {
  const issue = await readIssue(clients.jira, storyKey, 'story_key');
  const story = storyFromIssue(issue);
  const subtasks = (await childrenOf(clients.jira, [issue.key])).filter((c) => c.parentKey === issue.key);
  const tasks = tasksFromIssues(subtasks);
  const tests = storyTestsOf(issue);
  return { issue, story, subtasks, tasks, tests, coverage: analyzeStoryCoverage(story, tasks, tests) };
}

const same = (a: string, b: string) => normaliseTitle(a) === normaliseTitle(b);

/**
 * The gap of `criterion`: 404 naming `criterion` when the story has no such criterion (the answer lists
 * them), 409 when it is already covered by a task and a test.
 */
export function findGap(state: StoryCoverageState, criterion: string): CoverageGap {
  const row = state.coverage.criteria.find((r) => same(r.criterion, criterion));
  if (!row) {
    throw new AppError(
      404,
      'criterion_not_found',
      `${state.issue.key} has no acceptance criterion "${criterion}"`,
      {
        field: 'criterion',
        criteria: state.coverage.criteria.map((r) => r.criterion),
      },
    );
  }
  const gap = state.coverage.gaps.find((g) => same(g.criterion, row.criterion));
  if (!gap) {
    throw new AppError(
      409,
      'criterion_covered',
      `"${row.criterion}" is already covered by a task and a test`,
      {
        field: 'criterion',
        tasks: row.tasks,
        tests: row.tests,
      },
    );
  }
  return gap;
}

/** What the coverage of the criterion becomes with `tasks` (for the answer: the gap closes or not). */
function coverageAfter(state: StoryCoverageState, tasks: TeamTask[], criterion: string) {
  const after = analyzeStoryCoverage(state.story, tasks, state.tests);
  const row = after.criteria.find((r) => same(r.criterion, criterion));
  return { criterion_status: row?.status ?? 'missing', coverage_percent: after.coverage_percent };
}

export interface CoverageTaskResult {
  dry_run: boolean;
  story_key: string;
  criterion: string;
  gap: { missing: CoverageGap['missing']; suggestion: CoverageGap['suggestion']['action'] };
  action:
    | 'created'
    | 'existing'
    | 'would_create'
    | 'would_reuse'
    | 'updated'
    | 'unchanged'
    | 'would_update'
    | 'would_leave';
  task: { key: string | null; summary: string; team: TeamTask['team']; estimate_days?: number };
  test_cases: TestCase[];
  description_markdown: string;
  coverage_before: { criterion_status: string; coverage_percent: number };
  coverage_after: { criterion_status: string; coverage_percent: number };
  warning?: string;
}

const before = (state: StoryCoverageState, criterion: string) => ({
  criterion_status: state.coverage.criteria.find((r) => same(r.criterion, criterion))?.status ?? 'missing',
  coverage_percent: state.coverage.coverage_percent,
});

/** `POST /analyze/story-coverage/create-task`. */
export async function createCoverageTask(
  clients: AtlassianClients,
  req: CoverageCreateTaskRequest,
): Promise<CoverageTaskResult> {
  const state = await loadStoryCoverage(clients, req.story_key);
  const gap = findGap(state, req.criterion);
  const s = gap.suggestion;
  const team =
    req.team ?? (s.action === 'create_task' ? s.team : gap.missing.includes('task') ? s.team : 'qa');
  const summary =
    req.summary ??
    (s.action === 'create_task'
      ? s.summary
      : `${team === 'qa' ? 'Write acceptance tests' : team === 'frontend' ? 'Build' : 'Implement'}: ${gap.criterion}`.slice(
          0,
          255,
        ));
  const description =
    req.description ??
    (s.action === 'create_task'
      ? s.description
      : `Cover the acceptance criterion "${gap.criterion}" of "${state.story.title}".`);
  const subject = { title: summary, description, acceptance_criteria: [gap.criterion], team };
  const cases = fitTestCases(req.test_cases?.map(toTestCase) ?? s.test_cases, subject, req.coverage_level);
  const estimate =
    req.estimate_days ??
    (estimateTicket({ title: summary, description, acceptance_criteria: [gap.criterion] }).per_team.find(
      (p) => p.team === team,
    )?.effort_days ||
      1);
  const task: TeamTask = {
    id: `${state.issue.key}-coverage`,
    summary: summary.replace(/\s*\n\s*/g, ' ').slice(0, 255),
    description,
    team,
    estimate_days: Math.min(100, estimate),
    depends_on_tasks: [],
    blocked_by_teams: [],
    test_cases: cases,
    covers_criteria: [gap.criterion],
    story_key: state.issue.key,
  };
  const twin = state.subtasks.find((c) => same(c.summary, task.summary));
  const base = {
    story_key: state.issue.key,
    criterion: gap.criterion,
    gap: { missing: gap.missing, suggestion: s.action },
    test_cases: cases,
    description_markdown: taskMarkdown(task),
    coverage_before: before(state, gap.criterion),
  };
  const view = (key: string | null) => ({
    key,
    summary: task.summary,
    team,
    estimate_days: task.estimate_days,
  });
  if (req.dry_run) {
    return {
      dry_run: true,
      ...base,
      action: twin ? 'would_reuse' : 'would_create',
      task: view(twin?.key ?? null),
      coverage_after: coverageAfter(state, twin ? state.tasks : [...state.tasks, task], gap.criterion),
    };
  }
  const [row] = await writeTasks(clients.jira, {
    tasks: [task],
    projectOf: new Map([[state.issue.key, state.issue.projectKey]]),
    existing: new Map([[state.issue.key, state.subtasks]]),
  });
  if (!row?.key || row.outcome === 'error') {
    throw new AppError(400, 'jira_refused', `Jira refused the task: ${row?.reason ?? 'no answer'}`, {
      field: 'body',
    });
  }
  const created = row.outcome === 'created';
  return {
    dry_run: false,
    ...base,
    action: created ? 'created' : 'existing',
    task: view(row.key),
    coverage_after: coverageAfter(
      state,
      twin ? state.tasks : [...state.tasks, { ...task, id: row.key }],
      gap.criterion,
    ),
    ...(created && row.reason ? { warning: row.reason } : {}),
  };
}

/** `POST /analyze/story-coverage/update-task`. */
export async function updateCoverageTask(
  clients: AtlassianClients,
  req: CoverageUpdateTaskRequest,
): Promise<CoverageTaskResult> {
  const state = await loadStoryCoverage(clients, req.story_key);
  const gap = findGap(state, req.criterion);
  const s = gap.suggestion;
  const targetKey = req.task_key ?? (s.action === 'update_task' ? s.task_id : undefined);
  if (!targetKey) {
    throw new AppError(
      409,
      'no_task_to_update',
      `no task of ${state.issue.key} is close to "${gap.criterion}": give task_key, or use /analyze/story-coverage/create-task`,
      { field: 'task_key' },
    );
  }
  const issue =
    state.subtasks.find((t) => t.key === targetKey) ?? (await readIssue(clients.jira, targetKey, 'task_key'));
  const current = taskFromIssue(issue, new Set());
  const subject = {
    title: current.summary,
    description: current.description,
    acceptance_criteria: [gap.criterion],
    team: current.team,
  };
  const proposed = fitTestCases(req.test_cases?.map(toTestCase) ?? s.test_cases, subject, req.coverage_level);
  // Only what the task does not hold yet: a repeat adds nothing.
  const hasCriterion = (current.covers_criteria ?? []).some((c) => same(c, gap.criterion));
  const titles = new Set(current.test_cases.map((t) => normaliseTitle(t.title)));
  const newCases = proposed.filter((t) => !titles.has(normaliseTitle(t.title)));
  const content = {
    ...(hasCriterion ? {} : { acceptance_criteria: [gap.criterion] }),
    ...(newCases.length > 0 ? { test_cases: newCases } : {}),
  };
  const changed = Object.keys(content).length > 0;
  // A task lists the criteria it covers under a heading of its own.
  const merged = changed
    ? mergeDescription(issue.description, content, 'append', { titles: TASK_TITLES })
    : issue.description;
  const updated: TeamTask = {
    ...current,
    covers_criteria: hasCriterion
      ? current.covers_criteria
      : [...(current.covers_criteria ?? []), gap.criterion],
    test_cases: [...current.test_cases, ...newCases],
  };
  const tasksAfter = [...state.tasks.filter((t) => t.id !== issue.key), updated];
  if (!req.dry_run && changed) await clients.jira.updateIssue(issue.key, { descriptionAdf: merged! });
  return {
    dry_run: req.dry_run,
    story_key: state.issue.key,
    criterion: gap.criterion,
    gap: { missing: gap.missing, suggestion: s.action },
    action: req.dry_run ? (changed ? 'would_update' : 'would_leave') : changed ? 'updated' : 'unchanged',
    task: { key: issue.key, summary: issue.summary, team: current.team },
    test_cases: newCases,
    description_markdown: adfToMarkdown(merged),
    coverage_before: before(state, gap.criterion),
    coverage_after: coverageAfter(state, tasksAfter, gap.criterion),
  };
}
