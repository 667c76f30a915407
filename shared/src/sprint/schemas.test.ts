import { describe, expect, it } from 'vitest';
import { SprintPlanInput } from './schemas.js';

const valid = {
  epic_key: 'AUG-1',
  start_date: '2025-01-06',
  teams: { backend: { capacity_days_per_sprint: 20 } },
  tasks: [{ key: 'A', summary: 'API', team: 'backend', estimate_days: 3, depends_on: [] }],
};

const issuePaths = (value: unknown): string[] => {
  const result = SprintPlanInput.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('SprintPlanInput', () => {
  it('fills in a 14-day sprint, an empty summary and no dependencies by default', () => {
    const parsed = SprintPlanInput.parse({
      ...valid,
      tasks: [{ key: 'A', team: 'backend', estimate_days: 1 }],
    });
    expect(parsed.sprint_duration_days).toBe(14);
    expect(parsed.tasks[0]).toEqual({
      key: 'A',
      summary: '',
      team: 'backend',
      estimate_days: 1,
      depends_on: [],
    });
  });

  it('names the field of each invalid value', () => {
    expect(issuePaths({ ...valid, start_date: '2025-02-30' })).toEqual(['start_date']);
    expect(issuePaths({ ...valid, sprint_duration_days: 0 })).toEqual(['sprint_duration_days']);
    expect(issuePaths({ ...valid, teams: { backend: { capacity_days_per_sprint: -1 } } })).toEqual([
      'teams.backend.capacity_days_per_sprint',
    ]);
    expect(issuePaths({ ...valid, tasks: [{ key: 'A', team: 'backend', estimate_days: 'three' }] })).toEqual([
      'tasks.0.estimate_days',
    ]);
    expect(issuePaths({ ...valid, epic_key: undefined })).toEqual(['epic_key']);
    expect(issuePaths({ ...valid, sprint_capacity_days: 20_000 })).toEqual(['sprint_capacity_days']);
  });

  it('rejects duplicate task keys at the second occurrence', () => {
    const tasks = [
      { key: 'A', team: 'backend', estimate_days: 1 },
      { key: 'B', team: 'backend', estimate_days: 1 },
      { key: 'A', team: 'backend', estimate_days: 2 },
    ];
    const result = SprintPlanInput.safeParse({ ...valid, tasks });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['tasks', 2, 'key'],
        message: expect.stringContaining('duplicate task key A'),
      }),
    ]);
  });

  it('rejects a task that depends on itself, pointing at the dependency', () => {
    const tasks = [{ key: 'A', team: 'backend', estimate_days: 1, depends_on: ['X', 'A'] }];
    expect(issuePaths({ ...valid, tasks })).toEqual(['tasks.0.depends_on.1']);
  });

  it('accepts dependencies on keys outside the file, for the planner to report', () => {
    const tasks = [{ key: 'A', team: 'backend', estimate_days: 1, depends_on: ['ELSEWHERE-1'] }];
    expect(SprintPlanInput.safeParse({ ...valid, tasks }).success).toBe(true);
  });
});
