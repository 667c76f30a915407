/**
 * Folders import downward only: no folder of runner/src imports, directly or through other folders, a
 * folder that imports it back. A folder is a top-level folder of runner/src (api, planning, jobs, ...),
 * with two units inside jobs/ counted on their own:
 * - the job processors (jobs/processors/): the top of each capability; they may import capabilities, and
 *   only the job catalog (jobs/catalog.ts, which runs them through the queue and the worker) imports them;
 * - the job contract (jobs/types.ts: what a processor is and the context it runs with): the bottom a
 *   capability may build on; it imports only base files and adapters.
 * The rest of jobs/ is the queue mechanics (queue, worker, catalog, inline, keys, previews). Files at the
 * root of runner/src (env, errors, logger, services, server, cli) are the base and the wiring and are left
 * out, and so are co-located tests. Imports are read the way
 * layers.test.ts reads them: with the TypeScript compiler's own scanner (static, dynamic and type-only).
 */
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeImports as importsFrom, sourceFiles } from './source-imports.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNNER_SRC = join(ROOT, 'runner/src');
const relativeImports = (file: string, text?: string) => importsFrom(file, RUNNER_SRC, text);

/** The unit a runner/src-relative path belongs to; null for the root files and for anything outside. */
function unitOf(path: string): string | null {
  const parts = path.split('/');
  if (parts.length < 2 || parts[0] === '..') return null;
  if (parts[0] === 'jobs' && parts[1] === 'processors' && parts.length > 2) return 'jobs/processors';
  if (path === 'jobs/types.ts') return 'jobs/types';
  return parts[0]!;
}

interface Edge {
  from: string;
  to: string;
  /** The file imports that make the edge, `file -> import`. */
  via: string[];
}

/** Folder-level edges from file-level imports (runner/src-relative paths). */
function folderEdges(files: { file: string; imports: string[] }[]): Map<string, Edge> {
  const edges = new Map<string, Edge>();
  for (const { file, imports } of files) {
    const from = unitOf(file);
    if (!from) continue;
    for (const imported of imports) {
      const to = unitOf(imported);
      if (!to || to === from) continue;
      const id = `${from} -> ${to}`;
      const edge = edges.get(id) ?? { from, to, via: [] };
      edge.via.push(`${file} -> ${imported}`);
      edges.set(id, edge);
    }
  }
  return edges;
}

/**
 * The folder cycles: each strongly connected component of more than one folder (Tarjan), reported as
 * the edges inside it with the imports that make each edge.
 */
function folderCycles(edges: Map<string, Edge>): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges.values()) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => {
    const inside = new Set(component);
    return [...edges.values()]
      .filter((e) => inside.has(e.from) && inside.has(e.to))
      .sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`))
      .map((e) => `${e.from} -> ${e.to}: ${e.via.join(', ')}`);
  });
}

const sourceOfRunner = () =>
  sourceFiles(RUNNER_SRC)
    .filter((file) => !/\.test\.tsx?$/.test(file))
    .map((file) => ({
      file: relative(RUNNER_SRC, file).split(sep).join('/'),
      imports: relativeImports(file),
    }));

describe('folder cycles', () => {
  it('groups files into folders the way the check below relies on', () => {
    expect(unitOf('jobs/queue.ts')).toBe('jobs');
    expect(unitOf('jobs/processors/single.ts')).toBe('jobs/processors');
    expect(unitOf('jobs/types.ts')).toBe('jobs/types');
    expect(unitOf('adapters/jira/client.ts')).toBe('adapters');
    expect(unitOf('env.ts')).toBeNull();
    expect(unitOf('../../shared/src/index.ts')).toBeNull();
  });

  it('finds a cycle through several folders and names the imports that make it', () => {
    const cycles = folderCycles(
      folderEdges([
        { file: 'a/x.ts', imports: ['b/y.ts', 'env.ts'] },
        { file: 'b/y.ts', imports: ['c/z.ts'] },
        { file: 'c/z.ts', imports: ['a/w.ts'] },
        { file: 'd/v.ts', imports: ['a/x.ts'] },
        { file: 'env.ts', imports: ['d/v.ts'] },
      ]),
    );
    expect(cycles).toEqual([
      ['a -> b: a/x.ts -> b/y.ts', 'b -> c: b/y.ts -> c/z.ts', 'c -> a: c/z.ts -> a/w.ts'],
    ]);
    expect(folderCycles(folderEdges([{ file: 'a/x.ts', imports: ['b/y.ts'] }]))).toEqual([]);
  });

  it('no folder of runner/src imports a folder that imports it back', () => {
    const files = sourceOfRunner();
    expect(files.length).toBeGreaterThan(50);
    expect(folderCycles(folderEdges(files))).toEqual([]);
  });
});
