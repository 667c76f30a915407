import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoverageLevel } from '../api/requests.js';
import { COVERAGE_RANGES, generateTestCases } from './generate-test-cases.js';
import { TestCase, TestType } from './schemas.js';
import { contentTokens, jaccard } from './text.js';

const story = {
  title: 'Create invoice',
  description:
    'As a finance manager, I want to create an invoice with amount and currency so that I can bill customers.',
  acceptance_criteria: [
    'Amount must be positive',
    'The invoice total includes 20% VAT rounded to 2 decimal places',
    'Only finance managers can create invoices',
    'When the invoice is saved, then the customer receives an email with the PDF',
  ],
};

describe('generateTestCases', () => {
  it.each(['minimal', 'basic', 'standard', 'comprehensive'] as CoverageLevel[])(
    'stays within the spec count for %s coverage',
    (level) => {
      const cases = generateTestCases(story, { coverage_level: level });
      const { min, max } = COVERAGE_RANGES[level];
      expect(cases.length).toBeGreaterThanOrEqual(min);
      expect(cases.length).toBeLessThanOrEqual(max);
      for (const c of cases) expect(TestCase.parse(c)).toEqual(c);
    },
  );

  it('respects the counts for any number of criteria and any level', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'Amount must be positive',
            'The list shows the status',
            'Only admins can delete',
            'Exports include a header row',
            'The email is sent once',
          ),
          { maxLength: 8 },
        ),
        fc.constantFrom<CoverageLevel>('minimal', 'basic', 'standard', 'comprehensive'),
        (criteria, level) => {
          const n = generateTestCases(
            { title: 'Manage orders', acceptance_criteria: criteria },
            { coverage_level: level },
          ).length;
          expect(n).toBeGreaterThanOrEqual(COVERAGE_RANGES[level].min);
          expect(n).toBeLessThanOrEqual(COVERAGE_RANGES[level].max);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('links cases to the criterion they verify, covering each criterion before repeating one', () => {
    const cases = generateTestCases(story, { coverage_level: 'standard' });
    const covered = cases.map((c) => c.covers_criterion).filter(Boolean);
    expect(new Set(covered.slice(0, 4))).toEqual(new Set(story.acceptance_criteria));
  });

  it('designs different cases for different criteria, not one template with a swapped word', () => {
    const cases = generateTestCases(story, { coverage_level: 'standard' });
    const first = story.acceptance_criteria.map((c) => cases.find((x) => x.covers_criterion === c)!);
    for (let i = 0; i < first.length; i++) {
      for (let j = i + 1; j < first.length; j++) {
        const a = new Set(contentTokens(first[i]!.steps.join(' ')));
        const b = new Set(contentTokens(first[j]!.steps.join(' ')));
        expect(jaccard(a, b)).toBeLessThan(0.5);
      }
    }
    const calc = first[1]!;
    expect(calc.steps.join(' ')).toMatch(/30\.60/);
    const full = generateTestCases(story, { coverage_level: 'comprehensive' });
    const perm = full.find(
      (c) => c.covers_criterion === story.acceptance_criteria[2] && c.type === 'security',
    );
    expect(perm?.expected_result).toMatch(/403/);
  });

  it('adds boundary cases at the limits a criterion names', () => {
    const cases = generateTestCases(
      { title: 'Sign up', acceptance_criteria: ['Password must be at least 12 characters'] },
      { coverage_level: 'comprehensive' },
    );
    expect(cases.some((c) => /one under the minimum/.test(c.title) && c.steps.join(' ').includes('11'))).toBe(
      true,
    );
    const upload = generateTestCases(
      { title: 'Attach files', acceptance_criteria: ['A message can have up to 10 attachments'] },
      { coverage_level: 'standard', domains: [], contexts: [] },
    );
    expect(upload.some((c) => c.title.startsWith('Boundary at up to 10:'))).toBe(true);
  });

  it('shapes cases by domain: money rounding and audit for finance, PHI for healthcare', () => {
    const fin = generateTestCases(
      { title: 'Edit invoice', acceptance_criteria: ['Amount must be positive'] },
      { coverage_level: 'comprehensive', domains: ['financial'] },
    );
    expect(fin.some((c) => /minor unit/.test(c.title))).toBe(true);
    expect(fin.some((c) => /audit trail/.test(c.title))).toBe(true);
    const health = generateTestCases(
      { title: 'View lab results', acceptance_criteria: ['Patients see their own lab results'] },
      { coverage_level: 'comprehensive', domains: ['healthcare'] },
    );
    expect(health.some((c) => /PHI/.test(c.title) && c.type === 'security')).toBe(true);
  });

  it('shapes cases by technical context: status codes for APIs, keyboard use for UIs', () => {
    const api = generateTestCases(
      { title: 'Create order via POST /orders', acceptance_criteria: ['An order is created'] },
      { coverage_level: 'standard', contexts: ['api'], domains: [] },
    );
    expect(api.some((c) => /POST \/orders returns 400/.test(c.title))).toBe(true);
    const ui = generateTestCases(
      { title: 'Order form', acceptance_criteria: ['The form shows the order total'] },
      { coverage_level: 'standard', contexts: ['ui'], domains: [] },
    );
    expect(ui.some((c) => /keyboard/.test(c.title))).toBe(true);
  });

  it('covers all seven test types across levels and teams', () => {
    const types = new Set<TestType>();
    for (const team of [undefined, 'backend', 'frontend', 'qa'] as const) {
      const item = team ? { ...story, team } : story;
      for (const c of generateTestCases(item, { coverage_level: 'comprehensive', contexts: ['api', 'ui'] }))
        types.add(c.type);
    }
    expect([...types].sort()).toEqual([...TestType.options].sort());
  });

  it('writes UI-side cases for frontend tasks', () => {
    const cases = generateTestCases(
      { ...story, team: 'frontend' },
      { coverage_level: 'basic', domains: [], contexts: [] },
    );
    expect(cases.every((c) => c.type === 'ui' || c.type === 'security' || c.type === 'performance')).toBe(
      true,
    );
  });

  it('uses PRD requirements and RFC endpoints when given', () => {
    const cases = generateTestCases(
      { title: 'Invoice creation', acceptance_criteria: ['Invoices are saved'] },
      {
        coverage_level: 'comprehensive',
        domains: [],
        contexts: ['api'],
        prd_context: 'Invoice creation must reject invoices without a customer.',
        rfc_context: 'POST /invoices returns 409 on a duplicate number',
      },
    );
    expect(cases.some((c) => c.title.startsWith('PRD requirement: Invoice creation must reject'))).toBe(true);
    expect(cases.some((c) => c.title.includes('POST /invoices'))).toBe(true);
  });

  it('still produces cases for an item without criteria, turning task checks into cases', () => {
    const cases = generateTestCases(
      { title: 'Add order table', team: 'backend', checks: ['Migration runs up and down cleanly'] },
      { coverage_level: 'basic' },
    );
    expect(cases[0]!.title).toBe('Check: Migration runs up and down cleanly');
    expect(cases.length).toBeGreaterThanOrEqual(2);
    expect(cases.every((c) => c.covers_criterion === null)).toBe(true);
  });
});
