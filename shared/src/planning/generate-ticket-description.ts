/**
 * Rule-based ticket description (POST /generate/single without an LLM): turns a summary and whatever
 * description exists into context, scope, acceptance criteria (Given/When/Then where the wording
 * allows) and technical notes.
 */
import { analyzeStory, type StoryAnalysis } from './analyze-story.js';
import { toGivenWhenThen } from './criteria.js';
import { deriveAcceptanceCriteria } from './derive-criteria.js';
import { generateTeamTasks } from './generate-team-tasks.js';
import type { TicketDescription } from './schemas.js';
import { joinList, stripListMarker, truncate } from './text.js';

export interface TicketInput {
  summary: string;
  description?: string;
  key?: string;
  /** Extra text (linked pages, comments) that informs scope and notes but is not quoted. */
  additional_context?: string;
}

interface ParsedDescription {
  prose: string[];
  criteria: string[];
  outOfScope: string[];
  questions: string[];
}

const AC_HEADING =
  /^(?:#{1,6}\s*|h[1-6]\.\s*|\*{1,2})?\s*(?:acceptance criteria|ac|definition of done|dod)\s*:?\s*\**\s*$/i;
const OUT_HEADING =
  /^(?:#{1,6}\s*|h[1-6]\.\s*|\*{1,2})?\s*(?:out of scope|non[- ]goals?|not included)\s*:?\s*\**\s*$/i;
const ANY_HEADING = /^(?:#{1,6}\s+.+|h[1-6]\.\s+.+|\*\*[^*]+\*\*:?|[A-Z][A-Za-z /&-]{2,40}:)\s*$/;
const BULLET = /^\s*(?:[-*•+]|\d+[.)]|\[[ xX]\])\s+/;

/** Splits an existing description into prose, acceptance criteria, out-of-scope items and questions. */
export function parseTicketDescription(description: string): ParsedDescription {
  const out: ParsedDescription = { prose: [], criteria: [], outOfScope: [], questions: [] };
  let mode: 'prose' | 'ac' | 'out' = 'prose';
  const lines = description.replace(/\r\n?/g, '\n').split('\n');
  let scenario: string[] = [];
  const flushScenario = () => {
    if (scenario.length > 0) out.criteria.push(scenario.join(', '));
    scenario = [];
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      flushScenario();
      continue;
    }
    if (AC_HEADING.test(line)) {
      flushScenario();
      mode = 'ac';
      continue;
    }
    if (OUT_HEADING.test(line)) {
      flushScenario();
      mode = 'out';
      continue;
    }
    if (ANY_HEADING.test(line) && !BULLET.test(line)) {
      flushScenario();
      mode = 'prose';
      continue;
    }
    const text = stripListMarker(line)
      .replace(/^\*\*|\*\*$/g, '')
      .trim();
    // Given/When/Then written over several lines form one criterion.
    if (/^(?:given|when|then|and|but)\b/i.test(text)) {
      if (/^given\b/i.test(text)) flushScenario();
      scenario.push(text.replace(/^and\b/i, 'and').replace(/[.]$/, ''));
      continue;
    }
    flushScenario();
    if (/\b(?:tbd|tbc|to be decided)\b|\?\s*$/i.test(text)) {
      out.questions.push(text);
      continue;
    }
    if (mode === 'ac') out.criteria.push(text);
    else if (mode === 'out') out.outOfScope.push(text);
    else out.prose.push(text);
  }
  flushScenario();
  return out;
}

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
 * concrete criteria are proposed and marked as such. Scope lists the work the team-based generator
 * would create, so the description and the tasks agree.
 */
export function generateTicketDescription(ticket: TicketInput): TicketDescription {
  const parsed = parseTicketDescription(ticket.description ?? '');
  const story = {
    title: ticket.summary,
    // Questions and out-of-scope items are not work to plan.
    description: [...parsed.prose, ticket.additional_context ?? ''].join('\n'),
    acceptance_criteria: parsed.criteria,
  };
  const a = analyzeStory(story);
  const actor = a.entities.actors[0];
  const existing = parsed.criteria.map((c) => toGivenWhenThen(c, actor));
  const proposed = existing.length === 0 ? deriveAcceptanceCriteria(a, ticket.summary) : [];
  const criteria = existing.length > 0 ? existing : proposed;

  const plan = generateTeamTasks(
    { ...story, acceptance_criteria: criteria },
    { include_tests: false, max_task_cycle_days: 30 },
  );
  const scope = plan.tasks.filter((t) => t.team !== 'qa').map((t) => t.summary);
  const notes = technicalNotes(a);

  const context = parsed.prose;
  const contextText =
    context.length > 0
      ? truncate(context.join(' '), 1500)
      : `${ticket.summary}.${actor ? ` Requested by the ${actor} role.` : ''}`;

  const md: string[] = ['## Context', contextText, '', '## Scope', ...scope.map((s) => `- ${s}`)];
  if (parsed.outOfScope.length > 0)
    md.push('', '### Out of scope', ...parsed.outOfScope.map((s) => `- ${s}`));
  md.push('', '## Acceptance criteria');
  if (proposed.length > 0) md.push('_Proposed from the summary; please review._');
  md.push(...criteria.map((c) => `- ${c}`));
  if (notes.length > 0) md.push('', '## Technical notes', ...notes.map((n) => `- ${n}`));
  if (parsed.questions.length > 0) md.push('', '## Open questions', ...parsed.questions.map((q) => `- ${q}`));

  return {
    summary: truncate(ticket.summary, 255),
    description_markdown: md.join('\n'),
    acceptance_criteria: criteria,
    technical_notes: notes,
  };
}
