/**
 * Rule-based team task generation: turns a story into the backend, frontend, QA (and, when the story
 * calls for it, infrastructure and data) tasks a senior engineer would write, naming the story's
 * endpoints, entities and fields, with estimates that follow the story's complexity signals, test cases
 * per task, the team dependency rules and splitting of tasks longer than the cycle-time limit.
 */
import type { CoverageLevel } from '../api/requests.js';
import { analyzeStory, type StoryAnalysis, type StoryLike } from './analyze-story.js';
import { analyzeCriterion } from './criteria.js';
import { applyTeamDependencies, buildRelationships, splitLongTasks } from './dependencies.js';
import type { Action } from './extract-entities.js';
import { generateTestCases } from './generate-test-cases.js';
import type { Domain, StoryType, TaskPlan, Team, TeamTask } from './schemas.js';
import {
  capitalize,
  contentTokens,
  fixArticles,
  joinList,
  kebab,
  pluralize,
  roundHalfDay,
  singularize,
  truncate,
} from './text.js';

export interface TeamTaskOptions {
  /** Tasks longer than this are split into parts (FEATURES.md "Task Splitting"). Default 3. */
  max_task_cycle_days?: number;
  /** Attach test cases to each task. Default true. */
  include_tests?: boolean;
  coverage_level?: CoverageLevel;
  /** Prefix of task ids; defaults to the story key or a slug of its title. */
  id_prefix?: string;
  prd_context?: string;
  rfc_context?: string;
}

/** A task before estimates, ids and tests are attached. */
interface Blueprint {
  team: Team;
  summary: string;
  goal: string;
  scope: string[];
  checks: string[];
  base_days: number;
  /** Words that tie acceptance criteria to this task. */
  hooks: string;
}

interface Endpoint {
  method: string;
  path: string;
  purpose: Action | 'read' | 'other';
  inferred: boolean;
}

interface Ctx {
  a: StoryAnalysis;
  title: string;
  R: string;
  Rs: string;
  fields: string[];
  actor: string;
  endpoints: Endpoint[];
  types: Set<StoryType>;
  has: (a: Action) => boolean;
  /** Actions the actor asks for (title and user story), which get endpoints and screens. */
  asks: (a: Action) => boolean;
}

const INFRA_RE =
  /\b(?:message queues?|job queues?|kafka|rabbitmq|sqs|sns|redis|cache|caching|s3|buckets?|cdn|cron|scheduler|terraform|kubernetes|k8s|helm|load balancer|feature flags?|secrets? manager|environment variables?|new service|microservices?|monitoring|alerting)\b/gi;

const INFRA_NAMES: [RegExp, string][] = [
  [/queue|kafka|rabbitmq|sqs|sns/, 'message queue'],
  [/redis|cache|caching/, 'cache'],
  [/s3|bucket/, 'storage bucket'],
  [/cdn/, 'CDN'],
  [/cron|scheduler/, 'scheduler'],
  [/terraform|kubernetes|k8s|helm|load balancer|new service|microservice/, 'deployment and service config'],
  [/feature flag/, 'feature flag'],
  [/secret|environment variable/, 'secrets and configuration'],
  [/monitoring|alerting/, 'monitoring and alerts'],
];

const COMPUTED_FIELDS = new Set(['total', 'subtotal', 'balance', 'due amount', 'tax', 'vat']);

function fieldPhrase(fields: readonly string[], max = 4): string {
  return joinList(fields.slice(0, max));
}

function endpointPurpose(method: string, path: string): Endpoint['purpose'] {
  const last = path.split('/').filter(Boolean).pop() ?? '';
  if (method === 'GET' && /\.(?:csv|pdf|xlsx?)$/i.test(last)) return 'export';
  const action = /^(send|approve|reject|cancel|export|import|pay|payments|refund|void|archive|search)$/.exec(
    last,
  )?.[1];
  if (action) {
    if (action === 'payments' || action === 'refund') return 'pay';
    if (action === 'reject') return 'approve';
    if (action === 'void' || action === 'archive') return 'cancel';
    return action as Action;
  }
  if (method === 'POST') return 'create';
  if (method === 'PUT' || method === 'PATCH') return 'update';
  if (method === 'DELETE') return 'delete';
  if (method === 'GET') return /[{:]/.test(last) ? 'view' : 'list';
  return 'other';
}

function inferEndpoints(c: Omit<Ctx, 'endpoints'>): Endpoint[] {
  const own = `/${pluralize(c.R).replace(/ /g, '-')}`;
  // "Invoice line items" live under their invoice.
  const parent = c.a.parent_resource;
  const base = parent ? `/${pluralize(parent).replace(/ /g, '-')}/{id}${own}` : own;
  const item = parent ? `${base}/{${kebab(c.R).replace(/-/g, '_')}_id}` : `${base}/{id}`;
  const out: Endpoint[] = [];
  const add = (method: string, path: string, purpose: Endpoint['purpose']) => {
    if (!out.some((e) => e.method === method && e.path === path))
      out.push({ method, path, purpose, inferred: true });
  };
  if (c.asks('create') || c.asks('import')) add('POST', base, 'create');
  if (c.asks('list') || c.asks('search') || c.asks('export')) add('GET', base, 'list');
  if (c.asks('view')) add('GET', item, 'view');
  if (c.asks('update')) add('PATCH', item, 'update');
  if (c.asks('delete')) add('DELETE', item, 'delete');
  // A scheduled job does the sending of time-driven stories.
  if (c.asks('send') && !c.asks('schedule')) add('POST', `${item}/send`, 'send');
  if (c.asks('approve')) add('POST', `${item}/approve`, 'approve');
  if (c.asks('cancel')) add('POST', `${item}/cancel`, 'cancel');
  if (c.asks('pay')) add('POST', `${item}/payments`, 'pay');
  if (c.asks('export')) add('GET', `${base}/export`, 'export');
  if (c.asks('import')) add('POST', `${base}/import`, 'import');
  // A purely time-driven story ("remind after 30 days") needs a job, not an API.
  if (out.length === 0 && !c.has('schedule')) {
    add(c.fields.length > 0 ? 'POST' : 'GET', base, c.fields.length > 0 ? 'create' : 'list');
  }
  return out;
}

function filterPhrase(c: Ctx): string {
  const by = c.a.text.match(
    /\b(?:filter(?:ed|s)?|sort(?:ed)?|group(?:ed)?|search(?:ed)?)\s+by\s+([a-z ,]+?)(?:[.;\n]|\s+(?:so|and then|to|for)\b|$)/i,
  )?.[1];
  if (by) return `filtering by ${by.trim().replace(/\s+or\s+/g, ' and ')}`;
  const dims = [
    ...c.a.entities.resources.slice(1, 3),
    ...(c.a.entities.statuses.length > 0 ? ['status'] : []),
  ];
  return dims.length > 0 ? `filtering by ${joinList(dims)}` : 'filtering';
}

function endpointBlueprints(c: Ctx): Blueprint[] {
  const out: Blueprint[] = [];
  const reads = c.endpoints.filter(
    (e) => e.method === 'GET' && (e.purpose === 'list' || e.purpose === 'view'),
  );
  const fields = fieldPhrase(c.fields);
  const authz = `only ${pluralize(c.actor)} (and roles allowed by the story) may call it`;
  const money =
    c.a.domains.includes('financial') && c.fields.some((f) => /amount|price|total|currency|tax/.test(f));
  for (const e of c.endpoints) {
    if (reads.includes(e) && reads.length > 1 && e !== reads[0]) continue;
    const ep = `${e.method} ${e.path}`;
    const R = resourceOfPath(e.path) ?? c.R;
    let summary: string;
    let days: number;
    const scope: string[] = [];
    const checks: string[] = [];
    switch (e.purpose) {
      case 'create':
      case 'update': {
        const verb = e.purpose === 'create' ? 'create' : 'update';
        summary = fields
          ? `Implement ${ep} endpoint with validation of ${fields}`
          : `Implement ${ep} endpoint to ${verb} ${pluralize(R)}`;
        days = (e.purpose === 'create' ? 1.5 : 1.25) + Math.max(0, c.fields.length - 3) * 0.15;
        scope.push(
          `Request schema for the ${R}${fields ? `: ${fields}` : ''}; reject unknown fields`,
          money
            ? 'Amounts as decimal strings converted to integer minor units; currency must be an ISO 4217 code'
            : 'Field-level validation with messages the UI can show next to each input',
          e.purpose === 'create'
            ? `Persist the ${R} and return 201 with the created resource and a Location header`
            : `Partial update with optimistic locking (version/ETag); 409 on a stale version`,
          `Authorization: ${authz}`,
        );
        checks.push(
          `${ep} returns 400 with one error per invalid field`,
          `${ep} is idempotent for a retried request with the same Idempotency-Key`,
        );
        break;
      }
      case 'list':
      case 'view': {
        const both = reads.length > 1;
        const eps = both ? joinList(reads.map((r) => `${r.method} ${r.path}`)) : ep;
        const filtering = c.has('search') || c.has('list') ? ` with ${filterPhrase(c)} and pagination` : '';
        summary = both
          ? `Implement ${eps} endpoints${filtering}`
          : e.purpose === 'list'
            ? `Implement ${ep} endpoint${filtering || ' with pagination'}`
            : `Implement ${ep} endpoint returning ${R} details`;
        days = (both ? 1.5 : 1) + (c.has('search') ? 0.5 : 0);
        scope.push(
          `Response shape of the ${R}${fields ? ` (${fields})` : ''} documented in the OpenAPI spec`,
          'Cursor pagination with a stable sort; index the filter columns',
          `Authorization: callers only see ${pluralize(R)} they are allowed to; 404 for others`,
        );
        checks.push(
          `${eps} returns 404 for unknown or foreign ids`,
          'List queries use an index (no full scan) at 100k rows',
        );
        break;
      }
      case 'delete':
        summary = `Implement ${ep} endpoint with authorization check and soft delete`;
        days = 0.75;
        scope.push(
          `Soft-delete the ${R} (deleted_at) so history and references stay valid`,
          `Authorization: ${authz}`,
        );
        checks.push(`${ep} returns 204, then 404 on a second call`);
        break;
      case 'send':
        summary = `Implement ${ep} endpoint to send the ${R}${recipient(c) ? ` to the ${recipient(c)}` : ''}`;
        days = 1;
        scope.push(
          `Queue the message instead of sending inline; record sent_at on the ${R}`,
          'Refuse sending twice within a short window',
        );
        checks.push(`${ep} queues exactly one message per call`);
        break;
      case 'approve':
      case 'cancel':
        summary = `Implement ${ep} endpoint enforcing ${R} status rules`;
        days = 1;
        scope.push(
          `Allowed only from the statuses the story names${c.a.entities.statuses.length ? ` (${c.a.entities.statuses.join(', ')})` : ''}`,
          `Authorization: ${authz}`,
        );
        checks.push(`${ep} returns 409 when the ${R} is in a status that does not allow it`);
        break;
      case 'pay':
        summary = `Implement ${ep} endpoint to record ${R} payments`;
        days = 1.5;
        scope.push(
          'Idempotency key required; partial payments reduce the balance',
          'Reject overpayment and currency mismatch',
        );
        checks.push(`A retried payment with the same key is recorded once`);
        break;
      case 'export':
        summary = /report|statement/.test(c.R)
          ? `Implement ${ep} endpoint streaming the ${c.R} as CSV`
          : `Implement ${ep} endpoint streaming ${pluralize(R)} as CSV`;
        days = 1.5;
        scope.push(
          'Stream rows (no full result in memory); same filters as the list endpoint',
          'RFC 4180 escaping, UTF-8 with header row',
        );
        checks.push('Export of 50,000 rows completes without exhausting memory');
        break;
      case 'import':
        summary = `Implement ${ep} endpoint for bulk ${R} import with a row-level error report`;
        days = 2;
        scope.push(
          'Validate every row before writing any; report errors by row number',
          'Run large imports as a background job',
        );
        checks.push('An import with one bad row writes nothing and reports that row');
        break;
      default:
        summary = `Implement ${ep} endpoint`;
        days = 1;
        scope.push(`Contract, validation and authorization for ${ep}`);
        checks.push(`${ep} follows the documented contract`);
    }
    out.push({
      team: 'backend',
      summary,
      goal: `Expose ${e.inferred ? 'a new ' : ''}API for the ${R} so the story "${c.title}" can be delivered${e.inferred ? ' (endpoint path proposed; align with existing API conventions)' : ''}.`,
      scope,
      checks,
      base_days: days,
      hooks: `${summary} ${R} api endpoint request response saved stored returns validation error reject ${e.purpose}`,
    });
  }
  return out;
}

function resourceOfPath(path: string): string | undefined {
  const segs = path
    .replace(/\.[a-z]+$/i, '')
    .split('/')
    .filter(
      (s) =>
        s &&
        !/^[{:]/.test(s) &&
        !/^v\d+$/i.test(s) &&
        s !== 'api' &&
        !/^(send|approve|reject|cancel|export|import|payments|search)$/.test(s),
    );
  const last = segs[segs.length - 1];
  return last ? singularize(last.replace(/[-_]/g, ' ')) : undefined;
}

function recipient(c: Ctx): string | undefined {
  const m = c.a.text.match(
    /\b(?:send|email|notify)\s+(?:it\s+|them\s+)?(?:to\s+)?(?:the\s+|a\s+)?(customer|client|patient|user|buyer|approver|manager|owner|member)s?\b/i,
  );
  return (
    m?.[1]?.toLowerCase() ??
    (c.a.entities.resources.includes('customer') && c.R !== 'customer' ? 'customer' : undefined)
  );
}

const REPORT_RE = /\b(?:reports?|reporting|analytics|aggregat\w*|metrics|dashboards?)\b/i;

const LIFECYCLE = [
  'draft',
  'pending',
  'submitted',
  'scheduled',
  'open',
  'sent',
  'approved',
  'rejected',
  'confirmed',
  'active',
  'in progress',
  'shipped',
  'delivered',
  'unpaid',
  'partially paid',
  'overdue',
  'paid',
  'completed',
  'closed',
  'refunded',
  'failed',
  'cancelled',
  'canceled',
  'void',
  'voided',
  'expired',
  'archived',
  'suspended',
  'inactive',
];

/** Position of a status in a typical lifecycle, so transitions read in order (draft -> sent -> paid). */
function lifecycleRank(status: string): number {
  const i = LIFECYCLE.indexOf(status);
  return i < 0 ? LIFECYCLE.length : i;
}

/** "Implement nightly job sending invoice reminders (30 days after the due date)" */
function scheduleSummary(c: Ctx, cadence: string): string {
  const subject = c.a.entities.resources.find(
    (r) => r !== c.R && !/reminder|notification|alert|email/.test(r),
  );
  const condition = c.a.text.match(
    /\b(\d+ (?:days?|hours?|weeks?) (?:after|before) (?:the )?[a-z ]+?)(?=[.,;\n]| if\b| for\b|$)/i,
  )?.[1];
  const relative = cadence.startsWith('after') || cadence.startsWith('every');
  const when = cadence === 'scheduled' || relative ? 'scheduled' : cadence;
  const noticeLike = /reminder|notification|alert|email/.test(c.R);
  const what =
    noticeLike || c.has('notify')
      ? `sending ${subject ? `${subject} ` : ''}${pluralize(noticeLike ? c.R : 'reminder')}`
      : `processing ${pluralize(c.R)}`;
  const why = condition ? ` (${condition.toLowerCase()})` : relative ? ` (${cadence})` : '';
  return `Implement ${when} job ${what}${why}`;
}

function backendBlueprints(c: Ctx): Blueprint[] {
  const out: Blueprint[] = [];
  const { a, R } = c;
  const fields = fieldPhrase(c.fields);
  const mutates =
    c.asks('create') || c.asks('update') || c.asks('delete') || c.asks('import') || c.asks('pay');
  const financial = a.domains.includes('financial');
  const healthcare = a.domains.includes('healthcare');
  if (mutates || a.contexts.includes('database')) {
    const related = a.entities.resources.filter((r) => r !== R).slice(0, 2);
    out.push({
      team: 'backend',
      // Changing an existing record extends its model rather than creating one.
      summary:
        c.asks('update') && !c.asks('create') && fields
          ? `Extend ${R} data model with ${fields} (migration)`
          : `Add ${R} data model and migration${fields ? ` (${fields})` : ''}`,
      goal: `Store ${pluralize(R)} with the fields the story needs.`,
      scope: [
        `Table for the ${R}${fields ? ` with ${fields}` : ''}${related.length ? `, foreign keys to ${joinList(related)}` : ''}`,
        financial
          ? 'Money as integer minor units plus a char(3) ISO 4217 currency column'
          : 'NOT NULL and CHECK constraints for required and ranged fields',
        healthcare
          ? 'PHI columns encrypted at rest; no PHI in indexes'
          : `Indexes on the columns the list/filter queries use`,
        'Reversible migration, tested up and down on a copy of production-sized data',
      ],
      checks: ['Migration runs up and down cleanly', `Constraints reject an invalid ${R} row`],
      base_days: 1 + Math.max(0, Math.min(c.fields.length, 8) - 3) * 0.15 + related.length * 0.25,
      hooks: `${R} saved stored persist record database ${fields} unique`,
    });
  }
  out.push(...endpointBlueprints(c));

  // Report figures belong to the data team's aggregation, on its own schedule.
  const reportByData = c.types.has('data') && REPORT_RE.test(a.text);
  if (c.has('calculate') && !reportByData) {
    const parts = ['line items', 'tax', 'discount', 'fees', 'interest', 'rounding'].filter((w) =>
      new RegExp(`\\b${w.replace(/s$/, '')}`, 'i').test(a.text),
    );
    out.push({
      team: 'backend',
      summary:
        `Implement ${a.parent_resource ?? R} ${financial ? 'total' : ''} calculation${parts.length ? ` (${joinList(parts)})` : ''}`.replace(
          /\s+/g,
          ' ',
        ),
      goal: `Compute ${R} figures in one tested place, never in the UI.`,
      scope: [
        'Pure calculation module with table-driven unit tests',
        financial
          ? 'Round once, at the end, half-even, to the currency minor unit'
          : 'Explicit rounding rule',
        'Recalculate on every change of an input; store the result with its inputs',
      ],
      checks: ['Worked examples from the story produce the expected figures'],
      base_days: 1.5,
      hooks: `calculate total sum tax discount round amount ${R}`,
    });
  }
  const statuses = [...a.entities.statuses].sort((x, y) => lifecycleRank(x) - lifecycleRank(y));
  const transitions = /\b(?:becomes?|marked as|moves? to|changes? to|transitions?|set to)\b/i.test(a.text);
  if ((statuses.length >= 2 && transitions) || c.asks('approve') || c.asks('cancel')) {
    out.push({
      team: 'backend',
      summary: `Implement ${R} status transitions${statuses.length >= 2 ? ` (${statuses.join(' → ')})` : ''}`,
      goal: `Make ${R} status changes explicit and enforced.`,
      scope: [
        'State machine with the allowed transitions; every other transition is refused',
        'Status history with actor and timestamp',
      ],
      checks: ['A disallowed transition is refused with 409'],
      base_days: 1.25,
      hooks: `status becomes marked transition ${statuses.join(' ')} approve cancel`,
    });
  }
  if (c.has('schedule') && !reportByData) {
    const cadence =
      a.text
        .match(/\b(?:nightly|daily|weekly|monthly|hourly|every \d+ \w+|after \d+ \w+)\b/i)?.[0]
        ?.toLowerCase() ?? 'scheduled';
    out.push({
      team: 'backend',
      summary: scheduleSummary(c, cadence),
      goal: `Run the time-based part of the story reliably.`,
      scope: [
        'Idempotent job: a re-run or overlap never repeats an effect',
        'Clock injected for tests; time zone explicit',
      ],
      checks: ['Running the job twice has the effect once'],
      base_days: 1.5,
      hooks: `after days daily nightly scheduled overdue remind expire ${R}`,
    });
  }
  if ((c.has('notify') || c.has('send')) && !c.endpoints.some((e) => e.purpose === 'send')) {
    const to = recipient(c) ?? c.actor;
    const provider = a.entities.integrations.find((i) => /sendgrid|mailgun|twilio|slack/i.test(i));
    out.push({
      team: 'backend',
      summary: `Send ${R} notification to the ${to}${provider ? ` via ${provider}` : ''}`,
      goal: `Tell the ${to} about ${R} events the story names.`,
      scope: [
        'Templated message with the key facts and a deep link',
        'Queued delivery with retries; no duplicate on retry',
      ],
      checks: ['Exactly one message per event'],
      base_days: 1,
      hooks: `email notify notification send remind message ${to}`,
    });
  }
  const vendors = a.entities.integrations.filter(
    (i) => !/sendgrid|mailgun|twilio/i.test(i) || !c.has('notify'),
  );
  if (vendors.length > 0 || c.types.has('integration')) {
    const names = vendors.length > 0 ? vendors : ['the external provider'];
    for (const v of names.slice(0, 3)) {
      const payer = R === 'payment' ? (a.entities.resources.find((r) => r !== 'payment') ?? '') : R;
      const purpose = c.has('pay')
        ? `${payer} payments`.trim()
        : /sync/i.test(a.text)
          ? `${R} synchronisation`
          : `${R} data`;
      out.push({
        team: 'backend',
        summary: `Integrate ${v} for ${purpose}: client with timeouts and retries, idempotent webhook handling`,
        goal: `Connect the ${R} flow to ${v}.`,
        scope: [
          `${v} client behind an interface, with timeouts, bounded retries and backoff`,
          'Webhook endpoint verifying signatures; duplicate and out-of-order events applied once',
          'Credentials from the secret store; sandbox account for tests',
        ],
        checks: [
          `A duplicated ${v} webhook changes nothing the second time`,
          `${v} timeouts surface as a clear, retryable error`,
        ],
        base_days: 2.5,
        hooks: `${v} integration sync external provider webhook ${purpose}`,
      });
    }
  }
  if (/\bpdfs?\b/i.test(a.text) && !c.endpoints.some((e) => /\.pdf$/i.test(e.path))) {
    const pdfFields = fieldPhrase(c.fields.filter((f) => !/e-?mail|password|username/.test(f)));
    out.push({
      team: 'backend',
      summary: `Generate ${R} PDF${pdfFields ? ` with ${pdfFields}` : ''}`,
      goal: `Produce the ${R} document customers receive.`,
      scope: [
        'Template with company branding; numbers and dates formatted per locale',
        'Generated once per version and stored',
      ],
      checks: ['The PDF shows the same figures as the screen'],
      base_days: 1.5,
      hooks: `pdf document attached attachment ${R}`,
    });
  }
  const authWords = /\b(?:log ?in|sign[- ]in|passwords?|mfa|2fa|two[- ]factor|sso|saml|oauth)\b/i.exec(
    a.text,
  )?.[0];
  if (authWords) {
    out.push({
      team: 'backend',
      summary: `Implement ${authWords.toUpperCase() === authWords ? authWords : authWords.toLowerCase()} flow with session handling and lockout`,
      goal: 'Authenticate users safely.',
      scope: [
        'Rate limiting and lockout after repeated failures',
        'Short-lived tokens, rotation on privilege change',
        'No user enumeration in error messages',
      ],
      checks: ['Lockout after 5 failed attempts', 'Errors do not reveal whether an account exists'],
      base_days: 2,
      hooks: 'login sign password mfa authenticate session token lockout',
    });
  } else if (
    a.domains.includes('security') ||
    /\bonly (?:the |an? )?(?:\w+ ){0,2}\w+ (?:can|may)\b/i.test(a.text)
  ) {
    out.push({
      team: 'backend',
      summary: `Enforce role-based authorization on ${R} operations`,
      goal: `Only the roles the story names may act on ${pluralize(R)}.`,
      scope: [
        `Permission checks server-side on every ${R} operation, per object (no IDOR)`,
        'Denied attempts logged',
      ],
      checks: ['Another role or tenant gets 403/404'],
      base_days: 1,
      hooks: 'only permission role access authorized admin denied',
    });
  }
  if (healthcare) {
    out.push({
      team: 'backend',
      summary: `Log PHI access to ${pluralize(R)} in the HIPAA audit trail`,
      goal: 'Every access to protected health information is traceable.',
      scope: [
        'Append-only audit entries: who, which patient, which fields, when, why',
        'No PHI in application logs',
      ],
      checks: ['Each read and write of PHI produces an audit entry'],
      base_days: 1.5,
      hooks: 'audit phi hipaa access patient privacy',
    });
  } else if (financial && !/audit/.test(R) && mutates) {
    out.push({
      team: 'backend',
      summary: `Record audit trail for ${R} changes (who, when, before/after)`,
      goal: 'Financial records must be traceable.',
      scope: ['Append-only audit entries on create, update, status change and delete'],
      checks: ['Editing an audit entry is impossible'],
      base_days: 1,
      hooks: 'audit trail history change record',
    });
  }
  return out;
}

function dataBlueprints(c: Ctx): Blueprint[] {
  const { a, R, Rs } = c;
  const out: Blueprint[] = [];
  const by = a.text.match(/\bby ([a-z]+(?: (?:and|or) [a-z]+)?)\b/i)?.[1];
  if (
    /\b(?:backfill\w*|migrat\w* (?:existing|legacy|historical|old)|existing (?:data|records))\b/i.test(a.text)
  ) {
    out.push({
      team: 'data',
      summary: `Backfill existing ${Rs} into the new model`,
      goal: 'Bring existing data into the new shape without downtime.',
      scope: [
        'Batched, resumable job with progress',
        'Dry run with a diff report first',
        'Row counts and checksums verified before and after',
      ],
      checks: ['Counts match after the backfill; a re-run changes nothing'],
      base_days: 2,
      hooks: 'migrate backfill existing legacy data records',
    });
  }
  if (/\b(?:reports?|reporting|analytics|aggregat\w*|metrics|dashboards?)\b/i.test(a.text)) {
    const metric = a.text
      .match(
        /\b(revenue|totals?|counts?|volume|conversion|usage|balances?|outstanding \w+|average \w+)\b/i,
      )?.[1]
      ?.toLowerCase();
    out.push({
      team: 'data',
      summary: `Build ${metric && !R.includes(metric) ? `${metric} ` : ''}${R}${/report|metric|dashboard/.test(R) ? '' : ' report'} aggregation${by ? ` by ${by.toLowerCase()}` : ''}`,
      goal: `Provide the figures the ${R} report needs.`,
      scope: [
        'Aggregation query or materialised view refreshed on a schedule',
        'Reconciles with the source tables; time zone explicit',
      ],
      checks: ['Aggregates reconcile with a manual count on a fixture'],
      base_days: 2,
      hooks: `report aggregate metrics dashboard ${metric ?? ''} ${by ?? ''}`,
    });
  }
  if (/\b(?:etl|pipelines?|ingest\w*)\b/i.test(a.text)) {
    const source = a.entities.integrations[0];
    out.push({
      team: 'data',
      summary: `Build ${R} ingestion pipeline${source ? ` from ${source}` : ''}`,
      goal: 'Load the data reliably and observably.',
      scope: [
        'Incremental loads with a watermark',
        'Dead-letter handling for bad records',
        'Freshness and volume alerts',
      ],
      checks: ['A re-run of the same window produces no duplicates'],
      base_days: 2.5,
      hooks: 'pipeline etl ingest load import sync',
    });
  }
  if (c.has('import') && !c.endpoints.some((e) => e.purpose === 'import')) {
    out.push({
      team: 'data',
      summary: `Build CSV import of ${Rs} with row-level validation report`,
      goal: 'Let users bring existing data in.',
      scope: ['Validate all rows first; report errors by row', 'Large files processed in the background'],
      checks: ['One bad row blocks the import and is reported'],
      base_days: 2,
      hooks: 'import csv upload bulk',
    });
  }
  if (out.length === 0) {
    out.push({
      team: 'data',
      summary: `Build ${R} data processing job`,
      goal: `Process ${R} data as the story describes.`,
      scope: ['Idempotent batch job with metrics', 'Data-quality checks on input and output'],
      checks: ['Output reconciles with input on a fixture'],
      base_days: 2,
      hooks: 'data processing batch pipeline',
    });
  }
  return out;
}

function infraBlueprints(c: Ctx): Blueprint[] {
  const found = [...new Set([...c.a.text.matchAll(INFRA_RE)].map((m) => m[0].toLowerCase()))];
  if (found.length === 0) return [];
  const names = [...new Set(found.map((w) => INFRA_NAMES.find(([re]) => re.test(w))?.[1] ?? w))];
  return [
    {
      team: 'infrastructure',
      summary: `Provision ${joinList(names)} for the ${c.R} ${c.has('schedule') ? 'jobs' : 'feature'}`,
      goal: `Have the infrastructure the ${c.R} work needs in every environment.`,
      scope: [
        ...names.map((n) => `${capitalize(n)} defined as code for dev, staging and production`),
        'Dashboards and alerts for the new resources',
      ],
      checks: ['Resources exist in staging and are reachable from the service'],
      base_days: 1 + Math.min(1, (names.length - 1) * 0.5),
      hooks: `${found.join(' ')} infrastructure deploy`,
    },
  ];
}

/** The page an action lives on: a payment is made from its invoice's page. */
function pageOf(c: Ctx): string {
  if (c.a.parent_resource) return c.a.parent_resource;
  if (c.R === 'payment') return c.a.entities.resources.find((r) => r !== 'payment') ?? c.R;
  return c.R;
}

function frontendBlueprints(c: Ctx): Blueprint[] {
  const { a, R } = c;
  const out: Blueprint[] = [];
  const fields = fieldPhrase(c.fields);
  const call = (purpose: Endpoint['purpose'][]) => {
    const eps = c.endpoints.filter((e) => purpose.includes(e.purpose)).map((e) => `${e.method} ${e.path}`);
    return eps.length > 0
      ? `Calls ${joinList(eps)}; shows its field errors inline and keeps the user's input`
      : 'Wire to the backend API; show errors inline';
  };
  const a11y = 'Labels, focus order and error announcements meet WCAG 2.1 AA; works at 320 px width';
  if (c.asks('create') || c.asks('update')) {
    const mode = c.asks('create') && c.asks('update') ? 'create/edit' : c.asks('create') ? 'create' : 'edit';
    out.push({
      team: 'frontend',
      summary: `Build ${R} ${mode} form${fields ? ` with ${fields} inputs` : ''} and inline validation`,
      goal: `Let the ${c.actor} ${mode === 'edit' ? 'edit' : 'create'} ${pluralize(R)}.`,
      scope: [
        `Form for the ${R}${fields ? `: ${fields}` : ''} with client-side checks mirroring the API rules`,
        call(['create', 'update']),
        a.domains.includes('financial') && /currency|amount/.test(fields)
          ? 'Amount input formatted per locale; currency picker of ISO codes'
          : 'Disabled submit while saving; success message',
        a11y,
      ],
      checks: ['Submitting invalid input shows the API field errors next to the inputs'],
      base_days: 1.5 + Math.max(0, c.fields.length - 3) * 0.15,
      hooks: `form input enter submit field create edit ${fields} error message shows`,
    });
  }
  if (c.asks('list') || c.asks('search')) {
    out.push({
      team: 'frontend',
      summary: `Build ${R} list view with ${filterPhrase(c)}, sorting and empty state`,
      goal: `Let the ${c.actor} find ${pluralize(R)}.`,
      scope: [
        'Table with pagination; filters kept in the URL',
        call(['list']),
        'Empty, loading and error states',
        a11y,
      ],
      checks: ['Filters survive a page reload'],
      base_days: 1.5 + (c.asks('search') ? 0.5 : 0),
      hooks: `list table filter search sort see shows overview ${pluralize(R)}`,
    });
  }
  if (c.asks('view') && !(c.asks('list') && !/\bdetails?\b/i.test(a.text))) {
    out.push({
      team: 'frontend',
      summary: `Build ${R} detail page${fields ? ` showing ${fields}` : ''}`,
      goal: `Show one ${R} with everything the ${c.actor} needs.`,
      scope: [call(['view']), 'Status badge and history when available', a11y],
      checks: ['Unknown or forbidden ids show a not-found page'],
      base_days: 1,
      hooks: `detail view see shows display page ${R}`,
    });
  }
  if (/\b(?:dashboards?|charts?|graphs?)\b/i.test(a.text)) {
    out.push({
      team: 'frontend',
      summary: `Build ${R} dashboard with charts`,
      goal: 'Make the figures readable at a glance.',
      scope: ['Charts with accessible data tables as fallback', 'Date range picker; loading skeletons'],
      checks: ['Figures match the report data'],
      base_days: 2,
      hooks: 'dashboard chart graph report metrics',
    });
  }
  const actions = (['send', 'approve', 'cancel', 'delete', 'export', 'pay'] as const).filter((x) =>
    c.asks(x),
  );
  if (actions.length > 0) {
    const labels = actions.map((x) => (x === 'pay' ? 'pay' : x));
    out.push({
      team: 'frontend',
      summary: `Add ${joinList(labels)} action${labels.length > 1 ? 's' : ''} to the ${pageOf(c)} page with confirmation and error states`,
      goal: `Let the ${c.actor} act on a ${R} safely.`,
      scope: [
        'Buttons shown only when the status and role allow the action',
        'Confirmation for destructive or irreversible actions',
        call(actions as unknown as Endpoint['purpose'][]),
      ],
      checks: ['Actions not allowed in the current status are hidden'],
      base_days: 0.75 + (labels.length - 1) * 0.25 + (c.asks('pay') ? 0.75 : 0),
      hooks: `button action ${labels.join(' ')} confirm`,
    });
  }
  if (out.length === 0) {
    out.push({
      team: 'frontend',
      summary: `Build ${R} UI for "${truncate(c.title, 80)}"`,
      goal: 'Deliver the user-facing part of the story.',
      scope: [call(['list', 'view', 'create', 'update']), 'Empty, loading and error states', a11y],
      checks: ['The flow works end to end in the browser'],
      base_days: 1.5,
      hooks: `page screen view shows display ${R}`,
    });
  }
  return out;
}

function qaBlueprints(c: Ctx): Blueprint[] {
  const n = c.a.criteria.length;
  const out: Blueprint[] = [
    {
      team: 'qa',
      summary: `Write test plan and automated acceptance tests for "${truncate(c.title, 90)}"`,
      goal: 'Prove every acceptance criterion and guard it against regressions.',
      scope: [
        n > 0
          ? `One or more automated tests per acceptance criterion (${n})`
          : 'Derive acceptance tests from the description with the PO',
        'Exploratory session on edge cases and error states',
        'Tests run in CI against a seeded environment',
      ],
      checks: ['Every criterion has a passing automated test'],
      base_days: Math.min(3, 0.5 + 0.3 * Math.max(2, n)),
      hooks: c.a.criteria.join(' '),
    },
  ];
  const perf = c.a.complexity.signals.find((s) => s.signal === 'performance');
  if (perf) {
    const main = c.endpoints[0];
    out.push({
      team: 'qa',
      summary: `Load-test ${main ? `${main.method} ${main.path}` : `the ${c.R} flow`} (${perf.detail})`,
      goal: 'Confirm the performance targets of the story.',
      scope: ['Production-like data volume', 'Peak and 2x peak scenarios; report p50/p95/p99'],
      checks: ['Targets met at peak'],
      base_days: 1,
      hooks: `performance load latency within seconds ${perf.detail}`,
    });
  }
  if (c.a.domains.includes('security') || c.a.domains.includes('healthcare')) {
    out.push({
      team: 'qa',
      summary: `Security-test ${c.R} operations: authorization, input handling${c.a.domains.includes('healthcare') ? ', PHI exposure' : ''}`,
      goal: 'Find access-control and injection flaws before release.',
      scope: ['Role and tenant matrix for every operation', 'OWASP Top 10 checks on the new inputs'],
      checks: ['No operation reachable by a role the story does not name'],
      base_days: 1,
      hooks: 'security permission role only access authorized login',
    });
  }
  return out;
}

function describe(b: Blueprint, story: StoryLike, covers: readonly string[]): string {
  const lines = [
    b.goal,
    '',
    '**Scope**',
    ...b.scope.map((s) => `- ${s}`),
    '',
    '**Done when**',
    ...b.checks.map((s) => `- ${s}`),
  ];
  if (covers.length > 0) lines.push('', '**Acceptance criteria covered**', ...covers.map((s) => `- ${s}`));
  lines.push('', `Story: ${story.key ? `${story.key} ` : ''}${story.title}`);
  return lines.join('\n');
}

const UI_CRITERION_RE =
  /\b(?:submits?|enters?|sees?|shows?|shown|display\w*|visible|page|screen|form|button|click\w*|list|highlight\w*|message|tab|menu|dashboard)\b/i;

const SERVER_CRITERION_RE =
  /\b(?:saved?|stored?|persist\w*|api|returns?|validat\w*|calculat\w*|rounded|total|recorded|sent|e-?mail\w*|audit\w*)\b/i;

function bestOfTeam(
  blueprints: readonly Blueprint[],
  hookSets: readonly Set<string>[],
  toks: readonly string[],
  team: Team,
): number {
  let best = -1;
  let bestScore = -1;
  blueprints.forEach((b, i) => {
    if (b.team !== team) return;
    let score = 0;
    for (const t of toks) if (hookSets[i]!.has(t)) score++;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/** Assigns each acceptance criterion to the implementation task whose hooks it shares most words with. */
function assignCriteria(blueprints: readonly Blueprint[], criteria: readonly string[]): string[][] {
  const covers: string[][] = blueprints.map(() => []);
  const hookSets = blueprints.map((b) => new Set(contentTokens(`${b.summary} ${b.hooks}`)));
  criteria.forEach((criterion) => {
    const toks = contentTokens(criterion);
    const prefersUi = UI_CRITERION_RE.test(criterion);
    const facts = analyzeCriterion(criterion);
    let best = -1;
    let bestScore = -1;
    blueprints.forEach((b, i) => {
      if (b.team === 'qa') return;
      let score = 0;
      for (const t of toks) if (hookSets[i]!.has(t)) score++;
      if (prefersUi && b.team === 'frontend') score += 1.5;
      if (!prefersUi && b.team === 'backend') score += 1;
      if (facts.category === 'calculation' && /calculation/.test(b.summary)) score += 2;
      if (facts.category === 'state' && /status transitions/.test(b.summary)) score += 2;
      if (facts.category === 'permission' && /authorization/.test(b.summary)) score += 3;
      if (facts.category === 'validation' && /validation/.test(b.summary)) score += 2;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best >= 0) covers[best]!.push(criterion);
    // A criterion that spans the screen and the server is work for both teams.
    const otherTeam =
      best >= 0 && blueprints[best]!.team === 'frontend'
        ? SERVER_CRITERION_RE.test(criterion)
          ? 'backend'
          : undefined
        : prefersUi
          ? 'frontend'
          : undefined;
    if (otherTeam) {
      const j = bestOfTeam(blueprints, hookSets, toks, otherTeam);
      if (j >= 0 && j !== best) covers[j]!.push(criterion);
    }
    blueprints.forEach((b, i) => {
      if (b.team === 'qa' && i === blueprints.findIndex((x) => x.team === 'qa')) covers[i]!.push(criterion);
    });
  });
  return covers;
}

function slug(story: StoryLike): string {
  if (story.key) return story.key;
  return kebab(story.title).split('-').slice(0, 4).join('-') || 'story';
}

/**
 * Splits a story into team tasks with estimates, team dependencies, test cases and "Blocks"
 * relationships. Deterministic: the same story and options always give the same plan.
 */
export function generateTeamTasks(story: StoryLike, opts: TeamTaskOptions = {}): TaskPlan {
  const maxDays = opts.max_task_cycle_days ?? 3;
  const includeTests = opts.include_tests ?? true;
  const coverage = opts.coverage_level ?? 'standard';
  const a = analyzeStory(story);
  const draft = draftBlueprints(story, a);
  const covers = assignCriteria(draft.blueprints, a.criteria);
  const prefix = opts.id_prefix ?? slug(story);
  const counters: Partial<Record<Team, number>> = {};
  let tasks: TeamTask[] = draft.blueprints.map((b, i) => {
    counters[b.team] = (counters[b.team] ?? 0) + 1;
    const task: TeamTask = {
      id: `${prefix}-${b.team}-${counters[b.team]}`,
      summary: truncate(fixArticles(b.summary), 255),
      description: fixArticles(describe(b, story, covers[i]!)),
      team: b.team,
      estimate_days: roundHalfDay(b.base_days * a.complexity.team_factor[b.team]),
      depends_on_tasks: [],
      blocked_by_teams: [],
      test_cases: includeTests
        ? generateTestCases(
            {
              title: b.summary,
              description: `${b.goal}\n${b.scope.join('\n')}`,
              acceptance_criteria: covers[i]!,
              team: b.team,
              // QA's "done when" is about the process, not behaviour to test.
              checks: b.team === 'qa' ? [] : b.checks,
            },
            {
              coverage_level: coverage,
              domains: domainsForTask(b, a),
              contexts: contextsForTeam(b.team, a),
              resource: draft.resource,
              actor: a.entities.actors[0] ?? 'user',
              ...(opts.prd_context ? { prd_context: opts.prd_context } : {}),
              ...(opts.rfc_context ? { rfc_context: opts.rfc_context } : {}),
            },
          )
        : [],
      covers_criteria: covers[i]!,
    };
    if (story.key) task.story_key = story.key;
    return task;
  });
  tasks = applyTeamDependencies(tasks);
  tasks = splitLongTasks(tasks, maxDays);
  const plan: TaskPlan = { story_types: draft.types, tasks, relationships: buildRelationships(tasks) };
  if (story.key) plan.story_key = story.key;
  return plan;
}

const DOMAIN_RELEVANCE: Record<Domain, RegExp> = {
  financial: /\b(?:amount|currency|total|calculation|audit|payments?|data model|ledger|refund)\b/i,
  healthcare: /\b(?:patient|phi|audit|data model|endpoints?|hipaa|record)\b/i,
  ecommerce: /\b(?:order|payments?|stock|inventory|checkout|cart)\b/i,
  security: /\b(?:authori[sz]ation|log ?in|sign[- ]in|auth\w*|permissions?|endpoints?|security|session)\b/i,
};

/** Domain cases only where the task touches that concern: no rounding test on an audit-log task. */
function domainsForTask(b: Blueprint, a: StoryAnalysis): Domain[] {
  if (b.team === 'qa') return a.domains;
  if (b.team === 'frontend') return [];
  return a.domains.filter((d) => DOMAIN_RELEVANCE[d].test(b.summary));
}

function contextsForTeam(team: Team, a: StoryAnalysis) {
  switch (team) {
    case 'frontend':
      return a.contexts.filter((c) => c === 'ui');
    case 'backend':
    case 'data':
    case 'infrastructure':
      return a.contexts.filter((c) => c !== 'ui');
    default:
      return a.contexts;
  }
}

/** The task blueprints of a story and the story types they were derived from. */
function draftBlueprints(
  story: StoryLike,
  a: StoryAnalysis,
): { blueprints: Blueprint[]; types: StoryType[]; resource: string } {
  // No signal at all reads as backend work; a screen is added below when a person asks for something.
  const types = a.types.length > 0 ? [...a.types] : (['api'] as StoryType[]);
  const actions = new Set<Action>(a.actions);
  const asked = new Set<Action>(a.primary_actions);
  const actor = a.entities.actors[0] ?? 'user';
  // A person asking to act on something needs a screen for it, even when the text never says "page".
  const human =
    a.entities.actors.length > 0 &&
    !/\b(?:system|service|api|client|integration|job|scheduler|bot)\b/i.test(actor);
  const interactive =
    asked.size === 0 || [...asked].some((x) => x !== 'schedule' && x !== 'notify' && x !== 'calculate');
  if (!types.includes('ui') && human && interactive && !/\b(?:api[- ]only|headless|no ui)\b/i.test(a.text))
    types.push('ui');
  const typeSet = new Set(types);
  const R = a.entities.resources[0] ?? fallbackResource(story.title);
  const base = {
    a,
    title: story.title,
    R,
    Rs: pluralize(R),
    // Computed figures are outputs, not inputs to validate or type in.
    fields: a.entities.fields.filter((f) => !COMPUTED_FIELDS.has(f)),
    actor,
    types: typeSet,
    has: (x: Action) => actions.has(x),
    asks: (x: Action) => asked.has(x),
  };
  const explicit: Endpoint[] = a.entities.endpoints.map((e) => {
    const [method, path] = e.split(' ') as [string, string];
    return { method, path, purpose: endpointPurpose(method, path), inferred: false };
  });
  const needsBackend =
    typeSet.has('api') ||
    typeSet.has('integration') ||
    explicit.length > 0 ||
    actions.has('schedule') ||
    (typeSet.has('ui') &&
      !/\b(?:existing|current) (?:api|endpoints?)\b|\bno backend\b/i.test(a.text) &&
      [...asked].some((x) => x !== 'view'));
  const endpoints =
    explicit.length > 0
      ? explicit
      : needsBackend && (typeSet.has('api') || typeSet.has('ui'))
        ? inferEndpoints(base)
        : [];
  const c: Ctx = { ...base, endpoints };
  const blueprints: Blueprint[] = [];
  blueprints.push(...infraBlueprints(c));
  if (needsBackend) blueprints.push(...backendBlueprints(c));
  if (typeSet.has('data')) blueprints.push(...dataBlueprints(c));
  if (typeSet.has('ui') || a.contexts.includes('ui')) blueprints.push(...frontendBlueprints(c));
  blueprints.push(...qaBlueprints(c));
  return { blueprints, types, resource: R };
}

function fallbackResource(title: string): string {
  const toks = title
    .toLowerCase()
    .match(/[a-z]+/g)
    ?.filter(
      (w) =>
        w.length > 3 &&
        !/^(with|from|into|that|this|when|should|able|users?|allow|make|improve|support|add|create|update|build|implement|view|edit|delete|manage|show)$/.test(
          w,
        ),
    );
  return singularize(toks?.[toks.length - 1] ?? 'feature');
}
