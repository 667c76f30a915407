/**
 * Request bodies of the direct Jira operations (`POST /jira/...`). Writes default to `dry_run: true`.
 * Generated content (description, acceptance criteria, test cases) is markdown here; the runner turns
 * it into ADF. Test cases take the shape the generators return, so their output can be posted as is.
 */
import { z } from 'zod';
import { PROJECT_KEY } from '../common/issue-key.js';
import { IssueKey } from '../common/job-types.js';
import { TestPriority, TestType } from '../planning/schemas.js';

export const ProjectKey = z.string().trim().regex(PROJECT_KEY, 'must be a Jira project key such as PROJ');
export type ProjectKey = z.infer<typeof ProjectKey>;

/** A test case to write into a ticket: only the title is required; unknown fields are ignored. */
export const TicketTestCase = z.object({
  title: z.string().trim().min(1).max(300),
  type: TestType.optional(),
  description: z.string().max(4000).optional(),
  steps: z.array(z.string().min(1).max(1000)).max(30).optional(),
  expected_result: z.string().max(2000).optional(),
  priority: TestPriority.optional(),
  covers_criterion: z.string().max(4000).nullable().optional(),
});
export type TicketTestCase = z.infer<typeof TicketTestCase>;

const Summary = z
  .string()
  .trim()
  .min(1)
  .max(255, 'Jira allows at most 255 characters')
  .refine((s) => !/[\r\n]/.test(s), 'must be a single line');
const Criteria = z.array(z.string().trim().min(1).max(4000)).max(100);
const Labels = z.array(z.string().regex(/^\S{1,255}$/, 'labels cannot contain spaces')).max(50);

/** Generated content of a ticket; each part becomes a section of the ADF description. */
export const TicketContent = z.object({
  description: z.string().max(100_000).optional(),
  acceptance_criteria: Criteria.optional(),
  test_cases: z.array(TicketTestCase).max(100).optional(),
  technical_notes: z.array(z.string().trim().min(1).max(2000)).max(50).optional(),
});
export type TicketContent = z.infer<typeof TicketContent>;

const content = TicketContent.shape;
const dryRun = { dry_run: z.boolean().default(true) };

/**
 * How given content meets the current description on update: `replace` swaps the parts given (the
 * prose, or the "Acceptance Criteria" / "Test Cases" / "Technical Notes" section) and keeps the rest;
 * `append` adds the given parts at the end.
 */
export const DescriptionMode = z.enum(['replace', 'append']);
export type DescriptionMode = z.infer<typeof DescriptionMode>;

export const CreateTicketRequest = z
  .object({
    project_key: ProjectKey.optional(),
    issue_type: z.string().trim().min(1).max(60).default('Task'),
    summary: Summary,
    parent_key: IssueKey.optional(),
    labels: Labels.optional(),
    story_points: z.number().nonnegative().max(100).optional(),
    estimate_days: z.number().positive().max(100).optional(),
    /** Repeating a create with the same key returns the first issue; default: project, type, parent, summary. */
    idempotency_key: z.string().trim().min(1).max(200).optional(),
    ...content,
    ...dryRun,
  })
  .strict()
  .refine((v) => v.project_key !== undefined || v.parent_key !== undefined, {
    message: 'project_key is required when parent_key is not given',
    path: ['project_key'],
  });
export type CreateTicketRequest = z.infer<typeof CreateTicketRequest>;

const hasChange = (v: Record<string, unknown>) =>
  ['summary', 'labels', 'story_points', 'estimate_days', ...Object.keys(content)].some(
    (k) => v[k] !== undefined,
  );

export const UpdateTicketRequest = z
  .object({
    ticket_key: IssueKey,
    summary: Summary.optional(),
    /** Added to the current labels (none removed). */
    labels: Labels.optional(),
    story_points: z.number().nonnegative().max(100).optional(),
    estimate_days: z.number().positive().max(100).optional(),
    description_mode: DescriptionMode.default('replace'),
    ...content,
    ...dryRun,
  })
  .strict()
  .refine(hasChange, {
    message: 'nothing to update: give summary, description, acceptance_criteria, test_cases or another field',
    path: ['body'],
  });
export type UpdateTicketRequest = z.infer<typeof UpdateTicketRequest>;

/** A story to create: `title` (as the generators name it) or `summary`. */
const StoryFields = z.object({
  title: Summary.optional(),
  summary: Summary.optional(),
  story_points: z.number().nonnegative().max(100).optional(),
  labels: Labels.optional(),
  /** The `[TEMP-{uuid}]` marker of the PRD row this story comes from (written by a PRD sync dry run). */
  temp_id: z.uuid().optional(),
  ...content,
});
const titleGiven = {
  check: (v: { title?: string; summary?: string }) => (v.title ?? v.summary) !== undefined,
  message: 'title (or summary) is required',
};

export const NewStory = StoryFields.strict().refine(titleGiven.check, {
  message: titleGiven.message,
  path: ['title'],
});
export type NewStory = z.infer<typeof NewStory>;

export const CreateStoryTicketRequest = StoryFields.extend({
  epic_key: IssueKey,
  /** Default: the epic's project. */
  project_key: ProjectKey.optional(),
  /** Write the story's link into the epic's PRD table (when the epic has a PRD). */
  update_prd: z.boolean().default(true),
  ...dryRun,
})
  .strict()
  .refine(titleGiven.check, { message: titleGiven.message, path: ['title'] });
export type CreateStoryTicketRequest = z.infer<typeof CreateStoryTicketRequest>;

const StoryPatchFields = z.object({
  story_key: IssueKey,
  title: Summary.optional(),
  summary: Summary.optional(),
  story_points: z.number().nonnegative().max(100).optional(),
  labels: Labels.optional(),
  temp_id: z.uuid().optional(),
  description_mode: DescriptionMode.default('replace'),
  ...content,
});
const storyHasChange = (v: Record<string, unknown>) =>
  ['title', 'summary', 'story_points', 'labels', ...Object.keys(content)].some((k) => v[k] !== undefined);
const storyChangeError = {
  message: 'nothing to update: give title, description, acceptance_criteria, test_cases or another field',
  path: ['story_key'],
};

export const StoryPatch = StoryPatchFields.strict().refine(storyHasChange, storyChangeError);
export type StoryPatch = z.infer<typeof StoryPatch>;

export const UpdateStoryTicketRequest = StoryPatchFields.extend({
  /** Default: the story's parent epic. */
  epic_key: IssueKey.optional(),
  update_prd: z.boolean().default(true),
  ...dryRun,
})
  .strict()
  .refine(storyHasChange, storyChangeError);
export type UpdateStoryTicketRequest = z.infer<typeof UpdateStoryTicketRequest>;

export const BulkCreateStoriesRequest = z
  .object({
    epic_key: IssueKey,
    project_key: ProjectKey.optional(),
    stories: z.array(NewStory).min(1).max(100),
    update_prd: z.boolean().default(true),
    ...dryRun,
  })
  .strict();
export type BulkCreateStoriesRequest = z.infer<typeof BulkCreateStoriesRequest>;

export const BulkUpdateStoriesRequest = z
  .object({
    stories: z.array(StoryPatch).min(1).max(100),
    update_prd: z.boolean().default(true),
    ...dryRun,
  })
  .strict();
export type BulkUpdateStoriesRequest = z.infer<typeof BulkUpdateStoriesRequest>;

/** A task to create under a story (a sub-task of it), as team-based task generation returns them. */
export const NewTask = z
  .object({
    story_key: IssueKey.optional(),
    summary: Summary,
    team: z.enum(['backend', 'frontend', 'qa', 'infrastructure', 'data']),
    /** Default 1. */
    estimate_days: z.number().positive().max(100).optional(),
    /**
     * Tasks of this request that block this one: their 0-based position in `tasks`, or their summary.
     */
    depends_on: z
      .array(z.union([z.string().min(1).max(255), z.number().int().nonnegative()]))
      .max(50)
      .optional(),
    ...content,
  })
  .strict();
export type NewTask = z.infer<typeof NewTask>;

export const BulkCreateTasksRequest = z
  .object({
    /** Default story of tasks that name none. */
    story_key: IssueKey.optional(),
    tasks: z.array(NewTask).min(1).max(200),
    /** Create "Blocks" links for `depends_on`. */
    create_links: z.boolean().default(true),
    ...dryRun,
  })
  .strict()
  .superRefine((v, ctx) => {
    v.tasks.forEach((t, i) => {
      if (!t.story_key && !v.story_key) {
        ctx.addIssue({
          code: 'custom',
          message: 'story_key is required (on the task or at the top level)',
          path: ['tasks', i, 'story_key'],
        });
      }
    });
  });
export type BulkCreateTasksRequest = z.infer<typeof BulkCreateTasksRequest>;
