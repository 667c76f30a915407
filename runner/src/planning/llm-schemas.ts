/**
 * What the planning prompts ask a model to fill. Every field is required (nullable where it may be
 * empty), so the schemas fit the strict structured-output subsets; each field says what it holds (the
 * description travels in the JSON schema). Limits a provider's mode refuses are moved into the
 * descriptions by the LLM layer and still enforced here, by zod, on the answer. The answers are mapped
 * onto the shared planning schemas afterwards.
 */
import { TestCase as SharedTestCase, StoryType, Team, TestPriority, TestType } from '@augment/shared';
import { z } from 'zod';

const shape = SharedTestCase.shape;

/** A test case as the model writes it: the shared TestCase, each field described. */
export const LlmTestCase = z.object({
  title: shape.title.describe('What the case checks, in one line.'),
  type: TestType.describe('unit, integration, acceptance, e2e, performance, security or ui.'),
  description: shape.description.describe('The situation under test, in a sentence or two.'),
  steps: shape.steps.describe('The steps to run the case, at most 6, each one action.'),
  expected_result: shape.expected_result.describe('What must be observed for the case to pass.'),
  covers_criterion: shape.covers_criterion.describe(
    'The acceptance criterion this case verifies, copied verbatim; null for a technical case.',
  ),
  priority: TestPriority.describe('critical, high, medium or low.'),
});
export type LlmTestCase = z.infer<typeof LlmTestCase>;

export const LlmStory = z.object({
  title: z.string().min(1).max(255).describe('Short and specific, no ticket prefix.'),
  description: z
    .string()
    .max(20_000)
    .describe('The user story ("As a ..., I want ... so that ...") and the details the team needs.'),
  acceptance_criteria: z
    .array(z.string().min(1).max(4000))
    .max(30)
    .describe('Testable criteria, in Given/When/Then form where the wording allows.'),
  story_points: z
    .number()
    .nonnegative()
    .max(100)
    .nullable()
    .describe('1, 2, 3, 5, 8 or 13; null when the sources say too little to tell.'),
});
export type LlmStory = z.infer<typeof LlmStory>;

export const LlmStoryList = z.object({
  stories: z.array(LlmStory).max(100).describe("The epic's stories, in order."),
});
export type LlmStoryList = z.infer<typeof LlmStoryList>;

const taskFields = {
  ref: z
    .string()
    .min(1)
    .max(40)
    .describe('A short handle ("T1") other tasks of this story use in depends_on.'),
  summary: z
    .string()
    .min(1)
    .max(255)
    .describe("One imperative line naming the story's entities, endpoints or screens."),
  description: z
    .string()
    .max(20_000)
    .describe(
      'What to build and how to tell it is done: a short paragraph and a bullet list, about 120 words.',
    ),
  team: Team.describe('backend, frontend, qa, infrastructure or data.'),
  estimate_days: z.number().positive().max(100).describe('Working days for one engineer, in half days.'),
  depends_on: z
    .array(z.string().min(1).max(255))
    .max(50)
    .describe("Refs of this story's tasks that must be finished first; no cycles."),
  covers_criteria: z
    .array(z.string().min(1).max(4000))
    .max(50)
    .describe("The story's acceptance criteria this task implements, copied verbatim."),
};

/** A task without its test cases (the first call of a split story). */
export const LlmTaskOutline = z.object(taskFields);
export type LlmTaskOutline = z.infer<typeof LlmTaskOutline>;

export const LlmStoryTask = z.object({
  ...taskFields,
  test_cases: z.array(LlmTestCase).max(50).describe("The task's test cases, within the coverage range."),
});
export type LlmStoryTask = z.infer<typeof LlmStoryTask>;

const storyTypes = z.array(StoryType).max(4).describe('Which of api, ui, data, integration the story is.');

/** The unified answer for one story: its types, and its team tasks each with their test cases. */
export const LlmStoryTaskPlan = z.object({
  story_types: storyTypes,
  tasks: z.array(LlmStoryTask).min(1).max(40).describe("The story's team tasks."),
});
export type LlmStoryTaskPlan = z.infer<typeof LlmStoryTaskPlan>;

/** A story's tasks without tests: the first answer when tasks and tests do not fit one answer. */
export const LlmStoryTaskOutline = z.object({
  story_types: storyTypes,
  tasks: z.array(LlmTaskOutline).min(1).max(40).describe("The story's team tasks, without test cases."),
});
export type LlmStoryTaskOutline = z.infer<typeof LlmStoryTaskOutline>;

/** Test cases for a group of a story's tasks (the later calls of a split story). */
export const LlmTaskTests = z.object({
  tasks: z
    .array(
      z.object({
        ref: z.string().min(1).max(64).describe('The ref of a task listed in the prompt.'),
        test_cases: z
          .array(LlmTestCase)
          .max(50)
          .describe("The task's test cases, within the coverage range."),
      }),
    )
    .max(40)
    .describe('One entry per task listed in the prompt.'),
});
export type LlmTaskTests = z.infer<typeof LlmTaskTests>;

/** Test cases for a story and for each of its tasks, in one answer. */
export const LlmTestSuite = z.object({
  story_test_cases: z
    .array(LlmTestCase)
    .max(50)
    .describe("Acceptance and end-to-end cases for the story's acceptance criteria."),
  tasks: z
    .array(
      z.object({
        key: z.string().min(1).max(64).describe('The key of a task listed in the prompt.'),
        test_cases: z.array(LlmTestCase).max(50).describe("The task's cases, within the coverage range."),
      }),
    )
    .max(100)
    .describe('One entry per task listed in the prompt.'),
});
export type LlmTestSuite = z.infer<typeof LlmTestSuite>;

/** Links between stories (the cross-story pass): every field required, so strict modes accept it. */
export const LlmCrossStoryLinks = z.object({
  dependencies: z
    .array(
      z.object({
        from: z.string().min(1).max(255).describe('The id of the blocking task, exactly as listed.'),
        to: z.string().min(1).max(255).describe('The id of the blocked task, exactly as listed.'),
        reason: z.string().max(1000).nullable().describe('Why, in one short sentence; null when obvious.'),
      }),
    )
    .max(2000)
    .describe('Links between tasks of different stories; empty when no story blocks another.'),
});
export type LlmCrossStoryLinks = z.infer<typeof LlmCrossStoryLinks>;
