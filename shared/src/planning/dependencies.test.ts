import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyTeamDependencies,
  buildRelationships,
  mergeDependencies,
  splitLongTasks,
  validateDependencies,
} from './dependencies.js';
import type { Team, TeamTask } from './schemas.js';

function task(id: string, team: Team, summary = `Task ${id}`, extra: Partial<TeamTask> = {}): TeamTask {
  return {
    id,
    summary,
    description: '',
    team,
    estimate_days: 1,
    depends_on_tasks: [],
    blocked_by_teams: [],
    test_cases: [],
    ...extra,
  };
}

function reachable(tasks: readonly TeamTask[], from: string, to: string): boolean {
  const dependents = new Map<string, string[]>();
  for (const t of tasks)
    for (const d of t.depends_on_tasks) dependents.set(d, [...(dependents.get(d) ?? []), t.id]);
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === to) return true;
    for (const y of dependents.get(x) ?? []) {
      if (!seen.has(y)) {
        seen.add(y);
        stack.push(y);
      }
    }
  }
  return false;
}

function isDag(tasks: readonly TeamTask[]): boolean {
  return validateDependencies(tasks).valid;
}

describe('applyTeamDependencies', () => {
  it('links infrastructure -> data model -> endpoints -> frontend -> QA within a story', () => {
    const tasks = applyTeamDependencies([
      task('i', 'infrastructure', 'Provision message queue'),
      task('m', 'backend', 'Add invoice data model and migration'),
      task('e', 'backend', 'Implement POST /invoices endpoint'),
      task('f', 'frontend', 'Build invoice form'),
      task('q', 'qa', 'Write acceptance tests'),
    ]);
    const deps = Object.fromEntries(tasks.map((t) => [t.id, t.depends_on_tasks]));
    expect(deps).toEqual({ i: [], m: ['i'], e: ['m'], f: ['e'], q: ['e', 'f'] });
    expect(tasks.find((t) => t.id === 'f')!.blocked_by_teams).toEqual(['backend']);
    expect(tasks.find((t) => t.id === 'q')!.blocked_by_teams).toEqual(['backend', 'frontend']);
  });

  it('treats data tasks like backend tasks: after the data model, before the frontend', () => {
    const tasks = applyTeamDependencies([
      task('m', 'backend', 'Add report schema'),
      task('d', 'data', 'Build revenue aggregation'),
      task('f', 'frontend', 'Build dashboard'),
    ]);
    expect(tasks.map((t) => t.depends_on_tasks)).toEqual([[], ['m'], ['d']]);
  });

  it('keeps each story to itself and keeps links that were already there', () => {
    const tasks = applyTeamDependencies([
      task('a-be', 'backend', 'Implement API', { story_key: 'A' }),
      task('b-be', 'backend', 'Implement API', { story_key: 'B' }),
      task('b-fe', 'frontend', 'Build page', { story_key: 'B', depends_on_tasks: ['a-be'] }),
    ]);
    expect(tasks.find((t) => t.id === 'b-fe')!.depends_on_tasks).toEqual(['a-be', 'b-be']);
  });
});

describe('buildRelationships', () => {
  it('emits Blocks links from the blocker to the dependent with both teams', () => {
    const rels = buildRelationships([
      task('be', 'backend'),
      task('fe', 'frontend', 'x', { depends_on_tasks: ['be'] }),
    ]);
    expect(rels).toEqual([
      { from: 'be', to: 'fe', type: 'Blocks', blocking_team: 'backend', dependent_team: 'frontend' },
    ]);
  });
});

describe('mergeDependencies', () => {
  const base = applyTeamDependencies([
    task('be', 'backend', 'Implement API endpoints'),
    task('fe', 'frontend', 'Create UI components'),
    task('qa', 'qa', 'Test the feature'),
  ]);

  it('adds proposed edges given by id or by exact summary', () => {
    const extra = [task('docs', 'backend', 'Write API docs')];
    const r = mergeDependencies(
      [...base, ...extra],
      [{ from: 'Implement API endpoints', to: 'docs', reason: 'docs describe the API' }],
    );
    expect(r.added).toEqual([{ from: 'be', to: 'docs', reason: 'docs describe the API' }]);
    expect(r.tasks.find((t) => t.id === 'docs')!.depends_on_tasks).toEqual(['be']);
    expect(r.dropped).toEqual([]);
  });

  it('drops and reports a proposed edge that would close a cycle', () => {
    const r = mergeDependencies(base, [{ from: 'qa', to: 'be' }]);
    expect(r.dropped).toHaveLength(1);
    expect(r.dropped[0]).toMatchObject({ from: 'qa', to: 'be', reason: 'cycle', source: 'proposed' });
    expect(r.tasks.find((t) => t.id === 'be')!.depends_on_tasks).toEqual([]);
    expect(isDag(r.tasks)).toBe(true);
  });

  it('drops self links, unknown tasks, ambiguous summaries and duplicates with a reason', () => {
    const twins = [...base, task('x1', 'backend', 'Same name'), task('x2', 'backend', 'Same name')];
    const r = mergeDependencies(twins, [
      { from: 'be', to: 'be' },
      { from: 'nope', to: 'fe' },
      { from: 'Same name', to: 'qa' },
      { from: 'be', to: 'fe' },
    ]);
    expect(r.dropped.map((d) => d.reason)).toEqual([
      'self_link',
      'unknown_task',
      'unknown_task',
      'duplicate',
    ]);
    expect(r.dropped[2]!.detail).toContain('several');
  });

  it('removes unknown and cyclic links already present on the tasks', () => {
    const r = mergeDependencies([
      task('a', 'backend', 'A', { depends_on_tasks: ['b', 'ghost'] }),
      task('b', 'backend', 'B', { depends_on_tasks: ['a'] }),
    ]);
    expect(r.dropped.map((d) => [d.reason, d.source])).toEqual([
      ['unknown_task', 'existing'],
      ['cycle', 'existing'],
    ]);
    expect(isDag(r.tasks)).toBe(true);
  });

  it('always returns a DAG, and every edge it drops for a cycle would have closed one', () => {
    const graph = fc.integer({ min: 1, max: 25 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        existing: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40 }),
        proposed: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40 }),
      }),
    );
    fc.assert(
      fc.property(graph, ({ n, existing, proposed }) => {
        const tasks = Array.from({ length: n }, (_, i) =>
          task(`t${i}`, 'backend', `Task ${i}`, {
            depends_on_tasks: existing.filter(([, v]) => v === i).map(([u]) => `t${u}`),
          }),
        );
        const r = mergeDependencies(
          tasks,
          proposed.map(([u, v]) => ({ from: `t${u}`, to: `t${v}` })),
        );
        expect(isDag(r.tasks)).toBe(true);
        for (const d of r.dropped) {
          if (d.reason === 'cycle') expect(reachable(r.tasks, d.to, d.from)).toBe(true);
        }
        // Nothing acceptable is lost: every requested edge is either kept or reported.
        const kept = new Set(r.tasks.flatMap((t) => t.depends_on_tasks.map((dep) => `${dep}>${t.id}`)));
        for (const [u, v] of [...existing, ...proposed]) {
          const k = `t${u}>t${v}`;
          const reported = r.dropped.some((d) => `${d.from}>${d.to}` === k);
          expect(kept.has(k) || reported || u === v).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the same edges as adding them one by one with a full reachability check', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }),
          }),
        ),
        ({ n, edges }) => {
          const tasks = Array.from({ length: n }, (_, i) => task(`t${i}`, 'backend'));
          const r = mergeDependencies(
            tasks,
            edges.map(([u, v]) => ({ from: `t${u}`, to: `t${v}` })),
          );
          // Naive greedy reference.
          const naive = tasks.map((t) => ({ ...t, depends_on_tasks: [] as string[] }));
          for (const [u, v] of edges) {
            if (u === v) continue;
            const dep = naive[v]!;
            if (dep.depends_on_tasks.includes(`t${u}`)) continue;
            if (reachable(naive, `t${v}`, `t${u}`)) continue;
            dep.depends_on_tasks.push(`t${u}`);
          }
          expect(r.tasks.map((t) => [...t.depends_on_tasks].sort())).toEqual(
            naive.map((t) => [...t.depends_on_tasks].sort()),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('validateDependencies', () => {
  it('reports exactly the tasks on a cycle, not the ones downstream of it', () => {
    const v = validateDependencies([
      task('a', 'backend', 'A', { depends_on_tasks: ['c'] }),
      task('b', 'backend', 'B', { depends_on_tasks: ['a'] }),
      task('c', 'backend', 'C', { depends_on_tasks: ['b'] }),
      task('d', 'frontend', 'D', { depends_on_tasks: ['c'] }),
    ]);
    expect(v.valid).toBe(false);
    expect(v.cycle_tasks).toEqual(['a', 'b', 'c']);
  });

  it('reports self links and unknown references and orders a valid graph blockers first', () => {
    const bad = validateDependencies([task('a', 'backend', 'A', { depends_on_tasks: ['a', 'zzz'] })]);
    expect(bad.issues.map((i) => i.kind)).toEqual(['self_link', 'unknown_task']);
    const ok = validateDependencies([
      task('b', 'frontend', 'B', { depends_on_tasks: ['a'] }),
      task('a', 'backend'),
    ]);
    expect(ok.valid).toBe(true);
    expect(ok.order).toEqual(['a', 'b']);
  });
});

describe('splitLongTasks', () => {
  const long = task('api', 'backend', 'Integrate Stripe', {
    estimate_days: 5,
    depends_on_tasks: ['model'],
    description: 'Goal.\n\n**Scope**\n- client\n- webhooks\n- retries\n- secrets\n\n**Done when**\n- works',
    test_cases: ['t1', 't2', 't3'].map((title) => ({
      title,
      type: 'unit' as const,
      description: '',
      steps: ['s'],
      expected_result: 'ok',
      covers_criterion: null,
      priority: 'medium' as const,
    })),
  });
  const tasks = [
    task('model', 'backend', 'Add data model'),
    long,
    task('fe', 'frontend', 'Build page', { depends_on_tasks: ['api'] }),
  ];

  it('splits a task over the limit into numbered parts of the same team whose days add up', () => {
    const out = splitLongTasks(tasks, 3);
    const parts = out.filter((t) => t.part);
    expect(parts.map((p) => p.summary)).toEqual([
      'Integrate Stripe (part 1/2: main path)',
      'Integrate Stripe (part 2/2: edge cases and errors)',
    ]);
    expect(parts.every((p) => p.team === 'backend' && p.estimate_days <= 3)).toBe(true);
    expect(parts.reduce((n, p) => n + p.estimate_days, 0)).toBe(5);
    expect(parts.map((p) => p.part)).toEqual([
      { index: 1, of: 2 },
      { index: 2, of: 2 },
    ]);
  });

  it('keeps dependencies: part 1 waits for the original blockers, dependents wait for the last part', () => {
    const out = splitLongTasks(tasks, 3);
    const byId = Object.fromEntries(out.map((t) => [t.id, t]));
    expect(byId['api-part-1']!.depends_on_tasks).toEqual(['model']);
    expect(byId['api-part-2']!.depends_on_tasks).toEqual(['model', 'api-part-1']);
    expect(byId.fe!.depends_on_tasks).toEqual(['api-part-2']);
    expect(isDag(out)).toBe(true);
  });

  it('shares scope bullets and test cases between the parts', () => {
    const [p1, p2] = splitLongTasks(tasks, 3).filter((t) => t.part);
    expect(p1!.description).toContain('- client');
    expect(p1!.description).not.toContain('- retries');
    expect(p2!.description).toContain('- retries');
    expect(p2!.description).toContain('- works');
    expect([...p1!.test_cases, ...p2!.test_cases].map((t) => t.title)).toEqual(['t1', 't2', 't3']);
  });

  it('gives each part its own scope and done-when, even when the task has one scope line', () => {
    const one = task('sync', 'backend', 'Sync orders', {
      estimate_days: 7,
      description: 'Goal.\n\n**Scope**\n- nightly sync\n\n**Done when**\n- orders match',
      covers_criteria: ['Orders match the ERP every morning'],
    });
    const parts = splitLongTasks([one], 3).filter((t) => t.part);
    expect(parts).toHaveLength(3);
    expect(new Set(parts.map((p) => p.description)).size).toBe(3);
    expect(new Set(parts.map((p) => p.summary)).size).toBe(3);
    expect(parts[2]!.description).toContain('- orders match');
    expect(parts.map((p) => p.covers_criteria)).toEqual([[], [], ['Orders match the ERP every morning']]);
  });

  it('leaves tasks within the limit alone', () => {
    expect(splitLongTasks(tasks, 5)).toEqual(tasks);
  });
});
