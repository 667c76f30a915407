import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patchArb, sectionsArb } from './fixtures/ticket-sections-arbitrary.js';
import { generateTicketDescription, PROPOSED_NOTE } from './generate-ticket-description.js';
import {
  escapeMarkdown,
  markdownToPlainText,
  readTicketDescription,
  segmentBlocks,
  TICKET_SECTION_KINDS,
  takeQuestions,
  ticketForPlanning,
  updateTicketDescription,
  writeTicketDescription,
} from './ticket-sections.js';

describe('reading a description', () => {
  it('separates the description, criteria, out-of-scope items and multi-line scenarios of a hand-written ticket', () => {
    const p = readTicketDescription(
      [
        'Customers often move.',
        '',
        '## Acceptance criteria',
        '- Customers can update the shipping address',
        '',
        'Given a saved address',
        'When the postal code is invalid',
        'Then an error is shown',
        '',
        'Out of scope:',
        '- Billing address',
        '',
        'TBD: do we notify the warehouse?',
      ].join('\n'),
    );
    expect(p.description).toBe('Customers often move.');
    expect(p.acceptance_criteria).toEqual([
      'Customers can update the shipping address',
      'Given a saved address, When the postal code is invalid, Then an error is shown',
    ]);
    expect(p.out_of_scope).toEqual(['Billing address', 'TBD: do we notify the warehouse?']);
    expect(ticketForPlanning(p)).toMatchObject({
      description: 'Customers often move.',
      out_of_scope: ['Billing address'],
      questions: ['TBD: do we notify the warehouse?'],
    });
  });

  it('reads "**Acceptance criteria**" and "Definition of done:" paragraphs as section headings', () => {
    expect(readTicketDescription('Intro\n\n**Acceptance criteria**\n\n- One').acceptance_criteria).toEqual([
      'One',
    ]);
    expect(readTicketDescription('Definition of done:\n- Two').acceptance_criteria).toEqual(['Two']);
  });

  it('reads the old generated layout: "## Context" is the description, "### Out of scope" its own section', () => {
    const p = readTicketDescription(
      '## Context\nX ships.\n\n## Scope\n- Build it\n\n### Out of scope\n- Y\n\n## Acceptance criteria\n- Z',
    );
    expect(p).toMatchObject({
      description: 'X ships.',
      scope: ['Build it'],
      out_of_scope: ['Y'],
      acceptance_criteria: ['Z'],
    });
  });

  it('never reads an editorial note or a footer as a criterion or as the description', () => {
    const md = writeTicketDescription({
      description: 'As a shopper I pay without an account.',
      acceptance_criteria: ['A guest reaches the payment step'],
      notes: { acceptance_criteria: [PROPOSED_NOTE] },
      footer: ['Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).'],
    });
    const p = readTicketDescription(md);
    expect(p.description).toBe('As a shopper I pay without an account.');
    expect(p.acceptance_criteria).toEqual(['A guest reaches the payment step']);
    expect(p.notes).toEqual({ acceptance_criteria: [PROPOSED_NOTE] });
    expect(p.footer).toEqual(['Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).']);
  });

  it('reads test cases written before the labels were bold, "Covers:" joined to the type line', () => {
    const md = [
      '## Test cases',
      '',
      '### PDF file name carries the invoice number',
      '',
      'Type: integration · Priority: high Covers: Given an issued invoice, then it downloads',
      '',
      '1. Issue an invoice',
      '2. GET /invoices/{id}/pdf',
      '',
      'Expected: the file name contains the invoice number',
    ].join('\n');
    expect(readTicketDescription(md).test_cases).toEqual([
      {
        title: 'PDF file name carries the invoice number',
        type: 'integration',
        priority: 'high',
        covers_criterion: 'Given an issued invoice, then it downloads',
        description: '',
        steps: ['Issue an invoice', 'GET /invoices/{id}/pdf'],
        expected_result: 'the file name contains the invoice number',
      },
    ]);
  });

  it('keeps unknown headings and their text in the description, where they stand', () => {
    const md = '## Acceptance criteria\n\n- A\n\n## Rollout\n\nBehind a flag.';
    expect(readTicketDescription(md).description).toBe('## Rollout\n\nBehind a flag.');
    expect(segmentBlocks([]).length).toBe(0);
  });
});

describe('writing a description', () => {
  it('escapes text that markdown would read as structure, and reads it back as written', () => {
    const items = [
      '# not a heading',
      '1. not a list',
      '*not* emphasis',
      '<b>no html</b>',
      'a | b',
      'https://x.y/a_b',
    ];
    const md = writeTicketDescription({ scope: items });
    expect(md).toContain('- \\# not a heading\n- 1\\. not a list\n- \\*not\\* emphasis');
    expect(readTicketDescription(md).scope).toEqual(items);
    expect(markdownToPlainText(escapeMarkdown('__x__ `y`'))).toBe('__x__ `y`');
  });

  it('puts Given/When/Then keywords of a criterion in bold without changing its text', () => {
    const c = 'Given a cart, when the shopper pays, then a receipt is shown';
    const md = writeTicketDescription({ acceptance_criteria: [c] });
    expect(md).toContain('- **Given** a cart, **when** the shopper pays, **then** a receipt is shown');
    expect(readTicketDescription(md).acceptance_criteria).toEqual([c]);
  });
});

describe('the ticket description format is a fixed point', () => {
  it('reads back every part it writes (read(write(x)) == x)', () => {
    fc.assert(
      fc.property(sectionsArb, (x) => {
        expect(readTicketDescription(writeTicketDescription(x))).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it('writes what it read the same way again (write(read(write(x))) == write(x))', () => {
    fc.assert(
      fc.property(sectionsArb, (x) => {
        const md = writeTicketDescription(x);
        expect(writeTicketDescription(readTicketDescription(md))).toBe(md);
      }),
      { numRuns: 200 },
    );
  });

  it('replaces only the part given: every other part keeps its text byte for byte', () => {
    fc.assert(
      fc.property(sectionsArb, patchArb, (x, patch) => {
        const before = writeTicketDescription(x);
        const after = updateTicketDescription(before, patch, 'replace');
        const expected = { ...x, ...patch };
        // A replaced section goes with its notes.
        const notes = { ...x.notes };
        for (const k of TICKET_SECTION_KINDS) if (k in patch) delete notes[k];
        expect(readTicketDescription(after)).toEqual({ ...expected, notes });
        for (const k of TICKET_SECTION_KINDS) {
          if (k in patch) continue;
          const own = writeTicketDescription({ [k]: x[k], notes: { [k]: x.notes[k] } }).trim();
          if (own) expect(after).toContain(own);
        }
        if (!('description' in patch) && x.description.trim())
          expect(after.startsWith(x.description.trim())).toBe(true);
        if (!('footer' in patch) && x.footer.length > 0) {
          expect(after.endsWith(writeTicketDescription({ footer: x.footer }))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('updating a description', () => {
  const prdStory = writeTicketDescription({
    description: 'As a shopper I can pay without creating an account.',
    acceptance_criteria: ['A guest reaches the payment step'],
    footer: ['Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).'],
  });

  it('keeps the "Synced from the PRD" footer when only the criteria change', () => {
    const out = updateTicketDescription(prdStory, { acceptance_criteria: ['A guest can pay by card'] });
    expect(out).toContain('> Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).');
    expect(readTicketDescription(out).acceptance_criteria).toEqual(['A guest can pay by card']);
  });

  it('keeps a section its own heading and appends after its items', () => {
    const md = 'Text\n\n## Acceptance Criteria\n\n- One\n\n## Test cases\n\n### T\n\nExpected: ok';
    const replaced = updateTicketDescription(md, { acceptance_criteria: ['Two'] });
    expect(replaced).toContain('## Acceptance Criteria\n\n- Two\n\n## Test cases');
    const appended = updateTicketDescription(md, { acceptance_criteria: ['Two'] }, 'append');
    expect(readTicketDescription(appended).acceptance_criteria).toEqual(['One', 'Two']);
    expect(readTicketDescription(appended).test_cases.map((t) => t.title)).toEqual(['T']);
  });

  it('adds a missing section in its place and removes one given empty', () => {
    const out = updateTicketDescription(prdStory, { technical_notes: ['Use the payments service'] });
    expect(out.indexOf('## Technical notes')).toBeGreaterThan(out.indexOf('## Acceptance criteria'));
    expect(out.indexOf('## Technical notes')).toBeLessThan(out.indexOf('Synced from'));
    expect(updateTicketDescription(out, { technical_notes: [] })).toBe(prdStory);
  });
});

describe('generating a description from its own output', () => {
  const tickets = [
    { summary: 'Export invoices as CSV for accountants' },
    {
      summary: 'Charge customers with Stripe at checkout',
      description: 'Payments must use idempotency keys. Amounts in EUR and USD.',
    },
    {
      summary: 'Allow customers to update their shipping address',
      description:
        'Customers often move.\n\nAcceptance criteria:\n- Customers can update the shipping address\n- If the postal code is invalid, an error is shown\n\nOut of scope:\n- Billing address\n\nTBD: do we notify the warehouse?',
    },
  ];

  it('gives the same description the second time', () => {
    for (const t of tickets) {
      const once = generateTicketDescription(t).description_markdown;
      const twice = generateTicketDescription({ ...t, description: once }).description_markdown;
      expect(twice).toBe(once);
    }
  });

  it('keeps the notes it proposed and does not read them as criteria', () => {
    const once = generateTicketDescription(tickets[0]!);
    const parts = readTicketDescription(once.description_markdown);
    expect(parts.notes.acceptance_criteria).toEqual([PROPOSED_NOTE]);
    expect(parts.acceptance_criteria).toEqual(once.acceptance_criteria);
    expect(parts.acceptance_criteria.some((c) => /proposed/i.test(c))).toBe(false);
  });

  it('moves questions out of the description once', () => {
    const { markdown, questions } = takeQuestions('We ship soon.\n\nTBD: which carrier?');
    expect(markdown).toBe('We ship soon.');
    expect(questions).toEqual(['TBD: which carrier?']);
  });
});
