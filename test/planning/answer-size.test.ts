import {
  COVERAGE_RANGES,
  type CoverageLevel,
  generateTeamTasks,
  readPlanSource,
  storiesFromSource,
} from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { ANSWER_HEADROOM, countTokens } from '../../runner/src/adapters/llm/index.js';
import {
  maxTasksFor,
  taskPlanAnswerTokens,
  testsAnswerTokens,
} from '../../runner/src/planning/answer-size.js';
import { loadCorpus } from '../eval/corpus.js';

const LEVELS: CoverageLevel[] = ['minimal', 'basic', 'standard', 'comprehensive'];
const stories = loadCorpus().flatMap((c) =>
  storiesFromSource(
    readPlanSource({ summary: c.expect.epic.summary, description: c.expect.epic.description, prd: c.text }),
  ),
);

/** A plan in the answer shape the model is asked for (what its cap must hold). */
function answerOf(story: (typeof stories)[number], level: CoverageLevel) {
  const plan = generateTeamTasks(story, {
    include_tests: true,
    coverage_level: level,
    max_task_cycle_days: 100,
  });
  return {
    story_types: plan.story_types,
    tasks: plan.tasks.map((t) => ({
      ref: t.id,
      summary: t.summary,
      description: t.description,
      team: t.team,
      estimate_days: t.estimate_days,
      depends_on: t.depends_on_tasks,
      covers_criteria: t.covers_criteria ?? [],
      test_cases: t.test_cases,
    })),
  };
}

describe('answer sizes', () => {
  it("holds every corpus story's full plan (tasks and tests) under the cap sized for it, at every level", () => {
    expect(stories.length).toBeGreaterThan(80);
    for (const level of LEVELS) {
      for (const story of stories) {
        const answer = answerOf(story, level);
        const cap = Math.ceil(
          taskPlanAnswerTokens(maxTasksFor(story, level), COVERAGE_RANGES[level].max) * ANSWER_HEADROOM,
        );
        expect(countTokens(JSON.stringify(answer)), `${story.title} (${level})`).toBeLessThanOrEqual(cap);
        // All of the story's tests, in one tests answer (a suite call), fit the cap sized for them.
        const tests = { tasks: answer.tasks.map((t) => ({ ref: t.ref, test_cases: t.test_cases })) };
        expect(countTokens(JSON.stringify(tests)), `${story.title} tests (${level})`).toBeLessThanOrEqual(
          Math.ceil(testsAnswerTokens(answer.tasks.length, COVERAGE_RANGES[level].max) * ANSWER_HEADROOM),
        );
      }
    }
  });

  it('sizes a standard story at about the 5-6k tokens a full answer takes, and comprehensive higher', () => {
    expect(taskPlanAnswerTokens(5, COVERAGE_RANGES.standard.max)).toBeGreaterThan(6_000);
    expect(taskPlanAnswerTokens(5, COVERAGE_RANGES.comprehensive.max)).toBeGreaterThan(9_000);
  });
});
