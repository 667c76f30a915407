import { IndexHeap } from './index-heap.js';
import { MaxSegmentTree } from './max-segment-tree.js';

/** Time unit of the scheduler: hundredths of a working day, so all arithmetic is exact. */
export const TICKS_PER_DAY = 100;

/** How a schedulable task is placed: on `lanes` parallel lanes for `laneTicks` each, or alone. */
export interface TaskShape {
  readonly lanes: number;
  readonly laneTicks: number;
  readonly oversized: boolean;
}

/** Successor lists in compressed form: successors of i are `targets[start[i] .. start[i + 1])`. */
export interface Successors {
  readonly start: Int32Array;
  readonly targets: Int32Array;
}

/** Everything the list scheduler needs; tasks without a shape are not scheduled (nor waited for). */
export interface LaneProblem {
  readonly size: number;
  readonly teamCount: number;
  /** Ticks of capacity per sprint, per team. */
  readonly capacity: readonly number[];
  readonly teamOf: Int32Array;
  readonly estimate: Float64Array;
  readonly shapes: ReadonlyArray<TaskShape | undefined>;
  /** Working days of sprint s (any integer s). */
  readonly workdays: (s: number) => number;
  readonly maxSprints: number;
}

/** Where each task went: sprint -1 when it was not placed (`failedBlocker` says why). */
export interface LaneSchedule {
  readonly sprint: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly lanes: Int32Array;
  /** -1: placed or not schedulable; -2: no room within maxSprints; >= 0: that predecessor was not placed. */
  readonly failedBlocker: Int32Array;
  /** 1 + the last sprint holding a task. */
  readonly sprintsUsed: number;
  readonly failures: number;
}

/**
 * Lane time, in ticks, that a task needs in an empty sprint of `laneTicks` working ticks: the fewest
 * parallel lanes that let it finish inside one sprint, or oversized when no spread fits the team.
 */
export function shapeTask(ticks: number, capacityTicks: number, laneTicks: number): TaskShape {
  if (ticks === 0) return { lanes: 1, laneTicks: 0, oversized: false };
  const fullLanes = Math.floor(capacityTicks / laneTicks);
  const remainder = capacityTicks - fullLanes * laneTicks;
  const totalLanes = fullLanes + (remainder > 0 ? 1 : 0);
  for (let lanes = Math.ceil(ticks / laneTicks); lanes <= totalLanes; lanes++) {
    const each = Math.ceil(ticks / lanes);
    const available = fullLanes + (remainder >= each ? 1 : 0);
    if (available >= lanes) return { lanes, laneTicks: each, oversized: false };
  }
  return { lanes: 0, laneTicks: ticks, oversized: true };
}

/**
 * Serial list scheduling: repeatedly takes the ready task (all predecessors placed) with the highest
 * `priority` (lower index on ties) and puts it at the earliest start in the earliest sprint where its
 * team has lane room, at or after its predecessors' ends. Each (sprint, team) keeps its free lane time as
 * [from, to) intervals so later tasks can back-fill idle gaps; a per-team segment tree over sprints
 * finds the next sprint with a long enough free interval in O(log sprints).
 */
export function scheduleLanes(
  problem: LaneProblem,
  successors: Successors,
  priority: ArrayLike<number>,
): LaneSchedule {
  const { size: n, teamCount, capacity, teamOf, estimate, shapes, workdays, maxSprints } = problem;
  const { start: succStart, targets: succ } = successors;

  // Idle fragments shorter than anything the team still has to place are dropped as useless.
  const minTeamTicks = new Array<number>(teamCount).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    const shape = shapes[i];
    if (shape && !shape.oversized && shape.laneTicks > 0) {
      const t = teamOf[i]!;
      minTeamTicks[t] = Math.min(minTeamTicks[t]!, shape.laneTicks);
    }
  }

  const sprintW: number[] = [];
  const free: number[][] = [];
  const used: number[] = [];
  const rooms = Array.from({ length: teamCount }, () => new MaxSegmentTree());
  const emptyHint = new Array<number>(teamCount).fill(0);
  const ensureSprint = (s: number): void => {
    while (sprintW.length <= s) {
      const idx = sprintW.length;
      const w = workdays(idx);
      sprintW.push(w);
      const laneTicks = w * TICKS_PER_DAY;
      for (let t = 0; t < teamCount; t++) {
        const intervals: number[] = [];
        let left = w > 0 ? capacity[t]! : 0;
        while (left > 0) {
          const len = Math.min(laneTicks, left);
          intervals.push(0, len);
          left -= len;
        }
        free.push(intervals);
        used.push(0);
        rooms[t]!.set(idx, intervals.length > 0 ? Math.min(laneTicks, capacity[t]!) : 0);
      }
    }
  };
  const refreshRoom = (s: number, t: number): void => {
    const intervals = free[s * teamCount + t]!;
    let room = 0;
    for (let m = 0; m < intervals.length; m += 2) room = Math.max(room, intervals[m + 1]! - intervals[m]!);
    rooms[t]!.set(s, room);
  };
  const isEmptyFor = (s: number, t: number): boolean => sprintW[s]! > 0 && used[s * teamCount + t] === 0;
  /** Takes [at, at + len) out of interval m, keeping useful leftovers on both sides. */
  const carve = (intervals: number[], m: number, at: number, len: number, minUseful: number): void => {
    const a = intervals[m]!;
    const b = intervals[m + 1]!;
    const keepBefore = at - a >= minUseful;
    const keepAfter = b - (at + len) >= minUseful;
    if (keepBefore && keepAfter) {
      intervals[m + 1] = at;
      intervals.splice(m + 2, 0, at + len, b);
    } else if (keepBefore) {
      intervals[m + 1] = at;
    } else if (keepAfter) {
      intervals[m] = at + len;
    } else {
      intervals.splice(m, 2);
    }
  };
  /** Earliest start >= ready in sprint s on `lanes` lanes for `len` ticks each; -1 when it does not fit. */
  const tryPlace = (s: number, t: number, ready: number, lanes: number, len: number): number => {
    const intervals = free[s * teamCount + t]!;
    const minUseful = minTeamTicks[t]!;
    if (lanes === 1) {
      let best = -1;
      let bestStart = Number.POSITIVE_INFINITY;
      let bestEnd = Number.POSITIVE_INFINITY;
      for (let m = 0; m < intervals.length; m += 2) {
        const b = intervals[m + 1]!;
        const at = Math.max(intervals[m]!, ready);
        // Earliest start first; then the tightest interval, keeping long stretches for long tasks.
        if (at + len <= b && (at < bestStart || (at === bestStart && b < bestEnd))) {
          best = m;
          bestStart = at;
          bestEnd = b;
        }
      }
      if (best < 0) return -1;
      carve(intervals, best, bestStart, len, minUseful);
      return bestStart;
    }
    const starts = [ready];
    for (let m = 0; m < intervals.length; m += 2) if (intervals[m]! > ready) starts.push(intervals[m]!);
    starts.sort((x, y) => x - y);
    for (const at of starts) {
      const fits: number[] = [];
      for (let m = 0; m < intervals.length; m += 2) {
        if (intervals[m]! <= at && at + len <= intervals[m + 1]!) fits.push(m);
      }
      if (fits.length < lanes) continue;
      fits.sort((x, y) => intervals[x + 1]! - intervals[y + 1]! || x - y);
      // Carve from the highest offset down so lower offsets stay valid.
      const chosen = fits.slice(0, lanes).sort((x, y) => y - x);
      for (const m of chosen) carve(intervals, m, at, len, minUseful);
      return at;
    }
    return -1;
  };

  const sprint = new Int32Array(n).fill(-1);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const lanesOf = new Int32Array(n);
  const readySprint = new Int32Array(n);
  const readyTick = new Float64Array(n);
  const failedBlocker = new Int32Array(n).fill(-1);

  const place = (i: number): boolean => {
    const t = teamOf[i]!;
    const shape = shapes[i]!;
    let s = readySprint[i]!;
    let ready = readyTick[i]!;
    if (shape.oversized) {
      // Alone for its team: a sprint where the team has nothing else, after the predecessors' sprint
      // unless they all end at its very start.
      if (ready > 0) s++;
      while (emptyHint[t]! < sprintW.length && !isEmptyFor(emptyHint[t]!, t)) emptyHint[t]!++;
      s = Math.max(s, emptyHint[t]!);
      for (;;) {
        if (s >= maxSprints) return false;
        ensureSprint(s);
        if (isEmptyFor(s, t)) break;
        s++;
      }
      const cell = s * teamCount + t;
      lanesOf[i] = free[cell]!.length / 2;
      free[cell] = [];
      used[cell]! += estimate[i]!;
      rooms[t]!.set(s, 0);
      sprint[i] = s;
      start[i] = 0;
      end[i] = sprintW[s]! * TICKS_PER_DAY;
      return true;
    }
    if (shape.laneTicks === 0) {
      // A zero-estimate task (a milestone) takes no lane time; it only needs a sprint with working days.
      for (;;) {
        if (s >= maxSprints) return false;
        ensureSprint(s);
        if (sprintW[s]! > 0) break;
        s++;
        ready = 0;
      }
      sprint[i] = s;
      start[i] = ready;
      end[i] = ready;
      lanesOf[i] = 1;
      return true;
    }
    for (;;) {
      if (s >= maxSprints) return false;
      ensureSprint(s);
      const at = tryPlace(s, t, ready, shape.lanes, shape.laneTicks);
      if (at >= 0) {
        refreshRoom(s, t);
        used[s * teamCount + t]! += estimate[i]!;
        sprint[i] = s;
        start[i] = at;
        end[i] = at + shape.laneTicks;
        lanesOf[i] = shape.lanes;
        return true;
      }
      ready = 0;
      const next = rooms[t]!.firstAtLeast(s + 1, shape.laneTicks);
      s = next >= 0 ? next : Math.max(s + 1, sprintW.length);
    }
  };

  const schedulable = new Uint8Array(n);
  for (let i = 0; i < n; i++) schedulable[i] = shapes[i] ? 1 : 0;
  const waiting = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!schedulable[i]) continue;
    for (let k = succStart[i]!; k < succStart[i + 1]!; k++) if (schedulable[succ[k]!]) waiting[succ[k]!]!++;
  }
  const heap = new IndexHeap(n, priority);
  for (let i = 0; i < n; i++) if (schedulable[i] && waiting[i] === 0) heap.push(i);
  let sprintsUsed = 0;
  let failures = 0;
  while (heap.length > 0) {
    const i = heap.pop();
    let ok = false;
    if (failedBlocker[i]! < 0) {
      ok = place(i);
      if (ok) sprintsUsed = Math.max(sprintsUsed, sprint[i]! + 1);
      else failedBlocker[i] = -2;
    }
    if (!ok) failures++;
    const s = sprint[i]!;
    const e = end[i]!;
    for (let k = succStart[i]!; k < succStart[i + 1]!; k++) {
      const j = succ[k]!;
      if (!schedulable[j]) continue;
      if (!ok) {
        if (failedBlocker[j]! < 0) failedBlocker[j] = i;
      } else if (s > readySprint[j]!) {
        readySprint[j] = s;
        readyTick[j] = e;
      } else if (s === readySprint[j]! && e > readyTick[j]!) {
        readyTick[j] = e;
      }
      if (--waiting[j]! === 0) heap.push(j);
    }
  }
  return { sprint, start, end, lanes: lanesOf, failedBlocker, sprintsUsed, failures };
}
