/**
 * Proposes Given/When/Then acceptance criteria for a story or ticket that has none, from the actions,
 * entities and domains found in its text. Proposed criteria are concrete (they name the resource,
 * fields and actor) so reviewers can correct them rather than write them from scratch.
 */
import type { StoryAnalysis } from './analyze-story.js';
import { fixArticles, joinList, pluralize } from './text.js';

/** Up to `max` proposed criteria, most important first. */
export function deriveAcceptanceCriteria(a: StoryAnalysis, title: string, max = 6): string[] {
  const R =
    a.entities.resources[0] ??
    title
      .toLowerCase()
      .match(/[a-z]+/g)
      ?.slice(-1)[0] ??
    'item';
  const Rs = pluralize(R);
  const actor = a.entities.actors[0] ?? 'user';
  const inputs = a.entities.fields.filter((f) => !/^(?:total|subtotal|balance|tax|vat)$/.test(f));
  const fields = joinList(inputs.slice(0, 4));
  const who = `a signed-in ${actor}`;
  const has = (x: string) => (a.actions as string[]).includes(x);
  const out: string[] = [];

  if (has('create')) {
    out.push(
      `Given ${who}, when they create a ${R}${fields ? ` with valid ${fields}` : ''}, then the ${R} is saved and appears in their list of ${Rs}`,
    );
  }
  if (has('create') || has('update')) {
    out.push(
      `Given ${who}, when they submit a ${R} with ${fields ? `a missing or invalid ${inputs[0]}` : 'missing required information'}, then it is refused with a message for each invalid field and nothing is saved`,
    );
  }
  if (has('update'))
    out.push(
      `Given an existing ${R}, when the ${actor} changes it and saves, then the new values are shown and the change is recorded with who and when`,
    );
  if (has('list') || has('search')) {
    const by = a.text.match(
      /\b(?:filter(?:ed|s)?|sort(?:ed)?|search(?:ed)?)\s+by\s+([a-z ]+?)(?:[.,;\n]|$)/i,
    )?.[1];
    out.push(
      by
        ? `Given several ${Rs}, when the ${actor} filters by ${by.trim()}, then only matching ${Rs} are shown, paginated`
        : `Given several ${Rs}, when the ${actor} opens the ${R} list, then their ${Rs} are shown newest first, paginated, with an empty state when there are none`,
    );
  }
  if (has('view'))
    out.push(
      `Given an existing ${R}, when the ${actor} opens it, then its details${fields ? ` (${fields})` : ''} are shown`,
    );
  if (has('delete'))
    out.push(
      `Given an existing ${R}, when the ${actor} deletes it and confirms, then it no longer appears in lists and its history is kept`,
    );
  if (has('send') || has('notify')) {
    const to =
      a.text.match(
        /\b(?:to|notify)\s+(?:the\s+)?(customer|client|patient|user|approver|manager|owner)\b/i,
      )?.[1] ?? 'recipient';
    out.push(
      `Given a ${R} ready to send, when it is sent, then the ${to} receives exactly one message naming the ${R} with a link to it`,
    );
  }
  if (has('approve'))
    out.push(
      `Given a ${R} awaiting approval, when an approver approves or rejects it, then its status changes accordingly and the requester is informed`,
    );
  if (has('cancel'))
    out.push(
      `Given a ${R} that is already final, when someone tries to cancel it, then the action is refused with the reason`,
    );
  if (has('calculate'))
    out.push(
      `Given a ${R} with several lines, when its totals are calculated, then they are exact to the currency's minor unit and match a worked example`,
    );
  if (has('export'))
    out.push(
      `Given ${Rs} matching the current filters, when the ${actor} exports them, then a CSV with one row per ${R} and a header row is downloaded`,
    );
  if (has('import'))
    out.push(
      `Given a CSV file with one invalid row, when the ${actor} imports it, then nothing is imported and the invalid row is reported by number`,
    );
  if (has('schedule'))
    out.push(
      `Given a ${R} that becomes due, when the scheduled run happens, then it is processed exactly once`,
    );
  if (has('pay'))
    out.push(
      `Given an unpaid ${R}, when payment succeeds, then the ${R} is marked paid; when it fails, it stays unpaid and the ${actor} can retry`,
    );
  for (const vendor of a.entities.integrations.slice(0, 1)) {
    out.push(
      `Given ${vendor} is unavailable, when the ${R} flow calls it, then the ${actor} sees a retryable error and no duplicate is created`,
    );
  }
  if (a.domains.includes('security') || /\bonly\b/i.test(a.text)) {
    out.push(
      `Given a user without permission, when they try to access a ${R}, then access is denied and nothing changes`,
    );
  }
  if (a.domains.includes('healthcare'))
    out.push(`Given any access to ${R} patient data, when it happens, then it is written to the audit log`);
  if (out.length === 0) {
    out.push(
      `Given ${who}, when they ${title.replace(/^\s*(?:as an? [^,]+,\s*)?(?:i want to\s+)?/i, '').toLowerCase()}, then the outcome described in the ticket is visible to them`,
    );
    out.push(
      `Given the action fails, when the ${actor} tries again, then they see a clear error and no partial change remains`,
    );
  }
  return out.slice(0, max).map(fixArticles);
}
