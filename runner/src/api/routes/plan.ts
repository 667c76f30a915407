/**
 * Planning routes beside the generation jobs (those come from generation.ts):
 * - POST /plan/tasks/team-based: the task_generation job under the spec's other path (same body);
 * - POST /plan/tests/story and /plan/tests/task: targeted test cases for one story or task;
 * - GET /plan/validate/{epic_key}: what the epic's plan in Jira is missing;
 * - POST /analyze/story-coverage: which acceptance criteria of a story its tasks and tests cover.
 * Forge calls these with a 25 s limit: the rule-based engine answers at once, a model only when one is
 * configured, and a model that runs out of time hands over to the rules.
 */
import { randomUUID } from 'node:crypto';
import {
  COVERAGE_RANGES,
  CoverageLevel,
  IssueKey,
  LlmProviderName,
  LlmTemperature,
  StoryCoverageRequest,
  TaskGenerationRequest,
  type TestCase,
  validateEpicPlan,
} from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { UsageRecord } from '../../adapters/llm/index.js';
import { storyCoverage } from '../../analysis/story-coverage.js';
import { validateRepos } from '../../code-aware/code-aware.js';
import { AppError } from '../../errors.js';
import { jobLlm, withUsage } from '../../jobs/job-llm.js';
import type { JobContext } from '../../jobs/types.js';
import { scrubSecrets } from '../../logger.js';
import { descriptionMarkdown } from '../../planning/adf-markdown.js';
import { loadEpicContext, readIssue, storyFromIssue } from '../../planning/epic-context.js';
import { generateStorySuite, type TestItem } from '../../planning/generate.js';
import { storyTestsOf, tasksFromIssues } from '../../planning/jira-plan.js';
import { parseTaskMarkdown } from '../../planning/markdown.js';
import { assertProviderUsable, type LlmChoice } from '../../planning/structured.js';
import type { App, AppDeps, AppEnv } from '../app.js';
import { credentialsOf, dispatchJob } from './generation.js';
import { jsonBody as body, ErrorBody, errorResponses, JobAccepted } from './schemas.js';
import { withTenantLlm } from './settings.js';

const tags = ['plan'];
const AnyJson = z.record(z.string(), z.unknown());
const json = (description: string) => ({ description, content: { 'application/json': { schema: AnyJson } } });
const notFound = {
  404: { description: 'No such issue', content: { 'application/json': { schema: ErrorBody } } },
};

/** How long a model may take inside a synchronous route before the rules answer instead. */
const MODEL_DEADLINE_MS = 18_000;

const llmFields = {
  llm_provider: LlmProviderName.optional(),
  llm_model: z.string().min(1).max(200).optional(),
  llm_temperature: LlmTemperature.optional(),
  additional_context: z.string().max(200_000).optional(),
};
/** These answer synchronously; async_mode is accepted for symmetry with the job endpoints, as false. */
const syncOnly = z
  .boolean()
  .default(false)
  .refine(
    (v) => v === false,
    'runs synchronously (it answers within seconds); leave async_mode out or false',
  );

const StoryTestsBody = z
  .object({
    story_key: IssueKey,
    coverage_level: CoverageLevel.default('standard'),
    async_mode: syncOnly,
    ...llmFields,
  })
  .strict();
const TaskTestsBody = z
  .object({
    task_key: IssueKey,
    coverage_level: CoverageLevel.default('standard'),
    async_mode: syncOnly,
    ...llmFields,
  })
  .strict();
/** A light job context for work done inside a request (usage recorded, the request's signal, a deadline). */
function requestContext(
  deps: AppDeps,
  c: Context<AppEnv>,
  deadlineMs?: number,
): JobContext & { usage: UsageRecord[] } {
  const usage: UsageRecord[] = [];
  const signals = [c.req.raw.signal, ...(deadlineMs ? [AbortSignal.timeout(deadlineMs)] : [])];
  const jobId = `request-${randomUUID()}`;
  return {
    jobId,
    attempt: 1,
    signal: AbortSignal.any(signals),
    progress: async () => {},
    log: deps.services.log.child({ request_id: c.get('requestId'), component: 'plan' }),
    services: deps.services,
    llm: jobLlm(deps.services.llm, usage),
    usage,
    tenant: c.get('principal').tenant,
    credentials: credentialsOf(c.get('principal')),
    enqueue: async () => {
      throw new AppError(400, 'async_required', 'this request cannot queue jobs', { field: 'async_mode' });
    },
  };
}

/**
 * Runs `work` with a model deadline; when the model runs out of time (and the caller is still waiting),
 * runs it again on the rule-based engine.
 */
async function withModelDeadline<T>(
  deps: AppDeps,
  c: Context<AppEnv>,
  choice: LlmChoice,
  work: (ctx: JobContext, choice: LlmChoice) => Promise<T>,
): Promise<{ out: T; usage: UsageRecord[]; deadline_hit: boolean }> {
  choice = withTenantLlm(deps, c.get('principal').tenant, choice);
  const ctx = requestContext(deps, c, MODEL_DEADLINE_MS);
  assertProviderUsable(ctx, choice);
  try {
    return { out: await work(ctx, choice), usage: ctx.usage, deadline_hit: false };
  } catch (err) {
    if (!ctx.signal.aborted || c.req.raw.signal.aborted) throw err;
    const rules = requestContext(deps, c);
    return {
      out: await work(rules, { ...choice, llm_provider: 'none' }),
      usage: rules.usage,
      deadline_hit: true,
    };
  }
}

function finish(deps: AppDeps, started: number, result: Record<string, unknown>, usage: UsageRecord[]) {
  const clean = JSON.parse(scrubSecrets(JSON.stringify(withUsage(result, usage)), deps.services.secrets));
  return { ...clean, execution_time_ms: Math.round(performance.now() - started) };
}

export function registerPlanRoutes(app: App, deps: AppDeps) {
  const clientsOf = (c: Context<AppEnv>) => deps.services.atlassian(credentialsOf(c.get('principal')));

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan/tasks/team-based',
      tags,
      summary: 'Team-based tasks (backend, frontend, QA) with dependencies, estimates and test cases',
      description:
        'The task_generation job (same body as POST /plan/tasks/generate). With `async_mode: true` it is queued ' +
        'and the answer is 202 with the job id.',
      request: { body: body(TaskGenerationRequest) },
      responses: {
        200: json('Result (synchronous mode)'),
        202: { description: 'Job queued', content: { 'application/json': { schema: JobAccepted } } },
        409: {
          description: 'A task generation job is already running for one of the stories',
          content: { 'application/json': { schema: ErrorBody } },
        },
        ...notFound,
        ...errorResponses,
      },
    }),
    // The same work as POST /plan/tasks/generate: one job type, queued or inline.
    (c) => dispatchJob(c, deps, 'task_generation', c.req.valid('json')) as Promise<never>,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan/tests/story',
      tags,
      summary: 'Targeted test cases for one story (acceptance, e2e and the domain/context cases)',
      request: { body: body(StoryTestsBody) },
      responses: { 200: json('Test cases'), ...notFound, ...errorResponses },
    }),
    async (c) => {
      const started = performance.now();
      const input = c.req.valid('json');
      const { jira } = clientsOf(c);
      const issue = await readIssue(jira, input.story_key, 'story_key');
      const story = storyFromIssue(issue);
      const item: TestItem = {
        key: issue.key,
        title: story.title,
        description: story.description,
        acceptance_criteria: story.acceptance_criteria,
      };
      const { out, usage, deadline_hit } = await withModelDeadline(deps, c, input, (ctx, choice) =>
        generateStorySuite(ctx, item, [], { coverage_level: input.coverage_level }, choice),
      );
      return c.json(
        finish(
          deps,
          started,
          {
            story_key: issue.key,
            title: story.title,
            coverage_level: input.coverage_level,
            tests_per_item: COVERAGE_RANGES[input.coverage_level],
            engine: out.engine,
            ...(out.fallback_reason ? { fallback_reason: out.fallback_reason } : {}),
            ...(deadline_hit ? { note: 'the model took too long; the rule-based engine answered' } : {}),
            domains: out.domains,
            technical_contexts: out.contexts,
            acceptance_criteria: story.acceptance_criteria,
            test_cases: out.story_test_cases,
            tests_added_by_rules: out.tests_added_by_rules ?? [],
            llm: out.llm ?? null,
          },
          usage,
        ),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan/tests/task',
      tags,
      summary: 'Technical test cases for one task (unit, integration, UI, performance, security)',
      request: { body: body(TaskTestsBody) },
      responses: { 200: json('Test cases'), ...notFound, ...errorResponses },
    }),
    async (c) => {
      const started = performance.now();
      const input = c.req.valid('json');
      const { jira } = clientsOf(c);
      const issue = await readIssue(jira, input.task_key, 'task_key');
      const parsed = parseTaskMarkdown(descriptionMarkdown(issue));
      const [task] = tasksFromIssues([issue]);
      const parent = issue.parentKey ? await jira.getIssue(issue.parentKey).catch(() => null) : null;
      const story = parent && !/epic/i.test(parent.issueType) ? storyFromIssue(parent) : null;
      const item: TestItem = {
        key: issue.key,
        title: issue.summary,
        description: parsed.body,
        // A task without its own criteria is tested against its story's.
        acceptance_criteria:
          parsed.covers_criteria.length > 0 ? parsed.covers_criteria : (story?.acceptance_criteria ?? []),
        team: task!.team,
      };
      const storyItem: TestItem | null = story
        ? {
            key: parent!.key,
            title: story.title,
            description: story.description,
            acceptance_criteria: story.acceptance_criteria,
          }
        : null;
      const { out, usage, deadline_hit } = await withModelDeadline(deps, c, input, (ctx, choice) =>
        storyItem
          ? generateStorySuite(ctx, storyItem, [item], { coverage_level: input.coverage_level }, choice)
          : generateStorySuite(ctx, item, [], { coverage_level: input.coverage_level }, choice),
      );
      const cases: TestCase[] = storyItem ? (out.task_test_cases.get(item.key) ?? []) : out.story_test_cases;
      return c.json(
        finish(
          deps,
          started,
          {
            task_key: issue.key,
            summary: issue.summary,
            team: item.team ?? null,
            story_key: storyItem?.key ?? null,
            coverage_level: input.coverage_level,
            tests_per_item: COVERAGE_RANGES[input.coverage_level],
            engine: out.engine,
            ...(out.fallback_reason ? { fallback_reason: out.fallback_reason } : {}),
            ...(deadline_hit ? { note: 'the model took too long; the rule-based engine answered' } : {}),
            domains: out.domains,
            technical_contexts: out.contexts,
            test_cases: cases,
            tests_added_by_rules: (out.tests_added_by_rules ?? []).filter((a) => a.item === item.key),
            llm: out.llm ?? null,
          },
          usage,
        ),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/plan/validate/{epic_key}',
      tags,
      summary: "What an epic's plan is missing: criteria, tasks, tests, coverage, dependencies",
      request: { params: z.object({ epic_key: IssueKey }) },
      responses: { 200: json('Validation'), ...notFound, ...errorResponses },
    }),
    async (c) => {
      const started = performance.now();
      const { epic_key } = c.req.valid('param');
      const epic = await loadEpicContext(clientsOf(c), epic_key, { includeTasks: true, includePages: false });
      const stories = epic.stories.map((s) => s.story);
      const tasks = tasksFromIssues(epic.tasks);
      const validation = validateEpicPlan(
        { key: epic.epic.key, summary: epic.epic.summary, description: epic.description },
        stories,
        tasks,
        epic.stories.map((s) => ({ story_key: s.issue.key, test_cases: storyTestsOf(s.issue) })),
      );
      return c.json(
        {
          ...validation,
          epic_key: epic.epic.key,
          summary: epic.epic.summary,
          execution_time_ms: Math.round(performance.now() - started),
        } as Record<string, unknown>,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/analyze/story-coverage',
      tags: ['analyze'],
      summary: 'Which acceptance criteria of a story its tasks and tests cover, and what is missing',
      description:
        'Rule-based tracing over the story and its tasks in Jira. With `repos` (and OpenCode enabled) the ' +
        'repositories are also read for evidence that each criterion is implemented; that can take minutes, ' +
        'so send `async_mode: true`: the analysis is queued as a `story_coverage` job (202 with the job id).',
      request: { body: body(StoryCoverageRequest) },
      responses: {
        200: json('Coverage'),
        202: { description: 'Job queued', content: { 'application/json': { schema: JobAccepted } } },
        409: {
          description: 'A coverage job is already running for the story',
          content: { 'application/json': { schema: ErrorBody } },
        },
        ...notFound,
        ...errorResponses,
      },
    }),
    async (c) => {
      const started = performance.now();
      const { async_mode, ...input } = c.req.valid('json');
      if (async_mode) {
        return dispatchJob(c, deps, 'story_coverage', { ...input, async_mode }) as Promise<never>;
      }
      if (input.repos) validateRepos(deps.services, input.repos);
      const ctx = requestContext(deps, c);
      const result = await storyCoverage(ctx, input);
      return c.json(finish(deps, started, result, ctx.usage), 200);
    },
  );
}
