/** Seed data in a test-friendly shape, turned into emulator state. `{{baseUrl}}` in strings is replaced. */
import { isAdf, textToAdf } from './jira.js';
import {
  type CustomFieldKind,
  customField,
  DEFAULT_USERS,
  type EmulatorState,
  type EmuUser,
  emptyState,
  jiraTime,
  parseDuration,
  type SprintState,
} from './state.js';

export interface SeedIssue {
  /** Optional fixed key (PROJ-12); the project's counter moves past it. */
  key?: string;
  projectKey: string;
  issueType: string;
  summary: string;
  /** Plain text (paragraphs split on blank lines) or an ADF document. */
  description?: string | object;
  labels?: string[];
  parentKey?: string;
  status?: string;
  storyPoints?: number;
  originalEstimate?: string;
  /** Custom field values by field id or display name. */
  fields?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

export interface SeedData {
  /** Replaces the default users (admin@example.com / reader@example.com). */
  users?: EmuUser[];
  projects?: { key: string; name?: string; id?: string }[];
  customFields?: { id: string; name: string; kind: CustomFieldKind }[];
  issues?: SeedIssue[];
  /** Blocks links. */
  links?: { blocker: string; blocked: string }[];
  boards?: { id?: number; name: string; projectKey: string; type?: 'scrum' | 'kanban' }[];
  sprints?: {
    id?: number;
    boardId: number;
    name: string;
    state?: SprintState;
    startDate?: string;
    endDate?: string;
    goal?: string;
    issues?: string[];
  }[];
  spaces?: { id?: string; key: string; name?: string }[];
  pages?: {
    id: string;
    spaceKey: string;
    title: string;
    storage: string;
    version?: number;
    parentId?: string;
  }[];
}

function fill<T>(value: T, baseUrl: string): T {
  if (typeof value === 'string') return value.split('{{baseUrl}}').join(baseUrl) as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, baseUrl)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, baseUrl)])) as T;
  }
  return value;
}

export function buildState(seedIn: SeedData = {}, baseUrl = ''): EmulatorState {
  const seed = fill(seedIn, baseUrl);
  const st = emptyState();
  st.users = (seed.users ?? DEFAULT_USERS).map((u) => ({ ...u }));
  const admin = st.users.find((u) => u.access === 'write') ?? st.users[0];
  for (const f of seed.customFields ?? []) {
    st.fields = st.fields.filter((x) => x.id !== f.id);
    st.fields.push(customField(f.id, f.name, f.kind));
  }

  const ensureProject = (key: string, name?: string, id?: string) => {
    let p = st.projects.find((x) => x.key === key);
    if (!p) {
      p = { id: id ?? String(10000 + st.projects.length), key, name: name ?? key, nextNumber: 1 };
      st.projects.push(p);
    }
    return p;
  };
  for (const p of seed.projects ?? []) ensureProject(p.key, p.name, p.id);

  const fieldId = (nameOrId: string) => {
    const f = st.fields.find((x) => x.id === nameOrId || x.name.toLowerCase() === nameOrId.toLowerCase());
    if (!f) throw new Error(`seed: unknown field ${nameOrId}`);
    return f.id;
  };

  for (const s of seed.issues ?? []) {
    const project = ensureProject(s.projectKey);
    const type = st.issueTypes.find((t) => t.name === s.issueType);
    if (!type) throw new Error(`seed: unknown issue type ${s.issueType}`);
    let key = s.key;
    if (key) {
      const n = Number(key.split('-').pop());
      project.nextNumber = Math.max(project.nextNumber, n + 1);
    } else key = `${project.key}-${project.nextNumber++}`;
    const status = st.statuses.find((x) => x.name === (s.status ?? 'To Do'));
    if (!status) throw new Error(`seed: unknown status ${s.status}`);
    const custom: Record<string, unknown> = {};
    if (s.storyPoints !== undefined) custom[fieldId('Story Points')] = s.storyPoints;
    for (const [k, v] of Object.entries(s.fields ?? {})) custom[fieldId(k)] = v;
    const now = jiraTime();
    st.issues.set(key, {
      id: String(++st.counters.issueId),
      key,
      projectKey: project.key,
      issueTypeId: type.id,
      summary: s.summary,
      description:
        s.description === undefined
          ? null
          : isAdf(s.description)
            ? s.description
            : textToAdf(String(s.description)),
      statusId: status.id,
      labels: s.labels ?? [],
      parentKey: s.parentKey ?? null,
      assigneeId: null,
      originalEstimateSeconds: s.originalEstimate ? (parseDuration(s.originalEstimate) ?? null) : null,
      custom,
      properties: { ...(s.properties ?? {}) },
      comments: [],
      sprintIds: [],
      created: now,
      updated: now,
      seq: ++st.counters.seq,
    });
  }

  for (const l of seed.links ?? []) {
    st.links.push({
      id: String(++st.counters.linkId),
      typeId: '10000',
      inward: l.blocker,
      outward: l.blocked,
    });
  }
  for (const b of seed.boards ?? []) {
    ensureProject(b.projectKey);
    const id = b.id ?? st.counters.boardId + 1;
    st.counters.boardId = Math.max(st.counters.boardId, id);
    st.boards.push({ id, name: b.name, type: b.type ?? 'scrum', projectKey: b.projectKey });
  }
  for (const s of seed.sprints ?? []) {
    const id = s.id ?? st.counters.sprintId + 1;
    st.counters.sprintId = Math.max(st.counters.sprintId, id);
    st.sprints.set(id, {
      id,
      boardId: s.boardId,
      name: s.name,
      state: s.state ?? 'future',
      startDate: s.startDate ?? null,
      endDate: s.endDate ?? null,
      completeDate: s.state === 'closed' ? (s.endDate ?? null) : null,
      createdDate: new Date().toISOString(),
      goal: s.goal ?? '',
    });
    // Sub-tasks are in their parent's sprint, as in Jira.
    const subtaskTypes = new Set(st.issueTypes.filter((t) => t.subtask).map((t) => t.id));
    for (const k of s.issues ?? []) {
      for (const i of st.issues.values()) {
        if (i.key === k || (i.parentKey === k && subtaskTypes.has(i.issueTypeId))) i.sprintIds.push(id);
      }
    }
  }
  for (const sp of seed.spaces ?? []) {
    st.spaces.push({ id: sp.id ?? String(65536 + st.spaces.length), key: sp.key, name: sp.name ?? sp.key });
  }
  for (const p of seed.pages ?? []) {
    let space = st.spaces.find((s) => s.key === p.spaceKey);
    if (!space) {
      space = { id: String(65536 + st.spaces.length), key: p.spaceKey, name: p.spaceKey };
      st.spaces.push(space);
    }
    const createdAt = new Date().toISOString();
    const version = p.version ?? 1;
    st.pages.set(p.id, {
      id: p.id,
      spaceId: space.id,
      parentId: p.parentId ?? null,
      title: p.title,
      status: 'current',
      storage: p.storage,
      version,
      authorId: admin?.accountId ?? '',
      createdAt,
      history: [
        {
          number: version,
          title: p.title,
          storage: p.storage,
          message: '',
          authorId: admin?.accountId ?? '',
          createdAt,
        },
      ],
    });
  }
  return st;
}
