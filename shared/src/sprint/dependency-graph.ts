import { DependencyCycleError, SprintInputError } from './errors.js';

/** Task dependencies in compressed adjacency arrays (CSR), plus a topological order. */
export interface DependencyGraph {
  readonly size: number;
  readonly indexOf: ReadonlyMap<string, number>;
  /** Dependents of task i are `dependents[dependentStart[i] .. dependentStart[i + 1])`. */
  readonly dependentStart: Int32Array;
  readonly dependents: Int32Array;
  /** Blockers of task i are `blockers[blockerStart[i] .. blockerStart[i + 1])`. */
  readonly blockerStart: Int32Array;
  readonly blockers: Int32Array;
  /** Per task, the first `depends_on` key that names no task, if any (such edges are left out). */
  readonly unknownDependency: ReadonlyArray<string | undefined>;
  /** Every task index, blockers before dependents; ties keep input order. */
  readonly order: Int32Array;
}

interface GraphTask {
  readonly key: string;
  readonly depends_on: readonly string[];
}

/**
 * Builds the dependency graph of `tasks` in O(V + E). Throws `SprintInputError` on a duplicate key and
 * `DependencyCycleError` (naming the tasks of one cycle) when no topological order exists; a task
 * depending on itself is such a cycle.
 */
export function buildDependencyGraph(tasks: readonly GraphTask[]): DependencyGraph {
  const n = tasks.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = tasks[i]!.key;
    const seen = indexOf.get(key);
    if (seen !== undefined) {
      throw new SprintInputError(
        `tasks[${i}].key`,
        `duplicate task key ${key} (first used by tasks[${seen}])`,
      );
    }
    indexOf.set(key, i);
  }

  const unknownDependency: (string | undefined)[] = new Array(n).fill(undefined);
  const blockerStart = new Int32Array(n + 1);
  const dependentCount = new Int32Array(n + 1);
  let listed = 0;
  for (let j = 0; j < n; j++) listed += tasks[j]!.depends_on.length;
  let blockers = new Int32Array(listed);
  let edgeCount = 0;
  for (let j = 0; j < n; j++) {
    for (const dep of tasks[j]!.depends_on) {
      const i = indexOf.get(dep);
      if (i === undefined) {
        if (unknownDependency[j] === undefined) unknownDependency[j] = dep;
        continue;
      }
      blockers[edgeCount++] = i;
      dependentCount[i]!++;
    }
    blockerStart[j + 1] = edgeCount;
  }
  if (edgeCount < listed) blockers = blockers.slice(0, edgeCount);
  const dependentStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) dependentStart[i + 1] = dependentStart[i]! + dependentCount[i]!;
  const dependents = new Int32Array(edgeCount);
  const fill = dependentStart.slice(0, n);
  for (let j = 0; j < n; j++) {
    for (let k = blockerStart[j]!; k < blockerStart[j + 1]!; k++) dependents[fill[blockers[k]!]!++] = j;
  }

  // Kahn's algorithm with a FIFO over input order keeps the order stable and linear.
  const inDegree = new Int32Array(n);
  for (let j = 0; j < n; j++) inDegree[j] = blockerStart[j + 1]! - blockerStart[j]!;
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let j = 0; j < n; j++) if (inDegree[j] === 0) order[tail++] = j;
  while (head < tail) {
    const i = order[head++]!;
    for (let k = dependentStart[i]!; k < dependentStart[i + 1]!; k++) {
      const j = dependents[k]!;
      if (--inDegree[j]! === 0) order[tail++] = j;
    }
  }
  if (tail < n) throw new DependencyCycleError(findCycle(tasks, inDegree, blockerStart, blockers));

  return { size: n, indexOf, dependentStart, dependents, blockerStart, blockers, unknownDependency, order };
}

/**
 * Every task Kahn's algorithm could not release still has a blocker that was not released either, so
 * walking from one such task to one of its unreleased blockers must eventually revisit a task.
 */
function findCycle(
  tasks: readonly GraphTask[],
  inDegree: Int32Array,
  blockerStart: Int32Array,
  blockers: Int32Array,
): string[] {
  let v = inDegree.findIndex((d) => d > 0);
  const position = new Map<number, number>();
  const walk: number[] = [];
  while (!position.has(v)) {
    position.set(v, walk.length);
    walk.push(v);
    let next = -1;
    for (let k = blockerStart[v]!; k < blockerStart[v + 1]!; k++) {
      if (inDegree[blockers[k]!]! > 0) {
        next = blockers[k]!;
        break;
      }
    }
    v = next;
  }
  // The walk follows blockers; reversing it lists each task after the task blocking it.
  const cycle = walk.slice(position.get(v)!).reverse();
  let first = 0;
  for (let k = 1; k < cycle.length; k++) if (cycle[k]! < cycle[first]!) first = k;
  return [...cycle.slice(first), ...cycle.slice(0, first)].map((i) => tasks[i]!.key);
}
