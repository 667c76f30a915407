/**
 * What the planners read from Jira and Confluence for an epic or a story: the epic, the text of its PRD
 * and RFC pages (when its fields, or the request, hold page URLs), its stories with their acceptance
 * criteria, and the tasks under those stories.
 */
import { htmlToPlanText, type Story, ticketForPlanning } from '@augment/shared';
import type { ConfluenceClient } from '../adapters/confluence/index.js';
import type { AtlassianClients } from '../adapters/http/index.js';
import { AtlassianError } from '../adapters/http/index.js';
import type { JiraClient, JiraIssue, SearchOptions } from '../adapters/jira/index.js';
import { finalError } from '../errors.js';
import { descriptionMarkdown, issueSections } from './adf-markdown.js';

/** The text of a PRD or RFC page, as planning text (headings, lists, table rows). */
export interface PageText {
  /** What the page was found by (the URL in the field or the request). */
  ref: string;
  id: string;
  title: string;
  url: string | null;
  /** The page as planning text (headings, lists, table rows). */
  text: string;
  /** The page body in Confluence storage format, for readers that need its structure (the story table). */
  storage: string;
}

export interface StoryRecord {
  issue: JiraIssue;
  /** The story as the planners read it; `key` is the Jira key. */
  story: Story;
}

export interface EpicContext {
  epic: JiraIssue;
  /** The epic description as markdown-like text. */
  description: string;
  prd: PageText | null;
  rfc: PageText | null;
  /** Every child of the epic, stories and others, oldest first. */
  children: JiraIssue[];
  /** Children that read as stories (issue type Story, or anything with acceptance criteria that is no task). */
  stories: StoryRecord[];
  /** Issues under the stories (sub-tasks) and task-type children of the epic. */
  tasks: JiraIssue[];
  /** Things that could not be read (a PRD URL that is no Confluence page, ...); the plan goes on without them. */
  warnings: string[];
}

export interface LoadEpicOptions {
  /** Overrides the epic's PRD field. */
  prdUrl?: string | undefined;
  rfcUrl?: string | undefined;
  /** Also read the tasks under the stories (one more search). Default false. */
  includeTasks?: boolean;
  /** Skip reading the PRD/RFC pages (fast paths). Default true. */
  includePages?: boolean;
}

const TASK_TYPES = /^(?:task|sub-?task|bug|spike|technical task)$/i;

/** Normalises a title for matching and idempotency keys: case, spacing and punctuation do not matter. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * A Jira issue as a planning story: summary, the text of its description (questions left out), and its
 * acceptance criteria, read through the one ticket description format (notes and footers are neither).
 */
export function storyFromIssue(issue: JiraIssue): Story {
  const parsed = ticketForPlanning(issueSections(issue));
  const story: Story = {
    title: issue.summary,
    description: parsed.description,
    acceptance_criteria: parsed.acceptance_criteria,
    key: issue.key,
  };
  if (issue.storyPoints !== null && issue.storyPoints >= 0 && issue.storyPoints <= 100) {
    story.story_points = issue.storyPoints;
  }
  return story;
}

export function isStoryIssue(issue: JiraIssue): boolean {
  return /^(?:story|user story)$/i.test(issue.issueType.trim());
}

export function isTaskIssue(issue: JiraIssue): boolean {
  return TASK_TYPES.test(issue.issueType.trim());
}

/** Reads an issue, turning "does not exist" into a 404 naming the request field. */
export async function readIssue(jira: JiraClient, key: string, field: string): Promise<JiraIssue> {
  try {
    return await jira.getIssue(key);
  } catch (err) {
    if (err instanceof AtlassianError && err.code === 'not_found') {
      const message = `${key} does not exist or is not visible`;
      throw finalError(404, 'issue_not_found', message, { field, key }, err);
    }
    throw err;
  }
}

/**
 * Reads a PRD/RFC page. A reference that is not a Confluence page (a Google Doc, a typo) or a page that
 * cannot be read is reported in `warnings` and planning continues without it; a Confluence outage is
 * thrown (a retry can fix it).
 */
export async function readPageText(
  confluence: ConfluenceClient,
  ref: string,
  what: 'PRD' | 'RFC',
  warnings: string[],
): Promise<PageText | null> {
  try {
    const page = await confluence.getPage(ref);
    return {
      ref,
      id: page.id,
      title: page.title,
      url: page.webUrl,
      text: htmlToPlanText(page.storage),
      storage: page.storage,
    };
  } catch (err) {
    if (!(err instanceof AtlassianError)) throw err;
    if (err.code === 'unavailable' || err.code === 'network' || err.code === 'rate_limited') throw err;
    warnings.push(`The ${what} ${ref} could not be read (${err.message}); planning went on without it.`);
    return null;
  }
}

/** Issues whose parent is one of `parents` (sub-tasks of stories), 40 parents per search. */
export async function childrenOf(
  jira: JiraClient,
  parents: readonly string[],
  opts?: SearchOptions,
): Promise<JiraIssue[]> {
  const out: JiraIssue[] = [];
  for (let i = 0; i < parents.length; i += 40) {
    const part = parents.slice(i, i + 40);
    if (part.length === 0) continue;
    out.push(...(await jira.searchJql(`parent in (${part.join(', ')}) ORDER BY created ASC`, opts)));
  }
  return out;
}

/** Loads an epic with its pages, stories and (optionally) tasks. 404 naming `epic_key` when it is unknown. */
export async function loadEpicContext(
  clients: AtlassianClients,
  epicKey: string,
  opts: LoadEpicOptions = {},
): Promise<EpicContext> {
  const { jira, confluence } = clients;
  const epic = await readIssue(jira, epicKey, 'epic_key');
  const warnings: string[] = [];
  const includePages = opts.includePages ?? true;
  const prdRef = opts.prdUrl ?? epic.prdUrl;
  const rfcRef = opts.rfcUrl ?? epic.rfcUrl;
  const [prd, rfc, children] = await Promise.all([
    includePages && prdRef ? readPageText(confluence, prdRef, 'PRD', warnings) : null,
    includePages && rfcRef ? readPageText(confluence, rfcRef, 'RFC', warnings) : null,
    jira.getEpicChildren(epic.key),
  ]);
  const storyIssues = children.filter(
    (c) => isStoryIssue(c) || (!isTaskIssue(c) && !/epic/i.test(c.issueType)),
  );
  const stories = storyIssues.map((issue) => ({ issue, story: storyFromIssue(issue) }));
  let tasks = children.filter((c) => isTaskIssue(c));
  if (opts.includeTasks) {
    const under = await childrenOf(
      jira,
      stories.map((s) => s.issue.key),
    );
    const seen = new Set(tasks.map((t) => t.key));
    for (const t of under) if (!seen.has(t.key)) tasks = [...tasks, t];
  }
  return {
    epic,
    description: descriptionMarkdown(epic),
    prd,
    rfc,
    children,
    stories,
    tasks,
    warnings,
  };
}

/** The epic's PRD and RFC texts, read once per job for several stories. */
export async function loadEpicPages(
  clients: AtlassianClients,
  epic: JiraIssue,
  warnings: string[],
): Promise<{ prd: PageText | null; rfc: PageText | null }> {
  const [prd, rfc] = await Promise.all([
    epic.prdUrl ? readPageText(clients.confluence, epic.prdUrl, 'PRD', warnings) : null,
    epic.rfcUrl ? readPageText(clients.confluence, epic.rfcUrl, 'RFC', warnings) : null,
  ]);
  return { prd, rfc };
}
