/**
 * The generation endpoints of FEATURES.md "Background Job Processing": each validates its body with the
 * shared schema, then either answers synchronously or (with `async_mode: true`) enqueues and answers 202.
 */

import type { JobType, RepoSpec } from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { validateRepos } from '../../code-aware/code-aware.js';
import { catalog } from '../../jobs/catalog.js';
import { runInline } from '../../jobs/inline.js';
import type { App, AppDeps, AppEnv } from '../app.js';
import { actorOf, type Principal } from '../auth.js';
import { ErrorBody, errorResponses, JobAccepted } from './schemas.js';
import { withTenantLlm } from './settings.js';

interface Endpoint {
  path: string;
  /** Draft PR stages are queued by the /draft-pr routes only, never from a generation endpoint. */
  type: Exclude<JobType, 'draft_pr_stage'>;
  summary: string;
  tag: string;
  alwaysAsync?: boolean;
}

export const GENERATION_ENDPOINTS: Endpoint[] = [
  {
    path: '/generate/single',
    type: 'single',
    tag: 'generate',
    summary: 'Generate the description of one ticket',
  },
  {
    path: '/generate/batch',
    type: 'batch',
    tag: 'generate',
    summary: 'Generate descriptions for many tickets (always async)',
    alwaysAsync: true,
  },
  {
    path: '/plan/stories/generate',
    type: 'story_generation',
    tag: 'plan',
    summary: 'Generate stories for an epic',
  },
  {
    path: '/plan/stories/sync-from-prd',
    type: 'prd_story_sync',
    tag: 'plan',
    summary: 'Sync stories from a PRD table',
  },
  {
    path: '/plan/tasks/generate',
    type: 'task_generation',
    tag: 'plan',
    summary: 'Generate tasks for stories',
  },
  {
    path: '/plan/tests/comprehensive',
    type: 'test_generation',
    tag: 'plan',
    summary: 'Generate a test suite for an epic',
  },
  { path: '/plan/epic/create', type: 'epic_creation', tag: 'plan', summary: 'Plan and create an epic' },
  {
    path: '/plan/stories/create',
    type: 'story_creation',
    tag: 'plan',
    summary: 'Create stories for an epic',
  },
  { path: '/plan/tasks/create', type: 'task_creation', tag: 'plan', summary: 'Create tasks for stories' },
  {
    path: '/sprint/plan/epic',
    type: 'sprint_planning',
    tag: 'sprint',
    summary: 'Plan epic tasks into sprints',
  },
  {
    path: '/sprint/timeline',
    type: 'timeline_planning',
    tag: 'sprint',
    summary: 'Create a timeline for an epic',
  },
  {
    path: '/plan/epic/complete',
    type: 'epic_completion',
    tag: 'plan',
    summary: 'Fill what an epic is missing: stories, then tasks, then tests (dry_run by default)',
  },
];

/**
 * The Atlassian credentials a job runs with: the Forge system token when Forge called, else none (the site
 * configured in the environment). A Forge call always gets Forge credentials, complete or not: it must never
 * fall back to the environment's site, which is another tenant's.
 */
export function credentialsOf(p: Principal): Record<string, unknown> | undefined {
  if (p.kind === 'forge') {
    return { kind: 'forge', api_base_url: p.apiBaseUrl ?? null, system_token: p.systemToken ?? null };
  }
  return undefined;
}

/** The tenant's default LLM, for a job type whose request can name one and did not. */
function tenantLlmFor(
  deps: AppDeps,
  tenant: string,
  type: JobType,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const withDefault = withTenantLlm(deps, tenant, body);
  if (withDefault === body) return body;
  return catalog[type].schema.safeParse(withDefault).success ? withDefault : body;
}

export function registerGenerationRoutes(app: App, deps: AppDeps) {
  for (const ep of GENERATION_ENDPOINTS) {
    const schema = catalog[ep.type].schema as z.ZodType<Record<string, unknown>>;
    const route = createRoute({
      method: 'post',
      path: ep.path,
      tags: [ep.tag],
      summary: ep.summary,
      description: ep.alwaysAsync
        ? 'Always runs as a background job.'
        : 'With `async_mode: true` the work runs as a background job and the answer is 202 with the job id.',
      request: { body: { required: true, content: { 'application/json': { schema } } } },
      responses: {
        200: {
          description: 'Result (synchronous mode)',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        202: { description: 'Job queued', content: { 'application/json': { schema: JobAccepted } } },
        409: {
          description: 'A job of this type is already running for the ticket',
          content: { 'application/json': { schema: ErrorBody } },
        },
        413: { description: 'Body too large', content: { 'application/json': { schema: ErrorBody } } },
        ...errorResponses,
      },
    });
    // The documented responses are checked by the OpenAPI tests; the union of both modes is not expressible here.
    app.openapi(
      route,
      (c) => dispatchJob(c, deps, ep.type, c.req.valid('json'), ep.alwaysAsync) as Promise<never>,
    );
  }
}

/**
 * Runs a job type for an HTTP request: queued with a 202 when `async_mode` is true (or the type always runs in
 * the background), else inline with a 200. Code-aware requests fail here, before a job exists, when OpenCode
 * or the repositories are not usable.
 */
export async function dispatchJob(
  c: Context<AppEnv>,
  deps: AppDeps,
  type: JobType,
  requested: Record<string, unknown>,
  alwaysAsync = false,
): Promise<Response> {
  const principal = c.get('principal');
  const body = tenantLlmFor(deps, principal.tenant, type, requested);
  const credentials = credentialsOf(principal);
  if (Array.isArray(body.repos)) validateRepos(deps.services, body.repos as RepoSpec[]);
  if (alwaysAsync || body.async_mode === true) {
    const view = await deps.queue.enqueue(type, body, {
      requestedBy: actorOf(principal),
      tenant: principal.tenant,
      credentials,
    });
    return c.json(
      {
        job_id: view.job_id,
        status: 'queued' as const,
        job_type: view.job_type,
        ticket_keys: view.ticket_keys,
        status_url: `/jobs/${view.job_id}`,
        events_url: `/jobs/${view.job_id}/events`,
      },
      202,
    );
  }
  const out = await runInline(type, body, {
    services: deps.services,
    tenant: principal.tenant,
    requestedBy: actorOf(principal),
    credentials,
    signal: c.req.raw.signal,
    queue: deps.queue,
  });
  return c.json(out as Record<string, unknown>, 200);
}
