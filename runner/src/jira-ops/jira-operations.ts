/**
 * The direct Jira operations behind `POST /jira/...`: create and update tickets and stories, one at a
 * time or in bulk. Content is written as ADF sections (description.ts); creates are idempotent (a story
 * with the same title under the epic, or an issue carrying the same idempotency marker, is reused);
 * stories are linked back into the epic's PRD table. Bulk calls answer per item: one item failing does
 * not fail the others.
 */
import type {
  BulkCreateStoriesRequest,
  BulkUpdateStoriesRequest,
  CreateStoryTicketRequest,
  CreateTicketRequest,
  DescriptionMode,
  NewStory,
  TicketContent,
  UpdateStoryTicketRequest,
  UpdateTicketRequest,
} from '@augment/shared';
import type { AtlassianClients } from '../adapters/http/index.js';
import {
  type AdfDocument,
  type IssuePatch,
  type JiraClient,
  type JiraIssue,
  markdownToAdf,
  type NewIssue,
} from '../adapters/jira/index.js';
import { AppError } from '../errors.js';
import { adfToMarkdown } from '../planning/adf-markdown.js';
import { normaliseTitle, readIssue } from '../planning/epic-context.js';
import { createIssuesOnce, GENERATED_LABEL, storyIdempotencyKey } from '../planning/jira-writer.js';
import { jiraDuration } from '../planning/markdown.js';
import { type PrdStoryLink, writeStoryLinksToEpicPrd } from '../prd-sync/prd-write-back.js';
import { mergeDescription } from './description.js';
import { type ItemError, itemError } from './item-error.js';
import { hasTicketContent, ticketMarkdown } from './ticket-markdown.js';

export interface JiraOpsContext {
  clients: AtlassianClients;
  /** Base URL of the Jira site for browse links; null when it cannot be known. */
  siteUrl(confluenceUrl?: string | null): string | null;
}

export type CreateAction = 'created' | 'existing' | 'would_create' | 'would_reuse';
export type UpdateAction = 'updated' | 'unchanged' | 'would_update' | 'would_leave';

/** What the PRD write-back did (or would do) for a story. */
export type PrdLinkReport =
  | { status: 'written' | 'unchanged'; page_id: string; page_title: string; version: number; row: unknown }
  | { status: 'would_write'; prd_url: string }
  | { status: 'no_prd' | 'no_story_table' | 'skipped' | 'error'; reason: string };

export interface IssuePreview {
  project_key: string;
  issue_type: string;
  summary: string;
  parent_key: string | null;
  labels: string[];
  story_points: number | null;
  original_estimate: string | null;
}

export interface CreateResult {
  dry_run: boolean;
  action: CreateAction;
  key: string | null;
  url: string | null;
  issue: IssuePreview;
  description_markdown: string;
  /** The ADF written (or, in a dry run, that would be written). */
  description_adf: AdfDocument | null;
  prd?: PrdLinkReport;
  /** Set when Jira took the issue only without some field (story points, estimate). */
  warning?: string;
}

export interface UpdateResult {
  dry_run: boolean;
  action: UpdateAction;
  key: string;
  url: string | null;
  /** Fields that change (or would): summary, description, labels, story_points, estimate. */
  changes: string[];
  summary: string;
  description_markdown: string;
  description_adf: AdfDocument | null;
  prd?: PrdLinkReport;
}

export type BulkItem<T> =
  | ({ index: number; status: 'ok' } & T)
  | { index: number; status: 'error'; error: ItemError };

export interface BulkResult<T> {
  dry_run: boolean;
  /** completed: every item ok; partial: some failed; failed: none ok. */
  status: 'completed' | 'partial' | 'failed';
  counts: Record<string, number>;
  items: BulkItem<T>[];
  prd: (PrdLinkReport & { epic_key: string })[];
}

export const url = (ctx: JiraOpsContext, key: string | null) => {
  const site = ctx.siteUrl();
  return key && site ? `${site}/browse/${key}` : null;
};

function preview(input: NewIssue): IssuePreview {
  return {
    project_key: input.projectKey,
    issue_type: input.issueType,
    summary: input.summary,
    parent_key: input.parentKey ?? null,
    labels: input.labels ?? [],
    story_points: input.storyPoints ?? null,
    original_estimate: input.originalEstimate ?? null,
  };
}

function contentOf(v: TicketContent): TicketContent {
  return {
    description: v.description,
    acceptance_criteria: v.acceptance_criteria,
    test_cases: v.test_cases,
    technical_notes: v.technical_notes,
  };
}

// ---- tickets ----------------------------------------------------------------------------------------

export async function createTicket(ctx: JiraOpsContext, req: CreateTicketRequest): Promise<CreateResult> {
  const { jira } = ctx.clients;
  if (req.parent_key) await readIssue(jira, req.parent_key, 'parent_key');
  const projectKey = req.project_key ?? req.parent_key!.replace(/-\d+$/, '');
  const markdown = ticketMarkdown(contentOf(req));
  const input: NewIssue = {
    projectKey,
    issueType: req.issue_type,
    summary: req.summary,
    ...(markdown ? { description: markdown } : {}),
    ...(req.parent_key ? { parentKey: req.parent_key } : {}),
    ...(req.labels ? { labels: req.labels } : {}),
    ...(req.story_points !== undefined ? { storyPoints: req.story_points } : {}),
    ...(req.estimate_days !== undefined ? { originalEstimate: jiraDuration(req.estimate_days) } : {}),
  };
  const idem =
    req.idempotency_key ??
    `jira-op:ticket:${projectKey}:${req.issue_type.toLowerCase()}:${req.parent_key ?? ''}:${normaliseTitle(req.summary)}`;
  const base = {
    dry_run: req.dry_run,
    issue: preview(input),
    description_markdown: markdown,
    description_adf: markdown ? markdownToAdf(markdown) : null,
  };
  if (req.dry_run) {
    const found = await jira.findByIdempotencyKey(idem);
    return {
      ...base,
      action: found ? 'would_reuse' : 'would_create',
      key: found?.key ?? null,
      url: url(ctx, found?.key ?? null),
    };
  }
  const made = await createOnce(jira, input, idem);
  return {
    ...base,
    action: made.created ? 'created' : 'existing',
    key: made.key,
    url: url(ctx, made.key),
    ...(made.warning ? { warning: made.warning } : {}),
  };
}

/** One idempotent create through the planning writer (which retries without fields Jira refuses). */
async function createOnce(
  jira: JiraClient,
  input: NewIssue,
  idempotencyKey: string,
): Promise<{ key: string; created: boolean; warning?: string }> {
  const [out] = await createIssuesOnce(jira, [{ input, idempotencyKey }]);
  if (!out?.ok) {
    throw new AppError(400, 'jira_refused', `Jira refused the issue: ${out?.error ?? 'no answer'}`, {
      field: 'body',
    });
  }
  return out;
}

interface PlannedUpdate {
  patch: IssuePatch;
  changes: string[];
  summary: string;
  description: AdfDocument | null;
}

function planUpdate(
  issue: JiraIssue,
  req: TicketContent & {
    summary?: string;
    labels?: string[];
    story_points?: number;
    estimate_days?: number;
    description_mode: DescriptionMode;
  },
): PlannedUpdate {
  const patch: IssuePatch = {};
  const changes: string[] = [];
  if (req.summary !== undefined && req.summary !== issue.summary) {
    patch.summary = req.summary;
    changes.push('summary');
  }
  let description = issue.description;
  const content = contentOf(req);
  if (hasTicketContent(content)) {
    const merged = mergeDescription(issue.description, content, req.description_mode);
    if (JSON.stringify(merged) !== JSON.stringify(issue.description)) {
      patch.descriptionAdf = merged;
      description = merged;
      changes.push('description');
    }
  }
  const newLabels = (req.labels ?? []).filter((l) => !issue.labels.includes(l));
  if (newLabels.length > 0) {
    patch.addLabels = newLabels;
    changes.push('labels');
  }
  if (req.story_points !== undefined && req.story_points !== issue.storyPoints) {
    patch.storyPoints = req.story_points;
    changes.push('story_points');
  }
  if (req.estimate_days !== undefined) {
    const duration = jiraDuration(req.estimate_days);
    const seconds = Math.max(1, Math.round(req.estimate_days * 8)) * 3600;
    if (seconds !== issue.originalEstimateSeconds) {
      patch.originalEstimate = duration;
      changes.push('estimate');
    }
  }
  return { patch, changes, summary: patch.summary ?? issue.summary, description };
}

async function applyUpdate(
  ctx: JiraOpsContext,
  issue: JiraIssue,
  plan: PlannedUpdate,
  dryRun: boolean,
): Promise<UpdateResult> {
  const changed = plan.changes.length > 0;
  if (!dryRun && changed) await ctx.clients.jira.updateIssue(issue.key, plan.patch);
  return {
    dry_run: dryRun,
    action: dryRun ? (changed ? 'would_update' : 'would_leave') : changed ? 'updated' : 'unchanged',
    key: issue.key,
    url: url(ctx, issue.key),
    changes: plan.changes,
    summary: plan.summary,
    description_markdown: adfToMarkdown(plan.description),
    description_adf: plan.description,
  };
}

export async function updateTicket(ctx: JiraOpsContext, req: UpdateTicketRequest): Promise<UpdateResult> {
  const issue = await readIssue(ctx.clients.jira, req.ticket_key, 'ticket_key');
  return applyUpdate(ctx, issue, planUpdate(issue, req), req.dry_run);
}

// ---- stories ----------------------------------------------------------------------------------------

const storyTitle = (s: { title?: string; summary?: string }) => (s.title ?? s.summary)!;

function storyInput(epic: JiraIssue, projectKey: string | undefined, s: NewStory): NewIssue {
  const markdown = ticketMarkdown(contentOf(s));
  return {
    projectKey: projectKey ?? epic.projectKey,
    issueType: 'Story',
    summary: storyTitle(s),
    parentKey: epic.key,
    ...(markdown ? { description: markdown } : {}),
    labels: [...new Set([GENERATED_LABEL, ...(s.labels ?? [])])],
    ...(s.story_points !== undefined ? { storyPoints: s.story_points } : {}),
  };
}

/**
 * The epic's children by normalised title: a child with the title of a new story is that story (made by
 * an earlier call, the planning jobs, a PRD sync or by hand), as the planning writer counts it too.
 */
async function childrenByTitle(jira: JiraClient, epicKey: string): Promise<Map<string, JiraIssue>> {
  const out = new Map<string, JiraIssue>();
  for (const c of await jira.getEpicChildren(epicKey)) {
    const t = normaliseTitle(c.summary);
    if (!out.has(t)) out.set(t, c);
  }
  return out;
}

function prdPreview(epic: JiraIssue, wanted: boolean): PrdLinkReport {
  if (!wanted) return { status: 'skipped', reason: 'update_prd is false' };
  if (!epic.prdUrl) return { status: 'no_prd', reason: `Epic ${epic.key} has no PRD URL.` };
  return { status: 'would_write', prd_url: epic.prdUrl };
}

/**
 * Writes story links into the PRD of `epicKey`. Never throws: the stories exist whatever happens to the
 * page, so a Confluence failure is reported with the stories, not instead of them.
 */
async function linkStories(
  ctx: JiraOpsContext,
  epic: JiraIssue,
  links: PrdStoryLink[],
): Promise<{ report: PrdLinkReport; rows: unknown[] }> {
  if (!epic.prdUrl)
    return { report: { status: 'no_prd', reason: `Epic ${epic.key} has no PRD URL.` }, rows: [] };
  const siteUrl = ctx.siteUrl(epic.prdUrl);
  if (!siteUrl) {
    return {
      report: { status: 'skipped', reason: 'The Jira site URL is unknown, so no link can be written.' },
      rows: [],
    };
  }
  if (links.length === 0) return { report: { status: 'skipped', reason: 'No story to link.' }, rows: [] };
  try {
    const out = await writeStoryLinksToEpicPrd(ctx.clients, { epicKey: epic.key, links, siteUrl });
    if (out.status !== 'written') return { report: out, rows: [] };
    return {
      report: {
        status: out.changed ? 'written' : 'unchanged',
        page_id: out.page_id,
        page_title: out.page_title,
        version: out.version,
        row: null,
      },
      rows: out.rows,
    };
  } catch (err) {
    return {
      report: { status: 'error', reason: err instanceof Error ? err.message : String(err) },
      rows: [],
    };
  }
}

const withRow = (report: PrdLinkReport, row: unknown): PrdLinkReport =>
  report.status === 'written' || report.status === 'unchanged' ? { ...report, row: row ?? null } : report;

export async function createStory(ctx: JiraOpsContext, req: CreateStoryTicketRequest): Promise<CreateResult> {
  const { jira } = ctx.clients;
  const epic = await readIssue(jira, req.epic_key, 'epic_key');
  const title = storyTitle(req);
  const input = storyInput(epic, req.project_key, req);
  const idem = storyIdempotencyKey(epic.key, title);
  const existing = (await childrenByTitle(jira, epic.key)).get(normaliseTitle(title));
  const markdown = input.description ?? '';
  const base = {
    dry_run: req.dry_run,
    issue: preview(input),
    description_markdown: markdown,
    description_adf: markdown ? markdownToAdf(markdown) : null,
  };
  if (req.dry_run) {
    const found = existing ?? (await jira.findByIdempotencyKey(idem));
    return {
      ...base,
      action: found ? 'would_reuse' : 'would_create',
      key: found?.key ?? null,
      url: url(ctx, found?.key ?? null),
      prd: prdPreview(epic, req.update_prd),
    };
  }
  const made = existing ? { key: existing.key, created: false } : await createOnce(jira, input, idem);
  const result: CreateResult = {
    ...base,
    action: made.created ? 'created' : 'existing',
    key: made.key,
    url: url(ctx, made.key),
    ...('warning' in made && made.warning ? { warning: made.warning } : {}),
  };
  if (req.update_prd) {
    const linked = await linkStories(ctx, epic, [
      { jira_key: made.key, title, ...(req.temp_id ? { temp_id: req.temp_id } : {}) },
    ]);
    result.prd = withRow(linked.report, linked.rows[0]);
  } else result.prd = prdPreview(epic, false);
  return result;
}

export async function updateStory(ctx: JiraOpsContext, req: UpdateStoryTicketRequest): Promise<UpdateResult> {
  const { jira } = ctx.clients;
  const story = await readIssue(jira, req.story_key, 'story_key');
  const epicKey = req.epic_key ?? story.parentKey;
  const epic = epicKey ? await readIssue(jira, epicKey, 'epic_key') : null;
  const plan = planUpdate(story, { ...req, summary: req.title ?? req.summary });
  const result = await applyUpdate(ctx, story, plan, req.dry_run);
  if (!epic) result.prd = { status: 'no_prd', reason: `${story.key} has no epic.` };
  else if (req.dry_run || !req.update_prd) result.prd = prdPreview(epic, req.update_prd);
  else {
    const linked = await linkStories(ctx, epic, [
      { jira_key: story.key, title: plan.summary, ...(req.temp_id ? { temp_id: req.temp_id } : {}) },
    ]);
    result.prd = withRow(linked.report, linked.rows[0]);
  }
  return result;
}

export function summarise<T>(
  dryRun: boolean,
  items: BulkItem<T>[],
  counts: Record<string, number>,
  prd: BulkResult<T>['prd'],
): BulkResult<T> {
  const failed = items.filter((i) => i.status === 'error').length;
  return {
    dry_run: dryRun,
    status: failed === 0 ? 'completed' : failed === items.length ? 'failed' : 'partial',
    counts: { ...counts, error: failed },
    items,
    prd,
  };
}

type BulkCreated = Omit<CreateResult, 'dry_run' | 'prd'> & { prd?: PrdLinkReport };

export async function bulkCreateStories(
  ctx: JiraOpsContext,
  req: BulkCreateStoriesRequest,
): Promise<BulkResult<BulkCreated>> {
  const { jira } = ctx.clients;
  const epic = await readIssue(jira, req.epic_key, 'epic_key');
  const existing = await childrenByTitle(jira, epic.key);
  const items: BulkItem<BulkCreated>[] = [];
  const seen = new Map<string, number>();
  const toCreate: { index: number; input: NewIssue; idempotencyKey: string }[] = [];
  req.stories.forEach((s, index) => {
    const title = storyTitle(s);
    const norm = normaliseTitle(title);
    const input = storyInput(epic, req.project_key, s);
    const markdown = input.description ?? '';
    const base = {
      issue: preview(input),
      description_markdown: markdown,
      description_adf: req.dry_run && markdown ? markdownToAdf(markdown) : null,
    };
    const first = seen.get(norm);
    if (first !== undefined) {
      items[index] = {
        index,
        status: 'error',
        error: {
          code: 'duplicate_in_request',
          status: 400,
          message: `"${title}" is also story ${first} of this request`,
          field: `stories[${index}].title`,
        },
      };
      return;
    }
    seen.set(norm, index);
    const found = existing.get(norm);
    if (found) {
      items[index] = {
        index,
        status: 'ok',
        ...base,
        action: req.dry_run ? 'would_reuse' : 'existing',
        key: found.key,
        url: url(ctx, found.key),
      };
      return;
    }
    items[index] = { index, status: 'ok', ...base, action: 'would_create', key: null, url: null };
    toCreate.push({ index, input, idempotencyKey: storyIdempotencyKey(epic.key, title) });
  });

  if (req.dry_run) {
    // A story created by an earlier, interrupted call carries its marker: show it would be reused.
    for (const c of toCreate) {
      const found = await jira.findByIdempotencyKey(c.idempotencyKey);
      const item = items[c.index]!;
      if (found && item.status === 'ok')
        Object.assign(item, { action: 'would_reuse', key: found.key, url: url(ctx, found.key) });
    }
    const prd = prdPreview(epic, req.update_prd);
    return summarise(req.dry_run, items, countActions(items), [{ ...prd, epic_key: epic.key }]);
  }

  const outcomes = await createIssuesOnce(jira, toCreate);
  toCreate.forEach((c, i) => {
    const out = outcomes[i]!;
    const item = items[c.index]!;
    if (!out.ok) {
      items[c.index] = {
        index: c.index,
        status: 'error',
        error: { code: 'jira_refused', status: 400, message: out.error, field: `stories[${c.index}]` },
      };
    } else if (item.status === 'ok') {
      Object.assign(item, {
        action: out.created ? 'created' : 'existing',
        key: out.key,
        url: url(ctx, out.key),
        ...(out.warning ? { warning: out.warning } : {}),
      });
    }
  });

  const okItems = items.filter(
    (i): i is Extract<BulkItem<BulkCreated>, { status: 'ok' }> => i.status === 'ok' && i.key !== null,
  );
  let prd: BulkResult<BulkCreated>['prd'] = [];
  if (req.update_prd) {
    const linked = await linkStories(
      ctx,
      epic,
      okItems.map((i) => {
        const s = req.stories[i.index]!;
        return { jira_key: i.key!, title: storyTitle(s), ...(s.temp_id ? { temp_id: s.temp_id } : {}) };
      }),
    );
    okItems.forEach((i, n) => {
      i.prd = withRow(linked.report, linked.rows[n]);
    });
    prd = [{ ...linked.report, epic_key: epic.key }];
  }
  return summarise(req.dry_run, items, countActions(items), prd);
}

export function countActions(items: BulkItem<{ action: string }>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) if (i.status === 'ok') counts[i.action] = (counts[i.action] ?? 0) + 1;
  return counts;
}

type BulkUpdated = Omit<UpdateResult, 'dry_run' | 'prd'> & { epic_key: string | null; prd?: PrdLinkReport };

export async function bulkUpdateStories(
  ctx: JiraOpsContext,
  req: BulkUpdateStoriesRequest,
): Promise<BulkResult<BulkUpdated>> {
  const { jira } = ctx.clients;
  const items: BulkItem<BulkUpdated>[] = [];
  const links = new Map<string, { index: number; link: PrdStoryLink }[]>();
  const seen = new Map<string, number>();
  for (const [index, s] of req.stories.entries()) {
    const first = seen.get(s.story_key);
    if (first !== undefined) {
      items.push({
        index,
        status: 'error',
        error: {
          code: 'duplicate_in_request',
          status: 400,
          message: `${s.story_key} is also story ${first} of this request`,
          field: `stories[${index}].story_key`,
        },
      });
      continue;
    }
    seen.set(s.story_key, index);
    try {
      const story = await readIssue(jira, s.story_key, `stories[${index}].story_key`);
      const plan = planUpdate(story, { ...s, summary: s.title ?? s.summary });
      const { dry_run: _d, ...out } = await applyUpdate(ctx, story, plan, req.dry_run);
      items.push({ index, status: 'ok', ...out, epic_key: story.parentKey });
      if (story.parentKey) {
        const list = links.get(story.parentKey) ?? [];
        list.push({
          index,
          link: { jira_key: story.key, title: plan.summary, ...(s.temp_id ? { temp_id: s.temp_id } : {}) },
        });
        links.set(story.parentKey, list);
      }
    } catch (err) {
      items.push({ index, status: 'error', error: itemError(err, `stories[${index}]`) });
    }
  }
  const prd: BulkResult<BulkUpdated>['prd'] = [];
  if (req.update_prd) {
    for (const [epicKey, list] of links) {
      let epic: JiraIssue;
      try {
        epic = await jira.getIssue(epicKey);
      } catch (err) {
        prd.push({
          status: 'error',
          reason: err instanceof Error ? err.message : String(err),
          epic_key: epicKey,
        });
        continue;
      }
      if (req.dry_run) {
        const report = prdPreview(epic, true);
        prd.push({ ...report, epic_key: epicKey });
        for (const l of list) setPrd(items[l.index], report);
        continue;
      }
      const linked = await linkStories(
        ctx,
        epic,
        list.map((l) => l.link),
      );
      prd.push({ ...linked.report, epic_key: epicKey });
      list.forEach((l, n) => {
        setPrd(items[l.index], withRow(linked.report, linked.rows[n]));
      });
    }
  }
  return summarise(req.dry_run, items, countActions(items), prd);
}

function setPrd(item: BulkItem<BulkUpdated> | undefined, report: PrdLinkReport) {
  if (item?.status === 'ok') item.prd = report;
}
