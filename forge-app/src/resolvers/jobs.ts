/**
 * Starting runner work and following it: the job id of each start is remembered per (issue or page,
 * kind), and a duplicate start (409) remembers the job already running so the UI can show it.
 */
import type { JobRef } from '../services/job-store';
import type { CommonApi, JobKind, JobSnapshot, LlmSettings, StartOutcome, TrackedJob } from '../types';
import { badPayload, type ForgeContext, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,49}-[1-9][0-9]{0,9}$/;
const JOB_ID = /^[A-Za-z0-9:_.-]{1,200}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requireJobId(value: unknown, field = 'jobId'): string {
  if (typeof value !== 'string' || !JOB_ID.test(value))
    throw badPayload(`${field} must be a runner job id`, field);
  return value;
}

export function isIssueKey(value: unknown): value is string {
  return typeof value === 'string' && ISSUE_KEY.test(value);
}

export interface IssueContext {
  key: string;
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
    type: typeof issue.type === 'string' ? issue.type : undefined,
    projectKey: typeof project.key === 'string' ? project.key : key.slice(0, key.lastIndexOf('-')),
  };
}

export function llmFields(settings: LlmSettings): {
  llm_provider?: LlmSettings['provider'] & string;
  llm_model?: string;
} {
  return {
    ...(settings.provider ? { llm_provider: settings.provider } : {}),
    ...(settings.provider && settings.model ? { llm_model: settings.model } : {}),
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

/**
 * POSTs to an async route. A 202 with a job id becomes a tracked job; any other success is a synchronous
 * result. A 409 duplicate remembers the running job and answers the failure with its id.
 */
export async function startWork(
  deps: ResolverDeps,
  scope: string,
  kind: JobKind,
  dryRun: boolean,
  path: string,
  body: object,
): Promise<StartOutcome> {
  const res = await deps.runner.request<unknown>('POST', path, body);
  if (!res.ok) {
    const existing = res.error.details?.existing_job_id;
    if (res.error.status === 409 && typeof existing === 'string' && JOB_ID.test(existing)) {
      // Whether the running job is a preview is unknown here; the UI treats it as "started elsewhere".
      await deps.jobs.remember(scope, {
        job_id: existing,
        kind,
        dry_run: dryRun,
        started_at: deps.now().toISOString(),
      });
      throw new ResolverFailure({
        ...res.error,
        code: 'duplicate_job',
        message: res.error.message || 'This is already running.',
        details: { ...res.error.details, existing_job_id: existing, kind },
      });
    }
    throw new ResolverFailure(res.error);
  }
  const data = res.data.data;
  const jobId = isRecord(data) ? data.job_id : undefined;
  if (typeof jobId === 'string' && jobId !== '') {
    const ref: JobRef = { job_id: jobId, kind, dry_run: dryRun, started_at: deps.now().toISOString() };
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

/** Resolvers every surface has: follow a job, cancel it. */
export function commonHandlers(deps: ResolverDeps): Handlers<CommonApi> {
  return {
    getJob: (payload) => fetchJob(deps, requireJobId(payload?.jobId)),
    async cancelJob(payload) {
      const jobId = requireJobId(payload?.jobId);
      const res = await deps.runner.request<unknown>('DELETE', `/jobs/${encodeURIComponent(jobId)}`);
      if (!res.ok) throw new ResolverFailure(res.error);
      return res.data.data;
    },
  };
}

/** "Already running — view": remember a job id the runner gave us and return its state. */
export async function trackExisting(
  deps: ResolverDeps,
  scope: string,
  kind: JobKind,
  jobId: string,
  fetchSnapshot: (jobId: string) => Promise<JobSnapshot | null> = (id) => fetchJob(deps, id),
): Promise<TrackedJob> {
  const previous = await deps.jobs.latest(scope, kind);
  const snapshot = await fetchSnapshot(jobId);
  const same = previous?.job_id === jobId;
  const ref: JobRef = {
    job_id: jobId,
    kind,
    // The runner says whether the job is a preview; otherwise keep what was recorded at its start.
    dry_run: typeof snapshot?.dry_run === 'boolean' ? snapshot.dry_run : same ? previous.dry_run : true,
    started_at: same ? previous.started_at : deps.now().toISOString(),
  };
  await deps.jobs.remember(scope, ref);
  return { ...ref, snapshot };
}

export function optionalIssueKey(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const key = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (!isIssueKey(key)) throw badPayload(`${field} must be a Jira issue key such as PROJ-123`, field);
  return key;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw badPayload(`${field} must be true or false`, field);
  return value;
}
