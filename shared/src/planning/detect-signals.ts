/**
 * Keyword-signal detection: story types, business domains and technical contexts. Each signal has a
 * weight; a category counts when its weights reach 2, so one strong word ("endpoint", "HIPAA") or two
 * weak ones ("service" + "request") are needed. This keeps one stray word from changing the plan.
 */
import type { Domain, StoryType, TechnicalContext } from './schemas.js';

interface Signal {
  re: RegExp;
  weight: number;
}

type SignalTable<K extends string> = Record<K, readonly Signal[]>;

const strong = (re: RegExp): Signal => ({ re, weight: 2 });
const weak = (re: RegExp): Signal => ({ re, weight: 1 });

const HTTP_ENDPOINT = /\b(?:GET|POST|PUT|PATCH|DELETE)\s+\/[^\s,;)]*/g;

const STORY_TYPE_SIGNALS: SignalTable<StoryType> = {
  api: [
    strong(/\b(?:apis?|endpoints?|rest(?:ful)?|graphql|grpc|backend|back-end|server[- ]side)\b/gi),
    strong(HTTP_ENDPOINT),
    strong(/\b(?:database|db|sql|status codes?)\b/gi),
    weak(/\b(?:services?|requests?|responses?|payloads?|json|persist(?:ed|s|ence)?|stored?|saved?)\b/gi),
  ],
  ui: [
    strong(/\b(?:ui|user interface|frontend|front-end|pages?|screens?|forms?|buttons?|modals?|dialogs?)\b/gi),
    strong(/\b(?:dashboards?|components?|widgets?|wizard|sidebar|dropdowns?|tooltips?|responsive)\b/gi),
    weak(
      /\b(?:interfaces?|views?|display(?:s|ed)?|shows?|shown|click(?:s|ing)?|tabs?|menus?|layout|see)\b/gi,
    ),
    weak(/\b(?:lists?|filter(?:s|ed|ing)?|sort(?:s|ed|ing)?|search(?:es|ed|ing)?|select(?:s|ed)?)\b/gi),
  ],
  data: [
    strong(/\b(?:analytics|etl|data pipelines?|data processing|data migrations?|backfill(?:s|ing)?)\b/gi),
    strong(/\b(?:data warehouse|data lake|ingest(?:ion|s|ed)?|aggregat(?:e|es|ed|ion|ions))\b/gi),
    strong(/\bmigrat(?:e|ing) (?:existing|legacy|historical|old) (?:data|records?)\b/gi),
    weak(/\b(?:reports?|reporting|pipelines?|migrations?|metrics|exports?|imports?|csv|datasets?|batch)\b/gi),
  ],
  integration: [
    strong(
      /\b(?:integrat(?:e|es|ed|ion|ions|ing)|third[- ]party|webhooks?|external (?:api|system|service|provider)s?)\b/gi,
    ),
    strong(
      /\b(?:stripe|paypal|adyen|braintree|salesforce|hubspot|slack|twilio|sendgrid|mailgun|quickbooks|xero|shopify|okta|auth0|zapier|netsuite|docusign)\b/gi,
    ),
    weak(
      /\b(?:connect(?:s|ed|ing|or|ors)?|sync(?:s|ed|ing|hroni[sz](?:e|es|ed|ation))?|external|partners?|providers?)\b/gi,
    ),
  ],
};

const DOMAIN_SIGNALS: SignalTable<Domain> = {
  financial: [
    strong(
      /\b(?:invoices?|invoicing|billing(?! address)|ledger|accounting|payroll|reconcil(?:e|es|ed|iation)|refunds?)\b/gi,
    ),
    strong(
      /\b(?:currenc(?:y|ies)|vat|sales tax|tax(?:es)?|bank(?:ing)?|iban|general ledger|journal entr(?:y|ies))\b/gi,
    ),
    weak(
      /\b(?:payments?|amounts?|fees?|credit|debit|balances?|interest|prices?|transactions?|financial|finance)\b/gi,
    ),
  ],
  healthcare: [
    strong(
      /\b(?:patients?|phi|hipaa|medical|clinical|diagnos(?:is|es)|prescriptions?|ehr|emr|health records?)\b/gi,
    ),
    strong(/\b(?:physicians?|clinicians?|nurses?|hospitals?|clinics?|medications?|lab results?)\b/gi),
    weak(/\b(?:appointments?|doctors?|care|health|insurance claims?|consent)\b/gi),
  ],
  ecommerce: [
    strong(/\b(?:carts?|checkout|storefront|inventory|skus?|wishlists?|e-?commerce|shopping)\b/gi),
    strong(/\b(?:product catalog(?:ue)?|stock levels?|out of stock|shipping|fulfil?ment|coupons?)\b/gi),
    weak(/\b(?:orders?|products?|catalog(?:ue)?|discounts?|merchants?|payments?|customers?|returns?)\b/gi),
  ],
  security: [
    strong(
      /\b(?:authenticat(?:e|ion|ed)|authori[sz](?:e|ation|ed)|login|log in|sign[- ]in|passwords?|oauth|sso|saml)\b/gi,
    ),
    strong(
      /\b(?:mfa|2fa|two[- ]factor|rbac|permissions?|encrypt(?:ion|ed)?|jwt|csrf|xss|access control)\b/gi,
    ),
    weak(/\b(?:roles?|tokens?|sessions?|secrets?|audit logs?|api keys?|security|secure|privacy|gdpr)\b/gi),
  ],
};

const CONTEXT_SIGNALS: SignalTable<TechnicalContext> = {
  api: [
    strong(/\b(?:apis?|endpoints?|rest(?:ful)?|graphql|status codes?|webhooks?|http)\b/gi),
    strong(HTTP_ENDPOINT),
    weak(/\b(?:requests?|responses?|payloads?|json|backend|services?)\b/gi),
  ],
  database: [
    strong(
      /\b(?:database|db|sql|postgres(?:ql)?|mysql|mongo(?:db)?|dynamodb|tables?|schema|migrations?)\b/gi,
    ),
    strong(/\b(?:transactions?|foreign keys?|indexe?s|indices|queries|query)\b/gi),
    weak(/\b(?:persist(?:ed|s|ence)?|stored?|saved?|records?|history|columns?)\b/gi),
  ],
  ui: [
    strong(
      /\b(?:ui|user interface|frontend|front-end|pages?|screens?|forms?|buttons?|modals?|dashboards?)\b/gi,
    ),
    strong(/\b(?:components?|accessib(?:le|ility)|wcag|keyboard|responsive|browsers?|mobile)\b/gi),
    weak(/\b(?:views?|display(?:s|ed)?|shows?|shown|click(?:s|ing)?|see|tabs?|menus?)\b/gi),
  ],
  microservice: [
    strong(
      /\b(?:microservices?|service[- ]to[- ]service|message (?:queue|bus|broker)|event bus|kafka|rabbitmq|sqs|sns)\b/gi,
    ),
    strong(/\b(?:pub\/sub|grpc|distributed|circuit breakers?|downstream|upstream|event[- ]driven|saga)\b/gi),
    weak(/\b(?:queues?|events?|services?|retr(?:y|ies)|timeouts?|asynchronous(?:ly)?|async)\b/gi),
  ],
};

export interface Detection<K extends string> {
  /** Categories whose signal weight reached the threshold, strongest first. */
  found: K[];
  /** The words that matched, per category (also for categories below the threshold). */
  signals: Record<K, string[]>;
}

function detect<K extends string>(text: string, table: SignalTable<K>, threshold = 2): Detection<K> {
  const signals = {} as Record<K, string[]>;
  const scores: [K, number][] = [];
  for (const key of Object.keys(table) as K[]) {
    const seen = new Set<string>();
    let score = 0;
    for (const signal of table[key]) {
      for (const m of text.matchAll(signal.re)) {
        // "customer" and "customers" are one signal, not two.
        const word = m[0]
          .toLowerCase()
          .replace(/\s+/g, ' ')
          .replace(/(?<=[a-z]{3})(?:e?s)$/, '');
        if (seen.has(word)) continue;
        seen.add(word);
        score += signal.weight;
      }
    }
    signals[key] = [...seen];
    if (score >= threshold) scores.push([key, score]);
  }
  scores.sort((a, b) => b[1] - a[1]);
  return { found: scores.map(([k]) => k), signals };
}

/**
 * Story types (API, UI, data, integration) found in a story's text; a story can be several.
 * @returns `types` strongest first, and the matched words per type.
 */
export function detectStoryTypes(text: string): { types: StoryType[]; signals: Record<StoryType, string[]> } {
  const d = detect(text, STORY_TYPE_SIGNALS);
  return { types: d.found, signals: d.signals };
}

/** Business domains (financial, healthcare, ecommerce, security) whose vocabulary the text uses. */
export function detectDomains(text: string): { domains: Domain[]; signals: Record<Domain, string[]> } {
  const d = detect(text, DOMAIN_SIGNALS);
  return { domains: d.found, signals: d.signals };
}

/** Technical contexts (api, database, ui, microservice) the text touches. */
export function detectTechnicalContexts(text: string): {
  contexts: TechnicalContext[];
  signals: Record<TechnicalContext, string[]>;
} {
  const d = detect(text, CONTEXT_SIGNALS);
  return { contexts: d.found, signals: d.signals };
}
