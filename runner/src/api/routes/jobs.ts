import { JobType } from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { AppError } from '../../errors.js';
import type { JobView } from '../../jobs/queue.js';
import type { App, AppDeps } from '../app.js';
import { ErrorBody, errorResponses, JobViewSchema } from './schemas.js';

const JobIdParam = z.object({ job_id: z.string().min(1).max(100) });
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const getJob = createRoute({
  method: 'get',
  path: '/jobs/{job_id}',
  tags: ['jobs'],
  summary: 'Job status, progress, result or error',
  request: { params: JobIdParam },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: JobViewSchema } } },
    404: { description: 'No such job', content: { 'application/json': { schema: ErrorBody } } },
    ...errorResponses,
  },
});

const listJobs = createRoute({
  method: 'get',
  path: '/jobs',
  tags: ['jobs'],
  summary: 'List jobs, filtered by status and type, newest first',
  request: {
    query: z.object({
      status: z.enum(['waiting', 'active', 'completed', 'failed', 'cancelled', 'delayed']).optional(),
      job_type: JobType.optional(),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: 'A page of jobs',
      content: {
        'application/json': {
          schema: z.object({
            jobs: z.array(JobViewSchema),
            total: z.number(),
            offset: z.number(),
            limit: z.number(),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

const ticketJobs = createRoute({
  method: 'get',
  path: '/jobs/ticket/{ticket_key}',
  tags: ['jobs'],
  summary: 'Jobs for a ticket, newest first; `active` is the running one if any',
  request: { params: z.object({ ticket_key: z.string().min(1).max(120) }) },
  responses: {
    200: {
      description: 'Jobs of the ticket',
      content: {
        'application/json': {
          schema: z.object({
            ticket_key: z.string(),
            active: JobViewSchema.nullable(),
            jobs: z.array(JobViewSchema),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

const cancelJob = createRoute({
  method: 'delete',
  path: '/jobs/{job_id}',
  tags: ['jobs'],
  summary: 'Cancel a job: a waiting job is removed, an active one is aborted on its worker',
  request: { params: JobIdParam },
  responses: {
    200: {
      description: 'Cancelled (waiting job)',
      content: { 'application/json': { schema: JobViewSchema } },
    },
    202: {
      description: 'Cancellation sent to the worker (active job)',
      content: { 'application/json': { schema: JobViewSchema } },
    },
    404: { description: 'No such job', content: { 'application/json': { schema: ErrorBody } } },
    409: { description: 'Already finished', content: { 'application/json': { schema: ErrorBody } } },
    ...errorResponses,
  },
});

const jobEvents = createRoute({
  method: 'get',
  path: '/jobs/{job_id}/events',
  tags: ['jobs'],
  summary: 'Server-Sent Events: `status` and `progress` until the job ends (`end`)',
  request: { params: JobIdParam },
  responses: { 200: { description: 'text/event-stream' }, 404: { description: 'No such job' } },
});

export function registerJobRoutes(app: App, deps: AppDeps) {
  const tenant = (c: { get(key: 'principal'): { tenant: string } }) => c.get('principal').tenant;

  app.openapi(getJob, async (c) =>
    c.json((await deps.queue.get(c.req.valid('param').job_id, tenant(c))) as never, 200),
  );

  app.openapi(listJobs, async (c) => {
    const q = c.req.valid('query');
    const page = await deps.queue.list({
      tenant: tenant(c),
      status: q.status,
      type: q.job_type,
      offset: q.offset,
      limit: q.limit,
    });
    return c.json({ ...page, offset: q.offset, limit: q.limit } as never, 200);
  });

  app.openapi(ticketJobs, async (c) => {
    const key = c.req.valid('param').ticket_key;
    const jobs = await deps.queue.forTicket(tenant(c), key);
    const active = jobs.find((j) => !TERMINAL.has(j.status)) ?? null;
    return c.json({ ticket_key: key, active, jobs } as never, 200);
  });

  app.openapi(cancelJob, async (c) => {
    const view = await deps.queue.cancel(c.req.valid('param').job_id, tenant(c));
    return c.json(view as never, view.status === 'cancelled' ? 200 : 202);
  });

  app.openapi(jobEvents, async (c) => {
    const jobId = c.req.valid('param').job_id;
    const owner = tenant(c);
    let last = await deps.queue.get(jobId, owner);
    return streamSSE(c, async (stream) => {
      const send = (event: string, data: JobView) =>
        stream.writeSSE({ event, data: JSON.stringify(data), id: `${Date.now()}` });
      await send('status', last);
      let idle = 0;
      let closing: string | null = null;
      while (!TERMINAL.has(last.status) && !stream.aborted) {
        if (deps.shutdown?.aborted) {
          closing =
            'the runner is stopping: follow the job again, on another runner or once this one is back';
          break;
        }
        await stream.sleep(200);
        let now: JobView;
        try {
          now = await deps.queue.get(jobId, owner);
        } catch (err) {
          if (err instanceof AppError && err.status === 404) break;
          closing = 'the job could not be read (Redis unavailable): follow it again later';
          break;
        }
        if (now.status !== last.status) await send('status', now);
        else if (JSON.stringify(now.progress) !== JSON.stringify(last.progress)) await send('progress', now);
        else if (++idle % 75 === 0) await stream.write(': keep-alive\n\n');
        last = now;
      }
      // `end` only for a job that ended (or went away); `closing` when the stream stops while it still runs.
      if (closing) {
        await stream.writeSSE({
          event: 'closing',
          data: JSON.stringify({ job_id: jobId, status: last.status, reason: closing }),
        });
      } else await send('end', last);
    }) as never;
  });
}
