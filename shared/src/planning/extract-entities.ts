/**
 * Pulls out what a story talks about (endpoints, resources, fields, actors, external systems,
 * statuses and the actions asked for) so that generated tasks and tests can name them, the way an
 * engineer writes "Implement POST /invoices with validation of amount and currency" rather than
 * "Implement API".
 */
import { lowerKeepAcronyms, singularize, uniq } from './text.js';

export interface StoryEntities {
  /** Explicit HTTP endpoints, e.g. "POST /invoices". */
  endpoints: string[];
  /** Business nouns in singular form, most central first, e.g. "invoice", "customer". */
  resources: string[];
  /** Attributes mentioned, e.g. "amount", "currency", "due date". */
  fields: string[];
  /** Who acts, from "As a ..." and role words, e.g. "finance manager". */
  actors: string[];
  /** Named external systems, e.g. "Stripe". */
  integrations: string[];
  /** Lifecycle states mentioned, e.g. "draft", "paid". */
  statuses: string[];
}

export const ACTIONS = [
  'create',
  'view',
  'list',
  'update',
  'delete',
  'search',
  'send',
  'approve',
  'export',
  'import',
  'pay',
  'notify',
  'calculate',
  'schedule',
  'cancel',
] as const;
export type Action = (typeof ACTIONS)[number];

const ACTION_PATTERNS: Record<Action, RegExp> = {
  create:
    /\b(?:create[sd]?|creating|add(?:s|ed|ing)?|book(?:s|ed|ing)? (?:a|an|the|my|their)\b|reserve[sd]?|place[sd]? an? order|submit(?:s|ted)?|register(?:s|ed)?|issue[sd]?|generat(?:e|es|ed)|upload(?:s|ed)?|new)\b/i,
  view: /\b(?:view(?:s|ed|ing)?|see|sees|open(?:s|ed)?|details?|shows?|shown|display(?:s|ed)?|preview)\b/i,
  list: /\b(?:list(?:s|ed|ing)?|browse|overview|all (?:my |of the |the )?\w+s)\b/i,
  update:
    /\b(?:updat(?:e|es|ed|ing)|edit(?:s|ed|ing)?|chang(?:e|es|ed|ing) (?:the|my|their|its|an?|his|her)\b|modif(?:y|ies|ied)|rename[sd]?)\b/i,
  delete: /\b(?:delet(?:e|es|ed|ing)|remov(?:e|es|ed|ing)|archiv(?:e|es|ed))\b/i,
  search: /\b(?:search(?:es|ed|ing)?|filter(?:s|ed|ing)?|sort(?:s|ed|ing)?|find)\b/i,
  send: /\b(?:send(?:s|ing)?|sent|emailed|e-?mail (?:it|them|the|a|an)\b|share[sd]?|deliver(?:s|ed)?)\b/i,
  approve: /\b(?:approv(?:e|es|ed|al)|reject(?:s|ed|ion)?|review(?:s|ed)?|sign[- ]off)\b/i,
  export: /\b(?:export(?:s|ed|ing)?|download(?:s|ed)?|pdf|csv)\b/i,
  import: /\b(?:import(?:s|ed|ing)?|bulk upload)\b/i,
  pay: /\b(?:pay|pays|paying|charg(?:e|es|ed)|refund(?:s|ed)?|(?:make|take|process|accept)s? (?:a |online )?payments?)\b/i,
  notify:
    /\b(?:notif(?:y|ies|ied|ication|ications)|alert(?:s|ed)?|remind(?:s|er|ers)?|email notification)\b/i,
  calculate:
    /\b(?:calculat(?:e|es|ed|ion|ions)|comput(?:e|es|ed)|totals?|subtotals?|sum|rounding|rounded|tax(?:es)?)\b/i,
  schedule:
    /\b(?:schedul(?:e|es|ed|ing)|nightly|daily|weekly|monthly|recurring|cron|every \d+|after \d+ days?)\b/i,
  cancel: /\b(?:cancel(?:s|ling|lation)?|void|voids|revok(?:e|es|ed))\b/i,
};

/** The actions a story asks for, in a stable order. */
export function detectActions(text: string): Action[] {
  // "cannot be edited or deleted" forbids actions; it does not ask for them.
  const asked = text.replace(NEGATED_CLAUSE, ' ');
  return ACTIONS.filter((a) => ACTION_PATTERNS[a].test(asked));
}

const NEGATED_CLAUSE =
  /\b(?:cannot|can't|can not|must not|mustn't|should not|shouldn't|never|not|no)\b[^.,;\n]*/gi;

const RESOURCE_LEXICON = new Set(
  (
    'invoice|customer|order|product|payment|account|subscription|refund|report|patient|appointment|' +
    'prescription|cart|line item|shipment|document|attachment|comment|notification|project|ticket|' +
    'organization|tenant|workspace|employee|vendor|supplier|contract|quote|receipt|transaction|' +
    'ledger entry|budget|expense|credit note|tax rate|coupon|discount|catalog|category|review|booking|' +
    'reservation|role|permission|api key|webhook|profile|invitation|company|contact|lead|deal|campaign|' +
    'survey|template|policy|claim|lab result|medication|visit|encounter|device|asset|license|user account|' +
    'purchase order|sales order|price list|reminder|statement|journal entry|bank account|card|wallet|' +
    'inventory item|warehouse|store|merchant|member|membership|plan|course|lesson|enrollment|message|' +
    'channel|article|page view|event|session|dashboard|metric|audit log|consent|referral|sku|' +
    'return|delivery|route|driver|vehicle|job|candidate|application form|timesheet|shift|payslip'
  ).split('|'),
);

const FIELD_LEXICON = new Set(
  (
    'amount|currency|due date|issue date|email|email address|first name|last name|full name|name|' +
    'quantity|price|unit price|total|subtotal|tax|vat|vat number|address|billing address|shipping address|' +
    'phone|phone number|description|title|date of birth|password|reference|iban|start date|' +
    'end date|time zone|timezone|language|rating|priority|due amount|balance|discount code|postal code|' +
    'zip code|country|city|username|avatar|dosage|diagnosis|expiry date|expiration date|credit limit|' +
    'payment terms|po number|invoice number|order number|weight|size|color|sku code|tags|url'
  ).split('|'),
);

/** Nouns too generic to name a task after. */
const GENERIC_NOUNS = new Set(
  (
    'user|users|system|ability|way|time|option|options|list|data|information|info|detail|details|thing|' +
    'feature|functionality|app|application|button|field|fields|value|values|error|errors|number|process|' +
    'request|response|result|results|support|access|action|actions|change|changes|update|page|screen|' +
    'form|view|link|end|case|step|part|type|kind|set|lot|click|day|days|week|month|year|minute|second|' +
    'version|rest|api|endpoint|ui|backend|frontend|database|db|service|status|text|content|flow|need|goal|' +
    'reason|purpose|story|epic|acceptance|criteria|criterion|test|tests|requirement|requirements|item|' +
    'items|record|records|entry|entries|one|ones|someone|everyone|anyone|people|person|team|teams|' +
    'message box|correct|success|failure|problem|issue|issues|question|questions|help|table|tab|modal|' +
    'screen reader|keyboard|browser|mobile|desktop|web|click|input|output|file|files|format|level|mode|' +
    'state|states|progress|total|count|amount|field|name|email|date|title|description|details page'
  ).split('|'),
);

const ACTOR_SUBJECT =
  /\b(admins?|administrators?|managers?|finance managers?|accountants?|customers?|clients?|buyers?|sellers?|merchants?|doctors?|nurses?|clinicians?|patients?|agents?|operators?|reviewers?|approvers?|editors?|owners?|members?|guests?|visitors?|shoppers?|employees?|developers?|analysts?|support agents?|users?)\s+(?:can|should|must|wants?|needs?|is able|are able|may)\b/i;

const DETERMINERS = new Set(
  'a an the each every their my our your its his her this that these those any some no another'.split(' '),
);

const ADJECTIVES = new Set(
  (
    'new existing valid invalid single specific given selected current same other different correct ' +
    'unique required optional multiple several all related corresponding relevant previous next last first ' +
    'overdue draft pending active inactive unpaid paid outstanding open closed archived recent old ' +
    'individual particular main primary secondary default custom total monthly weekly daily annual ' +
    'full partial final initial public private internal external own whole entire specified upcoming'
  ).split(' '),
);

const STATUS_WORDS =
  /\b(draft|pending|submitted|approved|rejected|sent|paid|unpaid|partially paid|overdue|cancell?ed|void(?:ed)?|active|inactive|suspended|archived|completed|in progress|open|closed|failed|refunded|shipped|delivered|scheduled|confirmed|expired)\b/gi;

const STATUS_WORD_SET = new Set(
  'draft pending submitted approved rejected sent paid unpaid overdue cancelled canceled void voided active inactive suspended archived completed open closed failed refunded shipped delivered scheduled confirmed expired'.split(
    ' ',
  ),
);

/** Words that are almost never the head of a noun phrase in a ticket. */
const NOT_NOUN = new Set(
  (
    'is are was were be been being can could should would will shall may might must do does did has have ' +
    'had create creates add adds update updates delete deletes view views see sees show shows send sends ' +
    'get gets set sets use uses allow allows let lets make makes display displays enter enters select ' +
    'selects click clicks open opens receive receives submit submits save saves edit edits remove removes ' +
    'and or but of to in on at by for with from into as that which who when if then than so not no'
  ).split(' '),
);

function nounish(word: string): boolean {
  if (word.length < 3 || NOT_NOUN.has(word) || DETERMINERS.has(word) || ADJECTIVES.has(word)) return false;
  if (/^\d/.test(word) || word.endsWith('ly')) return false;
  if ((word.endsWith('ed') || word.endsWith('ing')) && !RESOURCE_LEXICON.has(word)) return false;
  return true;
}

const TAIL_COLLAPSE = new Set(
  'list page screen form view details detail record records table history overview data information info section tab id ids'.split(
    ' ',
  ),
);

function resourcesFromPath(path: string): string[] {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (!seg || /^[{:]/.test(seg) || /^\d+$/.test(seg) || /^v\d+$/i.test(seg) || seg === 'api') continue;
    const name = singularize(seg.replace(/[-_]/g, ' ').toLowerCase());
    if (!GENERIC_NOUNS.has(name) && !/^(export|import|search|send|approve|cancel|pay)$/.test(name))
      out.push(name);
  }
  return out;
}

/**
 * The endpoints, resources, fields, actors, external systems and statuses a story mentions.
 * Purely lexical: a business-noun lexicon plus noun phrases after determiners ("an invoice",
 * "each customer"), ranked by how often they occur; endpoint paths count most.
 */
export function extractEntities(text: string): StoryEntities {
  const endpoints = uniq(
    [...text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\s+(\/[A-Za-z0-9_\-{}:./]*[A-Za-z0-9_}])/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    ),
  );

  const actors: string[] = [];
  for (const m of text.matchAll(/\bas an?\s+([a-z][a-z -]{1,40}?)(?=\s*,|\s+I\b|\s+we\b)/gi)) {
    // "IT admin" keeps its acronym: "it admins" reads as a pronoun.
    actors.push(lowerKeepAcronyms(m[1]!.trim()));
  }
  if (actors.length === 0) {
    const subject = text.match(ACTOR_SUBJECT) ?? text.match(/\bsigned[- ]in ([a-z]+(?: manager| agent)?)\b/i);
    if (subject) actors.push(singularize(subject[1]!.toLowerCase()));
  }

  // Endpoint paths were counted above; their verbs must not read as nouns ("post").
  const lower = text.replace(/\b(?:GET|POST|PUT|PATCH|DELETE)\s+\/\S*/g, ' ').toLowerCase();
  const tokens = lower.match(/[a-z][a-z'-]*|\d+|[.,;:!?()]/g) ?? [];

  const score = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const bump = (name: string, by: number, at: number) => {
    score.set(name, (score.get(name) ?? 0) + by);
    if (!firstSeen.has(name)) firstSeen.set(name, at);
  };

  for (const ep of endpoints) for (const r of resourcesFromPath(ep.split(' ')[1]!)) bump(r, 3, -1);

  const fields: string[] = [];
  const addField = (f: string) => {
    if (!fields.includes(f)) fields.push(f);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    const two = next ? `${t} ${next}` : '';
    const twoSingular = next ? `${t} ${singularize(next)}` : '';
    if (two && FIELD_LEXICON.has(two)) {
      addField(two);
      i++;
      continue;
    } else if (FIELD_LEXICON.has(t) && !(next && FIELD_LEXICON.has(`${t} ${next}`))) {
      // "tax rate" is a resource, "tax" alone a field.
      if (!(next && RESOURCE_LEXICON.has(`${t} ${singularize(next)}`))) addField(t);
    }
    if (twoSingular && RESOURCE_LEXICON.has(twoSingular)) {
      bump(twoSingular, 2, i);
      i++;
      continue;
    }
    const single = singularize(t);
    if (RESOURCE_LEXICON.has(single)) bump(single, 2, i);
    if (next === 'field' || next === 'fields') {
      if (nounish(t) && !GENERIC_NOUNS.has(t)) addField(t);
    }
    if (DETERMINERS.has(t)) {
      let j = i + 1;
      while (j < tokens.length && ADJECTIVES.has(tokens[j]!)) j++;
      const w1 = tokens[j];
      if (!w1 || !nounish(w1)) continue;
      const w2 = tokens[j + 1];
      let phrase = singularize(w1);
      if (w2 && nounish(w2) && !TAIL_COLLAPSE.has(w2) && !FIELD_LEXICON.has(w2) && !STATUS_WORD_SET.has(w2)) {
        phrase = `${w1} ${singularize(w2)}`;
      }
      if (!GENERIC_NOUNS.has(phrase) && !FIELD_LEXICON.has(phrase)) bump(phrase, 1, j);
    }
  }

  const actorSet = new Set(actors);
  const ranked = [...score.entries()]
    .filter(([name, s]) => {
      if (actorSet.has(name)) return false;
      if (GENERIC_NOUNS.has(name) || FIELD_LEXICON.has(name)) return false;
      return s >= 2 || RESOURCE_LEXICON.has(name);
    })
    .sort((a, b) => b[1] - a[1] || (firstSeen.get(a[0]) ?? 0) - (firstSeen.get(b[0]) ?? 0))
    .map(([name]) => name);
  // "line item" makes "item" redundant; an actor phrase ("finance manager") is not a resource.
  const resources = ranked
    .filter(
      (r) => !ranked.some((o) => o !== r && o.includes(' ') && o.split(' ').includes(r) && !r.includes(' ')),
    )
    .slice(0, 6);

  const integrations = uniq(
    [
      ...text.matchAll(
        /\b(Stripe|PayPal|Adyen|Braintree|Salesforce|HubSpot|Slack|Twilio|SendGrid|Mailgun|QuickBooks|Xero|Shopify|Okta|Auth0|Zapier|NetSuite|DocuSign|Google Calendar|Microsoft Teams|S3|GitHub|Jira|Zendesk|Intercom|Segment|Mixpanel)\b/gi,
      ),
    ].map((m) => canonicalVendor(m[1]!)),
  );
  for (const m of text.matchAll(/\b([A-Z][a-zA-Z0-9]+)\s+(?:API|webhooks?|SDK|integration)\b/g)) {
    const name = m[1]!;
    if (!/^(The|A|An|Our|Public|Internal|REST|New|Existing|Their|This|External)$/.test(name)) {
      if (!integrations.some((i) => i.toLowerCase() === name.toLowerCase())) integrations.push(name);
    }
  }

  const statuses = uniq([...text.matchAll(STATUS_WORDS)].map((m) => m[1]!.toLowerCase()));

  return { endpoints, resources, fields: fields.slice(0, 8), actors: uniq(actors), integrations, statuses };
}

const VENDOR_CASE: Record<string, string> = {
  paypal: 'PayPal',
  hubspot: 'HubSpot',
  sendgrid: 'SendGrid',
  quickbooks: 'QuickBooks',
  netsuite: 'NetSuite',
  docusign: 'DocuSign',
  github: 'GitHub',
  s3: 'S3',
  auth0: 'Auth0',
};

function canonicalVendor(name: string): string {
  const lower = name.toLowerCase();
  return (
    VENDOR_CASE[lower] ??
    lower
      .split(' ')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ')
  );
}
