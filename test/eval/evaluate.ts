/**
 * Plans every case of the corpus with the rule engine, the way `augment plan FILE` does, and scores it.
 */
import { type CoverageLevel, type EpicPlan, planDocument } from '@augment/shared';
import { type EvalCase, loadCorpus } from './corpus.js';
import { type CaseScore, scorePlan } from './score-plan.js';

export interface CaseResult {
  case: EvalCase;
  plan: EpicPlan;
  score: CaseScore;
}

export interface EvalRun {
  coverage: CoverageLevel;
  results: CaseResult[];
  /** Mean score of the cases used for tuning, of the held-out cases, and of all. */
  dev: number;
  holdout: number;
  total: number;
}

/** The plan of one case: the epic's summary from the expectations, the file as its source document. */
export function planCase(c: EvalCase, coverage: CoverageLevel = 'standard'): EpicPlan {
  return planDocument({
    text: c.text,
    file_name: c.file,
    summary: c.expect.epic.summary,
    coverage_level: coverage,
  });
}

const mean = (xs: readonly number[]) =>
  xs.length === 0 ? 0 : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;

export function evaluate(opts: { coverage?: CoverageLevel; cases?: EvalCase[] } = {}): EvalRun {
  const coverage = opts.coverage ?? 'standard';
  const results = (opts.cases ?? loadCorpus()).map((c) => {
    const plan = planCase(c, coverage);
    return { case: c, plan, score: scorePlan(plan, c.expect, coverage) };
  });
  return {
    coverage,
    results,
    dev: mean(results.filter((r) => !r.case.expect.holdout).map((r) => r.score.total)),
    holdout: mean(results.filter((r) => r.case.expect.holdout).map((r) => r.score.total)),
    total: mean(results.map((r) => r.score.total)),
  };
}
