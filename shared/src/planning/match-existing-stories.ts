/**
 * Recognises stories an epic already has, so that planning links or updates them instead of creating the
 * same work twice under another title.
 */
import { containment, contentTokens, jaccard } from './text.js';

/** A story as matched: its Jira key when known (a PRD row's link), title and description. */
export interface StoryRef {
  key?: string | null | undefined;
  title: string;
  description?: string | undefined;
}

export type ExistingMatchReason = 'row_link' | 'same_title' | 'similar_title' | 'similar_description';

export interface ExistingMatch {
  /** Index into the existing stories. */
  existing: number;
  reason: ExistingMatchReason;
}

/**
 * Thresholds, each justified by a test in match-existing-stories.test.ts:
 * - titles: Jaccard of stemmed content words >= 0.8 with at least two words on each side ("Saved cards"
 *   ~ "Saved card list" is 0.67: not enough; "Export invoices as CSV" ~ "Export invoice as a CSV" is 1);
 * - descriptions: at least 80% of the shorter one's content words (4 or more) in the other, and one shared
 *   title word: a renamed story keeps its user story ("Pay as a guest" / "Guest checkout" with the same
 *   "As a shopper ..."), even when one side has grown technical notes.
 */
export const MATCH_THRESHOLDS = { title: 0.8, description: 0.8, min_description_words: 4 } as const;

const normalise = (t: string) =>
  t
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

function score(a: StoryRef, b: StoryRef): { reason: ExistingMatchReason; strength: number } | null {
  if (a.key && b.key && a.key.toUpperCase() === b.key.toUpperCase())
    return { reason: 'row_link', strength: 4 };
  if (normalise(a.title) === normalise(b.title)) return { reason: 'same_title', strength: 3 };
  const ta = new Set(contentTokens(a.title));
  const tb = new Set(contentTokens(b.title));
  const titleSim = jaccard(ta, tb);
  if (ta.size >= 2 && tb.size >= 2 && titleSim >= MATCH_THRESHOLDS.title)
    return { reason: 'similar_title', strength: 2 + titleSim };
  const da = new Set(contentTokens(a.description ?? ''));
  const db = new Set(contentTokens(b.description ?? ''));
  const sharedTitleWord = [...ta].some((t) => tb.has(t));
  const [shorter, longer] = da.size <= db.size ? [da, db] : [db, da];
  if (shorter.size >= MATCH_THRESHOLDS.min_description_words && sharedTitleWord) {
    const descSim = containment([...shorter], longer);
    if (descSim >= MATCH_THRESHOLDS.description)
      return { reason: 'similar_description', strength: 1 + descSim };
  }
  return null;
}

/**
 * For each candidate, the existing story it repeats (or null). Each existing story answers at most one
 * candidate: the strongest match wins (a row's link, then the same title, then similar titles, then
 * similar descriptions), ties going to the earlier candidate.
 */
export function matchExistingStories(
  candidates: readonly StoryRef[],
  existing: readonly StoryRef[],
): (ExistingMatch | null)[] {
  const pairs: { c: number; e: number; reason: ExistingMatchReason; strength: number }[] = [];
  candidates.forEach((c, ci) => {
    existing.forEach((e, ei) => {
      const s = score(c, e);
      if (s) pairs.push({ c: ci, e: ei, ...s });
    });
  });
  pairs.sort((x, y) => y.strength - x.strength || x.c - y.c || x.e - y.e);
  const out: (ExistingMatch | null)[] = candidates.map(() => null);
  const taken = new Set<number>();
  for (const p of pairs) {
    if (out[p.c] || taken.has(p.e)) continue;
    out[p.c] = { existing: p.e, reason: p.reason };
    taken.add(p.e);
  }
  return out;
}
