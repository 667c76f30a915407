/**
 * POST /plan/tasks/create: plans the team tasks of stories (as POST /plan/tasks/generate does, with test
 * cases at the standard level) and creates them under their stories with their "Blocks" links. Dry run
 * by default. A re-run or a retried job reuses the plan stored on each story and finds the tasks and
 * links created before, so nothing is created twice.
 */
import type { TaskCreationRequest } from '@augment/shared';
import { runTaskPlanning, type TaskPlanningResult } from '../../planning/planning-service.js';
import { assertProviderUsable } from '../../planning/structured.js';
import type { Processor } from '../types.js';

export const taskCreationProcessor: Processor<TaskCreationRequest, TaskPlanningResult> = (input, ctx) => {
  assertProviderUsable(ctx, input);
  return runTaskPlanning(ctx, {
    ...input,
    include_tests: true,
    coverage_level: 'standard',
    create_links: input.create_links,
  });
};
