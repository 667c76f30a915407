/**
 * Request bodies and queries of the `/draft-pr/...` routes (FEATURES.md "Draft PR Orchestrator").
 */
import { z } from 'zod';
import { IssueKey } from '../common/job-types.js';
import { PipelineStage, PipelineStatus } from './pipeline-state.js';
import { PLAN_HASH_PATTERN } from './plan-hash.js';
import { branchNameProblem } from './safe-names.js';

export const DraftPrMode = z.enum(['normal', 'yolo']);
export type DraftPrMode = z.infer<typeof DraftPrMode>;

export const BranchName = z
  .string()
  .trim()
  .superRefine((b, ctx) => {
    const problem = branchNameProblem(b);
    if (problem) ctx.addIssue({ code: 'custom', message: `unsafe branch name: ${problem}` });
  });

/** A target repository: a URL, or `{url, branch}` where `branch` is the base branch of the PR. */
export const DraftPrRepo = z
  .union([
    z.string().trim().min(1).max(2048),
    z.object({ url: z.string().trim().min(1).max(2048), branch: BranchName.optional() }).strict(),
  ])
  .transform((r) => (typeof r === 'string' ? { url: r } : r));
export type DraftPrRepo = z.infer<typeof DraftPrRepo>;

const Actor = z.string().trim().min(1).max(200);

/**
 * `POST /draft-pr/create`. The PR is opened in the first repository; the others are context for the
 * plan's cross-repo impacts.
 */
export const DraftPrCreateRequest = z
  .object({
    story_key: IssueKey,
    repos: z.array(DraftPrRepo).min(1).max(10),
    mode: DraftPrMode.default('normal'),
    template_id: z.string().trim().min(1).max(100).optional(),
    requested_by: Actor.optional(),
  })
  .strict();
export type DraftPrCreateRequest = z.infer<typeof DraftPrCreateRequest>;

/** `POST /draft-pr/bulk/create`: one job per story, same repositories and mode. */
export const DraftPrBulkCreateRequest = z
  .object({
    story_keys: z.array(IssueKey).min(1).max(50),
    repos: z.array(DraftPrRepo).min(1).max(10),
    mode: DraftPrMode.default('normal'),
    template_id: z.string().trim().min(1).max(100).optional(),
    requested_by: Actor.optional(),
  })
  .strict();
export type DraftPrBulkCreateRequest = z.infer<typeof DraftPrBulkCreateRequest>;

export const PlanHash = z
  .string()
  .trim()
  .toLowerCase()
  .regex(PLAN_HASH_PATTERN, 'must be a SHA-256 hex plan hash');

/** `POST /draft-pr/jobs/{id}/approve`: approval is bound to the plan hash the approver saw. */
export const ApprovePlanRequest = z
  .object({
    plan_hash: PlanHash,
    approved_by: Actor.optional(),
    /** Teams the approver belongs to, for protected paths (filled by the caller's auth, not the client). */
    approver_teams: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  })
  .strict();
export type ApprovePlanRequest = z.infer<typeof ApprovePlanRequest>;

/** `POST /draft-pr/jobs/bulk/approve`: each approval names the hash it approves. */
export const BulkApproveRequest = z
  .object({
    approvals: z
      .array(z.object({ job_id: z.string().min(1).max(100), plan_hash: PlanHash }).strict())
      .min(1)
      .max(100),
    approved_by: Actor.optional(),
  })
  .strict();
export type BulkApproveRequest = z.infer<typeof BulkApproveRequest>;

/** `POST /draft-pr/jobs/bulk/cancel`. */
export const BulkCancelRequest = z
  .object({ job_ids: z.array(z.string().min(1).max(100)).min(1).max(100) })
  .strict();
export type BulkCancelRequest = z.infer<typeof BulkCancelRequest>;

/** `GET /draft-pr/jobs/{id}/plans/compare?from=1&to=2` (defaults: the two latest versions). */
export const PlanCompareQuery = z.object({
  from: z.coerce.number().int().positive().optional(),
  to: z.coerce.number().int().positive().optional(),
});
export type PlanCompareQuery = z.infer<typeof PlanCompareQuery>;

/** `POST /draft-pr/templates` and `PUT /draft-pr/templates/{id}`. */
export const DraftPrTemplateInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    body: z.string().min(1).max(50_000),
    description: z.string().max(2000).optional(),
  })
  .strict();
export type DraftPrTemplateInput = z.infer<typeof DraftPrTemplateInput>;

/** `GET /draft-pr/analytics/jobs` filters. */
export const DraftPrJobQuery = z.object({
  status: PipelineStatus.optional(),
  stage: PipelineStage.optional(),
  story_key: IssueKey.optional(),
  mode: DraftPrMode.optional(),
  created_after: z.string().datetime({ offset: true }).optional(),
  created_before: z.string().datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type DraftPrJobQuery = z.infer<typeof DraftPrJobQuery>;

/** Ids of Draft PR jobs (UUIDs from the runner; the pattern keeps them safe as file and key names). */
export const DraftPrJobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a draft PR job id (letters, digits, - and _)');

/** Input of the `draft_pr_stage` background job: run one stage of one Draft PR job. */
export const DraftPrStageInput = z
  .object({
    draft_pr_job_id: DraftPrJobId,
    stage: PipelineStage.exclude(['APPROVAL']),
  })
  .strict();
export type DraftPrStageInput = z.infer<typeof DraftPrStageInput>;
