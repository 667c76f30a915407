import { describe, expect, it } from 'vitest';
import { isTestableCriterion, scoreReadiness } from './score-readiness.js';

describe('scoreReadiness', () => {
  it('scores a well-written story as ready', () => {
    const r = scoreReadiness({
      title: 'Create invoices',
      description:
        'As a finance manager, I want to create an invoice for a customer with amount, currency and due date so that I can bill them without spreadsheets. Drafts are editable until sent.',
      acceptance_criteria: [
        'Amount must be positive',
        'Given a draft, when it is saved, then it appears in the list',
      ],
    });
    expect(r.score).toBe(100);
    expect(r.level).toBe('ready');
  });

  it('scores a weak story low and says why', () => {
    const r = scoreReadiness({
      title: 'Login',
      description: 'https://confluence.example.com/pages/123',
      acceptance_criteria: ['It should be fast', 'TBD'],
    });
    expect(r.level).toBe('not_ready');
    expect(r.score).toBeLessThan(50);
    const bySignal = Object.fromEntries(r.reasons.map((x) => [x.signal, x]));
    expect(bySignal.links_only!.points).toBe(0);
    expect(bySignal.testable_criteria!.points).toBe(0);
    expect(bySignal.acceptance_criteria!.message).toMatch(/Only one/);
    expect(bySignal.open_questions!.message).toMatch(/TBD/i);
    expect(bySignal.story_shape!.points).toBe(0);
  });

  it('takes points off for each open question', () => {
    const base = {
      title: 'Export members as CSV',
      description: 'Admins need a CSV of members for the yearly audit of accounts and licences.',
      acceptance_criteria: ['The file has a header row', 'One row per member'],
    };
    const clean = scoreReadiness(base).score;
    const one = scoreReadiness({ ...base, description: `${base.description}\nWhich columns?` }).score;
    const two = scoreReadiness({
      ...base,
      description: `${base.description}\nWhich columns?\nTBD: format`,
    }).score;
    expect(clean).toBeGreaterThan(one);
    expect(one).toBeGreaterThan(two);
  });

  it('gives no criteria points to a story without criteria', () => {
    const r = scoreReadiness({ title: 'Improve onboarding flow for teams', description: 'x'.repeat(200) });
    expect(r.reasons.find((x) => x.signal === 'acceptance_criteria')!.points).toBe(0);
    expect(r.score).toBeLessThan(75);
  });
});

describe('isTestableCriterion', () => {
  it.each([
    ['The page loads within 2 seconds', true],
    ['Given a cart, when I pay, then I get a receipt', true],
    ['It should be user-friendly', false],
    ['Works well', false],
    ['The API returns 404 for unknown ids', true],
  ])('"%s" -> %s', (text, expected) => {
    expect(isTestableCriterion(text)).toBe(expected);
  });
});
