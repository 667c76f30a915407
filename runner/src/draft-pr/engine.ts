/**
 * The Draft PR pipeline engine: one function per stage (PLAN, APPLY, VERIFY, PACKAGE, DRAFT_PR) plus the
 * human actions (approve, revise, retry, cancel). The BullMQ processors and HTTP routes call these; the
 * engine itself knows nothing about queues or HTTP.
 *
 * Every stage is idempotent and resumable: it persists `running` before any work and the outcome after,
 * a redelivered job for a stage the job is already past is a no-op, and a stage found `running` (a crash)
 * starts again from a clean state: APPLY always works in a fresh clone, later stages reuse the workspace
 * only when its HEAD is exactly the recorded commit, or rebuild it from the stored patch.
 */
import {
  type ApprovePlanRequest,
  checkScope,
  comparePlans,
  DEFAULT_PR_TEMPLATE,
  type DiffEntry,
  type DraftPrBulkCreateRequest,
  type DraftPrCreateRequest,
  type DraftPrPlan,
  type DraftPrRepo,
  DraftPrStory,
  evaluateYoloPolicy,
  evaluateYoloPolicyOnDiff,
  nextPipelineState,
  PIPELINE_STAGES,
  type PipelineError,
  type PipelineStage,
  type PlanComparison,
  type PlanFeedback,
  type RunnableStage,
  renderPrBody,
  renderPrTitle,
  requiredTeams,
  runnableStage,
  sanitizeBranchName,
  scopePaths,
  stageBefore,
  UnsafeNameError,
  type VerificationResult,
  type YoloPolicy,
} from '@augment/shared';
import { ZodError } from 'zod';
import {
  type GitCredentials,
  type GitWorkspace,
  GitWorkspaceError,
  type GitWorkspaceManager,
  planHashesOf,
  type RepoCheckout,
} from '../adapters/git/index.js';
import { ensureDraftPr, type ScmClient } from '../adapters/scm/index.js';
import { AppError } from '../errors.js';
import { type Logger, scrubSecrets } from '../logger.js';
import {
  type DraftPrJob,
  type DraftPrStore,
  type PlanVersion,
  type StageRun,
  YOLO_APPROVER,
} from '../store/draft-pr-store.js';
import type { ChangeProducer, Planner } from './planner.js';
import { runVerification, type VerificationCommand } from './verify-commands.js';

/** Reads the story from Jira (summary, description, acceptance criteria, browse URL). */
export interface StorySource {
  getStory(key: string, signal?: AbortSignal): Promise<DraftPrStory>;
}

/** Posts the PR link back to the story. Should be idempotent (the engine calls it at most once per job). */
export interface StoryNotifier {
  commentOnStory(key: string, text: string, signal?: AbortSignal): Promise<void>;
}

/** Everything the engine needs to reach a repository. */
export interface RepoTarget {
  /** What git clones (https, no credentials). */
  cloneUrl: string;
  /** Shown in PRs and results. */
  webUrl: string;
  /** None for a public repository read without a token. */
  credentials?: GitCredentials;
  /** Null when the runner has no token for the host: the job can plan and verify, not push or open the PR. */
  scm: ScmClient | null;
  /** The setting that would give `scm` and push credentials, when it is missing (e.g. GITHUB_TOKEN). */
  missingToken?: string;
}

/** Maps a requested repository to a target; throws for repositories the runner cannot serve. */
export type RepoResolver = (repo: DraftPrRepo) => RepoTarget;

export interface DraftPrEngineDeps {
  store: DraftPrStore;
  workspaces: GitWorkspaceManager;
  resolveRepo: RepoResolver;
  stories: StorySource;
  planner: Planner;
  producer: ChangeProducer;
  notifier?: StoryNotifier;
  verification: {
    commands: readonly VerificationCommand[];
    timeoutMs: number;
    /** Environment of the verification commands: no runner secrets. */
    env: Record<string, string>;
    maxOutputBytes?: number;
  };
  /** YOLO auto-approval rules; its `protected_paths` also bind human approvals. */
  yoloPolicy: YoloPolicy;
  /** Literal secret values scrubbed from errors, results and artifacts. */
  secrets?: readonly string[];
  now?: () => Date;
  log?: Logger;
  /** Test seams for crash simulation. */
  hooks?: { afterCommit?(jobId: string): Promise<void> };
}

/** A stage stopped for a reason the user can act on (scope violation, failing tests...). */
export class DraftPrStageError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(422, code, message, details, { cause });
    this.name = 'DraftPrStageError';
  }
}

export interface StageOptions {
  signal?: AbortSignal;
}

export interface PipelineProgress {
  job_id: string;
  status: DraftPrJob['status'];
  stage: DraftPrJob['stage'];
  progress: number;
  error: PipelineError | null;
  stages: {
    stage: PipelineStage;
    state: 'done' | 'running' | 'pending' | 'waiting' | 'failed' | 'cancelled';
  }[];
  runs: StageRun[];
}

export interface BulkItemResult {
  job_id: string;
  ok: boolean;
  job?: DraftPrJob;
  error?: { code: string; message: string; story_key?: string };
}

const MAX_ARTIFACT_OUTPUT = 64 * 1024;

export class DraftPrEngine {
  private readonly now: () => Date;
  private readonly secrets: readonly string[];

  constructor(private readonly deps: DraftPrEngineDeps) {
    this.now = deps.now ?? (() => new Date());
    this.secrets = deps.secrets ?? [];
  }

  get store(): DraftPrStore {
    return this.deps.store;
  }

  // ---- creation and human actions ----------------------------------------------------------------

  /** Creates a job pending at PLAN. 400 when the target repository cannot be served; 404 for a missing template. */
  create(input: DraftPrCreateRequest, tenant?: string): DraftPrJob {
    const target = input.repos[0];
    if (!target)
      throw new AppError(400, 'bad_request', 'at least one repository is required', { field: 'repos' });
    try {
      this.deps.resolveRepo(target);
    } catch (err) {
      const message = this.scrub(err instanceof Error ? err.message : String(err));
      throw new AppError(400, 'invalid_repo', message, { field: 'repos' }, { cause: err });
    }
    if (input.template_id && !this.store.getTemplate(input.template_id)) {
      throw new AppError(404, 'not_found', `template ${input.template_id} not found`);
    }
    return this.store.createJob({
      story_key: input.story_key,
      repos: input.repos,
      mode: input.mode,
      template_id: input.template_id,
      requested_by: input.requested_by,
      ...(tenant ? { tenant } : {}),
    });
  }

  /** One job per story, same repositories and mode (`POST /draft-pr/bulk/create`). */
  bulkCreate(input: DraftPrBulkCreateRequest): BulkItemResult[] {
    return input.story_keys.map((story_key) => {
      try {
        const job = this.create({ ...input, story_key });
        return { job_id: job.id, ok: true, job };
      } catch (err) {
        return { job_id: '', ok: false, error: { ...this.toError(err), story_key } };
      }
    });
  }

  /**
   * Whether a repository can be served: a supported host with configured credentials, reachable with
   * them (`git ls-remote`), and its default branch (`POST /validate/repo`).
   */
  async validateRepo(
    repo: DraftPrRepo,
    signal?: AbortSignal,
  ): Promise<{ valid: boolean; url: string; default_branch?: string | null; error?: string }> {
    let target: RepoTarget;
    try {
      target = this.deps.resolveRepo(repo);
    } catch (err) {
      return {
        valid: false,
        url: repo.url,
        error: this.scrub(err instanceof Error ? err.message : String(err)),
      };
    }
    const probe = await this.deps.workspaces.probe(
      { cloneUrl: target.cloneUrl, credentials: target.credentials },
      signal,
    );
    return probe.reachable
      ? { valid: true, url: target.webUrl, default_branch: probe.default_branch }
      : { valid: false, url: target.webUrl, error: this.scrub(probe.error) };
  }

  /**
   * Approves the latest plan. 409 `stale_plan_hash` when `plan_hash` is not the latest plan's; 403
   * `approval_requires_team` when the plan touches protected paths and the approver's teams lack one.
   */
  approve(
    jobId: string,
    request: ApprovePlanRequest,
    approvedBy = request.approved_by ?? 'unknown',
  ): DraftPrJob {
    const latest = this.store.latestPlan(jobId);
    if (latest && latest.hash === request.plan_hash) {
      const missing = requiredTeams(
        scopePaths(latest.plan.scope),
        this.deps.yoloPolicy.protected_paths,
      ).filter((t) => !(request.approver_teams ?? []).includes(t.team));
      if (missing.length) {
        throw new AppError(
          403,
          'approval_requires_team',
          `approval by ${[...new Set(missing.map((t) => t.team))].join(', ')} is required for ${missing.flatMap((t) => t.paths).join(', ')}`,
          { required_teams: missing },
        );
      }
    }
    const { job } = this.store.approve(jobId, request.plan_hash, approvedBy);
    this.deps.log?.info({ jobId, approvedBy, planHash: request.plan_hash }, 'draft PR plan approved');
    return job;
  }

  /**
   * Revises the latest plan from reviewer feedback: a new immutable version, earlier approvals
   * invalidated, the job back at APPROVAL (and re-evaluated by the YOLO policy in YOLO mode).
   */
  async revisePlan(
    jobId: string,
    feedback: PlanFeedback,
    options: StageOptions = {},
  ): Promise<{ job: DraftPrJob; version: PlanVersion }> {
    const job = this.store.requireJob(jobId);
    if (!nextPipelineState(job, { type: 'revise' })) {
      throw new AppError(
        409,
        'illegal_transition',
        `cannot revise the plan: the job is ${job.status} at ${job.stage}`,
        {
          status: job.status,
          stage: job.stage,
        },
      );
    }
    const latest = this.store.latestPlan(jobId);
    if (!latest || !job.story) throw new AppError(409, 'no_plan', `job ${jobId} has no plan to revise yet`);
    const revised = await this.deps.planner.revisePlan({
      plan: latest.plan,
      feedback,
      story: job.story,
      signal: options.signal,
    });
    const version = this.store.tx(() => {
      const v = this.store.addPlanVersion(jobId, revised, { feedback, createdBy: feedback.requested_by });
      this.store.transition(jobId, { type: 'revise' });
      return v;
    });
    this.saveJson(jobId, `plan_v${version.version}`, version);
    this.autoApprove(jobId);
    return { job: this.store.requireJob(jobId), version };
  }

  /**
   * Moves a failed job back to pending at the stage that failed; the caller enqueues that stage. A job
   * that failed after APPLY first re-reads its base branch: when the base moved (someone fixed it, say),
   * the job goes back to APPLY, which re-applies the approved plan (same plan hash, same approval) on the
   * new base, so VERIFY and the PR see the fixed base instead of the old commit.
   */
  async retry(jobId: string, signal?: AbortSignal): Promise<DraftPrJob> {
    const job = this.store.requireJob(jobId);
    const { base_branch: branch, base_sha: from } = job.result;
    if (job.status === 'failed' && stageBefore('APPLY', job.stage) && branch && from) {
      let to: string | null = null;
      try {
        to = await this.deps.workspaces.branchHead(this.checkout(job, this.target(job)), branch, signal);
      } catch (err) {
        // Unreadable now: the failed stage runs again as before, and says why if the base is the cause.
        this.deps.log?.warn({ jobId, err: this.toError(err).message }, 'could not read the base branch');
      }
      if (to && to !== from) {
        this.deps.log?.info({ jobId, branch, from, to }, 'base branch moved; re-applying the approved plan');
        return this.store.tx(() => {
          this.store.updateJob(jobId, {
            result: {
              base_moved: { branch, from, to, at: this.now().toISOString(), failed_stage: job.stage },
            },
          });
          return this.store.transition(jobId, { type: 'retry', from: 'APPLY' });
        });
      }
    }
    return this.store.transition(jobId, { type: 'retry' });
  }

  /** Cancels the job (a running stage notices and stops) and removes its workspace. */
  async cancel(jobId: string): Promise<DraftPrJob> {
    const job = this.store.transition(jobId, { type: 'cancel' });
    await this.deps.workspaces.remove(jobId).catch(() => {});
    return job;
  }

  bulkApprove(approvals: { job_id: string; plan_hash: string }[], approvedBy: string): BulkItemResult[] {
    return approvals.map(({ job_id, plan_hash }) =>
      this.attempt(job_id, () => this.approve(job_id, { plan_hash, approved_by: approvedBy }, approvedBy)),
    );
  }

  async bulkCancel(jobIds: string[]): Promise<BulkItemResult[]> {
    const out: BulkItemResult[] = [];
    for (const id of jobIds) {
      try {
        out.push({ job_id: id, ok: true, job: await this.cancel(id) });
      } catch (err) {
        out.push({ job_id: id, ok: false, error: this.toError(err) });
      }
    }
    return out;
  }

  private attempt(jobId: string, fn: () => DraftPrJob): BulkItemResult {
    try {
      return { job_id: jobId, ok: true, job: fn() };
    } catch (err) {
      return { job_id: jobId, ok: false, error: this.toError(err) };
    }
  }

  // ---- reads ------------------------------------------------------------------------------------

  /** Field-by-field comparison; defaults to the previous version against the latest. */
  comparePlanVersions(
    jobId: string,
    from?: number,
    to?: number,
  ): { from: number; to: number; comparison: PlanComparison } {
    this.store.requireJob(jobId);
    const latest = this.store.latestPlan(jobId);
    if (!latest) throw new AppError(404, 'not_found', `job ${jobId} has no plan yet`);
    const toV = to ?? latest.version;
    const fromV = from ?? Math.max(1, toV - 1);
    const a = this.store.requirePlanVersion(jobId, fromV);
    const b = this.store.requirePlanVersion(jobId, toV);
    return { from: fromV, to: toV, comparison: comparePlans(a.plan, b.plan) };
  }

  progress(jobId: string): PipelineProgress {
    const job = this.store.requireJob(jobId);
    const current = PIPELINE_STAGES.indexOf(job.stage);
    const stages = PIPELINE_STAGES.map((stage, i) => {
      let state: PipelineProgress['stages'][number]['state'];
      if (job.status === 'done' || i < current) state = 'done';
      else if (i > current) state = 'pending';
      else if (job.status === 'running') state = 'running';
      else if (job.status === 'awaiting_approval') state = 'waiting';
      else if (job.status === 'failed') state = 'failed';
      else if (job.status === 'cancelled') state = 'cancelled';
      else state = 'pending';
      return { stage, state };
    });
    return {
      job_id: job.id,
      status: job.status,
      stage: job.stage,
      progress: job.progress,
      error: job.error,
      stages,
      runs: this.store.stageRuns(jobId),
    };
  }

  // ---- stages -----------------------------------------------------------------------------------

  /** Runs whatever stage the job is ready for (pending, or running after a crash); null when none. */
  async runNext(jobId: string, options: StageOptions = {}): Promise<DraftPrJob | null> {
    const stage = runnableStage(this.store.requireJob(jobId));
    return stage ? this.runStage(jobId, stage, options) : null;
  }

  /** Runs stages until the job waits for approval, fails, is cancelled or is done. */
  async runUntilBlocked(jobId: string, options: StageOptions = {}): Promise<DraftPrJob> {
    for (;;) {
      const job = await this.runNext(jobId, options);
      if (!job || !runnableStage(job)) return job ?? this.store.requireJob(jobId);
    }
  }

  runStage(jobId: string, stage: RunnableStage, options: StageOptions = {}): Promise<DraftPrJob> {
    switch (stage) {
      case 'PLAN':
        return this.plan(jobId, options);
      case 'APPLY':
        return this.apply(jobId, options);
      case 'VERIFY':
        return this.verify(jobId, options);
      case 'PACKAGE':
        return this.package(jobId, options);
      case 'DRAFT_PR':
        return this.draftPr(jobId, options);
    }
  }

  /** PLAN: reads the story, clones the repository read-only, asks the planner, stores plan v1. */
  async plan(jobId: string, options: StageOptions = {}): Promise<DraftPrJob> {
    const job = await this.stage(jobId, 'PLAN', options, async (job) => {
      if (this.store.latestPlan(jobId)) return; // resumed after the plan was stored
      const story =
        job.story ?? DraftPrStory.parse(await this.deps.stories.getStory(job.story_key, options.signal));
      this.store.updateJob(jobId, { story });
      const target = this.target(job);
      const ws = await this.deps.workspaces.cloneFresh(jobId, this.checkout(job, target), options.signal);
      const snapshot = await ws.snapshot();
      const branch = sanitizeBranchName(story.key, story.summary);
      this.store.updateJob(jobId, {
        result: { repo_url: target.webUrl, branch, base_branch: ws.info.baseBranch },
      });
      const plan = await this.deps.planner.createPlan({
        story,
        snapshot: { ...snapshot, url: target.webUrl },
        otherRepos: job.repos.slice(1).map((r) => r.url),
        branch,
        signal: options.signal,
      });
      const version = this.store.addPlanVersion(jobId, plan, { createdBy: 'planner' });
      this.saveJson(jobId, `plan_v${version.version}`, version);
      await this.deps.workspaces.remove(jobId);
    });
    if (job.status === 'awaiting_approval') this.autoApprove(jobId);
    return this.store.requireJob(jobId);
  }

  /**
   * APPLY: a fresh clone, the story branch, the approved plan's edits in one git transaction, the
   * plan-apply guard on the real diff, one commit carrying `Augment-Plan: <hash>`. A branch that already
   * carries this plan's commit (a retry after a push) is reused without committing again.
   */
  async apply(jobId: string, options: StageOptions = {}): Promise<DraftPrJob> {
    return this.stage(jobId, 'APPLY', options, async (job) => {
      const { version, approval } = this.approvedPlan(jobId);
      const story = this.requireStory(job);
      const target = this.target(job);
      const branch = job.result.branch ?? sanitizeBranchName(story.key, story.summary);
      const ws = await this.deps.workspaces.cloneFresh(jobId, this.checkout(job, target), options.signal);
      const base = ws.info.baseSha;
      const remoteSha = await ws.fetchBranch(branch);

      let commitSha: string | null = null;
      let diff: DiffEntry[] = [];
      if (remoteSha) {
        const commits = await ws.commitsBetween(base, remoteSha);
        const ours = commits.every((c) => planHashesOf(c.message).length > 0);
        if (!ours) {
          throw new DraftPrStageError(
            'branch_diverged',
            `branch ${branch} has commits not made by Augment; move them to another branch or delete it, then retry`,
            { branch },
          );
        }
        const tip = commits[0];
        const planCommit = commits.length === 1 && tip && planHashesOf(tip.message).includes(version.hash);
        // This plan's commit is reused only on the current base; on a base that moved it is made again.
        if (planCommit && (await ws.run(['rev-parse', '--verify', `${tip.sha}^`])).trim() === base) {
          await ws.checkoutBranch(branch, tip.sha);
          commitSha = tip.sha;
          diff = await ws.diff(base, tip.sha);
          this.guard(version.plan, diff, approval.approved_by);
        }
      }

      const commitDate = this.now();
      const message = commitMessage(story, version, jobId);
      const reused = commitSha !== null;
      if (!commitSha) {
        await ws.checkoutBranch(branch, base);
        commitSha = await ws.transaction(async () => {
          const changes = await this.deps.producer.produce({
            plan: version.plan,
            story,
            workspace: ws,
            signal: options.signal,
          });
          await ws.applyChanges(changes);
          diff = await ws.stagedDiff(base);
          if (!diff.length) throw new DraftPrStageError('empty_change', 'applying the plan changed nothing');
          this.guard(version.plan, diff, approval.approved_by);
          const sha = await ws.commit(message, commitDate);
          await this.deps.hooks?.afterCommit?.(jobId);
          return sha;
        });
      }

      this.store.saveArtifact(jobId, 'diff', await ws.patch(base, commitSha), 'text/x-diff');
      this.saveJson(jobId, 'changes', { base_sha: base, commit_sha: commitSha, files: diff });
      this.store.updateJob(jobId, {
        result: {
          repo_url: target.webUrl,
          branch,
          base_branch: ws.info.baseBranch,
          base_sha: base,
          remote_branch_sha: remoteSha,
          commit_sha: commitSha,
          commit_reused: reused,
          commit_date: reused ? undefined : commitDate.toISOString(),
          commit_message: reused ? undefined : message,
          diff_stats: {
            files: diff.length,
            additions: diff.reduce((n, e) => n + (e.additions ?? 0), 0),
            deletions: diff.reduce((n, e) => n + (e.deletions ?? 0), 0),
          },
        },
      });
    });
  }

  /** VERIFY: the configured commands in the workspace; every one must pass. */
  async verify(jobId: string, options: StageOptions = {}): Promise<DraftPrJob> {
    return this.stage(jobId, 'VERIFY', options, async (job) => {
      const ws = await this.workspaceFor(job, options.signal);
      const { verification } = this.deps;
      const results = await runVerification(ws.dir, {
        commands: verification.commands,
        timeoutMs: verification.timeoutMs,
        env: verification.env,
        secrets: this.allSecrets(job),
        maxOutputBytes: verification.maxOutputBytes ?? MAX_ARTIFACT_OUTPUT,
        signal: options.signal,
      });
      this.saveJson(jobId, 'verification', results);
      if (options.signal?.aborted) throw new DraftPrStageError('cancelled', 'verification was cancelled');
      const passed = results.every((r) => r.passed) && results.length === verification.commands.length;
      this.store.updateJob(jobId, {
        result: { verification: { passed, results: results.map(({ output: _o, ...rest }) => rest) } },
      });
      if (!passed) {
        const failed = results.filter((r) => !r.passed).map((r) => r.name);
        throw new DraftPrStageError('verification_failed', `verification failed: ${failed.join(', ')}`, {
          failed,
        });
      }
    });
  }

  /** PACKAGE: PR title and description (story link, plan, verification) stored as artifacts. */
  async package(jobId: string, options: StageOptions = {}): Promise<DraftPrJob> {
    return this.stage(jobId, 'PACKAGE', options, async (job) => {
      const { version } = this.approvedPlan(jobId);
      const story = this.requireStory(job);
      const verification = this.readJson<VerificationResult[]>(jobId, 'verification') ?? [];
      const template = job.template_id ? this.store.getTemplate(job.template_id)?.body : undefined;
      const title = renderPrTitle(story);
      const body = renderPrBody(
        {
          story,
          storyUrl: story.url,
          plan: version.plan,
          planHash: version.hash,
          planVersion: version.version,
          verification,
          branch: job.result.branch ?? '',
          baseBranch: job.result.base_branch ?? '',
        },
        template ?? DEFAULT_PR_TEMPLATE,
      );
      this.store.saveArtifact(jobId, 'pr_body', this.scrub(body), 'text/markdown');
      this.saveJson(jobId, 'pr_metadata', {
        title: this.scrub(title),
        head: job.result.branch,
        base: job.result.base_branch,
        plan_version: version.version,
        plan_hash: version.hash,
        commit_sha: job.result.commit_sha,
      });
    });
  }

  /**
   * DRAFT_PR: pushes the branch (force-with-lease against what APPLY saw), opens the draft PR or reuses
   * the open one, and comments on the story with the link.
   */
  async draftPr(jobId: string, options: StageOptions = {}): Promise<DraftPrJob> {
    const done = await this.stage(jobId, 'DRAFT_PR', options, async (job) => {
      const { result } = job;
      const meta = this.readJson<{ title: string; head: string; base: string }>(jobId, 'pr_metadata');
      const body = this.store.readArtifact(jobId, 'pr_body')?.content.toString('utf8');
      if (!meta || body === undefined || !result.commit_sha || !result.branch || !result.base_branch) {
        throw new DraftPrStageError('missing_package', 'the PR package is missing; retry from PACKAGE');
      }
      const target = this.target(job);
      if (!target.scm) {
        const setting = target.missingToken ?? 'a token for the repository host';
        throw new DraftPrStageError(
          'scm_auth',
          `${setting} is not configured: it is needed to push ${result.branch} and open the draft PR ` +
            '(reading a public repository needs none); configure it, then retry',
          { missing: setting },
        );
      }
      const ws = await this.workspaceFor(job, options.signal);
      await ws.push(result.branch, result.commit_sha, result.remote_branch_sha ?? null);
      this.store.updateJob(jobId, { result: { pushed_sha: result.commit_sha } });
      const { pr, reused } = await ensureDraftPr(
        target.scm,
        { title: meta.title, body, head: result.branch, base: result.base_branch },
        options.signal,
      );
      const prResult = { provider: pr.provider, number: pr.number, url: pr.url, reused };
      this.store.updateJob(jobId, { result: { pr: prResult } });
      this.saveJson(jobId, 'pr', { ...prResult, draft: pr.draft, head: pr.head, base: pr.base });
      await this.comment(this.store.requireJob(jobId), pr.url, options.signal);
    });
    if (done.status === 'done') await this.deps.workspaces.remove(jobId).catch(() => {});
    return done;
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * The stage wrapper: no-op for a stage the job is already past (duplicate delivery), 409 for one it has
   * not reached, `running` persisted before the work, the outcome after. A job cancelled meanwhile stays
   * cancelled.
   */
  private async stage(
    jobId: string,
    stage: RunnableStage,
    options: StageOptions,
    work: (job: DraftPrJob) => Promise<void>,
  ): Promise<DraftPrJob> {
    const before = this.store.requireJob(jobId);
    if (before.status === 'cancelled' || before.status === 'done') return before;
    if (before.stage !== stage || (before.status !== 'pending' && before.status !== 'running')) {
      if (stageBefore(stage, before.stage)) return before;
      throw new AppError(
        409,
        'illegal_transition',
        `cannot run ${stage}: the job is ${before.status} at ${before.stage}`,
        {
          status: before.status,
          stage: before.stage,
        },
      );
    }
    const job = this.store.transition(jobId, { type: 'start', stage });
    this.deps.log?.info({ jobId, stage }, 'draft PR stage started');
    try {
      if (options.signal?.aborted)
        throw new DraftPrStageError('cancelled', 'the stage was cancelled before it started');
      await work(job);
    } catch (err) {
      const error = this.toError(err);
      const current = this.store.requireJob(jobId);
      if (current.status !== 'running' || current.stage !== stage) return current;
      this.deps.log?.warn({ jobId, stage, code: error.code }, 'draft PR stage failed');
      return this.store.transition(jobId, { type: 'stage_failed', stage, error });
    }
    const current = this.store.requireJob(jobId);
    if (current.status !== 'running' || current.stage !== stage) return current;
    this.deps.log?.info({ jobId, stage }, 'draft PR stage succeeded');
    return this.store.transition(jobId, { type: 'stage_succeeded', stage });
  }

  /** In YOLO mode, approves the latest plan when it satisfies the policy; records the evaluation either way. */
  private autoApprove(jobId: string): void {
    const job = this.store.requireJob(jobId);
    if (job.mode !== 'yolo' || job.status !== 'awaiting_approval') return;
    const latest = this.store.latestPlan(jobId);
    if (!latest) return;
    const evaluation = evaluateYoloPolicy(latest.plan, this.deps.yoloPolicy);
    this.store.updateJob(jobId, { result: { yolo: { ...evaluation, approved: evaluation.compliant } } });
    if (evaluation.compliant) this.store.approve(jobId, latest.hash, YOLO_APPROVER);
  }

  /** The latest plan and its valid approval, or a stage error. */
  private approvedPlan(jobId: string): { version: PlanVersion; approval: { approved_by: string } } {
    const version = this.store.latestPlan(jobId);
    if (!version) throw new DraftPrStageError('no_plan', 'the job has no plan');
    const approval = this.store.validApproval(jobId, version.hash);
    if (!approval)
      throw new DraftPrStageError('not_approved', `plan v${version.version} has no valid approval`);
    return { version, approval };
  }

  /** The plan-apply guard: stops on any file outside the approved scope (and, for YOLO, over the policy). */
  private guard(plan: DraftPrPlan, diff: DiffEntry[], approvedBy: string): void {
    const scope = checkScope(plan, diff);
    if (!scope.ok) {
      throw new DraftPrStageError(
        'scope_violation',
        `the change touches files outside the approved plan: ${scope.violations.map((v) => v.path).join(', ')}`,
        { violations: scope.violations },
      );
    }
    if (approvedBy === YOLO_APPROVER) {
      const evaluation = evaluateYoloPolicyOnDiff(diff, this.deps.yoloPolicy);
      if (!evaluation.compliant) {
        throw new DraftPrStageError(
          'policy_violation',
          `the applied change no longer satisfies the YOLO policy: ${evaluation.reasons.join('; ')}`,
          { reasons: evaluation.reasons },
        );
      }
    }
  }

  /**
   * The job's workspace at its recorded commit: reused when HEAD matches, otherwise rebuilt (fresh clone,
   * base commit, stored patch, same message and date) and checked to give exactly the same commit.
   */
  private async workspaceFor(job: DraftPrJob, signal?: AbortSignal): Promise<GitWorkspace> {
    const { result } = job;
    if (!result.commit_sha || !result.branch || !result.base_sha) {
      throw new DraftPrStageError('missing_commit', 'the job has no applied commit; retry from APPLY');
    }
    const target = this.target(job);
    const checkout = this.checkout(job, target);
    const existing = await this.deps.workspaces.open(job.id, checkout, signal);
    if (existing && (await existing.headSha().catch(() => '')) === result.commit_sha) return existing;

    const ws = await this.deps.workspaces.cloneFresh(job.id, checkout, signal);
    if ((await ws.fetchBranch(result.branch)) === result.commit_sha) {
      await ws.checkoutBranch(result.branch, result.commit_sha);
      return ws;
    }
    if (!result.commit_message || !result.commit_date) {
      throw new DraftPrStageError('workspace_mismatch', 'the workspace cannot be rebuilt; retry from APPLY');
    }
    const patch = this.store.readArtifact(job.id, 'diff')?.content.toString('utf8');
    if (patch === undefined)
      throw new DraftPrStageError('workspace_mismatch', 'the stored diff is missing; retry from APPLY');
    try {
      await ws.checkoutBranch(result.branch, result.base_sha);
      await ws.applyPatch(patch);
      const sha = await ws.commit(result.commit_message, new Date(result.commit_date));
      if (sha !== result.commit_sha) throw new Error(`rebuilt ${sha}, expected ${result.commit_sha}`);
    } catch (err) {
      throw new DraftPrStageError(
        'workspace_mismatch',
        `the workspace could not be rebuilt exactly (${this.scrub(err instanceof Error ? err.message : String(err))}); retry from APPLY`,
        undefined,
        err,
      );
    }
    return ws;
  }

  private async comment(job: DraftPrJob, url: string, signal?: AbortSignal): Promise<void> {
    const { notifier } = this.deps;
    if (!notifier || (job.result.jira_comment && 'posted_at' in job.result.jira_comment)) return;
    try {
      await notifier.commentOnStory(
        job.story_key,
        `Augment opened a draft pull request for ${job.story_key}: ${url}`,
        signal,
      );
      this.store.updateJob(job.id, { result: { jira_comment: { posted_at: this.now().toISOString() } } });
    } catch (err) {
      // The PR exists; a failed comment is reported on the job, not a reason to fail it.
      this.store.updateJob(job.id, { result: { jira_comment: { error: this.toError(err).message } } });
    }
  }

  private target(job: DraftPrJob): RepoTarget {
    const repo = job.repos[0];
    if (!repo) throw new DraftPrStageError('invalid_repo', 'the job has no repository');
    return this.deps.resolveRepo(repo);
  }

  private checkout(job: DraftPrJob, target: RepoTarget): RepoCheckout {
    return {
      cloneUrl: target.cloneUrl,
      baseBranch: job.result.base_branch ?? job.repos[0]?.branch,
      credentials: target.credentials,
    };
  }

  private requireStory(job: DraftPrJob): DraftPrStory {
    if (!job.story) throw new DraftPrStageError('no_story', 'the story was not loaded; retry from PLAN');
    return job.story;
  }

  private allSecrets(job: DraftPrJob): string[] {
    const target = (() => {
      try {
        return this.target(job);
      } catch {
        return undefined;
      }
    })();
    return [...this.secrets, ...(target?.credentials?.password ? [target.credentials.password] : [])];
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }

  private saveJson(jobId: string, type: string, value: unknown): void {
    this.store.saveArtifact(jobId, type, this.scrub(JSON.stringify(value, null, 2)), 'application/json');
  }

  private readJson<T>(jobId: string, type: string): T | null {
    const a = this.store.readArtifact(jobId, type);
    return a ? (JSON.parse(a.content.toString('utf8')) as T) : null;
  }

  /** A pipeline error with a stable code and a scrubbed message. */
  private toError(err: unknown): PipelineError {
    const scrub = (s: string) => this.scrub(s).slice(0, 4000);
    if (err instanceof DraftPrStageError || err instanceof GitWorkspaceError) {
      return {
        code: err.code,
        message: scrub(err.message),
        ...(err.details ? { details: scrubDetails(err.details, scrub) } : {}),
      };
    }
    // Every other known failure (ours, a code host's, Jira's, the planner's) is an AppError.
    if (err instanceof AppError) return { code: err.code, message: scrub(err.message) };
    if (err instanceof UnsafeNameError) return { code: 'unsafe_name', message: scrub(err.message) };
    if (err instanceof ZodError) {
      return {
        code: 'invalid_plan',
        message: scrub(err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')),
      };
    }
    return { code: 'internal_error', message: scrub(err instanceof Error ? err.message : String(err)) };
  }
}

function scrubDetails(
  details: Record<string, unknown>,
  scrub: (s: string) => string,
): Record<string, unknown> {
  return JSON.parse(scrub(JSON.stringify(details))) as Record<string, unknown>;
}

/** First line `KEY: summary`, then the plan reference and the trailers that bind the commit to the plan. */
export function commitMessage(
  story: DraftPrStory,
  version: Pick<PlanVersion, 'version' | 'hash'>,
  jobId: string,
): string {
  const subject = `${story.key}: ${story.summary}`.replace(/\s+/g, ' ').trim().slice(0, 100);
  return `${subject}\n\nApplies plan v${version.version} of Augment draft PR job ${jobId}.\n\nAugment-Job: ${jobId}\nAugment-Plan: ${version.hash}\n`;
}
