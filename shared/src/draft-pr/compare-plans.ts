/**
 * Field-by-field comparison of two plan versions (`GET /draft-pr/jobs/{id}/plans/compare`).
 * Lists of objects are matched by a natural key (a test by its name, a failure mode by its trigger, a
 * change by its path), so an edited item shows as "changed" rather than as one removal plus one addition.
 */
import { canonicalJson } from './canonical-json.js';
import type { DraftPrPlan } from './plan.js';

export type PlanFieldChange =
  | { field: string; kind: 'scalar'; before: unknown; after: unknown }
  | {
      field: string;
      kind: 'list';
      added: unknown[];
      removed: unknown[];
      changed: { key: string; before: unknown; after: unknown }[];
    };

export interface PlanComparison {
  /** False when the two plans are identical. */
  changed: boolean;
  fields: PlanFieldChange[];
}

type Keyed = (item: unknown) => string;
const asText: Keyed = (item) => (typeof item === 'string' ? item : canonicalJson(item));
const by =
  (...props: string[]): Keyed =>
  (item) =>
    props.map((p) => String((item as Record<string, unknown>)[p] ?? '')).join(' -> ');

const LIST_FIELDS: [string, (p: DraftPrPlan) => unknown[], Keyed][] = [
  ['scope.added', (p) => p.scope.added, asText],
  ['scope.modified', (p) => p.scope.modified, asText],
  ['scope.deleted', (p) => p.scope.deleted, asText],
  ['scope.renamed', (p) => p.scope.renamed, by('from', 'to')],
  ['happy_paths', (p) => p.happy_paths, asText],
  ['edge_cases', (p) => p.edge_cases, asText],
  ['failure_modes', (p) => p.failure_modes, by('trigger')],
  ['assumptions', (p) => p.assumptions, asText],
  ['unknowns', (p) => p.unknowns, asText],
  ['tests', (p) => p.tests, by('name')],
  ['rollback', (p) => p.rollback, asText],
  ['cross_repo_impacts', (p) => p.cross_repo_impacts, by('repo')],
  [
    'changes',
    (p) => p.changes,
    (c) => {
      const ch = c as { action: string; path?: string; from?: string; to?: string };
      return ch.action === 'rename' ? `${ch.from} -> ${ch.to}` : String(ch.path);
    },
  ],
];

const SCALAR_FIELDS: [string, (p: DraftPrPlan) => unknown][] = [
  ['summary', (p) => p.summary],
  ['estimated_loc_delta', (p) => p.estimated_loc_delta ?? null],
];

function diffList(field: string, a: unknown[], b: unknown[], key: Keyed): PlanFieldChange | null {
  const before = new Map(a.map((x) => [key(x), x]));
  const after = new Map(b.map((x) => [key(x), x]));
  const added: unknown[] = [];
  const removed: unknown[] = [];
  const changed: { key: string; before: unknown; after: unknown }[] = [];
  for (const [k, v] of after) {
    const old = before.get(k);
    if (!before.has(k)) added.push(v);
    else if (canonicalJson(old) !== canonicalJson(v)) changed.push({ key: k, before: old, after: v });
  }
  for (const [k, v] of before) if (!after.has(k)) removed.push(v);
  const reordered =
    added.length === 0 &&
    removed.length === 0 &&
    changed.length === 0 &&
    canonicalJson(a) !== canonicalJson(b);
  if (!added.length && !removed.length && !changed.length && !reordered) return null;
  return { field, kind: 'list', added, removed, changed };
}

/**
 * Compares plan `a` (older) with plan `b` (newer). Scalars report before/after; list fields report the
 * items added, removed and changed (matched by key). A pure reordering is reported as a list change with
 * empty added/removed/changed.
 */
export function comparePlans(a: DraftPrPlan, b: DraftPrPlan): PlanComparison {
  const fields: PlanFieldChange[] = [];
  for (const [field, get] of SCALAR_FIELDS) {
    const before = get(a);
    const after = get(b);
    if (canonicalJson(before) !== canonicalJson(after)) fields.push({ field, kind: 'scalar', before, after });
  }
  for (const [field, get, key] of LIST_FIELDS) {
    const change = diffList(field, get(a), get(b), key);
    if (change) fields.push(change);
  }
  return { changed: fields.length > 0, fields };
}
