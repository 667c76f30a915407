/**
 * One pass over a story that gathers everything the generators need: story types, domains, technical
 * contexts, entities, actions and the complexity signals that drive estimates.
 */
import { detectDomains, detectStoryTypes, detectTechnicalContexts } from './detect-signals.js';
import { type Action, detectActions, extractEntities, type StoryEntities } from './extract-entities.js';
import type { Domain, StoryType, Team, TechnicalContext } from './schemas.js';

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
  actions: Action[];
  criteria: string[];
  complexity: ComplexityAssessment;
}

/** Title, description and criteria as one text, for the detectors. */
export function storyText(story: StoryLike): string {
  return [story.title, story.description ?? '', ...(story.acceptance_criteria ?? [])].join('\n');
}

const ALL_TEAMS: Team[] = ['backend', 'frontend', 'qa', 'infrastructure', 'data'];

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
    add('rich_ui', richUi.slice(0, 4).join(', '), Math.min(0.4, 0.15 * richUi.length), ['frontend', 'qa']);
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

function analyzeWithoutComplexity(story: StoryLike): Omit<StoryAnalysis, 'complexity'> {
  const text = storyText(story);
  const t = detectStoryTypes(text);
  return {
    text,
    types: t.types,
    type_signals: t.signals,
    domains: detectDomains(text).domains,
    contexts: detectTechnicalContexts(text).contexts,
    entities: extractEntities(text),
    actions: detectActions(text),
    criteria: (story.acceptance_criteria ?? []).map((c) => c.trim()).filter((c) => c.length > 0),
  };
}

/** Everything the generators need to know about a story, computed once. */
export function analyzeStory(story: StoryLike): StoryAnalysis {
  const base = analyzeWithoutComplexity(story);
  return { ...base, complexity: assessComplexity(story, base) };
}
