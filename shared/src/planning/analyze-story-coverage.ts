/**
 * Story coverage: which acceptance criteria of a story its tasks and tests cover, and what to do about
 * the gaps (a task to create, or an existing task to extend).
 */
import type { StoryLike } from './analyze-story.js';
import { analyzeCriterion } from './criteria.js';
import { generateTestCases } from './generate-test-cases.js';
import type { Team, TeamTask, TestCase } from './schemas.js';
import { containment, contentTokens, lowerFirst, truncate } from './text.js';

export type CoverageStatus = 'covered' | 'partial' | 'missing';

export interface CriterionCoverage {
  criterion: string;
  /** covered: a task and a test; partial: only one of them; missing: neither. */
  status: CoverageStatus;
  tasks: string[];
  tests: string[];
}

export interface CoverageSuggestion {
  action: 'create_task' | 'update_task';
  /** The task to update (for `update_task`). */
  task_id?: string;
  team: Team;
  summary: string;
  description: string;
  test_cases: TestCase[];
}

export interface CoverageGap {
  criterion: string;
  missing: ('task' | 'test')[];
  suggestion: CoverageSuggestion;
}

export interface StoryCoverage {
  story_key?: string;
  criteria: CriterionCoverage[];
  /** Share of criteria fully covered, 0..100. */
  coverage_percent: number;
  covered: number;
  partial: number;
  missing: number;
  gaps: CoverageGap[];
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Whether `claimed` (a criterion a task/test says it covers) is the criterion `c`, allowing rewording. */
function sameCriterion(c: string, cTokens: readonly string[], claimed: string): boolean {
  if (norm(c) === norm(claimed)) return true;
  return containment(cTokens, new Set(contentTokens(claimed))) >= 0.8;
}

function testText(tc: TestCase): string {
  return `${tc.title} ${tc.steps.join(' ')} ${tc.expected_result}`;
}

const UI_RE = /\b(?:sees?|shows?|shown|display\w*|visible|page|screen|form|button|click\w*|highlight\w*)\b/i;

/**
 * Traces each acceptance criterion of a story to the tasks and tests that cover it. A criterion is
 * covered when an implementation task (not only QA) and a test cover it. Explicit links
 * (`covers_criteria`, `covers_criterion`) count first; otherwise a task or test covers a criterion when
 * its text contains most of the criterion's significant words (60%). Tests attached to the tasks are
 * included with `tests`.
 */
export function analyzeStoryCoverage(
  story: StoryLike,
  tasks: readonly TeamTask[],
  tests: readonly TestCase[] = [],
): StoryCoverage {
  const criteria = (story.acceptance_criteria ?? []).map((c) => c.trim()).filter(Boolean);
  const allTests = [...tests, ...tasks.flatMap((t) => t.test_cases)];
  const testSets = allTests.map((tc) => new Set(contentTokens(testText(tc))));
  const taskSets = tasks.map((t) => new Set(contentTokens(`${t.summary} ${t.description}`)));
  // Words most tasks share (the story's main noun) do not say which task a criterion belongs to.
  const taskDf = new Map<string, number>();
  for (const set of taskSets) for (const w of set) taskDf.set(w, (taskDf.get(w) ?? 0) + 1);
  const common = (w: string) => tasks.length >= 3 && (taskDf.get(w) ?? 0) >= tasks.length * 0.8;

  const rows: CriterionCoverage[] = [];
  const gaps: CoverageGap[] = [];
  for (const criterion of criteria) {
    const ct = contentTokens(criterion);
    const coveringTests: string[] = [];
    allTests.forEach((tc, i) => {
      const linked = tc.covers_criterion ? sameCriterion(criterion, ct, tc.covers_criterion) : false;
      if (linked || (tc.covers_criterion === null && containment(ct, testSets[i]!) >= 0.6))
        coveringTests.push(tc.title);
    });
    const coveringTasks: string[] = [];
    let nearest: { index: number; score: number } | undefined;
    tasks.forEach((t, i) => {
      const explicit =
        (t.covers_criteria ?? []).some((c) => sameCriterion(criterion, ct, c)) ||
        t.test_cases.some(
          (tc) => tc.covers_criterion !== null && sameCriterion(criterion, ct, tc.covers_criterion),
        );
      const score = containment(ct, taskSets[i]!);
      const near = containment(
        ct.filter((w) => !common(w)),
        taskSets[i]!,
      );
      if (explicit || score >= 0.6) coveringTasks.push(t.id);
      else if (t.team !== 'qa' && near >= 0.34 && (!nearest || near > nearest.score)) {
        nearest = { index: i, score: near };
      }
    });
    // A QA task covering a criterion verifies it; some other team still has to build it.
    const hasTask = coveringTasks.some((id) => tasks.find((t) => t.id === id)?.team !== 'qa');
    const hasTest = coveringTests.length > 0;
    const status: CoverageStatus =
      hasTask && hasTest ? 'covered' : hasTask || hasTest ? 'partial' : 'missing';
    rows.push({ criterion, status, tasks: coveringTasks, tests: [...new Set(coveringTests)] });
    if (status === 'covered') continue;
    const missing: ('task' | 'test')[] = [];
    if (!hasTask) missing.push('task');
    if (!hasTest) missing.push('test');
    gaps.push({
      criterion,
      missing,
      suggestion: suggest(story, tasks, criterion, missing, coveringTasks, nearest?.index),
    });
  }
  const covered = rows.filter((r) => r.status === 'covered').length;
  const partial = rows.filter((r) => r.status === 'partial').length;
  const result: StoryCoverage = {
    criteria: rows,
    coverage_percent: criteria.length === 0 ? 0 : Math.round((covered / criteria.length) * 100),
    covered,
    partial,
    missing: rows.length - covered - partial,
    gaps,
  };
  if (story.key) result.story_key = story.key;
  return result;
}

function suggest(
  story: StoryLike,
  tasks: readonly TeamTask[],
  criterion: string,
  missing: readonly ('task' | 'test')[],
  coveringTasks: readonly string[],
  nearest: number | undefined,
): CoverageSuggestion {
  const facts = analyzeCriterion(criterion);
  const team: Team = UI_RE.test(criterion) ? 'frontend' : 'backend';
  if (!missing.includes('task')) {
    // Work exists but nothing tests it: add cases to the QA task, else to the covering task.
    const target = tasks.find((t) => t.team === 'qa') ?? tasks.find((t) => t.id === coveringTasks[0]);
    const targetTeam = target?.team ?? 'qa';
    const cases = generateTestCases(
      { title: criterion, acceptance_criteria: [criterion], team: targetTeam },
      { coverage_level: 'basic' },
    );
    if (target) {
      return {
        action: 'update_task',
        task_id: target.id,
        team: target.team,
        summary: target.summary,
        description: `Add tests for the acceptance criterion "${criterion}".`,
        test_cases: cases,
      };
    }
    return {
      action: 'create_task',
      team: 'qa',
      summary: truncate(`Write acceptance tests: ${lowerFirst(facts.subject)}`, 255),
      description: `Automate tests for the acceptance criterion "${criterion}" of "${story.title}".`,
      test_cases: cases,
    };
  }
  const cases = generateTestCases(
    { title: criterion, acceptance_criteria: [criterion], team },
    { coverage_level: 'basic' },
  );
  if (nearest !== undefined) {
    const t = tasks[nearest]!;
    return {
      action: 'update_task',
      task_id: t.id,
      team: t.team,
      summary: t.summary,
      description: `Extend the scope of this task to satisfy the acceptance criterion "${criterion}".`,
      test_cases: cases,
    };
  }
  return {
    action: 'create_task',
    team,
    summary: truncate(`${team === 'frontend' ? 'Build' : 'Implement'}: ${lowerFirst(facts.subject)}`, 255),
    description: `Implement what the acceptance criterion "${criterion}" of "${story.title}" requires.`,
    test_cases: cases,
  };
}
