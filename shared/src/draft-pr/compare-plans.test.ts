import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { comparePlans } from './compare-plans.js';
import { makePlan } from './test-fixtures.js';

describe('comparePlans', () => {
  it('reports no change for identical plans', () => {
    expect(comparePlans(makePlan(), makePlan())).toEqual({ changed: false, fields: [] });
  });

  it('shows changed scalars and added, removed and changed list items field by field', () => {
    const a = makePlan();
    const b = makePlan({
      summary: 'Add a per-account rate limit',
      scope: { added: ['src/rate-limit.ts', 'src/rate-limit.test.ts'], modified: [] },
      tests: [{ name: 'rate limit unit tests', type: 'integration', command: 'npm test' }],
      unknowns: [],
    });
    const { changed, fields } = comparePlans(a, b);
    expect(changed).toBe(true);
    expect(fields).toEqual([
      { field: 'summary', kind: 'scalar', before: a.summary, after: b.summary },
      { field: 'scope.added', kind: 'list', added: ['src/rate-limit.test.ts'], removed: [], changed: [] },
      { field: 'scope.modified', kind: 'list', added: [], removed: ['src/login.ts'], changed: [] },
      { field: 'unknowns', kind: 'list', added: [], removed: ['Limit per IP or per account?'], changed: [] },
      {
        field: 'tests',
        kind: 'list',
        added: [],
        removed: [],
        changed: [{ key: 'rate limit unit tests', before: a.tests[0], after: b.tests[0] }],
      },
    ]);
  });

  it('reports a reordering of a list, which also changes the plan hash', () => {
    const a = makePlan({ edge_cases: ['one', 'two'] });
    const b = makePlan({ edge_cases: ['two', 'one'] });
    // The plan hash is SHA-256 over the canonical JSON: a different text is a different hash.
    expect(canonicalJson(a)).not.toBe(canonicalJson(b));
    expect(comparePlans(a, b).fields).toEqual([
      { field: 'edge_cases', kind: 'list', added: [], removed: [], changed: [] },
    ]);
  });
});
