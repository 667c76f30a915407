import { z } from '@hono/zod-openapi';

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const JobViewSchema = z.object({
  job_id: z.string(),
  job_type: z.string(),
  status: z.enum(['waiting', 'active', 'completed', 'failed', 'cancelled', 'delayed']),
  progress: z.object({
    stage: z.string(),
    percent: z.number(),
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
  result: z.unknown(),
  error: z.string().nullable(),
  ticket_keys: z.array(z.string()),
  /** Who started the job: `forge:<account id>` for a Forge user, else the API key's id. */
  requested_by: z.string().nullable(),
  attempts_made: z.number(),
  max_attempts: z.number(),
  dry_run: z.boolean().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export const JobAccepted = z.object({
  job_id: z.string(),
  status: z.literal('queued'),
  job_type: z.string(),
  ticket_keys: z.array(z.string()),
  status_url: z.string(),
  events_url: z.string(),
});

export const errorResponses = {
  400: {
    description: 'Invalid request; the error names the field',
    content: { 'application/json': { schema: ErrorBody } },
  },
  401: { description: 'Missing or bad credentials', content: { 'application/json': { schema: ErrorBody } } },
} as const;

/** A JSON response entry for `createRoute`. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body for `createRoute`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** A 404 response entry naming what was not found. */
export const notFoundResponse = (what: string) => ({ 404: jsonContent(ErrorBody, `No such ${what}`) });
