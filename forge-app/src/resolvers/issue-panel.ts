/**
 * Resolvers of the issue panel (stories and tasks): description, team-based tasks, test cases, coverage,
 * the story's readiness for generation, and the draft PR review.
 */
import type {
  CoverageLevel as CoverageLevelSchema,
  GenerateSingleRequest,
  TaskGenerationRequest,
} from '@augment/shared';
import type { z } from 'zod';
import type {
  CoverageLevel,
  DraftPrJob,
  DraftPrPlan,
  IssueAction,
  IssuePanelApi,
  JobKind,
  StoryReadiness,
} from '../types';
import { badPayload, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';
import {
  commonHandlers,
  issueFromContext,
  llmFields,
  loadTracked,
  requireBoolean,
  requireJobId,
  requireKind,
  startWork,
  trackExisting,
} from './jobs';

const ACTIONS: readonly IssueAction[] = ['description', 'tasks', 'tests', 'coverage'];
const COVERAGE_LEVELS: readonly CoverageLevel[] = ['minimal', 'basic', 'standard', 'comprehensive'];
const PANEL_KINDS: readonly JobKind[] = [...ACTIONS, 'draft_pr'];

// Routes whose bodies have no shared schema yet; shapes from the runner's contract.
interface StoryTestsRequest {
  story_key: string;
  coverage_level: z.input<typeof CoverageLevelSchema>;
}
interface StoryCoverageRequest {
  story_key: string;
}
interface DraftPrCreateRequest {
  story_key: string;
  repos: { url: string }[];
  mode: 'normal' | 'yolo';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseRepos(value: unknown): { url: string }[] {
  if (!Array.isArray(value)) throw badPayload('repos must be a list of repository URLs', 'repos');
  const urls = value.map((v) => (typeof v === 'string' ? v.trim() : '')).filter((v) => v !== '');
  if (urls.length === 0) throw badPayload('Give at least one repository URL', 'repos');
  if (urls.length > 20) throw badPayload('At most 20 repositories per draft PR', 'repos');
  for (const url of urls) {
    if (!/^(https:\/\/|git@)[^\s]+$/.test(url)) throw badPayload(`Not a repository URL: ${url}`, 'repos');
  }
  return urls.map((url) => ({ url }));
}

function requireVersion(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badPayload(`${field} must be a plan version (1, 2, ...)`, field);
  }
  return value;
}

export function issuePanelHandlers(deps: ResolverDeps): Handlers<IssuePanelApi> {
  const runner = deps.runner;
  const draftPath = (jobId: string, suffix = '') => `/draft-pr/jobs/${encodeURIComponent(jobId)}${suffix}`;
  async function get<T>(path: string): Promise<T> {
    const res = await runner.request<T>('GET', path);
    if (!res.ok) throw new ResolverFailure(res.error);
    return res.data.data;
  }
  async function post<T>(path: string, body: object): Promise<T> {
    const res = await runner.request<T>('POST', path, body);
    if (!res.ok) throw new ResolverFailure(res.error);
    return res.data.data;
  }
  const draftStatus = async (jobId: string) => {
    const job = await get<DraftPrJob>(draftPath(jobId));
    return {
      ...job,
      job_id: typeof job?.job_id === 'string' ? job.job_id : jobId,
      status: String(job?.status ?? 'unknown'),
    };
  };

  return {
    ...commonHandlers(deps),

    async getPanelState(_payload, context) {
      const issue = issueFromContext(context);
      const jobs = await loadTracked(deps, issue.key, PANEL_KINDS, (kind, id) =>
        kind === 'draft_pr' ? draftStatus(id) : get(`/jobs/${encodeURIComponent(id)}`),
      );
      return { issueKey: issue.key, jobs };
    },

    // Read-only and quick: asked directly, not as a job.
    getReadiness(_payload, context) {
      const issue = issueFromContext(context);
      return get<StoryReadiness>(`/plan/readiness/${encodeURIComponent(issue.key)}`);
    },

    async startAction(payload, context) {
      const issue = issueFromContext(context);
      const action = requireKind(payload?.action, ACTIONS) as IssueAction;
      const dryRun = requireBoolean(payload?.dryRun, 'dryRun');
      const llm = llmFields(await deps.settings.getLlm());
      switch (action) {
        case 'description': {
          const body: z.input<typeof GenerateSingleRequest> = {
            ticket_key: issue.key,
            dry_run: dryRun,
            async_mode: true,
            ...llm,
          };
          return startWork(deps, issue.key, action, dryRun, '/generate/single', body);
        }
        case 'tasks': {
          const body: z.input<typeof TaskGenerationRequest> = {
            story_keys: [issue.key],
            dry_run: dryRun,
            async_mode: true,
            ...llm,
          };
          return startWork(deps, issue.key, action, dryRun, '/plan/tasks/team-based', body);
        }
        case 'tests': {
          const level = payload.coverageLevel ?? 'standard';
          if (!COVERAGE_LEVELS.includes(level)) {
            throw badPayload(`coverageLevel must be one of ${COVERAGE_LEVELS.join(', ')}`, 'coverageLevel');
          }
          const body: StoryTestsRequest = { story_key: issue.key, coverage_level: level };
          return startWork(deps, issue.key, action, true, '/plan/tests/story', body);
        }
        case 'coverage': {
          const body: StoryCoverageRequest = { story_key: issue.key };
          return startWork(deps, issue.key, action, true, '/analyze/story-coverage', body);
        }
      }
    },

    async trackJob(payload, context) {
      const issue = issueFromContext(context);
      const kind = requireKind(payload?.kind, PANEL_KINDS);
      const jobId = requireJobId(payload?.jobId);
      return trackExisting(deps, issue.key, kind, jobId, (id) =>
        kind === 'draft_pr' ? draftStatus(id) : get(`/jobs/${encodeURIComponent(id)}`),
      );
    },

    async draftPrCreate(payload, context) {
      const issue = issueFromContext(context);
      const mode = payload?.mode === 'yolo' ? 'yolo' : 'normal';
      const body: DraftPrCreateRequest = { story_key: issue.key, repos: parseRepos(payload?.repos), mode };
      const outcome = await startWork(deps, issue.key, 'draft_pr', false, '/draft-pr/create', body);
      if (outcome.mode !== 'job') {
        throw new ResolverFailure({
          code: 'invalid_response',
          message: 'The runner did not return a draft PR job id.',
          status: 200,
        });
      }
      return outcome.job;
    },

    draftPrStatus: (payload) => draftStatus(requireJobId(payload?.jobId)),

    async draftPrPlan(payload) {
      const jobId = requireJobId(payload?.jobId);
      const suffix =
        payload?.version === undefined ? '/plan' : `/plans/${requireVersion(payload.version, 'version')}`;
      const plan = await get<Record<string, unknown>>(draftPath(jobId, suffix));
      // The runner's plan versions carry their hash as `hash`; the UI approves by `plan_hash`.
      const hash = isRecord(plan) ? (plan.plan_hash ?? plan.hash) : undefined;
      const version = isRecord(plan) ? Number(plan.version) : Number.NaN;
      if (typeof hash !== 'string' || hash === '' || !Number.isInteger(version)) {
        throw new ResolverFailure({
          code: 'invalid_response',
          message: 'The runner returned a plan without a version and hash; it cannot be approved.',
          status: 200,
        });
      }
      return { ...plan, version, plan_hash: hash } as DraftPrPlan;
    },

    draftPrPlans: (payload) => get(draftPath(requireJobId(payload?.jobId), '/plans')),

    draftPrCompare(payload) {
      const jobId = requireJobId(payload?.jobId);
      const from = requireVersion(payload?.from, 'from');
      const to = requireVersion(payload?.to, 'to');
      return get(draftPath(jobId, `/plans/compare?from=${from}&to=${to}`));
    },

    draftPrRevise(payload) {
      const jobId = requireJobId(payload?.jobId);
      const feedback = typeof payload?.feedback === 'string' ? payload.feedback.trim() : '';
      if (feedback === '') throw badPayload('Write what should change in the plan', 'feedback');
      if (feedback.length > 20_000) throw badPayload('Feedback is limited to 20,000 characters', 'feedback');
      return post(draftPath(jobId, '/revise-plan'), { feedback });
    },

    draftPrApprove(payload) {
      const jobId = requireJobId(payload?.jobId);
      const planHash = typeof payload?.planHash === 'string' ? payload.planHash.trim() : '';
      if (!/^[A-Za-z0-9:_-]{6,200}$/.test(planHash))
        throw badPayload('planHash must be the hash shown with the plan', 'planHash');
      return post(draftPath(jobId, '/approve'), { plan_hash: planHash });
    },

    draftPrProgress: (payload) => get(draftPath(requireJobId(payload?.jobId), '/progress')),
  };
}
