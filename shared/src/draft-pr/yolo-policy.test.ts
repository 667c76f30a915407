import { describe, expect, it } from 'vitest';
import { makePlan } from './test-fixtures.js';
import {
  DEFAULT_YOLO_POLICY,
  evaluateYoloPolicy,
  evaluateYoloPolicyOnDiff,
  YoloPolicy,
} from './yolo-policy.js';

const docsPlan = (extra: Record<string, unknown> = {}) =>
  makePlan({
    scope: { added: ['docs/a.md'], modified: ['scripts/b.sh'] },
    estimated_loc_delta: 20,
    ...extra,
  });

describe('evaluateYoloPolicy', () => {
  it('approves a small docs and scripts change under the default policy', () => {
    const r = evaluateYoloPolicy(docsPlan(), DEFAULT_YOLO_POLICY);
    expect(r).toMatchObject({
      compliant: true,
      reasons: [],
      files: ['docs/a.md', 'scripts/b.sh'],
      loc_delta: 20,
    });
  });

  it('lists every reason a plan falls back to normal approval', () => {
    const plan = makePlan({
      scope: { added: ['auth/x.ts', 'src/y.ts'], modified: ['docs/a.md'] },
      estimated_loc_delta: 500,
      tests: [],
    });
    const policy = YoloPolicy.parse({ ...DEFAULT_YOLO_POLICY, max_files: 2, require_tests: true });
    const r = evaluateYoloPolicy(plan, policy);
    expect(r.compliant).toBe(false);
    expect(r.reasons).toEqual([
      'touches 3 files; the policy allows at most 2',
      'changes 500 lines; the policy allows at most 200',
      'outside the allowed paths: auth/x.ts, src/y.ts',
      'auth/x.ts matches the denied path auth/**',
      'the policy requires tests and the plan lists none',
    ]);
  });

  it('treats an unknown change size as non-compliant when a LOC limit is set', () => {
    const r = evaluateYoloPolicy(docsPlan({ estimated_loc_delta: undefined }), DEFAULT_YOLO_POLICY);
    expect(r.loc_delta).toBeNull();
    expect(r.reasons).toContain('the size of the change (lines added + removed) is unknown');
  });

  it('computes the size of an additions-only plan from its content', () => {
    const plan = makePlan({
      scope: { added: ['docs/a.md'] },
      changes: [{ action: 'add', path: 'docs/a.md', content: 'one\ntwo\nthree\n' }],
    });
    expect(evaluateYoloPolicy(plan, DEFAULT_YOLO_POLICY)).toMatchObject({ compliant: true, loc_delta: 3 });
  });

  it('counts both ends of a rename and requires the protected team', () => {
    const plan = makePlan({
      scope: { renamed: [{ from: 'docs/old.md', to: 'billing/docs/new.md' }] },
      estimated_loc_delta: 0,
    });
    const policy = YoloPolicy.parse({ protected_paths: { 'billing/**': { require: 'finance_team' } } });
    const r = evaluateYoloPolicy(plan, policy);
    expect(r.files).toEqual(['billing/docs/new.md', 'docs/old.md']);
    expect(r.compliant).toBe(false);
    expect(r.required_teams).toEqual([
      { glob: 'billing/**', team: 'finance_team', paths: ['billing/docs/new.md'] },
    ]);
    expect(r.reasons).toEqual(['billing/docs/new.md under billing/** requires approval by finance_team']);
  });

  it('a denied or protected directory covers every file below it (gitignore semantics)', () => {
    const plan = makePlan({
      scope: { added: ['db/migrations/001.sql', 'infra/a/b.tf', 'docs/ok.md'] },
      estimated_loc_delta: 10,
    });
    const policy = YoloPolicy.parse({
      deny_paths: ['db/migrations', 'infra/*'],
      protected_paths: { 'infra/*': { require: 'platform_team' } },
    });
    const r = evaluateYoloPolicy(plan, policy);
    expect(r.compliant).toBe(false);
    expect(r.reasons).toEqual([
      'db/migrations/001.sql matches the denied path db/migrations',
      'infra/a/b.tf matches the denied path infra/*',
      'infra/a/b.tf under infra/* requires approval by platform_team',
    ]);
    const allowed = YoloPolicy.parse({ allow_paths: ['docs'] });
    expect(evaluateYoloPolicy(makePlan({ scope: { added: ['docs/a/b.md'] } }), allowed).compliant).toBe(true);
  });

  it('allows anything with an empty policy', () => {
    expect(evaluateYoloPolicy(makePlan(), YoloPolicy.parse({})).compliant).toBe(true);
  });
});

describe('evaluateYoloPolicyOnDiff', () => {
  it('uses the real line counts and treats binary files as unknown size', () => {
    const ok = evaluateYoloPolicyOnDiff(
      [{ status: 'A', path: 'docs/a.md', additions: 150, deletions: 0 }],
      DEFAULT_YOLO_POLICY,
    );
    expect(ok).toMatchObject({ compliant: true, loc_delta: 150 });
    const big = evaluateYoloPolicyOnDiff(
      [
        { status: 'A', path: 'docs/a.md', additions: 150, deletions: 0 },
        { status: 'M', path: 'docs/b.md', additions: 40, deletions: 30 },
      ],
      DEFAULT_YOLO_POLICY,
    );
    expect(big.reasons).toEqual(['changes 220 lines; the policy allows at most 200']);
    const binary = evaluateYoloPolicyOnDiff(
      [{ status: 'A', path: 'docs/a.png', additions: null, deletions: null }],
      DEFAULT_YOLO_POLICY,
    );
    expect(binary.compliant).toBe(false);
  });
});
