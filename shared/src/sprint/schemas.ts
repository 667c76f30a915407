import { z } from 'zod';
import { isoDateToDayNumber } from './working-days.js';

/** An ISO `YYYY-MM-DD` date that exists on the calendar. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => isoDateToDayNumber(s) !== null, 'not a real calendar date');
export type IsoDate = z.infer<typeof IsoDate>;

const Days = z.number().finite().min(0);
/**
 * Upper limit on a team's capacity per sprint (about 1,000 people): the planner keeps one lane per
 * person-sprint, so an absurd figure (a typo) would otherwise cost memory instead of an error.
 */
export const MAX_TEAM_CAPACITY_DAYS = 10_000;
const Capacity = Days.max(MAX_TEAM_CAPACITY_DAYS);

/** Capacity of one team, in person-days of work it can deliver per sprint. */
export const SprintTeam = z.object({
  capacity_days_per_sprint: Capacity,
});
export type SprintTeam = z.infer<typeof SprintTeam>;

/** One task to schedule. `depends_on` lists the keys of its blockers. */
export const SprintTaskInput = z.object({
  key: z.string().trim().min(1),
  summary: z.string().default(''),
  team: z.string().trim().min(1),
  estimate_days: Days,
  depends_on: z.array(z.string().trim().min(1)).default([]),
});
export type SprintTaskInput = z.infer<typeof SprintTaskInput>;

/**
 * The planner's input (the `augment sprint plan FILE` contract, snake_case).
 *
 * Rejected here, with the offending field in the issue path: duplicate task keys
 * (`tasks[i].key`) and a task depending on itself (`tasks[i].depends_on[j]`); both are mistakes in the
 * file that no plan can meaningfully answer. Not rejected: a dependency on a key that is not in `tasks`
 * (common when an epic's story is blocked by work elsewhere) and a task whose team is missing from
 * `teams` or has no capacity: the plan lists those tasks as unscheduled with the reason, so the rest of
 * the epic is still planned.
 *
 * `sprint_capacity_days`, when given, replaces the capacity of every team, including teams only named
 * by tasks. `max_sprints` caps the plan; tasks that do not fit are reported as unscheduled.
 * `split_long_tasks` (default true): a task longer than its team can do in one sprint is split over
 * consecutive sprints; with false it is left unscheduled (`longer_than_a_sprint`) with the reason.
 */
export const SprintPlanInput = z
  .object({
    epic_key: z.string().trim().min(1),
    start_date: IsoDate,
    sprint_duration_days: z.number().int().min(1).max(366).default(14),
    teams: z.record(z.string(), SprintTeam).default({}),
    sprint_capacity_days: Capacity.optional(),
    max_sprints: z.number().int().min(1).optional(),
    split_long_tasks: z.boolean().default(true),
    tasks: z.array(SprintTaskInput),
  })
  .superRefine((input, ctx) => {
    const firstIndex = new Map<string, number>();
    input.tasks.forEach((task, i) => {
      const seen = firstIndex.get(task.key);
      if (seen !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'key'],
          message: `duplicate task key ${task.key} (first used by tasks[${seen}])`,
        });
      } else {
        firstIndex.set(task.key, i);
      }
      task.depends_on.forEach((dep, j) => {
        if (dep === task.key) {
          ctx.addIssue({
            code: 'custom',
            path: ['tasks', i, 'depends_on', j],
            message: `task ${task.key} cannot depend on itself`,
          });
        }
      });
    });
  });
/** Parsed planner input (defaults applied). Build it with `SprintPlanInput.parse(json)`. */
export type SprintPlanInput = z.infer<typeof SprintPlanInput>;
/** Planner input as written in a file, before defaults are applied. */
export type SprintPlanInputFile = z.input<typeof SprintPlanInput>;

const PerTeam = z.record(z.string(), z.number());

/** One sprint of the plan. `used` never exceeds `capacity`. */
export const PlannedSprint = z.object({
  name: z.string(),
  number: z.number().int().min(1),
  start_date: IsoDate,
  /** Last calendar day of the sprint (start + duration - 1). */
  end_date: IsoDate,
  working_days: z.number().int().min(0),
  tasks: z.array(z.string()),
  capacity: PerTeam,
  used: PerTeam,
  /** used / capacity per team, 0..1. */
  utilisation: PerTeam,
});
export type PlannedSprint = z.infer<typeof PlannedSprint>;

/**
 * When a scheduled task runs in one sprint. `start`/`end` are the first and last working day it occupies
 * there (inclusive), always inside the sprint; `start_offset`/`end_offset` are positions in working days
 * from the sprint's first working day (end exclusive, fractions for part days), which is what "blocker
 * finishes before dependent starts" is measured on. A task longer than its team can do in one sprint has
 * one entry per sprint (`part` 1..`parts`, in consecutive sprints), each with the `days` done there.
 */
export const TimelineEntry = z.object({
  key: z.string(),
  team: z.string(),
  sprint: z.string(),
  sprint_number: z.number().int().min(1),
  start: IsoDate,
  end: IsoDate,
  start_offset: z.number().min(0),
  end_offset: z.number().min(0),
  /** Team lanes (people) working on the task in parallel; 1 unless the task is longer than a sprint. */
  lanes: z.number().int().min(1),
  /** Days of the task's estimate done in this entry (the whole estimate unless the task is split). */
  days: z.number().min(0),
  part: z.number().int().min(1),
  parts: z.number().int().min(1),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const UnscheduledReasonCode = z.enum([
  'unknown_team',
  'no_capacity',
  'unknown_dependency',
  'blocked_by_unscheduled',
  'max_sprints_exceeded',
  'longer_than_a_sprint',
]);
export type UnscheduledReasonCode = z.infer<typeof UnscheduledReasonCode>;

export const UnscheduledTask = z.object({
  key: z.string(),
  code: UnscheduledReasonCode,
  reason: z.string(),
});
export type UnscheduledTask = z.infer<typeof UnscheduledTask>;

/** `split`: the task is longer than its team can do in one sprint and runs over consecutive sprints. */
export const PlanFlagCode = z.enum(['split']);
export type PlanFlagCode = z.infer<typeof PlanFlagCode>;

export const PlanFlag = z.object({
  key: z.string(),
  code: PlanFlagCode,
  reason: z.string(),
});
export type PlanFlag = z.infer<typeof PlanFlag>;

export const TeamPlanSummary = z.object({
  capacity_days_per_sprint: z.number(),
  estimate_days: z.number(),
  scheduled_days: z.number(),
  /** Sprints this team alone needs at least: sprints taken whole + ceil(other work / capacity). */
  lower_bound_sprints: z.number().int().min(0),
});
export type TeamPlanSummary = z.infer<typeof TeamPlanSummary>;

export const SprintPlanSummary = z.object({
  total_tasks: z.number().int(),
  scheduled_tasks: z.number().int(),
  unscheduled_tasks: z.number().int(),
  flagged_tasks: z.number().int(),
  sprints_used: z.number().int(),
  total_estimate_days: z.number(),
  scheduled_estimate_days: z.number(),
  critical_path_days: z.number(),
  /** Scheduled work / capacity of the used sprints, over all teams with work. */
  overall_utilisation: z.number(),
  start_date: IsoDate,
  /** Last working day of the last scheduled task, or null when nothing was scheduled. */
  end_date: IsoDate.nullable(),
  teams: z.record(z.string(), TeamPlanSummary),
});
export type SprintPlanSummary = z.infer<typeof SprintPlanSummary>;

/** The planner's output (the `augment sprint plan FILE --json` contract). */
export const SprintPlan = z.object({
  epic_key: z.string(),
  sprints: z.array(PlannedSprint),
  timeline: z.array(TimelineEntry),
  /** Longest estimate-weighted dependency chain among schedulable tasks, blocker first. */
  critical_path: z.array(z.string()),
  unscheduled: z.array(UnscheduledTask),
  flags: z.array(PlanFlag),
  /**
   * max(per-team sprints needed, sprints the dependency chains need with unlimited capacity); no plan
   * can use fewer. 0 with nothing to schedule.
   */
  lower_bound_sprints: z.number().int().min(0),
  summary: SprintPlanSummary,
});
export type SprintPlan = z.infer<typeof SprintPlan>;
