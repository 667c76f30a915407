/**
 * One pass over a story that gathers everything the generators need: story types, domains, technical
 * contexts, entities, actions and the complexity signals that drive estimates.
 */
import { detectDomains, detectStoryTypes, detectTechnicalContexts } from './detect-signals.js';
import {
  ACTIONS,
  type Action,
  detectActions,
  extractEntities,
  type StoryEntities,
} from './extract-entities.js';
import { type Domain, type StoryType, TEAM_ORDER, type Team, type TechnicalContext } from './schemas.js';
import { pluralize } from './text.js';

/** The parts of a story (or ticket) the planning rules read. */
export interface StoryLike {
  title: string;
  description?: string;
  acceptance_criteria?: readonly string[];
  key?: string;
}

export interface ComplexitySignal {
  /** Machine-readable name, e.g. "integrations". */
  signal: string;
  /** What was found, e.g. "Stripe, QuickBooks". */
  detail: string;
  /** Added to the effort multiplier of the teams it affects. */
  weight: number;
  teams: Team[];
}

export type ComplexityLevel = 'low' | 'medium' | 'high' | 'very_high';

export interface ComplexityAssessment {
  /** Overall effort multiplier (1 = a plain story). */
  factor: number;
  level: ComplexityLevel;
  /** Effort multiplier per team: signals only weigh on the teams they affect. */
  team_factor: Record<Team, number>;
  signals: ComplexitySignal[];
}

export interface StoryAnalysis {
  text: string;
  types: StoryType[];
  type_signals: Record<StoryType, string[]>;
  domains: Domain[];
  contexts: TechnicalContext[];
  entities: StoryEntities;
  /** Every action the text mentions (criteria included): drives calculations, jobs, notifications. */
  actions: Action[];
  /**
   * What the actor asks for: actions of the title and the first paragraph (the user story), plus read
   * actions named in criteria. Drives endpoints and screens, so that a criterion such as "a cancelled
   * invoice cannot be sent" does not invent a cancel endpoint.
   */
  primary_actions: Action[];
  /** The resource a nested one belongs to, from titles like "Invoice line items" (-> "invoice"). */
  parent_resource?: string;
  criteria: string[];
  complexity: ComplexityAssessment;
}

/** Title, description and criteria as one text, for the detectors. */
export function storyText(story: StoryLike): string {
  return [story.title, story.description ?? '', ...(story.acceptance_criteria ?? [])].join('\n');
}

const ALL_TEAMS: Team[] = [...TEAM_ORDER];

const COMPLIANCE_RE =
  /\b(?:gdpr|hipaa|pci(?:[- ]dss)?|sox|soc ?2|compliance|compliant|regulat\w*|audit(?:ed|s| trail| log)?|encrypt\w*|permissions?|authori[sz]\w*|authenticat\w*|mfa|2fa|sso|consent|retention)\b/gi;
const PERFORMANCE_RE =
  /\b(?:within \d+(?:\.\d+)? ?(?:ms|milliseconds?|s|seconds?)|p9[59]|latency|throughput|high volume|concurren\w*|real[- ]time|scal(?:e|able|ability)|\d[\d,]* (?:requests|rps|users|records|rows) per|under load)\b/gi;
const UNCERTAINTY_RE =
  /\b(?:tbd|tbc|todo|unknown|unclear|spike|investigate|to be (?:decided|defined|confirmed))\b|\?\?/gi;
const MIGRATION_RE =
  /\b(?:backfill\w*|migrat\w* (?:existing|legacy|historical|old)|legacy (?:data|system)|existing (?:data|records))\b/gi;
const RICH_UI_RE =
  /\b(?:drag(?:[- ]and[- ]drop)?|charts?|graphs?|wizard|multi[- ]step|responsive|accessib\w*|wcag|offline|real[- ]time updates?|inline edit\w*|keyboard shortcuts?)\b/gi;

function matches(text: string, re: RegExp): string[] {
  return [...new Set([...text.matchAll(re)].map((m) => m[0].toLowerCase()))];
}

/**
 * Effort multipliers from what makes a story harder: many criteria or entities, external systems,
 * security or compliance, sensitive domains, performance targets, open questions, existing data to
 * migrate and rich UI. Each signal is reported with the teams it weighs on, so estimates can explain
 * themselves.
 */
export function assessComplexity(
  story: StoryLike,
  pre?: Omit<StoryAnalysis, 'complexity'>,
): ComplexityAssessment {
  const a = pre ?? analyzeWithoutComplexity(story);
  const signals: ComplexitySignal[] = [];
  const add = (signal: string, detail: string, weight: number, teams: Team[]) => {
    if (weight > 0) signals.push({ signal, detail, weight: Math.round(weight * 100) / 100, teams });
  };
  const nCriteria = a.criteria.length;
  if (nCriteria > 3) {
    add(
      'acceptance_criteria',
      `${nCriteria} acceptance criteria`,
      Math.min(0.5, (nCriteria - 3) * 0.08),
      ALL_TEAMS,
    );
  }
  const { endpoints, resources, integrations } = a.entities;
  if (resources.length > 2) {
    add(
      'entities',
      `${resources.length} entities: ${resources.join(', ')}`,
      Math.min(0.3, (resources.length - 2) * 0.1),
      ['backend', 'data', 'qa'],
    );
  }
  if (endpoints.length > 2) {
    add('endpoints', `${endpoints.length} endpoints`, Math.min(0.4, (endpoints.length - 2) * 0.1), [
      'backend',
      'qa',
    ]);
  }
  const integrationCount = Math.max(integrations.length, a.types.includes('integration') ? 1 : 0);
  if (integrationCount > 0) {
    add(
      'integrations',
      integrations.length > 0
        ? `external systems: ${integrations.join(', ')}`
        : 'integration with an external system',
      Math.min(0.6, integrationCount * 0.3),
      ['backend', 'qa', 'infrastructure'],
    );
  }
  const compliance = matches(a.text, COMPLIANCE_RE);
  if (compliance.length > 0) {
    add('security_compliance', compliance.slice(0, 5).join(', '), compliance.length > 2 ? 0.35 : 0.25, [
      'backend',
      'qa',
      'infrastructure',
    ]);
  }
  const sensitive = a.domains.filter((d) => d === 'financial' || d === 'healthcare');
  if (sensitive.length > 0) {
    add('sensitive_domain', `${sensitive.join(' and ')} data`, 0.15 * sensitive.length, [
      'backend',
      'data',
      'qa',
    ]);
  }
  const perf = matches(a.text, PERFORMANCE_RE);
  if (perf.length > 0) {
    add('performance', perf.slice(0, 3).join(', '), 0.2, ['backend', 'qa', 'infrastructure']);
  }
  const unknowns = matches(a.text, UNCERTAINTY_RE);
  if (unknowns.length > 0) {
    add('open_questions', unknowns.slice(0, 3).join(', '), 0.15, ALL_TEAMS);
  }
  const migration = matches(a.text, MIGRATION_RE);
  if (migration.length > 0) add('data_migration', migration.slice(0, 3).join(', '), 0.2, ['backend', 'data']);
  const richUi = matches(a.text, RICH_UI_RE);
  if (richUi.length > 0) {
    add('rich_ui', richUi.slice(0, 4).join(', '), Math.min(0.4, 0.15 * richUi.length), [
      'frontend',
      'mobile',
      'qa',
    ]);
  }
  if (a.text.length > 1500) add('size', `${a.text.length} characters of requirements`, 0.1, ALL_TEAMS);

  const cap = (x: number) => Math.min(2.5, Math.round(x * 100) / 100);
  const team_factor = Object.fromEntries(
    ALL_TEAMS.map((t) => [
      t,
      cap(1 + signals.filter((s) => s.teams.includes(t)).reduce((n, s) => n + s.weight, 0)),
    ]),
  ) as Record<Team, number>;
  const factor = cap(1 + signals.reduce((n, s) => n + s.weight, 0));
  const level: ComplexityLevel =
    factor < 1.25 ? 'low' : factor < 1.6 ? 'medium' : factor < 2 ? 'high' : 'very_high';
  return { factor, level, team_factor, signals };
}

const TITLE_PREPOSITION = /\s+(?:for|with|to|from|by|in|on|of|per|via|as|into|across|after|before|so)\s+/i;

/**
 * Puts the title's head noun first: the last resource named before the title's first preposition
 * ("Create invoice for a customer" -> invoice, "Invoice line items" -> line item).
 */
function rankByTitle(title: string, entities: StoryEntities): { resources: string[]; parent?: string } {
  const head = title.toLowerCase().split(TITLE_PREPOSITION)[0] ?? '';
  const whole = title.toLowerCase();
  const candidates = [...new Set([...extractEntities(title).resources, ...entities.resources])];
  const position = (r: string, text: string) => {
    const plural = pluralize(r);
    const i = text.indexOf(plural);
    return i >= 0 ? i : text.indexOf(r);
  };
  const inHead = candidates
    .filter((r) => position(r, head) >= 0)
    .sort((a, b) => position(a, head) - position(b, head));
  const inTitle = candidates
    .filter((r) => position(r, whole) >= 0)
    .sort((a, b) => position(a, whole) - position(b, whole));
  const primary = inHead[inHead.length - 1] ?? inTitle[0];
  if (!primary) return { resources: entities.resources };
  const parent = inHead.length > 1 ? inHead[inHead.length - 2] : undefined;
  const resources = [
    primary,
    ...inHead.filter((r) => r !== primary),
    ...entities.resources.filter((r) => !inHead.includes(r)),
  ];
  return parent
    ? { resources: [...new Set(resources)].slice(0, 6), parent }
    : { resources: [...new Set(resources)].slice(0, 6) };
}

function analyzeWithoutComplexity(story: StoryLike): Omit<StoryAnalysis, 'complexity'> {
  const text = storyText(story);
  const t = detectStoryTypes(text);
  const criteria = (story.acceptance_criteria ?? []).map((c) => c.trim()).filter((c) => c.length > 0);
  const extracted = extractEntities(text);
  const ranked = rankByTitle(story.title, extracted);
  const firstParagraph = (story.description ?? '').trim().split(/\n\s*\n/)[0] ?? '';
  const asked =
    firstParagraph.length > 400 ? (firstParagraph.split(/(?<=[.!?])\s/)[0] ?? '') : firstParagraph;
  // The "so that ..." benefit is not work to do ("so that customers pay on time" asks for no payment API).
  const ask = `${story.title}\n${asked.replace(/\bso(?: that)?\b[^.\n]*/gi, ' ')}`;
  // Criteria add the reads they name; "an error is shown" is not a request for a detail view.
  const criteriaText = criteria.join('\n');
  const reads: Action[] = detectActions(criteriaText).filter((x) => x === 'list' || x === 'search');
  if (/\b(?:views?|opens?|details? (?:page|view|screen))\b/i.test(criteriaText)) reads.push('view');
  const primary = new Set<Action>([...detectActions(ask), ...reads]);
  const analysis: Omit<StoryAnalysis, 'complexity'> = {
    text,
    types: t.types,
    type_signals: t.signals,
    domains: detectDomains(text).domains,
    contexts: detectTechnicalContexts(text).contexts,
    entities: { ...extracted, resources: ranked.resources },
    actions: detectActions(text),
    primary_actions: ACTIONS.filter((x) => primary.has(x)),
    criteria,
  };
  if (ranked.parent) analysis.parent_resource = ranked.parent;
  return analysis;
}

/** Everything the generators need to know about a story, computed once. */
export function analyzeStory(story: StoryLike): StoryAnalysis {
  const base = analyzeWithoutComplexity(story);
  return { ...base, complexity: assessComplexity(story, base) };
}
