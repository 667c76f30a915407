/**
 * Starting runner work and following it. Every start is a preview; the job id of each start is remembered
 * per (issue or page, kind) together with the issue or page it belongs to, and a view may only follow,
 * cancel or apply the jobs of its own issue or page. Applying names the preview job and the hash on screen:
 * the runner then creates exactly what the preview showed, or refuses.
 */
import { isIssueKey } from '@augment/shared/core';
import { type JobRef, sameScope } from '../services/job-store';
import type {
  AppFailure,
  CommonApi,
  JobKind,
  JobSnapshot,
  PreviewRef,
  StartOutcome,
  TrackedJob,
} from '../types';
import { badPayload, type ForgeContext, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';

const JOB_ID = /^[A-Za-z0-9:_.-]{1,200}$/;
const HASH = /^[a-f0-9]{64}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requireJobId(value: unknown, field = 'jobId'): string {
  if (typeof value !== 'string' || !JOB_ID.test(value))
    throw badPayload(`${field} must be a runner job id`, field);
  return value;
}

export { isIssueKey };

/** The signed-in user the platform says is calling; an anonymous call changes nothing. */
export function accountOf(context: ForgeContext): string {
  if (typeof context.accountId === 'string' && context.accountId !== '') return context.accountId;
  throw new ResolverFailure({
    code: 'not_signed_in',
    message: 'Sign in to Jira to use Augment.',
    status: 401,
  });
}

export interface IssueContext {
  key: string;
  /** Numeric id as a string (`extension.issue.id`), for permission checks. */
  id: string;
  type: string | undefined;
  projectKey: string | undefined;
}

/** The issue the module is shown on, from the Forge context (not from the payload, which the browser controls). */
export function issueFromContext(context: ForgeContext): IssueContext {
  const ext = isRecord(context.extension) ? context.extension : {};
  const issue = isRecord(ext.issue) ? ext.issue : {};
  const project = isRecord(ext.project) ? ext.project : {};
  const key = issue.key;
  if (!isIssueKey(key)) {
    throw new ResolverFailure({
      code: 'missing_context',
      message: 'This view is not attached to a Jira issue, so there is nothing to plan.',
      status: 400,
    });
  }
  return {
    key,
    id: typeof issue.id === 'string' || typeof issue.id === 'number' ? String(issue.id) : '',
    type: typeof issue.type === 'string' ? issue.type : undefined,
    projectKey: typeof project.key === 'string' ? project.key : key.slice(0, key.lastIndexOf('-')),
  };
}

function snapshotOf(data: unknown, fallbackId: string): JobSnapshot {
  const d = isRecord(data) ? data : {};
  return {
    ...d,
    job_id: typeof d.job_id === 'string' ? d.job_id : fallbackId,
    status: typeof d.status === 'string' ? d.status : 'queued',
  } as JobSnapshot;
}

export async function fetchJob(deps: ResolverDeps, jobId: string): Promise<JobSnapshot> {
  const res = await deps.runner.request<unknown>('GET', `/jobs/${encodeURIComponent(jobId)}`);
  if (!res.ok) throw new ResolverFailure(res.error);
  return snapshotOf(res.data.data, jobId);
}

/** Remembers a job the runner said is already running here (409), and answers with its id to offer "view". */
async function duplicate(
  deps: ResolverDeps,
  scope: string,
  kind: JobKind,
  dryRun: boolean,
  error: AppFailure,
): Promise<never> {
  const existing = error.details?.existing_job_id;
  if (error.status === 409 && typeof existing === 'string' && JOB_ID.test(existing)) {
    await deps.jobs.remember(scope, {
      job_id: existing,
      kind,
      dry_run: dryRun,
      started_at: deps.now().toISOString(),
    });
    throw new ResolverFailure({
      ...error,
      code: error.code === 'preview_applied' ? 'preview_applied' : 'duplicate_job',
      message: error.message || 'This is already running.',
      details: { ...error.details, existing_job_id: existing, kind },
    });
  }
  throw new ResolverFailure(error);
}

/**
 * POSTs a preview to an async route. A 202 with a job id becomes a tracked job; any other success is a
 * synchronous result. A 409 duplicate remembers the running job and answers the failure with its id.
 */
export async function startWork(
  deps: ResolverDeps,
  scope: string,
  kind: JobKind,
  path: string,
  body: object,
): Promise<StartOutcome> {
  const res = await deps.runner.request<unknown>('POST', path, body);
  if (!res.ok) return duplicate(deps, scope, kind, true, res.error);
  const data = res.data.data;
  const jobId = isRecord(data) ? data.job_id : undefined;
  if (typeof jobId === 'string' && jobId !== '') {
    const ref: JobRef = { job_id: jobId, kind, dry_run: true, started_at: deps.now().toISOString() };
    await deps.jobs.remember(scope, ref);
    return { mode: 'job', job: { ...ref, snapshot: snapshotOf(data, jobId) } };
  }
  if (res.data.status === 202) {
    throw new ResolverFailure({
      code: 'invalid_response',
      message: 'The runner accepted the work but did not say which job runs it.',
      status: 202,
    });
  }
  return { mode: 'result', kind, result: data };
}

/** The remembered jobs of a scope with their current state; jobs the runner no longer knows are forgotten. */
export async function loadTracked(
  deps: ResolverDeps,
  scope: string,
  kinds: readonly JobKind[],
  fetchSnapshot: (kind: JobKind, jobId: string) => Promise<JobSnapshot | null> = (_k, id) =>
    fetchJob(deps, id),
): Promise<Partial<Record<JobKind, TrackedJob>>> {
  const entries = await Promise.all(
    kinds.map(async (kind): Promise<[JobKind, TrackedJob] | undefined> => {
      const ref = await deps.jobs.latest(scope, kind);
      if (!ref) return undefined;
      try {
        return [kind, { ...ref, snapshot: await fetchSnapshot(kind, ref.job_id) }];
      } catch (error) {
        if (error instanceof ResolverFailure && error.failure.status === 404) {
          await deps.jobs.forget(scope, kind);
          return undefined;
        }
        throw error;
      }
    }),
  );
  return Object.fromEntries(entries.filter((e) => e !== undefined));
}

export const JOB_KINDS: readonly JobKind[] = [
  'description',
  'tasks',
  'tests',
  'coverage',
  'draft_pr',
  'epic_plan',
  'sprint_plan',
  'timeline',
  'prd_sync',
];

export function requireKind(value: unknown, allowed: readonly JobKind[]): JobKind {
  if (typeof value !== 'string' || !allowed.includes(value as JobKind)) {
    throw badPayload(`kind must be one of ${allowed.join(', ')}`, 'kind');
  }
  return value as JobKind;
}

/** What the common resolvers need to know about the view they serve. */
export interface Surface {
  /** The issue key or page scope the view is on (from the Forge context). */
  scopeOf(context: ForgeContext): string;
  /** The kinds of work this view starts. */
  kinds: readonly JobKind[];
  /** Refuses unless the caller may make the changes a real run of `kind` makes here. */
  requireWrite(context: ForgeContext, kind: JobKind): Promise<void>;
  /** How this view reads a job of `kind` (draft PRs have their own route). */
  fetchSnapshot?(kind: JobKind, jobId: string): Promise<JobSnapshot>;
}

/** The job, if it was started from (or tracked on) this issue or page; another one is unknown here. */
export async function requireOwned(deps: ResolverDeps, scope: string, jobId: string, kind?: JobKind) {
  const owner = await deps.jobs.ownerOf(jobId);
  if (!owner || !sameScope(owner, scope) || (kind !== undefined && owner.kind !== kind)) {
    throw new ResolverFailure({
      code: 'unknown_job',
      message: 'That job was not started from here, so it cannot be shown or changed here.',
      status: 404,
      details: { field: 'jobId' },
    });
  }
  return owner;
}

function previewOf(snapshot: JobSnapshot): PreviewRef | undefined {
  const result = isRecord(snapshot.result) ? snapshot.result : {};
  const p = isRecord(result.preview) ? result.preview : undefined;
  return p && typeof p.preview_id === 'string' && typeof p.preview_hash === 'string'
    ? (p as unknown as PreviewRef)
    : undefined;
}

/** Resolvers every surface has: follow a job, cancel it, view one already running, apply a preview. */
export function commonHandlers(deps: ResolverDeps, surface: Surface): Handlers<CommonApi> {
  const snapshot = (kind: JobKind, jobId: string) =>
    surface.fetchSnapshot ? surface.fetchSnapshot(kind, jobId) : fetchJob(deps, jobId);

  return {
    async getJob(payload, context) {
      const jobId = requireJobId(payload?.jobId);
      const owner = await requireOwned(deps, surface.scopeOf(context), jobId);
      return snapshot(owner.kind, jobId);
    },

    async cancelJob(payload, context) {
      const jobId = requireJobId(payload?.jobId);
      const owner = await requireOwned(deps, surface.scopeOf(context), jobId);
      // Stopping a preview changes nothing; stopping a real run half-way is a change of its own.
      accountOf(context);
      if (!owner.dry_run) await surface.requireWrite(context, owner.kind);
      const res = await deps.runner.request<unknown>('DELETE', `/jobs/${encodeURIComponent(jobId)}`);
      if (!res.ok) throw new ResolverFailure(res.error);
      return res.data.data;
    },

    async trackJob(payload, context) {
      const scope = surface.scopeOf(context);
      const kind = requireKind(payload?.kind, surface.kinds);
      const jobId = requireJobId(payload?.jobId);
      const owner = await requireOwned(deps, scope, jobId, kind);
      const previous = await deps.jobs.latest(scope, kind);
      const current = await snapshot(kind, jobId);
      const same = previous?.job_id === jobId;
      const ref: JobRef = {
        job_id: jobId,
        kind,
        // The runner says whether the job is a preview; otherwise keep what was recorded at its start.
        dry_run: typeof current?.dry_run === 'boolean' ? current.dry_run : owner.dry_run,
        started_at: same ? previous.started_at : deps.now().toISOString(),
      };
      await deps.jobs.remember(scope, ref);
      return { ...ref, snapshot: current };
    },

    async applyPreview(payload, context) {
      const scope = surface.scopeOf(context);
      const kind = requireKind(payload?.kind, surface.kinds);
      const jobId = requireJobId(payload?.jobId);
      const previewHash = typeof payload?.previewHash === 'string' ? payload.previewHash : '';
      if (!HASH.test(previewHash))
        throw badPayload('previewHash must be the hash shown with the preview', 'previewHash');
      await requireOwned(deps, scope, jobId, kind);
      accountOf(context);
      await surface.requireWrite(context, kind);
      const shown = await fetchJob(deps, jobId);
      const preview = previewOf(shown);
      if (shown.status !== 'completed' || shown.dry_run !== true || !preview) {
        throw new ResolverFailure({
          code: 'not_a_preview',
          message: 'Only a finished preview can be applied; preview again.',
          status: 409,
        });
      }
      if (preview.preview_hash !== previewHash) {
        throw new ResolverFailure({
          code: 'preview_changed',
          message: 'The preview on screen is not the latest one; reopen this view and review it again.',
          status: 409,
          details: { field: 'previewHash' },
        });
      }
      const res = await deps.runner.request<unknown>(
        'POST',
        `/previews/${encodeURIComponent(preview.preview_id)}/apply`,
        { preview_hash: preview.preview_hash },
      );
      if (!res.ok) return duplicate(deps, scope, kind, false, res.error);
      const data = res.data.data;
      const applyId = isRecord(data) && typeof data.job_id === 'string' ? data.job_id : '';
      if (!JOB_ID.test(applyId)) {
        throw new ResolverFailure({
          code: 'invalid_response',
          message: 'The runner accepted the change but did not say which job makes it.',
          status: res.data.status,
        });
      }
      const ref: JobRef = { job_id: applyId, kind, dry_run: false, started_at: deps.now().toISOString() };
      await deps.jobs.remember(scope, ref);
      return { ...ref, snapshot: snapshotOf(data, applyId) };
    },
  };
}

export function optionalIssueKey(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const key = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (!isIssueKey(key)) throw badPayload(`${field} must be a Jira issue key such as PROJ-123`, field);
  return key;
}
