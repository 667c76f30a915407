/**
 * Rule-based team tasks for one story, from what the story says: each acceptance criterion is work for
 * one kind of team (the server, the screens, the data pipeline, the infrastructure, design), phrased
 * with the criterion's own words ("Hide expired cards"), two criteria at most per task. Screens go to
 * frontend or mobile by the product; a product with no UI gets none. Nothing is added that the story
 * does not ask for: a team with work but no criterion of its own gets one task named after the story.
 * QA tests every story; its estimate follows the number of tests the coverage level asks for.
 */
import type { CoverageLevel } from '../api/requests.js';
import { analyzeStory, type StoryAnalysis, type StoryLike } from './analyze-story.js';
import { applyTeamDependencies, buildRelationships, splitLongTasks } from './dependencies.js';
import { COVERAGE_RANGES, generateTestCases } from './generate-test-cases.js';
import { type ProductProfile, readProductProfile } from './product-profile.js';
import type { Domain, StoryType, TaskPlan, Team, TeamTask, TestCase } from './schemas.js';
import { contentTokens, kebab, lowerFirst, roundHalfDay, truncate } from './text.js';
import { gerund, isBaseVerb } from './verb-forms.js';
import { PEOPLE, workPhrase } from './work-phrase.js';
import {
  APP_STORY_CUE,
  AREA_CUES,
  CROSS_CUTTING,
  type CrossCuttingId,
  DESIGN_LOOK_CUE,
  ESTIMATES,
  PRODUCT_CUES,
  TASK_SHAPE,
  VISUAL_ONLY_CUE,
  type WorkArea,
} from './work-rules.js';

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
  /** The product the story belongs to (the epic's pages); default: read from the story alone. */
  product?: ProductProfile;
  /** Requirements every story of the epic carries; the ones a task touches go into its description. */
  constraints?: readonly string[];
  /** Epic-wide work planned once (an audit trail): criteria it covers make no task of the story. */
  cross_cutting?: readonly CrossCuttingId[];
}

/** A task before ids, estimates and tests. */
interface Work {
  team: Team;
  summary: string;
  criteria: string[];
  scope: string[];
  done_when: string[];
  /** Set when a longer task was cut by criterion: its share of the whole task's days. */
  days?: number;
}

const AREA_TYPE: Record<WorkArea, StoryType | null> = {
  server: 'api',
  ui: 'ui',
  data: 'data',
  infra: null,
  design: 'ui',
};

/** "without a deploy", "no UI": a negated word asks for no work of its kind. */
const NEGATED = /\b(?:without|no|not|never|non)\s+(?:a|an|the|any|new)?\s*[\w-]+/gi;

/** How strongly a text asks for each kind of work (server, screens, data, infrastructure, design). */
export function areaScores(text: string): Map<WorkArea, number> {
  const out = new Map<WorkArea, number>();
  const affirmed = text.replace(NEGATED, ' ');
  for (const c of AREA_CUES) {
    const hits = affirmed.match(new RegExp(c.cue.source, 'gi'))?.length ?? 0;
    if (hits > 0) out.set(c.area, (out.get(c.area) ?? 0) + hits * c.weight);
  }
  return out;
}

/** The area a criterion asks work of, among those the story has. */
/** What a criterion that names both a screen and the server is about: what the person sees. */
const DISPLAY = /\b(?:shows?|shown|displays?|displayed|lists?|listed|sees?|visible|highlight\w*|opens?)\b/i;

/** "(no new clinician screen)": the work happens behind a screen that already exists. */
const NO_NEW_SCREEN = /\bno new (?:\w+ )?(?:screens?|ui|pages?|views?)\b/i;

function areaOf(criterion: string, allowed: ReadonlySet<WorkArea>, fallback: WorkArea): WorkArea {
  if (NO_NEW_SCREEN.test(criterion) && allowed.has('server')) return 'server';
  const scores = areaScores(criterion);
  let best: WorkArea | null = null;
  let top = 0;
  for (const area of ['data', 'server', 'ui', 'infra', 'design'] as const) {
    const s = scores.get(area) ?? 0;
    if (allowed.has(area) && s > top) {
      best = area;
      top = s;
    }
  }
  // A tie between the server and a screen goes to the screen when the criterion says what is shown.
  if (best === 'server' && allowed.has('ui') && (scores.get('ui') ?? 0) >= top && DISPLAY.test(criterion))
    return 'ui';
  return best ?? fallback;
}

/**
 * Two criteria that name the same things go into one task when their summary stays short enough to
 * read whole; a task takes at most two.
 */
function groupCriteria(criteria: readonly string[], actors: readonly string[]): string[][] {
  const groups: string[][] = [];
  const fits = (group: readonly string[]) => {
    const phrases = group.map((c) => workPhrase(c, actors));
    return (
      phrases.every((x) => x.length <= TASK_SHAPE.phrase_chars) &&
      phrases.join(' and ').length <= TASK_SHAPE.summary_chars
    );
  };
  for (const c of criteria) {
    const toks = new Set(contentTokens(c));
    const last = groups[groups.length - 1];
    const shares =
      last &&
      last.length < TASK_SHAPE.criteria_per_task &&
      contentTokens(last.join(' ')).some((t) => toks.has(t)) &&
      fits([...last, c]);
    if (shares) last.push(c);
    else groups.push([c]);
  }
  // Too many groups for one team: fold the smallest neighbours together.
  while (groups.length > TASK_SHAPE.tasks_per_team) {
    let at = 0;
    for (let i = 1; i < groups.length - 1; i++) if (groups[i]!.length < groups[at]!.length) at = i;
    groups.splice(at, 2, [...groups[at]!, ...groups[at + 1]!]);
  }
  return groups;
}

/** A phrase within `max` characters, cut at a clause ("..., capped at ...") rather than in a clause. */
function clip(phrase: string, max: number): string {
  if (phrase.length <= max) return phrase;
  const head = phrase.slice(0, max);
  const at = Math.max(
    head.lastIndexOf(', '),
    head.lastIndexOf('; '),
    head.lastIndexOf(' and '),
    head.lastIndexOf(' when '),
  );
  return at > max * 0.5 ? phrase.slice(0, at).replace(/[,;]$/, '') : truncate(phrase, max);
}

/** "List saved cards ..., preselect the default card and hide expired cards". */
function summaryOf(criteria: readonly string[], actors: readonly string[]): string {
  const phrases = criteria.map((c) => clip(workPhrase(c, actors), criteria.length > 1 ? 110 : 200));
  if (phrases.length === 1) return phrases[0]!;
  const rest = phrases.slice(1).map((p) => lowerFirst(p));
  return `${phrases[0]}${rest.length > 1 ? `, ${rest.slice(0, -1).join(', ')}` : ''} and ${rest[rest.length - 1]}`;
}

const UI_NOUN =
  /\b(?:page|screen|form|list|view|dashboard|sidebar|panel|picker|chart|board|wizard|console|inbox|menu|dialog|modal|banner|widget|card)s?\b/i;
const USER_STORY_WANT =
  /\bas an?\s+([^,.\n]{2,60}?),?\s+I\s+(?:want|need|would like|can)\s+(?:to\s+)?(?:be able to\s+)?([^.\n]+?)(?:,?\s+so(?: that)?\s+[^.\n]+)?(?:[.!]|$)/i;

const READ_VERB = /^(?:see|view|list|browse|find|search|filter|read|check|look)$/;

/** What the story asks for in one verb phrase: its user story's "I want ...", else its title. */
function storyAsk(story: StoryLike): { verb: string | null; rest: string; text: string } {
  const us = USER_STORY_WANT.exec(story.description ?? '');
  const text = (us ? us[2]! : story.title).trim().replace(/[.;]+$/, '');
  const [first = '', ...more] = text.split(/\s+/);
  return isBaseVerb(first)
    ? { verb: first.toLowerCase(), rest: more.join(' '), text }
    : { verb: null, rest: text, text };
}

/** The work a team does on a story that has no criterion of its own, in the story's own words. */
function storyWork(team: Team, story: StoryLike, surface: string, endpoints: readonly string[]): string {
  const ask = storyAsk(story);
  const t = lowerFirst(ask.text);
  switch (team) {
    case 'frontend':
    case 'mobile': {
      if (ask.verb) return `Add the ${surface} screen to ${t}`;
      const title = lowerFirst(story.title);
      return UI_NOUN.test(title)
        ? `Build the ${title} in the ${surface}`
        : `Build the ${title} screen in the ${surface}`;
    }
    case 'design':
      return `Design ${ask.verb ? `the flow to ${t}` : `the ${t}`} and its states`;
    case 'data':
      return ask.verb ? `Build the data flow to ${t}` : `Build the data flow for ${t}`;
    case 'infrastructure':
      return `Provision what ${lowerFirst(story.title)} runs on`;
    case 'qa':
      return `Test ${lowerFirst(story.title)} end to end`;
    default:
      if (endpoints.length > 0)
        return `Implement ${endpoints.slice(0, 3).join(', ')} for ${lowerFirst(story.title)}`;
      if (ask.verb && READ_VERB.test(ask.verb)) return `Serve ${ask.rest} from the API`;
      return ask.verb
        ? `Implement ${gerund(ask.verb)} ${ask.rest} in the API`
        : `Implement the server side of ${lowerFirst(story.title)}`;
  }
}

/** A criterion that only limits the work ("no change to copy, layout or behaviour; no API change"). */
function isLimit(criterion: string): boolean {
  return criterion
    .split(/\s*;\s*/)
    .filter(Boolean)
    .every((part) => /^(?:no|nothing)\b[^.]*\bchanges?\b|^no changes? (?:to|in)\b/i.test(part.trim()));
}

/** A story that rules out server work ("no API or backend change", "no backend"). */
const NO_SERVER_CUE =
  /\bno (?:new )?(?:api|backend|server|endpoint)s?(?:\s*(?:,|or|and|\/)\s*(?:api|backend|server|endpoint)s?)*(?: (?:change|work))?s?\b|\bwithout (?:any )?(?:api|backend|server) changes?\b/i;

/** Whether a text says a person can do something ("Support leads can merge ..."). */
function personCan(text: string): boolean {
  for (const m of text.matchAll(
    /\b([a-z]+)\s+(?:can|may|must be able to|are able to|is able to)\s+[a-z]+/gi,
  )) {
    const who = m[1]!.toLowerCase();
    if (PEOPLE.has(who) && !/^(?:developers?|integrators?|clients?|partners?)$/.test(who)) return true;
  }
  return false;
}

/** Nouns of the story (entities, fields, formats) that none of its task summaries names yet. */
function unnamed(story: StoryLike, a: StoryAnalysis, summaries: readonly string[], max: number): string[] {
  const named = new Set(contentTokens(summaries.join(' ')));
  const firstParagraph = (story.description ?? '').split(/\n\s*\n/)[0] ?? '';
  const text = [...(story.acceptance_criteria ?? []), firstParagraph].join('\n');
  const acronyms = text.match(/\b[A-Z][A-Z0-9]{1,7}\b/g) ?? [];
  const candidates = [...acronyms, ...a.entities.integrations, ...a.entities.resources, ...a.entities.fields];
  const people = new Set(a.entities.actors.flatMap((x) => contentTokens(x)));
  // The story's criteria say what it is about; its "As a ... I want" line only frames it.
  const said = (story.acceptance_criteria ?? []).join('\n').toLowerCase() || text.toLowerCase();
  const out: string[] = [];
  for (const c of candidates) {
    const toks = contentTokens(c);
    if (toks.length === 0 || toks.every((t) => named.has(t) || people.has(t))) continue;
    if (/^(?:AND|OR|THE|API|AC|GWT)$/.test(c) || isBaseVerb(c)) continue;
    // Only what the story itself says: an entity read from elsewhere (or a synonym) names nothing here.
    if (!said.includes(c.toLowerCase())) continue;
    for (const t of toks) named.add(t);
    out.push(c);
    if (out.length >= max) break;
  }
  return out;
}

function slug(story: StoryLike): string {
  if (story.key) return story.key;
  return kebab(story.title).split('-').slice(0, 4).join('-') || 'story';
}

function describe(w: Work, story: StoryLike, constraints: readonly string[]): string {
  const lines = [`Part of "${story.title}".`, '', '**Scope**', ...w.scope.map((s) => `- ${s}`)];
  if (constraints.length > 0) lines.push('', '**Constraints**', ...constraints.map((c) => `- ${c}`));
  // The criteria covered and the story key are sections of the Jira description of their own (taskMarkdown).
  lines.push('', '**Done when**', ...w.done_when.map((s) => `- ${s}`));
  return lines.join('\n');
}

/**
 * Constraints that concern a task: those naming what the task works on (a money rule on a task about
 * amounts, a localisation rule on a task about e-mails), not every rule on every task.
 */
function constraintsFor(w: Work, story: StoryLike, constraints: readonly string[]): string[] {
  const own = (text: string) => contentTokens(text).filter((t) => !GENERIC_WORDS.has(t));
  const task = new Set(own(`${w.summary} ${w.criteria.join(' ')}`));
  const title = new Set(own(story.title));
  return constraints
    .filter((c) => {
      const words = new Set(own(c));
      // Named by the story's title ("Digest job ..." on "Daily digest"), or by two words of the task.
      const named = [...words].some((t) => title.has(t)) || [...words].filter((t) => task.has(t)).length >= 2;
      if (!named) return false;
      // A rule about one kind of work (a query budget, a screen's contrast) is that team's, and QA's.
      const top = [...areaScores(c).entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      return w.team === 'qa' || top === undefined || AREA_TEAMS[top].includes(w.team);
    })
    .slice(0, 4);
}

/** The teams that do each kind of work. */
const AREA_TEAMS: Record<WorkArea, readonly Team[]> = {
  server: ['backend', 'data'],
  ui: ['frontend', 'mobile', 'design'],
  data: ['data', 'backend'],
  infra: ['infrastructure', 'backend'],
  design: ['design', 'frontend', 'mobile'],
};

/** Words too common in requirements to tie a rule to a task. */
const GENERIC_WORDS = new Set(
  contentTokens('all every story stories user users data system page work time one new change'),
);

/** The teams and work items of a story. */
function draftWork(
  story: StoryLike,
  a: StoryAnalysis,
  product: ProductProfile,
  crossCutting: ReadonlySet<CrossCuttingId>,
): { work: Work[]; types: StoryType[] } {
  const actors = a.entities.actors;
  const criteria = (story.acceptance_criteria ?? []).map((c) => c.trim()).filter(Boolean);
  // Criteria that epic-wide work covers (writing the audit trail) are that work's, not the story's.
  const covered = (c: string) =>
    CROSS_CUTTING.some((k) => crossCutting.has(k.id) && k.covers_criterion?.test(c));
  const own = criteria.filter((c) => !covered(c));
  const storyText = `${story.title}\n${story.description ?? ''}`;
  const whole = areaScores([storyText, ...own].join('\n'));
  const uiAllowed = !product.no_ui;
  // With an app and a browser UI, a story goes to the one it names, else to the one the epic is about.
  const uiTeam: Team =
    product.mobile_app &&
    (!product.web ||
      APP_STORY_CUE.test(storyText) ||
      (product.app_first === true && !PRODUCT_CUES.web.test([storyText, ...criteria].join('\n'))))
      ? 'mobile'
      : 'frontend';
  const surface = uiTeam === 'mobile' ? 'app' : 'web app';

  const areas = new Set<WorkArea>();
  for (const [area, score] of whole) if (score > 0) areas.add(area);
  if (own.some((c) => NO_NEW_SCREEN.test(c))) areas.add('server');
  if (!uiAllowed) {
    areas.delete('ui');
    areas.delete('design');
  }
  // A person asking to do something needs a screen, unless the product has none.
  // Someone acts in the story: a person its analysis found, or one its text says "can" do something.
  const says = personCan([storyText, ...own].join('\n'));
  const human =
    says ||
    actors.some(
      (x) => !/\b(?:system|service|api|client|integration|job|scheduler|partner|developer)\b/i.test(x),
    );
  const ask = storyAsk(story);
  // Earning, receiving or knowing is something that happens to the person, not a screen they use.
  const acts =
    ask.verb !== null
      ? !/^(?:receive|get|be|have|know|keep|earn|gain|accrue|stay|remain)$/.test(ask.verb)
      : says;
  if (
    uiAllowed &&
    human &&
    acts &&
    !areas.has('ui') &&
    !areas.has('data') &&
    !/\b(?:api|endpoint|webhook)\b/i.test(storyText)
  )
    areas.add('ui');
  // A change to how screens look needs design, in the title or in most of its criteria.
  const looks = own.filter((c) => DESIGN_LOOK_CUE.test(c)).length;
  if (uiAllowed && (DESIGN_LOOK_CUE.test(story.title) || (own.length > 0 && looks * 2 >= own.length)))
    areas.add('design');
  if (areas.has('design') && !areas.has('ui')) areas.delete('design');
  // A purely visual change (contrast, focus, motion) needs no server work.
  const visual =
    own.length > 0 && own.every((c) => VISUAL_ONLY_CUE.test(c) && !(areaScores(c).get('server') ?? 0));
  if (areas.has('server') && areas.has('ui') && visual && !(areaScores(storyText).get('server') ?? 0))
    areas.delete('server');
  // Screens that show or change the story's things read them from the server, unless it says otherwise
  // or the story happens on the device (offline, local storage, a local notification).
  const onDevice =
    product.mobile_app &&
    /\b(?:offline|on the device|local(?:ly)?|no (?:network|connection|signal))\b/i.test(
      [storyText, ...own].join('\n'),
    );
  const serverCriteria = own.some((c) => areaOf(c, new Set(['server', 'ui', 'data']), 'ui') === 'server');
  if (
    areas.has('ui') &&
    !visual &&
    !(onDevice && !serverCriteria) &&
    a.entities.resources.length > 0 &&
    !/\b(?:existing|current) (?:api|endpoints?)\b/i.test(storyText)
  )
    areas.add('server');
  else if (onDevice && !serverCriteria) areas.delete('server');
  // "No API or backend change": the story says there is no server work, so none is planned.
  if (NO_SERVER_CUE.test([storyText, ...own].join('\n')) && areas.has('ui')) areas.delete('server');
  if (areas.size === 0) areas.add(uiAllowed && human ? 'ui' : 'server');

  const teamOf: Record<WorkArea, Team> = {
    server: 'backend',
    ui: uiTeam,
    data: 'data',
    infra: 'infrastructure',
    design: 'design',
  };
  const fallback: WorkArea = areas.has('server') ? 'server' : areas.has('data') ? 'data' : [...areas][0]!;
  const byArea = new Map<WorkArea, string[]>();
  for (const c of own) {
    const area = areaOf(c, areas, fallback);
    byArea.set(area, [...(byArea.get(area) ?? []), c]);
  }
  const work: Work[] = [];
  for (const area of ['design', 'infra', 'server', 'data', 'ui'] as const) {
    if (!areas.has(area)) continue;
    const team = teamOf[area];
    const mine = byArea.get(area) ?? [];
    // Infrastructure that only a criterion given to another team mentions is that team's work.
    if (mine.length === 0 && area === 'infra' && !(areaScores(storyText).get('infra') ?? 0)) continue;
    if (mine.length === 0) {
      // Design and infrastructure work come from their own words in the story, never by default.
      const summary = storyWork(team, story, surface, a.entities.endpoints);
      work.push({
        team,
        summary,
        criteria: [],
        scope: [summary],
        done_when: [`${story.title} works as the story describes`],
      });
      continue;
    }
    // "No change to copy or layout": a limit on the area's work, not work of its own.
    const limits = mine.filter(isLimit);
    const doing = mine.filter((c) => !isLimit(c));
    groupCriteria(doing.length > 0 ? doing : mine, actors).forEach((group, i) => {
      const kept = i === 0 && doing.length > 0 ? limits : [];
      work.push({
        team,
        summary: summaryOf(group, actors),
        criteria: [...group, ...kept],
        scope: [...group.map((c) => workPhrase(c, actors)), ...kept.map((c) => `Keep to: ${c}`)],
        done_when: [...group, ...kept],
      });
    });
  }
  const summaries = work.map((w) => w.summary);
  const extra = unnamed(story, a, summaries, 4);
  const qa = `Test ${lowerFirst(story.title)} end to end${extra.length > 0 ? `: ${extra.join(', ')}` : ''}`;
  work.push({
    team: 'qa',
    summary: qa,
    criteria: criteria,
    scope: [
      'Automate an acceptance test per criterion',
      'Run them against a build with every task of the story',
    ],
    done_when:
      criteria.length > 0
        ? criteria.map((c) => `A passing test shows: ${c}`)
        : ['The story works end to end'],
  });
  const types = [...new Set([...areas].map((x) => AREA_TYPE[x]).filter((t): t is StoryType => t !== null))];
  if (
    /\b(?:stripe|paypal|adyen|twilio|salesforce|quickbooks|zendesk|webhook|integrat\w*|third[- ]party|external)\b/i.test(
      storyText,
    )
  )
    types.push('integration');
  return { work, types };
}

const DOMAIN_RELEVANCE: Record<Domain, RegExp> = {
  financial:
    /\b(?:amount|currency|total|calculat\w*|payments?|ledger|refund\w*|balance|price|cents|money|payout|invoice)\b/i,
  healthcare: /\b(?:patient|phi|hipaa|record|result|appointment|visit)\b/i,
  ecommerce: /\b(?:order|payments?|stock|inventory|checkout|cart)\b/i,
  security: /\b(?:authori[sz]\w*|log ?in|sign[- ]in|auth\w*|permissions?|role|token|key|security|session)\b/i,
};

/** Domain cases only where the task touches that concern: no rounding test on a screen task. */
function domainsForTask(w: Work, a: StoryAnalysis): Domain[] {
  if (w.team === 'qa') return a.domains;
  const text = `${w.summary} ${w.criteria.join(' ')}`;
  return a.domains.filter((d) => DOMAIN_RELEVANCE[d].test(text));
}

function contextsForTeam(team: Team, a: StoryAnalysis) {
  switch (team) {
    case 'frontend':
    case 'mobile':
    case 'design':
      return a.contexts.filter((c) => c === 'ui');
    case 'backend':
    case 'data':
    case 'infrastructure':
      return a.contexts.filter((c) => c !== 'ui');
    default:
      return a.contexts;
  }
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
  const product =
    opts.product ??
    readProductProfile({
      text: [story.title, story.description ?? '', ...(story.acceptance_criteria ?? [])].join('\n'),
    });
  const draft = draftWork(story, a, product, new Set(opts.cross_cutting ?? []));
  const prefix = opts.id_prefix ?? slug(story);
  const constraints = opts.constraints ?? [];
  const counters: Partial<Record<Team, number>> = {};
  const range = COVERAGE_RANGES[coverage];
  const daysOf = (w: Work, implementation: number) => {
    if (w.days !== undefined) return w.days;
    const base =
      w.team === 'qa'
        ? ESTIMATES.base.qa +
          ESTIMATES.qa_per_test * Math.max(1, implementation) * ((range.min + range.max) / 2)
        : ESTIMATES.base[w.team] + ESTIMATES.per_extra_criterion * Math.max(0, w.criteria.length - 1);
    return roundHalfDay(base * a.complexity.team_factor[w.team]);
  };
  // A task too long for one cycle that covers two criteria becomes one task per criterion.
  // Splitting never changes the effort: the parts share the whole task's days in half days.
  const work = draft.work.flatMap((w) => {
    const total = daysOf(w, 0);
    if (w.team === 'qa' || w.criteria.length < 2 || total <= maxDays) return [w];
    const halves = Math.round(total * 2);
    const n = w.criteria.length;
    return w.criteria.map((c, i) => ({
      ...w,
      summary: summaryOf([c], a.entities.actors),
      criteria: [c],
      scope: [workPhrase(c, a.entities.actors)],
      done_when: [c],
      days: (Math.floor(halves / n) + (i < halves % n ? 1 : 0)) / 2,
    }));
  });
  // QA's days follow the tests of the story's work as drafted, whatever the cut.
  const implementation = draft.work.filter((w) => w.team !== 'qa').length;
  // Titles already given to the story's tasks: each task's cases are its own.
  const used = new Set<string>();
  const remember = (cases: TestCase[]) => {
    for (const c of cases) used.add(c.title.toLowerCase());
    return cases;
  };
  const testOpts = (w: Pick<Work, 'team' | 'summary' | 'criteria'>) => ({
    avoid: used,
    coverage_level: coverage,
    domains: domainsForTask(w as Work, a),
    contexts: contextsForTeam(w.team, a),
    actor: a.entities.actors[0] ?? 'user',
    subject: story.title,
    ...(opts.prd_context ? { prd_context: opts.prd_context } : {}),
    ...(opts.rfc_context ? { rfc_context: opts.rfc_context } : {}),
  });
  let tasks: TeamTask[] = work.map((w) => {
    counters[w.team] = (counters[w.team] ?? 0) + 1;
    const task: TeamTask = {
      id: `${prefix}-${w.team}-${counters[w.team]}`,
      summary: truncate(w.summary, 255),
      description: describe(w, story, constraintsFor(w, story, constraints)),
      team: w.team,
      estimate_days: daysOf(w, implementation),
      depends_on_tasks: [],
      blocked_by_teams: [],
      test_cases: includeTests
        ? remember(
            generateTestCases(
              {
                title: w.summary,
                description: w.scope.join('\n'),
                acceptance_criteria: w.criteria,
                team: w.team,
                checks: w.team === 'qa' ? [] : w.done_when.filter((d) => !w.criteria.includes(d)),
              },
              testOpts(w),
            ),
          )
        : [],
      covers_criteria: w.criteria,
    };
    if (story.key) task.story_key = story.key;
    return task;
  });
  tasks = applyTeamDependencies(tasks);
  // Each part of a split task is tested on its own share of the criteria and its phase's done-when; the
  // whole task's cases make way for the parts', which never repeat one another.
  for (const t of tasks)
    if (t.estimate_days > maxDays + 1e-9) for (const c of t.test_cases) used.delete(c.title.toLowerCase());
  tasks = splitLongTasks(
    tasks,
    maxDays,
    includeTests
      ? (part, criteria, checks) =>
          remember(
            generateTestCases(
              { title: part.summary, acceptance_criteria: criteria, team: part.team, checks },
              {
                ...testOpts({ team: part.team, summary: part.summary, criteria: [...criteria] }),
                // A case every part needs (a story-wide technical case) names the part it runs in.
                subject: `${story.title} (part ${part.part?.index ?? 1} of ${part.part?.of ?? 1})`,
              },
            ),
          )
      : undefined,
  );
  const plan: TaskPlan = { story_types: draft.types, tasks, relationships: buildRelationships(tasks) };
  if (story.key) plan.story_key = story.key;
  return plan;
}
