/**
 * POST /plan/tasks/generate (and /plan/tasks/team-based, which runs this job type): team-based tasks for
 * stories, each with estimates and test cases, from ONE generation per story; the team dependency rules
 * plus the model's links, validated; tasks longer than `max_task_cycle_days` split. The answer lists
 * `task_details` (`depends_on_tasks`, `blocked_by_teams`) and, with `dry_run: false`, the created tasks
 * and `relationships_created` (Jira keys; `from` blocks `to`).
 */
import type { TaskGenerationRequest } from '@augment/shared';
import { runTaskPlanning, type TaskPlanningResult } from '../../planning/planning-service.js';
import { assertProviderUsable } from '../../planning/structured.js';
import type { Processor } from '../types.js';

export const taskGenerationProcessor: Processor<TaskGenerationRequest, TaskPlanningResult> = (input, ctx) => {
  assertProviderUsable(ctx, input);
  return runTaskPlanning(ctx, input);
};
