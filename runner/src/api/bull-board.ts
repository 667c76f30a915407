import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { JobQueue } from '../jobs/queue.js';

const BASE = '/admin/queues';

/** The BullMQ dashboard, behind the same authentication as every other route. */
// biome-ignore lint/suspicious/noExplicitAny: the app's env type is irrelevant to the mounted sub-app
export function registerBullBoard(app: OpenAPIHono<any>, queue: JobQueue) {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BASE);
  createBullBoard({
    queues: [new BullMQAdapter(queue.queue, { readOnlyMode: false })],
    serverAdapter: adapter,
  });
  app.route(BASE, adapter.registerPlugin());
}
