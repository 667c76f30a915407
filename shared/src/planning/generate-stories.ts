import { estimateTicket } from './estimate-ticket.js';
import { htmlToPlanText, looksLikeHtml } from './html-to-text.js';
import { type PlanSource, readPlanSource, type SourceStory } from './read-plan-source.js';
import type { Story } from './schemas.js';
import { contentTokens, splitSentences, truncate } from './text.js';

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

/**
 * Gives each RFC line to the one story it is most about. Words are weighted by how rare they are among
 * the stories (a word every story shares, like the epic's main noun, says little), words of a story's
 * title count double, and a line that fits two stories equally well goes to neither.
 */
function assignRfcLines(rfcLines: readonly string[], stories: readonly SourceStory[]): string[][] {
  const n = stories.length;
  const bags = stories.map(
    (c) => new Set(contentTokens(`${c.title} ${c.description} ${c.acceptance_criteria.join(' ')}`)),
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

/** Story points for days of work: the smallest Fibonacci number whose 1.5 days cover them. */
export function pointsForDays(days: number): number {
  return FIBONACCI.find((f) => days <= f * 1.5) ?? 21;
}

const USER_STORY_LINE = /^as an?\s+.+?\bI\s+(?:want|need|would like|can)\b/i;

/**
 * The behaviour a story's description states, sentence by sentence (its bullets included): what a story
 * written without a criteria column is checked against, in its author's words.
 */
export function criteriaFromDescription(description: string): string[] {
  const out: string[] = [];
  for (const line of description.split('\n')) {
    const text = line.replace(/^\s*(?:[-*•+]|\d+[.)])\s+/, '').trim();
    if (!text || /^(?:technical notes|part of)\b/i.test(text)) continue;
    // "... an email address; the customer receives a confirmation": two things to check.
    for (const sentence of splitSentences(text).flatMap((x) => x.split(/;\s+/))) {
      const clean = sentence.replace(/[.;]+$/, '').trim();
      if (clean.split(/\s+/).length < 4 || USER_STORY_LINE.test(clean)) continue;
      out.push(clean);
    }
  }
  return [...new Set(out)].slice(0, 8);
}

/**
 * A source story as a planning story: criteria as written; without any, the behaviour its description
 * states. A story that states nothing checkable gets none: readiness says so, and nothing is made up.
 */
export function storyFromSource(s: SourceStory, rfcNotes: readonly string[] = []): Story {
  const criteria =
    s.acceptance_criteria.length > 0 ? s.acceptance_criteria : criteriaFromDescription(s.description);
  const description = [
    s.description.trim(),
    rfcNotes.length > 0 ? `Technical notes (RFC):\n${rfcNotes.map((n) => `- ${n}`).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const story: Story = { title: s.title, description, acceptance_criteria: criteria };
  if (s.jira_key) story.key = s.jira_key;
  const effort = estimateTicket(story).total_effort_days;
  story.story_points = pointsForDays(effort);
  return story;
}

/** The planning stories of a read source, with the RFC's lines given to the stories they are about. */
export function storiesFromSource(source: PlanSource, rfcText?: string): Story[] {
  // The RFC's lines and the page's own technical notes go to the stories they are about.
  const rfcLines = [
    ...(rfcText ? (looksLikeHtml(rfcText) ? htmlToPlanText(rfcText) : rfcText) : '').split('\n'),
    ...source.technical_notes,
  ]
    .map((l) => l.replace(/^\s*(?:[-*•+]|\d+[.)]|#{1,6})\s*/, '').trim())
    .filter((l) => l.length > 10);
  const notes = rfcLines.length > 0 ? assignRfcLines(rfcLines, source.stories) : source.stories.map(() => []);
  return source.stories.map((s, i) => storyFromSource(s, notes[i]));
}

/**
 * Stories for an epic, each with a description and acceptance criteria, at most `max_stories` (see
 * readPlanSource for how the input is read).
 */
export function generateStoriesForEpic(input: StorySourceInput): Story[] {
  const source = readPlanSource({
    summary: input.epic_summary,
    description: input.epic_description,
    prd: input.prd_text,
    max_stories: input.max_stories,
  });
  return storiesFromSource(source, input.rfc_text);
}
