/**
 * Request bodies of epic completion, the coverage follow-ups and context-aware task tests.
 * Writes default to `dry_run: true`.
 */
import { z } from 'zod';
import { IssueKey } from '../common/job-types.js';
import { TicketTestCase } from './jira-requests.js';
import { CoverageLevel, LlmProviderName, LlmTemperature } from './requests.js';

const llm = {
  llm_provider: LlmProviderName.optional(),
  llm_model: z.string().min(1).max(200).optional(),
  llm_temperature: LlmTemperature.optional(),
  additional_context: z.string().max(200_000).optional(),
};

/** Fills what an epic is missing: stories, then tasks, then tests (one job, a stage per step). */
export const EpicCompletionRequest = z
  .object({
    epic_key: IssueKey,
    dry_run: z.boolean().default(true),
    async_mode: z.boolean().default(false),
    coverage_level: CoverageLevel.default('standard'),
    /** Steps to run; all three by default. */
    steps: z
      .array(z.enum(['stories', 'tasks', 'tests']))
      .min(1)
      .max(3)
      .default(['stories', 'tasks', 'tests']),
    max_stories: z.number().int().positive().max(100).default(20),
    max_task_cycle_days: z.number().positive().max(30).default(3),
    ...llm,
  })
  .strict();
export type EpicCompletionRequest = z.infer<typeof EpicCompletionRequest>;

const gapBase = {
  story_key: IssueKey,
  /** The acceptance criterion of the story (as the coverage analysis reports it) that has a gap. */
  criterion: z.string().trim().min(1).max(4000),
  dry_run: z.boolean().default(true),
  /** Test cases for the gap are topped up to this level's minimum. */
  coverage_level: CoverageLevel.default('basic'),
};

/** Turns a coverage gap into a new task under the story. Fields given replace the suggestion's. */
export const CoverageCreateTaskRequest = z
  .object({
    ...gapBase,
    summary: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(20_000).optional(),
    team: z.enum(['backend', 'frontend', 'qa', 'infrastructure', 'data']).optional(),
    estimate_days: z.number().positive().max(100).optional(),
    test_cases: z.array(TicketTestCase).max(50).optional(),
  })
  .strict();
export type CoverageCreateTaskRequest = z.infer<typeof CoverageCreateTaskRequest>;

/** Appends a gap's criterion and test cases to an existing task of the story. */
export const CoverageUpdateTaskRequest = z
  .object({
    ...gapBase,
    /** Default: the task the coverage analysis suggests extending. */
    task_key: IssueKey.optional(),
    test_cases: z.array(TicketTestCase).max(50).optional(),
  })
  .strict();
export type CoverageUpdateTaskRequest = z.infer<typeof CoverageUpdateTaskRequest>;

/** Task tests that use the story, its sibling tasks and the epic's PRD/RFC pages. */
export const ContextAwareTaskTestsRequest = z
  .object({
    task_key: IssueKey,
    /** Default: the story the task is linked to. */
    story_key: IssueKey.optional(),
    coverage_level: CoverageLevel.default('standard'),
    include_prd: z.boolean().default(true),
    include_rfc: z.boolean().default(true),
    /** With false, the cases are written into the task's "Test Cases" section. */
    dry_run: z.boolean().default(true),
    ...llm,
  })
  .strict();
export type ContextAwareTaskTestsRequest = z.infer<typeof ContextAwareTaskTestsRequest>;
