/**
 * Request bodies of the runner's generation endpoints: the public contract of FEATURES.md.
 * Defaults follow the spec: `dry_run: true`, `async_mode: false`.
 */
import { z } from 'zod';
import { PROJECT_KEY } from '../common/issue-key.js';
import { IssueKey } from '../common/job-types.js';
import { isoDateToDayNumber } from '../sprint/working-days.js';

/** A model provider, or "rules" for the rule-based engine (no model call). */
export const LlmProviderName = z.enum(['openai', 'claude', 'gemini', 'kimi', 'rules']);
export type LlmProviderName = z.infer<typeof LlmProviderName>;

/** Sampling temperature of the planning calls; models that take none ignore it. */
export const LlmTemperature = z.number().min(0).max(2);

export const CoverageLevel = z.enum(['minimal', 'basic', 'standard', 'comprehensive']);
export type CoverageLevel = z.infer<typeof CoverageLevel>;

/** A repository for code-aware generation: a URL, or `{url, branch}`. */
export const RepoSpec = z.union([
  z.string().min(1).max(2048),
  z.object({ url: z.string().min(1).max(2048), branch: z.string().min(1).max(255).optional() }).strict(),
]);
export type RepoSpec = z.infer<typeof RepoSpec>;

const common = {
  dry_run: z.boolean().default(true),
  async_mode: z.boolean().default(false),
  llm_provider: LlmProviderName.optional(),
  llm_model: z.string().min(1).max(200).optional(),
  llm_temperature: LlmTemperature.optional(),
  additional_context: z.string().max(200_000).optional(),
};

export const GenerateSingleRequest = z
  .object({ ticket_key: IssueKey, repos: z.array(RepoSpec).max(50).optional(), ...common })
  .strict();
export type GenerateSingleRequest = z.infer<typeof GenerateSingleRequest>;

export const GenerateBatchRequest = z
  .object({
    ticket_keys: z.array(IssueKey).min(1).max(500).optional(),
    jql: z.string().min(1).max(4000).optional(),
    max_tickets: z.number().int().positive().max(500).default(100),
    ...common,
  })
  .strict()
  .refine((v) => v.ticket_keys !== undefined || v.jql !== undefined, {
    message: 'either ticket_keys or jql is required',
    path: ['ticket_keys'],
  });
export type GenerateBatchRequest = z.infer<typeof GenerateBatchRequest>;

export const StoryGenerationRequest = z
  .object({
    epic_key: IssueKey,
    prd_url: z.string().url().optional(),
    rfc_url: z.string().url().optional(),
    max_stories: z.number().int().positive().max(100).default(20),
    ...common,
  })
  .strict();
export type StoryGenerationRequest = z.infer<typeof StoryGenerationRequest>;

export const ExistingTicketAction = z.enum(['skip', 'update', 'error']);
export type ExistingTicketAction = z.infer<typeof ExistingTicketAction>;

export const PrdSyncRequest = z
  .object({
    epic_key: IssueKey.optional(),
    prd_url: z.string().min(1).max(2048).optional(),
    existing_ticket_action: ExistingTicketAction.default('skip'),
    project_key: z.string().regex(PROJECT_KEY).optional(),
    ...common,
  })
  .strict()
  .refine((v) => v.epic_key !== undefined || v.prd_url !== undefined, {
    message: 'prd_url is required when epic_key is not given',
    path: ['prd_url'],
  });
export type PrdSyncRequest = z.infer<typeof PrdSyncRequest>;

export const TaskGenerationRequest = z
  .object({
    story_keys: z.array(IssueKey).min(1).max(100),
    epic_key: IssueKey.optional(),
    max_task_cycle_days: z.number().positive().max(30).default(3),
    include_tests: z.boolean().default(true),
    coverage_level: CoverageLevel.default('standard'),
    repos: z.array(RepoSpec).max(50).optional(),
    /** A new plan even when a story's stored plan was made from the same inputs. */
    regenerate: z.boolean().default(false),
    ...common,
  })
  .strict();
export type TaskGenerationRequest = z.infer<typeof TaskGenerationRequest>;

export const TestGenerationRequest = z
  .object({
    epic_key: IssueKey,
    coverage_level: CoverageLevel.default('standard'),
    include_stories: z.boolean().default(true),
    include_tasks: z.boolean().default(true),
    prd_url: z.string().url().optional(),
    rfc_url: z.string().url().optional(),
    ...common,
  })
  .strict();
export type TestGenerationRequest = z.infer<typeof TestGenerationRequest>;

export const EpicCreationRequest = z
  .object({
    project_key: z.string().regex(PROJECT_KEY, 'must be a Jira project key such as PROJ'),
    summary: z.string().min(1).max(255),
    description: z.string().max(100_000).default(''),
    prd_url: z.string().url().optional(),
    rfc_url: z.string().url().optional(),
    create_stories: z.boolean().default(true),
    create_tasks: z.boolean().default(false),
    ...common,
  })
  .strict();
export type EpicCreationRequest = z.infer<typeof EpicCreationRequest>;

export const StoryDraft = z
  .object({
    title: z.string().min(1).max(255),
    description: z.string().max(100_000).default(''),
    acceptance_criteria: z.array(z.string().min(1).max(4000)).max(100).default([]),
    story_points: z.number().nonnegative().max(100).optional(),
  })
  .strict();
export type StoryDraft = z.infer<typeof StoryDraft>;

export const StoryCreationRequest = z
  .object({ epic_key: IssueKey, stories: z.array(StoryDraft).max(100).optional(), ...common })
  .strict();
export type StoryCreationRequest = z.infer<typeof StoryCreationRequest>;

export const TaskCreationRequest = z
  .object({
    story_keys: z.array(IssueKey).min(1).max(100),
    epic_key: IssueKey.optional(),
    max_task_cycle_days: z.number().positive().max(30).default(3),
    create_links: z.boolean().default(true),
    /** A new plan even when a story's stored plan was made from the same inputs. */
    regenerate: z.boolean().default(false),
    ...common,
  })
  .strict();
export type TaskCreationRequest = z.infer<typeof TaskCreationRequest>;

/**
 * POST /analyze/story-coverage. Answers synchronously by default; `async_mode: true` queues a
 * `story_coverage` job, which is how a code-aware run (with `repos`, minutes long) is meant to be called.
 */
export const StoryCoverageRequest = z
  .object({
    story_key: IssueKey,
    repos: z.array(RepoSpec).max(50).optional(),
    additional_context: z.string().max(200_000).optional(),
    async_mode: z.boolean().default(false),
  })
  .strict();
export type StoryCoverageRequest = z.infer<typeof StoryCoverageRequest>;

const isoDate = z
  .string()
  .max(10, 'must be a date YYYY-MM-DD')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => isoDateToDayNumber(s) !== null, 'must be a real calendar date');

export const SprintPlanRequest = z
  .object({
    epic_key: IssueKey,
    board_id: z.number().int().positive(),
    sprint_capacity_days: z.number().positive().max(10_000).optional(),
    start_date: isoDate.optional(),
    sprint_duration_days: z.number().int().min(1).max(60).default(14),
    team_id: z.number().int().positive().optional(),
    max_sprints: z.number().int().positive().max(100).default(20),
    /** A task longer than its team can do in one sprint runs over consecutive sprints; false: left unscheduled. */
    split_long_tasks: z.boolean().default(true),
    ...common,
  })
  .strict();
export type SprintPlanRequest = z.infer<typeof SprintPlanRequest>;

export const TimelineRequest = z
  .object({
    epic_key: IssueKey,
    board_id: z.number().int().positive().optional(),
    start_date: isoDate.optional(),
    sprint_duration_days: z.number().int().min(1).max(60).default(14),
    team_capacity_days: z.number().positive().max(10_000).optional(),
    team_id: z.number().int().positive().optional(),
    /** A task longer than its team can do in one sprint runs over consecutive sprints; false: left unscheduled. */
    split_long_tasks: z.boolean().default(true),
    ...common,
  })
  .strict();
export type TimelineRequest = z.infer<typeof TimelineRequest>;
