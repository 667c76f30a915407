import { describe, expect, it } from 'vitest';
import { DependencyCycleError, SprintInputError } from './errors.js';
import { planSprints } from './plan-sprints.js';
import { SprintPlan, type TimelineEntry } from './schemas.js';
import { planInput } from './test-helpers.js';

const at = (plan: SprintPlan, key: string): TimelineEntry => {
  const entry = plan.timeline.find((e) => e.key === key);
  if (!entry) throw new Error(`${key} is not on the timeline`);
  return entry;
};

describe('planSprints on known small cases', () => {
  it('chains tasks across teams inside one sprint when each blocker ends before its dependent starts', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 3 },
          { key: 'B', team: 'frontend', estimate_days: 3, depends_on: ['A'] },
          { key: 'C', team: 'qa', estimate_days: 3, depends_on: ['B'] },
        ],
        { backend: 10, frontend: 10, qa: 10 },
      ),
    );
    expect(plan.summary.sprints_used).toBe(1);
    expect([at(plan, 'A'), at(plan, 'B'), at(plan, 'C')].map((e) => [e.start_offset, e.end_offset])).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
    ]);
    expect(at(plan, 'B').start).toBe('2025-01-09');
    expect(at(plan, 'C').end).toBe('2025-01-16');
  });

  it('moves the rest of a chain to the next sprint when it would run past the sprint end', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 5 },
          { key: 'B', team: 'frontend', estimate_days: 5, depends_on: ['A'] },
          { key: 'C', team: 'qa', estimate_days: 5, depends_on: ['B'] },
        ],
        { backend: 10, frontend: 10, qa: 10 },
      ),
    );
    expect(plan.summary.sprints_used).toBe(2);
    expect(plan.lower_bound_sprints).toBe(2);
    expect(at(plan, 'B')).toMatchObject({ sprint: 'AUG-1 Sprint 1', start_offset: 5, end_offset: 10 });
    expect(at(plan, 'C')).toMatchObject({ sprint: 'AUG-1 Sprint 2', start: '2025-01-20', start_offset: 0 });
    expect(plan.critical_path).toEqual(['A', 'B', 'C']);
    expect(plan.summary.critical_path_days).toBe(15);
  });

  it('runs the two branches of a diamond side by side in two lanes', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 2 },
          { key: 'B', team: 'backend', estimate_days: 3, depends_on: ['A'] },
          { key: 'C', team: 'backend', estimate_days: 4, depends_on: ['A'] },
          { key: 'D', team: 'backend', estimate_days: 2, depends_on: ['B', 'C'] },
        ],
        { backend: 20 },
      ),
    );
    expect(plan.summary.sprints_used).toBe(1);
    expect(at(plan, 'B').start_offset).toBe(2);
    expect(at(plan, 'C').start_offset).toBe(2);
    expect(at(plan, 'D')).toMatchObject({ start_offset: 6, end_offset: 8 });
    expect(plan.critical_path).toEqual(['A', 'C', 'D']);
    expect(plan.sprints[0]!.used).toEqual({ backend: 11 });
    expect(plan.sprints[0]!.utilisation).toEqual({ backend: 0.55 });
  });

  it('plans independent teams in parallel, each needing work / capacity sprints', () => {
    const tasks = ['backend', 'frontend'].flatMap((team) =>
      [1, 2, 3, 4].map((n) => ({ key: `${team}-${n}`, team, estimate_days: 5 })),
    );
    const plan = planSprints(planInput(tasks, { backend: 10, frontend: 10 }));
    expect(plan.summary.sprints_used).toBe(2);
    expect(plan.lower_bound_sprints).toBe(2);
    for (const sprint of plan.sprints) expect(sprint.utilisation).toEqual({ backend: 1, frontend: 1 });
  });

  it('packs a sprint exactly when the sizes allow it', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 6 },
          { key: 'B', team: 'backend', estimate_days: 4 },
          { key: 'C', team: 'backend', estimate_days: 6 },
          { key: 'D', team: 'backend', estimate_days: 4 },
        ],
        { backend: 10 },
      ),
    );
    expect(plan.summary.sprints_used).toBe(2);
    expect(plan.sprints.map((s) => s.used.backend)).toEqual([10, 10]);
  });

  it('starts the longest chain first instead of following backlog order', () => {
    // In backlog order X would take the first sprint's lane and push the A -> B chain out to sprint 3.
    const plan = planSprints(
      planInput(
        [
          { key: 'X', team: 'backend', estimate_days: 8 },
          { key: 'A', team: 'backend', estimate_days: 4 },
          { key: 'B', team: 'frontend', estimate_days: 8, depends_on: ['A'] },
        ],
        { backend: 10, frontend: 10 },
      ),
    );
    expect(at(plan, 'A').sprint_number).toBe(1);
    expect(plan.summary.sprints_used).toBe(2);
    expect(plan.lower_bound_sprints).toBe(2);
  });

  it('splits a 13-day task of a team with 8 days a sprint over two sprints, every date inside its sprint', () => {
    // The reported case: drawn at 163% inside one 10-working-day sprint before.
    const plan = planSprints(
      planInput(
        [
          { key: 'STORY', team: 'backend', estimate_days: 13 },
          { key: 'AFTER', team: 'frontend', estimate_days: 2, depends_on: ['STORY'] },
        ],
        { backend: 8, frontend: 10 },
      ),
    );
    const parts = plan.timeline.filter((e) => e.key === 'STORY');
    expect(parts).toEqual([
      expect.objectContaining({
        sprint_number: 1,
        part: 1,
        parts: 2,
        days: 8,
        start: '2025-01-06',
        end: '2025-01-15',
      }),
      expect.objectContaining({
        sprint_number: 2,
        part: 2,
        parts: 2,
        days: 5,
        start: '2025-01-20',
        end: '2025-01-24',
      }),
    ]);
    expect(plan.sprints.map((s) => s.used.backend)).toEqual([8, 5]);
    expect(plan.sprints.map((s) => s.utilisation.backend)).toEqual([1, 0.625]);
    expect(plan.sprints.map((s) => s.tasks)).toEqual([['STORY'], ['STORY', 'AFTER']]);
    // Its dependent starts after the last part.
    expect(at(plan, 'AFTER')).toMatchObject({ sprint_number: 2, start_offset: 5, end_offset: 7 });
    expect(plan.flags).toEqual([
      {
        key: 'STORY',
        code: 'split',
        reason: expect.stringContaining(
          'split over 2 consecutive sprints, AUG-1 Sprint 1 to AUG-1 Sprint 2 (8 + 5 days)',
        ),
      },
    ]);
    expect(plan.summary.end_date).toBe('2025-01-28');
  });

  it('gives a task longer than the team capacity whole sprints and back-fills the rest of the last one', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'BIG', team: 'backend', estimate_days: 15 },
          { key: 'SMALL', team: 'backend', estimate_days: 3 },
          { key: 'UI', team: 'frontend', estimate_days: 3 },
        ],
        { backend: 10, frontend: 10 },
      ),
    );
    expect(plan.timeline.filter((e) => e.key === 'BIG').map((e) => [e.sprint_number, e.days])).toEqual([
      [1, 10],
      [2, 5],
    ]);
    expect(at(plan, 'SMALL')).toMatchObject({ sprint_number: 2, start_offset: 5, end_offset: 8 });
    expect(plan.summary.sprints_used).toBe(2);
    expect(plan.lower_bound_sprints).toBe(2);
    for (const sprint of plan.sprints) expect(sprint.used.backend).toBeLessThanOrEqual(10);
  });

  it('refuses a task longer than a sprint, with the reason, when splitting is off', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'BIG', team: 'backend', estimate_days: 13 },
          { key: 'NEXT', team: 'backend', estimate_days: 1, depends_on: ['BIG'] },
          { key: 'OK', team: 'backend', estimate_days: 8 },
        ],
        { backend: 8 },
        { split_long_tasks: false },
      ),
    );
    expect(plan.unscheduled).toEqual([
      {
        key: 'BIG',
        code: 'longer_than_a_sprint',
        reason:
          'estimate of 13 days is more than team backend can do in one sprint (8 days): split the task, or allow split_long_tasks',
      },
      { key: 'NEXT', code: 'blocked_by_unscheduled', reason: 'depends on BIG, which is unscheduled' },
    ]);
    expect(plan.timeline.map((e) => e.key)).toEqual(['OK']);
  });

  it('gives a task within capacity that its lanes cannot finish side by side the whole sprint, unflagged', () => {
    // 16 days a sprint are lanes of 10 and 6 days: 14 days spread evenly do not fit, poured over both do.
    const plan = planSprints(
      planInput([{ key: 'WIDE', team: 'backend', estimate_days: 14 }], { backend: 16 }),
    );
    expect(at(plan, 'WIDE')).toMatchObject({ start_offset: 0, end_offset: 8, lanes: 2, days: 14, parts: 1 });
    expect(plan.sprints[0]!.used.backend).toBe(14);
    expect(plan.flags).toEqual([]);
  });

  it('spreads a task longer than the sprint over several lanes instead of flagging it', () => {
    const plan = planSprints(
      planInput([{ key: 'LONG', team: 'backend', estimate_days: 12 }], { backend: 20 }),
    );
    expect(plan.flags).toEqual([]);
    expect(at(plan, 'LONG')).toMatchObject({ lanes: 2, start_offset: 0, end_offset: 6 });
  });

  it('leaves the tasks of a team without capacity unscheduled, with their dependents, and plans the rest', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'API', team: 'backend', estimate_days: 2 },
          { key: 'TEST', team: 'qa', estimate_days: 2, depends_on: ['API'] },
          { key: 'RELEASE', team: 'backend', estimate_days: 1, depends_on: ['TEST'] },
          { key: 'DOCS', team: 'writers', estimate_days: 1 },
        ],
        { backend: 10, qa: 0 },
      ),
    );
    expect(plan.timeline.map((e) => e.key)).toEqual(['API']);
    expect(plan.unscheduled).toEqual([
      { key: 'TEST', code: 'no_capacity', reason: 'team "qa" has no capacity (0 days per sprint)' },
      { key: 'RELEASE', code: 'blocked_by_unscheduled', reason: 'depends on TEST, which is unscheduled' },
      { key: 'DOCS', code: 'unknown_team', reason: 'team "writers" is not defined in teams' },
    ]);
    expect(plan.summary).toMatchObject({ scheduled_tasks: 1, unscheduled_tasks: 3 });
  });

  it('reports a dependency on a key outside the plan as unscheduled rather than guessing', () => {
    const plan = planSprints(
      planInput([{ key: 'A', team: 'backend', estimate_days: 1, depends_on: ['OTHER-9'] }], { backend: 10 }),
    );
    expect(plan.unscheduled).toEqual([
      {
        key: 'A',
        code: 'unknown_dependency',
        reason: 'depends on OTHER-9, which is not a task of this plan',
      },
    ]);
    expect(plan.sprints).toEqual([]);
    expect(plan.summary.end_date).toBeNull();
  });

  it('applies sprint_capacity_days to every team, including teams only named by tasks', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 5 },
          { key: 'B', team: 'mobile', estimate_days: 5 },
        ],
        { backend: 1 },
        { sprint_capacity_days: 5 },
      ),
    );
    expect(plan.unscheduled).toEqual([]);
    expect(plan.sprints[0]!.capacity).toEqual({ backend: 5, mobile: 5 });
  });

  it('stops at max_sprints and says which tasks did not fit, and what waited on them', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'Q', team: 'backend', estimate_days: 10 },
          { key: 'R', team: 'backend', estimate_days: 5, depends_on: ['Q'] },
          { key: 'S', team: 'backend', estimate_days: 1, depends_on: ['R'] },
        ],
        { backend: 10 },
        { max_sprints: 1 },
      ),
    );
    expect(plan.summary.sprints_used).toBe(1);
    expect(plan.unscheduled).toEqual([
      { key: 'R', code: 'max_sprints_exceeded', reason: 'no sprint within max_sprints (1) has room for it' },
      { key: 'S', code: 'blocked_by_unscheduled', reason: 'depends on R, which is unscheduled' },
    ]);
    expect(plan.lower_bound_sprints).toBe(2);
  });

  it('names and dates sprints from the start date and skips weekends on the timeline', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 4 },
          { key: 'B', team: 'backend', estimate_days: 10, depends_on: ['A'] },
        ],
        { backend: 10 },
        { start_date: '2025-01-08' },
      ),
    );
    expect(plan.sprints.map((s) => [s.name, s.start_date, s.end_date, s.working_days])).toEqual([
      ['AUG-1 Sprint 1', '2025-01-08', '2025-01-21', 10],
      ['AUG-1 Sprint 2', '2025-01-22', '2025-02-04', 10],
    ]);
    expect(at(plan, 'A')).toMatchObject({ start: '2025-01-08', end: '2025-01-13' });
    expect(at(plan, 'B')).toMatchObject({ start: '2025-01-22', end: '2025-02-04' });
    expect(plan.summary.end_date).toBe('2025-02-04');
  });

  it('schedules half-day tasks back to back on the same day', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 0.5 },
          { key: 'B', team: 'backend', estimate_days: 0.5, depends_on: ['A'] },
        ],
        { backend: 10 },
      ),
    );
    expect(at(plan, 'A')).toMatchObject({ start: '2025-01-06', end: '2025-01-06', end_offset: 0.5 });
    expect(at(plan, 'B')).toMatchObject({ start: '2025-01-06', end: '2025-01-06', start_offset: 0.5 });
  });

  it('places a zero-estimate milestone where its blockers end, without using capacity', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 3 },
          { key: 'M', team: 'backend', estimate_days: 0, depends_on: ['A'] },
        ],
        { backend: 3 },
      ),
    );
    expect(at(plan, 'M')).toMatchObject({ sprint_number: 1, start_offset: 3, end_offset: 3 });
    expect(plan.sprints[0]!.used.backend).toBe(3);
  });

  it('gives an empty plan for no tasks', () => {
    const plan = planSprints(planInput([], { backend: 10 }));
    expect(plan).toMatchObject({ sprints: [], timeline: [], critical_path: [], lower_bound_sprints: 0 });
  });

  it('returns output that matches the SprintPlan schema', () => {
    const plan = planSprints(
      planInput(
        [
          { key: 'A', team: 'backend', estimate_days: 30 },
          { key: 'B', team: 'frontend', estimate_days: 2, depends_on: ['A'] },
        ],
        { backend: 10, frontend: 5 },
      ),
    );
    expect(SprintPlan.parse(plan)).toEqual(plan);
  });
});

describe('planSprints input errors', () => {
  it('throws DependencyCycleError naming the tasks of the cycle in dependency order', () => {
    const input = planInput(
      [
        { key: 'FREE', team: 'backend', estimate_days: 1 },
        { key: 'B', team: 'backend', estimate_days: 1, depends_on: ['A'] },
        { key: 'C', team: 'backend', estimate_days: 1, depends_on: ['B', 'FREE'] },
        { key: 'A', team: 'backend', estimate_days: 1, depends_on: ['C'] },
        { key: 'D', team: 'backend', estimate_days: 1, depends_on: ['A'] },
      ],
      { backend: 10 },
    );
    let error: unknown;
    try {
      planSprints(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).cycle).toEqual(['B', 'C', 'A']);
    expect((error as Error).message).toContain('B -> C -> A -> B');
  });

  it('treats a self-dependency that bypassed the schema as a cycle of one task', () => {
    const input = planInput([{ key: 'A', team: 'backend', estimate_days: 1 }], { backend: 10 });
    input.tasks[0]!.depends_on.push('A');
    expect(() => planSprints(input)).toThrow(DependencyCycleError);
  });

  it('refuses an absurd team capacity that bypassed the schema instead of allocating lanes for it', () => {
    const input = planInput([{ key: 'A', team: 'backend', estimate_days: 1 }], { backend: 10 });
    input.teams.backend!.capacity_days_per_sprint = 1e9;
    expect(() => planSprints(input)).toThrow('teams.backend.capacity_days_per_sprint');
  });

  it('throws SprintInputError for duplicate keys that bypassed the schema', () => {
    const input = planInput([{ key: 'A', team: 'backend', estimate_days: 1 }], { backend: 10 });
    input.tasks.push({ ...input.tasks[0]! });
    expect(() => planSprints(input)).toThrow(SprintInputError);
    expect(() => planSprints(input)).toThrow('tasks[1].key');
  });
});
