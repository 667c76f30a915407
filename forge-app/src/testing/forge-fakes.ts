/**
 * Test doubles for the Forge platform pieces the app touches: a runner behind `invokeRemote` that follows
 * the runner's HTTP contract (202 jobs, 409 duplicates, error envelopes), Forge storage, and Jira boards.
 * Tests replace `@forge/api` and `@forge/kvs` with these through `vi.mock`; nothing of the app is mocked.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

interface FakeJob {
  job_id: string;
  job_type: string;
  status: string;
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

type Reply = { status: number; body?: unknown; raw?: string };
type Override = { method: string; path: RegExp; reply: Reply | (() => Reply); once: boolean };

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
const ROLES = ['backend', 'frontend', 'mobile', 'qa', 'infrastructure', 'data', 'fullstack', 'design'];

/** The runner's strict team member schema, reduced to what the tests exercise. */
function memberProblem(body: Record<string, unknown>): Reply | undefined {
  const allowed = ['name', 'email', 'role', 'level', 'team_id', 'capacity_days_per_sprint', 'active'];
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  const field =
    unknown ??
    (typeof body.name !== 'string' || body.name === '' ? 'name' : undefined) ??
    (typeof body.email !== 'string' || !body.email.includes('@') ? 'email' : undefined) ??
    (!ROLES.includes(String(body.role)) ? 'role' : undefined);
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
  private overrides: Override[] = [];
  private seq = 0;
  private throwNext: Error | null = null;
  /** Synchronous results of /plan/tests/story and /analyze/story-coverage. */
  syncResults: Record<string, unknown> = {};

  reset(): void {
    this.requests = [];
    this.jobs.clear();
    this.draftPrs.clear();
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

  /** The next call fails before reaching the runner (network, Forge proxy). */
  failTransport(error: Error): void {
    this.throwNext = error;
  }

  /** Answer `method path` with this reply instead of the fake's behaviour. */
  override(method: string, path: RegExp, reply: Reply | (() => Reply), once = true): void {
    this.overrides.push({ method, path, reply, once });
  }

  /** Move a job along, as a worker would. */
  update(jobId: string, patch: Partial<Pick<FakeJob, 'status' | 'progress' | 'result' | 'error'>>): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`fake runner has no job ${jobId}`);
    Object.assign(job, patch);
    if (patch.status === 'active' && !job.started_at) job.started_at = new Date(0).toISOString();
    if (patch.status && !ACTIVE.has(patch.status)) job.finished_at = new Date(0).toISOString();
  }

  complete(jobId: string, result: unknown): void {
    this.update(jobId, { status: 'completed', progress: { stage: 'done', percent: 100 }, result });
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
    options: { path: string; method?: string; body?: unknown },
  ): Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }> => {
    if (remoteKey !== 'runner') throw new Error(`Invalid remote key provided: "${remoteKey}"`);
    if (this.throwNext) {
      const e = this.throwNext;
      this.throwNext = null;
      throw e;
    }
    const method = options.method ?? 'GET';
    const body =
      typeof options.body === 'string' && options.body !== '' ? JSON.parse(options.body) : undefined;
    this.requests.push({ method, path: options.path, body });
    const reply = this.reply(method, options.path, body ?? {});
    return {
      ok: reply.status >= 200 && reply.status < 300,
      status: reply.status,
      statusText: '',
      text: async () => reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)),
    };
  };

  private reply(method: string, fullPath: string, body: Record<string, unknown>): Reply {
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
        job.status = 'cancelled';
        return { status: 200, body: { job_id: job.job_id, status: 'cancelled' } };
      }
      const { input, ...snapshot } = job;
      const dryRun = typeof input.dry_run === 'boolean' ? input.dry_run : null;
      return { status: 200, body: { ...snapshot, dry_run: dryRun } };
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

export class FakeJira {
  boards: { id: number; name: string }[] = [];
  status = 200;
  calls: string[] = [];
  reset(): void {
    this.boards = [
      { id: 7, name: 'PROJ board' },
      { id: 9, name: 'PROJ kanban' },
    ];
    this.status = 200;
    this.calls = [];
  }
  requestJira = async (path: string) => {
    this.calls.push(path);
    return {
      ok: this.status < 300,
      status: this.status,
      json: async () => ({ values: this.boards, isLast: true }),
    };
  };
}

export const fakeRunner = new FakeRunner();
export const fakeKvs = new FakeKvs();
export const fakeJira = new FakeJira();

export function resetFakes(): void {
  fakeRunner.reset();
  fakeKvs.data.clear();
  fakeJira.reset();
}
resetFakes();

/** Module shape for `vi.mock('@forge/api', ...)`. */
export function forgeApiModule() {
  const route = (strings: TemplateStringsArray, ...values: unknown[]) =>
    strings.reduce(
      (acc, s, i) => acc + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
      '',
    );
  return {
    invokeRemote: fakeRunner.invokeRemote,
    route,
    asUser: () => ({ requestJira: fakeJira.requestJira }),
    asApp: () => ({ requestJira: fakeJira.requestJira }),
  };
}

/** Module shape for `vi.mock('@forge/kvs', ...)`. */
export function forgeKvsModule() {
  return { kvs: fakeKvs, default: fakeKvs };
}
