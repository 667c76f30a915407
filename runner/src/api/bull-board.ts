import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Principal } from './auth.js';

const BASE = '/admin/queues';

/**
 * The BullMQ dashboard, behind the same authentication as every other route. It shows every tenant's jobs,
 * so it is for the runner's operators (API keys), never for a Forge site.
 */
// biome-ignore lint/suspicious/noExplicitAny: the app's env type is irrelevant to the mounted sub-app
export function registerBullBoard(app: OpenAPIHono<any>, queue: JobQueue) {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BASE);
  createBullBoard({
    queues: [new BullMQAdapter(queue.queue, { readOnlyMode: false })],
    serverAdapter: adapter,
  });
  const operatorsOnly: MiddlewareHandler = async (c, next) => {
    if ((c.get('principal') as Principal | undefined)?.kind === 'forge') {
      throw new AppError(403, 'forbidden', 'the queue dashboard shows every site: it needs an API key');
    }
    await next();
  };
  app.use(BASE, operatorsOnly);
  app.use(`${BASE}/*`, operatorsOnly);
  app.route(BASE, adapter.registerPlugin());
}
