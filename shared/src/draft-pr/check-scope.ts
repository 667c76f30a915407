/**
 * The plan-apply guard: the real diff of the workspace against the approved plan's scope.
 * Any file the plan did not name (or named for a different action) is a violation; the pipeline stops.
 */
import { z } from 'zod';
import type { DraftPrPlan } from './plan.js';
import { repoPathProblem } from './safe-names.js';

/** One file of a real diff (git name-status + numstat). Counts are null for binary files. */
export const DiffEntry = z.object({
  status: z.enum(['A', 'M', 'D', 'R', 'C', 'T']),
  path: z.string(),
  /** Source path of a rename or copy. */
  old_path: z.string().optional(),
  additions: z.number().int().nonnegative().nullable(),
  deletions: z.number().int().nonnegative().nullable(),
});
export type DiffEntry = z.infer<typeof DiffEntry>;

export interface ScopeViolation {
  path: string;
  /** What the diff did: added, modified, deleted, renamed (from old_path), copied, type-changed. */
  actual: string;
  /** What the plan allowed for this path, if anything. */
  planned: string | null;
  reason: string;
}

export interface ScopeCheck {
  ok: boolean;
  violations: ScopeViolation[];
  /** Planned paths the diff did not touch (not a violation: reported for the reviewer). */
  untouched: string[];
}

const ACTUAL: Record<DiffEntry['status'], string> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/**
 * Checks every entry of `diff` against `plan.scope`:
 * an added file must be in `added` (or the target of a planned rename), a modified file in `modified`
 * (or a planned rename target), a deleted file in `deleted` (or a planned rename source), a rename must be
 * planned as that rename (or as a planned deletion of the source plus a planned addition of the target).
 * Copies and type changes (e.g. a file turned into a symlink) are never in scope. Unsafe paths always
 * violate.
 */
export function checkScope(plan: Pick<DraftPrPlan, 'scope'>, diff: readonly DiffEntry[]): ScopeCheck {
  const { scope } = plan;
  const added = new Set(scope.added);
  const modified = new Set(scope.modified);
  const deleted = new Set(scope.deleted);
  const renameTargets = new Map(scope.renamed.map((r) => [r.to, r.from]));
  const renameSources = new Map(scope.renamed.map((r) => [r.from, r.to]));
  const plannedFor = (p: string): string | null =>
    added.has(p)
      ? 'added'
      : modified.has(p)
        ? 'modified'
        : deleted.has(p)
          ? 'deleted'
          : renameTargets.has(p)
            ? `renamed from ${renameTargets.get(p)}`
            : renameSources.has(p)
              ? `renamed to ${renameSources.get(p)}`
              : null;

  const violations: ScopeViolation[] = [];
  const touched = new Set<string>();
  const violate = (path: string, e: DiffEntry, reason: string) =>
    violations.push({
      path,
      actual: e.old_path ? `${ACTUAL[e.status]} from ${e.old_path}` : ACTUAL[e.status],
      planned: plannedFor(path),
      reason,
    });

  for (const e of diff) {
    let unsafe = false;
    for (const p of [e.path, e.old_path]) {
      if (p === undefined) continue;
      touched.add(p);
      const problem = repoPathProblem(p);
      if (problem) {
        violate(p, e, `unsafe path: ${problem}`);
        unsafe = true;
      }
    }
    if (unsafe) continue;
    const outOfScope = (p: string) =>
      plannedFor(p) === null ? 'not in the approved scope' : 'planned for a different action';
    switch (e.status) {
      case 'A':
        if (!added.has(e.path) && !renameTargets.has(e.path)) violate(e.path, e, outOfScope(e.path));
        break;
      case 'M':
        if (!modified.has(e.path) && !renameTargets.has(e.path)) violate(e.path, e, outOfScope(e.path));
        break;
      case 'D':
        if (!deleted.has(e.path) && !renameSources.has(e.path)) violate(e.path, e, outOfScope(e.path));
        break;
      case 'R': {
        const from = e.old_path ?? '';
        const asRename = renameTargets.get(e.path) === from;
        const asDeleteAdd = deleted.has(from) && added.has(e.path);
        if (!asRename && !asDeleteAdd) violate(e.path, e, `rename from ${from} is not in the approved scope`);
        break;
      }
      case 'C':
        violate(e.path, e, 'copies are not part of any plan scope');
        break;
      case 'T':
        violate(e.path, e, 'file type changes (e.g. to a symlink) are not allowed');
        break;
    }
  }

  const planned = new Set<string>([
    ...added,
    ...modified,
    ...deleted,
    ...renameTargets.keys(),
    ...renameSources.keys(),
  ]);
  const untouched = [...planned].filter((p) => !touched.has(p)).sort();
  return { ok: violations.length === 0, violations, untouched };
}
