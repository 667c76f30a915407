import { COVERAGE_RANGES, type TestCase } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import { assembleTaskPlan, taskDetails } from './assemble-plan.js';
import { type StoryTaskResult, type TaskOptions, toStoryTasks } from './generate.js';
import type { LlmStoryTaskPlan } from './llm-schemas.js';

const story = {
  key: 'INV-2',
  title: 'Invoice list',
  description: 'As an accountant, I want to see invoices filtered by status.',
  acceptance_criteria: ['Filtering by status shows only invoices with that status'],
};
const opts: TaskOptions = { max_task_cycle_days: 3, include_tests: true, coverage_level: 'basic' };

const tc = (title: string): TestCase => ({
  title,
  type: 'unit',
  description: '',
  steps: ['call it'],
  expected_result: 'works',
  covers_criterion: null,
  priority: 'medium',
});

function answer(): LlmStoryTaskPlan {
  return {
    story_types: ['api', 'ui'],
    tasks: [
      {
        ref: 'T1',
        summary: 'Implement GET /invoices with status filter',
        description: 'Endpoint.',
        team: 'backend',
        estimate_days: 2.2,
        depends_on: [],
        covers_criteria: story.acceptance_criteria,
        test_cases: [tc('a'), tc('b'), tc('c'), tc('d'), tc('e'), tc('f')],
      },
      {
        ref: 'T2',
        summary: 'Build the invoice list page',
        description: 'Page.',
        team: 'frontend',
        estimate_days: 7,
        // T1 and an unknown task; and a link back that would close a cycle (see T1 below).
        depends_on: ['T1', 'T9'],
        covers_criteria: [],
        test_cases: [],
      },
      {
        ref: 'T3',
        summary: 'Test the invoice list',
        description: 'QA.',
        team: 'qa',
        estimate_days: 1,
        depends_on: ['Build the invoice list page'],
        covers_criteria: [],
        test_cases: [tc('qa')],
      },
    ],
  };
}

describe('mapping a model answer onto team tasks', () => {
  it('gives ids per team, resolves refs and summaries, and keeps the model links as proposals', () => {
    const a = answer();
    a.tasks[0]!.depends_on = ['T3'];
    const mapped = toStoryTasks(story, a, opts, false);
    expect(mapped.tasks.map((t) => t.id)).toEqual(['INV-2-backend-1', 'INV-2-frontend-1', 'INV-2-qa-1']);
    expect(mapped.tasks.every((t) => t.depends_on_tasks.length === 0)).toBe(true);
    expect(mapped.proposed).toContainEqual(
      expect.objectContaining({ from: 'INV-2-backend-1', to: 'INV-2-frontend-1' }),
    );
    expect(mapped.proposed).toContainEqual(
      expect.objectContaining({ from: 'INV-2-frontend-1', to: 'INV-2-qa-1' }),
    );
    expect(mapped.tasks[0]!.estimate_days).toBe(2);
  });

  it('brings each task within the coverage range: extra tests dropped, missing ones topped up', () => {
    const mapped = toStoryTasks(story, answer(), opts, false);
    const { min, max } = COVERAGE_RANGES.basic;
    for (const t of mapped.tasks) {
      expect(t.test_cases.length).toBeGreaterThanOrEqual(min);
      expect(t.test_cases.length).toBeLessThanOrEqual(max);
    }
    expect(mapped.tasks[0]!.test_cases.map((t) => t.title)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('validates the merged graph: cycle-closing and unknown links dropped, long tasks split, blocker first', () => {
    const a = answer();
    a.tasks[0]!.depends_on = ['T3'];
    const mapped = toStoryTasks(story, a, opts, false);
    const result: StoryTaskResult = { story_key: 'INV-2', ...mapped, engine: 'llm' };
    const plan = assembleTaskPlan([result], 3);
    const reasons = plan.dropped.map((d) => d.reason).sort();
    expect(reasons).toEqual(['cycle', 'unknown_task']);
    // The 7-day frontend task is split into three parts that keep the team and chain.
    const parts = plan.tasks.filter((t) => t.team === 'frontend');
    expect(parts.map((t) => t.part?.of)).toEqual([3, 3, 3]);
    expect(parts.reduce((n, t) => n + t.estimate_days, 0)).toBe(7);
    // QA waits for the last part; the first part waits for the backend task.
    const qa = plan.tasks.find((t) => t.team === 'qa')!;
    expect(qa.depends_on_tasks).toContain('INV-2-frontend-1-part-3');
    expect(parts[0]!.depends_on_tasks).toEqual(['INV-2-backend-1']);
    for (const r of plan.relationships) {
      const from = plan.tasks.find((t) => t.id === r.from)!;
      expect(r.blocking_team).toBe(from.team);
    }
    const details = taskDetails(plan.tasks);
    const fe1 = details.find((d) => d.id === 'INV-2-frontend-1-part-1')!;
    expect(fe1.depends_on_tasks).toEqual(['Implement GET /invoices with status filter']);
    expect(fe1.blocked_by_teams).toEqual(['backend']);
  });
});
