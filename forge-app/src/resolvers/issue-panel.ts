/**
 * Resolvers of the issue panel (stories and tasks): description, team-based tasks, test cases, coverage,
 * the story's readiness for generation, and the draft PR review.
 */

import type {
  CoverageLevel as CoverageLevelSchema,
  GenerateSingleRequest,
  TaskGenerationRequest,
} from '@augment/shared';
import { splitRepoUrl } from '@augment/shared/core';
import type { z } from 'zod';
import type { JiraPermission } from '../services/permissions';
import type {
  CoverageLevel,
  DraftPrJob,
  DraftPrPlan,
  IssueAction,
  IssuePanelApi,
  JobKind,
  StoryReadiness,
} from '../types';
import { badPayload, type ForgeContext, type Handlers, ResolverFailure } from './define';
import type { ResolverDeps } from './deps';
import {
  accountOf,
  commonHandlers,
  issueFromContext,
  loadTracked,
  requireJobId,
  requireKind,
  requireOwned,
  startWork,
} from './jobs';

const ACTIONS: readonly IssueAction[] = ['description', 'tasks', 'tests', 'coverage'];
const COVERAGE_LEVELS: readonly CoverageLevel[] = ['minimal', 'basic', 'standard', 'comprehensive'];
const PANEL_KINDS: readonly JobKind[] = [...ACTIONS, 'draft_pr'];

/** What a real run of each kind changes on the story, as Jira permissions the user must hold. */
const WRITES: Partial<Record<JobKind, JiraPermission[]>> = {
  description: ['EDIT_ISSUES'],
  // Sub-tasks with "Blocks" links, and the plan stored on the story (an issue property).
  tasks: ['CREATE_ISSUES', 'LINK_ISSUES', 'EDIT_ISSUES'],
  // The pipeline works on the story and comments the pull request link on it.
  draft_pr: ['EDIT_ISSUES', 'ADD_COMMENTS'],
};

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
    // A first check with the runner's own parser (the runner decides which hosts are allowed).
    const parts = /\s/.test(url) ? null : splitRepoUrl(url);
    if (!parts || !(parts.scheme === 'https' || parts.scpLike) || !parts.path)
      throw badPayload(`Not a repository URL: ${url}`, 'repos');
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
  /** Refuses unless the caller may make the changes a real run of `kind` makes on this issue. */
  const requireWrite = async (context: ForgeContext, kind: JobKind) => {
    const account = accountOf(context);
    const issue = issueFromContext(context);
    const permissions = WRITES[kind];
    if (!permissions) {
      throw new ResolverFailure({
        code: 'read_only',
        message: 'This only shows results; it changes nothing.',
        status: 400,
      });
    }
    await deps.permissions.requireOnIssue(account, issue, permissions);
  };
  /** A draft PR job of this story: started (or tracked) from this issue panel. */
  const ownDraft = async (context: ForgeContext, value: unknown) => {
    const jobId = requireJobId(value);
    await requireOwned(deps, issueFromContext(context).key, jobId, 'draft_pr');
    return jobId;
  };
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
  /** The job with its pipeline progress, in one invocation (the view polls this alone). */
  const draftStatus = async (jobId: string) => {
    const job = await get<DraftPrJob>(draftPath(jobId));
    const progress = await runner.request<unknown>('GET', draftPath(jobId, '/progress'));
    if (!progress.ok && progress.error.status !== 404) throw new ResolverFailure(progress.error);
    return {
      ...job,
      job_id: typeof job?.job_id === 'string' ? job.job_id : jobId,
      status: String(job?.status ?? 'unknown'),
      ...(progress.ok && isRecord(progress.data.data) ? { pipeline: progress.data.data } : {}),
    };
  };

  return {
    ...commonHandlers(deps, {
      scopeOf: (context) => issueFromContext(context).key,
      kinds: PANEL_KINDS,
      requireWrite,
      fetchSnapshot: (kind, id) =>
        kind === 'draft_pr' ? draftStatus(id) : get(`/jobs/${encodeURIComponent(id)}`),
    }),

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

    // Always a preview: nothing changes in Jira until applyPreview creates what it showed.
    async startAction(payload, context) {
      const issue = issueFromContext(context);
      const action = requireKind(payload?.action, ACTIONS) as IssueAction;
      switch (action) {
        case 'description': {
          const body: z.input<typeof GenerateSingleRequest> = {
            ticket_key: issue.key,
            dry_run: true,
            async_mode: true,
          };
          return startWork(deps, issue.key, action, '/generate/single', body);
        }
        case 'tasks': {
          const body: z.input<typeof TaskGenerationRequest> = {
            story_keys: [issue.key],
            dry_run: true,
            async_mode: true,
          };
          return startWork(deps, issue.key, action, '/plan/tasks/team-based', body);
        }
        case 'tests': {
          const level = payload.coverageLevel ?? 'standard';
          if (!COVERAGE_LEVELS.includes(level)) {
            throw badPayload(`coverageLevel must be one of ${COVERAGE_LEVELS.join(', ')}`, 'coverageLevel');
          }
          const body: StoryTestsRequest = { story_key: issue.key, coverage_level: level };
          return startWork(deps, issue.key, action, '/plan/tests/story', body);
        }
        case 'coverage': {
          const body: StoryCoverageRequest = { story_key: issue.key };
          return startWork(deps, issue.key, action, '/analyze/story-coverage', body);
        }
      }
    },

    async draftPrCreate(payload, context) {
      const issue = issueFromContext(context);
      const mode = payload?.mode === 'yolo' ? 'yolo' : 'normal';
      const body: DraftPrCreateRequest = { story_key: issue.key, repos: parseRepos(payload?.repos), mode };
      // YOLO mode may go all the way to a pull request without another human: the same check either way.
      await requireWrite(context, 'draft_pr');
      const outcome = await startWork(deps, issue.key, 'draft_pr', '/draft-pr/create', body);
      if (outcome.mode !== 'job') {
        throw new ResolverFailure({
          code: 'invalid_response',
          message: 'The runner did not return a draft PR job id.',
          status: 200,
        });
      }
      return outcome.job;
    },

    draftPrStatus: async (payload, context) => draftStatus(await ownDraft(context, payload?.jobId)),

    async draftPrPlan(payload, context) {
      const jobId = await ownDraft(context, payload?.jobId);
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

    draftPrPlans: async (payload, context) =>
      get(draftPath(await ownDraft(context, payload?.jobId), '/plans')),

    async draftPrCompare(payload, context) {
      const jobId = await ownDraft(context, payload?.jobId);
      const from = requireVersion(payload?.from, 'from');
      const to = requireVersion(payload?.to, 'to');
      return get(draftPath(jobId, `/plans/compare?from=${from}&to=${to}`));
    },

    async draftPrRevise(payload, context) {
      const jobId = await ownDraft(context, payload?.jobId);
      const feedback = typeof payload?.feedback === 'string' ? payload.feedback.trim() : '';
      if (feedback === '') throw badPayload('Write what should change in the plan', 'feedback');
      if (feedback.length > 20_000) throw badPayload('Feedback is limited to 20,000 characters', 'feedback');
      await requireWrite(context, 'draft_pr');
      return post(draftPath(jobId, '/revise-plan'), { feedback });
    },

    async draftPrApprove(payload, context) {
      const jobId = await ownDraft(context, payload?.jobId);
      const planHash = typeof payload?.planHash === 'string' ? payload.planHash.trim() : '';
      if (!/^[A-Za-z0-9:_-]{6,200}$/.test(planHash))
        throw badPayload('planHash must be the hash shown with the plan', 'planHash');
      await requireWrite(context, 'draft_pr');
      return post(draftPath(jobId, '/approve'), { plan_hash: planHash });
    },

    draftPrProgress: async (payload, context) =>
      get(draftPath(await ownDraft(context, payload?.jobId), '/progress')),
  };
}
