/** Jira REST v3: fields, issues (get/create/bulk/edit), search/jql, links, properties, comments. */
import { adfToText, ISSUE_KEY_SOURCE, isAdfDocument } from '@augment/shared';
import {
  asObject,
  type Ctx,
  EmuHttpError,
  intParam,
  jiraError,
  listParam,
  ok,
  type Reply,
  requireWrite,
} from './http-kit.js';
import { evaluateJql, type JqlBinding, JqlError, parseJql } from './jql.js';
import {
  customKind,
  type EmuField,
  type EmuIssue,
  type EmuLink,
  type EmulatorState,
  type EmuSprint,
  formatDuration,
  jiraTime,
  parseDuration,
} from './state.js';

const CANNOT_SET = (id: string) =>
  `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
const NO_ISSUE = 'Issue does not exist or you do not have permission to see it.';

/** Jira's JQL reads an issue key in any case (`key = demo-1`); the key rule itself is shared. */
const JQL_ISSUE_KEY = new RegExp(`^${ISSUE_KEY_SOURCE}$`, 'i');

export function isAdf(v: unknown): boolean {
  const o = asObject(v);
  return o.type === 'doc' && o.version === 1 && Array.isArray(o.content);
}

/** Plain text of an ADF document: the runner's one ADF -> text walker (shared). */
export function adfText(node: unknown): string {
  return isAdfDocument(node) ? adfToText(node) : '';
}

export function textToAdf(text: string): unknown {
  return {
    type: 'doc',
    version: 1,
    content: text
      .split(/\n{2,}/)
      .map((p) => ({ type: 'paragraph', content: p ? [{ type: 'text', text: p }] : [] })),
  };
}

export function findIssue(state: EmulatorState, keyOrId: string): EmuIssue | undefined {
  const byKey = state.issues.get(keyOrId.toUpperCase());
  if (byKey) return byKey;
  for (const i of state.issues.values()) if (i.id === keyOrId) return i;
  return undefined;
}

function mustIssue(state: EmulatorState, keyOrId: string): EmuIssue {
  const i = findIssue(state, keyOrId);
  if (!i) throw jiraError(404, [NO_ISSUE]);
  return i;
}

function fieldById(state: EmulatorState, id: string): EmuField | undefined {
  return state.fields.find((f) => f.id === id);
}

function _sprintField(state: EmulatorState): EmuField | undefined {
  return state.fields.find((f) => f.custom && customKind(f) === 'sprint');
}

export function sprintJson(ctx: Ctx, s: EmuSprint): Record<string, unknown> {
  return {
    id: s.id,
    self: `${ctx.baseUrl}/rest/agile/1.0/sprint/${s.id}`,
    state: s.state,
    name: s.name,
    ...(s.startDate ? { startDate: s.startDate } : {}),
    ...(s.endDate ? { endDate: s.endDate } : {}),
    ...(s.completeDate ? { completeDate: s.completeDate } : {}),
    createdDate: s.createdDate,
    originBoardId: s.boardId,
    goal: s.goal,
  };
}

function userJson(ctx: Ctx, accountId: string | null): unknown {
  const u = ctx.state.users.find((x) => x.accountId === accountId);
  if (!u) return null;
  return {
    self: `${ctx.baseUrl}/rest/api/3/user?accountId=${u.accountId}`,
    accountId: u.accountId,
    displayName: u.displayName,
    emailAddress: u.email,
    active: true,
    accountType: 'atlassian',
  };
}

function statusJson(ctx: Ctx, issue: EmuIssue) {
  const s = ctx.state.statuses.find((x) => x.id === issue.statusId) ?? ctx.state.statuses[0]!;
  const cat = { new: [2, 'To Do'], indeterminate: [4, 'In Progress'], done: [3, 'Done'] }[s.category];
  return {
    self: `${ctx.baseUrl}/rest/api/3/status/${s.id}`,
    id: s.id,
    name: s.name,
    statusCategory: { id: cat[0], key: s.category, name: cat[1] },
  };
}

function issueTypeJson(ctx: Ctx, issue: EmuIssue) {
  const t = ctx.state.issueTypes.find((x) => x.id === issue.issueTypeId)!;
  return {
    self: `${ctx.baseUrl}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    name: t.name,
    subtask: t.subtask,
    hierarchyLevel: t.hierarchyLevel,
  };
}

function linkedIssueJson(ctx: Ctx, key: string) {
  const i = findIssue(ctx.state, key);
  if (!i) return { key };
  return {
    id: i.id,
    key: i.key,
    self: `${ctx.baseUrl}/rest/api/3/issue/${i.id}`,
    fields: { summary: i.summary, status: statusJson(ctx, i), issuetype: issueTypeJson(ctx, i) },
  };
}

function linkTypeJson(ctx: Ctx, typeId: string) {
  const t = ctx.state.linkTypes.find((x) => x.id === typeId)!;
  return {
    id: t.id,
    name: t.name,
    inward: t.inward,
    outward: t.outward,
    self: `${ctx.baseUrl}/rest/api/3/issueLinkType/${t.id}`,
  };
}

/**
 * On an issue's view the other issue appears under the role it had at creation: the issue given as
 * `inwardIssue` shows on the other one as `inwardIssue` ("is blocked by"), and vice versa.
 */
function issueLinksJson(ctx: Ctx, issue: EmuIssue) {
  const out: unknown[] = [];
  for (const l of ctx.state.links) {
    const base = {
      id: l.id,
      self: `${ctx.baseUrl}/rest/api/3/issueLink/${l.id}`,
      type: linkTypeJson(ctx, l.typeId),
    };
    if (l.outward === issue.key) out.push({ ...base, inwardIssue: linkedIssueJson(ctx, l.inward) });
    else if (l.inward === issue.key) out.push({ ...base, outwardIssue: linkedIssueJson(ctx, l.outward) });
  }
  return out;
}

/** Every field value of an issue, as REST v3 (or, with `agile`, Agile 1.0) renders it. */
function allFields(ctx: Ctx, issue: EmuIssue, agile: boolean): Record<string, unknown> {
  const project = ctx.state.projects.find((p) => p.key === issue.projectKey)!;
  const parent = issue.parentKey ? findIssue(ctx.state, issue.parentKey) : undefined;
  const sprints = issue.sprintIds.map((id) => ctx.state.sprints.get(id)).filter((s): s is EmuSprint => !!s);
  const out: Record<string, unknown> = {
    summary: issue.summary,
    // Agile 1.0 speaks REST v2: rich text comes back as plain text.
    description: agile
      ? issue.description
        ? adfText(issue.description)
        : null
      : (issue.description ?? null),
    issuetype: issueTypeJson(ctx, issue),
    project: {
      self: `${ctx.baseUrl}/rest/api/3/project/${project.id}`,
      id: project.id,
      key: project.key,
      name: project.name,
    },
    status: statusJson(ctx, issue),
    labels: [...issue.labels],
    issuelinks: issueLinksJson(ctx, issue),
    timetracking:
      issue.originalEstimateSeconds === null
        ? {}
        : {
            originalEstimate: formatDuration(issue.originalEstimateSeconds),
            originalEstimateSeconds: issue.originalEstimateSeconds,
          },
    timeoriginalestimate: issue.originalEstimateSeconds,
    assignee: userJson(ctx, issue.assigneeId),
    created: issue.created,
    updated: issue.updated,
  };
  if (parent) {
    out.parent = {
      id: parent.id,
      key: parent.key,
      self: `${ctx.baseUrl}/rest/api/3/issue/${parent.id}`,
      fields: {
        summary: parent.summary,
        status: statusJson(ctx, parent),
        issuetype: issueTypeJson(ctx, parent),
      },
    };
  }
  for (const f of ctx.state.fields) {
    if (!f.custom) continue;
    if (customKind(f) === 'sprint') {
      out[f.id] = sprints.length
        ? sprints.map((s) => ({
            id: s.id,
            name: s.name,
            state: s.state,
            boardId: s.boardId,
            goal: s.goal,
            startDate: s.startDate,
            endDate: s.endDate,
          }))
        : null;
    } else out[f.id] = issue.custom[f.id] ?? null;
  }
  if (agile) {
    const current = sprints.find((s) => s.state !== 'closed');
    out.sprint = current ? sprintJson(ctx, current) : null;
    out.closedSprints = sprints.filter((s) => s.state === 'closed').map((s) => sprintJson(ctx, s));
  }
  return out;
}

export function renderIssue(
  ctx: Ctx,
  issue: EmuIssue,
  opts: { fields?: string[]; properties?: string[]; agile?: boolean } = {},
): Record<string, unknown> {
  const all = allFields(ctx, issue, opts.agile ?? false);
  const wanted = opts.fields;
  let fields: Record<string, unknown> = all;
  if (wanted && wanted.length > 0 && !wanted.some((f) => f === '*all' || f === '*navigable')) {
    fields = {};
    for (const f of wanted) if (!f.startsWith('-') && f in all) fields[f] = all[f];
  }
  for (const f of wanted ?? []) if (f.startsWith('-')) delete fields[f.slice(1)];
  const out: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
  if (opts.properties && opts.properties.length > 0) {
    const props: Record<string, unknown> = {};
    for (const p of opts.properties) if (p in issue.properties) props[p] = issue.properties[p];
    out.properties = props;
  }
  return out;
}

// ---- writes -------------------------------------------------------------------------------------

function refOf(v: unknown): string | undefined {
  const o = asObject(v);
  if (typeof o.key === 'string') return o.key;
  if (typeof o.id === 'string' || typeof o.id === 'number') return String(o.id);
  return undefined;
}

function checkParent(ctx: Ctx, draft: EmuIssue, parentRef: string, errors: Record<string, string>): void {
  const parent = findIssue(ctx.state, parentRef);
  if (!parent) {
    errors.parent = 'Could not find issue by id or key.';
    return;
  }
  const childLevel = ctx.state.issueTypes.find((t) => t.id === draft.issueTypeId)?.hierarchyLevel ?? 0;
  const parentLevel = ctx.state.issueTypes.find((t) => t.id === parent.issueTypeId)?.hierarchyLevel ?? 0;
  if (parentLevel !== childLevel + 1) {
    errors.parent = 'Given parent work item does not belong to appropriate hierarchy.';
    return;
  }
  draft.parentKey = parent.key;
}

function setSprintOf(state: EmulatorState, issue: EmuIssue, sprintId: number | null): void {
  // An issue is in at most one open sprint; closed sprints stay in its history.
  issue.sprintIds = issue.sprintIds.filter((id) => state.sprints.get(id)?.state === 'closed');
  if (sprintId !== null && !issue.sprintIds.includes(sprintId)) issue.sprintIds.push(sprintId);
}

/** Whether the issue is of a sub-task type. */
export function isSubtask(state: EmulatorState, issue: EmuIssue): boolean {
  return state.issueTypes.find((t) => t.id === issue.issueTypeId)?.subtask === true;
}

/** The open (future or active) sprint an issue is in, or null. */
function openSprintOf(state: EmulatorState, issue: EmuIssue): number | null {
  return issue.sprintIds.find((id) => state.sprints.get(id)?.state !== 'closed') ?? null;
}

/** Moves an issue, and as Jira does its sub-tasks with it: a sub-task is always in its parent's sprint. */
export function moveToSprint(state: EmulatorState, issue: EmuIssue, sprintId: number | null): void {
  const now = jiraTime();
  for (const i of [
    issue,
    ...[...state.issues.values()].filter((c) => c.parentKey === issue.key && isSubtask(state, c)),
  ]) {
    setSprintOf(state, i, sprintId);
    i.updated = now;
  }
}

/** Applies `fields` to `draft`, collecting Jira-style field errors instead of throwing. */
function applyFields(
  ctx: Ctx,
  draft: EmuIssue,
  fields: Record<string, unknown>,
  errors: Record<string, string>,
  creating: boolean,
) {
  for (const [id, value] of Object.entries(fields)) {
    switch (id) {
      case 'project':
      case 'issuetype':
        if (!creating) errors[id] = CANNOT_SET(id);
        break;
      case 'summary':
        if (typeof value !== 'string' || value.trim() === '')
          errors.summary = 'You must specify a summary of the issue.';
        else if (/[\r\n]/.test(value))
          errors.summary = 'The summary is invalid because it contains newline characters.';
        else if (value.length > 255) errors.summary = 'Summary must be less than 255 characters.';
        else draft.summary = value;
        break;
      case 'description':
        if (value === null) draft.description = null;
        else if (!isAdf(value)) errors.description = NOT_ADF;
        else draft.description = structuredClone(value);
        break;
      case 'labels':
        if (!Array.isArray(value) || value.some((l) => typeof l !== 'string'))
          errors.labels = 'Labels must be strings.';
        else {
          const bad = value.find((l) => /\s/.test(l as string) || (l as string).length > 255);
          if (bad !== undefined) errors.labels = `The label '${bad}' contains spaces which is invalid.`;
          else draft.labels = [...new Set(value as string[])];
        }
        break;
      case 'parent':
        if (value === null) draft.parentKey = null;
        else {
          const ref = refOf(value);
          if (!ref) errors.parent = 'Could not find issue by id or key.';
          else checkParent(ctx, draft, ref, errors);
        }
        break;
      case 'timetracking': {
        const est = asObject(value).originalEstimate;
        if (est === undefined) break;
        const secs = typeof est === 'string' ? parseDuration(est) : undefined;
        if (secs === undefined) errors.timetracking = 'The original estimate specified is not valid.';
        else draft.originalEstimateSeconds = secs;
        break;
      }
      case 'assignee': {
        if (value === null) draft.assigneeId = null;
        else {
          const accountId = asObject(value).accountId;
          if (!ctx.state.users.some((u) => u.accountId === accountId)) {
            errors.assignee = 'Specified user does not exist or you do not have required permissions';
          } else draft.assigneeId = accountId as string;
        }
        break;
      }
      default: {
        const f = fieldById(ctx.state, id);
        if (!f?.custom) {
          errors[id] = CANNOT_SET(id);
          break;
        }
        const kind = customKind(f);
        if (value === null) {
          if (kind === 'sprint') setSprintOf(ctx.state, draft, null);
          else delete draft.custom[id];
        } else if (kind === 'number') {
          if (typeof value !== 'number' || !Number.isFinite(value))
            errors[id] = 'Operation value must be a number';
          else draft.custom[id] = value;
        } else if (kind === 'url') {
          if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) errors[id] = 'Not a valid URL';
          else draft.custom[id] = value;
        } else if (kind === 'textarea') {
          if (!isAdf(value)) errors[id] = NOT_ADF;
          else draft.custom[id] = structuredClone(value);
        } else if (kind === 'sprint') {
          const sprint = typeof value === 'number' ? ctx.state.sprints.get(value) : undefined;
          if (!sprint || sprint.state === 'closed') errors[id] = 'Sprint must be a valid, open sprint id';
          else setSprintOf(ctx.state, draft, sprint.id);
        } else if (typeof value !== 'string') errors[id] = 'Operation value must be a string';
        else draft.custom[id] = value;
      }
    }
  }
}

function applyUpdateOps(draft: EmuIssue, update: unknown, errors: Record<string, string>) {
  for (const [id, ops] of Object.entries(asObject(update))) {
    if (!Array.isArray(ops)) {
      errors[id] = 'Update operations must be a list.';
      continue;
    }
    for (const op of ops.map(asObject)) {
      if (id === 'labels') {
        if (typeof op.add === 'string') draft.labels = [...new Set([...draft.labels, op.add])];
        else if (typeof op.remove === 'string') draft.labels = draft.labels.filter((l) => l !== op.remove);
        else if (Array.isArray(op.set)) draft.labels = [...new Set(op.set as string[])];
        else errors.labels = 'Unsupported label operation.';
      } else if (id === 'summary' && typeof op.set === 'string') draft.summary = op.set;
      else errors[id] = CANNOT_SET(id);
    }
  }
}

function createOne(ctx: Ctx, body: unknown): EmuIssue {
  const b = asObject(body);
  const fields = asObject(b.fields);
  const errors: Record<string, string> = {};
  const projectRef = refOf(fields.project);
  const project = ctx.state.projects.find((p) => p.key === projectRef || p.id === projectRef);
  if (!project) errors.project = 'valid project is required';
  const typeRef = asObject(fields.issuetype);
  const type = ctx.state.issueTypes.find((t) => t.name === typeRef.name || t.id === String(typeRef.id));
  if (!type) errors.issuetype = 'The issue type selected is invalid.';
  if (fields.summary === undefined) errors.summary = 'You must specify a summary of the issue.';
  const now = jiraTime();
  const draft: EmuIssue = {
    id: '',
    key: '',
    projectKey: project?.key ?? '',
    issueTypeId: type?.id ?? '',
    summary: '',
    description: null,
    statusId: ctx.state.statuses[0]!.id,
    labels: [],
    parentKey: null,
    assigneeId: null,
    originalEstimateSeconds: null,
    custom: {},
    properties: {},
    comments: [],
    sprintIds: [],
    created: now,
    updated: now,
    seq: 0,
  };
  if (type?.subtask && fields.parent === undefined) errors.parent = 'Sub-tasks must have a parent.';
  applyFields(ctx, draft, fields, errors, true);
  if (b.update !== undefined) applyUpdateOps(draft, b.update, errors);
  const props = Array.isArray(b.properties) ? b.properties.map(asObject) : [];
  for (const p of props) {
    if (typeof p.key !== 'string' || p.key.length === 0 || p.key.length > 255)
      errors.properties = 'Property keys must be 1 to 255 characters.';
  }
  if (Object.keys(errors).length > 0 || !project) throw jiraError(400, [], errors);
  const st = ctx.state;
  draft.id = String(++st.counters.issueId);
  draft.key = `${project.key}-${project.nextNumber++}`;
  draft.seq = ++st.counters.seq;
  for (const p of props) draft.properties[p.key as string] = structuredClone(p.value);
  // A new sub-task joins its parent's sprint.
  const parent = draft.parentKey ? st.issues.get(draft.parentKey) : undefined;
  if (parent && type?.subtask) setSprintOf(st, draft, openSprintOf(st, parent));
  st.issues.set(draft.key, draft);
  return draft;
}

function createdJson(ctx: Ctx, i: EmuIssue) {
  return { id: i.id, key: i.key, self: `${ctx.baseUrl}/rest/api/3/issue/${i.id}` };
}

// ---- search -------------------------------------------------------------------------------------

function jqlBinding(ctx: Ctx): JqlBinding<EmuIssue> {
  const st = ctx.state;
  const customByName = (name: string) => {
    const cf = /^cf\[(\d+)\]$/i.exec(name);
    if (cf) return st.fields.find((f) => f.id === `customfield_${cf[1]}`);
    return st.fields.find((f) => f.custom && f.name.toLowerCase() === name.toLowerCase());
  };
  return {
    values(issue, field) {
      const f = field.toLowerCase();
      const prop = /^issue\.property\[([^\]]+)\]\.(.+)$/i.exec(field);
      if (prop) {
        let v: unknown = issue.properties[prop[1] ?? ''];
        for (const part of (prop[2] ?? '').split('.')) v = asObject(v)[part];
        return v === undefined || v === null ? [] : [String(v)];
      }
      switch (f) {
        case 'project': {
          const p = st.projects.find((x) => x.key === issue.projectKey)!;
          return [p.key, p.id, p.name];
        }
        case 'key':
        case 'issuekey':
        case 'id':
          return [issue.key, issue.id];
        case 'issuetype':
        case 'type': {
          const t = st.issueTypes.find((x) => x.id === issue.issueTypeId)!;
          return [t.name, t.id];
        }
        case 'status': {
          const s = st.statuses.find((x) => x.id === issue.statusId)!;
          return [s.name, s.id];
        }
        case 'statuscategory':
          return [st.statuses.find((x) => x.id === issue.statusId)!.category];
        case 'labels':
          return issue.labels;
        case 'parent':
        case 'epic link': {
          const p = issue.parentKey ? findIssue(st, issue.parentKey) : undefined;
          return p ? [p.key, p.id] : [];
        }
        case 'sprint':
          return issue.sprintIds.flatMap((id) => [id, st.sprints.get(id)?.name ?? '']);
        case 'assignee':
          return issue.assigneeId ? [issue.assigneeId] : [];
        case 'summary':
          return [issue.summary];
        default: {
          const cf = customByName(field);
          if (!cf)
            throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
          if (customKind(cf) === 'sprint') return issue.sprintIds;
          const v = issue.custom[cf.id];
          if (v === undefined || v === null) return [];
          return [typeof v === 'number' ? v : typeof v === 'string' ? v : adfText(v)];
        }
      }
    },
    fn(name, field) {
      const sprintsIn = (states: string[]) =>
        [...st.sprints.values()].filter((s) => states.includes(s.state)).map((s) => s.id);
      if (name === 'opensprints') return sprintsIn(['active', 'future']);
      if (name === 'closedsprints') return sprintsIn(['closed']);
      if (name === 'futuresprints') return sprintsIn(['future']);
      if (name === 'currentuser') return [ctx.user.accountId];
      throw new JqlError(`Unable to find JQL function '${name}()' for field '${field}'.`);
    },
    checkLiteral(field, value) {
      const f = field.toLowerCase();
      if (
        f === 'project' &&
        !st.projects.some((p) => [p.key, p.id, p.name].some((x) => x.toLowerCase() === value.toLowerCase()))
      ) {
        throw new JqlError(`The value '${value}' does not exist for the field 'project'.`);
      }
      if (['key', 'issuekey', 'parent'].includes(f) && JQL_ISSUE_KEY.test(value) && !findIssue(st, value)) {
        throw new JqlError(`An issue with key '${value.toUpperCase()}' does not exist for field '${field}'.`);
      }
    },
    textValues(issue, field) {
      const f = field.toLowerCase();
      if (f === 'summary') return issue.summary;
      if (f === 'description') return issue.description ? adfText(issue.description) : '';
      if (f === 'text')
        return [
          issue.summary,
          issue.description ? adfText(issue.description) : '',
          ...issue.comments.map((c) => adfText(c.body)),
        ].join(' ');
      throw new JqlError(`The operator '~' is not supported by the '${field}' field.`);
    },
  };
}

/** Issues matching `jql`, in its ORDER BY (default: creation order). Throws 400 on bad JQL. */
export function runJql(
  ctx: Ctx,
  jql: string,
  issues: Iterable<EmuIssue> = ctx.state.issues.values(),
): EmuIssue[] {
  try {
    const q = parseJql(jql);
    const b = jqlBinding(ctx);
    const hits = [...issues].filter((i) => evaluateJql(q.where, i, b));
    const keyNum = (i: EmuIssue) => Number(i.key.split('-').pop());
    hits.sort((a, b2) => {
      for (const o of q.orderBy) {
        const f = o.field.toLowerCase();
        let c = 0;
        if (f === 'key' || f === 'issuekey')
          c = a.projectKey.localeCompare(b2.projectKey) || keyNum(a) - keyNum(b2);
        else if (f === 'created' || f === 'rank' || f === 'id') c = a.seq - b2.seq;
        else if (f === 'updated') c = a.updated.localeCompare(b2.updated);
        else if (f === 'summary') c = a.summary.localeCompare(b2.summary);
        else if (f === 'status' || f === 'priority') c = 0;
        else
          throw new JqlError(`Field '${o.field}' does not exist or you do not have permission to view it.`);
        if (c !== 0) return o.desc ? -c : c;
      }
      return a.seq - b2.seq;
    });
    return hits;
  } catch (err) {
    if (err instanceof JqlError) throw jiraError(400, [err.message]);
    throw err;
  }
}

function search(
  ctx: Ctx,
  input: {
    jql?: unknown;
    nextPageToken?: unknown;
    maxResults?: unknown;
    fields?: unknown;
    properties?: unknown;
  },
): Reply {
  const jql = typeof input.jql === 'string' ? input.jql : '';
  if (jql.trim() === '' || !/\S/.test(jql.replace(/order\s+by.*/i, ''))) {
    // Unbounded queries are refused by the enhanced search.
    throw jiraError(400, [
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    ]);
  }
  const max = Math.min(Math.max(Number(input.maxResults ?? 50) || 50, 1), 100);
  let offset = 0;
  if (typeof input.nextPageToken === 'string' && input.nextPageToken !== '') {
    const m = /^o:(\d+)$/.exec(Buffer.from(input.nextPageToken, 'base64url').toString());
    if (!m) throw jiraError(400, ['The provided next page token is invalid or expired.']);
    offset = Number(m[1]);
  }
  const hits = runJql(ctx, jql);
  const page = hits.slice(offset, offset + max);
  const more = offset + max < hits.length;
  const fields = Array.isArray(input.fields) ? (input.fields as string[]) : undefined;
  const properties = Array.isArray(input.properties) ? (input.properties as string[]) : undefined;
  return ok({
    issues: page.map((i) => renderIssue(ctx, i, { fields: fields ?? ['*navigable'], properties })),
    ...(more ? { nextPageToken: Buffer.from(`o:${offset + max}`).toString('base64url') } : {}),
    isLast: !more,
  });
}

// ---- routes -------------------------------------------------------------------------------------

type Handler = (ctx: Ctx, params: string[]) => Reply;
export const jiraRoutes: [string, RegExp, Handler][] = [
  ['GET', /^\/rest\/api\/3\/myself$/, (ctx) => ok(userJson(ctx, ctx.user.accountId))],
  ['GET', /^\/rest\/api\/3\/field$/, (ctx) => ok(ctx.state.fields.map((f) => structuredClone(f)))],
  [
    'GET',
    /^\/rest\/api\/3\/issueLinkType$/,
    (ctx) => ok({ issueLinkTypes: ctx.state.linkTypes.map((t) => linkTypeJson(ctx, t.id)) }),
  ],
  [
    'GET',
    /^\/rest\/api\/3\/search$/,
    () => {
      throw jiraError(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
      ]);
    },
  ],
  [
    'GET',
    /^\/rest\/api\/3\/search\/jql$/,
    (ctx) =>
      search(ctx, {
        jql: ctx.query.get('jql') ?? undefined,
        nextPageToken: ctx.query.get('nextPageToken') ?? undefined,
        maxResults: ctx.query.get('maxResults') ?? undefined,
        fields: listParam(ctx.query, 'fields'),
        properties: listParam(ctx.query, 'properties'),
      }),
  ],
  ['POST', /^\/rest\/api\/3\/search\/jql$/, (ctx) => search(ctx, asObject(ctx.body))],
  [
    'POST',
    /^\/rest\/api\/3\/issue$/,
    (ctx) => {
      requireWrite(ctx, 'You do not have permission to create issues in this project.');
      return ok(createdJson(ctx, createOne(ctx, ctx.body)), 201);
    },
  ],
  [
    'POST',
    /^\/rest\/api\/3\/issue\/bulk$/,
    (ctx) => {
      requireWrite(ctx, 'You do not have permission to create issues in this project.');
      const updates = asObject(ctx.body).issueUpdates;
      if (!Array.isArray(updates) || updates.length === 0)
        throw jiraError(400, ['issueUpdates must be a non-empty list.']);
      if (updates.length > 50)
        throw jiraError(400, ['You can create at most 50 issues in one bulk request.']);
      const issues: unknown[] = [];
      const errors: unknown[] = [];
      updates.forEach((u, i) => {
        try {
          issues.push(createdJson(ctx, createOne(ctx, u)));
        } catch (err) {
          if (!(err instanceof EmuHttpError)) throw err;
          errors.push({ status: err.status, elementErrors: err.body, failedElementNumber: i });
        }
      });
      return ok({ issues, errors }, issues.length > 0 ? 201 : 400);
    },
  ],
  [
    'GET',
    /^\/rest\/api\/3\/issue\/([^/]+)$/,
    (ctx, [key]) =>
      ok(
        renderIssue(ctx, mustIssue(ctx.state, key!), {
          fields: listParam(ctx.query, 'fields'),
          properties: listParam(ctx.query, 'properties'),
        }),
      ),
  ],
  [
    'PUT',
    /^\/rest\/api\/3\/issue\/([^/]+)$/,
    (ctx, [key]) => {
      const issue = mustIssue(ctx.state, key!);
      requireWrite(ctx, 'You do not have permission to edit issues in this project.');
      const b = asObject(ctx.body);
      const draft = structuredClone(issue);
      const errors: Record<string, string> = {};
      applyFields(ctx, draft, asObject(b.fields), errors, false);
      applyUpdateOps(draft, b.update, errors);
      if (Object.keys(errors).length > 0) throw jiraError(400, [], errors);
      draft.updated = jiraTime();
      ctx.state.issues.set(issue.key, draft);
      return { status: 204 };
    },
  ],
  [
    'POST',
    /^\/rest\/api\/3\/issueLink$/,
    (ctx) => {
      const b = asObject(ctx.body);
      const typeRef = asObject(b.type);
      const type = ctx.state.linkTypes.find(
        (t) => t.name === typeRef.name || t.id === String(typeRef.id ?? ''),
      );
      if (!type)
        throw jiraError(404, [`No issue link type with name '${String(typeRef.name ?? typeRef.id)}' found.`]);
      const inward = findIssue(ctx.state, refOf(b.inwardIssue) ?? '');
      const outward = findIssue(ctx.state, refOf(b.outwardIssue) ?? '');
      if (!inward || !outward) throw jiraError(404, ['Issue Does Not Exist']);
      requireWrite(ctx, 'You do not have the permission to link issues.');
      if (inward.key === outward.key) throw jiraError(400, ['You cannot link an issue to itself.']);
      const link: EmuLink = {
        id: String(++ctx.state.counters.linkId),
        typeId: type.id,
        inward: inward.key,
        outward: outward.key,
      };
      ctx.state.links.push(link);
      return { status: 201, headers: { Location: `${ctx.baseUrl}/rest/api/3/issueLink/${link.id}` } };
    },
  ],
  [
    'GET',
    /^\/rest\/api\/3\/issueLink\/([^/]+)$/,
    (ctx, [id]) => {
      const l = ctx.state.links.find((x) => x.id === id);
      if (!l) throw jiraError(404, [`No issue link with id '${id}' exists.`]);
      return ok({
        id: l.id,
        self: `${ctx.baseUrl}/rest/api/3/issueLink/${l.id}`,
        type: linkTypeJson(ctx, l.typeId),
        inwardIssue: linkedIssueJson(ctx, l.inward),
        outwardIssue: linkedIssueJson(ctx, l.outward),
      });
    },
  ],
  [
    'DELETE',
    /^\/rest\/api\/3\/issueLink\/([^/]+)$/,
    (ctx, [id]) => {
      const at = ctx.state.links.findIndex((x) => x.id === id);
      if (at < 0) throw jiraError(404, [`No issue link with id '${id}' exists.`]);
      requireWrite(ctx, 'You do not have the permission to delete links.');
      ctx.state.links.splice(at, 1);
      return { status: 204 };
    },
  ],
  [
    'GET',
    /^\/rest\/api\/3\/issue\/([^/]+)\/properties$/,
    (ctx, [key]) => {
      const issue = mustIssue(ctx.state, key!);
      return ok({
        keys: Object.keys(issue.properties).map((k) => ({
          key: k,
          self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}/properties/${k}`,
        })),
      });
    },
  ],
  [
    'GET',
    /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/,
    (ctx, [key, prop]) => {
      const issue = mustIssue(ctx.state, key!);
      const name = decodeURIComponent(prop!);
      if (!(name in issue.properties))
        throw jiraError(404, [`The property with key '${name}' does not exist.`]);
      return ok({ key: name, value: issue.properties[name] });
    },
  ],
  [
    'PUT',
    /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/,
    (ctx, [key, prop]) => {
      const issue = mustIssue(ctx.state, key!);
      requireWrite(ctx, 'You do not have permission to edit issues in this project.');
      const name = decodeURIComponent(prop!);
      if (name.length > 255) throw jiraError(400, ['The property key cannot be longer than 255 characters.']);
      if (JSON.stringify(ctx.body ?? null).length > 32768)
        throw jiraError(400, ['The property value cannot be larger than 32768 bytes.']);
      const existed = name in issue.properties;
      issue.properties[name] = structuredClone(ctx.body ?? null);
      return { status: existed ? 200 : 201 };
    },
  ],
  [
    'DELETE',
    /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/,
    (ctx, [key, prop]) => {
      const issue = mustIssue(ctx.state, key!);
      requireWrite(ctx, 'You do not have permission to edit issues in this project.');
      const name = decodeURIComponent(prop!);
      if (!(name in issue.properties))
        throw jiraError(404, [`The property with key '${name}' does not exist.`]);
      delete issue.properties[name];
      return { status: 204 };
    },
  ],
  [
    'GET',
    /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/,
    (ctx, [key]) => {
      const issue = mustIssue(ctx.state, key!);
      const startAt = intParam(ctx.query, 'startAt', 0);
      const maxResults = intParam(ctx.query, 'maxResults', 50, 100);
      const withProps = (ctx.query.get('expand') ?? '').split(',').includes('properties');
      const page = issue.comments.slice(startAt, startAt + maxResults);
      return ok({
        startAt,
        maxResults,
        total: issue.comments.length,
        comments: page.map((c) => ({
          self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
          id: c.id,
          author: userJson(ctx, c.authorId),
          body: c.body,
          created: c.created,
          updated: c.created,
          ...(withProps
            ? { properties: Object.entries(c.properties).map(([k, value]) => ({ key: k, value })) }
            : {}),
        })),
      });
    },
  ],
  [
    'POST',
    /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/,
    (ctx, [key]) => {
      const issue = mustIssue(ctx.state, key!);
      requireWrite(ctx, 'You do not have permission to comment on this issue.');
      const b = asObject(ctx.body);
      if (!isAdf(b.body)) throw jiraError(400, [], { comment: NOT_ADF });
      const properties: Record<string, unknown> = {};
      for (const p of Array.isArray(b.properties) ? b.properties.map(asObject) : []) {
        if (typeof p.key === 'string') properties[p.key] = structuredClone(p.value);
      }
      const c = {
        id: String(++ctx.state.counters.commentId),
        body: structuredClone(b.body),
        authorId: ctx.user.accountId,
        created: jiraTime(),
        properties,
      };
      issue.comments.push(c);
      return ok(
        {
          self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
          id: c.id,
          author: userJson(ctx, c.authorId),
          body: c.body,
          created: c.created,
          updated: c.created,
        },
        201,
      );
    },
  ],
];
