import { describe, expect, it } from 'vitest';
import { analyzeStoryCoverage } from './analyze-story-coverage.js';
import { generateTeamTasks } from './generate-team-tasks.js';

const story = {
  key: 'S1',
  title: 'Create invoices',
  description:
    'As a finance manager, I want to create an invoice for a customer with amount and currency so that I can bill them.',
  acceptance_criteria: [
    'Amount must be positive',
    'The customer receives an email when the invoice is created',
    'The invoice can be exported as PDF',
  ],
};

describe('analyzeStoryCoverage', () => {
  const plan = generateTeamTasks(story);

  it('reports every criterion covered when the generated tasks and tests are all there', () => {
    const cov = analyzeStoryCoverage(story, plan.tasks);
    expect(cov.criteria.map((c) => c.status)).toEqual(['covered', 'covered', 'covered']);
    expect(cov.coverage_percent).toBe(100);
    expect(cov.gaps).toEqual([]);
    expect(cov.criteria[0]!.tests.length).toBeGreaterThan(0);
    expect(cov.story_key).toBe('S1');
  });

  it('finds a criterion nobody implements or tests and proposes a task for it', () => {
    const tasks = plan.tasks
      .filter((t) => !/PDF/.test(t.summary))
      .map((t) => ({
        ...t,
        covers_criteria: (t.covers_criteria ?? []).filter((c) => !/PDF/.test(c)),
        test_cases: t.test_cases.filter((tc) => !/PDF/.test(tc.covers_criterion ?? '')),
      }));
    const cov = analyzeStoryCoverage(story, tasks);
    const pdf = cov.criteria[2]!;
    expect(pdf.status).toBe('missing');
    expect(cov.coverage_percent).toBe(67);
    expect(cov.gaps).toHaveLength(1);
    expect(cov.gaps[0]!.missing).toEqual(['task', 'test']);
    expect(cov.gaps[0]!.suggestion).toMatchObject({ action: 'create_task', team: 'backend' });
    expect(cov.gaps[0]!.suggestion.summary).toMatch(/exported as PDF/);
    expect(cov.gaps[0]!.suggestion.test_cases[0]!.covers_criterion).toBe(
      'The invoice can be exported as PDF',
    );
  });

  it('marks work without tests as partial and suggests adding tests to the QA task', () => {
    const tasks = plan.tasks.map((t) => ({ ...t, test_cases: [] }));
    const cov = analyzeStoryCoverage(story, tasks);
    expect(cov.criteria.every((c) => c.status === 'partial')).toBe(true);
    const qa = tasks.find((t) => t.team === 'qa')!;
    expect(cov.gaps[0]!.suggestion).toMatchObject({ action: 'update_task', task_id: qa.id });
  });

  it('suggests extending the closest task when one is about the same thing', () => {
    const tasks = [
      {
        ...plan.tasks[0]!,
        id: 'T1',
        summary: 'Build invoice PDF template',
        description: 'Layout of the PDF',
        covers_criteria: [],
        test_cases: [],
      },
      {
        ...plan.tasks[0]!,
        id: 'T2',
        summary: 'Add invoice table',
        description: 'amount, currency',
        covers_criteria: [],
        test_cases: [],
      },
      {
        ...plan.tasks[0]!,
        id: 'T3',
        summary: 'Invoice email',
        description: 'customer receives an email',
        covers_criteria: [],
        test_cases: [],
      },
    ];
    const cov = analyzeStoryCoverage(story, tasks);
    const gap = cov.gaps.find((g) => g.criterion === 'The invoice can be exported as PDF')!;
    expect(gap.suggestion).toMatchObject({ action: 'update_task', task_id: 'T1' });
  });

  it('counts tests passed separately and recognises reworded criterion links', () => {
    const tasks = plan.tasks.map((t) => ({ ...t, test_cases: [] }));
    const cov = analyzeStoryCoverage(story, tasks, [
      {
        title: 'PDF export',
        type: 'acceptance',
        description: '',
        steps: ['Export'],
        expected_result: 'A PDF',
        covers_criterion: 'the invoice can be exported as a PDF',
        priority: 'high',
      },
    ]);
    expect(cov.criteria[2]!.status).toBe('covered');
    expect(cov.criteria[2]!.tests).toEqual(['PDF export']);
  });
});
