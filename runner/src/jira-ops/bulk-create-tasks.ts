/**
 * `POST /jira/bulk-create-tasks`: tasks given by the caller (typically edited output of team-based task
 * generation) created under their stories through the planning writer, so they read back exactly like
 * generated ones (team label, estimate, covered criteria, test cases), then "Blocks" links for their
 * `depends_on`. Each task is reported on its own: an unknown story or a refused task fails only itself.
 */
import {
  type BulkCreateTasksRequest,
  type NewTask,
  type Relationship,
  type TeamTask,
  validateDependencies,
} from '@augment/shared';
import pLimit from 'p-limit';
import type { JiraIssue } from '../adapters/jira/index.js';
import { childrenOf, normaliseTitle, readIssue } from '../planning/epic-context.js';
import { type RelationshipCreated, writeBlocksLinks, writeTasks } from '../planning/jira-writer.js';
import { type ItemError, itemError } from './item-error.js';
import {
  type BulkItem,
  type BulkResult,
  countActions,
  type JiraOpsContext,
  summarise,
  url,
} from './jira-operations.js';
import { toTestCase } from './ticket-markdown.js';

export interface TaskItem {
  action: 'created' | 'existing' | 'would_create' | 'would_reuse';
  key: string | null;
  url: string | null;
  story_key: string;
  summary: string;
  team: TeamTask['team'];
  warning?: string;
}

export type LinkReport =
  | (Pick<RelationshipCreated, 'status' | 'reason'> & {
      from_index: number;
      to_index: number;
      from: string;
      to: string;
    })
  | { status: 'would_link'; from_index: number; to_index: number; from: string | null; to: string | null };

export type BulkTasksResult = BulkResult<TaskItem> & { links: LinkReport[] };

const idOf = (index: number) => `task-${index}`;
const indexOf = (id: string) => Number(id.slice('task-'.length));

function toTeamTask(t: NewTask, index: number, storyKey: string): TeamTask {
  return {
    id: idOf(index),
    summary: t.summary,
    description: t.description?.trim() ?? '',
    team: t.team,
    estimate_days: t.estimate_days ?? 1,
    depends_on_tasks: [],
    blocked_by_teams: [],
    test_cases: (t.test_cases ?? []).map(toTestCase),
    covers_criteria: t.acceptance_criteria ?? [],
    story_key: storyKey,
  };
}

/** `depends_on` entries as task ids; an entry naming no task of the request is an error of the item. */
function resolveDependencies(
  tasks: readonly NewTask[],
  index: number,
): { ids: string[] } | { error: ItemError } {
  const bySummary = new Map<string, number>();
  tasks.forEach((t, i) => {
    const n = normaliseTitle(t.summary);
    if (!bySummary.has(n)) bySummary.set(n, i);
  });
  const ids: string[] = [];
  for (const [j, ref] of (tasks[index]!.depends_on ?? []).entries()) {
    const target =
      typeof ref === 'number' ? (ref < tasks.length ? ref : undefined) : bySummary.get(normaliseTitle(ref));
    const field = `tasks[${index}].depends_on[${j}]`;
    if (target === undefined) {
      return {
        error: {
          code: 'unknown_dependency',
          status: 400,
          message: `${JSON.stringify(ref)} is no task of this request`,
          field,
        },
      };
    }
    if (target === index) {
      return {
        error: { code: 'self_dependency', status: 400, message: 'a task cannot depend on itself', field },
      };
    }
    ids.push(idOf(target));
  }
  return { ids: [...new Set(ids)] };
}

export async function bulkCreateTasks(
  ctx: JiraOpsContext,
  req: BulkCreateTasksRequest,
): Promise<BulkTasksResult> {
  const { jira } = ctx.clients;
  const storyOf = (t: NewTask) => (t.story_key ?? req.story_key)!;
  const items: BulkItem<TaskItem>[] = new Array(req.tasks.length);
  const fail = (index: number, error: ItemError) => {
    items[index] = { index, status: 'error', error };
  };

  // The stories, once each: an unknown story fails its own tasks only.
  const stories = new Map<string, JiraIssue>();
  const storyErrors = new Map<string, unknown>();
  const limit = pLimit(4);
  await Promise.all(
    [...new Set(req.tasks.map(storyOf))].map((key) =>
      limit(async () => {
        try {
          stories.set(key, await readIssue(jira, key, 'story_key'));
        } catch (err) {
          itemError(err); // rethrows what is not an API or Jira error
          storyErrors.set(key, err);
        }
      }),
    ),
  );

  const planned: TeamTask[] = [];
  for (const [index, t] of req.tasks.entries()) {
    const key = storyOf(t);
    const storyError = storyErrors.get(key);
    if (storyError) {
      fail(index, {
        ...itemError(storyError),
        field: t.story_key ? `tasks[${index}].story_key` : 'story_key',
      });
      continue;
    }
    const deps = resolveDependencies(req.tasks, index);
    if ('error' in deps) fail(index, deps.error);
    else planned.push({ ...toTeamTask(t, index, key), depends_on_tasks: deps.ids });
  }
  // A task depending on a task that failed keeps its place; only the link is skipped.
  const known = new Set(planned.map((t) => t.id));
  for (const t of planned) t.depends_on_tasks = t.depends_on_tasks.filter((d) => known.has(d));
  for (const issue of validateDependencies(planned).issues) {
    if (issue.kind !== 'cycle') continue;
    fail(indexOf(issue.task), {
      code: 'dependency_cycle',
      status: 400,
      message: 'the depends_on of this task form a cycle with other tasks of the request',
      field: `tasks[${indexOf(issue.task)}].depends_on`,
    });
  }
  const todo = planned.filter((t) => !items[indexOf(t.id)]);

  const existing = new Map<string, JiraIssue[]>();
  for (const c of await childrenOf(jira, [...new Set(todo.map((t) => t.story_key!))])) {
    if (!c.parentKey) continue;
    existing.set(c.parentKey, [...(existing.get(c.parentKey) ?? []), c]);
  }
  const base = (t: TeamTask) => ({ story_key: t.story_key!, summary: t.summary, team: t.team });
  const relationships: Relationship[] = todo.flatMap((t) =>
    t.depends_on_tasks.map((d) => ({
      from: d,
      to: t.id,
      type: 'Blocks' as const,
      blocking_team: req.tasks[indexOf(d)]!.team,
      dependent_team: t.team,
    })),
  );

  if (req.dry_run) {
    for (const t of todo) {
      const twin = (existing.get(t.story_key!) ?? []).find(
        (c) => normaliseTitle(c.summary) === normaliseTitle(t.summary),
      );
      const index = indexOf(t.id);
      items[index] = twin
        ? { index, status: 'ok', action: 'would_reuse', key: twin.key, url: url(ctx, twin.key), ...base(t) }
        : { index, status: 'ok', action: 'would_create', key: null, url: null, ...base(t) };
    }
    const keyAt = (id: string) => {
      const it = items[indexOf(id)];
      return it?.status === 'ok' ? it.key : null;
    };
    const links: LinkReport[] = req.create_links
      ? relationships.map((r) => ({
          status: 'would_link',
          from_index: indexOf(r.from),
          to_index: indexOf(r.to),
          from: keyAt(r.from),
          to: keyAt(r.to),
        }))
      : [];
    return { ...summarise(true, items, countActions(items), []), links };
  }

  const projectOf = new Map([...stories].map(([k, s]) => [k, s.projectKey]));
  const technicalNotes = new Map(
    todo.map((t) => [t.id, req.tasks[indexOf(t.id)]!.technical_notes ?? []] as const),
  );
  const rows = await writeTasks(jira, { tasks: todo, projectOf, existing, technicalNotes });
  const keyOf = new Map<string, string>();
  for (const [n, row] of rows.entries()) {
    const t = todo[n]!;
    const index = indexOf(t.id);
    if (row.outcome === 'error' || !row.key) {
      fail(index, {
        code: 'jira_refused',
        status: 400,
        message: row.reason ?? 'Jira refused the task',
        field: `tasks[${index}]`,
      });
      continue;
    }
    keyOf.set(t.id, row.key);
    items[index] = {
      index,
      status: 'ok',
      action: row.outcome === 'created' ? 'created' : 'existing',
      key: row.key,
      url: url(ctx, row.key),
      ...base(t),
      ...(row.outcome === 'created' && row.reason ? { warning: row.reason } : {}),
    };
  }
  const links: LinkReport[] = req.create_links
    ? (await writeBlocksLinks(jira, relationships, keyOf)).map((l) => ({
        status: l.status,
        ...(l.reason ? { reason: l.reason } : {}),
        from_index: indexOf(l.from_task),
        to_index: indexOf(l.to_task),
        from: l.from,
        to: l.to,
      }))
    : [];
  return { ...summarise(false, items, countActions(items), []), links };
}
