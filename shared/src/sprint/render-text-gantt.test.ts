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
    { key: 'LONG-1', summary: 'Rewrite the ledger', team: 'frontend', estimate_days: 13 },
    { key: 'OPS-1', summary: 'Pipelines', team: 'devops', estimate_days: 1 },
  ],
  { backend: 20, frontend: 10, qa: 10, devops: 0 },
);

describe('renderTextGantt', () => {
  const plan = planSprints(input);
  const text = renderTextGantt(plan, input);

  const rows = (key: string) =>
    text.split('\n').filter((line) => line.includes(`${key} `) && line.includes('|'));

  it('draws one bar row per scheduled task over the working days of its sprint', () => {
    const [row] = rows('API-1');
    expect(row).toContain('|######..............|');
    const api = plan.timeline.find((e) => e.key === 'API-1')!;
    expect(row).toContain(`${api.start}..${api.end} 3d`);
    const [ui] = rows('UI-1');
    expect(ui).toContain('|......########......|');
  });

  it('draws a task longer than a sprint as one row per sprint, each inside its sprint, with its part', () => {
    const [first, second] = rows('LONG-1');
    expect(first).toContain('|####################| 2025-01-06..2025-01-17 10 of 13 days, part 1 of 2');
    expect(second).toContain('|######..............| 2025-01-20..2025-01-22 3 of 13 days, part 2 of 2');
  });

  it('heads each sprint with its dates and each team with its utilisation, never above 100%', () => {
    expect(text).toContain('== AUG-1 Sprint 1  2025-01-06 .. 2025-01-19  (10 working days) ==');
    expect(text).toMatch(/backend 20\/20 days \(100%\)/);
    expect(text).toMatch(/frontend 10\/10 days \(100%\)/);
    expect(text).toContain('|MoTuWeThFrMoTuWeThFr|');
    expect(text).not.toMatch(/\((1[0-9][1-9]|[2-9][0-9][0-9])%\)/);
  });

  it('marks the critical path and lists unscheduled and flagged tasks with their reasons', () => {
    expect(text).toContain('Critical path (30 days): BIG-1');
    expect(text).toMatch(/\* BIG-1/);
    expect(text).toContain('Unscheduled (1):');
    expect(text).toMatch(/OPS-1\s+team "devops" has no capacity/);
    expect(text).toContain('Flags (2):');
    expect(text).toMatch(/BIG-1\s+estimate of 30 days .* split over 2 consecutive sprints/);
  });

  it('mentions every scheduled task once per sprint it runs in', () => {
    for (const entry of plan.timeline) {
      expect(rows(entry.key)).toHaveLength(entry.parts);
    }
  });
});
