/**
 * POST /plan/stories/create: creates stories under an epic (dry run by default). The body's `stories`
 * are created as given; without them the stories are generated from the epic first, as
 * POST /plan/stories/generate does. Idempotent: a story the epic already has, or one an earlier run
 * created, is not created again.
 */
import type { Story, StoryCreationRequest } from '@augment/shared';
import type { Processor } from '../types.js';
import { runStoryPlanning, type StoryPlanningResult } from './story-generation.js';

export const storyCreationProcessor: Processor<StoryCreationRequest, StoryPlanningResult> = (input, ctx) => {
  const given = input.stories?.map(
    (s): Story => ({
      title: s.title,
      description: s.description,
      acceptance_criteria: s.acceptance_criteria,
      ...(s.story_points !== undefined ? { story_points: s.story_points } : {}),
    }),
  );
  return runStoryPlanning(ctx, input, given);
};
