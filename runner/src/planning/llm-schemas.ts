/**
 * What the planning prompts ask a model to fill. Every field is required (nullable where it may be
 * empty), so the schemas fit OpenAI's strict structured-output subset; the answers are mapped onto the
 * shared planning schemas afterwards.
 */
import { StoryType, Team, TestCase } from '@augment/shared';
import { z } from 'zod';

export const LlmStory = z.object({
  title: z.string().min(1).max(255),
  description: z.string().max(20_000),
  acceptance_criteria: z.array(z.string().min(1).max(4000)).max(30),
  story_points: z.number().nonnegative().max(100).nullable(),
});
export type LlmStory = z.infer<typeof LlmStory>;

export const LlmStoryList = z.object({ stories: z.array(LlmStory).max(100) });
export type LlmStoryList = z.infer<typeof LlmStoryList>;

export const LlmStoryTask = z.object({
  /** A short handle ("T1") other tasks use in `depends_on`. */
  ref: z.string().min(1).max(40),
  summary: z.string().min(1).max(255),
  description: z.string().max(20_000),
  team: Team,
  estimate_days: z.number().positive().max(100),
  /** Refs (or exact summaries) of the tasks of this story that must finish first. */
  depends_on: z.array(z.string().min(1).max(255)).max(50),
  /** Acceptance criteria of the story this task implements, verbatim. */
  covers_criteria: z.array(z.string().min(1).max(4000)).max(50),
  test_cases: z.array(TestCase).max(50),
});
export type LlmStoryTask = z.infer<typeof LlmStoryTask>;

/** The unified answer for one story: its types, and its team tasks each with their test cases. */
export const LlmStoryTaskPlan = z.object({
  story_types: z.array(StoryType).max(4),
  tasks: z.array(LlmStoryTask).min(1).max(40),
});
export type LlmStoryTaskPlan = z.infer<typeof LlmStoryTaskPlan>;

/** Test cases for a story and for each of its tasks, in one answer. */
export const LlmTestSuite = z.object({
  story_test_cases: z.array(TestCase).max(50),
  tasks: z
    .array(z.object({ key: z.string().min(1).max(64), test_cases: z.array(TestCase).max(50) }))
    .max(100),
});
export type LlmTestSuite = z.infer<typeof LlmTestSuite>;
