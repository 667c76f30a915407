import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { errorResponses } from './schemas.js';

const Models = z.object({
  default_provider: z.string(),
  fallback_engine: z.literal('rules'),
  providers: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      configured: z.boolean(),
      default: z.boolean(),
      /** The largest answer per call: the model's, or LLM_MAX_TOKENS when lower. */
      max_tokens: z.number(),
      context_window: z.number(),
      structured_output: z.string(),
      /** The JSON Schema subset the structured-output mode accepts. */
      schema_dialect: z.string(),
      /** 'catalog', 'family' (a listed sibling's limits) or 'default' (unknown: safe defaults). */
      known: z.string(),
      /** The planning temperature sent, or null when the model takes none. */
      temperature: z.number().nullable(),
      warnings: z.array(z.string()),
    }),
  ),
});

const WhoAmI = z.object({
  kind: z.enum(['api_key', 'hmac', 'forge']),
  /** What the caller's jobs, team members, timelines, draft PRs and settings are scoped to. */
  tenant: z.string(),
  /** Recorded as `requested_by` on the caller's jobs and approvals. */
  actor: z.string(),
  app_id: z.string().nullable(),
  installation_id: z.string().nullable(),
  account_id: z.string().nullable(),
  /** Whether the invocation handed over an app system token, so jobs can call Jira and Confluence back. */
  system_token: z.boolean(),
  version: z.string(),
});

export function registerSystemRoutes(app: App, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/whoami',
      tags: ['system'],
      summary: 'Who the runner believes the caller is (credentials checked as on every other route)',
      responses: {
        200: { description: 'The caller', content: { 'application/json': { schema: WhoAmI } } },
        ...errorResponses,
      },
    }),
    (c) => {
      const p = c.get('principal');
      const forge = p.kind === 'forge' ? p : undefined;
      return c.json(
        {
          kind: p.kind,
          tenant: p.tenant,
          actor: actorOf(p),
          app_id: forge?.appId ?? null,
          installation_id: forge?.installationId ?? null,
          account_id: forge?.accountId ?? null,
          system_token: Boolean(forge?.systemToken),
          version: deps.version,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/models',
      tags: ['system'],
      summary: 'LLM providers and models configured on this runner (never keys)',
      responses: {
        200: { description: 'Models', content: { 'application/json': { schema: Models } } },
        ...errorResponses,
      },
    }),
    (c) => c.json(deps.services.llm.listModels() as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['system'],
      summary: 'Prometheus metrics: queue depth by state, LLM calls, tokens and durations',
      responses: { 200: { description: 'text/plain; version=0.0.4' }, ...errorResponses },
    }),
    async (c) => {
      const counts = await deps.queue.counts();
      const lines = [
        '# HELP augment_jobs Jobs in the queue by state.',
        '# TYPE augment_jobs gauge',
        ...Object.entries(counts).map(([state, n]) => `augment_jobs{state="${state}"} ${n}`),
        deps.services.llm.metrics.renderPrometheus(),
      ];
      return c.body(`${lines.join('\n').trimEnd()}\n`, 200, {
        'content-type': 'text/plain; version=0.0.4',
      }) as never;
    },
  );
}
