import { describe, expect, it } from 'vitest';
import { checkScope } from './check-scope.js';
import { makePlan } from './test-fixtures.js';

const plan = makePlan({
  scope: {
    added: ['src/new.ts'],
    modified: ['src/old.ts'],
    deleted: ['src/gone.ts'],
    renamed: [{ from: 'docs/a.md', to: 'docs/b.md' }],
  },
});
const n = { additions: 1, deletions: 0 };

describe('checkScope', () => {
  it('accepts a diff that stays inside the approved scope', () => {
    const r = checkScope(plan, [
      { status: 'A', path: 'src/new.ts', ...n },
      { status: 'M', path: 'src/old.ts', ...n },
      { status: 'D', path: 'src/gone.ts', ...n },
      { status: 'R', path: 'docs/b.md', old_path: 'docs/a.md', ...n },
    ]);
    expect(r).toEqual({ ok: true, violations: [], untouched: [] });
  });

  it('accepts a planned rename that git reports as a deletion plus an addition', () => {
    const r = checkScope(plan, [
      { status: 'D', path: 'docs/a.md', ...n },
      { status: 'A', path: 'docs/b.md', ...n },
    ]);
    expect(r.ok).toBe(true);
    expect(r.untouched).toEqual(['src/gone.ts', 'src/new.ts', 'src/old.ts']);
  });

  it('flags files outside the scope and files changed with a different action', () => {
    const r = checkScope(plan, [
      { status: 'A', path: 'src/evil.ts', ...n },
      { status: 'D', path: 'src/old.ts', ...n },
      { status: 'M', path: 'src/new.ts', ...n },
    ]);
    expect(r.ok).toBe(false);
    expect(r.violations).toEqual([
      { path: 'src/evil.ts', actual: 'added', planned: null, reason: 'not in the approved scope' },
      {
        path: 'src/old.ts',
        actual: 'deleted',
        planned: 'modified',
        reason: 'planned for a different action',
      },
      { path: 'src/new.ts', actual: 'modified', planned: 'added', reason: 'planned for a different action' },
    ]);
  });

  it('flags unplanned renames, copies, type changes and unsafe paths', () => {
    const r = checkScope(plan, [
      { status: 'R', path: 'src/x.ts', old_path: 'src/old.ts', ...n },
      { status: 'C', path: 'src/new.ts', old_path: 'src/old.ts', ...n },
      { status: 'T', path: 'src/old.ts', ...n },
      { status: 'A', path: '.git/hooks/post-checkout', ...n },
    ]);
    expect(r.violations.map((v) => [v.path, v.reason])).toEqual([
      ['src/x.ts', 'rename from src/old.ts is not in the approved scope'],
      ['src/new.ts', 'copies are not part of any plan scope'],
      ['src/old.ts', 'file type changes (e.g. to a symlink) are not allowed'],
      ['.git/hooks/post-checkout', 'unsafe path: paths inside .git are not allowed'],
    ]);
  });
});
