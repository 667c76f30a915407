/**
 * The Jira port of the runner: what processors may ask of Jira, in the runner's own terms.
 * Implemented over jira.js by jira-client.ts; tested against the emulator in test/atlassian.
 */

import type { AdfDocument } from '@augment/shared';

/** Atlassian Document Format (descriptions and comments in REST v3): its types live in shared. */
export type { AdfDocument, AdfNode } from '@augment/shared';

/** Display names of the custom fields the runner reads and writes; resolved to ids once per client. */
export interface JiraFieldNames {
  prdUrl: string;
  rfcUrl: string;
  /** Tried in order; team-managed projects call it "Story point estimate". */
  storyPoints: string[];
  sprint: string;
}

/** What callers pass: a single story points name gets the team-managed name as a fallback. */
export type JiraFieldNamesInput = Omit<JiraFieldNames, 'storyPoints'> & { storyPoints: string | string[] };

export const DEFAULT_FIELD_NAMES: JiraFieldNames = {
  prdUrl: 'PRD',
  rfcUrl: 'RFC',
  storyPoints: ['Story Points', 'Story point estimate'],
  sprint: 'Sprint',
};

/** A Blocks link: `blocker` blocks `blocked` (on create, `inwardIssue` is the blocker). */
export interface BlocksLink {
  id: string;
  blocker: string;
  blocked: string;
}

export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  description: AdfDocument | null;
  /** Plain text of the description (paragraphs separated by blank lines). */
  descriptionText: string;
  issueType: string;
  projectKey: string;
  status: string;
  /** "new" | "indeterminate" | "done" */
  statusCategory: string | null;
  labels: string[];
  parentKey: string | null;
  assignee: { accountId: string; displayName: string } | null;
  prdUrl: string | null;
  rfcUrl: string | null;
  storyPoints: number | null;
  originalEstimateSeconds: number | null;
  /** Blocks links touching this issue (only when `issuelinks` was fetched). */
  blocks: BlocksLink[];
  sprintIds: number[];
  created: string | null;
  updated: string | null;
  /** Every field as Jira returned it, for what this shape does not name. */
  fields: Record<string, unknown>;
}

export interface NewIssue {
  projectKey: string;
  /** Issue type name: Epic, Story, Task, Bug, Sub-task... */
  issueType: string;
  summary: string;
  /** Markdown, converted to ADF. Ignored when `descriptionAdf` is given. */
  description?: string;
  descriptionAdf?: AdfDocument;
  /** Epic (or parent) key. */
  parentKey?: string;
  labels?: string[];
  storyPoints?: number;
  /** Jira duration, e.g. "3d", "1w 2d", "4h". */
  originalEstimate?: string;
  prdUrl?: string;
  rfcUrl?: string;
  /** Raw extra fields by id (customfield_10001) or display name. */
  extraFields?: Record<string, unknown>;
}

export type IssuePatch = Partial<Omit<NewIssue, 'projectKey' | 'issueType'>> & {
  /** Labels added to / removed from the current set without replacing it. */
  addLabels?: string[];
  removeLabels?: string[];
};

export interface CreatedIssue {
  id: string;
  key: string;
}

export interface CreatedOnce extends CreatedIssue {
  /**
   * False when an issue with the same idempotency key existed before this call; true when this call made it,
   * also when Jira's answer to the create was lost and the issue was found afterwards.
   */
  created: boolean;
}

export interface JiraBoard {
  id: number;
  name: string;
  type: string;
  projectKey: string | null;
}

export type SprintState = 'future' | 'active' | 'closed';

export interface JiraSprint {
  id: number;
  name: string;
  state: SprintState;
  boardId: number | null;
  startDate: string | null;
  endDate: string | null;
  completeDate: string | null;
  goal: string | null;
}

export interface NewSprint {
  boardId: number;
  name: string;
  /** ISO date-time */
  startDate?: string;
  endDate?: string;
  goal?: string;
}

export type SprintPatch = Partial<Omit<NewSprint, 'boardId'>> & { state?: SprintState };

export interface SearchOptions {
  /** Field ids or names; defaults to the fields JiraIssue maps. */
  fields?: string[];
  /** Page size asked of Jira (it may return fewer). */
  pageSize?: number;
  /** Stop after this many issues in total. */
  limit?: number;
}

export interface JiraClient {
  /** Throws AtlassianError not_found "Issue KEY does not exist" for an unknown key. */
  getIssue(key: string, opts?: { fields?: string[] }): Promise<JiraIssue>;
  /** JQL through /rest/api/3/search/jql, following nextPageToken to the end (or `limit`). */
  searchJql(jql: string, opts?: SearchOptions): Promise<JiraIssue[]>;
  /** Children of an epic through `parent = KEY`. */
  getEpicChildren(epicKey: string, opts?: SearchOptions): Promise<JiraIssue[]>;

  createIssue(input: NewIssue): Promise<CreatedIssue>;
  /** /rest/api/3/issue/bulk in chunks of 50; throws after the chunk with element errors. */
  createIssues(inputs: NewIssue[]): Promise<CreatedIssue[]>;
  /** Finds the issue created earlier with this key, or creates it (once, even across crashes and retries). */
  createIssueOnce(input: NewIssue, idempotencyKey: string): Promise<CreatedOnce>;
  /**
   * Bulk variant of createIssueOnce; results are in input order. When Jira rejects some elements it
   * throws (bad_request, with one detail per element) after creating the others; a retry finds those.
   */
  createIssuesOnce(items: { input: NewIssue; idempotencyKey: string }[]): Promise<CreatedOnce[]>;
  findByIdempotencyKey(idempotencyKey: string): Promise<CreatedIssue | null>;
  updateIssue(key: string, patch: IssuePatch): Promise<void>;

  getBlocksLinks(key: string): Promise<BlocksLink[]>;
  /** Creates "blocker blocks blocked" unconditionally. */
  linkBlocks(blocker: string, blocked: string): Promise<void>;
  /** Creates the Blocks link unless it already exists. */
  linkOnce(blocker: string, blocked: string): Promise<{ created: boolean }>;
  deleteLink(linkId: string): Promise<void>;

  /** Adds a comment (markdown); with an idempotency key, a comment carrying the same key is not added twice. */
  addComment(
    key: string,
    markdown: string,
    opts?: { idempotencyKey?: string },
  ): Promise<{ id: string; created: boolean }>;

  getIssueProperty<T = unknown>(key: string, property: string): Promise<T | null>;
  setIssueProperty(key: string, property: string, value: unknown): Promise<void>;

  getBoards(opts?: { projectKey?: string; name?: string }): Promise<JiraBoard[]>;
  getBoardSprints(boardId: number, opts?: { states?: SprintState[] }): Promise<JiraSprint[]>;
  getSprint(sprintId: number): Promise<JiraSprint>;
  createSprint(input: NewSprint): Promise<JiraSprint>;
  /** Returns the board's sprint of that name if there is one, else creates it. */
  createSprintOnce(input: NewSprint): Promise<JiraSprint & { created: boolean }>;
  updateSprint(sprintId: number, patch: SprintPatch): Promise<JiraSprint>;
  /** Moves issues into a sprint, 50 per request (Jira's limit). */
  moveIssuesToSprint(sprintId: number, keys: string[]): Promise<void>;
  /** Removes issues from their sprints (moves them to the backlog), 50 per request. */
  moveIssuesToBacklog(keys: string[]): Promise<void>;
  getSprintIssues(sprintId: number, opts?: SearchOptions): Promise<JiraIssue[]>;
}
