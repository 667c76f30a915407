import { DraftPrPlan } from './plan.js';

/** A valid plan for tests; `overrides` replace top-level fields before parsing. */
export function makePlan(overrides: Record<string, unknown> = {}): DraftPrPlan {
  return DraftPrPlan.parse({
    summary: 'Add a rate limit to the login endpoint',
    scope: { added: ['src/rate-limit.ts'], modified: ['src/login.ts'], deleted: [], renamed: [] },
    happy_paths: ['A user under the limit logs in'],
    edge_cases: ['Exactly at the limit'],
    failure_modes: [{ trigger: 'Redis down', impact: 'No limiting', mitigation: 'Fail open with an alert' }],
    assumptions: ['Redis is available'],
    unknowns: ['Limit per IP or per account?'],
    tests: [{ name: 'rate limit unit tests', type: 'unit', command: 'npm test' }],
    rollback: ['Revert the merge commit'],
    cross_repo_impacts: [],
    ...overrides,
  });
}
