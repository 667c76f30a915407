import { describe, expect, it } from 'vitest';
import { validateDependencies } from './dependencies.js';
import { INVOICING_EPIC_SUMMARY, INVOICING_PRD, INVOICING_RFC } from './fixtures/invoicing-prd.js';
import { planEpic } from './plan-epic.js';
import { TeamTask } from './schemas.js';

describe('planEpic on an 8-story invoicing epic', () => {
  const plan = planEpic({
    epic_key: 'INV-1',
    summary: INVOICING_EPIC_SUMMARY,
    prd_text: INVOICING_PRD,
    rfc_text: INVOICING_RFC,
  });
  const story = (title: string) => plan.stories.find((s) => s.story.title === title)!;
  const summaries = (title: string) =>
    story(title).task_ids.map((id) => plan.tasks.find((t) => t.id === id)!.summary);

  it('plans eight stories, each with backend/frontend/QA tasks as its type needs', () => {
    expect(plan.stories).toHaveLength(8);
    for (const s of plan.stories) {
      const teams = new Set(s.task_ids.map((id) => plan.tasks.find((t) => t.id === id)!.team));
      expect(teams.has('qa')).toBe(true);
      expect(teams.has('backend') || teams.has('data')).toBe(true);
    }
    for (const t of plan.tasks) expect(TeamTask.parse(t)).toEqual(t);
  });

  it("names each story's own criteria in its tasks, and invents nothing", () => {
    expect(summaries('Create invoices')).toContain('Restrict creating invoices to finance managers');
    expect(summaries('Invoice line items and totals')).toContain(
      'Include tax rounded to 2 decimal places in the invoice total',
    );
    expect(
      summaries('Send invoices').some((s) =>
        /^Send the customer exactly one email with a PDF attached/.test(s),
      ),
    ).toBe(true);
    expect(summaries('Online payment')).toContain(
      'Prevent duplicate Stripe webhooks from recording the payment twice',
    );
    expect(summaries('Overdue reminders')).toContain(
      'Prevent the nightly job from sending the same reminder twice',
    );
    expect(summaries('Revenue report').some((s) => /CSV/.test(s))).toBe(true);
    expect(summaries('Audit trail')).toContain('Restrict viewing the audit log to auditors');
    // A scheduled job the finance manager does not operate gets no screen.
    expect(summaries('Overdue reminders').some((s) => /screen/.test(s))).toBe(false);
  });

  it('gives estimates that vary with each story', () => {
    const estimates = plan.stories.map((s) => s.estimate_days);
    expect(new Set(estimates).size).toBeGreaterThanOrEqual(4);
    expect(plan.estimate_total_days).toBeCloseTo(
      estimates.reduce((a, b) => a + b, 0),
      5,
    );
    expect(plan.tasks.every((t) => t.estimate_days <= 3)).toBe(true);
  });

  it('produces a valid dependency graph with Blocks links and a complete plan', () => {
    expect(validateDependencies(plan.tasks).valid).toBe(true);
    expect(plan.relationships.length).toBeGreaterThan(plan.tasks.length / 2);
    expect(plan.dropped_dependencies).toEqual([]);
    expect(plan.validation.findings).toEqual([]);
    expect(plan.cycle_time_days).toBeGreaterThan(0);
    expect(plan.cycle_time_days).toBeLessThan(plan.estimate_total_days);
  });

  it('de-duplicates tests across the epic without leaving a task or criterion uncovered', () => {
    expect(plan.dedupe.after).toBeLessThan(plan.dedupe.before);
    expect(plan.tasks.every((t) => t.test_cases.length > 0)).toBe(true);
    for (const s of plan.stories) {
      const tests = [
        ...s.test_cases,
        ...s.task_ids.flatMap((id) => plan.tasks.find((t) => t.id === id)!.test_cases),
      ];
      for (const c of s.story.acceptance_criteria)
        expect(tests.some((t) => t.covers_criterion === c)).toBe(true);
    }
  });

  it('merges AI-proposed links and drops the ones that would close a cycle', () => {
    const qa = plan.tasks.find((t) => t.story_key === 'S1' && t.team === 'qa')!;
    const model = plan.tasks.find((t) => t.story_key === 'S1' && t.team === 'backend')!;
    const s2 = plan.tasks.find((t) => t.story_key === 'S2' && t.team === 'backend')!;
    const again = planEpic({
      summary: INVOICING_EPIC_SUMMARY,
      prd_text: INVOICING_PRD,
      rfc_text: INVOICING_RFC,
      proposed_dependencies: [
        { from: model.summary, to: s2.id, reason: 'line items reference invoices' },
        { from: qa.id, to: model.id },
      ],
    });
    expect(again.tasks.find((t) => t.id === s2.id)!.depends_on_tasks).toContain(model.id);
    expect(again.dropped_dependencies).toEqual([
      expect.objectContaining({ from: qa.id, to: model.id, reason: 'cycle' }),
    ]);
  });
});
