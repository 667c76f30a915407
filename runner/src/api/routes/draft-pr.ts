/**
 * The `/draft-pr/...` routes (FEATURES.md "Draft PR Orchestrator") and the readiness checks under
 * `/validate`. Each route parses, calls the engine, and queues the stage the job is then ready for; the
 * stages themselves run as `draft_pr_stage` background jobs.
 */
import {
  ApprovePlanRequest,
  BranchName,
  BulkApproveRequest,
  BulkCancelRequest,
  DraftPrBulkCreateRequest,
  DraftPrCreateRequest,
  DraftPrJobId,
  DraftPrJobQuery,
  DraftPrTemplateInput,
  IssueKey,
  PipelineStage,
  PipelineStatus,
  PlanCompareQuery,
  PlanFeedback,
  runnableStage,
} from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { AtlassianError } from '../../adapters/http/index.js';
import { readinessOf, siblingsOf } from '../../analysis/ticket-insights.js';
import type { BulkItemResult, DraftPrEngine } from '../../draft-pr/engine.js';
import { storyFromIssue } from '../../draft-pr/jira-story.js';
import { draftPrTicket, enqueueRunnableStage, type StageQueued } from '../../draft-pr/stage-queue.js';
import { AppError, notFound } from '../../errors.js';
import type { DraftPrJob, DraftPrStore, PlanVersion } from '../../store/draft-pr-store.js';
import type { App, AppDeps } from '../app.js';
import { actorOf, type Principal } from '../auth.js';
import { credentialsOf } from './generation.js';
import { ErrorBody, errorResponses, jsonContent as json } from './schemas.js';

const body = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});
const Obj = z.record(z.string(), z.unknown());
const errors = {
  404: json(ErrorBody, 'No such job, plan, artifact or template'),
  409: json(ErrorBody, 'Not allowed in the job’s current state, stale plan hash, or duplicate'),
  ...errorResponses,
};

const JobView = z.looseObject({
  job_id: z.string(),
  story_key: z.string(),
  mode: z.enum(['normal', 'yolo']),
  status: PipelineStatus,
  stage: PipelineStage,
  progress: z.number(),
  error: Obj.nullable(),
  pr_url: z.string().nullable(),
  latest_plan_version: z.number().nullable(),
  latest_plan_hash: z.string().nullable(),
  approved_plan_hash: z.string().nullable(),
  result: Obj,
  created_at: z.string(),
  updated_at: z.string(),
});
const QueuedStage = z
  .object({ stage: z.string(), queue_job_id: z.string().nullable(), already_queued: z.boolean() })
  .nullable();
const PlanVersionView = z.looseObject({
  job_id: z.string(),
  version: z.number(),
  hash: z.string(),
  plan_hash: z.string(),
  plan: Obj,
  approved: z.boolean(),
});
const BulkResults = z.object({
  results: z.array(
    z.object({
      job_id: z.string(),
      ok: z.boolean(),
      job: JobView.optional(),
      error: Obj.optional(),
      queued: QueuedStage.optional(),
    }),
  ),
  succeeded: z.number(),
  failed: z.number(),
});
const JobParam = z.object({ job_id: DraftPrJobId });
const ArtifactParam = JobParam.extend({ artifact_type: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/) });
const TemplateParam = z.object({ template_id: z.string().min(1).max(100) });
/** Teams come from the runner's configuration for the caller, never from the request. */
const ApproveBody = ApprovePlanRequest.omit({ approver_teams: true });
const RepoBody = z
  .object({ url: z.string().trim().min(1).max(2048), branch: BranchName.optional() })
  .strict();
const ACTIVE = new Set(['pending', 'running', 'awaiting_approval', 'failed']);

function jobView(store: DraftPrStore, job: DraftPrJob) {
  const latest = store.latestPlan(job.id);
  const approval = latest ? store.validApproval(job.id, latest.hash) : null;
  return {
    job_id: job.id,
    story_key: job.story_key,
    mode: job.mode,
    status: job.status,
    stage: job.stage,
    progress: job.progress,
    error: job.error,
    repos: job.repos,
    template_id: job.template_id,
    requested_by: job.requested_by,
    story: job.story,
    pr_url: job.result.pr?.url ?? null,
    branch: job.result.branch ?? null,
    latest_plan_version: latest?.version ?? null,
    latest_plan_hash: latest?.hash ?? null,
    approved_plan_hash: approval?.plan_hash ?? null,
    approval: approval
      ? {
          approved_by: approval.approved_by,
          approved_at: approval.approved_at,
          plan_version: approval.plan_version,
        }
      : null,
    result: job.result as Record<string, unknown>,
    created_at: job.created_at,
    updated_at: job.updated_at,
    finished_at: job.finished_at,
    links: {
      self: `/draft-pr/jobs/${job.id}`,
      plan: `/draft-pr/jobs/${job.id}/plan`,
      progress: `/draft-pr/jobs/${job.id}/progress`,
      artifacts: `/draft-pr/jobs/${job.id}/artifacts`,
    },
  };
}

function planView(store: DraftPrStore, v: PlanVersion) {
  return {
    ...v,
    plan: v.plan as unknown as Record<string, unknown>,
    plan_hash: v.hash,
    approved: store.validApproval(v.job_id, v.hash) !== null,
  };
}

function itemError(err: unknown): Record<string, unknown> {
  if (err instanceof AppError)
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  return { code: 'internal_error', message: 'internal error' };
}

export function registerDraftPrRoutes(app: App, deps: AppDeps) {
  const tags = ['draft-pr'];
  const engine = (p: Principal): DraftPrEngine => deps.services.draftPrFor(credentialsOf(p));
  const store = () => deps.services.draftPr.store;
  const enqueueFor =
    (p: Principal) =>
    (job: DraftPrJob): Promise<StageQueued | null> =>
      enqueueRunnableStage(
        (type, input) =>
          deps.queue.enqueue(type, input, {
            requestedBy: actorOf(p),
            tenant: p.tenant,
            credentials: credentialsOf(p),
          }),
        job,
      );
  /** The job, if it belongs to the caller's tenant: another site's job is as unknown as a missing one. */
  const owned = (p: Principal, jobId: string): DraftPrJob => {
    const job = store().getJob(jobId);
    if (!job || job.tenant !== p.tenant) throw notFound(`draft PR job ${jobId}`);
    return job;
  };
  /** Templates are runner-wide configuration shared by every site: only API-key callers change them. */
  const operatorOnly = (p: Principal) => {
    if (p.kind === 'forge') {
      throw new AppError(
        403,
        'forbidden',
        'PR description templates are managed with an API key on the runner',
      );
    }
  };
  const teamsOf = (p: Principal): string[] => {
    const map = deps.services.env.DRAFT_PR_APPROVER_TEAMS ?? {};
    return [...(map[p.id] ?? []), ...(p.kind === 'forge' && p.accountId ? (map[p.accountId] ?? []) : [])];
  };
  /** Creates the job unless the story already has an unfinished one for the same repository. */
  const createJob = (e: DraftPrEngine, input: DraftPrCreateRequest, tenant: string): DraftPrJob =>
    store().tx(() => {
      const target = input.repos[0]?.url;
      const existing = store()
        .listJobs({ tenant, story_key: input.story_key, limit: 500 })
        .jobs.find((j) => ACTIVE.has(j.status) && j.repos[0]?.url === target);
      if (existing) {
        throw new AppError(
          409,
          'duplicate_job',
          `story ${input.story_key} already has a draft PR job for ${target} (${existing.status}); retry or cancel it first`,
          { existing_job_id: existing.id, status: existing.status, stage: existing.stage },
        );
      }
      return e.create(input, tenant);
    });

  // ---- creation -----------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/create',
      tags,
      summary: 'Create a draft PR job for a story; PLAN starts in the background',
      request: body(DraftPrCreateRequest),
      responses: {
        202: json(JobView.extend({ queued: QueuedStage, status_url: z.string() }), 'Job created'),
        ...errors,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const input = c.req.valid('json');
      const job = createJob(
        engine(principal),
        { ...input, requested_by: actorOf(principal, input.requested_by) },
        principal.tenant,
      );
      const queued = await enqueueFor(principal)(job);
      return c.json({ ...jobView(store(), job), queued, status_url: `/draft-pr/jobs/${job.id}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/bulk/create',
      tags,
      summary: 'Create one draft PR job per story (same repositories and mode)',
      request: body(DraftPrBulkCreateRequest),
      responses: { 202: json(BulkResults, 'Per-story outcome'), ...errors },
    }),
    async (c) => {
      const principal = c.get('principal');
      const input = c.req.valid('json');
      const e = engine(principal);
      const results = [];
      for (const story_key of input.story_keys) {
        try {
          const job = createJob(
            e,
            {
              story_key,
              repos: input.repos,
              mode: input.mode,
              template_id: input.template_id,
              requested_by: actorOf(principal, input.requested_by),
            },
            principal.tenant,
          );
          const queued = await enqueueFor(principal)(job);
          results.push({ job_id: job.id, ok: true, job: jobView(store(), job), queued });
        } catch (err) {
          results.push({ job_id: '', ok: false, error: { ...itemError(err), story_key } });
        }
      }
      const succeeded = results.filter((r) => r.ok).length;
      return c.json({ results, succeeded, failed: results.length - succeeded }, 202);
    },
  );

  // ---- bulk actions (before /draft-pr/jobs/{job_id}/...: "bulk" is not a job id) -------------------

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/jobs/bulk/approve',
      tags,
      summary: 'Approve several plans, each by the hash the approver saw',
      request: body(BulkApproveRequest),
      responses: { 200: json(BulkResults, 'Per-job outcome'), ...errors },
    }),
    async (c) => {
      const principal = c.get('principal');
      const input = c.req.valid('json');
      const e = engine(principal);
      const approvedBy = actorOf(principal, input.approved_by);
      const results = [];
      for (const { job_id, plan_hash } of input.approvals) {
        try {
          owned(principal, job_id);
          const job = e.approve(job_id, { plan_hash, approver_teams: teamsOf(principal) }, approvedBy);
          const queued = await enqueueFor(principal)(job);
          results.push({ job_id, ok: true, job: jobView(store(), job), queued });
        } catch (err) {
          results.push({ job_id, ok: false, error: itemError(err) });
        }
      }
      const succeeded = results.filter((r) => r.ok).length;
      return c.json({ results, succeeded, failed: results.length - succeeded }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/jobs/bulk/cancel',
      tags,
      summary: 'Cancel several jobs (a running stage is aborted)',
      request: body(BulkCancelRequest),
      responses: { 200: json(BulkResults, 'Per-job outcome'), ...errors },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { job_ids } = c.req.valid('json');
      const mine = (id: string) => store().getJob(id)?.tenant === principal.tenant;
      const cancelled = await engine(principal).bulkCancel(job_ids.filter(mine));
      const outcomes: BulkItemResult[] = job_ids.map(
        (id) =>
          cancelled.find((o) => o.job_id === id) ?? {
            job_id: id,
            ok: false,
            error: { code: 'not_found', message: `draft PR job ${id} not found` },
          },
      );
      const results = [];
      for (const o of outcomes) {
        if (o.ok) {
          // Stop the stage job too, so a long VERIFY does not run on for a cancelled job.
          for (const q of await deps.queue.forTicket(principal.tenant, draftPrTicket(o.job_id))) {
            if (q.status === 'waiting' || q.status === 'active' || q.status === 'delayed') {
              await deps.queue.cancel(q.job_id, principal.tenant).catch(() => undefined);
            }
          }
        }
        results.push({
          job_id: o.job_id,
          ok: o.ok,
          ...(o.job ? { job: jobView(store(), o.job) } : {}),
          ...(o.error ? { error: o.error } : {}),
        });
      }
      const succeeded = results.filter((r) => r.ok).length;
      return c.json({ results, succeeded, failed: results.length - succeeded }, 200);
    },
  );

  // ---- one job ------------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}',
      tags,
      summary: 'Job status, stage, result and PR link',
      request: { params: JobParam },
      responses: { 200: json(JobView, 'The job'), ...errors },
    }),
    (c) => c.json(jobView(store(), owned(c.get('principal'), c.req.valid('param').job_id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/progress',
      tags,
      summary: 'Per-stage progress and stage runs with their timings',
      request: { params: JobParam },
      responses: { 200: json(Obj, 'Progress'), ...errors },
    }),
    (c) => {
      const { job_id } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      const progress = deps.services.draftPr.progress(job_id);
      return c.json(progress as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/jobs/{job_id}/retry',
      tags,
      summary: 'Retry a failed job from the stage that failed',
      description:
        'A job that failed after APPLY first re-reads its base branch: when the base moved, the approved plan is ' +
        'applied again on the new base (`result.base_moved`; the approval stays bound to the plan hash) and ' +
        'the job resumes at APPLY. A job that is pending or running (its stage job lost, e.g. to a crashed ' +
        'worker) has that stage queued again; a stage job already queued is kept.',
      request: { params: JobParam },
      responses: { 202: json(JobView.extend({ queued: QueuedStage }), 'Stage queued again'), ...errors },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { job_id } = c.req.valid('param');
      const current = owned(principal, job_id);
      const job = runnableStage(current) ? current : await engine(principal).retry(job_id, c.req.raw.signal);
      const queued = await enqueueFor(principal)(job);
      return c.json({ ...jobView(store(), job), queued }, 202);
    },
  );

  // ---- plans --------------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/plan',
      tags,
      summary: 'The latest plan, with its hash (what an approval names)',
      request: { params: JobParam },
      responses: { 200: json(PlanVersionView, 'Latest plan'), ...errors },
    }),
    (c) => {
      const { job_id } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      const latest = store().latestPlan(job_id);
      if (!latest) throw new AppError(404, 'not_found', `job ${job_id} has no plan yet`);
      return c.json(planView(store(), latest), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/plans',
      tags,
      summary: 'Every plan version, oldest first, with feedback and hashes',
      request: { params: JobParam },
      responses: {
        200: json(z.object({ job_id: z.string(), versions: z.array(Obj), total: z.number() }), 'Versions'),
        ...errors,
      },
    }),
    (c) => {
      const { job_id } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      const versions = store()
        .listPlanVersions(job_id)
        .map((v) => ({ ...v, plan_hash: v.hash, approved: store().validApproval(job_id, v.hash) !== null }));
      return c.json({ job_id, versions, total: versions.length }, 200);
    },
  );

  // Before /plans/{version}: "compare" is not a version number.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/plans/compare',
      tags,
      summary: 'What changed between two plan versions, field by field (default: the two latest)',
      request: { params: JobParam, query: PlanCompareQuery },
      responses: { 200: json(Obj, 'Comparison'), ...errors },
    }),
    (c) => {
      const { job_id } = c.req.valid('param');
      const { from, to } = c.req.valid('query');
      owned(c.get('principal'), job_id);
      const out = deps.services.draftPr.comparePlanVersions(job_id, from, to);
      return c.json({ job_id, ...out } as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/plans/{version}',
      tags,
      summary: 'One plan version',
      request: { params: JobParam.extend({ version: z.coerce.number().int().positive() }) },
      responses: { 200: json(PlanVersionView, 'Plan version'), ...errors },
    }),
    (c) => {
      const { job_id, version } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      return c.json(planView(store(), store().requirePlanVersion(job_id, version)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/jobs/{job_id}/revise-plan',
      tags,
      summary: 'Revise the plan from feedback: a new version; earlier approvals no longer count',
      request: { params: JobParam, ...body(PlanFeedback) },
      responses: {
        200: json(z.object({ job: JobView, version: PlanVersionView, queued: QueuedStage }), 'Revised'),
        ...errors,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { job_id } = c.req.valid('param');
      const feedback = c.req.valid('json');
      owned(principal, job_id);
      const { job, version } = await engine(principal).revisePlan(
        job_id,
        { ...feedback, requested_by: actorOf(principal, feedback.requested_by) },
        { signal: c.req.raw.signal },
      );
      // In YOLO mode a compliant revision is approved at once: APPLY is then ready to run.
      const queued = await enqueueFor(principal)(job);
      return c.json({ job: jobView(store(), job), version: planView(store(), version), queued }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/jobs/{job_id}/approve',
      tags,
      summary: 'Approve the latest plan by its hash; APPLY starts in the background',
      description:
        'The approval is bound to (job, plan hash): a hash that is not the latest plan’s is refused with 409 `stale_plan_hash`. The approver is the authenticated caller.',
      request: { params: JobParam, ...body(ApproveBody) },
      responses: { 200: json(JobView.extend({ queued: QueuedStage }), 'Approved'), ...errors },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { job_id } = c.req.valid('param');
      const input = c.req.valid('json');
      owned(principal, job_id);
      const job = engine(principal).approve(
        job_id,
        { plan_hash: input.plan_hash, approver_teams: teamsOf(principal) },
        actorOf(principal, input.approved_by),
      );
      const queued = await enqueueFor(principal)(job);
      return c.json({ ...jobView(store(), job), queued }, 200);
    },
  );

  // ---- artifacts ----------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/artifacts',
      tags,
      summary: 'Artifacts of the job: plans, diff, verification output, PR description and metadata',
      request: { params: JobParam },
      responses: {
        200: json(z.object({ job_id: z.string(), artifacts: z.array(Obj), total: z.number() }), 'Artifacts'),
        ...errors,
      },
    }),
    (c) => {
      const { job_id } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      const artifacts = store()
        .listArtifacts(job_id)
        .map(({ path: _path, ...meta }) => ({
          ...meta,
          url: `/draft-pr/jobs/${job_id}/artifacts/${meta.type}`,
        }));
      return c.json({ job_id, artifacts, total: artifacts.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/artifacts/{artifact_type}/metadata',
      tags,
      summary: 'Size, SHA-256, content type and time of one artifact',
      request: { params: ArtifactParam },
      responses: { 200: json(Obj, 'Metadata'), ...errors },
    }),
    (c) => {
      const { job_id, artifact_type } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      const meta = store().getArtifact(job_id, artifact_type);
      if (!meta) throw notFound(`artifact ${artifact_type} of job ${job_id}`);
      const { path: _path, ...rest } = meta;
      return c.json(rest as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/jobs/{job_id}/artifacts/{artifact_type}',
      tags,
      summary: 'The content of one artifact, with its content type',
      request: { params: ArtifactParam },
      responses: {
        200: {
          description: 'Artifact content',
          content: {
            'application/json': { schema: z.unknown() },
            'text/markdown': { schema: z.string() },
            'text/x-diff': { schema: z.string() },
          },
        },
        ...errors,
      },
    }),
    (c) => {
      const { job_id, artifact_type } = c.req.valid('param');
      owned(c.get('principal'), job_id);
      const artifact = store().readArtifact(job_id, artifact_type);
      if (!artifact) throw notFound(`artifact ${artifact_type} of job ${job_id}`);
      const type = artifact.meta.content_type;
      return new Response(new Uint8Array(artifact.content), {
        status: 200,
        headers: {
          'content-type': type.startsWith('text/') ? `${type}; charset=utf-8` : type,
          'x-content-sha256': artifact.meta.sha256,
          'x-content-type-options': 'nosniff',
        },
      });
    },
  );

  // ---- templates ----------------------------------------------------------------------------------

  const TemplateView = z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    body: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/templates',
      tags,
      summary: 'PR description templates',
      responses: {
        200: json(z.object({ templates: z.array(TemplateView), total: z.number() }), 'Templates'),
        ...errorResponses,
      },
    }),
    (c) => {
      const templates = store().listTemplates();
      return c.json({ templates, total: templates.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/draft-pr/templates',
      tags,
      summary: 'Create a PR description template (placeholders such as {{summary}} are filled at PACKAGE)',
      request: body(DraftPrTemplateInput),
      responses: { 201: json(TemplateView, 'Created'), ...errors },
    }),
    (c) => {
      operatorOnly(c.get('principal'));
      return c.json(store().createTemplate(c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/templates/{template_id}',
      tags,
      summary: 'One template',
      request: { params: TemplateParam },
      responses: { 200: json(TemplateView, 'Template'), ...errors },
    }),
    (c) => {
      const { template_id } = c.req.valid('param');
      const template = store().getTemplate(template_id);
      if (!template) throw notFound(`template ${template_id}`);
      return c.json(template, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/draft-pr/templates/{template_id}',
      tags,
      summary: 'Replace a template’s name, description and body',
      request: { params: TemplateParam, ...body(DraftPrTemplateInput) },
      responses: { 200: json(TemplateView, 'Updated'), ...errors },
    }),
    (c) => {
      operatorOnly(c.get('principal'));
      return c.json(store().updateTemplate(c.req.valid('param').template_id, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/draft-pr/templates/{template_id}',
      tags,
      summary: 'Delete a template (jobs that used it keep their rendered description)',
      request: { params: TemplateParam },
      responses: {
        200: json(z.object({ deleted: z.literal(true), template_id: z.string() }), 'Deleted'),
        ...errors,
      },
    }),
    (c) => {
      const { template_id } = c.req.valid('param');
      operatorOnly(c.get('principal'));
      if (!store().deleteTemplate(template_id)) throw notFound(`template ${template_id}`);
      return c.json({ deleted: true as const, template_id }, 200);
    },
  );

  // ---- analytics ----------------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/analytics/jobs',
      tags,
      summary: 'Jobs filtered by status, stage, story, mode and creation time, newest first',
      request: { query: DraftPrJobQuery },
      responses: {
        200: json(
          z.object({ jobs: z.array(JobView), total: z.number(), limit: z.number(), offset: z.number() }),
          'A page of jobs',
        ),
        ...errorResponses,
      },
    }),
    (c) => {
      const query = c.req.valid('query');
      const { jobs, total } = store().listJobs({ ...query, tenant: c.get('principal').tenant });
      return c.json(
        { jobs: jobs.map((j) => jobView(store(), j)), total, limit: query.limit, offset: query.offset },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/draft-pr/analytics/stats',
      tags,
      summary: 'Counts by status, stage and mode, success rate, durations and approvals',
      request: { query: DraftPrJobQuery.omit({ limit: true, offset: true }) },
      responses: { 200: json(Obj, 'Statistics'), ...errorResponses },
    }),
    (c) =>
      c.json(
        store().stats({ ...c.req.valid('query'), tenant: c.get('principal').tenant }) as unknown as Record<
          string,
          unknown
        >,
        200,
      ),
  );

  // ---- readiness checks ---------------------------------------------------------------------------

  app.openapi(
    createRoute({
      method: 'get',
      path: '/validate/story/{key}',
      tags: ['validate'],
      summary:
        'Whether a story is ready for a draft PR: it exists, has a description and acceptance criteria',
      request: { params: z.object({ key: IssueKey }) },
      responses: { 200: json(Obj, 'Readiness'), ...errorResponses },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const principal = c.get('principal');
      const { jira } = deps.services.atlassian(credentialsOf(principal));
      let issue: Awaited<ReturnType<typeof jira.getIssue>>;
      try {
        issue = await jira.getIssue(key);
      } catch (err) {
        if (err instanceof AtlassianError && err.code === 'not_found') {
          return c.json(
            { key, exists: false, ready: false, problems: [`${key} does not exist or is not visible`] },
            200,
          );
        }
        throw err;
      }
      const story = storyFromIssue(
        issue,
        principal.kind === 'forge' ? undefined : deps.services.env.JIRA_SERVER_URL,
      );
      // One verdict: "ready" is the readiness level's, and the problems are what holds it back.
      const readiness = readinessOf(issue, await siblingsOf(jira, issue));
      const problems = [
        ...(story.description.trim() ? [] : ['the story has no description']),
        ...(story.acceptance_criteria.length ? [] : ['the story has no acceptance criteria']),
        ...(readiness.level === 'ready' ? [] : readiness.suggestions),
      ];
      return c.json(
        {
          key,
          exists: true,
          ready: readiness.level === 'ready' && problems.length === 0,
          problems: [...new Set(problems)],
          summary: story.summary,
          issue_type: issue.issueType,
          status: issue.status,
          has_description: story.description.trim() !== '',
          acceptance_criteria: story.acceptance_criteria,
          readiness: { score: readiness.score, level: readiness.level, reasons: readiness.reasons },
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/validate/repo',
      tags: ['validate'],
      summary:
        'Whether the runner can open draft PRs in a repository: supported host, credentials, reachable',
      request: body(RepoBody),
      responses: {
        200: json(
          z.object({
            valid: z.boolean(),
            url: z.string(),
            default_branch: z.string().nullable().optional(),
            error: z.string().optional(),
          }),
          'Validation result',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const repo = c.req.valid('json');
      const out = await engine(c.get('principal')).validateRepo(repo, c.req.raw.signal);
      return c.json(out, 200);
    },
  );
}
