/**
 * The whole rule-based planning pipeline for one epic, as used offline (`augment plan FILE`) and as the
 * no-LLM fallback of the planning jobs: the input read once (readPlanSource) -> stories -> team tasks
 * with tests, for the product the pages describe -> epic-wide work planned once -> dependencies (rules
 * plus optional proposals, validated, without links other links imply) -> epic-wide test
 * de-duplication -> plan validation.
 */
import type { CoverageLevel } from '../api/requests.js';
import { analyzeStory } from './analyze-story.js';
import { dedupeTestCases } from './dedupe-test-cases.js';
import {
  buildRelationships,
  type DroppedDependency,
  mergeDependencies,
  reduceTransitiveLinks,
} from './dependencies.js';
import { longestPath } from './estimate-ticket.js';
import { pointsForDays, storiesFromSource } from './generate-stories.js';
import { generateTeamTasks } from './generate-team-tasks.js';
import { COVERAGE_RANGES, generateTestCases } from './generate-test-cases.js';
import {
  crossCuttingTask,
  findCrossCutting,
  linkCrossCutting,
  unplacedRequirements,
} from './plan-cross-cutting.js';
import { readProductProfile } from './product-profile.js';
import { type PlanSource, readPlanSource } from './read-plan-source.js';
import type {
  ProposedDependency,
  Relationship,
  Story,
  StoryType,
  Team,
  TeamTask,
  TestCase,
} from './schemas.js';
import { type Readiness, scoreReadiness } from './score-readiness.js';
import { type EpicPlanValidation, type StoryTests, validateEpicPlan } from './validate-epic-plan.js';

export interface EpicPlanInput {
  epic_key?: string;
  summary: string;
  description?: string;
  prd_text?: string;
  rfc_text?: string;
  /** Use these stories instead of generating them (e.g. the epic's existing stories). */
  stories?: readonly Story[];
  /** The input already read (the runner reads it once per job). */
  source?: PlanSource;
  max_stories?: number;
  max_task_cycle_days?: number;
  coverage_level?: CoverageLevel;
  include_tests?: boolean;
  /** Extra dependencies (the AI pass), by task id or summary. */
  proposed_dependencies?: readonly ProposedDependency[];
  /** Jaccard threshold for epic-wide test de-duplication. Default 0.8. */
  dedupe_threshold?: number;
}

export interface PlannedStory {
  story: Story;
  story_types: StoryType[];
  readiness: Readiness;
  /** Story-level (acceptance/e2e) tests, after de-duplication. */
  test_cases: TestCase[];
  task_ids: string[];
  estimate_days: number;
}

export interface EpicPlan {
  epic_key?: string;
  summary: string;
  stories: PlannedStory[];
  tasks: TeamTask[];
  tasks_by_team: Partial<Record<Team, string[]>>;
  relationships: Relationship[];
  dropped_dependencies: DroppedDependency[];
  dedupe: { before: number; after: number; removed: number };
  estimate_total_days: number;
  /** Longest dependency chain across the epic, in days. */
  cycle_time_days: number;
  validation: EpicPlanValidation;
}

/** Plans an epic end to end with the rule-based engine. Deterministic for a given input. */
export function planEpic(input: EpicPlanInput): EpicPlan {
  const coverage = input.coverage_level ?? 'standard';
  const includeTests = input.include_tests ?? true;
  const source =
    input.source ??
    readPlanSource({
      summary: input.summary,
      description: input.description,
      prd: input.prd_text,
      max_stories: input.max_stories,
    });
  const generated = input.stories ?? storiesFromSource(source, input.rfc_text);
  const stories: Story[] = generated.map((s, i) => ({ ...s, key: s.key ?? `S${i + 1}` }));
  const product = readProductProfile({
    title: source.summary,
    text: [
      ...source.context,
      ...source.constraints,
      ...stories.map((s) => `${s.title}\n${s.description}\n${s.acceptance_criteria.join('\n')}`),
    ].join('\n'),
    exclusions: source.exclusions,
  });
  const crossCutting = findCrossCutting(source.constraints, stories);

  const plans = stories.map((s) =>
    generateTeamTasks(s, {
      max_task_cycle_days: input.max_task_cycle_days ?? 3,
      include_tests: includeTests,
      coverage_level: coverage,
      product,
      constraints: source.constraints,
      cross_cutting: crossCutting.map((c) => c.kind.id),
      ...(input.prd_text ? { prd_context: input.prd_text } : {}),
      ...(input.rfc_text ? { rfc_context: input.rfc_text } : {}),
    }),
  );
  const storyTests = stories.map((s) =>
    includeTests ? generateTestCases(s, { coverage_level: coverage }) : [],
  );

  // Epic-wide work: one task each, under the first story that needs it, blocking the QA of every story it serves.
  const storyTasks = plans.flatMap((p) => p.tasks);
  // A requirement that no epic-wide work and no story's task carries is planned on its own.
  const epicWork = [
    ...crossCutting,
    ...unplacedRequirements(source.constraints, crossCutting, storyTasks, stories, product),
  ];
  const epicTasks = epicWork.map((work) => {
    const first = stories.find((s) => s.key === work.stories[0])!;
    const task = crossCuttingTask(work, {
      team_factor: analyzeStory(first).complexity.team_factor,
      ...(includeTests ? { coverage_level: coverage } : {}),
    });
    return { work, task };
  });
  const withEpicWork = storyTasks.map((t) => ({ ...t, depends_on_tasks: [...t.depends_on_tasks] }));
  for (const e of epicTasks) linkCrossCutting(e.work, e.task, withEpicWork);

  const merged = mergeDependencies(
    [...withEpicWork, ...epicTasks.map((e) => e.task)],
    input.proposed_dependencies ?? [],
  );
  let tasks = reduceTransitiveLinks(merged.tasks);

  // De-duplicate across the epic; each kept case goes back to its owner (story or task).
  // Task cases come first so that they win over look-alike story-level cases.
  const owners: { story: number; task: number }[] = [];
  const all: TestCase[] = [];
  const scopes: string[] = [];
  const groups: string[] = [];
  const taskStory = new Map(stories.map((s, i) => [s.key!, i] as const));
  tasks.forEach((t, ti) => {
    for (const tc of t.test_cases) {
      owners.push({ story: taskStory.get(t.story_key ?? '') ?? -1, task: ti });
      all.push(tc);
      scopes.push(t.story_key ?? '');
      groups.push(`task:${t.id}`);
    }
  });
  storyTests.forEach((cases, si) => {
    for (const tc of cases) {
      owners.push({ story: si, task: -1 });
      all.push(tc);
      scopes.push(stories[si]!.key!);
      groups.push(`story:${stories[si]!.key}`);
    }
  });
  const deduped = dedupeTestCases(all, {
    threshold: input.dedupe_threshold ?? 0.8,
    scopes,
    groups,
    group_min: COVERAGE_RANGES[coverage].min,
  });
  const keptStory: TestCase[][] = stories.map(() => []);
  const keptTask: TestCase[][] = tasks.map(() => []);
  for (const i of deduped.kept_indices) {
    const o = owners[i]!;
    if (o.task >= 0) keptTask[o.task]!.push(all[i]!);
    else keptStory[o.story]!.push(all[i]!);
  }
  tasks = tasks.map((t, i) => ({ ...t, test_cases: keptTask[i]! }));

  const byTeam: Partial<Record<Team, string[]>> = {};
  for (const t of tasks) {
    const list = byTeam[t.team] ?? [];
    list.push(t.id);
    byTeam[t.team] = list;
  }

  const plannedStories: PlannedStory[] = stories.map((s, i) => {
    const mine = tasks.filter((t) => t.story_key === s.key);
    // Points follow the days the plan gives the story's own work (a story from Jira keeps its points).
    const ownDays = mine.filter((t) => !t.serves_stories).reduce((n, t) => n + t.estimate_days, 0);
    const story = input.stories ? s : { ...s, story_points: pointsForDays(ownDays) };
    return {
      story,
      story_types: plans[i]!.story_types,
      readiness: scoreReadiness(s, { siblings: stories }),
      test_cases: keptStory[i]!,
      task_ids: mine.map((t) => t.id),
      estimate_days: round(mine.reduce((n, t) => n + t.estimate_days, 0)),
    };
  });
  const validation = validateEpicPlan(
    {
      ...(input.epic_key ? { key: input.epic_key } : {}),
      summary: input.summary,
      description: input.description ?? input.prd_text ?? '',
    },
    stories,
    tasks,
    plannedStories.map((p): StoryTests => ({ story_key: p.story.key!, test_cases: p.test_cases })),
  );
  const plan: EpicPlan = {
    summary: input.summary,
    stories: plannedStories,
    tasks,
    tasks_by_team: byTeam,
    relationships: buildRelationships(tasks),
    dropped_dependencies: merged.dropped,
    dedupe: { before: all.length, after: deduped.kept.length, removed: deduped.removed.length },
    estimate_total_days: round(tasks.reduce((n, t) => n + t.estimate_days, 0)),
    cycle_time_days: longestPath(tasks),
    validation,
  };
  if (input.epic_key) plan.epic_key = input.epic_key;
  return plan;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
