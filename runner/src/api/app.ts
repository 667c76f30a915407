/**
 * The HTTP API: parse with the shared schemas, authenticate, enqueue or answer. No business logic here.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import { AppError, errorChainStack } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import { scrubSecrets } from '../logger.js';
import { isRedisUnavailable, RETRY_AFTER_S, redisUnavailable } from '../redis.js';
import type { Services } from '../services.js';
import { type AuthConfig, type AuthVariables, createAuthenticator } from './auth.js';
import { bodyLimit } from './body-limit.js';
import { registerBullBoard } from './bull-board.js';
import { registerDraftPrRoutes } from './routes/draft-pr.js';
import { registerGenerationRoutes } from './routes/generation.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerJiraRoutes } from './routes/jira.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerPlanRoutes } from './routes/plan.js';
import { registerPlanAnalysisRoutes } from './routes/plan-analysis.js';
import { registerPreviewRoutes } from './routes/previews.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerSprintRoutes } from './routes/sprint.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTeamMemberRoutes } from './routes/team-members.js';
import { validationError, validationHook } from './validation.js';

export interface AppDeps {
  services: Services;
  queue: JobQueue;
  redis: Redis;
  auth: AuthConfig;
  maxBodyBytes: number;
  version: string;
  role: string;
  /** Aborted when the runner stops: long-lived answers (event streams) end. */
  shutdown?: AbortSignal;
}

export type AppEnv = { Variables: AuthVariables & { requestId: string } };
export type App = OpenAPIHono<AppEnv>;

const PUBLIC_PATHS = new Set(['/health']);

export function createApp(deps: AppDeps): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const log = deps.services.log.child({ component: 'api' });
  const authenticate = createAuthenticator(deps.auth);

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    log.info(
      {
        request_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        principal: c.get('principal')?.id,
      },
      'request',
    );
  });
  app.use('*', bodyLimit(deps.maxBodyBytes));
  app.use('*', async (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : authenticate(c, next)));

  app.onError((err, c) => {
    const error = toAppError(err);
    const scrub = (text: string) => scrubSecrets(text, deps.services.secrets);
    if (error.code === 'redis_unavailable') {
      c.header('retry-after', String(RETRY_AFTER_S));
      log.warn(
        { request_id: c.get('requestId'), err: scrub(String((err as Error).message)) },
        'redis unavailable',
      );
    } else if (error.status >= 500)
      log.error(
        { request_id: c.get('requestId'), code: error.code, err: errorChainStack(err, scrub) },
        'request failed',
      );
    return c.json(
      {
        error: {
          code: error.code,
          message: scrub(error.message),
          ...(error.details ? { details: error.details } : {}),
        },
      },
      // 499 (cancelled) is not in Hono's list of statuses; the response carries it all the same.
      error.status as ContentfulStatusCode,
    );
  });
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  registerHealthRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerPreviewRoutes(app, deps);
  registerGenerationRoutes(app, deps);
  registerTeamMemberRoutes(app, deps);
  registerSprintRoutes(app, deps);
  registerSystemRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerDraftPrRoutes(app, deps);
  registerJiraRoutes(app, deps);
  registerPlanAnalysisRoutes(app, deps);
  registerPlanRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Augment runner',
      version: deps.version,
      description: 'Planning, sprint, PRD sync and draft PR jobs for Jira and Confluence.',
    },
    security: [{ apiKey: [] }],
  });
  // Resolve the asset folder without loading swagger-ui-dist's index (it would evaluate the whole UI bundle).
  const swaggerRoot = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.use(
    '/docs/assets/swagger-ui-dist/*',
    serveStatic({
      root: swaggerRoot,
      rewriteRequestPath: (p) => p.replace('/docs/assets/swagger-ui-dist', ''),
    }),
  );
  app.get('/docs', swaggerUI({ url: '/openapi.json', baseUrl: '/docs/assets', title: 'Augment runner API' }));
  registerBullBoard(app, deps.queue);
  return app;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isRedisUnavailable(err)) return redisUnavailable();
  if (err instanceof ZodError) return validationError(err);
  if (err instanceof HTTPException) {
    if (err.status === 400 && /json/i.test(err.message)) {
      return new AppError(400, 'malformed_json', 'request body is not valid JSON', { field: 'body' });
    }
    const status =
      ([400, 401, 403, 404, 409, 413, 415, 422, 429] as const).find((s) => s === err.status) ?? 500;
    return new AppError(status, 'http_error', err.message || 'request failed');
  }
  // Every failure the runner knows is an AppError (the adapters convert their own); anything else is a bug.
  return new AppError(500, 'internal_error', 'internal error', undefined, { cause: err });
}
