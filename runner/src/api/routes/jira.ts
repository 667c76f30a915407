/**
 * Direct Jira operations: create and update tickets and stories, one at a time or in bulk. Writes
 * default to `dry_run: true` (a preview of what would be written, nothing written). Bulk calls answer
 * 200 with a status per item: one item failing does not fail the others.
 */
import {
  BulkCreateStoriesRequest,
  BulkCreateTasksRequest,
  BulkUpdateStoriesRequest,
  CreateStoryTicketRequest,
  CreateTicketRequest,
  UpdateStoryTicketRequest,
  UpdateTicketRequest,
} from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bulkCreateTasks } from '../../jira-ops/bulk-create-tasks.js';
import {
  bulkCreateStories,
  bulkUpdateStories,
  createStory,
  createTicket,
  type JiraOpsContext,
  updateStory,
  updateTicket,
} from '../../jira-ops/jira-operations.js';
import { jiraSiteUrl } from '../../prd-sync/prd-write-back.js';
import type { App, AppDeps, AppEnv } from '../app.js';
import { credentialsOf } from './generation.js';
import {
  jsonBody as body,
  errorResponses,
  jsonContent as json,
  notFoundResponse as notFound,
} from './schemas.js';

const tags = ['jira'];

const PrdReport = z
  .object({ status: z.string(), reason: z.string().optional(), prd_url: z.string().optional() })
  .loose();

const CreateResult = z
  .object({
    dry_run: z.boolean(),
    action: z.enum(['created', 'existing', 'would_create', 'would_reuse']),
    key: z.string().nullable(),
    url: z.string().nullable(),
    issue: z.record(z.string(), z.unknown()),
    description_markdown: z.string(),
    description_adf: z.unknown(),
    prd: PrdReport.optional(),
  })
  .loose();

const UpdateResult = z
  .object({
    dry_run: z.boolean(),
    action: z.enum(['updated', 'unchanged', 'would_update', 'would_leave']),
    key: z.string(),
    url: z.string().nullable(),
    changes: z.array(z.string()),
    summary: z.string(),
    description_markdown: z.string(),
    description_adf: z.unknown(),
    prd: PrdReport.optional(),
  })
  .loose();

const BulkResult = z
  .object({
    dry_run: z.boolean(),
    status: z.enum(['completed', 'partial', 'failed']),
    counts: z.record(z.string(), z.number()),
    items: z.array(
      z
        .object({
          index: z.number(),
          status: z.enum(['ok', 'error']),
          error: z
            .object({
              code: z.string(),
              status: z.number(),
              message: z.string(),
              field: z.string().optional(),
            })
            .optional(),
        })
        .loose(),
    ),
  })
  .loose();

export function registerJiraRoutes(app: App, deps: AppDeps) {
  const opsOf = (c: Context<AppEnv>): JiraOpsContext => {
    const credentials = credentialsOf(c.get('principal'));
    return {
      clients: deps.services.atlassian(credentials),
      siteUrl: (confluenceUrl) => jiraSiteUrl(deps.services.env, credentials, confluenceUrl),
    };
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/create-ticket',
      tags,
      summary: 'Create a ticket with generated content (idempotent; dry_run by default)',
      request: { body: body(CreateTicketRequest) },
      responses: {
        200: json(CreateResult, 'Preview, or the ticket that already existed'),
        201: json(CreateResult, 'Created'),
        ...notFound('parent'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const out = await createTicket(opsOf(c), c.req.valid('json'));
      return out.action === 'created' ? c.json(out, 201) : c.json(out, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/update-ticket',
      tags,
      summary: 'Update a ticket: summary, labels, estimate, and description sections (dry_run by default)',
      description:
        'Given content replaces the matching part of the description (the prose, "Acceptance criteria", ' +
        '"Technical notes", "Test cases") and keeps the rest; `description_mode: "append"` adds it instead.',
      request: { body: body(UpdateTicketRequest) },
      responses: {
        200: json(UpdateResult, 'Changes made or previewed'),
        ...notFound('ticket'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await updateTicket(opsOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/create-story-ticket',
      tags,
      summary: "Create a story under an epic and link it in the epic's PRD table (dry_run by default)",
      request: { body: body(CreateStoryTicketRequest) },
      responses: {
        200: json(CreateResult, 'Preview, or the story that already existed'),
        201: json(CreateResult, 'Created'),
        ...notFound('epic'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const out = await createStory(opsOf(c), c.req.valid('json'));
      return out.action === 'created' ? c.json(out, 201) : c.json(out, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/update-story-ticket',
      tags,
      summary: "Update a story and link it in its epic's PRD table (dry_run by default)",
      request: { body: body(UpdateStoryTicketRequest) },
      responses: {
        200: json(UpdateResult, 'Changes made or previewed'),
        ...notFound('story or epic'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await updateStory(opsOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/bulk-create-stories',
      tags,
      summary: 'Create many stories under an epic, linked in its PRD table; a result per story',
      request: { body: body(BulkCreateStoriesRequest) },
      responses: { 200: json(BulkResult, 'One result per story'), ...notFound('epic'), ...errorResponses },
    }),
    async (c) => c.json(await bulkCreateStories(opsOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/bulk-update-stories',
      tags,
      summary: "Update many stories, linked in their epics' PRD tables; a result per story",
      request: { body: body(BulkUpdateStoriesRequest) },
      responses: { 200: json(BulkResult, 'One result per story'), ...errorResponses },
    }),
    async (c) => c.json(await bulkUpdateStories(opsOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/jira/bulk-create-tasks',
      tags,
      summary: 'Create many tasks under their stories, with Blocks links for depends_on; a result per task',
      request: { body: body(BulkCreateTasksRequest) },
      responses: { 200: json(BulkResult, 'One result per task'), ...errorResponses },
    }),
    async (c) => c.json(await bulkCreateTasks(opsOf(c), c.req.valid('json')), 200),
  );
}
