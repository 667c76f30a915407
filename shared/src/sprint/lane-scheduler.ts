import { IndexHeap } from './index-heap.js';
import { MaxSegmentTree } from './max-segment-tree.js';

/** Time unit of the scheduler: hundredths of a working day, so all arithmetic is exact. */
export const TICKS_PER_DAY = 100;

/**
 * How a schedulable task is placed:
 * - `lanes`: spread evenly over `lanes` parallel lanes for `laneTicks` each, inside one sprint;
 * - `alone`: the team's whole sprint (it fits the team's capacity but not evenly spread lanes), its
 *   `ticks` poured over every lane of the team from the sprint's start;
 * - `split`: more than the team can do in one sprint: `parts - 1` sprints of the team's whole capacity
 *   (`partTicks`) back to back, then the rest (`last`) from the start of the next sprint with working days.
 */
export type TaskShape =
  | { readonly kind: 'lanes'; readonly lanes: number; readonly laneTicks: number }
  | { readonly kind: 'alone'; readonly ticks: number }
  | {
      readonly kind: 'split';
      readonly parts: number;
      readonly partTicks: number;
      readonly last: Exclude<TaskShape, { kind: 'split' }>;
    };

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

/**
 * Where each task went: sprint -1 when it was not placed (`failedBlocker` says why). A split task runs
 * from `firstSprint` (starting at `start`) to `sprint` (ending at `end`); for every other task the two
 * sprints are the same.
 */
export interface LaneSchedule {
  /** The sprint the task ends in. */
  readonly sprint: Int32Array;
  readonly firstSprint: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Lanes of the (last) part. */
  readonly lanes: Int32Array;
  /** -1: placed or not schedulable; -2: no room within maxSprints; >= 0: that predecessor was not placed. */
  readonly failedBlocker: Int32Array;
  /** 1 + the last sprint holding a task. */
  readonly sprintsUsed: number;
  readonly failures: number;
}

/**
 * The shape of a task of `ticks` in a team of `capacityTicks` per sprint whose longest sprints have
 * `laneTicks` working ticks: the fewest evenly spread lanes that finish it inside one sprint; else the
 * team's whole sprint when it is within the capacity; else split over consecutive sprints.
 */
export function shapeTask(ticks: number, capacityTicks: number, laneTicks: number): TaskShape {
  if (ticks === 0) return { kind: 'lanes', lanes: 1, laneTicks: 0 };
  const fullLanes = Math.floor(capacityTicks / laneTicks);
  const remainder = capacityTicks - fullLanes * laneTicks;
  const totalLanes = fullLanes + (remainder > 0 ? 1 : 0);
  for (let lanes = Math.ceil(ticks / laneTicks); lanes <= totalLanes; lanes++) {
    const each = Math.ceil(ticks / lanes);
    const available = fullLanes + (remainder >= each ? 1 : 0);
    if (available >= lanes) return { kind: 'lanes', lanes, laneTicks: each };
  }
  if (ticks <= capacityTicks) return { kind: 'alone', ticks };
  const parts = Math.ceil(ticks / capacityTicks);
  const last = shapeTask(ticks - (parts - 1) * capacityTicks, capacityTicks, laneTicks);
  if (last.kind === 'split') throw new Error('unreachable: the rest of a split task fits one sprint');
  return { kind: 'split', parts, partTicks: capacityTicks, last };
}

/** Lengths in ticks of a team's lanes in a sprint of `laneTicks` working ticks: full lanes, then the rest. */
export function laneLengths(capacityTicks: number, laneTicks: number): number[] {
  const out: number[] = [];
  if (laneTicks <= 0) return out;
  for (let left = capacityTicks; left > 0; left -= laneTicks) out.push(Math.min(laneTicks, left));
  return out;
}

/**
 * When `ticks` of work poured over all `lanes` from the sprint's start is done: the smallest whole tick T
 * with sum(min(lane, T)) >= ticks. The lanes must hold at least `ticks`.
 */
export function pourEnd(ticks: number, lanes: readonly number[]): number {
  if (ticks <= 0) return 0;
  const sorted = [...lanes].sort((a, b) => a - b);
  let done = 0;
  for (let k = 0; k < sorted.length; k++) {
    const open = sorted.length - k;
    const len = sorted[k]!;
    // Lanes k.. all run until `len` at least: the rest is done once they have each run (ticks - done) / open.
    const at = Math.ceil((ticks - done) / open);
    if (at <= len) return at;
    done += len;
  }
  return sorted[sorted.length - 1] ?? 0;
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
    const lanes = shape?.kind === 'split' ? shape.last : shape;
    if (lanes?.kind === 'lanes' && lanes.laneTicks > 0) {
      const t = teamOf[i]!;
      minTeamTicks[t] = Math.min(minTeamTicks[t]!, lanes.laneTicks);
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

  /** Whether `lanes` lanes of at least `len` are free from the start of sprint s. */
  const freeFromStart = (s: number, t: number, lanes: number, len: number): boolean => {
    const intervals = free[s * teamCount + t]!;
    let found = 0;
    for (let m = 0; m < intervals.length; m += 2) if (intervals[m] === 0 && intervals[m + 1]! >= len) found++;
    return found >= lanes;
  };
  /** Gives the team's whole sprint s (it has nothing else there) to `ticks` of work; returns [end, lanes]. */
  const takeWhole = (s: number, t: number, ticks: number): [number, number] => {
    const cell = s * teamCount + t;
    const intervals = free[cell]!;
    const lengths: number[] = [];
    for (let m = 0; m < intervals.length; m += 2) lengths.push(intervals[m + 1]! - intervals[m]!);
    free[cell] = [];
    used[cell]! += ticks;
    rooms[t]!.set(s, 0);
    return [pourEnd(ticks, lengths), lengths.length];
  };

  const sprint = new Int32Array(n).fill(-1);
  const firstSprint = new Int32Array(n).fill(-1);
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
    if (shape.kind !== 'lanes') {
      // The team's whole sprint for each full part, back to back over sprints with working days, the
      // rest from the start of the next one; the first part after the predecessors' sprint unless they
      // all end at its very start.
      const parts = shape.kind === 'split' ? shape.parts : 1;
      const last = shape.kind === 'split' ? shape.last : shape;
      if (ready > 0) s++;
      while (emptyHint[t]! < sprintW.length && !isEmptyFor(emptyHint[t]!, t)) emptyHint[t]!++;
      s = Math.max(s, emptyHint[t]!);
      const window: number[] = [];
      for (;;) {
        if (s >= maxSprints) return false;
        ensureSprint(s);
        if (!isEmptyFor(s, t)) {
          s++;
          continue;
        }
        window.length = 0;
        window.push(s);
        let x = s;
        let blocked = -1;
        while (window.length < parts) {
          x++;
          if (x >= maxSprints) return false;
          ensureSprint(x);
          if (sprintW[x] === 0) continue;
          const lastPart = window.length === parts - 1;
          const fits =
            lastPart && last.kind === 'lanes'
              ? freeFromStart(x, t, last.lanes, last.laneTicks)
              : isEmptyFor(x, t);
          if (!fits) {
            // A sprint that is not empty cannot hold a full part of any later window either.
            blocked = lastPart && isEmptyFor(x, t) ? s + 1 : x + 1;
            break;
          }
          window.push(x);
        }
        if (blocked < 0) break;
        s = blocked;
      }
      for (let k = 0; k < parts - 1; k++)
        takeWhole(window[k]!, t, shape.kind === 'split' ? shape.partTicks : 0);
      const lastSprint = window[parts - 1]!;
      const rest = estimate[i]! - (parts - 1) * (shape.kind === 'split' ? shape.partTicks : 0);
      if (last.kind === 'alone') {
        [end[i], lanesOf[i]] = takeWhole(lastSprint, t, rest);
      } else {
        tryPlace(lastSprint, t, 0, last.lanes, last.laneTicks);
        refreshRoom(lastSprint, t);
        used[lastSprint * teamCount + t]! += rest;
        end[i] = last.laneTicks;
        lanesOf[i] = last.lanes;
      }
      firstSprint[i] = window[0]!;
      sprint[i] = lastSprint;
      start[i] = 0;
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
      firstSprint[i] = s;
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
        firstSprint[i] = s;
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
  return { sprint, firstSprint, start, end, lanes: lanesOf, failedBlocker, sprintsUsed, failures };
}
