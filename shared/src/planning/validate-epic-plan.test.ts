import { describe, expect, it } from 'vitest';
import { generateTeamTasks } from './generate-team-tasks.js';
import type { Story, TeamTask } from './schemas.js';
import { validateEpicPlan } from './validate-epic-plan.js';

const epic = {
  key: 'EP-1',
  summary: 'Invoicing',
  description: 'Bill B2B customers from the product instead of spreadsheets.',
};
const good: Story = {
  key: 'S1',
  title: 'Create invoices',
  description:
    'As a finance manager, I want to create an invoice with amount and currency so that I can bill customers.',
  acceptance_criteria: ['Amount must be positive', 'Only finance managers can create invoices'],
};

describe('validateEpicPlan', () => {
  it('finds nothing missing in a complete generated plan', () => {
    const tasks = generateTeamTasks(good).tasks;
    const v = validateEpicPlan(epic, [good], tasks);
    expect(v.findings).toEqual([]);
    expect(v.complete).toBe(true);
    expect(v.epic_key).toBe('EP-1');
    expect(v.stories[0]).toMatchObject({ story: 'S1', coverage_percent: 100 });
  });

  it('reports stories without criteria or tasks, tasks without tests and broken dependencies', () => {
    const bare: Story = { key: 'S2', title: 'Dark mode', description: '', acceptance_criteria: [] };
    const tasks: TeamTask[] = [
      ...generateTeamTasks(good).tasks,
      {
        id: 'X-1',
        summary: 'Orphan task',
        description: '',
        team: 'frontend',
        estimate_days: 1,
        depends_on_tasks: ['ghost', 'X-1'],
        blocked_by_teams: [],
        test_cases: [],
        story_key: 'S9',
      },
    ];
    const v = validateEpicPlan({ summary: 'Invoicing' }, [good, bare], tasks);
    const codes = v.findings.map((f) => `${f.code}:${f.target}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'epic_without_description:Invoicing',
        'story_without_acceptance_criteria:S2',
        'story_without_tasks:S2',
        'story_not_ready:S2',
        'task_without_story:X-1',
        'task_without_tests:X-1',
        'unknown_dependency:X-1',
        'self_dependency:X-1',
      ]),
    );
    expect(v.complete).toBe(false);
    expect(v.counts).toMatchObject({
      stories: 2,
      stories_without_acceptance_criteria: 1,
      stories_without_tasks: 1,
      tasks_without_tests: 1,
    });
  });

  it('reports frontend and QA tasks not linked to the work they wait for, and cycles', () => {
    const tasks = generateTeamTasks(good).tasks.map((t) => ({ ...t, depends_on_tasks: [] as string[] }));
    const be = tasks.find((t) => t.team === 'backend')!;
    const fe = tasks.find((t) => t.team === 'frontend')!;
    be.depends_on_tasks = [fe.id];
    fe.depends_on_tasks = [be.id];
    const v = validateEpicPlan(epic, [good], tasks);
    const codes = v.findings.map((f) => f.code);
    expect(codes).toContain('unlinked_dependency');
    expect(codes).toContain('dependency_cycle');
    expect(v.findings.find((f) => f.code === 'unlinked_dependency')!.target).toBe(
      tasks.find((t) => t.team === 'qa')!.id,
    );
  });

  it('reports criteria no task or test covers', () => {
    const story = {
      ...good,
      acceptance_criteria: [...good.acceptance_criteria, 'Invoices can be exported to QuickBooks'],
    };
    const tasks = generateTeamTasks(good).tasks;
    const v = validateEpicPlan(epic, [story], tasks);
    expect(v.findings).toEqual([
      expect.objectContaining({
        code: 'criterion_not_covered',
        target: 'S1',
        message: expect.stringContaining('QuickBooks'),
      }),
    ]);
    expect(v.counts.uncovered_criteria).toBe(1);
  });
});
