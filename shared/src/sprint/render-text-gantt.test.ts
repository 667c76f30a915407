import { describe, expect, it } from 'vitest';
import { planSprints } from './plan-sprints.js';
import { renderTextGantt } from './render-text-gantt.js';
import { planInput } from './test-helpers.js';

const input = planInput(
  [
    { key: 'API-1', summary: 'Build the orders API', team: 'backend', estimate_days: 3 },
    { key: 'UI-1', summary: 'Orders page', team: 'frontend', estimate_days: 4, depends_on: ['API-1'] },
    { key: 'QA-1', summary: 'Regression suite', team: 'qa', estimate_days: 5, depends_on: ['UI-1'] },
    { key: 'BIG-1', summary: 'Migrate everything', team: 'backend', estimate_days: 30 },
    { key: 'OPS-1', summary: 'Pipelines', team: 'devops', estimate_days: 1 },
  ],
  { backend: 20, frontend: 10, qa: 10, devops: 0 },
);

describe('renderTextGantt', () => {
  const plan = planSprints(input);
  const text = renderTextGantt(plan, input);

  it('draws one bar row per scheduled task over the working days of its sprint', () => {
    const row = text.split('\n').find((line) => line.includes('API-1'))!;
    expect(row).toContain('|######..............|');
    expect(row).toContain('2025-01-06..2025-01-08');
    const ui = text.split('\n').find((line) => line.includes('UI-1 '))!;
    expect(ui).toContain('|......########......|');
  });

  it('heads each sprint with its dates and each team with its utilisation', () => {
    expect(text).toContain('== AUG-1 Sprint 1  2025-01-06 .. 2025-01-19  (10 working days) ==');
    expect(text).toMatch(/backend 3\/20 days \(15%\)/);
    expect(text).toContain('|MoTuWeThFrMoTuWeThFr|');
  });

  it('marks the critical path and lists unscheduled and flagged tasks with their reasons', () => {
    expect(text).toContain('Critical path (30 days): BIG-1');
    expect(text).toMatch(/\* BIG-1/);
    expect(text).toContain('Unscheduled (1):');
    expect(text).toMatch(/OPS-1\s+team "devops" has no capacity/);
    expect(text).toContain('Flags (1):');
    expect(text).toMatch(/BIG-1\s+estimate of 30 days/);
  });

  it('mentions every scheduled task exactly once as a row', () => {
    for (const entry of plan.timeline) {
      expect(
        text.split('\n').filter((line) => line.includes(`${entry.key} `) && line.includes('|')),
      ).toHaveLength(1);
    }
  });
});
