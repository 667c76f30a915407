/**
 * One reading of a plan's input, shared by every planner (`augment plan`, story generation, epic
 * completion and creation, the LLM path's context).
 *
 * - A PRD page with a story table: the table is the list of stories, rows in order, with their titles,
 *   descriptions and acceptance criteria as written (read by the PRD parser).
 * - Otherwise (markdown, HTML, a page without a table): stories are the headings, numbered items or
 *   "As a ... I want ..." lines of the page's story sections, and every bullet under a story is one of its
 *   criteria, whatever its verb.
 * - Every section is classified by its heading: problem, background and goals are the epic's context;
 *   non-functional requirements are constraints that every story carries; "Not doing", "Out of scope",
 *   "Non-goals", questions and risks never become stories.
 */
import { parsePrdPage } from '../prd/parse-prd-page.js';
import type { PrdStory } from '../prd/prd-schemas.js';
import { htmlToPlanText, looksLikeHtml } from './html-to-text.js';
import { capitalize, containment, contentTokens, jaccard, lowerKeepAcronyms, truncate } from './text.js';
import { isBaseVerb } from './verb-forms.js';
import { PEOPLE, workPhrase } from './work-phrase.js';

/** What a section of the input is for, from its heading. */
export type SectionKind =
  | 'context'
  | 'stories'
  | 'constraints'
  | 'exclusions'
  | 'questions'
  | 'risks'
  | 'reference'
  | 'technical'
  | 'other';

export interface SourceSection {
  title: string;
  level: number;
  kind: SectionKind;
  /** The section's own lines as plain text (list markers and emphasis removed). */
  lines: string[];
}

export interface SourceStory {
  title: string;
  description: string;
  /** As written: one per bullet, line or Given/When/Then scenario. */
  acceptance_criteria: string[];
  /** How the story was written: a PRD table row, a heading, a list item or an "As a ..." line. */
  origin: 'prd_table' | 'heading' | 'list_item' | 'user_story' | 'sentence' | 'summary';
  /** The heading the story was found under ("" at the top of a document). */
  section: string;
  /** The row of the PRD's story table (PRD parser numbering), for PRD tables. */
  row_index: number | null;
  /** The Jira issue the row (or the story's title) already names. */
  jira_key: string | null;
  /** The role of an "As a <role> ..." story. */
  actor: string | null;
}

export interface PlanSource {
  summary: string;
  /** Problem, background, goals and overview lines: what the epic is for. */
  context: string[];
  stories: SourceStory[];
  /** Non-functional requirements and constraints that apply to every story. */
  constraints: string[];
  /** Out-of-scope items and non-goals: never stories, and they limit the plan. */
  exclusions: string[];
  /** Technical notes of the page: given to the stories they are about, like an RFC's lines. */
  technical_notes: string[];
  questions: string[];
  risks: string[];
  /** Every section of the inputs, classified, in order (epic description first, then the PRD). */
  sections: SourceSection[];
  /** Where the stories came from. */
  stories_from: 'prd_table' | 'prd' | 'epic' | 'summary';
  /** What the reading left out and why (a story dropped because the page puts it out of scope). */
  notes: string[];
}

export interface PlanSourceInput {
  /** The epic's summary (its Jira title). */
  summary: string;
  /** The epic's description: markdown or HTML. */
  description?: string | undefined;
  /** The PRD: markdown, plain text, HTML or Confluence storage format. */
  prd?: string | undefined;
  /** Default 20. */
  max_stories?: number | undefined;
}

// ---- headings -------------------------------------------------------------------------------------

/** A heading without numbering, emoji and emphasis: "4.2 🚫 **Out of scope**" -> "out of scope". */
function headingKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[*_`]/g, '')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/^(?:section|part|chapter)\s+/, '')
    .replace(/^(?:\d+[.)]?)+\s*/, '')
    .replace(/^(?:[ivx]+|[a-h])[.)]\s+/, '')
    .replace(/[’']/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

// A qualifier after the name: "(v1)", ": phase 1", " - TBD", " for v1", " and mitigations".
const TAIL = String.raw`(?:\s*\(.*\)|\s*[:\-–—].*|\s+(?:for|in|of|and|&|\/)\s+.{0,40})?\s*[:?]?$`;
const kindPattern = (names: string) => new RegExp(`^(?:${names})${TAIL}`);

/** Section names by kind, tried in this order (the first match wins). */
const SECTION_KINDS: { kind: Exclude<SectionKind, 'other'>; pattern: RegExp }[] = [
  {
    kind: 'exclusions',
    pattern: kindPattern(
      "out[- ]of[- ]scope|not in scope|not doing|what we(?:'re| are) not (?:doing|building)|non[- ]?goals?|" +
        "won'?t (?:do|have|build)|will not (?:do|build)|excluded|exclusions|explicitly excluded|" +
        'future (?:work|scope|phases?|considerations|iterations|ideas|releases?|versions?)|later|deferred|' +
        'parking lot|not (?:in|for) (?:this|the first) (?:release|version|phase|iteration)|descoped|' +
        'not (?:in|for) (?:phase|release|version|v|iteration|mvp) ?\\d*|not (?:yet|now)|' +
        'beyond (?:mvp|v1|this release)|next (?:phase|release|iteration)s?|v2(?: ideas)?',
    ),
  },
  {
    kind: 'questions',
    pattern: kindPattern(
      "questions?|open questions?|outstanding questions?|(?:open )?q'?s|q ?& ?a|faqs?|frequently asked questions|unknowns?|" +
        'open (?:issues|items|points|decisions)|unresolved (?:issues|items|questions)|decisions? (?:needed|pending)|tbds?',
    ),
  },
  {
    kind: 'constraints',
    pattern: kindPattern(
      'non[- ]?functional(?: requirements?)?|nfrs?|quality (?:attributes|requirements)|cross[- ]cutting(?: concerns| requirements)?|' +
        '(?:technical |system |business |platform )?constraints|compliance(?: requirements)?|regulatory(?: requirements)?|' +
        'slas?|slos?|service levels?|performance(?: requirements| budgets?| targets?)?|security(?: requirements)?|' +
        'security (?:and|&) privacy|privacy(?: requirements)?|accessibility(?: requirements)?|' +
        'operational requirements|technical requirements|guardrails|policies|data retention|' +
        'locali[sz]ation|internationali[sz]ation|i18n|availability|scalability|reliability|observability|' +
        'requirements (?:that apply|for all|across)(?: .*)?|general requirements|global requirements|' +
        'definition of done(?: for the (?:epic|release|project))?|(?:release|launch|exit) criteria|quality (?:bar|gates?)|' +
        'data (?:handling|protection|privacy|governance|policy|policies)|' +
        '(?:business |global |general |ground |shared )?rules|standards|definition of ready|' +
        // A qualifier that says the section spans every story: "Rules (all stories)", "Applies to all".
        '.{0,40}\\((?:applies to |for )?(?:all|every) (?:stories|story|tickets)\\)|appl(?:y|ies) to (?:all|every) (?:stories|story)',
    ),
  },
  {
    kind: 'risks',
    pattern: kindPattern(
      'risks?|assumptions?|(?:external |key )?dependencies|mitigations?|risks? (?:and|&) (?:mitigations?|assumptions?)|' +
        'caveats|known (?:issues|limitations)|limitations',
    ),
  },
  {
    kind: 'context',
    pattern: kindPattern(
      'background|context|problem(?: statement)?|the problem|problem to solve|overview|summary|executive summary|' +
        'tl;? ?dr|introduction|intro|goals?|objectives?|purpose|motivation|why(?: now| this matters)?|vision|' +
        'opportunity|(?:background (?:and|&) )?strategic fit|strategic fit|current (?:state|situation|process)|' +
        'today|as[- ]is|personas?|target (?:users|audience|customers|personas)|who is this for|audience|' +
        'success (?:metrics|criteria|measures)|metrics|kpis?|measur(?:es|ing) success|hypothes[ie]s|' +
        'outcomes?|business case|value|customer (?:problems?|needs?|pain points?)|pain points?|' +
        'about this (?:document|page|epic)|description|epic description|what (?:and|&) why|' +
        "(?:what )?success looks like|definition of success|what good looks like|how (?:we|we'll|we will) (?:know|measure)(?: (?:it's|it is) working| success)?",
    ),
  },
  {
    kind: 'technical',
    pattern: kindPattern(
      'technical (?:notes?|details|design|approach|considerations|context|background)|implementation(?: notes| details)?|' +
        'architecture|engineering notes|dev notes|developer notes|tech notes|solution design|technical',
    ),
  },
  {
    kind: 'reference',
    pattern: kindPattern(
      'appendix|references?|links|resources|glossary|definitions|terminology|timeline|milestones?|' +
        'schedule|roadmap|rollout(?: plan)?|launch(?: plan)?|release plan|go[- ]to[- ]market|gtm|stakeholders|' +
        'team|owners?|people|raci|approvals?|sign[- ]?offs?|change ?log|revision history|document (?:history|status|owner|control)|' +
        'status|metadata|(?:user interaction (?:and|&) )?design|designs|mock-?ups?|wireframes?|ux|ui design|figma|' +
        'alternatives(?: considered)?|options considered|documentation|communication(?: plan)?|training|notes|' +
        'related (?:pages|documents|docs|work|epics|links)|contacts?|attachments?|table of contents|contents|toc',
    ),
  },
  {
    kind: 'stories',
    pattern: kindPattern(
      '(?:the )?(?:(?:user|jira|product|feature|planned|mvp) )?(?:story|stories)(?: (?:ticket list|ticket|tickets|list|table|backlog|breakdown|overview|map|and acceptance criteria))*|' +
        'list of (?:user )?stories|(?:functional |product |business |user |key |core )?requirements|' +
        "features?(?: list| set| breakdown)?|key features|scope|in scope|what(?:'s| is) in scope|mvp(?: scope)?|" +
        'capabilities|use cases|user journeys?|jobs to be done|epics?|work ?items|backlog|deliverables|' +
        'tickets|issues in (?:this|the) epic|child issues|children|items|work|breakdown|work breakdown|to ?dos?|asks|changes|' +
        "what we(?:['’]re| are| will be) (?:building|doing|shipping)|what we(?: will|['’]ll) (?:build|do|ship|deliver)|solution|proposed solution|" +
        'the solution|proposal|approach|must[- ]haves?|should[- ]haves?|could[- ]haves?|nice[- ]to[- ]haves?|' +
        '(?:release|phase|milestone|iteration|v)\\s?\\d+(?: scope)?|p[0-2]|priority \\d',
    ),
  },
];

/** What a heading (or a "Label:" line) announces, or null when it names no known kind of section. */
export function classifyHeading(title: string): Exclude<SectionKind, 'other'> | null {
  const key = headingKey(title);
  if (!key) return null;
  for (const { kind, pattern } of SECTION_KINDS) if (pattern.test(key)) return kind;
  return null;
}

const AC_LABEL =
  /^(?:acceptance criteria|acceptance|ac|acs|criteria|definition of done|dod|done when|success looks like|conditions of satisfaction|requirements|rules|behaviou?r|scenarios?|expected behaviou?r)$/;

// ---- lines and sections ---------------------------------------------------------------------------

interface Line {
  text: string;
  indent: number;
  /** '-' bullets, '1' numbered items, '' prose. */
  marker: '-' | '1' | '';
  /** A line that is bold as a whole ("**Acceptance criteria**"). */
  bold: boolean;
  /** A table row: its cells. */
  cells: string[] | null;
}

interface Section {
  title: string;
  level: number;
  own: SectionKind;
  kind: SectionKind;
  lines: Line[];
  children: Section[];
  /** A heading that says it is one story ("User story: Log a workout"): a story wherever it stands. */
  story?: true;
  /** A bold line or a label line standing for a heading. */
  label?: true;
}

/** "User story: Log a workout", "Story 3 - Refunds", "Feature: Saved cards": one story, titled after the label. */
const ONE_STORY_HEADING =
  /^(?:user\s+)?(?:story|feature|requirement|use case|us)\s*#?\d*(?:\.\d+)*\s*[:–—-]\s*(.{3,})$/i;

const BULLET = /^(\s*)(?:([-*•+▪◦])|(\d{1,3}[.)]|[a-z][.)]|\[[ xX]\]))\s+(.*)$/;
const HEADING_MD = /^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$/;
const HEADING_WIKI = /^\s*h([1-6])\.\s+(.+)$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Inline markdown that is presentation, not words: emphasis, code ticks, links' targets. */
function plain(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<br\s*\/?>/gi, '; ')
    .replace(/\s+/g, ' ')
    .trim();
}

function toLines(text: string): { heading: { level: number; title: string } | null; line: Line | null }[] {
  const out: { heading: { level: number; title: string } | null; line: Line | null }[] = [];
  let blankBefore = true;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const blank = !raw.trim();
    const afterBlank = blankBefore;
    blankBefore = blank;
    if (blank || TABLE_RULE.test(raw)) continue;
    const h = HEADING_MD.exec(raw) ?? HEADING_WIKI.exec(raw);
    if (h) {
      const level = h[1]!.startsWith('#') ? h[1]!.length : Number(h[1]);
      out.push({ heading: { level, title: plain(h[2]!) }, line: null });
      continue;
    }
    const b = BULLET.exec(raw);
    // A paragraph or list item wrapped over several lines of a markdown file is one line.
    const prev = out[out.length - 1]?.line;
    if (!b && !afterBlank && prev && wrapsInto(prev, raw.trim())) {
      prev.text = `${prev.text} ${plain(raw.trim())}`;
      continue;
    }
    const indent = ((b ? b[1] : raw.match(/^\s*/)?.[0]) ?? '').replace(/\t/g, '    ').length;
    // "- [ ] item" (a task list): the box is no part of the item.
    const body = b ? b[4]!.replace(/^\[[ xX]\]\s+/, '') : raw.trim();
    const trimmed = body.trim();
    const cells = /^\|.*\|$/.test(trimmed) ? trimmed.slice(1, -1).split('|').map(plain) : null;
    out.push({
      heading: null,
      line: {
        text: cells ? cells.join(' | ') : plain(body),
        indent,
        marker: b ? (b[2] ? '-' : '1') : '',
        // "**Stories**", "**Rules:**", "**stories** (two already exist)": a label with an aside.
        bold: /^(\*\*|__)[^*_]+\1\s*:?\s*(?:\([^)]*\))?:?$/.test(trimmed),
        cells:
          cells ??
          (/ \| /.test(body) && !b
            ? body
                .trim()
                .split(/\s*\|\s*/)
                .map(plain)
            : null),
      },
    });
  }
  return out;
}

/** Whether `next` continues `prev` (a soft-wrapped line) rather than starting a line of its own. */
function wrapsInto(prev: Line, next: string): boolean {
  if (prev.bold || prev.cells || /[.!?:;]$/.test(prev.text) || /^\|/.test(next)) return false;
  // "and goes out in stages: 1% -> 10%": a conjunction or preposition continues the sentence above.
  if (
    /^(?:and|or|but|nor|so|with|without|to|of|in|on|at|by|for|from|into|that|which|who|because|than)\s/.test(
      next,
    )
  )
    return true;
  if (GWT_START.test(next) || REQ_ID.test(next) || USER_STORY.test(next) || /^[^:]{2,40}:\s/.test(next))
    return false;
  return /^[a-z(]/.test(next) || prev.text.length >= 60;
}

function parseSections(text: string): Section {
  const root: Section = { title: '', level: 0, own: 'other', kind: 'other', lines: [], children: [] };
  const stack: Section[] = [root];
  for (const item of toLines(text)) {
    if (item.heading) {
      const { level, title } = item.heading;
      while (stack.length > 1 && stack[stack.length - 1]!.level >= level) stack.pop();
      const parent = stack[stack.length - 1]!;
      const single = ONE_STORY_HEADING.exec(title);
      const own = single ? 'stories' : (classifyHeading(title) ?? 'other');
      const section: Section = {
        title: single ? single[1]!.trim() : title,
        level,
        own,
        // A heading that names nothing known belongs to its parent's kind ("### Earn points" under "User stories").
        kind: own === 'other' ? parent.kind : own,
        lines: [],
        children: [],
        ...(single ? { story: true as const } : {}),
      };
      parent.children.push(section);
      stack.push(section);
      continue;
    }
    const line = item.line!;
    // A short bold line on its own is the page's own heading ("**Out of scope**", "**Story 3: Refunds**"),
    // one level below the heading it sits under; "**Acceptance criteria**" stays a line of its story.
    const words = line.text.split(/\s+/).length;
    const isAc = AC_LABEL.test(headingKey(line.text.replace(/:$/, '')));
    // So is a short line on its own that names a kind of section ("Stories", "Open questions:").
    const named = line.marker === '' && !line.cells && words <= 5 && !/[.!?]$/.test(line.text) && !isAc;
    const labelText = line.bold
      ? line.text.replace(/\s*\([^)]*\)\s*:?$/, '').replace(/:$/, '')
      : line.text.replace(/:$/, '');
    const own0 = named || line.bold ? classifyHeading(labelText) : null;
    if (line.marker === '' && !isAc && ((line.bold && words <= 12) || (named && own0 !== null))) {
      // A bold label after a bold label is its sibling, except under one that names the stories
      // ("**Stories**" then "**Order a laptop**"), which holds them.
      const top = stack[stack.length - 1]!;
      const holds =
        top.own === 'stories' &&
        !top.story &&
        (own0 === null || own0 === 'stories') &&
        top.lines.length === 0;
      if (stack.length > 1 && top.label && !holds) stack.pop();
      const parent = stack[stack.length - 1]!;
      const own = own0 ?? 'other';
      const section: Section = {
        title: labelText,
        level: parent.level + (parent.label ? 0.25 : 0.5),
        label: true,
        own,
        kind: own === 'other' ? parent.kind : own,
        lines: [],
        children: [],
      };
      parent.children.push(section);
      stack.push(section);
      continue;
    }
    const current = stack[stack.length - 1]!;
    current.lines.push(line);
  }
  return root;
}

// ---- stories from markdown-like text -------------------------------------------------------------

interface Draft {
  title: string;
  description: string[];
  criteria: string[];
  origin: SourceStory['origin'];
  section: string;
  jira_key: string | null;
  actor: string | null;
}

const USER_STORY =
  /\bas an?\s+([^,.\n]{2,60}?),?\s+I\s+(?:want|need|would like|wish|can|should be able)\s+(?:to\s+)?(?:be able to\s+)?([^.\n]+?)(?:,?\s+so(?: that)?\s+([^.\n]+?))?(?:[.!]|$)/i;
const GWT_START = /^(?:given|when|then|and|but)\b[:,]?\s*/i;
// A Jira key named in a PRD title or key cell. Narrower than the key rule (common/issue-key.ts) on purpose:
// a project key of 2 to 10 characters, as Jira Cloud makes them, so requirement ids such as "R-1" or
// "F-2" in prose are not read as issue keys.
const ISSUE_KEY = /\s*[([]?\b([A-Z][A-Z0-9]{1,9}-\d+)\b[)\]]?\s*/;
const REQ_ID =
  /^(?:(?:FR|NFR|REQ|US|UC|R|F|S|STORY)[-_ ]?\d+(?:\.\d+)*|Story \d+|\d+(?:\.\d+)+)\s*[.:)–—-]?\s+/i;

/** "FR-2: Export invoices as CSV" / "Story 3 - Export" -> "Export invoices as CSV" / "Export". */
function stripNumbering(text: string): string {
  return text.replace(REQ_ID, '').trim();
}

/** "Users can export invoices as CSV." -> "Export invoices as CSV" */
export function storyTitleFrom(text: string): string {
  let t = stripNumbering(text);
  t = t
    .replace(
      /^(?:the\s+)?(?:system|app|application|platform|product|service|api|users?|customers?|admins?)\s+(?:must|shall|should|will|can|needs? to)\s+(?:be able to\s+)?(?:allow\s+(?:\w+\s+){0,2}?to\s+|support\s+)?/i,
      '',
    )
    .replace(/^(?:allow|enable)\s+(?:\w+\s+){0,2}?to\s+/i, '')
    .replace(/^(?:ability|option) to\s+/i, '')
    .replace(/^(?:be able to)\s+/i, '')
    .replace(/[.;]+$/, '')
    .trim();
  // "Support agents can search ..." -> "Search ...": the person goes, the action stays.
  const modal =
    /^((?:[\w'-]+\s+){1,4}?)(?:can|must|should|shall|will|may|are able to|is able to|needs? to|want to|wants to)\s+(?:be able to\s+)?/i.exec(
      t,
    );
  if (modal) {
    const who = modal[1]!.trim().toLowerCase().split(/\s+/);
    const head = who[who.length - 1]!;
    // Whoever "can" do something is its actor; "must"/"will" only say so of a person.
    const ability = /^(?:[\w'-]+\s+){1,4}?(?:can|may|are able to|is able to)\s/i.test(modal[0]);
    if (ability || PEOPLE.has(head) || PEOPLE.has(`${head}s`)) t = t.slice(modal[0].length);
  }
  // The first sentence only ("Export invoices. The file has ..."); "4.5:1" or "v2.1" are not sentence ends.
  t = t.split(/(?<=[a-z)])[.!?]\s+(?=[A-Z])/)[0] ?? t;
  // "Every change shall be written to a ledger": a requirement still stated as one is titled by its work.
  if (/\b(?:shall|must|should|will)\b/i.test(t))
    t = workPhrase(shortClause(t)).replace(/^(?:Ensure|Support) /, '');
  return capitalize(truncate(closeAsides(shortTitle(shortClause(t))), 120));
}

/** A title cut inside an aside ("per account (active users, seats") ends before the aside. */
function closeAsides(text: string): string {
  const open = text.lastIndexOf('(');
  return open > 0 && text.indexOf(')', open) < 0 ? text.slice(0, open).trim() : text;
}

/**
 * A title a board can show: past 84 characters, the words before the first qualifier ("in ASAP 4.2 format",
 * "with user, timestamp ...") once they say enough, or the first verb of a list of them.
 */
function shortTitle(text: string): string {
  let t = text;
  if (t.length <= 84) return t;
  for (const m of t.matchAll(/, (?:and )?([a-z]+) /g))
    if (m.index >= 25 && isBaseVerb(m[1]!)) {
      t = t.slice(0, m.index);
      break;
    }
  if (t.length <= 84) return t;
  for (const m of t.matchAll(/ (?:with|in|for|by|from|using|via|no later than|within|on|at) /gi))
    if (m.index >= 30) return t.slice(0, m.index);
  return t;
}

/** A long requirement's first clause, as a title: "Search accounts by email ..., and see results ..." -> its first part. */
function shortClause(text: string): string {
  const words = text.split(/\s+/);
  if (words.length <= 12) return text.replace(/[.;,]+$/, '');
  const cut =
    /^(.{20,}?)(?:;|,? and (?:see|get|receive|show|then)\b|, so\b| so that\b|, which\b|, where\b|,? (?:while|when|if|unless)\b|, (?:after|before|within|including)\b|, (?:and|but) (?:the|a|an|it|they)\b|, [a-z]+ed\b)/i.exec(
      text,
    );
  return (cut ? cut[1]! : text).replace(/[.;,]+$/, '').trim();
}

/** "**Saved cards** — pick a saved card" / "Saved cards: pick ..." -> ["Saved cards", "pick ..."]. */
function splitTitle(text: string): [string, string] | null {
  const bold = /^(?:\*\*|__)(.+?)(?:\*\*|__)\s*[:\-–—.]?\s*(.*)$/.exec(text);
  if (bold && bold[1]!.split(/\s+/).length <= 12) return [bold[1]!.replace(/:$/, ''), bold[2]!];
  // A colon or dash after a short name; not the colon of "4.5:1" or "10:30".
  const m = /^([^:–—]{2,80}?)(?<!\d)(?::\s+|\s+[–—-]\s+)(.+)$/.exec(text);
  if (m && m[1]!.split(/\s+/).length <= 8 && !USER_STORY.test(m[1]!)) return [m[1]!, m[2]!];
  return null;
}

function keyOf(text: string): { text: string; key: string | null } {
  const m = ISSUE_KEY.exec(text);
  if (!m) return { text, key: null };
  // Only a key at the start or the end of a title names the story's issue.
  const at = m.index;
  const end = at + m[0].length;
  if (at !== 0 && end !== text.length) return { text, key: null };
  return { text: `${text.slice(0, at)} ${text.slice(end)}`.trim(), key: m[1]! };
}

function draftFromTitle(raw: string, origin: Draft['origin'], section: string): Draft {
  // Requirement ids ("FR-1:") look like issue keys; they are numbering, not a link to an issue.
  const keyed = keyOf(stripNumbering(raw));
  const key = keyed.key;
  const text = stripNumbering(keyed.text);
  const us = USER_STORY.exec(text);
  if (us && us.index === 0) return userStoryDraft(us, section, key);
  const split = splitTitle(text);
  // A heading is a title as written; a list item is often a sentence ("Users can export invoices as CSV").
  const title = split ? split[0] : origin === 'heading' ? text : storyTitleFrom(text);
  // A requirement written as a sentence is also the story's description: what it asks, as written.
  const sentence = !split && origin !== 'heading' && text.split(/\s+/).length >= 4;
  return {
    title: title.replace(/[.:;]+$/, ''),
    description: split?.[1] ? [split[1]] : sentence ? [text] : [],
    criteria: [],
    origin,
    section,
    jira_key: key,
    actor: null,
  };
}

function shortWant(want: string): string {
  // An aside in dashes or brackets is detail, not title: "complete a job offline — checklist, photos —".
  const main = want.split(/\s+[—–]\s+|\s+-\s+|\s*\(/)[0]!.trim();
  const cut = main.split(/\s+(?:with|by|via|using|in order to|so that|so)\s+/i)[0]!;
  const text = cut.split(/\s+/).length >= 3 ? cut : main;
  return capitalize(truncate(text.replace(/[.;,]+$/, ''), 100));
}

function userStoryDraft(m: RegExpExecArray, section: string, key: string | null): Draft {
  const sentence = m[0].trim().replace(/^as an? /i, (x) => capitalize(x.toLowerCase()));
  return {
    title: shortWant(m[2]!.trim()),
    description: [/[.!]$/.test(sentence) ? sentence : `${sentence}.`],
    criteria: [],
    origin: 'user_story',
    section,
    jira_key: key,
    actor: lowerKeepAcronyms(m[1]!.trim()),
  };
}

/** Consecutive Given/When/Then lines become one criterion: "Given a, when b, then c". */
function pushCriterion(d: Draft, text: string, gwtOpen: boolean): boolean {
  const clause = GWT_START.exec(text);
  if (!clause) {
    d.criteria.push(text);
    return false;
  }
  const word = clause[0].replace(/[:,]/g, '').trim().toLowerCase();
  const rest = text.slice(clause[0].length).trim();
  // A "When" after a finished scenario ("..., then ...") starts the next one.
  const finished = /,? then\b/i.test(d.criteria[d.criteria.length - 1] ?? '');
  if (word === 'given' || !gwtOpen || d.criteria.length === 0 || (word === 'when' && finished)) {
    d.criteria.push(`${capitalize(word)} ${rest}`);
  } else {
    d.criteria[d.criteria.length - 1] =
      `${d.criteria[d.criteria.length - 1]!.replace(/[.;]$/, '')}, ${word} ${rest}`;
  }
  return true;
}

interface Collected {
  drafts: Draft[];
  context: string[];
  technical: string[];
  constraints: string[];
  exclusions: string[];
  questions: string[];
  risks: string[];
}

function sink(c: Collected, kind: SectionKind): string[] | null {
  switch (kind) {
    case 'context':
      return c.context;
    case 'constraints':
      return c.constraints;
    case 'exclusions':
      return c.exclusions;
    case 'questions':
      return c.questions;
    case 'risks':
      return c.risks;
    case 'technical':
      return c.technical;
    default:
      return null;
  }
}

/** "Out of scope: gift cards" -> ['exclusions', 'gift cards']; AC labels -> ['criteria', rest]. */
function labelOf(text: string): { kind: SectionKind | 'criteria'; rest: string } | null {
  const m = /^([^:]{2,60}):\s*(.*)$/.exec(text);
  if (!m || m[1]!.split(/\s+/).length > 6) return null;
  if (AC_LABEL.test(headingKey(m[1]!))) return { kind: 'criteria', rest: m[2]!.trim() };
  const kind = classifyHeading(m[1]!);
  return kind && kind !== 'stories' ? { kind, rest: m[2]!.trim() } : null;
}

/** Where a labelled part of a story goes: out-of-scope, questions, risks and constraints leave the story. */
const divert = (kind: SectionKind | 'criteria'): SectionKind | 'criteria' | null =>
  kind === 'exclusions' ||
  kind === 'questions' ||
  kind === 'risks' ||
  kind === 'constraints' ||
  kind === 'criteria'
    ? kind
    : null;

/** One story written as a heading: prose is its description, every list item and G/W/T line a criterion. */
function storyFromHeading(s: Section, c: Collected): Draft {
  const d = draftFromTitle(s.title, 'heading', s.title);
  let mode: SectionKind | 'criteria' | null = null;
  let gwt = false;
  // A labelled list item ("- Out of scope: X") takes its nested items along.
  let item: { kind: SectionKind; indent: number } | null = null;
  for (const l of s.lines) {
    if (item && l.marker !== '' && l.indent > item.indent) {
      sink(c, item.kind)?.push(l.text);
      continue;
    }
    item = null;
    const acLabel = l.bold && AC_LABEL.test(headingKey(l.text.replace(/:$/, '')));
    const label = acLabel ? { kind: 'criteria' as const, rest: '' } : labelOf(l.text);
    const to = label ? divert(label.kind) : null;
    if (label && l.marker === '') {
      mode = to;
      gwt = false;
      if (label.rest) {
        if (to === 'criteria') gwt = pushCriterion(d, label.rest, gwt);
        else if (to) sink(c, to)?.push(label.rest);
        else d.description.push(l.text);
      }
      continue;
    }
    if (label && to && to !== 'criteria') {
      sink(c, to)?.push(label.rest || l.text);
      item = { kind: to, indent: l.indent };
      continue;
    }
    if (mode && mode !== 'criteria') {
      sink(c, mode)?.push(l.text);
      continue;
    }
    if (l.marker !== '' || mode === 'criteria' || GWT_START.test(l.text) || l.cells) {
      gwt = pushCriterion(d, label?.kind === 'criteria' && label.rest ? label.rest : l.text, gwt);
      continue;
    }
    const us = USER_STORY.exec(l.text);
    if (us && d.actor === null) d.actor = lowerKeepAcronyms(us[1]!.trim());
    d.description.push(l.text);
  }
  for (const child of s.children) {
    // "#### Acceptance criteria" under a story heading; other sub-sections by their kind.
    if (AC_LABEL.test(headingKey(child.title))) {
      let open = false;
      for (const l of child.lines) open = pushCriterion(d, l.text, open);
    } else if (child.own !== 'other' && child.own !== 'stories' && divert(child.own))
      sink(c, child.own)?.push(...child.lines.map((l) => l.text));
    else {
      d.description.push(child.title);
      for (const l of child.lines) (l.marker ? d.criteria : d.description).push(l.text);
    }
  }
  return d;
}

/** Stories written as list items (or user-story lines) of one section: nested items are criteria. */
function storiesFromItems(s: Section, c: Collected): Draft[] {
  const out: Draft[] = [];
  const items = s.lines.filter((l) => l.marker !== '');
  const top = items.length > 0 ? Math.min(...items.map((l) => l.indent)) : 0;
  const header = tableHeader(s.lines);
  // Stories written as "As a ..." (or "FR-1 ...") paragraphs take the list items below them as criteria.
  const proseStories = s.lines.some((l) => l.marker === '' && startsProseStory(l.text));
  let current: Draft | null = null;
  // Set by a prose label ("Out of scope:"), until the next label or heading.
  let block: SectionKind | null = null;
  // Set by a labelled top-level item ("- Performance: p95 under 200 ms"), for its nested items.
  let itemSink: SectionKind | null = null;
  let criteria = false;
  let gwt = false;
  for (const l of s.lines) {
    if (l.cells && header) {
      const row = storyFromRow(l.cells, header, s.title);
      if (row) out.push(row);
      continue;
    }
    const isTop = l.marker !== '' && l.indent === top;
    const acLabel = l.bold && AC_LABEL.test(headingKey(l.text.replace(/:$/, '')));
    const label = acLabel ? { kind: 'criteria' as const, rest: '' } : labelOf(l.text);
    if (l.marker === '' && label) {
      if (label.kind === 'criteria') {
        if (current) {
          criteria = true;
          gwt = label.rest ? pushCriterion(current, label.rest, false) : false;
        }
        continue;
      }
      block = label.kind === 'stories' ? null : label.kind;
      current = null;
      if (label.rest && block) sink(c, block)?.push(label.rest);
      continue;
    }
    if (isTop && !(proseStories && current)) {
      itemSink = null;
      criteria = false;
      gwt = false;
      if (label && label.kind !== 'criteria' && label.kind !== 'stories') {
        sink(c, label.kind)?.push(label.rest || l.text);
        itemSink = label.kind;
        current = null;
        continue;
      }
      if (block) {
        sink(c, block)?.push(l.text);
        current = null;
        continue;
      }
      current = draftFromTitle(l.text, 'list_item', s.title);
      out.push(current);
      continue;
    }
    if (l.marker === '' && REQ_ID.test(l.text) && !/^\d/.test(l.text) && !USER_STORY.test(l.text)) {
      block = null;
      itemSink = null;
      criteria = false;
      current = draftFromTitle(l.text, 'list_item', s.title);
      out.push(current);
      continue;
    }
    const us = l.marker === '' ? USER_STORY.exec(l.text) : null;
    if (us && us.index <= 2) {
      block = null;
      itemSink = null;
      criteria = false;
      current = userStoryDraft(us, s.title, keyOf(l.text).key);
      out.push(current);
      continue;
    }
    if (itemSink) {
      sink(c, itemSink)?.push(l.text);
      continue;
    }
    if (block) {
      if (!current) sink(c, block)?.push(l.text);
      continue;
    }
    if (!current) continue;
    if (l.marker !== '' || criteria || GWT_START.test(l.text)) gwt = pushCriterion(current, l.text, gwt);
    else if (l.indent > top) current.description.push(l.text);
  }
  return out;
}

const TITLE_COLUMN = /^(?:title|story|user story|story title|summary|name|feature|requirement|item)$/i;
const DESCRIPTION_COLUMN =
  /^(?:description|details?|user story|story|as a.*|narrative|what(?: it (?:means|is|does)| we (?:build|do)| happens)?|scope|explanation|how it works|behaviou?r|in detail)$/i;
const NOTES_COLUMN = /^(?:notes?|comments?|remarks?|details?)$/i;
const CRITERIA_COLUMN = /^(?:acceptance criteria|acceptance|criteria|ac|acs|definition of done|done when)$/i;
const KEY_COLUMN = /^(?:jira(?: ticket| key| issue)?|ticket|key|issue)$/i;

interface TableHeader {
  title: number;
  description: number;
  criteria: number;
  key: number;
  notes: number;
}

function tableHeader(lines: readonly Line[]): TableHeader | null {
  const first = lines.find((l) => l.cells);
  if (!first?.cells) return null;
  const find = (re: RegExp, not = -1) => first.cells!.findIndex((c, i) => i !== not && re.test(c.trim()));
  const title = find(TITLE_COLUMN);
  if (title < 0) return null;
  return {
    title,
    description: find(DESCRIPTION_COLUMN, title),
    criteria: find(CRITERIA_COLUMN),
    key: find(KEY_COLUMN),
    notes: find(NOTES_COLUMN, title),
  };
}

function storyFromRow(cells: readonly string[], h: TableHeader, section: string): Draft | null {
  const title = cells[h.title]?.trim() ?? '';
  if (!title || TITLE_COLUMN.test(title)) return null;
  const cell = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
  const d = draftFromTitle(title, 'list_item', section);
  if (cell(h.description)) d.description = [cell(h.description)];
  // A notes column says more about the story: its description, after what the row says it is.
  if (h.notes >= 0 && h.notes !== h.description && cell(h.notes)) d.description.push(cell(h.notes));
  let gwt = false;
  for (const part of cell(h.criteria)
    .split(/\s*;\s+|\s+•\s+/)
    .filter(Boolean))
    gwt = pushCriterion(d, part, gwt);
  const key = ISSUE_KEY.exec(cell(h.key))?.[1];
  if (key) d.jira_key = key;
  return d;
}

function startsProseStory(text: string): boolean {
  const us = USER_STORY.exec(text);
  return (us !== null && us.index <= 2) || (REQ_ID.test(text) && !/^\d/.test(text));
}

/** Whether a story section lists its stories as numbered items or "As a ..." lines (not one story's bullets). */
function listsStories(s: Section): boolean {
  const items = s.lines.filter((l) => l.marker !== '');
  const top = items.length > 0 ? Math.min(...items.map((l) => l.indent)) : 0;
  const numbered = items.filter((l) => l.indent === top && l.marker === '1').length;
  const userStories = s.lines.filter((l) => {
    const m = USER_STORY.exec(l.text);
    return m !== null && m.index <= 2;
  }).length;
  return (
    numbered >= 2 ||
    userStories >= 2 ||
    (tableHeader(s.lines) !== null && s.lines.filter((l) => l.cells).length > 1)
  );
}

/** A line that states a rule for the whole plan rather than describing things. */
const RULE_LINE =
  /\b(?:must(?: not)?|mustn['’]t|shall(?: not)?|never|is not allowed|are not allowed|at all|every (?:table|story|screen|page|endpoint|report|service)|in this epic|across (?:the|this) epic)\b/i;

function collectSection(s: Section, c: Collected, storyMode: 'named' | 'any', depth: number): void {
  // Without a section named for stories, any section that names no other kind holds them; so does a
  // document without headings.
  const anyStories = storyMode === 'any' && (depth > 0 || s.children.length === 0);
  if (s.story) {
    c.drafts.push(storyFromHeading(s, c));
    return;
  }
  const kind = s.kind === 'other' && anyStories ? 'stories' : s.kind;
  if (kind !== 'stories') {
    const lines = s.lines.filter((l) => !l.bold).map((l) => l.text);
    if (kind === 'other') {
      // A section the page does not name ("Personal data"): its rules bind the plan, the rest is context.
      for (const line of lines) (RULE_LINE.test(line) ? c.constraints : c.context).push(line);
    } else sink(c, kind)?.push(...lines);
    for (const child of s.children) collectSection(child, c, storyMode, depth + 1);
    return;
  }
  const storyChildren = s.children.filter((ch) => {
    const k = ch.kind === 'other' && storyMode === 'any' ? 'stories' : ch.kind;
    return k === 'stories';
  });
  const container = s.own === 'stories' || storyChildren.length > 0 || depth === 0 || listsStories(s);
  if (!container) {
    c.drafts.push(storyFromHeading(s, c));
    return;
  }
  // A container's own lines: its list items are stories (or its intro, when it has sub-headings).
  if (storyChildren.length === 0 || s.lines.some((l) => l.marker !== '' || l.cells))
    c.drafts.push(...storiesFromItems(s, c));
  for (const child of s.children) collectSection(child, c, storyMode, depth + 1);
}

function readDocument(text: string): { root: Section; collected: Collected; named: boolean } {
  const root = parseSections(looksLikeHtml(text) ? htmlToPlanText(text) : text);
  const all = flatten(root);
  // With a section named for stories ("User stories", "Requirements"), other sections are context; without
  // one, every section that names no other kind holds stories.
  const named = all.some((s) => s.own === 'stories');
  const collected: Collected = {
    drafts: [],
    context: [],
    technical: [],
    constraints: [],
    exclusions: [],
    questions: [],
    risks: [],
  };
  collectSection(root, collected, named ? 'named' : 'any', 0);
  return { root, collected, named };
}

function flatten(root: Section): Section[] {
  const out: Section[] = [];
  const visit = (s: Section) => {
    out.push(s);
    for (const ch of s.children) visit(ch);
  };
  visit(root);
  return out;
}

// ---- the PRD's story table ------------------------------------------------------------------------

/** A PRD row's criteria as written; a Given/When/Then scenario reads as one criterion. */
export function prdRowCriteria(story: PrdStory): string[] {
  const ac = story.acceptance_criteria;
  if (ac.format !== 'gwt' || !ac.scenarios) return ac.items.filter((x) => x.trim().length > 0);
  return ac.scenarios
    .map((sc) => {
      const d: Draft = {
        title: '',
        description: [],
        criteria: [],
        origin: 'prd_table',
        section: '',
        jira_key: null,
        actor: null,
      };
      let open = false;
      for (const step of sc.steps) open = pushCriterion(d, step, open);
      const body = d.criteria.join('; ');
      return sc.title ? `${sc.title.replace(/[:.]$/, '')}: ${body}` : body;
    })
    .filter((x) => x.length > 0);
}

function storiesFromTable(xhtml: string): { stories: SourceStory[]; section: string } | null {
  if (!looksLikeHtml(xhtml)) return null;
  let parsed: ReturnType<typeof parsePrdPage>;
  try {
    parsed = parsePrdPage(xhtml);
  } catch {
    return null;
  }
  const stories = parsed.stories
    .filter((s) => s.title.trim().length > 0)
    .map((s): SourceStory => {
      const us = USER_STORY.exec(s.description);
      return {
        title: s.title.trim(),
        description: s.description === s.title ? '' : s.description,
        acceptance_criteria: prdRowCriteria(s),
        origin: 'prd_table',
        section: parsed.section,
        row_index: s.row_index,
        jira_key: s.jira_key,
        actor: us ? lowerKeepAcronyms(us[1]!.trim()) : null,
      };
    });
  return stories.length > 0 ? { stories, section: parsed.section } : null;
}

// ---- the reading ----------------------------------------------------------------------------------

function sentencesWithDuty(text: string): Draft[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => s.replace(BULLET, '$4').trim())
    .filter((s) => /\b(?:must|should|shall|needs? to|can)\b/i.test(s) && s.length > 25 && s.length < 400)
    .map((s) => ({
      title: storyTitleFrom(s),
      description: [s],
      criteria: [],
      origin: 'sentence' as const,
      section: '',
      jira_key: null,
      actor: null,
    }));
}

/** Whether two story titles name the same requirement (the epic and the PRD saying the same thing). */
export function sameStoryTitle(a: string, b: string): boolean {
  const ta = new Set(contentTokens(a));
  const tb = new Set(contentTokens(b));
  if (ta.size === 0 || tb.size === 0) return false;
  // Short titles need a stricter match: "Archive projects" is not "Restore archived projects".
  const [small, big] = ta.size <= tb.size ? [ta, tb] : [tb, ta];
  return jaccard(ta, tb) >= 0.75 || (small.size >= 3 && containment([...small], big) >= 0.9);
}

function finish(d: Draft): SourceStory {
  const uniq = [...new Set(d.criteria.map((x) => x.trim()).filter((x) => x.length > 0))];
  return {
    title: capitalize(d.title.trim()),
    description: d.description.join('\n').trim(),
    acceptance_criteria: uniq,
    origin: d.origin,
    section: d.section,
    row_index: null,
    jira_key: d.jira_key,
    actor: d.actor,
  };
}

function sectionsOf(root: Section): SourceSection[] {
  return flatten(root)
    .filter((s) => s.title !== '' || s.lines.length > 0)
    .map((s) => ({
      title: s.title,
      level: Math.ceil(s.level),
      kind: s.kind,
      lines: s.lines.map((l) => l.text),
    }));
}

/**
 * Reads an epic and its PRD into stories, context, constraints and exclusions. Deterministic; never
 * returns zero stories (the epic itself is the story when nothing else is found).
 */
export function readPlanSource(input: PlanSourceInput): PlanSource {
  const max = input.max_stories ?? 20;
  const epic = input.description?.trim() ? readDocument(input.description) : null;
  const prd = input.prd?.trim() ? readDocument(input.prd) : null;
  // The PRD's story table, or one pasted into the epic's description.
  const table =
    (input.prd ? storiesFromTable(input.prd) : null) ??
    (input.description ? storiesFromTable(input.description) : null);
  const notes: string[] = [];
  const parts = [epic?.collected, prd?.collected].filter((x): x is Collected => x !== undefined);
  // The epic description's own items are its context when the PRD holds the stories.
  const prdHasStories = table !== null || (prd?.collected.drafts.length ?? 0) > 0;
  if (epic && prdHasStories)
    for (const d of epic.collected.drafts)
      epic.collected.context.push(d.title, ...d.description, ...d.criteria);
  const gather = (k: keyof Omit<Collected, 'drafts'>) => [...new Set(parts.flatMap((p) => p[k]))];
  const exclusions = gather('exclusions');

  let stories: SourceStory[];
  let from: PlanSource['stories_from'];
  if (table) {
    stories = table.stories;
    from = 'prd_table';
  } else {
    // The PRD's stories when it has some; the epic description's otherwise.
    let drafts = prd?.collected.drafts ?? [];
    from = 'prd';
    if (drafts.length === 0) {
      drafts = epic?.collected.drafts ?? [];
      from = 'epic';
    }
    if (drafts.length === 0) {
      drafts = [input.prd, input.description].flatMap((t) =>
        t ? sentencesWithDuty(looksLikeHtml(t) ? htmlToPlanText(t) : t) : [],
      );
      from = input.prd ? 'prd' : 'epic';
    }
    const merged: Draft[] = [];
    for (const d of drafts) {
      if (!d.title.trim()) continue;
      const twin = merged.find((m) => sameStoryTitle(m.title, d.title));
      if (twin) {
        for (const x of d.criteria) if (!twin.criteria.includes(x)) twin.criteria.push(x);
        for (const x of d.description) if (!twin.description.includes(x)) twin.description.push(x);
      } else merged.push({ ...d, criteria: [...d.criteria], description: [...d.description] });
    }
    stories = merged.map(finish);
  }
  // What the page puts out of scope is no story, even when a goal or a list names it too.
  stories = stories.filter((s) => {
    const out = exclusions.find((x) => sameStoryTitle(x, s.title) || headingKey(x) === headingKey(s.title));
    if (out && s.origin !== 'prd_table')
      notes.push(`"${s.title}" is not planned: the page lists it as out of scope ("${out}").`);
    return !out || s.origin === 'prd_table';
  });
  if (stories.length === 0) {
    stories = [
      {
        title: storyTitleFrom(input.summary) || input.summary,
        description: epic ? input.description!.trim() : input.summary,
        acceptance_criteria: [],
        origin: 'summary',
        section: '',
        row_index: null,
        jira_key: null,
        actor: null,
      },
    ];
    from = 'summary';
  }
  if (stories.length > max)
    notes.push(`${stories.length - max} stories beyond max_stories (${max}) were left out.`);
  return {
    summary: input.summary,
    context: gather('context'),
    stories: stories.slice(0, max),
    constraints: gather('constraints'),
    exclusions,
    technical_notes: gather('technical'),
    questions: gather('questions'),
    risks: gather('risks'),
    sections: [...(epic ? sectionsOf(epic.root) : []), ...(prd ? sectionsOf(prd.root) : [])],
    stories_from: from,
    notes,
  };
}

const bullets = (lines: readonly string[]) => lines.map((l) => `- ${l}`).join('\n');

/**
 * The read source as labelled text for a model: the epic's context, the stories the page already lists
 * (with their criteria as written), the constraints every story carries, what is out of scope, open
 * questions and risks. Empty parts are left out.
 */
export function renderPlanSource(source: PlanSource): string {
  const parts: string[] = [];
  if (source.context.length > 0) parts.push(`## Epic goal and context\n${bullets(source.context)}`);
  const written = source.stories.filter((s) => s.origin !== 'summary' && s.origin !== 'sentence');
  if (written.length > 0) {
    const rows = written.map((s, i) => {
      const head = `${i + 1}. ${s.title}${s.jira_key ? ` (${s.jira_key})` : ''}`;
      const desc = s.description ? `\n   ${s.description.replace(/\n/g, '\n   ')}` : '';
      const ac = s.acceptance_criteria.map((c) => `\n   - ${c}`).join('');
      return `${head}${desc}${ac}`;
    });
    parts.push(`## Stories the page lists (keep their titles, order and criteria)\n${rows.join('\n')}`);
  }
  if (source.constraints.length > 0)
    parts.push(
      `## Constraints that apply to every story (non-functional requirements)\n${bullets(source.constraints)}`,
    );
  if (source.exclusions.length > 0)
    parts.push(`## Out of scope: never plan these\n${bullets(source.exclusions)}`);
  if (source.questions.length > 0) parts.push(`## Open questions\n${bullets(source.questions)}`);
  if (source.risks.length > 0) parts.push(`## Risks and assumptions\n${bullets(source.risks)}`);
  return parts.join('\n\n');
}
