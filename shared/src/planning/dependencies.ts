/**
 * Task dependencies: the team rules, the merge of AI-proposed edges, validation, splitting of long tasks
 * and the "Blocks" relationships.
 *
 * Cycle checking is near-linear. `mergeDependencies` first runs Kahn's algorithm over all edges; when
 * the merged graph is acyclic (the usual case) every edge is accepted in O(V + E). Only when a cycle
 * exists does it insert the edges one by one, existing edges first, keeping a topological order up to
 * date with the Pearce-Kelly dynamic algorithm: an edge that agrees with the current order costs O(1);
 * one that does not triggers a search bounded to the slice of the order between its two ends, which
 * either finds the path that would close a cycle (the edge is dropped) or reorders just that slice.
 * The initial order is the partial Kahn order, so most insertions take the O(1) path.
 */
import type { ProposedDependency, Relationship, Team, TeamTask, TestCase } from './schemas.js';
import { capitalize } from './text.js';
import { SPLIT_PHASES } from './work-rules.js';

/** Backend tasks that lay foundations other backend/data work builds on. */
const FOUNDATION_RE = /\b(?:data model|migrations?|schema|tables?|persistence layer)\b/i;

function tier(task: TeamTask): number {
  switch (task.team) {
    case 'infrastructure':
      return 0;
    case 'backend':
      return FOUNDATION_RE.test(task.summary) ? 1 : 2;
    case 'data':
    case 'design':
      return 2;
    case 'frontend':
    case 'mobile':
      return 3;
    case 'qa':
      return 4;
  }
}

/** The tiers a task of tier `t` is blocked by, nearest first; the first non-empty one is used. */
const BLOCKING_TIERS: readonly (readonly number[][])[] = [
  [],
  [[0]],
  [[1], [0]],
  [[2], [1], [0]],
  [[2, 3], [1], [0]],
];

/**
 * Adds the team rules to each story's tasks: infrastructure -> backend (data model first) -> data and
 * other backend -> frontend -> QA. Tasks without `story_key` form one group. Links already present are
 * kept; links implied through an intermediate tier are not repeated (a frontend task is not linked to
 * the migration its endpoint already waits for).
 */
export function applyTeamDependencies(tasks: readonly TeamTask[]): TeamTask[] {
  const groups = new Map<string, number[]>();
  tasks.forEach((t, i) => {
    const key = t.story_key ?? '';
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const out = tasks.map((t) => ({ ...t, depends_on_tasks: [...t.depends_on_tasks] }));
  for (const members of groups.values()) {
    const byTier: string[][] = [[], [], [], [], []];
    for (const i of members) if (!tasks[i]!.serves_stories) byTier[tier(tasks[i]!)]!.push(tasks[i]!.id);
    for (const i of members) {
      const task = out[i]!;
      // Design starts from the story alone; epic-wide work is linked by the epic's plan.
      if (task.team === 'design' || task.serves_stories) continue;
      for (const option of BLOCKING_TIERS[tier(task)]!) {
        const blockers = option.flatMap((t) => byTier[t]!);
        if (blockers.length === 0) continue;
        for (const b of blockers)
          if (b !== task.id && !task.depends_on_tasks.includes(b)) task.depends_on_tasks.push(b);
        break;
      }
    }
  }
  return withBlockedByTeams(out);
}

/** Recomputes `blocked_by_teams` from `depends_on_tasks` (unknown references are ignored). */
export function withBlockedByTeams(tasks: readonly TeamTask[]): TeamTask[] {
  const teamOf = new Map(tasks.map((t) => [t.id, t.team] as const));
  return tasks.map((t) => {
    const teams: Team[] = [];
    for (const d of t.depends_on_tasks) {
      const team = teamOf.get(d);
      if (team && team !== t.team && !teams.includes(team)) teams.push(team);
    }
    return { ...t, blocked_by_teams: teams };
  });
}

/** "Blocks" links, blocker first, for every dependency between known tasks. */
export function buildRelationships(tasks: readonly TeamTask[]): Relationship[] {
  const teamOf = new Map(tasks.map((t) => [t.id, t.team] as const));
  const rels: Relationship[] = [];
  for (const t of tasks) {
    for (const d of t.depends_on_tasks) {
      const team = teamOf.get(d);
      if (!team) continue;
      rels.push({ from: d, to: t.id, type: 'Blocks', blocking_team: team, dependent_team: t.team });
    }
  }
  return rels;
}

/** Tests for one part of a split task: its share of the criteria and its phase's done-when. */
export type PartTests = (
  part: TeamTask,
  criteria: readonly string[],
  checks: readonly string[],
) => TestCase[];

/**
 * Splits tasks longer than `maxDays` into `(part k/n: <phase>)` tasks of the same team. Each part is a
 * phase of the work (main path, edge cases, integration) with its own share of the scope and criteria
 * and its own done-when, so no two parts read alike. Part 1 keeps the original dependencies, part k
 * waits for part k-1, and tasks that depended on the original wait for the last part. With `tests`, each
 * part gets tests of its own; without, the task's tests are shared out in order.
 */
export function splitLongTasks(tasks: readonly TeamTask[], maxDays: number, tests?: PartTests): TeamTask[] {
  if (!(maxDays > 0)) throw new RangeError('maxDays must be positive');
  const lastPart = new Map<string, string>();
  const out: TeamTask[] = [];
  for (const task of tasks) {
    if (task.estimate_days <= maxDays + 1e-9 || task.part) {
      out.push(task);
      continue;
    }
    const n = Math.ceil(task.estimate_days / maxDays - 1e-9);
    const sizes = shareDays(task.estimate_days, n);
    const bullets = scopeBullets(task.description);
    const criteria = task.covers_criteria ?? [];
    const baseSummary = task.summary.length > 200 ? `${task.summary.slice(0, 199)}…` : task.summary;
    const share = <T>(items: readonly T[], k: number) =>
      items.slice(Math.floor(((k - 1) * items.length) / n), Math.floor((k * items.length) / n));
    let prev: string | undefined;
    for (let k = 1; k <= n; k++) {
      const phase = SPLIT_PHASES[Math.min(k - 1, SPLIT_PHASES.length - 1)]!;
      const mine = share(criteria, k);
      // Testing splits by what is tested: each part verifies its share of the story's criteria.
      const byCriteria = task.team === 'qa' && criteria.length >= n;
      const first = Math.floor(((k - 1) * criteria.length) / n) + 1;
      const label = byCriteria
        ? `criteria ${first}${mine.length > 1 ? `-${first + mine.length - 1}` : ''} of ${criteria.length}`
        : k <= SPLIT_PHASES.length
          ? phase.label
          : // Past the last phase, parts are numbered slices of it.
            `${phase.label}, slice ${k - SPLIT_PHASES.length + 1}`;
      const id = `${task.id}-part-${k}`;
      const scope = share(bullets, k);
      const own = byCriteria
        ? 'Every criterion of this share has a passing end-to-end test'
        : phase.done_when.replace('{summary}', baseSummary);
      // The whole task is done when its last part is: that part carries the task's own done-when.
      const done = [own, ...mine, ...(k === n ? doneBullets(task.description) : [])];
      const description = [
        `Part ${k} of ${n} of "${task.summary}": ${label}.`,
        '',
        '**Scope**',
        ...(scope.length > 0 ? scope : [`- ${capitalize(label)} of the work`]),
        '',
        '**Done when**',
        ...done.map((d) => `- ${d}`),
      ].join('\n');
      const part: TeamTask = {
        ...task,
        id,
        summary: `${baseSummary} (part ${k}/${n}: ${label})`,
        description,
        estimate_days: sizes[k - 1]!,
        depends_on_tasks: prev ? [...task.depends_on_tasks, prev] : [...task.depends_on_tasks],
        covers_criteria: mine,
        part: { index: k, of: n },
      };
      part.test_cases = tests ? tests(part, mine, byCriteria ? [] : [done[0]!]) : share(task.test_cases, k);
      out.push(part);
      prev = id;
    }
    lastPart.set(task.id, prev!);
  }
  if (lastPart.size === 0) return out;
  return withBlockedByTeams(
    out.map((t) => ({
      ...t,
      depends_on_tasks: t.depends_on_tasks.map((d) => lastPart.get(d) ?? d),
    })),
  );
}

function shareDays(total: number, n: number): number[] {
  const units = Math.round(total * 2);
  if (Math.abs(units - total * 2) > 1e-9 || units < n) return Array.from({ length: n }, () => total / n);
  const base = Math.floor(units / n);
  const extra = units % n;
  return Array.from({ length: n }, (_, i) => (base + (i < extra ? 1 : 0)) / 2);
}

/** The items under a description's "Done when" label. */
function doneBullets(description: string): string[] {
  const lines = description.split('\n');
  const at = lines.findIndex((l) => /^\*{0,2}done when\*{0,2}:?$/i.test(l.trim()));
  if (at < 0) return [];
  const out: string[] = [];
  for (let i = at + 1; i < lines.length && /^\s*[-*] /.test(lines[i]!); i++)
    out.push(lines[i]!.replace(/^\s*[-*] /, ''));
  return out;
}

/** The bullet lines of the first bullet list of a description (the scope). */
function scopeBullets(description: string): string[] {
  const lines = description.split('\n');
  const start = lines.findIndex((l) => /^\s*[-*] /.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (let i = start; i < lines.length && /^\s*[-*] /.test(lines[i]!); i++) out.push(lines[i]!);
  return out;
}

export type DroppedReason = 'cycle' | 'self_link' | 'unknown_task' | 'duplicate';

export interface DroppedDependency {
  from: string;
  to: string;
  reason: DroppedReason;
  /** Whether the edge came from the tasks themselves or from the proposals. */
  source: 'existing' | 'proposed';
  detail: string;
}

export interface DependencyMergeResult {
  /** Tasks with `depends_on_tasks` (ids) and `blocked_by_teams` rewritten from the accepted graph. */
  tasks: TeamTask[];
  relationships: Relationship[];
  /** Proposed edges that were accepted and new. */
  added: { from: string; to: string; reason?: string }[];
  dropped: DroppedDependency[];
}

interface ResolvedEdge {
  u: number;
  v: number;
  source: 'existing' | 'proposed';
  reason?: string;
}

function referenceResolver(tasks: readonly TeamTask[]): (ref: string) => number | 'ambiguous' | undefined {
  const byId = new Map<string, number>();
  const bySummary = new Map<string, number | 'ambiguous'>();
  tasks.forEach((t, i) => {
    byId.set(t.id, i);
    const s = t.summary.trim().toLowerCase();
    bySummary.set(s, bySummary.has(s) ? 'ambiguous' : i);
  });
  return (ref) => byId.get(ref) ?? bySummary.get(ref.trim().toLowerCase());
}

/**
 * Merges proposed dependencies (the optional AI pass) into tasks that already carry their rule-based
 * `depends_on_tasks`, and returns a graph that is guaranteed to be a DAG with no self links and no
 * links to unknown tasks. References may be task ids or exact summaries. Existing edges have priority;
 * edges are then taken in order and one that would close a cycle is dropped and reported.
 */
export function mergeDependencies(
  tasks: readonly TeamTask[],
  proposed: readonly ProposedDependency[] = [],
): DependencyMergeResult {
  const n = tasks.length;
  const resolve = referenceResolver(tasks);
  const dropped: DroppedDependency[] = [];
  const edges: ResolvedEdge[] = [];
  const seen = new Set<number>();
  const key = (u: number, v: number) => u * n + v;

  const consider = (from: string, to: string, source: 'existing' | 'proposed', reason?: string) => {
    const u = resolve(from);
    const v = resolve(to);
    if (typeof u !== 'number' || typeof v !== 'number') {
      const bad = typeof u !== 'number' ? from : to;
      const why =
        u === 'ambiguous' || v === 'ambiguous' ? 'matches several tasks' : 'is not a task of this plan';
      dropped.push({ from, to, reason: 'unknown_task', source, detail: `"${bad}" ${why}` });
      return;
    }
    if (u === v) {
      dropped.push({ from, to, reason: 'self_link', source, detail: 'a task cannot block itself' });
      return;
    }
    const k = key(u, v);
    if (seen.has(k)) {
      if (source === 'proposed')
        dropped.push({ from, to, reason: 'duplicate', source, detail: 'already linked' });
      return;
    }
    seen.add(k);
    edges.push(reason === undefined ? { u, v, source } : { u, v, source, reason });
  };
  tasks.forEach((t) => {
    for (const d of t.depends_on_tasks) consider(d, t.id, 'existing');
  });
  for (const p of proposed) consider(p.from, p.to, 'proposed', p.reason);

  const { order, complete } = kahn(n, edges);
  let accepted: ResolvedEdge[];
  if (complete) {
    accepted = edges;
  } else {
    accepted = [];
    const topo = new DynamicTopologicalOrder(n, order);
    for (const e of edges) {
      if (topo.tryAdd(e.u, e.v)) {
        accepted.push(e);
      } else {
        dropped.push({
          from: tasks[e.u]!.id,
          to: tasks[e.v]!.id,
          reason: 'cycle',
          source: e.source,
          detail: `"${tasks[e.v]!.summary}" already (transitively) blocks "${tasks[e.u]!.summary}"`,
        });
      }
    }
  }

  const deps: string[][] = tasks.map(() => []);
  const added: DependencyMergeResult['added'] = [];
  for (const e of accepted) {
    deps[e.v]!.push(tasks[e.u]!.id);
    if (e.source === 'proposed') {
      const a: { from: string; to: string; reason?: string } = { from: tasks[e.u]!.id, to: tasks[e.v]!.id };
      if (e.reason !== undefined) a.reason = e.reason;
      added.push(a);
    }
  }
  const merged = withBlockedByTeams(tasks.map((t, i) => ({ ...t, depends_on_tasks: deps[i]! })));
  return { tasks: merged, relationships: buildRelationships(merged), added, dropped };
}

/**
 * Kahn's algorithm. `order` lists every node: the topologically sorted ones first, then the nodes on
 * or behind a cycle in index order (a good starting order for incremental insertion).
 */
function kahn(
  n: number,
  edges: readonly { u: number; v: number }[],
): { order: number[]; complete: boolean; sorted: number } {
  const indeg = new Int32Array(n);
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(edges.length);
  edges.forEach((e, i) => {
    indeg[e.v]!++;
    next[i] = head[e.u]!;
    head[e.u] = i;
  });
  const order: number[] = [];
  const queue = new Int32Array(n);
  let qh = 0;
  let qt = 0;
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue[qt++] = i;
  while (qh < qt) {
    const u = queue[qh++]!;
    order.push(u);
    for (let ei = head[u]!; ei !== -1; ei = next[ei]!) {
      const v = edges[ei]!.v;
      if (--indeg[v]! === 0) queue[qt++] = v;
    }
  }
  const sorted = order.length;
  const complete = sorted === n;
  if (!complete) {
    const placed = new Uint8Array(n);
    for (const u of order) placed[u] = 1;
    for (let i = 0; i < n; i++) if (!placed[i]) order.push(i);
  }
  return { order, complete, sorted };
}

/** Pearce-Kelly dynamic topological order over nodes 0..n-1. */
class DynamicTopologicalOrder {
  private readonly ord: Int32Array;
  private readonly out: number[][];
  private readonly inn: number[][];
  private readonly mark: Int32Array;
  private epoch = 0;

  constructor(n: number, initialOrder: readonly number[]) {
    this.ord = new Int32Array(n);
    initialOrder.forEach((node, pos) => {
      this.ord[node] = pos;
    });
    this.out = Array.from({ length: n }, () => []);
    this.inn = Array.from({ length: n }, () => []);
    this.mark = new Int32Array(n);
  }

  /** Adds x -> y unless it would close a cycle. */
  tryAdd(x: number, y: number): boolean {
    const { ord } = this;
    const lb = ord[y]!;
    const ub = ord[x]!;
    if (lb > ub) {
      this.link(x, y);
      return true;
    }
    this.epoch++;
    const forward: number[] = [];
    const stack = [y];
    this.mark[y] = this.epoch;
    while (stack.length > 0) {
      const w = stack.pop()!;
      forward.push(w);
      for (const z of this.out[w]!) {
        if (z === x) return false;
        if (this.mark[z] !== this.epoch && ord[z]! < ub) {
          this.mark[z] = this.epoch;
          stack.push(z);
        }
      }
    }
    const backward: number[] = [];
    stack.push(x);
    this.mark[x] = this.epoch;
    while (stack.length > 0) {
      const w = stack.pop()!;
      backward.push(w);
      for (const z of this.inn[w]!) {
        if (this.mark[z] !== this.epoch && ord[z]! > lb) {
          this.mark[z] = this.epoch;
          stack.push(z);
        }
      }
    }
    const byOrd = (a: number, b: number) => ord[a]! - ord[b]!;
    backward.sort(byOrd);
    forward.sort(byOrd);
    const moved = [...backward, ...forward];
    const slots = moved.map((v) => ord[v]!).sort((a, b) => a - b);
    moved.forEach((v, i) => {
      ord[v] = slots[i]!;
    });
    this.link(x, y);
    return true;
  }

  private link(x: number, y: number): void {
    this.out[x]!.push(y);
    this.inn[y]!.push(x);
  }
}

export interface DependencyIssue {
  task: string;
  kind: 'self_link' | 'unknown_task' | 'cycle';
  ref?: string;
}

export interface DependencyValidation {
  valid: boolean;
  issues: DependencyIssue[];
  /** Tasks that lie on a cycle. */
  cycle_tasks: string[];
  /** A topological order of task ids (blockers first); complete only when valid. */
  order: string[];
}

/**
 * Checks a task graph as it is: self links, references to unknown tasks, and the tasks on cycles
 * (Kahn's algorithm, then peeling nodes with no remaining successors, which leaves exactly the nodes on
 * cycles). O(V + E).
 */
export function validateDependencies(tasks: readonly TeamTask[]): DependencyValidation {
  const index = new Map(tasks.map((t, i) => [t.id, i] as const));
  const issues: DependencyIssue[] = [];
  const edges: { u: number; v: number }[] = [];
  tasks.forEach((t, v) => {
    for (const d of t.depends_on_tasks) {
      const u = index.get(d);
      if (u === undefined) issues.push({ task: t.id, kind: 'unknown_task', ref: d });
      else if (u === v) issues.push({ task: t.id, kind: 'self_link', ref: d });
      else edges.push({ u, v });
    }
  });
  const { order, complete, sorted } = kahn(tasks.length, edges);
  const cycleTasks: string[] = [];
  if (!complete) {
    const remaining = new Set(order.slice(sorted));
    // Peel nodes that only lead out of the knot: what stays is on a cycle.
    const outdeg = new Map<number, number>();
    const preds = new Map<number, number[]>();
    for (const e of edges) {
      if (!remaining.has(e.u) || !remaining.has(e.v)) continue;
      outdeg.set(e.u, (outdeg.get(e.u) ?? 0) + 1);
      const p = preds.get(e.v);
      if (p) p.push(e.u);
      else preds.set(e.v, [e.u]);
    }
    const stack = [...remaining].filter((v) => !outdeg.get(v));
    while (stack.length > 0) {
      const v = stack.pop()!;
      remaining.delete(v);
      for (const u of preds.get(v) ?? []) {
        const d = (outdeg.get(u) ?? 0) - 1;
        outdeg.set(u, d);
        if (d === 0) stack.push(u);
      }
    }
    for (const v of [...remaining].sort((a, b) => a - b)) {
      cycleTasks.push(tasks[v]!.id);
      issues.push({ task: tasks[v]!.id, kind: 'cycle' });
    }
  }
  return {
    valid: issues.length === 0,
    issues,
    cycle_tasks: cycleTasks,
    order: order.map((i) => tasks[i]!.id),
  };
}

/**
 * Removes the links that other links already imply (transitive reduction): when A blocks B and B blocks
 * C, a direct "A blocks C" adds nothing a scheduler or a reader needs. Every ordering still holds.
 * Expects an acyclic graph (what mergeDependencies returns); unknown references are kept as they are.
 */
export function reduceTransitiveLinks(tasks: readonly TeamTask[]): TeamTask[] {
  const index = new Map(tasks.map((t, i) => [t.id, i] as const));
  const n = tasks.length;
  const words = Math.ceil(n / 32);
  const deps = tasks.map((t) =>
    t.depends_on_tasks.map((d) => index.get(d)).filter((d): d is number => d !== undefined),
  );
  // Ancestors of each task as a bitset, in topological order (DFS post-order).
  const anc: (Uint32Array | undefined)[] = new Array(n);
  const state = new Uint8Array(n);
  const visit = (root: number) => {
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, at] = top;
      if (at === 0) state[v] = 1;
      if (at < deps[v]!.length) {
        top[1]++;
        const d = deps[v]![at]!;
        if (state[d] === 0) stack.push([d, 0]);
        continue;
      }
      const bits = new Uint32Array(words);
      for (const d of deps[v]!) {
        bits[d >>> 5]! |= 1 << (d & 31);
        const da = anc[d];
        if (da) for (let w = 0; w < words; w++) bits[w]! |= da[w]!;
      }
      anc[v] = bits;
      state[v] = 2;
      stack.pop();
    }
  };
  for (let i = 0; i < n; i++) if (state[i] === 0) visit(i);
  const has = (bits: Uint32Array | undefined, i: number) =>
    bits !== undefined && (bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  const out = tasks.map((t, v) => {
    const mine = deps[v]!;
    const kept = t.depends_on_tasks.filter((ref) => {
      const d = index.get(ref);
      if (d === undefined) return true;
      return !mine.some((other) => other !== d && has(anc[other], d));
    });
    return kept.length === t.depends_on_tasks.length ? t : { ...t, depends_on_tasks: kept };
  });
  return withBlockedByTeams(out);
}
