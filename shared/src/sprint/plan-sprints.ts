import { buildDependencyGraph } from './dependency-graph.js';
import { SprintInputError } from './errors.js';
import {
  type LaneProblem,
  type LaneSchedule,
  laneLengths,
  pourEnd,
  type Successors,
  scheduleLanes,
  shapeTask,
  type TaskShape,
  TICKS_PER_DAY,
} from './lane-scheduler.js';
import {
  MAX_TEAM_CAPACITY_DAYS,
  type PlanFlag,
  type PlannedSprint,
  type SprintPlan,
  type SprintPlanInput,
  type TeamPlanSummary,
  type TimelineEntry,
  type UnscheduledReasonCode,
  type UnscheduledTask,
} from './schemas.js';
import { dayNumberToIsoDate, isoDateToDayNumber, isWorkingDayNumber } from './working-days.js';

/** Estimates are rounded to hundredths of a day: the scheduler's integer time unit. */
const toTicks = (days: number): number => Math.round(days * TICKS_PER_DAY);
const toDays = (ticks: number): number => ticks / TICKS_PER_DAY;
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Forward-backward improvement rounds after the first pass (each is two scheduling passes). */
const JUSTIFY_ROUNDS = 6;

/**
 * Plans tasks into sprints. Pure and deterministic: the same input always gives the same plan.
 *
 * **Input** must be parsed by the `SprintPlanInput` schema (defaults applied). Callers that skip the
 * schema still get a `SprintInputError` for duplicate keys and an invalid start date.
 *
 * **Calendar.** Sprint n (1-based) starts `(n - 1) * sprint_duration_days` calendar days after
 * `start_date`; its working days are its Mondays to Fridays. Sprints are named `<epic_key> Sprint <n>`.
 *
 * **Capacity model (lanes).** A team with C days of capacity in a sprint of W working days works in
 * ceil(C / W) parallel lanes (think: people): floor(C / W) lanes of W days and, when C is not a
 * multiple of W, one shorter lane of the remainder, so the lanes add up to exactly C. A task runs in one
 * lane, one estimate day per working day. A task longer than the sprint is spread evenly over the fewest
 * lanes that let it finish inside one sprint (they run side by side, starting together). Lanes keep
 * their idle gaps, so later tasks can back-fill them. No sprint holds more work of a team than C, and
 * every date lies inside its sprint.
 *
 * **Dependencies.** A task starts only after all its blockers end: in a later sprint, or in the same
 * sprint at or after the blocker's end offset in that sprint's timeline.
 *
 * **Order.** Ready tasks are taken longest remaining chain first, then in backlog order, and each goes
 * to the earliest sprint, and the earliest start in that sprint, where a lane has room. A chain's
 * length is the working days it takes: the task's estimate plus its longest chain of dependents, where
 * a task spread over k lanes counts estimate / k and each sprint a task takes whole counts as a sprint
 * (so a huge task that can go in any empty sprint does not crowd out a long chain). When that first plan is above
 * `lower_bound_sprints`, up to 6 forward-backward rounds follow: schedule the reversed graph from the
 * end (tasks that finished last go first), then forwards again (tasks the backward pass started
 * earliest go first). This closes idle gaps; the plan with the fewest sprints (fewest unscheduled
 * first) is kept. Every pass is the same list scheduling, so every plan keeps all the rules above.
 *
 * **Long tasks.** A task within the team's capacity that its lanes cannot finish side by side takes
 * the team's whole sprint (the first where the team has nothing else), its work poured over all lanes.
 * A task above the capacity C is split over consecutive sprints with working days: C days in each of
 * the first sprints, each taken whole, then the rest from the start of the next sprint; each sprint
 * gets its own timeline entry (`part` of `parts`, `days`) and the task is listed in `flags` (`split`).
 * With `split_long_tasks: false` such a task is unscheduled (`longer_than_a_sprint`) instead.
 *
 * **Not schedulable** (listed in `unscheduled` with a code and reason, in input order): a task whose
 * team is not in `teams` (and no `sprint_capacity_days` override), whose team has zero capacity, that
 * depends on a key not in `tasks`, that depends on an unscheduled task, that does not fit within
 * `max_sprints`, or that is longer than a sprint when splitting is off.
 *
 * **Lower bound.** `lower_bound_sprints` = max(for each team: the sprints its tasks take whole +
 * ceil(other work / capacity); the sprints the dependency chains need with unlimited lanes, each task as early as its
 * blockers and the sprint boundaries allow). No valid plan under this model can use fewer sprints.
 * The lower bound and the critical path cover schedulable tasks only (not those in `unscheduled` for
 * a structural reason), and ignore `max_sprints`.
 *
 * Runs in O((V + E) log V) per pass for V tasks and E dependencies (a binary heap of ready tasks,
 * adjacency arrays, a segment tree per team over sprints), plus a small factor for lanes per sprint.
 *
 * @throws DependencyCycleError when dependencies form a cycle; `.cycle` names the tasks.
 * @throws SprintInputError on duplicate task keys or an invalid `start_date`.
 */
export function planSprints(input: SprintPlanInput): SprintPlan {
  const tasks = input.tasks;
  const n = tasks.length;
  const graph = buildDependencyGraph(tasks);
  const { dependentStart, dependents, order } = graph;

  const startDay = isoDateToDayNumber(input.start_date);
  if (startDay === null) throw new SprintInputError('start_date', `not a valid date: ${input.start_date}`);
  const duration = input.sprint_duration_days;
  const maxSprints = input.max_sprints ?? Number.POSITIVE_INFINITY;

  // Working days of a sprint depend only on the weekday it starts on.
  const workdaysByWeekday = new Map<number, number>();
  const sprintWorkdays = (s: number): number => {
    const first = startDay + s * duration;
    const weekday = ((first % 7) + 7) % 7;
    let w = workdaysByWeekday.get(weekday);
    if (w === undefined) {
      w = 0;
      for (let d = first; d < first + duration; d++) if (isWorkingDayNumber(d)) w++;
      workdaysByWeekday.set(weekday, w);
    }
    return w;
  };
  let maxWorkdays = 0;
  let minPositiveWorkdays = Number.POSITIVE_INFINITY;
  for (let s = 0; s < 7; s++) {
    const w = sprintWorkdays(s);
    maxWorkdays = Math.max(maxWorkdays, w);
    if (w > 0) minPositiveWorkdays = Math.min(minPositiveWorkdays, w);
  }
  const maxLaneTicks = maxWorkdays * TICKS_PER_DAY;

  // Teams: those declared, then (with an override) those only named by tasks.
  const teamNames = Object.keys(input.teams);
  const teamIndex = new Map<string, number>(teamNames.map((name, t) => [name, t]));
  const override = input.sprint_capacity_days;
  if (override !== undefined) {
    for (const task of tasks) {
      if (!teamIndex.has(task.team)) {
        teamIndex.set(task.team, teamNames.length);
        teamNames.push(task.team);
      }
    }
  }
  const teamCount = teamNames.length;
  const capacity = teamNames.map((name) =>
    toTicks(override ?? input.teams[name]?.capacity_days_per_sprint ?? 0),
  );
  capacity.forEach((c, t) => {
    if (!(c >= 0 && c <= MAX_TEAM_CAPACITY_DAYS * TICKS_PER_DAY)) {
      const field =
        override !== undefined ? 'sprint_capacity_days' : `teams.${teamNames[t]}.capacity_days_per_sprint`;
      throw new SprintInputError(field, `must be between 0 and ${MAX_TEAM_CAPACITY_DAYS} days`);
    }
  });

  // Per-task facts and structural reasons a task cannot be scheduled, propagated along dependencies.
  const teamOf = new Int32Array(n);
  const estimate = new Float64Array(n);
  const unscheduledCode: (UnscheduledReasonCode | undefined)[] = new Array(n).fill(undefined);
  const unscheduledReason: string[] = new Array(n).fill('');
  const shapes: (TaskShape | undefined)[] = new Array(n).fill(undefined);
  const markUnscheduled = (i: number, code: UnscheduledReasonCode, reason: string): void => {
    unscheduledCode[i] = code;
    unscheduledReason[i] = reason;
  };
  for (let i = 0; i < n; i++) {
    const task = tasks[i]!;
    teamOf[i] = teamIndex.get(task.team) ?? -1;
    estimate[i] = toTicks(task.estimate_days);
  }
  for (let o = 0; o < n; o++) {
    const i = order[o]!;
    const task = tasks[i]!;
    const t = teamOf[i]!;
    if (unscheduledCode[i] === undefined) {
      if (t < 0) markUnscheduled(i, 'unknown_team', `team "${task.team}" is not defined in teams`);
      else if (capacity[t] === 0) {
        markUnscheduled(i, 'no_capacity', `team "${task.team}" has no capacity (0 days per sprint)`);
      } else if (graph.unknownDependency[i] !== undefined) {
        markUnscheduled(
          i,
          'unknown_dependency',
          `depends on ${graph.unknownDependency[i]}, which is not a task of this plan`,
        );
      } else {
        const shape = shapeTask(estimate[i]!, capacity[t]!, maxLaneTicks);
        if (shape.kind === 'split' && !input.split_long_tasks) {
          markUnscheduled(
            i,
            'longer_than_a_sprint',
            `estimate of ${toDays(estimate[i]!)} days is more than team ${task.team} can do in one sprint ` +
              `(${toDays(capacity[t]!)} days): split the task, or allow split_long_tasks`,
          );
        } else {
          shapes[i] = shape;
        }
      }
    }
    if (unscheduledCode[i] !== undefined) {
      for (let k = dependentStart[i]!; k < dependentStart[i + 1]!; k++) {
        const j = dependents[k]!;
        if (unscheduledCode[j] === undefined) {
          markUnscheduled(j, 'blocked_by_unscheduled', `depends on ${task.key}, which is unscheduled`);
        }
      }
    }
  }
  const plannable = (i: number): boolean => unscheduledCode[i] === undefined;

  // Remaining chain lengths: estimate-weighted for ordering and the reported critical path, lane-time
  // weighted for the critical-path part of the lower bound.
  const chain = new Float64Array(n);
  const chainTime = new Float64Array(n);
  const minPositiveTicks = minPositiveWorkdays * TICKS_PER_DAY;
  for (let o = n - 1; o >= 0; o--) {
    const i = order[o]!;
    if (!plannable(i)) continue;
    let best = 0;
    let bestTime = 0;
    for (let k = dependentStart[i]!; k < dependentStart[i + 1]!; k++) {
      const j = dependents[k]!;
      if (!plannable(j)) continue;
      if (chain[j]! > best) best = chain[j]!;
      if (chainTime[j]! > bestTime) bestTime = chainTime[j]!;
    }
    const shape = shapes[i]!;
    chain[i] = estimate[i]! + best;
    // A whole sprint of the team counts as the shortest sprint's working time.
    const own =
      shape.kind === 'lanes'
        ? shape.laneTicks
        : shape.kind === 'alone'
          ? minPositiveTicks
          : (shape.parts - 1) * minPositiveTicks +
            (shape.last.kind === 'lanes' ? shape.last.laneTicks : minPositiveTicks);
    chainTime[i] = own + bestTime;
  }

  const problem: LaneProblem = {
    size: n,
    teamCount,
    capacity,
    teamOf,
    estimate,
    shapes,
    workdays: sprintWorkdays,
    maxSprints,
  };
  const forward: Successors = { start: dependentStart, targets: dependents };
  const lowerBound = lowerBoundSprints(problem, order, forward);
  const backward: Successors = { start: graph.blockerStart, targets: graph.blockers };
  let best = scheduleLanes(problem, forward, chainTime);
  let current = best;
  // Forward-backward improvement ("justification"): schedule the reversed graph from the end, taking
  // the tasks that finished last first, then schedule forwards again taking the tasks that the
  // backward pass started earliest first. This closes idle gaps left by the first pass.
  const slot = maxWorkdays * TICKS_PER_DAY + 1;
  for (let round = 0; round < JUSTIFY_ROUNDS; round++) {
    if (best.failures === 0 && best.sprintsUsed <= lowerBound.sprints) break;
    const horizon = current.sprintsUsed;
    const finish = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      finish[i] =
        current.sprint[i]! >= 0 ? current.sprint[i]! * slot + current.end[i]! : (horizon + 1) * slot;
    }
    const mirrored: LaneProblem = {
      ...problem,
      workdays: (m) => sprintWorkdays(horizon - 1 - m),
      maxSprints: Number.POSITIVE_INFINITY,
    };
    const back = scheduleLanes(mirrored, backward, finish);
    const lateness = new Float64Array(n);
    for (let i = 0; i < n; i++) lateness[i] = back.sprint[i]! * slot + back.end[i]!;
    current = scheduleLanes(problem, forward, lateness);
    if (
      current.failures < best.failures ||
      (current.failures === best.failures && current.sprintsUsed < best.sprintsUsed)
    ) {
      best = current;
    }
  }
  for (let i = 0; i < n; i++) {
    const why = best.failedBlocker[i]!;
    if (why === -2) {
      markUnscheduled(
        i,
        'max_sprints_exceeded',
        `no sprint within max_sprints (${input.max_sprints}) has room for it`,
      );
    } else if (why >= 0) {
      markUnscheduled(i, 'blocked_by_unscheduled', `depends on ${tasks[why]!.key}, which is unscheduled`);
    }
  }

  return buildPlan({
    input,
    dependentStart,
    dependents,
    teamNames,
    capacity,
    teamOf,
    estimate,
    shapes,
    chain,
    unscheduledCode,
    unscheduledReason,
    schedule: best,
    lowerBound,
    startDay,
    sprintWorkdays,
  });
}

interface LowerBound {
  sprints: number;
  perTeam: number[];
}

/**
 * Sprints no plan can go below, the larger of two bounds that each ignore one constraint:
 * - capacity: for each team, one sprint per sprint a task takes whole (a task alone in a sprint, each
 *   full part of a split task) plus ceil(its other work / capacity);
 * - dependencies: the plan with unlimited lanes, where every task starts as early as its blockers and
 *   the sprint-boundary rule allow (a task that does not fit in the rest of a sprint starts the next
 *   one, a whole-sprint part starts a sprint), which is optimal when capacity is unlimited.
 * Sprints without working days are counted but hold nothing.
 */
function lowerBoundSprints(problem: LaneProblem, order: Int32Array, successors: Successors): LowerBound {
  const { size: n, teamCount, capacity, teamOf, estimate, shapes, workdays } = problem;
  const work = new Array<number>(teamCount).fill(0);
  const whole = new Array<number>(teamCount).fill(0);
  let schedulable = 0;
  for (let i = 0; i < n; i++) {
    const shape = shapes[i];
    if (!shape) continue;
    schedulable++;
    const t = teamOf[i]!;
    if (shape.kind === 'lanes') work[t]! += estimate[i]!;
    else if (shape.kind === 'alone') whole[t]!++;
    else {
      whole[t]! += shape.parts - 1;
      if (shape.last.kind === 'alone') whole[t]!++;
      else work[t]! += estimate[i]! - (shape.parts - 1) * shape.partTicks;
    }
  }
  const sprintsWithWorkdays = (needed: number): number => {
    let s = 0;
    for (let got = 0; got < needed; s++) if (workdays(s) > 0) got++;
    return s;
  };
  const perTeam = capacity.map((c, t) =>
    c > 0 ? sprintsWithWorkdays(whole[t]! + Math.ceil(work[t]! / c)) : 0,
  );

  const readySprint = new Int32Array(n);
  const readyTick = new Float64Array(n);
  let chainSprints = 0;
  for (let o = 0; o < n; o++) {
    const i = order[o]!;
    const shape = shapes[i];
    if (!shape) continue;
    let s = readySprint[i]!;
    let start = readyTick[i]!;
    let end: number;
    if (shape.kind !== 'lanes') {
      if (start > 0) s++;
      while (workdays(s) === 0) s++;
      const parts = shape.kind === 'split' ? shape.parts : 1;
      for (let k = 1; k < parts; k++) {
        s++;
        while (workdays(s) === 0) s++;
      }
      const last = shape.kind === 'split' ? shape.last : shape;
      const c = capacity[teamOf[i]!]!;
      end =
        last.kind === 'lanes'
          ? last.laneTicks
          : pourEnd(last.ticks, laneLengths(c, workdays(s) * TICKS_PER_DAY));
    } else {
      const need = Math.max(shape.laneTicks, 1);
      if (start + shape.laneTicks > workdays(s) * TICKS_PER_DAY || workdays(s) === 0) {
        s++;
        start = 0;
        while (workdays(s) * TICKS_PER_DAY < need) s++;
      }
      end = start + shape.laneTicks;
    }
    chainSprints = Math.max(chainSprints, s + 1);
    for (let k = successors.start[i]!; k < successors.start[i + 1]!; k++) {
      const j = successors.targets[k]!;
      if (s > readySprint[j]!) {
        readySprint[j] = s;
        readyTick[j] = end;
      } else if (s === readySprint[j]! && end > readyTick[j]!) {
        readyTick[j] = end;
      }
    }
  }
  return { sprints: Math.max(schedulable > 0 ? 1 : 0, chainSprints, ...perTeam), perTeam };
}

interface PlanState {
  input: SprintPlanInput;
  dependentStart: Int32Array;
  dependents: Int32Array;
  teamNames: string[];
  capacity: number[];
  teamOf: Int32Array;
  estimate: Float64Array;
  shapes: ReadonlyArray<TaskShape | undefined>;
  chain: Float64Array;
  unscheduledCode: (UnscheduledReasonCode | undefined)[];
  unscheduledReason: string[];
  schedule: LaneSchedule;
  lowerBound: LowerBound;
  startDay: number;
  sprintWorkdays: (s: number) => number;
}

function buildPlan(st: PlanState): SprintPlan {
  const { input, teamNames, capacity, teamOf, estimate, shapes, schedule, chain } = st;
  const tasks = input.tasks;
  const n = tasks.length;
  const teamCount = teamNames.length;
  const duration = input.sprint_duration_days;
  const sprintsUsed = schedule.sprintsUsed;

  // What each placed task does in each of its sprints (one piece, or one per part of a split task),
  // bucketed by sprint and ordered by start offset, backlog order and part.
  interface Piece {
    task: number;
    sprint: number;
    start: number;
    end: number;
    lanes: number;
    ticks: number;
    part: number;
    parts: number;
  }
  const bySprint: Piece[][] = Array.from({ length: sprintsUsed }, () => []);
  const used = new Array<number>(sprintsUsed * teamCount).fill(0);
  const teamsWithWork = new Set<number>();
  const splitSprints = new Map<number, Piece[]>();
  for (let i = 0; i < n; i++) {
    const last = schedule.sprint[i]!;
    if (last < 0) continue;
    const shape = shapes[i]!;
    const t = teamOf[i]!;
    const pieces: Piece[] = [];
    if (shape.kind === 'split') {
      let sp = schedule.firstSprint[i]!;
      for (let part = 1; part < shape.parts; part++, sp++) {
        while (st.sprintWorkdays(sp) === 0) sp++;
        const lanes = laneLengths(capacity[t]!, st.sprintWorkdays(sp) * TICKS_PER_DAY);
        const end = pourEnd(shape.partTicks, lanes);
        pieces.push({
          task: i,
          sprint: sp,
          start: 0,
          end,
          lanes: lanes.length,
          ticks: shape.partTicks,
          part,
          parts: shape.parts,
        });
      }
      const rest = estimate[i]! - (shape.parts - 1) * shape.partTicks;
      pieces.push({
        task: i,
        sprint: last,
        start: 0,
        end: schedule.end[i]!,
        lanes: schedule.lanes[i]!,
        ticks: rest,
        part: shape.parts,
        parts: shape.parts,
      });
      splitSprints.set(i, pieces);
    } else {
      pieces.push({
        task: i,
        sprint: last,
        start: schedule.start[i]!,
        end: schedule.end[i]!,
        lanes: schedule.lanes[i]!,
        ticks: estimate[i]!,
        part: 1,
        parts: 1,
      });
    }
    for (const piece of pieces) {
      bySprint[piece.sprint]!.push(piece);
      used[piece.sprint * teamCount + t]! += piece.ticks;
    }
    teamsWithWork.add(t);
  }
  for (const bucket of bySprint)
    bucket.sort((a, b) => a.start - b.start || a.task - b.task || a.part - b.part);

  const sprints: PlannedSprint[] = [];
  const timeline: TimelineEntry[] = [];
  const flags: PlanFlag[] = [];
  let capacityOfUsedSprints = 0;
  let lastDay: string | null = null;
  for (let s = 0; s < sprintsUsed; s++) {
    const first = st.startDay + s * duration;
    const workdays: string[] = [];
    for (let d = first; d < first + duration; d++)
      if (isWorkingDayNumber(d)) workdays.push(dayNumberToIsoDate(d));
    const name = `${input.epic_key} Sprint ${s + 1}`;
    const cap: Record<string, number> = {};
    const use: Record<string, number> = {};
    const util: Record<string, number> = {};
    for (let t = 0; t < teamCount; t++) {
      const c = workdays.length > 0 ? capacity[t]! : 0;
      const u = used[s * teamCount + t]!;
      const team = teamNames[t]!;
      cap[team] = toDays(c);
      use[team] = toDays(u);
      util[team] = c > 0 ? round4(u / c) : 0;
      if (teamsWithWork.has(t)) capacityOfUsedSprints += c;
    }
    const bucket = bySprint[s]!;
    sprints.push({
      name,
      number: s + 1,
      start_date: dayNumberToIsoDate(first),
      end_date: dayNumberToIsoDate(first + duration - 1),
      working_days: workdays.length,
      tasks: bucket.map((p) => tasks[p.task]!.key),
      capacity: cap,
      used: use,
      utilisation: util,
    });
    // Dates come from the sprint's own working days, so no entry can reach outside its sprint.
    const lastIdx = workdays.length - 1;
    for (const p of bucket) {
      const startIdx = Math.min(Math.floor(p.start / TICKS_PER_DAY), lastIdx);
      const endIdx = p.end > p.start ? Math.min(Math.ceil(p.end / TICKS_PER_DAY) - 1, lastIdx) : startIdx;
      const endDay = workdays[endIdx]!;
      if (lastDay === null || endDay > lastDay) lastDay = endDay;
      timeline.push({
        key: tasks[p.task]!.key,
        team: tasks[p.task]!.team,
        sprint: name,
        sprint_number: s + 1,
        start: workdays[startIdx]!,
        end: endDay,
        start_offset: toDays(p.start),
        end_offset: toDays(p.end),
        lanes: p.lanes,
        days: toDays(p.ticks),
        part: p.part,
        parts: p.parts,
      });
    }
  }

  const unscheduled: UnscheduledTask[] = [];
  for (let i = 0; i < n; i++) {
    const code = st.unscheduledCode[i];
    if (code !== undefined) unscheduled.push({ key: tasks[i]!.key, code, reason: st.unscheduledReason[i]! });
    const pieces = splitSprints.get(i);
    if (pieces) {
      const t = teamOf[i]!;
      const firstName = sprints[pieces[0]!.sprint]!.name;
      const lastName = sprints[pieces[pieces.length - 1]!.sprint]!.name;
      flags.push({
        key: tasks[i]!.key,
        code: 'split',
        reason:
          `estimate of ${toDays(estimate[i]!)} days is more than team ${teamNames[t]} can do in one sprint ` +
          `(${toDays(capacity[t]!)} days): split over ${pieces.length} consecutive sprints, ${firstName} to ` +
          `${lastName} (${pieces.map((p) => toDays(p.ticks)).join(' + ')} days)`,
      });
    }
  }

  // Critical path: from the task with the longest remaining chain, follow the longest dependent.
  const schedulable = (i: number): boolean => shapes[i] !== undefined;
  const criticalPath: string[] = [];
  let head = -1;
  for (let i = 0; i < n; i++) if (schedulable(i) && (head < 0 || chain[i]! > chain[head]!)) head = i;
  const criticalTicks = head >= 0 ? chain[head]! : 0;
  while (head >= 0) {
    criticalPath.push(tasks[head]!.key);
    let next = -1;
    for (let k = st.dependentStart[head]!; k < st.dependentStart[head + 1]!; k++) {
      const j = st.dependents[k]!;
      if (
        schedulable(j) &&
        (next < 0 || chain[j]! > chain[next]! || (chain[j] === chain[next] && j < next))
      ) {
        next = j;
      }
    }
    head = next;
  }

  const teamEstimate = new Array<number>(teamCount).fill(0);
  const teamScheduled = new Array<number>(teamCount).fill(0);
  let totalEstimate = 0;
  let scheduledEstimate = 0;
  for (let i = 0; i < n; i++) {
    const t = teamOf[i]!;
    totalEstimate += estimate[i]!;
    if (t >= 0) teamEstimate[t]! += estimate[i]!;
    if (schedule.sprint[i]! >= 0) {
      scheduledEstimate += estimate[i]!;
      teamScheduled[t]! += estimate[i]!;
    }
  }
  const teamSummaries: Record<string, TeamPlanSummary> = {};
  for (let t = 0; t < teamCount; t++) {
    teamSummaries[teamNames[t]!] = {
      capacity_days_per_sprint: toDays(capacity[t]!),
      estimate_days: toDays(teamEstimate[t]!),
      scheduled_days: toDays(teamScheduled[t]!),
      lower_bound_sprints: st.lowerBound.perTeam[t]!,
    };
  }

  return {
    epic_key: input.epic_key,
    sprints,
    timeline,
    critical_path: criticalPath,
    unscheduled,
    flags,
    lower_bound_sprints: st.lowerBound.sprints,
    summary: {
      total_tasks: n,
      scheduled_tasks: n - unscheduled.length,
      unscheduled_tasks: unscheduled.length,
      flagged_tasks: flags.length,
      sprints_used: sprintsUsed,
      total_estimate_days: toDays(totalEstimate),
      scheduled_estimate_days: toDays(scheduledEstimate),
      critical_path_days: toDays(criticalTicks),
      overall_utilisation: capacityOfUsedSprints > 0 ? round4(scheduledEstimate / capacityOfUsedSprints) : 0,
      start_date: input.start_date,
      end_date: lastDay,
      teams: teamSummaries,
    },
  };
}
