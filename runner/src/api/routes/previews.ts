/**
 * Applying a preview as reviewed: `POST /previews/{preview_id}/apply` with the hash the reviewer saw queues
 * a job that writes exactly what the preview showed, or fails with `preview_stale` (nothing written) when
 * what it was built from changed. Every dry-run job that completes leaves a preview (`result.preview`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import { PreviewStore } from '../../jobs/previews.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { credentialsOf } from './generation.js';
import { ErrorBody, errorResponses, JobAccepted, jsonBody, jsonContent } from './schemas.js';

const PreviewParam = z.object({ preview_id: z.uuid() });
const ApplyBody = z
  .object({ preview_hash: z.string().regex(/^[a-f0-9]{64}$/, 'the preview_hash shown with the preview') })
  .strict();
const PreviewView = z.object({
  preview_id: z.string(),
  preview_hash: z.string(),
  job_type: z.string(),
  ticket_keys: z.array(z.string()),
  preview_job_id: z.string(),
  requested_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  applied_by_job_id: z.string().nullable(),
});
const conflicts = {
  404: jsonContent(ErrorBody, 'No such preview'),
  409: jsonContent(ErrorBody, '`preview_expired`, `preview_changed`, `preview_applied` or `duplicate_job`'),
};

export function registerPreviewRoutes(app: App, deps: AppDeps) {
  const previews = new PreviewStore(deps.redis, deps.queue.prefix, deps.services.env.PREVIEW_TTL_SECONDS);
  const tags = ['jobs'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/previews/{preview_id}',
      tags,
      summary: 'A preview: what it was made from, its hash and until when it can be applied',
      request: { params: PreviewParam },
      responses: { 200: jsonContent(PreviewView, 'The preview'), ...conflicts, ...errorResponses },
    }),
    async (c) => {
      const { preview_id } = c.req.valid('param');
      const p = await previews.require(preview_id, c.get('principal').tenant);
      return c.json(
        {
          preview_id: p.preview_id,
          preview_hash: p.preview_hash,
          job_type: p.job_type,
          ticket_keys: p.ticket_keys,
          preview_job_id: p.preview_job_id,
          requested_by: p.requested_by,
          created_at: p.created_at,
          expires_at: p.expires_at,
          applied_by_job_id: await previews.appliedBy(preview_id),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/previews/{preview_id}/apply',
      tags,
      summary: 'Apply a preview: create exactly what it showed (a background job), or 409',
      description:
        'The body names the `preview_hash` the reviewer saw. 409 `preview_expired` when the preview lapsed, `preview_changed` when the hash is not this preview’s, `preview_applied` when it was applied already. The job itself fails with `preview_stale` (writing nothing) when the issues or pages the preview was built from changed.',
      request: { params: PreviewParam, body: jsonBody(ApplyBody) },
      responses: {
        202: jsonContent(JobAccepted.extend({ preview_id: z.string() }), 'Apply job queued'),
        ...conflicts,
        ...errorResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { preview_id } = c.req.valid('param');
      const { preview_hash } = c.req.valid('json');
      const preview = await previews.require(preview_id, principal.tenant);
      if (preview.preview_hash !== preview_hash) {
        throw new AppError(409, 'preview_changed', 'this is not the preview that was reviewed: reload it', {
          field: 'preview_hash',
          preview_hash: preview.preview_hash,
        });
      }
      const claim = await previews.claim(preview_id);
      let jobId: string | null = null;
      try {
        const view = await deps.queue.enqueue(
          preview.job_type,
          { ...preview.input, dry_run: false },
          {
            requestedBy: actorOf(principal),
            tenant: principal.tenant,
            credentials: credentialsOf(principal),
            applyPreview: preview_id,
          },
        );
        jobId = view.job_id;
        return c.json(
          {
            job_id: view.job_id,
            status: 'queued' as const,
            job_type: view.job_type,
            ticket_keys: view.ticket_keys,
            status_url: `/jobs/${view.job_id}`,
            events_url: `/jobs/${view.job_id}/events`,
            preview_id,
          },
          202,
        );
      } finally {
        await previews.settle(preview_id, claim, jobId);
      }
    },
  );
}
