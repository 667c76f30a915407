/**
 * Rule-based test cases for a story or a task, from its acceptance criteria. Each criterion gets its main
 * case first (titled with what it verifies, never a template that could contradict it), then the cases
 * its own words call for: a refused attempt for a prohibition or a role rule, its limits' boundaries, a
 * repeated request for "once"/"twice", a format check for an export; then the domain and platform
 * cases the item's words call for (test-rules.ts). The count always lands in the coverage level's range,
 * titles are distinct, and every case names the criterion it traces to (null for technical cases).
 */
import type { CoverageLevel } from '../api/requests.js';
import { analyzeCriterion, type CriterionFacts } from './criteria.js';
import { detectDomains, detectTechnicalContexts } from './detect-signals.js';
import { extractEntities } from './extract-entities.js';
import type { Domain, Team, TechnicalContext, TestCase, TestPriority, TestType } from './schemas.js';
import {
  type CaseKind,
  COVERAGE_RANGES,
  EXAMPLE_DATA,
  EXTRA_CASES,
  LAYERS,
  type Layer,
  LEVEL_KINDS,
  type TestLayer,
} from './test-rules.js';
import { capitalize, contentTokens, lowerFirst, splitSentences, truncate } from './text.js';

export { COVERAGE_RANGES } from './test-rules.js';

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
  /** What the item is part of (the story's title), for the titles of its technical cases. */
  subject?: string;
  /** Titles the story's other items already use (lower case): chosen only when nothing else is left. */
  avoid?: ReadonlySet<string>;
  /** The item is epic-wide work (an audit trail, a load test): its cases check the requirement itself. */
  epic_wide?: boolean;
}

interface Candidate {
  kind: CaseKind;
  tc: TestCase;
}

const clean = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .replace(/[.;:\s]+$/, '')
    .trim();

/** "Given a, when b, then c" -> "c when b"; anything else as written. */
function statement(f: CriterionFacts): string {
  if (f.outcome) return clean(f.when ? `${f.outcome} when ${f.when}` : f.outcome);
  return clean(f.text);
}

function titled(layer: Layer, text: string, max = 150): string {
  const body = truncate(text, max);
  return layer.prefix ? `${layer.prefix}: ${lowerFirst(body)}` : capitalize(body);
}

function exampleGiven(text: string, resource: string): string {
  return (
    EXAMPLE_DATA.find((e) => e.cue.test(text))?.given ??
    `an existing ${resource} (id 42) as the story describes`
  );
}

const PROHIBITION =
  /\b(?:never|cannot|can't|must not|mustn't|may not|is not|are not|no longer|not allowed|refused|rejected|only)\b/i;
const REPEAT = /\b(?:twice|duplicate\w*|idempoten\w*|exactly one|only once|once|same \w+ again)\b/i;
// A file as a thing made or read, not "to file a form".
const FORMAT =
  /\b(?:csv|pdf|xlsx|json|xml|(?<!\bto )files?(?! (?:a|an|the|DEA|form|report|claim|complaint)\b)|exports?\b[^.]*\b(?:as|to|in)\b|download\w*)\b/i;
// Limits a user can push: sizes and counts, not durations of retention or schedules.
const INPUT_LIMIT =
  /\b(?:at least|at most|up to|maximum|minimum|max|min|no more than|fewer than|more than)\s+(\d+(?:[.,]\d+)?)\s*([a-z%]*)/i;
/** What a person enters, picks or sends: a limit on it is accepted or refused. */
const ENTERED_CUE =
  /\b(?:enter\w*|typ(?:e|es|ed|ing)|upload\w*|submit\w*|characters?|chars|fields?|names?|files?|attach\w*|add(?:s|ed|ing)?|select\w*|choos\w*|pick\w*|items?|contacts?|recipients?|members?|seats?|lines?|rows?|passwords?|comments?|messages?|notes?)\b/i;

/** The thing a limit counts ("5 trusted contacts in Settings" -> "trusted contacts"): up to three words. */
function limitUnit(after: string): string {
  const words: string[] = [];
  for (const w of after.trim().split(/\s+/)) {
    if (
      !/^[A-Za-z%-]+$/.test(w) ||
      /^(?:in|on|per|for|from|to|of|with|and|or|at|by|is|are|the|a|an)$/i.test(w)
    )
      break;
    words.push(w);
    if (words.length === 3 || /[.,;:]$/.test(w)) break;
  }
  return words.join(' ').replace(/[.,;:]+$/, '');
}

const DURATION_LIMIT =
  /\b(?:after|within|under|below|in less than|older than|for)\s+(\d+(?:[.,]\d+)?)\s*(ms|milliseconds?|seconds?|s|minutes?|hours?|days?|weeks?|months?|years?)\b/i;

function mainCase(f: CriterionFacts, layer: Layer, given: string, first: boolean): TestCase {
  const what = statement(f);
  const type: TestType =
    f.category === 'calculation'
      ? layer.logic
      : f.category === 'performance' && layer.main !== 'ui'
        ? 'performance'
        : layer.main;
  return {
    title: titled(layer, what),
    type,
    description: `Verifies the acceptance criterion "${clean(f.text)}".`,
    steps: [
      `Arrange: ${f.given ?? given}`,
      `Act: ${f.when ? `${layer.act}: ${f.when}` : layer.act}`,
      `Assert: ${clean(f.outcome ?? f.text)}`,
    ],
    expected_result: capitalize(clean(f.outcome ?? f.text)),
    covers_criterion: f.text,
    priority: first ? 'critical' : 'high',
  };
}

/** The cases a criterion's own words call for, after its main case. */
function criterionVariants(f: CriterionFacts, layer: Layer, given: string): Candidate[] {
  const out: Candidate[] = [];
  const text = clean(f.text);
  const short = truncate(text, 110);
  const add = (
    kind: CaseKind,
    title: string,
    type: TestType,
    priority: TestPriority,
    steps: string[],
    expected: string,
  ) =>
    out.push({
      kind,
      tc: {
        title: titled(layer, title),
        type,
        description: `Edge of "${text}".`,
        steps,
        expected_result: expected,
        covers_criterion: f.text,
        priority,
      },
    });

  const role =
    /\bonly (?:the |an? )?([a-z][a-z -]{1,40}?)s? (?:can|may|are allowed to|is allowed to)\b/i.exec(
      text,
    )?.[1];
  if (role) {
    add(
      'refusal',
      `someone who is not a ${role} is refused (${short})`,
      'security',
      'high',
      [
        `Arrange: ${given}; a user without the ${role} role`,
        `Act: ${layer.act}, also directly through the API`,
        'Assert: refused with 403, and nothing changes',
      ],
      `403 for anyone but a ${role}; no change is made`,
    );
  } else if (PROHIBITION.test(text)) {
    add(
      'refusal',
      `trying anyway is refused (${short})`,
      layer.main === 'ui' ? 'ui' : 'integration',
      'high',
      [
        `Arrange: ${f.given ?? given}`,
        `Act: attempt exactly what the criterion rules out`,
        'Assert: it is refused with a message that says why, and nothing changes',
      ],
      `${capitalize(text)}: the attempt changes nothing`,
    );
  }
  // A limit on what a person enters or sends; a retry count or a period is no input to refuse.
  const input = INPUT_LIMIT.exec(text);
  if (
    input &&
    !/\b(?:retr\w*|times|attempts?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b/i.test(
      text.slice(input.index, input.index + input[0].length + 12),
    )
  ) {
    const n = Number(input[1]!.replace(',', '.'));
    // "up to 5 trusted contacts in Settings": the counted thing, without what follows it.
    const unit = limitUnit(text.slice(input.index + input[0].length - (input[2] ?? '').length));
    const word = input[0].toLowerCase();
    // Which side of the number is inside the limit: "at least n" and "up to n" hold n; "more than n" and
    // "fewer than n" do not.
    const [inside, outside] = /\bmore than\b/.test(word)
      ? [n + 1, n]
      : /\bfewer than\b/.test(word)
        ? [n - 1, n]
        : /\b(?:at least|minimum|min)\b/.test(word)
          ? [n, n - 1]
          : [n, n + 1];
    const u = (x: number) => `${x}${unit ? ` ${unit}` : ''}`;
    // A person's input is accepted or refused; a threshold the product measures counts or does not.
    const entered = ENTERED_CUE.test(text);
    add(
      'boundary',
      entered
        ? `${u(inside)} is accepted and ${u(outside)} is not (${short})`
        : `${u(inside)} counts and ${u(outside)} does not (${short})`,
      layer.logic,
      'high',
      [
        `Arrange: ${given}`,
        `Act: ${entered ? layer.act : 'let the measured value reach'} with exactly ${u(inside)}, then with ${u(outside)}`,
        entered
          ? 'Assert: the first is accepted, the second refused with a message naming the limit'
          : `Assert: ${u(inside)} meets the criterion, ${u(outside)} does not`,
      ],
      `The limit of ${u(n)} holds on both sides`,
    );
  } else {
    const dur = DURATION_LIMIT.exec(text);
    const measured = dur !== null && /^(?:within|under|below|in less than)\b/i.test(dur[0]);
    if (dur && f.category !== 'performance' && !measured) {
      add(
        'boundary',
        `just before and at ${dur[1]} ${dur[2]} (${short})`,
        layer.logic,
        'medium',
        [
          `Arrange: ${given}, with the clock one unit before ${dur[1]} ${dur[2]}`,
          'Act: let the clock reach the limit',
          'Assert: nothing happens before the limit; the criterion holds at it',
        ],
        `The ${dur[1]} ${dur[2]} limit is exact`,
      );
    } else if (dur) {
      add(
        'boundary',
        `${dur[1]} ${dur[2]} holds at the stated volume (${short})`,
        'performance',
        'medium',
        [
          `Arrange: ${given}, at the volume the story names`,
          `Act: ${layer.act} repeatedly and record the timings`,
          `Assert: p95 at or under ${dur[1]} ${dur[2]}`,
        ],
        `The ${dur[1]} ${dur[2]} target holds`,
      );
    }
  }
  if (REPEAT.test(text)) {
    add(
      'repeat',
      `the same request twice has one effect (${short})`,
      layer.main === 'ui' ? 'ui' : 'integration',
      'high',
      [
        `Arrange: ${given}`,
        `Act: ${layer.act}, then repeat it exactly (retry, double click, redelivered message)`,
        'Assert: one result, no duplicate record, message or charge',
      ],
      'Exactly one effect, whatever the repeats',
    );
  }
  if (f.category === 'state') {
    add(
      'state',
      `no change from a state the criterion does not start from (${short})`,
      layer.logic,
      'medium',
      [
        `Arrange: the same record in each other state`,
        `Act: ${layer.act}`,
        'Assert: the state only changes as the criterion describes',
      ],
      'Only the described transition happens',
    );
  }
  if (FORMAT.test(text) && f.category !== 'state' && f.category !== 'permission' && !PROHIBITION.test(text)) {
    add(
      'format',
      `the file is valid with no data and with special characters (${short})`,
      layer.main === 'ui' ? 'ui' : 'integration',
      'medium',
      [
        'Arrange: an empty period, and data with commas, quotes and non-ASCII names',
        `Act: ${layer.act}`,
        'Assert: the file opens in the target tool, has its header, and keeps every character',
      ],
      'A well-formed file in both cases',
    );
  }
  return out;
}

function checkCase(check: string, layer: Layer, first: boolean): TestCase {
  const c = clean(check);
  return {
    title: `Check: ${truncate(c, 150)}`,
    type: layer.main,
    description: `Technical done-criterion of the task: ${c}`,
    steps: [
      'Arrange: an environment with the change deployed',
      `Act: run the scenario the check names`,
      `Assert: ${c}`,
    ],
    expected_result: capitalize(c),
    covers_criterion: null,
    priority: first ? 'high' : 'medium',
  };
}

function extraCases(text: string, layerKey: TestLayer, layer: Layer, subject: string): Candidate[] {
  const out: Candidate[] = [];
  for (const x of EXTRA_CASES) {
    if (x.layers && !x.layers.includes(layerKey)) continue;
    if (!x.cue.test(text) || x.unless?.test(text)) continue;
    out.push({
      kind: x.kind,
      tc: {
        title: titled(layer, x.title.replace('{subject}', subject)),
        // An end-to-end layer runs its cases end to end, whatever level the check would have in a task.
        type:
          (layerKey === 'qa' || layerKey === 'story') && (x.type === 'unit' || x.type === 'integration')
            ? layer.main
            : x.type,
        description: x.expected,
        steps: x.steps,
        expected_result: x.expected,
        covers_criterion: null,
        priority: x.priority,
      },
    });
  }
  return out;
}

/** PRD sentences about this item (at least three of its words): tested as written, at comprehensive only. */
function prdCases(prd: string, layer: Layer, itemTokens: ReadonlySet<string>): Candidate[] {
  const out: Candidate[] = [];
  for (const sentence of splitSentences(prd)) {
    if (!/\b(?:must|should|shall|needs? to|required)\b/i.test(sentence) || sentence.length > 300) continue;
    if (contentTokens(sentence).filter((t) => itemTokens.has(t)).length < 3) continue;
    const s = clean(sentence);
    out.push({
      kind: 'domain',
      tc: {
        title: titled(layer, `PRD requirement: ${s}`),
        type: layer.main,
        description: `From the PRD: "${s}"`,
        steps: [
          'Arrange: the situation the requirement describes',
          'Act: exercise the requirement',
          `Assert: ${s}`,
        ],
        expected_result: capitalize(s),
        covers_criterion: null,
        priority: 'medium',
      },
    });
    if (out.length >= 2) break;
  }
  return out;
}

/** A short name of the item for the titles of its technical cases: its story's title, or its own. */
function subjectOf(item: TestSubject, story?: string): string {
  return lowerFirst(truncate(story ?? item.title, 70));
}

/**
 * Test cases for a story or task at a coverage level, within the spec's counts per item
 * (minimal 1-2, basic 2-4, standard 3-6, comprehensive 5-10). Each case names the acceptance
 * criterion it verifies (`covers_criterion`, verbatim) or null for technical cases.
 */
export function generateTestCases(item: TestSubject, opts: TestGenerationOptions): TestCase[] {
  const criteria = (item.acceptance_criteria ?? []).map((c) => c.trim()).filter(Boolean);
  const text = [item.title, item.description ?? '', ...criteria, ...(item.checks ?? [])].join('\n');
  const layerKey: TestLayer = opts.epic_wide ? 'epic' : (item.team ?? 'story');
  const layer = LAYERS[layerKey];
  const range = COVERAGE_RANGES[opts.coverage_level];
  const allowed = new Set<CaseKind>(LEVEL_KINDS[opts.coverage_level]);
  const resource = opts.resource ?? extractEntities(text).resources[0] ?? 'item';
  const given = exampleGiven(text, resource);
  const facts = criteria.map((c) => analyzeCriterion(c));
  const subject = subjectOf(item, opts.subject);

  const mains: Candidate[] = facts.map((f, i) => ({ kind: 'main', tc: mainCase(f, layer, given, i === 0) }));
  const checks: Candidate[] = (item.checks ?? []).map((c, i) => ({
    kind: 'main',
    tc: checkCase(c, layer, i === 0 && mains.length === 0),
  }));
  const variants = facts.flatMap((f) => criterionVariants(f, layer, given));
  // Domain cases follow the item's own words; a QA task or story also gets its epic's detected domains.
  const domainText =
    layerKey === 'qa' || layerKey === 'story'
      ? [text, ...(opts.domains ?? detectDomains(text).domains)].join('\n')
      : text;
  const extras = extraCases(domainText, layerKey, layer, subject);
  const rfcEndpoint = /\b(?:GET|POST|PUT|PATCH|DELETE)\s+\/[^\s,;)]*/.exec(
    `${text}\n${opts.rfc_context ?? ''}`,
  )?.[0];
  const contexts = opts.contexts ?? detectTechnicalContexts(text).contexts;
  const api: Candidate[] =
    layerKey === 'backend' && (contexts.includes('api') || rfcEndpoint)
      ? [
          {
            kind: 'refusal',
            tc: {
              title: titled(
                layer,
                rfcEndpoint
                  ? `${rfcEndpoint} with an invalid body answers 400 naming the field`
                  : 'an invalid request body answers 400 naming the field',
              ),
              type: 'integration',
              description: 'Bad input gets a clear error and changes nothing.',
              steps: [
                'Arrange: a body with a missing required field and one of the wrong type',
                `Act: send it${rfcEndpoint ? ` to ${rfcEndpoint}` : ''}`,
                'Assert: 400 with the field named; nothing is stored',
              ],
              expected_result: '400 naming the field; nothing changes',
              covers_criterion: null,
              priority: 'medium',
            },
          },
        ]
      : [];
  const prd =
    opts.coverage_level === 'comprehensive' && opts.prd_context
      ? prdCases(opts.prd_context, layer, new Set(contentTokens(text)))
      : [];
  const fills = extras.filter((c) => c.kind === 'fill');

  // Every criterion first, then what its words call for, then the item's domain and platform.
  const ordered = [
    ...mains,
    ...checks,
    ...variants,
    ...api,
    ...extras.filter((c) => c.kind !== 'fill'),
    ...prd,
  ];
  const out: TestCase[] = [];
  const titles = new Set<string>();
  const take = (c: Candidate) => {
    const key = c.tc.title.toLowerCase();
    if (titles.has(key) || out.length >= range.max) return;
    titles.add(key);
    out.push(c.tc);
  };
  const fresh = (c: Candidate) => !opts.avoid?.has(c.tc.title.toLowerCase());
  for (const c of ordered) if ((c.kind === 'main' || allowed.has(c.kind)) && fresh(c)) take(c);
  // Below the range: what the level left out, then the item's own technical cases, then repeats.
  for (const c of [...ordered, ...fills]) if (out.length < range.min && fresh(c)) take(c);
  for (const c of [...ordered, ...fills]) if (out.length < range.min) take(c);
  for (let i = 0; out.length < range.min; i++) {
    const n = i + 1;
    take({
      kind: 'fill',
      tc: {
        title: titled(layer, `${subject} works with realistic data, run ${n}`),
        type: layer.main,
        description: "The item's flow with a second, realistic data set.",
        steps: [
          `Arrange: ${given}, with different values than the other cases`,
          `Act: ${layer.act}`,
          'Assert: the same behaviour as with the first data set',
        ],
        expected_result: 'Behaviour does not depend on the example data',
        covers_criterion: null,
        priority: 'low',
      },
    });
  }
  return out;
}
