/**
 * PRD -> story sync (FEATURES.md "PRD to Story Ticket Sync"): reads the story table of a PRD page, then
 * - dry run: writes `[TEMP-{uuid}](placeholder)` markers into the rows to be created and returns the plan;
 * - real run: creates the stories under the epic (idempotently), updates existing ones when asked, and
 *   writes the links back into the table in one page update.
 * Every external write can be repeated: a retried or re-run job creates nothing twice.
 */
import {
  normalisePrdTitle,
  PrdError,
  type PrdExistingTicketAction,
  type PrdParseResult,
  type PrdRowPlan,
  type PrdStory,
  type PrdSyncPlan,
  type PrdSyncRequest,
  type PrdWriteBackEdit,
  type PrdWriteBackRowReport,
  parsePrdPage,
  planPrdSync,
  prdLinkEdit,
  prdPlaceholderEdits,
} from '@augment/shared';
import pLimit from 'p-limit';
import type { ConfluenceClient, ConfluencePage } from '../../adapters/confluence/index.js';
import { AtlassianError } from '../../adapters/http/index.js';
import {
  idempotencyLabel,
  JIRA_BATCH_LIMIT,
  type JiraClient,
  type JiraIssue,
  type NewIssue,
} from '../../adapters/jira/index.js';
import { finalError, type HttpStatus } from '../../errors.js';
import { mergeDescription } from '../../jira-ops/description.js';
import { prdStoryMarkdown, prdStoryParts } from '../../prd-sync/prd-story-markdown.js';
import { applyPrdEdits, jiraSiteUrl } from '../../prd-sync/prd-write-back.js';
import type { JobContext, Processor } from '../types.js';

/** How a row came to be tied to a Jira issue before anything is created. */
export type PrdRowMatch = 'table' | 'epic_title' | 'earlier_run';

export interface PrdSyncRowResult {
  row_index: number;
  title: string;
  /** What the plan does with the row. */
  action: PrdRowPlan['action'];
  /** Real run only: what happened. */
  outcome: 'created' | 'updated' | 'skipped' | 'error' | null;
  reason: string | null;
  jira_key: string | null;
  jira_url: string | null;
  /** Marker id of a row to create (the one in the table, or the one the dry run writes). */
  temp_id: string | null;
  matched_by: PrdRowMatch | null;
  /** True for a created row whose issue an earlier (interrupted) run had already created. */
  already_existed?: boolean;
  /** What the write-back did in this row's ticket cell (marker in a dry run, link in a real run). */
  write_back: Pick<PrdWriteBackRowReport, 'status' | 'message'> | null;
}

export interface PrdSyncResult {
  job_type: 'prd_story_sync';
  engine: 'rules';
  dry_run: boolean;
  status: 'previewed' | 'halted' | 'completed' | 'partial';
  epic_key: string | null;
  project_key: string | null;
  existing_ticket_action: PrdExistingTicketAction;
  page: { id: string; title: string; url: string | null; version: number };
  section: string;
  counts: Record<string, number>;
  halt_reason: string | null;
  rows: PrdSyncRowResult[];
  write_back: {
    changed: boolean;
    column_added: boolean;
    rounds: number;
    version: number;
    error?: string;
  } | null;
}

interface RowInfo {
  idemKey: string;
  /** Labels of this row's issue if an earlier run created it (by marker key or by title key). */
  labels: string[];
  matchedBy: PrdRowMatch | null;
  /** Issue an earlier run of this sync created for the row. */
  recoveredKey: string | null;
}

/** A failure a retry cannot fix (bad input, page without a table, existing tickets with "error"). */
const nonRetryable = (
  status: HttpStatus,
  code: string,
  message: string,
  field: string,
  extra = {},
  cause?: unknown,
) => finalError(status, code, message, { field, ...extra }, cause);

/**
 * Jira and Confluence failures keep their own `retryable` (a 4xx other than 429 fails the same way on a
 * retry; an outage may not); a PRD that cannot be edited safely is final.
 */
export const prdStorySyncProcessor: Processor<PrdSyncRequest, PrdSyncResult> = async (input, ctx) => {
  try {
    return await syncFromPrd(input, ctx);
  } catch (err) {
    if (err instanceof PrdError) {
      // Raised while editing the page (it changed under us, or a cell cannot be edited safely).
      const field = input.prd_url ? 'prd_url' : 'epic_key';
      throw nonRetryable(422, err.code, err.message, field, err.details, err);
    }
    throw err;
  }
};

async function syncFromPrd(input: PrdSyncRequest, ctx: JobContext): Promise<PrdSyncResult> {
  const { jira, confluence } = ctx.services.atlassian(ctx.credentials);
  const action = input.existing_ticket_action;
  const dryRun = input.dry_run;

  await ctx.progress('resolving PRD', 5);
  const epic = input.epic_key ? await readEpic(jira, input.epic_key) : null;
  const field = input.prd_url ? 'prd_url' : 'epic_key';
  const pageRef = input.prd_url ?? epic?.prdUrl ?? null;
  if (!pageRef) {
    throw nonRetryable(
      400,
      'prd_url_missing',
      `Epic ${input.epic_key} has no PRD URL in its "${ctx.services.env.JIRA_PRD_FIELD}" field: ` +
        'set the field on the epic, or pass prd_url.',
      'epic_key',
    );
  }
  const pageId = await confluence.resolvePageId(pageRef).catch((err: unknown) => {
    if (err instanceof AtlassianError && err.code === 'invalid_input') {
      const from = field === 'epic_key' ? ` (the PRD field of epic ${input.epic_key})` : '';
      throw nonRetryable(400, 'invalid_prd_url', `${err.message}${from}`, field, {}, err);
    }
    throw err;
  });

  await ctx.progress('fetching page', 10, { page_id: pageId });
  const page = await confluence.getPage(pageId);

  await ctx.progress('parsing', 20, { page_id: pageId });
  const parsed = parseOrExplain(page, field);

  await ctx.progress('planning', 25, { stories: parsed.stories.length });
  const children = epic ? await jira.getEpicChildren(epic.key) : [];
  const { adjusted, info } = matchExisting(page.id || pageId, parsed, children);
  const plan = planPrdSync(adjusted, action);
  const projectKey = input.project_key ?? epic?.projectKey ?? null;
  const siteUrl = jiraSiteUrl(ctx.services.env, ctx.credentials, page.webUrl ?? pageRef);
  const urlOf = (key: string | null) => (key && siteUrl ? `${siteUrl}/browse/${key}` : null);

  const base = {
    job_type: 'prd_story_sync' as const,
    engine: 'rules' as const,
    dry_run: dryRun,
    epic_key: epic?.key ?? null,
    project_key: projectKey,
    existing_ticket_action: action,
    page: { id: page.id || pageId, title: page.title, url: page.webUrl, version: page.version },
    section: parsed.section,
    halt_reason: plan.halt_reason,
  };
  const rowBase = (r: PrdRowPlan): PrdSyncRowResult => {
    const i = info.get(r.row_index);
    const key = r.jira_key ?? i?.recoveredKey ?? null;
    return {
      row_index: r.row_index,
      title: r.title,
      action: r.action,
      outcome: null,
      reason: reasonOf(r, i, epic?.key ?? null, dryRun),
      jira_key: key,
      jira_url: urlOf(key),
      temp_id: r.action === 'create' ? r.temp_id : r.story.temp_id,
      matched_by: i?.recoveredKey ? 'earlier_run' : (i?.matchedBy ?? null),
      write_back: null,
    };
  };

  if (dryRun) return dryRunPreview(ctx, confluence, { base, plan, pageId, rowBase });

  if (plan.halted) {
    const blocked = plan.rows.filter((r) => r.action === 'error' && r.jira_key);
    const list = blocked.map((r) => `row ${r.row_index} "${r.title}" -> ${r.jira_key}`).join('; ');
    throw nonRetryable(
      422,
      'existing_tickets',
      `${plan.halt_reason} Rows with tickets: ${list}.`,
      'existing_ticket_action',
      { rows: blocked.map((r) => ({ row_index: r.row_index, title: r.title, jira_key: r.jira_key })) },
    );
  }
  const toCreate = plan.rows.filter((r) => r.action === 'create');
  if (toCreate.length > 0 && !projectKey) {
    throw nonRetryable(
      400,
      'epic_key_required',
      'A real sync creates the stories under an epic: pass epic_key (or project_key to create them without a parent).',
      'epic_key',
    );
  }
  if (!siteUrl) {
    throw nonRetryable(
      400,
      'site_url_unknown',
      'Cannot tell the Jira site URL for the links in the PRD table: set JIRA_SERVER_URL.',
      'JIRA_SERVER_URL',
    );
  }

  const results = new Map(plan.rows.map((r) => [r.row_index, rowBase(r)]));
  const source = { pageTitle: page.title, pageUrl: page.webUrl ?? pageRef };
  const markdownOf = (story: PrdStory) => prdStoryMarkdown(story, source);
  const partsOf = (story: PrdStory) => prdStoryParts(story, source);

  // Create: issues an earlier run made are reused; the rest go in bulk, each keyed by its row.
  const fatal = await createStories(ctx, jira, {
    rows: toCreate,
    info,
    newIssue: (r) => ({
      projectKey: projectKey!,
      issueType: 'Story',
      summary: r.title,
      description: markdownOf(r.story),
      ...(epic ? { parentKey: epic.key } : {}),
    }),
    done: (r, key, existed) =>
      Object.assign(results.get(r.row_index)!, {
        outcome: 'created',
        reason: null,
        jira_key: key,
        jira_url: urlOf(key),
        already_existed: existed,
      }),
    failed: (r, message) => Object.assign(results.get(r.row_index)!, { outcome: 'error', reason: message }),
  });

  const toUpdate = plan.rows.filter((r) => r.action === 'update' && r.jira_key);
  if (toUpdate.length > 0) {
    await ctx.progress('updating stories', 75, { total: toUpdate.length });
    const limit = pLimit(4);
    await Promise.all(
      toUpdate.map((r) =>
        limit(async () => {
          ctx.signal.throwIfAborted();
          const res = results.get(r.row_index)!;
          try {
            // The row's parts replace their own; test cases and notes added in Jira stay.
            const current = children.find((c) => c.key === r.jira_key) ?? (await jira.getIssue(r.jira_key!));
            const merged = mergeDescription(current.description, partsOf(r.story), 'replace');
            await jira.updateIssue(r.jira_key!, { descriptionAdf: merged });
            Object.assign(res, { outcome: 'updated', reason: null });
          } catch (err) {
            if (!(err instanceof AtlassianError)) throw err;
            Object.assign(res, { outcome: 'error', reason: err.message });
          }
        }),
      ),
    );
  }
  for (const res of results.values()) {
    if (res.outcome !== null) continue;
    res.outcome = res.action === 'error' ? 'error' : 'skipped';
  }

  // Links: created and updated rows, and rows matched to an existing story of the epic by title.
  const edits: { row: number; edit: PrdWriteBackEdit }[] = [];
  for (const r of plan.rows) {
    const res = results.get(r.row_index)!;
    if (!res.jira_key) continue;
    const tableHasIt = info.get(r.row_index)?.matchedBy === 'table';
    const link =
      res.outcome === 'created' ||
      res.outcome === 'updated' ||
      (res.outcome === 'skipped' && !tableHasIt && r.jira_key !== null);
    if (!link) continue;
    // The row's own marker (if any) finds it surest; a fresh plan id is unknown to the page.
    const edit = prdLinkEdit(r, res.jira_key);
    edits.push({ row: r.row_index, edit: r.story.temp_id ? { ...edit, temp_id: r.story.temp_id } : edit });
  }

  let writeBack: PrdSyncResult['write_back'] = null;
  if (edits.length > 0) {
    await ctx.progress('writing back', 90, { links: edits.length });
    try {
      const out = await applyPrdEdits(confluence, {
        pageRef: pageId,
        edits: edits.map((e) => e.edit),
        siteUrl,
        message: `Augment: linked ${edits.length} Jira ${edits.length === 1 ? 'story' : 'stories'} (PRD sync)`,
      });
      out.result.rows.forEach((rep, i) => {
        const res = results.get(edits[i]!.row)!;
        res.write_back = { status: rep.status, message: rep.message };
      });
      writeBack = {
        changed: out.changed,
        column_added: out.changed && out.result.column_added,
        rounds: out.rounds,
        version: out.page.version,
      };
    } catch (err) {
      // The issues exist; a lost table cannot be fixed by a retry, a Confluence outage can (the retry
      // finds the issues it created and only writes the links).
      if (!(err instanceof PrdError)) throw err;
      writeBack = {
        changed: false,
        column_added: false,
        rounds: 0,
        version: page.version,
        error: `The stories were synced but the links could not be written: ${err.message}`,
      };
    }
  }
  if (fatal) throw fatal;

  const rows = [...results.values()];
  const counts = { created: 0, updated: 0, skipped: 0, error: 0 };
  for (const r of rows) {
    if (r.outcome === 'created') counts.created++;
    else if (r.outcome === 'updated') counts.updated++;
    else if (r.outcome === 'skipped') counts.skipped++;
    else counts.error++;
  }
  const linkTrouble = rows.some(
    (r) => r.write_back && !['written', 'unchanged'].includes(r.write_back.status),
  );
  await ctx.progress('done', 100, counts);
  return {
    ...base,
    status: counts.error > 0 || writeBack?.error || linkTrouble ? 'partial' : 'completed',
    counts,
    rows,
    write_back: writeBack,
  };
}

function reasonOf(
  r: PrdRowPlan,
  i: RowInfo | undefined,
  epicKey: string | null,
  dryRun: boolean,
): string | null {
  if (r.action === 'create' && i?.recoveredKey) {
    return `An earlier run already created ${i.recoveredKey} for this row; the real run links it.`;
  }
  if (i?.matchedBy !== 'epic_title') return r.reason;
  const note = `epic ${epicKey} already has story ${r.jira_key} with this title`;
  if (r.action === 'skip') {
    return `Not created: ${note}; ${dryRun ? 'a real run links it' : 'it is linked'} in the table.`;
  }
  return r.reason ? `${r.reason} (${note})` : null;
}

async function readEpic(jira: JiraClient, key: string): Promise<JiraIssue> {
  try {
    return await jira.getIssue(key);
  } catch (err) {
    if (err instanceof AtlassianError && err.code === 'not_found') {
      const message = `Epic ${key} does not exist or is not visible.`;
      throw nonRetryable(404, 'epic_not_found', message, 'epic_key', {}, err);
    }
    throw err;
  }
}

function parseOrExplain(page: ConfluencePage, field: string): PrdParseResult {
  try {
    return parsePrdPage(page.storage);
  } catch (err) {
    if (!(err instanceof PrdError)) throw err;
    throw nonRetryable(
      422,
      err.code,
      `PRD page "${page.title}" (${page.id}): ${err.message}`,
      field,
      { page_id: page.id, ...err.details },
      err,
    );
  }
}

/**
 * Ties rows to issues before planning: rows with a key in the table are existing tickets; a row without
 * one whose issue an earlier run of this sync created (found by its idempotency label) is recovered; a row
 * whose title equals the summary of another child of the epic counts as that existing ticket, so a PRD
 * synced onto an epic that already has its stories does not duplicate them.
 */
function matchExisting(
  pageId: string,
  parsed: PrdParseResult,
  children: JiraIssue[],
): { adjusted: PrdParseResult; info: Map<number, RowInfo> } {
  const info = new Map<number, RowInfo>();
  const claimed = new Set(parsed.stories.flatMap((s) => (s.jira_key ? [s.jira_key] : [])));
  const byLabel = new Map<string, JiraIssue>();
  for (const c of children) for (const l of c.labels) if (!byLabel.has(l)) byLabel.set(l, c);
  const seenTemp = new Set<string>();
  const titleCount = new Map<string, number>();

  for (const s of parsed.stories) {
    const norm = normalisePrdTitle(s.title) || `row ${s.row_index}`;
    const n = (titleCount.get(norm) ?? 0) + 1;
    titleCount.set(norm, n);
    const titleKey = `prd-sync:${pageId}:title:${norm}#${n}`;
    const tempKey = s.temp_id && !seenTemp.has(s.temp_id) ? `prd-sync:${pageId}:temp:${s.temp_id}` : null;
    if (s.temp_id) seenTemp.add(s.temp_id);
    info.set(s.row_index, {
      idemKey: tempKey ?? titleKey,
      labels: [tempKey, titleKey].flatMap((k) => (k ? [idempotencyLabel(k)] : [])),
      matchedBy: s.jira_key ? 'table' : null,
      recoveredKey: null,
    });
  }

  // A child carrying the marker label of some row belongs to that row, never to another by title.
  const rowLabels = new Set([...info.values()].flatMap((i) => i.labels));
  const stories = parsed.stories.map((s) => {
    const i = info.get(s.row_index)!;
    if (s.jira_key || !s.title) return s;
    const ours = i.labels.map((l) => byLabel.get(l)).find((c) => c && !claimed.has(c.key));
    if (ours) {
      claimed.add(ours.key);
      i.recoveredKey = ours.key;
      return s;
    }
    const norm = normalisePrdTitle(s.title);
    const same = children.find(
      (c) =>
        !claimed.has(c.key) &&
        normalisePrdTitle(c.summary) === norm &&
        !c.labels.some((l) => rowLabels.has(l)),
    );
    if (!same) return s;
    claimed.add(same.key);
    i.matchedBy = 'epic_title';
    return { ...s, jira_key: same.key };
  });
  return { adjusted: { ...parsed, stories }, info };
}

async function createStories(
  ctx: JobContext,
  jira: JiraClient,
  opts: {
    rows: PrdRowPlan[];
    info: Map<number, RowInfo>;
    newIssue(row: PrdRowPlan): NewIssue;
    done(row: PrdRowPlan, key: string, existed: boolean): void;
    failed(row: PrdRowPlan, message: string): void;
  },
): Promise<AtlassianError | null> {
  const total = opts.rows.length;
  let finished = 0;
  const step = async () => {
    await ctx.progress('creating stories', 30 + Math.round((40 * finished) / Math.max(1, total)), {
      done: finished,
      total,
    });
  };
  const pending: PrdRowPlan[] = [];
  for (const r of opts.rows) {
    const recovered = opts.info.get(r.row_index)?.recoveredKey;
    if (recovered) {
      opts.done(r, recovered, true);
      finished++;
    } else pending.push(r);
  }
  await step();

  for (let at = 0; at < pending.length; at += JIRA_BATCH_LIMIT) {
    const part = pending.slice(at, at + JIRA_BATCH_LIMIT);
    const items = part.map((r) => ({
      input: opts.newIssue(r),
      idempotencyKey: opts.info.get(r.row_index)!.idemKey,
    }));
    try {
      const created = await jira.createIssuesOnce(items);
      for (const [i, r] of part.entries()) opts.done(r, created[i]!.key, !created[i]!.created);
    } catch (err) {
      if (!(err instanceof AtlassianError)) throw err;
      if (err.code !== 'bad_request') {
        // Jira is unreachable or refusing: stop creating, write the links of what exists, then fail so
        // the job is retried (it will find what was created).
        for (const r of pending.slice(at)) opts.failed(r, `Not created: ${err.message}`);
        return err;
      }
      // Jira rejected some rows: one by one, to tell which (the created ones are found by their key).
      for (const [i, r] of part.entries()) {
        try {
          const one = await jira.createIssueOnce(items[i]!.input, items[i]!.idempotencyKey);
          opts.done(r, one.key, !one.created);
        } catch (e) {
          if (!(e instanceof AtlassianError)) throw e;
          opts.failed(r, `Jira refused the story: ${e.message}`);
        }
      }
    }
    finished += part.length;
    await step();
  }
  return null;
}

async function dryRunPreview(
  ctx: JobContext,
  confluence: ConfluenceClient,
  opts: {
    base: Omit<PrdSyncResult, 'status' | 'counts' | 'rows' | 'write_back'>;
    plan: PrdSyncPlan;
    pageId: string;
    rowBase(r: PrdRowPlan): PrdSyncRowResult;
  },
): Promise<PrdSyncResult> {
  const rows = opts.plan.rows.map(opts.rowBase);
  const edits = opts.plan.halted ? [] : prdPlaceholderEdits(opts.plan);
  let writeBack: PrdSyncResult['write_back'] = null;
  if (edits.length > 0) {
    await ctx.progress('writing placeholders', 70, { markers: edits.length });
    const out = await applyPrdEdits(confluence, {
      pageRef: opts.pageId,
      edits,
      message: `Augment: PRD sync preview (${edits.length} ${edits.length === 1 ? 'marker' : 'markers'})`,
    });
    const byTemp = new Map(edits.map((e, i) => [e.temp_id, out.result.rows[i]!]));
    for (const r of rows) {
      const rep = r.temp_id ? byTemp.get(r.temp_id) : undefined;
      if (rep && r.action === 'create') r.write_back = { status: rep.status, message: rep.message };
    }
    writeBack = {
      changed: out.changed,
      column_added: out.changed && out.result.column_added,
      rounds: out.rounds,
      version: out.page.version,
    };
  }
  await ctx.progress('done', 100, opts.plan.counts);
  return {
    ...opts.base,
    status: opts.plan.halted ? 'halted' : 'previewed',
    counts: opts.plan.counts,
    rows,
    write_back: writeBack,
  };
}
