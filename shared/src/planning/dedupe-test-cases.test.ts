import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupeTestCases, testCaseSimilarity } from './dedupe-test-cases.js';
import type { TestCase, TestType } from './schemas.js';

function tc(title: string, extra: Partial<TestCase> = {}): TestCase {
  return {
    title,
    type: 'integration',
    description: '',
    steps: [],
    expected_result: 'ok',
    covers_criterion: null,
    priority: 'medium',
    ...extra,
  };
}

const a = tc('Reject invoice with negative amount', {
  steps: ['Create an invoice with amount -10 EUR', 'Submit it to POST /invoices'],
  expected_result: 'The API answers 400 naming the amount field',
});
const aReworded = tc('Rejects the invoice when its amount is negative', {
  steps: ['Create invoice with an amount of -10 EUR', 'Submit to POST /invoices'],
  expected_result: 'API answers 400 and names the amount field in the error',
});
const b = tc('Customer receives the invoice email once', {
  steps: ['Send the invoice', 'Check the mailbox of the customer'],
  expected_result: 'Exactly one email with the PDF attached',
});

describe('dedupeTestCases', () => {
  it('removes near-identical cases that differ in wording, not only exact copies', () => {
    expect(testCaseSimilarity(a, aReworded)).toBeGreaterThanOrEqual(0.8);
    expect(testCaseSimilarity(a, aReworded)).toBeLessThan(1);
    const r = dedupeTestCases([a, b, aReworded]);
    expect(r.kept).toEqual([a, b]);
    expect(r.removed).toEqual([{ index: 2, duplicate_of: 0, similarity: expect.any(Number) }]);
  });

  it('keeps cases that only share a template but test different things', () => {
    const x = tc('Rejects invoice with negative amount', { steps: ['Submit an invoice with amount -1'] });
    const y = tc('Rejects customer with invalid email address', {
      steps: ['Submit a customer with email "x"'],
    });
    expect(dedupeTestCases([x, y]).kept).toHaveLength(2);
  });

  it('honours the threshold', () => {
    const sim = testCaseSimilarity(a, aReworded);
    expect(dedupeTestCases([a, aReworded], { threshold: sim + 0.01 }).kept).toHaveLength(2);
    expect(dedupeTestCases([a, aReworded], { threshold: sim - 0.01 }).kept).toHaveLength(1);
  });

  it('compares only cases of the same family of types', () => {
    const e2e = { ...aReworded, type: 'e2e' as const };
    expect(dedupeTestCases([a, e2e]).kept).toHaveLength(2);
    const unit = { ...aReworded, type: 'unit' as const };
    expect(dedupeTestCases([a, unit]).kept).toHaveLength(1);
  });

  it('never removes the last case covering an acceptance criterion', () => {
    const first = { ...a, covers_criterion: 'Amount must be positive' };
    const second = { ...aReworded, covers_criterion: 'Invoices are validated on save' };
    expect(dedupeTestCases([first, second]).kept).toHaveLength(2);
    expect(dedupeTestCases([first, second], { preserve_coverage: false }).kept).toHaveLength(1);
  });

  it('scopes criteria: the same criterion text in two stories is two criteria', () => {
    const x = { ...a, covers_criterion: 'Only admins can edit' };
    const y = { ...aReworded, covers_criterion: 'Only admins can edit' };
    expect(dedupeTestCases([x, y]).kept).toHaveLength(1);
    expect(dedupeTestCases([x, y], { scopes: ['S1', 'S2'] }).kept).toHaveLength(2);
  });

  it('never leaves a group (e.g. a task) without a case', () => {
    expect(dedupeTestCases([a, aReworded], { groups: ['task-1', 'task-2'] }).kept).toHaveLength(2);
    expect(dedupeTestCases([a, aReworded], { groups: ['task-1', 'task-1'] }).kept).toHaveLength(1);
  });

  it('treats cases without any words as duplicates of each other only', () => {
    const empty = tc('', { expected_result: '' });
    expect(dedupeTestCases([empty, a, { ...empty }]).kept).toEqual([empty, a]);
  });

  it('rejects a threshold outside (0, 1]', () => {
    expect(() => dedupeTestCases([a], { threshold: 0 })).toThrow(RangeError);
  });
});

const VOCAB = [
  'invoice',
  'amount',
  'currency',
  'customer',
  'email',
  'total',
  'tax',
  'status',
  'paid',
  'draft',
  'report',
];
const TYPES: TestType[] = ['unit', 'integration', 'acceptance', 'e2e', 'ui'];
const arbCase = fc.record({
  words: fc.array(fc.constantFrom(...VOCAB), { minLength: 0, maxLength: 6 }),
  type: fc.constantFrom(...TYPES),
  criterion: fc.option(fc.constantFrom('AC1', 'AC2', 'AC3'), { nil: null }),
});
const toCase = (c: { words: string[]; type: TestType; criterion: string | null }) =>
  tc(c.words.join(' '), { type: c.type, covers_criterion: c.criterion, expected_result: '' });

describe('dedupeTestCases properties', () => {
  it('is idempotent: running it on its own output removes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(arbCase, { maxLength: 40 }),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        (raw, t) => {
          const once = dedupeTestCases(raw.map(toCase), { threshold: t });
          const twice = dedupeTestCases(once.kept, { threshold: t });
          expect(twice.kept).toEqual(once.kept);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never drops the only case covering a criterion', () => {
    fc.assert(
      fc.property(fc.array(arbCase, { maxLength: 40 }), (raw) => {
        const cases = raw.map(toCase);
        const r = dedupeTestCases(cases, { threshold: 0.5 });
        const before = new Set(cases.map((c) => c.covers_criterion).filter(Boolean));
        const after = new Set(r.kept.map((c) => c.covers_criterion).filter(Boolean));
        expect(after).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same duplicates as comparing every pair (prefix filtering loses nothing)', () => {
    fc.assert(
      fc.property(
        fc.array(arbCase, { maxLength: 40 }),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        (raw, t) => {
          const cases = raw.map(toCase);
          const r = dedupeTestCases(cases, { threshold: t, preserve_coverage: false });
          const family = (x: TestType) =>
            x === 'unit' || x === 'integration' ? 0 : x === 'acceptance' || x === 'e2e' ? 1 : 2;
          const kept: number[] = [];
          cases.forEach((c, i) => {
            const dup = kept.some(
              (j) =>
                family(cases[j]!.type) === family(c.type) && testCaseSimilarity(cases[j]!, c) >= t - 1e-9,
            );
            if (!dup) kept.push(i);
          });
          expect(r.kept_indices).toEqual(kept);
        },
      ),
      { numRuns: 300 },
    );
  });
});
