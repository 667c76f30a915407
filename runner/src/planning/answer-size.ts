/**
 * How many tokens a planning answer takes, so each call's output cap follows its answer and a story whose
 * tasks and tests cannot come back in one answer is split before any call is made.
 *
 * The per-item figures are bounds of the shapes the prompts ask for (a task's description is held to
 * about 120 words, a case to at most 6 steps), measured on the rule engine's plans of the evaluation
 * corpus (o200k tokens of the JSON): a task without its tests is 211 tokens at the median and 311 at the
 * 90th percentile; a test case 116 at the median, and the story whose cases run longest needs 186 a case
 * beside the envelope.
 * test/planning/answer-size.test.ts keeps them honest.
 */
import { COVERAGE_RANGES, type CoverageLevel, generateTeamTasks, type Story } from '@augment/shared';

export const ANSWER_TOKENS = {
  /** The answer object around the lists, and room for a case or two that run long. */
  envelope: 400,
  /** One task without its test cases: ref, summary, description, team, estimate, links, criteria. */
  task: 320,
  /** One test case: title, type, description, up to 6 steps, expected result, criterion, priority. */
  test_case: 190,
  /** The key/ref that opens one item's list of cases in a tests answer. */
  tests_entry: 30,
  /** One story of an epic: title, user story and details, up to 6 criteria, points. */
  story: 450,
  /** One proposed link between stories: two ids and a short reason. */
  link: 45,
} as const;

/**
 * Fewest and most tasks a story's plan may have (the prompt says so, the cap counts on it): three more
 * than the story has criteria (a task per criterion, plus the data model, the screen and QA they share),
 * or one more than the rule engine plans when it sees more work, within 4..12.
 */
export const TASK_COUNT = { min: 2, floor: 4, max: 12, beyond_criteria: 3, beyond_rules: 1 } as const;

/** The most tasks a story's plan is asked for (see TASK_COUNT). */
export function maxTasksFor(story: Story, coverage: CoverageLevel): number {
  const rules = generateTeamTasks(story, {
    include_tests: false,
    coverage_level: coverage,
    max_task_cycle_days: 100,
  }).tasks.length;
  const wanted = Math.max(
    story.acceptance_criteria.length + TASK_COUNT.beyond_criteria,
    rules + TASK_COUNT.beyond_rules,
  );
  return Math.min(TASK_COUNT.max, Math.max(TASK_COUNT.floor, wanted));
}

/** Tokens of a task-plan answer: `tasks` tasks, each with `testsPerTask` cases (0: tasks only). */
export function taskPlanAnswerTokens(tasks: number, testsPerTask: number): number {
  return ANSWER_TOKENS.envelope + tasks * (ANSWER_TOKENS.task + testsPerTask * ANSWER_TOKENS.test_case);
}

/** Tokens of a tests answer for `items` tasks (or a story), each with up to `testsPerItem` cases. */
export function testsAnswerTokens(items: number, testsPerItem: number): number {
  return (
    ANSWER_TOKENS.envelope + items * (ANSWER_TOKENS.tests_entry + testsPerItem * ANSWER_TOKENS.test_case)
  );
}

/** The most cases per item at a coverage level (the range's top: the cap must hold a full answer). */
export const maxTestsPerItem = (level: CoverageLevel) => COVERAGE_RANGES[level].max;

/** Tokens of an epic's stories answer (at most `maxStories`). */
export function storiesAnswerTokens(maxStories: number): number {
  return ANSWER_TOKENS.envelope + maxStories * ANSWER_TOKENS.story;
}

/** Tokens of the cross-story links answer: at most one link per task, most tasks have none. */
export function linksAnswerTokens(tasks: number): number {
  return ANSWER_TOKENS.envelope + tasks * ANSWER_TOKENS.link;
}
