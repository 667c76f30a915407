/**
 * Writes plans into Jira, idempotently: epics, stories under an epic, tasks under their story (as
 * sub-tasks) and the "Blocks" links between tasks. Every issue carries an idempotency key derived from
 * its parent and its normalised title, so a retried or re-run job finds what an earlier run created
 * instead of creating it again; an existing child with the same title counts as that item too.
 */
import {
  IssueKey,
  matchExistingStories,
  type Relationship,
  type Story,
  type Team,
  type TeamTask,
} from '@augment/shared';
import pLimit from 'p-limit';
import { AtlassianError } from '../adapters/http/index.js';
import { JIRA_BATCH_LIMIT, type JiraClient, type JiraIssue, type NewIssue } from '../adapters/jira/index.js';
import { descriptionMarkdown } from './adf-markdown.js';
import { normaliseTitle } from './epic-context.js';
import { jiraDuration, storyMarkdown, taskMarkdown } from './markdown.js';

/** Tasks are created under their story; Jira sites call this type "Sub-task" or (newer) "Subtask". */
export const TASK_ISSUE_TYPES = ['Sub-task', 'Subtask'] as const;
/** Marks what Augment created, for people (filters) and for the planners. */
export const GENERATED_LABEL = 'augment-generated';

export const epicIdempotencyKey = (projectKey: string, summary: string) =>
  `augment:epic:${projectKey}:${normaliseTitle(summary)}`;
export const storyIdempotencyKey = (epicKey: string, title: string) =>
  `augment:story:${epicKey}:${normaliseTitle(title)}`;
export const taskIdempotencyKey = (storyKey: string, summary: string) =>
  `augment:task:${storyKey}:${normaliseTitle(summary)}`;

export interface CreateItem {
  input: NewIssue;
  idempotencyKey: string;
}

export type CreateOutcome =
  | { ok: true; key: string; created: boolean; warning?: string }
  | { ok: false; error: string };

const OPTIONAL_FIELDS: (keyof NewIssue)[] = ['storyPoints', 'originalEstimate', 'prdUrl', 'rfcUrl'];

function withoutOptional(input: NewIssue): NewIssue {
  const copy = { ...input };
  for (const f of OPTIONAL_FIELDS) delete copy[f];
  return copy;
}

const hasOptional = (input: NewIssue) => OPTIONAL_FIELDS.some((f) => input[f] !== undefined);
const issueTypeRefused = (err: AtlassianError) =>
  /issue ?type/i.test(`${err.message} ${err.serverMessages.join(' ')}`);

/** One item, retried without the optional fields (story points, estimate) or with the other sub-task name. */
async function createOne(jira: JiraClient, item: CreateItem): Promise<CreateOutcome> {
  const attempts: { input: NewIssue; note?: string }[] = [{ input: item.input }];
  if (hasOptional(item.input)) {
    attempts.push({
      input: withoutOptional(item.input),
      note: 'created without story points, estimate or PRD/RFC links (Jira refused those fields)',
    });
  }
  const alt = TASK_ISSUE_TYPES.find((t) => t !== item.input.issueType);
  if ((TASK_ISSUE_TYPES as readonly string[]).includes(item.input.issueType) && alt) {
    attempts.push({ input: { ...withoutOptional(item.input), issueType: alt }, note: `created as "${alt}"` });
  }
  let last: AtlassianError | undefined;
  for (const a of attempts) {
    try {
      const r = await jira.createIssueOnce(a.input, item.idempotencyKey);
      return a.note ? { ok: true, key: r.key, created: r.created, warning: a.note } : { ok: true, ...r };
    } catch (err) {
      if (!(err instanceof AtlassianError)) throw err;
      if (err.code !== 'bad_request' && err.code !== 'invalid_input') throw err;
      last = err;
      // Only the issue type can be fixed by the last attempt.
      if (a.input.issueType === alt && !issueTypeRefused(err)) break;
    }
  }
  return { ok: false, error: last?.message ?? 'Jira refused the issue' };
}

/**
 * Creates issues once each, in bulk (50 per request) where Jira takes them, item by item where it
 * refuses some: those are reported per item. Outages (5xx, network, 429 after retries) are thrown so
 * the job is retried; the retry finds what was created.
 */
export async function createIssuesOnce(
  jira: JiraClient,
  items: readonly CreateItem[],
  onProgress?: (done: number) => Promise<void>,
): Promise<CreateOutcome[]> {
  const out: CreateOutcome[] = new Array(items.length);
  for (let at = 0; at < items.length; at += JIRA_BATCH_LIMIT) {
    const part = items.slice(at, at + JIRA_BATCH_LIMIT);
    try {
      const created = await jira.createIssuesOnce(part.map((p) => ({ ...p })));
      created.forEach((c, i) => {
        out[at + i] = { ok: true, key: c.key, created: c.created };
      });
    } catch (err) {
      if (!(err instanceof AtlassianError)) throw err;
      if (err.code !== 'bad_request' && err.code !== 'invalid_input') throw err;
      for (const [i, item] of part.entries()) out[at + i] = await createOne(jira, item);
    }
    await onProgress?.(Math.min(items.length, at + part.length));
  }
  return out;
}

/** A row of a write report: what happened to one issue. */
interface WriteRow {
  outcome: 'previewed' | 'created' | 'already_existed' | 'existing' | 'error';
  key: string | null;
  reason: string | null;
}

/** Creates `items` once each and records the outcome on the row of the same position. */
async function createAndRecord(
  jira: JiraClient,
  items: readonly CreateItem[],
  rows: readonly WriteRow[],
  onProgress?: (done: number, total: number) => Promise<void>,
): Promise<void> {
  const results = await createIssuesOnce(jira, items, (done) =>
    onProgress ? onProgress(done, items.length) : Promise.resolve(),
  );
  results.forEach((r, j) => {
    const row = rows[j]!;
    if (r.ok)
      Object.assign(row, {
        key: r.key,
        outcome: r.created ? 'created' : 'already_existed',
        reason: r.warning ?? null,
      });
    else Object.assign(row, { outcome: 'error', reason: r.error });
  });
}

// ---- epics and stories -----------------------------------------------------------------------------

export interface StoryWrite {
  title: string;
  /** create: new issue (or, in a real run, one an earlier run made); existing: a child with this title. */
  action: 'create' | 'existing';
  outcome: 'previewed' | 'created' | 'already_existed' | 'existing' | 'error';
  key: string | null;
  reason: string | null;
}

const MATCH_WORDING = {
  row_link: 'the PRD row links',
  same_title: 'the epic already has',
  similar_title: 'a story with a near-identical title is',
  similar_description: 'a story with the same description is',
} as const;

/**
 * Which stories are new and which the epic already has: the issue a PRD row links, the same title, a
 * near-identical title or the same description (see matchExistingStories for the thresholds).
 */
export function matchStories(stories: readonly Story[], children: readonly JiraIssue[]): StoryWrite[] {
  const matches = matchExistingStories(
    stories.map((s) => ({ key: s.key, title: s.title, description: s.description })),
    children.map((c) => ({ key: c.key, title: c.summary, description: descriptionMarkdown(c) })),
  );
  return stories.map((s, i) => {
    const m = matches[i];
    const twin = m ? children[m.existing]! : null;
    // A PRD row that links an issue outside the epic still names the work's issue: never a second one.
    if (!twin && s.key && IssueKey.safeParse(s.key).success)
      return {
        title: s.title,
        action: 'existing' as const,
        outcome: 'existing' as const,
        key: s.key,
        reason: `${MATCH_WORDING.row_link} ${s.key}`,
      };
    return twin && m
      ? {
          title: s.title,
          action: 'existing' as const,
          outcome: 'existing' as const,
          key: twin.key,
          reason: `${MATCH_WORDING[m.reason]} ${twin.key} "${twin.summary}"`,
        }
      : { title: s.title, action: 'create' as const, outcome: 'previewed' as const, key: null, reason: null };
  });
}

/** Creates the stories the epic does not have yet, under it, each once. */
export async function writeStories(
  jira: JiraClient,
  opts: {
    projectKey: string;
    epicKey: string;
    stories: readonly Story[];
    children: readonly JiraIssue[];
    onProgress?: (done: number, total: number) => Promise<void>;
  },
): Promise<StoryWrite[]> {
  const rows = matchStories(opts.stories, opts.children);
  const todo = rows.flatMap((r, i) => (r.action === 'create' ? [i] : []));
  const items = todo.map((i): CreateItem => {
    const s = opts.stories[i]!;
    const input: NewIssue = {
      projectKey: opts.projectKey,
      issueType: 'Story',
      summary: s.title,
      description: storyMarkdown(s),
      parentKey: opts.epicKey,
      labels: [GENERATED_LABEL],
    };
    if (s.story_points !== undefined) input.storyPoints = s.story_points;
    return { input, idempotencyKey: storyIdempotencyKey(opts.epicKey, s.title) };
  });
  await createAndRecord(
    jira,
    items,
    todo.map((i) => rows[i]!),
    opts.onProgress,
  );
  return rows;
}

// ---- tasks -----------------------------------------------------------------------------------------

export interface TaskWrite {
  id: string;
  story_key: string;
  summary: string;
  team: Team;
  outcome: 'previewed' | 'created' | 'already_existed' | 'existing' | 'error';
  key: string | null;
  reason: string | null;
}

/**
 * Creates each task under its story (a sub-task), unless the story already has a sub-task with the
 * same summary. Labels carry the team (`team:backend`), which the sprint planner reads.
 */
export async function writeTasks(
  jira: JiraClient,
  opts: {
    tasks: readonly TeamTask[];
    /** Project of each story. */
    projectOf: ReadonlyMap<string, string>;
    /** Current sub-tasks of each story. */
    existing: ReadonlyMap<string, readonly JiraIssue[]>;
    /** Technical notes of a task, by task id (the planning shape has no place for them). */
    technicalNotes?: ReadonlyMap<string, readonly string[]>;
    onProgress?: (done: number, total: number) => Promise<void>;
  },
): Promise<TaskWrite[]> {
  const rows: TaskWrite[] = opts.tasks.map((t) => ({
    id: t.id,
    story_key: t.story_key ?? '',
    summary: t.summary,
    team: t.team,
    outcome: 'previewed',
    key: null,
    reason: null,
  }));
  const todo: number[] = [];
  const items: CreateItem[] = [];
  opts.tasks.forEach((t, i) => {
    const storyKey = t.story_key;
    const row = rows[i]!;
    if (!storyKey) {
      Object.assign(row, { outcome: 'error', reason: 'the task belongs to no story' });
      return;
    }
    const twin = (opts.existing.get(storyKey) ?? []).find(
      (c) => normaliseTitle(c.summary) === normaliseTitle(t.summary),
    );
    if (twin) {
      Object.assign(row, {
        outcome: 'existing',
        key: twin.key,
        reason: `${storyKey} already has ${twin.key}`,
      });
      return;
    }
    todo.push(i);
    items.push({
      input: {
        projectKey: opts.projectOf.get(storyKey) ?? storyKey.replace(/-\d+$/, ''),
        issueType: TASK_ISSUE_TYPES[0],
        summary: t.summary,
        description: taskMarkdown(t, { technicalNotes: opts.technicalNotes?.get(t.id) ?? [] }),
        parentKey: storyKey,
        labels: [GENERATED_LABEL, `team:${t.team}`],
        originalEstimate: jiraDuration(t.estimate_days),
      },
      idempotencyKey: taskIdempotencyKey(storyKey, t.summary),
    });
  });
  await createAndRecord(
    jira,
    items,
    todo.map((i) => rows[i]!),
    opts.onProgress,
  );
  return rows;
}

// ---- links -----------------------------------------------------------------------------------------

/** A "Blocks" link as created in Jira: `from` (the blocker, Jira's inwardIssue) blocks `to`. */
export interface RelationshipCreated extends Relationship {
  from_task: string;
  to_task: string;
  status: 'created' | 'exists' | 'skipped' | 'error';
  reason?: string;
}

/**
 * Creates one "Blocks" link per relationship whose two tasks have Jira keys, each once (a link that is
 * already there is reported as `exists`). The blocker is sent as `inwardIssue`.
 */
export async function writeBlocksLinks(
  jira: JiraClient,
  relationships: readonly Relationship[],
  keyOf: ReadonlyMap<string, string>,
): Promise<RelationshipCreated[]> {
  const limit = pLimit(4);
  return Promise.all(
    relationships.map((r) =>
      limit(async (): Promise<RelationshipCreated> => {
        const from = keyOf.get(r.from);
        const to = keyOf.get(r.to);
        const base = { ...r, from_task: r.from, to_task: r.to };
        if (!from || !to) {
          return { ...base, status: 'skipped', reason: `no Jira issue for ${!from ? r.from : r.to}` };
        }
        try {
          const { created } = await jira.linkOnce(from, to);
          return { ...base, from, to, status: created ? 'created' : 'exists' };
        } catch (err) {
          if (!(err instanceof AtlassianError)) throw err;
          if (err.code !== 'bad_request' && err.code !== 'not_found' && err.code !== 'forbidden') throw err;
          return { ...base, from, to, status: 'error', reason: err.message };
        }
      }),
    ),
  );
}
