/**
 * Read-only planning views and coverage follow-ups: epic analysis, a ticket's estimate per team, a
 * story's readiness, turning a coverage gap into a new or extended task, and context-aware task tests.
 * Writes default to `dry_run: true`.
 */
import {
  ContextAwareTaskTestsRequest,
  CoverageCreateTaskRequest,
  CoverageUpdateTaskRequest,
  IssueKey,
} from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { UsageRecord } from '../../adapters/llm/index.js';
import { analyzeEpic } from '../../analysis/analyze-epic.js';
import { contextAwareTaskTests } from '../../analysis/context-aware-tests.js';
import { createCoverageTask, updateCoverageTask } from '../../analysis/coverage-follow-ups.js';
import { ticketEstimate, ticketReadiness } from '../../analysis/ticket-insights.js';
import { jobLlm, withUsage } from '../../jobs/job-llm.js';
import type { App, AppDeps, AppEnv } from '../app.js';
import { credentialsOf } from './generation.js';
import {
  jsonBody as body,
  ErrorBody,
  errorResponses,
  jsonContent as json,
  notFoundResponse as notFound,
} from './schemas.js';

const Any = z.record(z.string(), z.unknown());

const ReadinessReason = z.object({
  signal: z.string(),
  points: z.number(),
  max_points: z.number(),
  message: z.string(),
});
const ReadinessView = z.object({
  ticket_key: z.string(),
  summary: z.string(),
  issue_type: z.string(),
  score: z.number(),
  level: z.enum(['ready', 'needs_work', 'not_ready']),
  reasons: z.array(ReadinessReason),
  acceptance_criteria: z.array(z.string()),
  suggestions: z.array(z.string()),
});
const EstimateView = z
  .object({
    ticket_key: z.string(),
    summary: z.string(),
    total_effort_days: z.number(),
    cycle_time_days: z.number(),
    complexity: z.string(),
    factor: z.number(),
    per_team: z.array(
      z.object({
        team: z.string(),
        effort_days: z.number(),
        tasks: z.number(),
        factor: z.number(),
        task_summaries: z.array(z.string()),
      }),
    ),
    reasons: z.array(z.string()),
  })
  .loose();
const CoverageTaskView = z
  .object({
    dry_run: z.boolean(),
    story_key: z.string(),
    criterion: z.string(),
    action: z.string(),
    task: z.object({ key: z.string().nullable(), summary: z.string(), team: z.string() }).loose(),
    test_cases: z.array(Any),
    coverage_before: Any,
    coverage_after: Any,
  })
  .loose();

export function registerPlanAnalysisRoutes(app: App, deps: AppDeps) {
  const clientsOf = (c: Context<AppEnv>) => deps.services.atlassian(credentialsOf(c.get('principal')));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plan/epic/{epic_key}/analyze',
      tags: ['plan'],
      summary:
        'What an epic has and lacks: stories, tasks per team, tests, estimates, missing criteria, unlinked dependencies, readiness',
      request: { params: z.object({ epic_key: IssueKey }) },
      responses: { 200: json(Any, 'The analysis'), ...notFound('epic'), ...errorResponses },
    }),
    async (c) => {
      const out = await analyzeEpic(clientsOf(c), c.req.valid('param').epic_key);
      return c.json(out as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plan/estimate/{ticket_key}',
      tags: ['plan'],
      summary: 'Cycle-time estimate of a ticket per team, with the complexity signals behind it',
      description:
        'Computed from the same task breakdown as team-based task generation, so the two agree; `planned` sums the tasks already under the ticket.',
      request: { params: z.object({ ticket_key: IssueKey }) },
      responses: { 200: json(EstimateView, 'The estimate'), ...notFound('ticket'), ...errorResponses },
    }),
    async (c) => c.json(await ticketEstimate(clientsOf(c).jira, c.req.valid('param').ticket_key), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plan/readiness/{ticket_key}',
      tags: ['plan'],
      summary: 'Readiness of a story for generation: a 0-100 score with the reasons and what to fix',
      request: { params: z.object({ ticket_key: IssueKey }) },
      responses: { 200: json(ReadinessView, 'The readiness'), ...notFound('ticket'), ...errorResponses },
    }),
    async (c) => c.json(await ticketReadiness(clientsOf(c).jira, c.req.valid('param').ticket_key), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/analyze/story-coverage/create-task',
      tags: ['analyze'],
      summary:
        'Turn a coverage gap (an acceptance criterion) into a new task under the story (dry_run by default)',
      request: { body: body(CoverageCreateTaskRequest) },
      responses: {
        200: json(CoverageTaskView, 'Preview, or the task that already existed'),
        201: json(CoverageTaskView, 'Created'),
        ...notFound('story or criterion'),
        409: json(ErrorBody, 'The criterion is already covered'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const out = await createCoverageTask(clientsOf(c), c.req.valid('json'));
      return out.action === 'created' ? c.json(out, 201) : c.json(out, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/analyze/story-coverage/update-task',
      tags: ['analyze'],
      summary: "Append a coverage gap's criterion and test cases to a task of the story (dry_run by default)",
      request: { body: body(CoverageUpdateTaskRequest) },
      responses: {
        200: json(CoverageTaskView, 'Changes made or previewed'),
        ...notFound('story, task or criterion'),
        409: json(ErrorBody, 'The criterion is already covered, or no task is close to it'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await updateCoverageTask(clientsOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan/tests/task/context-aware',
      tags: ['plan'],
      summary:
        "Test cases for a task using its story, sibling tasks and the epic's PRD/RFC (dry_run by default)",
      request: { body: body(ContextAwareTaskTestsRequest) },
      responses: { 200: json(Any, 'The test cases'), ...notFound('task or story'), ...errorResponses },
    }),
    async (c) => {
      const usage: UsageRecord[] = [];
      const out = await contextAwareTaskTests(
        { llm: jobLlm(deps.services.llm, usage), signal: c.req.raw.signal, log: deps.services.log },
        clientsOf(c),
        c.req.valid('json'),
      );
      return c.json(withUsage(out, usage) as Record<string, unknown>, 200);
    },
  );
}
