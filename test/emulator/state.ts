/** The emulator's data: what a test seeds, inspects and asserts on. Plain objects and Maps. */

export type SprintState = 'future' | 'active' | 'closed';
export type Access = 'write' | 'read';

export interface EmuUser {
  accountId: string;
  displayName: string;
  email: string;
  /** Basic auth: email + apiToken. */
  apiToken?: string;
  /** Bearer tokens accepted for this account (a Forge app system token, for example). */
  bearerTokens?: string[];
  /** `read` accounts get 403 on every write. */
  access: Access;
}

export interface EmuProject {
  id: string;
  key: string;
  name: string;
  nextNumber: number;
}

export interface EmuField {
  id: string;
  key: string;
  name: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema: { type: string; items?: string; system?: string; custom?: string; customId?: number };
}

export interface EmuIssueType {
  id: string;
  name: string;
  subtask: boolean;
  hierarchyLevel: number;
}

export interface EmuStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface EmuComment {
  id: string;
  body: unknown;
  authorId: string;
  created: string;
  properties: Record<string, unknown>;
}

export interface EmuIssue {
  id: string;
  key: string;
  projectKey: string;
  issueTypeId: string;
  summary: string;
  /** ADF document or null. */
  description: unknown;
  statusId: string;
  labels: string[];
  parentKey: string | null;
  assigneeId: string | null;
  originalEstimateSeconds: number | null;
  /** Custom field values by field id. */
  custom: Record<string, unknown>;
  properties: Record<string, unknown>;
  comments: EmuComment[];
  /** Sprints the issue is or was in, oldest first; at most one of them not closed. */
  sprintIds: number[];
  created: string;
  updated: string;
  /** Creation order, for stable ordering. */
  seq: number;
}

export interface EmuLink {
  id: string;
  typeId: string;
  /** Issue key given as `inwardIssue` on create (for Blocks: the blocker). */
  inward: string;
  /** Issue key given as `outwardIssue` on create (for Blocks: the blocked issue). */
  outward: string;
}

export interface EmuLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export interface EmuBoard {
  id: number;
  name: string;
  type: 'scrum' | 'kanban';
  projectKey: string;
}

export interface EmuSprint {
  id: number;
  boardId: number;
  name: string;
  state: SprintState;
  startDate: string | null;
  endDate: string | null;
  completeDate: string | null;
  createdDate: string;
  goal: string;
}

export interface EmuSpace {
  id: string;
  key: string;
  name: string;
}

export interface EmuPageVersion {
  number: number;
  title: string;
  storage: string;
  message: string;
  authorId: string;
  createdAt: string;
}

export interface EmuPage {
  id: string;
  spaceId: string;
  parentId: string | null;
  title: string;
  status: 'current' | 'draft' | 'archived' | 'trashed';
  storage: string;
  version: number;
  authorId: string;
  createdAt: string;
  /** Every version, oldest first (the last is the current one). */
  history: EmuPageVersion[];
}

export interface RequestRecord {
  method: string;
  /** Path without the gateway prefix. */
  path: string;
  /** Path as received (with /ex/jira/<cloudId> when the gateway form was used). */
  rawPath: string;
  status: number;
  /** The fault that answered instead of the emulator, if any. */
  fault?: string;
  /** 'after' when the request was carried out and only its answer was lost. */
  faultPhase?: 'after';
  accountId?: string;
}

export interface EmulatorState {
  users: EmuUser[];
  projects: EmuProject[];
  fields: EmuField[];
  issueTypes: EmuIssueType[];
  statuses: EmuStatus[];
  linkTypes: EmuLinkType[];
  issues: Map<string, EmuIssue>;
  links: EmuLink[];
  boards: EmuBoard[];
  sprints: Map<number, EmuSprint>;
  spaces: EmuSpace[];
  pages: Map<string, EmuPage>;
  /** Every request received, in arrival order. */
  requests: RequestRecord[];
  /** Requests being handled now, and the most there ever were at once. */
  load: { inFlight: number; maxInFlight: number };
  counters: {
    issueId: number;
    linkId: number;
    sprintId: number;
    commentId: number;
    boardId: number;
    seq: number;
  };
}

export const DEFAULT_USERS: EmuUser[] = [
  {
    accountId: '5b10a2844c20165700ede21g',
    displayName: 'Emulator Admin',
    email: 'admin@example.com',
    apiToken: 'emulator-api-token',
    bearerTokens: ['emulator-system-token'],
    access: 'write',
  },
  {
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    displayName: 'Read Only',
    email: 'reader@example.com',
    apiToken: 'reader-api-token',
    bearerTokens: ['reader-system-token'],
    access: 'read',
  },
];

const system = (
  id: string,
  name: string,
  type: string,
  extra: Partial<EmuField['schema']> = {},
): EmuField => ({
  id,
  key: id,
  name,
  custom: false,
  orderable: true,
  navigable: true,
  searchable: true,
  clauseNames: [id],
  schema: { type, system: id, ...extra },
});

const CUSTOM_TYPES = {
  url: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:url' },
  number: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  text: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
  textarea: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' },
  sprint: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
} as const;
export type CustomFieldKind = keyof typeof CUSTOM_TYPES;

export function customField(id: string, name: string, kind: CustomFieldKind): EmuField {
  const customId = Number(id.replace('customfield_', ''));
  return {
    id,
    key: id,
    name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${customId}]`, name],
    schema: { ...CUSTOM_TYPES[kind], customId },
  };
}

export function customKind(f: EmuField): CustomFieldKind | undefined {
  for (const [k, v] of Object.entries(CUSTOM_TYPES))
    if (v.custom === f.schema.custom) return k as CustomFieldKind;
  return undefined;
}

export const SYSTEM_FIELDS: EmuField[] = [
  system('summary', 'Summary', 'string'),
  system('description', 'Description', 'string'),
  system('issuetype', 'Issue Type', 'issuetype'),
  system('project', 'Project', 'project'),
  system('status', 'Status', 'status'),
  system('labels', 'Labels', 'array', { items: 'string' }),
  system('parent', 'Parent', 'issuelink'),
  system('issuelinks', 'Linked Issues', 'array', { items: 'issuelinks' }),
  system('timetracking', 'Time tracking', 'timetracking'),
  system('timeoriginalestimate', 'Original Estimate', 'number'),
  system('assignee', 'Assignee', 'user'),
  system('created', 'Created', 'datetime'),
  system('updated', 'Updated', 'datetime'),
];

export const DEFAULT_CUSTOM_FIELDS: EmuField[] = [
  customField('customfield_10016', 'Story Points', 'number'),
  customField('customfield_10020', 'Sprint', 'sprint'),
  customField('customfield_10050', 'PRD', 'url'),
  customField('customfield_10051', 'RFC', 'url'),
];

export const ISSUE_TYPES: EmuIssueType[] = [
  { id: '10000', name: 'Epic', subtask: false, hierarchyLevel: 1 },
  { id: '10001', name: 'Story', subtask: false, hierarchyLevel: 0 },
  { id: '10002', name: 'Task', subtask: false, hierarchyLevel: 0 },
  { id: '10003', name: 'Bug', subtask: false, hierarchyLevel: 0 },
  { id: '10004', name: 'Sub-task', subtask: true, hierarchyLevel: -1 },
];

export const STATUSES: EmuStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '3', name: 'In Progress', category: 'indeterminate' },
  { id: '10001', name: 'Done', category: 'done' },
];

export const LINK_TYPES: EmuLinkType[] = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
];

/** Jira durations: 1w = 5d, 1d = 8h (the default working time). */
export function parseDuration(text: string): number | undefined {
  const parts = text.trim().toLowerCase().split(/\s+/);
  if (parts.length === 0 || parts[0] === '') return undefined;
  const unit: Record<string, number> = { w: 5 * 8 * 3600, d: 8 * 3600, h: 3600, m: 60 };
  let total = 0;
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)([wdhm])$/.exec(p);
    if (!m) return undefined;
    total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
  }
  return Math.round(total);
}

export function formatDuration(seconds: number): string {
  const units: [string, number][] = [
    ['w', 5 * 8 * 3600],
    ['d', 8 * 3600],
    ['h', 3600],
    ['m', 60],
  ];
  const out: string[] = [];
  let left = seconds;
  for (const [u, s] of units) {
    const n = Math.floor(left / s);
    if (n > 0) out.push(`${n}${u}`);
    left -= n * s;
  }
  return out.join(' ') || '0m';
}

/** Jira's timestamp style: 2025-01-31T10:00:00.000+0000 */
export function jiraTime(d: Date = new Date()): string {
  return d.toISOString().replace('Z', '+0000');
}

export function emptyState(): EmulatorState {
  return {
    users: [],
    projects: [],
    fields: [...SYSTEM_FIELDS, ...DEFAULT_CUSTOM_FIELDS],
    issueTypes: [...ISSUE_TYPES],
    statuses: [...STATUSES],
    linkTypes: [...LINK_TYPES],
    issues: new Map(),
    links: [],
    boards: [],
    sprints: new Map(),
    spaces: [],
    pages: new Map(),
    requests: [],
    load: { inFlight: 0, maxInFlight: 0 },
    counters: { issueId: 10000, linkId: 10000, sprintId: 0, commentId: 10000, boardId: 0, seq: 0 },
  };
}

/** Issues of a project in key order. */
export function issuesOf(state: EmulatorState, projectKey?: string): EmuIssue[] {
  return [...state.issues.values()]
    .filter((i) => !projectKey || i.projectKey === projectKey)
    .sort((a, b) => a.seq - b.seq);
}
