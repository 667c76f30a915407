/**
 * Test doubles for the Forge platform pieces the app touches: a runner behind `invokeRemote` that follows
 * the runner's HTTP contract (202 jobs, 409 duplicates, previews and their apply, error envelopes, the 401
 * of a refused invocation token, requests that never answer), Forge storage, Jira (boards and the calling
 * user's permissions) and Confluence (page permissions), including Forge's consent error.
 * Tests replace `@forge/api` and `@forge/kvs` with these through `vi.mock`; nothing of the app is mocked.
 * The contract suite (runner-contract.ts) runs the same resolver paths against this fake and a real runner.
 */

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { isTeamRole } from '@augment/shared/core';

// The real error class, loaded past the `@forge/api` mock, so the fake throws exactly what Forge throws.
const { NeedsAuthenticationError } = createRequire(import.meta.url)('@forge/api/out/api/errors') as {
  NeedsAuthenticationError: new (message: string, serviceKey: string) => Error;
};

/** Who the platform says is calling (`context.accountId`, and the user behind `asUser()`). */
export const fakeSession: { accountId: string | undefined } = { accountId: 'user-1' };

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

interface FakeJob {
  job_id: string;
  job_type: string;
  status: string;
  requested_by: string | null;
  progress: { stage: string; percent: number };
  result: unknown;
  error: unknown;
  ticket_keys: string[];
  input: Record<string, unknown>;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface FakePlanVersion {
  job_id: string;
  version: number;
  hash: string;
  plan: Record<string, unknown>;
  feedback: { text: string } | null;
  created_at: string;
}

/** Shaped like the runner's draft PR store records. */
interface FakeDraftPr {
  id: string;
  story_key: string;
  status: string;
  stage: string;
  error: { code: string; message: string } | null;
  result: { pr?: { provider: string; number: number; url: string; reused: boolean } };
  progress: number;
  plans: FakePlanVersion[];
  approved_hash: string | null;
}

/** A SHA-256-looking hex hash per version, as the runner computes over the canonical plan. */
export const fakePlanHash = (version: number) => `${String(version).repeat(8)}${'ab'.repeat(28)}`;

type Reply = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };
/** `hang`: the request never answers (until the caller gives up and aborts it). */
type Override = { method: string; path: RegExp; reply: Reply | (() => Reply) | 'hang'; once: boolean };

interface FakePreview {
  preview_id: string;
  preview_hash: string;
  expires_at: string;
  job_id: string;
  applied_by: string | null;
  expired: boolean;
}

/** The runner's 401 body for a token it refuses (e.g. FORGE_APP_ID set to another app). */
export const RUNNER_TOKEN_REFUSED: Reply = {
  status: 401,
  body: {
    error: { code: 'unauthorized', message: 'invalid Forge invocation token (jwt_claim_validation_failed)' },
  },
};

const ASYNC_ROUTES: Record<string, { jobType: string; ticket: (b: Record<string, unknown>) => string[] }> = {
  '/generate/single': { jobType: 'single', ticket: (b) => [String(b.ticket_key)] },
  '/plan/tasks/team-based': { jobType: 'task_generation', ticket: (b) => (b.story_keys as string[]) ?? [] },
  '/plan/epic/complete': { jobType: 'epic_creation', ticket: (b) => [String(b.epic_key)] },
  '/sprint/plan/epic': { jobType: 'sprint_planning', ticket: (b) => [String(b.epic_key)] },
  '/sprint/timeline': { jobType: 'timeline_planning', ticket: (b) => [String(b.epic_key)] },
  '/plan/stories/sync-from-prd': {
    jobType: 'prd_story_sync',
    ticket: (b) => [typeof b.epic_key === 'string' ? b.epic_key : String(b.prd_url)],
  },
};

const ACTIVE = new Set(['waiting', 'active', 'delayed', 'queued']);

/** The runner's strict team member schema, reduced to what the tests exercise. */
function memberProblem(body: Record<string, unknown>): Reply | undefined {
  const allowed = ['name', 'email', 'role', 'level', 'team_id', 'capacity_days_per_sprint', 'active'];
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  const field =
    unknown ??
    (typeof body.name !== 'string' || body.name === '' ? 'name' : undefined) ??
    (typeof body.email !== 'string' || !body.email.includes('@') ? 'email' : undefined) ??
    (!isTeamRole(body.role) ? 'role' : undefined);
  if (!field) return undefined;
  return {
    status: 400,
    body: {
      error: {
        code: 'validation_error',
        message: 'Invalid request body',
        details: { issues: [{ path: [field] }] },
      },
    },
  };
}

export class FakeRunner {
  requests: RecordedRequest[] = [];
  jobs = new Map<string, FakeJob>();
  draftPrs = new Map<string, FakeDraftPr>();
  members: Record<string, unknown>[] = [];
  previews = new Map<string, FakePreview>();
  settings: { llm_provider: string | null; llm_model: string | null } = {
    llm_provider: null,
    llm_model: null,
  };
  private overrides: Override[] = [];
  private seq = 0;
  private throwNext: { error: Error; times: number } | null = null;
  /** Synchronous results of /plan/tests/story and /analyze/story-coverage. */
  syncResults: Record<string, unknown> = {};

  reset(): void {
    this.requests = [];
    this.jobs.clear();
    this.draftPrs.clear();
    this.previews.clear();
    this.settings = { llm_provider: null, llm_model: null };
    const member = (id: number, name: string, role: string, capacity: number) => ({
      id,
      name,
      email: `${name.toLowerCase()}@example.com`,
      role,
      level: 'senior',
      team_id: 1,
      capacity_days_per_sprint: capacity,
      active: true,
    });
    this.members = [member(1, 'Ada', 'backend', 8), member(2, 'Grace', 'frontend', 6)];
    this.overrides = [];
    this.seq = 0;
    this.throwNext = null;
    this.syncResults = {
      '/plan/tests/story': {
        story_key: 'PROJ-1',
        test_cases: [
          { title: 'Login succeeds with valid credentials', type: 'acceptance', priority: 'high' },
        ],
      },
      '/analyze/story-coverage': {
        story_key: 'PROJ-1',
        criteria: [
          { criterion: 'Users sign in with email', status: 'covered', tasks: ['t1'], tests: ['tc1'] },
          { criterion: 'Expired sessions are refused', status: 'missing', tasks: [], tests: [] },
        ],
        coverage_percent: 50,
        covered: 1,
        partial: 0,
        missing: 1,
        gaps: [
          {
            criterion: 'Expired sessions are refused',
            missing: ['task', 'test'],
            suggestion: { action: 'create_task', team: 'backend', summary: 'Refuse expired sessions' },
          },
        ],
      },
    };
  }

  /** The next `times` calls fail before reaching the runner (network, Forge proxy). */
  failTransport(error: Error, times = 1): void {
    this.throwNext = { error, times };
  }

  /** Answer `method path` with this reply instead of the fake's behaviour ('hang': never answer). */
  override(method: string, path: RegExp, reply: Reply | (() => Reply) | 'hang', once = true): void {
    this.overrides.push({ method, path, reply, once });
  }

  clearOverrides(): void {
    this.overrides = [];
  }

  /** Every call is refused as the runner refuses an invocation token for another app. */
  refuseTokens(): void {
    this.override('GET', /.*/, RUNNER_TOKEN_REFUSED, false);
    for (const m of ['POST', 'PUT', 'DELETE']) this.override(m, /.*/, RUNNER_TOKEN_REFUSED, false);
  }

  /** The preview lapses (its TTL ran out on the runner). */
  expirePreview(previewId: string): void {
    const p = this.previews.get(previewId);
    if (p) p.expired = true;
  }

  /** Move a job along, as a worker would. */
  update(jobId: string, patch: Partial<Pick<FakeJob, 'status' | 'progress' | 'result' | 'error'>>): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`fake runner has no job ${jobId}`);
    Object.assign(job, patch);
    if (patch.status === 'active' && !job.started_at) job.started_at = new Date(0).toISOString();
    if (patch.status && !ACTIVE.has(patch.status)) job.finished_at = new Date(0).toISOString();
  }

  /** Finishes a job; a finished dry run carries its preview, as the runner's worker adds it. */
  complete(jobId: string, result: unknown): void {
    const job = this.jobs.get(jobId);
    let out = result;
    if (job && job.input.dry_run === true && result && typeof result === 'object' && !Array.isArray(result)) {
      const preview: FakePreview = {
        preview_id: `00000000-0000-4000-8000-${String(this.previews.size + 1).padStart(12, '0')}`,
        preview_hash: createHash('sha256').update(JSON.stringify(result)).digest('hex'),
        expires_at: new Date(Date.UTC(2030, 0, 1)).toISOString(),
        job_id: jobId,
        applied_by: null,
        expired: false,
      };
      this.previews.set(preview.preview_id, preview);
      const { job_id: _j, applied_by: _a, expired: _e, ...ref } = preview;
      out = { ...result, preview: ref };
    }
    this.update(jobId, { status: 'completed', progress: { stage: 'done', percent: 100 }, result: out });
  }

  lastJob(): FakeJob {
    const all = [...this.jobs.values()];
    const job = all[all.length - 1];
    if (!job) throw new Error('fake runner has no jobs');
    return job;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  invokeRemote = async (
    remoteKey: string,
    options: { path: string; method?: string; body?: unknown; signal?: AbortSignal },
  ): Promise<{
    ok: boolean;
    status: number;
    statusText: string;
    headers: { get(name: string): string | null };
    text(): Promise<string>;
  }> => {
    if (remoteKey !== 'runner') throw new Error(`Invalid remote key provided: "${remoteKey}"`);
    if (this.throwNext) {
      const { error, times } = this.throwNext;
      this.throwNext = times > 1 ? { error, times: times - 1 } : null;
      throw error;
    }
    const method = options.method ?? 'GET';
    const body =
      typeof options.body === 'string' && options.body !== '' ? JSON.parse(options.body) : undefined;
    this.requests.push({ method, path: options.path, body });
    const reply = this.reply(method, options.path, body ?? {});
    if (reply === 'hang') {
      // Like a runner that never answers: only the caller's abort ends the wait.
      return new Promise((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(new Error('The operation was aborted')), {
          once: true,
        });
      });
    }
    const headers = new Map(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      ok: reply.status >= 200 && reply.status < 300,
      status: reply.status,
      statusText: '',
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      text: async () => reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)),
    };
  };

  private reply(method: string, fullPath: string, body: Record<string, unknown>): Reply | 'hang' {
    const i = this.overrides.findIndex((o) => o.method === method && o.path.test(fullPath));
    if (i >= 0) {
      const o = this.overrides[i]!;
      if (o.once) this.overrides.splice(i, 1);
      return typeof o.reply === 'function' ? o.reply() : o.reply;
    }
    const [path = '', query = ''] = fullPath.split('?');
    const params = new URLSearchParams(query);
    const notFound = (what: string): Reply => ({
      status: 404,
      body: { error: { code: 'not_found', message: `${what} not found` } },
    });

    const asyncRoute = ASYNC_ROUTES[path];
    if (method === 'POST' && asyncRoute) {
      if (body.async_mode !== true) return { status: 200, body: { preview: true } };
      const tickets = asyncRoute.ticket(body);
      const running = [...this.jobs.values()].find(
        (j) =>
          j.job_type === asyncRoute.jobType &&
          ACTIVE.has(j.status) &&
          j.ticket_keys.some((t) => tickets.includes(t)),
      );
      if (running) {
        return {
          status: 409,
          body: {
            error: {
              code: 'duplicate_job',
              message: `A ${asyncRoute.jobType} job is already running for ${tickets.join(', ')}`,
              details: { existing_job_id: running.job_id },
            },
          },
        };
      }
      const job: FakeJob = {
        job_id: `job-${++this.seq}`,
        job_type: asyncRoute.jobType,
        status: 'waiting',
        requested_by: fakeSession.accountId ? `forge:${fakeSession.accountId}` : null,
        progress: { stage: 'queued', percent: 0 },
        result: null,
        error: null,
        ticket_keys: tickets,
        input: body,
        created_at: new Date(0).toISOString(),
        started_at: null,
        finished_at: null,
      };
      this.jobs.set(job.job_id, job);
      return {
        status: 202,
        body: { job_id: job.job_id, status: 'queued', job_type: job.job_type, ticket_keys: job.ticket_keys },
      };
    }
    if (method === 'POST' && path in this.syncResults) return { status: 200, body: this.syncResults[path] };

    let m = /^\/jobs\/([^/]+)$/.exec(path);
    if (m) {
      const job = this.jobs.get(decodeURIComponent(m[1]!));
      if (!job) return notFound('job');
      if (method === 'DELETE') {
        // As the runner: a finished job is 409, a waiting one is removed (200), an active one is aborted (202).
        if (!ACTIVE.has(job.status)) {
          return {
            status: 409,
            body: {
              error: {
                code: 'job_finished',
                message: `job ${job.job_id} has already finished (${job.status === 'completed' ? 'completed' : 'failed'})`,
                details: { status: job.status === 'completed' ? 'completed' : 'failed' },
              },
            },
          };
        }
        const { input: _i, ...view } = job;
        if (job.status === 'active') return { status: 202, body: { ...view, status: 'active' } };
        job.status = 'cancelled';
        return { status: 200, body: { ...view, status: 'cancelled' } };
      }
      const { input, ...snapshot } = job;
      const dryRun = typeof input.dry_run === 'boolean' ? input.dry_run : null;
      return { status: 200, body: { ...snapshot, dry_run: dryRun } };
    }

    m = /^\/previews\/([^/]+)\/apply$/.exec(path);
    if (m && method === 'POST') {
      const preview = this.previews.get(decodeURIComponent(m[1]!));
      const conflict = (code: string, message: string, details: Record<string, unknown> = {}): Reply => ({
        status: 409,
        body: { error: { code, message, details: { field: 'preview_id', ...details } } },
      });
      if (!preview) return notFound(`preview ${m[1]}`);
      if (preview.expired)
        return conflict('preview_expired', 'this preview has expired: preview again, then apply');
      if (body.preview_hash !== preview.preview_hash) {
        return conflict('preview_changed', 'this is not the preview that was reviewed: reload it', {
          field: 'preview_hash',
        });
      }
      if (preview.applied_by) {
        return conflict('preview_applied', 'this preview has already been applied', {
          existing_job_id: preview.applied_by,
        });
      }
      const source = this.jobs.get(preview.job_id)!;
      const job: FakeJob = {
        ...source,
        job_id: `job-${++this.seq}`,
        status: 'waiting',
        requested_by: fakeSession.accountId ? `forge:${fakeSession.accountId}` : null,
        progress: { stage: 'queued', percent: 0 },
        result: null,
        input: { ...source.input, dry_run: false },
        started_at: null,
        finished_at: null,
      };
      this.jobs.set(job.job_id, job);
      preview.applied_by = job.job_id;
      return {
        status: 202,
        body: {
          job_id: job.job_id,
          status: 'queued',
          job_type: job.job_type,
          ticket_keys: job.ticket_keys,
          preview_id: preview.preview_id,
        },
      };
    }

    if (method === 'GET' && path === '/whoami') {
      return {
        status: 200,
        body: {
          kind: 'forge',
          tenant: 'site-cloud-1',
          actor: fakeSession.accountId ? `forge:${fakeSession.accountId}` : 'forge:unknown',
          app_id: 'ari:cloud:ecosystem::app/00000000-0000-0000-0000-000000000000',
          installation_id: 'ari:cloud:ecosystem::installation/abc',
          account_id: fakeSession.accountId ?? null,
          system_token: true,
          version: '0.1.0',
        },
      };
    }
    if (path === '/settings' && method === 'GET') {
      return { status: 200, body: { ...this.settings, updated_at: null, updated_by: null } };
    }
    if (path === '/settings' && method === 'PUT') {
      this.settings = {
        llm_provider: (body.llm_provider as string | null) ?? null,
        llm_model: body.llm_provider ? ((body.llm_model as string | null) ?? null) : null,
      };
      return {
        status: 200,
        body: { ...this.settings, updated_at: new Date(0).toISOString(), updated_by: null },
      };
    }

    if (method === 'POST' && path === '/draft-pr/create') {
      const id = `dpr-${++this.seq}`;
      this.draftPrs.set(id, {
        id,
        story_key: String(body.story_key),
        status: 'awaiting_approval',
        stage: 'APPROVAL',
        error: null,
        result: {},
        progress: 20,
        plans: [
          {
            job_id: id,
            version: 1,
            hash: fakePlanHash(1),
            plan: {
              summary: 'Add a login endpoint',
              scope: { added: [], modified: ['src/auth/login.ts'], deleted: [], renamed: [] },
              happy_paths: ['A valid user signs in'],
              edge_cases: [],
              failure_modes: [
                { trigger: 'Bad password', impact: 'Sign-in fails', mitigation: 'Clear error message' },
              ],
              assumptions: [],
              unknowns: [],
              tests: [{ name: 'login succeeds', type: 'unit' }],
              rollback: ['Revert the commit'],
              cross_repo_impacts: [],
              changes: [],
            },
            feedback: null,
            created_at: new Date(0).toISOString(),
          },
        ],
        approved_hash: null,
      });
      return { status: 202, body: { job_id: id, status: 'pending', stage: 'PLAN' } };
    }
    m = /^\/draft-pr\/jobs\/([^/]+)(\/.*)?$/.exec(path);
    if (m) {
      const dpr = this.draftPrs.get(decodeURIComponent(m[1]!));
      if (!dpr) return notFound('draft PR job');
      const rest = m[2] ?? '';
      const latest = dpr.plans[dpr.plans.length - 1]!;
      if (method === 'GET' && rest === '') {
        const { plans: _p, approved_hash: _a, ...job } = dpr;
        return { status: 200, body: job };
      }
      if (method === 'GET' && rest === '/plan') return { status: 200, body: latest };
      if (method === 'GET' && rest === '/plans') {
        return {
          status: 200,
          body: {
            job_id: dpr.id,
            plans: dpr.plans.map(({ plan, ...v }) => ({ ...v, summary: plan.summary, files: 1 })),
          },
        };
      }
      if (method === 'GET' && rest === '/plans/compare') {
        const from = dpr.plans.find((p) => p.version === Number(params.get('from')));
        const to = dpr.plans.find((p) => p.version === Number(params.get('to')));
        if (!from || !to) return notFound('plan version');
        const same = from.plan.summary === to.plan.summary;
        return {
          status: 200,
          body: {
            from: from.version,
            to: to.version,
            changed: !same,
            fields: same
              ? []
              : [{ field: 'summary', kind: 'scalar', before: from.plan.summary, after: to.plan.summary }],
          },
        };
      }
      const v = /^\/plans\/(\d+)$/.exec(rest);
      if (method === 'GET' && v) {
        const plan = dpr.plans.find((p) => p.version === Number(v[1]));
        return plan ? { status: 200, body: plan } : notFound('plan version');
      }
      if (method === 'POST' && rest === '/revise-plan') {
        const version = latest.version + 1;
        dpr.plans.push({
          ...latest,
          version,
          hash: fakePlanHash(version),
          plan: {
            ...latest.plan,
            summary: `${String(latest.plan.summary)} (revised: ${String(body.feedback)})`,
          },
          feedback: { text: String(body.feedback) },
        });
        dpr.approved_hash = null;
        return { status: 200, body: { job_id: dpr.id, version, hash: fakePlanHash(version) } };
      }
      if (method === 'POST' && rest === '/approve') {
        if (body.plan_hash !== latest.hash) {
          return {
            status: 409,
            body: {
              error: {
                code: 'plan_changed',
                message: 'The plan changed since it was shown; review the latest version.',
                details: { field: 'plan_hash', latest_version: latest.version },
              },
            },
          };
        }
        dpr.approved_hash = latest.hash;
        dpr.status = 'running';
        dpr.stage = 'APPLY';
        dpr.progress = 40;
        return {
          status: 200,
          body: { job_id: dpr.id, plan_version: latest.version, plan_hash: latest.hash },
        };
      }
      if (method === 'GET' && rest === '/progress') {
        return { status: 200, body: { stage: dpr.stage, status: dpr.status, percent: dpr.progress } };
      }
    }

    if (method === 'GET' && path === '/health')
      return { status: 200, body: { status: 'ok', version: '0.1.0' } };
    if (method === 'GET' && path === '/models') {
      const entry = (provider: string, model: string, configured: boolean, isDefault: boolean) => ({
        provider,
        model,
        configured,
        default: isDefault,
        max_tokens: 8000,
        context_window: 128000,
        structured_output: 'json_schema',
      });
      return {
        status: 200,
        body: {
          default_provider: 'openai',
          fallback_engine: 'rules',
          providers: [
            entry('openai', 'gpt-5-mini', true, true),
            entry('openai', 'gpt-5', true, false),
            entry('claude', 'claude-sonnet-4-5', false, false),
          ],
        },
      };
    }
    if (path === '/team-members' && method === 'GET') {
      return { status: 200, body: { members: this.members, total: this.members.length } };
    }
    if (path === '/team-members' && method === 'POST') {
      const problem = memberProblem(body);
      if (problem) return problem;
      const member = { level: 'mid', team_id: null, active: true, ...body, id: 100 + ++this.seq };
      this.members.push(member);
      return { status: 201, body: member };
    }
    m = /^\/team-members\/([^/]+)$/.exec(path);
    if (m) {
      const idx = this.members.findIndex((x) => String(x.id) === decodeURIComponent(m![1]!));
      if (idx < 0) return notFound('team member');
      if (method === 'PUT') {
        this.members[idx] = { ...this.members[idx], ...body };
        return { status: 200, body: this.members[idx] };
      }
      if (method === 'DELETE') {
        this.members.splice(idx, 1);
        return { status: 200, body: { deleted: true } };
      }
    }
    return notFound(`route ${method} ${path}`);
  }

  /** Move a draft PR job to a pipeline stage. */
  advanceDraftPr(jobId: string, stage: string, progress: number): void {
    const dpr = this.draftPrs.get(jobId);
    if (!dpr) throw new Error(`fake runner has no draft PR ${jobId}`);
    Object.assign(dpr, { stage, progress, status: 'running' });
  }

  /** Finish a draft PR pipeline with a PR link. */
  finishDraftPr(jobId: string, prUrl: string): void {
    const dpr = this.draftPrs.get(jobId);
    if (!dpr) throw new Error(`fake runner has no draft PR ${jobId}`);
    Object.assign(dpr, {
      status: 'done',
      stage: 'DRAFT_PR',
      progress: 100,
      result: { pr: { provider: 'bitbucket', number: 7, url: prUrl, reused: false } },
    });
  }
}

/** `@forge/kvs`'s get/set/delete over a Map. */
export class FakeKvs {
  data = new Map<string, unknown>();
  async get<T>(key: string): Promise<T | undefined> {
    this.check(key);
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : undefined;
  }
  async set<T>(key: string, value: T): Promise<void> {
    this.check(key);
    this.data.set(key, structuredClone(value));
  }
  async delete(key: string): Promise<void> {
    this.check(key);
    this.data.delete(key);
  }
  // Same key rule as Forge storage, so a bad key fails here as it would in production.
  private check(key: string): void {
    if (key.length < 2 || key.length > 500 || !/^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/.test(key)) {
      throw new Error(`INVALID_KEY: ${key}`);
    }
  }
}

/** Jira project permissions the fake grants a user on every issue, plus whether the user is an admin. */
export interface FakeGrant {
  permissions: string[];
  admin: boolean;
}

export const EVERY_PERMISSION = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'LINK_ISSUES',
  'ADD_COMMENTS',
  'SCHEDULE_ISSUES',
  'MANAGE_SPRINTS_PERMISSION',
];

/** Jira as `asUser()` / `asApp()` reach it: boards, and `POST /rest/api/3/permissions/check`. */
export class FakeJira {
  boards: { id: number; name: string }[] = [];
  status = 200;
  calls: string[] = [];
  /** Per account id; an unknown account may only browse. */
  grants = new Map<string, FakeGrant>();
  /** The next `asUser()` call needs the user's consent first (Forge throws NEEDS_AUTHENTICATION_ERR). */
  needsConsent = false;
  /** HTTP status of the permission check (an outage: 503). */
  permissionStatus = 200;
  reset(): void {
    this.boards = [
      { id: 7, name: 'PROJ board' },
      { id: 9, name: 'PROJ kanban' },
    ];
    this.status = 200;
    this.calls = [];
    this.needsConsent = false;
    this.permissionStatus = 200;
    this.grants = new Map([
      ['user-1', { permissions: EVERY_PERMISSION, admin: true }],
      ['viewer-1', { permissions: ['BROWSE_PROJECTS'], admin: false }],
    ]);
  }
  requestJira = async (path: string, init?: { method?: string; body?: string }) => {
    this.calls.push(path);
    if (this.needsConsent)
      throw new NeedsAuthenticationError('Authentication Required', 'atlassian-token-service-key');
    if (path === '/rest/api/3/permissions/check' && init?.method === 'POST') {
      if (this.permissionStatus !== 200) {
        return {
          ok: false,
          status: this.permissionStatus,
          json: async () => ({ errorMessages: ['unavailable'] }),
        };
      }
      const grant = this.grants.get(fakeSession.accountId ?? '') ?? {
        permissions: ['BROWSE_PROJECTS'],
        admin: false,
      };
      const asked = JSON.parse(init.body ?? '{}') as {
        globalPermissions?: string[];
        projectPermissions?: { issues?: number[]; projects?: number[]; permissions: string[] }[];
      };
      // The shape Jira answers: for each project permission, the issues and projects the user holds it on.
      const projectPermissions = (asked.projectPermissions ?? []).flatMap((pp) =>
        pp.permissions
          .filter((p) => grant.permissions.includes(p))
          .map((permission) => ({ permission, issues: pp.issues ?? [], projects: pp.projects ?? [] })),
      );
      const globalPermissions = (asked.globalPermissions ?? []).filter(
        (g) => g === 'ADMINISTER' && grant.admin,
      );
      return { ok: true, status: 200, json: async () => ({ globalPermissions, projectPermissions }) };
    }
    return {
      ok: this.status < 300,
      status: this.status,
      json: async () => ({ values: this.boards, isLast: true }),
    };
  };
}

/** Confluence as `asUser()` reaches it: `POST /wiki/rest/api/content/{id}/permission/check`. */
export class FakeConfluence {
  /** Account ids that may edit each page id. */
  editors = new Map<string, Set<string>>();
  calls: string[] = [];
  reset(): void {
    this.calls = [];
    this.editors = new Map([['123456', new Set(['user-1'])]]);
  }
  requestConfluence = async (path: string, init?: { method?: string; body?: string }) => {
    this.calls.push(path);
    const m = /^\/wiki\/rest\/api\/content\/([^/]+)\/permission\/check$/.exec(path);
    if (!m || init?.method !== 'POST') return { ok: false, status: 404, json: async () => ({}) };
    const asked = JSON.parse(init.body ?? '{}') as { subject?: { identifier?: string }; operation?: string };
    const page = decodeURIComponent(m[1]!);
    const can =
      asked.operation === 'read' ||
      (asked.operation === 'update' &&
        this.editors.get(page)?.has(String(asked.subject?.identifier)) === true);
    return {
      ok: true,
      status: 200,
      json: async () =>
        can
          ? { hasPermission: true }
          : { hasPermission: false, errors: [{ message: { key: 'no.permission' } }] },
    };
  };
}

export const fakeRunner = new FakeRunner();
export const fakeKvs = new FakeKvs();
export const fakeJira = new FakeJira();
export const fakeConfluence = new FakeConfluence();

export function resetFakes(): void {
  fakeRunner.reset();
  fakeKvs.data.clear();
  fakeJira.reset();
  fakeConfluence.reset();
  fakeSession.accountId = 'user-1';
}
resetFakes();

type InvokeRemoteFn = FakeRunner['invokeRemote'];

/**
 * Where `invokeRemote` goes: the fake runner, or (in the contract test) a real runner process reached over
 * HTTP with signed invocation tokens, as Forge Remote would.
 */
export const remote: { invoke: InvokeRemoteFn } = { invoke: fakeRunner.invokeRemote };

/** Module shape for `vi.mock('@forge/api', ...)`. */
export function forgeApiModule() {
  const route = (strings: TemplateStringsArray, ...values: unknown[]) =>
    strings.reduce(
      (acc, s, i) => acc + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
      '',
    );
  return {
    invokeRemote: ((...args) => remote.invoke(...args)) as InvokeRemoteFn,
    route,
    assumeTrustedRoute: (path: string) => path,
    asUser: () => ({
      requestJira: fakeJira.requestJira,
      requestConfluence: fakeConfluence.requestConfluence,
    }),
    asApp: () => ({ requestJira: fakeJira.requestJira, requestConfluence: fakeConfluence.requestConfluence }),
  };
}

/** Module shape for `vi.mock('@forge/kvs', ...)`. */
export function forgeKvsModule() {
  return { kvs: fakeKvs, default: fakeKvs };
}
