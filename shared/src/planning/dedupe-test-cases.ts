/**
 * De-duplication of near-identical test cases across a whole epic.
 *
 * Similarity is the Jaccard index of normalised token sets (lower case, stop words removed, light
 * stemming) over title, description, steps and expected result. Finding all pairs above the threshold
 * uses prefix filtering (the "All-Pairs" method): tokens are ordered by global frequency, rarest first,
 * and two sets with Jaccard >= t must share a token within their first |s| - ceil(t*|s|) + 1 tokens.
 * Only those prefixes are indexed, so each case is compared with the few earlier cases sharing one of
 * its rarest words, and the result is exact (no false negatives, unlike hashing schemes). Cost is close
 * to linear in the total number of tokens for realistic test suites.
 */
import type { TestCase } from './schemas.js';
import { STOP_WORDS, stem } from './text.js';

export interface DedupeOptions {
  /** Jaccard similarity from which two cases count as duplicates (0 < t <= 1). Default 0.8. */
  threshold?: number;
  /**
   * Scope of each case's `covers_criterion` (e.g. the story key), parallel to `cases`: the same
   * criterion text in two stories is two criteria.
   */
  scopes?: readonly (string | undefined)[];
  /**
   * Keep a case that would be the only one left covering its criterion, even when it is similar to a
   * kept case. Default true.
   */
  preserve_coverage?: boolean;
  /**
   * Owner of each case (e.g. the task it is attached to), parallel to `cases`: a case is never removed
   * while its owner has no kept case, so no task ends up without tests.
   */
  groups?: readonly (string | undefined)[];
}

export interface DedupeRemoval {
  index: number;
  /** Index (in the input) of the kept case it duplicates. */
  duplicate_of: number;
  similarity: number;
}

export interface DedupeResult {
  kept: TestCase[];
  /** Input indices of the kept cases, ascending. */
  kept_indices: number[];
  removed: DedupeRemoval[];
}

const WORD = /[a-z0-9]+/g;

const TYPE_FAMILY: Record<string, number> = {
  unit: 0,
  integration: 0,
  acceptance: 1,
  e2e: 1,
  ui: 2,
  performance: 3,
  security: 4,
};

function caseTokens(tc: TestCase): string[] {
  const text = `${tc.title} ${tc.description} ${tc.steps.join(' ')} ${tc.expected_result}`.toLowerCase();
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    if (w.length < 2 || STOP_WORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/**
 * Removes cases whose normalised text is at least `threshold`-similar (Jaccard) to an earlier kept
 * case of the same family of types (unit/integration, acceptance/e2e, ui, performance, security). Earlier cases win, so the result is stable and idempotent: running it again on `kept` removes
 * nothing. With `preserve_coverage` (default), a case is never removed while it would be the last one
 * covering its acceptance criterion; with `groups`, while it would be the last one of its group.
 */
export function dedupeTestCases(cases: readonly TestCase[], opts: DedupeOptions = {}): DedupeResult {
  const t = opts.threshold ?? 0.8;
  if (!(t > 0 && t <= 1)) throw new RangeError('threshold must be in (0, 1]');
  const preserve = opts.preserve_coverage ?? true;
  const n = cases.length;

  // Token ids and document frequencies.
  const ids = new Map<string, number>();
  const df: number[] = [];
  const sets: Int32Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const toks = caseTokens(cases[i]!);
    const uniq = new Set<number>();
    for (const w of toks) {
      let id = ids.get(w);
      if (id === undefined) {
        id = df.length;
        ids.set(w, id);
        df.push(0);
      }
      uniq.add(id);
    }
    const arr = Int32Array.from(uniq);
    for (const id of arr) df[id]!++;
    sets[i] = arr;
  }
  // A unit test and an acceptance test of the same behaviour are different artefacts with different
  // owners: only cases of the same family are compared (the family is folded into the index key).
  const family = cases.map((tc) => TYPE_FAMILY[tc.type] ?? 0);
  // Rank tokens rarest first; sets become sorted arrays of ranks.
  const order = df.map((_, id) => id).sort((a, b) => df[a]! - df[b]! || a - b);
  const rank = new Int32Array(df.length);
  order.forEach((id, r) => {
    rank[id] = r;
  });
  for (let i = 0; i < n; i++) {
    const s = sets[i]!;
    for (let k = 0; k < s.length; k++) s[k] = rank[s[k]!]!;
    s.sort();
  }

  const index = new Map<number, number[]>();
  const stride = df.length + 1;
  const seenAt = new Int32Array(n).fill(-1);
  const covered = new Set<string>();
  const groupsKept = new Set<string>();
  const kept: number[] = [];
  const removed: DedupeRemoval[] = [];
  const criterionKey = (i: number): string | undefined => {
    const c = cases[i]!.covers_criterion;
    if (c === null || c === undefined) return undefined;
    return `${opts.scopes?.[i] ?? ''}\u0000${c.trim().toLowerCase()}`;
  };

  for (let i = 0; i < n; i++) {
    const x = sets[i]!;
    const key = criterionKey(i);
    let dup = -1;
    let sim = 0;
    const group = opts.groups?.[i];
    const lastOfGroup = group !== undefined && !groupsKept.has(group);
    if (!(preserve && key !== undefined && !covered.has(key)) && !lastOfGroup) {
      const prefix = x.length - Math.ceil(t * x.length - 1e-9) + 1;
      const minSize = t * x.length - 1e-9;
      const maxSize = x.length / t + 1e-9;
      if (x.length === 0) {
        // Empty text only matches empty text.
        const empties = index.get(-1 - family[i]!);
        if (empties && empties.length > 0) {
          dup = empties[0]!;
          sim = 1;
        }
      }
      for (let p = 0; p < prefix && p < x.length && dup < 0; p++) {
        const list = index.get(family[i]! * stride + x[p]!);
        if (!list) continue;
        for (const j of list) {
          if (seenAt[j] === i) continue;
          seenAt[j] = i;
          const y = sets[j]!;
          if (y.length < minSize || y.length > maxSize) continue;
          const s = jaccardSorted(x, y);
          if (s >= t - 1e-9) {
            dup = j;
            sim = s;
            break;
          }
        }
      }
    }
    if (dup >= 0) {
      removed.push({ index: i, duplicate_of: dup, similarity: Math.round(sim * 1000) / 1000 });
      continue;
    }
    kept.push(i);
    if (key !== undefined) covered.add(key);
    if (group !== undefined) groupsKept.add(group);
    if (x.length === 0) {
      const list = index.get(-1 - family[i]!);
      if (list) list.push(i);
      else index.set(-1 - family[i]!, [i]);
      continue;
    }
    const prefix = x.length - Math.ceil(t * x.length - 1e-9) + 1;
    for (let p = 0; p < prefix && p < x.length; p++) {
      const k = family[i]! * stride + x[p]!;
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  }
  return { kept: kept.map((i) => cases[i]!), kept_indices: kept, removed };
}

function jaccardSorted(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union === 0 ? 1 : inter / union;
}

/** Jaccard similarity of two test cases as `dedupeTestCases` sees them (for reports and tests). */
export function testCaseSimilarity(a: TestCase, b: TestCase): number {
  const sa = new Set(caseTokens(a));
  const sb = new Set(caseTokens(b));
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 1 : inter / union;
}
