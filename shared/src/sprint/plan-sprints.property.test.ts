import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DependencyCycleError } from './errors.js';
import { planSprints } from './plan-sprints.js';
import { SprintPlan, SprintPlanInput, type SprintTaskInput } from './schemas.js';
import { isWorkingDay, workingDaysBetween } from './working-days.js';

const TEAMS = ['backend', 'frontend', 'qa'] as const;

/**
 * Random DAGs: each task may depend on tasks generated before it, then the list is shuffled so the
 * backlog order is not a topological order. Capacities include zero, part-lane and multi-lane teams;
 * estimates include milestones, half days, tasks longer than a sprint and longer than a team's capacity
 * (split over sprints).
 */
const planInputs = fc
  .record({
    size: fc.integer({ min: 1, max: 40 }),
    capacities: fc.tuple(
      fc.constantFrom(0, 3, 5, 7.5, 10, 20, 30),
      fc.constantFrom(3, 5, 7.5, 10, 20, 30),
      fc.constantFrom(5, 10, 15, 20),
    ),
    startDay: fc.integer({ min: 0, max: 13 }),
    duration: fc.constantFrom(5, 7, 10, 14, 21),
    maxSprints: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    split: fc.boolean(),
    seed: fc.array(
      fc.record({
        team: fc.integer({ min: 0, max: 2 }),
        estimate: fc.constantFrom(0, 0.5, 1, 1.5, 2, 3, 5, 8, 12, 25, 40),
        deps: fc.array(fc.nat(), { maxLength: 4 }),
      }),
      { minLength: 40, maxLength: 40 },
    ),
    order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
  })
  .map(({ size, capacities, startDay, duration, maxSprints, split, seed, order }) => {
    const tasks: SprintTaskInput[] = seed.slice(0, size).map((s, j) => ({
      key: `T-${j}`,
      summary: `task ${j}`,
      team: TEAMS[s.team]!,
      estimate_days: s.estimate,
      depends_on: j === 0 ? [] : [...new Set(s.deps.map((d) => `T-${d % j}`))],
    }));
    const shuffled = tasks
      .map((task, i) => ({ task, rank: order[i]! }))
      .sort((a, b) => a.rank - b.rank)
      .map((x) => x.task);
    const start = new Date(Date.UTC(2025, 0, 4 + startDay)).toISOString().slice(0, 10);
    return SprintPlanInput.parse({
      epic_key: 'P-1',
      start_date: start,
      sprint_duration_days: duration,
      teams: Object.fromEntries(TEAMS.map((t, i) => [t, { capacity_days_per_sprint: capacities[i]! }])),
      max_sprints: maxSprints,
      split_long_tasks: split,
      tasks: shuffled,
    });
  });

const RUNS = { numRuns: 300 };

type Entry = SprintPlan['timeline'][number];
/** First and last entry of each scheduled task (the same one unless the task is split). */
function spans(plan: SprintPlan): Map<string, { first: Entry; last: Entry }> {
  const out = new Map<string, { first: Entry; last: Entry }>();
  for (const e of plan.timeline) {
    const seen = out.get(e.key);
    if (!seen) out.set(e.key, { first: e, last: e });
    else {
      if (e.part < seen.first.part) seen.first = e;
      if (e.part > seen.last.part) seen.last = e;
    }
  }
  return out;
}

describe('planSprints on random DAGs', () => {
  it('respects every dependency: a later sprint, or the same sprint after the blocker ends', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        const when = spans(plan);
        for (const task of input.tasks) {
          const mine = when.get(task.key)?.first;
          if (!mine) continue;
          for (const dep of task.depends_on) {
            const blocker = when.get(dep)?.last;
            expect(blocker, `${task.key} is scheduled but its blocker ${dep} is not`).toBeDefined();
            if (!blocker) continue;
            expect(blocker.sprint_number).toBeLessThanOrEqual(mine.sprint_number);
            if (blocker.sprint_number === mine.sprint_number) {
              expect(blocker.end_offset).toBeLessThanOrEqual(mine.start_offset);
              // Dates are whole days: only a blocker ending at a day boundary (and not a zero-length
              // milestone, dated on the day it falls) must end on an earlier date than a real task.
              const wholeDays =
                Number.isInteger(blocker.end_offset) &&
                blocker.end_offset > blocker.start_offset &&
                mine.end_offset > mine.start_offset;
              if (wholeDays) expect(blocker.end < mine.start).toBe(true);
              else expect(blocker.end <= mine.start).toBe(true);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('never puts more work in a sprint than a team can do', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        for (const sprint of plan.sprints) {
          const entries = plan.timeline.filter((e) => e.sprint_number === sprint.number);
          for (const team of Object.keys(sprint.capacity)) {
            const used = entries.filter((e) => e.team === team).reduce((sum, e) => sum + e.days, 0);
            expect(sprint.used[team]).toBeCloseTo(used, 6);
            expect(used).toBeLessThanOrEqual(sprint.capacity[team]! + 1e-9);
            expect(sprint.utilisation[team]).toBeLessThanOrEqual(1);
          }
        }
      }),
      RUNS,
    );
  });

  it('dates every timeline entry on working days inside its own sprint', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        const sprintOf = new Map(plan.sprints.map((s) => [s.number, s]));
        for (const e of plan.timeline) {
          const sprint = sprintOf.get(e.sprint_number)!;
          expect(e.sprint).toBe(sprint.name);
          expect(
            e.start >= sprint.start_date && e.start <= sprint.end_date,
            `${e.key} starts in ${e.sprint}`,
          ).toBe(true);
          expect(e.end >= e.start && e.end <= sprint.end_date, `${e.key} ends in ${e.sprint}`).toBe(true);
          expect(isWorkingDay(e.start) && isWorkingDay(e.end)).toBe(true);
          expect(e.start_offset).toBeGreaterThanOrEqual(0);
          expect(e.end_offset).toBeLessThanOrEqual(sprint.working_days);
          // The working days between start and end hold the entry's share of work on its lanes.
          expect(workingDaysBetween(e.start, e.end).length * e.lanes).toBeGreaterThanOrEqual(e.days - 1e-9);
          if (plan.summary.end_date) expect(e.end <= plan.summary.end_date).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('splits a task longer than its team can do in a sprint over consecutive sprints, or refuses it', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        const capacity = (team: string) => input.teams[team]!.capacity_days_per_sprint;
        const working = plan.sprints.filter((s) => s.working_days > 0).map((s) => s.number);
        const flagged = new Set(plan.flags.filter((f) => f.code === 'split').map((f) => f.key));
        for (const task of input.tasks) {
          const entries = plan.timeline.filter((e) => e.key === task.key).sort((a, b) => a.part - b.part);
          const longer = capacity(task.team) > 0 && task.estimate_days > capacity(task.team);
          const refused = plan.unscheduled.find((u) => u.key === task.key);
          if (longer && !input.split_long_tasks) {
            expect(entries).toEqual([]);
            // Refused for its length, unless a blocker was refused first.
            expect(['longer_than_a_sprint', 'blocked_by_unscheduled']).toContain(refused?.code);
            continue;
          }
          if (entries.length === 0) continue;
          expect(entries.map((e) => e.part)).toEqual(entries.map((_, k) => k + 1));
          for (const e of entries) expect(e.parts).toBe(entries.length);
          const days = entries.reduce((sum, e) => sum + e.days, 0);
          expect(days).toBeCloseTo(task.estimate_days, 6);
          expect(entries.length).toBe(
            longer ? Math.ceil(task.estimate_days / capacity(task.team) - 1e-9) : 1,
          );
          expect(flagged.has(task.key)).toBe(entries.length > 1);
          // Consecutive among the sprints with working days.
          const at = working.indexOf(entries[0]!.sprint_number);
          expect(entries.map((e) => e.sprint_number)).toEqual(working.slice(at, at + entries.length));
        }
      }),
      RUNS,
    );
  });

  it('never runs more tasks of a team at once than it has lanes, and keeps bars inside their sprint', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        for (const sprint of plan.sprints) {
          const entries = plan.timeline.filter((e) => e.sprint_number === sprint.number);
          for (const e of entries) {
            expect(e.start >= sprint.start_date && e.end <= sprint.end_date).toBe(true);
            expect(e.end_offset).toBeLessThanOrEqual(sprint.working_days);
          }
          for (const [team, capacity] of Object.entries(sprint.capacity)) {
            const lanes = sprint.working_days > 0 ? Math.ceil(capacity / sprint.working_days) : 0;
            const events = entries
              .filter((e) => e.team === team && e.end_offset > e.start_offset)
              .flatMap((e) => [
                [e.start_offset, e.lanes],
                [e.end_offset, -e.lanes],
              ])
              .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
            let running = 0;
            for (const [, delta] of events) {
              running += delta!;
              expect(running).toBeLessThanOrEqual(lanes);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('schedules every task (each of its parts once) or explains why not', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        const scheduled = [...new Set(plan.timeline.map((e) => e.key))];
        const unscheduled = plan.unscheduled.map((u) => u.key);
        expect([...scheduled, ...unscheduled].sort()).toEqual(input.tasks.map((t) => t.key).sort());
        const parts = plan.timeline.map((e) => `${e.key}#${e.part}`);
        expect(new Set(parts).size).toBe(parts.length);
        for (const u of plan.unscheduled) expect(u.reason.length).toBeGreaterThan(0);
        const zeroTeams = new Set(
          Object.keys(input.teams).filter((t) => input.teams[t]!.capacity_days_per_sprint === 0),
        );
        if (input.max_sprints === undefined && zeroTeams.size === 0 && input.split_long_tasks) {
          expect(unscheduled).toEqual([]);
        }
        expect(plan.summary.scheduled_tasks + plan.summary.unscheduled_tasks).toBe(input.tasks.length);
        const sprintTasks = plan.sprints.flatMap((s) => s.tasks.map((key) => `${s.number}:${key}`)).sort();
        expect(sprintTasks).toEqual(plan.timeline.map((e) => `${e.sprint_number}:${e.key}`).sort());
      }),
      RUNS,
    );
  });

  it('never beats its own lower bound and never exceeds max_sprints', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        if (input.max_sprints === undefined) {
          expect(plan.summary.sprints_used).toBeGreaterThanOrEqual(plan.lower_bound_sprints);
        } else {
          expect(plan.summary.sprints_used).toBeLessThanOrEqual(input.max_sprints);
        }
      }),
      RUNS,
    );
  });

  it('follows real dependencies along the critical path', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        const deps = new Map(input.tasks.map((t) => [t.key, new Set(t.depends_on)]));
        for (let k = 1; k < plan.critical_path.length; k++) {
          expect(deps.get(plan.critical_path[k]!)!.has(plan.critical_path[k - 1]!)).toBe(true);
        }
        const days = plan.critical_path.reduce(
          (sum, key) => sum + input.tasks.find((t) => t.key === key)!.estimate_days,
          0,
        );
        expect(days).toBeCloseTo(plan.summary.critical_path_days, 6);
      }),
      RUNS,
    );
  });

  it('is deterministic and matches the SprintPlan schema', () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planSprints(input);
        expect(planSprints(structuredClone(input))).toEqual(plan);
        expect(() => SprintPlan.parse(plan)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });

  it('names a real cycle when a back edge closes one', () => {
    fc.assert(
      fc.property(planInputs, fc.nat(), fc.nat(), (input, a, b) => {
        const tasks = input.tasks;
        // Find a task with a dependency chain and make its deepest ancestor depend on it.
        const byKey = new Map(tasks.map((t) => [t.key, t]));
        const withDeps = tasks.filter((t) => t.depends_on.length > 0);
        fc.pre(withDeps.length > 0);
        const start = withDeps[a % withDeps.length]!;
        let ancestor = start;
        let step = b;
        while (ancestor.depends_on.length > 0) {
          ancestor = byKey.get(ancestor.depends_on[step++ % ancestor.depends_on.length]!)!;
        }
        ancestor.depends_on.push(start.key);
        let error: unknown;
        try {
          planSprints(input);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DependencyCycleError);
        const cycle = (error as DependencyCycleError).cycle;
        expect(cycle.length).toBeGreaterThan(0);
        for (let k = 0; k < cycle.length; k++) {
          const blocker = cycle[(k + cycle.length - 1) % cycle.length]!;
          expect(byKey.get(cycle[k]!)!.depends_on).toContain(blocker);
        }
      }),
      { numRuns: 100 },
    );
  });
});
