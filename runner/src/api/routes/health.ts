import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../app.js';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  role: z.string(),
  uptime_s: z.number(),
  redis: z.object({ reachable: z.boolean(), latency_ms: z.number().nullable() }),
  queue: z.record(z.string(), z.number()),
});

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Liveness, Redis reachability and queue depth (no authentication)',
  security: [],
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: Health } } },
    503: { description: 'Redis unreachable', content: { 'application/json': { schema: Health } } },
  },
});

export function registerHealthRoutes(app: App, deps: AppDeps) {
  const started = Date.now();
  app.openapi(route, async (c) => {
    let latency: number | null = null;
    let queue: Record<string, number> = {};
    try {
      const t = performance.now();
      await withTimeout(deps.redis.ping(), 1_000);
      latency = Math.round((performance.now() - t) * 100) / 100;
      queue = await withTimeout(deps.queue.counts(), 1_000);
    } catch {
      latency = null;
    }
    const body = {
      status: latency === null ? ('degraded' as const) : ('ok' as const),
      version: deps.version,
      role: deps.role,
      uptime_s: Math.round((Date.now() - started) / 1000),
      redis: { reachable: latency !== null, latency_ms: latency },
      queue,
    };
    return c.json(body, latency === null ? 503 : 200);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}
