/**
 * Writes Jira links into the story table of a PRD page, for the PRD sync and for the story create and
 * update endpoints. One page update per call; the edit is re-applied to whatever version is current
 * when Confluence answers 409, so it must be (and is) idempotent.
 */
import {
  PrdError,
  type PrdWriteBackEdit,
  type PrdWriteBackResult,
  type PrdWriteBackRowReport,
  writeBackPrdTable,
} from '@augment/shared';
import type { ConfluenceClient, ConfluencePage } from '../adapters/confluence/index.js';
import type { AtlassianClients } from '../adapters/http/index.js';
import type { Env } from '../env.js';

export interface PrdStoryLink {
  jira_key: string;
  /** Title of the row (matched when no marker or key identifies it). */
  title?: string;
  /** Marker id written by a dry run (`[TEMP-{uuid}](placeholder)`), the surest way to find the row. */
  temp_id?: string | null;
  /** Row position as parsed; used only while the row at that position still has this title. */
  row_index?: number;
  /** Link target; default `{siteUrl}/browse/{jira_key}`. */
  url?: string;
}

export interface PrdLinksWriteResult {
  page_id: string;
  page_title: string;
  /** False when every link was already in the table (nothing was written). */
  changed: boolean;
  /** Page version after the call. */
  version: number;
  /** Read-edit-write rounds (more than 1 after version conflicts). */
  rounds: number;
  /** True when the "JIRA Ticket" column had to be added. */
  column_added: boolean;
  /** One report per link, in the order given. */
  rows: PrdWriteBackRowReport[];
}

/**
 * Base URL of the Jira site for browse links. A configured site wins; a Forge call may bring `site_url`;
 * otherwise the site is taken from a Confluence URL of the same Cloud site (Jira and Confluence share it).
 */
export function jiraSiteUrl(
  env: Pick<Env, 'JIRA_SERVER_URL'>,
  credentials: Record<string, unknown> | undefined,
  confluenceUrl?: string | null,
): string | null {
  const trim = (u: string) => u.replace(/\/+$/, '').replace(/\/wiki$/, '');
  if (credentials?.kind === 'forge') {
    if (typeof credentials.site_url === 'string' && credentials.site_url) return trim(credentials.site_url);
  } else if (env.JIRA_SERVER_URL) {
    return trim(env.JIRA_SERVER_URL);
  }
  if (!confluenceUrl) return null;
  try {
    const url = new URL(confluenceUrl);
    const at = url.pathname.indexOf('/wiki');
    return trim(url.origin + (at > 0 ? url.pathname.slice(0, at) : ''));
  } catch {
    return null;
  }
}

function linkEdits(links: PrdStoryLink[]): PrdWriteBackEdit[] {
  return links.map((l) => ({
    kind: 'link',
    jira_key: l.jira_key,
    ...(l.temp_id ? { temp_id: l.temp_id } : {}),
    ...(l.title !== undefined ? { title: l.title } : {}),
    ...(l.row_index !== undefined ? { row_index: l.row_index } : {}),
    ...(l.url ? { url: l.url } : {}),
  }));
}

/**
 * Applies write-back edits (links or placeholders) to a page in one update. Throws PrdError when the
 * current page has no story table, AtlassianError when Confluence refuses.
 */
export async function applyPrdEdits(
  confluence: ConfluenceClient,
  opts: { pageRef: string; edits: PrdWriteBackEdit[]; siteUrl?: string; message?: string },
): Promise<{ page: ConfluencePage; changed: boolean; rounds: number; result: PrdWriteBackResult }> {
  let last: PrdWriteBackResult | undefined;
  const res = await confluence.updatePage(
    opts.pageRef,
    (storage) => {
      last = writeBackPrdTable(storage, opts.edits, opts.siteUrl ? { siteUrl: opts.siteUrl } : {});
      return last.xhtml;
    },
    opts.message ? { message: opts.message } : {},
  );
  // updatePage always calls mutate at least once.
  return { page: res.page, changed: res.changed, rounds: res.rounds, result: last! };
}

/**
 * Writes links to Jira issues into the story table of the PRD page `pageRef` (id or URL): a row's
 * `[TEMP-...]` marker, plain key or empty ticket cell becomes `<a href="{siteUrl}/browse/KEY">KEY</a>`;
 * the "JIRA Ticket" column is added when missing. Nothing else on the page changes.
 */
export async function writeStoryLinksToPrd(
  confluence: ConfluenceClient,
  opts: { pageRef: string; links: PrdStoryLink[]; siteUrl: string; message?: string },
): Promise<PrdLinksWriteResult> {
  const pageId = await confluence.resolvePageId(opts.pageRef);
  const { page, changed, rounds, result } = await applyPrdEdits(confluence, {
    pageRef: pageId,
    edits: linkEdits(opts.links),
    siteUrl: opts.siteUrl,
    message: opts.message ?? `Augment: linked ${opts.links.length} Jira ${plural(opts.links.length)}`,
  });
  return {
    page_id: page.id || pageId,
    page_title: page.title,
    changed,
    version: page.version,
    rounds,
    column_added: changed && result.column_added,
    rows: result.rows,
  };
}

function plural(n: number): string {
  return n === 1 ? 'issue' : 'issues';
}

export type EpicPrdLinkOutcome =
  | ({ status: 'written' } & PrdLinksWriteResult)
  | { status: 'no_prd'; reason: string }
  | { status: 'no_story_table'; reason: string };

/**
 * For the story create/update endpoints: writes links into the PRD of `epicKey` (its PRD field), if it
 * has one with a story table. A missing PRD or table is an outcome, not an error: stories are still valid.
 */
export async function writeStoryLinksToEpicPrd(
  clients: AtlassianClients,
  opts: { epicKey: string; links: PrdStoryLink[]; siteUrl: string; message?: string },
): Promise<EpicPrdLinkOutcome> {
  const epic = await clients.jira.getIssue(opts.epicKey);
  if (!epic.prdUrl) return { status: 'no_prd', reason: `Epic ${opts.epicKey} has no PRD URL.` };
  try {
    const out = await writeStoryLinksToPrd(clients.confluence, {
      pageRef: epic.prdUrl,
      links: opts.links,
      siteUrl: opts.siteUrl,
      message: opts.message,
    });
    return { status: 'written', ...out };
  } catch (err) {
    if (err instanceof PrdError && (err.code === 'no_story_table' || err.code === 'no_title_column')) {
      return { status: 'no_story_table', reason: err.message };
    }
    throw err;
  }
}
