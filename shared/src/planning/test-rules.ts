/**
 * The content of rule-based test generation, as data: what each coverage level includes, how each
 * layer names and types its cases, the concrete data a precondition uses per domain, and the domain,
 * platform and technical cases with the words that call for them. generate-test-cases.ts applies them.
 */
import type { CoverageLevel } from '../api/requests.js';
import type { Team, TestPriority, TestType } from './schemas.js';

/** Tests per item for each coverage level (FEATURES.md, "Coverage Levels"). */
export const COVERAGE_RANGES: Record<CoverageLevel, { min: number; max: number }> = {
  minimal: { min: 1, max: 2 },
  basic: { min: 2, max: 4 },
  standard: { min: 3, max: 6 },
  comprehensive: { min: 5, max: 10 },
};

/** Kinds of case, in the order they are chosen once every criterion has its main case. */
export type CaseKind =
  | 'main'
  | 'refusal'
  | 'boundary'
  | 'repeat'
  | 'state'
  | 'format'
  | 'domain'
  | 'platform'
  | 'fill';

export const LEVEL_KINDS: Record<CoverageLevel, readonly CaseKind[]> = {
  minimal: ['main'],
  basic: ['main', 'refusal', 'boundary'],
  standard: ['main', 'refusal', 'boundary', 'repeat', 'state', 'format', 'domain', 'platform'],
  comprehensive: ['main', 'refusal', 'boundary', 'repeat', 'state', 'format', 'domain', 'platform'],
};

/** How a layer names and types its cases, so one criterion tested by two layers reads as two tests. */
export interface Layer {
  prefix: string;
  main: TestType;
  /** The type of a calculation's main case. */
  logic: TestType;
  act: string;
}

/** Who writes and runs the cases: a team's task, the story itself, or a piece of epic-wide work. */
export type TestLayer = Team | 'story' | 'epic';

export const LAYERS: Record<TestLayer, Layer> = {
  story: {
    prefix: '',
    main: 'acceptance',
    logic: 'acceptance',
    act: 'as the user, do what the criterion describes',
  },
  backend: { prefix: 'API', main: 'integration', logic: 'unit', act: 'call the operation' },
  frontend: { prefix: 'Screen', main: 'ui', logic: 'ui', act: 'use the screen' },
  mobile: { prefix: 'App', main: 'ui', logic: 'ui', act: 'use the app' },
  design: { prefix: 'Design review', main: 'acceptance', logic: 'acceptance', act: 'review the design' },
  data: { prefix: 'Pipeline', main: 'integration', logic: 'unit', act: 'run the pipeline' },
  infrastructure: {
    prefix: 'Platform',
    main: 'integration',
    logic: 'integration',
    act: 'run it in a test environment',
  },
  qa: { prefix: 'End to end', main: 'e2e', logic: 'e2e', act: 'walk through the flow as the user' },
  epic: {
    prefix: '',
    main: 'acceptance',
    logic: 'acceptance',
    act: 'carry out the check on the release candidate',
  },
};

/** Concrete data for a precondition the criterion leaves open, by what the item is about. */
export const EXAMPLE_DATA: { cue: RegExp; given: string }[] = [
  {
    cue: /\b(?:refund|payment|payout|charge|capture)\w*/i,
    given: 'a captured payment of 124.50 EUR (12450 minor units)',
  },
  { cue: /\b(?:invoice|bill)\w*/i, given: 'invoice INV-1001 for 2 lines: 2 x 10.00 EUR and 1 x 5.50 EUR' },
  { cue: /\b(?:points?|loyalty|reward)\w*/i, given: 'a member with 250 points' },
  { cue: /\b(?:cart|checkout|order)\w*/i, given: 'a cart with 2 items at 10.00 EUR' },
  {
    cue: /\b(?:patient|appointment|visit|result)\w*/i,
    given: 'patient MRN 000123 with one visit on the next working day at 10:30',
  },
  { cue: /\b(?:shipment|parcel|delivery|route)\w*/i, given: 'shipment SH-42 with 2 parcels of 1200 g' },
  {
    cue: /\b(?:assignment|student|grade|class)\w*/i,
    given: 'a class of 3 students and one assignment due Friday 23:59',
  },
  { cue: /\b(?:employee|leave|balance)\w*/i, given: 'employee E-7 with 40.0 hours of leave' },
  { cue: /\b(?:thermostat|firmware|fleet)\w*/i, given: 'a test fleet of 3 devices on firmware 4.11' },
  { cue: /\b(?:event|usage|meter)\w*/i, given: '3 usage events for customer C-9 in the same hour' },
  { cue: /\b(?:job|technician|checklist)\w*/i, given: 'technician T-3 with 2 jobs for today' },
  { cue: /\b(?:webhook|endpoint|api key|request)\w*/i, given: 'an API client with a valid key for tenant A' },
  { cue: /\b(?:card|alert|transaction)\w*/i, given: 'a card ending 4242 with one transaction of 12.30 EUR' },
  { cue: /\b(?:price|product|sku)\w*/i, given: 'SKU 1001 priced 19.99 EUR' },
];

export interface ExtraCase {
  kind: CaseKind;
  /** The item's text must match (and, when set, must not match `unless`). */
  cue: RegExp;
  unless?: RegExp;
  /** Layers it applies to; absent: every layer. */
  layers?: readonly TestLayer[];
  /** `{subject}` is the item's short subject. */
  title: string;
  type: TestType;
  priority: TestPriority;
  steps: string[];
  expected: string;
}

/**
 * Cases that the item's words call for, beyond its criteria: money with no or three decimals, PHI in
 * logs, retention, tenants, accessibility, the platform. Each only where its cue is in the item.
 */
export const EXTRA_CASES: readonly ExtraCase[] = [
  {
    kind: 'domain',
    cue: /\b(?:amounts?|currenc\w*|minor units?|cents|price|total|refund\w*|payout|fee|balance)\b/i,
    layers: ['backend', 'data', 'qa', 'story'],
    title: 'Amounts stay integer minor units for {subject}',
    type: 'unit',
    priority: 'high',
    steps: [
      'Arrange: an amount of 0.10 EUR + 0.20 EUR',
      'Act: process it end to end',
      'Assert: 30 minor units, never 0.30000000000000004',
    ],
    expected: 'Every stored and sent amount is an integer count of minor units',
  },
  {
    kind: 'domain',
    cue: /\b(?:currenc\w*|jpy|kwd|bhd|iso 4217|minor units?)\b/i,
    layers: ['backend', 'data', 'qa', 'story'],
    title: 'Zero- and three-decimal currencies for {subject}',
    type: 'unit',
    priority: 'high',
    steps: [
      'Arrange: 1000 JPY (0 decimals) and 1.500 KWD (3 decimals)',
      'Act: process both',
      'Assert: 1000 and 1500 minor units; shown as ¥1,000 and 1.500 KWD',
    ],
    expected: 'The currency exponent comes from ISO 4217, never a fixed 100',
  },
  {
    kind: 'domain',
    cue: /\b(?:round\w*|tax|vat|percent\w*|%|commission|fee|interest|discount)\b/i,
    layers: ['backend', 'data', 'qa', 'story'],
    title: 'Rounding at the minor unit for {subject}',
    type: 'unit',
    priority: 'medium',
    steps: [
      'Arrange: a figure of 10.005 EUR and one of 10.015 EUR',
      'Act: compute and round once, at the end',
      'Assert: the rounding rule of the story gives the same result every time',
    ],
    expected: 'Rounded once, to the currency minor unit, by the stated rule',
  },
  {
    kind: 'domain',
    cue: /\b(?:phi|patient|hipaa|medical|health|lab result)\w*/i,
    layers: ['backend', 'data', 'qa', 'story', 'mobile', 'frontend'],
    title: 'No PHI in logs or error messages for {subject}',
    type: 'security',
    priority: 'high',
    steps: [
      'Arrange: a patient record with name, MRN and date of birth',
      'Act: run the flow and force an error',
      'Assert: logs, error bodies and analytics events hold no name, MRN or birth date',
    ],
    expected: 'PHI appears only where the user is allowed to see it',
  },
  {
    kind: 'domain',
    cue: /\b(?:retain\w*|retention|kept for \d+|keep \w+ (?:\w+ )?\d+ (?:years?|months?)|\d+ (?:years?|yrs))\b/i,
    layers: ['backend', 'data', 'qa', 'story'],
    title: 'Retention period is honoured for {subject}',
    type: 'integration',
    priority: 'high',
    steps: [
      'Arrange: records at the end of the retention period and one day before it',
      'Act: run every clean-up and delete path',
      'Assert: nothing inside the period is deleted or changed',
    ],
    expected: 'Records inside the retention period stay; only the stated process removes older ones',
  },
  {
    kind: 'domain',
    cue: /\b(?:tenants?|multi-?tenant|api keys?|partners?|merchants?|their own|other (?:customers|companies|organi[sz]ations))\b/i,
    layers: ['backend', 'qa'],
    title: "Another tenant's data stays out of reach in {subject}",
    type: 'security',
    priority: 'high',
    steps: [
      'Arrange: tenants A and B with one record each',
      "Act: as tenant A, ask for tenant B's record by id",
      'Assert: 404, and nothing of tenant B in the answer or the logs',
    ],
    expected: "A tenant never reads or changes another tenant's data",
  },
  {
    kind: 'domain',
    cue: /\b(?:secret|password|pin|pan|cvv|api keys?|tokens?)\b/i,
    layers: ['backend', 'qa', 'mobile'],
    title: 'Secrets never reach logs in {subject}',
    type: 'security',
    priority: 'high',
    steps: [
      'Arrange: a request that carries the secret',
      'Act: run it, then run it with an error',
      'Assert: logs and error bodies never hold the secret, even partly',
    ],
    expected: 'The secret is never logged or echoed',
  },
  {
    kind: 'platform',
    cue: /\b(?:contrast|colou?rs?|\d(?:\.\d)?:1)\b/i,
    layers: ['frontend', 'mobile', 'design', 'qa', 'story'],
    title: 'Contrast is measured for {subject}',
    type: 'ui',
    priority: 'high',
    steps: [
      'Arrange: the screen in light and dark themes',
      'Act: measure text and control colours with a contrast checker',
      'Assert: 4.5:1 for text, 3:1 for large text, icons and focus indicators',
    ],
    expected: 'Every pair meets the stated ratio',
  },
  {
    kind: 'platform',
    cue: /\b(?:screen ?readers?|voiceover|talkback|nvda|aria|announced|label\w*)\b/i,
    layers: ['frontend', 'mobile', 'qa', 'story'],
    title: 'Screen reader reads {subject}',
    type: 'ui',
    priority: 'high',
    steps: [
      'Arrange: VoiceOver or NVDA on',
      'Act: go through the flow without looking at the screen',
      'Assert: every control, value and error is announced with its name and state',
    ],
    expected: 'The flow can be completed with a screen reader alone',
  },
  {
    kind: 'platform',
    cue: /\b(?:motion|animat\w*|transition\w*|parallax)\b/i,
    layers: ['frontend', 'mobile', 'qa', 'story'],
    title: 'Reduced motion is honoured in {subject}',
    type: 'ui',
    priority: 'medium',
    steps: [
      'Arrange: the operating system setting "reduce motion" on',
      'Act: open the screens of the flow',
      'Assert: no animation runs; state changes appear at once',
    ],
    expected: 'No motion when the user asked for less',
  },
  {
    kind: 'platform',
    cue: /./,
    unless: /\b(?:react native|ios|android|app)\b/i,
    layers: ['frontend'],
    title: 'Keyboard-only use of {subject}',
    type: 'ui',
    priority: 'medium',
    steps: [
      'Arrange: no mouse',
      'Act: complete the flow with Tab, Shift+Tab, Enter and Space',
      'Assert: focus is visible and in reading order; nothing needs a pointer',
    ],
    expected: 'The flow works from the keyboard alone',
  },
  {
    kind: 'platform',
    cue: /./,
    layers: ['mobile'],
    title: 'Oldest supported phone and largest text size for {subject}',
    type: 'ui',
    priority: 'medium',
    steps: [
      'Arrange: the oldest supported iOS and Android versions, system text size at maximum',
      'Act: use the flow',
      'Assert: nothing is cut off or overlaps; touch targets stay at least 44 pt / 48 dp',
    ],
    expected: 'The flow works on every supported phone and text size',
  },
  {
    kind: 'platform',
    cue: /./,
    layers: ['mobile'],
    title: 'Connection lost in the middle of {subject}',
    type: 'ui',
    priority: 'medium',
    steps: [
      'Arrange: airplane mode switched on half way through',
      'Act: finish the flow, then reconnect',
      'Assert: no work is lost and the user sees what is still waiting',
    ],
    expected: 'Work done offline is kept and sent once back online',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['backend', 'data', 'frontend', 'mobile', 'qa', 'story'],
    title: 'Empty and smallest input for {subject}',
    type: 'integration',
    priority: 'medium',
    steps: [
      'Arrange: no records, then exactly one',
      'Act: run the flow for each',
      'Assert: a clear empty result, then the single record handled like many',
    ],
    expected: 'No error or blank screen at zero or one record',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['backend', 'data', 'frontend', 'mobile', 'qa', 'story'],
    title: 'Non-ASCII names and long text in {subject}',
    type: 'integration',
    priority: 'low',
    steps: [
      'Arrange: names such as "Zoë Ødegård-Łukasz" and a 1,000-character free text',
      'Act: run the flow',
      'Assert: every character is kept and nothing overflows or is cut silently',
    ],
    expected: 'Text survives unchanged end to end',
  },
  {
    kind: 'fill',
    cue: /\b(?:date|day|days|hour|hours|time|times|nightly|daily|monthly|weekly|deadline|due|expir\w*|months?|schedul\w*)\b/i,
    layers: ['backend', 'data', 'qa', 'story', 'mobile', 'frontend'],
    title: 'Time zones and the daylight-saving change in {subject}',
    type: 'integration',
    priority: 'medium',
    steps: [
      'Arrange: users in UTC and UTC+10, and a run across the daylight-saving change',
      'Act: run the flow on both sides of midnight and of the change',
      'Assert: every date and time is the one the user expects',
    ],
    expected: 'Dates and times are right in every time zone',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['backend', 'data', 'qa', 'story'],
    title: 'The largest realistic volume for {subject}',
    type: 'performance',
    priority: 'low',
    steps: [
      'Arrange: ten times the expected number of records',
      'Act: run the flow and record its timing',
      'Assert: it finishes within the agreed time and memory',
    ],
    expected: "The flow holds at ten times today's volume",
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['backend', 'data', 'infrastructure'],
    title: 'A failing dependency leaves {subject} unchanged',
    type: 'integration',
    priority: 'medium',
    steps: [
      'Arrange: the database or downstream service fails on the second write',
      'Act: run the operation',
      'Assert: nothing half-written remains and a retry succeeds',
    ],
    expected: 'All or nothing; a retry completes the work once',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['backend', 'data'],
    title: 'Two concurrent changes to {subject}',
    type: 'integration',
    priority: 'low',
    steps: [
      'Arrange: two clients acting on the same record at the same moment',
      'Act: submit both',
      'Assert: one wins or both apply; no lost update and no duplicate',
    ],
    expected: 'Concurrent changes never corrupt or duplicate data',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['frontend', 'mobile'],
    title: 'Loading, empty and error states of {subject}',
    type: 'ui',
    priority: 'medium',
    steps: [
      'Arrange: a slow answer, an empty answer and a failed answer from the server',
      'Act: open the screen for each',
      'Assert: a loading indicator, an empty state and a retryable error message',
    ],
    expected: 'Each state tells the user what is happening and what to do',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['qa', 'story'],
    title: 'Regression: the flows next to {subject} still work',
    type: 'e2e',
    priority: 'low',
    steps: [
      'Arrange: the existing regression suite of the area',
      'Act: run it on the build with this change',
      'Assert: the same results as before the change',
    ],
    expected: 'No change in neighbouring behaviour',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['qa', 'story'],
    title: 'The whole flow of {subject} with a second user at the same time',
    type: 'e2e',
    priority: 'low',
    steps: [
      'Arrange: two users of different roles',
      'Act: both go through the flow at once',
      'Assert: each sees only their own results',
    ],
    expected: 'The flow holds with more than one user',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['epic'],
    title: '{subject} runs on the release candidate of the whole epic',
    type: 'acceptance',
    priority: 'high',
    steps: [
      'Arrange: the release candidate with every story of the epic',
      'Act: carry out the work as the requirement states',
      'Assert: the requirement holds, with the evidence recorded',
    ],
    expected: 'The requirement is met on the build that ships',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['epic'],
    title: 'Findings of {subject} are triaged before release',
    type: 'acceptance',
    priority: 'medium',
    steps: [
      'Arrange: the findings list',
      'Act: give each finding an owner and a decision',
      'Assert: nothing critical or high is left open',
    ],
    expected: 'Every finding is fixed or accepted by its owner',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['epic'],
    title: '{subject} is run again after the fixes',
    type: 'acceptance',
    priority: 'medium',
    steps: [
      'Arrange: the fixes merged',
      'Act: repeat the check',
      'Assert: the earlier findings are gone and no new one appears',
    ],
    expected: 'The re-run is clean',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['design'],
    title: 'Design covers every state of {subject}',
    type: 'acceptance',
    priority: 'medium',
    steps: [
      'Arrange: the designs',
      'Act: walk through default, loading, empty, error and success states',
      'Assert: each state is designed and agreed with the team',
    ],
    expected: 'No state is left for the developers to invent',
  },
  {
    kind: 'fill',
    cue: /./,
    layers: ['infrastructure'],
    title: 'Rollback of {subject}',
    type: 'integration',
    priority: 'medium',
    steps: [
      'Arrange: the change deployed to staging',
      'Act: roll it back',
      'Assert: the previous version serves traffic with no data lost',
    ],
    expected: 'The change can be undone safely',
  },
];
