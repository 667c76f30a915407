/**
 * De-duplication of near-identical test cases across a whole epic.
 *
 * Similarity is the Jaccard index of normalised token sets (lower case, stop words removed, light
 * stemming) over title, steps and expected result (and the description for cases without steps). Finding all pairs above the threshold
 * uses prefix filtering (the "All-Pairs" method): tokens are ordered by global frequency, rarest first,
 * and two sets with Jaccard >= t must share a token within their first |s| - ceil(t*|s|) + 1 tokens.
 * Only those prefixes are indexed, and the positional filter (PPJoin) narrows each probe to the index
 * positions where two similar sets can first meet, so each case is compared with the few earlier
 * cases sharing one of its rarest words. The result is exact (no false negatives, unlike MinHash/LSH),
 * and the cost is close to linear in the total number of tokens for realistic test suites.
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
  /**
   * With `groups`: how many cases of each group are kept whatever their similarity (the coverage level's
   * minimum, so de-duplication never takes an item below its range). Default 1.
   */
  group_min?: number;
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
  const text =
    `${tc.title} ${tc.steps.join(' ')} ${tc.expected_result} ${tc.steps.length === 0 ? tc.description : ''}`.toLowerCase();
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
 * covering its acceptance criterion; with `groups`, while its group has fewer than `group_min` kept.
 */
export function dedupeTestCases(cases: readonly TestCase[], opts: DedupeOptions = {}): DedupeResult {
  const t = opts.threshold ?? 0.8;
  if (!(t > 0 && t <= 1)) throw new RangeError('threshold must be in (0, 1]');
  const preserve = opts.preserve_coverage ?? true;
  const n = cases.length;

  const { sets, df } = tokenize(cases);
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

  // Inverted index over the prefixes of kept cases, keyed by (family, token) and bucketed by the
  // token's position q in the kept case. Two sets reaching the threshold meet first at positions
  // (p, q) with 1 + min(|x|-p-1, |y|-q-1) >= needed overlap (the positional filter), so a probe only
  // reads the buckets where such a first meeting is possible: for similar-sized cases that is a
  // handful of positions holding each case's rarest words.
  const index = new Map<number, number[][]>();
  const stride = df.length + 1;
  const lens = Int32Array.from(sets, (x) => x.length);
  const probedAt = new Int32Array(n).fill(-1);
  const candidates: number[] = [];
  const covered = new Set<string>();
  const groupsKept = new Map<string, number>();
  const groupMin = opts.group_min ?? 1;
  const kept: number[] = [];
  const removed: DedupeRemoval[] = [];
  const criterionKey = (i: number): string | undefined => {
    const c = cases[i]!.covers_criterion;
    if (c === null || c === undefined) return undefined;
    return `${opts.scopes?.[i] ?? ''}\u0000${c.trim().toLowerCase()}`;
  };
  const prefixLength = (size: number) => size - Math.ceil(t * size - 1e-9) + 1;
  // Overlap two sets need for Jaccard >= t: o >= t (|x| + |y|) / (1 + t).
  const ratio = t / (1 + t);
  const needed = (a: number, b: number) => Math.ceil(ratio * (a + b) - 1e-9);

  for (let i = 0; i < n; i++) {
    const x = sets[i]!;
    const lx = x.length;
    const key = criterionKey(i);
    let dup = -1;
    let sim = 0;
    const group = opts.groups?.[i];
    const lastOfGroup = group !== undefined && (groupsKept.get(group) ?? 0) < groupMin;
    const fam = family[i]!;
    if (!(preserve && key !== undefined && !covered.has(key)) && !lastOfGroup) {
      if (lx === 0) {
        // Empty text only matches empty text.
        const empties = index.get(-1 - fam)?.[0];
        if (empties && empties.length > 0) {
          dup = empties[0]!;
          sim = 1;
        }
      } else {
        const minSize = Math.ceil(t * lx - 1e-9);
        const maxSize = Math.floor(lx / t + 1e-9);
        candidates.length = 0;
        const px = prefixLength(lx);
        for (let p = 0; p < px && p < lx; p++) {
          // The x side of the bound only shrinks as partners grow: test the smallest partner.
          if (lx - p < needed(lx, minSize)) break;
          const buckets = index.get(fam * stride + x[p]!);
          if (!buckets) continue;
          for (let q = 0; q < buckets.length; q++) {
            // The y side only grows with the partner's size: test the largest partner.
            if (maxSize - q < needed(lx, maxSize)) break;
            const ids = buckets[q];
            if (!ids) continue;
            for (let e = 0; e < ids.length; e++) {
              const j = ids[e]!;
              if (probedAt[j] === i) continue;
              const ly = lens[j]!;
              if (ly < minSize || ly > maxSize) continue;
              if (1 + Math.min(lx - p - 1, ly - q - 1) < needed(lx, ly)) continue;
              probedAt[j] = i;
              candidates.push(j);
            }
          }
        }
        candidates.sort((a, b) => a - b);
        for (const j of candidates) {
          const s = jaccardAtLeast(x, sets[j]!, needed(lx, lens[j]!));
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
    if (group !== undefined) groupsKept.set(group, (groupsKept.get(group) ?? 0) + 1);
    if (lx === 0) addToIndex(index, -1 - fam, i, 0);
    const px = lx === 0 ? 0 : prefixLength(lx);
    for (let p = 0; p < px && p < lx; p++) addToIndex(index, fam * stride + x[p]!, i, p);
  }
  return { kept: kept.map((i) => cases[i]!), kept_indices: kept, removed };
}

/**
 * Word-to-token-id table for the tokenizer. Words are hashed while the text is scanned and checked
 * against the stored word in place, so a word already seen costs no string allocation.
 */
class WordTable {
  private readonly byHash = new Map<number, number>();
  private readonly words: string[] = [];
  private readonly ids: number[] = [];
  private readonly next: number[] = [];
  private readonly stemToId = new Map<string, number>();
  readonly df: number[] = [];

  /** Token id of text[start, end) (lower case), -1 for a stop word. */
  lookup(text: string, start: number, end: number, hash: number): number {
    let e = this.byHash.get(hash);
    while (e !== undefined && e >= 0) {
      const w = this.words[e]!;
      if (w.length === end - start && text.startsWith(w, start)) return this.ids[e]!;
      e = this.next[e]!;
    }
    const w = text.slice(start, end);
    let id = -1;
    if (!STOP_WORDS.has(w)) {
      const st = stem(w);
      const known = this.stemToId.get(st);
      if (known === undefined) {
        id = this.df.length;
        this.stemToId.set(st, id);
        this.df.push(0);
      } else id = known;
    }
    const slot = this.words.length;
    this.words.push(w);
    this.ids.push(id);
    this.next.push(this.byHash.get(hash) ?? -1);
    this.byHash.set(hash, slot);
    return id;
  }
}

/** Token-id sets of the cases (unsorted) and the document frequency of each token id. */
function tokenize(cases: readonly TestCase[]): { sets: Int32Array[]; df: number[] } {
  const n = cases.length;
  const table = new WordTable();
  const df = table.df;
  let lastSeen = new Int32Array(1024).fill(-1);
  const sets: Int32Array[] = new Array(n);
  const buf: number[] = [];
  const scan = (raw: string, i: number) => {
    const text = raw.toLowerCase();
    let start = -1;
    let hash = 0;
    for (let k = 0; k <= text.length; k++) {
      const code = k < text.length ? text.charCodeAt(k) : 32;
      if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
        if (start < 0) {
          start = k;
          hash = 0;
        }
        hash = (Math.imul(hash, 31) + code) | 0;
        continue;
      }
      if (start < 0) continue;
      const len = k - start;
      const from = start;
      start = -1;
      if (len < 2) continue;
      const id = table.lookup(text, from, k, hash);
      if (id < 0) continue;
      if (id >= lastSeen.length) {
        const grown = new Int32Array(lastSeen.length * 2).fill(-1);
        grown.set(lastSeen);
        lastSeen = grown;
      }
      if (lastSeen[id] === i) continue;
      lastSeen[id] = i;
      df[id]!++;
      buf.push(id);
    }
  };
  for (let i = 0; i < n; i++) {
    const c = cases[i]!;
    buf.length = 0;
    scan(c.title, i);
    for (const step of c.steps) scan(step, i);
    scan(c.expected_result, i);
    // What a case does is its title, steps and expected result; the description only counts when
    // there are no steps (free-form cases), so two runs of the same steps described differently match.
    if (c.steps.length === 0) scan(c.description, i);
    const set = new Int32Array(buf.length);
    for (let k = 0; k < buf.length; k++) set[k] = buf[k]!;
    sets[i] = set;
  }
  return { sets, df };
}

function addToIndex(index: Map<number, number[][]>, key: number, id: number, pos: number): void {
  let buckets = index.get(key);
  if (!buckets) {
    buckets = [];
    index.set(key, buckets);
  }
  while (buckets.length <= pos) buckets.push([]);
  buckets[pos]!.push(id);
}

/**
 * Jaccard of two rank-sorted sets, or -1 as soon as the overlap can no longer reach `need`: rare
 * tokens come first, so mismatches show up early and most rejections stop after a few steps.
 */
function jaccardAtLeast(a: Int32Array, b: Int32Array, need: number): number {
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
    if (inter + Math.min(a.length - i, b.length - j) < need) return -1;
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
