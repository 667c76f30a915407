import type { JobType } from '@augment/shared';
import type { AnyProcessor } from '../types.js';
import { draftPrStageProcessor } from './draft-pr-stage.js';
import { prdStorySyncProcessor } from './prd-story-sync.js';
import { previewProcessor } from './preview.js';
import { sprintPlanningProcessor } from './sprint-planning.js';
import { timelinePlanningProcessor } from './timeline-planning.js';

/** The processor of each job type. Each later capability replaces its entry with its own file. */
export const processors: Record<JobType, AnyProcessor> = {
  single: previewProcessor('single'),
  batch: previewProcessor('batch'),
  story_generation: previewProcessor('story_generation'),
  prd_story_sync: prdStorySyncProcessor,
  task_generation: previewProcessor('task_generation'),
  test_generation: previewProcessor('test_generation'),
  epic_creation: previewProcessor('epic_creation'),
  story_creation: previewProcessor('story_creation'),
  task_creation: previewProcessor('task_creation'),
  sprint_planning: sprintPlanningProcessor,
  timeline_planning: timelinePlanningProcessor,
  draft_pr_stage: draftPrStageProcessor,
};
