/**
 * Ticket content as the `/jira/...` routes take it (description markdown, criteria, technical notes,
 * test cases with optional fields) turned into the parts of the one ticket description format of
 * shared/, and written with it.
 */
import {
  type TestCase,
  type TicketContent,
  type TicketSectionsPatch,
  type TicketTestCase,
  writeTicketDescription,
} from '@augment/shared';

/** The parts of a description to write or change; test cases may leave out the fields generators fill. */
export type DescriptionPatch = Omit<TicketSectionsPatch, 'test_cases'> & { test_cases?: TicketTestCase[] };

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

/** The parts given, test cases completed; parts not given stay undefined (an update keeps them). */
export function ticketPatch(content: DescriptionPatch): TicketSectionsPatch {
  const { test_cases, ...rest } = content;
  const out: TicketSectionsPatch = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) Object.assign(out, { [k]: v });
  if (test_cases !== undefined) out.test_cases = test_cases.map(toTestCase);
  return out;
}

/** The full description: the prose (markdown, as given) first, then each section that has content. */
export function ticketMarkdown(content: TicketContent): string {
  return writeTicketDescription(ticketPatch(content));
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
