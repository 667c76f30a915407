/**
 * What the planning prompts tell a model about coverage levels, business domains and technical contexts:
 * content, kept as data with named fields so it can be read and changed without touching code. The
 * levels and the detected domains come from the rule engine (COVERAGE_RANGES, detectDomains,
 * detectTechnicalContexts), so the model and the rules plan to the same standard.
 */
import type { CoverageLevel, Domain, TechnicalContext } from '@augment/shared';

export interface CoverageGuidance {
  /** What the level covers, in a phrase. */
  focus: string;
  /** What each task's cases should include at this level. */
  rules: readonly string[];
}

export const COVERAGE_GUIDANCE: Readonly<Record<CoverageLevel, CoverageGuidance>> = {
  minimal: {
    focus: 'happy paths only',
    rules: ['One case per acceptance criterion the task implements, on its main success path.'],
  },
  basic: {
    focus: 'happy paths and the main error cases',
    rules: [
      'The success path of each criterion the task implements.',
      'The main failure of each: invalid input, a missing record, a refused permission.',
    ],
  },
  standard: {
    focus: 'happy paths, error cases and edge cases',
    rules: [
      'The success path of each criterion the task implements.',
      'Its failures: invalid input, missing records, refused permissions, conflicts.',
      'Its edges: boundaries of every limit the criteria name, empty and maximum values, repeated requests.',
    ],
  },
  comprehensive: {
    focus: 'everything, including performance and security',
    rules: [
      'The success path, failures and edges of each criterion the task implements.',
      'Performance against the budgets the sources name (latency, volume), for tasks that serve them.',
      'Security: authorization of every role, input that tries injection, secrets never exposed.',
      'Accessibility of every screen the task builds (keyboard, screen reader, contrast).',
    ],
  },
};

/** What each detected business domain adds to tasks and tests. */
export const DOMAIN_GUIDANCE: Readonly<Record<Domain, readonly string[]>> = {
  financial: [
    'Amounts as the sources define them (minor units such as integer cents when they say so), with the rounding rule tested at its boundary.',
    'Currencies: amounts never mix currencies; conversions name their rate and time.',
    'Every money movement is recorded in an audit trail and can be reconciled.',
    'Payments, refunds and transfers are idempotent: a retried request moves money once.',
  ],
  healthcare: [
    'Patient data is private: access by role only, every access logged, nothing identifying in logs or URLs.',
    'Consent is checked before data is shown or shared; retention follows the stated policy.',
    'Clinical values keep their units and reference ranges.',
  ],
  ecommerce: [
    'Stock is reserved and released consistently; two buyers never get the last item.',
    'Prices, discounts and taxes are computed once, on the server, and shown as charged.',
    'Orders move through explicit states; payment and fulfilment failures leave a consistent order.',
  ],
  security: [
    'Every endpoint and screen checks authentication and the role allowed to use it; denied access is tested.',
    'Input is validated on the server; injection and oversized input are refused.',
    'Secrets and tokens are never logged or returned; sessions expire.',
  ],
};

/** What each technical context adds to tests. */
export const CONTEXT_GUIDANCE: Readonly<Record<TechnicalContext, string>> = {
  api: 'API: status codes, request validation, error bodies, idempotency of retried writes.',
  database: 'Database: integrity constraints, transactions, migrations that keep existing data.',
  ui: 'UI: interaction, validation messages, empty and loading states, accessibility.',
  microservice: 'Services: timeouts, retries and what happens when a dependency is down.',
};
