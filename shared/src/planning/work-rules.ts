/**
 * The content of the rule engine, as data: which words put a criterion on which kind of work, what a
 * product's pages say about its platforms, the cross-cutting work an epic plans once, and the base
 * estimates. The code in generate-team-tasks.ts and plan-epic.ts only applies these tables.
 */
import type { Team } from './schemas.js';

/** A kind of work a criterion can ask for; `ui` becomes frontend or mobile work by the product. */
export type WorkArea = 'server' | 'ui' | 'data' | 'infra' | 'design';

export interface AreaCue {
  area: WorkArea;
  /** Matched against a criterion (or a story's title and description). */
  cue: RegExp;
  weight: number;
}

export const AREA_CUES: readonly AreaCue[] = [
  {
    area: 'ui',
    weight: 2,
    cue: /\b(?:shows?|shown|displays?|displayed|visible|hidden|hides?|sees?|page|screen|view|form|button|tab|menu|modal|dialog|banner|toast|click\w*|tap\w*|swipe\w*|scroll\w*|tooltip|icon|colou?rs?|contrast|font|layout|responsive|focus\w*|keyboard|screen ?readers?|voiceover|talkback|nvda|aria|alt text|reduced? motion|animation|touch targets?|dynamic type|empty state|spinner|preselected|highlighted|picker|dropdown|sidebar|dashboard|chart|graph|legend|axis|labels?|placeholder|link in the|inbox|widget|console|wizard|checkbox|toggle|badge|card view|drawer|calendar|timeline view|board)\b/i,
  },
  {
    // What happens on the user's own device is the app's work, even when it is "saved".
    area: 'ui',
    weight: 5,
    cue: /\b(?:on (?:the|their|your|a) (?:phone|device|tablet)|phones?|offline|android|ios|ipados|iphones?|ipads?|notification channel|interruption level|in the app|the app (?:is|was)|app (?:is )?(?:killed|restarted|closed)|background|foreground|keychain|keystore|locally|local (?:store|storage|database|push notifications?|notifications?)|tapping|taps?|pull-to-refresh|long[- ]press\w*|swipe\w*|uploads?|uploaded|retried from the app)\b/i,
  },
  {
    area: 'server',
    weight: 2,
    cue: /\b(?:stored?|saved?|persist\w*|recorded|database|ledger|api|endpoints?|returns?|responds?|status code|requests?|responses?|payload|webhooks?|idempoten\w*|rate[- ]limit\w*|retr(?:y|ies|ied)|queue\w*|calculat\w*|rounded|rounding|balance|validat\w*|rejected|refused|sent|sends?|e-?mails?|sms|notif\w*|encrypt\w*|tokens?|scopes?|permissions?|roles?|expire[sd]?|expiry|import\w*|export\w*|csv|pdf|file|sync\w*|integrat\w*|signature|hmac|ttl|reconcil\w*|minor units|cents|decimals?|currenc\w*|percent\w*|capped|fees?|surcharges?|discount\w*|interest|line items?|debit notes?|credit notes?|totals?|amounts? due|balances?|ledger entr\w*|http|4\d\d|5\d\d|json|keys?|duplicate|twice|deliver\w*|ssrf|writes?|written|recalculat\w*|only \w+(?: \w+)? (?:can|may))\b/i,
  },
  {
    area: 'data',
    weight: 2,
    cue: /\b(?:warehouse|pipelines?|etl|elt|dbt|snowflake|bigquery|redshift|backfill\w*|partition\w*|late[- ]arriving|snapshots?|dimensions?|fact tables?|lineage|data quality|ingest\w*|spark|airflow|dag|aggregat\w*|hourly|nightly load|row counts?|parquet|event stream|kafka|usage events?|metering)\b/i,
  },
  {
    area: 'infra',
    weight: 2,
    cue: /\b(?:deploy\w*|terraform|kubernetes|k8s|cdn|buckets?|s3|dns|certificates?|monitor\w*|alerting (?:rules?|pipeline)|autoscal\w*|backups?|disaster recovery|failover|feature flags?|rollouts?|canary|environments?|secrets? manager|vpc|firewall|cron|on-?call|pager\w*|grafana|prometheus|datadog)\b/i,
  },
  {
    area: 'design',
    weight: 2,
    cue: /\b(?:design(?:s|ed|er)?|redesign\w*|visual\w*|mock-?ups?|wireframes?|figma|look and feel|brand\w*|illustrations?|style guide|ux copy|microcopy|prototype)\b/i,
  },
];

/** What the pages of an epic say about its product, read once for the whole plan. */
export const PRODUCT_CUES = {
  /** A native or cross-platform app. */
  mobile_app:
    /\b(?:react native|ios|android|mobile app|the app|our app|in-app|app store|play store|iphone|expo|flutter|swift|kotlin|push notifications?|apns|fcm)\b/i,
  /** A browser product. */
  web: /\b(?:web|browser|website|site|portal|web app|desktop|chrome|edge|firefox|safari|back-?office|admin (?:ui|console|page|panel))\b/i,
  /** The release has no user interface at all. */
  no_ui:
    /\b(?:no (?:ui|user interface|screens?|front-?end|dashboard(?: or ui)?|ui work)|api[- ]only|headless|there is no (?:ui|user interface)|no dashboard or ui)\b/i,
  /** The product has no browser version. */
  no_web:
    /\b(?:no web(?: version| app| client)?|(?:app|mobile)[- ]only|only (?:in|on) the (?:app|phone)s?|not on the web)\b/i,
  /** The release has no app work. */
  // "The app is unchanged", not "the driver app is unchanged" (another app than the one this epic changes).
  no_app:
    /\b(?:no (?:native |mobile )?apps?(?! (?:install|download|needed|required|for))|without an app(?! install)|(?:the|our|mobile) apps? (?:is |are |stays? )?unchanged)\b/i,
};

/** A story's mention of the app rather than the web (in a product that has both). */
export const APP_STORY_CUE = /\b(?:app|phone|mobile|device|push|offline|tap\w*|swipe\w*|notification)\b/i;

/** Work that no-UI stories never need: what reads as a purely visual change skips the server. */
export const VISUAL_ONLY_CUE =
  /\b(?:contrast|font|colou?rs?|focus\w*|reduced? motion|animation|touch targets?|dynamic type|screen ?readers?|voiceover|talkback|nvda|aria|alt text|layout|spacing|zoom|readable|buttons?|dropdown|bigger|larger|smaller|icons?|labels?|headings?|landmarks?|announced|\d+\s*(?:dp|pt|px|em|rem)|\d+(?:\.\d+)?:1)\b/i;

/** A change to how the product looks (not how it reads aloud or behaves): design work. */
export const DESIGN_LOOK_CUE =
  /\b(?:contrast|colou?rs?|focus (?:ring|indicator|style)|visible focus|bigger|larger|spacing|touch targets?|icons?|layout|typography|font sizes?|visual\w*|look and feel|\d+(?:\.\d+)?:1)\b/i;

export type CrossCuttingId =
  | 'audit'
  | 'security_review'
  | 'privacy_review'
  | 'performance'
  | 'accessibility'
  | 'localisation'
  | 'api_reference'
  | 'monitoring'
  | 'requirement';

/** Work an epic's non-functional requirements ask for once, not once per story. */
export interface CrossCuttingKind {
  id: CrossCuttingId;
  /** Starts the task's summary ("Audit trail: every refund request is written ..."). */
  label: string;
  team: Team;
  /** Days before the complexity factor. */
  days: number;
  /** A requirement line that asks for this work. The first kind a line matches is its kind. */
  trigger: RegExp;
  /** A story criterion that this work covers: it goes to the epic's task, not to a task of the story. */
  covers_criterion?: RegExp;
  /** Stories whose text matches need the work; none matching: the stories the requirement names, or all. */
  story_cue: RegExp;
  /**
   * `builds`: something the stories use (an audit trail): it blocks their QA. `verifies`: a check of the
   * finished work (a load test, a security review): it waits for their QA.
   */
  relation: 'builds' | 'verifies';
  scope: string[];
  done_when: string[];
}

export const CROSS_CUTTING: readonly CrossCuttingKind[] = [
  {
    id: 'audit',
    relation: 'builds',
    label: 'Audit trail',
    team: 'backend',
    days: 2,
    trigger: /\baudit(?:ed|ing)?\b|\baudit (?:log|trail)s?\b/i,
    covers_criterion:
      /\baudit(?:ed|ing)?\b|\baudit (?:log|trail|entry|entries)\b|\brecorded with (?:who|user) and when\b/i,
    story_cue: /\baudit\w*\b|\bwho and when\b|\bhistory\b/i,
    scope: [
      'One audit writer used by every story of the epic: who, what, when and the before/after values',
      'Entries are append-only and cannot be edited or deleted',
    ],
    done_when: [
      'Every action the requirement names writes exactly one audit entry',
      'Entries are readable by the roles allowed to',
    ],
  },
  {
    id: 'security_review',
    relation: 'verifies',
    label: 'Security review',
    team: 'qa',
    days: 2,
    trigger:
      /\b(?:security review|pen(?:etration)?[- ]?test\w*|threat model\w*|appsec|security assessment|security audit|privacy office reviews?|pci(?:[- ]dss)?|soc ?2|iso 27001)\b/i,
    story_cue: /\b(?:security|permission|role|token|key|secret|pan|cvv|phi|pii|payload|sso)\b/i,
    scope: [
      "Threat model of the epic's new surfaces",
      'Findings triaged and fixed or accepted before release',
    ],
    done_when: ['The reviewers sign off with no open critical or high finding'],
  },
  {
    id: 'privacy_review',
    relation: 'verifies',
    label: 'Privacy review',
    team: 'qa',
    days: 1,
    trigger:
      /\b(?:privacy review|compliance review|data[- ]contract review|pii review|dpia|data protection impact|reviewed? by (?:the )?(?:compliance|privacy|legal|data[- ]protection))\b|\b(?:privacy|compliance|data[- ]contract)\b[^.]{0,40}\breview/i,
    story_cue: /\b(?:phi|pii|personal data|patient|e-?mail|address|name|gdpr|hipaa)\b/i,
    scope: [
      'Data flows of the epic listed with the personal data each carries',
      'Review held with the named office',
    ],
    done_when: ['The review is signed off and its actions are done'],
  },
  {
    id: 'performance',
    relation: 'verifies',
    label: 'Performance budget and load test',
    team: 'qa',
    days: 1.5,
    trigger:
      /\b(?:p9[059]|latency|load test\w*|performance (?:budget|test\w*)|lcp|throughput|requests?(?:\/| per )s(?:ec(?:ond)?)?|req\/s|rps)\b|\b(?:under|within|below|less than)\s+\d[\d.,]*\s*(?:ms|milliseconds?|s|seconds?|minutes?)\b/i,
    story_cue: /\b(?:within|under|p9\d|seconds?|ms|minutes?|fast|latency|load)\b/i,
    scope: [
      'A load profile at the stated volume',
      'The budget measured in CI or before release, with the numbers recorded',
    ],
    done_when: ['The stated targets hold at the stated volume'],
  },
  {
    id: 'accessibility',
    relation: 'verifies',
    label: 'Accessibility check',
    team: 'qa',
    days: 1.5,
    trigger:
      /\b(?:wcag|axe(?:-core)?|accessibility (?:review|audit|check|test\w*)|screen ?reader pass|manual pass with (?:nvda|voiceover|jaws)|nvda|jaws)\b/i,
    story_cue: /\b(?:screen|page|form|contrast|focus|keyboard|reader|motion)\b/i,
    scope: [
      'Automated accessibility checks on the pages the epic changes',
      'A manual assistive-technology pass of the changed flows',
    ],
    done_when: ['No critical or serious finding remains open'],
  },
  {
    id: 'localisation',
    relation: 'builds',
    label: 'Localisation (i18n)',
    team: 'frontend',
    days: 1.5,
    trigger:
      /\b(?:locali[sz]\w*|internationali[sz]ation|i18n|l10n|translation (?:pass|files?|vendor)|translated into|in (?:english|german|french|spanish|welsh|dutch|italian|portuguese) (?:and|\+) (?:english|german|french|spanish|welsh|dutch|italian|portuguese))\b/i,
    covers_criterion: /\b(?:translat\w*|locali[sz]\w*|i18n)\b/i,
    story_cue: /\b(?:text|label|message|screen|page|sms|e-?mail|copy)\b/i,
    scope: [
      'Every new text of the epic in the translation files',
      "Dates and numbers formatted by the user's locale",
    ],
    done_when: ['Every new text shows in each language of the requirement'],
  },
  {
    id: 'api_reference',
    relation: 'builds',
    label: 'API reference',
    team: 'backend',
    days: 1,
    trigger: /\b(?:openapi|swagger|api reference|api docs|api documentation)\b/i,
    story_cue: /\b(?:api|endpoint|webhook|get|post|put|patch|delete)\b/i,
    scope: [
      'One reference document covering every endpoint and event of the epic',
      'Published with the release',
    ],
    done_when: ['The reference validates and matches the implemented endpoints'],
  },
  {
    id: 'monitoring',
    relation: 'builds',
    label: 'Monitoring and alerts',
    team: 'infrastructure',
    days: 1,
    trigger: /\b(?:monitoring|alerting|on-?call|slo|dashboards? for (?:ops|on-?call))\b/i,
    story_cue: /\b(?:fail\w*|alert\w*|late|error|job|run)\b/i,
    scope: ["Metrics and alerts for the epic's new jobs and endpoints", 'A runbook entry per alert'],
    done_when: ['Each alert fires in a test and reaches the on-call channel'],
  },
];

/** Base days per task before the story's complexity factor. */
export const ESTIMATES = {
  base: {
    backend: 1.5,
    frontend: 1.5,
    mobile: 2,
    design: 1,
    data: 2,
    infrastructure: 1,
    qa: 0.5,
  } satisfies Record<Team, number>,
  /** Added for each criterion a task covers beyond its first. */
  per_extra_criterion: 0.5,
  /** QA days per test case the coverage level asks for across the story's tasks. */
  qa_per_test: 0.1,
};

/**
 * Most criteria one implementation task takes, most tasks per team and story, and the longest a
 * criterion's phrase and a two-criteria summary may be to be joined (longer ones get tasks of their own).
 */
export const TASK_SHAPE = { criteria_per_task: 2, tasks_per_team: 4, phrase_chars: 110, summary_chars: 170 };

/** How a task too long for one cycle is cut: each part a phase with its own scope and done-when. */
export interface SplitPhase {
  label: string;
  /** `{summary}` is the whole task's summary. */
  done_when: string;
}

export const SPLIT_PHASES: readonly SplitPhase[] = [
  { label: 'main path', done_when: 'The main path of "{summary}" works, with unit tests' },
  {
    label: 'edge cases and errors',
    done_when: 'Edge cases and error paths of "{summary}" are handled and tested',
  },
  { label: 'integration and review', done_when: '"{summary}" is integrated end to end, reviewed and merged' },
];

/**
 * A requirement of the epic that no kind above names and no story's task carries ("Existing users keep
 * their settings after the migration"): planned once as its own task, so no requirement is dropped. The team
 * comes from what the line is about; a measured budget is checked on the finished work.
 */
export const EPIC_REQUIREMENT = {
  id: 'requirement',
  label: 'Non-functional',
  days: 1.5,
  /** A budget to measure ("< 5 ms p95", "2M users within 30 minutes"): it verifies the stories' work. */
  measured:
    /\b\d[\d.,]*\s*(?:ms|s|sec\w*|minutes?|min|hours?|h|%|k|m|rps|req\/s|users|requests|records|rows|events)\b|\bp9\d\b/i,
  scope: [
    'Meet the requirement in every story it concerns, in one implementation',
    'Show it is met: a test or measurement on the build that ships',
  ],
  done_when: ['The requirement holds on the release candidate, shown by a test or a measurement'],
} as const;
