/**
 * Rule-based test case generation. Each acceptance criterion is read for its clauses, category and
 * limits, and gets cases designed for that category (a calculation gets a worked example and a rounding
 * case, a permission rule gets an allowed and a denied role, a limit gets its boundary), then technical
 * context (API, database, UI, microservice) and domain (financial, healthcare, ecommerce, security)
 * cases are added as the coverage level allows.
 */
import type { CoverageLevel } from '../api/requests.js';
import { analyzeCriterion, type CriterionFacts } from './criteria.js';
import { detectDomains, detectTechnicalContexts } from './detect-signals.js';
import { extractEntities } from './extract-entities.js';
import type { Domain, Team, TechnicalContext, TestCase, TestPriority, TestType } from './schemas.js';
import {
  capitalize,
  contentTokens,
  fixArticles,
  joinList,
  lowerFirst,
  pluralize,
  splitSentences,
  truncate,
} from './text.js';

/** Tests per item for each coverage level (FEATURES.md, "Coverage Levels"). */
export const COVERAGE_RANGES: Record<CoverageLevel, { min: number; max: number }> = {
  minimal: { min: 1, max: 2 },
  basic: { min: 2, max: 4 },
  standard: { min: 3, max: 6 },
  comprehensive: { min: 5, max: 10 },
};

/** A story or task to write tests for. */
export interface TestSubject {
  title: string;
  description?: string;
  acceptance_criteria?: readonly string[];
  /** The team of a task; absent for stories. */
  team?: Team;
  /** Technical "done when" checks of a task: tested like criteria but not traced to one. */
  checks?: readonly string[];
}

export interface TestGenerationOptions {
  coverage_level: CoverageLevel;
  /** Detected from the item's text when absent. */
  domains?: readonly Domain[];
  contexts?: readonly TechnicalContext[];
  prd_context?: string;
  rfc_context?: string;
  /** The business noun to name in cases (e.g. the story's "invoice" for its tasks); detected when absent. */
  resource?: string;
  actor?: string;
}

type Kind =
  | 'primary'
  | 'check'
  | 'negative'
  | 'boundary'
  | 'journey'
  | 'context'
  | 'domain'
  | 'nfr'
  | 'fallback';

interface Candidate {
  kind: Kind;
  tc: TestCase;
}

const LEVEL_KINDS: Record<CoverageLevel, ReadonlySet<Kind>> = {
  minimal: new Set(['primary', 'check', 'fallback']),
  basic: new Set(['primary', 'check', 'negative', 'fallback']),
  standard: new Set(['primary', 'check', 'negative', 'boundary', 'journey', 'context', 'domain', 'fallback']),
  comprehensive: new Set([
    'primary',
    'check',
    'negative',
    'boundary',
    'journey',
    'context',
    'domain',
    'nfr',
    'fallback',
  ]),
};

interface Ctx {
  team?: Team;
  resource: string;
  resources: string;
  endpoint?: string;
  fields: string[];
  actor: string;
}

function mk(
  title: string,
  type: TestType,
  description: string,
  steps: string[],
  expected: string,
  covers: string | null,
  priority: TestPriority,
): TestCase {
  return {
    title: truncate(fixArticles(title), 200),
    type,
    description: fixArticles(description),
    steps: steps.map(fixArticles),
    expected_result: fixArticles(expected),
    covers_criterion: covers,
    priority,
  };
}

/** The test type for an implementation-level check, by team. */
function typeFor(ctx: Ctx, flavour: 'main' | 'negative' | 'logic'): TestType {
  switch (ctx.team) {
    case 'frontend':
      return 'ui';
    case 'backend':
    case 'data':
      return flavour === 'logic' ? 'unit' : 'integration';
    case 'infrastructure':
      return 'integration';
    case 'qa':
      return flavour === 'main' ? 'acceptance' : 'e2e';
    default:
      return flavour === 'main' ? 'acceptance' : flavour === 'logic' ? 'integration' : 'acceptance';
  }
}

function invalidExample(f: CriterionFacts, ctx: Ctx): { input: string; field: string } {
  const t = f.text.toLowerCase();
  const field = ctx.fields.find((x) => t.includes(x)) ?? ctx.fields[0] ?? 'value';
  const max = t.match(/\b(?:at most|up to|max(?:imum)?(?: of)?|no more than)\s+(\d+)/);
  if (max) return { input: `${field} set to ${Number(max[1]) + 1} (one over the maximum)`, field };
  const min = t.match(/\b(?:at least|min(?:imum)?(?: of)?)\s+(\d+)/);
  if (min)
    return { input: `${field} set to ${Math.max(0, Number(min[1]) - 1)} (one under the minimum)`, field };
  if (/\bpositive|greater than (?:0|zero)\b/.test(t)) return { input: `${field} of 0 and of -1`, field };
  if (/\bcurrenc/.test(t)) return { input: 'currency "XYZ" (not an ISO 4217 code)', field: 'currency' };
  if (/\be-?mail\b/.test(t)) return { input: 'email "not-an-email"', field: 'email' };
  if (/\bdate\b/.test(t)) return { input: `${field} of 2025-02-30 and a date in the past`, field };
  if (/\bunique|duplicate|already exists\b/.test(t))
    return { input: `a ${field} that already exists`, field };
  if (/\brequired|mandatory|must not be empty|non-?empty\b/.test(t))
    return { input: `${field} left empty`, field };
  return { input: `a missing or malformed ${field}`, field };
}

/** The action that exercises a criterion written without a "when" clause, by category. */
function defaultAction(f: CriterionFacts, ctx: Ctx): string {
  const R = ctx.resource;
  const Rs = ctx.resources;
  switch (f.category) {
    case 'validation':
      return `the ${ctx.actor} submits a ${R}${ctx.endpoint ? ` (${ctx.endpoint})` : ''}`;
    case 'permission': {
      const act = f.text.match(/\b(?:can|may)\s+(.+?)[.]?$/i)?.[1];
      return `the user attempts to ${act ?? `act on a ${R}`}`;
    }
    case 'calculation':
      return `the ${R} figures are computed`;
    case 'notification':
      return `the event that sends the message happens for a ${R}`;
    case 'schedule':
      return 'the scheduled job runs';
    case 'state':
      return `the ${ctx.actor} changes the status of the ${R}`;
    case 'export':
      return `the ${ctx.actor} exports the ${Rs}`;
    case 'search':
      return `the ${ctx.actor} applies the filter or search on the ${R} list`;
    case 'integration':
      return `the external system exchanges ${R} data with us (request or callback)`;
    case 'persistence':
      return `the ${ctx.actor} saves a ${R} and reloads it`;
    case 'display':
      return `the ${ctx.actor} opens the screen showing the ${Rs}`;
    case 'performance':
      return `the ${R} scenario runs at the stated volume`;
    default:
      return `the ${ctx.actor} does what the criterion describes ("${truncate(f.text, 100)}")`;
  }
}

/** Cases designed for one criterion: the main check and the ways it goes wrong or reaches its limits. */
function criterionCases(f: CriterionFacts, ctx: Ctx, first: boolean): Candidate[] {
  const c = f.text;
  const R = ctx.resource;
  const out: Candidate[] = [];
  const given = f.given ?? `a signed-in ${ctx.actor} and an existing ${R}`;
  const when = f.when ?? defaultAction(f, ctx);
  const then = f.outcome ?? c.replace(/\.$/, '');
  const arrange = `Arrange: ${given}`;
  const primaryPriority: TestPriority = first ? 'critical' : 'high';
  const push = (kind: Kind, tc: TestCase) => out.push({ kind, tc });

  switch (f.category) {
    case 'validation': {
      const bad = invalidExample(f, ctx);
      push(
        'primary',
        mk(
          `Accepts valid input: ${f.subject}`,
          typeFor(ctx, 'logic'),
          `Valid values pass the rule "${c}".`,
          [arrange, `Act: ${when} with ${bad.field} inside the allowed range`, `Assert: ${then}`],
          `The ${R} is accepted and ${bad.field} is stored exactly as entered`,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Rejects ${bad.input}`,
          typeFor(ctx, 'negative'),
          `Invalid input is refused with a clear message (${c}).`,
          [
            arrange,
            `Act: ${when} with ${bad.input}`,
            'Assert: the response or form names the invalid field',
            `Assert: no ${R} is created or changed`,
          ],
          `Validation error naming ${bad.field}; nothing is saved`,
          c,
          'high',
        ),
      );
      break;
    }
    case 'permission': {
      const role = c.match(/only (?:the |an? )?([a-z ]+?)s? (?:can|may)\b/i)?.[1]?.toLowerCase() ?? ctx.actor;
      push(
        'primary',
        mk(
          `Permitted role succeeds: ${f.subject}`,
          typeFor(ctx, 'main'),
          `A ${role} is allowed by the rule "${c}".`,
          [`Arrange: sign in as a ${role}`, `Act: ${when}`, `Assert: ${then}`],
          `The ${role} completes the action`,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Other roles are denied: ${f.subject}`,
          'security',
          `Everyone but a ${role} is refused (${c}).`,
          [
            `Arrange: sign in as a user without the ${role} role, and separately as a user of another tenant`,
            `Act: attempt the same action directly${ctx.endpoint ? ` via ${ctx.endpoint}` : ''}`,
            'Assert: the action is refused and no data of the other tenant is revealed',
          ],
          '403 (or 404 for other tenants); nothing changes; the attempt is logged',
          c,
          'high',
        ),
      );
      break;
    }
    case 'calculation': {
      push(
        'primary',
        mk(
          `Worked example: ${f.subject}`,
          typeFor(ctx, 'logic'),
          `Check the arithmetic of "${c}" on a known example.`,
          [
            `Arrange: ${f.given ?? `a ${R} with two lines: 2 x 10.00 and 1 x 5.50, tax rate 20%`}`,
            `Act: ${f.when ?? `compute the ${R} figures`}`,
            'Assert: subtotal 25.50, tax 5.10, total 30.60',
          ],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'boundary',
        mk(
          `Rounding and empty input: ${f.subject}`,
          'unit',
          `Rounding to the currency's minor unit and the zero case (${c}).`,
          [
            `Arrange: a ${R} whose tax is 10.005 and one with no lines`,
            `Act: ${f.when ?? 'compute the figures'}`,
            'Assert: 10.005 rounds to 10.00 (half-even) and the empty one totals 0.00',
          ],
          'Amounts are rounded once, at the end, to 2 decimals; empty input gives 0.00',
          c,
          'medium',
        ),
      );
      break;
    }
    case 'notification': {
      push(
        'primary',
        mk(
          `Message is sent: ${f.subject}`,
          typeFor(ctx, 'main'),
          `The notification of "${c}" reaches the right person.`,
          [
            arrange,
            `Act: ${when}`,
            'Assert: exactly one message is queued to the intended recipient',
            `Assert: it names the ${R} and contains a working link`,
          ],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Delivery failure and retry: ${f.subject}`,
          'integration',
          `A failing mail/SMS provider must not lose or duplicate the message (${c}).`,
          [
            arrange,
            'Arrange: make the provider fail the first attempt',
            `Act: ${when}`,
            'Assert: the send is retried and the recipient gets one message, not two',
          ],
          'One message after retry; the failure is logged without personal data',
          c,
          'high',
        ),
      );
      break;
    }
    case 'schedule': {
      const limit = f.limits[0] ?? 'the configured period';
      push(
        'primary',
        mk(
          `Triggers on schedule: ${f.subject}`,
          typeFor(ctx, 'logic'),
          `The time-based rule "${c}" fires when due.`,
          [arrange, `Act: advance the clock to exactly ${limit}`, `Assert: ${then}`],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'boundary',
        mk(
          `Not before time: ${f.subject}`,
          'unit',
          `One unit before ${limit} nothing happens, and a second run does not repeat it (${c}).`,
          [
            arrange,
            `Act: advance the clock to just before ${limit}; run the job`,
            'Assert: nothing is triggered',
            'Act: advance past the limit and run the job twice',
            'Assert: the effect happens once',
          ],
          'No early trigger; the job is idempotent',
          c,
          'medium',
        ),
      );
      break;
    }
    case 'state': {
      push(
        'primary',
        mk(
          `Allowed transition: ${f.subject}`,
          typeFor(ctx, 'logic'),
          `The status change of "${c}".`,
          [arrange, `Act: ${when}`, `Assert: ${then}`, 'Assert: the change is recorded with who and when'],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Disallowed transition is refused: ${f.subject}`,
          typeFor(ctx, 'negative'),
          `Transitions outside the allowed path are refused (${c}).`,
          [
            `Arrange: a ${R} in a final state (e.g. cancelled or paid)`,
            `Act: ${when}`,
            'Assert: the request is refused with a message about the current status',
          ],
          `The ${R} keeps its status; 409 or a clear error is returned`,
          c,
          'high',
        ),
      );
      break;
    }
    case 'export': {
      push(
        'primary',
        mk(
          `Export content: ${f.subject}`,
          typeFor(ctx, 'main'),
          `The exported file of "${c}" holds the right rows and columns.`,
          [
            `Arrange: three ${ctx.resources} with known values, one with a comma and non-ASCII characters in a text field`,
            `Act: ${when}`,
            'Assert: one row per record, header row present, values escaped and UTF-8 encoded',
          ],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'boundary',
        mk(
          `Large and empty exports: ${f.subject}`,
          'performance',
          `Exports at the size limits (${c}).`,
          [
            `Act: export with no matching ${ctx.resources}`,
            'Assert: a file with only the header (or a clear "nothing to export" message)',
            `Act: export 50,000 ${ctx.resources}`,
            'Assert: completes without timing out, streamed rather than built in memory',
          ],
          'Empty export is valid; large export completes',
          c,
          'medium',
        ),
      );
      break;
    }
    case 'search': {
      push(
        'primary',
        mk(
          `Matching results: ${f.subject}`,
          typeFor(ctx, 'main'),
          `Search/filter behaviour of "${c}".`,
          [
            `Arrange: ${ctx.resources} that match and do not match the criteria`,
            `Act: ${when}`,
            'Assert: only matching items are returned, in the stated order',
          ],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `No matches and special characters: ${f.subject}`,
          typeFor(ctx, 'negative'),
          `Edge inputs for the search of "${c}".`,
          [
            'Act: search for a term with no matches, then for "%_\'" and a 300-character term',
            'Assert: an empty state is shown; special characters are treated literally; no error',
          ],
          'Empty result handled; input is escaped',
          c,
          'medium',
        ),
      );
      break;
    }
    case 'integration': {
      push(
        'primary',
        mk(
          `External system in sync: ${f.subject}`,
          'integration',
          `The exchange with the external system in "${c}".`,
          [arrange, `Act: ${when} against the provider's sandbox`, `Assert: ${then}`],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Provider unavailable or replays: ${f.subject}`,
          'integration',
          `Timeouts and duplicate callbacks (${c}).`,
          [
            'Arrange: make the provider time out, then deliver the same callback twice',
            `Act: ${when}`,
            'Assert: the call is retried with backoff and the duplicate callback changes nothing',
          ],
          'No lost or double-applied update; a clear error after the last retry',
          c,
          'high',
        ),
      );
      break;
    }
    case 'persistence': {
      push(
        'primary',
        mk(
          `Stored and read back: ${f.subject}`,
          typeFor(ctx, 'main'),
          `Data of "${c}" survives a reload.`,
          [arrange, `Act: ${when}`, `Assert: ${then}`, `Assert: reloading the ${R} shows the same values`],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `No partial write on failure: ${f.subject}`,
          'integration',
          `A failure mid-way leaves no half-saved data (${c}).`,
          [
            arrange,
            'Arrange: make the second write of the operation fail',
            `Act: ${when}`,
            `Assert: no ${R} (or part of it) is stored and the user sees an error`,
          ],
          'All-or-nothing write',
          c,
          'high',
        ),
      );
      break;
    }
    case 'performance': {
      const limit = f.limits[0] ?? 'the agreed budget';
      push(
        'primary',
        mk(
          `Meets ${limit}: ${f.subject}`,
          'performance',
          `Measure "${c}" at expected peak load.`,
          [
            `Arrange: production-like data volume of ${ctx.resources}`,
            `Act: run the scenario at peak load for 10 minutes${ctx.endpoint ? ` against ${ctx.endpoint}` : ''}`,
            `Assert: p95 within ${limit}, no errors`,
          ],
          then,
          c,
          primaryPriority,
        ),
      );
      break;
    }
    case 'display': {
      push(
        'primary',
        mk(
          `Shows the right data: ${f.subject}`,
          typeFor(ctx, 'main'),
          `What "${c}" puts on screen.`,
          [arrange, `Act: ${when}`, `Assert: ${then}`],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Empty, loading and error states: ${f.subject}`,
          ctx.team === 'backend' ? 'integration' : 'ui',
          `The same view with nothing to show, slow data and a failed load (${c}).`,
          [
            `Arrange: no ${ctx.resources}; then a slow response; then a failing one`,
            `Act: ${when}`,
            'Assert: an empty-state message, a loading indicator, then a retryable error',
          ],
          'Each state is explained to the user; nothing breaks',
          c,
          'medium',
        ),
      );
      break;
    }
    default: {
      push(
        'primary',
        mk(
          `Happy path: ${f.subject}`,
          typeFor(ctx, 'main'),
          `The behaviour described by "${c}".`,
          [arrange, `Act: ${when}`, `Assert: ${then}`],
          then,
          c,
          primaryPriority,
        ),
      );
      push(
        'negative',
        mk(
          `Refused when preconditions fail: ${f.subject}`,
          typeFor(ctx, 'negative'),
          `The same action without its preconditions (${c}).`,
          [
            `Arrange: the ${R} does not exist, or the ${ctx.actor} lacks access`,
            `Act: ${when}`,
            'Assert: a clear error and no side effects',
          ],
          'A clear error; nothing changes',
          c,
          'high',
        ),
      );
    }
  }
  if (ctx.team === 'frontend') {
    // The screen's side of a server-side rule: what the user sees when the server says no or fails.
    for (let i = 0; i < out.length; i++) {
      const cand = out[i]!;
      if (cand.tc.type === 'performance' || cand.tc.type === 'security') continue;
      if (cand.kind === 'primary') {
        out[i] = { kind: cand.kind, tc: { ...cand.tc, type: 'ui' } };
      } else if (cand.tc.type !== 'ui' && f.category !== 'validation') {
        out[i] = {
          kind: cand.kind,
          tc: mk(
            `Server refusal or failure shown in the UI: ${f.subject}`,
            'ui',
            `How the screen behaves when the server rejects or fails the action of "${c}".`,
            [
              arrange,
              'Arrange: make the API answer 400 with field errors, then 500',
              `Act: ${when}`,
              "Assert: field errors appear next to the inputs, the user's input is kept, and a retry is possible after the 500",
            ],
            'No lost input; every error is explained',
            c,
            'high',
          ),
        };
      } else {
        out[i] = { kind: cand.kind, tc: { ...cand.tc, type: 'ui' } };
      }
    }
  }
  // Limits named in the criterion deserve a boundary case of their own.
  if (f.limits.length > 0 && f.category !== 'schedule' && f.category !== 'performance') {
    const limit = f.limits[0]!;
    push(
      'boundary',
      mk(
        `Boundary at ${limit}: ${f.subject}`,
        typeFor(ctx, 'logic'),
        `Values at, just under and just over ${limit} (${c}).`,
        [
          arrange,
          `Act: ${when} with the value exactly at ${limit}, then one step under, then one step over`,
          'Assert: at and under the limit pass; over the limit is refused with a message',
        ],
        `The limit ${limit} is inclusive and enforced`,
        c,
        'medium',
      ),
    );
  }
  return out;
}

function bestCriterion(criteria: readonly string[], words: string): string | null {
  if (criteria.length === 0) return null;
  const want = new Set(contentTokens(words));
  let best: string | null = null;
  let bestScore = 0;
  for (const c of criteria) {
    const toks = contentTokens(c);
    let hit = 0;
    for (const t of toks) if (want.has(t)) hit++;
    if (hit > bestScore) {
      bestScore = hit;
      best = c;
    }
  }
  return best;
}

function contextCases(context: TechnicalContext, ctx: Ctx, criteria: readonly string[]): Candidate[] {
  const R = ctx.resource;
  const ep = ctx.endpoint;
  const link = (words: string) => bestCriterion(criteria, words);
  const type = (t: TestType) => t;
  switch (context) {
    case 'api':
      return [
        {
          kind: 'context',
          tc: mk(
            `${ep ?? `${R} API`} returns 400 with field errors for an invalid body`,
            type('integration'),
            'Request validation and error contract of the API.',
            [
              `Act: call ${ep ?? `the ${R} API`} with a wrong type, a missing required field and an unknown field`,
              'Assert: 400 with one error entry per field, machine-readable codes, no stack trace',
            ],
            '400 with a field-by-field error list',
            link('invalid valid required error reject'),
            'high',
          ),
        },
        {
          kind: 'context',
          tc: mk(
            `${ep ?? `${R} API`} status codes for unknown, unauthenticated and conflicting requests`,
            type('integration'),
            'The non-happy status codes of the endpoint.',
            [
              `Act: request a ${R} id that does not exist`,
              'Assert: 404',
              'Act: repeat without credentials',
              'Assert: 401',
              'Act: send a conflicting update (stale version)',
              'Assert: 409',
            ],
            '404, 401 and 409 as documented',
            link('not found unauthorized conflict'),
            'medium',
          ),
        },
      ];
    case 'database':
      return [
        {
          kind: 'context',
          tc: mk(
            `${capitalize(R)} writes are atomic: a failure rolls back the whole transaction`,
            'integration',
            'Transaction boundaries of the write path.',
            [
              `Arrange: inject a failure after the ${R} row is written but before its related rows`,
              `Act: save the ${R}`,
              `Assert: neither the ${R} nor its related rows exist afterwards`,
            ],
            'No partial data after a failed save',
            link('saved stored created persist'),
            'high',
          ),
        },
        {
          kind: 'context',
          tc: mk(
            `Constraints keep ${R} data consistent under concurrent updates`,
            'integration',
            'Integrity constraints and lost-update protection.',
            [
              `Act: insert a ${R} that references a missing parent, and one that duplicates a unique key`,
              'Assert: both are refused by the database',
              `Act: update the same ${R} from two sessions at once`,
              'Assert: the second update is rejected or merged, never silently lost',
            ],
            'Foreign-key/unique violations refused; no lost update',
            link('unique duplicate update'),
            'medium',
          ),
        },
      ];
    case 'ui':
      return [
        {
          kind: 'context',
          tc: mk(
            `${capitalize(R)} screen is usable with keyboard only and a screen reader`,
            'ui',
            'Accessibility to WCAG 2.1 AA.',
            [
              'Act: complete the flow using Tab, Shift+Tab, Enter and Escape only',
              'Assert: focus order follows the layout and is always visible',
              'Act: repeat with a screen reader',
              'Assert: every input has a label; errors are announced',
            ],
            'Flow completes without a mouse; no axe-core violations',
            link('form page screen show display'),
            'medium',
          ),
        },
        {
          kind: 'context',
          tc: mk(
            `${capitalize(R)} screen works on a 320 px wide viewport and current browsers`,
            'ui',
            'Responsive layout and browser compatibility.',
            [
              'Act: open the screen at 320 px, 768 px and 1440 px widths in Chrome, Firefox and Safari',
              'Assert: no horizontal scrolling, no overlapping controls, primary action reachable',
            ],
            'Layout adapts at every width in every browser',
            link('page screen view list'),
            'low',
          ),
        },
      ];
    case 'microservice':
      return [
        {
          kind: 'context',
          tc: mk(
            `Downstream timeout while handling ${R}: retried with backoff, then a clear error`,
            'integration',
            'Fault tolerance of service-to-service calls.',
            [
              'Arrange: make the downstream service answer after the client timeout',
              `Act: trigger the ${R} operation`,
              'Assert: bounded retries with backoff, then a clear error; the circuit opens after repeated failures',
            ],
            'No hang; failure surfaces within the timeout budget',
            link('sync service external'),
            'high',
          ),
        },
        {
          kind: 'context',
          tc: mk(
            `Duplicate ${R} event is processed once`,
            'integration',
            'Idempotent message handling in a distributed flow.',
            [
              `Act: publish the same ${R} event twice, and out of order with a later event`,
              'Assert: the effect is applied once and the final state reflects the latest event',
            ],
            'At-least-once delivery does not double-apply',
            link('event message sync'),
            'medium',
          ),
        },
      ];
  }
}

function domainCases(domain: Domain, ctx: Ctx, criteria: readonly string[]): Candidate[] {
  const R = ctx.resource;
  const link = (words: string) => bestCriterion(criteria, words);
  switch (domain) {
    case 'financial':
      return [
        {
          kind: 'domain',
          tc: mk(
            `${capitalize(R)} amounts round to the currency's minor unit`,
            'unit',
            'Money handling: rounding and currency precision.',
            [
              `Act: compute ${R} amounts of 10.005 EUR, 0.015 USD and 1,000 JPY`,
              'Assert: 10.00 EUR and 0.02 USD (half-even), 1000 JPY (no decimals); no binary floating point anywhere',
            ],
            'Amounts stored as integer minor units and rounded once',
            link('amount total currency round'),
            'high',
          ),
        },
        {
          kind: 'domain',
          tc: mk(
            `Every ${R} change leaves an audit trail entry`,
            'integration',
            'Financial audit trail: who changed what and when.',
            [
              `Act: create, edit and cancel a ${R}`,
              'Assert: three audit entries with user, timestamp, action and before/after values; entries cannot be edited',
            ],
            'Complete, append-only audit trail',
            link('audit history change record'),
            'high',
          ),
        },
        {
          kind: 'domain',
          tc: mk(
            `Mixed currencies on one ${R} are refused`,
            'unit',
            'Amounts in different currencies are never summed.',
            [
              `Act: add lines in EUR and USD to the same ${R}`,
              'Assert: the second line is refused with a currency mismatch error',
            ],
            'No silent currency mixing',
            link('currency'),
            'medium',
          ),
        },
      ];
    case 'healthcare':
      return [
        {
          kind: 'domain',
          tc: mk(
            `PHI in ${R} is hidden from roles without clinical access`,
            'security',
            'HIPAA minimum-necessary access to patient data.',
            [
              `Act: open the ${R} as a clinician, as billing staff and as another patient`,
              'Assert: only the clinician sees clinical fields; the others see masked or no data',
            ],
            'PHI visible only to authorized roles',
            link('patient access view'),
            'critical',
          ),
        },
        {
          kind: 'domain',
          tc: mk(
            `Every read and change of ${R} PHI is written to the HIPAA audit log`,
            'security',
            'Access audit for protected health information.',
            [
              `Act: view and update a ${R}`,
              'Assert: audit entries record user, patient, fields touched, time and purpose',
            ],
            'All PHI access is auditable',
            link('audit record access'),
            'high',
          ),
        },
        {
          kind: 'domain',
          tc: mk(
            `${capitalize(R)} PHI never appears in logs, URLs or error messages`,
            'security',
            'No PHI leaks through side channels.',
            [
              'Act: trigger a validation error and a server error on a record with PHI',
              'Assert: logs, URLs and error bodies contain ids only, no names, dates of birth or diagnoses',
            ],
            'No PHI outside the protected store',
            null,
            'high',
          ),
        },
      ];
    case 'ecommerce':
      return [
        {
          kind: 'domain',
          tc: mk(
            `Payment failure leaves the ${R} unpaid and releases reserved stock`,
            'integration',
            'Payment and inventory stay consistent on failure.',
            [
              'Arrange: a card that the payment provider declines',
              `Act: check out the ${R}`,
              'Assert: no charge, status unpaid, reserved stock returned, user can retry',
            ],
            'Consistent order, payment and stock state',
            link('payment pay checkout order'),
            'critical',
          ),
        },
        {
          kind: 'domain',
          tc: mk(
            'Two buyers cannot both purchase the last unit in stock',
            'integration',
            'Inventory under concurrent checkout.',
            [
              'Arrange: stock level 1',
              'Act: check out from two sessions at the same moment',
              'Assert: exactly one succeeds; the other is told the item is out of stock',
            ],
            'No overselling',
            link('stock inventory quantity'),
            'high',
          ),
        },
      ];
    case 'security':
      return [
        {
          kind: 'domain',
          tc: mk(
            `${capitalize(R)} access without valid authentication is refused`,
            'security',
            'Authentication is enforced on every entry point.',
            [
              `Act: call each ${R} operation without a token, with an expired token and with a forged signature`,
              'Assert: 401 every time; no data in the response body',
            ],
            'Unauthenticated access impossible',
            link('login sign authenticated token'),
            'critical',
          ),
        },
        {
          kind: 'domain',
          tc: mk(
            `A user cannot read or change another user's ${R}`,
            'security',
            'Object-level authorization (no IDOR).',
            [
              `Act: as user A, request user B's ${R} by id, and modify it`,
              "Assert: 403 or 404, and B's data is unchanged",
            ],
            'Authorization checked per object',
            link('only own permission role access'),
            'critical',
          ),
        },
      ];
  }
}

function nfrCases(ctx: Ctx, criteria: readonly string[], perfTarget: string | undefined): Candidate[] {
  const R = ctx.resource;
  return [
    {
      kind: 'nfr',
      tc: mk(
        `${ctx.endpoint ?? `${capitalize(R)} flow`} stays within ${perfTarget ?? 'its latency budget'} at peak load`,
        'performance',
        'Load test at the expected peak, then twice that.',
        [
          `Arrange: production-like volume of ${ctx.resources}`,
          `Act: drive ${ctx.endpoint ?? `the ${R} flow`} at peak and 2x peak for 10 minutes each`,
          `Assert: p95 within ${perfTarget ?? 'budget'} at peak, error rate under 0.1%, graceful degradation at 2x`,
        ],
        'Latency and error budgets met',
        bestCriterion(criteria, 'fast within seconds load performance'),
        'medium',
      ),
    },
    {
      kind: 'nfr',
      tc: mk(
        `Injection and tampering attempts on ${R} input are neutralised`,
        'security',
        'Input handling against injection (OWASP A03).',
        [
          `Act: submit ${R} fields containing SQL ("' OR 1=1 --"), script ("<script>") and oversized payloads`,
          'Assert: stored and shown literally or refused; no query or script executes',
        ],
        'No injection possible',
        bestCriterion(criteria, 'input field text description'),
        'high',
      ),
    },
  ];
}

function fallbackCases(item: TestSubject, ctx: Ctx): Candidate[] {
  const what = lowerFirst(truncate(item.title, 120));
  const R = ctx.resource;
  return [
    {
      kind: 'fallback',
      tc: mk(
        `Happy path: ${what}`,
        typeFor(ctx, 'main'),
        `The main flow of "${item.title}" with valid data.`,
        [
          `Arrange: a signed-in ${ctx.actor} and valid ${R} data`,
          `Act: ${what}`,
          'Assert: the outcome matches the ticket description',
        ],
        `The ${R} ends up in the described state`,
        null,
        'high',
      ),
    },
    {
      kind: 'fallback',
      tc: mk(
        `Error handling: ${what}`,
        typeFor(ctx, 'negative'),
        'The same flow with invalid data and a failing dependency.',
        [
          `Act: ${what} with invalid ${R} data`,
          'Assert: a clear, actionable error and no side effects',
          'Act: repeat while a dependency is unavailable',
          'Assert: the failure is reported and can be retried',
        ],
        'Errors are explained; no partial changes',
        null,
        'medium',
      ),
    },
    {
      kind: 'fallback',
      tc: mk(
        `Regression: existing ${R} behaviour is unchanged`,
        'integration',
        'Nearby behaviour keeps working after the change.',
        [
          `Act: run the existing ${R} scenarios (create, read, update) after the change`,
          'Assert: same results as before the change',
        ],
        'No regressions',
        null,
        'low',
      ),
    },
  ];
}

function checkCases(checks: readonly string[], ctx: Ctx): Candidate[] {
  return checks.map((check, i) => ({
    kind: 'check' as const,
    tc: mk(
      `Check: ${truncate(check.replace(/\.$/, ''), 150)}`,
      typeFor(ctx, i === 0 ? 'main' : 'logic'),
      `Technical done-criterion of the task: ${check}`,
      [
        `Arrange: an environment with the change deployed and ${ctx.resources} seeded as fixtures`,
        `Act: run the scenario the check names (${truncate(lowerFirst(check), 100)})`,
        `Assert: ${check.replace(/\.$/, '')}`,
        'Assert: no errors in the service logs',
      ],
      check.replace(/\.$/, ''),
      null,
      i === 0 ? 'high' : 'medium',
    ),
  }));
}

/** Requirement sentences of a PRD that speak about the item's resources. */
function prdCases(prd: string, ctx: Ctx, titleTokens: ReadonlySet<string>): Candidate[] {
  const out: Candidate[] = [];
  for (const sentence of splitSentences(prd)) {
    if (!/\b(?:must|should|shall|needs? to|required)\b/i.test(sentence) || sentence.length > 300) continue;
    const toks = contentTokens(sentence);
    const overlap = toks.filter((t) => titleTokens.has(t)).length;
    if (overlap < 2) continue;
    out.push({
      kind: 'context',
      tc: mk(
        `PRD requirement: ${truncate(sentence.replace(/\.$/, ''), 140)}`,
        typeFor(ctx, 'main'),
        `From the PRD: "${sentence}"`,
        [
          `Arrange: a signed-in ${ctx.actor} and a ${ctx.resource} as the PRD describes`,
          `Act: exercise the requirement`,
          `Assert: ${sentence.replace(/\.$/, '')}`,
        ],
        sentence.replace(/\.$/, ''),
        null,
        'medium',
      ),
    });
    if (out.length >= 3) break;
  }
  return out;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/**
 * Test cases for a story or task at a coverage level, within the spec's counts per item
 * (minimal 1-2, basic 2-4, standard 3-6, comprehensive 5-10). Each case names the acceptance
 * criterion it verifies (`covers_criterion`, verbatim) or null for technical cases.
 */
export function generateTestCases(item: TestSubject, opts: TestGenerationOptions): TestCase[] {
  const criteria = (item.acceptance_criteria ?? []).map((c) => c.trim()).filter(Boolean);
  const text = [item.title, item.description ?? '', ...criteria, ...(item.checks ?? [])].join('\n');
  const entities = extractEntities(text);
  const rfcEntities = opts.rfc_context ? extractEntities(opts.rfc_context) : undefined;
  const resource = opts.resource ?? entities.resources[0] ?? fallbackResource(item.title);
  const rfcEndpoint = rfcEntities?.endpoints.find((e) =>
    e.toLowerCase().includes(pluralize(resource).replace(/ /g, '-')),
  );
  const ctx: Ctx = {
    resource,
    resources: pluralize(resource),
    fields: entities.fields,
    actor: opts.actor ?? entities.actors[0] ?? 'user',
  };
  if (item.team) ctx.team = item.team;
  const endpoint = entities.endpoints[0] ?? rfcEndpoint;
  if (endpoint) ctx.endpoint = endpoint;
  const domains = opts.domains ?? detectDomains(text).domains;
  const contexts = opts.contexts ?? detectTechnicalContexts(text).contexts;
  const level = opts.coverage_level;
  const allowed = LEVEL_KINDS[level];
  const range = COVERAGE_RANGES[level];

  const facts = criteria.map((c) => analyzeCriterion(c));
  const perCriterion = facts.map((f, i) => criterionCases(f, ctx, i === 0));
  const perfTarget = facts.flatMap((f) => (f.category === 'performance' ? f.limits : []))[0];

  // Within a domain or context, the cases closest to what the item is about come first.
  const itemTokens = new Set(contentTokens(text));
  const stemmedResource = contentTokens(resource)[0];
  const byRelevance = (list: Candidate[]) =>
    list
      .map((cand, i) => ({
        cand,
        i,
        score: contentTokens(cand.tc.title).filter((t) => itemTokens.has(t)).length,
      }))
      .sort((x, y) => y.score - x.score || x.i - y.i)
      .map((x) => x.cand);
  const ctxLists = contexts.map((c) => byRelevance(contextCases(c, ctx, criteria)));
  // A task only gets the domain cases that touch what it builds, one per domain below comprehensive.
  const domLists = domains.map((d) => {
    const ranked = byRelevance(domainCases(d, ctx, criteria));
    if (!item.team) return ranked;
    const relevant = ranked.filter((cand) =>
      contentTokens(cand.tc.title).some((t) => itemTokens.has(t) && t !== stemmedResource),
    );
    return level === 'comprehensive' ? relevant : relevant.slice(0, 1);
  });
  const nfr = nfrCases(ctx, criteria, perfTarget);

  // Priority order: every criterion's main case and the task's checks first; then one case per
  // domain and context (and, at comprehensive, performance and security) so that they are not crowded
  // out by many criteria; then each criterion's further cases; then the rest.
  const pool: Candidate[] = [];
  for (const cases of perCriterion) if (cases[0]) pool.push(cases[0]);
  pool.push(...checkCases(item.checks ?? [], ctx));
  const prd = opts.prd_context ? prdCases(opts.prd_context, ctx, new Set(contentTokens(text))) : [];
  if (prd[0]) pool.push(prd[0]);
  for (const l of [...domLists, ...ctxLists]) if (l[0]) pool.push(l[0]);
  if (level === 'comprehensive') pool.push(...nfr);
  for (let round = 1; round < 3; round++)
    for (const cases of perCriterion) if (cases[round]) pool.push(cases[round]!);
  if (!item.team && facts.length >= 2) pool.push(journeyCase(facts, ctx));
  for (let round = 1; round < 3; round++)
    for (const l of [...domLists, ...ctxLists]) if (l[round]) pool.push(l[round]!);
  pool.push(...prd.slice(1));
  if (level !== 'comprehensive') pool.push(...nfr);
  pool.push(...fallbackCases(item, ctx));

  const n = criteria.length + (item.checks?.length ?? 0);
  const extra = contexts.length + domains.length;
  const target =
    level === 'minimal'
      ? clamp(n, range.min, range.max)
      : level === 'basic'
        ? clamp(n + 1, range.min, range.max)
        : level === 'standard'
          ? clamp(n + 1 + Math.min(2, extra), range.min, range.max)
          : clamp(2 * n + 2 * extra + 2, range.min, range.max);

  const chosen: TestCase[] = [];
  const titles = new Set<string>();
  const take = (cand: Candidate) => {
    const key = cand.tc.title.toLowerCase();
    if (titles.has(key) || chosen.length >= target) return;
    titles.add(key);
    chosen.push(annotate(cand.tc, opts));
  };
  for (const cand of pool) if (allowed.has(cand.kind) && cand.kind !== 'fallback') take(cand);
  for (const cand of pool) if (cand.kind === 'fallback') take(cand);
  // Too few technical kinds allowed at this level (e.g. minimal with no criteria): widen.
  for (const cand of pool) if (chosen.length < range.min) take(cand);
  return chosen;
}

function annotate(tc: TestCase, opts: TestGenerationOptions): TestCase {
  if (!opts.rfc_context || tc.type === 'ui') return tc;
  const codes = [...new Set(opts.rfc_context.match(/\b(?:4\d\d|5\d\d)\b/g) ?? [])].slice(0, 4);
  const errorCase = /status|error|refus|reject|invalid/i.test(tc.expected_result + tc.title);
  if (codes.length === 0 || tc.type !== 'integration' || !errorCase) return tc;
  return { ...tc, description: `${tc.description} The RFC documents status codes ${joinList(codes)}.` };
}

function journeyCase(facts: readonly CriterionFacts[], ctx: Ctx): Candidate {
  const steps = facts
    .slice(0, 6)
    .map((f, i) => `${i + 1}. ${capitalize(f.when ?? f.subject)} -> ${f.outcome ?? 'as described'}`);
  return {
    kind: 'journey',
    tc: mk(
      `End-to-end journey of the ${ctx.actor} through the ${ctx.resource} flow`,
      'e2e',
      'All acceptance criteria in one realistic session, in the order a user meets them.',
      [`Arrange: a fresh account for a ${ctx.actor} in a production-like environment`, ...steps],
      'Every step behaves as its criterion says, with no manual fix-ups between steps',
      facts[0]!.text,
      'high',
    ),
  };
}

function fallbackResource(title: string): string {
  if (/\b(?:sign[- ]?up|register|log ?in|sign[- ]in|password)\b/i.test(title)) return 'account';
  const toks = title
    .toLowerCase()
    .match(/[a-z]+/g)
    ?.filter(
      (w) =>
        w.length > 3 &&
        !/^(with|from|into|that|this|when|should|able|users?|allow|make|improve|support|add|create|update|build|implement)$/.test(
          w,
        ),
    );
  return toks?.[toks.length - 1] ?? 'feature';
}
