/**
 * YOLO mode: a plan that satisfies the policy is approved without a human; one that does not falls back
 * to normal approval, with the reasons shown. The same rules are re-checked on the real diff after APPLY,
 * because the plan's line count is only an estimate.
 */
import { z } from 'zod';
import type { DiffEntry } from './check-scope.js';
import { matchAnyGlob, matchGlob } from './glob-match.js';
import { type DraftPrPlan, scopePaths } from './plan.js';

const Glob = z.string().trim().min(1).max(500);

/** `protected_paths`: glob -> the team whose approval changes under it require. */
export const ProtectedPaths = z.record(
  Glob,
  z.object({ require: z.string().trim().min(1).max(200) }).strict(),
);
export type ProtectedPaths = z.infer<typeof ProtectedPaths>;

export const YoloPolicy = z
  .object({
    max_files: z.number().int().nonnegative().optional(),
    /** Lines added plus lines removed. */
    max_loc_delta: z.number().int().nonnegative().optional(),
    /** When not empty, every touched file must match one of these. */
    allow_paths: z.array(Glob).max(200).default([]),
    /** No touched file may match any of these. */
    deny_paths: z.array(Glob).max(200).default([]),
    /** The plan must list at least one test. */
    require_tests: z.boolean().default(false),
    protected_paths: ProtectedPaths.default({}),
  })
  .strict();
export type YoloPolicy = z.infer<typeof YoloPolicy>;

/** The spec's example policy: small changes to docs and scripts only. */
export const DEFAULT_YOLO_POLICY: YoloPolicy = {
  max_files: 5,
  max_loc_delta: 200,
  allow_paths: ['docs/**', 'scripts/**'],
  deny_paths: ['auth/**', 'billing/**'],
  require_tests: false,
  protected_paths: {},
};

export interface RequiredTeam {
  glob: string;
  team: string;
  paths: string[];
}

export interface YoloEvaluation {
  compliant: boolean;
  reasons: string[];
  files: string[];
  /** Null when unknown (the plan gives no estimate and its changes do not allow one). */
  loc_delta: number | null;
  /** Teams whose approval the touched protected paths require. */
  required_teams: RequiredTeam[];
}

/** Teams required by `protected_paths` for the given files. */
export function requiredTeams(files: readonly string[], protectedPaths: ProtectedPaths): RequiredTeam[] {
  const out: RequiredTeam[] = [];
  for (const [glob, rule] of Object.entries(protectedPaths)) {
    const paths = files.filter((f) => matchGlob(f, glob));
    if (paths.length) out.push({ glob, team: rule.require, paths });
  }
  return out;
}

const lineCount = (text: string) =>
  text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/**
 * The plan's own LOC estimate, or one computed from its changes when every scoped file is an addition with
 * content (the only case where the delta is known without the repository). Null otherwise.
 */
export function estimatePlanLocDelta(plan: DraftPrPlan): number | null {
  if (plan.estimated_loc_delta !== undefined) return plan.estimated_loc_delta;
  const { scope } = plan;
  if (scope.modified.length || scope.deleted.length || scope.renamed.length) return null;
  let total = 0;
  for (const path of scope.added) {
    const change = plan.changes.find((c) => c.action === 'add' && c.path === path);
    if (change?.action !== 'add') return null;
    total += lineCount(change.content);
  }
  return total;
}

interface Facts {
  files: string[];
  locDelta: number | null;
  testCount: number | null;
}

function evaluate(facts: Facts, policy: YoloPolicy): YoloEvaluation {
  const reasons: string[] = [];
  const { files, locDelta } = facts;
  if (policy.max_files !== undefined && files.length > policy.max_files) {
    reasons.push(`touches ${files.length} files; the policy allows at most ${policy.max_files}`);
  }
  if (policy.max_loc_delta !== undefined) {
    if (locDelta === null) reasons.push('the size of the change (lines added + removed) is unknown');
    else if (locDelta > policy.max_loc_delta) {
      reasons.push(`changes ${locDelta} lines; the policy allows at most ${policy.max_loc_delta}`);
    }
  }
  if (policy.allow_paths.length) {
    const outside = files.filter((f) => !matchAnyGlob(f, policy.allow_paths));
    if (outside.length) reasons.push(`outside the allowed paths: ${outside.join(', ')}`);
  }
  for (const f of files) {
    const hit = policy.deny_paths.find((g) => matchGlob(f, g));
    if (hit) reasons.push(`${f} matches the denied path ${hit}`);
  }
  if (policy.require_tests && facts.testCount !== null && facts.testCount === 0) {
    reasons.push('the policy requires tests and the plan lists none');
  }
  const teams = requiredTeams(files, policy.protected_paths);
  for (const t of teams) reasons.push(`${t.paths.join(', ')} under ${t.glob} requires approval by ${t.team}`);
  return { compliant: reasons.length === 0, reasons, files, loc_delta: locDelta, required_teams: teams };
}

/**
 * Evaluates a plan against the YOLO policy: file count, LOC delta (the plan's estimate), allowed and
 * denied globs, required tests, and protected paths (which always need their team's human approval).
 */
export function evaluateYoloPolicy(plan: DraftPrPlan, policy: YoloPolicy): YoloEvaluation {
  return evaluate(
    { files: scopePaths(plan.scope), locDelta: estimatePlanLocDelta(plan), testCount: plan.tests.length },
    policy,
  );
}

/**
 * Re-checks the policy on the real diff after APPLY (a YOLO approval rests on the plan's estimate).
 * Binary files count as changed files with an unknown number of lines, which fails a LOC limit.
 */
export function evaluateYoloPolicyOnDiff(diff: readonly DiffEntry[], policy: YoloPolicy): YoloEvaluation {
  const files = new Set<string>();
  let loc: number | null = 0;
  for (const e of diff) {
    files.add(e.path);
    if (e.old_path) files.add(e.old_path);
    if (e.additions === null || e.deletions === null) loc = null;
    else if (loc !== null) loc += e.additions + e.deletions;
  }
  return evaluate({ files: [...files].sort(), locDelta: loc, testCount: null }, policy);
}
