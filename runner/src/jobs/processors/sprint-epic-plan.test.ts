import type { TeamMember } from '@augment/shared';
import { describe, expect, it } from 'vitest';
import type { JiraSprint } from '../../adapters/jira/index.js';
import { AppError } from '../../errors.js';
import { resolveCapacity, resolveStartDate, runPlanner } from './sprint-epic-plan.js';

const sprint = (over: Partial<JiraSprint>): JiraSprint => ({
  id: 1,
  name: 'S',
  state: 'future',
  boardId: 1,
  startDate: null,
  endDate: null,
  completeDate: null,
  goal: null,
  ...over,
});

describe('resolveStartDate', () => {
  const today = '2026-11-25';

  it('takes the requested date over everything on the board', () => {
    const board = [sprint({ startDate: '2027-01-04T09:00:00.000Z' })];
    expect(resolveStartDate('2027-03-01', board, today)).toEqual({ date: '2027-03-01', source: 'request' });
  });

  it('starts at the earliest dated future sprint', () => {
    const board = [
      sprint({ id: 1, startDate: '2027-02-01T09:00:00.000Z' }),
      sprint({ id: 2 }),
      sprint({ id: 3, startDate: '2027-01-04T09:00:00.000Z' }),
      sprint({ id: 4, state: 'active', endDate: '2026-12-01T17:00:00.000Z' }),
    ];
    expect(resolveStartDate(undefined, board, today)).toEqual({
      date: '2027-01-04',
      source: 'future_sprint',
    });
  });

  it('starts the day after the active sprint ends, unless that day has passed', () => {
    const active = sprint({ state: 'active', endDate: '2026-12-04T17:00:00.000Z' });
    expect(resolveStartDate(undefined, [active], today)).toEqual({
      date: '2026-12-05',
      source: 'active_sprint_end',
    });
    const overdue = sprint({ state: 'active', endDate: '2026-01-19T17:00:00.000Z' });
    expect(resolveStartDate(undefined, [overdue], today)).toEqual({ date: today, source: 'today' });
    expect(resolveStartDate(undefined, [], today)).toEqual({ date: today, source: 'today' });
  });
});

describe('resolveCapacity', () => {
  const member = (id: number, role: TeamMember['role'], days: number, teamId: number | null): TeamMember => ({
    id,
    name: `m${id}`,
    email: `m${id}@example.com`,
    role,
    level: 'mid',
    team_id: teamId,
    capacity_days_per_sprint: days,
    active: true,
    created_at: '',
    updated_at: '',
  });
  const members = [member(1, 'backend', 8, 1), member(2, 'fullstack', 6, 1), member(3, 'qa', 5, 2)];

  it('sums active members per role, within one team when asked', () => {
    expect(resolveCapacity(undefined, 'sprint_capacity_days', members, 1)).toMatchObject({
      source: 'team_members',
      team_id: 1,
      teams: { backend: 11, frontend: 3 },
    });
    expect(resolveCapacity(undefined, 'sprint_capacity_days', members, undefined).teams.qa).toBe(5);
  });

  it('lets an override replace member capacity', () => {
    expect(resolveCapacity(12, 'team_capacity_days', [], undefined)).toMatchObject({
      source: 'override',
      override_days: 12,
    });
  });

  it('refuses to plan with no capacity at all, naming the override field', () => {
    try {
      resolveCapacity(undefined, 'team_capacity_days', members, 9);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).details).toEqual({ field: 'team_capacity_days' });
      expect((err as AppError).message).toContain('team 9');
      expect((err as { retryable?: boolean }).retryable).toBe(false);
    }
  });
});

describe('runPlanner', () => {
  it('turns a dependency cycle into a 422 that names every task of the cycle', () => {
    const task = (key: string, dep: string) => ({
      key,
      summary: '',
      team: 'backend',
      estimate_days: 1,
      depends_on: [dep],
    });
    try {
      runPlanner({
        epic_key: 'P-1',
        start_date: '2027-01-04',
        sprint_duration_days: 14,
        teams: { backend: { capacity_days_per_sprint: 10 } },
        split_long_tasks: true,
        tasks: [task('P-2', 'P-4'), task('P-3', 'P-2'), task('P-4', 'P-3'), task('P-5', 'P-2')],
      });
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).status).toBe(422);
      expect((err as AppError).code).toBe('dependency_cycle');
      expect([...(((err as AppError).details?.cycle as string[] | undefined) ?? [])].sort()).toEqual([
        'P-2',
        'P-3',
        'P-4',
      ]);
      expect((err as AppError).message).toMatch(/P-\d -> P-\d -> P-\d -> P-\d/);
    }
  });
});
