/**
 * Scores a plan against a product manager's expectations, 0-100, and names every miss with the points it
 * cost. Words are compared by their Porter stems (the `stemmer` package, independent of the engine's own
 * stemming, so the engine cannot pass by sharing the scorer's shortcuts), and a stem that starts another
 * ("reconcil" / "reconcili") counts as the same word.
 */
import { COVERAGE_RANGES, type CoverageLevel, type EpicPlan } from '@augment/shared';
import { stemmer } from 'stemmer';
import type { Expectations } from './corpus.js';

/** Points per component; they add up to 100. */
export const WEIGHTS = {
  stories: 25,
  not_stories: 10,
  teams: 20,
  task_nouns: 20,
  forbidden: 10,
  cross_cutting: 5,
  hygiene: 10,
} as const;
export type Component = keyof typeof WEIGHTS;

export interface Miss {
  component: Component;
  /** Points of the case's 100 that this miss cost. */
  lost: number;
  message: string;
}

export interface CaseScore {
  total: number;
  components: Record<Component, number>;
  misses: Miss[];
}

const STOP_WORDS = new Set(
  'a an the and or of to in on at by for with from into as is are be it its this that their them they we our you your can will must should may per via'.split(
    ' ',
  ),
);

const tokens = (text: string): string[] =>
  (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !STOP_WORDS.has(w)).map((w) => stemmer(w));

const sameWord = (a: string, b: string) =>
  a === b || (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a)));

function overlap(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  for (const x of new Set(a)) if (b.some((y) => sameWord(x, y))) n++;
  return n;
}

/** Dice coefficient of two titles' word stems. */
export function titleSimilarity(a: string, b: string): number {
  const ta = [...new Set(tokens(a))];
  const tb = [...new Set(tokens(b))];
  if (ta.length === 0 || tb.length === 0) return 0;
  return (2 * overlap(ta, tb)) / (ta.length + tb.length);
}

/** Whether every word of `phrase` appears in `text` (in any order). */
export function mentions(text: string, phrase: string): boolean {
  const words = tokens(text);
  const want = tokens(phrase);
  return want.length > 0 && want.every((w) => words.some((x) => sameWord(w, x)));
}

/** Text with negated mentions removed ("without an account", "no UI", "not in scope"). */
function withoutNegations(text: string): string {
  return text.replace(
    /\b(?:without|no|not|never|non)\b(?:\s+(?:a|an|the|any|creating|having|need(?:ing)? (?:a|an|to))\b)?\s+[\w-]+/gi,
    ' ',
  );
}

function mentionsAffirmed(text: string, phrase: string): boolean {
  return mentions(withoutNegations(text), phrase);
}

const MATCH_AT = 0.5;
const NOT_STORY_AT = 0.6;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Scores one plan. `coverage` is the level the plan was made with (for the tests-per-item check). */
export function scorePlan(
  plan: EpicPlan,
  expect: Expectations,
  coverage: CoverageLevel = 'standard',
): CaseScore {
  const misses: Miss[] = [];
  const generated = plan.stories.map((s) => s.story);
  const nExp = expect.stories.length;

  // Stories: one-to-one, best pairs first.
  const pairs: { e: number; g: number; sim: number }[] = [];
  expect.stories.forEach((es, e) => {
    generated.forEach((gs, g) => {
      const sim = Math.max(...[es.title, ...es.aliases].map((t) => titleSimilarity(t, gs.title)));
      if (sim >= MATCH_AT) pairs.push({ e, g, sim });
    });
  });
  pairs.sort((a, b) => b.sim - a.sim || a.e - b.e || a.g - b.g);
  const matchOf = new Map<number, number>();
  const usedG = new Set<number>();
  for (const p of pairs) {
    if (matchOf.has(p.e) || usedG.has(p.g)) continue;
    matchOf.set(p.e, p.g);
    usedG.add(p.g);
  }
  const recall = matchOf.size / nExp;
  const precision = generated.length === 0 ? 0 : matchOf.size / generated.length;
  const storiesScore = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  expect.stories.forEach((es, e) => {
    if (!matchOf.has(e))
      misses.push({
        component: 'stories',
        lost: (WEIGHTS.stories * 0.5) / nExp,
        message: `story not planned: "${es.title}"`,
      });
  });
  generated.forEach((gs, g) => {
    if (!usedG.has(g) && generated.length > 0)
      misses.push({
        component: 'stories',
        lost: (WEIGHTS.stories * 0.5) / generated.length,
        message: `unexpected story: "${gs.title}"`,
      });
  });

  // Sections and out-of-scope items that must not become stories.
  let notStoriesScore = 1;
  if (expect.not_stories.length > 0) {
    let bad = 0;
    for (const phrase of expect.not_stories) {
      const hit = generated.find(
        (gs, g) => !usedG.has(g) && titleSimilarity(phrase, gs.title) >= NOT_STORY_AT,
      );
      if (hit) {
        bad++;
        misses.push({
          component: 'not_stories',
          lost: WEIGHTS.not_stories / expect.not_stories.length,
          message: `"${phrase}" became a story ("${hit.title}")`,
        });
      }
    }
    notStoriesScore = 1 - bad / expect.not_stories.length;
  }

  const tasksOf = (g: number) => plan.tasks.filter((t) => t.story_key === generated[g]!.key);

  // Teams, task nouns and forbidden words, per expected story (a story not planned scores 0).
  let teamsSum = 0;
  let nounsSum = 0;
  let forbiddenChecks = 0;
  let forbiddenBad = 0;
  expect.stories.forEach((es, e) => {
    const g = matchOf.get(e);
    if (g === undefined) return;
    const tasks = tasksOf(g);
    const teams = new Set<string>(tasks.map((t) => t.team));
    const parts: number[] = [];
    const teamMisses: Miss[] = [];
    if (es.teams.length > 0) {
      const missing = es.teams.filter((t) => !teams.has(t));
      parts.push(1 - missing.length / es.teams.length);
      if (missing.length > 0)
        teamMisses.push({
          component: 'teams',
          lost: 0,
          message: `"${es.title}": no ${missing.join(', ')} task`,
        });
    }
    if (es.not_teams.length > 0) {
      const wrong = es.not_teams.filter((t) => teams.has(t));
      parts.push(1 - wrong.length / es.not_teams.length);
      if (wrong.length > 0)
        teamMisses.push({
          component: 'teams',
          lost: 0,
          message: `"${es.title}": has ${wrong.join(', ')} tasks it must not have`,
        });
    }
    const teamScore = parts.length === 0 ? 1 : parts.reduce((a, b) => a + b, 0) / parts.length;
    teamsSum += teamScore;
    // Spread the points lost on this story over its team misses.
    for (const m of teamMisses)
      misses.push({ ...m, lost: (WEIGHTS.teams * (1 - teamScore)) / nExp / teamMisses.length });

    if (es.task_nouns.length > 0) {
      const missing = es.task_nouns.filter((n) => !tasks.some((t) => mentions(t.summary, n)));
      nounsSum += 1 - missing.length / es.task_nouns.length;
      if (missing.length > 0)
        misses.push({
          component: 'task_nouns',
          lost: (WEIGHTS.task_nouns * missing.length) / es.task_nouns.length / nExp,
          message: `"${es.title}": tasks never name ${missing.map((n) => `"${n}"`).join(', ')}`,
        });
    } else nounsSum += 1;

    const storyTests = plan.stories[g]!.test_cases;
    const texts = [
      ...tasks.map((t) => t.summary),
      ...tasks.flatMap((t) => t.test_cases.map((c) => c.title)),
      ...storyTests.map((c) => c.title),
    ];
    for (const word of es.forbidden) {
      forbiddenChecks++;
      const where = texts.find((x) => mentionsAffirmed(x, word));
      if (where) {
        forbiddenBad++;
        misses.push({
          component: 'forbidden',
          lost: 0,
          message: `"${es.title}": "${word}" in "${where.slice(0, 90)}"`,
        });
      }
    }
  });
  for (const word of expect.forbidden) {
    forbiddenChecks++;
    const texts = [
      ...plan.tasks.flatMap((t) => [
        t.summary,
        t.description,
        ...t.test_cases.flatMap((c) => [c.title, c.expected_result]),
      ]),
      ...plan.stories.flatMap((s) => [...s.story.acceptance_criteria, ...s.test_cases.map((c) => c.title)]),
    ];
    const where = texts.find((x) => mentionsAffirmed(x, word));
    if (where) {
      forbiddenBad++;
      misses.push({ component: 'forbidden', lost: 0, message: `"${word}" in "${where.slice(0, 90)}"` });
    }
  }
  const forbiddenScore = forbiddenChecks === 0 ? 1 : 1 - forbiddenBad / forbiddenChecks;
  for (const m of misses) if (m.component === 'forbidden') m.lost = WEIGHTS.forbidden / forbiddenChecks;

  // Cross-cutting work: planned, and at most `max` times.
  let crossScore = 1;
  if (expect.cross_cutting.length > 0) {
    let sum = 0;
    for (const cc of expect.cross_cutting) {
      const n = plan.tasks.filter((t) => cc.phrases.some((p) => mentions(t.summary, p))).length;
      const s = n === 0 ? 0 : n <= cc.max ? 1 : cc.max / n;
      sum += s;
      if (s < 1)
        misses.push({
          component: 'cross_cutting',
          lost: (WEIGHTS.cross_cutting * (1 - s)) / expect.cross_cutting.length,
          message:
            n === 0
              ? `cross-cutting "${cc.name}": never planned`
              : `cross-cutting "${cc.name}": ${n} tasks (max ${cc.max})`,
        });
    }
    crossScore = sum / expect.cross_cutting.length;
  }

  // Hygiene: no repeated task summaries or test titles; tests per task within the coverage range.
  const norm = (s: string) => tokens(s).join(' ');
  const summaries = plan.tasks.map((t) => norm(t.summary));
  const allTests = [...plan.tasks.flatMap((t) => t.test_cases), ...plan.stories.flatMap((s) => s.test_cases)];
  const titles = allTests.map((c) => c.title.toLowerCase().trim());
  const range = COVERAGE_RANGES[coverage];
  const inRange = plan.tasks.filter(
    (t) => t.test_cases.length >= range.min && t.test_cases.length <= range.max,
  );
  const uniqTasks = summaries.length === 0 ? 1 : new Set(summaries).size / summaries.length;
  const uniqTests = titles.length === 0 ? 1 : new Set(titles).size / titles.length;
  const rangeShare = plan.tasks.length === 0 ? 1 : inRange.length / plan.tasks.length;
  const hygieneScore = (uniqTasks + uniqTests + rangeShare) / 3;
  if (uniqTasks < 1)
    misses.push({
      component: 'hygiene',
      lost: (WEIGHTS.hygiene * (1 - uniqTasks)) / 3,
      message: `${summaries.length - new Set(summaries).size} repeated task summaries of ${summaries.length}`,
    });
  if (uniqTests < 1)
    misses.push({
      component: 'hygiene',
      lost: (WEIGHTS.hygiene * (1 - uniqTests)) / 3,
      message: `${titles.length - new Set(titles).size} repeated test titles of ${titles.length}`,
    });
  if (rangeShare < 1)
    misses.push({
      component: 'hygiene',
      lost: (WEIGHTS.hygiene * (1 - rangeShare)) / 3,
      message: `${plan.tasks.length - inRange.length} of ${plan.tasks.length} tasks outside ${range.min}-${range.max} tests`,
    });

  const components: Record<Component, number> = {
    stories: storiesScore,
    not_stories: notStoriesScore,
    teams: teamsSum / nExp,
    task_nouns: nounsSum / nExp,
    forbidden: forbiddenScore,
    cross_cutting: crossScore,
    hygiene: hygieneScore,
  };
  let total = 0;
  for (const [k, w] of Object.entries(WEIGHTS)) total += w * components[k as Component];
  for (const m of misses) m.lost = round1(m.lost);
  return { total: round1(total), components, misses };
}
