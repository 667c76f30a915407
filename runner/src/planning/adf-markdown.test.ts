import {
  readTicketDescription,
  TICKET_SECTION_KINDS,
  type TicketSections,
  writeTicketDescription,
} from '@augment/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patchArb, sectionsArb } from '../../../shared/src/planning/fixtures/ticket-sections-arbitrary.js';
import { type AdfDocument, markdownToAdf } from '../adapters/jira/index.js';
import { descriptionSegments, mergeDescription } from '../jira-ops/description.js';
import { adfToMarkdown } from './adf-markdown.js';

/** What Jira holds after Augment writes `x`, read back as Augment reads it. */
const throughJira = (x: Partial<TicketSections>) => markdownToAdf(writeTicketDescription(x));
const readBack = (doc: AdfDocument) => readTicketDescription(adfToMarkdown(doc));

describe('ADF -> markdown', () => {
  it('writes an editorial note as a note panel and reads the panel back as the note', () => {
    const doc = throughJira({
      acceptance_criteria: ['A guest reaches the payment step'],
      notes: { acceptance_criteria: ['Proposed from the summary; please review.'] },
      footer: ['Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).'],
    });
    expect(doc.content.map((n) => n.type)).toEqual(['heading', 'panel', 'bulletList', 'panel']);
    expect(doc.content[1]).toMatchObject({ attrs: { panelType: 'note' } });
    expect(doc.content[3]!.content![0]!.content).toEqual([
      { type: 'text', text: 'Synced from the PRD ' },
      {
        type: 'text',
        text: 'Checkout',
        marks: [{ type: 'link', attrs: { href: 'https://acme.atlassian.net/wiki/x/1' } }],
      },
      { type: 'text', text: '.' },
    ]);
    expect(adfToMarkdown(doc)).toContain(
      '> [!NOTE]\n>\n> Synced from the PRD [Checkout](https://acme.atlassian.net/wiki/x/1).',
    );
  });

  it('keeps marks, nested lists, code and hard breaks as markdown the converter reads back the same', () => {
    const md = [
      'Plain *em* **strong** ~~gone~~ `code` [link](https://x.y/a_b) \\*literal\\*',
      '- one\n- two\n  - nested',
      '1. first\n2. second',
      '```ts\nconst a = 1;\n```',
      'line\\\nbreak',
    ].join('\n\n');
    const doc = markdownToAdf(md);
    expect(adfToMarkdown(doc)).toBe(md);
    expect(markdownToAdf(adfToMarkdown(doc))).toEqual(doc);
  });
});

/**
 * The description and the notes are markdown: Jira keeps what they mean, and the first trip through it
 * settles their spelling (two lists separated by a blank line are one list, a bare address a link).
 */
const markdownParts = (x: TicketSections) => ({
  description: x.description,
  notes: x.notes,
  footer: x.footer,
});
const textParts = (x: TicketSections) => ({
  ...x,
  description: undefined,
  notes: undefined,
  footer: undefined,
});

describe('the ticket description format through Jira (marklassian and back) is a fixed point', () => {
  it('reads back every part written: read(adf(write(x))) == x', () => {
    fc.assert(
      fc.property(sectionsArb, (x) => {
        const once = readBack(throughJira(x));
        // Items, test cases and planning facts come back exactly; markdown in its settled spelling.
        expect(textParts(once)).toEqual(textParts(x));
        expect(markdownParts(once).footer).toHaveLength(x.footer.length);
        expect(readBack(throughJira(once))).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back the markdown parts as written once they are in the spelling Jira gives back', () => {
    fc.assert(
      fc.property(sectionsArb, (x) => {
        const settled = { ...x, ...markdownParts(readBack(throughJira(x))) };
        expect(readBack(throughJira(settled))).toEqual(settled);
      }),
      { numRuns: 200 },
    );
  });

  it('writes what it read the same way again: write(read(adf(write(x)))) == write(x)', () => {
    fc.assert(
      fc.property(sectionsArb, (x) => {
        const md = writeTicketDescription(readBack(throughJira(x)));
        expect(writeTicketDescription(readBack(markdownToAdf(md)))).toBe(md);
        expect(markdownToAdf(writeTicketDescription(readBack(markdownToAdf(md))))).toEqual(markdownToAdf(md));
      }),
      { numRuns: 200 },
    );
  });

  it('an update replaces the part given and keeps every other node as it was', () => {
    fc.assert(
      fc.property(sectionsArb, patchArb, (raw, rawPatch) => {
        const x = { ...raw, ...markdownParts(readBack(throughJira(raw))) };
        const before = throughJira(x);
        const after = mergeDescription(before, rawPatch, 'replace');
        const notes = { ...x.notes };
        for (const k of TICKET_SECTION_KINDS) if (k in rawPatch) delete notes[k];
        const back = readBack(after);
        expect(textParts(back)).toEqual(textParts({ ...x, ...rawPatch, notes }));
        const kept = (doc: AdfDocument) =>
          descriptionSegments(doc).filter((s) => !(s.kind in rawPatch) && s.kind !== 'description');
        expect(kept(after)).toEqual(kept(before));
        if (!('description' in rawPatch)) {
          // An empty paragraph (what Jira saves for an empty description) is no description.
          const prose = (d: AdfDocument) =>
            descriptionSegments(d).filter(
              (s) => s.kind === 'description' && s.nodes.some((n) => (n.content?.length ?? 0) > 0),
            );
          expect(prose(after)).toEqual(prose(before));
          expect(back.description).toBe(x.description);
        }
        if (!('footer' in rawPatch)) expect(back.footer).toEqual(x.footer);
      }),
      { numRuns: 200 },
    );
  });
});
