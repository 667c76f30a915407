/**
 * Planning hot paths at epic scale: de-duplication of 1,000 / 5,000 / 10,000 test cases and dependency
 * validation (team rules + proposed edges, some closing cycles) of 1,000 / 5,000 / 10,000 tasks.
 * Prints the median of several runs and the growth from one size to the next.
 * Targets: near-linear growth, under 200 ms at 10,000.
 */
import {
  applyTeamDependencies,
  dedupeTestCases,
  mergeDependencies,
  type ProposedDependency,
  type Team,
  type TeamTask,
  type TestCase,
  type TestType,
  validateDependencies,
} from '../shared/src/index.js';

const SIZES = [1_000, 5_000, 10_000];
const RUNS = 7;

/** Deterministic pseudo-random numbers (mulberry32) so every run measures the same data. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITIES = [
  'invoice',
  'customer',
  'payment',
  'order',
  'refund',
  'report',
  'patient',
  'appointment',
  'cart',
  'product',
];
const FIELDS = [
  'amount',
  'currency',
  'due date',
  'email',
  'status',
  'quantity',
  'price',
  'address',
  'name',
  'tax rate',
];
const ACTIONS = [
  'create',
  'update',
  'delete',
  'send',
  'approve',
  'export',
  'list',
  'filter',
  'cancel',
  'archive',
];
const TYPES: TestType[] = ['unit', 'integration', 'acceptance', 'e2e', 'ui', 'security', 'performance'];
const TEMPLATES = [
  (e: string, f: string, a: string, n: number) => ({
    title: `Reject ${e} ${n} with invalid ${f} on ${a}`,
    steps: [
      `Arrange: a signed-in user and ${e} #${n}`,
      `Act: ${a} the ${e} with a malformed ${f}`,
      `Assert: 400 naming ${f}`,
    ],
    expected: `The ${a} of ${e} ${n} is refused and nothing is saved`,
  }),
  (e: string, f: string, a: string, n: number) => ({
    title: `${a} ${e} ${n} stores ${f} exactly`,
    steps: [
      `Arrange: ${e} fixture ${n} with a valid ${f}`,
      `Act: ${a} it and reload`,
      `Assert: the ${f} round-trips`,
    ],
    expected: `${e} ${n} keeps its ${f} after ${a}`,
  }),
  (e: string, f: string, a: string, n: number) => ({
    title: `Only permitted roles can ${a} ${e} ${n}`,
    steps: [`Arrange: a user without the role for ${e} ${n}`, `Act: try to ${a} it`, 'Assert: 403'],
    expected: `${a} on ${e} ${n} is denied; ${f} unchanged`,
  }),
];

function makeCases(n: number, seed: number): TestCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: TestCase[] = [];
  for (let i = 0; i < n; i++) {
    // One case in four re-words an earlier one: a near-duplicate to find.
    if (i > 10 && r() < 0.25) {
      const src = out[Math.floor(r() * out.length)]!;
      out.push({
        ...src,
        title: `Verify: ${src.title.toLowerCase()}`,
        expected_result: `${src.expected_result}.`,
      });
      continue;
    }
    const t = pick(TEMPLATES)(pick(ENTITIES), pick(FIELDS), pick(ACTIONS), Math.floor(r() * n));
    out.push({
      title: t.title,
      type: pick(TYPES),
      description: `Case ${i} of the generated epic suite.`,
      steps: t.steps,
      expected_result: t.expected,
      covers_criterion: r() < 0.5 ? `AC ${Math.floor(r() * (n / 4))}` : null,
      priority: 'medium',
    });
  }
  return out;
}

const STORY_TEAMS: { team: Team; summary: string }[] = [
  { team: 'infrastructure', summary: 'Provision queue' },
  { team: 'backend', summary: 'Add data model and migration' },
  { team: 'backend', summary: 'Implement POST endpoint' },
  { team: 'data', summary: 'Build aggregation' },
  { team: 'frontend', summary: 'Build form' },
  { team: 'qa', summary: 'Write acceptance tests' },
];

function makeTasks(n: number, seed: number): { tasks: TeamTask[]; proposed: ProposedDependency[] } {
  const r = rng(seed);
  const tasks: TeamTask[] = [];
  for (let i = 0; i < n; i++) {
    const story = Math.floor(i / STORY_TEAMS.length);
    const shape = STORY_TEAMS[i % STORY_TEAMS.length]!;
    tasks.push({
      id: `S${story}-${i}`,
      summary: `${shape.summary} for story ${story}`,
      description: '',
      team: shape.team,
      estimate_days: 1,
      depends_on_tasks: [],
      blocked_by_teams: [],
      test_cases: [],
      story_key: `S${story}`,
    });
  }
  const withRules = applyTeamDependencies(tasks);
  // Cross-story proposals: mostly forward (acyclic), one in ten backwards (may close a cycle).
  const proposed: ProposedDependency[] = [];
  for (let k = 0; k < n; k++) {
    const u = Math.floor(r() * n);
    const v =
      r() < 0.9 ? Math.min(n - 1, u + 1 + Math.floor(r() * 50)) : Math.max(0, u - 1 - Math.floor(r() * 50));
    proposed.push({ from: withRules[u]!.id, to: withRules[v]!.id });
  }
  return { tasks: withRules, proposed };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall and CPU milliseconds of RUNS runs after a warm-up (CPU time helps read a busy machine). */
function time(fn: () => void): { ms: number; cpu: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpu: median(cpu) };
}

function report(name: string, rows: { n: number; ms: number; cpu: number; note: string }[]): void {
  console.log(`\n${name}`);
  rows.forEach((row, i) => {
    const prev = rows[i - 1];
    const growth = prev
      ? `  x${(row.ms / prev.ms).toFixed(2)} time for x${(row.n / prev.n).toFixed(0)} size`
      : '';
    console.log(
      `  ${String(row.n).padStart(6)}: ${row.ms.toFixed(1).padStart(7)} ms median of ${RUNS} (cpu ${row.cpu.toFixed(1)} ms)  ${row.note}${growth}`,
    );
  });
  const last = rows[rows.length - 1]!;
  console.log(
    `  ${last.ms < 200 ? 'OK' : 'OVER TARGET'}: ${last.ms.toFixed(1)} ms at ${last.n} (target < 200 ms)`,
  );
}

const dedupeRows = SIZES.map((n) => {
  const cases = makeCases(n, 42);
  let removed = 0;
  const t = time(() => {
    removed = dedupeTestCases(cases).removed.length;
  });
  return { n, ...t, note: `(${removed} near-duplicates removed)` };
});
report('dedupeTestCases (prefix-filtered Jaccard >= 0.8)', dedupeRows);

const mergeRows = SIZES.map((n) => {
  const { tasks, proposed } = makeTasks(n, 7);
  let dropped = 0;
  let edges = 0;
  const t = time(() => {
    const r = mergeDependencies(tasks, proposed);
    dropped = r.dropped.filter((d) => d.reason === 'cycle').length;
    edges = r.relationships.length;
  });
  return { n, ...t, note: `(${edges} links kept, ${dropped} cycle-closing proposals dropped)` };
});
report('mergeDependencies (team rules + n proposed edges, cycles dropped)', mergeRows);

const validateRows = SIZES.map((n) => {
  const { tasks, proposed } = makeTasks(n, 7);
  const merged = mergeDependencies(tasks, proposed).tasks;
  const t = time(() => {
    validateDependencies(merged);
  });
  return { n, ...t, note: '(already valid graph)' };
});
report('validateDependencies (check only)', validateRows);
