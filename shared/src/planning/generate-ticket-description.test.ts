import { describe, expect, it } from 'vitest';
import { generateTicketDescription } from './generate-ticket-description.js';
import { TicketDescription } from './schemas.js';

describe('generateTicketDescription', () => {
  it('keeps existing criteria as Given/When/Then and lists the work as scope', () => {
    const d = generateTicketDescription({
      summary: 'Allow customers to update their shipping address',
      description:
        'Customers often move.\n\nAcceptance criteria:\n- Customers can update the shipping address\n- If the postal code is invalid, an error is shown\n\nOut of scope:\n- Billing address\n\nTBD: do we notify the warehouse?',
    });
    expect(TicketDescription.parse(d)).toEqual(d);
    expect(d.acceptance_criteria).toEqual([
      'Given a signed-in customer, when they update the shipping address, then the shipping address is updated',
      'Given a signed-in customer, when the postal code is invalid, then an error is shown',
    ]);
    expect(d.description_markdown).toMatch(/^Customers often move\.\n\n## Scope/);
    expect(d.description_markdown).toContain(
      '## Scope\n\n- Update the shipping address\n- Show an error when the postal code is invalid',
    );
    expect(d.description_markdown).toContain('## Out of scope\n\n- Billing address');
    expect(d.description_markdown).toContain('## Open questions\n\n- TBD: do we notify the warehouse?');
    expect(d.description_markdown).not.toMatch(/Proposed/);
    // The warehouse question is not work: no notification task.
    expect(d.description_markdown).not.toMatch(/notification/i);
  });

  it('proposes concrete criteria and notes when the ticket has only a summary', () => {
    const d = generateTicketDescription({ summary: 'Export invoices as CSV for accountants' });
    expect(d.description_markdown).toContain(
      '## Acceptance criteria\n\n> [!NOTE]\n>\n> Proposed from the summary; please review.',
    );
    expect(d.acceptance_criteria.some((c) => /CSV with one row per invoice and a header row/.test(c))).toBe(
      true,
    );
    expect(d.technical_notes.some((n) => /Reserve stock/.test(n))).toBe(false);
  });

  it('adds domain and integration notes where the ticket calls for them', () => {
    const d = generateTicketDescription({
      summary: 'Charge customers with Stripe at checkout',
      description: 'Payments must use idempotency keys. Amounts in EUR and USD.',
    });
    expect(d.technical_notes.some((n) => n.startsWith('Stripe:'))).toBe(true);
    expect(d.technical_notes.some((n) => /minor units/.test(n))).toBe(true);
  });
});
