import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { DraftPrStory, PlanFeedback, RepoSnapshot } from './plan.js';
import { buildRuleBasedPlan, changeNotePath, reviseRuleBasedPlan } from './rule-based-planner.js';
import { DEFAULT_YOLO_POLICY, evaluateYoloPolicy } from './yolo-policy.js';

const story = DraftPrStory.parse({
  key: 'PROJ-42',
  summary: 'Export invoices as CSV',
  description: 'Finance needs a CSV export.',
  acceptance_criteria: ['Given invoices, when exported, then a CSV is downloaded'],
});
const snapshot = RepoSnapshot.parse({
  url: 'https://github.com/acme/web',
  default_branch: 'main',
  head_sha: '0123456789abcdef0123',
  files: ['README.md', 'package.json'],
  samples: { 'package.json': '{"scripts":{"test":"vitest run"}}' },
});

describe('buildRuleBasedPlan', () => {
  it('plans a change note whose edits are inside its own scope', () => {
    const plan = buildRuleBasedPlan(story, snapshot);
    expect(plan.scope.added).toEqual(['docs/changes/proj-42.md']);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: 'add', path: changeNotePath('PROJ-42') });
    expect(plan.tests).toEqual([{ name: 'npm test', type: 'unit', command: 'npm test' }]);
    expect(plan.happy_paths[0]).toContain('then a CSV is downloaded');
    expect(evaluateYoloPolicy(plan, DEFAULT_YOLO_POLICY).compliant).toBe(true);
  });

  it('modifies the note instead when it already exists, and is deterministic', () => {
    const existing = { ...snapshot, files: [...snapshot.files, 'docs/changes/proj-42.md'] };
    const plan = buildRuleBasedPlan(story, existing);
    expect(plan.scope).toMatchObject({ added: [], modified: ['docs/changes/proj-42.md'] });
    expect(canonicalJson(buildRuleBasedPlan(story, existing))).toBe(canonicalJson(plan));
  });
});

describe('reviseRuleBasedPlan', () => {
  it('applies recognised change requests and records the rest', () => {
    const plan = buildRuleBasedPlan(story, snapshot);
    const revised = reviseRuleBasedPlan(
      plan,
      PlanFeedback.parse({
        feedback: 'Please mention the delimiter.',
        concerns: ['Large exports may time out'],
        change_requests: [
          'add test: CSV export e2e',
          'add edge case: empty invoice list',
          'Rewrite it in Rust',
        ],
      }),
      story,
    );
    expect(revised.tests.map((t) => t.name)).toContain('CSV export e2e');
    expect(revised.edge_cases).toContain('empty invoice list');
    expect(revised.edge_cases).toContain('Reviewer concern: Large exports may time out');
    expect(revised.unknowns).toContain('Requested change not applied automatically: Rewrite it in Rust');
    const note = revised.changes[0];
    expect(note && 'content' in note ? note.content : '').toContain(
      '## Review notes\n\n- Please mention the delimiter.',
    );
    expect(revised.estimated_loc_delta).toBeGreaterThan(plan.estimated_loc_delta!);
    expect(canonicalJson(revised)).not.toBe(canonicalJson(plan));
  });

  it('drops an excluded path from both the scope and the changes', () => {
    const plan = buildRuleBasedPlan(story, snapshot);
    const revised = reviseRuleBasedPlan(
      plan,
      PlanFeedback.parse({
        feedback: 'No note please',
        change_requests: ['exclude docs/changes/proj-42.md'],
      }),
      story,
    );
    expect(revised.scope.added).toEqual([]);
    expect(revised.changes).toEqual([]);
  });
});
