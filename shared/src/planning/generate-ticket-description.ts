/**
 * Rule-based ticket description (POST /generate/single without an LLM): turns a summary and whatever
 * description exists into context, scope, acceptance criteria (Given/When/Then where the wording
 * allows) and technical notes, written in the one ticket description format (ticket-sections.ts).
 *
 * Generating from its own output gives the same output: parts the ticket already has are kept (criteria
 * only rewritten as Given/When/Then, which leaves its own output as it is), and the parts it adds are
 * derived from the description and criteria as they are written, which is what the next run reads.
 */
import { analyzeStory, type StoryAnalysis } from './analyze-story.js';
import { toGivenWhenThen } from './criteria.js';
import { deriveAcceptanceCriteria } from './derive-criteria.js';
import { generateTeamTasks } from './generate-team-tasks.js';
import type { TicketDescription } from './schemas.js';
import { joinList, truncate } from './text.js';
import {
  isOpenQuestion,
  markdownToPlainText,
  plainTextToMarkdown,
  readTicketDescription,
  type TicketSections,
  takeQuestions,
  writeTicketDescription,
} from './ticket-sections.js';

export interface TicketInput {
  summary: string;
  description?: string;
  key?: string;
  /** Extra text (linked pages, comments) that informs scope and notes but is not quoted. */
  additional_context?: string;
}

/** The note that marks criteria proposed by the rules rather than written by a person. */
export const PROPOSED_NOTE = 'Proposed from the summary; please review.';

function technicalNotes(a: StoryAnalysis): string[] {
  const notes: string[] = [];
  const R = a.entities.resources[0] ?? 'resource';
  if (a.entities.endpoints.length > 0)
    notes.push(
      `Endpoints named in the ticket: ${joinList(a.entities.endpoints)}; document them in the OpenAPI spec.`,
    );
  if (a.types.includes('api') || a.contexts.includes('api')) {
    notes.push(
      'Validate request bodies against a schema; return 400 with one error per field, 401/403 for auth, 404 for unknown ids, 409 for conflicts.',
    );
  }
  if (
    a.contexts.includes('database') ||
    a.actions.some((x) => x === 'create' || x === 'update' || x === 'delete')
  ) {
    notes.push(
      `Schema change for the ${R} ships as a reversible migration; wrap multi-row writes in one transaction.`,
    );
  }
  const money = /\b(?:amount|price|currenc|total|payment|invoice|fee|tax|balance)/i.test(a.text);
  if (a.domains.includes('financial') && money) {
    notes.push(
      'Store money as integer minor units with an ISO 4217 currency code; round half-even once; keep an append-only audit trail.',
    );
  }
  if (a.domains.includes('healthcare'))
    notes.push(
      'PHI: encrypt at rest, restrict by role, log every access (HIPAA), keep it out of logs and URLs.',
    );
  if (a.domains.includes('ecommerce') && /\b(?:checkout|stock|inventory|payment|cart)/i.test(a.text))
    notes.push(
      'Reserve stock at checkout and release it on payment failure; use idempotency keys for payment calls.',
    );
  if (a.domains.includes('security'))
    notes.push(
      'Enforce authorization server-side per object; never reveal whether an account exists in error messages.',
    );
  for (const v of a.entities.integrations.slice(0, 3)) {
    notes.push(
      `${v}: wrap calls with timeouts, bounded retries and backoff; verify webhook signatures and apply duplicate events once.`,
    );
  }
  if (a.types.includes('integration') && a.entities.integrations.length === 0) {
    notes.push('External system: agree the contract and a sandbox first; make the sync idempotent.');
  }
  if (a.types.includes('ui') || a.contexts.includes('ui')) {
    notes.push(
      'UI: WCAG 2.1 AA (labels, keyboard, focus), empty/loading/error states, works at 320 px width.',
    );
  }
  if (a.types.includes('data'))
    notes.push('Data jobs are batched, resumable and idempotent; reconcile counts before and after.');
  if (a.contexts.includes('microservice'))
    notes.push('Service calls: timeouts, retries with jitter, circuit breaker; consumers idempotent.');
  for (const s of a.complexity.signals) {
    if (s.signal === 'performance')
      notes.push(`Performance target mentioned (${s.detail}): add a load test to the definition of done.`);
    if (s.signal === 'open_questions')
      notes.push(`Open questions (${s.detail}) must be resolved before estimates are final.`);
  }
  return notes;
}

/**
 * Builds a structured description for a ticket from its summary and existing description. Existing
 * acceptance criteria are kept (rewritten as Given/When/Then where derivable); when there are none,
 * concrete criteria are proposed and marked with a note. Scope lists the work the team-based generator
 * would create, so the description and the tasks agree. Sections the ticket already has (scope,
 * technical notes, test cases, notes, footers) are kept as they are.
 */
export function generateTicketDescription(ticket: TicketInput): TicketDescription {
  const current = readTicketDescription(ticket.description ?? '');
  const { markdown: prose, questions: asked } = takeQuestions(current.description);
  const extra = ticket.additional_context ?? '';
  const statedCriteria = current.acceptance_criteria.filter((c) => !isOpenQuestion(c));
  const first = analyzeStory({
    title: ticket.summary,
    description: [markdownToPlainText(prose), extra].join('\n'),
    acceptance_criteria: statedCriteria,
  });
  const actor = first.entities.actors[0];

  // Criteria still marked as proposed stay as proposed: only a person removes the note.
  const isProposedNote = (n: string) => markdownToPlainText(n) === PROPOSED_NOTE;
  const stillProposed = (current.notes.acceptance_criteria ?? []).some(isProposedNote);
  const proposed =
    statedCriteria.length === 0 ? deriveAcceptanceCriteria(first, ticket.summary) : statedCriteria;
  const criteria =
    statedCriteria.length === 0 || stillProposed
      ? proposed
      : statedCriteria.map((c) => toGivenWhenThen(c, actor));
  const isProposal = statedCriteria.length === 0 || stillProposed;

  const description = prose.trim()
    ? prose
    : plainTextToMarkdown(`${ticket.summary}.${actor ? ` Requested by the ${actor} role.` : ''}`);
  // What the next run reads back: the analysis of the text as written gives the same scope and notes.
  const story = {
    title: ticket.summary,
    description: [markdownToPlainText(description), extra].join('\n'),
    acceptance_criteria: criteria,
  };
  const a = analyzeStory(story);
  const scope =
    current.scope.length > 0
      ? current.scope
      : generateTeamTasks(story, { include_tests: false, max_task_cycle_days: 30 })
          .tasks.filter((t) => t.team !== 'qa')
          .map((t) => t.summary);
  const notes = current.technical_notes.length > 0 ? current.technical_notes : technicalNotes(a);
  const questions = [
    ...new Set([
      ...current.open_questions,
      ...asked,
      ...current.acceptance_criteria.filter(isOpenQuestion),
      ...current.out_of_scope.filter(isOpenQuestion),
    ]),
  ];

  const parts: TicketSections = {
    ...current,
    description,
    scope,
    out_of_scope: current.out_of_scope.filter((c) => !isOpenQuestion(c)),
    acceptance_criteria: criteria,
    technical_notes: notes,
    open_questions: questions,
    notes: {
      ...current.notes,
      acceptance_criteria: isProposal
        ? [PROPOSED_NOTE]
        : (current.notes.acceptance_criteria ?? []).filter((n) => !isProposedNote(n)),
    },
  };
  return {
    summary: truncate(ticket.summary, 255),
    description_markdown: writeTicketDescription(parts),
    acceptance_criteria: criteria,
    technical_notes: notes,
  };
}
