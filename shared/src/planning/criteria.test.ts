import { describe, expect, it } from 'vitest';
import { analyzeCriterion, parseGivenWhenThen, toGivenWhenThen } from './criteria.js';

describe('parseGivenWhenThen', () => {
  it('splits Given/When/Then and When/Then forms', () => {
    expect(parseGivenWhenThen('Given a draft invoice, when it is sent, then its status is sent')).toEqual({
      given: 'a draft invoice',
      when: 'it is sent',
      outcome: 'its status is sent',
    });
    expect(parseGivenWhenThen('If the card is declined, the order stays unpaid')).toEqual({
      when: 'the card is declined',
      outcome: 'the order stays unpaid',
    });
    expect(parseGivenWhenThen('Totals are rounded')).toEqual({});
  });
});

describe('analyzeCriterion', () => {
  it.each([
    ['Password must be at least 12 characters', 'validation'],
    ['Only admins can delete users', 'permission'],
    ['The total includes 20% VAT', 'calculation'],
    ['The customer receives an email with the receipt', 'notification'],
    ['A reminder is sent 30 days after the due date', 'notification'],
    ['The nightly job archives old carts', 'schedule'],
    ['When approved, the status becomes active', 'state'],
    ['Users can download the statement as PDF', 'export'],
    ['Filtering by status shows only matching orders', 'search'],
    ['Duplicate Stripe webhooks do not record a payment twice', 'integration'],
    ['The page loads within 2 seconds', 'performance'],
    ['The list shows the order number and date', 'display'],
  ])('classifies "%s" as %s', (text, category) => {
    expect(analyzeCriterion(text).category).toBe(category);
  });

  it('extracts limits and a short subject', () => {
    const f = analyzeCriterion('The user should be able to upload up to 10 files of at most 5 MB');
    expect(f.limits).toEqual(['up to 10 files', 'at most 5 MB']);
    expect(f.subject).toBe('Upload up to 10 files of at most 5 MB');
  });
});

describe('toGivenWhenThen', () => {
  it('rewrites "When X, Y" and "<actor> can <verb> <object>"', () => {
    expect(toGivenWhenThen('When the invoice is paid, the customer receives a receipt')).toBe(
      'Given a signed-in user, when the invoice is paid, then the customer receives a receipt',
    );
    expect(toGivenWhenThen('Users can export invoices as CSV')).toBe(
      'Given a signed-in user, when they export invoices as CSV, then invoices are exported',
    );
  });

  it('uses the story actor and keeps rules about who may act as written', () => {
    expect(toGivenWhenThen('If the code is wrong, an error is shown', 'cashier')).toMatch(
      /^Given a signed-in cashier, when/,
    );
    expect(toGivenWhenThen('Only admins can delete users')).toBe('Only admins can delete users');
  });

  it('leaves criteria it cannot restate unchanged', () => {
    expect(toGivenWhenThen('The page looks nice.')).toBe('The page looks nice');
  });
});
