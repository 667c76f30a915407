import type { JobType } from '@augment/shared';
import type { AnyProcessor } from '../types.js';
import { batchProcessor } from './batch.js';
import { draftPrStageProcessor } from './draft-pr-stage.js';
import { epicCompletionProcessor } from './epic-completion.js';
import { epicCreationProcessor } from './epic-creation.js';
import { prdStorySyncProcessor } from './prd-story-sync.js';
import { singleProcessor } from './single.js';
import { sprintPlanningProcessor } from './sprint-planning.js';
import { storyCoverageProcessor } from './story-coverage.js';
import { storyCreationProcessor } from './story-creation.js';
import { storyGenerationProcessor } from './story-generation.js';
import { taskCreationProcessor } from './task-creation.js';
import { taskGenerationProcessor } from './task-generation.js';
import { testGenerationProcessor } from './test-generation.js';
import { timelinePlanningProcessor } from './timeline-planning.js';

/** The processor of each job type. Each later capability replaces its entry with its own file. */
export const processors: Record<JobType, AnyProcessor> = {
  single: singleProcessor,
  batch: batchProcessor,
  story_generation: storyGenerationProcessor,
  prd_story_sync: prdStorySyncProcessor,
  task_generation: taskGenerationProcessor,
  test_generation: testGenerationProcessor,
  epic_creation: epicCreationProcessor,
  story_creation: storyCreationProcessor,
  task_creation: taskCreationProcessor,
  sprint_planning: sprintPlanningProcessor,
  timeline_planning: timelinePlanningProcessor,
  draft_pr_stage: draftPrStageProcessor,
  epic_completion: epicCompletionProcessor,
  story_coverage: storyCoverageProcessor,
};
