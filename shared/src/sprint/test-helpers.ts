import { SprintPlanInput, type SprintPlanInputFile, type SprintTaskInput } from './schemas.js';

type TaskSpec = Pick<SprintTaskInput, 'key' | 'team' | 'estimate_days'> & Partial<SprintTaskInput>;

/**
 * Builds a parsed planner input for tests: two-week sprints from Monday 2025-01-06 (10 working days
 * each) unless overridden.
 */
export function planInput(
  tasks: TaskSpec[],
  teams: Record<string, number>,
  extra: Partial<SprintPlanInputFile> = {},
): SprintPlanInput {
  return SprintPlanInput.parse({
    epic_key: 'AUG-1',
    start_date: '2025-01-06',
    teams: Object.fromEntries(Object.entries(teams).map(([t, c]) => [t, { capacity_days_per_sprint: c }])),
    tasks,
    ...extra,
  });
}
