import { describe, expect, it } from 'vitest';
import { DraftPrPlan, scopePaths } from './plan.js';
import { makePlan } from './test-fixtures.js';

describe('DraftPrPlan', () => {
  it('fills defaults so a minimal plan is complete', () => {
    const plan = DraftPrPlan.parse({ summary: 'x', scope: {} });
    expect(plan).toMatchObject({
      scope: { added: [], modified: [], deleted: [], renamed: [] },
      tests: [],
      changes: [],
    });
  });

  it('refuses unsafe paths anywhere in scope or changes', () => {
    expect(DraftPrPlan.safeParse({ summary: 'x', scope: { added: ['../x'] } }).success).toBe(false);
    expect(DraftPrPlan.safeParse({ summary: 'x', scope: { modified: ['.git/config'] } }).success).toBe(false);
    expect(
      DraftPrPlan.safeParse({ summary: 'x', scope: { renamed: [{ from: 'a', to: '/etc/passwd' }] } }).success,
    ).toBe(false);
  });

  it('refuses changes that are not in the scope, or the same path in two scope lists', () => {
    const outside = DraftPrPlan.safeParse({
      summary: 'x',
      scope: { added: ['a.md'] },
      changes: [{ action: 'add', path: 'b.md', content: '' }],
    });
    expect(outside.success).toBe(false);
    expect(outside.error?.issues[0]?.message).toBe('change "add b.md" is not in the plan\'s scope');
    const wrongAction = DraftPrPlan.safeParse({
      summary: 'x',
      scope: { added: ['a.md'] },
      changes: [{ action: 'delete', path: 'a.md' }],
    });
    expect(wrongAction.success).toBe(false);
    const twice = DraftPrPlan.safeParse({ summary: 'x', scope: { added: ['a.md'], deleted: ['a.md'] } });
    expect(twice.error?.issues[0]?.message).toBe('"a.md" appears in both scope.added and scope.deleted');
  });

  it('needs exactly one of content and patch for a modification', () => {
    const both = DraftPrPlan.safeParse({
      summary: 'x',
      scope: { modified: ['a.md'] },
      changes: [{ action: 'modify', path: 'a.md', content: 'a', patch: 'b' }],
    });
    expect(both.success).toBe(false);
    const one = DraftPrPlan.safeParse({
      summary: 'x',
      scope: { modified: ['a.md'] },
      changes: [{ action: 'modify', path: 'a.md', patch: '--- a/a.md\n+++ b/a.md\n' }],
    });
    expect(one.success).toBe(true);
  });

  it('lists every scoped path once', () => {
    const plan = makePlan({ scope: { added: ['b'], modified: ['a'], renamed: [{ from: 'c', to: 'd' }] } });
    expect(scopePaths(plan.scope)).toEqual(['a', 'b', 'c', 'd']);
  });
});
