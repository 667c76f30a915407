/**
 * Readiness of a story for generation: a 0..100 score with the reasons behind it, so teams fix weak
 * tickets (no criteria, vague criteria, a bare link, open questions) before generating from them.
 */
import type { StoryLike } from './analyze-story.js';
import { parseGivenWhenThen } from './criteria.js';
import { matchExistingStories, type StoryRef } from './match-existing-stories.js';
import { baseOfPast, baseOfThird, isBaseVerb } from './verb-forms.js';

export interface ReadinessReason {
  signal:
    | 'acceptance_criteria'
    | 'testable_criteria'
    | 'description'
    | 'links_only'
    | 'open_questions'
    | 'story_shape'
    | 'repeats_sibling';
  /** Points earned for this signal (the maxima add up to 100). */
  points: number;
  max_points: number;
  message: string;
}

export type ReadinessLevel = 'ready' | 'needs_work' | 'not_ready';

export interface Readiness {
  score: number;
  level: ReadinessLevel;
  reasons: ReadinessReason[];
}

const VAGUE_RE =
  /\b(?:fast|quick(?:ly)?|user[- ]friendly|easy|easily|intuitive|simple|nice|good|better|appropriate(?:ly)?|properly|as needed|robust|seamless(?:ly)?|etc\.?|and so on|flexible|efficient(?:ly)?|modern|clean|works? well|correctly)\b/i;
const OBSERVABLE_RE =
  /\b(?:should|must|can|cannot|will|shows?|shown|displays?|displayed|returns?|receives?|sees?|saved|stored|sent|created|rejected|refused|is|are|becomes?|within|at least|at most)\b/i;
const URL_RE = /\bhttps?:\/\/\S+|\[[^\]]*\]\([^)]*\)/g;
const QUESTION_RE =
  /\b(?:tbd|tbc|todo|to be (?:decided|defined|confirmed)|open question|unclear|unknown)\b|\?\?+|\?\s*$/gim;

/** Whether a criterion states an observable, checkable outcome (and is not just an adjective). */
export function isTestableCriterion(criterion: string): boolean {
  const c = criterion.trim();
  if (c.length < 12) return false;
  const gwt = parseGivenWhenThen(c);
  const hasNumber = /\d/.test(c);
  if (VAGUE_RE.test(c) && !hasNumber) return false;
  if (gwt.outcome || OBSERVABLE_RE.test(c)) return true;
  // Any verb of the lexicon states an outcome: "The PDF lists every line item".
  return (c.toLowerCase().match(/[a-z]+/g) ?? []).some(
    (w) => baseOfThird(w) !== null || (w.endsWith('ed') && isBaseVerb(baseOfPast(w) ?? '')),
  );
}

export interface ReadinessOptions {
  /** The other stories of the epic: a story that repeats one of them is not ready, whatever its score. */
  siblings?: readonly StoryRef[];
}

/**
 * Scores how ready a story is for task and test generation. Points: acceptance criteria present (30),
 * criteria testable (20), a real description (20, none when it is only links), no open questions such
 * as "TBD" or trailing "?" (15), user-story shape or a clear title (15). The level is "ready" only from
 * 75 points with every criterion testable and no sibling repeated; a repeated sibling is "not_ready".
 */
export function scoreReadiness(story: StoryLike, opts: ReadinessOptions = {}): Readiness {
  const reasons: ReadinessReason[] = [];
  // A placeholder ("TBD", "?") is an open question, not a criterion.
  const criteria = (story.acceptance_criteria ?? [])
    .map((c) => c.trim())
    .filter((c) => c.length > 0 && !/^(?:tbd|tbc|todo|n\/a|-+|\?+)\.?$/i.test(c));
  const description = story.description ?? '';

  const acPoints = criteria.length === 0 ? 0 : criteria.length === 1 ? 20 : 30;
  reasons.push({
    signal: 'acceptance_criteria',
    points: acPoints,
    max_points: 30,
    message:
      criteria.length === 0
        ? 'No acceptance criteria: add the conditions that make the story done'
        : criteria.length === 1
          ? 'Only one acceptance criterion: most stories need error and edge cases too'
          : `${criteria.length} acceptance criteria`,
  });

  const testable = criteria.filter(isTestableCriterion);
  const vague = criteria.filter((c) => !isTestableCriterion(c));
  const testPoints = criteria.length === 0 ? 0 : Math.round((20 * testable.length) / criteria.length);
  reasons.push({
    signal: 'testable_criteria',
    points: testPoints,
    max_points: 20,
    message:
      criteria.length === 0
        ? 'Nothing to test yet'
        : vague.length === 0
          ? 'Every criterion states an observable outcome'
          : `${vague.length} ${vague.length > 1 ? 'criteria are' : 'criterion is'} not testable as written (e.g. "${vague[0]}"): state the observable outcome or a number`,
  });

  const withoutLinks = description.replace(URL_RE, ' ').replace(/\s+/g, ' ').trim();
  const linksOnly =
    description.trim().length > 0 && (description.match(URL_RE)?.length ?? 0) > 0 && withoutLinks.length < 20;
  if (linksOnly) {
    reasons.push({
      signal: 'links_only',
      points: 0,
      max_points: 20,
      message: 'The description is only links: summarise what the linked pages say',
    });
  } else {
    const len = withoutLinks.length;
    reasons.push({
      signal: 'description',
      points: len < 40 ? 0 : len < 150 ? 10 : 20,
      max_points: 20,
      message:
        len === 0
          ? 'No description'
          : len < 40
            ? `Description too short (${len} characters)`
            : len < 150
              ? `Short description (${len} characters): add context and scope`
              : 'Description gives context',
    });
  }

  const questions = [
    ...`${story.title}\n${description}\n${(story.acceptance_criteria ?? []).join('\n')}`.matchAll(
      QUESTION_RE,
    ),
  ].map((m) => m[0].trim());
  reasons.push({
    signal: 'open_questions',
    points: Math.max(0, 15 - 8 * questions.length),
    max_points: 15,
    message:
      questions.length === 0
        ? 'No open questions'
        : `${questions.length} open question${questions.length > 1 ? 's' : ''} (${[...new Set(questions)].slice(0, 3).join(', ')}): resolve before planning`,
  });

  const userStory = /\bas an?\s+.+?\bI (?:want|need|can)\b/i.test(`${story.title} ${description}`);
  const titleWords = story.title.trim().split(/\s+/).filter(Boolean).length;
  reasons.push({
    signal: 'story_shape',
    points: userStory ? 15 : titleWords >= 3 ? 10 : 0,
    max_points: 15,
    message: userStory
      ? 'Written as a user story (who, what, why)'
      : titleWords >= 3
        ? 'Clear title, but no "As a ..., I want ..." statement'
        : 'Title too short to say what the story delivers',
  });

  const siblings = (opts.siblings ?? []).filter((x) => !(story.key && x.key === story.key));
  const [twin] = matchExistingStories([{ title: story.title, description }], siblings);
  if (twin) {
    const other = siblings[twin.existing]!;
    reasons.push({
      signal: 'repeats_sibling',
      points: 0,
      max_points: 0,
      message: `Repeats ${other.key ? `${other.key} ` : ''}"${other.title}" of the same epic: merge the two or say what differs`,
    });
  }

  const score = Math.max(
    0,
    Math.min(
      100,
      reasons.reduce((n, r) => n + r.points, 0),
    ),
  );
  const banded: ReadinessLevel = score >= 75 ? 'ready' : score >= 50 ? 'needs_work' : 'not_ready';
  // Untestable criteria hold a story at "needs work"; repeating a sibling makes it not ready.
  const level: ReadinessLevel = twin
    ? 'not_ready'
    : banded === 'ready' && (criteria.length === 0 || vague.length > 0)
      ? 'needs_work'
      : banded;
  return { score, level, reasons };
}
