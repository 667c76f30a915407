/**
 * Rule-based story generation for an epic from its description and PRD (and RFC for technical notes).
 * Requirements are found in "As a ... I want ... so that ..." sentences, bullet and numbered lists,
 * requirement ids (FR-1) and feature headings; nested bullets or an "Acceptance criteria" block under
 * a requirement become its criteria, otherwise concrete Given/When/Then criteria are proposed.
 */
import { analyzeStory } from './analyze-story.js';
import { toGivenWhenThen } from './criteria.js';
import { deriveAcceptanceCriteria } from './derive-criteria.js';
import { estimateTicket } from './estimate-ticket.js';
import { htmlToPlanText, looksLikeHtml } from './html-to-text.js';
import type { Story } from './schemas.js';
import { capitalize, containment, contentTokens, jaccard, splitSentences, truncate } from './text.js';

export interface StorySourceInput {
  epic_summary: string;
  epic_description?: string;
  /** PRD text: markdown, plain text, HTML or Confluence storage format. */
  prd_text?: string;
  /** RFC text: used for technical notes and endpoints, not as a source of stories. */
  rfc_text?: string;
  /** Default 20. */
  max_stories?: number;
}

interface Line {
  text: string;
  indent: number;
  bullet: boolean;
}

interface Section {
  title: string;
  level: number;
  lines: Line[];
  children: Section[];
  skipped: boolean;
}

interface Candidate {
  title: string;
  description: string;
  criteria: string[];
  actor?: string;
}

const SKIP_SECTION =
  /\b(?:non[- ]goals?|out of scope|not in scope|open questions?|risks?|appendix|references?|glossary|background|assumptions?|timeline|milestones?|success metrics|kpis?|stakeholders|faq|change ?log|revision history|approvals?|dependencies|alternatives considered)\b/i;
const GENERIC_SECTION =
  /^(?:\d+[.)]?\s*)?(?:(?:functional |product |business |key )?requirements?|features?|user stories|stories|scope|in scope|capabilities|use cases|must[- ]haves?|mvp|phase \d+|goals?|overview|summary|details?|description|what we(?:'re| are) building)\s*:?$/i;
const AC_LABEL = /^(?:\*\*)?(?:acceptance criteria|ac|criteria|definition of done)(?:\*\*)?\s*:?\s*$/i;
const USER_STORY =
  /\bas an?\s+([^,.\n]{2,60}?),?\s+I\s+(?:want|need|would like|can)\s+(?:to\s+)?(?:be able to\s+)?([^.\n]+?)(?:,?\s+so(?: that)?\s+([^.\n]+?))?(?:\.|\n|$)/i;
const CRITERION_LIKE =
  /\b(?:must|should|shall|will|cannot|can't|is|are|given|when|then|returns?|shows?|within|at least|at most|only)\b/i;
const REQ_ID = /^(?:FR|NFR|REQ|US|R)[-_ ]?\d+[.:)]?\s+/i;

function parseSections(text: string): Section {
  const root: Section = { title: '', level: 0, lines: [], children: [], skipped: false };
  const stack: Section[] = [root];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (!raw.trim()) continue;
    const heading = raw.match(/^\s*(#{1,6})\s+(.+?)\s*#*\s*$/) ?? raw.match(/^\s*h([1-6])\.\s+(.+)$/);
    if (heading) {
      const level = heading[1]!.startsWith('#') ? heading[1]!.length : Number(heading[1]);
      const title = heading[2]!.replace(/\*\*/g, '').trim();
      while (stack.length > 1 && stack[stack.length - 1]!.level >= level) stack.pop();
      const parent = stack[stack.length - 1]!;
      const section: Section = {
        title,
        level,
        lines: [],
        children: [],
        skipped: parent.skipped || SKIP_SECTION.test(title),
      };
      parent.children.push(section);
      stack.push(section);
      continue;
    }
    const indent = (raw.match(/^\s*/)?.[0] ?? '').replace(/\t/g, '    ').length;
    const bullet = /^\s*(?:[-*•+]|\d+[.)]|[a-z][.)]|\[[ xX]\])\s+/.test(raw);
    const clean = raw
      .replace(/^\s*(?:[-*•+]|\d+[.)]|[a-z][.)]|\[[ xX]\])\s+/, '')
      .replace(/\*\*/g, '')
      .trim();
    stack[stack.length - 1]!.lines.push({ text: clean, indent, bullet });
  }
  return root;
}

/** "Users can export invoices as CSV." -> "Export invoices as CSV" */
function titleFrom(text: string): string {
  let t = text.replace(REQ_ID, '').trim();
  const colon = t.indexOf(':');
  if (colon > 3 && colon < 70) t = t.slice(0, colon);
  t = t
    .replace(
      /^(?:the\s+)?(?:system|app|application|platform|product|service|users?|customers?|admins?)\s+(?:must|shall|should|will|can|needs? to)\s+(?:be able to\s+|allow\s+(?:\w+\s+){0,2}?to\s+|support\s+)?/i,
      '',
    )
    .replace(/^(?:allow|enable)\s+(?:\w+\s+){0,2}?to\s+/i, '')
    .replace(/^(?:ability|option) to\s+/i, '')
    .replace(/^(?:be able to)\s+/i, '')
    .replace(/[.;]+$/, '')
    .trim();
  t = t.split(/(?<=[a-z])\.\s/)[0] ?? t;
  return capitalize(truncate(t, 100));
}

function userStoryCandidate(m: RegExpMatchArray, area: string): Candidate {
  const actor = m[1]!.trim().toLowerCase();
  const want = m[2]!.trim().replace(/[,;]+$/, '');
  const sentence = m[0]
    .trim()
    .replace(/^as an? /i, (x) => capitalize(x.toLowerCase()))
    .replace(/[.\n]*$/, '.');
  const description = `${sentence}${area ? `\n\nArea: ${area}.` : ''}`;
  return { title: shortTitle(want), description, criteria: [], actor };
}

/** Candidates from one section's own lines (children are handled by the caller). */
function sectionCandidates(section: Section): Candidate[] {
  const out: Candidate[] = [];
  const lines = section.lines;
  const area = GENERIC_SECTION.test(section.title) ? '' : section.title;
  const bulletIndents = lines.filter((l) => l.bullet).map((l) => l.indent);
  const top = bulletIndents.length > 0 ? Math.min(...bulletIndents) : 0;
  const topBullets = lines.filter((l) => l.bullet && l.indent === top);
  const storyLines = lines.filter((l) => USER_STORY.test(l.text) || REQ_ID.test(l.text));
  const criteriaLike = topBullets.filter((l) => CRITERION_LIKE.test(l.text)).length;
  // A specific heading whose bullets read like criteria describes one story.
  const singleStory =
    storyLines.length === 0 &&
    area !== '' &&
    section.children.length === 0 &&
    (topBullets.length === 0 || criteriaLike * 2 >= topBullets.length) &&
    (topBullets.length > 0 || lines.some((l) => l.text.length > 30));
  if (singleStory) {
    const prose = lines.filter((l) => !l.bullet && !AC_LABEL.test(l.text)).map((l) => l.text);
    out.push({
      title: titleFrom(section.title),
      description: prose.join(' ') || section.title,
      criteria: lines.filter((l) => l.bullet).map((l) => l.text),
    });
    return out;
  }
  let current: Candidate | undefined;
  let inAc = false;
  for (const l of lines) {
    const us = l.text.match(USER_STORY);
    if (us) {
      current = userStoryCandidate(us, area);
      out.push(current);
      inAc = false;
      continue;
    }
    if (AC_LABEL.test(l.text)) {
      inAc = current !== undefined;
      continue;
    }
    if (current && (inAc || (l.bullet && l.indent > top))) {
      current.criteria.push(l.text);
      continue;
    }
    if (
      REQ_ID.test(l.text) ||
      (l.bullet &&
        l.indent === top &&
        (area === '' || section.children.length > 0 || criteriaLike * 2 < topBullets.length))
    ) {
      current = {
        title: titleFrom(l.text),
        description: `${l.text.replace(REQ_ID, '')}${area ? `\n\nArea: ${area}.` : ''}`,
        criteria: [],
      };
      out.push(current);
      inAc = false;
      continue;
    }
    if (!l.bullet && current && current.criteria.length === 0 && l.text.length > 20) {
      current.description += `\n\n${l.text}`;
    }
  }
  // A feature heading over a single user story names the story better than the sentence does.
  if (area !== '' && out.length === 1 && out[0]!.actor !== undefined)
    out[0]!.title = titleFrom(section.title);
  return out;
}

/** "create an invoice for a customer with amount and currency" -> "Create an invoice for a customer" */
function shortTitle(want: string): string {
  const cut = want.split(/\s+(?:with|by|via|using|in order to|so that|so)\s+/i)[0]!;
  const text = cut.split(/\s+/).length >= 3 ? cut : want;
  return capitalize(truncate(text.replace(/[.;,]+$/, ''), 100));
}

function collect(section: Section, into: Candidate[]): void {
  if (section.skipped) return;
  into.push(...sectionCandidates(section));
  for (const child of section.children) collect(child, into);
}

function fallbackCandidates(text: string): Candidate[] {
  return splitSentences(text)
    .filter((s) => /\b(?:must|should|shall|needs? to|can)\b/i.test(s) && s.length > 25 && s.length < 400)
    .map((s) => ({ title: titleFrom(s), description: s, criteria: [] }));
}

/**
 * Gives each RFC line to the one story it is most about. Words are weighted by how rare they are among
 * the stories (a word every story shares, like the epic's main noun, says little), words of a story's
 * title count double, and a line that fits two stories equally well goes to neither.
 */
function assignRfcLines(rfcLines: readonly string[], stories: readonly Candidate[]): string[][] {
  const n = stories.length;
  const bags = stories.map(
    (c) => new Set(contentTokens(`${c.title} ${c.description} ${c.criteria.join(' ')}`)),
  );
  const titles = stories.map((c) => new Set(contentTokens(c.title)));
  const df = new Map<string, number>();
  for (const bag of bags) for (const t of bag) df.set(t, (df.get(t) ?? 0) + 1);
  const out: string[][] = stories.map(() => []);
  for (const line of rfcLines) {
    const toks = new Set(contentTokens(line));
    let best = -1;
    let bestScore = 0;
    let second = 0;
    bags.forEach((bag, i) => {
      let score = 0;
      for (const t of toks) {
        if (!bag.has(t)) continue;
        const w = Math.log(1 + n / (df.get(t) ?? 1));
        score += titles[i]!.has(t) ? 2 * w : w;
      }
      if (score > bestScore) {
        second = bestScore;
        bestScore = score;
        best = i;
      } else if (score > second) second = score;
    });
    if (best >= 0 && bestScore >= 2 && bestScore > second * 1.15 && out[best]!.length < 4)
      out[best]!.push(truncate(line, 300));
  }
  return out;
}

const FIBONACCI = [1, 2, 3, 5, 8, 13, 21];

/**
 * Stories for an epic, each with a description and acceptance criteria, at most `max_stories`.
 * Near-duplicate requirements (from the epic and the PRD saying the same thing) are merged.
 * Story points follow the same effort model as the task estimates.
 */
export function generateStoriesForEpic(input: StorySourceInput): Story[] {
  const max = input.max_stories ?? 20;
  const toText = (t?: string) => (t ? (looksLikeHtml(t) ? htmlToPlanText(t) : t) : '');
  const sources = [toText(input.epic_description), toText(input.prd_text)].filter((t) => t.trim().length > 0);
  let candidates: Candidate[] = [];
  for (const src of sources) collect(parseSections(src), candidates);
  if (candidates.length === 0) candidates = sources.flatMap(fallbackCandidates);
  if (candidates.length === 0) {
    candidates = [
      {
        title: titleFrom(input.epic_summary),
        description: input.epic_description ?? input.epic_summary,
        criteria: [],
      },
    ];
  }

  // Merge requirements that say the same thing.
  const merged: Candidate[] = [];
  for (const c of candidates) {
    if (!c.title.trim()) continue;
    const ct = new Set(contentTokens(c.title));
    const twin = merged.find((m) => {
      const mt = new Set(contentTokens(m.title));
      // Short titles need a stricter match: "Archive projects" is not "Restore archived projects".
      const small = Math.min(ct.size, mt.size);
      const [a, b] = ct.size <= mt.size ? [ct, mt] : [mt, ct];
      return jaccard(ct, mt) >= 0.75 || (small >= 3 && containment([...a], b) >= 0.9);
    });
    if (twin) {
      for (const crit of c.criteria) if (!twin.criteria.includes(crit)) twin.criteria.push(crit);
      if (!twin.description.includes(c.description)) twin.description += `\n\n${c.description}`;
    } else {
      merged.push({ ...c, criteria: [...c.criteria] });
    }
  }

  const kept = merged.slice(0, max);
  const rfcLines = toText(input.rfc_text)
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•+]|\d+[.)]|#{1,6})\s*/, '').trim())
    .filter((l) => l.length > 10);

  const rfcByStory = rfcLines.length > 0 ? assignRfcLines(rfcLines, kept) : kept.map(() => []);

  return kept.map((c, i) => {
    const draft = { title: c.title, description: c.description, acceptance_criteria: c.criteria };
    const a = analyzeStory(draft);
    const actor = c.actor ?? a.entities.actors[0];
    const criteria =
      c.criteria.length > 0
        ? c.criteria.map((x) => toGivenWhenThen(x, actor))
        : deriveAcceptanceCriteria(a, c.title, 5);
    const notes = rfcByStory[i]!;
    const description = [
      c.description.trim(),
      notes.length > 0 ? `Technical notes (RFC):\n${notes.map((n) => `- ${n}`).join('\n')}` : '',
      `Epic: ${input.epic_summary}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const story: Story = { title: c.title, description, acceptance_criteria: criteria };
    const effort = estimateTicket(story).total_effort_days;
    story.story_points = FIBONACCI.find((f) => effort <= f * 1.5) ?? 21;
    return story;
  });
}
