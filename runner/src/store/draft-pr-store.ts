/**
 * Persistence of the Draft PR orchestrator: jobs and their pipeline state, immutable plan versions,
 * approvals bound to (job, plan hash), the artifact index (files under `<artifactsDir>/<job_id>/`),
 * stage runs for durations, and PR description templates.
 *
 * Every state change goes through `transition()`, a compare-and-set in one SQLite transaction, so two
 * workers (at-least-once delivery) can never both move the same job.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import {
  type DraftPrJobQuery,
  type DraftPrMode,
  DraftPrPlan,
  type DraftPrRepo,
  type DraftPrStory,
  type DraftPrTemplateInput,
  nextPipelineState,
  type PipelineError,
  type PipelineEvent,
  type PipelineStage,
  type PipelineState,
  type PipelineStatus,
  type PlanFeedback,
  pipelineProgress,
  type VerificationResult,
  type YoloEvaluation,
} from '@augment/shared';
import { AppError, notFound } from '../errors.js';
import { type Database, migrate } from './db.js';
import { planHash } from './plan-hash.js';

/** Facts a job gathers on its way; each stage merges its part. */
export interface DraftPrJobResult {
  /** Target repository (`repos[0]`) as a safe web URL. */
  repo_url?: string;
  branch?: string;
  base_branch?: string;
  base_sha?: string;
  /** Tip of the story branch on the remote when APPLY started (null: it did not exist). */
  remote_branch_sha?: string | null;
  commit_sha?: string;
  /** True when APPLY found this plan's commit already on the remote branch and did not commit again. */
  commit_reused?: boolean;
  /** Author/committer date and message of the commit, so another worker can rebuild the same sha. */
  commit_date?: string;
  commit_message?: string;
  diff_stats?: { files: number; additions: number; deletions: number };
  yolo?: YoloEvaluation & { approved: boolean };
  verification?: { passed: boolean; results: Omit<VerificationResult, 'output'>[] };
  pr?: { provider: string; number: number; url: string; reused: boolean };
  pushed_sha?: string;
  jira_comment?: { posted_at: string } | { error: string };
  /** Set by a retry that found the base branch moved since APPLY: the plan was applied again on `to`. */
  base_moved?: { branch: string; from: string; to: string; at: string; failed_stage: PipelineStage };
}

export interface DraftPrJob {
  id: string;
  /** The caller's tenant (one per Atlassian site); only it may see or act on the job. */
  tenant: string;
  story_key: string;
  repos: DraftPrRepo[];
  mode: DraftPrMode;
  status: PipelineStatus;
  stage: PipelineStage;
  error: PipelineError | null;
  template_id: string | null;
  requested_by: string | null;
  story: DraftPrStory | null;
  result: DraftPrJobResult;
  /** 0-100, from the pipeline state. */
  progress: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface PlanVersion {
  job_id: string;
  version: number;
  hash: string;
  plan: DraftPrPlan;
  /** The reviewer feedback this version answers (null for the first plan). */
  feedback: PlanFeedback | null;
  created_by: string | null;
  created_at: string;
}

export type PlanVersionSummary = Omit<PlanVersion, 'plan'> & { summary: string; files: number };

export interface Approval {
  id: number;
  job_id: string;
  plan_version: number;
  plan_hash: string;
  approved_by: string;
  approved_at: string;
  invalidated_at: string | null;
  invalidated_reason: string | null;
}

export interface ArtifactMeta {
  job_id: string;
  type: string;
  /** Relative to the artifacts directory: `<job_id>/<type>.<ext>`. */
  path: string;
  sha256: string;
  size: number;
  content_type: string;
  created_at: string;
}

export interface DraftPrTemplate {
  id: string;
  name: string;
  description: string | null;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface StageRun {
  stage: PipelineStage;
  attempt: number;
  started_at: string;
  finished_at: string | null;
  outcome: 'succeeded' | 'failed' | 'cancelled' | null;
}

export interface DraftPrStats {
  total: number;
  by_status: Record<string, number>;
  by_stage: Record<string, number>;
  by_mode: Record<string, number>;
  /** done / (done + failed + cancelled); null before any job finished. */
  success_rate: number | null;
  /** Creation to done, for done jobs. */
  avg_duration_ms: number | null;
  /** Per stage, over succeeded runs. */
  avg_stage_duration_ms: Record<string, number>;
  approvals: { human: number; yolo: number; invalidated: number };
}

export interface CreateJobInput {
  id?: string;
  story_key: string;
  repos: DraftPrRepo[];
  mode: DraftPrMode;
  template_id?: string;
  requested_by?: string;
  /** Default: the environment's own site (`local`). */
  tenant?: string;
}

/** Filters of the job listing and statistics; `tenant` limits them to one site's jobs. */
export type DraftPrJobFilter = Partial<DraftPrJobQuery> & { tenant?: string };

export interface DraftPrStoreOptions {
  /** Directory of artifact files (`data/artifacts`). */
  artifactsDir: string;
  now?: () => Date;
}

/** Who approves when the YOLO policy does. */
export const YOLO_APPROVER = 'yolo-policy';

const ARTIFACT_TYPE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const JOB_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EXTENSIONS: Record<string, string> = {
  'application/json': '.json',
  'text/markdown': '.md',
  'text/x-diff': '.diff',
  'text/plain': '.txt',
};

const MIGRATION_001 = `
CREATE TABLE draft_pr_jobs (
  id TEXT PRIMARY KEY,
  story_key TEXT NOT NULL,
  repos TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('normal', 'yolo')),
  status TEXT NOT NULL,
  stage TEXT NOT NULL,
  error TEXT,
  template_id TEXT,
  requested_by TEXT,
  story TEXT,
  result TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX draft_pr_jobs_status ON draft_pr_jobs (status, created_at);
CREATE INDEX draft_pr_jobs_story ON draft_pr_jobs (story_key, created_at);
CREATE INDEX draft_pr_jobs_created ON draft_pr_jobs (created_at);

CREATE TABLE draft_pr_plan_versions (
  job_id TEXT NOT NULL REFERENCES draft_pr_jobs (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  plan TEXT NOT NULL,
  feedback TEXT,
  created_by TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (job_id, version)
);
CREATE TRIGGER draft_pr_plan_versions_immutable BEFORE UPDATE ON draft_pr_plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END;

CREATE TABLE draft_pr_approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES draft_pr_jobs (id) ON DELETE CASCADE,
  plan_version INTEGER NOT NULL,
  plan_hash TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  approved_at TEXT NOT NULL,
  invalidated_at TEXT,
  invalidated_reason TEXT
);
CREATE INDEX draft_pr_approvals_job ON draft_pr_approvals (job_id, plan_hash);

CREATE TABLE draft_pr_artifacts (
  job_id TEXT NOT NULL REFERENCES draft_pr_jobs (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (job_id, type)
);

CREATE TABLE draft_pr_stage_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES draft_pr_jobs (id) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT
);
CREATE INDEX draft_pr_stage_runs_job ON draft_pr_stage_runs (job_id, stage);

CREATE TABLE draft_pr_templates (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

type Row = Record<string, unknown>;
const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : fallback);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export class DraftPrStore {
  private readonly now: () => Date;
  readonly artifactsDir: string;

  constructor(
    readonly db: Database,
    options: DraftPrStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.artifactsDir = resolve(options.artifactsDir);
    migrate(db, 'draft-pr-001', MIGRATION_001);
    migrate(
      db,
      'draft-pr-002-tenant',
      `ALTER TABLE draft_pr_jobs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'local';
       CREATE INDEX draft_pr_jobs_tenant ON draft_pr_jobs (tenant, story_key, created_at);`,
    );
  }

  private iso(): string {
    return this.now().toISOString();
  }

  /** Runs `fn` in one SQLite transaction (nested calls become savepoints). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // ---- jobs -------------------------------------------------------------------------------------

  createJob(input: CreateJobInput): DraftPrJob {
    const id = input.id ?? randomUUID();
    if (!JOB_ID.test(id)) throw new AppError(400, 'bad_request', 'invalid job id');
    const at = this.iso();
    this.db
      .prepare(
        `INSERT INTO draft_pr_jobs (id, tenant, story_key, repos, mode, status, stage, template_id, requested_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 'PLAN', ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.tenant ?? 'local',
        input.story_key,
        JSON.stringify(input.repos),
        input.mode,
        input.template_id ?? null,
        input.requested_by ?? null,
        at,
        at,
      );
    return this.requireJob(id);
  }

  getJob(id: string): DraftPrJob | null {
    const row = this.db.prepare('SELECT * FROM draft_pr_jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? toJob(row) : null;
  }

  /** The job, or a 404 AppError. */
  requireJob(id: string): DraftPrJob {
    const job = this.getJob(id);
    if (!job) throw notFound(`draft PR job ${id}`);
    return job;
  }

  /** Stores the story snapshot and merges `result` fields into the job's result. */
  updateJob(id: string, patch: { story?: DraftPrStory; result?: Partial<DraftPrJobResult> }): DraftPrJob {
    return this.tx(() => {
      const job = this.requireJob(id);
      const result = { ...job.result, ...(patch.result ?? {}) };
      this.db
        .prepare('UPDATE draft_pr_jobs SET story = ?, result = ?, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(patch.story ?? job.story), JSON.stringify(result), this.iso(), id);
      return this.requireJob(id);
    });
  }

  /**
   * Applies a pipeline event to the job atomically. Throws a 409 AppError (`illegal_transition`) when
   * the event is not allowed in the job's current state. Records stage runs for durations.
   */
  transition(id: string, event: PipelineEvent): DraftPrJob {
    return this.tx(() => {
      const job = this.requireJob(id);
      const state: PipelineState = { stage: job.stage, status: job.status, error: job.error };
      const next = nextPipelineState(state, event);
      if (!next) {
        throw new AppError(
          409,
          'illegal_transition',
          `cannot ${event.type}${'stage' in event ? ` ${event.stage}` : ''}: the job is ${job.status} at ${job.stage}`,
          { status: job.status, stage: job.stage },
        );
      }
      const at = this.iso();
      const finished = next.status === 'done' || next.status === 'cancelled' ? at : null;
      this.db
        .prepare(
          'UPDATE draft_pr_jobs SET status = ?, stage = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?',
        )
        .run(next.status, next.stage, next.error ? JSON.stringify(next.error) : null, at, finished, id);

      const closeOpenRun = (outcome: string) =>
        this.db
          .prepare(
            'UPDATE draft_pr_stage_runs SET finished_at = ?, outcome = ? WHERE job_id = ? AND finished_at IS NULL',
          )
          .run(at, outcome, id);
      if (event.type === 'start' && job.status !== 'running') {
        const attempt =
          (this.db
            .prepare('SELECT count(*) FROM draft_pr_stage_runs WHERE job_id = ? AND stage = ?')
            .pluck()
            .get(id, event.stage) as number) + 1;
        this.db
          .prepare('INSERT INTO draft_pr_stage_runs (job_id, stage, attempt, started_at) VALUES (?, ?, ?, ?)')
          .run(id, event.stage, attempt, at);
      } else if (event.type === 'stage_succeeded') closeOpenRun('succeeded');
      else if (event.type === 'stage_failed') closeOpenRun('failed');
      else if (event.type === 'cancel') closeOpenRun('cancelled');
      return this.requireJob(id);
    });
  }

  stageRuns(id: string): StageRun[] {
    return this.db
      .prepare(
        'SELECT stage, attempt, started_at, finished_at, outcome FROM draft_pr_stage_runs WHERE job_id = ? ORDER BY id',
      )
      .all(id) as StageRun[];
  }

  listJobs(query: DraftPrJobFilter = {}): { jobs: DraftPrJob[]; total: number } {
    const { where, params } = jobFilter(query);
    const total = this.db
      .prepare(`SELECT count(*) FROM draft_pr_jobs ${where}`)
      .pluck()
      .get(...params) as number;
    const rows = this.db
      .prepare(`SELECT * FROM draft_pr_jobs ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 50, query.offset ?? 0) as Row[];
    return { jobs: rows.map(toJob), total };
  }

  /** Analytics over the jobs matching `query` (limit/offset ignored). */
  stats(query: DraftPrJobFilter = {}): DraftPrStats {
    const { where, params } = jobFilter(query);
    const countBy = (col: 'status' | 'stage' | 'mode') =>
      Object.fromEntries(
        (
          this.db
            .prepare(`SELECT ${col} AS k, count(*) AS n FROM draft_pr_jobs ${where} GROUP BY ${col}`)
            .all(...params) as { k: string; n: number }[]
        ).map((r) => [r.k, r.n]),
      ) as Record<string, number>;
    const by_status = countBy('status');
    const total = Object.values(by_status).reduce((a, b) => a + b, 0);
    const done = by_status.done ?? 0;
    const finished = done + (by_status.failed ?? 0) + (by_status.cancelled ?? 0);
    const ms = (expr: string) => `(julianday(${expr}) * 86400000.0)`;
    const avg = this.db
      .prepare(
        `SELECT avg(${ms('finished_at')} - ${ms('created_at')}) FROM draft_pr_jobs ${where ? `${where} AND` : 'WHERE'} status = 'done'`,
      )
      .pluck()
      .get(...params) as number | null;
    const stageRows = this.db
      .prepare(
        `SELECT r.stage AS stage, avg(${ms('r.finished_at')} - ${ms('r.started_at')}) AS avg_ms
         FROM draft_pr_stage_runs r JOIN draft_pr_jobs ON draft_pr_jobs.id = r.job_id
         ${where ? `${where} AND` : 'WHERE'} r.outcome = 'succeeded' GROUP BY r.stage`,
      )
      .all(...params) as { stage: string; avg_ms: number }[];
    const approvalRow = this.db
      .prepare(
        `SELECT
           sum(CASE WHEN a.approved_by = ? THEN 1 ELSE 0 END) AS yolo,
           sum(CASE WHEN a.approved_by <> ? THEN 1 ELSE 0 END) AS human,
           sum(CASE WHEN a.invalidated_at IS NOT NULL THEN 1 ELSE 0 END) AS invalidated
         FROM draft_pr_approvals a JOIN draft_pr_jobs ON draft_pr_jobs.id = a.job_id ${where}`,
      )
      .get(YOLO_APPROVER, YOLO_APPROVER, ...params) as {
      yolo: number | null;
      human: number | null;
      invalidated: number | null;
    };
    return {
      total,
      by_status,
      by_stage: countBy('stage'),
      by_mode: countBy('mode'),
      success_rate: finished ? done / finished : null,
      avg_duration_ms: avg === null ? null : Math.round(avg),
      avg_stage_duration_ms: Object.fromEntries(stageRows.map((r) => [r.stage, Math.round(r.avg_ms)])),
      approvals: {
        human: approvalRow.human ?? 0,
        yolo: approvalRow.yolo ?? 0,
        invalidated: approvalRow.invalidated ?? 0,
      },
    };
  }

  // ---- plans ------------------------------------------------------------------------------------

  /**
   * Stores a new immutable plan version (parsed and hashed here) and invalidates every open approval of
   * the job: an approval only ever covers the exact plan it was given for.
   */
  addPlanVersion(
    jobId: string,
    plan: DraftPrPlan,
    options: { feedback?: PlanFeedback; createdBy?: string } = {},
  ): PlanVersion {
    const parsed = DraftPrPlan.parse(plan);
    const hash = planHash(parsed);
    return this.tx(() => {
      this.requireJob(jobId);
      const version =
        ((this.db
          .prepare('SELECT max(version) FROM draft_pr_plan_versions WHERE job_id = ?')
          .pluck()
          .get(jobId) as number | null) ?? 0) + 1;
      const at = this.iso();
      this.db
        .prepare(
          `INSERT INTO draft_pr_plan_versions (job_id, version, hash, plan, feedback, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          jobId,
          version,
          hash,
          JSON.stringify(parsed),
          options.feedback ? JSON.stringify(options.feedback) : null,
          options.createdBy ?? null,
          at,
        );
      this.invalidateApprovals(jobId, `superseded by plan v${version}`);
      return this.requirePlanVersion(jobId, version);
    });
  }

  getPlanVersion(jobId: string, version: number): PlanVersion | null {
    const row = this.db
      .prepare('SELECT * FROM draft_pr_plan_versions WHERE job_id = ? AND version = ?')
      .get(jobId, version) as Row | undefined;
    return row ? toPlanVersion(row) : null;
  }

  requirePlanVersion(jobId: string, version: number): PlanVersion {
    const v = this.getPlanVersion(jobId, version);
    if (!v) throw notFound(`plan version ${version} of job ${jobId}`);
    return v;
  }

  latestPlan(jobId: string): PlanVersion | null {
    const row = this.db
      .prepare('SELECT * FROM draft_pr_plan_versions WHERE job_id = ? ORDER BY version DESC LIMIT 1')
      .get(jobId) as Row | undefined;
    return row ? toPlanVersion(row) : null;
  }

  /** Every version, oldest first, without the plan bodies. */
  listPlanVersions(jobId: string): PlanVersionSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM draft_pr_plan_versions WHERE job_id = ? ORDER BY version')
      .all(jobId) as Row[];
    return rows.map((r) => {
      const { plan, ...rest } = toPlanVersion(r);
      const files =
        plan.scope.added.length +
        plan.scope.modified.length +
        plan.scope.deleted.length +
        plan.scope.renamed.length;
      return { ...rest, summary: plan.summary, files };
    });
  }

  // ---- approvals --------------------------------------------------------------------------------

  /**
   * Records an approval of `planHash` and moves the job from APPROVAL to APPLY, atomically.
   * 409 `stale_plan_hash` when the hash is not the latest plan's; 409 `illegal_transition` when the job
   * is not waiting for approval. Approving the same hash again while APPLY is still pending returns the
   * existing approval (a double click or a retried request).
   */
  approve(jobId: string, hash: string, approvedBy: string): { job: DraftPrJob; approval: Approval } {
    return this.tx(() => {
      const job = this.requireJob(jobId);
      const latest = this.latestPlan(jobId);
      if (!latest) throw new AppError(409, 'no_plan', `job ${jobId} has no plan to approve yet`);
      if (latest.hash !== hash) {
        throw new AppError(
          409,
          'stale_plan_hash',
          `plan hash ${hash.slice(0, 12)}… is not the latest plan (v${latest.version})`,
          {
            latest_version: latest.version,
            latest_hash: latest.hash,
          },
        );
      }
      const existing = this.validApproval(jobId, hash);
      if (existing && job.status === 'pending' && job.stage === 'APPLY') return { job, approval: existing };
      const moved = this.transition(jobId, { type: 'approve' });
      const info = this.db
        .prepare(
          'INSERT INTO draft_pr_approvals (job_id, plan_version, plan_hash, approved_by, approved_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(jobId, latest.version, hash, approvedBy, this.iso());
      return { job: moved, approval: this.getApproval(Number(info.lastInsertRowid))! };
    });
  }

  private getApproval(id: number): Approval | null {
    return (
      (this.db.prepare('SELECT * FROM draft_pr_approvals WHERE id = ?').get(id) as Approval | undefined) ??
      null
    );
  }

  /** The approval of `hash` that has not been invalidated, if any. */
  validApproval(jobId: string, hash: string): Approval | null {
    return (
      (this.db
        .prepare(
          'SELECT * FROM draft_pr_approvals WHERE job_id = ? AND plan_hash = ? AND invalidated_at IS NULL ORDER BY id DESC LIMIT 1',
        )
        .get(jobId, hash) as Approval | undefined) ?? null
    );
  }

  listApprovals(jobId: string): Approval[] {
    return this.db
      .prepare('SELECT * FROM draft_pr_approvals WHERE job_id = ? ORDER BY id')
      .all(jobId) as Approval[];
  }

  /** Marks every open approval of the job invalid; returns how many there were. */
  invalidateApprovals(jobId: string, reason: string): number {
    return this.db
      .prepare(
        'UPDATE draft_pr_approvals SET invalidated_at = ?, invalidated_reason = ? WHERE job_id = ? AND invalidated_at IS NULL',
      )
      .run(this.iso(), reason, jobId).changes;
  }

  // ---- artifacts --------------------------------------------------------------------------------

  /**
   * Writes an artifact file (atomically: temp file + rename) and its index row; a second save of the same
   * type replaces both. `type` is a short lowercase name such as `diff`, `pr_body`, `plan_v2`.
   */
  saveArtifact(jobId: string, type: string, content: string | Buffer, contentType: string): ArtifactMeta {
    if (!JOB_ID.test(jobId)) throw new AppError(400, 'bad_request', 'invalid job id');
    if (!ARTIFACT_TYPE.test(type) || type.includes('..'))
      throw new AppError(400, 'bad_request', `invalid artifact type ${type}`);
    this.requireJob(jobId);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const rel = `${jobId}/${type}${EXTENSIONS[contentType] ?? '.bin'}`;
    const abs = this.absoluteArtifactPath(rel);
    mkdirSync(join(this.artifactsDir, jobId), { recursive: true });
    const tmp = `${abs}.${randomUUID()}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, abs);
    const meta: ArtifactMeta = {
      job_id: jobId,
      type,
      path: rel,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      content_type: contentType,
      created_at: this.iso(),
    };
    const previous = this.getArtifact(jobId, type);
    this.db
      .prepare(
        `INSERT INTO draft_pr_artifacts (job_id, type, path, sha256, size, content_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id, type) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, size = excluded.size,
           content_type = excluded.content_type, created_at = excluded.created_at`,
      )
      .run(meta.job_id, meta.type, meta.path, meta.sha256, meta.size, meta.content_type, meta.created_at);
    if (previous && previous.path !== rel) rmSync(this.absoluteArtifactPath(previous.path), { force: true });
    return meta;
  }

  listArtifacts(jobId: string): ArtifactMeta[] {
    return this.db
      .prepare('SELECT * FROM draft_pr_artifacts WHERE job_id = ? ORDER BY type')
      .all(jobId) as ArtifactMeta[];
  }

  getArtifact(jobId: string, type: string): ArtifactMeta | null {
    return (
      (this.db.prepare('SELECT * FROM draft_pr_artifacts WHERE job_id = ? AND type = ?').get(jobId, type) as
        | ArtifactMeta
        | undefined) ?? null
    );
  }

  /** The artifact's bytes, or null. Throws when the file no longer matches its recorded SHA-256. */
  readArtifact(jobId: string, type: string): { meta: ArtifactMeta; content: Buffer } | null {
    const meta = this.getArtifact(jobId, type);
    if (!meta) return null;
    const content = readFileSync(this.absoluteArtifactPath(meta.path));
    if (createHash('sha256').update(content).digest('hex') !== meta.sha256) {
      throw new AppError(
        500,
        'artifact_corrupt',
        `artifact ${type} of job ${jobId} does not match its checksum`,
      );
    }
    return { meta, content };
  }

  /** Absolute path of an indexed artifact file, refusing anything outside the artifacts directory. */
  absoluteArtifactPath(relative: string): string {
    const abs = resolve(this.artifactsDir, relative);
    if (!abs.startsWith(this.artifactsDir + sep))
      throw new AppError(400, 'bad_request', 'artifact path escapes its directory');
    return abs;
  }

  // ---- templates --------------------------------------------------------------------------------

  createTemplate(input: DraftPrTemplateInput): DraftPrTemplate {
    const id = randomUUID();
    const at = this.iso();
    try {
      this.db
        .prepare(
          'INSERT INTO draft_pr_templates (id, name, description, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, input.name, input.description ?? null, input.body, at, at);
    } catch (err) {
      throw uniqueName(err, input.name);
    }
    return this.getTemplate(id)!;
  }

  getTemplate(id: string): DraftPrTemplate | null {
    return (
      (this.db.prepare('SELECT * FROM draft_pr_templates WHERE id = ?').get(id) as
        | DraftPrTemplate
        | undefined) ?? null
    );
  }

  listTemplates(): DraftPrTemplate[] {
    return this.db.prepare('SELECT * FROM draft_pr_templates ORDER BY name').all() as DraftPrTemplate[];
  }

  /** Replaces name, description and body; 404 when the template does not exist. */
  updateTemplate(id: string, input: DraftPrTemplateInput): DraftPrTemplate {
    let changes: number;
    try {
      changes = this.db
        .prepare(
          'UPDATE draft_pr_templates SET name = ?, description = ?, body = ?, updated_at = ? WHERE id = ?',
        )
        .run(input.name, input.description ?? null, input.body, this.iso(), id).changes;
    } catch (err) {
      throw uniqueName(err, input.name);
    }
    if (!changes) throw notFound(`template ${id}`);
    return this.getTemplate(id)!;
  }

  /** True when a template was deleted. */
  deleteTemplate(id: string): boolean {
    return this.db.prepare('DELETE FROM draft_pr_templates WHERE id = ?').run(id).changes > 0;
  }
}

function uniqueName(err: unknown, name: string): unknown {
  return err instanceof Error && /UNIQUE/.test(err.message)
    ? new AppError(409, 'conflict', `a template named "${name}" already exists`)
    : err;
}

function jobFilter(q: DraftPrJobFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    clauses.push(sql);
    params.push(v);
  };
  if (q.tenant) add('draft_pr_jobs.tenant = ?', q.tenant);
  if (q.status) add('draft_pr_jobs.status = ?', q.status);
  if (q.stage) add('draft_pr_jobs.stage = ?', q.stage);
  if (q.story_key) add('draft_pr_jobs.story_key = ?', q.story_key);
  if (q.mode) add('draft_pr_jobs.mode = ?', q.mode);
  if (q.created_after) add('draft_pr_jobs.created_at >= ?', new Date(q.created_after).toISOString());
  if (q.created_before) add('draft_pr_jobs.created_at < ?', new Date(q.created_before).toISOString());
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toJob(r: Row): DraftPrJob {
  const state: PipelineState = {
    stage: r.stage as PipelineStage,
    status: r.status as PipelineStatus,
    error: json<PipelineError | null>(r.error, null),
  };
  return {
    id: r.id as string,
    tenant: typeof r.tenant === 'string' ? r.tenant : 'local',
    story_key: r.story_key as string,
    repos: json<DraftPrRepo[]>(r.repos, []),
    mode: r.mode as DraftPrMode,
    status: state.status,
    stage: state.stage,
    error: state.error,
    template_id: str(r.template_id),
    requested_by: str(r.requested_by),
    story: json<DraftPrStory | null>(r.story, null),
    result: json<DraftPrJobResult>(r.result, {}),
    progress: pipelineProgress(state),
    created_at: r.created_at as string,
    updated_at: r.updated_at as string,
    finished_at: str(r.finished_at),
  };
}

function toPlanVersion(r: Row): PlanVersion {
  return {
    job_id: r.job_id as string,
    version: r.version as number,
    hash: r.hash as string,
    plan: json<DraftPrPlan>(r.plan, undefined as unknown as DraftPrPlan),
    feedback: json<PlanFeedback | null>(r.feedback, null),
    created_by: str(r.created_by),
    created_at: r.created_at as string,
  };
}
