/**
 * The sprint routes besides the two planning jobs (POST /sprint/plan/epic and /sprint/timeline come from
 * generation.ts): stored timelines, board sprints, one sprint, its issues, manual assignment, create and
 * update. Writes default to `dry_run: true`.
 *
 * Static paths are registered before `/sprint/{sprint_id}`, and sprint ids must be positive integers, so
 * `/sprint/board/...`, `/sprint/timeline/...` and `/sprint/create` never read as a sprint id.
 */
import {
  detectTeam,
  estimateOf,
  IssueKey,
  isoDateTimeToMs,
  isoDateToDayNumber,
  renderTextGantt,
  renderTimelineHtml,
} from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AtlassianError } from '../../adapters/http/index.js';
import type { JiraClient, JiraIssue, JiraSprint } from '../../adapters/jira/index.js';
import { AppError } from '../../errors.js';
import { sprintEnd, sprintStart } from '../../jobs/processors/sprint-planning.js';
import type { App, AppDeps, AppEnv } from '../app.js';
import { credentialsOf } from './generation.js';
import {
  jsonBody as body,
  errorResponses,
  jsonContent as json,
  notFoundResponse as notFound,
} from './schemas.js';

const tags = ['sprint'];

const SprintState = z.enum(['future', 'active', 'closed']);
const SprintIdParam = z.object({ sprint_id: z.coerce.number().int().positive() });
const BoardIdParam = z.object({ board_id: z.coerce.number().int().positive() });

/**
 * A date (YYYY-MM-DD, sent as 09:00 UTC for a start and 17:00 UTC for an end) or an ISO date-time with a
 * zone. Checked strictly: a day that is not on the calendar (30 February) or an hour 25 is refused, never
 * rolled over or sent on to Jira.
 */
const SprintDate = z
  .string()
  .trim()
  .max(40, 'must be a date YYYY-MM-DD or an ISO date-time such as 2027-01-04T09:00:00Z')
  .refine(
    (s) => isoDateToDayNumber(s) !== null || isoDateTimeToMs(s) !== null,
    'must be a date YYYY-MM-DD or an ISO date-time such as 2027-01-04T09:00:00Z',
  );
/** Jira's form of a checked date; undefined for no date (or, in the body refinement, one that failed its check). */
const toJiraDate = (value: string | undefined, end: boolean): string | undefined => {
  if (value === undefined) return undefined;
  if (isoDateToDayNumber(value) !== null) return end ? sprintEnd(value) : sprintStart(value);
  const ms = isoDateTimeToMs(value);
  return ms === null ? undefined : new Date(ms).toISOString();
};
/** The order of the two dates, checked only when both passed their own checks (those name the field first). */
const endsBeforeStart = (v: { start_date?: unknown; end_date?: unknown }) => {
  if (typeof v.start_date !== 'string' || typeof v.end_date !== 'string') return false;
  const start = toJiraDate(v.start_date.trim(), false);
  const end = toJiraDate(v.end_date.trim(), true);
  return start !== undefined && end !== undefined && end < start;
};

const SprintName = z.string().trim().min(1).max(30, 'Jira allows at most 30 characters');

const SprintView = z.object({
  id: z.number(),
  name: z.string(),
  state: SprintState,
  board_id: z.number().nullable(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  complete_date: z.string().nullable(),
  goal: z.string().nullable(),
});
const sprintView = (s: JiraSprint): z.infer<typeof SprintView> => ({
  id: s.id,
  name: s.name,
  state: s.state,
  board_id: s.boardId,
  start_date: s.startDate,
  end_date: s.endDate,
  complete_date: s.completeDate,
  goal: s.goal,
});

const IssueView = z.object({
  key: z.string(),
  summary: z.string(),
  issue_type: z.string(),
  status: z.string(),
  status_category: z.string().nullable(),
  labels: z.array(z.string()),
  parent_key: z.string().nullable(),
  assignee: z.string().nullable(),
  story_points: z.number().nullable(),
  estimate_days: z.number(),
  estimate_source: z.string(),
  team: z.string(),
});
const issueView = (i: JiraIssue): z.infer<typeof IssueView> => {
  const estimate = estimateOf(i);
  return {
    key: i.key,
    summary: i.summary,
    issue_type: i.issueType,
    status: i.status,
    status_category: i.statusCategory,
    labels: i.labels,
    parent_key: i.parentKey,
    assignee: i.assignee?.displayName ?? null,
    story_points: i.storyPoints,
    estimate_days: estimate.days,
    estimate_source: estimate.source,
    team: detectTeam(i).team,
  };
};

const MoveBody = z
  .object({
    issue_keys: z.array(IssueKey).min(1).max(500),
    dry_run: z.boolean().default(true),
  })
  .strict();
const MoveBase = z.object({
  sprint_id: z.number(),
  sprint_name: z.string(),
  /** assign: already in the sprint; remove: not in this sprint (left where they are). */
  unchanged: z.array(z.string()),
});
/** A dry run says what would move, a real run what moved: a preview never reads as if it had happened. */
const MoveResult = z.discriminatedUnion('dry_run', [
  MoveBase.extend({
    dry_run: z.literal(true),
    /** assign: would move into the sprint; remove: would move to the backlog. */
    would_move: z.array(z.string()),
  }),
  MoveBase.extend({
    dry_run: z.literal(false),
    /** assign: moved into the sprint; remove: moved to the backlog. */
    moved: z.array(z.string()),
  }),
]);

const CreateBody = z
  .object({
    board_id: z.number().int().positive(),
    name: SprintName,
    start_date: SprintDate.optional(),
    end_date: SprintDate.optional(),
    goal: z.string().max(2000).optional(),
    dry_run: z.boolean().default(true),
  })
  .strict()
  .refine((v) => !endsBeforeStart(v), { message: 'must not be before start_date', path: ['end_date'] });
const CreateResult = z.object({
  dry_run: z.boolean(),
  /** created / reused (a sprint of that name already on the board) / would_create / would_reuse */
  action: z.enum(['created', 'reused', 'would_create', 'would_reuse']),
  sprint: SprintView.partial().extend({ name: z.string() }),
});

const UpdateBody = z
  .object({
    name: SprintName,
    start_date: SprintDate,
    end_date: SprintDate,
    goal: z.string().max(2000),
    state: SprintState,
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one field is required', path: ['body'] })
  .refine((v) => !endsBeforeStart(v), { message: 'must not be before start_date', path: ['end_date'] });

const TimelineView = z.object({
  epic_key: z.string(),
  timeline_id: z.number(),
  created_at: z.string(),
  versions: z.number(),
  start_date: z.string(),
  sprint_duration_days: z.number(),
  plan: z.record(z.string(), z.unknown()),
  details: z.record(z.string(), z.unknown()),
});

/** Issues not found in Jira, checked one by one so the answer can name each of them. */
async function missingIssues(jira: JiraClient, keys: string[]): Promise<string[]> {
  const results = await Promise.all(
    keys.map(async (key) => {
      try {
        await jira.getIssue(key, { fields: ['summary'] });
        return null;
      } catch (err) {
        if (err instanceof AtlassianError && err.code === 'not_found') return key;
        throw err;
      }
    }),
  );
  return results.filter((k): k is string => k !== null);
}

export function registerSprintRoutes(app: App, deps: AppDeps) {
  const jiraOf = (c: Context<AppEnv>) => deps.services.atlassian(credentialsOf(c.get('principal'))).jira;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sprint/board/{board_id}/sprints',
      tags,
      summary: "A board's sprints, optionally only some states",
      request: {
        params: BoardIdParam,
        query: z.object({
          state: z
            .string()
            .regex(
              /^(future|active|closed)(,(future|active|closed))*$/,
              'comma-separated states: future, active, closed',
            )
            .optional(),
        }),
      },
      responses: {
        200: json(
          z.object({ board_id: z.number(), sprints: z.array(SprintView), total: z.number() }),
          'Sprints',
        ),
        ...notFound('board'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { board_id } = c.req.valid('param');
      const { state } = c.req.valid('query');
      const states = state?.split(',') as JiraSprint['state'][] | undefined;
      const sprints = (await jiraOf(c).getBoardSprints(board_id, { states })).map(sprintView);
      return c.json({ board_id, sprints, total: sprints.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sprint/timeline/{epic_key}',
      tags,
      summary: "The epic's stored timeline (newest); format=html for a page, format=text for a text Gantt",
      request: {
        params: z.object({ epic_key: IssueKey }),
        query: z.object({ format: z.enum(['json', 'html', 'text']).default('json') }),
      },
      responses: {
        200: {
          description: 'The timeline',
          content: {
            'application/json': { schema: TimelineView },
            'text/html': { schema: z.string() },
            'text/plain': { schema: z.string() },
          },
        },
        ...notFound('timeline'),
        ...errorResponses,
      },
    }),
    // biome-ignore lint/suspicious/noExplicitAny: three content types; the typed helper knows only one per status
    async (c): Promise<any> => {
      const { epic_key } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const stored = deps.services.timelines.latest(c.get('principal').tenant, epic_key);
      if (!stored) {
        throw new AppError(
          404,
          'not_found',
          `no timeline stored for ${epic_key}: run POST /sprint/timeline with "dry_run": false first`,
          { field: 'epic_key' },
        );
      }
      if (format === 'html') return c.html(renderTimelineHtml(stored.plan, stored.input), 200);
      if (format === 'text') return c.text(renderTextGantt(stored.plan, stored.input), 200);
      return c.json(
        {
          epic_key,
          timeline_id: stored.id,
          created_at: stored.created_at,
          versions: deps.services.timelines.count(c.get('principal').tenant, epic_key),
          start_date: stored.input.start_date,
          sprint_duration_days: stored.input.sprint_duration_days,
          plan: stored.plan,
          details: stored.meta,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sprint/create',
      tags,
      summary: 'Create a sprint on a board (reuses a sprint of the same name; dry_run by default)',
      request: { body: body(CreateBody) },
      responses: {
        200: json(CreateResult, 'Preview, or an existing sprint reused'),
        201: json(CreateResult, 'Created'),
        ...notFound('board'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const jira = jiraOf(c);
      const sprint = {
        boardId: input.board_id,
        name: input.name,
        startDate: toJiraDate(input.start_date, false),
        endDate: toJiraDate(input.end_date, true),
        goal: input.goal,
      };
      if (input.dry_run) {
        const existing = (await jira.getBoardSprints(input.board_id)).find((s) => s.name === input.name);
        return c.json(
          existing
            ? { dry_run: true, action: 'would_reuse' as const, sprint: sprintView(existing) }
            : {
                dry_run: true,
                action: 'would_create' as const,
                sprint: {
                  name: input.name,
                  state: 'future' as const,
                  board_id: input.board_id,
                  start_date: sprint.startDate ?? null,
                  end_date: sprint.endDate ?? null,
                  goal: input.goal ?? null,
                },
              },
          200,
        );
      }
      const { created, ...made } = await jira.createSprintOnce(sprint);
      const out = { dry_run: false, action: created ? ('created' as const) : ('reused' as const) };
      return created
        ? c.json({ ...out, sprint: sprintView(made) }, 201)
        : c.json({ ...out, sprint: sprintView(made) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sprint/{sprint_id}',
      tags,
      summary: 'One sprint',
      request: { params: SprintIdParam },
      responses: { 200: json(SprintView, 'Sprint'), ...notFound('sprint'), ...errorResponses },
    }),
    async (c) => c.json(sprintView(await jiraOf(c).getSprint(c.req.valid('param').sprint_id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sprint/{sprint_id}',
      tags,
      summary: 'Update a sprint (only the fields given; state future -> active -> closed)',
      request: { params: SprintIdParam, body: body(UpdateBody) },
      responses: { 200: json(SprintView, 'Updated'), ...notFound('sprint'), ...errorResponses },
    }),
    async (c) => {
      const { sprint_id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const updated = await jiraOf(c).updateSprint(sprint_id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.start_date !== undefined ? { startDate: toJiraDate(patch.start_date, false) } : {}),
        ...(patch.end_date !== undefined ? { endDate: toJiraDate(patch.end_date, true) } : {}),
        ...(patch.goal !== undefined ? { goal: patch.goal } : {}),
        ...(patch.state !== undefined ? { state: patch.state } : {}),
      });
      return c.json(sprintView(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sprint/{sprint_id}/issues',
      tags,
      summary: 'The issues of a sprint, with team and estimate in days',
      request: { params: SprintIdParam },
      responses: {
        200: json(
          z.object({
            sprint: SprintView,
            issues: z.array(IssueView),
            total: z.number(),
            estimate_days: z.number(),
          }),
          'Issues',
        ),
        ...notFound('sprint'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { sprint_id } = c.req.valid('param');
      const jira = jiraOf(c);
      const sprint = await jira.getSprint(sprint_id);
      const issues = (await jira.getSprintIssues(sprint_id, { fields: ['components'] })).map(issueView);
      const total = Math.round(issues.reduce((s, i) => s + i.estimate_days, 0) * 100) / 100;
      return c.json({ sprint: sprintView(sprint), issues, total: issues.length, estimate_days: total }, 200);
    },
  );

  for (const mode of ['assign', 'remove'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/sprint/{sprint_id}/${mode}`,
        tags,
        summary:
          mode === 'assign'
            ? 'Move issues into a sprint (dry_run by default)'
            : 'Move issues of this sprint back to the backlog (dry_run by default)',
        request: { params: SprintIdParam, body: body(MoveBody) },
        responses: {
          200: json(MoveResult, 'What moved (or would move)'),
          ...notFound('sprint or issue'),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { sprint_id } = c.req.valid('param');
        const { issue_keys, dry_run } = c.req.valid('json');
        const keys = [...new Set(issue_keys)];
        const jira = jiraOf(c);
        const sprint = await jira.getSprint(sprint_id);
        const current = new Set(
          (await jira.getSprintIssues(sprint_id, { fields: ['summary'] })).map((i) => i.key),
        );
        const missing = await missingIssues(
          jira,
          keys.filter((k) => !current.has(k)),
        );
        if (missing.length > 0) {
          throw new AppError(404, 'not_found', `issues not found in Jira: ${missing.join(', ')}`, {
            field: 'issue_keys',
            missing,
          });
        }
        // remove only touches issues of this sprint: moving any other to the backlog would pull it out of its own sprint.
        const toMove = keys.filter((k) => (mode === 'assign' ? !current.has(k) : current.has(k)));
        const unchanged = keys.filter((k) => !toMove.includes(k));
        if (mode === 'assign' && toMove.length > 0 && sprint.state === 'closed') {
          throw new AppError(
            409,
            'sprint_closed',
            `sprint ${sprint_id} is closed: issues cannot move into it`,
            {
              field: 'sprint_id',
            },
          );
        }
        const base = { sprint_id, sprint_name: sprint.name, unchanged };
        if (dry_run) return c.json({ ...base, dry_run: true as const, would_move: toMove }, 200);
        if (toMove.length > 0) {
          if (mode === 'assign') await jira.moveIssuesToSprint(sprint_id, toMove);
          else await jira.moveIssuesToBacklog(toMove);
        }
        return c.json({ ...base, dry_run: false as const, moved: toMove }, 200);
      },
    );
  }
}
