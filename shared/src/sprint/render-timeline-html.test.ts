import { describe, expect, it } from 'vitest';
import { planSprints } from './plan-sprints.js';
import { renderTimelineHtml } from './render-timeline-html.js';
import { planInput } from './test-helpers.js';

const input = planInput(
  [
    { key: 'API-1', summary: '<script>alert("x")</script> & more', team: 'backend', estimate_days: 3 },
    { key: 'UI-1', summary: "Orders page's list", team: 'frontend', estimate_days: 4, depends_on: ['API-1'] },
    { key: 'QA-1', summary: 'Regression', team: 'qa', estimate_days: 5, depends_on: ['UI-1'] },
    { key: 'OPS-1', summary: 'Pipelines', team: 'devops', estimate_days: 1 },
  ],
  { backend: 20, frontend: 10, qa: 10, devops: 0 },
  { epic_key: 'AUG-<b>1</b>' },
);

describe('renderTimelineHtml', () => {
  const plan = planSprints(input);
  const html = renderTimelineHtml(plan, input);

  it('escapes summaries and keys so input cannot inject markup', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>1</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('Orders page&#39;s list');
    expect(html).toContain('AUG-&lt;b&gt;1&lt;/b&gt; sprint timeline');
  });

  it('is a self-contained page with inline CSS and no external assets or scripts', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\//i);
  });

  it('shows every task key, the sprints and each team utilisation', () => {
    for (const task of input.tasks) expect(html).toContain(task.key);
    for (const sprint of plan.sprints)
      expect(html).toContain(sprint.name.replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;'));
    expect(html).toContain('3/20d');
    expect(html).toMatch(/team &quot;devops&quot; has no capacity/);
  });

  it('positions bars by their offsets within the sprint', () => {
    // UI-1 runs from day 3 to day 7 of a 10-working-day sprint.
    expect(html).toMatch(/left:30%;width:40%/);
  });
});
