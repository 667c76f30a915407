import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoverageLevel } from '../api/requests.js';
import { COVERAGE_RANGES, generateTestCases } from './generate-test-cases.js';
import { TestCase, TestType } from './schemas.js';

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

const LEVELS: CoverageLevel[] = ['minimal', 'basic', 'standard', 'comprehensive'];

describe('generateTestCases', () => {
  it.each(LEVELS)('stays within the spec count for %s coverage', (level) => {
    const cases = generateTestCases(story, { coverage_level: level });
    const { min, max } = COVERAGE_RANGES[level];
    expect(cases.length).toBeGreaterThanOrEqual(min);
    expect(cases.length).toBeLessThanOrEqual(max);
    for (const c of cases) expect(TestCase.parse(c)).toEqual(c);
  });

  it('respects the counts with distinct titles for any criteria, team and level', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'Amount must be positive',
            'The list shows the status',
            'Only admins can delete',
            'Exports include a header row',
            'The email is sent once',
            'Points expire after 12 months',
          ),
          { maxLength: 8 },
        ),
        fc.constantFrom<CoverageLevel>(...LEVELS),
        fc.constantFrom(undefined, 'backend', 'frontend', 'mobile', 'qa', 'data', 'design', 'infrastructure'),
        (criteria, level, team) => {
          const cases = generateTestCases(
            { title: 'Manage orders', acceptance_criteria: criteria, ...(team ? { team } : {}) },
            { coverage_level: level },
          );
          expect(cases.length).toBeGreaterThanOrEqual(COVERAGE_RANGES[level].min);
          expect(cases.length).toBeLessThanOrEqual(COVERAGE_RANGES[level].max);
          expect(new Set(cases.map((c) => c.title.toLowerCase())).size).toBe(cases.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives comprehensive coverage at least five cases and basic at least two, per item', () => {
    const one = { title: 'Export orders', acceptance_criteria: ['Orders can be exported'] };
    expect(generateTestCases(one, { coverage_level: 'comprehensive' }).length).toBeGreaterThanOrEqual(5);
    expect(
      generateTestCases({ ...one, team: 'backend' }, { coverage_level: 'comprehensive' }).length,
    ).toBeGreaterThanOrEqual(5);
    expect(generateTestCases(one, { coverage_level: 'basic' }).length).toBeGreaterThanOrEqual(2);
  });

  it('covers each criterion with its own main case before any other case', () => {
    const cases = generateTestCases(story, { coverage_level: 'standard' });
    expect(cases.slice(0, 4).map((c) => c.covers_criterion)).toEqual(story.acceptance_criteria);
    expect(cases[3]!.title).toBe('The customer receives an email with the PDF when the invoice is saved');
  });

  it('titles a case with what it verifies, so a title never contradicts its outcome', () => {
    const cases = generateTestCases(
      {
        title: 'Access control',
        acceptance_criteria: [
          'Given a viewer, when they open the settings, then access is denied and nothing changes',
          'It is refused with a message',
        ],
      },
      { coverage_level: 'comprehensive' },
    );
    expect(cases[0]!.title).toBe('Access is denied and nothing changes when they open the settings');
    for (const c of cases) expect(c.title).not.toMatch(/succeeds|accepts valid|happy path/i);
  });

  it('states preconditions with concrete data, from the criterion or from what the item is about', () => {
    const refund = generateTestCases(
      { title: 'Partial refunds', acceptance_criteria: ['A refund never exceeds the captured amount'] },
      { coverage_level: 'basic' },
    );
    expect(refund[0]!.steps[0]).toMatch(/124\.50 EUR/);
    const gwt = generateTestCases(
      {
        title: 'Earn points',
        acceptance_criteria: [
          'Given a paid order of 12.40 EUR, when it is captured, then 12 points are added',
        ],
      },
      { coverage_level: 'minimal' },
    );
    expect(gwt[0]!.steps[0]).toBe('Arrange: a paid order of 12.40 EUR');
  });

  it('refuses what a role rule or a prohibition rules out', () => {
    const cases = generateTestCases(story, { coverage_level: 'comprehensive' });
    const denied = cases.find(
      (c) => c.type === 'security' && c.covers_criterion === story.acceptance_criteria[2],
    );
    expect(denied?.title).toMatch(/not a finance manager is refused/);
    expect(denied?.expected_result).toMatch(/403/);
  });

  it('tests both sides of a limit a user can push, but not a retention period as an input limit', () => {
    const pw = generateTestCases(
      { title: 'Sign up', acceptance_criteria: ['Password must be at least 12 characters'] },
      { coverage_level: 'standard' },
    );
    expect(pw.some((c) => /12 characters is accepted and 11 characters is not/.test(c.title))).toBe(true);
    const kept = generateTestCases(
      {
        title: 'Visit history',
        acceptance_criteria: ['Appointment history is kept for 6 years after the last visit'],
      },
      { coverage_level: 'comprehensive' },
    );
    expect(kept.some((c) => /6 years is accepted|7 years/.test(c.title))).toBe(false);
    expect(kept.some((c) => /Retention period is honoured/.test(c.title))).toBe(true);
  });

  it('adds the domain boundaries the item calls for: currencies with 0 and 3 decimals, PHI in logs', () => {
    const money = generateTestCases(
      {
        title: 'Refunds in JPY and KWD',
        team: 'backend',
        acceptance_criteria: ['Amounts are stored in the currency minor unit'],
      },
      { coverage_level: 'comprehensive' },
    );
    expect(money.some((c) => /zero- and three-decimal currencies/.test(c.title))).toBe(true);
    const health = generateTestCases(
      { title: 'View lab results', acceptance_criteria: ['Patients see their own lab results'] },
      { coverage_level: 'comprehensive', domains: ['healthcare'] },
    );
    expect(health.some((c) => /No PHI in logs/.test(c.title) && c.type === 'security')).toBe(true);
  });

  it('adds accessibility checks where the item talks about contrast, screen readers or motion', () => {
    const cases = generateTestCases(
      {
        title: 'Accessible booking form',
        team: 'frontend',
        acceptance_criteria: [
          'Text contrast is at least 4.5:1',
          'Errors are announced to screen readers',
          'The progress bar respects reduced motion',
        ],
      },
      { coverage_level: 'comprehensive' },
    );
    const titles = cases.map((c) => c.title).join('\n');
    expect(titles).toMatch(/contrast is measured/i);
    expect(titles).toMatch(/screen reader reads/i);
    expect(titles).toMatch(/reduced motion is honoured/i);
  });

  it('writes app cases for a mobile task: devices and connectivity, never a browser', () => {
    const cases = generateTestCases(
      {
        title: 'Show the job list',
        team: 'mobile',
        acceptance_criteria: ['The job list shows the time of the last download'],
      },
      { coverage_level: 'comprehensive' },
    );
    expect(cases.every((c) => !/browser|keyboard/i.test(`${c.title} ${c.steps.join(' ')}`))).toBe(true);
    expect(cases.some((c) => /connection lost/i.test(c.title))).toBe(true);
  });

  it('names the endpoint of an API task and uses the RFC endpoint when the item has none', () => {
    const api = generateTestCases(
      {
        title: 'Create order via POST /orders',
        team: 'backend',
        acceptance_criteria: ['An order is created'],
      },
      { coverage_level: 'standard', contexts: ['api'], domains: [] },
    );
    expect(api.some((c) => /POST \/orders with an invalid body answers 400/.test(c.title))).toBe(true);
    const rfc = generateTestCases(
      { title: 'Invoice creation', team: 'backend', acceptance_criteria: ['Invoices are saved'] },
      {
        coverage_level: 'standard',
        contexts: ['api'],
        rfc_context: 'POST /invoices returns 409 on a duplicate number',
      },
    );
    expect(rfc.some((c) => c.title.includes('POST /invoices'))).toBe(true);
  });

  it('uses PRD requirements about the item at comprehensive coverage', () => {
    const cases = generateTestCases(
      { title: 'Invoice creation for customers', acceptance_criteria: ['Invoices are saved'] },
      {
        coverage_level: 'comprehensive',
        prd_context: 'Invoice creation must reject invoices without a customer.',
      },
    );
    expect(cases.some((c) => c.title.startsWith('PRD requirement: Invoice creation must reject'))).toBe(true);
  });

  it('uses every test type across layers and levels', () => {
    const types = new Set<TestType>();
    for (const team of [undefined, 'backend', 'frontend', 'qa'] as const) {
      const item = team ? { ...story, team } : story;
      for (const c of generateTestCases(item, { coverage_level: 'comprehensive', contexts: ['api', 'ui'] }))
        types.add(c.type);
    }
    for (const extra of generateTestCases(
      {
        title: 'Load list',
        team: 'backend',
        acceptance_criteria: ['The list loads within 2 seconds for 10,000 rows'],
      },
      { coverage_level: 'comprehensive' },
    ))
      types.add(extra.type);
    expect([...types].sort()).toEqual([...TestType.options].sort());
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

  it('tests each side of a limit the way its words say, naming what it counts', () => {
    const titles = (c: string) =>
      generateTestCases(
        { title: 'x', acceptance_criteria: [c], team: 'backend' },
        { coverage_level: 'standard' },
      )
        .map((t) => t.title)
        .join('\n');
    // "more than 1 km" is not met at 1 km; a measured threshold counts, it is not "accepted".
    expect(titles('Off-route = more than 1 km from the planned route')).toMatch(
      /2 km counts and 1 km does not/,
    );
    expect(titles('Up to 5 trusted contacts in Settings')).toMatch(
      /5 trusted contacts is accepted and 6 trusted contacts is not/,
    );
    expect(titles('Passwords have at least 12 characters')).toMatch(
      /12 characters is accepted and 11 characters is not/,
    );
    expect(titles('fewer than 3 items per order')).toMatch(/2 items is accepted and 3 items is not/);
  });

  it('reads "to file a form" as an act, not as a file to check', () => {
    const cases = generateTestCases(
      {
        title: 'x',
        acceptance_criteria: ['Suspected theft prompts the PIC to file DEA Form 106'],
        team: 'backend',
      },
      { coverage_level: 'standard' },
    );
    expect(cases.some((c) => /the file is valid/.test(c.title))).toBe(false);
  });
});
