/**
 * Reading acceptance criteria: Given/When/Then clauses, what kind of behaviour a criterion describes,
 * and the limits it names. Test generation and coverage work from these facts rather than from the
 * raw sentence, so two criteria yield different tests, not one template with a swapped word.
 */
import { capitalize, singularize, truncate } from './text.js';

export type CriterionCategory =
  | 'performance'
  | 'permission'
  | 'validation'
  | 'calculation'
  | 'notification'
  | 'schedule'
  | 'state'
  | 'export'
  | 'search'
  | 'integration'
  | 'persistence'
  | 'display'
  | 'generic';

export interface CriterionFacts {
  text: string;
  given?: string;
  when?: string;
  outcome?: string;
  category: CriterionCategory;
  /** Quantities named, e.g. "30 days", "2 seconds", "255 characters". */
  limits: string[];
  /** A short phrase naming the behaviour, for titles. */
  subject: string;
}

const CATEGORY_RULES: [CriterionCategory, RegExp][] = [
  [
    'performance',
    /\b(?:within \d|p9[59]|latency|under load|concurren\w*|response time|\d+ ?(?:ms|milliseconds))\b/i,
  ],
  [
    'permission',
    /\b(?:only (?:the |an? )?(?:\w+ ){0,2}\w+ (?:can|may)|not allowed|forbidden|permissions?|roles?|admins?|authori[sz]\w*|unauthori[sz]\w*|cannot access|access denied|their own)\b/i,
  ],
  [
    'integration',
    /\b(?:sync\w*|webhooks?|third[- ]party|external|provider|stripe|paypal|salesforce|quickbooks|xero)\b/i,
  ],
  [
    'validation',
    /\b(?:required|mandatory|must be (?:a |an )?(?:valid|positive|unique|between|at least|at most|greater|less|non-?empty|in)|invalid|at least \d|at most \d|maximum|minimum|must not|cannot be|format|reject\w*|validation|validat\w+|positive|negative|between \d|unique|duplicates?|error message)\b/i,
  ],
  [
    'calculation',
    /\b(?:total|sum|calculat\w*|tax(?:es)?|discount\w*|round\w*|subtotal|percent\w*|%|interest|fees?|balance)\b/i,
  ],
  ['notification', /\b(?:e-?mails?|notif\w*|sms|alert\w*|remind\w*|push message|receives? (?:a|an) \w+)\b/i],
  [
    'schedule',
    /\b(?:after \d+ (?:days?|hours?|minutes?)|daily|nightly|weekly|every \d+|scheduled|expir\w*|overdue)\b/i,
  ],
  [
    'state',
    /\b(?:status (?:becomes|changes|is set|moves|goes)|becomes|marked as|transition\w*|moves? to|changes? to|approv\w+|cancel\w*|archiv\w+|void\w*)\b/i,
  ],
  ['export', /\b(?:export\w*|download\w*|csv|pdf|print\w*)\b/i],
  ['search', /\b(?:search\w*|filter\w*|sort\w*|find)\b/i],
  ['persistence', /\b(?:saved?|stored?|persist\w*|recorded|history|audit\w*|created|updated|deleted)\b/i],
  ['display', /\b(?:shows?|shown|display\w*|sees?|visible|lists?|pages?|views?|highlight\w*|screen)\b/i],
];

const UNIT =
  '(?:%|ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|hours?|days?|weeks?|months?|years?|characters?|chars?|items?|files?|records?|rows?|mb|kb|gb|requests?|users?|attempts?|decimal places?)';
const LIMIT_RE = new RegExp(
  `\\b(?:up to|at most|at least|max(?:imum)?|min(?:imum)?) \\d+(?:[.,]\\d+)?(?:\\s?${UNIT}\\b)?|\\b\\d+(?:[.,]\\d+)?\\s?${UNIT}\\b`,
  'gi',
);

/** Splits "Given ..., when ..., then ..." (also "If/When ..., then ...") into clauses. */
export function parseGivenWhenThen(text: string): { given?: string; when?: string; outcome?: string } {
  const t = text.replace(/\s+/g, ' ').trim();
  const gwt = t.match(/^\s*given\s+(.+?)[,;]?\s+when\s+(.+?)[,;]?\s+then\s+(.+?)\.?$/i);
  if (gwt) return { given: gwt[1]!.trim(), when: gwt[2]!.trim(), outcome: gwt[3]!.trim() };
  const wt = t.match(/^\s*(?:when|if|once|after)\s+(.+?)(?:,\s*(?:then\s+)?|\s+then\s+)(.+?)\.?$/i);
  if (wt) return { when: wt[1]!.trim(), outcome: wt[2]!.trim() };
  const gt = t.match(/^\s*given\s+(.+?)[,;]?\s+then\s+(.+?)\.?$/i);
  if (gt) return { given: gt[1]!.trim(), outcome: gt[2]!.trim() };
  return {};
}

/** Classifies a criterion and extracts its clauses and limits. */
export function analyzeCriterion(text: string): CriterionFacts {
  const clauses = parseGivenWhenThen(text);
  const probe = [clauses.when, clauses.outcome].filter(Boolean).join(' ') || text;
  const category = (CATEGORY_RULES.find(([, re]) => re.test(probe)) ??
    CATEGORY_RULES.find(([, re]) => re.test(text)) ?? ['generic'])[0];
  const limits = [...new Set([...text.matchAll(LIMIT_RE)].map((m) => m[0].trim()))];
  const facts: CriterionFacts = { text, category, limits, subject: criterionSubject(text, clauses) };
  if (clauses.given) facts.given = clauses.given;
  if (clauses.when) facts.when = clauses.when;
  if (clauses.outcome) facts.outcome = clauses.outcome;
  return facts;
}

function criterionSubject(text: string, clauses: { when?: string; outcome?: string }): string {
  const raw = clauses.outcome ?? text;
  const s = raw
    .replace(
      /^\s*(?:the\s+)?(?:user|users|system|customer|admin)\s+(?:should|must|can|will|is able to|are able to)\s+(?:be able to\s+)?/i,
      '',
    )
    .replace(/^\s*(?:it|this)\s+(?:should|must|will)\s+/i, '')
    .replace(/^\s*(?:should|must|can|will)\s+/i, '')
    .replace(/[.;:]+$/, '');
  return capitalize(truncate(s, 90));
}

/**
 * Rewrites a criterion as Given/When/Then when its wording allows it ("When X, Y", "If X then Y",
 * "X results in Y", "<actor> can <act>", "<thing> must <be>"); returns it unchanged otherwise.
 */
export function toGivenWhenThen(criterion: string, actor?: string): string {
  const t = criterion.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  if (/^given\b/i.test(t)) return t;
  const clauses = parseGivenWhenThen(t);
  const who = actor ? `a signed-in ${actor}` : 'a signed-in user';
  if (clauses.when && clauses.outcome) return `Given ${who}, when ${clauses.when}, then ${clauses.outcome}`;
  const results = t.match(/^(.+?)\s+(?:results in|leads to|triggers|causes)\s+(.+)$/i);
  if (results) return `Given ${who}, when ${lowerStart(results[1]!)}, then ${results[2]}`;
  const can = t.match(
    /^(?:an?\s+|the\s+)?([a-z][a-z ]{1,30}?)\s+(?:can|is able to|are able to)\s+(\w+)\s+(.+)$/i,
  );
  // "Only X can ..." is a rule about who may act, not a scenario: keep it as written.
  const participle = can && !/^only\b/i.test(can[1]!) ? PARTICIPLES[can[2]!.toLowerCase()] : undefined;
  if (can && participle) {
    const object = can[3]!
      .split(/\s+(?:with|for|to|from|by|so|in|on|using|via|as|when|after|before)\s+/i)[0]!
      .replace(/^(?:an?|their|his|her|my|our|your|its)\s+/i, 'the ');
    const plural = /s$/i.test(object) && !/ss$/i.test(object);
    const outcome =
      participle === 'shown' || participle === 'listed'
        ? `${object} ${plural ? 'are' : 'is'} ${participle} to them`
        : `${object} ${plural ? 'are' : 'is'} ${participle}`;
    const who = can[1]!.toLowerCase().replace(/(\w+)$/, (w) => singularize(w));
    return `Given a signed-in ${who}, when they ${can[2]} ${can[3]}, then ${outcome}`;
  }
  return t;
}

const PARTICIPLES: Record<string, string> = {
  create: 'created',
  add: 'added',
  update: 'updated',
  edit: 'updated',
  change: 'changed',
  delete: 'deleted',
  remove: 'removed',
  archive: 'archived',
  send: 'sent',
  approve: 'approved',
  reject: 'rejected',
  export: 'exported',
  download: 'downloaded',
  upload: 'uploaded',
  import: 'imported',
  view: 'shown',
  see: 'shown',
  list: 'listed',
  pay: 'paid',
  cancel: 'cancelled',
  submit: 'submitted',
  book: 'booked',
  schedule: 'scheduled',
  invite: 'invited',
  assign: 'assigned',
  share: 'shared',
  save: 'saved',
  refund: 'refunded',
  void: 'voided',
  close: 'closed',
  reopen: 'reopened',
};

function lowerStart(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
