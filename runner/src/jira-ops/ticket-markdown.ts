/**
 * Markdown of generated ticket content, one "##" section per part (acceptance criteria, technical notes,
 * test cases) so an update can find and replace a part without touching the others. Test cases are
 * written the way the planning service writes them, so coverage analysis reads them back from Jira.
 */
import type { TestCase, TicketContent, TicketTestCase } from '@augment/shared';
import { testCasesMarkdown } from '../planning/markdown.js';

export type TicketSectionKind = 'acceptance_criteria' | 'technical_notes' | 'test_cases';

/** Section headings, in the order they appear in a description. */
export const TICKET_SECTIONS: readonly { kind: TicketSectionKind; title: string }[] = [
  { kind: 'acceptance_criteria', title: 'Acceptance criteria' },
  { kind: 'technical_notes', title: 'Technical notes' },
  { kind: 'test_cases', title: 'Test cases' },
];

const HEADING_RES: Record<TicketSectionKind, RegExp> = {
  acceptance_criteria: /^(?:acceptance criteria(?: covered)?|ac|definition of done)$/i,
  technical_notes: /^(?:technical notes|tech notes|implementation notes)$/i,
  test_cases: /^(?:test cases|tests|test plan)$/i,
};

/** The section a heading opens, if it is one of ours (case and a trailing colon do not matter). */
export function ticketSectionOf(headingText: string): TicketSectionKind | undefined {
  const t = headingText.replace(/[:\s]+$/, '').trim();
  return TICKET_SECTIONS.find((s) => HEADING_RES[s.kind].test(t))?.kind;
}

/** A posted test case with the fields the generators always fill. */
export function toTestCase(tc: TicketTestCase): TestCase {
  return {
    title: tc.title.trim(),
    type: tc.type ?? 'acceptance',
    description: tc.description ?? '',
    steps: tc.steps ?? [],
    expected_result: tc.expected_result?.trim() || 'As described',
    covers_criterion: tc.covers_criterion ?? null,
    priority: tc.priority ?? 'medium',
  };
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
// Markdown syntax at the start of an item would change its meaning (a "#" item becoming a heading).
const safe = (s: string) => oneLine(s).replace(/^([#>]|\d+[.)]\s)/, '\\$1');

/** One section as markdown (heading included unless `heading: false`); '' for an empty list. */
export function ticketSectionMarkdown(
  kind: TicketSectionKind,
  content: TicketContent,
  opts: { heading?: boolean } = {},
): string {
  const title = TICKET_SECTIONS.find((s) => s.kind === kind)!.title;
  let body: string[];
  if (kind === 'test_cases') {
    // testCasesMarkdown starts with a blank line and its heading.
    body = testCasesMarkdown((content.test_cases ?? []).map(toTestCase), `## ${title}`).slice(2);
  } else {
    const items = (content[kind] ?? []).map((c) => c.trim()).filter(Boolean);
    body = items.map((c) => `- ${safe(c)}`);
  }
  if (body.length === 0) return '';
  const out = opts.heading === false ? body : [`## ${title}`, '', ...body];
  return `${out.join('\n').trim()}\n`;
}

/** The full description: the prose first, then each section that has content. */
export function ticketMarkdown(content: TicketContent): string {
  const parts = [content.description?.trim() ?? ''];
  for (const s of TICKET_SECTIONS) parts.push(ticketSectionMarkdown(s.kind, content).trim());
  const text = parts.filter(Boolean).join('\n\n');
  return text ? `${text}\n` : '';
}

/** Whether any part of the content is given (an empty description counts: it clears the prose). */
export function hasTicketContent(content: TicketContent): boolean {
  return (
    content.description !== undefined ||
    content.acceptance_criteria !== undefined ||
    content.test_cases !== undefined ||
    content.technical_notes !== undefined
  );
}
