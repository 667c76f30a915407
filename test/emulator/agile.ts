/** Jira Agile 1.0: boards, sprints (list/create/get/update), sprint issues, moves to sprint and backlog. */
import {
  asObject,
  type Ctx,
  intParam,
  jiraError,
  listParam,
  ok,
  type Reply,
  requireWrite,
} from './http-kit.js';
import { findIssue, isSubtask, moveToSprint, renderIssue, runJql, sprintJson } from './jira.js';
import type { EmuBoard, EmuIssue, EmuSprint, SprintState } from './state.js';

const MAX_MOVE = 50;
const NO_BOARD =
  'The requested board cannot be viewed because it either does not exist or you do not have permission to view it.';

function mustBoard(ctx: Ctx, id: string): EmuBoard {
  const b = ctx.state.boards.find((x) => String(x.id) === id);
  if (!b) throw jiraError(404, [NO_BOARD]);
  return b;
}

function mustSprint(ctx: Ctx, id: string): EmuSprint {
  const s = /^\d+$/.test(id) ? ctx.state.sprints.get(Number(id)) : undefined;
  if (!s)
    throw jiraError(404, [`Sprint with id ${id} does not exist or you do not have permission to see it.`]);
  return s;
}

function boardJson(ctx: Ctx, b: EmuBoard) {
  const p = ctx.state.projects.find((x) => x.key === b.projectKey);
  return {
    id: b.id,
    self: `${ctx.baseUrl}/rest/agile/1.0/board/${b.id}`,
    name: b.name,
    type: b.type,
    location: p
      ? {
          projectId: Number(p.id),
          displayName: `${p.name} (${p.key})`,
          projectName: p.name,
          projectKey: p.key,
          projectTypeKey: 'software',
          name: `${p.name} (${p.key})`,
        }
      : undefined,
  };
}

function page<T>(items: T[], startAt: number, maxResults: number) {
  const values = items.slice(startAt, startAt + maxResults);
  return { maxResults, startAt, isLast: startAt + values.length >= items.length, values };
}

function isoOrError(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v)))
    throw jiraError(400, [], { [field]: `Invalid date format for ${field}.` });
  return new Date(v).toISOString();
}

function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw jiraError(400, [], { name: 'The sprint name is required.' });
  if (name.length > 30) throw jiraError(400, [], { name: 'The sprint name must not exceed 30 characters.' });
  return name;
}

function updateSprint(ctx: Ctx, s: EmuSprint, body: Record<string, unknown>, full: boolean): Reply {
  requireWrite(ctx, 'You do not have permission to manage sprints.');
  const next: EmuSprint = { ...s };
  if (body.name !== undefined || full) next.name = validateName(body.name ?? s.name);
  if (body.goal !== undefined) next.goal = String(body.goal ?? '');
  if (body.startDate !== undefined) next.startDate = isoOrError(body.startDate, 'startDate');
  if (body.endDate !== undefined) next.endDate = isoOrError(body.endDate, 'endDate');
  if (body.state !== undefined) {
    const to = body.state as SprintState;
    if (!['future', 'active', 'closed'].includes(to))
      throw jiraError(400, [], { state: `Unknown sprint state '${String(to)}'.` });
    if (s.state === 'closed' && to !== 'closed')
      throw jiraError(400, ['A closed sprint cannot be reopened here.']);
    if (to === 'active' && s.state === 'future') {
      if (!next.startDate || !next.endDate)
        throw jiraError(400, ['A sprint needs a start date and an end date to be started.']);
      const other = [...ctx.state.sprints.values()].find(
        (x) => x.boardId === s.boardId && x.state === 'active' && x.id !== s.id,
      );
      if (other) throw jiraError(400, [`Sprint '${other.name}' is already active on this board.`]);
    }
    if (to === 'closed' && s.state === 'future')
      throw jiraError(400, ['Only an active sprint can be closed.']);
    if (to === 'closed' && s.state === 'active') next.completeDate = new Date().toISOString();
    next.state = to;
  }
  if (next.startDate && next.endDate && next.endDate < next.startDate) {
    throw jiraError(400, [], { endDate: 'The end date must be after the start date.' });
  }
  ctx.state.sprints.set(s.id, next);
  return ok(sprintJson(ctx, next));
}

function issuesToMove(ctx: Ctx): EmuIssue[] {
  const issues = asObject(ctx.body).issues;
  if (!Array.isArray(issues) || issues.length === 0)
    throw jiraError(400, ['issues must be a non-empty list.']);
  if (issues.length > MAX_MOVE) {
    throw jiraError(400, [`At most ${MAX_MOVE} issues can be moved in one request; got ${issues.length}.`]);
  }
  const out: EmuIssue[] = [];
  const missing: string[] = [];
  for (const ref of issues) {
    const i = findIssue(ctx.state, String(ref));
    if (i) out.push(i);
    else missing.push(String(ref));
  }
  if (missing.length > 0)
    throw jiraError(400, [
      `Issues do not exist or you do not have permission to see them: ${missing.join(', ')}`,
    ]);
  // Jira keeps a sub-task in its parent's sprint: only the parent can be moved.
  const subtasks = out.filter((i) => isSubtask(ctx.state, i));
  if (subtasks.length > 0)
    throw jiraError(
      400,
      subtasks.map(
        (i) => `Issue ${i.key} is a sub-task: it moves with its parent ${i.parentKey}, not on its own.`,
      ),
    );
  return out;
}

type Handler = (ctx: Ctx, params: string[]) => Reply;
export const agileRoutes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/rest\/agile\/1\.0\/board$/,
    (ctx) => {
      const startAt = intParam(ctx.query, 'startAt', 0);
      const maxResults = intParam(ctx.query, 'maxResults', 50, 50);
      const project = ctx.query.get('projectKeyOrId');
      const name = ctx.query.get('name')?.toLowerCase();
      const type = ctx.query.get('type');
      const boards = ctx.state.boards.filter((b) => {
        const p = ctx.state.projects.find((x) => x.key === b.projectKey);
        if (project && !(p && (p.key === project.toUpperCase() || p.id === project))) return false;
        if (name && !b.name.toLowerCase().includes(name)) return false;
        return !type || b.type === type;
      });
      return ok({
        ...page(
          boards.map((b) => boardJson(ctx, b)),
          startAt,
          maxResults,
        ),
        total: boards.length,
      });
    },
  ],
  ['GET', /^\/rest\/agile\/1\.0\/board\/(\d+)$/, (ctx, [id]) => ok(boardJson(ctx, mustBoard(ctx, id!)))],
  [
    'GET',
    /^\/rest\/agile\/1\.0\/board\/([^/]+)\/sprint$/,
    (ctx, [id]) => {
      const board = mustBoard(ctx, id!);
      if (board.type !== 'scrum') throw jiraError(400, ['The board does not support sprints']);
      const startAt = intParam(ctx.query, 'startAt', 0);
      const maxResults = intParam(ctx.query, 'maxResults', 50, 50);
      const states = listParam(ctx.query, 'state');
      const sprints = [...ctx.state.sprints.values()]
        .filter((s) => s.boardId === board.id && (!states || states.includes(s.state)))
        .sort((a, b) => a.id - b.id);
      return ok(
        page(
          sprints.map((s) => sprintJson(ctx, s)),
          startAt,
          maxResults,
        ),
      );
    },
  ],
  [
    'POST',
    /^\/rest\/agile\/1\.0\/sprint$/,
    (ctx) => {
      const b = asObject(ctx.body);
      const board = ctx.state.boards.find((x) => x.id === Number(b.originBoardId));
      if (!board)
        throw jiraError(400, [], {
          originBoardId: 'Board does not exist or you do not have permission to see it.',
        });
      requireWrite(ctx, 'You do not have permission to manage sprints.');
      if (board.type !== 'scrum') throw jiraError(400, ['The board does not support sprints']);
      const s: EmuSprint = {
        id: ++ctx.state.counters.sprintId,
        boardId: board.id,
        name: validateName(b.name),
        state: 'future',
        startDate: isoOrError(b.startDate, 'startDate'),
        endDate: isoOrError(b.endDate, 'endDate'),
        completeDate: null,
        createdDate: new Date().toISOString(),
        goal: typeof b.goal === 'string' ? b.goal : '',
      };
      ctx.state.sprints.set(s.id, s);
      return ok(sprintJson(ctx, s), 201);
    },
  ],
  ['GET', /^\/rest\/agile\/1\.0\/sprint\/([^/]+)$/, (ctx, [id]) => ok(sprintJson(ctx, mustSprint(ctx, id!)))],
  [
    'POST',
    /^\/rest\/agile\/1\.0\/sprint\/([^/]+)$/,
    (ctx, [id]) => updateSprint(ctx, mustSprint(ctx, id!), asObject(ctx.body), false),
  ],
  [
    'PUT',
    /^\/rest\/agile\/1\.0\/sprint\/([^/]+)$/,
    (ctx, [id]) => updateSprint(ctx, mustSprint(ctx, id!), asObject(ctx.body), true),
  ],
  [
    'GET',
    /^\/rest\/agile\/1\.0\/sprint\/([^/]+)\/issue$/,
    (ctx, [id]) => {
      const s = mustSprint(ctx, id!);
      const startAt = intParam(ctx.query, 'startAt', 0);
      const maxResults = intParam(ctx.query, 'maxResults', 50, 100);
      const inSprint = [...ctx.state.issues.values()]
        .filter((i) => i.sprintIds.includes(s.id))
        .sort((a, b) => a.seq - b.seq);
      const jql = ctx.query.get('jql');
      const hits = jql ? runJql(ctx, jql, inSprint) : inSprint;
      return ok({
        expand: 'schema,names',
        startAt,
        maxResults,
        total: hits.length,
        issues: hits
          .slice(startAt, startAt + maxResults)
          .map((i) => renderIssue(ctx, i, { fields: listParam(ctx.query, 'fields'), agile: true })),
      });
    },
  ],
  [
    'POST',
    /^\/rest\/agile\/1\.0\/sprint\/([^/]+)\/issue$/,
    (ctx, [id]) => {
      const s = mustSprint(ctx, id!);
      requireWrite(ctx, 'You do not have permission to schedule issues.');
      if (s.state === 'closed') throw jiraError(400, ['Issues cannot be moved to a closed sprint.']);
      for (const i of issuesToMove(ctx)) moveToSprint(ctx.state, i, s.id);
      return { status: 204 };
    },
  ],
  [
    'POST',
    /^\/rest\/agile\/1\.0\/backlog\/issue$/,
    (ctx) => {
      requireWrite(ctx, 'You do not have permission to schedule issues.');
      for (const i of issuesToMove(ctx)) moveToSprint(ctx.state, i, null);
      return { status: 204 };
    },
  ],
];
